/*
 * The portable IR interpreter: Morpho's first backend and the JIT's
 * reference.  ir_interp_compile() turns a block's optimized IR (after
 * ir_liveness) into IrCode, a compact array of fixed-size instructions with
 * pre-resolved operands (frame slots for temps and constants, env offsets
 * for globals, instruction indices for labels); ir_interp_run() executes it
 * against the CPU state.  Globals are read and written in place in the CPU
 * state, so they are always in memory (helpers and exceptions see them).
 *
 * What the interpreter cannot do itself (guest memory, which depends on the
 * CPU's mode: soft-MMU or user-mode guest base) it asks of an IrRuntime that
 * exec/ provides.  Runtime hooks and helpers may leave the interpreter with
 * siglongjmp (guest exceptions): the interpreter holds no resources, and it
 * stores the index of the current guest instruction (the count of
 * insn_start ops executed, minus one) in *insn_index first, which is how the
 * exec loop restores the guest pc exactly.
 *
 * Thread: IrCode is immutable after compile; any number of threads may run
 * the same IrCode at once (each call has its own frame on the C stack).
 */
#ifndef IR_INTERP_H
#define IR_INTERP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "ir/ir.h"

typedef struct IrCode IrCode;

/*
 * The soft-TLB shape a backend may inline (exec/softmmu.h's CpuTlbFast and
 * CpuTlbEntry have this layout; exec asserts it): per MMU index an index
 * mask and a table of entries; an access of size bytes at addr hits when
 * (addr & (page_mask | (size - 1))) equals the entry's tag, and its host
 * address is then addr + addend.
 */
typedef struct IrTlbEntry {
    uint64_t addr_read;
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend;
} IrTlbEntry;

typedef struct IrTlbFast {
    uint64_t index_mask;
    IrTlbEntry *table;
} IrTlbFast;

typedef struct IrRuntime {
    /* Optional inline fast path: when tlb_fast is set, env +
     * tlb_fast_offset is IrTlbFast[mmu_idx]; else always call the hooks. */
    bool tlb_fast;
    uint8_t tlb_page_bits;
    int32_t tlb_fast_offset;
    /* Load memop-sized value at addr, sign-/zero-extended to 64 bits. */
    uint64_t (*guest_ld)(void *env, uint64_t addr, MemOp mop, unsigned mmu_idx);
    void (*guest_st)(void *env, uint64_t addr, uint64_t val, MemOp mop, unsigned mmu_idx);
    /* opc is IR_OP_atomic_*; returns the old value (extended per mop). */
    uint64_t (*guest_atomic)(void *env, IrOpcode opc, uint64_t addr, uint64_t val,
                             uint64_t newv, MemOp mop, unsigned mmu_idx);
} IrRuntime;

/* Compile a verified, optimized block.  NULL with *errp set only when the
 * block is too large for the encoding (more than 65535 slots). */
IrCode *ir_interp_compile(const IrBuilder *b, Error **errp);
void ir_interp_free(IrCode *code);
/* Number of insn_start ops in the block. */
unsigned ir_interp_insn_count(const IrCode *code);
/* Bytes of host memory the code uses (statistics). */
size_t ir_interp_size(const IrCode *code);

/* Run a block; returns its IrExit value. */
IrExit ir_interp_run(const IrCode *code, void *env, const IrRuntime *rt,
                     uint32_t *insn_index);

/* Pure-op semantics shared by the interpreter and the optimizer's constant
 * folding (so they cannot disagree).  Values are zero-extended for I32.
 * Returns false if opc is not a single-output pure op. */
bool ir_eval_pure(IrOpcode opc, IrType type, const uint64_t *in, const uint64_t *consts,
                  uint64_t *out);
bool ir_eval_cond(IrCond c, IrType type, uint64_t a, uint64_t b);

#endif
