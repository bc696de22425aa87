/*
 * Virtual memory (Privileged ISA 1.12, 4.3-4.6) seen by a guest: Sv39,
 * Sv48 and Sv57 tables built in M, with RAM identity-mapped by one
 * superpage so S code runs unchanged; S and U accesses through 4 KiB test
 * pages: translation, hardware A/D updates, R/W/X and U permissions with
 * SUM and MXR, page faults with tval the address, misaligned superpages,
 * non-canonical addresses, sfence.vma after a PTE change, and MPRV
 * translating M's loads with MPP's privilege.  Checks run in M (S/U
 * functions only record what they saw).
 */
#include "priv_common.h"

#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define AD (PTE_A | PTE_D)

#define RAM 0x80000000ul

static uint64_t tables[16][512] __attribute__((aligned(4096)));
static unsigned tables_used;
static uint64_t pages[4][512] __attribute__((aligned(4096)));
static unsigned levels;

static volatile uint64_t s_value;
static volatile uint64_t *s_ptr;

static void s_load(void)
{
    s_value = *s_ptr;
}

static void s_store(void)
{
    *s_ptr = 0x77;
}

static void s_sfence_load(void)
{
    __asm__ volatile("sfence.vma" ::: "memory");
    s_value = *s_ptr;
}

static uint64_t pte_to(uint64_t pa, uint64_t flags)
{
    return ((pa >> 12) << 10) | flags | PTE_V;
}

static uint64_t *new_table(void)
{
    uint64_t *t = tables[tables_used++];
    for (int i = 0; i < 512; i++) {
        t[i] = 0;
    }
    return t;
}

/* Map va -> pa with a leaf at level (0: 4 KiB); returns the leaf PTE. */
static volatile uint64_t *map(uint64_t va, uint64_t pa, uint64_t flags, unsigned level)
{
    uint64_t *t = tables[0];
    for (unsigned i = levels - 1; i > level; i--) {
        uint64_t *e = &t[(va >> (12 + 9 * i)) & 511];
        if (!(*e & PTE_V)) {
            *e = pte_to((uint64_t)new_table(), 0);
        }
        t = (uint64_t *)((*e >> 10) << 12);
    }
    volatile uint64_t *leaf = &t[(va >> (12 + 9 * level)) & 511];
    *leaf = pte_to(pa, flags);
    __asm__ volatile("sfence.vma" ::: "memory");
    return leaf;
}

