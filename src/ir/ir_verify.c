/*
 * The IR verifier: rejects malformed blocks with a message naming the op.
 * Checks, per op: a known opcode, operand counts from ir_ops.def (helper
 * signature for calls), legal types (no reserved types; I64-only ops are
 * I64), operand types, outputs that are not constants, constants in range
 * (conditions, labels, bit fields, memops, goto_tb slots), return-predictor
 * hints right before their block end.  Across ops: EBB
 * temps are written before being read within their extended basic block
 * (reset at every label), TB temps before being read in program order,
 * labels are set exactly once and every referenced label is set, and the
 * block does not fall off its end.  The optimizer's tests run it after
 * every pass.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/helper.h"
#include "ir/ir.h"
#include "ir/ir_internal.h"

typedef struct IrVerifyState {
    const IrBuilder *b;
    uint8_t *defined;       /* per temp: 1 if written on the path so far */
    uint8_t *label_set;     /* per label: times set */
    size_t index;
    Error **errp;
} IrVerifyState;

#define VERIFY_FAIL(s, ...)                                                  \
    do {                                                                     \
        error_setg((s)->errp, "IR op %zu (%s): %s", (s)->index,              \
                   ir_def(op->opc)->name, ir_verify_msg(__VA_ARGS__));       \
        return false;                                                        \
    } while (0)

static __thread char ir_verify_buf[160];

static const char *ir_verify_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *ir_verify_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ir_verify_buf, sizeof(ir_verify_buf), fmt, ap);
    va_end(ap);
    return ir_verify_buf;
}

