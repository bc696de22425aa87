/*
 * Register allocator tests with a recording host: which loads, stores and
 * moves the allocator asks for as values are used, defined, evicted,
 * synced at block boundaries and forgotten at labels.
 */
#include "jit/regalloc.h"

#include <stdio.h>
#include <string.h>

#include "util/unittest.h"

static char trace[1024];

static void rec(const char *fmt, int a, int b)
{
    char one[64];
    snprintf(one, sizeof(one), fmt, a, b);
    if (trace[0]) {
        strncat(trace, " ", sizeof(trace) - strlen(trace) - 1);
    }
    strncat(trace, one, sizeof(trace) - strlen(trace) - 1);
}

static void mock_load(void *opaque, int reg, const RaTemp *t)
{
    if (t->kind == IR_TEMP_CONST) {
        rec("movi r%d,%d", reg, (int)t->value);
    } else if (t->kind == IR_TEMP_GLOBAL) {
        rec("ld r%d,env+%d", reg, t->env_offset);
    } else {
        rec("ld r%d,slot%d", reg, t->slot);
    }
}

static void mock_store(void *opaque, int reg, const RaTemp *t)
{
    if (t->kind == IR_TEMP_GLOBAL) {
        rec("st env+%d,r%d", t->env_offset, reg);
    } else {
        rec("st slot%d,r%d", t->slot, reg);
    }
}

static void mock_mov(void *opaque, int dst, int src, bool is64)
{
    rec("mov r%d,r%d", dst, src);
}

static const RaHostOps mock = { mock_load, mock_store, mock_mov };

typedef struct Fixture {
    IrContext *ctx;
    IrBuilder *b;
    IrVal g0, g1, t0, t1, c5;
    RegAlloc ra;
} Fixture;

/* three allocatable registers: 1, 2, 3 */
static void fixture_init(Fixture *f, unsigned max_slots)
{
    f->ctx = ir_context_new();
    f->g0 = ir_global(f->ctx, IR_I64, 8, "g0");
    f->g1 = ir_global(f->ctx, IR_I32, 16, "g1");
    f->b = ir_builder_new(f->ctx);
    f->t0 = ir_new_temp(f->b, IR_I64);
    f->t1 = ir_new_ebb_temp(f->b, IR_I64);
    f->c5 = ir_const(f->b, IR_I64, 5);
    ra_init(&f->ra, NULL, f->b, &mock, NULL, 0xe, max_slots);
    trace[0] = 0;
}

static void fixture_free(Fixture *f)
{
    ra_fini(&f->ra);
    ir_builder_free(f->b);
    ir_context_free(f->ctx);
}

UNITTEST(regalloc_use_loads_once_and_locks)
{
    Fixture f;
    fixture_init(&f, 4);
    int r = ra_use(&f.ra, f.g0.id, ~0u);
    CHECK_INT(ra_use(&f.ra, f.g0.id, ~0u), r);
    CHECK_STR(trace, "ld r1,env+8");
    CHECK(f.ra.locked & (1u << r));
    /* a register the op cannot use: moved */
    int r2 = ra_use(&f.ra, f.g0.id, 1u << 3);
    CHECK_INT(r2, 3);
    CHECK_STR(trace, "ld r1,env+8 mov r3,r1");
    CHECK_INT(f.ra.owner[1], -1);
    fixture_free(&f);
}

UNITTEST(regalloc_evicts_cheapest_first_and_stores_dirty)
{
    Fixture f;
    fixture_init(&f, 4);
    /* r1: dirty global g0, r2: clean global g1, r3: constant 5 */
    ra_def(&f.ra, f.g0.id, 1);
    ra_use(&f.ra, f.g1.id, 1u << 2);
    ra_use(&f.ra, f.c5.id, 1u << 3);
    ra_unlock_all(&f.ra);
    trace[0] = 0;
    CHECK_INT(ra_alloc(&f.ra, ~0u), 3);         /* the constant: free */
    CHECK_STR(trace, "");
    ra_def(&f.ra, f.t0.id, 3);
    CHECK_INT(ra_alloc(&f.ra, ~0u), 2);         /* clean global: no store */
    CHECK_STR(trace, "");
    CHECK_INT(ra_alloc(&f.ra, 1u << 1), 1);     /* dirty global: stored */
    CHECK_STR(trace, "st env+8,r1");
    CHECK(ra_temp(&f.ra, f.g0.id)->in_mem);
    fixture_free(&f);
}

