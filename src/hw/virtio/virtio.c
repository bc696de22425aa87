/*
 * The virtio device base (see virtio.h): feature offer and acceptance, the
 * status byte, config space, interrupts through the transport, the error
 * state, and the registry of free transports that realize plugs into.
 * Invariant: vdev->bus is set exactly while the device is plugged, and a
 * plugged bus's vdev points back at it.
 */
#include "hw/virtio/virtio.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/virtio/virtqueue.h"
#include "util/log.h"

/* ---- the bus registry ---------------------------------------------------- */

static VirtioBus *virtio_buses;    /* latest registered first */

void virtio_bus_register(VirtioBus *bus)
{
    bus->vdev = NULL;
    bus->next = virtio_buses;
    virtio_buses = bus;
}

void virtio_bus_unregister(VirtioBus *bus)
{
    for (VirtioBus **p = &virtio_buses; *p; p = &(*p)->next) {
        if (*p == bus) {
            *p = bus->next;
            break;
        }
    }
    if (bus->vdev) {
        bus->vdev->bus = NULL;
        bus->vdev = NULL;
    }
}

static bool virtio_bus_plug(VirtioDevice *vdev, Error **errp)
{
    for (VirtioBus *bus = virtio_buses; bus; bus = bus->next) {
        if (!bus->vdev) {
            bus->vdev = vdev;
            vdev->bus = bus;
            vdev->dma_as = bus->dma_as;
            return true;
        }
    }
    error_setg(errp, "No 'virtio-bus' bus found for device '%s'",
               object_get_typename(OBJECT(vdev)));
    return false;
}

/* ---- device side --------------------------------------------------------- */

void virtio_init_config(VirtioDevice *vdev, uint32_t config_len)
{
    free(vdev->config);
    vdev->config = calloc(1, config_len ? config_len : 1);
    if (!vdev->config) {
        abort();
    }
    vdev->config_len = config_len;
}

VirtQueue *virtio_add_queue(VirtioDevice *vdev, uint16_t max_size, VirtQueueHandlerFn handle)
{
    VirtQueue *vq;

    assert(vdev->n_queues < VIRTIO_QUEUE_MAX && max_size <= VIRTQUEUE_MAX_SIZE);
    vq = malloc(sizeof(*vq));
    if (!vq) {
        abort();
    }
    virtqueue_init(vq, vdev, vdev->n_queues, max_size, handle);
    vdev->vq[vdev->n_queues++] = vq;
    return vq;
}

void virtio_config_set_u8(VirtioDevice *vdev, uint32_t off, uint8_t v)
{
    assert(off + 1 <= vdev->config_len);
    vdev->config[off] = v;
}

void virtio_config_set_u16(VirtioDevice *vdev, uint32_t off, uint16_t v)
{
    assert(off + 2 <= vdev->config_len);
    for (int i = 0; i < 2; i++) {
        vdev->config[off + i] = (uint8_t)(v >> (8 * i));
    }
}

void virtio_config_set_u32(VirtioDevice *vdev, uint32_t off, uint32_t v)
{
    assert(off + 4 <= vdev->config_len);
    for (int i = 0; i < 4; i++) {
        vdev->config[off + i] = (uint8_t)(v >> (8 * i));
    }
}

void virtio_config_set_u64(VirtioDevice *vdev, uint32_t off, uint64_t v)
{
    virtio_config_set_u32(vdev, off, (uint32_t)v);
    virtio_config_set_u32(vdev, off + 4, (uint32_t)(v >> 32));
}

static void virtio_update_irq(VirtioDevice *vdev)
{
    if (vdev->bus && vdev->bus->update_irq) {
        vdev->bus->update_irq(vdev->bus->opaque);
    }
}

void virtio_notify_used(VirtioDevice *vdev)
{
    vdev->isr |= VIRTIO_ISR_USED_BUFFER;
    virtio_update_irq(vdev);
}

void virtio_notify_config(VirtioDevice *vdev)
{
    vdev->generation++;
    if (!(vdev->status & VIRTIO_STATUS_DRIVER_OK)) {
        return;
    }
    vdev->isr |= VIRTIO_ISR_CONFIG;
    virtio_update_irq(vdev);
}

void virtio_error(VirtioDevice *vdev, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_mask_printf(LOG_GUEST_ERRORS, "%s: %s\n", vdev->name ? vdev->name : "virtio", msg);
    if (vdev->broken) {
        return;
    }
    vdev->broken = true;
    /* 2.1.2: tell a VERSION_1 driver through NEEDS_RESET and a config interrupt. */
    vdev->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    vdev->isr |= VIRTIO_ISR_CONFIG;
    virtio_update_irq(vdev);
}

/* ---- transport side ------------------------------------------------------ */

uint64_t virtio_device_features(VirtioDevice *vdev)
{
    return vdev->host_features;
}

