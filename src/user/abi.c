/*
 * Conversions between the host's and riscv64's ABI structures (abi.h).
 * Field by field, so padding never leaks host memory to the guest.
 */
#include "user/abi.h"

#include <string.h>

void abi_stat_from_host(RiscvStat *g, const struct stat *h)
{
    memset(g, 0, sizeof(*g));
    g->st_dev = h->st_dev;
    g->st_ino = h->st_ino;
    g->st_mode = h->st_mode;
    g->st_nlink = (uint32_t)h->st_nlink;
    g->st_uid = h->st_uid;
    g->st_gid = h->st_gid;
    g->st_rdev = h->st_rdev;
    g->st_size = h->st_size;
    g->st_blksize = (int32_t)h->st_blksize;
    g->st_blocks = h->st_blocks;
    g->st_atime_sec = h->st_atim.tv_sec;
    g->st_atime_nsec = h->st_atim.tv_nsec;
    g->st_mtime_sec = h->st_mtim.tv_sec;
    g->st_mtime_nsec = h->st_mtim.tv_nsec;
    g->st_ctime_sec = h->st_ctim.tv_sec;
    g->st_ctime_nsec = h->st_ctim.tv_nsec;
}

void abi_epoll_to_host(struct epoll_event *h, const RiscvEpollEvent *g)
{
    h->events = g->events;
    h->data.u64 = g->data;
}

void abi_epoll_from_host(RiscvEpollEvent *g, const struct epoll_event *h)
{
    g->events = h->events;
    g->pad = 0;
    g->data = h->data.u64;
}
