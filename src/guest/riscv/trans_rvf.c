/*
 * The F extension on RV64 (Unprivileged ISA 20191213, chapter 11, with
 * NaN boxing from 12.2), and the emitters F and D share
 * (trans_fp_internal.h).  Arithmetic, conversions, compares and fclass are
 * helper calls (fpu_helper.c: exact, over util/softfloat), most behind an
 * inline fast path (below); loads, stores, moves and sign injection are
 * inline IR.
 *
 * NaN boxing: FP registers are 64 bits; a single lives in the low word with
 * the upper 32 bits all ones.  Every operation reading a single treats an
 * unboxed value as the canonical NaN (the helpers unbox, fsgnj.s unboxes
 * inline); the transfers flw, fsw, fmv.x.w and fmv.w.x move bits without
 * looking (fsw and fmv.x.w take the low word as is); every single result is
 * written boxed.
 */
#include <assert.h>
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
    if (rm == RISCV_FRM_DYN && !d->fp_fast) {     /* fast state: frm is RNE */
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
    IrVal t = ir_new_ebb_temp(d->b, IR_I64);

    ir_mov(d->b, t, rv_cpu_fpr[n]);
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
    ir_mov(d->b, rv_cpu_fpr[n], val);
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
    IrVal val = ir_new_ebb_temp(d->b, IR_I64);

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

/*
 * The inline fast path (ir_ops.def's binary64 ops, which the JIT lowers to
 * SSE2/FMA3).  Where it applies, an instruction becomes
 *
 *       guard: fflags.NX already set, else -> slow
 *       r = fast_op(fs...)             0 (2 for fcmp) outside its domain
 *       brcond r == miss -> slow
 *       fd = r; br done
 *   slow:
 *       [dynamic rm: the frm check]  fd = helper(fs..., rm)
 *   done:
 *
 * Why this is exact: in the fast ops' domain (a normal result of biased
 * exponent 2..2046) the correctly rounded result is the IEEE one the helper
 * computes, and the only exception the operation signals is inexact
 * (ir_ops.def gives the reasons: no NaN operand or result, hence no NV and
 * no NaN canonicalisation to do; no DZ, OF, nor UF with tininess after
 * rounding).  The guard requires NX already accrued, so accruing NX again
 * changes nothing: fflags are exactly what the helper would leave.
 * Everything else (other rounding modes, the first inexact operation, NaN,
 * infinite, zero, subnormal or tiny results) takes the helper.  A guest
 * that clears fflags pays the helper once, for the next inexact op.
 * Compares need no guard: without a NaN operand they signal nothing.
 *
 * This is the shape outside the FP fast state (TB_FLAGS_FP_FAST), for a
 * static RNE (or no rounding, or RTZ for the truncations); inside it there
 * is neither guard nor label (rv_fp_fast_call, below).  A dynamic rm takes
 * the helper outside the fast state: its guard (frm RNE, NX set) could
 * never pass there, since whatever enters the state ends the block.  Both
 * paths copy their operands from the FP register globals themselves (EBB
 * temps, nothing to keep across the labels: the destination is written
 * only at the end of either path) and commit their own result.  The FS marking is
 * emitted on each path (mstatus_fs is a per-block memo of what was
 * emitted, and the first path's marking does not run on the second).
 */

typedef struct RvFpFast {
    IrOpcode opc;       /* IR_OP_nop: no fast path */
    uint64_t cst;       /* its constant operand, if it has one */
    uint64_t miss;      /* the result that means "not done" */
    int rm;             /* < 0: no rounding (compares, exact ones), no guard */
    bool fits32;        /* fcvt.w: also "not done" unless the result fits 32 bits */
} RvFpFast;

/* Singles (the _f32 ops) read NaN-boxed registers... */
static bool rv_fp_fast_single(IrOpcode opc)
{
    return (ir_op_defs[opc].flags & IR_OPF_FP32) != 0;
}

/* ...and write them, as fcvt.s.d does (fcvt.d.s writes a double). */
static bool rv_fp_fast_single_result(IrOpcode opc)
{
    return opc == IR_OP_cvt_f64_f32 || (rv_fp_fast_single(opc) && opc != IR_OP_cvt_f32_f64);
}

/* The truncating conversions round toward zero whatever frm says: only a
 * static RTZ (C's casts) matches them.  The others round to nearest: a
 * dynamic rm does only in the fast state (frm RNE). */
static bool rv_fp_fast_applies(const DisasContext *d, const RvFpFast *f)
{
    if (f->opc == IR_OP_nop) {
        return false;
    }
    if (f->opc == IR_OP_cvtt_f64_s64 || f->opc == IR_OP_cvtt_f32_s64) {
        return f->rm == RISCV_FRM_RTZ;
    }
    return f->rm < 0 || f->rm == RISCV_FRM_RNE || (f->rm == RISCV_FRM_DYN && d->fp_fast);
}

/* FP register n in a fresh EBB temp (dead at the next label). */
static IrVal rv_fpr_ebb(DisasContext *d, int n)
{
    IrVal t = ir_new_ebb_temp(d->b, IR_I64);

    ir_mov(d->b, t, rv_cpu_fpr[n]);
    return t;
}

/* Emits the guard and the fast op on fs[0..n), committing to fd (or to xd
 * when to_gpr); returns the label the slow path must follow.  The caller
 * then emits the slow path and sets *done. */
static IrLabel rv_fp_fast_path(DisasContext *d, const RvFpFast *f, const int *fs, unsigned n,
                               int dest, bool to_gpr, IrLabel *done)
{
    IrBuilder *b = d->b;
    IrLabel slow = ir_new_label(b);
    IrVal ins[3], r = ir_new_ebb_temp(b, IR_I64);
    unsigned fs0 = d->mstatus_fs;
    bool single = rv_fp_fast_single(f->opc);
    bool single_result = rv_fp_fast_single_result(f->opc);

    *done = ir_new_label(b);
    assert(f->rm != RISCV_FRM_DYN);     /* rv_fp_fast_applies */
    if (f->rm >= 0) {
        IrVal t = ir_new_ebb_temp(b, IR_I64);
        ir_ld32u(b, t, offsetof(RiscvCpu, fflags));
        ir_brcond_imm(b, IR_COND_TSTEQ, t, FFLAGS_NX, slow);
    }
    for (unsigned i = 0; i < n; i++) {
        ins[i] = i > 0 && fs[i] == fs[i - 1] ? ins[i - 1] : rv_fpr_ebb(d, fs[i]);
    }
    if (single) {
        /* An unboxed operand reads as the canonical NaN: the helper's job.
         * All boxed <=> the AND of the high halves is all ones. */
        IrVal hi = ir_new_ebb_temp(b, IR_I64);
        ir_mov(b, hi, ins[0]);
        for (unsigned i = 1; i < n; i++) {
            ir_and(b, hi, hi, ins[i]);
        }
        ir_sar_imm(b, hi, hi, 32);
        ir_brcond_imm(b, IR_COND_NE, hi, -1, slow);
    }
    ir_emit(b, f->opc, IR_I64, &r, 1, ins, n, &f->cst, ir_op_defs[f->opc].nconst);
    if (f->fits32) {
        /* INT64_MIN (the miss) does not fit either */
        IrVal w = ir_new_ebb_temp(b, IR_I64);
        ir_ext32s(b, w, r);
        ir_brcond(b, IR_COND_NE, w, r, slow);
    } else {
        ir_brcond_imm(b, IR_COND_EQ, r, (int64_t)f->miss, slow);
    }
    if (to_gpr) {
        rv_fp_mark_dirty(d);
        rv_set_gpr(d, dest, r);
    } else {
        if (single_result) {
            ir_or_imm(b, r, r, (int64_t)RISCV_NAN_BOX_MASK);
        }
        rv_set_fpr(d, dest, r);
    }
    ir_br(b, *done);
    ir_set_label(b, slow);
    d->mstatus_fs = fs0;
    return slow;
}

/*
 * Fast-state blocks (TB_FLAGS_FP_FAST: frm RNE and NX set all through the
 * block, translate.h) need no guard, and the exact path needs no label:
 *
 *       r = fast_op(fs...)          [the miss too for an unboxed single,
 *                                    and for fcvt.w's result beyond 32 bits]
 *       t = call_miss r, $miss, helper(fs..., rm)
 *       fd = t                      [boxed for a single result]
 *
 * The helper is the one the slow path calls elsewhere (the same exact
 * result and flags), here without a frm check: frm is RNE.  The operands
 * are read once, as EBB temps (no label follows in the instruction).
 */
static IrVal rv_fp_fast_call(DisasContext *d, const RvFpFast *f, const int *fs, unsigned n,
                             const IrHelperInfo *h, const IrVal *extra, unsigned nextra)
{
    IrBuilder *b = d->b;
    IrVal ins[3], args[IR_CALL_MAX_ARGS];
    IrVal r = ir_new_ebb_temp(b, IR_I64), t = ir_new_ebb_temp(b, IR_I64);

    assert(d->fp_fast && n + nextra <= IR_CALL_MAX_ARGS - 1);
    for (unsigned i = 0; i < n; i++) {
        ins[i] = i > 0 && fs[i] == fs[i - 1] ? ins[i - 1] : rv_fpr_ebb(d, fs[i]);
        args[i] = ins[i];
    }
    for (unsigned i = 0; i < nextra; i++) {
        args[n + i] = extra[i];
    }
    ir_emit(b, f->opc, IR_I64, &r, 1, ins, n, &f->cst, ir_op_defs[f->opc].nconst);
    if (rv_fp_fast_single(f->opc)) {
        /* an unboxed operand (the canonical NaN to the helper) misses:
         * all boxed <=> the AND of the high halves is all ones */
        IrVal hi = ir_new_ebb_temp(b, IR_I64);
        ir_mov(b, hi, ins[0]);
        for (unsigned i = 1; i < n; i++) {
            ir_and(b, hi, hi, ins[i]);
        }
        ir_sar_imm(b, hi, hi, 32);
        ir_movcond(b, IR_COND_NE, r, hi, ir_const(b, IR_I64, ~0ull), ir_const(b, IR_I64, f->miss),
                   r);
    }
    if (f->fits32) {
        /* INT64_MIN (the miss) does not fit either */
        IrVal w = ir_new_ebb_temp(b, IR_I64);
        ir_ext32s(b, w, r);
        ir_movcond(b, IR_COND_NE, r, w, r, ir_const(b, IR_I64, f->miss), r);
    }
    ir_call_miss_n(b, h, t, r, f->miss, args, n + nextra);
    return t;
}

/* Commits a fast-state result to fd (boxing a single's). */
static void rv_fp_fast_commit(DisasContext *d, const RvFpFast *f, int rd, IrVal t)
{
    if (rv_fp_fast_single_result(f->opc)) {
        /* the helper's result is boxed already: the OR changes nothing */
        ir_or_imm(d->b, t, t, (int64_t)RISCV_NAN_BOX_MASK);
    }
    rv_set_fpr(d, rd, t);
}

/*
 * The end of a helper path outside the fast state.  A helper that may set
 * NX may have entered the fast state (fp_accrue resyncs the TB flags):
 * then the block ends after this instruction, through the exec loop, so
 * that no chained jump taken from this block runs code translated for the
 * other state (see TB_FLAGS_FP_FAST).  done, when set, is the label the
 * inline path jumps to, which this sets.
 */
static void rv_fp_helper_done(DisasContext *d, const IrLabel *done, bool may_set_nx)
{
    IrBuilder *b = d->b;

    if (d->fp_fast || !may_set_nx) {
        if (done) {
            ir_set_label(b, *done);
        }
        return;
    }
    IrLabel cont = done ? *done : ir_new_label(b);
    IrVal f = ir_new_ebb_temp(b, IR_I32);

    ir_ld32u(b, f, offsetof(RiscvCpu, tb_flags));
    ir_brcond_imm(b, IR_COND_TSTEQ, f, TB_FLAGS_FP_FAST, cont);
    rv_update_pc(d, d->base.pc_next);
    rv_sync_retired(d);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    ir_set_label(b, cont);
}

bool rv_fp_gen_arith(DisasContext *d, arg_r_rm *a, uint64_t ext, const IrHelperInfo *h,
                     IrOpcode fast)
{
    if (!rv_fp_enabled(d, ext) || a->rm == 5 || a->rm == 6) {
        return false;
    }
    RvFpFast f = { .opc = fast, .rm = a->rm };
    IrLabel done = { 0 };
    bool inline_fast = rv_fp_fast_applies(d, &f);

    if (inline_fast && d->fp_fast) {
        IrVal rm = rv_fp_i32(d, a->rm);
        rv_fp_fast_commit(d, &f, a->rd,
                          rv_fp_fast_call(d, &f, (const int[]){ a->rs1, a->rs2 }, 2, h, &rm, 1));
        return true;
    }
    if (inline_fast) {
        rv_fp_fast_path(d, &f, (const int[]){ a->rs1, a->rs2 }, 2, a->rd, false, &done);
    }
    rv_fp_check_rm(d, a->rm);
    IrVal r = ir_new_temp(d->b, IR_I64);
    ir_call(d->b, h, r, rv_fpr(d, a->rs1), rv_fpr(d, a->rs2), rv_fp_i32(d, a->rm));
    rv_set_fpr(d, a->rd, r);
    rv_fp_helper_done(d, inline_fast ? &done : NULL, true);
    return true;
}

bool rv_fp_gen_unary(DisasContext *d, arg_r2_rm *a, uint64_t ext, const IrHelperInfo *h,
                     IrOpcode fast)
{
    if (!rv_fp_enabled(d, ext) || a->rm == 5 || a->rm == 6) {
        return false;
    }
    RvFpFast f = { .opc = fast, .rm = a->rm };
    IrLabel done = { 0 };
    bool exact = fast == IR_OP_cvt_f32_f64;

    if (exact) {
        /* fcvt.d.s: exact in every mode, no guard; a dynamic rm must
         * still name a valid frm (11.2), on both paths */
        rv_fp_check_rm(d, a->rm);
        f.rm = -1;
        f.miss = ~0ull;
    }
    bool inline_fast = rv_fp_fast_applies(d, &f);
    if (inline_fast && d->fp_fast) {
        IrVal rm = rv_fp_i32(d, a->rm);
        rv_fp_fast_commit(d, &f, a->rd, rv_fp_fast_call(d, &f, &a->rs1, 1, h, &rm, 1));
        return true;
    }
    if (inline_fast) {
        rv_fp_fast_path(d, &f, &a->rs1, 1, a->rd, false, &done);
    }
    if (!exact) {
        rv_fp_check_rm(d, a->rm);
    }
    IrVal r = ir_new_temp(d->b, IR_I64);
    ir_call(d->b, h, r, rv_fpr(d, a->rs1), rv_fp_i32(d, a->rm));
    rv_set_fpr(d, a->rd, r);
    rv_fp_helper_done(d, inline_fast ? &done : NULL, !exact);   /* fcvt.d.s: no NX */
    return true;
}

bool rv_fp_gen_fma(DisasContext *d, arg_r4_rm *a, uint64_t ext, const IrHelperInfo *h,
                   unsigned neg, IrOpcode fast)
{
    if (!rv_fp_enabled(d, ext) || a->rm == 5 || a->rm == 6) {
        return false;
    }
    /* SF_MULADD_NEG_* and IR_FMA_NEG_* name the same negations. */
    RvFpFast f = {
        .opc = fast,
        .rm = a->rm,
        .cst = ((neg & SF_MULADD_NEG_PRODUCT) ? IR_FMA_NEG_PRODUCT : 0) |
               ((neg & SF_MULADD_NEG_ADDEND) ? IR_FMA_NEG_ADDEND : 0),
    };
    IrLabel done = { 0 };
    bool inline_fast = rv_fp_fast_applies(d, &f);

    if (inline_fast && d->fp_fast) {
        IrVal extra[2] = { rv_fp_i32(d, neg), rv_fp_i32(d, a->rm) };
        rv_fp_fast_commit(d, &f, a->rd,
                          rv_fp_fast_call(d, &f, (const int[]){ a->rs1, a->rs2, a->rs3 }, 3, h,
                                          extra, 2));
        return true;
    }
    if (inline_fast) {
        rv_fp_fast_path(d, &f, (const int[]){ a->rs1, a->rs2, a->rs3 }, 3, a->rd, false, &done);
    }
    rv_fp_check_rm(d, a->rm);
    IrVal r = ir_new_temp(d->b, IR_I64);
    ir_call(d->b, h, r, rv_fpr(d, a->rs1), rv_fpr(d, a->rs2), rv_fpr(d, a->rs3),
            rv_fp_i32(d, neg), rv_fp_i32(d, a->rm));
    rv_set_fpr(d, a->rd, r);
    rv_fp_helper_done(d, inline_fast ? &done : NULL, true);
    return true;
}

/* fmin/fmax (the only users, never to_gpr) have fminmax_f64/f32 inline
 * first: without a NaN operand they signal nothing and need no guard (no
 * rounding); a NaN or unboxed operand takes the helper (NV for sNaN, the
 * canonical NaN for two NaNs). */
bool rv_fp_gen_pair(DisasContext *d, arg_r *a, uint64_t ext, const IrHelperInfo *h,
                    uint32_t arg, bool to_gpr)
{
    if (!rv_fp_enabled(d, ext)) {
        return false;
    }
    bool dbl = ext == RVD;
    RvFpFast f = {
        .opc = to_gpr ? IR_OP_nop : dbl ? IR_OP_fminmax_f64 : IR_OP_fminmax_f32,
        .cst = arg,
        .miss = dbl ? ~0ull : 0xffffffffull,
        .rm = -1,
    };
    IrLabel done = { 0 };
    bool inline_fast = rv_fp_fast_applies(d, &f);

    if (inline_fast && d->fp_fast) {
        IrVal arg_v = rv_fp_i32(d, arg);
        rv_fp_fast_commit(d, &f, a->rd,
                          rv_fp_fast_call(d, &f, (const int[]){ a->rs1, a->rs2 }, 2, h, &arg_v, 1));
        return true;
    }
    if (inline_fast) {
        rv_fp_fast_path(d, &f, (const int[]){ a->rs1, a->rs2 }, 2, a->rd, false, &done);
    }
    IrVal r = to_gpr ? rv_dest_gpr(d, a->rd) : ir_new_temp(d->b, IR_I64);

    ir_call(d->b, h, r, rv_fpr(d, a->rs1), rv_fpr(d, a->rs2), rv_fp_i32(d, arg));
    if (to_gpr) {
        rv_fp_mark_dirty(d);            /* fflags may change */
        rv_set_gpr(d, a->rd, r);
    } else {
        rv_set_fpr(d, a->rd, r);
    }
    if (inline_fast) {
        ir_set_label(d->b, done);
    }
    return true;
}

/*
 * fflags, frm and fcsr (11.2) inline, for trans_zicsr.c: code that
 * brackets a quiet compare with frflags/fsflags (libm, -fmath-errno's
 * sqrt) would otherwise call the generic CSR helper and end the block
 * twice per iteration.  What riscv_csr_access does for them: legal when F
 * is enabled (misa.F and FS not Off, both fixed for the block), any
 * privilege; reads mask the fields; a write stores
 * (old & ~mask) | (val & mask) field by field and marks FS Dirty.  The
 * block goes on, but when the write moves fcsr into or out of the FP fast
 * state (TB_FLAGS_FP_FAST) against the block's own: then the TB flags
 * follow and the block ends after the instruction, through the exec loop
 * (a rare exit: code that brackets a compare with frflags/fsflags restores
 * NX, and stays).  The write changes no other TB flag but FS, which the FS
 * memo tracks, and cannot make an interrupt pending.
 */
bool rv_fp_gen_csr(DisasContext *d, int csr, int rd, bool write, IrVal val, IrVal mask)
{
    IrBuilder *b = d->b;

    assert(csr >= RISCV_CSR_FFLAGS && csr <= RISCV_CSR_FCSR);
    if (!rv_fp_enabled(d, RVF)) {
        return false;
    }
    IrVal old = ir_new_ebb_temp(b, IR_I64);
    IrVal t = ir_new_ebb_temp(b, IR_I64);
    const IrTemp *mt = ir_temp(b, mask);
    bool whole = write && mt->kind == IR_TEMP_CONST && mt->value == ~0ull;

    if (whole && rd == 0) {
        /* csrrw x0 (fsflags, fsrm): no read (an env load is never dead) */
    } else if (csr != RISCV_CSR_FRM) {
        ir_ld32u(b, old, offsetof(RiscvCpu, fflags));
        ir_and_imm(b, old, old, FFLAGS_MASK);
    }
    if (csr != RISCV_CSR_FFLAGS && !(whole && rd == 0)) {
        IrVal frm = csr == RISCV_CSR_FRM ? old : t;
        ir_ld32u(b, frm, offsetof(RiscvCpu, frm));
        ir_and_imm(b, frm, frm, 7);
        if (csr == RISCV_CSR_FCSR) {
            ir_shl_imm(b, t, t, 5);
            ir_or(b, old, old, t);
        }
    }
    if (!write) {
        rv_set_gpr(d, rd, old);
        return true;
    }
    IrVal n = ir_new_ebb_temp(b, IR_I64);
    if (whole) {
        ir_mov(b, n, val);              /* csrrw: old is read for rd alone */
    } else {
        ir_andc(b, n, old, mask);
        ir_and(b, t, val, mask);
        ir_or(b, n, n, t);
    }
    if (csr == RISCV_CSR_FRM) {
        ir_and_imm(b, t, n, 7);
        ir_st32(b, t, offsetof(RiscvCpu, frm));
    } else {
        ir_and_imm(b, t, n, FFLAGS_MASK);
        ir_st32(b, t, offsetof(RiscvCpu, fflags));
        if (csr == RISCV_CSR_FCSR) {
            ir_extract(b, t, n, 5, 3);
            ir_st32(b, t, offsetof(RiscvCpu, frm));
        }
    }
    rv_fp_mark_dirty(d);
    rv_set_gpr(d, rd, old);

    /* c = the new fcsr: fast iff (c & 0xe1) == NX (frm 0, NX set); a fast
     * block knows the half the write keeps (frm RNE, NX set) */
    IrVal c = ir_new_ebb_temp(b, IR_I64);
    IrLabel same = ir_new_label(b);
    if (csr == RISCV_CSR_FFLAGS && d->fp_fast) {
        /* frm stays RNE: the state stays while NX does */
        ir_brcond_imm(b, IR_COND_TSTNE, n, FFLAGS_NX, same);
    } else if (csr == RISCV_CSR_FCSR) {
        ir_mov(b, c, n);
    } else if (csr == RISCV_CSR_FFLAGS) {
        ir_and_imm(b, c, n, FFLAGS_MASK);
        if (!d->fp_fast) {
            ir_ld32u(b, t, offsetof(RiscvCpu, frm));
            ir_shl_imm(b, t, t, 5);
            ir_or(b, c, c, t);
        }
    } else {
        ir_and_imm(b, c, n, 7);
        ir_shl_imm(b, c, c, 5);
        if (d->fp_fast) {
            ir_or_imm(b, c, c, FFLAGS_NX);
        } else {
            ir_ld32u(b, t, offsetof(RiscvCpu, fflags));
            ir_or(b, c, c, t);
        }
    }
    if (csr != RISCV_CSR_FFLAGS || !d->fp_fast) {
        ir_and_imm(b, c, c, 0xe0 | FFLAGS_NX);
        ir_brcond_imm(b, d->fp_fast ? IR_COND_EQ : IR_COND_NE, c, FFLAGS_NX, same);
    }
    IrVal f = ir_new_ebb_temp(b, IR_I32);
    ir_ld32u(b, f, offsetof(RiscvCpu, tb_flags));
    if (d->fp_fast) {
        ir_and_imm(b, f, f, ~(int64_t)TB_FLAGS_FP_FAST);
    } else {
        ir_or_imm(b, f, f, TB_FLAGS_FP_FAST);
    }
    ir_st32(b, f, offsetof(RiscvCpu, tb_flags));
    rv_update_pc(d, d->base.pc_next);
    rv_sync_retired(d);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    ir_set_label(b, same);
    return true;
}

/* feq/flt/fle: funct3 0 fle, 1 flt, 2 feq (the helper's kind). */
bool rv_fp_gen_cmp(DisasContext *d, arg_r *a, uint64_t ext, const IrHelperInfo *h,
                   uint32_t kind)
{
    static const IrFcmp conds[3] = { IR_FCMP_LE, IR_FCMP_LT, IR_FCMP_EQ };

    if (!rv_fp_enabled(d, ext)) {
        return false;
    }
    assert(kind < 3);
    /* fcmp gives 2 for a NaN operand: the helper decides NV. */
    RvFpFast f = {
        .opc = ext == RVD ? IR_OP_fcmp_f64 : IR_OP_fcmp_f32,
        .cst = conds[kind],
        .miss = 2,
        .rm = -1,
    };
    IrLabel done;

    if (d->fp_fast) {
        IrVal kind_v = rv_fp_i32(d, kind);
        IrVal t = rv_fp_fast_call(d, &f, (const int[]){ a->rs1, a->rs2 }, 2, h, &kind_v, 1);
        rv_fp_mark_dirty(d);            /* fflags may change */
        rv_set_gpr(d, a->rd, t);
        return true;
    }
    rv_fp_fast_path(d, &f, (const int[]){ a->rs1, a->rs2 }, 2, a->rd, true, &done);
    IrVal r = rv_dest_gpr(d, a->rd);
    ir_call(d->b, h, r, rv_fpr(d, a->rs1), rv_fpr(d, a->rs2), rv_fp_i32(d, kind));
    rv_fp_mark_dirty(d);                /* fflags may change */
    rv_set_gpr(d, a->rd, r);
    ir_set_label(d->b, done);
    return true;
}

/* fcvt.w/l (kind 0, 2) with a static RTZ, C's (int) and (long) casts, have
 * the inline truncation (cvtt_*_s64) under the NX guard: in range it
 * signals nothing but inexact.  NaN, out of range (NV and the saturated
 * value), the unsigned forms and the other modes take the helper. */
bool rv_fp_gen_to_int(DisasContext *d, arg_r2_rm *a, uint64_t ext, const IrHelperInfo *h,
                      uint32_t kind)
{
    if (!rv_fp_enabled(d, ext) || a->rm == 5 || a->rm == 6) {
        return false;
    }
    RvFpFast f = {
        .opc = kind == 0 || kind == 2 ? (ext == RVD ? IR_OP_cvtt_f64_s64 : IR_OP_cvtt_f32_s64)
                                      : IR_OP_nop,
        .miss = 0x8000000000000000ull,
        .rm = a->rm,
        .fits32 = kind == 0,
    };
    IrLabel done = { 0 };
    bool inline_fast = rv_fp_fast_applies(d, &f);

    if (inline_fast && d->fp_fast) {
        IrVal extra[2] = { rv_fp_i32(d, kind), rv_fp_i32(d, a->rm) };
        IrVal t = rv_fp_fast_call(d, &f, &a->rs1, 1, h, extra, 2);
        rv_fp_mark_dirty(d);
        rv_set_gpr(d, a->rd, t);
        return true;
    }
    if (inline_fast) {
        rv_fp_fast_path(d, &f, &a->rs1, 1, a->rd, true, &done);
    }
    rv_fp_check_rm(d, a->rm);
    IrVal r = rv_dest_gpr(d, a->rd);

    ir_call(d->b, h, r, rv_fpr(d, a->rs1), rv_fp_i32(d, kind), rv_fp_i32(d, a->rm));
    rv_fp_mark_dirty(d);
    rv_set_gpr(d, a->rd, r);
    rv_fp_helper_done(d, inline_fast ? &done : NULL, true);
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
    rv_fp_helper_done(d, NULL, true);
    return true;
}

bool rv_fp_gen_cvt_d_w(DisasContext *d, arg_r2_rm *a, bool is_unsigned)
{
    if (!rv_fp_enabled(d, RVD) || !rv_fp_check_rm(d, a->rm)) {
        return false;
    }
    /* Every 32-bit integer is a binary64: exact in every rounding mode,
     * no flag, +0 for 0 (Unprivileged 12.5): the helper's answer. */
    IrVal x = is_unsigned ? rv_gpr_zext32(d, a->rs1) : rv_gpr_sext32(d, a->rs1);
    IrVal r = ir_new_ebb_temp(d->b, IR_I64);

    ir_emit(d->b, IR_OP_cvt_s64_f64, IR_I64, &r, 1, &x, 1, NULL, 0);
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
    return rv_fp_gen_arith(d, a, RVF, HELPER(riscv_fadd_s), IR_OP_fadd_f32);
}

bool trans_fsub_s(DisasContext *d, arg_r_rm *a)
{
    return rv_fp_gen_arith(d, a, RVF, HELPER(riscv_fsub_s), IR_OP_fsub_f32);
}

bool trans_fmul_s(DisasContext *d, arg_r_rm *a)
{
    return rv_fp_gen_arith(d, a, RVF, HELPER(riscv_fmul_s), IR_OP_fmul_f32);
}

bool trans_fdiv_s(DisasContext *d, arg_r_rm *a)
{
    return rv_fp_gen_arith(d, a, RVF, HELPER(riscv_fdiv_s), IR_OP_fdiv_f32);
}

bool trans_fsqrt_s(DisasContext *d, arg_r2_rm *a)
{
    return rv_fp_gen_unary(d, a, RVF, HELPER(riscv_fsqrt_s), IR_OP_fsqrt_f32);
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
    return rv_fp_gen_fma(d, a, RVF, HELPER(riscv_fmadd_s), 0, IR_OP_fma_f32);
}

bool trans_fmsub_s(DisasContext *d, arg_r4_rm *a)
{
    return rv_fp_gen_fma(d, a, RVF, HELPER(riscv_fmadd_s), SF_MULADD_NEG_ADDEND, IR_OP_fma_f32);
}

bool trans_fnmsub_s(DisasContext *d, arg_r4_rm *a)
{
    return rv_fp_gen_fma(d, a, RVF, HELPER(riscv_fmadd_s), SF_MULADD_NEG_PRODUCT, IR_OP_fma_f32);
}

bool trans_fnmadd_s(DisasContext *d, arg_r4_rm *a)
{
    return rv_fp_gen_fma(d, a, RVF, HELPER(riscv_fmadd_s),
                         SF_MULADD_NEG_PRODUCT | SF_MULADD_NEG_ADDEND, IR_OP_fma_f32);
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
    return rv_fp_gen_cmp(d, a, RVF, HELPER(riscv_fcmp_s), 2);
}

bool trans_flt_s(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_cmp(d, a, RVF, HELPER(riscv_fcmp_s), 1);
}

bool trans_fle_s(DisasContext *d, arg_r *a)
{
    return rv_fp_gen_cmp(d, a, RVF, HELPER(riscv_fcmp_s), 0);
}

bool trans_fclass_s(DisasContext *d, arg_r2 *a)
{
    return rv_fp_gen_class(d, a, RVF, HELPER(riscv_fclass_s));
}
