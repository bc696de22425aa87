/*
 * The soft-MMU TLB and guest memory access (QEMU's accel/tcg/cputlb.c, in
 * far fewer lines).  See softmmu.h for the entry format.  Invariants:
 *   - an entry's tags are either TLB_INVALID-carrying (all ones) or the
 *     page-aligned vaddr plus flags; addend is valid for RAM pages only;
 *   - full[] at the same index holds the physical page and attributes;
 *   - a write tag carries TLB_NOTDIRTY whenever the physical page holds
 *     translated code (set here at fill time, after the entry is stored,
 *     and by tlb_protect_code_page from the TB cache, so no interleaving
 *     loses it);
 *   - slow paths check alignment, split page-straddling accesses (stores
 *     fill both pages before writing a byte, so a fault leaves memory
 *     untouched), go to RAM by host pointer and to MMIO by the memory API.
 * User mode (CPU_MEM_USER) bypasses all of this: host = guest_base + vaddr.
 */
#include "exec/softmmu.h"

#include <assert.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec/cpu.h"
#include "exec/exec.h"
#include "exec/exec_internal.h"
#include "exec/tb.h"
#include "util/log.h"

#define TLB_ENTRY_INVALID UINT64_MAX

/*
 * The RAM (or ROM) span of the memory map that tlb_ram_host used last, on
 * this thread for cpu: guest physical [start, last] is host `host` (0:
 * none).  Like the TLB's entries it holds host pointers of the map, so
 * every flush on this thread forgets it (a map change flushes every vCPU,
 * each on its own thread).  It could live in CpuState: the JIT's speed
 * depends on where the guest registers sit relative to CpuState's start
 * (modulo 128 bytes), and RiscvCpu now pads itself to keep that phase
 * whatever CpuState's size (guest/riscv/cpu.h, RISCV_GPR_PHASE).
 */
static __thread struct {
    const CpuState *cpu;
    GuestPaddr start, last;
    uintptr_t host;
    bool writable;
} tlb_ram_span;

void tlb_ram_span_forget(void)
{
    tlb_ram_span.host = 0;
    tlb_ram_span.cpu = NULL;
}

static void tlb_large_reset(CpuTlbDesc *d)
{
    for (unsigned r = 0; r < CPU_TLB_LARGE_REGIONS; r++) {
        d->large_page_addr[r] = TLB_ENTRY_INVALID;
        d->large_page_mask[r] = 0;
    }
}

/* Is page inside one of d's large-page regions? */
static bool tlb_large_covers(const CpuTlbDesc *d, GuestVaddr page)
{
    for (unsigned r = 0; r < CPU_TLB_LARGE_REGIONS; r++) {
        if (d->large_page_addr[r] != TLB_ENTRY_INVALID &&
            (page & d->large_page_mask[r]) == d->large_page_addr[r]) {
            return true;
        }
    }
    return false;
}

/* The mask of the smallest aligned region holding both addr/mask and lp. */
static GuestVaddr tlb_large_widen(GuestVaddr addr, GuestVaddr mask, GuestVaddr lp)
{
    while (((addr ^ lp) & mask) != 0) {
        mask <<= 1;
    }
    return mask;
}

/*
 * Remember the large page lp/mask.  Once every slot is in use, the two
 * regions (the new page counting as one) whose union is the smallest
 * aligned region merge, so that pages next to each other (a kernel image
 * mapped 2 MiB at a time) join before regions far apart do (Linux's
 * linear map and its fixmap: merged, every fixmap flush would hit them).
 */
static void tlb_large_add(CpuTlbDesc *d, GuestVaddr lp, GuestVaddr mask)
{
    for (unsigned r = 0; r < CPU_TLB_LARGE_REGIONS; r++) {
        if (d->large_page_addr[r] == TLB_ENTRY_INVALID) {
            d->large_page_addr[r] = lp & mask;
            d->large_page_mask[r] = mask;
            return;
        }
        /* already inside region r (its mask no longer than the page's) */
        if ((lp & d->large_page_mask[r]) == d->large_page_addr[r] &&
            (d->large_page_mask[r] & ~mask) == 0) {
            return;
        }
    }
    /* candidates 0..N-1 are the regions, N the new page */
    GuestVaddr addr[CPU_TLB_LARGE_REGIONS + 1], msk[CPU_TLB_LARGE_REGIONS + 1];
    for (unsigned r = 0; r < CPU_TLB_LARGE_REGIONS; r++) {
        addr[r] = d->large_page_addr[r];
        msk[r] = d->large_page_mask[r];
    }
    addr[CPU_TLB_LARGE_REGIONS] = lp & mask;
    msk[CPU_TLB_LARGE_REGIONS] = mask;
    unsigned best_a = 0, best_b = CPU_TLB_LARGE_REGIONS;
    GuestVaddr best_mask = 0;
    bool found = false;
    for (unsigned a = 0; a < CPU_TLB_LARGE_REGIONS; a++) {
        for (unsigned b = a + 1; b <= CPU_TLB_LARGE_REGIONS; b++) {
            GuestVaddr m = tlb_large_widen(addr[a], msk[a] & msk[b], addr[b]);
            if (!found || m > best_mask) {      /* more leading ones: smaller */
                found = true;
                best_a = a;
                best_b = b;
                best_mask = m;
            }
        }
    }
    d->large_page_addr[best_a] = addr[best_a] & best_mask;
    d->large_page_mask[best_a] = best_mask;
    if (best_b < CPU_TLB_LARGE_REGIONS) {
        /* two old regions merged: the new page takes the freed slot */
        d->large_page_addr[best_b] = addr[CPU_TLB_LARGE_REGIONS];
        d->large_page_mask[best_b] = msk[CPU_TLB_LARGE_REGIONS];
    }
}

