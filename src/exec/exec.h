/*
 * The exec loop (QEMU's cpu-exec.c): runs one vCPU's guest code until
 * something needs the outside world.  cpu_exec, on the vCPU thread:
 *   - returns EXCP_HALTED at once if the CPU is halted without work (the
 *     accelerator's thread sleeps until kicked), applies pending TLB flushes;
 *   - at every block entry checks exit_request (one atomic word): pending
 *     interrupts go to CpuOps.exec_interrupt, other requests return
 *     EXCP_INTERRUPT;
 *   - finds the next block (jump cache, hash table, translation), follows
 *     chained blocks without lookups, runs it on the interpreter (or JIT);
 *   - exceptions come back by siglongjmp from cpu_loop_exit*: guest ones are
 *     delivered with CpuOps.do_interrupt and the loop goes on; EXCP_* values
 *     >= EXCP_INTERRUPT are returned to the caller.
 * -d exec / cpu / int / nochain are honoured through util/log.h.
 *
 * Threads: cpu_exec, cpu_loop_exit* and cpu_restore_state run on the vCPU's
 * thread.  cpu_interrupt, cpu_reset_interrupt and cpu_exit may be called
 * from any thread (device models, the main loop, other vCPUs) and kick the
 * vCPU through cpu->kick_fn.
 */
#ifndef EXEC_EXEC_H
#define EXEC_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "core/error.h"
#include "exec/cpu.h"
#include "exec/tb.h"
#include "memory/memory.h"

/* Unwind token for helpers: pass GETPC() as ra to cpu_loop_exit_restore and
 * the cpu_*_mmu accessors (the interpreter ignores it and uses its own
 * record of the current instruction; the JIT maps the host return address). */
#define GETPC() ((uintptr_t)__builtin_return_address(0))

/* The backend that runs translated blocks (-accel tcg,backend=...).  Set at
 * start-up before any vCPU runs; the JIT needs an x86-64 host, and blocks it
 * cannot compile run on the interpreter. */
typedef enum ExecBackend {
    EXEC_BACKEND_INTERP,
    EXEC_BACKEND_JIT,
} ExecBackend;
bool exec_set_backend(ExecBackend backend, Error **errp);
ExecBackend exec_get_backend(void);
/* The JIT's code buffer size in bytes (0: its default, 64 MiB), before any
 * vCPU runs: -accel tcg,tb-size=MiB, and tests that want it to fill up and
 * flush. */
void exec_set_jit_code_size(size_t bytes);
/* fork() with the JIT (user mode), see jit_fork_prepare: prepare before
 * fork (no vCPU in cpu_exec), then parent or child after it.  A false from
 * child: the child must drop its translations and use the interpreter (it
 * still shares the parent's code buffer); the failure was reported. */
void exec_jit_fork_prepare(void);
void exec_jit_fork_parent(void);
bool exec_jit_fork_child(void);

/* Wire a vCPU for TCG: TLB, jump cache, IR builder, IrContext from
 * ops->translate_init, the TB cache.  Before the vCPU thread starts. */
bool cpu_exec_realize(CpuState *cpu, const CpuOps *ops, AddressSpace *as, Error **errp);
void cpu_exec_unrealize(CpuState *cpu);

/* Calls fn for every vCPU realized for TCG, in the list's order (any
 * thread; holds the list's lock, so fn must not realize or unrealize). */
void exec_cpu_foreach(void (*fn)(CpuState *cpu, void *opaque), void *opaque);

/* Run until an EXCP_* code (vCPU thread). */
int cpu_exec(CpuState *cpu);
/* Run exactly one instruction with other vCPUs stopped (EXCP_ATOMIC). */
void cpu_exec_step_atomic(CpuState *cpu);

/* Leave the current block for cpu_exec (cpu->exception_index says why). */
noreturn void cpu_loop_exit(CpuState *cpu);
/* Same, first restoring the guest state of the faulting instruction. */
noreturn void cpu_loop_exit_restore(CpuState *cpu, uintptr_t ra);
/* Leave without an exception (e.g. after changing translation state). */
noreturn void cpu_loop_exit_noexc(CpuState *cpu);
/* Restore the guest state of the instruction running in the current block
 * (via restore_state_to_opc).  Returns false when not inside a block. */
