/*
 * The FP CSRs and the FP enable on the guest: fcsr = frm << 5 | fflags,
 * with fflags (0x001) and frm (0x002) as views and bits 31:8 reading zero
 * (Unprivileged ISA 11.2); flags accrue until software clears them;
 * reserved rounding modes raise illegal instruction, statically (rm 5, 6)
 * and dynamically (rm 7 with frm 5-7), with mtval = the instruction bits;
 * mstatus.FS = Off makes FP instructions illegal, and FP writes set FS to
 * Dirty and SD (Privileged ISA 3.1.6.6).
 */
#include "fp_common.h"

static volatile uint64_t trap_cause, trap_tval, trap_insn, trap_count;

static bool on_trap(TrapFrame *frame, uint64_t mcause, uint64_t mepc, uint64_t mtval)
{
    uint16_t lo = *(volatile uint16_t *)(uintptr_t)mepc;
    uint16_t hi = *(volatile uint16_t *)(uintptr_t)(mepc + 2);
    unsigned len = (lo & 3) == 3 ? 4 : 2;

    trap_cause = mcause;
    trap_tval = mtval;
    trap_insn = len == 4 ? (lo | (uint32_t)hi << 16) : lo;
    trap_count++;
    csr_write(mepc, mepc + len);
    return true;
}

/* stmt must raise exactly one illegal instruction whose bits are mtval. */
#define EXPECT_ILLEGAL(stmt)                                                   \
    do {                                                                       \
        uint64_t n_ = trap_count;                                              \
        stmt;                                                                  \
        CHECK_EQ(trap_count, n_ + 1);                                          \
        CHECK_EQ(trap_cause, 2);                                               \
        CHECK_EQ(trap_tval, trap_insn);                                        \
    } while (0)

/* Uncompressed, so that the handler's length rule and the encodings hold. */
#define NORVC(insns) ".option push\n.option norvc\n" insns "\n.option pop"

FP_TEST test_fcsr_views(void)
{
    uint64_t old, v;

    __asm__ volatile("fscsr %0, %1" : "=r"(old) : "r"(0xffffffffull));
    __asm__ volatile("frcsr %0" : "=r"(v));
    CHECK_EQ(v, 0xff);
    __asm__ volatile("frrm %0" : "=r"(v));
    CHECK_EQ(v, 7);
    __asm__ volatile("frflags %0" : "=r"(v));
    CHECK_EQ(v, 0x1f);
    /* fsrm / fsflags swap and return the old value; only their bits count. */
    __asm__ volatile("fsrm %0, %1" : "=r"(old) : "r"(0x21ull));
    CHECK_EQ(old, 7);
    __asm__ volatile("frcsr %0" : "=r"(v));
    CHECK_EQ(v, 0x3f);
    __asm__ volatile("fsflags %0, %1" : "=r"(old) : "r"(0xe5ull));
    CHECK_EQ(old, 0x1f);
    __asm__ volatile("frcsr %0" : "=r"(v));
    CHECK_EQ(v, 0x25);
    __asm__ volatile("fsflagsi %0, 0x3" : "=r"(old));
    CHECK_EQ(old, 0x05);
    __asm__ volatile("fsrmi %0, 0x0" : "=r"(old));
    CHECK_EQ(old, 1);
    __asm__ volatile("csrrs %0, fcsr, %1" : "=r"(old) : "r"(0x80ull));   /* frm |= 4 */
    CHECK_EQ(old, 0x03);
    __asm__ volatile("frrm %0" : "=r"(v));
    CHECK_EQ(v, 4);
    __asm__ volatile("fscsr zero");
}

FP_TEST test_flags_accrue(void)
{
    double r;

    __asm__ volatile("fsflags zero");
    /* 1/0 (DZ), then 1/3 (NX), then 0/0 (NV): all three remain. */
    __asm__ volatile("fdiv.d %0, %1, %2" : "=f"(r) : "f"(fp_reg(0x3ff0000000000000ull)),
                     "f"(fp_reg(0)));
    __asm__ volatile("fdiv.d %0, %1, %2" : "=f"(r) : "f"(fp_reg(0x3ff0000000000000ull)),
                     "f"(fp_reg(0x4008000000000000ull)));
    __asm__ volatile("fdiv.s %0, %1, %2" : "=f"(r) : "f"(fp_reg(BOX(0))), "f"(fp_reg(BOX(0))));
    CHECK_EQ(fp_take_flags(), DZ | NX | NV);
    CHECK_EQ(fp_take_flags(), 0);
    /* A compare raising nothing leaves the flags alone. */
    __asm__ volatile("fsflagsi 0x4");
    (void)XOP2("flt.d", 0x3ff0000000000000ull, 0x4000000000000000ull);
    CHECK_EQ(fp_take_flags(), OF);
}

