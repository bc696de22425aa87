/*
 * The RISC-V Platform-Level Interrupt Controller (RISC-V PLIC spec 1.0.0;
 * QEMU's hw/intc/sifive_plic.c with the virt board's layout): sources
 * 1..num-sources-1 with 3-bit priorities at 4 * id, pending bits at 0x1000,
 * per-context enable bits at 0x2000 + 0x80 * ctx, and per-context
 * threshold and claim/complete at 0x200000 + 0x1000 * ctx (+4).  Contexts
 * come in hart order, two per hart: M-mode (2h) and S-mode (2h + 1).
 *
 * Sources are level-triggered (the gateway of spec 1.0 section 5): a
 * source is pending while its line is high and it is not claimed; claiming
 * clears pending, completing re-arms it (pending again at once if the line
 * is still high).  A context's output is high while some source is pending,
 * enabled for it, not claimed, and above its threshold.
 *
 * Inputs: unnamed GPIO lines 0..num-sources-1 (line n is source n; 0 is
 * never used).  Outputs: unnamed GPIO lines, one per context, to wire to
 * MEIP (mip bit 11) and SEIP (bit 9).  Registers take 32-bit accesses only.
 * Thread context: big lock held (MMIO from vCPUs, lines from devices).
 */
#ifndef HW_INTC_PLIC_H
#define HW_INTC_PLIC_H

#include "core/device.h"
#include "memory/memory.h"

#define TYPE_PLIC "riscv.sifive.plic"

#define PLIC_MAX_SOURCES 1024
#define PLIC_MAX_CONTEXTS 64
#define PLIC_PRIORITY_BASE 0x0
#define PLIC_PENDING_BASE 0x1000
#define PLIC_ENABLE_BASE 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT_BASE 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_PRIORITY_MASK 7
/* The virt board's window: room for 1024 contexts, as QEMU maps it. */
#define PLIC_MMIO_SIZE 0x600000

#define PLIC_WORDS (PLIC_MAX_SOURCES / 32)

typedef struct PlicState {
    DeviceState parent_obj;
    MemoryRegion iomem;
    uint32_t num_sources;       /* including the unused source 0 */
    uint32_t num_harts;         /* contexts = 2 * num_harts */
    IrqLine *ctx_out[PLIC_MAX_CONTEXTS];
    int ctx_level[PLIC_MAX_CONTEXTS];
    uint32_t priority[PLIC_MAX_SOURCES];
    uint32_t line[PLIC_WORDS];      /* input levels */
    uint32_t pending[PLIC_WORDS];
    uint32_t claimed[PLIC_WORDS];
    uint32_t enable[PLIC_MAX_CONTEXTS][PLIC_WORDS];
    uint32_t threshold[PLIC_MAX_CONTEXTS];
} PlicState;

DECLARE_INSTANCE_CHECKER(PlicState, PLIC, TYPE_PLIC)

#endif