static uint64_t tlb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Give index idx empty tables of 1 << bits entries (old ones freed). */
static void tlb_tables_alloc(CpuTlb *tlb, unsigned idx, unsigned bits)
{
    size_t n = (size_t)1 << bits;
    free(tlb->f[idx].table);
    free(tlb->d[idx].full);
    tlb->f[idx].table = malloc(n * sizeof(CpuTlbEntry));
    tlb->d[idx].full = calloc(n, sizeof(CpuTlbEntryFull));
    assert(tlb->f[idx].table && tlb->d[idx].full);
    tlb->f[idx].index_mask = n - 1;
    memset(tlb->f[idx].table, 0xff, n * sizeof(CpuTlbEntry));
}

void tlb_init(CpuState *cpu)
{
    CpuTlb *tlb = &cpu->tlb;
    uint64_t now = tlb_now_ns();
    pthread_mutex_init(&tlb->lock, NULL);
    for (unsigned i = 0; i < CPU_TLB_MMU_MODES; i++) {
        tlb->f[i].table = NULL;
        tlb->d[i].full = NULL;
        tlb_tables_alloc(tlb, i, CPU_TLB_DYN_DEFAULT_BITS);
        tlb_large_reset(&tlb->d[i]);
        tlb->d[i].n_used_entries = 0;
        tlb->d[i].window_max_entries = 0;
        tlb->d[i].window_begin_ns = now;
    }
    tlb->used_mmuidx = 0;
    atomic_store(&tlb->pending_flush, 0);
    tlb_ram_span_forget();
}

void tlb_destroy(CpuState *cpu)
{
    tlb_ram_span_forget();
    for (unsigned i = 0; i < CPU_TLB_MMU_MODES; i++) {
        free(cpu->tlb.f[i].table);
        free(cpu->tlb.d[i].full);
        cpu->tlb.f[i].table = NULL;
        cpu->tlb.d[i].full = NULL;
        cpu->tlb.f[i].index_mask = 0;
    }
    pthread_mutex_destroy(&cpu->tlb.lock);
}

/*
 * The size index idx should have from now on, judged at its flush (QEMU's
 * tlb_mmu_resize_locked): double when more than 70% of the entries were in
 * use (a working set this big conflicts a lot in a direct-mapped table);
 * when under 30% and the window (CPU_TLB_WINDOW_NS) is over, the smallest
 * size that holds the window's peak at no more than 70%.  Shrinking waits
 * for a whole window so that a burst of flushes (a process exiting) does
 * not throw away a size a busy phase needed.
 */
static unsigned tlb_resize_bits(CpuTlbDesc *d, unsigned old_bits, uint64_t now)
{
    uint64_t old_size = 1ull << old_bits;
    uint64_t rate = d->n_used_entries * 100 / old_size;
    bool expired = now - d->window_begin_ns > CPU_TLB_WINDOW_NS;
    if (d->n_used_entries > d->window_max_entries) {
        d->window_max_entries = d->n_used_entries;
    }
    unsigned bits = old_bits;
    if (rate > 70 && old_bits < CPU_TLB_DYN_MAX_BITS) {
        bits = old_bits + 1;
    } else if (rate < 30 && expired) {
        unsigned need = CPU_TLB_DYN_MIN_BITS;
        while (need < CPU_TLB_DYN_MAX_BITS &&
               d->window_max_entries * 100 > (70ull << need)) {
            need++;
        }
        bits = need < old_bits ? need : old_bits;
    }
    if (bits != old_bits || expired) {
        d->window_begin_ns = now;
        d->window_max_entries = 0;
    }
    return bits;
}

/* Empty index idx, resizing its tables first if their use says so. */
static void tlb_flush_one_mmuidx(CpuState *cpu, unsigned idx, uint64_t now)
{
    CpuTlb *tlb = &cpu->tlb;
    CpuTlbDesc *d = &tlb->d[idx];
    unsigned old_bits = (unsigned)__builtin_popcountll(tlb->f[idx].index_mask);
    unsigned bits = tlb_resize_bits(d, old_bits, now);
    if (bits != old_bits) {
        tlb_tables_alloc(tlb, idx, bits);
        tlb->stat_resizes++;
    } else if (d->n_used_entries != 0) {
        /* n_used_entries == 0: nothing but empty entries to clear */
        memset(tlb->f[idx].table, 0xff, (tlb->f[idx].index_mask + 1) * sizeof(CpuTlbEntry));
    }
    tlb_large_reset(d);
    d->n_used_entries = 0;
}

void tlb_flush_by_mmuidx(CpuState *cpu, uint32_t idxmap)
{
    uint32_t todo = idxmap & cpu->tlb.used_mmuidx;
    tlb_ram_span_forget();
    if (todo) {
        uint64_t now = tlb_now_ns();
        pthread_mutex_lock(&cpu->tlb.lock);
        for (unsigned i = 0; i < CPU_TLB_MMU_MODES; i++) {
            if (todo & (1u << i)) {
                tlb_flush_one_mmuidx(cpu, i, now);
            }
        }
        pthread_mutex_unlock(&cpu->tlb.lock);
    }
    __atomic_store_n(&cpu->tlb.used_mmuidx, cpu->tlb.used_mmuidx & ~idxmap, __ATOMIC_RELAXED);
    cpu->tlb.stat_flushes++;
    /* blocks were found by virtual pc: the mapping may have changed */
    tb_jmp_cache_clear(cpu);
}

