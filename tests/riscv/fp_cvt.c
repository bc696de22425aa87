/*
 * F and D conversions on the guest (Unprivileged ISA 11.7, 12.5): float to
 * integer with rounding, saturation and the invalid flag (NaN gives the
 * largest positive value; fcvt.w[u] results are sign-extended to 64 bits,
 * the unsigned one too), integer to float with rounding, single <-> double
 * (sNaN invalid, canonical NaN, overflow), and the bit moves fmv.x.w (sign-
 * extends), fmv.w.x (boxes), fmv.x.d, fmv.d.x.
 */
#include "fp_common.h"

FP_TEST test_to_int(void)
{
    EXPECT(XOP1("fcvt.w.s", BOX(0x7fc00000)), 0x7fffffff, NV);
    EXPECT(XOP1("fcvt.w.s", BOX(0xffc00000)), 0x7fffffff, NV);
    EXPECT(XOP1("fcvt.w.s", BOX(0x7f800000)), 0x7fffffff, NV);
    EXPECT(XOP1("fcvt.w.s", BOX(0xff800000)), 0xffffffff80000000ull, NV);
    EXPECT(XOP1("fcvt.w.s", BOX(0x4f000000)), 0x7fffffff, NV);          /* 2^31 */
    EXPECT(XOP1("fcvt.w.s", BOX(0xcf000000)), 0xffffffff80000000ull, 0); /* -2^31 */
    EXPECT(XOP1("fcvt.wu.s", BOX(0x4f700000)), 0xfffffffff0000000ull, 0); /* sign-extended */
    EXPECT(XOP1("fcvt.wu.s", BOX(0x7fc00000)), 0xffffffffffffffffull, NV);
    EXPECT(XOP1("fcvt.wu.s", BOX(0x4f800000)), 0xffffffffffffffffull, NV); /* 2^32 */
    EXPECT(XOP1("fcvt.wu.s", BOX(0xbf800000)), 0, NV);                   /* -1 */
    EXPECT(XOP1R("fcvt.wu.s", "rtz", BOX(0xbf400000)), 0, NX);           /* -0.75 -> -0 */
    EXPECT(XOP1R("fcvt.wu.s", "rne", BOX(0xbf400000)), 0, NV);           /* -0.75 -> -1 */
    EXPECT(XOP1("fcvt.l.s", BOX(0xff800000)), 0x8000000000000000ull, NV);
    EXPECT(XOP1("fcvt.l.s", BOX(0x5f000000)), 0x7fffffffffffffffull, NV); /* 2^63 */
    EXPECT(XOP1("fcvt.lu.s", BOX(0x5f000000)), 0x8000000000000000ull, 0);
    EXPECT(XOP1("fcvt.lu.s", BOX(0x5f800000)), 0xffffffffffffffffull, NV); /* 2^64 */
    EXPECT(XOP1("fcvt.lu.s", BOX(0x80000000)), 0, 0);                    /* -0 */
    /* Unboxed: the canonical NaN. */
    EXPECT(XOP1("fcvt.w.s", 0x000000003f800000ull), 0x7fffffff, NV);
    /* Rounding of -1.5 and 2.5 in every mode. */
    EXPECT(XOP1R("fcvt.w.d", "rne", 0xbff8000000000000ull), (uint64_t)-2, NX);
    EXPECT(XOP1R("fcvt.w.d", "rtz", 0xbff8000000000000ull), (uint64_t)-1, NX);
    EXPECT(XOP1R("fcvt.w.d", "rdn", 0xbff8000000000000ull), (uint64_t)-2, NX);
    EXPECT(XOP1R("fcvt.w.d", "rup", 0xbff8000000000000ull), (uint64_t)-1, NX);
    EXPECT(XOP1R("fcvt.w.d", "rmm", 0xbff8000000000000ull), (uint64_t)-2, NX);
    EXPECT(XOP1R("fcvt.l.d", "rne", 0x4004000000000000ull), 2, NX);
    EXPECT(XOP1R("fcvt.l.d", "rmm", 0x4004000000000000ull), 3, NX);
    EXPECT(XOP1R("fcvt.l.d", "rup", 0x4004000000000000ull), 3, NX);
    fp_set_frm(4);
    EXPECT(XOP1("fcvt.l.d", 0x4004000000000000ull), 3, NX);
    fp_set_frm(0);
    /* Out of range for wu after rounding: 4294967295.5 -> 2^32. */
    EXPECT(XOP1R("fcvt.wu.d", "rne", 0x41efffffffff0000ull), 0xffffffffffffffffull, NV);
    EXPECT(XOP1R("fcvt.wu.d", "rtz", 0x41efffffffff0000ull), 0xffffffffffffffffull, NX);
    EXPECT(XOP1("fcvt.lu.d", 0xbff0000000000000ull), 0, NV);
    EXPECT(XOP1("fcvt.lu.d", 0xbfd999999999999aull), 0, NX);             /* -0.4 */
    EXPECT(XOP1("fcvt.l.d", 0x43e0000000000000ull), 0x7fffffffffffffffull, NV);
    EXPECT(XOP1("fcvt.l.d", 0xc3e0000000000000ull), 0x8000000000000000ull, 0);
    EXPECT(XOP1("fcvt.l.d", 0x7ff0000000000001ull), 0x7fffffffffffffffull, NV);
    EXPECT(XOP1("fcvt.l.d", 0x0000000000000001ull), 0, NX);
}

