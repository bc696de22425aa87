/*
 * Traps and privilege changes (Privileged ISA 1.12, 3.1.6-3.1.8, 3.3):
 * ecall causes from U, S and M; ebreak's tval; illegal instruction tval;
 * delegation to S with medeleg (and never from M); mret/sret dropping to S
 * and U with the xPP/xPIE/xIE stack; MPRV cleared by a return below M;
 * TSR, TW and TVM traps; misaligned jump target tval.
 */
#include "priv_common.h"

static void do_ecall(void)
{
    __asm__ volatile("li a7, 0\n"
                     "ecall" ::: "a7", "memory");
}

static void do_ebreak(void)
{
    __asm__ volatile(".option push\n.option norvc\nebreak\n.option pop" ::: "memory");
}

static void do_mret(void)
{
    __asm__ volatile("mret" ::: "memory");
}

static void do_sret(void)
{
    __asm__ volatile("sret" ::: "memory");
}

static void do_wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

static void do_sfence(void)
{
    __asm__ volatile("sfence.vma" ::: "memory");
}

static void do_csrr_mstatus(void)
{
    __asm__ volatile("csrr t0, mstatus" ::: "t0", "memory");
}

static uint32_t insn_at(uint64_t pc)
{
    return *(volatile uint32_t *)pc;
}

static void ecalls(void)
{
    uint64_t n = m_trap.count;
    do_ecall();
    CHECK_EQ(m_trap.cause, EXC_ECALL_M);
    CHECK_EQ(m_trap.tval, 0);
    run_in(PRV_S, do_ecall);
    CHECK_EQ(m_trap.cause, EXC_ECALL_S);
    CHECK_EQ(m_trap.prev_priv, PRV_S);
    run_in(PRV_U, do_ecall);
    CHECK_EQ(m_trap.cause, EXC_ECALL_U);
    CHECK_EQ(m_trap.prev_priv, PRV_U);
    CHECK_EQ(m_trap.count, n + 3);

    do_ebreak();
    CHECK_EQ(m_trap.cause, EXC_BREAKPOINT);
    /* tval: the spec allows 0 or the faulting address; we (and QEMU 8+)
     * give the pc, QEMU 7.2 gives 0 */
    CHECK_TRUE(m_trap.tval == m_trap.epc || m_trap.tval == 0);
}

static void illegal_tval(void)
{
    run_in(PRV_S, do_csrr_mstatus);
    CHECK_EQ(m_trap.cause, EXC_ILLEGAL);
    CHECK_EQ(m_trap.tval, insn_at(m_trap.epc));
    CHECK_EQ(m_trap.prev_priv, PRV_S);
    run_in(PRV_S, do_mret);
    CHECK_EQ(m_trap.cause, EXC_ILLEGAL);
    CHECK_EQ(m_trap.tval, 0x30200073);
    run_in(PRV_U, do_sret);
    CHECK_EQ(m_trap.cause, EXC_ILLEGAL);
    CHECK_EQ(m_trap.tval, 0x10200073);
}

static void delegation(void)
{
    uint64_t mn, sn;

    csr_write(medeleg, ~0ul);
    /* ecall from M is not delegable (1.12, 3.1.8: bit 11 reads 0; QEMU 7.2
     * lets it be set) */
    CHECK_EQ(csr_read(medeleg) & (1ul << 11), 0);
    CHECK_TRUE(csr_read(medeleg) & (1ul << EXC_ECALL_U));
    /* S's own ecall stays with M: run_in ends with one */
    csr_clear(medeleg, 1ul << EXC_ECALL_S);
    /* U's ecall and S's illegal instruction go to S; M's ebreak stays in M */
    mn = m_trap.count;
    sn = s_trap.count;
    run_in(PRV_U, do_ecall);
    CHECK_EQ(s_trap.count, sn + 1);
    CHECK_EQ(s_trap.cause, EXC_ECALL_U);
    CHECK_EQ(s_trap.tval, 0);
    run_in(PRV_S, do_csrr_mstatus);
    CHECK_EQ(s_trap.count, sn + 2);
    CHECK_EQ(s_trap.cause, EXC_ILLEGAL);
    CHECK_EQ(s_trap.tval, insn_at(s_trap.epc));
    CHECK_TRUE(s_trap.prev_priv & MSTATUS_SPP);   /* sstatus.SPP = S */
    do_ebreak();
    CHECK_EQ(m_trap.count, mn + 1);
    CHECK_EQ(m_trap.cause, EXC_BREAKPOINT);
    csr_write(medeleg, 0);
}

