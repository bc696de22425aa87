/*
 * The RISC-V hart: RiscvCpu, the whole architectural state of one RV64 hart
 * (the IR's "env": it embeds the exec layer's CpuState as its first member,
 * so IR globals are offsetof(RiscvCpu, field)), and RiscvHart, the QOM
 * device that holds one (types "rv64", the default, and "max", under the
 * abstract TYPE_RISCV_CPU).  Reset follows Privileged ISA 3.4: M-mode,
 * pc = resetvec, mstatus.MIE = mstatus.MPRV = 0, misa at its widest,
 * mcause = 0; other state is left as the spec allows (we clear it).
 *
 * Ownership: one vCPU thread reads and writes a RiscvCpu, except mip, which
 * devices (interrupt controllers, timers) change from any thread with
 * atomics, then call cpu_interrupt() to kick the hart.
 *
 * Shared file: rv-fp and rv-priv may APPEND fields in their marked sections
 * at the end of RiscvCpu (never reorder: merges must stay trivial).
 */
#ifndef GUEST_RISCV_CPU_H
#define GUEST_RISCV_CPU_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/device.h"
#include "exec/cpu.h"
#include "guest/riscv/cpu_bits.h"

/* ---- MMU indexes (what the soft-MMU TLB is split by) ---- */
#define RISCV_MMU_IDX_U 0
#define RISCV_MMU_IDX_S 1
#define RISCV_MMU_IDX_S_SUM 2       /* S-mode with mstatus.SUM = 1 */
#define RISCV_MMU_IDX_M 3
#define RISCV_MMU_IDX_COUNT 4

/* Extensions a CPU model implements beyond misa's letters (ratified names). */
typedef struct RiscvCpuConfig {
    bool ext_zba, ext_zbb, ext_zbc, ext_zbs;
    bool ext_zicond, ext_zicsr, ext_zifencei, ext_zihintpause;
    bool ext_zicntr, ext_sstc;
} RiscvCpuConfig;

/*
 * Where the guest registers sit relative to the start of the CPU state
 * (env), modulo 128 bytes.  Generated code's speed depends on it although
 * its host code is the same byte for byte (only displacements differ):
 * in a Linux boot (AMD EPYC host, CPU time of the whole run, 3 runs each)
 * gpr at 112 mod 128 ran in 1.9-2.4 s, at 48 mod 128 in 2.8-3.4 s, with
 * the JIT's share of samples going from 57% to 67%.  It is relative, not
 * absolute: moving the whole hart to other addresses mod 4096 (its own
 * page, nothing else on its lines) changed nothing, moving only the fields
 * after gpr by 64 changed little, moving gpr and everything after it
 * relative to CpuState (exit_request, the TLB fast tables) made the boot
 * ~40% slower.  The hardware cause is not identified (not false sharing:
 * it stays with the hart alone on its pages).  Earlier measurements by
 * padding CpuTlb: 0 (gpr at 112) fast, 16 (0) +5%, 32 (16) +45%, 64 (48)
 * +80%, 96 (80) +10%, 128 (112) fast; and setting the phase directly
 * (median CPU seconds of 6 boots): 32: 3.1, 64: 2.6-2.9, 96: 2.1-2.3,
 * 112: 2.35 (within noise of 96).  gpr_phase_pad keeps the fast phase
 * whatever is added to CpuState; re-measure (bench/boot.sh) before
 * changing it.
 */
#define RISCV_GPR_PHASE 112

