/*
 * Tests of the shared scalar syntax: every accepted spelling of booleans,
 * the edges of 64-bit numbers, and sizes with fractions and suffixes as
 * qemu_strtosz() takes them (and the near misses it rejects).
 */
#include "util/parse.h"
#include "util/unittest.h"

UNITTEST(bool_syntax)
{
    static const char *const t[] = { "on", "yes", "true", "y" };
    static const char *const f[] = { "off", "no", "false", "n" };
    bool b;

    for (int i = 0; i < 4; i++) {
        b = false;
        CHECK(parse_bool(t[i], &b) && b);
        b = true;
        CHECK(parse_bool(f[i], &b) && !b);
    }
    CHECK(!parse_bool("ON", &b));
    CHECK(!parse_bool("1", &b));
    CHECK(!parse_bool("", &b));
}

UNITTEST(uint64_syntax)
{
    uint64_t n;

    CHECK(parse_uint64("0", &n) && n == 0);
    CHECK(parse_uint64("42", &n) && n == 42);
    CHECK(parse_uint64("0x1F", &n) && n == 31);
    CHECK(parse_uint64("010", &n) && n == 10);
    CHECK(parse_uint64("18446744073709551615", &n) && n == UINT64_MAX);
    CHECK(parse_uint64("0xffffffffffffffff", &n) && n == UINT64_MAX);
    CHECK(!parse_uint64("18446744073709551616", &n));
    CHECK(!parse_uint64("0x10000000000000000", &n));
    CHECK(!parse_uint64("", &n));
    CHECK(!parse_uint64("0x", &n));
    CHECK(!parse_uint64("-1", &n));
    CHECK(!parse_uint64(" 1", &n));
    CHECK(!parse_uint64("1 ", &n));
    CHECK(!parse_uint64("12a", &n));
    CHECK(!parse_uint64("1k", &n));
}

UNITTEST(size_syntax)
{
    static const struct {
        const char *s;
        uint64_t v;
    } good[] = {
        { "0", 0 }, { "512", 512 }, { "512B", 512 }, { "1k", 1024 }, { "1K", 1024 },
        { "4M", 4ull << 20 }, { "4m", 4ull << 20 }, { "4G", 4ull << 30 },
        { "2T", 2ull << 40 }, { "1P", 1ull << 50 }, { "15E", 15ull << 60 },
        { "1.5G", 3ull << 29 }, { "0.5k", 512 }, { "0x1000", 4096 }, { "0x10M", 16ull << 20 },
        { "16383.99999999999999999999P", (16384ull << 50) - 1 },
    };
    static const char *const bad[] = {
        "", "k", "1.5", "1.k", ".5k", "1Q", "1kk", "1 k", "-1", "16E", "0x1.5M",
        "18446744073709551616", "4G ", "1,5G",
    };
    uint64_t n;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        n = 0;
        if (!parse_size(good[i].s, &n)) {
            unittest_fail(__FILE__, __LINE__, "size '%s' rejected", good[i].s);
        } else {
            CHECK_U64(n, good[i].v);
        }
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse_size(bad[i], &n)) {
            unittest_fail(__FILE__, __LINE__, "size '%s' accepted", bad[i]);
        }
    }
}

UNITTEST(int64_syntax)
{
    int64_t i;

    CHECK(parse_int64("-42", &i) && i == -42);
    CHECK(parse_int64("0x10", &i) && i == 16);
    CHECK(parse_int64("-0x10", &i) && i == -16);
    CHECK(parse_int64("9223372036854775807", &i) && i == INT64_MAX);
    CHECK(parse_int64("-9223372036854775808", &i) && i == INT64_MIN);
    CHECK(!parse_int64("9223372036854775808", &i));
    CHECK(!parse_int64("-9223372036854775809", &i));
    CHECK(!parse_int64("--1", &i));
    CHECK(!parse_int64("+1", &i));
    CHECK(!parse_int64("-", &i));
}
