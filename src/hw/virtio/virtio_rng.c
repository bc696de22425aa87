/*
 * virtio-rng (virtio 1.2, 5.4): `-device virtio-rng-device[,rng=ID]`, one
 * request queue whose device-writable buffers are filled with entropy from
 * the rng backend (rng_random.h), or from getrandom(2) without one.  No
 * config space, no feature bits of its own.  When the backend has nothing,
 * the element goes back to the ring and the queue is retried once the
 * backend is readable.  Each request is filled up to VIRTIO_RNG_CHUNK bytes.
 */
#include "hw/virtio/virtio_rng.h"

#include <stdlib.h>

#include "hw/virtio/virtqueue.h"

#define VIRTIO_RNG_QUEUE_SIZE 8
#define VIRTIO_RNG_CHUNK 4096

static size_t virtio_rng_entropy(VirtioRngState *s, void *buf, size_t len);

static void virtio_rng_process(VirtioRngState *s)
{
    VirtioDevice *vdev = VIRTIO_DEVICE(s);
    VirtQueueElement *elem;
    uint8_t buf[VIRTIO_RNG_CHUNK];

    if (!(vdev->status & VIRTIO_STATUS_DRIVER_OK) || vdev->broken) {
        return;
    }
    while (virtqueue_pop(s->vq, &elem) == VIRTQUEUE_POP_OK) {
        size_t want = elem->in_bytes < sizeof(buf) ? (size_t)elem->in_bytes : sizeof(buf);
        size_t got = want ? virtio_rng_entropy(s, buf, want) : 0;
        if (want && got == 0) {
            virtqueue_unpop(s->vq, elem);
            free(elem);
            return;    /* the backend calls virtio_rng_ready when it has more */
        }
        uint64_t done = virtqueue_elem_write(s->vq, elem, 0, buf, got);
        virtqueue_push(s->vq, elem, (uint32_t)done);
        free(elem);
    }
}

static void virtio_rng_ready(void *opaque)
{
    virtio_rng_process(opaque);
}

static size_t virtio_rng_entropy(VirtioRngState *s, void *buf, size_t len)
{
    if (s->rng) {
        return rng_backend_read(RNG_BACKEND(s->rng), buf, len, virtio_rng_ready, s);
    }
    return rng_builtin_read(buf, len);
}

static void virtio_rng_handle_request(VirtioDevice *vdev, VirtQueue *vq)
{
    virtio_rng_process(VIRTIO_RNG(vdev));
}

static void virtio_rng_set_status(VirtioDevice *vdev, uint8_t status)
{
    if (status & VIRTIO_STATUS_DRIVER_OK) {
        virtio_rng_process(VIRTIO_RNG(vdev));
    }
}

static bool virtio_rng_realize(DeviceState *dev, Error **errp)
{
    VirtioRngState *s = VIRTIO_RNG(dev);
    VirtioDevice *vdev = VIRTIO_DEVICE(dev);

    if (s->rng && !rng_backend_complete(RNG_BACKEND(s->rng), errp)) {
        return false;
    }
    vdev->name = "virtio-rng";
    if (!s->vq) {
        virtio_init_config(vdev, 0);
        s->vq = virtio_add_queue(vdev, VIRTIO_RNG_QUEUE_SIZE, virtio_rng_handle_request);
    }
    return true;
}

static const Property virtio_rng_props[] = {
    DEFINE_PROP_LINK("rng", VirtioRngState, rng, TYPE_RNG_BACKEND,
                     "the entropy backend (-object rng-random,id=ID)"),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_rng_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "virtio entropy device (virtio-mmio)";
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, virtio_rng_props);
    vdc->device_id = VIRTIO_ID_RNG;
    vdc->realize = virtio_rng_realize;
    vdc->set_status = virtio_rng_set_status;
}

static const TypeInfo virtio_rng_type = {
    .name = TYPE_VIRTIO_RNG,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtioRngState),
    .class_init = virtio_rng_class_init,
};

static void virtio_rng_register_types(void)
{
    type_register_static(&virtio_rng_type);
}

type_init(virtio_rng_register_types)
