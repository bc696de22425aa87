/*
 * Bit manipulation, ratified Bitmanip 1.0.0: Zba (address generation), Zbb
 * (basic bit manipulation), Zbc (carry-less multiply, through helpers) and
 * Zbs (single-bit instructions), RV64 forms.  Each instruction is gated by
 * its sub-extension in the CPU model's configuration.  Shift and bit
 * indexes use the low 6 bits of rs2 (5 for the W forms); the .uw forms take
 * rs1's low word zero-extended.
 */
#include "guest/riscv/decode-insn32.h"
#include "guest/riscv/translate.h"

typedef void (*RvBinaryFn)(IrBuilder *b, IrVal d, IrVal a, IrVal c);
typedef void (*RvUnaryFn)(IrBuilder *b, IrVal d, IrVal a);

static bool rv_gen_r(DisasContext *d, arg_r *a, RvBinaryFn fn)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    fn(d->b, dst, rv_gpr(d, a->rs1), rv_gpr(d, a->rs2));
    rv_set_gpr(d, a->rd, dst);
    return true;
}

static bool rv_gen_r2(DisasContext *d, arg_r2 *a, RvUnaryFn fn)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    fn(d->b, dst, rv_gpr(d, a->rs1));
    rv_set_gpr(d, a->rd, dst);
    return true;
}

/* ---- Zba ---- */

static bool rv_gen_shadd(DisasContext *d, arg_r *a, unsigned shift, bool uw)
{
    if (!d->cfg->ext_zba) {
        return false;
    }
    IrVal dst = rv_dest_gpr(d, a->rd);
    IrVal src = uw ? rv_gpr_zext32(d, a->rs1) : rv_gpr(d, a->rs1);
    ir_shl_imm(d->b, dst, src, shift);
    ir_add(d->b, dst, dst, rv_gpr(d, a->rs2));
    rv_set_gpr(d, a->rd, dst);
    return true;
}

bool trans_add_uw(DisasContext *d, arg_r *a)    { return rv_gen_shadd(d, a, 0, true); }
bool trans_sh1add(DisasContext *d, arg_r *a)    { return rv_gen_shadd(d, a, 1, false); }
bool trans_sh2add(DisasContext *d, arg_r *a)    { return rv_gen_shadd(d, a, 2, false); }
bool trans_sh3add(DisasContext *d, arg_r *a)    { return rv_gen_shadd(d, a, 3, false); }
bool trans_sh1add_uw(DisasContext *d, arg_r *a) { return rv_gen_shadd(d, a, 1, true); }
bool trans_sh2add_uw(DisasContext *d, arg_r *a) { return rv_gen_shadd(d, a, 2, true); }
bool trans_sh3add_uw(DisasContext *d, arg_r *a) { return rv_gen_shadd(d, a, 3, true); }

bool trans_slli_uw(DisasContext *d, arg_shift *a)
{
    if (!d->cfg->ext_zba) {
        return false;
    }
    IrVal dst = rv_dest_gpr(d, a->rd);
    ir_shl_imm(d->b, dst, rv_gpr_zext32(d, a->rs1), a->shamt);
    rv_set_gpr(d, a->rd, dst);
    return true;
}

/* ---- Zbb ---- */

#define RV_ZBB_BINARY(name, fn)                                                \
    bool trans_##name(DisasContext *d, arg_r *a)                               \
    {                                                                          \
        return d->cfg->ext_zbb && rv_gen_r(d, a, fn);                          \
    }

RV_ZBB_BINARY(andn, ir_andc)
RV_ZBB_BINARY(orn, ir_orc)
RV_ZBB_BINARY(xnor, ir_eqv)

static void rv_clz64(IrBuilder *b, IrVal dst, IrVal a) { ir_clz_imm(b, dst, a, 64); }
static void rv_ctz64(IrBuilder *b, IrVal dst, IrVal a) { ir_ctz_imm(b, dst, a, 64); }

