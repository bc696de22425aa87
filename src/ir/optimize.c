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
 *   - track known-zero bits (a mask of the bits each value may have set,
 *     TCG's z_mask) and drop masking and zero-extensions that change
 *     nothing (and with a mask covering the value, ext8u/16u/32u, extract
 *     from bit 0 of an already narrow value), and likewise the width a
 *     value is already sign-extended from (sign-extensions of values that
 *     are already extended become moves: RV64's sext.w after addw; sums,
 *     products and shifts of narrow values are narrow),
 *   - turn a left shift and a right shift back by the same count into the
 *     extension they make (RV64 without Zba writes zext.w as slli 32 +
 *     srli 32, often with other instructions between): the shift left
 *     usually dies,
 *   - fold branches with known conditions and delete unreachable code after
 *     unconditional branches and exits (up to the next label).
 * A second, backward-looking pass undoes what copy propagation does to the
 * frontends' "op e, ...; mov g, e" (e an EBB temp): it makes the op write
 * g and later reads of e read g, so that the JIT keeps one register where
 * it kept two and copied (ir_opt_def_into_copies).
 * Knowledge is per extended basic block: forgotten at every label, and for
 * globals also after calls that may write globals.  Copies are validated by
 * a version number per value (bumped at each write), so breaking a copy is
 * O(1).  Invariant: the pass never adds ops; it rewrites ops in place and
 * turns deleted ones into nop.
 */
#include <assert.h>
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
    uint64_t z_mask;        /* bits that may be set (valid with epoch) */
    uint8_t s_width;        /* value == sext(value, s_width bits) */
    /* value == shl(shl_src, shl_count), I64, while shl_src is at version
     * shl_version (UINT32_MAX: not known to be a shift) */
    uint8_t shl_count;
    uint32_t shl_src;
    uint32_t shl_version;
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

static uint64_t ir_opt_ones(const IrOpt *o, uint32_t id)
{
    return o->b->temps[id].type == IR_I64 ? ~0ull : 0xffffffffull;
}

static void ir_opt_forget(IrOpt *o, uint32_t id)
{
    IrOptInfo *in = &o->info[id];
    in->version++;
    in->epoch = o->epoch;
    in->is_const = false;
    in->copy_of = UINT32_MAX;
    in->z_mask = ir_opt_ones(o, id);
    in->s_width = o->b->temps[id].type == IR_I64 ? 64 : 32;
    in->shl_src = UINT32_MAX;
}

/* The smallest w such that v is the sign-extension of its low w bits. */
static unsigned ir_opt_sext_width(uint64_t v, unsigned width)
{
    for (unsigned w = 1; w < width; w++) {
        uint64_t ext = (uint64_t)((int64_t)(v << (64 - w)) >> (64 - w));
        if (ir_trunc(width == 64, ext) == v) {
            return w;
        }
    }
    return width;
}

/* The width id is known to be sign-extended from. */
static unsigned ir_opt_swidth(IrOpt *o, uint32_t id)
{
    const IrTemp *t = &o->b->temps[id];
    unsigned width = t->type == IR_I64 ? 64 : 32;
    if (t->kind == IR_TEMP_CONST) {
        return ir_opt_sext_width(t->value, width);
    }
    IrOptInfo *in = &o->info[id];
    if (in->epoch != o->epoch) {
        return width;
    }
    if (in->is_const) {
        return ir_opt_sext_width(in->value, width);
    }
    /* a value with bits only below b is also sign-extended from b + 1 */
    unsigned zw = in->z_mask ? 64 - (unsigned)__builtin_clzll(in->z_mask) + 1 : 1;
    return zw < in->s_width ? zw : in->s_width;
}

/* What width op's output is sign-extended from (inputs read first). */
static unsigned ir_opt_swidth_out(IrOpt *o, const IrOp *op)
{
    const uint32_t *in = &op->vals[op->nout];
    unsigned width = op->type == IR_I64 ? 64 : 32;
    unsigned a, c;
    switch (op->opc) {
    case IR_OP_ext8s: case IR_OP_ld8s: return 8;
    case IR_OP_ext16s: case IR_OP_ld16s: return 16;
    case IR_OP_ext32s: case IR_OP_exts_i32_i64: return 32;
    case IR_OP_ld32s: return 32;
    case IR_OP_sextract: return (unsigned)op->consts[1];
    case IR_OP_guest_ld:
        return (op->consts[0] & MO_SIGN) ? 8u << (op->consts[0] & MO_SIZE) : width;
    case IR_OP_and: case IR_OP_or: case IR_OP_xor:
        a = ir_opt_swidth(o, in[0]);
        c = ir_opt_swidth(o, in[1]);
        return a > c ? a : c;
    case IR_OP_movcond:
        a = ir_opt_swidth(o, in[2]);
        c = ir_opt_swidth(o, in[3]);
        return a > c ? a : c;
    /* Arithmetic on narrow signed values stays narrow (RV64's sraiw,
     * addiw of such values: the ext32s after them becomes a move). */
    case IR_OP_add: case IR_OP_sub:
        a = ir_opt_swidth(o, in[0]);
        c = ir_opt_swidth(o, in[1]);
        a = (a > c ? a : c) + 1;
        return a < width ? a : width;
    case IR_OP_mul:
        a = ir_opt_swidth(o, in[0]) + ir_opt_swidth(o, in[1]);
        return a < width ? a : width;
    case IR_OP_neg:
        a = ir_opt_swidth(o, in[0]) + 1;
        return a < width ? a : width;
    case IR_OP_not:
        return ir_opt_swidth(o, in[0]);
    case IR_OP_sar: {
        uint64_t n;
        if (!ir_opt_const(o, in[1], &n)) {
            return width;
        }
        a = ir_opt_swidth(o, in[0]);
        n &= width - 1;
        return a > n + 1 ? a - (unsigned)n : 1;
    }
    case IR_OP_shl: {
        uint64_t n;
        if (!ir_opt_const(o, in[1], &n)) {
            return width;
        }
        a = ir_opt_swidth(o, in[0]) + (unsigned)(n & (width - 1));
        return a < width ? a : width;
    }
    default:
        return width;
    }
}

/* Bits of id that may be set. */
static uint64_t ir_opt_zmask(IrOpt *o, uint32_t id)
{
    const IrTemp *t = &o->b->temps[id];
    if (t->kind == IR_TEMP_CONST) {
        return t->value;
    }
    IrOptInfo *in = &o->info[id];
    if (in->epoch != o->epoch) {
        return ir_opt_ones(o, id);
    }
    return in->is_const ? in->value : in->z_mask;
}

static uint64_t ir_opt_size_mask(unsigned bytes)
{
    return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

/* What the output of op may have set, from its inputs' masks (read before
 * the output is written: inputs and outputs may be the same value). */
static uint64_t ir_opt_zmask_out(IrOpt *o, const IrOp *op)
{
    const uint32_t *in = &op->vals[op->nout];
    uint64_t ones = op->type == IR_I64 ? ~0ull : 0xffffffffull;
    uint64_t c;
    switch (op->opc) {
    case IR_OP_and: return ir_opt_zmask(o, in[0]) & ir_opt_zmask(o, in[1]);
    case IR_OP_or:
    case IR_OP_xor: return ir_opt_zmask(o, in[0]) | ir_opt_zmask(o, in[1]);
    case IR_OP_movcond: return ir_opt_zmask(o, in[2]) | ir_opt_zmask(o, in[3]);
    case IR_OP_shr:
        if (ir_opt_const(o, in[1], &c)) {
            return ir_opt_zmask(o, in[0]) >> (c & (op->type == IR_I64 ? 63 : 31));
        }
        return ones;
    case IR_OP_shl:
        if (ir_opt_const(o, in[1], &c)) {
            return (ir_opt_zmask(o, in[0]) << (c & (op->type == IR_I64 ? 63 : 31))) & ones;
        }
        return ones;
    case IR_OP_ext8u: return ir_opt_zmask(o, in[0]) & 0xff;
    case IR_OP_ext16u: return ir_opt_zmask(o, in[0]) & 0xffff;
    case IR_OP_ext32u:
    case IR_OP_extu_i32_i64:
    case IR_OP_extrl_i64_i32: return ir_opt_zmask(o, in[0]) & 0xffffffffull;
    case IR_OP_extract: return ir_field_mask((unsigned)op->consts[1]);
    case IR_OP_setcond: return 1;
    case IR_OP_ctpop: return 0x7f;
    case IR_OP_clz:
    case IR_OP_ctz: return 0x7f | ir_opt_zmask(o, in[1]);
    case IR_OP_bswap16: return 0xffff;
    case IR_OP_bswap32: return 0xffffffffull;
    case IR_OP_ld8u: return 0xff;
    case IR_OP_ld16u: return 0xffff;
    case IR_OP_ld32u: return 0xffffffffull & ones;
    case IR_OP_guest_ld:
        return (op->consts[0] & MO_SIGN) ? ones
                                         : ir_opt_size_mask(memop_size((MemOp)op->consts[0])) & ones;
    default: return ones;
    }
}

/* Rewrites that known-zero bits allow; true if op became a mov. */
static bool ir_opt_zmask_rewrite(IrOpt *o, IrOp *op);

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
    uint64_t z = ir_opt_zmask(o, s);
    unsigned sw = ir_opt_swidth(o, s);
    ir_opt_forget(o, d);
    o->info[d].copy_of = s;
    o->info[d].copy_version = o->info[s].version;
    o->info[d].z_mask = z;
    o->info[d].s_width = (uint8_t)sw;
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

static bool ir_opt_zmask_rewrite(IrOpt *o, IrOp *op)
{
    uint64_t keep;
    unsigned sext_to = 0;
    switch (op->opc) {
    case IR_OP_ext8s: sext_to = 8; break;
    case IR_OP_ext16s: sext_to = 16; break;
    case IR_OP_ext32s: sext_to = 32; break;
    case IR_OP_sextract:
        if (op->consts[0] == 0) {
            sext_to = (unsigned)op->consts[1];
        }
        break;
    default:
        break;
    }
    if (sext_to) {
        if (ir_opt_swidth(o, op->vals[1]) > sext_to) {
            return false;
        }
        ir_opt_make_mov(o, op, op->vals[1]);
        return true;
    }
    switch (op->opc) {
    case IR_OP_and: {
        uint64_t c;
        if (!ir_opt_const(o, op->vals[2], &c)) {
            return false;
        }
        keep = c;
        break;
    }
    case IR_OP_ext8u: keep = 0xff; break;
    case IR_OP_ext16u: keep = 0xffff; break;
    case IR_OP_ext32u: keep = 0xffffffffull; break;
    case IR_OP_extract:
        if (op->consts[0] != 0) {
            return false;
        }
        keep = ir_field_mask((unsigned)op->consts[1]);
        break;
    default:
        return false;
    }
    if ((ir_opt_zmask(o, op->vals[1]) & ~keep) != 0) {
        return false;
    }
    ir_opt_make_mov(o, op, op->vals[1]);
    return true;
}

/* shr/sar d, a, $c where a = shl(x, c) (x unchanged since): d is x's low
 * 64 - c bits, zero- or sign-extended.  Rewrites op to that extension. */
static bool ir_opt_shift_pair(IrOpt *o, IrOp *op)
{
    uint64_t c;
    if ((op->opc != IR_OP_shr && op->opc != IR_OP_sar) || op->type != IR_I64 ||
        !ir_opt_const(o, op->vals[2], &c)) {
        return false;
    }
    const IrOptInfo *in = &o->info[op->vals[1]];
    if (o->b->temps[op->vals[1]].kind == IR_TEMP_CONST || in->epoch != o->epoch ||
        in->shl_src == UINT32_MAX || in->shl_count != c ||
        o->info[in->shl_src].version != in->shl_version) {
        return false;
    }
    bool sign = op->opc == IR_OP_sar;
    uint32_t x = in->shl_src;
    op->vals[1] = x;
    op->nin = 1;
    switch (c) {
    case 32: op->opc = sign ? IR_OP_ext32s : IR_OP_ext32u; op->nconst = 0; break;
    case 48: op->opc = sign ? IR_OP_ext16s : IR_OP_ext16u; op->nconst = 0; break;
    case 56: op->opc = sign ? IR_OP_ext8s : IR_OP_ext8u; op->nconst = 0; break;
    default:
        op->opc = sign ? IR_OP_sextract : IR_OP_extract;
        op->nconst = 2;
        op->consts[0] = 0;
        op->consts[1] = 64 - c;
        break;
    }
    return true;
}

/* After op wrote d = shl(x, $c): remember it for ir_opt_shift_pair. */
static void ir_opt_note_shl(IrOpt *o, const IrOp *op)
{
    uint64_t c;
    uint32_t d = op->vals[0], x = op->vals[1];
    if (op->opc != IR_OP_shl || op->type != IR_I64 || x == d ||
        o->b->temps[x].kind == IR_TEMP_CONST || !ir_opt_const(o, op->vals[2], &c) ||
        c == 0 || c >= 64) {
        return;
    }
    IrOptInfo *in = &o->info[d];
    in->shl_src = x;
    in->shl_version = o->info[x].version;
    in->shl_count = (uint8_t)c;
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

static unsigned ir_env_st_size(IrOpcode opc)
{
    switch (opc) {
    case IR_OP_st8: return 1;
    case IR_OP_st16: return 2;
    case IR_OP_st32: return 4;
    case IR_OP_st64: return 8;
    default: return 0;
    }
}

/* May op (which is not a read of anything) change global g's value? */
static bool ir_op_may_write_global(const IrBuilder *b, const IrOp *op, uint32_t g)
{
    const IrTemp *t = &b->temps[g];
    if (ir_op_defs[op->opc].flags & IR_OPF_CALL) {
        const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)op->consts[0];
        return !(h->flags & IR_CALL_NO_WRITE_GLOBALS);
    }
    unsigned size = ir_env_st_size((IrOpcode)op->opc);
    if (size) {
        int64_t off = (int32_t)op->consts[0];
        int64_t gsize = t->type == IR_I64 ? 8 : 4;
        return off < t->env_offset + gsize && t->env_offset < off + (int64_t)size;
    }
    return false;
}

/* "op e, ...; mov g, e" -> "op g, ..." with the later reads of e (up to e's
 * next write or the next label, where an EBB temp is dead) reading g
 * instead.  Only when nothing but nops and insn_starts separate the two
 * (so no op observes g early) and g keeps e's value for every such read. */
static void ir_opt_def_into_copies(IrBuilder *b)
{
    /* last_read[t]: no op after it reads t, so the scan for a mov from e
     * stops there (the frontends' EBB temps live a few ops: without the
     * bound every mov scanned to the next label, quadratic in the block) */
    if (b->last_read_cap < b->ntemps) {
        size_t n = b->ntemps > 2 * b->last_read_cap ? b->ntemps : 2 * b->last_read_cap;
        free(b->last_read);
        b->last_read = malloc(n * sizeof(*b->last_read));
        assert(b->last_read);
        b->last_read_cap = n;
    }
    uint32_t *last_read = b->last_read;
    memset(last_read, 0, b->ntemps * sizeof(*last_read));
    for (size_t k = 0; k < b->nops; k++) {
        const IrOp *op = &b->ops[k];
        for (unsigned v = op->nout; v < op->nout + op->nin; v++) {
            last_read[op->vals[v]] = (uint32_t)k;
        }
    }
    for (size_t j = 1; j < b->nops; j++) {
        IrOp *mv = &b->ops[j];
        if (mv->opc != IR_OP_mov) {
            continue;
        }
        uint32_t g = mv->vals[0], e = mv->vals[1];
        if (g == e || b->temps[e].kind != IR_TEMP_EBB ||
            b->temps[g].kind == IR_TEMP_CONST) {
            continue;
        }
        size_t i = j;
        while (i-- > 0 && (b->ops[i].opc == IR_OP_nop || b->ops[i].opc == IR_OP_insn_start)) {
        }
        if (i >= j) {
            continue;
        }
        IrOp *def = &b->ops[i];
        int slot = -1;
        for (unsigned k = 0; k < def->nout; k++) {
            if (def->vals[k] == e) {
                slot = (int)k;
            } else if (def->vals[k] == g) {
                slot = -2;
            }
        }
        if (slot < 0) {
            continue;
        }
        /* the reads of e below must see g unchanged */
        bool g_changed = false, ok = true;
        size_t end = j + 1, stop = (size_t)last_read[e] + 1;
        for (; end < stop && ok; end++) {
            const IrOp *op = &b->ops[end];
            if (op->opc == IR_OP_set_label) {
                break;
            }
            bool reads_e = false, writes_e = false;
            for (unsigned k = 0; k < op->nout + op->nin; k++) {
                if (op->vals[k] == e) {
                    reads_e |= k >= op->nout;
                    writes_e |= k < op->nout;
                }
            }
            if (reads_e && g_changed) {
                ok = false;
            }
            for (unsigned k = 0; k < op->nout; k++) {
                g_changed |= op->vals[k] == g;
            }
            if (b->temps[g].kind == IR_TEMP_GLOBAL && ir_op_may_write_global(b, op, g)) {
                g_changed = true;
            }
            if (writes_e) {
                end++;
                break;
            }
        }
        if (!ok) {
            continue;
        }
        def->vals[slot] = g;
        if (last_read[e] > last_read[g]) {
            last_read[g] = last_read[e];    /* e's reads below become g's */
        }
        mv->opc = IR_OP_nop;
        mv->nout = mv->nin = mv->nconst = 0;
        for (size_t k = j + 1; k < end; k++) {
            IrOp *op = &b->ops[k];
            for (unsigned v = op->nout; v < op->nout + op->nin; v++) {
                if (op->vals[v] == e) {
                    op->vals[v] = g;
                }
            }
        }
    }
}

/* b's knowledge array, at least cap entries; entries never used are in
 * epoch 0, which no pass uses. */
static IrOptInfo *ir_opt_scratch(IrBuilder *b, size_t cap)
{
    if (b->opt_info_cap < cap) {
        size_t old = b->opt_info_cap;
        size_t n = cap > 2 * old ? cap : 2 * old;
        b->opt_info = realloc(b->opt_info, n * sizeof(*b->opt_info));
        assert(b->opt_info);
        memset(b->opt_info + old, 0, (n - old) * sizeof(*b->opt_info));
        for (size_t i = old; i < n; i++) {
            b->opt_info[i].copy_of = UINT32_MAX;
        }
        b->opt_info_cap = n;
    }
    /* one epoch per label at most: start over well before wrapping */
    if (b->opt_epoch > UINT32_MAX / 2 - b->nops) {
        for (size_t i = 0; i < b->opt_info_cap; i++) {
            b->opt_info[i].epoch = 0;
        }
        b->opt_epoch = 0;
    }
    return b->opt_info;
}

void ir_optimize(IrBuilder *b)
{
    /* ir_const may add temps while we run: size for the worst case */
    IrOpt o = { .b = b, .info = ir_opt_scratch(b, b->ntemps + b->nops * IR_MAX_VALS + 16) };
    /* a new epoch: what earlier blocks left in info is unknown here.  A
     * copy is checked against its source's version, which only grows, so
     * versions need no reset. */
    o.epoch = ++b->opt_epoch;
    bool unreachable = false;
    /* branches left to each label: a label nothing branches to any more
     * (its branch folded away) does not make the code after an exit
     * reachable again */
    uint32_t refs_stack[32];
    uint32_t *refs = b->nlabels <= 32 ? refs_stack : calloc(b->nlabels, sizeof(*refs));
    assert(refs);
    memset(refs, 0, b->nlabels * sizeof(*refs));
    for (size_t i = 0; i < b->nops; i++) {
        const IrOp *op = &b->ops[i];
        if (op->opc == IR_OP_br) {
            refs[op->consts[0]]++;
        } else if (op->opc == IR_OP_brcond) {
            refs[op->consts[1]]++;
        }
    }

    for (size_t i = 0; i < b->nops; i++) {
        IrOp *op = &b->ops[i];
        const IrOpDef *def = ir_def(op->opc);

        if (op->opc == IR_OP_set_label) {
            if (unreachable && refs[op->consts[0]] == 0) {
                ir_opt_delete(op);
                continue;
            }
            unreachable = false;
            ir_opt_new_epoch(&o);
            continue;
        }
        if (unreachable && op->opc != IR_OP_nop) {
            /* insn_start records stay: unwinding needs their count */
            if (op->opc == IR_OP_br) {
                refs[op->consts[0]]--;
            } else if (op->opc == IR_OP_brcond) {
                refs[op->consts[1]]--;
            }
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
            ir_opt_shift_pair(&o, op);
            if (ir_opt_zmask_rewrite(&o, op)) {
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
                refs[op->consts[1]]--;
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
        if (def->flags & IR_OPF_CALL) {
            const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)op->consts[0];
            if (!(h->flags & IR_CALL_NO_WRITE_GLOBALS)) {
                ir_opt_forget_globals(&o);
            }
            if (h->flags & IR_CALL_NO_RETURN) {
                unreachable = true;
            }
        }
        /* any other op: outputs are unknown values, but maybe narrow */
        uint64_t z = op->nout == 1 ? ir_opt_zmask_out(&o, op) : 0;
        unsigned sw = op->nout == 1 ? ir_opt_swidth_out(&o, op) : 64;
        for (unsigned k = 0; k < op->nout; k++) {
            ir_opt_forget(&o, op->vals[k]);
        }
        if (op->nout == 1) {
            IrOptInfo *info = &o.info[op->vals[0]];
            info->z_mask &= z;
            if (sw < info->s_width) {
                info->s_width = (uint8_t)sw;
            }
            ir_opt_note_shl(&o, op);
        }
    }
    if (refs != refs_stack) {
        free(refs);
    }
    b->opt_epoch = o.epoch;
    ir_opt_def_into_copies(b);
    ir_liveness(b);
}
