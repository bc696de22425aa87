/*
 * Virtio devices, apart from their transport (kvmtool's split; QEMU's
 * VirtIODevice): TYPE_VIRTIO_DEVICE is the abstract base of virtio-blk,
 * virtio-net, virtio-rng and virtio-serial.  A device owns its virtqueues
 * (virtqueue.h), its feature bits and its config space; a transport
 * (virtio_mmio.h) exposes them to the guest and raises the interrupt.
 *
 * Plugging (QEMU's virtio-bus without buses): a transport registers a free
 * VirtioBus; realizing a virtio device plugs it into the most recently
 * registered free bus, so on the riscv virt board the first -device lands in
 * the last slot, as QEMU's qbus search finds it.  With no free bus realize
 * fails with QEMU's message.
 *
 * Status (virtio 1.2, 2.1): the transport writes the driver's status bits;
 * virtio_error() is how a device reports a driver bug it cannot go on from
 * (a malformed ring): it logs under -d guest_errors, sets
 * DEVICE_NEEDS_RESET, raises a config interrupt and stops the device's
 * queues until the driver resets it.  Nothing the guest writes aborts.
 *
 * Thread context: big lock held (MMIO handlers on vCPU threads, backend
 * completions on the main loop).  Config space is little-endian (virtio 1.x
 * only: VIRTIO_F_VERSION_1 is required).
 */
#ifndef HW_VIRTIO_VIRTIO_H
#define HW_VIRTIO_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"
#include "memory/memory.h"

#define TYPE_VIRTIO_DEVICE "virtio-device"

/* Device status bits (virtio 1.2, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE        0x01
#define VIRTIO_STATUS_DRIVER             0x02
#define VIRTIO_STATUS_DRIVER_OK          0x04
#define VIRTIO_STATUS_FEATURES_OK        0x08
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED             0x80

/* Transport/ring feature bits (virtio 1.2, 6). */
#define VIRTIO_F_INDIRECT_DESC  28
#define VIRTIO_F_EVENT_IDX      29
#define VIRTIO_F_VERSION_1      32

/* Interrupt status bits (InterruptStatus of virtio-mmio). */
#define VIRTIO_ISR_USED_BUFFER  0x1
#define VIRTIO_ISR_CONFIG       0x2

/* Device IDs (virtio 1.2, 5). */
#define VIRTIO_ID_NET     1
#define VIRTIO_ID_BLOCK   2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG     4

#define VIRTIO_QUEUE_MAX      8        /* queues per device */
#define VIRTQUEUE_MAX_SIZE    1024

#define VIRTIO_BIT(n) (1ULL << (n))

typedef struct VirtioDevice VirtioDevice;
typedef struct VirtQueue VirtQueue;
typedef struct VirtioBus VirtioBus;

/* A queue's kick handler: the driver wrote QueueNotify for it. */
typedef void (*VirtQueueHandlerFn)(VirtioDevice *vdev, VirtQueue *vq);

typedef struct VirtioDeviceClass {
    DeviceClass parent_class;
    uint16_t device_id;
    /* Device-specific parts; any may be NULL. */
    DeviceRealizeFn realize;           /* before plugging: backends, queues, config */
    DeviceUnrealizeFn unrealize;
    void (*reset)(VirtioDevice *vdev); /* driver wrote status 0, or system reset */
    /* Features the device offers (the base adds VERSION_1, INDIRECT_DESC, EVENT_IDX). */
    uint64_t (*get_features)(VirtioDevice *vdev);
    /* The driver's accepted features, at FEATURES_OK. */
    void (*set_features)(VirtioDevice *vdev, uint64_t features);
    /* A driver write into config space (already stored in vdev->config). */
    void (*config_written)(VirtioDevice *vdev, uint32_t offset, unsigned size);
    /* The status changed (DRIVER_OK set: start receiving). */
    void (*set_status)(VirtioDevice *vdev, uint8_t status);
} VirtioDeviceClass;

/* What a transport offers to the device plugged into it. */
struct VirtioBus {
    void *opaque;
    AddressSpace *dma_as;              /* guest memory as the device sees it */
    void (*update_irq)(void *opaque);  /* vdev->isr changed */
    VirtioDevice *vdev;                /* plugged device or NULL */
    VirtioBus *next;                   /* private: the registry */
};

struct VirtioDevice {
    DeviceState parent_obj;
    const char *name;                  /* "virtio-blk"... for messages */
    uint16_t device_id;
    uint8_t status;
    uint8_t isr;
    bool broken;                       /* virtio_error() since the last reset */
    uint32_t generation;               /* ConfigGeneration */
    uint64_t host_features;
    uint64_t guest_features;
    uint8_t *config;                   /* config space, little-endian */
    uint32_t config_len;
    VirtQueue *vq[VIRTIO_QUEUE_MAX];
    unsigned n_queues;
    VirtioBus *bus;                    /* NULL until plugged */
    AddressSpace *dma_as;
};

DECLARE_OBJ_CHECKERS(VirtioDevice, VirtioDeviceClass, VIRTIO_DEVICE, TYPE_VIRTIO_DEVICE)

/* In a device's realize: the config space (zeroed, owned by the base) and queues. */
void virtio_init_config(VirtioDevice *vdev, uint32_t config_len);
VirtQueue *virtio_add_queue(VirtioDevice *vdev, uint16_t max_size, VirtQueueHandlerFn handle);

static inline bool virtio_has_feature(const VirtioDevice *vdev, unsigned bit)
{
    return (vdev->guest_features >> bit) & 1;
}

/* Config space helpers (little-endian). */
void virtio_config_set_u8(VirtioDevice *vdev, uint32_t off, uint8_t v);
void virtio_config_set_u16(VirtioDevice *vdev, uint32_t off, uint16_t v);
void virtio_config_set_u32(VirtioDevice *vdev, uint32_t off, uint32_t v);
void virtio_config_set_u64(VirtioDevice *vdev, uint32_t off, uint64_t v);

/* Raise the used-buffer interrupt (virtqueue_notify decides whether to). */
void virtio_notify_used(VirtioDevice *vdev);
/* The config changed: bump the generation, raise a config interrupt. */
void virtio_notify_config(VirtioDevice *vdev);
/* The driver broke the device (see the header comment). */
void virtio_error(VirtioDevice *vdev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- for transports -------------------------------------------------- */

/* Offer / withdraw a free bus (highest priority to the latest). */
void virtio_bus_register(VirtioBus *bus);
void virtio_bus_unregister(VirtioBus *bus);

uint64_t virtio_device_features(VirtioDevice *vdev);
/* FEATURES_OK: true when the driver's features are acceptable (a subset
 * of the offer, VERSION_1 included); applies them. */
bool virtio_device_accept_features(VirtioDevice *vdev, uint64_t features);
void virtio_device_set_status(VirtioDevice *vdev, uint8_t status);
/* Status 0: every queue and the device back to their reset state. */
void virtio_device_reset_state(VirtioDevice *vdev);
void virtio_device_notify_queue(VirtioDevice *vdev, unsigned index);
/* Driver-side config accesses (1, 2 or 4 bytes, little-endian). */
uint32_t virtio_config_read(VirtioDevice *vdev, uint32_t offset, unsigned size);
void virtio_config_write(VirtioDevice *vdev, uint32_t offset, uint32_t val, unsigned size);

#endif
