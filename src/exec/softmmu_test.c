/*
 * The soft-MMU TLB on its own: hits, misses, protections, flushes (page,
 * MMU index, large pages, asynchronous), sizing by use (grow, shrink,
 * entries across both), code-page marking racing a vCPU that resizes its
 * TLB (the ASan build catches a walk of freed tables), MMIO and ROM pages, slow-path
 * translation through a fake tlb_fill, and user mode's guest base.  Memory
 * is the real memory API: RAM at 0x0, ROM at 0x20000, an MMIO register at
 * 0x40000.  The fake MMU maps virtual 0x100000 + x to physical x.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "exec/cpu.h"
#include "exec/exec.h"
#include "exec/exec_internal.h"
#include "exec/softmmu.h"
#include "memory/memory.h"
#include "util/unittest.h"

#define VBASE 0x100000ull

typedef struct TlbBench {
    MemoryRegion root, ram, rom, mmio;
    AddressSpace *as;
    uint8_t *ram_ptr;
    CpuState cpu;
    int fills;
    uint64_t mmio_val;
} TlbBench;

static TlbBench *bench;
static unsigned bench_fill_log2 = GUEST_PAGE_BITS;     /* < 12: one-shot fills */

static bool bench_tlb_fill(CpuState *cpu, GuestVaddr addr, unsigned size, MmuAccessType access,
                           unsigned mmu_idx, bool probe, uintptr_t ra)
{
    bench->fills++;
    if (addr < VBASE) {
        return false;       /* only probes reach here in these tests */
    }
    tlb_set_page(cpu, addr, addr - VBASE, PAGE_READ | PAGE_WRITE | PAGE_EXEC, mmu_idx,
                 bench_fill_log2);
    return true;
}

static uint64_t bench_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    return bench->mmio_val + addr;
}

static void bench_mmio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    bench->mmio_val = val;
}

