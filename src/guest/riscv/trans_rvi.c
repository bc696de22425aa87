/*
 * RV64I (Unprivileged ISA 20191213, chapters 2 and 5), Zifencei (chapter 3)
 * and Zihintpause (2.7): one trans_ per instruction, each writing what the
 * instruction does as IR.  The compressed forms reach the same functions
 * through insn16.decode.  Loads and stores take any alignment (the soft-MMU
 * splits misaligned accesses, as the spec permits, 2.6).  fence orders
 * memory with an IR barrier; fence.i ends the block so the next fetch sees
 * stores made before it (exec/ invalidates code that stores touch).
 */
#include "guest/riscv/decode-insn32.h"
#include "guest/riscv/translate.h"

/* ---- upper immediates and jumps (2.4, 2.5) ---- */

/* rd = val, remembered for a jalr right after (lui/auipc + jalr). */
static void rv_set_gpr_const(DisasContext *d, int rd, uint64_t val)
{
    IrVal dst = rv_dest_gpr(d, rd);
    ir_movi(d->b, dst, val);
    rv_set_gpr(d, rd, dst);
    if (rd != 0) {
        d->const_rd = (unsigned)rd;
        d->const_val = val;
        d->const_next_pc = d->pc + d->insn_len;
    }
}

bool trans_lui(DisasContext *d, arg_u *a)
{
    rv_set_gpr_const(d, a->rd, (uint64_t)(int64_t)a->imm);
    return true;
}

bool trans_auipc(DisasContext *d, arg_u *a)
{
    rv_set_gpr_const(d, a->rd, d->pc + (uint64_t)(int64_t)a->imm);
    return true;
}

/* x1 and x5 are the link registers (Unprivileged ISA 2.5, the return
 * address stack hints of jalr): a jump writing one is a call; a jalr
 * through one that writes neither is a return. */
static bool rv_is_link_reg(int r)
{
    return r == 1 || r == 5;
}

/* The jump that follows (rv_gen_jump, rv_gen_lookup) is a call when rd is
 * a link register. */
static void rv_note_call(DisasContext *d, int rd)
{
    d->call_pending = rv_is_link_reg(rd);
    d->call_return_pc = d->pc + d->insn_len;
}

bool trans_jal(DisasContext *d, arg_j *a)
{
    uint64_t dest = d->pc + (uint64_t)(int64_t)a->imm;

    /* The misaligned-target check comes first: rd must not change when the
     * jump raises (2.5). */
    if (!d->rvc && (dest & 3)) {
        rv_gen_jump(d, dest);
        return true;
    }
    if (a->rd == 0 && rv_follow_jump(d, dest)) {
        return true;
    }
    IrVal link = rv_dest_gpr(d, a->rd);
    ir_movi(d->b, link, d->pc + d->insn_len);
    rv_set_gpr(d, a->rd, link);
    rv_note_call(d, a->rd);
    rv_gen_jump(d, dest);
    d->call_pending = false;
    return true;
}

/* A jalr right after auipc + ld through the loaded register (a PLT stub,
 * or a call through the GOT with -fno-plt): the GOT slot is constant once
 * relocated and made read-only (RELRO, BIND_NOW), so its value at
 * translation time predicts the target; the block checks it at run time
 * and chains there instead of probing the jump cache.  A lazily bound
 * slot stays writable and predicts nothing. */
static bool rv_predict_loaded_target(DisasContext *d, const arg_i *a, uint64_t *dest)
{
    uint64_t ptr;
    if (a->rs1 == 0 || (unsigned)a->rs1 != d->loaded_rd || d->loaded_next_pc != d->pc ||
        !translator_peek_readonly_u64(&d->base, d->loaded_addr, &ptr)) {
        return false;
    }
    *dest = (ptr + (uint64_t)(int64_t)a->imm) & ~1ull;
    return (d->rvc || !(*dest & 3)) && translator_use_goto_tb(&d->base, *dest);
}

