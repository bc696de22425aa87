/*
 * Split virtqueues (virtio 1.2, 2.7), see virtqueue.h.  Every guest
 * structure is read and written with the DMA helpers; the chain walker
 * bounds every index and count by the queue size (or the indirect table's
 * size) so a hostile ring costs at most VIRTQUEUE_MAX_SIZE steps and then
 * DEVICE_NEEDS_RESET.
 */
#include "hw/virtio/virtqueue.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "memory/dma.h"
#include "util/log.h"

/* Ring layout offsets (2.7.5, 2.7.6, 2.7.8). */
#define VRING_DESC_BYTES  16
#define AVAIL_FLAGS(vq)   ((vq)->avail)
#define AVAIL_IDX(vq)     ((vq)->avail + 2)
#define AVAIL_RING(vq, i) ((vq)->avail + 4 + 2 * (GuestPaddr)(i))
#define USED_EVENT(vq)    ((vq)->avail + 4 + 2 * (GuestPaddr)(vq)->num)
#define USED_FLAGS(vq)    ((vq)->used)
#define USED_IDX(vq)      ((vq)->used + 2)
#define USED_RING(vq, i)  ((vq)->used + 4 + 8 * (GuestPaddr)(i))
#define AVAIL_EVENT(vq)   ((vq)->used + 4 + 8 * (GuestPaddr)(vq)->num)

typedef struct VringDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VringDesc;

static uint16_t le16_at(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)le16_at(p) | (uint32_t)le16_at(p + 2) << 16;
}

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, (uint16_t)v);
    put_le16(p + 2, (uint16_t)(v >> 16));
}

static bool vq_read16(VirtQueue *vq, GuestPaddr addr, uint16_t *out, const char *what)
{
    uint8_t b[2];

    if (dma_memory_read(vq->vdev->dma_as, addr, b, 2) != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %u: cannot read the %s at 0x%" PRIx64, vq->index, what,
                     addr);
        *out = 0;
        return false;
    }
    *out = le16_at(b);
    return true;
}

static bool vq_write16(VirtQueue *vq, GuestPaddr addr, uint16_t v, const char *what)
{
    uint8_t b[2];

    put_le16(b, v);
    if (dma_memory_write(vq->vdev->dma_as, addr, b, 2) != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %u: cannot write the %s at 0x%" PRIx64, vq->index, what,
                     addr);
        return false;
    }
    return true;
}

static bool vq_read_desc(VirtQueue *vq, GuestPaddr table, unsigned i, VringDesc *d)
{
    uint8_t b[VRING_DESC_BYTES];
    GuestPaddr addr = table + (GuestPaddr)i * VRING_DESC_BYTES;

    if (dma_memory_read(vq->vdev->dma_as, addr, b, sizeof(b)) != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %u: cannot read descriptor %u at 0x%" PRIx64, vq->index,
                     i, addr);
        return false;
    }
    d->addr = (uint64_t)le32_at(b) | (uint64_t)le32_at(b + 4) << 32;
    d->len = le32_at(b + 8);
    d->flags = le16_at(b + 12);
    d->next = le16_at(b + 14);
    return true;
}

/* True when [addr, addr+len) is all guest RAM (writable when write): rings
 * and buffers never reach MMIO, so a ring cannot point the device at its
 * own registers and re-enter it. */
static bool vq_is_ram(VirtQueue *vq, GuestPaddr addr, uint64_t len, bool write)
{
    while (len) {
        uint64_t xlat, span;
        bool readonly;
        MemoryRegion *mr = address_space_translate(vq->vdev->dma_as, addr, &xlat, &span,
                                                   &readonly);
        if (!mr || !memory_region_is_ram(mr) || (write && readonly)) {
            return false;
        }
        if (span >= len) {
            return true;
        }
        if (addr + span < addr) {
            return false;
        }
        addr += span;
        len -= span;
    }
    return true;
}

void virtqueue_init(VirtQueue *vq, VirtioDevice *vdev, unsigned index, uint16_t num_max,
                    VirtQueueHandlerFn handle)
{
    memset(vq, 0, sizeof(*vq));
    vq->vdev = vdev;
    vq->index = index;
    vq->num_max = num_max;
    vq->handle = handle;
    virtqueue_reset(vq);
}

void virtqueue_reset(VirtQueue *vq)
{
    vq->num = vq->num_max;
    vq->ready = false;
    vq->desc = vq->avail = vq->used = 0;
    vq->last_avail_idx = 0;
    vq->used_idx = 0;
    vq->signalled_used = 0;
    vq->signalled_used_valid = false;
    vq->notification = true;
    vq->inuse = 0;
}

