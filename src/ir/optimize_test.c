/*
 * Optimizer golden tests: IR built with the builder, optimized, verified,
 * and compared as printed text with the expected output.  Also the printer
 * format itself and liveness annotations.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "ir/helper.h"
#include "ir/ir.h"
#include "util/unittest.h"

typedef struct OptEnv {
    uint64_t x[4];
    uint32_t w;
} OptEnv;

static IrContext *opt_ctx;
static IrVal x0, x1, x2, x3, w0;

static IrBuilder *opt_builder(void)
{
    if (!opt_ctx) {
        opt_ctx = ir_context_new();
        x0 = ir_global(opt_ctx, IR_I64, (int32_t)offsetof(OptEnv, x[0]), "x0");
        x1 = ir_global(opt_ctx, IR_I64, (int32_t)offsetof(OptEnv, x[1]), "x1");
        x2 = ir_global(opt_ctx, IR_I64, (int32_t)offsetof(OptEnv, x[2]), "x2");
        x3 = ir_global(opt_ctx, IR_I64, (int32_t)offsetof(OptEnv, x[3]), "x3");
        w0 = ir_global(opt_ctx, IR_I32, (int32_t)offsetof(OptEnv, w), "w0");
    }
    return ir_builder_new(opt_ctx);
}

/* Optimize b, verify, and compare its dump with want. */
static void opt_check(IrBuilder *b, const char *want, const char *file, int line)
{
    Error *err = NULL;
    if (!ir_verify(b, &err)) {
        unittest_fail(file, line, "before: %s", error_get_pretty(err));
        error_free(err);
        return;
    }
    ir_optimize(b);
    if (!ir_verify(b, &err)) {
        unittest_fail(file, line, "after: %s", error_get_pretty(err));
        error_free(err);
        return;
    }
    char *got = ir_print_to_string(b);
    if (strcmp(got, want) != 0) {
        unittest_fail(file, line, "optimized IR differs:\n--- got\n%s--- want\n%s", got, want);
    }
    free(got);
    ir_builder_free(b);
}
#define OPT_CHECK(b, want) opt_check(b, want, __FILE__, __LINE__)

UNITTEST(printer_format)
{
    IrBuilder *b = opt_builder();
    IrVal t = ir_new_temp(b, IR_I64), e = ir_new_ebb_temp(b, IR_I32);
    IrLabel l = ir_new_label(b);
    ir_insn_start(b, 0x80000000, 1, 0);
    ir_add_imm(b, t, x1, 16);
    ir_guest_ld(b, x2, t, MO_SL | MO_ALIGN, 1);
    ir_extrl_i64_i32(b, e, x2);
    ir_brcond_imm(b, IR_COND_LTU, t, 0, l);
    ir_st32(b, e, 8);
    ir_set_label(b, l);
    ir_deposit(b, x3, x3, t, 8, 4);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    char *s = ir_print_to_string(b);
    CHECK_STR(s,
              " ---- 0x80000000 0x1 0x0\n"
              " add_i64 t0, x1, $0x10\n"
              " guest_ld_i64 x2, t0, mo=sl|al4, mmu=1\n"
              " extrl_i64_i32 e1, x2\n"
              " brcond_i64 t0, $0x0, ltu, L0\n"
              " st32_i32 e1, env+0x8\n"
              " set_label L0\n"
              " deposit_i64 x3, x3, t0, 8, 4\n"
              " exit_tb $0x0\n");
    free(s);
    ir_builder_free(b);
}

UNITTEST(opt_constant_folding_and_copies)
{
    IrBuilder *b = opt_builder();
    IrVal a = ir_new_temp(b, IR_I64), c = ir_new_temp(b, IR_I64);
    ir_movi(b, a, 6);
    ir_mul_imm(b, c, a, 7);          /* 42 */
    ir_sub_imm(b, c, c, 2);          /* 40 */
    ir_mov(b, x1, c);                /* x1 = 40 */
    ir_add(b, x2, x1, x3);           /* x2 = 40 + x3: constant second */
    ir_exit_tb(b, IR_EXIT_NORMAL);
    OPT_CHECK(b,
              " movi_i64 x1, $0x28\n"
              " add_i64 x2, x3, $0x28\n"
              " exit_tb $0x0\n");
}

/* "op e; mov g, e" becomes "op g" with later reads of e reading g, unless
 * g changes before one of them (a write, a store to its env field). */
