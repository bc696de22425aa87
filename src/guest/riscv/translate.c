/*
 * RISC-V to IR: the hart's IR globals, the TranslatorOps the generic
 * translator loop drives (fetch 16 bits; a compressed parcel goes to the
 * insn16 decoder, else 32 bits to the insn32 decoder; a trans_ that returns
 * false, or an encoding that decodes to nothing, raises illegal instruction
 * with tval = the instruction bits), the block exits (goto_tb chaining within
 * the block's page, lookup_and_goto_ptr otherwise), the emitters trans_*.c
 * use (translate.h), and riscv_cpu_ops, the CpuOps the exec loop calls.
 *
 * Invariants: x0 is never written (its global does not exist: reads are the
 * constant 0); the pc global is exact at every block exit and before every
 * helper that can raise (rv_update_pc), and restore_state_to_opc recovers it
 * from insn_start data for faults inside guest memory ops.  An instruction
 * never straddles the block's page unless it is the block's first (the
 * fetch fault of its second half is then taken with pc at the instruction).
 * In user mode a jal x0 to the block's own page does not end the block:
 * translation goes on at its target (rv_follow_jump), so a loop closed by
 * a jump is one block; such a block's code is not one range (size 0).
 * A conditional branch whose fall-through is on the block's page does not
 * end it either (both modes, budget and two side exits allowing): the
 * taken side leaves by a side exit (goto_tb slot 2 or 3, trans_rvi.c).
 * Retired-instruction count (minstret, Privileged 3.1.11): each block adds
 * the instructions it retired to cpu->insns_retired at every exit and
 * before each SYSTEM instruction (whose helpers read or write the
 * counters); insn_start data word 1 holds the count not yet added, which
 * restore_state_to_opc adds when an instruction faults (a trapping
 * instruction does not retire).  User mode keeps no count (instret reads
 * the cycle counter there, csr.c), so its blocks carry none of this.
 * Unprivileged ISA 20191213, chapters 2 (RV32I), 5 (RV64I), 16 (C).
 */
#include "guest/riscv/translate.h"

#include <assert.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>

#include "exec/exec.h"
#include "guest/riscv/disas.h"
#include "util/log.h"

#include "guest/riscv/decode_fields.h"
#include "guest/riscv/decode-insn32.h"
#include "guest/riscv/decode-insn32.c.inc"
#include "guest/riscv/decode-insn16.c.inc"

/* ---- globals ---- */

/* helpers.def as a table (op_helper.c). */
extern const IrHelperInfo *const riscv_helpers[];
extern const size_t riscv_helpers_count;

static IrVal rv_cpu_gpr[32];
IrVal rv_cpu_fpr[32];
IrVal rv_cpu_pc;
IrVal rv_cpu_load_res;
IrVal rv_cpu_load_val;

static IrContext *riscv_ir_ctx;
static pthread_once_t riscv_ir_once = PTHREAD_ONCE_INIT;

static void riscv_ir_context_build(void)
{
    IrContext *ctx = ir_context_new();

    for (int i = 1; i < 32; i++) {
        rv_cpu_gpr[i] = ir_global(ctx, IR_I64, (int32_t)offsetof(RiscvCpu, gpr[i]),
                                  riscv_gpr_names[i]);
    }
    rv_cpu_gpr[0] = IR_VAL_NONE;
    /* FP registers too: values stay in host registers across a block's FP
     * instructions (every helper that sees them gets them as arguments) */
    for (int i = 0; i < 32; i++) {
        rv_cpu_fpr[i] = ir_global(ctx, IR_I64, (int32_t)offsetof(RiscvCpu, fpr[i]),
                                  riscv_fpr_names[i]);
    }
    rv_cpu_pc = ir_global(ctx, IR_I64, offsetof(RiscvCpu, pc), "pc");
    rv_cpu_load_res = ir_global(ctx, IR_I64, offsetof(RiscvCpu, load_res), "load_res");
    rv_cpu_load_val = ir_global(ctx, IR_I64, offsetof(RiscvCpu, load_val), "load_val");
    /* Helper names for -d op and the JIT's annotations. */
    ir_helpers_register(riscv_helpers, riscv_helpers_count);
    riscv_ir_ctx = ctx;
}

