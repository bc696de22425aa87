/*
 * The F extension on RV64 (Unprivileged ISA 20191213, chapter 11, with
 * NaN boxing from 12.2), and the emitters F and D share
 * (trans_fp_internal.h).  Arithmetic, conversions, compares and fclass are
 * helper calls (fpu_helper.c: exact, over util/softfloat); loads, stores,
 * moves and sign injection are inline IR.
 *
 * NaN boxing: FP registers are 64 bits; a single lives in the low word with
 * the upper 32 bits all ones.  Every operation reading a single treats an
 * unboxed value as the canonical NaN (the helpers unbox, fsgnj.s unboxes
 * inline); the transfers flw, fsw, fmv.x.w and fmv.w.x move bits without
 * looking (fsw and fmv.x.w take the low word as is); every single result is
 * written boxed.
 */
#include <stddef.h>

#include "guest/riscv/fpu_helper.h"
#include "guest/riscv/trans_fp_internal.h"
#include "util/softfloat.h"

/* ---- the shared emitters ---- */

bool rv_fp_enabled(DisasContext *d, uint64_t misa_bit)
{
    return rv_has(d, misa_bit) && d->mstatus_fs != EXT_STATUS_OFF;
}

bool rv_fp_check_rm(DisasContext *d, int rm)
{
    if (rm == 5 || rm == 6) {
        return false;
    }
    if (rm == RISCV_FRM_DYN) {
        IrBuilder *b = d->b;
        IrVal frm = ir_new_temp(b, IR_I64);
        IrLabel ok = ir_new_label(b);

        ir_ld32u(b, frm, offsetof(RiscvCpu, frm));
        ir_brcond_imm(b, IR_COND_LTU, frm, 5, ok);
        rv_update_pc(d, d->pc);
        ir_call(b, HELPER(riscv_raise_exception), IR_VAL_NONE,
                ir_const(b, IR_I32, RISCV_EXCP_ILLEGAL_INST), ir_const(b, IR_I64, d->insn));
        ir_set_label(b, ok);
    }
    return true;
}

IrVal rv_fpr(DisasContext *d, int n)
{
    IrVal t = ir_new_temp(d->b, IR_I64);

    ir_ld64(d->b, t, (int32_t)(offsetof(RiscvCpu, fpr) + 8 * (size_t)n));
    return t;
}

void rv_fp_mark_dirty(DisasContext *d)
{
    if (d->mstatus_fs != EXT_STATUS_DIRTY) {
        IrVal t = ir_new_temp(d->b, IR_I64);

        ir_ld64(d->b, t, offsetof(RiscvCpu, mstatus));
        ir_or_imm(d->b, t, t, (int64_t)(MSTATUS_FS | MSTATUS_SD));
        ir_st64(d->b, t, offsetof(RiscvCpu, mstatus));
        /* the cached TB flags follow mstatus.FS (Dirty is 3) */
        IrVal f = ir_new_temp(d->b, IR_I32);
        ir_ld32u(d->b, f, offsetof(RiscvCpu, tb_flags));
        ir_or_imm(d->b, f, f, TB_FLAGS_FS_MASK);
        ir_st32(d->b, f, offsetof(RiscvCpu, tb_flags));
        d->mstatus_fs = EXT_STATUS_DIRTY;
    }
}

void rv_set_fpr(DisasContext *d, int n, IrVal val)
{
    rv_fp_mark_dirty(d);
    ir_st64(d->b, val, (int32_t)(offsetof(RiscvCpu, fpr) + 8 * (size_t)n));
}

static IrVal rv_fp_i32(DisasContext *d, uint32_t v)
{
    return ir_const(d->b, IR_I32, v);
}

