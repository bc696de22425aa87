/*
 * PLACEHOLDER (ir branch only): the memory API contract shared by memory/
 * and exec/, exactly as agreed.  The memory helper's real src/memory/memory.h
 * replaces this file at merge; exec/memory_stub.c implements it meanwhile.
 */
#ifndef MEMORY_MEMORY_H
#define MEMORY_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

#include "util/addr.h"            /* GuestVaddr, GuestPaddr, HostPtr, RamOffset */

typedef enum { MEMTX_OK = 0, MEMTX_ERROR = 1, MEMTX_DECODE_ERROR = 2 } MemTxResult;
typedef struct MemTxAttrs { unsigned unspecified : 1; unsigned requester_id : 16; } MemTxAttrs;
#define MEMTXATTRS_UNSPECIFIED ((MemTxAttrs){ .unspecified = 1 })
typedef struct AddressSpace AddressSpace;
MemTxResult address_space_read(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                               void *buf, uint64_t len);
MemTxResult address_space_write(AddressSpace *as, GuestPaddr addr, MemTxAttrs attrs,
                                const void *buf, uint64_t len);
/* One little-endian access of 1, 2, 4 or 8 bytes (split/widened for MMIO as needed). */
MemTxResult address_space_load(AddressSpace *as, GuestPaddr addr, unsigned size_bytes,
                               MemTxAttrs attrs, uint64_t *val);
MemTxResult address_space_store(AddressSpace *as, GuestPaddr addr, unsigned size_bytes,
                                MemTxAttrs attrs, uint64_t val);
/* RAM fast path: the host pointer for addr when it is RAM (or ROM, for reads only: pass
 * is_write=false), with *len_bytes set to the contiguous span; NULL for MMIO/unassigned. */
HostPtr address_space_ram_ptr(AddressSpace *as, GuestPaddr addr, bool is_write,
                              uint64_t *len_bytes);
/* Called (when set) for writes into RAM made by address_space_write/store/DMA, so the
 * translator can invalidate translated code on those pages. One global notifier. */
typedef void (*RamWriteNotifyFn)(GuestPaddr addr, uint64_t len_bytes);
void memory_set_ram_write_notifier(RamWriteNotifyFn fn);

#endif
