/*
 * Tests of the riscv64 ABI structures: offsets as riscv64-linux-gnu-gcc
 * lays out asm-generic's struct stat and the unpacked epoll_event, and
 * conversions that copy every field (nanoseconds included) and no padding.
 */
#include "user/abi.h"

#include <stddef.h>
#include <string.h>

#include "util/unittest.h"

UNITTEST(stat_layout_is_asm_generic)
{
    /* Offsets printed by a riscv64 program with offsetof(struct stat, ...). */
    CHECK_INT(sizeof(RiscvStat), 128);
    CHECK_INT(offsetof(RiscvStat, st_mode), 16);
    CHECK_INT(offsetof(RiscvStat, st_rdev), 32);
    CHECK_INT(offsetof(RiscvStat, st_size), 48);
    CHECK_INT(offsetof(RiscvStat, st_blksize), 56);
    CHECK_INT(offsetof(RiscvStat, st_blocks), 64);
    CHECK_INT(offsetof(RiscvStat, st_mtime_sec), 88);
    CHECK_INT(offsetof(RiscvStat, st_ctime_nsec), 112);
    /* x86-64's own layout is different: the conversion is not a memcpy. */
    CHECK(offsetof(struct stat, st_size) != offsetof(RiscvStat, st_size) ||
          sizeof(struct stat) != sizeof(RiscvStat));
}

UNITTEST(stat_conversion_copies_every_field)
{
    struct stat h;
    memset(&h, 0, sizeof(h));
    h.st_dev = 0x801;
    h.st_ino = 0x123456789abcull;
    h.st_mode = 0100644;
    h.st_nlink = 3;
    h.st_uid = 1000;
    h.st_gid = 100;
    h.st_rdev = 0x0501;
    h.st_size = 0x100000001ll;
    h.st_blksize = 4096;
    h.st_blocks = 16;
    h.st_atim.tv_sec = 1;
    h.st_atim.tv_nsec = 2;
    h.st_mtim.tv_sec = 3;
    h.st_mtim.tv_nsec = 999999999;
    h.st_ctim.tv_sec = 5;
    h.st_ctim.tv_nsec = 6;
    RiscvStat g;
    memset(&g, 0xaa, sizeof(g));
    abi_stat_from_host(&g, &h);
    CHECK_U64(g.st_dev, 0x801);
    CHECK_U64(g.st_ino, 0x123456789abcull);
    CHECK_INT(g.st_mode, 0100644);
    CHECK_INT(g.st_nlink, 3);
    CHECK_INT(g.st_uid, 1000);
    CHECK_INT(g.st_gid, 100);
    CHECK_U64(g.st_rdev, 0x0501);
    CHECK_U64(g.st_size, 0x100000001ll);
    CHECK_INT(g.st_blksize, 4096);
    CHECK_INT(g.st_blocks, 16);
    CHECK_INT(g.st_atime_sec, 1);
    CHECK_INT(g.st_atime_nsec, 2);
    CHECK_INT(g.st_mtime_sec, 3);
    CHECK_INT(g.st_mtime_nsec, 999999999);
    CHECK_INT(g.st_ctime_sec, 5);
    CHECK_INT(g.st_ctime_nsec, 6);
    CHECK_U64(g.pad1, 0);
    CHECK_INT(g.pad2, 0);
    CHECK_INT(g.unused4, 0);
    CHECK_INT(g.unused5, 0);
}

UNITTEST(epoll_event_is_unpacked_on_riscv64)
{
    CHECK_INT(sizeof(RiscvEpollEvent), 16);
    CHECK_INT(offsetof(RiscvEpollEvent, data), 8);
    CHECK_INT(sizeof(struct epoll_event), 12);     /* x86-64 packs it */
    RiscvEpollEvent g = { .events = EPOLLIN | EPOLLET, .pad = 0x5555,
                          .data = 0x0102030405060708ull };
    struct epoll_event h;
    abi_epoll_to_host(&h, &g);
    CHECK_INT(h.events, EPOLLIN | EPOLLET);
    CHECK_U64(h.data.u64, 0x0102030405060708ull);
    RiscvEpollEvent back;
    memset(&back, 0xff, sizeof(back));
    abi_epoll_from_host(&back, &h);
    CHECK_INT(back.events, EPOLLIN | EPOLLET);
    CHECK_INT(back.pad, 0);
    CHECK_U64(back.data, 0x0102030405060708ull);
}
