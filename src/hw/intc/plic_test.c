/*
 * The PLIC on a bench (96 sources, two harts = four contexts, fake sinks):
 * priorities, enables and thresholds gating a context's output, claim
 * order by priority then id, completion re-arming a still-high line,
 * completion of a source not enabled for the context ignored, the
 * read-only pending bits, and source 0 hardwired.
 */
#include "hw/intc/plic.h"
#include "util/unittest.h"

static int ctx_level[4];

static void sink(void *opaque, int n, int level)
{
    ctx_level[n] = level;
}

typedef struct Bench {
    PlicState *s;
    IrqLine **out;
} Bench;

static Bench bench_new(void)
{
    Bench b;

    memset(ctx_level, 0, sizeof(ctx_level));
    b.s = PLIC(object_new(TYPE_PLIC));
    CHECK(object_property_set_uint(OBJECT(b.s), "num-harts", 2, NULL));
    CHECK(device_realize(DEVICE(b.s), &error_abort));
    b.out = irq_alloc_array(sink, NULL, 4);
    for (int c = 0; c < 4; c++) {
        device_connect_gpio_out(DEVICE(b.s), c, b.out[c]);
    }
    return b;
}

static void bench_free(Bench b)
{
    object_unref(b.s);
    irq_free_array(b.out, 4);
}

static uint32_t rd(Bench *b, uint64_t addr)
{
    uint64_t v = 0xdead;
    CHECK_INT(memory_region_dispatch_read(&b->s->iomem, addr, &v, 4, MEMTXATTRS_UNSPECIFIED),
              MEMTX_OK);
    return (uint32_t)v;
}

static void wr(Bench *b, uint64_t addr, uint32_t val)
{
    CHECK_INT(memory_region_dispatch_write(&b->s->iomem, addr, val, 4, MEMTXATTRS_UNSPECIFIED),
              MEMTX_OK);
}

static void line(Bench *b, int id, int level)
{
    irq_set_level(device_get_gpio_in(DEVICE(b->s), id), level);
}

#define ENABLE(ctx) (0x2000 + 0x80 * (ctx))
#define THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx) (0x200004 + 0x1000 * (ctx))

UNITTEST(gating_by_priority_enable_threshold)
{
    Bench b = bench_new();

    line(&b, 10, 1);
    CHECK_U64(rd(&b, 0x1000), 1u << 10);   /* pending */
    CHECK_INT(ctx_level[1], 0);            /* priority 0: never */
    wr(&b, 4 * 10, 0xff);
    CHECK_U64(rd(&b, 4 * 10), 7);           /* 3 bits */
    CHECK_INT(ctx_level[1], 0);            /* not enabled */
    wr(&b, ENABLE(1), 1u << 10);
    CHECK_INT(ctx_level[1], 1);            /* hart 0's S context */
    CHECK_INT(ctx_level[0], 0);
    CHECK_INT(ctx_level[3], 0);
    wr(&b, THRESHOLD(1), 7);
    CHECK_INT(ctx_level[1], 0);            /* priority must exceed threshold */
    wr(&b, THRESHOLD(1), 6);
    CHECK_INT(ctx_level[1], 1);
    line(&b, 10, 0);                        /* unclaimed: pending follows the line */
    CHECK_INT(ctx_level[1], 0);
    CHECK_U64(rd(&b, 0x1000), 0);
    bench_free(b);
}

UNITTEST(claim_and_complete)
{
    Bench b = bench_new();

    wr(&b, 4 * 1, 1);
    wr(&b, 4 * 8, 5);
    wr(&b, 4 * 3, 5);
    wr(&b, ENABLE(0), (1u << 1) | (1u << 3) | (1u << 8));
    line(&b, 1, 1);
    line(&b, 8, 1);
    line(&b, 3, 1);
    CHECK_INT(ctx_level[0], 1);
    /* Highest priority first; equal priorities by lowest id. */
    CHECK_U64(rd(&b, CLAIM(0)), 3);
    CHECK_U64(rd(&b, CLAIM(0)), 8);
    CHECK_U64(rd(&b, CLAIM(0)), 1);
    CHECK_INT(ctx_level[0], 0);            /* all claimed */
    CHECK_U64(rd(&b, CLAIM(0)), 0);
    CHECK_U64(rd(&b, 0x1000), 0);

    /* Completing a still-asserted source makes it pending again. */
    line(&b, 8, 0);
    wr(&b, CLAIM(0), 3);
    CHECK_INT(ctx_level[0], 1);
    CHECK_U64(rd(&b, 0x1000), 1u << 3);
    wr(&b, CLAIM(0), 8);                   /* line low now: stays quiet */
    CHECK_U64(rd(&b, 0x1000), 1u << 3);
    CHECK_U64(rd(&b, CLAIM(0)), 3);

    /* A completion for a source this context has not enabled is ignored. */
    wr(&b, CLAIM(2), 1);
    CHECK_U64(rd(&b, 0x1000), 0);          /* 1 still claimed */
    wr(&b, CLAIM(0), 1);
    CHECK_U64(rd(&b, 0x1000), 1u << 1);
    bench_free(b);
}

UNITTEST(source_zero_and_read_only_pending)
{
    Bench b = bench_new();

    wr(&b, 0, 7);
    CHECK_U64(rd(&b, 0), 0);
    wr(&b, ENABLE(0), 0xffffffff);
    CHECK_U64(rd(&b, ENABLE(0)), 0xfffffffe);
    wr(&b, ENABLE(0) + 8, 0xffffffff);     /* sources 64..95 exist */
    CHECK_U64(rd(&b, ENABLE(0) + 8), 0xffffffff);
    wr(&b, 0x1000, 0xffffffff);
    CHECK_U64(rd(&b, 0x1000), 0);
    /* Contexts past the last hart read 0. */
    CHECK_U64(rd(&b, THRESHOLD(4)), 0);
    bench_free(b);
}
