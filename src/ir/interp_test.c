/*
 * Per-op tests of the interpreter, with the edge cases that differ between
 * ISAs (division by zero and overflow, shift counts, rotates by 0, clz/ctz
 * of 0, bit fields at the edges, signed/unsigned conditions).  Every case
 * runs twice: on values held in globals (executed by the interpreter) and
 * on constants (folded by the optimizer); both must give the expected
 * value, which checks execution and folding against each other.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ir/helper.h"
#include "ir/interp.h"
#include "ir/ir.h"
#include "util/unittest.h"

typedef struct FakeEnv {
    uint64_t r[4];
    uint32_t w[4];
    uint8_t bytes[16];
} FakeEnv;

static IrContext *test_ctx;
static IrVal g64[4], g32[4];

static void test_ctx_init(void)
{
    if (test_ctx) {
        return;
    }
    test_ctx = ir_context_new();
    static const char *n64[] = { "r0", "r1", "r2", "r3" }, *n32[] = { "w0", "w1", "w2", "w3" };
    for (int i = 0; i < 4; i++) {
        g64[i] = ir_global(test_ctx, IR_I64, (int32_t)offsetof(FakeEnv, r[i]), n64[i]);
        g32[i] = ir_global(test_ctx, IR_I32, (int32_t)offsetof(FakeEnv, w[i]), n32[i]);
    }
}

static uint64_t test_run(IrBuilder *b, FakeEnv *env)
{
    Error *err = NULL;
    uint32_t idx = 0;
    if (!ir_verify(b, &err)) {
        unittest_fail(__FILE__, __LINE__, "verify: %s", error_get_pretty(err));
        error_free(err);
        return 0;
    }
    IrCode *code = ir_interp_compile(b, &error_abort);
    IrRuntime rt = { 0 };
    ir_interp_run(code, env, &rt, &idx);
    ir_interp_free(code);
    return 0;
}

/* d = op(a, c [, x, y]) with constants cs; returns the result, checking the
 * folded-constant path gives the same. */
static uint64_t test_op(IrOpcode opc, IrType t, unsigned nin, const uint64_t *in,
                        const uint64_t *cs, unsigned ncs)
{
    test_ctx_init();
    IrVal *g = t == IR_I64 ? g64 : g32;
    FakeEnv env = { 0 };
    uint64_t results[2];

    for (int pass = 0; pass < 2; pass++) {
        IrBuilder *b = ir_builder_new(test_ctx);
        IrVal ins[4];
        for (unsigned k = 0; k < nin; k++) {
            if (pass == 0) {
                ins[k] = k < 3 ? g[k + 1] : ir_new_temp(b, t);
                if (k < 3) {
                    if (t == IR_I64) {
                        env.r[k + 1] = in[k];
                    } else {
                        env.w[k + 1] = (uint32_t)in[k];
                    }
                } else {
                    ir_movi(b, ins[k], in[k]);
                }
            } else {
                ins[k] = ir_const(b, t, in[k]);
            }
        }
        ir_emit(b, opc, t, &g[0], 1, ins, nin, cs, ncs);
        ir_exit_tb(b, IR_EXIT_NORMAL);
        if (pass == 1) {
            ir_optimize(b);
            /* everything folded: only a movi and the exit remain */
            size_t live_ops = 0;
            for (size_t i = 0; i < ir_op_count(b); i++) {
                live_ops += ir_op_at(b, i)->opc != IR_OP_nop;
            }
            CHECK_INT(live_ops, 2);
        }
        test_run(b, &env);
        results[pass] = t == IR_I64 ? env.r[0] : env.w[0];
        ir_builder_free(b);
    }
    if (results[0] != results[1]) {
        unittest_fail(__FILE__, __LINE__, "%s: interpreted 0x%llx, folded 0x%llx",
                      ir_op_defs[opc].name, (unsigned long long)results[0],
                      (unsigned long long)results[1]);
    }
    return results[0];
}

static uint64_t op2(IrOpcode opc, IrType t, uint64_t a, uint64_t c)
{
    uint64_t in[2] = { a, c };
    return test_op(opc, t, 2, in, NULL, 0);
}

