/*
 * Tests of the boot protocol's data: bzImage header parsing against a
 * synthetic image built here, refusal of truncated and foreign images with
 * the expected messages, the e820 map for several RAM sizes, initrd
 * placement and the zero page fields Linux reads.
 */
#include "hw/x86/bootparam.h"

#include <stdlib.h>

#include "util/unittest.h"

#define SETUP_SECTS 3
#define SYSSIZE_PARAS 64        /* 1 KiB of "kernel" */
#define IMAGE_BYTES ((SETUP_SECTS + 1) * 512 + SYSSIZE_PARAS * 16)

/* A bzImage with protocol 2.15, LOADED_HIGH and XLF_KERNEL_64. */
static void make_bzimage(uint8_t *img)
{
    memset(img, 0, IMAGE_BYTES);
    img[0x1f1] = SETUP_SECTS;
    x86_put_le32(img + 0x1f4, SYSSIZE_PARAS);
    x86_put_le16(img + 0x1fe, 0xaa55);
    img[0x200] = 0xeb;
    img[0x201] = 0x6a;                              /* header ends at 0x26c */
    memcpy(img + 0x202, "HdrS", 4);
    x86_put_le16(img + 0x206, 0x020f);
    img[0x211] = BOOTPARAM_LOADED_HIGH;
    x86_put_le32(img + 0x22c, 0x7fffffff);          /* initrd_addr_max */
    x86_put_le32(img + 0x230, 0x200000);            /* kernel_alignment */
    img[0x234] = 1;
    x86_put_le16(img + 0x236, BOOTPARAM_XLF_KERNEL_64);
    x86_put_le32(img + 0x238, 2047);                /* cmdline_size */
    x86_put_le64(img + 0x258, 0x1000000);           /* pref_address */
    x86_put_le32(img + 0x260, 0x400000);            /* init_size */
    img[(SETUP_SECTS + 1) * 512] = 0x90;            /* first kernel byte */
}

static const char *parse_error(const uint8_t *img, size_t size)
{
    static char msg[512];
    BzImageHeader h;
    Error *err = NULL;

    if (bzimage_parse(img, size, "vmlinuz", &h, &err)) {
        return "(accepted)";
    }
    snprintf(msg, sizeof(msg), "%s", error_get_pretty(err));
    error_free(err);
    return msg;
}

UNITTEST(bzimage_header_fields)
{
    uint8_t img[IMAGE_BYTES];
    BzImageHeader h;

    make_bzimage(img);
    CHECK(bzimage_parse(img, sizeof(img), "vmlinuz", &h, &error_abort));
    CHECK_INT(h.setup_sects, SETUP_SECTS);
    CHECK_INT(h.version, 0x020f);
    CHECK_INT(h.setup_bytes, 2048);
    CHECK_INT(h.kernel_bytes, SYSSIZE_PARAS * 16);
    CHECK_U64(h.kernel_alignment, 0x200000);
    CHECK_U64(h.init_size, 0x400000);
    CHECK_U64(h.initrd_addr_max, 0x7fffffff);
    CHECK_INT(h.cmdline_size, 2047);
    CHECK_U64(h.pref_address, 0x1000000);
    CHECK_INT(h.hdr_end, 0x26c);
    CHECK_INT(h.relocatable_kernel, 1);
}

UNITTEST(bzimage_setup_sects_zero_means_four)
{
    static uint8_t img[5 * 512 + SYSSIZE_PARAS * 16];
    BzImageHeader h;

    make_bzimage(img);
    img[0x1f1] = 0;
    CHECK(bzimage_parse(img, sizeof(img), "vmlinuz", &h, &error_abort));
    CHECK_INT(h.setup_sects, 4);
    CHECK_INT(h.setup_bytes, 5 * 512);
}

UNITTEST(bzimage_init_size_covers_the_file)
{
    uint8_t img[IMAGE_BYTES];
    BzImageHeader h;

    make_bzimage(img);
    x86_put_le32(img + 0x260, 16);                  /* smaller than the kernel itself */
    CHECK(bzimage_parse(img, sizeof(img), "vmlinuz", &h, &error_abort));
    CHECK_U64(h.init_size, SYSSIZE_PARAS * 16);
}

UNITTEST(bzimage_refuses_truncated)
{
    uint8_t img[IMAGE_BYTES];

    make_bzimage(img);
    CHECK_STR(parse_error(img, 0x100),
              "vmlinuz is too short for a bzImage (256 bytes, the setup header ends at 0x264)");
    CHECK_STR(parse_error(img, IMAGE_BYTES - 1),
              "vmlinuz is truncated: the header announces 3072 bytes (3 setup sectors + "
              "syssize 64), the file has 3071");
    CHECK_STR(parse_error(img, 0x800),
              "vmlinuz is truncated: the header announces 3072 bytes (3 setup sectors + "
              "syssize 64), the file has 2048");
}

