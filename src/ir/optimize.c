/*
 * The optimizer: one forward pass over a block's ops, then liveness-driven
 * dead-code elimination (ir_liveness).  The forward pass tracks, per value,
 * a known constant or "is a copy of value s" and uses them to:
 *   - propagate copies and constants into inputs (copy propagation),
 *   - fold every pure op whose inputs are all constant (with the shared
 *     semantics of eval_internal.h, so folding equals execution),
 *   - apply algebraic identities (x+0, x-0, x|0, x^0, shifts by 0, x&-1,
 *     x*1, x&0, x*0, x|-1, x-x, x^x, x&x, x|x, setcond/brcond of x with x,
 *     movcond with equal arms or a known condition, full-width extract),
 *   - canonicalize commutative ops with the constant second,
 *   - fold branches with known conditions and delete unreachable code after
 *     unconditional branches and exits (up to the next label).
 * Knowledge is per extended basic block: forgotten at every label, and for
 * globals also after calls that may write globals.  Copies are validated by
 * a version number per value (bumped at each write), so breaking a copy is
 * O(1).  Invariant: the pass never adds ops; it rewrites ops in place and
 * turns deleted ones into nop.
 */
#include <stdlib.h>
#include <string.h>

#include "ir/eval_internal.h"
#include "ir/helper.h"
#include "ir/ir.h"
#include "ir/ir_internal.h"

typedef struct IrOptInfo {
    uint32_t epoch;         /* knowledge valid only in this epoch */
    uint32_t version;       /* bumped at every write of this value */
    bool is_const;
    uint64_t value;
    uint32_t copy_of;       /* UINT32_MAX: none */
    uint32_t copy_version;  /* version of copy_of when the copy was made */
} IrOptInfo;

typedef struct IrOpt {
    IrBuilder *b;
    IrOptInfo *info;
    uint32_t epoch;
} IrOpt;

static bool ir_opt_const(IrOpt *o, uint32_t id, uint64_t *v)
{
    const IrTemp *t = &o->b->temps[id];
    if (t->kind == IR_TEMP_CONST) {
        *v = t->value;
        return true;
    }
    IrOptInfo *in = &o->info[id];
    if (in->epoch == o->epoch && in->is_const) {
        *v = in->value;
        return true;
    }
    return false;
}

/* The value to read instead of id: a constant temp, the copy's source, or id. */
static uint32_t ir_opt_resolve(IrOpt *o, uint32_t id)
{
    IrBuilder *b = o->b;
    if (b->temps[id].kind == IR_TEMP_CONST) {
        return id;
    }
    IrOptInfo *in = &o->info[id];
    if (in->epoch != o->epoch) {
        return id;
    }
    if (in->is_const) {
        return ir_const(b, b->temps[id].type, in->value).id;
    }
    if (in->copy_of != UINT32_MAX && o->info[in->copy_of].version == in->copy_version) {
        return in->copy_of;
    }
    return id;
}

static void ir_opt_forget(IrOpt *o, uint32_t id)
{
    IrOptInfo *in = &o->info[id];
    in->version++;
    in->epoch = o->epoch;
    in->is_const = false;
    in->copy_of = UINT32_MAX;
}

static void ir_opt_set_const(IrOpt *o, uint32_t id, uint64_t v)
{
    ir_opt_forget(o, id);
    o->info[id].is_const = true;
    o->info[id].value = v;
}

static void ir_opt_set_copy(IrOpt *o, uint32_t d, uint32_t s)
{
    uint64_t v;
    if (ir_opt_const(o, s, &v)) {
        ir_opt_set_const(o, d, v);
        return;
    }
    ir_opt_forget(o, d);
    o->info[d].copy_of = s;
    o->info[d].copy_version = o->info[s].version;
}

static void ir_opt_make_movi(IrOpt *o, IrOp *op, uint64_t v)
{
    uint32_t d = op->vals[0];
    v = ir_trunc(op->type == IR_I64, v);
    op->opc = IR_OP_movi;
    op->nin = 0;
    op->nconst = 1;
    op->consts[0] = v;
    ir_opt_set_const(o, d, v);
}

static void ir_opt_make_mov(IrOpt *o, IrOp *op, uint32_t src)
{
    uint32_t d = op->vals[0];
    if (d == src) {
        op->opc = IR_OP_nop;
        op->nout = op->nin = op->nconst = 0;
        return;
    }
    uint64_t v;
    if (ir_opt_const(o, src, &v)) {
        ir_opt_make_movi(o, op, v);
        return;
    }
    op->opc = IR_OP_mov;
    op->nin = 1;
    op->nconst = 0;
    op->vals[1] = src;
    ir_opt_set_copy(o, d, src);
}

