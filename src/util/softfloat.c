/*
 * IEEE 754 binary32/binary64 arithmetic in integers (softfloat.h).
 *
 * One generic implementation serves both formats, described by SfFormat
 * (fraction and exponent widths).  Operands are unpacked into a class, a
 * sign and, for finite non-zero numbers, an integer significand m and an
 * exponent e with value m * 2^e.  Each operation computes its exact result
 * as a 128-bit integer times a power of two, or, when the exact result does
 * not fit (division, square root, far-apart addends), a truncation whose
 * lowest bit is ORed with "something non-zero was lost" (the sticky, or
 * jam, bit).  The jam bit always sits many bits below the rounding
 * position, so rounding the jammed value gives the same result and the
 * same inexactness as rounding the exact one.  sf_round_pack() then rounds
 * once, handling subnormals, tininess (before or after rounding, per
 * SfStatus), overflow and every flag.
 *
 * Invariant of the u128 significands handed to sf_round_pack(): non-zero,
 * with at least p + 2 bits (p = fraction bits + 1) above any jam bit.
 */
#include "util/softfloat.h"

#include <assert.h>
#include <math.h>
#include <string.h>

typedef unsigned __int128 u128;

/* The generic workers are inlined into each format's entry points, so the
 * format's constants fold (about twice as fast as calls). */
#define SF_INLINE static inline __attribute__((always_inline))

typedef struct SfFormat {
    unsigned frac_bits;
    unsigned exp_bits;
} SfFormat;

static const SfFormat sf_fmt32 = { 23, 8 };
static const SfFormat sf_fmt64 = { 52, 11 };

typedef enum SfClass {
    SF_ZERO,
    SF_FINITE,      /* normal or subnormal, non-zero */
    SF_INF,
    SF_QNAN,
    SF_SNAN,
} SfClass;

typedef struct SfParts {
    SfClass cls;
    bool sign;
    int exp;            /* value = sig * 2^exp (SF_FINITE) */
    uint64_t sig;       /* SF_FINITE: MSB at bit frac_bits */
} SfParts;

/* ---- format arithmetic ---- */

static unsigned sf_width(const SfFormat *f)
{
    return f->frac_bits + f->exp_bits + 1;
}

static int sf_bias(const SfFormat *f)
{
    return (1 << (f->exp_bits - 1)) - 1;
}

static uint64_t sf_sign_bit(const SfFormat *f)
{
    return 1ull << (sf_width(f) - 1);
}

static uint64_t sf_frac_mask(const SfFormat *f)
{
    return (1ull << f->frac_bits) - 1;
}

static uint64_t sf_exp_max(const SfFormat *f)
{
    return (1ull << f->exp_bits) - 1;
}

static uint64_t sf_quiet_bit(const SfFormat *f)
{
    return 1ull << (f->frac_bits - 1);
}

static uint64_t sf_inf(const SfFormat *f, bool sign)
{
    return (sign ? sf_sign_bit(f) : 0) | sf_exp_max(f) << f->frac_bits;
}

static uint64_t sf_zero(const SfFormat *f, bool sign)
{
    return sign ? sf_sign_bit(f) : 0;
}

static uint64_t sf_default_nan(const SfFormat *f)
{
    return sf_exp_max(f) << f->frac_bits | sf_quiet_bit(f);
}

static int sf_clz64(uint64_t x)
{
    return x ? __builtin_clzll(x) : 64;
}

static int sf_clz128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + sf_clz64((uint64_t)x);
}

/* x >> n, with every bit shifted out ORed into bit 0. */
static u128 sf_shift_right_jam128(u128 x, unsigned n)
{
    if (n == 0) {
        return x;
    }
    if (n >= 128) {
        return x != 0;
    }
    return (x >> n) | ((x & (((u128)1 << n) - 1)) != 0);
}

SF_INLINE SfParts sf_unpack(const SfFormat *f, uint64_t a)
{
    SfParts p = { 0 };
    uint64_t e = (a >> f->frac_bits) & sf_exp_max(f);
    uint64_t frac = a & sf_frac_mask(f);

    p.sign = (a & sf_sign_bit(f)) != 0;
    if (e == sf_exp_max(f)) {
        p.cls = frac == 0 ? SF_INF : (frac & sf_quiet_bit(f)) ? SF_QNAN : SF_SNAN;
    } else if (e == 0) {
        if (frac == 0) {
            p.cls = SF_ZERO;
        } else {
            /* Subnormal: normalize so the MSB sits at frac_bits. */
            int shift = sf_clz64(frac) - (63 - (int)f->frac_bits);
            p.cls = SF_FINITE;
            p.sig = frac << shift;
            p.exp = 1 - sf_bias(f) - (int)f->frac_bits - shift;
        }
    } else {
        p.cls = SF_FINITE;
        p.sig = frac | 1ull << f->frac_bits;
        p.exp = (int)e - sf_bias(f) - (int)f->frac_bits;
    }
    return p;
}

