/*
 * `morpho-riscv64`: qemu-riscv64's command line (one table of options,
 * each with its environment variable), then the process set-up: guest
 * address space, program and interpreter, environment, initial stack,
 * and the first thread's CPU loop.  Option errors and load errors are user
 * errors: one line on stderr, exit status 1.
 */
#include "user/user.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "config/version.h"
#include "exec/exec.h"
#include "user/cpu_loop.h"
#include "util/log.h"
#include "util/perfmap.h"

extern char **environ;

UserProcess user_proc;

typedef enum UserOpt {
    OPT_HELP, OPT_LD_PREFIX, OPT_STACK_SIZE, OPT_CPU, OPT_SET_ENV, OPT_UNSET_ENV, OPT_ARGV0,
    OPT_UNAME, OPT_LOG, OPT_LOG_FILE, OPT_STRACE, OPT_ONE_INSN, OPT_VERSION, OPT_ACCEL,
    OPT_PERFMAP, OPT_RESERVED_VA,
} UserOpt;

static const struct {
    const char *name;           /* on the command line, after '-' */
    const char *env;            /* QEMU_<env> / MORPHO_<env>, or NULL */
    const char *arg;            /* argument name, NULL for a flag */
    UserOpt opt;
    const char *help;
} user_option_table[] = {
    { "h", NULL, NULL, OPT_HELP, "print this help" },
    { "help", NULL, NULL, OPT_HELP, "" },
    { "L", "LD_PREFIX", "path", OPT_LD_PREFIX, "set the elf interpreter prefix to 'path'" },
    { "s", "STACK_SIZE", "size", OPT_STACK_SIZE, "set the stack size to 'size' bytes" },
    { "R", "RESERVED_VA", "size", OPT_RESERVED_VA,
      "reserve 'size' bytes for guest virtual address space" },
    { "cpu", "CPU", "model", OPT_CPU, "select CPU (-cpu help for list)" },
    { "E", "SET_ENV", "var=value", OPT_SET_ENV, "sets targets environment variable (see below)" },
    { "U", "UNSET_ENV", "var", OPT_UNSET_ENV, "unsets targets environment variable (see below)" },
    { "0", "ARGV0", "argv0", OPT_ARGV0, "forces target process argv[0] to be 'argv0'" },
    { "r", "UNAME", "uname", OPT_UNAME, "set qemu uname release string to 'uname'" },
    { "d", "LOG", "item[,...]", OPT_LOG,
      "enable logging of specified items (use '-d help' for a list of items)" },
    { "D", "LOG_FILENAME", "logfile", OPT_LOG_FILE, "write logs to 'logfile' (default stderr)" },
    { "strace", "STRACE", NULL, OPT_STRACE, "log system calls" },
    { "one-insn-per-tb", "ONE_INSN_PER_TB", NULL, OPT_ONE_INSN,
      "run with one guest instruction per emulated TB" },
    { "singlestep", "SINGLESTEP", NULL, OPT_ONE_INSN, "deprecated synonym for -one-insn-per-tb" },
    { "accel", "ACCEL", "tcg[,backend=B]", OPT_ACCEL,
      "run translated code on B: jit (default) or interp" },
    { "perfmap", "PERFMAP", NULL, OPT_PERFMAP,
      "write /tmp/perf-<pid>.map naming translated code for perf" },
    { "version", "VERSION", NULL, OPT_VERSION, "display version information and exit" },
};

#define USER_OPTION_COUNT (sizeof(user_option_table) / sizeof(user_option_table[0]))

static const char *const user_cpu_models[] = { "rv64", "max", "any" };

static void user_usage(FILE *out)
{
    fprintf(out, "usage: morpho-riscv64 [options] program [arguments...]\n"
                 "Linux CPU emulator (compiled for riscv64 emulation)\n\n"
                 "Options and associated environment variables:\n\n"
                 "%-20s %-17s %s\n", "Argument", "Env-variable", "Description");
    for (size_t i = 0; i < USER_OPTION_COUNT; i++) {
        char head[64], env[32] = "";
        if (!user_option_table[i].help[0]) {
            continue;
        }
        snprintf(head, sizeof(head), "-%s %s", user_option_table[i].name,
                 user_option_table[i].arg ? user_option_table[i].arg : "");
        if (user_option_table[i].env) {
            snprintf(env, sizeof(env), "QEMU_%s", user_option_table[i].env);
        }
        fprintf(out, "%-20s %-17s %s\n", head, env, user_option_table[i].help);
    }
    fprintf(out, "\nEach QEMU_<NAME> variable may also be spelled MORPHO_<NAME>.\n"
                 "QEMU_SET_ENV and QEMU_UNSET_ENV take comma-separated lists:\n"
                 "    QEMU_SET_ENV=LD_PRELOAD=/x.so,TZ=UTC  QEMU_UNSET_ENV=LANG,LC_ALL\n");
}

