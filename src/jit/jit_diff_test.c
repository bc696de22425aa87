/*
 * Differential tests of the JIT against the interpreter, its reference:
 *  - per-op edge cases: every pure op, both widths, on the values where
 *    ISAs differ (0, 1, -1, INT_MIN/INT_MAX, shift counts at and past the
 *    width...), once with inputs in globals and once with the second input
 *    a constant (the immediate forms), checked against ir_eval_pure;
 *  - random blocks: thousands of generated IR blocks (every op kind,
 *    forward branches, side exits (goto_tb 2 and 3 mid-block), constants,
 *    TB and EBB temps, globals of both widths,
 *    env loads/stores, guest memory of every MemOp, atomics, helper calls)
 *    run by both backends from the same start state; the CPU state, the
 *    guest memory and the exit value must be identical.  Guest memory is
 *    reached directly (user mode) and through a fake soft-MMU TLB whose
 *    entry is valid or not (fast and slow paths);
 *  - faulting blocks: random blocks some of whose accesses reach a page
 *    that faults (a PROT_NONE page: SIGSEGV from the inline access in
 *    direct mode; the slow path in TLB mode), with many dirty globals in
 *    registers: the state at the fault (globals written from the fault
 *    map or by the slow path) and the faulting guest insn must be the
 *    interpreter's.
 * A failure prints the seed and the block.
 */
#include <assert.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ir/helper.h"
#include "ir/interp.h"
#include "ir/ir.h"
#include "jit/jit.h"
#include "util/unittest.h"

#define MEM_SIZE 4096
#define NG 6            /* globals per width used as operands */
#define NTB 8           /* TB temps per width in random blocks */

typedef struct FakeTlbEntry {
    uint64_t addr_read, addr_write, addr_code;
    uintptr_t addend;
} FakeTlbEntry;

typedef struct FakeTlbDesc {
    uint64_t index_mask;
    FakeTlbEntry *table;
} FakeTlbDesc;

typedef struct FakeEnv {
    uint32_t exit_request;
    uint32_t pad;
    uint64_t r[NG + 2];         /* r[NG]: bumped by jtest_bump */
    uint32_t w[NG + 2];
    uint8_t scratch[64];        /* env ld/st */
    uint64_t dump[32];          /* TB temps at the end */
    uint64_t misses;            /* jtest_miss's calls, hashed */
    FakeTlbDesc tlb[2];
    JitFrame frame;
} FakeEnv;

/* [0, MEM_SIZE) is guest memory; FAULT_ADDR.. is a PROT_NONE page (after
 * a readable one, so no access near MEM_SIZE faults by accident) */
#define FAULT_ADDR (2 * MEM_SIZE)
static uint8_t *guest_mem;
static FakeTlbEntry tlb_table[2][4];

/* ---- helpers --------------------------------------------------------- */

uint64_t helper_jtest_mix(void *env, uint64_t a, uint32_t b);
void helper_jtest_bump(void *env, uint64_t a);
uint64_t helper_jtest_six(void *env, uint64_t a, uint32_t b, uint64_t c, uint32_t d, uint64_t e,
                          uint64_t f);
uint32_t helper_jtest_ret32(void *env, uint32_t a);
uint64_t helper_jtest_miss(void *env, uint64_t a, uint64_t b, uint32_t c, uint64_t d,
                           uint32_t e);

uint64_t helper_jtest_mix(void *env, uint64_t a, uint32_t b)
{
    return a * 31 + b;
}

void helper_jtest_bump(void *env, uint64_t a)
{
    FakeEnv *fe = env;
    fe->r[NG] = fe->r[NG] * 3 + a;
    fe->r[0] ^= fe->w[1];       /* reads and writes globals */
}

uint64_t helper_jtest_six(void *env, uint64_t a, uint32_t b, uint64_t c, uint32_t d, uint64_t e,
                          uint64_t f)
{
    return a + 3 * b + 5 * c + 7 * (uint64_t)d + 11 * e + 13 * f;
}

uint32_t helper_jtest_ret32(void *env, uint32_t a)
{
    return a * 0x9e3779b9u;
}

/* C may use every xmm register (all caller-saved): the test's C paths do,
 * so that a JIT that trusts one to survive a call fails here. */
static void clobber_xmm(void)
{
    __asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n\tpcmpeqd %%xmm1, %%xmm1\n\t"
                     "pcmpeqd %%xmm2, %%xmm2\n\tpcmpeqd %%xmm3, %%xmm3\n\t"
                     "pcmpeqd %%xmm4, %%xmm4\n\tpcmpeqd %%xmm5, %%xmm5\n\t"
                     "pcmpeqd %%xmm6, %%xmm6\n\tpcmpeqd %%xmm7, %%xmm7\n\t"
                     "pcmpeqd %%xmm8, %%xmm8\n\tpcmpeqd %%xmm9, %%xmm9\n\t"
                     "pcmpeqd %%xmm10, %%xmm10\n\tpcmpeqd %%xmm11, %%xmm11\n\t"
                     "pcmpeqd %%xmm12, %%xmm12\n\tpcmpeqd %%xmm13, %%xmm13\n\t"
                     "pcmpeqd %%xmm14, %%xmm14\n\tpcmpeqd %%xmm15, %%xmm15"
                     ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                         "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
                         "xmm15");
}

uint64_t helper_jtest_miss(void *env, uint64_t a, uint64_t b, uint32_t c, uint64_t d,
                           uint32_t e)
{
    FakeEnv *fe = env;
    clobber_xmm();
    fe->misses = fe->misses * 7 + a + 3 * b;
    return a ^ (b * 5) ^ c ^ (d << 1) ^ ((uint64_t)e << 40);
}

#define IR_HELPER_DEFS "jit/jit_diff_test_helpers.def"
#include "ir/helper_gen.h"
#define IR_HELPER_DEFS "jit/jit_diff_test_helpers.def"
#define IR_HELPER_GEN_INFO
#include "ir/helper_gen.h"

/* ---- guest memory, shared by both backends ----------------------------- */

/* Faulting blocks: an access at FAULT_ADDR or above leaves the block for
 * fault_jb, as cpu_loop_exit does, recording the guest insn it was in. */
static sigjmp_buf fault_jb;
static Jit *fault_jit;              /* the JIT running a faulting block */
static void *fault_env;
static volatile bool fault_seen;
static volatile uint32_t fault_insn;
static volatile bool fault_insn_found;

static void fault_leave(Jit *jit, uintptr_t host_pc)
{
    void *tag;
    uint32_t insn = 0;
    fault_seen = true;
    fault_insn_found = jit ? jit_find_insn(jit, host_pc, &tag, &insn) : false;
    fault_insn = insn;
    siglongjmp(fault_jb, 1);
}

static void fault_check(uint64_t addr, Jit *jit, uintptr_t ra)
{
    if (addr >= FAULT_ADDR) {
        fault_leave(jit, ra);
    }
}

/* SIGSEGV from an inline access in direct mode: what user mode's handler
 * does (cpu_restore_state_from_fault). */
static void fault_on_segv(int sig, siginfo_t *info, void *ucv)
{
    ucontext_t *uc = ucv;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (!fault_jit || !jit_contains(fault_jit, pc)) {
        signal(sig, SIG_DFL);       /* not ours: crash on return */
        return;
    }
    jit_restore_fault(fault_jit, pc, fault_env, uc);
    fault_leave(fault_jit, pc + 1);
}