static void mmu_on(unsigned mode)
{
    levels = mode - 8 + 3;
    tables_used = 0;
    new_table();
    /* RAM identity-mapped with a 1 GiB page (level 2), for S's code */
    map(RAM, RAM, PTE_R | PTE_W | PTE_X | AD, 2);
    csr_write(satp, ((uint64_t)mode << 60) | ((uint64_t)tables[0] >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
}

static uint64_t faults(unsigned priv, void (*fn)(void), uint64_t va)
{
    uint64_t n = m_trap.count;
    s_ptr = (volatile uint64_t *)va;
    run_in(priv, fn);
    return m_trap.count - n;
}

static void translation_and_ad(uint64_t va)
{
    pages[0][0] = 0x1111;
    volatile uint64_t *pte = map(va, (uint64_t)pages[0], PTE_R | PTE_W, 0);
    CHECK_EQ(faults(PRV_S, s_load, va), 0);
    CHECK_EQ(s_value, 0x1111);
    CHECK_EQ(*pte & AD, PTE_A);
    CHECK_EQ(faults(PRV_S, s_store, va + 8), 0);
    CHECK_EQ(pages[0][1], 0x77);
    CHECK_EQ(*pte & AD, AD);
}

static void permissions(void)
{
    uint64_t va = 0x10000000;
    /* read-only page: store page fault, tval = address, PTE untouched */
    volatile uint64_t *pte = map(va, (uint64_t)pages[1], PTE_R, 0);
    CHECK_EQ(faults(PRV_S, s_store, va + 16), 1);
    CHECK_EQ(m_trap.cause, EXC_STORE_PAGE);
    CHECK_EQ(m_trap.tval, va + 16);
    CHECK_EQ(*pte & PTE_D, 0);
    /* execute-only: loads need MXR */
    map(va, (uint64_t)pages[1], PTE_X | AD, 0);
    CHECK_EQ(faults(PRV_S, s_load, va), 1);
    CHECK_EQ(m_trap.cause, EXC_LOAD_PAGE);
    csr_set(mstatus, MSTATUS_MXR);
    CHECK_EQ(faults(PRV_S, s_load, va), 0);
    csr_clear(mstatus, MSTATUS_MXR);
    /* user page: S needs SUM; U is fine */
    pages[1][0] = 0x2222;
    map(va, (uint64_t)pages[1], PTE_R | PTE_W | PTE_U | AD, 0);
    CHECK_EQ(faults(PRV_S, s_load, va), 1);
    CHECK_EQ(m_trap.cause, EXC_LOAD_PAGE);
    csr_set(mstatus, MSTATUS_SUM);
    CHECK_EQ(faults(PRV_S, s_load, va), 0);
    CHECK_EQ(s_value, 0x2222);
    csr_clear(mstatus, MSTATUS_SUM);
    /* U code: RAM is a supervisor page, so U needs its own code mapping;
     * instead check U's data access to an S page through MPRV below */
    /* W without R is reserved */
    map(va, (uint64_t)pages[1], PTE_W | AD, 0);
    CHECK_EQ(faults(PRV_S, s_store, va), 1);
    CHECK_EQ(m_trap.cause, EXC_STORE_PAGE);
    /* unmapped */
    CHECK_EQ(faults(PRV_S, s_load, va + 0x1000), 1);
    CHECK_EQ(m_trap.tval, va + 0x1000);
}

static void superpages(void)
{
    /* 2 MiB page at a 2 MiB-aligned PA: fine; at a 4 KiB-aligned one: fault */
    uint64_t va = 0x20000000;
    map(va, RAM, PTE_R | AD, 1);
    CHECK_EQ(faults(PRV_S, s_load, va + (uint64_t)pages[2] - RAM), 0);
    map(va, RAM + 0x1000, PTE_R | AD, 1);
    CHECK_EQ(faults(PRV_S, s_load, va), 1);
    CHECK_EQ(m_trap.cause, EXC_LOAD_PAGE);
}

static void sfence(void)
{
    uint64_t va = 0x30000000;
    pages[2][0] = 0xaaaa;
    pages[3][0] = 0xbbbb;
    map(va, (uint64_t)pages[2], PTE_R | AD, 0);
    CHECK_EQ(faults(PRV_S, s_load, va), 0);
    CHECK_EQ(s_value, 0xaaaa);
    /* change the PTE without a fence in M; S fences, then sees the new page */
    uint64_t *t = tables[0];
    for (unsigned i = levels - 1; i > 0; i--) {
        t = (uint64_t *)((t[(va >> (12 + 9 * i)) & 511] >> 10) << 12);
    }
    t[(va >> 12) & 511] = pte_to((uint64_t)pages[3], PTE_R | AD);
    CHECK_EQ(faults(PRV_S, s_sfence_load, va), 0);
    CHECK_EQ(s_value, 0xbbbb);
}

static void mprv(void)
{
    uint64_t va = 0x40000000 - 0x1000;
    pages[3][1] = 0xcccc;
    map(va, (uint64_t)pages[3], PTE_R | PTE_U | AD, 0);
    uint64_t ms = csr_read(mstatus);
    uint64_t v = 0;
    /* MPRV with MPP = U: M's loads use U's translation */
    csr_write(mstatus, (ms & ~MSTATUS_MPP) | MSTATUS_MPRV);
    v = *(volatile uint64_t *)(va + 8);
    csr_write(mstatus, ms);
    CHECK_EQ(v, 0xcccc);
    /* MPP = S without SUM: the U page faults */
    uint64_t n = m_trap.count;
    csr_write(mstatus, (ms & ~MSTATUS_MPP) | (1ul << 11) | MSTATUS_MPRV);
    v = *(volatile uint64_t *)(va + 8);
    csr_write(mstatus, ms);
    CHECK_EQ(m_trap.count, n + 1);
    CHECK_EQ(m_trap.cause, EXC_LOAD_PAGE);
}

static void canonical(uint64_t bad_va)
{
    CHECK_EQ(faults(PRV_S, s_load, bad_va), 1);
    CHECK_EQ(m_trap.cause, EXC_LOAD_PAGE);
}

int main(void)
{
    priv_setup();

    mmu_on(8);                  /* Sv39 */
    CHECK_EQ(csr_read(satp) >> 60, 8);
    translation_and_ad(0x12345000);
    translation_and_ad(0xffffffffc0001000ul);
    permissions();
    superpages();
    sfence();
    mprv();
    canonical(0x0000004000000000ul);

    mmu_on(9);                  /* Sv48 */
    CHECK_EQ(csr_read(satp) >> 60, 9);
    translation_and_ad(0x00007f0000123000ul);
    canonical(0x0000800000000000ul);

    mmu_on(10);                 /* Sv57 */
    CHECK_EQ(csr_read(satp) >> 60, 10);
    translation_and_ad(0x00f0000000456000ul);
    canonical(0x0100000000000000ul);

    csr_write(satp, 0);
    return test_result("priv_mmu");
}
