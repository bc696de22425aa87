/*
 * Address translation (mmu.c) over real guest RAM (the memory API): Sv39,
 * Sv48 and Sv57 walks, leaf permissions with SUM and MXR, MPRV through the
 * MMU index, A/D updates in the PTEs, superpages (aligned and not),
 * canonical addresses, reserved encodings, PMP on the walk and on the
 * result, and PTEs outside RAM.
 */
#include "guest/riscv/mmu.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "guest/riscv/csr.h"
#include "guest/riscv/pmp.h"
#include "memory/memory.h"
#include "util/unittest.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (4ull << 20)

static MemoryRegion mmu_root, mmu_ram;
static AddressSpace *mmu_as;
static uint8_t *mmu_host;
static uint64_t mmu_next_table;     /* bump allocator for page tables */

static void mmu_setup(RiscvCpu *cpu, unsigned mode)
{
    if (!mmu_as) {
        mmu_host = aligned_alloc(4096, RAM_SIZE);
        memory_region_init(&mmu_root, NULL, "system", MEMORY_SIZE_ALL);
        memory_region_init_ram_ptr(&mmu_ram, NULL, "ram", RAM_SIZE, mmu_host);
        memory_region_add_subregion(&mmu_root, RAM_BASE, &mmu_ram);
        mmu_as = address_space_create(&mmu_root, "memory");
    }
    memset(mmu_host, 0, RAM_SIZE);
    memset(cpu, 0, sizeof(*cpu));
    tlb_ram_span_forget();      /* no TLB here: nothing else forgets it */
    cpu->misa = MISA_MXL_RV64 | RVI | RVM | RVA | RVF | RVD | RVC | RVS | RVU;
    riscv_cpu_reset(cpu);
    cpu->parent.as = mmu_as;
    cpu->priv = PRV_S;
    mmu_next_table = RAM_BASE + 0x1000;
    cpu->satp = (uint64_t)mode << SATP_MODE_SHIFT | (RAM_BASE >> 12);
}

static uint64_t *pte_at(uint64_t pa)
{
    return (uint64_t *)(mmu_host + (pa - RAM_BASE));
}

static uint64_t levels_of(RiscvCpu *cpu)
{
    return (cpu->satp >> SATP_MODE_SHIFT) - SATP_MODE_SV39 + 3;
}

/* Map va to pa with a leaf at `level` (0: 4 KiB, 1: 2 MiB...); returns the
 * leaf PTE's physical address. */
