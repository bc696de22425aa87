/*
 * JIT vs interpreter micro-benchmark on IR alone (no guest): the same
 * blocks run by ir_interp_run and by the JIT, timed side by side.
 *   loop:  one block with an internal backward branch, 10 ops per
 *          iteration on globals and temps (add, xor, shifts, mul, a guest
 *          load and store in user-mode memory, a compare-and-branch);
 *   short: a 12-op straight-line block (the shape of a translated guest
 *          basic block) entered again and again from C, so per-block
 *          entry/exit costs are in the measure.
 * Build and run: bench/jit_loop.sh (after ninja -C build).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ir/interp.h"
#include "ir/ir.h"
#include "jit/jit.h"

typedef struct Env {
    uint32_t exit_request, pad;
    uint64_t r[8];
} Env;

static uint8_t mem[4096];

static uint64_t rt_ld(void *env, uint64_t addr, MemOp mop, unsigned mmu)
{
    uint64_t v = 0;
    memcpy(&v, mem + addr, memop_size(mop));
    return v;
}

static void rt_st(void *env, uint64_t addr, uint64_t val, MemOp mop, unsigned mmu)
{
    memcpy(mem + addr, &val, memop_size(mop));
}

static const IrRuntime rt = { .guest_ld = rt_ld, .guest_st = rt_st };

static uint64_t slow_ld(void *env, uint64_t addr, uint32_t oi)
{
    return rt_ld(env, addr, JIT_OI_MEMOP(oi), 0);
}

static void slow_st(void *env, uint64_t addr, uint64_t val, uint32_t oi)
{
    rt_st(env, addr, val, JIT_OI_MEMOP(oi), 0);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static IrVal r[8];

static void build_loop(IrBuilder *b)
{
    IrLabel top = ir_new_label(b);
    IrVal t = ir_new_temp(b, IR_I64), a = ir_new_temp(b, IR_I64);
    ir_insn_start(b, 0, 0, 0);
    ir_set_label(b, top);
    ir_add(b, r[1], r[1], r[0]);            /* acc += i */
    ir_shl_imm(b, t, r[1], 3);
    ir_xor(b, r[2], r[2], t);
    ir_mul(b, r[3], r[3], r[2]);
    ir_and_imm(b, a, r[0], 0xff8);
    ir_guest_ld(b, t, a, MO_UQ, 0);
    ir_add(b, t, t, r[3]);
    ir_guest_st(b, t, a, MO_UQ, 0);
    ir_sub_imm(b, r[0], r[0], 1);
    ir_brcond_imm(b, IR_COND_NE, r[0], 0, top);
    ir_exit_tb(b, IR_EXIT_NORMAL);
}

static void build_short(IrBuilder *b)
{
    IrVal t = ir_new_temp(b, IR_I64);
    for (int i = 0; i < 4; i++) {
        ir_insn_start(b, 4 * i, 0, 0);
        ir_add_imm(b, r[4 + i % 3], r[4 + i % 3], i + 1);
    }
    ir_shr_imm(b, t, r[4], 2);
    ir_xor(b, r[5], r[5], t);
    ir_sub(b, r[6], r[6], r[5]);
    ir_setcond(b, IR_COND_LTU, t, r[6], r[4]);
    ir_add(b, r[7], r[7], t);
    ir_sub_imm(b, r[0], r[0], 1);
    ir_exit_tb(b, IR_EXIT_NORMAL);
}

int main(int argc, char **argv)
{
    uint64_t iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000000;
    IrContext *ctx = ir_context_new();
    for (int i = 0; i < 8; i++) {
        char n[4] = { 'r', (char)('0' + i), 0 };
        r[i] = ir_global(ctx, IR_I64, (int32_t)offsetof(Env, r[i]), n);
    }
    JitConfig cfg = { .exit_request_offset = 0,
                      .mem = { .mode = JIT_MEM_DIRECT, .guest_base = (uintptr_t)mem,
                               .ld = slow_ld, .st = slow_st } };
    Jit *jit = jit_new(&cfg, &error_fatal);
    IrBuilder *b = ir_builder_new(ctx);

    void (*builders[2])(IrBuilder *) = { build_loop, build_short };
    const char *names[2] = { "loop (10 ops/iter, in-block branch)", "short block (12 ops, re-entered)" };
    printf("%-40s %12s %12s %8s\n", "benchmark", "interp ns/it", "jit ns/it", "speedup");
    for (int k = 0; k < 2; k++) {
        ir_builder_reset(b);
        builders[k](b);
        ir_optimize(b);
        IrCode *code = ir_interp_compile(b, &error_fatal);
        const void *host = jit_compile(jit, b, (void *)0x1000, &error_fatal);
        uint64_t n = k == 0 ? iters : iters / 4;
        Env e1 = { .r = { n } }, e2 = { .r = { n } };
        uint32_t idx;

        memset(mem, 0, sizeof(mem));
        double t0 = now();
        if (k == 0) {
            ir_interp_run(code, &e1, &rt, &idx);
        } else {
            while (e1.r[0]) {
                ir_interp_run(code, &e1, &rt, &idx);
            }
        }
        double t1 = now();
        uint64_t sum1 = 0;
        for (size_t i = 0; i < sizeof(mem); i++) {
            sum1 = sum1 * 31 + mem[i];
        }
        memset(mem, 0, sizeof(mem));
        double t2 = now();
        if (k == 0) {
            jit_exec(jit, &e2, host);
        } else {
            while (e2.r[0]) {
                jit_exec(jit, &e2, host);
            }
        }
        double t3 = now();
        uint64_t sum2 = 0;
        for (size_t i = 0; i < sizeof(mem); i++) {
            sum2 = sum2 * 31 + mem[i];
        }
        bool same = memcmp(&e1, &e2, sizeof(e1)) == 0 && sum1 == sum2;
        double ni = (t1 - t0) * 1e9 / n, nj = (t3 - t2) * 1e9 / n;
        printf("%-40s %12.2f %12.2f %7.1fx%s\n", names[k], ni, nj, ni / nj,
               same ? "" : "  STATES DIFFER");
        ir_interp_free(code);
    }
    ir_builder_free(b);
    jit_free(jit);
    return 0;
}
