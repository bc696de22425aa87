/*
 * F and D arithmetic on the guest: add/sub/mul/div/sqrt and the fused
 * multiply-adds in every rounding mode (static and through frm), with the
 * exact result bits and fflags the spec gives (Unprivileged ISA 11.6,
 * 12.4): canonical NaNs, NaN boxing of single operands, signed zeros,
 * overflow per rounding direction, underflow detected after rounding,
 * RMM's ties away from zero, inf*0+qNaN invalid; then FP loads and stores,
 * compressed ones included.
 */
#include "fp_common.h"

FP_TEST test_add_sub(void)
{
    EXPECT(FOP2("fadd.s", BOX(0x3f800000), BOX(0x40000000)), BOX(0x40400000), 0);
    /* 1 + 2^-24 is a tie: RNE keeps the even 1, RMM goes away from zero. */
    EXPECT(FOP2R("fadd.s", "rne", BOX(0x3f800000), BOX(0x33800000)), BOX(0x3f800000), NX);
    EXPECT(FOP2R("fadd.s", "rmm", BOX(0x3f800000), BOX(0x33800000)), BOX(0x3f800001), NX);
    EXPECT(FOP2R("fadd.s", "rmm", BOX(0xbf800000), BOX(0xb3800000)), BOX(0xbf800001), NX);
    /* 1 + 2^-25: below the tie. */
    EXPECT(FOP2R("fadd.s", "rmm", BOX(0x3f800000), BOX(0x33000000)), BOX(0x3f800000), NX);
    EXPECT(FOP2R("fadd.s", "rup", BOX(0x3f800000), BOX(0x33000000)), BOX(0x3f800001), NX);
    EXPECT(FOP2R("fadd.s", "rdn", BOX(0xbf800000), BOX(0xb3000000)), BOX(0xbf800001), NX);
    EXPECT(FOP2R("fadd.s", "rtz", BOX(0xbf800000), BOX(0xb3000000)), BOX(0xbf800000), NX);
    /* x - x is +0, except -0 when rounding down. */
    EXPECT(FOP2R("fsub.d", "rne", 0x3ff0000000000000ull, 0x3ff0000000000000ull), 0, 0);
    EXPECT(FOP2R("fsub.d", "rdn", 0x3ff0000000000000ull, 0x3ff0000000000000ull),
           0x8000000000000000ull, 0);
    EXPECT(FOP2("fadd.d", 0x8000000000000000ull, 0x8000000000000000ull),
           0x8000000000000000ull, 0);
    /* inf - inf: invalid, canonical NaN. */
    EXPECT(FOP2("fsub.d", 0x7ff0000000000000ull, 0x7ff0000000000000ull), QNAN_D, NV);
    EXPECT(FOP2("fadd.s", BOX(0xff800000), BOX(0x7f800000)), QNAN_S, NV);
    /* NaN operands: the canonical NaN; only a signalling one raises NV. */
    EXPECT(FOP2("fadd.s", BOX(0x7fc12345), BOX(0x3f800000)), QNAN_S, 0);
    EXPECT(FOP2("fadd.s", BOX(0xff800001), BOX(0x3f800000)), QNAN_S, NV);
    EXPECT(FOP2("fsub.d", 0x3ff0000000000000ull, 0xfff0000000000001ull), QNAN_D, NV);
    /* A single that is not NaN-boxed reads as the canonical NaN (quiet). */
    EXPECT(FOP2("fadd.s", 0x000000003f800000ull, BOX(0x3f800000)), QNAN_S, 0);
    EXPECT(FOP2("fadd.s", 0xfffffffe3f800000ull, BOX(0x3f800000)), QNAN_S, 0);
    /* The same through frm (dynamic rounding). */
    static const struct { unsigned rm; uint64_t want; } dyn[] = {
        { 0, BOX(0x3f800000) }, { 1, BOX(0x3f800000) }, { 2, BOX(0x3f800000) },
        { 3, BOX(0x3f800001) }, { 4, BOX(0x3f800000) },
    };
    for (unsigned i = 0; i < sizeof(dyn) / sizeof(dyn[0]); i++) {
        fp_set_frm(dyn[i].rm);
        EXPECT(FOP2("fadd.s", BOX(0x3f800000), BOX(0x33000000)), dyn[i].want, NX);
    }
    fp_set_frm(0);
}

