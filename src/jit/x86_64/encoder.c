/*
 * The x86-64 encoder (see encoder.h).  Every instruction (prefixes, REX,
 * opcode, ModRM, SIB, displacement, immediate; at most 15 bytes by the
 * architecture) is built in place when the buffer has room for the longest
 * one, else in a scratch X86Ins that is committed only if it fits, so an
 * overflow never leaves half an instruction.
 * Opcodes are passed as one integer whose bytes are emitted high to low
 * (0x0fb6 is 0F B6); flags carry the legacy prefixes and REX.W.
 */
#include "jit/x86_64/encoder.h"

#include <assert.h>
#include <cpuid.h>
#include <pthread.h>
#include <string.h>

enum {
    P_66 = 1u << 0,         /* operand-size prefix / SSE mandatory prefix */
    P_F2 = 1u << 1,
    P_F3 = 1u << 2,
    P_LOCK = 1u << 3,
    P_W = 1u << 4,          /* REX.W */
    P_BYTE_REG = 1u << 5,   /* the ModRM reg field names a byte register */
    P_BYTE_RM = 1u << 6,    /* the ModRM rm field names a byte register */
};

/* An instruction is built byte by byte through a cursor that the ins_*
 * functions take and return (a local, so it stays in a register): in place
 * at X86Asm.p when INS_ROOM bytes are left, else in tmp, which commit()
 * copies only if it fits.  INS_ROOM covers the longest form (15 bytes, the
 * architecture's limit) plus ins_imm's whole 8-byte store. */
#define INS_ROOM 24
/* The builders are inlined into each x86_* function, so that the cursor and
 * the operands stay in registers (called, they were a third of the
 * encoder's time in a boot's translation). */
#define INS_INLINE static inline __attribute__((always_inline))
typedef struct X86Ins {
    uint8_t *start;         /* X86Asm.p or tmp */
    uint8_t tmp[INS_ROOM];
} X86Ins;

INS_INLINE uint8_t *ins_begin(X86Asm *a, X86Ins *i)
{
    bool in_place = !a->overflow && (size_t)(a->end - a->p) >= INS_ROOM;
    i->start = in_place ? a->p : i->tmp;
    return i->start;
}

static inline uint8_t *ins_byte(uint8_t *p, uint8_t v)
{
    *p = v;
    return p + 1;
}

/* The low size bytes of v, little-endian: this file runs on x86-64 only,
 * so v's own bytes (all 8 are stored: INS_ROOM). */
static inline uint8_t *ins_imm(uint8_t *p, uint64_t v, unsigned size)
{
    memcpy(p, &v, 8);
    return p + size;
}

static bool fits_i8(int64_t v)
{
    return v == (int8_t)v;
}

static bool fits_i32(int64_t v)
{
    return v == (int32_t)v;
}

/* Legacy prefixes, REX, opcode.  reg/index/base are register numbers (or
 * -1 when absent); byte-register flags force an empty REX for 4..7. */
INS_INLINE uint8_t *ins_head(uint8_t *p, unsigned flags, uint32_t opc, int reg, int index,
                             int base)
{
    if (flags & P_66) {
        p = ins_byte(p, 0x66);
    }
    if (flags & P_LOCK) {
        p = ins_byte(p, 0xf0);      /* after 66, as GNU as orders them */
    }
    if (flags & P_F2) {
        p = ins_byte(p, 0xf2);
    }
    if (flags & P_F3) {
        p = ins_byte(p, 0xf3);
    }
    unsigned rex = 0;
    bool force = false;
    if (flags & P_W) {
        rex |= 8;
    }
    if (reg >= 8) {
        rex |= 4;
    }
    if (index >= 8) {
        rex |= 2;
    }
    if (base >= 8) {
        rex |= 1;
    }
    if ((flags & P_BYTE_REG) && reg >= 4 && reg < 8) {
        force = true;
    }
    if ((flags & P_BYTE_RM) && base >= 4 && base < 8) {
        force = true;
    }
    if (rex || force) {
        p = ins_byte(p, (uint8_t)(0x40 | rex));
    }
    if (opc > 0xffff) {
        p = ins_byte(p, (uint8_t)(opc >> 16));
    }
    if (opc > 0xff) {
        p = ins_byte(p, (uint8_t)(opc >> 8));
    }
    return ins_byte(p, (uint8_t)opc);
}

