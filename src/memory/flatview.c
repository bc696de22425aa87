/*
 * Flat views and address spaces: rendering a region tree into a sorted
 * array of non-overlapping ranges (QEMU's render_memory_region), lookup by
 * binary search, publishing new views without blocking readers, and telling
 * MemoryListeners what changed.
 *
 * Rendering walks subregions in list order (highest priority, then latest
 * added, first) and each range only fills addresses nothing rendered before
 * it took; a terminal region that also has subregions fills what they left.
 * Arithmetic is in 128 bits so that a region may span all 2^64 bytes and
 * alias offsets may move a base below 0 transiently.
 *
 * Readers' grace window: a reader announces itself on one of two counters
 * (chosen by a phase bit), loads the view pointer, increments the view's
 * reference and leaves.  The writer publishes the new view, then flips the
 * phase and waits for each counter in turn to drain; every reader that
 * could have loaded the old pointer incremented a counter before that load,
 * so once both counters have been seen at zero none is left in its window
 * and dropping the space's own reference is safe.
 */
#include "memory/memory_internal.h"

#include <assert.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

typedef __int128 Int128;

#define INT128_2_64 ((Int128)1 << 64)

AddressSpace *address_spaces;

static atomic_uint grace_phase;
static atomic_long grace_readers[2];

unsigned grace_enter(void)
{
    unsigned idx = atomic_load(&grace_phase) & 1;
    atomic_fetch_add(&grace_readers[idx], 1);
    return idx;
}

void grace_exit(unsigned idx)
{
    atomic_fetch_sub(&grace_readers[idx], 1);
}

static void grace_synchronize(void)
{
    for (int i = 0; i < 2; i++) {
        unsigned old = atomic_fetch_xor(&grace_phase, 1) & 1;
        while (atomic_load(&grace_readers[old]) != 0) {
            sched_yield();
        }
    }
}

/* ---- views ------------------------------------------------------------- */

static FlatView *flatview_new(void)
{
    FlatView *fv = calloc(1, sizeof(*fv));
    assert(fv);
    atomic_init(&fv->ref, 1);
    return fv;
}

void flatview_unref(FlatView *fv)
{
    if (atomic_fetch_sub(&fv->ref, 1) == 1) {
        free(fv->ranges);
        free(fv);
    }
}

static void flatview_insert_at(FlatView *fv, unsigned pos, const FlatRange *fr)
{
    if (fv->nr == fv->capacity) {
        fv->capacity = fv->capacity ? fv->capacity * 2 : 16;
        fv->ranges = realloc(fv->ranges, fv->capacity * sizeof(*fv->ranges));
        assert(fv->ranges);
    }
    memmove(&fv->ranges[pos + 1], &fv->ranges[pos], (fv->nr - pos) * sizeof(*fv->ranges));
    fv->ranges[pos] = *fr;
    fv->nr++;
}

/* Map [start, end) of mr (whose offset 0 sits at base) into every gap of fv. */
static void flatview_fill(FlatView *fv, MemoryRegion *mr, Int128 base, Int128 start,
                          Int128 end, bool readonly, bool ram_read)
{
    unsigned i = 0;

    while (start < end) {
        Int128 piece_end = end;

        /* Skip ranges entirely before start. */
        while (i < fv->nr && (Int128)fv->ranges[i].last < start) {
            i++;
        }
        if (i < fv->nr && (Int128)fv->ranges[i].start <= start) {
            /* start is covered: continue after that range. */
            start = (Int128)fv->ranges[i].last + 1;
            i++;
            continue;
        }
        if (i < fv->nr && (Int128)fv->ranges[i].start < piece_end) {
            piece_end = fv->ranges[i].start;
        }
        FlatRange fr = {
            .start = (GuestPaddr)start,
            .last = (GuestPaddr)(piece_end - 1),
            .mr = mr,
            .offset_in_region = (uint64_t)(start - base),
            .readonly = readonly,
            .ram_read = ram_read,
        };
        flatview_insert_at(fv, i, &fr);
        i++;
        start = piece_end;
    }
}

static Int128 region_size128(const MemoryRegion *mr)
{
    return mr->size == MEMORY_SIZE_ALL ? INT128_2_64 : (Int128)mr->size;
}