static uint64_t mem_ld(uint64_t addr, MemOp mop)
{
    unsigned size = memop_size(mop);
    uint64_t v = 0;
    memcpy(&v, guest_mem + (addr % MEM_SIZE), size);
    if (mop & MO_BE) {
        v = __builtin_bswap64(v) >> (64 - 8 * size);
    }
    if ((mop & MO_SIGN) && size < 8) {
        v = (uint64_t)((int64_t)(v << (64 - 8 * size)) >> (64 - 8 * size));
    }
    return v;
}

static void mem_st(uint64_t addr, uint64_t v, MemOp mop)
{
    unsigned size = memop_size(mop);
    if (mop & MO_BE) {
        v = __builtin_bswap64(v) >> (64 - 8 * size);
    }
    memcpy(guest_mem + (addr % MEM_SIZE), &v, size);
}

static uint64_t mem_atomic(IrOpcode opc, uint64_t addr, uint64_t val, uint64_t newv, MemOp mop)
{
    unsigned size = memop_size(mop);
    unsigned sh = 64 - 8 * size;
    uint64_t old = mem_ld(addr, mop & ~MO_SIGN);
    int64_t so = (int64_t)(old << sh) >> sh, sv = (int64_t)(val << sh) >> sh;
    uint64_t uv = (val << sh) >> sh;
    uint64_t n;
    switch (opc) {
    case IR_OP_atomic_cmpxchg: n = old == ((val << sh) >> sh) ? newv : old; break;
    case IR_OP_atomic_xchg: n = val; break;
    case IR_OP_atomic_fetch_add: n = old + val; break;
    case IR_OP_atomic_fetch_and: n = old & val; break;
    case IR_OP_atomic_fetch_or: n = old | val; break;
    case IR_OP_atomic_fetch_xor: n = old ^ val; break;
    case IR_OP_atomic_fetch_smin: n = so < sv ? old : val; break;
    case IR_OP_atomic_fetch_smax: n = so > sv ? old : val; break;
    case IR_OP_atomic_fetch_umin: n = old < uv ? old : val; break;
    default: n = old > uv ? old : val; break;
    }
    mem_st(addr, n, mop & ~MO_SIGN);
    return (mop & MO_SIGN) ? (uint64_t)so : old;
}

static uint64_t rt_ld(void *env, uint64_t addr, MemOp mop, unsigned mmu_idx)
{
    fault_check(addr, NULL, 0);
    return mem_ld(addr, mop);
}

static void rt_st(void *env, uint64_t addr, uint64_t val, MemOp mop, unsigned mmu_idx)
{
    fault_check(addr, NULL, 0);
    mem_st(addr, val, mop);
}

static uint64_t rt_atomic(void *env, IrOpcode opc, uint64_t addr, uint64_t val, uint64_t newv,
                          MemOp mop, unsigned mmu_idx)
{
    return mem_atomic(opc, addr, val, newv, mop);
}

static const IrRuntime interp_rt = { .guest_ld = rt_ld, .guest_st = rt_st, .guest_atomic = rt_atomic };

static unsigned slow_calls;

static __attribute__((noinline)) uint64_t jit_slow_ld(void *env, uint64_t addr, uint32_t oi)
{
    fault_check(addr, fault_jit, (uintptr_t)__builtin_return_address(0));
    slow_calls++;
    clobber_xmm();
    return mem_ld(addr, JIT_OI_MEMOP(oi));
}

static __attribute__((noinline)) void jit_slow_st(void *env, uint64_t addr, uint64_t val,
                                                 uint32_t oi)
{
    fault_check(addr, fault_jit, (uintptr_t)__builtin_return_address(0));
    slow_calls++;
    clobber_xmm();
    mem_st(addr, val, JIT_OI_MEMOP(oi));
}

static uint64_t jit_slow_atomic(void *env, uint64_t addr, uint64_t val, uint64_t newv,
                                uint32_t oi)
{
    return mem_atomic(JIT_OI_OPC(oi), addr, val, newv, JIT_OI_MEMOP(oi));
}

/* ---- set-up -------------------------------------------------------------- */

static IrContext *ctx;
static IrVal g64[NG + 2], g32[NG + 2];
static Jit *jit_direct, *jit_tlb, *jit_plain;

static Jit *make_jit(JitMemMode mode, bool no_ext)
{
    JitConfig cfg = {
        .code_size = 1 << 20,
        .frame_offset = (int32_t)offsetof(FakeEnv, frame),
        .exit_request_offset = (int32_t)offsetof(FakeEnv, exit_request),
        .no_host_extensions = no_ext,
        .mem = {
            .mode = mode,
            .guest_base = (uintptr_t)guest_mem,
            .no_guest_base_segment = no_ext,
            .tlb_offset = (int32_t)offsetof(FakeEnv, tlb),
            .tlb_stride = sizeof(FakeTlbDesc),
            .tlb_mask_field = (int32_t)offsetof(FakeTlbDesc, index_mask),
            .tlb_table_field = (int32_t)offsetof(FakeTlbDesc, table),
            .page_bits = 12,
            .entry_size_log2 = 5,
            .entry_read = (int32_t)offsetof(FakeTlbEntry, addr_read),
            .entry_write = (int32_t)offsetof(FakeTlbEntry, addr_write),
            .entry_addend = (int32_t)offsetof(FakeTlbEntry, addend),
            .ld = jit_slow_ld,
            .st = jit_slow_st,
            .atomic = jit_slow_atomic,
        },
    };
    return jit_new(&cfg, &error_abort);
}