/* opcode with a register operand in rm. */
INS_INLINE uint8_t *ins_rr(uint8_t *p, unsigned flags, uint32_t opc, int reg, int rm)
{
    p = ins_head(p, flags, opc, reg, -1, rm);
    return ins_byte(p, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* opcode with a memory operand. */
INS_INLINE uint8_t *ins_rm(uint8_t *p, unsigned flags, uint32_t opc, int reg, X86Mem m)
{
    int base = m.base, index = m.index;
    assert(index != X86_RSP);
    if (m.seg) {
        p = ins_byte(p, m.seg);
    }
    p = ins_head(p, flags, opc, reg, index, base);
    unsigned r = (unsigned)(reg & 7) << 3;

    if (base == X86_NOREG) {
        /* [index*s + disp32] or absolute [disp32] (SIB: rm=100 base=101) */
        p = ins_byte(p, (uint8_t)(0x04 | r));
        unsigned idx = index == X86_NOREG ? 4 : (unsigned)(index & 7);
        p = ins_byte(p, (uint8_t)(m.scale_log2 << 6 | idx << 3 | 5));
        return ins_imm(p, (uint32_t)m.disp, 4);
    }
    unsigned mod;
    if (m.disp == 0 && (base & 7) != 5) {
        mod = 0;
    } else if (fits_i8(m.disp)) {
        mod = 1;
    } else {
        mod = 2;
    }
    if (index == X86_NOREG && (base & 7) != 4) {
        p = ins_byte(p, (uint8_t)(mod << 6 | r | (base & 7)));
    } else {
        unsigned idx = index == X86_NOREG ? 4 : (unsigned)(index & 7);
        p = ins_byte(p, (uint8_t)(mod << 6 | r | 4));
        p = ins_byte(p, (uint8_t)(m.scale_log2 << 6 | idx << 3 | (base & 7)));
    }
    if (mod == 1) {
        p = ins_imm(p, (uint8_t)m.disp, 1);
    } else if (mod == 2) {
        p = ins_imm(p, (uint32_t)m.disp, 4);
    }
    return p;
}

INS_INLINE void commit(X86Asm *a, const X86Ins *i, const uint8_t *p)
{
    size_t n = (size_t)(p - i->start);
    assert(n <= 15);
    if (i->start == a->p) {
        a->p += n;          /* built in place */
        return;
    }
    if (a->overflow) {
        return;
    }
    if ((size_t)(a->end - a->p) < n) {
        a->overflow = true;
        return;
    }
    memcpy(a->p, i->tmp, n);
    a->p += n;
}

static unsigned wflag(bool w64)
{
    return w64 ? P_W : 0;
}

void x86_asm_init(X86Asm *a, void *buf, size_t size)
{
    a->start = a->p = buf;
    a->end = a->start + size;
    a->overflow = false;
}

void x86_bytes(X86Asm *a, const uint8_t *bytes, size_t n)
{
    if (a->overflow) {
        return;
    }
    if ((size_t)(a->end - a->p) < n) {
        a->overflow = true;
        return;
    }
    memcpy(a->p, bytes, n);
    a->p += n;
}

void x86_align(X86Asm *a, unsigned align)
{
    /* the recommended multi-byte NOPs (SDM vol. 2B, NOP) */
    static const uint8_t nops[9][9] = {
        { 0 },
        { 0x90 },
        { 0x66, 0x90 },
        { 0x0f, 0x1f, 0x00 },
        { 0x0f, 0x1f, 0x40, 0x00 },
        { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    };
    while (!a->overflow && ((uintptr_t)a->p & (align - 1))) {
        size_t n = align - ((uintptr_t)a->p & (align - 1));
        n = n > 8 ? 8 : n;
        x86_bytes(a, nops[n], n);
    }
}

/* ---- moves ---------------------------------------------------------- */

void x86_mov_rr(X86Asm *a, bool w64, X86Reg dst, X86Reg src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, wflag(w64), 0x89, src, dst);
    commit(a, &i, p);
}

void x86_movabs(X86Asm *a, X86Reg dst, uint64_t imm)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_head(p, P_W, 0xb8 + (dst & 7), -1, -1, dst);
    p = ins_imm(p, imm, 8);
    commit(a, &i, p);
}

void x86_mov_ri(X86Asm *a, X86Reg dst, uint64_t imm)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    if (imm <= UINT32_MAX) {
        p = ins_head(p, 0, 0xb8 + (dst & 7), -1, -1, dst);
        p = ins_imm(p, imm, 4);
    } else if (fits_i32((int64_t)imm)) {
        p = ins_rr(p, P_W, 0xc7, 0, dst);
        p = ins_imm(p, imm, 4);
    } else {
        x86_movabs(a, dst, imm);
        return;
    }
    commit(a, &i, p);
}

