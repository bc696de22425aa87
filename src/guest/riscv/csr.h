/*
 * The RISC-V CSR file: one access function over the table in csr.def
 * (number, name, predicate, read and write accessors), implementing the
 * Zicsr access rules of the Privileged ISA 1.12, 2.1 and 2.2: the minimum
 * privilege is csr[9:8], csr[11:10] == 3 marks a read-only CSR (writing it
 * is illegal), an unimplemented number or a false predicate is illegal.
 * Writes go through WARL legalisation in the accessors; a write that
 * changes translation state (mstatus, satp, PMP...) flushes the soft TLB
 * and re-evaluates pending interrupts itself.
 *
 * Also the hart's interrupt-state helpers the CSRs and the trap code share
 * (cpu_helper.c): riscv_cpu_update_mip and friends.
 *
 * Threads: the hart's vCPU thread (or a test before the hart runs).
 */
#ifndef GUEST_RISCV_CSR_H
#define GUEST_RISCV_CSR_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/riscv/cpu.h"

/* CSR numbers the trap code and the tests name. */
enum {
#define RISCV_CSR(num, name, pred, read, write) CSR_##name = (num),
#include "guest/riscv/csr.def"
#undef RISCV_CSR
};

/*
 * Read-modify-write CSR csrno as a Zicsr instruction would at the hart's
 * current privilege: *old gets the value before (if old is not NULL); when
 * write is true the CSR becomes (old & ~mask) | (val & mask).  write false
 * means the instruction does not write (csrrs/csrrc with x0 or uimm 0), so
 * no write checks or side effects happen.  Returns true, or false for an
 * illegal instruction (nothing changed).
 */
bool riscv_csr_access(RiscvCpu *cpu, unsigned csrno, uint64_t *old, uint64_t val,
                      uint64_t mask, bool write);
/* Name of CSR csrno ("mstatus"), or NULL when not implemented. */
const char *riscv_csr_name(unsigned csrno);

/* Counters (Zicntr, 3.1.11): the current mcycle / minstret / time. */
uint64_t riscv_csr_mcycle(RiscvCpu *cpu);
uint64_t riscv_csr_time(RiscvCpu *cpu);

/* ---- interrupt state (cpu_helper.c) ---- */

/* cpu->exception_index of an interrupt: this flag | the interrupt number
 * (below the exec loop's EXCP_* codes, above every exception cause). */
#define RISCV_EXCP_INT_FLAG 0x8000

/* Change mip bits in mask to value (any thread, atomic), then kick the hart
 * if an interrupt became pending or withdraw the request.  Returns the old
 * mip.  This is what the board's interrupt lines (mip bits 1, 3, 5, 7, 9,
 * 11) call. */
uint64_t riscv_cpu_update_mip(RiscvCpu *cpu, uint64_t mask, uint64_t value);
/* The same for writes by the guest (csrw mip, vCPU thread): a SEIP in mask
 * sets the software-writable SEIP bit, which the effective SEIP ORs with
 * the interrupt controller's line (3.1.9). */
void riscv_cpu_write_mip(RiscvCpu *cpu, uint64_t mask, uint64_t value);
/* mip as CSRRS/CSRRC modify it: with the software-writable SEIP instead of
 * the effective one (3.1.9: only that bit takes part in the read-modify-
 * write). */
uint64_t riscv_cpu_mip_rmw_base(RiscvCpu *cpu);
/* The hart's interrupt inputs as an IrqHandlerFn (core/irq.h): opaque is
 * the RiscvHart device, n the mip bit (IRQ_S_SOFT ... IRQ_M_EXT: 1, 3, 5,
 * 7, 9, 11), level the line's level.  For device_init_gpio_in(dev, this,
 * IRQ_LOCAL_COUNT) in the hart's realize; other n are ignored. */
void riscv_hart_gpio_set(void *opaque, int n, int level);
/* Set or clear the CPU's interrupt request after mie, mideleg, mstatus or
 * the privilege changed (vCPU thread). */
void riscv_cpu_update_interrupt(RiscvCpu *cpu);
/* Sstc: recompute mip.STIP from time >= stimecmp when menvcfg.STCE is set
 * and re-arm the board's timer (vCPU thread, or the board's timer callback
 * under the big lock). */
void riscv_cpu_update_stip(RiscvCpu *cpu);
/* The interrupt number the hart would take now (priority order MEI, MSI,
 * MTI, SEI, SSI, STI, with delegation and the global enables of 3.1.6.1),
 * or -1 for none. */
int riscv_cpu_pending_interrupt(RiscvCpu *cpu);
/* Flush the hart's soft TLB (all MMU indexes); harmless without exec/. */
void riscv_cpu_tlb_flush(RiscvCpu *cpu);

#endif
