/*
 * RV64I on the virt board (Unprivileged ISA 20191213, chapters 2 and 5):
 * arithmetic wrap-around, shifts by 0/31/32/63/64 (the count is rs2[5:0],
 * rs2[4:0] for W forms), sign extension of every W result, comparisons at
 * the signed/unsigned boundary, loads' sign/zero extension, partial and
 * misaligned stores, every branch condition, jal/jalr links (jalr clears
 * bit 0), x0 ignoring writes, fence, pause, and fence.i making freshly
 * written code visible.  Each instruction is forced with inline asm so the
 * compiler cannot fold it away.
 */
#include "testlib.h"

#define RR(op, a, b) ({ uint64_t r_; __asm__ volatile(op " %0, %1, %2" : "=r"(r_)              \
                        : "r"((uint64_t)(a)), "r"((uint64_t)(b))); r_; })
#define RI(op, a, imm) ({ uint64_t r_; __asm__ volatile(op " %0, %1, %2" : "=r"(r_)            \
                          : "r"((uint64_t)(a)), "i"(imm)); r_; })

static void test_arith(void)
{
    CHECK_EQ(RR("add", 0x7fffffffffffffffull, 1), 0x8000000000000000ull);
    CHECK_EQ(RR("sub", 0, 1), 0xffffffffffffffffull);
    CHECK_EQ(RI("addi", 5, -6), 0xffffffffffffffffull);
    CHECK_EQ(RI("addi", 0, 2047), 2047);
    CHECK_EQ(RI("addi", 0, -2048), (uint64_t)-2048);
    CHECK_EQ(RR("xor", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull), 0xf0f0f0f0f0f0f0f0ull);
    CHECK_EQ(RR("or", 0x1200, 0x34), 0x1234);
    CHECK_EQ(RR("and", 0xffff0000ffff0000ull, 0x0ff00ff00ff00ff0ull), 0x0ff000000ff00000ull);
    CHECK_EQ(RI("xori", 0x1234, -1), ~0x1234ull);            /* not */
    CHECK_EQ(RI("andi", 0xffffffffffffffffull, -16), 0xfffffffffffffff0ull);
    CHECK_EQ(RI("ori", 0, -1), 0xffffffffffffffffull);
}

static void test_shifts(void)
{
    const uint64_t v = 0x8000000000000001ull;

    CHECK_EQ(RR("sll", v, 63), 0x8000000000000000ull);
    CHECK_EQ(RR("sll", v, 64), v);                  /* rs2[5:0] = 0 */
    CHECK_EQ(RR("sll", v, 65), 0x2);
    CHECK_EQ(RR("srl", v, 63), 1);
    CHECK_EQ(RR("srl", v, 64), v);
    CHECK_EQ(RR("sra", v, 63), 0xffffffffffffffffull);
    CHECK_EQ(RR("sra", v, 127), 0xffffffffffffffffull);
    CHECK_EQ(RR("sra", 0x4000000000000000ull, 62), 1);
    CHECK_EQ(RI("slli", v, 63), 0x8000000000000000ull);
    CHECK_EQ(RI("srli", v, 63), 1);
    CHECK_EQ(RI("srai", v, 63), 0xffffffffffffffffull);
    CHECK_EQ(RI("srai", v, 0), v);
    /* W forms: low word only, count rs2[4:0], result sign-extended. */
    CHECK_EQ(RR("sllw", 1, 31), 0xffffffff80000000ull);
    CHECK_EQ(RR("sllw", 1, 32), 1);
    CHECK_EQ(RR("sllw", 0x123456789ull, 4), 0x34567890);
    CHECK_EQ(RR("sllw", 0x18000000ull, 4), 0xffffffff80000000ull);
    CHECK_EQ(RR("srlw", 0xffffffff80000000ull, 31), 1);
    CHECK_EQ(RR("srlw", 0x0000000080000000ull, 0), 0xffffffff80000000ull);
    CHECK_EQ(RR("srlw", 0xffffffff80000000ull, 1), 0x40000000);
    CHECK_EQ(RR("srlw", 0x1234567880000000ull, 33), 0x40000000);
    CHECK_EQ(RR("sraw", 0x80000000, 31), 0xffffffffffffffffull);
    CHECK_EQ(RR("sraw", 0x7fffffff80000000ull, 4), 0xfffffffff8000000ull);
    CHECK_EQ(RR("sraw", 0xffffffff7fffffffull, 30), 1);
    CHECK_EQ(RI("slliw", 3, 31), 0xffffffff80000000ull);
    CHECK_EQ(RI("srliw", 0xffffffffffffffffull, 28), 0xf);
    CHECK_EQ(RI("srliw", 0x80000000, 0), 0xffffffff80000000ull);
    CHECK_EQ(RI("sraiw", 0x80000000, 31), 0xffffffffffffffffull);
    CHECK_EQ(RI("sraiw", 0xf0000000f0000000ull, 4), 0xffffffffff000000ull);
}

