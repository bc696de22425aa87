/*
 * virtio-blk on the bench with a raw image in /tmp: config space, reads and
 * writes checked against the host file, FLUSH, GET_ID, DISCARD and
 * WRITE_ZEROES, the IOERR/UNSUPP answers (out of range, read-only, unknown
 * type), a missing header breaking the device, and a reset with a request
 * in flight (its completion must not touch the rings).  Completions run
 * through block_drain().
 */
#include "hw/virtio/virtio_blk.h"
#include "hw/virtio/virtio_testbench.h"

#include "util/unittest.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FEATURES (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | \
                  VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |     \
                  VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES) | \
                  VIRTIO_BIT(VIRTIO_BLK_F_RO) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE))

static VirtioBench bench;
static VirtioBlkState *blkdev;
static BlockBackend *backend;
static char path[64];

static void setup(size_t size, bool read_only)
{
    uint8_t *buf = calloc(1, size);
    for (size_t i = 0; i < size; i++) {
        buf[i] = (uint8_t)(i / 512);
    }
    strcpy(path, "/tmp/morpho-vblk-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, buf, size) == (ssize_t)size);
    close(fd);
    free(buf);
    BlockOpenOptions o = { .id = "disk0", .filename = path, .format = "raw",
                           .read_only = read_only };
    backend = block_open(&o, &error_abort);
    vbench_init(&bench);
    blkdev = VIRTIO_BLK(object_new(TYPE_VIRTIO_BLK));
    CHECK(object_property_parse(OBJECT(blkdev), "drive", "disk0", &error_abort));
    CHECK(object_property_parse(OBJECT(blkdev), "serial", "MORPHO-SERIAL", &error_abort));
    CHECK(device_realize(DEVICE(blkdev), &error_abort));
    CHECK(vbench_driver_init(&bench, FEATURES, 1, 64));
}

static void teardown(void)
{
    vbench_fini(&bench, DEVICE(blkdev));
    block_close(backend);
    unlink(path);
}

/* One request: header, optional data out, data in of in_len, status. */
static uint8_t request(uint32_t type, uint64_t sector, const void *out, uint32_t out_len,
                       GuestPaddr *in, uint32_t in_len, uint32_t *used_len)
{
    uint8_t hdr[16] = { 0 };
    VbSeg segs[4];
    unsigned n = 0;
    uint32_t id, len;
    uint8_t status = 0xee;

    memcpy(hdr, &type, 4);
    memcpy(hdr + 8, &sector, 8);
    GuestPaddr h = vbench_alloc(&bench, 16);
    vbench_poke(&bench, h, hdr, 16);
    segs[n++] = (VbSeg){ h, 16, false };
    if (out_len) {
        GuestPaddr o = vbench_alloc(&bench, out_len);
        vbench_poke(&bench, o, out, out_len);
        segs[n++] = (VbSeg){ o, out_len, false };
    }
    if (in_len) {
        *in = vbench_alloc(&bench, in_len);
        segs[n++] = (VbSeg){ *in, in_len, true };
    }
    GuestPaddr st = vbench_alloc(&bench, 1);
    vbench_poke(&bench, st, &status, 1);
    segs[n++] = (VbSeg){ st, 1, true };
    uint16_t head = vbench_add_chain(&bench, 0, segs, n);
    vbench_kick(&bench, 0);
    block_drain(backend);
    if (!vbench_pop_used(&bench, 0, &id, &len)) {
        return 0xff;
    }
    CHECK_INT(id, head);
    if (used_len) {
        *used_len = len;
    }
    vbench_peek(&bench, st, &status, 1);
    return status;
}

static void file_read(uint64_t off, void *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    CHECK(pread(fd, buf, len, (off_t)off) == (ssize_t)len);
    close(fd);
}

UNITTEST(config_and_features)
{
    setup(64 * 1024 + 100, false);    /* not a multiple of 512: rounds up */
    CHECK_U64(vbench_read(&bench, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    CHECK_U64(vbench_config_read(&bench, 0, 4), 129);
    CHECK_U64(vbench_config_read(&bench, 4, 4), 0);
    CHECK_U64(vbench_config_read(&bench, 20, 4), 512);
    CHECK_U64(vbench_config_read(&bench, 12, 4), VIRTIO_BLK_QUEUE_SIZE - 2);
    CHECK(VIRTIO_DEVICE(blkdev)->guest_features & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));
    CHECK(!(VIRTIO_DEVICE(blkdev)->guest_features & VIRTIO_BIT(VIRTIO_BLK_F_RO)));
    teardown();
}

UNITTEST(write_flush_read)
{
    uint8_t data[1024], back[1024];
    GuestPaddr in;
    uint32_t used;

    setup(64 * 1024, false);
    for (int i = 0; i < 1024; i++) {
        data[i] = (uint8_t)(i * 7 + 3);
    }
    CHECK_INT(request(VIRTIO_BLK_T_OUT, 4, data, 1024, NULL, 0, &used), VIRTIO_BLK_S_OK);
    CHECK_INT(used, 1);
    CHECK_INT(request(VIRTIO_BLK_T_FLUSH, 0, NULL, 0, NULL, 0, NULL), VIRTIO_BLK_S_OK);
    file_read(4 * 512, back, 1024);
    CHECK(memcmp(back, data, 1024) == 0);
    CHECK_INT(request(VIRTIO_BLK_T_IN, 3, NULL, 0, &in, 1536, &used), VIRTIO_BLK_S_OK);
    CHECK_INT(used, 1537);
    uint8_t got[1536];
    vbench_peek(&bench, in, got, 1536);
    CHECK_INT(got[0], 3);          /* sector 3's original fill */
    CHECK_INT(got[511], 3);
    CHECK(memcmp(got + 512, data, 1024) == 0);
    CHECK(bench.level == 1);
    teardown();
}

UNITTEST(get_id_and_errors)
{
    GuestPaddr in;
    uint32_t used;
    char id[20];

    setup(8 * 512, false);
    CHECK_INT(request(VIRTIO_BLK_T_GET_ID, 0, NULL, 0, &in, 20, &used), VIRTIO_BLK_S_OK);
    CHECK_INT(used, 21);
    vbench_peek(&bench, in, id, 20);
    CHECK(memcmp(id, "MORPHO-SERIAL\0", 14) == 0);
    /* Past the end, a partial sector, an unknown type. */
    CHECK_INT(request(VIRTIO_BLK_T_IN, 7, NULL, 0, &in, 1024, NULL), VIRTIO_BLK_S_IOERR);
    CHECK_INT(request(VIRTIO_BLK_T_IN, 0xffffffffffffffffULL, NULL, 0, &in, 512, NULL),
              VIRTIO_BLK_S_IOERR);
    CHECK_INT(request(VIRTIO_BLK_T_IN, 0, NULL, 0, &in, 100, NULL), VIRTIO_BLK_S_IOERR);
    CHECK_INT(request(99, 0, NULL, 0, NULL, 0, NULL), VIRTIO_BLK_S_UNSUPP);
    /* The device is still fine. */
    CHECK(!(vbench_read(&bench, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
    teardown();
}

UNITTEST(discard_and_write_zeroes)
{
    uint8_t seg[16] = { 0 }, back[512];
    uint64_t sector = 2;
    uint32_t num = 2, flags = 1;

    setup(16 * 512, false);
    memcpy(seg, &sector, 8);
    memcpy(seg + 8, &num, 4);
    memcpy(seg + 12, &flags, 4);
    CHECK_INT(request(VIRTIO_BLK_T_WRITE_ZEROES, 0, seg, 16, NULL, 0, NULL), VIRTIO_BLK_S_OK);
    file_read(3 * 512, back, 512);
    CHECK_INT(back[0], 0);
    file_read(4 * 512, back, 512);
    CHECK_INT(back[0], 4);
    /* DISCARD may not carry the unmap flag (5.2.6.2). */
    CHECK_INT(request(VIRTIO_BLK_T_DISCARD, 0, seg, 16, NULL, 0, NULL), VIRTIO_BLK_S_UNSUPP);
    flags = 0;
    sector = 8;
    memcpy(seg, &sector, 8);
    memcpy(seg + 12, &flags, 4);
    CHECK_INT(request(VIRTIO_BLK_T_DISCARD, 0, seg, 16, NULL, 0, NULL), VIRTIO_BLK_S_OK);
    sector = 15;
    memcpy(seg, &sector, 8);
    CHECK_INT(request(VIRTIO_BLK_T_DISCARD, 0, seg, 16, NULL, 0, NULL), VIRTIO_BLK_S_IOERR);
    teardown();
}

UNITTEST(read_only_drive)
{
    uint8_t data[512] = { 1 };

    setup(8 * 512, true);
    CHECK(VIRTIO_DEVICE(blkdev)->guest_features & VIRTIO_BIT(VIRTIO_BLK_F_RO));
    CHECK_INT(request(VIRTIO_BLK_T_OUT, 0, data, 512, NULL, 0, NULL), VIRTIO_BLK_S_IOERR);
    teardown();
}

UNITTEST(missing_header_breaks_device)
{
    setup(8 * 512, false);
    GuestPaddr h = vbench_alloc(&bench, 8);
    VbSeg s = { h, 8, false };
    vbench_add_chain(&bench, 0, &s, 1);
    vbench_kick(&bench, 0);
    CHECK(vbench_read(&bench, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    CHECK(vbench_read(&bench, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_ISR_CONFIG);
    teardown();
}

UNITTEST(reset_with_request_in_flight)
{
    uint8_t hdr[16] = { 0 };
    uint32_t id, len;

    setup(8 * 512, false);
    GuestPaddr h = vbench_alloc(&bench, 16), d = vbench_alloc(&bench, 512),
               st = vbench_alloc(&bench, 1);
    vbench_poke(&bench, h, hdr, 16);
    VbSeg segs[] = { { h, 16, false }, { d, 512, true }, { st, 1, true } };
    vbench_add_chain(&bench, 0, segs, 3);
    vbench_kick(&bench, 0);
    CHECK_INT(blkdev->in_flight, 1);
    vbench_write(&bench, VIRTIO_MMIO_STATUS, 0);
    block_drain(backend);
    CHECK_INT(blkdev->in_flight, 0);
    CHECK(!vbench_pop_used(&bench, 0, &id, &len));
    teardown();
}

UNITTEST(realize_errors)
{
    VirtioBench b;
    Error *err = NULL;

    vbench_init(&b);
    DeviceState *d = DEVICE(object_new(TYPE_VIRTIO_BLK));
    CHECK(!device_realize(d, &err));
    CHECK_STR(error_get_pretty(err), "drive property not set");
    error_free(err);
    err = NULL;
    CHECK(object_property_parse(OBJECT(d), "drive", "nope", &error_abort));
    CHECK(!device_realize(d, &err));
    CHECK_STR(error_get_pretty(err), "Property 'virtio-blk-device.drive' can't find value 'nope'");
    error_free(err);
    object_unref(d);
    vbench_fini(&b, NULL);
}
