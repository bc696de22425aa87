/*
 * Memory regions: initialisation of the five kinds, the subregion tree
 * (placement, priority, enable), and transactions.  Every change to the
 * tree goes through begin/commit so that the outermost commit re-renders
 * the flat views once (flatview.c).
 *
 * Invariants: a region is in at most one container; a container's
 * subregion list is sorted by priority, highest first, and among equal
 * priorities the most recently added first, which is the order rendering
 * gives way in (earlier-rendered wins), so "later added wins" as in QEMU.
 * RAM blocks get disjoint RamOffsets from one bump allocator.
 * Main loop thread (big lock held) for everything here except the
 * accessors, which only read fields that do not change while mapped.
 */
#include "memory/memory_internal.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static unsigned transaction_depth;
static bool update_pending;
static RamOffset ram_offset_next;

static void memory_region_changed(void);

static void memory_region_init_common(MemoryRegion *mr, void *owner, const char *name,
                                      uint64_t size, MemoryRegionKind kind)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = strdup(name ? name : "anonymous");
    assert(mr->name);
    mr->owner = owner;
    mr->kind = kind;
    mr->size = size;
    mr->enabled = true;
}

void memory_region_init(MemoryRegion *mr, void *owner, const char *name, uint64_t size)
{
    memory_region_init_common(mr, owner, name, size, MEMORY_REGION_CONTAINER);
}

void memory_region_init_io(MemoryRegion *mr, void *owner, const MemoryRegionOps *ops,
                           void *opaque, const char *name, uint64_t size)
{
    assert(ops);
    memory_region_init_common(mr, owner, name, size, MEMORY_REGION_MMIO);
    mr->ops = ops;
    mr->opaque = opaque;
}

static RamBlock *ram_block_new(MemoryRegion *mr, uint64_t size, HostPtr host, bool owns)
{
    RamBlock *rb = calloc(1, sizeof(*rb));
    const uint64_t align = 2u << 20;

    assert(rb);
    rb->mr = mr;
    rb->host = host;
    rb->size_bytes = size;
    rb->owns_host = owns;
    rb->offset = ram_offset_next;
    ram_offset_next += (size + align - 1) & ~(align - 1);
    return rb;
}

bool memory_region_init_ram(MemoryRegion *mr, void *owner, const char *name,
                            uint64_t size, Error **errp)
{
    void *host;

    memory_region_init_common(mr, owner, name, size, MEMORY_REGION_RAM);
    if (size == 0 || size == MEMORY_SIZE_ALL) {
        error_setg(errp, "RAM region '%s': invalid size 0x%" PRIx64, mr->name, size);
        goto fail;
    }
    host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot reserve 0x%" PRIx64 " bytes for RAM '%s'",
                         size, mr->name);
        goto fail;
    }
    mr->ram_block = ram_block_new(mr, size, host, true);
    return true;

fail:
    free(mr->name);
    mr->name = NULL;
    return false;
}

void memory_region_init_ram_ptr(MemoryRegion *mr, void *owner, const char *name,
                                uint64_t size, HostPtr host)
{
    assert(host && size != 0 && size != MEMORY_SIZE_ALL);
    memory_region_init_common(mr, owner, name, size, MEMORY_REGION_RAM);
    mr->ram_block = ram_block_new(mr, size, host, false);
}

bool memory_region_init_rom(MemoryRegion *mr, void *owner, const char *name,
                            uint64_t size, Error **errp)
{
    if (!memory_region_init_ram(mr, owner, name, size, errp)) {
        return false;
    }
    mr->readonly = true;
    return true;
}

bool memory_region_init_rom_device(MemoryRegion *mr, void *owner, const MemoryRegionOps *ops,
                                   void *opaque, const char *name, uint64_t size,
                                   Error **errp)
{
    assert(ops);
    if (!memory_region_init_ram(mr, owner, name, size, errp)) {
        return false;
    }
    mr->kind = MEMORY_REGION_ROM_DEVICE;
    mr->ops = ops;
    mr->opaque = opaque;
    mr->romd_mode = true;
    return true;
}

void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode)
{
    assert(mr->kind == MEMORY_REGION_ROM_DEVICE);
    if (mr->romd_mode != romd_mode) {
        mr->romd_mode = romd_mode;
        memory_region_changed();
    }
}

void memory_region_init_alias(MemoryRegion *mr, void *owner, const char *name,
                              MemoryRegion *orig, uint64_t offset, uint64_t size)
{
    assert(orig && orig != mr);
    memory_region_init_common(mr, owner, name, size, MEMORY_REGION_ALIAS);
    mr->alias = orig;
    mr->alias_offset = offset;
    orig->alias_users++;
}

void memory_region_destroy(MemoryRegion *mr)
{
    assert(!mr->container);
    assert(mr->alias_users == 0);
    memory_region_transaction_begin();
    while (mr->subregions) {
        memory_region_del_subregion(mr, mr->subregions);
    }
    memory_region_transaction_commit();
    if (mr->alias) {
        mr->alias->alias_users--;
    }
    if (mr->ram_block) {
        if (mr->ram_block->owns_host) {
            munmap(mr->ram_block->host, mr->ram_block->size_bytes);
        }
        free(mr->ram_block);
    }
    free(mr->name);
    memset(mr, 0, sizeof(*mr));
}

/* ---- the tree ---------------------------------------------------------- */

