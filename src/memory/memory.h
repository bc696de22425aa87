/*
 * The memory API: how guest physical memory is described and accessed, in
 * QEMU's shape (include/exec/memory.h).  Boards and devices build a tree of
 * MemoryRegions: RAM (anonymous host memory, reserved lazily), ROM (RAM the
 * guest cannot write; loaders fill it through address_space_write_rom),
 * MMIO (a MemoryRegionOps table), ROM devices (flash: RAM for reads, ops
 * for writes), containers and aliases (a window into another region).
 * Subregions sit at an offset in their container with a
 * priority; where they overlap the higher priority wins, and between equal
 * priorities the one added last wins.
 *
 * An AddressSpace views a root region through a FlatView: a sorted array of
 * non-overlapping ranges, each naming a terminal region (RAM/ROM/MMIO) and
 * an offset in it.  Every change to the tree marks the views stale; the
 * outermost memory_region_transaction_commit() re-renders them, publishes
 * each with an atomic pointer and tells MemoryListeners what appeared and
 * disappeared (KVM turns RAM into memory slots, TCG flushes TLBs).
 *
 * Threads: the region tree and listeners are changed by one thread at a
 * time, with the big lock held (the main loop, or a vCPU thread inside a
 * device callback that remaps something).  Accesses (address_space_read/write,
 * load/store, ram_ptr, translate, DMA) may come from any thread and take no
 * lock: they pin the current FlatView with a reference acquired inside a
 * tiny grace-period-protected window, so a concurrent commit never frees a
 * view in use.  Lifetime: a region must stay alive (and its RAM mapped)
 * until it is removed from every container and the commit has returned;
 * host pointers handed out for RAM stay valid as long as the RAM region.
 *
 * Guest misbehaviour (unassigned addresses, bad MMIO access sizes, writes to
 * ROM) is logged under -d guest_errors and reported as MemTxResult, never
 * fatal.
 */
#ifndef MEMORY_MEMORY_H
#define MEMORY_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "util/addr.h"

typedef enum { MEMTX_OK = 0, MEMTX_ERROR = 1, MEMTX_DECODE_ERROR = 2 } MemTxResult;
typedef struct MemTxAttrs {
    unsigned unspecified : 1;
    unsigned requester_id : 16;
} MemTxAttrs;
#define MEMTXATTRS_UNSPECIFIED ((MemTxAttrs){ .unspecified = 1 })

typedef struct AddressSpace AddressSpace;
typedef struct MemoryRegion MemoryRegion;
typedef struct RamBlock RamBlock;

/* A size argument of MEMORY_SIZE_ALL means 2^64: a region spanning the whole
 * 64-bit space (as QEMU's UINT64_MAX in memory_region_init). */
#define MEMORY_SIZE_ALL UINT64_MAX

/* ---- MMIO ops ---------------------------------------------------------- */

typedef enum {
    DEVICE_NATIVE_ENDIAN = 0,   /* the guest's byte order: little for all our guests */
    DEVICE_LITTLE_ENDIAN,
    DEVICE_BIG_ENDIAN,
} DeviceEndian;

typedef uint64_t (*MmioReadFn)(void *opaque, uint64_t addr, unsigned size);
typedef void (*MmioWriteFn)(void *opaque, uint64_t addr, uint64_t val, unsigned size);
/* Variants that see the attributes and may fail the access (MEMTX_ERROR for
 * a bus error); when set they are used instead of read/write. */
typedef MemTxResult (*MmioReadAttrsFn)(void *opaque, uint64_t addr, uint64_t *val,
                                       unsigned size, MemTxAttrs attrs);
typedef MemTxResult (*MmioWriteAttrsFn)(void *opaque, uint64_t addr, uint64_t val,
                                        unsigned size, MemTxAttrs attrs);
typedef bool (*MmioAcceptsFn)(void *opaque, uint64_t addr, unsigned size, bool is_write,
                              MemTxAttrs attrs);

