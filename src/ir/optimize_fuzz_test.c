/*
 * Differential test of the optimizer: random blocks of pure ops (both
 * widths, constants chosen to hit identities and edge cases, forward
 * branches, copies through temps), run by the interpreter before and after
 * ir_optimize on the same random state.  Any difference in the final state
 * is an optimizer (or liveness) bug; the failing block is printed.
 * Deterministic: a fixed seed.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ir/interp.h"
#include "ir/ir.h"
#include "util/unittest.h"

#define FZ_G64 6
#define FZ_G32 4

typedef struct FuzzEnv {
    uint64_t g64[FZ_G64];
    uint32_t g32[FZ_G32];
} FuzzEnv;

static uint64_t fz_state = 0x9e3779b97f4a7c15ull;

static uint64_t fz_rand(void)
{
    fz_state ^= fz_state << 13;
    fz_state ^= fz_state >> 7;
    fz_state ^= fz_state << 17;
    return fz_state;
}

static uint64_t fz_interesting(void)
{
    static const uint64_t vals[] = { 0, 1, 2, 3, 31, 32, 33, 63, 64, 0xff, 0xffff, 0x7fffffff,
                                     0x80000000, 0xffffffff, 0x8000000000000000ull, ~0ull,
                                     ~1ull, 0x100000000ull };
    return fz_rand() % 3 ? vals[fz_rand() % (sizeof(vals) / sizeof(vals[0]))] : fz_rand();
}

typedef struct FuzzBlock {
    IrVal t64[4], t32[3];
    bool t64_set[4], t32_set[3];
    bool *pending[2];       /* marked written once the op is emitted */
} FuzzBlock;

static IrContext *fz_ctx;
static IrVal fz_g64[FZ_G64], fz_g32[FZ_G32];

/* A readable value of type t: a global, a written temp or a constant. */
static IrVal fz_src(IrBuilder *b, FuzzBlock *f, IrType t)
{
    unsigned r = fz_rand() % 10;
    if (r < 2) {
        return ir_const(b, t, fz_interesting());
    }
    if (r < 5) {
        unsigned n = t == IR_I64 ? 4 : 3;
        unsigned i = fz_rand() % n;
        if (t == IR_I64 ? f->t64_set[i] : f->t32_set[i]) {
            return t == IR_I64 ? f->t64[i] : f->t32[i];
        }
    }
    return t == IR_I64 ? fz_g64[fz_rand() % FZ_G64] : fz_g32[fz_rand() % FZ_G32];
}

static IrVal fz_dst(FuzzBlock *f, IrType t, bool in_branch)
{
    unsigned n = t == IR_I64 ? 4 : 3;
    if (!in_branch && fz_rand() % 2) {
        /* temps are only written outside the skipped regions, so every
         * read of a temp is preceded by a write on all paths */
        unsigned i = fz_rand() % n;
        bool **slot = f->pending[0] ? &f->pending[1] : &f->pending[0];
        *slot = t == IR_I64 ? &f->t64_set[i] : &f->t32_set[i];
        return t == IR_I64 ? f->t64[i] : f->t32[i];
    }
    return t == IR_I64 ? fz_g64[fz_rand() % FZ_G64] : fz_g32[fz_rand() % FZ_G32];
}

