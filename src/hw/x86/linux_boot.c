/*
 * Linux x86-64 direct boot: puts kernel, command line, initrd, zero page,
 * page tables and GDT into guest RAM (see linux_boot.h for the layout).
 * Linux Documentation/arch/x86/boot.rst, "64-bit BOOT PROTOCOL": paging on
 * with the loaded kernel, zero page, command line and initrd identity
 * mapped; a GDT with __BOOT_CS (0x10) execute/read and __BOOT_DS (0x18)
 * read/write; interrupts off; RSI = zero page; entry = load address + 0x200.
 *
 * Invariant: every guest write goes through guest_mem_write(), which bounds
 * checks against RAM; nothing is written before all checks that need only
 * the inputs have passed, except the ELF segments (checked one by one).
 */
#include "hw/x86/linux_boot.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PTE_PRESENT 0x1ull
#define PTE_WRITE   0x2ull
#define PTE_HUGE    0x80ull             /* PS: a 2 MiB page in a page directory */

uint64_t x86_gdt_entry(uint16_t flags, uint32_t base, uint32_t limit)
{
    return ((uint64_t)(base & 0xff000000u) << 32) | ((uint64_t)(flags & 0xf0ffu) << 40) |
           ((uint64_t)(limit & 0x000f0000u) << 32) | ((uint64_t)(base & 0x00ffffffu) << 16) |
           (uint64_t)(limit & 0x0000ffffu);
}

void x86_boot_gdt(uint64_t gdt[X86_BOOT_GDT_ENTRIES])
{
    gdt[0] = 0;
    gdt[1] = 0;
    gdt[X86_BOOT_CS >> 3] = x86_gdt_entry(0xa09b, 0, 0xfffff);  /* P, S, code r/x, G, L */
    gdt[X86_BOOT_DS >> 3] = x86_gdt_entry(0xc093, 0, 0xfffff);  /* P, S, data r/w, G, DB */
}

bool x86_build_identity_map(const GuestMemWriter *m, GuestPaddr pml4, unsigned gib,
                            Error **errp)
{
    uint8_t page[4096];
    GuestPaddr pdpt = pml4 + 4096, pd = pdpt + 4096;

    assert(gib >= 1 && gib <= 512);
    memset(page, 0, sizeof(page));
    x86_put_le64(page, pdpt | PTE_PRESENT | PTE_WRITE);
    if (!guest_mem_write(m, pml4, page, sizeof(page), errp)) {
        return false;
    }
    memset(page, 0, sizeof(page));
    for (unsigned i = 0; i < gib; i++) {
        x86_put_le64(page + 8 * i, (pd + 4096ull * i) | PTE_PRESENT | PTE_WRITE);
    }
    if (!guest_mem_write(m, pdpt, page, sizeof(page), errp)) {
        return false;
    }
    for (unsigned g = 0; g < gib; g++) {
        for (unsigned i = 0; i < 512; i++) {
            uint64_t addr = ((uint64_t)g << 30) | ((uint64_t)i << 21);
            x86_put_le64(page + 8 * i, addr | PTE_PRESENT | PTE_WRITE | PTE_HUGE);
        }
        if (!guest_mem_write(m, pd + 4096ull * g, page, sizeof(page), errp)) {
            return false;
        }
    }
    return true;
}

bool x86_setup_long_mode(const GuestMemWriter *m, X86BootInfo *info, Error **errp)
{
    uint64_t gdt[X86_BOOT_GDT_ENTRIES];
    uint8_t bytes[sizeof(gdt)];

    x86_boot_gdt(gdt);
    for (unsigned i = 0; i < X86_BOOT_GDT_ENTRIES; i++) {
        x86_put_le64(bytes + 8 * i, gdt[i]);
    }
    if (!guest_mem_write(m, X86_BOOT_GDT_ADDR, bytes, sizeof(bytes), errp) ||
        !x86_build_identity_map(m, X86_BOOT_PML4, 4, errp)) {
        error_prepend(errp, "setting up long mode: ");
        return false;
    }
    info->gdt_base = X86_BOOT_GDT_ADDR;
    info->gdt_limit = sizeof(gdt) - 1;
    info->code_sel = X86_BOOT_CS;
    info->data_sel = X86_BOOT_DS;
    info->pml4 = X86_BOOT_PML4;
    info->stack = X86_BOOT_STACK;
    return true;
}