static void render_region(FlatView *fv, MemoryRegion *mr, Int128 base, Int128 clip_start,
                          Int128 clip_end, bool readonly)
{
    Int128 start, end;

    if (!mr->enabled) {
        return;
    }
    base += mr->addr;
    start = base > clip_start ? base : clip_start;
    end = base + region_size128(mr);
    end = end < clip_end ? end : clip_end;
    if (start >= end) {
        return;
    }
    readonly |= mr->readonly;

    if (mr->kind == MEMORY_REGION_ALIAS) {
        /* The target is rendered with its own offset 0 at base - alias_offset;
         * its own addr is cancelled (it applies only where it is mapped). */
        base -= mr->alias_offset;
        base -= mr->alias->addr;
        render_region(fv, mr->alias, base, start, end, readonly);
        return;
    }
    for (MemoryRegion *sub = mr->subregions; sub; sub = sub->next_sibling) {
        render_region(fv, sub, base, start, end, readonly);
    }
    switch (mr->kind) {
    case MEMORY_REGION_RAM:
        flatview_fill(fv, mr, base, start, end, readonly, true);
        break;
    case MEMORY_REGION_ROM_DEVICE:
        /* Guest writes are commands to the device, never straight to RAM. */
        flatview_fill(fv, mr, base, start, end, true, mr->romd_mode);
        break;
    case MEMORY_REGION_MMIO:
        flatview_fill(fv, mr, base, start, end, readonly, false);
        break;
    default:
        break;
    }
}

/* Merge neighbours that continue the same region at consecutive offsets. */
static void flatview_simplify(FlatView *fv)
{
    unsigned out = 0;

    for (unsigned i = 0; i < fv->nr; i++) {
        FlatRange *prev = out ? &fv->ranges[out - 1] : NULL;
        FlatRange *cur = &fv->ranges[i];

        if (prev && prev->mr == cur->mr && prev->readonly == cur->readonly &&
            prev->ram_read == cur->ram_read &&
            prev->last + 1 == cur->start &&
            prev->offset_in_region + (prev->last - prev->start) + 1 == cur->offset_in_region) {
            prev->last = cur->last;
        } else {
            fv->ranges[out++] = *cur;
        }
    }
    fv->nr = out;
}

FlatView *flatview_render(MemoryRegion *root)
{
    FlatView *fv = flatview_new();

    if (root) {
        render_region(fv, root, 0, 0, INT128_2_64, false);
    }
    flatview_simplify(fv);
    return fv;
}

const FlatRange *flatview_lookup(const FlatView *fv, GuestPaddr addr)
{
    unsigned lo = 0, hi = fv->nr;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const FlatRange *fr = &fv->ranges[mid];

        if (addr < fr->start) {
            hi = mid;
        } else if (addr > fr->last) {
            lo = mid + 1;
        } else {
            return fr;
        }
    }
    return NULL;
}

