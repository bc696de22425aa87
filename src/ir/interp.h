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

#include <stdint.h>

#include "core/error.h"
#include "ir/ir.h"

typedef struct IrCode IrCode;

typedef struct IrRuntime {
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