/* The hint: a free preferred register, or one holding the value being
 * redefined (dropped without a store); never one holding another value,
 * nor a locked one; and only for the next allocation. */
UNITTEST(regalloc_prefer_hint)
{
    Fixture f;
    fixture_init(&f, 4);
    ra_def(&f.ra, f.g0.id, 1);                  /* r1: dirty g0 */
    ra_use(&f.ra, f.g1.id, 1u << 2);            /* r2: clean g1, locked */
    trace[0] = 0;
    f.ra.prefer = 1;
    f.ra.prefer_drop = (int32_t)f.g1.id;        /* r1 holds another value */
    CHECK_INT(ra_alloc(&f.ra, ~0u), 3);
    CHECK_INT(f.ra.prefer, -1);
    ra_def(&f.ra, f.t0.id, 3);
    f.ra.prefer = 2;                            /* locked */
    f.ra.prefer_drop = (int32_t)f.g1.id;
    CHECK_INT(ra_alloc(&f.ra, 1u << 1 | 1u << 2), 1);   /* the only other: g0 stored */
    CHECK_STR(trace, "st env+8,r1");
    ra_def(&f.ra, f.t1.id, 1);
    ra_unlock_all(&f.ra);
    trace[0] = 0;
    f.ra.prefer = 2;                            /* g1 redefined: dropped */
    f.ra.prefer_drop = (int32_t)f.g1.id;
    CHECK_INT(ra_alloc(&f.ra, ~0u), 2);
    CHECK_STR(trace, "");
    CHECK_INT(ra_temp(&f.ra, f.g1.id)->reg, -1);
    ra_def(&f.ra, f.g1.id, 2);
    CHECK(!ra_temp(&f.ra, f.g1.id)->in_mem);
    ra_dead(&f.ra, f.t1.id);
    f.ra.prefer = 1;                            /* free */
    CHECK_INT(ra_alloc(&f.ra, ~0u), 1);
    CHECK_STR(trace, "");
    fixture_free(&f);
}

UNITTEST(regalloc_sync_forget_and_slots)
{
    Fixture f;
    fixture_init(&f, 1);
    ra_def(&f.ra, f.g0.id, 1);
    ra_def(&f.ra, f.t0.id, 2);
    ra_def(&f.ra, f.t1.id, 3);
    /* a branch: globals and TB temps home, registers kept */
    ra_sync(&f.ra, true);
    CHECK_STR(trace, "st env+8,r1 st slot0,r2");
    CHECK_INT(ra_temp(&f.ra, f.t0.id)->reg, 2);
    trace[0] = 0;
    ra_sync(&f.ra, true);
    CHECK_STR(trace, "");                       /* nothing dirty any more */
    /* the EBB temp cannot get a slot: only one exists */
    CHECK_INT(ra_slot(&f.ra, f.t1.id), -1);
    CHECK(f.ra.out_of_slots);
    /* a label: nothing in registers, globals and spilled temps in memory */
    ra_forget_all(&f.ra);
    for (int r = 0; r < 4; r++) {
        CHECK_INT(f.ra.owner[r], -1);
    }
    CHECK(ra_temp(&f.ra, f.t0.id)->in_mem);
    CHECK(!ra_temp(&f.ra, f.t1.id)->in_mem);
    trace[0] = 0;
    ra_use(&f.ra, f.t0.id, ~0u);
    CHECK_STR(trace, "ld r1,slot0");
    fixture_free(&f);
}

