/*
 * RISC-V traps and interrupts (Privileged ISA 1.12, 3.1.6.1, 3.1.7-3.1.9,
 * 3.3, 4.1.1): which interrupt the hart takes (priority MEI, MSI, MTI, SEI,
 * SSI, STI; delegated ones to S with mideleg; an interrupt for a mode above
 * the current one is always enabled, for the current one only with its
 * xIE, for a lower one never), trap entry with delegation to S (medeleg /
 * mideleg, only from S or U), xEPC/xCAUSE/xTVAL, the xPP/xPIE/xIE stack,
 * vectored xtvec for interrupts, and the instructions that leave or wait:
 * mret, sret, wfi, sfence.vma (their helpers; the legality checks that
 * depend on TB flags are in trans_privileged.c).  Replaces cpu.c's weak
 * placeholders (riscv_cpu_do_interrupt, riscv_cpu_exec_interrupt,
 * riscv_cpu_has_work).
 *
 * The interrupt request: mip changes from devices on any thread go through
 * riscv_cpu_update_mip, which sets CPU_INTERRUPT_HARD (kicking the hart)
 * whenever mip & mie is non-zero, so a WFI wakes even with interrupts
 * globally disabled (3.3.3); on the vCPU thread, riscv_cpu_update_interrupt
 * recomputes the exact "takeable now" state after anything that enables
 * interrupts (CSR writes, xRET), and riscv_cpu_exec_interrupt drops the
 * request when nothing is takeable, so the exec loop does not ask again at
 * every block until something changes.
 */
#include <inttypes.h>

#include "exec/exec.h"
#include "guest/riscv/csr.h"
#include "guest/riscv/translate.h"
#include "util/log.h"

/* ---- interrupt state ---- */

/* 3.1.9: the order in which simultaneous interrupts are taken. */
static const unsigned riscv_irq_priority[] = {
    IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER,
};

static int riscv_highest_irq(uint64_t irqs)
{
    for (unsigned k = 0; k < sizeof(riscv_irq_priority) / sizeof(riscv_irq_priority[0]); k++) {
        if ((irqs >> riscv_irq_priority[k]) & 1) {
            return (int)riscv_irq_priority[k];
        }
    }
    return -1;
}

int riscv_cpu_pending_interrupt(RiscvCpu *cpu)
{
    uint64_t pending = atomic_load(&cpu->mip) & cpu->mie;
    /* 3.1.6.1: interrupts for M are enabled in M only with MIE, always
     * below; interrupts delegated to S: in S only with SIE, always in U,
     * never in M. */
    bool m_enabled = cpu->priv < PRV_M || (cpu->mstatus & MSTATUS_MIE);
    bool s_enabled = cpu->priv < PRV_S || (cpu->priv == PRV_S && (cpu->mstatus & MSTATUS_SIE));
    uint64_t m_irqs = m_enabled ? pending & ~cpu->mideleg : 0;
    uint64_t s_irqs = s_enabled ? pending & cpu->mideleg : 0;

    /* Anything for M beats anything for S (3.1.9's order is within one
     * destination; M interrupts outrank S ones). */
    return m_irqs ? riscv_highest_irq(m_irqs) : riscv_highest_irq(s_irqs);
}

void riscv_cpu_update_interrupt(RiscvCpu *cpu)
{
    CpuState *cs = &cpu->parent;

    if (riscv_cpu_pending_interrupt(cpu) >= 0) {
        cpu_interrupt(cs, CPU_INTERRUPT_HARD);
    } else {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
    }
}

/* Change mip bits in mask to value, where a SEIP in mask means the source
 * seip_source (MIP_SEIP_LINE or MIP_SEIP_SOFTWARE); the effective SEIP is
 * recomputed in the same compare-and-swap, so a device raising its line
 * and the hart writing mip can't lose each other's update. */
