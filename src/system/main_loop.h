/*
 * The main loop: one thread (the main thread) sleeps in poll() on the file
 * descriptors that backends registered, wakes for the earliest timer and for
 * bottom halves scheduled from any thread, and dispatches their callbacks
 * with the big lock held.  Everything that is not a vCPU runs here: chardevs,
 * timers, block and net backends, the monitor.
 *
 * Threading: fd handlers and bottom-half creation/deletion are main-thread
 * (BQL held) only; bh_schedule() and main_loop_notify() may be called from any
 * thread.  Handlers may add or remove fd handlers and bottom halves, including
 * their own, from inside a callback.  The loop initializes itself on first
 * use.
 */
#ifndef SYSTEM_MAIN_LOOP_H
#define SYSTEM_MAIN_LOOP_H

#include <stdbool.h>

typedef void (*IoHandlerFn)(void *opaque);
typedef void (*BhFn)(void *opaque);
typedef struct Bh Bh;

/* Watch fd: read() runs when it is readable (or hung up / in error),
 * write() when it is writable.  A NULL callback does not watch that
 * direction; both NULL removes the handler.  Setting again replaces. */
void main_loop_set_fd_handler(int fd, IoHandlerFn read, IoHandlerFn write, void *opaque);

/* Bottom halves: a callback run once by the main loop, soon after it was
 * scheduled.  Scheduling twice before it runs runs it once.  bh_delete()
 * may be called from the BH's own callback. */
Bh *bh_new(BhFn cb, void *opaque);
void bh_schedule(Bh *bh);       /* any thread */
void bh_cancel(Bh *bh);         /* main thread */
void bh_delete(Bh *bh);         /* main thread; NULL is fine */

/* Wake the main loop from poll() (any thread, async-signal-safe). */
void main_loop_notify(void);

/* One iteration: poll (not at all if nonblocking, else until an fd, a timer
 * or a BH is due), then dispatch fds, bottom halves and expired timers.
 * Drops the BQL while polling if the caller holds it.  Returns true if it
 * dispatched anything. */
bool main_loop_wait(bool nonblocking);

/* Run until a shutdown request is accepted (runstate.h); takes the BQL.
 * Returns the process exit status (runstate_exit_status()). */
int main_loop_run(void);

#endif