void x86_load(X86Asm *a, X86Reg dst, X86Mem m, unsigned size_bytes, bool sign, bool w64)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    switch (size_bytes) {
    case 1:
        p = ins_rm(p, sign ? wflag(w64) : 0, sign ? 0x0fbe : 0x0fb6, dst, m);
        break;
    case 2:
        p = ins_rm(p, sign ? wflag(w64) : 0, sign ? 0x0fbf : 0x0fb7, dst, m);
        break;
    case 4:
        if (sign && w64) {
            p = ins_rm(p, P_W, 0x63, dst, m);
        } else {
            p = ins_rm(p, 0, 0x8b, dst, m);
        }
        break;
    case 8:
        p = ins_rm(p, P_W, 0x8b, dst, m);
        break;
    default:
        assert(!"x86_load: bad size");
    }
    commit(a, &i, p);
}

void x86_store(X86Asm *a, X86Mem m, X86Reg src, unsigned size_bytes)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    switch (size_bytes) {
    case 1: p = ins_rm(p, P_BYTE_REG, 0x88, src, m); break;
    case 2: p = ins_rm(p, P_66, 0x89, src, m); break;
    case 4: p = ins_rm(p, 0, 0x89, src, m); break;
    case 8: p = ins_rm(p, P_W, 0x89, src, m); break;
    default: assert(!"x86_store: bad size");
    }
    commit(a, &i, p);
}

void x86_store_imm(X86Asm *a, X86Mem m, int32_t imm, unsigned size_bytes)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    switch (size_bytes) {
    case 1:
        p = ins_rm(p, 0, 0xc6, 0, m);
        p = ins_imm(p, (uint32_t)imm, 1);
        break;
    case 2:
        p = ins_rm(p, P_66, 0xc7, 0, m);
        p = ins_imm(p, (uint32_t)imm, 2);
        break;
    case 4:
    case 8:
        p = ins_rm(p, size_bytes == 8 ? P_W : 0, 0xc7, 0, m);
        p = ins_imm(p, (uint32_t)imm, 4);
        break;
    default:
        assert(!"x86_store_imm: bad size");
    }
    commit(a, &i, p);
}

void x86_movzx_rr(X86Asm *a, X86Reg dst, X86Reg src, unsigned from_bytes)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    if (from_bytes == 1) {
        p = ins_rr(p, P_BYTE_RM, 0x0fb6, dst, src);
    } else {
        assert(from_bytes == 2);
        p = ins_rr(p, 0, 0x0fb7, dst, src);
    }
    commit(a, &i, p);
}

void x86_movsx_rr(X86Asm *a, bool w64, X86Reg dst, X86Reg src, unsigned from_bytes)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    if (from_bytes == 1) {
        p = ins_rr(p, wflag(w64) | P_BYTE_RM, 0x0fbe, dst, src);
    } else if (from_bytes == 2) {
        p = ins_rr(p, wflag(w64), 0x0fbf, dst, src);
    } else {
        assert(from_bytes == 4 && w64);
        p = ins_rr(p, P_W, 0x63, dst, src);
    }
    commit(a, &i, p);
}

void x86_lea(X86Asm *a, bool w64, X86Reg dst, X86Mem m)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rm(p, wflag(w64), 0x8d, dst, m);
    commit(a, &i, p);
}

