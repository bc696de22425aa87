/*
 * The IR's data and builder: the opcode table as data (ir_op_defs), the
 * IrContext of globals, and IrBuilder with its typed emitters.  Ops live in
 * one growable array (no linked lists), temps in another whose first
 * entries are the context's globals, so a global's IrVal is the same in
 * every builder.  Invariants: every IrVal an op holds indexes the temp
 * array; emitters assert operand types (mismatch is a frontend bug), and
 * ir_verify re-checks everything for IR built by other means.
 */
#include "ir/ir.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ir/helper.h"
#include "ir/ir_internal.h"

const IrOpDef ir_op_defs[IR_OP_COUNT] = {
#define IR_OP(name_, nout_, nin_, nconst_, flags_) \
    [IR_OP_##name_] = { .name = #name_, .nout = nout_, .nin = nin_, .nconst = nconst_, \
                        .flags = flags_ },
#include "ir/ir_ops.def"
#undef IR_OP
};

/* ---- conditions ---------------------------------------------------------- */

static const char *const ir_cond_names[IR_COND_COUNT] = {
    [IR_COND_NEVER] = "never", [IR_COND_ALWAYS] = "always", [IR_COND_EQ] = "eq",
    [IR_COND_NE] = "ne", [IR_COND_LT] = "lt", [IR_COND_GE] = "ge", [IR_COND_LE] = "le",
    [IR_COND_GT] = "gt", [IR_COND_LTU] = "ltu", [IR_COND_GEU] = "geu", [IR_COND_LEU] = "leu",
    [IR_COND_GTU] = "gtu", [IR_COND_TSTEQ] = "tsteq", [IR_COND_TSTNE] = "tstne",
};

const char *ir_cond_name(IrCond c)
{
    return (unsigned)c < IR_COND_COUNT ? ir_cond_names[c] : "?";
}

IrCond ir_cond_invert(IrCond c)
{
    static const IrCond inv[IR_COND_COUNT] = {
        [IR_COND_NEVER] = IR_COND_ALWAYS, [IR_COND_ALWAYS] = IR_COND_NEVER,
        [IR_COND_EQ] = IR_COND_NE, [IR_COND_NE] = IR_COND_EQ,
        [IR_COND_LT] = IR_COND_GE, [IR_COND_GE] = IR_COND_LT,
        [IR_COND_LE] = IR_COND_GT, [IR_COND_GT] = IR_COND_LE,
        [IR_COND_LTU] = IR_COND_GEU, [IR_COND_GEU] = IR_COND_LTU,
        [IR_COND_LEU] = IR_COND_GTU, [IR_COND_GTU] = IR_COND_LEU,
        [IR_COND_TSTEQ] = IR_COND_TSTNE, [IR_COND_TSTNE] = IR_COND_TSTEQ,
    };
    assert((unsigned)c < IR_COND_COUNT);
    return inv[c];
}

IrCond ir_cond_swap(IrCond c)
{
    switch (c) {
    case IR_COND_LT: return IR_COND_GT;
    case IR_COND_GT: return IR_COND_LT;
    case IR_COND_LE: return IR_COND_GE;
    case IR_COND_GE: return IR_COND_LE;
    case IR_COND_LTU: return IR_COND_GTU;
    case IR_COND_GTU: return IR_COND_LTU;
    case IR_COND_LEU: return IR_COND_GEU;
    case IR_COND_GEU: return IR_COND_LEU;
    default: return c;      /* symmetric */
    }
}

IrType ir_operand_type(const IrOp *op, unsigned i)
{
    unsigned nout = op->nout;
    switch (op->opc) {
    case IR_OP_extrl_i64_i32:
    case IR_OP_extrh_i64_i32:
        return i < nout ? IR_I32 : IR_I64;
    case IR_OP_extu_i32_i64:
    case IR_OP_exts_i32_i64:
        return i < nout ? IR_I64 : IR_I32;
    default:
        /* guest memory: the address (operand 1) is always I64 */
        if ((ir_op_defs[op->opc].flags & IR_OPF_GUEST_MEM) && i == 1) {
            return IR_I64;
        }
        return (IrType)op->type;
    }
}