/* Leading zeros of the low word: shift it to the top; a zero word gives 32. */
static void rv_clzw(IrBuilder *b, IrVal dst, IrVal a)
{
    IrVal t = ir_new_ebb_temp(b, IR_I64);
    ir_shl_imm(b, t, a, 32);
    ir_clz_imm(b, dst, t, 32);
}

/* Trailing zeros of the low word: a bit at 32 caps the count at 32. */
static void rv_ctzw(IrBuilder *b, IrVal dst, IrVal a)
{
    IrVal t = ir_new_ebb_temp(b, IR_I64);
    ir_or_imm(b, t, a, (int64_t)1 << 32);
    ir_ctz_imm(b, dst, t, 64);
}

static void rv_cpopw(IrBuilder *b, IrVal dst, IrVal a)
{
    IrVal t = ir_new_ebb_temp(b, IR_I64);
    ir_ext32u(b, t, a);
    ir_ctpop(b, dst, t);
}

#define RV_ZBB_UNARY(name, fn)                                                 \
    bool trans_##name(DisasContext *d, arg_r2 *a)                              \
    {                                                                          \
        return d->cfg->ext_zbb && rv_gen_r2(d, a, fn);                         \
    }

RV_ZBB_UNARY(clz, rv_clz64)
RV_ZBB_UNARY(ctz, rv_ctz64)
RV_ZBB_UNARY(cpop, ir_ctpop)
RV_ZBB_UNARY(clzw, rv_clzw)
RV_ZBB_UNARY(ctzw, rv_ctzw)
RV_ZBB_UNARY(cpopw, rv_cpopw)
RV_ZBB_UNARY(sext_b, ir_ext8s)
RV_ZBB_UNARY(sext_h, ir_ext16s)
RV_ZBB_UNARY(zext_h, ir_ext16u)
RV_ZBB_UNARY(rev8, ir_bswap64)

static bool rv_gen_minmax(DisasContext *d, arg_r *a, IrCond cond)
{
    if (!d->cfg->ext_zbb) {
        return false;
    }
    IrVal dst = rv_dest_gpr(d, a->rd);
    IrVal x = rv_gpr(d, a->rs1), y = rv_gpr(d, a->rs2);
    /* dst = (x cond y) ? x : y */
    ir_movcond(d->b, cond, dst, x, y, x, y);
    rv_set_gpr(d, a->rd, dst);
    return true;
}

bool trans_max(DisasContext *d, arg_r *a)  { return rv_gen_minmax(d, a, IR_COND_GT); }
bool trans_maxu(DisasContext *d, arg_r *a) { return rv_gen_minmax(d, a, IR_COND_GTU); }
bool trans_min(DisasContext *d, arg_r *a)  { return rv_gen_minmax(d, a, IR_COND_LT); }
bool trans_minu(DisasContext *d, arg_r *a) { return rv_gen_minmax(d, a, IR_COND_LTU); }

RV_ZBB_BINARY(rol, ir_rotl)
RV_ZBB_BINARY(ror, ir_rotr)

bool trans_rori(DisasContext *d, arg_shift *a)
{
    if (!d->cfg->ext_zbb) {
        return false;
    }
    IrVal dst = rv_dest_gpr(d, a->rd);
    ir_rotr_imm(d->b, dst, rv_gpr(d, a->rs1), a->shamt);
    rv_set_gpr(d, a->rd, dst);
    return true;
}

/* W rotates: rotate the low word in 32 bits (count mod 32), sign-extend. */
static bool rv_gen_rotw(DisasContext *d, int rd, int rs1, IrVal count64, bool left)
{
    IrBuilder *b = d->b;
    IrVal x = ir_new_ebb_temp(b, IR_I32);
    IrVal n = ir_new_ebb_temp(b, IR_I32);
    IrVal r = ir_new_ebb_temp(b, IR_I32);
    IrVal dst = rv_dest_gpr(d, rd);

    ir_extrl_i64_i32(b, x, rv_gpr(d, rs1));
    ir_extrl_i64_i32(b, n, count64);
    if (left) {
        ir_rotl(b, r, x, n);
    } else {
        ir_rotr(b, r, x, n);
    }
    ir_exts_i32_i64(b, dst, r);
    rv_set_gpr(d, rd, dst);
    return true;
}