UNITTEST(regalloc_dead_values_are_dropped_without_stores)
{
    Fixture f;
    fixture_init(&f, 4);
    ra_def(&f.ra, f.t0.id, 1);
    ra_dead(&f.ra, f.t0.id);
    CHECK_INT(f.ra.owner[1], -1);
    ra_def(&f.ra, f.g0.id, 2);
    ra_dead(&f.ra, f.g0.id);                    /* globals outlive the block */
    CHECK_INT(f.ra.owner[2], (int)f.g0.id);
    ra_evict_mask(&f.ra, 0xe);
    CHECK_STR(trace, "st env+8,r2");
    /* after a helper that may write globals, register copies are stale */
    ra_use(&f.ra, f.g1.id, ~0u);
    ra_forget_globals(&f.ra);
    CHECK_INT(ra_temp(&f.ra, f.g1.id)->reg, -1);
    fixture_free(&f);
}

UNITTEST(regalloc_recycles_slots_of_dead_temps)
{
    Fixture f;
    fixture_init(&f, 1);
    CHECK_INT(ra_slot(&f.ra, f.t1.id), 0);      /* the EBB temp */
    ra_dead(&f.ra, f.t1.id);
    CHECK_INT(ra_temp(&f.ra, f.t1.id)->slot, -1);
    CHECK_INT(ra_slot(&f.ra, f.t0.id), 0);      /* the same slot, again */
    CHECK(!f.ra.out_of_slots);
    ra_dead(&f.ra, f.t0.id);                    /* a TB temp keeps its slot */
    CHECK_INT(ra_temp(&f.ra, f.t0.id)->slot, 0);
    fixture_free(&f);
}

/* A label reached by one branch: the branch's registers come back, but for
 * the EBB temp (dead at labels); ra_place moves a global into a chosen
 * register, evicting what was there (from its register copy when it has
 * one: no load that waits for a store to forward). */
UNITTEST(regalloc_restore_at_label_and_place)
{
    Fixture f;
    fixture_init(&f, 4);
    ra_def(&f.ra, f.g0.id, 1);
    ra_def(&f.ra, f.t0.id, 2);
    ra_def(&f.ra, f.t1.id, 3);
    ra_sync(&f.ra, true);
    RaSnapshot snap;
    ra_snapshot(&f.ra, &snap);
    CHECK_STR(trace, "st env+8,r1 st slot0,r2");
    trace[0] = 0;
    ra_drop_all(&f.ra);                         /* the fall-through path ends */
    ra_restore(&f.ra, &snap);
    CHECK_INT(ra_temp(&f.ra, f.g0.id)->reg, 1);
    CHECK(ra_temp(&f.ra, f.g0.id)->in_mem);
    CHECK_INT(ra_temp(&f.ra, f.t0.id)->reg, 2);
    CHECK(ra_temp(&f.ra, f.t0.id)->in_mem);
    CHECK_INT(ra_temp(&f.ra, f.t1.id)->reg, -1);
    CHECK_INT(f.ra.owner[3], -1);
    CHECK_INT(ra_use(&f.ra, f.t0.id, ~0u), 2);  /* no reload */
    ra_unlock_all(&f.ra);
    CHECK_STR(trace, "");

    ra_place(&f.ra, f.g0.id, 1);                /* already there */
    CHECK_STR(trace, "");
    ra_place(&f.ra, f.g1.id, 2);                /* t0 is clean: no store */
    CHECK_STR(trace, "ld r2,env+16");
    CHECK_INT(ra_temp(&f.ra, f.t0.id)->reg, -1);
    ra_place(&f.ra, f.g0.id, 3);                /* a move from r1, not a load */
    CHECK_STR(trace, "ld r2,env+16 mov r3,r1");
    CHECK_INT(f.ra.owner[1], -1);
    CHECK_INT(ra_temp(&f.ra, f.g0.id)->reg, 3);
    fixture_free(&f);
}

