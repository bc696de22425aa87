/*
 * The soft-MMU TLB: per vCPU, per MMU index, a direct-mapped cache from
 * guest-virtual page to host address (QEMU's cputlb).  Generated code (or
 * the interpreter's runtime) does the fast path inline: index by page
 * number, compare the access's address bits with the entry's tag, add the
 * addend to get the host pointer.  Anything else takes the slow path, which
 * calls the guest's CpuOps.tlb_fill (page-table walk; it either calls
 * tlb_set_page or raises the guest exception) and performs the access on
 * RAM through the host pointer or on MMIO through the memory API.
 *
 * Entry tags: addr_read/addr_write/addr_code hold the page-aligned guest
 * virtual address when that access is allowed, else TLB_INVALID; low bits
 * carry flags that force the slow path: TLB_MMIO (not RAM: go through
 * address_space_load/store), TLB_NOTDIRTY (the page holds translated code:
 * writes must invalidate it), TLB_WATCH (a debugger watches part of the
 * page: data accesses are checked against the watchpoints).  The fast-path compare uses
 * addr & (GUEST_PAGE_MASK | (size - 1)), so misaligned accesses also miss
 * and are handled (alignment check, page-straddling split) in the slow path.
 *
 * Threads: a CPU's TLB is filled and flushed only by its own vCPU thread.
 * Other threads ask for flushes with tlb_flush_async, which are applied at
 * the CPU's next block boundary.  Code-page marking (TLB_NOTDIRTY) is set
 * on all CPUs by the TB cache with atomic ORs, walking each CPU's tables
 * under that CPU's CpuTlb.lock, which the owner takes only to resize or
 * clear whole tables (see CpuTlb).
 */
#ifndef EXEC_SOFTMMU_H
#define EXEC_SOFTMMU_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"
#include "memory/memory.h"
#include "util/addr.h"

typedef struct CpuState CpuState;

/* Guest page granule of the TLB (4 KiB; larger pages are entered 4 KiB at a
 * time and remembered for tlb_flush_page). */
#define GUEST_PAGE_BITS 12
#define GUEST_PAGE_SIZE (1ull << GUEST_PAGE_BITS)
#define GUEST_PAGE_MASK (~(GUEST_PAGE_SIZE - 1))

#define CPU_TLB_MMU_MODES 16        /* MMU indexes per CPU (AArch64 needs ~12) */
/* Entries per MMU index: sized by use (QEMU's tlb_mmu_resize_locked).  At
 * each flush of an index its table doubles when more than 70% of it was in
 * use, and shrinks to fit the window's peak when the use stayed under 30%
 * for CPU_TLB_WINDOW_NS; between MIN and MAX bits, starting at DEFAULT. */
#define CPU_TLB_DYN_MIN_BITS 8
#define CPU_TLB_DYN_DEFAULT_BITS 10
#define CPU_TLB_DYN_MAX_BITS 14
#define CPU_TLB_WINDOW_NS (100ull * 1000 * 1000)

/* Flags in the low bits of the tags (below the page bits). */
#define TLB_INVALID (1ull << (GUEST_PAGE_BITS - 1))
#define TLB_MMIO (1ull << (GUEST_PAGE_BITS - 2))
#define TLB_NOTDIRTY (1ull << (GUEST_PAGE_BITS - 3))
#define TLB_WATCH (1ull << (GUEST_PAGE_BITS - 4))   /* a watchpoint is on the page */
#define TLB_FLAGS_MASK (TLB_INVALID | TLB_MMIO | TLB_NOTDIRTY | TLB_WATCH)

/* Page protection bits for tlb_set_page. */
enum {
    PAGE_READ = 1,
    PAGE_WRITE = 2,
    PAGE_EXEC = 4,
};

typedef enum MmuAccessType {
    MMU_DATA_LOAD = 0,
    MMU_DATA_STORE = 1,
    MMU_INST_FETCH = 2,
} MmuAccessType;

/* One entry: 32 bytes, the fast path's whole world.  addend turns a guest
 * virtual address of the page into a host pointer (RAM pages only). */
typedef struct CpuTlbEntry {
    uint64_t addr_read;
    uint64_t addr_write;      /* written atomically by other threads (NOTDIRTY) */
    uint64_t addr_code;
    uintptr_t addend;
} CpuTlbEntry;

/* Slow-path data for the same index. */
typedef struct CpuTlbEntryFull {
    GuestPaddr paddr_page;    /* physical address of the 4 KiB page */
    MemTxAttrs attrs;
    uint8_t prot;
    uint8_t page_size_log2;
} CpuTlbEntryFull;

/* What the fast path needs, at a fixed offset in CpuState.  Written by the
 * owner with CpuTlb.lock held (a resize); read by the owner without it. */
typedef struct CpuTlbFast {
    uint64_t index_mask;      /* entries - 1 */
    CpuTlbEntry *table;
} CpuTlbFast;

/* Regions covered by large pages, kept apart so that flushing a 4 KiB page
 * far from them (Linux's fixmap next to its huge linear map) stays cheap:
 * each is addr/mask, addr -1 when unused; once all are in use, the two
 * closest (a new page counting as a region) merge.  Flushing a page inside
 * a region drops the large-page entries holding it (and the jump cache). */
#define CPU_TLB_LARGE_REGIONS 4
typedef struct CpuTlbDesc {
    GuestVaddr large_page_addr[CPU_TLB_LARGE_REGIONS];
    GuestVaddr large_page_mask[CPU_TLB_LARGE_REGIONS];
    CpuTlbEntryFull *full;
    /* Sizing: entries filled from empty and not dropped since the last
     * flush; the largest such count in the current window and when the
     * window began (host monotonic ns). */
    uint64_t n_used_entries;
    uint64_t window_max_entries;
    uint64_t window_begin_ns;
} CpuTlbDesc;

