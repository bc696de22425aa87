/*
 * virtio-blk (virtio 1.2, 5.2; QEMU's hw/block/virtio-blk.c for the
 * corner cases), see virtio_blk.h.  A request is the 16-byte header
 * (type, reserved, sector) in the device-readable part, data, then the
 * status byte as the last device-writable byte.  Invariant: every popped
 * element is pushed exactly once, by the completion of its request, unless
 * the device was reset meanwhile (then it is freed unseen).
 */
#include "hw/virtio/virtio_blk.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hw/virtio/virtqueue.h"
#include "util/log.h"

/* Config space layout (5.2.4). */
#define BLK_CFG_CAPACITY          0
#define BLK_CFG_SEG_MAX           12
#define BLK_CFG_BLK_SIZE          20
#define BLK_CFG_WRITEBACK         32
#define BLK_CFG_NUM_QUEUES        34
#define BLK_CFG_MAX_DISCARD_SECT  36
#define BLK_CFG_MAX_DISCARD_SEG   40
#define BLK_CFG_DISCARD_ALIGN     44
#define BLK_CFG_MAX_WZ_SECT       48
#define BLK_CFG_MAX_WZ_SEG        52
#define BLK_CFG_WZ_MAY_UNMAP      56
#define BLK_CFG_BYTES             60

#define BLK_MAX_RANGE_SECTORS     (VIRTIO_BLK_MAX_REQUEST_BYTES / BLOCK_SECTOR_SIZE)

typedef struct BlkRequest {
    VirtioBlkState *s;
    VirtQueueElement *elem;
    uint32_t generation;
    uint32_t type;
    uint8_t *buf;
    uint64_t len;
} BlkRequest;

