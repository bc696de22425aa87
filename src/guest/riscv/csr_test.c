/*
 * The CSR file: Zicsr instructions run through the real translator on the
 * test bench (read-modify-write forms, the x0 rules, read-only and
 * privilege checks raising illegal instruction with tval = the
 * instruction), and the WARL rules of each CSR through riscv_csr_access
 * (mstatus/sstatus, delegation, mie/mip and their S views, xtvec, xepc,
 * satp, counters with mcounteren/scounteren, Sstc, FP CSRs and FS).
 */
#include "guest/riscv/csr.h"

#include "guest/riscv/rv_testbench.h"
#include "util/unittest.h"

#define BASE RV_TB_RAM_BASE
#define TRAP (BASE + 0x1000)
#define SYSTEM 0x73
#define CSRRW(rd, csr, rs1) RV_I(SYSTEM, rd, 1, rs1, csr)
#define CSRRS(rd, csr, rs1) RV_I(SYSTEM, rd, 2, rs1, csr)
#define CSRRC(rd, csr, rs1) RV_I(SYSTEM, rd, 3, rs1, csr)
#define CSRRWI(rd, csr, u) RV_I(SYSTEM, rd, 5, u, csr)
#define CSRRSI(rd, csr, u) RV_I(SYSTEM, rd, 6, u, csr)
#define CSRRCI(rd, csr, u) RV_I(SYSTEM, rd, 7, u, csr)

/* A bench with prog at BASE followed by an ecall that marks its end (CSR
 * reads do not end a block, so the run cannot stop on a pc in between). */
static RvTestBench *bench_with(const uint32_t *prog, unsigned n)
{
    RvTestBench *tb = rv_bench_new();
    uint32_t ecall = 0x73;
    rv_bench_load32(tb, BASE, prog, n);
    rv_bench_load32(tb, BASE + 4 * n, &ecall, 1);
    tb->cpu.mtvec = TRAP;
    return tb;
}

/* Run from BASE at privilege priv until a trap: true when it is the final
 * ecall (the program ran to its end), false for any other trap. */
static bool bench_go(RvTestBench *tb, unsigned n, unsigned priv)
{
    tb->cpu.priv = priv;
    tb->cpu.pc = BASE;
    if (!rv_bench_run(tb, TRAP, 10000)) {       /* ms; ends at TRAP */
        return false;
    }
    return tb->cpu.mepc == BASE + 4 * n && tb->cpu.mcause == RISCV_EXCP_U_ECALL + priv;
}

static uint64_t rd_csr(RiscvCpu *cpu, unsigned csr)
{
    uint64_t v = 0xdeadbeef;
    CHECK(riscv_csr_access(cpu, csr, &v, 0, 0, false));
    return v;
}

static void wr_csr(RiscvCpu *cpu, unsigned csr, uint64_t val)
{
    CHECK(riscv_csr_access(cpu, csr, NULL, val, ~0ull, true));
}

static uint64_t fake_time;
static uint64_t fake_rdtime(void *opaque)
{
    return fake_time;
}

static uint64_t armed_at;
static void fake_stimer_arm(void *opaque, uint64_t when)
{
    armed_at = when;
}

