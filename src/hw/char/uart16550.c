/*
 * The 16550A UART (see uart16550.h).  Register semantics follow the National
 * PC16550D datasheet and what QEMU's serial.c does where guests depend on
 * it: reading IIR when it shows THRE clears that interrupt; enabling
 * IER.THRI while THR is empty raises it at once; reading LSR clears the
 * error bits (OE, BI); reading MSR clears the delta bits.
 * Invariants: rx.count <= 16; LSR.DR is set iff there is received data;
 * irq_level is what the output line last carried.
 * NOTE: the character-timeout interrupt is signalled as soon as data sits
 * below the FIFO trigger level, rather than after four character times: a
 * guest reads it either way, and no timer is needed.
 */
#include "hw/char/uart16550.h"

#include "hw/fdt/devtree.h"
#include "util/log.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum {
    UART_RBR = 0, UART_THR = 0, UART_DLL = 0,
    UART_IER = 1, UART_DLM = 1,
    UART_IIR = 2, UART_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define UART_IER_RDI  0x01   /* received data available */
#define UART_IER_THRI 0x02   /* THR empty */
#define UART_IER_RLSI 0x04   /* receiver line status */
#define UART_IER_MSI  0x08   /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI    0x00
#define UART_IIR_THRI   0x02
#define UART_IIR_RDI    0x04
#define UART_IIR_RLSI   0x06
#define UART_IIR_CTI    0x0c
#define UART_IIR_FE     0xc0  /* FIFOs enabled */

#define UART_FCR_FE        0x01
#define UART_FCR_RFR       0x02
#define UART_FCR_XFR       0x04
#define UART_FCR_ITL_SHIFT 6

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR   0x01
#define UART_LSR_OE   0x02
#define UART_LSR_PE   0x04
#define UART_LSR_FE   0x08
#define UART_LSR_BI   0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_INT_ANY (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS  0x10
#define UART_MSR_DSR  0x20
#define UART_MSR_RI   0x40
#define UART_MSR_DCD  0x80
#define UART_MSR_ANY_DELTA 0x0f

static const unsigned uart16550_trigger_levels[4] = { 1, 4, 8, 14 };

static bool uart16550_fifo_enabled(const Uart16550State *s)
{
    return s->fcr & UART_FCR_FE;
}

static unsigned uart16550_rx_capacity(const Uart16550State *s)
{
    return uart16550_fifo_enabled(s) ? UART16550_FIFO_BYTES : 1;
}

static void uart16550_update_irq(Uart16550State *s)
{
    uint8_t iir = UART_IIR_NO_INT;

    if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_INT_ANY)) {
        iir = UART_IIR_RLSI;
    } else if ((s->ier & UART_IER_RDI) && (s->lsr & UART_LSR_DR)) {
        if (uart16550_fifo_enabled(s) &&
            s->rx.count < uart16550_trigger_levels[s->fcr >> UART_FCR_ITL_SHIFT]) {
            iir = UART_IIR_CTI;
        } else {
            iir = UART_IIR_RDI;
        }
    } else if ((s->ier & UART_IER_THRI) && s->thr_ipending) {
        iir = UART_IIR_THRI;
    } else if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_ANY_DELTA)) {
        iir = UART_IIR_MSI;
    }
    s->iir = iir | (uart16550_fifo_enabled(s) ? UART_IIR_FE : 0);
    int level = iir != UART_IIR_NO_INT;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set_level(s->irq, level);
    }
}

static void uart16550_rx_clear(Uart16550State *s)
{
    s->rx.head = 0;
    s->rx.count = 0;
    s->lsr &= ~UART_LSR_DR;
}

