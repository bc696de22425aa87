/*
 * The D extension on RV64 (Unprivileged ISA 20191213, chapter 12), written
 * with the F/D emitters of trans_rvf.c (trans_fp_internal.h).  Doubles use
 * the whole 64-bit FP register, so nothing is unboxed here except by
 * fcvt.d.s, whose single operand the fast path checks and the helper
 * unboxes; fcvt.s.d boxes its result.  D requires F: misa cannot have D without F on the models we
 * build, and each trans_ checks RVD.
 */
#include "guest/riscv/fpu_helper.h"
#include "guest/riscv/trans_fp_internal.h"
#include "util/softfloat.h"

/* ---- loads and stores (12.3) ---- */

bool trans_fld(DisasContext *d, arg_i *a) { return rv_fp_gen_load(d, a, RVD, MO_UQ); }
bool trans_fsd(DisasContext *d, arg_s *a) { return rv_fp_gen_store(d, a, RVD, MO_UQ); }

/* ---- computation (12.4) ---- */

bool trans_fadd_d(DisasContext *d, arg_r_rm *a)
{
    return rv_fp_gen_arith(d, a, RVD, HELPER(riscv_fadd_d), IR_OP_fadd_f64);
}

bool trans_fsub_d(DisasContext *d, arg_r_rm *a)
{
    return rv_fp_gen_arith(d, a, RVD, HELPER(riscv_fsub_d), IR_OP_fsub_f64);
}

bool trans_fmul_d(DisasContext *d, arg_r_rm *a)
{
    return rv_fp_gen_arith(d, a, RVD, HELPER(riscv_fmul_d), IR_OP_fmul_f64);
}

bool trans_fdiv_d(DisasContext *d, arg_r_rm *a)
{
    return rv_fp_gen_arith(d, a, RVD, HELPER(riscv_fdiv_d), IR_OP_fdiv_f64);
}

bool trans_fsqrt_d(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_unary(d, a, RVD, HELPER(riscv_fsqrt_d), IR_OP_fsqrt_f64);
}

bool trans_fmin_d(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_pair(d, a, RVD, HELPER(riscv_fminmax_d), 0, false);
}

bool trans_fmax_d(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_pair(d, a, RVD, HELPER(riscv_fminmax_d), 1, false);
}

bool trans_fmadd_d(DisasContext *d, arg_r4_rm *a)
{
    return rv_fp_gen_fma(d, a, RVD, HELPER(riscv_fmadd_d), 0, IR_OP_fma_f64);
}

bool trans_fmsub_d(DisasContext *d, arg_r4_rm *a)
{
    return rv_fp_gen_fma(d, a, RVD, HELPER(riscv_fmadd_d), SF_MULADD_NEG_ADDEND,
                         IR_OP_fma_f64);
}

bool trans_fnmsub_d(DisasContext *d, arg_r4_rm *a)
{
    return rv_fp_gen_fma(d, a, RVD, HELPER(riscv_fmadd_d), SF_MULADD_NEG_PRODUCT,
                         IR_OP_fma_f64);
}

bool trans_fnmadd_d(DisasContext *d, arg_r4_rm *a)
{
    return rv_fp_gen_fma(d, a, RVD, HELPER(riscv_fmadd_d),
                         SF_MULADD_NEG_PRODUCT | SF_MULADD_NEG_ADDEND, IR_OP_fma_f64);
}

/* ---- conversions and moves (12.5) ---- */

bool trans_fcvt_s_d(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_unary(d, a, RVD, HELPER(riscv_fcvt_s_d), IR_OP_cvt_f64_f32);
}

bool trans_fcvt_d_s(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_unary(d, a, RVD, HELPER(riscv_fcvt_d_s), IR_OP_cvt_f32_f64);
}

bool trans_fcvt_w_d(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_to_int(d, a, RVD, HELPER(riscv_fcvt_x_d), 0);
}

bool trans_fcvt_wu_d(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_to_int(d, a, RVD, HELPER(riscv_fcvt_x_d), 1);
}

bool trans_fcvt_l_d(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_to_int(d, a, RVD, HELPER(riscv_fcvt_x_d), 2);
}

bool trans_fcvt_lu_d(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_to_int(d, a, RVD, HELPER(riscv_fcvt_x_d), 3);
}

bool trans_fcvt_d_w(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_cvt_d_w(d, a, false);
}

bool trans_fcvt_d_wu(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_cvt_d_w(d, a, true);
}

bool trans_fcvt_d_l(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_from_int(d, a, RVD, HELPER(riscv_fcvt_d_x), 2);
}

bool trans_fcvt_d_lu(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_from_int(d, a, RVD, HELPER(riscv_fcvt_d_x), 3);
}

static bool rv_gen_fsgnj_d(DisasContext *d, arg_r *a, unsigned kind)
{
    if (!rv_fp_enabled(d, RVD)) {
        return false;
    }
    IrBuilder *b = d->b;
    IrVal x = rv_fpr(d, a->rs1), y = rv_fpr(d, a->rs2);
    IrVal r = ir_new_temp(b, IR_I64);

    if (kind == 2) {
        ir_and_imm(b, y, y, (int64_t)0x8000000000000000ull);
        ir_xor(b, r, x, y);
    } else {
        if (kind == 1) {
            ir_not(b, y, y);
        }
        ir_and_imm(b, y, y, (int64_t)0x8000000000000000ull);
        ir_and_imm(b, r, x, 0x7fffffffffffffffll);
        ir_or(b, r, r, y);
    }
    rv_set_fpr(d, a->rd, r);
    return true;
}

bool trans_fsgnj_d(DisasContext *d, arg_r *a)  { return rv_gen_fsgnj_d(d, a, 0); }
bool trans_fsgnjn_d(DisasContext *d, arg_r *a) { return rv_gen_fsgnj_d(d, a, 1); }
bool trans_fsgnjx_d(DisasContext *d, arg_r *a) { return rv_gen_fsgnj_d(d, a, 2); }

/* fmv.x.d / fmv.d.x: bit-for-bit (RV64 only). */
bool trans_fmv_x_d(DisasContext *d, arg_r2 *a)
{
    if (!rv_fp_enabled(d, RVD)) {
        return false;
    }
    rv_set_gpr(d, a->rd, rv_fpr(d, a->rs1));
    return true;
}

bool trans_fmv_d_x(DisasContext *d, arg_r2 *a)
{
    if (!rv_fp_enabled(d, RVD)) {
        return false;
    }
    IrVal r = ir_new_temp(d->b, IR_I64);

    ir_mov(d->b, r, rv_gpr(d, a->rs1));
    rv_set_fpr(d, a->rd, r);
    return true;
}

/* ---- compares and classification (12.6) ---- */

bool trans_feq_d(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_cmp(d, a, RVD, HELPER(riscv_fcmp_d), 2);
}

bool trans_flt_d(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_cmp(d, a, RVD, HELPER(riscv_fcmp_d), 1);
}

bool trans_fle_d(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_cmp(d, a, RVD, HELPER(riscv_fcmp_d), 0);
}

bool trans_fclass_d(DisasContext *d, arg_r2 *a)
{
    return rv_fp_gen_class(d, a, RVD, HELPER(riscv_fclass_d));
}
