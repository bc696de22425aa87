/*
 * The JIT's register allocator: a TCG-style local allocator that walks the
 * ops of one block in order and tracks, for every IR value, whether it sits
 * in a host register and whether its memory home is current.  Homes: a
 * global's field in the CPU state (env + offset, 4 or 8 bytes), a temp's
 * spill slot in the JIT frame (assigned on first spill), nothing for a
 * constant (re-materialized).  It is host-independent: the code it needs
 * (load, store, move) comes from RaHostOps, which jit/x86_64/emit.c
 * provides.
 *
 * Invariants the emitter relies on:
 *  - owner[reg] == v exactly when temps[v].reg == reg; bit reg of
 *    `occupied` is set exactly when owner[reg] != -1;
 *  - a global or temp whose register copy is dirty has in_mem == false; a
 *    value with in_mem == false and reg < 0 is dead (never read again);
 *  - registers in `locked` are never chosen as victims (the operands of the
 *    op being emitted); the emitter unlocks after each op.
 * Block boundaries (what the IR's liveness assumes): at branches and exits
 * globals and TB temps are written home (ra_sync); at labels nothing is in
 * a register (ra_forget_all), except at a label that only one branch
 * reaches and nothing falls into, which starts with that branch's
 * register copies (ra_snapshot, ra_restore), its dirty globals still
 * dirty (such a branch syncs TB temps only: the side exit it skips
 * stores the globals on its own path); before calls the
 * caller-saved registers are emptied (ra_evict_mask) and globals synced
 * per the helper's flags.
 * Guest memory accesses are the exception to the IR's "globals in memory
 * at every op that may raise": the emitter does not sync before them.  It
 * asks ra_dirty_globals for the globals whose only copy is a register at
 * the access and hands that list to whatever may see the fault: the
 * access's slow path stores them before calling C, and user mode's
 * SIGSEGV path writes them from the signal's registers (jit.h,
 * jit_restore_fault).  They stay dirty here and go home later as usual.
 * Globals never live in spill slots (evicting one stores it to env), so a
 * register list is the whole story.
 *
 * Thread: one RegAlloc per compilation, on the translating thread.
 */
#ifndef JIT_REGALLOC_H
#define JIT_REGALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

#define RA_MAX_REGS 32

typedef struct RaTemp {
    int8_t reg;             /* host register holding the value, or -1 */
    bool in_mem;            /* the memory home holds the current value */
    bool is64;
    uint8_t kind;           /* IrTempKind */
    int32_t slot;           /* spill slot (TB/EBB temps), -1 until spilled */
    int32_t env_offset;     /* globals */
    uint64_t value;         /* constants */
} RaTemp;

typedef struct RaHostOps {
    /* reg = t's home (global field, spill slot) or t's constant value. */
    void (*load)(void *opaque, int reg, const RaTemp *t);
    /* t's home = reg. */
    void (*store)(void *opaque, int reg, const RaTemp *t);
    void (*mov)(void *opaque, int dst, int src, bool is64);
} RaHostOps;

/* Arrays an allocator may borrow instead of allocating its own: a caller
 * that allocates for many blocks in turn (the JIT, compile_lock held)
 * keeps one set, grown on demand, and frees it with ra_buffers_free. */
typedef struct RaBuffers {
    RaTemp *temps;
    size_t temps_cap;
    int32_t *free_slots;
    size_t slots_cap;
    /* the globals' initial RaTemps, the same for every block of a context
     * (copied, not rebuilt: ra_init was ~2% of translation).  Keyed by the
     * context and its global count: free the buffers with the context. */
    const IrContext *globals_ctx;
    RaTemp *globals;
    size_t nglobals;
} RaBuffers;

typedef struct RegAlloc {
    RaTemp *temps;
    size_t ntemps, nglobals;
    int32_t owner[RA_MAX_REGS];     /* value index or -1 */
    uint32_t occupied;              /* registers whose owner is not -1 */
    uint32_t allocatable;           /* registers the allocator may hand out */
    uint32_t locked;
    unsigned nslots, max_slots;
    bool out_of_slots;              /* a spill needed more than max_slots */
    int32_t *free_slots;            /* slots of dead temps, reused first */
    unsigned nfree;
    unsigned cursor;                /* round-robin start for victim search */
    /* A hint for the next ra_alloc: take register `prefer` (>= 0) when
     * it is free or holds prefer_drop, the value the op being emitted
     * redefines and does not read (its old copy is dropped unstored), so
     * that a loop's value is computed in the register its back edge
     * wants it in.  ra_alloc clears it. */
    int prefer;
    int32_t prefer_drop;
    const RaHostOps *ops;
    void *opaque;
    RaBuffers *bufs;                /* borrowed arrays (ra_init), or NULL */
} RegAlloc;

