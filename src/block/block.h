/*
 * Block backends: what -drive opens and a storage device (virtio-blk)
 * reads and writes.  Only the raw format exists yet; an image is a host
 * file or block device opened per QEMU's cache modes:
 *   writeback (default)  page cache; a guest flush is fdatasync
 *   none                 O_DIRECT; a guest flush is fdatasync
 *   writethrough         page cache + O_DSYNC (every write durable)
 *   directsync           O_DIRECT + O_DSYNC
 *   unsafe               page cache; flushes are ignored
 * The size is the file's; devices see it rounded up to 512 bytes as QEMU
 * does (reads past the end of the file return zeros).
 *
 * Requests are asynchronous: they run on the I/O thread pool
 * (thread_pool.h), off the vCPU threads, and complete on the main loop with
 * the big lock held through cb(opaque, ret) with ret 0 or -errno.  Buffers
 * are the caller's and must stay alive until the callback; for cache=none
 * and directsync they must be block_buffer_alloc()ed (aligned for
 * O_DIRECT).  block_drain() waits for a backend's requests and runs their
 * callbacks.
 *
 * Backends are registered by id (-drive id=) and found by devices with
 * block_find(); one device may attach to a backend at a time.
 * Errors: open failures carry QEMU's wording ("Could not open 'x': ...").
 * Thread context: main thread / big lock, except the pool's workers.
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define BLOCK_SECTOR_SIZE 512

typedef enum BlockCacheMode {
    BLOCK_CACHE_WRITEBACK,
    BLOCK_CACHE_NONE,
    BLOCK_CACHE_WRITETHROUGH,
    BLOCK_CACHE_DIRECTSYNC,
    BLOCK_CACHE_UNSAFE,
} BlockCacheMode;

typedef struct BlockOpenOptions {
    const char *id;            /* registry name; NULL: not registered */
    const char *filename;
    const char *format;        /* NULL: probe (raw, with QEMU's warning) */
    const char *cache;         /* NULL: writeback */
    bool read_only;
} BlockOpenOptions;

typedef struct BlockBackend BlockBackend;
typedef void (*BlockCompletionFn)(void *opaque, int ret);

BlockBackend *block_open(const BlockOpenOptions *opts, Error **errp);
/* Drains, closes and unregisters. */
void block_close(BlockBackend *blk);
void block_close_all(void);
BlockBackend *block_find(const char *id);

/* A device takes the backend (one at a time); false if already taken. */
bool block_attach(BlockBackend *blk, void *dev, Error **errp);
void block_detach(BlockBackend *blk, void *dev);

const char *block_id(const BlockBackend *blk);
const char *block_filename(const BlockBackend *blk);
uint64_t block_size_bytes(const BlockBackend *blk);
bool block_is_read_only(const BlockBackend *blk);
BlockCacheMode block_cache_mode(const BlockBackend *blk);
bool block_parse_cache_mode(const char *text, BlockCacheMode *out);

void *block_buffer_alloc(size_t len);    /* 4 KiB aligned; free() it */

void block_aio_read(BlockBackend *blk, uint64_t offset, void *buf, size_t len,
                    BlockCompletionFn cb, void *opaque);
void block_aio_write(BlockBackend *blk, uint64_t offset, const void *buf, size_t len,
                     BlockCompletionFn cb, void *opaque);
void block_aio_flush(BlockBackend *blk, BlockCompletionFn cb, void *opaque);
/* Deallocate (punch a hole); reads return zeros afterwards. */
void block_aio_discard(BlockBackend *blk, uint64_t offset, uint64_t len,
                       BlockCompletionFn cb, void *opaque);
void block_aio_write_zeroes(BlockBackend *blk, uint64_t offset, uint64_t len,
                            BlockCompletionFn cb, void *opaque);
/* Waits for every request of blk and runs the callbacks; returns at once
 * when none is in flight. */
void block_drain(BlockBackend *blk);
unsigned block_in_flight(const BlockBackend *blk);

#endif
