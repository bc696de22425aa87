/*
 * IEEE 754 binary32 and binary64 arithmetic in software, exactly: every
 * operation computes the exact result (or the exact result with a sticky
 * bit) in integers and rounds it once, in one of five rounding modes, so
 * results and exception flags never depend on the host's FPU.  Guests
 * (RISC-V F/D now, AArch64 later) call it from their FP helpers and map
 * their own rules (NaN results, tininess detection, fflags/FPSR bits) onto
 * an SfStatus.
 *
 * Values are raw bit patterns (uint32_t for binary32, uint64_t for
 * binary64).  Every operation takes an SfStatus: the rounding mode to use,
 * the guest's choices (default NaN or propagation, tininess before or after
 * rounding), and the flags it accrues into (only ever ORed in, never
 * cleared).  The flag bits are RISC-V's fflags layout (NX UF OF DZ NV from
 * bit 0), which other guests remap.  Underflow is signalled only for inexact
 * tiny results (IEEE 754-2019 7.5, default handling).
 *
 * Speed: for round-to-nearest-even, the common operations take a fast path
 * on the host's FPU where that provably yields the same bits and flags
 * (softfloat.c); this requires the host FPU in its default state, which
 * Morpho never changes.
 *
 * Thread-safe: no global state.
 */
#ifndef UTIL_SOFTFLOAT_H
#define UTIL_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

/* Rounding modes; the values are RISC-V's rm encodings. */
typedef enum SfRound {
    SF_RNE = 0,     /* to nearest, ties to even */
    SF_RTZ = 1,     /* toward zero */
    SF_RDN = 2,     /* toward -infinity */
    SF_RUP = 3,     /* toward +infinity */
    SF_RMM = 4,     /* to nearest, ties away from zero (754's roundTiesToAway) */
} SfRound;

/* Exception flags (RISC-V fflags bit order). */
enum {
    SF_FLAG_NX = 1u << 0,   /* inexact */
    SF_FLAG_UF = 1u << 1,   /* underflow */
    SF_FLAG_OF = 1u << 2,   /* overflow */
    SF_FLAG_DZ = 1u << 3,   /* division by zero */
    SF_FLAG_NV = 1u << 4,   /* invalid operation */
};

typedef struct SfStatus {
    uint8_t rm;                     /* SfRound */
    uint8_t flags;                  /* SF_FLAG_*, accrued */
    /* true: every NaN result is the default (canonical) NaN, positive with
     * only the quiet bit set (RISC-V always; ARM with FPCR.DN).  false: the
     * first signalling NaN operand, quieted, else the first quiet NaN. */
    bool default_nan;
    /* true: tiny means tiny before rounding (ARM); false: after rounding to
     * the destination's precision with an unbounded exponent (RISC-V). */
    bool tininess_before_rounding;
    /* true: never use the host-FPU fast paths (see softfloat.c), only the
     * integer implementation.  Results are the same either way; tests use
     * it to check both, and it is the switch for a host whose FPU is not
     * in its default state (round to nearest, exceptions masked). */
    bool integer_only;
} SfStatus;

#define SF32_DEFAULT_NAN 0x7fc00000u
#define SF64_DEFAULT_NAN 0x7ff8000000000000ull

/* ---- classification ---- */
bool sf32_is_nan(uint32_t a);
bool sf32_is_snan(uint32_t a);
bool sf64_is_nan(uint64_t a);
bool sf64_is_snan(uint64_t a);

/* ---- arithmetic (IEEE 754-2019 5.4.1) ---- */
uint32_t sf32_add(uint32_t a, uint32_t b, SfStatus *s);
uint32_t sf32_sub(uint32_t a, uint32_t b, SfStatus *s);
uint32_t sf32_mul(uint32_t a, uint32_t b, SfStatus *s);
uint32_t sf32_div(uint32_t a, uint32_t b, SfStatus *s);
uint32_t sf32_sqrt(uint32_t a, SfStatus *s);
uint64_t sf64_add(uint64_t a, uint64_t b, SfStatus *s);
uint64_t sf64_sub(uint64_t a, uint64_t b, SfStatus *s);
uint64_t sf64_mul(uint64_t a, uint64_t b, SfStatus *s);
uint64_t sf64_div(uint64_t a, uint64_t b, SfStatus *s);
uint64_t sf64_sqrt(uint64_t a, SfStatus *s);

/* Fused multiply-add, one rounding: (±(a*b)) + (±c), the product negated
 * with SF_MULADD_NEG_PRODUCT and c with SF_MULADD_NEG_ADDEND (negation is
 * exact and happens before the operation, so directed rounding sees the
 * negated operands).  inf*0 is invalid even when c is a quiet NaN. */
enum {
    SF_MULADD_NEG_PRODUCT = 1u << 0,
    SF_MULADD_NEG_ADDEND = 1u << 1,
};
uint32_t sf32_muladd(uint32_t a, uint32_t b, uint32_t c, unsigned neg, SfStatus *s);
uint64_t sf64_muladd(uint64_t a, uint64_t b, uint64_t c, unsigned neg, SfStatus *s);

/* ---- comparisons (5.11) ---- */
/* Quiet equality: NV only for a signalling NaN operand. */
bool sf32_eq(uint32_t a, uint32_t b, SfStatus *s);
bool sf64_eq(uint64_t a, uint64_t b, SfStatus *s);
/* Signalling less-than / less-or-equal: NV for any NaN operand. */
bool sf32_lt(uint32_t a, uint32_t b, SfStatus *s);
bool sf32_le(uint32_t a, uint32_t b, SfStatus *s);
bool sf64_lt(uint64_t a, uint64_t b, SfStatus *s);
bool sf64_le(uint64_t a, uint64_t b, SfStatus *s);

/* minimumNumber / maximumNumber (754-2019 9.6): -0 < +0; one NaN operand
 * gives the other operand; two NaNs give a NaN (per default_nan); a
 * signalling NaN operand raises NV. */
uint32_t sf32_min_num(uint32_t a, uint32_t b, SfStatus *s);
uint32_t sf32_max_num(uint32_t a, uint32_t b, SfStatus *s);
uint64_t sf64_min_num(uint64_t a, uint64_t b, SfStatus *s);
uint64_t sf64_max_num(uint64_t a, uint64_t b, SfStatus *s);

/* ---- conversions ---- */
uint64_t sf32_to_f64(uint32_t a, SfStatus *s);
uint32_t sf64_to_f32(uint64_t a, SfStatus *s);

/* From integers: width 32 or 64 bits of v, signed or not. */
uint32_t sf32_from_int(uint64_t v, unsigned width, bool is_signed, SfStatus *s);
uint64_t sf64_from_int(uint64_t v, unsigned width, bool is_signed, SfStatus *s);

/* To integers of `width` bits (32 or 64), rounding per s->rm, saturating:
 * out-of-range values and infinities give the nearest bound, NaN the
 * largest positive value, all with NV (and without NX); an in-range inexact
 * conversion gives NX.  The result is the integer's bits, sign-extended to
 * 64 bits when is_signed (zero-extended otherwise). */
uint64_t sf32_to_int(uint32_t a, unsigned width, bool is_signed, SfStatus *s);
uint64_t sf64_to_int(uint64_t a, unsigned width, bool is_signed, SfStatus *s);

#endif
