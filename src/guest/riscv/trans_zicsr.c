/*
 * Zicsr (Unprivileged ISA 20191213, chapter 9): csrrw, csrrs, csrrc and
 * their immediate forms, as one helper call doing the read-modify-write
 * (cpu_helper.c, riscv_csr_access in csr.c).  The write rule of 9.1: csrrs
 * and csrrc with rs1 = x0 (or uimm = 0) do not write, so they neither fault
 * on a read-only CSR nor cause write side effects; csrrw with rd = x0 reads
 * nothing visible (no CSR read has side effects here).  An instruction that
 * writes ends the block with a fresh lookup: the CSR may change the TB
 * flags or the view of memory, or enable an interrupt the exec loop must
 * take next (the lookup yields to the loop when one is requested).  The
 * FP CSRs fflags, frm and fcsr are inline (rv_fp_gen_csr, trans_rvf.c).
 */
#include "guest/riscv/decode-insn32.h"
#include "guest/riscv/fpu_helper.h"
#include "guest/riscv/trans_fp_internal.h"
#include "guest/riscv/translate.h"

static bool rv_gen_csr(DisasContext *d, arg_csr *a, bool write, IrVal val, IrVal mask)
{
    IrVal old;

    if (!d->cfg->ext_zicsr) {
        return false;
    }
    if (a->csr >= RISCV_CSR_FFLAGS && a->csr <= RISCV_CSR_FCSR) {
        return rv_fp_gen_csr(d, a->csr, a->rd, write, val, mask);     /* trans_rvf.c */
    }
    old = rv_dest_gpr(d, a->rd);
    rv_update_pc(d, d->pc);
    ir_call(d->b, HELPER(riscv_csrrw), old, ir_const(d->b, IR_I32, d->insn),
            ir_const(d->b, IR_I32, write), val, mask);
    rv_set_gpr(d, a->rd, old);
    if (write) {
        /* Look the next block up afresh: the TB flags may have changed,
         * and the lookup leaves for the exec loop when the write made an
         * interrupt takeable (interrupt_request set). */
        d->base.is_jmp = DISAS_RV_UPDATE_PC;
    }
    return true;
}

static IrVal rv_ones(DisasContext *d)
{
    return ir_const(d->b, IR_I64, ~0ull);
}

static IrVal rv_zero(DisasContext *d)
{
    return ir_const(d->b, IR_I64, 0);
}

static IrVal rv_uimm(DisasContext *d, int uimm)
{
    return ir_const(d->b, IR_I64, (uint64_t)uimm);
}

bool trans_csrrw(DisasContext *d, arg_csr *a)
{
    return rv_gen_csr(d, a, true, rv_gpr(d, a->rs1), rv_ones(d));
}

bool trans_csrrs(DisasContext *d, arg_csr *a)
{
    /* new = old | rs1: write ones under the mask rs1. */
    return rv_gen_csr(d, a, a->rs1 != 0, rv_ones(d), rv_gpr(d, a->rs1));
}

bool trans_csrrc(DisasContext *d, arg_csr *a)
{
    /* new = old & ~rs1: write zeros under the mask rs1. */
    return rv_gen_csr(d, a, a->rs1 != 0, rv_zero(d), rv_gpr(d, a->rs1));
}

bool trans_csrrwi(DisasContext *d, arg_csr *a)
{
    return rv_gen_csr(d, a, true, rv_uimm(d, a->rs1), rv_ones(d));
}

bool trans_csrrsi(DisasContext *d, arg_csr *a)
{
    return rv_gen_csr(d, a, a->rs1 != 0, rv_ones(d), rv_uimm(d, a->rs1));
}

bool trans_csrrci(DisasContext *d, arg_csr *a)
{
    return rv_gen_csr(d, a, a->rs1 != 0, rv_zero(d), rv_uimm(d, a->rs1));
}