bool virtqueue_set_ready(VirtQueue *vq, bool ready)
{
    if (!ready) {
        vq->ready = false;
        return true;
    }
    /* 2.7: the size of a split queue is a power of 2, at most what we offer. */
    if (vq->num == 0 || vq->num > vq->num_max || (vq->num & (vq->num - 1))) {
        log_mask_printf(LOG_GUEST_ERRORS, "%s: queue %u: bad size %u (max %u)\n",
                        vq->vdev->name, vq->index, vq->num, vq->num_max);
        return false;
    }
    if (!vq_is_ram(vq, vq->desc, 16 * (uint64_t)vq->num, false) ||
        !vq_is_ram(vq, vq->avail, 6 + 2 * (uint64_t)vq->num, false) ||
        !vq_is_ram(vq, vq->used, 6 + 8 * (uint64_t)vq->num, true)) {
        log_mask_printf(LOG_GUEST_ERRORS, "%s: queue %u: rings outside guest RAM "
                        "(desc 0x%" PRIx64 " driver 0x%" PRIx64 " device 0x%" PRIx64 ")\n",
                        vq->vdev->name, vq->index, vq->desc, vq->avail, vq->used);
        return false;
    }
    vq->ready = true;
    return true;
}

static bool vq_usable(VirtQueue *vq)
{
    return vq->ready && !vq->vdev->broken;
}

/* The driver's available index, checked against ours. */
static bool vq_avail_idx(VirtQueue *vq, uint16_t *idx)
{
    if (!vq_read16(vq, AVAIL_IDX(vq), idx, "available index")) {
        return false;
    }
    if ((uint16_t)(*idx - vq->last_avail_idx) > vq->num) {
        virtio_error(vq->vdev, "queue %u: available index %u is %u ahead of %u (size %u)",
                     vq->index, *idx, (uint16_t)(*idx - vq->last_avail_idx),
                     vq->last_avail_idx, vq->num);
        return false;
    }
    return true;
}

bool virtqueue_empty(VirtQueue *vq)
{
    uint16_t idx;

    if (!vq_usable(vq)) {
        return true;
    }
    if (!vq_read16(vq, AVAIL_IDX(vq), &idx, "available index")) {
        return true;
    }
    return idx == vq->last_avail_idx;
}

/* Per-walk scratch: segments with their direction, before the element exists. */
typedef struct WalkSeg {
    GuestPaddr addr;
    uint32_t len;
    bool write;
} WalkSeg;

typedef struct Walk {
    WalkSeg seg[VIRTQUEUE_MAX_SIZE];
    unsigned n;
    unsigned n_in;
    bool seen_write;
} Walk;

static bool walk_add(VirtQueue *vq, Walk *w, const VringDesc *d)
{
    bool write = d->flags & VRING_DESC_F_WRITE;

    if (w->n >= VIRTQUEUE_MAX_SIZE) {
        virtio_error(vq->vdev, "queue %u: chain of more than %u segments", vq->index,
                     VIRTQUEUE_MAX_SIZE);
        return false;
    }
    if (d->len == 0) {
        virtio_error(vq->vdev, "queue %u: zero-sized buffer", vq->index);
        return false;
    }
    if (!write && w->seen_write) {
        virtio_error(vq->vdev, "queue %u: readable descriptor after a writable one", vq->index);
        return false;
    }
    if (!vq_is_ram(vq, d->addr, d->len, write)) {
        virtio_error(vq->vdev, "queue %u: buffer 0x%" PRIx64 "+0x%x is not guest RAM",
                     vq->index, d->addr, d->len);
        return false;
    }
    w->seen_write |= write;
    w->n_in += write;
    w->seg[w->n++] = (WalkSeg){ d->addr, d->len, write };
    return true;
}

/* An indirect table (2.7.5.3): a chain of its own, which may not nest. */
static bool walk_indirect(VirtQueue *vq, Walk *w, const VringDesc *ind)
{
    unsigned entries = ind->len / VRING_DESC_BYTES;
    unsigned i = 0, count = 0;
    VringDesc d;

    if (!(vq->vdev->guest_features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC))) {
        virtio_error(vq->vdev, "queue %u: indirect descriptor without the feature", vq->index);
        return false;
    }
    if (ind->flags & VRING_DESC_F_NEXT) {
        virtio_error(vq->vdev, "queue %u: indirect descriptor with NEXT", vq->index);
        return false;
    }
    if (ind->len == 0 || ind->len % VRING_DESC_BYTES || entries > VIRTQUEUE_MAX_SIZE) {
        virtio_error(vq->vdev, "queue %u: bad indirect table size %u", vq->index, ind->len);
        return false;
    }
    if (!vq_is_ram(vq, ind->addr, ind->len, false)) {
        virtio_error(vq->vdev, "queue %u: indirect table 0x%" PRIx64 "+0x%x is not guest RAM",
                     vq->index, ind->addr, ind->len);
        return false;
    }
    for (;;) {
        if (++count > entries) {
            virtio_error(vq->vdev, "queue %u: loop in an indirect table", vq->index);
            return false;
        }
        if (!vq_read_desc(vq, ind->addr, i, &d)) {
            return false;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            virtio_error(vq->vdev, "queue %u: nested indirect table", vq->index);
            return false;
        }
        if (!walk_add(vq, w, &d)) {
            return false;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            return true;
        }
        if (d.next >= entries) {
            virtio_error(vq->vdev, "queue %u: indirect next %u beyond %u entries", vq->index,
                         d.next, entries);
            return false;
        }
        i = d.next;
    }
}