static bool ir_verify_op(IrVerifyState *s, const IrOp *op)
{
    const IrBuilder *b = s->b;
    if (op->opc >= IR_OP_COUNT) {
        error_setg(s->errp, "IR op %zu: unknown opcode %u", s->index, op->opc);
        return false;
    }
    const IrOpDef *def = ir_def(op->opc);

    /* counts */
    if (def->flags & IR_OPF_VARARGS) {
        if (op->nout > def->nout || op->nin > def->nin || op->nconst != def->nconst) {
            VERIFY_FAIL(s, "bad operand counts");
        }
    } else if (op->nout != def->nout || op->nin != def->nin || op->nconst != def->nconst) {
        VERIFY_FAIL(s, "operand counts %u/%u/%u, expected %u/%u/%u", op->nout, op->nin,
                    op->nconst, def->nout, def->nin, def->nconst);
    }

    /* op type */
    if (def->flags & (IR_OPF_INT | IR_OPF_I64 | IR_OPF_CONV)) {
        if (op->type != IR_I32 && op->type != IR_I64) {
            VERIFY_FAIL(s, "unsupported type %u", op->type);
        }
        if ((def->flags & IR_OPF_I64) && op->type != IR_I64) {
            VERIFY_FAIL(s, "exists only as i64");
        }
    }

    /* operands */
    for (unsigned i = 0; i < op->nout + op->nin; i++) {
        uint32_t id = op->vals[i];
        if (id >= b->ntemps) {
            VERIFY_FAIL(s, "operand %u: no such value %" PRIu32, i, id);
        }
        const IrTemp *t = &b->temps[id];
        if (t->type != IR_I32 && t->type != IR_I64) {
            VERIFY_FAIL(s, "operand %u: unsupported type", i);
        }
        if (op->opc == IR_OP_call_miss) {
            /* d, fast, then the helper's arguments */
            const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)op->consts[0];
            uint8_t ht = i < 2 ? IR_HT_I64 : h && i - 2 < h->nargs ? h->args[i - 2] : IR_HT_VOID;
            if (t->type != (ht == IR_HT_I32 ? IR_I32 : IR_I64)) {
                VERIFY_FAIL(s, "operand %u: type differs from call_miss's", i);
            }
        } else if (op->opc == IR_OP_call) {
            const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)op->consts[0];
            uint8_t ht = i < op->nout ? h->ret : h->args[i - op->nout];
            if (t->type != (ht == IR_HT_I32 ? IR_I32 : IR_I64)) {
                VERIFY_FAIL(s, "operand %u: type differs from helper %s", i, h->name);
            }
        } else if (!(def->flags & IR_OPF_NOTYPE) && t->type != ir_operand_type(op, i)) {
            VERIFY_FAIL(s, "operand %u: type i%d, expected i%d", i,
                        t->type == IR_I64 ? 64 : 32,
                        ir_operand_type(op, i) == IR_I64 ? 64 : 32);
        }
        if (i < op->nout && t->kind == IR_TEMP_CONST) {
            VERIFY_FAIL(s, "writes constant operand %u", i);
        }
    }

    /* constants */
    unsigned width = op->type == IR_I64 ? 64 : 32;
    switch (op->opc) {
    case IR_OP_call: {
        const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)op->consts[0];
        if (!h || op->nin != h->nargs || op->nout != (h->ret != IR_HT_VOID)) {
            VERIFY_FAIL(s, "call does not match its helper's signature");
        }
        break;
    }
    case IR_OP_call_miss: {
        const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)op->consts[0];
        if (!h || op->nout != 1 || op->nin != h->nargs + 1u || h->ret != IR_HT_I64) {
            VERIFY_FAIL(s, "call_miss does not match its helper's signature");
        }
        if ((h->flags & IR_CALL_MISS_FLAGS) != IR_CALL_MISS_FLAGS) {
            VERIFY_FAIL(s, "call_miss's helper %s may read or write globals or raise", h->name);
        }
        break;
    }
    case IR_OP_setcond:
    case IR_OP_movcond:
        if (op->consts[0] >= IR_COND_COUNT) {
            VERIFY_FAIL(s, "bad condition");
        }
        break;
    case IR_OP_brcond:
        if (op->consts[0] >= IR_COND_COUNT) {
            VERIFY_FAIL(s, "bad condition");
        }
        /* fall through */
    case IR_OP_br:
    case IR_OP_set_label: {
        uint64_t l = op->opc == IR_OP_brcond ? op->consts[1] : op->consts[0];
        if (l >= b->nlabels) {
            VERIFY_FAIL(s, "no such label L%" PRIu64, l);
        }
        if (op->opc == IR_OP_set_label && s->label_set[l]++) {
            VERIFY_FAIL(s, "label L%" PRIu64 " set twice", l);
        }
        break;
    }
    case IR_OP_deposit:
    case IR_OP_extract:
    case IR_OP_sextract:
        if (op->consts[1] < 1 || op->consts[0] >= width || op->consts[1] > width - op->consts[0]) {
            VERIFY_FAIL(s, "bit field %" PRIu64 ",%" PRIu64 " outside i%u", op->consts[0],
                        op->consts[1], width);
        }
        break;
    case IR_OP_fcmp_f64:
    case IR_OP_fcmp_f32:
        if (op->consts[0] > IR_FCMP_LE) {
            VERIFY_FAIL(s, "bad fcmp condition %" PRIu64, op->consts[0]);
        }
        break;
    case IR_OP_fma_f64:
    case IR_OP_fma_f32:
        if (op->consts[0] & ~(uint64_t)(IR_FMA_NEG_PRODUCT | IR_FMA_NEG_ADDEND)) {
            VERIFY_FAIL(s, "bad fma negation 0x%" PRIx64, op->consts[0]);
        }
        break;
    case IR_OP_goto_tb:
        if (op->consts[0] >= IR_GOTO_TB_SLOTS) {
            VERIFY_FAIL(s, "goto_tb slot %" PRIu64, op->consts[0]);
        }
        break;
    case IR_OP_call_hint:
    case IR_OP_return_hint: {
        bool call = op->opc == IR_OP_call_hint;
        const IrOp *next = NULL;
        for (size_t i = s->index + 1; i < b->nops && !next; i++) {
            next = b->ops[i].opc == IR_OP_nop ? NULL : &b->ops[i];
        }
        if (!next || (next->opc != IR_OP_lookup_and_goto_ptr &&
                      !(call && next->opc == IR_OP_goto_tb))) {
            VERIFY_FAIL(s, "not right before %s",
                        call ? "a goto_tb or lookup_and_goto_ptr" : "a lookup_and_goto_ptr");
        }
        if (call && op->consts[1] >= IR_GOTO_TB_SLOTS) {
            VERIFY_FAIL(s, "return slot %" PRIu64, op->consts[1]);
        }
        for (size_t i = 0; call && i < b->nops; i++) {
            if (b->ops[i].opc == IR_OP_goto_tb && b->ops[i].consts[0] == op->consts[1]) {
                VERIFY_FAIL(s, "return slot %" PRIu64 " is also op %zu's", op->consts[1], i);
            }
        }
        break;
    }
    case IR_OP_exit_tb:
        if (op->consts[0] > IR_EXIT_SLOT3) {
            VERIFY_FAIL(s, "bad exit value %" PRIu64, op->consts[0]);
        }
        break;
    default:
        if (def->flags & IR_OPF_GUEST_MEM) {
            uint64_t mop = op->consts[0];
            if (mop & ~(uint64_t)(MO_SIZE | MO_SIGN | MO_BE | MO_AMASK)) {
                VERIFY_FAIL(s, "bad memop 0x%" PRIx64, mop);
            }
            if (op->type == IR_I32 && (mop & MO_SIZE) == MO_64) {
                VERIFY_FAIL(s, "64-bit access into i32");
            }
            if (((mop & MO_AMASK) >> MO_ASHIFT) > 5) {
                VERIFY_FAIL(s, "bad alignment in memop");
            }
        }
        break;
    }

    /* defined before use */
    if (op->opc == IR_OP_set_label) {
        for (size_t i = b->ctx->nglobals; i < b->ntemps; i++) {
            if (b->temps[i].kind == IR_TEMP_EBB) {
                s->defined[i] = 0;
            }
        }
    }
    for (unsigned i = op->nout; i < op->nout + op->nin; i++) {
        const IrTemp *t = &b->temps[op->vals[i]];
        if ((t->kind == IR_TEMP_TB || t->kind == IR_TEMP_EBB) && !s->defined[op->vals[i]]) {
            VERIFY_FAIL(s, "reads %s temp %c%u before it is written",
                        t->kind == IR_TEMP_TB ? "TB" : "EBB", t->kind == IR_TEMP_TB ? 't' : 'e',
                        (unsigned)t->index);
        }
    }
    for (unsigned i = 0; i < op->nout; i++) {
        s->defined[op->vals[i]] = op->opc != IR_OP_discard;
    }
    return true;
}

