/*
 * The virtio-mmio transport, version 2 (virtio 1.2, 4.2.2; QEMU's
 * hw/virtio/virtio-mmio.c in its non-legacy mode), see virtio_mmio.h.
 * Registers below 0x100 take aligned 32-bit accesses only (4.2.2.2); the
 * config space behind them takes 8-, 16- and 32-bit ones.  Invariant: the
 * interrupt line is high exactly while the plugged device's ISR is non-zero.
 */
#include "hw/virtio/virtio_mmio.h"

#include <inttypes.h>
#include <stdlib.h>

#include "hw/fdt/devtree.h"
#include "hw/virtio/virtqueue.h"
#include "util/log.h"

static VirtQueue *virtio_mmio_queue(VirtioMmioState *s, VirtioDevice *vdev)
{
    return s->queue_sel < vdev->n_queues ? vdev->vq[s->queue_sel] : NULL;
}

static void virtio_mmio_update_irq(void *opaque)
{
    VirtioMmioState *s = opaque;
    VirtioDevice *vdev = s->bus.vdev;

    irq_set_level(s->irq, vdev && vdev->isr != 0);
}

static uint64_t virtio_mmio_read_locked(void *opaque, uint64_t addr, unsigned size)
{
    VirtioMmioState *s = opaque;
    VirtioDevice *vdev = s->bus.vdev;
    VirtQueue *vq;

    if (addr >= VIRTIO_MMIO_CONFIG) {
        return vdev ? virtio_config_read(vdev, (uint32_t)(addr - VIRTIO_MMIO_CONFIG), size) : 0;
    }
    if (size != 4) {
        log_mask_printf(LOG_GUEST_ERRORS, "virtio-mmio: %u-byte read of register 0x%" PRIx64 "\n",
                        size, addr);
        return 0;
    }
    switch (addr) {
    case VIRTIO_MMIO_MAGIC_VALUE:
        return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION:
        return 2;
    case VIRTIO_MMIO_DEVICE_ID:
        return vdev ? vdev->device_id : 0;
    case VIRTIO_MMIO_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR;
    }
    if (!vdev) {
        return 0;
    }
    vq = virtio_mmio_queue(s, vdev);
    switch (addr) {
    case VIRTIO_MMIO_DEVICE_FEATURES:
        if (s->device_features_sel > 1) {
            return 0;
        }
        return (uint32_t)(virtio_device_features(vdev) >> (32 * s->device_features_sel));
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return vq ? vq->num_max : 0;
    case VIRTIO_MMIO_QUEUE_READY:
        return vq ? vq->ready : 0;
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        return vdev->isr;
    case VIRTIO_MMIO_STATUS:
        return vdev->status;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        return vq ? (uint32_t)vq->desc : 0;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        return vq ? (uint32_t)(vq->desc >> 32) : 0;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        return vq ? (uint32_t)vq->avail : 0;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        return vq ? (uint32_t)(vq->avail >> 32) : 0;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
        return vq ? (uint32_t)vq->used : 0;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        return vq ? (uint32_t)(vq->used >> 32) : 0;
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW:
    case VIRTIO_MMIO_SHM_BASE_HIGH:
        return 0xffffffff;    /* no shared memory regions (4.2.2.1) */
    case VIRTIO_MMIO_CONFIG_GENERATION:
        return vdev->generation;
    default:
        log_mask_printf(LOG_GUEST_ERRORS, "virtio-mmio: read of %s register 0x%" PRIx64 "\n",
                        "write-only or unknown", addr);
        return 0;
    }
}

static void virtio_mmio_set_status(VirtioMmioState *s, VirtioDevice *vdev, uint32_t val)
{
    uint8_t status = (uint8_t)val;

    if (status == 0) {
        virtio_device_reset_state(vdev);
        s->device_features_sel = s->driver_features_sel = 0;
        s->driver_features = 0;
        s->queue_sel = 0;
        return;
    }
    if ((status & VIRTIO_STATUS_FEATURES_OK) && !(vdev->status & VIRTIO_STATUS_FEATURES_OK) &&
        !virtio_device_accept_features(vdev, s->driver_features)) {
        /* 3.1.1: the driver re-reads the status and sees FEATURES_OK refused. */
        status &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
    }
    if ((status & VIRTIO_STATUS_DRIVER_OK) && !(status & VIRTIO_STATUS_FEATURES_OK)) {
        log_mask_printf(LOG_GUEST_ERRORS, "%s: DRIVER_OK without FEATURES_OK\n", vdev->name);
        status &= (uint8_t)~VIRTIO_STATUS_DRIVER_OK;
    }
    virtio_device_set_status(vdev, status);
}

static void virtio_mmio_queue_addr(VirtQueue *vq, GuestPaddr *field, bool high, uint32_t val,
                                   const char *vdev_name)
{
    if (!vq || vq->ready) {
        log_mask_printf(LOG_GUEST_ERRORS, "%s: queue address written while %s\n", vdev_name,
                        vq ? "ready" : "no queue is selected");
        return;
    }
    if (high) {
        *field = (*field & 0xffffffffULL) | (uint64_t)val << 32;
    } else {
        *field = (*field & ~0xffffffffULL) | val;
    }
}