/* What a guest memory access hands its slow path and the fault map: the
 * dirty globals only, with their registers; clean ones and temps are not
 * listed, and listing stores nothing (they stay dirty). */
UNITTEST(regalloc_dirty_globals_for_faults)
{
    Fixture f;
    fixture_init(&f, 4);
    int8_t regs[RA_MAX_REGS];
    uint32_t vals[RA_MAX_REGS];
    CHECK_INT(ra_dirty_globals(&f.ra, regs, vals), 0);
    ra_use(&f.ra, f.g1.id, 1u << 1);            /* clean global */
    ra_def(&f.ra, f.t0.id, 2);                  /* dirty temp */
    ra_def(&f.ra, f.g0.id, 3);                  /* dirty global */
    ra_unlock_all(&f.ra);
    trace[0] = 0;
    CHECK_INT(ra_dirty_globals(&f.ra, regs, vals), 1);
    CHECK_INT(regs[0], 3);
    CHECK_INT(vals[0], f.g0.id);
    CHECK_STR(trace, "");
    CHECK(!ra_temp(&f.ra, f.g0.id)->in_mem);
    /* g1 written too: both listed, in register order */
    ra_def(&f.ra, f.g1.id, 1);
    CHECK_INT(ra_dirty_globals(&f.ra, regs, vals), 2);
    CHECK_INT(regs[0], 1);
    CHECK_INT(vals[0], f.g1.id);
    CHECK_INT(regs[1], 3);
    /* after a sync nothing is dirty */
    ra_sync(&f.ra, false);
    CHECK_INT(ra_dirty_globals(&f.ra, regs, vals), 0);
    fixture_free(&f);
}

/* Borrowed buffers: a second block starts from a clean state in the arrays
 * the first one left dirty (registers, spill slots), and grows them when it
 * has more values. */
UNITTEST(regalloc_borrowed_buffers_start_clean)
{
    RaBuffers bufs = { 0 };
    Fixture f;
    fixture_init(&f, 4);
    ra_fini(&f.ra);
    ra_init(&f.ra, &bufs, f.b, &mock, NULL, 0xe, 4);
    int r = ra_use(&f.ra, f.g0.id, ~0u);
    ra_def(&f.ra, f.t0.id, ra_alloc(&f.ra, ~0u));
    CHECK(ra_slot(&f.ra, f.t0.id) >= 0);
    ra_fini(&f.ra);
    RaTemp *first = bufs.temps;
    CHECK(first != NULL);

    for (int i = 0; i < 40; i++) {
        ir_new_temp(f.b, IR_I64);           /* past the first capacity */
    }
    trace[0] = 0;
    ra_init(&f.ra, &bufs, f.b, &mock, NULL, 0xe, 4);
    CHECK(f.ra.temps == bufs.temps);
    CHECK(bufs.temps_cap >= f.ra.ntemps + 1);
    CHECK_INT(ra_temp(&f.ra, f.g0.id)->reg, -1);
    CHECK(ra_temp(&f.ra, f.g0.id)->in_mem);
    CHECK_INT(ra_temp(&f.ra, f.t0.id)->slot, -1);
    CHECK_INT(f.ra.owner[r], -1);
    CHECK_INT(f.ra.occupied, 0);
    CHECK_INT(ra_use(&f.ra, f.g0.id, ~0u), 1);
    CHECK_STR(trace, "ld r1,env+8");
    CHECK_INT(f.ra.occupied, 1u << 1);      /* exactly the owned registers */
    ra_dead(&f.ra, f.g0.id);                /* a global stays */
    ra_drop_all(&f.ra);
    CHECK_INT(f.ra.occupied, 0);
    CHECK_INT(f.ra.owner[1], -1);
    ra_fini(&f.ra);
    CHECK(bufs.temps != NULL);              /* the caller's to free */
    ra_buffers_free(&bufs);
    ir_builder_free(f.b);
    ir_context_free(f.ctx);
}