bool trans_jalr(DisasContext *d, arg_i *a)
{
    IrBuilder *b = d->b;

    if (a->rs1 != 0 && (unsigned)a->rs1 == d->const_rd && d->const_next_pc == d->pc) {
        /* auipc/lui + jalr (a far call, `call` or `tail`): the target is
         * known, so this is a direct jump that can chain, as jal is. */
        uint64_t dest = (d->const_val + (uint64_t)(int64_t)a->imm) & ~1ull;
        if (!d->rvc && (dest & 3)) {
            rv_gen_jump(d, dest);       /* raises; rd unchanged (2.5) */
            return true;
        }
        IrVal link = rv_dest_gpr(d, a->rd);
        ir_movi(b, link, d->pc + d->insn_len);
        rv_set_gpr(d, a->rd, link);
        rv_note_call(d, a->rd);
        rv_gen_jump(d, dest);
        d->call_pending = false;
        return true;
    }

    uint64_t predicted;
    bool predict = rv_predict_loaded_target(d, a, &predicted);
    IrVal target = ir_new_temp(b, IR_I64);

    /* target = (rs1 + imm) & ~1, computed before rd is written (rd may be rs1). */
    ir_add_imm(b, target, rv_gpr(d, a->rs1), a->imm);
    ir_and_imm(b, target, target, ~(int64_t)1);
    if (!d->rvc) {
        IrLabel ok = ir_new_label(b);
        ir_brcond_imm(b, IR_COND_TSTEQ, target, 2, ok);
        rv_gen_exception_tval(d, RISCV_EXCP_INST_ADDR_MIS, target);
        ir_set_label(b, ok);
    }
    IrVal link = rv_dest_gpr(d, a->rd);
    ir_movi(b, link, d->pc + d->insn_len);
    rv_set_gpr(d, a->rd, link);
    ir_mov(b, rv_cpu_pc, target);
    rv_note_call(d, a->rd);
    d->return_pending = !d->call_pending && rv_is_link_reg(a->rs1);
    if (predict) {
        /* the predicted target chains; anything else takes the lookup,
         * each path with the call or return hint */
        bool call = d->call_pending, ret = d->return_pending;
        IrLabel other = ir_new_label(b);
        ir_brcond_imm(b, IR_COND_NE, target, (int64_t)predicted, other);
        rv_gen_goto_tb(d, 0, predicted);
        ir_set_label(b, other);
        d->call_pending = call;
        d->return_pending = ret;
    }
    rv_gen_lookup(d);
    return true;
}

/* ---- conditional branches (2.5) ---- */

/* Side exits: goto_tb slots 0 and 1 end a block, the rest are for the
 * branches it translates past. */
#define RV_MAX_SIDE_EXITS (IR_GOTO_TB_SLOTS - 2)

/* May this branch leave by a side exit and the block go on at its
 * fall-through?  When a slot is left, the next instruction is on the
 * block's page and the insn budget (max_insns: 1 when single-stepping)
 * is not spent.  The translator loop still stops before an instruction
 * that straddles pages. */
static bool rv_branch_can_continue(DisasContext *d)
{
    const DisasContextBase *db = &d->base;

    return d->n_side_exits < RV_MAX_SIDE_EXITS && !db->singlestep_enabled &&
           db->num_insns < db->max_insns && translator_is_same_page(db, d->pc + d->insn_len);
}

static bool rv_gen_branch(DisasContext *d, arg_b *a, IrCond cond)
{
    IrBuilder *b = d->b;
    uint64_t dest = d->pc + (uint64_t)(int64_t)a->imm;

    if (rv_branch_can_continue(d)) {
        /* Taken: a side exit (chainable like a block end; it retires the
         * branch and the instructions before it).  Not taken: translation
         * goes on, so branchy code pays a block transition only when a
         * branch is taken.  The fall-through label is reached by this
         * branch alone, so the JIT keeps its registers there. */
        IrLabel fall = ir_new_label(b);
        ir_brcond(b, ir_cond_invert(cond), rv_gpr(d, a->rs1), rv_gpr(d, a->rs2), fall);
        rv_gen_jump_slot(d, 2 + d->n_side_exits, dest);
        d->n_side_exits++;
        ir_set_label(b, fall);
        d->base.is_jmp = DISAS_NEXT;
        return true;
    }

    IrLabel taken = ir_new_label(b);
    ir_brcond(b, cond, rv_gpr(d, a->rs1), rv_gpr(d, a->rs2), taken);
    rv_gen_goto_tb(d, 1, d->pc + d->insn_len);
    ir_set_label(b, taken);
    /* Misaligned targets raise only when the branch is taken. */
    rv_gen_jump(d, dest);
    d->base.is_jmp = DISAS_NORETURN;
    return true;
}

