/*
 * Loaders against a small guest memory (ROM at 0x1000, RAM at 0x80000000):
 * synthetic ELFs (loaded, zero-filled bss, refused for the wrong class,
 * byte order or machine, truncation, and segments outside RAM/ROM), the
 * RISC-V Image header, gzip'd Images, raw loads, and ROM blobs rewritten
 * at reset.
 */
#include "hw/loader/loader.h"
#include "util/unittest.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (4ULL << 20)

typedef struct Bench {
    MemoryRegion root, ram, rom;
    AddressSpace *as;
} Bench;

static Bench *bench_new(void)
{
    Bench *b = calloc(1, sizeof(*b));

    memory_region_init(&b->root, NULL, "root", MEMORY_SIZE_ALL);
    CHECK(memory_region_init_ram(&b->ram, NULL, "ram", RAM_SIZE, NULL));
    CHECK(memory_region_init_rom(&b->rom, NULL, "rom", 0x1000, NULL));
    memory_region_add_subregion(&b->root, RAM_BASE, &b->ram);
    memory_region_add_subregion(&b->root, 0x1000, &b->rom);
    b->as = address_space_create(&b->root, "memory");
    loader_roms_clear();
    return b;
}

static void bench_free(Bench *b)
{
    address_space_destroy(b->as);
    memory_region_del_subregion(&b->root, &b->ram);
    memory_region_del_subregion(&b->root, &b->rom);
    memory_region_destroy(&b->ram);
    memory_region_destroy(&b->rom);
    memory_region_destroy(&b->root);
    loader_roms_clear();
    free(b);
}

static uint64_t peek(Bench *b, uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    address_space_load(b->as, addr, size, MEMTXATTRS_UNSPECIFIED, &v);
    return v;
}

static void st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void st32(uint8_t *p, uint32_t v)
{
    st16(p, (uint16_t)v);
    st16(p + 2, (uint16_t)(v >> 16));
}

static void st64(uint8_t *p, uint64_t v)
{
    st32(p, (uint32_t)v);
    st32(p + 4, (uint32_t)(v >> 32));
}

/* An ELF64 with two PT_LOAD segments: 16 bytes of code at 0x80000000, and
 * 8 bytes of data at 0x80001000 followed by 0x100 bytes of bss; a PT_NOTE. */
static size_t make_elf(uint8_t *buf, size_t cap)
{
    memset(buf, 0, cap);
    memcpy(buf, "\177ELF", 4);
    buf[4] = 2;     /* ELFCLASS64 */
    buf[5] = 1;     /* little-endian */
    buf[6] = 1;
    st16(buf + 16, 2);          /* ET_EXEC */
    st16(buf + 18, EM_RISCV);
    st32(buf + 20, 1);
    st64(buf + 24, 0x80000004); /* entry */
    st64(buf + 32, 64);         /* phoff */
    st16(buf + 52, 64);
    st16(buf + 54, 56);
    st16(buf + 56, 3);          /* phnum */
    uint8_t *ph = buf + 64;
    /* PT_LOAD code */
    st32(ph, 1);
    st64(ph + 8, 0x200);
    st64(ph + 16, 0xffffffff80000000ULL);   /* vaddr differs: paddr is used */
    st64(ph + 24, 0x80000000);
    st64(ph + 32, 16);
    st64(ph + 40, 16);
    ph += 56;
    /* PT_NOTE, ignored */
    st32(ph, 4);
    st64(ph + 8, 0x210);
    st64(ph + 32, 4);
    ph += 56;
    /* PT_LOAD data + bss */
    st32(ph, 1);
    st64(ph + 8, 0x220);
    st64(ph + 24, 0x80001000);
    st64(ph + 32, 8);
    st64(ph + 40, 0x108);
    for (int i = 0; i < 16; i++) {
        buf[0x200 + i] = (uint8_t)(0x10 + i);
    }
    st64(buf + 0x220, 0x1122334455667788ULL);
    return 0x228;
}