static bool walk_chain(VirtQueue *vq, Walk *w, uint16_t head)
{
    unsigned i = head, count = 0;
    VringDesc d;

    for (;;) {
        if (++count > vq->num) {
            virtio_error(vq->vdev, "queue %u: descriptor chain from %u loops", vq->index, head);
            return false;
        }
        if (!vq_read_desc(vq, vq->desc, i, &d)) {
            return false;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            /* An indirect descriptor is the whole chain (2.7.5.3.1). */
            if (count != 1) {
                virtio_error(vq->vdev, "queue %u: indirect descriptor inside a chain",
                             vq->index);
                return false;
            }
            return walk_indirect(vq, w, &d);
        }
        if (!walk_add(vq, w, &d)) {
            return false;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            return true;
        }
        if (d.next >= vq->num) {
            virtio_error(vq->vdev, "queue %u: next %u beyond the queue size %u", vq->index,
                         d.next, vq->num);
            return false;
        }
        i = d.next;
    }
}

static void vq_set_avail_event(VirtQueue *vq, uint16_t val)
{
    vq_write16(vq, AVAIL_EVENT(vq), val, "avail_event");
}

VirtQueuePopResult virtqueue_pop(VirtQueue *vq, VirtQueueElement **elem)
{
    uint16_t avail_idx, head;
    Walk *w;

    *elem = NULL;
    if (!vq_usable(vq)) {
        return vq->vdev->broken ? VIRTQUEUE_POP_BROKEN : VIRTQUEUE_POP_EMPTY;
    }
    if (!vq_avail_idx(vq, &avail_idx)) {
        return VIRTQUEUE_POP_BROKEN;
    }
    if (avail_idx == vq->last_avail_idx) {
        return VIRTQUEUE_POP_EMPTY;
    }
    /* Read the ring entry only after seeing the index (2.7.13.3.1). */
    atomic_thread_fence(memory_order_acquire);
    if (!vq_read16(vq, AVAIL_RING(vq, vq->last_avail_idx % vq->num), &head, "available ring")) {
        return VIRTQUEUE_POP_BROKEN;
    }
    if (head >= vq->num) {
        virtio_error(vq->vdev, "queue %u: head %u beyond the queue size %u", vq->index, head,
                     vq->num);
        return VIRTQUEUE_POP_BROKEN;
    }
    w = malloc(sizeof(*w));
    if (!w) {
        return VIRTQUEUE_POP_EMPTY;
    }
    w->n = w->n_in = 0;
    w->seen_write = false;
    if (!walk_chain(vq, w, head)) {
        free(w);
        return VIRTQUEUE_POP_BROKEN;
    }

    VirtQueueElement *e = malloc(sizeof(*e) + w->n * sizeof(VirtqSeg));
    if (!e) {
        free(w);
        return VIRTQUEUE_POP_EMPTY;
    }
    e->index = head;
    e->out_num = w->n - w->n_in;
    e->in_num = w->n_in;
    e->out = (VirtqSeg *)(e + 1);
    e->in = e->out + e->out_num;
    e->out_bytes = e->in_bytes = 0;
    for (unsigned k = 0; k < w->n; k++) {
        VirtqSeg s = { w->seg[k].addr, w->seg[k].len };
        if (k < e->out_num) {
            e->out[k] = s;
            e->out_bytes += s.len;
        } else {
            e->in[k - e->out_num] = s;
            e->in_bytes += s.len;
        }
    }
    free(w);
    vq->last_avail_idx++;
    vq->inuse++;
    if ((vq->vdev->guest_features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)) && vq->notification) {
        vq_set_avail_event(vq, vq->last_avail_idx);
    }
    *elem = e;
    return VIRTQUEUE_POP_OK;
}

void virtqueue_unpop(VirtQueue *vq, VirtQueueElement *elem)
{
    vq->last_avail_idx--;
    vq->inuse--;
}

