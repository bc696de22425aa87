/*
 * The A extension on the virt board (Unprivileged ISA 20191213, chapter 8):
 * LR/SC pairs that succeed (rd = 0) and fail (rd = 1: no reservation, the
 * reservation was consumed by an earlier SC, another address), LR.W's sign
 * extension, every AMO's returned value and memory result in both widths
 * (W forms touch only their word and sign-extend what they return), aq/rl
 * forms, and misaligned atomics raising the spec's address-misaligned
 * exceptions (LR: load, SC and AMOs: store/AMO) with mtval = the address and
 * neither memory nor rd changed.
 */
#include "testlib.h"

static volatile uint64_t mem[4] __attribute__((aligned(16)));

#define LR(w, p) ({ uint64_t r_; __asm__ volatile("lr." w " %0, (%1)" : "=r"(r_) : "r"(p)     \
                    : "memory"); r_; })
#define SC(w, p, v) ({ uint64_t r_; __asm__ volatile("sc." w " %0, %2, (%1)" : "=&r"(r_)      \
                       : "r"(p), "r"((uint64_t)(v)) : "memory"); r_; })
#define AMO(op, p, v) ({ uint64_t r_; __asm__ volatile(op " %0, %2, (%1)" : "=&r"(r_)         \
                         : "r"(p), "r"((uint64_t)(v)) : "memory"); r_; })

static void test_lr_sc(void)
{
    mem[0] = 0xfffffffe80000001ull;
    CHECK_EQ(LR("w", &mem[0]), 0xffffffff80000001ull);
    CHECK_EQ(SC("w", &mem[0], 0x1234567812345678ull), 0);
    CHECK_EQ(mem[0], 0xfffffffe12345678ull);
    /* The reservation is gone after any SC. */
    CHECK_EQ(SC("w", &mem[0], 0), 1);
    CHECK_EQ(mem[0], 0xfffffffe12345678ull);

    mem[1] = 0x8000000000000000ull;
    CHECK_EQ(LR("d", &mem[1]), 0x8000000000000000ull);
    CHECK_EQ(SC("d", &mem[1], 7), 0);
    CHECK_EQ(mem[1], 7);
    CHECK_EQ(SC("d", &mem[1], 8), 1);
    CHECK_EQ(mem[1], 7);

    /* SC to an address other than the reserved one fails. */
    mem[2] = 1;
    mem[3] = 2;
    (void)LR("d", &mem[2]);
    CHECK_EQ(SC("d", &mem[3], 9), 1);
    CHECK_EQ(mem[3], 2);

    /* A typical increment loop. */
    mem[0] = 41;
    uint64_t tmp, fail;
    __asm__ volatile("1: lr.d.aq %0, (%2)\n\t"
                     "addi %0, %0, 1\n\t"
                     "sc.d.rl %1, %0, (%2)\n\t"
                     "bnez %1, 1b"
                     : "=&r"(tmp), "=&r"(fail) : "r"(&mem[0]) : "memory");
    CHECK_EQ(mem[0], 42);
    CHECK_EQ(fail, 0);
}

typedef struct AmoWCase {
    uint64_t before, rs2, ret, after;
} AmoWCase;