static uint64_t op1(IrOpcode opc, IrType t, uint64_t a)
{
    return test_op(opc, t, 1, &a, NULL, 0);
}

UNITTEST(interp_arith)
{
    CHECK_U64(op2(IR_OP_add, IR_I64, 5, 7), 12);
    CHECK_U64(op2(IR_OP_add, IR_I32, 0xffffffff, 2), 1);
    CHECK_U64(op2(IR_OP_sub, IR_I32, 1, 2), 0xffffffff);
    CHECK_U64(op1(IR_OP_neg, IR_I64, 1), ~0ull);
    CHECK_U64(op2(IR_OP_mul, IR_I64, 0x100000000ull, 0x100000000ull), 0);
    CHECK_U64(op2(IR_OP_mulsh, IR_I64, (uint64_t)-2, 3), ~0ull);
    CHECK_U64(op2(IR_OP_muluh, IR_I64, ~0ull, ~0ull), 0xfffffffffffffffeull);
    CHECK_U64(op2(IR_OP_mulsh, IR_I32, 0x80000000u, 0x80000000u), 0x40000000u);
    CHECK_U64(op2(IR_OP_muluh, IR_I32, 0xffffffffu, 2), 1);
}

UNITTEST(interp_division_edges)
{
    /* by zero: quotient all ones, remainder the dividend */
    CHECK_U64(op2(IR_OP_div, IR_I64, 7, 0), ~0ull);
    CHECK_U64(op2(IR_OP_divu, IR_I64, 7, 0), ~0ull);
    CHECK_U64(op2(IR_OP_rem, IR_I64, 7, 0), 7);
    CHECK_U64(op2(IR_OP_remu, IR_I64, 7, 0), 7);
    CHECK_U64(op2(IR_OP_div, IR_I32, 7, 0), 0xffffffffu);
    CHECK_U64(op2(IR_OP_rem, IR_I32, 0x80000000u, 0), 0x80000000u);
    /* overflow: INT_MIN / -1 */
    CHECK_U64(op2(IR_OP_div, IR_I64, 1ull << 63, ~0ull), 1ull << 63);
    CHECK_U64(op2(IR_OP_rem, IR_I64, 1ull << 63, ~0ull), 0);
    CHECK_U64(op2(IR_OP_div, IR_I32, 0x80000000u, 0xffffffffu), 0x80000000u);
    CHECK_U64(op2(IR_OP_rem, IR_I32, 0x80000000u, 0xffffffffu), 0);
    /* signs */
    CHECK_U64(op2(IR_OP_div, IR_I64, (uint64_t)-7, 2), (uint64_t)-3);
    CHECK_U64(op2(IR_OP_rem, IR_I64, (uint64_t)-7, 2), (uint64_t)-1);
    CHECK_U64(op2(IR_OP_divu, IR_I32, 0xfffffff9u, 2), 0x7ffffffcu);
    CHECK_U64(op2(IR_OP_remu, IR_I64, 10, 3), 1);
}

UNITTEST(interp_shifts_and_rotates)
{
    CHECK_U64(op2(IR_OP_shl, IR_I64, 1, 63), 1ull << 63);
    CHECK_U64(op2(IR_OP_shl, IR_I64, 1, 64), 1);          /* count mod 64 */
    CHECK_U64(op2(IR_OP_shl, IR_I32, 1, 33), 2);          /* count mod 32 */
    CHECK_U64(op2(IR_OP_shr, IR_I32, 0x80000000u, 31), 1);
    CHECK_U64(op2(IR_OP_sar, IR_I32, 0x80000000u, 31), 0xffffffffu);
    CHECK_U64(op2(IR_OP_sar, IR_I64, 1ull << 63, 63), ~0ull);
    CHECK_U64(op2(IR_OP_rotl, IR_I64, 0x8000000000000001ull, 1), 3);
    CHECK_U64(op2(IR_OP_rotl, IR_I32, 0x80000001u, 0), 0x80000001u);
    CHECK_U64(op2(IR_OP_rotr, IR_I32, 1, 1), 0x80000000u);
    CHECK_U64(op2(IR_OP_rotr, IR_I64, 1, 64), 1);
}

