/*
 * The command-line parser: walks argv against options.def, feeds option
 * groups or Config fields, then derives memory size and CPU topology the
 * way QEMU 7.2 does (vl.c parse_memory_options, hw/core/machine-smp.c).
 * Every error names the option as typed and, where there is one, its
 * argument ("-m 4X: ..."), like QEMU's location prefix.
 */
#include "config/cmdline.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/readconfig.h"
#include "config/version.h"
#include "util/log.h"

typedef enum ConfigOptionKind {
    OPT_KIND_GROUP,
    OPT_KIND_MACHINE,
    OPT_KIND_HANDLER,
} ConfigOptionKind;

typedef enum ConfigOptionId {
#define CONFIG_OPTION(id, name, arg, kind, target, arg_help, help) CONFIG_OPT_##id,
#include "config/options.def"
#undef CONFIG_OPTION
} ConfigOptionId;

typedef struct ConfigOption {
    ConfigOptionId id;
    const char *name;
    bool has_arg;
    ConfigOptionKind kind;
    const char *target;
    const char *arg_help;
    const char *help;
} ConfigOption;

static const ConfigOption config_options[] = {
#define CONFIG_OPTION(id, name, arg, kind, target, arg_help, help) \
    { CONFIG_OPT_##id, name, arg, kind, target, arg_help, help },
#include "config/options.def"
#undef CONFIG_OPTION
};

#define CONFIG_OPTION_COUNT (sizeof(config_options) / sizeof(config_options[0]))

/* --- the groups (QEMU's QemuOptsList definitions) -------------------------- */

static const OptDesc config_smp_desc[] = {
    { "cpus", OPT_NUMBER }, { "maxcpus", OPT_NUMBER }, { "sockets", OPT_NUMBER },
    { "dies", OPT_NUMBER }, { "clusters", OPT_NUMBER }, { "cores", OPT_NUMBER },
    { "threads", OPT_NUMBER }, { NULL },
};

static const OptDesc config_memory_desc[] = {
    { "size", OPT_SIZE }, { "slots", OPT_NUMBER }, { "maxmem", OPT_SIZE }, { NULL },
};

static const OptDesc config_name_desc[] = {
    { "guest", OPT_STRING }, { "process", OPT_STRING }, { "debug-threads", OPT_BOOL },
    { NULL },
};

static const OptDesc config_global_desc[] = {
    { "driver", OPT_STRING }, { "property", OPT_STRING }, { "value", OPT_STRING }, { NULL },
};

static const OptsGroupInfo config_group_infos[CONFIG_GROUP_COUNT] = {
    [CONFIG_GROUP_MACHINE] = { "machine", "type", OPTS_MERGE | OPTS_KEYVAL, NULL },
    [CONFIG_GROUP_MEMORY] = { "memory", "size", OPTS_MERGE, config_memory_desc },
    [CONFIG_GROUP_SMP] = { "smp-opts", "cpus", OPTS_MERGE, config_smp_desc },
    [CONFIG_GROUP_NAME] = { "name", "guest", OPTS_MERGE, config_name_desc },
    [CONFIG_GROUP_ACCEL] = { "accel", "accel", 0, NULL },
    [CONFIG_GROUP_OBJECT] = { "object", "qom-type", OPTS_KEYVAL | OPTS_ID_KEY, NULL },
    [CONFIG_GROUP_CHARDEV] = { "chardev", "backend", 0, NULL },
    [CONFIG_GROUP_MON] = { "mon", NULL, 0, NULL },
    [CONFIG_GROUP_NETDEV] = { "netdev", "type", 0, NULL },
    [CONFIG_GROUP_DRIVE] = { "drive", NULL, 0, NULL },
    [CONFIG_GROUP_DEVICE] = { "device", "driver", 0, NULL },
    [CONFIG_GROUP_GLOBAL] = { "global", NULL, 0, config_global_desc },
};

/* --- Config life cycle ------------------------------------------------------ */

static char *config_strdup(const char *s)
{
    char *p = strdup(s);

    if (!p) {
        abort();
    }
    return p;
}

static void config_set_str(char **field, const char *value)
{
    free(*field);
    *field = value ? config_strdup(value) : NULL;
}

static void config_strlist_add(ConfigStrList *l, const char *s)
{
    char **items = realloc(l->items, (l->count + 1) * sizeof(*items));

    if (!items) {
        abort();
    }
    l->items = items;
    l->items[l->count++] = config_strdup(s);
}

static void config_strlist_free(ConfigStrList *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i]);
    }
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

