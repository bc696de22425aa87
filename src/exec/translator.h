/*
 * The generic translator loop (QEMU's accel/tcg/translator.c): drives a
 * guest's TranslatorOps over the instructions of one block, emitting IR into
 * the vCPU's builder.  A guest's translate_code (CpuOps) embeds
 * DisasContextBase as the first member of its own decode context and calls
 * translator_loop.  The loop:
 *   init_disas_context, tb_start,
 *   repeat: insn_start (guest emits ir_insn_start with its data words),
 *           translate_insn (decodes at db->pc_next, emits IR, advances
 *           pc_next; sets is_jmp to end the block)
 *   until is_jmp != DISAS_NEXT, max_insns reached, or the next insn starts on
 *   another page (then is_jmp = DISAS_TOO_MANY);
 *   tb_stop (emits the block's exit: goto_tb/exit_tb for DISAS_TOO_MANY).
 * A guest whose instruction may straddle a page must end the block before
 * it unless it is the first one (translator_is_same_page), so a fetch fault
 * on the second page is always taken with pc at that instruction.
 *
 * Thread: the vCPU thread that translates; no locks (the TB is not yet
 * visible to anyone).
 */
#ifndef EXEC_TRANSLATOR_H
#define EXEC_TRANSLATOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "exec/cpu.h"
#include "exec/tb.h"
#include "ir/ir.h"

typedef enum DisasJumpType {
    DISAS_NEXT,         /* keep translating */
    DISAS_TOO_MANY,     /* stopped by the loop; tb_stop chains to pc_next */
    DISAS_NORETURN,     /* the block already ended (exit emitted / raises) */
    DISAS_GUEST_0,      /* guest-defined reasons */
    DISAS_GUEST_1,
    DISAS_GUEST_2,
    DISAS_GUEST_3,
    DISAS_GUEST_4,
    DISAS_GUEST_5,
} DisasJumpType;

typedef struct DisasContextBase {
    TranslationBlock *tb;
    CpuState *cpu;
    IrBuilder *b;
    GuestVaddr pc_first;
    GuestVaddr pc_next;
    DisasJumpType is_jmp;
    int num_insns;
    int max_insns;
    bool singlestep_enabled;
    /* code fetch: the host pointer of the block's first page (NULL: fetch
     * through the memory API, e.g. code in ROM device/MMIO) */
    void *host_addr[2];
    GuestVaddr page_vaddr[2];       /* virtual page of host_addr[i] */
    /* Set by a frontend that continued at a jump's target: the block's code
     * is not the one range [pc_first, pc_next), so its size is 0, which
     * invalidation takes as "any write to the block's pages". */
    bool code_scattered;
} DisasContextBase;

typedef struct TranslatorOps {
    void (*init_disas_context)(DisasContextBase *db, CpuState *cpu);
    void (*tb_start)(DisasContextBase *db, CpuState *cpu);
    void (*insn_start)(DisasContextBase *db, CpuState *cpu);
    void (*translate_insn)(DisasContextBase *db, CpuState *cpu);
    void (*tb_stop)(DisasContextBase *db, CpuState *cpu);
    /* Optional: -d in_asm, print the guest code of the block. */
    void (*disas_log)(const DisasContextBase *db, CpuState *cpu, FILE *out);
} TranslatorOps;

void translator_loop(CpuState *cpu, TranslationBlock *tb, IrBuilder *b, int max_insns,
                     const TranslatorOps *ops, DisasContextBase *db);

/* Does addr lie on the same guest page as the block's first instruction? */
bool translator_is_same_page(const DisasContextBase *db, GuestVaddr addr);
/* May the block end with goto_tb to dest?  Only for destinations on the
 * block's first page (a chained jump skips the lookup, so it must not
 * outlive a remapping of the page; user mode, where unmapping invalidates,
 * allows any page) and when chaining is allowed (cflags, -d nochain,
 * single-step).  Otherwise end with exit_tb(IR_EXIT_NORMAL) or
 * lookup_and_goto_ptr. */
bool translator_use_goto_tb(const DisasContextBase *db, GuestVaddr dest);

/* The 8 bytes at addr when the guest most likely never changes them
 * (CpuOps.peek_readonly_u64; false without it), for a prediction that the
 * generated code checks. */
bool translator_peek_readonly_u64(const DisasContextBase *db, GuestVaddr addr, uint64_t *val);

/* Instruction fetch for the decoder (little-endian; may raise the fetch
 * fault when a later page is unmapped).  Records the block's second page. */
uint8_t translator_ldub(CpuState *cpu, DisasContextBase *db, GuestVaddr pc);
uint16_t translator_lduw(CpuState *cpu, DisasContextBase *db, GuestVaddr pc);
uint32_t translator_ldl(CpuState *cpu, DisasContextBase *db, GuestVaddr pc);
uint64_t translator_ldq(CpuState *cpu, DisasContextBase *db, GuestVaddr pc);

#endif
