/*
 * The register workload of the fault-registers tests (tests/user/faultregs.c
 * in user mode, tests/riscv/priv_fault_regs.c in system mode): 26 registers
 * set in one block (li, and add of two of them), a load fault, the registers
 * stored to memory, each changed by xori or addi, a store fault, stored
 * again.  The asm and the values each register must hold at either fault
 * come from the same lists below, so they cannot drift apart.  x10 carries
 * the addresses; x2-x4 and x8 (sp, gp, tp, fp) stay the C code's.
 */
#ifndef TESTS_COMMON_FAULT_REGS_H
#define TESTS_COMMON_FAULT_REGS_H

#include <stdint.h>

/* X(a, b, c, va, vb): li xa, va; li xb, vb; add xc, xb, xa */
#define FAULT_REGS_SET3(X)                                  \
    X(1, 5, 6, 0x123446789ab97b5, 0x5b05e05b05b5ff1)        \
    X(7, 9, 11, 0x7f6e2d4c3b2fbd3, 0xa3d79a3d70a673d)       \
    X(12, 13, 14, 0xda74cda740dfd6e, 0xeca8b41fdb92f79)     \
    X(15, 16, 17, 0x11111e1111114b5b, 0x123446789abc84aa)   \
    X(18, 19, 20, 0x147af347ae142094, 0x159e35af37c012e7)   \
    X(21, 22, 23, 0x17e4a47e4b17bec1, 0x1907e0e5d4c3e8d0)   \
    X(24, 25, 26, 0x1b4e99b4e81b1432, 0x1c71de1c71c7460d)   \
    X(27, 28, 29, 0x1eb84aeb851ee26f, 0x1fdb8b530ecadc7e)
/* X(r, v): li xr, v */
#define FAULT_REGS_SET1(X) X(30, 0x22223c2222227858) X(31, 0x23457889abcdb5ab)
/* X(r, op): every register of the workload and how it changes between the
 * faults (xori: ^= -r, addi: += r) */
#define FAULT_REGS_EACH(X)                                                       \
    X(1, xori) X(5, addi) X(6, xori) X(7, addi) X(9, xori) X(11, addi)           \
    X(12, xori) X(13, addi) X(14, xori) X(15, addi) X(16, xori) X(17, addi)      \
    X(18, xori) X(19, addi) X(20, xori) X(21, addi) X(22, xori) X(23, addi)      \
    X(24, xori) X(25, addi) X(26, xori) X(27, addi) X(28, xori) X(29, addi)      \
    X(30, xori) X(31, addi)

/* ---- the asm -------------------------------------------------------------- */
#define FAULT_REGS_ASM_SET3_(a, b, c, va, vb) \
    "li x" #a ", " #va "\n" "li x" #b ", " #vb "\n" "add x" #c ", x" #b ", x" #a "\n"
#define FAULT_REGS_ASM_SET1_(r, v) "li x" #r ", " #v "\n"
#define FAULT_REGS_ASM_STORE_(r, op) "sd x" #r ", 8*" #r "(x10)\n"
#define FAULT_REGS_ASM_xori_(r) "xori x" #r ", x" #r ", -" #r "\n"
#define FAULT_REGS_ASM_addi_(r) "addi x" #r ", x" #r ", " #r "\n"
#define FAULT_REGS_ASM_CHANGE_(r, op) FAULT_REGS_ASM_##op##_(r)

/* Sets every register of the workload. */
#define FAULT_REGS_ASM_SET \
    FAULT_REGS_SET3(FAULT_REGS_ASM_SET3_) FAULT_REGS_SET1(FAULT_REGS_ASM_SET1_)
/* Stores register r at 8 * r in the uint64_t[32] that x10 points to. */
#define FAULT_REGS_ASM_STORE FAULT_REGS_EACH(FAULT_REGS_ASM_STORE_)
/* Changes every register between the faults. */
#define FAULT_REGS_ASM_CHANGE FAULT_REGS_EACH(FAULT_REGS_ASM_CHANGE_)
#define FAULT_REGS_CLOBBERS                                                        \
    "x1", "x5", "x6", "x7", "x9", "x11", "x12", "x13", "x14", "x15", "x16", "x17", \
    "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",   \
    "x29", "x30", "x31", "x10", "memory"

/* ---- the values ----------------------------------------------------------- */
#define FAULT_REGS_NUM_(r, op) r,
static const int fault_regs[] = { FAULT_REGS_EACH(FAULT_REGS_NUM_) };
#define FAULT_REGS_COUNT (sizeof(fault_regs) / sizeof(fault_regs[0]))

/* What the registers hold at the load fault (the load's destination keeps
 * its old value) and at the store fault. */
static inline void fault_regs_expected(uint64_t at_load[32], uint64_t at_store[32])
{
#define FAULT_REGS_VAL_SET3_(a, b, c, va, vb) \
    at_load[a] = (uint64_t)(va); at_load[b] = (uint64_t)(vb); at_load[c] = (uint64_t)(vb) + (uint64_t)(va);
#define FAULT_REGS_VAL_SET1_(r, v) at_load[r] = (uint64_t)(v);
#define FAULT_REGS_VAL_xori_(r) at_store[r] = at_load[r] ^ (uint64_t)-(r);
#define FAULT_REGS_VAL_addi_(r) at_store[r] = at_load[r] + (r);
#define FAULT_REGS_VAL_CHANGE_(r, op) FAULT_REGS_VAL_##op##_(r)
    for (int i = 0; i < 32; i++) {
        at_load[i] = at_store[i] = 0;
    }
    FAULT_REGS_SET3(FAULT_REGS_VAL_SET3_)
    FAULT_REGS_SET1(FAULT_REGS_VAL_SET1_)
    FAULT_REGS_EACH(FAULT_REGS_VAL_CHANGE_)
}

#endif
