/*
 * Dispatch: turning an access at a guest physical address into memcpy on
 * RAM, calls into a device's MemoryRegionOps, or an unassigned-address
 * error.  Follows QEMU's softmmu/memory.c (access_with_adjusted_size,
 * memory_region_access_valid) and physmem.c (flatview_read/write_continue,
 * memory_access_size), with two deliberate differences: a single load or
 * store larger than the device's valid.max is split instead of refused,
 * and a write narrower than impl.min reads the wider word first and writes
 * it back merged (QEMU writes zeros into the other bytes).
 *
 * MMIO data moves as bytes in guest memory order; a device's value is
 * converted with its declared endianness at the last step, so splitting,
 * widening and byte order are independent.  Accesses run on any thread,
 * without locks, on a FlatView pinned by reference (memory_internal.h);
 * device callbacks run with that reference held and no other lock taken.
 */
#include "memory/memory_internal.h"

#include <assert.h>
#include <string.h>

#include "util/log.h"

_Atomic(RamWriteNotifyFn) ram_write_notifier;

void memory_set_ram_write_notifier(RamWriteNotifyFn fn)
{
    atomic_store_explicit(&ram_write_notifier, fn, memory_order_release);
}

static MemTxResult memtx_worst(MemTxResult a, MemTxResult b)
{
    return a > b ? a : b;
}

/* ---- one region's MMIO ------------------------------------------------- */

static unsigned ops_valid_max(const MemoryRegionOps *ops)
{
    return ops->valid.max_access_size ? ops->valid.max_access_size : 4;
}

static unsigned ops_valid_min(const MemoryRegionOps *ops)
{
    return ops->valid.min_access_size ? ops->valid.min_access_size : 1;
}

static uint64_t mmio_value_from_bytes(const MemoryRegionOps *ops, const uint8_t *b, unsigned n)
{
    uint64_t v = 0;

    for (unsigned k = 0; k < n; k++) {
        unsigned shift = ops->endianness == DEVICE_BIG_ENDIAN ? 8 * (n - 1 - k) : 8 * k;
        v |= (uint64_t)b[k] << shift;
    }
    return v;
}

static void mmio_value_to_bytes(const MemoryRegionOps *ops, uint64_t v, uint8_t *b, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        unsigned shift = ops->endianness == DEVICE_BIG_ENDIAN ? 8 * (n - 1 - k) : 8 * k;
        b[k] = (uint8_t)(v >> shift);
    }
}

static MmioLockFn mmio_lock, mmio_unlock;

void memory_set_mmio_lock(MmioLockFn lock, MmioLockFn unlock)
{
    mmio_lock = lock;
    mmio_unlock = unlock;
}

static MemTxResult mmio_call_read(MemoryRegion *mr, uint64_t offset, uint8_t *b, unsigned n,
                                  MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    MemTxResult r = MEMTX_OK;
    uint64_t v = 0;

    if (ops->read_with_attrs) {
        r = ops->read_with_attrs(mr->opaque, offset, &v, n, attrs);
    } else if (ops->read) {
        v = ops->read(mr->opaque, offset, n);
    } else {
        log_mask_printf(LOG_GUEST_ERRORS, "memory: '%s' is write-only, read at 0x%" PRIx64
                        " returns 0\n", mr->name, offset);
    }
    mmio_value_to_bytes(ops, v, b, n);
    return r;
}

static MemTxResult mmio_call_write(MemoryRegion *mr, uint64_t offset, const uint8_t *b,
                                   unsigned n, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    uint64_t v = mmio_value_from_bytes(ops, b, n);
    MemTxResult r = MEMTX_OK;

    if (ops->write_with_attrs) {
        r = ops->write_with_attrs(mr->opaque, offset, v, n, attrs);
    } else if (ops->write) {
        ops->write(mr->opaque, offset, v, n);
    } else {
        log_mask_printf(LOG_GUEST_ERRORS, "memory: '%s' is read-only, write at 0x%" PRIx64
                        " ignored\n", mr->name, offset);
    }
    return r;
}

