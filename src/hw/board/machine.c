/*
 * The machine base type (see machine.h): lookup by name and alias, the help
 * printers, creation at /machine, -smp validation and the board-init step.
 * Invariant: at most one machine exists (machine_current()); its string
 * fields are owned by it and freed at finalize by the property table.
 */
#include "hw/board/machine.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static MachineState *current_machine;

const char *machine_class_name(MachineClass *mc)
{
    /* Computed per class: a subclass's copy of its parent's name is stale. */
    if (!mc->name || mc->name_owner != OBJECT_CLASS(mc)) {
        const char *type = object_class_get_name(OBJECT_CLASS(mc));
        size_t len = strlen(type), slen = strlen(TYPE_MACHINE_SUFFIX);
        if (len > slen && strcmp(type + len - slen, TYPE_MACHINE_SUFFIX) == 0) {
            len -= slen;
        }
        mc->name = strndup(type, len);
        assert(mc->name);
        mc->name_owner = OBJECT_CLASS(mc);
    }
    return mc->name;
}

static const char *machine_guest_arch;

void machine_set_guest_arch(const char *arch)
{
    machine_guest_arch = arch;
}

static bool machine_class_visible(const MachineClass *mc)
{
    return !machine_guest_arch || !mc->guest_arch ||
           strcmp(machine_guest_arch, mc->guest_arch) == 0;
}

MachineClass *machine_find_class(const char *name)
{
    ObjectClass **list = object_class_get_list(TYPE_MACHINE, false, NULL);
    MachineClass *found = NULL;
    for (ObjectClass **oc = list; *oc && !found; oc++) {
        MachineClass *mc = MACHINE_CLASS(*oc);
        if (!machine_class_visible(mc)) {
            continue;
        }
        if (strcmp(machine_class_name(mc), name) == 0 ||
            (mc->alias && strcmp(mc->alias, name) == 0)) {
            found = mc;
        }
    }
    free(list);
    return found;
}

MachineClass *machine_default_class(void)
{
    ObjectClass **list = object_class_get_list(TYPE_MACHINE, false, NULL);
    MachineClass *found = NULL;
    for (ObjectClass **oc = list; *oc && !found; oc++) {
        if (MACHINE_CLASS(*oc)->is_default && machine_class_visible(MACHINE_CLASS(*oc))) {
            found = MACHINE_CLASS(*oc);
        }
    }
    free(list);
    return found;
}

void machine_print_help(FILE *out)
{
    ObjectClass **list = object_class_get_list(TYPE_MACHINE, false, NULL);
    fprintf(out, "Supported machines are:\n");
    for (ObjectClass **oc = list; *oc; oc++) {
        MachineClass *mc = MACHINE_CLASS(*oc);
        const char *desc = mc->desc ? mc->desc : "";
        if (!machine_class_visible(mc)) {
            continue;
        }
        if (mc->alias) {
            fprintf(out, "%-20s %s (alias of %s)\n", mc->alias, desc, machine_class_name(mc));
        }
        fprintf(out, "%-20s %s%s\n", machine_class_name(mc), desc,
                mc->is_default ? " (default)" : "");
    }
    free(list);
}

void machine_print_props(FILE *out, MachineClass *mc)
{
    Object *obj = object_new(object_class_get_name(OBJECT_CLASS(mc)));
    char what[128];
    snprintf(what, sizeof(what), "%s-machine", machine_class_name(mc));
    object_property_print_help(out, obj, what);
    object_unref(obj);
}

void machine_print_cpu_types(FILE *out, const char *parent_type, const char *suffix)
{
    ObjectClass **list = object_class_get_list(parent_type, false, NULL);
    size_t slen = suffix ? strlen(suffix) : 0;
    fprintf(out, "Available CPUs:\n");
    for (ObjectClass **oc = list; *oc; oc++) {
        const char *name = object_class_get_name(*oc);
        size_t len = strlen(name);
        if (slen && len > slen && strcmp(name + len - slen, suffix) == 0) {
            len -= slen;
        }
        fprintf(out, "  %.*s\n", (int)len, name);
    }
    free(list);
}

