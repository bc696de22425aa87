/*
 * RISC-V address translation (Privileged ISA 1.12, 4.3.2 "virtual address
 * translation process", for Sv39/Sv48/Sv57 in 4.4-4.6), PMP included
 * (3.7), and the soft-MMU's tlb_fill.  See mmu.h.
 *
 * The walk, step by step as 4.3.2 numbers it: the address must be
 * canonical (bits 63..VA-bits all equal) or page-fault; each PTE read is an
 * implicit S-mode access checked by PMP (failure: access fault of the
 * original type) and must hit memory (else access fault): RAM is read by
 * host pointer (tlb_ram_host, no dispatch), anything else through the
 * memory API; V=0, W without
 * R, or any reserved bit (N, PBMT, bits 60:54: we implement neither Svnapot
 * nor Svpbmt) page-faults; a pointer with A, D or U set page-faults (as
 * QEMU); a leaf is checked for U/SUM, R/W/X with MXR, superpage alignment,
 * then A (and D for stores) is set with a compare-and-swap on the host
 * pointer (RAM only: a PTE in ROM or MMIO that needs A/D is an access
 * fault), retried if the PTE changed meanwhile.  The TLB entry only gets W when D is already set,
 * so the first store to a clean page comes back here to set D.
 *
 * MPRV needs nothing here: the MMU index carries the effective privilege
 * (riscv_cpu_mmu_index), and SUM too (RISCV_MMU_IDX_S_SUM); MXR is read
 * from mstatus, whose MXR changes flush the TLB.
 *
 * Also here: riscv_cpu_do_transaction_failed, bus errors as access faults.
 */
#include "guest/riscv/mmu.h"

#include "exec/exec.h"
#include "guest/riscv/csr.h"
#include "guest/riscv/pmp.h"
#include "guest/riscv/translate.h"
#include "memory/memory.h"

#define PROT_RWX (PAGE_READ | PAGE_WRITE | PAGE_EXEC)

unsigned riscv_mmu_idx_priv(unsigned mmu_idx)
{
    switch (mmu_idx) {
    case RISCV_MMU_IDX_U:
        return PRV_U;
    case RISCV_MMU_IDX_S:
    case RISCV_MMU_IDX_S_SUM:
        return PRV_S;
    default:
        return PRV_M;
    }
}

static int mmu_page_fault(MmuAccessType access)
{
    return access == MMU_INST_FETCH ? RISCV_EXCP_INST_PAGE_FAULT
           : access == MMU_DATA_STORE ? RISCV_EXCP_STORE_PAGE_FAULT
                                      : RISCV_EXCP_LOAD_PAGE_FAULT;
}

static int mmu_access_fault(MmuAccessType access)
{
    return access == MMU_INST_FETCH ? RISCV_EXCP_INST_ACCESS_FAULT
           : access == MMU_DATA_STORE ? RISCV_EXCP_STORE_AMO_ACCESS_FAULT
                                      : RISCV_EXCP_LOAD_ACCESS_FAULT;
}

/* The walk proper: -1 with *pa, *prot, *log2 set, or the exception.  A
 * debug walk (a debugger's or the monitor's view) changes nothing and
 * checks nothing but the page tables' structure: no PMP on the PTE reads,
 * no permission or U checks, no A/D updates. */
