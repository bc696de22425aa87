/* Signals: handlers with siginfo, masks and pending sets, real-time
 * signals with values, sigsuspend, alarm, SA_RESETHAND, sigaltstack, and
 * synchronous SIGSEGV/SIGILL/SIGTRAP caught by handlers. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t got, got_code, got_value, on_alt;
static char altstack[65536];
static sigjmp_buf jb;
static int *volatile unmapped = (int *)16;

static void handler(int sig, siginfo_t *si, void *uc)
{
    got = sig;
    got_code = si->si_code;
    got_value = si->si_value.sival_int;
    char here;
    on_alt = &here >= altstack && &here < altstack + sizeof(altstack);
}

static void jump_handler(int sig, siginfo_t *si, void *uc)
{
    got = sig;
    got_code = si->si_code;
    siglongjmp(jb, 1);
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    install(SIGUSR1, handler, 0);
    raise(SIGUSR1);
    printf("raise: got %d code %s\n", got, got_code == SI_TKILL ? "SI_TKILL" : "other");

    got = 0;
    kill(getpid(), SIGUSR1);
    printf("kill: got %d code %s\n", got, got_code == SI_USER ? "SI_USER" : "other");

    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    got = 0;
    raise(SIGUSR1);
    sigpending(&pend);
    printf("blocked: got %d pending %d\n", got, sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("unblocked: got %d\n", got);

    install(SIGRTMIN + 2, handler, 0);
    union sigval v = { .sival_int = 1234 };
    got = 0;
    sigqueue(getpid(), SIGRTMIN + 2, v);
    printf("sigqueue rt: got SIGRTMIN+%d value %d code %s\n", got - SIGRTMIN, got_value,
           got_code == SI_QUEUE ? "SI_QUEUE" : "other");

    install(SIGALRM, handler, 0);
    sigprocmask(SIG_BLOCK, &(sigset_t){ 0 }, &old);
    sigset_t blk;
    sigemptyset(&blk);
    sigaddset(&blk, SIGALRM);
    sigprocmask(SIG_BLOCK, &blk, &old);
    got = 0;
    struct itimerval it = { .it_value = { .tv_usec = 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    sigset_t wait_mask = old;
    sigdelset(&wait_mask, SIGALRM);
    int r = sigsuspend(&wait_mask);
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    printf("sigsuspend: ret %d got %d mask restored %d\n", r, got, sigismember(&now, SIGALRM));
    sigprocmask(SIG_SETMASK, &old, NULL);

    install(SIGUSR2, handler, SA_RESETHAND);
    raise(SIGUSR2);
    struct sigaction cur;
    sigaction(SIGUSR2, NULL, &cur);
    printf("resethand: got %d now default %d\n", got, cur.sa_handler == SIG_DFL);

    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    sigaltstack(&ss, NULL);
    install(SIGUSR1, handler, SA_ONSTACK);
    raise(SIGUSR1);
    printf("altstack: on it %d\n", on_alt);
    stack_t cur_ss;
    sigaltstack(NULL, &cur_ss);
    printf("altstack size %zu flags %d\n", cur_ss.ss_size, cur_ss.ss_flags);

    install(SIGSEGV, jump_handler, SA_ONSTACK);
    if (sigsetjmp(jb, 1) == 0) {
        *unmapped = 1;
    }
    printf("segv: got %d code %s\n", got, got_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other");

    install(SIGILL, jump_handler, 0);
    got = 0;
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile(".word 0x00000000");
    }
    printf("sigill: got %d code %s\n", got, got_code == ILL_ILLOPC ? "ILL_ILLOPC" : "other");

    install(SIGTRAP, jump_handler, 0);
    got = 0;
    if (sigsetjmp(jb, 1) == 0) {
        /* The 32-bit ebreak: "ebreak" assembles to c.ebreak with C. */
        __asm__ volatile(".4byte 0x00100073");
    }
    printf("sigtrap: got %d\n", got);

    /* SIGSEGV sent, not caused: delivered like any other signal. */
    install(SIGSEGV, handler, 0);
    got = 0;
    kill(getpid(), SIGSEGV);
    printf("kill SIGSEGV: got %d code %s\n", got, got_code == SI_USER ? "SI_USER" : "other");

    /* A handler runs while read() blocks: SA_RESTART resumes the read,
     * without it read fails with EINTR. */
    int rp[2];
    pipe(rp);
    pid_t writer = fork();
    if (writer == 0) {
        usleep(300000);
        write(rp[1], "x", 1);
        _exit(0);
    }
    install(SIGALRM, handler, SA_RESTART);
    got = 0;
    struct itimerval soon = { .it_value = { .tv_usec = 30000 } };
    setitimer(ITIMER_REAL, &soon, NULL);
    char c = 0;
    ssize_t rn = read(rp[0], &c, 1);
    printf("SA_RESTART read: %zd '%c' handler ran %d\n", rn, c, got == SIGALRM);
    install(SIGALRM, handler, 0);
    got = 0;
    setitimer(ITIMER_REAL, &soon, NULL);
    rn = read(rp[0], &c, 1);
    printf("plain read: %zd EINTR %d handler ran %d\n", rn, errno == EINTR, got == SIGALRM);
    waitpid(writer, NULL, 0);

    signal(SIGPIPE, SIG_IGN);
    int fds[2];
    pipe(fds);
    close(fds[0]);
    printf("write to closed pipe with SIGPIPE ignored: %zd\n", write(fds[1], "x", 1));
    return 0;
}
