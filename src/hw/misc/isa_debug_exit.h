/*
 * QEMU's isa-debug-exit (hw/misc/debugexit.c): an ISA I/O port range that
 * ends the emulator when the guest writes to it, with exit status
 * (value << 1) | 1, so a test guest can report pass/fail without ACPI.
 * -device isa-debug-exit,iobase=0xf4,iosize=0x04 is what test suites use;
 * the defaults are QEMU's (iobase 0x501, iosize 2).  The exit status keeps
 * the low 8 bits as exit(3) does: writing 0x10 exits with 0x21.  Reads
 * return 0.
 *
 * Thread context: the write comes from a vCPU thread with the big lock
 * held; the exit is a runstate request the main loop acts on.
 */
#ifndef HW_MISC_ISA_DEBUG_EXIT_H
#define HW_MISC_ISA_DEBUG_EXIT_H

#include "core/device.h"
#include "memory/memory.h"

#define TYPE_ISA_DEBUG_EXIT "isa-debug-exit"

typedef struct IsaDebugExitState {
    DeviceState parent_obj;
    MemoryRegion io;
    MemoryRegion *bus_io;       /* where io is mapped, once realized */
    uint32_t iobase;
    uint32_t iosize;
} IsaDebugExitState;

DECLARE_INSTANCE_CHECKER(IsaDebugExitState, ISA_DEBUG_EXIT, TYPE_ISA_DEBUG_EXIT)

#endif
