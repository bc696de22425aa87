/*
 * The user-mode CPU loop: runs a guest thread's RiscvCpu through the exec
 * loop, turning ecall into system calls, guest faults into signals, and
 * delivering pending signals between translated blocks.
 *
 * Threads: user_cpu_loop_start runs on the main thread and does not return
 * unless the guest cannot start (then it returns an exit status).
 */
#ifndef USER_CPU_LOOP_H
#define USER_CPU_LOOP_H

#include "guest/riscv/cpu.h"
#include "user/user.h"

/* The extensions a user-mode hart has before -cpu's options (RV64GC with
 * the Z extensions Linux exposes, no S). */
void user_cpu_init_features(RiscvCpu *cpu);

/* Create the first thread's CPU at the loaded image's entry and run it. */
int user_cpu_loop_start(UserProcess *p);

#endif