static const MemoryRegionOps bench_mmio_ops = {
    .read = bench_mmio_read,
    .write = bench_mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static const CpuOps bench_ops = {
    .name = "tlb-bench",
    .tlb_fill = bench_tlb_fill,
};

static TlbBench *bench_new(void)
{
    TlbBench *b = calloc(1, sizeof(*b));
    bench = b;
    memory_region_init(&b->root, NULL, "system", MEMORY_SIZE_ALL);
    memory_region_init_ram(&b->ram, NULL, "ram", 0x10000, &error_abort);
    memory_region_add_subregion(&b->root, 0, &b->ram);
    memory_region_init_rom(&b->rom, NULL, "rom", 0x1000, &error_abort);
    memory_region_add_subregion(&b->root, 0x20000, &b->rom);
    memory_region_init_io(&b->mmio, NULL, &bench_mmio_ops, NULL, "reg", 0x1000);
    memory_region_add_subregion(&b->root, 0x40000, &b->mmio);
    b->as = address_space_create(&b->root, "bench");
    b->ram_ptr = memory_region_get_ram_ptr(&b->ram);
    b->cpu.ops = &bench_ops;
    b->cpu.as = b->as;
    tlb_init(&b->cpu);
    return b;
}

static void bench_free(TlbBench *b)
{
    tlb_destroy(&b->cpu);
    address_space_destroy(b->as);
    memory_region_del_subregion(&b->root, &b->ram);
    memory_region_del_subregion(&b->root, &b->rom);
    memory_region_del_subregion(&b->root, &b->mmio);
    memory_region_destroy(&b->ram);
    memory_region_destroy(&b->rom);
    memory_region_destroy(&b->mmio);
    memory_region_destroy(&b->root);
    free(b);
    bench = NULL;
}

UNITTEST(tlb_hit_miss_and_protection)
{
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    CHECK(tlb_fast_host(cpu, 1, 0x5000, 4, MMU_DATA_LOAD) == NULL);
    tlb_set_page(cpu, 0x5000, 0x3000, PAGE_READ, 1, 12);
    uint8_t *want = b->ram_ptr + 0x3010;
    CHECK(tlb_fast_host(cpu, 1, 0x5010, 4, MMU_DATA_LOAD) == want);
    CHECK(tlb_fast_host(cpu, 1, 0x5ff8, 8, MMU_DATA_LOAD) == b->ram_ptr + 0x3ff8);
    CHECK(tlb_fast_host(cpu, 1, 0x5011, 4, MMU_DATA_LOAD) == NULL);   /* misaligned */
    CHECK(tlb_fast_host(cpu, 1, 0x5010, 4, MMU_DATA_STORE) == NULL);  /* read-only */
    CHECK(tlb_fast_host(cpu, 1, 0x5010, 4, MMU_INST_FETCH) == NULL);  /* no exec */
    CHECK(tlb_fast_host(cpu, 0, 0x5010, 4, MMU_DATA_LOAD) == NULL);   /* other index */
    CHECK(tlb_fast_host(cpu, 1, 0x6010, 4, MMU_DATA_LOAD) == NULL);   /* other page */
    /* the same index slot, another page: replaces the entry */
    GuestVaddr alias = 0x5000 + ((cpu->tlb.f[1].index_mask + 1) << GUEST_PAGE_BITS);
    tlb_set_page(cpu, alias, 0x4000, PAGE_READ | PAGE_WRITE, 1, 12);
    CHECK(tlb_fast_host(cpu, 1, 0x5010, 4, MMU_DATA_LOAD) == NULL);
    CHECK(tlb_fast_host(cpu, 1, alias + 0x10, 4, MMU_DATA_STORE) == b->ram_ptr + 0x4010);
    bench_free(b);
}

UNITTEST(tlb_flushes)
{
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    for (unsigned idx = 0; idx < 3; idx++) {
        tlb_set_page(cpu, 0x5000, 0x1000, PAGE_READ, idx, 12);
        tlb_set_page(cpu, 0x6000, 0x2000, PAGE_READ, idx, 12);
    }
    tlb_flush_page(cpu, 0x5abc);
    CHECK(tlb_fast_host(cpu, 0, 0x5000, 1, MMU_DATA_LOAD) == NULL);
    CHECK(tlb_fast_host(cpu, 2, 0x5000, 1, MMU_DATA_LOAD) == NULL);
    CHECK(tlb_fast_host(cpu, 0, 0x6000, 1, MMU_DATA_LOAD) != NULL);

    tlb_flush_page_by_mmuidx(cpu, 0x6000, 1u << 1);
    CHECK(tlb_fast_host(cpu, 1, 0x6000, 1, MMU_DATA_LOAD) == NULL);
    CHECK(tlb_fast_host(cpu, 0, 0x6000, 1, MMU_DATA_LOAD) != NULL);

    tlb_flush_by_mmuidx(cpu, 1u << 0);
    CHECK(tlb_fast_host(cpu, 0, 0x6000, 1, MMU_DATA_LOAD) == NULL);
    CHECK(tlb_fast_host(cpu, 2, 0x6000, 1, MMU_DATA_LOAD) != NULL);

    tlb_flush(cpu);
    CHECK(tlb_fast_host(cpu, 2, 0x6000, 1, MMU_DATA_LOAD) == NULL);
    bench_free(b);
}

UNITTEST(tlb_large_page_flush)
{
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    /* a 2 MiB page: entered 4 KiB at a time */
    tlb_set_page(cpu, 0x40000000 + 0x3000, 0x0, PAGE_READ, 0, 21);
    CHECK(tlb_fast_host(cpu, 0, 0x40003008, 8, MMU_DATA_LOAD) == b->ram_ptr + 0x3008);
    tlb_set_page(cpu, 0x7000, 0x7000, PAGE_READ, 0, 12);
    tlb_set_page(cpu, 0x40000000 + 0x5000, 0x5000, PAGE_READ, 0, 12);   /* a 4K page */
    tlb_set_page(cpu, 0x40200000 + 0x1000, 0x0, PAGE_READ, 0, 21);      /* the next 2M */
    /* flushing any 4 KiB inside the large page drops that page's entries
     * (all of its 4 KiB pieces), not the others */
    tlb_flush_page(cpu, 0x40123000);
    CHECK(tlb_fast_host(cpu, 0, 0x40003008, 8, MMU_DATA_LOAD) == NULL);
    CHECK(tlb_fast_host(cpu, 0, 0x7000, 8, MMU_DATA_LOAD) != NULL);
    CHECK(tlb_fast_host(cpu, 0, 0x40005000, 8, MMU_DATA_LOAD) != NULL);
    CHECK(tlb_fast_host(cpu, 0, 0x40201000, 8, MMU_DATA_LOAD) != NULL);
    /* and the entry of the flushed page itself, large or not */
    tlb_flush_page(cpu, 0x40005000);
    CHECK(tlb_fast_host(cpu, 0, 0x40005000, 8, MMU_DATA_LOAD) == NULL);
    tlb_flush_page(cpu, 0x403ff000);
    CHECK(tlb_fast_host(cpu, 0, 0x40201000, 8, MMU_DATA_LOAD) == NULL);
    CHECK(tlb_fast_host(cpu, 0, 0x7000, 8, MMU_DATA_LOAD) != NULL);
    bench_free(b);
}

UNITTEST(tlb_large_regions_apart)
{
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    /* two 2 MiB pages far apart (a linear map and a kernel image) and a
     * 4 KiB page between them (a fixmap slot) */
    tlb_set_page(cpu, 0xff60000000000000ull, 0x0, PAGE_READ, 0, 21);
    tlb_set_page(cpu, 0xffffffff80000000ull + 0x1000, 0x1000, PAGE_READ, 0, 21);
    tlb_set_page(cpu, 0xff1bfffffebfc000ull, 0x7000, PAGE_READ, 0, 12);
    tlb_set_page(cpu, 0xff1bfffffebfa000ull, 0x6000, PAGE_READ, 0, 12);
    /* flushing the 4 KiB page drops it alone */
    tlb_flush_page(cpu, 0xff1bfffffebfc000ull);
    CHECK(tlb_fast_host(cpu, 0, 0xff1bfffffebfc000ull, 8, MMU_DATA_LOAD) == NULL);
    CHECK(tlb_fast_host(cpu, 0, 0xff1bfffffebfa000ull, 8, MMU_DATA_LOAD) != NULL);
    CHECK(tlb_fast_host(cpu, 0, 0xff60000000000000ull, 8, MMU_DATA_LOAD) != NULL);
    CHECK(tlb_fast_host(cpu, 0, 0xffffffff80001000ull, 8, MMU_DATA_LOAD) != NULL);
    /* more regions than slots: they merge, and still cover every large
     * page; a flush drops that page's entries and keeps the others */
    const unsigned n = CPU_TLB_LARGE_REGIONS + 3;
    for (uint64_t i = 0; i < n; i++) {
        tlb_set_page(cpu, 0x100000000ull * (i + 1) + (i + 1) * 0x1000, 0x0, PAGE_READ, 0, 21);
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t va = 0x100000000ull * (i + 1) + (i + 1) * 0x1000;
        CHECK(tlb_fast_host(cpu, 0, va, 8, MMU_DATA_LOAD) != NULL);
        tlb_flush_page(cpu, 0x100000000ull * (i + 1) + 0x1ff000);
        CHECK(tlb_fast_host(cpu, 0, va, 8, MMU_DATA_LOAD) == NULL);
        if (i + 1 < n) {
            CHECK(tlb_fast_host(cpu, 0, va + 0x100001000ull, 8, MMU_DATA_LOAD) != NULL);
        }
    }
    CHECK(tlb_fast_host(cpu, 0, 0xff1bfffffebfa000ull, 8, MMU_DATA_LOAD) != NULL);
    tlb_set_page(cpu, 0x600000000ull, 0x0, PAGE_READ, 0, 21);
    tlb_flush_page(cpu, 0x600000000ull + 0x1ff000);
    CHECK(tlb_fast_host(cpu, 0, 0x600000000ull, 8, MMU_DATA_LOAD) == NULL);
    bench_free(b);
}

UNITTEST(tlb_ram_host_spans)
{
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    /* RAM [0, 0x10000): asked first in the middle, the span still reaches
     * down to its (aligned) start */
    CHECK(tlb_ram_host(cpu, 0x8000, 8, true) == b->ram_ptr + 0x8000);
    CHECK(tlb_ram_host(cpu, 0, 0x10000, true) == b->ram_ptr);   /* the whole of it */
    CHECK(tlb_ram_host(cpu, 0x10, 8, false) == b->ram_ptr + 0x10);
    CHECK(tlb_ram_host(cpu, 0xfff8, 8, true) == b->ram_ptr + 0xfff8);
    CHECK(tlb_ram_host(cpu, 0xfffc, 8, false) == NULL);     /* runs off the end */
    CHECK(tlb_ram_host(cpu, 0x10000, 1, false) == NULL);    /* a hole */
    CHECK(tlb_ram_host(cpu, 0x40000, 8, false) == NULL);    /* MMIO */
    CHECK(tlb_ram_host(cpu, UINT64_MAX, 2, false) == NULL); /* wraps */
    /* ROM: readable, never writable */
    uint8_t *rom = tlb_ram_host(cpu, 0x20010, 4, false);
    CHECK(rom != NULL);
    CHECK(tlb_ram_host(cpu, 0x20010, 4, true) == NULL);
    CHECK(tlb_ram_host(cpu, 0x100, 4, true) == b->ram_ptr + 0x100);
    /* a flush forgets the span (the map may have changed) */
    tlb_flush(cpu);
    CHECK(tlb_ram_host(cpu, 0x20000, 4, false) == rom - 0x10);
    bench_free(b);
}

UNITTEST(tlb_mmio_and_rom_pages)
{
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    tlb_set_page(cpu, 0x9000, 0x40000, PAGE_READ | PAGE_WRITE, 0, 12);
    CHECK(tlb_fast_host(cpu, 0, 0x9000, 4, MMU_DATA_LOAD) == NULL);     /* MMIO: slow */
    CHECK(tlb_entry(cpu, 0, 0x9000)->addr_read & TLB_MMIO);
    b->mmio_val = 0x500;
    CHECK_U64(cpu_ld_mmu(cpu, 0x9008, MO_UL, 0, 0), 0x508);
    cpu_st_mmu(cpu, 0x9000, 0x77, MO_UQ, 0, 0);
    CHECK_U64(b->mmio_val, 0x77);

    /* ROM: reads fast, writes go the slow way and are dropped */
    uint32_t magic = 0xfeedf00d;
    memory_region_write_rom(&b->rom, 0, &magic, 4, &error_abort);
    tlb_set_page(cpu, 0xa000, 0x20000, PAGE_READ | PAGE_WRITE, 0, 12);
    CHECK(tlb_fast_host(cpu, 0, 0xa000, 4, MMU_DATA_LOAD) != NULL);
    CHECK(tlb_fast_host(cpu, 0, 0xa000, 4, MMU_DATA_STORE) == NULL);
    cpu_st_mmu(cpu, 0xa000, 0, MO_UL, 0, 0);
    CHECK_U64(cpu_ld_mmu(cpu, 0xa000, MO_UL, 0, 0), 0xfeedf00d);
    bench_free(b);
}

UNITTEST(tlb_slow_path_fills_and_converts)
{
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    uint64_t v = 0x80706050403020f0ull;
    memcpy(b->ram_ptr + 0x2000, &v, 8);
    CHECK_U64(cpu_ld_mmu(cpu, VBASE + 0x2000, MO_SB, 3, 0), 0xfffffffffffffff0ull);
    CHECK_INT(b->fills, 1);
    CHECK_U64(cpu_ld_mmu(cpu, VBASE + 0x2000, MO_UW | MO_BE, 3, 0), 0xf020);
    CHECK_U64(cpu_ld_mmu(cpu, VBASE + 0x2004, MO_SL, 3, 0), 0xffffffff80706050ull);
    CHECK_INT(b->fills, 1);                                    /* hits now */
    cpu_st_mmu(cpu, VBASE + 0x2000, 0x1122, MO_UW | MO_BE, 3, 0);
    CHECK_U64(b->ram_ptr[0x2000], 0x11);
    CHECK_U64(b->ram_ptr[0x2001], 0x22);
    /* straddling two pages: two fills, little-endian assembly */
    uint64_t w = 0x0123456789abcdefull;
    memcpy(b->ram_ptr + 0x3ffd, &w, 8);
    CHECK_U64(cpu_ld_mmu(cpu, VBASE + 0x3ffd, MO_UQ, 3, 0), w);
    CHECK_INT(b->fills, 3);
    /* probe: a non-faulting lookup reports instead of raising */
    bool fault = false;
    CHECK(probe_access(cpu, 0x10, 4, MMU_DATA_LOAD, 3, true, &fault, 0) == NULL);
    CHECK(fault);
    CHECK(probe_access(cpu, VBASE + 0x10, 4, MMU_DATA_STORE, 3, true, &fault, 0) ==
          b->ram_ptr + 0x10);
    CHECK(!fault);
    bench_free(b);
}

UNITTEST(tlb_one_shot_entries)
{
    /* a fill with page_size_log2 < 12 serves its own access only: the
     * guest sees every access (sub-page protection such as small PMP
     * regions) */
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    uint32_t v = 0x12345678;
    memcpy(b->ram_ptr + 0x2000, &v, 4);
    bench_fill_log2 = 0;
    CHECK_U64(cpu_ld_mmu(cpu, VBASE + 0x2000, MO_UL, 3, 0), 0x12345678);
    CHECK_U64(cpu_ld_mmu(cpu, VBASE + 0x2000, MO_UL, 3, 0), 0x12345678);
    CHECK_INT(b->fills, 2);
    CHECK(tlb_fast_host(cpu, 3, VBASE + 0x2000, 4, MMU_DATA_LOAD) == NULL);
    cpu_st_mmu(cpu, VBASE + 0x2004, 0x99, MO_UL, 3, 0);
    CHECK_INT(b->fills, 3);
    CHECK_U64(b->ram_ptr[0x2004], 0x99);
    bench_fill_log2 = GUEST_PAGE_BITS;
    CHECK_U64(cpu_ld_mmu(cpu, VBASE + 0x2000, MO_UL, 3, 0), 0x12345678);
    CHECK_U64(cpu_ld_mmu(cpu, VBASE + 0x2000, MO_UL, 3, 0), 0x12345678);
    CHECK_INT(b->fills, 4);                                    /* a normal entry hits */
    bench_free(b);
}

UNITTEST(tlb_atomics)
{
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    uint64_t v = 10;
    memcpy(b->ram_ptr + 0x100, &v, 8);
    GuestVaddr a = VBASE + 0x100;
    CHECK_U64(cpu_atomic_mmu(cpu, IR_OP_atomic_fetch_add, a, 5, 0, MO_UQ, 0, 0), 10);
    CHECK_U64(cpu_atomic_mmu(cpu, IR_OP_atomic_cmpxchg, a, 15, 99, MO_UQ, 0, 0), 15);
    CHECK_U64(cpu_atomic_mmu(cpu, IR_OP_atomic_cmpxchg, a, 15, 7, MO_UQ, 0, 0), 99);
    CHECK_U64(cpu_atomic_mmu(cpu, IR_OP_atomic_fetch_smin, a, (uint64_t)-1, 0, MO_UQ, 0, 0), 99);
    memcpy(&v, b->ram_ptr + 0x100, 8);
    CHECK_U64(v, (uint64_t)-1);
    CHECK_U64(cpu_atomic_mmu(cpu, IR_OP_atomic_fetch_umin, a, 3, 0, MO_UL, 0, 0), 0xffffffffu);
    CHECK_U64(cpu_atomic_mmu(cpu, IR_OP_atomic_xchg, a, 8, 0, MO_SL, 0, 0), 3);
    CHECK_U64(cpu_atomic_mmu(cpu, IR_OP_atomic_fetch_or, a + 4, 0, 0, MO_SL, 0, 0),
              0xffffffffffffffffull);
    bench_free(b);
}

static void *bench_async_flusher(void *opaque)
{
    tlb_flush_async(opaque, 1u << 2);
    return NULL;
}

UNITTEST(tlb_async_flush_from_another_thread)
{
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    tlb_set_page(cpu, 0x5000, 0x1000, PAGE_READ, 2, 12);
    pthread_t th;
    pthread_create(&th, NULL, bench_async_flusher, cpu);
    pthread_join(th, NULL);
    CHECK(atomic_load(&cpu->exit_request));
    CHECK(tlb_fast_host(cpu, 2, 0x5000, 1, MMU_DATA_LOAD) != NULL);   /* not yet */
    tlb_flush_pending(cpu);
    CHECK(tlb_fast_host(cpu, 2, 0x5000, 1, MMU_DATA_LOAD) == NULL);
    bench_free(b);
}

UNITTEST(tlb_user_mode_guest_base)
{
    uint8_t *space = calloc(1, 0x4000);
    CpuState cpu = { .mem_mode = CPU_MEM_USER, .guest_base = (uintptr_t)space - 0x10000,
                     .ops = &bench_ops };
    cpu_st_mmu(&cpu, 0x10008, 0xabcdef, MO_UL, 0, 0);
    CHECK_U64(space[8], 0xef);
    CHECK_U64(cpu_ld_mmu(&cpu, 0x10009, MO_UW, 0, 0), 0xabcd);   /* misaligned is fine */
    CHECK_U64(cpu_atomic_mmu(&cpu, IR_OP_atomic_fetch_add, 0x10008, 1, 0, MO_UL, 0, 0),
              0xabcdef);
    CHECK_U64(cpu_ld_mmu(&cpu, 0x10008, MO_UL, 0, 0), 0xabcdf0);
    void *host = NULL;
    CHECK_U64(get_page_addr_code(&cpu, 0x10100, &host), 0x10100);
    CHECK(host == space + 0x100);
    free(space);
}

/* Page i of a test working set: virtual VBASE + i pages, physical one of
 * the 16 RAM pages (several virtual pages may share one). */
static GuestVaddr resize_vpage(unsigned i)
{
    return VBASE + ((GuestVaddr)i << GUEST_PAGE_BITS);
}

static void resize_fill(CpuState *cpu, unsigned idx, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        tlb_set_page(cpu, resize_vpage(i), (GuestPaddr)(i % 16) << GUEST_PAGE_BITS,
                     PAGE_READ | PAGE_WRITE, idx, 12);
    }
}