UNITTEST(interp_logic)
{
    CHECK_U64(op2(IR_OP_andc, IR_I64, 0xff, 0x0f), 0xf0);
    CHECK_U64(op2(IR_OP_orc, IR_I32, 0, 0xfffffff0u), 0xf);
    CHECK_U64(op2(IR_OP_eqv, IR_I32, 0xf0f0f0f0u, 0xf0f0f0f0u), 0xffffffffu);
    CHECK_U64(op2(IR_OP_nand, IR_I64, ~0ull, ~0ull), 0);
    CHECK_U64(op2(IR_OP_nor, IR_I32, 0, 0), 0xffffffffu);
    CHECK_U64(op1(IR_OP_not, IR_I32, 0), 0xffffffffu);
}

UNITTEST(interp_bit_counts_and_swaps)
{
    CHECK_U64(op2(IR_OP_clz, IR_I64, 0, 64), 64);
    CHECK_U64(op2(IR_OP_clz, IR_I64, 1, 64), 63);
    CHECK_U64(op2(IR_OP_clz, IR_I32, 1, 32), 31);
    CHECK_U64(op2(IR_OP_clz, IR_I32, 0, 99), 99);
    CHECK_U64(op2(IR_OP_ctz, IR_I64, 0, 64), 64);
    CHECK_U64(op2(IR_OP_ctz, IR_I32, 0x80000000u, 32), 31);
    CHECK_U64(op1(IR_OP_ctpop, IR_I64, ~0ull), 64);
    CHECK_U64(op1(IR_OP_ctpop, IR_I32, 0xf000000f), 8);
    CHECK_U64(op1(IR_OP_bswap16, IR_I64, 0xaabbccddull), 0xddcc);
    CHECK_U64(op1(IR_OP_bswap32, IR_I64, 0x1122334455667788ull), 0x88776655);
    CHECK_U64(op1(IR_OP_bswap64, IR_I64, 0x1122334455667788ull), 0x8877665544332211ull);
    CHECK_U64(op1(IR_OP_bswap32, IR_I32, 0x11223344), 0x44332211);
}

UNITTEST(interp_extensions)
{
    CHECK_U64(op1(IR_OP_ext8s, IR_I64, 0x80), 0xffffffffffffff80ull);
    CHECK_U64(op1(IR_OP_ext8s, IR_I32, 0x80), 0xffffff80u);
    CHECK_U64(op1(IR_OP_ext8u, IR_I64, 0x1ff), 0xff);
    CHECK_U64(op1(IR_OP_ext16s, IR_I64, 0x8000), 0xffffffffffff8000ull);
    CHECK_U64(op1(IR_OP_ext16u, IR_I32, 0x18000), 0x8000);
    CHECK_U64(op1(IR_OP_ext32s, IR_I64, 0x80000000u), 0xffffffff80000000ull);
    CHECK_U64(op1(IR_OP_ext32u, IR_I64, ~0ull), 0xffffffffu);
}

UNITTEST(interp_conversions)
{
    test_ctx_init();
    IrBuilder *b = ir_builder_new(test_ctx);
    FakeEnv env = { .r = { 0, 0x1122334480000000ull }, .w = { 0, 0x80000001u } };
    ir_extrl_i64_i32(b, g32[0], g64[1]);
    ir_extrh_i64_i32(b, g32[2], g64[1]);
    ir_exts_i32_i64(b, g64[0], g32[1]);
    ir_extu_i32_i64(b, g64[2], g32[1]);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    test_run(b, &env);
    CHECK_U64(env.w[0], 0x80000000u);
    CHECK_U64(env.w[2], 0x11223344u);
    CHECK_U64(env.r[0], 0xffffffff80000001ull);
    CHECK_U64(env.r[2], 0x80000001u);
    ir_builder_free(b);
}

