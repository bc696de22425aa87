/*
 * Tests of the syscall layer without a CPU: calls go through
 * syscall_dispatch with riscv64 numbers and guest addresses, as the CPU
 * loop will make them, and the results are read back from guest memory in
 * riscv64's layouts (struct stat, epoll_event), with Linux's errno values.
 */
#include "user/syscall_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "user/abi.h"
#include "user/signal.h"
#include "util/log.h"
#include "util/unittest.h"

enum {
    NR_eventfd2 = 19, NR_epoll_create1 = 20, NR_epoll_ctl = 21, NR_epoll_pwait = 22,
    NR_ioctl = 29, NR_openat = 56, NR_close = 57, NR_pipe2 = 59, NR_read = 63, NR_write = 64,
    NR_readv = 65, NR_writev = 66, NR_readlinkat = 78, NR_newfstatat = 79, NR_fstat = 80,
    NR_exit = 93, NR_futex = 98, NR_rt_sigaction = 134, NR_rt_sigprocmask = 135,
    NR_uname = 160, NR_getpid = 172, NR_brk = 214, NR_munmap = 215, NR_clone = 220,
    NR_mmap = 222, NR_madvise = 233, NR_wait4 = 260, NR_rseq = 293, NR_clock_gettime = 113,
};

static UserProcess proc;
static UserThread thread;
static GuestVaddr scratch;      /* 64 KiB of guest RW memory */

static void setup(const char *ld_prefix)
{
    memset(&proc, 0, sizeof(proc));
    memset(&thread, 0, sizeof(thread));
    CHECK(mmap_init(&proc.mem, USER_SPACE_SIZE_DEFAULT, &error_abort));
    proc.opts.ld_prefix = ld_prefix;
    thread.proc = &proc;
    scratch = mmap_map(&proc.mem, 0x100000, 0x10000, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK_U64(scratch, 0x100000);
}

static void teardown(void)
{
    mmap_destroy(&proc.mem);
}

static int64_t sc(int64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                  uint64_t a5)
{
    const uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };
    return syscall_dispatch(&thread, nr, a);
}

/* Put a string at a guest address; returns the address. */
static GuestVaddr gstr(GuestVaddr at, const char *s)
{
    strcpy(mmap_g2h(&proc.mem, at), s);
    return at;
}

static void *gptr(GuestVaddr at)
{
    return mmap_g2h(&proc.mem, at);
}

UNITTEST(files_and_stat_layout)
{
    setup(NULL);
    char path[] = "/tmp/morpho-sc-XXXXXX";
    int hfd = mkstemp(path);
    CHECK_INT(write(hfd, "hello riscv\n", 12), 12);
    close(hfd);

    GuestVaddr p = gstr(scratch, path);
    int64_t fd = sc(NR_openat, (uint64_t)AT_FDCWD, p, O_RDONLY, 0, 0, 0);
    CHECK(fd >= 0);
    CHECK_INT(sc(NR_read, fd, scratch + 0x1000, 5, 0, 0, 0), 5);
    CHECK(memcmp(gptr(scratch + 0x1000), "hello", 5) == 0);
    CHECK_INT(sc(NR_fstat, fd, scratch + 0x2000, 0, 0, 0, 0), 0);
    const RiscvStat *st = gptr(scratch + 0x2000);
    CHECK_INT(st->st_size, 12);
    CHECK(S_ISREG(st->st_mode));
    CHECK_INT(st->st_uid, getuid());
    /* newfstatat gives the same, by path. */
    memset(gptr(scratch + 0x3000), 0xff, sizeof(RiscvStat));
    CHECK_INT(sc(NR_newfstatat, (uint64_t)AT_FDCWD, p, scratch + 0x3000, 0, 0, 0), 0);
    CHECK_INT(((RiscvStat *)gptr(scratch + 0x3000))->st_size, 12);
    CHECK_U64(((RiscvStat *)gptr(scratch + 0x3000))->st_ino, st->st_ino);
    CHECK_INT(((RiscvStat *)gptr(scratch + 0x3000))->unused4, 0);
    CHECK_INT(sc(NR_close, fd, 0, 0, 0, 0, 0), 0);
    unlink(path);
    teardown();
}

