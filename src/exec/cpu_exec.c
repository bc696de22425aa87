/*
 * The exec loop (see exec.h) plus the vCPU registry and the exclusive
 * section.  Shape, per vCPU thread:
 *
 *   cpu_exec: halted? -> EXCP_HALTED.  Otherwise, with the exec read lock:
 *     sigsetjmp landing pad (exceptions come back here)
 *     loop: deliver a pending exception (guest: do_interrupt; EXCP_*: return)
 *           inner loop: boundary checks (interrupts, exit/stop requests,
 *                       TLB flushes) -> find TB -> chain from the last one
 *                       -> run it, following chains while nobody asked us
 *                       to look up
 *
 * Exclusive section: cpu_exec holds a read lock on exec_rwlock while it
 * runs guest code; exec_start_exclusive takes it for writing (after asking
 * every vCPU to leave), so tb_flush frees TBs with no vCPU inside.  The
 * lock prefers writers, so re-entering vCPUs cannot starve a flush.
 */
#include "exec/exec.h"

#include <assert.h>
#include <inttypes.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec/exec_internal.h"
#include "exec/softmmu.h"
#include "exec/tb.h"
#include "ir/interp.h"
#include "jit/jit.h"
#include "util/log.h"

_Atomic bool tb_flush_requested;
__thread CpuState *exec_current_cpu;

/* ---- vCPU registry ------------------------------------------------------ */

static pthread_mutex_t cpu_list_lock = PTHREAD_MUTEX_INITIALIZER;
static CpuState **cpu_list;
static size_t cpu_count, cpu_cap;

void exec_cpu_register(CpuState *cpu)
{
    pthread_mutex_lock(&cpu_list_lock);
    if (cpu_count == cpu_cap) {
        cpu_cap = cpu_cap ? cpu_cap * 2 : 8;
        cpu_list = realloc(cpu_list, cpu_cap * sizeof(*cpu_list));
        assert(cpu_list);
    }
    cpu_list[cpu_count++] = cpu;
    pthread_mutex_unlock(&cpu_list_lock);
}

void exec_cpu_unregister(CpuState *cpu)
{
    pthread_mutex_lock(&cpu_list_lock);
    for (size_t i = 0; i < cpu_count; i++) {
        if (cpu_list[i] == cpu) {
            cpu_list[i] = cpu_list[--cpu_count];
            break;
        }
    }
    pthread_mutex_unlock(&cpu_list_lock);
}

void exec_cpu_foreach(void (*fn)(CpuState *cpu, void *opaque), void *opaque)
{
    pthread_mutex_lock(&cpu_list_lock);
    for (size_t i = 0; i < cpu_count; i++) {
        fn(cpu_list[i], opaque);
    }
    pthread_mutex_unlock(&cpu_list_lock);
}

/* ---- exclusive section -------------------------------------------------- */

static pthread_rwlock_t exec_rwlock;
static pthread_once_t exec_rwlock_once = PTHREAD_ONCE_INIT;

static void exec_rwlock_init(void)
{
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&exec_rwlock, &attr);
    pthread_rwlockattr_destroy(&attr);
}

static void exec_kick_for_exclusive(CpuState *cpu, void *opaque)
{
    if (!__atomic_load_n(&cpu->in_exec, __ATOMIC_SEQ_CST)) {
        return;
    }
    atomic_store(&cpu->stop_request, 1);
    atomic_store(&cpu->exit_request, 1);
    if (cpu->kick_fn) {
        cpu->kick_fn(cpu);
    }
}

void exec_start_exclusive(void)
{
    pthread_once(&exec_rwlock_once, exec_rwlock_init);
    /* kick whoever is inside, again every millisecond: a vCPU may be just
     * entering (holding the read lock before in_exec shows) */
    for (;;) {
        exec_cpu_foreach(exec_kick_for_exclusive, NULL);
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 1000 * 1000;
        if (deadline.tv_nsec >= 1000 * 1000 * 1000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000 * 1000 * 1000;
        }
        if (pthread_rwlock_timedwrlock(&exec_rwlock, &deadline) == 0) {
            return;
        }
    }
}

void exec_end_exclusive(void)
{
    pthread_rwlock_unlock(&exec_rwlock);
}

/* ---- memory map changes -------------------------------------------------- */

/* The TLB caches host pointers and MMIO/RAM decisions of the map, and TBs
 * are keyed by physical address: when the map changes, every entry must
 * be re-filled, and if RAM went away, code that was there is gone too.
 * Runs on whatever thread commits the change (big lock held). */