UNITTEST(bzimage_refuses_foreign)
{
    uint8_t img[IMAGE_BYTES];

    make_bzimage(img);
    memcpy(img, "\x7f" "ELF", 4);
    CHECK_STR(parse_error(img, sizeof(img)),
              "vmlinuz is an ELF file (a vmlinux? use the ELF loader), not an x86 bzImage");

    make_bzimage(img);
    memcpy(img + 0x38, "ARM\x64", 4);
    CHECK_STR(parse_error(img, sizeof(img)), "vmlinuz is an arm64 Linux Image, not an x86 bzImage");

    make_bzimage(img);
    memcpy(img + 0x38, "RSC\x05", 4);
    CHECK_STR(parse_error(img, sizeof(img)), "vmlinuz is a RISC-V Linux Image, not an x86 bzImage");

    make_bzimage(img);
    memcpy(img + 0x202, "HdrX", 4);
    CHECK_STR(parse_error(img, sizeof(img)),
              "vmlinuz is not an x86 bzImage (no \"HdrS\" magic at 0x202)");
}

UNITTEST(bzimage_refuses_old_or_32bit_only)
{
    uint8_t img[IMAGE_BYTES];

    make_bzimage(img);
    x86_put_le16(img + 0x206, 0x020a);
    CHECK_STR(parse_error(img, sizeof(img)),
              "vmlinuz uses boot protocol 2.10; we need 2.12 or newer "
              "(xloadflags with the 64-bit entry)");

    make_bzimage(img);
    img[0x211] = 0;
    CHECK_STR(parse_error(img, sizeof(img)),
              "vmlinuz is a zImage (LOADED_HIGH clear in loadflags); only bzImage is supported");

    make_bzimage(img);
    x86_put_le16(img + 0x236, 0);
    CHECK_STR(parse_error(img, sizeof(img)),
              "vmlinuz has no 64-bit entry point (XLF_KERNEL_64 clear in xloadflags)");

    make_bzimage(img);
    img[0x201] = 0x10;                              /* header "ends" before init_size */
    CHECK_STR(parse_error(img, sizeof(img)),
              "vmlinuz: setup header end 0x212 is inconsistent with 3 setup sectors");
}

static void check_entry(const E820Entry *e, uint64_t addr, uint64_t size, uint32_t type)
{
    CHECK_U64(e->addr, addr);
    CHECK_U64(e->size, size);
    CHECK_INT(e->type, type);
}

UNITTEST(e820_small_ram)
{
    E820Entry e[4];
    X86RamLayout l = { .ram_size = 16u << 20, .gap_start = 0xc0000000 };

    CHECK_INT(e820_build(&l, e, 4), 3);
    check_entry(&e[0], 0, 0x9fc00, E820_RAM);
    check_entry(&e[1], 0x9fc00, 0x100000 - 0x9fc00, E820_RESERVED);
    check_entry(&e[2], 0x100000, (16u << 20) - 0x100000, E820_RAM);
    CHECK_U64(x86_ram_below_4g_end(&l), 16u << 20);
}

UNITTEST(e820_ram_up_to_the_gap)
{
    E820Entry e[4];
    X86RamLayout l = { .ram_size = 0xc0000000, .gap_start = 0xc0000000 };

    CHECK_INT(e820_build(&l, e, 4), 3);
    check_entry(&e[2], 0x100000, 0xc0000000 - 0x100000, E820_RAM);
}

UNITTEST(e820_ram_above_4g)
{
    E820Entry e[4];
    X86RamLayout l = { .ram_size = 8ull << 30, .gap_start = 0xc0000000 };

    CHECK_INT(e820_build(&l, e, 4), 4);
    check_entry(&e[2], 0x100000, 0xc0000000 - 0x100000, E820_RAM);
    check_entry(&e[3], 1ull << 32, (8ull << 30) - 0xc0000000, E820_RAM);
    CHECK_U64(x86_ram_below_4g_end(&l), 0xc0000000);
}

UNITTEST(e820_too_little_ram)
{
    E820Entry e[4];
    X86RamLayout l = { .ram_size = 1u << 20, .gap_start = 0xc0000000 };

    CHECK_INT(e820_build(&l, e, 4), 0);
}

