/*
 * JIT driver tests on hand-made blocks: chaining and unchaining of goto_tb,
 * the exit request check, invalidation of a chained-to block,
 * lookup_and_goto_ptr, host-pc -> guest-insn mapping from helpers and from
 * the memory slow path, leaving generated code by siglongjmp, code buffer
 * flushes (automatic and manual), a backward-branch loop, -d out_asm, and
 * lookup_and_goto_ptr's inline jump-cache probe (every field of the key).
 */
#include <asm/prctl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ir/helper.h"
#include "ir/ir.h"
#include "jit/jit.h"
#include "jit/jit_internal.h"
#include "util/log.h"
#include "util/unittest.h"

typedef struct Env {
    uint32_t exit_request;
    uint32_t pad;
    uint64_t r[4];
    const void *next_code;      /* what the lookup returns */
    /* the inline probe's view (JitJumpCacheConfig) */
    uint32_t flags, cflags;
    struct JcCache *cache;
    unsigned lookups;           /* calls of lookup() */
    JitFrame frame;
} Env;

/* A jump cache laid out like exec's (tb.h), smaller. */
#define JC_PAGE_SLOTS_LOG2 3
#define JC_INDEX_BITS 6
typedef struct JcEntry {
    uint64_t tb, pc, gen, cs_base;
    uint32_t flags, cflags;
    const void *host_code;
} __attribute__((aligned(64))) JcEntry;
typedef struct JcCache {
    uint64_t gen;
    JcEntry array[1u << JC_INDEX_BITS];
} JcCache;

static Jit *jit;
static sigjmp_buf jb;
static uint32_t seen_insn;
static void *seen_tag;
static bool seen_found;
static uint8_t mem[256];

void helper_jt_where(void *env);
void helper_jt_raise(void *env, uint64_t code);
void helper_jt_step(void *env, uint64_t n);
void helper_jt_see(void *env, uint64_t n);

/* Where was I called from?  (what cpu_restore_state does with GETPC()) */
__attribute__((noinline)) void helper_jt_where(void *env)
{
    seen_found = jit_find_insn(jit, (uintptr_t)__builtin_return_address(0), &seen_tag,
                               &seen_insn);
}

__attribute__((noinline)) void helper_jt_raise(void *env, uint64_t code)
{
    seen_found = jit_find_insn(jit, (uintptr_t)__builtin_return_address(0), &seen_tag,
                               &seen_insn);
    siglongjmp(jb, (int)code);
}

/* The self-loop test's probe: counts iterations, raises the exit request
 * or invalidates the loop's code when the counter reaches a value. */
static unsigned steps;
static uint64_t step_request, step_invalidate;
static const void *step_code;

__attribute__((noinline)) void helper_jt_step(void *env, uint64_t n)
{
    steps++;
    if (n == step_request) {
        ((Env *)env)->exit_request = 1;
    }
    if (n == step_invalidate) {
        jit_invalidate(jit, step_code);
    }
}

/* The write-first loop test's probe: records env's r3 (a helper that reads
 * globals: the block stores them first). */
static uint64_t seen_r3[16];
static unsigned nseen_r3;

__attribute__((noinline)) void helper_jt_see(void *env, uint64_t n)
{
    (void)n;
    seen_r3[nseen_r3++ % 16] = ((Env *)env)->r[3];
}

#define IR_HELPER_DEFS "jit/jit_test_helpers.def"
#include "ir/helper_gen.h"
#define IR_HELPER_DEFS "jit/jit_test_helpers.def"
#define IR_HELPER_GEN_INFO
#include "ir/helper_gen.h"

static __attribute__((noinline)) uint64_t slow_ld(void *env, uint64_t addr, uint32_t oi)
{
    seen_found = jit_find_insn(jit, (uintptr_t)__builtin_return_address(0), &seen_tag,
                               &seen_insn);
    return mem[addr & 0xff] | (uint64_t)mem[(addr + 1) & 0xff] << 8;
}

static __attribute__((noinline)) void slow_st(void *env, uint64_t addr, uint64_t val, uint32_t oi)
{
    mem[addr & 0xff] = (uint8_t)val;
}

static uint64_t slow_atomic(void *env, uint64_t addr, uint64_t val, uint64_t newv, uint32_t oi)
{
    return 0;
}

static const void *lookup(void *env)
{
    ((Env *)env)->lookups++;
    return ((Env *)env)->next_code;
}

static IrContext *ctx;
static IrVal r[4];

static Jit *new_jit(size_t code_size, bool manual)
{
    JitConfig cfg = {
        .code_size = code_size,
        .frame_offset = (int32_t)offsetof(Env, frame),
        .exit_request_offset = (int32_t)offsetof(Env, exit_request),
        .lookup = lookup,
        .manual_flush = manual,
        .mem = { .mode = JIT_MEM_DIRECT, .guest_base = (uintptr_t)mem,
                 .ld = slow_ld, .st = slow_st, .atomic = slow_atomic },
    };
    return jit_new(&cfg, &error_abort);
}

static void setup(void)
{
    if (!ctx) {
        ctx = ir_context_new();
        for (int i = 0; i < 4; i++) {
            char n[4] = { 'r', (char)('0' + i), 0 };
            r[i] = ir_global(ctx, IR_I64, (int32_t)offsetof(Env, r[i]), n);
        }
    }
    if (!jit) {
        jit = new_jit(1 << 20, false);
    }
}

static const void *compile(IrBuilder *b, uintptr_t tag)
{
    ir_optimize(b);
    const void *code = jit_compile(jit, b, (void *)tag, &error_abort);
    ir_builder_reset(b);
    return code;
}