UNITTEST(errno_values)
{
    setup(NULL);
    GuestVaddr p = gstr(scratch, "/nonexistent/file");
    CHECK_INT(sc(NR_openat, (uint64_t)AT_FDCWD, p, O_RDONLY, 0, 0, 0), -ENOENT);
    CHECK_INT(sc(NR_close, 9999, 0, 0, 0, 0, 0), -EBADF);
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK_INT(write(fds[1], "abc", 3), 3);
    /* Into an unmapped guest page: the host kernel faults on PROT_NONE. */
    CHECK_INT(sc(NR_read, fds[0], 0x900000, 3, 0, 0, 0), -EFAULT);
    /* Beyond the guest space: refused before the host sees it. */
    CHECK_INT(sc(NR_read, fds[0], USER_SPACE_SIZE_DEFAULT - 1, 3, 0, 0, 0), -EFAULT);
    CHECK_INT(sc(NR_read, fds[0], scratch, 3, 0, 0, 0), 3);
    close(fds[0]);
    close(fds[1]);
    CHECK_INT(sc(1000, 0, 0, 0, 0, 0, 0), -ENOSYS);
    CHECK_INT(sc(NR_rseq, 0, 0, 0, 0, 0, 0), -ENOSYS);
    CHECK_INT(sc(NR_ioctl, 0, 0xdead, 0, 0, 0, 0), -ENOTTY);
    CHECK_INT(sc(NR_futex, scratch + 1, 1, 1, 0, 0, 0), -EINVAL);
    CHECK_INT(sc(NR_futex, scratch, 1 /* FUTEX_WAKE */, 1, 0, 0, 0), 0);
    CHECK_INT(sc(NR_madvise, USER_SPACE_SIZE_DEFAULT - 0x1000, 0x2000, MADV_DONTNEED, 0, 0, 0),
              -ENOMEM);
    CHECK_INT(sc(NR_getpid, 0, 0, 0, 0, 0, 0), getpid());
    teardown();
}

UNITTEST(proc_views)
{
    setup(NULL);
    proc.exe_path = "/opt/guest/prog";
    int64_t fd = sc(NR_openat, (uint64_t)AT_FDCWD, gstr(scratch, "/proc/self/maps"), O_RDONLY,
                    0, 0, 0);
    CHECK(fd >= 0);
    int64_t n = sc(NR_read, fd, scratch + 0x1000, 0x1000, 0, 0, 0);
    CHECK(n > 0);
    CHECK(strncmp(gptr(scratch + 0x1000), "00100000-00110000 rw-p 00000000 00:00 0", 39) == 0);
    sc(NR_close, fd, 0, 0, 0, 0, 0);

    fd = sc(NR_openat, (uint64_t)AT_FDCWD, gstr(scratch, "/proc/cpuinfo"), O_RDONLY, 0, 0, 0);
    CHECK(fd >= 0);
    memset(gptr(scratch + 0x1000), 0, 0x1000);
    CHECK(sc(NR_read, fd, scratch + 0x1000, 0xfff, 0, 0, 0) > 0);
    CHECK(strstr(gptr(scratch + 0x1000), "isa\t\t: rv64imafdc") != NULL);
    CHECK(strstr(gptr(scratch + 0x1000), "mmu\t\t: sv39") != NULL);
    sc(NR_close, fd, 0, 0, 0, 0, 0);

    CHECK_INT(sc(NR_readlinkat, (uint64_t)AT_FDCWD, gstr(scratch, "/proc/self/exe"),
                 scratch + 0x1000, 100, 0, 0), 15);
    CHECK(memcmp(gptr(scratch + 0x1000), "/opt/guest/prog", 15) == 0);
    CHECK_INT(sc(NR_readlinkat, (uint64_t)AT_FDCWD, gstr(scratch, "/proc/self/exe"),
                 scratch + 0x1000, 4, 0, 0), 4);
    teardown();
}

UNITTEST(ld_prefix_paths)
{
    char dir[] = "/tmp/morpho-prefix-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char sub[128], file[160];
    snprintf(sub, sizeof(sub), "%s/etc", dir);
    mkdir(sub, 0755);
    snprintf(file, sizeof(file), "%s/etc/morpho-only-here", dir);
    FILE *f = fopen(file, "w");
    fputs("prefixed", f);
    fclose(f);

    setup(dir);
    /* Found under the prefix. */
    int64_t fd = sc(NR_openat, (uint64_t)AT_FDCWD, gstr(scratch, "/etc/morpho-only-here"),
                    O_RDONLY, 0, 0, 0);
    CHECK(fd >= 0);
    CHECK_INT(sc(NR_read, fd, scratch + 0x1000, 8, 0, 0, 0), 8);
    CHECK(memcmp(gptr(scratch + 0x1000), "prefixed", 8) == 0);
    sc(NR_close, fd, 0, 0, 0, 0, 0);
    /* Not under the prefix: the host's own file. */
    fd = sc(NR_openat, (uint64_t)AT_FDCWD, gstr(scratch, "/proc/version"), O_RDONLY, 0, 0, 0);
    CHECK(fd >= 0);
    sc(NR_close, fd, 0, 0, 0, 0, 0);
    teardown();
    unlink(file);
    rmdir(sub);
    rmdir(dir);
}