FP_TEST test_reserved_rm(void)
{
    /* fadd.s f13, f11, f11 with rm 5, fadd.d ... rm 6, fmadd.s ... rm 5. */
    EXPECT_ILLEGAL(__asm__ volatile(".word 0x00b5d6d3"));
    EXPECT_ILLEGAL(__asm__ volatile(".word 0x02b5e6d3"));
    EXPECT_ILLEGAL(__asm__ volatile(".word 0x58b5d6c3"));
    CHECK_EQ(trap_insn, 0x58b5d6c3);
    /* Dynamic rm with frm 5, 6, 7: illegal, and no flag accrues. */
    for (unsigned frm = 5; frm <= 7; frm++) {
        double r;
        fp_set_frm(frm);
        __asm__ volatile("fsflags zero");
        EXPECT_ILLEGAL(__asm__ volatile(NORVC("fadd.s %0, %1, %2") : "=f"(r)
                                        : "f"(fp_reg(BOX(0x3f800000))),
                                          "f"(fp_reg(BOX(0x33000000)))));
        EXPECT_ILLEGAL(__asm__ volatile(NORVC("fcvt.w.d %0, %1") : "=r"(r)
                                        : "f"(fp_reg(0x3ff8000000000000ull))));
        CHECK_EQ(fp_take_flags(), 0);
    }
    /* A static rm works whatever frm holds. */
    EXPECT(FOP2R("fadd.s", "rup", BOX(0x3f800000), BOX(0x33000000)), BOX(0x3f800001), NX);
    fp_set_frm(0);
}

FP_TEST test_fs(void)
{
    static volatile uint64_t mem[1] = { 0x4000000000000000ull };
    double a = fp_reg(0x3ff0000000000000ull), r;
    uint64_t x;

    /* Off: every FP instruction is illegal and changes nothing. */
    fp_set_fs(0);
    EXPECT_ILLEGAL(__asm__ volatile(NORVC("fadd.d %0, %1, %1") : "=f"(r) : "f"(a)));
    EXPECT_ILLEGAL(__asm__ volatile(NORVC("fld %0, 0(%1)") : "=f"(r) : "r"(mem) : "memory"));
    EXPECT_ILLEGAL(__asm__ volatile(NORVC("fsd %0, 0(%1)") :: "f"(a), "r"(mem) : "memory"));
    EXPECT_ILLEGAL(__asm__ volatile(NORVC("fmv.x.d %0, %1") : "=r"(x) : "f"(a)));
    EXPECT_ILLEGAL(__asm__ volatile(NORVC("fmv.w.x %0, %1") : "=f"(r) : "r"(x)));
    EXPECT_ILLEGAL(__asm__ volatile(NORVC("feq.d %0, %1, %1") : "=r"(x) : "f"(a)));
    CHECK_EQ(mem[0], 0x4000000000000000ull);
    CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, 0);

    /* Initial/Clean: reads leave FS alone, writes make it Dirty with SD. */
    for (unsigned fs = 1; fs <= 2; fs++) {
        fp_set_fs(fs);
        csr_clear(mstatus, MSTATUS_SD);
        __asm__ volatile(NORVC("fsd %0, 0(%1)") :: "f"(a), "r"(mem) : "memory");
        __asm__ volatile(NORVC("fmv.x.d %0, %1") : "=r"(x) : "f"(a));
        CHECK_EQ((csr_read(mstatus) & MSTATUS_FS) >> MSTATUS_FS_SHIFT, fs);
        __asm__ volatile(NORVC("fadd.d %0, %1, %1") : "=f"(r) : "f"(a));
        CHECK_EQ(csr_read(mstatus) & (MSTATUS_FS | MSTATUS_SD), MSTATUS_FS | MSTATUS_SD);
        CHECK_EQ(fp_bits(r), 0x4000000000000000ull);
    }
    fp_set_fs(1);
}

/*
 * The FP fast state (frm RNE with NX set: Morpho translates such code
 * without flag or rounding checks) entered and left in the middle of
 * straight-line code, each change followed at once by instructions that
 * depend on it; in a loop, so that the blocks are run again (and chained)
 * in the states they were made for.  1/3 is inexact: RNE and RDN give
 * ...555, RUP ...556.
 */
