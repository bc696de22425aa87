/*
 * Shared by the privileged-architecture guest tests (priv_*.c): running a
 * function in S or U mode and coming back to M (run_in), an M-mode trap
 * hook that records each trap and steps over the faulting instruction, an
 * S-mode trap vector doing the same for delegated traps, and the PMP entry
 * that lets S and U reach all memory (a hart with active PMP entries, or a
 * strict reading of 3.7.1, denies S/U accesses nothing matches).
 *
 * Include once per test program (it defines functions and asm symbols).
 */
#ifndef TESTS_RISCV_PRIV_COMMON_H
#define TESTS_RISCV_PRIV_COMMON_H

#include "testlib.h"

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MSTATUS_SIE (1ul << 1)
#define MSTATUS_MIE (1ul << 3)
#define MSTATUS_SPIE (1ul << 5)
#define MSTATUS_MPIE (1ul << 7)
#define MSTATUS_SPP (1ul << 8)
#define MSTATUS_MPP (3ul << 11)
#define MSTATUS_MPRV (1ul << 17)
#define MSTATUS_SUM (1ul << 18)
#define MSTATUS_MXR (1ul << 19)
#define MSTATUS_TVM (1ul << 20)
#define MSTATUS_TW (1ul << 21)
#define MSTATUS_TSR (1ul << 22)

#define CAUSE_INT (1ul << 63)
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_ECALL_M 11
#define EXC_INST_PAGE 12
#define EXC_LOAD_PAGE 13
#define EXC_STORE_PAGE 15

#define RUN_DONE 0x5a5a     /* a7 of the ecall that ends run_in */

typedef struct TrapInfo {
    uint64_t cause, epc, tval, prev_priv, count;
} TrapInfo;

/* The last trap taken in M (m_trap) and in S (s_trap, written by the asm
 * vector below: cause, epc, tval, sstatus, count). */
static volatile TrapInfo m_trap;
volatile TrapInfo s_trap;
/* Called for interrupts taken in M; must quiet the source. */
static void (*m_irq_hook)(uint64_t cause);
uint64_t run_return_pc;

static bool priv_m_handler(TrapFrame *f, uint64_t cause, uint64_t epc, uint64_t tval)
{
    uint64_t ms = csr_read(mstatus);

    if ((cause == EXC_ECALL_U || cause == EXC_ECALL_S) && f->regs[17] == RUN_DONE) {
        csr_write(mepc, run_return_pc);
        csr_set(mstatus, MSTATUS_MPP);
        return true;
    }
    m_trap.cause = cause;
    m_trap.epc = epc;
    m_trap.tval = tval;
    m_trap.prev_priv = (ms & MSTATUS_MPP) >> 11;
    m_trap.count++;
    if (cause & CAUSE_INT) {
        if (m_irq_hook) {
            m_irq_hook(cause);
            return true;
        }
        return false;
    }
    /* a fetch fault: return to the caller of the unfetchable code */
    if (cause == EXC_INST_ACCESS || cause == EXC_INST_PAGE) {
        csr_write(mepc, f->regs[1]);
        return true;
    }
    /* step over the faulting instruction (code is identity-mapped) */
    uint16_t lo = *(volatile uint16_t *)epc;
    csr_write(mepc, epc + ((lo & 3) == 3 ? 4 : 2));
    return true;
}

/* S-mode vector: records the trap; exceptions step over a 4-byte
 * instruction, interrupts clear sie; the ecall ending run_in is passed on
 * to M with an ecall from S. */
__asm__(
    "    .text\n"
    "    .align 4\n"
    "    .globl s_trap_entry\n"
    "s_trap_entry:\n"
    "    addi sp, sp, -16\n"
    "    sd t0, 0(sp)\n"
    "    sd t1, 8(sp)\n"
    "    li t0, 0x5a5a\n"
    "    bne a7, t0, 1f\n"
    "    ld t0, 0(sp)\n"
    "    ld t1, 8(sp)\n"
    "    addi sp, sp, 16\n"
    "    ecall\n"
    "1:  la t1, s_trap\n"
    "    csrr t0, scause\n"
    "    sd t0, 0(t1)\n"
    "    csrr t0, sepc\n"
    "    sd t0, 8(t1)\n"
    "    csrr t0, stval\n"
    "    sd t0, 16(t1)\n"
    "    csrr t0, sstatus\n"
    "    sd t0, 24(t1)\n"
    "    ld t0, 32(t1)\n"
    "    addi t0, t0, 1\n"
    "    sd t0, 32(t1)\n"
    "    csrr t0, scause\n"
    "    bltz t0, 2f\n"
    "    csrr t0, sepc\n"
    "    addi t0, t0, 4\n"
    "    csrw sepc, t0\n"
    "    j 3f\n"
    "2:  csrw sie, zero\n"
    "3:  ld t0, 0(sp)\n"
    "    ld t1, 8(sp)\n"
    "    addi sp, sp, 16\n"
    "    sret\n"
    "    .globl priv_trampoline\n"
    "priv_trampoline:\n"
    "    jalr a0\n"
    "    li a7, 0x5a5a\n"
    "    ecall\n"
    "4:  j 4b\n");
void s_trap_entry(void);
void priv_trampoline(void);

/* Call fn() in privilege priv (PRV_S or PRV_U) and come back to M. */
__attribute__((noinline, unused)) static void run_in(unsigned priv, void (*fn)(void))
{
    uint64_t ms = csr_read(mstatus);
    register uint64_t a0 __asm__("a0") = (uint64_t)fn;

    csr_write(mstatus, (ms & ~MSTATUS_MPP) | ((uint64_t)priv << 11));
    __asm__ volatile("li a7, 0\n"
                     "la t0, 1f\n"
                     "sd t0, 0(%1)\n"
                     "la t0, priv_trampoline\n"
                     "csrw mepc, t0\n"
                     "mret\n"
                     "1:\n"
                     : "+r"(a0)
                     : "r"(&run_return_pc)
                     : "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a1", "a2", "a3",
                       "a4", "a5", "a6", "a7", "memory");
}

/* PMP entry 15: NAPOT over all memory, RWX, so S and U may touch it. */
static void pmp_allow_all(void)
{
    csr_write(pmpaddr15, ~0ul);
    csr_write(pmpcfg2, csr_read(pmpcfg2) | (0x1ful << 56));
}

static void priv_setup(void)
{
    test_set_trap_handler(priv_m_handler);
    csr_write(stvec, (uint64_t)s_trap_entry);
    pmp_allow_all();
}

#endif
