/*
 * virtio-net on the bench with a capturing fake backend: config space (MAC,
 * link up), transmit (the header is stripped, the frame reaches the
 * backend), receive into mergeable buffers (num_buffers, lengths, data),
 * a frame waiting for buffers until the driver kicks the receive queue, a
 * frame that needs more buffers than posted (all go back, none is used),
 * and receive without MRG_RXBUF.
 */
#include "hw/virtio/virtio_net.h"
#include "hw/virtio/virtio_testbench.h"

#include "util/unittest.h"

#include <stdlib.h>
#include <string.h>

#define BASE_FEATURES (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_MAC) | \
                       VIRTIO_BIT(VIRTIO_NET_F_STATUS))
#define RXQ 0
#define TXQ 1

typedef struct FakeNet {
    NetClient nc;
    uint8_t sent[2048];
    size_t sent_len;
    unsigned sends;
} FakeNet;

static ssize_t fake_send(NetClient *nc, const uint8_t *buf, size_t len)
{
    FakeNet *f = (FakeNet *)nc;
    memcpy(f->sent, buf, len);
    f->sent_len = len;
    f->sends++;
    return (ssize_t)len;
}

static void fake_cleanup(NetClient *nc)
{
    free(nc);
}

static const NetClientOps fake_ops = { "fake", fake_send, NULL, fake_cleanup };

static VirtioBench bench;
static VirtioNetState *netdev;
static FakeNet *fake;

static void setup(uint64_t features)
{
    fake = calloc(1, sizeof(*fake));
    net_client_register(&fake->nc, &fake_ops, "fake0");
    vbench_init(&bench);
    netdev = VIRTIO_NET(object_new(TYPE_VIRTIO_NET));
    CHECK(object_property_parse(OBJECT(netdev), "netdev", "fake0", &error_abort));
    CHECK(object_property_parse(OBJECT(netdev), "mac", "52:54:00:ab:cd:ef", &error_abort));
    CHECK(device_realize(DEVICE(netdev), &error_abort));
    CHECK(vbench_driver_init(&bench, features, 2, 16));
}

static void teardown(void)
{
    vbench_fini(&bench, DEVICE(netdev));
    net_client_destroy(&fake->nc);
}

static GuestPaddr post_rx(uint32_t len)
{
    GuestPaddr a = vbench_alloc(&bench, len);
    VbSeg s = { a, len, true };
    vbench_add_chain(&bench, RXQ, &s, 1);
    return a;
}

static void frame(uint8_t *f, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        f[i] = (uint8_t)(i * 13 + 1);
    }
}