FP_TEST test_mul_div_sqrt(void)
{
    /* Overflow: infinity or the largest finite number, per direction. */
    EXPECT(FOP2R("fmul.d", "rne", 0x7fe1ccf385ebc8a0ull, 0x4024000000000000ull),
           0x7ff0000000000000ull, OF | NX);
    EXPECT(FOP2R("fmul.d", "rtz", 0x7fe1ccf385ebc8a0ull, 0x4024000000000000ull),
           0x7fefffffffffffffull, OF | NX);
    EXPECT(FOP2R("fmul.d", "rup", 0xffe1ccf385ebc8a0ull, 0x4024000000000000ull),
           0xffefffffffffffffull, OF | NX);
    EXPECT(FOP2R("fmul.d", "rdn", 0xffe1ccf385ebc8a0ull, 0x4024000000000000ull),
           0xfff0000000000000ull, OF | NX);
    EXPECT(FOP2R("fmul.s", "rmm", BOX(0x7f7fffff), BOX(0x40000000)), BOX(0x7f800000), OF | NX);
    /* Underflow: tiny and inexact. */
    EXPECT(FOP2("fmul.s", BOX(0x00800001), BOX(0x3f000000)), BOX(0x00400000), UF | NX);
    /* Exactly representable subnormal: no flag. */
    EXPECT(FOP2("fmul.s", BOX(0x00800000), BOX(0x3f000000)), BOX(0x00400000), 0);
    /* 0x00ffffff * 0.5 = 2^-126 - 2^-150, a tie at subnormal precision that
     * RNE rounds up to 2^-126; rounded to 24 bits with an unbounded exponent
     * it stays below 2^-126 (it is exact there), so it is tiny: UF. */
    EXPECT(FOP2("fmul.s", BOX(0x00ffffff), BOX(0x3f000000)), BOX(0x00800000), UF | NX);
    /* 0x3f7fffff * 2^-126 = 2^-126 - 2^-150: same value. */
    EXPECT(FOP2("fmul.s", BOX(0x3f7fffff), BOX(0x00800000)), BOX(0x00800000), UF | NX);
    /* (The not-tiny-after-rounding side of that boundary: see test_fma.) */
    EXPECT(FOP2("fdiv.s", BOX(0x3f800000), BOX(0x00000000)), BOX(0x7f800000), DZ);
    EXPECT(FOP2("fdiv.s", BOX(0xbf800000), BOX(0x00000000)), BOX(0xff800000), DZ);
    EXPECT(FOP2("fdiv.s", BOX(0x00000000), BOX(0x80000000)), QNAN_S, NV);
    EXPECT(FOP2("fdiv.d", 0x7ff0000000000000ull, 0x7ff0000000000000ull), QNAN_D, NV);
    EXPECT(FOP2("fdiv.d", 0x3ff0000000000000ull, 0x7ff0000000000000ull), 0, 0);
    EXPECT(FOP2R("fdiv.d", "rne", 0x3ff0000000000000ull, 0x4008000000000000ull),
           0x3fd5555555555555ull, NX);
    EXPECT(FOP2R("fdiv.d", "rup", 0x3ff0000000000000ull, 0x4008000000000000ull),
           0x3fd5555555555556ull, NX);
    EXPECT(FOP1("fsqrt.d", 0x4000000000000000ull), 0x3ff6a09e667f3bcdull, NX);
    /* The nearest double is above sqrt(2): rounding up gives it too. */
    EXPECT(FOP1R("fsqrt.d", "rup", 0x4000000000000000ull), 0x3ff6a09e667f3bcdull, NX);
    EXPECT(FOP1R("fsqrt.d", "rdn", 0x4000000000000000ull), 0x3ff6a09e667f3bccull, NX);
    EXPECT(FOP1("fsqrt.s", BOX(0x40800000)), BOX(0x40000000), 0);
    EXPECT(FOP1("fsqrt.s", BOX(0x80000000)), BOX(0x80000000), 0);
    EXPECT(FOP1("fsqrt.s", BOX(0xbf800000)), QNAN_S, NV);
    EXPECT(FOP1("fsqrt.d", 0xfff0000000000000ull), QNAN_D, NV);
    EXPECT(FOP1("fsqrt.d", 0x7ff0000000000000ull), 0x7ff0000000000000ull, 0);
}