static void setup(void)
{
    if (ctx) {
        return;
    }
    ctx = ir_context_new();
    guest_mem = mmap(NULL, FAULT_ADDR + 4096, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert(guest_mem != MAP_FAILED);
    CHECK(mprotect(guest_mem + FAULT_ADDR, 4096, PROT_NONE) == 0);
    struct sigaction sa = { .sa_sigaction = fault_on_segv, .sa_flags = SA_SIGINFO };
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
    for (int i = 0; i < NG + 2; i++) {
        char n[8];
        snprintf(n, sizeof(n), "r%d", i);
        g64[i] = ir_global(ctx, IR_I64, (int32_t)offsetof(FakeEnv, r[i]), n);
        snprintf(n, sizeof(n), "w%d", i);
        g32[i] = ir_global(ctx, IR_I32, (int32_t)offsetof(FakeEnv, w[i]), n);
    }
    jit_direct = make_jit(JIT_MEM_DIRECT, false);
    jit_tlb = make_jit(JIT_MEM_TLB, false);
    jit_plain = make_jit(JIT_MEM_DIRECT, true);
}

static void env_init(FakeEnv *env, uint64_t seed, bool tlb_valid)
{
    memset(env, 0, sizeof(*env));
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (int i = 0; i < NG + 2; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        env->r[i] = i % 3 == 0 ? x : i % 3 == 1 ? (x & 0xff) : (uint64_t)(int64_t)(int8_t)x;
        env->w[i] = (uint32_t)(x >> 17) ^ (i & 1 ? 0x80000000u : 0);
    }
    for (int k = 0; k < 2; k++) {
        env->tlb[k].index_mask = 3;
        env->tlb[k].table = tlb_table[k];
        for (int i = 0; i < 4; i++) {
            uint64_t tag = i == 0 && tlb_valid ? 0 : (1ull << 11);    /* TLB_INVALID */
            tlb_table[k][i] = (FakeTlbEntry){ tag, tag, tag, (uintptr_t)guest_mem };
        }
    }
    for (int i = 0; i < MEM_SIZE; i++) {
        guest_mem[i] = (uint8_t)(i * 7 + (seed & 0xff));
    }
}

/* ---- per-op edge cases ---------------------------------------------------- */

static const uint64_t edge64[] = {
    0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 65, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
    0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, ~1ull,
    0x123456789abcdef0ull, 0xfedcba9876543210ull,
};
#define NEDGE (sizeof(edge64) / sizeof(edge64[0]))

/* Run d = opc(a, b [, c, x]) with inputs from globals (konst: the last
 * input a constant) on jit; returns d. */
static uint64_t jit_op(Jit *jit, IrOpcode opc, IrType t, unsigned nin, const uint64_t *in,
                       const uint64_t *cs, unsigned ncs, bool konst)
{
    IrBuilder *b = ir_builder_new(ctx);
    FakeEnv env;
    env_init(&env, 1, true);
    IrVal *g = t == IR_I64 ? g64 : g32;
    IrVal ins[4], d = g[0];
    for (unsigned k = 0; k < nin; k++) {
        IrType it = t;
        if (opc == IR_OP_extrl_i64_i32 || opc == IR_OP_extrh_i64_i32) {
            it = IR_I64;
        } else if (opc == IR_OP_extu_i32_i64 || opc == IR_OP_exts_i32_i64) {
            it = IR_I32;
        }
        if (konst && k == nin - 1) {
            ins[k] = ir_const(b, it, in[k]);
        } else if (it == IR_I64) {
            ins[k] = g64[k + 1];
            env.r[k + 1] = in[k];
        } else {
            ins[k] = g32[k + 1];
            env.w[k + 1] = (uint32_t)in[k];
        }
    }
    ir_emit(b, opc, t, &d, 1, ins, nin, cs, ncs);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    ir_liveness(b);
    Error *err = NULL;
    const void *code = jit_compile(jit, b, (void *)(uintptr_t)0x1000, &err);
    CHECK(code != NULL);
    uint64_t r = 0;
    if (code) {
        uintptr_t ret = jit_exec(jit, &env, code);
        CHECK_U64(ret, 0x1000);
        r = t == IR_I64 ? env.r[0] : env.w[0];
    } else {
        error_free(err);
    }
    ir_builder_free(b);
    return r;
}

static unsigned edge_failures;

static void check_op(IrOpcode opc, IrType t, unsigned nin, const uint64_t *in,
                     const uint64_t *cs, unsigned ncs)
{
    uint64_t want;
    uint64_t inx[4];
    for (unsigned k = 0; k < 4; k++) {
        inx[k] = k < nin ? in[k] : 0;
        /* the interpreter's view of I32 inputs: zero-extended */
        bool in32 = t == IR_I32 ? !(opc == IR_OP_extrl_i64_i32 || opc == IR_OP_extrh_i64_i32)
                                : (opc == IR_OP_extu_i32_i64 || opc == IR_OP_exts_i32_i64);
        if (in32) {
            inx[k] = (uint32_t)inx[k];
        }
    }
    if (!ir_eval_pure(opc, t, inx, cs, &want)) {
        return;
    }
    Jit *jits[2] = { jit_direct, jit_plain };
    for (int j = 0; j < 2; j++) {
        for (int konst = 0; konst < 2; konst++) {
            uint64_t got = jit_op(jits[j], opc, t, nin, inx, cs, ncs, konst);
            if (got != want && edge_failures++ < 20) {
                unittest_fail(__FILE__, __LINE__,
                              "%s.%s(%#llx, %#llx, %#llx) c=(%llu,%llu)%s%s: jit %#llx, want %#llx",
                              ir_op_defs[opc].name, t == IR_I64 ? "i64" : "i32",
                              (unsigned long long)inx[0], (unsigned long long)inx[1],
                              (unsigned long long)inx[2], (unsigned long long)cs[0],
                              (unsigned long long)cs[1], konst ? " (imm)" : "",
                              j ? " (no ext)" : "", (unsigned long long)got,
                              (unsigned long long)want);
            }
        }
    }
}

static bool is_fp_op(unsigned opc)
{
    return (ir_op_defs[opc].flags & IR_OPF_FP_FAST) != 0;
}

UNITTEST(jit_ops_edge_cases)
{
    setup();
    for (int ti = 0; ti < 2; ti++) {
        IrType t = ti ? IR_I64 : IR_I32;
        unsigned width = ti ? 64 : 32;
        for (unsigned opc = 0; opc < IR_OP_COUNT; opc++) {
            const IrOpDef *def = &ir_op_defs[opc];
            if (!(def->flags & IR_OPF_PURE) || def->nout != 1 || opc == IR_OP_movi) {
                continue;
            }
            if ((def->flags & IR_OPF_I64) && t != IR_I64) {
                continue;
            }
            if (def->flags & IR_OPF_CONV) {
                bool to64 = opc == IR_OP_extu_i32_i64 || opc == IR_OP_exts_i32_i64;
                if (to64 != (t == IR_I64)) {
                    continue;
                }
            }
            if (is_fp_op(opc)) {
                continue;       /* jit_fp_ops_edge_cases */
            }
            uint64_t cs[3] = { 0, 0, 0 };
            if (opc == IR_OP_setcond || opc == IR_OP_movcond) {
                for (unsigned c = 0; c < IR_COND_COUNT; c++) {
                    cs[0] = c;
                    for (unsigned i = 0; i < NEDGE; i += 3) {
                        for (unsigned j = 0; j < NEDGE; j += 2) {
                            uint64_t in[4] = { edge64[i], edge64[j], 0x1111, 0x2222 };
                            check_op(opc, t, def->nin, in, cs, def->nconst);
                        }
                    }
                }
                continue;
            }
            if (opc == IR_OP_deposit || opc == IR_OP_extract || opc == IR_OP_sextract) {
                static const unsigned pl[][2] = { { 0, 1 }, { 0, 8 }, { 0, 16 }, { 0, 32 },
                                                  { 3, 5 }, { 8, 8 }, { 31, 1 }, { 1, 31 },
                                                  { 16, 16 }, { 0, 64 }, { 63, 1 }, { 20, 40 },
                                                  { 32, 32 }, { 7, 50 } };
                for (unsigned p = 0; p < sizeof(pl) / sizeof(pl[0]); p++) {
                    if (pl[p][0] + pl[p][1] > width) {
                        continue;
                    }
                    cs[0] = pl[p][0];
                    cs[1] = pl[p][1];
                    for (unsigned i = 0; i < NEDGE; i += 2) {
                        uint64_t in[2] = { edge64[i], edge64[NEDGE - 1 - i] };
                        check_op(opc, t, def->nin, in, cs, def->nconst);
                    }
                }
                continue;
            }
            for (unsigned i = 0; i < NEDGE; i++) {
                for (unsigned j = 0; j < (def->nin > 1 ? NEDGE : 1); j++) {
                    uint64_t in[2] = { edge64[i], edge64[j] };
                    check_op(opc, t, def->nin, in, cs, def->nconst);
                }
            }
        }
    }
}

/* The binary64 fast paths on IEEE's corners: signed zeros, the subnormal
 * range's ends, the smallest normals (the ops' domain starts at biased
 * exponent 2), 1 and its neighbours, the largest finite values,
 * infinities, quiet and signalling NaNs, the 64- and 32-bit integer
 * ranges' ends (the conversions); then random doubles.  The JIT's
 * SSE2/FMA3 lowering must give the interpreter's bits exactly, including
 * the 0 that sends a caller to its exact path. */
static const uint64_t edge_f64[] = {
    0, 0x8000000000000000ull, 1, 0x800fffffffffffffull, 0x0010000000000000ull,
    0x8010000000000001ull, 0x001fffffffffffffull, 0x0020000000000000ull, 0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x3ff0000000000001ull, 0x4000000000000000ull, 0x3fe0000000000000ull,
    0x3ca0000000000000ull, 0x7fefffffffffffffull, 0xffe0000000000000ull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull, 0xfff8000000000001ull,
    0x400921fb54442d18ull, 0xc00921fb54442d18ull, 0x2000000000000000ull, 0x1ff0000000000001ull,
    0x5fe0000000000000ull, 0x43e0000000000000ull, 0xc3e0000000000000ull, 0x43dfffffffffffffull,
    0xc1e0000000000000ull,
};
#define NEDGE_F64 (sizeof(edge_f64) / sizeof(edge_f64[0]))

/* binary32 corners, with junk in the high halves the ops must ignore */
static const uint64_t edge_f32[] = {
    0, 0x80000000, 1, 0x807fffff, 0x00800000, 0x80800001, 0x00ffffff, 0x01000000, 0x3f800000,
    0xbf800000, 0x3f800001, 0x40000000, 0x3f000000, 0x33800000, 0x7f7fffff, 0xff000000,
    0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffc00001, 0x40490fdb,
    0xffffffff20000000ull, 0x123456781f800001ull, 0xffffffff5f000000ull, 0xdf000000, 0x5effffff,
    0xcf000000,
};
#define NEDGE_F32 (sizeof(edge_f32) / sizeof(edge_f32[0]))

/* binary32 operands (cvt_f32_f64 too; cvt_f64_f32 reads a binary64) */
static bool is_f32_op(unsigned opc)
{
    return (ir_op_defs[opc].flags & IR_OPF_FP32) != 0;
}

static void check_fp_op(unsigned opc, uint64_t a, uint64_t b, uint64_t c, uint64_t cst)
{
    const IrOpDef *def = &ir_op_defs[opc];
    uint64_t in[3] = { a, b, c }, cs[3] = { cst, 0, 0 };
    check_op((IrOpcode)opc, IR_I64, def->nin, in, cs, def->nconst);
}

UNITTEST(jit_fp_ops_edge_cases)
{
    setup();
    for (unsigned opc = 0; opc < IR_OP_COUNT; opc++) {
        if (!is_fp_op(opc)) {
            continue;
        }
        bool f32 = is_f32_op(opc);
        const uint64_t *edge = f32 ? edge_f32 : edge_f64;
        unsigned nedge = f32 ? NEDGE_F32 : NEDGE_F64;
        unsigned ncst = opc == IR_OP_fma_f64 || opc == IR_OP_fma_f32 ? 4
                      : opc == IR_OP_fcmp_f64 || opc == IR_OP_fcmp_f32 ? 3
                      : opc == IR_OP_fminmax_f64 || opc == IR_OP_fminmax_f32 ? 2 : 1;
        for (unsigned i = 0; i < nedge; i++) {
            for (unsigned j = 0; j < nedge; j++) {
                uint64_t c = edge[(i * 7 + j * 3) % nedge];
                for (unsigned k = 0; k < ncst; k++) {
                    check_fp_op(opc, edge[i], edge[j], c, k);
                }
            }
        }
    }
    /* random doubles, mostly in the fast paths' domain */
    uint64_t rng = 0xf00d;
    for (unsigned n = 0; n < 300; n++) {
        uint64_t v[3];
        for (unsigned k = 0; k < 3; k++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            uint64_t exp = (rng >> 40) % 16 ? 0x3ff - 60 + (rng >> 20) % 120 : (rng >> 20) % 0x800;
            v[k] = (rng & 1) << 63 | exp << 52 | ((rng >> 7) & 0x000fffffffffffffull);
        }
        for (unsigned opc = 0; opc < IR_OP_COUNT; opc++) {
            if (!is_fp_op(opc)) {
                continue;
            }
            unsigned k = n % (opc == IR_OP_fma_f64 || opc == IR_OP_fma_f32 ? 4 : 3);
            if (is_f32_op(opc)) {
                /* a binary32 with a moderate exponent, junk above */
                uint64_t w[3];
                for (unsigned x = 0; x < 3; x++) {
                    uint64_t e32 = (v[x] >> 52 & 0xff) % 16 ? 127 - 30 + (v[x] >> 52) % 60
                                                           : (v[x] >> 52) & 0xff;
                    w[x] = (v[x] & 0xffffffff00000000ull) | (v[x] >> 63) << 31 | e32 << 23 |
                           (v[x] & 0x7fffff);
                }
                check_fp_op(opc, w[0], w[1], w[2], k);
            } else {
                check_fp_op(opc, v[0], v[1], v[2], k);
            }
        }
    }
}

/* ---- random blocks ------------------------------------------------------- */

typedef struct Gen {
    IrBuilder *b;
    uint64_t rng;
    bool faults;                /* some accesses reach FAULT_ADDR */
    uint32_t ninsns;            /* insn_starts so far (faulting blocks) */
    IrVal tb[2][NTB];           /* TB temps [is64][i] */
    IrLabel pending[8];
    unsigned npending;
    unsigned nside;                 /* side exits made (goto_tb 2, 3) */
} Gen;

static uint64_t rnd(Gen *g)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 7;
    g->rng ^= g->rng << 17;
    return g->rng;
}