UNITTEST(jit_chain_unchain_and_exit_request)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    /* A: r0 += 1; goto_tb 0; r1 = 10; exit SLOT0 */
    ir_insn_start(b, 0x100, 0, 0);
    ir_add_imm(b, r[0], r[0], 1);
    ir_goto_tb(b, 0);
    ir_movi(b, r[1], 10);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    const void *a = compile(b, 0x1000);
    /* B: r2 += r0; exit NORMAL */
    ir_insn_start(b, 0x200, 0, 0);
    ir_add(b, r[2], r[2], r[0]);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    const void *bb = compile(b, 0x2000);

    Env env = { .r = { 5, 0, 100, 0 } };
    uintptr_t ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x1000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT0);
    CHECK_U64(env.r[0], 6);
    CHECK_U64(env.r[1], 10);

    jit_chain(jit, a, 0, bb);
    env.r[1] = 0;
    ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x2000);     /* left from B */
    CHECK_INT(jit_exit_value(ret), IR_EXIT_NORMAL);
    CHECK_U64(env.r[0], 7);
    CHECK_U64(env.r[1], 0);                         /* A's exit path skipped */
    CHECK_U64(env.r[2], 107);

    /* an exit request: B does not run when entered through the chain */
    env.exit_request = 1;
    ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x1000);     /* A did not run either */
    CHECK_INT(jit_exit_value(ret), IR_EXIT_REQUESTED);
    CHECK_U64(env.r[0], 7);
    env.exit_request = 0;
    /* a request raised inside A2 (r0 += 1; exit_request = r3; goto_tb 0):
     * B's check sees it through a plain chain, a forward chain skips it */
    ir_insn_start(b, 0x100, 0, 0);
    ir_add_imm(b, r[0], r[0], 1);
    ir_st32(b, r[3], (int32_t)offsetof(Env, exit_request));
    ir_goto_tb(b, 0);
    ir_movi(b, r[1], 10);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    const void *a2 = compile(b, 0x1100);
    env.r[3] = 1;
    jit_chain(jit, a2, 0, bb);
    ret = jit_exec(jit, &env, a2);
    CHECK(jit_exit_tag(ret) == (void *)0x2000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_REQUESTED);
    CHECK_U64(env.r[2], 107);
    env.exit_request = 0;
    jit_chain_forward(jit, a2, 0, bb);
    ret = jit_exec(jit, &env, a2);
    CHECK(jit_exit_tag(ret) == (void *)0x2000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_NORMAL);
    CHECK_U64(env.r[2], 116);
    CHECK_INT(env.exit_request, 1);
    env.exit_request = 0;
    env.r[0] = 7;
    env.r[2] = 107;
    env.r[3] = 0;

    /* invalidating B unchains A: A leaves through its own exit */
    jit_invalidate(jit, bb);
    ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x1000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT0);
    CHECK_U64(env.r[0], 8);
    CHECK_U64(env.r[1], 10);
    CHECK_U64(env.r[2], 107);
    /* entered directly, B does not run */
    ret = jit_exec(jit, &env, bb);
    CHECK(jit_exit_tag(ret) == (void *)0x2000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_REQUESTED);
    CHECK_U64(env.r[2], 107);
    /* and an invalid block is not chained to again */
    jit_chain(jit, a, 0, bb);
    env.r[1] = 0;
    ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x1000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT0);
    CHECK_U64(env.r[1], 10);

    jit_unchain(jit, a, 0);
    ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x1000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT0);
    CHECK_U64(env.r[1], 10);
    ir_builder_free(b);
}

/* A side exit (goto_tb 2 in the middle of a block, as a frontend makes
 * when it translates past a branch) chains and unchains like an end, and
 * invalidating its destination points it back at its own exit. */
UNITTEST(jit_side_exit_chains)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    /* A: r0 += 1; if (r0 != 3) { goto_tb 2; r1 = 10; exit SLOT2 } r2 = 50; exit NORMAL */
    ir_insn_start(b, 0x100, 0, 0);
    ir_add_imm(b, r[0], r[0], 1);
    IrLabel fall = ir_new_label(b);
    ir_brcond_imm(b, IR_COND_EQ, r[0], 3, fall);
    ir_goto_tb(b, 2);
    ir_movi(b, r[1], 10);
    ir_exit_tb(b, IR_EXIT_SLOT2);
    ir_set_label(b, fall);
    ir_insn_start(b, 0x104, 0, 0);
    ir_movi(b, r[2], 50);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    const void *a = compile(b, 0x1000);
    /* B: r3 += r0; exit NORMAL */
    ir_insn_start(b, 0x200, 0, 0);
    ir_add(b, r[3], r[3], r[0]);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    const void *bb = compile(b, 0x2000);

    Env env = { .r = { 0, 0, 0, 0 } };
    uintptr_t ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x1000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT2);
    CHECK_INT(ir_exit_slot(jit_exit_value(ret)), 2);
    CHECK_U64(env.r[1], 10);

    jit_chain(jit, a, 2, bb);
    env.r[1] = 0;
    ret = jit_exec(jit, &env, a);                   /* r0 = 2: the side exit, chained */
    CHECK(jit_exit_tag(ret) == (void *)0x2000);
    CHECK_U64(env.r[1], 0);
    CHECK_U64(env.r[3], 2);
    ret = jit_exec(jit, &env, a);                   /* r0 = 3: on past the branch */
    CHECK(jit_exit_tag(ret) == (void *)0x1000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_NORMAL);
    CHECK_U64(env.r[2], 50);
    CHECK_U64(env.r[3], 2);

    jit_invalidate(jit, bb);
    env.r[1] = 0;
    ret = jit_exec(jit, &env, a);                   /* r0 = 4: unchained by B's invalidation */
    CHECK(jit_exit_tag(ret) == (void *)0x1000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT2);
    CHECK_U64(env.r[1], 10);
    CHECK_U64(env.r[3], 2);

    jit_unchain(jit, a, 2);
    ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x1000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT2);
    CHECK_U64(env.r[1], 10);
    ir_builder_free(b);
}

/* Incoming-jump lists: C is chained from two ends (A slot 0, itself as a
 * loop) and from a side exit (D slot 2), and chains on to E.  Chained
 * jumps land past C's entry jump, so invalidating C must find them all:
 * afterwards each source leaves through its own exit, C's own jump to E
 * is undone, and C's edge is off E's list (re-chaining a slot moves its
 * edge from one list to another). */
