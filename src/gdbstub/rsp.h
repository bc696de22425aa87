/*
 * GDB remote serial protocol framing ("Debugging with GDB", E.1-E.2): a
 * packet is $data#cs with cs the modulo-256 sum of data in two hex digits;
 * the receiver acks with + or asks again with -.  '$', '#', '}' and '*' in
 * data are escaped as '}' followed by the byte xor 0x20.  A 0x03 byte
 * outside a packet is an interrupt (Ctrl-C).
 *
 * RspReader assembles packets from any chunking of the byte stream;
 * invariant: len < RSP_MAX_PACKET while collecting.  Pure functions, no
 * I/O: the gdbstub does the writing.
 */
#ifndef GDBSTUB_RSP_H
#define GDBSTUB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RSP_MAX_PACKET 4096         /* what qSupported's PacketSize promises */

typedef enum RspEvent {
    RSP_NONE,           /* nothing complete yet */
    RSP_PACKET,         /* a packet with a good checksum: r->data, r->len */
    RSP_BAD_CHECKSUM,   /* reply '-' */
    RSP_INTERRUPT,      /* 0x03 */
    RSP_ACK,            /* '+' */
    RSP_NAK,            /* '-': send the last packet again */
} RspEvent;

typedef struct RspReader {
    enum { RSP_IDLE, RSP_DATA, RSP_CSUM1, RSP_CSUM2 } state;
    char data[RSP_MAX_PACKET + 1];  /* NUL-terminated, still escaped */
    size_t len;
    uint8_t sum;
    uint8_t csum_hi;
    bool overflow;
} RspReader;

void rsp_reader_init(RspReader *r);
/* Feed one byte; returns what it completed. */
RspEvent rsp_reader_byte(RspReader *r, uint8_t c);

uint8_t rsp_checksum(const char *data, size_t len);
/* "$" escaped(data) "#" cs into out (size >= 2*len + 5); returns its length. */
size_t rsp_frame(const uint8_t *data, size_t len, char *out);
/* Undo '}' escapes in place (binary X packets); returns the new length. */
size_t rsp_unescape(uint8_t *data, size_t len);

/* Hex: "0a1b" <-> bytes.  rsp_hex_decode returns the bytes written or -1
 * on a bad digit or odd length. */
void rsp_hex_encode(const uint8_t *in, size_t len, char *out);
long rsp_hex_decode(const char *in, size_t hexlen, uint8_t *out, size_t outsize);
int rsp_hex_digit(char c);
/* A hex number at *p (advances it); false when there is none. */
bool rsp_parse_hex(const char **p, uint64_t *out);

#endif