static bool sf_is_nan_parts(const SfParts *p)
{
    return p->cls == SF_QNAN || p->cls == SF_SNAN;
}

/* ---- rounding ---- */

/* m >> shift rounded per rm for a number of the given sign; *inexact tells
 * whether non-zero bits were shifted out.  shift may exceed 63. */
SF_INLINE uint64_t sf_round_shift(uint64_t m, unsigned shift, unsigned rm, bool sign,
                               bool *inexact)
{
    uint64_t q, rem, half;

    if (shift == 0) {
        *inexact = false;
        return m;
    }
    if (shift < 64) {
        q = m >> shift;
        rem = m & ((1ull << shift) - 1);
        half = 1ull << (shift - 1);
    } else if (shift == 64) {
        q = 0;
        rem = m;
        half = 1ull << 63;
    } else {
        /* Everything is below half of the last kept place (2^(shift-1) > m). */
        q = 0;
        rem = m != 0;
        half = 2;
    }
    *inexact = rem != 0;
    switch (rm) {
    case SF_RNE:
        if (rem > half || (rem == half && (q & 1))) {
            q++;
        }
        break;
    case SF_RMM:
        if (rem >= half) {
            q++;
        }
        break;
    case SF_RDN:
        if (rem && sign) {
            q++;
        }
        break;
    case SF_RUP:
        if (rem && !sign) {
            q++;
        }
        break;
    default:
        /* SF_RTZ (and, defensively, any invalid mode). */
        break;
    }
    return q;
}

/* Round sig * 2^exp (see the invariant at the top) to the format. */
SF_INLINE uint64_t sf_round_pack(const SfFormat *f, bool sign, int exp, u128 sig, SfStatus *s)
{
    const unsigned p = f->frac_bits + 1;
    const unsigned shift = 64 - p;
    const int emin = 1 - sf_bias(f);
    const int emax = sf_bias(f);
    uint64_t signbit = sign ? sf_sign_bit(f) : 0;
    uint64_t m, q;
    bool inexact;
    int lz, e_msb;

    assert(sig != 0);
    lz = sf_clz128(sig);
    sig <<= lz;
    m = (uint64_t)(sig >> 64) | ((uint64_t)sig != 0);
    e_msb = exp - lz + 127;             /* value in [2^e_msb, 2^(e_msb+1)) */

    if (e_msb < emin) {
        bool tiny = true;
        if (!s->tininess_before_rounding && e_msb == emin - 1) {
            /* Tiny after rounding unless rounding to p bits with an
             * unbounded exponent carries up to 2^emin. */
            bool ix;
            tiny = sf_round_shift(m, shift, s->rm, sign, &ix) < (1ull << p);
        }
        q = sf_round_shift(m, shift + (unsigned)(emin - e_msb), s->rm, sign, &inexact);
        if (inexact) {
            s->flags |= SF_FLAG_NX | (tiny ? SF_FLAG_UF : 0);
        }
        /* q <= 2^(p-1): a carry into the exponent field is the smallest
         * normal number, which is what the encoding then reads as. */
        return signbit | q;
    }

    q = sf_round_shift(m, shift, s->rm, sign, &inexact);
    if (q >> p) {
        q >>= 1;
        e_msb++;
    }
    if (e_msb > emax) {
        bool to_inf = s->rm == SF_RNE || s->rm == SF_RMM || (s->rm == SF_RDN && sign) ||
                      (s->rm == SF_RUP && !sign);
        s->flags |= SF_FLAG_OF | SF_FLAG_NX;
        if (to_inf) {
            return sf_inf(f, sign);
        }
        return signbit | (sf_exp_max(f) - 1) << f->frac_bits | sf_frac_mask(f);
    }
    if (inexact) {
        s->flags |= SF_FLAG_NX;
    }
    return signbit | (uint64_t)(e_msb + sf_bias(f)) << f->frac_bits | (q & sf_frac_mask(f));
}

/* ---- NaN results ---- */

static uint64_t sf_quiet(const SfFormat *f, uint64_t a)
{
    return a | sf_quiet_bit(f);
}

/* The NaN result of an operation with these operands (at least one NaN):
 * raises NV for a signalling one. */