bool ir_verify(const IrBuilder *b, Error **errp)
{
    IrVerifyState s = { .b = b, .errp = errp };
    bool ok = true;
    s.defined = calloc(b->ntemps + 1, 1);
    s.label_set = calloc(b->nlabels + 1, 1);

    const IrOp *last = NULL;
    for (s.index = 0; ok && s.index < b->nops; s.index++) {
        const IrOp *op = &b->ops[s.index];
        if (op->opc == IR_OP_nop) {
            continue;
        }
        ok = ir_verify_op(&s, op);
        if (op->opc != IR_OP_insn_start) {
            last = op;      /* records of unreachable insns may trail the exit */
        }
    }
    if (ok) {
        /* every label that is branched to must be set */
        for (size_t i = 0; ok && i < b->nops; i++) {
            const IrOp *op = &b->ops[i];
            uint64_t l;
            if (op->opc == IR_OP_brcond) {
                l = op->consts[1];
            } else if (op->opc == IR_OP_br) {
                l = op->consts[0];
            } else {
                continue;
            }
            if (!s.label_set[l]) {
                error_setg(errp, "IR op %zu (%s): label L%" PRIu64 " is never set", i,
                           ir_def(op->opc)->name, l);
                ok = false;
            }
        }
    }
    if (ok) {
        bool ends = last && (last->opc == IR_OP_br || (ir_def(last->opc)->flags & IR_OPF_EXIT));
        if (last && last->opc == IR_OP_call) {
            const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)last->consts[0];
            ends = (h->flags & IR_CALL_NO_RETURN) != 0;
        }
        if (!ends) {
            error_setg(errp, "IR block does not end with an exit (exit_tb, "
                             "lookup_and_goto_ptr, br or a no-return call)");
            ok = false;
        }
    }
    free(s.defined);
    free(s.label_set);
    return ok;
}
