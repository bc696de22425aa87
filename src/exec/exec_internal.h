/*
 * Private glue between the files of exec/: the list of vCPUs (for jump
 * cache clearing and code-page marking across CPUs), the exclusive section
 * (tb_flush), and the interpreter's runtime hooks.
 */
#ifndef EXEC_EXEC_INTERNAL_H
#define EXEC_EXEC_INTERNAL_H

#include <stdatomic.h>

#include "exec/cpu.h"
#include "exec/tb.h"
#include "ir/interp.h"
#include "util/log.h"

/* Registered vCPUs (cpu_exec_realize / unrealize).  Iteration takes the
 * list lock; the callback must not call back into the list. */
void exec_cpu_register(CpuState *cpu);
void exec_cpu_unregister(CpuState *cpu);

/* Exclusive section: no vCPU is inside cpu_exec while it is held. */
void exec_start_exclusive(void);
void exec_end_exclusive(void);
extern _Atomic bool tb_flush_requested;
/* The vCPU this thread is running inside cpu_exec, or NULL. */
extern __thread CpuState *exec_current_cpu;
/* Flush now; caller holds the exclusive section or is the only user. */
void tb_flush_exclusive(void);
/* Free the block whose translation a guest fault interrupted (the exec
 * loop's landing pad calls it). */
void tb_gen_code_abandon(void);
/* Free a CF_NOCACHE block after its one run. */
void tb_free_nocache(TranslationBlock *tb);

/* Jump cache: drop entries for the page of addr / for one TB. */
void tb_jmp_cache_clear_page(CpuState *cpu, GuestVaddr addr);
void tb_jmp_cache_remove(CpuState *cpu, TranslationBlock *tb);
static inline unsigned tb_jmp_cache_hash(const TbJumpCache *jc, GuestVaddr pc)
{
    if (jc->flat) {
        return (unsigned)(pc >> 1) & (TB_JMP_CACHE_SIZE - 1);
    }
    /* one guest page maps to TB_JMP_PAGE_SLOTS consecutive entries, so a
     * page flush clears a small contiguous range */
    unsigned page = (unsigned)(pc >> GUEST_PAGE_BITS) &
                    ((1u << (TB_JMP_CACHE_BITS - TB_JMP_PAGE_SLOTS_LOG2)) - 1);
    unsigned in_page = (unsigned)((pc >> 1) ^ (pc >> (1 + TB_JMP_PAGE_SLOTS_LOG2))) &
                       (TB_JMP_PAGE_SLOTS - 1);
    return page << TB_JMP_PAGE_SLOTS_LOG2 | in_page;
}

/* Mark the write side of every CPU's TLB entries for this physical page
 * TLB_NOTDIRTY (the page now holds code). */
void tlb_protect_code_page(GuestPaddr page);

/* exec's own helpers (debug.c), registered by tb_cache_init. */
extern const IrHelperInfo *const exec_helper_table[];
extern const size_t exec_helper_table_count;

/* The cflags the loop gives the next block when nothing forces others
 * (inline: lookup_and_goto_ptr asks on every indirect jump). */
static inline uint32_t exec_default_cflags(const CpuState *cpu)
{
    uint32_t cflags = CF_PARALLEL;
    if (cpu->singlestep) {
        cflags |= CF_SINGLE_STEP | 1;
    }
    if (log_enabled(LOG_NOCHAIN)) {
        cflags |= CF_NO_GOTO_TB;
    }
    return cflags;
}
/* cpu->tb_lookup_cflags: what a lookup_and_goto_ptr may chain to without
 * the loop (the conditions exec_jit_lookup checks, but exit and interrupt
 * requests, which the next block's entry check sees). */
static inline uint32_t exec_lookup_cflags(const CpuState *cpu)
{
    if (cpu->cflags_next_tb != UINT32_MAX || cpu->singlestep || log_enabled(LOG_EXEC | LOG_CPU)) {
        return UINT32_MAX;
    }
    return exec_default_cflags(cpu);
}
/* cpu_exec is returning EXCP_DEBUG for cpu (debug.c). */
void cpu_debug_note_stop(CpuState *cpu);
/* Soft-MMU: does a watchpoint cover part of this page (vCPU thread)? */
bool cpu_watchpoint_on_page(const CpuState *cpu, GuestVaddr page);
/* Soft-MMU slow path, page flagged TLB_WATCH: check a data access of size
 * bytes at addr (flags BP_MEM_READ/WRITE); on a hit, re-runs the
 * instruction alone and stops after it (does not return then). */
void cpu_check_watchpoint(CpuState *cpu, GuestVaddr addr, unsigned size, int flags,
                          uintptr_t ra);

/* The JIT glue (backend.c).  exec_jit_compile sets tb->host_code and
 * returns true when the JIT compiled tb (else the interpreter must). */
bool exec_jit_compile(CpuState *cpu, TranslationBlock *tb, IrBuilder *b);
uintptr_t exec_jit_run(CpuState *cpu, TranslationBlock *tb);
void exec_jit_chain(TranslationBlock *from, unsigned slot, TranslationBlock *to);
void exec_jit_invalidate(TranslationBlock *tb);
void exec_jit_flush(void);
/* The TB and insn of a return address inside JIT code. */
bool exec_jit_find(uintptr_t ra, TranslationBlock **tb, uint32_t *insn_index);
/* jit_restore_fault for cpu's state, when host_pc is in JIT code. */
bool exec_jit_restore_fault(CpuState *cpu, uintptr_t host_pc, const void *ucontext);

/* How the interpreter reaches guest memory: soft-MMU (with the inline TLB
 * fast path) or user mode (guest base); the hooks dispatch on mem_mode. */
extern const IrRuntime exec_ir_runtime;
extern const IrRuntime exec_ir_runtime_user;
static inline const IrRuntime *exec_runtime(const CpuState *cpu)
{
    return cpu->mem_mode == CPU_MEM_USER ? &exec_ir_runtime_user : &exec_ir_runtime;
}

#endif