static void test_word_ops(void)
{
    CHECK_EQ(RR("addw", 0x7fffffff, 1), 0xffffffff80000000ull);
    CHECK_EQ(RR("addw", 0xffffffff00000000ull, 0xffffffff00000000ull), 0);
    CHECK_EQ(RR("addw", 0x00000000ffffffffull, 1), 0);
    CHECK_EQ(RR("subw", 0, 1), 0xffffffffffffffffull);
    CHECK_EQ(RR("subw", 0x80000000, 1), 0x7fffffff);
    CHECK_EQ(RI("addiw", 0x7fffffff, 1), 0xffffffff80000000ull);
    CHECK_EQ(RI("addiw", 0x1ffffffffull, 0), 0xffffffffffffffffull);   /* sext.w */
    CHECK_EQ(RI("addiw", 0xffffffff, 1), 0);
}

static void test_compares(void)
{
    CHECK_EQ(RR("slt", 0xffffffffffffffffull, 0), 1);
    CHECK_EQ(RR("slt", 0, 0xffffffffffffffffull), 0);
    CHECK_EQ(RR("slt", 0x8000000000000000ull, 0x7fffffffffffffffull), 1);
    CHECK_EQ(RR("sltu", 0xffffffffffffffffull, 0), 0);
    CHECK_EQ(RR("sltu", 0, 0xffffffffffffffffull), 1);
    CHECK_EQ(RR("sltu", 5, 5), 0);
    CHECK_EQ(RI("slti", 0xffffffffffffffffull, 0), 1);
    CHECK_EQ(RI("slti", 0, -1), 0);
    CHECK_EQ(RI("sltiu", 0, -1), 1);             /* imm sign-extends, compares unsigned */
    CHECK_EQ(RI("sltiu", 0xfffffffffffffffeull, -1), 1);
    CHECK_EQ(RI("sltiu", 0xffffffffffffffffull, -1), 0);
    CHECK_EQ(RI("sltiu", 0, 1), 1);              /* seqz */
    CHECK_EQ(RI("sltiu", 7, 1), 0);
}

static void test_upper(void)
{
    uint64_t v, pc1, pc2;

    __asm__ volatile("lui %0, 0x80000" : "=r"(v));
    CHECK_EQ(v, 0xffffffff80000000ull);
    __asm__ volatile("lui %0, 0x7ffff" : "=r"(v));
    CHECK_EQ(v, 0x7ffff000);
    __asm__ volatile("lui %0, 0xfffff" : "=r"(v));
    CHECK_EQ(v, 0xfffffffffffff000ull);
    __asm__ volatile("auipc %0, 0\n\tauipc %1, 1" : "=r"(pc1), "=r"(pc2));
    CHECK_EQ(pc2 - pc1, 0x1000 + 4);
    __asm__ volatile("auipc %0, 0x80000" : "=r"(v));
    CHECK_TRUE(v + 0x80000000ull > 0x80000000ull && v + 0x80000000ull < 0x90000000ull);
}

static void test_x0(void)
{
    uint64_t v;

    __asm__ volatile("addi zero, zero, 5\n\tlui zero, 1\n\tmv %0, zero" : "=r"(v));
    CHECK_EQ(v, 0);
    __asm__ volatile("add %0, zero, zero" : "=r"(v));
    CHECK_EQ(v, 0);
}

static uint8_t buf[32] __attribute__((aligned(16)));