static void virtio_mmio_write_locked(void *opaque, uint64_t addr, uint64_t val64, unsigned size)
{
    VirtioMmioState *s = opaque;
    VirtioDevice *vdev = s->bus.vdev;
    uint32_t val = (uint32_t)val64;
    VirtQueue *vq;

    if (!vdev) {
        log_mask_printf(LOG_GUEST_ERRORS, "virtio-mmio: write to 0x%" PRIx64 " of an empty slot\n",
                        addr);
        return;
    }
    if (addr >= VIRTIO_MMIO_CONFIG) {
        virtio_config_write(vdev, (uint32_t)(addr - VIRTIO_MMIO_CONFIG), val, size);
        return;
    }
    if (size != 4) {
        log_mask_printf(LOG_GUEST_ERRORS, "virtio-mmio: %u-byte write of register 0x%" PRIx64 "\n",
                        size, addr);
        return;
    }
    vq = virtio_mmio_queue(s, vdev);
    switch (addr) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        s->device_features_sel = val;
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (s->driver_features_sel <= 1) {
            unsigned shift = 32 * s->driver_features_sel;
            s->driver_features = (s->driver_features & ~(0xffffffffULL << shift)) |
                                 (uint64_t)val << shift;
        }
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        s->driver_features_sel = val;
        break;
    case VIRTIO_MMIO_QUEUE_SEL:
        s->queue_sel = val;
        break;
    case VIRTIO_MMIO_QUEUE_NUM:
        if (!vq || vq->ready) {
            log_mask_printf(LOG_GUEST_ERRORS, "%s: QueueNum written while %s\n", vdev->name,
                            vq ? "ready" : "no queue is selected");
        } else {
            vq->num = (uint16_t)(val > 0xffff ? 0 : val);
        }
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if (vq) {
            virtqueue_set_ready(vq, val & 1);
        }
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        /* With VIRTIO_F_NOTIFICATION_DATA unoffered, the value is the queue index. */
        virtio_device_notify_queue(vdev, val & 0xffff);
        break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        vdev->isr &= (uint8_t)~val;
        virtio_mmio_update_irq(s);
        break;
    case VIRTIO_MMIO_STATUS:
        virtio_mmio_set_status(s, vdev, val);
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        virtio_mmio_queue_addr(vq, vq ? &vq->desc : NULL, addr == VIRTIO_MMIO_QUEUE_DESC_HIGH,
                               val, vdev->name);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        virtio_mmio_queue_addr(vq, vq ? &vq->avail : NULL,
                               addr == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, val, vdev->name);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        virtio_mmio_queue_addr(vq, vq ? &vq->used : NULL,
                               addr == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, val, vdev->name);
        break;
    case VIRTIO_MMIO_SHM_SEL:
        break;
    default:
        log_mask_printf(LOG_GUEST_ERRORS, "virtio-mmio: write of %s register 0x%" PRIx64 "\n",
                        "read-only or unknown", addr);
        break;
    }
}

static const MemoryRegionOps virtio_mmio_ops = {
    .read = virtio_mmio_read_locked,
    .write = virtio_mmio_write_locked,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

void virtio_mmio_set_dma_as(VirtioMmioState *s, AddressSpace *as)
{
    s->bus.dma_as = as;
}

VirtioDevice *virtio_mmio_device(VirtioMmioState *s)
{
    return s->bus.vdev;
}

/* ---- life cycle ------------------------------------------------------------ */

static bool virtio_mmio_realize(DeviceState *dev, Error **errp)
{
    VirtioMmioState *s = VIRTIO_MMIO(dev);

    if (!s->bus.dma_as) {
        error_setg(errp, "virtio-mmio: no address space for DMA");
        return false;
    }
    s->bus.opaque = s;
    s->bus.update_irq = virtio_mmio_update_irq;
    virtio_bus_register(&s->bus);
    s->bus_registered = true;
    return true;
}

static void virtio_mmio_reset(DeviceState *dev)
{
    VirtioMmioState *s = VIRTIO_MMIO(dev);

    s->device_features_sel = s->driver_features_sel = 0;
    s->driver_features = 0;
    s->queue_sel = 0;
    if (s->bus.vdev) {
        virtio_device_reset_state(s->bus.vdev);
    }
    irq_lower(s->irq);
}

static void virtio_mmio_init(Object *obj)
{
    VirtioMmioState *s = VIRTIO_MMIO(obj);

    memory_region_init_io(&s->iomem, obj, &virtio_mmio_ops, s, "virtio-mmio",
                          VIRTIO_MMIO_WINDOW);
    device_init_gpio_out(DEVICE(obj), &s->irq, 1);
}

static void virtio_mmio_finalize(Object *obj)
{
    VirtioMmioState *s = VIRTIO_MMIO(obj);

    if (s->bus_registered) {
        virtio_bus_unregister(&s->bus);
    }
    memory_region_destroy(&s->iomem);
}

static uint32_t virtio_mmio_write_node(Object *obj, DevTree *dt, const FdtNodeInfo *info)
{
    char *path = devtree_node_path(info->parent, "virtio_mmio", info->base);

    devtree_add_node(dt, path);
    devtree_set_prop_string(dt, path, "compatible", "virtio,mmio");
    devtree_set_reg_irq(dt, path, info);
    free(path);
    return 0;
}

static void virtio_mmio_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    FdtNodeWriterClass *fc = OBJECT_CLASS_CHECK(FdtNodeWriterClass, oc, TYPE_FDT_NODE_WRITER);

    dc->desc = "virtio-mmio transport";
    dc->realize = virtio_mmio_realize;
    dc->reset = virtio_mmio_reset;
    fc->write_node = virtio_mmio_write_node;
}

static const InterfaceInfo virtio_mmio_interfaces[] = { { TYPE_FDT_NODE_WRITER }, { NULL } };

static const TypeInfo virtio_mmio_type = {
    .name = TYPE_VIRTIO_MMIO,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(VirtioMmioState),
    .instance_init = virtio_mmio_init,
    .instance_finalize = virtio_mmio_finalize,
    .class_init = virtio_mmio_class_init,
    .interfaces = virtio_mmio_interfaces,
};

static void virtio_mmio_register_types(void)
{
    type_register_static(&virtio_mmio_type);
}

type_init(virtio_mmio_register_types)
