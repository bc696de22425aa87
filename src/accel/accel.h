/*
 * Accelerators: TYPE_ACCEL is the abstract base of the engines that run
 * guest code (tcg, kvm).  Each registers "NAME-accel" with an AccelClass
 * naming itself, saying whether the host can use it (available(), e.g.
 * /dev/kvm opens) and how to attach to a machine (init_machine: create the
 * VM, set up memory slots; TCG: allocate the code buffer).  `-accel help`
 * lists them as QEMU does.
 *
 * Thread context: main thread at start-up.  Errors: Error **errp.
 */
#ifndef ACCEL_ACCEL_H
#define ACCEL_ACCEL_H

#include "core/object.h"

#define TYPE_ACCEL "accel"
#define ACCEL_CLASS_SUFFIX "-" TYPE_ACCEL
#define ACCEL_CLASS_NAME(name) name ACCEL_CLASS_SUFFIX

typedef struct MachineState MachineState;
typedef struct AccelState AccelState;

typedef struct AccelClass {
    ObjectClass parent_class;
    const char *name;                 /* "tcg", "kvm": what -accel takes */
    bool (*init_machine)(AccelState *accel, MachineState *ms, Error **errp);
    /* NULL: always.  On false, errp may say why ("Could not access KVM
     * kernel module: ..."); left unset, a generic message is used. */
    bool (*available)(Error **errp);
    /* After the board and -device are built: create the vCPU threads
     * (they wait until vm_start).  NULL: nothing to start. */
    bool (*start_vcpus)(AccelState *accel, MachineState *ms, Error **errp);
} AccelClass;

struct AccelState {
    Object parent_obj;
    MachineState *machine;            /* set by a successful accel_init_machine */
    /* The guest architecture ("riscv64", "x86_64"), set by start-up before
     * init_machine so an accelerator can refuse guests the host cannot run. */
    const char *guest_arch;
};

DECLARE_OBJ_CHECKERS(AccelState, AccelClass, ACCEL, TYPE_ACCEL)

/* By -accel name ("kvm"); NULL if no such accelerator is built in. */
AccelClass *accel_find(const char *name);
/* "Accelerators supported in QEMU binary:" and one name per line. */
void accel_print_help(FILE *out);
/* `-accel NAME,help`: NAME's properties, as -device DRIVER,help lists a
 * device's.  False (errp set) for an unknown accelerator. */
bool accel_print_props(FILE *out, const char *name, Error **errp);
/* Creates the accelerator named; fails if unknown or unavailable here. */
AccelState *accel_new(const char *name, Error **errp);
bool accel_init_machine(AccelState *accel, MachineState *ms, Error **errp);
/* Calls the class's start_vcpus (after board init). */
bool accel_start_vcpus(AccelState *accel, Error **errp);

#endif