static void cpu_tcg_region_del(MemoryListener *l, MemoryRegionSection *section)
{
    CpuState *cpu = (CpuState *)((char *)l - offsetof(CpuState, tcg_listener));
    if (section->ram_backed) {
        cpu->tcg_map_removed = true;
    }
}

static void cpu_tcg_commit(MemoryListener *l)
{
    CpuState *cpu = (CpuState *)((char *)l - offsetof(CpuState, tcg_listener));
    tlb_flush_async(cpu, (1u << CPU_TLB_MMU_MODES) - 1);
    if (cpu->tcg_map_removed) {
        cpu->tcg_map_removed = false;
        tb_flush(NULL);
    }
}

/* ---- set-up -------------------------------------------------------------- */

bool cpu_exec_realize(CpuState *cpu, const CpuOps *ops, AddressSpace *as, Error **errp)
{
    if (!ops->translate_init || !ops->get_tb_cpu_state || !ops->translate_code) {
        error_setg(errp, "CPU type %s lacks TCG support", ops->name ? ops->name : "?");
        return false;
    }
    if (cpu->mem_mode == CPU_MEM_SOFTMMU && (!as || !ops->tlb_fill)) {
        error_setg(errp, "CPU type %s: system mode needs an address space and tlb_fill",
                   ops->name ? ops->name : "?");
        return false;
    }
    pthread_once(&exec_rwlock_once, exec_rwlock_init);
    tb_cache_init();
    cpu->ops = ops;
    cpu->as = as;
    cpu->ir_ctx = ops->translate_init();
    cpu->ir_builder = ir_builder_new(cpu->ir_ctx);
    cpu->tb_jmp_cache = tb_jmp_cache_new(cpu->mem_mode == CPU_MEM_USER);
    cpu->exception_index = EXCP_NONE;
    cpu->cflags_next_tb = UINT32_MAX;
    cpu->tb_lookup_cflags = UINT32_MAX;
    cpu->current_tb = NULL;
    tlb_init(cpu);
    exec_cpu_register(cpu);
    if (as) {
        cpu->tcg_listener = (MemoryListener){ .region_del = cpu_tcg_region_del,
                                              .commit = cpu_tcg_commit };
        memory_listener_register(&cpu->tcg_listener, as);
    }
    return true;
}

void cpu_exec_unrealize(CpuState *cpu)
{
    if (cpu->tcg_listener.as) {
        memory_listener_unregister(&cpu->tcg_listener);
    }
    free(cpu->breakpoints);
    cpu->breakpoints = NULL;
    cpu->nb_breakpoints = cpu->breakpoints_cap = 0;
    free(cpu->watchpoints);
    cpu->watchpoints = NULL;
    cpu->nb_watchpoints = cpu->watchpoints_cap = 0;
    exec_cpu_unregister(cpu);
    tlb_destroy(cpu);
    tb_jmp_cache_free(cpu->tb_jmp_cache);
    cpu->tb_jmp_cache = NULL;
    ir_builder_free(cpu->ir_builder);
    cpu->ir_builder = NULL;
}

/* ---- leaving blocks ------------------------------------------------------- */

bool cpu_restore_state(CpuState *cpu, uintptr_t ra)
{
    TranslationBlock *tb = cpu->current_tb;
    /* the interpreter records the running instruction itself; ra is for
     * the JIT (host return address -> block and instruction: chained
     * blocks run without the loop, so current_tb may be an earlier one) */
    uint32_t idx = cpu->insn_index;
    if (!exec_jit_find(ra, &tb, &idx) && !tb) {
        return false;
    }
    uint64_t data[IR_INSN_DATA_WORDS];
    if (idx >= tb->icount || !tb_insn_data(tb, idx, data)) {
        return false;
    }
    if (cpu->ops->restore_state_to_opc) {
        cpu->ops->restore_state_to_opc(cpu, tb, data);
    }
    return true;
}

__thread uintptr_t cpu_user_access_ra;

bool cpu_restore_state_from_fault(CpuState *cpu, uintptr_t host_pc, const void *ucontext)
{
    uintptr_t ra = cpu_user_access_ra;
    cpu_user_access_ra = 0;
    if (exec_jit_restore_fault(cpu, host_pc, ucontext) || !ra) {
        /* host_pc starts the faulting instruction, which may start its
         * guest insn too; cpu_restore_state wants a pc past it (a return
         * address) */
        ra = host_pc + 1;
    }
    /* else a slow path's C access faulted: its caller's return address
     * names the guest insn (the slow path stored the globals) */
    return cpu_restore_state(cpu, ra);
}

