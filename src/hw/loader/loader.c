/*
 * Loaders (see loader.h).  ELF parsing reads every header field through
 * bounds-checked little-endian accessors, so a truncated or hostile file
 * yields an error, never a read past the buffer.  A load that fails part
 * way may have written some segments; the caller treats the whole start-up
 * as failed.
 */
#include "hw/loader/loader.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint16_t ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t ld64(const uint8_t *p)
{
    return ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

bool loader_read_file(const char *path, uint8_t **buf, size_t *len_bytes, Error **errp)
{
    FILE *f = fopen(path, "rb");

    if (!f) {
        error_setg_errno(errp, errno, "could not open '%s'", path);
        return false;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *data = malloc(cap);
    for (;;) {
        if (!data) {
            fclose(f);
            error_setg(errp, "%s: out of memory reading the file", path);
            return false;
        }
        len += fread(data + len, 1, cap - len, f);
        if (len < cap) {
            break;
        }
        uint8_t *bigger = realloc(data, cap * 2);
        if (!bigger) {
            free(data);
        }
        data = bigger;
        cap *= 2;
    }
    if (ferror(f)) {
        error_setg_errno(errp, errno, "could not read '%s'", path);
        fclose(f);
        free(data);
        return false;
    }
    fclose(f);
    *buf = data;
    *len_bytes = len;
    return true;
}

/* ---- ROM blobs -------------------------------------------------------------- */

typedef struct LoaderRom {
    GuestPaddr addr;
    uint64_t len;
    uint8_t *data;              /* NULL: len zero bytes */
    struct LoaderRom *next;
} LoaderRom;

static LoaderRom *loader_roms;
static LoaderRom **loader_roms_tail = &loader_roms;

static bool loader_keep(GuestPaddr addr, const void *buf, uint64_t len)
{
    LoaderRom *rom = calloc(1, sizeof(*rom));

    if (!rom) {
        return false;
    }
    if (buf) {
        rom->data = malloc(len ? len : 1);
        if (!rom->data) {
            free(rom);
            return false;
        }
        memcpy(rom->data, buf, len);
    }
    rom->addr = addr;
    rom->len = len;
    *loader_roms_tail = rom;
    loader_roms_tail = &rom->next;
    return true;
}

/* Writes len zero bytes at addr. */
static bool loader_zero(AddressSpace *as, GuestPaddr addr, uint64_t len, Error **errp)
{
    static const uint8_t zeros[4096];
    GuestPaddr a = addr;

    for (uint64_t left = len; left;) {
        uint64_t n = left < sizeof(zeros) ? left : sizeof(zeros);
        if (!address_space_write_rom(as, a, zeros, n, errp)) {
            return false;
        }
        a += n;
        left -= n;
    }
    return true;
}

bool loader_add_blob(AddressSpace *as, const char *name, GuestPaddr addr, const void *buf,
                     uint64_t len_bytes, Error **errp)
{
    bool ok = buf ? address_space_write_rom(as, addr, buf, len_bytes, errp)
                  : loader_zero(as, addr, len_bytes, errp);

    if (!ok) {
        return false;
    }
    if (!loader_keep(addr, buf, len_bytes)) {
        error_setg(errp, "%s: out of memory keeping a copy for reset", name);
        return false;
    }
    return true;
}

void loader_roms_reset(AddressSpace *as)
{
    for (LoaderRom *rom = loader_roms; rom; rom = rom->next) {
        Error *err = NULL;
        bool ok = rom->data ? address_space_write_rom(as, rom->addr, rom->data, rom->len, &err)
                            : loader_zero(as, rom->addr, rom->len, &err);
        /* It fitted at load time and the memory map does not change. */
        assert(ok);
        (void)ok;
    }
}

void loader_roms_clear(void)
{
    while (loader_roms) {
        LoaderRom *next = loader_roms->next;
        free(loader_roms->data);
        free(loader_roms);
        loader_roms = next;
    }
    loader_roms_tail = &loader_roms;
}

/* ---- ELF ------------------------------------------------------------------ */

enum {
    ELF_EHDR64_BYTES = 64,
    ELF_PHDR64_BYTES = 56,
    ELFCLASS64 = 2,
    ELFDATA2LSB = 1,
    ET_EXEC = 2,
    ET_DYN = 3,
    PT_LOAD = 1,
};

bool loader_is_elf(const uint8_t *buf, size_t len_bytes)
{
    return len_bytes >= 4 && memcmp(buf, "\177ELF", 4) == 0;
}

static const char *loader_elf_machine_name(uint16_t machine)
{
    switch (machine) {
    case 3: return "i386";
    case 8: return "MIPS";
    case 20: return "PowerPC";
    case 40: return "ARM";
    case 62: return "x86-64";
    case 183: return "AArch64";
    case EM_RISCV: return "RISC-V";
    default: return "unknown";
    }
}


bool loader_load_elf_buf(AddressSpace *as, const char *name, const uint8_t *buf,
                         size_t len_bytes, uint16_t machine, LoadedImage *out, Error **errp)
{
    if (!loader_is_elf(buf, len_bytes)) {
        error_setg(errp, "%s: not an ELF file", name);
        return false;
    }
    if (len_bytes < ELF_EHDR64_BYTES) {
        error_setg(errp, "%s: truncated ELF header (%zu bytes, need %d)", name, len_bytes,
                   ELF_EHDR64_BYTES);
        return false;
    }
    if (buf[4] != ELFCLASS64) {
        error_setg(errp, "%s: ELF class %s, expected 64-bit", name,
                   buf[4] == 1 ? "32-bit" : "invalid");
        return false;
    }
    if (buf[5] != ELFDATA2LSB) {
        error_setg(errp, "%s: ELF data is not little-endian", name);
        return false;
    }
    uint16_t type = ld16(buf + 16);
    uint16_t e_machine = ld16(buf + 18);
    if (e_machine != machine) {
        error_setg(errp, "%s: ELF machine %u (%s), expected %u (%s)", name, e_machine,
                   loader_elf_machine_name(e_machine), machine,
                   loader_elf_machine_name(machine));
        return false;
    }
    if (type != ET_EXEC && type != ET_DYN) {
        error_setg(errp, "%s: ELF type %u is not an executable", name, type);
        return false;
    }
    uint64_t entry = ld64(buf + 24);
    uint64_t phoff = ld64(buf + 32);
    uint16_t phentsize = ld16(buf + 54);
    uint16_t phnum = ld16(buf + 56);
    if (phnum == 0) {
        error_setg(errp, "%s: ELF file has no program headers", name);
        return false;
    }
    if (phentsize < ELF_PHDR64_BYTES) {
        error_setg(errp, "%s: ELF program header size %u, expected %d", name, phentsize,
                   ELF_PHDR64_BYTES);
        return false;
    }
    if (phoff > len_bytes || (uint64_t)phnum * phentsize > len_bytes - phoff) {
        error_setg(errp, "%s: truncated ELF file: program headers end at %" PRIu64
                   ", file is %zu bytes", name, phoff + (uint64_t)phnum * phentsize,
                   len_bytes);
        return false;
    }

    /* Check every segment before writing any. */
    GuestPaddr low = UINT64_MAX, high = 0;
    int loads = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = buf + phoff + (uint64_t)i * phentsize;
        if (ld32(ph) != PT_LOAD) {
            continue;
        }
        uint64_t off = ld64(ph + 8), paddr = ld64(ph + 24);
        uint64_t filesz = ld64(ph + 32), memsz = ld64(ph + 40);
        if (filesz > memsz) {
            error_setg(errp, "%s: ELF segment %u: file size 0x%" PRIx64
                       " exceeds memory size 0x%" PRIx64, name, i, filesz, memsz);
            return false;
        }
        if (off > len_bytes || filesz > len_bytes - off) {
            error_setg(errp, "%s: truncated ELF file: segment %u ends at %" PRIu64
                       ", file is %zu bytes", name, i, off + filesz, len_bytes);
            return false;
        }
        if (memsz == 0) {
            continue;
        }
        if (paddr + memsz < paddr) {
            error_setg(errp, "%s: ELF segment %u at 0x%" PRIx64 " wraps around", name, i,
                       paddr);
            return false;
        }
        low = paddr < low ? paddr : low;
        high = paddr + memsz > high ? paddr + memsz : high;
        loads++;
    }
    if (!loads) {
        error_setg(errp, "%s: ELF file has no loadable segments", name);
        return false;
    }
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = buf + phoff + (uint64_t)i * phentsize;
        if (ld32(ph) != PT_LOAD) {
            continue;
        }
        uint64_t off = ld64(ph + 8), paddr = ld64(ph + 24);
        uint64_t filesz = ld64(ph + 32), memsz = ld64(ph + 40);
        Error *err = NULL;
        if (!loader_add_blob(as, name, paddr, buf + off, filesz, &err) ||
            (memsz > filesz &&
             !loader_add_blob(as, name, paddr + filesz, NULL, memsz - filesz, &err))) {
            error_free(err);
            error_setg(errp, "%s: ELF segment %u at 0x%" PRIx64 "-0x%" PRIx64
                       " is not in RAM or ROM", name, i, paddr, paddr + memsz - 1);
            return false;
        }
    }
    out->entry = entry;
    out->low = low;
    out->high = high;
    return true;
}

