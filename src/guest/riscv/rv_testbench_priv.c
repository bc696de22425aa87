/*
 * Just enough of the privileged architecture for tests/riscv's crt0 and
 * testlib to run on the bench before rv-priv's implementation is merged:
 * the Zicsr instructions on a handful of M-mode CSRs (mstatus, misa, mie,
 * mtvec, mscratch, mepc, mcause, mtval, mip, mhartid; others read 0 and
 * ignore writes), mret and wfi (a no-op).  The trans_ functions are weak:
 * the real ones (trans_zicsr.c, trans_privileged.c), when linked, replace
 * them, and the bench then runs on those.  Weak beats the library's weak
 * "illegal" placeholders because a test's own objects come first on the
 * link line.
 */
#include "guest/riscv/decode-insn32.h"
#include "guest/riscv/fpu_helper.h"
#include "guest/riscv/rv_testbench.h"
#include "guest/riscv/translate.h"

#define IR_HELPER_DEFS "guest/riscv/rv_testbench_helpers.def"
#include "ir/helper_gen.h"

enum { CSR_OP_WRITE, CSR_OP_SET, CSR_OP_CLEAR, CSR_OP_READ };

static uint64_t *bench_csr_field(RiscvCpu *cpu, uint32_t csr)
{
    switch (csr) {
    case 0x300: return &cpu->mstatus;
    case 0x304: return &cpu->mie;
    case 0x305: return &cpu->mtvec;
    case 0x340: return &cpu->mscratch;
    case 0x341: return &cpu->mepc;
    case 0x342: return &cpu->mcause;
    case 0x343: return &cpu->mtval;
    default: return NULL;
    }
}

/* fflags, frm, fcsr through the F/D accessors (fpu_helper.h); the FS=Off
 * check of their predicate is not modelled here. */
static uint64_t bench_fp_csr(RiscvCpu *cpu, uint32_t csr, uint64_t val, uint32_t op)
{
    uint64_t (*const rd[3])(RiscvCpu *) = { riscv_csr_read_fflags, riscv_csr_read_frm,
                                            riscv_csr_read_fcsr };
    void (*const wr[3])(RiscvCpu *, uint64_t) = { riscv_csr_write_fflags, riscv_csr_write_frm,
                                                  riscv_csr_write_fcsr };
    uint64_t old = rd[csr - 1](cpu);

    if (op != CSR_OP_READ) {
        wr[csr - 1](cpu, op == CSR_OP_WRITE ? val : op == CSR_OP_SET ? old | val : old & ~val);
    }
    return old;
}

uint64_t helper_rvbench_csr(void *env, uint32_t csr, uint64_t val, uint32_t op)
{
    RiscvCpu *cpu = riscv_cpu(env);

    if (csr >= RISCV_CSR_FFLAGS && csr <= RISCV_CSR_FCSR) {
        return bench_fp_csr(cpu, csr, val, op);
    }
    uint64_t *field = bench_csr_field(cpu, csr);
    uint64_t old = field ? *field
                   : csr == 0x301 ? cpu->misa
                   : csr == 0x344 ? atomic_load(&cpu->mip) & MIP_VISIBLE
                   : csr == 0xf14 ? cpu->mhartid : 0;

    if (field && op != CSR_OP_READ) {
        *field = op == CSR_OP_WRITE ? val : op == CSR_OP_SET ? old | val : old & ~val;
    }
    return old;
}

void helper_rvbench_mret(void *env)
{
    RiscvCpu *cpu = riscv_cpu(env);
    uint64_t s = cpu->mstatus;

    cpu->pc = cpu->mepc & ~1ull;
    cpu->priv = (uint32_t)((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    s = (s & ~MSTATUS_MIE) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    s |= MSTATUS_MPIE;
    s &= ~MSTATUS_MPP;
    cpu->mstatus = s;
    riscv_cpu_sync_tb_flags(cpu);
}

#define IR_HELPER_DEFS "guest/riscv/rv_testbench_helpers.def"
#define IR_HELPER_GEN_INFO
#include "ir/helper_gen.h"

/* csrrs/csrrc with rs1 = x0 (or uimm 0) do not write (Zicsr 9.1). */
static bool bench_gen_csr(DisasContext *d, arg_csr *a, IrVal val, unsigned op)
{
    IrVal dst = rv_dest_gpr(d, a->rd);

    if (op != CSR_OP_WRITE && a->rs1 == 0) {
        op = CSR_OP_READ;
    }
    rv_update_pc(d, d->pc);
    ir_call(d->b, HELPER(rvbench_csr), dst, ir_const(d->b, IR_I32, (uint64_t)a->csr), val,
            ir_const(d->b, IR_I32, op));
    rv_set_gpr(d, a->rd, dst);
    /* A CSR write may change the translation state: end the block. */
    d->base.is_jmp = DISAS_RV_UPDATE_PC;
    return true;
}

static IrVal bench_uimm(DisasContext *d, arg_csr *a)
{
    return ir_const(d->b, IR_I64, (uint64_t)a->rs1);
}

__attribute__((weak)) bool trans_csrrw(DisasContext *d, arg_csr *a)
{
    return bench_gen_csr(d, a, rv_gpr(d, a->rs1), CSR_OP_WRITE);
}

__attribute__((weak)) bool trans_csrrs(DisasContext *d, arg_csr *a)
{
    return bench_gen_csr(d, a, rv_gpr(d, a->rs1), CSR_OP_SET);
}

__attribute__((weak)) bool trans_csrrc(DisasContext *d, arg_csr *a)
{
    return bench_gen_csr(d, a, rv_gpr(d, a->rs1), CSR_OP_CLEAR);
}

__attribute__((weak)) bool trans_csrrwi(DisasContext *d, arg_csr *a)
{
    return bench_gen_csr(d, a, bench_uimm(d, a), CSR_OP_WRITE);
}

__attribute__((weak)) bool trans_csrrsi(DisasContext *d, arg_csr *a)
{
    return bench_gen_csr(d, a, bench_uimm(d, a), CSR_OP_SET);
}

__attribute__((weak)) bool trans_csrrci(DisasContext *d, arg_csr *a)
{
    return bench_gen_csr(d, a, bench_uimm(d, a), CSR_OP_CLEAR);
}

__attribute__((weak)) bool trans_mret(DisasContext *d, arg_empty *a)
{
    ir_call0(d->b, HELPER(rvbench_mret), IR_VAL_NONE);
    rv_gen_lookup(d);
    return true;
}

__attribute__((weak)) bool trans_wfi(DisasContext *d, arg_empty *a)
{
    return true;
}