void tlb_flush(CpuState *cpu)
{
    tlb_flush_by_mmuidx(cpu, (1u << CPU_TLB_MMU_MODES) - 1);
}

static bool tlb_tag_is_page(uint64_t tag, GuestVaddr page)
{
    return (tag & (GUEST_PAGE_MASK | TLB_INVALID)) == page;
}

/* Drop mmu_idx's entries made from a large page that holds page. */
static void tlb_flush_large_entries(CpuState *cpu, unsigned mmu_idx, GuestVaddr page)
{
    CpuTlbEntry *t = cpu->tlb.f[mmu_idx].table;
    CpuTlbDesc *d = &cpu->tlb.d[mmu_idx];
    const CpuTlbEntryFull *full = d->full;
    for (uint64_t k = 0; k <= cpu->tlb.f[mmu_idx].index_mask; k++) {
        unsigned log2 = full[k].page_size_log2;
        if (log2 <= GUEST_PAGE_BITS) {
            continue;
        }
        /* the entry's page: an unused tag is all ones, so the AND keeps
         * the page bits of those in use */
        uint64_t tag = t[k].addr_read & t[k].addr_code &
                       __atomic_load_n(&t[k].addr_write, __ATOMIC_RELAXED);
        if (tag == TLB_ENTRY_INVALID) {
            continue;
        }
        GuestVaddr lmask = log2 >= 64 ? 0 : ~((1ull << log2) - 1);
        if (((tag ^ page) & lmask) == 0) {
            memset(&t[k], 0xff, sizeof(t[k]));
            d->n_used_entries--;
        }
    }
}

void tlb_flush_page_by_mmuidx(CpuState *cpu, GuestVaddr addr, uint32_t idxmap)
{
    GuestVaddr page = addr & GUEST_PAGE_MASK;
    bool jmp_clear_all = false;
    for (unsigned i = 0; i < CPU_TLB_MMU_MODES; i++) {
        if (!(idxmap & cpu->tlb.used_mmuidx & (1u << i))) {
            continue;
        }
        CpuTlbDesc *d = &cpu->tlb.d[i];
        if (tlb_large_covers(d, page)) {
            /* maybe part of a large page, entered 4 KiB at a time under
             * other indexes: drop every large-page entry holding page.
             * Blocks found through such a page may sit in the jump cache
             * under any of its pcs, even after their entry was evicted. */
            tlb_flush_large_entries(cpu, i, page);
            jmp_clear_all = true;
        }
        CpuTlbEntry *e = tlb_entry(cpu, i, page);
        if (tlb_tag_is_page(e->addr_read, page) || tlb_tag_is_page(e->addr_write, page) ||
            tlb_tag_is_page(e->addr_code, page)) {
            memset(e, 0xff, sizeof(*e));
            d->n_used_entries--;
        }
    }
    if (jmp_clear_all) {
        tb_jmp_cache_clear(cpu);
    } else {
        tb_jmp_cache_clear_page(cpu, page);
    }
}

void tlb_flush_page(CpuState *cpu, GuestVaddr addr)
{
    tlb_flush_page_by_mmuidx(cpu, addr, (1u << CPU_TLB_MMU_MODES) - 1);
}

void tlb_flush_async(CpuState *cpu, uint32_t idxmap)
{
    atomic_fetch_or(&cpu->tlb.pending_flush, idxmap);
    atomic_store(&cpu->exit_request, 1);
    if (cpu->kick_fn) {
        cpu->kick_fn(cpu);
    }
}

void tlb_flush_pending(CpuState *cpu)
{
    uint32_t idxmap = atomic_exchange(&cpu->tlb.pending_flush, 0);
    if (idxmap) {
        tlb_flush_by_mmuidx(cpu, idxmap);
    }
}

/* Cache the RAM/ROM span holding paddr; false if paddr is not RAM/ROM.
 * address_space_ram_ptr gives the span from paddr up; reach down to an
 * aligned start when the same span begins there (RAM at 0x80000000 is then
 * one span whichever address is asked first). */
static bool tlb_ram_span_fill(CpuState *cpu, GuestPaddr paddr)
{
    uint64_t len = 0;
    uint8_t *host = cpu->as ? address_space_ram_ptr(cpu->as, paddr, false, &len) : NULL;
    if (!host || len == 0) {
        return false;
    }
    GuestPaddr start = paddr;
    for (unsigned bits = 30; bits >= GUEST_PAGE_BITS; bits -= 9) {
        GuestPaddr base = paddr & ~((1ull << bits) - 1);
        uint64_t blen = 0;
        uint8_t *bhost = address_space_ram_ptr(cpu->as, base, false, &blen);
        if (bhost && (uintptr_t)bhost + (paddr - base) == (uintptr_t)host &&
            blen - (paddr - base) == len) {
            start = base;
            host = bhost;
            len = blen;
            break;
        }
    }
    uint64_t wlen = 0;
    tlb_ram_span.writable = address_space_ram_ptr(cpu->as, start, true, &wlen) == host &&
                            wlen == len;
    tlb_ram_span.start = start;
    tlb_ram_span.last = len - 1 > UINT64_MAX - start ? UINT64_MAX : start + (len - 1);
    tlb_ram_span.host = (uintptr_t)host;
    tlb_ram_span.cpu = cpu;
    return true;
}

