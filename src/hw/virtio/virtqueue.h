/*
 * Split virtqueues (virtio 1.2, 2.7): the descriptor table, the driver
 * ("available") ring and the device ("used") ring, all in guest memory and
 * reached only through the DMA helpers of memory/dma.h.
 *
 * virtqueue_pop() walks one descriptor chain into a VirtQueueElement: the
 * guest-physical segments the device reads (out) then writes (in).  The
 * walker trusts nothing: an available index more than the queue size ahead,
 * a head or next index out of range, a chain longer than the queue (a
 * loop), an indirect table that is empty, not a multiple of 16 bytes,
 * bigger than VIRTQUEUE_MAX_SIZE entries, nested or combined with NEXT, a
 * readable descriptor after a writable one, and any segment the DMA layer
 * refuses all end in virtio_error() (DEVICE_NEEDS_RESET) and
 * VIRTQUEUE_POP_BROKEN.  Data moves through virtqueue_elem_read/write,
 * which copy through the DMA helpers too.
 *
 * Features: VIRTIO_F_INDIRECT_DESC, VIRTIO_F_EVENT_IDX (used_event /
 * avail_event, 2.7.10).  Ordering: the used element is written before the
 * used index (release fence), the available index read before the ring
 * (acquire fence).
 *
 * Thread context: big lock held.
 */
#ifndef HW_VIRTIO_VIRTQUEUE_H
#define HW_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/virtio/virtio.h"

/* Descriptor flags. */
#define VRING_DESC_F_NEXT      1
#define VRING_DESC_F_WRITE     2
#define VRING_DESC_F_INDIRECT  4
/* Ring flags. */
#define VRING_USED_F_NO_NOTIFY     1
#define VRING_AVAIL_F_NO_INTERRUPT 1

typedef struct VirtqSeg {
    GuestPaddr addr;
    uint32_t len;
} VirtqSeg;

/* One popped chain; free() it (one allocation) after virtqueue_push. */
typedef struct VirtQueueElement {
    uint16_t index;            /* head descriptor: what goes into the used ring */
    unsigned out_num, in_num;
    uint64_t out_bytes, in_bytes;
    VirtqSeg *out, *in;        /* point into the same allocation */
} VirtQueueElement;

struct VirtQueue {
    VirtioDevice *vdev;
    unsigned index;
    uint16_t num_max;
    uint16_t num;              /* QueueNum the driver chose */
    bool ready;
    GuestPaddr desc, avail, used;
    uint16_t last_avail_idx;   /* next available entry to pop */
    uint16_t used_idx;         /* our copy of used->idx */
    uint16_t signalled_used;   /* used_idx at the last interrupt (EVENT_IDX) */
    bool signalled_used_valid;
    bool notification;         /* we want kicks (VRING_USED_F_NO_NOTIFY clear) */
    unsigned inuse;            /* popped, not yet pushed */
    VirtQueueHandlerFn handle;
};

typedef enum {
    VIRTQUEUE_POP_EMPTY = 0,
    VIRTQUEUE_POP_OK = 1,
    VIRTQUEUE_POP_BROKEN = -1,
} VirtQueuePopResult;

void virtqueue_init(VirtQueue *vq, VirtioDevice *vdev, unsigned index, uint16_t num_max,
                    VirtQueueHandlerFn handle);
/* Back to the reset state: not ready, addresses 0, indexes 0. */
void virtqueue_reset(VirtQueue *vq);
/* The driver set QueueReady: checks the size; false (and stays off) if bad. */
bool virtqueue_set_ready(VirtQueue *vq, bool ready);

/* Nothing to pop (also when not ready or broken). */
bool virtqueue_empty(VirtQueue *vq);
VirtQueuePopResult virtqueue_pop(VirtQueue *vq, VirtQueueElement **elem);
/* Give back the last popped element unused (receive with no room). */
void virtqueue_unpop(VirtQueue *vq, VirtQueueElement *elem);
/* Put elem into the used ring with len bytes written, publish the index,
 * and interrupt the driver unless it asked not to be. */
void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem, uint32_t len);
/* The same in two steps: fill at used_idx + offset, then flush count. */
void virtqueue_fill(VirtQueue *vq, const VirtQueueElement *elem, uint32_t len,
                    unsigned offset);
void virtqueue_flush(VirtQueue *vq, unsigned count);
void virtqueue_notify(VirtQueue *vq);
/* Ask the driver for kicks or not (used flags, or avail_event with EVENT_IDX). */
void virtqueue_set_notification(VirtQueue *vq, bool enable);

/* Copy between a host buffer and the element's out (read) / in (write)
 * segments starting offset bytes in; returns the bytes moved (short at the
 * end of the segments).  A DMA refusal breaks the device and returns what
 * moved before it. */
uint64_t virtqueue_elem_read(VirtQueue *vq, const VirtQueueElement *elem, uint64_t offset,
                             void *buf, uint64_t len);
uint64_t virtqueue_elem_write(VirtQueue *vq, const VirtQueueElement *elem, uint64_t offset,
                              const void *buf, uint64_t len);

#endif