static void ir_opt_delete(IrOp *op)
{
    op->opc = IR_OP_nop;
    op->nout = op->nin = op->nconst = 0;
}

/* Algebraic identities on a two-input pure op; true if op was rewritten. */
static bool ir_opt_identities(IrOpt *o, IrOp *op)
{
    bool is64 = op->type == IR_I64;
    uint64_t ones = ir_trunc(is64, ~0ull);
    uint32_t a = op->vals[1], c = op->vals[2];
    uint64_t cv;
    bool cc = ir_opt_const(o, c, &cv);

    if (cc) {
        switch (op->opc) {
        case IR_OP_add: case IR_OP_sub: case IR_OP_or: case IR_OP_xor:
        case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
        case IR_OP_andc:
            if (cv == 0) {
                ir_opt_make_mov(o, op, a);
                return true;
            }
            break;
        case IR_OP_and:
            if (cv == ones) {
                ir_opt_make_mov(o, op, a);
                return true;
            }
            if (cv == 0) {
                ir_opt_make_movi(o, op, 0);
                return true;
            }
            break;
        case IR_OP_mul:
            if (cv == 1) {
                ir_opt_make_mov(o, op, a);
                return true;
            }
            if (cv == 0) {
                ir_opt_make_movi(o, op, 0);
                return true;
            }
            break;
        case IR_OP_div: case IR_OP_divu:
            if (cv == 1) {
                ir_opt_make_mov(o, op, a);
                return true;
            }
            break;
        default:
            break;
        }
        if (op->opc == IR_OP_or && cv == ones) {
            ir_opt_make_movi(o, op, ones);
            return true;
        }
        if (op->opc == IR_OP_orc && cv == ones) {
            ir_opt_make_mov(o, op, a);
            return true;
        }
    }
    if (a == c) {
        switch (op->opc) {
        case IR_OP_and: case IR_OP_or:
            ir_opt_make_mov(o, op, a);
            return true;
        case IR_OP_sub: case IR_OP_xor: case IR_OP_andc:
            ir_opt_make_movi(o, op, 0);
            return true;
        case IR_OP_eqv: case IR_OP_orc:
            ir_opt_make_movi(o, op, ones);
            return true;
        case IR_OP_setcond:
            switch ((IrCond)op->consts[0]) {
            case IR_COND_EQ: case IR_COND_GE: case IR_COND_LE: case IR_COND_GEU:
            case IR_COND_LEU: case IR_COND_ALWAYS:
                ir_opt_make_movi(o, op, 1);
                return true;
            case IR_COND_NE: case IR_COND_LT: case IR_COND_GT: case IR_COND_LTU:
            case IR_COND_GTU: case IR_COND_NEVER:
                ir_opt_make_movi(o, op, 0);
                return true;
            default:
                break;
            }
            break;
        default:
            break;
        }
    }
    return false;
}

/* Known outcome of (a cond c) for brcond/movcond: 1 true, 0 false, -1 unknown. */
static int ir_opt_cond(IrOpt *o, IrCond cond, bool is64, uint32_t a, uint32_t c)
{
    uint64_t av, cv;
    if (cond == IR_COND_ALWAYS) {
        return 1;
    }
    if (cond == IR_COND_NEVER) {
        return 0;
    }
    if (ir_opt_const(o, a, &av) && ir_opt_const(o, c, &cv)) {
        return ir_eval_cond_inline(cond, is64, av, cv);
    }
    if (a == c) {
        switch (cond) {
        case IR_COND_EQ: case IR_COND_GE: case IR_COND_LE: case IR_COND_GEU: case IR_COND_LEU:
            return 1;
        case IR_COND_NE: case IR_COND_LT: case IR_COND_GT: case IR_COND_LTU: case IR_COND_GTU:
            return 0;
        default:
            break;
        }
    }
    return -1;
}

static void ir_opt_new_epoch(IrOpt *o)
{
    o->epoch++;
}

static void ir_opt_forget_globals(IrOpt *o)
{
    for (size_t i = 0; i < o->b->ctx->nglobals; i++) {
        ir_opt_forget(o, (uint32_t)i);
    }
}

