/*
 * The command line's scalar syntax, one definition for every parser that
 * reads it (option lists, -readconfig, object properties, -cpu extension
 * switches): booleans, unsigned and signed numbers in decimal or 0x-hex,
 * and sizes with binary suffixes as QEMU's qemu_strtosz().  See parse.h.
 */
#include "util/parse.h"

#include <ctype.h>
#include <string.h>

bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };

    for (size_t i = 0; i < 4; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Digits in base 10 or (after "0x") 16 into *out; *end past them.  Fails on
 * no digits or overflow.  No sign, no leading space: QEMU rejects those. */
static bool parse_u64_prefix(const char *s, uint64_t *out, const char **end)
{
    unsigned base = 10;
    uint64_t v = 0;
    const char *p = s;
    bool any = false;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    for (;; p++) {
        unsigned d;

        if (isdigit((unsigned char)*p)) {
            d = *p - '0';
        } else if (base == 16 && isxdigit((unsigned char)*p)) {
            d = tolower((unsigned char)*p) - 'a' + 10;
        } else {
            break;
        }
        if (v > (UINT64_MAX - d) / base) {
            return false;
        }
        v = v * base + d;
        any = true;
    }
    *out = v;
    *end = p;
    return any;
}

bool parse_uint64(const char *s, uint64_t *out)
{
    const char *end;

    return parse_u64_prefix(s, out, &end) && *end == '\0';
}

static uint64_t parse_suffix_multiplier(char c)
{
    switch (toupper((unsigned char)c)) {
    case 'B': return 1;
    case 'K': return 1ull << 10;
    case 'M': return 1ull << 20;
    case 'G': return 1ull << 30;
    case 'T': return 1ull << 40;
    case 'P': return 1ull << 50;
    case 'E': return 1ull << 60;
    default:  return 0;
    }
}

/*
 * QEMU's qemu_strtosz(): a number, an optional decimal fraction (not with
 * hex), an optional one-letter binary suffix (bytes without one).  A
 * fraction needs a suffix bigger than B; the result must fit in 64 bits.
 */
bool parse_size(const char *s, uint64_t *out)
{
    const char *p;
    uint64_t whole, mul, frac_num = 0, frac_den = 1;
    bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    bool has_frac = false;
    unsigned __int128 total;

    if (!parse_u64_prefix(s, &whole, &p)) {
        return false;
    }
    if (*p == '.') {
        if (hex) {
            return false;
        }
        p++;
        if (!isdigit((unsigned char)*p)) {
            return false;
        }
        has_frac = true;
        for (; isdigit((unsigned char)*p); p++) {
            /* Digits past 1e18 cannot matter for a 64-bit result. */
            if (frac_den < 1000000000000000000ull) {
                frac_num = frac_num * 10 + (*p - '0');
                frac_den *= 10;
            }
        }
    }
    mul = 1;
    if (*p) {
        mul = parse_suffix_multiplier(*p);
        if (!mul || p[1] != '\0') {
            return false;
        }
    }
    if (has_frac && mul == 1) {
        return false;
    }
    total = (unsigned __int128)whole * mul + (unsigned __int128)frac_num * mul / frac_den;
    if (total > UINT64_MAX) {
        return false;
    }
    *out = (uint64_t)total;
    return true;
}

bool parse_int64(const char *s, int64_t *out)
{
    uint64_t mag;
    bool neg = s[0] == '-';

    if (!parse_uint64(neg ? s + 1 : s, &mag)) {
        return false;
    }
    if (mag > (uint64_t)INT64_MAX + neg) {
        return false;
    }
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return true;
}
