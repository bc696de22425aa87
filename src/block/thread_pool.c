/*
 * The I/O thread pool (see thread_pool.h).  Jobs move queued → running →
 * done under one mutex; a worker that finishes a job appends it to the
 * done list and schedules the completion bottom half.  Invariant: `active`
 * counts jobs queued or running, so drain returns only when every job
 * submitted before it has reached the done list.
 */
#include "block/thread_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "system/main_loop.h"

typedef struct PoolJob {
    ThreadPoolWorkFn work;
    ThreadPoolDoneFn done;
    void *opaque;
    int ret;
    struct PoolJob *next;
} PoolJob;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_work_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_idle_cond = PTHREAD_COND_INITIALIZER;
static PoolJob *queue_head, **queue_tail = &queue_head;
static PoolJob *done_head, **done_tail = &done_head;
static unsigned active;
static bool started;
static Bh *done_bh;

static void *thread_pool_worker(void *arg)
{
    pthread_mutex_lock(&pool_lock);
    for (;;) {
        while (!queue_head) {
            pthread_cond_wait(&pool_work_cond, &pool_lock);
        }
        PoolJob *job = queue_head;
        queue_head = job->next;
        if (!queue_head) {
            queue_tail = &queue_head;
        }
        pthread_mutex_unlock(&pool_lock);

        job->ret = job->work(job->opaque);

        pthread_mutex_lock(&pool_lock);
        job->next = NULL;
        *done_tail = job;
        done_tail = &job->next;
        if (--active == 0) {
            pthread_cond_broadcast(&pool_idle_cond);
        }
        bh_schedule(done_bh);
    }
    return NULL;
}

static unsigned thread_pool_run_done(void)
{
    unsigned n = 0;

    for (;;) {
        pthread_mutex_lock(&pool_lock);
        PoolJob *job = done_head;
        if (job) {
            done_head = job->next;
            if (!done_head) {
                done_tail = &done_head;
            }
        }
        pthread_mutex_unlock(&pool_lock);
        if (!job) {
            return n;
        }
        job->done(job->opaque, job->ret);
        free(job);
        n++;
    }
}

static void thread_pool_done_bh(void *opaque)
{
    thread_pool_run_done();
}

static void thread_pool_start(void)
{
    done_bh = bh_new(thread_pool_done_bh, NULL);
    for (int i = 0; i < THREAD_POOL_WORKERS; i++) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, thread_pool_worker, NULL) != 0) {
            abort();
        }
        pthread_attr_destroy(&attr);
    }
    started = true;
}

void thread_pool_submit(ThreadPoolWorkFn work, ThreadPoolDoneFn done, void *opaque)
{
    PoolJob *job = calloc(1, sizeof(*job));

    if (!job) {
        abort();
    }
    job->work = work;
    job->done = done;
    job->opaque = opaque;
    pthread_mutex_lock(&pool_lock);
    if (!started) {
        thread_pool_start();
    }
    active++;
    *queue_tail = job;
    queue_tail = &job->next;
    pthread_cond_signal(&pool_work_cond);
    pthread_mutex_unlock(&pool_lock);
}

unsigned thread_pool_drain(void)
{
    pthread_mutex_lock(&pool_lock);
    while (active) {
        pthread_cond_wait(&pool_idle_cond, &pool_lock);
    }
    pthread_mutex_unlock(&pool_lock);
    return thread_pool_run_done();
}
