/*
 * The command line, QEMU's syntax and semantics (softmmu/vl.c of QEMU 7.2),
 * turned into a plain Config: no objects are created here, the machine and
 * device code reads the Config afterwards.  The option table is
 * options.def; -readconfig files (readconfig.h) feed the same option groups
 * as the command line, so "[machine] kernel = ..." and "-kernel ..." are the
 * same data.
 *
 * Ownership: a Config owns everything it points to; config_free() releases
 * it, also after a failed parse.  Single-threaded (start-up only).
 */
#ifndef CONFIG_CMDLINE_H
#define CONFIG_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config/opts.h"
#include "core/error.h"

/* The option groups, in dump order: id, name as in -readconfig [name]. */
#define CONFIG_GROUPS(X)          \
    X(MACHINE, "machine")         \
    X(MEMORY,  "memory")          \
    X(SMP,     "smp-opts")        \
    X(NAME,    "name")            \
    X(ACCEL,   "accel")           \
    X(OBJECT,  "object")          \
    X(CHARDEV, "chardev")         \
    X(MON,     "mon")             \
    X(NETDEV,  "netdev")          \
    X(DRIVE,   "drive")           \
    X(DEVICE,  "device")          \
    X(GLOBAL,  "global")

typedef enum ConfigGroupId {
#define CONFIG_GROUP_ENUM(id, name) CONFIG_GROUP_##id,
    CONFIG_GROUPS(CONFIG_GROUP_ENUM)
#undef CONFIG_GROUP_ENUM
    CONFIG_GROUP_COUNT
} ConfigGroupId;

typedef struct ConfigStrList {
    char **items;
    size_t count;
} ConfigStrList;

/* -smp after QEMU's topology completion: every field >= 1, and
 * sockets * dies * clusters * cores * threads == maxcpus >= cpus. */
typedef struct ConfigSmp {
    unsigned cpus, maxcpus, sockets, dies, clusters, cores, threads;
} ConfigSmp;

#define CONFIG_MAX_SERIALS 4
#define CONFIG_DEFAULT_GDB "tcp::1234"

typedef struct Config {
    OptsGroup *groups[CONFIG_GROUP_COUNT];  /* all the Opts, by group */
    Opts *machine;          /* the merged machine Opts: type, kernel, initrd,
                               append, dtb, firmware and any board property */
    char *cpu_model;        /* -cpu, NULL: the board's default */
    uint64_t ram_size_bytes;    /* -m, 8 KiB aligned; 0: the board's default */
    uint64_t maxmem_bytes;      /* -m maxmem=, 0 when not given */
    unsigned ram_slots;         /* -m slots= */
    ConfigSmp smp;
    ConfigStrList serials;  /* -serial, in order (at most CONFIG_MAX_SERIALS) */
    ConfigStrList monitors; /* -monitor, in order */
    ConfigStrList qmps;     /* -qmp, in order */
    char *gdb;              /* -gdb or -s, NULL: no gdbstub */
    char *name;             /* -name guest= */
    char *display;          /* -display, NULL: default */
    char *log_file;         /* -D */
    uint32_t log_mask;      /* -d, util/log.h's LOG_* bits */
    bool perfmap;           /* -perfmap: util/perfmap.h */
    bool nographic;
    bool start_stopped;     /* -S */
    bool no_reboot;
    bool no_shutdown;
    bool show_help;         /* -h: print config_print_help() and exit 0 */
    bool show_version;      /* -version: print config_print_version() and exit 0 */
    bool exit_early;        /* parsing stopped at -h, -version or -d help */
} Config;

/* An empty Config with every group present (config_parse_cmdline does this). */
void config_init(Config *cfg);
void config_free(Config *cfg);

/*
 * Parse argv[1..argc-1] into cfg (which is initialised first).  On error
 * returns false with a message that names the option as typed and the bad
 * value ("-m 4X: ...", "-foo: invalid option", "-m: requires an argument",
 * "virt.cfg:3: parse error").  Stops early, returning true with
 * cfg->exit_early, at -h, -version or -d help as QEMU exits there.
 */
bool config_parse_cmdline(Config *cfg, int argc, char **argv, Error **errp);

/* Compute the derived fields (machine, memory, smp, name) from the groups;
 * config_parse_cmdline() calls it last. */
bool config_finish(Config *cfg, Error **errp);

OptsGroup *config_group(Config *cfg, const char *name);   /* NULL if unknown */

/* Canonical text of everything a Config holds; equal text, equal configs. */
void config_dump(const Config *cfg, FILE *out);
bool config_equal(const Config *a, const Config *b);

/* Make -d and -D take effect: sets util/log.h's mask and opens the log
 * file ("-D x: cannot open log file: ..." on failure). */
bool config_apply_log(const Config *cfg, Error **errp);

void config_print_help(FILE *out, const char *progname);
void config_print_version(FILE *out);

#endif
