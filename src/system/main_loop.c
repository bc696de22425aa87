/*
 * The main loop, built on poll(2).  Invariants:
 *  - io_handlers is an array touched only by the main thread.  Removal during
 *    dispatch only marks an entry deleted; entries are compacted when no
 *    dispatch is walking the array (io_walking == 0).
 *  - Bottom halves form a list whose links change only on the main thread;
 *    bh->scheduled is an atomic flag, so bh_schedule() from any thread is a
 *    flag set plus an eventfd write.  Deleted BHs are freed after dispatch.
 *  - The eventfd (main_loop_event_fd) is the single wake-up source for other
 *    threads: bh_schedule, timer_mod from a vCPU, run-state requests.
 */
#include "system/main_loop.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "system/bql.h"
#include "system/runstate.h"
#include "system/timer.h"

typedef struct IoHandler {
    int fd;
    IoHandlerFn read;
    IoHandlerFn write;
    void *opaque;
    bool deleted;
} IoHandler;

struct Bh {
    BhFn cb;
    void *opaque;
    int scheduled;      /* atomic */
    bool deleted;
    Bh *next;
};

static IoHandler *io_handlers;
static size_t io_count, io_capacity;
static unsigned io_walking;

static Bh *bh_list;
static pthread_mutex_t bh_lock = PTHREAD_MUTEX_INITIALIZER;
static bool bh_need_sweep;

static int main_loop_event_fd = -1;
static pthread_once_t main_loop_once = PTHREAD_ONCE_INIT;

static void io_handler_set(int fd, IoHandlerFn read, IoHandlerFn write, void *opaque);

static void main_loop_event_read(void *opaque)
{
    uint64_t value;

    while (read(main_loop_event_fd, &value, sizeof(value)) > 0) {
        /* drained: the wake-up itself was the message */
    }
}

static void main_loop_init_once(void)
{
    main_loop_event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (main_loop_event_fd < 0) {
        /* Only at start-up, when the host is out of descriptors. */
        perror("morpho: eventfd");
        abort();
    }
    io_handler_set(main_loop_event_fd, main_loop_event_read, NULL, NULL);
}

static void main_loop_init(void)
{
    pthread_once(&main_loop_once, main_loop_init_once);
}

void main_loop_notify(void)
{
    uint64_t one = 1;
    ssize_t r;

    main_loop_init();
    do {
        r = write(main_loop_event_fd, &one, sizeof(one));
    } while (r < 0 && errno == EINTR);
    /* EAGAIN means the counter is saturated: a wake-up is pending anyway. */
}

static IoHandler *io_handler_find(int fd)
{
    for (size_t i = 0; i < io_count; i++) {
        if (io_handlers[i].fd == fd && !io_handlers[i].deleted) {
            return &io_handlers[i];
        }
    }
    return NULL;
}

static void io_handlers_compact(void)
{
    size_t j = 0;

    if (io_walking) {
        return;
    }
    for (size_t i = 0; i < io_count; i++) {
        if (!io_handlers[i].deleted) {
            io_handlers[j++] = io_handlers[i];
        }
    }
    io_count = j;
}

void main_loop_set_fd_handler(int fd, IoHandlerFn read, IoHandlerFn write, void *opaque)
{
    main_loop_init();
    io_handler_set(fd, read, write, opaque);
}

static void io_handler_set(int fd, IoHandlerFn read, IoHandlerFn write, void *opaque)
{
    IoHandler *h;

    assert(fd >= 0);
    h = io_handler_find(fd);
    if (!read && !write) {
        if (h) {
            h->deleted = true;
            io_handlers_compact();
        }
        return;
    }
    if (!h) {
        if (io_count == io_capacity) {
            io_capacity = io_capacity ? io_capacity * 2 : 16;
            io_handlers = realloc(io_handlers, io_capacity * sizeof(*io_handlers));
            assert(io_handlers);
        }
        h = &io_handlers[io_count++];
        h->fd = fd;
        h->deleted = false;
    }
    h->read = read;
    h->write = write;
    h->opaque = opaque;
}

Bh *bh_new(BhFn cb, void *opaque)
{
    Bh *bh = calloc(1, sizeof(*bh));

    assert(bh);
    bh->cb = cb;
    bh->opaque = opaque;
    pthread_mutex_lock(&bh_lock);
    bh->next = bh_list;
    bh_list = bh;
    pthread_mutex_unlock(&bh_lock);
    return bh;
}

