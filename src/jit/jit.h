/*
 * The JIT backend: compiles one block's optimized IR (after ir_liveness)
 * into x86-64 host code in a W^X code buffer and runs it.  It is the
 * interpreter's twin (ir/interp.h): the same IR must leave the same guest
 * state.  jit/ knows no guest and no exec layer: what it needs from them
 * (how guest memory is reached, where the exit request flag is, how to
 * look up the next block) comes in a JitConfig filled by exec/.
 *
 * Running a block: jit_exec(jit, env, code) enters through a shared
 * prologue (callee-saved registers pushed, env in r14, an empty
 * return-address stack; spill slots are in env's JitFrame) and returns
 * `tag | IrExit` where tag is the tag given to
 * jit_compile of the block that left (blocks jump to each other when
 * chained, so this is not necessarily the block entered); tags must be
 * 8-byte aligned (a TranslationBlock pointer).  Exits:
 *   - IR_EXIT_SLOT0..3: left through goto_tb slot n, unchained: the exec
 *     loop may jit_chain(tag's code, n, next code);
 *   - IR_EXIT_REQUESTED: the block `tag` found the exit request set at its
 *     entry (or, chained to itself, at its back edge: the same thing for
 *     the next run) and did NOT run: its guest pc must be restored from the block
 *     (restore_state_to_opc with insn 0's data), since a chained
 *     predecessor jumps before it stores the pc;
 *   - IR_EXIT_NORMAL / IR_EXIT_LOOKUP: as in the interpreter.
 *
 * Exceptions: helpers and the memory slow paths leave generated code by
 * siglongjmp (cpu_loop_exit*); the JIT frame holds nothing that needs
 * unwinding.  Their return address (GETPC()) maps back to the guest
 * instruction with jit_find_insn, so cpu_restore_state is exact.  Globals
 * are in memory before every op that may raise, except guest loads and
 * stores: their slow paths store the dirty ones before calling C, and a
 * fault of the inline access itself (user mode's SIGSEGV) needs
 * jit_restore_fault to write them from the signal's registers.
 *
 * Threads: jit_compile may be called from several translating threads (it
 * serializes them itself); jit_chain/unchain/invalidate and jit_find_insn
 * from any thread (the JIT's record lock); jit_exec on any vCPU thread;
 * jit_flush only when no thread runs generated code or compiles.
 */
#ifndef JIT_JIT_H
#define JIT_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "ir/ir.h"
#include "jit/codebuf.h"

typedef struct Jit Jit;

/* oi: the memory access, packed for the slow-path calls. */
static inline uint32_t jit_oi(MemOp mop, unsigned mmu_idx, IrOpcode opc)
{
    return (uint32_t)mop | (uint32_t)mmu_idx << 8 | (uint32_t)opc << 16;
}
#define JIT_OI_MEMOP(oi) ((MemOp)((oi) & 0xff))
#define JIT_OI_MMU(oi) (((oi) >> 8) & 0xff)
#define JIT_OI_OPC(oi) ((IrOpcode)((oi) >> 16))

/* Slow paths, called from generated code.  They find the guest instruction
 * through their own return address (GETPC()), so they must not be inlined
 * into another function.  Loads return the value extended per memop. */
typedef uint64_t (*JitLoadFn)(void *env, uint64_t addr, uint32_t oi);
typedef void (*JitStoreFn)(void *env, uint64_t addr, uint64_t val, uint32_t oi);
typedef uint64_t (*JitAtomicFn)(void *env, uint64_t addr, uint64_t val, uint64_t newv,
                                uint32_t oi);
/* lookup_and_goto_ptr: host code of the next block, or NULL to return to
 * the exec loop (IR_EXIT_LOOKUP). */
typedef const void *(*JitLookupFn)(void *env);

typedef enum JitMemMode {
    JIT_MEM_DIRECT,     /* host = guest_base + vaddr (user mode) */
    JIT_MEM_TLB,        /* soft-MMU: inline TLB probe, slow path on a miss */
} JitMemMode;

typedef struct JitMemConfig {
    JitMemMode mode;
    /* JIT_MEM_DIRECT.  A guest_base beyond a 32-bit displacement is put in
     * the GS segment base of every thread that runs generated code (one
     * prefix byte per access), unless no_guest_base_segment, or the kernel
     * refuses; then each access loads it into a scratch register first. */
    uintptr_t guest_base;
    bool no_guest_base_segment;
    /* JIT_MEM_TLB: the fast path's view of the TLB, all offsets in bytes.
     * The per-MMU-index descriptors {index_mask, table} are an array at
     * env + tlb_offset with tlb_stride bytes per index; entries are
     * 1 << entry_size_log2 bytes with the tags and addend at the offsets
     * given.  Tag compare: (addr & (page_mask | (size - 1))) == tag. */
    int32_t tlb_offset;
    uint32_t tlb_stride;
    int32_t tlb_mask_field, tlb_table_field;
    unsigned page_bits;
    unsigned entry_size_log2;
    int32_t entry_read, entry_write, entry_addend;
    /* slow paths (both modes: misaligned, big-endian, TLB misses) */
    JitLoadFn ld;
    JitStoreFn st;
    JitAtomicFn atomic;
} JitMemConfig;