UNITTEST(jit_invalidate_unchains_every_jump_in)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    /* A: r0 += 1; goto_tb 0; r1 = 10; exit SLOT0 */
    ir_insn_start(b, 0x100, 0, 0);
    ir_add_imm(b, r[0], r[0], 1);
    ir_goto_tb(b, 0);
    ir_movi(b, r[1], 10);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    const void *a = compile(b, 0x1000);
    /* D: if (r0 != 0) { goto_tb 2; r1 = 20; exit SLOT2 } exit NORMAL */
    ir_insn_start(b, 0x400, 0, 0);
    IrLabel fall = ir_new_label(b);
    ir_brcond_imm(b, IR_COND_EQ, r[0], 0, fall);
    ir_goto_tb(b, 2);
    ir_movi(b, r[1], 20);
    ir_exit_tb(b, IR_EXIT_SLOT2);
    ir_set_label(b, fall);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    const void *d = compile(b, 0x4000);
    /* C: r2 += 1; if (r2 < 3) loop (goto_tb 1; pc store; exit SLOT1);
     * goto_tb 0; r1 = 30; exit SLOT0 */
    ir_insn_start(b, 0x300, 0, 0);
    ir_add_imm(b, r[2], r[2], 1);
    IrLabel out = ir_new_label(b);
    ir_brcond_imm(b, IR_COND_GEU, r[2], 3, out);
    ir_goto_tb(b, 1);
    ir_movi(b, r[3], 0x300);
    ir_exit_tb(b, IR_EXIT_SLOT1);
    ir_set_label(b, out);
    ir_goto_tb(b, 0);
    ir_movi(b, r[1], 30);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    const void *c = compile(b, 0x3000);
    /* E and F: r1 = 50 / 60; exit NORMAL */
    ir_insn_start(b, 0x500, 0, 0);
    ir_movi(b, r[1], 50);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    const void *e = compile(b, 0x5000);
    ir_insn_start(b, 0x600, 0, 0);
    ir_movi(b, r[1], 60);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    const void *f = compile(b, 0x6000);

    jit_chain(jit, a, 0, c);
    jit_chain(jit, d, 2, c);
    jit_chain(jit, c, 1, c);
    jit_chain(jit, c, 0, e);
    jit_chain(jit, a, 0, f);                        /* A's edge moves to F's list */
    jit_chain(jit, a, 0, c);                        /* and back to C's */
    jit_chain(jit, d, 0, e);                        /* D has no slot 0: ignored */

    Env env = { .r = { 0, 0, 0, 0 } };
    uintptr_t ret = jit_exec(jit, &env, a);         /* A -> C, C, C -> E */
    CHECK(jit_exit_tag(ret) == (void *)0x5000);
    CHECK_U64(env.r[2], 3);
    CHECK_U64(env.r[1], 50);
    env.r[2] = 1;
    ret = jit_exec(jit, &env, d);                   /* D's side exit -> C, C -> E */
    CHECK(jit_exit_tag(ret) == (void *)0x5000);
    CHECK_U64(env.r[2], 3);

    jit_invalidate(jit, c);
    env.r[1] = 0;
    ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x1000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT0);
    CHECK_U64(env.r[1], 10);
    CHECK_U64(env.r[2], 3);                         /* C did not run */
    ret = jit_exec(jit, &env, d);
    CHECK(jit_exit_tag(ret) == (void *)0x4000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT2);
    CHECK_U64(env.r[1], 20);
    /* a vCPU still inside C when it was invalidated: its loop and its jump
     * to E are undone too (run its code past the entry, as a chained jump
     * that was already taken would) */
    const uint8_t *c_chain = NULL;
    pthread_mutex_lock(&jit->lock);
    for (size_t i = 0; i < jit->nrecs; i++) {
        if (jit->recs[i].tag == (void *)0x3000) {
            c_chain = jit->recs[i].code + jit->recs[i].chain_entry;
            CHECK_INT(jit->recs[i].jmp_first, JIT_NO_JUMP);
        }
        if (jit->recs[i].tag == (void *)0x5000) {
            CHECK_INT(jit->recs[i].jmp_first, JIT_NO_JUMP);     /* C's edge is gone */
        }
        if (jit->recs[i].tag == (void *)0x6000) {
            CHECK_INT(jit->recs[i].jmp_first, JIT_NO_JUMP);     /* A's moved back */
        }
    }
    pthread_mutex_unlock(&jit->lock);
    CHECK(c_chain != NULL);
    env.r[2] = 0;
    ret = jit_exec(jit, &env, c_chain);
    CHECK(jit_exit_tag(ret) == (void *)0x3000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT1);
    CHECK_U64(env.r[2], 1);
    env.r[2] = 5;
    ret = jit_exec(jit, &env, c_chain);
    CHECK(jit_exit_tag(ret) == (void *)0x3000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT0);
    CHECK_U64(env.r[1], 30);

    /* the rewritten block C' takes the same jumps again */
    ir_insn_start(b, 0x300, 0, 0);
    ir_movi(b, r[1], 70);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    const void *c2 = compile(b, 0x3008);
    jit_chain(jit, a, 0, c2);
    jit_chain(jit, d, 2, c2);
    ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x3008);
    CHECK_U64(env.r[1], 70);
    env.r[1] = 0;
    ret = jit_exec(jit, &env, d);
    CHECK(jit_exit_tag(ret) == (void *)0x3008);
    CHECK_U64(env.r[1], 70);
    /* invalidating E (C's old destination) touches nothing else */
    jit_invalidate(jit, e);
    ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x3008);
    ir_builder_free(b);
}

UNITTEST(jit_lookup_and_goto_ptr)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    ir_insn_start(b, 0x300, 0, 0);
    ir_add_imm(b, r[3], r[3], 2);
    ir_lookup_and_goto_ptr(b);
    const void *a = compile(b, 0x3000);
    ir_insn_start(b, 0x400, 0, 0);
    ir_mul_imm(b, r[3], r[3], 10);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    const void *c = compile(b, 0x4000);

    Env env = { .r = { 0, 0, 0, 1 } };
    uintptr_t ret = jit_exec(jit, &env, a);         /* lookup misses */
    CHECK(jit_exit_tag(ret) == (void *)0x3000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_LOOKUP);
    CHECK_U64(env.r[3], 3);
    env.next_code = c;                              /* lookup hits: jump there */
    ret = jit_exec(jit, &env, a);
    CHECK(jit_exit_tag(ret) == (void *)0x4000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_NORMAL);
    CHECK_U64(env.r[3], 50);
    ir_builder_free(b);
}

UNITTEST(jit_unwinding_finds_the_instruction)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    ir_insn_start(b, 0x500, 0, 0);
    ir_add_imm(b, r[0], r[0], 1);
    ir_insn_start(b, 0x504, 0, 0);
    ir_call0(b, HELPER(jt_where), IR_VAL_NONE);
    ir_insn_start(b, 0x508, 0, 0);
    ir_add_imm(b, r[0], r[0], 1);
    ir_insn_start(b, 0x50c, 0, 0);
    /* a misaligned load with MO_ALIGN takes the slow path, which asks too */
    IrVal t = ir_new_temp(b, IR_I64);
    ir_guest_ld(b, t, r[1], MO_UW | MO_ALIGN, 0);
    ir_add(b, r[2], r[2], t);
    ir_insn_start(b, 0x510, 0, 0);
    ir_call(b, HELPER(jt_raise), IR_VAL_NONE, ir_const(b, IR_I64, 7));
    const void *code = compile(b, 0x5000);

    Env env = { .r = { 0, 0, 0, 0 } };
    mem[0] = 0x34;
    mem[1] = 0x12;
    seen_found = false;
    /* aligned: fast path, only the helper reports */
    int got = sigsetjmp(jb, 0);
    if (got == 0) {
        jit_exec(jit, &env, code);
        CHECK(!"jt_raise returned");
    }
    CHECK_INT(got, 7);
    CHECK(seen_found);
    CHECK(seen_tag == (void *)0x5000);
    CHECK_INT(seen_insn, 4);                /* the raising call is in insn 4 */
    CHECK_U64(env.r[0], 2);                 /* globals were written home */
    CHECK_U64(env.r[2], 0x1234);

    ir_builder_free(b);
}

UNITTEST(jit_slow_path_reports_its_instruction)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    ir_insn_start(b, 0x600, 0, 0);
    ir_add_imm(b, r[0], r[0], 1);
    ir_insn_start(b, 0x604, 0, 0);
    IrVal t = ir_new_temp(b, IR_I64);
    ir_guest_ld(b, t, r[1], MO_UL | MO_ALIGN, 0);
    ir_mov(b, r[2], t);
    ir_insn_start(b, 0x608, 0, 0);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    const void *code = compile(b, 0x6000);
    Env env = { .r = { 0, 2, 0, 0 } };      /* misaligned: slow path */
    seen_found = false;
    jit_exec(jit, &env, code);
    CHECK(seen_found);
    CHECK(seen_tag == (void *)0x6000);
    CHECK_INT(seen_insn, 1);
    ir_builder_free(b);
}