static uint64_t riscv_cpu_change_mip(RiscvCpu *cpu, uint64_t mask, uint64_t value,
                                     uint64_t seip_source)
{
    CpuState *cs = &cpu->parent;
    uint64_t old = atomic_load(&cpu->mip);
    uint64_t new;

    if (mask & MIP_SEIP) {
        mask = (mask & ~MIP_SEIP) | seip_source;
        value = (value & ~MIP_SEIP) | ((value & MIP_SEIP) ? seip_source : 0);
    }
    mask &= MIP_VISIBLE | seip_source;
    do {
        new = (old & ~mask) | (value & mask);
        new = (new & ~MIP_SEIP) | ((new & (MIP_SEIP_LINE | MIP_SEIP_SOFTWARE)) ? MIP_SEIP : 0);
    } while (!atomic_compare_exchange_weak(&cpu->mip, &old, new));

    if (new & cpu->mie) {
        /* Wake the hart: it decides on its own thread whether to trap. */
        cpu_interrupt(cs, CPU_INTERRUPT_HARD);
    } else {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
    }
    if (new != old && cpu->mip_update) {
        cpu->mip_update(cpu->board_opaque, new & MIP_VISIBLE);
    }
    return old & MIP_VISIBLE;
}

uint64_t riscv_cpu_update_mip(RiscvCpu *cpu, uint64_t mask, uint64_t value)
{
    return riscv_cpu_change_mip(cpu, mask, value, MIP_SEIP_LINE);
}

void riscv_cpu_write_mip(RiscvCpu *cpu, uint64_t mask, uint64_t value)
{
    riscv_cpu_change_mip(cpu, mask, value, MIP_SEIP_SOFTWARE);
}

uint64_t riscv_cpu_mip_rmw_base(RiscvCpu *cpu)
{
    uint64_t mip = atomic_load(&cpu->mip);
    uint64_t seip = (mip & MIP_SEIP_SOFTWARE) ? MIP_SEIP : 0;

    return ((mip & ~MIP_SEIP) | seip) & MIP_VISIBLE;
}

void riscv_hart_gpio_set(void *opaque, int n, int level)
{
    RiscvHart *hart = opaque;
    uint64_t bit = 1ull << (n & 63);

    if (n < 0 || n >= IRQ_LOCAL_COUNT || !(bit & (MIP_S_MASK | MIP_M_MASK))) {
        return;
    }
    riscv_cpu_update_mip(&hart->cpu, bit, level ? bit : 0);
}

void riscv_cpu_update_stip(RiscvCpu *cpu)
{
    if (!cpu->cfg.ext_sstc || !(cpu->menvcfg & MENVCFG_STCE)) {
        return;
    }
    /* Sstc 1.0, 3.1: STIP reflects time >= stimecmp (unsigned). */
    if (riscv_csr_time(cpu) >= cpu->stimecmp) {
        riscv_cpu_update_mip(cpu, MIP_STIP, MIP_STIP);
    } else {
        riscv_cpu_update_mip(cpu, MIP_STIP, 0);
        if (cpu->stimer_arm) {
            cpu->stimer_arm(cpu->board_opaque, cpu->stimecmp);
        }
    }
}

void riscv_cpu_tlb_flush(RiscvCpu *cpu)
{
    if (cpu->parent.tlb.f[0].table) {
        tlb_flush(&cpu->parent);
    }
}

/* ---- CpuOps ---- */

bool riscv_cpu_has_work(CpuState *cs)
{
    RiscvCpu *cpu = riscv_cpu(cs);

    /* 3.3.3: WFI resumes when any enabled interrupt is pending, whatever the
     * global enables (mstatus.MIE/SIE) say.  No side effects: the
     * accelerator asks with its run-control lock held, and a kick would
     * take that lock again; a due Sstc deadline counts as pending STIP. */
    if (atomic_load(&cpu->mip) & cpu->mie) {
        return true;
    }
    return (cpu->mie & MIP_STIP) && cpu->cfg.ext_sstc && (cpu->menvcfg & MENVCFG_STCE) &&
           riscv_csr_time(cpu) >= cpu->stimecmp;
}

