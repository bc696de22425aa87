/*
 * The ACLINT on a bench with two harts and fake interrupt sinks: msip bits,
 * mtime frozen with the virtual clock and shifted by writes, MTIP as the
 * level mtime >= mtimecmp (both halves writable), the deadline timer
 * raising MTIP once guest time gets there, and bad accesses.
 */
#include "hw/intc/aclint.h"
#include "util/unittest.h"

#include <time.h>

static int levels[2][2];    /* [msip/mtip][hart] */

static void sink(void *opaque, int n, int level)
{
    levels[(intptr_t)opaque][n] = level;
}

typedef struct Bench {
    AclintState *s;
    IrqLine **msip, **mtip;
} Bench;

static Bench bench_new(void)
{
    Bench b;

    memset(levels, 0, sizeof(levels));
    clock_virtual_stop();
    b.s = ACLINT(object_new(TYPE_ACLINT));
    CHECK(object_property_set_uint(OBJECT(b.s), "num-harts", 2, NULL));
    CHECK(device_realize(DEVICE(b.s), &error_abort));
    b.msip = irq_alloc_array(sink, (void *)0, 2);
    b.mtip = irq_alloc_array(sink, (void *)1, 2);
    for (int h = 0; h < 2; h++) {
        device_connect_gpio_out_named(DEVICE(b.s), "msip", h, b.msip[h]);
        device_connect_gpio_out_named(DEVICE(b.s), "mtip", h, b.mtip[h]);
    }
    return b;
}

static void bench_free(Bench b)
{
    object_unref(b.s);
    irq_free_array(b.msip, 2);
    irq_free_array(b.mtip, 2);
}

static uint64_t rd(Bench *b, uint64_t addr, unsigned size)
{
    uint64_t v = 0xdead;
    CHECK_INT(memory_region_dispatch_read(&b->s->iomem, addr, &v, size,
                                          MEMTXATTRS_UNSPECIFIED), MEMTX_OK);
    return v;
}

static void wr(Bench *b, uint64_t addr, uint64_t val, unsigned size)
{
    CHECK_INT(memory_region_dispatch_write(&b->s->iomem, addr, val, size,
                                           MEMTXATTRS_UNSPECIFIED), MEMTX_OK);
}

UNITTEST(msip)
{
    Bench b = bench_new();

    wr(&b, 4, 0xffffffff, 4);
    CHECK_INT(levels[0][1], 1);
    CHECK_INT(levels[0][0], 0);
    CHECK_U64(rd(&b, 4, 4), 1);            /* only bit 0 sticks */
    wr(&b, 4, 2, 4);
    CHECK_INT(levels[0][1], 0);
    CHECK_U64(rd(&b, 8, 4), 0);            /* no hart 2 */
    bench_free(b);
}

UNITTEST(mtime_and_mtimecmp)
{
    Bench b = bench_new();

    /* Reset: mtimecmp all ones, no MTIP. */
    CHECK_U64(rd(&b, 0x4000, 8), UINT64_MAX);
    CHECK_INT(levels[1][0], 0);
    /* The virtual clock is stopped: mtime holds still. */
    uint64_t t = rd(&b, 0xbff8, 8);
    CHECK_U64(rd(&b, 0xbff8, 8), t);
    /* Writing mtime shifts it; the 32-bit halves read back. */
    wr(&b, 0xbff8, 0x100000000ULL + 50, 8);
    CHECK_U64(rd(&b, 0xbff8, 8), 0x100000000ULL + 50);
    CHECK_U64(rd(&b, 0xbffc, 4), 1);
    CHECK_U64(rd(&b, 0xbff8, 4), 50);
    CHECK_U64(aclint_rdtime(b.s), 0x100000000ULL + 50);

    /* mtimecmp in the past raises MTIP, in the future lowers it. */
    wr(&b, 0x4008, 0x100000000ULL + 10, 8);
    CHECK_INT(levels[1][1], 1);
    CHECK_INT(levels[1][0], 0);
    wr(&b, 0x400c, 2, 4);                  /* high half only */
    CHECK_U64(rd(&b, 0x4008, 8), 0x200000000ULL + 10);
    CHECK_INT(levels[1][1], 0);
    /* Moving mtime past it raises it again. */
    wr(&b, 0xbffc, 3, 4);
    CHECK_INT(levels[1][1], 1);
    bench_free(b);
}

UNITTEST(deadline_timer_fires_in_guest_time)
{
    Bench b = bench_new();

    wr(&b, 0xbff8, 1000, 8);
    wr(&b, 0x4000, 1000 + 5, 8);           /* 500 ns from now at 10 MHz */
    CHECK_INT(levels[1][0], 0);
    CHECK(!timers_run_expired());           /* stopped clock: nothing due */
    clock_virtual_start();
    struct timespec ts = { 0, 2 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    CHECK(timers_run_expired());
    clock_virtual_stop();
    CHECK_INT(levels[1][0], 1);
    CHECK(rd(&b, 0xbff8, 8) >= 1005);
    bench_free(b);
}

UNITTEST(bad_accesses)
{
    Bench b = bench_new();
    uint64_t v;

    /* Byte accesses are refused by the bus; stray offsets read 0. */
    CHECK(memory_region_dispatch_read(&b.s->iomem, 0, &v, 1, MEMTXATTRS_UNSPECIFIED) !=
          MEMTX_OK);
    CHECK_U64(rd(&b, 0x4000 + 8 * 5, 8), 0);
    wr(&b, 0x4000 + 8 * 5, 1, 8);
    bench_free(b);
}

UNITTEST(realize_refuses_bad_config)
{
    Object *o = object_new(TYPE_ACLINT);
    Error *err = NULL;
    CHECK(object_property_set_uint(o, "num-harts", 0, NULL));
    CHECK(!device_realize(DEVICE(o), &err));
    CHECK(err != NULL);
    error_free(err);
    object_unref(o);
}