void config_init(Config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    for (int i = 0; i < CONFIG_GROUP_COUNT; i++) {
        cfg->groups[i] = opts_group_new(&config_group_infos[i]);
    }
    cfg->smp = (ConfigSmp){ 1, 1, 1, 1, 1, 1, 1 };
}

void config_free(Config *cfg)
{
    for (int i = 0; i < CONFIG_GROUP_COUNT; i++) {
        opts_group_free(cfg->groups[i]);
    }
    config_strlist_free(&cfg->serials);
    config_strlist_free(&cfg->monitors);
    config_strlist_free(&cfg->qmps);
    free(cfg->cpu_model);
    free(cfg->gdb);
    free(cfg->name);
    free(cfg->display);
    free(cfg->log_file);
    memset(cfg, 0, sizeof(*cfg));
}

OptsGroup *config_group(Config *cfg, const char *name)
{
    for (int i = 0; i < CONFIG_GROUP_COUNT; i++) {
        if (strcmp(config_group_infos[i].name, name) == 0) {
            return cfg->groups[i];
        }
    }
    return NULL;
}

/* --- derived fields --------------------------------------------------------- */

/*
 * QEMU's parse_memory_options() and machine "memory" property: a size
 * without a suffix is in MiB, size 0 means the board's default, sizes are
 * rounded up to 8 KiB.
 */
static bool config_finish_memory(Config *cfg, Error **errp)
{
    Opts *o = opts_find(cfg->groups[CONFIG_GROUP_MEMORY], NULL);
    const char *size;
    uint64_t sz = 0, maxmem = 0, slots = 0;

    cfg->ram_size_bytes = 0;
    cfg->maxmem_bytes = 0;
    cfg->ram_slots = 0;
    if (!o) {
        return true;
    }
    size = opts_get(o, "size");
    if (size) {
        if (!opts_get_size(o, "size", 0, &sz, errp)) {
            return false;
        }
        if (isdigit((unsigned char)size[strlen(size) - 1])) {
            if (sz > UINT64_MAX >> 20) {
                error_setg(errp, "-m: too large 'size' option value '%s'", size);
                return false;
            }
            sz <<= 20;
        }
        if (sz > UINT64_MAX - 8191) {
            error_setg(errp, "-m: too large 'size' option value '%s'", size);
            return false;
        }
        sz = (sz + 8191) & ~(uint64_t)8191;
    }
    if (!opts_get_size(o, "maxmem", 0, &maxmem, errp) ||
        !opts_get_number(o, "slots", 0, &slots, errp)) {
        return false;
    }
    if (slots > UINT32_MAX) {
        error_setg(errp, "-m: too many memory slots (%llu)", (unsigned long long)slots);
        return false;
    }
    if (opts_get(o, "maxmem")) {
        if (maxmem < sz) {
            error_setg(errp, "-m: invalid value of maxmem: maximum memory size (0x%llx) "
                       "must be at least the initial memory size (0x%llx)",
                       (unsigned long long)maxmem, (unsigned long long)sz);
            return false;
        }
        if (slots && maxmem == sz) {
            error_setg(errp, "-m: invalid value of maxmem: memory slots were specified "
                       "but maximum memory size (0x%llx) is equal to the initial "
                       "memory size (0x%llx)", (unsigned long long)maxmem,
                       (unsigned long long)sz);
            return false;
        }
    } else if (slots) {
        error_setg(errp, "-m: invalid option value: missing 'maxmem' option");
        return false;
    }
    cfg->ram_size_bytes = sz;
    cfg->maxmem_bytes = maxmem;
    cfg->ram_slots = (unsigned)slots;
    return true;
}

