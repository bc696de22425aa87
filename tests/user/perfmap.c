/* Guest for tests/user/perfmap.sh: a hot loop on the main thread and
 * another on two threads (so that several vCPU threads translate while the
 * map is written); prints its pid, which under morpho-riscv64 is the
 * emulator's, so the script can find /tmp/perf-<pid>.map. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((noipa)) static unsigned long hot_loop(unsigned long n)
{
    unsigned long x = 1;
    for (unsigned long i = 0; i < n; i++) {
        x = x * 6364136223846793005ul + i;
    }
    return x;
}

__attribute__((noipa)) static unsigned long thread_loop(unsigned long n)
{
    unsigned long x = 7;
    for (unsigned long i = 0; i < n; i++) {
        x ^= (x << 7) ^ (x >> 9) ^ i;
    }
    return x;
}

static void *worker(void *arg)
{
    unsigned long *r = arg;
    *r = thread_loop(*r);
    return NULL;
}

int main(void)
{
    printf("pid %d\n", (int)getpid());
    unsigned long r[2] = { 2000000, 3000000 };
    pthread_t t[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&t[i], NULL, worker, &r[i]);
    }
    unsigned long h = hot_loop(20000000);
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
    }
    printf("%lx %lx %lx\n", h, r[0], r[1]);
    return 0;
}
