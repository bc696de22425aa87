/*
 * The system-call layer (see syscall.h): the table built from
 * syscalls.def, the generic pass-through that converts arguments by kind,
 * and the handlers of calls whose arguments need more than that (guest
 * pointers inside structs, layouts that differ, state we keep ourselves:
 * the address space, the break, the program's identity).
 *
 * Blocking calls are made directly: a guest-handled signal interrupts them
 * (host handlers have no SA_RESTART), the CPU loop runs the guest's
 * handler and restarts the call when the guest asked for SA_RESTART
 * (syscall_restartable).  NOTE: a signal that arrives after the CPU loop
 * looked for pending signals but before the host call blocks waits for
 * the call to return; QEMU's safe_syscall closes that window.
 */
#include "user/syscall_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdnoreturn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/futex.h>
#include <linux/sched.h>

#include "user/abi.h"
#include "util/log.h"

UserSyscallHooks user_syscall_hooks;

/* ---- the table ---- */

#define SYSCALL_FN_PASS(name) NULL
#define SYSCALL_FN_NOSYS(name) NULL
#define SYSCALL_FN_OWN(name) sys_##name
#define SYSCALL(nr, name_, how_, host_, args_)                                  \
    [nr] = { .name = #name_, .how = SYSCALL_##how_, .host = host_,             \
             .fn = SYSCALL_FN_##how_(name_), .args = args_ },
static const SyscallDef syscall_table[] = {
#include "user/syscalls.def"
};
#undef SYSCALL

#define SYSCALL_TABLE_SIZE ((int64_t)(sizeof(syscall_table) / sizeof(syscall_table[0])))

const SyscallDef *syscall_def(int64_t num)
{
    if (num < 0 || num >= SYSCALL_TABLE_SIZE || !syscall_table[num].name) {
        return NULL;
    }
    return &syscall_table[num];
}

const char *syscall_name(int64_t num)
{
    const SyscallDef *d = syscall_def(num);
    return d ? d->name : NULL;
}

/* ---- guest memory ---- */

static UserMem *mem_of(UserThread *t)
{
    return &t->proc->mem;
}

void *user_ptr(UserThread *t, GuestVaddr addr, uint64_t len, int prot)
{
    if (!mmap_access_ok(mem_of(t), addr, len ? len : 1, prot)) {
        return NULL;
    }
    return mmap_g2h(mem_of(t), addr);
}

char *user_strdup(UserThread *t, GuestVaddr addr, size_t max)
{
    UserMem *m = mem_of(t);
    size_t n = 0;
    /* Page by page: never touch a host page the guest cannot read. */
    while (n < max) {
        GuestVaddr page_end = ((addr + n) | USER_PAGE_MASK) + 1;
        if (!mmap_access_ok(m, addr + n, 1, PROT_READ)) {
            errno = EFAULT;
            return NULL;
        }
        const char *p = mmap_g2h(m, addr + n);
        size_t chunk = page_end - (addr + n);
        const char *nul = memchr(p, '\0', chunk);
        if (nul) {
            n += nul - p;
            char *s = malloc(n + 1);
            memcpy(s, mmap_g2h(m, addr), n + 1);
            return s;
        }
        n += chunk;
    }
    errno = ENAMETOOLONG;
    return NULL;
}

char *user_path(const UserProcess *p, const char *path)
{
    const char *prefix = p->opts.ld_prefix;
    if (prefix && *prefix && path[0] == '/') {
        size_t n = strlen(prefix) + strlen(path) + 1;
        char *full = malloc(n);
        struct stat st;
        snprintf(full, n, "%s%s", prefix, path);
        if (lstat(full, &st) == 0) {
            return full;
        }
        free(full);
    }
    return strdup(path);
}

/* A guest pointer the host kernel may be handed: NULL stays NULL, the rest
 * must start inside the guest space (the guard after it catches
 * overruns); fails with -EFAULT. */
static bool host_ptr(UserThread *t, GuestVaddr addr, uint64_t len, long *out)
{
    UserMem *m = mem_of(t);
    if (addr == 0) {
        *out = 0;
        return true;
    }
    if (addr >= m->size || len > m->size - addr) {
        return false;
    }
    *out = (long)(uintptr_t)mmap_g2h(m, addr);
    return true;
}

static int64_t host_ret(long r)
{
    return r < 0 ? -errno : r;
}

/* ---- the generic pass-through ---- */

static int64_t syscall_pass(UserThread *t, const SyscallDef *d, const uint64_t *a)
{
    long h[6] = { 0 };
    char *paths[6] = { NULL };
    int64_t ret = 0;

    for (int i = 0; i < 6 && d->args[i]; i++) {
        switch (d->args[i]) {
        case 's':
        case 'p':
            if (!host_ptr(t, a[i], 0, &h[i])) {
                ret = -EFAULT;
            }
            break;
        case 'i':
        case 'O':
            if (!host_ptr(t, a[i], a[i + 1], &h[i])) {
                ret = -EFAULT;
            }
            break;
        case 'S':
            if (a[i] == 0) {
                h[i] = 0;
            } else if (!t->proc->opts.ld_prefix) {
                if (!host_ptr(t, a[i], 0, &h[i])) {
                    ret = -EFAULT;
                }
            } else {
                char *s = user_strdup(t, a[i], PATH_MAX);
                if (!s) {
                    ret = -errno;
                    break;
                }
                paths[i] = user_path(t->proc, s);
                free(s);
                h[i] = (long)paths[i];
            }
            break;
        default:
            h[i] = (long)a[i];
            break;
        }
        if (ret) {
            goto out;
        }
    }
    ret = host_ret(syscall(d->host, h[0], h[1], h[2], h[3], h[4], h[5]));
out:
    for (int i = 0; i < 6; i++) {
        free(paths[i]);
    }
    return ret;
}

/* ---- restarting after a signal handler ---- */

/* Would Linux restart this call after a handler with SA_RESTART
 * interrupted it (signal(7), "Interruption of system calls")?  Calls with
 * timeouts and the waits for signals never are. */
bool syscall_restartable(int64_t num, const uint64_t args[6])
{
    const char *name = syscall_name(num);
    static const char *const restartable[] = {
        "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
        "ioctl", "openat", "wait4", "waitid", "accept", "accept4", "connect", "recvfrom",
        "sendto", "recvmsg", "sendmsg", "flock", "fcntl", "sendfile", "splice", "tee",
        "getrandom", "copy_file_range", "fallocate", "ftruncate", "truncate",
    };
    if (!name) {
        return false;
    }
    if (strcmp(name, "futex") == 0) {
        /* FUTEX_WAIT without a timeout returns ERESTARTSYS. */
        int cmd = (int)args[1] & FUTEX_CMD_MASK;
        return (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) && args[3] == 0;
    }
    for (size_t i = 0; i < sizeof(restartable) / sizeof(restartable[0]); i++) {
        if (strcmp(name, restartable[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- dispatch ---- */

int64_t syscall_dispatch(UserThread *t, int64_t num, const uint64_t args[6])
{
    const SyscallDef *d = syscall_def(num);
    int64_t ret;

    if (log_enabled(LOG_STRACE)) {
        strace_call(t, num, args);
    }
    if (!d) {
        log_mask_printf(LOG_UNIMP, "Unsupported syscall: %lld\n", (long long)num);
        ret = -ENOSYS;
    } else if (d->how == SYSCALL_PASS) {
        ret = syscall_pass(t, d, args);
    } else if (d->how == SYSCALL_OWN) {
        ret = d->fn(t, args);
    } else {
        ret = -ENOSYS;
    }
    if (log_enabled(LOG_STRACE)) {
        strace_return(t, num, ret);
    }
    return ret;
}

/* ---- files ---- */

int64_t sys_openat(UserThread *t, const uint64_t *a)
{
    char *s = user_strdup(t, a[1], PATH_MAX);
    if (!s) {
        return -errno;
    }
    int fd = procfs_open(t, s, (int)a[2]);
    if (fd == PROCFS_NOT_OURS) {
        char *path = user_path(t->proc, s);
        fd = (int)host_ret(syscall(SYS_openat, (int)a[0], path, (int)a[2], (mode_t)a[3]));
        free(path);
    }
    free(s);
    return fd;
}

int64_t sys_readlinkat(UserThread *t, const uint64_t *a)
{
    char *s = user_strdup(t, a[1], PATH_MAX);
    if (!s) {
        return -errno;
    }
    long buf;
    int64_t ret;
    if ((int64_t)a[3] <= 0) {
        ret = -EINVAL;
    } else if (!host_ptr(t, a[2], a[3], &buf) || !buf) {
        ret = -EFAULT;
    } else {
        ret = procfs_readlink(t, s, (char *)buf, a[3]);
        if (ret == PROCFS_NOT_OURS) {
            char *path = user_path(t->proc, s);
            ret = host_ret(syscall(SYS_readlinkat, (int)a[0], path, buf, a[3]));
            free(path);
        }
    }
    free(s);
    return ret;
}

static int64_t put_stat(UserThread *t, GuestVaddr addr, const struct stat *st)
{
    RiscvStat *g = user_ptr(t, addr, sizeof(RiscvStat), PROT_WRITE);
    if (!g) {
        return -EFAULT;
    }
    abi_stat_from_host(g, st);
    return 0;
}

int64_t sys_newfstatat(UserThread *t, const uint64_t *a)
{
    struct stat st;
    char *s = user_strdup(t, a[1], PATH_MAX);
    if (!s) {
        return -errno;
    }
    char *path = user_path(t->proc, s);
    /* /proc/self/exe is the guest program, not Morpho. */
    if (strcmp(s, "/proc/self/exe") == 0 && t->proc->exe_path) {
        free(path);
        path = strdup(t->proc->exe_path);
    }
    int64_t ret = host_ret(fstatat((int)a[0], path, &st, (int)a[3]));
    free(path);
    free(s);
    return ret < 0 ? ret : put_stat(t, a[2], &st);
}

int64_t sys_fstat(UserThread *t, const uint64_t *a)
{
    struct stat st;
    int64_t ret = host_ret(fstat((int)a[0], &st));
    return ret < 0 ? ret : put_stat(t, a[1], &st);
}

int64_t sys_fcntl(UserThread *t, const uint64_t *a)
{
    long arg = (long)a[2];
    switch ((int)a[1]) {
    case F_GETLK: case F_SETLK: case F_SETLKW:
    case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
    case F_GETOWN_EX: case F_SETOWN_EX:
        /* struct flock and f_owner_ex are asm-generic on both sides. */
        if (!host_ptr(t, a[2], 0, &arg)) {
            return -EFAULT;
        }
        break;
    }
    return host_ret(syscall(SYS_fcntl, (int)a[0], (int)a[1], arg));
}

/* ioctls we know: the request and whether its argument is a pointer.
 * Numbers and structs are asm-generic on riscv64 and x86-64 alike. */
static const struct {
    uint32_t request;
    bool pointer;
} user_ioctls[] = {
    { 0x5401, true },   /* TCGETS */
    { 0x5402, true },   /* TCSETS */
    { 0x5403, true },   /* TCSETSW */
    { 0x5404, true },   /* TCSETSF */
    { 0x5409, false },  /* TCSBRK */
    { 0x540A, false },  /* TCXONC */
    { 0x540B, false },  /* TCFLSH */
    { 0x540E, false },  /* TIOCSCTTY */
    { 0x540F, true },   /* TIOCGPGRP */
    { 0x5410, true },   /* TIOCSPGRP */
    { 0x5411, true },   /* TIOCOUTQ */
    { 0x5413, true },   /* TIOCGWINSZ */
    { 0x5414, true },   /* TIOCSWINSZ */
    { 0x541B, true },   /* FIONREAD */
    { 0x5421, true },   /* FIONBIO */
    { 0x5422, false },  /* TIOCNOTTY */
    { 0x5429, true },   /* TIOCGSID */
    { 0x5450, false },  /* FIONCLEX */
    { 0x5451, false },  /* FIOCLEX */
    { 0x5452, true },   /* FIOASYNC */
    { 0x802c542a, true }, /* TCGETS2 */
    { 0x402c542b, true }, /* TCSETS2 */
    { 0x80045430, true }, /* TIOCGPTN */
    { 0x40045431, true }, /* TIOCSPTLCK */
    { 0x80086601, true }, /* FS_IOC_GETFLAGS */
    { 0x80081272, true }, /* BLKGETSIZE64 */
};

int64_t sys_ioctl(UserThread *t, const uint64_t *a)
{
    uint32_t req = (uint32_t)a[1];
    for (size_t i = 0; i < sizeof(user_ioctls) / sizeof(user_ioctls[0]); i++) {
        if (user_ioctls[i].request != req) {
            continue;
        }
        long arg = (long)a[2];
        if (user_ioctls[i].pointer && !host_ptr(t, a[2], 0, &arg)) {
            return -EFAULT;
        }
        return host_ret(syscall(SYS_ioctl, (int)a[0], (unsigned long)req, arg));
    }
    log_mask_printf(LOG_UNIMP, "Unsupported ioctl: cmd=0x%04x\n", req);
    return -ENOTTY;
}

/* Convert a guest iovec array (lengths checked against the guest space). */
static struct iovec *iov_to_host(UserThread *t, GuestVaddr addr, uint64_t count, int64_t *err)
{
    if (count > IOV_MAX) {
        *err = -EINVAL;
        return NULL;
    }
    const uint64_t *g = user_ptr(t, addr, count * 16, PROT_READ);
    if (count && !g) {
        *err = -EFAULT;
        return NULL;
    }
    struct iovec *h = calloc(count ? count : 1, sizeof(*h));
    for (uint64_t i = 0; i < count; i++) {
        long p;
        if (!host_ptr(t, g[2 * i], g[2 * i + 1], &p)) {
            free(h);
            *err = -EFAULT;
            return NULL;
        }
        h[i].iov_base = (void *)p;
        h[i].iov_len = g[2 * i + 1];
    }
    return h;
}

static int64_t rw_vector(UserThread *t, const uint64_t *a, long host_nr, bool positioned)
{
    int64_t err = 0;
    struct iovec *iov = iov_to_host(t, a[1], a[2], &err);
    if (!iov) {
        return err;
    }
    int64_t ret = positioned
                      ? host_ret(syscall(host_nr, (int)a[0], iov, (int)a[2], (long)a[3], 0L))
                      : host_ret(syscall(host_nr, (int)a[0], iov, (int)a[2]));
    free(iov);
    return ret;
}

int64_t sys_readv(UserThread *t, const uint64_t *a)
{
    return rw_vector(t, a, SYS_readv, false);
}

int64_t sys_writev(UserThread *t, const uint64_t *a)
{
    return rw_vector(t, a, SYS_writev, false);
}

int64_t sys_preadv(UserThread *t, const uint64_t *a)
{
    return rw_vector(t, a, SYS_preadv, true);
}

int64_t sys_pwritev(UserThread *t, const uint64_t *a)
{
    return rw_vector(t, a, SYS_pwritev, true);
}

int64_t sys_pselect6(UserThread *t, const uint64_t *a)
{
    long fds[3], ts, sig = 0;
    uint64_t sigdata[2];
    for (int i = 0; i < 3; i++) {
        if (!host_ptr(t, a[1 + i], 128, &fds[i])) {
            return -EFAULT;
        }
    }
    if (!host_ptr(t, a[4], 16, &ts)) {
        return -EFAULT;
    }
    /* The sixth argument points at { const sigset_t *ss; size_t ss_len }. */
    if (a[5]) {
        const uint64_t *g = user_ptr(t, a[5], 16, PROT_READ);
        long ss;
        if (!g || !host_ptr(t, g[0], 8, &ss)) {
            return -EFAULT;
        }
        sigdata[0] = (uint64_t)ss;
        sigdata[1] = g[1];
        sig = (long)sigdata;
    }
    return host_ret(syscall(SYS_pselect6, (int)a[0], fds[0], fds[1], fds[2], ts, sig));
}

/* ---- epoll (struct epoll_event differs) ---- */

int64_t sys_epoll_ctl(UserThread *t, const uint64_t *a)
{
    struct epoll_event ev, *evp = NULL;
    if (a[3]) {
        const RiscvEpollEvent *g = user_ptr(t, a[3], sizeof(*g), PROT_READ);
        if (!g) {
            return -EFAULT;
        }
        abi_epoll_to_host(&ev, g);
        evp = &ev;
    }
    return host_ret(epoll_ctl((int)a[0], (int)a[1], (int)a[2], evp));
}

/* EP_MAX_EVENTS in fs/eventpoll.c. */
#define EPOLL_MAX_EVENTS (INT_MAX / (int)sizeof(RiscvEpollEvent))

static int64_t epoll_wait_common(UserThread *t, const uint64_t *a, long host_nr)
{
    int max = (int)a[2];
    if (max <= 0 || max > EPOLL_MAX_EVENTS) {
        return -EINVAL;
    }
    RiscvEpollEvent *g = user_ptr(t, a[1], (uint64_t)max * sizeof(*g), PROT_WRITE);
    long tmo = (long)a[3], mask;
    if (!g) {
        return -EFAULT;
    }
    if (host_nr == SYS_epoll_pwait2 && !host_ptr(t, a[3], 16, &tmo)) {
        return -EFAULT;
    }
    if (!host_ptr(t, a[4], 8, &mask)) {
        return -EFAULT;
    }
    struct epoll_event *h = calloc(max, sizeof(*h));
    if (!h) {
        return -ENOMEM;
    }
    int64_t ret = host_ret(syscall(host_nr, (int)a[0], h, max, tmo, mask, a[5]));
    for (int64_t i = 0; i < ret; i++) {
        abi_epoll_from_host(&g[i], &h[i]);
    }
    free(h);
    return ret;
}

int64_t sys_epoll_pwait(UserThread *t, const uint64_t *a)
{
    return epoll_wait_common(t, a, SYS_epoll_pwait);
}

int64_t sys_epoll_pwait2(UserThread *t, const uint64_t *a)
{
    return epoll_wait_common(t, a, SYS_epoll_pwait2);
}

/* ---- sockets with pointers inside structs ---- */

/* struct msghdr is the same on both (LP64): name, namelen, iov, iovlen,
 * control, controllen, flags; its pointers are guest addresses. */
static int64_t msg_common(UserThread *t, const uint64_t *a, bool send)
{
    struct {
        uint64_t name;
        uint32_t namelen, pad;
        uint64_t iov, iovlen, control, controllen;
        int32_t flags, pad2;
    } *g = user_ptr(t, a[1], 56, send ? PROT_READ : PROT_READ | PROT_WRITE);
    if (!g) {
        return -EFAULT;
    }
    struct msghdr h = { 0 };
    long name, control;
    int64_t err = 0;
    if (!host_ptr(t, g->name, g->namelen, &name) ||
        !host_ptr(t, g->control, g->controllen, &control)) {
        return -EFAULT;
    }
    struct iovec *iov = iov_to_host(t, g->iov, g->iovlen, &err);
    if (!iov) {
        return err;
    }
    h.msg_name = (void *)name;
    h.msg_namelen = g->namelen;
    h.msg_iov = iov;
    h.msg_iovlen = g->iovlen;
    h.msg_control = (void *)control;
    h.msg_controllen = g->controllen;
    h.msg_flags = g->flags;
    int64_t ret = send ? host_ret(sendmsg((int)a[0], &h, (int)a[2]))
                       : host_ret(recvmsg((int)a[0], &h, (int)a[2]));
    if (!send && ret >= 0) {
        g->namelen = h.msg_namelen;
        g->controllen = h.msg_controllen;
        g->flags = h.msg_flags;
    }
    free(iov);
    return ret;
}

int64_t sys_sendmsg(UserThread *t, const uint64_t *a)
{
    return msg_common(t, a, true);
}

int64_t sys_recvmsg(UserThread *t, const uint64_t *a)
{
    return msg_common(t, a, false);
}

/* ---- process ---- */

int64_t sys_uname(UserThread *t, const uint64_t *a)
{
    struct utsname *g = user_ptr(t, a[0], sizeof(struct utsname), PROT_WRITE);
    if (!g) {
        return -EFAULT;
    }
    if (uname(g) != 0) {
        return -errno;
    }
    snprintf(g->machine, sizeof(g->machine), "riscv64");
    if (t->proc->opts.uname_release) {
        snprintf(g->release, sizeof(g->release), "%s", t->proc->opts.uname_release);
    }
    return 0;
}

int64_t sys_set_tid_address(UserThread *t, const uint64_t *a)
{
    /* Kept for thread exit, where we clear it and wake its futex ourselves:
     * the host thread's own clear_child_tid belongs to the host's libc. */
    t->clear_child_tid = a[0];
    return syscall(SYS_gettid);
}

int64_t sys_futex(UserThread *t, const uint64_t *a)
{
    int op = (int)a[1];
    long uaddr, arg3 = (long)a[3], uaddr2 = (long)a[4];
    if ((a[0] & 3) != 0) {
        return -EINVAL;
    }
    if (!host_ptr(t, a[0], 4, &uaddr) || !uaddr) {
        return -EFAULT;
    }
    switch (op & FUTEX_CMD_MASK) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
        /* Argument 4 is a timeout pointer. */
        if (!host_ptr(t, a[3], 16, &arg3)) {
            return -EFAULT;
        }
        break;
    case FUTEX_WAIT_REQUEUE_PI:
        if (!host_ptr(t, a[3], 16, &arg3) || !host_ptr(t, a[4], 4, &uaddr2)) {
            return -EFAULT;
        }
        break;
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
    case FUTEX_CMP_REQUEUE_PI:
        /* Argument 4 is val2, argument 5 the second futex. */
        if (!host_ptr(t, a[4], 4, &uaddr2)) {
            return -EFAULT;
        }
        break;
    default:
        break;
    }
    return host_ret(syscall(SYS_futex, uaddr, op, (int)a[2], arg3, uaddr2, (int)a[5]));
}

int64_t sys_prctl(UserThread *t, const uint64_t *a)
{
    long arg2 = (long)a[1];
    switch ((int)a[0]) {
    case 2:     /* PR_GET_PDEATHSIG */
    case 15:    /* PR_SET_NAME */
    case 16:    /* PR_GET_NAME */
        if (!host_ptr(t, a[1], 16, &arg2)) {
            return -EFAULT;
        }
        break;
    case 22:    /* PR_SET_SECCOMP: a filter would bind Morpho, not the guest */
    case 35:    /* PR_SET_MM */
        return -EINVAL;
    case 40:    /* PR_GET_TID_ADDRESS */
        return -ENOSYS;
    }
    return host_ret(syscall(SYS_prctl, (int)a[0], arg2, a[2], a[3], a[4]));
}

static noreturn void exit_common(int status)
{
    FILE *log = log_file();
    if (log) {
        fflush(log);
    }
    fflush(stdout);
    fflush(stderr);
    _exit(status & 0xff);
}

int64_t sys_exit_group(UserThread *t, const uint64_t *a)
{
    exit_common((int)a[0]);
}

int64_t sys_exit(UserThread *t, const uint64_t *a)
{
    /* Returns only for the last thread, whose exit ends the process. */
    if (user_syscall_hooks.exit_thread) {
        user_syscall_hooks.exit_thread(t, (int)a[0]);
    }
    exit_common((int)a[0]);
}

/* clone for a new process (fork, vfork): the host's fork.  A vfork
 * (CLONE_VM | CLONE_VFORK) runs as a fork, as in QEMU: the child gets a
 * copy of memory rather than a share, which programs that only exec or
 * _exit in the child cannot tell. */
int64_t sys_clone(UserThread *t, const uint64_t *a)
{
    uint64_t flags = a[0];
    /* riscv64 passes (flags, newsp, ptid, tls, ctid): CLONE_BACKWARDS's
     * order, as glibc's clone.S shows. */
    GuestVaddr newsp = a[1], ptid = a[2], tls = a[3], ctid = a[4];
    const uint64_t fork_ok = CSIGNAL | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID |
                             CLONE_PARENT_SETTID | CLONE_SETTLS | CLONE_VFORK | CLONE_VM;

    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) {
        if (!user_syscall_hooks.clone_thread) {
            return -ENOSYS;
        }
        return user_syscall_hooks.clone_thread(t, flags, newsp, ptid, tls, ctid);
    }
    if (flags & ~fork_ok) {
        log_mask_printf(LOG_UNIMP, "clone: unsupported flags 0x%llx\n",
                        (unsigned long long)flags);
        return -EINVAL;
    }
    /* Our own buffered output must not be written twice. */
    fflush(NULL);
    if (user_syscall_hooks.fork_prepare) {
        user_syscall_hooks.fork_prepare(t);
    }
    pid_t pid = fork();
    int fork_errno = errno;
    if (pid != 0 && user_syscall_hooks.fork_parent) {
        user_syscall_hooks.fork_parent(t);
    }
    if (pid < 0) {
        return -fork_errno;
    }
    if (pid == 0) {
        pid_t tid = (pid_t)syscall(SYS_gettid);
        t->tid = tid;
        if (user_syscall_hooks.fork_child) {
            user_syscall_hooks.fork_child(t, flags, newsp, tls);
        }
        if (flags & CLONE_CHILD_SETTID) {
            int32_t *p = user_ptr(t, ctid, 4, PROT_WRITE);
            if (p) {
                *p = tid;
            }
        }
        t->clear_child_tid = flags & CLONE_CHILD_CLEARTID ? ctid : 0;
        return 0;
    }
    if (flags & CLONE_PARENT_SETTID) {
        int32_t *p = user_ptr(t, ptid, 4, PROT_WRITE);
        if (p) {
            *p = pid;
        }
    }
    return pid;
}

/* Copy a guest NULL-terminated pointer array of strings. */
static char **user_strv(UserThread *t, GuestVaddr addr, int64_t *err)
{
    size_t n = 0, cap = 16;
    char **v = calloc(cap, sizeof(char *));
    for (; addr; n++) {
        const uint64_t *p = user_ptr(t, addr + n * 8, 8, PROT_READ);
        if (!p) {
            *err = -EFAULT;
            goto fail;
        }
        if (*p == 0) {
            break;
        }
        if (n + 2 > cap) {
            cap *= 2;
            v = realloc(v, cap * sizeof(char *));
        }
        v[n] = user_strdup(t, *p, 128 * 1024);
        v[n + 1] = NULL;
        if (!v[n]) {
            *err = errno == ENAMETOOLONG ? -E2BIG : -EFAULT;
            goto fail;
        }
    }
    v[n] = NULL;
    return v;
fail:
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
    return NULL;
}

static void strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++) {
        free(v[i]);
    }
    free(v);
}

/* The argv that runs a riscv64 program through Morpho again: the same
 * options, then -0 argv[0], the program and its arguments. */
char **syscall_reexec_argv(const UserProcess *p, const char *path, char *const *argv)
{
    size_t nopt = 0, nargs = 0;
    while (p->opts.reexec_args && p->opts.reexec_args[nopt]) {
        nopt++;
    }
    while (argv[nargs]) {
        nargs++;
    }
    char **out = calloc(nopt + nargs + 6, sizeof(char *));
    size_t k = 0;
    out[k++] = "morpho-riscv64";
    for (size_t i = 0; i < nopt; i++) {
        out[k++] = p->opts.reexec_args[i];
    }
    if (nargs) {
        out[k++] = "-0";
        out[k++] = argv[0];
    }
    out[k++] = "--";
    out[k++] = (char *)path;
    for (size_t i = 1; i < nargs; i++) {
        out[k++] = argv[i];
    }
    out[k] = NULL;
    return out;
}

int64_t sys_execve(UserThread *t, const uint64_t *a)
{
    int64_t err = 0;
    char *s = user_strdup(t, a[0], PATH_MAX);
    if (!s) {
        return -errno;
    }
    char **argv = user_strv(t, a[1], &err);
    char **envp = argv ? user_strv(t, a[2], &err) : NULL;
    char exe[8];
    /* /proc/self/exe is the guest program (busybox runs its applets so). */
    char *path = procfs_readlink(t, s, exe, sizeof(exe)) != PROCFS_NOT_OURS
                     ? strdup(t->proc->exe_path)
                     : user_path(t->proc, s);
    int64_t ret;
    if (!argv || !envp) {
        ret = err;
        goto out;
    }
    int fd;
    Error *local = NULL;
    if (access(path, X_OK) != 0) {
        ret = -errno;
        goto out;
    }
    if (elf_check_file(path, &fd, &local)) {
        close(fd);
        char **margv = syscall_reexec_argv(t->proc, path, argv);
        FILE *log = log_file();
        if (log) {
            fflush(log);
        }
        execve("/proc/self/exe", margv, envp);
        ret = -errno;
        free(margv);
    } else {
        /* Not ours (a script, a host binary): the host runs it. */
        error_free(local);
        execve(path, argv, envp);
        ret = -errno;
    }
out:
    free(s);
    free(path);
    strv_free(argv);
    strv_free(envp);
    return ret;
}

/* ---- memory ---- */

int64_t sys_brk(UserThread *t, const uint64_t *a)
{
    return (int64_t)mmap_brk(mem_of(t), a[0]);
}

int64_t sys_mmap(UserThread *t, const uint64_t *a)
{
    return mmap_map(mem_of(t), a[0], a[1], (int)a[2], (int)a[3], (int)a[4], a[5]);
}

int64_t sys_munmap(UserThread *t, const uint64_t *a)
{
    return mmap_unmap(mem_of(t), a[0], a[1]);
}

int64_t sys_mremap(UserThread *t, const uint64_t *a)
{
    return mmap_remap(mem_of(t), a[0], a[1], a[2], (int)a[3], a[4]);
}

int64_t sys_mprotect(UserThread *t, const uint64_t *a)
{
    return mmap_protect(mem_of(t), a[0], a[1], (int)a[2]);
}

/* Range calls that act on host pages: the range must lie in the guest
 * space, or the host would act on its own memory.  The address goes as
 * given so that the host checks its alignment as Linux does. */
static int64_t range_call(UserThread *t, const uint64_t *a, long host_nr, bool third_is_ptr)
{
    UserMem *m = mem_of(t);
    GuestVaddr start = a[0] & ~USER_PAGE_MASK;
    uint64_t len = USER_PAGE_ALIGN(a[1] + (a[0] - start));
    if (start >= m->size || len < a[1] || len > m->size - start) {
        return -ENOMEM;
    }
    long third = (long)a[2];
    if (third_is_ptr && (!host_ptr(t, a[2], len / GUEST_PAGE_SIZE_USER, &third) || !third)) {
        return -EFAULT;
    }
    return host_ret(syscall(host_nr, (long)(uintptr_t)mmap_g2h(m, a[0]), (long)a[1], third));
}

int64_t sys_madvise(UserThread *t, const uint64_t *a)
{
    return range_call(t, a, SYS_madvise, false);
}

int64_t sys_msync(UserThread *t, const uint64_t *a)
{
    return range_call(t, a, SYS_msync, false);
}

int64_t sys_mlock(UserThread *t, const uint64_t *a)
{
    return range_call(t, a, SYS_mlock, false);
}

int64_t sys_munlock(UserThread *t, const uint64_t *a)
{
    return range_call(t, a, SYS_munlock, false);
}

int64_t sys_mincore(UserThread *t, const uint64_t *a)
{
    return range_call(t, a, SYS_mincore, true);
}

int64_t sys_riscv_flush_icache(UserThread *t, const uint64_t *a)
{
    UserMem *m = mem_of(t);
    /* Flags other than SYS_RISCV_FLUSH_ICACHE_LOCAL (1) are invalid. */
    if (a[2] & ~1ull) {
        return -EINVAL;
    }
    if (m->invalidate && a[0] < a[1]) {
        GuestVaddr start = a[0] & ~USER_PAGE_MASK;
        GuestVaddr end = a[1] < m->size ? USER_PAGE_ALIGN(a[1]) : m->size;
        if (start < end) {
            m->invalidate(start, end, m->invalidate_opaque);
        }
    }
    return 0;
}