UNITTEST(elf_loads_segments_and_zeroes_bss)
{
    Bench *b = bench_new();
    uint8_t elf[0x400];
    size_t len = make_elf(elf, sizeof(elf));
    LoadedImage img;

    /* Dirty the bss first: the loader must clear it. */
    address_space_store(b->as, 0x80001010, 8, MEMTXATTRS_UNSPECIFIED, ~0ULL);
    CHECK(loader_load_elf_buf(b->as, "t.elf", elf, len, EM_RISCV, &img, &error_abort));
    CHECK_U64(img.entry, 0x80000004);
    CHECK_U64(img.low, 0x80000000);
    CHECK_U64(img.high, 0x80001108);
    CHECK_U64(peek(b, 0x80000000, 4), 0x13121110);
    CHECK_U64(peek(b, 0x8000000c, 4), 0x1f1e1d1c);
    CHECK_U64(peek(b, 0x80001000, 8), 0x1122334455667788ULL);
    CHECK_U64(peek(b, 0x80001010, 8), 0);

    /* ROM blobs come back after the guest scribbles over them. */
    address_space_store(b->as, 0x80000000, 4, MEMTXATTRS_UNSPECIFIED, 0);
    address_space_store(b->as, 0x80001010, 8, MEMTXATTRS_UNSPECIFIED, 5);
    loader_roms_reset(b->as);
    CHECK_U64(peek(b, 0x80000000, 4), 0x13121110);
    CHECK_U64(peek(b, 0x80001010, 8), 0);
    bench_free(b);
}

static void expect_elf_error(Bench *b, const uint8_t *elf, size_t len, const char *want)
{
    Error *err = NULL;
    LoadedImage img;

    CHECK(!loader_load_elf_buf(b->as, "t.elf", elf, len, EM_RISCV, &img, &err));
    CHECK(err != NULL);
    if (err) {
        if (!strstr(error_get_pretty(err), want)) {
            unittest_fail(__FILE__, __LINE__, "error \"%s\" lacks \"%s\"",
                          error_get_pretty(err), want);
        }
        error_free(err);
    }
}

UNITTEST(elf_refusals)
{
    Bench *b = bench_new();
    uint8_t elf[0x400];
    size_t len = make_elf(elf, sizeof(elf));

    expect_elf_error(b, (const uint8_t *)"hello", 5, "t.elf: not an ELF file");
    expect_elf_error(b, elf, 40, "truncated ELF header");
    expect_elf_error(b, elf, 64 + 56, "truncated ELF file: program headers end at 232");
    expect_elf_error(b, elf, 0x220, "truncated ELF file: segment 2 ends at 552");

    elf[4] = 1;
    expect_elf_error(b, elf, len, "ELF class 32-bit, expected 64-bit");
    elf[4] = 2;
    elf[5] = 2;
    expect_elf_error(b, elf, len, "not little-endian");
    elf[5] = 1;
    st16(elf + 18, 62);
    expect_elf_error(b, elf, len, "ELF machine 62 (x86-64), expected 243 (RISC-V)");
    st16(elf + 18, EM_RISCV);

    /* A segment outside RAM and ROM. */
    st64(elf + 64 + 2 * 56 + 24, 0x40000000);
    expect_elf_error(b, elf, len, "segment 2 at 0x40000000-0x40000107 is not in RAM or ROM");
    /* One that runs off the end of RAM. */
    st64(elf + 64 + 2 * 56 + 24, RAM_BASE + RAM_SIZE - 8);
    expect_elf_error(b, elf, len, "is not in RAM or ROM");
    st64(elf + 64 + 2 * 56 + 24, 0x80001000);
    /* filesz > memsz */
    st64(elf + 64 + 2 * 56 + 40, 4);
    expect_elf_error(b, elf, len, "exceeds memory size");
    bench_free(b);
}