bool riscv_cpu_exec_interrupt(CpuState *cs, uint32_t interrupt_request)
{
    RiscvCpu *cpu = riscv_cpu(cs);
    int irq;

    if (!(interrupt_request & CPU_INTERRUPT_HARD)) {
        return false;
    }
    irq = riscv_cpu_pending_interrupt(cpu);
    if (irq < 0) {
        /* Pending but masked: forget the request until an enable changes. */
        atomic_fetch_and(&cs->interrupt_request, ~(uint32_t)CPU_INTERRUPT_HARD);
        return false;
    }
    cs->exception_index = RISCV_EXCP_INT_FLAG | irq;
    riscv_cpu_do_interrupt(cs);
    return true;
}

void riscv_cpu_do_interrupt(CpuState *cs)
{
    RiscvCpu *cpu = riscv_cpu(cs);
    int index = cs->exception_index;
    bool async;
    uint64_t cause, tval, deleg, s;

    if (index < 0 || index >= EXCP_INTERRUPT) {
        return;                 /* not a guest trap (e.g. EXCP_HLT from wfi) */
    }
    async = (index & RISCV_EXCP_INT_FLAG) != 0;
    cause = (uint64_t)(index & ~RISCV_EXCP_INT_FLAG);
    tval = async ? 0 : cpu->trap_tval;
    deleg = async ? cpu->mideleg : cpu->medeleg;

    log_mask_printf(LOG_INT, "riscv: %s %" PRIu64 " at pc %" PRIx64 " priv %u tval %" PRIx64
                    "\n", async ? "interrupt" : "exception", cause, cpu->pc, cpu->priv, tval);

    if (cpu->priv <= PRV_S && ((deleg >> cause) & 1)) {
        /* 4.1.1: trap to S. */
        s = cpu->mstatus;
        s = (s & ~MSTATUS_SPIE) | (s & MSTATUS_SIE ? MSTATUS_SPIE : 0);
        s = (s & ~MSTATUS_SPP) | (cpu->priv == PRV_S ? MSTATUS_SPP : 0);
        s &= ~MSTATUS_SIE;
        cpu->mstatus = s;
        cpu->scause = cause | (async ? RISCV_CAUSE_INTERRUPT : 0);
        cpu->sepc = cpu->pc;
        cpu->stval = tval;
        cpu->pc = (cpu->stvec & ~3ull) + ((cpu->stvec & 1) && async ? 4 * cause : 0);
        cpu->priv = PRV_S;
    } else {
        /* 3.1.6.1: trap to M. */
        s = cpu->mstatus;
        s = (s & ~MSTATUS_MPIE) | (s & MSTATUS_MIE ? MSTATUS_MPIE : 0);
        s = (s & ~MSTATUS_MPP) | (uint64_t)cpu->priv << MSTATUS_MPP_SHIFT;
        s &= ~MSTATUS_MIE;
        cpu->mstatus = s;
        cpu->mcause = cause | (async ? RISCV_CAUSE_INTERRUPT : 0);
        cpu->mepc = cpu->pc;
        cpu->mtval = tval;
        cpu->pc = (cpu->mtvec & ~3ull) + ((cpu->mtvec & 1) && async ? 4 * cause : 0);
        cpu->priv = PRV_M;
    }
    riscv_cpu_sync_tb_flags(cpu);
    cpu->trap_tval = 0;
    cs->exception_index = EXCP_NONE;
    riscv_cpu_update_interrupt(cpu);
}

/* ---- helpers of trans_privileged.c (helpers.def, rv-priv section) ---- */

