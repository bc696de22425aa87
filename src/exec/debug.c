/*
 * Breakpoints and single-stepping for the gdbstub (QEMU's
 * cpu_breakpoint_insert and singlestep).  Breakpoints are a per-vCPU list of
 * guest virtual pcs, changed only while the vCPU is stopped.  The
 * translator ends a block before a breakpointed instruction with a call to
 * helper_exec_debug, which raises EXCP_DEBUG with the state restored to
 * that instruction; so breakpoints are part of translation and changing
 * them flushes the TB cache.  Single-step is cpu->singlestep: one-insn
 * blocks, and cpu_exec returns EXCP_DEBUG after each.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "exec/exec.h"
#include "exec/exec_internal.h"
#include "exec/tb.h"
#include "ir/helper.h"

#define IR_HELPER_DEFS "exec/exec_helpers.def"
#include "ir/helper_gen.h"

void helper_exec_debug(void *env)
{
    CpuState *cpu = env;
    cpu->exception_index = EXCP_DEBUG;
    cpu_loop_exit_restore(cpu, GETPC());
}

#define IR_HELPER_DEFS "exec/exec_helpers.def"
#define IR_HELPER_GEN_INFO
#define IR_HELPER_TABLE exec_helper_table
#include "ir/helper_gen.h"

bool cpu_breakpoint_test(const CpuState *cpu, GuestVaddr pc)
{
    for (unsigned i = 0; i < cpu->nb_breakpoints; i++) {
        if (cpu->breakpoints[i] == pc) {
            return true;
        }
    }
    return false;
}

bool cpu_breakpoint_insert(CpuState *cpu, GuestVaddr pc)
{
    if (cpu_breakpoint_test(cpu, pc)) {
        return true;
    }
    if (cpu->nb_breakpoints == cpu->breakpoints_cap) {
        unsigned cap = cpu->breakpoints_cap ? cpu->breakpoints_cap * 2 : 8;
        GuestVaddr *bp = realloc(cpu->breakpoints, cap * sizeof(*bp));
        if (!bp) {
            return false;
        }
        cpu->breakpoints = bp;
        cpu->breakpoints_cap = cap;
    }
    cpu->breakpoints[cpu->nb_breakpoints++] = pc;
    tb_flush(NULL);
    return true;
}

bool cpu_breakpoint_remove(CpuState *cpu, GuestVaddr pc)
{
    for (unsigned i = 0; i < cpu->nb_breakpoints; i++) {
        if (cpu->breakpoints[i] == pc) {
            cpu->breakpoints[i] = cpu->breakpoints[--cpu->nb_breakpoints];
            tb_flush(NULL);
            return true;
        }
    }
    return false;
}

void cpu_breakpoint_remove_all(CpuState *cpu)
{
    if (cpu->nb_breakpoints) {
        cpu->nb_breakpoints = 0;
        tb_flush(NULL);
    }
}

/* ---- watchpoints ---- */

static bool watch_overlaps(const CpuWatchpoint *wp, GuestVaddr addr, GuestVaddr len)
{
    /* inclusive ends, so a watchpoint at the top of the address space works */
    GuestVaddr wend = wp->addr + wp->len - 1, end = addr + len - 1;
    return addr <= wend && wp->addr <= end;
}

bool cpu_watchpoint_on_page(const CpuState *cpu, GuestVaddr page)
{
    for (unsigned i = 0; i < cpu->nb_watchpoints; i++) {
        if (watch_overlaps(&cpu->watchpoints[i], page, GUEST_PAGE_SIZE)) {
            return true;
        }
    }
    return false;
}

/* Pages change their TLB_WATCH flag: refill every entry (applied by the
 * vCPU at its next block boundary). */
static void watch_flush_tlb(CpuState *cpu)
{
    tlb_flush_async(cpu, ~0u);
}

bool cpu_watchpoint_insert(CpuState *cpu, GuestVaddr addr, GuestVaddr len, int flags)
{
    if (len == 0 || !(flags & BP_MEM_ACCESS)) {
        return false;
    }
    for (unsigned i = 0; i < cpu->nb_watchpoints; i++) {
        CpuWatchpoint *wp = &cpu->watchpoints[i];
        if (wp->addr == addr && wp->len == len && wp->flags == flags) {
            return true;
        }
    }
    if (cpu->nb_watchpoints == cpu->watchpoints_cap) {
        unsigned cap = cpu->watchpoints_cap ? cpu->watchpoints_cap * 2 : 4;
        CpuWatchpoint *wps = realloc(cpu->watchpoints, cap * sizeof(*wps));
        if (!wps) {
            return false;
        }
        cpu->watchpoints = wps;
        cpu->watchpoints_cap = cap;
    }
    cpu->watchpoints[cpu->nb_watchpoints++] = (CpuWatchpoint){ addr, len, flags };
    watch_flush_tlb(cpu);
    return true;
}