MachineState *machine_current(void)
{
    return current_machine;
}

MachineState *machine_create(MachineClass *mc, Error **errp)
{
    Object *root = object_get_root();
    if (current_machine || object_resolve_path_component(root, "machine")) {
        error_setg(errp, "a machine already exists");
        return NULL;
    }
    Object *obj = object_new_with_errp(object_class_get_name(OBJECT_CLASS(mc)), errp);
    if (!obj) {
        return NULL;
    }
    if (!object_property_add_child(root, "machine", obj, errp)) {
        object_unref(obj);
        return NULL;
    }
    object_unref(obj);
    object_get_container("/machine/peripheral");
    object_get_container("/machine/peripheral-anon");
    object_get_container("/machine/unattached");
    current_machine = MACHINE(obj);
    return current_machine;
}

static void smp_describe(char *buf, size_t size, const CpuTopology *t)
{
    snprintf(buf, size, "sockets (%u) * cores (%u) * threads (%u)", t->sockets, t->cores,
             t->threads);
}

bool machine_parse_smp(MachineState *ms, const SmpConfig *config, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    unsigned cpus = config->has_cpus ? config->cpus : 0;
    unsigned sockets = config->has_sockets ? config->sockets : 0;
    unsigned cores = config->has_cores ? config->cores : 0;
    unsigned threads = config->has_threads ? config->threads : 0;
    unsigned maxcpus = config->has_maxcpus ? config->maxcpus : 0;
    unsigned min_cpus = mc->min_cpus ? mc->min_cpus : 1;
    unsigned max_cpus = mc->max_cpus ? mc->max_cpus : 1;
    char topo[128];

    /* Given values must be positive: "cpus=0" is not "let it compute". */
    if ((config->has_cpus && cpus == 0) || (config->has_sockets && sockets == 0) ||
        (config->has_cores && cores == 0) || (config->has_threads && threads == 0) ||
        (config->has_maxcpus && maxcpus == 0)) {
        error_setg(errp, "Invalid CPU topology: "
                   "CPU topology parameters must be greater than zero");
        return false;
    }

    /* Compute the missing values, preferring cores over sockets (QEMU 6.2+),
     * threads last. */
    if (cpus == 0 && maxcpus == 0) {
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        threads = threads ? threads : 1;
    } else {
        maxcpus = maxcpus ? maxcpus : cpus;
        if (cores == 0) {
            sockets = sockets ? sockets : 1;
            threads = threads ? threads : 1;
            cores = maxcpus / (sockets * threads);
        } else if (sockets == 0) {
            threads = threads ? threads : 1;
            sockets = maxcpus / (cores * threads);
        }
        if (threads == 0) {
            threads = maxcpus / (sockets * cores);
        }
    }

    uint64_t total = (uint64_t)sockets * cores * threads;
    maxcpus = maxcpus ? maxcpus : (unsigned)total;
    cpus = cpus ? cpus : maxcpus;

    CpuTopology t = {
        .cpus = cpus, .sockets = sockets, .cores = cores, .threads = threads,
        .max_cpus = maxcpus,
    };
    smp_describe(topo, sizeof(topo), &t);
    if (total != maxcpus) {
        error_setg(errp, "Invalid CPU topology: product of the hierarchy must match "
                   "maxcpus: %s != maxcpus (%u)", topo, maxcpus);
        return false;
    }
    if (maxcpus < cpus) {
        error_setg(errp, "Invalid CPU topology: maxcpus must be equal to or greater than "
                   "smp: %s == maxcpus (%u) < smp_cpus (%u)", topo, maxcpus, cpus);
        return false;
    }
    if (cpus < min_cpus) {
        error_setg(errp, "Invalid SMP CPUs %u. The min CPUs supported by machine '%s' is %u",
                   cpus, machine_class_name(mc), min_cpus);
        return false;
    }
    if (maxcpus > max_cpus) {
        error_setg(errp, "Invalid SMP CPUs %u. The max CPUs supported by machine '%s' is %u",
                   maxcpus, machine_class_name(mc), max_cpus);
        return false;
    }
    ms->smp = t;
    return true;
}