static const IrContext *riscv_translate_init(void)
{
    pthread_once(&riscv_ir_once, riscv_ir_context_build);
    return riscv_ir_ctx;
}

/* ---- TB flags ---- */

uint32_t riscv_tb_flags(const RiscvCpu *cpu)
{
    uint32_t flags = 0;

    flags |= (cpu->priv & 3u) << TB_FLAGS_PRIV_SHIFT;
    flags |= riscv_cpu_mmu_index(cpu, false) << TB_FLAGS_MMU_SHIFT;
    flags |= (uint32_t)((cpu->mstatus & MSTATUS_FS) >> MSTATUS_FS_SHIFT) << TB_FLAGS_FS_SHIFT;
    if (cpu->misa & RVC) {
        flags |= TB_FLAGS_MISA_C;
    }
    if (cpu->mstatus & MSTATUS_TW) {
        flags |= TB_FLAGS_TW;
    }
    if (cpu->mstatus & MSTATUS_TSR) {
        flags |= TB_FLAGS_TSR;
    }
    if (cpu->mstatus & MSTATUS_TVM) {
        flags |= TB_FLAGS_TVM;
    }
    return flags | riscv_tb_flags_fp(cpu);
}

void riscv_cpu_sync_tb_flags(RiscvCpu *cpu)
{
    cpu->tb_flags = riscv_tb_flags(cpu);
}

static void riscv_get_tb_cpu_state(CpuState *cs, GuestVaddr *pc, uint64_t *cs_base,
                                   uint32_t *flags)
{
    RiscvCpu *cpu = riscv_cpu(cs);

#ifdef MORPHO_DEBUG_CHECKS   /* every build checks at every translation */
    assert(cpu->tb_flags == riscv_tb_flags(cpu));
#endif
    *pc = cpu->pc;
    *cs_base = 0;
    *flags = cpu->tb_flags;
}

/* ---- emitters for trans_ functions ---- */

IrVal rv_gpr(DisasContext *d, int n)
{
    assert(n >= 0 && n < 32);
    return n == 0 ? ir_const(d->b, IR_I64, 0) : rv_cpu_gpr[n];
}

IrVal rv_gpr_sext32(DisasContext *d, int n)
{
    IrVal t = ir_new_ebb_temp(d->b, IR_I64);
    ir_ext32s(d->b, t, rv_gpr(d, n));
    return t;
}

IrVal rv_gpr_zext32(DisasContext *d, int n)
{
    IrVal t = ir_new_ebb_temp(d->b, IR_I64);
    ir_ext32u(d->b, t, rv_gpr(d, n));
    return t;
}

IrVal rv_dest_gpr(DisasContext *d, int n)
{
    return ir_new_ebb_temp(d->b, IR_I64);
}

void rv_set_gpr(DisasContext *d, int n, IrVal val)
{
    assert(n >= 0 && n < 32);
    if (n != 0) {
        ir_mov(d->b, rv_cpu_gpr[n], val);
    }
}

void rv_set_gpr_sext32(DisasContext *d, int n, IrVal val)
{
    if (n != 0) {
        ir_ext32s(d->b, rv_cpu_gpr[n], val);
    }
}

void rv_update_pc(DisasContext *d, uint64_t pc)
{
    ir_movi(d->b, rv_cpu_pc, pc);
}

void rv_gen_exception_tval(DisasContext *d, unsigned cause, IrVal tval)
{
    rv_update_pc(d, d->pc);
    ir_call(d->b, HELPER(riscv_raise_exception), IR_VAL_NONE, ir_const(d->b, IR_I32, cause),
            tval);
    d->base.is_jmp = DISAS_NORETURN;
}

void rv_gen_exception(DisasContext *d, unsigned cause)
{
    rv_gen_exception_tval(d, cause, ir_const(d->b, IR_I64, 0));
}

void rv_gen_illegal(DisasContext *d)
{
    /* Privileged 3.1.16: mtval gets the faulting instruction's bits (for a
     * compressed one, its 16 bits, zero-extended). */
    rv_gen_exception_tval(d, RISCV_EXCP_ILLEGAL_INST, ir_const(d->b, IR_I64, d->insn));
}

/* Adds the instructions retired so far on this path (the one being
 * translated too, when called from its trans_) to cpu->insns_retired. */
