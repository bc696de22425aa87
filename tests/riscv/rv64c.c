/*
 * The C extension on the virt board (Unprivileged ISA 20191213, chapter 16,
 * RV64 forms): every integer compressed instruction, written with its c.
 * mnemonic so the assembler must emit the 16-bit form, with its immediate at
 * the edges of its range (negative, scaled, the largest offset); control
 * transfers and their links (pc + 2); HINT encodings executing as no-ops;
 * and reserved encodings raising illegal instruction with mtval = the 16
 * instruction bits.  Registers are pinned to x8-x15 where the form needs it.
 */
#include "testlib.h"

#define REG(name, var, init) register uint64_t var __asm__(name) = (uint64_t)(init)

static void test_arith(void)
{
    REG("a0", a0, 5);
    REG("a1", a1, 0);
    __asm__ volatile("c.addi %0, -6" : "+r"(a0));
    CHECK_EQ(a0, 0xffffffffffffffffull);
    __asm__ volatile("c.addi %0, 31" : "+r"(a0));
    CHECK_EQ(a0, 30);
    __asm__ volatile("c.li %0, -32" : "=r"(a1));
    CHECK_EQ(a1, (uint64_t)-32);
    __asm__ volatile("c.li %0, 31" : "=r"(a1));
    CHECK_EQ(a1, 31);
    __asm__ volatile("c.lui %0, 0xfffe0" : "=r"(a1));      /* imm -32: sign-extended */
    CHECK_EQ(a1, 0xfffffffffffe0000ull);
    __asm__ volatile("c.lui %0, 0x1f" : "=r"(a1));
    CHECK_EQ(a1, 0x1f000);
    a0 = 0x7fffffff;
    __asm__ volatile("c.addiw %0, 1" : "+r"(a0));
    CHECK_EQ(a0, 0xffffffff80000000ull);
    a0 = 0x100000005ull;
    __asm__ volatile("c.addiw %0, 0" : "+r"(a0));          /* sext.w */
    CHECK_EQ(a0, 5);
    a0 = 0x8000000000000000ull;
    __asm__ volatile("c.srli %0, 63" : "+r"(a0));
    CHECK_EQ(a0, 1);
    a0 = 0x8000000000000000ull;
    __asm__ volatile("c.srai %0, 63" : "+r"(a0));
    CHECK_EQ(a0, 0xffffffffffffffffull);
    a0 = 0xf0f0;
    __asm__ volatile("c.andi %0, -16" : "+r"(a0));
    CHECK_EQ(a0, 0xf0f0);
    __asm__ volatile("c.andi %0, 7" : "+r"(a0));
    CHECK_EQ(a0, 0);
    a0 = 1;
    __asm__ volatile("c.slli %0, 63" : "+r"(a0));
    CHECK_EQ(a0, 0x8000000000000000ull);
}

static void test_register_ops(void)
{
    REG("s0", s0, 0);
    REG("s1", s1, 0);
    s0 = 10; s1 = 3;
    __asm__ volatile("c.sub %0, %1" : "+r"(s0) : "r"(s1));
    CHECK_EQ(s0, 7);
    s0 = 0xff00; s1 = 0x0ff0;
    __asm__ volatile("c.xor %0, %1" : "+r"(s0) : "r"(s1));
    CHECK_EQ(s0, 0xf0f0);
    __asm__ volatile("c.or %0, %1" : "+r"(s0) : "r"(s1));
    CHECK_EQ(s0, 0xfff0);
    __asm__ volatile("c.and %0, %1" : "+r"(s0) : "r"(s1));
    CHECK_EQ(s0, 0x0ff0);
    s0 = 0x80000000; s1 = 1;
    __asm__ volatile("c.subw %0, %1" : "+r"(s0) : "r"(s1));
    CHECK_EQ(s0, 0x7fffffff);
    __asm__ volatile("c.addw %0, %1" : "+r"(s0) : "r"(s1));
    CHECK_EQ(s0, 0xffffffff80000000ull);

    REG("t0", t0, 0x1234);
    REG("t1", t1, 0);
    __asm__ volatile("c.mv %0, %1" : "=r"(t1) : "r"(t0));
    CHECK_EQ(t1, 0x1234);
    __asm__ volatile("c.add %0, %1" : "+r"(t1) : "r"(t0));
    CHECK_EQ(t1, 0x2468);
}

static uint64_t data[4] __attribute__((aligned(8)));

