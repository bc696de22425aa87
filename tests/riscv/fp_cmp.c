/*
 * F and D compares, min/max, sign injection and fclass on the guest
 * (Unprivileged ISA 11.8, 11.9, 11.6 for fmin/fmax, 12.6): feq is quiet
 * (NV only for signalling NaNs), flt/fle signal on any NaN, -0 == +0;
 * fmin/fmax are IEEE 754-2019 minimumNumber/maximumNumber with -0 < +0;
 * fsgnj* never canonicalize (except an unboxed single operand); fclass
 * gives the one-hot class.
 */
#include "fp_common.h"

FP_TEST test_compares(void)
{
    EXPECT(XOP2("feq.s", BOX(0x7fc00000), BOX(0x7fc00000)), 0, 0);
    EXPECT(XOP2("feq.s", BOX(0x7f800001), BOX(0x3f800000)), 0, NV);
    EXPECT(XOP2("feq.s", BOX(0x80000000), BOX(0x00000000)), 1, 0);
    EXPECT(XOP2("feq.s", BOX(0x3f800000), BOX(0x3f800000)), 1, 0);
    EXPECT(XOP2("feq.s", 0x3f800000ull, 0x3f800000ull), 0, 0);    /* unboxed: NaN */
    EXPECT(XOP2("flt.s", BOX(0x7fc00000), BOX(0x3f800000)), 0, NV);
    EXPECT(XOP2("flt.s", BOX(0xbf800000), BOX(0x3f800000)), 1, 0);
    EXPECT(XOP2("flt.s", BOX(0x80000000), BOX(0x00000000)), 0, 0);
    EXPECT(XOP2("fle.s", BOX(0x80000000), BOX(0x00000000)), 1, 0);
    EXPECT(XOP2("fle.s", BOX(0x3f800000), BOX(0xffc00000)), 0, NV);
    EXPECT(XOP2("flt.d", 0xc000000000000000ull, 0xbff0000000000000ull), 1, 0);
    EXPECT(XOP2("flt.d", 0xbff0000000000000ull, 0xc000000000000000ull), 0, 0);
    EXPECT(XOP2("fle.d", 0x3ff0000000000000ull, 0x3ff0000000000000ull), 1, 0);
    EXPECT(XOP2("flt.d", 0x3ff0000000000000ull, 0x3ff0000000000000ull), 0, 0);
    EXPECT(XOP2("fle.d", 0xfff0000000000000ull, 0x7ff0000000000000ull), 1, 0);
    EXPECT(XOP2("feq.d", 0x7ff0000000000001ull, 0x7ff0000000000001ull), 0, NV);
    EXPECT(XOP2("feq.d", QNAN_D, QNAN_D), 0, 0);
    EXPECT(XOP2("fle.d", QNAN_D, QNAN_D), 0, NV);
}

FP_TEST test_min_max(void)
{
    EXPECT(FOP2("fmin.s", BOX(0x00000000), BOX(0x80000000)), BOX(0x80000000), 0);
    EXPECT(FOP2("fmin.s", BOX(0x80000000), BOX(0x00000000)), BOX(0x80000000), 0);
    EXPECT(FOP2("fmax.s", BOX(0x80000000), BOX(0x00000000)), BOX(0x00000000), 0);
    EXPECT(FOP2("fmax.s", BOX(0x00000000), BOX(0x80000000)), BOX(0x00000000), 0);
    EXPECT(FOP2("fmax.s", BOX(0x7fc00000), BOX(0x3f800000)), BOX(0x3f800000), 0);
    EXPECT(FOP2("fmin.s", BOX(0xbf800000), BOX(0xffc00000)), BOX(0xbf800000), 0);
    EXPECT(FOP2("fmin.s", BOX(0x7f800001), BOX(0x3f800000)), BOX(0x3f800000), NV);
    EXPECT(FOP2("fmax.s", BOX(0x7f800001), BOX(0x7fc00000)), QNAN_S, NV);
    EXPECT(FOP2("fmin.s", 0x3f800000ull, BOX(0x40000000)), BOX(0x40000000), 0); /* unboxed */
    EXPECT(FOP2("fmax.d", 0x7ff8000000000001ull, 0xfff8000000000000ull), QNAN_D, 0);
    EXPECT(FOP2("fmin.d", 0xbff0000000000000ull, 0x3ff0000000000000ull),
           0xbff0000000000000ull, 0);
    EXPECT(FOP2("fmax.d", 0xfff0000000000000ull, 0xffefffffffffffffull),
           0xffefffffffffffffull, 0);
    EXPECT(FOP2("fmin.d", 0x7ff0000000000001ull, 0x0000000000000001ull),
           0x0000000000000001ull, NV);
}

