/*
 * Private parts of src/memory/: flat views, the address-space structure and
 * the grace-period scheme that lets readers pin a view without locks.
 *
 * A FlatView is immutable once published.  Readers take a reference with
 * address_space_get_flatview() (inside a grace-protected window of a few
 * instructions) and drop it with flatview_unref(); the address space holds
 * one reference to its current view.  The committing thread publishes the
 * new view, waits for the grace period (readers in that window only ever
 * load a pointer and increment a count, so the wait is short and never
 * depends on a lock), then drops the space's reference to the old view.
 */
#ifndef MEMORY_MEMORY_INTERNAL_H
#define MEMORY_MEMORY_INTERNAL_H

#include <inttypes.h>
#include <stdatomic.h>

#include "memory/memory.h"

/* [start, last] inclusive, so a range can reach 2^64 - 1. */
typedef struct FlatRange {
    GuestPaddr start;
    GuestPaddr last;
    MemoryRegion *mr;           /* terminal: RAM, ROM device or MMIO */
    uint64_t offset_in_region;
    bool readonly;              /* set for ROM, read-only aliases, ROM devices */
    bool ram_read;              /* reads memcpy from mr's RAM block */
} FlatRange;

/* Writes memcpy into mr's RAM block (else: MMIO, or ignored for ROM). */
static inline bool flat_range_ram_write(const FlatRange *fr)
{
    return fr->ram_read && !fr->readonly;
}

static inline HostPtr flat_range_host(const FlatRange *fr, GuestPaddr addr)
{
    return (uint8_t *)fr->mr->ram_block->host + fr->offset_in_region + (addr - fr->start);
}

typedef struct FlatView {
    atomic_uint ref;
    unsigned nr;
    unsigned capacity;
    FlatRange *ranges;          /* sorted by start, non-overlapping */
} FlatView;

struct AddressSpace {
    char *name;
    MemoryRegion *root;
    _Atomic(FlatView *) current;
    MemoryListener *listeners;
    AddressSpace *next;
};

/* All address spaces, in creation order (main loop thread). */
extern AddressSpace *address_spaces;

/* flatview.c */
FlatView *flatview_render(MemoryRegion *root);
void flatview_unref(FlatView *fv);
/* The range containing addr, or NULL. */
const FlatRange *flatview_lookup(const FlatView *fv, GuestPaddr addr);
/* The first range starting after addr, or NULL (for the length of holes). */
const FlatRange *flatview_next(const FlatView *fv, GuestPaddr addr);
FlatView *address_space_get_flatview(AddressSpace *as);
/* The grace window itself: between these, atomic_load(&as->current) may be
 * used without a reference (copy out what is needed, call nothing). */
unsigned grace_enter(void);
void grace_exit(unsigned idx);
/* Re-render every address space and notify listeners (commit). */
void address_spaces_update(void);

/* Bytes from addr to the end of fr, saturating at UINT64_MAX (for 2^64). */
static inline uint64_t flat_range_remaining(const FlatRange *fr, GuestPaddr addr)
{
    uint64_t n = fr->last - addr;
    return n == UINT64_MAX ? UINT64_MAX : n + 1;
}

/* dispatch.c */
extern _Atomic(RamWriteNotifyFn) ram_write_notifier;

static inline void memory_notify_ram_write(GuestPaddr addr, uint64_t len)
{
    RamWriteNotifyFn fn = atomic_load_explicit(&ram_write_notifier, memory_order_acquire);
    if (fn && len) {
        fn(addr, len);
    }
}

/* Copy len bytes on one view, the core of read/write and DMA. */
MemTxResult flatview_rw(FlatView *fv, GuestPaddr addr, MemTxAttrs attrs, uint8_t *buf,
                        uint64_t len, bool is_write);

const char *memory_region_type_name(const MemoryRegion *mr);

#endif