static uint64_t map(RiscvCpu *cpu, uint64_t va, uint64_t pa, uint64_t flags, int level)
{
    uint64_t table = (cpu->satp & SATP_PPN) << 12;

    for (int i = (int)levels_of(cpu) - 1; i > level; i--) {
        uint64_t *p = pte_at(table + ((va >> (12 + 9 * i)) & 511) * 8);
        if (!(*p & PTE_V)) {
            *p = ((mmu_next_table >> 12) << PTE_PPN_SHIFT) | PTE_V;
            mmu_next_table += 0x1000;
        }
        table = ((*p & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << 12;
    }
    uint64_t leaf = table + ((va >> (12 + 9 * level)) & 511) * 8;
    *pte_at(leaf) = ((pa >> 12) << PTE_PPN_SHIFT) | flags | PTE_V;
    return leaf;
}

static int xlate(RiscvCpu *cpu, uint64_t va, MmuAccessType access, unsigned idx,
                 RiscvTranslation *t)
{
    return riscv_mmu_translate(cpu, va, 8, access, idx, t);
}

#define RWX (PTE_R | PTE_W | PTE_X)
#define AD (PTE_A | PTE_D)
#define S RISCV_MMU_IDX_S

UNITTEST(sv39_4k_page)
{
    RiscvCpu cpu;
    RiscvTranslation t;
    mmu_setup(&cpu, SATP_MODE_SV39);
    map(&cpu, 0x12345000, 0x80200000, RWX | AD, 0);
    CHECK_INT(xlate(&cpu, 0x12345678, MMU_DATA_LOAD, S, &t), -1);
    CHECK_U64(t.paddr, 0x80200678);
    CHECK_INT(t.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    CHECK_INT(t.page_size_log2, 12);
    /* unmapped neighbour */
    CHECK_INT(xlate(&cpu, 0x12346000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_PAGE_FAULT);
    CHECK_INT(xlate(&cpu, 0x12346000, MMU_DATA_STORE, S, &t), RISCV_EXCP_STORE_PAGE_FAULT);
    CHECK_INT(xlate(&cpu, 0x12346000, MMU_INST_FETCH, S, &t), RISCV_EXCP_INST_PAGE_FAULT);
    /* M ignores satp; Bare maps identically */
    CHECK_INT(xlate(&cpu, 0x12345678, MMU_DATA_LOAD, RISCV_MMU_IDX_M, &t), -1);
    CHECK_U64(t.paddr, 0x12345678);
    cpu.satp = 0;
    CHECK_INT(xlate(&cpu, 0x12345678, MMU_DATA_LOAD, S, &t), -1);
    CHECK_U64(t.paddr, 0x12345678);
}

UNITTEST(sv48_and_sv57)
{
    RiscvCpu cpu;
    RiscvTranslation t;
    mmu_setup(&cpu, SATP_MODE_SV48);
    map(&cpu, 0x7f0012345000ull, 0x80300000, PTE_R | AD, 0);
    CHECK_INT(xlate(&cpu, 0x7f0012345010ull, MMU_DATA_LOAD, S, &t), -1);
    CHECK_U64(t.paddr, 0x80300010);
    /* negative half, sign-extended from bit 47 */
    map(&cpu, 0xffff800000001000ull, 0x80301000, PTE_R | AD, 0);
    CHECK_INT(xlate(&cpu, 0xffff800000001008ull, MMU_DATA_LOAD, S, &t), -1);
    CHECK_U64(t.paddr, 0x80301008);
    /* not canonical for Sv48 */
    CHECK_INT(xlate(&cpu, 0x0000800000001000ull, MMU_DATA_LOAD, S, &t),
              RISCV_EXCP_LOAD_PAGE_FAULT);

    mmu_setup(&cpu, SATP_MODE_SV57);
    map(&cpu, 0x00f0000012345000ull, 0x80300000, PTE_R | AD, 0);
    CHECK_INT(xlate(&cpu, 0x00f0000012345ff8ull, MMU_DATA_LOAD, S, &t), -1);
    CHECK_U64(t.paddr, 0x80300ff8);
    CHECK_INT(xlate(&cpu, 0x0100000012345000ull, MMU_DATA_LOAD, S, &t),
              RISCV_EXCP_LOAD_PAGE_FAULT);
    /* a 1 GiB page at level 2 of Sv57 */
    map(&cpu, 0x40000000ull, 0x80000000ull, PTE_R | PTE_X | AD, 2);
    CHECK_INT(xlate(&cpu, 0x40123456ull, MMU_INST_FETCH, S, &t), -1);
    CHECK_U64(t.paddr, 0x80123456ull);
    CHECK_INT(t.page_size_log2, 30);
}

UNITTEST(sv39_canonical)
{
    RiscvCpu cpu;
    RiscvTranslation t;
    mmu_setup(&cpu, SATP_MODE_SV39);
    map(&cpu, 0xffffffc000000000ull, 0x80200000, PTE_R | AD, 0);
    CHECK_INT(xlate(&cpu, 0xffffffc000000000ull, MMU_DATA_LOAD, S, &t), -1);
    /* bit 38 set, bits 63:39 clear: not canonical even though the low bits
     * index the same PTE */
    CHECK_INT(xlate(&cpu, 0x0000004000000000ull, MMU_DATA_LOAD, S, &t),
              RISCV_EXCP_LOAD_PAGE_FAULT);
    CHECK_INT(xlate(&cpu, 0x8000000000000000ull, MMU_INST_FETCH, S, &t),
              RISCV_EXCP_INST_PAGE_FAULT);
}

UNITTEST(leaf_permissions)
{
    RiscvCpu cpu;
    RiscvTranslation t;
    mmu_setup(&cpu, SATP_MODE_SV39);
    map(&cpu, 0x1000, 0x80200000, PTE_R | AD, 0);               /* read-only */
    map(&cpu, 0x2000, 0x80201000, PTE_X | AD, 0);               /* execute-only */
    map(&cpu, 0x3000, 0x80202000, RWX | PTE_U | AD, 0);         /* user */
    CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_STORE, S, &t), RISCV_EXCP_STORE_PAGE_FAULT);
    CHECK_INT(xlate(&cpu, 0x1000, MMU_INST_FETCH, S, &t), RISCV_EXCP_INST_PAGE_FAULT);
    CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_LOAD, S, &t), -1);
    CHECK_INT(t.prot, PAGE_READ);
    /* MXR makes executable pages readable */
    CHECK_INT(xlate(&cpu, 0x2000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_PAGE_FAULT);
    CHECK_INT(xlate(&cpu, 0x2000, MMU_INST_FETCH, S, &t), -1);
    cpu.mstatus |= MSTATUS_MXR;
    CHECK_INT(xlate(&cpu, 0x2000, MMU_DATA_LOAD, S, &t), -1);
    CHECK_INT(t.prot, PAGE_READ | PAGE_EXEC);
    cpu.mstatus &= ~MSTATUS_MXR;
    /* U pages: S needs SUM for data and never fetches them */
    CHECK_INT(xlate(&cpu, 0x3000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_PAGE_FAULT);
    CHECK_INT(xlate(&cpu, 0x3000, MMU_DATA_LOAD, RISCV_MMU_IDX_S_SUM, &t), -1);
    CHECK_INT(t.prot & PAGE_EXEC, 0);
    CHECK_INT(xlate(&cpu, 0x3000, MMU_INST_FETCH, S, &t), RISCV_EXCP_INST_PAGE_FAULT);
    CHECK_INT(xlate(&cpu, 0x3000, MMU_INST_FETCH, RISCV_MMU_IDX_U, &t), -1);
    /* S pages are not for U */
    CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_LOAD, RISCV_MMU_IDX_U, &t),
              RISCV_EXCP_LOAD_PAGE_FAULT);
}

