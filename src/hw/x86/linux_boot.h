/*
 * Loading Linux (or anything speaking its boot protocol) into an x86-64
 * guest and preparing its 64-bit entry, the way kvmtool and Firecracker do
 * without firmware: kernel (bzImage or ELF vmlinux), command line, initrd,
 * the zero page, identity-mapped page tables and a flat GDT.  The result,
 * X86BootInfo, is what the board turns into vCPU 0's registers: RIP =
 * entry, RSI = boot_params, CR3 = pml4, CS = 0x10 and DS/ES/SS = 0x18 from
 * the GDT (Linux boot.rst, "64-bit BOOT PROTOCOL").
 *
 * The fixed low-memory layout (all below E820_LOW_RAM_END):
 *   0x0500 GDT   0x7000 zero page   0x8ff0 initial stack
 *   0x9000 PML4  0xa000 PDPT  0xb000.. page directories (2 MiB pages)
 *   0x20000 command line (up to 64 KiB)   0x100000 kernel
 * Main thread; writes guest memory only through the GuestMemWriter.
 */
#ifndef HW_X86_LINUX_BOOT_H
#define HW_X86_LINUX_BOOT_H

#include "hw/x86/bootparam.h"

#define X86_BOOT_GDT_ADDR     0x500ull
#define X86_BOOT_ZERO_PAGE    0x7000ull
#define X86_BOOT_STACK        0x8ff0ull
#define X86_BOOT_PML4         0x9000ull
#define X86_BOOT_CMDLINE      0x20000ull
#define X86_BOOT_CMDLINE_MAX  0x10000ull
#define X86_BOOT_KERNEL_ADDR  0x100000ull

/* Linux's __BOOT_CS and __BOOT_DS (arch/x86/include/asm/segment.h). */
#define X86_BOOT_CS 0x10
#define X86_BOOT_DS 0x18
#define X86_BOOT_GDT_ENTRIES 4

typedef struct X86BootInfo {
    GuestPaddr entry;            /* 64-bit entry: RIP */
    GuestPaddr boot_params;      /* RSI */
    GuestPaddr stack;            /* RSP */
    GuestPaddr pml4;             /* CR3 */
    GuestPaddr gdt_base;
    uint16_t gdt_limit;
    uint16_t code_sel, data_sel;
    GuestPaddr kernel_end;       /* load address + init_size (bzImage) or last segment */
    GuestPaddr initrd_addr;      /* 0 without an initrd */
} X86BootInfo;

typedef struct X86LinuxBootConfig {
    const uint8_t *kernel;
    size_t kernel_size;
    const char *kernel_name;     /* for messages: the -kernel path */
    const uint8_t *initrd;       /* NULL: none */
    size_t initrd_size;
    const char *cmdline;         /* NULL: empty */
    X86RamLayout ram;
} X86LinuxBootConfig;

/* Loads a bzImage or an ELF64 x86-64 vmlinux (by its magic), the command
 * line and the initrd, builds the zero page, page tables and GDT, and fills
 * *info.  Errors name the file and the rule broken (RAM too small for
 * init_size, command line longer than cmdline_size, initrd placement...). */
bool x86_linux_load(const GuestMemWriter *m, const X86LinuxBootConfig *c, X86BootInfo *info,
                    Error **errp);

/* An 8-byte segment descriptor (Intel SDM 3A, 3.4.5); flags are the
 * access byte in bits 0-7 and G/DB/L/AVL in bits 12-15, like Linux's
 * GDT_ENTRY(flags, base, limit). */
uint64_t x86_gdt_entry(uint16_t flags, uint32_t base, uint32_t limit);
/* The boot GDT: null, null, 0x10 64-bit code, 0x18 data. */
void x86_boot_gdt(uint64_t gdt[X86_BOOT_GDT_ENTRIES]);
/* Identity map [0, gib GiB) with 2 MiB pages: PML4 at pml4, PDPT at
 * pml4 + 4 KiB, gib page directories after it.  1 <= gib <= 512. */
bool x86_build_identity_map(const GuestMemWriter *m, GuestPaddr pml4, unsigned gib,
                            Error **errp);
/* Writes the GDT and the identity map for the 64-bit entry into *info. */
bool x86_setup_long_mode(const GuestMemWriter *m, X86BootInfo *info, Error **errp);

#endif