/*
 * Carry out a valid access of `size` bytes with the sizes the device
 * implements: chunks of impl.max when larger, aligned impl.min words when
 * smaller (writes merge into a word read first).  Returns the worst result
 * the device gave.
 */
static MemTxResult mmio_access_impl(MemoryRegion *mr, uint64_t offset, uint8_t *buf,
                                    unsigned size, bool is_write, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned imin = ops->impl.min_access_size ? ops->impl.min_access_size : 1;
    unsigned imax = ops->impl.max_access_size ? ops->impl.max_access_size : 4;
    unsigned chunk = size < imin ? imin : size > imax ? imax : size;
    /* Work relative to the first chunk so nothing overflows near 2^64. */
    uint64_t first = size < imin ? offset & ~(uint64_t)(chunk - 1) : offset;
    unsigned lead = (unsigned)(offset - first);
    unsigned total = lead + size;
    MemTxResult r = MEMTX_OK;

    for (unsigned pos = 0; pos < total; pos += chunk) {
        uint8_t word[8];
        uint64_t cs = first + pos;
        unsigned lo = pos > lead ? pos : lead;
        unsigned hi = pos + chunk < total ? pos + chunk : total;

        if (!is_write) {
            r = memtx_worst(r, mmio_call_read(mr, cs, word, chunk, attrs));
            memcpy(buf + (lo - lead), word + (lo - pos), hi - lo);
        } else if (lo == pos && hi == pos + chunk) {
            r = memtx_worst(r, mmio_call_write(mr, cs, buf + (pos - lead), chunk, attrs));
        } else {
            r = memtx_worst(r, mmio_call_read(mr, cs, word, chunk, attrs));
            memcpy(word + (lo - pos), buf + (lo - lead), hi - lo);
            r = memtx_worst(r, mmio_call_write(mr, cs, word, chunk, attrs));
        }
    }
    return r;
}

/* One access the guest made, checked against ops->valid. */
static MemTxResult mmio_access_one(MemoryRegion *mr, uint64_t offset, uint8_t *buf,
                                   unsigned size, bool is_write, MemTxAttrs attrs)
{
    const MemoryRegionOps *ops = mr->ops;
    const char *why = NULL;

    if (size < ops_valid_min(ops) || size > ops_valid_max(ops)) {
        why = "access size not allowed";
    } else if (!ops->valid.unaligned && (offset & (size - 1))) {
        why = "unaligned";
    } else if (ops->valid.accepts &&
               !ops->valid.accepts(mr->opaque, offset, size, is_write, attrs)) {
        why = "refused by the device";
    }
    if (why) {
        log_mask_printf(LOG_GUEST_ERRORS, "memory: invalid %s of %u bytes at 0x%" PRIx64
                        " in '%s': %s\n", is_write ? "write" : "read", size, offset,
                        mr->name, why);
        if (!is_write) {
            memset(buf, 0, size);
        }
        return MEMTX_DECODE_ERROR;
    }
    /* One access the device sees as one is one critical section, however
     * impl.min/max make us split or widen it into callbacks. */
    if (mmio_lock) {
        mmio_lock();
    }
    MemTxResult r = mmio_access_impl(mr, offset, buf, size, is_write, attrs);
    if (mmio_unlock) {
        mmio_unlock();
    }
    return r;
}

/* A single load/store: split into valid.max pieces when larger. */
static MemTxResult mmio_access(MemoryRegion *mr, uint64_t offset, uint8_t *buf, unsigned size,
                               bool is_write, MemTxAttrs attrs)
{
    unsigned piece = ops_valid_max(mr->ops);
    MemTxResult r = MEMTX_OK;

    if (piece > size) {
        piece = size;
    }
    for (unsigned done = 0; done < size; done += piece) {
        r = memtx_worst(r, mmio_access_one(mr, offset + done, buf + done, piece, is_write,
                                           attrs));
    }
    return r;
}

