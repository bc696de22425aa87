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
#include <stdlib.h>

#include "exec/exec.h"
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

void cpu_single_step(CpuState *cpu, bool enabled)
{
    cpu->singlestep = enabled;
}