UNITTEST(opt_def_into_copies)
{
    IrBuilder *b = opt_builder();
    IrVal e = ir_new_ebb_temp(b, IR_I64), f = ir_new_ebb_temp(b, IR_I64);
    IrVal h = ir_new_ebb_temp(b, IR_I64);
    IrLabel l = ir_new_label(b);
    ir_add(b, e, x1, x2);
    ir_mov(b, x1, e);
    ir_guest_st(b, x3, e, MO_UB, 0);
    ir_brcond(b, IR_COND_LTU, e, x3, l);
    ir_sub(b, f, x2, x3);
    ir_mov(b, x2, f);
    ir_movi(b, x2, 7);
    ir_st64(b, f, 0x100);
    ir_xor(b, h, x0, x3);
    ir_mov(b, x0, h);
    ir_st64(b, x3, (int32_t)offsetof(OptEnv, x[0]));
    ir_st64(b, h, 0x108);
    ir_set_label(b, l);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    OPT_CHECK(b,
              " add_i64 x1, x1, x2\n"
              " guest_st_i64 x3, x1, mo=ub, mmu=0\n"
              " brcond_i64 x1, x3, ltu, L0\n"
              " sub_i64 e1, x2, x3\n"
              " movi_i64 x2, $0x7\n"
              " st64_i64 e1, env+0x100\n"
              " xor_i64 e2, x0, x3\n"
              " mov_i64 x0, e2\n"
              " st64_i64 x3, env+0x0\n"
              " st64_i64 e2, env+0x108\n"
              " set_label L0\n"
              " exit_tb $0x0\n");
}

/* Two copies in a row: "add e; mov f, e; mov x1, f" with e read later.
 * The first rewrite makes those later reads read f, which nothing read
 * before: the second must still find and rewrite them (to x1). */
UNITTEST(opt_def_into_chained_copies)
{
    IrBuilder *b = opt_builder();
    IrVal e = ir_new_ebb_temp(b, IR_I64), f = ir_new_ebb_temp(b, IR_I64);
    ir_add(b, e, x2, x3);
    ir_mov(b, f, e);
    ir_mov(b, x1, f);
    ir_st64(b, x0, 0x100);
    ir_add_imm(b, x0, e, 1);
    ir_st64(b, e, 0x108);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    OPT_CHECK(b,
              " add_i64 x1, x2, x3\n"
              " st64_i64 x0, env+0x100\n"
              " add_i64 x0, x1, $0x1\n"
              " st64_i64 x1, env+0x108\n"
              " exit_tb $0x0\n");
}

UNITTEST(opt_identities)
{
    IrBuilder *b = opt_builder();
    IrVal t = ir_new_temp(b, IR_I64);
    ir_add_imm(b, t, x1, 0);         /* copy of x1 */
    ir_and_imm(b, x2, t, -1);        /* x2 = x1 */
    ir_mul_imm(b, x3, x1, 1);        /* x3 = x1 */
    ir_xor(b, x0, x1, x1);           /* x0 = 0 */
    ir_or_imm(b, w0, w0, 0);         /* nothing to do */
    ir_exit_tb(b, IR_EXIT_NORMAL);
    OPT_CHECK(b,
              " mov_i64 x2, x1\n"
              " mov_i64 x3, x1\n"
              " movi_i64 x0, $0x0\n"
              " exit_tb $0x0\n");
}

UNITTEST(opt_dead_code_and_stores)
{
    IrBuilder *b = opt_builder();
    IrVal t = ir_new_temp(b, IR_I64), u = ir_new_temp(b, IR_I64);
    ir_shl_imm(b, t, x1, 3);         /* dead: u never used */
    ir_add(b, u, t, x2);
    ir_movi(b, x0, 1);               /* overwritten before any read: dead */
    ir_movi(b, x0, 2);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    OPT_CHECK(b,
              " movi_i64 x0, $0x2\n"
              " exit_tb $0x0\n");
}

UNITTEST(opt_keeps_globals_before_faulting_ops)
{
    /* x0 = 1 must stay: the load may fault and the guest sees x0 */
    IrBuilder *b = opt_builder();
    ir_movi(b, x0, 1);
    ir_guest_ld(b, x2, x1, MO_UQ, 0);
    ir_movi(b, x0, 2);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    OPT_CHECK(b,
              " movi_i64 x0, $0x1\n"
              " guest_ld_i64 x2, x1, mo=uq, mmu=0\n"
              " movi_i64 x0, $0x2\n"
              " exit_tb $0x0\n");
}

