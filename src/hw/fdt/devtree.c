/*
 * Device-tree building over libfdt's read-write API (see devtree.h).  The
 * blob lives in a malloc'd buffer with room to spare; a change that fails
 * with -FDT_ERR_NOSPACE doubles the buffer (fdt_open_into) and retries.
 * devtree_blob() packs the tree; the next change reopens it with room.
 * Invariant: dt->buf always holds a valid tree of dt->cap bytes of buffer.
 */
#include "hw/fdt/devtree.h"

#include <assert.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct DevTree {
    void *buf;
    size_t cap;
    uint32_t next_phandle;
};

#define DEVTREE_INITIAL_BYTES (64 * 1024)

DevTree *devtree_new(void)
{
    DevTree *dt = calloc(1, sizeof(*dt));

    assert(dt);
    dt->cap = DEVTREE_INITIAL_BYTES;
    dt->buf = calloc(1, dt->cap);
    assert(dt->buf);
    int err = fdt_create_empty_tree(dt->buf, dt->cap);
    assert(err == 0);
    dt->next_phandle = 1;
    return dt;
}

void devtree_free(DevTree *dt)
{
    if (dt) {
        free(dt->buf);
        free(dt);
    }
}

/* Makes room for at least `more` bytes beyond what the tree uses now. */
static void devtree_grow(DevTree *dt, size_t more)
{
    size_t want = fdt_totalsize(dt->buf) + more;
    size_t cap = dt->cap;

    while (cap < want) {
        cap *= 2;
    }
    if (cap == dt->cap && (size_t)fdt_totalsize(dt->buf) == dt->cap) {
        return;
    }
    void *nbuf = calloc(1, cap);
    assert(nbuf);
    int err = fdt_open_into(dt->buf, nbuf, (int)cap);
    assert(err == 0);
    free(dt->buf);
    dt->buf = nbuf;
    dt->cap = cap;
}

/* After a pack the blob has no free space: reopen it into the whole buffer. */
static void devtree_unpack(DevTree *dt)
{
    if ((size_t)fdt_totalsize(dt->buf) < dt->cap) {
        int err = fdt_open_into(dt->buf, dt->buf, (int)dt->cap);
        assert(err == 0);
    }
}

static int devtree_offset(const DevTree *dt, const char *path)
{
    int off = fdt_path_offset(dt->buf, path);

    if (off < 0) {
        fprintf(stderr, "devtree: no node %s: %s\n", path, fdt_strerror(off));
        abort();
    }
    return off;
}

bool devtree_has_node(const DevTree *dt, const char *path)
{
    return fdt_path_offset(dt->buf, path) >= 0;
}

void devtree_add_node(DevTree *dt, const char *path)
{
    assert(path[0] == '/');
    if (devtree_has_node(dt, path)) {
        return;
    }
    const char *slash = strrchr(path, '/');
    char *parent = strndup(path, slash == path ? 1 : (size_t)(slash - path));
    assert(parent);
    devtree_unpack(dt);
    for (;;) {
        int poff = devtree_offset(dt, parent);
        int off = fdt_add_subnode(dt->buf, poff, slash + 1);
        if (off == -FDT_ERR_NOSPACE) {
            devtree_grow(dt, strlen(path) + 64);
            continue;
        }
        if (off < 0) {
            fprintf(stderr, "devtree: cannot add %s: %s\n", path, fdt_strerror(off));
            abort();
        }
        break;
    }
    free(parent);
}

void devtree_set_prop(DevTree *dt, const char *path, const char *name, const void *val,
                      size_t len)
{
    devtree_unpack(dt);
    for (;;) {
        int off = devtree_offset(dt, path);
        int err = fdt_setprop(dt->buf, off, name, val, (int)len);
        if (err == -FDT_ERR_NOSPACE) {
            devtree_grow(dt, len + strlen(name) + 64);
            continue;
        }
        if (err < 0) {
            fprintf(stderr, "devtree: cannot set %s:%s: %s\n", path, name, fdt_strerror(err));
            abort();
        }
        return;
    }
}

void devtree_set_prop_empty(DevTree *dt, const char *path, const char *name)
{
    devtree_set_prop(dt, path, name, NULL, 0);
}

void devtree_set_prop_cells(DevTree *dt, const char *path, const char *name,
                            const uint32_t *cells, size_t n)
{
    uint32_t *be = calloc(n ? n : 1, sizeof(*be));

    assert(be);
    for (size_t i = 0; i < n; i++) {
        be[i] = cpu_to_fdt32(cells[i]);
    }
    devtree_set_prop(dt, path, name, be, n * sizeof(*be));
    free(be);
}

