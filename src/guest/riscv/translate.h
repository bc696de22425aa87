/*
 * The RISC-V translator's shared vocabulary: DisasContext (the decode
 * context every trans_ function receives), the IR globals of the hart, TB
 * flag packing, and the small emitters trans_ functions are written with
 * (rv_gpr, rv_dest_gpr, rv_set_gpr, rv_gen_exception, rv_gen_jump...).
 * translate.c drives the generic translator loop (exec/translator.h) and
 * holds the decoders; trans_*.c files implement one extension each, as the
 * extern trans_ functions declared by the generated decode-insn32.h.
 *
 * Conventions for trans_ functions: return false for "not this CPU's
 * instruction" (the caller raises illegal instruction with tval = the
 * instruction bits, Privileged 3.1.16) and emit nothing observable before
 * deciding; read sources with rv_gpr (x0 reads 0), compute into a temp from
 * rv_dest_gpr and commit with rv_set_gpr (x0 writes are dropped), so a
 * destination may always alias a source.  The temps these helpers return
 * (rv_dest_gpr, rv_gpr_sext32/zext32, rv_gen_addr) are EBB temps, dead at
 * the next label: a value that must survive a label goes in ir_new_temp.
 * Instructions that leave the block set d->base.is_jmp.  The pc global is
 * only up to date at block exits and before raising: use rv_update_pc
 * before a helper that reads cpu->pc.
 *
 * Shared file: rv-fp and rv-priv append fields to DisasContext and
 * prototypes here only in their marked sections.
 */
#ifndef GUEST_RISCV_TRANSLATE_H
#define GUEST_RISCV_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/translator.h"
#include "guest/riscv/cpu.h"
#include "ir/ir.h"

#define IR_HELPER_DEFS "guest/riscv/helpers.def"
#include "ir/helper_gen.h"

/* ---- TB flags: the hart state a translation depends on ---- */
#define TB_FLAGS_PRIV_SHIFT 0           /* bits 1:0: PRV_* */
#define TB_FLAGS_PRIV_MASK (3u << TB_FLAGS_PRIV_SHIFT)
#define TB_FLAGS_MMU_SHIFT 2            /* bits 5:2: data MMU index */
#define TB_FLAGS_MMU_MASK (15u << TB_FLAGS_MMU_SHIFT)
#define TB_FLAGS_FS_SHIFT 6             /* bits 7:6: mstatus.FS */
#define TB_FLAGS_FS_MASK (3u << TB_FLAGS_FS_SHIFT)
#define TB_FLAGS_MISA_C (1u << 8)       /* misa.C: compressed insns legal */
#define TB_FLAGS_TW (1u << 9)           /* mstatus.TW */
#define TB_FLAGS_TSR (1u << 10)         /* mstatus.TSR */
#define TB_FLAGS_TVM (1u << 11)         /* mstatus.TVM */
/* rv-fp: fcsr in the "FP fast state", frm RNE and fflags.NX set, so that
 * an inexact result computed inline needs no flag update (trans_rvf.c).
 * A block translated with it never runs outside it: whatever leaves the
 * state inside such a block (an fflags/frm/fcsr write) ends the block, and
 * a block translated without it ends after whatever may enter it (a
 * helper that sets NX, a CSR write), so that no chained jump crosses the
 * change. */
#define TB_FLAGS_FP_FAST (1u << 16)
/* bits 17..31: free for rv-fp / rv-priv (add above this line's peers) */

/* fcsr's part of the TB flags (the FP fast state). */
static inline uint32_t riscv_tb_flags_fp(const RiscvCpu *cpu)
{
    return cpu->frm == RISCV_FRM_RNE && (cpu->fflags & FFLAGS_NX) ? TB_FLAGS_FP_FAST : 0;
}

/* cpu->tb_flags after a change of fflags or frm alone (cheaper than
 * riscv_cpu_sync_tb_flags, for the FP helpers). */