static unsigned rn(Gen *g, unsigned n)
{
    return (unsigned)(rnd(g) % n);
}

static IrVal pick_dst(Gen *g, IrType t)
{
    bool is64 = t == IR_I64;
    unsigned k = rn(g, NG + NTB);
    if (k < NG) {
        return is64 ? g64[k] : g32[k];
    }
    return g->tb[is64][k - NG];
}

static IrVal pick_src(Gen *g, IrType t)
{
    if (rn(g, 4) == 0) {
        uint64_t v = rn(g, 2) ? edge64[rn(g, NEDGE)] : rnd(g);
        return ir_const(g->b, t, v);
    }
    return pick_dst(g, t);
}

static IrCond pick_cond(Gen *g)
{
    return (IrCond)rn(g, IR_COND_COUNT);    /* NEVER and ALWAYS too */
}

static const IrOpcode bin_ops[] = {
    IR_OP_add, IR_OP_sub, IR_OP_mul, IR_OP_mulsh, IR_OP_muluh, IR_OP_div, IR_OP_divu,
    IR_OP_rem, IR_OP_remu, IR_OP_and, IR_OP_or, IR_OP_xor, IR_OP_andc, IR_OP_orc, IR_OP_eqv,
    IR_OP_nand, IR_OP_nor, IR_OP_shl, IR_OP_shr, IR_OP_sar, IR_OP_rotl, IR_OP_rotr,
    IR_OP_clz, IR_OP_ctz,
};
static const IrOpcode un_ops[] = {
    IR_OP_mov, IR_OP_neg, IR_OP_not, IR_OP_ctpop, IR_OP_bswap16, IR_OP_bswap32, IR_OP_ext8s,
    IR_OP_ext8u, IR_OP_ext16s, IR_OP_ext16u, IR_OP_bswap64, IR_OP_ext32s, IR_OP_ext32u,
};