/* bufs NULL: the allocator allocates its arrays and ra_fini frees them;
 * else it uses (and grows) bufs' until ra_fini, which leaves them to the
 * caller. */
void ra_init(RegAlloc *ra, RaBuffers *bufs, const IrBuilder *b, const RaHostOps *ops,
             void *opaque, uint32_t allocatable, unsigned max_slots);
void ra_fini(RegAlloc *ra);
void ra_buffers_free(RaBuffers *bufs);

static inline RaTemp *ra_temp(RegAlloc *ra, uint32_t v)
{
    return &ra->temps[v];
}

/* A free register in `allowed` (minus locked), evicting a value if needed;
 * the register is returned unowned. */
int ra_alloc(RegAlloc *ra, uint32_t allowed);
/* Empty reg: write its value home first if that is the only copy. */
void ra_free_reg(RegAlloc *ra, int reg);
/* Empty every register in mask (caller-saved registers before a call). */
void ra_evict_mask(RegAlloc *ra, uint32_t mask);
/* v's value in a register of `allowed` (loading or moving it there); locks
 * that register. */
int ra_use(RegAlloc *ra, uint32_t v, uint32_t allowed);
/* v's new value is in reg (v takes reg over from whatever held it). */
void ra_def(RegAlloc *ra, uint32_t v, int reg);
/* v is dead: drop its register without storing.  An EBB temp's spill slot
 * is recycled (it gets a fresh one if written and spilled again); a TB
 * temp keeps its slot, which every path into a label must agree on. */
void ra_dead(RegAlloc *ra, uint32_t v);
/* Write v's register copy home if dirty (keeps the register). */
void ra_sync_one(RegAlloc *ra, uint32_t v);
/* Write dirty globals (and TB temps when `temps`) home; keep registers. */
void ra_sync(RegAlloc *ra, bool temps);
/* Drop every register copy of globals (memory is current: after a helper
 * that may write globals).  Globals must have been synced. */
void ra_forget_globals(RegAlloc *ra);
/* At a label: nothing in registers; globals and temps in memory. */
void ra_forget_all(RegAlloc *ra);
/* After an unconditional exit: the code that follows is unreachable. */
void ra_drop_all(RegAlloc *ra);
/* Put v (a global or constant) in reg, emptying reg first and dropping any
 * other register copy of v: a move from that copy (which may be dirty: v
 * stays as dirty as it was), else a load from v's home, which must be
 * current. */
void ra_place(RegAlloc *ra, uint32_t v, int reg);
/* v, a global in a register, counts as dirty from here on (a self-loop
 * header whose back edge brings the value in a register, not in env). */
void ra_mark_dirty(RegAlloc *ra, uint32_t v);
/* Write dirty TB temps home; globals stay as they are (a branch to a label
 * that it alone reaches: see ra_restore). */
void ra_sync_tb_temps(RegAlloc *ra);
/* The register contents to restore at a label (owner[] as at a branch to
 * it); see ra_restore. */
typedef struct RaSnapshot {
    int32_t owner[RA_MAX_REGS];
    uint32_t dirty;                 /* registers holding a dirty global */
} RaSnapshot;
void ra_snapshot(const RegAlloc *ra, RaSnapshot *snap);
/* At a label reached only by the branch whose state was snap (its TB temps
 * clean: ra_sync or ra_sync_tb_temps ran before the branch), with no
 * fall-through into it: like ra_forget_all, but the globals, TB temps and
 * constants of snap are in their registers again, and the globals that
 * were dirty there are dirty again (their stores wait for the next sync
 * point on this path; the branch's other path syncs on its own).  EBB
 * temps are dead at labels. */
void ra_restore(RegAlloc *ra, const RaSnapshot *snap);
/* The globals whose current value is only in a register (dirty): fills
 * regs[i] and vals[i] (room for RA_MAX_REGS each), returns how many. */
unsigned ra_dirty_globals(const RegAlloc *ra, int8_t *regs, uint32_t *vals);
/* v's spill slot (assigned on first call; -1 when out of slots). */
int32_t ra_slot(RegAlloc *ra, uint32_t v);

static inline void ra_lock(RegAlloc *ra, int reg)
{
    ra->locked |= 1u << reg;
}

static inline void ra_unlock_all(RegAlloc *ra)
{
    ra->locked = 0;
}

#endif
