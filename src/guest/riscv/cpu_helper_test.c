/*
 * Traps and interrupts (cpu_helper.c, trans_privileged.c) on the test
 * bench: ecall causes per privilege, ebreak's tval, delegation to S with
 * medeleg, mret/sret dropping to S and U (xPP/xPIE/xIE, MPRV), the
 * TW/TSR/TVM traps, wfi, and interrupts: priority, the global enables per
 * privilege, delegation with mideleg, vectored xtvec, the request bit a
 * device line sets.
 */
#include "guest/riscv/csr.h"

#include <stdlib.h>

#include "guest/riscv/rv_testbench.h"
#include "util/unittest.h"

#define BASE RV_TB_RAM_BASE
#define MTRAP (BASE + 0x1000)
#define STRAP (BASE + 0x2000)
#define SCODE (BASE + 0x3000)
#define UCODE (BASE + 0x4000)

#define ECALL 0x00000073u
#define EBREAK 0x00100073u
#define SRET 0x10200073u
#define MRET 0x30200073u
#define WFI 0x10500073u
#define SFENCE_VMA(rs1, rs2) RV_R(0x73, 0, 0, rs1, rs2, 0x09)

static RvTestBench *bench(void)
{
    RvTestBench *tb = rv_bench_new();
    tb->cpu.mtvec = MTRAP;
    tb->cpu.stvec = STRAP;
    return tb;
}

static void put(RvTestBench *tb, uint64_t addr, uint32_t insn)
{
    rv_bench_load32(tb, addr, &insn, 1);
}

/* Run from pc at priv until pc reaches stop. */
static bool go(RvTestBench *tb, uint64_t pc, unsigned priv, uint64_t stop)
{
    tb->cpu.pc = pc;
    tb->cpu.priv = priv;
    return rv_bench_run(tb, stop, 10000);      /* ms; ends at stop */
}

UNITTEST(ecall_causes_and_ebreak)
{
    RvTestBench *tb = bench();
    put(tb, SCODE, ECALL);
    static const unsigned privs[] = { PRV_U, PRV_S, PRV_M };
    static const unsigned causes[] = { 8, 9, 11 };
    for (unsigned k = 0; k < 3; k++) {
        CHECK(go(tb, SCODE, privs[k], MTRAP));
        CHECK_U64(tb->cpu.mcause, causes[k]);
        CHECK_U64(tb->cpu.mepc, SCODE);
        CHECK_U64(tb->cpu.mtval, 0);
        CHECK_INT(tb->cpu.priv, PRV_M);
        CHECK_U64((tb->cpu.mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, privs[k]);
    }
    put(tb, SCODE + 4, EBREAK);
    CHECK(go(tb, SCODE + 4, PRV_S, MTRAP));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_BREAKPOINT);
    CHECK_U64(tb->cpu.mtval, SCODE + 4);
    /* c.ebreak */
    uint16_t cebreak = 0x9002;
    rv_bench_load16(tb, SCODE + 8, &cebreak, 1);
    CHECK(go(tb, SCODE + 8, PRV_M, MTRAP));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_BREAKPOINT);
    CHECK_U64(tb->cpu.mepc, SCODE + 8);
    rv_bench_free(tb);
}

UNITTEST(mret_to_s_and_sret_to_u_with_delegation)
{
    RvTestBench *tb = bench();
    /* M: mret to S; S: sret to U; U: ecall, delegated to S */
    put(tb, BASE, MRET);
    put(tb, SCODE, SRET);
    put(tb, UCODE, ECALL);
    tb->cpu.mepc = SCODE;
    tb->cpu.sepc = UCODE;
    tb->cpu.mstatus |= (uint64_t)PRV_S << MSTATUS_MPP_SHIFT | MSTATUS_MPIE | MSTATUS_MPRV |
                       MSTATUS_SPIE;
    tb->cpu.medeleg = 1u << RISCV_EXCP_U_ECALL;
    CHECK(go(tb, BASE, PRV_M, STRAP));
    CHECK_INT(tb->cpu.priv, PRV_S);
    CHECK_U64(tb->cpu.scause, RISCV_EXCP_U_ECALL);
    CHECK_U64(tb->cpu.sepc, UCODE);
    CHECK_U64(tb->cpu.mstatus & MSTATUS_SPP, 0);            /* came from U */
    /* mret: MIE <- MPIE, MPIE <- 1, MPP <- U, MPRV cleared (left M) */
    CHECK(tb->cpu.mstatus & MSTATUS_MIE);
    CHECK(tb->cpu.mstatus & MSTATUS_MPIE);
    CHECK_U64(tb->cpu.mstatus & (MSTATUS_MPP | MSTATUS_MPRV), 0);
    /* sret: SIE <- SPIE(1), SPIE <- 1; the trap: SPIE <- SIE(1), SIE <- 0 */
    CHECK(tb->cpu.mstatus & MSTATUS_SPIE);
    CHECK(!(tb->cpu.mstatus & MSTATUS_SIE));
    CHECK_U64(tb->exceptions, 1);

    /* not delegated: the same ecall goes to M; from M, never to S */
    tb->cpu.medeleg = 0;
    CHECK(go(tb, UCODE, PRV_U, MTRAP));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_U_ECALL);
    tb->cpu.medeleg = ~0ull;
    put(tb, BASE + 8, EBREAK);
    CHECK(go(tb, BASE + 8, PRV_M, MTRAP));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_BREAKPOINT);
    /* S's own traps delegated to S: SPP = S */
    tb->cpu.medeleg = 1u << RISCV_EXCP_BREAKPOINT;
    CHECK(go(tb, BASE + 8, PRV_S, STRAP));
    CHECK(tb->cpu.mstatus & MSTATUS_SPP);
    CHECK_U64(tb->cpu.stval, BASE + 8);
    rv_bench_free(tb);
}