bool trans_beq(DisasContext *d, arg_b *a)  { return rv_gen_branch(d, a, IR_COND_EQ); }
bool trans_bne(DisasContext *d, arg_b *a)  { return rv_gen_branch(d, a, IR_COND_NE); }
bool trans_blt(DisasContext *d, arg_b *a)  { return rv_gen_branch(d, a, IR_COND_LT); }
bool trans_bge(DisasContext *d, arg_b *a)  { return rv_gen_branch(d, a, IR_COND_GE); }
bool trans_bltu(DisasContext *d, arg_b *a) { return rv_gen_branch(d, a, IR_COND_LTU); }
bool trans_bgeu(DisasContext *d, arg_b *a) { return rv_gen_branch(d, a, IR_COND_GEU); }

/* ---- loads and stores (2.6, 5.3) ---- */

static bool rv_gen_load(DisasContext *d, arg_i *a, MemOp mop)
{
    IrVal addr = rv_gen_addr(d, a->rs1, a->imm);
    IrVal dst = rv_dest_gpr(d, a->rd);

    /* A load to x0 still accesses memory (and may fault). */
    ir_guest_ld(d->b, dst, addr, mop, d->mmu_idx);
    rv_set_gpr(d, a->rd, dst);
    if (mop == MO_UQ && a->rd != 0 && a->rs1 != 0 && (unsigned)a->rs1 == d->const_rd &&
        d->const_next_pc == d->pc) {
        d->loaded_rd = (unsigned)a->rd;
        d->loaded_addr = d->const_val + (uint64_t)(int64_t)a->imm;
        d->loaded_next_pc = d->pc + d->insn_len;
    }
    return true;
}

static bool rv_gen_store(DisasContext *d, arg_s *a, MemOp mop)
{
    IrVal addr = rv_gen_addr(d, a->rs1, a->imm);

    ir_guest_st(d->b, rv_gpr(d, a->rs2), addr, mop, d->mmu_idx);
    return true;
}

bool trans_lb(DisasContext *d, arg_i *a)  { return rv_gen_load(d, a, MO_SB); }
bool trans_lh(DisasContext *d, arg_i *a)  { return rv_gen_load(d, a, MO_SW); }
bool trans_lw(DisasContext *d, arg_i *a)  { return rv_gen_load(d, a, MO_SL); }
bool trans_ld(DisasContext *d, arg_i *a)  { return rv_gen_load(d, a, MO_UQ); }
bool trans_lbu(DisasContext *d, arg_i *a) { return rv_gen_load(d, a, MO_UB); }
bool trans_lhu(DisasContext *d, arg_i *a) { return rv_gen_load(d, a, MO_UW); }
bool trans_lwu(DisasContext *d, arg_i *a) { return rv_gen_load(d, a, MO_UL); }
bool trans_sb(DisasContext *d, arg_s *a)  { return rv_gen_store(d, a, MO_UB); }
bool trans_sh(DisasContext *d, arg_s *a)  { return rv_gen_store(d, a, MO_UW); }
bool trans_sw(DisasContext *d, arg_s *a)  { return rv_gen_store(d, a, MO_UL); }
bool trans_sd(DisasContext *d, arg_s *a)  { return rv_gen_store(d, a, MO_UQ); }

/* ---- register-immediate (2.4, 5.2) ---- */

typedef void (*RvBinaryImmFn)(IrBuilder *b, IrVal d, IrVal a, int64_t imm);
typedef void (*RvBinaryFn)(IrBuilder *b, IrVal d, IrVal a, IrVal c);

static bool rv_gen_arith_imm(DisasContext *d, arg_i *a, RvBinaryImmFn fn)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    fn(d->b, dst, rv_gpr(d, a->rs1), a->imm);
    rv_set_gpr(d, a->rd, dst);
    return true;
}

