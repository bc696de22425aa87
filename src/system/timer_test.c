/*
 * Tests of clocks and timers: firing order on each clock, cancel and
 * re-arm, poll timeouts that wake exactly for the next timer, and a virtual
 * clock that stops while the VM is paused and continues from there.
 */
#include "system/main_loop.h"
#include "system/runstate.h"
#include "system/timer.h"
#include "util/unittest.h"

#include <time.h>

#define MS 1000000LL

static char fired[16];
static int fired_count;

static void record(void *opaque)
{
    if (fired_count < (int)sizeof(fired) - 1) {
        fired[fired_count++] = *(const char *)opaque;
        fired[fired_count] = 0;
    }
}

static void reset_record(void)
{
    fired_count = 0;
    fired[0] = 0;
}

static void nothing(void *opaque)
{
}

/* Blocking waits until the clock reaches until_ns; a no-op timer there
 * makes sure the loop wakes up even when every other timer has fired. */
static void run_until(ClockType clock, int64_t until_ns)
{
    Timer stop;

    timer_init_ns(&stop, clock, nothing, NULL);
    timer_mod_ns(&stop, until_ns);
    while (clock_get_ns(clock) < until_ns) {
        main_loop_wait(false);
    }
    main_loop_wait(true);
    timer_del(&stop);
}

static void check_order_on(ClockType clock)
{
    Timer a, b, c, d;
    int64_t now = clock_get_ns(clock);

    reset_record();
    timer_init_ns(&a, clock, record, "a");
    timer_init_ns(&b, clock, record, "b");
    timer_init_ns(&c, clock, record, "c");
    timer_init_ns(&d, clock, record, "d");
    timer_mod_ns(&c, now + 30 * MS);
    timer_mod_ns(&a, now + 10 * MS);
    timer_mod_ns(&b, now + 20 * MS);
    timer_mod_ns(&d, now + 25 * MS);
    timer_del(&d);
    CHECK(!timer_pending(&d));
    CHECK_INT(timer_expire_time(&d), -1);
    CHECK_INT(timer_expire_time(&b), now + 20 * MS);
    run_until(clock, now + 35 * MS);
    CHECK_STR(fired, "abc");
    CHECK(!timer_pending(&a));
}

UNITTEST(realtime_and_host_timers_fire_in_order)
{
    check_order_on(CLOCK_TYPE_REALTIME);
    check_order_on(CLOCK_TYPE_HOST);
}

UNITTEST(rearm_moves_a_timer)
{
    Timer a, b;
    int64_t now = clock_get_ns(CLOCK_TYPE_REALTIME);

    reset_record();
    timer_init_ns(&a, CLOCK_TYPE_REALTIME, record, "a");
    timer_init_ns(&b, CLOCK_TYPE_REALTIME, record, "b");
    timer_mod_ns(&a, now + 5 * MS);
    timer_mod_ns(&b, now + 10 * MS);
    timer_mod_ns(&a, now + 15 * MS);    /* re-arm later: now after b */
    run_until(CLOCK_TYPE_REALTIME, now + 20 * MS);
    CHECK_STR(fired, "ba");
}

UNITTEST(poll_timeout_follows_the_earliest_timer)
{
    Timer a;
    int64_t start = clock_get_ns(CLOCK_TYPE_REALTIME);
    int64_t deadline;

    reset_record();
    main_loop_wait(true);
    timer_init_ns(&a, CLOCK_TYPE_REALTIME, record, "a");
    timer_mod_ns(&a, start + 30 * MS);
    deadline = timers_deadline_ns();
    CHECK(deadline > 20 * MS && deadline <= 30 * MS);
    /* Blocking waits must return once the timer is due, not sleep forever. */
    while (!fired_count) {
        main_loop_wait(false);
    }
    CHECK(clock_get_ns(CLOCK_TYPE_REALTIME) >= start + 30 * MS);
    CHECK(clock_get_ns(CLOCK_TYPE_REALTIME) < start + 2000 * MS);
    CHECK_INT(timers_deadline_ns(), -1);
}

UNITTEST(virtual_clock_stops_while_paused)
{
    struct timespec ts = { 0, 20 * MS };
    Timer v;
    int64_t t0, t1, t2;

    runstate_reset_for_test();
    reset_record();
    /* Before the VM starts guest time does not move. */
    t0 = clock_get_ns(CLOCK_TYPE_VIRTUAL);
    nanosleep(&ts, NULL);
    CHECK_INT(clock_get_ns(CLOCK_TYPE_VIRTUAL), t0);

    CHECK(vm_start(NULL));
    nanosleep(&ts, NULL);
    t1 = clock_get_ns(CLOCK_TYPE_VIRTUAL);
    CHECK(t1 >= t0 + 20 * MS);

    timer_init_ns(&v, CLOCK_TYPE_VIRTUAL, record, "v");
    timer_mod_ns(&v, t1 + 10 * MS);
    vm_stop(RUN_STATE_PAUSED);
    t1 = clock_get_ns(CLOCK_TYPE_VIRTUAL);
    nanosleep(&ts, NULL);
    /* Paused: the clock stands still and its timers stay unfired. */
    CHECK_INT(clock_get_ns(CLOCK_TYPE_VIRTUAL), t1);
    main_loop_wait(true);
    CHECK_INT(fired_count, 0);
    CHECK_INT(timers_deadline_ns(), -1);

    /* Resumed: continues from where it stopped, not from host time. */
    CHECK(vm_start(NULL));
    t2 = clock_get_ns(CLOCK_TYPE_VIRTUAL);
    CHECK(t2 >= t1 && t2 < t1 + 10 * MS);
    run_until(CLOCK_TYPE_VIRTUAL, timer_expire_time(&v));
    CHECK_STR(fired, "v");
    vm_stop(RUN_STATE_PAUSED);
    runstate_reset_for_test();
}

typedef struct Rearm {
    Timer t;
    int count;
} Rearm;

static void rearm_cb(void *opaque)
{
    Rearm *r = opaque;

    if (++r->count < 3) {
        timer_mod_ns(&r->t, clock_get_ns(CLOCK_TYPE_REALTIME) + 1 * MS);
    }
}

UNITTEST(callback_can_rearm_its_timer)
{
    Rearm r = { .count = 0 };

    timer_init_ns(&r.t, CLOCK_TYPE_REALTIME, rearm_cb, &r);
    timer_mod_ns(&r.t, clock_get_ns(CLOCK_TYPE_REALTIME));
    while (timer_pending(&r.t) || r.count == 0) {
        main_loop_wait(false);
    }
    CHECK_INT(r.count, 3);
}

UNITTEST(heap_timer_free_cancels)
{
    Timer *t = timer_new_ns(CLOCK_TYPE_REALTIME, record, "x");

    reset_record();
    timer_mod_ns(t, clock_get_ns(CLOCK_TYPE_REALTIME));
    timer_free(t);
    main_loop_wait(true);
    CHECK_INT(fired_count, 0);
}
