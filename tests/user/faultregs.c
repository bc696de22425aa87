/* Registers at faulting guest loads and stores.  Morpho's JIT keeps guest
 * registers in host registers across guest memory accesses and writes them
 * into the CPU state only when an access faults (from the host signal's
 * registers), so a SIGSEGV handler must still see, in its signal frame,
 * every register written in the same block before the faulting insn, the
 * load destination's old value, the pc of the access and its address.
 * The handler skips the access; the registers are stored again after
 * sigreturn and checked too.  The workload (26 registers set by li and
 * add, a load fault, xori/addi, a store fault) is tests/common/fault_regs.h.
 * Then an AMO, which the JIT does in C: its fault must name the AMO too
 * (not an earlier insn of the block, which would then run twice).  Last,
 * a list walk that faults at its end, after many iterations of a loop the
 * JIT runs as one block chained to itself, keeping a5 and a2 (written
 * before they are read) in registers over its back edge: the handler must
 * see a2's value from the iteration before. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

#include "fault_regs.h"

static uint64_t expect_ld[32], expect_sd[32];

uint64_t after_ld[32], after_sd[32];
extern char fault_ld[], fault_sd[], fault_amo[];
static uint64_t seen[3][32];
static uintptr_t seen_addr[3];
static volatile int nfaults;

extern char walk_fault[], walk_done[];
static uint64_t walk_regs[32];
static uintptr_t walk_addr;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    if (uc->uc_mcontext.__gregs[0] == (uintptr_t)walk_fault) {
        memcpy(walk_regs, uc->uc_mcontext.__gregs, sizeof(walk_regs));
        walk_addr = (uintptr_t)si->si_addr;
        uc->uc_mcontext.__gregs[0] = (uintptr_t)walk_done;
        return;
    }
    if (nfaults < 3) {
        memcpy(seen[nfaults], uc->uc_mcontext.__gregs, sizeof(seen[0]));
        seen_addr[nfaults] = (uintptr_t)si->si_addr;
    }
    nfaults++;
    uc->uc_mcontext.__gregs[0] += 4;    /* skip the access (not compressed) */
}

static __attribute__((noinline)) void run(void)
{
    __asm__ volatile(".option push\n"
                     ".option norvc\n"
                     FAULT_REGS_ASM_SET
                     "li x10, 0x10\n"
                     "addi x10, x10, 8\n"
                     "fault_ld: ld x5, 0(x10)\n"
                     "la x10, after_ld\n"
                     FAULT_REGS_ASM_STORE
                     FAULT_REGS_ASM_CHANGE
                     "li x10, 0x20\n"
                     "fault_sd: sd x7, 0(x10)\n"
                     "la x10, after_sd\n"
                     FAULT_REGS_ASM_STORE
                     ".option pop\n"
                     :
                     :
                     : FAULT_REGS_CLOBBERS);
}

static __attribute__((noinline)) void run_amo(void)
{
    __asm__ volatile(".option push\n"
                     ".option norvc\n"
                     "li a5, 1234\n"
                     "addi a5, a5, 1\n"
                     "li a2, 77\n"
                     "li a3, 5\n"
                     "li a4, 0x28\n"
                     "fault_amo: amoadd.d a2, a3, (a4)\n"
                     "addi a5, a5, 1\n"
                     ".option pop\n"
                     :
                     :
                     : "a2", "a3", "a4", "a5", "memory");
}

/* Follows next pointers from a0 until one faults; returns the count. */
static __attribute__((noinline)) uint64_t walk(void *list)
{
    uint64_t n;
    __asm__ volatile("mv a3, %1\n"
                     "li a4, 0\n"
                     "li a2, 0x777\n"
                     "1: mv a5, a3\n"
                     "walk_fault: ld a2, 0(a5)\n"
                     "addi a4, a4, 1\n"
                     "mv a3, a2\n"
                     "j 1b\n"
                     "walk_done: mv %0, a4\n"
                     : "=r"(n)
                     : "r"(list)
                     : "a2", "a3", "a4", "a5", "memory");
    return n;
}

/* Prints the registers that differ; returns how many. */
static int check(const char *what, const uint64_t *got, const uint64_t *want)
{
    int bad = 0;
    for (size_t k = 0; k < FAULT_REGS_COUNT; k++) {
        int i = fault_regs[k];
        if (got[i] != want[i]) {
            printf("%s: x%d = %#llx, expected %#llx\n", what, i, (unsigned long long)got[i],
                   (unsigned long long)want[i]);
            bad++;
        }
    }
    return bad;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    fault_regs_expected(expect_ld, expect_sd);
    run();
    printf("load: pc %s, x10 %#llx, address %#lx\n",
           seen[0][0] == (uintptr_t)fault_ld ? "ok" : "wrong",
           (unsigned long long)seen[0][10], (unsigned long)seen_addr[0]);
    int bad = check("load, in the handler", seen[0], expect_ld);
    bad += check("load, after the handler", after_ld, expect_ld);
    printf("store: pc %s, x10 %#llx, address %#lx\n",
           seen[1][0] == (uintptr_t)fault_sd ? "ok" : "wrong",
           (unsigned long long)seen[1][10], (unsigned long)seen_addr[1]);
    bad += check("store, in the handler", seen[1], expect_sd);
    bad += check("store, after the handler", after_sd, expect_sd);
    run_amo();
    printf("amo: pc %s, a5 %llu, a2 %llu, address %#lx\n",
           seen[2][0] == (uintptr_t)fault_amo ? "ok" : "wrong",
           (unsigned long long)seen[2][15], (unsigned long long)seen[2][12],
           (unsigned long)seen_addr[2]);
    static void *nodes[200];
    for (int i = 0; i < 199; i++) {
        nodes[i] = &nodes[i + 1];
    }
    nodes[199] = (void *)0x18;
    uint64_t n = walk(nodes);
    printf("walk: %llu nodes, a5 %#llx, a2 %#llx, a3 %#llx, address %#lx\n",
           (unsigned long long)n, (unsigned long long)walk_regs[15],
           (unsigned long long)walk_regs[12], (unsigned long long)walk_regs[13],
           (unsigned long)walk_addr);
    printf("faults: %d\n", nfaults);
    printf("registers: %s\n", bad ? "WRONG" : "ok");
    return bad != 0;
}
