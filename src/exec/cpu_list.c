/*
 * The list of vCPUs (see cpu_list.h).
 */
#include "exec/cpu_list.h"

#include <assert.h>
#include <string.h>

static CpuState *cpu_list[CPU_LIST_MAX];
static int cpu_list_len;

void cpu_list_add(CpuState *cpu)
{
    assert(cpu_list_len < CPU_LIST_MAX);
    cpu_list[cpu_list_len++] = cpu;
}

void cpu_list_remove(CpuState *cpu)
{
    for (int i = 0; i < cpu_list_len; i++) {
        if (cpu_list[i] == cpu) {
            memmove(&cpu_list[i], &cpu_list[i + 1],
                    (size_t)(cpu_list_len - i - 1) * sizeof(cpu_list[0]));
            cpu_list_len--;
            return;
        }
    }
}

int cpu_list_count(void)
{
    return cpu_list_len;
}

CpuState *cpu_list_get(int i)
{
    return i >= 0 && i < cpu_list_len ? cpu_list[i] : NULL;
}
