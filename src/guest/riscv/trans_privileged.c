/*
 * The privileged instructions (Privileged ISA 1.12, 3.3 and 4.2.1): ecall,
 * ebreak (also c.ebreak), mret, sret, wfi and sfence.vma.  Legality that
 * depends on the privilege and on mstatus.TW/TSR/TVM is decided here at
 * translation time, from the TB flags (which include them), so an illegal
 * use raises illegal instruction with tval = the instruction bits (the
 * translator's rule for a trans_ returning false).  The state changes are
 * helpers (cpu_helper.c); every instruction here ends its block, since the
 * privilege, the address translation or the interrupt state may change.
 */
#include "guest/riscv/decode-insn32.h"
#include "guest/riscv/translate.h"

bool trans_ecall(DisasContext *d, arg_empty *a)
{
    /* Table 3.6: environment call from U (8), S (9) or M (11); tval 0. */
    rv_gen_exception(d, RISCV_EXCP_U_ECALL + d->priv);
    return true;
}

bool trans_ebreak(DisasContext *d, arg_empty *a)
{
    /* 3.1.16: tval gets the faulting virtual address; QEMU and most cores
     * report the ebreak's pc. */
    rv_gen_exception_tval(d, RISCV_EXCP_BREAKPOINT, ir_const(d->b, IR_I64, d->pc));
    return true;
}

bool trans_mret(DisasContext *d, arg_empty *a)
{
    if (d->priv != PRV_M) {
        return false;
    }
    rv_update_pc(d, d->pc);
    ir_call0(d->b, HELPER(riscv_mret), IR_VAL_NONE);
    d->base.is_jmp = DISAS_RV_LOOKUP;          /* the helper set pc */
    return true;
}

bool trans_sret(DisasContext *d, arg_empty *a)
{
    /* 3.1.6.5: with TSR, sret in S-mode is illegal; in U it always is. */
    if (!rv_has(d, RVS) || d->priv == PRV_U ||
        (d->priv == PRV_S && (d->flags & TB_FLAGS_TSR))) {
        return false;
    }
    rv_update_pc(d, d->pc);
    ir_call0(d->b, HELPER(riscv_sret), IR_VAL_NONE);
    d->base.is_jmp = DISAS_RV_LOOKUP;          /* the helper set pc */
    return true;
}

bool trans_wfi(DisasContext *d, arg_empty *a)
{
    /* 3.1.6.5: TW makes wfi illegal below M (our time limit is zero); with
     * S-mode implemented it is always illegal in U. */
    if (d->priv == PRV_U || (d->priv < PRV_M && (d->flags & TB_FLAGS_TW))) {
        return false;
    }
    rv_update_pc(d, d->pc + d->insn_len);
    rv_sync_retired(d);                         /* wfi retires; the helper leaves */
    ir_call0(d->b, HELPER(riscv_wfi), IR_VAL_NONE);
    d->base.is_jmp = DISAS_NORETURN;
    return true;
}

bool trans_sfence_vma(DisasContext *d, arg_sfence_vma *a)
{
    /* 3.1.6.5: TVM makes sfence.vma illegal in S; it never is legal in U. */
    if (!rv_has(d, RVS) || d->priv == PRV_U ||
        (d->priv == PRV_S && (d->flags & TB_FLAGS_TVM))) {
        return false;
    }
    ir_call(d->b, HELPER(riscv_sfence_vma), IR_VAL_NONE, rv_gpr(d, a->rs1),
            ir_const(d->b, IR_I32, a->rs1 == 0));
    d->base.is_jmp = DISAS_RV_UPDATE_PC;
    return true;
}
