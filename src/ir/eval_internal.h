/*
 * The semantics of pure IR ops, once, as inline C: the interpreter executes
 * them and the optimizer folds constants with them, so the two can never
 * disagree.  Values travel as uint64_t; I32 inputs use their low 32 bits
 * and I32 results are zero-extended.  Every input has a defined result
 * (division by zero, overflow, shift counts; see ir_ops.def).
 */
#ifndef IR_EVAL_INTERNAL_H
#define IR_EVAL_INTERNAL_H

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ir/ir.h"

static inline uint64_t ir_trunc(bool is64, uint64_t v)
{
    return is64 ? v : (uint32_t)v;
}

/* Sign-extend the value of an is64-typed slot to int64_t. */
static inline int64_t ir_sext(bool is64, uint64_t v)
{
    return is64 ? (int64_t)v : (int64_t)(int32_t)v;
}

static inline bool ir_eval_cond_inline(IrCond c, bool is64, uint64_t a, uint64_t b)
{
    uint64_t ua = ir_trunc(is64, a), ub = ir_trunc(is64, b);
    int64_t sa = ir_sext(is64, a), sb = ir_sext(is64, b);
    switch (c) {
    case IR_COND_NEVER: return false;
    case IR_COND_ALWAYS: return true;
    case IR_COND_EQ: return ua == ub;
    case IR_COND_NE: return ua != ub;
    case IR_COND_LT: return sa < sb;
    case IR_COND_GE: return sa >= sb;
    case IR_COND_LE: return sa <= sb;
    case IR_COND_GT: return sa > sb;
    case IR_COND_LTU: return ua < ub;
    case IR_COND_GEU: return ua >= ub;
    case IR_COND_LEU: return ua <= ub;
    case IR_COND_GTU: return ua > ub;
    case IR_COND_TSTEQ: return (ua & ub) == 0;
    case IR_COND_TSTNE: return (ua & ub) != 0;
    default: return false;
    }
}