/* lookup_and_goto_ptr's inline probe: a direct-mapped cache of recent
 * blocks (the exec layer's jump cache), read before `lookup` is called.
 * The cache is reached through a pointer at env + cache_offset; its entry
 * for a pc is at array_field + (index << entry_size_log2) with
 *   index = ((pc >> page_bits) & (2^(index_bits - page_slots_log2) - 1))
 *               << page_slots_log2
 *         | (((pc >> 1) ^ (pc >> (1 + page_slots_log2))) & (2^page_slots_log2 - 1))
 * (one guest page's blocks in 2^page_slots_log2 neighbouring entries), or
 * with flat_index, index = (pc >> 1) & (2^index_bits - 1) (three host
 * instructions instead of ten: for a cache that never drops one page's
 * entries, user mode's).  A hit needs the entry's tb pointer non-NULL,
 * then its pc, gen (vs the cache's gen), flags and cflags (vs the
 * uint32_ts at env + flags_offset and env + cflags_offset) equal and its
 * host code non-NULL (cs_base is never compared: a guest that uses the
 * inline probe keeps it 0, CpuOps.tb_pc_offset); gen is not compared when
 * entry_gen < 0 (a cache whose owner empties every entry's tb instead);
 * the probe then jumps to that code, whose entry checks the exit request.
 * Entries are read racily, tb first: the owner must publish an entry with
 * its tb pointer last, and others may only clear that pointer. */
typedef struct JitJumpCacheConfig {
    bool enabled;
    int32_t pc_offset, flags_offset, cflags_offset, cache_offset;   /* env */
    int32_t gen_field, array_field;                                 /* cache */
    unsigned entry_size_log2;
    /* entry_tb < 0: an entry without a block has a pc no probe asks
     * for, so the pc compare alone tells; entry_gen < 0: no gen compare */
    int32_t entry_tb, entry_pc, entry_gen;                          /* entry: u64 */
    int32_t entry_flags, entry_cflags;                              /* entry: u32 */
    int32_t entry_host_code;                                        /* entry: ptr */
    unsigned page_bits, page_slots_log2, index_bits;
    bool flat_index;
} JitJumpCacheConfig;

/* Generated code's frame, part of env (JitConfig.frame_offset): the
 * spill slots, and the bounds of the return-address stack.  The host
 * stack below the entry's frame holds that stack: a guest call pushes
 * {return pc, host return address} with a host call, a guest return
 * whose target is the top entry's pc leaves by a host ret (the host's
 * return predictor then knows where it goes), anything else leaves it
 * alone.  It is empty at every entry from the exec loop and dropped at
 * every exit to it, so an entry is only ever a prediction: spill slots
 * and outgoing arguments cannot live at fixed rsp offsets. */
#define JIT_SPILL_SLOTS 256
#define JIT_RETURN_STACK_DEPTH 512     /* entries; the stack starts over when full */
typedef struct JitFrame {
    uint64_t spill[JIT_SPILL_SLOTS];
    uintptr_t ras_base;             /* rsp with the stack empty (its sentinel entry) */
    uintptr_t ras_limit;            /* a push needs rsp above this */
} JitFrame;

typedef struct JitConfig {
    size_t code_size;               /* bytes of code buffer (0: 64 MiB) */
    int32_t frame_offset;           /* env offset of a JitFrame (required) */
    /* Guest calls and returns (call_hint, return_hint) through the
     * return-address stack; needs the jump cache's pc and flags in env
     * (jump_cache.enabled).  Without it the hints are ignored. */
    bool return_stack;
    JitMemConfig mem;
    int32_t exit_request_offset;    /* env offset of a uint32_t; < 0: no check */
    JitLookupFn lookup;             /* NULL: lookup_and_goto_ptr always exits */
    JitJumpCacheConfig jump_cache;  /* probed inline before `lookup` */
    bool no_host_extensions;        /* tests: ignore lzcnt/tzcnt/popcnt/fma */
    /* Never flush from jit_compile: when the buffer is full it fails and
     * jit_buffer_full() says so; the owner flushes (jit_flush) when no
     * thread runs generated code.  Without it, jit_compile flushes itself
     * (after the hook), which is only safe with one thread. */
    bool manual_flush;
} JitConfig;