void virtqueue_fill(VirtQueue *vq, const VirtQueueElement *elem, uint32_t len,
                    unsigned offset)
{
    uint8_t b[8];
    GuestPaddr addr;

    if (!vq_usable(vq)) {
        return;
    }
    addr = USED_RING(vq, (uint16_t)(vq->used_idx + offset) % vq->num);
    put_le32(b, elem->index);
    put_le32(b + 4, len);
    if (dma_memory_write(vq->vdev->dma_as, addr, b, sizeof(b)) != MEMTX_OK) {
        virtio_error(vq->vdev, "queue %u: cannot write the used ring at 0x%" PRIx64, vq->index,
                     addr);
    }
}

void virtqueue_flush(VirtQueue *vq, unsigned count)
{
    if (!vq_usable(vq)) {
        vq->inuse = vq->inuse > count ? vq->inuse - count : 0;
        return;
    }
    /* The elements before the index that publishes them (2.7.8). */
    atomic_thread_fence(memory_order_release);
    vq->used_idx = (uint16_t)(vq->used_idx + count);
    vq_write16(vq, USED_IDX(vq), vq->used_idx, "used index");
    vq->inuse = vq->inuse > count ? vq->inuse - count : 0;
}

/* 2.7.10: with EVENT_IDX, interrupt when used_event lies in (old, new]. */
static bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

static bool vq_should_notify(VirtQueue *vq)
{
    uint16_t v;

    /* Our used index must be visible before we read the driver's wishes. */
    atomic_thread_fence(memory_order_seq_cst);
    if (vq->vdev->guest_features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)) {
        uint16_t old = vq->signalled_used;
        bool valid = vq->signalled_used_valid;
        if (!vq_read16(vq, USED_EVENT(vq), &v, "used_event")) {
            return false;
        }
        vq->signalled_used = vq->used_idx;
        vq->signalled_used_valid = true;
        return !valid || vring_need_event(v, vq->used_idx, old);
    }
    if (!vq_read16(vq, AVAIL_FLAGS(vq), &v, "available flags")) {
        return false;
    }
    return !(v & VRING_AVAIL_F_NO_INTERRUPT);
}

void virtqueue_notify(VirtQueue *vq)
{
    if (vq_usable(vq) && vq_should_notify(vq)) {
        virtio_notify_used(vq->vdev);
    }
}

void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem, uint32_t len)
{
    virtqueue_fill(vq, elem, len, 0);
    virtqueue_flush(vq, 1);
    virtqueue_notify(vq);
}

void virtqueue_set_notification(VirtQueue *vq, bool enable)
{
    vq->notification = enable;
    if (!vq_usable(vq)) {
        return;
    }
    if (vq->vdev->guest_features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)) {
        if (enable) {
            uint16_t idx;
            if (vq_read16(vq, AVAIL_IDX(vq), &idx, "available index")) {
                vq_set_avail_event(vq, idx);
            }
        }
    } else {
        vq_write16(vq, USED_FLAGS(vq), enable ? 0 : VRING_USED_F_NO_NOTIFY, "used flags");
    }
    if (enable) {
        /* Expose the flag before the caller re-checks for work. */
        atomic_thread_fence(memory_order_seq_cst);
    }
}

static uint64_t vq_copy(VirtQueue *vq, const VirtqSeg *segs, unsigned n, uint64_t offset,
                        void *buf, uint64_t len, bool to_guest)
{
    uint64_t done = 0;

    for (unsigned i = 0; i < n && done < len; i++) {
        if (offset >= segs[i].len) {
            offset -= segs[i].len;
            continue;
        }
        uint64_t chunk = segs[i].len - offset;
        if (chunk > len - done) {
            chunk = len - done;
        }
        GuestPaddr addr = segs[i].addr + offset;
        MemTxResult r = to_guest
            ? dma_memory_write(vq->vdev->dma_as, addr, (uint8_t *)buf + done, chunk)
            : dma_memory_read(vq->vdev->dma_as, addr, (uint8_t *)buf + done, chunk);
        if (r != MEMTX_OK) {
            virtio_error(vq->vdev, "queue %u: DMA to 0x%" PRIx64 "+0x%" PRIx64 " refused",
                         vq->index, addr, chunk);
            return done;
        }
        done += chunk;
        offset = 0;
    }
    return done;
}

uint64_t virtqueue_elem_read(VirtQueue *vq, const VirtQueueElement *elem, uint64_t offset,
                             void *buf, uint64_t len)
{
    return vq_copy(vq, elem->out, elem->out_num, offset, buf, len, false);
}

uint64_t virtqueue_elem_write(VirtQueue *vq, const VirtQueueElement *elem, uint64_t offset,
                              const void *buf, uint64_t len)
{
    return vq_copy(vq, elem->in, elem->in_num, offset, (void *)buf, len, true);
}