static int mmu_walk(RiscvCpu *cpu, GuestVaddr addr, MmuAccessType access, unsigned priv,
                    bool sum, unsigned mode, bool debug, GuestPaddr *pa, int *prot,
                    unsigned *log2)
{
    AddressSpace *as = cpu->parent.as;
    unsigned levels = mode - SATP_MODE_SV39 + 3;
    unsigned va_bits = 12 + 9 * levels;
    bool mxr = (cpu->mstatus & MSTATUS_MXR) != 0;
    GuestPaddr base = (cpu->satp & SATP_PPN) << 12;

    /* 4.4.1: bits 63..va_bits-1 must equal bit va_bits-1. */
    if ((uint64_t)((int64_t)(addr << (64 - va_bits)) >> (64 - va_bits)) != addr) {
        return mmu_page_fault(access);
    }
    if (!as) {
        return mmu_access_fault(access);
    }
    for (int i = (int)levels - 1; i >= 0; i--) {
        GuestPaddr pte_addr = base + ((addr >> (12 + 9 * i)) & 511) * 8;
        uint64_t pte, ppn;

    reread:
        if (!debug && !riscv_pmp_allows(cpu, pte_addr, 8, MMU_DATA_LOAD, PRV_S)) {
            return mmu_access_fault(access);
        }
        /* RAM (the usual home of page tables) by host pointer; anything
         * else (ROM too, MMIO, holes) through the memory API.  RAM is
         * little-endian like the hosts we run on. */
        const uint64_t *pte_host = tlb_ram_host(&cpu->parent, pte_addr, 8, false);
        if (pte_host) {
            pte = __atomic_load_n(pte_host, __ATOMIC_RELAXED);
        } else if (address_space_load(as, pte_addr, 8, MEMTXATTRS_UNSPECIFIED, &pte) !=
                   MEMTX_OK) {
            return mmu_access_fault(access);
        }
        if (!(pte & PTE_V) || ((pte & PTE_W) && !(pte & PTE_R)) ||
            (pte & (PTE_RESERVED | PTE_PBMT | PTE_N))) {
            return mmu_page_fault(access);
        }
        ppn = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT;
        if (!(pte & (PTE_R | PTE_X))) {
            /* A pointer to the next level. */
            if ((pte & (PTE_A | PTE_D | PTE_U)) || i == 0) {
                return mmu_page_fault(access);
            }
            base = ppn << 12;
            continue;
        }

        /* A leaf. 4.3.2 step 6: misaligned superpage. */
        if (i > 0 && (ppn & ((1ull << (9 * i)) - 1))) {
            return mmu_page_fault(access);
        }
        if (debug) {
            *prot = PROT_RWX;
            *log2 = 12 + 9 * (unsigned)i;
            *pa = (ppn << 12) | (addr & ((1ull << *log2) - 1));
            return -1;
        }
        /* 4.3.2 step 5 and 4.1.1.2: U pages are for U, and for S data with
         * SUM; never fetched in S. */
        if (pte & PTE_U) {
            if (priv == PRV_S && (!sum || access == MMU_INST_FETCH)) {
                return mmu_page_fault(access);
            }
        } else if (priv == PRV_U) {
            return mmu_page_fault(access);
        }
        switch (access) {
        case MMU_INST_FETCH:
            if (!(pte & PTE_X)) {
                return mmu_page_fault(access);
            }
            break;
        case MMU_DATA_LOAD:
            if (!(pte & PTE_R) && !(mxr && (pte & PTE_X))) {
                return mmu_page_fault(access);
            }
            break;
        default:
            if (!(pte & PTE_W)) {
                return mmu_page_fault(access);
            }
            break;
        }

        /* 4.3.2 step 7: A, and D for a store, set atomically. */
        uint64_t want = pte | PTE_A | (access == MMU_DATA_STORE ? PTE_D : 0);
        if (want != pte) {
            if (!riscv_pmp_allows(cpu, pte_addr, 8, MMU_DATA_STORE, PRV_S)) {
                return mmu_access_fault(access);
            }
            uint64_t *host = tlb_ram_host(&cpu->parent, pte_addr, 8, true);
            if (!host) {
                /* A PTE outside RAM (ROM, MMIO) cannot be updated. */
                return mmu_access_fault(access);
            }
            /* NOTE: RAM is little-endian like the hosts we run on.  A PTE
             * update does not invalidate translated code on its page. */
            uint64_t expected = pte;
            if (!__atomic_compare_exchange_n(host, &expected, want, false, __ATOMIC_SEQ_CST,
                                             __ATOMIC_SEQ_CST)) {
                goto reread;    /* changed under us: check the new value */
            }
            pte = want;
        }

        *prot = 0;
        if ((pte & PTE_R) || (mxr && (pte & PTE_X))) {
            *prot |= PAGE_READ;
        }
        if ((pte & PTE_W) && (pte & PTE_D)) {
            *prot |= PAGE_WRITE;
        }
        if ((pte & PTE_X) && !(priv == PRV_S && (pte & PTE_U))) {
            *prot |= PAGE_EXEC;
        }
        *log2 = 12 + 9 * (unsigned)i;
        *pa = (ppn << 12) | (addr & ((1ull << *log2) - 1));
        return -1;
    }
    return mmu_page_fault(access);      /* not reached: level 0 returns */
}

