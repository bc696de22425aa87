/*
 * System-mode start-up (QEMU's softmmu/vl.c + main.c): from the command
 * line to a running machine and back to an exit status.  One entry point
 * per emulated system, parameterised by a SystemTarget that names what
 * differs between them (CPU type family, default accelerator).
 *
 * Runs on the main thread; returns the process exit status: 0 after a
 * normal shutdown, the guest's code after a test-finisher exit, 1 after an
 * error (already reported once, with context).
 */
#ifndef SYSTEM_VL_H
#define SYSTEM_VL_H

typedef struct SystemTarget {
    const char *name;               /* "riscv64" */
    const char *cpu_type_suffix;    /* "-riscv-cpu": -cpu rv64 → "rv64-riscv-cpu" */
    const char *cpu_parent_type;    /* listed by -cpu help */
    const char *default_accel;      /* "tcg", "kvm" */
    const char *default_machine;    /* "microvm"; NULL: the class marked is_default */
} SystemTarget;

int system_main(const SystemTarget *target, int argc, char **argv);

#endif