void *tlb_ram_host(CpuState *cpu, GuestPaddr paddr, uint64_t size, bool is_write)
{
    GuestPaddr last = paddr + size - 1;
    if (size == 0 || last < paddr) {
        return NULL;
    }
    if (tlb_ram_span.cpu != cpu || !tlb_ram_span.host || paddr < tlb_ram_span.start ||
        paddr > tlb_ram_span.last) {
        if (!tlb_ram_span_fill(cpu, paddr)) {
            return NULL;
        }
    }
    if (last > tlb_ram_span.last || (is_write && !tlb_ram_span.writable)) {
        return NULL;
    }
    return (void *)(tlb_ram_span.host + (paddr - tlb_ram_span.start));
}

void tlb_set_page_with_attrs(CpuState *cpu, GuestVaddr vaddr, GuestPaddr paddr,
                             MemTxAttrs attrs, int prot, unsigned mmu_idx,
                             unsigned page_size_log2)
{
    assert(mmu_idx < CPU_TLB_MMU_MODES);
    /* one-shot: the tags keep TLB_INVALID, so no later lookup hits */
    uint64_t oneshot = page_size_log2 < GUEST_PAGE_BITS ? TLB_INVALID : 0;
    if (page_size_log2 < GUEST_PAGE_BITS) {
        page_size_log2 = GUEST_PAGE_BITS;
    }
    CpuTlbDesc *d = &cpu->tlb.d[mmu_idx];
    GuestVaddr vpage = vaddr & GUEST_PAGE_MASK;

    if (page_size_log2 > GUEST_PAGE_BITS) {
        GuestVaddr mask = page_size_log2 >= 64 ? 0 : ~((1ull << page_size_log2) - 1);
        tlb_large_add(d, vaddr & mask, mask);
    }
    GuestVaddr size_mask = page_size_log2 >= 64 ? ~0ull : (1ull << page_size_log2) - 1;
    GuestPaddr ppage = (paddr & ~size_mask) | (vaddr & size_mask & GUEST_PAGE_MASK);

    /* RAM smaller than a page goes the slow way */
    void *host = tlb_ram_host(cpu, ppage, GUEST_PAGE_SIZE, false);
    void *host_w = host ? tlb_ram_host(cpu, ppage, GUEST_PAGE_SIZE, true) : NULL;

    /* the index counts as used before its entry is stored: a code-page
     * walk that skips it (bit clear) ran before the check after the fill */
    if (!(cpu->tlb.used_mmuidx & (1u << mmu_idx))) {
        __atomic_store_n(&cpu->tlb.used_mmuidx, cpu->tlb.used_mmuidx | (1u << mmu_idx),
                         __ATOMIC_SEQ_CST);
    }
    CpuTlbEntry *e = tlb_entry(cpu, mmu_idx, vpage);
    CpuTlbEntryFull *full = &d->full[(vpage >> GUEST_PAGE_BITS) & cpu->tlb.f[mmu_idx].index_mask];
    if ((e->addr_read & e->addr_code & __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED)) ==
        TLB_ENTRY_INVALID) {
        d->n_used_entries++;        /* an empty entry comes into use */
    }
    uint64_t mmio = host ? 0 : TLB_MMIO;
    uint64_t watch = cpu->nb_watchpoints && cpu_watchpoint_on_page(cpu, vpage) ? TLB_WATCH : 0;
    /* full first: a code-page walk that sees the new write tag sees its
     * physical page too */
    *full = (CpuTlbEntryFull){ .paddr_page = ppage, .attrs = attrs, .prot = (uint8_t)prot,
                               .page_size_log2 = (uint8_t)page_size_log2 };
    e->addr_read = (prot & PAGE_READ) ? vpage | mmio | watch | oneshot : TLB_ENTRY_INVALID;
    e->addr_code = (prot & PAGE_EXEC) ? vpage | mmio | oneshot : TLB_ENTRY_INVALID;
    e->addend = host ? (uintptr_t)host - (uintptr_t)vpage : 0;
    uint64_t wtag = (prot & PAGE_WRITE) ? vpage | (host_w ? 0 : TLB_MMIO) | watch | oneshot
                                        : TLB_ENTRY_INVALID;
    __atomic_store_n(&e->addr_write, wtag, __ATOMIC_SEQ_CST);
    /* after the store: either we see the page as code, or the TB cache's
     * tlb_protect_code_page sees our entry */
    if ((prot & PAGE_WRITE) && host_w && tb_page_has_code(ppage)) {
        __atomic_fetch_or(&e->addr_write, TLB_NOTDIRTY, __ATOMIC_SEQ_CST);
    }
    cpu->tlb.stat_fills++;
    log_mask_printf(LOG_MMU, "tlb_set_page: cpu %d mmu %u vaddr 0x%llx -> paddr 0x%llx prot %d%s\n",
                    cpu->cpu_index, mmu_idx, (unsigned long long)vpage,
                    (unsigned long long)ppage, prot, host ? "" : " mmio");
}

void tlb_set_page(CpuState *cpu, GuestVaddr vaddr, GuestPaddr paddr, int prot,
                  unsigned mmu_idx, unsigned page_size_log2)
{
    tlb_set_page_with_attrs(cpu, vaddr, paddr, MEMTXATTRS_UNSPECIFIED, prot, mmu_idx,
                            page_size_log2);
}