bool machine_run_board_init(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);

    if (ms->cpu_type && mc->valid_cpu_types) {
        ObjectClass *cpu = object_class_by_name(ms->cpu_type);
        bool valid = false;
        for (const char *const *t = mc->valid_cpu_types; *t && cpu && !valid; t++) {
            valid = object_class_dynamic_cast(cpu, *t) != NULL;
        }
        if (!valid) {
            char list[512] = "";
            size_t off = 0;
            for (const char *const *t = mc->valid_cpu_types; *t; t++) {
                off += snprintf(list + off, off < sizeof(list) ? sizeof(list) - off : 0,
                                "%s%s", t == mc->valid_cpu_types ? "" : ", ", *t);
            }
            error_setg(errp, "Invalid CPU model: %s\nThe valid models are: %s", ms->cpu_type,
                       list);
            return false;
        }
    }
    /* As QEMU's qemu_validate_options: both only make sense for a kernel
     * the board loads itself, and silently booting firmware instead would
     * hide a typo in the command line. */
    if (!ms->kernel_filename) {
        if (ms->kernel_cmdline) {
            error_setg(errp, "-append only allowed with -kernel option");
            return false;
        }
        if (ms->initrd_filename) {
            error_setg(errp, "-initrd only allowed with -kernel option");
            return false;
        }
    }
    if (!mc->init) {
        return true;
    }
    return mc->init(ms, errp);
}

static const Property machine_props[] = {
    DEFINE_PROP_STRING("kernel", MachineState, kernel_filename, NULL,
                       "Linux kernel image file"),
    DEFINE_PROP_STRING("initrd", MachineState, initrd_filename, NULL,
                       "Linux initial ramdisk file"),
    DEFINE_PROP_STRING("append", MachineState, kernel_cmdline, NULL,
                       "Linux kernel command line"),
    DEFINE_PROP_STRING("dtb", MachineState, dtb, NULL, "Linux kernel device tree file"),
    DEFINE_PROP_STRING("dumpdtb", MachineState, dumpdtb, NULL,
                       "Dump current dtb to a file and quit"),
    DEFINE_PROP_STRING("firmware", MachineState, firmware, NULL, "Firmware image"),
    DEFINE_PROP_END_OF_LIST(),
};

static void machine_instance_init(Object *obj)
{
    MachineState *ms = MACHINE(obj);
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    unsigned cpus = mc->default_cpus ? mc->default_cpus : 1;

    ms->ram_size = mc->default_ram_size;
    ms->cpu_type = mc->default_cpu_type ? strdup(mc->default_cpu_type) : NULL;
    ms->smp = (CpuTopology){ .cpus = cpus, .sockets = 1, .cores = cpus, .threads = 1,
                             .max_cpus = cpus };
}

static void machine_instance_finalize(Object *obj)
{
    MachineState *ms = MACHINE(obj);
    free(ms->cpu_type);
    if (current_machine == ms) {
        current_machine = NULL;
    }
}

static void machine_class_init(ObjectClass *oc, const void *data)
{
    object_class_add_props(oc, machine_props);
}

static const TypeInfo machine_type = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(MachineState),
    .instance_init = machine_instance_init,
    .instance_finalize = machine_instance_finalize,
    .abstract = true,
    .class_size = sizeof(MachineClass),
    .class_init = machine_class_init,
};

static void machine_register_types(void)
{
    type_register_static(&machine_type);
}

type_init(machine_register_types)
