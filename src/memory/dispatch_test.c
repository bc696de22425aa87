/*
 * Tests of dispatch: MMIO accesses split and widened per valid/impl limits
 * (with a fake device that records every call), device byte order,
 * unaligned and refused accesses, unassigned addresses, ROM, the RAM fast
 * path, loaders, the RAM write notifier and the guest_errors log.
 */
#include "memory/memory.h"

#include <stdlib.h>
#include <unistd.h>

#include "util/log.h"
#include "util/unittest.h"

/* A 64-byte register file that logs each call as "r0+4 w4+2=beef ". */
typedef struct {
    uint8_t regs[64];
    char log[512];
    DeviceEndian endian;
} FakeDev;

static uint64_t fake_read(void *opaque, uint64_t addr, unsigned size)
{
    FakeDev *s = opaque;
    uint64_t v = 0;
    size_t n = strlen(s->log);

    for (unsigned k = 0; k < size; k++) {
        unsigned shift = s->endian == DEVICE_BIG_ENDIAN ? 8 * (size - 1 - k) : 8 * k;
        v |= (uint64_t)s->regs[(addr + k) % 64] << shift;
    }
    snprintf(s->log + n, sizeof(s->log) - n, "r%" PRIx64 "+%u ", addr, size);
    return v;
}

static void fake_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    FakeDev *s = opaque;
    size_t n = strlen(s->log);

    for (unsigned k = 0; k < size; k++) {
        unsigned shift = s->endian == DEVICE_BIG_ENDIAN ? 8 * (size - 1 - k) : 8 * k;
        s->regs[(addr + k) % 64] = (uint8_t)(val >> shift);
    }
    snprintf(s->log + n, sizeof(s->log) - n, "w%" PRIx64 "+%u=%" PRIx64 " ", addr, size, val);
}

static bool fake_accepts(void *opaque, uint64_t addr, unsigned size, bool is_write,
                         MemTxAttrs attrs)
{
    return !(is_write && addr == 0x10);          /* 0x10 is a read-only register */
}

/* One device in its own address space at 0x1000. */
typedef struct {
    MemoryRegion root, dev;
    MemoryRegionOps ops;
    FakeDev s;
    AddressSpace *as;
} Bench;

static Bench *bench_new(MemoryRegionOps ops)
{
    Bench *b = calloc(1, sizeof(*b));

    b->ops = ops;
    b->ops.read = fake_read;
    b->ops.write = fake_write;
    b->s.endian = ops.endianness;
    for (int i = 0; i < 64; i++) {
        b->s.regs[i] = (uint8_t)(0xa0 + i);
    }
    memory_region_init(&b->root, NULL, "system", MEMORY_SIZE_ALL);
    memory_region_init_io(&b->dev, NULL, &b->ops, &b->s, "fake", 64);
    memory_region_add_subregion(&b->root, 0x1000, &b->dev);
    b->as = address_space_create(&b->root, "bench");
    return b;
}

static void bench_free(Bench *b)
{
    address_space_destroy(b->as);
    memory_region_destroy(&b->root);
    memory_region_destroy(&b->dev);
    free(b);
}

