/*
 * System-mode start-up, in QEMU's order (softmmu/vl.c): parse the command
 * line and -readconfig files into a Config; answer help queries; apply -d/-D;
 * create chardevs and the serial ports; create the machine and set its
 * properties, memory and -smp; create and initialise the accelerator;
 * register -global defaults; run the board's init; create -device devices;
 * start the vCPU threads; reset; start the VM unless -S; run the main loop
 * until a shutdown; return the exit status.
 *
 * Everything that fails here is a user or host error: reported once with
 * the option it came from, exit status 1.  See vl.h.
 */
#include "system/vl.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accel/accel.h"
#include "block/block.h"
#include "chardev/chardev.h"
#include "config/cmdline.h"
#include "config/opts.h"
#include "core/device.h"
#include "core/error.h"
#include "core/object.h"
#include "gdbstub/gdbstub.h"
#include "hw/board/machine.h"
#include "hw/virtio/rng_random.h"
#include "memory/memory.h"
#include "monitor/monitor.h"
#include "net/net.h"
#include "system/bql.h"
#include "system/main_loop.h"
#include "system/runstate.h"
#include "system/serial_hds.h"
#include "util/perfmap.h"

static bool is_help_option(const char *s)
{
    return s && (strcmp(s, "help") == 0 || strcmp(s, "?") == 0);
}

/* "-device TYPE,help" and "-device help" style queries; true if one was
 * answered (the caller exits 0), with *failed set on a bad type. */
static bool vl_answer_device_help(const Config *cfg, bool *failed)
{
    OptsGroup *g = cfg->groups[CONFIG_GROUP_DEVICE];

    for (Opts *o = g->head; o; o = o->next) {
        const char *driver = opts_get(o, "driver");

        if (is_help_option(driver)) {
            device_print_help_list(stdout);
            return true;
        }
        if (driver && opts_get(o, "help")) {
            Error *err = NULL;

            if (!device_print_props(stdout, driver, &err)) {
                error_report_err(err);
                *failed = true;
            }
            return true;
        }
    }
    return false;
}

/* Help queries QEMU answers before building anything: -M help, -cpu help,
 * -device help, -accel help, -chardev help.  Returns true if one was
 * answered. */
static bool vl_answer_help(const SystemTarget *target, Config *cfg, bool *failed)
{
    const char *machine_type = cfg->machine ? opts_get(cfg->machine, "type") : NULL;
    OptsGroup *accels = cfg->groups[CONFIG_GROUP_ACCEL];
    OptsGroup *chardevs = cfg->groups[CONFIG_GROUP_CHARDEV];

    if (is_help_option(machine_type)) {
        machine_print_help(stdout);
        return true;
    }
    if (cfg->machine && opts_get(cfg->machine, "help")) {
        MachineClass *mc = machine_type ? machine_find_class(machine_type)
                                        : machine_default_class();
        if (!mc) {
            error_report("-machine %s: unsupported machine type", machine_type);
            *failed = true;
        } else {
            machine_print_props(stdout, mc);
        }
        return true;
    }
    if (is_help_option(cfg->cpu_model)) {
        machine_print_cpu_types(stdout, target->cpu_parent_type, target->cpu_type_suffix);
        return true;
    }
    for (Opts *o = accels->head; o; o = o->next) {
        const char *name = opts_get(o, "accel");

        if (is_help_option(name)) {
            accel_print_help(stdout);
            return true;
        }
        if (name && opts_get(o, "help")) {
            Error *err = NULL;

            if (!accel_print_props(stdout, name, &err)) {
                error_prepend(&err, "-accel %s: ", name);
                error_report_err(err);
                *failed = true;
            }
            return true;
        }
    }
    for (Opts *o = chardevs->head; o; o = o->next) {
        if (is_help_option(opts_get(o, "backend"))) {
            chardev_print_help(stdout);
            return true;
        }
    }
    return vl_answer_device_help(cfg, failed);
}

static bool vl_opts_bool(const Opts *o, const char *key, bool dflt, bool *out, Error **errp)
{
    return opts_get_bool(o, key, dflt, out, errp);
}