static void gen_mem(Gen *g)
{
    IrBuilder *b = g->b;
    IrType t = rn(g, 2) ? IR_I64 : IR_I32;
    unsigned size_log2 = rn(g, t == IR_I64 ? 4 : 3);
    MemOp mop = (MemOp)size_log2;
    if (rn(g, 3) == 0 && size_log2 < (t == IR_I64 ? 3u : 2u)) {
        mop |= MO_SIGN;
    }
    if (rn(g, 4) == 0) {
        mop |= MO_BE;
    }
    bool atomic = rn(g, 5) == 0;
    bool aligned = atomic || rn(g, 3) == 0;
    if (aligned && !atomic) {
        mop |= MO_ALIGN;
    }
    /* addr = (src & mask) in an EBB temp: inside the page, aligned if asked */
    IrVal addr = ir_new_ebb_temp(b, IR_I64);
    uint64_t mask = (MEM_SIZE - 8) & ~(uint64_t)(aligned ? memop_size(mop) - 1 : 0);
    /* or addr = base + imm, imm a multiple of 8 in [8, 56]: rs1 + imm, the
     * shape user mode folds into the access (emit_fused_access) */
    bool split = !atomic && rn(g, 2) == 0;
    IrVal base = split ? ir_new_ebb_temp(b, IR_I64) : addr;
    ir_and_imm(b, base, pick_dst(g, IR_I64), (int64_t)(split ? mask & ~(uint64_t)63 : mask));
    int64_t imm = 8 * (1 + (int64_t)rn(g, 7));
    unsigned mmu = rn(g, 2);
    if (atomic) {
        IrVal d = pick_dst(g, t);
        if (rn(g, 3) == 0) {
            ir_atomic_cmpxchg(b, d, addr, pick_src(g, t), pick_src(g, t), mop & ~MO_BE, mmu);
        } else {
            IrOpcode opc = (IrOpcode)(IR_OP_atomic_xchg + rn(g, 9));
            ir_atomic_rmw(b, opc, d, addr, pick_src(g, t), mop & ~MO_BE, mmu);
        }
    } else if (rn(g, 2)) {
        if (g->faults && rn(g, 6) == 0) {
            ir_or_imm(b, base, base, FAULT_ADDR);
        }
        if (split) {
            ir_add_imm(b, addr, base, imm);
        }
        ir_guest_ld(b, pick_dst(g, t), addr, mop, mmu);
    } else {
        if (g->faults && rn(g, 6) == 0) {
            ir_or_imm(b, base, base, FAULT_ADDR);
        }
        if (split) {
            ir_add_imm(b, addr, base, imm);
        }
        ir_guest_st(b, pick_src(g, t), addr, mop & ~MO_SIGN, mmu);
    }
}

/* call_miss: after an FP fast op (the JIT fuses its domain test with the
 * branch to the stub), or on any value with one of the frontend's miss
 * values; operands anywhere (globals, temps, constants, the same twice),
 * results into globals or TB temps. */
static void gen_call_miss(Gen *g)
{
    static const uint64_t misses[] = { 0, 2, 0x8000000000000000ull, ~0ull, 0xffffffffull };
    static const IrOpcode fast_ops[] = { IR_OP_fadd_f64, IR_OP_fmul_f64, IR_OP_fdiv_f64,
                                         IR_OP_fma_f64, IR_OP_fsub_f32, IR_OP_fsqrt_f64 };
    IrBuilder *b = g->b;
    IrVal fast = ir_new_ebb_temp(b, IR_I64), ins[3];
    uint64_t miss;
    for (int i = 0; i < 3; i++) {
        ins[i] = rn(g, 3) ? pick_src(g, IR_I64)
                          : ir_const(b, IR_I64, edge_f64[rn(g, NEDGE_F64)]);
    }
    if (rn(g, 3)) {
        IrOpcode opc = fast_ops[rn(g, sizeof(fast_ops) / sizeof(fast_ops[0]))];
        uint64_t cst = rn(g, 4);
        ir_emit(b, opc, IR_I64, &fast, 1, ins, ir_op_defs[opc].nin, &cst,
                ir_op_defs[opc].nconst);
        miss = 0;
    } else {
        miss = misses[rn(g, sizeof(misses) / sizeof(misses[0]))];
        if (rn(g, 2)) {
            ir_movi(b, fast, miss);
        } else {
            ir_mov(b, fast, pick_src(g, IR_I64));
        }
    }
    IrVal a = rn(g, 3) ? ins[rn(g, 3)] : pick_src(g, IR_I64);
    ir_call_miss(b, HELPER(jtest_miss), pick_dst(g, IR_I64), fast, miss, a, pick_src(g, IR_I64),
                 rn(g, 2) ? pick_src(g, IR_I32) : ir_const(b, IR_I32, 7), ins[rn(g, 3)],
                 pick_src(g, IR_I32));
}

