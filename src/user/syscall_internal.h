/*
 * Private to the syscall layer: the table row type and the prototypes of
 * every OWN handler of syscalls.def (they live in syscall.c, signal.c and
 * procfs.c).  Handlers get the six raw argument registers.
 */
#ifndef USER_SYSCALL_INTERNAL_H
#define USER_SYSCALL_INTERNAL_H

#include "user/syscall.h"

typedef int64_t (*SyscallFn)(UserThread *t, const uint64_t *a);

typedef enum SyscallHow { SYSCALL_PASS, SYSCALL_OWN, SYSCALL_NOSYS } SyscallHow;

typedef struct SyscallDef {
    const char *name;
    SyscallHow how;
    long host;              /* PASS: the host's syscall number */
    SyscallFn fn;           /* OWN */
    const char *args;       /* argument kinds (syscall.h) */
} SyscallDef;

const SyscallDef *syscall_def(int64_t num);

#define SYSCALL_PROTO_PASS(name)
#define SYSCALL_PROTO_NOSYS(name)
#define SYSCALL_PROTO_OWN(name) int64_t sys_##name(UserThread *t, const uint64_t *a);
#define SYSCALL(nr, name, how, host, args) SYSCALL_PROTO_##how(name)
#include "user/syscalls.def"
#undef SYSCALL

/* The argv that runs a riscv64 program through Morpho again on execve
 * (pointers into p's options and argv; free the array only). */
char **syscall_reexec_argv(const UserProcess *p, const char *path, char *const *argv);

/* /proc views (procfs.c): an fd for path when it is one we serve, else
 * PROCFS_NOT_OURS. */
#define PROCFS_NOT_OURS (-100000)
int procfs_open(UserThread *t, const char *path, int flags);
/* readlink of /proc/self/exe and friends: length or PROCFS_NOT_OURS. */
int64_t procfs_readlink(UserThread *t, const char *path, char *buf, size_t size);
/* The text of /proc/cpuinfo for a riscv64 machine (malloc'd). */
char *procfs_cpuinfo_text(void);

#endif
