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
/* Free a CF_NOCACHE block after its one run. */
void tb_free_nocache(TranslationBlock *tb);

/* Jump cache: drop entries for the page of addr / for one TB. */
void tb_jmp_cache_clear_page(CpuState *cpu, GuestVaddr addr);
void tb_jmp_cache_remove(CpuState *cpu, TranslationBlock *tb);
static inline unsigned tb_jmp_cache_hash(GuestVaddr pc)
{
    /* one guest page maps to 64 consecutive entries, so a page flush
     * clears a small contiguous range */
    unsigned page = (unsigned)(pc >> GUEST_PAGE_BITS) & ((1u << (TB_JMP_CACHE_BITS - 6)) - 1);
    unsigned in_page = (unsigned)((pc >> 1) ^ (pc >> 7)) & 63;
    return page << 6 | in_page;
}

/* Mark the write side of every CPU's TLB entries for this physical page
 * TLB_NOTDIRTY (the page now holds code). */
void tlb_protect_code_page(GuestPaddr page);

/* How the interpreter reaches guest memory: dispatches on cpu->mem_mode. */
extern const IrRuntime exec_ir_runtime;

#endif
