/*
 * The binary64 and binary32 fast-path ops of ir_ops.def against
 * util/softfloat, which is exact (integer-only mode, so the reference never
 * touches the host FPU): wherever an op gives a result (not 0), the
 * softfloat result rounded to nearest-even must have the same bits and
 * signal nothing but inexact (the reference detects tininess after
 * rounding, as RISC-V does); fcmp must agree with the quiet/signalling compares
 * and signal nothing when it answers 0 or 1.  Also checks that the domain
 * is not empty: most random moderate operands must take the fast path.
 */
#include <stddef.h>

#include "ir/interp.h"
#include "ir/ir.h"
#include "util/softfloat.h"
#include "util/unittest.h"

static uint64_t rng_state = 0x0123456789abcdefull;

static uint64_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state ^ rng_state >> 31;
}

static const uint64_t edges[] = {
    0, 0x8000000000000000ull, 1, 0x000fffffffffffffull, 0x0010000000000000ull,
    0x0010000000000001ull, 0x001fffffffffffffull, 0x0020000000000000ull, 0x3ff0000000000000ull,
    0x3ff0000000000001ull, 0x3fefffffffffffffull, 0x7fefffffffffffffull, 0x7fe0000000000000ull,
    0x7ff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull, 0x1ff0000000000000ull,
    0x2000000000000000ull, 0x3ca0000000000000ull, 0x5ff0000000000000ull,
};

/* A double with a random exponent class: moderate, tiny, huge, or an edge. */
static uint64_t value(void)
{
    uint64_t x = rng(), m = rng() & 0x000fffffffffffffull, sign = (x & 1) << 63;
    switch ((x >> 8) % 8) {
    case 0: return sign | ((x >> 16) % 64) << 52 | m;
    case 1: return sign | (0x7ff - (x >> 16) % 64) << 52 | m;
    case 2: return sign ^ edges[(x >> 16) % (sizeof(edges) / sizeof(edges[0]))];
    case 3: return sign | (0x1ff + (x >> 16) % 4) << 52 | m;    /* squares near 2^-1022 */
    default: return sign | (0x3ff - 100 + (x >> 16) % 200) << 52 | m;
    }
}

static unsigned failures;

static void check_arith(unsigned opc, uint64_t a, uint64_t b, uint64_t c, unsigned neg,
                        unsigned *hits)
{
    uint64_t in[3] = { a, b, c }, cs = neg, got = 0;
    CHECK(ir_eval_pure((IrOpcode)opc, IR_I64, in, &cs, &got));
    if (got == 0) {
        return;
    }
    (*hits)++;
    SfStatus s = { .rm = SF_RNE, .default_nan = true, .integer_only = true };
    uint64_t want;
    switch (opc) {
    case IR_OP_fadd_f64: want = sf64_add(a, b, &s); break;
    case IR_OP_fsub_f64: want = sf64_sub(a, b, &s); break;
    case IR_OP_fmul_f64: want = sf64_mul(a, b, &s); break;
    case IR_OP_fdiv_f64: want = sf64_div(a, b, &s); break;
    case IR_OP_fsqrt_f64: want = sf64_sqrt(a, &s); break;
    default: want = sf64_muladd(a, b, c, neg, &s); break;  /* the NEG bits agree */
    }
    if ((want != got || (s.flags & ~SF_FLAG_NX)) && failures++ < 20) {
        unittest_fail(__FILE__, __LINE__, "%s(%016llx, %016llx, %016llx) neg %u: fast %016llx,"
                      " softfloat %016llx flags %02x", ir_op_defs[opc].name,
                      (unsigned long long)a, (unsigned long long)b, (unsigned long long)c, neg,
                      (unsigned long long)got, (unsigned long long)want, s.flags);
    }
}