UNITTEST(interp_bit_fields)
{
    uint64_t in[2] = { 0xffffffffffffffffull, 0 };
    uint64_t cs[2] = { 4, 8 };
    CHECK_U64(test_op(IR_OP_deposit, IR_I64, 2, in, cs, 2), 0xfffffffffffff00full);
    uint64_t cs_full[2] = { 0, 64 };
    uint64_t in2[2] = { 1, 0x1234 };
    CHECK_U64(test_op(IR_OP_deposit, IR_I64, 2, in2, cs_full, 2), 0x1234);
    uint64_t cs_top[2] = { 31, 1 };
    uint64_t in3[2] = { 0, 1 };
    CHECK_U64(test_op(IR_OP_deposit, IR_I32, 2, in3, cs_top, 2), 0x80000000u);

    uint64_t x = 0x8765432112345678ull;
    uint64_t e1[2] = { 60, 4 };
    CHECK_U64(test_op(IR_OP_extract, IR_I64, 1, &x, e1, 2), 0x8);
    CHECK_U64(test_op(IR_OP_sextract, IR_I64, 1, &x, e1, 2), 0xfffffffffffffff8ull);
    uint64_t e2[2] = { 0, 64 };
    CHECK_U64(test_op(IR_OP_sextract, IR_I64, 1, &x, e2, 2), x);
    uint64_t y = 0x00008000;
    uint64_t e3[2] = { 8, 8 };
    CHECK_U64(test_op(IR_OP_sextract, IR_I32, 1, &y, e3, 2), 0xffffff80u);
    CHECK_U64(test_op(IR_OP_extract, IR_I32, 1, &y, e3, 2), 0x80u);
}