static void strv_push(char ***v, const char *s)
{
    size_t n = 0;
    while (*v && (*v)[n]) {
        n++;
    }
    *v = realloc(*v, (n + 2) * sizeof(char *));
    (*v)[n] = strdup(s);
    (*v)[n + 1] = NULL;
}

static void strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++) {
        free(v[i]);
    }
    free(v);
}

/* Split a comma-separated environment value into -E/-U entries. */
static void strv_push_list(char ***v, const char *list)
{
    char *copy = strdup(list), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        strv_push(v, tok);
    }
    free(copy);
}

static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *s == '-') {
        return false;
    }
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    }
    if (v > (UINT64_MAX >> shift)) {
        return false;
    }
    *out = (uint64_t)v << shift;
    return *end == '\0' && *out > 0;
}

/* Apply one option.  *exit_now/status for options that end the run. */
static bool user_apply(UserOptions *o, UserOpt opt, const char *arg, bool from_env,
                       bool *exit_now, int *status, Error **errp)
{
    switch (opt) {
    case OPT_HELP:
        user_usage(stdout);
        *exit_now = true;
        *status = 0;
        return true;
    case OPT_VERSION:
        printf("morpho-riscv64 version %s (QEMU-compatible qemu-riscv64 %s)\n", MORPHO_VERSION,
               MORPHO_QEMU_COMPAT_VERSION);
        *exit_now = true;
        *status = 0;
        return true;
    case OPT_LD_PREFIX:
        o->ld_prefix = arg;
        return true;
    case OPT_STACK_SIZE:
        if (!parse_size(arg, &o->stack_size)) {
            error_setg(errp, "invalid stack size '%s'", arg);
            return false;
        }
        return true;
    case OPT_RESERVED_VA:
        if (!parse_size(arg, &o->reserved_va)) {
            error_setg(errp, "invalid reserved address space size '%s'", arg);
            return false;
        }
        if (o->reserved_va < USER_SPACE_SIZE_MIN || o->reserved_va > USER_SPACE_SIZE_DEFAULT ||
            (o->reserved_va & USER_PAGE_MASK)) {
            error_setg(errp, "-R %s: the reserved address space must be a multiple of 4 KiB "
                       "from %llu MiB to %llu GiB (Sv39's user half)", arg,
                       (unsigned long long)(USER_SPACE_SIZE_MIN >> 20),
                       (unsigned long long)(USER_SPACE_SIZE_DEFAULT >> 30));
            return false;
        }
        return true;
    case OPT_CPU:
        if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
            printf("Available CPUs:\n");
            for (size_t i = 0; i < sizeof(user_cpu_models) / sizeof(*user_cpu_models); i++) {
                printf("  %s\n", user_cpu_models[i]);
            }
            *exit_now = true;
            *status = 0;
            return true;
        }
        {
            size_t len = strcspn(arg, ",");
            for (size_t i = 0; i < sizeof(user_cpu_models) / sizeof(*user_cpu_models); i++) {
                if (strlen(user_cpu_models[i]) == len && strncmp(arg, user_cpu_models[i], len) == 0) {
                    o->cpu_model = user_cpu_models[i];
                    free(o->cpu_features);
                    o->cpu_features = NULL;
                    if (arg[len] == ',') {
                        RiscvCpu probe = { 0 };
                        user_cpu_init_features(&probe);
                        if (!riscv_cpu_parse_features(&probe, arg + len + 1, errp)) {
                            error_prepend(errp, "-cpu %s: ", arg);
                            return false;
                        }
                        o->cpu_features = strdup(arg + len + 1);
                    }
                    return true;
                }
            }
            error_setg(errp, "unable to find CPU model '%.*s'", (int)len, arg);
            return false;
        }
    case OPT_SET_ENV:
        if (from_env) {
            strv_push_list(&o->env_set, arg);
        } else if (!strchr(arg, '=')) {
            error_setg(errp, "-E takes var=value, not '%s'", arg);
            return false;
        } else {
            strv_push(&o->env_set, arg);
        }
        return true;
    case OPT_UNSET_ENV:
        if (from_env) {
            strv_push_list(&o->env_unset, arg);
        } else {
            strv_push(&o->env_unset, arg);
        }
        return true;
    case OPT_ARGV0:
        o->argv0 = arg;
        return true;
    case OPT_UNAME:
        o->uname_release = arg;
        return true;
    case OPT_LOG: {
        uint32_t mask;
        bool help = false;
        char bad[64];
        if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
            log_print_help(stdout);
            *exit_now = true;
            *status = 0;
            return true;
        }
        if (!log_parse_items(arg, &mask, &help, bad, sizeof(bad))) {
            error_setg(errp, "-d: unknown log item '%s' (try -d help)", bad);
            return false;
        }
        o->log_items = arg;
        log_mask |= mask;
        return true;
    }
    case OPT_LOG_FILE:
        o->log_file = arg;
        return true;
    case OPT_STRACE:
        o->strace = true;
        return true;
    case OPT_ONE_INSN:
        o->singlestep = true;
        return true;
    case OPT_PERFMAP:
        o->perfmap = true;
        return true;
    case OPT_ACCEL:
        if (strcmp(arg, "tcg") == 0 || strcmp(arg, "tcg,backend=jit") == 0) {
            o->backend = EXEC_BACKEND_JIT;
        } else if (strcmp(arg, "tcg,backend=interp") == 0) {
            o->backend = EXEC_BACKEND_INTERP;
        } else {
            error_setg(errp, "-accel: '%s' is not tcg, tcg,backend=jit or tcg,backend=interp",
                       arg);
            return false;
        }
        return true;
    }
    return true;
}