bool rv_fp_gen_load(DisasContext *d, arg_i *a, uint64_t ext, MemOp mop)
{
    if (!rv_fp_enabled(d, ext)) {
        return false;
    }
    IrVal addr = rv_gen_addr(d, a->rs1, a->imm);
    IrVal val = ir_new_temp(d->b, IR_I64);

    ir_guest_ld(d->b, val, addr, mop, d->mmu_idx);
    if ((mop & MO_SIZE) == MO_32) {
        ir_or_imm(d->b, val, val, (int64_t)RISCV_NAN_BOX_MASK);
    }
    rv_set_fpr(d, a->rd, val);
    return true;
}

bool rv_fp_gen_store(DisasContext *d, arg_s *a, uint64_t ext, MemOp mop)
{
    if (!rv_fp_enabled(d, ext)) {
        return false;
    }
    IrVal addr = rv_gen_addr(d, a->rs1, a->imm);

    ir_guest_st(d->b, rv_fpr(d, a->rs2), addr, mop, d->mmu_idx);
    return true;
}

bool rv_fp_gen_arith(DisasContext *d, arg_r_rm *a, uint64_t ext, const IrHelperInfo *h)
{
    if (!rv_fp_enabled(d, ext) || !rv_fp_check_rm(d, a->rm)) {
        return false;
    }
    IrVal r = ir_new_temp(d->b, IR_I64);

    ir_call(d->b, h, r, rv_fpr(d, a->rs1), rv_fpr(d, a->rs2), rv_fp_i32(d, a->rm));
    rv_set_fpr(d, a->rd, r);
    return true;
}

bool rv_fp_gen_unary(DisasContext *d, arg_r2_rm *a, uint64_t ext, const IrHelperInfo *h)
{
    if (!rv_fp_enabled(d, ext) || !rv_fp_check_rm(d, a->rm)) {
        return false;
    }
    IrVal r = ir_new_temp(d->b, IR_I64);

    ir_call(d->b, h, r, rv_fpr(d, a->rs1), rv_fp_i32(d, a->rm));
    rv_set_fpr(d, a->rd, r);
    return true;
}

bool rv_fp_gen_fma(DisasContext *d, arg_r4_rm *a, uint64_t ext, const IrHelperInfo *h,
                   unsigned neg)
{
    if (!rv_fp_enabled(d, ext) || !rv_fp_check_rm(d, a->rm)) {
        return false;
    }
    IrVal r = ir_new_temp(d->b, IR_I64);

    ir_call(d->b, h, r, rv_fpr(d, a->rs1), rv_fpr(d, a->rs2), rv_fpr(d, a->rs3),
            rv_fp_i32(d, neg), rv_fp_i32(d, a->rm));
    rv_set_fpr(d, a->rd, r);
    return true;
}

bool rv_fp_gen_pair(DisasContext *d, arg_r *a, uint64_t ext, const IrHelperInfo *h,
                    uint32_t arg, bool to_gpr)
{
    if (!rv_fp_enabled(d, ext)) {
        return false;
    }
    IrVal r = to_gpr ? rv_dest_gpr(d, a->rd) : ir_new_temp(d->b, IR_I64);

    ir_call(d->b, h, r, rv_fpr(d, a->rs1), rv_fpr(d, a->rs2), rv_fp_i32(d, arg));
    if (to_gpr) {
        rv_fp_mark_dirty(d);            /* fflags may change */
        rv_set_gpr(d, a->rd, r);
    } else {
        rv_set_fpr(d, a->rd, r);
    }
    return true;
}

bool rv_fp_gen_to_int(DisasContext *d, arg_r2_rm *a, uint64_t ext, const IrHelperInfo *h,
                      uint32_t kind)
{
    if (!rv_fp_enabled(d, ext) || !rv_fp_check_rm(d, a->rm)) {
        return false;
    }
    IrVal r = rv_dest_gpr(d, a->rd);

    ir_call(d->b, h, r, rv_fpr(d, a->rs1), rv_fp_i32(d, kind), rv_fp_i32(d, a->rm));
    rv_fp_mark_dirty(d);
    rv_set_gpr(d, a->rd, r);
    return true;
}

