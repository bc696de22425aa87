/*
 * Tests of Linux direct boot into a plain buffer: GDT descriptors, the
 * identity map's entries, a whole bzImage load (kernel at 1 MiB, command
 * line, zero page, initrd, entry state) and its refusals, and the ELF
 * vmlinux loader (segments at p_paddr, .bss zeroed, physical entry).
 */
#include "hw/x86/linux_boot.h"

#include <stdlib.h>

#include "util/unittest.h"

#define RAM_BYTES (32u << 20)
#define KERNEL_BYTES 4096

static uint8_t *ram_new(GuestMemBuffer *b, GuestMemWriter *m)
{
    b->base = calloc(1, RAM_BYTES);
    b->size = RAM_BYTES;
    *m = guest_mem_buffer_writer(b);
    return b->base;
}

UNITTEST(gdt_entries)
{
    uint64_t gdt[X86_BOOT_GDT_ENTRIES];

    x86_boot_gdt(gdt);
    CHECK_U64(gdt[0], 0);
    /* The values Linux's own boot code and Firecracker use. */
    CHECK_U64(gdt[X86_BOOT_CS >> 3], 0x00af9b000000ffffull);
    CHECK_U64(gdt[X86_BOOT_DS >> 3], 0x00cf93000000ffffull);
    /* A 64-bit TSS-like descriptor: base and limit split across the fields. */
    CHECK_U64(x86_gdt_entry(0x808b, 0x12345678, 0x67), 0x12808b3456780067ull);
}

UNITTEST(identity_map)
{
    GuestMemBuffer b;
    GuestMemWriter m;
    uint8_t *ram = ram_new(&b, &m);

    CHECK(x86_build_identity_map(&m, X86_BOOT_PML4, 4, &error_abort));
    CHECK_U64(x86_le64(ram + X86_BOOT_PML4), (X86_BOOT_PML4 + 0x1000) | 3);
    CHECK_U64(x86_le64(ram + X86_BOOT_PML4 + 8), 0);
    for (unsigned g = 0; g < 4; g++) {
        CHECK_U64(x86_le64(ram + X86_BOOT_PML4 + 0x1000 + 8 * g),
                  (X86_BOOT_PML4 + 0x2000 + 0x1000 * g) | 3);
    }
    CHECK_U64(x86_le64(ram + X86_BOOT_PML4 + 0x1000 + 8 * 4), 0);
    /* First PD: 2 MiB pages from 0; last entry of the 4th PD maps 4 GiB - 2 MiB. */
    CHECK_U64(x86_le64(ram + X86_BOOT_PML4 + 0x2000), 0x83);
    CHECK_U64(x86_le64(ram + X86_BOOT_PML4 + 0x2000 + 8), 0x200083);
    CHECK_U64(x86_le64(ram + X86_BOOT_PML4 + 0x5000 + 8 * 511), 0xffe00083ull);
    /* The tables stay below the EBDA. */
    CHECK(X86_BOOT_PML4 + 0x6000 <= E820_LOW_RAM_END);
    free(ram);
}

static uint8_t *make_bzimage(size_t *size)
{
    size_t setup = 2 * 512;
    uint8_t *img = calloc(1, setup + KERNEL_BYTES);

    img[0x1f1] = 1;
    x86_put_le32(img + 0x1f4, KERNEL_BYTES / 16);
    img[0x201] = 0x6a;
    memcpy(img + 0x202, "HdrS", 4);
    x86_put_le16(img + 0x206, 0x020c);
    img[0x211] = BOOTPARAM_LOADED_HIGH;
    x86_put_le32(img + 0x22c, 0x7fffffff);
    x86_put_le16(img + 0x236, BOOTPARAM_XLF_KERNEL_64);
    x86_put_le32(img + 0x238, 32);
    x86_put_le32(img + 0x260, 0x200000);
    memcpy(img + setup, "KERNEL", 6);
    img[setup + 0x200] = 0xf4;                      /* startup_64 */
    *size = setup + KERNEL_BYTES;
    return img;
}

