/*
 * Guest signals: the dispositions the guest set (rt_sigaction), each
 * thread's mask and alternate stack, and the host side that makes them
 * real.  A signal the guest handles gets a host handler that only queues
 * it on the thread (UserThread.pending) and asks its CPU to stop at the
 * next block; the CPU loop then builds the riscv64 rt_sigframe
 * (sigframe.c).  SIG_IGN is ignored by the host too (so a write to a
 * closed pipe returns EPIPE), SIG_DFL keeps the host's default (so the
 * process dies of the signal, and a waiting parent sees it).  The guest's
 * mask is mirrored into the host thread's mask, so a blocked signal stays
 * pending in the host kernel as it would in the guest's.
 *
 * Threads: dispositions are per process (guarded by a lock); masks and
 * alternate stacks are per thread and touched by their own thread only.
 */
#ifndef USER_SIGNAL_H
#define USER_SIGNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "user/user.h"

#define USER_SIG_BIT(sig) (1ull << ((sig) - 1))
/* What can never be blocked or caught. */
#define USER_SIG_UNBLOCKABLE (USER_SIG_BIT(SIGKILL) | USER_SIG_BIT(SIGSTOP))

/* Called from the host handler for a queued signal (async-signal-safe):
 * the CPU loop sets it to kick the thread's CPU. */
extern void (*signal_kick_hook)(UserThread *t);

/* The thread that the host thread runs (thread-local), for host handlers. */
extern __thread UserThread *signal_current_thread;

/* The host's signal mask for a guest mask (never blocks the signals the
 * emulator needs for itself: SIGSEGV, SIGBUS, SIGILL, SIGFPE). */
void signal_host_mask(uint64_t guest_mask, sigset_t *host);
/* Set the thread's guest mask and mirror it into the host thread. */
void signal_set_mask(UserThread *t, uint64_t mask);

/* Queue a host signal for the current thread's guest, as the host handler
 * of guest-handled signals does (async-signal-safe): for the emulator's
 * own fault handlers when the signal was sent, not caused by a fault. */
void signal_queue_host(int sig, const siginfo_t *info);

/* The signal signal_take_pending would return next, or 0 (not cleared). */
int signal_peek_pending(const UserThread *t);
/* The next deliverable pending signal of t (unblocked), or 0; clears it. */
int signal_take_pending(UserThread *t);

#endif
