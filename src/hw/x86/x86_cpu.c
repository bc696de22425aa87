/*
 * The x86-64 CPU model names (see x86_cpu.h): an abstract base and the two
 * models KVM gives us, both the host's supported CPUID.
 */
#include "hw/x86/x86_cpu.h"

#include "core/object.h"

static const TypeInfo x86_cpu_types[] = {
    { .name = TYPE_X86_CPU, .parent = TYPE_OBJECT, .abstract = true },
    { .name = X86_CPU_TYPE_NAME("host"), .parent = TYPE_X86_CPU },
    { .name = X86_CPU_TYPE_NAME("max"), .parent = TYPE_X86_CPU },
};

static void x86_cpu_register_types(void)
{
    type_register_static_array(x86_cpu_types, sizeof(x86_cpu_types) / sizeof(x86_cpu_types[0]));
}

type_init(x86_cpu_register_types)