/* How many of pages 0..n-1 hit, each checked for its right host address. */
static unsigned resize_hits(TlbBench *b, unsigned idx, unsigned n, bool *wrong)
{
    unsigned hits = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t *h = tlb_fast_host(&b->cpu, idx, resize_vpage(i) + 8, 8, MMU_DATA_LOAD);
        if (h) {
            hits++;
            if (h != b->ram_ptr + ((i % 16) << GUEST_PAGE_BITS) + 8) {
                *wrong = true;
            }
        }
    }
    return hits;
}

static unsigned resize_bits(CpuState *cpu, unsigned idx)
{
    return (unsigned)__builtin_popcountll(cpu->tlb.f[idx].index_mask);
}

UNITTEST(tlb_resize_grow_shrink_and_flushes)
{
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    bool wrong = false;
    CHECK_U64(resize_bits(cpu, 1), CPU_TLB_DYN_DEFAULT_BITS);
    unsigned size = 1u << CPU_TLB_DYN_DEFAULT_BITS;

    /* a working set that fills the table: grows one step at the flush */
    resize_fill(cpu, 1, size);
    CHECK_U64(cpu->tlb.d[1].n_used_entries, size);
    CHECK_U64(resize_hits(b, 1, size, &wrong), size);
    tlb_set_page(cpu, 0x5000, 0x1000, PAGE_READ, 2, 12);   /* another index: kept as is */
    tlb_flush_by_mmuidx(cpu, 1u << 1);
    CHECK_U64(resize_bits(cpu, 1), CPU_TLB_DYN_DEFAULT_BITS + 1);
    CHECK_U64(resize_bits(cpu, 2), CPU_TLB_DYN_DEFAULT_BITS);
    CHECK_U64(resize_hits(b, 1, 2 * size, &wrong), 0);       /* empty after the flush */
    CHECK(tlb_fast_host(cpu, 2, 0x5000, 1, MMU_DATA_LOAD) != NULL);

    /* twice the old working set now fits without conflicts */
    resize_fill(cpu, 1, 2 * size);
    CHECK_U64(resize_hits(b, 1, 2 * size, &wrong), 2 * size);
    CHECK(!wrong);

    /* flush by page in the grown table: only that page goes */
    tlb_flush_page(cpu, resize_vpage(size + 3) + 0x123);
    CHECK(tlb_fast_host(cpu, 1, resize_vpage(size + 3), 1, MMU_DATA_LOAD) == NULL);
    CHECK(tlb_fast_host(cpu, 1, resize_vpage(size + 2), 1, MMU_DATA_LOAD) != NULL);
    CHECK(tlb_fast_host(cpu, 1, resize_vpage(3), 1, MMU_DATA_LOAD) != NULL);
    CHECK_U64(cpu->tlb.d[1].n_used_entries, 2 * size - 1);
    CHECK_U64(resize_hits(b, 1, 2 * size, &wrong), 2 * size - 1);

    /* grows up to the maximum and no further */
    for (unsigned bits = CPU_TLB_DYN_DEFAULT_BITS + 1; bits <= CPU_TLB_DYN_MAX_BITS; bits++) {
        resize_fill(cpu, 1, 1u << bits);
        tlb_flush_by_mmuidx(cpu, 1u << 1);
    }
    CHECK_U64(resize_bits(cpu, 1), CPU_TLB_DYN_MAX_BITS);

    /* little use: no shrink while the window lasts; the window that saw
     * the full table ends: its peak keeps the size... */
    resize_fill(cpu, 1, 10);
    tlb_flush_by_mmuidx(cpu, 1u << 1);
    CHECK_U64(resize_bits(cpu, 1), CPU_TLB_DYN_MAX_BITS);
    resize_fill(cpu, 1, 10);
    cpu->tlb.d[1].window_begin_ns = 0;
    tlb_flush_by_mmuidx(cpu, 1u << 1);
    CHECK_U64(resize_bits(cpu, 1), CPU_TLB_DYN_MAX_BITS);
    /* ...and once a quiet window is over, down to fit its peak */
    resize_fill(cpu, 1, 300);
    cpu->tlb.d[1].window_begin_ns = 0;
    tlb_flush_by_mmuidx(cpu, 1u << 1);
    CHECK_U64(resize_bits(cpu, 1), 9);      /* 300 entries fit 512 under 70% */
    CHECK_U64(resize_hits(b, 1, 300, &wrong), 0);
    resize_fill(cpu, 1, 300);
    CHECK_U64(resize_hits(b, 1, 300, &wrong), 300);
    CHECK(!wrong);
    cpu->tlb.d[1].window_begin_ns = 0;
    tlb_flush(cpu);
    CHECK_U64(resize_bits(cpu, 1), 9);      /* 58%: stays */
    CHECK(tlb_fast_host(cpu, 2, 0x5000, 1, MMU_DATA_LOAD) == NULL);
    cpu->tlb.d[1].window_begin_ns = 0;
    resize_fill(cpu, 1, 1);
    tlb_flush(cpu);
    CHECK_U64(resize_bits(cpu, 1), CPU_TLB_DYN_MIN_BITS);

    /* large pages across a resize: the regions are forgotten with the
     * entries, and a 2 MiB page entered afterwards flushes as one */
    tlb_set_page(cpu, 0x40000000, 0x0, PAGE_READ, 1, 21);
    CHECK(tlb_fast_host(cpu, 1, 0x40000000, 1, MMU_DATA_LOAD) != NULL);
    resize_fill(cpu, 1, 1u << CPU_TLB_DYN_MIN_BITS);
    tlb_set_page(cpu, 0x40003000, 0x0, PAGE_READ, 1, 21);
    tlb_flush_by_mmuidx(cpu, 1u << 1);
    CHECK_U64(resize_bits(cpu, 1), CPU_TLB_DYN_MIN_BITS + 1);
    CHECK(tlb_fast_host(cpu, 1, 0x40003000, 1, MMU_DATA_LOAD) == NULL);
    tlb_set_page(cpu, 0x40001000, 0x0, PAGE_READ, 1, 21);
    tlb_set_page(cpu, 0x40002000, 0x0, PAGE_READ, 1, 21);
    tlb_flush_page(cpu, 0x40100000);        /* inside the large page */
    CHECK(tlb_fast_host(cpu, 1, 0x40001000, 1, MMU_DATA_LOAD) == NULL);
    CHECK(tlb_fast_host(cpu, 1, 0x40002000, 1, MMU_DATA_LOAD) == NULL);
    CHECK_U64(cpu->tlb.d[1].n_used_entries, 0);
    bench_free(b);
}