/* User mode's guest_base beyond a 32-bit displacement: in the GS base of
 * each thread that runs the code (set by jit_exec on its first entry), or
 * loaded per access.  Both must read and write the same bytes, also on a
 * thread whose GS base is not guest_base (a new thread inherits its
 * creator's: the thread clears it first). */
typedef struct GsRun {
    Jit *jit;
    const void *code;
    Env env;
} GsRun;

static void *gs_run_thread(void *opaque)
{
    GsRun *run = opaque;
    CHECK(syscall(SYS_arch_prctl, ARCH_SET_GS, 0) == 0);
    jit_exec(run->jit, &run->env, run->code);
    return NULL;
}

static void guest_base_case(bool segment)
{
    JitConfig cfg = {
        .frame_offset = (int32_t)offsetof(Env, frame),
        .exit_request_offset = (int32_t)offsetof(Env, exit_request),
        .mem = { .mode = JIT_MEM_DIRECT, .guest_base = (uintptr_t)mem,
                 .no_guest_base_segment = !segment,
                 .ld = slow_ld, .st = slow_st, .atomic = slow_atomic },
    };
    CHECK((intptr_t)mem != (int32_t)(intptr_t)mem);    /* PIE: far from 0 */
    Jit *gj = jit_new(&cfg, &error_abort);
    CHECK(gj->guest_base_gs == segment);
    IrBuilder *b = ir_builder_new(ctx);
    ir_insn_start(b, 0x700, 0, 0);
    IrVal t = ir_new_temp(b, IR_I64), addr = ir_new_temp(b, IR_I64);
    ir_guest_ld(b, t, r[1], MO_UQ, 0);              /* r0 = [r1] */
    ir_mov(b, r[0], t);
    ir_add_imm(b, addr, r[1], 8);                   /* [r1 + 8] = r0 + r2 */
    ir_add(b, t, r[0], r[2]);
    ir_guest_st(b, t, addr, MO_UQ, 0);
    ir_add_imm(b, addr, r[1], 17);                  /* r3 = [r1 + 17], a byte */
    ir_guest_ld(b, t, addr, MO_UB, 0);
    ir_mov(b, r[3], t);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    ir_optimize(b);
    const void *code = jit_compile(gj, b, (void *)0x7000, &error_abort);
    ir_builder_free(b);

    for (int on_thread = 0; on_thread < 2; on_thread++) {
        memset(mem, 0, sizeof(mem));
        uint64_t v = 0x1122334455667788ull + (uint64_t)on_thread;
        memcpy(mem + 32, &v, 8);
        mem[32 + 17] = 0xa5;
        GsRun run = { gj, code, { .r = { 0, 32, 0x100, 0 } } };
        if (on_thread) {
            pthread_t th;
            CHECK(pthread_create(&th, NULL, gs_run_thread, &run) == 0);
            CHECK(pthread_join(th, NULL) == 0);
        } else {
            jit_exec(gj, &run.env, code);
        }
        CHECK_INT(run.env.r[0], v);
        uint64_t stored;
        memcpy(&stored, mem + 40, 8);
        CHECK_INT(stored, v + 0x100);
        CHECK_INT(run.env.r[3], mem[32 + 17]);
    }
    jit_free(gj);
}

UNITTEST(jit_guest_base_segment)
{
    setup();
    guest_base_case(true);
    guest_base_case(false);
}

/* The marks are packed after each block's code, as deltas: offsets more
 * than 127 bytes apart, insn numbers past 255, and a block compiled right
 * after (whose code starts where the marks end) must not disturb them. */
UNITTEST(jit_unwinding_in_a_long_block)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    for (uint32_t k = 0; k < 300; k++) {
        ir_insn_start(b, 0xa000 + 4 * k, 0, 0);
        for (int rep = k == 100 ? 20 : 1; rep > 0; rep--) {
            ir_mul(b, r[0], r[0], r[1]);
            ir_add(b, r[0], r[0], r[2]);
        }
        if (k == 280) {
            ir_call0(b, HELPER(jt_where), IR_VAL_NONE);
        }
    }
    ir_exit_tb(b, IR_EXIT_NORMAL);
    const void *code = compile(b, 0xa000);
    ir_insn_start(b, 0xb000, 0, 0);
    ir_call0(b, HELPER(jt_where), IR_VAL_NONE);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    const void *next = compile(b, 0xb000);

    Env env = { .r = { 1, 3, 1, 0 } };
    seen_found = false;
    jit_exec(jit, &env, code);
    CHECK(seen_found);
    CHECK(seen_tag == (void *)0xa000);
    CHECK_INT(seen_insn, 280);
    seen_found = false;
    jit_exec(jit, &env, next);
    CHECK(seen_found);
    CHECK(seen_tag == (void *)0xb000);
    CHECK_INT(seen_insn, 0);
    ir_builder_free(b);
}

/* sum = 0; for (i = r0; i != 0; i--) sum += i, with a backward branch. */
static void build_loop(IrBuilder *b)
{
    IrLabel top = ir_new_label(b), done = ir_new_label(b);
    IrVal i = ir_new_temp(b, IR_I64), sum = ir_new_temp(b, IR_I64);
    ir_insn_start(b, 0x700, 0, 0);
    ir_mov(b, i, r[0]);
    ir_movi(b, sum, 0);
    ir_set_label(b, top);
    ir_brcond_imm(b, IR_COND_EQ, i, 0, done);
    ir_add(b, sum, sum, i);
    ir_sub_imm(b, i, i, 1);
    ir_br(b, top);
    ir_set_label(b, done);
    ir_mov(b, r[1], sum);
    ir_exit_tb(b, IR_EXIT_NORMAL);
}

UNITTEST(jit_backward_loop)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    build_loop(b);
    const void *code = compile(b, 0x7000);
    Env env = { .r = { 1000, 0, 0, 0 } };
    jit_exec(jit, &env, code);
    CHECK_U64(env.r[1], 500500);
    ir_builder_free(b);
}

/* 600 EBB temps, each live across a helper call (which empties the
 * caller-saved registers), one after the other: more spills than the
 * frame's slots in total, few at a time, so slots must be recycled. */