static uint64_t bytes_to_le(const uint8_t *b, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < n; k++) {
        v |= (uint64_t)b[k] << (8 * k);
    }
    return v;
}

static void le_to_bytes(uint64_t v, uint8_t *b, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        b[k] = (uint8_t)(v >> (8 * k));
    }
}

static bool mmio_in_region(const MemoryRegion *mr, uint64_t offset, unsigned size)
{
    uint64_t last = offset + (size - 1);

    if (last < offset || (mr->size != MEMORY_SIZE_ALL && last >= mr->size)) {
        log_mask_printf(LOG_GUEST_ERRORS, "memory: %u bytes at 0x%" PRIx64
                        " are outside '%s'\n", size, offset, mr->name);
        return false;
    }
    return true;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, uint64_t offset, uint64_t *val,
                                        unsigned size, MemTxAttrs attrs)
{
    uint8_t b[8];
    MemTxResult r;

    assert(mr->kind == MEMORY_REGION_MMIO && size >= 1 && size <= 8);
    if (!mmio_in_region(mr, offset, size)) {
        *val = 0;
        return MEMTX_DECODE_ERROR;
    }
    r = mmio_access(mr, offset, b, size, false, attrs);
    *val = bytes_to_le(b, size);
    return r;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, uint64_t offset, uint64_t val,
                                         unsigned size, MemTxAttrs attrs)
{
    uint8_t b[8];

    assert(mr->kind == MEMORY_REGION_MMIO && size >= 1 && size <= 8);
    if (!mmio_in_region(mr, offset, size)) {
        return MEMTX_DECODE_ERROR;
    }
    le_to_bytes(val, b, size);
    return mmio_access(mr, offset, b, size, true, attrs);
}

/* ---- buffers over a view ----------------------------------------------- */

/* The widest access a buffer copy may make at offset (QEMU's memory_access_size). */
static unsigned mmio_buffer_chunk(const MemoryRegion *mr, uint64_t offset, uint64_t len)
{
    uint64_t l = ops_valid_max(mr->ops);

    if (l > 8) {
        l = 8;
    }
    if (!mr->ops->valid.unaligned && offset && (offset & -offset) < l) {
        l = offset & -offset;
    }
    if (len < l) {
        l = len;
    }
    /* Round down to a power of two. */
    while (l & (l - 1)) {
        l &= l - 1;
    }
    return (unsigned)l;
}

MemTxResult flatview_rw(FlatView *fv, GuestPaddr addr, MemTxAttrs attrs, uint8_t *buf,
                        uint64_t len, bool is_write)
{
    MemTxResult r = MEMTX_OK;

    while (len > 0) {
        const FlatRange *fr = flatview_lookup(fv, addr);
        uint64_t l;

        if (!fr) {
            const FlatRange *next = flatview_next(fv, addr);
            l = next ? next->start - addr : (UINT64_MAX - addr) + 1;
            if (l == 0 || l > len) {
                l = len;                /* l == 0: the hole reaches 2^64 from 0 */
            }
            log_mask_printf(LOG_GUEST_ERRORS, "memory: unassigned %s of 0x%" PRIx64
                            " bytes at 0x%" PRIx64 "\n", is_write ? "write" : "read", l, addr);
            if (!is_write) {
                memset(buf, 0, l);
            }
            r = memtx_worst(r, MEMTX_DECODE_ERROR);
        } else {
            uint64_t off = fr->offset_in_region + (addr - fr->start);
            l = flat_range_remaining(fr, addr);
            if (l > len) {
                l = len;
            }
            if (!is_write && fr->ram_read) {
                memcpy(buf, flat_range_host(fr, addr), l);
            } else if (is_write && flat_range_ram_write(fr)) {
                memcpy(flat_range_host(fr, addr), buf, l);
                memory_notify_ram_write(addr, l);
            } else if (is_write && !fr->mr->ops) {
                log_mask_printf(LOG_GUEST_ERRORS, "memory: write of 0x%" PRIx64
                                " bytes to ROM '%s' at 0x%" PRIx64 " ignored\n",
                                l, fr->mr->name, addr);
            } else {
                l = mmio_buffer_chunk(fr->mr, off, l);
                r = memtx_worst(r, mmio_access_one(fr->mr, off, buf, (unsigned)l, is_write,
                                                   attrs));
            }
        }
        buf += l;
        len -= l;
        if (len && addr + l < addr) {
            log_mask_printf(LOG_GUEST_ERRORS, "memory: access runs past the end of the "
                            "address space\n");
            if (!is_write) {
                memset(buf, 0, len);
            }
            return memtx_worst(r, MEMTX_DECODE_ERROR);
        }
        addr += l;
    }
    return r;
}