UNITTEST(zicsr_forms)
{
    static const uint32_t prog[] = {
        CSRRW(11, CSR_mscratch, 10),    /* x11 = 0, mscratch = x10 */
        CSRRS(12, CSR_mscratch, 13),    /* x12 = x10, set x13's bits */
        CSRRC(14, CSR_mscratch, 15),    /* x14 = ..., clear x15's bits */
        CSRRWI(16, CSR_sscratch, 0x15), /* sscratch = 0x15 */
        CSRRSI(17, CSR_sscratch, 0x0a), /* 0x1f */
        CSRRCI(18, CSR_sscratch, 0x03), /* 0x1c */
        CSRRS(19, CSR_sscratch, 0),     /* read only */
        CSRRW(0, CSR_mscratch, 0),      /* write, no read */
    };
    RvTestBench *tb = bench_with(prog, 8);
    tb->cpu.gpr[10] = 0x1234;
    tb->cpu.gpr[13] = 0xf0000;
    tb->cpu.gpr[15] = 0x0f004;
    CHECK(bench_go(tb, 8, PRV_M));
    CHECK_U64(tb->cpu.gpr[11], 0);
    CHECK_U64(tb->cpu.gpr[12], 0x1234);
    CHECK_U64(tb->cpu.gpr[14], 0xf1234);
    CHECK_U64(tb->cpu.gpr[16], 0);
    CHECK_U64(tb->cpu.gpr[17], 0x15);
    CHECK_U64(tb->cpu.gpr[18], 0x1f);
    CHECK_U64(tb->cpu.gpr[19], 0x1c);
    CHECK_U64(tb->cpu.sscratch, 0x1c);
    CHECK_U64(tb->cpu.mscratch, 0);
    rv_bench_free(tb);
}

UNITTEST(read_only_csrs)
{
    /* reading a read-only CSR with csrrs x0 / csrrsi 0 is fine... */
    static const uint32_t ok[] = {
        CSRRS(11, CSR_mhartid, 0),
        CSRRSI(12, CSR_mvendorid, 0),
        CSRRC(13, CSR_misa, 0),
    };
    RvTestBench *tb = bench_with(ok, 3);
    tb->cpu.mhartid = 5;
    CHECK(bench_go(tb, 3, PRV_M));
    CHECK_U64(tb->cpu.gpr[11], 5);
    CHECK_U64(tb->cpu.gpr[13], tb->cpu.misa);
    rv_bench_free(tb);

    /* ...writing one is illegal, even with a zero value or rd = x0 */
    static const uint32_t bad[][1] = {
        { CSRRW(0, CSR_mhartid, 0) },
        { CSRRS(11, CSR_mhartid, 10) },
        { CSRRWI(11, CSR_cycle, 0) },
    };
    for (unsigned k = 0; k < 3; k++) {
        tb = bench_with(bad[k], 1);
        tb->cpu.gpr[10] = 1;
        CHECK(!bench_go(tb, 1, PRV_M));
        CHECK_U64(tb->cpu.mcause, RISCV_EXCP_ILLEGAL_INST);
        CHECK_U64(tb->cpu.mtval, bad[k][0]);
        CHECK_U64(tb->cpu.mepc, BASE);
        CHECK_U64(tb->cpu.gpr[11], 0);
        rv_bench_free(tb);
    }
}

UNITTEST(privilege_of_csr_numbers)
{
    static const uint32_t prog[] = { CSRRS(11, CSR_mstatus, 0) };
    RvTestBench *tb = bench_with(prog, 1);
    CHECK(!bench_go(tb, 1, PRV_S));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_ILLEGAL_INST);
    CHECK_U64(tb->cpu.mstatus & MSTATUS_MPP, (uint64_t)PRV_S << MSTATUS_MPP_SHIFT);
    rv_bench_free(tb);

    static const uint32_t sprog[] = { CSRRS(11, CSR_sstatus, 0), CSRRW(0, CSR_sscratch, 10) };
    tb = bench_with(sprog, 2);
    CHECK(bench_go(tb, 2, PRV_S));
    CHECK(!bench_go(tb, 2, PRV_U));
    CHECK_U64(tb->cpu.mtval, sprog[0]);
    rv_bench_free(tb);

    /* unimplemented numbers are illegal everywhere */
    RiscvCpu *cpu = &(tb = rv_bench_new())->cpu;
    CHECK(!riscv_csr_access(cpu, 0x7c0, NULL, 0, 0, false));
    CHECK(!riscv_csr_access(cpu, 0x3a1, NULL, 0, 0, false));
    CHECK(!riscv_csr_access(cpu, 0x200, NULL, 0, 0, false));
    CHECK(riscv_csr_name(CSR_satp) != NULL);
    CHECK_STR(riscv_csr_name(0x300), "mstatus");
    CHECK(riscv_csr_name(0x7c0) == NULL);
    rv_bench_free(tb);
}