FP_TEST test_fast_state_changes(void)
{
    double one = fp_reg(0x3ff0000000000000ull), three = fp_reg(0x4008000000000000ull);

    for (int i = 0; i < 4; i++) {
        double r1, r2, r3, r4;
        uint64_t f1, f2, f3, f4, f5, x, y;

        /* fast (NX set, RNE), then NX cleared: the next inexact op sets it
         * again; then frm RUP: the dynamic rm follows at once; then back
         * to RNE with NX set, fast again */
        fp_set_frm(0);
        __asm__ volatile("fsflagsi 0x1");
        __asm__ volatile(NORVC("fdiv.d %[r1], %[a], %[b]\n"
                               "frflags %[f1]\n"
                               "fsflags zero\n"
                               "fdiv.d %[r2], %[a], %[b]\n"
                               "frflags %[f2]\n"
                               "fsrmi 3\n"
                               "fdiv.d %[r3], %[a], %[b]\n"
                               "frflags %[f3]\n"
                               "fsrmi 0\n"
                               "fdiv.d %[r4], %[a], %[b]\n"
                               "frflags %[f4]\n"
                               "fsflags zero\n"
                               "feq.d %[x], %[a], %[a]\n"
                               "fcvt.w.d %[y], %[b], rtz\n"
                               "frflags %[f5]")
                         : [r1] "=&f"(r1), [r2] "=&f"(r2), [r3] "=&f"(r3), [r4] "=&f"(r4),
                           [f1] "=&r"(f1), [f2] "=&r"(f2), [f3] "=&r"(f3), [f4] "=&r"(f4),
                           [f5] "=&r"(f5), [x] "=&r"(x), [y] "=&r"(y)
                         : [a] "f"(one), [b] "f"(three));
        CHECK_EQ(fp_bits(r1), 0x3fd5555555555555ull);
        CHECK_EQ(f1, NX);
        CHECK_EQ(fp_bits(r2), 0x3fd5555555555555ull);
        CHECK_EQ(f2, NX);
        CHECK_EQ(fp_bits(r3), 0x3fd5555555555556ull);
        CHECK_EQ(f3, NX);
        CHECK_EQ(fp_bits(r4), 0x3fd5555555555555ull);
        CHECK_EQ(f4, NX);
        CHECK_EQ(x, 1);
        CHECK_EQ(y, 3);
        CHECK_EQ(f5, 0);                /* exact: no flag */

        /* not fast (NX clear): an inexact op enters the state, the next
         * ones run in it; RDN then leaves it with NX still set */
        __asm__ volatile(NORVC("fsflags zero\n"
                               "fdiv.d %[r1], %[a], %[b]\n"
                               "fdiv.d %[r2], %[b], %[a]\n"
                               "fsrmi 2\n"
                               "fdiv.d %[r3], %[a], %[b]\n"
                               "fsrmi 0\n"
                               "fdiv.s %[r4], %[c], %[d]\n"
                               "frflags %[f1]")
                         : [r1] "=&f"(r1), [r2] "=&f"(r2), [r3] "=&f"(r3), [r4] "=&f"(r4),
                           [f1] "=&r"(f1)
                         : [a] "f"(one), [b] "f"(three), [c] "f"(fp_reg(BOX(0x3f800000))),
                           [d] "f"(fp_reg(BOX(0x40400000))));
        CHECK_EQ(fp_bits(r1), 0x3fd5555555555555ull);
        CHECK_EQ(fp_bits(r2), 0x4008000000000000ull);
        CHECK_EQ(fp_bits(r3), 0x3fd5555555555555ull);
        CHECK_EQ(fp_bits(r4), BOX(0x3eaaaaab));
        CHECK_EQ(f1, NX);

        /* fast, then a write of the whole fcsr with RUP and no flag */
        __asm__ volatile(NORVC("fsflagsi 0x1\n"
                               "fdiv.d %[r1], %[a], %[b]\n"
                               "fscsr %[c]\n"
                               "fdiv.d %[r2], %[a], %[b]\n"
                               "frcsr %[f1]\n"
                               "fscsr zero")
                         : [r1] "=&f"(r1), [r2] "=&f"(r2), [f1] "=&r"(f1)
                         : [a] "f"(one), [b] "f"(three), [c] "r"(3ull << 5));
        CHECK_EQ(fp_bits(r1), 0x3fd5555555555555ull);
        CHECK_EQ(fp_bits(r2), 0x3fd5555555555556ull);
        CHECK_EQ(f1, (3 << 5) | NX);
    }
    fp_set_frm(0);
    fp_take_flags();
}

int main(void)
{
    test_set_trap_handler(on_trap);
    fp_set_fs(1);
    test_fcsr_views();
    test_flags_accrue();
    test_reserved_rm();
    test_fs();
    test_fast_state_changes();
    test_set_trap_handler(0);
    return test_result("fp_csr");
}
