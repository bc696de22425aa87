/*
 * The translator test bench (see rv_testbench.h): a RiscvCpu over a flat
 * RAM array, translated and run one block at a time through the IR
 * interpreter.  Memory outside RAM and the two fake devices reads 0 and
 * ignores writes.
 */
#include "guest/riscv/rv_testbench.h"

#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "exec/exec.h"
#include "exec/translator.h"
#include "guest/riscv/translate.h"
#include "ir/interp.h"

static RvTestBench *bench;
static sigjmp_buf bench_jmp;
static uint64_t bench_insn_pc[TB_MAX_INSNS + 1];
static uint32_t bench_insn_index;

/* ---- weak stand-ins for exec/ (NOTE: see rv_testbench.h) ---- */

static bool bench_is_same_page(const DisasContextBase *db, GuestVaddr addr)
{
    return ((addr ^ db->pc_first) & GUEST_PAGE_MASK) == 0;
}

static uint8_t *bench_ram(uint64_t addr, unsigned size)
{
    if (addr < RV_TB_RAM_BASE || addr - RV_TB_RAM_BASE > RV_TB_RAM_SIZE - size) {
        return NULL;
    }
    return &bench->ram[addr - RV_TB_RAM_BASE];
}

static uint16_t bench_lduw(CpuState *cpu, DisasContextBase *db, GuestVaddr pc)
{
    uint8_t *p = bench_ram(pc, 2);
    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

static void bench_translator_loop(CpuState *cpu, TranslationBlock *tb, IrBuilder *b,
                                  int max_insns, const TranslatorOps *ops, DisasContextBase *db)
{
    db->tb = tb;
    db->cpu = cpu;
    db->b = b;
    db->pc_first = tb->pc;
    db->pc_next = tb->pc;
    db->is_jmp = DISAS_NEXT;
    db->num_insns = 0;
    db->max_insns = max_insns;
    ops->init_disas_context(db, cpu);
    ops->tb_start(db, cpu);
    for (;;) {
        db->num_insns++;
        ops->insn_start(db, cpu);
        ops->translate_insn(db, cpu);
        if (db->is_jmp != DISAS_NEXT) {
            break;
        }
        if (db->num_insns >= db->max_insns || !bench_is_same_page(db, db->pc_next)) {
            db->is_jmp = DISAS_TOO_MANY;
            break;
        }
    }
    ops->tb_stop(db, cpu);
    tb->size = (uint32_t)(db->pc_next - db->pc_first);
    tb->icount = (uint32_t)db->num_insns;
}

static noreturn void bench_loop_exit(CpuState *cpu)
{
    siglongjmp(bench_jmp, 1);
}

static noreturn void bench_loop_exit_restore(CpuState *cpu, uintptr_t ra)
{
    riscv_cpu(cpu)->pc = bench_insn_pc[bench_insn_index];
    siglongjmp(bench_jmp, 1);
}

/* The stand-ins take the exec functions' names only while exec/ is absent. */
bool translator_is_same_page(const DisasContextBase *db, GuestVaddr addr)
    __attribute__((weak, alias("bench_is_same_page")));
uint16_t translator_lduw(CpuState *cpu, DisasContextBase *db, GuestVaddr pc)
    __attribute__((weak, alias("bench_lduw")));
void translator_loop(CpuState *cpu, TranslationBlock *tb, IrBuilder *b, int max_insns,
                     const TranslatorOps *ops, DisasContextBase *db)
    __attribute__((weak, alias("bench_translator_loop")));
noreturn void cpu_loop_exit(CpuState *cpu) __attribute__((weak, alias("bench_loop_exit")));
noreturn void cpu_loop_exit_restore(CpuState *cpu, uintptr_t ra)
    __attribute__((weak, alias("bench_loop_exit_restore")));

bool rv_bench_usable(void)
{
    /* TODO: when exec/ lands, build the bench on a real AddressSpace and
     * cpu_exec instead of these stand-ins. */
    return translator_loop == bench_translator_loop && translator_lduw == bench_lduw &&
           cpu_loop_exit_restore == bench_loop_exit_restore;
}

/* ---- guest memory for the interpreter ---- */

static uint64_t bench_extend(uint64_t v, MemOp mop)
{
    unsigned bits = 8 * memop_size(mop);
    if (bits < 64) {
        v &= (1ull << bits) - 1;
        if ((mop & MO_SIGN) && (v >> (bits - 1)) & 1) {
            v |= ~0ull << bits;
        }
    }
    return v;
}

static void bench_check_align(void *env, uint64_t addr, MemOp mop, MmuAccessType access,
                              unsigned mmu_idx)
{
    if (addr & (memop_alignment(mop) - 1)) {
        riscv_cpu_do_unaligned_access(env, addr, access, mmu_idx, 0);
    }
}

static uint64_t bench_ld(void *env, uint64_t addr, MemOp mop, unsigned mmu_idx)
{
    unsigned size = memop_size(mop);
    uint64_t v = 0;
    uint8_t *p;

    bench_check_align(env, addr, mop, MMU_DATA_LOAD, mmu_idx);
    p = bench_ram(addr, size);
    if (p) {
        memcpy(&v, p, size);
    } else if (addr == RV_TB_UART + 5) {
        v = 0x60;       /* LSR: THR empty, transmitter idle */
    }
    return bench_extend(v, mop);
}

static void bench_console_putc(RvTestBench *tb, char c)
{
    if (tb->console_len + 1 < sizeof(tb->console)) {
        tb->console[tb->console_len++] = c;
        tb->console[tb->console_len] = 0;
    }
    if (tb->echo && c != '\r') {
        fputc(c, stdout);
    }
}

static void bench_st(void *env, uint64_t addr, uint64_t val, MemOp mop, unsigned mmu_idx)
{
    unsigned size = memop_size(mop);
    uint8_t *p;

    bench_check_align(env, addr, mop, MMU_DATA_STORE, mmu_idx);
    p = bench_ram(addr, size);
    if (p) {
        memcpy(p, &val, size);
    } else if (addr == RV_TB_UART) {
        bench_console_putc(bench, (char)val);
    } else if (addr == RV_TB_FINISHER) {
        uint32_t v = (uint32_t)val;
        bench->finished = true;
        bench->exit_code = (v & 0xffff) == 0x5555 ? 0 : (int)(v >> 16) ? (int)(v >> 16) : 1;
        siglongjmp(bench_jmp, 2);
    }
}

static uint64_t bench_atomic(void *env, IrOpcode opc, uint64_t addr, uint64_t val,
                             uint64_t newv, MemOp mop, unsigned mmu_idx)
{
    unsigned bits = 8 * memop_size(mop);
    uint64_t old, res, mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    int64_t so, sv;

    bench_check_align(env, addr, mop, MMU_DATA_STORE, mmu_idx);
    old = bench_ld(env, addr, mop | MO_SIGN, mmu_idx);
    so = (int64_t)old;
    sv = (int64_t)bench_extend(val, mop | MO_SIGN);
    switch (opc) {
    case IR_OP_atomic_cmpxchg:
        res = (old & mask) == (val & mask) ? newv : old;
        break;
    case IR_OP_atomic_xchg:
        res = val;
        break;
    case IR_OP_atomic_fetch_add:
        res = old + val;
        break;
    case IR_OP_atomic_fetch_and:
        res = old & val;
        break;
    case IR_OP_atomic_fetch_or:
        res = old | val;
        break;
    case IR_OP_atomic_fetch_xor:
        res = old ^ val;
        break;
    case IR_OP_atomic_fetch_smin:
        res = so < sv ? old : val;
        break;
    case IR_OP_atomic_fetch_smax:
        res = so > sv ? old : val;
        break;
    case IR_OP_atomic_fetch_umin:
        res = (old & mask) < (val & mask) ? old : val;
        break;
    case IR_OP_atomic_fetch_umax:
        res = (old & mask) > (val & mask) ? old : val;
        break;
    default:
        abort();
    }
    bench_st(env, addr, res, mop, mmu_idx);
    return bench_extend(old, mop);
}

static const IrRuntime bench_runtime = {
    .guest_ld = bench_ld,
    .guest_st = bench_st,
    .guest_atomic = bench_atomic,
};

/* ---- the bench ---- */

RvTestBench *rv_bench_new(void)
{
    RvTestBench *tb = calloc(1, sizeof(*tb));
    ObjectClass *oc = object_class_by_name(TYPE_RISCV_CPU_RV64);
    RiscvHartClass *hc = RISCV_HART_CLASS(oc);

    tb->cpu.misa = hc->misa;
    tb->cpu.cfg = hc->cfg;
    tb->cpu.resetvec = RV_TB_RAM_BASE;
    tb->cpu.parent.ops = &riscv_cpu_ops;
    riscv_cpu_reset(&tb->cpu);
    tb->cpu.parent.ir_ctx = riscv_cpu_ops.translate_init();
    tb->cpu.parent.ir_builder = ir_builder_new(tb->cpu.parent.ir_ctx);
    bench = tb;
    return tb;
}

void rv_bench_free(RvTestBench *tb)
{
    ir_builder_free(tb->cpu.parent.ir_builder);
    if (bench == tb) {
        bench = NULL;
    }
    free(tb);
}

void rv_bench_load32(RvTestBench *tb, uint64_t addr, const uint32_t *insns, unsigned n)
{
    memcpy(&tb->ram[addr - RV_TB_RAM_BASE], insns, n * 4);
}

void rv_bench_load16(RvTestBench *tb, uint64_t addr, const uint16_t *parcels, unsigned n)
{
    memcpy(&tb->ram[addr - RV_TB_RAM_BASE], parcels, n * 2);
}

uint64_t rv_bench_read64(RvTestBench *tb, uint64_t addr)
{
    uint64_t v;
    memcpy(&v, &tb->ram[addr - RV_TB_RAM_BASE], 8);
    return v;
}

void rv_bench_write64(RvTestBench *tb, uint64_t addr, uint64_t val)
{
    memcpy(&tb->ram[addr - RV_TB_RAM_BASE], &val, 8);
}

/* Run one block: 0 when it ended normally, 1 when it left through an
 * exception, 2 when the guest wrote the finisher. */
static int bench_exec(const IrCode *code, CpuState *cs)
{
    int how = sigsetjmp(bench_jmp, 0);

    if (how == 0) {
        ir_interp_run(code, cs, &bench_runtime, &bench_insn_index);
    }
    return how;
}

bool rv_bench_run(RvTestBench *tb, uint64_t stop_pc, unsigned max_blocks)
{
    CpuState *cs = &tb->cpu.parent;
    IrBuilder *b = cs->ir_builder;

    bench = tb;
    for (unsigned n = 0; n < max_blocks; n++) {
        if (tb->cpu.pc == stop_pc) {
            return true;
        }
        TranslationBlock t = { .pc = tb->cpu.pc, .flags = riscv_tb_flags(&tb->cpu) };
        ir_builder_reset(b);
        riscv_cpu_ops.translate_code(cs, &t, b, TB_MAX_INSNS);
        ir_verify(b, &error_abort);
        ir_optimize(b);
        ir_liveness(b);
        ir_verify(b, &error_abort);
        unsigned ninsns = 0;
        for (size_t i = 0; i < ir_op_count(b); i++) {
            const IrOp *op = ir_op_at_const(b, i);
            if (op->opc == IR_OP_insn_start && ninsns < TB_MAX_INSNS) {
                bench_insn_pc[ninsns++] = op->consts[0];
            }
        }
        IrCode *code = ir_interp_compile(b, &error_abort);
        tb->blocks++;
        int how = bench_exec(code, cs);
        ir_interp_free(code);
        if (how == 1) {
            tb->exceptions++;
            riscv_cpu_ops.do_interrupt(cs);
        } else if (how == 2) {
            return true;
        }
    }
    return tb->cpu.pc == stop_pc;
}

bool rv_bench_load_elf(RvTestBench *tb, const char *path, Error **errp)
{
    FILE *f = fopen(path, "rb");
    Elf64_Ehdr eh;
    bool ok = false;

    if (!f) {
        error_setg_errno(errp, errno, "cannot open %s", path);
        return false;
    }
    if (fread(&eh, sizeof(eh), 1, f) != 1 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_RISCV) {
        error_setg(errp, "%s: not an ELF64 RISC-V file", path);
        goto out;
    }
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (fseek(f, (long)(eh.e_phoff + (uint64_t)i * eh.e_phentsize), SEEK_SET) != 0 ||
            fread(&ph, sizeof(ph), 1, f) != 1) {
            error_setg(errp, "%s: truncated program headers", path);
            goto out;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) {
            continue;
        }
        if (ph.p_paddr < RV_TB_RAM_BASE || ph.p_filesz > ph.p_memsz ||
            ph.p_memsz > RV_TB_RAM_SIZE || ph.p_paddr - RV_TB_RAM_BASE > RV_TB_RAM_SIZE - ph.p_memsz) {
            error_setg(errp, "%s: segment at 0x%llx (+0x%llx) is outside the bench's RAM", path,
                       (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz);
            goto out;
        }
        uint8_t *dst = &tb->ram[ph.p_paddr - RV_TB_RAM_BASE];
        memset(dst, 0, ph.p_memsz);
        if (fseek(f, (long)ph.p_offset, SEEK_SET) != 0 ||
            fread(dst, 1, ph.p_filesz, f) != ph.p_filesz) {
            error_setg(errp, "%s: truncated segment", path);
            goto out;
        }
    }
    tb->cpu.pc = eh.e_entry;
    ok = true;
out:
    fclose(f);
    return ok;
}

/* ---- encoders ---- */

uint32_t rv_enc_r(unsigned opc, unsigned rd, unsigned f3, unsigned rs1, unsigned rs2,
                  unsigned f7)
{
    return opc | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}

uint32_t rv_enc_i(unsigned opc, unsigned rd, unsigned f3, unsigned rs1, int32_t imm)
{
    return opc | rd << 7 | f3 << 12 | rs1 << 15 | ((uint32_t)imm & 0xfff) << 20;
}

uint32_t rv_enc_s(unsigned opc, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return opc | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x7f) << 25;
}

uint32_t rv_enc_b(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return 0x63 | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | f3 << 12 | rs1 << 15 |
           rs2 << 20 | ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31;
}

uint32_t rv_enc_u(unsigned opc, unsigned rd, int32_t imm)
{
    return opc | rd << 7 | ((uint32_t)imm & 0xfffff000u);
}

uint32_t rv_enc_j(unsigned rd, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return 0x6f | rd << 7 | ((u >> 12) & 0xff) << 12 | ((u >> 11) & 1) << 20 |
           ((u >> 1) & 0x3ff) << 21 | ((u >> 20) & 1) << 31;
}
