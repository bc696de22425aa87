/*
 * Raw image backends over a host file (see block.h).  Every request is a
 * BlockRequest run by a pool worker with pread/pwrite/fdatasync/fallocate
 * and completed on the main loop.  Invariant: in_flight counts requests
 * submitted and not yet called back, so close never frees a backend a
 * worker still uses.
 */
#include "block/block.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/thread_pool.h"
#include "core/error.h"

struct BlockBackend {
    char *id;
    char *filename;
    int fd;
    bool read_only;
    BlockCacheMode cache;
    uint64_t size_bytes;
    unsigned in_flight;
    void *attached;
    BlockBackend *next;
};

static BlockBackend *block_list;

typedef enum { BLOCK_OP_READ, BLOCK_OP_WRITE, BLOCK_OP_FLUSH, BLOCK_OP_DISCARD,
               BLOCK_OP_WRITE_ZEROES } BlockOp;

typedef struct BlockRequest {
    BlockBackend *blk;
    BlockOp op;
    uint64_t offset;
    uint64_t len;
    void *buf;
    BlockCompletionFn cb;
    void *opaque;
} BlockRequest;

static const struct {
    const char *name;
    BlockCacheMode mode;
} block_cache_names[] = {
    { "writeback", BLOCK_CACHE_WRITEBACK },
    { "none", BLOCK_CACHE_NONE },
    { "writethrough", BLOCK_CACHE_WRITETHROUGH },
    { "directsync", BLOCK_CACHE_DIRECTSYNC },
    { "unsafe", BLOCK_CACHE_UNSAFE },
};

bool block_parse_cache_mode(const char *text, BlockCacheMode *out)
{
    for (size_t i = 0; i < sizeof(block_cache_names) / sizeof(block_cache_names[0]); i++) {
        if (strcmp(text, block_cache_names[i].name) == 0) {
            *out = block_cache_names[i].mode;
            return true;
        }
    }
    return false;
}

/* "QFI\xfb": a qcow2 (or qcow) header. */
static bool block_probe_qcow(int fd)
{
    uint8_t magic[4];

    return pread(fd, magic, 4, 0) == 4 && memcmp(magic, "QFI\xfb", 4) == 0;
}

BlockBackend *block_open(const BlockOpenOptions *o, Error **errp)
{
    BlockCacheMode cache = BLOCK_CACHE_WRITEBACK;
    int flags = O_CLOEXEC;
    struct stat st;
    BlockBackend *blk;
    int fd;

    if (o->id && block_find(o->id)) {
        error_setg(errp, "Duplicate ID '%s' for drive", o->id);
        return NULL;
    }
    if (!o->filename || !o->filename[0]) {
        error_setg(errp, "A block device must be specified for \"file\"");
        return NULL;
    }
    if (o->format && strcmp(o->format, "raw") != 0) {
        if (strcmp(o->format, "qcow2") == 0 || strcmp(o->format, "qcow") == 0 ||
            strcmp(o->format, "vmdk") == 0 || strcmp(o->format, "vdi") == 0 ||
            strcmp(o->format, "vhdx") == 0 || strcmp(o->format, "vpc") == 0 ||
            strcmp(o->format, "qed") == 0) {
            error_setg(errp, "format '%s' is not supported yet", o->format);
        } else {
            error_setg(errp, "'%s' invalid format", o->format);
        }
        return NULL;
    }
    if (o->cache && !block_parse_cache_mode(o->cache, &cache)) {
        error_setg(errp, "invalid cache option '%s'", o->cache);
        return NULL;
    }
    flags |= o->read_only ? O_RDONLY : O_RDWR;
    if (cache == BLOCK_CACHE_NONE || cache == BLOCK_CACHE_DIRECTSYNC) {
        flags |= O_DIRECT;
    }
    if (cache == BLOCK_CACHE_WRITETHROUGH || cache == BLOCK_CACHE_DIRECTSYNC) {
        flags |= O_DSYNC;
    }
    fd = open(o->filename, flags);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", o->filename);
        return NULL;
    }
    if (fstat(fd, &st) < 0) {
        error_setg_errno(errp, errno, "Could not stat '%s'", o->filename);
        close(fd);
        return NULL;
    }
    if (!o->format && block_probe_qcow(fd)) {
        error_setg(errp, "format 'qcow2' is not supported yet ('%s' is a qcow image)",
                   o->filename);
        close(fd);
        return NULL;
    }
    if (!o->format) {
        /* QEMU's wording, so scripts that grep for it keep working. */
        error_report("warning: Image format was not specified for '%s' and probing guessed "
                     "raw.\n         Automatically detecting the format is dangerous for raw "
                     "images, write operations on block 0 will be restricted.\n         "
                     "Specify the 'raw' format explicitly to remove the restrictions.",
                     o->filename);
    }
    blk = calloc(1, sizeof(*blk));
    if (!blk) {
        abort();
    }
    blk->fd = fd;
    blk->id = o->id ? strdup(o->id) : NULL;
    blk->filename = strdup(o->filename);
    blk->read_only = o->read_only;
    blk->cache = cache;
    if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);
        blk->size_bytes = end > 0 ? (uint64_t)end : 0;
    } else {
        blk->size_bytes = (uint64_t)st.st_size;
    }
    if (blk->id) {
        blk->next = block_list;
        block_list = blk;
    }
    return blk;
}