/*
 * Any thread (the CPU list lock held): mark cpu's writable entries of the
 * physical page NOTDIRTY.  cpu's tables may be resized or cleared by their
 * owner meanwhile: the lock keeps them alive and their size fixed for the
 * walk.  Entries the owner fills during the walk are covered by its own
 * check after the fill (tlb_set_page_with_attrs).
 */
static void tlb_protect_code_cpu(CpuState *cpu, void *opaque)
{
    GuestPaddr page = *(GuestPaddr *)opaque;
    pthread_mutex_lock(&cpu->tlb.lock);
    uint32_t used = __atomic_load_n(&cpu->tlb.used_mmuidx, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < CPU_TLB_MMU_MODES; i++) {
        CpuTlbEntry *t = cpu->tlb.f[i].table;
        CpuTlbEntryFull *full = cpu->tlb.d[i].full;
        if (!(used & (1u << i)) || !t) {
            continue;
        }
        for (uint64_t k = 0; k <= cpu->tlb.f[i].index_mask; k++) {
            uint64_t w = __atomic_load_n(&t[k].addr_write, __ATOMIC_SEQ_CST);
            if (!(w & (TLB_INVALID | TLB_MMIO)) &&
                __atomic_load_n(&full[k].paddr_page, __ATOMIC_RELAXED) == page) {
                __atomic_fetch_or(&t[k].addr_write, TLB_NOTDIRTY, __ATOMIC_SEQ_CST);
            }
        }
    }
    pthread_mutex_unlock(&cpu->tlb.lock);
}

void tlb_protect_code_page(GuestPaddr page)
{
    page &= GUEST_PAGE_MASK;
    exec_cpu_foreach(tlb_protect_code_cpu, &page);
}

/* ---- slow paths ------------------------------------------------------- */

static uint64_t tlb_tag(const CpuTlbEntry *e, MmuAccessType access)
{
    switch (access) {
    case MMU_DATA_LOAD: return e->addr_read;
    case MMU_DATA_STORE: return __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED);
    default: return e->addr_code;
    }
}

/* Make sure the TLB holds addr's page for access (filling through the guest
 * or raising); returns the entry.  With probe, NULL instead of raising. */
static CpuTlbEntry *tlb_lookup_fill(CpuState *cpu, GuestVaddr addr, unsigned size,
                                    MmuAccessType access, unsigned mmu_idx, bool probe,
                                    uintptr_t ra)
{
    GuestVaddr page = addr & GUEST_PAGE_MASK;
    CpuTlbEntry *e = tlb_entry(cpu, mmu_idx, addr);
    if (tlb_tag_is_page(tlb_tag(e, access), page)) {
        return e;
    }
    if (!cpu->ops->tlb_fill(cpu, addr, size, access, mmu_idx, probe, ra)) {
        assert(probe);
        return NULL;
    }
    e = tlb_entry(cpu, mmu_idx, addr);
    /* a tlb_fill that succeeds must have entered the access it was asked
     * (maybe one-shot: then it serves this access only) */
    uint64_t tag = tlb_tag(e, access);
    assert(tag != TLB_ENTRY_INVALID && (tag & GUEST_PAGE_MASK) == page);
    return e;
}

static CpuTlbEntryFull *tlb_full(CpuState *cpu, unsigned mmu_idx, GuestVaddr addr)
{
    return &cpu->tlb.d[mmu_idx].full[(addr >> GUEST_PAGE_BITS) & cpu->tlb.f[mmu_idx].index_mask];
}

static void tlb_transaction_failed(CpuState *cpu, GuestPaddr paddr, GuestVaddr addr,
                                   unsigned size, MmuAccessType access, unsigned mmu_idx,
                                   MemTxAttrs attrs, MemTxResult r, uintptr_t ra)
{
    if (cpu->ops->do_transaction_failed) {
        cpu->ops->do_transaction_failed(cpu, paddr, addr, size, access, mmu_idx, attrs, r, ra);
    }
}

/* One access of size bytes inside one page; value little-endian. */
static uint64_t ld_page(CpuState *cpu, GuestVaddr addr, unsigned size, MmuAccessType access,
                        unsigned mmu_idx, uintptr_t ra)
{
    CpuTlbEntry *e = tlb_lookup_fill(cpu, addr, size, access, mmu_idx, false, ra);
    uint64_t tag = tlb_tag(e, access);
    uint64_t v = 0;
    if ((tag & TLB_WATCH) && access == MMU_DATA_LOAD) {
        cpu_check_watchpoint(cpu, addr, size, BP_MEM_READ, ra);
    }
    if (tag & TLB_MMIO) {
        CpuTlbEntryFull *full = tlb_full(cpu, mmu_idx, addr);
        GuestPaddr pa = full->paddr_page | (addr & ~GUEST_PAGE_MASK);
        MemTxResult r = address_space_load(cpu->as, pa, size, full->attrs, &v);
        if (r != MEMTX_OK) {
            tlb_transaction_failed(cpu, pa, addr, size, access, mmu_idx, full->attrs, r, ra);
            v = 0;
        }
        return v;
    }
    memcpy(&v, (void *)(uintptr_t)(addr + e->addend), size);
    return v;
}

