/*
 * The fake virtio driver of virtio_testbench.h.  It writes the rings the
 * way Linux's virtio_ring.c does (little-endian, descriptors before the
 * available index) but directly into the bench's RAM.
 */
#include "hw/virtio/virtio_testbench.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static void vbench_sink(void *opaque, int n, int level)
{
    ((VirtioBench *)opaque)->level = level;
}

void vbench_init(VirtioBench *b)
{
    memset(b, 0, sizeof(*b));
    memory_region_init(&b->root, NULL, "system", MEMORY_SIZE_ALL);
    if (!memory_region_init_ram(&b->ram, NULL, "ram", VBENCH_RAM_SIZE, &error_abort)) {
        abort();
    }
    memory_region_add_subregion(&b->root, VBENCH_RAM_BASE, &b->ram);
    b->as = address_space_create(&b->root, "memory");
    b->host = memory_region_get_ram_ptr(&b->ram);
    b->heap = VBENCH_RAM_BASE + 0x80000;
    b->mmio = VIRTIO_MMIO(object_new(TYPE_VIRTIO_MMIO));
    b->sink = irq_new(vbench_sink, b, 0);
    device_connect_gpio_out(DEVICE(b->mmio), 0, b->sink);
    virtio_mmio_set_dma_as(b->mmio, b->as);
    if (!device_realize(DEVICE(b->mmio), &error_abort)) {
        abort();
    }
}

void vbench_fini(VirtioBench *b, DeviceState *dev)
{
    if (dev) {
        device_unrealize(dev);
        object_unref(dev);
    }
    object_unref(b->mmio);
    object_unref(b->sink);
    address_space_destroy(b->as);
    memory_region_destroy(&b->root);
    memory_region_destroy(&b->ram);
}

uint32_t vbench_read(VirtioBench *b, uint32_t offset)
{
    uint64_t v = 0;

    memory_region_dispatch_read(&b->mmio->iomem, offset, &v, 4, MEMTXATTRS_UNSPECIFIED);
    return (uint32_t)v;
}

void vbench_write(VirtioBench *b, uint32_t offset, uint32_t val)
{
    memory_region_dispatch_write(&b->mmio->iomem, offset, val, 4, MEMTXATTRS_UNSPECIFIED);
}

uint32_t vbench_config_read(VirtioBench *b, uint32_t offset, unsigned size)
{
    uint64_t v = 0;

    memory_region_dispatch_read(&b->mmio->iomem, VIRTIO_MMIO_CONFIG + offset, &v, size,
                                MEMTXATTRS_UNSPECIFIED);
    return (uint32_t)v;
}

GuestPaddr vbench_desc_addr(VirtioBench *b, unsigned q, unsigned i)
{
    return VBENCH_RAM_BASE + q * 0x10000ULL + 16ULL * i;
}

GuestPaddr vbench_avail_addr(unsigned q)
{
    return VBENCH_RAM_BASE + q * 0x10000ULL + 0x4000;
}

GuestPaddr vbench_used_addr(unsigned q)
{
    return VBENCH_RAM_BASE + q * 0x10000ULL + 0x8000;
}

