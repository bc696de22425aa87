/*
 * Unsigned LEB128 (7 bits a byte, low first, high bit = more) and zigzag
 * coding of signed deltas into it: the packing of per-instruction records
 * (a TB's insn_start data, the JIT's insn marks), where most numbers are
 * small deltas.  A 64-bit value takes at most LEB128_MAX_BYTES bytes.
 * leb128_get trusts its input: it reads records this process wrote.
 */
#ifndef MORPHO_UTIL_LEB128_H
#define MORPHO_UTIL_LEB128_H

#include <stddef.h>
#include <stdint.h>

#define LEB128_MAX_BYTES 10

static inline uint64_t zigzag_encode(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t zigzag_decode(uint64_t z)
{
    return (int64_t)((z >> 1) ^ -(z & 1));
}

/* v at p, not past end: the bytes written, 0 if they do not fit. */
static inline size_t leb128_put(uint8_t *p, const uint8_t *end, uint64_t v)
{
    size_t n = 0;
    do {
        if (p + n == end) {
            return 0;
        }
        p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

/* The value at *p; *p moves past it. */
static inline uint64_t leb128_get(const uint8_t **p)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t byte;
    do {
        byte = *(*p)++;
        v |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
    } while (byte & 0x80);
    return v;
}

#endif
