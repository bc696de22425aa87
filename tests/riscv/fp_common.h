/*
 * Shared by the F/D guest tests (fp_*.c): enabling the FPU (mstatus.FS),
 * raw register bits in and out of FP instructions (so no compiler
 * arithmetic or constant folding ever stands between the test and the
 * instruction under test), and taking the accrued flags.  Values are bit
 * patterns; singles are written NaN-boxed with BOX().
 */
#ifndef TESTS_RISCV_FP_COMMON_H
#define TESTS_RISCV_FP_COMMON_H

#include "testlib.h"

#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS (3ull << MSTATUS_FS_SHIFT)
#define MSTATUS_SD (1ull << 63)

#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

#define BOX(x) (0xffffffff00000000ull | (uint32_t)(x))
#define QNAN_S BOX(0x7fc00000)
#define QNAN_D 0x7ff8000000000000ull

/* Test functions that touch FP registers are kept out of main() (FP_TEST),
 * so that no prologue saves an FP register before main enables the FPU. */
#define FP_TEST __attribute__((noinline)) static void

static inline void fp_set_fs(unsigned fs)
{
    csr_clear(mstatus, MSTATUS_FS);
    csr_set(mstatus, (uint64_t)fs << MSTATUS_FS_SHIFT);
}

/* An FP register holding exactly these 64 bits. */
static inline double fp_reg(uint64_t bits)
{
    double d;
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(d) : "r"(bits));
    return d;
}

static inline uint64_t fp_bits(double d)
{
    uint64_t u;
    __asm__ volatile("fmv.x.d %0, %1" : "=r"(u) : "f"(d));
    return u;
}

/* fflags, cleared on the way (frflags + fsflags in one csrrw). */
static inline uint64_t fp_take_flags(void)
{
    uint64_t f;
    __asm__ volatile("csrrw %0, fflags, zero" : "=r"(f));
    return f;
}

static inline void fp_set_frm(unsigned rm)
{
    __asm__ volatile("fsrm %0" :: "r"((uint64_t)rm));
}

/* FP result of `insn fd, fs1[, fs2[, fs3]][, rm]`, as bits. */
#define FOP1(insn, a) ({ double r_; __asm__ volatile(insn " %0, %1" : "=f"(r_) :        \
                         "f"(fp_reg(a))); fp_bits(r_); })
#define FOP2(insn, a, b) ({ double r_; __asm__ volatile(insn " %0, %1, %2" : "=f"(r_) :  \
                            "f"(fp_reg(a)), "f"(fp_reg(b))); fp_bits(r_); })
#define FOP3(insn, a, b, c) ({ double r_; __asm__ volatile(insn " %0, %1, %2, %3" :      \
                               "=f"(r_) : "f"(fp_reg(a)), "f"(fp_reg(b)),                \
                               "f"(fp_reg(c))); fp_bits(r_); })
/* Integer result of `insn rd, fs1[, fs2]` / FP result of `insn fd, rs1`. */
#define XOP1(insn, a) ({ uint64_t r_; __asm__ volatile(insn " %0, %1" : "=r"(r_) :      \
                         "f"(fp_reg(a))); r_; })
#define XOP2(insn, a, b) ({ uint64_t r_; __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : \
                            "f"(fp_reg(a)), "f"(fp_reg(b))); r_; })
#define FOPX(insn, x) ({ double r_; __asm__ volatile(insn " %0, %1" : "=f"(r_) :        \
                         "r"((uint64_t)(x))); fp_bits(r_); })

/* The same with a static rounding mode rm ("rne", "rtz", "rdn", "rup", "rmm"). */
#define FOP1R(insn, rm, a) ({ double r_; __asm__ volatile(insn " %0, %1, " rm : "=f"(r_) : \
                              "f"(fp_reg(a))); fp_bits(r_); })
#define FOP2R(insn, rm, a, b) ({ double r_; __asm__ volatile(insn " %0, %1, %2, " rm :       \
                                 "=f"(r_) : "f"(fp_reg(a)), "f"(fp_reg(b))); fp_bits(r_); })
#define FOP3R(insn, rm, a, b, c) ({ double r_; __asm__ volatile(insn " %0, %1, %2, %3, " rm : \
                                    "=f"(r_) : "f"(fp_reg(a)), "f"(fp_reg(b)),              \
                                    "f"(fp_reg(c))); fp_bits(r_); })
#define XOP1R(insn, rm, a) ({ uint64_t r_; __asm__ volatile(insn " %0, %1, " rm : "=r"(r_) : \
                              "f"(fp_reg(a))); r_; })
#define FOPXR(insn, rm, x) ({ double r_; __asm__ volatile(insn " %0, %1, " rm : "=f"(r_) :   \
                              "r"((uint64_t)(x))); fp_bits(r_); })

/* Check a result and the flags it raised (fflags is cleared before). */
#define EXPECT(expr, want, flags)                                                 \
    do {                                                                          \
        fp_take_flags();                                                          \
        uint64_t got_ = (expr);                                                   \
        uint64_t fl_ = fp_take_flags();                                           \
        if (got_ != (uint64_t)(want) || fl_ != (uint64_t)(flags)) {               \
            test_printf("FAIL %s:%d: %s = 0x%lx flags 0x%lx, expected 0x%lx flags 0x%lx\n", \
                        __FILE__, __LINE__, #expr, got_, fl_, (uint64_t)(want),   \
                        (uint64_t)(flags));                                       \
            test_failures++;                                                      \
        }                                                                         \
    } while (0)

#endif
