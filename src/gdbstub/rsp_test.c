/*
 * Unit tests for RSP framing: checksums, escapes, hex, and packet assembly
 * across arbitrary chunking, bad checksums, interrupts and acks.
 */
#include <string.h>

#include "gdbstub/rsp.h"
#include "util/unittest.h"

static RspEvent feed(RspReader *r, const char *s, int *packets)
{
    RspEvent last = RSP_NONE;

    for (size_t i = 0; s[i]; i++) {
        RspEvent e = rsp_reader_byte(r, (uint8_t)s[i]);
        if (e != RSP_NONE) {
            last = e;
            if (e == RSP_PACKET && packets) {
                (*packets)++;
            }
        }
    }
    return last;
}

UNITTEST(rsp_checksum_and_frame)
{
    char out[64];

    CHECK_INT(rsp_checksum("OK", 2), 0x9a);
    CHECK_INT(rsp_frame((const uint8_t *)"OK", 2, out), 6);
    CHECK_STR(out, "$OK#9a");
    /* '#' and '}' are escaped; the checksum covers the escaped bytes */
    rsp_frame((const uint8_t *)"a#}", 3, out);
    CHECK_STR(out, "$a}\x03}]#bb");
}

UNITTEST(rsp_reader_packets)
{
    RspReader r;
    int n = 0;

    rsp_reader_init(&r);
    CHECK_INT(feed(&r, "+$qSupported:multiprocess+;xmlRegisters=i386#51", &n), RSP_PACKET);
    CHECK_INT(n, 1);
    CHECK_STR(r.data, "qSupported:multiprocess+;xmlRegisters=i386");
    /* split anywhere */
    CHECK_INT(feed(&r, "$g", NULL), RSP_NONE);
    CHECK_INT(feed(&r, "#6", NULL), RSP_NONE);
    CHECK_INT(feed(&r, "7", NULL), RSP_PACKET);
    CHECK_STR(r.data, "g");
    CHECK_INT(feed(&r, "$g#00", NULL), RSP_BAD_CHECKSUM);
    CHECK_INT(feed(&r, "$g#zz", NULL), RSP_BAD_CHECKSUM);
    CHECK_INT(feed(&r, "\x03", NULL), RSP_INTERRUPT);
    CHECK_INT(feed(&r, "-", NULL), RSP_NAK);
    CHECK_INT(feed(&r, "+", NULL), RSP_ACK);
    /* a restart inside a packet drops the partial one */
    CHECK_INT(feed(&r, "$abc$g#67", NULL), RSP_PACKET);
    CHECK_STR(r.data, "g");
}

UNITTEST(rsp_reader_overflow)
{
    RspReader r;
    RspEvent e = RSP_NONE;

    rsp_reader_init(&r);
    rsp_reader_byte(&r, '$');
    for (int i = 0; i < RSP_MAX_PACKET + 10; i++) {
        rsp_reader_byte(&r, 'a');
    }
    rsp_reader_byte(&r, '#');
    rsp_reader_byte(&r, '0');
    e = rsp_reader_byte(&r, '0');
    CHECK_INT(e, RSP_BAD_CHECKSUM);
}

UNITTEST(rsp_hex_and_unescape)
{
    uint8_t bytes[4] = { 0x00, 0x7f, 0xa5, 0xff }, back[4];
    char hex[9];
    uint8_t esc[] = { 'a', '}', '#' ^ 0x20, 'b', '}', '}' ^ 0x20 };
    const char *p = "1f,rest";
    uint64_t v;

    rsp_hex_encode(bytes, 4, hex);
    CHECK_STR(hex, "007fa5ff");
    CHECK_INT(rsp_hex_decode(hex, 8, back, 4), 4);
    CHECK(memcmp(bytes, back, 4) == 0);
    CHECK_INT(rsp_hex_decode("0g", 2, back, 4), -1);
    CHECK_INT(rsp_hex_decode("abc", 3, back, 4), -1);
    CHECK_INT(rsp_hex_decode("0011223344", 10, back, 4), -1);
    CHECK_INT(rsp_unescape(esc, sizeof(esc)), 4);
    CHECK(memcmp(esc, "a#b}", 4) == 0);
    CHECK(rsp_parse_hex(&p, &v));
    CHECK_U64(v, 0x1f);
    CHECK_STR(p, ",rest");
    CHECK(!rsp_parse_hex(&p, &v));
}
