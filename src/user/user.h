/*
 * Linux user mode (`morpho-riscv64`): the emulated process, its options and
 * its threads.  One UserProcess exists per host process (a guest fork is a
 * host fork, a guest execve re-enters Morpho); each guest thread is a host
 * thread with its own UserThread and CPU.
 *
 * The command line is qemu-riscv64's: options first, then the program and
 * its arguments; each option also reads from QEMU_<NAME> or MORPHO_<NAME>
 * in the environment (the command line wins), e.g. QEMU_LD_PREFIX for -L
 * and QEMU_STRACE for -strace.
 */
#ifndef USER_USER_H
#define USER_USER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"
#include "exec/exec.h"
#include "user/elfload.h"
#include "user/mmap.h"

typedef struct CpuState CpuState;

typedef struct UserOptions {
    const char *ld_prefix;      /* -L: where the guest's / lives for the loader */
    const char *cpu_model;      /* -cpu MODEL[,FEATURE=on|off...] */
    char *cpu_features;         /* the part after the model, or NULL */
    const char *argv0;          /* -0: argv[0] for the guest, if not the path */
    const char *log_items;      /* -d */
    const char *log_file;       /* -D */
    const char *uname_release;  /* -r */
    uint64_t stack_size;        /* -s (bytes, 0: default) */
    uint64_t reserved_va;       /* -R (bytes, 0: USER_SPACE_SIZE_DEFAULT) */
    bool strace;                /* -strace */
    bool singlestep;            /* -one-insn-per-tb / -singlestep */
    bool perfmap;               /* -perfmap: /tmp/perf-<pid>.map for perf */
    ExecBackend backend;        /* -accel tcg,backend=jit|interp (JIT by default) */
    char **env_set;             /* -E var=value, in order (NULL-terminated) */
    char **env_unset;           /* -U var (NULL-terminated) */
    const char *program;        /* the guest program's path */
    int guest_argc;             /* its arguments, from argv (argv[0] first) */
    char **guest_argv;
    /* The options as given, to re-enter Morpho on a guest execve. */
    char **reexec_args;
} UserOptions;

/* Guest signal numbers are Linux's generic ones, which x86-64 shares. */
#define USER_NSIG 64

typedef struct UserSigaction {
    uint64_t handler;           /* guest address, or SIG_DFL (0) / SIG_IGN (1) */
    uint64_t flags;             /* SA_* (asm-generic values, as x86-64's) */
    uint64_t mask;              /* blocked while the handler runs */
} UserSigaction;

typedef struct UserProcess {
    UserOptions opts;
    UserMem mem;
    UserImage image;
    char **guest_envp;          /* the guest's initial environment */
    char *exe_path;             /* host path of the guest program (/proc/self/exe) */
    UserSigaction sigactions[USER_NSIG + 1];    /* [1..64]; signal.c's lock */
} UserProcess;

/* The one process this host process emulates. */
extern UserProcess user_proc;

typedef struct UserThread {
    UserProcess *proc;
    CpuState *cpu;              /* this thread's vCPU (NULL in unit tests) */
    pid_t tid;
    GuestVaddr clear_child_tid; /* set_tid_address / CLONE_CHILD_CLEARTID */

    /* Signals (signal.c).  Bit n-1 stands for signal n. */
    uint64_t sigmask;           /* blocked for the guest */
    uint64_t saved_sigmask;     /* rt_sigsuspend: restored after delivery */
    bool in_sigsuspend;
    _Atomic uint64_t pending;   /* any thread / host handler: queued for us */
    uint8_t siginfo[USER_NSIG + 1][128];   /* the host's siginfo of each pending one */
    GuestVaddr altstack_sp;     /* sigaltstack */
    uint64_t altstack_size;
    int altstack_flags;
} UserThread;

/* Parse argv (argv[0] is the command name).  Returns false with errp set
 * on a bad option; *exit_now is set (with *status) for -h / -version. */
bool user_parse_args(UserOptions *o, int argc, char **argv, char **envp, bool *exit_now,
                     int *status, Error **errp);
void user_options_free(UserOptions *o);

/* The guest's environment: ours with -E/-U applied (malloc'd array). */
char **user_guest_environ(const UserOptions *o, char **envp);

/* `morpho-riscv64 [options] program [args...]`. */
int user_main(int argc, char **argv);

#endif