/* ---- Linux RISC-V Image, gzip, raw ------------------------------------------ */

/* Documentation/riscv/boot.rst: code0/1, text_offset, image_size, flags,
 * version, res1, res2, magic "RISCV\0\0\0" (deprecated), magic2 "RSC\x05",
 * res3.  The EFI stub keeps this layout with "MZ" in code0. */
bool loader_parse_riscv_image(const uint8_t *buf, size_t len_bytes, RiscvImageHeader *hdr)
{
    if (len_bytes < 64) {
        return false;
    }
    bool magic = memcmp(buf + 48, "RISCV\0\0\0", 8) == 0;
    bool magic2 = memcmp(buf + 56, "RSC\x05", 4) == 0;
    if (!magic && !magic2) {
        return false;
    }
    hdr->text_offset = ld64(buf + 8);
    hdr->image_size = ld64(buf + 16);
    return true;
}

bool loader_is_gzip(const uint8_t *buf, size_t len_bytes)
{
    return len_bytes >= 3 && buf[0] == 0x1f && buf[1] == 0x8b && buf[2] == 8;
}

bool loader_gunzip(const char *name, const uint8_t *buf, size_t len_bytes, size_t max_bytes,
                   uint8_t **out, size_t *out_len, Error **errp)
{
    z_stream zs = { 0 };
    size_t cap = len_bytes * 4 < max_bytes ? len_bytes * 4 : max_bytes;
    uint8_t *data;

    if (cap < 4096) {
        cap = max_bytes < 4096 ? max_bytes : 4096;
    }
    data = malloc(cap ? cap : 1);
    if (!data) {
        error_setg(errp, "%s: out of memory inflating", name);
        return false;
    }
    /* 16 + MAX_WBITS: expect a gzip wrapper. */
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        free(data);
        error_setg(errp, "%s: cannot start inflating", name);
        return false;
    }
    zs.next_in = (Bytef *)buf;
    size_t in_left = len_bytes;
    int ret;
    do {
        if (zs.total_out == cap) {
            if (cap == max_bytes) {
                inflateEnd(&zs);
                free(data);
                error_setg(errp, "%s: inflates to more than %zu bytes", name, max_bytes);
                return false;
            }
            size_t ncap = cap * 2 < max_bytes ? cap * 2 : max_bytes;
            uint8_t *bigger = realloc(data, ncap);
            if (!bigger) {
                inflateEnd(&zs);
                free(data);
                error_setg(errp, "%s: out of memory inflating", name);
                return false;
            }
            data = bigger;
            cap = ncap;
        }
        uInt in_chunk = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
        zs.avail_in = in_chunk;
        zs.next_out = data + zs.total_out;
        size_t room = cap - zs.total_out;
        zs.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
        ret = inflate(&zs, Z_NO_FLUSH);
        in_left -= in_chunk - zs.avail_in;
        if (ret == Z_BUF_ERROR && in_left == 0 && zs.avail_out != 0) {
            break;    /* input ended before the stream did */
        }
    } while (ret == Z_OK || ret == Z_BUF_ERROR);
    if (ret != Z_STREAM_END) {
        inflateEnd(&zs);
        free(data);
        error_setg(errp, "%s: corrupt or truncated gzip data", name);
        return false;
    }
    *out_len = zs.total_out;
    *out = data;
    inflateEnd(&zs);
    return true;
}

