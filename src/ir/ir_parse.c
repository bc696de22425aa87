/*
 * The IR parser: reads the printer's format (ir_print.c) back into a
 * builder, so optimizer and backend tests can be written as text in and
 * text out (golden tests), and -d op output can be replayed.  Globals are
 * found by name in the builder's context; "tN"/"eN" create TB/EBB temps on
 * first sight (N is the text's own numbering); "$0x.." are constants of
 * the operand's type; "Ln" labels are created as needed; helpers are found
 * by name in the table the caller passes.  Blank lines and lines starting
 * with '#' are skipped.  Errors name the line.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ir/helper.h"
#include "ir/ir.h"
#include "ir/ir_internal.h"

#define IR_PARSE_MAX_TOKENS 12

typedef struct IrParser {
    IrBuilder *b;
    bool scan;              /* pass 1: only learn each temp's kind and type */
    const IrHelperInfo *const *helpers;
    size_t nhelpers;
    IrVal *temps;           /* text number -> value (id UINT32_MAX: none) */
    size_t ntemps;
    int line;
    Error **errp;
} IrParser;

static bool ir_parse_fail(IrParser *p, const char *what, const char *tok)
{
    error_setg(p->errp, "IR text line %d: %s%s%s%s", p->line, what, tok ? " \"" : "",
               tok ? tok : "", tok ? "\"" : "");
    return false;
}

static bool ir_parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return end != s && *end == 0 && errno == 0;
}

static bool ir_parse_value(IrParser *p, const char *tok, IrType type, IrVal *out)
{
    IrBuilder *b = p->b;
    uint64_t v;
    if (tok[0] == '$') {
        if (!ir_parse_u64(tok + 1, &v)) {
            return ir_parse_fail(p, "bad constant", tok);
        }
        *out = ir_const(b, type, v);
        return true;
    }
    if ((tok[0] == 't' || tok[0] == 'e') && ir_parse_u64(tok + 1, &v) && isdigit(tok[1])) {
        if (v >= p->ntemps) {
            size_t n = v + 16;
            p->temps = realloc(p->temps, n * sizeof(*p->temps));
            for (size_t i = p->ntemps; i < n; i++) {
                p->temps[i] = IR_VAL_NONE;
            }
            p->ntemps = n;
        }
        if (ir_val_is_none(p->temps[v])) {
            p->temps[v] = tok[0] == 't' ? ir_new_temp(b, type) : ir_new_ebb_temp(b, type);
        }
        const IrTemp *t = ir_temp(b, p->temps[v]);
        if ((t->kind == IR_TEMP_TB) != (tok[0] == 't')) {
            return ir_parse_fail(p, "temp used as TB and EBB temp", tok);
        }
        *out = p->temps[v];
        return true;
    }
    for (size_t i = 0; i < b->ctx->nglobals; i++) {
        if (strcmp(b->ctx->globals[i].name, tok) == 0) {
            *out = (IrVal){ (uint32_t)i };
            return true;
        }
    }
    return ir_parse_fail(p, "unknown value", tok);
}

static bool ir_parse_label(IrParser *p, const char *tok, uint64_t *out)
{
    if (tok[0] != 'L' || !ir_parse_u64(tok + 1, out) || *out > 100000) {
        return ir_parse_fail(p, "bad label", tok);
    }
    while (p->b->nlabels <= *out) {
        ir_new_label(p->b);
    }
    return true;
}

static bool ir_parse_cond(IrParser *p, const char *tok, uint64_t *out)
{
    for (unsigned c = 0; c < IR_COND_COUNT; c++) {
        if (strcmp(ir_cond_name((IrCond)c), tok) == 0) {
            *out = c;
            return true;
        }
    }
    return ir_parse_fail(p, "bad condition", tok);
}

