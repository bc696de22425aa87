/*
 * The split-virtqueue walker and the virtio-mmio transport on the bench
 * (virtio_testbench.h) with a do-nothing test device: well-formed chains
 * direct and indirect, then malformed ones (loops, indexes out of range,
 * buffers outside RAM or wrapping, bad indirect tables, order violations,
 * an available index too far ahead), each of which must leave the device
 * in DEVICE_NEEDS_RESET with a config interrupt, and recover after a reset.
 * Also feature negotiation, queue setup checks and interrupt suppression.
 */
#include "hw/virtio/virtio_testbench.h"

#include "util/unittest.h"

#include <stdlib.h>

#define TYPE_VIRTIO_TEST "virtio-test-device"

static unsigned kicks;

static void test_handle(VirtioDevice *vdev, VirtQueue *vq)
{
    kicks++;
}

static bool test_realize(DeviceState *dev, Error **errp)
{
    VirtioDevice *vdev = VIRTIO_DEVICE(dev);

    virtio_init_config(vdev, 8);
    virtio_config_set_u32(vdev, 0, 0x11223344);
    virtio_add_queue(vdev, 16, test_handle);
    virtio_add_queue(vdev, 16, test_handle);
    return true;
}

static void test_class_init(ObjectClass *oc, const void *data)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    vdc->device_id = 42;
    vdc->realize = test_realize;
}

static const TypeInfo test_type = {
    .name = TYPE_VIRTIO_TEST,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtioDevice),
    .class_init = test_class_init,
};

static void test_register(void)
{
    type_register_static(&test_type);
}

type_init(test_register)

#define ALL_FEATURES (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC))

static VirtioBench bench;
static VirtioDevice *vdev;

static void setup(uint64_t features)
{
    vbench_init(&bench);
    vdev = VIRTIO_DEVICE(object_new(TYPE_VIRTIO_TEST));
    CHECK(device_realize(DEVICE(vdev), &error_abort));
    CHECK(vbench_driver_init(&bench, features, 2, 8));
    kicks = 0;
}

static void teardown(void)
{
    vbench_fini(&bench, DEVICE(vdev));
    vdev = NULL;
}

static VirtQueue *q0(void)
{
    return vdev->vq[0];
}

