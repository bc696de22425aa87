/*
 * virtio-rng on the bench: buffers filled from getrandom(2) without a
 * backend, from a host file through -object rng-random (a regular file
 * gives known bytes, and its end leaves the request pending), and the
 * backend's open error.
 */
#include "hw/virtio/virtio_rng.h"
#include "hw/virtio/virtio_testbench.h"

#include "util/unittest.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FEATURES (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX))

UNITTEST(getrandom_without_backend)
{
    VirtioBench b;
    uint32_t id, len;
    uint8_t buf[64], zero[64] = { 0 };

    vbench_init(&b);
    DeviceState *d = DEVICE(object_new(TYPE_VIRTIO_RNG));
    CHECK(device_realize(d, &error_abort));
    CHECK_U64(vbench_read(&b, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
    CHECK(vbench_driver_init(&b, FEATURES, 1, 8));
    GuestPaddr a = vbench_alloc(&b, 64), c = vbench_alloc(&b, 64);
    VbSeg s1 = { a, 64, true }, s2 = { c, 32, true };
    uint16_t h1 = vbench_add_chain(&b, 0, &s1, 1);
    uint16_t h2 = vbench_add_chain(&b, 0, &s2, 1);
    vbench_kick(&b, 0);
    CHECK(vbench_pop_used(&b, 0, &id, &len));
    CHECK_INT(id, h1);
    CHECK_INT(len, 64);
    CHECK(vbench_pop_used(&b, 0, &id, &len));
    CHECK_INT(id, h2);
    CHECK_INT(len, 32);
    vbench_peek(&b, a, buf, 64);
    CHECK(memcmp(buf, zero, 64) != 0);
    CHECK_INT(b.level, 1);
    vbench_fini(&b, d);
}

UNITTEST(rng_random_from_a_file)
{
    char path[] = "/tmp/morpho-rng-XXXXXX";
    int fd = mkstemp(path);
    uint8_t buf[40];
    uint32_t id, len;

    CHECK(fd >= 0 && write(fd, "0123456789abcdefghijklmnopqrstuvwxyzABCD", 40) == 40);
    close(fd);
    Object *rng = object_new(TYPE_RNG_RANDOM);
    CHECK(object_property_set_str(rng, "filename", path, &error_abort));

    VirtioBench b;
    vbench_init(&b);
    DeviceState *d = DEVICE(object_new(TYPE_VIRTIO_RNG));
    CHECK(object_property_set_link(OBJECT(d), "rng", rng, &error_abort));
    CHECK(device_realize(d, &error_abort));
    CHECK(vbench_driver_init(&b, FEATURES, 1, 8));
    GuestPaddr a = vbench_alloc(&b, 40), c = vbench_alloc(&b, 8);
    VbSeg s1 = { a, 30, true }, s2 = { a + 30, 10, true }, s3 = { c, 8, true };
    vbench_add_chain(&b, 0, &s1, 1);
    vbench_add_chain(&b, 0, &s2, 1);
    vbench_add_chain(&b, 0, &s3, 1);
    vbench_kick(&b, 0);
    CHECK(vbench_pop_used(&b, 0, &id, &len));
    CHECK_INT(len, 30);
    CHECK(vbench_pop_used(&b, 0, &id, &len));
    CHECK_INT(len, 10);
    vbench_peek(&b, a, buf, 40);
    CHECK(memcmp(buf, "0123456789abcdefghijklmnopqrstuvwxyzABCD", 40) == 0);
    /* The file is exhausted: the third request waits, still available. */
    CHECK(!vbench_pop_used(&b, 0, &id, &len));
    CHECK(!virtqueue_empty(VIRTIO_RNG(d)->vq));
    vbench_fini(&b, d);
    object_unref(rng);
    unlink(path);
}

UNITTEST(rng_random_missing_file)
{
    Error *err = NULL;
    Object *rng = object_new(TYPE_RNG_RANDOM);

    CHECK(object_property_set_str(rng, "filename", "/nonexistent/rng", &error_abort));
    CHECK(!rng_backend_complete(RNG_BACKEND(rng), &err));
    CHECK_STR(error_get_pretty(err), "Could not open '/nonexistent/rng': No such file or "
                                     "directory");
    error_free(err);
    object_unref(rng);
}