void devtree_set_prop_u32(DevTree *dt, const char *path, const char *name, uint32_t val)
{
    devtree_set_prop_cells(dt, path, name, &val, 1);
}

void devtree_set_prop_u64s(DevTree *dt, const char *path, const char *name,
                           const uint64_t *vals, size_t n)
{
    uint32_t *cells = calloc(n ? 2 * n : 1, sizeof(*cells));

    assert(cells);
    for (size_t i = 0; i < n; i++) {
        cells[2 * i] = (uint32_t)(vals[i] >> 32);
        cells[2 * i + 1] = (uint32_t)vals[i];
    }
    devtree_set_prop_cells(dt, path, name, cells, 2 * n);
    free(cells);
}

void devtree_set_prop_string(DevTree *dt, const char *path, const char *name,
                             const char *val)
{
    devtree_set_prop(dt, path, name, val, strlen(val) + 1);
}

void devtree_set_prop_strings(DevTree *dt, const char *path, const char *name,
                              const char *const *vals, size_t n)
{
    size_t len = 0;

    for (size_t i = 0; i < n; i++) {
        len += strlen(vals[i]) + 1;
    }
    char *buf = malloc(len ? len : 1), *p = buf;
    assert(buf);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(vals[i]) + 1;
        memcpy(p, vals[i], l);
        p += l;
    }
    devtree_set_prop(dt, path, name, buf, len);
    free(buf);
}

uint32_t devtree_alloc_phandle(DevTree *dt)
{
    return dt->next_phandle++;
}

uint32_t devtree_add_phandle(DevTree *dt, const char *path)
{
    uint32_t ph = devtree_alloc_phandle(dt);

    devtree_set_prop_u32(dt, path, "phandle", ph);
    return ph;
}

const void *devtree_blob(DevTree *dt, size_t *size_bytes)
{
    int err = fdt_pack(dt->buf);

    assert(err == 0);
    if (size_bytes) {
        *size_bytes = fdt_totalsize(dt->buf);
    }
    return dt->buf;
}

DevTree *devtree_from_blob(const void *blob, size_t size_bytes, Error **errp)
{
    if (size_bytes < sizeof(struct fdt_header) || fdt_check_header(blob) != 0 ||
        fdt_totalsize(blob) > size_bytes) {
        error_setg(errp, "not a valid flattened device tree");
        return NULL;
    }
    DevTree *dt = calloc(1, sizeof(*dt));
    assert(dt);
    dt->cap = fdt_totalsize(blob) + DEVTREE_INITIAL_BYTES;
    dt->buf = calloc(1, dt->cap);
    assert(dt->buf);
    if (fdt_open_into(blob, dt->buf, (int)dt->cap) != 0) {
        error_setg(errp, "not a valid flattened device tree");
        devtree_free(dt);
        return NULL;
    }
    /* Fresh phandles must not collide with the ones already in the blob. */
    uint32_t max = 0;
    if (fdt_find_max_phandle(dt->buf, &max) != 0) {
        max = 0;
    }
    dt->next_phandle = max + 1;
    return dt;
}

/* ---- devices that write their own node ---------------------------------- */

uint32_t devtree_write_device(DevTree *dt, Object *obj, const FdtNodeInfo *info)
{
    ObjectClass *ic = object_class_dynamic_cast(object_get_class(obj), TYPE_FDT_NODE_WRITER);

    if (!ic) {
        return 0;
    }
    FdtNodeWriterClass *fc = (FdtNodeWriterClass *)ic;
    assert(fc->write_node);
    return fc->write_node(obj, dt, info);
}

char *devtree_node_path(const char *parent, const char *name, uint64_t base)
{
    char *path = NULL;
    int n = asprintf(&path, "%s/%s@%" PRIx64, strcmp(parent, "/") ? parent : "", name, base);

    assert(n > 0);
    return path;
}

void devtree_set_reg_irq(DevTree *dt, const char *path, const FdtNodeInfo *info)
{
    uint64_t reg[2] = { info->base, info->size };

    devtree_set_prop_u64s(dt, path, "reg", reg, 2);
    if (info->irq >= 0 && info->intc_phandle) {
        devtree_set_prop_u32(dt, path, "interrupt-parent", info->intc_phandle);
        devtree_set_prop_u32(dt, path, "interrupts", (uint32_t)info->irq);
    }
}

static const TypeInfo devtree_types[] = {
    { .name = TYPE_FDT_NODE_WRITER, .parent = TYPE_INTERFACE,
      .class_size = sizeof(FdtNodeWriterClass) },
};

static void devtree_register_types(void)
{
    type_register_static_array(devtree_types, 1);
}

type_init(devtree_register_types)