/* The device is broken the way the spec says: status bit, config interrupt. */
static void check_broken(void)
{
    VirtQueueElement *e;

    CHECK(vbench_read(&bench, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    CHECK(vbench_read(&bench, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_ISR_CONFIG);
    CHECK_INT(bench.level, 1);
    CHECK_INT(virtqueue_pop(q0(), &e), VIRTQUEUE_POP_BROKEN);
    CHECK(e == NULL);
}

static void check_pop_broken(void)
{
    VirtQueueElement *e;

    CHECK_INT(virtqueue_pop(q0(), &e), VIRTQUEUE_POP_BROKEN);
    check_broken();
}

UNITTEST(empty_slot_and_identity)
{
    VirtioBench b;

    vbench_init(&b);
    CHECK_U64(vbench_read(&b, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    CHECK_U64(vbench_read(&b, VIRTIO_MMIO_VERSION), 2);
    CHECK_U64(vbench_read(&b, VIRTIO_MMIO_DEVICE_ID), 0);
    CHECK_U64(vbench_read(&b, VIRTIO_MMIO_VENDOR_ID), 0x554d4551);
    vbench_write(&b, VIRTIO_MMIO_STATUS, 1);     /* ignored */
    CHECK_U64(vbench_read(&b, VIRTIO_MMIO_STATUS), 0);

    VirtioDevice *d = VIRTIO_DEVICE(object_new(TYPE_VIRTIO_TEST));
    CHECK(device_realize(DEVICE(d), &error_abort));
    CHECK_U64(vbench_read(&b, VIRTIO_MMIO_DEVICE_ID), 42);
    CHECK_U64(vbench_config_read(&b, 0, 4), 0x11223344);
    CHECK_U64(vbench_config_read(&b, 1, 1), 0x33);
    CHECK_U64(vbench_config_read(&b, 2, 2), 0x1122);
    CHECK_U64(vbench_config_read(&b, 8, 4), 0);    /* beyond: reads 0 */
    vbench_write(&b, VIRTIO_MMIO_QUEUE_SEL, 0);
    CHECK_U64(vbench_read(&b, VIRTIO_MMIO_QUEUE_NUM_MAX), 16);
    vbench_write(&b, VIRTIO_MMIO_QUEUE_SEL, 2);
    CHECK_U64(vbench_read(&b, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);

    /* A second device finds no free bus. */
    Error *err = NULL;
    VirtioDevice *d2 = VIRTIO_DEVICE(object_new(TYPE_VIRTIO_TEST));
    CHECK(!device_realize(DEVICE(d2), &err));
    CHECK(err && strstr(error_get_pretty(err), "No 'virtio-bus' bus found"));
    error_free(err);
    object_unref(d2);
    vbench_fini(&b, DEVICE(d));
}

UNITTEST(features_need_version_1)
{
    vbench_init(&bench);
    vdev = VIRTIO_DEVICE(object_new(TYPE_VIRTIO_TEST));
    CHECK(device_realize(DEVICE(vdev), &error_abort));
    vbench_write(&bench, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    CHECK(vbench_read(&bench, VIRTIO_MMIO_DEVICE_FEATURES) & 1);   /* bit 32 */
    CHECK(!vbench_driver_init(&bench, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC), 1, 8));
    CHECK(!(vbench_read(&bench, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK));
    CHECK(vbench_driver_init(&bench, ALL_FEATURES, 1, 8));
    CHECK_U64(vdev->guest_features, ALL_FEATURES);
    teardown();
}

UNITTEST(queue_setup_checks)
{
    setup(ALL_FEATURES);
    vbench_write(&bench, VIRTIO_MMIO_STATUS, 0);
    CHECK_U64(vbench_read(&bench, VIRTIO_MMIO_STATUS), 0);
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_SEL, 0);
    CHECK_U64(vbench_read(&bench, VIRTIO_MMIO_QUEUE_READY), 0);
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_NUM, 6);             /* not a power of 2 */
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)vbench_desc_addr(&bench, 0, 0));
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)vbench_avail_addr(0));
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)vbench_used_addr(0));
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_READY, 1);
    CHECK_U64(vbench_read(&bench, VIRTIO_MMIO_QUEUE_READY), 0);
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_NUM, 32);            /* above the maximum */
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_READY, 1);
    CHECK_U64(vbench_read(&bench, VIRTIO_MMIO_QUEUE_READY), 0);
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_NUM, 8);
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_DEVICE_LOW, 0x1000);   /* not RAM */
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_READY, 1);
    CHECK_U64(vbench_read(&bench, VIRTIO_MMIO_QUEUE_READY), 0);
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)vbench_used_addr(0));
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_READY, 1);
    CHECK_U64(vbench_read(&bench, VIRTIO_MMIO_QUEUE_READY), 1);
    /* Addresses are frozen while ready. */
    vbench_write(&bench, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x2000);
    CHECK_U64(vbench_read(&bench, VIRTIO_MMIO_QUEUE_DESC_LOW),
              (uint32_t)vbench_desc_addr(&bench, 0, 0));
    teardown();
}

