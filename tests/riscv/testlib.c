/*
 * The guest side of Morpho's bare-metal RISC-V tests: UART output, finisher
 * exit, printf, trap dispatch.  See testlib.h.
 */
#include "testlib.h"

#include <stdarg.h>

int test_failures;
static TrapHandlerFn trap_handler;

static volatile uint8_t *const uart = (volatile uint8_t *)UART0_BASE;

void test_putc(char c)
{
    if (c == '\n') {
        test_putc('\r');
    }
    while (!(uart[5] & 0x20)) {    /* LSR.THRE */
    }
    uart[0] = (uint8_t)c;
}

void test_puts(const char *s)
{
    while (*s) {
        test_putc(*s++);
    }
}

void test_put_hex(uint64_t v)
{
    char buf[17];
    int i = 16;

    buf[i] = 0;
    do {
        buf[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    test_puts(&buf[i]);
}

void test_put_dec(int64_t v)
{
    char buf[24];
    int i = 23;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) {
        buf[--i] = '-';
    }
    test_puts(&buf[i]);
}

void test_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            test_putc(*p);
            continue;
        }
        p++;
        bool is_long = false;
        if (*p == 'l') {
            is_long = true;
            p++;
        }
        switch (*p) {
        case 's':
            test_puts(va_arg(ap, const char *));
            break;
        case 'd':
            test_put_dec(is_long ? va_arg(ap, int64_t) : va_arg(ap, int));
            break;
        case 'x':
            test_put_hex(is_long ? va_arg(ap, uint64_t) : va_arg(ap, unsigned));
            break;
        case 'p':
            test_puts("0x");
            test_put_hex((uint64_t)va_arg(ap, void *));
            break;
        case 'c':
            test_putc((char)va_arg(ap, int));
            break;
        case '%':
            test_putc('%');
            break;
        default:
            test_putc('?');
            break;
        }
    }
    va_end(ap);
}

void test_exit(int code)
{
    volatile uint32_t *finisher = (volatile uint32_t *)FINISHER;

    if (code == 0) {
        *finisher = 0x5555;
    } else {
        *finisher = ((uint32_t)(code & 0xffff) << 16) | 0x3333;
    }
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void test_set_trap_handler(TrapHandlerFn fn)
{
    trap_handler = fn;
}

void test_trap(TrapFrame *frame);

void test_trap(TrapFrame *frame)
{
    uint64_t mcause = csr_read(mcause), mepc = csr_read(mepc), mtval = csr_read(mtval);

    if (trap_handler && trap_handler(frame, mcause, mepc, mtval)) {
        return;
    }
    test_printf("FAIL unexpected trap: mcause=0x%lx mepc=0x%lx mtval=0x%lx\n",
                mcause, mepc, mtval);
    test_exit(99);
}

int test_result(const char *name)
{
    if (test_failures) {
        test_printf("%s: %d check(s) failed\n", name, test_failures);
        return test_failures > 255 ? 255 : test_failures;
    }
    test_printf("%s: ok\n", name);
    return 0;
}