static inline uint64_t ir_field_mask(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

static inline uint64_t ir_bswap16_inline(uint64_t v)
{
    return (uint16_t)(((v & 0xff) << 8) | ((v >> 8) & 0xff));
}

/* ---- binary64/binary32 fast paths (ir_ops.def): host doubles and floats
 * are IEEE 754 binary64/binary32 rounding to nearest-even in the default
 * environment, evaluated in their own precision (FLT_EVAL_METHOD 0, SSE2),
 * which C's + - * /, sqrt and fma compute correctly rounded (C11 F.3,
 * F.10.8.2, F.10.10.1).
 * The result is kept only in the ops' domain (biased exponent 2..2046);
 * everything else, NaNs of any payload included, is 0.  Host exception
 * flags are never read. */
_Static_assert(FLT_EVAL_METHOD == 0, "float and double ops must round to their own precision");

static inline double ir_f64_from_bits(uint64_t v)
{
    double d;
    memcpy(&d, &v, sizeof(d));
    return d;
}

static inline uint64_t ir_f64_fast_result(double r)
{
    uint64_t u;
    memcpy(&u, &r, sizeof(u));
    unsigned exp = (unsigned)(u >> 52) & 0x7ff;
    return exp - 2u <= 0x7fcu ? u : 0;
}

static inline float ir_f32_from_bits(uint64_t v)
{
    uint32_t w = (uint32_t)v;
    float f;
    memcpy(&f, &w, sizeof(f));
    return f;
}

static inline uint64_t ir_f32_fast_result(float r)
{
    uint32_t u;
    memcpy(&u, &r, sizeof(u));
    unsigned exp = (u >> 23) & 0xff;
    return exp - 2u <= 0xfcu ? u : 0;
}

/* cvtt_f64_s64/cvtt_f32_s64: C's conversion truncates; it is defined only
 * strictly inside (-2^63 - 1, 2^63), and -2^63 itself gives INT64_MIN as the
 * out-of-range answer does.  A float converts to double exactly. */
static inline uint64_t ir_eval_cvtt(double x)
{
    if (x > -9223372036854775808.0 && x < 9223372036854775808.0) {
        return (uint64_t)(int64_t)x;
    }
    return 0x8000000000000000ull;
}

/* fminmax_f64/f32 on the bits x, y of a and b (of the op's width, miss the
 * width's all ones): equal values are equal bits except for +0 and -0, and
 * then OR picks -0 (min), AND +0 (max). */
static inline uint64_t ir_eval_fminmax(bool max, bool unordered, bool lt, bool gt, uint64_t x,
                                       uint64_t y, uint64_t miss)
{
    if (unordered) {
        return miss;
    }
    if (lt) {
        return max ? y : x;
    }
    if (gt) {
        return max ? x : y;
    }
    return max ? x & y : x | y;
}

static inline uint64_t ir_fcmp_result(IrFcmp cond, bool unordered, bool eq, bool lt)
{
    if (unordered) {
        return 2;
    }
    switch (cond) {
    case IR_FCMP_EQ: return eq;
    case IR_FCMP_LT: return lt;
    case IR_FCMP_LE: return lt || eq;
    }
    return 2;   /* an invalid $cond (the verifier rejects it) */
}

static inline uint64_t ir_eval_fma_f32(unsigned neg, uint64_t a, uint64_t b, uint64_t c)
{
    float x = ir_f32_from_bits(a), y = ir_f32_from_bits(b), z = ir_f32_from_bits(c);
    if (neg & IR_FMA_NEG_PRODUCT) {
        x = -x;
    }
    if (neg & IR_FMA_NEG_ADDEND) {
        z = -z;
    }
    return ir_f32_fast_result(fmaf(x, y, z));
}

static inline uint64_t ir_eval_fcmp_f64(IrFcmp cond, uint64_t a, uint64_t b)
{
    double x = ir_f64_from_bits(a), y = ir_f64_from_bits(b);
    bool unordered = isnan(x) || isnan(y);
    return ir_fcmp_result(cond, unordered, !unordered && x == y, !unordered && x < y);
}

static inline uint64_t ir_eval_fcmp_f32(IrFcmp cond, uint64_t a, uint64_t b)
{
    float x = ir_f32_from_bits(a), y = ir_f32_from_bits(b);
    bool unordered = isnan(x) || isnan(y);
    return ir_fcmp_result(cond, unordered, !unordered && x == y, !unordered && x < y);
}

static inline uint64_t ir_eval_fma_f64(unsigned neg, uint64_t a, uint64_t b, uint64_t c)
{
    double x = ir_f64_from_bits(a), y = ir_f64_from_bits(b), z = ir_f64_from_bits(c);
    /* Negating an operand is exact, and rounding to nearest is symmetric. */
    if (neg & IR_FMA_NEG_PRODUCT) {
        x = -x;
    }
    if (neg & IR_FMA_NEG_ADDEND) {
        z = -z;
    }
    return ir_f64_fast_result(fma(x, y, z));
}

/* Evaluate pure op opc.  in[] are the inputs, cst[] the constants; writes
 * out[0] (and out[1] for mulu2/muls2).  Returns false for non-pure ops. */
static inline bool ir_eval_inline(unsigned opc, bool is64, const uint64_t *in,
                                  const uint64_t *cst, uint64_t *out)
{
    const unsigned width = is64 ? 64 : 32;
    const uint64_t a = ir_trunc(is64, in[0]);
    uint64_t r;

    switch (opc) {
    case IR_OP_mov: r = a; break;
    case IR_OP_movi: r = cst[0]; break;
    case IR_OP_add: r = a + in[1]; break;
    case IR_OP_sub: r = a - in[1]; break;
    case IR_OP_neg: r = -a; break;
    case IR_OP_mul: r = a * in[1]; break;
    case IR_OP_and: r = a & in[1]; break;
    case IR_OP_or: r = a | in[1]; break;
    case IR_OP_xor: r = a ^ in[1]; break;
    case IR_OP_not: r = ~a; break;
    case IR_OP_andc: r = a & ~in[1]; break;
    case IR_OP_orc: r = a | ~in[1]; break;
    case IR_OP_eqv: r = ~(a ^ in[1]); break;
    case IR_OP_nand: r = ~(a & in[1]); break;
    case IR_OP_nor: r = ~(a | in[1]); break;
    case IR_OP_shl: r = a << (in[1] & (width - 1)); break;
    case IR_OP_shr: r = a >> (in[1] & (width - 1)); break;
    case IR_OP_sar: r = (uint64_t)(ir_sext(is64, a) >> (in[1] & (width - 1))); break;
    case IR_OP_rotl: {
        unsigned s = in[1] & (width - 1);
        r = s ? (a << s) | (a >> (width - s)) : a;
        break;
    }
    case IR_OP_rotr: {
        unsigned s = in[1] & (width - 1);
        r = s ? (a >> s) | (a << (width - s)) : a;
        break;
    }
    case IR_OP_mulsh:
        if (is64) {
            r = (uint64_t)(((__int128)(int64_t)a * (int64_t)in[1]) >> 64);
        } else {
            r = (uint64_t)(((int64_t)(int32_t)a * (int32_t)in[1]) >> 32);
        }
        break;
    case IR_OP_muluh:
        if (is64) {
            r = (uint64_t)(((unsigned __int128)a * in[1]) >> 64);
        } else {
            r = (a * (uint32_t)in[1]) >> 32;
        }
        break;
    case IR_OP_mulu2:
        if (is64) {
            unsigned __int128 p = (unsigned __int128)a * in[1];
            out[0] = (uint64_t)p;
            out[1] = (uint64_t)(p >> 64);
        } else {
            uint64_t p = a * (uint32_t)in[1];
            out[0] = (uint32_t)p;
            out[1] = p >> 32;
        }
        return true;
    case IR_OP_muls2:
        if (is64) {
            __int128 p = (__int128)(int64_t)a * (int64_t)in[1];
            out[0] = (uint64_t)p;
            out[1] = (uint64_t)((unsigned __int128)p >> 64);
        } else {
            uint64_t p = (uint64_t)((int64_t)(int32_t)a * (int32_t)in[1]);
            out[0] = (uint32_t)p;
            out[1] = (uint32_t)(p >> 32);
        }
        return true;
    case IR_OP_div:
    case IR_OP_rem: {
        int64_t sa = ir_sext(is64, a), sb = ir_sext(is64, in[1]);
        int64_t min = is64 ? INT64_MIN : INT32_MIN;
        bool div = opc == IR_OP_div;
        if (sb == 0) {
            r = div ? ~0ull : (uint64_t)sa;
        } else if (sa == min && sb == -1) {
            r = div ? (uint64_t)sa : 0;
        } else {
            r = (uint64_t)(div ? sa / sb : sa % sb);
        }
        break;
    }
    case IR_OP_divu: {
        uint64_t b = ir_trunc(is64, in[1]);
        r = b ? a / b : ~0ull;
        break;
    }
    case IR_OP_remu: {
        uint64_t b = ir_trunc(is64, in[1]);
        r = b ? a % b : a;
        break;
    }
    case IR_OP_clz:
        r = a ? (uint64_t)(is64 ? __builtin_clzll(a) : __builtin_clz((uint32_t)a)) : in[1];
        break;
    case IR_OP_ctz:
        r = a ? (uint64_t)__builtin_ctzll(a) : in[1];
        break;
    case IR_OP_ctpop: r = (uint64_t)__builtin_popcountll(a); break;
    case IR_OP_bswap16: r = ir_bswap16_inline(a); break;
    case IR_OP_bswap32: r = __builtin_bswap32((uint32_t)a); break;
    case IR_OP_bswap64: r = __builtin_bswap64(a); break;
    case IR_OP_ext8s: r = (uint64_t)(int64_t)(int8_t)a; break;
    case IR_OP_ext8u: r = (uint8_t)a; break;
    case IR_OP_ext16s: r = (uint64_t)(int64_t)(int16_t)a; break;
    case IR_OP_ext16u: r = (uint16_t)a; break;
    case IR_OP_ext32s: r = (uint64_t)(int64_t)(int32_t)a; break;
    case IR_OP_ext32u: r = (uint32_t)a; break;
    /* conversions: the input has the other type, so use in[0] unmasked */
    case IR_OP_extrl_i64_i32: r = (uint32_t)in[0]; break;
    case IR_OP_extrh_i64_i32: r = in[0] >> 32; break;
    case IR_OP_extu_i32_i64: r = (uint32_t)in[0]; break;
    case IR_OP_exts_i32_i64: r = (uint64_t)(int64_t)(int32_t)in[0]; break;
    case IR_OP_deposit: {
        uint64_t m = ir_field_mask((unsigned)cst[1]) << cst[0];
        r = (a & ~m) | ((in[1] << cst[0]) & m);
        break;
    }
    case IR_OP_extract:
        r = (a >> cst[0]) & ir_field_mask((unsigned)cst[1]);
        break;
    case IR_OP_sextract: {
        unsigned pos = (unsigned)cst[0], len = (unsigned)cst[1];
        r = (uint64_t)((int64_t)(a << (64 - pos - len)) >> (64 - len));
        break;
    }
    case IR_OP_fadd_f64:
        r = ir_f64_fast_result(ir_f64_from_bits(in[0]) + ir_f64_from_bits(in[1]));
        break;
    case IR_OP_fsub_f64:
        r = ir_f64_fast_result(ir_f64_from_bits(in[0]) - ir_f64_from_bits(in[1]));
        break;
    case IR_OP_fmul_f64:
        r = ir_f64_fast_result(ir_f64_from_bits(in[0]) * ir_f64_from_bits(in[1]));
        break;
    case IR_OP_fdiv_f64:
        r = ir_f64_fast_result(ir_f64_from_bits(in[0]) / ir_f64_from_bits(in[1]));
        break;
    case IR_OP_fsqrt_f64: r = ir_f64_fast_result(sqrt(ir_f64_from_bits(in[0]))); break;
    case IR_OP_fma_f64: r = ir_eval_fma_f64((unsigned)cst[0], in[0], in[1], in[2]); break;
    case IR_OP_fcmp_f64: r = ir_eval_fcmp_f64((IrFcmp)cst[0], in[0], in[1]); break;
    case IR_OP_cvt_s64_f64: {
        double x = (double)(int64_t)in[0];
        memcpy(&r, &x, sizeof(r));
        break;
    }
    case IR_OP_fminmax_f64: {
        double x = ir_f64_from_bits(in[0]), y = ir_f64_from_bits(in[1]);
        r = ir_eval_fminmax(cst[0] != 0, x != x || y != y, x < y, x > y, in[0], in[1], ~0ull);
        break;
    }
    case IR_OP_fminmax_f32: {
        float x = ir_f32_from_bits(in[0]), y = ir_f32_from_bits(in[1]);
        r = ir_eval_fminmax(cst[0] != 0, x != x || y != y, x < y, x > y, (uint32_t)in[0],
                            (uint32_t)in[1], 0xffffffffull);
        break;
    }
    case IR_OP_cvtt_f64_s64: r = ir_eval_cvtt(ir_f64_from_bits(in[0])); break;
    case IR_OP_cvtt_f32_s64: r = ir_eval_cvtt(ir_f32_from_bits(in[0])); break;
    case IR_OP_cvt_f64_f32: r = ir_f32_fast_result((float)ir_f64_from_bits(in[0])); break;
    case IR_OP_cvt_f32_f64: {
        float f = ir_f32_from_bits(in[0]);
        double x = f;
        if (f != f) {
            r = ~0ull;
        } else {
            memcpy(&r, &x, sizeof(r));
        }
        break;
    }
    case IR_OP_fadd_f32:
        r = ir_f32_fast_result(ir_f32_from_bits(in[0]) + ir_f32_from_bits(in[1]));
        break;
    case IR_OP_fsub_f32:
        r = ir_f32_fast_result(ir_f32_from_bits(in[0]) - ir_f32_from_bits(in[1]));
        break;
    case IR_OP_fmul_f32:
        r = ir_f32_fast_result(ir_f32_from_bits(in[0]) * ir_f32_from_bits(in[1]));
        break;
    case IR_OP_fdiv_f32:
        r = ir_f32_fast_result(ir_f32_from_bits(in[0]) / ir_f32_from_bits(in[1]));
        break;
    case IR_OP_fsqrt_f32: r = ir_f32_fast_result(sqrtf(ir_f32_from_bits(in[0]))); break;
    case IR_OP_fma_f32: r = ir_eval_fma_f32((unsigned)cst[0], in[0], in[1], in[2]); break;
    case IR_OP_fcmp_f32: r = ir_eval_fcmp_f32((IrFcmp)cst[0], in[0], in[1]); break;
    case IR_OP_setcond:
        r = ir_eval_cond_inline((IrCond)cst[0], is64, a, in[1]);
        break;
    case IR_OP_movcond:
        r = ir_eval_cond_inline((IrCond)cst[0], is64, a, in[1]) ? in[2] : in[3];
        break;
    default:
        return false;
    }
    /* conversions to I64 have is64 set by the op's type (its output) */
    out[0] = ir_trunc(is64, r);
    return true;
}

#endif
