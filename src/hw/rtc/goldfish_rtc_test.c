/*
 * The Goldfish RTC on a bench: the count tracks the host's wall clock,
 * TIME_HIGH latched by TIME_LOW, setting the time, an alarm in the past
 * firing at once, one in the future firing from the timer, enable and
 * clear of the interrupt, and clearing a running alarm.
 */
#include "hw/rtc/goldfish_rtc.h"
#include "util/unittest.h"

#include <time.h>

static int level;

static void sink(void *opaque, int n, int l)
{
    level = l;
}

static GoldfishRtcState *bench_new(IrqLine **irq)
{
    GoldfishRtcState *s = GOLDFISH_RTC(object_new(TYPE_GOLDFISH_RTC));

    level = 0;
    *irq = irq_new(sink, NULL, 0);
    device_connect_gpio_out(DEVICE(s), 0, *irq);
    CHECK(device_realize(DEVICE(s), &error_abort));
    return s;
}

static uint32_t rd(GoldfishRtcState *s, uint64_t addr)
{
    uint64_t v = 0;
    CHECK_INT(memory_region_dispatch_read(&s->iomem, addr, &v, 4, MEMTXATTRS_UNSPECIFIED),
              MEMTX_OK);
    return (uint32_t)v;
}

static void wr(GoldfishRtcState *s, uint64_t addr, uint32_t val)
{
    CHECK_INT(memory_region_dispatch_write(&s->iomem, addr, val, 4, MEMTXATTRS_UNSPECIFIED),
              MEMTX_OK);
}

static uint64_t read_time(GoldfishRtcState *s)
{
    uint32_t lo = rd(s, 0x00);
    return (uint64_t)rd(s, 0x04) << 32 | lo;
}

UNITTEST(time_follows_the_host_clock)
{
    IrqLine *irq;
    GoldfishRtcState *s = bench_new(&irq);
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t host = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
    uint64_t t = read_time(s);
    CHECK(t >= host - 1000000000ULL && t <= host + 1000000000ULL);

    /* Set the time to 2000-01-01 (946684800 s): high then low, as Linux. */
    uint64_t y2k = 946684800ULL * 1000000000ULL;
    wr(s, 0x04, (uint32_t)(y2k >> 32));
    wr(s, 0x00, (uint32_t)y2k);
    t = read_time(s);
    CHECK(t >= y2k && t < y2k + 1000000000ULL);
    object_unref(s);
    object_unref(irq);
}

UNITTEST(alarms)
{
    IrqLine *irq;
    GoldfishRtcState *s = bench_new(&irq);

    wr(s, 0x10, 1);
    /* An alarm in the past fires at once. */
    wr(s, 0x0c, 0);
    wr(s, 0x08, 1);
    CHECK_INT(level, 1);
    CHECK_U64(rd(s, 0x18), 0);
    wr(s, 0x1c, 1);
    CHECK_INT(level, 0);

    /* One 1 ms ahead fires from the timer. */
    uint64_t at = goldfish_rtc_now(s) + 1000000;
    wr(s, 0x0c, (uint32_t)(at >> 32));
    wr(s, 0x08, (uint32_t)at);
    CHECK_U64(rd(s, 0x18), 1);
    CHECK_INT(level, 0);
    struct timespec ts = { 0, 3 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    CHECK(timers_run_expired());
    CHECK_INT(level, 1);
    CHECK_U64(rd(s, 0x18), 0);
    /* Masking hides it; unmasking shows it again until cleared. */
    wr(s, 0x10, 0);
    CHECK_INT(level, 0);
    wr(s, 0x10, 1);
    CHECK_INT(level, 1);
    wr(s, 0x1c, 1);
    CHECK_INT(level, 0);

    /* A cleared alarm never fires. */
    at = goldfish_rtc_now(s) + 1000000;
    wr(s, 0x0c, (uint32_t)(at >> 32));
    wr(s, 0x08, (uint32_t)at);
    wr(s, 0x14, 1);
    CHECK_U64(rd(s, 0x18), 0);
    nanosleep(&ts, NULL);
    timers_run_expired();
    CHECK_INT(level, 0);
    object_unref(s);
    object_unref(irq);
}