static uint64_t sf_nan_result(const SfFormat *f, const uint64_t *ops, const SfParts *parts,
                              unsigned n, SfStatus *s)
{
    bool any_snan = false;

    for (unsigned i = 0; i < n; i++) {
        any_snan |= parts[i].cls == SF_SNAN;
    }
    if (any_snan) {
        s->flags |= SF_FLAG_NV;
    }
    if (s->default_nan) {
        return sf_default_nan(f);
    }
    for (unsigned i = 0; i < n; i++) {
        if (parts[i].cls == SF_SNAN) {
            return sf_quiet(f, ops[i]);
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if (parts[i].cls == SF_QNAN) {
            return ops[i];
        }
    }
    assert(!"sf_nan_result without a NaN");
    return sf_default_nan(f);
}

static uint64_t sf_invalid(const SfFormat *f, SfStatus *s)
{
    s->flags |= SF_FLAG_NV;
    return sf_default_nan(f);
}

/* The sign of an exact zero sum of operands of opposite signs (6.3). */
static bool sf_zero_sum_sign(const SfStatus *s)
{
    return s->rm == SF_RDN;
}

/* ---- addition ---- */

/* sa*ma*2^ea + sb*mb*2^eb, both non-zero and exact (at most 106 bits). */
SF_INLINE uint64_t sf_add_finite(const SfFormat *f, bool sa, int ea, u128 ma, bool sb, int eb,
                              u128 mb, SfStatus *s)
{
    int la = sf_clz128(ma) - 2, lb = sf_clz128(mb) - 2;
    u128 m;
    bool sign;

    /* MSBs at bit 125: headroom for the carry, zeros below the data. */
    ma <<= la;
    ea -= la;
    mb <<= lb;
    eb -= lb;
    if (ea < eb) {
        u128 tm = ma;
        int te = ea;
        bool ts = sa;
        ma = mb, ea = eb, sa = sb;
        mb = tm, eb = te, sb = ts;
    }
    /* A jam only happens for exponents 2+ apart, where at most one bit
     * cancels, so the jam stays far below the rounding position. */
    mb = sf_shift_right_jam128(mb, (unsigned)(ea - eb) > 200 ? 200 : (unsigned)(ea - eb));
    if (sa == sb) {
        m = ma + mb;
        sign = sa;
    } else if (ma >= mb) {
        m = ma - mb;
        sign = sa;
    } else {
        m = mb - ma;
        sign = sb;
    }
    if (m == 0) {
        return sf_zero(f, sf_zero_sum_sign(s));
    }
    return sf_round_pack(f, sign, ea, m, s);
}

SF_INLINE uint64_t sf_addsub(const SfFormat *f, uint64_t a, uint64_t b, bool negate_b,
                          SfStatus *s)
{
    SfParts pa = sf_unpack(f, a), pb = sf_unpack(f, b);

    if (sf_is_nan_parts(&pa) || sf_is_nan_parts(&pb)) {
        const uint64_t ops[2] = { a, b };
        const SfParts parts[2] = { pa, pb };
        return sf_nan_result(f, ops, parts, 2, s);
    }
    if (negate_b) {
        pb.sign = !pb.sign;
        b ^= sf_sign_bit(f);
    }
    if (pa.cls == SF_INF) {
        if (pb.cls == SF_INF && pa.sign != pb.sign) {
            return sf_invalid(f, s);
        }
        return a;
    }
    if (pb.cls == SF_INF) {
        return b;
    }
    if (pa.cls == SF_ZERO && pb.cls == SF_ZERO) {
        return sf_zero(f, pa.sign == pb.sign ? pa.sign : sf_zero_sum_sign(s));
    }
    if (pa.cls == SF_ZERO) {
        return b;
    }
    if (pb.cls == SF_ZERO) {
        return a;
    }
    return sf_add_finite(f, pa.sign, pa.exp, pa.sig, pb.sign, pb.exp, pb.sig, s);
}

/* ---- multiplication, division, square root ---- */

SF_INLINE uint64_t sf_mul(const SfFormat *f, uint64_t a, uint64_t b, SfStatus *s)
{
    SfParts pa = sf_unpack(f, a), pb = sf_unpack(f, b);
    bool sign = pa.sign != pb.sign;

    if (sf_is_nan_parts(&pa) || sf_is_nan_parts(&pb)) {
        const uint64_t ops[2] = { a, b };
        const SfParts parts[2] = { pa, pb };
        return sf_nan_result(f, ops, parts, 2, s);
    }
    if (pa.cls == SF_INF || pb.cls == SF_INF) {
        if (pa.cls == SF_ZERO || pb.cls == SF_ZERO) {
            return sf_invalid(f, s);
        }
        return sf_inf(f, sign);
    }
    if (pa.cls == SF_ZERO || pb.cls == SF_ZERO) {
        return sf_zero(f, sign);
    }
    return sf_round_pack(f, sign, pa.exp + pb.exp, (u128)pa.sig * pb.sig, s);
}

SF_INLINE uint64_t sf_div(const SfFormat *f, uint64_t a, uint64_t b, SfStatus *s)
{
    SfParts pa = sf_unpack(f, a), pb = sf_unpack(f, b);
    bool sign = pa.sign != pb.sign;
    u128 num, q;

    if (sf_is_nan_parts(&pa) || sf_is_nan_parts(&pb)) {
        const uint64_t ops[2] = { a, b };
        const SfParts parts[2] = { pa, pb };
        return sf_nan_result(f, ops, parts, 2, s);
    }
    if (pa.cls == SF_INF) {
        return pb.cls == SF_INF ? sf_invalid(f, s) : sf_inf(f, sign);
    }
    if (pb.cls == SF_INF) {
        return sf_zero(f, sign);
    }
    if (pb.cls == SF_ZERO) {
        if (pa.cls == SF_ZERO) {
            return sf_invalid(f, s);
        }
        s->flags |= SF_FLAG_DZ;
        return sf_inf(f, sign);
    }
    if (pa.cls == SF_ZERO) {
        return sf_zero(f, sign);
    }
    /* Both significands have their MSB at frac_bits: the quotient of
     * sig_a * 2^64 by sig_b lies in (2^63, 2^65), 63+ bits, plus a jam. */
    num = (u128)pa.sig << 64;
    q = num / pb.sig;
    q |= (num % pb.sig) != 0;
    return sf_round_pack(f, sign, pa.exp - 64 - pb.exp, q, s);
}

/* floor(sqrt(x)) and whether it is exact (digit by digit). */
static uint64_t sf_isqrt128(u128 x, bool *exact)
{
    u128 res = 0, one = (u128)1 << 126;

    while (one > x) {
        one >>= 2;
    }
    while (one != 0) {
        if (x >= res + one) {
            x -= res + one;
            res = (res >> 1) + one;
        } else {
            res >>= 1;
        }
        one >>= 2;
    }
    *exact = x == 0;
    return (uint64_t)res;
}

SF_INLINE uint64_t sf_sqrt(const SfFormat *f, uint64_t a, SfStatus *s)
{
    SfParts pa = sf_unpack(f, a);
    u128 radicand;
    uint64_t r;
    bool exact;
    int exp, shift;

    if (sf_is_nan_parts(&pa)) {
        return sf_nan_result(f, &a, &pa, 1, s);
    }
    if (pa.cls == SF_ZERO) {
        return a;                       /* sqrt(-0) = -0 */
    }
    if (pa.sign) {
        return sf_invalid(f, s);
    }
    if (pa.cls == SF_INF) {
        return a;
    }
    /* Radicand sig * 2^shift with an even exponent left over, MSB at bit
     * 123 or 124: the root has 62+ bits, then a jam. */
    shift = 123 - (int)f->frac_bits;
    if ((pa.exp - shift) & 1) {
        shift++;
    }
    radicand = (u128)pa.sig << shift;
    exp = (pa.exp - shift) / 2;
    r = sf_isqrt128(radicand, &exact);
    return sf_round_pack(f, false, exp, (u128)r | !exact, s);
}

/* ---- fused multiply-add ---- */

SF_INLINE uint64_t sf_muladd(const SfFormat *f, uint64_t a, uint64_t b, uint64_t c, unsigned neg,
                          SfStatus *s)
{
    SfParts pa = sf_unpack(f, a), pb = sf_unpack(f, b), pc = sf_unpack(f, c);
    bool psign = (pa.sign != pb.sign) != ((neg & SF_MULADD_NEG_PRODUCT) != 0);
    bool inf_times_zero = (pa.cls == SF_INF && pb.cls == SF_ZERO) ||
                          (pa.cls == SF_ZERO && pb.cls == SF_INF);

    if (sf_is_nan_parts(&pa) || sf_is_nan_parts(&pb) || sf_is_nan_parts(&pc)) {
        const uint64_t ops[3] = { a, b, c };
        const SfParts parts[3] = { pa, pb, pc };
        uint64_t r = sf_nan_result(f, ops, parts, 3, s);
        /* Invalid even with a quiet NaN addend (RISC-V 11.6, 754 7.2). */
        if (inf_times_zero) {
            return sf_invalid(f, s);
        }
        return r;
    }
    if (neg & SF_MULADD_NEG_ADDEND) {
        pc.sign = !pc.sign;
        c ^= sf_sign_bit(f);
    }
    if (inf_times_zero) {
        return sf_invalid(f, s);
    }
    if (pa.cls == SF_INF || pb.cls == SF_INF) {
        if (pc.cls == SF_INF && pc.sign != psign) {
            return sf_invalid(f, s);
        }
        return sf_inf(f, psign);
    }
    if (pc.cls == SF_INF) {
        return c;
    }
    if (pa.cls == SF_ZERO || pb.cls == SF_ZERO) {
        if (pc.cls == SF_ZERO) {
            return sf_zero(f, psign == pc.sign ? psign : sf_zero_sum_sign(s));
        }
        return c;
    }
    if (pc.cls == SF_ZERO) {
        return sf_round_pack(f, psign, pa.exp + pb.exp, (u128)pa.sig * pb.sig, s);
    }
    return sf_add_finite(f, psign, pa.exp + pb.exp, (u128)pa.sig * pb.sig, pc.sign, pc.exp,
                         pc.sig, s);
}

/* ---- comparisons and min/max ---- */

/* a < b for non-NaN operands, with -0 < +0 (the totalOrder of numbers). */
static bool sf_lt_total(const SfFormat *f, uint64_t a, uint64_t b)
{
    bool sa = (a & sf_sign_bit(f)) != 0, sb = (b & sf_sign_bit(f)) != 0;

    if (sa != sb) {
        return sa;
    }
    return sa ? a > b : a < b;
}

static bool sf_both_zero(const SfFormat *f, uint64_t a, uint64_t b)
{
    return ((a | b) & ~sf_sign_bit(f)) == 0;
}

SF_INLINE bool sf_compare(const SfFormat *f, uint64_t a, uint64_t b, bool signalling, bool or_equal,
                       bool less, SfStatus *s)
{
    SfParts pa = sf_unpack(f, a), pb = sf_unpack(f, b);

    if (sf_is_nan_parts(&pa) || sf_is_nan_parts(&pb)) {
        if (signalling || pa.cls == SF_SNAN || pb.cls == SF_SNAN) {
            s->flags |= SF_FLAG_NV;
        }
        return false;
    }
    if (a == b || sf_both_zero(f, a, b)) {
        return or_equal;
    }
    return less && sf_lt_total(f, a, b);
}

SF_INLINE uint64_t sf_minmax(const SfFormat *f, uint64_t a, uint64_t b, bool max, SfStatus *s)
{
    SfParts pa = sf_unpack(f, a), pb = sf_unpack(f, b);

    if (sf_is_nan_parts(&pa) || sf_is_nan_parts(&pb)) {
        if (pa.cls == SF_SNAN || pb.cls == SF_SNAN) {
            s->flags |= SF_FLAG_NV;
        }
        if (sf_is_nan_parts(&pa) && sf_is_nan_parts(&pb)) {
            const uint64_t ops[2] = { a, b };
            const SfParts parts[2] = { pa, pb };
            return sf_nan_result(f, ops, parts, 2, s);
        }
        return sf_is_nan_parts(&pa) ? b : a;
    }
    return sf_lt_total(f, a, b) != max ? a : b;
}

/* ---- conversions ---- */

SF_INLINE uint64_t sf_convert(const SfFormat *to, const SfFormat *from, uint64_t a, SfStatus *s)
{
    SfParts p = sf_unpack(from, a);

    switch (p.cls) {
    case SF_QNAN:
    case SF_SNAN:
        if (p.cls == SF_SNAN) {
            s->flags |= SF_FLAG_NV;
        }
        if (s->default_nan) {
            return sf_default_nan(to);
        } else {
            /* Keep the payload's top bits, quieted. */
            uint64_t frac = a & sf_frac_mask(from);
            frac = to->frac_bits >= from->frac_bits ? frac << (to->frac_bits - from->frac_bits)
                                                    : frac >> (from->frac_bits - to->frac_bits);
            return sf_inf(to, p.sign) | frac | sf_quiet_bit(to);
        }
    case SF_INF:
        return sf_inf(to, p.sign);
    case SF_ZERO:
        return sf_zero(to, p.sign);
    default:
        return sf_round_pack(to, p.sign, p.exp, p.sig, s);
    }
}

SF_INLINE uint64_t sf_from_int(const SfFormat *f, uint64_t v, unsigned width, bool is_signed,
                            SfStatus *s)
{
    bool sign = false;

    assert(width == 32 || width == 64);
    if (width == 32) {
        v = is_signed ? (uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
    }
    if (is_signed && (int64_t)v < 0) {
        sign = true;
        v = -v;                         /* INT64_MIN gives 2^63, as wanted */
    }
    if (v == 0) {
        return sf_zero(f, false);
    }
    return sf_round_pack(f, sign, 0, v, s);
}

SF_INLINE uint64_t sf_to_int(const SfFormat *f, uint64_t a, unsigned width, bool is_signed,
                          SfStatus *s)
{
    SfParts p = sf_unpack(f, a);
    uint64_t umax = width == 64 ? ~0ull : (1ull << width) - 1;
    uint64_t smax = umax >> 1;               /* 2^(w-1) - 1 */
    uint64_t max_mag, mag;
    bool inexact = false, overflow = false;

    assert(width == 32 || width == 64);
    switch (p.cls) {
    case SF_QNAN:
    case SF_SNAN:
        s->flags |= SF_FLAG_NV;
        return is_signed ? smax : umax;
    case SF_INF:
        overflow = true;
        mag = 0;
        break;
    case SF_ZERO:
        return 0;
    default:
        if (p.exp >= 0) {
            /* An integer already: too big once its MSB passes bit 63. */
            overflow = p.exp + 63 - sf_clz64(p.sig) >= 64;
            mag = overflow ? 0 : p.sig << p.exp;
        } else {
            mag = sf_round_shift(p.sig, (unsigned)-p.exp, s->rm, p.sign, &inexact);
        }
        break;
    }
    if (is_signed) {
        max_mag = p.sign ? smax + 1 : smax;
    } else {
        max_mag = p.sign ? 0 : umax;
    }
    if (overflow || mag > max_mag) {
        uint64_t r;
        s->flags |= SF_FLAG_NV;
        if (is_signed) {
            r = p.sign ? -(smax + 1) : smax;
        } else {
            r = p.sign ? 0 : umax;
        }
        return width == 32 && is_signed ? (uint64_t)(int64_t)(int32_t)r : r;
    }
    if (inexact) {
        s->flags |= SF_FLAG_NX;
    }
    if (p.sign) {
        mag = -mag;
    }
    if (width == 32) {
        return is_signed ? (uint64_t)(int64_t)(int32_t)mag : (uint32_t)mag;
    }
    return mag;
}

/* ---- fast paths on the host's IEEE binary64 unit ----
 *
 * Round-to-nearest-even is also the host's mode (Morpho never changes the
 * host's rounding mode, and the host's exceptions stay masked), so for RNE
 * the host's double operations give the correctly rounded result.  Its
 * flags are not read (too slow); instead a fast path is taken only where
 * the flags follow from the result: operands and result finite, no
 * overflow, no tininess question (results far from the subnormal range,
 * or additions, whose tiny results are exact), and then NX alone, decided
 * by an exactly computed residual (TwoSum for sums, fma for products,
 * quotients and roots: exact when nothing underflows, which the exponent
 * bounds guarantee).  Singles are computed in binary64, which is
 * correctly rounded for + - * / sqrt after a second rounding to binary32
 * (53 >= 2 * 24 + 2).  Everything else takes the exact integer path.
 */

static inline double sf_host64(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static inline uint64_t sf_host64_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static inline float sf_host32(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline uint32_t sf_host32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static inline unsigned sf_exp64(uint64_t a)
{
    return (unsigned)(a >> 52) & 0x7ff;
}

static inline unsigned sf_exp32(uint32_t a)
{
    return (a >> 23) & 0xff;
}

static inline bool sf_fast_allowed(const SfStatus *s)
{
    return s->rm == SF_RNE && !s->integer_only;
}

/* Binary64 exponents (biased) from which residuals cannot underflow. */
#define SF_SAFE_EXP64 0x070

/* The rounding error of x + y = s, exactly (Knuth's TwoSum). */
static inline double sf_two_sum_err(double x, double y, double sum)
{
    double yy = sum - x;
    return (x - (sum - yy)) + (y - yy);
}

static inline bool sf_add64_fast(uint64_t a, uint64_t b, bool neg, SfStatus *s, uint64_t *out)
{
    double x = sf_host64(a), y = sf_host64(b) * (neg ? -1.0 : 1.0);
    double r = x + y;
    uint64_t rb = sf_host64_bits(r);

    if (!sf_fast_allowed(s) || sf_exp64(rb) == 0x7ff) {
        return false;
    }
    if (sf_two_sum_err(x, y, r) != 0) {
        s->flags |= SF_FLAG_NX;
    }
    *out = rb;
    return true;
}

static inline bool sf_mul64_fast(uint64_t a, uint64_t b, SfStatus *s, uint64_t *out)
{
    double x = sf_host64(a), y = sf_host64(b), r = x * y;
    uint64_t rb = sf_host64_bits(r);

    if (!sf_fast_allowed(s) || sf_exp64(rb) < SF_SAFE_EXP64 || sf_exp64(rb) == 0x7ff) {
        return false;
    }
    if (fma(x, y, -r) != 0) {
        s->flags |= SF_FLAG_NX;
    }
    *out = rb;
    return true;
}

static inline bool sf_div64_fast(uint64_t a, uint64_t b, SfStatus *s, uint64_t *out)
{
    double x = sf_host64(a), y = sf_host64(b), r = x / y;
    uint64_t rb = sf_host64_bits(r);

    if (!sf_fast_allowed(s) || sf_exp64(rb) < SF_SAFE_EXP64 || sf_exp64(rb) == 0x7ff
        || sf_exp64(a) < SF_SAFE_EXP64 || sf_exp64(a) == 0x7ff) {
        return false;
    }
    if (fma(-r, y, x) != 0) {
        s->flags |= SF_FLAG_NX;
    }
    *out = rb;
    return true;
}

static inline bool sf_sqrt64_fast(uint64_t a, SfStatus *s, uint64_t *out)
{
    double x = sf_host64(a), r;

    if (!sf_fast_allowed(s) || (a >> 63) || sf_exp64(a) < SF_SAFE_EXP64
        || sf_exp64(a) == 0x7ff) {
        return false;
    }
    r = sqrt(x);
    if (fma(-r, r, x) != 0) {
        s->flags |= SF_FLAG_NX;
    }
    *out = sf_host64_bits(r);
    return true;
}

/* Singles: d is the binary64 result, exact_in_d whether it is the exact
 * one; the binary32 result must be normal, not the smallest exponent
 * (tininess), and finite. */
static inline bool sf_narrow32_fast(double d, bool exact_in_d, bool allow_tiny, SfStatus *s,
                                    uint32_t *out)
{
    float r = (float)d;
    uint32_t rb = sf_host32_bits(r);
    unsigned e = sf_exp32(rb);

    if (e == 0xff || (!allow_tiny && e < 2)) {
        return false;
    }
    if (!exact_in_d || (double)r != d) {
        s->flags |= SF_FLAG_NX;
    }
    *out = rb;
    return true;
}

static inline bool sf_add32_fast(uint32_t a, uint32_t b, bool neg, SfStatus *s, uint32_t *out)
{
    double x = sf_host32(a), y = (double)sf_host32(b) * (neg ? -1.0 : 1.0), d = x + y;

    /* Non-finite operands give a non-finite d, hence r: refused below.
     * Tiny sums of binary32 numbers are exact: no tininess question. */
    if (!sf_fast_allowed(s)) {
        return false;
    }
    return sf_narrow32_fast(d, sf_two_sum_err(x, y, d) == 0, true, s, out);
}

static inline bool sf_mul32_fast(uint32_t a, uint32_t b, SfStatus *s, uint32_t *out)
{
    double d = (double)sf_host32(a) * sf_host32(b);     /* exact: 48 bits */

    return sf_fast_allowed(s) && sf_narrow32_fast(d, true, false, s, out);
}

static inline bool sf_div32_fast(uint32_t a, uint32_t b, SfStatus *s, uint32_t *out)
{
    double x = sf_host32(a), y = sf_host32(b), d = x / y;

    if (!sf_fast_allowed(s) || sf_exp64(sf_host64_bits(d)) == 0x7ff || d == 0) {
        return false;
    }
    return sf_narrow32_fast(d, fma(-d, y, x) == 0, false, s, out);
}

static inline bool sf_sqrt32_fast(uint32_t a, SfStatus *s, uint32_t *out)
{
    double x = sf_host32(a), d;

    if (!sf_fast_allowed(s) || (a >> 31) || a == 0 || sf_exp32(a) == 0xff) {
        return false;
    }
    d = sqrt(x);
    return sf_narrow32_fast(d, fma(-d, d, x) == 0, false, s, out);
}

/* ---- the public entry points ---- */

bool sf32_is_nan(uint32_t a)
{
    return (a & 0x7fffffffu) > 0x7f800000u;
}

bool sf32_is_snan(uint32_t a)
{
    return sf32_is_nan(a) && !(a & 0x00400000u);
}

bool sf64_is_nan(uint64_t a)
{
    return (a & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
}

bool sf64_is_snan(uint64_t a)
{
    return sf64_is_nan(a) && !(a & 0x0008000000000000ull);
}

uint32_t sf32_add(uint32_t a, uint32_t b, SfStatus *s)
{
    uint32_t r;
    if (sf_add32_fast(a, b, false, s, &r)) {
        return r;
    }
    return (uint32_t)sf_addsub(&sf_fmt32, a, b, false, s);
}

uint32_t sf32_sub(uint32_t a, uint32_t b, SfStatus *s)
{
    uint32_t r;
    if (sf_add32_fast(a, b, true, s, &r)) {
        return r;
    }
    return (uint32_t)sf_addsub(&sf_fmt32, a, b, true, s);
}

uint32_t sf32_mul(uint32_t a, uint32_t b, SfStatus *s)
{
    uint32_t r;
    if (sf_mul32_fast(a, b, s, &r)) {
        return r;
    }
    return (uint32_t)sf_mul(&sf_fmt32, a, b, s);
}

uint32_t sf32_div(uint32_t a, uint32_t b, SfStatus *s)
{
    uint32_t r;
    if (sf_div32_fast(a, b, s, &r)) {
        return r;
    }
    return (uint32_t)sf_div(&sf_fmt32, a, b, s);
}

uint32_t sf32_sqrt(uint32_t a, SfStatus *s)
{
    uint32_t r;
    if (sf_sqrt32_fast(a, s, &r)) {
        return r;
    }
    return (uint32_t)sf_sqrt(&sf_fmt32, a, s);
}

uint64_t sf64_add(uint64_t a, uint64_t b, SfStatus *s)
{
    uint64_t r;
    if (sf_add64_fast(a, b, false, s, &r)) {
        return r;
    }
    return sf_addsub(&sf_fmt64, a, b, false, s);
}

uint64_t sf64_sub(uint64_t a, uint64_t b, SfStatus *s)
{
    uint64_t r;
    if (sf_add64_fast(a, b, true, s, &r)) {
        return r;
    }
    return sf_addsub(&sf_fmt64, a, b, true, s);
}

uint64_t sf64_mul(uint64_t a, uint64_t b, SfStatus *s)
{
    uint64_t r;
    if (sf_mul64_fast(a, b, s, &r)) {
        return r;
    }
    return sf_mul(&sf_fmt64, a, b, s);
}

uint64_t sf64_div(uint64_t a, uint64_t b, SfStatus *s)
{
    uint64_t r;
    if (sf_div64_fast(a, b, s, &r)) {
        return r;
    }
    return sf_div(&sf_fmt64, a, b, s);
}

uint64_t sf64_sqrt(uint64_t a, SfStatus *s)
{
    uint64_t r;
    if (sf_sqrt64_fast(a, s, &r)) {
        return r;
    }
    return sf_sqrt(&sf_fmt64, a, s);
}

uint32_t sf32_muladd(uint32_t a, uint32_t b, uint32_t c, unsigned neg, SfStatus *s)
{
    return (uint32_t)sf_muladd(&sf_fmt32, a, b, c, neg, s);
}

uint64_t sf64_muladd(uint64_t a, uint64_t b, uint64_t c, unsigned neg, SfStatus *s)
{
    return sf_muladd(&sf_fmt64, a, b, c, neg, s);
}

bool sf32_eq(uint32_t a, uint32_t b, SfStatus *s)
{
    return sf_compare(&sf_fmt32, a, b, false, true, false, s);
}

bool sf64_eq(uint64_t a, uint64_t b, SfStatus *s)
{
    return sf_compare(&sf_fmt64, a, b, false, true, false, s);
}

bool sf32_lt(uint32_t a, uint32_t b, SfStatus *s)
{
    return sf_compare(&sf_fmt32, a, b, true, false, true, s);
}

bool sf32_le(uint32_t a, uint32_t b, SfStatus *s)
{
    return sf_compare(&sf_fmt32, a, b, true, true, true, s);
}

bool sf64_lt(uint64_t a, uint64_t b, SfStatus *s)
{
    return sf_compare(&sf_fmt64, a, b, true, false, true, s);
}

bool sf64_le(uint64_t a, uint64_t b, SfStatus *s)
{
    return sf_compare(&sf_fmt64, a, b, true, true, true, s);
}

uint32_t sf32_min_num(uint32_t a, uint32_t b, SfStatus *s)
{
    return (uint32_t)sf_minmax(&sf_fmt32, a, b, false, s);
}

uint32_t sf32_max_num(uint32_t a, uint32_t b, SfStatus *s)
{
    return (uint32_t)sf_minmax(&sf_fmt32, a, b, true, s);
}

uint64_t sf64_min_num(uint64_t a, uint64_t b, SfStatus *s)
{
    return sf_minmax(&sf_fmt64, a, b, false, s);
}

uint64_t sf64_max_num(uint64_t a, uint64_t b, SfStatus *s)
{
    return sf_minmax(&sf_fmt64, a, b, true, s);
}

uint64_t sf32_to_f64(uint32_t a, SfStatus *s)
{
    return sf_convert(&sf_fmt64, &sf_fmt32, a, s);
}

uint32_t sf64_to_f32(uint64_t a, SfStatus *s)
{
    return (uint32_t)sf_convert(&sf_fmt32, &sf_fmt64, a, s);
}

uint32_t sf32_from_int(uint64_t v, unsigned width, bool is_signed, SfStatus *s)
{
    return (uint32_t)sf_from_int(&sf_fmt32, v, width, is_signed, s);
}

uint64_t sf64_from_int(uint64_t v, unsigned width, bool is_signed, SfStatus *s)
{
    return sf_from_int(&sf_fmt64, v, width, is_signed, s);
}

uint64_t sf32_to_int(uint32_t a, unsigned width, bool is_signed, SfStatus *s)
{
    return sf_to_int(&sf_fmt32, a, width, is_signed, s);
}

uint64_t sf64_to_int(uint64_t a, unsigned width, bool is_signed, SfStatus *s)
{
    return sf_to_int(&sf_fmt64, a, width, is_signed, s);
}