/* Writes n zero bytes at addr (ELF .bss). */
static bool guest_mem_zero(const GuestMemWriter *m, GuestPaddr addr, uint64_t n, Error **errp)
{
    static const uint8_t zeros[4096];

    while (n) {
        size_t chunk = n < sizeof(zeros) ? n : sizeof(zeros);
        if (!guest_mem_write(m, addr, zeros, chunk, errp)) {
            return false;
        }
        addr += chunk;
        n -= chunk;
    }
    return true;
}

/* ELF64 (System V gABI; x86-64 psABI): PT_LOAD segments go to p_paddr.  A
 * vmlinux's e_entry is already physical (ENTRY(phys_startup_64)); a virtual
 * entry is translated through the segment that contains it. */
static bool x86_load_elf(const GuestMemWriter *m, const X86LinuxBootConfig *c,
                         X86BootInfo *info, Error **errp)
{
    const uint8_t *f = c->kernel;
    size_t size = c->kernel_size;
    const char *name = c->kernel_name;
    uint64_t entry, phoff, end = 0;
    uint16_t phentsize, phnum;
    bool entry_found = false;

    if (size < 64 || f[4] != 2 || f[5] != 1) {
        error_setg(errp, "%s: not a 64-bit little-endian ELF file", name);
        return false;
    }
    if (x86_le16(f + 18) != 62) {
        error_setg(errp, "%s: ELF machine %u is not x86-64 (62)", name, x86_le16(f + 18));
        return false;
    }
    if (x86_le16(f + 16) != 2) {
        error_setg(errp, "%s: ELF type %u is not an executable", name, x86_le16(f + 16));
        return false;
    }
    entry = x86_le64(f + 24);
    phoff = x86_le64(f + 32);
    phentsize = x86_le16(f + 54);
    phnum = x86_le16(f + 56);
    if (phentsize < 56 || phoff > size || (uint64_t)phnum * phentsize > size - phoff) {
        error_setg(errp, "%s: ELF program headers lie outside the file", name);
        return false;
    }
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = f + phoff + (uint64_t)i * phentsize;
        uint64_t off = x86_le64(ph + 8), vaddr = x86_le64(ph + 16), paddr = x86_le64(ph + 24);
        uint64_t filesz = x86_le64(ph + 32), memsz = x86_le64(ph + 40);

        if (x86_le32(ph) != 1) {             /* PT_LOAD */
            continue;
        }
        if (off > size || filesz > size - off || filesz > memsz) {
            error_setg(errp, "%s: ELF segment %u lies outside the file", name, i);
            return false;
        }
        if (!guest_mem_write(m, paddr, f + off, filesz, errp) ||
            !guest_mem_zero(m, paddr + filesz, memsz - filesz, errp)) {
            error_prepend(errp, "%s: ELF segment %u: ", name, i);
            return false;
        }
        if (!entry_found && entry >= paddr && entry - paddr < memsz) {
            entry_found = true;
        } else if (!entry_found && entry >= vaddr && entry - vaddr < memsz) {
            entry = entry - vaddr + paddr;
            entry_found = true;
        }
        if (paddr + memsz > end) {
            end = paddr + memsz;
        }
    }
    if (!entry_found) {
        error_setg(errp, "%s: ELF entry 0x%" PRIx64 " is in no loadable segment", name, entry);
        return false;
    }
    info->entry = entry;
    info->kernel_end = end;
    return true;
}

/* Where a bzImage loaded at 1 MiB runs: arch/x86/boot/compressed/head_64.S
 * decompresses a relocatable kernel to the load address rounded up to
 * kernel_alignment but never below LOAD_PHYSICAL_ADDR (= pref_address), and
 * a fixed one to pref_address; it needs init_size bytes from there. */
static uint64_t x86_bzimage_run_addr(const BzImageHeader *h)
{
    uint64_t align = h->kernel_alignment ? h->kernel_alignment : 1;
    uint64_t addr = (X86_BOOT_KERNEL_ADDR + align - 1) / align * align;

    if (!h->relocatable_kernel || addr < h->pref_address) {
        addr = h->pref_address > X86_BOOT_KERNEL_ADDR ? h->pref_address : X86_BOOT_KERNEL_ADDR;
    }
    return addr;
}

