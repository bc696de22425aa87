/*
 * Physical memory protection (Privileged ISA 1.12, 3.7); see pmp.h for the
 * matching rule.  Ranges are computed as inclusive [first, last] so the
 * NAPOT entry that covers everything does not overflow.  pmpaddr holds
 * bits 55:2 of an address (54 bits, granule 4 bytes: every bit writable).
 */
#include "guest/riscv/pmp.h"

#include <string.h>

#include "guest/riscv/csr.h"

#define PMPADDR_MASK ((1ull << 54) - 1)

static unsigned pmp_mode(const RiscvCpu *cpu, unsigned i)
{
    return (cpu->pmpcfg[i] & PMP_A) >> PMP_A_SHIFT;
}

static bool pmp_locked(const RiscvCpu *cpu, unsigned i)
{
    return (cpu->pmpcfg[i] & PMP_L) != 0;
}

/* Entry i's byte range; false when it is off or empty. */
static bool pmp_range(const RiscvCpu *cpu, unsigned i, uint64_t *first, uint64_t *last)
{
    uint64_t a = cpu->pmpaddr[i];

    switch (pmp_mode(cpu, i)) {
    case PMP_A_TOR: {
        uint64_t lo = i == 0 ? 0 : cpu->pmpaddr[i - 1] << 2;
        uint64_t hi = a << 2;
        if (hi <= lo) {
            return false;       /* 3.7.1.1: top <= bottom matches nothing */
        }
        *first = lo;
        *last = hi - 1;
        return true;
    }
    case PMP_A_NA4:
        *first = a << 2;
        *last = *first + 3;
        return true;
    case PMP_A_NAPOT: {
        /* yyyy...y0111: the trailing ones give the size 2^(ones + 3). */
        uint64_t ones = a ^ (a + 1);
        *first = (a & ~ones) << 2;
        *last = *first + ((ones << 2) | 3);
        return true;
    }
    default:
        return false;
    }
}

static int pmp_entry_prot(const RiscvCpu *cpu, unsigned i, unsigned priv)
{
    if (priv == PRV_M && !pmp_locked(cpu, i)) {
        return PAGE_READ | PAGE_WRITE | PAGE_EXEC;
    }
    return (cpu->pmpcfg[i] & PMP_R ? PAGE_READ : 0) | (cpu->pmpcfg[i] & PMP_W ? PAGE_WRITE : 0) |
           (cpu->pmpcfg[i] & PMP_X ? PAGE_EXEC : 0);
}

static int pmp_default_prot(const RiscvCpu *cpu, unsigned priv)
{
    if (priv == PRV_M) {
        return PAGE_READ | PAGE_WRITE | PAGE_EXEC;
    }
    for (unsigned i = 0; i < PMP_ENTRIES; i++) {
        if (pmp_mode(cpu, i) != PMP_A_OFF) {
            return 0;
        }
    }
    return PAGE_READ | PAGE_WRITE | PAGE_EXEC;
}

/*
 * The rights over [first, last] as one decision: returns the PAGE_* bits of
 * the deciding entry (or the default), and *whole false when the deciding
 * entry covers only part of the range.
 */
static int pmp_decide(const RiscvCpu *cpu, uint64_t first, uint64_t last, unsigned priv,
                      bool *whole)
{
    for (unsigned i = 0; i < PMP_ENTRIES; i++) {
        uint64_t ef, el;
        if (!pmp_range(cpu, i, &ef, &el) || el < first || ef > last) {
            continue;
        }
        *whole = ef <= first && el >= last;
        return pmp_entry_prot(cpu, i, priv);
    }
    *whole = true;
    return pmp_default_prot(cpu, priv);
}

void riscv_pmp_cache_clear(RiscvCpu *cpu)
{
    memset(cpu->pmp_page_cache, 0, sizeof(cpu->pmp_page_cache));
}

/* The decision over the whole page (aligned) at priv: its PAGE_* bits, or
 * -1 when the deciding entry covers only part of it.  Cached: a page one
 * entry decides as a whole is decided by it for every access inside too
 * (no lower-numbered entry touches any of its bytes). */
