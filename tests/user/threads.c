/* Threads: mutex contention (futex wait/wake), condition variables,
 * thread-local storage, join, detached threads and a barrier. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 8
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_value;
static _Atomic int atomic_counter;
static pthread_barrier_t barrier;

static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;

static void *worker(void *arg)
{
    long id = (long)arg;
    tls_value = (int)id;
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        atomic_fetch_add(&atomic_counter, 1);
    }
    return (void *)(long)(tls_value * 10 + (syscall(SYS_gettid) != getpid()));
}

static void *waiter(void *arg)
{
    pthread_mutex_lock(&cv_lock);
    while (!ready) {
        pthread_cond_wait(&cv, &cv_lock);
    }
    pthread_mutex_unlock(&cv_lock);
    return (void *)42;
}

int main(void)
{
    pthread_t th[THREADS];
    pthread_barrier_init(&barrier, NULL, THREADS);
    tls_value = 99;
    for (long i = 0; i < THREADS; i++) {
        pthread_create(&th[i], NULL, worker, (void *)i);
    }
    long sum = 0;
    for (int i = 0; i < THREADS; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        sum += (long)ret;
    }
    printf("counter %ld (expected %d)\n", counter, THREADS * ROUNDS);
    printf("atomic %d\n", atomic_load(&atomic_counter));
    printf("join values sum %ld\n", sum);
    printf("main tls still %d\n", tls_value);

    pthread_t w;
    pthread_create(&w, NULL, waiter, NULL);
    usleep(10000);
    pthread_mutex_lock(&cv_lock);
    ready = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&cv_lock);
    void *wret;
    pthread_join(w, &wret);
    printf("condvar waiter returned %ld\n", (long)wret);
    return 0;
}