UNITTEST(jit_spill_slots_are_recycled)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    ir_insn_start(b, 0xa00, 0, 0);
    for (int i = 0; i < 600; i++) {
        IrVal t = ir_new_ebb_temp(b, IR_I64);
        ir_add_imm(b, t, r[0], i);
        ir_call0(b, HELPER(jt_where), IR_VAL_NONE);
        ir_add(b, r[2], r[2], t);
    }
    ir_exit_tb(b, IR_EXIT_NORMAL);
    ir_optimize(b);
    Error *err = NULL;
    const void *code = jit_compile(jit, b, (void *)0xa000, &err);
    CHECK(code != NULL);
    if (code) {
        Env env = { .r = { 1, 0, 0, 0 } };
        jit_exec(jit, &env, code);
        CHECK_U64(env.r[2], 600 + 599 * 600 / 2);
    } else {
        error_free(err);
    }
    ir_builder_free(b);
}

static int hook_calls;

static void on_flush(void *opaque)
{
    hook_calls++;
}

UNITTEST(jit_flushes_when_full)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    Jit *small = new_jit(16384, false);
    jit_set_flush_hook(small, on_flush, NULL);
    hook_calls = 0;
    const void *last = NULL;
    for (int n = 0; n < 200; n++) {
        build_loop(b);
        ir_optimize(b);
        last = jit_compile(small, b, (void *)0x8000, &error_abort);
        ir_builder_reset(b);
    }
    CHECK(hook_calls > 0);
    Env env = { .r = { 10, 0, 0, 0 } };
    jit_exec(small, &env, last);
    CHECK_U64(env.r[1], 55);
    JitStats st;
    jit_get_stats(small, &st);
    CHECK_U64(st.flushes, (uint64_t)hook_calls);
    jit_free(small);

    /* manual flushing: compile fails when full, the owner flushes */
    Jit *manual = new_jit(16384, true);
    bool full = false;
    for (int n = 0; n < 200 && !full; n++) {
        build_loop(b);
        ir_optimize(b);
        Error *err = NULL;
        if (!jit_compile(manual, b, (void *)0x8000, &err)) {
            full = jit_buffer_full(manual);
            error_free(err);
        }
        ir_builder_reset(b);
    }
    CHECK(full);
    jit_flush(manual);
    CHECK(!jit_buffer_full(manual));
    build_loop(b);
    ir_optimize(b);
    CHECK(jit_compile(manual, b, (void *)0x8000, &error_abort) != NULL);
    jit_free(manual);
    ir_builder_free(b);
}

UNITTEST(jit_out_asm_log)
{
    setup();
    char path[] = "/tmp/morpho-jit-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK(log_set_file(path));
    uint32_t saved = log_mask;
    log_mask |= LOG_OUT_ASM;
    IrBuilder *b = ir_builder_new(ctx);
    build_loop(b);
    compile(b, 0x9000);
    log_mask = saved;
    log_set_file(NULL);
    FILE *f = fopen(path, "r");
    char buf[8192] = "";
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    if (getenv("JIT_TEST_SHOW_ASM")) {
        fputs(buf, stderr);
    }
    unlink(path);
    CHECK(strstr(buf, "OUT: [size=") != NULL);
    CHECK(strstr(buf, "-- guest insn 0") != NULL);
    CHECK(strstr(buf, "jmp") != NULL);
    ir_builder_free(b);
}

/* The index JitJumpCacheConfig documents (exec's tb_jmp_cache_hash). */
static unsigned jc_index(uint64_t pc, bool flat)
{
    if (flat) {
        return (unsigned)(pc >> 1) & ((1u << JC_INDEX_BITS) - 1);
    }
    unsigned group = (unsigned)(pc >> 12) & ((1u << (JC_INDEX_BITS - JC_PAGE_SLOTS_LOG2)) - 1);
    unsigned slot = (unsigned)((pc >> 1) ^ (pc >> (1 + JC_PAGE_SLOTS_LOG2))) &
                    ((1u << JC_PAGE_SLOTS_LOG2) - 1);
    return group << JC_PAGE_SLOTS_LOG2 | slot;
}

/* A JIT with the inline jump-cache probe (r0 is the pc), comparing the
 * entry's gen and tb when asked, and, with return_stack, the
 * return-address stack. */
static Jit *new_probe_jit(bool flat, bool gen, bool tb, bool return_stack)
{
    JitConfig cfg = {
        .frame_offset = (int32_t)offsetof(Env, frame),
        .exit_request_offset = (int32_t)offsetof(Env, exit_request),
        .lookup = lookup,
        .mem = { .mode = JIT_MEM_DIRECT, .guest_base = (uintptr_t)mem,
                 .ld = slow_ld, .st = slow_st, .atomic = slow_atomic },
        .jump_cache = {
            .enabled = true,
            .pc_offset = (int32_t)offsetof(Env, r[0]),
            .flags_offset = (int32_t)offsetof(Env, flags),
            .cflags_offset = (int32_t)offsetof(Env, cflags),
            .cache_offset = (int32_t)offsetof(Env, cache),
            .gen_field = (int32_t)offsetof(JcCache, gen),
            .array_field = (int32_t)offsetof(JcCache, array),
            .entry_size_log2 = 6,
            .entry_tb = tb ? (int32_t)offsetof(JcEntry, tb) : -1,
            .entry_pc = (int32_t)offsetof(JcEntry, pc),
            .entry_gen = gen ? (int32_t)offsetof(JcEntry, gen) : -1,
            .entry_flags = (int32_t)offsetof(JcEntry, flags),
            .entry_cflags = (int32_t)offsetof(JcEntry, cflags),
            .entry_host_code = (int32_t)offsetof(JcEntry, host_code),
            .page_bits = 12,
            .page_slots_log2 = JC_PAGE_SLOTS_LOG2,
            .index_bits = JC_INDEX_BITS,
            .flat_index = flat,
        },
    };
    cfg.return_stack = return_stack;
    _Static_assert(sizeof(JcEntry) == 64, "entries of 64 bytes");
    return jit_new(&cfg, &error_abort);
}

/* The probe against every field of the key, with either index (flat:
 * user mode's) and with or without the gen and tb compares. */