UNITTEST(interp_setcond_movcond)
{
    struct { IrCond c; IrType t; uint64_t a, b, want; } cases[] = {
        { IR_COND_LT, IR_I64, (uint64_t)-1, 0, 1 },
        { IR_COND_LTU, IR_I64, (uint64_t)-1, 0, 0 },
        { IR_COND_LT, IR_I32, 0xffffffffu, 0, 1 },
        { IR_COND_LTU, IR_I32, 0xffffffffu, 0, 0 },
        { IR_COND_GE, IR_I32, 0x7fffffffu, 0x80000000u, 1 },
        { IR_COND_GEU, IR_I32, 0x7fffffffu, 0x80000000u, 0 },
        { IR_COND_EQ, IR_I64, 3, 3, 1 },
        { IR_COND_NE, IR_I64, 3, 3, 0 },
        { IR_COND_LE, IR_I64, 3, 3, 1 },
        { IR_COND_GT, IR_I64, 3, 3, 0 },
        { IR_COND_GTU, IR_I64, (uint64_t)-1, 3, 1 },
        { IR_COND_LEU, IR_I64, (uint64_t)-1, 3, 0 },
        { IR_COND_TSTEQ, IR_I64, 0xf0, 0x0f, 1 },
        { IR_COND_TSTNE, IR_I64, 0xf0, 0x1f, 1 },
        { IR_COND_ALWAYS, IR_I64, 0, 1, 1 },
        { IR_COND_NEVER, IR_I64, 0, 0, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t in[2] = { cases[i].a, cases[i].b };
        uint64_t cs = cases[i].c;
        uint64_t got = test_op(IR_OP_setcond, cases[i].t, 2, in, &cs, 1);
        if (got != cases[i].want) {
            unittest_fail(__FILE__, __LINE__, "setcond case %zu: got %llu", i,
                          (unsigned long long)got);
        }
        uint64_t in4[4] = { cases[i].a, cases[i].b, 111, 222 };
        got = test_op(IR_OP_movcond, cases[i].t, 4, in4, &cs, 1);
        if (got != (cases[i].want ? 111u : 222u)) {
            unittest_fail(__FILE__, __LINE__, "movcond case %zu: got %llu", i,
                          (unsigned long long)got);
        }
    }
}

UNITTEST(interp_mul2)
{
    test_ctx_init();
    IrBuilder *b = ir_builder_new(test_ctx);
    FakeEnv env = { .r = { 0, ~0ull, 2, 0 }, .w = { 0, 0xffffffffu, 0xffffffffu, 0 } };
    ir_mulu2(b, g64[0], g64[3], g64[1], g64[2]);
    ir_muls2(b, g32[0], g32[3], g32[1], g32[2]);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    test_run(b, &env);
    CHECK_U64(env.r[0], 0xfffffffffffffffeull);
    CHECK_U64(env.r[3], 1);
    CHECK_U64(env.w[0], 1);             /* -1 * -1 = 1 */
    CHECK_U64(env.w[3], 0);
    ir_builder_free(b);
}

UNITTEST(interp_branches_loop_and_env)
{
    /* r0 = sum of 1..r1 with a backward branch; env loads/stores */
    test_ctx_init();
    IrBuilder *b = ir_builder_new(test_ctx);
    FakeEnv env = { .r = { 0, 10 } };
    env.bytes[3] = 0x80;
    IrLabel loop = ir_new_label(b), done = ir_new_label(b);
    IrVal i = ir_new_temp(b, IR_I64), t = ir_new_temp(b, IR_I64);
    ir_movi(b, g64[0], 0);
    ir_mov(b, i, g64[1]);
    ir_set_label(b, loop);
    ir_brcond_imm(b, IR_COND_EQ, i, 0, done);
    ir_add(b, g64[0], g64[0], i);
    ir_sub_imm(b, i, i, 1);
    ir_br(b, loop);
    ir_set_label(b, done);
    ir_ld8s(b, t, (int32_t)offsetof(FakeEnv, bytes[3]));
    ir_st64(b, t, (int32_t)offsetof(FakeEnv, r[2]));
    ir_ld8u(b, g32[0], (int32_t)offsetof(FakeEnv, bytes[3]));
    ir_st16(b, g32[0], (int32_t)offsetof(FakeEnv, bytes[8]));
    ir_exit_tb(b, IR_EXIT_SLOT1);
    Error *err = NULL;
    CHECK(ir_verify(b, &err));
    ir_optimize(b);
    CHECK(ir_verify(b, &err));
    IrCode *code = ir_interp_compile(b, &error_abort);
    uint32_t idx = 0;
    IrRuntime rt = { 0 };
    CHECK_INT(ir_interp_run(code, &env, &rt, &idx), IR_EXIT_SLOT1);
    CHECK_U64(env.r[0], 55);
    CHECK_U64(env.r[2], 0xffffffffffffff80ull);
    CHECK_U64(env.w[0], 0x80);
    CHECK_U64(env.bytes[8], 0x80);
    CHECK_U64(env.bytes[9], 0);
    ir_interp_free(code);
    ir_builder_free(b);
}

/* helpers through the thunk table, and guest memory through the runtime */
#define IR_HELPER_DEFS "ir/interp_test_helpers.def"
#include "ir/helper_gen.h"

uint64_t helper_test_mix(void *env, uint32_t a, uint64_t b)
{
    return ((FakeEnv *)env)->r[3] + a * 1000 + b;
}

uint32_t helper_test_ret32(void *env)
{
    return 0xdeadbeef;
}

/* call_miss's helper: counts its calls in bytes[15] (CPU state that is
 * not a global, as the FP helpers' fflags) */
uint64_t helper_test_miss(void *env, uint64_t a, uint32_t b)
{
    ((FakeEnv *)env)->bytes[15]++;
    return a * 10 + b;
}

/* the same signature, but flagged as one that may read globals and raise */
uint64_t helper_test_miss_raises(void *env, uint64_t a, uint32_t b)
{
    return a;
}

#define IR_HELPER_DEFS "ir/interp_test_helpers.def"
#define IR_HELPER_GEN_INFO
#include "ir/helper_gen.h"

static uint8_t test_mem[64];

static uint64_t test_guest_ld(void *env, uint64_t addr, MemOp mop, unsigned mmu_idx)
{
    uint64_t v = 0;
    memcpy(&v, &test_mem[addr], memop_size(mop));
    if (mop & MO_SIGN) {
        unsigned sh = 64 - 8 * memop_size(mop);
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v + mmu_idx * 0;
}

static void test_guest_st(void *env, uint64_t addr, uint64_t val, MemOp mop, unsigned mmu_idx)
{
    memcpy(&test_mem[addr], &val, memop_size(mop));
}

UNITTEST(interp_calls_and_guest_memory)
{
    test_ctx_init();
    IrBuilder *b = ir_builder_new(test_ctx);
    FakeEnv env = { .r = { 0, 0, 0, 5 }, .w = { 0, 7 } };
    memset(test_mem, 0, sizeof(test_mem));
    test_mem[8] = 0xfe;
    IrVal a = ir_new_temp(b, IR_I64);
    ir_insn_start(b, 0x1000, 0, 0);
    ir_call(b, HELPER(test_mix), g64[0], g32[1], ir_const(b, IR_I64, 3));
    ir_call0(b, HELPER(test_ret32), g32[2]);
    ir_insn_start(b, 0x1004, 0, 0);
    ir_movi(b, a, 8);
    ir_guest_ld(b, g64[1], a, MO_SB, 1);
    ir_guest_ld(b, g32[3], a, MO_UB, 1);
    ir_add_imm(b, a, a, 8);
    ir_guest_st(b, g64[0], a, MO_UW, 1);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    CHECK(ir_verify(b, &error_abort));
    ir_optimize(b);
    CHECK(ir_verify(b, &error_abort));
    IrCode *code = ir_interp_compile(b, &error_abort);
    IrRuntime rt = { .guest_ld = test_guest_ld, .guest_st = test_guest_st };
    uint32_t idx = 99;
    ir_interp_run(code, &env, &rt, &idx);
    CHECK_U64(env.r[0], 7008);
    CHECK_U64(env.w[2], 0xdeadbeef);
    CHECK_U64(env.r[1], 0xfffffffffffffffeull);
    CHECK_U64(env.w[3], 0xfe);
    CHECK_U64(test_mem[16] | test_mem[17] << 8, 7008);
    CHECK_U64(idx, 1);
    CHECK_INT(ir_interp_insn_count(code), 2);
    ir_interp_free(code);
    ir_builder_free(b);
}

/* call_miss: the fast value unless it is the miss value, else the helper
 * (called then only); printed and parsed back the same; the verifier
 * rejects a helper that may touch globals or raise. */
UNITTEST(interp_call_miss)
{
    test_ctx_init();
    static const struct { uint64_t fast, miss, want; unsigned calls; } cases[] = {
        { 5, 0, 5, 0 }, { 0, 0, 72, 1 }, { 2, 2, 72, 1 }, { 3, 2, 3, 0 },
        { 0x8000000000000000ull, 0x8000000000000000ull, 72, 1 }, { ~0ull, 0xffffffffull, ~0ull, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        IrBuilder *b = ir_builder_new(test_ctx);
        FakeEnv env = { .r = { 0, cases[i].fast, 7 } };
        ir_call_miss(b, HELPER(test_miss), g64[0], g64[1], cases[i].miss, g64[2],
                     ir_const(b, IR_I32, 2));
        ir_exit_tb(b, IR_EXIT_NORMAL);
        CHECK(ir_verify(b, &error_abort));

        char *text = ir_print_to_string(b);
        IrBuilder *b2 = ir_builder_new(test_ctx);
        const IrHelperInfo *helpers[] = { HELPER(test_miss) };
        CHECK(ir_parse(b2, text, helpers, 1, &error_abort));
        char *again = ir_print_to_string(b2);
        CHECK(strcmp(text, again) == 0);
        free(text);
        free(again);
        ir_builder_free(b2);

        ir_optimize(b);
        IrCode *code = ir_interp_compile(b, &error_abort);
        IrRuntime rt = { 0 };
        uint32_t idx = 0;
        ir_interp_run(code, &env, &rt, &idx);
        CHECK_U64(env.r[0], cases[i].want);
        CHECK_U64(env.bytes[15], cases[i].calls);
        ir_interp_free(code);
        ir_builder_free(b);
    }

    IrBuilder *b = ir_builder_new(test_ctx);
    IrVal ins[3] = { g64[1], g64[2], g32[0] };
    uint64_t cs[2] = { (uint64_t)(uintptr_t)HELPER(test_miss_raises), 0 };
    ir_emit(b, IR_OP_call_miss, IR_I64, &g64[0], 1, ins, 3, cs, 2);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    Error *err = NULL;
    CHECK(!ir_verify(b, &err));
    error_free(err);
    ir_builder_free(b);
}
