/*
 * Raw block backends on temporary files: open errors in QEMU's words,
 * asynchronous read/write/flush/discard/write-zeroes through the thread
 * pool (completions run by block_drain), zeros past the end of a file
 * whose size is not a multiple of 512, read-only refusal, the id registry
 * and single attachment, and each cache mode opening (O_DIRECT ones skip
 * where the file system refuses it).
 */
#include "block/block.h"

#include "util/unittest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static void make_image(size_t size, uint8_t fill)
{
    uint8_t *buf = malloc(size ? size : 1);
    strcpy(path, "/tmp/morpho-block-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    memset(buf, fill, size);
    CHECK(write(fd, buf, size) == (ssize_t)size);
    close(fd);
    free(buf);
}

static int last_ret;
static unsigned completions;

static void done(void *opaque, int ret)
{
    last_ret = ret;
    completions++;
    if (opaque) {
        *(int *)opaque = ret;
    }
}

UNITTEST(open_errors)
{
    Error *err = NULL;
    BlockOpenOptions o = { .filename = "/nonexistent/disk.img", .format = "raw" };

    CHECK(!block_open(&o, &err));
    CHECK_STR(error_get_pretty(err), "Could not open '/nonexistent/disk.img': No such file or "
                                     "directory");
    error_free(err);
    err = NULL;
    make_image(4096, 0);
    o.filename = path;
    o.format = "qcow2";
    CHECK(!block_open(&o, &err));
    CHECK_STR(error_get_pretty(err), "format 'qcow2' is not supported yet");
    error_free(err);
    err = NULL;
    o.format = "bogus";
    CHECK(!block_open(&o, &err));
    CHECK_STR(error_get_pretty(err), "'bogus' invalid format");
    error_free(err);
    err = NULL;
    o.format = "raw";
    o.cache = "sometimes";
    CHECK(!block_open(&o, &err));
    CHECK_STR(error_get_pretty(err), "invalid cache option 'sometimes'");
    error_free(err);
    unlink(path);

    /* A qcow2 image without format= is recognised, not read as raw. */
    make_image(4096, 0);
    int fd = open(path, O_WRONLY);
    CHECK(write(fd, "QFI\xfb", 4) == 4);
    close(fd);
    err = NULL;
    BlockOpenOptions p = { .filename = path };
    CHECK(!block_open(&p, &err));
    CHECK(err && strstr(error_get_pretty(err), "format 'qcow2' is not supported yet"));
    error_free(err);
    unlink(path);
}

UNITTEST(read_write_flush)
{
    BlockOpenOptions o = { .id = "d0", .filename = NULL, .format = "raw" };
    uint8_t *buf = block_buffer_alloc(4096);

    make_image(8192, 0xaa);
    o.filename = path;
    BlockBackend *blk = block_open(&o, &error_abort);
    CHECK(blk && block_find("d0") == blk);
    CHECK_U64(block_size_bytes(blk), 8192);
    CHECK(!block_is_read_only(blk));

    memset(buf, 0x5c, 4096);
    completions = 0;
    block_aio_write(blk, 1024, buf, 1024, done, NULL);
    CHECK_INT(block_in_flight(blk), 1);
    block_drain(blk);
    CHECK_INT(block_in_flight(blk), 0);
    CHECK_INT(completions, 1);
    CHECK_INT(last_ret, 0);
    block_aio_flush(blk, done, NULL);
    block_drain(blk);
    CHECK_INT(last_ret, 0);

    memset(buf, 0, 4096);
    block_aio_read(blk, 512, buf, 2048, done, NULL);
    block_drain(blk);
    CHECK_INT(last_ret, 0);
    CHECK_INT(buf[0], 0xaa);
    CHECK_INT(buf[511], 0xaa);
    CHECK_INT(buf[512], 0x5c);
    CHECK_INT(buf[1535], 0x5c);
    CHECK_INT(buf[1536], 0xaa);

    /* Attach once. */
    Error *err = NULL;
    int a, b;
    CHECK(block_attach(blk, &a, &error_abort));
    CHECK(!block_attach(blk, &b, &err));
    CHECK(err && strstr(error_get_pretty(err), "already in use"));
    error_free(err);
    block_detach(blk, &a);
    CHECK(block_attach(blk, &b, &error_abort));

    /* Duplicate id. */
    err = NULL;
    CHECK(!block_open(&o, &err));
    CHECK_STR(error_get_pretty(err), "Duplicate ID 'd0' for drive");
    error_free(err);

    block_close(blk);
    CHECK(block_find("d0") == NULL);
    unlink(path);
    free(buf);
}

UNITTEST(partial_last_sector_reads_zeros)
{
    BlockOpenOptions o = { .format = "raw" };
    uint8_t buf[1024];

    make_image(1000, 0x11);
    o.filename = path;
    BlockBackend *blk = block_open(&o, &error_abort);
    CHECK_U64(block_size_bytes(blk), 1000);
    memset(buf, 0xff, sizeof(buf));
    block_aio_read(blk, 512, buf, 512, done, NULL);
    block_drain(blk);
    CHECK_INT(last_ret, 0);
    CHECK_INT(buf[487], 0x11);
    CHECK_INT(buf[488], 0);
    CHECK_INT(buf[511], 0);
    block_close(blk);
    unlink(path);
}

UNITTEST(read_only_refuses_writes)
{
    BlockOpenOptions o = { .format = "raw", .read_only = true };
    uint8_t buf[512] = { 1 };
    int ret = 1;

    make_image(4096, 0);
    o.filename = path;
    BlockBackend *blk = block_open(&o, &error_abort);
    CHECK(block_is_read_only(blk));
    block_aio_write(blk, 0, buf, 512, done, &ret);
    block_drain(blk);
    CHECK_INT(ret, -EROFS);
    block_close(blk);
    unlink(path);
}

UNITTEST(discard_and_write_zeroes)
{
    BlockOpenOptions o = { .format = "raw" };
    uint8_t buf[8192];

    make_image(65536, 0x77);
    o.filename = path;
    BlockBackend *blk = block_open(&o, &error_abort);
    block_aio_write_zeroes(blk, 4096, 4096, done, NULL);
    block_drain(blk);
    CHECK_INT(last_ret, 0);
    block_aio_discard(blk, 16384, 4096, done, NULL);
    block_drain(blk);
    CHECK_INT(last_ret, 0);
    block_aio_read(blk, 0, buf, 8192, done, NULL);
    block_drain(blk);
    CHECK_INT(buf[4095], 0x77);
    CHECK_INT(buf[4096], 0);
    CHECK_INT(buf[8191], 0);
    CHECK_U64(block_size_bytes(blk), 65536);
    block_close(blk);
    unlink(path);
}

UNITTEST(cache_modes_open)
{
    static const char *const modes[] = { "writeback", "writethrough", "unsafe", "none",
                                         "directsync" };
    BlockCacheMode m;

    CHECK(block_parse_cache_mode("none", &m) && m == BLOCK_CACHE_NONE);
    CHECK(block_parse_cache_mode("directsync", &m) && m == BLOCK_CACHE_DIRECTSYNC);
    CHECK(!block_parse_cache_mode("off", &m));
    make_image(8192, 0x33);
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        BlockOpenOptions o = { .filename = path, .format = "raw", .cache = modes[i] };
        Error *err = NULL;
        BlockBackend *blk = block_open(&o, &err);
        if (!blk) {
            /* tmpfs refuses O_DIRECT: fine for the O_DIRECT modes only. */
            CHECK(i >= 3);
            error_free(err);
            continue;
        }
        uint8_t *buf = block_buffer_alloc(4096);
        block_aio_read(blk, 4096, buf, 4096, done, NULL);
        block_drain(blk);
        CHECK_INT(last_ret, 0);
        CHECK_INT(buf[0], 0x33);
        block_aio_write(blk, 0, buf, 4096, done, NULL);
        block_aio_flush(blk, done, NULL);
        block_drain(blk);
        CHECK_INT(last_ret, 0);
        free(buf);
        block_close(blk);
    }
    unlink(path);
}