UNITTEST(bzimage_load)
{
    GuestMemBuffer b;
    GuestMemWriter m;
    uint8_t *ram = ram_new(&b, &m);
    uint8_t initrd[100] = "INITRD";
    size_t size;
    uint8_t *img = make_bzimage(&size);
    X86BootInfo info;

    CHECK(x86_linux_load(&m, &(X86LinuxBootConfig){
              .kernel = img, .kernel_size = size, .kernel_name = "bz",
              .initrd = initrd, .initrd_size = sizeof(initrd), .cmdline = "console=ttyS0",
              .ram = { .ram_size = RAM_BYTES, .gap_start = 0xc0000000 } },
          &info, &error_abort));
    CHECK_U64(info.entry, 0x100200);
    CHECK_U64(info.boot_params, X86_BOOT_ZERO_PAGE);
    CHECK_U64(info.pml4, X86_BOOT_PML4);
    CHECK_U64(info.kernel_end, 0x300000);
    CHECK_INT(info.code_sel, 0x10);
    CHECK_INT(info.data_sel, 0x18);
    CHECK_INT(info.gdt_limit, 31);
    CHECK(memcmp(ram + 0x100000, "KERNEL", 6) == 0);
    CHECK_INT(ram[0x100200], 0xf4);
    CHECK_STR((char *)ram + X86_BOOT_CMDLINE, "console=ttyS0");
    CHECK_U64(info.initrd_addr, RAM_BYTES - 0x1000);
    CHECK(memcmp(ram + info.initrd_addr, "INITRD", 6) == 0);

    uint8_t *zp = ram + X86_BOOT_ZERO_PAGE;
    CHECK_U64(x86_le32(zp + BP_CMD_LINE_PTR), X86_BOOT_CMDLINE);
    CHECK_U64(x86_le32(zp + BP_RAMDISK_IMAGE), RAM_BYTES - 0x1000);
    CHECK_U64(x86_le32(zp + BP_RAMDISK_SIZE), sizeof(initrd));
    CHECK_INT(zp[BP_E820_ENTRIES], 3);
    CHECK_U64(x86_le64(ram + X86_BOOT_GDT_ADDR + 0x10), 0x00af9b000000ffffull);
    free(img);
    free(ram);
}

