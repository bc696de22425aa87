/*
 * Calls and returns the way a return-address predictor sees them: the
 * link-register rules of the Unprivileged ISA (2.5: jal/jalr writing x1
 * or x5 is a call, jalr through x1 or x5 writing neither is a return),
 * and every way software breaks the call/return pairing.  The JIT keeps a
 * return-address stack of predictions (jit.h's JitFrame); whatever it
 * predicts, the guest must see exactly the ISA's jumps:
 *   - recursion deeper than the predictor's stack (it starts over);
 *   - a longjmp, which returns past frames whose returns never come;
 *   - coroutines, whose `ret` goes to another stack's return address;
 *   - a callee that returns elsewhere than its return address;
 *   - x5 (t0) as the link register of a millicode call;
 *   - a callee that changes the FP state the caller's code was made for
 *     (fflags.NX, which the translator's fast FP state depends on; such a
 *     change leaves to the exec loop today, which drops the predictions,
 *     and jit_test's return-address stack test covers a return that comes
 *     back with other TB flags).
 */
#include "fp_common.h"

/* ---- recursion ---------------------------------------------------------- */

static volatile uint64_t depth_seen;

__attribute__((noinline)) static uint64_t sum_to(uint64_t n)
{
    if (n == 0) {
        return 0;
    }
    uint64_t r = sum_to(n - 1);
    depth_seen++;       /* after the call: no tail call, one frame per level */
    return r + n;
}

static void test_recursion(void)
{
    static const uint64_t depths[] = { 10, 511, 512, 513, 1500 };
    for (unsigned k = 0; k < sizeof(depths) / sizeof(depths[0]); k++) {
        for (int round = 0; round < 3; round++) {
            depth_seen = 0;
            CHECK_EQ(sum_to(depths[k]), depths[k] * (depths[k] + 1) / 2);
            CHECK_EQ(depth_seen, depths[k]);
        }
    }
}

/* ---- longjmp ---------------------------------------------------------- */

/* ra, sp, s0-s11 */
typedef struct JumpBuf {
    uint64_t regs[14];
} JumpBuf;

__attribute__((naked, noinline)) static int my_setjmp(JumpBuf *jb)
{
    __asm__ volatile(
        "sd ra, 0(a0)\n sd sp, 8(a0)\n sd s0, 16(a0)\n sd s1, 24(a0)\n"
        "sd s2, 32(a0)\n sd s3, 40(a0)\n sd s4, 48(a0)\n sd s5, 56(a0)\n"
        "sd s6, 64(a0)\n sd s7, 72(a0)\n sd s8, 80(a0)\n sd s9, 88(a0)\n"
        "sd s10, 96(a0)\n sd s11, 104(a0)\n li a0, 0\n ret\n");
}

__attribute__((naked, noinline, noreturn)) static void my_longjmp(JumpBuf *jb, int v)
{
    __asm__ volatile(
        "ld ra, 0(a0)\n ld sp, 8(a0)\n ld s0, 16(a0)\n ld s1, 24(a0)\n"
        "ld s2, 32(a0)\n ld s3, 40(a0)\n ld s4, 48(a0)\n ld s5, 56(a0)\n"
        "ld s6, 64(a0)\n ld s7, 72(a0)\n ld s8, 80(a0)\n ld s9, 88(a0)\n"
        "ld s10, 96(a0)\n ld s11, 104(a0)\n mv a0, a1\n ret\n");
}

static JumpBuf jump_buf;
static volatile uint64_t unwound;

__attribute__((noinline)) static uint64_t dive(uint64_t n, uint64_t escape_at)
{
    if (n == escape_at) {
        my_longjmp(&jump_buf, (int)n + 1);
    }
    uint64_t r = dive(n + 1, escape_at);
    unwound++;          /* never reached below escape_at */
    return r;
}

__attribute__((noinline)) static uint64_t after_longjmp(uint64_t x)
{
    return x * 3;
}

static void test_longjmp(void)
{
    for (uint64_t escape_at = 1; escape_at < 40; escape_at += 7) {
        unwound = 0;
        volatile int got = my_setjmp(&jump_buf);
        if (got == 0) {
            dive(0, escape_at);
            CHECK_TRUE(0);      /* dive never returns */
        }
        CHECK_EQ(got, escape_at + 1);
        CHECK_EQ(unwound, 0);
        /* the predictions the escape left behind must not send these
         * returns anywhere but their own return addresses */
        CHECK_EQ(after_longjmp(escape_at), escape_at * 3);
        CHECK_EQ(sum_to(20), 210);
    }
}

/* ---- coroutines ----------------------------------------------------------- */

/* Switches stacks: saves ra, sp and s0-s11 in *from, loads *to, returns
 * on the other stack (a return to an address no call of this stack made). */