/* -chardev BACKEND,id=ID,... → a chardev registered under ID. */
static bool vl_create_chardev(const Opts *o, Error **errp)
{
    ChardevOptions co;

    chardev_options_init(&co);
    co.id = o->id;
    co.backend = opts_get(o, "backend");
    co.path = opts_get(o, "path");
    co.host = opts_get(o, "host");
    co.port = opts_get(o, "port");
    co.logfile = opts_get(o, "logfile");
    if (!co.id) {
        error_setg(errp, "-chardev %s: chardev: \"id\" is required", co.backend ? co.backend : "");
        return false;
    }
    if (!vl_opts_bool(o, "server", co.server, &co.server, errp) ||
        !vl_opts_bool(o, "wait", co.wait, &co.wait, errp) ||
        !vl_opts_bool(o, "telnet", co.telnet, &co.telnet, errp) ||
        !vl_opts_bool(o, "nodelay", co.nodelay, &co.nodelay, errp) ||
        !vl_opts_bool(o, "mux", co.mux, &co.mux, errp) ||
        !vl_opts_bool(o, "signal", co.signal, &co.signal, errp) ||
        !vl_opts_bool(o, "append", co.append, &co.append, errp) ||
        !vl_opts_bool(o, "logappend", co.append, &co.append, errp)) {
        error_prepend(errp, "-chardev id=%s: ", co.id);
        return false;
    }
    if (!chardev_new(&co, errp)) {
        error_prepend(errp, "-chardev id=%s: ", co.id);
        return false;
    }
    return true;
}

static bool vl_create_chardevs(Config *cfg, Error **errp)
{
    for (Opts *o = cfg->groups[CONFIG_GROUP_CHARDEV]->head; o; o = o->next) {
        if (!vl_create_chardev(o, errp)) {
            return false;
        }
    }
    return true;
}

/* -serial, and the defaults QEMU gives -nographic (Morpho has no graphical
 * console, so they apply without -nographic too): with neither -serial nor
 * a monitor (-monitor, -qmp), serial0 is "mon:stdio"; with a monitor but no
 * -serial, serial0 is plain "stdio" (none if the monitor is on stdio);
 * with -nographic, -serial but no
 * monitor, the human monitor takes stdio (unless a serial port has it). */
static bool vl_create_serials(Config *cfg, Error **errp)
{
    static const char *const mon_stdio = "mon:stdio", *const plain_stdio = "stdio";
    const char *const *serials = (const char *const *)cfg->serials.items;
    size_t count = cfg->serials.count;
    bool default_monitor = cfg->monitors.count == 0 && cfg->qmps.count == 0;

    if (count == 0) {
        bool monitor_on_stdio = false;

        for (size_t i = 0; i < cfg->monitors.count; i++) {
            monitor_on_stdio |= strcmp(cfg->monitors.items[i], "stdio") == 0;
        }
        for (size_t i = 0; i < cfg->qmps.count; i++) {
            monitor_on_stdio |= strcmp(cfg->qmps.items[i], "stdio") == 0;
        }
        if (monitor_on_stdio) {
            return true;        /* stdio is the monitor's: no serial port */
        }
        serials = default_monitor ? &mon_stdio : &plain_stdio;
        count = 1;
    } else if (cfg->nographic && default_monitor) {
        bool stdio_taken = false;

        for (size_t i = 0; i < count; i++) {
            stdio_taken |= strcmp(serials[i], "stdio") == 0 || strncmp(serials[i], "mon:", 4) == 0;
        }
        if (!stdio_taken && !monitor_init_legacy("compat_monitor0", "stdio", false, errp)) {
            error_prepend(errp, "-nographic: ");
            return false;
        }
    }
    for (size_t i = 0; i < count; i++) {
        char label[32];
        Chardev *chr = NULL;
        bool monitor = false;

        if (strcmp(serials[i], "none") == 0) {
            continue;
        }
        snprintf(label, sizeof(label), "serial%zu", i);
        if (!chardev_new_legacy(label, serials[i], &chr, &monitor, errp)) {
            error_prepend(errp, "-serial %s: ", serials[i]);
            return false;
        }
        /* "mon:" (and -nographic's default): the monitor shares the mux;
         * attached first, so the serial port attached later has the focus. */
        if (monitor && chr && !monitor_new_hmp(chr, errp)) {
            error_prepend(errp, "-serial %s: ", serials[i]);
            return false;
        }
        serial_hd_set((int)i, chr);
    }
    return true;
}

