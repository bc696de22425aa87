/*
 * Translation blocks and the TB cache (QEMU's translate-all.c, tb-maint.c
 * and the lookup half of cpu-exec.c).  A TranslationBlock is the translated
 * form of a run of guest instructions starting at pc, valid for one
 * (pc, cs_base, flags, cflags) and the physical page(s) its code came from.
 *
 * Lookup: the per-vCPU jump cache (direct-mapped by pc), then the global
 * hash table keyed by (physical pc, pc, cs_base, flags, cflags), then
 * translation (tb_gen_code).  Lookups are lock-free: buckets are chains of
 * pointers published with release stores; TBs are never freed while any
 * vCPU may hold them (only tb_flush frees, in an exclusive section).
 * Insertion, invalidation and the page index take tb_lock (internal).
 *
 * Invalidation: a page index maps each physical page to the TBs whose code
 * is on it.  Writes into such pages invalidate those TBs: slow-path guest
 * stores (the TLB marks code pages TLB_NOTDIRTY), RAM writes through the
 * memory API (DMA, loaders; via the RAM write notifier) and explicit calls
 * (tb_invalidate_phys_range, e.g. user mode's munmap; tb_flush).  So a
 * guest's fence.i only has to end its block.  An invalid TB is removed from
 * the hash table, page index and jump caches; its jmp_dest chains are not
 * undone but the exec loop checks `invalid` before following one, and the
 * JIT undoes its chained jumps (jit_invalidate).  Its memory
 * stays until a flush, so a vCPU still running it finishes safely.  The
 * cache flushes itself after TB_MAX_ALLOCATED (512K) TBs.
 *
 * Chaining: a block that leaves by goto_tb(slot) + exit_tb(SLOTn), at its
 * end (slots 0, 1) or by a side exit in its middle (slots 2, 3), can be
 * chained: the exec loop stores the next TB in tb->jmp_dest[slot] and next
 * time follows it without a lookup (for the JIT: patches the jump, which
 * the JIT's incoming-jump lists undo on invalidation).
 */
#ifndef EXEC_TB_H
#define EXEC_TB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "exec/cpu.h"
#include "ir/interp.h"
#include "util/addr.h"

/* cflags: translation options that are part of the key. */
#define CF_COUNT_MASK 0x000001ffu   /* max insns (0: default) */
#define CF_NO_GOTO_TB 0x00000200u   /* don't chain with goto_tb */
#define CF_NO_GOTO_PTR 0x00000400u  /* don't use lookup_and_goto_ptr */
#define CF_SINGLE_STEP 0x00000800u  /* -singlestep / gdb stepping */
#define CF_NOIRQ 0x00001000u        /* don't take interrupts at entry */
#define CF_PARALLEL 0x00002000u     /* other vCPUs may run: real atomics */
#define CF_NOCACHE 0x00004000u      /* one-shot block, not put in the cache */

#define TB_MAX_INSNS 512

struct TranslationBlock {
    /* key */
    GuestVaddr pc;
    uint64_t cs_base;
    uint32_t flags;
    uint32_t cflags;
    GuestPaddr page_addr[2];        /* physical pages of the code; [1] = -1 if one */
    uint32_t hash;

    /* what was translated */
    uint32_t size;                  /* guest bytes */
    uint32_t icount;                /* guest instructions */

    /* backends */
    IrCode *code;                   /* interpreter code */
    void *host_code;                /* JIT code (NULL without JIT) */

    _Atomic bool invalid;
    /* chaining: destination per goto_tb slot (NULL: not chained) */
    _Atomic(TranslationBlock *) jmp_dest[IR_GOTO_TB_SLOTS];

    /* cache links (tb_lock for writers; lock-free readers on hash_next) */
    _Atomic(TranslationBlock *) hash_next;
    TranslationBlock *page_next[2]; /* next TB on page_addr[i]'s list */
    TranslationBlock *all_next;     /* every TB, for tb_flush */

    /* insn_start data per insn, packed (tb_insn_data unpacks): each word
     * as a zigzag LEB128 delta from the previous insn's (word 0 of the
     * first from pc), so a typical insn takes 3 bytes instead of 24. */
    uint32_t insn_data_len;
    uint8_t insn_data[];
};

/* The insn_start data of tb's instruction idx; false if it has no such
 * record. */
bool tb_insn_data(const TranslationBlock *tb, unsigned idx, uint64_t out[IR_INSN_DATA_WORDS]);

/* A per-vCPU direct-mapped cache of recently used TBs, by pc. */
#define TB_JMP_CACHE_BITS 13
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)
/* The pc of every entry without a TB (new, cleared or removed): no block
 * starts at an odd address, so the JIT's probe compares the pc alone and
 * skips the tb test. */