/* QEMU's "sockets (2) * cores (2) * threads (1)", dies and clusters when given. */
static void config_smp_hierarchy(char *buf, size_t size, const Opts *o, uint64_t sockets,
                                 uint64_t dies, uint64_t clusters, uint64_t cores,
                                 uint64_t threads)
{
    int n = snprintf(buf, size, "sockets (%llu)", (unsigned long long)sockets);

    if (opts_get(o, "dies")) {
        n += snprintf(buf + n, size - n, " * dies (%llu)", (unsigned long long)dies);
    }
    if (opts_get(o, "clusters")) {
        n += snprintf(buf + n, size - n, " * clusters (%llu)", (unsigned long long)clusters);
    }
    snprintf(buf + n, size - n, " * cores (%llu) * threads (%llu)",
             (unsigned long long)cores, (unsigned long long)threads);
}

/*
 * QEMU's machine_parse_smp_config() for current machine types (6.2 on),
 * which fill in omitted cores before sockets, and threads last.  Board
 * limits (min/max CPUs, whether dies or clusters exist) are the board's.
 */
static bool config_finish_smp(Config *cfg, Error **errp)
{
    static const char *const keys[] = {
        "cpus", "maxcpus", "sockets", "dies", "clusters", "cores", "threads",
    };
    enum { CPUS, MAXCPUS, SOCKETS, DIES, CLUSTERS, CORES, THREADS, NKEYS };
    enum { SMP_FIELD_MAX = 1u << 16 };  /* keeps every product below 2^80 */
    uint64_t v[NKEYS];
    Opts *o = opts_find(cfg->groups[CONFIG_GROUP_SMP], NULL);
    unsigned __int128 total;
    char hierarchy[200];

    cfg->smp = (ConfigSmp){ 1, 1, 1, 1, 1, 1, 1 };
    if (!o) {
        return true;
    }
    for (int i = 0; i < NKEYS; i++) {
        if (!opts_get_number(o, keys[i], 0, &v[i], errp)) {
            return false;
        }
        if (opts_get(o, keys[i]) && v[i] == 0) {
            error_setg(errp, "-smp: invalid CPU topology: CPU topology parameters must be "
                       "greater than zero");
            return false;
        }
        if (v[i] > SMP_FIELD_MAX) {
            error_setg(errp, "-smp: %s=%llu is too large", keys[i], (unsigned long long)v[i]);
            return false;
        }
    }
    v[DIES] = v[DIES] ? v[DIES] : 1;
    v[CLUSTERS] = v[CLUSTERS] ? v[CLUSTERS] : 1;
    if (v[CPUS] == 0 && v[MAXCPUS] == 0) {
        v[SOCKETS] = v[SOCKETS] ? v[SOCKETS] : 1;
        v[CORES] = v[CORES] ? v[CORES] : 1;
        v[THREADS] = v[THREADS] ? v[THREADS] : 1;
    } else {
        v[MAXCPUS] = v[MAXCPUS] ? v[MAXCPUS] : v[CPUS];
        if (v[CORES] == 0) {
            v[SOCKETS] = v[SOCKETS] ? v[SOCKETS] : 1;
            v[THREADS] = v[THREADS] ? v[THREADS] : 1;
            v[CORES] = v[MAXCPUS] / (v[SOCKETS] * v[DIES] * v[CLUSTERS] * v[THREADS]);
        } else if (v[SOCKETS] == 0) {
            v[THREADS] = v[THREADS] ? v[THREADS] : 1;
            v[SOCKETS] = v[MAXCPUS] / (v[DIES] * v[CLUSTERS] * v[CORES] * v[THREADS]);
        }
        if (v[THREADS] == 0) {
            v[THREADS] = v[MAXCPUS] / (v[SOCKETS] * v[DIES] * v[CLUSTERS] * v[CORES]);
        }
    }
    total = (unsigned __int128)v[SOCKETS] * v[DIES] * v[CLUSTERS] * v[CORES] * v[THREADS];
    if (total > SMP_FIELD_MAX) {
        error_setg(errp, "-smp: CPU topology is too large");
        return false;
    }
    v[MAXCPUS] = v[MAXCPUS] ? v[MAXCPUS] : (uint64_t)total;
    v[CPUS] = v[CPUS] ? v[CPUS] : v[MAXCPUS];
    config_smp_hierarchy(hierarchy, sizeof(hierarchy), o, v[SOCKETS], v[DIES], v[CLUSTERS],
                         v[CORES], v[THREADS]);
    if (total != v[MAXCPUS]) {
        error_setg(errp, "-smp: invalid CPU topology: product of the hierarchy must match "
                   "maxcpus: %s != maxcpus (%llu)", hierarchy, (unsigned long long)v[MAXCPUS]);
        return false;
    }
    if (v[MAXCPUS] < v[CPUS]) {
        error_setg(errp, "-smp: invalid CPU topology: maxcpus must be equal to or greater "
                   "than smp: %s == maxcpus (%llu) < smp_cpus (%llu)", hierarchy,
                   (unsigned long long)v[MAXCPUS], (unsigned long long)v[CPUS]);
        return false;
    }
    cfg->smp = (ConfigSmp){
        .cpus = v[CPUS], .maxcpus = v[MAXCPUS], .sockets = v[SOCKETS], .dies = v[DIES],
        .clusters = v[CLUSTERS], .cores = v[CORES], .threads = v[THREADS],
    };
    return true;
}