void x86_xchg_rr(X86Asm *a, bool w64, X86Reg r1, X86Reg r2)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, wflag(w64), 0x87, r2, r1);
    commit(a, &i, p);
}

/* ---- integer arithmetic -------------------------------------------- */

void x86_alu_rr(X86Asm *a, X86Alu op, bool w64, X86Reg dst, X86Reg src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, wflag(w64), (uint32_t)op * 8 + 1, src, dst);
    commit(a, &i, p);
}

void x86_alu_ri(X86Asm *a, X86Alu op, bool w64, X86Reg dst, int32_t imm)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    if (fits_i8(imm)) {
        p = ins_rr(p, wflag(w64), 0x83, op, dst);
        p = ins_imm(p, (uint32_t)imm, 1);
    } else {
        p = ins_rr(p, wflag(w64), 0x81, op, dst);
        p = ins_imm(p, (uint32_t)imm, 4);
    }
    commit(a, &i, p);
}

void x86_alu_rm(X86Asm *a, X86Alu op, bool w64, X86Reg dst, X86Mem m)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rm(p, wflag(w64), (uint32_t)op * 8 + 3, dst, m);
    commit(a, &i, p);
}

void x86_alu_mr(X86Asm *a, X86Alu op, bool w64, X86Mem m, X86Reg src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rm(p, wflag(w64), (uint32_t)op * 8 + 1, src, m);
    commit(a, &i, p);
}

void x86_alu_mi(X86Asm *a, X86Alu op, bool w64, X86Mem m, int32_t imm)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    if (fits_i8(imm)) {
        p = ins_rm(p, wflag(w64), 0x83, op, m);
        p = ins_imm(p, (uint32_t)imm, 1);
    } else {
        p = ins_rm(p, wflag(w64), 0x81, op, m);
        p = ins_imm(p, (uint32_t)imm, 4);
    }
    commit(a, &i, p);
}

void x86_test_rr(X86Asm *a, bool w64, X86Reg r1, X86Reg r2)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, wflag(w64), 0x85, r2, r1);
    commit(a, &i, p);
}

void x86_test_ri(X86Asm *a, bool w64, X86Reg r, int32_t imm)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, wflag(w64), 0xf7, 0, r);
    p = ins_imm(p, (uint32_t)imm, 4);
    commit(a, &i, p);
}

void x86_unary(X86Asm *a, X86Unary op, bool w64, X86Reg r)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, wflag(w64), 0xf7, op, r);
    commit(a, &i, p);
}

void x86_imul_rr(X86Asm *a, bool w64, X86Reg dst, X86Reg src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, wflag(w64), 0x0faf, dst, src);
    commit(a, &i, p);
}

void x86_imul_rri(X86Asm *a, bool w64, X86Reg dst, X86Reg src, int32_t imm)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    if (fits_i8(imm)) {
        p = ins_rr(p, wflag(w64), 0x6b, dst, src);
        p = ins_imm(p, (uint32_t)imm, 1);
    } else {
        p = ins_rr(p, wflag(w64), 0x69, dst, src);
        p = ins_imm(p, (uint32_t)imm, 4);
    }
    commit(a, &i, p);
}

void x86_cdq(X86Asm *a, bool w64)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_head(p, wflag(w64), 0x99, -1, -1, -1);
    commit(a, &i, p);
}

void x86_shift_ri(X86Asm *a, X86Shift op, bool w64, X86Reg r, unsigned count)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    if (count == 1) {
        p = ins_rr(p, wflag(w64), 0xd1, op, r);
    } else {
        p = ins_rr(p, wflag(w64), 0xc1, op, r);
        p = ins_imm(p, count, 1);
    }
    commit(a, &i, p);
}

void x86_shift_cl(X86Asm *a, X86Shift op, bool w64, X86Reg r)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, wflag(w64), 0xd3, op, r);
    commit(a, &i, p);
}

void x86_bt_ri(X86Asm *a, X86Bt op, bool w64, X86Reg r, unsigned bit)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, wflag(w64), 0x0fba, op, r);
    p = ins_imm(p, bit, 1);
    commit(a, &i, p);
}

