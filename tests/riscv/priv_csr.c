/*
 * CSR access rules (Privileged ISA 1.12, 2.1-2.2; Zicsr): privilege from
 * csr[9:8] (M CSRs illegal in S and U, S CSRs illegal in U), read-only
 * CSRs (csr[11:10] = 3) illegal to write but readable with csrrs/csrrc
 * x0, the x0 rules of csrrs/csrrc/csrrw, WARL fields of mstatus, mtvec,
 * mepc, satp, the S views sstatus/sie/sip, and Zicntr counter gating by
 * mcounteren/scounteren.
 */
#include "priv_common.h"

static uint64_t traps_during(void (*fn)(void), unsigned priv)
{
    uint64_t n = m_trap.count;
    if (priv == PRV_M) {
        fn();
    } else {
        run_in(priv, fn);
    }
    return m_trap.count - n;
}

static void rd_mstatus(void) { (void)csr_read(mstatus); }
static void rd_mscratch(void) { (void)csr_read(mscratch); }
static void rd_sstatus(void) { (void)csr_read(sstatus); }
static void rd_sscratch(void) { (void)csr_read(sscratch); }
static void rd_mhartid(void) { (void)csr_read(mhartid); }
static void rd_cycle(void) { (void)csr_read(cycle); }
static void rd_time(void) { (void)csr_read(time); }
static void rd_instret(void) { (void)csr_read(instret); }
static void wr_mhartid_x0(void) { __asm__ volatile("csrw mhartid, zero"); }
static void set_mhartid_x0(void) { __asm__ volatile("csrs mhartid, zero"); }
static void clr_mvendorid_0(void) { __asm__ volatile("csrci mvendorid, 0"); }
static void wr_cycle(void) { __asm__ volatile("csrw cycle, zero"); }

static void privilege_rules(void)
{
    CHECK_EQ(traps_during(rd_mstatus, PRV_M), 0);
    CHECK_EQ(traps_during(rd_mstatus, PRV_S), 1);
    CHECK_EQ(m_trap.cause, EXC_ILLEGAL);
    CHECK_EQ(traps_during(rd_mscratch, PRV_U), 1);
    CHECK_EQ(traps_during(rd_sstatus, PRV_S), 0);
    CHECK_EQ(traps_during(rd_sscratch, PRV_S), 0);
    CHECK_EQ(traps_during(rd_sstatus, PRV_U), 1);
    CHECK_EQ(traps_during(rd_mhartid, PRV_S), 1);
}

static void read_only_rules(void)
{
    CHECK_EQ(traps_during(wr_mhartid_x0, PRV_M), 1);
    CHECK_EQ(m_trap.tval, 0xf1401073);          /* csrw mhartid, zero */
    CHECK_EQ(traps_during(set_mhartid_x0, PRV_M), 0);
    CHECK_EQ(traps_during(clr_mvendorid_0, PRV_M), 0);
    CHECK_EQ(traps_during(wr_cycle, PRV_M), 1);
}

static void x0_rules(void)
{
    uint64_t old, v;
    csr_write(mscratch, 0x1234);
    __asm__ volatile("csrrs %0, mscratch, zero" : "=r"(old));
    CHECK_EQ(old, 0x1234);
    __asm__ volatile("csrrc %0, mscratch, %1" : "=r"(old) : "r"(0x0ffful));
    CHECK_EQ(old, 0x1234);
    CHECK_EQ(csr_read(mscratch), 0x1000);
    __asm__ volatile("csrrwi %0, mscratch, 7" : "=r"(old));
    CHECK_EQ(old, 0x1000);
    __asm__ volatile("csrrsi %0, mscratch, 0x18" : "=r"(old));
    v = csr_read(mscratch);
    CHECK_EQ(v, 0x1f);
}