typedef struct RiscvCpu {
    CpuState parent;                /* must stay first: the IR's env */

    /* Keeps gpr at RISCV_GPR_PHASE modulo 128 from env whatever CpuState's
     * size (see RISCV_GPR_PHASE; a GNU zero-length array when it fits). */
    char gpr_phase_pad[(RISCV_GPR_PHASE - sizeof(CpuState) % 128 + 128) % 128];

    /* ---- unprivileged state ---- */
    uint64_t gpr[32];               /* gpr[0] is always 0 (never written) */
    uint64_t fpr[32];               /* NaN-boxed: singles have the upper 32 bits set */
    uint64_t pc;
    uint32_t fflags;                /* fcsr[4:0], accrued exception flags */
    uint32_t frm;                   /* fcsr[7:5], dynamic rounding mode */
    /* LR/SC reservation: the reserved address (-1: none) and the value the
     * LR read, which an SC compares with cmpxchg (QEMU's scheme). */
    uint64_t load_res;
    uint64_t load_val;

    /* ---- privileged state (Privileged ISA 1.12) ---- */
    uint32_t priv;                  /* PRV_U, PRV_S or PRV_M */
    /* riscv_tb_flags(cpu), kept up to date by every change of its inputs
     * (priv, misa, mstatus) through riscv_cpu_sync_tb_flags, so that block
     * lookups (and generated code, CpuOps.tb_flags_offset) read one word. */
    uint32_t tb_flags;
    uint64_t misa;
    uint64_t mstatus;               /* RV64: no mstatush */
    uint64_t medeleg;
    uint64_t mideleg;
    uint64_t mie;
    _Atomic uint64_t mip;           /* any thread: devices set bits atomically */
    uint64_t mtvec;
    uint64_t mscratch;
    uint64_t mepc;
    uint64_t mcause;
    uint64_t mtval;
    uint32_t mcounteren;
    uint32_t mcountinhibit;
    uint64_t menvcfg;
    uint64_t mseccfg;
    uint64_t stvec;
    uint64_t sscratch;
    uint64_t sepc;
    uint64_t scause;
    uint64_t stval;
    uint64_t satp;
    uint32_t scounteren;
    uint64_t senvcfg;
    uint64_t stimecmp;              /* Sstc */
    /* Counters: the guest value is (host count - base); a write sets base. */
    uint64_t mcycle_base;
    uint64_t minstret_base;
    /* PMP (3.7): 16 entries. */
    uint8_t pmpcfg[PMP_ENTRIES];
    uint64_t pmpaddr[PMP_ENTRIES];
    /* Read-only identity. */
    uint64_t mvendorid;
    uint64_t marchid;
    uint64_t mimpid;
    uint64_t mhartid;
    uint64_t resetvec;

    /* The tval of the exception being raised (an address, the instruction
     * bits of an illegal instruction, or 0); trap delivery copies it into
     * mtval/stval. */
    uint64_t trap_tval;

    /* ---- configuration and board wiring (set before the hart runs) ---- */
    RiscvCpuConfig cfg;
    /* rdtime/time CSR and Sstc: the board's timer (ACLINT mtime); NULL reads 0. */
    uint64_t (*rdtime)(void *opaque);
    void *rdtime_opaque;
    /* Called after mip changes from the hart itself (e.g. Sstc's STIP), for
     * boards that mirror interrupt lines; may be NULL. */
    void (*mip_update)(void *opaque, uint64_t mip);
    void *board_opaque;

    /* ---- rv-fp: (append only) ---- */

    /* ---- rv-priv: (append only) ---- */
    /* mcountinhibit (3.1.13): the value a stopped counter holds. */
    uint64_t mcycle_saved;
    uint64_t minstret_saved;
    /* Instructions retired since reset, the count minstret is based on:
     * generated code adds each block's retired instructions at its exits
     * and before SYSTEM instructions, and restore_state_to_opc adds those
     * retired before a faulting one (translate.c), so it is exact whenever
     * a helper or the exec loop looks. */
    uint64_t insns_retired;
    /* Sstc: the board arms a one-shot timer that calls
     * riscv_cpu_update_stip(cpu) once mtime reaches `when` (UINT64_MAX:
     * disarm).  NULL: STIP is only re-evaluated on CSR accesses and traps. */
    void (*stimer_arm)(void *opaque, uint64_t when);
    /* PMP decisions per 4 KiB page and privilege (pmp.c), so that a TLB
     * fill's page-table walk does not scan the 16 entries for each PTE:
     * key 0 is an empty slot; cleared whenever an entry may change (CSR
     * writes, reset: riscv_pmp_cache_clear). */
    struct {
        uint64_t key;
        int prot;                   /* PAGE_* bits; -1: decided per access */
    } pmp_page_cache[32];
} RiscvCpu;

/* The env pointer of generated code is the CpuState; they are one object. */
static inline RiscvCpu *riscv_cpu(CpuState *cs)
{
    return (RiscvCpu *)cs;
}

/* ---- the QOM device ---- */
#define TYPE_RISCV_CPU "riscv-cpu"
#define TYPE_RISCV_CPU_RV64 "rv64-riscv-cpu"
#define TYPE_RISCV_CPU_MAX "max-riscv-cpu"
#define RISCV_CPU_DEFAULT_TYPE TYPE_RISCV_CPU_RV64

typedef struct RiscvHart {
    DeviceState parent_obj;
    RiscvCpu cpu;
    AddressSpace *as;               /* the hart's view of memory (the board's) */
} RiscvHart;

