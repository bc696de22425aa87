/*
 * The RISC-V CSR file: the accessors behind csr.def's rows and the Zicsr
 * access check (Privileged ISA 1.12, chapter 2 and the CSR descriptions of
 * chapters 3 and 4; Sstc 1.0; Zicntr).  Every write is legalised here
 * (WARL fields keep a legal value, read-only-zero fields stay zero), so the
 * hart state only ever holds legal values: the trap and MMU code rely on
 * mtvec/stvec MODE being 0 or 1, MPP never 2, satp MODE one we walk.
 *
 * Views: sstatus, sie and sip are windows on mstatus, mie and mip (4.1.1,
 * 4.1.3).  mstatus.SD is computed on read from FS and XS, so code that makes
 * FS Dirty need not maintain it.  Counters: mcycle counts host nanoseconds
 * (we count no cycles; QEMU does the same without icount), minstret counts
 * retired instructions (cpu->insns_retired), each less a base a write sets;
 * mcountinhibit freezes them.  User mode counts no instructions (keeping the
 * count costs every block a memory update): instret reads as cycle there,
 * as in QEMU's linux-user.
 *
 * Side effects of writes that change how addresses translate (mstatus MPRV,
 * MPP, SUM, MXR; satp; PMP) flush the soft TLB; writes that can make an
 * interrupt takeable re-evaluate the CPU's interrupt request.
 */
#include "guest/riscv/csr.h"

#include <stddef.h>
#include <time.h>

#include "guest/riscv/fpu_helper.h"
#include "guest/riscv/pmp.h"
#include "util/log.h"

typedef bool (*RiscvCsrPredFn)(RiscvCpu *cpu, unsigned csrno);
typedef uint64_t (*RiscvCsrReadFn)(RiscvCpu *cpu, unsigned csrno);
typedef void (*RiscvCsrWriteFn)(RiscvCpu *cpu, unsigned csrno, uint64_t val);

typedef struct RiscvCsr {
    const char *name;
    RiscvCsrPredFn pred;
    RiscvCsrReadFn read;
    RiscvCsrWriteFn write;      /* NULL: read-only */
} RiscvCsr;

/* ---- predicates: extra conditions on top of privilege and read-only ---- */

static bool csr_pred_any(RiscvCpu *cpu, unsigned csrno)
{
    return true;
}

static bool csr_pred_smode(RiscvCpu *cpu, unsigned csrno)
{
    return (cpu->misa & RVS) != 0;
}

static bool csr_pred_umode(RiscvCpu *cpu, unsigned csrno)
{
    return (cpu->misa & RVU) != 0;
}

/* F 11.2 / Privileged 3.1.6.6: with mstatus.FS Off, FP CSRs are illegal. */
static bool csr_pred_fp(RiscvCpu *cpu, unsigned csrno)
{
    return riscv_fp_enabled(cpu);
}

/* 3.1.12 / 4.1.5: a counter readable below M only with its mcounteren bit,
 * and in U-mode also its scounteren bit. */
static bool csr_pred_ctr(RiscvCpu *cpu, unsigned csrno)
{
    unsigned bit = csrno & 31;

    if (bit <= 2 && !cpu->cfg.ext_zicntr) {
        return false;
    }
    if (cpu->parent.mem_mode == CPU_MEM_USER) {
        return true;            /* Linux user mode: the kernel enables them */
    }
    if (bit == 1 && !cpu->rdtime) {
        /* No timer wired: let M-mode software emulate rdtime (as QEMU). */
        return false;
    }
    if (cpu->priv < PRV_M && !((cpu->mcounteren >> bit) & 1)) {
        return false;
    }
    if (cpu->priv < PRV_S && !((cpu->scounteren >> bit) & 1)) {
        return false;
    }
    return true;
}

/* Sstc 1.0, 3.2: stimecmp below M needs mcounteren.TM and menvcfg.STCE. */
static bool csr_pred_sstc(RiscvCpu *cpu, unsigned csrno)
{
    if (!cpu->cfg.ext_sstc || !cpu->rdtime) {
        return false;
    }
    if (cpu->priv < PRV_M &&
        (!(cpu->mcounteren & COUNTEREN_TM) || !(cpu->menvcfg & MENVCFG_STCE))) {
        return false;
    }
    return true;
}

/* 3.1.6.5: with mstatus.TVM, satp is illegal in S-mode. */
static bool csr_pred_satp(RiscvCpu *cpu, unsigned csrno)
{
    if (!(cpu->misa & RVS)) {
        return false;
    }
    return !(cpu->priv == PRV_S && (cpu->mstatus & MSTATUS_TVM));
}