UNITTEST(fast_f64_ops_agree_with_softfloat)
{
    static const unsigned ops[] = { IR_OP_fadd_f64, IR_OP_fsub_f64, IR_OP_fmul_f64,
                                    IR_OP_fdiv_f64, IR_OP_fsqrt_f64, IR_OP_fma_f64 };
    CHECK_U64(IR_FMA_NEG_PRODUCT, SF_MULADD_NEG_PRODUCT);
    CHECK_U64(IR_FMA_NEG_ADDEND, SF_MULADD_NEG_ADDEND);
    for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        unsigned hits = 0, n = 60000;
        for (unsigned i = 0; i < n; i++) {
            uint64_t a = value(), b = value(), c = value();
            if (ops[k] == IR_OP_fma_f64 && (i & 1)) {
                /* c near -a*b: cancellation, tiny and zero results */
                SfStatus s = { .rm = SF_RNE, .default_nan = true };
                c = sf64_mul(a, b, &s) ^ 0x8000000000000000ull ^ (rng() & 3);
            }
            check_arith(ops[k], a, b, c, (unsigned)(i % 4), &hits);
        }
        /* the domain is most of the moderate operands (about 5/8 of them) */
        if (hits < n / 4) {
            unittest_fail(__FILE__, __LINE__, "%s: only %u of %u in the fast domain",
                          ir_op_defs[ops[k]].name, hits, n);
        }
    }
}

UNITTEST(fast_fcmp_agrees_with_softfloat)
{
    for (unsigned i = 0; i < 60000; i++) {
        uint64_t a = value(), b = i % 3 ? value() : a ^ (rng() & 1);
        for (unsigned cond = IR_FCMP_EQ; cond <= IR_FCMP_LE; cond++) {
            uint64_t in[2] = { a, b }, cs = cond, got = 0;
            CHECK(ir_eval_pure(IR_OP_fcmp_f64, IR_I64, in, &cs, &got));
            SfStatus s = { .rm = SF_RNE, .default_nan = true, .integer_only = true };
            bool want = cond == IR_FCMP_EQ ? sf64_eq(a, b, &s)
                      : cond == IR_FCMP_LT ? sf64_lt(a, b, &s) : sf64_le(a, b, &s);
            bool nan = sf64_is_nan(a) || sf64_is_nan(b);
            if ((nan ? got != 2 : (got != want || s.flags)) && failures++ < 20) {
                unittest_fail(__FILE__, __LINE__, "fcmp %u (%016llx, %016llx): %llu, softfloat"
                              " %d flags %02x", cond, (unsigned long long)a,
                              (unsigned long long)b, (unsigned long long)got, want, s.flags);
            }
        }
    }
}

/* A binary32 with a random exponent class, junk in the high half. */
static uint64_t value32(void)
{
    uint64_t x = rng(), junk = rng() << 32;
    uint32_t m = (uint32_t)(x >> 9) & 0x7fffff, sign = (uint32_t)(x & 1) << 31;
    uint32_t exp;
    switch ((x >> 40) % 8) {
    case 0: exp = (x >> 48) % 16; break;
    case 1: exp = 0xff - (x >> 48) % 16; break;
    case 2: exp = 0x3f + (x >> 48) % 2; break;          /* squares near 2^-126 */
    default: exp = 127 - 40 + (x >> 48) % 80; break;
    }
    return junk | sign | exp << 23 | m;
}