UNITTEST(config_space)
{
    setup(BASE_FEATURES);
    CHECK_U64(vbench_read(&bench, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
    CHECK_U64(vbench_config_read(&bench, 0, 1), 0x52);
    CHECK_U64(vbench_config_read(&bench, 5, 1), 0xef);
    CHECK_U64(vbench_config_read(&bench, 6, 2), VIRTIO_NET_S_LINK_UP);
    teardown();
}

UNITTEST(transmit_strips_the_header)
{
    uint8_t pkt[12 + 60] = { 0 };
    uint32_t id, len;

    setup(BASE_FEATURES);
    frame(pkt + 12, 60);
    GuestPaddr h = vbench_alloc(&bench, 12), d = vbench_alloc(&bench, 60);
    vbench_poke(&bench, h, pkt, 12);
    vbench_poke(&bench, d, pkt + 12, 60);
    VbSeg segs[] = { { h, 12, false }, { d, 60, false } };
    uint16_t head = vbench_add_chain(&bench, TXQ, segs, 2);
    vbench_kick(&bench, TXQ);
    CHECK_INT(fake->sends, 1);
    CHECK_INT(fake->sent_len, 60);
    CHECK(memcmp(fake->sent, pkt + 12, 60) == 0);
    CHECK(vbench_pop_used(&bench, TXQ, &id, &len));
    CHECK_INT(id, head);
    CHECK_INT(len, 0);
    teardown();
}

UNITTEST(receive_into_mergeable_buffers)
{
    uint8_t f[100], got[120];
    uint32_t id, len;

    setup(BASE_FEATURES | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
    GuestPaddr b0 = post_rx(40), b1 = post_rx(40), b2 = post_rx(40);
    frame(f, sizeof(f));
    CHECK(net_client_deliver(&fake->nc, f, sizeof(f)));
    CHECK(vbench_pop_used(&bench, RXQ, &id, &len));
    CHECK_INT(len, 40);
    CHECK(vbench_pop_used(&bench, RXQ, &id, &len));
    CHECK_INT(len, 40);
    CHECK(vbench_pop_used(&bench, RXQ, &id, &len));
    CHECK_INT(len, 32);
    vbench_peek(&bench, b0, got, 40);
    vbench_peek(&bench, b1, got + 40, 40);
    vbench_peek(&bench, b2, got + 80, 32);
    CHECK_INT(got[10], 3);            /* num_buffers */
    CHECK_INT(got[11], 0);
    CHECK(memcmp(got + 12, f, 100) == 0);
    CHECK_INT(bench.level, 1);
    teardown();
}

UNITTEST(frame_waits_for_buffers)
{
    uint8_t f[64], got[76];
    uint32_t id, len;

    setup(BASE_FEATURES | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
    frame(f, sizeof(f));
    CHECK(net_client_deliver(&fake->nc, f, sizeof(f)));
    CHECK_INT(fake->nc.queue_len, 1);
    /* One buffer too small for the frame: it goes back unused. */
    post_rx(40);
    vbench_kick(&bench, RXQ);
    CHECK_INT(fake->nc.queue_len, 1);
    CHECK(!vbench_pop_used(&bench, RXQ, &id, &len));
    CHECK_INT(netdev->rx->last_avail_idx, 0);
    GuestPaddr b1 = post_rx(40);
    vbench_kick(&bench, RXQ);
    CHECK_INT(fake->nc.queue_len, 0);
    CHECK(vbench_pop_used(&bench, RXQ, &id, &len));
    CHECK_INT(len, 40);
    CHECK(vbench_pop_used(&bench, RXQ, &id, &len));
    CHECK_INT(len, 36);
    vbench_peek(&bench, b1, got, 36);
    CHECK(memcmp(got, f + 28, 36) == 0);
    teardown();
}

UNITTEST(receive_without_mergeable_buffers)
{
    uint8_t f[200], got[212];
    uint32_t id, len;

    setup(BASE_FEATURES);
    GuestPaddr b = post_rx(1526);
    frame(f, sizeof(f));
    CHECK(net_client_deliver(&fake->nc, f, sizeof(f)));
    CHECK(vbench_pop_used(&bench, RXQ, &id, &len));
    CHECK_INT(len, 212);
    vbench_peek(&bench, b, got, 212);
    CHECK_INT(got[10], 1);
    CHECK(memcmp(got + 12, f, 200) == 0);
    teardown();
}

UNITTEST(bad_netdev_and_mac)
{
    VirtioBench b;
    Error *err = NULL;

    vbench_init(&b);
    DeviceState *d = DEVICE(object_new(TYPE_VIRTIO_NET));
    CHECK(object_property_parse(OBJECT(d), "netdev", "nope", &error_abort));
    CHECK(!device_realize(d, &err));
    CHECK_STR(error_get_pretty(err), "Property 'virtio-net-device.netdev' can't find value 'nope'");
    error_free(err);
    object_unref(d);
    err = NULL;
    d = DEVICE(object_new(TYPE_VIRTIO_NET));
    CHECK(object_property_parse(OBJECT(d), "mac", "52:54:zz", &error_abort));
    CHECK(!device_realize(d, &err));
    CHECK(err != NULL);
    error_free(err);
    object_unref(d);
    vbench_fini(&b, NULL);
}