__attribute__((naked, noinline)) static void co_switch(JumpBuf *from, JumpBuf *to)
{
    __asm__ volatile(
        "sd ra, 0(a0)\n sd sp, 8(a0)\n sd s0, 16(a0)\n sd s1, 24(a0)\n"
        "sd s2, 32(a0)\n sd s3, 40(a0)\n sd s4, 48(a0)\n sd s5, 56(a0)\n"
        "sd s6, 64(a0)\n sd s7, 72(a0)\n sd s8, 80(a0)\n sd s9, 88(a0)\n"
        "sd s10, 96(a0)\n sd s11, 104(a0)\n"
        "ld ra, 0(a1)\n ld sp, 8(a1)\n ld s0, 16(a1)\n ld s1, 24(a1)\n"
        "ld s2, 32(a1)\n ld s3, 40(a1)\n ld s4, 48(a1)\n ld s5, 56(a1)\n"
        "ld s6, 64(a1)\n ld s7, 72(a1)\n ld s8, 80(a1)\n ld s9, 88(a1)\n"
        "ld s10, 96(a1)\n ld s11, 104(a1)\n ret\n");
}

static JumpBuf co_main, co_gen;
static uint64_t co_stack[512] __attribute__((aligned(16)));
static volatile uint64_t co_value;

__attribute__((noinline)) static void co_yield(uint64_t v)
{
    co_value = v;
    co_switch(&co_gen, &co_main);
}

/* The generator: yields 1, 1, 2, 3, 5, ... from nested calls. */
__attribute__((noinline)) static void co_fib(uint64_t a, uint64_t b, unsigned left)
{
    if (left == 0) {
        for (;;) {
            co_yield(0);
        }
    }
    co_yield(a);
    co_fib(b, a + b, left - 1);
}

__attribute__((noinline)) static void co_entry(void)
{
    co_fib(1, 1, 60);
}

static void test_coroutines(void)
{
    co_gen.regs[0] = (uint64_t)(uintptr_t)co_entry;
    co_gen.regs[1] = (uint64_t)(uintptr_t)&co_stack[512];
    uint64_t a = 1, b = 1;
    for (int i = 0; i < 60; i++) {
        co_switch(&co_main, &co_gen);
        CHECK_EQ(co_value, a);
        uint64_t t = a + b;
        a = b;
        b = t;
    }
    co_switch(&co_main, &co_gen);
    CHECK_EQ(co_value, 0);
}

/* ---- returns elsewhere, and x5 as the link register ------------------- */

/* Returns to its return address + 4: the instruction after the call is
 * skipped (a return whose target is not the predicted one). */
__attribute__((naked, noinline)) static uint64_t skip_next(void)
{
    __asm__ volatile("li a0, 7\n addi ra, ra, 4\n ret\n");
}

static uint64_t call_skip_next(void)
{
    uint64_t r;
    __asm__ volatile(
        ".option push\n.option norvc\n"
        "call %1\n"
        "li a0, 99\n"           /* skipped */
        "mv %0, a0\n"
        ".option pop\n"
        : "=r"(r) : "i"(skip_next) : "ra", "a0", "t1", "memory");
    return r;
}

/* A millicode routine: called with jal t0, returns with jr t0. */
__attribute__((naked, noinline)) static void milli_double(void)
{
    __asm__ volatile("add a0, a0, a0\n jr t0\n");
}

static uint64_t call_milli(uint64_t x)
{
    uint64_t r;
    __asm__ volatile(
        "mv a0, %1\n"
        "jal t0, %2\n"
        "jal t0, %2\n"
        "mv %0, a0\n"
        : "=r"(r) : "r"(x), "i"(milli_double) : "t0", "a0", "memory");
    return r;
}

static void test_odd_returns(void)
{
    for (int i = 0; i < 100; i++) {
        CHECK_EQ(call_skip_next(), 7);
        CHECK_EQ(call_milli((uint64_t)i), (uint64_t)i * 4);
    }
}

/* ---- a callee that changes the FP state ------------------------------- */

__attribute__((noinline)) static void clear_flags(void)
{
    __asm__ volatile("csrw fflags, zero" ::: "memory");
}

__attribute__((noinline)) static void keep_flags(void)
{
    __asm__ volatile("" ::: "memory");
}

static void (*volatile flag_fns[2])(void) = { clear_flags, keep_flags };

/* One call site (one return address), callees alternating between one that
 * clears fflags and one that keeps NX set: the code after the return was
 * made once for each state, and an inexact op there must leave NX set
 * either way.  Afterwards, the flags must read exactly NX. */
FP_TEST test_fp_state_across_returns(void)
{
    volatile uint64_t sink;
    for (int i = 0; i < 64; i++) {
        (void)fp_take_flags();
        uint64_t x = FOP2("fdiv.d", fp_bits(1.0), fp_bits(3.0));      /* NX */
        flag_fns[i & 1]();
        sink = FOP2("fdiv.d", x, fp_bits(10.0));                      /* NX */
        uint64_t flags;
        __asm__ volatile("frflags %0" : "=r"(flags));
        CHECK_EQ(flags, NX);
        CHECK_EQ(x, 0x3fd5555555555555ull);
        CHECK_EQ(sink, 0x3fa1111111111111ull);
    }
    (void)sink;
}

int main(void)
{
    fp_set_fs(1);
    test_recursion();
    test_longjmp();
    test_coroutines();
    test_odd_returns();
    test_fp_state_across_returns();
    return test_result("calls");
}