/* One byte arrives at the receiver (from the line or from loopback). */
static void uart16550_rx_byte(Uart16550State *s, uint8_t byte)
{
    if (!uart16550_fifo_enabled(s)) {
        if (s->lsr & UART_LSR_DR) {
            s->lsr |= UART_LSR_OE;
        }
        s->rbr = byte;
        s->lsr |= UART_LSR_DR;
        return;
    }
    if (s->rx.count == UART16550_FIFO_BYTES) {
        s->lsr |= UART_LSR_OE;    /* the byte in the shift register is lost */
        return;
    }
    s->rx.data[(s->rx.head + s->rx.count) % UART16550_FIFO_BYTES] = byte;
    s->rx.count++;
    s->lsr |= UART_LSR_DR;
}

static uint8_t uart16550_rx_pop(Uart16550State *s)
{
    uint8_t byte;

    if (!uart16550_fifo_enabled(s)) {
        byte = s->rbr;
        s->lsr &= ~UART_LSR_DR;
        return byte;
    }
    if (s->rx.count == 0) {
        return 0;
    }
    byte = s->rx.data[s->rx.head];
    s->rx.head = (s->rx.head + 1) % UART16550_FIFO_BYTES;
    s->rx.count--;
    if (s->rx.count == 0) {
        s->lsr &= ~UART_LSR_DR;
    }
    return byte;
}

/* The modem inputs as loopback wires them: DTR→DSR, RTS→CTS, OUT1→RI,
 * OUT2→DCD; changes set the delta bits (RI only on its trailing edge). */
