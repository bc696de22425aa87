/*
 * Clocks and timers.  Three clocks, in nanoseconds:
 *  - CLOCK_TYPE_REALTIME: host monotonic time; always runs.  For things the
 *    host sees (UI, chardev reconnects).
 *  - CLOCK_TYPE_VIRTUAL: guest time.  Starts at 0, runs (at host speed) only
 *    while the VM is running, and continues from where it stopped
 *    (clock_virtual_start/stop, called by vm_start/vm_stop).  Guest devices
 *    (timers, RTC tick deadlines) use this one.
 *  - CLOCK_TYPE_HOST: the host's wall clock (may jump); for the RTC's date.
 *
 * A Timer belongs to one clock and calls cb(opaque) from the main loop, with
 * the BQL held, once the clock reaches its expire time.  Timers of a clock
 * are kept sorted by expire time; timers on the virtual clock do not fire
 * while it is stopped.  timer_mod_ns/timer_del/timer_pending may be called
 * from any thread (a vCPU reprogramming a timer compare register): a timer
 * that becomes the earliest kicks the main loop so its poll timeout is
 * recomputed.
 *
 * NOTE: a deterministic mode (virtual time driven by instruction count, like
 * QEMU's -icount) would replace the virtual clock's source here.
 */
#ifndef SYSTEM_TIMER_H
#define SYSTEM_TIMER_H

#include <stdbool.h>
#include <stdint.h>

typedef enum ClockType {
    CLOCK_TYPE_REALTIME,
    CLOCK_TYPE_VIRTUAL,
    CLOCK_TYPE_HOST,
    CLOCK_TYPE__MAX,
} ClockType;

typedef void (*TimerFn)(void *opaque);

/* Embeddable in a device's state; fields are private to timer.c. */
typedef struct Timer {
    ClockType clock;
    TimerFn cb;
    void *opaque;
    int64_t expire_ns;          /* -1 when not pending */
    struct Timer *next;
} Timer;

int64_t clock_get_ns(ClockType type);
static inline int64_t clock_get_ms(ClockType type)
{
    return clock_get_ns(type) / 1000000;
}

/* Freeze / resume guest time; idempotent.  Main thread. */
void clock_virtual_stop(void);
void clock_virtual_start(void);
bool clock_virtual_running(void);

void timer_init_ns(Timer *t, ClockType clock, TimerFn cb, void *opaque);
Timer *timer_new_ns(ClockType clock, TimerFn cb, void *opaque);
void timer_free(Timer *t);      /* deletes first; NULL is fine */

/* Arm (or re-arm) to fire when the clock reaches expire_ns (absolute). */
void timer_mod_ns(Timer *t, int64_t expire_ns);
void timer_del(Timer *t);
bool timer_pending(Timer *t);
/* The armed expire time, or -1 when not pending. */
int64_t timer_expire_time(Timer *t);

/* Main loop side: ns until the earliest timer of a running clock is due
 * (0 if overdue), -1 if none; and run the expired ones (returns true if any
 * ran).  Main thread, BQL held (or single-threaded tests). */
int64_t timers_deadline_ns(void);
bool timers_run_expired(void);

#endif
