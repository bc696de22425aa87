/* Time: clocks move forward, sleeps last at least as asked, timers fire,
 * and the resolution and wall clock agree with the host's. */
#define _GNU_SOURCE
#include <fenv.h>
#include <stdio.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t)
{
    return t.tv_sec * 1000000000ll + t.tv_nsec;
}

int main(void)
{
    struct timespec a, b, res;
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec req = { .tv_nsec = 20 * 1000 * 1000 };
    printf("nanosleep: %d\n", nanosleep(&req, NULL));
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("slept at least 20ms: %d\n", ns(b) - ns(a) >= 20000000);
    printf("and less than 30s: %d\n", ns(b) - ns(a) < 30000000000ll);

    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec until = { .tv_sec = a.tv_sec, .tv_nsec = a.tv_nsec + 10000000 };
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    printf("clock_nanosleep abstime: %d\n",
           clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL));
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("reached the deadline: %d\n", ns(b) >= ns(until));

    clock_getres(CLOCK_MONOTONIC, &res);
    printf("resolution <= 1ms: %d\n", ns(res) > 0 && ns(res) <= 1000000);

    struct timeval tv;
    gettimeofday(&tv, NULL);
    time_t now = time(NULL);
    /* time() reads CLOCK_REALTIME_COARSE, which trails gettimeofday by up
     * to a tick: just after a second boundary it may still say the last
     * second. */
    printf("wall clocks agree: %d\n", now - tv.tv_sec <= 1 && now >= tv.tv_sec - 1);
    printf("after 2020: %d\n", now > 1577836800);

    struct timespec cpu;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    printf("process cpu time readable: %d\n", ns(cpu) >= 0);

    /* The user-level CSRs: time and cycle count up, fflags and frm work. */
    unsigned long t1, t2, cyc, flags;
    __asm__ volatile("rdtime %0" : "=r"(t1));
    nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
    __asm__ volatile("rdtime %0" : "=r"(t2));
    __asm__ volatile("rdcycle %0" : "=r"(cyc));
    printf("rdtime moves: %d, rdcycle nonzero: %d\n", t2 > t1, cyc != 0);
    /* instret reads as cycle in user mode (as in QEMU's linux-user, so that
     * blocks need not count instructions): it still counts up. */
    unsigned long r1, r2;
    __asm__ volatile("rdinstret %0" : "=r"(r1));
    for (volatile int i = 0; i < 100000; i++) {
    }
    __asm__ volatile("rdinstret %0" : "=r"(r2));
    printf("rdinstret counts up: %d\n", r2 > r1);
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_INEXACT);
    __asm__ volatile("frflags %0" : "=r"(flags));
    fesetround(FE_UPWARD);
    printf("fflags NX: %lu, frm upward: %d\n", flags, fegetround() == FE_UPWARD);
    fesetround(FE_TONEAREST);

    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = { .it_value = { .tv_nsec = 5000000 } };
    timerfd_settime(tfd, 0, &its, NULL);
    unsigned long long ticks = 0;
    read(tfd, &ticks, sizeof(ticks));
    printf("timerfd ticks: %llu\n", ticks);
    return 0;
}