void block_close(BlockBackend *blk)
{
    if (!blk) {
        return;
    }
    block_drain(blk);
    for (BlockBackend **p = &block_list; *p; p = &(*p)->next) {
        if (*p == blk) {
            *p = blk->next;
            break;
        }
    }
    close(blk->fd);
    free(blk->id);
    free(blk->filename);
    free(blk);
}

void block_close_all(void)
{
    while (block_list) {
        block_close(block_list);
    }
}

BlockBackend *block_find(const char *id)
{
    for (BlockBackend *blk = block_list; blk; blk = blk->next) {
        if (strcmp(blk->id, id) == 0) {
            return blk;
        }
    }
    return NULL;
}

bool block_attach(BlockBackend *blk, void *dev, Error **errp)
{
    if (blk->attached && blk->attached != dev) {
        error_setg(errp, "Drive '%s' is already in use by another device",
                   blk->id ? blk->id : blk->filename);
        return false;
    }
    blk->attached = dev;
    return true;
}

void block_detach(BlockBackend *blk, void *dev)
{
    if (blk->attached == dev) {
        blk->attached = NULL;
    }
}

const char *block_id(const BlockBackend *blk)
{
    return blk->id;
}

const char *block_filename(const BlockBackend *blk)
{
    return blk->filename;
}

uint64_t block_size_bytes(const BlockBackend *blk)
{
    return blk->size_bytes;
}

bool block_is_read_only(const BlockBackend *blk)
{
    return blk->read_only;
}

BlockCacheMode block_cache_mode(const BlockBackend *blk)
{
    return blk->cache;
}

unsigned block_in_flight(const BlockBackend *blk)
{
    return blk->in_flight;
}

void *block_buffer_alloc(size_t len)
{
    void *p = NULL;

    if (posix_memalign(&p, 4096, len ? len : 1) != 0) {
        return NULL;
    }
    return p;
}

/* ---- the requests, on a worker ------------------------------------------ */