/* "mo=sl|be|al4" */
static bool ir_parse_memop(IrParser *p, const char *tok, uint64_t *out)
{
    static const char sizes[] = "bwlq";
    if (strncmp(tok, "mo=", 3) != 0 || (tok[3] != 's' && tok[3] != 'u') || !tok[4] ||
        !strchr(sizes, tok[4])) {
        return ir_parse_fail(p, "bad memop", tok);
    }
    uint64_t mop = (uint64_t)(strchr(sizes, tok[4]) - sizes) | (tok[3] == 's' ? MO_SIGN : 0);
    for (const char *s = tok + 5; *s;) {
        if (strncmp(s, "|be", 3) == 0) {
            mop |= MO_BE;
            s += 3;
        } else if (strncmp(s, "|al", 3) == 0) {
            char *end;
            unsigned long a = strtoul(s + 3, &end, 10);
            unsigned natural = 1u << (mop & MO_SIZE);
            unsigned code = a == natural ? 1 : a == 2 ? 2 : a == 4 ? 3 : a == 8 ? 4 : a == 16 ? 5 : 0;
            if (!code) {
                return ir_parse_fail(p, "bad alignment", tok);
            }
            mop |= (uint64_t)code << MO_ASHIFT;
            s = end;
        } else {
            return ir_parse_fail(p, "bad memop", tok);
        }
    }
    *out = mop;
    return true;
}

static bool ir_parse_line(IrParser *p, char *line)
{
    IrBuilder *b = p->b;
    while (isspace((unsigned char)*line)) {
        line++;
    }
    if (!*line || *line == '#') {
        return true;
    }
    char *tok[IR_PARSE_MAX_TOKENS];
    int ntok = 0;
    char *name = strtok(line, " \t");
    for (char *t = strtok(NULL, ", \t"); t; t = strtok(NULL, ", \t")) {
        if (ntok == IR_PARSE_MAX_TOKENS) {
            return ir_parse_fail(p, "too many operands", NULL);
        }
        tok[ntok++] = t;
    }

    if (strcmp(name, "----") == 0) {
        uint64_t d[3];
        if (ntok != 3 || !ir_parse_u64(tok[0], &d[0]) || !ir_parse_u64(tok[1], &d[1]) ||
            !ir_parse_u64(tok[2], &d[2])) {
            return ir_parse_fail(p, "bad insn_start", NULL);
        }
        ir_insn_start(b, d[0], d[1], d[2]);
        return true;
    }

    /* opcode: exact name, or name plus _i32/_i64 */
    IrOp op = { 0 };
    int opc = -1;
    for (int i = 0; i < IR_OP_COUNT && opc < 0; i++) {
        const IrOpDef *def = &ir_op_defs[i];
        size_t n = strlen(def->name);
        if (strcmp(name, def->name) == 0 && !(def->flags & (IR_OPF_INT | IR_OPF_I64))) {
            opc = i;
            op.type = (def->flags & IR_OPF_CONV) && strstr(name, "_i64_i32") ? IR_I32 : IR_I64;
        } else if (strncmp(name, def->name, n) == 0 && (def->flags & (IR_OPF_INT | IR_OPF_I64)) &&
                   (strcmp(name + n, "_i32") == 0 || strcmp(name + n, "_i64") == 0)) {
            opc = i;
            op.type = name[n + 2] == '6' ? IR_I64 : IR_I32;
        }
    }
    if (opc < 0 || opc == IR_OP_nop) {
        return ir_parse_fail(p, "unknown op", name);
    }
    const IrOpDef *def = &ir_op_defs[opc];
    op.opc = (uint16_t)opc;
    op.nout = def->nout;
    op.nin = def->nin;
    op.nconst = def->nconst;

    int t = 0;
    const IrHelperInfo *h = NULL;
    if (opc == IR_OP_call || opc == IR_OP_call_miss) {
        for (size_t i = 0; ntok > 0 && i < p->nhelpers; i++) {
            if (strcmp(p->helpers[i]->name, tok[0]) == 0) {
                h = p->helpers[i];
            }
        }
        if (!h && ntok > 0) {
            h = ir_helper_find(tok[0]);     /* the registered tables */
        }
        if (!h) {
            return ir_parse_fail(p, "unknown helper", ntok ? tok[0] : NULL);
        }
        t = 1;
        op.nout = h->ret != IR_HT_VOID;
        op.nin = h->nargs + (opc == IR_OP_call_miss);
    }
    if (ntok - t < op.nout + op.nin) {
        return ir_parse_fail(p, "missing operands for", name);
    }
    IrVal vals[IR_MAX_VALS];
    for (unsigned i = 0; i < op.nout + op.nin; i++) {
        IrType type;
        if (h && opc == IR_OP_call_miss) {
            type = i < 2 || h->args[i - 2] != IR_HT_I32 ? IR_I64 : IR_I32;
        } else if (h) {
            uint8_t ht = i < op.nout ? h->ret : h->args[i - op.nout];
            type = ht == IR_HT_I32 ? IR_I32 : IR_I64;
        } else {
            type = ir_operand_type(&op, i);
        }
        if (!ir_parse_value(p, tok[t++], type, &vals[i])) {
            return false;
        }
    }

    uint64_t cs[IR_MAX_CONSTS] = { 0 };
    int left = ntok - t;
    bool ok = true;
    switch (opc) {
    case IR_OP_call:
        cs[0] = (uint64_t)(uintptr_t)h;
        left -= 0;
        break;
    case IR_OP_call_miss:
        cs[0] = (uint64_t)(uintptr_t)h;
        ok = left == 1 && ir_parse_u64(tok[t][0] == '$' ? tok[t] + 1 : tok[t], &cs[1]);
        left = 0;
        break;
    case IR_OP_setcond:
    case IR_OP_movcond:
        ok = left == 1 && ir_parse_cond(p, tok[t], &cs[0]);
        left = 0;
        break;
    case IR_OP_brcond:
        ok = left == 2 && ir_parse_cond(p, tok[t], &cs[0]) && ir_parse_label(p, tok[t + 1], &cs[1]);
        left = 0;
        break;
    case IR_OP_br:
    case IR_OP_set_label:
        ok = left == 1 && ir_parse_label(p, tok[t], &cs[0]);
        left = 0;
        break;
    default:
        if (def->flags & IR_OPF_GUEST_MEM) {
            ok = left == 2 && ir_parse_memop(p, tok[t], &cs[0]) &&
                 strncmp(tok[t + 1], "mmu=", 4) == 0 && ir_parse_u64(tok[t + 1] + 4, &cs[1]);
            left = 0;
        } else if (def->flags & IR_OPF_ENV) {
            const char *s = tok[t];
            ok = left == 1 && strncmp(s, "env", 3) == 0 && (s[3] == '+' || s[3] == '-') &&
                 ir_parse_u64(s + 4, &cs[0]);
            if (ok && s[3] == '-') {
                cs[0] = (uint64_t)-(int64_t)cs[0];
            }
            left = 0;
        } else {
            ok = left == def->nconst;
            for (int i = 0; ok && i < left; i++) {
                const char *s = tok[t + i];
                ok = ir_parse_u64(s[0] == '$' ? s + 1 : s, &cs[i]);
            }
            left = 0;
        }
        break;
    }
    if (!ok) {
        if (p->errp && *p->errp) {
            return false;
        }
        return ir_parse_fail(p, "bad constant operands for", name);
    }
    if (left != 0) {
        return ir_parse_fail(p, "extra operands for", name);
    }
    ir_emit(b, (IrOpcode)opc, (IrType)op.type, vals, op.nout, vals + op.nout, op.nin, cs,
            op.nconst);
    return true;
}

