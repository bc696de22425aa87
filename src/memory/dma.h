/*
 * DMA helpers: how a device reads and writes guest memory (ARCHITECTURE.md:
 * "a device sees guest memory only through the memory API").  Unlike
 * address_space_read/write, which read zeros from holes and go on, these
 * refuse the whole transfer (MEMTX_DECODE_ERROR, nothing copied) unless
 * every byte is RAM or an assigned device range, and the range does not
 * wrap past 2^64: a misprogrammed descriptor cannot half-happen.  Writes
 * into ROM are refused the same way.  All refusals are logged under
 * -d guest_errors.  Any thread; no lock; writes into RAM reach the RAM
 * write notifier.
 */
#ifndef MEMORY_DMA_H
#define MEMORY_DMA_H

#include "memory/memory.h"

typedef enum {
    DMA_DIRECTION_TO_DEVICE = 0,    /* the device reads guest memory */
    DMA_DIRECTION_FROM_DEVICE = 1,  /* the device writes guest memory */
} DmaDirection;

MemTxResult dma_memory_read(AddressSpace *as, GuestPaddr addr, void *buf, uint64_t len);
MemTxResult dma_memory_write(AddressSpace *as, GuestPaddr addr, const void *buf, uint64_t len);
/* True when [addr, addr+len) may be transferred in that direction. */
bool dma_memory_valid(AddressSpace *as, GuestPaddr addr, uint64_t len, DmaDirection dir);

/*
 * Zero-copy: a host pointer to the RAM at addr (not ROM when writing), with
 * *len cut down to the contiguous RAM span from there.  NULL (and *len 0)
 * when addr is not RAM or the range wraps.  The pointer stays valid while
 * the RAM region lives.  Pair with dma_memory_unmap(), passing how many
 * bytes were actually written so the RAM write notifier hears of them.
 */
HostPtr dma_memory_map(AddressSpace *as, GuestPaddr addr, uint64_t *len, DmaDirection dir);
void dma_memory_unmap(AddressSpace *as, GuestPaddr addr, HostPtr ptr, uint64_t len,
                      DmaDirection dir, uint64_t access_len);

#endif
