/*
 * The RISC-V F and D extensions' run-time side (Unprivileged ISA 20191213,
 * chapters 11 and 12): the helpers generated code calls (helpers.def, rv-fp
 * section; fpu_helper.c), the FP CSR accessors that the CSR table (csr.def,
 * rv-priv) calls for fflags (0x001), frm (0x002) and fcsr (0x003), and
 * mstatus.FS bookkeeping.
 *
 * State: cpu->fflags (5 bits, accrued by every FP helper), cpu->frm (3 bits,
 * stored as written: 5-7 are legal values of the field that make dynamic-rm
 * instructions illegal, 11.2), cpu->fpr[] (singles NaN-boxed, 12.2).
 *
 * Contract with the CSR table: fflags/frm/fcsr are accessible only when
 * riscv_fp_enabled() (misa.F and mstatus.FS != Off, else illegal
 * instruction); writes go through riscv_csr_write_* which set mstatus.FS =
 * Dirty (and SD).  Reserved fcsr bits 31:8 read as zero and ignore writes.
 *
 * Thread: the hart's vCPU thread.
 */
#ifndef GUEST_RISCV_FPU_HELPER_H
#define GUEST_RISCV_FPU_HELPER_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/riscv/cpu.h"

#define RISCV_CSR_FFLAGS 0x001
#define RISCV_CSR_FRM 0x002
#define RISCV_CSR_FCSR 0x003


/* The canonical NaNs (11.3) and the NaN box of singles (12.2). */
#define RISCV_CANONICAL_NAN_S 0x7fc00000u
#define RISCV_CANONICAL_NAN_D 0x7ff8000000000000ull
#define RISCV_NAN_BOX_MASK 0xffffffff00000000ull

/* FP state accessible: misa.F (D implies F) and mstatus.FS != Off.  The
 * predicate of the three FP CSRs. */
bool riscv_fp_enabled(const RiscvCpu *cpu);
/* mstatus.FS = Dirty, mstatus.SD = 1 (Privileged 3.1.6.6). */
void riscv_fp_set_dirty(RiscvCpu *cpu);

/* fflags and frm (masked to their widths) and the TB flags' FP fast state
 * with them: every store of either goes through here, so cpu->tb_flags
 * stays exact (TB_FLAGS_FP_FAST).  Sets nothing else: debugger writes and
 * sigreturn use it as it is, the CSR writes below add FS = Dirty. */
void riscv_fp_set_fcsr(RiscvCpu *cpu, uint32_t fflags, uint32_t frm);

/* CSR accessors; the writes set FS = Dirty.  Callers check the predicate. */
uint64_t riscv_csr_read_fflags(RiscvCpu *cpu);
uint64_t riscv_csr_read_frm(RiscvCpu *cpu);
uint64_t riscv_csr_read_fcsr(RiscvCpu *cpu);
void riscv_csr_write_fflags(RiscvCpu *cpu, uint64_t val);
void riscv_csr_write_frm(RiscvCpu *cpu, uint64_t val);
void riscv_csr_write_fcsr(RiscvCpu *cpu, uint64_t val);

/* A single from a 64-bit FP register: its low word when NaN-boxed, else
 * the canonical NaN (12.2). */
static inline uint32_t riscv_fp_unbox_s(uint64_t v)
{
    return (v & RISCV_NAN_BOX_MASK) == RISCV_NAN_BOX_MASK ? (uint32_t)v : RISCV_CANONICAL_NAN_S;
}

static inline uint64_t riscv_fp_box_s(uint32_t v)
{
    return RISCV_NAN_BOX_MASK | v;
}

/* fclass (11.9): one-hot class bit, 0 = -inf ... 9 = quiet NaN. */
uint64_t riscv_fp_class_s(uint32_t a);
uint64_t riscv_fp_class_d(uint64_t a);

#endif