static void gen_op(Gen *g)
{
    IrBuilder *b = g->b;
    IrType t = rn(g, 2) ? IR_I64 : IR_I32;
    unsigned width = t == IR_I64 ? 64 : 32;
    unsigned k = rn(g, 100);
    if (k < 30) {
        IrOpcode opc = bin_ops[rn(g, sizeof(bin_ops) / sizeof(bin_ops[0]))];
        IrVal d = pick_dst(g, t), ins[2] = { pick_src(g, t), pick_src(g, t) };
        if (rn(g, 4) == 0) {
            /* through an EBB temp, used right away */
            IrVal e = ir_new_ebb_temp(b, t);
            ir_emit(b, opc, t, &e, 1, ins, 2, NULL, 0);
            ir_add(b, d, e, pick_src(g, t));
        } else if (rn(g, 4) == 0) {
            /* the frontends' "op e; mov d, e", e read again after something
             * that may change d: a write, a helper that writes globals */
            IrVal e = ir_new_ebb_temp(b, t);
            ir_emit(b, opc, t, &e, 1, ins, 2, NULL, 0);
            ir_mov(b, d, e);
            switch (rn(g, 4)) {
            case 0:
                ir_movi(b, d, rnd(g));
                break;
            case 1:
                ir_call(b, HELPER(jtest_bump), IR_VAL_NONE, pick_src(g, IR_I64));
                break;
            default:
                break;
            }
            ir_add(b, pick_dst(g, t), e, pick_src(g, t));
        } else {
            ir_emit(b, opc, t, &d, 1, ins, 2, NULL, 0);
        }
    } else if (k < 40) {
        unsigned n = sizeof(un_ops) / sizeof(un_ops[0]);
        IrOpcode opc = un_ops[rn(g, t == IR_I64 ? n : n - 3)];
        IrVal d = pick_dst(g, t), a = pick_src(g, t);
        ir_emit(b, opc, t, &d, 1, &a, 1, NULL, 0);
    } else if (k < 44) {
        IrVal lo = pick_dst(g, t), hi = pick_dst(g, t);
        if (lo.id == hi.id) {
            IrVal *tb = g->tb[t == IR_I64];
            hi = tb[0].id == lo.id ? tb[1] : tb[0];
        }
        IrVal ins[2] = { pick_src(g, t), pick_src(g, t) };
        IrVal outs[2] = { lo, hi };
        ir_emit(b, rn(g, 2) ? IR_OP_mulu2 : IR_OP_muls2, t, outs, 2, ins, 2, NULL, 0);
    } else if (k < 48) {
        switch (rn(g, 4)) {
        case 0: ir_extrl_i64_i32(b, pick_dst(g, IR_I32), pick_src(g, IR_I64)); break;
        case 1: ir_extrh_i64_i32(b, pick_dst(g, IR_I32), pick_src(g, IR_I64)); break;
        case 2: ir_extu_i32_i64(b, pick_dst(g, IR_I64), pick_src(g, IR_I32)); break;
        default: ir_exts_i32_i64(b, pick_dst(g, IR_I64), pick_src(g, IR_I32)); break;
        }
    } else if (k < 54) {
        unsigned len = 1 + rn(g, width), pos = rn(g, width - len + 1);
        switch (rn(g, 3)) {
        case 0: ir_deposit(b, pick_dst(g, t), pick_src(g, t), pick_src(g, t), pos, len); break;
        case 1: ir_extract(b, pick_dst(g, t), pick_src(g, t), pos, len); break;
        default: ir_sextract(b, pick_dst(g, t), pick_src(g, t), pos, len); break;
        }
    } else if (k < 60) {
        if (rn(g, 2)) {
            ir_setcond(b, pick_cond(g), pick_dst(g, t), pick_src(g, t), pick_src(g, t));
        } else {
            ir_movcond(b, pick_cond(g), pick_dst(g, t), pick_src(g, t), pick_src(g, t),
                       pick_src(g, t), pick_src(g, t));
        }
    } else if (k < 66) {
        if (g->nside < IR_GOTO_TB_SLOTS - 2 && rn(g, 4) == 0) {
            /* a side exit, as a frontend translating past a branch makes:
             * the branch goes on to the label only it reaches */
            IrLabel fall = ir_new_label(b);
            ir_brcond(b, pick_cond(g), pick_src(g, t), pick_src(g, t), fall);
            unsigned slot = 2 + g->nside++;
            ir_goto_tb(b, slot);
            ir_exit_tb(b, ir_exit_for_slot(slot));
            ir_set_label(b, fall);
        } else if (g->npending < 8) {
            IrLabel l = ir_new_label(b);
            g->pending[g->npending++] = l;
            ir_brcond(b, pick_cond(g), pick_src(g, t), pick_src(g, t), l);
        }
    } else if (k < 70) {
        if (g->npending) {
            unsigned i = rn(g, g->npending);
            ir_set_label(b, g->pending[i]);
            g->pending[i] = g->pending[--g->npending];
        }
    } else if (k < 76) {
        int32_t off = (int32_t)offsetof(FakeEnv, scratch);
        IrVal v = pick_dst(g, t);
        switch (rn(g, 7)) {
        case 0: ir_ld8s(b, v, off + (int32_t)rn(g, 64)); break;
        case 1: ir_ld16u(b, v, off + (int32_t)rn(g, 62)); break;
        case 2: ir_ld32s(b, v, off + (int32_t)rn(g, 60)); break;
        case 3: ir_st8(b, pick_src(g, t), off + (int32_t)rn(g, 64)); break;
        case 4: ir_st16(b, pick_src(g, t), off + (int32_t)rn(g, 62)); break;
        case 5: ir_st32(b, pick_src(g, t), off + (int32_t)rn(g, 60)); break;
        default:
            if (t == IR_I64) {
                if (rn(g, 2)) {
                    ir_ld64(b, v, off + (int32_t)rn(g, 56));
                } else {
                    ir_st64(b, pick_src(g, t), off + (int32_t)rn(g, 56));
                }
            } else {
                ir_ld8u(b, v, off + (int32_t)rn(g, 64));
            }
        }
    } else if (k < 88) {
        gen_mem(g);
    } else if (k < 94) {
        switch (rn(g, 6)) {
        case 4:
        case 5:
            gen_call_miss(g);
            break;
        case 0:
            ir_call(b, HELPER(jtest_mix), pick_dst(g, IR_I64), pick_src(g, IR_I64),
                    pick_src(g, IR_I32));
            break;
        case 1:
            ir_call(b, HELPER(jtest_bump), IR_VAL_NONE, pick_src(g, IR_I64));
            break;
        case 2:
            ir_call(b, HELPER(jtest_six), pick_dst(g, IR_I64), pick_src(g, IR_I64),
                    pick_src(g, IR_I32), pick_src(g, IR_I64), pick_src(g, IR_I32),
                    pick_src(g, IR_I64), pick_src(g, IR_I64));
            break;
        default:
            ir_call(b, HELPER(jtest_ret32), pick_dst(g, IR_I32), pick_src(g, IR_I32));
            break;
        }
    } else if (k < 96) {
        ir_mb(b, rn(g, 2) ? IR_MB_ALL : IR_MB_LD_LD);
    } else {
        ir_movi(b, pick_dst(g, t), rn(g, 2) ? rnd(g) : edge64[rn(g, NEDGE)]);
    }
}

/* Build a random block from seed into b. */
static void gen_block(IrBuilder *b, uint64_t seed, unsigned nops, bool faults)
{
    Gen g = { .b = b, .rng = seed * 0x2545f4914f6cdd1dull + 7, .faults = faults };
    for (int w = 0; w < 2; w++) {
        for (int i = 0; i < NTB; i++) {
            g.tb[w][i] = ir_new_temp(b, w ? IR_I64 : IR_I32);
            ir_movi(b, g.tb[w][i], rnd(&g));
        }
    }
    for (unsigned i = 0; i < nops; i++) {
        if (faults && g.npending == 0 && rn(&g, 3) == 0) {
            /* guest insns, so that the faulting one can be checked; as
             * in a frontend's block, no branch jumps over one */
            ir_insn_start(b, 0x1000 + 4 * g.ninsns++, 0, 0);
        }
        gen_op(&g);
    }
    while (g.npending) {
        ir_set_label(b, g.pending[--g.npending]);
    }
    for (int w = 0; w < 2; w++) {
        for (int i = 0; i < NTB; i++) {
            int32_t off = (int32_t)offsetof(FakeEnv, dump[w * NTB + i]);
            if (w) {
                ir_st64(b, g.tb[w][i], off);
            } else {
                ir_st32(b, g.tb[w][i], off);
            }
        }
    }
    switch (rn(&g, 6)) {
    case 0:
        ir_goto_tb(b, 0);
        ir_exit_tb(b, IR_EXIT_SLOT0);
        break;
    case 1:
        ir_goto_tb(b, 1);
        ir_exit_tb(b, IR_EXIT_SLOT1);
        break;
    case 2:
        ir_lookup_and_goto_ptr(b);      /* no lookup function: IR_EXIT_LOOKUP */
        break;
    default:
        ir_exit_tb(b, IR_EXIT_NORMAL);
        break;
    }
}