void rv_sync_retired(DisasContext *d)
{
    uint32_t n = d->retired_unsynced + (d->in_insn ? 1 : 0);

    if (n && d->count_retired) {
        IrVal t = ir_new_ebb_temp(d->b, IR_I64);
        ir_ld64(d->b, t, offsetof(RiscvCpu, insns_retired));
        ir_add_imm(d->b, t, t, n);
        ir_st64(d->b, t, offsetof(RiscvCpu, insns_retired));
    }
}

/* The hint of a call or return being translated (DisasContext.
 * call_pending): a call's return comes back as through goto_tb
 * RV_RETURN_SLOT, which a block that ends in a jump leaves free, so only
 * when that could chain to the return pc. */
#define RV_RETURN_SLOT 1
static void rv_gen_return_predictor_hint(DisasContext *d)
{
    if (d->call_pending && translator_use_goto_tb(&d->base, d->call_return_pc)) {
        ir_call_hint(d->b, d->call_return_pc, RV_RETURN_SLOT, d->base.tb->flags);
    } else if (d->return_pending) {
        ir_return_hint(d->b);
    }
    d->call_pending = d->return_pending = false;
}

void rv_gen_lookup(DisasContext *d)
{
    rv_sync_retired(d);
    if (d->base.tb->cflags & CF_NO_GOTO_PTR) {
        ir_exit_tb(d->b, IR_EXIT_NORMAL);
    } else {
        rv_gen_return_predictor_hint(d);
        ir_lookup_and_goto_ptr(d->b);
    }
    d->base.is_jmp = DISAS_NORETURN;
}

void rv_gen_goto_tb(DisasContext *d, unsigned slot, uint64_t dest)
{
    /* Chains only within the block's page (another may be remapped). */
    if (translator_use_goto_tb(&d->base, dest)) {
        rv_sync_retired(d);
        if (slot != RV_RETURN_SLOT) {
            rv_gen_return_predictor_hint(d);
        }
        ir_goto_tb(d->b, slot);
        rv_update_pc(d, dest);
        ir_exit_tb(d->b, ir_exit_for_slot(slot));
        d->base.is_jmp = DISAS_NORETURN;
        return;
    }
    rv_update_pc(d, dest);
    rv_gen_lookup(d);
}

bool rv_follow_jump(DisasContext *d, uint64_t dest)
{
    DisasContextBase *db = &d->base;

    if (!d->follow_jumps || d->n_followed >= RV_MAX_FOLLOWED_JUMPS ||
        db->singlestep_enabled || db->num_insns >= db->max_insns ||
        db->page_vaddr[1] != (GuestVaddr)-1 || !translator_is_same_page(db, dest) ||
        !translator_use_goto_tb(db, dest)) {
        return false;
    }
    d->followed[d->n_followed].from = d->pc;
    d->followed[d->n_followed].to = dest;
    d->n_followed++;
    db->pc_next = dest;
    db->code_scattered = true;
    return true;
}

void rv_gen_jump(DisasContext *d, uint64_t dest)
{
    rv_gen_jump_slot(d, 0, dest);
}

void rv_gen_jump_slot(DisasContext *d, unsigned slot, uint64_t dest)
{
    /* 2.5: without C, a target that is not 4-byte aligned raises
     * instruction-address-misaligned at the jump, tval = the target. */
    if (!d->rvc && (dest & 3)) {
        rv_gen_exception_tval(d, RISCV_EXCP_INST_ADDR_MIS, ir_const(d->b, IR_I64, dest));
        return;
    }
    rv_gen_goto_tb(d, slot, dest);
}

IrVal rv_gen_addr(DisasContext *d, int rs1, int64_t imm)
{
    IrVal addr = ir_new_ebb_temp(d->b, IR_I64);
    ir_add_imm(d->b, addr, rv_gpr(d, rs1), imm);
    return addr;
}

/* ---- the translator loop's callbacks ---- */