/* ---- contexts ------------------------------------------------------------ */

IrContext *ir_context_new(void)
{
    IrContext *ctx = calloc(1, sizeof(*ctx));
    assert(ctx);
    return ctx;
}

void ir_context_free(IrContext *ctx)
{
    if (!ctx) {
        return;
    }
    for (size_t i = 0; i < ctx->nglobals; i++) {
        free((char *)ctx->globals[i].name);
    }
    free(ctx->globals);
    free(ctx);
}

IrVal ir_global(IrContext *ctx, IrType type, int32_t env_offset, const char *name)
{
    assert(type == IR_I32 || type == IR_I64);
    if (ctx->nglobals == ctx->cap) {
        ctx->cap = ctx->cap ? ctx->cap * 2 : 32;
        ctx->globals = realloc(ctx->globals, ctx->cap * sizeof(*ctx->globals));
        assert(ctx->globals);
    }
    IrTemp *t = &ctx->globals[ctx->nglobals];
    *t = (IrTemp){ .type = type, .kind = IR_TEMP_GLOBAL, .env_offset = env_offset,
                   .name = strdup(name ? name : "g") };
    return (IrVal){ (uint32_t)ctx->nglobals++ };
}

size_t ir_context_global_count(const IrContext *ctx)
{
    return ctx->nglobals;
}

/* ---- builders ------------------------------------------------------------ */

IrBuilder *ir_builder_new(const IrContext *ctx)
{
    IrBuilder *b = calloc(1, sizeof(*b));
    assert(b);
    b->ctx = ctx;
    ir_builder_reset(b);
    return b;
}

void ir_builder_free(IrBuilder *b)
{
    if (!b) {
        return;
    }
    free(b->temps);
    free(b->ops);
    free(b->opt_info);
    free(b->live);
    free(b->last_read);
    free(b);
}

void ir_builder_reset(IrBuilder *b)
{
    size_t ng = b->ctx->nglobals;
    if (b->temps_cap < ng + 64) {
        b->temps_cap = ng + 64;
        b->temps = realloc(b->temps, b->temps_cap * sizeof(*b->temps));
        assert(b->temps);
    }
    memcpy(b->temps, b->ctx->globals, ng * sizeof(*b->temps));
    b->ntemps = ng;
    b->nops = 0;
    b->nlabels = 0;
    b->nvars = 0;
    b->const_gen++;
    if (b->const_gen == 0) {
        memset(b->const_cache, 0, sizeof(b->const_cache));
        b->const_gen = 1;
    }
}

void ir_builder_truncate(IrBuilder *b, size_t mark)
{
    assert(mark <= b->nops);
    b->nops = mark;
}

static IrVal ir_new_temp_kind(IrBuilder *b, IrType type, IrTempKind kind)
{
    assert(type == IR_I32 || type == IR_I64);
    if (b->ntemps == b->temps_cap) {
        b->temps_cap *= 2;
        b->temps = realloc(b->temps, b->temps_cap * sizeof(*b->temps));
        assert(b->temps);
    }
    b->temps[b->ntemps] = (IrTemp){ .type = type, .kind = kind };
    if (kind == IR_TEMP_TB || kind == IR_TEMP_EBB) {
        b->temps[b->ntemps].index = b->nvars++;
    }
    return (IrVal){ (uint32_t)b->ntemps++ };
}

IrVal ir_new_temp(IrBuilder *b, IrType type)
{
    return ir_new_temp_kind(b, type, IR_TEMP_TB);
}

IrVal ir_new_ebb_temp(IrBuilder *b, IrType type)
{
    return ir_new_temp_kind(b, type, IR_TEMP_EBB);
}

IrVal ir_const(IrBuilder *b, IrType type, uint64_t v)
{
    if (type == IR_I32) {
        v = (uint32_t)v;
    }
    uint64_t h = (v ^ (v >> 29) ^ type) * 0x9e3779b97f4a7c15ull;
    IrConstSlot *slot = &b->const_cache[h >> (64 - IR_CONST_CACHE_BITS)];
    if (slot->gen == b->const_gen && slot->type == type && slot->value == v) {
        return (IrVal){ slot->id };
    }
    IrVal c = ir_new_temp_kind(b, type, IR_TEMP_CONST);
    b->temps[c.id].value = v;
    *slot = (IrConstSlot){ .gen = b->const_gen, .type = type, .value = v, .id = c.id };
    return c;
}