static void jump_cache_probe_case(bool flat, bool gen, bool tb)
{
    setup();
    Jit *pj = new_probe_jit(flat, gen, tb, false);
    IrBuilder *b = ir_builder_new(ctx);
    /* a: r3 += 2, pc (r0) = r1, exit_request = r2, then lookup;
     * c: r3 *= 10, exit */
    ir_insn_start(b, 0x500, 0, 0);
    ir_add_imm(b, r[3], r[3], 2);
    ir_mov(b, r[0], r[1]);
    ir_st32(b, r[2], (int32_t)offsetof(Env, exit_request));
    ir_lookup_and_goto_ptr(b);
    ir_optimize(b);
    const void *a = jit_compile(pj, b, (void *)0x5000, &error_abort);
    ir_builder_reset(b);
    ir_insn_start(b, 0x600, 0, 0);
    ir_mul_imm(b, r[3], r[3], 10);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    ir_optimize(b);
    const void *c = jit_compile(pj, b, (void *)0x6000, &error_abort);
    ir_builder_free(b);
    CHECK(a && c);

    JcCache *jc = aligned_alloc(64, sizeof(JcCache));
    CHECK(jc != NULL);
    /* pcs on several pages and in several slots of a page */
    static const uint64_t pcs[] = { 0x12344, 0x12346, 0x12ffe, 0x7fff0000a000ull, 0x100 };
    for (size_t k = 0; k < sizeof(pcs) / sizeof(pcs[0]); k++) {
        memset(jc, 0, sizeof(*jc));
        jc->gen = 7;
        Env env = { .flags = 0x1234, .cflags = 0x2000, .cache = jc };
        JcEntry *e = &jc->array[jc_index(pcs[k], flat)];
        JcEntry good = { .tb = 0x8, .pc = pcs[k], .gen = 7, .flags = 0x1234, .cflags = 0x2000,
                         .host_code = c };
        /* a hit: straight to c, no call */
        *e = good;
        env.r[1] = pcs[k];
        env.r[3] = 1;
        uintptr_t ret = jit_exec(pj, &env, a);
        CHECK(jit_exit_tag(ret) == (void *)0x6000);
        CHECK_INT(jit_exit_value(ret), IR_EXIT_NORMAL);
        CHECK_U64(env.r[3], 30);
        CHECK_INT(env.lookups, 0);
        /* each field of the key, wrong: the C lookup (which says no) */
        unsigned lookups = 0;
        for (int f = 0; f < 7; f++) {
            *e = good;
            switch (f) {
            case 0: e->tb = 0; break;
            case 1: e->pc ^= 2; break;
            case 2: e->gen = 6; break;
            case 3: e->flags ^= 1; break;
            case 4: e->cflags = UINT32_MAX; break;
            case 5: e->cs_base = 1; break;
            case 6: e->host_code = NULL; break;
            }
            env.r[3] = 1;
            ret = jit_exec(pj, &env, a);
            if (f == 5 || (f == 2 && !gen) || (f == 0 && !tb)) {
                /* not compared: cs_base (always 0 for the inline probe's
                 * guests), gen in a cache whose clear empties every entry,
                 * tb in one whose empty entries have an impossible pc */
                CHECK(jit_exit_tag(ret) == (void *)0x6000);
                CHECK_U64(env.r[3], 30);
                CHECK_INT(env.lookups, lookups);
                continue;
            }
            CHECK(jit_exit_tag(ret) == (void *)0x5000);
            CHECK_INT(jit_exit_value(ret), IR_EXIT_LOOKUP);
            CHECK_U64(env.r[3], 3);
            CHECK_INT(env.lookups, ++lookups);
        }
        /* the env side of the compare: flags and cflags */
        *e = good;
        env.flags = 0x1235;
        ret = jit_exec(pj, &env, a);
        CHECK_INT(jit_exit_value(ret), IR_EXIT_LOOKUP);
        env.flags = 0x1234;
        env.cflags = UINT32_MAX;        /* exec's "through the loop" */
        ret = jit_exec(pj, &env, a);
        CHECK_INT(jit_exit_value(ret), IR_EXIT_LOOKUP);
        env.cflags = 0x2000;
        /* a hit on an entry whose block has an exit request pending leaves
         * at that block's entry, without running it */
        env.r[2] = 1;
        env.r[3] = 1;
        ret = jit_exec(pj, &env, a);
        CHECK(jit_exit_tag(ret) == (void *)0x6000);
        CHECK_INT(jit_exit_value(ret), IR_EXIT_REQUESTED);
        CHECK_U64(env.r[3], 3);
        CHECK_INT(env.lookups, lookups + 2);
    }
    free(jc);
    jit_free(pj);
}

UNITTEST(jit_inline_jump_cache_probe)
{
    jump_cache_probe_case(false, true, false);      /* system mode's */
    jump_cache_probe_case(true, false, false);      /* user mode's */
    jump_cache_probe_case(true, false, true);
    jump_cache_probe_case(false, true, true);
}

/* ---- the return-address stack --------------------------------------- */

#define RAS_FLAGS 0x1234
typedef struct RasBlock {
    uint64_t pc;
    uintptr_t tag;
    const void *code;
} RasBlock;
static RasBlock ras_blocks[8];
static unsigned ras_nblocks;

static const void *ras_code(uint64_t pc, uintptr_t tag)
{
    for (unsigned i = 0; i < ras_nblocks; i++) {
        if (pc == ras_blocks[i].pc || tag == ras_blocks[i].tag) {
            return ras_blocks[i].code;
        }
    }
    return NULL;
}

static void ras_add(Jit *pj, IrBuilder *b, uint64_t pc, uintptr_t tag)
{
    ir_optimize(b);
    const void *code = jit_compile(pj, b, (void *)tag, &error_abort);
    ir_builder_reset(b);
    CHECK(code != NULL);
    ras_blocks[ras_nblocks++] = (RasBlock){ pc, tag, code };
}

/* The exec loop's part: run from pc (r0 is the pc) until a block exits
 * normally, chaining every slot exit to the block at the new pc.  Returns
 * how many times generated code was entered. */
static unsigned ras_run(Jit *pj, Env *env, uint64_t pc)
{
    const void *code = ras_code(pc, 0);
    for (unsigned entries = 1;; entries++) {
        uintptr_t ret = jit_exec(pj, env, code);
        IrExit x = jit_exit_value(ret);
        if (x == IR_EXIT_NORMAL) {
            return entries;
        }
        const void *next = ras_code(env->r[0], 0);
        CHECK(next != NULL);
        int slot = ir_exit_slot(x);
        if (slot >= 0) {
            jit_chain(pj, ras_code(UINT64_MAX, (uintptr_t)jit_exit_tag(ret)), (unsigned)slot, next);
        }
        code = next;
    }
}

/* caller (0x100): r3 += 1, call 0x300 returning to 0x104;
 * callee (0x300): r3 += 10, flags = r2, return to r1;
 * after (0x104): r3 += 100, exit;
 * rec (0x400): if r1 == 0 return to 0x404, else r1 -= 1 and call itself
 * returning to 0x404; unwind (0x404): r3 += 1, exit when r3 == r2, else
 * return to 0x404. */
