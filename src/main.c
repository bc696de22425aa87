/*
 * Morpho's entry point: one executable, several commands chosen by the name
 * it is run under (argv[0]), as links morpho-system-riscv64, morpho-riscv64,
 * morpho-system-x86_64.  `morpho COMMAND ARGS...` works too.  A command whose
 * mode is not built yet says so and exits 1.
 */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "hw/x86/x86_cpu.h"
#include "system/vl.h"
#include "user/user.h"

typedef int (*ModeMainFn)(int argc, char **argv);

static const SystemTarget riscv64_system = {
    .name = "riscv64",
    .cpu_type_suffix = "-riscv-cpu",
    .cpu_parent_type = "riscv-cpu",
    .default_accel = "tcg",
};

static int riscv64_system_main(int argc, char **argv)
{
    return system_main(&riscv64_system, argc, argv);
}

static const SystemTarget x86_64_system = {
    .name = "x86_64",
    .cpu_type_suffix = X86_CPU_TYPE_SUFFIX,
    .cpu_parent_type = TYPE_X86_CPU,
    .default_accel = "kvm",
};

static int x86_64_system_main(int argc, char **argv)
{
    return system_main(&x86_64_system, argc, argv);
}

static const struct {
    const char *name;
    ModeMainFn main;
    const char *what;
} morpho_modes[] = {
    { "morpho-system-riscv64", riscv64_system_main, "RISC-V 64 full-system emulation (virt board)" },
    { "morpho-riscv64", user_main, "RISC-V 64 Linux user-mode emulation" },
    { "morpho-system-x86_64", x86_64_system_main, "x86-64 virtual machines on KVM (microvm board)" },
};

#define MORPHO_MODE_COUNT (sizeof(morpho_modes) / sizeof(morpho_modes[0]))

static int morpho_usage(FILE *out)
{
    fprintf(out, "usage: morpho COMMAND [options]   (or run one of the links below)\n"
                 "commands:\n");
    for (size_t i = 0; i < MORPHO_MODE_COUNT; i++) {
        fprintf(out, "  %-24s %s%s\n", morpho_modes[i].name, morpho_modes[i].what,
                morpho_modes[i].main ? "" : " [not built yet]");
    }
    return out == stdout ? 0 : 1;
}

int main(int argc, char **argv)
{
    char *name = basename(argv[0]);

    if (strcmp(name, "morpho") == 0) {
        if (argc < 2) {
            return morpho_usage(stderr);
        }
        if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
            return morpho_usage(stdout);
        }
        argv++;
        argc--;
        name = argv[0];
    }
    for (size_t i = 0; i < MORPHO_MODE_COUNT; i++) {
        if (strcmp(name, morpho_modes[i].name) != 0) {
            continue;
        }
        error_set_progname(morpho_modes[i].name);
        if (!morpho_modes[i].main) {
            error_report("not built yet: %s is not part of this build",
                         morpho_modes[i].what);
            return 1;
        }
        return morpho_modes[i].main(argc, argv);
    }
    fprintf(stderr, "morpho: unknown command '%s'\n", name);
    return morpho_usage(stderr);
}