IrLabel ir_new_label(IrBuilder *b)
{
    return (IrLabel){ b->nlabels++ };
}

IrType ir_val_type(const IrBuilder *b, IrVal v)
{
    assert(v.id < b->ntemps);
    return b->temps[v.id].type;
}

const IrTemp *ir_temp(const IrBuilder *b, IrVal v)
{
    assert(v.id < b->ntemps);
    return &b->temps[v.id];
}

size_t ir_temp_count(const IrBuilder *b)
{
    return b->ntemps;
}

size_t ir_label_count(const IrBuilder *b)
{
    return b->nlabels;
}

size_t ir_op_count(const IrBuilder *b)
{
    return b->nops;
}

IrOp *ir_op_at(IrBuilder *b, size_t index)
{
    assert(index < b->nops);
    return &b->ops[index];
}

const IrOp *ir_op_at_const(const IrBuilder *b, size_t index)
{
    assert(index < b->nops);
    return &b->ops[index];
}

const IrContext *ir_builder_context(const IrBuilder *b)
{
    return b->ctx;
}

IrOp *ir_emit(IrBuilder *b, IrOpcode opc, IrType type, const IrVal *outs, unsigned nout,
              const IrVal *ins, unsigned nin, const uint64_t *consts, unsigned nconst)
{
    const IrOpDef *def = &ir_op_defs[opc];
    if (def->flags & IR_OPF_VARARGS) {
        assert(nout <= def->nout && nin <= def->nin && nconst == def->nconst);
    } else {
        assert(nout == def->nout && nin == def->nin && nconst == def->nconst);
    }
    if (b->nops == b->ops_cap) {
        b->ops_cap = b->ops_cap ? b->ops_cap * 2 : 256;
        b->ops = realloc(b->ops, b->ops_cap * sizeof(*b->ops));
        assert(b->ops);
    }
    IrOp *op = &b->ops[b->nops++];
    memset(op, 0, sizeof(*op));
    op->opc = opc;
    op->type = type;
    op->nout = nout;
    op->nin = nin;
    op->nconst = nconst;
    for (unsigned i = 0; i < nout; i++) {
        assert(outs[i].id < b->ntemps && b->temps[outs[i].id].kind != IR_TEMP_CONST);
        op->vals[i] = outs[i].id;
    }
    for (unsigned i = 0; i < nin; i++) {
        assert(ins[i].id < b->ntemps);
        op->vals[nout + i] = ins[i].id;
    }
    for (unsigned i = 0; i < nconst; i++) {
        op->consts[i] = consts[i];
    }
    return op;
}

/* ---- typed emitters -------------------------------------------------------- */

static IrType ir_same_type(const IrBuilder *b, IrVal a, IrVal c)
{
    IrType t = ir_val_type(b, a);
    assert(ir_val_type(b, c) == t);
    return t;
}

static void ir_emit_unary(IrBuilder *b, IrOpcode opc, IrVal d, IrVal a)
{
    IrType t = ir_same_type(b, d, a);
    ir_emit(b, opc, t, &d, 1, &a, 1, NULL, 0);
}

static void ir_emit_binary(IrBuilder *b, IrOpcode opc, IrVal d, IrVal a, IrVal c)
{
    IrType t = ir_same_type(b, d, a);
    assert(ir_val_type(b, c) == t);
    IrVal ins[2] = { a, c };
    ir_emit(b, opc, t, &d, 1, ins, 2, NULL, 0);
}

void ir_mov(IrBuilder *b, IrVal d, IrVal a)
{
    if (d.id != a.id) {
        ir_emit_unary(b, IR_OP_mov, d, a);
    }
}

void ir_movi(IrBuilder *b, IrVal d, uint64_t imm)
{
    IrType t = ir_val_type(b, d);
    if (t == IR_I32) {
        imm = (uint32_t)imm;
    }
    ir_emit(b, IR_OP_movi, t, &d, 1, NULL, 0, &imm, 1);
}