typedef struct RiscvHartClass {
    DeviceClass parent_class;
    uint64_t misa;                  /* the model's misa (MXL | letters) */
    RiscvCpuConfig cfg;
} RiscvHartClass;

DECLARE_OBJ_CHECKERS(RiscvHart, RiscvHartClass, RISCV_HART, TYPE_RISCV_CPU)

/* Extensions by QEMU's property names ("c", "zba"...): what -cpu
 * MODEL,NAME=on|off and the hart's properties change before realize, and
 * the rules between them (D needs F, S needs U, F and S need Zicsr). */
bool riscv_cpu_set_feature(RiscvCpu *cpu, const char *name, bool on, Error **errp);
bool riscv_cpu_check_features(const RiscvCpu *cpu, Error **errp);
/* "c=off,zba=on,m" (a bare name means on): each set, then the rules checked. */
bool riscv_cpu_parse_features(RiscvCpu *cpu, const char *list, Error **errp);

/* Back from the CpuState (e.g. in a helper) to the device. */
static inline RiscvHart *riscv_hart_of(CpuState *cs)
{
    return (RiscvHart *)((char *)cs - offsetof(RiscvHart, cpu));
}

/* Before realize: the address space the hart's loads, stores and fetches
 * go to (system mode; user mode sets cpu.parent.mem_mode and guest_base
 * instead and may pass NULL).  Realize wires the hart to the exec layer
 * (cpu_exec_realize) and fails without one in system mode. */
void riscv_hart_set_address_space(RiscvHart *hart, AddressSpace *as);

/* Reset to the Privileged ISA 3.4 state (vCPU thread, or before it runs). */
void riscv_cpu_reset(RiscvCpu *cpu);
/* Recompute cpu->tb_flags: call after any change to priv, misa or mstatus
 * made outside riscv_csr_rw (which calls it itself). */
void riscv_cpu_sync_tb_flags(RiscvCpu *cpu);
/* The MMU index of data accesses (ifetch false: honours mstatus.MPRV) or of
 * instruction fetch (ifetch true). */
unsigned riscv_cpu_mmu_index(const RiscvCpu *cpu, bool ifetch);
/* The ISA string of the device tree's riscv,isa and -cpu help, in the
 * canonical order (Unprivileged ISA 27.11): "rv64imafdc_zicntr_zicond_...".
 * Always NUL-terminated; returns the length it needed (as snprintf). */
size_t riscv_cpu_isa_string(const RiscvCpu *cpu, char *buf, size_t size);
/* ABI names: "zero", "ra", ...; "ft0", ...  Index 0..31. */
extern const char *const riscv_gpr_names[32];
extern const char *const riscv_fpr_names[32];
/* -d cpu: pc, privilege, GPRs, FPRs and the main CSRs. */
void riscv_cpu_dump_state(CpuState *cs, FILE *out);
/* What the exec loop calls (translate.c). */
extern const CpuOps riscv_cpu_ops;

/* Trap machinery behind riscv_cpu_ops: traps and interrupts in
 * cpu_helper.c, address translation and bus errors in mmu.c. */
void riscv_cpu_do_interrupt(CpuState *cs);
bool riscv_cpu_exec_interrupt(CpuState *cs, uint32_t interrupt_request);
bool riscv_cpu_has_work(CpuState *cs);
/* CpuOps.get_phys_page_debug: the physical page behind addr as the hart's
 * data accesses see it now (its privilege, MPRV, satp), or -1 if unmapped.
 * For debuggers and the monitor: it changes nothing in guest memory, and
 * shows pages the hart's privilege could not read (U pages from S, say). */
int64_t riscv_cpu_get_phys_page_debug(CpuState *cs, GuestVaddr addr);
bool riscv_cpu_tlb_fill(CpuState *cs, GuestVaddr addr, unsigned size, MmuAccessType access,
                        unsigned mmu_idx, bool probe, uintptr_t ra);
void riscv_cpu_do_unaligned_access(CpuState *cs, GuestVaddr addr, MmuAccessType access,
                                   unsigned mmu_idx, uintptr_t ra);
void riscv_cpu_do_transaction_failed(CpuState *cs, GuestPaddr paddr, GuestVaddr addr,
                                     unsigned size, MmuAccessType access, unsigned mmu_idx,
                                     MemTxAttrs attrs, MemTxResult response, uintptr_t ra);

#endif