static void memory_region_changed(void)
{
    memory_region_transaction_begin();
    update_pending = true;
    memory_region_transaction_commit();
}

static void memory_region_add_subregion_common(MemoryRegion *container, GuestPaddr offset,
                                               MemoryRegion *sub)
{
    MemoryRegion **link = &container->subregions;

    assert(!sub->container);
    sub->container = container;
    sub->addr = offset;
    /* Before the first of lower or equal priority: later added wins. */
    while (*link && (*link)->priority > sub->priority) {
        link = &(*link)->next_sibling;
    }
    sub->next_sibling = *link;
    *link = sub;
    memory_region_changed();
}

void memory_region_add_subregion(MemoryRegion *container, GuestPaddr offset,
                                 MemoryRegion *sub)
{
    sub->may_overlap = false;
    sub->priority = 0;
    memory_region_add_subregion_common(container, offset, sub);
}

void memory_region_add_subregion_overlap(MemoryRegion *container, GuestPaddr offset,
                                         MemoryRegion *sub, int priority)
{
    sub->may_overlap = true;
    sub->priority = priority;
    memory_region_add_subregion_common(container, offset, sub);
}

void memory_region_del_subregion(MemoryRegion *container, MemoryRegion *sub)
{
    MemoryRegion **link = &container->subregions;

    assert(sub->container == container);
    while (*link != sub) {
        assert(*link);
        link = &(*link)->next_sibling;
    }
    *link = sub->next_sibling;
    sub->next_sibling = NULL;
    sub->container = NULL;
    memory_region_changed();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        memory_region_changed();
    }
}

void memory_region_set_address(MemoryRegion *mr, GuestPaddr addr)
{
    MemoryRegion *container = mr->container;

    if (addr == mr->addr) {
        return;
    }
    if (!container) {
        mr->addr = addr;
        return;
    }
    /* Re-add to keep the list order rule (it now counts as added last). */
    memory_region_transaction_begin();
    memory_region_del_subregion(container, mr);
    memory_region_add_subregion_common(container, addr, mr);
    memory_region_transaction_commit();
}

void memory_region_set_alias_offset(MemoryRegion *mr, uint64_t offset)
{
    assert(mr->kind == MEMORY_REGION_ALIAS);
    if (mr->alias_offset != offset) {
        mr->alias_offset = offset;
        memory_region_changed();
    }
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly != readonly) {
        mr->readonly = readonly;
        memory_region_changed();
    }
}

/* ---- accessors --------------------------------------------------------- */

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name;
}

uint64_t memory_region_size(const MemoryRegion *mr)
{
    return mr->size;
}

static const MemoryRegion *memory_region_resolve(const MemoryRegion *mr)
{
    while (mr->kind == MEMORY_REGION_ALIAS) {
        mr = mr->alias;
    }
    return mr;
}

bool memory_region_is_ram(const MemoryRegion *mr)
{
    return memory_region_resolve(mr)->kind == MEMORY_REGION_RAM;
}

bool memory_region_is_rom(const MemoryRegion *mr)
{
    const MemoryRegion *t = memory_region_resolve(mr);
    return t->kind == MEMORY_REGION_RAM && t->readonly;
}

bool memory_region_is_mmio(const MemoryRegion *mr)
{
    return memory_region_resolve(mr)->kind == MEMORY_REGION_MMIO;
}

bool memory_region_is_romd(const MemoryRegion *mr)
{
    const MemoryRegion *t = memory_region_resolve(mr);
    return t->kind == MEMORY_REGION_ROM_DEVICE && t->romd_mode;
}

HostPtr memory_region_get_ram_ptr(MemoryRegion *mr)
{
    uint64_t offset = 0;

    while (mr->kind == MEMORY_REGION_ALIAS) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    if (!mr->ram_block || offset >= mr->ram_block->size_bytes) {
        return NULL;
    }
    return (uint8_t *)mr->ram_block->host + offset;
}

RamBlock *memory_region_get_ram_block(MemoryRegion *mr)
{
    return ((MemoryRegion *)memory_region_resolve(mr))->ram_block;
}

const char *memory_region_type_name(const MemoryRegion *mr)
{
    const MemoryRegion *t = memory_region_resolve(mr);

    /* As QEMU's `info mtree`: containers and devices are both "i/o". */
    if (t->kind == MEMORY_REGION_RAM) {
        return t->readonly ? "rom" : "ram";
    }
    return memory_region_is_romd(t) ? "romd" : "i/o";
}

bool memory_region_write_rom(MemoryRegion *mr, uint64_t offset, const void *buf,
                             uint64_t len, Error **errp)
{
    uint8_t *host = memory_region_get_ram_ptr(mr);
    uint64_t size = memory_region_size(mr);

    if (!host) {
        error_setg(errp, "region '%s' is not RAM or ROM", mr->name);
        return false;
    }
    if (offset > size || len > size - offset) {
        error_setg(errp, "0x%" PRIx64 " bytes at offset 0x%" PRIx64
                   " do not fit in region '%s' (0x%" PRIx64 " bytes)",
                   len, offset, mr->name, size);
        return false;
    }
    memcpy(host + offset, buf, len);
    return true;
}

/* ---- transactions ------------------------------------------------------ */

void memory_region_transaction_begin(void)
{
    transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    assert(transaction_depth > 0);
    if (--transaction_depth == 0 && update_pending) {
        update_pending = false;
        address_spaces_update();
    }
}