FP_TEST test_from_int(void)
{
    EXPECT(FOPX("fcvt.s.w", (uint64_t)-1), BOX(0xbf800000), 0);
    /* Only the low word counts for the W forms. */
    EXPECT(FOPX("fcvt.s.w", 0x1234567800000003ull), BOX(0x40400000), 0);
    EXPECT(FOPX("fcvt.s.wu", 0xffffffffffffffffull), BOX(0x4f800000), NX);
    EXPECT(FOPXR("fcvt.s.wu", "rtz", 0xffffffffffffffffull), BOX(0x4f7fffff), NX);
    EXPECT(FOPX("fcvt.s.l", 0x8000000000000000ull), BOX(0xdf000000), 0);
    EXPECT(FOPXR("fcvt.s.l", "rup", 0x0000000001000001ull), BOX(0x4b800001), NX);
    EXPECT(FOPXR("fcvt.s.l", "rmm", 0x0000000001000001ull), BOX(0x4b800001), NX);
    EXPECT(FOPXR("fcvt.s.l", "rne", 0x0000000001000001ull), BOX(0x4b800000), NX);
    EXPECT(FOPX("fcvt.s.lu", 0), BOX(0x00000000), 0);
    EXPECT(FOPX("fcvt.d.lu", 0xffffffffffffffffull), 0x43f0000000000000ull, NX);
    EXPECT(FOPXR("fcvt.d.lu", "rtz", 0xffffffffffffffffull), 0x43efffffffffffffull, NX);
    EXPECT(FOPX("fcvt.d.w", 0x00000000ffffffffull), 0xbff0000000000000ull, 0);
    EXPECT(FOPX("fcvt.d.wu", 0x00000000ffffffffull), 0x41efffffffe00000ull, 0);
    EXPECT(FOPX("fcvt.d.l", 0x8000000000000001ull), 0xc3e0000000000000ull, NX);
}

FP_TEST test_between_formats(void)
{
    EXPECT(FOP1("fcvt.s.d", 0x3ff0000000000001ull), BOX(0x3f800000), NX);
    EXPECT(FOP1R("fcvt.s.d", "rup", 0x3ff0000000000001ull), BOX(0x3f800001), NX);
    EXPECT(FOP1("fcvt.s.d", 0x7e37e43c8800759cull), BOX(0x7f800000), OF | NX);    /* 1e300 */
    EXPECT(FOP1R("fcvt.s.d", "rtz", 0x7e37e43c8800759cull), BOX(0x7f7fffff), OF | NX);
    EXPECT(FOP1("fcvt.s.d", 0x36a0000000000000ull), BOX(0x00000001), 0);         /* 2^-149 */
    /* 2^-150: a tie between 0 and 2^-149. */
    EXPECT(FOP1("fcvt.s.d", 0x3690000000000000ull), BOX(0x00000000), UF | NX);
    EXPECT(FOP1R("fcvt.s.d", "rmm", 0x3690000000000000ull), BOX(0x00000001), UF | NX);
    EXPECT(FOP1R("fcvt.s.d", "rdn", 0xb680000000000000ull), BOX(0x80000001), UF | NX);
    EXPECT(FOP1("fcvt.s.d", 0x7ff0000000000001ull), QNAN_S, NV);
    EXPECT(FOP1("fcvt.s.d", 0xfff8000000000123ull), QNAN_S, 0);
    EXPECT(FOP1("fcvt.d.s", BOX(0xc0400000)), 0xc008000000000000ull, 0);
    EXPECT(FOP1("fcvt.d.s", BOX(0x00000001)), 0x36a0000000000000ull, 0);
    EXPECT(FOP1("fcvt.d.s", BOX(0x7f800001)), QNAN_D, NV);
    EXPECT(FOP1("fcvt.d.s", 0x000000003f800000ull), QNAN_D, 0);     /* unboxed */
}

FP_TEST test_moves(void)
{
    EXPECT(XOP1("fmv.x.w", 0x1234567880000000ull), 0xffffffff80000000ull, 0);
    EXPECT(XOP1("fmv.x.w", BOX(0x7f800001)), 0x000000007f800001ull, 0);
    EXPECT(FOPX("fmv.w.x", 0x1234567890abcdefull), 0xffffffff90abcdefull, 0);
    EXPECT(XOP1("fmv.x.d", 0x7ff0000000000001ull), 0x7ff0000000000001ull, 0);
    EXPECT(FOPX("fmv.d.x", 0x0123456789abcdefull), 0x0123456789abcdefull, 0);
    /* fsgnj.s (fmv.s) checks the box; fmv.x.w does not. */
    EXPECT(FOP2("fsgnj.s", 0x000000003f800000ull, 0x000000003f800000ull), QNAN_S, 0);
}

int main(void)
{
    fp_set_fs(1);
    test_to_int();
    test_from_int();
    test_between_formats();
    test_moves();
    return test_result("fp_cvt");
}