/* ---- generic accessors ---- */

static uint64_t csr_read_zero(RiscvCpu *cpu, unsigned csrno)
{
    return 0;
}

static void csr_write_ignore(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
}

/* Debug spec 1.0, 5.7.7: bit N set when trigger type N is supported at the
 * selected index; with no triggers only type 0 ("none") is. */
static uint64_t csr_read_tinfo(RiscvCpu *cpu, unsigned csrno)
{
    return 1;
}

#define csr_none NULL

/* ---- floating point: rv-fp's accessors (fpu_helper.h) ---- */

static uint64_t csr_read_fflags(RiscvCpu *cpu, unsigned csrno)
{
    return riscv_csr_read_fflags(cpu);
}

static void csr_write_fflags(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    riscv_csr_write_fflags(cpu, val);
}

static uint64_t csr_read_frm(RiscvCpu *cpu, unsigned csrno)
{
    return riscv_csr_read_frm(cpu);
}

static void csr_write_frm(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    riscv_csr_write_frm(cpu, val);
}

static uint64_t csr_read_fcsr(RiscvCpu *cpu, unsigned csrno)
{
    return riscv_csr_read_fcsr(cpu);
}

static void csr_write_fcsr(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    riscv_csr_write_fcsr(cpu, val);
}

/* ---- counters ---- */

static uint64_t csr_host_ticks(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t csr_counter(uint32_t inhibit, unsigned bit, uint64_t base, uint64_t saved)
{
    return (inhibit >> bit) & 1 ? saved : csr_host_ticks() - base;
}

uint64_t riscv_csr_mcycle(RiscvCpu *cpu)
{
    return csr_counter(cpu->mcountinhibit, 0, cpu->mcycle_base, cpu->mcycle_saved);
}

static uint64_t csr_minstret(RiscvCpu *cpu)
{
    if (cpu->parent.mem_mode == CPU_MEM_USER) {
        return riscv_csr_mcycle(cpu);
    }
    return (cpu->mcountinhibit & COUNTEREN_IR) ? cpu->minstret_saved
                                               : cpu->insns_retired - cpu->minstret_base;
}

uint64_t riscv_csr_time(RiscvCpu *cpu)
{
    if (cpu->rdtime) {
        return cpu->rdtime(cpu->rdtime_opaque);
    }
    /* User mode: host time at the virt board's 10 MHz timebase. */
    return cpu->parent.mem_mode == CPU_MEM_USER ? csr_host_ticks() / 100 : 0;
}

static uint64_t csr_read_cycle(RiscvCpu *cpu, unsigned csrno)
{
    return riscv_csr_mcycle(cpu);
}

static uint64_t csr_read_instret(RiscvCpu *cpu, unsigned csrno)
{
    return csr_minstret(cpu);
}

static uint64_t csr_read_time(RiscvCpu *cpu, unsigned csrno)
{
    return riscv_csr_time(cpu);
}

static void csr_write_mcycle(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->mcycle_saved = val;
    cpu->mcycle_base = csr_host_ticks() - val;
}

/* Zicntr (unprivileged 20191213, 10.1) and Privileged 3.1.11: a write to
 * minstret suppresses the writing instruction's own increment, so the next
 * instruction reads the value written.  insns_retired does not count the
 * writer yet (it retires after this helper), hence the + 1. */
static void csr_write_minstret(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->minstret_saved = val;
    cpu->minstret_base = cpu->insns_retired + 1 - val;
}

static uint64_t csr_read_mcountinhibit(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->mcountinhibit;
}

static void csr_write_mcountinhibit(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    /* 3.1.13: bit 1 (TM) is read-only zero; hpm counters are constant 0. */
    uint32_t v = (uint32_t)val & ~COUNTEREN_TM;
    uint32_t changed = v ^ cpu->mcountinhibit;
    uint64_t now = csr_host_ticks();

    if (changed & COUNTEREN_CY) {
        if (v & COUNTEREN_CY) {
            cpu->mcycle_saved = now - cpu->mcycle_base;     /* freeze */
        } else {
            cpu->mcycle_base = now - cpu->mcycle_saved;     /* resume */
        }
    }
    if (changed & COUNTEREN_IR) {
        /* counting stops before, or resumes after, the writing instruction */
        if (v & COUNTEREN_IR) {
            cpu->minstret_saved = cpu->insns_retired - cpu->minstret_base;
        } else {
            cpu->minstret_base = cpu->insns_retired + 1 - cpu->minstret_saved;
        }
    }
    cpu->mcountinhibit = v;
}

static uint64_t csr_read_mcounteren(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->mcounteren;
}

static void csr_write_mcounteren(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->mcounteren = (uint32_t)val;
}

static uint64_t csr_read_scounteren(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->scounteren;
}

static void csr_write_scounteren(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->scounteren = (uint32_t)val;
}

/* ---- identity ---- */

static uint64_t csr_read_mvendorid(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->mvendorid;
}

static uint64_t csr_read_marchid(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->marchid;
}

static uint64_t csr_read_mimpid(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->mimpid;
}

static uint64_t csr_read_mhartid(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->mhartid;
}

static uint64_t csr_read_misa(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->misa;
}

/* ---- mstatus and sstatus (3.1.6, 4.1.1) ---- */

#define MSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE |          \
                          MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV |             \
                          MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS |             \
                          MSTATUS_SUM | MSTATUS_MXR)

