/*
 * The Linux x86 boot protocol's data: bzImage header checks, the e820 map,
 * initrd placement and the zero page (see bootparam.h; Linux
 * Documentation/arch/x86/boot.rst and zero-page.rst).
 *
 * We require boot protocol 2.12 (Linux 3.8, 2013) or newer: it is the first
 * version with xloadflags, whose XLF_KERNEL_64 bit is the kernel's promise
 * that startup_64 sits at load address + 0x200, the entry we use.  It also
 * guarantees every field we read (cmdline_size 2.06, init_size 2.10).
 */
#include "hw/x86/bootparam.h"

#include <inttypes.h>
#include <string.h>

static bool guest_mem_buffer_write(void *opaque, GuestPaddr addr, const void *buf, size_t len,
                                   Error **errp)
{
    GuestMemBuffer *b = opaque;

    if (addr > b->size || len > b->size - addr) {
        error_setg(errp, "guest write of %zu bytes at 0x%" PRIx64 " is outside RAM "
                   "(0x%" PRIx64 " bytes)", len, addr, b->size);
        return false;
    }
    memcpy(b->base + addr, buf, len);
    return true;
}

GuestMemWriter guest_mem_buffer_writer(GuestMemBuffer *buf)
{
    return (GuestMemWriter){ .write = guest_mem_buffer_write, .opaque = buf,
                             .ram_size = buf->size };
}

bool guest_mem_write(const GuestMemWriter *m, GuestPaddr addr, const void *buf, size_t len,
                     Error **errp)
{
    return m->write(m->opaque, addr, buf, len, errp);
}

/* Names a foreign image by its magic so the user learns what they passed. */
static const char *bzimage_foreign_kind(const uint8_t *image, size_t size)
{
    if (size >= 4 && memcmp(image, "\x7f" "ELF", 4) == 0) {
        return "an ELF file (a vmlinux? use the ELF loader)";
    }
    if (size >= 0x40 && memcmp(image + 0x38, "ARM\x64", 4) == 0) {
        return "an arm64 Linux Image";
    }
    if (size >= 0x40 && memcmp(image + 0x38, "RSC\x05", 4) == 0) {
        return "a RISC-V Linux Image";
    }
    return NULL;
}

bool bzimage_parse(const uint8_t *image, size_t size, const char *name, BzImageHeader *h,
                   Error **errp)
{
    const char *kind = bzimage_foreign_kind(image, size);
    size_t want;

    memset(h, 0, sizeof(*h));
    if (kind) {
        error_setg(errp, "%s is %s, not an x86 bzImage", name, kind);
        return false;
    }
    if (size < BP_INIT_SIZE + 4) {
        error_setg(errp, "%s is too short for a bzImage (%zu bytes, the setup header "
                   "ends at 0x%x)", name, size, BP_INIT_SIZE + 4);
        return false;
    }
    if (x86_le32(image + BP_HEADER) != BOOTPARAM_HDRS_MAGIC) {
        error_setg(errp, "%s is not an x86 bzImage (no \"HdrS\" magic at 0x202)", name);
        return false;
    }
    h->version = x86_le16(image + BP_VERSION);
    if (h->version < BOOTPARAM_MIN_VERSION) {
        error_setg(errp, "%s uses boot protocol %u.%02u; we need 2.12 or newer "
                   "(xloadflags with the 64-bit entry)", name, h->version >> 8,
                   h->version & 0xff);
        return false;
    }
    h->setup_sects = image[BOOTPARAM_HDR_OFFSET];
    if (h->setup_sects == 0) {
        h->setup_sects = 4;                 /* boot.rst: "if this field is 0, the real value is 4" */
    }
    h->loadflags = image[BP_LOADFLAGS];
    h->xloadflags = x86_le16(image + BP_XLOADFLAGS);
    h->syssize = x86_le32(image + 0x1f4);
    h->initrd_addr_max = x86_le32(image + BP_INITRD_ADDR_MAX);
    h->kernel_alignment = x86_le32(image + BP_KERNEL_ALIGNMENT);
    h->relocatable_kernel = image[0x234];
    h->cmdline_size = x86_le32(image + BP_CMDLINE_SIZE);
    h->pref_address = x86_le64(image + 0x258);
    h->init_size = x86_le32(image + BP_INIT_SIZE);
    h->hdr_end = 0x202 + image[0x201];
    h->setup_bytes = ((size_t)h->setup_sects + 1) * 512;

    if (!(h->loadflags & BOOTPARAM_LOADED_HIGH)) {
        error_setg(errp, "%s is a zImage (LOADED_HIGH clear in loadflags); only bzImage "
                   "is supported", name);
        return false;
    }
    if (!(h->xloadflags & BOOTPARAM_XLF_KERNEL_64)) {
        error_setg(errp, "%s has no 64-bit entry point (XLF_KERNEL_64 clear in xloadflags)",
                   name);
        return false;
    }
    if (h->hdr_end < BP_INIT_SIZE + 4 || h->hdr_end > h->setup_bytes) {
        error_setg(errp, "%s: setup header end 0x%x is inconsistent with %u setup sectors",
                   name, h->hdr_end, h->setup_sects);
        return false;
    }
    want = h->setup_bytes + (size_t)h->syssize * 16;
    if (size < want || h->syssize == 0) {
        error_setg(errp, "%s is truncated: the header announces %zu bytes "
                   "(%u setup sectors + syssize %u), the file has %zu", name, want,
                   h->setup_sects, h->syssize, size);
        return false;
    }
    h->kernel_bytes = size - h->setup_bytes;
    if (h->init_size < h->kernel_bytes) {
        h->init_size = h->kernel_bytes;
    }
    return true;
}