void x86_bitcount(X86Asm *a, X86BitCount op, bool w64, X86Reg dst, X86Reg src)
{
    static const struct {
        unsigned prefix;
        uint32_t opc;
    } forms[] = {
        [X86_BSF] = { 0, 0x0fbc },
        [X86_BSR] = { 0, 0x0fbd },
        [X86_TZCNT] = { P_F3, 0x0fbc },
        [X86_LZCNT] = { P_F3, 0x0fbd },
        [X86_POPCNT] = { P_F3, 0x0fb8 },
    };
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, forms[op].prefix | wflag(w64), forms[op].opc, dst, src);
    commit(a, &i, p);
}

void x86_bswap(X86Asm *a, bool w64, X86Reg r)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_head(p, wflag(w64), 0x0fc8 + (r & 7), -1, -1, r);
    commit(a, &i, p);
}

void x86_rol16_8(X86Asm *a, X86Reg r)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, P_66, 0xc1, X86_ROL, r);
    p = ins_imm(p, 8, 1);
    commit(a, &i, p);
}

/* ---- conditions ----------------------------------------------------- */

void x86_setcc(X86Asm *a, X86Cond cc, X86Reg r8)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, P_BYTE_RM, 0x0f90 + cc, 0, r8);
    commit(a, &i, p);
}

void x86_cmovcc(X86Asm *a, X86Cond cc, bool w64, X86Reg dst, X86Reg src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, wflag(w64), 0x0f40 + cc, dst, src);
    commit(a, &i, p);
}

/* ---- control flow -------------------------------------------------- */

void x86_jmp(X86Asm *a, const uint8_t *target)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    int64_t d8 = target - (a->p + 2);
    if (fits_i8(d8)) {
        p = ins_byte(p, 0xeb);
        p = ins_imm(p, (uint64_t)d8, 1);
    } else {
        int64_t d32 = target - (a->p + 5);
        assert(fits_i32(d32));
        p = ins_byte(p, 0xe9);
        p = ins_imm(p, (uint64_t)d32, 4);
    }
    commit(a, &i, p);
}

void x86_jcc(X86Asm *a, X86Cond cc, const uint8_t *target)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    int64_t d8 = target - (a->p + 2);
    if (fits_i8(d8)) {
        p = ins_byte(p, (uint8_t)(0x70 + cc));
        p = ins_imm(p, (uint64_t)d8, 1);
    } else {
        int64_t d32 = target - (a->p + 6);
        assert(fits_i32(d32));
        p = ins_byte(p, 0x0f);
        p = ins_byte(p, (uint8_t)(0x80 + cc));
        p = ins_imm(p, (uint64_t)d32, 4);
    }
    commit(a, &i, p);
}

static uint8_t *fwd(X86Asm *a, const uint8_t *opc, unsigned nopc, unsigned dsize)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    for (unsigned k = 0; k < nopc; k++) {
        p = ins_byte(p, opc[k]);
    }
    p = ins_imm(p, 0, dsize);
    commit(a, &i, p);
    return a->overflow ? NULL : a->p - dsize;
}

uint8_t *x86_jmp32_fwd(X86Asm *a)
{
    return fwd(a, (const uint8_t[]){ 0xe9 }, 1, 4);
}

uint8_t *x86_call32_fwd(X86Asm *a)
{
    return fwd(a, (const uint8_t[]){ 0xe8 }, 1, 4);
}

uint8_t *x86_jcc32_fwd(X86Asm *a, X86Cond cc)
{
    return fwd(a, (const uint8_t[]){ 0x0f, (uint8_t)(0x80 + cc) }, 2, 4);
}

uint8_t *x86_jcc8_fwd(X86Asm *a, X86Cond cc)
{
    return fwd(a, (const uint8_t[]){ (uint8_t)(0x70 + cc) }, 1, 1);
}

uint8_t *x86_jmp8_fwd(X86Asm *a)
{
    return fwd(a, (const uint8_t[]){ 0xeb }, 1, 1);
}

void x86_patch_rel32(uint8_t *loc, const uint8_t *target)
{
    if (!loc) {
        return;
    }
    int64_t d = target - (loc + 4);
    assert(fits_i32(d));
    int32_t d32 = (int32_t)d;
    memcpy(loc, &d32, 4);
}