static int user_find_option(const char *name)
{
    for (size_t i = 0; i < USER_OPTION_COUNT; i++) {
        if (strcmp(user_option_table[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static const char *env_lookup(char **envp, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; envp && envp[i]; i++) {
        if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=') {
            return envp[i] + n + 1;
        }
    }
    return NULL;
}

bool user_parse_args(UserOptions *o, int argc, char **argv, char **envp, bool *exit_now,
                     int *status, Error **errp)
{
    memset(o, 0, sizeof(*o));
    o->backend = EXEC_BACKEND_JIT;
    *exit_now = false;
    *status = 0;

    /* Environment first, so the command line overrides it. */
    for (size_t i = 0; i < USER_OPTION_COUNT; i++) {
        const char *env = user_option_table[i].env;
        if (!env || user_option_table[i].opt == OPT_VERSION) {
            continue;
        }
        char name[48];
        const char *val = NULL;
        for (int k = 0; k < 2 && !val; k++) {
            snprintf(name, sizeof(name), "%s_%s", k ? "QEMU" : "MORPHO", env);
            val = env_lookup(envp, name);
        }
        if (!val) {
            continue;
        }
        if (!user_option_table[i].arg && !*val) {
            continue;
        }
        if (!user_apply(o, user_option_table[i].opt, val, true, exit_now, status, errp)) {
            error_prepend(errp, "%s: ", name);
            return false;
        }
        if (*exit_now) {
            return true;
        }
    }

    int i = 1;
    while (i < argc && argv[i][0] == '-' && argv[i][1]) {
        const char *name = argv[i] + 1;
        if (strcmp(name, "-") == 0) {
            i++;
            break;
        }
        if (name[0] == '-') {
            name++;     /* --opt works too */
        }
        int k = user_find_option(name);
        if (k < 0) {
            error_setg(errp, "unknown option '%s' (try -h)", argv[i]);
            return false;
        }
        const char *arg = NULL;
        if (user_option_table[k].arg) {
            if (i + 1 >= argc) {
                error_setg(errp, "option '%s' needs an argument (%s)", argv[i],
                           user_option_table[k].arg);
                return false;
            }
            arg = argv[++i];
            strv_push(&o->reexec_args, argv[i - 1]);
            strv_push(&o->reexec_args, arg);
        } else {
            strv_push(&o->reexec_args, argv[i]);
        }
        i++;
        if (!user_apply(o, user_option_table[k].opt, arg, false, exit_now, status, errp)) {
            return false;
        }
        if (*exit_now) {
            return true;
        }
    }
    if (i >= argc) {
        error_setg(errp, "no program given (usage: morpho-riscv64 [options] program "
                         "[arguments...]; -h for help)");
        return false;
    }
    o->program = argv[i];
    o->guest_argc = argc - i;
    o->guest_argv = &argv[i];
    return true;
}

void user_options_free(UserOptions *o)
{
    strv_free(o->env_set);
    strv_free(o->env_unset);
    strv_free(o->reexec_args);
    free(o->cpu_features);
    memset(o, 0, sizeof(*o));
}

/* Remove NAME=... from a NULL-terminated vector. */
static void strv_remove_var(char **env, const char *name, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; env[i]; i++) {
        if (strncmp(env[i], name, n) == 0 && env[i][n] == '=') {
            free(env[i]);
        } else {
            env[out++] = env[i];
        }
    }
    env[out] = NULL;
}

char **user_guest_environ(const UserOptions *o, char **envp)
{
    char **env = calloc(1, sizeof(char *));
    for (size_t i = 0; envp && envp[i]; i++) {
        strv_push(&env, envp[i]);
    }
    for (size_t u = 0; o->env_unset && o->env_unset[u]; u++) {
        strv_remove_var(env, o->env_unset[u], strlen(o->env_unset[u]));
    }
    for (size_t s = 0; o->env_set && o->env_set[s]; s++) {
        const char *eq = strchr(o->env_set[s], '=');
        if (!eq) {
            continue;
        }
        strv_remove_var(env, o->env_set[s], eq - o->env_set[s]);
        strv_push(&env, o->env_set[s]);
    }
    return env;
}

int user_main(int argc, char **argv)
{
    UserProcess *p = &user_proc;
    Error *err = NULL;
    bool exit_now;
    int status;

    if (!user_parse_args(&p->opts, argc, argv, environ, &exit_now, &status, &err)) {
        error_report_err(err);
        return 1;
    }
    if (exit_now) {
        return status;
    }
    /* Started by binfmt_misc with the P flag: the kernel passes the
     * program's path and then its original argv[0] (AT_FLAGS bit 0,
     * AT_FLAGS_PRESERVE_ARGV0, since Linux 5.12). */
    if ((getauxval(AT_FLAGS) & 1) && p->opts.guest_argc >= 2) {
        p->opts.argv0 = p->opts.guest_argv[1];
        memmove(&p->opts.guest_argv[1], &p->opts.guest_argv[2],
                (p->opts.guest_argc - 2 + 1) * sizeof(char *));
        p->opts.guest_argc--;
    }
    /* With the O flag the kernel opened the program for us. */
    char execfd_path[32];
    const char *load_path = p->opts.program;
    if (getauxval(AT_EXECFD) > 0) {
        snprintf(execfd_path, sizeof(execfd_path), "/proc/self/fd/%lu", getauxval(AT_EXECFD));
        load_path = execfd_path;
    }
    if (p->opts.log_file && !log_set_file(p->opts.log_file)) {
        error_report("-D %s: %s", p->opts.log_file, strerror(errno));
        return 1;
    }
    if (p->opts.strace) {
        log_mask |= LOG_STRACE;
    }
    if (p->opts.perfmap && !perfmap_open("guest-riscv64")) {
        error_report("-perfmap: /tmp/perf-%d.map: %s", (int)getpid(), strerror(errno));
        return 1;
    }
    if (!exec_set_backend(p->opts.backend, &err)) {
        error_report_err(err);
        return 1;
    }
    if (!mmap_init(&p->mem, p->opts.reserved_va ? p->opts.reserved_va : USER_SPACE_SIZE_DEFAULT,
                   &err) ||
        !elf_load_program(&p->mem, load_path, p->opts.ld_prefix, &p->image, &err)) {
        error_report_err(err);
        return 1;
    }
    p->exe_path = p->image.path;
    p->guest_envp = user_guest_environ(&p->opts, environ);
    /* AT_HWCAP's bit n is letter 'a' + n, as misa's: what -cpu left on */
    RiscvCpu features = { 0 };
    user_cpu_init_features(&features);
    if (p->opts.cpu_features) {
        riscv_cpu_parse_features(&features, p->opts.cpu_features, &error_abort);
    }
    p->image.hwcap &= features.misa;

    /* argv[0] for the guest: -0, else what we were given. */
    char **gargv = malloc((p->opts.guest_argc + 1) * sizeof(char *));
    memcpy(gargv, p->opts.guest_argv, p->opts.guest_argc * sizeof(char *));
    gargv[p->opts.guest_argc] = NULL;
    if (p->opts.argv0) {
        gargv[0] = (char *)p->opts.argv0;
    }
    p->image.stack_bytes = p->opts.stack_size;
    if (!elf_setup_stack(&p->mem, &p->image, p->opts.guest_argc, gargv, p->guest_envp,
                         p->opts.program, &err)) {
        error_report_err(err);
        return 1;
    }
    free(gargv);
    if (log_enabled(LOG_PAGE)) {
        char *maps = mmap_maps_text(&p->mem);
        log_printf("guest_base  0x%llx\n%sstart_brk   0x%llx\nentry       0x%llx\n"
                   "start_stack 0x%llx\n", (unsigned long long)p->mem.guest_base,
                   maps ? maps : "", (unsigned long long)p->image.start_brk,
                   (unsigned long long)p->image.entry,
                   (unsigned long long)p->image.stack_pointer);
        free(maps);
    }
    return user_cpu_loop_start(p);
}