UNITTEST(fast_f32_ops_agree_with_softfloat)
{
    static const unsigned ops[] = { IR_OP_fadd_f32, IR_OP_fsub_f32, IR_OP_fmul_f32,
                                    IR_OP_fdiv_f32, IR_OP_fsqrt_f32, IR_OP_fma_f32,
                                    IR_OP_fcmp_f32 };
    for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        unsigned hits = 0, n = 60000;
        for (unsigned i = 0; i < n; i++) {
            uint64_t in[3] = { value32(), value32(), value32() }, cs = i % 4, got = 0;
            uint32_t a = (uint32_t)in[0], b = (uint32_t)in[1], c = (uint32_t)in[2];
            SfStatus s = { .rm = SF_RNE, .default_nan = true, .integer_only = true };
            uint32_t want;
            if (ops[k] == IR_OP_fcmp_f32) {
                cs = i % 3;
                if (i % 4 == 0) {
                    in[1] = in[0];
                    b = a;
                }
            }
            CHECK(ir_eval_pure((IrOpcode)ops[k], IR_I64, in, &cs, &got));
            switch (ops[k]) {
            case IR_OP_fadd_f32: want = sf32_add(a, b, &s); break;
            case IR_OP_fsub_f32: want = sf32_sub(a, b, &s); break;
            case IR_OP_fmul_f32: want = sf32_mul(a, b, &s); break;
            case IR_OP_fdiv_f32: want = sf32_div(a, b, &s); break;
            case IR_OP_fsqrt_f32: want = sf32_sqrt(a, &s); break;
            case IR_OP_fma_f32: want = sf32_muladd(a, b, c, (unsigned)cs, &s); break;
            default:
                want = cs == IR_FCMP_EQ ? sf32_eq(a, b, &s)
                     : cs == IR_FCMP_LT ? sf32_lt(a, b, &s) : sf32_le(a, b, &s);
                if (sf32_is_nan(a) || sf32_is_nan(b)) {
                    want = 2;
                    s.flags = 0;
                }
                hits += got != 2;
                if ((got != want || s.flags) && failures++ < 20) {
                    unittest_fail(__FILE__, __LINE__, "fcmp_f32 %u (%08x, %08x): %llu, want %u",
                                  (unsigned)cs, a, b, (unsigned long long)got, want);
                }
                continue;
            }
            if (got == 0) {
                continue;
            }
            hits++;
            if ((want != got || (s.flags & ~SF_FLAG_NX)) && failures++ < 20) {
                unittest_fail(__FILE__, __LINE__, "%s(%08x, %08x, %08x) neg %u: fast %08llx,"
                              " softfloat %08x flags %02x", ir_op_defs[ops[k]].name, a, b, c,
                              (unsigned)cs, (unsigned long long)got, want, s.flags);
            }
        }
        if (hits < n / 4) {
            unittest_fail(__FILE__, __LINE__, "%s: only %u of %u in the fast domain",
                          ir_op_defs[ops[k]].name, hits, n);
        }
    }
}

/* The conversions: wherever an op answers (not its miss value), softfloat
 * gives the same bits, and signals nothing (cvt_f32_f64) or nothing but
 * inexact (the rounding ones: RTZ for cvtt, RNE for cvt_f64_f32).  Doubles
 * here also come near and beyond the integer range's ends. */
static void check_conversion(unsigned opc, uint64_t a, unsigned *hits)
{
    uint64_t in[1] = { a }, got = 0, want, miss;
    CHECK(ir_eval_pure((IrOpcode)opc, IR_I64, in, NULL, &got));
    SfStatus s = { .rm = SF_RNE, .default_nan = true, .integer_only = true };
    unsigned allowed = SF_FLAG_NX;
    switch (opc) {
    case IR_OP_cvtt_f64_s64:
        s.rm = SF_RTZ;
        want = sf64_to_int(a, 64, true, &s);
        miss = 0x8000000000000000ull;
        break;
    case IR_OP_cvtt_f32_s64:
        s.rm = SF_RTZ;
        want = sf32_to_int((uint32_t)a, 64, true, &s);
        miss = 0x8000000000000000ull;
        break;
    case IR_OP_cvt_f64_f32:
        want = sf64_to_f32(a, &s);
        miss = 0;
        break;
    default:
        want = sf32_to_f64((uint32_t)a, &s);
        miss = ~0ull;
        allowed = 0;
        break;
    }
    if (got == miss) {
        return;
    }
    (*hits)++;
    if ((want != got || (s.flags & ~allowed)) && failures++ < 20) {
        unittest_fail(__FILE__, __LINE__, "%s(%016llx): fast %016llx, softfloat %016llx flags %02x",
                      ir_op_defs[opc].name, (unsigned long long)a, (unsigned long long)got,
                      (unsigned long long)want, s.flags);
    }
}