/* -monitor DEV (HMP) and -qmp DEV, in order. */
static bool vl_create_monitors(Config *cfg, Error **errp)
{
    for (size_t i = 0; i < cfg->monitors.count; i++) {
        char label[48];

        snprintf(label, sizeof(label), "compat_monitor%zu", i);
        if (!monitor_init_legacy(label, cfg->monitors.items[i], false, errp)) {
            error_prepend(errp, "-monitor %s: ", cfg->monitors.items[i]);
            return false;
        }
    }
    for (size_t i = 0; i < cfg->qmps.count; i++) {
        char label[32];

        snprintf(label, sizeof(label), "qmp%zu", i);
        if (!monitor_init_legacy(label, cfg->qmps.items[i], true, errp)) {
            error_prepend(errp, "-qmp %s: ", cfg->qmps.items[i]);
            return false;
        }
    }
    return true;
}

/* -gdb DEV / -s, once the vCPUs exist. */
static bool vl_start_gdbserver(Config *cfg, Error **errp)
{
    if (!cfg->gdb || strcmp(cfg->gdb, "none") == 0) {
        return true;
    }
    if (!gdbserver_start(cfg->gdb, errp)) {
        error_prepend(errp, "-gdb %s: ", cfg->gdb);
        return false;
    }
    return true;
}

/*
 * -object TYPE,id=ID,...: the objects Morpho knows so far are the entropy
 * backends (rng-random, rng-builtin); they live at /objects/ID, where
 * -device virtio-rng-device,rng=ID finds them.
 */
static bool vl_create_object(const Opts *o, Error **errp)
{
    const char *type = opts_get(o, "qom-type");
    ObjectClass *oc = type ? object_class_by_name(type) : NULL;
    Object *obj;

    if (!oc || object_class_is_abstract(oc)) {
        error_setg(errp, "invalid object type: %s", type ? type : "");
        return false;
    }
    if (!object_class_dynamic_cast(oc, TYPE_RNG_BACKEND)) {
        error_setg(errp, "objects of type '%s' are not supported yet", type);
        return false;
    }
    obj = object_new_with_errp(type, errp);
    if (!obj) {
        return false;
    }
    for (size_t i = 0; i < o->count; i++) {
        const OptsPair *p = &o->pairs[i];
        if (strcmp(p->key, "qom-type") == 0 || strcmp(p->key, "id") == 0) {
            continue;
        }
        if (!object_property_parse(obj, p->key, p->value, errp)) {
            object_unref(obj);
            return false;
        }
    }
    bool ok = rng_backend_complete(RNG_BACKEND(obj), errp) &&
              object_property_add_child(object_get_container("/objects"), o->id, obj, errp);
    object_unref(obj);
    return ok;
}

static bool vl_create_objects(Config *cfg, Error **errp)
{
    for (Opts *o = cfg->groups[CONFIG_GROUP_OBJECT]->head; o; o = o->next) {
        if (!vl_create_object(o, errp)) {
            const char *type = opts_get(o, "qom-type");
            error_prepend(errp, "-object %s,id=%s: ", type ? type : "", o->id ? o->id : "");
            return false;
        }
    }
    return true;
}

/* -netdev user|tap,id=ID,...: backends that -device virtio-net-device,netdev=ID uses. */
static bool vl_create_netdevs(Config *cfg, Error **errp)
{
    for (Opts *o = cfg->groups[CONFIG_GROUP_NETDEV]->head; o; o = o->next) {
        if (!net_netdev_create(o, errp)) {
            const char *type = opts_get(o, "type");
            error_prepend(errp, "-netdev %s,id=%s: ", type ? type : "", o->id ? o->id : "");
            return false;
        }
    }
    return true;
}

/* ---- -drive ------------------------------------------------------------- */

/* The text QEMU echoes for a -drive in its errors: "file=x,if=virtio". */
static void vl_drive_text(const Opts *o, char *buf, size_t size)
{
    size_t n = 0;

    buf[0] = 0;
    for (size_t i = 0; i < o->count && n < size; i++) {
        n += (size_t)snprintf(buf + n, size - n, "%s%s=%s", i ? "," : "", o->pairs[i].key,
                              o->pairs[i].value);
    }
}

/*
 * -drive file=F[,format=raw][,if=none|virtio][,id=ID][,readonly=on]
 * [,cache=MODE]: opens a block backend now, before the board (QEMU's
 * configure_blockdev).  if=virtio drives get a virtio-blk-device after the
 * -device ones (there is no PCI here, so virtio means virtio-mmio); their
 * ids go to *virtio_ids.
 */
