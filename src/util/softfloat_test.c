/*
 * softfloat against two oracles.  The host's SSE unit (IEEE-exact for
 * + - * / sqrt, conversions, and fma through libm) checks results and NV DZ
 * OF NX flags for RNE, RTZ, RDN and RUP over special values and many
 * pseudo-random operands biased toward the hard cases (subnormals, overflow,
 * cancellation, halfway points).  Hand-computed bit patterns check what the
 * host cannot: RMM, tininess after rounding at the smallest normal,
 * RISC-V's saturating conversions, minimumNumber and the NaN rules.
 */
#include "util/softfloat.h"

#include <fenv.h>
#include <math.h>
#include <string.h>

#include "util/unittest.h"

/* ---- the host oracle ---- */

static const int host_modes[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };

static unsigned host_flags(void)
{
    int e = fetestexcept(FE_ALL_EXCEPT);
    return (e & FE_INEXACT ? SF_FLAG_NX : 0) | (e & FE_UNDERFLOW ? SF_FLAG_UF : 0) |
           (e & FE_OVERFLOW ? SF_FLAG_OF : 0) | (e & FE_DIVBYZERO ? SF_FLAG_DZ : 0) |
           (e & FE_INVALID ? SF_FLAG_NV : 0);
}

static float f32_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint32_t bits32(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static double f64_of(uint64_t u)
{
    double f;
    memcpy(&f, &u, 8);
    return f;
}

static uint64_t bits64(double f)
{
    uint64_t u;
    memcpy(&u, &f, 8);
    return u;
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA, OP_COUNT };
static const char *const op_names[OP_COUNT] = { "add", "sub", "mul", "div", "sqrt", "fma" };

__attribute__((noinline)) static uint32_t host32(int op, uint32_t a, uint32_t b, uint32_t c,
                                                 int mode, unsigned *flags)
{
    volatile float x = f32_of(a), y = f32_of(b), z = f32_of(c);
    volatile float r = 0;

    fesetround(mode);
    feclearexcept(FE_ALL_EXCEPT);
    switch (op) {
    case OP_ADD: r = x + y; break;
    case OP_SUB: r = x - y; break;
    case OP_MUL: r = x * y; break;
    case OP_DIV: r = x / y; break;
    case OP_SQRT: r = sqrtf(x); break;
    default: r = fmaf(x, y, z); break;
    }
    *flags = host_flags();
    fesetround(FE_TONEAREST);
    return bits32(r);
}

__attribute__((noinline)) static uint64_t host64(int op, uint64_t a, uint64_t b, uint64_t c,
                                                 int mode, unsigned *flags)
{
    volatile double x = f64_of(a), y = f64_of(b), z = f64_of(c);
    volatile double r = 0;

    fesetround(mode);
    feclearexcept(FE_ALL_EXCEPT);
    switch (op) {
    case OP_ADD: r = x + y; break;
    case OP_SUB: r = x - y; break;
    case OP_MUL: r = x * y; break;
    case OP_DIV: r = x / y; break;
    case OP_SQRT: r = sqrt(x); break;
    default: r = fma(x, y, z); break;
    }
    *flags = host_flags();
    fesetround(FE_TONEAREST);
    return bits64(r);
}

static uint32_t soft32(int op, uint32_t a, uint32_t b, uint32_t c, SfStatus *s)
{
    switch (op) {
    case OP_ADD: return sf32_add(a, b, s);
    case OP_SUB: return sf32_sub(a, b, s);
    case OP_MUL: return sf32_mul(a, b, s);
    case OP_DIV: return sf32_div(a, b, s);
    case OP_SQRT: return sf32_sqrt(a, s);
    default: return sf32_muladd(a, b, c, 0, s);
    }
}

static uint64_t soft64(int op, uint64_t a, uint64_t b, uint64_t c, SfStatus *s)
{
    switch (op) {
    case OP_ADD: return sf64_add(a, b, s);
    case OP_SUB: return sf64_sub(a, b, s);
    case OP_MUL: return sf64_mul(a, b, s);
    case OP_DIV: return sf64_div(a, b, s);
    case OP_SQRT: return sf64_sqrt(a, s);
    default: return sf64_muladd(a, b, c, 0, s);
    }
}

/* ---- operands ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* A random value of the format (frac_bits, exp_bits), biased to extremes. */
static uint64_t rnd_value(unsigned fb, unsigned eb, uint64_t near)
{
    uint64_t emax = (1ull << eb) - 1, fmask = (1ull << fb) - 1;
    uint64_t r = rng(), e, frac;

    switch (r & 7) {
    case 0: e = 0; break;                               /* subnormal / zero */
    case 1: e = 1 + (rng() % 3); break;                 /* near the smallest normal */
    case 2: e = emax - 1 - (rng() % 3); break;          /* near overflow */
    case 3: e = emax; break;                            /* inf / NaN */
    case 4:                                             /* close to `near` */
        e = ((near >> fb) & emax) + (rng() % 5) - 2;
        e &= emax;
        break;
    default: e = (emax >> 1) + (rng() % 64) - 32; break;    /* around 1 */
    }
    switch ((r >> 3) & 3) {
    case 0: frac = fmask; break;
    case 1: frac = (rng() % 4) << (rng() % fb); break;  /* few bits */
    case 2: frac = fmask ^ (1ull << (rng() % fb)); break;
    default: frac = rng() & fmask; break;
    }
    return (r >> 5 & 1) << (fb + eb) | e << fb | frac;
}

static const uint32_t special32[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000,
    0x7f800001, 0xffc00001, 0x00000001, 0x80000001, 0x007fffff, 0x00800000, 0x80800000,
    0x7f7fffff, 0xff7fffff, 0x40000000, 0x3effffff, 0x4b000000, 0x4f000000, 0x34000000,
};
static const uint64_t special64[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull,
    0xfff8000000000001ull, 1, 0x8000000000000001ull, 0x000fffffffffffffull,
    0x0010000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
    0x4000000000000000ull, 0x3fdfffffffffffffull, 0x4330000000000000ull,
    0x3ca0000000000000ull,
};

#define NSPECIAL32 (sizeof(special32) / sizeof(special32[0]))
#define NSPECIAL64 (sizeof(special64) / sizeof(special64[0]))

static unsigned failures;

/* IEEE 754 7.2 leaves it to the implementation whether inf * 0 + qNaN
 * signals invalid; x86 does not, RISC-V (and we) do: not comparable. */
static bool inf_times_zero_plus_qnan(int op, bool a_inf, bool a_zero, bool b_inf, bool b_zero,
                                     bool c_qnan)
{
    return op == OP_FMA && ((a_inf && b_zero) || (a_zero && b_inf)) && c_qnan;
}

static void compare32(int op, uint32_t a, uint32_t b, uint32_t c)
{
    if (inf_times_zero_plus_qnan(op, (a & 0x7fffffff) == 0x7f800000, !(a & 0x7fffffff),
                                 (b & 0x7fffffff) == 0x7f800000, !(b & 0x7fffffff),
                                 sf32_is_nan(c) && !sf32_is_snan(c))) {
        return;
    }
    for (unsigned m = 0; m < 4; m++) {
        unsigned hf;
        uint32_t h = host32(op, a, b, c, host_modes[m], &hf);
        SfStatus s = { .rm = (uint8_t)m, .default_nan = true };
        SfStatus si = { .rm = (uint8_t)m, .default_nan = true, .integer_only = true };
        uint32_t r = soft32(op, a, b, c, &s);
        uint32_t ri = soft32(op, a, b, c, &si);
        bool ok = sf32_is_nan(h) ? r == SF32_DEFAULT_NAN : r == h;
        /* x86 SSE detects tininess after rounding too: UF must match.  The
         * integer path must agree with the fast one. */
        ok = ok && s.flags == hf && ri == r && si.flags == s.flags;
        if (!ok && failures++ < 20) {
            unittest_fail(__FILE__, __LINE__, "f32 %s(%08x, %08x, %08x) rm %u: %08x/%02x, "
                          "host %08x/%02x", op_names[op], a, b, c, m, r, s.flags, h, hf);
        }
    }
}

static void compare64(int op, uint64_t a, uint64_t b, uint64_t c)
{
    const uint64_t mag = 0x7fffffffffffffffull, inf = 0x7ff0000000000000ull;
    if (inf_times_zero_plus_qnan(op, (a & mag) == inf, !(a & mag), (b & mag) == inf, !(b & mag),
                                 sf64_is_nan(c) && !sf64_is_snan(c))) {
        return;
    }
    for (unsigned m = 0; m < 4; m++) {
        unsigned hf;
        uint64_t h = host64(op, a, b, c, host_modes[m], &hf);
        SfStatus s = { .rm = (uint8_t)m, .default_nan = true };
        SfStatus si = { .rm = (uint8_t)m, .default_nan = true, .integer_only = true };
        uint64_t r = soft64(op, a, b, c, &s);
        uint64_t ri = soft64(op, a, b, c, &si);
        bool ok = sf64_is_nan(h) ? r == SF64_DEFAULT_NAN : r == h;
        ok = ok && s.flags == hf && ri == r && si.flags == s.flags;
        if (!ok && failures++ < 20) {
            unittest_fail(__FILE__, __LINE__, "f64 %s(%016" PRIx64 ", %016" PRIx64 ", %016"
                          PRIx64 ") rm %u: %016" PRIx64 "/%02x, host %016" PRIx64 "/%02x",
                          op_names[op], a, b, c, m, r, s.flags, h, hf);
        }
    }
}

UNITTEST(f32_ops_match_host)
{
    failures = 0;
    for (int op = 0; op < OP_COUNT; op++) {
        for (unsigned i = 0; i < NSPECIAL32; i++) {
            for (unsigned j = 0; j < NSPECIAL32; j++) {
                compare32(op, special32[i], special32[j], special32[(i + j) % NSPECIAL32]);
            }
        }
        for (unsigned n = 0; n < 30000; n++) {
            uint32_t a = (uint32_t)rnd_value(23, 8, 0x3f800000);
            uint32_t b = (uint32_t)rnd_value(23, 8, a);
            uint32_t c = (uint32_t)rnd_value(23, 8, n & 1 ? a : 0x3f800000);
            if (op == OP_FMA && (n & 2)) {
                /* Addend near -a*b: cancellation and tiny results. */
                SfStatus s = { .rm = SF_RTZ, .default_nan = true };
                c = sf32_mul(a, b, &s) ^ 0x80000000u ^ (uint32_t)(rng() & 7);
            }
            compare32(op, a, b, c);
        }
    }
}

UNITTEST(f64_ops_match_host)
{
    failures = 0;
    for (int op = 0; op < OP_COUNT; op++) {
        for (unsigned i = 0; i < NSPECIAL64; i++) {
            for (unsigned j = 0; j < NSPECIAL64; j++) {
                compare64(op, special64[i], special64[j], special64[(i + j) % NSPECIAL64]);
            }
        }
        for (unsigned n = 0; n < 30000; n++) {
            uint64_t a = rnd_value(52, 11, 0x3ff0000000000000ull);
            uint64_t b = rnd_value(52, 11, a);
            uint64_t c = rnd_value(52, 11, n & 1 ? a : 0x3ff0000000000000ull);
            if (op == OP_FMA && (n & 2)) {
                SfStatus s = { .rm = SF_RTZ, .default_nan = true };
                c = sf64_mul(a, b, &s) ^ 0x8000000000000000ull ^ (rng() & 7);
            }
            compare64(op, a, b, c);
        }
    }
}

UNITTEST(conversions_match_host)
{
    failures = 0;
    for (unsigned n = 0; n < 40000; n++) {
        uint64_t d = rnd_value(52, 11, n & 1 ? 0x3810000000000000ull : 0x47e0000000000000ull);
        uint64_t v = rng() >> (rng() % 64);
        for (unsigned m = 0; m < 4; m++) {
            SfStatus s = { .rm = (uint8_t)m, .default_nan = true };
            unsigned hf;
            volatile double x = f64_of(d);
            volatile float hr;
            volatile uint64_t vv = v;
            uint32_t r;

            fesetround(host_modes[m]);
            feclearexcept(FE_ALL_EXCEPT);
            hr = (float)x;
            hf = host_flags();
            fesetround(FE_TONEAREST);
            r = sf64_to_f32(d, &s);
            if (!(sf32_is_nan(bits32(hr)) ? r == SF32_DEFAULT_NAN : r == bits32(hr)) ||
                s.flags != hf) {
                if (failures++ < 20) {
                    unittest_fail(__FILE__, __LINE__, "f64->f32 %016" PRIx64 " rm %u: %08x/%02x"
                                  " host %08x/%02x", d, m, r, s.flags, bits32(hr), hf);
                }
            }

            /* Integers to floats, signed and unsigned, 64-bit. */
            for (int sgn = 0; sgn < 2; sgn++) {
                volatile float hf32;
                volatile double hf64;
                SfStatus s32 = { .rm = (uint8_t)m }, s64 = { .rm = (uint8_t)m };
                unsigned f32flags, f64flags;

                fesetround(host_modes[m]);
                feclearexcept(FE_ALL_EXCEPT);
                hf32 = sgn ? (float)(int64_t)vv : (float)vv;
                f32flags = host_flags();
                feclearexcept(FE_ALL_EXCEPT);
                hf64 = sgn ? (double)(int64_t)vv : (double)vv;
                f64flags = host_flags();
                fesetround(FE_TONEAREST);
                uint32_t r32 = sf32_from_int(v, 64, sgn, &s32);
                uint64_t r64 = sf64_from_int(v, 64, sgn, &s64);
                if ((r32 != bits32(hf32) || s32.flags != f32flags ||
                     r64 != bits64(hf64) || s64.flags != f64flags) && failures++ < 20) {
                    unittest_fail(__FILE__, __LINE__, "int->float %016" PRIx64 " signed %d "
                                  "rm %u: %08x/%02x %016" PRIx64 "/%02x", v, sgn, m, r32,
                                  s32.flags, r64, s64.flags);
                }
            }
        }
    }
}

/*
 * RMM against an oracle built from the host: f32 products and (most) sums
 * are exact in double, and RMM differs from RNE only on an exact tie whose
 * truncation is even, where it rounds away from zero instead.  (Quotients
 * and square roots never tie.)
 */
UNITTEST(f32_rmm_matches_oracle)
{
    failures = 0;
    for (unsigned n = 0; n < 200000; n++) {
        uint32_t a = (uint32_t)rnd_value(23, 8, 0x3f800000);
        uint32_t b = (uint32_t)rnd_value(23, 8, a);
        bool mul = n & 1;
        if (!mul && (n & 2)) {
            /* b near half an ulp of a: many exact ties. */
            b = (a & 0x80000000u) | ((((a >> 23) & 0xff) - 24) & 0xff) << 23 |
                (uint32_t)(rng() & 3);
        }
        if (sf32_is_nan(a) || sf32_is_nan(b) || ((a | b) & 0x7fffffffu) >= 0x7f800000u) {
            continue;
        }
        volatile double x = f32_of(a), y = f32_of(b), e;
        feclearexcept(FE_ALL_EXCEPT);
        e = mul ? x * y : x + y;
        if (fetestexcept(FE_INEXACT)) {
            continue;               /* not exact in double: no oracle */
        }
        fesetround(FE_TOWARDZERO);
        volatile float t = (float)e;
        fesetround(FE_TONEAREST);
        volatile float rne = (float)e;
        uint32_t tb = bits32(t);
        uint32_t want = bits32(rne);
        if ((double)t != e && !(tb & 1)) {
            /* The neighbour away from zero (may be infinity). */
            double away = f32_of(tb + 1);
            if (e == ((double)t + away) / 2) {
                want = tb + 1;
            }
        }
        SfStatus s = { .rm = SF_RMM, .default_nan = true };
        uint32_t r = mul ? sf32_mul(a, b, &s) : sf32_add(a, b, &s);
        if (r != want && failures++ < 20) {
            unittest_fail(__FILE__, __LINE__, "rmm %s(%08x, %08x) = %08x, want %08x",
                          mul ? "mul" : "add", a, b, r, want);
        }
    }
}

/* ---- hand-computed cases ---- */

UNITTEST(rmm_rounds_ties_away)
{
    SfStatus s = { .rm = SF_RMM, .default_nan = true };

    /* 1 + 2^-24 is halfway between 1 and 1 + 2^-23: away from zero. */
    CHECK_U64(sf32_add(0x3f800000, 0x33800000, &s), 0x3f800001);
    CHECK_U64(s.flags, SF_FLAG_NX);
    /* Same with a negative sign. */
    CHECK_U64(sf32_add(0xbf800000, 0xb3800000, &s), 0xbf800001);
    /* 1 + 3*2^-24: halfway between 1+2^-23 and 1+2^-22, RNE would pick the
     * even 1+2^-22 too; 1 + 2^-25 is below halfway: 1. */
    CHECK_U64(sf32_add(0x3f800000, 0x34400000, &s), 0x3f800002);
    CHECK_U64(sf32_add(0x3f800000, 0x33000000, &s), 0x3f800000);
    /* f64: 1 + 2^-53 -> 1 + 2^-52. */
    CHECK_U64(sf64_add(0x3ff0000000000000ull, 0x3ca0000000000000ull, &s),
              0x3ff0000000000001ull);
    /* Overflow goes to infinity like RNE. */
    s.flags = 0;
    CHECK_U64(sf32_mul(0x7f7fffff, 0x40000000, &s), 0x7f800000);
    CHECK_U64(s.flags, SF_FLAG_OF | SF_FLAG_NX);
    /* Integer conversion: 2.5 -> 3, -2.5 -> -3 (RNE gives 2, -2). */
    s.flags = 0;
    CHECK_U64(sf32_to_int(0x40200000, 32, true, &s), 3);
    CHECK_U64(sf32_to_int(0xc0200000, 32, true, &s), (uint64_t)-3);
    CHECK_U64(s.flags, SF_FLAG_NX);
    /* The halfway subnormal: 2^-150 rounds away to 2^-149, tiny: UF. */
    s.flags = 0;
    CHECK_U64(sf32_mul(0x00000001, 0x3f000000, &s), 0x00000001);
    CHECK_U64(s.flags, SF_FLAG_NX | SF_FLAG_UF);
    /* Square root never ties: RMM = RNE. */
    SfStatus rne = { .rm = SF_RNE, .default_nan = true };
    for (uint32_t x = 0x3f800000; x < 0x3f800000 + 5000; x += 7) {
        CHECK_U64(sf32_sqrt(x, &s), sf32_sqrt(x, &rne));
    }
}

UNITTEST(tininess_after_rounding)
{
    /* (2^-126 - 2^-150) * (1 + 2^-23)... simpler: the largest subnormal
     * 0x007fffff plus half its ulp rounds to the smallest normal 2^-126.
     * x = 0x007fffff (0.11..1 x 2^-126, 23 ones); x * (1 + 2^-24) is not a
     * float, so use fma: x*1 + 2^-150 exactly halfway. */
    SfStatus s = { .rm = SF_RNE, .default_nan = true };
    /* 2^-150 = 0x00000001 * 0.5, not representable: use a product 2^-75*2^-75. */
    uint32_t two_m75 = 0x1a000000;
    CHECK_U64(sf32_muladd(two_m75, two_m75, 0x007fffff, 0, &s), 0x00800000);
    /* Rounded with unbounded exponent, the exact 2^-126 - 2^-150 (24 ones at
     * p = 24) is representable: it is tiny after rounding, so UF. */
    CHECK_U64(s.flags, SF_FLAG_NX | SF_FLAG_UF);

    /* 0x007fffff + 1.5 * 2^-150 = 2^-126 - 2^-151: at p = 24 with an
     * unbounded exponent (ulp 2^-150) it is a tie that rounds to the even
     * 2^-126: not tiny after rounding, no UF; before rounding it is tiny. */
    s.flags = 0;
    uint32_t r = sf32_muladd(two_m75, 0x1a400000, 0x007fffff, 0, &s);
    CHECK_U64(r, 0x00800000);
    CHECK_U64(s.flags, SF_FLAG_NX);
    SfStatus before = { .rm = SF_RNE, .default_nan = true, .tininess_before_rounding = true };
    CHECK_U64(sf32_muladd(two_m75, 0x1a400000, 0x007fffff, 0, &before), 0x00800000);
    CHECK_U64(before.flags, SF_FLAG_NX | SF_FLAG_UF);

    /* f64: the same construction at 2^-1022. */
    SfStatus d = { .rm = SF_RNE, .default_nan = true };
    uint64_t two_m537 = (uint64_t)(1023 - 537) << 52;
    uint64_t one_5_m537 = two_m537 | 1ull << 51;
    CHECK_U64(sf64_muladd(two_m537, one_5_m537, 0x000fffffffffffffull, 0, &d),
              0x0010000000000000ull);
    CHECK_U64(d.flags, SF_FLAG_NX);
    /* Exact subnormal results never raise UF. */
    d.flags = 0;
    CHECK_U64(sf64_sub(0x0010000000000000ull, 1, &d), 0x000fffffffffffffull);
    CHECK_U64(d.flags, 0);
}

UNITTEST(to_int_saturates)
{
    static const struct {
        uint32_t a;
        unsigned width;
        bool is_signed;
        uint64_t r;
        unsigned flags;
    } cases[] = {
        { 0x7fc00000, 32, true, 0x7fffffff, SF_FLAG_NV },           /* NaN */
        { 0xffc00000, 32, true, 0x7fffffff, SF_FLAG_NV },           /* -NaN */
        { 0x7f800001, 64, true, 0x7fffffffffffffffull, SF_FLAG_NV },
        { 0x7fc00000, 32, false, 0xffffffff, SF_FLAG_NV },
        { 0x7fc00000, 64, false, ~0ull, SF_FLAG_NV },
        { 0x7f800000, 32, true, 0x7fffffff, SF_FLAG_NV },           /* +inf */
        { 0xff800000, 32, true, 0xffffffff80000000ull, SF_FLAG_NV },
        { 0xff800000, 32, false, 0, SF_FLAG_NV },
        { 0x4f000000, 32, true, 0x7fffffff, SF_FLAG_NV },           /* 2^31 */
        { 0xcf000000, 32, true, 0xffffffff80000000ull, 0 },         /* -2^31 */
        { 0x4f800000, 32, false, 0xffffffff, SF_FLAG_NV },          /* 2^32 */
        { 0x4f7fffff, 32, false, 0xffffff00, 0 },
        { 0x5f000000, 64, true, 0x7fffffffffffffffull, SF_FLAG_NV }, /* 2^63 */
        { 0xdf000000, 64, true, 0x8000000000000000ull, 0 },         /* -2^63 */
        { 0x5f000000, 64, false, 0x8000000000000000ull, 0 },
        { 0x5f800000, 64, false, ~0ull, SF_FLAG_NV },               /* 2^64 */
        { 0xbf800000, 32, false, 0, SF_FLAG_NV },                   /* -1 */
        { 0xbe99999a, 32, false, 0, SF_FLAG_NX },                   /* -0.3: rounds to 0 */
        { 0xbf400000, 64, false, 0, SF_FLAG_NV },                   /* -0.75 -> -1 */
        { 0x3fc00000, 32, true, 2, SF_FLAG_NX },                    /* 1.5 RNE */
        { 0x40200000, 32, true, 2, SF_FLAG_NX },                    /* 2.5 RNE */
        { 0x80000000, 32, false, 0, 0 },                            /* -0 */
        { 0x00000001, 64, true, 0, SF_FLAG_NX },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        SfStatus s = { .rm = SF_RNE, .default_nan = true };
        uint64_t r = sf32_to_int(cases[i].a, cases[i].width, cases[i].is_signed, &s);
        if (r != cases[i].r || s.flags != cases[i].flags) {
            unittest_fail(__FILE__, __LINE__, "case %zu: %08x -> %016" PRIx64 "/%02x, want %016"
                          PRIx64 "/%02x", i, cases[i].a, r, s.flags, cases[i].r, cases[i].flags);
        }
    }
    /* f64: 4294967295.5 rounds (RNE) to 2^32: out of range for wu. */
    SfStatus s = { .rm = SF_RNE };
    CHECK_U64(sf64_to_int(0x41efffffffff0000ull, 32, false, &s), 0xffffffff);
    CHECK_U64(s.flags, SF_FLAG_NV);
    s.flags = 0;
    s.rm = SF_RTZ;
    CHECK_U64(sf64_to_int(0x41efffffffff0000ull, 32, false, &s), 0xffffffff);
    CHECK_U64(s.flags, SF_FLAG_NX);
    s.flags = 0;
    s.rm = SF_RDN;
    CHECK_U64(sf64_to_int(0xbfe0000000000000ull, 64, true, &s), (uint64_t)-1);    /* -0.5 */
    s.rm = SF_RUP;
    CHECK_U64(sf64_to_int(0xbfe0000000000000ull, 64, true, &s), 0);
    CHECK_U64(sf64_to_int(0x3fe0000000000000ull, 64, true, &s), 1);
}

UNITTEST(min_max_number)
{
    SfStatus s = { .rm = SF_RNE, .default_nan = true };

    CHECK_U64(sf32_min_num(0x00000000, 0x80000000, &s), 0x80000000);
    CHECK_U64(sf32_min_num(0x80000000, 0x00000000, &s), 0x80000000);
    CHECK_U64(sf32_max_num(0x80000000, 0x00000000, &s), 0x00000000);
    CHECK_U64(sf32_max_num(0x00000000, 0x80000000, &s), 0x00000000);
    CHECK_U64(s.flags, 0);
    /* One quiet NaN: the other operand, no flag. */
    CHECK_U64(sf32_min_num(0x7fc00000, 0x3f800000, &s), 0x3f800000);
    CHECK_U64(sf32_max_num(0xbf800000, 0xffc00123, &s), 0xbf800000);
    CHECK_U64(s.flags, 0);
    /* A signalling NaN: still the other operand, but NV. */
    CHECK_U64(sf32_max_num(0x7f800001, 0x40000000, &s), 0x40000000);
    CHECK_U64(s.flags, SF_FLAG_NV);
    /* Two NaNs: the canonical NaN. */
    s.flags = 0;
    CHECK_U64(sf64_min_num(0x7ff8000000000123ull, 0xfff8000000000000ull, &s),
              SF64_DEFAULT_NAN);
    CHECK_U64(s.flags, 0);
    CHECK_U64(sf64_max_num(0xbff0000000000000ull, 0xc000000000000000ull, &s),
              0xbff0000000000000ull);
    CHECK_U64(sf64_min_num(0xbff0000000000000ull, 0xc000000000000000ull, &s),
              0xc000000000000000ull);
    /* Propagation mode quiets the signalling NaN. */
    SfStatus p = { .rm = SF_RNE };
    CHECK_U64(sf32_add(0x3f800000, 0x7f800001, &p), 0x7fc00001);
    CHECK_U64(sf32_add(0x7fc00002, 0x7f800001, &p), 0x7fc00001);
    CHECK_U64(sf32_to_f64(0x7f800001, &p), 0x7ff8000020000000ull);
}

UNITTEST(compares)
{
    SfStatus s = { .rm = SF_RNE, .default_nan = true };

    CHECK(sf32_eq(0x00000000, 0x80000000, &s));
    CHECK(sf32_le(0x80000000, 0x00000000, &s));
    CHECK(!sf32_lt(0x80000000, 0x00000000, &s));
    CHECK(sf32_lt(0xbf800000, 0x3f800000, &s));
    CHECK(sf32_lt(0xc0000000, 0xbf800000, &s));
    CHECK(!sf32_lt(0xbf800000, 0xc0000000, &s));
    CHECK(sf64_le(0x3ff0000000000000ull, 0x3ff0000000000000ull, &s));
    CHECK_U64(s.flags, 0);
    /* feq is quiet: a quiet NaN raises nothing, a signalling one NV. */
    CHECK(!sf32_eq(0x7fc00000, 0x7fc00000, &s));
    CHECK_U64(s.flags, 0);
    CHECK(!sf32_eq(0x7f800001, 0x3f800000, &s));
    CHECK_U64(s.flags, SF_FLAG_NV);
    /* flt/fle signal on any NaN. */
    s.flags = 0;
    CHECK(!sf64_lt(0x7ff8000000000000ull, 0x3ff0000000000000ull, &s));
    CHECK_U64(s.flags, SF_FLAG_NV);
    s.flags = 0;
    CHECK(!sf32_le(0x3f800000, 0x7fc00000, &s));
    CHECK_U64(s.flags, SF_FLAG_NV);
}

UNITTEST(muladd_rules)
{
    SfStatus s = { .rm = SF_RNE, .default_nan = true };

    /* inf * 0 + qNaN: invalid, canonical NaN. */
    CHECK_U64(sf32_muladd(0x7f800000, 0x00000000, 0x7fc00000, 0, &s), SF32_DEFAULT_NAN);
    CHECK_U64(s.flags, SF_FLAG_NV);
    /* x * y + qNaN otherwise: no flag. */
    s.flags = 0;
    CHECK_U64(sf32_muladd(0x3f800000, 0x3f800000, 0x7fc00000, 0, &s), SF32_DEFAULT_NAN);
    CHECK_U64(s.flags, 0);
    /* inf * 2 - inf: invalid. */
    CHECK_U64(sf32_muladd(0x7f800000, 0x40000000, 0x7f800000, SF_MULADD_NEG_ADDEND, &s),
              SF32_DEFAULT_NAN);
    CHECK_U64(s.flags, SF_FLAG_NV);
    /* fnmadd: -(1*1) - 1 = -2; fnmsub: -(1*1) + 1 = +0 (RNE), -0 under RDN. */
    s.flags = 0;
    CHECK_U64(sf32_muladd(0x3f800000, 0x3f800000, 0x3f800000,
                          SF_MULADD_NEG_PRODUCT | SF_MULADD_NEG_ADDEND, &s), 0xc0000000);
    CHECK_U64(sf32_muladd(0x3f800000, 0x3f800000, 0x3f800000, SF_MULADD_NEG_PRODUCT, &s),
              0x00000000);
    s.rm = SF_RDN;
    CHECK_U64(sf32_muladd(0x3f800000, 0x3f800000, 0x3f800000, SF_MULADD_NEG_PRODUCT, &s),
              0x80000000);
    /* Negating the addend before rounding: RDN of (1 + 2^-30) - ... the
     * product 0 * x and c = -0 with NEG_ADDEND gives +0 + +0 = +0. */
    CHECK_U64(sf32_muladd(0x00000000, 0x3f800000, 0x80000000, SF_MULADD_NEG_ADDEND, &s),
              0x00000000);
    /* One rounding: (1 + 2^-23)^2 - 1 - 2^-22 = 2^-46 exactly. */
    s.rm = SF_RNE;
    CHECK_U64(sf32_muladd(0x3f800001, 0x3f800001, 0xbf800002, 0, &s), 0x28800000);
    CHECK_U64(s.flags, 0);
}