UNITTEST(mprv_uses_mpp_through_the_mmu_index)
{
    RiscvCpu cpu;
    RiscvTranslation t;
    mmu_setup(&cpu, SATP_MODE_SV39);
    map(&cpu, 0x5000, 0x80205000, PTE_R | PTE_W | PTE_U | AD, 0);
    cpu.priv = PRV_M;
    cpu.mstatus |= MSTATUS_MPRV | (uint64_t)PRV_U << MSTATUS_MPP_SHIFT;
    unsigned idx = riscv_cpu_mmu_index(&cpu, false);
    CHECK_INT(idx, RISCV_MMU_IDX_U);
    CHECK_INT(xlate(&cpu, 0x5008, MMU_DATA_STORE, idx, &t), -1);
    CHECK_U64(t.paddr, 0x80205008);
    /* fetches stay M: identity */
    CHECK_INT(riscv_cpu_mmu_index(&cpu, true), RISCV_MMU_IDX_M);
    /* MPP = S without SUM: the U page faults */
    cpu.mstatus = (cpu.mstatus & ~MSTATUS_MPP) | (uint64_t)PRV_S << MSTATUS_MPP_SHIFT;
    idx = riscv_cpu_mmu_index(&cpu, false);
    CHECK_INT(xlate(&cpu, 0x5008, MMU_DATA_LOAD, idx, &t), RISCV_EXCP_LOAD_PAGE_FAULT);
}

