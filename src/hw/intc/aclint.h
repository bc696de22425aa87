/*
 * The RISC-V ACLINT as the virt board's CLINT ("sifive,clint0"): one
 * 0x10000-byte window holding the MSWI device (msip per hart at 4 * hart,
 * bit 0 only) and the MTIMER device (mtimecmp per hart at 0x4000 + 8 * hart,
 * mtime at 0xbff8), as the RISC-V ACLINT spec 1.0 and QEMU's
 * hw/intc/riscv_aclint.c lay them out.  Registers take 32- and 64-bit
 * accesses; the halves of mtime and mtimecmp can be written separately.
 *
 * mtime counts at `timebase-freq` (10 MHz) from CLOCK_VIRTUAL, so guest
 * time stops while the VM is paused; writing mtime shifts it.  A hart's
 * MTIP is the level mtime >= mtimecmp, kept true by a timer armed for the
 * deadline; mtimecmp resets to all-ones (no interrupt).
 *
 * Outputs: named GPIO groups "msip" and "mtip", num-harts lines each, to
 * wire to each hart's MSIP (mip bit 3) and MTIP (mip bit 7) inputs.
 * aclint_mtime() is what a hart's time CSR reads.  Thread context: MMIO
 * from vCPU threads and the timer callback on the main loop, both with the
 * big lock held.
 */
#ifndef HW_INTC_ACLINT_H
#define HW_INTC_ACLINT_H

#include "core/device.h"
#include "memory/memory.h"
#include "system/timer.h"

#define TYPE_ACLINT "riscv.aclint"

#define ACLINT_MAX_HARTS 64
#define ACLINT_MMIO_SIZE 0x10000
#define ACLINT_MSWI_BASE 0x0
#define ACLINT_MTIMECMP_BASE 0x4000
#define ACLINT_MTIME 0xbff8

typedef struct AclintState AclintState;

/* A hart's mtimecmp deadline. */
typedef struct AclintTimer {
    Timer timer;
    AclintState *s;
    unsigned hart;
} AclintTimer;

struct AclintState {
    DeviceState parent_obj;
    MemoryRegion iomem;
    uint32_t num_harts;
    uint32_t timebase_freq;
    IrqLine *msip_out[ACLINT_MAX_HARTS];
    IrqLine *mtip_out[ACLINT_MAX_HARTS];
    uint8_t msip[ACLINT_MAX_HARTS];
    uint64_t mtimecmp[ACLINT_MAX_HARTS];
    int mtip_level[ACLINT_MAX_HARTS];
    AclintTimer timers[ACLINT_MAX_HARTS];
    int64_t mtime_delta;       /* mtime = ticks(CLOCK_VIRTUAL) + mtime_delta */
};

DECLARE_INSTANCE_CHECKER(AclintState, ACLINT, TYPE_ACLINT)

uint64_t aclint_mtime(AclintState *s);
/* For RiscvCpu's rdtime hook (opaque is the AclintState). */
uint64_t aclint_rdtime(void *opaque);

#endif