static void fz_emit_op(IrBuilder *b, FuzzBlock *f, bool in_branch)
{
    static const IrOpcode binops[] = {
        IR_OP_add, IR_OP_sub, IR_OP_mul, IR_OP_mulsh, IR_OP_muluh, IR_OP_div, IR_OP_divu,
        IR_OP_rem, IR_OP_remu, IR_OP_and, IR_OP_or, IR_OP_xor, IR_OP_andc, IR_OP_orc,
        IR_OP_eqv, IR_OP_nand, IR_OP_nor, IR_OP_shl, IR_OP_shr, IR_OP_sar, IR_OP_rotl,
        IR_OP_rotr, IR_OP_clz, IR_OP_ctz,
    };
    static const IrOpcode unops[] = {
        IR_OP_mov, IR_OP_neg, IR_OP_not, IR_OP_ctpop, IR_OP_bswap16, IR_OP_bswap32,
        IR_OP_ext8s, IR_OP_ext8u, IR_OP_ext16s, IR_OP_ext16u,
    };
    IrType t = fz_rand() % 3 ? IR_I64 : IR_I32;
    unsigned width = t == IR_I64 ? 64 : 32;
    unsigned kind = fz_rand() % 12;
    IrVal d = fz_dst(f, t, in_branch);
    if (kind < 5) {
        IrOpcode opc = binops[fz_rand() % (sizeof(binops) / sizeof(binops[0]))];
        IrVal ins[2] = { fz_src(b, f, t), fz_src(b, f, t) };
        if (fz_rand() % 4 == 0) {
            ins[1] = ins[0];            /* x op x identities */
        }
        if (fz_rand() % 3 == 0) {
            /* the frontends' "op e; mov d, e", e read again after d was
             * perhaps overwritten */
            IrVal e = ir_new_ebb_temp(b, t);
            ir_emit(b, opc, t, &e, 1, ins, 2, NULL, 0);
            ir_mov(b, d, e);
            if (fz_rand() % 2) {
                ir_movi(b, d, fz_interesting());
            }
            IrVal g = t == IR_I64 ? fz_g64[fz_rand() % FZ_G64] : fz_g32[fz_rand() % FZ_G32];
            ir_add(b, g, e, fz_src(b, f, t));
            return;
        }
        ir_emit(b, opc, t, &d, 1, ins, 2, NULL, 0);
    } else if (kind < 7) {
        IrOpcode opc = unops[fz_rand() % (sizeof(unops) / sizeof(unops[0]))];
        if (t == IR_I64 && fz_rand() % 3 == 0) {
            opc = fz_rand() % 2 ? IR_OP_ext32s : IR_OP_ext32u;
        }
        IrVal a = fz_src(b, f, t);
        ir_emit(b, opc, t, &d, 1, &a, 1, NULL, 0);
    } else if (kind == 7) {
        unsigned pos = fz_rand() % width, len = 1 + fz_rand() % (width - pos);
        IrVal a = fz_src(b, f, t);
        if (fz_rand() % 3 == 0) {
            pos = 0;
        }
        len = 1 + fz_rand() % (width - pos);
        switch (fz_rand() % 3) {
        case 0: ir_extract(b, d, a, pos, len); break;
        case 1: ir_sextract(b, d, a, pos, len); break;
        default: ir_deposit(b, d, a, fz_src(b, f, t), pos, len); break;
        }
    } else if (kind == 8) {
        ir_setcond(b, (IrCond)(fz_rand() % IR_COND_COUNT), d, fz_src(b, f, t), fz_src(b, f, t));
    } else if (kind == 9) {
        ir_movcond(b, (IrCond)(fz_rand() % IR_COND_COUNT), d, fz_src(b, f, t), fz_src(b, f, t),
                   fz_src(b, f, t), fz_src(b, f, t));
    } else if (kind == 10) {
        /* conversions between the widths */
        if (t == IR_I64) {
            IrVal a = fz_src(b, f, IR_I32);
            if (fz_rand() % 2) {
                ir_extu_i32_i64(b, d, a);
            } else {
                ir_exts_i32_i64(b, d, a);
            }
        } else {
            IrVal a = fz_src(b, f, IR_I64);
            if (fz_rand() % 2) {
                ir_extrl_i64_i32(b, d, a);
            } else {
                ir_extrh_i64_i32(b, d, a);
            }
        }
    } else {
        /* two outputs: d is not used, forget its pending mark */
        f->pending[0] = f->pending[1] = NULL;
        IrVal lo = fz_dst(f, t, in_branch), hi = fz_dst(f, t, in_branch);
        if (lo.id == hi.id) {
            ir_movi(b, lo, fz_interesting());
            return;
        }
        IrVal a = fz_src(b, f, t), c = fz_src(b, f, t);
        if (fz_rand() % 2) {
            ir_mulu2(b, lo, hi, a, c);
        } else {
            ir_muls2(b, lo, hi, a, c);
        }
    }
}

