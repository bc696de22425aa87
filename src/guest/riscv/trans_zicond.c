/*
 * Zicond 1.0: conditional zeroing.  czero.eqz rd = (rs2 == 0) ? 0 : rs1;
 * czero.nez rd = (rs2 != 0) ? 0 : rs1.  One movcond each.
 */
#include "guest/riscv/decode-insn32.h"
#include "guest/riscv/translate.h"

static bool rv_gen_czero(DisasContext *d, arg_r *a, IrCond zero_when)
{
    if (!d->cfg->ext_zicond) {
        return false;
    }
    IrVal dst = rv_dest_gpr(d, a->rd);
    IrVal zero = ir_const(d->b, IR_I64, 0);
    ir_movcond(d->b, zero_when, dst, rv_gpr(d, a->rs2), zero, zero, rv_gpr(d, a->rs1));
    rv_set_gpr(d, a->rd, dst);
    return true;
}

bool trans_czero_eqz(DisasContext *d, arg_r *a) { return rv_gen_czero(d, a, IR_COND_EQ); }
bool trans_czero_nez(DisasContext *d, arg_r *a) { return rv_gen_czero(d, a, IR_COND_NE); }
