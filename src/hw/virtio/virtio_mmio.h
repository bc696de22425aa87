/*
 * The virtio-mmio transport, version 2 ("modern", virtio 1.2, 4.2.2): one
 * 0x200-byte register window and one interrupt line per slot.  A board
 * creates one transport per slot, gives it the guest's address space for
 * DMA (virtio_mmio_set_dma_as, before realize) and maps iomem; realize
 * offers the slot as a free virtio bus, so a virtio device realized later
 * plugs into it.  An empty slot answers DeviceID 0, as QEMU's.  The device
 * writes its own device-tree node (virtio_mmio@BASE, "virtio,mmio").
 *
 * Guest misbehaviour (bad offsets or sizes, writes to read-only registers,
 * queue setup while the queue is ready) is logged under -d guest_errors
 * and ignored.  Main thread / vCPU threads with the big lock held.
 */
#ifndef HW_VIRTIO_VIRTIO_MMIO_H
#define HW_VIRTIO_VIRTIO_MMIO_H

#include "core/device.h"
#include "hw/virtio/virtio.h"
#include "memory/memory.h"

#define TYPE_VIRTIO_MMIO "virtio-mmio"

#define VIRTIO_MMIO_MAGIC  0x74726976    /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x554d4551    /* "QEMU" */
#define VIRTIO_MMIO_WINDOW 0x200

/* Register offsets (4.2.2). */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000
#define VIRTIO_MMIO_VERSION             0x004
#define VIRTIO_MMIO_DEVICE_ID           0x008
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_SHM_SEL             0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW         0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH        0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW        0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH       0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100

typedef struct VirtioMmioState {
    DeviceState parent_obj;
    MemoryRegion iomem;
    IrqLine *irq;
    VirtioBus bus;
    bool bus_registered;
    uint32_t device_features_sel;
    uint32_t driver_features_sel;
    uint64_t driver_features;
    uint32_t queue_sel;
} VirtioMmioState;

DECLARE_INSTANCE_CHECKER(VirtioMmioState, VIRTIO_MMIO, TYPE_VIRTIO_MMIO)

void virtio_mmio_set_dma_as(VirtioMmioState *s, AddressSpace *as);
/* The plugged device, or NULL. */
VirtioDevice *virtio_mmio_device(VirtioMmioState *s);

#endif