UNITTEST(opt_branch_folding)
{
    IrBuilder *b = opt_builder();
    IrVal t = ir_new_temp(b, IR_I64);
    IrLabel skip = ir_new_label(b), never = ir_new_label(b);
    ir_movi(b, t, 5);
    ir_brcond_imm(b, IR_COND_EQ, t, 4, never);   /* never taken: deleted */
    ir_brcond_imm(b, IR_COND_GT, t, 4, skip);    /* always: becomes br */
    ir_movi(b, x0, 1);                           /* unreachable */
    ir_set_label(b, never);                      /* no branch left: unreachable */
    ir_movi(b, x1, 1);
    ir_set_label(b, skip);
    ir_setcond(b, IR_COND_LTU, x2, x3, x3);      /* x < x: 0 */
    ir_exit_tb(b, IR_EXIT_NORMAL);
    /* t0 stays: TB temps are conservatively live at branches */
    OPT_CHECK(b,
              " movi_i64 t0, $0x5\n"
              " br L0\n"
              " set_label L0\n"
              " movi_i64 x2, $0x0\n"
              " exit_tb $0x0\n");
}

UNITTEST(opt_forgets_at_labels)
{
    /* a value known before a label is unknown after it (another path) */
    IrBuilder *b = opt_builder();
    IrVal t = ir_new_temp(b, IR_I64);
    IrLabel l = ir_new_label(b);
    ir_movi(b, t, 1);
    ir_brcond_imm(b, IR_COND_EQ, x1, 0, l);
    ir_movi(b, t, 2);
    ir_set_label(b, l);
    ir_add_imm(b, x0, t, 1);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    OPT_CHECK(b,
              " movi_i64 t0, $0x1\n"
              " brcond_i64 x1, $0x0, eq, L0\n"
              " movi_i64 t0, $0x2\n"
              " set_label L0\n"
              " add_i64 x0, t0, $0x1\n"
              " exit_tb $0x0\n");
}

UNITTEST(opt_copy_broken_by_write)
{
    IrBuilder *b = opt_builder();
    IrVal t = ir_new_temp(b, IR_I64);
    ir_mov(b, t, x1);
    ir_add_imm(b, x1, x1, 4);        /* t keeps the old x1 */
    ir_mov(b, x2, t);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    OPT_CHECK(b,
              " mov_i64 t0, x1\n"
              " add_i64 x1, x1, $0x4\n"
              " mov_i64 x2, t0\n"
              " exit_tb $0x0\n");
}

/* Optimize b and compare, keeping b (for the next block). */
static void opt_check_keep(IrBuilder *b, const char *want, const char *file, int line)
{
    ir_optimize(b);
    char *got = ir_print_to_string(b);
    if (strcmp(got, want) != 0) {
        unittest_fail(file, line, "optimized IR differs:\n--- got\n%s--- want\n%s", got, want);
    }
    free(got);
}

UNITTEST(opt_builder_reuse_forgets_earlier_blocks)
{
    /* The optimizer keeps its scratch in the builder between blocks (as
     * tb_gen_code reuses one builder per vCPU): what one block knew (x1
     * constant, x2 a copy of x3) means nothing in the next. */
    IrBuilder *b = opt_builder();
    for (int round = 0; round < 3; round++) {
        ir_builder_reset(b);
        IrVal t = ir_new_temp(b, IR_I64);
        ir_movi(b, x1, 7);
        ir_mov(b, x2, x3);
        ir_add(b, t, x1, x2);
        ir_mov(b, x0, t);
        ir_exit_tb(b, IR_EXIT_NORMAL);
        opt_check_keep(b,
                       " movi_i64 x1, $0x7\n"
                       " mov_i64 x2, x3\n"
                       " add_i64 t0, x3, $0x7\n"
                       " mov_i64 x0, t0\n"
                       " exit_tb $0x0\n", __FILE__, __LINE__);

        ir_builder_reset(b);
        ir_add(b, x0, x1, x2);          /* nothing known about x1, x2 */
        ir_add_imm(b, x0, x0, 0);
        ir_exit_tb(b, IR_EXIT_NORMAL);
        opt_check_keep(b,
                       " add_i64 x0, x1, x2\n"
                       " exit_tb $0x0\n", __FILE__, __LINE__);

        /* a bigger block than any before: the scratch grows */
        ir_builder_reset(b);
        IrVal v = ir_new_temp(b, IR_I64);
        ir_mov(b, v, x1);
        for (int i = 0; i < 200 * (round + 1); i++) {
            IrVal n = ir_new_temp(b, IR_I64);
            ir_add_imm(b, n, v, 1);
            v = n;
        }
        ir_mov(b, x0, v);
        ir_exit_tb(b, IR_EXIT_NORMAL);
        ir_optimize(b);
        Error *err = NULL;
        CHECK(ir_verify(b, &err));
        error_free(err);
    }
    ir_builder_free(b);
}

