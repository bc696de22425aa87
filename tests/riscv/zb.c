/*
 * Bit manipulation on the virt board (Bitmanip 1.0.0: Zba, Zbb, Zbc, Zbs).
 * First hand-checked corner cases (counts of 0 and all-ones inputs, the W
 * forms' 32-bit views, rotates by 0 and 63, bit 63), then a table over
 * five operand pairs per instruction whose results were computed from the
 * spec's pseudo-code with arbitrary-precision integers.
 */
#include "testlib.h"

#define RR(op, a, b) ({ uint64_t r_; __asm__ volatile(op " %0, %1, %2" : "=r"(r_)              \
                        : "r"((uint64_t)(a)), "r"((uint64_t)(b))); r_; })
#define RI(op, a, imm) ({ uint64_t r_; __asm__ volatile(op " %0, %1, %2" : "=r"(r_)            \
                          : "r"((uint64_t)(a)), "i"(imm)); r_; })
#define R1(op, a) ({ uint64_t r_; __asm__ volatile(op " %0, %1" : "=r"(r_)                     \
                     : "r"((uint64_t)(a))); r_; })

static void test_corners(void)
{
    /* Zba */
    CHECK_EQ(RR("add.uw", 0xffffffff80000000ull, 1), 0x80000001);
    CHECK_EQ(RR("sh3add", 1, 2), 10);
    CHECK_EQ(RR("sh2add.uw", 0x100000001ull, 0), 4);
    CHECK_EQ(RI("slli.uw", 0xffffffffffffffffull, 32), 0xffffffff00000000ull);
    CHECK_EQ(RI("slli.uw", 0xffffffffffffffffull, 0), 0xffffffff);  /* zext.w */
    /* Zbb counts */
    CHECK_EQ(R1("clz", 0), 64);
    CHECK_EQ(R1("clz", 1), 63);
    CHECK_EQ(R1("clz", 0x8000000000000000ull), 0);
    CHECK_EQ(R1("ctz", 0), 64);
    CHECK_EQ(R1("ctz", 0x8000000000000000ull), 63);
    CHECK_EQ(R1("cpop", 0xffffffffffffffffull), 64);
    CHECK_EQ(R1("clzw", 0xffffffff00000000ull), 32);
    CHECK_EQ(R1("clzw", 0x00000000ffffffffull), 0);
    CHECK_EQ(R1("clzw", 0x1ffff), 15);
    CHECK_EQ(R1("ctzw", 0xffffffff00000000ull), 32);
    CHECK_EQ(R1("ctzw", 0x80000000), 31);
    CHECK_EQ(R1("cpopw", 0xffffffff00000001ull), 1);
    /* Zbb min/max, extensions, rotates, bytes */
    CHECK_EQ(RR("min", 0xffffffffffffffffull, 0), 0xffffffffffffffffull);
    CHECK_EQ(RR("minu", 0xffffffffffffffffull, 0), 0);
    CHECK_EQ(RR("max", 0x8000000000000000ull, 0x7fffffffffffffffull), 0x7fffffffffffffffull);
    CHECK_EQ(RR("maxu", 0x8000000000000000ull, 0x7fffffffffffffffull), 0x8000000000000000ull);
    CHECK_EQ(R1("sext.b", 0x180), 0xffffffffffffff80ull);
    CHECK_EQ(R1("sext.h", 0x7fff), 0x7fff);
    CHECK_EQ(R1("zext.h", 0xffffffffffff8000ull), 0x8000);
    CHECK_EQ(RR("rol", 0x8000000000000001ull, 1), 3);
    CHECK_EQ(RR("ror", 0x8000000000000001ull, 64), 0x8000000000000001ull);
    CHECK_EQ(RI("rori", 1, 63), 2);
    CHECK_EQ(RR("rolw", 0x80000001, 1), 3);
    CHECK_EQ(RR("rorw", 1, 1), 0xffffffff80000000ull);
    CHECK_EQ(RR("rorw", 0xffffffff00000001ull, 32), 1);
    CHECK_EQ(RI("roriw", 0x00000000000000f0ull, 4), 0xf);
    CHECK_EQ(RI("roriw", 1, 1), 0xffffffff80000000ull);
    CHECK_EQ(R1("orc.b", 0x0100000000ff0010ull), 0xff00000000ff00ffull);
    CHECK_EQ(R1("rev8", 0x0102030405060708ull), 0x0807060504030201ull);
    CHECK_EQ(RR("andn", 0xff, 0x0f), 0xf0);
    CHECK_EQ(RR("orn", 0, 0xffffffffffff0000ull), 0xffff);
    CHECK_EQ(RR("xnor", 0x5, 0x5), 0xffffffffffffffffull);
    /* Zbc: (x^2 + 1)(x + 1) = x^3 + x^2 + x + 1 */
    CHECK_EQ(RR("clmul", 5, 3), 0xf);
    CHECK_EQ(RR("clmulh", 0x8000000000000000ull, 2), 1);
    CHECK_EQ(RR("clmulr", 0x8000000000000000ull, 2), 2);
    CHECK_EQ(RR("clmul", 0xffffffffffffffffull, 0xffffffffffffffffull), 0x5555555555555555ull);
    CHECK_EQ(RR("clmulh", 0xffffffffffffffffull, 0xffffffffffffffffull), 0x5555555555555555ull);
    /* Zbs: the index is rs2[5:0] */
    CHECK_EQ(RR("bset", 0, 63), 0x8000000000000000ull);
    CHECK_EQ(RR("bset", 0, 64), 1);
    CHECK_EQ(RR("bclr", 0xffffffffffffffffull, 127), 0x7fffffffffffffffull);
    CHECK_EQ(RR("binv", 0x8000000000000000ull, 63), 0);
    CHECK_EQ(RR("bext", 0x8000000000000000ull, 63), 1);
    CHECK_EQ(RI("bexti", 0x8000000000000000ull, 62), 0);
    CHECK_EQ(RI("bseti", 0, 32), 0x100000000ull);
}

