/*
 * riscv64 rt_sigframe setup and rt_sigreturn (see sigframe.h), following
 * arch/riscv/kernel/signal.c: get_sigframe (alternate stack when asked
 * and not already on it, 16-byte alignment), setup_rt_frame, and
 * restore_sigcontext.  The FP area is written in the D layout (f0..f31 as
 * 64-bit, then fcsr) inside the Q-sized union; the rest of the union stays
 * zero, which reads as the END context header to code that walks it.
 */
#include "user/sigframe.h"

#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "user/elfload.h"
#include "user/signal.h"
#include "user/syscall.h"

#define GUEST_SS_ONSTACK 1
#define GUEST_SS_DISABLE 2
#define GUEST_SS_AUTODISARM (1u << 31)

_Static_assert(SIGFRAME_SIZE == USER_MINSIGSTKSZ, "AT_MINSIGSTKSZ is the frame's size");
_Static_assert(SIGFRAME_FP + 528 == SIGFRAME_SIZE, "frame ends after the FP union");

static bool on_altstack(const UserThread *t, uint64_t sp)
{
    return t->altstack_size && sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size;
}

bool sigframe_setup(UserThread *t, int sig, const UserSigaction *act, const void *info,
                    UserRegs *regs, GuestVaddr trampoline)
{
    uint64_t sp = regs->x[2];
    bool was_on_alt = on_altstack(t, sp);

    if ((act->flags & SA_ONSTACK) && t->altstack_size && !was_on_alt) {
        sp = t->altstack_sp + t->altstack_size;
    }
    sp = (sp - SIGFRAME_SIZE) & ~15ull;
    uint8_t *frame = user_ptr(t, sp, SIGFRAME_SIZE, PROT_READ | PROT_WRITE);
    if (!frame) {
        return false;
    }
    memset(frame, 0, SIGFRAME_SIZE);
    memcpy(frame, info, 128);

    uint8_t *uc = frame + SIGFRAME_UC;
    /* uc_flags, uc_link stay 0; uc_stack as sigaltstack would report it. */
    uint64_t ss_sp = t->altstack_sp, ss_size = t->altstack_size;
    int32_t ss_flags = !t->altstack_size ? GUEST_SS_DISABLE
                       : was_on_alt      ? GUEST_SS_ONSTACK
                                         : 0;
    ss_flags |= t->altstack_flags & (int)GUEST_SS_AUTODISARM;
    memcpy(uc + 16, &ss_sp, 8);
    memcpy(uc + 24, &ss_flags, 4);
    memcpy(uc + 32, &ss_size, 8);
    uint64_t old_mask = t->in_sigsuspend ? t->saved_sigmask : t->sigmask;
    memcpy(uc + 40, &old_mask, 8);

    uint64_t *gregs = (uint64_t *)(frame + SIGFRAME_MCONTEXT);
    gregs[0] = regs->pc;
    for (int i = 1; i < 32; i++) {
        gregs[i] = regs->x[i];
    }
    uint8_t *fp = frame + SIGFRAME_FP;
    memcpy(fp, regs->f, sizeof(regs->f));
    memcpy(fp + 256, &regs->fcsr, 4);

    /* The alternate stack is disarmed while in use with SS_AUTODISARM. */
    if ((act->flags & SA_ONSTACK) && (t->altstack_flags & (int)GUEST_SS_AUTODISARM) &&
        !was_on_alt) {
        t->altstack_sp = 0;
        t->altstack_size = 0;
        t->altstack_flags = GUEST_SS_DISABLE;
    }

    regs->x[1] = trampoline;                    /* ra */
    regs->x[2] = sp;                            /* sp */
    regs->x[10] = (uint64_t)sig;                /* a0 */
    regs->x[11] = sp;                           /* a1: &info */
    regs->x[12] = sp + SIGFRAME_UC;             /* a2: &uc */
    regs->pc = act->handler;

    uint64_t mask = old_mask | act->mask;
    if (!(act->flags & SA_NODEFER)) {
        mask |= USER_SIG_BIT(sig);
    }
    t->in_sigsuspend = false;
    signal_set_mask(t, mask);
    if (act->flags & SA_RESETHAND) {
        t->proc->sigactions[sig].handler = 0;   /* SIG_DFL */
    }
    return true;
}

bool sigframe_restore(UserThread *t, UserRegs *regs)
{
    uint64_t sp = regs->x[2];
    const uint8_t *frame = user_ptr(t, sp, SIGFRAME_SIZE, PROT_READ);
    if (!frame) {
        return false;
    }
    const uint8_t *uc = frame + SIGFRAME_UC;
    uint64_t mask, ss_sp, ss_size;
    int32_t ss_flags;
    memcpy(&mask, uc + 40, 8);
    memcpy(&ss_sp, uc + 16, 8);
    memcpy(&ss_flags, uc + 24, 4);
    memcpy(&ss_size, uc + 32, 8);

    const uint64_t *gregs = (const uint64_t *)(frame + SIGFRAME_MCONTEXT);
    regs->pc = gregs[0];
    for (int i = 1; i < 32; i++) {
        regs->x[i] = gregs[i];
    }
    const uint8_t *fp = frame + SIGFRAME_FP;
    memcpy(regs->f, fp, sizeof(regs->f));
    memcpy(&regs->fcsr, fp + 256, 4);

    signal_set_mask(t, mask);
    /* restore_altstack: as a sigaltstack call, ignoring failures. */
    if ((ss_flags & ~(int32_t)GUEST_SS_AUTODISARM) == GUEST_SS_DISABLE || ss_size == 0) {
        t->altstack_sp = 0;
        t->altstack_size = 0;
        t->altstack_flags = GUEST_SS_DISABLE;
    } else if (ss_size >= 2048) {
        t->altstack_sp = ss_sp;
        t->altstack_size = ss_size;
        t->altstack_flags = ss_flags & (int32_t)GUEST_SS_AUTODISARM;
    }
    return true;
}