void cpu_loop_exit(CpuState *cpu)
{
    assert(cpu->in_exec);
    siglongjmp(cpu->jmp_env, 1);
}

void cpu_loop_exit_restore(CpuState *cpu, uintptr_t ra)
{
    cpu_restore_state(cpu, ra);
    cpu_loop_exit(cpu);
}

void cpu_loop_exit_noexc(CpuState *cpu)
{
    cpu->exception_index = EXCP_NONE;
    cpu_loop_exit(cpu);
}

/* ---- requests from other threads ------------------------------------------ */

static void cpu_kick(CpuState *cpu)
{
    if (cpu->kick_fn) {
        cpu->kick_fn(cpu);
    }
}

void cpu_interrupt(CpuState *cpu, uint32_t mask)
{
    atomic_fetch_or(&cpu->interrupt_request, mask);
    atomic_store(&cpu->exit_request, 1);
    cpu_kick(cpu);
}

void cpu_reset_interrupt(CpuState *cpu, uint32_t mask)
{
    atomic_fetch_and(&cpu->interrupt_request, ~mask);
}

void cpu_exit(CpuState *cpu)
{
    atomic_store(&cpu->stop_request, 1);
    atomic_store(&cpu->exit_request, 1);
    cpu_kick(cpu);
}

bool cpu_has_work(CpuState *cpu)
{
    if (cpu->ops->has_work) {
        return cpu->ops->has_work(cpu);
    }
    return (atomic_load(&cpu->interrupt_request) & CPU_INTERRUPT_HARD) != 0;
}

/* ---- the loop ------------------------------------------------------------------ */

/* Deliver a pending exception.  True (with *ret) when cpu_exec must return. */
static bool cpu_handle_exception(CpuState *cpu, int *ret)
{
    if (cpu->exception_index < 0) {
        return false;
    }
    if (cpu->exception_index >= EXCP_INTERRUPT) {
        *ret = cpu->exception_index;
        cpu->exception_index = EXCP_NONE;
        return true;
    }
    log_mask_printf(LOG_INT, "cpu %d: exception %d\n", cpu->cpu_index, cpu->exception_index);
    if (cpu->ops->do_interrupt) {
        cpu->ops->do_interrupt(cpu);
    }
    cpu->exception_index = EXCP_NONE;
    return false;
}

/* Block-boundary checks.  True when the inner loop must stop (with
 * cpu->exception_index saying why); clears *last_tb when the path changed. */
static bool cpu_handle_interrupt(CpuState *cpu, TranslationBlock **last_tb)
{
    if (cpu->cflags_next_tb != UINT32_MAX && (cpu->cflags_next_tb & CF_NOIRQ)) {
        return false;       /* the next block must run before any interrupt */
    }
    uint32_t pending = atomic_load_explicit(&cpu->interrupt_request, memory_order_relaxed);
    if (!pending && !atomic_load_explicit(&cpu->exit_request, memory_order_relaxed)) {
        return false;
    }
    atomic_store(&cpu->exit_request, 0);
    pending = atomic_load(&cpu->interrupt_request);
    if (pending) {
        if (pending & CPU_INTERRUPT_DEBUG) {
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_DEBUG);
            cpu->exception_index = EXCP_DEBUG;
            return true;
        }
        if (pending & CPU_INTERRUPT_HALT) {
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_HALT);
            atomic_store(&cpu->halted, 1);
            cpu->exception_index = EXCP_HLT;
            return true;
        }
        /* Single-stepping masks interrupts (QEMU's SSTEP_NOIRQ): a debugger's
         * step must not land in a handler because a timer fired; so does a
         * forced CF_NOIRQ block (a watchpoint's instruction run again). */
        bool noirq = cpu->singlestep ||
                     (cpu->cflags_next_tb != UINT32_MAX && (cpu->cflags_next_tb & CF_NOIRQ));
        if (!noirq && cpu->ops->exec_interrupt && cpu->ops->exec_interrupt(cpu, pending)) {
            log_mask_printf(LOG_INT, "cpu %d: took interrupt (request 0x%x)\n", cpu->cpu_index,
                            pending);
            cpu->exception_index = EXCP_NONE;
            *last_tb = NULL;
        }
        if (atomic_load(&cpu->interrupt_request) & CPU_INTERRUPT_EXITTB) {
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_EXITTB);
            *last_tb = NULL;
        }
    }
    if (atomic_load_explicit(&cpu->tlb.pending_flush, memory_order_relaxed)) {
        tlb_flush_pending(cpu);
        *last_tb = NULL;
    }
    if (atomic_exchange(&cpu->stop_request, 0)) {
        if (cpu->exception_index == EXCP_NONE) {
            cpu->exception_index = EXCP_INTERRUPT;
        }
        return true;
    }
    return false;
}