/* A minimal RISC-V Image: header, then payload. */
static size_t make_image(uint8_t *buf, size_t cap, bool efi)
{
    memset(buf, 0, cap);
    if (efi) {
        buf[0] = 'M';
        buf[1] = 'Z';
    } else {
        st32(buf, 0x0000006f);       /* j . (code0) */
    }
    st64(buf + 8, 0x200000);         /* text_offset */
    st64(buf + 16, 0x3000);          /* image_size, with bss */
    st32(buf + 36, 2);               /* version 0.2 */
    memcpy(buf + 48, "RISCV\0\0\0", 8);
    memcpy(buf + 56, "RSC\x05", 4);
    for (size_t i = 64; i < cap; i++) {
        buf[i] = (uint8_t)i;
    }
    return cap;
}

UNITTEST(riscv_image_header)
{
    uint8_t img[0x1000];
    RiscvImageHeader hdr;

    make_image(img, sizeof(img), false);
    CHECK(loader_parse_riscv_image(img, sizeof(img), &hdr));
    CHECK_U64(hdr.text_offset, 0x200000);
    CHECK_U64(hdr.image_size, 0x3000);
    make_image(img, sizeof(img), true);
    CHECK(loader_parse_riscv_image(img, sizeof(img), &hdr));
    CHECK(!loader_parse_riscv_image(img, 60, &hdr));
    memset(img + 48, 0, 16);
    CHECK(!loader_parse_riscv_image(img, sizeof(img), &hdr));
}

UNITTEST(kernel_image_raw_and_gzip)
{
    Bench *b = bench_new();
    static uint8_t img[0x1000];
    LoadedImage li;

    make_image(img, sizeof(img), true);
    CHECK(loader_load_kernel_buf(b->as, "Image", img, sizeof(img), 0x80200000 - 0x200000 + 0x1000,
                                 &li, &error_abort));
    CHECK_U64(li.entry, 0x80001000);
    CHECK_U64(li.high, 0x80001000 + 0x3000);     /* image_size covers the bss */
    CHECK_U64(peek(b, 0x80001000, 2), 0x5a4d);   /* "MZ" */

    /* The same Image gzip'd. */
    uint8_t gz[0x2000];
    z_stream zs = { 0 };
    CHECK_INT(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = img;
    zs.avail_in = sizeof(img);
    zs.next_out = gz;
    zs.avail_out = sizeof(gz);
    CHECK_INT(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t gz_len = zs.total_out;
    deflateEnd(&zs);
    CHECK(loader_is_gzip(gz, gz_len));
    CHECK(loader_load_kernel_buf(b->as, "Image.gz", gz, gz_len, 0x80100000, &li,
                                 &error_abort));
    CHECK_U64(li.entry, 0x80100000);
    CHECK_U64(peek(b, 0x80100000 + 0xff0, 1), 0xf0);

    /* Truncated gzip is refused. */
    Error *err = NULL;
    CHECK(!loader_load_kernel_buf(b->as, "bad.gz", gz, gz_len / 2, 0x80100000, &li, &err));
    CHECK(err && strstr(error_get_pretty(err), "bad.gz: corrupt or truncated gzip data"));
    error_free(err);

    /* Raw bytes that do not fit. */
    err = NULL;
    CHECK(!loader_load_raw_buf(b->as, "big", img, sizeof(img), RAM_BASE + RAM_SIZE - 16, &li,
                               &err));
    CHECK(err && strstr(error_get_pretty(err), "do not fit in RAM or ROM"));
    error_free(err);

    /* ROM takes loader writes even though the guest cannot write it. */
    CHECK(loader_add_blob(b->as, "rom", 0x1000, "\x13\0\0\0", 4, &error_abort));
    CHECK_U64(peek(b, 0x1000, 4), 0x13);
    bench_free(b);
}

UNITTEST(read_file_errors)
{
    uint8_t *buf;
    size_t len;
    Error *err = NULL;

    CHECK(!loader_read_file("/nonexistent/kernel", &buf, &len, &err));
    CHECK(err && strstr(error_get_pretty(err), "could not open '/nonexistent/kernel'"));
    error_free(err);
}
