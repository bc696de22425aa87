/*
 * DMA helpers (dma.h): a transfer is checked against one pinned FlatView
 * before any byte moves, then carried out on that same view, so the check
 * and the copy see the same memory map even if a commit lands in between.
 * Range arithmetic never forms addr + len: the last byte is addr + len - 1,
 * checked for wrap first.
 */
#include "memory/dma.h"

#include "memory/memory_internal.h"
#include "util/log.h"

static bool dma_range_ok(FlatView *fv, GuestPaddr addr, uint64_t len, DmaDirection dir)
{
    if (len == 0) {
        return true;
    }
    if (addr + (len - 1) < addr) {
        log_mask_printf(LOG_GUEST_ERRORS, "dma: 0x%" PRIx64 " bytes at 0x%" PRIx64
                        " wrap around the address space\n", len, addr);
        return false;
    }
    for (uint64_t done = 0; done < len;) {
        const FlatRange *fr = flatview_lookup(fv, addr + done);
        uint64_t l;

        if (!fr) {
            log_mask_printf(LOG_GUEST_ERRORS, "dma: %s at 0x%" PRIx64 " (0x%" PRIx64
                            " bytes from 0x%" PRIx64 ") hits unassigned memory\n",
                            dir == DMA_DIRECTION_FROM_DEVICE ? "write" : "read",
                            addr + done, len, addr);
            return false;
        }
        if (dir == DMA_DIRECTION_FROM_DEVICE && fr->readonly && !fr->mr->ops) {
            log_mask_printf(LOG_GUEST_ERRORS, "dma: write at 0x%" PRIx64 " hits read-only '%s'\n",
                            addr + done, fr->mr->name);
            return false;
        }
        l = flat_range_remaining(fr, addr + done);
        if (l >= len - done) {
            break;
        }
        done += l;
    }
    return true;
}

static MemTxResult dma_memory_rw(AddressSpace *as, GuestPaddr addr, void *buf, uint64_t len,
                                 DmaDirection dir)
{
    FlatView *fv = address_space_get_flatview(as);
    MemTxResult r = MEMTX_DECODE_ERROR;

    if (dma_range_ok(fv, addr, len, dir)) {
        r = flatview_rw(fv, addr, MEMTXATTRS_UNSPECIFIED, buf, len,
                        dir == DMA_DIRECTION_FROM_DEVICE);
    }
    flatview_unref(fv);
    return r;
}

MemTxResult dma_memory_read(AddressSpace *as, GuestPaddr addr, void *buf, uint64_t len)
{
    return dma_memory_rw(as, addr, buf, len, DMA_DIRECTION_TO_DEVICE);
}

MemTxResult dma_memory_write(AddressSpace *as, GuestPaddr addr, const void *buf, uint64_t len)
{
    /* flatview_rw only reads buf when writing guest memory. */
    return dma_memory_rw(as, addr, (void *)buf, len, DMA_DIRECTION_FROM_DEVICE);
}

bool dma_memory_valid(AddressSpace *as, GuestPaddr addr, uint64_t len, DmaDirection dir)
{
    FlatView *fv = address_space_get_flatview(as);
    bool ok = dma_range_ok(fv, addr, len, dir);

    flatview_unref(fv);
    return ok;
}

HostPtr dma_memory_map(AddressSpace *as, GuestPaddr addr, uint64_t *len, DmaDirection dir)
{
    FlatView *fv = address_space_get_flatview(as);
    const FlatRange *fr = flatview_lookup(fv, addr);
    HostPtr host = NULL;
    uint64_t want = *len;

    *len = 0;
    if (want == 0 || addr + (want - 1) < addr) {
        log_mask_printf(LOG_GUEST_ERRORS, "dma: cannot map 0x%" PRIx64 " bytes at 0x%" PRIx64
                        "\n", want, addr);
    } else if (!fr || !(dir == DMA_DIRECTION_FROM_DEVICE ? flat_range_ram_write(fr)
                                                          : fr->ram_read)) {
        log_mask_printf(LOG_GUEST_ERRORS, "dma: cannot map 0x%" PRIx64 ": not %s\n", addr,
                        dir == DMA_DIRECTION_FROM_DEVICE ? "writable RAM" : "RAM");
    } else {
        uint64_t l = flat_range_remaining(fr, addr);
        host = flat_range_host(fr, addr);
        *len = l < want ? l : want;
    }
    flatview_unref(fv);
    return host;
}

void dma_memory_unmap(AddressSpace *as, GuestPaddr addr, HostPtr ptr, uint64_t len,
                      DmaDirection dir, uint64_t access_len)
{
    if (dir == DMA_DIRECTION_FROM_DEVICE) {
        memory_notify_ram_write(addr, access_len < len ? access_len : len);
    }
}