static inline void riscv_cpu_sync_tb_flags_fp(RiscvCpu *cpu)
{
    cpu->tb_flags = (cpu->tb_flags & ~TB_FLAGS_FP_FAST) | riscv_tb_flags_fp(cpu);
}

/* Pack the translation state of a hart (get_tb_cpu_state). */
uint32_t riscv_tb_flags(const RiscvCpu *cpu);

/* Reasons a block ends, beyond the generic DisasJumpType. */
#define DISAS_RV_LOOKUP DISAS_GUEST_0   /* pc global set: look up next block */
#define DISAS_RV_EXIT DISAS_GUEST_1     /* pc global set: back to the exec loop */
/* Continue at pc_next through the exec loop: for instructions that change
 * what the TB flags hold or enable interrupts (exec/README.md, 3). */
#define DISAS_RV_UPDATE_PC DISAS_GUEST_2

/* At most this many jumps followed per block (each may duplicate code that
 * other blocks also hold). */
#define RV_MAX_FOLLOWED_JUMPS 2

typedef struct DisasContext {
    DisasContextBase base;          /* first: the translator loop's part */
    IrBuilder *b;
    RiscvCpu *cpu;                  /* for config only: never read run-time state */
    uint32_t flags;                 /* TB flags of this block */
    unsigned priv;
    unsigned mmu_idx;               /* data accesses */
    unsigned mstatus_fs;            /* EXT_STATUS_* */
    bool rvc;                       /* misa.C */
    const RiscvCpuConfig *cfg;

    uint64_t pc;                    /* pc of the instruction being translated */
    uint32_t insn;                  /* its bits (16-bit ones zero-extended) */
    unsigned insn_len;              /* 2 or 4 */

    /* ---- rv-fp: (append only) ---- */
    bool fp_fast;                   /* TB_FLAGS_FP_FAST: frm RNE, NX set */

    /* ---- rv-priv: (append only) ---- */
    /* minstret: instructions of this block retired on the current path and
     * not yet added to cpu->insns_retired; in_insn while a trans_ runs (an
     * exit it emits retires the instruction too). */
    uint32_t retired_unsynced;
    bool in_insn;
    /* False in user mode, where instret reads the cycle counter (as in
     * QEMU's linux-user): no block keeps the count, which would cost a
     * memory read-modify-write at every exit, a dependency chain through
     * memory that bounds every tight loop. */
    bool count_retired;

    /* ---- jumpcache: (append only) ---- */
    /* The value lui/auipc just gave const_rd (never x0), valid while the
     * next instruction is the one at const_next_pc: a jalr there through
     * const_rd has a target known at translation time. */
    unsigned const_rd;
    uint64_t const_val;
    uint64_t const_next_pc;

    /* ---- userhot: (append only) ---- */
    /* Jumps (jal x0) this block went through, translating on at the target
     * instead of ending (user mode, same page; rv_follow_jump): a loop
     * whose back edge is a jump becomes one block, which can chain to
     * itself.  from/to for the in_asm log. */
    bool follow_jumps;
    unsigned n_followed;
    struct { uint64_t from, to; } followed[RV_MAX_FOLLOWED_JUMPS];

    /* ---- chain: (append only) ---- */
    /* Conditional branches this block translated past, each leaving by
     * its own side exit (goto_tb slot 2 + n) when taken (trans_rvi.c). */
    unsigned n_side_exits;

    /* ---- ras: (append only) ---- */
    /* The jump being translated is a call returning to call_return_pc, or
     * a return (the link-register rules of the Unprivileged ISA, 2.5's
     * jalr table): rv_gen_goto_tb and rv_gen_lookup emit the matching
     * return-predictor hint right before the block end. */
    bool call_pending;
    uint64_t call_return_pc;
    bool return_pending;

    /* ---- plt: (append only) ---- */
    /* The doubleword an ld right after lui/auipc (a GOT slot: PLT stubs,
     * -fno-plt calls) loaded into loaded_rd from loaded_addr, valid while
     * the next instruction is at loaded_next_pc: a jalr there through
     * loaded_rd predicts its target from that slot (trans_jalr). */
    unsigned loaded_rd;
    uint64_t loaded_addr;
    uint64_t loaded_next_pc;
} DisasContext;