UNITTEST(simple_chain_round_trip)
{
    VirtQueueElement *e;
    uint8_t buf[32];
    uint32_t id, len;

    setup(ALL_FEATURES);
    GuestPaddr out = vbench_alloc(&bench, 16), in = vbench_alloc(&bench, 8);
    vbench_poke(&bench, out, "0123456789abcdef", 16);
    VbSeg segs[] = { { out, 10, false }, { out + 10, 6, false }, { in, 8, true } };
    uint16_t head = vbench_add_chain(&bench, 0, segs, 3);
    vbench_kick(&bench, 0);
    CHECK_INT(kicks, 1);
    vbench_kick(&bench, 5);                 /* no such queue: ignored */
    CHECK_INT(kicks, 1);

    CHECK_INT(virtqueue_pop(q0(), &e), VIRTQUEUE_POP_OK);
    CHECK_INT(e->index, head);
    CHECK_INT(e->out_num, 2);
    CHECK_INT(e->in_num, 1);
    CHECK_U64(e->out_bytes, 16);
    CHECK_U64(e->in_bytes, 8);
    CHECK_U64(virtqueue_elem_read(q0(), e, 4, buf, 32), 12);
    CHECK(memcmp(buf, "456789abcdef", 12) == 0);
    CHECK_U64(virtqueue_elem_write(q0(), e, 2, "XYZWVUTS", 8), 6);
    vbench_peek(&bench, in, buf, 8);
    CHECK(memcmp(buf + 2, "XYZWVU", 6) == 0);
    CHECK(virtqueue_empty(q0()));
    VirtQueueElement *none;
    CHECK_INT(virtqueue_pop(q0(), &none), VIRTQUEUE_POP_EMPTY);

    CHECK_INT(bench.level, 0);
    virtqueue_push(q0(), e, 8);
    free(e);
    CHECK_INT(bench.level, 1);
    CHECK_U64(vbench_read(&bench, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_ISR_USED_BUFFER);
    CHECK(vbench_pop_used(&bench, 0, &id, &len));
    CHECK_INT(id, head);
    CHECK_INT(len, 8);
    vbench_write(&bench, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_USED_BUFFER);
    CHECK_INT(bench.level, 0);
    teardown();
}

UNITTEST(indirect_table)
{
    VirtQueueElement *e;
    setup(ALL_FEATURES);
    GuestPaddr table = vbench_alloc(&bench, 48), buf = vbench_alloc(&bench, 64);
    uint8_t d[48] = { 0 };

    /* Three entries: out 16, in 16 via next=2, then in 32 (entry 1). */
    struct { uint64_t a; uint32_t l; uint16_t f, n; } ent[3] = {
        { buf, 16, VRING_DESC_F_NEXT, 2 },
        { buf + 32, 32, VRING_DESC_F_WRITE, 0 },
        { buf + 16, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1 },
    };
    for (int i = 0; i < 3; i++) {
        memcpy(d + 16 * i, &ent[i].a, 8);
        memcpy(d + 16 * i + 8, &ent[i].l, 4);
        memcpy(d + 16 * i + 12, &ent[i].f, 2);
        memcpy(d + 16 * i + 14, &ent[i].n, 2);
    }
    vbench_poke(&bench, table, d, 48);
    vbench_write_desc(&bench, 0, 3, table, 48, VRING_DESC_F_INDIRECT, 0);
    vbench_publish(&bench, 0, 3);
    CHECK_INT(virtqueue_pop(q0(), &e), VIRTQUEUE_POP_OK);
    CHECK_INT(e->index, 3);
    CHECK_INT(e->out_num, 1);
    CHECK_INT(e->in_num, 2);
    CHECK_U64(e->in[0].addr, buf + 16);
    CHECK_U64(e->in[1].addr, buf + 32);
    CHECK_U64(e->in_bytes, 48);
    free(e);
    teardown();
}

/* Each malformed shape, on a fresh device. */
static void malformed(void (*shape)(void), uint64_t features)
{
    setup(features);
    shape();
    check_pop_broken();
    /* A reset clears it; the queue works again after re-initialisation. */
    CHECK(vbench_driver_init(&bench, features, 2, 8));
    CHECK(!(vbench_read(&bench, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
    GuestPaddr a = vbench_alloc(&bench, 8);
    VbSeg ok = { a, 8, true };
    vbench_add_chain(&bench, 0, &ok, 1);
    VirtQueueElement *e;
    CHECK_INT(virtqueue_pop(q0(), &e), VIRTQUEUE_POP_OK);
    free(e);
    teardown();
}

static void shape_loop(void)
{
    GuestPaddr a = vbench_alloc(&bench, 8);
    vbench_write_desc(&bench, 0, 0, a, 8, VRING_DESC_F_NEXT, 1);
    vbench_write_desc(&bench, 0, 1, a, 8, VRING_DESC_F_NEXT, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_self_loop(void)
{
    GuestPaddr a = vbench_alloc(&bench, 8);
    vbench_write_desc(&bench, 0, 5, a, 8, VRING_DESC_F_NEXT, 5);
    vbench_publish(&bench, 0, 5);
}

static void shape_next_out_of_range(void)
{
    GuestPaddr a = vbench_alloc(&bench, 8);
    vbench_write_desc(&bench, 0, 0, a, 8, VRING_DESC_F_NEXT, 8);
    vbench_publish(&bench, 0, 0);
}

static void shape_head_out_of_range(void)
{
    vbench_publish(&bench, 0, 200);
}

static void shape_buffer_not_ram(void)
{
    vbench_write_desc(&bench, 0, 0, 0x1000, 8, 0, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_buffer_past_ram(void)
{
    vbench_write_desc(&bench, 0, 0, VBENCH_RAM_BASE + VBENCH_RAM_SIZE - 4, 8, 0, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_buffer_wraps(void)
{
    vbench_write_desc(&bench, 0, 0, 0xffffffffffffff00ULL, 0x200, VRING_DESC_F_WRITE, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_huge_len(void)
{
    vbench_write_desc(&bench, 0, 0, VBENCH_RAM_BASE, 0xffffffff, VRING_DESC_F_WRITE, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_zero_len(void)
{
    vbench_write_desc(&bench, 0, 0, VBENCH_RAM_BASE + 0x90000, 0, 0, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_read_after_write(void)
{
    GuestPaddr a = vbench_alloc(&bench, 16);
    vbench_write_desc(&bench, 0, 0, a, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    vbench_write_desc(&bench, 0, 1, a + 8, 8, 0, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_avail_too_far(void)
{
    uint8_t idx[2] = { 9, 0 };      /* 9 ahead of 0 on a queue of 8 */
    vbench_poke(&bench, vbench_avail_addr(0) + 2, idx, 2);
}

static void shape_indirect_bad_size(void)
{
    GuestPaddr t = vbench_alloc(&bench, 64);
    vbench_write_desc(&bench, 0, 0, t, 20, VRING_DESC_F_INDIRECT, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_indirect_empty(void)
{
    GuestPaddr t = vbench_alloc(&bench, 64);
    vbench_write_desc(&bench, 0, 0, t, 0, VRING_DESC_F_INDIRECT, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_indirect_too_big(void)
{
    vbench_write_desc(&bench, 0, 0, VBENCH_RAM_BASE, 16 * (VIRTQUEUE_MAX_SIZE + 1),
                      VRING_DESC_F_INDIRECT, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_indirect_with_next(void)
{
    GuestPaddr t = vbench_alloc(&bench, 16), a = vbench_alloc(&bench, 8);
    uint8_t d[16] = { 0 };
    uint64_t addr = a;
    uint32_t len = 8;
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    vbench_poke(&bench, t, d, 16);
    vbench_write_desc(&bench, 0, 0, t, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
    vbench_write_desc(&bench, 0, 1, a, 8, 0, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_indirect_nested(void)
{
    GuestPaddr t = vbench_alloc(&bench, 16);
    uint8_t d[16] = { 0 };
    uint64_t addr = t;
    uint32_t len = 16;
    uint16_t flags = VRING_DESC_F_INDIRECT;
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    vbench_poke(&bench, t, d, 16);
    vbench_write_desc(&bench, 0, 0, t, 16, VRING_DESC_F_INDIRECT, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_indirect_loop(void)
{
    GuestPaddr t = vbench_alloc(&bench, 32), a = vbench_alloc(&bench, 8);
    uint8_t d[32] = { 0 };
    for (int i = 0; i < 2; i++) {
        uint64_t addr = a;
        uint32_t len = 8;
        uint16_t flags = VRING_DESC_F_NEXT, next = (uint16_t)(1 - i);
        memcpy(d + 16 * i, &addr, 8);
        memcpy(d + 16 * i + 8, &len, 4);
        memcpy(d + 16 * i + 12, &flags, 2);
        memcpy(d + 16 * i + 14, &next, 2);
    }
    vbench_poke(&bench, t, d, 32);
    vbench_write_desc(&bench, 0, 0, t, 32, VRING_DESC_F_INDIRECT, 0);
    vbench_publish(&bench, 0, 0);
}

static void shape_indirect_table_not_ram(void)
{
    vbench_write_desc(&bench, 0, 0, 0x2000, 32, VRING_DESC_F_INDIRECT, 0);
    vbench_publish(&bench, 0, 0);
}

UNITTEST(malformed_chains_need_reset)
{
    malformed(shape_loop, ALL_FEATURES);
    malformed(shape_self_loop, ALL_FEATURES);
    malformed(shape_next_out_of_range, ALL_FEATURES);
    malformed(shape_head_out_of_range, ALL_FEATURES);
    malformed(shape_buffer_not_ram, ALL_FEATURES);
    malformed(shape_buffer_past_ram, ALL_FEATURES);
    malformed(shape_buffer_wraps, ALL_FEATURES);
    malformed(shape_huge_len, ALL_FEATURES);
    malformed(shape_zero_len, ALL_FEATURES);
    malformed(shape_read_after_write, ALL_FEATURES);
    malformed(shape_avail_too_far, ALL_FEATURES);
}

UNITTEST(malformed_indirect_need_reset)
{
    malformed(shape_indirect_bad_size, ALL_FEATURES);
    malformed(shape_indirect_empty, ALL_FEATURES);
    malformed(shape_indirect_too_big, ALL_FEATURES);
    malformed(shape_indirect_with_next, ALL_FEATURES);
    malformed(shape_indirect_nested, ALL_FEATURES);
    malformed(shape_indirect_loop, ALL_FEATURES);
    malformed(shape_indirect_table_not_ram, ALL_FEATURES);
    /* Indirect without having negotiated it. */
    malformed(shape_indirect_bad_size, VIRTIO_BIT(VIRTIO_F_VERSION_1));
}

UNITTEST(broken_device_ignores_kicks_and_driver_cannot_clear)
{
    setup(ALL_FEATURES);
    shape_loop();
    vbench_kick(&bench, 0);
    CHECK_INT(kicks, 1);
    check_pop_broken();
    vbench_kick(&bench, 0);
    CHECK_INT(kicks, 1);    /* no more handler calls once broken */
    uint32_t st = vbench_read(&bench, VIRTIO_MMIO_STATUS);
    vbench_write(&bench, VIRTIO_MMIO_STATUS, st & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    CHECK(vbench_read(&bench, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    teardown();
}

UNITTEST(no_interrupt_flag)
{
    VirtQueueElement *e;
    uint8_t flags[2] = { VRING_AVAIL_F_NO_INTERRUPT, 0 };

    setup(ALL_FEATURES);
    vbench_poke(&bench, vbench_avail_addr(0), flags, 2);
    VbSeg s = { vbench_alloc(&bench, 8), 8, true };
    vbench_add_chain(&bench, 0, &s, 1);
    CHECK_INT(virtqueue_pop(q0(), &e), VIRTQUEUE_POP_OK);
    virtqueue_push(q0(), e, 0);
    free(e);
    CHECK_INT(bench.level, 0);
    /* Used-ring notification suppression the other way. */
    virtqueue_set_notification(q0(), false);
    uint8_t uf[2];
    vbench_peek(&bench, vbench_used_addr(0), uf, 2);
    CHECK_INT(uf[0], VRING_USED_F_NO_NOTIFY);
    virtqueue_set_notification(q0(), true);
    vbench_peek(&bench, vbench_used_addr(0), uf, 2);
    CHECK_INT(uf[0], 0);
    teardown();
}

UNITTEST(event_idx)
{
    VirtQueueElement *e;
    uint8_t ev[2];

    setup(ALL_FEATURES | VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
    GuestPaddr used_event = vbench_avail_addr(0) + 4 + 2 * 8;
    GuestPaddr avail_event = vbench_used_addr(0) + 4 + 8 * 8;
    VbSeg s = { vbench_alloc(&bench, 8), 8, true };

    /* The first push always interrupts; later ones only when used_event is crossed. */
    for (int i = 0; i < 3; i++) {
        vbench_add_chain(&bench, 0, &s, 1);
    }
    ev[0] = 2;
    ev[1] = 0;
    vbench_poke(&bench, used_event, ev, 2);
    CHECK_INT(virtqueue_pop(q0(), &e), VIRTQUEUE_POP_OK);
    vbench_peek(&bench, avail_event, ev, 2);
    CHECK_INT(ev[0], 1);                    /* we told the driver where we are */
    virtqueue_push(q0(), e, 0);              /* used 0 -> 1: first, interrupts */
    free(e);
    CHECK_INT(bench.level, 1);
    vbench_write(&bench, VIRTIO_MMIO_INTERRUPT_ACK, 1);
    CHECK_INT(virtqueue_pop(q0(), &e), VIRTQUEUE_POP_OK);
    virtqueue_push(q0(), e, 0);              /* 1 -> 2: used_event 2 not crossed */
    free(e);
    CHECK_INT(bench.level, 0);
    CHECK_INT(virtqueue_pop(q0(), &e), VIRTQUEUE_POP_OK);
    virtqueue_push(q0(), e, 0);              /* 2 -> 3: crosses used_event 2 */
    free(e);
    CHECK_INT(bench.level, 1);
    teardown();
}

UNITTEST(reset_lowers_irq_and_clears_queues)
{
    VirtQueueElement *e;

    setup(ALL_FEATURES);
    VbSeg s = { vbench_alloc(&bench, 8), 8, true };
    vbench_add_chain(&bench, 0, &s, 1);
    CHECK_INT(virtqueue_pop(q0(), &e), VIRTQUEUE_POP_OK);
    virtqueue_push(q0(), e, 0);
    free(e);
    CHECK_INT(bench.level, 1);
    vbench_write(&bench, VIRTIO_MMIO_STATUS, 0);
    CHECK_INT(bench.level, 0);
    CHECK(!q0()->ready);
    CHECK_INT(q0()->last_avail_idx, 0);
    CHECK_INT(vdev->guest_features, 0);
    teardown();
}
