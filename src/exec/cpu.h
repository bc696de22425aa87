/*
 * CpuState: the guest-independent part of a vCPU, and CpuOps: what a guest
 * implements for the exec loop.  A guest's CPU struct embeds CpuState as
 * its FIRST member (struct RiscvCpu { CpuState parent; ... }), so one
 * pointer is both the CpuState and the guest state: the IR's "env".  IR
 * globals and env loads/stores use offsetof(GuestCpu, field) from it.
 *
 * Threads and ownership: each vCPU runs on its own host thread (the
 * accelerator's vCPU thread) and only that thread touches its CpuState,
 * except the fields marked "any thread", which other threads change with
 * atomics (cpu_interrupt, cpu_exit, tlb_flush_async) followed by a kick.
 * The exec loop checks exit_request at every block entry.
 */
#ifndef EXEC_CPU_H
#define EXEC_CPU_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "exec/softmmu.h"
#include "ir/ir.h"
#include "jit/jit.h"
#include "memory/memory.h"
#include "util/addr.h"

typedef struct CpuState CpuState;
typedef struct TranslationBlock TranslationBlock;
typedef struct TbJumpCache TbJumpCache;

/* A data watchpoint (gdbstub): len bytes from addr, BP_MEM_* flags. */
#define BP_MEM_READ 0x01
#define BP_MEM_WRITE 0x02
#define BP_MEM_ACCESS (BP_MEM_READ | BP_MEM_WRITE)
typedef struct CpuWatchpoint {
    GuestVaddr addr;
    GuestVaddr len;
    int flags;
} CpuWatchpoint;
enum { CPU_WATCH_NONE, CPU_WATCH_REEXEC, CPU_WATCH_HIT };

/* cpu->exception_index values that are not guest exceptions: cpu_exec's
 * return codes.  Guests number their exceptions from 0 up. */
#define EXCP_NONE (-1)
#define EXCP_INTERRUPT 0x10000  /* left because of an exit request */
#define EXCP_HLT 0x10001        /* guest executed a halt: stop until work */
#define EXCP_DEBUG 0x10002      /* breakpoint / single-step */
#define EXCP_HALTED 0x10003     /* cpu->halted and no work */
#define EXCP_YIELD 0x10004      /* let other vCPUs run */
#define EXCP_ATOMIC 0x10005     /* re-run one instruction exclusively */

/* cpu->interrupt_request bits (any thread sets them via cpu_interrupt). */
#define CPU_INTERRUPT_HARD 0x0002    /* external interrupt pending */
#define CPU_INTERRUPT_EXITTB 0x0004  /* leave the current block */
#define CPU_INTERRUPT_HALT 0x0020    /* halt the CPU */
#define CPU_INTERRUPT_DEBUG 0x0080
#define CPU_INTERRUPT_RESET 0x0400
#define CPU_INTERRUPT_GUEST_0 0x0008 /* guest-defined */
#define CPU_INTERRUPT_GUEST_1 0x0010
#define CPU_INTERRUPT_GUEST_2 0x0040
#define CPU_INTERRUPT_GUEST_3 0x0200
#define CPU_INTERRUPT_GUEST_4 0x1000

/* How guest_ld/guest_st reach guest memory (per CPU, chosen at creation). */
typedef enum CpuMemMode {
    CPU_MEM_SOFTMMU,    /* system mode: TLB + tlb_fill + memory API */
    CPU_MEM_USER,       /* user mode: host = guest_base + vaddr */
} CpuMemMode;