/* Adds the instructions this block retired on the current path (counting
 * the one being translated, when called from its trans_) to the hart's
 * retired count: for a trans_ whose helper leaves the block itself. */
void rv_sync_retired(DisasContext *d);

/* For a jal x0 to dest (aligned): continues the block at dest and returns
 * true when allowed (user mode, dest on the block's only page, budget
 * left); else returns false and emits nothing. */
bool rv_follow_jump(DisasContext *d, uint64_t dest);

/* ---- globals (translate.c declares them once) ---- */
extern IrVal rv_cpu_pc;                 /* I64 cpu->pc */
extern IrVal rv_cpu_fpr[32];            /* I64 cpu->fpr[n] (trans_rvf.c's rv_fpr) */
extern IrVal rv_cpu_load_res;           /* I64 cpu->load_res */
extern IrVal rv_cpu_load_val;           /* I64 cpu->load_val */

/* ---- registers ---- */
/* Source register n (x0 yields the constant 0). */
IrVal rv_gpr(DisasContext *d, int n);
/* Source register n sign- or zero-extended from its low 32 bits (W ops);
 * an EBB temp. */
IrVal rv_gpr_sext32(DisasContext *d, int n);
IrVal rv_gpr_zext32(DisasContext *d, int n);
/* A fresh I64 EBB temp to compute register n's new value into. */
IrVal rv_dest_gpr(DisasContext *d, int n);
/* Commit val to register n (dropped for x0). */
void rv_set_gpr(DisasContext *d, int n, IrVal val);
/* Commit the sign extension of val's low 32 bits (W ops). */
void rv_set_gpr_sext32(DisasContext *d, int n, IrVal val);

/* ---- control flow ---- */
/* Store this instruction's pc (or any) into the pc global. */
void rv_update_pc(DisasContext *d, uint64_t pc);
/* Raise exception `cause` at this instruction with the given tval; ends the block. */
void rv_gen_exception_tval(DisasContext *d, unsigned cause, IrVal tval);
void rv_gen_exception(DisasContext *d, unsigned cause);   /* tval = 0 */
/* Illegal instruction, tval = the instruction bits. */
void rv_gen_illegal(DisasContext *d);
/* End the block jumping to dest (chained with goto_tb slot n when allowed). */
void rv_gen_goto_tb(DisasContext *d, unsigned slot, uint64_t dest);
/* jal-style jump to a pc-relative target: checks alignment, ends the block. */
void rv_gen_jump(DisasContext *d, uint64_t dest);
/* The same through goto_tb slot n (a side exit uses slots 2 and 3). */
void rv_gen_jump_slot(DisasContext *d, unsigned slot, uint64_t dest);
/* Leave the block with the pc global already set (indirect jump). */
void rv_gen_lookup(DisasContext *d);

/* ---- memory ---- */
/* rs1 + imm as a guest virtual address (I64 EBB temp). */
IrVal rv_gen_addr(DisasContext *d, int rs1, int64_t imm);

/* ---- extensions present ---- */
/* NOTE: read at translation time, so misa must not change under existing
 * translations: only C is in the TB flags.  A misa that becomes writable
 * for other letters needs them in the flags too, or a tb_flush. */
static inline bool rv_has(DisasContext *d, uint64_t misa_bit)
{
    return (d->cpu->misa & misa_bit) != 0;
}

/* ---- rv-fp: (append only) ---- */

/* ---- rv-priv: (append only) ---- */
/* CpuOps.mmu_index (mmu.c): the MMU index of fetch (ifetch) or data. */
unsigned riscv_cpu_mmu_index_op(CpuState *cs, bool ifetch);

#endif