UNITTEST(minstret_counts_retired_instructions)
{
    /* Privileged 3.1.11: minstret counts retired instructions; a write
     * suppresses the writer's own increment (the next one reads the value
     * written); instructions that trap (ecall, illegal) do not retire. */
    const uint32_t nop = RV_I(0x13, 0, 0, 0, 0);
    const uint32_t prog[] = {
        CSRRWI(0, CSR_minstret, 0),
        CSRRS(11, CSR_minstret, 0),     /* 0 */
        nop,
        RV_I(0x13, 5, 0, 0, 1),
        CSRRS(12, CSR_minstret, 0),     /* 3: csrr, nop, addi */
        CSRRS(13, CSR_instret, 0),      /* 4: the U-mode view */
    };
    RvTestBench *tb = bench_with(prog, 6);
    CHECK(bench_go(tb, 6, PRV_M));
    CHECK_U64(tb->cpu.gpr[11], 0);
    CHECK_U64(tb->cpu.gpr[12], 3);
    CHECK_U64(tb->cpu.gpr[13], 4);
    /* after the trap the bench's stop stub ran too: its length is the rest */
    uint64_t stub = rd_csr(&tb->cpu, CSR_minstret) - 5;
    rv_bench_free(tb);

    /* a fault mid-block: the instructions before it retired, it did not */
    const uint32_t fault[] = { CSRRWI(0, CSR_minstret, 0), nop, nop, 0 /* illegal */, nop };
    tb = bench_with(fault, 5);
    CHECK(!bench_go(tb, 5, PRV_M));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_ILLEGAL_INST);
    CHECK_U64(rd_csr(&tb->cpu, CSR_minstret), 2 + stub);

    /* mcountinhibit.IR freezes the count */
    const uint32_t frozen[] = {
        CSRRSI(0, CSR_mcountinhibit, 4), nop, nop, CSRRS(11, CSR_minstret, 0),
        CSRRCI(0, CSR_mcountinhibit, 4), nop, CSRRS(12, CSR_minstret, 0),
    };
    rv_bench_free(tb);
    tb = bench_with(frozen, 7);
    CHECK(bench_go(tb, 7, PRV_M));
    CHECK_U64(tb->cpu.gpr[12] - tb->cpu.gpr[11], 1);  /* only the nop after resuming */
    rv_bench_free(tb);
}

UNITTEST(trigger_module_without_triggers)
{
    /* Debug spec 1.0, 5.7: probing finds the module, and no trigger in it:
     * tselect keeps 0 and tdata1 reads type 0 whatever is written. */
    RvTestBench *tb = rv_bench_new();
    RiscvCpu *cpu = &tb->cpu;
    wr_csr(cpu, CSR_tselect, 1);
    CHECK_U64(rd_csr(cpu, CSR_tselect), 0);
    wr_csr(cpu, CSR_tdata1, (2ull << 60) | (1 << 6) | (1 << 2));  /* mcontrol, M, execute */
    CHECK_U64(rd_csr(cpu, CSR_tdata1), 0);
    CHECK_U64(rd_csr(cpu, CSR_tinfo), 1);
    cpu->priv = PRV_S;
    CHECK(!riscv_csr_access(cpu, CSR_tselect, NULL, 0, 0, false));
    rv_bench_free(tb);
}

