/*
 * virtio-net (virtio 1.2, 5.1) on a -netdev backend (net/net.h):
 * `-device virtio-net-device,netdev=ID[,mac=52:54:00:12:34:56]`.  Queue 0
 * receives, queue 1 transmits; no control queue and no offloads, so every
 * frame carries the 12-byte virtio_net_hdr_v1 with nothing but
 * num_buffers.  Mergeable receive buffers (VIRTIO_NET_F_MRG_RXBUF) spread a
 * frame over several buffers; the link is always up (VIRTIO_NET_F_STATUS).
 * When the guest has not posted enough receive buffers, the frame waits in
 * the backend's queue until it kicks the receive queue.
 */
#ifndef HW_VIRTIO_VIRTIO_NET_H
#define HW_VIRTIO_VIRTIO_NET_H

#include "hw/virtio/virtio.h"
#include "net/net.h"

#define TYPE_VIRTIO_NET "virtio-net-device"

#define VIRTIO_NET_F_MAC       5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS    16
#define VIRTIO_NET_S_LINK_UP   1

#define VIRTIO_NET_HDR_BYTES   12
#define VIRTIO_NET_QUEUE_SIZE  256

typedef struct VirtioNetState {
    VirtioDevice parent_obj;
    char *netdev;              /* property: the -netdev id */
    char *mac_text;            /* property "mac" */
    uint8_t mac[6];
    NetClient *nc;
    VirtQueue *rx, *tx;
    uint8_t tx_buf[VIRTIO_NET_HDR_BYTES + NET_FRAME_MAX];
} VirtioNetState;

DECLARE_INSTANCE_CHECKER(VirtioNetState, VIRTIO_NET, TYPE_VIRTIO_NET)

#endif
