/*
 * The M extension on RV64 (Unprivileged ISA 20191213, chapter 7): multiply
 * high parts in all three signednesses, and division whose corner cases are
 * defined rather than trapping (table 7.1): x / 0 = all ones, x % 0 = x,
 * MIN / -1 = MIN, MIN % -1 = 0.  The IR's div/rem ops have exactly these
 * results, so no branches are needed; the W forms divide the sign- or
 * zero-extended low words in 64 bits, which gives the 32-bit answers once
 * sign-extended (-2^31 / -1 = 2^31, whose low word is -2^31 again).
 */
#include "guest/riscv/decode-insn32.h"
#include "guest/riscv/translate.h"

typedef void (*RvMulDivFn)(IrBuilder *b, IrVal d, IrVal a, IrVal c);

static bool rv_gen_m(DisasContext *d, arg_r *a, RvMulDivFn fn)
{
    if (!rv_has(d, RVM)) {
        return false;
    }
    IrVal dst = rv_dest_gpr(d, a->rd);
    fn(d->b, dst, rv_gpr(d, a->rs1), rv_gpr(d, a->rs2));
    rv_set_gpr(d, a->rd, dst);
    return true;
}

/* High half of signed rs1 times unsigned rs2: the unsigned high half, less
 * rs2 when rs1 is negative (rs1 = u - 2^64 when its sign bit is set). */
static void rv_mulhsu(IrBuilder *b, IrVal dst, IrVal a, IrVal c)
{
    IrVal t = ir_new_ebb_temp(b, IR_I64);

    ir_sar_imm(b, t, a, 63);
    ir_and(b, t, t, c);
    ir_muluh(b, dst, a, c);
    ir_sub(b, dst, dst, t);
}

bool trans_mul(DisasContext *d, arg_r *a)    { return rv_gen_m(d, a, ir_mul); }
bool trans_mulh(DisasContext *d, arg_r *a)   { return rv_gen_m(d, a, ir_mulsh); }
bool trans_mulhu(DisasContext *d, arg_r *a)  { return rv_gen_m(d, a, ir_muluh); }
bool trans_mulhsu(DisasContext *d, arg_r *a) { return rv_gen_m(d, a, rv_mulhsu); }
bool trans_div(DisasContext *d, arg_r *a)    { return rv_gen_m(d, a, ir_div); }
bool trans_divu(DisasContext *d, arg_r *a)   { return rv_gen_m(d, a, ir_divu); }
bool trans_rem(DisasContext *d, arg_r *a)    { return rv_gen_m(d, a, ir_rem); }
bool trans_remu(DisasContext *d, arg_r *a)   { return rv_gen_m(d, a, ir_remu); }

static bool rv_gen_mw(DisasContext *d, arg_r *a, RvMulDivFn fn, bool sign)
{
    if (!rv_has(d, RVM)) {
        return false;
    }
    IrVal dst = rv_dest_gpr(d, a->rd);
    IrVal x = sign ? rv_gpr_sext32(d, a->rs1) : rv_gpr_zext32(d, a->rs1);
    IrVal y = sign ? rv_gpr_sext32(d, a->rs2) : rv_gpr_zext32(d, a->rs2);
    fn(d->b, dst, x, y);
    rv_set_gpr_sext32(d, a->rd, dst);
    return true;
}

bool trans_mulw(DisasContext *d, arg_r *a)  { return rv_gen_mw(d, a, ir_mul, true); }
bool trans_divw(DisasContext *d, arg_r *a)  { return rv_gen_mw(d, a, ir_div, true); }
bool trans_divuw(DisasContext *d, arg_r *a) { return rv_gen_mw(d, a, ir_divu, false); }
bool trans_remw(DisasContext *d, arg_r *a)  { return rv_gen_mw(d, a, ir_rem, true); }
bool trans_remuw(DisasContext *d, arg_r *a) { return rv_gen_mw(d, a, ir_remu, false); }
