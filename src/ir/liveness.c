/*
 * Liveness and dead-code elimination: one backward pass over the block.
 * It fills IrOp.life (bit i set: vals[i] is an input read for the last time
 * here, or an output nobody reads) for the JIT's register allocator, and
 * deletes ops with no side effects whose outputs are all dead (pure ops,
 * calls flagged IR_CALL_NO_SIDE_EFFECTS).
 *
 * The rules (conservative at block boundaries, like TCG's):
 *   - at an exit (exit_tb, lookup_and_goto_ptr, no-return call) and at
 *     every basic-block boundary globals are live: their home is memory;
 *   - at labels and branches TB temps are also live (another path may read
 *     them); EBB temps are dead at labels;
 *   - before any op that may raise (guest memory, calls without
 *     IR_CALL_NO_RAISE) and before calls that read globals, every global is
 *     live, so dead-store elimination never hides a value an exception or a
 *     helper observes.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ir/helper.h"
#include "ir/ir.h"
#include "ir/ir_internal.h"

static void ir_live_set_kind(const IrBuilder *b, uint8_t *live, bool globals, bool tb_temps,
                             bool ebb_temps)
{
    size_t ng = b->ctx->nglobals;
    if (globals) {
        memset(live, 1, ng);
    }
    for (size_t i = ng; i < b->ntemps; i++) {
        IrTempKind k = b->temps[i].kind;
        if (k == IR_TEMP_TB) {
            live[i] = tb_temps ? 1 : live[i];
        } else if (k == IR_TEMP_EBB && !ebb_temps) {
            live[i] = 0;
        }
    }
}

static void ir_live_reset(const IrBuilder *b, uint8_t *live, bool globals, bool tb_temps)
{
    memset(live, 0, b->ntemps);
    ir_live_set_kind(b, live, globals, tb_temps, false);
}

void ir_liveness(IrBuilder *b)
{
    /* scratch kept in b (every entry is set by the reset below) */
    if (b->live_cap < b->ntemps + 1) {
        b->live_cap = 2 * (b->ntemps + 1);
        free(b->live);
        b->live = malloc(b->live_cap);
        assert(b->live);
    }
    uint8_t *live = b->live;
    ir_live_reset(b, live, true, false);

    for (size_t i = b->nops; i-- > 0;) {
        IrOp *op = &b->ops[i];
        const IrOpDef *def = ir_def(op->opc);
        const IrHelperInfo *h = NULL;
        bool removable = (def->flags & IR_OPF_PURE) != 0;

        if (op->opc == IR_OP_nop || op->opc == IR_OP_insn_start) {
            continue;
        }
        if (def->flags & IR_OPF_CALL) {
            h = (const IrHelperInfo *)(uintptr_t)op->consts[0];
            removable = (h->flags & IR_CALL_NO_SIDE_EFFECTS) && op->nout == 1;
        }

        /* boundaries, seen from below */
        if (def->flags & IR_OPF_EXIT ||
            (h && (h->flags & IR_CALL_NO_RETURN))) {
            ir_live_reset(b, live, true, false);
        } else if (op->opc == IR_OP_br) {
            ir_live_reset(b, live, true, true);
        } else if (op->opc == IR_OP_brcond) {
            ir_live_set_kind(b, live, true, true, true);
        } else if (op->opc == IR_OP_set_label) {
            /* what flows into the label from above: conservatively all */
            ir_live_set_kind(b, live, true, true, false);
            op->life = 0;
            continue;
        }

        if (removable) {
            bool any_live = false;
            for (unsigned k = 0; k < op->nout; k++) {
                any_live |= live[op->vals[k]] != 0;
            }
            if (!any_live) {
                op->opc = IR_OP_nop;
                op->nout = op->nin = op->nconst = 0;
                continue;
            }
        }

        uint16_t life = 0;
        for (unsigned k = 0; k < op->nout; k++) {
            if (!live[op->vals[k]]) {
                life |= 1u << k;
            }
            live[op->vals[k]] = 0;
        }
        /* the op may raise or a helper may read globals: they must be current */
        bool may_raise = (def->flags & IR_OPF_GUEST_MEM) ||
                         (h && !(h->flags & IR_CALL_NO_RAISE));
        bool reads_globals = h && !(h->flags & IR_CALL_NO_READ_GLOBALS);
        if (may_raise || reads_globals) {
            memset(live, 1, b->ctx->nglobals);
        }
        for (unsigned k = op->nout; k < op->nout + op->nin; k++) {
            uint32_t v = op->vals[k];
            if (!live[v] && b->temps[v].kind != IR_TEMP_CONST) {
                life |= 1u << k;
            }
            live[v] = 1;
        }
        op->life = life;
    }
}