static void st_page(CpuState *cpu, GuestVaddr addr, unsigned size, uint64_t v,
                    unsigned mmu_idx, uintptr_t ra)
{
    CpuTlbEntry *e = tlb_lookup_fill(cpu, addr, size, MMU_DATA_STORE, mmu_idx, false, ra);
    uint64_t tag = __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED);
    CpuTlbEntryFull *full = tlb_full(cpu, mmu_idx, addr);
    GuestPaddr pa = full->paddr_page | (addr & ~GUEST_PAGE_MASK);
    if (tag & TLB_WATCH) {
        cpu_check_watchpoint(cpu, addr, size, BP_MEM_WRITE, ra);
    }
    if (tag & TLB_MMIO) {
        MemTxResult r = address_space_store(cpu->as, pa, size, full->attrs, v);
        if (r != MEMTX_OK) {
            tlb_transaction_failed(cpu, pa, addr, size, MMU_DATA_STORE, mmu_idx, full->attrs,
                                   r, ra);
        }
        return;
    }
    if (tag & TLB_NOTDIRTY) {
        /* the page holds translated code: drop the blocks it overlaps */
        tb_invalidate_phys_range(pa, size);
        if (!tb_page_has_code(pa)) {
            __atomic_fetch_and(&e->addr_write, ~TLB_NOTDIRTY, __ATOMIC_SEQ_CST);
        }
    }
    memcpy((void *)(uintptr_t)(addr + e->addend), &v, size);
}

static void check_alignment(CpuState *cpu, GuestVaddr addr, MemOp mop, MmuAccessType access,
                            unsigned mmu_idx, uintptr_t ra)
{
    unsigned align = memop_alignment(mop);
    if (addr & (align - 1)) {
        cpu->ops->do_unaligned_access(cpu, addr, access, mmu_idx, ra);
        assert(!"do_unaligned_access returned");
    }
}

static bool crosses_page(GuestVaddr addr, unsigned size)
{
    return ((addr ^ (addr + size - 1)) & GUEST_PAGE_MASK) != 0;
}

