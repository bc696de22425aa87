/*
 * The x86-64 `microvm` board (QEMU's hw/i386/microvm.c, Firecracker's
 * machine model): no PCI, no ACPI, no firmware.  The guest gets RAM from 0
 * up to the 32-bit gap at 3 GiB (the rest above 4 GiB), the in-kernel
 * LAPIC/IOAPIC/PIC and PIT of -accel kvm, an ISA bus whose 16 IRQs are
 * IOAPIC GSIs 0-15, a 16550 UART at port 0x3f8 on GSI 4 (serial_hd(0)),
 * up to eight virtio-mmio transports at 0xfeb00000 (512 bytes each, GSIs
 * 5-12) announced on the kernel command line, and the Linux it is told to
 * boot with -kernel (bzImage or ELF vmlinux), -initrd and -append, entered
 * directly in 64-bit mode by vCPU 0; the other vCPUs wait for INIT/SIPI.
 *
 * Reset (runstate reset handlers) re-loads the kernel, initrd and zero
 * page and puts vCPU 0 back at the entry, the APs back to wait-for-SIPI.
 * How a guest stops: there is no i8042 and no ACPI, so Linux should boot
 * with reboot=t (a triple fault, which KVM reports as a shutdown exit and
 * we turn into a system reset; -no-reboot makes that a clean exit 0);
 * test guests may also write to -device isa-debug-exit.  `poweroff` in a
 * guest without ACPI only halts its CPUs.
 *
 * Thread context: main thread (init, reset handlers) with the big lock.
 */
#ifndef HW_BOARD_X86_MICROVM_H
#define HW_BOARD_X86_MICROVM_H

#include <stdbool.h>
#include <stddef.h>

#include "util/addr.h"

#define TYPE_MICROVM_MACHINE "microvm-machine"

#define MICROVM_GAP_START          0xc0000000ull  /* the 32-bit PCI/MMIO hole */
#define MICROVM_VIRTIO_MMIO_BASE   0xfeb00000ull
#define MICROVM_VIRTIO_MMIO_SIZE   512
#define MICROVM_VIRTIO_NUM         8
#define MICROVM_VIRTIO_GSI_BASE    5
#define MICROVM_SERIAL_IOBASE      0x3f8
#define MICROVM_SERIAL_GSI         4
#define MICROVM_IOAPIC_PINS        24

/* One virtio-mmio transport slot of the board's device list; in_use when a
 * virtio device is plugged into it (the guest only hears of those). */
typedef struct MicrovmMmioSlot {
    GuestPaddr base;
    uint64_t size;
    unsigned gsi;
    bool in_use;
} MicrovmMmioSlot;

/* The board's slots: slot i at MICROVM_VIRTIO_MMIO_BASE + i * 512, GSI 5 + i. */
void microvm_virtio_slots_init(MicrovmMmioSlot slots[MICROVM_VIRTIO_NUM]);

/* The kernel command line the guest gets: user's -append, then one
 * "virtio_mmio.device=512@0xfeb00000:5" per slot in use (Linux's
 * drivers/virtio/virtio_mmio.c syntax: size@base:irq), space separated.
 * Returns a malloc'd string. */
char *microvm_kernel_cmdline(const char *user, const MicrovmMmioSlot *slots, unsigned n);

#endif