FP_TEST test_sign_injection(void)
{
    EXPECT(FOP2("fsgnj.s", BOX(0x3f800000), BOX(0x80000000)), BOX(0xbf800000), 0);
    EXPECT(FOP2("fsgnjn.s", BOX(0x3f800000), BOX(0x80000000)), BOX(0x3f800000), 0);
    EXPECT(FOP2("fsgnjx.s", BOX(0xbf800000), BOX(0xbf800000)), BOX(0x3f800000), 0);
    /* NaNs pass through as bits, signalling ones too, without NV. */
    EXPECT(FOP2("fsgnj.s", BOX(0x7f800001), BOX(0x80000000)), BOX(0xff800001), 0);
    EXPECT(FOP2("fsgnjn.d", 0x7ff0000000000001ull, 0x7ff0000000000001ull),
           0xfff0000000000001ull, 0);
    /* An unboxed single is the canonical NaN, as rs1 or rs2. */
    EXPECT(FOP2("fsgnj.s", 0x3f800000ull, BOX(0x80000000)), BOX(0xffc00000), 0);
    EXPECT(FOP2("fsgnj.s", BOX(0x3f800000), 0xbf800000ull), BOX(0x3f800000), 0);
    EXPECT(FOP2("fsgnjx.d", 0xbff0000000000000ull, 0x8000000000000000ull),
           0x3ff0000000000000ull, 0);
    /* fneg.d / fabs.d are fsgnjn / fsgnjx with rs1 = rs2. */
    EXPECT(FOP1("fneg.d", 0x3ff0000000000000ull), 0xbff0000000000000ull, 0);
    EXPECT(FOP1("fabs.s", BOX(0xbf800000)), BOX(0x3f800000), 0);
}

FP_TEST test_fclass(void)
{
    static const struct { uint32_t s; uint64_t d; unsigned bit; } cls[] = {
        { 0xff800000, 0xfff0000000000000ull, 0 },   /* -inf */
        { 0xbf800000, 0xbff0000000000000ull, 1 },   /* -normal */
        { 0x80000001, 0x800fffffffffffffull, 2 },   /* -subnormal */
        { 0x80000000, 0x8000000000000000ull, 3 },   /* -0 */
        { 0x00000000, 0x0000000000000000ull, 4 },   /* +0 */
        { 0x007fffff, 0x0000000000000001ull, 5 },   /* +subnormal */
        { 0x7f7fffff, 0x0010000000000000ull, 6 },   /* +normal */
        { 0x7f800000, 0x7ff0000000000000ull, 7 },   /* +inf */
        { 0x7fbfffff, 0xfff7ffffffffffffull, 8 },   /* signalling NaN */
        { 0xffc00000, 0x7ff8000000000000ull, 9 },   /* quiet NaN */
    };
    for (unsigned i = 0; i < sizeof(cls) / sizeof(cls[0]); i++) {
        EXPECT(XOP1("fclass.s", BOX(cls[i].s)), 1ull << cls[i].bit, 0);
        EXPECT(XOP1("fclass.d", cls[i].d), 1ull << cls[i].bit, 0);
    }
    EXPECT(XOP1("fclass.s", 0x00000000ff800000ull), 1u << 9, 0);   /* unboxed */
}

int main(void)
{
    fp_set_fs(1);
    test_compares();
    test_min_max();
    test_sign_injection();
    test_fclass();
    return test_result("fp_cmp");
}
