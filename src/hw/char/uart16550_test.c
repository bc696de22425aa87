/*
 * The 16550A on a bench: a fake interrupt sink records the line's level, a
 * fake backend collects what the guest transmits.  Covers transmit and the
 * THRE interrupt (raised on IER enable, cleared by reading IIR), receive in
 * FIFO and non-FIFO mode with trigger levels, overrun, the divisor latch,
 * scratch, loopback (data and modem lines) and reset values.
 */
#include "hw/char/uart16550.h"
#include "util/unittest.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct Bench {
    Uart16550State *s;
    IrqLine *sink;
    int level;
    int edges;
    char out[256];
    size_t out_len;
    int accept_calls;
} Bench;

static Bench bench;

static void sink_set(void *opaque, int n, int level)
{
    Bench *b = opaque;
    if (level != b->level) {
        b->edges++;
    }
    b->level = level;
}

static void backend_write(void *opaque, const uint8_t *buf, size_t len)
{
    Bench *b = opaque;
    memcpy(b->out + b->out_len, buf, len);
    b->out_len += len;
}

static void backend_accept(void *opaque)
{
    ((Bench *)opaque)->accept_calls++;
}

static Uart16550State *bench_new(void)
{
    memset(&bench, 0, sizeof(bench));
    bench.s = UART16550(object_new(TYPE_UART16550));
    bench.sink = irq_new(sink_set, &bench, 0);
    device_connect_gpio_out(DEVICE(bench.s), 0, bench.sink);
    uart16550_set_backend(bench.s, backend_write, backend_accept, &bench);
    CHECK(device_realize(DEVICE(bench.s), NULL));
    return bench.s;
}

static void bench_free(void)
{
    object_unref(bench.s);
    object_unref(bench.sink);
}

static uint8_t rd(unsigned reg)
{
    uint64_t v = 0xdead;
    CHECK_INT(memory_region_dispatch_read(&bench.s->iomem, reg, &v, 1, MEMTXATTRS_UNSPECIFIED),
              MEMTX_OK);
    return (uint8_t)v;
}

static void wr(unsigned reg, uint8_t v)
{
    CHECK_INT(memory_region_dispatch_write(&bench.s->iomem, reg, v, 1, MEMTXATTRS_UNSPECIFIED),
              MEMTX_OK);
}