bool config_finish(Config *cfg, Error **errp)
{
    Opts *name;

    cfg->machine = opts_create(cfg->groups[CONFIG_GROUP_MACHINE], NULL, &error_abort);
    name = opts_find(cfg->groups[CONFIG_GROUP_NAME], NULL);
    config_set_str(&cfg->name, name ? opts_get(name, "guest") : NULL);
    return config_finish_memory(cfg, errp) && config_finish_smp(cfg, errp);
}

/* --- the options ------------------------------------------------------------- */

static const ConfigOption *config_option_find(const char *arg)
{
    const char *name = arg + 1;

    if (*name == '-') {
        name++;
    }
    for (size_t i = 0; i < CONFIG_OPTION_COUNT; i++) {
        if (strcmp(config_options[i].name, name) == 0) {
            return &config_options[i];
        }
    }
    return NULL;
}

/* QEMU's qemu_global_option(): "driver.property=value", or opts syntax. */
static bool config_add_global(Config *cfg, const char *str, Error **errp)
{
    OptsGroup *g = cfg->groups[CONFIG_GROUP_GLOBAL];
    size_t dlen = strcspn(str, ".=");

    if (dlen > 0 && str[dlen] == '.') {
        const char *prop = str + dlen + 1;
        size_t plen = strcspn(prop, "=");

        if (plen > 0 && prop[plen] == '=') {
            char *driver = strndup(str, dlen), *property = strndup(prop, plen);
            Opts *o;

            if (!driver || !property) {
                abort();
            }
            o = opts_create(g, NULL, &error_abort);
            opts_set(o, "driver", driver, &error_abort);
            opts_set(o, "property", property, &error_abort);
            opts_set(o, "value", prop + plen + 1, &error_abort);
            free(driver);
            free(property);
            return true;
        }
    }
    return opts_parse(g, str, errp) != NULL;
}

static bool config_set_log_items(Config *cfg, const char *spec, Error **errp)
{
    char bad[64];
    bool help = false;
    uint32_t mask = 0;

    if (!log_parse_items(spec, &mask, &help, bad, sizeof(bad))) {
        error_setg(errp, "unknown log item '%s' (-d help lists them)", bad);
        return false;
    }
    if (help) {
        cfg->exit_early = true;
    } else {
        cfg->log_mask = mask;
    }
    return true;
}

