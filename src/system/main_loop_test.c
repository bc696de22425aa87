/*
 * Tests of the main loop: fd readiness with a pipe, handlers that remove
 * themselves, bottom halves from this and another thread, cross-thread
 * wake-up of a blocking wait.
 */
#include "system/main_loop.h"
#include "system/timer.h"
#include "util/unittest.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

typedef struct PipeReader {
    int fd;
    int reads;
    char last;
    bool remove_self;
} PipeReader;

static void pipe_reader_read(void *opaque)
{
    PipeReader *r = opaque;

    if (read(r->fd, &r->last, 1) == 1) {
        r->reads++;
    }
    if (r->remove_self) {
        main_loop_set_fd_handler(r->fd, NULL, NULL, NULL);
    }
}

UNITTEST(fd_handler_sees_pipe_data)
{
    int fds[2];
    PipeReader r = { 0 };

    CHECK(pipe(fds) == 0);
    r.fd = fds[0];
    main_loop_set_fd_handler(fds[0], pipe_reader_read, NULL, &r);
    main_loop_wait(true);
    CHECK_INT(r.reads, 0);
    CHECK(write(fds[1], "a", 1) == 1);
    main_loop_wait(true);
    CHECK_INT(r.reads, 1);
    CHECK_INT(r.last, 'a');

    /* A handler removing itself from its callback stops being called. */
    r.remove_self = true;
    CHECK(write(fds[1], "bc", 2) == 2);
    main_loop_wait(true);
    main_loop_wait(true);
    CHECK_INT(r.reads, 2);
    CHECK_INT(r.last, 'b');
    close(fds[0]);
    close(fds[1]);
}

static int writable_calls;

static void count_writable(void *opaque)
{
    int fd = *(int *)opaque;

    writable_calls++;
    main_loop_set_fd_handler(fd, NULL, NULL, NULL);
}

UNITTEST(fd_handler_write_readiness)
{
    int fds[2];

    CHECK(pipe(fds) == 0);
    main_loop_set_fd_handler(fds[1], NULL, count_writable, &fds[1]);
    main_loop_wait(true);
    main_loop_wait(true);
    CHECK_INT(writable_calls, 1);
    close(fds[0]);
    close(fds[1]);
}

typedef struct BhCounter {
    int runs;
    Bh *self;
    bool delete_self;
} BhCounter;

static void bh_count(void *opaque)
{
    BhCounter *c = opaque;

    c->runs++;
    if (c->delete_self) {
        bh_delete(c->self);
    }
}

UNITTEST(bottom_half_runs_once_per_schedule)
{
    BhCounter c = { 0 };
    Bh *bh = bh_new(bh_count, &c);

    main_loop_wait(true);
    CHECK_INT(c.runs, 0);
    bh_schedule(bh);
    bh_schedule(bh);
    main_loop_wait(true);
    CHECK_INT(c.runs, 1);
    main_loop_wait(true);
    CHECK_INT(c.runs, 1);

    bh_schedule(bh);
    bh_cancel(bh);
    main_loop_wait(true);
    CHECK_INT(c.runs, 1);

    c.self = bh;
    c.delete_self = true;
    bh_schedule(bh);
    main_loop_wait(true);
    CHECK_INT(c.runs, 2);
}

static void *schedule_later(void *opaque)
{
    struct timespec ts = { 0, 20 * 1000 * 1000 };

    nanosleep(&ts, NULL);
    bh_schedule(opaque);
    return NULL;
}

UNITTEST(bottom_half_from_another_thread_wakes_the_loop)
{
    BhCounter c = { 0 };
    Bh *bh = bh_new(bh_count, &c);
    pthread_t thread;
    Timer guard;
    int64_t start = clock_get_ns(CLOCK_TYPE_REALTIME);

    /* A guard timer so a lost wake-up fails the test instead of hanging. */
    timer_init_ns(&guard, CLOCK_TYPE_REALTIME, bh_count, &(BhCounter){ 0 });
    timer_mod_ns(&guard, start + 5000000000LL);
    CHECK(pthread_create(&thread, NULL, schedule_later, bh) == 0);
    while (c.runs == 0 && timer_pending(&guard)) {
        main_loop_wait(false);
    }
    pthread_join(thread, NULL);
    CHECK_INT(c.runs, 1);
    CHECK(clock_get_ns(CLOCK_TYPE_REALTIME) - start < 4000000000LL);
    timer_del(&guard);
    bh_delete(bh);
}

static void *notify_later(void *opaque)
{
    struct timespec ts = { 0, 20 * 1000 * 1000 };

    nanosleep(&ts, NULL);
    main_loop_notify();
    return NULL;
}

UNITTEST(notify_wakes_a_blocking_wait)
{
    pthread_t thread;
    int64_t start = clock_get_ns(CLOCK_TYPE_REALTIME);
    Timer guard;

    timer_init_ns(&guard, CLOCK_TYPE_REALTIME, bh_count, &(BhCounter){ 0 });
    timer_mod_ns(&guard, start + 5000000000LL);
    /* Drain wake-ups left by arming the guard. */
    main_loop_wait(true);
    CHECK(pthread_create(&thread, NULL, notify_later, NULL) == 0);
    main_loop_wait(false);
    pthread_join(thread, NULL);
    CHECK(timer_pending(&guard));
    CHECK(clock_get_ns(CLOCK_TYPE_REALTIME) - start < 4000000000LL);
    timer_del(&guard);
}