bool trans_addi(DisasContext *d, arg_i *a) { return rv_gen_arith_imm(d, a, ir_add_imm); }
bool trans_xori(DisasContext *d, arg_i *a) { return rv_gen_arith_imm(d, a, ir_xor_imm); }
bool trans_ori(DisasContext *d, arg_i *a)  { return rv_gen_arith_imm(d, a, ir_or_imm); }
bool trans_andi(DisasContext *d, arg_i *a) { return rv_gen_arith_imm(d, a, ir_and_imm); }

static bool rv_gen_setcond_imm(DisasContext *d, arg_i *a, IrCond cond)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    /* sltiu compares with the sign-extended immediate as unsigned (2.4). */
    ir_setcond_imm(d->b, cond, dst, rv_gpr(d, a->rs1), a->imm);
    rv_set_gpr(d, a->rd, dst);
    return true;
}

bool trans_slti(DisasContext *d, arg_i *a)  { return rv_gen_setcond_imm(d, a, IR_COND_LT); }
bool trans_sltiu(DisasContext *d, arg_i *a) { return rv_gen_setcond_imm(d, a, IR_COND_LTU); }

static bool rv_gen_shift_imm(DisasContext *d, arg_shift *a, RvBinaryImmFn fn)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    fn(d->b, dst, rv_gpr(d, a->rs1), a->shamt);
    rv_set_gpr(d, a->rd, dst);
    return true;
}

bool trans_slli(DisasContext *d, arg_shift *a) { return rv_gen_shift_imm(d, a, ir_shl_imm); }
bool trans_srli(DisasContext *d, arg_shift *a) { return rv_gen_shift_imm(d, a, ir_shr_imm); }
bool trans_srai(DisasContext *d, arg_shift *a) { return rv_gen_shift_imm(d, a, ir_sar_imm); }

/* ---- register-register (2.4, 5.2) ---- */

static bool rv_gen_arith(DisasContext *d, arg_r *a, RvBinaryFn fn)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    fn(d->b, dst, rv_gpr(d, a->rs1), rv_gpr(d, a->rs2));
    rv_set_gpr(d, a->rd, dst);
    return true;
}

bool trans_add(DisasContext *d, arg_r *a) { return rv_gen_arith(d, a, ir_add); }
bool trans_sub(DisasContext *d, arg_r *a) { return rv_gen_arith(d, a, ir_sub); }
bool trans_xor(DisasContext *d, arg_r *a) { return rv_gen_arith(d, a, ir_xor); }
bool trans_or(DisasContext *d, arg_r *a)  { return rv_gen_arith(d, a, ir_or); }
bool trans_and(DisasContext *d, arg_r *a) { return rv_gen_arith(d, a, ir_and); }
/* IR shifts take the count modulo 64: exactly RV64's rs2[5:0] (5.2). */
bool trans_sll(DisasContext *d, arg_r *a) { return rv_gen_arith(d, a, ir_shl); }
bool trans_srl(DisasContext *d, arg_r *a) { return rv_gen_arith(d, a, ir_shr); }
bool trans_sra(DisasContext *d, arg_r *a) { return rv_gen_arith(d, a, ir_sar); }

static bool rv_gen_setcond(DisasContext *d, arg_r *a, IrCond cond)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    ir_setcond(d->b, cond, dst, rv_gpr(d, a->rs1), rv_gpr(d, a->rs2));
    rv_set_gpr(d, a->rd, dst);
    return true;
}

bool trans_slt(DisasContext *d, arg_r *a)  { return rv_gen_setcond(d, a, IR_COND_LT); }
bool trans_sltu(DisasContext *d, arg_r *a) { return rv_gen_setcond(d, a, IR_COND_LTU); }

/* ---- RV64I word operations (5.2): 32-bit result, sign-extended ---- */

bool trans_addiw(DisasContext *d, arg_i *a)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    ir_add_imm(d->b, dst, rv_gpr(d, a->rs1), a->imm);
    rv_set_gpr_sext32(d, a->rd, dst);
    return true;
}

bool trans_slliw(DisasContext *d, arg_shift *a)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    ir_shl_imm(d->b, dst, rv_gpr(d, a->rs1), a->shamt);
    rv_set_gpr_sext32(d, a->rd, dst);
    return true;
}