UNITTEST(bzimage_load_refusals)
{
    GuestMemBuffer b;
    GuestMemWriter m;
    uint8_t *ram = ram_new(&b, &m);
    size_t size;
    uint8_t *img = make_bzimage(&size);
    X86BootInfo info;
    Error *err = NULL;
    char longline[64];

    memset(longline, 'x', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = 0;
    CHECK(!x86_linux_load(&m, &(X86LinuxBootConfig){
              .kernel = img, .kernel_size = size, .kernel_name = "bz", .cmdline = longline,
              .ram = { .ram_size = RAM_BYTES, .gap_start = 0xc0000000 } }, &info, &err));
    CHECK_STR(error_get_pretty(err), "kernel command line is 63 bytes; bz accepts at most 32");
    error_free(err);
    err = NULL;

    CHECK(!x86_linux_load(&m, &(X86LinuxBootConfig){
              .kernel = img, .kernel_size = size, .kernel_name = "bz",
              .ram = { .ram_size = 2u << 20, .gap_start = 0xc0000000 } }, &info, &err));
    CHECK_STR(error_get_pretty(err), "bz needs RAM up to 0x300000 (init_size 0x200000 from "
              "0x100000) but RAM below 4 GiB ends at 0x200000");
    error_free(err);
    err = NULL;

    static uint8_t big_initrd[31u << 20];
    CHECK(!x86_linux_load(&m, &(X86LinuxBootConfig){
              .kernel = img, .kernel_size = size, .kernel_name = "bz",
              .initrd = big_initrd, .initrd_size = sizeof(big_initrd),
              .ram = { .ram_size = RAM_BYTES, .gap_start = 0xc0000000 } }, &info, &err));
    CHECK(err && strncmp(error_get_pretty(err), "initrd: initrd of", 17) == 0);
    error_free(err);
    free(img);
    free(ram);
}

UNITTEST(bzimage_decompression_area)
{
    GuestMemBuffer b;
    GuestMemWriter m;
    uint8_t *ram = ram_new(&b, &m);
    size_t size;
    uint8_t *img = make_bzimage(&size);
    X86BootInfo info;
    Error *err = NULL;
    X86LinuxBootConfig c = { .kernel = img, .kernel_size = size, .kernel_name = "bz",
                             .ram = { .ram_size = RAM_BYTES, .gap_start = 0xc0000000 } };

    /* Relocatable, 2 MiB aligned, LOAD_PHYSICAL_ADDR 16 MiB: runs at 16 MiB. */
    x86_put_le32(img + 0x230, 0x200000);
    img[0x234] = 1;
    x86_put_le64(img + 0x258, 0x1000000);
    CHECK(x86_linux_load(&m, &c, &info, &error_abort));
    CHECK_U64(info.kernel_end, 0x1200000);
    /* Relocatable with a low pref_address: 1 MiB rounded up to 2 MiB. */
    x86_put_le64(img + 0x258, 0x100000);
    CHECK(x86_linux_load(&m, &c, &info, &error_abort));
    CHECK_U64(info.kernel_end, 0x400000);
    /* Not relocatable: pref_address, whatever the alignment. */
    img[0x234] = 0;
    x86_put_le64(img + 0x258, 0x1f00000);
    CHECK(!x86_linux_load(&m, &c, &info, &err));
    CHECK_STR(error_get_pretty(err), "bz needs RAM up to 0x2100000 (init_size 0x200000 from "
              "0x1f00000) but RAM below 4 GiB ends at 0x2000000");
    error_free(err);
    free(img);
    free(ram);
}

/* An ELF64 x86-64 executable: one PT_LOAD at vaddr 0xffffffff81000000,
 * paddr 0x1000000, 16 bytes in the file and 0x2000 in memory. */
static uint8_t *make_elf(size_t *size)
{
    uint8_t *f = calloc(1, 0x200);

    memcpy(f, "\x7f" "ELF", 4);
    f[4] = 2;
    f[5] = 1;
    f[6] = 1;
    x86_put_le16(f + 16, 2);
    x86_put_le16(f + 18, 62);
    x86_put_le64(f + 24, 0x1000000);                /* physical entry, as vmlinux */
    x86_put_le64(f + 32, 64);
    x86_put_le16(f + 54, 56);
    x86_put_le16(f + 56, 1);
    uint8_t *ph = f + 64;
    x86_put_le32(ph, 1);
    x86_put_le64(ph + 8, 0x100);
    x86_put_le64(ph + 16, 0xffffffff81000000ull);
    x86_put_le64(ph + 24, 0x1000000);
    x86_put_le64(ph + 32, 16);
    x86_put_le64(ph + 40, 0x2000);
    memcpy(f + 0x100, "VMLINUX-ENTRY...", 16);
    *size = 0x200;
    return f;
}

UNITTEST(elf_load)
{
    GuestMemBuffer b;
    GuestMemWriter m;
    uint8_t *ram = ram_new(&b, &m);
    size_t size;
    uint8_t *elf = make_elf(&size);
    X86BootInfo info;
    Error *err = NULL;

    memset(ram + 0x1000000, 0x5a, 0x3000);          /* .bss must come out zero */
    CHECK(x86_linux_load(&m, &(X86LinuxBootConfig){
              .kernel = elf, .kernel_size = size, .kernel_name = "vmlinux", .cmdline = "quiet",
              .ram = { .ram_size = RAM_BYTES, .gap_start = 0xc0000000 } }, &info, &error_abort));
    CHECK_U64(info.entry, 0x1000000);
    CHECK_U64(info.kernel_end, 0x1002000);
    CHECK(memcmp(ram + 0x1000000, "VMLINUX-ENTRY...", 16) == 0);
    CHECK_INT(ram[0x1000010], 0);
    CHECK_INT(ram[0x1001fff], 0);
    CHECK_INT(ram[0x1002000], 0x5a);
    /* A zero page without an image still says "HdrS" and has the map. */
    CHECK_U64(x86_le32(ram + X86_BOOT_ZERO_PAGE + BP_HEADER), BOOTPARAM_HDRS_MAGIC);
    CHECK_INT(ram[X86_BOOT_ZERO_PAGE + BP_E820_ENTRIES], 3);

    /* A virtual entry is translated through its segment. */
    x86_put_le64(elf + 24, 0xffffffff81000010ull);
    CHECK(x86_linux_load(&m, &(X86LinuxBootConfig){
              .kernel = elf, .kernel_size = size, .kernel_name = "vmlinux",
              .ram = { .ram_size = RAM_BYTES, .gap_start = 0xc0000000 } }, &info, &error_abort));
    CHECK_U64(info.entry, 0x1000010);

    /* A segment past the end of RAM is refused, not written. */
    x86_put_le64(elf + 64 + 24, RAM_BYTES - 0x1000);
    CHECK(!x86_linux_load(&m, &(X86LinuxBootConfig){
              .kernel = elf, .kernel_size = size, .kernel_name = "vmlinux",
              .ram = { .ram_size = RAM_BYTES, .gap_start = 0xc0000000 } }, &info, &err));
    CHECK(err && strncmp(error_get_pretty(err), "vmlinux: ELF segment 0: guest write", 35) == 0);
    error_free(err);
    err = NULL;

    /* Another architecture's ELF. */
    x86_put_le16(elf + 18, 243);
    CHECK(!x86_linux_load(&m, &(X86LinuxBootConfig){
              .kernel = elf, .kernel_size = size, .kernel_name = "vmlinux",
              .ram = { .ram_size = RAM_BYTES, .gap_start = 0xc0000000 } }, &info, &err));
    CHECK_STR(error_get_pretty(err), "vmlinux: ELF machine 243 is not x86-64 (62)");
    error_free(err);
    free(elf);
    free(ram);
}
