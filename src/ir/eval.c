/*
 * Out-of-line entry points to the pure-op semantics of eval_internal.h, for
 * users outside ir/ (tests, the JIT's differential checks).
 */
#include "ir/eval_internal.h"
#include "ir/interp.h"

bool ir_eval_pure(IrOpcode opc, IrType type, const uint64_t *in, const uint64_t *consts,
                  uint64_t *out)
{
    if (!(ir_op_defs[opc].flags & IR_OPF_PURE)) {
        return false;
    }
    return ir_eval_inline(opc, type == IR_I64, in, consts, out);
}

bool ir_eval_cond(IrCond c, IrType type, uint64_t a, uint64_t b)
{
    return ir_eval_cond_inline(c, type == IR_I64, a, b);
}