static void uart16550_loopback_msr(Uart16550State *s)
{
    uint8_t old = s->msr;
    uint8_t in = 0;

    in |= (s->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0;
    in |= (s->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0;
    in |= (s->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0;
    in |= (s->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0;
    uint8_t delta = s->msr & UART_MSR_ANY_DELTA;
    if ((old ^ in) & UART_MSR_CTS) {
        delta |= UART_MSR_DCTS;
    }
    if ((old ^ in) & UART_MSR_DSR) {
        delta |= UART_MSR_DDSR;
    }
    if ((old & UART_MSR_RI) && !(in & UART_MSR_RI)) {
        delta |= UART_MSR_TERI;
    }
    if ((old ^ in) & UART_MSR_DCD) {
        delta |= UART_MSR_DDCD;
    }
    s->msr = in | delta;
}

static void uart16550_transmit(Uart16550State *s, uint8_t byte)
{
    if (s->mcr & UART_MCR_LOOP) {
        uart16550_rx_byte(s, byte);
    } else if (s->write) {
        s->write(s->backend_opaque, &byte, 1);
    }
    /* The byte left at once: THR and the shift register are empty again. */
    s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    s->thr_ipending = true;
}

static uint64_t uart16550_read(void *opaque, uint64_t addr, unsigned size)
{
    Uart16550State *s = opaque;
    uint8_t ret = 0;
    bool had_room;

    switch (addr & 7) {
    case UART_RBR:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider & 0xff;
        }
        had_room = uart16550_can_receive(s) > 0;
        ret = uart16550_rx_pop(s);
        uart16550_update_irq(s);
        if (!had_room && s->accept_input && !(s->mcr & UART_MCR_LOOP)) {
            s->accept_input(s->backend_opaque);
        }
        return ret;
    case UART_IER:
        return (s->lcr & UART_LCR_DLAB) ? s->divider >> 8 : s->ier;
    case UART_IIR:
        ret = s->iir;
        if ((ret & 0x0f) == UART_IIR_THRI) {
            s->thr_ipending = false;
            uart16550_update_irq(s);
        }
        return ret;
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        ret = s->lsr;
        if (s->lsr & (UART_LSR_OE | UART_LSR_BI)) {
            s->lsr &= ~(UART_LSR_OE | UART_LSR_BI);
            uart16550_update_irq(s);
        }
        return ret;
    case UART_MSR:
        ret = s->msr;
        if (s->msr & UART_MSR_ANY_DELTA) {
            s->msr &= ~UART_MSR_ANY_DELTA;
            uart16550_update_irq(s);
        }
        return ret;
    default: /* UART_SCR */
        return s->scr;
    }
}

static void uart16550_write_reg(void *opaque, uint64_t addr, uint64_t val64, unsigned size)
{
    Uart16550State *s = opaque;
    uint8_t val = (uint8_t)val64;
    uint8_t changed;

    switch (addr & 7) {
    case UART_THR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | val;
            return;
        }
        s->thr_ipending = false;
        s->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
        uart16550_transmit(s, val);
        uart16550_update_irq(s);
        return;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (uint16_t)((s->divider & 0x00ff) | (val << 8));
            return;
        }
        changed = (s->ier ^ val) & 0x0f;
        s->ier = val & 0x0f;
        if (changed & UART_IER_THRI) {
            /* Enabling it while THR is empty interrupts at once. */
            s->thr_ipending = (s->ier & UART_IER_THRI) && (s->lsr & UART_LSR_THRE);
        }
        uart16550_update_irq(s);
        return;
    case UART_FCR:
        if ((val ^ s->fcr) & UART_FCR_FE) {
            /* Switching FIFO mode empties both FIFOs. */
            val |= UART_FCR_RFR | UART_FCR_XFR;
        }
        if (val & UART_FCR_RFR) {
            uart16550_rx_clear(s);
        }
        /* The transmit FIFO is always empty: bytes leave when written. */
        s->fcr = val & 0xc9;
        uart16550_update_irq(s);
        return;
    case UART_LCR:
        s->lcr = val;
        return;
    case UART_MCR: {
        bool was_loop = s->mcr & UART_MCR_LOOP;
        s->mcr = val & 0x1f;
        if (s->mcr & UART_MCR_LOOP) {
            uart16550_loopback_msr(s);
        } else if (was_loop) {
            /* Back on the line: the host side's modem lines are all up. */
            s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
            if (s->accept_input) {
                s->accept_input(s->backend_opaque);
            }
        }
        uart16550_update_irq(s);
        return;
    }
    case UART_LSR:
    case UART_MSR:
        log_mask_printf(LOG_GUEST_ERRORS, "uart16550: write 0x%02x to read-only register %"
                        PRIu64 "\n", val, addr & 7);
        return;
    default: /* UART_SCR */
        s->scr = val;
        return;
    }
}

static const MemoryRegionOps uart16550_ops = {
    .read = uart16550_read,
    .write = uart16550_write_reg,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /* As QEMU's serial_mm: any width reads or writes one register. */
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

void uart16550_set_backend(Uart16550State *s, Uart16550WriteFn write,
                           Uart16550AcceptInputFn accept_input, void *opaque)
{
    s->write = write;
    s->accept_input = accept_input;
    s->backend_opaque = opaque;
}

size_t uart16550_can_receive(Uart16550State *s)
{
    if (s->mcr & UART_MCR_LOOP) {
        return 0;
    }
    if (!uart16550_fifo_enabled(s)) {
        return (s->lsr & UART_LSR_DR) ? 0 : 1;
    }
    return uart16550_rx_capacity(s) - s->rx.count;
}

void uart16550_receive(Uart16550State *s, const uint8_t *buf, size_t len)
{
    if (s->mcr & UART_MCR_LOOP) {
        return;    /* the receiver listens to the transmitter only */
    }
    for (size_t i = 0; i < len; i++) {
        uart16550_rx_byte(s, buf[i]);
    }
    uart16550_update_irq(s);
}

void uart16550_receive_break(Uart16550State *s)
{
    if (s->mcr & UART_MCR_LOOP) {
        return;
    }
    /* A break reads as a zero character with BI set. */
    uart16550_rx_byte(s, 0);
    s->lsr |= UART_LSR_BI;
    uart16550_update_irq(s);
}

/* ---- chardev glue ---- */

static void uart16550_chr_write(void *opaque, const uint8_t *buf, size_t len)
{
    Uart16550State *s = opaque;

    /* The backend writes everything or drops it: no flow control back. */
    chardev_fe_write(&s->chr, buf, (int)len);
}

static void uart16550_chr_accept_input(void *opaque)
{
    Uart16550State *s = opaque;

    chardev_fe_accept_input(&s->chr);
}

static int uart16550_chr_can_read(void *opaque)
{
    return (int)uart16550_can_receive(opaque);
}

static void uart16550_chr_read(void *opaque, const uint8_t *buf, int size)
{
    uart16550_receive(opaque, buf, (size_t)size);
}

static void uart16550_chr_event(void *opaque, ChardevEvent event)
{
    if (event == CHARDEV_EVENT_BREAK) {
        uart16550_receive_break(opaque);
    }
}

bool uart16550_attach_chardev(Uart16550State *s, Chardev *chr, Error **errp)
{
    if (!chardev_fe_init(&s->chr, chr, errp)) {
        return false;
    }
    chardev_fe_set_handlers(&s->chr, uart16550_chr_can_read, uart16550_chr_read,
                            uart16550_chr_event, s);
    uart16550_set_backend(s, uart16550_chr_write, uart16550_chr_accept_input, s);
    return true;
}

static void uart16550_reset(DeviceState *dev)
{
    Uart16550State *s = UART16550(dev);

    s->divider = 0;
    s->ier = 0;
    s->lcr = 0;
    s->mcr = UART_MCR_OUT2;
    s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    s->scr = 0;
    s->fcr = 0;
    s->rbr = 0;
    s->thr_ipending = false;
    uart16550_rx_clear(s);
    uart16550_update_irq(s);
}

static bool uart16550_realize(DeviceState *dev, Error **errp)
{
    uart16550_reset(dev);
    return true;
}

static void uart16550_init(Object *obj)
{
    Uart16550State *s = UART16550(obj);

    memory_region_init_io(&s->iomem, obj, &uart16550_ops, s, "serial", UART16550_MMIO_SIZE);
    device_init_gpio_out(DEVICE(obj), &s->irq, 1);
    s->iir = UART_IIR_NO_INT;
}

static void uart16550_finalize(Object *obj)
{
    Uart16550State *s = UART16550(obj);

    if (chardev_fe_connected(&s->chr)) {
        chardev_fe_deinit(&s->chr);
    }
    memory_region_destroy(&s->iomem);
}

static uint32_t uart16550_write_node(Object *obj, DevTree *dt, const FdtNodeInfo *info)
{
    char *path = devtree_node_path(info->parent, "serial", info->base);
    uint64_t reg[2] = { info->base, info->size };

    devtree_add_node(dt, path);
    devtree_set_prop_string(dt, path, "compatible", "ns16550a");
    devtree_set_prop_u64s(dt, path, "reg", reg, 2);
    devtree_set_prop_u32(dt, path, "clock-frequency", UART16550_CLOCK_HZ);
    devtree_set_prop_u32(dt, path, "interrupt-parent", info->intc_phandle);
    devtree_set_prop_u32(dt, path, "interrupts", (uint32_t)info->irq);
    free(path);
    return 0;
}

static void uart16550_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    FdtNodeWriterClass *fc = OBJECT_CLASS_CHECK(FdtNodeWriterClass, oc, TYPE_FDT_NODE_WRITER);

    dc->desc = "16550A UART";
    dc->realize = uart16550_realize;
    dc->reset = uart16550_reset;
    device_class_set_category(dc, DEVICE_CATEGORY_INPUT);
    fc->write_node = uart16550_write_node;
}

static const InterfaceInfo uart16550_interfaces[] = { { TYPE_FDT_NODE_WRITER }, { NULL } };

static const TypeInfo uart16550_type = {
    .name = TYPE_UART16550,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(Uart16550State),
    .instance_init = uart16550_init,
    .instance_finalize = uart16550_finalize,
    .class_init = uart16550_class_init,
    .interfaces = uart16550_interfaces,
};

static void uart16550_register_types(void)
{
    type_register_static(&uart16550_type);
}

type_init(uart16550_register_types)