MemTxResult address_space_rw(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                             void *buf, uint64_t len, bool is_write)
{
    FlatView *fv = address_space_get_flatview(as);
    MemTxResult r = flatview_rw(fv, addr, attrs, buf, len, is_write);

    flatview_unref(fv);
    return r;
}

MemTxResult address_space_read(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                               void *buf, uint64_t len)
{
    return address_space_rw(as, addr, attrs, buf, len, false);
}

MemTxResult address_space_write(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                                const void *buf, uint64_t len)
{
    /* flatview_rw does not write through buf when is_write. */
    return address_space_rw(as, addr, attrs, (void *)buf, len, true);
}

/* ---- single accesses --------------------------------------------------- */

static MemTxResult address_space_access(AddressSpace *as, GuestPaddr addr, uint8_t *b,
                                        unsigned size, MemTxAttrs attrs, bool is_write)
{
    FlatView *fv = address_space_get_flatview(as);
    const FlatRange *fr = flatview_lookup(fv, addr);
    MemTxResult r;

    assert(size == 1 || size == 2 || size == 4 || size == 8);
    if (fr && flat_range_remaining(fr, addr) >= size) {
        uint64_t off = fr->offset_in_region + (addr - fr->start);
        bool by_ram = is_write ? flat_range_ram_write(fr) : fr->ram_read;
        if (!by_ram && fr->mr->ops) {
            r = mmio_access(fr->mr, off, b, size, is_write, attrs);
        } else {
            /* RAM/ROM inside one range: the common case, handled by flatview_rw. */
            r = flatview_rw(fv, addr, attrs, b, size, is_write);
        }
    } else {
        /* Unassigned or straddling ranges: go piece by piece. */
        r = flatview_rw(fv, addr, attrs, b, size, is_write);
    }
    flatview_unref(fv);
    return r;
}

MemTxResult address_space_load(AddressSpace *as, GuestPaddr addr, unsigned size_bytes,
                               MemTxAttrs attrs, uint64_t *val)
{
    uint8_t b[8];
    MemTxResult r = address_space_access(as, addr, b, size_bytes, attrs, false);

    *val = bytes_to_le(b, size_bytes);
    return r;
}

MemTxResult address_space_store(AddressSpace *as, GuestPaddr addr, unsigned size_bytes,
                                MemTxAttrs attrs, uint64_t val)
{
    uint8_t b[8];

    le_to_bytes(val, b, size_bytes);
    return address_space_access(as, addr, b, size_bytes, attrs, true);
}

#define DEFINE_LD(name, type, size)                                                  \
    type name(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs, MemTxResult *result) \
    {                                                                                \
        uint64_t v;                                                                  \
        MemTxResult r = address_space_load(as, addr, size, attrs, &v);               \
        if (result) {                                                                \
            *result = r;                                                             \
        }                                                                            \
        return (type)v;                                                              \
    }