FP_TEST test_fma(void)
{
    /* One rounding: (1 + 2^-52)^2 - (1 + 2^-51) = 2^-104 exactly. */
    EXPECT(FOP3("fmadd.d", 0x3ff0000000000001ull, 0x3ff0000000000001ull,
                0xbff0000000000002ull), 0x3970000000000000ull, 0);
    EXPECT(FOP3("fmadd.s", BOX(0x40000000), BOX(0x40400000), BOX(0x3f800000)),
           BOX(0x40e00000), 0);
    EXPECT(FOP3("fmsub.s", BOX(0x40000000), BOX(0x40400000), BOX(0x3f800000)),
           BOX(0x40a00000), 0);
    EXPECT(FOP3("fnmsub.s", BOX(0x40000000), BOX(0x40400000), BOX(0x3f800000)),
           BOX(0xc0a00000), 0);
    EXPECT(FOP3("fnmadd.s", BOX(0x40000000), BOX(0x40400000), BOX(0x3f800000)),
           BOX(0xc0e00000), 0);
    /* -(1*1) + 1: +0, or -0 rounding down; -(1*1) - (-1) likewise. */
    EXPECT(FOP3R("fnmsub.d", "rne", 0x3ff0000000000000ull, 0x3ff0000000000000ull,
                 0x3ff0000000000000ull), 0, 0);
    EXPECT(FOP3R("fnmsub.d", "rdn", 0x3ff0000000000000ull, 0x3ff0000000000000ull,
                 0x3ff0000000000000ull), 0x8000000000000000ull, 0);
    EXPECT(FOP3R("fnmadd.d", "rdn", 0x3ff0000000000000ull, 0x3ff0000000000000ull,
                 0xbff0000000000000ull), 0x8000000000000000ull, 0);
    /* inf * 0 + qNaN is invalid; x * y + qNaN is not. */
    EXPECT(FOP3("fmadd.s", BOX(0x7f800000), BOX(0x00000000), BOX(0x7fc00000)), QNAN_S, NV);
    EXPECT(FOP3("fmadd.d", 0x0000000000000000ull, 0xfff0000000000000ull, QNAN_D), QNAN_D, NV);
    EXPECT(FOP3("fmadd.s", BOX(0x3f800000), BOX(0x3f800000), BOX(0x7fc00000)), QNAN_S, 0);
    /* inf * 2 - inf: invalid. */
    EXPECT(FOP3("fmsub.s", BOX(0x7f800000), BOX(0x40000000), BOX(0x7f800000)), QNAN_S, NV);
    /* Not tiny after rounding: 2^-75 * 1.5*2^-75 + 0x007fffff = 2^-126 -
     * 2^-151, a tie at 24 bits that rounds to the even 2^-126: NX, no UF. */
    EXPECT(FOP3("fmadd.s", BOX(0x1a000000), BOX(0x1a400000), BOX(0x007fffff)),
           BOX(0x00800000), NX);
    /* ... while 2^-126 - 2^-150 (exact at 24 bits, below 2^-126) is tiny. */
    EXPECT(FOP3("fmadd.s", BOX(0x1a000000), BOX(0x1a000000), BOX(0x007fffff)),
           BOX(0x00800000), UF | NX);
    /* Unboxed singles are canonical NaNs, also as the addend. */
    EXPECT(FOP3("fmadd.s", BOX(0x3f800000), BOX(0x3f800000), 0x3f800000ull), QNAN_S, 0);
}

FP_TEST test_loads_stores(void)
{
    static volatile uint64_t mem[4];
    double f;

    mem[0] = 0xaaaaaaaa3f800000ull;
    mem[1] = 0x400921fb54442d18ull;
    __asm__ volatile("flw %0, 0(%1)" : "=f"(f) : "r"(mem) : "memory");
    CHECK_EQ(fp_bits(f), BOX(0x3f800000));
    __asm__ volatile("fld %0, 8(%1)" : "=f"(f) : "r"(mem) : "memory");
    CHECK_EQ(fp_bits(f), 0x400921fb54442d18ull);
    /* fsw stores the low word whatever the upper half holds. */
    mem[2] = 0x5555555555555555ull;
    __asm__ volatile("fsw %0, 16(%1)" :: "f"(fp_reg(0x12345678deadbeefull)), "r"(mem)
                     : "memory");
    CHECK_EQ(mem[2], 0x55555555deadbeefull);
    __asm__ volatile("fsd %0, 24(%1)" :: "f"(fp_reg(0x0123456789abcdefull)), "r"(mem)
                     : "memory");
    CHECK_EQ(mem[3], 0x0123456789abcdefull);
    /* Compressed: c.fld / c.fsd (registers x8-x15, f8-f15). */
    register uint64_t base __asm__("s0") = (uint64_t)(uintptr_t)mem;
    register double fs1 __asm__("fs1");
    __asm__ volatile("c.fld fs1, 8(s0)" : "=f"(fs1) : "r"(base) : "memory");
    CHECK_EQ(fp_bits(fs1), 0x400921fb54442d18ull);
    fs1 = fp_reg(0xfedcba9876543210ull);
    __asm__ volatile("c.fsd fs1, 0(s0)" :: "f"(fs1), "r"(base) : "memory");
    CHECK_EQ(mem[0], 0xfedcba9876543210ull);
}

int main(void)
{
    fp_set_fs(1);
    test_add_sub();
    test_mul_div_sqrt();
    test_fma();
    test_loads_stores();
    return test_result("fp_arith");
}