UNITTEST(accessed_and_dirty_updates)
{
    RiscvCpu cpu;
    RiscvTranslation t;
    mmu_setup(&cpu, SATP_MODE_SV39);
    uint64_t leaf = map(&cpu, 0x4000, 0x80204000, PTE_R | PTE_W, 0);
    /* a load sets A only, and the entry gets no write right (D clear) */
    CHECK_INT(xlate(&cpu, 0x4000, MMU_DATA_LOAD, S, &t), -1);
    CHECK_U64(*pte_at(leaf) & AD, PTE_A);
    CHECK_INT(t.prot, PAGE_READ);
    /* a store sets D */
    CHECK_INT(xlate(&cpu, 0x4000, MMU_DATA_STORE, S, &t), -1);
    CHECK_U64(*pte_at(leaf) & AD, AD);
    CHECK_INT(t.prot, PAGE_READ | PAGE_WRITE);
    /* a faulting access sets nothing */
    uint64_t ro = map(&cpu, 0x6000, 0x80206000, PTE_R, 0);
    CHECK_INT(xlate(&cpu, 0x6000, MMU_DATA_STORE, S, &t), RISCV_EXCP_STORE_PAGE_FAULT);
    CHECK_U64(*pte_at(ro) & AD, 0);
    /* a PTE outside RAM cannot be read: access fault of the access's type */
    cpu.satp = (uint64_t)SATP_MODE_SV39 << SATP_MODE_SHIFT | (0x40000000ull >> 12);
    CHECK_INT(xlate(&cpu, 0x4000, MMU_DATA_STORE, S, &t), RISCV_EXCP_STORE_AMO_ACCESS_FAULT);
    CHECK_INT(xlate(&cpu, 0x4000, MMU_INST_FETCH, S, &t), RISCV_EXCP_INST_ACCESS_FAULT);
}

UNITTEST(superpages)
{
    RiscvCpu cpu;
    RiscvTranslation t;
    mmu_setup(&cpu, SATP_MODE_SV39);
    /* a 2 MiB page, aligned */
    map(&cpu, 0x200000, 0x80200000, PTE_R | AD, 1);
    CHECK_INT(xlate(&cpu, 0x3ffff8, MMU_DATA_LOAD, S, &t), -1);
    CHECK_U64(t.paddr, 0x803ffff8);
    CHECK_INT(t.page_size_log2, 21);
    /* a 2 MiB page whose PPN is only 4 KiB aligned */
    map(&cpu, 0x400000, 0x80201000, PTE_R | AD, 1);
    CHECK_INT(xlate(&cpu, 0x400000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_PAGE_FAULT);
    /* a 1 GiB page whose PPN is 2 MiB aligned */
    map(&cpu, 0x40000000, 0x80200000, PTE_R | AD, 2);
    CHECK_INT(xlate(&cpu, 0x40000000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_PAGE_FAULT);
}

UNITTEST(reserved_encodings)
{
    RiscvCpu cpu;
    RiscvTranslation t;
    mmu_setup(&cpu, SATP_MODE_SV39);
    uint64_t leaf = map(&cpu, 0x1000, 0x80200000, PTE_R | AD, 0);
    CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_LOAD, S, &t), -1);
    static const uint64_t bad[] = { PTE_N, 1ull << 61, 1ull << 62, 1ull << 54, 1ull << 60 };
    for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        *pte_at(leaf) |= bad[k];
        CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_PAGE_FAULT);
        *pte_at(leaf) &= ~bad[k];
    }
    /* W without R */
    *pte_at(leaf) = (*pte_at(leaf) & ~RWX) | PTE_W;
    CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_STORE, S, &t), RISCV_EXCP_STORE_PAGE_FAULT);
    /* V clear */
    *pte_at(leaf) = (*pte_at(leaf) & ~(PTE_V | RWX)) | PTE_R;
    CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_PAGE_FAULT);
    /* a pointer PTE with A set; a pointer at level 0 */
    uint64_t *root = pte_at(RAM_BASE);
    *root |= PTE_A;
    CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_PAGE_FAULT);
    *root &= ~PTE_A;
    *pte_at(leaf) = ((0x80200000ull >> 12) << PTE_PPN_SHIFT) | PTE_V;
    CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_PAGE_FAULT);
}

