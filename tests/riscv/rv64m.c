/*
 * The M extension on the virt board (Unprivileged ISA 20191213, chapter 7):
 * the three high-half multiplies with every sign combination, division by
 * zero and the signed overflow case from table 7.1 (x/0 = -1, x%0 = x,
 * MIN/-1 = MIN, MIN%-1 = 0) in 64- and 32-bit forms, the W forms' use of
 * only the low words and their sign-extended results (divuw/remuw too).
 */
#include "testlib.h"

#define RR(op, a, b) ({ uint64_t r_; __asm__ volatile(op " %0, %1, %2" : "=r"(r_)              \
                        : "r"((uint64_t)(a)), "r"((uint64_t)(b))); r_; })

int main(void)
{
    CHECK_EQ(RR("mul", 0xffffffffffffffffull, 0xffffffffffffffffull), 0x1ull);
    CHECK_EQ(RR("mul", 0x8000000000000000ull, 0x2ull), 0x0ull);
    CHECK_EQ(RR("mul", 0x123456789ull, 0x987654321ull), 0xd77d742cce1833a9ull);
    CHECK_EQ(RR("mulh", 0xffffffffffffffffull, 0xffffffffffffffffull), 0x0ull);
    CHECK_EQ(RR("mulh", 0x8000000000000000ull, 0x8000000000000000ull), 0x4000000000000000ull);
    CHECK_EQ(RR("mulh", 0x8000000000000000ull, 0x7fffffffffffffffull), 0xc000000000000000ull);
    CHECK_EQ(RR("mulh", 0xffffffffffffffffull, 0x1ull), 0xffffffffffffffffull);
    CHECK_EQ(RR("mulh", 0x7fffffffffffffffull, 0x7fffffffffffffffull), 0x3fffffffffffffffull);
    CHECK_EQ(RR("mulhsu", 0xffffffffffffffffull, 0xffffffffffffffffull), 0xffffffffffffffffull);
    CHECK_EQ(RR("mulhsu", 0x8000000000000000ull, 0xffffffffffffffffull), 0x8000000000000000ull);
    CHECK_EQ(RR("mulhsu", 0x7fffffffffffffffull, 0xffffffffffffffffull), 0x7ffffffffffffffeull);
    CHECK_EQ(RR("mulhsu", 0xffffffffffffffffull, 0x1ull), 0xffffffffffffffffull);
    CHECK_EQ(RR("mulhsu", 0x2ull, 0x8000000000000000ull), 0x1ull);
    CHECK_EQ(RR("mulhu", 0xffffffffffffffffull, 0xffffffffffffffffull), 0xfffffffffffffffeull);
    CHECK_EQ(RR("mulhu", 0x8000000000000000ull, 0x2ull), 0x1ull);
    CHECK_EQ(RR("mulhu", 0xffffffffffffffffull, 0x1ull), 0x0ull);
    CHECK_EQ(RR("div", 0x7ull, 0x0ull), 0xffffffffffffffffull);
    CHECK_EQ(RR("div", 0x8000000000000000ull, 0xffffffffffffffffull), 0x8000000000000000ull);
    CHECK_EQ(RR("div", 0xfffffffffffffff9ull, 0x2ull), 0xfffffffffffffffdull);
    CHECK_EQ(RR("div", 0x7ull, 0xfffffffffffffffeull), 0xfffffffffffffffdull);
    CHECK_EQ(RR("div", 0xfffffffffffffff9ull, 0xfffffffffffffffeull), 0x3ull);
    CHECK_EQ(RR("div", 0x0ull, 0x0ull), 0xffffffffffffffffull);
    CHECK_EQ(RR("divu", 0x7ull, 0x0ull), 0xffffffffffffffffull);
    CHECK_EQ(RR("divu", 0x8000000000000000ull, 0xffffffffffffffffull), 0x0ull);
    CHECK_EQ(RR("divu", 0xfffffffffffffff9ull, 0x2ull), 0x7ffffffffffffffcull);
    CHECK_EQ(RR("rem", 0x7ull, 0x0ull), 0x7ull);
    CHECK_EQ(RR("rem", 0x8000000000000000ull, 0xffffffffffffffffull), 0x0ull);
    CHECK_EQ(RR("rem", 0xfffffffffffffff9ull, 0x2ull), 0xffffffffffffffffull);
    CHECK_EQ(RR("rem", 0x7ull, 0xfffffffffffffffeull), 0x1ull);
    CHECK_EQ(RR("rem", 0xfffffffffffffff9ull, 0xfffffffffffffffeull), 0xffffffffffffffffull);
    CHECK_EQ(RR("remu", 0x7ull, 0x0ull), 0x7ull);
    CHECK_EQ(RR("remu", 0xfffffffffffffff9ull, 0x2ull), 0x1ull);
    CHECK_EQ(RR("remu", 0x8000000000000000ull, 0xffffffffffffffffull), 0x8000000000000000ull);
    CHECK_EQ(RR("mulw", 0x7fffffffull, 0x2ull), 0xfffffffffffffffeull);
    CHECK_EQ(RR("mulw", 0xffffffff00010000ull, 0x10000ull), 0x0ull);
    CHECK_EQ(RR("mulw", 0x123456789ull, 0x1ull), 0x23456789ull);
    CHECK_EQ(RR("divw", 0x7ull, 0x0ull), 0xffffffffffffffffull);
    CHECK_EQ(RR("divw", 0x80000000ull, 0xffffffffull), 0xffffffff80000000ull);
    CHECK_EQ(RR("divw", 0xffffffff80000000ull, 0xffffffffffffffffull), 0xffffffff80000000ull);
    CHECK_EQ(RR("divw", 0xfffffffffffffff9ull, 0x2ull), 0xfffffffffffffffdull);
    CHECK_EQ(RR("divw", 0x100000007ull, 0x100000002ull), 0x3ull);
    CHECK_EQ(RR("divuw", 0x7ull, 0x0ull), 0xffffffffffffffffull);
    CHECK_EQ(RR("divuw", 0x80000000ull, 0xffffffffull), 0x0ull);
    CHECK_EQ(RR("divuw", 0xfffffffffffffff9ull, 0x2ull), 0x7ffffffcull);
    CHECK_EQ(RR("divuw", 0xffffffffull, 0x1ull), 0xffffffffffffffffull);
    CHECK_EQ(RR("remw", 0x7ull, 0x0ull), 0x7ull);
    CHECK_EQ(RR("remw", 0x80000007ull, 0x0ull), 0xffffffff80000007ull);
    CHECK_EQ(RR("remw", 0x80000000ull, 0xffffffffull), 0x0ull);
    CHECK_EQ(RR("remw", 0xfffffffffffffff9ull, 0x2ull), 0xffffffffffffffffull);
    CHECK_EQ(RR("remw", 0x100000007ull, 0x100000002ull), 0x1ull);
    CHECK_EQ(RR("remuw", 0x7ull, 0x0ull), 0x7ull);
    CHECK_EQ(RR("remuw", 0x80000007ull, 0x0ull), 0xffffffff80000007ull);
    CHECK_EQ(RR("remuw", 0xfffffffffffffff9ull, 0x2ull), 0x1ull);
    CHECK_EQ(RR("remuw", 0xffffffff80000001ull, 0x10ull), 0x1ull);
    /* rd = rs1 = rs2. */
    uint64_t v = 0xfffffffffffffffdull;
    __asm__ volatile("mulh %0, %0, %0" : "+r"(v));
    CHECK_EQ(v, 0);
    v = 0x8000000000000000ull;
    __asm__ volatile("div %0, %0, %0" : "+r"(v));
    CHECK_EQ(v, 1);
    return test_result("rv64m");
}