static bool vl_create_drive(const Opts *o, unsigned *n_virtio, char ***virtio_ids,
                            Error **errp)
{
    static const char *const known[] = { "file", "format", "if", "id", "readonly", "cache",
                                         "index", "media", "aio", "discard", "detect-zeroes",
                                         "werror", "rerror", NULL };
    const char *iface = opts_get(o, "if");
    BlockOpenOptions bo = { 0 };
    char auto_id[32];

    if (!opts_check_keys(o, known, errp)) {
        return false;
    }
    if (!iface) {
        iface = "ide";
    }
    if (strcmp(iface, "none") != 0 && strcmp(iface, "virtio") != 0) {
        error_setg(errp, "machine type does not support if=%s,bus=0,unit=0", iface);
        return false;
    }
    if (opts_get(o, "media") && strcmp(opts_get(o, "media"), "disk") != 0) {
        error_setg(errp, "media=%s is not supported (only disk)", opts_get(o, "media"));
        return false;
    }
    if (!opts_get_bool(o, "readonly", false, &bo.read_only, errp)) {
        return false;
    }
    bo.id = o->id;
    if (!bo.id) {
        snprintf(auto_id, sizeof(auto_id), "%s%u", iface, *n_virtio);
        bo.id = auto_id;
    }
    bo.filename = opts_get(o, "file");
    bo.format = opts_get(o, "format");
    bo.cache = opts_get(o, "cache");
    if (!block_open(&bo, errp)) {
        return false;
    }
    if (strcmp(iface, "virtio") == 0) {
        *virtio_ids = realloc(*virtio_ids, (*n_virtio + 1) * sizeof(char *));
        if (!*virtio_ids || !((*virtio_ids)[*n_virtio] = strdup(bo.id))) {
            abort();
        }
        ++*n_virtio;
    }
    return true;
}

static char **vl_virtio_drives;
static unsigned vl_n_virtio_drives;

static bool vl_create_drives(Config *cfg, Error **errp)
{
    for (Opts *o = cfg->groups[CONFIG_GROUP_DRIVE]->head; o; o = o->next) {
        if (!vl_create_drive(o, &vl_n_virtio_drives, &vl_virtio_drives, errp)) {
            char text[512];
            vl_drive_text(o, text, sizeof(text));
            error_prepend(errp, "-drive %s: ", text);
            return false;
        }
    }
    return true;
}

static bool vl_create_drive_devices(Error **errp)
{
    for (unsigned i = 0; i < vl_n_virtio_drives; i++) {
        char prop[300];
        const char *props[1] = { prop };
        snprintf(prop, sizeof(prop), "drive=%s", vl_virtio_drives[i]);
        if (!device_create("virtio-blk-device", NULL, props, 1, errp)) {
            error_prepend(errp, "-drive id=%s,if=virtio: ", vl_virtio_drives[i]);
            return false;
        }
    }
    return true;
}

static bool vl_smp_number(const Opts *o, const char *key, bool *has, unsigned *out,
                          Error **errp)
{
    uint64_t v;

    *has = o && opts_get(o, key);
    if (!*has) {
        return true;
    }
    if (!opts_get_number(o, key, 0, &v, errp)) {
        return false;
    }
    *out = v > 0xffffffffu ? 0xffffffffu : (unsigned)v;
    return true;
}