static bool x86_load_bzimage(const GuestMemWriter *m, const X86LinuxBootConfig *c,
                             const BzImageHeader *h, X86BootInfo *info, Error **errp)
{
    uint64_t ram_end = x86_ram_below_4g_end(&c->ram);
    uint64_t run_addr = x86_bzimage_run_addr(h);
    uint64_t end = run_addr + h->init_size;

    /* Loaded at 1 MiB (code32_start's default), as QEMU and Firecracker do. */
    if (end < X86_BOOT_KERNEL_ADDR + h->kernel_bytes) {
        end = X86_BOOT_KERNEL_ADDR + h->kernel_bytes;
    }
    if (end > ram_end) {
        error_setg(errp, "%s needs RAM up to 0x%" PRIx64 " (init_size 0x%x from 0x%" PRIx64
                   ") but RAM below 4 GiB ends at 0x%" PRIx64, c->kernel_name, end,
                   h->init_size, run_addr, ram_end);
        return false;
    }
    if (!guest_mem_write(m, X86_BOOT_KERNEL_ADDR, c->kernel + h->setup_bytes, h->kernel_bytes,
                         errp)) {
        error_prepend(errp, "%s: ", c->kernel_name);
        return false;
    }
    info->entry = X86_BOOT_KERNEL_ADDR + 0x200;    /* startup_64 */
    info->kernel_end = end;
    return true;
}

bool x86_linux_load(const GuestMemWriter *m, const X86LinuxBootConfig *c, X86BootInfo *info,
                    Error **errp)
{
    BzImageHeader h;
    bool is_elf = c->kernel_size >= 4 && memcmp(c->kernel, "\x7f" "ELF", 4) == 0;
    const char *cmdline = c->cmdline ? c->cmdline : "";
    size_t cmdline_len = strlen(cmdline);
    uint32_t cmdline_max = X86_BOOT_CMDLINE_MAX - 1;
    uint32_t initrd_addr_max = 0x7fffffff;
    E820Entry e820[4];
    unsigned e820_count;
    uint8_t *zp;

    memset(info, 0, sizeof(*info));
    e820_count = e820_build(&c->ram, e820, 4);
    if (e820_count == 0) {
        error_setg(errp, "%" PRIu64 " bytes of RAM is too little to boot Linux",
                   c->ram.ram_size);
        return false;
    }
    if (!is_elf) {
        if (!bzimage_parse(c->kernel, c->kernel_size, c->kernel_name, &h, errp)) {
            return false;
        }
        if (h.cmdline_size < cmdline_max) {
            cmdline_max = h.cmdline_size;
        }
        initrd_addr_max = h.initrd_addr_max;
    }
    if (cmdline_len > cmdline_max) {
        error_setg(errp, "kernel command line is %zu bytes; %s accepts at most %u",
                   cmdline_len, c->kernel_name, cmdline_max);
        return false;
    }
    if (is_elf ? !x86_load_elf(m, c, info, errp) : !x86_load_bzimage(m, c, &h, info, errp)) {
        return false;
    }
    if (c->initrd) {
        if (!bootparam_place_initrd(initrd_addr_max, x86_ram_below_4g_end(&c->ram),
                                    info->kernel_end, c->initrd_size, &info->initrd_addr,
                                    errp) ||
            !guest_mem_write(m, info->initrd_addr, c->initrd, c->initrd_size, errp)) {
            error_prepend(errp, "initrd: ");
            return false;
        }
    }
    if (!guest_mem_write(m, X86_BOOT_CMDLINE, cmdline, cmdline_len + 1, errp)) {
        return false;
    }
    zp = malloc(BOOTPARAM_ZERO_PAGE_BYTES);
    if (!zp) {
        error_setg(errp, "out of memory");
        return false;
    }
    bootparam_build(zp, &(BootParamsConfig){
        .image = is_elf ? NULL : c->kernel,
        .hdr = is_elf ? NULL : &h,
        .cmdline_addr = X86_BOOT_CMDLINE,
        .initrd_addr = info->initrd_addr,
        .initrd_size = c->initrd ? c->initrd_size : 0,
        .e820 = e820,
        .e820_count = e820_count,
    });
    bool ok = guest_mem_write(m, X86_BOOT_ZERO_PAGE, zp, BOOTPARAM_ZERO_PAGE_BYTES, errp);
    free(zp);
    if (!ok) {
        return false;
    }
    info->boot_params = X86_BOOT_ZERO_PAGE;
    return x86_setup_long_mode(m, info, errp);
}