enum { RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

UNITTEST(reset_values)
{
    bench_new();
    CHECK_U64(rd(IER), 0);
    CHECK_U64(rd(IIR), 0x01);
    CHECK_U64(rd(LCR), 0);
    CHECK_U64(rd(MCR), 0x08);
    CHECK_U64(rd(LSR), 0x60);
    CHECK_U64(rd(MSR), 0xb0);
    CHECK_INT(bench.level, 0);
    bench_free();
}

UNITTEST(transmit_and_thre_interrupt)
{
    bench_new();
    wr(RBR, 'h');
    wr(RBR, 'i');
    CHECK_INT(bench.out_len, 2);
    CHECK(memcmp(bench.out, "hi", 2) == 0);
    CHECK_U64(rd(LSR) & 0x60, 0x60);
    CHECK_INT(bench.level, 0);            /* IER.THRI off */

    wr(IER, 0x02);                         /* enabling THRI with THR empty raises it */
    CHECK_INT(bench.level, 1);
    CHECK_U64(rd(IIR), 0x02);
    CHECK_INT(bench.level, 0);             /* reading IIR cleared it */
    CHECK_U64(rd(IIR), 0x01);
    wr(RBR, '!');                          /* the byte leaves; THRE interrupts again */
    CHECK_INT(bench.level, 1);
    wr(IER, 0);
    CHECK_INT(bench.level, 0);
    bench_free();
}

UNITTEST(receive_without_fifo)
{
    Uart16550State *s = bench_new();

    wr(IER, 0x01);
    CHECK_INT(uart16550_can_receive(s), 1);
    uart16550_receive(s, (const uint8_t *)"a", 1);
    CHECK_INT(bench.level, 1);
    CHECK_U64(rd(IIR), 0x04);
    CHECK_U64(rd(LSR) & 0x01, 0x01);
    CHECK_INT(uart16550_can_receive(s), 0);
    /* A second byte before the first is read overruns. */
    uart16550_receive(s, (const uint8_t *)"b", 1);
    CHECK_U64(rd(RBR), 'b');
    CHECK_INT(bench.level, 0);
    CHECK_U64(rd(LSR), 0x62);             /* OE, cleared by this read */
    CHECK_U64(rd(LSR), 0x60);
    CHECK_INT(bench.accept_calls, 1);      /* room appeared */
    bench_free();
}

UNITTEST(receive_fifo_trigger_levels)
{
    Uart16550State *s = bench_new();

    wr(FCR, 0x81);                         /* FIFO on, trigger at 8 */
    CHECK_U64(rd(IIR) & 0xc0, 0xc0);
    wr(IER, 0x01);
    CHECK_INT(uart16550_can_receive(s), 16);
    uart16550_receive(s, (const uint8_t *)"abc", 3);
    CHECK_INT(bench.level, 1);
    CHECK_U64(rd(IIR), 0xcc);              /* below the trigger: character timeout */
    uart16550_receive(s, (const uint8_t *)"defgh", 5);
    CHECK_U64(rd(IIR), 0xc4);              /* trigger reached: received data */
    CHECK_INT(uart16550_can_receive(s), 8);
    char got[9] = { 0 };
    for (int i = 0; i < 8; i++) {
        got[i] = (char)rd(RBR);
    }
    CHECK_STR(got, "abcdefgh");
    CHECK_INT(bench.level, 0);
    CHECK_U64(rd(LSR) & 0x01, 0);

    /* 17 bytes into 16 places: the last is lost, OE is set and interrupts. */
    uint8_t many[17];
    memset(many, 'x', sizeof(many));
    wr(IER, 0x05);
    uart16550_receive(s, many, sizeof(many));
    CHECK_U64(rd(IIR), 0xc6);
    CHECK_U64(rd(LSR) & 0x03, 0x03);
    CHECK_U64(rd(IIR), 0xc4);              /* the OE went with the LSR read */
    wr(FCR, 0x83);                         /* clear the receive FIFO */
    CHECK_U64(rd(LSR) & 0x01, 0);
    CHECK_INT(bench.level, 0);
    bench_free();
}

UNITTEST(divisor_latch_and_scratch)
{
    bench_new();
    wr(LCR, 0x83);                         /* DLAB, 8N1 */
    wr(0, 0x0c);
    wr(1, 0x01);
    CHECK_U64(rd(0), 0x0c);
    CHECK_U64(rd(1), 0x01);
    CHECK_INT(bench.out_len, 0);           /* DLL writes do not transmit */
    wr(LCR, 0x03);
    CHECK_U64(rd(IER), 0);                 /* IER untouched by the DLM write */
    CHECK_INT(bench.s->divider, 0x10c);
    wr(SCR, 0x5a);
    CHECK_U64(rd(SCR), 0x5a);
    /* The registers repeat through the 0x100-byte window. */
    CHECK_U64(rd(8 + SCR), 0x5a);
    bench_free();
}

UNITTEST(loopback)
{
    Uart16550State *s = bench_new();

    wr(MCR, 0x10);                         /* LOOP, all modem outputs low */
    CHECK_U64(rd(MSR) & 0xf0, 0);
    wr(IER, 0x01);
    wr(RBR, 'Z');
    CHECK_INT(bench.out_len, 0);           /* nothing reaches the line */
    CHECK_INT(bench.level, 1);
    CHECK_U64(rd(RBR), 'Z');
    CHECK_INT(uart16550_can_receive(s), 0);   /* the line is disconnected */
    uart16550_receive(s, (const uint8_t *)"q", 1);
    CHECK_U64(rd(LSR) & 0x01, 0);

    wr(MCR, 0x10 | 0x01 | 0x02);           /* DTR, RTS → DSR, CTS with deltas */
    CHECK_U64(rd(MSR), 0x30 | 0x03);
    CHECK_U64(rd(MSR), 0x30);              /* deltas clear on read */
    wr(IER, 0x08);
    wr(MCR, 0x10 | 0x08);                  /* OUT2 → DCD: a modem-status interrupt */
    CHECK_INT(bench.level, 1);
    CHECK_U64(rd(IIR), 0x00);
    rd(MSR);
    CHECK_INT(bench.level, 0);
    wr(MCR, 0x08);                         /* back on the line */
    CHECK_U64(rd(MSR) & 0xf0, 0xb0);
    wr(RBR, 'k');
    CHECK_INT(bench.out_len, 1);
    bench_free();
}

UNITTEST(chardev_glue)
{
    char path[] = "/tmp/morpho-uart-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);

    ChardevOptions opts;
    chardev_options_init(&opts);
    opts.id = "uart-test";
    opts.backend = "file";
    opts.path = path;
    Chardev *chr = chardev_new(&opts, &error_abort);

    Uart16550State *s = bench_new();
    uart16550_set_backend(s, NULL, NULL, NULL);
    CHECK(uart16550_attach_chardev(s, chr, &error_abort));
    wr(RBR, 'o');
    wr(RBR, 'k');
    wr(IER, 0x05);
    /* Input from the chardev, as far as the receiver has room. */
    CHECK_INT(chardev_be_can_read(chr), 1);
    chardev_be_read(chr, (const uint8_t *)"x", 1);
    CHECK_U64(rd(RBR), 'x');
    chardev_be_event(chr, CHARDEV_EVENT_BREAK);
    CHECK_U64(rd(IIR), 0x06);               /* line status: BI */
    CHECK_U64(rd(LSR) & 0x11, 0x11);
    CHECK_U64(rd(RBR), 0);
    bench_free();                           /* detaches the frontend */
    chardev_delete(chr);

    char buf[8] = { 0 };
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(fread(buf, 1, sizeof(buf) - 1, f), 2);
        fclose(f);
    }
    CHECK_STR(buf, "ok");
    unlink(path);
}
