/*
 * The Linux x86 boot protocol's data (Linux Documentation/arch/x86/boot.rst,
 * "THE REAL-MODE KERNEL HEADER" and zero-page.rst): the setup header of a
 * bzImage, the e820 memory map, and the zero page (struct boot_params) a
 * loader hands to the 64-bit entry in RSI.  Also the small guest-memory
 * interface every x86 loader writes through (GuestMemWriter), so the same
 * code fills a plain buffer in unit tests and guest RAM via the memory API.
 *
 * Pure data and bounds checks: nothing here knows KVM or a board.  All
 * multi-byte fields are little endian on the wire; we read and write them
 * byte-wise so the code is alignment- and host-endian-clean.
 */
#ifndef HW_X86_BOOTPARAM_H
#define HW_X86_BOOTPARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "util/addr.h"

/* ---- Guest memory as seen by loaders ---- */

/* Writes len bytes at a guest physical address; fails (errp) when any byte
 * falls outside RAM.  Main thread, before the vCPUs run. */
typedef bool (*GuestMemWriteFn)(void *opaque, GuestPaddr addr, const void *buf, size_t len,
                                Error **errp);

typedef struct GuestMemWriter {
    GuestMemWriteFn write;
    void *opaque;
    uint64_t ram_size;          /* bytes of RAM (for the e820 map and placement) */
} GuestMemWriter;

/* A writer over one host buffer that holds guest RAM [0, size). */
typedef struct GuestMemBuffer {
    uint8_t *base;
    uint64_t size;
} GuestMemBuffer;

GuestMemWriter guest_mem_buffer_writer(GuestMemBuffer *buf);
bool guest_mem_write(const GuestMemWriter *m, GuestPaddr addr, const void *buf, size_t len,
                     Error **errp);

/* ---- The setup header (boot.rst) ---- */

#define BOOTPARAM_HDR_OFFSET      0x1f1   /* setup header within image and zero page */
#define BOOTPARAM_HDRS_MAGIC      0x53726448u   /* "HdrS" at 0x202 */
#define BOOTPARAM_MIN_VERSION     0x020c  /* 2.12: xloadflags (XLF_KERNEL_64) */
#define BOOTPARAM_LOADED_HIGH     0x01    /* loadflags: protected-mode code at 1 MiB */
#define BOOTPARAM_CAN_USE_HEAP    0x80
#define BOOTPARAM_XLF_KERNEL_64   0x01    /* xloadflags: 64-bit entry at +0x200 */
#define BOOTPARAM_ZERO_PAGE_BYTES 4096
#define BOOTPARAM_E820_MAX        128

typedef struct BzImageHeader {
    uint8_t setup_sects;          /* 0 means 4 */
    uint16_t version;             /* 0x020f == 2.15 */
    uint8_t loadflags;
    uint16_t xloadflags;
    uint32_t syssize;             /* protected-mode code, 16-byte paragraphs */
    uint32_t kernel_alignment;
    uint8_t relocatable_kernel;
    uint32_t initrd_addr_max;     /* highest address the initrd may touch */
    uint32_t cmdline_size;        /* max command line length, without the NUL */
    uint32_t init_size;           /* bytes the kernel needs from its load address */
    uint64_t pref_address;
    uint32_t hdr_end;             /* image offset just past the header (0x202 + byte 0x201) */
    size_t setup_bytes;           /* (setup_sects + 1) * 512: where the kernel starts */
    size_t kernel_bytes;          /* bytes of protected-mode kernel in the file */
} BzImageHeader;

/* Checks and decodes the header of the bzImage in image[0, size).  Refuses,
 * with a message naming `name`: files too short for the header, images of
 * other architectures (ELF, arm64/riscv Image), missing "HdrS", protocol
 * older than 2.12, no LOADED_HIGH, no 64-bit entry, a truncated kernel. */
bool bzimage_parse(const uint8_t *image, size_t size, const char *name, BzImageHeader *h,
                   Error **errp);

/* ---- The e820 map ---- */

enum { E820_RAM = 1, E820_RESERVED = 2 };

typedef struct E820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} E820Entry;

