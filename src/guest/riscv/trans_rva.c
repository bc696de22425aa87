/*
 * The A extension on RV64 (Unprivileged ISA 20191213, chapter 8).
 *
 * LR/SC (8.2) use QEMU's scheme: LR records the address and the value it
 * read (load_res, load_val); SC succeeds when its address is the reserved
 * one and a compare-and-swap of the reserved value with rs2 succeeds, so a
 * store by another hart in between makes it fail (a store of the same value
 * may not, which the spec's constrained-LR/SC guarantees allow).  Every SC
 * clears the reservation.  rd gets 0 on success, 1 on failure.
 *
 * AMOs (8.4) are the IR's atomic read-modify-write ops, so they are atomic
 * with respect to other harts on every backend; the W forms operate on
 * 32-bit values and sign-extend what they return to rd.
 *
 * Ordering: aq puts a barrier after the access, rl one before it (8.1).
 * Alignment: these accesses must be naturally aligned; a misaligned one
 * raises (8.2, 8.4): LR a load address-misaligned, SC and AMOs a store/AMO
 * address-misaligned (the soft-MMU's MO_ALIGN check reports it through
 * do_unaligned_access), with tval the address.  SC checks alignment itself,
 * before the reservation, so a misaligned SC raises even without one.
 */
#include "guest/riscv/decode-insn32.h"
#include "guest/riscv/translate.h"

static void rv_gen_aq(DisasContext *d, arg_atomic *a)
{
    if (a->aq) {
        ir_mb(d->b, IR_MB_ALL | IR_BAR_ACQ);
    }
}

static void rv_gen_rl(DisasContext *d, arg_atomic *a)
{
    if (a->rl) {
        ir_mb(d->b, IR_MB_ALL | IR_BAR_REL);
    }
}

static bool rv_gen_lr(DisasContext *d, arg_atomic *a, MemOp mop)
{
    if (!rv_has(d, RVA)) {
        return false;
    }
    IrBuilder *b = d->b;
    IrVal addr = rv_gen_addr(d, a->rs1, 0);
    IrVal val = rv_dest_gpr(d, a->rd);

    rv_gen_rl(d, a);
    ir_guest_ld(b, val, addr, mop | MO_ALIGN, d->mmu_idx);
    rv_gen_aq(d, a);
    ir_mov(b, rv_cpu_load_res, addr);
    ir_mov(b, rv_cpu_load_val, val);
    rv_set_gpr(d, a->rd, val);
    return true;
}

static bool rv_gen_sc(DisasContext *d, arg_atomic *a, MemOp mop)
{
    if (!rv_has(d, RVA)) {
        return false;
    }
    IrBuilder *b = d->b;
    IrLabel misaligned = ir_new_label(b);
    IrLabel fail = ir_new_label(b);
    IrLabel done = ir_new_label(b);
    /* Both live across the labels below: TB temps. */
    IrVal addr = ir_new_temp(b, IR_I64);
    IrVal result = ir_new_temp(b, IR_I64);

    ir_mov(b, addr, rv_gpr(d, a->rs1));
    ir_brcond_imm(b, IR_COND_TSTNE, addr, (int64_t)memop_size(mop) - 1, misaligned);
    ir_brcond(b, IR_COND_NE, addr, rv_cpu_load_res, fail);
    rv_gen_rl(d, a);
    if ((mop & MO_SIZE) == MO_64) {
        IrVal old = ir_new_ebb_temp(b, IR_I64);
        ir_atomic_cmpxchg(b, old, addr, rv_cpu_load_val, rv_gpr(d, a->rs2),
                          MO_UQ | MO_ALIGN, d->mmu_idx);
        ir_setcond(b, IR_COND_NE, result, old, rv_cpu_load_val);
    } else {
        IrVal old = ir_new_ebb_temp(b, IR_I32);
        IrVal cmp = ir_new_ebb_temp(b, IR_I32);
        IrVal newv = ir_new_ebb_temp(b, IR_I32);
        IrVal ne = ir_new_ebb_temp(b, IR_I32);
        ir_extrl_i64_i32(b, cmp, rv_cpu_load_val);
        ir_extrl_i64_i32(b, newv, rv_gpr(d, a->rs2));
        ir_atomic_cmpxchg(b, old, addr, cmp, newv, MO_UL | MO_ALIGN, d->mmu_idx);
        ir_setcond(b, IR_COND_NE, ne, old, cmp);
        ir_extu_i32_i64(b, result, ne);
    }
    ir_br(b, done);

    ir_set_label(b, fail);
    ir_movi(b, result, 1);
    ir_br(b, done);

    ir_set_label(b, misaligned);
    rv_gen_exception_tval(d, RISCV_EXCP_STORE_AMO_ADDR_MIS, addr);
    d->base.is_jmp = DISAS_NEXT;

    ir_set_label(b, done);
    rv_gen_aq(d, a);
    /* 8.2: an SC, successful or not, invalidates the reservation. */
    ir_movi(b, rv_cpu_load_res, UINT64_MAX);
    rv_set_gpr(d, a->rd, result);
    return true;
}

bool trans_lr_w(DisasContext *d, arg_atomic *a) { return rv_gen_lr(d, a, MO_SL); }
bool trans_lr_d(DisasContext *d, arg_atomic *a) { return rv_gen_lr(d, a, MO_UQ); }
bool trans_sc_w(DisasContext *d, arg_atomic *a) { return rv_gen_sc(d, a, MO_UL); }
bool trans_sc_d(DisasContext *d, arg_atomic *a) { return rv_gen_sc(d, a, MO_UQ); }

static bool rv_gen_amo(DisasContext *d, arg_atomic *a, IrOpcode opc, bool word)
{
    if (!rv_has(d, RVA)) {
        return false;
    }
    IrBuilder *b = d->b;
    IrVal addr = rv_gen_addr(d, a->rs1, 0);
    IrVal dst = rv_dest_gpr(d, a->rd);

    rv_gen_rl(d, a);
    if (word) {
        IrVal val = ir_new_ebb_temp(b, IR_I32);
        IrVal old = ir_new_ebb_temp(b, IR_I32);
        ir_extrl_i64_i32(b, val, rv_gpr(d, a->rs2));
        ir_atomic_rmw(b, opc, old, addr, val, MO_UL | MO_ALIGN, d->mmu_idx);
        ir_exts_i32_i64(b, dst, old);
    } else {
        ir_atomic_rmw(b, opc, dst, addr, rv_gpr(d, a->rs2), MO_UQ | MO_ALIGN, d->mmu_idx);
    }
    rv_gen_aq(d, a);
    rv_set_gpr(d, a->rd, dst);
    return true;
}

#define RV_AMO(name, opc)                                                      \
    bool trans_##name##_w(DisasContext *d, arg_atomic *a)                      \
    {                                                                          \
        return rv_gen_amo(d, a, IR_OP_atomic_##opc, true);                     \
    }                                                                          \
    bool trans_##name##_d(DisasContext *d, arg_atomic *a)                      \
    {                                                                          \
        return rv_gen_amo(d, a, IR_OP_atomic_##opc, false);                    \
    }

RV_AMO(amoswap, xchg)
RV_AMO(amoadd, fetch_add)
RV_AMO(amoxor, fetch_xor)
RV_AMO(amoand, fetch_and)
RV_AMO(amoor, fetch_or)
RV_AMO(amomin, fetch_smin)
RV_AMO(amomax, fetch_smax)
RV_AMO(amominu, fetch_umin)
RV_AMO(amomaxu, fetch_umax)
