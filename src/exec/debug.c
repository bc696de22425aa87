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