void bh_schedule(Bh *bh)
{
    if (__atomic_exchange_n(&bh->scheduled, 1, __ATOMIC_SEQ_CST) == 0) {
        main_loop_notify();
    }
}

void bh_cancel(Bh *bh)
{
    __atomic_store_n(&bh->scheduled, 0, __ATOMIC_SEQ_CST);
}

void bh_delete(Bh *bh)
{
    if (!bh) {
        return;
    }
    bh_cancel(bh);
    bh->deleted = true;
    bh_need_sweep = true;
}

static bool bh_pending(void)
{
    bool pending = false;

    pthread_mutex_lock(&bh_lock);
    for (Bh *bh = bh_list; bh; bh = bh->next) {
        if (!bh->deleted && __atomic_load_n(&bh->scheduled, __ATOMIC_SEQ_CST)) {
            pending = true;
            break;
        }
    }
    pthread_mutex_unlock(&bh_lock);
    return pending;
}

static bool bh_dispatch(void)
{
    bool ran = false;
    Bh *bh;

    pthread_mutex_lock(&bh_lock);
    bh = bh_list;
    pthread_mutex_unlock(&bh_lock);
    /* New BHs go in at the head, so walking from a snapshot of the head is
     * safe; they run on the next iteration. */
    for (; bh; bh = bh->next) {
        if (!bh->deleted && __atomic_exchange_n(&bh->scheduled, 0, __ATOMIC_SEQ_CST)) {
            bh->cb(bh->opaque);
            ran = true;
        }
    }
    if (bh_need_sweep) {
        pthread_mutex_lock(&bh_lock);
        for (Bh **p = &bh_list; *p;) {
            if ((*p)->deleted) {
                Bh *dead = *p;
                *p = dead->next;
                free(dead);
            } else {
                p = &(*p)->next;
            }
        }
        bh_need_sweep = false;
        pthread_mutex_unlock(&bh_lock);
    }
    return ran;
}

static int main_loop_timeout_ms(bool nonblocking)
{
    int64_t deadline_ns;

    if (nonblocking || bh_pending()) {
        return 0;
    }
    deadline_ns = timers_deadline_ns();
    if (deadline_ns < 0) {
        return -1;
    }
    /* Round up so a timer is never woken for just before it is due. */
    if (deadline_ns > (int64_t)INT32_MAX * 1000000) {
        return INT32_MAX;
    }
    return (int)((deadline_ns + 999999) / 1000000);
}

static bool io_dispatch(struct pollfd *pfds, size_t n)
{
    bool ran = false;

    io_walking++;
    for (size_t i = 0; i < n; i++) {
        short rev = pfds[i].revents;
        IoHandler *h;

        if (!rev) {
            continue;
        }
        /* Look the fd up again: an earlier callback may have changed it. */
        h = io_handler_find(pfds[i].fd);
        if (h && h->read && (rev & (POLLIN | POLLHUP | POLLERR))) {
            h->read(h->opaque);
            ran = true;
        }
        h = io_handler_find(pfds[i].fd);
        if (h && h->write && (rev & (POLLOUT | POLLERR))) {
            h->write(h->opaque);
            ran = true;
        }
    }
    io_walking--;
    io_handlers_compact();
    return ran;
}

bool main_loop_wait(bool nonblocking)
{
    struct pollfd *pfds;
    size_t n = 0;
    int timeout_ms, r;
    unsigned depth;
    bool ran = false;

    main_loop_init();
    timeout_ms = main_loop_timeout_ms(nonblocking);

    pfds = calloc(io_count ? io_count : 1, sizeof(*pfds));
    assert(pfds);
    for (size_t i = 0; i < io_count; i++) {
        IoHandler *h = &io_handlers[i];

        if (h->deleted) {
            continue;
        }
        pfds[n].fd = h->fd;
        pfds[n].events = (h->read ? POLLIN : 0) | (h->write ? POLLOUT : 0);
        n++;
    }

    depth = bql_unlock_all();
    r = poll(pfds, n, timeout_ms);
    bql_lock_depth(depth);

    if (r > 0) {
        ran |= io_dispatch(pfds, n);
    }
    free(pfds);
    ran |= bh_dispatch();
    ran |= timers_run_expired();
    return ran;
}

int main_loop_run(void)
{
    bql_lock();
    while (!runstate_main_loop_should_exit()) {
        main_loop_wait(false);
    }
    bql_unlock();
    return runstate_exit_status();
}