static int pmp_page_decide(RiscvCpu *cpu, GuestPaddr page, unsigned priv)
{
    uint64_t key = page | (priv + 1);           /* never 0 */
    unsigned slot = (unsigned)((page >> GUEST_PAGE_BITS) ^ priv) %
                    (sizeof(cpu->pmp_page_cache) / sizeof(cpu->pmp_page_cache[0]));
    if (cpu->pmp_page_cache[slot].key == key) {
        return cpu->pmp_page_cache[slot].prot;
    }
    bool whole;
    int prot = pmp_decide(cpu, page, page + GUEST_PAGE_SIZE - 1, priv, &whole);
    if (!whole) {
        prot = -1;
    }
    cpu->pmp_page_cache[slot].key = key;
    cpu->pmp_page_cache[slot].prot = prot;
    return prot;
}

bool riscv_pmp_allows(RiscvCpu *cpu, GuestPaddr addr, unsigned size, MmuAccessType access,
                      unsigned priv)
{
    bool whole;
    int need = access == MMU_INST_FETCH ? PAGE_EXEC
               : access == MMU_DATA_STORE ? PAGE_WRITE
                                          : PAGE_READ;
    GuestPaddr last = addr + (size ? size : 1) - 1;
    int prot;

    if ((addr & GUEST_PAGE_MASK) == (last & GUEST_PAGE_MASK) && last >= addr) {
        prot = pmp_page_decide(cpu, addr & GUEST_PAGE_MASK, priv);
        if (prot >= 0) {
            return (prot & need) != 0;
        }
    }
    prot = pmp_decide(cpu, addr, last, priv, &whole);
    /* 3.7.1: an access that matches an entry only in part fails, even in M. */
    return whole && (prot & need);
}

int riscv_pmp_page_prot(RiscvCpu *cpu, GuestPaddr page, unsigned priv, bool *uniform)
{
    int prot = pmp_page_decide(cpu, page & GUEST_PAGE_MASK, priv);
    *uniform = prot >= 0;
    return *uniform ? prot : 0;
}

/* ---- CSRs ---- */

uint64_t riscv_pmp_read_cfg(RiscvCpu *cpu, unsigned n)
{
    uint64_t v = 0;

    if (n * 4 >= PMP_ENTRIES) {
        return 0;               /* pmpcfg4..14: entries we do not implement */
    }
    for (unsigned k = 0; k < 8; k++) {
        v |= (uint64_t)cpu->pmpcfg[n * 4 + k] << (8 * k);
    }
    return v;
}

void riscv_pmp_write_cfg(RiscvCpu *cpu, unsigned n, uint64_t val)
{
    if (n * 4 >= PMP_ENTRIES) {
        return;
    }
    for (unsigned k = 0; k < 8; k++) {
        unsigned i = n * 4 + k;
        uint8_t b = (uint8_t)(val >> (8 * k)) & ~0x60;   /* bits 6:5 read-only 0 */
        if (pmp_locked(cpu, i)) {
            continue;           /* 3.7.1.3: locked until reset */
        }
        if ((b & PMP_W) && !(b & PMP_R)) {
            b &= ~PMP_W;        /* R=0 W=1 is reserved: WARL */
        }
        cpu->pmpcfg[i] = b;
    }
    riscv_pmp_cache_clear(cpu);
    riscv_cpu_tlb_flush(cpu);
}

uint64_t riscv_pmp_read_addr(RiscvCpu *cpu, unsigned i)
{
    return i < PMP_ENTRIES ? cpu->pmpaddr[i] : 0;
}

void riscv_pmp_write_addr(RiscvCpu *cpu, unsigned i, uint64_t val)
{
    if (i >= PMP_ENTRIES || pmp_locked(cpu, i)) {
        return;
    }
    /* A locked TOR entry also locks the pmpaddr below it (its bottom). */
    if (i + 1 < PMP_ENTRIES && pmp_locked(cpu, i + 1) && pmp_mode(cpu, i + 1) == PMP_A_TOR) {
        return;
    }
    cpu->pmpaddr[i] = val & PMPADDR_MASK;
    riscv_pmp_cache_clear(cpu);
    riscv_cpu_tlb_flush(cpu);
}