static uint32_t cpu_next_cflags(CpuState *cpu)
{
    uint32_t cflags = cpu->cflags_next_tb;
    if (cflags != UINT32_MAX) {
        cpu->cflags_next_tb = UINT32_MAX;
        return cflags;
    }
    return exec_default_cflags(cpu);
}


static TranslationBlock *cpu_find_tb(CpuState *cpu, uint32_t cflags)
{
    GuestVaddr pc;
    uint64_t cs_base;
    uint32_t flags;
    cpu->ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
    TranslationBlock *tb = tb_lookup(cpu, pc, cs_base, flags, cflags);
    if (!tb) {
        tb = tb_gen_code(cpu, pc, cs_base, flags, cflags);
    }
    return tb;
}

/* Run tb and whatever it chains to.  Returns the last TB run and, through
 * *slot, the goto_tb slot it left by (-1: not chainable). */
static TranslationBlock *cpu_loop_exec_tb(CpuState *cpu, TranslationBlock *tb, int *slot)
{
    for (;;) {
        if (log_enabled(LOG_CPU) && cpu->ops->dump_state) {
            cpu->ops->dump_state(cpu, log_file());
        }
        log_mask_printf(LOG_EXEC, "Trace %d: pc 0x%" PRIx64 " flags 0x%x\n", cpu->cpu_index,
                        (uint64_t)tb->pc, tb->flags);
        cpu->current_tb = tb;
        cpu->stat_tb_exec++;
        IrExit exit;
        if (tb->host_code) {
            cpu->tb_lookup_cflags = exec_lookup_cflags(cpu);
            /* the JIT follows chained jumps itself: tb becomes the block
             * that left */
            uintptr_t ret = exec_jit_run(cpu, tb);
            tb = jit_exit_tag(ret);
            exit = jit_exit_value(ret);
        } else {
            exit = ir_interp_run(tb->code, cpu, exec_runtime(cpu), &cpu->insn_index);
        }
        cpu->current_tb = NULL;
        if (exit == IR_EXIT_REQUESTED) {
            /* tb did not run (exit request, or invalidated under a chained
             * jump): a chained predecessor jumped before storing the pc */
            uint64_t data[IR_INSN_DATA_WORDS];
            if (cpu->ops->restore_state_to_opc && tb->icount && tb_insn_data(tb, 0, data)) {
                cpu->ops->restore_state_to_opc(cpu, tb, data);
            }
            *slot = -1;
            return NULL;
        }
        if (tb->cflags & CF_NOCACHE) {
            tb_free_nocache(tb);
            *slot = -1;
            return NULL;
        }

        int s = ir_exit_slot(exit);
        if (s >= 0) {
            TranslationBlock *next = atomic_load_explicit(&tb->jmp_dest[s], memory_order_acquire);
            if (!next || atomic_load_explicit(&cpu->exit_request, memory_order_relaxed) ||
                cpu->cflags_next_tb != UINT32_MAX) {
                *slot = s;
                return tb;
            }
            if (atomic_load_explicit(&next->invalid, memory_order_acquire)) {
                atomic_store(&tb->jmp_dest[s], NULL);
                *slot = s;
                return tb;
            }
            cpu->stat_chain_hits++;
            tb = next;
            continue;
        }
        if (exit == IR_EXIT_LOOKUP && !cpu->singlestep &&
            !atomic_load_explicit(&cpu->exit_request, memory_order_relaxed) &&
            !atomic_load_explicit(&cpu->interrupt_request, memory_order_relaxed) &&
            cpu->cflags_next_tb == UINT32_MAX) {
            /* lookup_and_goto_ptr: find the next block without leaving */
            GuestVaddr pc;
            uint64_t cs_base;
            uint32_t flags;
            cpu->ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
            TranslationBlock *next = tb_lookup(cpu, pc, cs_base, flags, cpu_next_cflags(cpu));
            if (next) {
                tb = next;
                continue;
            }
        }
        *slot = -1;
        return NULL;
    }
}

static bool cpu_handle_halt(CpuState *cpu)
{
    if (!atomic_load(&cpu->halted)) {
        return false;
    }
    if (!cpu_has_work(cpu)) {
        return true;
    }
    atomic_store(&cpu->halted, 0);
    return false;
}

/* A flush asked from inside a block: step out of the read side, flush with
 * every other vCPU out, step back in.  No TB pointer survives this. */