static uint64_t csr_status_with_sd(uint64_t s)
{
    if ((s & MSTATUS_FS) == MSTATUS_FS || (s & MSTATUS_XS) == MSTATUS_XS) {
        s |= MSTATUS_SD;
    }
    return s;
}

static uint64_t csr_read_mstatus(RiscvCpu *cpu, unsigned csrno)
{
    return csr_status_with_sd(cpu->mstatus);
}

static void csr_write_mstatus_masked(RiscvCpu *cpu, uint64_t val, uint64_t mask)
{
    uint64_t old = cpu->mstatus;
    uint64_t s = (old & ~mask) | (val & mask);

    /* MPP is WARL: 2 is reserved (keep the old value). */
    if ((s & MSTATUS_MPP) == (2ull << MSTATUS_MPP_SHIFT)) {
        s = (s & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    }
    if (!(cpu->misa & RVS)) {
        s &= ~(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR |
               MSTATUS_TVM | MSTATUS_TSR);
    }
    if (!(cpu->misa & (RVF | RVD))) {
        s &= ~MSTATUS_FS;
    }
    s &= ~MSTATUS_SD;
    cpu->mstatus = s;
    /* SUM, MPRV and MPP only choose the MMU index (riscv_cpu_mmu_index),
     * whose entries stay right; MXR changes what an index's entries allow.
     * Linux flips SUM around every user access: flushing then cost a full
     * TLB and jump cache refill each time. */
    if ((old ^ s) & MSTATUS_MXR) {
        riscv_cpu_tlb_flush(cpu);
    }
    riscv_cpu_update_interrupt(cpu);
}

static void csr_write_mstatus(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    csr_write_mstatus_masked(cpu, val, MSTATUS_WRITABLE);
}

static uint64_t csr_read_sstatus(RiscvCpu *cpu, unsigned csrno)
{
    return csr_status_with_sd(cpu->mstatus) & SSTATUS_MASK;
}

static void csr_write_sstatus(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    csr_write_mstatus_masked(cpu, val, SSTATUS_WRITABLE);
}

/* ---- delegation, enables, pending (3.1.8, 3.1.9, 4.1.3) ---- */

/* Exceptions S-mode may handle: all but ecall from M (11) and the reserved
 * 10 and 14. */
#define MEDELEG_WRITABLE                                                                     \
    ((1ull << RISCV_EXCP_INST_ADDR_MIS) | (1ull << RISCV_EXCP_INST_ACCESS_FAULT) |           \
     (1ull << RISCV_EXCP_ILLEGAL_INST) | (1ull << RISCV_EXCP_BREAKPOINT) |                   \
     (1ull << RISCV_EXCP_LOAD_ADDR_MIS) | (1ull << RISCV_EXCP_LOAD_ACCESS_FAULT) |           \
     (1ull << RISCV_EXCP_STORE_AMO_ADDR_MIS) | (1ull << RISCV_EXCP_STORE_AMO_ACCESS_FAULT) | \
     (1ull << RISCV_EXCP_U_ECALL) | (1ull << RISCV_EXCP_S_ECALL) |                           \
     (1ull << RISCV_EXCP_INST_PAGE_FAULT) | (1ull << RISCV_EXCP_LOAD_PAGE_FAULT) |           \
     (1ull << RISCV_EXCP_STORE_PAGE_FAULT))
#define MIE_WRITABLE (MIP_S_MASK | MIP_M_MASK)

static uint64_t csr_read_medeleg(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->medeleg;
}

static void csr_write_medeleg(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->medeleg = val & MEDELEG_WRITABLE;
}

static uint64_t csr_read_mideleg(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->mideleg;
}

static void csr_write_mideleg(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    /* 3.1.8: M-level interrupts are never delegated (read-only zero). */
    cpu->mideleg = val & MIP_S_MASK;
    riscv_cpu_update_interrupt(cpu);
}

static uint64_t csr_read_mie(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->mie;
}

static void csr_write_mie(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->mie = val & MIE_WRITABLE;
    riscv_cpu_update_interrupt(cpu);
}

static uint64_t csr_read_sie(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->mie & cpu->mideleg;
}

static void csr_write_sie(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    /* 4.1.3: bits of interrupts not delegated to S are read-only zero. */
    uint64_t mask = cpu->mideleg & MIP_S_MASK;
    cpu->mie = (cpu->mie & ~mask) | (val & mask);
    riscv_cpu_update_interrupt(cpu);
}

static bool csr_stip_is_timer(RiscvCpu *cpu)
{
    return cpu->cfg.ext_sstc && (cpu->menvcfg & MENVCFG_STCE);
}

static uint64_t csr_read_mip(RiscvCpu *cpu, unsigned csrno)
{
    if (csr_stip_is_timer(cpu)) {
        riscv_cpu_update_stip(cpu);
    }
    return atomic_load(&cpu->mip) & MIP_VISIBLE;
}

static void csr_write_mip(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    /* 3.1.9: SSIP, STIP and SEIP are writable from M; MSIP, MTIP and MEIP
     * follow the devices.  Sstc: STIP is the timer comparison when STCE.
     * SEIP written here is the software bit, ORed with the PLIC's line. */
    uint64_t mask = MIP_S_MASK;
    if (csr_stip_is_timer(cpu)) {
        mask &= ~MIP_STIP;
    }
    riscv_cpu_write_mip(cpu, mask, val);
}

static uint64_t csr_read_sip(RiscvCpu *cpu, unsigned csrno)
{
    return csr_read_mip(cpu, csrno) & cpu->mideleg;
}

static void csr_write_sip(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    /* 4.1.3: only SSIP is writable through sip, and only when delegated. */
    riscv_cpu_update_mip(cpu, cpu->mideleg & MIP_SSIP, val);
}

/* ---- trap vectors and trap state (3.1.7, 3.1.14-3.1.17) ---- */

static uint64_t csr_legal_tvec(uint64_t old, uint64_t val)
{
    /* MODE 0 direct, 1 vectored; >= 2 reserved: WARL, keep the old value. */
    if ((val & 3) >= 2) {
        log_mask_printf(LOG_GUEST_ERRORS, "riscv: xtvec write 0x%llx with reserved mode\n",
                        (unsigned long long)val);
        return old;
    }
    return val;
}

static uint64_t csr_read_mtvec(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->mtvec;
}

static void csr_write_mtvec(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->mtvec = csr_legal_tvec(cpu->mtvec, val);
}

static uint64_t csr_read_stvec(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->stvec;
}

static void csr_write_stvec(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->stvec = csr_legal_tvec(cpu->stvec, val);
}

/* 3.1.14: xepc[0] is always zero; xepc[1] reads zero without C. */
static uint64_t csr_epc_view(RiscvCpu *cpu, uint64_t epc)
{
    return cpu->misa & RVC ? epc : epc & ~3ull;
}

static uint64_t csr_read_mepc(RiscvCpu *cpu, unsigned csrno)
{
    return csr_epc_view(cpu, cpu->mepc);
}

static void csr_write_mepc(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->mepc = val & ~1ull;
}

static uint64_t csr_read_sepc(RiscvCpu *cpu, unsigned csrno)
{
    return csr_epc_view(cpu, cpu->sepc);
}

static void csr_write_sepc(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->sepc = val & ~1ull;
}

#define RISCV_CSR_PLAIN(name)                                                 \
    static uint64_t csr_read_##name(RiscvCpu *cpu, unsigned csrno)            \
    {                                                                         \
        return cpu->name;                                                     \
    }                                                                         \
    static void csr_write_##name(RiscvCpu *cpu, unsigned csrno, uint64_t val) \
    {                                                                         \
        cpu->name = val;                                                      \
    }
RISCV_CSR_PLAIN(mscratch)
RISCV_CSR_PLAIN(mcause)
RISCV_CSR_PLAIN(mtval)
RISCV_CSR_PLAIN(sscratch)
RISCV_CSR_PLAIN(scause)
RISCV_CSR_PLAIN(stval)
#undef RISCV_CSR_PLAIN

/* ---- environment configuration (3.1.18, 4.1.4) ---- */

static uint64_t csr_read_menvcfg(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->menvcfg;
}

static void csr_write_menvcfg(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    /* FIOM, and STCE with Sstc; no Svpbmt (PBMTE read-only 0), no Zicbo*. */
    uint64_t mask = MENVCFG_FIOM | (cpu->cfg.ext_sstc ? MENVCFG_STCE : 0);
    uint64_t old = cpu->menvcfg;

    cpu->menvcfg = (old & ~mask) | (val & mask);
    if ((old ^ cpu->menvcfg) & MENVCFG_STCE) {
        if (cpu->menvcfg & MENVCFG_STCE) {
            riscv_cpu_update_stip(cpu);
        } else {
            /* The comparator lets go of STIP: it is software's again. */
            riscv_cpu_update_mip(cpu, MIP_STIP, 0);
            if (cpu->stimer_arm) {
                cpu->stimer_arm(cpu->board_opaque, UINT64_MAX);
            }
        }
    }
}

static uint64_t csr_read_senvcfg(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->senvcfg;
}

static void csr_write_senvcfg(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->senvcfg = val & MENVCFG_FIOM;
}

/* ---- Sstc (Sstc 1.0) ---- */

static uint64_t csr_read_stimecmp(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->stimecmp;
}

static void csr_write_stimecmp(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    cpu->stimecmp = val;
    if (csr_stip_is_timer(cpu)) {
        riscv_cpu_update_stip(cpu);
    }
}

/* ---- address translation (4.1.11) ---- */

static uint64_t csr_read_satp(RiscvCpu *cpu, unsigned csrno)
{
    return cpu->satp;
}

static void csr_write_satp(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    unsigned mode = (unsigned)(val >> SATP_MODE_SHIFT);

    /* 4.1.11: a write with an unsupported MODE has no effect at all. */
    if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48 &&
        mode != SATP_MODE_SV57) {
        return;
    }
    if (val != cpu->satp) {
        cpu->satp = val;
        riscv_cpu_tlb_flush(cpu);
    }
}