static uint64_t virtio_blk_sectors(VirtioBlkState *s)
{
    return (block_size_bytes(s->blk) + BLOCK_SECTOR_SIZE - 1) / BLOCK_SECTOR_SIZE;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Status as the last writable byte; the used length counts data + status. */
static void virtio_blk_complete(VirtioBlkState *s, VirtQueueElement *elem, uint8_t status,
                                uint32_t data_written)
{
    VirtQueue *vq = s->vq;

    virtqueue_elem_write(vq, elem, elem->in_bytes - 1, &status, 1);
    virtqueue_push(vq, elem, data_written + 1);
    free(elem);
}

static void virtio_blk_req_done(void *opaque, int ret)
{
    BlkRequest *r = opaque;
    VirtioBlkState *s = r->s;
    uint32_t written = 0;
    uint8_t status = ret == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;

    s->in_flight--;
    if (r->generation != s->generation) {
        free(r->elem);    /* reset meanwhile: the driver forgot this request */
    } else {
        if (ret == 0 && r->type == VIRTIO_BLK_T_IN) {
            written = (uint32_t)virtqueue_elem_write(s->vq, r->elem, 0, r->buf, r->len);
        }
        if (ret != 0) {
            log_mask_printf(LOG_GUEST_ERRORS, "virtio-blk: request type %u failed: %s\n",
                            r->type, strerror(-ret));
        }
        virtio_blk_complete(s, r->elem, status, written);
    }
    free(r->buf);
    free(r);
}

static BlkRequest *virtio_blk_req_new(VirtioBlkState *s, VirtQueueElement *elem, uint32_t type)
{
    BlkRequest *r = calloc(1, sizeof(*r));

    if (!r) {
        abort();
    }
    r->s = s;
    r->elem = elem;
    r->type = type;
    r->generation = s->generation;
    s->in_flight++;
    return r;
}

/* Sector range check: [sector, sector + bytes/512) inside the disk. */
static bool virtio_blk_in_range(VirtioBlkState *s, uint64_t sector, uint64_t bytes)
{
    uint64_t total = virtio_blk_sectors(s);
    uint64_t n = bytes / BLOCK_SECTOR_SIZE;

    return sector <= total && n <= total - sector;
}

static void virtio_blk_rw(VirtioBlkState *s, VirtQueueElement *elem, uint32_t type,
                          uint64_t sector)
{
    bool is_write = type == VIRTIO_BLK_T_OUT;
    uint64_t len = is_write ? elem->out_bytes - 16 : elem->in_bytes - 1;
    BlkRequest *r;

    if (len % BLOCK_SECTOR_SIZE || !virtio_blk_in_range(s, sector, len) ||
        len > VIRTIO_BLK_MAX_REQUEST_BYTES || (is_write && block_is_read_only(s->blk))) {
        log_mask_printf(LOG_GUEST_ERRORS, "virtio-blk: bad %s of %" PRIu64 " bytes at sector %"
                        PRIu64 "\n", is_write ? "write" : "read", len, sector);
        virtio_blk_complete(s, elem, VIRTIO_BLK_S_IOERR, 0);
        return;
    }
    r = virtio_blk_req_new(s, elem, type);
    r->len = len;
    r->buf = block_buffer_alloc(len);
    if (!r->buf) {
        s->in_flight--;
        free(r);
        virtio_blk_complete(s, elem, VIRTIO_BLK_S_IOERR, 0);
        return;
    }
    if (is_write) {
        if (virtqueue_elem_read(s->vq, elem, 16, r->buf, len) != len) {
            s->in_flight--;
            free(r->buf);
            free(r);
            free(elem);    /* the device is broken now: nothing to push */
            return;
        }
        block_aio_write(s->blk, sector * BLOCK_SECTOR_SIZE, r->buf, len, virtio_blk_req_done,
                        r);
    } else {
        block_aio_read(s->blk, sector * BLOCK_SECTOR_SIZE, r->buf, len, virtio_blk_req_done, r);
    }
}

/* DISCARD / WRITE_ZEROES: one segment { le64 sector; le32 num; le32 flags }. */
static void virtio_blk_range(VirtioBlkState *s, VirtQueueElement *elem, uint32_t type)
{
    uint8_t seg[16];
    uint64_t sector;
    uint32_t num, flags;
    bool unmap_ok = type == VIRTIO_BLK_T_WRITE_ZEROES;

    if (elem->out_bytes - 16 != 16) {
        virtio_blk_complete(s, elem, VIRTIO_BLK_S_UNSUPP, 0);    /* max_*_seg is 1 */
        return;
    }
    if (virtqueue_elem_read(s->vq, elem, 16, seg, 16) != 16) {
        free(elem);
        return;
    }
    sector = le64(seg);
    num = le32(seg + 8);
    flags = le32(seg + 12);
    if ((flags & ~1u) || ((flags & 1) && !unmap_ok)) {
        virtio_blk_complete(s, elem, VIRTIO_BLK_S_UNSUPP, 0);
        return;
    }
    if (num > BLK_MAX_RANGE_SECTORS ||
        !virtio_blk_in_range(s, sector, (uint64_t)num * BLOCK_SECTOR_SIZE) ||
        block_is_read_only(s->blk)) {
        virtio_blk_complete(s, elem, VIRTIO_BLK_S_IOERR, 0);
        return;
    }
    BlkRequest *r = virtio_blk_req_new(s, elem, type);
    uint64_t off = sector * BLOCK_SECTOR_SIZE, len = (uint64_t)num * BLOCK_SECTOR_SIZE;
    if (type == VIRTIO_BLK_T_DISCARD) {
        block_aio_discard(s->blk, off, len, virtio_blk_req_done, r);
    } else {
        block_aio_write_zeroes(s->blk, off, len, virtio_blk_req_done, r);
    }
}

static void virtio_blk_handle_request(VirtioBlkState *s, VirtQueueElement *elem)
{
    uint8_t hdr[16];
    uint32_t type;
    uint64_t sector;

    if (elem->out_bytes < 16 || elem->in_bytes < 1) {
        virtio_error(VIRTIO_DEVICE(s), "virtio-blk missing headers");
        free(elem);
        return;
    }
    if (virtqueue_elem_read(s->vq, elem, 0, hdr, 16) != 16) {
        free(elem);
        return;
    }
    type = le32(hdr);
    sector = le64(hdr + 8);
    switch (type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT:
        virtio_blk_rw(s, elem, type, sector);
        break;
    case VIRTIO_BLK_T_FLUSH:
        block_aio_flush(s->blk, virtio_blk_req_done, virtio_blk_req_new(s, elem, type));
        break;
    case VIRTIO_BLK_T_GET_ID: {
        char id[VIRTIO_BLK_ID_BYTES] = { 0 };
        uint64_t n = elem->in_bytes - 1 < sizeof(id) ? elem->in_bytes - 1 : sizeof(id);
        if (s->serial) {
            size_t l = strlen(s->serial);
            memcpy(id, s->serial, l < sizeof(id) ? l : sizeof(id));
        }
        virtqueue_elem_write(s->vq, elem, 0, id, n);
        virtio_blk_complete(s, elem, VIRTIO_BLK_S_OK, (uint32_t)n);
        break;
    }
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        virtio_blk_range(s, elem, type);
        break;
    default:
        virtio_blk_complete(s, elem, VIRTIO_BLK_S_UNSUPP, 0);
        break;
    }
}

static void virtio_blk_handle_output(VirtioDevice *vdev, VirtQueue *vq)
{
    VirtioBlkState *s = VIRTIO_BLK(vdev);
    VirtQueueElement *elem;

    do {
        virtqueue_set_notification(vq, false);
        while (virtqueue_pop(vq, &elem) == VIRTQUEUE_POP_OK) {
            virtio_blk_handle_request(s, elem);
        }
        virtqueue_set_notification(vq, true);
    } while (!vdev->broken && !virtqueue_empty(vq));
}

/* ---- life cycle ------------------------------------------------------------ */

static void virtio_blk_update_config(VirtioBlkState *s)
{
    VirtioDevice *vdev = VIRTIO_DEVICE(s);
    BlockCacheMode cache = block_cache_mode(s->blk);

    virtio_config_set_u64(vdev, BLK_CFG_CAPACITY, virtio_blk_sectors(s));
    virtio_config_set_u32(vdev, BLK_CFG_SEG_MAX, VIRTIO_BLK_QUEUE_SIZE - 2);
    virtio_config_set_u32(vdev, BLK_CFG_BLK_SIZE, BLOCK_SECTOR_SIZE);
    virtio_config_set_u8(vdev, BLK_CFG_WRITEBACK,
                         cache != BLOCK_CACHE_WRITETHROUGH && cache != BLOCK_CACHE_DIRECTSYNC);
    virtio_config_set_u16(vdev, BLK_CFG_NUM_QUEUES, 1);
    virtio_config_set_u32(vdev, BLK_CFG_MAX_DISCARD_SECT, BLK_MAX_RANGE_SECTORS);
    virtio_config_set_u32(vdev, BLK_CFG_MAX_DISCARD_SEG, 1);
    virtio_config_set_u32(vdev, BLK_CFG_DISCARD_ALIGN, 1);
    virtio_config_set_u32(vdev, BLK_CFG_MAX_WZ_SECT, BLK_MAX_RANGE_SECTORS);
    virtio_config_set_u32(vdev, BLK_CFG_MAX_WZ_SEG, 1);
    virtio_config_set_u8(vdev, BLK_CFG_WZ_MAY_UNMAP, 1);
}

static bool virtio_blk_realize(DeviceState *dev, Error **errp)
{
    VirtioBlkState *s = VIRTIO_BLK(dev);
    VirtioDevice *vdev = VIRTIO_DEVICE(dev);

    if (!s->drive) {
        error_setg(errp, "drive property not set");
        return false;
    }
    s->blk = block_find(s->drive);
    if (!s->blk) {
        error_setg(errp, "Property '%s.drive' can't find value '%s'", TYPE_VIRTIO_BLK,
                   s->drive);
        return false;
    }
    if (!block_attach(s->blk, s, errp)) {
        s->blk = NULL;
        return false;
    }
    vdev->name = "virtio-blk";
    if (!vdev->config) {
        virtio_init_config(vdev, BLK_CFG_BYTES);
        s->vq = virtio_add_queue(vdev, VIRTIO_BLK_QUEUE_SIZE, virtio_blk_handle_output);
    }
    virtio_blk_update_config(s);
    return true;
}

static void virtio_blk_unrealize(DeviceState *dev)
{
    VirtioBlkState *s = VIRTIO_BLK(dev);

    if (s->blk) {
        block_drain(s->blk);
        block_detach(s->blk, s);
        s->blk = NULL;
    }
}

static uint64_t virtio_blk_get_features(VirtioDevice *vdev)
{
    VirtioBlkState *s = VIRTIO_BLK(vdev);
    uint64_t f = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
                 VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) |
                 VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);

    if (block_is_read_only(s->blk)) {
        f |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
        f &= ~(VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES));
    }
    return f;
}

