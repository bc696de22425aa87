/*
 * Guest signal dispositions, masks and alternate stacks (see signal.h),
 * and the syscalls that change them.  Linux's rules as in
 * kernel/signal.c: SIGKILL and SIGSTOP cannot be caught, ignored or
 * blocked; sigsetsize must be 8 (riscv64's sigset_t); sigaltstack sizes
 * below MINSIGSTKSZ are ENOMEM.
 */
#include "user/signal.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "user/abi.h"
#include "user/syscall_internal.h"

/* include/uapi/asm-generic/signal.h */
#define GUEST_MINSIGSTKSZ 2048
#define GUEST_SS_ONSTACK 1
#define GUEST_SS_DISABLE 2
#define GUEST_SS_AUTODISARM (1u << 31)
#define GUEST_SIG_BLOCK 0
#define GUEST_SIG_UNBLOCK 1
#define GUEST_SIG_SETMASK 2

void (*signal_kick_hook)(UserThread *t);
__thread UserThread *signal_current_thread;

static pthread_mutex_t signal_lock = PTHREAD_MUTEX_INITIALIZER;

/* Faults of translated code and of the emulator itself: always ours. */
static bool signal_is_emulator_owned(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE;
}

void signal_host_mask(uint64_t guest_mask, sigset_t *host)
{
    sigemptyset(host);
    for (int sig = 1; sig <= USER_NSIG; sig++) {
        if ((guest_mask & USER_SIG_BIT(sig)) && !signal_is_emulator_owned(sig) &&
            !(USER_SIG_BIT(sig) & USER_SIG_UNBLOCKABLE)) {
            sigaddset(host, sig);
        }
    }
}

void signal_set_mask(UserThread *t, uint64_t mask)
{
    sigset_t host;
    t->sigmask = mask & ~USER_SIG_UNBLOCKABLE;
    signal_host_mask(t->sigmask, &host);
    pthread_sigmask(SIG_SETMASK, &host, NULL);
}

int signal_peek_pending(const UserThread *t)
{
    uint64_t ready = atomic_load(&t->pending) & ~t->sigmask;
    return ready ? __builtin_ctzll(ready) + 1 : 0;
}

int signal_take_pending(UserThread *t)
{
    uint64_t pending = atomic_load(&t->pending);
    for (;;) {
        uint64_t ready = pending & ~t->sigmask;
        if (!ready) {
            return 0;
        }
        /* Synchronous-style low numbers first, as Linux does. */
        int sig = __builtin_ctzll(ready) + 1;
        if (atomic_compare_exchange_weak(&t->pending, &pending,
                                         pending & ~USER_SIG_BIT(sig))) {
            return sig;
        }
    }
}

static void signal_host_handler(int sig, siginfo_t *info, void *uc);

void signal_queue_host(int sig, const siginfo_t *info)
{
    signal_host_handler(sig, (siginfo_t *)info, NULL);
}

/* Host handler of signals the guest handles: queue and kick. */
static void signal_host_handler(int sig, siginfo_t *info, void *uc)
{
    UserThread *t = signal_current_thread;
    (void)uc;
    if (!t) {
        return;
    }
    /* siginfo_t is the generic 128-byte layout on x86-64 and riscv64. */
    memcpy(t->siginfo[sig], info, sizeof(t->siginfo[sig]));
    atomic_fetch_or(&t->pending, USER_SIG_BIT(sig));
    if (signal_kick_hook) {
        signal_kick_hook(t);
    }
}

/* Make the host's disposition of sig follow the guest's. */
static int signal_apply_host(int sig, const UserSigaction *act)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    if (signal_is_emulator_owned(sig)) {
        return 0;       /* delivered from the fault handlers */
    }
    if (act->handler == (uint64_t)(uintptr_t)SIG_DFL) {
        sa.sa_handler = SIG_DFL;
    } else if (act->handler == (uint64_t)(uintptr_t)SIG_IGN) {
        sa.sa_handler = SIG_IGN;
    } else {
        /* Never SA_RESTART on the host: a blocking call must return EINTR
         * so the guest's handler runs now; the CPU loop restarts the
         * guest's call afterwards when the guest asked for SA_RESTART. */
        sa.sa_sigaction = signal_host_handler;
        sa.sa_flags = SA_SIGINFO;
    }
    if (sigaction(sig, &sa, NULL) != 0) {
        /* NOTE: the host's libc keeps 32 and 33 for itself; the guest's
         * disposition is recorded but such signals from outside are not
         * delivered to it. */
        return 0;
    }
    return 0;
}