void x86_patch_rel8(uint8_t *loc, const uint8_t *target)
{
    if (!loc) {
        return;
    }
    int64_t d = target - (loc + 1);
    assert(fits_i8(d));
    *loc = (uint8_t)d;
}

void x86_jmp_r(X86Asm *a, X86Reg r)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, 0, 0xff, 4, r);
    commit(a, &i, p);
}

void x86_jmp_m(X86Asm *a, X86Mem m)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rm(p, 0, 0xff, 4, m);
    commit(a, &i, p);
}

void x86_call_r(X86Asm *a, X86Reg r)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, 0, 0xff, 2, r);
    commit(a, &i, p);
}

void x86_ret(X86Asm *a)
{
    x86_bytes(a, (const uint8_t[]){ 0xc3 }, 1);
}

void x86_ret_imm(X86Asm *a, uint16_t pop_bytes)
{
    x86_bytes(a, (const uint8_t[]){ 0xc2, (uint8_t)pop_bytes, (uint8_t)(pop_bytes >> 8) }, 3);
}

void x86_push_imm(X86Asm *a, int32_t imm)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    if (imm == (int8_t)imm) {
        p = ins_byte(p, 0x6a);
        p = ins_imm(p, (uint32_t)imm, 1);
    } else {
        p = ins_byte(p, 0x68);
        p = ins_imm(p, (uint32_t)imm, 4);
    }
    commit(a, &i, p);
}

void x86_push_m(X86Asm *a, X86Mem m)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rm(p, 0, 0xff, 6, m);
    commit(a, &i, p);
}

void x86_pop_m(X86Asm *a, X86Mem m)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rm(p, 0, 0x8f, 0, m);
    commit(a, &i, p);
}

void x86_push(X86Asm *a, X86Reg r)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_head(p, 0, 0x50 + (r & 7), -1, -1, r);
    commit(a, &i, p);
}

void x86_pop(X86Asm *a, X86Reg r)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_head(p, 0, 0x58 + (r & 7), -1, -1, r);
    commit(a, &i, p);
}

void x86_ud2(X86Asm *a)
{
    x86_bytes(a, (const uint8_t[]){ 0x0f, 0x0b }, 2);
}

/* ---- atomics -------------------------------------------------------- */

static unsigned size_flags(unsigned size_bytes)
{
    switch (size_bytes) {
    case 1: return P_BYTE_REG;
    case 2: return P_66;
    case 4: return 0;
    case 8: return P_W;
    default: assert(!"bad atomic size"); return 0;
    }
}

void x86_lock_cmpxchg(X86Asm *a, X86Mem m, X86Reg src, unsigned size_bytes)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rm(p, P_LOCK | size_flags(size_bytes), size_bytes == 1 ? 0x0fb0 : 0x0fb1, src, m);
    commit(a, &i, p);
}

void x86_xchg_mr(X86Asm *a, X86Mem m, X86Reg r, unsigned size_bytes)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rm(p, size_flags(size_bytes), size_bytes == 1 ? 0x86 : 0x87, r, m);
    commit(a, &i, p);
}

void x86_lock_xadd(X86Asm *a, X86Mem m, X86Reg r, unsigned size_bytes)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rm(p, P_LOCK | size_flags(size_bytes), size_bytes == 1 ? 0x0fc0 : 0x0fc1, r, m);
    commit(a, &i, p);
}

void x86_mfence(X86Asm *a)
{
    x86_bytes(a, (const uint8_t[]){ 0x0f, 0xae, 0xf0 }, 3);
}

/* ---- SSE2 ----------------------------------------------------------- */

static unsigned fp_prefix(bool dbl)
{
    return dbl ? P_F2 : P_F3;
}

void x86_movs_xm(X86Asm *a, bool dbl, X86Xmm dst, X86Mem m)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rm(p, fp_prefix(dbl), 0x0f10, dst, m);
    commit(a, &i, p);
}

void x86_movs_mx(X86Asm *a, bool dbl, X86Mem m, X86Xmm src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rm(p, fp_prefix(dbl), 0x0f11, src, m);
    commit(a, &i, p);
}