UNITTEST(mstatus_warl)
{
    RvTestBench *tb = rv_bench_new();
    RiscvCpu *cpu = &tb->cpu;
    wr_csr(cpu, CSR_mstatus, ~0ull & ~MSTATUS_MPP);
    uint64_t s = rd_csr(cpu, CSR_mstatus);
    CHECK_U64(s, MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |
                     MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM |
                     MSTATUS_TW | MSTATUS_TSR | MSTATUS_UXL_64 | MSTATUS_SXL_64 | MSTATUS_SD);
    /* MPP: 3 and 1 stick, 2 is reserved and keeps the old value */
    wr_csr(cpu, CSR_mstatus, 3ull << MSTATUS_MPP_SHIFT);
    CHECK_U64(rd_csr(cpu, CSR_mstatus) & MSTATUS_MPP, 3ull << MSTATUS_MPP_SHIFT);
    wr_csr(cpu, CSR_mstatus, 2ull << MSTATUS_MPP_SHIFT);
    CHECK_U64(rd_csr(cpu, CSR_mstatus) & MSTATUS_MPP, 3ull << MSTATUS_MPP_SHIFT);
    /* SD follows FS */
    wr_csr(cpu, CSR_mstatus, 2ull << MSTATUS_FS_SHIFT);
    CHECK_U64(rd_csr(cpu, CSR_mstatus) & MSTATUS_SD, 0);
    /* sstatus is a window: no M bits through it */
    wr_csr(cpu, CSR_sstatus, ~0ull);
    CHECK_U64(cpu->mstatus & (MSTATUS_MIE | MSTATUS_MPP | MSTATUS_TVM), 0);
    CHECK_U64(rd_csr(cpu, CSR_sstatus),
              MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM |
                  MSTATUS_MXR | MSTATUS_UXL_64 | MSTATUS_SD);
    /* misa is read-only WARL: writes are ignored */
    uint64_t misa = cpu->misa;
    wr_csr(cpu, CSR_misa, 0);
    CHECK_U64(rd_csr(cpu, CSR_misa), misa);
    rv_bench_free(tb);
}

UNITTEST(delegation_and_interrupt_registers)
{
    RvTestBench *tb = rv_bench_new();
    RiscvCpu *cpu = &tb->cpu;
    wr_csr(cpu, CSR_medeleg, ~0ull);
    CHECK_U64(rd_csr(cpu, CSR_medeleg), 0xb3ff);        /* not 10, 11, 14 */
    wr_csr(cpu, CSR_mideleg, ~0ull);
    CHECK_U64(rd_csr(cpu, CSR_mideleg), MIP_S_MASK);
    wr_csr(cpu, CSR_mie, ~0ull);
    CHECK_U64(rd_csr(cpu, CSR_mie), MIP_S_MASK | MIP_M_MASK);

    /* sie: only delegated bits are visible and writable */
    wr_csr(cpu, CSR_mideleg, MIP_STIP);
    wr_csr(cpu, CSR_mie, 0);
    wr_csr(cpu, CSR_sie, ~0ull);
    CHECK_U64(cpu->mie, MIP_STIP);
    CHECK_U64(rd_csr(cpu, CSR_sie), MIP_STIP);

    /* mip: S bits writable from M, M bits follow the devices */
    wr_csr(cpu, CSR_mip, ~0ull);
    CHECK_U64(rd_csr(cpu, CSR_mip), MIP_S_MASK);
    riscv_cpu_update_mip(cpu, MIP_MTIP, MIP_MTIP);
    wr_csr(cpu, CSR_mip, 0);
    CHECK_U64(rd_csr(cpu, CSR_mip), MIP_MTIP);
    /* sip: SSIP only, and only when delegated */
    wr_csr(cpu, CSR_sip, ~0ull);
    CHECK_U64(atomic_load(&cpu->mip), MIP_MTIP);
    wr_csr(cpu, CSR_mideleg, MIP_S_MASK);
    wr_csr(cpu, CSR_sip, ~0ull);
    CHECK_U64(atomic_load(&cpu->mip), MIP_MTIP | MIP_SSIP);
    CHECK_U64(rd_csr(cpu, CSR_sip), MIP_SSIP);
    rv_bench_free(tb);
}