#define IR_HELPER_DEFS "ir/optimize_test_helpers.def"
#include "ir/helper_gen.h"
uint64_t helper_opt_pure(void *env, uint64_t a)
{
    return a + 1;
}
void helper_opt_clobber(void *env)
{
}
#define IR_HELPER_DEFS "ir/optimize_test_helpers.def"
#define IR_HELPER_GEN_INFO
#define IR_HELPER_TABLE opt_helper_table
#include "ir/helper_gen.h"

UNITTEST(opt_calls)
{
    IrBuilder *b = opt_builder();
    IrVal t = ir_new_temp(b, IR_I64), dead = ir_new_temp(b, IR_I64);
    ir_call(b, HELPER(opt_pure), dead, x1);      /* pure, unused: deleted */
    ir_movi(b, x0, 3);
    ir_call0(b, HELPER(opt_clobber), IR_VAL_NONE); /* may write globals */
    ir_mov(b, t, x0);
    ir_add_imm(b, x1, t, 1);                     /* x0 not known to be 3; t dead */
    ir_exit_tb(b, IR_EXIT_NORMAL);
    OPT_CHECK(b,
              " movi_i64 x0, $0x3\n"
              " call opt_clobber\n"
              " add_i64 x1, x0, $0x1\n"
              " exit_tb $0x0\n");
}

UNITTEST(liveness_marks_last_uses)
{
    IrBuilder *b = opt_builder();
    IrVal t = ir_new_temp(b, IR_I64);
    ir_add(b, t, x1, x2);
    ir_guest_st(b, t, x3, MO_UQ, 0);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    ir_liveness(b);
    /* add: t is read later (not dead), x1/x2 are globals: live at the end */
    CHECK_INT(ir_op_at(b, 0)->life, 0);
    /* guest_st: t dies here (bit 0); x3 is a global, live */
    CHECK_INT(ir_op_at(b, 1)->life, 1);
    ir_builder_free(b);
}

/* ---- golden tests as text: IR in -> optimized IR out ---------------------- */

static const IrHelperInfo *const opt_helpers[] = { HELPER(opt_pure), HELPER(opt_clobber) };

static void golden(const char *in, const char *want, const char *file, int line)
{
    IrBuilder *b = opt_builder();
    Error *err = NULL;
    if (!ir_parse(b, in, opt_helpers, 2, &err)) {
        unittest_fail(file, line, "parse: %s", error_get_pretty(err));
        error_free(err);
        ir_builder_free(b);
        return;
    }
    opt_check(b, want, file, line);
}
#define GOLDEN(in, want) golden(in, want, __FILE__, __LINE__)

UNITTEST(golden_i32_folding_wraps)
{
    GOLDEN(" movi_i32 w0, $0xffffffff\n"
           " add_i32 w0, w0, $0x2\n"
           " shl_i32 w0, w0, $0x21\n"          /* count mod 32: << 1 */
           " exit_tb $0x0\n",
           " movi_i32 w0, $0x2\n"
           " exit_tb $0x0\n");
}

UNITTEST(golden_fp_conversions_fold)
{
    /* -2.75 truncates to -2; 0.1 rounds to binary32 0x3dcccccd; 1.5f is
     * 1.5; a binary32 NaN is cvt_f32_f64's miss */
    GOLDEN(" movi_i64 t0, $0xc006000000000000\n"
           " cvtt_f64_s64_i64 x0, t0\n"
           " movi_i64 t1, $0x3fb999999999999a\n"
           " cvt_f64_f32_i64 x1, t1\n"
           " movi_i64 t2, $0x3fc00000\n"
           " cvt_f32_f64_i64 x2, t2\n"
           " movi_i64 t3, $0x7fc00000\n"
           " cvt_f32_f64_i64 x3, t3\n"
           " exit_tb $0x0\n",
           " movi_i64 x0, $0xfffffffffffffffe\n"
           " movi_i64 x1, $0x3dcccccd\n"
           " movi_i64 x2, $0x3ff8000000000000\n"
           " movi_i64 x3, $0xffffffffffffffff\n"
           " exit_tb $0x0\n");
    /* 2^63 and a binary32 NaN are out of cvtt's range: INT64_MIN; a
     * binary32 result too large is cvt_f64_f32's miss, 0 */
    GOLDEN(" movi_i64 t0, $0x43e0000000000000\n"
           " cvtt_f64_s64_i64 x0, t0\n"
           " movi_i64 t1, $0x7fc00000\n"
           " cvtt_f32_s64_i64 x1, t1\n"
           " movi_i64 t2, $0x47f0000000000000\n"
           " cvt_f64_f32_i64 x2, t2\n"
           " exit_tb $0x0\n",
           " movi_i64 x0, $0x8000000000000000\n"
           " movi_i64 x1, $0x8000000000000000\n"
           " movi_i64 x2, $0x0\n"
           " exit_tb $0x0\n");
}