static void warl_fields(void)
{
    uint64_t s0 = csr_read(mstatus);

    /* MPP = 2 is reserved: the field keeps a legal value */
    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, 2ul << 11);
    CHECK_TRUE(((csr_read(mstatus) >> 11) & 3) != 2);
    /* SXL and UXL read 2 (RV64) */
    CHECK_EQ((csr_read(mstatus) >> 32) & 0xf, 0xa);
    /* SD follows FS = Dirty */
    csr_set(mstatus, 3ul << 13);
    CHECK_TRUE(csr_read(mstatus) >> 63);
    csr_write(mstatus, s0);

    /* sstatus hides M fields */
    csr_set(mstatus, MSTATUS_MPRV | MSTATUS_TVM);
    CHECK_EQ(csr_read(sstatus) & (MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_MPP), 0);
    csr_clear(mstatus, MSTATUS_MPRV | MSTATUS_TVM);

    /* mepc bit 0 is zero */
    csr_write(mepc, 0x80001235);
    CHECK_EQ(csr_read(mepc), 0x80001234);

    /* mtvec keeps MODE 0 or 1 */
    uint64_t tv = csr_read(mtvec);
    csr_write(sscratch, 0);
    csr_write(stvec, 0x80002001);
    CHECK_EQ(csr_read(stvec), 0x80002001);
    csr_write(mtvec, tv);

    /* medeleg: M-level interrupts not delegable through mideleg */
    csr_write(mideleg, ~0ul);
    CHECK_EQ(csr_read(mideleg) & 0x888, 0);
    CHECK_EQ(csr_read(mideleg) & 0x222, 0x222);
    /* sie/sip: views through mideleg */
    csr_write(mie, 0);
    csr_write(sie, 0x222);
    CHECK_EQ(csr_read(mie), 0x222);
    csr_write(mideleg, 0x020);
    CHECK_EQ(csr_read(sie), 0x020);
    csr_write(mideleg, 0);
    csr_write(mie, 0);

    /* satp: Sv39 sticks; an unsupported mode leaves it unchanged */
    csr_write(satp, 0);
    csr_write(satp, (1ul << 60) | 5);
    CHECK_EQ(csr_read(satp), 0);
}

static void counter_gating(void)
{
    uint64_t c0 = csr_read(cycle), c1 = csr_read(cycle);
    CHECK_TRUE(c1 >= c0);
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    CHECK_EQ(traps_during(rd_cycle, PRV_S), 1);
    CHECK_EQ(traps_during(rd_time, PRV_S), 1);
    csr_write(mcounteren, 7);
    CHECK_EQ(traps_during(rd_cycle, PRV_S), 0);
    CHECK_EQ(traps_during(rd_instret, PRV_S), 0);
    CHECK_EQ(traps_during(rd_cycle, PRV_U), 1);
    csr_write(scounteren, 1);
    CHECK_EQ(traps_during(rd_cycle, PRV_U), 0);
    CHECK_EQ(traps_during(rd_instret, PRV_U), 1);
    /* time: only where a timer is wired (M emulates it otherwise) */
    if (traps_during(rd_time, PRV_M) == 0) {
        csr_write(scounteren, 0);
        CHECK_EQ(traps_during(rd_time, PRV_S), 0);
        CHECK_EQ(traps_during(rd_time, PRV_U), 1);
        csr_write(scounteren, 2);
        CHECK_EQ(traps_during(rd_time, PRV_U), 0);
    } else {
        test_puts("priv_csr: no time CSR here, its gating not checked\n");
    }
    csr_write(scounteren, 0);
    csr_write(mcounteren, 0);
    /* mcycle/minstret are writable in M */
    csr_write(minstret, 0);
    CHECK_TRUE(csr_read(minstret) < 1000000000ul);

    /* Privileged 3.1.11: minstret counts retired instructions, and the
     * instruction after a write reads the value written.  A branch between
     * the reads ends a translated block: counting carries across blocks. */
    unsigned long at_write, later;
    __asm__ volatile("csrwi minstret, 0\n\t"
                     "csrr  %0, minstret\n\t"
                     "nop\n\t"
                     "beqz  zero, 1f\n\t"
                     "nop\n"
                     "1:\tnop\n\t"
                     "csrr  %1, minstret"
                     : "=&r"(at_write), "=r"(later));
    CHECK_EQ(at_write, 0);
    CHECK_EQ(later, 4);         /* csrr, nop, beqz, nop (the skipped one never ran) */
}

int main(void)
{
    priv_setup();
    privilege_rules();
    read_only_rules();
    x0_rules();
    warl_fields();
    counter_gating();
    return test_result("priv_csr");
}