/*
 * What a device implements.  addr is the offset in the region; values are
 * in the device's byte order (a big-endian device's 4-byte read returning
 * 0x11223344 puts byte 0x11 at the lowest address).
 *   valid: what the guest may do.  Accesses larger than valid.max are split;
 *          smaller than valid.min, unaligned ones (unless valid.unaligned),
 *          or ones accepts() refuses fail with MEMTX_DECODE_ERROR.
 *          Defaults (0): min 1, max 4.
 *   impl:  what read/write handle.  Smaller accesses are widened to impl.min
 *          (aligned; writes read-modify-write the untouched bytes); larger
 *          ones are split into impl.max pieces.  Defaults (0): min 1, max 4.
 * A NULL read reads 0; a NULL write ignores writes (both logged).
 */
typedef struct MemoryRegionOps {
    MmioReadFn read;
    MmioWriteFn write;
    MmioReadAttrsFn read_with_attrs;
    MmioWriteAttrsFn write_with_attrs;
    DeviceEndian endianness;
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
        MmioAcceptsFn accepts;
    } valid;
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
    } impl;
} MemoryRegionOps;

/* ---- regions ----------------------------------------------------------- */

typedef enum {
    MEMORY_REGION_CONTAINER,    /* only subregions; unassigned elsewhere */
    MEMORY_REGION_RAM,          /* host memory; ROM is RAM with readonly set */
    MEMORY_REGION_MMIO,
    MEMORY_REGION_ALIAS,
    MEMORY_REGION_ROM_DEVICE,   /* host memory for reads in romd mode; writes (and
                                 * reads outside romd mode) go to ops: flash */
} MemoryRegionKind;

/* A contiguous block of guest RAM in host memory, at a RamOffset in the
 * global RAM offset space (what dirty tracking and migration index by). */
struct RamBlock {
    MemoryRegion *mr;
    HostPtr host;
    uint64_t size_bytes;
    RamOffset offset;
    bool owns_host;             /* mmap'd by us (unmapped on destroy) */
};

/*
 * Embedded in the owner's state (a device's `MemoryRegion iomem;`) and
 * initialised with one of memory_region_init*(); all fields are private to
 * src/memory/ (read them through the accessors below).
 */
struct MemoryRegion {
    char *name;
    void *owner;
    MemoryRegionKind kind;
    uint64_t size;              /* MEMORY_SIZE_ALL means 2^64 */
    bool readonly;
    bool enabled;
    bool romd_mode;             /* ROM device: reads served from RAM */
    const MemoryRegionOps *ops;
    void *opaque;
    RamBlock *ram_block;
    MemoryRegion *alias;
    uint64_t alias_offset;
    unsigned alias_users;       /* aliases pointing at us (asserted 0 on destroy) */
    /* Placement in the container. */
    MemoryRegion *container;
    GuestPaddr addr;
    int priority;
    bool may_overlap;
    /* Subregions, highest priority first; among equals, last added first. */
    MemoryRegion *subregions;
    MemoryRegion *next_sibling;
};

/* Each init gives the region a copy of name; owner is opaque to us. */
void memory_region_init(MemoryRegion *mr, void *owner, const char *name, uint64_t size);
void memory_region_init_io(MemoryRegion *mr, void *owner, const MemoryRegionOps *ops,
                           void *opaque, const char *name, uint64_t size);
/* RAM is mmap'd anonymous and NORESERVE: pages are allocated on first touch. */
bool memory_region_init_ram(MemoryRegion *mr, void *owner, const char *name,
                            uint64_t size, Error **errp);
/* RAM over host memory the caller owns (and keeps alive). */
void memory_region_init_ram_ptr(MemoryRegion *mr, void *owner, const char *name,
                                uint64_t size, HostPtr host);
bool memory_region_init_rom(MemoryRegion *mr, void *owner, const char *name,
                            uint64_t size, Error **errp);
/* A ROM device (QEMU's memory_region_init_rom_device): flash and the like.
 * Starts in romd mode; the device leaves it (e.g. on a flash command) so
 * that its read callback answers status reads, and returns to it after. */
bool memory_region_init_rom_device(MemoryRegion *mr, void *owner, const MemoryRegionOps *ops,
                                   void *opaque, const char *name, uint64_t size,
                                   Error **errp);
void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode);
/* A window [offset, offset+size) of orig (which may itself be an alias). */
void memory_region_init_alias(MemoryRegion *mr, void *owner, const char *name,
                              MemoryRegion *orig, uint64_t offset, uint64_t size);