bool trans_srliw(DisasContext *d, arg_shift *a)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    ir_shr_imm(d->b, dst, rv_gpr_zext32(d, a->rs1), a->shamt);
    rv_set_gpr_sext32(d, a->rd, dst);
    return true;
}

bool trans_sraiw(DisasContext *d, arg_shift *a)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    ir_sar_imm(d->b, dst, rv_gpr_sext32(d, a->rs1), a->shamt);
    rv_set_gpr_sext32(d, a->rd, dst);
    return true;
}

bool trans_addw(DisasContext *d, arg_r *a)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    ir_add(d->b, dst, rv_gpr(d, a->rs1), rv_gpr(d, a->rs2));
    rv_set_gpr_sext32(d, a->rd, dst);
    return true;
}

bool trans_subw(DisasContext *d, arg_r *a)
{
    IrVal dst = rv_dest_gpr(d, a->rd);
    ir_sub(d->b, dst, rv_gpr(d, a->rs1), rv_gpr(d, a->rs2));
    rv_set_gpr_sext32(d, a->rd, dst);
    return true;
}

/* W shifts use rs2[4:0] on the low 32 bits (5.2). */
static bool rv_gen_shiftw(DisasContext *d, arg_r *a, RvBinaryFn fn, bool sign)
{
    IrBuilder *b = d->b;
    IrVal count = ir_new_ebb_temp(b, IR_I64);
    IrVal dst = rv_dest_gpr(d, a->rd);
    IrVal src = sign ? rv_gpr_sext32(d, a->rs1) : rv_gpr_zext32(d, a->rs1);

    ir_and_imm(b, count, rv_gpr(d, a->rs2), 31);
    fn(b, dst, src, count);
    rv_set_gpr_sext32(d, a->rd, dst);
    return true;
}

bool trans_sllw(DisasContext *d, arg_r *a) { return rv_gen_shiftw(d, a, ir_shl, false); }
bool trans_srlw(DisasContext *d, arg_r *a) { return rv_gen_shiftw(d, a, ir_shr, false); }
bool trans_sraw(DisasContext *d, arg_r *a) { return rv_gen_shiftw(d, a, ir_sar, true); }

/* ---- memory ordering (2.7), Zihintpause, Zifencei ---- */

bool trans_fence(DisasContext *d, arg_fence *a)
{
    /* pred/succ bits: I=8 O=4 R=2 W=1.  Device I/O is ordered by our MMIO
     * dispatch already; map R/W to the IR's load/store orderings.  fm=1000
     * (TSO) is a weaker fence, as strong as the plain one here. */
    unsigned bar = 0;
    bool pr = a->pred & 0xa, pw = a->pred & 0x5, sr = a->succ & 0xa, sw = a->succ & 0x5;

    if (pr && sr) {
        bar |= IR_MB_LD_LD;
    }
    if (pr && sw) {
        bar |= IR_MB_LD_ST;
    }
    if (pw && sr) {
        bar |= IR_MB_ST_LD;
    }
    if (pw && sw) {
        bar |= IR_MB_ST_ST;
    }
    if (bar) {
        ir_mb(d->b, bar | IR_BAR_SC);
    }
    return true;
}

bool trans_pause(DisasContext *d, arg_empty *a)
{
    if (!d->cfg->ext_zihintpause) {
        /* Without Zihintpause it is still a legal fence with no effect. */
        return true;
    }
    /* A spin-wait hint: leave the block so the exec loop can notice exit
     * requests and other vCPUs get the host CPU sooner. */
    rv_update_pc(d, d->pc + d->insn_len);
    d->base.is_jmp = DISAS_RV_EXIT;
    return true;
}

bool trans_fence_i(DisasContext *d, arg_empty *a)
{
    if (!d->cfg->ext_zifencei) {
        return false;
    }
    /* Stores into translated code invalidate it (exec/ watches guest
     * stores, DMA and loader writes), so ending the block is enough: the
     * next instruction is looked up, and retranslated if it changed. */
    d->base.is_jmp = DISAS_RV_UPDATE_PC;
    return true;
}