bool virtio_device_accept_features(VirtioDevice *vdev, uint64_t features)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (features & ~vdev->host_features) {
        log_mask_printf(LOG_GUEST_ERRORS, "%s: driver features 0x%llx beyond the offer 0x%llx\n",
                        vdev->name, (unsigned long long)features,
                        (unsigned long long)vdev->host_features);
        return false;
    }
    if (!(features & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
        log_mask_printf(LOG_GUEST_ERRORS, "%s: legacy driver (no VIRTIO_F_VERSION_1)\n",
                        vdev->name);
        return false;
    }
    vdev->guest_features = features;
    if (vdc->set_features) {
        vdc->set_features(vdev, features);
    }
    return true;
}

void virtio_device_set_status(VirtioDevice *vdev, uint8_t status)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    /* NEEDS_RESET is the device's bit; the driver cannot clear it. */
    status = (uint8_t)((status & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET) |
                       (vdev->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
    vdev->status = status;
    if (vdc->set_status) {
        vdc->set_status(vdev, status);
    }
}

void virtio_device_reset_state(VirtioDevice *vdev)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (vdc->reset) {
        vdc->reset(vdev);
    }
    vdev->status = 0;
    vdev->isr = 0;
    vdev->broken = false;
    vdev->guest_features = 0;
    for (unsigned i = 0; i < vdev->n_queues; i++) {
        virtqueue_reset(vdev->vq[i]);
    }
    virtio_update_irq(vdev);
}

void virtio_device_notify_queue(VirtioDevice *vdev, unsigned index)
{
    VirtQueue *vq;

    if (index >= vdev->n_queues) {
        log_mask_printf(LOG_GUEST_ERRORS, "%s: notify of queue %u, the device has %u\n",
                        vdev->name, index, vdev->n_queues);
        return;
    }
    vq = vdev->vq[index];
    if (!vq->ready || vdev->broken || !(vdev->status & VIRTIO_STATUS_DRIVER_OK)) {
        return;
    }
    if (vq->handle) {
        vq->handle(vdev, vq);
    }
}

uint32_t virtio_config_read(VirtioDevice *vdev, uint32_t offset, unsigned size)
{
    uint32_t v = 0;

    if (offset + size > vdev->config_len || offset + size < offset) {
        log_mask_printf(LOG_GUEST_ERRORS, "%s: config read of %u bytes at 0x%x beyond %u\n",
                        vdev->name, size, offset, vdev->config_len);
        return 0;
    }
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)vdev->config[offset + i] << (8 * i);
    }
    return v;
}

void virtio_config_write(VirtioDevice *vdev, uint32_t offset, uint32_t val, unsigned size)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (offset + size > vdev->config_len || offset + size < offset) {
        log_mask_printf(LOG_GUEST_ERRORS, "%s: config write of %u bytes at 0x%x beyond %u\n",
                        vdev->name, size, offset, vdev->config_len);
        return;
    }
    if (!vdc->config_written) {
        log_mask_printf(LOG_GUEST_ERRORS, "%s: config space is read-only\n", vdev->name);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        vdev->config[offset + i] = (uint8_t)(val >> (8 * i));
    }
    vdc->config_written(vdev, offset, size);
}

/* ---- QOM ----------------------------------------------------------------- */

static bool virtio_device_realize(DeviceState *dev, Error **errp)
{
    VirtioDevice *vdev = VIRTIO_DEVICE(dev);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(dev);

    vdev->device_id = vdc->device_id;
    if (!vdev->name) {
        vdev->name = object_get_typename(OBJECT(dev));
    }
    if (vdc->realize && !vdc->realize(dev, errp)) {
        return false;
    }
    vdev->host_features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
                          VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
    if (vdc->get_features) {
        vdev->host_features |= vdc->get_features(vdev);
    }
    if (!virtio_bus_plug(vdev, errp)) {
        if (vdc->unrealize) {
            vdc->unrealize(dev);
        }
        return false;
    }
    return true;
}

static void virtio_device_unrealize(DeviceState *dev)
{
    VirtioDevice *vdev = VIRTIO_DEVICE(dev);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(dev);

    if (vdc->unrealize) {
        vdc->unrealize(dev);
    }
    if (vdev->bus) {
        vdev->bus->vdev = NULL;
        vdev->bus = NULL;
    }
}

static void virtio_device_reset(DeviceState *dev)
{
    virtio_device_reset_state(VIRTIO_DEVICE(dev));
}

static void virtio_device_finalize(Object *obj)
{
    VirtioDevice *vdev = VIRTIO_DEVICE(obj);

    if (vdev->bus) {
        vdev->bus->vdev = NULL;
        vdev->bus = NULL;
    }
    for (unsigned i = 0; i < vdev->n_queues; i++) {
        free(vdev->vq[i]);
    }
    free(vdev->config);
}

static void virtio_device_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = virtio_device_realize;
    dc->unrealize = virtio_device_unrealize;
    dc->reset = virtio_device_reset;
    dc->bus_type = "virtio-bus";
    dc->user_creatable = true;
}

static const TypeInfo virtio_device_type = {
    .name = TYPE_VIRTIO_DEVICE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(VirtioDevice),
    .instance_finalize = virtio_device_finalize,
    .abstract = true,
    .class_size = sizeof(VirtioDeviceClass),
    .class_init = virtio_device_class_init,
};

static void virtio_register_types(void)
{
    type_register_static(&virtio_device_type);
}

type_init(virtio_register_types)