bool loader_load_raw_buf(AddressSpace *as, const char *name, const uint8_t *buf,
                         size_t len_bytes, GuestPaddr addr, LoadedImage *out, Error **errp)
{
    Error *err = NULL;

    if (len_bytes == 0) {
        error_setg(errp, "%s: file is empty", name);
        return false;
    }
    if (!loader_add_blob(as, name, addr, buf, len_bytes, &err)) {
        error_free(err);
        error_setg(errp, "%s: %zu bytes at 0x%" PRIx64 " do not fit in RAM or ROM", name,
                   len_bytes, addr);
        return false;
    }
    out->entry = addr;
    out->low = addr;
    out->high = addr + len_bytes;
    return true;
}

bool loader_load_firmware(AddressSpace *as, const char *path, GuestPaddr addr,
                          LoadedImage *out, Error **errp)
{
    uint8_t *buf;
    size_t len;

    if (!loader_read_file(path, &buf, &len, errp)) {
        return false;
    }
    bool ok = loader_is_elf(buf, len)
        ? loader_load_elf_buf(as, path, buf, len, EM_RISCV, out, errp)
        : loader_load_raw_buf(as, path, buf, len, addr, out, errp);
    free(buf);
    return ok;
}

/* A gzip'd kernel may not inflate beyond this (Debian's Image is ~30 MiB). */
#define LOADER_GUNZIP_MAX_BYTES (256u << 20)