static bool config_handle(Config *cfg, const ConfigOption *opt, const char *arg, Error **errp)
{
    switch (opt->id) {
    case CONFIG_OPT_H:
    case CONFIG_OPT_HELP:
        cfg->show_help = true;
        cfg->exit_early = true;
        return true;
    case CONFIG_OPT_VERSION:
        cfg->show_version = true;
        cfg->exit_early = true;
        return true;
    case CONFIG_OPT_ENABLE_KVM:
        return opts_parse(cfg->groups[CONFIG_GROUP_ACCEL], "kvm", errp) != NULL;
    case CONFIG_OPT_CPU:
        config_set_str(&cfg->cpu_model, arg);
        return true;
    case CONFIG_OPT_GLOBAL:
        return config_add_global(cfg, arg, errp);
    case CONFIG_OPT_SERIAL:
        if (cfg->serials.count == CONFIG_MAX_SERIALS) {
            error_setg(errp, "too many serial ports");
            return false;
        }
        config_strlist_add(&cfg->serials, arg);
        return true;
    case CONFIG_OPT_MONITOR:
        config_strlist_add(&cfg->monitors, arg);
        return true;
    case CONFIG_OPT_QMP:
        config_strlist_add(&cfg->qmps, arg);
        return true;
    case CONFIG_OPT_NOGRAPHIC:
        cfg->nographic = true;
        return true;
    case CONFIG_OPT_DISPLAY:
        config_set_str(&cfg->display, arg);
        return true;
    case CONFIG_OPT_S_STOP:
        cfg->start_stopped = true;
        return true;
    case CONFIG_OPT_S_GDB:
        config_set_str(&cfg->gdb, CONFIG_DEFAULT_GDB);
        return true;
    case CONFIG_OPT_GDB:
        config_set_str(&cfg->gdb, arg);
        return true;
    case CONFIG_OPT_NO_REBOOT:
        cfg->no_reboot = true;
        return true;
    case CONFIG_OPT_NO_SHUTDOWN:
        cfg->no_shutdown = true;
        return true;
    case CONFIG_OPT_LOG_ITEMS:
        return config_set_log_items(cfg, arg, errp);
    case CONFIG_OPT_LOG_FILE:
        config_set_str(&cfg->log_file, arg);
        return true;
    case CONFIG_OPT_PERFMAP:
        cfg->perfmap = true;
        return true;
    case CONFIG_OPT_READCONFIG:
        return config_read_file(cfg, arg, errp);
    default:
        /* A handler row without a case is our bug. */
        assert(!"options.def row without a handler");
        return false;
    }
}

static bool config_apply(Config *cfg, const ConfigOption *opt, const char *arg, Error **errp)
{
    OptsGroup *g;
    Opts *machine;

    switch (opt->kind) {
    case OPT_KIND_GROUP:
        g = config_group(cfg, opt->target);
        assert(g);
        if (arg[0] == '{') {
            error_setg(errp, "JSON syntax is not supported");
            return false;
        }
        return opts_parse(g, arg, errp) != NULL;
    case OPT_KIND_MACHINE:
        machine = opts_create(cfg->groups[CONFIG_GROUP_MACHINE], NULL, &error_abort);
        return opts_set(machine, opt->target, arg, errp);
    case OPT_KIND_HANDLER:
        return config_handle(cfg, opt, arg, errp);
    }
    return false;
}

/* QEMU treats a bare argument as the first hard disk image (-hda). */
static void config_add_disk_image(Config *cfg, const char *file)
{
    Opts *o = opts_create(cfg->groups[CONFIG_GROUP_DRIVE], NULL, &error_abort);

    opts_set(o, "file", file, &error_abort);
    opts_set(o, "index", "0", &error_abort);
    opts_set(o, "media", "disk", &error_abort);
}

bool config_parse_cmdline(Config *cfg, int argc, char **argv, Error **errp)
{
    config_init(cfg);
    for (int i = 1; i < argc;) {
        const char *typed = argv[i++];
        const ConfigOption *opt;
        const char *arg = NULL;
        Error *err = NULL;

        if (typed[0] != '-' || typed[1] == '\0') {
            config_add_disk_image(cfg, typed);
            continue;
        }
        opt = config_option_find(typed);
        if (!opt) {
            error_setg(errp, "%s: invalid option", typed);
            return false;
        }
        if (opt->has_arg) {
            if (i >= argc) {
                error_setg(errp, "%s: requires an argument", typed);
                return false;
            }
            arg = argv[i++];
        }
        if (!config_apply(cfg, opt, arg, &err)) {
            /* -readconfig errors carry FILE:LINE, QEMU's location for them. */
            if (opt->id != CONFIG_OPT_READCONFIG) {
                error_prepend(&err, "%s%s%s: ", typed, arg ? " " : "", arg ? arg : "");
            }
            error_propagate(errp, err);
            return false;
        }
        if (cfg->exit_early) {
            return true;
        }
    }
    return config_finish(cfg, errp);
}

