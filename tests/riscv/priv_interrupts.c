/*
 * Interrupts (Privileged ISA 1.12, 3.1.6.1, 3.1.9, 3.3.3; Sstc 1.0) from
 * the virt board's ACLINT (msip 0x2000000, mtimecmp 0x2004000, mtime
 * 0x200bff8): software and timer interrupts into M, their priority, WFI
 * waking on a pending-and-enabled interrupt with MIE clear, M interrupts
 * taken in S whatever MIE says, delegated S interrupts (SIE in S, always in
 * U), and the Sstc stimecmp comparator with menvcfg.STCE.
 */
#include "priv_common.h"

#define MSIP ((volatile uint32_t *)(CLINT_BASE + 0x0))
#define MTIMECMP ((volatile uint64_t *)(CLINT_BASE + 0x4000))
#define MTIME ((volatile uint64_t *)(CLINT_BASE + 0xbff8))

#define MIP_SSIP (1ul << 1)
#define MIP_MSIP (1ul << 3)
#define MIP_STIP (1ul << 5)
#define MIP_MTIP (1ul << 7)

static volatile uint64_t irq_order[8];
static volatile unsigned irq_n;

static void irq_hook(uint64_t cause)
{
    if (irq_n < 8) {
        irq_order[irq_n++] = cause;
    }
    switch (cause & 0xff) {
    case 3:
        *MSIP = 0;
        break;
    case 7:
        *MTIMECMP = ~0ul;
        break;
    default:
        csr_clear(mie, 1ul << (cause & 0xff));
        break;
    }
}

/* The trap counts before run_in: an interrupt may be taken as soon as the
 * hart enters S or U, before the spinning function even starts. */
static volatile uint64_t s_base, m_base;

static void spin_until_s_trap(void)
{
    for (int i = 0; i < 20000000 && s_trap.count == s_base; i++) {
        __asm__ volatile("nop");
    }
}

static void spin_until_m_trap(void)
{
    for (int i = 0; i < 20000000 && m_trap.count == m_base; i++) {
        __asm__ volatile("nop");
    }
}

static void run_and_wait(unsigned priv, void (*fn)(void))
{
    s_base = s_trap.count;
    m_base = m_trap.count;
    run_in(priv, fn);
}

static void s_enable_and_spin(void)
{
    csr_set(sstatus, MSTATUS_SIE);
    spin_until_s_trap();
    csr_clear(sstatus, MSTATUS_SIE);
}

static void m_software_and_timer(void)
{
    irq_n = 0;
    csr_write(mie, MIP_MSIP | MIP_MTIP);
    /* both pending while disabled, then enabled: MSI before MTI */
    *MTIMECMP = 0;
    *MSIP = 1;
    CHECK_EQ(csr_read(mip) & (MIP_MSIP | MIP_MTIP), MIP_MSIP | MIP_MTIP);
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(irq_n, 2);
    CHECK_EQ(irq_order[0], CAUSE_INT | 3);
    CHECK_EQ(irq_order[1], CAUSE_INT | 7);
    CHECK_EQ(csr_read(mip) & (MIP_MSIP | MIP_MTIP), 0);
    CHECK_EQ(m_trap.prev_priv, PRV_M);
}

static void wfi_wakes_with_mie_clear(void)
{
    irq_n = 0;
    csr_write(mie, MIP_MTIP);
    *MTIMECMP = *MTIME + 10000;        /* 1 ms at 10 MHz */
    __asm__ volatile("wfi");
    /* woke (the loop around it would otherwise be the test's timeout) */
    while (!(csr_read(mip) & MIP_MTIP)) {
    }
    CHECK_EQ(irq_n, 0);
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(irq_n, 1);
    CHECK_EQ(irq_order[0], CAUSE_INT | 7);
    csr_write(mie, 0);
}

static void m_interrupt_in_s(void)
{
    irq_n = 0;
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, MIP_MTIP);
    *MTIMECMP = 0;
    run_and_wait(PRV_S, spin_until_m_trap);
    CHECK_EQ(irq_n, 1);
    CHECK_EQ(m_trap.cause, CAUSE_INT | 7);
    CHECK_EQ(m_trap.prev_priv, PRV_S);
    csr_write(mie, 0);
}

static void delegated_s_interrupts(void)
{
    uint64_t n;

    csr_write(mideleg, MIP_SSIP | MIP_STIP);
    csr_write(mie, MIP_STIP);
    csr_set(mip, MIP_STIP);
    /* not taken in M */
    csr_set(mstatus, MSTATUS_MIE);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(s_trap.cause == (CAUSE_INT | 5) && s_trap.count, 0);
    /* taken in S once SIE is set */
    n = s_trap.count;
    run_and_wait(PRV_S, s_enable_and_spin);
    CHECK_EQ(s_trap.count, n + 1);
    CHECK_EQ(s_trap.cause, CAUSE_INT | 5);
    /* taken in U whatever SIE says */
    csr_write(mie, MIP_SSIP);
    csr_set(mip, MIP_SSIP);
    n = s_trap.count;
    run_and_wait(PRV_U, spin_until_s_trap);
    CHECK_EQ(s_trap.count, n + 1);
    CHECK_EQ(s_trap.cause, CAUSE_INT | 1);
    CHECK_EQ(s_trap.prev_priv & MSTATUS_SPP, 0);
    csr_clear(mip, MIP_SSIP | MIP_STIP);
    csr_write(mie, 0);
    csr_write(mideleg, 0);
}

static void s_arm_stimecmp(void)
{
    uint64_t now;
    __asm__ volatile("csrr %0, time" : "=r"(now));
    __asm__ volatile("csrw stimecmp, %0" :: "r"(now + 1000));
    s_enable_and_spin();
    __asm__ volatile("csrw stimecmp, %0" :: "r"(~0ul));
}

static void s_write_stimecmp(void)
{
    __asm__ volatile("csrw stimecmp, %0" :: "r"(~0ul));
}

static void sstc(void)
{
    uint64_t n;

    csr_write(mcounteren, 2);
    /* without STCE, stimecmp is illegal in S */
    n = m_trap.count;
    run_in(PRV_S, s_write_stimecmp);
    CHECK_EQ(m_trap.count, n + 1);
    CHECK_EQ(m_trap.cause, EXC_ILLEGAL);
    csr_write(mie, 0);

    csr_set(menvcfg, 1ul << 63);
    csr_write(mideleg, MIP_STIP);
    csr_write(mie, MIP_STIP);
    n = s_trap.count;
    run_and_wait(PRV_S, s_arm_stimecmp);
    CHECK_EQ(s_trap.count, n + 1);
    CHECK_EQ(s_trap.cause, CAUSE_INT | 5);
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
    csr_write(mie, 0);
    csr_write(mideleg, 0);
    csr_clear(menvcfg, 1ul << 63);
    csr_write(mcounteren, 0);
}

int main(void)
{
    priv_setup();
    /* No ACLINT (the translator bench): skip (meson's exit code 77). */
    uint64_t n = m_trap.count;
    (void)*MTIME;
    if (m_trap.count != n) {
        test_puts("priv_interrupts: no ACLINT, skipped\n");
        return 77;
    }
    m_irq_hook = irq_hook;
    *MTIMECMP = ~0ul;
    m_software_and_timer();
    wfi_wakes_with_mie_clear();
    m_interrupt_in_s();
    delegated_s_interrupts();
    sstc();
    return test_result("priv_interrupts");
}