UNITTEST(golden_fminmax_folds)
{
    /* min(+0, -0) is -0, max is +0; min(1, 2) is 1; a NaN operand misses */
    GOLDEN(" movi_i64 t0, $0x0\n"
           " movi_i64 t1, $0x8000000000000000\n"
           " fminmax_f64_i64 x0, t0, t1, $0x0\n"
           " fminmax_f64_i64 x1, t0, t1, $0x1\n"
           " movi_i64 t2, $0x3f800000\n"
           " movi_i64 t3, $0x40000000\n"
           " fminmax_f32_i64 x2, t3, t2, $0x0\n"
           " movi_i64 t3, $0x7fc00000\n"
           " fminmax_f32_i64 x3, t3, t2, $0x1\n"
           " exit_tb $0x0\n",
           " movi_i64 x0, $0x8000000000000000\n"
           " movi_i64 x1, $0x0\n"
           " movi_i64 x2, $0x3f800000\n"
           " movi_i64 x3, $0xffffffff\n"
           " exit_tb $0x0\n");
}

UNITTEST(golden_conversions_fold)
{
    GOLDEN(" movi_i64 t0, $0x1234567880000000\n"
           " extrl_i64_i32 e1, t0\n"
           " exts_i32_i64 x0, e1\n"
           " extrh_i64_i32 w0, t0\n"
           " exit_tb $0x0\n",
           " movi_i64 x0, $0xffffffff80000000\n"
           " movi_i32 w0, $0x12345678\n"
           " exit_tb $0x0\n");
}

UNITTEST(golden_movcond_and_setcond)
{
    GOLDEN(" movcond_i64 x0, x1, x1, x2, x3, eq\n"    /* always true: x2 */
           " movcond_i64 x1, x2, x3, x0, x0, lt\n"    /* equal arms */
           " setcond_i64 x3, $0x5, $0x7, ltu\n"
           " exit_tb $0x0\n",
           " mov_i64 x0, x2\n"
           " mov_i64 x1, x2\n"
           " movi_i64 x3, $0x1\n"
           " exit_tb $0x0\n");
}

/* The binary64/32 fast paths fold with the interpreter's semantics: in
 * their domain the rounded result, else 0 (1/0, 0*x, a tiny product), and
 * fcmp's 2 for a NaN; a fast op on non-constants stays. */
UNITTEST(golden_fp_fast_paths_fold)
{
    GOLDEN(" fadd_f64_i64 x0, $0x3ff0000000000000, $0x4000000000000000\n"  /* 1 + 2 */
           " fdiv_f64_i64 x1, $0x3ff0000000000000, $0x0\n"                 /* 1 / 0 */
           " fma_f64_i64 x2, $0x3ff0000000000000, $0x4000000000000000, $0x3ff0000000000000,"
           " $0x3\n"                                                        /* -(1*2) - 1 */
           " fcmp_f64_i64 x3, x1, x1, $0x2\n"                               /* 0 <= 0 */
           " exit_tb $0x0\n",
           " movi_i64 x0, $0x4008000000000000\n"
           " movi_i64 x1, $0x0\n"
           " movi_i64 x2, $0xc008000000000000\n"
           " movi_i64 x3, $0x1\n"
           " exit_tb $0x0\n");
    GOLDEN(" fmul_f64_i64 x0, $0x2000000000000000, $0x1ff0000000000000\n"  /* 2^-1023: tiny */
           " fsqrt_f32_i64 x1, $0xffffffff40800000\n"                       /* sqrt(4.0f) */
           " fcmp_f32_i64 x2, $0x7fc00000, $0x0, $0x0\n"                    /* NaN */
           " fsub_f64_i64 x3, x3, x2\n"
           " exit_tb $0x0\n",
           " movi_i64 x0, $0x0\n"
           " movi_i64 x1, $0x40000000\n"
           " movi_i64 x2, $0x2\n"
           " fsub_f64_i64 x3, x3, $0x2\n"
           " exit_tb $0x0\n");
}

