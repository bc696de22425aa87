/*
 * virtio-blk (virtio 1.2, 5.2) over a block backend: `-device
 * virtio-blk-device,drive=ID[,serial=S]` or `-drive if=virtio`.  One request
 * queue; IN, OUT, FLUSH, GET_ID, DISCARD and WRITE_ZEROES.  Data moves
 * through bounce buffers, so the I/O threads never touch guest memory; a
 * request completes (status byte, used ring, interrupt) on the main loop.
 * A FLUSH completes only after the backend's fdatasync.  Requests still in
 * flight at a device reset are dropped when they finish.
 */
#ifndef HW_VIRTIO_VIRTIO_BLK_H
#define HW_VIRTIO_VIRTIO_BLK_H

#include "block/block.h"
#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_BLK "virtio-blk-device"

/* Request types and status (5.2.6). */
#define VIRTIO_BLK_T_IN           0
#define VIRTIO_BLK_T_OUT          1
#define VIRTIO_BLK_T_FLUSH        4
#define VIRTIO_BLK_T_GET_ID       8
#define VIRTIO_BLK_T_DISCARD      11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX      2
#define VIRTIO_BLK_F_RO           5
#define VIRTIO_BLK_F_BLK_SIZE     6
#define VIRTIO_BLK_F_FLUSH        9
#define VIRTIO_BLK_F_DISCARD      13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_QUEUE_SIZE 256
#define VIRTIO_BLK_ID_BYTES   20
/* Largest data transfer of one request (bigger ones fail with IOERR). */
#define VIRTIO_BLK_MAX_REQUEST_BYTES (32u << 20)

typedef struct VirtioBlkState {
    VirtioDevice parent_obj;
    char *drive;               /* property: the -drive id */
    char *serial;              /* property: GET_ID's answer */
    BlockBackend *blk;
    VirtQueue *vq;
    uint32_t generation;       /* bumped at reset: stale completions are dropped */
    unsigned in_flight;
} VirtioBlkState;

DECLARE_INSTANCE_CHECKER(VirtioBlkState, VIRTIO_BLK, TYPE_VIRTIO_BLK)

#endif