static void riscv_init_disas_context(DisasContextBase *db, CpuState *cs)
{
    DisasContext *d = (DisasContext *)db;
    RiscvCpu *cpu = riscv_cpu(cs);
    uint32_t flags = db->tb->flags;

    /* A stale cpu->tb_flags (a change of priv, misa or mstatus that missed
     * riscv_cpu_sync_tb_flags) would run blocks translated for another
     * mode; each new block is a cheap place to catch it. */
    assert(cpu->tb_flags == riscv_tb_flags(cpu));
    d->b = db->b;
    d->cpu = cpu;
    d->count_retired = cs->mem_mode != CPU_MEM_USER;
    /* System mode keeps exact block ranges: stores to pages that mix code
     * and data would otherwise invalidate such blocks at every write. */
    d->follow_jumps = cs->mem_mode == CPU_MEM_USER;
    d->cfg = &cpu->cfg;
    d->flags = flags;
    d->priv = (flags & TB_FLAGS_PRIV_MASK) >> TB_FLAGS_PRIV_SHIFT;
    d->mmu_idx = (flags & TB_FLAGS_MMU_MASK) >> TB_FLAGS_MMU_SHIFT;
    d->mstatus_fs = (flags & TB_FLAGS_FS_MASK) >> TB_FLAGS_FS_SHIFT;
    d->rvc = (flags & TB_FLAGS_MISA_C) != 0;
    d->fp_fast = (flags & TB_FLAGS_FP_FAST) != 0;
    d->pc = db->pc_first;
    d->insn = 0;
    d->insn_len = 0;
}

static void riscv_tb_start(DisasContextBase *db, CpuState *cs)
{
}

static void riscv_insn_start(DisasContextBase *db, CpuState *cs)
{
    DisasContext *d = (DisasContext *)db;

    /* SYSTEM (CSR access, ecall, xret, wfi): its helpers see an exact
     * count.  The opcode is in the low parcel, already fetched. */
    if ((translator_lduw(cs, db, db->pc_next) & 0x7f) == 0x73) {
        rv_sync_retired(d);
        d->retired_unsynced = 0;
    }
    ir_insn_start(db->b, db->pc_next, d->count_retired ? d->retired_unsynced : 0, 0);
}

/* Length in bytes of the instruction whose low parcel is `lo` (16.1: only
 * the 16- and 32-bit formats exist in this implementation). */
static unsigned riscv_insn_len(uint16_t lo)
{
    return (lo & 3) == 3 ? 4 : 2;
}

static void riscv_translate_insn(DisasContextBase *db, CpuState *cs)
{
    DisasContext *d = (DisasContext *)db;
    uint64_t pc = db->pc_next;
    uint16_t lo = translator_lduw(cs, db, pc);
    size_t mark = ir_op_count(d->b);
    bool ok;

    d->pc = pc;
    d->in_insn = true;
    d->insn_len = riscv_insn_len(lo);
    if (d->insn_len == 2) {
        d->insn = lo;
        db->pc_next = pc + 2;
        ok = d->rvc && decode_insn16(d, lo);
    } else {
        uint16_t hi = translator_lduw(cs, db, pc + 2);
        d->insn = lo | (uint32_t)hi << 16;
        db->pc_next = pc + 4;
        ok = decode_insn32(d, d->insn);
    }
    if (!ok) {
        /* Undo whatever a failing trans_ emitted before it gave up. */
        ir_builder_truncate(d->b, mark);
        d->base.is_jmp = DISAS_NEXT;
        rv_gen_illegal(d);
    }
    d->in_insn = false;
    d->retired_unsynced++;

    /* Stop before an instruction that would straddle into the next page
     * (its fetch fault must be raised with pc at it, in a block of its own). */
    if (db->is_jmp == DISAS_NEXT) {
        uint64_t next = db->pc_next;
        if (!translator_is_same_page(db, next)) {
            db->is_jmp = DISAS_TOO_MANY;
        } else if ((next & ~GUEST_PAGE_MASK) > GUEST_PAGE_SIZE - 4) {
            uint16_t next_lo = translator_lduw(cs, db, next);
            if (!translator_is_same_page(db, next + riscv_insn_len(next_lo) - 1)) {
                db->is_jmp = DISAS_TOO_MANY;
            }
        }
    }
}

