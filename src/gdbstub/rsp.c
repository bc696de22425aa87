/*
 * GDB remote protocol framing: packet assembly, checksums, escapes and hex
 * (see rsp.h).  Oversized packets are dropped whole (answered '-' so gdb
 * notices) rather than truncated into something else.
 */
#include "gdbstub/rsp.h"

#include <string.h>

void rsp_reader_init(RspReader *r)
{
    memset(r, 0, sizeof(*r));
}

int rsp_hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

RspEvent rsp_reader_byte(RspReader *r, uint8_t c)
{
    int d;

    switch (r->state) {
    case RSP_IDLE:
        if (c == '$') {
            r->state = RSP_DATA;
            r->len = 0;
            r->sum = 0;
            r->overflow = false;
            return RSP_NONE;
        }
        if (c == 0x03) {
            return RSP_INTERRUPT;
        }
        if (c == '+') {
            return RSP_ACK;
        }
        if (c == '-') {
            return RSP_NAK;
        }
        return RSP_NONE;        /* noise between packets */
    case RSP_DATA:
        if (c == '#') {
            r->state = RSP_CSUM1;
            return RSP_NONE;
        }
        if (c == '$') {         /* a new packet: gdb gave up on the last */
            r->len = 0;
            r->sum = 0;
            r->overflow = false;
            return RSP_NONE;
        }
        r->sum += c;
        if (r->len < RSP_MAX_PACKET) {
            r->data[r->len++] = (char)c;
        } else {
            r->overflow = true;
        }
        return RSP_NONE;
    case RSP_CSUM1:
        d = rsp_hex_digit((char)c);
        r->csum_hi = d < 0 ? 0 : (uint8_t)d;
        r->overflow |= d < 0;
        r->state = RSP_CSUM2;
        return RSP_NONE;
    case RSP_CSUM2:
        r->state = RSP_IDLE;
        d = rsp_hex_digit((char)c);
        r->data[r->len] = 0;
        if (d < 0 || r->overflow || (uint8_t)(r->csum_hi << 4 | d) != r->sum) {
            return RSP_BAD_CHECKSUM;
        }
        return RSP_PACKET;
    }
    return RSP_NONE;
}

uint8_t rsp_checksum(const char *data, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += (uint8_t)data[i];
    }
    return sum;
}

size_t rsp_frame(const uint8_t *data, size_t len, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    uint8_t sum = 0;

    out[n++] = '$';
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];

        if (c == '$' || c == '#' || c == '}' || c == '*') {
            out[n++] = '}';
            sum += '}';
            c ^= 0x20;
        }
        out[n++] = (char)c;
        sum += c;
    }
    out[n++] = '#';
    out[n++] = hex[sum >> 4];
    out[n++] = hex[sum & 15];
    out[n] = 0;
    return n;
}

size_t rsp_unescape(uint8_t *data, size_t len)
{
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        if (data[i] == '}' && i + 1 < len) {
            data[o++] = data[++i] ^ 0x20;
        } else {
            data[o++] = data[i];
        }
    }
    return o;
}

void rsp_hex_encode(const uint8_t *in, size_t len, char *out)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * len] = 0;
}

long rsp_hex_decode(const char *in, size_t hexlen, uint8_t *out, size_t outsize)
{
    if (hexlen % 2 || hexlen / 2 > outsize) {
        return -1;
    }
    for (size_t i = 0; i < hexlen / 2; i++) {
        int hi = rsp_hex_digit(in[2 * i]), lo = rsp_hex_digit(in[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(hexlen / 2);
}

bool rsp_parse_hex(const char **p, uint64_t *out)
{
    uint64_t v = 0;
    const char *s = *p;
    int d;

    if (rsp_hex_digit(*s) < 0) {
        return false;
    }
    while ((d = rsp_hex_digit(*s)) >= 0) {
        v = v << 4 | (uint64_t)d;
        s++;
    }
    *p = s;
    *out = v;
    return true;
}