static void test_table(void)
{
    CHECK_EQ(RR("add.uw", 0x123456789abcdefull, 0xfedcba9876543210ull), 0xfedcba98ffffffffull);
    CHECK_EQ(RR("add.uw", 0x8000000000000000ull, 0xffffffffffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(RR("add.uw", 0xffffffff80000000ull, 0x3full), 0x8000003full);
    CHECK_EQ(RR("add.uw", 0x0ull, 0x41ull), 0x41ull);
    CHECK_EQ(RR("add.uw", 0xffff0001ull, 0x20ull), 0xffff0021ull);
    CHECK_EQ(RR("sh1add", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x123456789abcdeeull);
    CHECK_EQ(RR("sh1add", 0x8000000000000000ull, 0xffffffffffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(RR("sh1add", 0xffffffff80000000ull, 0x3full), 0xffffffff0000003full);
    CHECK_EQ(RR("sh1add", 0x0ull, 0x41ull), 0x41ull);
    CHECK_EQ(RR("sh1add", 0xffff0001ull, 0x20ull), 0x1fffe0022ull);
    CHECK_EQ(RR("sh2add", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x369d0369d0369ccull);
    CHECK_EQ(RR("sh2add", 0x8000000000000000ull, 0xffffffffffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(RR("sh2add", 0xffffffff80000000ull, 0x3full), 0xfffffffe0000003full);
    CHECK_EQ(RR("sh2add", 0x0ull, 0x41ull), 0x41ull);
    CHECK_EQ(RR("sh2add", 0xffff0001ull, 0x20ull), 0x3fffc0024ull);
    CHECK_EQ(RR("sh3add", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x7f6e5d4c3b2a188ull);
    CHECK_EQ(RR("sh3add", 0x8000000000000000ull, 0xffffffffffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(RR("sh3add", 0xffffffff80000000ull, 0x3full), 0xfffffffc0000003full);
    CHECK_EQ(RR("sh3add", 0x0ull, 0x41ull), 0x41ull);
    CHECK_EQ(RR("sh3add", 0xffff0001ull, 0x20ull), 0x7fff80028ull);
    CHECK_EQ(RR("sh1add.uw", 0x123456789abcdefull, 0xfedcba9876543210ull), 0xfedcba9989abcdeeull);
    CHECK_EQ(RR("sh1add.uw", 0x8000000000000000ull, 0xffffffffffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(RR("sh1add.uw", 0xffffffff80000000ull, 0x3full), 0x10000003full);
    CHECK_EQ(RR("sh1add.uw", 0x0ull, 0x41ull), 0x41ull);
    CHECK_EQ(RR("sh1add.uw", 0xffff0001ull, 0x20ull), 0x1fffe0022ull);
    CHECK_EQ(RR("sh2add.uw", 0x123456789abcdefull, 0xfedcba9876543210ull), 0xfedcba9a9d0369ccull);
    CHECK_EQ(RR("sh2add.uw", 0x8000000000000000ull, 0xffffffffffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(RR("sh2add.uw", 0xffffffff80000000ull, 0x3full), 0x20000003full);
    CHECK_EQ(RR("sh2add.uw", 0x0ull, 0x41ull), 0x41ull);
    CHECK_EQ(RR("sh2add.uw", 0xffff0001ull, 0x20ull), 0x3fffc0024ull);
    CHECK_EQ(RR("sh3add.uw", 0x123456789abcdefull, 0xfedcba9876543210ull), 0xfedcba9cc3b2a188ull);
    CHECK_EQ(RR("sh3add.uw", 0x8000000000000000ull, 0xffffffffffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(RR("sh3add.uw", 0xffffffff80000000ull, 0x3full), 0x40000003full);
    CHECK_EQ(RR("sh3add.uw", 0x0ull, 0x41ull), 0x41ull);
    CHECK_EQ(RR("sh3add.uw", 0xffff0001ull, 0x20ull), 0x7fff80028ull);
    CHECK_EQ(RI("slli.uw", 0x123456789abcdefull, 3), 0x44d5e6f78ull);
    CHECK_EQ(RI("slli.uw", 0x8000000000000000ull, 3), 0x0ull);
    CHECK_EQ(RI("slli.uw", 0xffffffff80000000ull, 3), 0x400000000ull);
    CHECK_EQ(RI("slli.uw", 0x0ull, 3), 0x0ull);
    CHECK_EQ(RI("slli.uw", 0xffff0001ull, 3), 0x7fff80008ull);
    CHECK_EQ(RI("slli.uw", 0x123456789abcdefull, 63), 0x8000000000000000ull);
    CHECK_EQ(RI("slli.uw", 0x8000000000000000ull, 63), 0x0ull);
    CHECK_EQ(RI("slli.uw", 0xffffffff80000000ull, 63), 0x0ull);
    CHECK_EQ(RI("slli.uw", 0x0ull, 63), 0x0ull);
    CHECK_EQ(RI("slli.uw", 0xffff0001ull, 63), 0x8000000000000000ull);
    CHECK_EQ(RR("andn", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x123456789abcdefull);
    CHECK_EQ(RR("andn", 0x8000000000000000ull, 0xffffffffffffffffull), 0x0ull);
    CHECK_EQ(RR("andn", 0xffffffff80000000ull, 0x3full), 0xffffffff80000000ull);
    CHECK_EQ(RR("andn", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("andn", 0xffff0001ull, 0x20ull), 0xffff0001ull);
    CHECK_EQ(RR("orn", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x123456789abcdefull);
    CHECK_EQ(RR("orn", 0x8000000000000000ull, 0xffffffffffffffffull), 0x8000000000000000ull);
    CHECK_EQ(RR("orn", 0xffffffff80000000ull, 0x3full), 0xffffffffffffffc0ull);
    CHECK_EQ(RR("orn", 0x0ull, 0x41ull), 0xffffffffffffffbeull);
    CHECK_EQ(RR("orn", 0xffff0001ull, 0x20ull), 0xffffffffffffffdfull);
    CHECK_EQ(RR("xnor", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x0ull);
    CHECK_EQ(RR("xnor", 0x8000000000000000ull, 0xffffffffffffffffull), 0x8000000000000000ull);
    CHECK_EQ(RR("xnor", 0xffffffff80000000ull, 0x3full), 0x7fffffc0ull);
    CHECK_EQ(RR("xnor", 0x0ull, 0x41ull), 0xffffffffffffffbeull);
    CHECK_EQ(RR("xnor", 0xffff0001ull, 0x20ull), 0xffffffff0000ffdeull);
    CHECK_EQ(R1("clz", 0x123456789abcdefull), 0x7ull);
    CHECK_EQ(R1("clz", 0x8000000000000000ull), 0x0ull);
    CHECK_EQ(R1("clz", 0xffffffff80000000ull), 0x0ull);
    CHECK_EQ(R1("clz", 0x0ull), 0x40ull);
    CHECK_EQ(R1("clz", 0xffff0001ull), 0x20ull);
    CHECK_EQ(R1("ctz", 0x123456789abcdefull), 0x0ull);
    CHECK_EQ(R1("ctz", 0x8000000000000000ull), 0x3full);
    CHECK_EQ(R1("ctz", 0xffffffff80000000ull), 0x1full);
    CHECK_EQ(R1("ctz", 0x0ull), 0x40ull);
    CHECK_EQ(R1("ctz", 0xffff0001ull), 0x0ull);
    CHECK_EQ(R1("cpop", 0x123456789abcdefull), 0x20ull);
    CHECK_EQ(R1("cpop", 0x8000000000000000ull), 0x1ull);
    CHECK_EQ(R1("cpop", 0xffffffff80000000ull), 0x21ull);
    CHECK_EQ(R1("cpop", 0x0ull), 0x0ull);
    CHECK_EQ(R1("cpop", 0xffff0001ull), 0x11ull);
    CHECK_EQ(R1("clzw", 0x123456789abcdefull), 0x0ull);
    CHECK_EQ(R1("clzw", 0x8000000000000000ull), 0x20ull);
    CHECK_EQ(R1("clzw", 0xffffffff80000000ull), 0x0ull);
    CHECK_EQ(R1("clzw", 0x0ull), 0x20ull);
    CHECK_EQ(R1("clzw", 0xffff0001ull), 0x0ull);
    CHECK_EQ(R1("ctzw", 0x123456789abcdefull), 0x0ull);
    CHECK_EQ(R1("ctzw", 0x8000000000000000ull), 0x20ull);
    CHECK_EQ(R1("ctzw", 0xffffffff80000000ull), 0x1full);
    CHECK_EQ(R1("ctzw", 0x0ull), 0x20ull);
    CHECK_EQ(R1("ctzw", 0xffff0001ull), 0x0ull);
    CHECK_EQ(R1("cpopw", 0x123456789abcdefull), 0x14ull);
    CHECK_EQ(R1("cpopw", 0x8000000000000000ull), 0x0ull);
    CHECK_EQ(R1("cpopw", 0xffffffff80000000ull), 0x1ull);
    CHECK_EQ(R1("cpopw", 0x0ull), 0x0ull);
    CHECK_EQ(R1("cpopw", 0xffff0001ull), 0x11ull);
    CHECK_EQ(RR("max", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x123456789abcdefull);
    CHECK_EQ(RR("max", 0x8000000000000000ull, 0xffffffffffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(RR("max", 0xffffffff80000000ull, 0x3full), 0x3full);
    CHECK_EQ(RR("max", 0x0ull, 0x41ull), 0x41ull);
    CHECK_EQ(RR("max", 0xffff0001ull, 0x20ull), 0xffff0001ull);
    CHECK_EQ(RR("maxu", 0x123456789abcdefull, 0xfedcba9876543210ull), 0xfedcba9876543210ull);
    CHECK_EQ(RR("maxu", 0x8000000000000000ull, 0xffffffffffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(RR("maxu", 0xffffffff80000000ull, 0x3full), 0xffffffff80000000ull);
    CHECK_EQ(RR("maxu", 0x0ull, 0x41ull), 0x41ull);
    CHECK_EQ(RR("maxu", 0xffff0001ull, 0x20ull), 0xffff0001ull);
    CHECK_EQ(RR("min", 0x123456789abcdefull, 0xfedcba9876543210ull), 0xfedcba9876543210ull);
    CHECK_EQ(RR("min", 0x8000000000000000ull, 0xffffffffffffffffull), 0x8000000000000000ull);
    CHECK_EQ(RR("min", 0xffffffff80000000ull, 0x3full), 0xffffffff80000000ull);
    CHECK_EQ(RR("min", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("min", 0xffff0001ull, 0x20ull), 0x20ull);
    CHECK_EQ(RR("minu", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x123456789abcdefull);
    CHECK_EQ(RR("minu", 0x8000000000000000ull, 0xffffffffffffffffull), 0x8000000000000000ull);
    CHECK_EQ(RR("minu", 0xffffffff80000000ull, 0x3full), 0x3full);
    CHECK_EQ(RR("minu", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("minu", 0xffff0001ull, 0x20ull), 0x20ull);
    CHECK_EQ(R1("sext.b", 0x123456789abcdefull), 0xffffffffffffffefull);
    CHECK_EQ(R1("sext.b", 0x8000000000000000ull), 0x0ull);
    CHECK_EQ(R1("sext.b", 0xffffffff80000000ull), 0x0ull);
    CHECK_EQ(R1("sext.b", 0x0ull), 0x0ull);
    CHECK_EQ(R1("sext.b", 0xffff0001ull), 0x1ull);
    CHECK_EQ(R1("sext.h", 0x123456789abcdefull), 0xffffffffffffcdefull);
    CHECK_EQ(R1("sext.h", 0x8000000000000000ull), 0x0ull);
    CHECK_EQ(R1("sext.h", 0xffffffff80000000ull), 0x0ull);
    CHECK_EQ(R1("sext.h", 0x0ull), 0x0ull);
    CHECK_EQ(R1("sext.h", 0xffff0001ull), 0x1ull);
    CHECK_EQ(R1("zext.h", 0x123456789abcdefull), 0xcdefull);
    CHECK_EQ(R1("zext.h", 0x8000000000000000ull), 0x0ull);
    CHECK_EQ(R1("zext.h", 0xffffffff80000000ull), 0x0ull);
    CHECK_EQ(R1("zext.h", 0x0ull), 0x0ull);
    CHECK_EQ(R1("zext.h", 0xffff0001ull), 0x1ull);
    CHECK_EQ(RR("rol", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x456789abcdef0123ull);
    CHECK_EQ(RR("rol", 0x8000000000000000ull, 0xffffffffffffffffull), 0x4000000000000000ull);
    CHECK_EQ(RR("rol", 0xffffffff80000000ull, 0x3full), 0x7fffffffc0000000ull);
    CHECK_EQ(RR("rol", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("rol", 0xffff0001ull, 0x20ull), 0xffff000100000000ull);
    CHECK_EQ(RR("ror", 0x123456789abcdefull, 0xfedcba9876543210ull), 0xcdef0123456789abull);
    CHECK_EQ(RR("ror", 0x8000000000000000ull, 0xffffffffffffffffull), 0x1ull);
    CHECK_EQ(RR("ror", 0xffffffff80000000ull, 0x3full), 0xffffffff00000001ull);
    CHECK_EQ(RR("ror", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("ror", 0xffff0001ull, 0x20ull), 0xffff000100000000ull);
    CHECK_EQ(RR("rolw", 0x123456789abcdefull, 0xfedcba9876543210ull), 0xffffffffcdef89abull);
    CHECK_EQ(RR("rolw", 0x8000000000000000ull, 0xffffffffffffffffull), 0x0ull);
    CHECK_EQ(RR("rolw", 0xffffffff80000000ull, 0x3full), 0x40000000ull);
    CHECK_EQ(RR("rolw", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("rolw", 0xffff0001ull, 0x20ull), 0xffffffffffff0001ull);
    CHECK_EQ(RR("rorw", 0x123456789abcdefull, 0xfedcba9876543210ull), 0xffffffffcdef89abull);
    CHECK_EQ(RR("rorw", 0x8000000000000000ull, 0xffffffffffffffffull), 0x0ull);
    CHECK_EQ(RR("rorw", 0xffffffff80000000ull, 0x3full), 0x1ull);
    CHECK_EQ(RR("rorw", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("rorw", 0xffff0001ull, 0x20ull), 0xffffffffffff0001ull);
    CHECK_EQ(RI("rori", 0x123456789abcdefull, 12), 0xdef0123456789abcull);
    CHECK_EQ(RI("rori", 0x8000000000000000ull, 12), 0x8000000000000ull);
    CHECK_EQ(RI("rori", 0xffffffff80000000ull, 12), 0xffffffff80000ull);
    CHECK_EQ(RI("rori", 0x0ull, 12), 0x0ull);
    CHECK_EQ(RI("rori", 0xffff0001ull, 12), 0x100000000ffff0ull);
    CHECK_EQ(RI("rori", 0x123456789abcdefull, 63), 0x2468acf13579bdeull);
    CHECK_EQ(RI("rori", 0x8000000000000000ull, 63), 0x1ull);
    CHECK_EQ(RI("rori", 0xffffffff80000000ull, 63), 0xffffffff00000001ull);
    CHECK_EQ(RI("rori", 0x0ull, 63), 0x0ull);
    CHECK_EQ(RI("rori", 0xffff0001ull, 63), 0x1fffe0002ull);
    CHECK_EQ(RI("roriw", 0x123456789abcdefull, 7), 0xffffffffdf13579bull);
    CHECK_EQ(RI("roriw", 0x8000000000000000ull, 7), 0x0ull);
    CHECK_EQ(RI("roriw", 0xffffffff80000000ull, 7), 0x1000000ull);
    CHECK_EQ(RI("roriw", 0x0ull, 7), 0x0ull);
    CHECK_EQ(RI("roriw", 0xffff0001ull, 7), 0x3fffe00ull);
    CHECK_EQ(R1("orc.b", 0x123456789abcdefull), 0xffffffffffffffffull);
    CHECK_EQ(R1("orc.b", 0x8000000000000000ull), 0xff00000000000000ull);
    CHECK_EQ(R1("orc.b", 0xffffffff80000000ull), 0xffffffffff000000ull);
    CHECK_EQ(R1("orc.b", 0x0ull), 0x0ull);
    CHECK_EQ(R1("orc.b", 0xffff0001ull), 0xffff00ffull);
    CHECK_EQ(R1("rev8", 0x123456789abcdefull), 0xefcdab8967452301ull);
    CHECK_EQ(R1("rev8", 0x8000000000000000ull), 0x80ull);
    CHECK_EQ(R1("rev8", 0xffffffff80000000ull), 0x80ffffffffull);
    CHECK_EQ(R1("rev8", 0x0ull), 0x0ull);
    CHECK_EQ(R1("rev8", 0xffff0001ull), 0x100ffff00000000ull);
    CHECK_EQ(RR("clmul", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x40a0789828c810f0ull);
    CHECK_EQ(RR("clmul", 0x8000000000000000ull, 0xffffffffffffffffull), 0x8000000000000000ull);
    CHECK_EQ(RR("clmul", 0xffffffff80000000ull, 0x3full), 0xa80000000ull);
    CHECK_EQ(RR("clmul", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("clmul", 0xffff0001ull, 0x20ull), 0x1fffe00020ull);
    CHECK_EQ(RR("clmulh", 0x123456789abcdefull, 0xfedcba9876543210ull), 0xe038d8688850b0ull);
    CHECK_EQ(RR("clmulh", 0x8000000000000000ull, 0xffffffffffffffffull), 0x7fffffffffffffffull);
    CHECK_EQ(RR("clmulh", 0xffffffff80000000ull, 0x3full), 0x15ull);
    CHECK_EQ(RR("clmulh", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("clmulh", 0xffff0001ull, 0x20ull), 0x0ull);
    CHECK_EQ(RR("clmulr", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x1c071b0d110a160ull);
    CHECK_EQ(RR("clmulr", 0x8000000000000000ull, 0xffffffffffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(RR("clmulr", 0xffffffff80000000ull, 0x3full), 0x2aull);
    CHECK_EQ(RR("clmulr", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("clmulr", 0xffff0001ull, 0x20ull), 0x0ull);
    CHECK_EQ(RR("bclr", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x123456789aacdefull);
    CHECK_EQ(RR("bclr", 0x8000000000000000ull, 0xffffffffffffffffull), 0x0ull);
    CHECK_EQ(RR("bclr", 0xffffffff80000000ull, 0x3full), 0x7fffffff80000000ull);
    CHECK_EQ(RR("bclr", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("bclr", 0xffff0001ull, 0x20ull), 0xffff0001ull);
    CHECK_EQ(RR("bext", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x1ull);
    CHECK_EQ(RR("bext", 0x8000000000000000ull, 0xffffffffffffffffull), 0x1ull);
    CHECK_EQ(RR("bext", 0xffffffff80000000ull, 0x3full), 0x1ull);
    CHECK_EQ(RR("bext", 0x0ull, 0x41ull), 0x0ull);
    CHECK_EQ(RR("bext", 0xffff0001ull, 0x20ull), 0x0ull);
    CHECK_EQ(RR("binv", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x123456789aacdefull);
    CHECK_EQ(RR("binv", 0x8000000000000000ull, 0xffffffffffffffffull), 0x0ull);
    CHECK_EQ(RR("binv", 0xffffffff80000000ull, 0x3full), 0x7fffffff80000000ull);
    CHECK_EQ(RR("binv", 0x0ull, 0x41ull), 0x2ull);
    CHECK_EQ(RR("binv", 0xffff0001ull, 0x20ull), 0x1ffff0001ull);
    CHECK_EQ(RR("bset", 0x123456789abcdefull, 0xfedcba9876543210ull), 0x123456789abcdefull);
    CHECK_EQ(RR("bset", 0x8000000000000000ull, 0xffffffffffffffffull), 0x8000000000000000ull);
    CHECK_EQ(RR("bset", 0xffffffff80000000ull, 0x3full), 0xffffffff80000000ull);
    CHECK_EQ(RR("bset", 0x0ull, 0x41ull), 0x2ull);
    CHECK_EQ(RR("bset", 0xffff0001ull, 0x20ull), 0x1ffff0001ull);
    CHECK_EQ(RI("bclri", 0x123456789abcdefull, 63), 0x123456789abcdefull);
    CHECK_EQ(RI("bclri", 0x8000000000000000ull, 63), 0x0ull);
    CHECK_EQ(RI("bclri", 0xffffffff80000000ull, 63), 0x7fffffff80000000ull);
    CHECK_EQ(RI("bclri", 0x0ull, 63), 0x0ull);
    CHECK_EQ(RI("bclri", 0xffff0001ull, 63), 0xffff0001ull);
    CHECK_EQ(RI("bexti", 0x123456789abcdefull, 40), 0x1ull);
    CHECK_EQ(RI("bexti", 0x8000000000000000ull, 40), 0x0ull);
    CHECK_EQ(RI("bexti", 0xffffffff80000000ull, 40), 0x1ull);
    CHECK_EQ(RI("bexti", 0x0ull, 40), 0x0ull);
    CHECK_EQ(RI("bexti", 0xffff0001ull, 40), 0x0ull);
    CHECK_EQ(RI("binvi", 0x123456789abcdefull, 0), 0x123456789abcdeeull);
    CHECK_EQ(RI("binvi", 0x8000000000000000ull, 0), 0x8000000000000001ull);
    CHECK_EQ(RI("binvi", 0xffffffff80000000ull, 0), 0xffffffff80000001ull);
    CHECK_EQ(RI("binvi", 0x0ull, 0), 0x1ull);
    CHECK_EQ(RI("binvi", 0xffff0001ull, 0), 0xffff0000ull);
    CHECK_EQ(RI("bseti", 0x123456789abcdefull, 33), 0x123456789abcdefull);
    CHECK_EQ(RI("bseti", 0x8000000000000000ull, 33), 0x8000000200000000ull);
    CHECK_EQ(RI("bseti", 0xffffffff80000000ull, 33), 0xffffffff80000000ull);
    CHECK_EQ(RI("bseti", 0x0ull, 33), 0x200000000ull);
    CHECK_EQ(RI("bseti", 0xffff0001ull, 33), 0x2ffff0001ull);
}

int main(void)
{
    test_corners();
    test_table();
    return test_result("zb");
}