/* Frees what init allocated.  The region must not be mapped in a container,
 * be the root of a live address space, or be the target of an alias; its
 * subregions are removed (not destroyed). */
void memory_region_destroy(MemoryRegion *mr);

/* Place sub in container at offset, priority 0, not expected to overlap. */
void memory_region_add_subregion(MemoryRegion *container, GuestPaddr offset,
                                 MemoryRegion *sub);
void memory_region_add_subregion_overlap(MemoryRegion *container, GuestPaddr offset,
                                         MemoryRegion *sub, int priority);
void memory_region_del_subregion(MemoryRegion *container, MemoryRegion *sub);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, GuestPaddr addr);
void memory_region_set_alias_offset(MemoryRegion *mr, uint64_t offset);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);

const char *memory_region_name(const MemoryRegion *mr);
uint64_t memory_region_size(const MemoryRegion *mr);
bool memory_region_is_ram(const MemoryRegion *mr);     /* RAM or ROM */
bool memory_region_is_rom(const MemoryRegion *mr);
bool memory_region_is_mmio(const MemoryRegion *mr);
bool memory_region_is_romd(const MemoryRegion *mr);   /* ROM device in romd mode */
/* Host address of a RAM/ROM/ROM-device region's first byte (follows aliases); NULL otherwise. */
HostPtr memory_region_get_ram_ptr(MemoryRegion *mr);
RamBlock *memory_region_get_ram_block(MemoryRegion *mr);

/* Loaders: copy into a RAM/ROM/ROM-device region (ROM included), refusing out-of-range. */
bool memory_region_write_rom(MemoryRegion *mr, uint64_t offset, const void *buf,
                             uint64_t len, Error **errp);

/* Batch changes: views are re-rendered once, at the outermost commit. */
void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* Dispatch straight to one MMIO region (offset within it), bypassing views:
 * for devices that forward to others and for tests. */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, uint64_t offset, uint64_t *val,
                                        unsigned size, MemTxAttrs attrs);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, uint64_t offset, uint64_t val,
                                         unsigned size, MemTxAttrs attrs);

/* ---- address spaces and listeners -------------------------------------- */

/* Create a view of root (not owned; must outlive the space) named for
 * `info mtree`.  The view is rendered immediately. */
AddressSpace *address_space_create(MemoryRegion *root, const char *name);
void address_space_destroy(AddressSpace *as);
const char *address_space_name(const AddressSpace *as);
MemoryRegion *address_space_root(const AddressSpace *as);

/* One flat range as listeners see it. */
typedef struct MemoryRegionSection {
    MemoryRegion *mr;                   /* terminal: RAM/ROM or MMIO */
    AddressSpace *as;
    GuestPaddr offset_within_address_space;
    uint64_t offset_within_region;
    uint64_t size;                      /* UINT64_MAX if it spans all 2^64 */
    bool readonly;                      /* guest writes do not reach host memory */
    bool ram_backed;                    /* guest reads come from host memory: RAM,
                                         * ROM, a ROM device in romd mode (what KVM
                                         * maps as a slot, read-only if readonly) */
} MemoryRegionSection;

/*
 * Called on the committing thread (big lock held), after the new view is
 * published: begin, then region_del for each range that went away, then
 * region_add for each that appeared (unchanged ranges are not repeated),
 * then commit.  Registering replays region_add for the current view.
 * Any callback may be NULL.
 */
typedef struct MemoryListener MemoryListener;
struct MemoryListener {
    void (*begin)(MemoryListener *l);
    void (*region_add)(MemoryListener *l, MemoryRegionSection *section);
    void (*region_del)(MemoryListener *l, MemoryRegionSection *section);
    void (*commit)(MemoryListener *l);
    /* private */
    AddressSpace *as;
    MemoryListener *next;
};

void memory_listener_register(MemoryListener *l, AddressSpace *as);
void memory_listener_unregister(MemoryListener *l);

/* ---- accesses (any thread, no lock) ------------------------------------ */