const FlatRange *flatview_next(const FlatView *fv, GuestPaddr addr)
{
    unsigned lo = 0, hi = fv->nr;

    /* First range with start > addr. */
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (fv->ranges[mid].start <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < fv->nr ? &fv->ranges[lo] : NULL;
}

/* ---- address spaces ---------------------------------------------------- */

FlatView *address_space_get_flatview(AddressSpace *as)
{
    unsigned idx = grace_enter();
    FlatView *fv = atomic_load(&as->current);
    atomic_fetch_add(&fv->ref, 1);
    grace_exit(idx);
    return fv;
}

AddressSpace *address_space_create(MemoryRegion *root, const char *name)
{
    AddressSpace *as = calloc(1, sizeof(*as));
    AddressSpace **link = &address_spaces;

    assert(as);
    as->name = strdup(name ? name : "anonymous");
    assert(as->name);
    as->root = root;
    atomic_init(&as->current, flatview_render(root));
    while (*link) {
        link = &(*link)->next;
    }
    *link = as;
    return as;
}

void address_space_destroy(AddressSpace *as)
{
    AddressSpace **link = &address_spaces;

    assert(!as->listeners);
    while (*link != as) {
        assert(*link);
        link = &(*link)->next;
    }
    *link = as->next;
    /* Readers may still be in their window on this view. */
    grace_synchronize();
    flatview_unref(atomic_load(&as->current));
    free(as->name);
    free(as);
}

const char *address_space_name(const AddressSpace *as)
{
    return as->name;
}

MemoryRegion *address_space_root(const AddressSpace *as)
{
    return as->root;
}

/* ---- listeners --------------------------------------------------------- */

static MemoryRegionSection section_of(AddressSpace *as, const FlatRange *fr)
{
    uint64_t size = fr->last - fr->start;

    return (MemoryRegionSection){
        .mr = fr->mr,
        .as = as,
        .offset_within_address_space = fr->start,
        .offset_within_region = fr->offset_in_region,
        .size = size == UINT64_MAX ? UINT64_MAX : size + 1,
        .readonly = fr->readonly,
        .ram_backed = fr->ram_read,
    };
}

static bool flat_range_equal(const FlatRange *a, const FlatRange *b)
{
    return a->start == b->start && a->last == b->last && a->mr == b->mr &&
           a->offset_in_region == b->offset_in_region && a->readonly == b->readonly &&
           a->ram_read == b->ram_read;
}

/*
 * Walk both sorted views; pass `adding` false reports ranges only in old
 * (region_del), true reports ranges only in new (region_add).
 */
static void listeners_diff(AddressSpace *as, const FlatView *old, const FlatView *new,
                           bool adding)
{
    unsigned i = 0, j = 0;

    while (i < old->nr || j < new->nr) {
        const FlatRange *o = i < old->nr ? &old->ranges[i] : NULL;
        const FlatRange *n = j < new->nr ? &new->ranges[j] : NULL;
        const FlatRange *report = NULL;

        if (o && n && flat_range_equal(o, n)) {
            i++;
            j++;
            continue;
        }
        if (o && (!n || o->start <= n->start)) {
            /* Gone, or changed at the same start: the new one follows. */
            report = adding ? NULL : o;
            i++;
        } else {
            report = adding ? n : NULL;
            j++;
        }
        if (report) {
            for (MemoryListener *l = as->listeners; l; l = l->next) {
                MemoryRegionSection s = section_of(as, report);
                if (adding && l->region_add) {
                    l->region_add(l, &s);
                } else if (!adding && l->region_del) {
                    l->region_del(l, &s);
                }
            }
        }
    }
}

static void listeners_notify(AddressSpace *as, const FlatView *old, const FlatView *new)
{
    if (!as->listeners) {
        return;
    }
    for (MemoryListener *l = as->listeners; l; l = l->next) {
        if (l->begin) {
            l->begin(l);
        }
    }
    listeners_diff(as, old, new, false);
    listeners_diff(as, old, new, true);
    for (MemoryListener *l = as->listeners; l; l = l->next) {
        if (l->commit) {
            l->commit(l);
        }
    }
}

void memory_listener_register(MemoryListener *l, AddressSpace *as)
{
    MemoryListener **link = &as->listeners;
    FlatView *fv = atomic_load(&as->current);

    assert(!l->as);
    l->as = as;
    l->next = NULL;
    while (*link) {
        link = &(*link)->next;
    }
    *link = l;
    if (l->begin) {
        l->begin(l);
    }
    if (l->region_add) {
        for (unsigned i = 0; i < fv->nr; i++) {
            MemoryRegionSection s = section_of(as, &fv->ranges[i]);
            l->region_add(l, &s);
        }
    }
    if (l->commit) {
        l->commit(l);
    }
}

void memory_listener_unregister(MemoryListener *l)
{
    MemoryListener **link;

    if (!l->as) {
        return;
    }
    link = &l->as->listeners;
    while (*link != l) {
        assert(*link);
        link = &(*link)->next;
    }
    *link = l->next;
    l->next = NULL;
    l->as = NULL;
}

void address_spaces_update(void)
{
    for (AddressSpace *as = address_spaces; as; as = as->next) {
        FlatView *new = flatview_render(as->root);
        FlatView *old = atomic_exchange(&as->current, new);

        listeners_notify(as, old, new);
        grace_synchronize();
        flatview_unref(old);
    }
}