UNITTEST(uname_says_riscv64)
{
    setup(NULL);
    proc.opts.uname_release = "6.1.0-morpho";
    CHECK_INT(sc(NR_uname, scratch, 0, 0, 0, 0, 0), 0);
    /* struct utsname: six fields of 65 bytes; machine is the fifth. */
    CHECK_STR((char *)gptr(scratch + 4 * 65), "riscv64");
    CHECK_STR((char *)gptr(scratch + 2 * 65), "6.1.0-morpho");
    teardown();
}

UNITTEST(epoll_event_layout)
{
    setup(NULL);
    int64_t efd = sc(NR_eventfd2, 1, 0, 0, 0, 0, 0);
    int64_t ep = sc(NR_epoll_create1, 0, 0, 0, 0, 0, 0);
    CHECK(efd >= 0 && ep >= 0);
    RiscvEpollEvent *ev = gptr(scratch);
    ev->events = EPOLLIN;
    ev->pad = 0;
    ev->data = 0x1122334455667788ull;
    CHECK_INT(sc(NR_epoll_ctl, ep, EPOLL_CTL_ADD, efd, scratch, 0, 0), 0);
    memset(gptr(scratch + 0x100), 0xee, 64);
    CHECK_INT(sc(NR_epoll_pwait, ep, scratch + 0x100, 4, 0, 0, 8), 1);
    const RiscvEpollEvent *out = gptr(scratch + 0x100);
    CHECK_INT(out[0].events, EPOLLIN);
    CHECK_INT(out[0].pad, 0);
    CHECK_U64(out[0].data, 0x1122334455667788ull);
    CHECK_INT(sc(NR_epoll_pwait, ep, scratch + 0x100, 0, 0, 0, 8), -EINVAL);
    sc(NR_close, efd, 0, 0, 0, 0, 0);
    sc(NR_close, ep, 0, 0, 0, 0, 0);
    teardown();
}

UNITTEST(pipes_and_vectors)
{
    setup(NULL);
    CHECK_INT(sc(NR_pipe2, scratch, O_CLOEXEC, 0, 0, 0, 0), 0);
    int32_t *fds = gptr(scratch);
    uint64_t *iov = gptr(scratch + 0x100);
    iov[0] = gstr(scratch + 0x200, "abc");
    iov[1] = 3;
    iov[2] = gstr(scratch + 0x300, "defg");
    iov[3] = 4;
    CHECK_INT(sc(NR_writev, fds[1], scratch + 0x100, 2, 0, 0, 0), 7);
    iov[0] = scratch + 0x400;
    iov[1] = 2;
    iov[2] = scratch + 0x500;
    iov[3] = 10;
    CHECK_INT(sc(NR_readv, fds[0], scratch + 0x100, 2, 0, 0, 0), 7);
    CHECK(memcmp(gptr(scratch + 0x400), "ab", 2) == 0);
    CHECK(memcmp(gptr(scratch + 0x500), "cdefg", 5) == 0);
    /* An iovec pointing outside the guest. */
    iov[0] = USER_SPACE_SIZE_DEFAULT + 0x1000;
    CHECK_INT(sc(NR_readv, fds[0], scratch + 0x100, 1, 0, 0, 0), -EFAULT);
    sc(NR_close, fds[0], 0, 0, 0, 0, 0);
    sc(NR_close, fds[1], 0, 0, 0, 0, 0);
    teardown();
}

UNITTEST(memory_calls)
{
    setup(NULL);
    mmap_brk_init(&proc.mem, 0x200000);
    CHECK_U64(sc(NR_brk, 0, 0, 0, 0, 0, 0), 0x200000);
    CHECK_U64(sc(NR_brk, 0x201000, 0, 0, 0, 0, 0), 0x201000);
    int64_t a = sc(NR_mmap, 0, 0x3000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   (uint64_t)-1, 0);
    CHECK(a > 0 && (a & 0xfff) == 0);
    CHECK_INT(sc(NR_munmap, a, 0x3000, 0, 0, 0, 0), 0);
    CHECK_INT(sc(NR_mmap, 0, 0x1000, PROT_READ, MAP_PRIVATE, 9999, 0), -EBADF);
    teardown();
}