static void ras_build(Jit *pj)
{
    IrBuilder *b = ir_builder_new(ctx);
    ras_nblocks = 0;
    ir_insn_start(b, 0x100, 0, 0);
    ir_add_imm(b, r[3], r[3], 1);
    ir_call_hint(b, 0x104, 1, RAS_FLAGS);
    ir_goto_tb(b, 0);
    ir_movi(b, r[0], 0x300);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    ras_add(pj, b, 0x100, 0x1000);

    ir_insn_start(b, 0x300, 0, 0);
    ir_add_imm(b, r[3], r[3], 10);
    ir_st32(b, r[2], (int32_t)offsetof(Env, flags));
    ir_mov(b, r[0], r[1]);
    ir_return_hint(b);
    ir_lookup_and_goto_ptr(b);
    ras_add(pj, b, 0x300, 0x3000);

    ir_insn_start(b, 0x104, 0, 0);
    ir_add_imm(b, r[3], r[3], 100);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    ras_add(pj, b, 0x104, 0x1040);

    IrLabel base = ir_new_label(b);
    ir_insn_start(b, 0x400, 0, 0);
    ir_brcond_imm(b, IR_COND_EQ, r[1], 0, base);
    ir_add_imm(b, r[1], r[1], -1);
    ir_call_hint(b, 0x404, 1, RAS_FLAGS);
    ir_goto_tb(b, 0);
    ir_movi(b, r[0], 0x400);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    ir_set_label(b, base);
    ir_movi(b, r[0], 0x404);
    ir_return_hint(b);
    ir_lookup_and_goto_ptr(b);
    ras_add(pj, b, 0x400, 0x4000);

    IrLabel done = ir_new_label(b);
    ir_insn_start(b, 0x404, 0, 0);
    ir_add_imm(b, r[3], r[3], 1);
    ir_brcond(b, IR_COND_EQ, r[3], r[2], done);
    ir_movi(b, r[0], 0x404);
    ir_return_hint(b);
    ir_lookup_and_goto_ptr(b);
    ir_set_label(b, done);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    ras_add(pj, b, 0x404, 0x4040);
    ir_builder_free(b);
}

/* Guest calls and returns, with and without the return-address stack:
 * the same results; with it, a return to the top entry's pc takes no
 * lookup (the jump cache is empty here, so every probe calls lookup()),
 * goes on through the call's return slot, chainable, and a full stack
 * starts over without losing anything but predictions. */
static void return_stack_case(bool on)
{
    setup();
    Jit *pj = new_probe_jit(true, false, false, on);
    ras_build(pj);
    JcCache *jc = aligned_alloc(64, sizeof(JcCache));
    CHECK(jc != NULL);
    memset(jc, 0, sizeof(*jc));
    Env env = { .flags = RAS_FLAGS, .cache = jc, .r = { [1] = 0x104, [2] = RAS_FLAGS } };
    env.next_code = ras_code(0x104, 0);

    /* unchained: the call leaves to the loop, the callee's return finds an
     * empty stack */
    CHECK_INT(ras_run(pj, &env, 0x100), 2);
    CHECK_U64(env.r[3], 111);
    CHECK_INT(env.lookups, 1);
    /* the call chained: the return lands after it and leaves by slot 1 */
    CHECK_INT(ras_run(pj, &env, 0x100), on ? 2 : 1);
    CHECK_U64(env.r[3], 222);
    CHECK_INT(env.lookups, on ? 1 : 2);
    /* and with slot 1 chained, the whole call stays in generated code */
    unsigned lookups = env.lookups;
    CHECK_INT(ras_run(pj, &env, 0x100), 1);
    CHECK_U64(env.r[3], 333);
    CHECK_INT(env.lookups, lookups + !on);
    /* a return elsewhere than the top entry's pc: the probe */
    env.r[1] = 0x108;
    lookups = env.lookups;
    CHECK_INT(ras_run(pj, &env, 0x100), 1);
    CHECK_U64(env.r[3], 444);
    CHECK_INT(env.lookups, lookups + 1);
    CHECK_U64(env.r[0], 0x108);
    /* the callee changed the flags: the landing asks the lookup */
    env.r[1] = 0x104;
    env.r[2] = RAS_FLAGS + 1;
    CHECK_INT(ras_run(pj, &env, 0x100), 1);
    CHECK_U64(env.r[3], 555);
    CHECK_INT(env.lookups, lookups + 2);
    CHECK_U64(env.r[0], 0x104);
    env.flags = RAS_FLAGS;

    /* recursion: warm up the chains, then 500 calls deep (all returns
     * predicted), then 1000 (the stack holds 512 entries: the 513th call
     * starts it over, so the last 512 returns miss) */
    env.next_code = ras_code(0x404, 0);
    env.r[1] = env.r[2] = 3;
    env.r[3] = 0;
    ras_run(pj, &env, 0x400);
    CHECK_U64(env.r[3], 3);
    static const unsigned depth[] = { 500, JIT_RETURN_STACK_DEPTH, 1000 };
    for (unsigned k = 0; k < 3; k++) {
        env.r[1] = env.r[2] = depth[k];
        env.r[3] = 0;
        env.lookups = 0;
        CHECK_INT(ras_run(pj, &env, 0x400), 1);
        CHECK_U64(env.r[3], depth[k]);
        unsigned missed = depth[k] > JIT_RETURN_STACK_DEPTH ? JIT_RETURN_STACK_DEPTH : 0;
        CHECK_INT(env.lookups, on ? missed : depth[k]);
    }
    free(jc);
    jit_free(pj);
}

UNITTEST(jit_return_address_stack)
{
    return_stack_case(true);
    return_stack_case(false);   /* hints ignored */
}


/* A block whose goto_tb 0 goes back to its own start (r3 plays the pc):
 * chained to itself, it loops inside generated code (from its loop header,
 * r1 kept in a register), and still leaves on the exit request checked at
 * the back edge and when it is invalidated from inside the loop. */
/* The end of the self-loop tests' blocks: while r0 < r2 back to 0x800
 * (goto_tb 0, the back edge once chained to itself), else on to 0x900
 * (goto_tb 1), each exit storing its pc in `pc`.  Compiles the block as
 * the step helper's step_code. */
static const void *self_loop_end(IrBuilder *b, IrVal pc, uintptr_t tag)
{
    IrLabel again = ir_new_label(b);
    ir_brcond(b, IR_COND_LTU, r[0], r[2], again);
    ir_goto_tb(b, 1);
    ir_movi(b, pc, 0x900);
    ir_exit_tb(b, IR_EXIT_SLOT1);
    ir_set_label(b, again);
    ir_goto_tb(b, 0);
    ir_movi(b, pc, 0x800);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    const void *code = compile(b, tag);
    step_code = code;
    step_request = step_invalidate = UINT64_MAX;
    return code;
}