static bool ir_parse_pass(IrParser *p, const char *text)
{
    char *copy = strdup(text);
    bool ok = true;
    char *save = NULL;
    p->line = 0;
    /* split lines by hand: strtok is busy inside ir_parse_line */
    for (char *line = copy; ok && line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) {
            *nl = 0;
        }
        p->line++;
        ok = ir_parse_line(p, line);
    }
    free(copy);
    return ok;
}

bool ir_parse(IrBuilder *b, const char *text, const IrHelperInfo *const *helpers,
              size_t nhelpers, Error **errp)
{
    /* pass 1 into a scratch builder learns every temp's kind and type;
     * then the temps are created in number order, so tN/eN keep their
     * numbers (gaps become unused TB temps) and pass 2 emits the ops */
    IrBuilder *scratch = ir_builder_new(b->ctx);
    IrParser p = { .b = scratch, .helpers = helpers, .nhelpers = nhelpers, .errp = errp };
    bool ok = ir_parse_pass(&p, text);
    if (ok) {
        for (size_t n = 0; n < p.ntemps; n++) {
            IrVal v = IR_VAL_NONE;
            if (!ir_val_is_none(p.temps[n])) {
                const IrTemp *t = ir_temp(scratch, p.temps[n]);
                v = t->kind == IR_TEMP_EBB ? ir_new_ebb_temp(b, t->type) : ir_new_temp(b, t->type);
            } else {
                ir_new_temp(b, IR_I64);
            }
            p.temps[n] = v;
        }
        p.b = b;
        ok = ir_parse_pass(&p, text);
    }
    ir_builder_free(scratch);
    free(p.temps);
    return ok;
}