static void test_loads_stores(void)
{
    REG("a2", base, data);
    REG("a3", v, 0);
    data[0] = 0xfffffffe80000001ull;
    data[3] = 0x0123456789abcdefull;
    __asm__ volatile("c.lw %0, 0(%1)" : "=r"(v) : "r"(base) : "memory");
    CHECK_EQ(v, 0xffffffff80000001ull);
    __asm__ volatile("c.lw %0, 4(%1)" : "=r"(v) : "r"(base) : "memory");
    CHECK_EQ(v, 0xfffffffffffffffeull);
    __asm__ volatile("c.ld %0, 24(%1)" : "=r"(v) : "r"(base) : "memory");
    CHECK_EQ(v, 0x0123456789abcdefull);
    v = 0x5555555566666666ull;
    __asm__ volatile("c.sw %0, 8(%1)" :: "r"(v), "r"(base) : "memory");
    __asm__ volatile("c.sd %0, 16(%1)" :: "r"(v), "r"(base) : "memory");
    CHECK_EQ(data[1], 0x66666666);
    CHECK_EQ(data[2], 0x5555555566666666ull);

    /* sp-relative forms, in a frame of our own; c.addi4spn too. */
    uint64_t r1, r2, r3, spv, a4s;
    __asm__ volatile("c.addi16sp sp, -64\n\t"
                     "mv %3, sp\n\t"
                     "c.sdsp %5, 56(sp)\n\t"
                     "c.swsp %5, 4(sp)\n\t"
                     "c.ldsp %0, 56(sp)\n\t"
                     "c.lwsp %1, 4(sp)\n\t"
                     "c.ldsp %2, 0(sp)\n\t"
                     "c.addi4spn a4, sp, 40\n\t"
                     "mv %4, a4\n\t"
                     "c.addi16sp sp, 64"
                     : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(spv), "=&r"(a4s)
                     : "r"(0x89abcdef80000000ull) : "a4", "memory");
    CHECK_EQ(r1, 0x89abcdef80000000ull);
    CHECK_EQ(r2, 0xffffffff80000000ull);
    CHECK_EQ(r3 >> 32, 0x80000000ull);
    CHECK_EQ(a4s, spv + 40);
}

static void test_control(void)
{
    uint64_t taken, link, target;
    REG("a0", z, 0);
    REG("a1", nz, 5);

    taken = 0;
    __asm__ volatile("c.beqz %1, 1f\n\tc.li %0, 1\n1:" : "+r"(taken) : "r"(z));
    CHECK_EQ(taken, 0);
    __asm__ volatile("c.beqz %1, 1f\n\tc.li %0, 1\n1:" : "+r"(taken) : "r"(nz));
    CHECK_EQ(taken, 1);
    taken = 0;
    __asm__ volatile("c.bnez %1, 1f\n\tc.li %0, 1\n1:" : "+r"(taken) : "r"(nz));
    CHECK_EQ(taken, 0);
    __asm__ volatile("c.bnez %1, 1f\n\tc.li %0, 1\n1:" : "+r"(taken) : "r"(z));
    CHECK_EQ(taken, 1);
    /* Backward c.bnez: a count-down loop. */
    REG("a2", n, 5);
    REG("a3", sum, 0);
    __asm__ volatile("1: c.add %1, %0\n\tc.addi %0, -1\n\tc.bnez %0, 1b"
                     : "+r"(n), "+r"(sum));
    CHECK_EQ(sum, 15);

    taken = 0;
    __asm__ volatile("c.j 1f\n\tc.li %0, 1\n1:" : "+r"(taken));
    CHECK_EQ(taken, 0);

    /* c.jalr: ra = pc + 2; c.jr returns. */
    __asm__ volatile("la t0, 2f\n\t"
                     "c.jalr t0\n"
                     "1:\tla %1, 1b\n\t"
                     "mv %0, ra\n\t"
                     "j 3f\n"
                     "2:\tc.jr ra\n"
                     "3:"
                     : "=r"(link), "=r"(target) :: "t0", "ra");
    CHECK_EQ(link, target);
}

static volatile uint64_t trap_cause, trap_tval, trap_count;

static bool on_trap(TrapFrame *frame, uint64_t mcause, uint64_t mepc, uint64_t mtval)
{
    trap_cause = mcause;
    trap_tval = mtval;
    trap_count++;
    csr_write(mepc, mepc + 2);
    return true;
}

#define EXPECT_ILLEGAL(bits)                                                   \
    do {                                                                       \
        uint64_t n_ = trap_count;                                              \
        __asm__ volatile(".2byte " #bits ::: "memory");                        \
        CHECK_EQ(trap_count, n_ + 1);                                          \
        CHECK_EQ(trap_cause, 2);                                               \
        CHECK_EQ(trap_tval, bits);                                             \
    } while (0)

static void test_hints_and_reserved(void)
{
    test_set_trap_handler(on_trap);
    /* HINTs: no effect, no trap. */
    __asm__ volatile(".2byte 0x0005\n\t"    /* c.addi x0, 1 (c.nop with imm) */
                     ".2byte 0x4015\n\t"    /* c.li x0, 5 */
                     ".2byte 0x802a\n\t"    /* c.mv x0, a0 */
                     ".2byte 0x902a\n\t"    /* c.add x0, a0 */
                     ".2byte 0x0006\n\t"    /* c.slli x0, 1 */
                     ".2byte 0x0001"        /* c.nop */
                     ::: "memory");
    CHECK_EQ(trap_count, 0);
    /* Reserved encodings. */
    EXPECT_ILLEGAL(0x0004);     /* c.addi4spn with nzuimm = 0 */
    EXPECT_ILLEGAL(0x2001);     /* c.addiw with rd = 0 */
    EXPECT_ILLEGAL(0x4002);     /* c.lwsp with rd = 0 */
    EXPECT_ILLEGAL(0x6002);     /* c.ldsp with rd = 0 */
    EXPECT_ILLEGAL(0x8002);     /* c.jr with rs1 = 0 */
    EXPECT_ILLEGAL(0x6281);     /* c.lui with imm = 0 */
    EXPECT_ILLEGAL(0x6101);     /* c.addi16sp with imm = 0 */
    EXPECT_ILLEGAL(0x0000);     /* the all-zeros parcel */
    test_set_trap_handler(0);
}

int main(void)
{
    test_arith();
    test_register_ops();
    test_loads_stores();
    test_control();
    test_hints_and_reserved();
    return test_result("rv64c");
}