bool cpu_restore_state(CpuState *cpu, uintptr_t ra);
/* The same for a host fault (SIGSEGV/SIGBUS) at host_pc, the faulting
 * instruction itself, with ucontext the signal's (ucontext_t *): the JIT's
 * guest memory accesses leave dirty guest registers in host registers
 * (jit.h, jit_restore_fault), which this writes into the CPU state first.
 * Signal handler, vCPU thread. */
bool cpu_restore_state_from_fault(CpuState *cpu, uintptr_t host_pc, const void *ucontext);
/* User mode: while a slow path's C code (cpu_ld/st/atomic_mmu) touches
 * guest memory itself, the return address into generated code it was
 * called with (GETPC), else 0; a fault there is that access's, and
 * cpu_restore_state_from_fault unwinds from this address. */
extern __thread uintptr_t cpu_user_access_ra;

/* Any thread: raise/clear interrupt_request bits and kick the vCPU. */
void cpu_interrupt(CpuState *cpu, uint32_t mask);
void cpu_reset_interrupt(CpuState *cpu, uint32_t mask);
/* Any thread: make the vCPU leave cpu_exec at its next block entry. */
void cpu_exit(CpuState *cpu);
/* Does the CPU have something to do (interrupt pending or has_work)? */
bool cpu_has_work(CpuState *cpu);

/* Debugging, for the gdbstub (while the vCPU is stopped, outside cpu_exec).
 * A breakpoint makes cpu_exec return EXCP_DEBUG with the guest state at the
 * instruction (not yet executed); single-step makes it return EXCP_DEBUG
 * after each instruction (or after entering an exception handler).
 * Changing breakpoints flushes translated code. */
bool cpu_breakpoint_insert(CpuState *cpu, GuestVaddr pc);
bool cpu_breakpoint_remove(CpuState *cpu, GuestVaddr pc);
void cpu_breakpoint_remove_all(CpuState *cpu);
bool cpu_breakpoint_test(const CpuState *cpu, GuestVaddr pc);
/* Watchpoints (QEMU's cpu_watchpoint_insert): a data access overlapping
 * [addr, addr + len) with a matching BP_MEM_* flag stops the vCPU after the
 * accessing instruction completes (cpu_exec returns EXCP_DEBUG with
 * cpu->watchpoint_state == CPU_WATCH_HIT and the watchpoint's address in
 * watchpoint_hit_addr).  Pages holding watchpoints take the soft-MMU slow
 * path.  While the vCPU is stopped, like breakpoints; the debugger resets
 * watchpoint_state to CPU_WATCH_NONE when it resumes. */
bool cpu_watchpoint_insert(CpuState *cpu, GuestVaddr addr, GuestVaddr len, int flags);
bool cpu_watchpoint_remove(CpuState *cpu, GuestVaddr addr, GuestVaddr len, int flags);
void cpu_watchpoint_remove_all(CpuState *cpu);

/* Single-step runs one instruction with interrupts masked (QEMU's default
 * SSTEP_NOIRQ): a pending interrupt is taken when stepping stops. */
void cpu_single_step(CpuState *cpu, bool enabled);

/* Debugger access to guest memory as cpu sees it: virtual addresses go
 * through CpuOps.get_phys_page_debug when the guest provides one (identity
 * otherwise), then the memory API; writes reach ROM too (software
 * breakpoints) and invalidate translated code.  False if any page is
 * unmapped or not memory.  Any thread; stop the vCPU for a consistent view. */
bool cpu_memory_rw_debug(CpuState *cpu, GuestVaddr addr, void *buf, size_t len,
                         bool is_write);

/* The vCPU whose cpu_exec last returned EXCP_DEBUG, so the gdbstub can say
 * which thread stopped; cleared when the debugger resumes.  Any thread. */
CpuState *cpu_debug_stopped_cpu(void);
void cpu_debug_clear_stopped(void);

#endif