static void cpu_exec_flush_tbs(CpuState *cpu)
{
    __atomic_store_n(&cpu->in_exec, false, __ATOMIC_SEQ_CST);
    pthread_rwlock_unlock(&exec_rwlock);
    exec_start_exclusive();
    if (atomic_load(&tb_flush_requested)) {
        tb_flush_exclusive();
    }
    exec_end_exclusive();
    pthread_rwlock_rdlock(&exec_rwlock);
    __atomic_store_n(&cpu->in_exec, true, __ATOMIC_SEQ_CST);
}

int cpu_exec(CpuState *cpu)
{
    if (cpu_handle_halt(cpu)) {
        return EXCP_HALTED;
    }
    if (atomic_load(&tb_flush_requested)) {
        exec_start_exclusive();
        if (atomic_load(&tb_flush_requested)) {
            tb_flush_exclusive();
        }
        exec_end_exclusive();
    }
    pthread_rwlock_rdlock(&exec_rwlock);
    __atomic_store_n(&cpu->in_exec, true, __ATOMIC_SEQ_CST);
    exec_current_cpu = cpu;

    int ret = EXCP_INTERRUPT;
    for (;;) {
        if (sigsetjmp(cpu->jmp_env, 0) != 0) {
            /* back from cpu_loop_exit*: the block (or its translation)
             * was abandoned */
            tb_gen_code_abandon();
            TranslationBlock *abandoned = cpu->current_tb;
            cpu->current_tb = NULL;
            if (abandoned && (abandoned->cflags & CF_NOCACHE)) {
                tb_free_nocache(abandoned);
            }
        }
        bool delivering = cpu->exception_index >= 0 && cpu->exception_index < EXCP_INTERRUPT;
        if (cpu_handle_exception(cpu, &ret)) {
            break;
        }
        if (delivering && cpu->singlestep) {
            ret = EXCP_DEBUG;       /* stepped into the handler */
            break;
        }
        TranslationBlock *last_tb = NULL;
        int slot = -1;
        while (!cpu_handle_interrupt(cpu, &last_tb)) {
            if (atomic_load_explicit(&tb_flush_requested, memory_order_relaxed)) {
                cpu_exec_flush_tbs(cpu);
                last_tb = NULL;
            }
            uint32_t cflags = cpu_next_cflags(cpu);
            TranslationBlock *tb = cpu_find_tb(cpu, cflags);
            if (last_tb && slot >= 0 && !log_enabled(LOG_NOCHAIN)) {
                tb_add_jump(last_tb, (unsigned)slot, tb);
            }
            last_tb = cpu_loop_exec_tb(cpu, tb, &slot);
            if (cpu->singlestep) {
                cpu->exception_index = EXCP_DEBUG;
                break;
            }
        }
    }
    exec_current_cpu = NULL;
    __atomic_store_n(&cpu->in_exec, false, __ATOMIC_SEQ_CST);
    pthread_rwlock_unlock(&exec_rwlock);
    if (ret == EXCP_DEBUG) {
        cpu_debug_note_stop(cpu);
    }
    return ret;
}

void cpu_exec_step_atomic(CpuState *cpu)
{
    /* One instruction, translated without CF_PARALLEL and not cached, run
     * while no other vCPU is inside cpu_exec: for guests whose atomics the
     * IR cannot express with host atomics (they raise EXCP_ATOMIC). */
    exec_start_exclusive();
    if (atomic_load(&tb_flush_requested)) {
        tb_flush_exclusive();
    }
    __atomic_store_n(&cpu->in_exec, true, __ATOMIC_SEQ_CST);
    exec_current_cpu = cpu;
    if (sigsetjmp(cpu->jmp_env, 0) == 0) {
        GuestVaddr pc;
        uint64_t cs_base;
        uint32_t flags;
        cpu->ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
        TranslationBlock *tb = tb_gen_code(cpu, pc, cs_base, flags, CF_NOCACHE | 1);
        cpu->current_tb = tb;
        ir_interp_run(tb->code, cpu, exec_runtime(cpu), &cpu->insn_index);
        cpu->current_tb = NULL;
        tb_free_nocache(tb);
    } else {
        /* raised: exception_index stays for the next cpu_exec to deliver */
        tb_gen_code_abandon();
        TranslationBlock *abandoned = cpu->current_tb;
        cpu->current_tb = NULL;
        if (abandoned) {
            tb_free_nocache(abandoned);
        }
    }
    exec_current_cpu = NULL;
    __atomic_store_n(&cpu->in_exec, false, __ATOMIC_SEQ_CST);
    exec_end_exclusive();
}