static uint64_t finish_load(uint64_t v, MemOp mop)
{
    unsigned size = memop_size(mop);
    if (mop & MO_BE) {
        v = size == 8 ? __builtin_bswap64(v) : size == 4 ? __builtin_bswap32((uint32_t)v)
            : size == 2 ? __builtin_bswap16((uint16_t)v) : v;
    }
    if ((mop & MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

static uint64_t cpu_ld_access(CpuState *cpu, GuestVaddr addr, MemOp mop, unsigned mmu_idx,
                              MmuAccessType access, uintptr_t ra)
{
    unsigned size = memop_size(mop);
    check_alignment(cpu, addr, mop, access, mmu_idx, ra);
    uint64_t v;
    if (!crosses_page(addr, size)) {
        v = ld_page(cpu, addr, size, access, mmu_idx, ra);
    } else {
        /* split at the page boundary, little-endian assembly */
        unsigned n1 = (unsigned)(GUEST_PAGE_SIZE - (addr & ~GUEST_PAGE_MASK));
        uint64_t lo = 0, hi = 0;
        for (unsigned i = 0; i < n1; i++) {
            lo |= ld_page(cpu, addr + i, 1, access, mmu_idx, ra) << (8 * i);
        }
        for (unsigned i = n1; i < size; i++) {
            hi |= ld_page(cpu, addr + i, 1, access, mmu_idx, ra) << (8 * (i - n1));
        }
        v = lo | (hi << (8 * n1));
    }
    return finish_load(v, mop);
}

/* User mode's raw accesses from C: a fault in between is this access's
 * (cpu_user_access_ra); the signal fences keep the compiler from moving
 * the access out (the handler runs on this thread). */
static inline void user_access_begin(uintptr_t ra)
{
    cpu_user_access_ra = ra;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static inline void user_access_end(void)
{
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    cpu_user_access_ra = 0;
}

uint64_t cpu_ld_mmu(CpuState *cpu, GuestVaddr addr, MemOp mop, unsigned mmu_idx,
                    uintptr_t ra)
{
    if (cpu->mem_mode == CPU_MEM_USER) {
        uint64_t v = 0;
        check_alignment(cpu, addr, mop, MMU_DATA_LOAD, mmu_idx, ra);
        user_access_begin(ra);
        memcpy(&v, (void *)(cpu->guest_base + addr), memop_size(mop));
        user_access_end();
        return finish_load(v, mop);
    }
    return cpu_ld_access(cpu, addr, mop, mmu_idx, MMU_DATA_LOAD, ra);
}

void cpu_st_mmu(CpuState *cpu, GuestVaddr addr, uint64_t val, MemOp mop, unsigned mmu_idx,
                uintptr_t ra)
{
    unsigned size = memop_size(mop);
    check_alignment(cpu, addr, mop, MMU_DATA_STORE, mmu_idx, ra);
    if (mop & MO_BE) {
        val = finish_load(val, mop & (MO_SIZE | MO_BE));
    }
    if (cpu->mem_mode == CPU_MEM_USER) {
        user_access_begin(ra);
        memcpy((void *)(cpu->guest_base + addr), &val, size);
        user_access_end();
        return;
    }
    if (!crosses_page(addr, size)) {
        st_page(cpu, addr, size, val, mmu_idx, ra);
        return;
    }
    /* fill both pages first: a fault on the second leaves memory untouched */
    GuestVaddr second = (addr + size - 1) & GUEST_PAGE_MASK;
    tlb_lookup_fill(cpu, addr, 1, MMU_DATA_STORE, mmu_idx, false, ra);
    tlb_lookup_fill(cpu, second, 1, MMU_DATA_STORE, mmu_idx, false, ra);
    for (unsigned i = 0; i < size; i++) {
        st_page(cpu, addr + i, 1, (val >> (8 * i)) & 0xff, mmu_idx, ra);
    }
}

static pthread_mutex_t mmio_atomic_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t atomic_compute(IrOpcode opc, unsigned size, uint64_t old, uint64_t val,
                               uint64_t newv)
{
    unsigned sh = 64 - 8 * size;
    int64_t so = (int64_t)(old << sh) >> sh, sv = (int64_t)(val << sh) >> sh;
    uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    old &= mask;
    val &= mask;
    switch (opc) {
    case IR_OP_atomic_cmpxchg: return old == val ? newv : old;
    case IR_OP_atomic_xchg: return val;
    case IR_OP_atomic_fetch_add: return old + val;
    case IR_OP_atomic_fetch_and: return old & val;
    case IR_OP_atomic_fetch_or: return old | val;
    case IR_OP_atomic_fetch_xor: return old ^ val;
    case IR_OP_atomic_fetch_smin: return so < sv ? old : val;
    case IR_OP_atomic_fetch_smax: return so > sv ? old : val;
    case IR_OP_atomic_fetch_umin: return old < val ? old : val;
    case IR_OP_atomic_fetch_umax: return old > val ? old : val;
    default: assert(!"not an atomic op"); return old;
    }
}

/* Compare-and-swap loop on host memory of size bytes (little-endian values). */
static uint64_t atomic_host(void *p, unsigned size, IrOpcode opc, uint64_t val, uint64_t newv)
{
    for (;;) {
        uint64_t old;
        bool ok;
        switch (size) {
        case 1: {
            uint8_t o = __atomic_load_n((uint8_t *)p, __ATOMIC_SEQ_CST);
            uint8_t n = (uint8_t)atomic_compute(opc, 1, o, val, newv);
            ok = __atomic_compare_exchange_n((uint8_t *)p, &o, n, false, __ATOMIC_SEQ_CST,
                                             __ATOMIC_SEQ_CST);
            old = o;
            break;
        }
        case 2: {
            uint16_t o = __atomic_load_n((uint16_t *)p, __ATOMIC_SEQ_CST);
            uint16_t n = (uint16_t)atomic_compute(opc, 2, o, val, newv);
            ok = __atomic_compare_exchange_n((uint16_t *)p, &o, n, false, __ATOMIC_SEQ_CST,
                                             __ATOMIC_SEQ_CST);
            old = o;
            break;
        }
        case 4: {
            uint32_t o = __atomic_load_n((uint32_t *)p, __ATOMIC_SEQ_CST);
            uint32_t n = (uint32_t)atomic_compute(opc, 4, o, val, newv);
            ok = __atomic_compare_exchange_n((uint32_t *)p, &o, n, false, __ATOMIC_SEQ_CST,
                                             __ATOMIC_SEQ_CST);
            old = o;
            break;
        }
        default: {
            uint64_t o = __atomic_load_n((uint64_t *)p, __ATOMIC_SEQ_CST);
            uint64_t n = atomic_compute(opc, 8, o, val, newv);
            ok = __atomic_compare_exchange_n((uint64_t *)p, &o, n, false, __ATOMIC_SEQ_CST,
                                             __ATOMIC_SEQ_CST);
            old = o;
            break;
        }
        }
        if (ok) {
            return old;
        }
    }
}

uint64_t cpu_atomic_mmu(CpuState *cpu, IrOpcode opc, GuestVaddr addr, uint64_t val,
                        uint64_t newv, MemOp mop, unsigned mmu_idx, uintptr_t ra)
{
    unsigned size = memop_size(mop);
    /* atomics are always naturally aligned (RISC-V A, AArch64 LSE) */
    check_alignment(cpu, addr, (MemOp)((mop & ~MO_AMASK) | MO_ALIGN), MMU_DATA_STORE, mmu_idx,
                    ra);
    if (mop & MO_BE) {
        MemOp swap = (MemOp)(mop & (MO_SIZE | MO_BE));
        val = finish_load(val, swap);
        newv = finish_load(newv, swap);
    }
    if (cpu->mem_mode == CPU_MEM_USER) {
        user_access_begin(ra);
        uint64_t old = atomic_host((void *)(cpu->guest_base + addr), size, opc, val, newv);
        user_access_end();
        return finish_load(old, mop);
    }
    CpuTlbEntry *e = tlb_lookup_fill(cpu, addr, size, MMU_DATA_STORE, mmu_idx, false, ra);
    if (!tlb_tag_is_page(e->addr_read, addr & GUEST_PAGE_MASK)) {
        e = tlb_lookup_fill(cpu, addr, size, MMU_DATA_LOAD, mmu_idx, false, ra);
    }
    uint64_t wtag = __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED);
    CpuTlbEntryFull *full = tlb_full(cpu, mmu_idx, addr);
    GuestPaddr pa = full->paddr_page | (addr & ~GUEST_PAGE_MASK);
    uint64_t old;
    if (wtag & TLB_WATCH) {
        cpu_check_watchpoint(cpu, addr, size, BP_MEM_ACCESS, ra);
    }
    if (wtag & TLB_MMIO) {
        /* devices: a plain read-modify-write, serialized among vCPUs */
        pthread_mutex_lock(&mmio_atomic_lock);
        old = 0;
        MemTxResult r = address_space_load(cpu->as, pa, size, full->attrs, &old);
        if (r == MEMTX_OK) {
            uint64_t n = atomic_compute(opc, size, old, val, newv);
            r = address_space_store(cpu->as, pa, size, full->attrs, n);
        }
        pthread_mutex_unlock(&mmio_atomic_lock);
        if (r != MEMTX_OK) {
            tlb_transaction_failed(cpu, pa, addr, size, MMU_DATA_STORE, mmu_idx, full->attrs, r,
                                   ra);
        }
    } else {
        if (wtag & TLB_NOTDIRTY) {
            tb_invalidate_phys_range(pa, size);
        }
        old = atomic_host((void *)(uintptr_t)(addr + e->addend), size, opc, val, newv);
    }
    return finish_load(old, mop);
}

void *probe_access(CpuState *cpu, GuestVaddr addr, unsigned size, MmuAccessType access,
                   unsigned mmu_idx, bool nonfault, bool *fault, uintptr_t ra)
{
    if (fault) {
        *fault = false;
    }
    if (cpu->mem_mode == CPU_MEM_USER) {
        return (void *)(cpu->guest_base + addr);
    }
    CpuTlbEntry *e = tlb_lookup_fill(cpu, addr, size, access, mmu_idx, nonfault, ra);
    if (!e) {
        if (fault) {
            *fault = true;
        }
        return NULL;
    }
    uint64_t tag = tlb_tag(e, access);
    if (tag & TLB_MMIO) {
        return NULL;
    }
    if (access == MMU_DATA_STORE && (tag & TLB_NOTDIRTY)) {
        CpuTlbEntryFull *full = tlb_full(cpu, mmu_idx, addr);
        tb_invalidate_phys_range(full->paddr_page | (addr & ~GUEST_PAGE_MASK), size);
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

GuestPaddr get_page_addr_code(CpuState *cpu, GuestVaddr pc, void **hostp)
{
    if (cpu->mem_mode == CPU_MEM_USER) {
        if (hostp) {
            *hostp = (void *)(cpu->guest_base + pc);
        }
        return pc;
    }
    unsigned mmu_idx = cpu->ops->mmu_index ? cpu->ops->mmu_index(cpu, true) : 0;
    CpuTlbEntry *e = tlb_lookup_fill(cpu, pc, 1, MMU_INST_FETCH, mmu_idx, false, 0);
    CpuTlbEntryFull *full = tlb_full(cpu, mmu_idx, pc);
    if (hostp) {
        *hostp = (e->addr_code & TLB_MMIO) ? NULL : (void *)(uintptr_t)(pc + e->addend);
    }
    return full->paddr_page | (pc & ~GUEST_PAGE_MASK);
}

/* ---- the interpreter's runtime ---------------------------------------- */

static uint64_t exec_guest_ld(void *env, uint64_t addr, MemOp mop, unsigned mmu_idx)
{
    CpuState *cpu = env;
    unsigned size = memop_size(mop);
    if (cpu->mem_mode == CPU_MEM_SOFTMMU && !(mop & MO_BE)) {
        void *host = tlb_fast_host(cpu, mmu_idx, addr, size, MMU_DATA_LOAD);
        if (host) {
            uint64_t v = 0;
            memcpy(&v, host, size);
            return finish_load(v, mop);
        }
    }
    return cpu_ld_mmu(cpu, addr, mop, mmu_idx, 0);
}

static void exec_guest_st(void *env, uint64_t addr, uint64_t val, MemOp mop, unsigned mmu_idx)
{
    CpuState *cpu = env;
    unsigned size = memop_size(mop);
    if (cpu->mem_mode == CPU_MEM_SOFTMMU && !(mop & MO_BE)) {
        void *host = tlb_fast_host(cpu, mmu_idx, addr, size, MMU_DATA_STORE);
        if (host) {
            memcpy(host, &val, size);
            return;
        }
    }
    cpu_st_mmu(cpu, addr, val, mop, mmu_idx, 0);
}

static uint64_t exec_guest_atomic(void *env, IrOpcode opc, uint64_t addr, uint64_t val,
                                  uint64_t newv, MemOp mop, unsigned mmu_idx)
{
    return cpu_atomic_mmu(env, opc, addr, val, newv, mop, mmu_idx, 0);
}

/* The interpreter inlines the TLB hit test with this layout. */
_Static_assert(sizeof(CpuTlbEntry) == sizeof(IrTlbEntry), "TLB entry layout");
_Static_assert(offsetof(CpuTlbEntry, addr_read) == offsetof(IrTlbEntry, addr_read), "layout");
_Static_assert(offsetof(CpuTlbEntry, addr_write) == offsetof(IrTlbEntry, addr_write), "layout");
_Static_assert(offsetof(CpuTlbEntry, addend) == offsetof(IrTlbEntry, addend), "layout");
_Static_assert(sizeof(CpuTlbFast) == sizeof(IrTlbFast), "TLB fast layout");
_Static_assert(offsetof(CpuTlbFast, index_mask) == offsetof(IrTlbFast, index_mask), "layout");
_Static_assert(offsetof(CpuTlbFast, table) == offsetof(IrTlbFast, table), "layout");

const IrRuntime exec_ir_runtime = {
    .tlb_fast = true,
    .tlb_fast_offset = (int32_t)(offsetof(CpuState, tlb) + offsetof(CpuTlb, f)),
    .tlb_page_bits = GUEST_PAGE_BITS,
    .guest_ld = exec_guest_ld,
    .guest_st = exec_guest_st,
    .guest_atomic = exec_guest_atomic,
};

const IrRuntime exec_ir_runtime_user = {
    .guest_ld = exec_guest_ld,
    .guest_st = exec_guest_st,
    .guest_atomic = exec_guest_atomic,
};