bool vbench_driver_init(VirtioBench *b, uint64_t wanted, unsigned n_queues, uint16_t num)
{
    uint64_t offer;

    vbench_write(b, VIRTIO_MMIO_STATUS, 0);
    vbench_write(b, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    vbench_write(b, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    vbench_write(b, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    offer = (uint64_t)vbench_read(b, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
    vbench_write(b, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    offer |= vbench_read(b, VIRTIO_MMIO_DEVICE_FEATURES);
    wanted &= offer;
    vbench_write(b, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vbench_write(b, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)wanted);
    vbench_write(b, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    vbench_write(b, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(wanted >> 32));
    vbench_write(b, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                            VIRTIO_STATUS_FEATURES_OK);
    if (!(vbench_read(b, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
        return false;
    }
    memset(b->q, 0, sizeof(b->q));
    for (unsigned q = 0; q < n_queues; q++) {
        memset(b->host + q * 0x10000, 0, 0x10000);
        vbench_write(b, VIRTIO_MMIO_QUEUE_SEL, q);
        if (vbench_read(b, VIRTIO_MMIO_QUEUE_NUM_MAX) < num) {
            return false;
        }
        vbench_write(b, VIRTIO_MMIO_QUEUE_NUM, num);
        vbench_write(b, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)vbench_desc_addr(b, q, 0));
        vbench_write(b, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(vbench_desc_addr(b, q, 0) >> 32));
        vbench_write(b, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)vbench_avail_addr(q));
        vbench_write(b, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(vbench_avail_addr(q) >> 32));
        vbench_write(b, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)vbench_used_addr(q));
        vbench_write(b, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(vbench_used_addr(q) >> 32));
        vbench_write(b, VIRTIO_MMIO_QUEUE_READY, 1);
        if (!vbench_read(b, VIRTIO_MMIO_QUEUE_READY)) {
            return false;
        }
        b->q[q].num = num;
    }
    vbench_write(b, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                            VIRTIO_STATUS_FEATURES_OK |
                                            VIRTIO_STATUS_DRIVER_OK);
    return vbench_read(b, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK;
}

GuestPaddr vbench_alloc(VirtioBench *b, uint32_t len)
{
    GuestPaddr a = b->heap;

    b->heap = (b->heap + len + 15) & ~15ULL;
    assert(b->heap <= VBENCH_RAM_BASE + VBENCH_RAM_SIZE);
    return a;
}

void vbench_poke(VirtioBench *b, GuestPaddr addr, const void *buf, uint32_t len)
{
    assert(addr >= VBENCH_RAM_BASE && addr + len <= VBENCH_RAM_BASE + VBENCH_RAM_SIZE);
    memcpy(b->host + (addr - VBENCH_RAM_BASE), buf, len);
}

void vbench_peek(VirtioBench *b, GuestPaddr addr, void *buf, uint32_t len)
{
    assert(addr >= VBENCH_RAM_BASE && addr + len <= VBENCH_RAM_BASE + VBENCH_RAM_SIZE);
    memcpy(buf, b->host + (addr - VBENCH_RAM_BASE), len);
}

static void poke16(VirtioBench *b, GuestPaddr addr, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    vbench_poke(b, addr, x, 2);
}

static uint32_t peek32(VirtioBench *b, GuestPaddr addr)
{
    uint8_t x[4];
    vbench_peek(b, addr, x, 4);
    return (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
}

void vbench_write_desc(VirtioBench *b, unsigned q, unsigned i, uint64_t addr, uint32_t len,
                       uint16_t flags, uint16_t next)
{
    uint8_t d[16];

    for (int k = 0; k < 8; k++) {
        d[k] = (uint8_t)(addr >> (8 * k));
    }
    for (int k = 0; k < 4; k++) {
        d[8 + k] = (uint8_t)(len >> (8 * k));
    }
    d[12] = (uint8_t)flags;
    d[13] = (uint8_t)(flags >> 8);
    d[14] = (uint8_t)next;
    d[15] = (uint8_t)(next >> 8);
    vbench_poke(b, vbench_desc_addr(b, q, i), d, 16);
}

void vbench_publish(VirtioBench *b, unsigned q, uint16_t head)
{
    uint16_t slot = b->q[q].avail_idx % b->q[q].num;

    poke16(b, vbench_avail_addr(q) + 4 + 2 * slot, head);
    b->q[q].avail_idx++;
    poke16(b, vbench_avail_addr(q) + 2, b->q[q].avail_idx);
}

uint16_t vbench_add_chain(VirtioBench *b, unsigned q, const VbSeg *segs, unsigned n)
{
    uint16_t num = b->q[q].num;
    uint16_t head = b->q[q].next_desc % num;

    for (unsigned i = 0; i < n; i++) {
        uint16_t idx = (uint16_t)((head + i) % num);
        uint16_t next = (uint16_t)((head + i + 1) % num);
        uint16_t flags = (uint16_t)((segs[i].write ? VRING_DESC_F_WRITE : 0) |
                                    (i + 1 < n ? VRING_DESC_F_NEXT : 0));
        vbench_write_desc(b, q, idx, segs[i].addr, segs[i].len, flags, next);
    }
    b->q[q].next_desc = (uint16_t)((head + n) % num);
    vbench_publish(b, q, head);
    return head;
}

void vbench_kick(VirtioBench *b, unsigned q)
{
    vbench_write(b, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

bool vbench_pop_used(VirtioBench *b, unsigned q, uint32_t *id, uint32_t *len)
{
    uint8_t x[2];
    uint16_t used_idx;
    GuestPaddr elem;

    vbench_peek(b, vbench_used_addr(q) + 2, x, 2);
    used_idx = (uint16_t)(x[0] | x[1] << 8);
    if (used_idx == b->q[q].used_seen) {
        return false;
    }
    elem = vbench_used_addr(q) + 4 + 8 * (b->q[q].used_seen % b->q[q].num);
    *id = peek32(b, elem);
    *len = peek32(b, elem + 4);
    b->q[q].used_seen++;
    return true;
}