UNITTEST(mip_seip_is_software_bit_or_line)
{
    RvTestBench *tb = rv_bench_new();
    RiscvCpu *cpu = &tb->cpu;
    uint64_t old;

    /* 3.1.9: a read of mip.SEIP sees software bit | PLIC line */
    riscv_cpu_update_mip(cpu, MIP_SEIP, MIP_SEIP);
    CHECK_U64(rd_csr(cpu, CSR_mip), MIP_SEIP);
    /* the line alone: csrw mip, 0 cannot clear it */
    wr_csr(cpu, CSR_mip, 0);
    CHECK_U64(rd_csr(cpu, CSR_mip), MIP_SEIP);
    /* CSRRS/CSRRC modify the software bit only: setting SSIP while the line
     * is high must not latch SEIP in software */
    CHECK(riscv_csr_access(cpu, CSR_mip, &old, MIP_SSIP, MIP_SSIP, true));
    CHECK_U64(old, MIP_SEIP);
    riscv_cpu_update_mip(cpu, MIP_SEIP, 0);
    CHECK_U64(rd_csr(cpu, CSR_mip), MIP_SSIP);
    /* the software bit alone stays when the line falls and rises again */
    wr_csr(cpu, CSR_mip, MIP_SEIP);
    riscv_cpu_update_mip(cpu, MIP_SEIP, MIP_SEIP);
    riscv_cpu_update_mip(cpu, MIP_SEIP, 0);
    CHECK_U64(rd_csr(cpu, CSR_mip), MIP_SEIP);
    /* it makes an interrupt pending like the line does */
    cpu->mie = MIP_SEIP;
    cpu->priv = PRV_S;
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), IRQ_S_EXT);
    /* csrc clears the software bit; the line decides again */
    cpu->priv = PRV_M;
    CHECK(riscv_csr_access(cpu, CSR_mip, NULL, 0, MIP_SEIP, true));
    CHECK_U64(rd_csr(cpu, CSR_mip), 0);
    cpu->priv = PRV_S;
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), -1);
    rv_bench_free(tb);
}

UNITTEST(trap_vectors_and_epc)
{
    RvTestBench *tb = rv_bench_new();
    RiscvCpu *cpu = &tb->cpu;
    wr_csr(cpu, CSR_mtvec, 0x80001001);
    CHECK_U64(rd_csr(cpu, CSR_mtvec), 0x80001001);
    wr_csr(cpu, CSR_mtvec, 0x80002002);                 /* reserved mode */
    CHECK_U64(rd_csr(cpu, CSR_mtvec), 0x80001001);
    wr_csr(cpu, CSR_stvec, 0x80003003);
    CHECK_U64(rd_csr(cpu, CSR_stvec), 0);
    wr_csr(cpu, CSR_mepc, 0x80000007);
    CHECK_U64(rd_csr(cpu, CSR_mepc), 0x80000006);
    cpu->misa &= ~RVC;                                  /* IALIGN 32 view */
    CHECK_U64(rd_csr(cpu, CSR_mepc), 0x80000004);
    wr_csr(cpu, CSR_sepc, 0x3);
    CHECK_U64(rd_csr(cpu, CSR_sepc), 0);
    wr_csr(cpu, CSR_mcause, 0x800000000000000bull);
    CHECK_U64(rd_csr(cpu, CSR_mcause), 0x800000000000000bull);
    rv_bench_free(tb);
}