UNITTEST(golden_bit_fields_and_division)
{
    GOLDEN(" extract_i64 x0, x1, 0, 64\n"
           " movi_i64 t0, $0xff\n"
           " deposit_i64 x2, $0x0, t0, 60, 4\n"
           " div_i64 x3, $0x7, $0x0\n"               /* defined: all ones */
           " divu_i64 x1, x1, $0x1\n"
           " exit_tb $0x0\n",
           " mov_i64 x0, x1\n"
           " movi_i64 x2, $0xf000000000000000\n"
           " movi_i64 x3, $0xffffffffffffffff\n"
           " exit_tb $0x0\n");
}

UNITTEST(golden_dead_branch_and_unreachable_tail)
{
    GOLDEN(" ---- 0x1000 0x0 0x0\n"
           " movi_i64 x0, $0x1\n"
           " exit_tb $0x0\n"
           " ---- 0x1004 0x0 0x0\n"
           " movi_i64 x0, $0x2\n"                     /* after the exit: gone */
           " set_label L0\n"                          /* nothing branches here */
           " exit_tb $0x1\n",
           " ---- 0x1000 0x0 0x0\n"
           " movi_i64 x0, $0x1\n"
           " exit_tb $0x0\n"
           " ---- 0x1004 0x0 0x0\n");
    /* a label still branched to makes what follows it reachable again */
    GOLDEN(" ---- 0x1000 0x0 0x0\n"
           " brcond_i64 x1, $0x0, eq, L0\n"
           " exit_tb $0x0\n"
           " movi_i64 x0, $0x2\n"
           " set_label L0\n"
           " exit_tb $0x1\n",
           " ---- 0x1000 0x0 0x0\n"
           " brcond_i64 x1, $0x0, eq, L0\n"
           " exit_tb $0x0\n"
           " set_label L0\n"
           " exit_tb $0x1\n");
}

/* A check folded away before an exit (RISC-V's misaligned-jalr test on a
 * constant target, without C): its label has no branch left, so the code
 * after it stays unreachable; it would read a temp only the deleted path
 * wrote (the verifier refuses that). */
UNITTEST(golden_label_without_branches_stays_unreachable)
{
    GOLDEN(" ---- 0x1000 0x0 0x0\n"
           " movi_i64 t0, $0x6\n"
           " brcond_i64 t0, $0x2, tsteq, L0\n"
           " exit_tb $0x3\n"
           " set_label L0\n"
           " mov_i64 x0, t0\n"
           " exit_tb $0x0\n",
           " ---- 0x1000 0x0 0x0\n"
           " exit_tb $0x3\n");
}

UNITTEST(golden_memory_env_and_calls_roundtrip)
{
    /* nothing to optimize: the text must come back unchanged */
    const char *text =
        " ---- 0x80000000 0x3 0x0\n"
        " ld32u_i64 t0, env+0x40\n"
        " guest_ld_i32 w0, t0, mo=sl|be|al4, mmu=2\n"
        " atomic_fetch_add_i64 x0, t0, x1, mo=uq|al8, mmu=0\n"
        " atomic_cmpxchg_i64 x2, t0, x1, x3, mo=uq|al8, mmu=0\n"
        " st16_i32 w0, env+0x48\n"
        " mb $0x4f\n"
        " call opt_clobber\n"
        " guest_st_i64 x3, t0, mo=uw, mmu=1\n"
        " goto_tb $0x1\n"
        " exit_tb $0x2\n";
    GOLDEN(text, text);
}

