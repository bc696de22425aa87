/*
 * What jit.c (the host-independent driver: records, flushes, chaining,
 * unwinding) and the host emitter (jit/x86_64/emit.c) share.  The emitter
 * writes one block into a writable window of the code buffer and reports
 * its size, its goto_tb jump sites and its host-pc -> guest-insn marks.
 */
#ifndef JIT_JIT_INTERNAL_H
#define JIT_JIT_INTERNAL_H

#include <pthread.h>

#include "jit/jit.h"

/* From this code offset on, the block executes guest insn `insn`. */
typedef struct JitInsnMark {
    uint32_t offset;
    uint32_t insn;
} JitInsnMark;

#define JIT_NO_JUMP UINT32_MAX

/* The fault map of a block (user mode, JIT_MEM_DIRECT): guest memory
 * accesses do not write dirty globals home first, so for each access that
 * has some, a word JIT_FAULT_SITE(offset of the access instruction, n)
 * and n words JIT_FAULT_ENTRY(env offset, 8-byte global?, host register)
 * say where each one's value is when that instruction faults.  The words
 * follow the block's packed marks in the code buffer (jit.c), unaligned;
 * the emitter hands them over in JitEmitOut.fault_words.  A block is far below
 * 16 MB and a global's env offset too. */
#define JIT_FAULT_SITE(offset, n) ((uint32_t)(offset) << 8 | (uint32_t)(n))
#define JIT_FAULT_SITE_OFFSET(w) ((w) >> 8)
#define JIT_FAULT_SITE_COUNT(w) ((w) & 0xff)
#define JIT_FAULT_ENTRY(env_offset, is64, reg)                                \
    ((uint32_t)(env_offset) << 8 | (uint32_t)(is64) << 7 | (uint32_t)(reg))
#define JIT_FAULT_ENTRY_OFFSET(w) ((w) >> 8)
#define JIT_FAULT_ENTRY_IS64(w) (((w) >> 7) & 1)
#define JIT_FAULT_ENTRY_REG(w) ((w) & 0x7f)
#define JIT_FAULT_MAX_OFFSET ((1u << 24) - 1)

/* One per block in the buffer (tens of thousands): fields ordered so the
 * struct has no padding holes (112 bytes with four goto_tb slots). */
typedef struct JitBlockRec {
    const uint8_t *code;            /* rx: start of the block's bytes */
    void *tag;
    uint32_t size;
    uint32_t entry;                 /* offset where it is entered (after padding) */
    uint32_t inv_field;             /* offset of the entry jump's rel32 */
    uint32_t inv_target;            /* offset of the "did not run" exit */
    uint32_t chain_entry;           /* where chained jumps land: past the entry jump */
    uint32_t jmp_first;             /* incoming list: first edge chained here (jit.c) */
    uint32_t jmp_next[IR_GOTO_TB_SLOTS];    /* next edge in the list of the block
                                     * slot n is chained to, or JIT_NO_JUMP */
    uint32_t jmp_field[IR_GOTO_TB_SLOTS];   /* offset of goto_tb's rel32, or JIT_NO_JUMP */
    uint32_t jmp_reset[IR_GOTO_TB_SLOTS];   /* offset the unchained jump goes to */
    uint32_t loop_target[IR_GOTO_TB_SLOTS]; /* where a jump chained to this block itself
                                     * goes (its loop header), or JIT_NO_JUMP */
    uint32_t nmarks;                /* packed at code + size (jit.c) */
    bool invalid;                   /* jit_invalidate ran: no more self-chaining */
    uint8_t check_bytes;            /* the exit request check at chain_entry, which
                                     * forward chained jumps skip */
    uint16_t nfault_words;          /* fault map words after the packed marks */
} JitBlockRec;

/* The 4 bytes before a block's entry hold its record's index (jit.c
 * writes them), so chaining finds the records of two entries without a
 * search (two binary searches were 0.7% of a boot's samples, cache misses
 * on tens of thousands of records). */
#define JIT_ENTRY_INDEX_BYTES 4

/* The emitter's result for one block. */
typedef struct JitEmitOut {
    size_t size;
    uint32_t entry;                 /* offset of the entry point */
    uint32_t inv_field, inv_target;
    uint32_t chain_entry;           /* past the entry jump: the exit request check */
    uint8_t check_bytes;            /* its length */
    bool overflow;                  /* did not fit: flush and retry */
    uint32_t jmp_field[IR_GOTO_TB_SLOTS];
    uint32_t jmp_reset[IR_GOTO_TB_SLOTS];
    uint32_t loop_target[IR_GOTO_TB_SLOTS];
    /* the emitter's scratch (Jit.emit_scratch): valid until the next
     * block's emission; jit.c packs them into the code buffer */
    const JitInsnMark *marks;
    uint32_t nmarks;
    const uint32_t *fault_words;
    uint32_t nfault_words;
} JitEmitOut;

/* Host features the emitter may use (after JitConfig.no_host_extensions). */
typedef struct JitHostFeatures {
    bool lzcnt, tzcnt, popcnt;
    bool fma;                       /* FMA3 (else fma_f64 calls C) */
} JitHostFeatures;

struct Jit {
    JitConfig cfg;
    CodeBuf *cb;
    CodeBufCopy fork_copy;          /* jit_fork_prepare .. parent/child */
    JitHostFeatures feat;
    bool guest_base_gs;             /* JitMemConfig.guest_base is the GS base */
    const uint8_t *entry;           /* rx: uintptr_t entry(void *env, const void *code) */
    const uint8_t *epilogue;        /* rx: return to jit_exec's caller, rax = exit */
    CodeBufFlushFn hook;
    void *hook_opaque;
    pthread_mutex_t compile_lock;   /* one compilation at a time (the buffer) */
    pthread_mutex_t lock;           /* records, for jit_find_insn from any thread */
    JitBlockRec *recs;              /* in code order (bump allocation) */
    size_t nrecs, cap;
    void *emit_scratch;             /* the emitter's arrays (compile_lock) */
    JitStats stats;
    bool full;                      /* manual_flush: the last compile found no room */
};

/* The head of the code buffer: prologue and epilogue.  Returns bytes used
 * (0 if head_size is too small). */
size_t jit_host_emit_head(Jit *jit, uint8_t *rw, size_t head_size);
#define JIT_HEAD_BYTES 128

/* Emit one block at rw (room bytes).  false with *errp unless out->overflow. */
bool jit_host_emit_block(Jit *jit, const IrBuilder *b, void *tag, uint8_t *rw, size_t room,
                         JitEmitOut *out, Error **errp);

/* Free Jit.emit_scratch (jit_free). */
void jit_host_scratch_free(Jit *jit);

/* Host register reg (the emitter's numbering) in a signal's ucontext_t. */
uint64_t jit_host_signal_reg(const void *ucontext, unsigned reg);

/* Where the jump whose rel32 field is at rx_field goes. */
const uint8_t *jit_host_jump_target(const uint8_t *rx_field);

/* Point the rel32 field at rw_field (rx address rx_field) to rx_target. */
void jit_host_patch_jump(uint8_t *rw_field, const uint8_t *rx_field, const void *rx_target);

#endif