typedef struct ProtectRace {
    _Atomic bool stop;
    _Atomic unsigned walks;
} ProtectRace;

static void *protect_race_walker(void *opaque)
{
    ProtectRace *r = opaque;
    while (!atomic_load(&r->stop)) {
        tlb_protect_code_page(0x3000);
        atomic_fetch_add(&r->walks, 1);
    }
    return NULL;
}

/*
 * Another thread marks a code page in this vCPU's TLB while the vCPU fills,
 * flushes and resizes it: the walk must never touch freed tables (ASan)
 * nor mark anything but the code page's writable entries.
 */
UNITTEST(tlb_protect_code_races_resize)
{
    TlbBench *b = bench_new();
    CpuState *cpu = &b->cpu;
    exec_cpu_register(cpu);
    ProtectRace race = { 0 };
    pthread_t th;
    pthread_create(&th, NULL, protect_race_walker, &race);
    bool wrong = false, stray = false;
    for (unsigned round = 0; round < 200 || atomic_load(&race.walks) < 50; round++) {
        /* alternately big (grows) and small with the window over (shrinks) */
        unsigned n = round % 2 ? 1u << resize_bits(cpu, 1) : 4;
        resize_fill(cpu, 1, n);
        for (unsigned i = 0; i < n; i++) {
            CpuTlbEntry *e = tlb_entry(cpu, 1, resize_vpage(i));
            uint64_t w = __atomic_load_n(&e->addr_write, __ATOMIC_SEQ_CST);
            if ((w & TLB_NOTDIRTY) && i % 16 != 3) {
                stray = true;       /* only physical page 0x3000 is code */
            }
        }
        resize_hits(b, 1, n, &wrong);
        tlb_flush_page(cpu, resize_vpage(3));
        cpu->tlb.d[1].window_begin_ns = 0;
        tlb_flush_by_mmuidx(cpu, 1u << 1);
        if (round > 100000) {
            break;          /* the walker never ran: failed below */
        }
    }
    atomic_store(&race.stop, true);
    pthread_join(th, NULL);
    CHECK(!wrong);
    CHECK(!stray);
    CHECK(atomic_load(&race.walks) >= 50);
    CHECK(cpu->tlb.stat_resizes >= 100);

    /* and the marking itself: the code page's writes leave the fast path */
    resize_fill(cpu, 1, 32);
    tlb_protect_code_page(0x3000);
    CHECK(tlb_fast_host(cpu, 1, resize_vpage(3), 8, MMU_DATA_STORE) == NULL);
    CHECK(tlb_fast_host(cpu, 1, resize_vpage(19), 8, MMU_DATA_STORE) == NULL);
    CHECK(tlb_fast_host(cpu, 1, resize_vpage(4), 8, MMU_DATA_STORE) != NULL);
    CHECK(tlb_fast_host(cpu, 1, resize_vpage(3), 8, MMU_DATA_LOAD) != NULL);
    exec_cpu_unregister(cpu);
    bench_free(b);
}