static void fz_build(IrBuilder *b)
{
    FuzzBlock f = { 0 };
    for (int i = 0; i < 4; i++) {
        f.t64[i] = ir_new_temp(b, IR_I64);
    }
    for (int i = 0; i < 3; i++) {
        f.t32[i] = ir_new_temp(b, IR_I32);
    }
    int n = 10 + (int)(fz_rand() % 30);
    for (int i = 0; i < n; i++) {
        if (fz_rand() % 8 == 0) {
            /* a forward branch over a few ops that only write globals */
            IrLabel l = ir_new_label(b);
            IrType t = fz_rand() % 2 ? IR_I64 : IR_I32;
            ir_brcond(b, (IrCond)(fz_rand() % IR_COND_COUNT), fz_src(b, &f, t),
                      fz_src(b, &f, t), l);
            for (int k = (int)(fz_rand() % 4); k > 0; k--) {
                fz_emit_op(b, &f, true);
            }
            ir_set_label(b, l);
        } else {
            fz_emit_op(b, &f, false);
        }
        for (int k = 0; k < 2; k++) {
            if (f.pending[k]) {
                *f.pending[k] = true;
                f.pending[k] = NULL;
            }
        }
    }
    ir_exit_tb(b, IR_EXIT_NORMAL);
}

static void fz_run(IrBuilder *b, FuzzEnv *env)
{
    IrCode *code = ir_interp_compile(b, &error_abort);
    IrRuntime rt = { 0 };
    uint32_t idx = 0;
    ir_interp_run(code, env, &rt, &idx);
    ir_interp_free(code);
}

UNITTEST(optimizer_agrees_with_unoptimized_ir)
{
    fz_ctx = ir_context_new();
    for (int i = 0; i < FZ_G64; i++) {
        char name[8];
        snprintf(name, sizeof(name), "g%d", i);
        fz_g64[i] = ir_global(fz_ctx, IR_I64, (int32_t)offsetof(FuzzEnv, g64[i]), name);
    }
    for (int i = 0; i < FZ_G32; i++) {
        char name[8];
        snprintf(name, sizeof(name), "w%d", i);
        fz_g32[i] = ir_global(fz_ctx, IR_I32, (int32_t)offsetof(FuzzEnv, g32[i]), name);
    }
    int failures = 0;
    for (int iter = 0; iter < 10000 && failures < 3; iter++) {
        IrBuilder *b = ir_builder_new(fz_ctx);
        fz_build(b);
        Error *err = NULL;
        if (!ir_verify(b, &err)) {
            unittest_fail(__FILE__, __LINE__, "generator made bad IR: %s",
                          error_get_pretty(err));
            error_free(err);
            ir_builder_free(b);
            failures++;
            continue;
        }
        char *before = ir_print_to_string(b);
        FuzzEnv start, e1, e2;
        for (int i = 0; i < FZ_G64; i++) {
            start.g64[i] = fz_interesting();
        }
        for (int i = 0; i < FZ_G32; i++) {
            start.g32[i] = (uint32_t)fz_interesting();
        }
        e1 = start;
        e2 = start;
        fz_run(b, &e1);
        ir_optimize(b);
        if (!ir_verify(b, &err)) {
            unittest_fail(__FILE__, __LINE__, "optimizer made bad IR: %s\n%s",
                          error_get_pretty(err), before);
            error_free(err);
            failures++;
        } else {
            fz_run(b, &e2);
            if (memcmp(&e1, &e2, sizeof(e1)) != 0) {
                char *after = ir_print_to_string(b);
                unittest_fail(__FILE__, __LINE__, "iteration %d: results differ\n--- before\n%s"
                              "--- after\n%s", iter, before, after);
                for (int i = 0; i < FZ_G64; i++) {
                    if (e1.g64[i] != e2.g64[i]) {
                        unittest_fail(__FILE__, __LINE__, "g%d: 0x%" PRIx64 " vs 0x%" PRIx64
                                      " (start 0x%" PRIx64 ")", i, e1.g64[i], e2.g64[i],
                                      start.g64[i]);
                    }
                }
                for (int i = 0; i < FZ_G32; i++) {
                    if (e1.g32[i] != e2.g32[i]) {
                        unittest_fail(__FILE__, __LINE__, "w%d: 0x%x vs 0x%x", i, e1.g32[i],
                                      e2.g32[i]);
                    }
                }
                free(after);
                failures++;
            }
        }
        free(before);
        ir_builder_free(b);
    }
    ir_context_free(fz_ctx);
}