bool cpu_watchpoint_remove(CpuState *cpu, GuestVaddr addr, GuestVaddr len, int flags)
{
    for (unsigned i = 0; i < cpu->nb_watchpoints; i++) {
        CpuWatchpoint *wp = &cpu->watchpoints[i];
        if (wp->addr == addr && wp->len == len && wp->flags == flags) {
            *wp = cpu->watchpoints[--cpu->nb_watchpoints];
            watch_flush_tlb(cpu);
            return true;
        }
    }
    return false;
}

void cpu_watchpoint_remove_all(CpuState *cpu)
{
    if (cpu->nb_watchpoints) {
        cpu->nb_watchpoints = 0;
        watch_flush_tlb(cpu);
    }
}

void cpu_check_watchpoint(CpuState *cpu, GuestVaddr addr, unsigned size, int flags,
                          uintptr_t ra)
{
    if (cpu->watchpoint_state == CPU_WATCH_REEXEC) {
        /* The instruction runs again alone: let the access happen and stop
         * at the next block boundary, right after it (QEMU's way). */
        cpu->watchpoint_state = CPU_WATCH_HIT;
        cpu_interrupt(cpu, CPU_INTERRUPT_DEBUG);
        return;
    }
    for (unsigned i = 0; i < cpu->nb_watchpoints; i++) {
        const CpuWatchpoint *wp = &cpu->watchpoints[i];

        if ((wp->flags & flags) && watch_overlaps(wp, addr, size)) {
            cpu->watchpoint_state = CPU_WATCH_REEXEC;
            cpu->watchpoint_hit_addr = wp->addr;
            cpu->watchpoint_hit_flags = wp->flags & flags;
            /* one instruction, no interrupt in front of it, not cached */
            cpu->cflags_next_tb = (exec_default_cflags(cpu) & ~CF_COUNT_MASK) | 1 | CF_NOIRQ |
                                  CF_NOCACHE;
            cpu_loop_exit_restore(cpu, ra);
        }
    }
}

void cpu_single_step(CpuState *cpu, bool enabled)
{
    cpu->singlestep = enabled;
}

static CpuState *_Atomic debug_stopped_cpu;

void cpu_debug_note_stop(CpuState *cpu)
{
    atomic_store(&debug_stopped_cpu, cpu);
}

CpuState *cpu_debug_stopped_cpu(void)
{
    return atomic_load(&debug_stopped_cpu);
}

void cpu_debug_clear_stopped(void)
{
    atomic_store(&debug_stopped_cpu, NULL);
}

bool cpu_memory_rw_debug(CpuState *cpu, GuestVaddr addr, void *buf, size_t len, bool is_write)
{
    uint8_t *p = buf;

    while (len) {
        GuestVaddr page = addr & GUEST_PAGE_MASK;
        size_t n = GUEST_PAGE_SIZE - (addr - page);
        int64_t phys = cpu->ops->get_phys_page_debug ? cpu->ops->get_phys_page_debug(cpu, page)
                                                     : (int64_t)page;
        MemTxResult r;

        if (n > len) {
            n = len;
        }
        if (phys < 0) {
            return false;
        }
        phys += (int64_t)(addr - page);
        if (is_write) {
            /* The memory API's write invalidates translated code in RAM;
             * the loaders' path reaches ROM too (a debugger patching
             * firmware), and fails harmlessly on MMIO. */
            r = address_space_write(cpu->as, (GuestPaddr)phys, MEMTXATTRS_UNSPECIFIED, p, n);
            if (r == MEMTX_OK) {
                address_space_write_rom(cpu->as, (GuestPaddr)phys, p, n, NULL);
            }
        } else {
            r = address_space_read(cpu->as, (GuestPaddr)phys, MEMTXATTRS_UNSPECIFIED, p, n);
        }
        if (r != MEMTX_OK) {
            return false;
        }
        addr += n;
        p += n;
        len -= n;
    }
    return true;
}
