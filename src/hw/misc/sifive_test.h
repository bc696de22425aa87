/*
 * SiFive test finisher ("sifive,test0"): one 32-bit register at offset 0
 * whose low 16 bits say what the guest wants: 0x5555 pass (exit status 0),
 * 0x3333 fail with the exit status in bits 31:16, 0x7777 reset.  Linux
 * powers off and reboots through it via the syscon-poweroff/-reboot nodes.
 * The board maps `iomem` (0x1000 bytes).
 *
 * Thread context: MMIO from vCPU threads with the big lock held; requests
 * go through system/runstate.h and take effect on the main loop.
 */
#ifndef HW_MISC_SIFIVE_TEST_H
#define HW_MISC_SIFIVE_TEST_H

#include "core/device.h"
#include "memory/memory.h"

#define TYPE_SIFIVE_TEST "riscv.sifive.test"

enum {
    SIFIVE_TEST_FAIL = 0x3333,
    SIFIVE_TEST_PASS = 0x5555,
    SIFIVE_TEST_RESET = 0x7777,
    SIFIVE_TEST_SIZE = 0x1000,
};

typedef struct SifiveTestState {
    DeviceState parent_obj;
    MemoryRegion iomem;
} SifiveTestState;

DECLARE_INSTANCE_CHECKER(SifiveTestState, SIFIVE_TEST, TYPE_SIFIVE_TEST)

#endif