uint64_t x86_ram_below_4g_end(const X86RamLayout *l)
{
    return l->ram_size < l->gap_start ? l->ram_size : l->gap_start;
}

unsigned e820_build(const X86RamLayout *l, E820Entry *out, unsigned max)
{
    uint64_t low_end = x86_ram_below_4g_end(l);
    unsigned n = 0;

    if (l->ram_size < E820_HIGH_START + 4096 || max < 3) {
        return 0;
    }
    out[n++] = (E820Entry){ 0, E820_LOW_RAM_END, E820_RAM };
    out[n++] = (E820Entry){ E820_LOW_RAM_END, E820_HIGH_START - E820_LOW_RAM_END,
                            E820_RESERVED };
    out[n++] = (E820Entry){ E820_HIGH_START, low_end - E820_HIGH_START, E820_RAM };
    if (l->ram_size > low_end && n < max) {
        out[n++] = (E820Entry){ E820_4G, l->ram_size - low_end, E820_RAM };
    }
    return n;
}

bool bootparam_place_initrd(uint32_t initrd_addr_max, uint64_t ram_below_4g_end,
                            GuestPaddr kernel_end, uint64_t initrd_size, GuestPaddr *addr,
                            Error **errp)
{
    /* boot.rst: initrd_addr_max is "the maximum address that may be occupied
     * by the initial ramdisk contents"; before 2.03 it was 0x37ffffff. */
    uint64_t limit = (uint64_t)(initrd_addr_max ? initrd_addr_max : 0x37ffffff) + 1;
    uint64_t a;

    if (ram_below_4g_end < limit) {
        limit = ram_below_4g_end;
    }
    if (initrd_size == 0 || initrd_size > limit) {
        error_setg(errp, "initrd of %" PRIu64 " bytes does not fit below 0x%" PRIx64,
                   initrd_size, limit);
        return false;
    }
    a = (limit - initrd_size) & ~0xfffull;
    if (a < kernel_end) {
        error_setg(errp, "initrd of %" PRIu64 " bytes does not fit between the kernel "
                   "(ends at 0x%" PRIx64 ") and 0x%" PRIx64 "; give the guest more RAM",
                   initrd_size, kernel_end, limit);
        return false;
    }
    *addr = a;
    return true;
}

void bootparam_build(uint8_t zp[BOOTPARAM_ZERO_PAGE_BYTES], const BootParamsConfig *c)
{
    memset(zp, 0, BOOTPARAM_ZERO_PAGE_BYTES);
    if (c->image) {
        /* boot.rst, 64-bit boot protocol: "copy the setup header from the
         * bzImage" (0x1f1 up to 0x202 + the byte at 0x201) into the zero page. */
        memcpy(zp + BOOTPARAM_HDR_OFFSET, c->image + BOOTPARAM_HDR_OFFSET,
               c->hdr->hdr_end - BOOTPARAM_HDR_OFFSET);
    } else {
        x86_put_le16(zp + BP_BOOT_FLAG, 0xaa55);
        x86_put_le32(zp + BP_HEADER, BOOTPARAM_HDRS_MAGIC);
        x86_put_le16(zp + BP_VERSION, BOOTPARAM_MIN_VERSION);
        zp[BP_LOADFLAGS] = BOOTPARAM_LOADED_HIGH;
    }
    zp[BP_TYPE_OF_LOADER] = 0xff;            /* "undefined" boot loader id */
    x86_put_le16(zp + BP_VID_MODE, 0xffff);      /* "normal" */
    zp[BP_LOADFLAGS] |= BOOTPARAM_CAN_USE_HEAP;
    x86_put_le16(zp + BP_HEAP_END_PTR, 0xfe00);  /* the usual value for a 0x8000-sized setup */
    if (c->cmdline_addr) {
        x86_put_le32(zp + BP_CMD_LINE_PTR, (uint32_t)c->cmdline_addr);
        x86_put_le32(zp + BP_EXT_CMD_LINE_PTR, (uint32_t)(c->cmdline_addr >> 32));
    }
    if (c->initrd_size) {
        x86_put_le32(zp + BP_RAMDISK_IMAGE, (uint32_t)c->initrd_addr);
        x86_put_le32(zp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(c->initrd_addr >> 32));
        x86_put_le32(zp + BP_RAMDISK_SIZE, (uint32_t)c->initrd_size);
        x86_put_le32(zp + BP_EXT_RAMDISK_SIZE, (uint32_t)(c->initrd_size >> 32));
    }
    unsigned n = c->e820_count < BOOTPARAM_E820_MAX ? c->e820_count : BOOTPARAM_E820_MAX;
    zp[BP_E820_ENTRIES] = n;
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = zp + BP_E820_TABLE + 20 * i;
        x86_put_le64(e, c->e820[i].addr);
        x86_put_le64(e + 8, c->e820[i].size);
        x86_put_le32(e + 16, c->e820[i].type);
    }
}
