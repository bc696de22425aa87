/*
 * The guest side of Morpho's bare-metal RISC-V tests: console output through
 * the virt board's 16550 UART (0x10000000), exit through its test finisher
 * (0x100000: 0x5555 pass, (code << 16) | 0x3333 fail with code), checks that
 * count failures, and M-mode trap hooks.  Tests are run by tests/riscv/
 * run-guest.sh under each backend; exit status 0 is a pass.
 */
#ifndef TESTS_RISCV_TESTLIB_H
#define TESTS_RISCV_TESTLIB_H

#include <stdbool.h>
#include <stdint.h>

#define UART0_BASE   0x10000000UL
#define FINISHER     0x100000UL
#define CLINT_BASE   0x2000000UL

typedef struct TrapFrame {
    uint64_t regs[32];      /* x0..x31 as they were at the trap (regs[2] = sp) */
} TrapFrame;

/* A handler returns true when it handled the trap (it may advance mepc). */
typedef bool (*TrapHandlerFn)(TrapFrame *frame, uint64_t mcause, uint64_t mepc,
                              uint64_t mtval);

void test_putc(char c);
void test_puts(const char *s);
void test_put_hex(uint64_t v);
void test_put_dec(int64_t v);
void test_printf(const char *fmt, ...);  /* %s %d %ld %x %lx %c %p, no widths */
__attribute__((noreturn)) void test_exit(int code);
void test_set_trap_handler(TrapHandlerFn fn);

extern int test_failures;

#define CHECK_EQ(actual, expected)                                               \
    do {                                                                         \
        uint64_t a_ = (uint64_t)(actual), e_ = (uint64_t)(expected);             \
        if (a_ != e_) {                                                          \
            test_printf("FAIL %s:%d: %s = 0x%lx, expected 0x%lx\n", __FILE__,    \
                        __LINE__, #actual, a_, e_);                              \
            test_failures++;                                                     \
        }                                                                        \
    } while (0)

#define CHECK_TRUE(cond) CHECK_EQ(!!(cond), 1)

/* main() returns test_result(): prints a summary and yields the exit code. */
int test_result(const char *name);

#define csr_read(csr) ({ uint64_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" :: "rK"((uint64_t)(val)))
#define csr_set(csr, val) __asm__ volatile("csrs " #csr ", %0" :: "rK"((uint64_t)(val)))
#define csr_clear(csr, val) __asm__ volatile("csrc " #csr ", %0" :: "rK"((uint64_t)(val)))

#endif