/* 3.3.2: MRET, legal in M only (checked at translation). */
void helper_riscv_mret(void *env)
{
    RiscvCpu *cpu = env;
    uint64_t s = cpu->mstatus;
    unsigned prev = (unsigned)((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);

    s = (s & ~MSTATUS_MIE) | (s & MSTATUS_MPIE ? MSTATUS_MIE : 0);
    s |= MSTATUS_MPIE;
    /* MPP <- the least-privileged mode; MPRV <- 0 when leaving M (1.12). */
    s &= ~MSTATUS_MPP;
    s |= (uint64_t)(cpu->misa & RVU ? PRV_U : PRV_M) << MSTATUS_MPP_SHIFT;
    if (prev != PRV_M) {
        s &= ~MSTATUS_MPRV;
    }
    cpu->mstatus = s;
    cpu->priv = prev;
    riscv_cpu_sync_tb_flags(cpu);
    cpu->pc = cpu->misa & RVC ? cpu->mepc : cpu->mepc & ~3ull;
    riscv_cpu_update_interrupt(cpu);
}

/* 3.3.2 / 4.1.1: SRET, legal in S (without TSR) and M. */
void helper_riscv_sret(void *env)
{
    RiscvCpu *cpu = env;
    uint64_t s = cpu->mstatus;
    unsigned prev = s & MSTATUS_SPP ? PRV_S : PRV_U;

    s = (s & ~MSTATUS_SIE) | (s & MSTATUS_SPIE ? MSTATUS_SIE : 0);
    s |= MSTATUS_SPIE;
    s &= ~(MSTATUS_SPP | MSTATUS_MPRV);   /* SPP <- U; the new mode is never M */
    cpu->mstatus = s;
    cpu->priv = prev;
    riscv_cpu_sync_tb_flags(cpu);
    cpu->pc = cpu->misa & RVC ? cpu->sepc : cpu->sepc & ~3ull;
    riscv_cpu_update_interrupt(cpu);
}

/* 3.3.3: WFI; cpu->pc already points past it.  Halt until has_work. */
void helper_riscv_wfi(void *env)
{
    CpuState *cs = env;

    atomic_store(&cs->halted, 1);
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}

/* 4.2.1: SFENCE.VMA; rs1 = x0 (all) flushes every address.  ASIDs are not
 * tagged in our TLB, so rs2 does not narrow anything. */
void helper_riscv_sfence_vma(void *env, uint64_t addr, uint32_t all)
{
    CpuState *cs = env;

    if (!cs->tlb.f[0].table) {
        return;                 /* no soft-MMU (user mode, unit tests) */
    }
    if (all) {
        tlb_flush(cs);
    } else {
        tlb_flush_page(cs, addr);
    }
}

/* Zicsr (trans_zicsr.c): insn is the instruction (csr in bits 31:20, and
 * the illegal-instruction tval, 3.1.16); write says whether it writes. */
uint64_t helper_riscv_csrrw(void *env, uint32_t insn, uint32_t write, uint64_t val,
                            uint64_t mask)
{
    RiscvCpu *cpu = env;
    CpuState *cs = env;
    uint64_t old = 0;

    if (!riscv_csr_access(cpu, insn >> 20, &old, val, mask, write != 0)) {
        cpu->trap_tval = insn;
        cs->exception_index = RISCV_EXCP_ILLEGAL_INST;
        cpu_loop_exit_restore(cs, GETPC());
    }
    return old;
}

/* CpuOps.do_unaligned_access: a misaligned access that must trap. */
void riscv_cpu_do_unaligned_access(CpuState *cs, GuestVaddr addr, MmuAccessType access,
                                   unsigned mmu_idx, uintptr_t ra)
{
    RiscvCpu *cpu = riscv_cpu(cs);

    /* Only atomics ask for alignment (MO_ALIGN): AMOs and SC report store/AMO
     * misaligned, LR load misaligned (Unprivileged 8.2, 8.4). */
    cs->exception_index = access == MMU_DATA_LOAD ? RISCV_EXCP_LOAD_ADDR_MIS
                          : access == MMU_INST_FETCH ? RISCV_EXCP_INST_ADDR_MIS
                                                     : RISCV_EXCP_STORE_AMO_ADDR_MIS;
    cpu->trap_tval = addr;
    cpu_loop_exit_restore(cs, ra);
}