bool rv_fp_gen_from_int(DisasContext *d, arg_r2_rm *a, uint64_t ext, const IrHelperInfo *h,
                        uint32_t kind)
{
    if (!rv_fp_enabled(d, ext) || !rv_fp_check_rm(d, a->rm)) {
        return false;
    }
    IrVal r = ir_new_temp(d->b, IR_I64);

    ir_call(d->b, h, r, rv_gpr(d, a->rs1), rv_fp_i32(d, kind), rv_fp_i32(d, a->rm));
    rv_set_fpr(d, a->rd, r);
    return true;
}

bool rv_fp_gen_class(DisasContext *d, arg_r2 *a, uint64_t ext, const IrHelperInfo *h)
{
    if (!rv_fp_enabled(d, ext)) {
        return false;
    }
    IrVal r = rv_dest_gpr(d, a->rd);

    ir_call(d->b, h, r, rv_fpr(d, a->rs1));
    rv_set_gpr(d, a->rd, r);
    return true;
}

/* ---- loads and stores (11.5) ---- */

bool trans_flw(DisasContext *d, arg_i *a) { return rv_fp_gen_load(d, a, RVF, MO_UL); }
bool trans_fsw(DisasContext *d, arg_s *a) { return rv_fp_gen_store(d, a, RVF, MO_UL); }

/* ---- computation (11.6) ---- */

bool trans_fadd_s(DisasContext *d, arg_r_rm *a)
{
    return rv_fp_gen_arith(d, a, RVF, HELPER(riscv_fadd_s));
}

bool trans_fsub_s(DisasContext *d, arg_r_rm *a)
{
    return rv_fp_gen_arith(d, a, RVF, HELPER(riscv_fsub_s));
}

bool trans_fmul_s(DisasContext *d, arg_r_rm *a)
{
    return rv_fp_gen_arith(d, a, RVF, HELPER(riscv_fmul_s));
}

bool trans_fdiv_s(DisasContext *d, arg_r_rm *a)
{
    return rv_fp_gen_arith(d, a, RVF, HELPER(riscv_fdiv_s));
}

bool trans_fsqrt_s(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_unary(d, a, RVF, HELPER(riscv_fsqrt_s));
}

bool trans_fmin_s(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_pair(d, a, RVF, HELPER(riscv_fminmax_s), 0, false);
}

bool trans_fmax_s(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_pair(d, a, RVF, HELPER(riscv_fminmax_s), 1, false);
}

/* fmadd: rs1*rs2 + rs3; fmsub: rs1*rs2 - rs3; fnmsub: -(rs1*rs2) + rs3;
 * fnmadd: -(rs1*rs2) - rs3. */
bool trans_fmadd_s(DisasContext *d, arg_r4_rm *a)
{
    return rv_fp_gen_fma(d, a, RVF, HELPER(riscv_fmadd_s), 0);
}

bool trans_fmsub_s(DisasContext *d, arg_r4_rm *a)
{
    return rv_fp_gen_fma(d, a, RVF, HELPER(riscv_fmadd_s), SF_MULADD_NEG_ADDEND);
}

bool trans_fnmsub_s(DisasContext *d, arg_r4_rm *a)
{
    return rv_fp_gen_fma(d, a, RVF, HELPER(riscv_fmadd_s), SF_MULADD_NEG_PRODUCT);
}

bool trans_fnmadd_s(DisasContext *d, arg_r4_rm *a)
{
    return rv_fp_gen_fma(d, a, RVF, HELPER(riscv_fmadd_s),
                         SF_MULADD_NEG_PRODUCT | SF_MULADD_NEG_ADDEND);
}

/* ---- conversions and moves (11.7) ---- */

bool trans_fcvt_w_s(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_to_int(d, a, RVF, HELPER(riscv_fcvt_x_s), 0);
}

bool trans_fcvt_wu_s(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_to_int(d, a, RVF, HELPER(riscv_fcvt_x_s), 1);
}

bool trans_fcvt_l_s(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_to_int(d, a, RVF, HELPER(riscv_fcvt_x_s), 2);
}

