/*
 * riscv64 Linux's user ABI where it differs from the x86-64 host's, and
 * the conversions between them.  riscv64 uses the asm-generic structures:
 * most (timespec, rlimit, rusage, sysinfo, termios, dirent64, statx, flock,
 * sockaddr, msghdr, pollfd, fd_set, sigset_t) are bit-for-bit x86-64's and
 * pass through; these are not:
 *   - struct stat: asm-generic's 128-byte layout (x86-64 has its own);
 *   - struct epoll_event: x86-64 packs it to 12 bytes, riscv64 does not (16);
 *   - struct sigaction: riscv64 has no sa_restorer;
 *   - utsname.machine: "riscv64".
 * Open flags, errno values, ioctl and socket numbers are the asm-generic
 * ones on both sides (x86-64 does not override them), so they pass as is.
 */
#ifndef USER_ABI_H
#define USER_ABI_H

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/stat.h>

/* include/uapi/asm-generic/stat.h, 64-bit. */
typedef struct RiscvStat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint64_t pad1;
    int64_t st_size;
    int32_t st_blksize;
    int32_t pad2;
    int64_t st_blocks;
    int64_t st_atime_sec;
    uint64_t st_atime_nsec;
    int64_t st_mtime_sec;
    uint64_t st_mtime_nsec;
    int64_t st_ctime_sec;
    uint64_t st_ctime_nsec;
    uint32_t unused4;
    uint32_t unused5;
} RiscvStat;

_Static_assert(sizeof(RiscvStat) == 128, "asm-generic struct stat is 128 bytes");

/* include/uapi/linux/eventpoll.h without __EPOLL_PACKED. */
typedef struct RiscvEpollEvent {
    uint32_t events;
    uint32_t pad;
    uint64_t data;
} RiscvEpollEvent;

/* arch/riscv: struct sigaction as the kernel reads it (no sa_restorer). */
typedef struct RiscvSigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t mask;
} RiscvSigaction;

void abi_stat_from_host(RiscvStat *g, const struct stat *h);
void abi_epoll_to_host(struct epoll_event *h, const RiscvEpollEvent *g);
void abi_epoll_from_host(RiscvEpollEvent *g, const struct epoll_event *h);

#endif