static void test_amo(void)
{
    /* W forms: the upper word of mem[0] is a guard that must not change. */
#define AMOW(op, before, rs2, ret, after)                                      \
    do {                                                                       \
        mem[0] = 0x5555555500000000ull | (uint32_t)(before);                   \
        CHECK_EQ(AMO(op, &mem[0], rs2), ret);                                  \
        CHECK_EQ(mem[0], 0x5555555500000000ull | (uint32_t)(after));           \
    } while (0)
#define AMOD(op, before, rs2, ret, after)                                      \
    do {                                                                       \
        mem[1] = (before);                                                     \
        CHECK_EQ(AMO(op, &mem[1], rs2), ret);                                  \
        CHECK_EQ(mem[1], after);                                               \
    } while (0)

    AMOW("amoswap.w", 0x80000000, 0x12345678, 0xffffffff80000000ull, 0x12345678);
    AMOW("amoadd.w", 0xffffffff, 2, 0xffffffffffffffffull, 1);
    AMOW("amoadd.w", 0x7fffffff, 1, 0x7fffffff, 0x80000000);
    AMOW("amoxor.w", 0x0f0f0f0f, 0xffffffff00ff00ffull, 0x0f0f0f0f, 0x0ff00ff0);
    AMOW("amoand.w", 0xaaaaaaaa, 0x0000ffff, 0xffffffffaaaaaaaaull, 0x0000aaaa);
    AMOW("amoor.w", 1, 0x80000000, 1, 0x80000001);
    AMOW("amomin.w", 1, 0x80000000, 1, 0x80000000);
    AMOW("amomin.w", 0xfffffffe, 0x7fffffff00000001ull, 0xfffffffffffffffeull, 0xfffffffe);
    AMOW("amomax.w", 1, 0x80000000, 1, 1);
    AMOW("amomax.w", 0xfffffffe, 0xffffffff, 0xfffffffffffffffeull, 0xffffffff);
    AMOW("amominu.w", 1, 0x80000000, 1, 1);
    AMOW("amominu.w", 0xffffffff, 0x100000002ull, 0xffffffffffffffffull, 2);
    AMOW("amomaxu.w", 1, 0xffffffff80000000ull, 1, 0x80000000);
    AMOW("amomaxu.w", 0x80000000, 0x7fffffff, 0xffffffff80000000ull, 0x80000000);
    AMOW("amoadd.w.aqrl", 10, 5, 10, 15);
    AMOW("amoswap.w.aq", 3, 4, 3, 4);
    AMOW("amoor.w.rl", 3, 4, 3, 7);

    AMOD("amoswap.d", 0x8000000000000000ull, 5, 0x8000000000000000ull, 5);
    AMOD("amoadd.d", 0xffffffffffffffffull, 2, 0xffffffffffffffffull, 1);
    AMOD("amoadd.d", 0x00000000ffffffffull, 1, 0xffffffff, 0x100000000ull);
    AMOD("amoxor.d", 0xff00ff00ff00ff00ull, 0xffffffffffffffffull, 0xff00ff00ff00ff00ull,
         0x00ff00ff00ff00ffull);
    AMOD("amoand.d", 0xf0f0f0f0f0f0f0f0ull, 0xff00000000000000ull, 0xf0f0f0f0f0f0f0f0ull,
         0xf000000000000000ull);
    AMOD("amoor.d", 1, 0x8000000000000000ull, 1, 0x8000000000000001ull);
    AMOD("amomin.d", 1, 0x8000000000000000ull, 1, 0x8000000000000000ull);
    AMOD("amomax.d", 1, 0x8000000000000000ull, 1, 1);
    AMOD("amominu.d", 1, 0x8000000000000000ull, 1, 1);
    AMOD("amomaxu.d", 1, 0x8000000000000000ull, 1, 0x8000000000000000ull);
    AMOD("amomin.d", 0x00000000ffffffffull, 0xffffffffffffffffull, 0xffffffff,
         0xffffffffffffffffull);
    AMOD("amomaxu.d.aqrl", 0xfffffffe, 0xffffffff, 0xfffffffe, 0xffffffff);
    /* rd = rs2: the old value lands in rd, memory gets rs2's value. */
    uint64_t r = 5;
    mem[1] = 100;
    __asm__ volatile("amoadd.d %0, %0, (%1)" : "+r"(r) : "r"(&mem[1]) : "memory");
    CHECK_EQ(r, 100);
    CHECK_EQ(mem[1], 105);
    /* rd = rs1: the address is read before rd is written. */
    uint64_t p = (uint64_t)(uintptr_t)&mem[1];
    __asm__ volatile("amoswap.d %0, %1, (%0)" : "+r"(p) : "r"(7ull) : "memory");
    CHECK_EQ(p, 105);
    CHECK_EQ(mem[1], 7);
    p = (uint64_t)(uintptr_t)&mem[1];
    (void)LR("d", &mem[1]);
    __asm__ volatile("sc.d %0, %1, (%0)" : "+r"(p) : "r"(9ull) : "memory");
    CHECK_EQ(p, 0);
    CHECK_EQ(mem[1], 9);
    /* rd = x0: memory still changes. */
    mem[1] = 5;
    __asm__ volatile("amoadd.d zero, %1, (%0)" :: "r"(&mem[1]), "r"(3ull) : "memory");
    CHECK_EQ(mem[1], 8);
}

static volatile uint64_t trap_cause, trap_tval, trap_count;

static bool on_trap(TrapFrame *frame, uint64_t mcause, uint64_t mepc, uint64_t mtval)
{
    trap_cause = mcause;
    trap_tval = mtval;
    trap_count++;
    csr_write(mepc, mepc + 4);     /* atomics are never compressed */
    return true;
}

#define EXPECT_TRAP(stmt, cause, addr)                                         \
    do {                                                                       \
        uint64_t n_ = trap_count;                                              \
        stmt;                                                                  \
        CHECK_EQ(trap_count, n_ + 1);                                          \
        CHECK_EQ(trap_cause, cause);                                           \
        CHECK_EQ(trap_tval, (uint64_t)(uintptr_t)(addr));                      \
    } while (0)

static void test_misaligned(void)
{
    volatile uint8_t *b = (volatile uint8_t *)mem;
    uint64_t rd;

    test_set_trap_handler(on_trap);
    mem[0] = 0x1111111111111111ull;
    mem[1] = 0x2222222222222222ull;
    rd = 0x77;
    EXPECT_TRAP(__asm__ volatile("lr.w %0, (%1)" : "+r"(rd) : "r"(b + 2) : "memory"), 4, b + 2);
    CHECK_EQ(rd, 0x77);
    EXPECT_TRAP(__asm__ volatile("lr.d %0, (%1)" : "+r"(rd) : "r"(b + 4) : "memory"), 4, b + 4);
    EXPECT_TRAP(__asm__ volatile("amoadd.w %0, %2, (%1)" : "+r"(rd) : "r"(b + 1), "r"(1ull)
                                 : "memory"), 6, b + 1);
    EXPECT_TRAP(__asm__ volatile("amoswap.d %0, %2, (%1)" : "+r"(rd) : "r"(b + 4), "r"(1ull)
                                 : "memory"), 6, b + 4);
    EXPECT_TRAP(__asm__ volatile("amomaxu.d.aqrl %0, %2, (%1)" : "+r"(rd) : "r"(b + 12),
                                 "r"(1ull) : "memory"), 6, b + 12);
    CHECK_EQ(rd, 0x77);
    CHECK_EQ(mem[0], 0x1111111111111111ull);
    CHECK_EQ(mem[1], 0x2222222222222222ull);
    test_set_trap_handler(0);
}

int main(void)
{
    test_lr_sc();
    test_amo();
    test_misaligned();
    return test_result("rv64a");
}