void ir_discard(IrBuilder *b, IrVal v)
{
    ir_emit(b, IR_OP_discard, ir_val_type(b, v), &v, 1, NULL, 0, NULL, 0);
}

#define IR_DEFINE_BINARY(name)                                               \
    void ir_##name(IrBuilder *b, IrVal d, IrVal a, IrVal c)                  \
    {                                                                        \
        ir_emit_binary(b, IR_OP_##name, d, a, c);                            \
    }
#define IR_DEFINE_BINARY_IMM(name)                                           \
    IR_DEFINE_BINARY(name)                                                   \
    void ir_##name##_imm(IrBuilder *b, IrVal d, IrVal a, int64_t imm)        \
    {                                                                        \
        ir_emit_binary(b, IR_OP_##name, d, a,                                \
                       ir_const(b, ir_val_type(b, a), (uint64_t)imm));       \
    }
IR_DEFINE_BINARY_IMM(add)
IR_DEFINE_BINARY_IMM(sub)
IR_DEFINE_BINARY_IMM(mul)
IR_DEFINE_BINARY_IMM(and)
IR_DEFINE_BINARY_IMM(or)
IR_DEFINE_BINARY_IMM(xor)
IR_DEFINE_BINARY_IMM(shl)
IR_DEFINE_BINARY_IMM(shr)
IR_DEFINE_BINARY_IMM(sar)
IR_DEFINE_BINARY_IMM(rotl)
IR_DEFINE_BINARY_IMM(rotr)
IR_DEFINE_BINARY(mulsh)
IR_DEFINE_BINARY(muluh)
IR_DEFINE_BINARY(div)
IR_DEFINE_BINARY(divu)
IR_DEFINE_BINARY(rem)
IR_DEFINE_BINARY(remu)
IR_DEFINE_BINARY(andc)
IR_DEFINE_BINARY(orc)
IR_DEFINE_BINARY(eqv)
IR_DEFINE_BINARY(nand)
IR_DEFINE_BINARY(nor)
IR_DEFINE_BINARY(clz)
IR_DEFINE_BINARY(ctz)
#undef IR_DEFINE_BINARY_IMM
#undef IR_DEFINE_BINARY

static void ir_emit_mul2(IrBuilder *b, IrOpcode opc, IrVal lo, IrVal hi, IrVal a, IrVal c)
{
    IrType t = ir_same_type(b, lo, hi);
    assert(ir_val_type(b, a) == t && ir_val_type(b, c) == t);
    IrVal outs[2] = { lo, hi }, ins[2] = { a, c };
    ir_emit(b, opc, t, outs, 2, ins, 2, NULL, 0);
}

void ir_mulu2(IrBuilder *b, IrVal lo, IrVal hi, IrVal a, IrVal c)
{
    ir_emit_mul2(b, IR_OP_mulu2, lo, hi, a, c);
}

void ir_muls2(IrBuilder *b, IrVal lo, IrVal hi, IrVal a, IrVal c)
{
    ir_emit_mul2(b, IR_OP_muls2, lo, hi, a, c);
}

void ir_clz_imm(IrBuilder *b, IrVal d, IrVal a, uint64_t if_zero)
{
    ir_clz(b, d, a, ir_const(b, ir_val_type(b, a), if_zero));
}

void ir_ctz_imm(IrBuilder *b, IrVal d, IrVal a, uint64_t if_zero)
{
    ir_ctz(b, d, a, ir_const(b, ir_val_type(b, a), if_zero));
}

#define IR_DEFINE_UNARY(name)                                                \
    void ir_##name(IrBuilder *b, IrVal d, IrVal a)                           \
    {                                                                        \
        ir_emit_unary(b, IR_OP_##name, d, a);                                \
    }
IR_DEFINE_UNARY(neg)
IR_DEFINE_UNARY(not)
IR_DEFINE_UNARY(ctpop)
IR_DEFINE_UNARY(bswap16)
IR_DEFINE_UNARY(bswap32)
IR_DEFINE_UNARY(ext8s)
IR_DEFINE_UNARY(ext8u)
IR_DEFINE_UNARY(ext16s)
IR_DEFINE_UNARY(ext16u)
#undef IR_DEFINE_UNARY

static void ir_emit_unary64(IrBuilder *b, IrOpcode opc, IrVal d, IrVal a)
{
    assert(ir_val_type(b, d) == IR_I64);
    ir_emit_unary(b, opc, d, a);
}

void ir_bswap64(IrBuilder *b, IrVal d, IrVal a)
{
    ir_emit_unary64(b, IR_OP_bswap64, d, a);
}

void ir_ext32s(IrBuilder *b, IrVal d, IrVal a)
{
    ir_emit_unary64(b, IR_OP_ext32s, d, a);
}

void ir_ext32u(IrBuilder *b, IrVal d, IrVal a)
{
    ir_emit_unary64(b, IR_OP_ext32u, d, a);
}

static void ir_emit_conv(IrBuilder *b, IrOpcode opc, IrVal d, IrType dt, IrVal a, IrType at)
{
    assert(ir_val_type(b, d) == dt && ir_val_type(b, a) == at);
    ir_emit(b, opc, dt, &d, 1, &a, 1, NULL, 0);
}

void ir_extrl_i64_i32(IrBuilder *b, IrVal d32, IrVal a64)
{
    ir_emit_conv(b, IR_OP_extrl_i64_i32, d32, IR_I32, a64, IR_I64);
}

void ir_extrh_i64_i32(IrBuilder *b, IrVal d32, IrVal a64)
{
    ir_emit_conv(b, IR_OP_extrh_i64_i32, d32, IR_I32, a64, IR_I64);
}

void ir_extu_i32_i64(IrBuilder *b, IrVal d64, IrVal a32)
{
    ir_emit_conv(b, IR_OP_extu_i32_i64, d64, IR_I64, a32, IR_I32);
}

void ir_exts_i32_i64(IrBuilder *b, IrVal d64, IrVal a32)
{
    ir_emit_conv(b, IR_OP_exts_i32_i64, d64, IR_I64, a32, IR_I32);
}

static void ir_check_field(const IrBuilder *b, IrVal a, unsigned pos, unsigned len)
{
    unsigned width = ir_val_type(b, a) == IR_I64 ? 64 : 32;
    assert(len >= 1 && pos < width && len <= width - pos);
    (void)width;
}

void ir_deposit(IrBuilder *b, IrVal d, IrVal a, IrVal field, unsigned pos, unsigned len)
{
    IrType t = ir_same_type(b, d, a);
    assert(ir_val_type(b, field) == t);
    ir_check_field(b, a, pos, len);
    IrVal ins[2] = { a, field };
    uint64_t cs[2] = { pos, len };
    ir_emit(b, IR_OP_deposit, t, &d, 1, ins, 2, cs, 2);
}

void ir_extract(IrBuilder *b, IrVal d, IrVal a, unsigned pos, unsigned len)
{
    IrType t = ir_same_type(b, d, a);
    ir_check_field(b, a, pos, len);
    uint64_t cs[2] = { pos, len };
    ir_emit(b, IR_OP_extract, t, &d, 1, &a, 1, cs, 2);
}

void ir_sextract(IrBuilder *b, IrVal d, IrVal a, unsigned pos, unsigned len)
{
    IrType t = ir_same_type(b, d, a);
    ir_check_field(b, a, pos, len);
    uint64_t cs[2] = { pos, len };
    ir_emit(b, IR_OP_sextract, t, &d, 1, &a, 1, cs, 2);
}

/* ---- binary64 fast paths: every value I64 ---- */

static void ir_emit_f64(IrBuilder *b, IrOpcode opc, IrVal d, const IrVal *ins, unsigned nin,
                        const uint64_t *consts, unsigned nconst)
{
    assert(ir_val_type(b, d) == IR_I64);
    for (unsigned i = 0; i < nin; i++) {
        assert(ir_val_type(b, ins[i]) == IR_I64);
    }
    ir_emit(b, opc, IR_I64, &d, 1, ins, nin, consts, nconst);
}

void ir_fadd_f64(IrBuilder *b, IrVal d, IrVal a, IrVal c)
{
    ir_emit_f64(b, IR_OP_fadd_f64, d, (const IrVal[]){ a, c }, 2, NULL, 0);
}

void ir_fsub_f64(IrBuilder *b, IrVal d, IrVal a, IrVal c)
{
    ir_emit_f64(b, IR_OP_fsub_f64, d, (const IrVal[]){ a, c }, 2, NULL, 0);
}

void ir_fmul_f64(IrBuilder *b, IrVal d, IrVal a, IrVal c)
{
    ir_emit_f64(b, IR_OP_fmul_f64, d, (const IrVal[]){ a, c }, 2, NULL, 0);
}

void ir_fdiv_f64(IrBuilder *b, IrVal d, IrVal a, IrVal c)
{
    ir_emit_f64(b, IR_OP_fdiv_f64, d, (const IrVal[]){ a, c }, 2, NULL, 0);
}

void ir_fsqrt_f64(IrBuilder *b, IrVal d, IrVal a)
{
    ir_emit_f64(b, IR_OP_fsqrt_f64, d, &a, 1, NULL, 0);
}

void ir_fma_f64(IrBuilder *b, IrVal d, IrVal a, IrVal m, IrVal c, unsigned neg)
{
    uint64_t cs = neg & (IR_FMA_NEG_PRODUCT | IR_FMA_NEG_ADDEND);
    ir_emit_f64(b, IR_OP_fma_f64, d, (const IrVal[]){ a, m, c }, 3, &cs, 1);
}

void ir_fcmp_f64(IrBuilder *b, IrFcmp cond, IrVal d, IrVal a, IrVal c)
{
    uint64_t cs = cond;
    ir_emit_f64(b, IR_OP_fcmp_f64, d, (const IrVal[]){ a, c }, 2, &cs, 1);
}

void ir_setcond(IrBuilder *b, IrCond cond, IrVal d, IrVal a, IrVal c)
{
    IrType t = ir_same_type(b, d, a);
    assert(ir_val_type(b, c) == t);
    IrVal ins[2] = { a, c };
    uint64_t cs = cond;
    ir_emit(b, IR_OP_setcond, t, &d, 1, ins, 2, &cs, 1);
}

void ir_setcond_imm(IrBuilder *b, IrCond cond, IrVal d, IrVal a, int64_t imm)
{
    ir_setcond(b, cond, d, a, ir_const(b, ir_val_type(b, a), (uint64_t)imm));
}

void ir_movcond(IrBuilder *b, IrCond cond, IrVal d, IrVal c1, IrVal c2, IrVal v1, IrVal v2)
{
    IrType t = ir_val_type(b, d);
    assert(ir_val_type(b, c1) == t && ir_val_type(b, c2) == t);
    assert(ir_val_type(b, v1) == t && ir_val_type(b, v2) == t);
    IrVal ins[4] = { c1, c2, v1, v2 };
    uint64_t cs = cond;
    ir_emit(b, IR_OP_movcond, t, &d, 1, ins, 4, &cs, 1);
}

void ir_brcond(IrBuilder *b, IrCond cond, IrVal a, IrVal c, IrLabel l)
{
    IrType t = ir_same_type(b, a, c);
    IrVal ins[2] = { a, c };
    uint64_t cs[2] = { cond, l.id };
    assert(l.id < b->nlabels);
    ir_emit(b, IR_OP_brcond, t, NULL, 0, ins, 2, cs, 2);
}

void ir_brcond_imm(IrBuilder *b, IrCond cond, IrVal a, int64_t imm, IrLabel l)
{
    ir_brcond(b, cond, a, ir_const(b, ir_val_type(b, a), (uint64_t)imm), l);
}

void ir_br(IrBuilder *b, IrLabel l)
{
    uint64_t cs = l.id;
    assert(l.id < b->nlabels);
    ir_emit(b, IR_OP_br, IR_I64, NULL, 0, NULL, 0, &cs, 1);
}

void ir_set_label(IrBuilder *b, IrLabel l)
{
    uint64_t cs = l.id;
    assert(l.id < b->nlabels);
    ir_emit(b, IR_OP_set_label, IR_I64, NULL, 0, NULL, 0, &cs, 1);
}

static void ir_emit_ld(IrBuilder *b, IrOpcode opc, IrVal d, int32_t offset)
{
    uint64_t cs = (uint64_t)(int64_t)offset;
    ir_emit(b, opc, ir_val_type(b, d), &d, 1, NULL, 0, &cs, 1);
}

static void ir_emit_st(IrBuilder *b, IrOpcode opc, IrVal v, int32_t offset)
{
    uint64_t cs = (uint64_t)(int64_t)offset;
    ir_emit(b, opc, ir_val_type(b, v), NULL, 0, &v, 1, &cs, 1);
}

void ir_ld8u(IrBuilder *b, IrVal d, int32_t o) { ir_emit_ld(b, IR_OP_ld8u, d, o); }
void ir_ld8s(IrBuilder *b, IrVal d, int32_t o) { ir_emit_ld(b, IR_OP_ld8s, d, o); }
void ir_ld16u(IrBuilder *b, IrVal d, int32_t o) { ir_emit_ld(b, IR_OP_ld16u, d, o); }
void ir_ld16s(IrBuilder *b, IrVal d, int32_t o) { ir_emit_ld(b, IR_OP_ld16s, d, o); }
void ir_ld32u(IrBuilder *b, IrVal d, int32_t o) { ir_emit_ld(b, IR_OP_ld32u, d, o); }
void ir_ld32s(IrBuilder *b, IrVal d, int32_t o) { ir_emit_ld(b, IR_OP_ld32s, d, o); }
void ir_st8(IrBuilder *b, IrVal v, int32_t o) { ir_emit_st(b, IR_OP_st8, v, o); }
void ir_st16(IrBuilder *b, IrVal v, int32_t o) { ir_emit_st(b, IR_OP_st16, v, o); }
void ir_st32(IrBuilder *b, IrVal v, int32_t o) { ir_emit_st(b, IR_OP_st32, v, o); }

void ir_ld64(IrBuilder *b, IrVal d, int32_t o)
{
    assert(ir_val_type(b, d) == IR_I64);
    ir_emit_ld(b, IR_OP_ld64, d, o);
}

void ir_st64(IrBuilder *b, IrVal v, int32_t o)
{
    assert(ir_val_type(b, v) == IR_I64);
    ir_emit_st(b, IR_OP_st64, v, o);
}

void ir_guest_ld(IrBuilder *b, IrVal d, IrVal addr, MemOp mop, unsigned mmu_idx)
{
    assert(ir_val_type(b, addr) == IR_I64);
    assert(ir_val_type(b, d) == IR_I64 || (mop & MO_SIZE) <= MO_32);
    uint64_t cs[2] = { mop, mmu_idx };
    ir_emit(b, IR_OP_guest_ld, ir_val_type(b, d), &d, 1, &addr, 1, cs, 2);
}

void ir_guest_st(IrBuilder *b, IrVal val, IrVal addr, MemOp mop, unsigned mmu_idx)
{
    assert(ir_val_type(b, addr) == IR_I64);
    assert(ir_val_type(b, val) == IR_I64 || (mop & MO_SIZE) <= MO_32);
    IrVal ins[2] = { val, addr };
    uint64_t cs[2] = { mop, mmu_idx };
    ir_emit(b, IR_OP_guest_st, ir_val_type(b, val), NULL, 0, ins, 2, cs, 2);
}

void ir_atomic_cmpxchg(IrBuilder *b, IrVal old, IrVal addr, IrVal cmpv, IrVal newv,
                       MemOp mop, unsigned mmu_idx)
{
    IrType t = ir_same_type(b, old, cmpv);
    assert(ir_val_type(b, newv) == t && ir_val_type(b, addr) == IR_I64);
    IrVal ins[3] = { addr, cmpv, newv };
    uint64_t cs[2] = { mop, mmu_idx };
    ir_emit(b, IR_OP_atomic_cmpxchg, t, &old, 1, ins, 3, cs, 2);
}

void ir_atomic_rmw(IrBuilder *b, IrOpcode opc, IrVal old, IrVal addr, IrVal val,
                   MemOp mop, unsigned mmu_idx)
{
    assert(opc >= IR_OP_atomic_xchg && opc <= IR_OP_atomic_fetch_umax);
    IrType t = ir_same_type(b, old, val);
    assert(ir_val_type(b, addr) == IR_I64);
    IrVal ins[2] = { addr, val };
    uint64_t cs[2] = { mop, mmu_idx };
    ir_emit(b, opc, t, &old, 1, ins, 2, cs, 2);
}

void ir_mb(IrBuilder *b, unsigned barrier)
{
    uint64_t cs = barrier;
    ir_emit(b, IR_OP_mb, IR_I64, NULL, 0, NULL, 0, &cs, 1);
}

static IrType ir_helper_ir_type(uint8_t ht)
{
    return ht == IR_HT_I32 ? IR_I32 : IR_I64;
}

void ir_call_n(IrBuilder *b, const IrHelperInfo *h, IrVal ret, const IrVal *args,
               unsigned nargs)
{
    assert(nargs == h->nargs && nargs <= IR_CALL_MAX_ARGS);
    assert(ir_val_is_none(ret) == (h->ret == IR_HT_VOID));
    if (!ir_val_is_none(ret)) {
        assert(ir_val_type(b, ret) == ir_helper_ir_type(h->ret));
    }
    for (unsigned i = 0; i < nargs; i++) {
        assert(ir_val_type(b, args[i]) == ir_helper_ir_type(h->args[i]));
    }
    uint64_t cs = (uint64_t)(uintptr_t)h;
    ir_emit(b, IR_OP_call, IR_I64, &ret, ir_val_is_none(ret) ? 0 : 1, args, nargs, &cs, 1);
}

void ir_call_miss_n(IrBuilder *b, const IrHelperInfo *h, IrVal d, IrVal fast, uint64_t miss,
                    const IrVal *args, unsigned nargs)
{
    assert(nargs == h->nargs && nargs + 1 <= IR_CALL_MAX_ARGS);
    assert(h->ret == IR_HT_I64 && (h->flags & IR_CALL_MISS_FLAGS) == IR_CALL_MISS_FLAGS);
    assert(ir_val_type(b, d) == IR_I64 && ir_val_type(b, fast) == IR_I64);
    IrVal ins[IR_CALL_MAX_ARGS];
    ins[0] = fast;
    for (unsigned i = 0; i < nargs; i++) {
        assert(ir_val_type(b, args[i]) == ir_helper_ir_type(h->args[i]));
        ins[i + 1] = args[i];
    }
    uint64_t cs[2] = { (uint64_t)(uintptr_t)h, miss };
    ir_emit(b, IR_OP_call_miss, IR_I64, &d, 1, ins, nargs + 1, cs, 2);
}

void ir_goto_tb(IrBuilder *b, unsigned slot)
{
    uint64_t cs = slot;
    assert(slot < IR_GOTO_TB_SLOTS);
    ir_emit(b, IR_OP_goto_tb, IR_I64, NULL, 0, NULL, 0, &cs, 1);
}

void ir_exit_tb(IrBuilder *b, IrExit value)
{
    uint64_t cs = value;
    ir_emit(b, IR_OP_exit_tb, IR_I64, NULL, 0, NULL, 0, &cs, 1);
}

void ir_lookup_and_goto_ptr(IrBuilder *b)
{
    ir_emit(b, IR_OP_lookup_and_goto_ptr, IR_I64, NULL, 0, NULL, 0, NULL, 0);
}

void ir_call_hint(IrBuilder *b, uint64_t return_pc, unsigned return_slot, uint32_t tb_flags)
{
    uint64_t cs[3] = { return_pc, return_slot, tb_flags };
    assert(return_slot < IR_GOTO_TB_SLOTS);
    ir_emit(b, IR_OP_call_hint, IR_I64, NULL, 0, NULL, 0, cs, 3);
}

void ir_return_hint(IrBuilder *b)
{
    ir_emit(b, IR_OP_return_hint, IR_I64, NULL, 0, NULL, 0, NULL, 0);
}

void ir_insn_start(IrBuilder *b, uint64_t pc, uint64_t data1, uint64_t data2)
{
    uint64_t cs[3] = { pc, data1, data2 };
    ir_emit(b, IR_OP_insn_start, IR_I64, NULL, 0, NULL, 0, cs, 3);
}