#define TB_JMP_CACHE_NO_PC ((GuestVaddr)1)
#define TB_JMP_PAGE_SLOTS_LOG2 7    /* entries one guest page hashes to */
#define TB_JMP_PAGE_SLOTS (1u << TB_JMP_PAGE_SLOTS_LOG2)
/* An entry counts only while its gen is the cache's: a full clear is one
 * increment (a boot clears it on every large-page sfence.vma). */
/* The entry repeats the TB's key and host code, so that a hit reads one
 * cache line and not the TB (a boot looks up 23M times, the TBs are
 * scattered over the heap).  Generated code reads entries too (the JIT's
 * inline probe, backend.c): only the owning vCPU fills an entry (tb last,
 * with release); other threads may only clear tb, then set the pc to TB_JMP_CACHE_NO_PC. */
struct TbJumpCache {
    uint64_t gen;                   /* vCPU thread, or all vCPUs stopped */
    /* Indexed by (pc >> 1) alone, without page groups (tb_jmp_cache_hash):
     * for user mode, which never drops one page's entries (no TLB), so
     * the JIT's inline probe hashes in 3 host instructions instead of 10;
     * a clear also empties each entry, so the probe need not compare gen. */
    bool flat;
    struct {
        _Atomic(TranslationBlock *) tb;
        GuestVaddr pc;
        uint64_t gen;
        uint64_t cs_base;
        uint32_t flags, cflags;
        void *host_code;
    } __attribute__((aligned(64))) array[TB_JMP_CACHE_SIZE];
    /* Per page group (the TB_JMP_PAGE_SLOTS entries a page hashes to), a
     * bit for each page (tb_jmp_cache_page_bit) filled there since the
     * last full clear: clearing a page that has none skips the scan (Linux
     * flushes user pages on every PTE change).  vCPU thread only. */
    uint64_t page_bits[TB_JMP_CACHE_SIZE / TB_JMP_PAGE_SLOTS];
};

/* Start-up: create the cache and hook the RAM write notifier.  Idempotent. */
void tb_cache_init(void);

/* vCPU thread: find a valid TB for the key, via the jump cache and the hash
 * table; NULL if none.  Fills the jump cache on a hash hit. */
TranslationBlock *tb_lookup(CpuState *cpu, GuestVaddr pc, uint64_t cs_base, uint32_t flags,
                            uint32_t cflags);
/* The same for lookup_and_goto_ptr: the TB's host code (NULL if none is
 * found or it has none); a jump-cache hit does not touch the TB. */
void *tb_lookup_host_code(CpuState *cpu, GuestVaddr pc, uint64_t cs_base, uint32_t flags,
                          uint32_t cflags);
/* vCPU thread: translate, optimize, compile and insert a TB.  May raise the
 * guest's instruction fetch fault (siglongjmp to cpu_exec).  If another vCPU
 * inserted the same TB meanwhile, returns that one. */
TranslationBlock *tb_gen_code(CpuState *cpu, GuestVaddr pc, uint64_t cs_base, uint32_t flags,
                              uint32_t cflags);
/* vCPU thread: chain from->jmp_dest[slot] = to (no-op if either is invalid). */
void tb_add_jump(TranslationBlock *from, unsigned slot, TranslationBlock *to);

/* Any thread: invalidate every TB with code in [start, start + len). */
void tb_invalidate_phys_range(GuestPaddr start, uint64_t len);
/* Any thread: does any valid TB have code on this physical page? */
bool tb_page_has_code(GuestPaddr addr);
/* Drop every TB (any thread; cpu: the calling vCPU or NULL).  When no vCPU
 * is inside cpu_exec it flushes at once.  Otherwise it never blocks: it
 * returns at once (a calling helper's block finishes normally) and the
 * flush runs at the next block boundary of some vCPU, with every other
 * vCPU out of cpu_exec (they leave with EXCP_INTERRUPT), and in any case
 * before any block runs again. */
void tb_flush(CpuState *cpu);

/* The vCPU's jump cache (cpu_exec_realize makes it); flat: see TbJumpCache. */
TbJumpCache *tb_jmp_cache_new(bool flat);
void tb_jmp_cache_free(TbJumpCache *jc);
void tb_jmp_cache_clear(CpuState *cpu);

/* Statistics. */
typedef struct TbStats {
    uint64_t tbs, insns;                /* in the cache since the last flush */
    uint64_t invalidated, flushes;      /* since start-up */
} TbStats;
void tb_get_stats(TbStats *out);
/* Human-readable statistics (monitor "info jit"). */
void tb_dump_stats(FILE *out);

#endif