typedef struct CpuOps {
    const char *name;

    /* Declare the guest's IR globals; returns the guest's IrContext.  May be
     * called once per vCPU: must return the same context (use pthread_once). */
    const IrContext *(*translate_init)(void);
    /* The state that selects a translation (vCPU thread). flags pack
     * privilege, MMU mode, FP state... anything the translator reads. */
    void (*get_tb_cpu_state)(CpuState *cpu, GuestVaddr *pc, uint64_t *cs_base,
                             uint32_t *flags);
    /* Emit IR for tb (pc, cs_base, flags set) into b: calls translator_loop
     * with the guest's TranslatorOps.  max_insns >= 1. */
    void (*translate_code)(CpuState *cpu, TranslationBlock *tb, IrBuilder *b, int max_insns);
    /* Apply insn_start data (data[0] is the pc) of the instruction that
     * raised, so the guest state is exact at the fault. */
    void (*restore_state_to_opc)(CpuState *cpu, const TranslationBlock *tb,
                                 const uint64_t *data);

    /* Interrupts: has_work says whether a halted CPU should wake;
     * exec_interrupt is called at block boundaries with interrupt_request
     * pending and returns true if it took one (it sets up the trap itself,
     * or sets exception_index and calls do_interrupt); do_interrupt delivers
     * cpu->exception_index (an exception raised by cpu_loop_exit). */
    bool (*has_work)(CpuState *cpu);
    bool (*exec_interrupt)(CpuState *cpu, uint32_t interrupt_request);
    void (*do_interrupt)(CpuState *cpu);

    /* Soft-MMU.  tlb_fill walks the page tables for addr: on success calls
     * tlb_set_page and returns true; on failure returns false if probe, else
     * raises the guest fault (sets exception_index and state, then
     * cpu_loop_exit_restore(cpu, ra)) and does not return. */
    bool (*tlb_fill)(CpuState *cpu, GuestVaddr addr, unsigned size, MmuAccessType access,
                     unsigned mmu_idx, bool probe, uintptr_t ra);
    /* Raise the misaligned-access fault; must not return. */
    void (*do_unaligned_access)(CpuState *cpu, GuestVaddr addr, MmuAccessType access,
                                unsigned mmu_idx, uintptr_t ra);
    /* Optional: a bus error on MMIO/unassigned (may raise an access fault;
     * if absent or it returns, loads read 0 and stores are dropped). */
    void (*do_transaction_failed)(CpuState *cpu, GuestPaddr paddr, GuestVaddr addr,
                                  unsigned size, MmuAccessType access, unsigned mmu_idx,
                                  MemTxAttrs attrs, MemTxResult response, uintptr_t ra);

    /* Optional (debuggers): the physical address of vaddr's page in the
     * current mode, without side effects; -1 when unmapped.  Absent: the
     * identity. */
    int64_t (*get_phys_page_debug)(CpuState *cpu, GuestVaddr vaddr);

    /* Optional: -d cpu register dump. */
    void (*dump_state)(CpuState *cpu, FILE *out);

    /* Optional, for the translator's predictions: the 8 bytes at addr if
     * the guest most likely never changes them (mapped read-only now,
     * such as a GOT after relocation), without faulting.  Generated code
     * must still check what it predicts from them. */
    bool (*peek_readonly_u64)(CpuState *cpu, GuestVaddr addr, uint64_t *val);

    /* The MMU index of the current mode, for instruction fetch (ifetch) or
     * data; guest_ld/st ops carry their own.  Optional: 0 when absent. */
    unsigned (*mmu_index)(CpuState *cpu, bool ifetch);

    /* Optional (0: absent), for lookups from generated code (the JIT's
     * inline jump-cache probe): the guest keeps what get_tb_cpu_state
     * returns in the CPU state itself: pc is the GuestVaddr at
     * env + tb_pc_offset, flags the uint32_t at env + tb_flags_offset
     * (kept up to date by every change of its inputs, not computed per
     * lookup), and cs_base is always 0.  Whatever else get_tb_cpu_state
     * checks (user mode's executable-mapping check) must also hold for
     * every TB in the jump cache: entries are dropped when it stops. */
    int32_t tb_pc_offset, tb_flags_offset;
} CpuOps;

struct CpuState {
    /* ---- hot fields, at fixed offsets for the backends ---- */
    /* any thread: "look at me" — the exec loop leaves the current chain of
     * blocks at the next block entry and examines interrupt_request,
     * stop_request and pending TLB flushes.  Set with every one of those. */
    _Atomic uint32_t exit_request;
    uint32_t insn_index;                /* interpreter: insn of current_tb running */
    CpuTlb tlb;