Jit *jit_new(const JitConfig *cfg, Error **errp);
void jit_free(Jit *jit);

/* The code buffer's flush hook: called when it is full, before every
 * block's code is dropped (the TB cache must forget all host code). */
void jit_set_flush_hook(Jit *jit, CodeBufFlushFn fn, void *opaque);
/* Drop all code now (tb_flush); runs the hook.  No thread may be running
 * generated code. */
void jit_flush(Jit *jit);
/* fork() in user mode: the code buffer is shared memory, so the child must
 * get its own copy at the same addresses (codebuf_fork_snapshot/adopt).
 * jit_fork_prepare runs in the parent before fork, with no thread
 * compiling, chaining or invalidating until fork returns; afterwards the
 * parent calls jit_fork_parent (frees the copy), the child jit_fork_child
 * (false: the child still shares the parent's code and must not compile,
 * chain or invalidate). */
bool jit_fork_prepare(Jit *jit, Error **errp);
void jit_fork_parent(Jit *jit);
bool jit_fork_child(Jit *jit, Error **errp);
/* manual_flush: did the last jit_compile fail because the buffer is full? */
bool jit_buffer_full(const Jit *jit);

/* Compile b (verified, optimized, liveness done) into host code; tag names
 * the block in exit values and unwinding.  Returns the executable entry,
 * or NULL with *errp set when the block cannot be compiled (too big for the
 * buffer or the frame): the caller falls back to the interpreter.  May
 * flush the buffer (and run the hook) first when it is full. */
const void *jit_compile(Jit *jit, const IrBuilder *b, void *tag, Error **errp);

/* Run code (from jit_compile) against env; returns tag | IrExit. */
uintptr_t jit_exec(Jit *jit, void *env, const void *code);

static inline void *jit_exit_tag(uintptr_t ret)
{
    return (void *)(ret & ~(uintptr_t)7);
}

static inline IrExit jit_exit_value(uintptr_t ret)
{
    return (IrExit)(ret & 7);
}

/* Chaining: make goto_tb `slot` of from jump straight to `to` (both from
 * jit_compile), or back to its exit.  Atomic for concurrent runners.  The
 * jump lands past `to`'s entry jump, on its exit request check; a block
 * chained to itself jumps to its loop header, which checks the request
 * too.  Chaining to or from an invalidated block does nothing. */
void jit_chain(Jit *jit, const void *from, unsigned slot, const void *to);
/* The same for a jump forward in guest code (to's guest pc above from's),
 * which lands past to's exit request check.  A cycle of chained blocks
 * needs a jump that is not forward, and a guest call's return (goto_tb of
 * the return slot, from the caller) goes forward from the caller, whose
 * frame it returns to: a frame's blocks go forward and a frame's calls
 * nest, so any endless run passes a check (or an indirect jump's entry,
 * or an exit) again and again, however late. */
void jit_chain_forward(Jit *jit, const void *from, unsigned slot, const void *to);
void jit_unchain(Jit *jit, const void *from, unsigned slot);

/* Invalidation: make the block at `code` leave at its entry with
 * IR_EXIT_REQUESTED (and its own tag) instead of running, for whoever
 * still enters it there (the exec loop, an indirect jump), and point every
 * jump chained into it, and its own, back at their blocks' exits.  Atomic
 * for concurrent runners. */
void jit_invalidate(Jit *jit, const void *code);

/* Unwinding: the block and guest instruction (ordinal of its insn_start)
 * that host_pc (a return address inside generated code) belongs to. */
bool jit_find_insn(Jit *jit, uintptr_t host_pc, void **tag, uint32_t *insn_index);

/* User mode's fault path (JIT_MEM_DIRECT): host_pc is a guest memory
 * access inside generated code that faulted, ucontext the signal's
 * (ucontext_t *).  Accesses do not write dirty globals home first (see
 * regalloc.h), so this writes the globals that were dirty in host
 * registers at host_pc from ucontext into env (the block's CPU state);
 * call it before cpu_restore_state.  Nothing to do (false) at other pcs.
 * Signal context: takes the records' lock, as jit_find_insn does. */
bool jit_restore_fault(Jit *jit, uintptr_t host_pc, void *env, const void *ucontext);

JitMemMode jit_mem_mode(const Jit *jit);

/* Is host_pc inside generated code (a signal handler's question)? */
bool jit_contains(const Jit *jit, uintptr_t host_pc);

typedef struct JitStats {
    uint64_t blocks, code_bytes, flushes, failed;
} JitStats;
void jit_get_stats(const Jit *jit, JitStats *out);

#endif