/* Run block b (freed here) on the interpreter and on jit from the state
 * env_init(seed, tlb_valid) and compare. */
static bool diff_block(Jit *jit, IrBuilder *b, uint64_t seed, bool optimize, bool tlb_valid)
{
    Error *err = NULL;
    if (!ir_verify(b, &err)) {
        unittest_fail(__FILE__, __LINE__, "seed %llu: generator made bad IR: %s",
                      (unsigned long long)seed, error_get_pretty(err));
        error_free(err);
        ir_builder_free(b);
        return false;
    }
    if (optimize) {
        ir_optimize(b);
    }
    ir_liveness(b);

    static FakeEnv e1, e2;
    static uint8_t mem1[MEM_SIZE];
    env_init(&e1, seed, tlb_valid);
    IrCode *code = ir_interp_compile(b, &error_abort);
    /* statics: a fault leaves both runs by siglongjmp */
    static uint32_t idx;
    static IrExit x1;
    idx = 0;
    x1 = IR_EXIT_NORMAL;
    fault_seen = false;
    if (!sigsetjmp(fault_jb, 1)) {
        x1 = ir_interp_run(code, &e1, &interp_rt, (uint32_t *)&idx);
    }
    bool fault1 = fault_seen;
    ir_interp_free(code);
    memcpy(mem1, guest_mem, MEM_SIZE);

    env_init(&e2, seed, tlb_valid);
    const void *hc = jit_compile(jit, b, (void *)(uintptr_t)0x4000, &err);
    bool ok = hc != NULL;
    if (!hc) {
        unittest_fail(__FILE__, __LINE__, "seed %llu: %s", (unsigned long long)seed,
                      error_get_pretty(err));
        error_free(err);
    } else {
        static uintptr_t ret;
        ret = 0;
        fault_seen = false;
        fault_jit = jit;
        fault_env = &e2;
        if (!sigsetjmp(fault_jb, 1)) {
            ret = jit_exec(jit, &e2, hc);
        }
        fault_jit = NULL;
        bool same_end = fault1 ? fault_seen && fault_insn_found && fault_insn == idx
                               : !fault_seen && jit_exit_value(ret) == x1 &&
                                     jit_exit_tag(ret) == (void *)(uintptr_t)0x4000;
        if (!same_end) {
            fprintf(stderr, "  end: interp %s insn %u, jit %s insn %u (found %d)\n",
                    fault1 ? "fault" : "exit", idx, fault_seen ? "fault" : "exit",
                    fault_insn, fault_insn_found);
        }
        ok = same_end && memcmp(&e1, &e2, offsetof(FakeEnv, tlb)) == 0 &&
             memcmp(mem1, guest_mem, MEM_SIZE) == 0;
        if (!ok) {
            unittest_fail(__FILE__, __LINE__, "seed %llu (opt %d, tlb %d): states differ",
                          (unsigned long long)seed, optimize, tlb_valid);
            for (int i = 0; i < NG + 2; i++) {
                if (e1.r[i] != e2.r[i]) {
                    fprintf(stderr, "  r%d: interp %#llx jit %#llx\n", i,
                            (unsigned long long)e1.r[i], (unsigned long long)e2.r[i]);
                }
                if (e1.w[i] != e2.w[i]) {
                    fprintf(stderr, "  w%d: interp %#x jit %#x\n", i, e1.w[i], e2.w[i]);
                }
            }
            for (int i = 0; i < 2 * NTB; i++) {
                if (e1.dump[i] != e2.dump[i]) {
                    fprintf(stderr, "  tb temp %d: interp %#llx jit %#llx\n", i,
                            (unsigned long long)e1.dump[i], (unsigned long long)e2.dump[i]);
                }
            }
            if (memcmp(e1.scratch, e2.scratch, sizeof(e1.scratch))) {
                fprintf(stderr, "  env scratch differs\n");
            }
            if (memcmp(mem1, guest_mem, MEM_SIZE)) {
                fprintf(stderr, "  guest memory differs\n");
            }
            ir_print(b, stderr);
        }
    }
    ir_builder_free(b);
    return ok;
}

static bool run_diff(Jit *jit, uint64_t seed, bool optimize, bool tlb_valid)
{
    IrBuilder *b = ir_builder_new(ctx);
    gen_block(b, seed, 10 + (unsigned)(seed % 60), false);
    return diff_block(jit, b, seed, optimize, tlb_valid);
}

static unsigned faulting_runs;

static bool run_fault_diff(Jit *jit, uint64_t seed, bool optimize, bool tlb_valid)
{
    IrBuilder *b = ir_builder_new(ctx);
    gen_block(b, seed, 20 + (unsigned)(seed % 80), true);
    bool ok = diff_block(jit, b, seed, optimize, tlb_valid);
    faulting_runs += fault_seen;
    return ok;
}

/* JIT_DIFF_SCALE=n runs n times as many random blocks (soak testing). */
static uint64_t scale(void)
{
    const char *s = getenv("JIT_DIFF_SCALE");
    uint64_t n = s ? strtoull(s, NULL, 0) : 1;
    return n ? n : 1;
}

/* The JIT's FP shadows (xmm copies of values, emit.c): a value written
 * by a binary32 op (which leaves no shadow) or by a plain op after a
 * binary64 op shadowed it must be read back as its new value; a shadow
 * must survive call_miss's stub (which saves it) and die at a memory
 * access's slow path and at a label with two ways in. */
UNITTEST(jit_fp_shadows)
{
    setup();
    for (uint64_t seed = 1; seed <= 40; seed++) {
        for (int k = 0; k < 4; k++) {
            IrBuilder *b = ir_builder_new(ctx);
            IrVal e1 = ir_new_ebb_temp(b, IR_I64), e2 = ir_new_ebb_temp(b, IR_I64);
            IrVal e3 = ir_new_ebb_temp(b, IR_I64), e4 = ir_new_ebb_temp(b, IR_I64);
            IrVal rm = ir_const(b, IR_I32, 7);
            /* r2 gets a shadow, then a new value four ways */
            ir_fmul_f64(b, e1, g64[0], g64[1]);
            ir_call_miss(b, HELPER(jtest_miss), g64[2], e1, 0, g64[0], g64[1], rm, g64[3], g32[1]);
            switch (k) {
            case 0: {
                IrVal in[2] = { g64[2], g64[1] };
                ir_emit(b, IR_OP_fsub_f32, IR_I64, &e2, 1, in, 2, NULL, 0);
                ir_call_miss(b, HELPER(jtest_miss), g64[2], e2, 0, g64[2], g64[1], rm, g64[0],
                             g32[0]);
                break;
            }
            case 1:
                ir_xor_imm(b, g64[2], g64[2], 0x10000000000000ll);
                break;
            case 2: {
                /* a slow path (TLB miss on jit_tlb) between */
                IrVal addr = ir_new_ebb_temp(b, IR_I64);
                ir_and_imm(b, addr, g64[4], MEM_SIZE - 8);
                ir_guest_ld(b, g64[5], addr, MO_UQ, 0);
                ir_add(b, g64[2], g64[2], g64[5]);
                break;
            }
            default: {
                /* a label that a branch and the fall-through reach, the
                 * fall-through giving r2 a new shadow */
                IrLabel l = ir_new_label(b);
                ir_brcond_imm(b, IR_COND_TSTNE, g64[3], 1, l);     /* half the seeds */
                ir_fsub_f64(b, e2, g64[1], g64[0]);
                ir_call_miss(b, HELPER(jtest_miss), g64[2], e2, 0, g64[1], g64[0], rm, g64[0],
                             g32[0]);
                ir_set_label(b, l);
                break;
            }
            }
            ir_fadd_f64(b, e3, g64[2], g64[0]);
            ir_call_miss(b, HELPER(jtest_miss), g64[4], e3, 0, g64[2], g64[0], rm, g64[1], g32[2]);
            ir_fdiv_f64(b, e4, g64[2], g64[4]);
            ir_call_miss(b, HELPER(jtest_miss), g64[6], e4, 0, g64[4], g64[2], rm, g64[2], g32[3]);
            ir_exit_tb(b, IR_EXIT_NORMAL);
            CHECK(diff_block(seed & 1 ? jit_tlb : jit_direct, b, seed * 4 + (uint64_t)k,
                             seed & 2, seed % 3 != 0));
        }
    }
}