UNITTEST(parse_rejects_bad_text)
{
    static const struct { const char *text, *needle; } bad[] = {
        { " frob_i64 x0, x1\n", "unknown op" },
        { " add_i64 x0, x1\n", "missing operands" },
        { " add_i64 x0, x1, y9\n", "unknown value" },
        { " brcond_i64 x0, x1, sometimes, L0\n", "bad condition" },
        { " guest_ld_i64 x0, x1, mo=zz, mmu=0\n", "bad memop" },
        { " call nosuch\n", "unknown helper" },
        { " mov_i64 t0, x1\n mov_i64 e0, x1\n", "TB and EBB" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        IrBuilder *b = opt_builder();
        Error *err = NULL;
        if (ir_parse(b, bad[i].text, opt_helpers, 2, &err)) {
            unittest_fail(__FILE__, __LINE__, "parsed bad text %zu", i);
        } else {
            if (!strstr(error_get_pretty(err), bad[i].needle)) {
                unittest_fail(__FILE__, __LINE__, "case %zu: \"%s\"", i, error_get_pretty(err));
            }
            error_free(err);
        }
        ir_builder_free(b);
    }
}

UNITTEST(golden_known_zero_bits)
{
    GOLDEN(" ext8u_i64 t0, x1\n"
           " and_i64 x0, t0, $0xff\n"              /* already 8 bits */
           " ext32u_i64 x2, t0\n"
           " shr_i64 t1, x1, $0x38\n"              /* top byte: 8 bits */
           " ext16u_i64 x3, t1\n"
           " guest_ld_i64 t2, x1, mo=uw, mmu=0\n"
           " extract_i64 x1, t2, 0, 16\n"
           " and_i32 w0, w0, $0xff\n"              /* unknown: stays */
           " exit_tb $0x0\n",
           " ext8u_i64 t0, x1\n"
           " mov_i64 x0, t0\n"
           " mov_i64 x2, t0\n"
           " shr_i64 t1, x1, $0x38\n"
           " mov_i64 x3, t1\n"
           " guest_ld_i64 t2, x1, mo=uw, mmu=0\n"
           " mov_i64 x1, t2\n"
           " and_i32 w0, w0, $0xff\n"
           " exit_tb $0x0\n");
}

UNITTEST(parse_print_roundtrip_keeps_temp_numbers)
{
    IrBuilder *b = opt_builder();
    IrVal t0 = ir_new_temp(b, IR_I64), e1 = ir_new_ebb_temp(b, IR_I32);
    IrVal t2 = ir_new_temp(b, IR_I64);
    ir_movi(b, t2, 7);                      /* first use: the last temp */
    ir_extrl_i64_i32(b, e1, t2);
    ir_exts_i32_i64(b, t0, e1);
    ir_add(b, x0, t0, t2);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    char *text = ir_print_to_string(b);
    IrBuilder *c = opt_builder();
    CHECK(ir_parse(c, text, opt_helpers, 2, &error_abort));
    char *again = ir_print_to_string(c);
    CHECK_STR(again, text);
    free(text);
    free(again);
    ir_builder_free(b);
    ir_builder_free(c);
}

UNITTEST(golden_known_sign_extension)
{
    /* RV64: addw = add + ext32s; sext.w of the result is a move */
    GOLDEN(" add_i64 t0, x1, x2\n"
           " ext32s_i64 t0, t0\n"
           " ext32s_i64 x0, t0\n"
           " guest_ld_i64 t1, x1, mo=sw, mmu=0\n"
           " ext32s_i64 x2, t1\n"
           " ext16s_i64 x3, t1\n"
           " ext8s_i64 x1, t1\n"                   /* narrower: stays */
           " exit_tb $0x0\n",
           " add_i64 t0, x1, x2\n"
           " ext32s_i64 t0, t0\n"
           " mov_i64 x0, t0\n"
           " guest_ld_i64 t1, x1, mo=sw, mmu=0\n"
           " mov_i64 x2, t1\n"
           " mov_i64 x3, t1\n"
           " ext8s_i64 x1, t1\n"
           " exit_tb $0x0\n");
}

UNITTEST(golden_shift_pairs_are_extensions)
{
    /* RV64 zext.w without Zba (slli 32; srli 32, interleaved with another
     * pair: the shifts left die), sext.h as slli 48; srai 48, a 44-bit
     * field */
    GOLDEN(" shl_i64 x0, x1, $0x20\n"
           " shl_i64 x3, x2, $0x20\n"
           " shr_i64 x0, x0, $0x20\n"
           " shr_i64 x3, x3, $0x20\n"
           " shl_i64 t0, x1, $0x30\n"
           " sar_i64 x1, t0, $0x30\n"
           " shl_i64 t1, x2, $0x14\n"
           " shr_i64 x2, t1, $0x14\n"
           " exit_tb $0x0\n",
           " ext32u_i64 x0, x1\n"
           " ext32u_i64 x3, x2\n"
           " ext16s_i64 x1, x1\n"
           " extract_i64 x2, x2, 0, 44\n"
           " exit_tb $0x0\n");
    /* not when the source changed in between or the counts differ */
    GOLDEN(" shl_i64 t2, x1, $0x20\n"
           " add_i64 x1, x1, $0x1\n"
           " shr_i64 x0, t2, $0x20\n"
           " shl_i64 t3, x2, $0x20\n"
           " shr_i64 x3, t3, $0x1f\n"
           " exit_tb $0x0\n",
           " shl_i64 t2, x1, $0x20\n"
           " add_i64 x1, x1, $0x1\n"
           " shr_i64 x0, t2, $0x20\n"
           " shl_i64 t3, x2, $0x20\n"
           " shr_i64 x3, t3, $0x1f\n"
           " exit_tb $0x0\n");
}

/* t0 = a 32-bit value, t1 = 1 bit, t2 = 3 bits (sign-extended), t3 =
 * body's result, sign-extended into x0 by ext: the op left writing x0 must
 * be a mov when the optimizer proves ext redundant, else ext itself. */
static void sext_case(const char *body, const char *ext, bool redundant, int line)
{
    char in[512];
    snprintf(in, sizeof in, " ext32s_i64 t0, x1\n sar_i64 t1, t0, $0x1f\n"
             " add_i64 t2, t1, $0x1\n%s %s_i64 x0, t3\n exit_tb $0x0\n", body, ext);
    IrBuilder *b = opt_builder();
    CHECK(ir_parse(b, in, opt_helpers, 2, &error_abort));
    ir_optimize(b);
    IrOpcode want = redundant ? IR_OP_mov
                              : strcmp(ext, "ext8s") == 0 ? IR_OP_ext8s : IR_OP_ext32s;
    size_t n = ir_op_count(b);
    const IrOp *last = NULL;
    for (size_t k = 0; k < n; k++) {
        const IrOp *op = ir_op_at_const(b, k);
        if (op->opc != IR_OP_nop && op->opc != IR_OP_exit_tb) {
            last = op;
        }
    }
    if (!last || last->opc != want) {
        char *got = ir_print_to_string(b);
        unittest_fail(__FILE__, line, "want %s for x0 in:\n%s", redundant ? "mov" : ext, got);
        free(got);
    }
    ir_builder_free(b);
}

UNITTEST(golden_sign_extension_through_arithmetic)
{
    /* RV64 sraiw a2, a3, 31; addiw a7, a2, 1; slliw; mulw: the ext32s
     * after each is a move while the value provably fits (t1: 1 bit, t2:
     * 3 bits); a sum of two 32-bit values, a shift by a variable count or
     * one that leaves 33 bits keeps its ext32s. */
    sext_case(" sar_i64 t3, t0, $0x1f\n", "ext32s", true, __LINE__);
    sext_case(" add_i64 t3, t2, t1\n", "ext8s", true, __LINE__);
    sext_case(" shl_i64 t3, t2, $0x1d\n", "ext32s", true, __LINE__);
    sext_case(" shl_i64 t3, t2, $0x1e\n", "ext32s", false, __LINE__);
    sext_case(" mul_i64 t3, t2, t1\n neg_i64 t3, t3\n not_i64 t3, t3\n", "ext8s", true,
              __LINE__);
    sext_case(" mul_i64 t3, t2, t0\n", "ext32s", false, __LINE__);
    sext_case(" add_i64 t3, t0, t0\n", "ext32s", false, __LINE__);
    sext_case(" sub_i64 t3, t0, $0x7fffffff\n", "ext32s", false, __LINE__);
    sext_case(" sar_i64 t3, t0, x2\n", "ext32s", false, __LINE__);
    sext_case(" sar_i64 t3, x2, $0x1f\n", "ext32s", false, __LINE__);
    sext_case(" sar_i64 t3, t2, $0x3f\n", "ext8s", true, __LINE__);
}

UNITTEST(helper_table_and_registry)
{
    CHECK_INT(opt_helper_table_count, 2);
    CHECK(opt_helper_table[0] == HELPER(opt_pure));
    CHECK(opt_helper_table[1] == HELPER(opt_clobber));
    CHECK(ir_helper_find("opt_pure") == NULL || ir_helper_find("opt_pure") == HELPER(opt_pure));
    ir_helpers_register(opt_helper_table, opt_helper_table_count);
    ir_helpers_register(opt_helper_table, opt_helper_table_count);   /* idempotent */
    CHECK(ir_helper_find("opt_clobber") == HELPER(opt_clobber));
    CHECK(ir_helper_find("no_such_helper") == NULL);
    /* the parser falls back on the registry */
    IrBuilder *b = opt_builder();
    CHECK(ir_parse(b, " call opt_clobber\n exit_tb $0x0\n", NULL, 0, &error_abort));
    CHECK_INT(ir_op_at(b, 0)->opc, IR_OP_call);
    ir_builder_free(b);
}
