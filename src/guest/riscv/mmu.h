/*
 * RISC-V address translation (Privileged ISA 1.12, 4.3-4.6): Bare, Sv39,
 * Sv48 and Sv57 page-table walks with hardware A/D updates, the permission
 * rules (R/W/X/U, SUM, MXR, MPRV through the MMU index), and PMP on the
 * walk's own accesses and on the result.  riscv_cpu_tlb_fill (the CpuOps
 * hook) enters what riscv_mmu_translate finds into the soft TLB or raises
 * the fault.
 *
 * Threads: the hart's vCPU thread.  Page tables are read through the
 * hart's AddressSpace; A/D updates are compare-and-swap on the PTE in RAM,
 * so they are atomic against other harts' walks and stores.
 */
#ifndef GUEST_RISCV_MMU_H
#define GUEST_RISCV_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/softmmu.h"
#include "guest/riscv/cpu.h"

/* PTE bits (4.3.1, 4.4.1). */
#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK (((1ull << 44) - 1) << PTE_PPN_SHIFT)
#define PTE_RESERVED (0x7full << 54)
#define PTE_PBMT (3ull << 61)
#define PTE_N (1ull << 63)

typedef struct RiscvTranslation {
    GuestPaddr paddr;           /* of the accessed byte */
    int prot;                   /* PAGE_* rights for the TLB entry */
    unsigned page_size_log2;    /* 12, or the superpage's size */
} RiscvTranslation;

/* The privilege an MMU index stands for (PRV_*). */
unsigned riscv_mmu_idx_priv(unsigned mmu_idx);

/*
 * Translate addr for an access of size bytes (within one page) of type
 * access with MMU index mmu_idx.  Returns -1 and fills *t, or the
 * exception cause to raise (page fault or access fault of the access's
 * type; tval is addr).  A/D bits are set in guest memory as a side effect.
 */
int riscv_mmu_translate(RiscvCpu *cpu, GuestVaddr addr, unsigned size, MmuAccessType access,
                        unsigned mmu_idx, RiscvTranslation *t);

#endif