/* Drop to S by hand and check the status stack that mret leaves. */
static volatile uint64_t s_seen_status;
static void s_read_sstatus(void)
{
    uint64_t v;
    __asm__ volatile("csrr %0, sstatus" : "=r"(v));
    s_seen_status = v;
}

static void xret_stack(void)
{
    csr_set(mstatus, MSTATUS_MPIE | MSTATUS_MPRV);
    csr_clear(mstatus, MSTATUS_MIE);
    csr_set(mstatus, MSTATUS_SPIE);
    run_in(PRV_S, s_read_sstatus);
    /* run_in's ecall brought us back: mret had cleared MPRV (left M) */
    CHECK_EQ(csr_read(mstatus) & MSTATUS_MPRV, 0);
    /* the trap back to M pushed MIE (set by mret from MPIE) into MPIE */
    CHECK_TRUE(csr_read(mstatus) & MSTATUS_MPIE);
    csr_clear(mstatus, MSTATUS_MIE);

    /* sret from M to U: SIE <- SPIE, SPIE <- 1, SPP <- U, MPRV <- 0 */
    csr_set(mstatus, MSTATUS_SPIE | MSTATUS_MPRV);
    csr_clear(mstatus, MSTATUS_SPP | MSTATUS_SIE | MSTATUS_MPP);
    uint64_t n = m_trap.count;
    /* in U, the ecall that ends run_in brings us back to label 2 */
    __asm__ volatile("la t0, 2f\n"
                     "sd t0, 0(%0)\n"
                     "la t0, 1f\n"
                     "csrw sepc, t0\n"
                     "sret\n"
                     "1: li a7, 0x5a5a\n"
                     "ecall\n"
                     "2:\n"
                     :: "r"(&run_return_pc) : "t0", "a7", "memory");
    CHECK_EQ(m_trap.count, n);
    CHECK_TRUE(csr_read(mstatus) & MSTATUS_SIE);
    CHECK_TRUE(csr_read(mstatus) & MSTATUS_SPIE);
    CHECK_EQ(csr_read(mstatus) & (MSTATUS_SPP | MSTATUS_MPRV), 0);
    csr_clear(mstatus, MSTATUS_SIE);
}

static void trap_virtualization(void)
{
    uint64_t n;

    /* TSR: sret in S is illegal */
    csr_set(mstatus, MSTATUS_TSR);
    n = m_trap.count;
    run_in(PRV_S, do_sret);
    CHECK_EQ(m_trap.count, n + 1);
    CHECK_EQ(m_trap.cause, EXC_ILLEGAL);
    csr_clear(mstatus, MSTATUS_TSR);

    /* TW: wfi in S is illegal; in U it always is (S exists) */
    csr_set(mstatus, MSTATUS_TW);
    run_in(PRV_S, do_wfi);
    CHECK_EQ(m_trap.cause, EXC_ILLEGAL);
    CHECK_EQ(m_trap.prev_priv, PRV_S);
    csr_clear(mstatus, MSTATUS_TW);
    n = m_trap.count;
    run_in(PRV_U, do_wfi);
    CHECK_EQ(m_trap.count, n + 1);
    CHECK_EQ(m_trap.cause, EXC_ILLEGAL);

    /* TVM: sfence.vma and satp in S are illegal */
    csr_set(mstatus, MSTATUS_TVM);
    n = m_trap.count;
    run_in(PRV_S, do_sfence);
    CHECK_EQ(m_trap.count, n + 1);
    CHECK_EQ(m_trap.cause, EXC_ILLEGAL);
    csr_clear(mstatus, MSTATUS_TVM);
    n = m_trap.count;
    run_in(PRV_S, do_sfence);
    CHECK_EQ(m_trap.count, n);
    run_in(PRV_U, do_sfence);
    CHECK_EQ(m_trap.count, n + 1);
}

int main(void)
{
    priv_setup();
    ecalls();
    illegal_tval();
    delegation();
    xret_stack();
    trap_virtualization();
    return test_result("priv_traps");
}