UNITTEST(pmp_on_walk_and_result)
{
    RiscvCpu cpu;
    RiscvTranslation t;
    mmu_setup(&cpu, SATP_MODE_SV39);
    map(&cpu, 0x1000, 0x80200000, PTE_R | PTE_W | PTE_A, 0);
    /* entry 0: page tables (first 64 KiB) read-only; entry 1: the rest RW */
    riscv_pmp_write_addr(&cpu, 0, (RAM_BASE >> 2) | ((0x10000 >> 3) - 1));
    riscv_pmp_write_addr(&cpu, 1, (RAM_BASE >> 2) | ((RAM_SIZE >> 3) - 1));
    riscv_pmp_write_cfg(&cpu, 0, (uint64_t)(PMP_A_NAPOT << PMP_A_SHIFT | PMP_R | PMP_W) << 8 |
                                     (PMP_A_NAPOT << PMP_A_SHIFT | PMP_R));
    CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_LOAD, S, &t), -1);
    /* the store needs D written into a read-only page table: access fault */
    CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_STORE, S, &t), RISCV_EXCP_STORE_AMO_ACCESS_FAULT);
    /* the walk's reads need R */
    riscv_pmp_write_cfg(&cpu, 0, (uint64_t)(PMP_A_NAPOT << PMP_A_SHIFT | PMP_R | PMP_W) << 8 |
                                     (PMP_A_NAPOT << PMP_A_SHIFT));
    CHECK_INT(xlate(&cpu, 0x1000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_ACCESS_FAULT);
    CHECK_INT(xlate(&cpu, 0x1000, MMU_INST_FETCH, S, &t), RISCV_EXCP_INST_ACCESS_FAULT);
    /* the result: page tables readable again, data page without X */
    riscv_pmp_write_cfg(&cpu, 0, (uint64_t)(PMP_A_NAPOT << PMP_A_SHIFT | PMP_R | PMP_W) << 8 |
                                     (PMP_A_NAPOT << PMP_A_SHIFT | PMP_R | PMP_W));
    map(&cpu, 0x2000, 0x80201000, RWX | AD, 0);
    CHECK_INT(xlate(&cpu, 0x2000, MMU_INST_FETCH, S, &t), RISCV_EXCP_INST_ACCESS_FAULT);
    CHECK_INT(xlate(&cpu, 0x2000, MMU_DATA_STORE, S, &t), -1);
    CHECK_INT(t.prot, PAGE_READ | PAGE_WRITE);
}

/* A device holding one page table: reads return PTE values (as a PCI BAR
 * or a misconfigured guest might present them); writes are ignored. */
static uint64_t mmio_pt_leaf;
static uint64_t mmio_pt_reads;

static uint64_t mmio_pt_read(void *opaque, uint64_t addr, unsigned size)
{
    mmio_pt_reads++;
    return addr == 0 ? mmio_pt_leaf : 0;
}

static void mmio_pt_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
}

static const MemoryRegionOps mmio_pt_ops = {
    .read = mmio_pt_read,
    .write = mmio_pt_write,
    .valid = { .min_access_size = 8, .max_access_size = 8 },
    .impl = { .min_access_size = 8, .max_access_size = 8 },
};