/* --- output --------------------------------------------------------------- */

static void config_dump_str(const char *key, const char *value, FILE *out)
{
    fprintf(out, "%s = %s\n", key, value ? value : "(none)");
}

static void config_dump_list(const char *key, const ConfigStrList *l, FILE *out)
{
    for (size_t i = 0; i < l->count; i++) {
        fprintf(out, "%s[%zu] = %s\n", key, i, l->items[i]);
    }
}

void config_dump(const Config *cfg, FILE *out)
{
    for (int i = 0; i < CONFIG_GROUP_COUNT; i++) {
        /* memory, smp-opts and name are summed up by the fields below. */
        if (i == CONFIG_GROUP_MEMORY || i == CONFIG_GROUP_SMP || i == CONFIG_GROUP_NAME) {
            continue;
        }
        opts_group_dump(cfg->groups[i], out);
    }
    fprintf(out, "ram_size = %llu\nmaxmem = %llu\nslots = %u\n",
            (unsigned long long)cfg->ram_size_bytes, (unsigned long long)cfg->maxmem_bytes,
            cfg->ram_slots);
    fprintf(out, "smp = cpus %u maxcpus %u sockets %u dies %u clusters %u cores %u "
            "threads %u\n", cfg->smp.cpus, cfg->smp.maxcpus, cfg->smp.sockets,
            cfg->smp.dies, cfg->smp.clusters, cfg->smp.cores, cfg->smp.threads);
    config_dump_str("cpu", cfg->cpu_model, out);
    config_dump_str("name", cfg->name, out);
    config_dump_str("display", cfg->display, out);
    config_dump_str("gdb", cfg->gdb, out);
    config_dump_str("log_file", cfg->log_file, out);
    config_dump_list("serial", &cfg->serials, out);
    config_dump_list("monitor", &cfg->monitors, out);
    config_dump_list("qmp", &cfg->qmps, out);
    fprintf(out, "log_mask = 0x%x\nnographic = %d\nS = %d\nno_reboot = %d\n"
            "no_shutdown = %d\nhelp = %d\nversion = %d\nperfmap = %d\n",
            cfg->log_mask, cfg->nographic, cfg->start_stopped, cfg->no_reboot,
            cfg->no_shutdown, cfg->show_help, cfg->show_version, cfg->perfmap);
}

static char *config_dump_string(const Config *cfg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f) {
        abort();
    }
    config_dump(cfg, f);
    fclose(f);
    return buf;
}

bool config_equal(const Config *a, const Config *b)
{
    char *da = config_dump_string(a), *db = config_dump_string(b);
    bool same = strcmp(da, db) == 0;

    free(da);
    free(db);
    return same;
}

bool config_apply_log(const Config *cfg, Error **errp)
{
    if (!log_set_file(cfg->log_file)) {
        error_setg_errno(errp, errno, "-D %s: cannot open log file", cfg->log_file);
        return false;
    }
    log_mask = cfg->log_mask;
    return true;
}

void config_print_help(FILE *out, const char *progname)
{
    fprintf(out, "usage: %s [options] [disk_image]\n\n"
            "Options (also spelled --option):\n", progname);
    for (size_t i = 0; i < CONFIG_OPTION_COUNT; i++) {
        const ConfigOption *o = &config_options[i];
        char head[128];

        if (!o->help) {
            continue;
        }
        snprintf(head, sizeof(head), "-%s%s%s", o->name, o->arg_help ? " " : "",
                 o->arg_help ? o->arg_help : "");
        if (strlen(head) > 24) {
            fprintf(out, "%s\n%-25s%s\n", head, "", o->help);
        } else {
            fprintf(out, "%-25s%s\n", head, o->help);
        }
    }
}

void config_print_version(FILE *out)
{
    fprintf(out, "Morpho emulator version %s\n"
            "QEMU emulator version %s (Morpho %s, QEMU-compatible command line)\n",
            MORPHO_VERSION, MORPHO_QEMU_COMPAT_VERSION, MORPHO_VERSION);
}