UNITTEST(satp_modes_and_tvm)
{
    RvTestBench *tb = rv_bench_new();
    RiscvCpu *cpu = &tb->cpu;
    uint64_t sv48 = (uint64_t)SATP_MODE_SV48 << SATP_MODE_SHIFT | 0x80123;
    wr_csr(cpu, CSR_satp, sv48);
    CHECK_U64(rd_csr(cpu, CSR_satp), sv48);
    wr_csr(cpu, CSR_satp, 1ull << SATP_MODE_SHIFT | 0x5);     /* Sv32's number: ignored */
    CHECK_U64(rd_csr(cpu, CSR_satp), sv48);
    wr_csr(cpu, CSR_satp, 11ull << SATP_MODE_SHIFT | 0x5);    /* Sv64: not ours */
    CHECK_U64(rd_csr(cpu, CSR_satp), sv48);
    wr_csr(cpu, CSR_satp, (uint64_t)SATP_MODE_SV57 << SATP_MODE_SHIFT);
    CHECK_U64(rd_csr(cpu, CSR_satp) >> SATP_MODE_SHIFT, SATP_MODE_SV57);

    cpu->priv = PRV_S;
    CHECK(riscv_csr_access(cpu, CSR_satp, NULL, 0, 0, false));
    cpu->mstatus |= MSTATUS_TVM;
    CHECK(!riscv_csr_access(cpu, CSR_satp, NULL, 0, 0, false));
    cpu->priv = PRV_M;
    CHECK(riscv_csr_access(cpu, CSR_satp, NULL, 0, 0, false));
    rv_bench_free(tb);
}

UNITTEST(counters_and_counteren)
{
    RvTestBench *tb = rv_bench_new();
    RiscvCpu *cpu = &tb->cpu;
    uint64_t v;

    /* time needs a timer */
    CHECK(!riscv_csr_access(cpu, CSR_time, &v, 0, 0, false));
    cpu->rdtime = fake_rdtime;
    fake_time = 12345;
    CHECK_U64(rd_csr(cpu, CSR_time), 12345);

    /* mcycle: written values count on from there; inhibit freezes */
    wr_csr(cpu, CSR_mcycle, 1000);
    v = rd_csr(cpu, CSR_cycle);
    CHECK(v >= 1000 && v < 1000 + 1000000000ull);
    wr_csr(cpu, CSR_mcountinhibit, ~0ull);
    CHECK_U64(rd_csr(cpu, CSR_mcountinhibit), ~0u & ~COUNTEREN_TM);
    wr_csr(cpu, CSR_minstret, 77);
    CHECK_U64(rd_csr(cpu, CSR_instret), 77);
    CHECK_U64(rd_csr(cpu, CSR_minstret), 77);
    CHECK_U64(rd_csr(cpu, CSR_hpmcounter3), 0);

    /* S needs mcounteren; U needs mcounteren and scounteren */
    cpu->priv = PRV_S;
    CHECK(!riscv_csr_access(cpu, CSR_cycle, &v, 0, 0, false));
    CHECK(!riscv_csr_access(cpu, CSR_mcycle, &v, 0, 0, false));
    cpu->mcounteren = COUNTEREN_CY | COUNTEREN_TM;
    CHECK(riscv_csr_access(cpu, CSR_cycle, &v, 0, 0, false));
    CHECK(riscv_csr_access(cpu, CSR_time, &v, 0, 0, false));
    CHECK(!riscv_csr_access(cpu, CSR_instret, &v, 0, 0, false));
    cpu->priv = PRV_U;
    CHECK(!riscv_csr_access(cpu, CSR_time, &v, 0, 0, false));
    cpu->scounteren = COUNTEREN_TM;
    CHECK(riscv_csr_access(cpu, CSR_time, &v, 0, 0, false));
    CHECK(!riscv_csr_access(cpu, CSR_cycle, &v, 0, 0, false));
    /* Linux user mode: U reads every counter, time from the host */
    cpu->parent.mem_mode = CPU_MEM_USER;
    cpu->rdtime = NULL;
    cpu->scounteren = cpu->mcounteren = 0;
    CHECK(riscv_csr_access(cpu, CSR_cycle, &v, 0, 0, false));
    CHECK(riscv_csr_access(cpu, CSR_time, &v, 0, 0, false));
    CHECK(v != 0);
    cpu->parent.mem_mode = CPU_MEM_SOFTMMU;
    rv_bench_free(tb);
}

