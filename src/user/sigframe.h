/*
 * The riscv64 signal frame, as Linux's arch/riscv/kernel/signal.c lays it
 * out on the user stack (uapi asm/ucontext.h, asm/sigcontext.h):
 *
 *   struct rt_sigframe {
 *       siginfo_t info;                 //   0: 128 bytes
 *       struct ucontext uc;             // 128: flags, link, stack (24),
 *   };                                  //      sigmask (8), 120 unused,
 *                                       // 304: uc_mcontext = sigcontext:
 *                                       //      regs: pc, x1..x31 (256)
 *                                       // 560: fp: f0..f31, fcsr (528, Q-sized)
 *
 * 1088 bytes, 16-aligned (USER_MINSIGSTKSZ).  Handlers are entered with
 * a0 = signal, a1 = &info, a2 = &uc, sp = the frame, ra = the sigreturn
 * trampoline ("li a7, 139; ecall"), since riscv64 has no sa_restorer and
 * we have no vDSO.  Works on a UserRegs copy of the CPU's registers, so
 * it needs no CPU and is tested alone.
 */
#ifndef USER_SIGFRAME_H
#define USER_SIGFRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "user/user.h"

typedef struct UserRegs {
    uint64_t pc;
    uint64_t x[32];             /* x[0] is ignored */
    uint64_t f[32];
    uint32_t fcsr;
} UserRegs;

#define SIGFRAME_SIZE 1088
#define SIGFRAME_UC 128                         /* offset of uc in the frame */
#define SIGFRAME_MCONTEXT (SIGFRAME_UC + 176)   /* offset of uc_mcontext */
#define SIGFRAME_FP (SIGFRAME_MCONTEXT + 256)

/* The two instructions of the sigreturn trampoline. */
#define SIGFRAME_TRAMPOLINE_LI_A7 0x08b00893u   /* addi a7, zero, 139 */
#define SIGFRAME_TRAMPOLINE_ECALL 0x00000073u

/* Push the frame for sig (info: 128 bytes of siginfo) and set regs for
 * the handler's entry; updates t's mask (and disposition for
 * SA_RESETHAND).  False when the stack is not writable (the caller then
 * forces SIGSEGV). */
bool sigframe_setup(UserThread *t, int sig, const UserSigaction *act, const void *info,
                    UserRegs *regs, GuestVaddr trampoline);
/* rt_sigreturn: reload regs, mask and alternate stack from the frame at
 * regs->x[2].  False when the frame is not readable. */
bool sigframe_restore(UserThread *t, UserRegs *regs);

#endif
