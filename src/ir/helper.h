/*
 * Helper calls: C functions the IR calls for work too big or too rare for
 * inline ops (CSR access, raising exceptions, FP, page-table walks...).
 * Each guest lists its helpers as X-macro rows in its own helpers.def and
 * turns them into prototypes, IrHelperInfo records and HELPER_x names with
 * ir/helper_gen.h; this header is the record and its flags, which the
 * optimizer, the interpreter and the JIT read.
 *
 * A helper always receives the CPU state pointer (env: the CpuState at the
 * start of the guest's CPU struct) as its first argument, then up to
 * IR_CALL_MAX_ARGS arguments of type i32 (uint32_t) or i64 (uint64_t), and
 * returns void, i32 or i64.  Flags say what a helper does NOT do; a helper
 * with no flags may read and write globals and raise a guest exception
 * (through cpu_loop_exit*), so backends write globals back before the call
 * and reload them after.  A helper that raises must be called from a
 * restorable point: backends record the current instruction before calls.
 *
 * Thread: helpers run on the vCPU thread that executes the block.
 */
#ifndef IR_HELPER_H
#define IR_HELPER_H

#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

enum {
    IR_CALL_NO_READ_GLOBALS = 1u << 0,  /* globals need not be in memory */
    IR_CALL_NO_WRITE_GLOBALS = 1u << 1, /* globals are unchanged by the call */
    IR_CALL_NO_SIDE_EFFECTS = 1u << 2,  /* pure: deleted when the result is dead */
    IR_CALL_NO_RAISE = 1u << 3,         /* never leaves through cpu_loop_exit */
    IR_CALL_NO_RETURN = 1u << 4,        /* always raises (ends the block) */
    /* Shorthand for a pure function of its arguments. */
    IR_CALL_PURE = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS |
                   IR_CALL_NO_SIDE_EFFECTS | IR_CALL_NO_RAISE,
    /* What call_miss's helper must promise (ir_ops.def). */
    IR_CALL_MISS_FLAGS = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_RAISE,
};

/* Argument/return kinds of a helper signature. */
typedef enum IrHelperType {
    IR_HT_VOID,
    IR_HT_I32,
    IR_HT_I64,
} IrHelperType;

/* The interpreter's uniform entry: args[] holds the arguments zero-extended;
 * returns the result zero-extended (0 for void). */
typedef uint64_t (*IrHelperThunkFn)(void *env, const uint64_t *args);

struct IrHelperInfo {
    const char *name;
    void *fn;                   /* the C function itself (for the JIT) */
    IrHelperThunkFn thunk;      /* typed trampoline (for the interpreter) */
    uint32_t flags;             /* IR_CALL_* */
    uint8_t ret;                /* IrHelperType */
    uint8_t nargs;
    uint8_t args[IR_CALL_MAX_ARGS]; /* IrHelperType */
};

/* The registry of every helper table in the binary (guests register theirs
 * at start-up; any thread may look up after).  Used to resolve helper names
 * (ir_parse with no table, the JIT's disassembly annotations). */
void ir_helpers_register(const IrHelperInfo *const *table, size_t n);
const IrHelperInfo *ir_helper_find(const char *name);

#endif