/*
 * Copy between buf and guest memory.  RAM is copied; MMIO is split into the
 * widest accesses the device allows at each address.  Unassigned bytes read
 * 0 and make the result MEMTX_DECODE_ERROR; writes to ROM are ignored
 * (MEMTX_OK).  The access goes on past a failing piece; the worst result
 * is returned.  Both log under -d guest_errors.
 */
MemTxResult address_space_read(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                               void *buf, uint64_t len);
MemTxResult address_space_write(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                                const void *buf, uint64_t len);
MemTxResult address_space_rw(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                             void *buf, uint64_t len, bool is_write);

/* One little-endian access of 1, 2, 4 or 8 bytes (split/widened for MMIO as
 * needed).  *val is 0 on unassigned/failed reads. */
MemTxResult address_space_load(AddressSpace *as, GuestPaddr addr, unsigned size_bytes,
                               MemTxAttrs attrs, uint64_t *val);
MemTxResult address_space_store(AddressSpace *as, GuestPaddr addr, unsigned size_bytes,
                                MemTxAttrs attrs, uint64_t val);

/* QEMU-style conveniences over load/store; result ignored by the plain ones. */
uint8_t address_space_ldub(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                           MemTxResult *result);
uint16_t address_space_lduw_le(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                               MemTxResult *result);
uint32_t address_space_ldl_le(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                              MemTxResult *result);
uint64_t address_space_ldq_le(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                              MemTxResult *result);
void address_space_stb(AddressSpace *as, GuestPaddr addr, uint8_t val, MemTxAttrs attrs,
                       MemTxResult *result);
void address_space_stw_le(AddressSpace *as, GuestPaddr addr, uint16_t val, MemTxAttrs attrs,
                          MemTxResult *result);
void address_space_stl_le(AddressSpace *as, GuestPaddr addr, uint32_t val, MemTxAttrs attrs,
                          MemTxResult *result);
void address_space_stq_le(AddressSpace *as, GuestPaddr addr, uint64_t val, MemTxAttrs attrs,
                          MemTxResult *result);

/* RAM fast path: the host pointer for addr when it is RAM (or ROM, for reads
 * only: pass is_write=false), with *len_bytes set to the contiguous span;
 * NULL for MMIO/unassigned. */
HostPtr address_space_ram_ptr(AddressSpace *as, GuestPaddr addr, bool is_write,
                              uint64_t *len_bytes);

/* The terminal region at addr (NULL when unassigned), the offset in it and
 * the number of bytes from addr that stay in that same range (for a hole,
 * the bytes to the next range).  UINT64_MAX stands for 2^64. */
MemoryRegion *address_space_translate(AddressSpace *as, GuestPaddr addr, uint64_t *xlat,
                                      uint64_t *len_bytes, bool *readonly);

/* Loaders: write into RAM or ROM at a guest physical address; refuses (and
 * writes nothing) if any byte is not RAM/ROM or the range wraps. */
bool address_space_write_rom(AddressSpace *as, GuestPaddr addr, const void *buf,
                             uint64_t len, Error **errp);

/* Called (when set) for writes into RAM made by address_space_write/store/DMA, so the
 * translator can invalidate translated code on those pages. One global notifier. */
typedef void (*RamWriteNotifyFn)(GuestPaddr addr, uint64_t len_bytes);
void memory_set_ram_write_notifier(RamWriteNotifyFn fn);

/* The lock device callbacks run under (the system's big lock): set once at
 * start-up, before any vCPU runs.  Every MMIO access a device sees as one
 * (however impl.min/max split it into callbacks) is bracketed by
 * lock/unlock, whichever thread dispatches (vCPU threads of
 * any accelerator, DMA from I/O threads, the main loop); the lock must be
 * recursive because the main loop already holds it.  Unset (unit tests),
 * callbacks run unlocked. */
typedef void (*MmioLockFn)(void);
void memory_set_mmio_lock(MmioLockFn lock, MmioLockFn unlock);

/* ---- monitor ----------------------------------------------------------- */

/* `info mtree [-f] [-D]`: each address space's region tree and the regions
 * that aliases point into; with flat, the flat views instead; with
 * show_disabled, disabled regions too.  Main loop thread. */
void mtree_info(FILE *out, bool flat, bool show_disabled);

#endif