bool trans_fcvt_lu_s(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_to_int(d, a, RVF, HELPER(riscv_fcvt_x_s), 3);
}

bool trans_fcvt_s_w(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_from_int(d, a, RVF, HELPER(riscv_fcvt_s_x), 0);
}

bool trans_fcvt_s_wu(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_from_int(d, a, RVF, HELPER(riscv_fcvt_s_x), 1);
}

bool trans_fcvt_s_l(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_from_int(d, a, RVF, HELPER(riscv_fcvt_s_x), 2);
}

bool trans_fcvt_s_lu(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_from_int(d, a, RVF, HELPER(riscv_fcvt_s_x), 3);
}

/* Sign injection: the result's low 31 bits from rs1 (unboxed), the sign
 * from rs2's sign (fsgnj), its complement (fsgnjn) or their xor (fsgnjx). */
static bool rv_gen_fsgnj_s(DisasContext *d, arg_r *a, unsigned kind)
{
    if (!rv_fp_enabled(d, RVF)) {
        return false;
    }
    IrBuilder *b = d->b;
    IrVal box = ir_const(b, IR_I64, RISCV_NAN_BOX_MASK);
    IrVal nan = ir_const(b, IR_I64, RISCV_NAN_BOX_MASK | RISCV_CANONICAL_NAN_S);
    IrVal x = rv_fpr(d, a->rs1), y = rv_fpr(d, a->rs2);
    IrVal r = ir_new_temp(b, IR_I64);

    /* Boxed values are exactly those >= 0xffffffff00000000. */
    ir_movcond(b, IR_COND_GEU, x, x, box, x, nan);
    ir_movcond(b, IR_COND_GEU, y, y, box, y, nan);
    if (kind == 2) {
        ir_and_imm(b, y, y, 0x80000000);
        ir_xor(b, r, x, y);
    } else {
        if (kind == 1) {
            ir_not(b, y, y);
        }
        ir_and_imm(b, y, y, 0x80000000);
        ir_and_imm(b, r, x, (int64_t)~0x80000000ull);
        ir_or(b, r, r, y);
    }
    rv_set_fpr(d, a->rd, r);
    return true;
}

bool trans_fsgnj_s(DisasContext *d, arg_r *a)  { return rv_gen_fsgnj_s(d, a, 0); }
bool trans_fsgnjn_s(DisasContext *d, arg_r *a) { return rv_gen_fsgnj_s(d, a, 1); }
bool trans_fsgnjx_s(DisasContext *d, arg_r *a) { return rv_gen_fsgnj_s(d, a, 2); }

/* fmv.x.w: the low word, sign-extended, whatever the box. */
bool trans_fmv_x_w(DisasContext *d, arg_r2 *a)
{
    if (!rv_fp_enabled(d, RVF)) {
        return false;
    }
    rv_set_gpr_sext32(d, a->rd, rv_fpr(d, a->rs1));
    return true;
}

/* fmv.w.x: the low word of rs1, boxed. */
bool trans_fmv_w_x(DisasContext *d, arg_r2 *a)
{
    if (!rv_fp_enabled(d, RVF)) {
        return false;
    }
    IrVal r = ir_new_temp(d->b, IR_I64);

    ir_ext32u(d->b, r, rv_gpr(d, a->rs1));
    ir_or_imm(d->b, r, r, (int64_t)RISCV_NAN_BOX_MASK);
    rv_set_fpr(d, a->rd, r);
    return true;
}

/* ---- compares and classification (11.8, 11.9) ---- */

bool trans_feq_s(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_pair(d, a, RVF, HELPER(riscv_fcmp_s), 2, true);
}

bool trans_flt_s(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_pair(d, a, RVF, HELPER(riscv_fcmp_s), 1, true);
}

bool trans_fle_s(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_pair(d, a, RVF, HELPER(riscv_fcmp_s), 0, true);
}

bool trans_fclass_s(DisasContext *d, arg_r2 *a)
{
    return rv_fp_gen_class(d, a, RVF, HELPER(riscv_fclass_s));
}
