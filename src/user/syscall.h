/*
 * riscv64 Linux system calls on an x86-64 host.  syscalls.def is the one
 * table: riscv64's (asm-generic) number, the name, how it is carried out,
 * and the argument kinds that both convert the arguments of pass-through
 * calls and print them under -strace.
 *
 * Argument kinds (one letter per argument):
 *   d signed, u unsigned, x hex, o octal, f dirfd (AT_FDCWD), c clock,
 *   p pointer to a struct that is the same on both sides,
 *   s guest string, S guest path (looked up under -L first),
 *   i buffer the kernel reads, O buffer the kernel writes (length: next arg).
 * Guest pointers become host pointers (guest 0 stays NULL); a pointer
 * outside the guest space is EFAULT without calling the host.
 *
 * Return values are Linux's: >= 0, or -errno.  Two more come back from
 * handlers to the CPU loop: -USER_ESIGRETURN (registers were restored,
 * leave a0 alone) and -USER_ERESTARTSYS (run the ecall again).
 *
 * Threads: any guest thread calls syscall_dispatch for itself.
 */
#ifndef USER_SYSCALL_H
#define USER_SYSCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "user/user.h"

#define USER_ERESTARTSYS 512
#define USER_ESIGRETURN 513

/* What the guest's thread does for a system call the CPU cannot do by
 * itself (clone of a thread, rt_sigreturn, exit of one thread): set by
 * the CPU loop; NULL hooks make those calls -ENOSYS. */
typedef struct UserSyscallHooks {
    int64_t (*clone_thread)(UserThread *t, uint64_t flags, GuestVaddr stack, GuestVaddr ptid,
                            GuestVaddr tls, GuestVaddr ctid);
    int64_t (*sigreturn)(UserThread *t);
    void (*exit_thread)(UserThread *t, int status);
    /* Around fork: prepare (no vCPU translating or running, locks held),
     * then parent or child releases and tidies up. */
    void (*fork_prepare)(UserThread *t);
    void (*fork_parent)(UserThread *t);
    /* After fork, in the child (flags: clone's; newsp/tls when given). */
    void (*fork_child)(UserThread *t, uint64_t flags, GuestVaddr newsp, GuestVaddr tls);
} UserSyscallHooks;

extern UserSyscallHooks user_syscall_hooks;

int64_t syscall_dispatch(UserThread *t, int64_t num, const uint64_t args[6]);
/* Is num (with these arguments) restarted after an SA_RESTART handler? */
bool syscall_restartable(int64_t num, const uint64_t args[6]);
/* The name of riscv64 syscall num, or NULL. */
const char *syscall_name(int64_t num);

/* Guest memory for handlers: a host pointer to [addr, addr+len) when the
 * guest may access it with prot (PROT_READ/PROT_WRITE), else NULL. */
void *user_ptr(UserThread *t, GuestVaddr addr, uint64_t len, int prot);
/* A guest string copied out (malloc'd), or NULL (EFAULT/ENAMETOOLONG). */
char *user_strdup(UserThread *t, GuestVaddr addr, size_t max);
/* A guest path rewritten under -L when it exists there (malloc'd). */
char *user_path(const UserProcess *p, const char *path);

/* -strace lines (strace.c). */
void strace_call(UserThread *t, int64_t num, const uint64_t args[6]);
void strace_return(UserThread *t, int64_t num, int64_t ret);

#endif
