/*
 * TODO: delete this file when the F/D translator (branch rv-fp) is merged.
 *
 * A stopgap so that ordinary glibc programs run in user mode before the
 * RISC-V translator has F and D: glibc saves and restores callee-saved FP
 * registers (setjmp, which __libc_start_main calls; the dynamic linker's
 * lazy-binding trampoline) even in programs that compute no floats.  The
 * CPU loop gives us the illegal-instruction traps of the pure data moves
 * among them -- FP loads and stores (fld/fsd/flw/fsw and their compressed
 * forms), fmv between integer and FP registers, and the sign injections of
 * doubles -- and we do them here.  Nothing that rounds is handled: those
 * stay illegal.  Once the translator decodes these instructions this code
 * is never reached.
 */
#include "user/fp_shim.h"

#include <string.h>
#include <sys/mman.h>

#include "user/syscall.h"

static int64_t sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* Load/store size bytes between f[reg] and guest memory.  Returns false
 * (with *fault_addr) when the guest may not access it. */
static bool fp_mem(UserThread *t, uint64_t *fpr, unsigned reg, uint64_t addr, unsigned size,
                   bool store, uint64_t *fault_addr)
{
    void *p = user_ptr(t, addr, size, store ? PROT_WRITE : PROT_READ);
    if (!p) {
        *fault_addr = addr;
        return false;
    }
    if (store) {
        memcpy(p, &fpr[reg], size);
    } else if (size == 8) {
        memcpy(&fpr[reg], p, 8);
    } else {
        uint32_t w;
        memcpy(&w, p, 4);
        fpr[reg] = 0xffffffff00000000ull | w;  /* NaN-boxed single */
    }
    return true;
}

FpShimResult fp_shim_emulate(UserThread *t, uint64_t *gpr, uint64_t *fpr, uint64_t *pc,
                             uint32_t insn, uint64_t *fault_addr)
{
    unsigned len = (insn & 3) == 3 ? 4 : 2;
    bool ok;

    if (len == 2) {
        unsigned op = insn & 3, f3 = (insn >> 13) & 7;
        unsigned uimm;
        if (op == 0 && (f3 == 1 || f3 == 5)) {          /* c.fld / c.fsd */
            unsigned r = 8 + ((insn >> 2) & 7), base = 8 + ((insn >> 7) & 7);
            uimm = ((insn >> 10) & 7) << 3 | ((insn >> 5) & 3) << 6;
            ok = fp_mem(t, fpr, r, gpr[base] + uimm, 8, f3 == 5, fault_addr);
        } else if (op == 2 && f3 == 1) {                /* c.fldsp */
            unsigned rd = (insn >> 7) & 31;
            uimm = ((insn >> 12) & 1) << 5 | ((insn >> 5) & 3) << 3 | ((insn >> 2) & 7) << 6;
            ok = fp_mem(t, fpr, rd, gpr[2] + uimm, 8, false, fault_addr);
        } else if (op == 2 && f3 == 5) {                /* c.fsdsp */
            unsigned rs2 = (insn >> 2) & 31;
            uimm = ((insn >> 10) & 7) << 3 | ((insn >> 7) & 7) << 6;
            ok = fp_mem(t, fpr, rs2, gpr[2] + uimm, 8, true, fault_addr);
        } else {
            return FP_SHIM_NOT_MINE;
        }
    } else {
        unsigned opc = insn & 0x7f, rd = (insn >> 7) & 31, f3 = (insn >> 12) & 7;
        unsigned rs1 = (insn >> 15) & 31, rs2 = (insn >> 20) & 31, f7 = insn >> 25;
        if (opc == 0x07 && (f3 == 2 || f3 == 3)) {      /* flw / fld */
            uint64_t addr = gpr[rs1] + (uint64_t)sext(insn >> 20, 12);
            ok = fp_mem(t, fpr, rd, addr, f3 == 3 ? 8 : 4, false, fault_addr);
        } else if (opc == 0x27 && (f3 == 2 || f3 == 3)) { /* fsw / fsd */
            uint64_t imm = (uint64_t)sext((insn >> 25) << 5 | ((insn >> 7) & 31), 12);
            ok = fp_mem(t, fpr, rs2, gpr[rs1] + imm, f3 == 3 ? 8 : 4, true, fault_addr);
        } else if (opc == 0x53 && f7 == 0x71 && rs2 == 0 && f3 == 0) {  /* fmv.x.d */
            if (rd) {
                gpr[rd] = fpr[rs1];
            }
            ok = true;
        } else if (opc == 0x53 && f7 == 0x79 && rs2 == 0 && f3 == 0) {  /* fmv.d.x */
            fpr[rd] = gpr[rs1];
            ok = true;
        } else if (opc == 0x53 && f7 == 0x70 && rs2 == 0 && f3 == 0) {  /* fmv.x.w */
            if (rd) {
                gpr[rd] = (uint64_t)sext(fpr[rs1] & 0xffffffffu, 32);
            }
            ok = true;
        } else if (opc == 0x53 && f7 == 0x78 && rs2 == 0 && f3 == 0) {  /* fmv.w.x */
            fpr[rd] = 0xffffffff00000000ull | (gpr[rs1] & 0xffffffffu);
            ok = true;
        } else if (opc == 0x53 && f7 == 0x11 && f3 <= 2) {  /* fsgnj[n,x].d */
            const uint64_t sign = 1ull << 63;
            uint64_t a = fpr[rs1], b = fpr[rs2];
            uint64_t s = f3 == 0 ? b & sign : f3 == 1 ? ~b & sign : (a ^ b) & sign;
            fpr[rd] = (a & ~sign) | s;
            ok = true;
        } else {
            return FP_SHIM_NOT_MINE;
        }
    }
    if (!ok) {
        return FP_SHIM_FAULT;
    }
    *pc += len;
    return FP_SHIM_DONE;
}
