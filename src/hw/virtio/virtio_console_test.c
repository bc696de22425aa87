/*
 * virtio-serial (one console port) on the bench with a file chardev:
 * guest output lands in the file; host input fills posted receive buffers
 * (and waits, unread, while there are none); both spellings attach the
 * port (virtconsole,chardev= and the chardev= shorthand), with QEMU's
 * errors when the bus or the chardev is missing.
 */
#include "hw/virtio/virtio_console.h"
#include "hw/virtio/virtio_testbench.h"

#include "util/unittest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FEATURES VIRTIO_BIT(VIRTIO_F_VERSION_1)

static Chardev *file_chardev(const char *id, char *path)
{
    ChardevOptions o;

    strcpy(path, "/tmp/morpho-vcon-XXXXXX");
    close(mkstemp(path));
    chardev_options_init(&o);
    o.id = id;
    o.backend = "file";
    o.path = path;
    return chardev_new(&o, &error_abort);
}

UNITTEST(output_and_input_shorthand)
{
    char path[64], out[64] = { 0 };
    VirtioBench b;
    uint32_t id, len;
    Chardev *chr = file_chardev("con0", path);

    vbench_init(&b);
    DeviceState *d = DEVICE(object_new(TYPE_VIRTIO_SERIAL));
    CHECK(object_property_parse(OBJECT(d), "chardev", "con0", &error_abort));
    CHECK(device_realize(d, &error_abort));
    CHECK_U64(vbench_read(&b, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
    CHECK_U64(vbench_config_read(&b, 4, 4), 1);
    CHECK(vbench_driver_init(&b, FEATURES, 2, 16));

    /* Guest → host. */
    GuestPaddr t = vbench_alloc(&b, 16);
    vbench_poke(&b, t, "hello hvc0\n", 11);
    VbSeg s = { t, 11, false };
    vbench_add_chain(&b, 1, &s, 1);
    vbench_kick(&b, 1);
    CHECK(vbench_pop_used(&b, 1, &id, &len));
    FILE *f = fopen(path, "r");
    CHECK(f && fread(out, 1, sizeof(out), f) == 11);
    fclose(f);
    CHECK_STR(out, "hello hvc0\n");

    /* Host → guest: nothing posted yet, so nothing is taken. */
    CHECK_INT(chardev_be_can_read(chr), 0);
    GuestPaddr r = vbench_alloc(&b, 8);
    VbSeg rs = { r, 8, true };
    vbench_add_chain(&b, 0, &rs, 1);
    vbench_kick(&b, 0);
    CHECK_INT(chardev_be_can_read(chr), 8);
    chardev_be_read(chr, (const uint8_t *)"ls\n", 3);
    CHECK(vbench_pop_used(&b, 0, &id, &len));
    CHECK_INT(len, 3);
    char in[4] = { 0 };
    vbench_peek(&b, r, in, 3);
    CHECK_STR(in, "ls\n");
    CHECK_INT(chardev_be_can_read(chr), 0);

    vbench_fini(&b, d);
    chardev_delete(chr);
    unlink(path);
}

UNITTEST(virtconsole_attaches_to_the_last_serial)
{
    char path[64];
    VirtioBench b;
    Error *err = NULL;

    vbench_init(&b);
    DeviceState *c = DEVICE(object_new(TYPE_VIRTCONSOLE));
    CHECK(object_property_parse(OBJECT(c), "chardev", "con1", &error_abort));
    CHECK(!device_realize(c, &err));
    CHECK_STR(error_get_pretty(err), "No 'virtio-serial-bus' bus found for device 'virtconsole'");
    error_free(err);
    err = NULL;

    DeviceState *d = DEVICE(object_new(TYPE_VIRTIO_SERIAL));
    CHECK(device_realize(d, &error_abort));
    CHECK(!device_realize(c, &err));
    CHECK_STR(error_get_pretty(err), "Property 'virtconsole.chardev' can't find value 'con1'");
    error_free(err);
    Chardev *chr = file_chardev("con1", path);
    CHECK(device_realize(c, &error_abort));
    CHECK(VIRTIO_SERIAL(d)->chr.chr == chr);
    object_unref(c);
    vbench_fini(&b, d);
    chardev_delete(chr);
    unlink(path);
}
