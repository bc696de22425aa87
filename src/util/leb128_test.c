/*
 * Tests of LEB128 and zigzag coding: round trips at the edges of 64 bits,
 * the byte counts the packers size their buffers by, and a put that does
 * not fit writes nothing past its end.
 */
#include "util/leb128.h"
#include "util/unittest.h"

#include <string.h>

UNITTEST(leb128_round_trips_and_sizes)
{
    static const struct {
        uint64_t v;
        size_t bytes;
    } t[] = { { 0, 1 }, { 0x7f, 1 }, { 0x80, 2 }, { 0x3fff, 2 }, { 0x4000, 3 },
              { UINT32_MAX, 5 }, { UINT64_MAX, LEB128_MAX_BYTES } };
    uint8_t buf[LEB128_MAX_BYTES];

    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        const uint8_t *p = buf;
        CHECK_U64(leb128_put(buf, buf + sizeof(buf), t[i].v), t[i].bytes);
        CHECK_U64(leb128_get(&p), t[i].v);
        CHECK(p == buf + t[i].bytes);
    }
}

UNITTEST(leb128_put_stops_at_end)
{
    uint8_t buf[4];

    memset(buf, 0xaa, sizeof(buf));
    CHECK_U64(leb128_put(buf, buf + 2, 0x4000), 0);
    CHECK_U64(buf[2], 0xaa);
    CHECK_U64(leb128_put(buf, buf + 2, 0x3fff), 2);
}

UNITTEST(zigzag_keeps_small_deltas_small)
{
    static const int64_t v[] = { 0, -1, 1, -64, 63, INT64_MIN, INT64_MAX };

    CHECK_U64(zigzag_encode(-1), 1);
    CHECK_U64(zigzag_encode(1), 2);
    CHECK_U64(zigzag_encode(-64), 127);
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        CHECK(zigzag_decode(zigzag_encode(v[i])) == v[i]);
    }
}
