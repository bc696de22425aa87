/*
 * Clocks and sorted timer lists.  Invariants: each clock's list is sorted by
 * expire_ns ascending and holds exactly the pending timers of that clock
 * (expire_ns >= 0); all lists are guarded by timer_lock, which is never held
 * while a callback runs.  Virtual time is host monotonic time plus
 * virtual_offset while running, and virtual_frozen while stopped; switching
 * keeps it continuous.
 */
#include "system/timer.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "system/main_loop.h"

static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static Timer *timer_lists[CLOCK_TYPE__MAX];

static pthread_mutex_t virtual_lock = PTHREAD_MUTEX_INITIALIZER;
static bool virtual_running;
static int64_t virtual_offset;   /* valid while running */
static int64_t virtual_frozen;   /* valid while stopped; starts at 0 */

static int64_t host_clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clock_get_ns(ClockType type)
{
    int64_t now;

    switch (type) {
    case CLOCK_TYPE_REALTIME:
        return host_clock_ns(CLOCK_MONOTONIC);
    case CLOCK_TYPE_HOST:
        return host_clock_ns(CLOCK_REALTIME);
    case CLOCK_TYPE_VIRTUAL:
        pthread_mutex_lock(&virtual_lock);
        now = virtual_running ? host_clock_ns(CLOCK_MONOTONIC) + virtual_offset
                              : virtual_frozen;
        pthread_mutex_unlock(&virtual_lock);
        return now;
    default:
        assert(!"bad clock type");
        return 0;
    }
}

void clock_virtual_stop(void)
{
    pthread_mutex_lock(&virtual_lock);
    if (virtual_running) {
        virtual_frozen = host_clock_ns(CLOCK_MONOTONIC) + virtual_offset;
        virtual_running = false;
    }
    pthread_mutex_unlock(&virtual_lock);
}

void clock_virtual_start(void)
{
    pthread_mutex_lock(&virtual_lock);
    if (!virtual_running) {
        virtual_offset = virtual_frozen - host_clock_ns(CLOCK_MONOTONIC);
        virtual_running = true;
    }
    pthread_mutex_unlock(&virtual_lock);
    /* Virtual timers may now be due: let the loop recompute its timeout. */
    main_loop_notify();
}

bool clock_virtual_running(void)
{
    bool running;

    pthread_mutex_lock(&virtual_lock);
    running = virtual_running;
    pthread_mutex_unlock(&virtual_lock);
    return running;
}

void timer_init_ns(Timer *t, ClockType clock, TimerFn cb, void *opaque)
{
    assert(clock < CLOCK_TYPE__MAX);
    t->clock = clock;
    t->cb = cb;
    t->opaque = opaque;
    t->expire_ns = -1;
    t->next = NULL;
}

Timer *timer_new_ns(ClockType clock, TimerFn cb, void *opaque)
{
    Timer *t = malloc(sizeof(*t));

    assert(t);
    timer_init_ns(t, clock, cb, opaque);
    return t;
}

void timer_free(Timer *t)
{
    if (t) {
        timer_del(t);
        free(t);
    }
}

/* Unlink t from its list; timer_lock held. */
static void timer_unlink_locked(Timer *t)
{
    if (t->expire_ns < 0) {
        return;
    }
    for (Timer **p = &timer_lists[t->clock]; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->expire_ns = -1;
    t->next = NULL;
}

void timer_mod_ns(Timer *t, int64_t expire_ns)
{
    Timer **p;
    bool earliest;

    if (expire_ns < 0) {
        expire_ns = 0;
    }
    pthread_mutex_lock(&timer_lock);
    timer_unlink_locked(t);
    p = &timer_lists[t->clock];
    /* After equal ones, so timers due at one instant fire in arming order. */
    while (*p && (*p)->expire_ns <= expire_ns) {
        p = &(*p)->next;
    }
    t->expire_ns = expire_ns;
    t->next = *p;
    *p = t;
    earliest = timer_lists[t->clock] == t;
    pthread_mutex_unlock(&timer_lock);
    if (earliest) {
        main_loop_notify();
    }
}

void timer_del(Timer *t)
{
    pthread_mutex_lock(&timer_lock);
    timer_unlink_locked(t);
    pthread_mutex_unlock(&timer_lock);
}

bool timer_pending(Timer *t)
{
    return timer_expire_time(t) >= 0;
}

int64_t timer_expire_time(Timer *t)
{
    int64_t expire;

    pthread_mutex_lock(&timer_lock);
    expire = t->expire_ns;
    pthread_mutex_unlock(&timer_lock);
    return expire;
}

static bool clock_runs(ClockType type)
{
    return type != CLOCK_TYPE_VIRTUAL || clock_virtual_running();
}

int64_t timers_deadline_ns(void)
{
    int64_t best = -1;

    for (ClockType c = 0; c < CLOCK_TYPE__MAX; c++) {
        int64_t expire, delta;

        if (!clock_runs(c)) {
            continue;
        }
        pthread_mutex_lock(&timer_lock);
        expire = timer_lists[c] ? timer_lists[c]->expire_ns : -1;
        pthread_mutex_unlock(&timer_lock);
        if (expire < 0) {
            continue;
        }
        /* All three clocks advance at host speed, so a delta in clock
         * nanoseconds is a delta in host nanoseconds. */
        delta = expire - clock_get_ns(c);
        if (delta < 0) {
            delta = 0;
        }
        if (best < 0 || delta < best) {
            best = delta;
        }
    }
    return best;
}

bool timers_run_expired(void)
{
    bool ran = false;

    for (ClockType c = 0; c < CLOCK_TYPE__MAX; c++) {
        int64_t now;

        if (!clock_runs(c)) {
            continue;
        }
        now = clock_get_ns(c);
        for (;;) {
            Timer *t;
            TimerFn cb;
            void *opaque;

            pthread_mutex_lock(&timer_lock);
            t = timer_lists[c];
            if (!t || t->expire_ns > now) {
                pthread_mutex_unlock(&timer_lock);
                break;
            }
            timer_lists[c] = t->next;
            t->expire_ns = -1;
            t->next = NULL;
            cb = t->cb;
            opaque = t->opaque;
            pthread_mutex_unlock(&timer_lock);
            /* The callback may re-arm or free t: do not touch it after. */
            cb(opaque);
            ran = true;
            /* A stop from inside a callback freezes the rest. */
            if (!clock_runs(c)) {
                break;
            }
        }
    }
    return ran;
}
