/*
 * `info mtree`: each address space's region tree as QEMU prints it
 * (softmmu/memory.c mtree_print_mr), one line per region with its absolute
 * range, priority, type and name, children indented two spaces and sorted
 * by address (then priority, highest first); aliases name their target and
 * the window into it, and each aliased region is printed after the spaces
 * under "memory-region:".  Disabled regions show only when asked (`-D`).
 * With flat (`-f`), each space's flat view instead (one view per space:
 * we do not share views between spaces as QEMU does).
 * Main loop thread: reads the tree, which only that thread changes.
 */
#include "memory/memory_internal.h"

#include <inttypes.h>
#include <stdlib.h>

static uint64_t mtree_last(uint64_t base, const MemoryRegion *mr)
{
    /* Inclusive end; a region of 2^64 bytes ends at UINT64_MAX. */
    return mr->size == MEMORY_SIZE_ALL || mr->size == 0 ? base + mr->size
                                                        : base + mr->size - 1;
}

static int mtree_compare(const void *pa, const void *pb)
{
    const MemoryRegion *a = *(const MemoryRegion *const *)pa;
    const MemoryRegion *b = *(const MemoryRegion *const *)pb;

    if (a->addr != b->addr) {
        return a->addr < b->addr ? -1 : 1;
    }
    if (a->priority != b->priority) {
        return a->priority > b->priority ? -1 : 1;
    }
    return 0;
}

/* Alias targets met while printing, each printed once afterwards. */
typedef struct {
    const MemoryRegion **mr;
    size_t n, capacity;
} AliasQueue;

static void alias_queue_add(AliasQueue *q, const MemoryRegion *mr)
{
    for (size_t i = 0; i < q->n; i++) {
        if (q->mr[i] == mr) {
            return;
        }
    }
    if (q->n == q->capacity) {
        size_t cap = q->capacity ? q->capacity * 2 : 8;
        const MemoryRegion **grown = realloc(q->mr, cap * sizeof(*grown));
        if (!grown) {
            return;                     /* a shorter dump, not a failure */
        }
        q->mr = grown;
        q->capacity = cap;
    }
    q->mr[q->n++] = mr;
}

static void mtree_print_region(FILE *out, const MemoryRegion *mr, uint64_t base, int level,
                               bool show_disabled, AliasQueue *aliases)
{
    uint64_t start = base + mr->addr;
    const char *disabled = mr->enabled ? "" : " [disabled]";
    const MemoryRegion **subs;
    size_t n = 0, i = 0;

    if (!mr->enabled && !show_disabled) {
        return;
    }
    fprintf(out, "%*s%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): ", level * 2, "",
            start, mtree_last(start, mr), mr->priority, memory_region_type_name(mr));
    if (mr->kind == MEMORY_REGION_ALIAS) {
        fprintf(out, "alias %s @%s %016" PRIx64 "-%016" PRIx64 "%s\n", mr->name,
                mr->alias->name, mr->alias_offset, mtree_last(mr->alias_offset, mr), disabled);
        alias_queue_add(aliases, mr->alias);
        return;
    }
    fprintf(out, "%s%s\n", mr->name, disabled);

    for (const MemoryRegion *s = mr->subregions; s; s = s->next_sibling) {
        n++;
    }
    if (!n || !(subs = malloc(n * sizeof(*subs)))) {
        return;
    }
    for (const MemoryRegion *s = mr->subregions; s; s = s->next_sibling) {
        subs[i++] = s;
    }
    /* Insertion sort: stable, so equal keys keep list order (later added first). */
    for (size_t j = 1; j < n; j++) {
        const MemoryRegion *key = subs[j];
        size_t k = j;
        while (k > 0 && mtree_compare(&subs[k - 1], &key) > 0) {
            subs[k] = subs[k - 1];
            k--;
        }
        subs[k] = key;
    }
    for (i = 0; i < n; i++) {
        mtree_print_region(out, subs[i], start, level + 1, show_disabled, aliases);
    }
    free(subs);
}

static void mtree_print_flatview(FILE *out, AddressSpace *as, int counter)
{
    FlatView *fv = address_space_get_flatview(as);
    const char *root = as->root ? as->root->name : "(none)";

    fprintf(out, "FlatView #%d\n AS \"%s\", root: %s\n Root memory region: %s\n",
            counter, as->name, root, root);
    if (fv->nr == 0) {
        fprintf(out, "  No rendered FlatView\n");
    }
    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        fprintf(out, "  %016" PRIx64 "-%016" PRIx64 " (prio %d, %s): %s", fr->start, fr->last,
                fr->mr->priority, fr->readonly && fr->mr->kind == MEMORY_REGION_RAM ? "rom"
                                   : memory_region_type_name(fr->mr),
                fr->mr->name);
        if (fr->offset_in_region) {
            fprintf(out, " @%016" PRIx64, fr->offset_in_region);
        }
        fputc('\n', out);
    }
    fputc('\n', out);
    flatview_unref(fv);
}

void mtree_info(FILE *out, bool flat, bool show_disabled)
{
    AliasQueue aliases = { 0 };
    int counter = 0;

    if (flat) {
        for (AddressSpace *as = address_spaces; as; as = as->next) {
            mtree_print_flatview(out, as, counter++);
        }
        return;
    }
    for (AddressSpace *as = address_spaces; as; as = as->next) {
        fprintf(out, "address-space: %s\n", as->name);
        if (as->root) {
            mtree_print_region(out, as->root, 0, 1, show_disabled, &aliases);
        }
        fputc('\n', out);
    }
    /* The queue may grow while we walk it: aliases inside alias targets. */
    for (size_t i = 0; i < aliases.n; i++) {
        fprintf(out, "memory-region: %s\n", aliases.mr[i]->name);
        mtree_print_region(out, aliases.mr[i], 0, 1, show_disabled, &aliases);
        fputc('\n', out);
    }
    free(aliases.mr);
}