bool loader_load_kernel_buf(AddressSpace *as, const char *name, const uint8_t *buf,
                            size_t len_bytes, GuestPaddr addr, LoadedImage *out,
                            Error **errp)
{
    uint8_t *inflated = NULL;
    RiscvImageHeader hdr;
    bool ok;

    if (loader_is_gzip(buf, len_bytes)) {
        size_t n;
        if (!loader_gunzip(name, buf, len_bytes, LOADER_GUNZIP_MAX_BYTES, &inflated, &n,
                           errp)) {
            return false;
        }
        buf = inflated;
        len_bytes = n;
    }
    if (loader_is_elf(buf, len_bytes)) {
        ok = loader_load_elf_buf(as, name, buf, len_bytes, EM_RISCV, out, errp);
    } else {
        ok = loader_load_raw_buf(as, name, buf, len_bytes, addr, out, errp);
        /* An Image occupies image_size bytes once running (its bss). */
        if (ok && loader_parse_riscv_image(buf, len_bytes, &hdr) &&
            hdr.image_size > len_bytes) {
            out->high = addr + hdr.image_size;
        }
    }
    free(inflated);
    return ok;
}

bool loader_load_kernel(AddressSpace *as, const char *path, GuestPaddr addr,
                        LoadedImage *out, Error **errp)
{
    uint8_t *buf;
    size_t len;

    if (!loader_read_file(path, &buf, &len, errp)) {
        return false;
    }
    bool ok = loader_load_kernel_buf(as, path, buf, len, addr, out, errp);
    free(buf);
    return ok;
}
