/*
 * A small pool of worker threads for blocking host I/O (QEMU's
 * util/thread-pool.c in our shape): work() runs on a worker without the
 * big lock; its completion done(opaque, ret) runs later on the main loop
 * through a bottom half, with the big lock held, in submission-completion
 * order.  thread_pool_drain() waits for every submitted job and runs the
 * pending completions on the calling thread (which must hold the big lock
 * or be the only thread touching the completions' state, as in tests).
 * The pool starts on first use with THREAD_POOL_WORKERS threads.
 */
#ifndef BLOCK_THREAD_POOL_H
#define BLOCK_THREAD_POOL_H

#define THREAD_POOL_WORKERS 4

typedef int (*ThreadPoolWorkFn)(void *opaque);
typedef void (*ThreadPoolDoneFn)(void *opaque, int ret);

void thread_pool_submit(ThreadPoolWorkFn work, ThreadPoolDoneFn done, void *opaque);
/* Wait for all jobs, then run their completions; returns how many ran. */
unsigned thread_pool_drain(void);

#endif
