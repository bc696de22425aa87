/*
 * Machines (boards): TYPE_MACHINE is the abstract base of every board
 * type.  A board registers "NAME-machine" with a MachineClass giving its
 * description, init function and defaults; `-machine NAME` finds it by name
 * or alias.  The chosen machine is created once, lives at /machine, and
 * holds what the command line says about the guest (RAM size, CPU topology,
 * kernel/initrd/append/dtb/firmware/dumpdtb), the latter as string
 * properties so that `-machine virt,dumpdtb=f` and -readconfig [machine]
 * keys set them by name.
 *
 * Order at start-up: machine_create() → properties from the command line →
 * machine_parse_smp() → machine_run_board_init() (checks the CPU type, calls
 * the board's init).
 * Thread context: main thread, before vCPUs start.  Errors: Error **errp;
 * messages follow QEMU's where users or scripts may know them.
 */
#ifndef HW_BOARD_MACHINE_H
#define HW_BOARD_MACHINE_H

#include "core/object.h"

#define TYPE_MACHINE "machine"
#define TYPE_MACHINE_SUFFIX "-machine"
#define MACHINE_TYPE_NAME(name) name TYPE_MACHINE_SUFFIX

typedef struct MachineState MachineState;

typedef bool (*MachineInitFn)(MachineState *ms, Error **errp);

typedef struct MachineClass {
    ObjectClass parent_class;
    const char *desc;
    const char *alias;
    MachineInitFn init;
    unsigned max_cpus;                   /* 0 means 1 */
    unsigned min_cpus;                   /* 0 means 1 */
    unsigned default_cpus;               /* 0 means 1 */
    const char *default_cpu_type;
    const char *const *valid_cpu_types;  /* NULL-terminated; NULL: any */
    uint64_t default_ram_size;
    bool is_default;                     /* the default of its guest_arch */
    const char *guest_arch;              /* "riscv64", "x86_64"; NULL: any */
    /* Filled on first use from the type name ("virt-machine" → "virt"). */
    char *name;
    const ObjectClass *name_owner;
} MachineClass;

typedef struct CpuTopology {
    unsigned cpus;        /* present at start */
    unsigned sockets;
    unsigned cores;       /* per socket */
    unsigned threads;     /* per core */
    unsigned max_cpus;    /* sockets * cores * threads */
} CpuTopology;

/* -smp as given: a field is 0 and its has_ flag false when not given. */
typedef struct SmpConfig {
    bool has_cpus, has_sockets, has_cores, has_threads, has_maxcpus;
    unsigned cpus, sockets, cores, threads, maxcpus;
} SmpConfig;

struct MachineState {
    Object parent_obj;
    uint64_t ram_size;
    CpuTopology smp;
    char *kernel_filename;      /* property "kernel" */
    char *initrd_filename;      /* "initrd" */
    char *kernel_cmdline;       /* "append" */
    char *dtb;                  /* "dtb" */
    char *firmware;             /* "firmware" */
    char *dumpdtb;              /* "dumpdtb" */
    char *cpu_type;             /* a CPU type name; the class default at creation */
};

DECLARE_OBJ_CHECKERS(MachineState, MachineClass, MACHINE, TYPE_MACHINE)

/* "virt" for "virt-machine". */
const char *machine_class_name(MachineClass *mc);
/* Only machines of this guest architecture are found, listed and the
 * default from now on (start-up sets it from the command's target). */
void machine_set_guest_arch(const char *arch);
/* By name or alias; NULL if none. */
MachineClass *machine_find_class(const char *name);
MachineClass *machine_default_class(void);
/* -machine help: "Supported machines are:" and one line per machine. */
void machine_print_help(FILE *out);
/* -machine NAME,help: the machine's properties. */
void machine_print_props(FILE *out, MachineClass *mc);
/* -cpu help: "Available CPUs:" and the non-abstract types under parent_type,
 * sorted, with `suffix` stripped from their names. */
void machine_print_cpu_types(FILE *out, const char *parent_type, const char *suffix);

/* Creates the machine at /machine with its class defaults, and the
 * containers peripheral, peripheral-anon and unattached under it. */
MachineState *machine_create(MachineClass *mc, Error **errp);
/* Validates and applies -smp (QEMU's machine_parse_smp_config rules:
 * cores preferred over sockets when both are missing). */
bool machine_parse_smp(MachineState *ms, const SmpConfig *config, Error **errp);
/* Checks cpu_type against the class's valid types, then runs its init. */
bool machine_run_board_init(MachineState *ms, Error **errp);
/* The current machine, or NULL. */
MachineState *machine_current(void);

#endif