    /* ---- identity and wiring (set before the vCPU runs) ---- */
    const CpuOps *ops;                  /* cpu_exec_realize sets ops, as, ir_ctx, */
    int cpu_index;                      /* ir_builder, tb_jmp_cache and the TLB; */
    AddressSpace *as;                   /* the owner sets cpu_index, mem_mode and */
    CpuMemMode mem_mode;                /* guest_base before calling it */
    uintptr_t guest_base;               /* CPU_MEM_USER: host = guest_base + vaddr */
    const IrContext *ir_ctx;
    IrBuilder *ir_builder;              /* this vCPU thread's translation builder */
    /* Set by the accelerator: wakes the vCPU thread (signal/condvar). */
    void (*kick_fn)(CpuState *cpu);
    int thread_id;                      /* accelerator: its host thread's tid */
    void *accel_opaque;

    /* ---- exec loop state ---- */
    _Atomic uint32_t interrupt_request; /* any thread: CPU_INTERRUPT_* */
    _Atomic uint32_t halted;            /* guest waits for an interrupt (WFI) */
    _Atomic uint32_t stop_request;      /* any thread: cpu_exec returns EXCP_INTERRUPT */
    int exception_index;                /* EXCP_NONE or pending exception */
    uint32_t cflags_next_tb;            /* UINT32_MAX: none; else forced cflags */
    bool singlestep;                    /* one instruction, then EXCP_DEBUG */
    bool in_exec;                       /* inside cpu_exec (jmp_env valid);
                                         * read by other threads with __atomic */
    TranslationBlock *current_tb;       /* block being run, for restores */
    TbJumpCache *tb_jmp_cache;
    /* The cflags a lookup from generated code may match in the jump cache:
     * exec_default_cflags, or UINT32_MAX (no TB has it: the next block
     * comes through the exec loop) while cflags_next_tb is set, when
     * single-stepping or logging each block (exec_lookup_cflags).  The
     * loop sets it before it enters generated code. */
    uint32_t tb_lookup_cflags;
    sigjmp_buf jmp_env;

    /* ---- memory map changes (exec's listener on `as`; cpu_exec.c) ---- */
    MemoryListener tcg_listener;
    bool tcg_map_removed;               /* a RAM-backed range went away */

    /* ---- debugging (gdbstub): changed only while the vCPU is stopped ---- */
    GuestVaddr *breakpoints;
    unsigned nb_breakpoints, breakpoints_cap;
    CpuWatchpoint *watchpoints;
    unsigned nb_watchpoints, watchpoints_cap;
    /* A watchpoint fired: CPU_WATCH_REEXEC while the accessing instruction
     * runs again alone, CPU_WATCH_HIT once it completed (the stop). */
    int watchpoint_state;
    GuestVaddr watchpoint_hit_addr;
    int watchpoint_hit_flags;

    /* ---- statistics ---- */
    uint64_t stat_tb_exec;
    uint64_t stat_tb_translated;
    uint64_t stat_chain_hits;

    /* ---- generated code's spill slots and return-address stack ---- */
    JitFrame jit_frame;
};

/* The TLB fast path: the entry for addr (vCPU thread). */
static inline CpuTlbEntry *tlb_entry(CpuState *cpu, unsigned mmu_idx, GuestVaddr addr)
{
    CpuTlbFast *f = &cpu->tlb.f[mmu_idx];
    return &f->table[(addr >> GUEST_PAGE_BITS) & f->index_mask];
}

/* Inline fast-path host address for a naturally aligned RAM access, or NULL
 * (then call cpu_ld_mmu / cpu_st_mmu). */
static inline void *tlb_fast_host(CpuState *cpu, unsigned mmu_idx, GuestVaddr addr,
                                  unsigned size, MmuAccessType access)
{
    CpuTlbEntry *e = tlb_entry(cpu, mmu_idx, addr);
    uint64_t tag = access == MMU_DATA_LOAD ? e->addr_read
                   : access == MMU_DATA_STORE
                       ? __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED)
                       : e->addr_code;
    if ((addr & (GUEST_PAGE_MASK | (size - 1))) == tag) {
        return (void *)(uintptr_t)(addr + e->addend);
    }
    return NULL;
}

#endif
