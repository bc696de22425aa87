/*
 * The IR printer, for -d op / -d op_opt and golden tests.  One op per line:
 *
 *   ---- 0x80000000 0 0                 insn_start: guest pc and data words
 *   add_i64 t0, x1, $0x10               typed ops carry _i32/_i64
 *   brcond_i64 t0, $0x0, eq, L1
 *   guest_ld_i64 t2, t0, mo=sl|al, mmu=1
 *   call riscv_csrrw, t3, x1, $0x300
 *
 * Globals print by name, TB temps as tN, EBB temps as eN (N: creation
 * order among the block's temps, one count for both kinds), constants
 * inline as $0x...  Deleted ops (nop) are
 * not printed.  The format is stable: golden tests compare it.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "ir/helper.h"
#include "ir/ir.h"
#include "ir/ir_internal.h"

void ir_print_val(const IrBuilder *b, IrVal v, FILE *out)
{
    const IrTemp *t = ir_temp(b, v);
    switch (t->kind) {
    case IR_TEMP_GLOBAL:
        fputs(t->name, out);
        break;
    case IR_TEMP_TB:
        fprintf(out, "t%u", (unsigned)t->index);
        break;
    case IR_TEMP_EBB:
        fprintf(out, "e%u", (unsigned)t->index);
        break;
    case IR_TEMP_CONST:
        fprintf(out, "$0x%" PRIx64, t->value);
        break;
    }
}

static void ir_print_memop(uint64_t mop, FILE *out)
{
    static const char *const sizes[] = { "b", "w", "l", "q" };
    fprintf(out, "mo=%s%s", mop & MO_SIGN ? "s" : "u", sizes[mop & MO_SIZE]);
    if (mop & MO_BE) {
        fputs("|be", out);
    }
    unsigned align = memop_alignment((MemOp)mop);
    if (mop & MO_AMASK) {
        fprintf(out, "|al%u", align);
    }
}

void ir_print_op(const IrBuilder *b, const IrOp *op, FILE *out)
{
    const IrOpDef *def = ir_def(op->opc);

    if (op->opc == IR_OP_insn_start) {
        fprintf(out, " ---- 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 "\n", op->consts[0],
                op->consts[1], op->consts[2]);
        return;
    }
    fprintf(out, " %s", def->name);
    if (def->flags & (IR_OPF_INT | IR_OPF_I64)) {
        fputs(op->type == IR_I64 ? "_i64" : "_i32", out);
    }
    const char *sep = " ";
    if (op->opc == IR_OP_call || op->opc == IR_OP_call_miss) {
        const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)op->consts[0];
        fprintf(out, " %s", h->name);
        sep = ", ";
    }
    for (unsigned i = 0; i < op->nout + op->nin; i++) {
        fputs(sep, out);
        ir_print_val(b, (IrVal){ op->vals[i] }, out);
        sep = ", ";
    }
    switch (op->opc) {
    case IR_OP_call:
        break;
    case IR_OP_call_miss:
        fprintf(out, "%s$0x%" PRIx64, sep, op->consts[1]);
        break;
    case IR_OP_setcond:
    case IR_OP_movcond:
        fprintf(out, "%s%s", sep, ir_cond_name((IrCond)op->consts[0]));
        break;
    case IR_OP_brcond:
        fprintf(out, "%s%s, L%" PRIu64, sep, ir_cond_name((IrCond)op->consts[0]),
                op->consts[1]);
        break;
    case IR_OP_br:
    case IR_OP_set_label:
        fprintf(out, "%sL%" PRIu64, sep, op->consts[0]);
        break;
    case IR_OP_guest_ld:
    case IR_OP_guest_st:
    case IR_OP_atomic_cmpxchg:
    case IR_OP_atomic_xchg:
    case IR_OP_atomic_fetch_add:
    case IR_OP_atomic_fetch_and:
    case IR_OP_atomic_fetch_or:
    case IR_OP_atomic_fetch_xor:
    case IR_OP_atomic_fetch_smin:
    case IR_OP_atomic_fetch_smax:
    case IR_OP_atomic_fetch_umin:
    case IR_OP_atomic_fetch_umax:
        fputs(sep, out);
        ir_print_memop(op->consts[0], out);
        fprintf(out, ", mmu=%" PRIu64, op->consts[1]);
        break;
    case IR_OP_deposit:
    case IR_OP_extract:
    case IR_OP_sextract:
        fprintf(out, "%s%" PRIu64 ", %" PRIu64, sep, op->consts[0], op->consts[1]);
        break;
    default:
        if (def->flags & IR_OPF_ENV) {
            int64_t off = (int64_t)op->consts[0];
            fprintf(out, "%senv%s0x%" PRIx64, sep, off < 0 ? "-" : "+",
                    off < 0 ? (uint64_t)-off : (uint64_t)off);
        } else {
            for (unsigned i = 0; i < op->nconst; i++) {
                fprintf(out, "%s$0x%" PRIx64, sep, op->consts[i]);
                sep = ", ";
            }
        }
        break;
    }
    fputc('\n', out);
}

void ir_print(const IrBuilder *b, FILE *out)
{
    for (size_t i = 0; i < b->nops; i++) {
        if (b->ops[i].opc != IR_OP_nop) {
            ir_print_op(b, &b->ops[i], out);
        }
    }
}

char *ir_print_to_string(const IrBuilder *b)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        return NULL;
    }
    ir_print(b, f);
    fclose(f);
    return buf;
}