UNITTEST(illegal_privileged_instructions)
{
    RvTestBench *tb = bench();
    /* (instruction, privilege, mstatus bits) that must be illegal */
    static const struct { uint32_t insn; unsigned priv; uint64_t status; } bad[] = {
        { MRET, PRV_S, 0 },
        { MRET, PRV_U, 0 },
        { SRET, PRV_U, 0 },
        { SRET, PRV_S, MSTATUS_TSR },
        { WFI, PRV_U, 0 },
        { WFI, PRV_S, MSTATUS_TW },
        { SFENCE_VMA(0, 0), PRV_U, 0 },
        { SFENCE_VMA(10, 0), PRV_S, MSTATUS_TVM },
    };
    for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        put(tb, SCODE, bad[k].insn);
        tb->cpu.mstatus = MSTATUS_SXL_64 | MSTATUS_UXL_64 | bad[k].status;
        CHECK(go(tb, SCODE, bad[k].priv, MTRAP));
        CHECK_U64(tb->cpu.mcause, RISCV_EXCP_ILLEGAL_INST);
        CHECK_U64(tb->cpu.mtval, bad[k].insn);
    }
    /* and the legal ones: sret in M with TSR, sfence.vma in S, wfi in M with TW */
    tb->cpu.mstatus = MSTATUS_SXL_64 | MSTATUS_UXL_64 | MSTATUS_TSR | MSTATUS_TW |
                      MSTATUS_SPP;
    tb->cpu.sepc = UCODE;
    put(tb, SCODE, SRET);
    CHECK(go(tb, SCODE, PRV_M, UCODE));
    CHECK_INT(tb->cpu.priv, PRV_S);
    put(tb, SCODE, SFENCE_VMA(10, 11));
    CHECK(go(tb, SCODE, PRV_S, SCODE + 4));     /* sfence.vma ends the block */
    CHECK_INT(tb->cpu.priv, PRV_S);
    rv_bench_free(tb);
}

UNITTEST(wfi_halts_until_work)
{
    RvTestBench *tb = bench();
    put(tb, SCODE, WFI);
    /* the exec loop returns EXCP_HLT with the hart halted past the wfi */
    CHECK(!go(tb, SCODE, PRV_M, SCODE + 8));
    CHECK(atomic_load(&tb->cpu.parent.halted));
    CHECK_U64(tb->cpu.pc, SCODE + 4);
    CHECK_U64(tb->exceptions, 0);
    CHECK_U64(tb->cpu.mcause, 0);                           /* no trap taken */
    /* has_work: an enabled pending interrupt, even with MIE clear */
    CHECK(!riscv_cpu_has_work(&tb->cpu.parent));
    tb->cpu.mie = MIP_MTIP;
    riscv_cpu_update_mip(&tb->cpu, MIP_MTIP, MIP_MTIP);
    CHECK(riscv_cpu_has_work(&tb->cpu.parent));
    CHECK(!riscv_cpu_exec_interrupt(&tb->cpu.parent, CPU_INTERRUPT_HARD));
    rv_bench_free(tb);
}