UNITTEST(jit_random_blocks_direct)
{
    setup();
    unsigned bad = 0;
    for (uint64_t seed = 1; seed <= 4000 * scale() && bad < 3; seed++) {
        bad += !run_diff(jit_direct, seed, seed & 1, true);
    }
}

UNITTEST(jit_random_blocks_tlb)
{
    setup();
    unsigned bad = 0;
    slow_calls = 0;
    for (uint64_t seed = 1u << 30; seed <= (1u << 30) + 2000 * scale() && bad < 3; seed++) {
        bad += !run_diff(jit_tlb, seed, seed & 1, seed % 3 != 0);
    }
    CHECK(slow_calls > 0);      /* both paths were taken */
}

UNITTEST(jit_random_blocks_no_host_extensions)
{
    setup();
    unsigned bad = 0;
    for (uint64_t seed = 1u << 31; seed <= (1u << 31) + 1000 * scale() && bad < 3; seed++) {
        bad += !run_diff(jit_plain, seed, seed & 1, true);
    }
}

/* Faults at guest loads and stores, inline (SIGSEGV, direct mode) and in
 * the slow path (TLB mode), with the globals the block wrote still dirty
 * in registers: the state and insn at the fault must be exact. */
UNITTEST(jit_random_faults_direct)
{
    setup();
    unsigned bad = 0;
    faulting_runs = 0;
    for (uint64_t seed = 3u << 29; seed <= (3u << 29) + 1500 * scale() && bad < 3; seed++) {
        bad += !run_fault_diff(seed & 2 ? jit_plain : jit_direct, seed, seed & 1, true);
    }
    CHECK(faulting_runs > 500);
}

UNITTEST(jit_random_faults_tlb)
{
    setup();
    unsigned bad = 0;
    faulting_runs = 0;
    for (uint64_t seed = 5u << 29; seed <= (5u << 29) + 1000 * scale() && bad < 3; seed++) {
        bad += !run_fault_diff(jit_tlb, seed, seed & 1, seed % 3 != 0);
    }
    CHECK(faulting_runs > 300);
}

/* Guest loads and stores that miss the TLB while more values are live than
 * the JIT has registers: each access's slow path must give back every
 * value, whether it sat in a caller-saved register or had to be spilled
 * to make room for the loaded value. */
UNITTEST(jit_tlb_miss_many_live)
{
    setup();
    for (int valid = 0; valid < 2; valid++) {
        for (int opt = 0; opt < 2; opt++) {
            IrBuilder *b = ir_builder_new(ctx);
            IrVal t[2 * NTB];
            for (int i = 0; i < 2 * NTB; i++) {
                t[i] = ir_new_temp(b, IR_I64);
                ir_movi(b, t[i], 0x0101010101010101ull * (uint64_t)(i + 1) + (uint64_t)i);
            }
            IrVal addr = ir_new_temp(b, IR_I64);
            for (int i = 0; i < 2 * NTB; i++) {
                /* every temp is read again below, so all stay live */
                ir_and_imm(b, addr, t[(i + 3) % (2 * NTB)], (MEM_SIZE - 8) & ~7);
                if (i & 1) {
                    ir_guest_st(b, t[i], addr, MO_64, (unsigned)i & 2 ? 1 : 0);
                } else {
                    ir_guest_ld(b, t[i], addr, MO_64 | ((unsigned)i & 4 ? MO_ALIGN : 0),
                                0);
                }
                ir_add(b, t[(i + 5) % (2 * NTB)], t[(i + 5) % (2 * NTB)], t[i]);
            }
            for (int i = 0; i < 2 * NTB; i++) {
                ir_st64(b, t[i], (int32_t)offsetof(FakeEnv, dump[i]));
            }
            ir_exit_tb(b, IR_EXIT_NORMAL);
            CHECK(diff_block(jit_tlb, b, 77, opt, valid));
        }
    }
}

/* Read-modify-write of env fields (the JIT folds ld; op $imm; st into one
 * instruction when the loaded and computed values die at the store), next
 * to the near misses it must not fold: a value still read after, another
 * field, a width change. */
UNITTEST(jit_env_rmw)
{
    setup();
    int32_t s0 = (int32_t)offsetof(FakeEnv, scratch), s8 = s0 + 8, s16 = s0 + 16;
    for (int opt = 0; opt < 2; opt++) {
        IrBuilder *b = ir_builder_new(ctx);
        IrVal t = ir_new_temp(b, IR_I64), u = ir_new_temp(b, IR_I64);
        IrVal w = ir_new_ebb_temp(b, IR_I32), x = ir_new_ebb_temp(b, IR_I32);
        /* folded */
        ir_st64(b, g64[0], s0);
        ir_st64(b, g64[1], s8);
        ir_ld64(b, t, s0);
        ir_add(b, t, t, ir_const(b, IR_I64, 5));
        ir_st64(b, t, s0);
        ir_ld32u(b, w, s8);
        ir_sub(b, x, w, ir_const(b, IR_I32, 3));
        ir_st32(b, x, s8);
        ir_ld64(b, t, s8);
        ir_xor(b, u, t, ir_const(b, IR_I64, -0x1234));
        ir_st64(b, u, s8);
        /* not folded: t is read after the store */
        ir_ld64(b, t, s0);
        ir_and(b, u, t, ir_const(b, IR_I64, 0x7ff0));
        ir_st64(b, u, s0);
        ir_add(b, g64[2], g64[2], t);
        /* not folded: u is read after the store */
        ir_ld64(b, t, s8);
        ir_or(b, u, t, ir_const(b, IR_I64, 0x10001));
        ir_st64(b, u, s8);
        ir_st64(b, u, s16);
        /* not folded: another field, another width */
        ir_ld64(b, t, s0);
        ir_add(b, u, t, ir_const(b, IR_I64, 1));
        ir_st64(b, u, s16 + 8);
        ir_ld64(b, t, s16);
        ir_add(b, u, t, ir_const(b, IR_I64, 9));
        ir_st32(b, ir_const(b, IR_I32, 0), s16);
        ir_st32(b, g32[0], s16 + 4);
        ir_add(b, g64[3], g64[3], u);
        ir_exit_tb(b, IR_EXIT_NORMAL);
        CHECK(diff_block(jit_direct, b, 99, opt, true));
    }
}