UNITTEST(sstc_stimecmp)
{
    RvTestBench *tb = rv_bench_new();
    RiscvCpu *cpu = &tb->cpu;
    cpu->rdtime = fake_rdtime;
    fake_time = 100;

    /* without STCE: S cannot touch stimecmp, STIP is software's */
    cpu->priv = PRV_S;
    cpu->mcounteren = COUNTEREN_TM;
    CHECK(!riscv_csr_access(cpu, CSR_stimecmp, NULL, 0, 0, false));
    cpu->priv = PRV_M;
    wr_csr(cpu, CSR_mip, MIP_STIP);
    CHECK_U64(rd_csr(cpu, CSR_mip), MIP_STIP);
    wr_csr(cpu, CSR_menvcfg, ~0ull);
    CHECK_U64(rd_csr(cpu, CSR_menvcfg), MENVCFG_STCE | MENVCFG_FIOM);
    /* STCE on: STIP = time >= stimecmp (reset value all ones: clear) */
    CHECK_U64(rd_csr(cpu, CSR_mip) & MIP_STIP, 0);
    wr_csr(cpu, CSR_mip, MIP_STIP);                     /* read-only now */
    CHECK_U64(rd_csr(cpu, CSR_mip) & MIP_STIP, 0);
    cpu->priv = PRV_S;
    cpu->stimer_arm = fake_stimer_arm;
    wr_csr(cpu, CSR_stimecmp, 150);
    CHECK_U64(atomic_load(&cpu->mip) & MIP_STIP, 0);
    CHECK_U64(armed_at, 150);                           /* the board's timer */
    fake_time = 150;
    CHECK_U64(rd_csr(cpu, CSR_sip) & MIP_STIP, 0);     /* not delegated: hidden */
    CHECK_U64(atomic_load(&cpu->mip) & MIP_STIP, MIP_STIP);
    wr_csr(cpu, CSR_stimecmp, 1000);
    CHECK_U64(atomic_load(&cpu->mip) & MIP_STIP, 0);
    CHECK_U64(armed_at, 1000);
    /* the timer's callback: time reached, STIP rises */
    fake_time = 1000;
    riscv_cpu_update_stip(cpu);
    CHECK_U64(atomic_load(&cpu->mip) & MIP_STIP, MIP_STIP);
    /* STCE off: the comparator lets go and the timer is disarmed */
    cpu->priv = PRV_M;
    wr_csr(cpu, CSR_menvcfg, 0);
    CHECK_U64(atomic_load(&cpu->mip) & MIP_STIP, 0);
    CHECK_U64(armed_at, UINT64_MAX);
    wr_csr(cpu, CSR_menvcfg, MENVCFG_STCE);
    cpu->priv = PRV_S;
    /* mcounteren.TM gates it too */
    cpu->mcounteren = 0;
    CHECK(!riscv_csr_access(cpu, CSR_stimecmp, NULL, 0, 0, false));
    rv_bench_free(tb);
}

UNITTEST(fp_csrs_and_fs)
{
    RvTestBench *tb = rv_bench_new();
    RiscvCpu *cpu = &tb->cpu;
    CHECK(!riscv_csr_access(cpu, CSR_fcsr, NULL, 0, 0, false));     /* FS Off */
    cpu->mstatus |= (uint64_t)EXT_STATUS_INITIAL << MSTATUS_FS_SHIFT;
    wr_csr(cpu, CSR_fcsr, 0xff);
    CHECK_U64(rd_csr(cpu, CSR_fflags), 0x1f);
    CHECK_U64(rd_csr(cpu, CSR_frm), 7);
    CHECK_U64(cpu->mstatus & MSTATUS_FS, MSTATUS_FS);                /* Dirty */
    CHECK(rd_csr(cpu, CSR_mstatus) & MSTATUS_SD);
    wr_csr(cpu, CSR_frm, 0x21);
    CHECK_U64(rd_csr(cpu, CSR_fcsr), 0x3f);
    rv_bench_free(tb);
}