UNITTEST(fast_conversions_agree_with_softfloat)
{
    /* +-2^63, the largest doubles below it, 2^31 - 1 and -2^31, just below
     * 1, the largest finite binary32 and just past it (rounds to inf), the
     * smallest normal binary32 and just below it */
    static const uint64_t ends[] = {
        0x43e0000000000000ull, 0xc3e0000000000000ull, 0x43dfffffffffffffull,
        0xc3dfffffffffffffull, 0x41dfffffffc00000ull, 0xc1e0000000000000ull,
        0x3fefffffffffffffull, 0xbfefffffffffffffull, 0x47efffffe0000000ull,
        0x47efffffefffffffull, 0x3810000000000000ull, 0x380fffffffffffffull,
    };
    /* +-2^63, the largest binary32 below it, 2^31 - 1's neighbour, -2^31,
     * just below 1, inf, a quiet and a signalling NaN, a subnormal */
    static const uint32_t ends32[] = {
        0x5f000000, 0xdf000000, 0x5effffff, 0xdeffffff, 0x4effffff, 0xcf000000,
        0x3f7fffff, 0xbf7fffff, 0x7f800000, 0x7fc00000, 0x7f800001, 0x00000001,
    };
    static const unsigned ops[] = { IR_OP_cvtt_f64_s64, IR_OP_cvt_f64_f32, IR_OP_cvtt_f32_s64,
                                    IR_OP_cvt_f32_f64 };
    for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        bool f32 = ops[k] == IR_OP_cvtt_f32_s64 || ops[k] == IR_OP_cvt_f32_f64;
        unsigned hits = 0, n = 60000;
        for (unsigned i = 0; i < n; i++) {
            uint64_t a;
            if (i < 24) {                           /* each end and its neighbour */
                a = (f32 ? ends32[i / 2] : ends[i / 2]) + (i & 1);
            } else {
                a = f32 ? value32() : value();
            }
            check_conversion(ops[k], a, &hits);
        }
        if (hits < n / 4) {
            unittest_fail(__FILE__, __LINE__, "%s: only %u of %u in the fast domain",
                          ir_op_defs[ops[k]].name, hits, n);
        }
    }
}

/* fminmax against softfloat's minimumNumber/maximumNumber: wherever the op
 * answers (no NaN operand), the same bits and no flag; equal magnitudes and
 * signed zeros often. */
UNITTEST(fast_fminmax_agrees_with_softfloat)
{
    unsigned hits = 0, n = 40000;
    for (unsigned i = 0; i < n; i++) {
        bool f32 = i & 1, max = i & 2;
        uint64_t a = f32 ? value32() : value(), b = f32 ? value32() : value();
        if (i % 5 == 0) {
            b = a ^ (f32 ? 0x80000000u : 0x8000000000000000ull) * ((i >> 3) & 1);
        } else if (i % 7 == 0) {
            a = 0, b = f32 ? 0x80000000u : 0x8000000000000000ull;     /* +0, -0 */
        }
        uint64_t in[2] = { a, b }, cs = max, got = 0, want;
        CHECK(ir_eval_pure(f32 ? IR_OP_fminmax_f32 : IR_OP_fminmax_f64, IR_I64, in, &cs, &got));
        if (got == (f32 ? 0xffffffffull : ~0ull)) {
            continue;
        }
        hits++;
        SfStatus s = { .rm = SF_RNE, .default_nan = true, .integer_only = true };
        if (f32) {
            want = max ? sf32_max_num((uint32_t)a, (uint32_t)b, &s)
                       : sf32_min_num((uint32_t)a, (uint32_t)b, &s);
        } else {
            want = max ? sf64_max_num(a, b, &s) : sf64_min_num(a, b, &s);
        }
        if ((want != got || s.flags) && failures++ < 20) {
            unittest_fail(__FILE__, __LINE__, "fminmax_f%d max %d (%016llx, %016llx): %016llx,"
                          " softfloat %016llx flags %02x", f32 ? 32 : 64, max,
                          (unsigned long long)a, (unsigned long long)b, (unsigned long long)got,
                          (unsigned long long)want, s.flags);
        }
    }
    CHECK(hits > n / 2);
}
