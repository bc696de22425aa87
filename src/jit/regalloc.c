/*
 * The register allocator (see regalloc.h).  Victims are chosen cheapest
 * first: a constant (re-materialized for free), then a value whose home is
 * current (no store), then a dirty one; among equals, round-robin from a
 * moving cursor so that one register is not evicted over and over.
 */
#include "jit/regalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Walks the registers of mask in ascending order (as a loop over owner[]
 * would, so the code emitted does not change): the loops below visit the
 * few occupied registers only, not all RA_MAX_REGS. */
#define RA_FOR_EACH_REG(r, mask) \
    for (uint32_t r##_left = (mask), r = 0; \
         r##_left && (r = (uint32_t)__builtin_ctz(r##_left), true); r##_left &= r##_left - 1)

static inline void ra_own(RegAlloc *ra, int reg, uint32_t v)
{
    ra->owner[reg] = (int32_t)v;
    ra->occupied |= 1u << reg;
}

static inline void ra_disown(RegAlloc *ra, int reg)
{
    ra->owner[reg] = -1;
    ra->occupied &= ~(1u << reg);
}

static void ra_temp_init(RaTemp *r, const IrTemp *t)
{
    memset(r, 0, sizeof(*r));
    r->reg = -1;
    r->kind = (uint8_t)t->kind;
    r->is64 = t->type == IR_I64;
    r->slot = -1;
    r->env_offset = t->env_offset;
    r->value = t->value;
    /* globals start in memory; temps start dead */
    r->in_mem = t->kind == IR_TEMP_GLOBAL;
}

void ra_init(RegAlloc *ra, RaBuffers *bufs, const IrBuilder *b, const RaHostOps *ops,
             void *opaque, uint32_t allocatable, unsigned max_slots)
{
    memset(ra, 0, sizeof(*ra));
    ra->prefer = -1;
    ra->ntemps = ir_temp_count(b);
    ra->nglobals = ir_context_global_count(ir_builder_context(b));
    if (bufs) {
        /* two ~1 KB mallocs per block otherwise (3% of a boot's samples
         * went to malloc with the emitter's) */
        if (bufs->temps_cap < ra->ntemps + 1) {
            free(bufs->temps);
            bufs->temps_cap = 2 * (ra->ntemps + 1);
            bufs->temps = malloc(bufs->temps_cap * sizeof(RaTemp));
        }
        if (bufs->slots_cap < max_slots + 1) {
            free(bufs->free_slots);
            bufs->slots_cap = max_slots + 1;
            bufs->free_slots = malloc(bufs->slots_cap * sizeof(int32_t));
        }
        assert(bufs->temps && bufs->free_slots);
        ra->temps = bufs->temps;
        ra->free_slots = bufs->free_slots;
        memset(ra->temps, 0, (ra->ntemps + 1) * sizeof(RaTemp));
        ra->bufs = bufs;
    } else {
        ra->temps = calloc(ra->ntemps + 1, sizeof(RaTemp));
        ra->free_slots = calloc(max_slots + 1, sizeof(int32_t));
        assert(ra->temps && ra->free_slots);
    }
    size_t first = 0;
    const IrContext *ctx = ir_builder_context(b);
    if (bufs && ra->nglobals <= ra->ntemps) {
        if (bufs->globals_ctx != ctx || bufs->nglobals != ra->nglobals) {
            free(bufs->globals);
            bufs->globals = malloc((ra->nglobals + 1) * sizeof(RaTemp));
            assert(bufs->globals);
            for (size_t i = 0; i < ra->nglobals; i++) {
                ra_temp_init(&bufs->globals[i], ir_temp(b, (IrVal){ (uint32_t)i }));
            }
            bufs->globals_ctx = ctx;
            bufs->nglobals = ra->nglobals;
        }
        memcpy(ra->temps, bufs->globals, ra->nglobals * sizeof(RaTemp));
        first = ra->nglobals;
    }
    for (size_t i = first; i < ra->ntemps; i++) {
        ra_temp_init(&ra->temps[i], ir_temp(b, (IrVal){ (uint32_t)i }));
    }
    for (int i = 0; i < RA_MAX_REGS; i++) {
        ra->owner[i] = -1;
    }
    ra->occupied = 0;
    ra->allocatable = allocatable;
    ra->max_slots = max_slots;
    ra->ops = ops;
    ra->opaque = opaque;
}

void ra_fini(RegAlloc *ra)
{
    if (!ra->bufs) {
        free(ra->temps);
        free(ra->free_slots);
    }
    ra->temps = NULL;
    ra->free_slots = NULL;
    ra->bufs = NULL;
}

void ra_buffers_free(RaBuffers *bufs)
{
    free(bufs->temps);
    free(bufs->free_slots);
    free(bufs->globals);
    *bufs = (RaBuffers){ 0 };
}

int32_t ra_slot(RegAlloc *ra, uint32_t v)
{
    RaTemp *t = &ra->temps[v];
    assert(t->kind == IR_TEMP_TB || t->kind == IR_TEMP_EBB);
    if (t->slot < 0 && ra->nfree) {
        t->slot = ra->free_slots[--ra->nfree];
    } else if (t->slot < 0) {
        if (ra->nslots >= ra->max_slots) {
            ra->out_of_slots = true;
            return -1;
        }
        t->slot = (int32_t)ra->nslots++;
    }
    return t->slot;
}

static bool ra_has_home(RegAlloc *ra, uint32_t v)
{
    RaTemp *t = &ra->temps[v];
    if (t->kind == IR_TEMP_GLOBAL) {
        return true;
    }
    return ra_slot(ra, v) >= 0;
}

void ra_sync_one(RegAlloc *ra, uint32_t v)
{
    RaTemp *t = &ra->temps[v];
    if (t->reg >= 0 && !t->in_mem && t->kind != IR_TEMP_CONST) {
        if (ra_has_home(ra, v)) {
            ra->ops->store(ra->opaque, t->reg, t);
        }
        t->in_mem = true;
    }
}

void ra_free_reg(RegAlloc *ra, int reg)
{
    int32_t v = ra->owner[reg];
    if (v < 0) {
        return;
    }
    ra_sync_one(ra, (uint32_t)v);
    ra->temps[v].reg = -1;
    ra_disown(ra, reg);
}

void ra_evict_mask(RegAlloc *ra, uint32_t mask)
{
    RA_FOR_EACH_REG(r, mask & ra->occupied) {
        ra_free_reg(ra, (int)r);
    }
}

static int ra_cost(RegAlloc *ra, int reg)
{
    int32_t v = ra->owner[reg];
    if (v < 0) {
        return 0;
    }
    const RaTemp *t = &ra->temps[v];
    if (t->kind == IR_TEMP_CONST) {
        return 1;
    }
    return t->in_mem ? 2 : 3;
}

int ra_alloc(RegAlloc *ra, uint32_t allowed)
{
    uint32_t cand = allowed & ra->allocatable & ~ra->locked;
    assert(cand != 0);
    int p = ra->prefer;
    ra->prefer = -1;
    if (p >= 0 && (cand & (1u << p)) &&
        (ra->owner[p] < 0 || ra->owner[p] == ra->prefer_drop)) {
        if (ra->owner[p] >= 0) {
            ra->temps[ra->owner[p]].reg = -1;
            ra_disown(ra, p);
        }
        return p;
    }
    /* the candidates in round-robin order from the cursor: rotated so that
     * bit k is register (cursor + k) % RA_MAX_REGS */
    _Static_assert(RA_MAX_REGS == 32, "a register mask is a uint32_t");
    unsigned c = ra->cursor % RA_MAX_REGS;
    int best = -1, best_cost = 99;
    uint32_t free_regs = cand & ~ra->occupied;
    uint32_t order = free_regs ? free_regs : cand;
    uint32_t rot = c ? (order >> c) | (order << (RA_MAX_REGS - c)) : order;
    RA_FOR_EACH_REG(k, rot) {
        int r = (int)((k + c) % RA_MAX_REGS);
        int cost = ra_cost(ra, r);
        if (cost < best_cost) {
            best = r;
            best_cost = cost;
            if (cost == 0) {
                break;
            }
        }
    }
    if (best_cost > 0) {
        ra->cursor = (unsigned)best + 1;
    }
    ra_free_reg(ra, best);
    return best;
}

int ra_use(RegAlloc *ra, uint32_t v, uint32_t allowed)
{
    RaTemp *t = &ra->temps[v];
    if (t->reg >= 0 && (allowed & (1u << t->reg))) {
        ra_lock(ra, t->reg);
        return t->reg;
    }
    int r = ra_alloc(ra, allowed);
    if (t->reg >= 0) {
        /* in a register the op cannot use: move it */
        ra->ops->mov(ra->opaque, r, t->reg, t->is64);
        ra_disown(ra, t->reg);
    } else {
        if (t->kind == IR_TEMP_TB || t->kind == IR_TEMP_EBB) {
            ra_slot(ra, v);     /* reading a never-written temp: total */
        }
        ra->ops->load(ra->opaque, r, t);
        if (t->kind != IR_TEMP_CONST) {
            t->in_mem = true;
        }
    }
    t->reg = (int8_t)r;
    ra_own(ra, r, v);
    ra_lock(ra, r);
    return r;
}

void ra_def(RegAlloc *ra, uint32_t v, int reg)
{
    RaTemp *t = &ra->temps[v];
    assert(t->kind != IR_TEMP_CONST);
    int32_t prev = ra->owner[reg];
    if (prev >= 0 && prev != (int32_t)v) {
        /* the register's old value was an operand that is no longer needed
         * there; keep it if its home is current, else it must be dead */
        ra->temps[prev].reg = -1;
    }
    if (t->reg >= 0 && t->reg != reg) {
        ra_disown(ra, t->reg);
    }
    t->reg = (int8_t)reg;
    t->in_mem = false;
    ra_own(ra, reg, v);
}

void ra_dead(RegAlloc *ra, uint32_t v)
{
    RaTemp *t = &ra->temps[v];
    if (t->kind == IR_TEMP_GLOBAL || t->kind == IR_TEMP_CONST) {
        return;
    }
    if (t->reg >= 0) {
        ra_disown(ra, t->reg);
        t->reg = -1;
    }
    t->in_mem = false;
    /* Only EBB temps give their slot back: a dead TB temp may be written
     * again and reach a label from paths that stored it at its old slot. */
    if (t->slot >= 0 && t->kind == IR_TEMP_EBB) {
        assert(ra->nfree < ra->max_slots);
        ra->free_slots[ra->nfree++] = t->slot;
        t->slot = -1;
    }
}

void ra_sync(RegAlloc *ra, bool temps)
{
    RA_FOR_EACH_REG(r, ra->occupied) {
        int32_t v = ra->owner[r];
        if (v < 0) {
            continue;
        }
        uint8_t k = ra->temps[v].kind;
        if (k == IR_TEMP_GLOBAL || (temps && k == IR_TEMP_TB)) {
            ra_sync_one(ra, (uint32_t)v);
        }
    }
}

unsigned ra_dirty_globals(const RegAlloc *ra, int8_t *regs, uint32_t *vals)
{
    unsigned n = 0;
    RA_FOR_EACH_REG(r, ra->occupied) {
        int32_t v = ra->owner[r];
        if (v >= 0 && ra->temps[v].kind == IR_TEMP_GLOBAL && !ra->temps[v].in_mem) {
            regs[n] = (int8_t)r;
            vals[n++] = (uint32_t)v;
        }
    }
    return n;
}

void ra_forget_globals(RegAlloc *ra)
{
    RA_FOR_EACH_REG(r, ra->occupied) {
        int32_t v = ra->owner[r];
        if (v >= 0 && ra->temps[v].kind == IR_TEMP_GLOBAL) {
            assert(ra->temps[v].in_mem);
            ra->temps[v].reg = -1;
            ra_disown(ra, r);
        }
    }
}

void ra_drop_all(RegAlloc *ra)
{
    RA_FOR_EACH_REG(r, ra->occupied) {
        int32_t v = ra->owner[r];
        if (v >= 0) {
            ra->temps[v].reg = -1;
            ra_disown(ra, r);
        }
    }
}

void ra_forget_all(RegAlloc *ra)
{
    ra_drop_all(ra);
    for (size_t i = 0; i < ra->ntemps; i++) {
        RaTemp *t = &ra->temps[i];
        if (t->kind == IR_TEMP_GLOBAL || t->kind == IR_TEMP_TB) {
            /* every edge into a label wrote these home */
            t->in_mem = t->kind == IR_TEMP_GLOBAL || t->slot >= 0;
        } else if (t->kind == IR_TEMP_EBB) {
            t->in_mem = false;
        }
    }
}

void ra_place(RegAlloc *ra, uint32_t v, int reg)
{
    RaTemp *t = &ra->temps[v];
    assert(t->kind == IR_TEMP_GLOBAL || t->kind == IR_TEMP_CONST);
    assert(t->kind == IR_TEMP_CONST || t->in_mem || t->reg >= 0);
    if (t->reg == reg) {
        return;
    }
    ra_free_reg(ra, reg);
    if (t->reg >= 0) {
        /* a register copy (clean or dirty): a move, not a load that would wait for
         * the store just made to forward (a loop's back edge places the
         * values it just computed) */
        ra_disown(ra, t->reg);
        ra->ops->mov(ra->opaque, reg, t->reg, t->is64);
    } else {
        ra->ops->load(ra->opaque, reg, t);
    }
    t->reg = (int8_t)reg;
    ra_own(ra, reg, v);
}

void ra_mark_dirty(RegAlloc *ra, uint32_t v)
{
    RaTemp *t = &ra->temps[v];
    assert(t->kind == IR_TEMP_GLOBAL && t->reg >= 0);
    t->in_mem = false;
}

void ra_sync_tb_temps(RegAlloc *ra)
{
    RA_FOR_EACH_REG(r, ra->occupied) {
        int32_t v = ra->owner[r];
        if (v >= 0 && ra->temps[v].kind == IR_TEMP_TB) {
            ra_sync_one(ra, (uint32_t)v);
        }
    }
}

void ra_snapshot(const RegAlloc *ra, RaSnapshot *snap)
{
    memcpy(snap->owner, ra->owner, sizeof(snap->owner));
    snap->dirty = 0;
    RA_FOR_EACH_REG(r, ra->occupied) {
        int32_t v = ra->owner[r];
        if (v >= 0 && ra->temps[v].kind == IR_TEMP_GLOBAL && !ra->temps[v].in_mem) {
            snap->dirty |= 1u << r;
        }
    }
}

void ra_restore(RegAlloc *ra, const RaSnapshot *snap)
{
    ra_forget_all(ra);
    for (int r = 0; r < RA_MAX_REGS; r++) {
        int32_t v = snap->owner[r];
        if (v < 0 || ra->temps[v].kind == IR_TEMP_EBB) {
            continue;
        }
        RaTemp *t = &ra->temps[v];
        /* a TB temp was clean at the branch, so its home is current (one
         * without a home, out of slots, is left in memory's care); a
         * global dirty there is made dirty again below */
        if (t->kind == IR_TEMP_TB && !t->in_mem) {
            continue;
        }
        t->reg = (int8_t)r;
        ra_own(ra, r, (uint32_t)v);
        if (snap->dirty & (1u << r)) {
            t->in_mem = false;
        }
    }
}
