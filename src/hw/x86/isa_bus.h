/*
 * The ISA bus of an x86 board, as far as its devices need one: the 64 KiB
 * port I/O space they map their registers into, and the 16 ISA IRQ lines
 * the board wires to its interrupt controller (on microvm, IOAPIC GSIs
 * 0-15 of the in-kernel irqchip).  QEMU's isa_address_space_io() and
 * isa_get_irq() without the bus object: one bus per process, set by the
 * board's init before -device devices are created.
 *
 * A device asks isa_bus_get() at realize; without a bus it fails with
 * QEMU's "No 'ISA' bus found for device 'TYPE'".
 * Thread context: main thread (board init, realize), big lock held.
 */
#ifndef HW_X86_ISA_BUS_H
#define HW_X86_ISA_BUS_H

#include "core/irq.h"
#include "memory/memory.h"

#define ISA_NUM_IRQS 16

/* Publish the board's bus; irqs may be NULL (lines stay unconnected). */
void isa_bus_set(MemoryRegion *io, IrqLine *const irqs[ISA_NUM_IRQS]);
/* The board is gone (tests). */
void isa_bus_clear(void);
/* The I/O space for a device of type `type`, or NULL with errp set. */
MemoryRegion *isa_bus_get(const char *type, Error **errp);
/* ISA IRQ n (0-15), NULL when not wired. */
IrqLine *isa_bus_irq(unsigned n);

#endif