static int block_do_read(BlockRequest *r)
{
    uint64_t done = 0;

    while (done < r->len) {
        ssize_t n = pread(r->blk->fd, (uint8_t *)r->buf + done, r->len - done,
                          (off_t)(r->offset + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            /* Past the end of the file (the last partial sector): zeros. */
            memset((uint8_t *)r->buf + done, 0, r->len - done);
            break;
        }
        done += (uint64_t)n;
    }
    return 0;
}

/* All of buf at offset, through short writes and EINTR: 0 or -errno. */
static int block_pwrite_all(int fd, const void *buf, uint64_t len, uint64_t offset)
{
    uint64_t done = 0;

    while (done < len) {
        ssize_t n = pwrite(fd, (const uint8_t *)buf + done, len - done, (off_t)(offset + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        done += (uint64_t)n;
    }
    return 0;
}

static int block_do_write(BlockRequest *r)
{
    if (r->blk->read_only) {
        return -EROFS;
    }
    return block_pwrite_all(r->blk->fd, r->buf, r->len, r->offset);
}

static int block_do_flush(BlockRequest *r)
{
    if (r->blk->cache == BLOCK_CACHE_UNSAFE || r->blk->read_only) {
        return 0;
    }
    return fdatasync(r->blk->fd) < 0 ? -errno : 0;
}

static int block_do_discard(BlockRequest *r)
{
    if (r->blk->read_only) {
        return -EROFS;
    }
    if (fallocate(r->blk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)r->offset,
                  (off_t)r->len) < 0 && errno != EOPNOTSUPP && errno != ENOSYS) {
        return -errno;
    }
    return 0;    /* a discard is advisory: unsupported is success */
}

static int block_do_write_zeroes(BlockRequest *r)
{
    static const uint8_t zeros[65536] __attribute__((aligned(4096)));
    uint64_t done = 0;

    if (r->blk->read_only) {
        return -EROFS;
    }
    if (fallocate(r->blk->fd, FALLOC_FL_ZERO_RANGE, (off_t)r->offset, (off_t)r->len) == 0) {
        return 0;
    }
    while (done < r->len) {
        uint64_t chunk = r->len - done < sizeof(zeros) ? r->len - done : sizeof(zeros);
        int ret = block_pwrite_all(r->blk->fd, zeros, chunk, r->offset + done);
        if (ret < 0) {
            return ret;
        }
        done += chunk;
    }
    return 0;
}

static int block_work(void *opaque)
{
    BlockRequest *r = opaque;

    switch (r->op) {
    case BLOCK_OP_READ:
        return block_do_read(r);
    case BLOCK_OP_WRITE:
        return block_do_write(r);
    case BLOCK_OP_FLUSH:
        return block_do_flush(r);
    case BLOCK_OP_DISCARD:
        return block_do_discard(r);
    case BLOCK_OP_WRITE_ZEROES:
        return block_do_write_zeroes(r);
    }
    return -EINVAL;
}

static void block_done(void *opaque, int ret)
{
    BlockRequest *r = opaque;

    r->blk->in_flight--;
    r->cb(r->opaque, ret);
    free(r);
}

static void block_submit(BlockBackend *blk, BlockOp op, uint64_t offset, void *buf,
                         uint64_t len, BlockCompletionFn cb, void *opaque)
{
    BlockRequest *r = malloc(sizeof(*r));

    if (!r) {
        abort();
    }
    *r = (BlockRequest){ blk, op, offset, len, buf, cb, opaque };
    blk->in_flight++;
    thread_pool_submit(block_work, block_done, r);
}

void block_aio_read(BlockBackend *blk, uint64_t offset, void *buf, size_t len,
                    BlockCompletionFn cb, void *opaque)
{
    block_submit(blk, BLOCK_OP_READ, offset, buf, len, cb, opaque);
}

void block_aio_write(BlockBackend *blk, uint64_t offset, const void *buf, size_t len,
                     BlockCompletionFn cb, void *opaque)
{
    block_submit(blk, BLOCK_OP_WRITE, offset, (void *)buf, len, cb, opaque);
}

void block_aio_flush(BlockBackend *blk, BlockCompletionFn cb, void *opaque)
{
    block_submit(blk, BLOCK_OP_FLUSH, 0, NULL, 0, cb, opaque);
}

void block_aio_discard(BlockBackend *blk, uint64_t offset, uint64_t len,
                       BlockCompletionFn cb, void *opaque)
{
    block_submit(blk, BLOCK_OP_DISCARD, offset, NULL, len, cb, opaque);
}

void block_aio_write_zeroes(BlockBackend *blk, uint64_t offset, uint64_t len,
                            BlockCompletionFn cb, void *opaque)
{
    block_submit(blk, BLOCK_OP_WRITE_ZEROES, offset, NULL, len, cb, opaque);
}

void block_drain(BlockBackend *blk)
{
    while (blk->in_flight) {
        thread_pool_drain();
    }
}
