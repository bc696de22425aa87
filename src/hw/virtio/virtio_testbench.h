/*
 * A fake virtio driver for the device tests (test-only; linked into the
 * virtio unit tests): 1 MiB of guest RAM at VBENCH_RAM_BASE, a virtio-mmio
 * transport whose interrupt line a sink records, and the driver side of
 * split queues written straight into that RAM: descriptors, the available
 * ring, kicks, and reading back the used ring.  Queue q's rings sit at
 * RAM + q * 64 KiB (descriptors, driver ring at +16 KiB, device ring at
 * +32 KiB); buffers come from a bump allocator above 512 KiB.
 */
#ifndef HW_VIRTIO_VIRTIO_TESTBENCH_H
#define HW_VIRTIO_VIRTIO_TESTBENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/virtio/virtio_mmio.h"
#include "hw/virtio/virtqueue.h"

#define VBENCH_RAM_BASE  0x40000000ULL
#define VBENCH_RAM_SIZE  0x100000ULL
#define VBENCH_QUEUES    4

typedef struct VbSeg {
    GuestPaddr addr;
    uint32_t len;
    bool write;          /* device-writable */
} VbSeg;

typedef struct VirtioBench {
    MemoryRegion root, ram;
    AddressSpace *as;
    uint8_t *host;       /* the RAM, for the test to look at */
    VirtioMmioState *mmio;
    IrqLine *sink;
    int level;
    GuestPaddr heap;
    struct {
        uint16_t num;
        uint16_t avail_idx;
        uint16_t next_desc;
        uint16_t used_seen;
    } q[VBENCH_QUEUES];
} VirtioBench;

/* RAM, address space and the transport (realized: a free bus). */
void vbench_init(VirtioBench *b);
/* Unrealizes and frees dev (may be NULL), then the rest. */
void vbench_fini(VirtioBench *b, DeviceState *dev);

uint32_t vbench_read(VirtioBench *b, uint32_t offset);
void vbench_write(VirtioBench *b, uint32_t offset, uint32_t val);
uint32_t vbench_config_read(VirtioBench *b, uint32_t offset, unsigned size);

/* 3.1.1: reset, ACKNOWLEDGE, DRIVER, features (the offer & wanted),
 * FEATURES_OK, n_queues queues of size num, DRIVER_OK.  False if refused. */
bool vbench_driver_init(VirtioBench *b, uint64_t wanted, unsigned n_queues, uint16_t num);

GuestPaddr vbench_alloc(VirtioBench *b, uint32_t len);
GuestPaddr vbench_desc_addr(VirtioBench *b, unsigned q, unsigned i);
GuestPaddr vbench_avail_addr(unsigned q);
GuestPaddr vbench_used_addr(unsigned q);
void vbench_write_desc(VirtioBench *b, unsigned q, unsigned i, uint64_t addr, uint32_t len,
                       uint16_t flags, uint16_t next);
/* Chains segs into the descriptor table and publishes the head; returns it. */
uint16_t vbench_add_chain(VirtioBench *b, unsigned q, const VbSeg *segs, unsigned n);
/* Publishes head in the available ring (no descriptors written). */
void vbench_publish(VirtioBench *b, unsigned q, uint16_t head);
void vbench_kick(VirtioBench *b, unsigned q);
/* The next used element, if the device produced one. */
bool vbench_pop_used(VirtioBench *b, unsigned q, uint32_t *id, uint32_t *len);

/* Guest memory access for the test. */
void vbench_poke(VirtioBench *b, GuestPaddr addr, const void *buf, uint32_t len);
void vbench_peek(VirtioBench *b, GuestPaddr addr, void *buf, uint32_t len);

#endif