UNITTEST(signal_state)
{
    setup(NULL);
    RiscvSigaction *act = gptr(scratch);
    act->handler = 0x10000;
    act->flags = SA_RESTART;
    act->mask = USER_SIG_BIT(SIGUSR2) | USER_SIG_BIT(SIGKILL);
    CHECK_INT(sc(NR_rt_sigaction, SIGUSR1, scratch, 0, 8, 0, 0), 0);
    CHECK_INT(sc(NR_rt_sigaction, SIGUSR1, 0, scratch + 0x100, 8, 0, 0), 0);
    const RiscvSigaction *old = gptr(scratch + 0x100);
    CHECK_U64(old->handler, 0x10000);
    CHECK_U64(old->mask, USER_SIG_BIT(SIGUSR2));   /* SIGKILL cannot be blocked */
    CHECK_INT(sc(NR_rt_sigaction, SIGKILL, scratch, 0, 8, 0, 0), -EINVAL);
    CHECK_INT(sc(NR_rt_sigaction, SIGUSR1, scratch, 0, 4, 0, 0), -EINVAL);
    CHECK_INT(sc(NR_rt_sigaction, 65, scratch, 0, 8, 0, 0), -EINVAL);
    /* Back to SIG_DFL so the host is as before. */
    act->handler = 0;
    CHECK_INT(sc(NR_rt_sigaction, SIGUSR1, scratch, 0, 8, 0, 0), 0);

    uint64_t *set = gptr(scratch + 0x200);
    *set = USER_SIG_BIT(SIGUSR2) | USER_SIG_BIT(SIGSTOP);
    CHECK_INT(sc(NR_rt_sigprocmask, 0 /* SIG_BLOCK */, scratch + 0x200, 0, 8, 0, 0), 0);
    CHECK_U64(thread.sigmask, USER_SIG_BIT(SIGUSR2));
    sigset_t host;
    pthread_sigmask(SIG_SETMASK, NULL, &host);
    CHECK_INT(sigismember(&host, SIGUSR2), 1);
    CHECK_INT(sc(NR_rt_sigprocmask, 2 /* SIG_SETMASK */, 0, scratch + 0x208, 8, 0, 0), 0);
    CHECK_U64(*(uint64_t *)gptr(scratch + 0x208), USER_SIG_BIT(SIGUSR2));
    *set = 0;
    CHECK_INT(sc(NR_rt_sigprocmask, 2, scratch + 0x200, 0, 8, 0, 0), 0);
    pthread_sigmask(SIG_SETMASK, NULL, &host);
    CHECK_INT(sigismember(&host, SIGUSR2), 0);
    CHECK_INT(sc(NR_rt_sigprocmask, 7, scratch + 0x200, 0, 8, 0, 0), -EINVAL);
    teardown();
}

UNITTEST(fork_and_wait)
{
    setup(NULL);
    int64_t pid = sc(NR_clone, SIGCHLD, 0, 0, 0, 0, 0);
    if (pid == 0) {
        sc(NR_exit, 7, 0, 0, 0, 0, 0);
    }
    CHECK(pid > 0);
    CHECK_INT(sc(NR_wait4, pid, scratch, 0, 0, 0, 0), pid);
    int status = *(int32_t *)gptr(scratch);
    CHECK(WIFEXITED(status));
    CHECK_INT(WEXITSTATUS(status), 7);
    /* A thread needs the CPU loop's hook. */
    CHECK_INT(sc(NR_clone, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, scratch, 0, 0, 0, 0),
              -ENOSYS);
    teardown();
}

UNITTEST(reexec_argv)
{
    UserProcess p = { 0 };
    char *opts[] = { "-L", "/sysroot", "-strace", NULL };
    p.opts.reexec_args = opts;
    char *argv[] = { "ls", "-l", NULL };
    char **v = syscall_reexec_argv(&p, "/bin/ls", argv);
    const char *want[] = { "morpho-riscv64", "-L", "/sysroot", "-strace", "-0", "ls", "--",
                           "/bin/ls", "-l", NULL };
    for (int i = 0; want[i]; i++) {
        CHECK_STR(v[i], want[i]);
    }
    CHECK(v[9] == NULL);
    free(v);
}

UNITTEST(strace_lines)
{
    setup(NULL);
    char path[] = "/tmp/morpho-strace-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    CHECK(log_set_file(path));
    uint32_t saved = log_mask;
    log_mask |= LOG_STRACE;
    sc(NR_openat, (uint64_t)AT_FDCWD, gstr(scratch, "/nonexistent"), O_RDONLY, 0, 0, 0);
    sc(NR_clock_gettime, 1, scratch, 0, 0, 0, 0);
    sc(999, 1, 2, 3, 0, 0, 0);
    log_mask = saved;
    log_set_file(NULL);
    FILE *f = fopen(path, "r");
    char text[1024] = "";
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    char want[512];
    snprintf(want, sizeof(want),
             "%d openat(AT_FDCWD,\"/nonexistent\",0x0,00) = -1 errno=2 (No such file or directory)\n"
             "%d clock_gettime(1,0x100000) = 0\n"
             "%d Unknown syscall 999 = -1 errno=38 (Function not implemented)\n",
             (int)getpid(), (int)getpid(), (int)getpid());
    CHECK_STR(text, want);
    teardown();
}
