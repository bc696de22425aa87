/*
 * virtio-net (virtio 1.2, 5.1; QEMU's hw/net/virtio-net.c for behaviour),
 * see virtio_net.h.  Receive: a frame is written as header + data into as
 * many popped buffers as it needs (one without MRG_RXBUF), num_buffers is
 * patched into the first, and all are published with one used-index
 * update; if the buffers run out half-way, every popped one goes back and
 * the frame is refused (the backend queues it).  Transmit: each chain is
 * one frame behind a header the device ignores.
 */
#include "hw/virtio/virtio_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/virtio/virtqueue.h"
#include "util/log.h"

#define NET_CFG_MAC     0
#define NET_CFG_STATUS  6
#define NET_CFG_MAX_VQP 8
#define NET_CFG_BYTES   10

/* QEMU's default MACs: 52:54:00:12:34:56, then :57... per NIC. */
static unsigned virtio_net_mac_index;

static bool virtio_net_can_receive(void *opaque)
{
    VirtioNetState *s = opaque;
    VirtioDevice *vdev = VIRTIO_DEVICE(s);

    if (!(vdev->status & VIRTIO_STATUS_DRIVER_OK) || vdev->broken || !s->rx->ready) {
        return false;
    }
    if (virtqueue_empty(s->rx)) {
        /* Ask for a kick when buffers arrive. */
        virtqueue_set_notification(s->rx, true);
        return !virtqueue_empty(s->rx);
    }
    return true;
}

static size_t virtio_net_receive(void *opaque, const uint8_t *buf, size_t len)
{
    VirtioNetState *s = opaque;
    VirtioDevice *vdev = VIRTIO_DEVICE(s);
    bool mrg = virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF);
    uint8_t hdr[VIRTIO_NET_HDR_BYTES] = { 0 };
    VirtQueueElement *elems[VIRTIO_NET_QUEUE_SIZE];
    uint32_t lens[VIRTIO_NET_QUEUE_SIZE];
    size_t done = 0;
    unsigned n = 0;

    if (!virtio_net_can_receive(s)) {
        return 0;
    }
    while (done < len || n == 0) {
        VirtQueueElement *e;
        if (n == VIRTIO_NET_QUEUE_SIZE || (n > 0 && !mrg) ||
            virtqueue_pop(s->rx, &e) != VIRTQUEUE_POP_OK) {
            break;
        }
        elems[n] = e;
        uint64_t room = e->in_bytes;
        uint64_t off = 0;
        if (n == 0) {
            if (room < VIRTIO_NET_HDR_BYTES) {
                virtio_error(vdev, "virtio-net receive buffer smaller than the header");
                for (unsigned i = 0; i <= n; i++) {
                    free(elems[i]);
                }
                return len;    /* the device is broken; the frame is gone */
            }
            off = VIRTIO_NET_HDR_BYTES;
        }
        uint64_t chunk = room - off < len - done ? room - off : len - done;
        if (chunk && virtqueue_elem_write(s->rx, e, off, buf + done, chunk) != chunk) {
            for (unsigned i = 0; i <= n; i++) {
                free(elems[i]);
            }
            return len;
        }
        done += chunk;
        lens[n] = (uint32_t)(off + chunk);
        n++;
    }
    if (done < len && (mrg || n == 0)) {
        /* Not enough buffers: give them all back, in reverse. */
        for (unsigned i = n; i-- > 0;) {
            virtqueue_unpop(s->rx, elems[i]);
            free(elems[i]);
        }
        virtqueue_set_notification(s->rx, true);
        return 0;
    }
    if (done < len) {
        log_mask_printf(LOG_GUEST_ERRORS, "virtio-net: %zu-byte frame truncated to %zu (no "
                        "mergeable buffers)\n", len, done);
    }
    hdr[10] = (uint8_t)n;
    hdr[11] = (uint8_t)(n >> 8);
    virtqueue_elem_write(s->rx, elems[0], 0, hdr, VIRTIO_NET_HDR_BYTES);
    for (unsigned i = 0; i < n; i++) {
        virtqueue_fill(s->rx, elems[i], lens[i], i);
        free(elems[i]);
    }
    virtqueue_flush(s->rx, n);
    virtqueue_notify(s->rx);
    return len;
}

static void virtio_net_handle_rx(VirtioDevice *vdev, VirtQueue *vq)
{
    VirtioNetState *s = VIRTIO_NET(vdev);

    if (s->nc) {
        net_client_rx_ready(s->nc);
    }
}

