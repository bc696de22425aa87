/*
 * Loaders: put firmware, kernels and initrds into guest memory before the
 * vCPUs start (QEMU's hw/core/loader.c and hw/riscv/boot.c's file side).
 * Formats: ELF64 (PT_LOAD segments at their physical addresses), raw
 * binaries at a given address, the Linux RISC-V Image (header magic
 * "RISCV\0\0\0" at 48 and "RSC\x05" at 56, Documentation/riscv/boot.rst; an
 * EFI-stub Image is the same thing with a PE header in front), and any of
 * these compressed with gzip.
 *
 * Everything goes through address_space_write_rom(): a byte that would land
 * outside RAM/ROM makes the whole load fail with an error naming the file,
 * the segment and the address, and nothing is half-described to the user.
 * Buffers passed in are only read.  Thread context: main thread, board init.
 * Errors: bool + Error **errp; messages start with the file's name.
 */
#ifndef HW_LOADER_LOADER_H
#define HW_LOADER_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "memory/memory.h"

/* What a load put where: bytes [low, high) of guest physical memory were
 * written; entry is the ELF entry point, or the load address. */
typedef struct LoadedImage {
    GuestPaddr entry;
    GuestPaddr low;
    GuestPaddr high;
} LoadedImage;

#define EM_RISCV 243

/*
 * Everything a loader writes is also kept as a "ROM blob" (QEMU's rom_add_*),
 * so that a system reset can put the pristine images back before the harts
 * restart: loader_roms_reset() rewrites them all, in load order.
 * loader_add_blob writes bytes and keeps them; loader_roms_clear forgets
 * every blob (tests; a board torn down).
 */
bool loader_add_blob(AddressSpace *as, const char *name, GuestPaddr addr, const void *buf,
                     uint64_t len_bytes, Error **errp);
void loader_roms_reset(AddressSpace *as);
void loader_roms_clear(void);

/* Reads a whole file into a malloc'd buffer (*buf; caller frees). */
bool loader_read_file(const char *path, uint8_t **buf, size_t *len_bytes, Error **errp);

bool loader_is_elf(const uint8_t *buf, size_t len_bytes);
/* Loads a little-endian ELF64 for `machine` (EM_RISCV): each PT_LOAD
 * segment's file bytes at p_paddr, the rest of p_memsz zeroed.  Refuses
 * other classes, byte orders and machines, truncated headers or segments,
 * and segments outside RAM/ROM.  `name` prefixes error messages. */
bool loader_load_elf_buf(AddressSpace *as, const char *name, const uint8_t *buf,
                         size_t len_bytes, uint16_t machine, LoadedImage *out, Error **errp);

/* The Linux RISC-V Image header: true if buf carries it (at offset 0, for
 * both plain and EFI-stub Images), with text_offset and image_size. */
typedef struct RiscvImageHeader {
    uint64_t text_offset;
    uint64_t image_size;       /* 0 in old kernels: use the file size */
} RiscvImageHeader;
bool loader_parse_riscv_image(const uint8_t *buf, size_t len_bytes, RiscvImageHeader *hdr);

/* gzip: true if buf starts with the gzip magic. */
bool loader_is_gzip(const uint8_t *buf, size_t len_bytes);
/* Inflates a gzip stream into a malloc'd buffer of at most max_bytes. */
bool loader_gunzip(const char *name, const uint8_t *buf, size_t len_bytes, size_t max_bytes,
                   uint8_t **out, size_t *out_len, Error **errp);

/* Raw bytes at addr. */
bool loader_load_raw_buf(AddressSpace *as, const char *name, const uint8_t *buf,
                         size_t len_bytes, GuestPaddr addr, LoadedImage *out, Error **errp);

/* Firmware (-bios FILE): ELF at its own addresses, otherwise raw at addr. */
bool loader_load_firmware(AddressSpace *as, const char *path, GuestPaddr addr,
                          LoadedImage *out, Error **errp);

/*
 * A kernel (-kernel FILE), in any of the formats above (gzip inflated
 * first): an ELF at its own addresses; an Image or raw bytes at `addr`, the
 * aligned address the board chose (QEMU: the first 2 MiB boundary past the
 * firmware).  For an Image, out->high covers image_size (its bss too).
 */
bool loader_load_kernel(AddressSpace *as, const char *path, GuestPaddr addr,
                        LoadedImage *out, Error **errp);

/* Same, from a buffer (tests and callers that already read the file). */
bool loader_load_kernel_buf(AddressSpace *as, const char *name, const uint8_t *buf,
                            size_t len_bytes, GuestPaddr addr, LoadedImage *out,
                            Error **errp);

#endif