static bool vl_configure_machine(const SystemTarget *target, Config *cfg, MachineState *ms,
                                 Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    const Opts *smp = cfg->groups[CONFIG_GROUP_SMP]->head;
    SmpConfig sc = { 0 };

    for (size_t i = 0; cfg->machine && i < cfg->machine->count; i++) {
        const OptsPair *p = &cfg->machine->pairs[i];

        if (strcmp(p->key, "type") == 0 || strcmp(p->key, "accel") == 0) {
            continue;
        }
        if (!object_property_parse(OBJECT(ms), p->key, p->value, errp)) {
            error_prepend(errp, "-machine %s=%s: ", p->key, p->value);
            return false;
        }
    }
    ms->ram_size = cfg->ram_size_bytes ? cfg->ram_size_bytes : mc->default_ram_size;

    if (!vl_smp_number(smp, "cpus", &sc.has_cpus, &sc.cpus, errp) ||
        !vl_smp_number(smp, "sockets", &sc.has_sockets, &sc.sockets, errp) ||
        !vl_smp_number(smp, "cores", &sc.has_cores, &sc.cores, errp) ||
        !vl_smp_number(smp, "threads", &sc.has_threads, &sc.threads, errp) ||
        !vl_smp_number(smp, "maxcpus", &sc.has_maxcpus, &sc.maxcpus, errp) ||
        !machine_parse_smp(ms, &sc, errp)) {
        error_prepend(errp, "-smp: ");
        return false;
    }
    if (cfg->cpu_model) {
        /* -cpu MODEL[,PROP=VALUE...]: the properties become -global
         * TYPE.PROP=VALUE for the model's type, as in QEMU */
        size_t len = strcspn(cfg->cpu_model, ",");
        char *type = NULL;

        if (asprintf(&type, "%.*s%s", (int)len, cfg->cpu_model, target->cpu_type_suffix) < 0) {
            abort();
        }
        if (!object_class_by_name(type)) {
            error_setg(errp, "-cpu %s: unable to find CPU model '%.*s'", cfg->cpu_model,
                       (int)len, cfg->cpu_model);
            free(type);
            return false;
        }
        for (const char *p = cfg->cpu_model + len; *p == ',';) {
            const char *item = p + 1;
            size_t n = strcspn(item, ",");
            const char *eq = memchr(item, '=', n);
            char *prop = strndup(item, eq ? (size_t)(eq - item) : n);
            char *value = eq ? strndup(eq + 1, n - (size_t)(eq - item) - 1) : strdup("on");
            assert(prop && value);
            bool ok = *prop && device_add_global(type, prop, value, errp);
            if (!*prop) {
                error_setg(errp, "-cpu %s: empty property name", cfg->cpu_model);
            }
            free(prop);
            free(value);
            if (!ok) {
                free(type);
                return false;
            }
            p = item + n;
        }
        free(ms->cpu_type);
        ms->cpu_type = type;
    }
    return true;
}

/* -accel NAME,prop=value (several: the first that initialises wins, as
 * QEMU); -machine accel= is the legacy spelling. */
static AccelState *vl_create_accel(const SystemTarget *target, Config *cfg, MachineState *ms,
                                   Error **errp)
{
    const Opts *chosen = cfg->groups[CONFIG_GROUP_ACCEL]->head;
    const char *name = chosen ? opts_get(chosen, "accel") : NULL;
    AccelState *accel;

    if (!name && cfg->machine) {
        name = opts_get(cfg->machine, "accel");
    }
    if (!name) {
        name = target->default_accel;
    }
    accel = accel_new(name, errp);
    if (!accel) {
        error_prepend(errp, "-accel %s: ", name);
        return NULL;
    }
    for (size_t i = 0; chosen && i < chosen->count; i++) {
        const OptsPair *p = &chosen->pairs[i];

        if (strcmp(p->key, "accel") == 0) {
            continue;
        }
        if (!object_property_parse(OBJECT(accel), p->key, p->value, errp)) {
            error_prepend(errp, "-accel %s: ", name);
            object_unref(OBJECT(accel));
            return NULL;
        }
    }
    accel->guest_arch = target->name;
    if (!accel_init_machine(accel, ms, errp)) {
        error_prepend(errp, "-accel %s: ", name);
        object_unref(OBJECT(accel));
        return NULL;
    }
    return accel;
}

static bool vl_add_globals(Config *cfg, Error **errp)
{
    for (Opts *o = cfg->groups[CONFIG_GROUP_GLOBAL]->head; o; o = o->next) {
        const char *driver = opts_get(o, "driver");
        const char *prop = opts_get(o, "property");
        const char *value = opts_get(o, "value");

        if (!driver || !prop || !value) {
            error_setg(errp, "-global: expected DRIVER.PROPERTY=VALUE");
            return false;
        }
        if (!device_add_global(driver, prop, value, errp)) {
            error_prepend(errp, "-global %s.%s=%s: ", driver, prop, value);
            return false;
        }
    }
    return true;
}