bool trans_rolw(DisasContext *d, arg_r *a)
{
    return d->cfg->ext_zbb && rv_gen_rotw(d, a->rd, a->rs1, rv_gpr(d, a->rs2), true);
}

bool trans_rorw(DisasContext *d, arg_r *a)
{
    return d->cfg->ext_zbb && rv_gen_rotw(d, a->rd, a->rs1, rv_gpr(d, a->rs2), false);
}

bool trans_roriw(DisasContext *d, arg_shift *a)
{
    return d->cfg->ext_zbb &&
           rv_gen_rotw(d, a->rd, a->rs1, ir_const(d->b, IR_I64, (uint64_t)a->shamt), false);
}

bool trans_orc_b(DisasContext *d, arg_r2 *a)
{
    if (!d->cfg->ext_zbb) {
        return false;
    }
    IrVal dst = rv_dest_gpr(d, a->rd);
    ir_call(d->b, HELPER(riscv_orc_b), dst, rv_gpr(d, a->rs1));
    rv_set_gpr(d, a->rd, dst);
    return true;
}

/* ---- Zbc ---- */

static bool rv_gen_clmul(DisasContext *d, arg_r *a, const IrHelperInfo *h)
{
    if (!d->cfg->ext_zbc) {
        return false;
    }
    IrVal dst = rv_dest_gpr(d, a->rd);
    ir_call(d->b, h, dst, rv_gpr(d, a->rs1), rv_gpr(d, a->rs2));
    rv_set_gpr(d, a->rd, dst);
    return true;
}

bool trans_clmul(DisasContext *d, arg_r *a)  { return rv_gen_clmul(d, a, HELPER(riscv_clmul)); }
bool trans_clmulh(DisasContext *d, arg_r *a) { return rv_gen_clmul(d, a, HELPER(riscv_clmulh)); }
bool trans_clmulr(DisasContext *d, arg_r *a) { return rv_gen_clmul(d, a, HELPER(riscv_clmulr)); }

/* ---- Zbs ---- */

typedef enum RvBitOp { RV_BCLR, RV_BSET, RV_BINV, RV_BEXT } RvBitOp;

/* index is an I64 value whose low 6 bits select the bit. */
static bool rv_gen_bitop(DisasContext *d, int rd, int rs1, IrVal index, RvBitOp op)
{
    if (!d->cfg->ext_zbs) {
        return false;
    }
    IrBuilder *b = d->b;
    IrVal dst = rv_dest_gpr(d, rd);
    IrVal src = rv_gpr(d, rs1);

    if (op == RV_BEXT) {
        ir_shr(b, dst, src, index);     /* shift counts are taken mod 64 */
        ir_and_imm(b, dst, dst, 1);
    } else {
        IrVal bit = ir_new_ebb_temp(b, IR_I64);
        ir_shl(b, bit, ir_const(b, IR_I64, 1), index);
        if (op == RV_BCLR) {
            ir_andc(b, dst, src, bit);
        } else if (op == RV_BSET) {
            ir_or(b, dst, src, bit);
        } else {
            ir_xor(b, dst, src, bit);
        }
    }
    rv_set_gpr(d, rd, dst);
    return true;
}

#define RV_ZBS(name, op)                                                       \
    bool trans_##name(DisasContext *d, arg_r *a)                               \
    {                                                                          \
        return rv_gen_bitop(d, a->rd, a->rs1, rv_gpr(d, a->rs2), op);          \
    }                                                                          \
    bool trans_##name##i(DisasContext *d, arg_shift *a)                        \
    {                                                                          \
        return rv_gen_bitop(d, a->rd, a->rs1,                                  \
                            ir_const(d->b, IR_I64, (uint64_t)a->shamt), op);   \
    }

RV_ZBS(bclr, RV_BCLR)
RV_ZBS(bset, RV_BSET)
RV_ZBS(binv, RV_BINV)
RV_ZBS(bext, RV_BEXT)