UNITTEST(page_tables_in_rom_and_mmio)
{
    /* PTE reads from RAM go by host pointer; from ROM and MMIO they fall
     * back to the memory API, and A/D cannot be written there. */
    static MemoryRegion rom, mmio;
    RiscvCpu cpu;
    RiscvTranslation t;
    mmu_setup(&cpu, SATP_MODE_SV39);
    memory_region_init_rom(&rom, NULL, "pt-rom", 0x1000, &error_abort);
    memory_region_add_subregion(&mmu_root, 0x20000000, &rom);
    memory_region_init_io(&mmio, NULL, &mmio_pt_ops, NULL, "pt-mmio", 0x1000);
    memory_region_add_subregion(&mmu_root, 0x30000000, &mmio);

    /* a root table in ROM: a 1 GiB leaf for va 0 -> RAM_BASE, A and D set,
     * and one for va 1 GiB with A clear */
    uint64_t rom_pt[2] = { ((RAM_BASE >> 12) << PTE_PPN_SHIFT) | PTE_R | PTE_W | AD | PTE_V,
                           ((RAM_BASE >> 12) << PTE_PPN_SHIFT) | PTE_R | PTE_V };
    CHECK(address_space_write_rom(mmu_as, 0x20000000, rom_pt, sizeof(rom_pt), &error_abort));
    cpu.satp = (uint64_t)SATP_MODE_SV39 << SATP_MODE_SHIFT | (0x20000000ull >> 12);
    CHECK_INT(xlate(&cpu, 0x1238, MMU_DATA_STORE, S, &t), -1);
    CHECK_U64(t.paddr, RAM_BASE + 0x1238);
    CHECK_INT(t.page_size_log2, 30);
    CHECK_INT(xlate(&cpu, 0x40001000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_ACCESS_FAULT);

    /* a root table in MMIO: every walk asks the device */
    mmio_pt_leaf = ((RAM_BASE >> 12) << PTE_PPN_SHIFT) | PTE_R | PTE_X | PTE_A | PTE_V;
    mmio_pt_reads = 0;
    cpu.satp = (uint64_t)SATP_MODE_SV39 << SATP_MODE_SHIFT | (0x30000000ull >> 12);
    CHECK_INT(xlate(&cpu, 0x2000, MMU_INST_FETCH, S, &t), -1);
    CHECK_U64(t.paddr, RAM_BASE + 0x2000);
    CHECK_INT(xlate(&cpu, 0x2000, MMU_DATA_LOAD, S, &t), -1);
    CHECK_U64(mmio_pt_reads, 2);
    mmio_pt_leaf &= ~(uint64_t)PTE_A;       /* A to set: not in a device */
    CHECK_INT(xlate(&cpu, 0x2000, MMU_DATA_LOAD, S, &t), RISCV_EXCP_LOAD_ACCESS_FAULT);

    /* back to RAM: still by host pointer, and A/D land in guest memory */
    mmu_setup(&cpu, SATP_MODE_SV39);
    uint64_t leaf = map(&cpu, 0x5000, 0x80205000, PTE_R | PTE_W, 0);
    CHECK_INT(xlate(&cpu, 0x5000, MMU_DATA_STORE, S, &t), -1);
    CHECK_U64(*pte_at(leaf) & AD, AD);

    tlb_ram_span_forget();
    memory_region_del_subregion(&mmu_root, &rom);
    memory_region_del_subregion(&mmu_root, &mmio);
    memory_region_destroy(&rom);
    memory_region_destroy(&mmio);
}

/* The debugger's view (get_phys_page_debug): the page behind a virtual
 * address at the hart's privilege, U pages too, with no A/D side effects;
 * -1 for holes; identity in M-mode and with satp Bare. */
UNITTEST(debug_translation)
{
    RiscvCpu cpu;
    mmu_setup(&cpu, SATP_MODE_SV48);
    uint64_t user = map(&cpu, 0x7000, 0x80207000, PTE_R | PTE_U, 0);
    uint64_t exec_only = map(&cpu, 0x9000, 0x80209000, PTE_X, 0);
    map(&cpu, 0x40000000, 0x80400000, PTE_R | PTE_W, 1);    /* a 2 MiB page */
    CpuState *cs = &cpu.parent;
    CHECK_U64((uint64_t)riscv_cpu_get_phys_page_debug(cs, 0x7000), 0x80207000);
    CHECK_U64((uint64_t)riscv_cpu_get_phys_page_debug(cs, 0x9000), 0x80209000);
    CHECK_U64((uint64_t)riscv_cpu_get_phys_page_debug(cs, 0x40123000), 0x80523000);
    CHECK_U64(*pte_at(user) & AD, 0);
    CHECK_U64(*pte_at(exec_only) & AD, 0);
    CHECK_INT((int)riscv_cpu_get_phys_page_debug(cs, 0x8000), -1);
    CHECK_INT((int)riscv_cpu_get_phys_page_debug(cs, 0xffff000000000000ull), -1);
    /* M-mode (no MPRV) and Bare: addresses are physical */
    cpu.priv = PRV_M;
    CHECK_U64((uint64_t)riscv_cpu_get_phys_page_debug(cs, 0x7123), 0x7000);
    cpu.priv = PRV_S;
    cpu.satp = 0;
    CHECK_U64((uint64_t)riscv_cpu_get_phys_page_debug(cs, 0x7123), 0x7000);
}