UNITTEST(initrd_placement)
{
    GuestPaddr a = 0;
    Error *err = NULL;

    /* Top of RAM, page aligned down. */
    CHECK(bootparam_place_initrd(0x7fffffff, 64u << 20, 0x500000, 0x1801, &a, &error_abort));
    CHECK_U64(a, (64u << 20) - 0x2000);
    /* initrd_addr_max is the last byte it may occupy: the limit is max + 1. */
    CHECK(bootparam_place_initrd(0x37ffffff, 2ull << 30, 0x500000, 0x1000, &a, &error_abort));
    CHECK_U64(a, 0x38000000 - 0x1000);
    /* 0 (before protocol 2.03) means 0x37ffffff. */
    CHECK(bootparam_place_initrd(0, 2ull << 30, 0x500000, 0x1000, &a, &error_abort));
    CHECK_U64(a, 0x38000000 - 0x1000);
    /* It must not overlap the kernel's init_size. */
    CHECK(!bootparam_place_initrd(0x7fffffff, 16u << 20, 15u << 20, 2u << 20, &a, &err));
    CHECK_STR(error_get_pretty(err), "initrd of 2097152 bytes does not fit between the kernel "
              "(ends at 0xf00000) and 0x1000000; give the guest more RAM");
    error_free(err);
    err = NULL;
    CHECK(!bootparam_place_initrd(0x7fffffff, 16u << 20, 0x200000, 32u << 20, &a, &err));
    CHECK(err != NULL);
    error_free(err);
}

UNITTEST(zero_page_fields)
{
    uint8_t img[IMAGE_BYTES];
    static uint8_t zp[BOOTPARAM_ZERO_PAGE_BYTES];
    BzImageHeader h;
    E820Entry e[4];
    X86RamLayout l = { .ram_size = 8ull << 30, .gap_start = 0xc0000000 };
    unsigned n;

    make_bzimage(img);
    img[0x1f1 + 0x80] = 0xee;                       /* past the header: must not be copied */
    CHECK(bzimage_parse(img, sizeof(img), "vmlinuz", &h, &error_abort));
    n = e820_build(&l, e, 4);
    memset(zp, 0xaa, sizeof(zp));
    bootparam_build(zp, &(BootParamsConfig){
        .image = img, .hdr = &h, .cmdline_addr = 0x20000,
        .initrd_addr = 0x100000000ull + 0x5000, .initrd_size = 0x3000,
        .e820 = e, .e820_count = n,
    });
    CHECK_U64(x86_le32(zp + BP_HEADER), BOOTPARAM_HDRS_MAGIC);
    CHECK_U64(x86_le16(zp + BP_VERSION), 0x020f);
    CHECK_INT(zp[0x1f1], SETUP_SECTS);
    CHECK_U64(x86_le32(zp + BP_KERNEL_ALIGNMENT), 0x200000);
    CHECK_U64(x86_le32(zp + BP_INIT_SIZE), 0x400000);
    CHECK_INT(zp[0x26c], 0);                        /* zeroed beyond hdr_end */
    CHECK_INT(zp[0x1f1 + 0x80], 0);
    CHECK_INT(zp[BP_TYPE_OF_LOADER], 0xff);
    CHECK_U64(x86_le16(zp + BP_VID_MODE), 0xffff);
    CHECK_INT(zp[BP_LOADFLAGS], BOOTPARAM_LOADED_HIGH | BOOTPARAM_CAN_USE_HEAP);
    CHECK_U64(x86_le32(zp + BP_CMD_LINE_PTR), 0x20000);
    CHECK_U64(x86_le32(zp + BP_EXT_CMD_LINE_PTR), 0);
    CHECK_U64(x86_le32(zp + BP_RAMDISK_IMAGE), 0x5000);
    CHECK_U64(x86_le32(zp + BP_EXT_RAMDISK_IMAGE), 1);
    CHECK_U64(x86_le32(zp + BP_RAMDISK_SIZE), 0x3000);
    CHECK_INT(zp[BP_E820_ENTRIES], 4);
    CHECK_U64(x86_le64(zp + BP_E820_TABLE + 20 * 3), 1ull << 32);
    CHECK_U64(x86_le64(zp + BP_E820_TABLE + 20 * 3 + 8), (8ull << 30) - 0xc0000000);
    CHECK_U64(x86_le32(zp + BP_E820_TABLE + 20 * 1 + 16), E820_RESERVED);
    CHECK_INT(zp[0], 0);
    CHECK_INT(zp[4095], 0);
}

UNITTEST(guest_mem_buffer_bounds)
{
    uint8_t ram[64];
    GuestMemBuffer b = { .base = ram, .size = sizeof(ram) };
    GuestMemWriter m = guest_mem_buffer_writer(&b);
    Error *err = NULL;

    CHECK(guest_mem_write(&m, 60, "abcd", 4, &error_abort));
    CHECK(memcmp(ram + 60, "abcd", 4) == 0);
    CHECK(!guest_mem_write(&m, 61, "abcd", 4, &err));
    CHECK_STR(error_get_pretty(err),
              "guest write of 4 bytes at 0x3d is outside RAM (0x40 bytes)");
    error_free(err);
    err = NULL;
    CHECK(!guest_mem_write(&m, UINT64_MAX - 1, "abcd", 4, &err));  /* no wrap-around */
    error_free(err);
}
