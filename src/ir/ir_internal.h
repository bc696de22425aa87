/*
 * Private layout of IrContext and IrBuilder, shared by the files of ir/
 * (builder, printer, verifier, optimizer, liveness, interpreter compiler).
 * Outside ir/, use the accessors of ir/ir.h.
 */
#ifndef IR_IR_INTERNAL_H
#define IR_IR_INTERNAL_H

#include "ir/ir.h"

struct IrContext {
    IrTemp *globals;
    size_t nglobals, cap;
};

#define IR_CONST_CACHE_BITS 8

/* One slot of the per-block constant dedup cache. */
typedef struct IrConstSlot {
    uint32_t gen;
    uint32_t type;
    uint64_t value;
    uint32_t id;
} IrConstSlot;

struct IrBuilder {
    const IrContext *ctx;
    IrTemp *temps;          /* [0, nglobals) are the context's globals */
    size_t ntemps, temps_cap;
    IrOp *ops;
    size_t nops, ops_cap;
    uint32_t nlabels;
    uint32_t nvars;         /* TB/EBB temps created in this block */
    uint32_t const_gen;     /* bumped per block: invalidates const_cache */
    IrConstSlot const_cache[1u << IR_CONST_CACHE_BITS];
    /* Scratch of the optimizer and liveness, kept from block to block: a
     * boot optimizes ~70k blocks, and a fresh calloc (and initialization)
     * of the per-value knowledge each time was half the optimizer's cost.
     * Knowledge is valid only in its epoch; opt_epoch only grows. */
    struct IrOptInfo *opt_info;
    size_t opt_info_cap;
    uint32_t opt_epoch;
    uint8_t *live;
    size_t live_cap;
    uint32_t *last_read;    /* ir_opt_def_into_copies: per temp */
    size_t last_read_cap;
};

static inline const IrOpDef *ir_def(unsigned opc)
{
    return &ir_op_defs[opc];
}

/* The type value operand i (outputs first) of op must have, for every op
 * but call (whose types come from its helper). */
IrType ir_operand_type(const IrOp *op, unsigned i);

#endif
