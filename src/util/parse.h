/*
 * The command line's scalar syntax, shared by config/ (option lists,
 * -readconfig) and core/ (object properties): each function accepts the
 * whole string or nothing, and leaves *out alone on failure.
 *
 * - bool: on/yes/true/y and off/no/false/n, lower case only.
 * - uint64: decimal or 0x-hex digits; no sign, no blanks, no overflow.
 *   (A leading 0 is decimal, as in QEMU: "010" is ten.)
 * - int64: an optional '-' before a uint64 that fits.
 * - size: a number, an optional decimal fraction (not after hex), an
 *   optional one-letter binary suffix B K M G T P E (any case; bytes
 *   without one); a fraction needs a suffix above B; the result fits in 64
 *   bits.
 */
#ifndef MORPHO_UTIL_PARSE_H
#define MORPHO_UTIL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

bool parse_bool(const char *s, bool *out);
bool parse_uint64(const char *s, uint64_t *out);
bool parse_int64(const char *s, int64_t *out);
bool parse_size(const char *s, uint64_t *out);

#endif