/* Where RAM goes, microvm style: [0, 0x9fc00) RAM, [0x9fc00, 1 MiB) reserved
 * (EBDA, VGA hole, BIOS), [1 MiB, below_4g_end) RAM, and RAM beyond
 * below_4g_end relocated to [4 GiB, ...). */
#define E820_LOW_RAM_END  0x9fc00ull
#define E820_HIGH_START   0x100000ull
#define E820_4G           0x100000000ull

typedef struct X86RamLayout {
    uint64_t ram_size;
    GuestPaddr gap_start;        /* start of the 32-bit MMIO hole, e.g. 0xc0000000 */
} X86RamLayout;

/* Fills at most max entries; returns the count, or 0 when RAM < 1 MiB + 1 page. */
unsigned e820_build(const X86RamLayout *l, E820Entry *out, unsigned max);
/* The guest physical end of RAM below 4 GiB (exclusive). */
uint64_t x86_ram_below_4g_end(const X86RamLayout *l);

/* ---- The zero page ---- */

/* Field offsets in struct boot_params (zero-page.rst). */
enum {
    BP_EXT_RAMDISK_IMAGE = 0x0c0,
    BP_EXT_RAMDISK_SIZE  = 0x0c4,
    BP_EXT_CMD_LINE_PTR  = 0x0c8,
    BP_E820_ENTRIES      = 0x1e8,
    BP_VID_MODE          = 0x1fa,
    BP_BOOT_FLAG         = 0x1fe,
    BP_HEADER            = 0x202,
    BP_VERSION           = 0x206,
    BP_TYPE_OF_LOADER    = 0x210,
    BP_LOADFLAGS         = 0x211,
    BP_CODE32_START      = 0x214,
    BP_RAMDISK_IMAGE     = 0x218,
    BP_RAMDISK_SIZE      = 0x21c,
    BP_HEAP_END_PTR      = 0x224,
    BP_CMD_LINE_PTR      = 0x228,
    BP_INITRD_ADDR_MAX   = 0x22c,
    BP_KERNEL_ALIGNMENT  = 0x230,
    BP_XLOADFLAGS        = 0x236,
    BP_CMDLINE_SIZE      = 0x238,
    BP_INIT_SIZE         = 0x260,
    BP_E820_TABLE        = 0x2d0,
};

typedef struct BootParamsConfig {
    const uint8_t *image;        /* the bzImage: its setup header is copied; NULL for ELF */
    const BzImageHeader *hdr;
    GuestPaddr cmdline_addr;     /* 0: no command line */
    GuestPaddr initrd_addr;
    uint64_t initrd_size;        /* 0: no initrd */
    const E820Entry *e820;
    unsigned e820_count;
} BootParamsConfig;

/* Builds the 4 KiB zero page into zp (zeroed first): setup header from the
 * image, type_of_loader 0xff, vid_mode 0xffff ("normal"), cmd_line_ptr,
 * ramdisk_image/size (+ ext_ fields for addresses >= 4 GiB), e820 map. */
void bootparam_build(uint8_t zp[BOOTPARAM_ZERO_PAGE_BYTES], const BootParamsConfig *c);

/* Where the initrd goes: as high as possible, page aligned, below both
 * initrd_addr_max + 1 and the end of RAM below 4 GiB, and above
 * kernel_end.  Returns false with a reason when it does not fit. */
bool bootparam_place_initrd(uint32_t initrd_addr_max, uint64_t ram_below_4g_end,
                            GuestPaddr kernel_end, uint64_t initrd_size, GuestPaddr *addr,
                            Error **errp);

/* Little-endian field access on byte buffers. */
static inline uint16_t x86_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t x86_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t x86_le64(const uint8_t *p)
{
    return x86_le32(p) | (uint64_t)x86_le32(p + 4) << 32;
}
static inline void x86_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}
static inline void x86_put_le32(uint8_t *p, uint32_t v)
{
    x86_put_le16(p, v);
    x86_put_le16(p + 2, v >> 16);
}
static inline void x86_put_le64(uint8_t *p, uint64_t v)
{
    x86_put_le32(p, v);
    x86_put_le32(p + 4, v >> 32);
}

#endif