/*
 * lock: protects the tables' addresses and sizes (f[].table/index_mask,
 * d[].full) against other threads.  The owner changes them (resize, at a
 * flush) and clears whole tables with it held; it reads them and fills or
 * drops single entries without it.  Another thread that walks the tables
 * (tlb_protect_code_page marking code pages) holds it for the walk, and
 * only ever ORs TLB_NOTDIRTY into addr_write atomically, which cannot
 * make an entry valid.  Lock order: the CPU list lock, then this.
 */
typedef struct CpuTlb {
    CpuTlbFast f[CPU_TLB_MMU_MODES];
    CpuTlbDesc d[CPU_TLB_MMU_MODES];
    uint32_t used_mmuidx;           /* indexes with entries since last flush */
    _Atomic uint32_t pending_flush; /* mmuidx bits asked by other threads */
    uint64_t stat_flushes, stat_fills, stat_resizes;
    pthread_mutex_t lock;
} CpuTlb;

/* ---- set-up (vCPU creation, any thread before the vCPU runs) ---- */
void tlb_init(CpuState *cpu);
void tlb_destroy(CpuState *cpu);

/* ---- own vCPU thread (or before it runs) ---- */

/* Enter a translation: vaddr's page of size 1 << page_size_log2 (>= 12)
 * maps to paddr; prot is PAGE_* bits.  Called from tlb_fill.  A
 * page_size_log2 below 12 enters a one-shot translation (QEMU's
 * TLB_INVALID_MASK for sub-page regions, e.g. a PMP entry smaller than a
 * page): it serves the access that filled it, and every later access to the
 * page misses and calls tlb_fill again. */
void tlb_set_page(CpuState *cpu, GuestVaddr vaddr, GuestPaddr paddr, int prot,
                  unsigned mmu_idx, unsigned page_size_log2);
void tlb_set_page_with_attrs(CpuState *cpu, GuestVaddr vaddr, GuestPaddr paddr,
                             MemTxAttrs attrs, int prot, unsigned mmu_idx,
                             unsigned page_size_log2);
void tlb_flush(CpuState *cpu);
void tlb_flush_page(CpuState *cpu, GuestVaddr addr);
void tlb_flush_by_mmuidx(CpuState *cpu, uint32_t idxmap);
void tlb_flush_page_by_mmuidx(CpuState *cpu, GuestVaddr addr, uint32_t idxmap);

/* ---- any thread: request a flush of another CPU, applied by that CPU at
 * its next block boundary (it is kicked out of its current block). ---- */
void tlb_flush_async(CpuState *cpu, uint32_t idxmap);
/* Apply requested flushes (the exec loop calls this; vCPU thread). */
void tlb_flush_pending(CpuState *cpu);

/* ---- guest memory accesses (vCPU thread).  ra is the unwind token for
 * exceptions: GETPC() from a helper, 0 when the caller restores the state
 * itself (the interpreter always records its position, so 0 works there). */
uint64_t cpu_ld_mmu(CpuState *cpu, GuestVaddr addr, MemOp mop, unsigned mmu_idx,
                    uintptr_t ra);
void cpu_st_mmu(CpuState *cpu, GuestVaddr addr, uint64_t val, MemOp mop,
                unsigned mmu_idx, uintptr_t ra);
/* opc: IR_OP_atomic_*.  Performed with host atomics on RAM; on MMIO as a
 * plain read-modify-write (devices are under their own locks). */
uint64_t cpu_atomic_mmu(CpuState *cpu, IrOpcode opc, GuestVaddr addr, uint64_t val,
                        uint64_t newv, MemOp mop, unsigned mmu_idx, uintptr_t ra);

/* Host pointer for size bytes at addr (within one page) if RAM and allowed,
 * filling the TLB as needed; NULL for MMIO.  With nonfault, returns NULL and
 * *fault = true instead of raising. */
void *probe_access(CpuState *cpu, GuestVaddr addr, unsigned size, MmuAccessType access,
                   unsigned mmu_idx, bool nonfault, bool *fault, uintptr_t ra);

/* The host address of the size bytes at guest physical paddr when all of
 * them are RAM (or ROM, without is_write), else NULL (MMIO, holes, a span
 * boundary).  For a guest's own physical accesses that have no TLB entry
 * (page-table walks) and for TLB fills: one cached span of the map per
 * thread, no dispatch.  The pointer is valid until the next TLB flush. */
void *tlb_ram_host(CpuState *cpu, GuestPaddr paddr, uint64_t size, bool is_write);
/* Forget this thread's cached span.  Flushes, tlb_init and tlb_destroy do
 * it; a caller that changes the map for a CPU without a TLB (unit tests of
 * the MMU) calls it itself. */
void tlb_ram_span_forget(void);

/* Code fetch: physical page address for pc (for the TB cache), filling the
 * TLB with an instruction fetch (raising the guest's fault if unmapped).
 * *hostp gets the host pointer for pc, or NULL when the code is not in RAM.
 * In user mode the "physical" address is the virtual one. */
GuestPaddr get_page_addr_code(CpuState *cpu, GuestVaddr pc, void **hostp);

/* The fast-path lookup for C callers is tlb_entry() in exec/cpu.h (it needs
 * CpuState's layout); the JIT inlines the same steps. */

#endif