void x86_movs_xx(X86Asm *a, bool dbl, X86Xmm dst, X86Xmm src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, fp_prefix(dbl), 0x0f10, dst, src);
    commit(a, &i, p);
}

void x86_movaps_xx(X86Asm *a, X86Xmm dst, X86Xmm src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, 0, 0x0f28, dst, src);
    commit(a, &i, p);
}

void x86_sse_arith(X86Asm *a, X86SseOp op, bool dbl, X86Xmm dst, X86Xmm src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, fp_prefix(dbl), 0x0f00 + op, dst, src);
    commit(a, &i, p);
}

void x86_ucomis(X86Asm *a, bool dbl, X86Xmm x1, X86Xmm x2)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, dbl ? P_66 : 0, 0x0f2e, x1, x2);
    commit(a, &i, p);
}

void x86_cvtsi2s(X86Asm *a, bool dbl, bool w64, X86Xmm dst, X86Reg src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, fp_prefix(dbl) | wflag(w64), 0x0f2a, dst, src);
    commit(a, &i, p);
}

void x86_cvtts2si(X86Asm *a, bool dbl, bool w64, X86Reg dst, X86Xmm src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, fp_prefix(dbl) | wflag(w64), 0x0f2c, dst, src);
    commit(a, &i, p);
}

void x86_cvtsd2ss(X86Asm *a, X86Xmm dst, X86Xmm src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, P_F2, 0x0f5a, dst, src);
    commit(a, &i, p);
}

void x86_cvtss2sd(X86Asm *a, X86Xmm dst, X86Xmm src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, P_F3, 0x0f5a, dst, src);
    commit(a, &i, p);
}

void x86_movq_xr(X86Asm *a, bool w64, X86Xmm dst, X86Reg src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, P_66 | wflag(w64), 0x0f6e, dst, src);
    commit(a, &i, p);
}

void x86_movq_rx(X86Asm *a, bool w64, X86Reg dst, X86Xmm src)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_rr(p, P_66 | wflag(w64), 0x0f7e, src, dst);
    commit(a, &i, p);
}

/* The 3-byte VEX prefix (SDM vol. 2, 2.3.5): R, X, B and vvvv inverted;
 * map 0F38 (m-mmmm 00010), pp 01 (66), L 0 (scalar: LIG). */
void x86_vfma_s(X86Asm *a, X86FmaOp op, bool dbl, X86Xmm dst, X86Xmm src1, X86Xmm src2)
{
    X86Ins i;
    uint8_t *p = ins_begin(a, &i);
    p = ins_byte(p, 0xc4);
    p = ins_byte(p, (uint8_t)((dst >= 8 ? 0 : 0x80) | 0x40 | (src2 >= 8 ? 0 : 0x20) | 0x02));
    p = ins_byte(p, (uint8_t)((dbl ? 0x80 : 0) | (~(unsigned)src1 & 15) << 3 | 0x01));
    p = ins_byte(p, (uint8_t)op);
    p = ins_byte(p, (uint8_t)(0xc0 | (dst & 7) << 3 | (src2 & 7)));
    commit(a, &i, p);
}

/* ---- host features -------------------------------------------------- */

static X86Features x86_host_features;
static pthread_once_t x86_features_once = PTHREAD_ONCE_INIT;

static void x86_features_probe(void)
{
    unsigned eax, ebx, ecx, edx;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
        x86_host_features.popcnt = (ecx >> 23) & 1;
        /* FMA (bit 12) needs OSXSAVE (bit 27) and XCR0 saving SSE and AVX
         * state (bits 1, 2), else VEX instructions fault (SDM vol. 1, 14.3). */
        if (((ecx >> 12) & 1) && ((ecx >> 27) & 1)) {
            unsigned lo, hi;
            __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            x86_host_features.fma = (lo & 6) == 6;
        }
    }
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        x86_host_features.bmi1 = (ebx >> 3) & 1;
    }
    if (__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx)) {
        x86_host_features.lzcnt = (ecx >> 5) & 1;
    }
}

const X86Features *x86_features(void)
{
    pthread_once(&x86_features_once, x86_features_probe);
    return &x86_host_features;
}