static bool vl_create_devices(Config *cfg, Error **errp)
{
    for (Opts *o = cfg->groups[CONFIG_GROUP_DEVICE]->head; o; o = o->next) {
        const char *driver = opts_get(o, "driver");
        const char **props = calloc(o->count + 1, sizeof(*props));
        char **owned = calloc(o->count + 1, sizeof(*owned));
        int n = 0;
        bool ok;

        if (!props || !owned) {
            abort();
        }
        for (size_t i = 0; i < o->count; i++) {
            if (strcmp(o->pairs[i].key, "driver") == 0 || strcmp(o->pairs[i].key, "id") == 0) {
                continue;
            }
            if (asprintf(&owned[n], "%s=%s", o->pairs[i].key, o->pairs[i].value) < 0) {
                abort();
            }
            props[n] = owned[n];
            n++;
        }
        ok = device_create(driver, o->id, props, n, errp) != NULL;
        for (int i = 0; i < n; i++) {
            free(owned[i]);
        }
        free(owned);
        free(props);
        if (!ok) {
            error_prepend(errp, "-device %s: ", driver ? driver : "");
            return false;
        }
    }
    return true;
}

static bool vl_build_machine(const SystemTarget *target, Config *cfg, Error **errp)
{
    const char *type = cfg->machine ? opts_get(cfg->machine, "type") : NULL;
    MachineClass *mc = type ? machine_find_class(type) : machine_default_class();
    MachineState *ms;
    AccelState *accel;

    if (!mc) {
        if (type) {
            error_setg(errp, "-machine %s: unsupported machine type (use -machine help to "
                             "list supported machines)", type);
        } else {
            error_setg(errp, "no machine specified, and there is no default (use -machine "
                             "help to list supported machines)");
        }
        return false;
    }
    ms = machine_create(mc, errp);
    if (!ms || !vl_configure_machine(target, cfg, ms, errp)) {
        return false;
    }
    accel = vl_create_accel(target, cfg, ms, errp);
    if (!accel || !vl_add_globals(cfg, errp) || !vl_create_objects(cfg, errp) ||
        !vl_create_netdevs(cfg, errp) ||
        !vl_create_drives(cfg, errp) ||
        !machine_run_board_init(ms, errp) || !vl_create_devices(cfg, errp) ||
        !vl_create_drive_devices(errp)) {
        return false;
    }
    device_check_globals();
    return accel_start_vcpus(accel, errp);
}

static int vl_run(const SystemTarget *target, Config *cfg)
{
    Error *err = NULL;
    bool help_failed = false;

    if (cfg->show_help) {
        {
        char prog[64];
        snprintf(prog, sizeof(prog), "morpho-system-%s", target->name);
        config_print_help(stdout, prog);
    }
        return 0;
    }
    if (cfg->show_version) {
        config_print_version(stdout);
        return 0;
    }
    if (cfg->exit_early) {
        return 0;
    }
    if (vl_answer_help(target, cfg, &help_failed)) {
        return help_failed ? 1 : 0;
    }
    if (!config_apply_log(cfg, &err)) {
        error_report_err(err);
        return 1;
    }
    if (cfg->perfmap) {
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "guest-%s", target->name);
        if (!perfmap_open(prefix)) {
            error_report("-perfmap: /tmp/perf-%d.map: %s", (int)getpid(), strerror(errno));
            return 1;
        }
    }
    runstate_set_no_reboot(cfg->no_reboot);
    runstate_set_no_shutdown(cfg->no_shutdown);
    if (!runstate_install_signal_handlers(&err) || !vl_create_chardevs(cfg, &err) ||
        !vl_create_monitors(cfg, &err) || !vl_create_serials(cfg, &err) ||
        !vl_build_machine(target, cfg, &err) || !vl_start_gdbserver(cfg, &err)) {
        error_report_err(err);
        return 1;
    }
    runstate_reset_all(SHUTDOWN_CAUSE_NONE);
    if (!cfg->start_stopped && !vm_start(&err)) {
        error_report_err(err);
        return 1;
    }
    main_loop_run();
    monitor_shutdown();
    gdbserver_exit(runstate_exit_status());
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_SHUTDOWN);
    }
    return runstate_exit_status();
}

int system_main(const SystemTarget *target, int argc, char **argv)
{
    Config cfg;
    Error *err = NULL;
    int status;

    bql_lock();
    /* Device models assume the big lock: MMIO from vCPU threads takes it. */
    memory_set_mmio_lock(bql_lock, bql_unlock);
    machine_set_guest_arch(target->name);
    if (!config_parse_cmdline(&cfg, argc, argv, &err)) {
        error_report_err(err);
        config_free(&cfg);
        return 1;
    }
    status = vl_run(target, &cfg);
    config_free(&cfg);
    runstate_run_exit_hooks();
    return status;
}