int riscv_mmu_translate(RiscvCpu *cpu, GuestVaddr addr, unsigned size, MmuAccessType access,
                        unsigned mmu_idx, RiscvTranslation *t)
{
    unsigned priv = riscv_mmu_idx_priv(mmu_idx);
    unsigned mode = (unsigned)(cpu->satp >> SATP_MODE_SHIFT);
    GuestPaddr pa = addr;
    int prot = PROT_RWX;
    unsigned log2 = GUEST_PAGE_BITS;
    bool uniform;
    int pmp_prot;

    if (priv != PRV_M && mode != SATP_MODE_BARE) {
        int excp = mmu_walk(cpu, addr, access, priv, mmu_idx == RISCV_MMU_IDX_S_SUM, mode,
                            false, &pa, &prot, &log2);
        if (excp >= 0) {
            return excp;
        }
    }

    /* 3.7.1: PMP on the physical access, at the effective privilege. */
    if (!riscv_pmp_allows(cpu, pa, size, access, priv)) {
        return mmu_access_fault(access);
    }
    /* Fetching from a hole is an instruction access fault (loads and stores
     * there fail in riscv_cpu_do_transaction_failed; code fetch does not
     * report bus errors, so catch it here, and keep EXEC out of entries a
     * data access makes for a hole). */
    if (cpu->parent.as && !tlb_ram_host(&cpu->parent, pa, 1, false)) {
        uint64_t xlat, len;
        bool ro;
        if (!address_space_translate(cpu->parent.as, pa, &xlat, &len, &ro)) {
            if (access == MMU_INST_FETCH) {
                return mmu_access_fault(access);
            }
            prot &= ~PAGE_EXEC;
        }
    }
    pmp_prot = riscv_pmp_page_prot(cpu, pa & GUEST_PAGE_MASK, priv, &uniform);
    if (uniform) {
        prot &= pmp_prot;
    } else {
        /* PMP decides differently within this page: a one-shot entry for
         * this access alone, so every access comes back to the PMP check
         * (3.7.1.2: an entry must match all bytes of an access, e.g. an
         * 8-byte load over a 4-byte NA4 region fails even after 4-byte
         * loads of it succeeded). */
        prot &= access == MMU_INST_FETCH ? PAGE_EXEC
                : access == MMU_DATA_STORE ? PAGE_WRITE
                                           : PAGE_READ;
        log2 = 0;
    }
    t->paddr = pa;
    t->prot = prot;
    t->page_size_log2 = log2;
    return -1;
}

int64_t riscv_cpu_get_phys_page_debug(CpuState *cs, GuestVaddr addr)
{
    RiscvCpu *cpu = riscv_cpu(cs);
    unsigned priv = riscv_mmu_idx_priv(riscv_cpu_mmu_index(cpu, false));
    unsigned mode = (unsigned)(cpu->satp >> SATP_MODE_SHIFT);
    GuestPaddr pa = addr;
    int prot;
    unsigned log2;

    if (priv != PRV_M && mode != SATP_MODE_BARE &&
        mmu_walk(cpu, addr, MMU_DATA_LOAD, priv, true, mode, true, &pa, &prot, &log2) >= 0) {
        return -1;
    }
    return (int64_t)(pa & GUEST_PAGE_MASK);
}

bool riscv_cpu_tlb_fill(CpuState *cs, GuestVaddr addr, unsigned size, MmuAccessType access,
                        unsigned mmu_idx, bool probe, uintptr_t ra)
{
    RiscvCpu *cpu = riscv_cpu(cs);
    RiscvTranslation t;
    int excp = riscv_mmu_translate(cpu, addr, size, access, mmu_idx, &t);

    if (excp < 0) {
        tlb_set_page(cs, addr & GUEST_PAGE_MASK, t.paddr & GUEST_PAGE_MASK, t.prot, mmu_idx,
                     t.page_size_log2);
        return true;
    }
    if (probe) {
        return false;
    }
    cpu->trap_tval = addr;
    cs->exception_index = excp;
    cpu_loop_exit_restore(cs, ra);
}

/* CpuOps.mmu_index: the index of instruction fetch or of data accesses. */
unsigned riscv_cpu_mmu_index_op(CpuState *cs, bool ifetch)
{
    return riscv_cpu_mmu_index(riscv_cpu(cs), ifetch);
}

/*
 * A bus error (nothing at the physical address, or a device refusing the
 * access): the access fault of the access's type with tval the virtual
 * address, as QEMU's RISC-V harts do (the Privileged ISA leaves bus errors
 * to the platform; OpenSBI and Linux probe nothing that relies on reads of
 * holes returning 0).
 */
void riscv_cpu_do_transaction_failed(CpuState *cs, GuestPaddr paddr, GuestVaddr addr,
                                     unsigned size, MmuAccessType access, unsigned mmu_idx,
                                     MemTxAttrs attrs, MemTxResult response, uintptr_t ra)
{
    RiscvCpu *cpu = riscv_cpu(cs);

    cpu->trap_tval = addr;
    cs->exception_index = mmu_access_fault(access);
    cpu_loop_exit_restore(cs, ra);
}
