/*
 * The RISC-V `virt` board (QEMU's hw/riscv/virt.c): the machine type "virt"
 * (the default for morpho-system-riscv64).  Its memory map is one table in
 * riscv_virt.c; its devices each write their own device-tree node; the
 * reset ROM at 0x1000 hands the hart its hart id, the device tree's address
 * and OpenSBI's fw_dynamic info, exactly as QEMU's does, so the same
 * firmware and kernels boot.
 *
 * The board owns the system memory tree (`sysmem`, viewed by `as`): each
 * hart's CpuState.as points at it.  Thread context: main thread, during
 * machine init; the device tree and the loaded images are fixed after that.
 */
#ifndef HW_BOARD_RISCV_VIRT_H
#define HW_BOARD_RISCV_VIRT_H

#include "core/device.h"
#include "hw/board/machine.h"
#include "hw/fdt/devtree.h"
#include "memory/memory.h"

#define TYPE_RISCV_VIRT_MACHINE MACHINE_TYPE_NAME("virt")

typedef enum RiscvVirtRegion {
    VIRT_MROM,
    VIRT_TEST,
    VIRT_RTC,
    VIRT_CLINT,
    VIRT_PLIC,
    VIRT_UART0,
    VIRT_VIRTIO,
    VIRT_DRAM,
    VIRT_REGION_COUNT,
} RiscvVirtRegion;

typedef struct RiscvVirtMemmapEntry {
    const char *name;
    GuestPaddr base;
    uint64_t size;
    int irq;                   /* PLIC source, -1 for none */
} RiscvVirtMemmapEntry;

/* The board's memory map (QEMU 7.2's virt_memmap). */
extern const RiscvVirtMemmapEntry riscv_virt_memmap[VIRT_REGION_COUNT];

#define RISCV_VIRT_MAX_HARTS 8
#define RISCV_VIRT_VIRTIO_COUNT 8
#define RISCV_VIRT_TIMEBASE_HZ 10000000
/* The reset ROM: ten instruction/data words, then struct fw_dynamic_info. */
#define RISCV_VIRT_RESET_VEC_BYTES 40
#define FW_DYNAMIC_INFO_MAGIC 0x4942534fULL     /* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION 2
#define FW_DYNAMIC_INFO_NEXT_MODE_U 0
#define FW_DYNAMIC_INFO_NEXT_MODE_S 1
#define FW_DYNAMIC_INFO_NEXT_MODE_M 3

typedef struct RiscvVirtState {
    MachineState parent_obj;
    MemoryRegion sysmem;       /* the root of guest physical memory */
    AddressSpace *as;
    MemoryRegion ram;
    MemoryRegion mrom;
    DeviceState *harts[RISCV_VIRT_MAX_HARTS];
    unsigned n_harts;
    DeviceState *devs[8];      /* in riscv_virt.c's device-list order */
    DeviceState *aclint;
    DeviceState *plic;
    DeviceState *test;
    DeviceState *uart0;
    DeviceState *rtc;
    MemoryRegion virtio_empty[RISCV_VIRT_VIRTIO_COUNT];
    /* Devices mapped into sysmem, each with a reference the board holds
     * so that teardown can unmap before they go. */
    DeviceState *mapped_dev[32];
    MemoryRegion *mapped_mr[32];
    unsigned n_mapped;
    DevTree *fdt;
    GuestPaddr fdt_addr;
    /* What the reset ROM jumps to, and what fw_dynamic hands on to. */
    GuestPaddr start_addr;
    GuestPaddr kernel_entry;
    GuestPaddr initrd_start, initrd_end;
    /* Sstc: the harts' stimecmp deadlines (riscv_virt.c, n_harts of them). */
    struct RiscvVirtStimer *stimers;
} RiscvVirtState;

DECLARE_INSTANCE_CHECKER(RiscvVirtState, RISCV_VIRT_MACHINE, TYPE_RISCV_VIRT_MACHINE)

/* QEMU's riscv_compute_fdt_addr: the highest 2 MiB boundary that leaves
 * room for the tree below min(end of DRAM, 3 GiB). */
GuestPaddr riscv_virt_compute_fdt_addr(GuestPaddr dram_base, uint64_t ram_size,
                                       size_t fdt_bytes);
/* The reset ROM's first 40 bytes (ten little-endian words) for RV64. */
void riscv_virt_reset_vec(uint32_t words[10], GuestPaddr start_addr, GuestPaddr fdt_addr);

#endif
