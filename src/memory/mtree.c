/*
 * `info mtree`: each address space's region tree as QEMU prints it
 * (softmmu/memory.c mtree_print_mr), one line per region with its absolute
 * range, priority, type and name, children indented two spaces and sorted
 * by address (then priority, highest first); aliases name their target and
 * the window into it.  With flat, each space's flat view follows.
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

static void mtree_print_region(FILE *out, const MemoryRegion *mr, uint64_t base, int level)
{
    uint64_t start = base + mr->addr;
    const char *disabled = mr->enabled ? "" : " [disabled]";
    const MemoryRegion **subs;
    size_t n = 0, i = 0;

    fprintf(out, "%*s%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): ", level * 2, "",
            start, mtree_last(start, mr), mr->priority, memory_region_type_name(mr));
    if (mr->kind == MEMORY_REGION_ALIAS) {
        fprintf(out, "alias %s @%s %016" PRIx64 "-%016" PRIx64 "%s\n", mr->name,
                mr->alias->name, mr->alias_offset, mtree_last(mr->alias_offset, mr), disabled);
        return;
    }
    fprintf(out, "%s%s\n", mr->name, disabled);

    for (const MemoryRegion *s = mr->subregions; s; s = s->next_sibling) {
        n++;
    }
    if (!n) {
        return;
    }
    subs = malloc(n * sizeof(*subs));
    if (!subs) {
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
        mtree_print_region(out, subs[i], start, level + 1);
    }
    free(subs);
}

static void mtree_print_flatview(FILE *out, AddressSpace *as)
{
    FlatView *fv = address_space_get_flatview(as);

    fprintf(out, "FlatView for address-space: %s\n", as->name);
    if (fv->nr == 0) {
        fprintf(out, "  No rendered FlatView\n");
    }
    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        fprintf(out, "  %016" PRIx64 "-%016" PRIx64 " (prio %d, %s%s): %s", fr->start,
                fr->last, fr->mr->priority, memory_region_type_name(fr->mr),
                fr->readonly && fr->mr->kind == MEMORY_REGION_RAM && !fr->mr->readonly
                    ? " ro" : "",
                fr->mr->name);
        if (fr->offset_in_region) {
            fprintf(out, " @%016" PRIx64, fr->offset_in_region);
        }
        fputc('\n', out);
    }
    fputc('\n', out);
    flatview_unref(fv);
}

void mtree_info(FILE *out, bool flat)
{
    for (AddressSpace *as = address_spaces; as; as = as->next) {
        fprintf(out, "address-space: %s\n", as->name);
        if (as->root) {
            mtree_print_region(out, as->root, 0, 1);
        }
        fputc('\n', out);
    }
    if (flat) {
        for (AddressSpace *as = address_spaces; as; as = as->next) {
            mtree_print_flatview(out, as);
        }
    }
}