UNITTEST(jit_self_loop)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    ir_insn_start(b, 0x800, 0, 0);
    ir_add(b, r[0], r[0], r[1]);
    ir_call(b, HELPER(jt_step), IR_VAL_NONE, r[0]);
    const void *code = self_loop_end(b, r[3], 0x8000);

    /* unchained: one iteration */
    Env env = { .r = { 0, 3, 30, 0 } };
    steps = 0;
    uintptr_t ret = jit_exec(jit, &env, code);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT0);
    CHECK_U64(env.r[0], 3);
    CHECK_U64(env.r[3], 0x800);

    /* chained to itself: runs to the end in one go */
    jit_chain(jit, code, 0, code);
    ret = jit_exec(jit, &env, code);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT1);
    CHECK_U64(env.r[0], 30);
    CHECK_U64(env.r[1], 3);
    CHECK_U64(env.r[3], 0x900);
    CHECK_INT(steps, 10);

    /* the exit request stops it after the iteration that raised it */
    env.r[0] = 0;
    step_request = 12;
    ret = jit_exec(jit, &env, code);
    CHECK(jit_exit_tag(ret) == (void *)0x8000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_REQUESTED);
    CHECK_U64(env.r[0], 12);
    env.exit_request = 0;
    step_request = UINT64_MAX;
    ret = jit_exec(jit, &env, code);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT1);
    CHECK_U64(env.r[0], 30);

    /* invalidated from inside the loop: the back edge takes the exit */
    env.r[0] = 0;
    step_invalidate = 9;
    ret = jit_exec(jit, &env, code);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT0);
    CHECK_U64(env.r[0], 9);
    CHECK_U64(env.r[3], 0x800);
    /* and it is not chained to itself again */
    jit_chain(jit, code, 0, code);
    ret = jit_exec(jit, &env, code);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_REQUESTED);
    CHECK_U64(env.r[0], 9);
    step_invalidate = UINT64_MAX;
    ir_builder_free(b);
}

/* A self-loop whose body writes r3 before it reads it (strings' strlen
 * loop writes three such globals): r3 crosses the back edge dirty in its
 * header register, unstored.  A helper that reads env in the next
 * iteration before the rewrite must find the previous iteration's value,
 * and the loop's exit, the exit request at the back edge and a raise
 * (which restores the state at its instruction) must all leave r3 home. */
UNITTEST(jit_self_loop_write_first)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    IrLabel go_on = ir_new_label(b);
    ir_insn_start(b, 0x800, 0, 0);
    ir_call(b, HELPER(jt_see), IR_VAL_NONE, r[0]);
    ir_brcond_imm(b, IR_COND_NE, r[0], 20, go_on);
    ir_call(b, HELPER(jt_raise), IR_VAL_NONE, ir_const(b, IR_I64, 7));
    ir_set_label(b, go_on);
    ir_insn_start(b, 0x804, 0, 0);
    ir_shl_imm(b, r[3], r[0], 1);                   /* r3 = 2 * r0, written first */
    ir_add(b, r[0], r[0], r[1]);
    ir_call(b, HELPER(jt_step), IR_VAL_NONE, r[0]);
    const void *code = self_loop_end(b, r[1], 0xb000);  /* the exits' pc in r1 */
    jit_chain(jit, code, 0, code);

    /* r0 = 0, 3, ..., 27, 30: each call sees the r3 of the iteration before */
    Env env = { .r = { 0, 3, 30, 5 } };
    nseen_r3 = 0;
    uintptr_t ret = jit_exec(jit, &env, code);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT1);
    CHECK_U64(env.r[0], 30);
    CHECK_U64(env.r[3], 54);
    CHECK_INT(nseen_r3, 10);
    CHECK_U64(seen_r3[0], 5);               /* the entry's */
    CHECK_U64(seen_r3[1], 0);
    CHECK_U64(seen_r3[9], 48);

    /* the exit request at the back edge */
    env = (Env){ .r = { 0, 3, 30, 5 } };
    step_request = 12;
    ret = jit_exec(jit, &env, code);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_REQUESTED);
    CHECK_U64(env.r[0], 12);
    CHECK_U64(env.r[3], 18);
    env.exit_request = 0;
    step_request = UINT64_MAX;

    /* a raise in the iteration that starts with r0 = 20: r3 is that of the
     * iteration before, which started with r0 = 17 */
    env = (Env){ .r = { 2, 3, 30, 5 } };
    if (sigsetjmp(jb, 0) == 0) {
        jit_exec(jit, &env, code);
        CHECK(false);
    }
    CHECK(seen_found);
    CHECK_INT(seen_insn, 0);
    CHECK_U64(env.r[0], 20);
    CHECK_U64(env.r[3], 34);
    ir_builder_free(b);
}

/* A self-loop with a side exit before its body, as bench/user's pchase
 * tree search makes: r0, written in the body, goes over the back edge in
 * the header's register without a store, so whatever leaves the loop must
 * store it: the side exit (taken mid-loop), the exit request at the back
 * edge, and the unchained back edge.  A loop slot chained to another
 * block must stay unchained (that block would read r0 from env). */
UNITTEST(jit_self_loop_side_exit)
{
    setup();
    IrBuilder *b = ir_builder_new(ctx);
    /* the other block: r1 = 0; exit SLOT1 */
    ir_insn_start(b, 0x800, 0, 0);
    ir_movi(b, r[1], 0);
    ir_exit_tb(b, IR_EXIT_SLOT1);
    const void *other = compile(b, 0x9000);

    IrLabel body = ir_new_label(b);
    ir_insn_start(b, 0x800, 0, 0);
    ir_brcond(b, IR_COND_NE, r[0], r[2], body);
    ir_goto_tb(b, 2);
    ir_movi(b, r[3], 0xa00);
    ir_exit_tb(b, IR_EXIT_SLOT2);
    ir_set_label(b, body);
    ir_add(b, r[0], r[0], r[1]);
    ir_call(b, HELPER(jt_step), IR_VAL_NONE, r[0]);     /* syncs nothing */
    ir_goto_tb(b, 0);
    ir_movi(b, r[3], 0x800);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    const void *code = compile(b, 0xa000);
    step_code = code;
    step_request = step_invalidate = UINT64_MAX;

    /* chained elsewhere: not taken, one iteration and out */
    Env env = { .r = { 0, 3, 30, 0 } };
    jit_chain(jit, code, 0, other);
    uintptr_t ret = jit_exec(jit, &env, code);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT0);
    CHECK_U64(env.r[0], 3);
    CHECK_U64(env.r[1], 3);
    CHECK_U64(env.r[3], 0x800);

    /* chained to itself: leaves by the side exit with r0 home */
    jit_chain(jit, code, 0, code);
    steps = 0;
    ret = jit_exec(jit, &env, code);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT2);
    CHECK_U64(env.r[0], 30);
    CHECK_U64(env.r[3], 0xa00);
    CHECK_INT(steps, 9);

    /* the exit request at the back edge stores r0 too */
    env.r[0] = 0;
    step_request = 15;
    ret = jit_exec(jit, &env, code);
    CHECK(jit_exit_tag(ret) == (void *)0xa000);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_REQUESTED);
    CHECK_U64(env.r[0], 15);
    env.exit_request = 0;
    step_request = UINT64_MAX;
    ret = jit_exec(jit, &env, code);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT2);
    CHECK_U64(env.r[0], 30);

    /* invalidated from inside the loop: the back edge's exit stores it */
    env.r[0] = 0;
    step_invalidate = 6;
    ret = jit_exec(jit, &env, code);
    CHECK_INT(jit_exit_value(ret), IR_EXIT_SLOT0);
    CHECK_U64(env.r[0], 6);
    step_invalidate = UINT64_MAX;
    ir_builder_free(b);
}