/* ---- PMP (pmp.c) ---- */

static uint64_t csr_read_pmpcfg(RiscvCpu *cpu, unsigned csrno)
{
    return riscv_pmp_read_cfg(cpu, csrno - CSR_pmpcfg0);
}

static void csr_write_pmpcfg(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    riscv_pmp_write_cfg(cpu, csrno - CSR_pmpcfg0, val);
}

static uint64_t csr_read_pmpaddr(RiscvCpu *cpu, unsigned csrno)
{
    return riscv_pmp_read_addr(cpu, csrno - CSR_pmpaddr0);
}

static void csr_write_pmpaddr(RiscvCpu *cpu, unsigned csrno, uint64_t val)
{
    riscv_pmp_write_addr(cpu, csrno - CSR_pmpaddr0, val);
}

/* ---- the table and the access rule ---- */

static const RiscvCsr riscv_csr_table[4096] = {
#define RISCV_CSR(num, name, pred, read, write) \
    [num] = { #name, csr_pred_##pred, csr_##read, csr_##write },
#include "guest/riscv/csr.def"
#undef RISCV_CSR
};

const char *riscv_csr_name(unsigned csrno)
{
    return csrno < 4096 ? riscv_csr_table[csrno].name : NULL;
}

bool riscv_csr_access(RiscvCpu *cpu, unsigned csrno, uint64_t *old, uint64_t val,
                      uint64_t mask, bool write)
{
    const RiscvCsr *c;
    uint64_t v;

    if (csrno >= 4096 || !riscv_csr_table[csrno].read) {
        return false;
    }
    c = &riscv_csr_table[csrno];
    /* 2.1: csr[9:8] is the lowest privilege that may access it;
     * csr[11:10] == 3 marks it read-only. */
    if (cpu->priv < ((csrno >> 8) & 3)) {
        return false;
    }
    if (write && ((csrno >> 10) & 3) == 3) {
        return false;
    }
    if (!c->pred(cpu, csrno)) {
        return false;
    }
    v = c->read(cpu, csrno);
    if (old) {
        *old = v;
    }
    if (write && c->write) {
        if (csrno == CSR_mip) {
            v = riscv_cpu_mip_rmw_base(cpu);
        }
        c->write(cpu, csrno, (v & ~mask) | (val & mask));
        riscv_cpu_sync_tb_flags(cpu);   /* mstatus, misa: the TB flags' inputs */
    }
    return true;
}
