/*
 * The list of vCPUs in this process, in creation order (QEMU's cpus
 * queue): a guest CPU's realize adds itself, accelerators start a thread
 * per entry, the monitor and gdbstub walk it.  Changes happen on the main
 * thread with the BQL held, before the vCPUs run (no hot-plug yet), so
 * readers need no lock once the machine is built.
 */
#ifndef EXEC_CPU_LIST_H
#define EXEC_CPU_LIST_H

#include "exec/cpu.h"

#define CPU_LIST_MAX 512

void cpu_list_add(CpuState *cpu);
void cpu_list_remove(CpuState *cpu);
int cpu_list_count(void);
/* The i-th CPU, or NULL past the end. */
CpuState *cpu_list_get(int i);

#define CPU_FOREACH(cpu, i) \
    for (int i = 0; ((cpu) = cpu_list_get(i)) != NULL; i++)

#endif