static void virtio_net_flush_tx(VirtioNetState *s)
{
    VirtioDevice *vdev = VIRTIO_DEVICE(s);
    VirtQueueElement *e;

    do {
        virtqueue_set_notification(s->tx, false);
        while (virtqueue_pop(s->tx, &e) == VIRTQUEUE_POP_OK) {
            if (e->out_bytes < VIRTIO_NET_HDR_BYTES || e->out_bytes > sizeof(s->tx_buf)) {
                virtio_error(vdev, "virtio-net transmit of %llu bytes (header %u, max %zu)",
                             (unsigned long long)e->out_bytes, VIRTIO_NET_HDR_BYTES,
                             sizeof(s->tx_buf));
                free(e);
                return;
            }
            uint64_t n = virtqueue_elem_read(s->tx, e, 0, s->tx_buf, e->out_bytes);
            if (n != e->out_bytes) {
                free(e);
                return;
            }
            if (s->nc && n > VIRTIO_NET_HDR_BYTES) {
                net_client_send(s->nc, s->tx_buf + VIRTIO_NET_HDR_BYTES,
                                n - VIRTIO_NET_HDR_BYTES);
            }
            virtqueue_push(s->tx, e, 0);
            free(e);
        }
        virtqueue_set_notification(s->tx, true);
    } while (!vdev->broken && !virtqueue_empty(s->tx));
}

static void virtio_net_handle_tx(VirtioDevice *vdev, VirtQueue *vq)
{
    virtio_net_flush_tx(VIRTIO_NET(vdev));
}

static void virtio_net_set_status(VirtioDevice *vdev, uint8_t status)
{
    VirtioNetState *s = VIRTIO_NET(vdev);

    if ((status & VIRTIO_STATUS_DRIVER_OK) && s->nc) {
        net_client_rx_ready(s->nc);
    }
}

/* ---- life cycle ------------------------------------------------------------ */

static bool virtio_net_parse_mac(const char *text, uint8_t mac[6])
{
    unsigned v[6];
    char extra;

    if (sscanf(text, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
               &extra) != 6) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        if (v[i] > 0xff) {
            return false;
        }
        mac[i] = (uint8_t)v[i];
    }
    return true;
}

static bool virtio_net_realize(DeviceState *dev, Error **errp)
{
    VirtioNetState *s = VIRTIO_NET(dev);
    VirtioDevice *vdev = VIRTIO_DEVICE(dev);
    NetFrontend fe = { virtio_net_can_receive, virtio_net_receive, s };

    if (s->mac_text) {
        if (!virtio_net_parse_mac(s->mac_text, s->mac)) {
            error_setg(errp, "Property '%s.mac' doesn't take value '%s'", TYPE_VIRTIO_NET,
                       s->mac_text);
            return false;
        }
    } else {
        static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
        memcpy(s->mac, base, 6);
        s->mac[5] = (uint8_t)(base[5] + virtio_net_mac_index++);
    }
    if (s->netdev) {
        NetClient *nc = net_client_find(s->netdev);
        if (!nc) {
            error_setg(errp, "Property '%s.netdev' can't find value '%s'", TYPE_VIRTIO_NET,
                       s->netdev);
            return false;
        }
        if (!net_client_attach(nc, &fe, errp)) {
            return false;
        }
        s->nc = nc;
    }
    vdev->name = "virtio-net";
    if (!s->rx) {
        virtio_init_config(vdev, NET_CFG_BYTES);
        s->rx = virtio_add_queue(vdev, VIRTIO_NET_QUEUE_SIZE, virtio_net_handle_rx);
        s->tx = virtio_add_queue(vdev, VIRTIO_NET_QUEUE_SIZE, virtio_net_handle_tx);
    }
    for (int i = 0; i < 6; i++) {
        virtio_config_set_u8(vdev, NET_CFG_MAC + (uint32_t)i, s->mac[i]);
    }
    virtio_config_set_u16(vdev, NET_CFG_STATUS, VIRTIO_NET_S_LINK_UP);
    virtio_config_set_u16(vdev, NET_CFG_MAX_VQP, 1);
    return true;
}

static void virtio_net_unrealize(DeviceState *dev)
{
    VirtioNetState *s = VIRTIO_NET(dev);

    if (s->nc) {
        net_client_detach(s->nc);
        s->nc = NULL;
    }
}

static uint64_t virtio_net_get_features(VirtioDevice *vdev)
{
    return VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
           VIRTIO_BIT(VIRTIO_NET_F_STATUS);
}

static void virtio_net_finalize(Object *obj)
{
    virtio_net_unrealize(DEVICE(obj));
}

static const Property virtio_net_props[] = {
    DEFINE_PROP_STRING("netdev", VirtioNetState, netdev, NULL, "the -netdev id of the backend"),
    DEFINE_PROP_STRING("mac", VirtioNetState, mac_text, NULL,
                       "MAC address (default 52:54:00:12:34:56, then :57...)"),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_net_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "virtio network device (virtio-mmio)";
    device_class_set_category(dc, DEVICE_CATEGORY_NETWORK);
    device_class_set_props(dc, virtio_net_props);
    vdc->device_id = VIRTIO_ID_NET;
    vdc->realize = virtio_net_realize;
    vdc->unrealize = virtio_net_unrealize;
    vdc->get_features = virtio_net_get_features;
    vdc->set_status = virtio_net_set_status;
}

static const TypeInfo virtio_net_type = {
    .name = TYPE_VIRTIO_NET,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtioNetState),
    .instance_finalize = virtio_net_finalize,
    .class_init = virtio_net_class_init,
};

static void virtio_net_register_types(void)
{
    type_register_static(&virtio_net_type);
}

type_init(virtio_net_register_types)