int64_t sys_rt_sigaction(UserThread *t, const uint64_t *a)
{
    int sig = (int)a[0];
    if (a[3] != 8 || sig < 1 || sig > USER_NSIG) {
        return -EINVAL;
    }
    UserSigaction act;
    if (a[1]) {
        const RiscvSigaction *g = user_ptr(t, a[1], sizeof(*g), PROT_READ);
        if (!g) {
            return -EFAULT;
        }
        if (USER_SIG_BIT(sig) & USER_SIG_UNBLOCKABLE) {
            return -EINVAL;
        }
        act.handler = g->handler;
        act.flags = g->flags;
        act.mask = g->mask & ~USER_SIG_UNBLOCKABLE;
    }
    RiscvSigaction *old = NULL;
    if (a[2]) {
        old = user_ptr(t, a[2], sizeof(*old), PROT_WRITE);
        if (!old) {
            return -EFAULT;
        }
    }
    pthread_mutex_lock(&signal_lock);
    UserSigaction prev = t->proc->sigactions[sig];
    if (a[1]) {
        t->proc->sigactions[sig] = act;
        signal_apply_host(sig, &act);
    }
    pthread_mutex_unlock(&signal_lock);
    if (old) {
        old->handler = prev.handler;
        old->flags = prev.flags;
        old->mask = prev.mask;
    }
    return 0;
}

int64_t sys_rt_sigprocmask(UserThread *t, const uint64_t *a)
{
    if (a[3] != 8) {
        return -EINVAL;
    }
    uint64_t old = t->sigmask, mask = old;
    if (a[1]) {
        const uint64_t *set = user_ptr(t, a[1], 8, PROT_READ);
        if (!set) {
            return -EFAULT;
        }
        switch ((int)a[0]) {
        case GUEST_SIG_BLOCK: mask |= *set; break;
        case GUEST_SIG_UNBLOCK: mask &= ~*set; break;
        case GUEST_SIG_SETMASK: mask = *set; break;
        default: return -EINVAL;
        }
    }
    if (a[2]) {
        uint64_t *oset = user_ptr(t, a[2], 8, PROT_WRITE);
        if (!oset) {
            return -EFAULT;
        }
        *oset = old;
    }
    if (a[1]) {
        signal_set_mask(t, mask);
    }
    return 0;
}

int64_t sys_rt_sigpending(UserThread *t, const uint64_t *a)
{
    if (a[1] > 8) {
        return -EINVAL;
    }
    uint64_t *set = user_ptr(t, a[0], 8, PROT_WRITE);
    if (!set) {
        return -EFAULT;
    }
    sigset_t host;
    uint64_t pending = atomic_load(&t->pending);
    sigpending(&host);
    for (int sig = 1; sig <= USER_NSIG; sig++) {
        if (sigismember(&host, sig) == 1) {
            pending |= USER_SIG_BIT(sig);
        }
    }
    *set = pending & t->sigmask;
    return 0;
}

int64_t sys_rt_sigsuspend(UserThread *t, const uint64_t *a)
{
    if (a[1] != 8) {
        return -EINVAL;
    }
    const uint64_t *set = user_ptr(t, a[0], 8, PROT_READ);
    if (!set) {
        return -EFAULT;
    }
    sigset_t host;
    t->saved_sigmask = t->sigmask;
    t->in_sigsuspend = true;
    t->sigmask = *set & ~USER_SIG_UNBLOCKABLE;
    signal_host_mask(t->sigmask, &host);
    /* Returns when a host handler ran (it queued the guest signal). */
    if (!(atomic_load(&t->pending) & ~t->sigmask)) {
        sigsuspend(&host);
    }
    /* The mask stays the temporary one until the handler's frame is built
     * (it saves saved_sigmask), as Linux restores it on sigreturn. */
    return -EINTR;
}

int64_t sys_sigaltstack(UserThread *t, const uint64_t *a)
{
    /* stack_t: { void *ss_sp; int ss_flags; size_t ss_size; } */
    struct {
        uint64_t sp;
        int32_t flags, pad;
        uint64_t size;
    } *ss = NULL, *oss = NULL;
    if (a[0] && !(ss = user_ptr(t, a[0], 24, PROT_READ))) {
        return -EFAULT;
    }
    if (a[1] && !(oss = user_ptr(t, a[1], 24, PROT_WRITE))) {
        return -EFAULT;
    }
    uint64_t old_sp = t->altstack_sp, old_size = t->altstack_size;
    int old_flags = t->altstack_size ? t->altstack_flags : GUEST_SS_DISABLE;
    if (ss) {
        uint32_t flags = (uint32_t)ss->flags;
        uint32_t mode = flags & ~GUEST_SS_AUTODISARM;
        if (mode != 0 && mode != GUEST_SS_DISABLE && mode != GUEST_SS_ONSTACK) {
            return -EINVAL;
        }
        if (mode == GUEST_SS_DISABLE) {
            t->altstack_sp = 0;
            t->altstack_size = 0;
            t->altstack_flags = GUEST_SS_DISABLE;
        } else {
            if (ss->size < GUEST_MINSIGSTKSZ) {
                return -ENOMEM;
            }
            t->altstack_sp = ss->sp;
            t->altstack_size = ss->size;
            t->altstack_flags = (int)(flags & GUEST_SS_AUTODISARM);
        }
    }
    if (oss) {
        oss->sp = old_sp;
        oss->size = old_size;
        oss->flags = old_flags;
        oss->pad = 0;
    }
    return 0;
}

int64_t sys_rt_sigreturn(UserThread *t, const uint64_t *a)
{
    if (!user_syscall_hooks.sigreturn) {
        return -ENOSYS;
    }
    return user_syscall_hooks.sigreturn(t);
}