static void riscv_tb_stop(DisasContextBase *db, CpuState *cs)
{
    DisasContext *d = (DisasContext *)db;

    switch ((int)db->is_jmp) {
    case DISAS_TOO_MANY:
        rv_gen_goto_tb(d, 0, db->pc_next);
        break;
    case DISAS_RV_UPDATE_PC:
        /* Not chained, not looked up: back through the exec loop, which
         * re-reads the TB flags and checks pending interrupts. */
        rv_update_pc(d, db->pc_next);
        rv_sync_retired(d);
        ir_exit_tb(d->b, IR_EXIT_NORMAL);
        break;
    case DISAS_RV_LOOKUP:
        rv_gen_lookup(d);
        break;
    case DISAS_RV_EXIT:
        rv_sync_retired(d);
        ir_exit_tb(d->b, IR_EXIT_NORMAL);
        break;
    case DISAS_NORETURN:
        break;
    default:
        assert(!"riscv_tb_stop: unexpected is_jmp");
    }
}

static void riscv_disas_log(const DisasContextBase *db, CpuState *cs, FILE *out)
{
    const DisasContext *d = (const DisasContext *)db;
    GuestVaddr pc = db->pc_first;

    /* The translator loop prints the "IN:" header; one line per insn here,
     * going where the block went through a followed jump. */
    for (int i = 0; i < db->num_insns; i++) {
        uint8_t bytes[4];
        char text[128];
        /* Re-reading is safe: the block's pages were fetched successfully. */
        uint16_t lo = translator_lduw(cs, (DisasContextBase *)db, pc);
        unsigned len = riscv_insn_len(lo);
        bytes[0] = (uint8_t)lo;
        bytes[1] = (uint8_t)(lo >> 8);
        if (len == 4) {
            uint16_t hi = translator_lduw(cs, (DisasContextBase *)db, pc + 2);
            bytes[2] = (uint8_t)hi;
            bytes[3] = (uint8_t)(hi >> 8);
        }
        riscv_disas(pc, bytes, len, text, sizeof(text));
        if (len == 4) {
            fprintf(out, "0x%016" PRIx64 ":  %02x%02x%02x%02x          %s\n", pc, bytes[3],
                    bytes[2], bytes[1], bytes[0], text);
        } else {
            fprintf(out, "0x%016" PRIx64 ":  %02x%02x              %s\n", pc, bytes[1],
                    bytes[0], text);
        }
        GuestVaddr next = pc + len;
        for (unsigned j = 0; j < d->n_followed; j++) {
            if (d->followed[j].from == pc) {
                next = d->followed[j].to;
            }
        }
        pc = next;
    }
}

static const TranslatorOps riscv_translator_ops = {
    .init_disas_context = riscv_init_disas_context,
    .tb_start = riscv_tb_start,
    .insn_start = riscv_insn_start,
    .translate_insn = riscv_translate_insn,
    .tb_stop = riscv_tb_stop,
    .disas_log = riscv_disas_log,
};

static void riscv_translate_code(CpuState *cs, TranslationBlock *tb, IrBuilder *b,
                                 int max_insns)
{
    DisasContext d = { 0 };

    translator_loop(cs, tb, b, max_insns, &riscv_translator_ops, &d.base);
}

static void riscv_restore_state_to_opc(CpuState *cs, const TranslationBlock *tb,
                                       const uint64_t *data)
{
    RiscvCpu *cpu = riscv_cpu(cs);

    cpu->pc = data[0];
    cpu->insns_retired += data[1];      /* those before the faulting one */
}

const CpuOps riscv_cpu_ops = {
    .name = "riscv64",
    .translate_init = riscv_translate_init,
    .get_tb_cpu_state = riscv_get_tb_cpu_state,
    .translate_code = riscv_translate_code,
    .restore_state_to_opc = riscv_restore_state_to_opc,
    .has_work = riscv_cpu_has_work,
    .exec_interrupt = riscv_cpu_exec_interrupt,
    .do_interrupt = riscv_cpu_do_interrupt,
    .tlb_fill = riscv_cpu_tlb_fill,
    .get_phys_page_debug = riscv_cpu_get_phys_page_debug,
    .do_unaligned_access = riscv_cpu_do_unaligned_access,
    .do_transaction_failed = riscv_cpu_do_transaction_failed,
    .dump_state = riscv_cpu_dump_state,
    .mmu_index = riscv_cpu_mmu_index_op,
    .tb_pc_offset = offsetof(RiscvCpu, pc),
    .tb_flags_offset = offsetof(RiscvCpu, tb_flags),
};
