/*
 * Tests of the DMA helpers: transfers inside RAM and across into devices,
 * refusal (nothing copied) of holes, ROM writes and wrapping ranges, and
 * zero-copy mapping with its span and the write notifier on unmap.
 */
#include "memory/dma.h"

#include "util/unittest.h"

static unsigned dev_writes;

static uint64_t dev_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0x5a5a5a5a5a5a5a5a;
}

static void dev_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    dev_writes++;
}

static const MemoryRegionOps dev_ops = { .read = dev_read, .write = dev_write };

/* RAM [0x1000, 0x3000) then a device [0x3000, 0x3100), ROM at 0x8000. */
typedef struct {
    MemoryRegion root, ram, dev, rom;
    AddressSpace *as;
    uint8_t *host;
} Machine;

static void machine_init(Machine *m)
{
    memory_region_init(&m->root, NULL, "system", MEMORY_SIZE_ALL);
    CHECK(memory_region_init_ram(&m->ram, NULL, "ram", 0x2000, &error_abort));
    CHECK(memory_region_init_rom(&m->rom, NULL, "rom", 0x1000, &error_abort));
    memory_region_init_io(&m->dev, NULL, &dev_ops, NULL, "dev", 0x100);
    memory_region_add_subregion(&m->root, 0x1000, &m->ram);
    memory_region_add_subregion(&m->root, 0x3000, &m->dev);
    memory_region_add_subregion(&m->root, 0x8000, &m->rom);
    m->as = address_space_create(&m->root, "memory");
    m->host = memory_region_get_ram_ptr(&m->ram);
}

static void machine_destroy(Machine *m)
{
    address_space_destroy(m->as);
    memory_region_destroy(&m->root);
    memory_region_destroy(&m->ram);
    memory_region_destroy(&m->dev);
    memory_region_destroy(&m->rom);
}

UNITTEST(dma_inside_ram)
{
    Machine m;
    uint8_t buf[16];

    machine_init(&m);
    CHECK_INT(dma_memory_write(m.as, 0x1ff8, "0123456789abcdef", 16), MEMTX_OK);
    CHECK(memcmp(m.host + 0xff8, "0123456789abcdef", 16) == 0);
    CHECK_INT(dma_memory_read(m.as, 0x1ffc, buf, 4), MEMTX_OK);
    CHECK(memcmp(buf, "4567", 4) == 0);
    CHECK_INT(dma_memory_read(m.as, 0x0, buf, 0), MEMTX_OK);   /* empty is fine anywhere */
    machine_destroy(&m);
}

UNITTEST(dma_into_device)
{
    Machine m;
    uint8_t buf[16];

    machine_init(&m);
    memset(m.host + 0x1ff8, 0x11, 8);
    CHECK_INT(dma_memory_read(m.as, 0x2ff8, buf, 16), MEMTX_OK);
    CHECK_INT(buf[0], 0x11);
    CHECK_INT(buf[8], 0x5a);
    dev_writes = 0;
    CHECK_INT(dma_memory_write(m.as, 0x3000, buf, 8), MEMTX_OK);
    CHECK_INT(dev_writes, 2);                          /* two 4-byte accesses */
    machine_destroy(&m);
}

UNITTEST(dma_refuses_holes_rom_and_wraps)
{
    Machine m;
    uint8_t buf[16];

    machine_init(&m);
    memset(buf, 0xaa, sizeof(buf));
    /* Device end runs into a hole: nothing copied either way. */
    CHECK_INT(dma_memory_read(m.as, 0x30f8, buf, 16), MEMTX_DECODE_ERROR);
    CHECK_INT(buf[0], 0xaa);
    /* Starts in a hole before RAM. */
    CHECK_INT(dma_memory_write(m.as, 0xff8, buf, 16), MEMTX_DECODE_ERROR);
    CHECK_INT(m.host[0], 0);
    /* ROM is not writable by devices. */
    CHECK_INT(dma_memory_write(m.as, 0x8000, buf, 4), MEMTX_DECODE_ERROR);
    CHECK_INT(((uint8_t *)memory_region_get_ram_ptr(&m.rom))[0], 0);
    CHECK_INT(dma_memory_read(m.as, 0x8000, buf, 4), MEMTX_OK);
    /* Ranges that wrap past 2^64, however they are written. */
    CHECK_INT(dma_memory_read(m.as, UINT64_MAX - 3, buf, 8), MEMTX_DECODE_ERROR);
    CHECK_INT(dma_memory_read(m.as, 0x1000, buf, UINT64_MAX), MEMTX_DECODE_ERROR);
    CHECK(!dma_memory_valid(m.as, 0x2000, UINT64_MAX - 0x1000, DMA_DIRECTION_TO_DEVICE));
    CHECK(dma_memory_valid(m.as, 0x1000, 0x2100, DMA_DIRECTION_TO_DEVICE));
    CHECK(!dma_memory_valid(m.as, 0x1000, 0x2101, DMA_DIRECTION_TO_DEVICE));
    machine_destroy(&m);
}

static GuestPaddr noted_addr;
static uint64_t noted_len;

static void note(GuestPaddr addr, uint64_t len)
{
    noted_addr = addr;
    noted_len = len;
}

UNITTEST(dma_map)
{
    Machine m;
    uint64_t len;
    uint8_t *p;

    machine_init(&m);
    len = 0x100;
    p = dma_memory_map(m.as, 0x1100, &len, DMA_DIRECTION_FROM_DEVICE);
    CHECK(p == m.host + 0x100);
    CHECK_U64(len, 0x100);
    /* The span is cut at the end of RAM. */
    len = 0x1000;
    p = dma_memory_map(m.as, 0x2800, &len, DMA_DIRECTION_TO_DEVICE);
    CHECK(p == m.host + 0x1800);
    CHECK_U64(len, 0x800);
    /* Not RAM, ROM for writing, wrapping: refused. */
    len = 4;
    CHECK(dma_memory_map(m.as, 0x3000, &len, DMA_DIRECTION_TO_DEVICE) == NULL);
    CHECK_U64(len, 0);
    len = 4;
    CHECK(dma_memory_map(m.as, 0x8000, &len, DMA_DIRECTION_FROM_DEVICE) == NULL);
    len = 4;
    CHECK(dma_memory_map(m.as, 0x8000, &len, DMA_DIRECTION_TO_DEVICE) != NULL);
    len = 8;
    CHECK(dma_memory_map(m.as, UINT64_MAX - 3, &len, DMA_DIRECTION_TO_DEVICE) == NULL);

    /* Unmapping after a device write tells the translator what changed. */
    memory_set_ram_write_notifier(note);
    len = 0x100;
    p = dma_memory_map(m.as, 0x1100, &len, DMA_DIRECTION_FROM_DEVICE);
    memset(p, 1, 0x10);
    dma_memory_unmap(m.as, 0x1100, p, len, DMA_DIRECTION_FROM_DEVICE, 0x10);
    CHECK_U64(noted_addr, 0x1100);
    CHECK_U64(noted_len, 0x10);
    /* And DMA writes through the copying helper too. */
    CHECK_INT(dma_memory_write(m.as, 0x1200, "xy", 2), MEMTX_OK);
    CHECK_U64(noted_addr, 0x1200);
    CHECK_U64(noted_len, 2);
    memory_set_ram_write_notifier(NULL);
    machine_destroy(&m);
}
