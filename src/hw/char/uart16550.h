/*
 * The 16550A UART ("ns16550a"), QEMU's hw/char/serial.c in our shape: eight
 * byte registers (regshift 0, mirrored through the 0x100-byte window), the
 * divisor latch behind LCR.DLAB, 16-byte receive and transmit FIFOs (FCR),
 * and four interrupt sources in the datasheet's priority order: line
 * status, received data (trigger level) / character timeout, transmitter
 * holding register empty, modem status.  MCR.LOOP wires the transmitter to
 * the receiver and the modem outputs to the modem inputs.
 *
 * The host side is a tiny interface: the device calls `write` with bytes
 * the guest transmitted (synchronously: a byte leaves as soon as it is
 * written, so THR is empty again at once), and `accept_input` when room
 * appears in the receive FIFO; the backend feeds received bytes with
 * uart16550_receive() after asking uart16550_can_receive().  A board
 * either sets that interface itself or attaches a chardev (-serial), which
 * also delivers breaks (LSR.BI); with neither, output is dropped.
 *
 * Outputs: one unnamed GPIO line, the interrupt (level).  The board maps
 * `iomem`.  Thread context: MMIO from vCPUs and receive from the main loop,
 * both with the big lock held.
 */
#ifndef HW_CHAR_UART16550_H
#define HW_CHAR_UART16550_H

#include <stddef.h>
#include <stdint.h>

#include "chardev/chardev.h"
#include "core/device.h"
#include "memory/memory.h"

#define TYPE_UART16550 "ns16550a"

#define UART16550_FIFO_BYTES 16
#define UART16550_MMIO_SIZE 0x100
#define UART16550_CLOCK_HZ 3686400

typedef void (*Uart16550WriteFn)(void *opaque, const uint8_t *buf, size_t len);
typedef void (*Uart16550AcceptInputFn)(void *opaque);

typedef struct Uart16550Fifo {
    uint8_t data[UART16550_FIFO_BYTES];
    unsigned head;
    unsigned count;
} Uart16550Fifo;

typedef struct Uart16550State {
    DeviceState parent_obj;
    MemoryRegion iomem;
    IrqLine *irq;

    /* Host side. */
    CharFrontend chr;
    Uart16550WriteFn write;
    Uart16550AcceptInputFn accept_input;
    void *backend_opaque;

    /* Registers. */
    uint16_t divider;
    uint8_t ier;
    uint8_t iir;        /* as last computed; bits 7:6 show FIFO enable */
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;
    uint8_t msr;
    uint8_t scr;
    uint8_t fcr;
    uint8_t rbr;        /* non-FIFO mode's receive buffer */
    bool thr_ipending;  /* THRE interrupt armed (cleared by reading IIR) */
    int irq_level;
    Uart16550Fifo rx;
} Uart16550State;

DECLARE_INSTANCE_CHECKER(Uart16550State, UART16550, TYPE_UART16550)

/* Host side: set the backend (NULLs detach it). */
void uart16550_set_backend(Uart16550State *s, Uart16550WriteFn write,
                           Uart16550AcceptInputFn accept_input, void *opaque);
/* Connects the UART to a chardev (serial_hd(i)): the chardev gets what the
 * guest transmits and feeds what it receives.  Fails if the chardev
 * already has a frontend. */
bool uart16550_attach_chardev(Uart16550State *s, Chardev *chr, Error **errp);
/* A break condition on the line: LSR.BI, a line-status interrupt. */
void uart16550_receive_break(Uart16550State *s);
/* How many bytes the receiver takes now (0 in loopback or when full). */
size_t uart16550_can_receive(Uart16550State *s);
/* Bytes from the line; those beyond what can_receive allowed set LSR.OE. */
void uart16550_receive(Uart16550State *s, const uint8_t *buf, size_t len);

#endif