#define DEFINE_ST(name, type, size)                                                  \
    void name(AddressSpace *as, GuestPaddr addr, type val, MemTxAttrs attrs,          \
              MemTxResult *result)                                                   \
    {                                                                                \
        MemTxResult r = address_space_store(as, addr, size, attrs, val);             \
        if (result) {                                                                \
            *result = r;                                                             \
        }                                                                            \
    }

DEFINE_LD(address_space_ldub, uint8_t, 1)
DEFINE_LD(address_space_lduw_le, uint16_t, 2)
DEFINE_LD(address_space_ldl_le, uint32_t, 4)
DEFINE_LD(address_space_ldq_le, uint64_t, 8)
DEFINE_ST(address_space_stb, uint8_t, 1)
DEFINE_ST(address_space_stw_le, uint16_t, 2)
DEFINE_ST(address_space_stl_le, uint32_t, 4)
DEFINE_ST(address_space_stq_le, uint64_t, 8)

/* ---- fast paths -------------------------------------------------------- */

HostPtr address_space_ram_ptr(AddressSpace *as, GuestPaddr addr, bool is_write,
                              uint64_t *len_bytes)
{
    /* The hot one for the TLB: no reference, just the grace window. */
    unsigned idx = grace_enter();
    const FlatRange *fr = flatview_lookup(atomic_load(&as->current), addr);
    HostPtr host = NULL;

    *len_bytes = 0;
    if (fr && (is_write ? flat_range_ram_write(fr) : fr->ram_read)) {
        host = flat_range_host(fr, addr);
        *len_bytes = flat_range_remaining(fr, addr);
    }
    grace_exit(idx);
    return host;
}

MemoryRegion *address_space_translate(AddressSpace *as, GuestPaddr addr, uint64_t *xlat,
                                      uint64_t *len_bytes, bool *readonly)
{
    FlatView *fv = address_space_get_flatview(as);
    const FlatRange *fr = flatview_lookup(fv, addr);
    MemoryRegion *mr = NULL;

    if (fr) {
        mr = fr->mr;
        *xlat = fr->offset_in_region + (addr - fr->start);
        *len_bytes = flat_range_remaining(fr, addr);
        if (readonly) {
            *readonly = fr->readonly;
        }
    } else {
        const FlatRange *next = flatview_next(fv, addr);
        *xlat = addr;
        *len_bytes = next ? next->start - addr : (UINT64_MAX - addr) + 1;
        if (*len_bytes == 0) {
            *len_bytes = UINT64_MAX;
        }
        if (readonly) {
            *readonly = false;
        }
    }
    flatview_unref(fv);
    return mr;
}

bool address_space_write_rom(AddressSpace *as, GuestPaddr addr, const void *buf,
                             uint64_t len, Error **errp)
{
    FlatView *fv = address_space_get_flatview(as);
    const uint8_t *src = buf;
    bool ok = false;

    if (len && addr + (len - 1) < addr) {
        error_setg(errp, "0x%" PRIx64 " bytes at 0x%" PRIx64 " wrap around the address space",
                   len, addr);
        goto out;
    }
    /* Check everything first so that a refused load writes nothing. */
    for (uint64_t done = 0; done < len;) {
        const FlatRange *fr = flatview_lookup(fv, addr + done);
        if (!fr || !fr->mr->ram_block) {
            error_setg(errp, "cannot load to 0x%" PRIx64 ": not RAM or ROM in '%s'",
                       addr + done, as->name);
            goto out;
        }
        uint64_t l = flat_range_remaining(fr, addr + done);
        done += l < len - done ? l : len - done;
    }
    for (uint64_t done = 0; done < len;) {
        const FlatRange *fr = flatview_lookup(fv, addr + done);
        uint64_t l = flat_range_remaining(fr, addr + done);
        if (l > len - done) {
            l = len - done;
        }
        memcpy(flat_range_host(fr, addr + done), src + done, l);
        memory_notify_ram_write(addr + done, l);
        done += l;
    }
    ok = true;
out:
    flatview_unref(fv);
    return ok;
}
