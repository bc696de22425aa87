/*
 * The F/D translator's shared emitters (private to trans_rvf.c, which
 * defines them, and trans_rvd.c).  Every F/D trans_ function first decides
 * legality, emitting nothing: the misa letter (RVF or RVD) present and
 * mstatus.FS not Off (Privileged 3.1.6.6; FS comes from the TB flags), and
 * for instructions with an rm field, rm not 5 or 6 (Unprivileged 11.2).
 * Then a dynamic rm (7) emits a run-time test of frm that raises illegal
 * instruction for frm 5-7.  Any instruction that writes an FP register or
 * may accrue fflags marks FS Dirty (and SD) first, once per block: the TB
 * flags of later blocks then say Dirty.  (Conservative: a Dirty FS for an
 * instruction that happens to raise no flag is allowed, 3.1.6.6.)
 *
 * FP registers are IR globals (rv_cpu_fpr, I64): a block keeps them in
 * host registers between its FP instructions.  Every helper receives them
 * as arguments and returns its result (RV_FP_CALL: no global read or
 * written, no raise); mstatus and fflags/frm are env fields here.
 */
#ifndef GUEST_RISCV_TRANS_FP_INTERNAL_H
#define GUEST_RISCV_TRANS_FP_INTERNAL_H

#include "guest/riscv/decode-insn32.h"
#include "guest/riscv/translate.h"

bool rv_fp_enabled(DisasContext *d, uint64_t misa_bit);
/* False for the reserved rm 5 and 6; rm 7 emits the frm test. */
bool rv_fp_check_rm(DisasContext *d, int rm);
/* FP register n's 64 bits in a fresh EBB temp (a copy the caller may
 * overwrite; dead at the next label). */
IrVal rv_fpr(DisasContext *d, int n);
/* Store into FP register n, marking FS Dirty. */
void rv_set_fpr(DisasContext *d, int n, IrVal val);
void rv_fp_mark_dirty(DisasContext *d);

/* The shapes of F and D instructions: each checks the extension (ext), FS
 * and rm, then calls helper h (helpers.def, rv-fp section) and commits.
 * `fast`, when not IR_OP_nop, is the binary64 IR op tried inline first
 * (trans_rvf.c says when, and why that is exact). */
bool rv_fp_gen_load(DisasContext *d, arg_i *a, uint64_t ext, MemOp mop);
bool rv_fp_gen_store(DisasContext *d, arg_s *a, uint64_t ext, MemOp mop);
/* fd = h(fs1, fs2, rm) */
bool rv_fp_gen_arith(DisasContext *d, arg_r_rm *a, uint64_t ext, const IrHelperInfo *h,
                     IrOpcode fast);
/* fd = h(fs1, rm), after the fast op when there is one (fsqrt, and the
 * conversions between formats: cvt_f64_f32 under the guard, the exact
 * cvt_f32_f64 without) */
bool rv_fp_gen_unary(DisasContext *d, arg_r2_rm *a, uint64_t ext, const IrHelperInfo *h,
                     IrOpcode fast);
/* fd = h(fs1, fs2, fs3, neg, rm) */
bool rv_fp_gen_fma(DisasContext *d, arg_r4_rm *a, uint64_t ext, const IrHelperInfo *h,
                   unsigned neg, IrOpcode fast);
/* fd = h(fs1, fs2, arg) (min/max), or xd = h(fs1, fs2, arg) (compares) */
bool rv_fp_gen_pair(DisasContext *d, arg_r *a, uint64_t ext, const IrHelperInfo *h,
                    uint32_t arg, bool to_gpr);
/* xd = h(fs1, fs2, kind) for feq/flt/fle (kind 2/1/0) of ext's format,
 * with fcmp_f64/f32 inline first: a NaN or unboxed operand takes h. */
bool rv_fp_gen_cmp(DisasContext *d, arg_r *a, uint64_t ext, const IrHelperInfo *h,
                   uint32_t kind);
/* csrr[wsc] on fflags/frm/fcsr (RISCV_CSR_*) inline: rd = old value;
 * when write, the CSR = (old & ~mask) | (val & mask).  False: illegal. */
bool rv_fp_gen_csr(DisasContext *d, int csr, int rd, bool write, IrVal val, IrVal mask);
/* xd = h(fs1, kind, rm); fcvt.w/l with static RTZ truncate inline first. */
bool rv_fp_gen_to_int(DisasContext *d, arg_r2_rm *a, uint64_t ext, const IrHelperInfo *h,
                      uint32_t kind);
/* fd = h(xs1, kind, rm) */
bool rv_fp_gen_from_int(DisasContext *d, arg_r2_rm *a, uint64_t ext, const IrHelperInfo *h,
                        uint32_t kind);
/* fcvt.d.w / fcvt.d.wu: exact, inline (cvt_s64_f64). */
bool rv_fp_gen_cvt_d_w(DisasContext *d, arg_r2_rm *a, bool is_unsigned);
/* xd = h(fs1) (fclass) */
bool rv_fp_gen_class(DisasContext *d, arg_r2 *a, uint64_t ext, const IrHelperInfo *h);

#endif