UNITTEST(split_to_valid_max)
{
    Bench *b = bench_new((MemoryRegionOps){ .valid.max_access_size = 4 });
    uint64_t v;

    CHECK_INT(address_space_load(b->as, 0x1008, 8, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_OK);
    CHECK_U64(v, 0xafaeadacabaaa9a8);
    CHECK_STR(b->s.log, "r8+4 rc+4 ");
    b->s.log[0] = 0;
    CHECK_INT(address_space_store(b->as, 0x1000, 8, MEMTXATTRS_UNSPECIFIED,
                                  0x1122334455667788), MEMTX_OK);
    CHECK_STR(b->s.log, "w0+4=55667788 w4+4=11223344 ");
    bench_free(b);
}

UNITTEST(split_to_impl_max)
{
    Bench *b = bench_new((MemoryRegionOps){ .valid.max_access_size = 8,
                                            .impl.max_access_size = 2 });
    uint64_t v;

    CHECK_INT(address_space_load(b->as, 0x1000, 8, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_OK);
    CHECK_U64(v, 0xa7a6a5a4a3a2a1a0);
    CHECK_STR(b->s.log, "r0+2 r2+2 r4+2 r6+2 ");
    bench_free(b);
}

UNITTEST(widen_to_impl_min)
{
    Bench *b = bench_new((MemoryRegionOps){ .impl.min_access_size = 4 });
    uint64_t v;

    CHECK_INT(address_space_load(b->as, 0x1006, 1, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_OK);
    CHECK_U64(v, 0xa6);
    CHECK_STR(b->s.log, "r4+4 ");
    /* A narrow write keeps the other bytes of the word (read-modify-write). */
    b->s.log[0] = 0;
    CHECK_INT(address_space_store(b->as, 0x1002, 2, MEMTXATTRS_UNSPECIFIED, 0xbeef), MEMTX_OK);
    CHECK_STR(b->s.log, "r0+4 w0+4=beefa1a0 ");
    bench_free(b);

    /* Unaligned and narrow: two words, each read-modify-written. */
    b = bench_new((MemoryRegionOps){ .impl.min_access_size = 4, .valid.unaligned = true });
    CHECK_INT(address_space_load(b->as, 0x1003, 2, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_OK);
    CHECK_U64(v, 0xa4a3);
    CHECK_STR(b->s.log, "r0+4 r4+4 ");
    b->s.log[0] = 0;
    CHECK_INT(address_space_store(b->as, 0x1003, 2, MEMTXATTRS_UNSPECIFIED, 0x2211), MEMTX_OK);
    CHECK_STR(b->s.log, "r0+4 w0+4=11a2a1a0 r4+4 w4+4=a7a6a522 ");
    bench_free(b);
}

UNITTEST(endianness)
{
    Bench *le = bench_new((MemoryRegionOps){ .endianness = DEVICE_LITTLE_ENDIAN });
    Bench *be = bench_new((MemoryRegionOps){ .endianness = DEVICE_BIG_ENDIAN,
                                             .impl.min_access_size = 4 });
    uint64_t v;

    /* The device returns 0x11223344 from offset 0x20 in its own byte order. */
    le->s.log[0] = 0;
    CHECK_INT(address_space_store(le->as, 0x1020, 4, MEMTXATTRS_UNSPECIFIED, 0x11223344),
              MEMTX_OK);
    CHECK_STR(le->s.log, "w20+4=11223344 ");
    memcpy(be->s.regs + 0x20, "\x11\x22\x33\x44", 4);
    CHECK_INT(address_space_load(be->as, 0x1020, 4, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_OK);
    CHECK_U64(v, 0x44332211);                          /* guest sees 11 22 33 44 */
    CHECK_INT(address_space_load(be->as, 0x1020, 1, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_OK);
    CHECK_U64(v, 0x11);                                /* lowest address: the MSB */
    be->s.log[0] = 0;
    CHECK_INT(address_space_store(be->as, 0x1020, 4, MEMTXATTRS_UNSPECIFIED, 0x44332211),
              MEMTX_OK);
    CHECK_STR(be->s.log, "w20+4=11223344 ");
    bench_free(le);
    bench_free(be);
}

UNITTEST(invalid_accesses)
{
    Bench *b = bench_new((MemoryRegionOps){ .valid.min_access_size = 4,
                                            .valid.accepts = fake_accepts });
    uint64_t v = 1;

    CHECK_INT(address_space_load(b->as, 0x1000, 1, MEMTXATTRS_UNSPECIFIED, &v),
              MEMTX_DECODE_ERROR);
    CHECK_U64(v, 0);
    CHECK_INT(address_space_load(b->as, 0x1002, 4, MEMTXATTRS_UNSPECIFIED, &v),
              MEMTX_DECODE_ERROR);                     /* unaligned */
    CHECK_INT(address_space_store(b->as, 0x1010, 4, MEMTXATTRS_UNSPECIFIED, 0),
              MEMTX_DECODE_ERROR);                     /* refused by accepts() */
    CHECK_STR(b->s.log, "");                           /* the device saw nothing */
    CHECK_INT(address_space_load(b->as, 0x1010, 4, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_OK);
    bench_free(b);
}

UNITTEST(unaligned_allowed)
{
    Bench *b = bench_new((MemoryRegionOps){ .valid.unaligned = true });
    uint64_t v;

    CHECK_INT(address_space_load(b->as, 0x1002, 4, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_OK);
    CHECK_U64(v, 0xa5a4a3a2);
    CHECK_STR(b->s.log, "r2+4 ");
    bench_free(b);
}

UNITTEST(buffer_access_uses_aligned_pieces)
{
    Bench *b = bench_new((MemoryRegionOps){ 0 });
    uint8_t buf[8];

    CHECK_INT(address_space_read(b->as, 0x1002, MEMTXATTRS_UNSPECIFIED, buf, 8), MEMTX_OK);
    CHECK_STR(b->s.log, "r2+2 r4+4 r8+2 ");
    CHECK_INT(buf[0], 0xa2);
    CHECK_INT(buf[7], 0xa9);
    b->s.log[0] = 0;
    CHECK_INT(address_space_write(b->as, 0x1003, MEMTXATTRS_UNSPECIFIED, "\x01\x02\x03", 3),
              MEMTX_OK);
    CHECK_STR(b->s.log, "w3+1=1 w4+2=302 ");
    bench_free(b);
}

UNITTEST(direct_dispatch)
{
    Bench *b = bench_new((MemoryRegionOps){ 0 });
    uint64_t v;

    CHECK_INT(memory_region_dispatch_read(&b->dev, 4, &v, 2, MEMTXATTRS_UNSPECIFIED), MEMTX_OK);
    CHECK_U64(v, 0xa5a4);
    CHECK_INT(memory_region_dispatch_write(&b->dev, 4, 0x77, 1, MEMTXATTRS_UNSPECIFIED),
              MEMTX_OK);
    CHECK_INT(b->s.regs[4], 0x77);
    CHECK_INT(memory_region_dispatch_read(&b->dev, 62, &v, 4, MEMTXATTRS_UNSPECIFIED),
              MEMTX_DECODE_ERROR);                     /* runs past the region */
    CHECK_INT(memory_region_dispatch_write(&b->dev, UINT64_MAX, 1, 2, MEMTXATTRS_UNSPECIFIED),
              MEMTX_DECODE_ERROR);
    bench_free(b);
}

/* RAM at 0, ROM at 0x10000, a device at 0x20000, nothing else. */
typedef struct {
    MemoryRegion root, ram, rom, dev;
    FakeDev s;
    AddressSpace *as;
} Machine;

static const MemoryRegionOps machine_dev_ops = { .read = fake_read, .write = fake_write };

static void machine_init(Machine *m)
{
    memset(m, 0, sizeof(*m));
    memory_region_init(&m->root, NULL, "system", MEMORY_SIZE_ALL);
    CHECK(memory_region_init_ram(&m->ram, NULL, "ram", 0x10000, &error_abort));
    CHECK(memory_region_init_rom(&m->rom, NULL, "rom", 0x1000, &error_abort));
    memory_region_init_io(&m->dev, NULL, &machine_dev_ops, &m->s, "dev", 64);
    memory_region_add_subregion(&m->root, 0, &m->ram);
    memory_region_add_subregion(&m->root, 0x10000, &m->rom);
    memory_region_add_subregion(&m->root, 0x20000, &m->dev);
    m->as = address_space_create(&m->root, "memory");
}

static void machine_destroy(Machine *m)
{
    address_space_destroy(m->as);
    memory_region_destroy(&m->root);
    memory_region_destroy(&m->ram);
    memory_region_destroy(&m->rom);
    memory_region_destroy(&m->dev);
}

UNITTEST(ram_load_store)
{
    Machine m;
    MemTxResult r;

    machine_init(&m);
    address_space_stq_le(m.as, 0x100, 0x0102030405060708, MEMTXATTRS_UNSPECIFIED, &r);
    CHECK_INT(r, MEMTX_OK);
    CHECK_INT(((uint8_t *)memory_region_get_ram_ptr(&m.ram))[0x100], 0x08);
    CHECK_U64(address_space_ldl_le(m.as, 0x104, MEMTXATTRS_UNSPECIFIED, &r), 0x01020304);
    CHECK_U64(address_space_lduw_le(m.as, 0x101, MEMTXATTRS_UNSPECIFIED, NULL), 0x0607);
    CHECK_U64(address_space_ldub(m.as, 0x107, MEMTXATTRS_UNSPECIFIED, NULL), 0x01);
    address_space_stw_le(m.as, 0x200, 0xabcd, MEMTXATTRS_UNSPECIFIED, NULL);
    address_space_stl_le(m.as, 0x204, 0x12345678, MEMTXATTRS_UNSPECIFIED, NULL);
    address_space_stb(m.as, 0x208, 0x99, MEMTXATTRS_UNSPECIFIED, NULL);
    CHECK_U64(address_space_ldq_le(m.as, 0x200, MEMTXATTRS_UNSPECIFIED, NULL),
              0x123456780000abcd);
    CHECK_U64(address_space_ldub(m.as, 0x208, MEMTXATTRS_UNSPECIFIED, NULL), 0x99);
    machine_destroy(&m);
}

UNITTEST(unassigned)
{
    Machine m;
    uint8_t buf[8];
    uint64_t v = 7;

    machine_init(&m);
    CHECK_INT(address_space_load(m.as, 0x30000, 4, MEMTXATTRS_UNSPECIFIED, &v),
              MEMTX_DECODE_ERROR);
    CHECK_U64(v, 0);
    /* Straddling the end of the ROM: ROM bytes copied, the rest zero. */
    memset(memory_region_get_ram_ptr(&m.ram), 0xee, 0x10000);
    CHECK(memory_region_write_rom(&m.rom, 0xffc, "\x77", 1, &error_abort));
    memset(buf, 0x55, sizeof(buf));
    CHECK_INT(address_space_read(m.as, 0x10ffc, MEMTXATTRS_UNSPECIFIED, buf, 8),
              MEMTX_DECODE_ERROR);
    CHECK_INT(buf[0], 0x77);
    CHECK_INT(buf[4], 0x00);
    CHECK_INT(buf[7], 0x00);
    CHECK_INT(address_space_read(m.as, 0xfffc, MEMTXATTRS_UNSPECIFIED, buf, 8), MEMTX_OK);
    CHECK_INT(buf[0], 0xee);                           /* RAM then ROM: both assigned */
    m.s.regs[0x3c] = 0xdc;
    CHECK_INT(address_space_read(m.as, 0x2003c, MEMTXATTRS_UNSPECIFIED, buf, 8),
              MEMTX_DECODE_ERROR);                     /* device end, then a hole */
    CHECK_INT(buf[0], 0xdc);
    CHECK_INT(buf[4], 0);
    /* Running off the top of the address space. */
    CHECK_INT(address_space_read(m.as, UINT64_MAX - 1, MEMTXATTRS_UNSPECIFIED, buf, 4),
              MEMTX_DECODE_ERROR);
    CHECK_INT(address_space_write(m.as, 0x40000, MEMTXATTRS_UNSPECIFIED, buf, 4),
              MEMTX_DECODE_ERROR);
    machine_destroy(&m);
}

UNITTEST(rom_and_loaders)
{
    Machine m;
    uint8_t *rom;
    Error *err = NULL;

    machine_init(&m);
    rom = memory_region_get_ram_ptr(&m.rom);
    CHECK(address_space_write_rom(m.as, 0x10000, "\x13\x00\x00\x00", 4, &error_abort));
    CHECK_INT(rom[0], 0x13);
    /* The guest cannot write ROM; the write is ignored but not an error. */
    CHECK_INT(address_space_store(m.as, 0x10000, 1, MEMTXATTRS_UNSPECIFIED, 0xff), MEMTX_OK);
    CHECK_INT(rom[0], 0x13);
    /* A load that would run past the ROM into a hole writes nothing. */
    CHECK(!address_space_write_rom(m.as, 0x10ffe, "\x01\x02\x03\x04", 4, &err));
    CHECK(err != NULL);
    error_free(err);
    err = NULL;
    CHECK_INT(rom[0xffe], 0);
    CHECK(!address_space_write_rom(m.as, 0x20000, "\x01", 1, &err));   /* MMIO */
    error_free(err);
    err = NULL;
    CHECK(!address_space_write_rom(m.as, UINT64_MAX, "\x01\x02", 2, &err));
    error_free(err);
    err = NULL;
    CHECK(memory_region_write_rom(&m.rom, 0xffc, "\x01\x02\x03\x04", 4, &error_abort));
    CHECK(!memory_region_write_rom(&m.rom, 0xffd, "\x01\x02\x03\x04", 4, &err));
    error_free(err);
    err = NULL;
    CHECK(!memory_region_write_rom(&m.rom, UINT64_MAX, "\x01\x02", 2, &err));
    error_free(err);
    machine_destroy(&m);
}

UNITTEST(ram_fast_path)
{
    Machine m;
    uint64_t len;
    uint8_t *host;

    machine_init(&m);
    host = address_space_ram_ptr(m.as, 0x1234, true, &len);
    CHECK(host == (uint8_t *)memory_region_get_ram_ptr(&m.ram) + 0x1234);
    CHECK_U64(len, 0x10000 - 0x1234);
    host = address_space_ram_ptr(m.as, 0x10010, false, &len);
    CHECK(host == (uint8_t *)memory_region_get_ram_ptr(&m.rom) + 0x10);
    CHECK_U64(len, 0xff0);
    CHECK(address_space_ram_ptr(m.as, 0x10010, true, &len) == NULL);   /* ROM */
    CHECK(address_space_ram_ptr(m.as, 0x20000, false, &len) == NULL);  /* MMIO */
    CHECK(address_space_ram_ptr(m.as, 0x30000, false, &len) == NULL);  /* hole */
    CHECK_U64(len, 0);
    machine_destroy(&m);
}

static char notes[256];

static void note_write(GuestPaddr addr, uint64_t len)
{
    size_t n = strlen(notes);
    snprintf(notes + n, sizeof(notes) - n, "%" PRIx64 "+%" PRIx64 " ", addr, len);
}

UNITTEST(ram_write_notifier)
{
    Machine m;

    machine_init(&m);
    notes[0] = 0;
    memory_set_ram_write_notifier(note_write);
    address_space_write(m.as, 0x100, MEMTXATTRS_UNSPECIFIED, "abcd", 4);
    address_space_store(m.as, 0x200, 8, MEMTXATTRS_UNSPECIFIED, 0);
    address_space_store(m.as, 0x10000, 4, MEMTXATTRS_UNSPECIFIED, 0);   /* ROM: no */
    address_space_store(m.as, 0x20000, 4, MEMTXATTRS_UNSPECIFIED, 0);   /* MMIO: no */
    address_space_read(m.as, 0x100, MEMTXATTRS_UNSPECIFIED, notes + 200, 4); /* read: no */
    /* A write straddling RAM and ROM reports only the RAM part. */
    address_space_write(m.as, 0xfffe, MEMTXATTRS_UNSPECIFIED, "abcd", 4);
    CHECK_STR(notes, "100+4 200+8 fffe+2 ");
    memory_set_ram_write_notifier(NULL);
    address_space_write(m.as, 0x100, MEMTXATTRS_UNSPECIFIED, "abcd", 4);
    CHECK_STR(notes, "100+4 200+8 fffe+2 ");
    machine_destroy(&m);
}

UNITTEST(guest_errors_logged)
{
    Machine m;
    char path[] = "/tmp/morpho-memtest-XXXXXX";
    int fd = mkstemp(path);
    char text[512] = "";
    uint64_t v;
    FILE *f;

    CHECK(fd >= 0);
    close(fd);
    machine_init(&m);
    CHECK(log_set_file(path));
    log_mask = 0;
    address_space_load(m.as, 0x30000, 4, MEMTXATTRS_UNSPECIFIED, &v);  /* not enabled */
    log_mask = LOG_GUEST_ERRORS;
    address_space_load(m.as, 0x30000, 4, MEMTXATTRS_UNSPECIFIED, &v);
    address_space_store(m.as, 0x10000, 4, MEMTXATTRS_UNSPECIFIED, 0);
    log_mask = 0;
    CHECK(log_set_file(NULL));
    f = fopen(path, "r");
    CHECK(f != NULL);
    if (f) {
        size_t n = fread(text, 1, sizeof(text) - 1, f);
        text[n] = 0;
        fclose(f);
    }
    unlink(path);
    CHECK_STR(text, "memory: unassigned read of 0x4 bytes at 0x30000\n"
                    "memory: write of 0x4 bytes to ROM 'rom' at 0x10000 ignored\n");
    machine_destroy(&m);
}

UNITTEST(top_of_address_space)
{
    /* A device spanning all 2^64 bytes: accesses at the very top must stay
     * inside it, and whatever runs past 2^64 reads as unassigned. */
    MemoryRegion dev;
    FakeDev s = { .endian = DEVICE_LITTLE_ENDIAN };
    MemoryRegionOps ops = { .read = fake_read, .write = fake_write,
                            .impl.min_access_size = 4 };
    AddressSpace *as;
    uint64_t v = 1, len;

    memset(s.regs, 0x33, sizeof(s.regs));
    memory_region_init_io(&dev, NULL, &ops, &s, "everything", MEMORY_SIZE_ALL);
    as = address_space_create(&dev, "io");
    CHECK(address_space_translate(as, UINT64_MAX, &v, &len, NULL) == &dev);
    CHECK_U64(v, UINT64_MAX);
    CHECK_U64(len, 1);
    CHECK_INT(address_space_load(as, UINT64_MAX - 1, 2, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_OK);
    CHECK_U64(v, 0x3333);
    CHECK_INT(address_space_load(as, UINT64_MAX - 1, 4, MEMTXATTRS_UNSPECIFIED, &v),
              MEMTX_DECODE_ERROR);
    CHECK_U64(v, 0x3333);                              /* bytes past 2^64 read 0 */
    CHECK_STR(s.log, "rfffffffffffffffc+4 rfffffffffffffffc+4 ");
    address_space_destroy(as);
    memory_region_destroy(&dev);
}

static MemTxResult picky_read(void *opaque, uint64_t addr, uint64_t *val, unsigned size,
                              MemTxAttrs attrs)
{
    /* Only requester 7 may read; others get a bus error. */
    *val = 0x1234;
    return attrs.requester_id == 7 ? MEMTX_OK : MEMTX_ERROR;
}

static MemTxResult picky_write(void *opaque, uint64_t addr, uint64_t val, unsigned size,
                               MemTxAttrs attrs)
{
    *(uint64_t *)opaque = val;
    return addr == 0 ? MEMTX_OK : MEMTX_ERROR;
}

UNITTEST(device_reported_errors)
{
    static const MemoryRegionOps ops = { .read_with_attrs = picky_read,
                                         .write_with_attrs = picky_write };
    MemoryRegion dev;
    AddressSpace *as;
    uint64_t v, last = 0;

    memory_region_init_io(&dev, NULL, &ops, &last, "picky", 0x100);
    as = address_space_create(&dev, "picky");
    CHECK_INT(address_space_load(as, 0, 4, (MemTxAttrs){ .requester_id = 7 }, &v), MEMTX_OK);
    CHECK_U64(v, 0x1234);
    CHECK_INT(address_space_load(as, 0, 4, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_ERROR);
    CHECK_INT(address_space_store(as, 0, 4, MEMTXATTRS_UNSPECIFIED, 0x55), MEMTX_OK);
    CHECK_U64(last, 0x55);
    /* An 8-byte store split in two: the second half fails, the result says so. */
    CHECK_INT(address_space_store(as, 0, 8, MEMTXATTRS_UNSPECIFIED, 0x1111111122222222),
              MEMTX_ERROR);
    CHECK_U64(last, 0x11111111);
    address_space_destroy(as);
    memory_region_destroy(&dev);
}

static int sections_seen;
static bool last_ram_backed;

static void count_add(MemoryListener *l, MemoryRegionSection *s)
{
    sections_seen++;
    last_ram_backed = s->ram_backed;
}

UNITTEST(rom_device)
{
    static const MemoryRegionOps ops = { .read = fake_read, .write = fake_write };
    MemoryRegion root, flash;
    FakeDev s = { .endian = DEVICE_LITTLE_ENDIAN };
    MemoryListener l = { .region_add = count_add };
    AddressSpace *as;
    uint64_t v, len;
    uint8_t *host;

    memory_region_init(&root, NULL, "system", MEMORY_SIZE_ALL);
    CHECK(memory_region_init_rom_device(&flash, NULL, &ops, &s, "flash", 0x1000,
                                        &error_abort));
    memory_region_add_subregion(&root, 0x20000000, &flash);
    as = address_space_create(&root, "memory");
    memory_listener_register(&l, as);
    CHECK_INT(sections_seen, 1);
    CHECK(last_ram_backed);
    host = memory_region_get_ram_ptr(&flash);
    CHECK(address_space_write_rom(as, 0x20000000, "abcd", 4, &error_abort));
    CHECK(memcmp(host, "abcd", 4) == 0);

    /* romd mode: reads from RAM, writes are commands to the device. */
    CHECK(memory_region_is_romd(&flash));
    CHECK_INT(address_space_load(as, 0x20000000, 4, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_OK);
    CHECK_U64(v, 0x64636261);
    CHECK_INT(address_space_store(as, 0x20000000, 1, MEMTXATTRS_UNSPECIFIED, 0x98), MEMTX_OK);
    CHECK_STR(s.log, "w0+1=98 ");
    CHECK_INT(host[0], 'a');
    CHECK(address_space_ram_ptr(as, 0x20000000, false, &len) == host);
    CHECK(address_space_ram_ptr(as, 0x20000000, true, &len) == NULL);

    /* Out of romd mode the device answers reads, and KVM must unmap it. */
    s.log[0] = 0;
    memory_region_rom_device_set_romd(&flash, false);
    CHECK_INT(sections_seen, 2);
    CHECK(!last_ram_backed);
    CHECK_INT(address_space_load(as, 0x20000000, 4, MEMTXATTRS_UNSPECIFIED, &v), MEMTX_OK);
    CHECK_STR(s.log, "r0+4 ");
    CHECK(address_space_ram_ptr(as, 0x20000000, false, &len) == NULL);

    memory_listener_unregister(&l);
    address_space_destroy(as);
    memory_region_destroy(&root);
    memory_region_destroy(&flash);
}