static void virtio_blk_reset(VirtioDevice *vdev)
{
    VirtioBlkState *s = VIRTIO_BLK(vdev);

    /* In-flight requests finish into the void (see virtio_blk_req_done). */
    s->generation++;
}

static void virtio_blk_finalize(Object *obj)
{
    virtio_blk_unrealize(DEVICE(obj));
}

static const Property virtio_blk_props[] = {
    DEFINE_PROP_STRING("drive", VirtioBlkState, drive, NULL, "the -drive id of the backend"),
    DEFINE_PROP_STRING("serial", VirtioBlkState, serial, NULL, "disk serial number (GET_ID)"),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_blk_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "virtio block device (virtio-mmio)";
    device_class_set_category(dc, DEVICE_CATEGORY_STORAGE);
    device_class_set_props(dc, virtio_blk_props);
    vdc->device_id = VIRTIO_ID_BLOCK;
    vdc->realize = virtio_blk_realize;
    vdc->unrealize = virtio_blk_unrealize;
    vdc->get_features = virtio_blk_get_features;
    vdc->reset = virtio_blk_reset;
}

static const TypeInfo virtio_blk_type = {
    .name = TYPE_VIRTIO_BLK,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtioBlkState),
    .instance_finalize = virtio_blk_finalize,
    .class_init = virtio_blk_class_init,
};

static void virtio_blk_register_types(void)
{
    type_register_static(&virtio_blk_type);
}

type_init(virtio_blk_register_types)