void ir_optimize(IrBuilder *b)
{
    IrOpt o = { .b = b, .epoch = 1 };
    /* ir_const may add temps while we run: size for the worst case */
    size_t cap = b->ntemps + b->nops * IR_MAX_VALS + 16;
    o.info = calloc(cap, sizeof(*o.info));
    for (size_t i = 0; i < cap; i++) {
        o.info[i].copy_of = UINT32_MAX;
    }
    bool unreachable = false;

    for (size_t i = 0; i < b->nops; i++) {
        IrOp *op = &b->ops[i];
        const IrOpDef *def = ir_def(op->opc);

        if (op->opc == IR_OP_set_label) {
            unreachable = false;
            ir_opt_new_epoch(&o);
            continue;
        }
        if (unreachable && op->opc != IR_OP_nop) {
            /* insn_start records stay: unwinding needs their count */
            if (op->opc != IR_OP_insn_start) {
                ir_opt_delete(op);
            }
            continue;
        }
        if (op->opc == IR_OP_nop || op->opc == IR_OP_insn_start) {
            continue;
        }

        /* propagate copies and constants into inputs */
        for (unsigned k = op->nout; k < op->nout + op->nin; k++) {
            op->vals[k] = ir_opt_resolve(&o, op->vals[k]);
        }

        if (def->flags & IR_OPF_PURE) {
            bool is64 = op->type == IR_I64;
            /* canonical form: constant second */
            if ((def->flags & IR_OPF_COMMUTES) && op->nin == 2) {
                uint64_t t;
                if (ir_opt_const(&o, op->vals[op->nout], &t) &&
                    !ir_opt_const(&o, op->vals[op->nout + 1], &t)) {
                    uint32_t x = op->vals[op->nout];
                    op->vals[op->nout] = op->vals[op->nout + 1];
                    op->vals[op->nout + 1] = x;
                }
            }
            /* all inputs constant: fold */
            uint64_t in[4] = { 0 }, out[2];
            bool all_const = op->nout == 1;
            for (unsigned k = 0; all_const && k < op->nin; k++) {
                all_const = ir_opt_const(&o, op->vals[op->nout + k], &in[k]);
            }
            if (all_const && ir_eval_inline(op->opc, is64, in, op->consts, out)) {
                ir_opt_make_movi(&o, op, out[0]);
                continue;
            }
            if (op->opc == IR_OP_mov) {
                ir_opt_make_mov(&o, op, op->vals[1]);
                continue;
            }
            if (op->opc == IR_OP_movi) {
                ir_opt_set_const(&o, op->vals[0], op->consts[0]);
                continue;
            }
            if (op->nout == 1 && op->nin == 2 && ir_opt_identities(&o, op)) {
                continue;
            }
            if (op->opc == IR_OP_movcond) {
                int r = ir_opt_cond(&o, (IrCond)op->consts[0], is64, op->vals[1], op->vals[2]);
                if (r >= 0) {
                    ir_opt_make_mov(&o, op, r ? op->vals[3] : op->vals[4]);
                    continue;
                }
                if (op->vals[3] == op->vals[4]) {
                    ir_opt_make_mov(&o, op, op->vals[3]);
                    continue;
                }
            }
            if (op->opc == IR_OP_extract && op->consts[0] == 0 &&
                op->consts[1] == (is64 ? 64u : 32u)) {
                ir_opt_make_mov(&o, op, op->vals[1]);
                continue;
            }
        }

        if (op->opc == IR_OP_brcond) {
            int r = ir_opt_cond(&o, (IrCond)op->consts[0], op->type == IR_I64, op->vals[0],
                                op->vals[1]);
            if (r == 0) {
                ir_opt_delete(op);
                continue;
            }
            if (r == 1) {
                uint64_t label = op->consts[1];
                op->opc = IR_OP_br;
                op->nin = 0;
                op->nconst = 1;
                op->consts[0] = label;
                unreachable = true;
                continue;
            }
            continue;
        }
        if (op->opc == IR_OP_br || (def->flags & IR_OPF_EXIT)) {
            unreachable = true;
            continue;
        }
        if (op->opc == IR_OP_call) {
            const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)op->consts[0];
            if (!(h->flags & IR_CALL_NO_WRITE_GLOBALS)) {
                ir_opt_forget_globals(&o);
            }
            if (h->flags & IR_CALL_NO_RETURN) {
                unreachable = true;
            }
        }
        /* any other op: outputs are unknown values */
        for (unsigned k = 0; k < op->nout; k++) {
            ir_opt_forget(&o, op->vals[k]);
        }
    }
    free(o.info);
    ir_liveness(b);
}