UNITTEST(interrupt_priority_and_enables)
{
    RvTestBench *tb = bench();
    RiscvCpu *cpu = &tb->cpu;
    CpuState *cs = &cpu->parent;

    cpu->mie = MIP_M_MASK | MIP_S_MASK;
    riscv_cpu_update_mip(cpu, MIP_M_MASK | MIP_S_MASK, MIP_MTIP | MIP_MSIP | MIP_SEIP);
    CHECK(atomic_load(&cs->interrupt_request) & CPU_INTERRUPT_HARD);
    /* M with MIE clear: nothing; the request is dropped */
    cpu->priv = PRV_M;
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), -1);
    CHECK(!riscv_cpu_exec_interrupt(cs, CPU_INTERRUPT_HARD));
    CHECK(!(atomic_load(&cs->interrupt_request) & CPU_INTERRUPT_HARD));
    /* enabling through the CSR raises it again */
    CHECK(riscv_csr_access(cpu, CSR_mstatus, NULL, MSTATUS_MIE, MSTATUS_MIE, true));
    CHECK(atomic_load(&cs->interrupt_request) & CPU_INTERRUPT_HARD);
    /* priority: MSI before MTI before SEI; MEI before all */
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), IRQ_M_SOFT);
    riscv_cpu_update_mip(cpu, MIP_MEIP, MIP_MEIP);
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), IRQ_M_EXT);
    riscv_cpu_update_mip(cpu, MIP_MEIP | MIP_MSIP, 0);
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), IRQ_M_TIMER);
    riscv_cpu_update_mip(cpu, MIP_MTIP, 0);
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), IRQ_S_EXT);
    riscv_cpu_update_mip(cpu, MIP_SSIP | MIP_STIP, MIP_SSIP | MIP_STIP);
    riscv_cpu_update_mip(cpu, MIP_SEIP, 0);
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), IRQ_S_SOFT);
    riscv_cpu_update_mip(cpu, MIP_SSIP, 0);
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), IRQ_S_TIMER);

    /* S interrupts delegated: never taken in M, in S only with SIE, always in U */
    cpu->mideleg = MIP_S_MASK;
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), -1);
    cpu->priv = PRV_S;
    cpu->mstatus &= ~(MSTATUS_MIE | MSTATUS_SIE);
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), -1);
    cpu->mstatus |= MSTATUS_SIE;
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), IRQ_S_TIMER);
    cpu->mstatus &= ~MSTATUS_SIE;
    cpu->priv = PRV_U;
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), IRQ_S_TIMER);
    /* M interrupts below M: taken whatever MIE says, and before S ones */
    riscv_cpu_update_mip(cpu, MIP_MTIP, MIP_MTIP);
    cpu->priv = PRV_S;
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), IRQ_M_TIMER);
    /* only enabled (mie) ones count */
    cpu->mie = MIP_STIP;
    CHECK_INT(riscv_cpu_pending_interrupt(cpu), -1);
    rv_bench_free(tb);
}

UNITTEST(interrupt_delivery_vectored)
{
    RvTestBench *tb = bench();
    RiscvCpu *cpu = &tb->cpu;
    CpuState *cs = &cpu->parent;

    /* M timer interrupt from S, vectored mtvec */
    cpu->mtvec = MTRAP | 1;
    cpu->priv = PRV_S;
    cpu->pc = SCODE + 0x40;
    cpu->mie = MIP_MTIP | MIP_STIP;
    riscv_cpu_update_mip(cpu, MIP_MTIP, MIP_MTIP);
    CHECK(riscv_cpu_exec_interrupt(cs, CPU_INTERRUPT_HARD));
    CHECK_U64(cpu->mcause, RISCV_CAUSE_INTERRUPT | IRQ_M_TIMER);
    CHECK_U64(cpu->mepc, SCODE + 0x40);
    CHECK_U64(cpu->mtval, 0);
    CHECK_U64(cpu->pc, MTRAP + 4 * IRQ_M_TIMER);
    CHECK_INT(cpu->priv, PRV_M);
    CHECK_U64((cpu->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRV_S);
    /* now in M with MIE clear: the request goes away */
    CHECK(!(atomic_load(&cs->interrupt_request) & CPU_INTERRUPT_HARD));

    /* delegated S timer from U, direct stvec: exceptions ignore vectoring */
    riscv_cpu_update_mip(cpu, MIP_MTIP | MIP_STIP, MIP_STIP);
    cpu->mideleg = MIP_STIP;
    cpu->priv = PRV_U;
    cpu->pc = UCODE;
    CHECK(riscv_cpu_exec_interrupt(cs, CPU_INTERRUPT_HARD));
    CHECK_U64(cpu->scause, RISCV_CAUSE_INTERRUPT | IRQ_S_TIMER);
    CHECK_U64(cpu->sepc, UCODE);
    CHECK_U64(cpu->pc, STRAP);
    CHECK_INT(cpu->priv, PRV_S);

    /* vectored stvec: exceptions still go to the base */
    cpu->stvec = STRAP | 1;
    cpu->medeleg = 1u << RISCV_EXCP_U_ECALL;
    put(tb, UCODE, ECALL);
    CHECK(go(tb, UCODE, PRV_U, STRAP));
    CHECK_U64(cpu->scause, RISCV_EXCP_U_ECALL);
    rv_bench_free(tb);
}

UNITTEST(gpio_lines)
{
    RiscvHart *hart = calloc(1, sizeof(*hart));
    RiscvCpu *cpu = &hart->cpu;
    RvTestBench *tb = rv_bench_new();

    cpu->misa = tb->cpu.misa;
    riscv_cpu_reset(cpu);
    cpu->mie = MIP_MEIP;
    riscv_hart_gpio_set(hart, IRQ_M_EXT, 1);
    CHECK_U64(atomic_load(&cpu->mip), MIP_MEIP);
    CHECK(atomic_load(&cpu->parent.interrupt_request) & CPU_INTERRUPT_HARD);
    riscv_hart_gpio_set(hart, IRQ_S_TIMER, 1);
    riscv_hart_gpio_set(hart, 4, 1);                /* not an interrupt: ignored */
    riscv_hart_gpio_set(hart, IRQ_M_EXT, 0);
    CHECK_U64(atomic_load(&cpu->mip), MIP_STIP);
    CHECK(!(atomic_load(&cpu->parent.interrupt_request) & CPU_INTERRUPT_HARD));
    rv_bench_free(tb);
    free(hart);
}