static void test_loads_stores(void)
{
    uint64_t v;
    uint8_t *p = buf;

    __asm__ volatile("sd %1, 0(%0)\n\tsd %2, 8(%0)" :: "r"(p), "r"(0x8899aabbccddeeffull),
                     "r"(0x0011223344556677ull) : "memory");
    __asm__ volatile("lb %0, 0(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0xffffffffffffffffull);
    __asm__ volatile("lbu %0, 0(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0xff);
    __asm__ volatile("lb %0, 8(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0x77);
    __asm__ volatile("lh %0, 6(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0xffffffffffff8899ull);
    __asm__ volatile("lhu %0, 6(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0x8899);
    __asm__ volatile("lw %0, 4(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0xffffffff8899aabbull);
    __asm__ volatile("lwu %0, 4(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0x8899aabb);
    __asm__ volatile("lw %0, 8(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0x44556677);
    __asm__ volatile("ld %0, 8(%1)" : "=r"(v) : "r"(p + 16) : "memory");   /* negative offset */
    CHECK_EQ(v, 0);
    __asm__ volatile("ld %0, -8(%1)" : "=r"(v) : "r"(p + 16) : "memory");
    CHECK_EQ(v, 0x0011223344556677ull);
    /* Partial stores leave the neighbours alone. */
    __asm__ volatile("sb %1, 1(%0)\n\tsh %1, 2(%0)" :: "r"(p), "r"(0x1234567890abcdefull)
                     : "memory");
    __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0x8899aabbcdefefffull);
    __asm__ volatile("sw %1, 4(%0)" :: "r"(p), "r"(0xfedcba9801234567ull) : "memory");
    __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0x01234567cdefefffull);
    /* Misaligned accesses are performed (no trap on this board). */
    __asm__ volatile("sd %1, 3(%0)" :: "r"(p), "r"(0x0102030405060708ull) : "memory");
    __asm__ volatile("ld %0, 3(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0x0102030405060708ull);
    __asm__ volatile("lw %0, 5(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0x03040506);
    __asm__ volatile("lh %0, 9(%1)" : "=r"(v) : "r"(p) : "memory");
    CHECK_EQ(v, 0x0102);
    CHECK_EQ(p[2], 0xef);
    CHECK_EQ(p[11], 0x44);
}

/* Branch helpers: 1 when taken. */
#define BR(op, a, b) ({ uint64_t t_ = 1; __asm__ volatile(op " %1, %2, 1f\n\tli %0, 0\n1:"       \
                        : "+r"(t_) : "r"((uint64_t)(a)), "r"((uint64_t)(b))); t_; })

static void test_branches(void)
{
    const uint64_t neg = 0xffffffffffffffffull;

    CHECK_EQ(BR("beq", 5, 5), 1);
    CHECK_EQ(BR("beq", 5, 6), 0);
    CHECK_EQ(BR("bne", 5, 6), 1);
    CHECK_EQ(BR("bne", neg, neg), 0);
    CHECK_EQ(BR("blt", neg, 0), 1);
    CHECK_EQ(BR("blt", 0, neg), 0);
    CHECK_EQ(BR("blt", 3, 3), 0);
    CHECK_EQ(BR("bge", 3, 3), 1);
    CHECK_EQ(BR("bge", neg, 0), 0);
    CHECK_EQ(BR("bge", 0x7fffffffffffffffull, 0x8000000000000000ull), 1);
    CHECK_EQ(BR("bltu", 0, neg), 1);
    CHECK_EQ(BR("bltu", neg, 0), 0);
    CHECK_EQ(BR("bgeu", neg, 0), 1);
    CHECK_EQ(BR("bgeu", 0, neg), 0);
    CHECK_EQ(BR("bgeu", 7, 7), 1);
}

static void test_jumps(void)
{
    uint64_t link, here, target;

    /* jal: rd = pc + 4 (a 4-byte filler, not a compressible nop). */
    __asm__ volatile("jal %0, 1f\n\t.4byte 0x00000013\n1:\tauipc %1, 0"
                     : "=r"(link), "=r"(here));
    CHECK_EQ(here - link, 4);
    /* jalr: target = (rs1 + imm) & ~1, rd = pc + 4. */
    __asm__ volatile("la %1, 1f\n\t"
                     "addi %1, %1, 1\n\t"         /* odd: bit 0 is cleared */
                     "jalr %0, 0(%1)\n\t"
                     ".option push\n\t.option norvc\n\t"
                     "li %1, 0\n\t"               /* skipped */
                     ".option pop\n"
                     "1:"
                     : "=&r"(link), "=&r"(target));
    CHECK_TRUE(target != 0);
    CHECK_EQ(link + 4, target - 1);          /* link: the skipped li, 4 bytes before 1: */
    /* rd = rs1: the target is computed from the old value. */
    __asm__ volatile("la %1, 2f\n\t"
                     "addi %0, %1, 8\n\t"
                     "jalr %0, -8(%0)\n"
                     "2:"
                     : "=&r"(link), "=&r"(target));
    CHECK_EQ(link, target);
}

static uint32_t code_buf[4] __attribute__((aligned(16)));

static void test_fence_i(void)
{
    uint64_t (*fn)(void) = (uint64_t (*)(void))(uintptr_t)code_buf;

    code_buf[0] = 0x00100513;   /* li a0, 1 */
    code_buf[1] = 0x00008067;   /* ret */
    __asm__ volatile("fence.i" ::: "memory");
    CHECK_EQ(fn(), 1);
    code_buf[0] = 0x00200513;   /* li a0, 2 */
    __asm__ volatile("fence.i" ::: "memory");
    CHECK_EQ(fn(), 2);
    code_buf[0] = 0x02a00513;   /* li a0, 42 */
    __asm__ volatile("fence.i" ::: "memory");
    CHECK_EQ(fn(), 42);
}

static void test_fences(void)
{
    /* Ordering is not observable on one hart; these must simply execute. */
    __asm__ volatile("fence\n\tfence rw, rw\n\tfence r, r\n\tfence w, w\n\tfence.tso\n\t"
                     ".word 0x0100000f" /* pause */ ::: "memory");
    CHECK_TRUE(1);
}

int main(void)
{
    test_arith();
    test_shifts();
    test_word_ops();
    test_compares();
    test_upper();
    test_x0();
    test_loads_stores();
    test_branches();
    test_jumps();
    test_fences();
    test_fence_i();
    return test_result("rv64i");
}
