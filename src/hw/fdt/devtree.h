/*
 * Device-tree building over libfdt: a DevTree is a flattened tree that grows
 * as nodes and properties are added (QEMU's qemu_fdt_* helpers in our
 * shape).  Nodes are named by absolute path ("/soc/serial@10000000");
 * adding a node creates it under its parent, which must exist.  As with
 * libfdt's read-write API, a new node goes first among its siblings, so a
 * board that adds nodes in memory-map order gets QEMU's (reversed) layout.
 *
 * Each device writes its own node: a device type implements the
 * TYPE_FDT_NODE_WRITER interface, and the board calls devtree_write_device()
 * with where the board put it (base, size, interrupt line, interrupt
 * parent).  The tree thus comes from the board's device list.
 *
 * Errors: running out of space grows the blob; any other libfdt failure
 * (a missing parent, a bad name) is our own bug and asserts.  Setters take
 * host-order values and store big-endian cells.
 * Thread context: main thread, board init.
 */
#ifndef HW_FDT_DEVTREE_H
#define HW_FDT_DEVTREE_H

#include <stddef.h>
#include <stdint.h>

#include "core/object.h"

typedef struct DevTree DevTree;

DevTree *devtree_new(void);
void devtree_free(DevTree *dt);

/* Adds the node at path (its parent must exist); returns nothing since a
 * failure is our bug.  Adding an existing node is a no-op. */
void devtree_add_node(DevTree *dt, const char *path);
bool devtree_has_node(const DevTree *dt, const char *path);

void devtree_set_prop(DevTree *dt, const char *path, const char *name, const void *val,
                      size_t len);
void devtree_set_prop_empty(DevTree *dt, const char *path, const char *name);
void devtree_set_prop_u32(DevTree *dt, const char *path, const char *name, uint32_t val);
/* n 32-bit cells. */
void devtree_set_prop_cells(DevTree *dt, const char *path, const char *name,
                            const uint32_t *cells, size_t n);
/* Each 64-bit value as two cells (high, low): "reg" with 2 address and
 * 2 size cells. */
void devtree_set_prop_u64s(DevTree *dt, const char *path, const char *name,
                           const uint64_t *vals, size_t n);
void devtree_set_prop_string(DevTree *dt, const char *path, const char *name,
                             const char *val);
/* A string list ("a\0b\0"), n strings. */
void devtree_set_prop_strings(DevTree *dt, const char *path, const char *name,
                              const char *const *vals, size_t n);

/* A fresh phandle (1, 2, ...), not yet attached to any node. */
uint32_t devtree_alloc_phandle(DevTree *dt);
/* Gives the node a "phandle" property with a fresh value and returns it. */
uint32_t devtree_add_phandle(DevTree *dt, const char *path);

/* The blob, packed; valid until the next change or devtree_free. */
const void *devtree_blob(DevTree *dt, size_t *size_bytes);
/* Takes ownership of a finished blob (-dtb FILE); it must pass fdt_check_header. */
DevTree *devtree_from_blob(const void *blob, size_t size_bytes, Error **errp);

/* ---- devices that write their own node ---------------------------------- */

#define TYPE_FDT_NODE_WRITER "fdt-node-writer"

/* Where the board placed a device. */
typedef struct FdtNodeInfo {
    const char *parent;           /* "/soc" */
    uint64_t base;                /* the first region's guest physical address */
    uint64_t size;
    int irq;                      /* source number at the interrupt parent; -1: none */
    uint32_t intc_phandle;        /* interrupt parent; 0: none */
    /* Board-wide facts a device may need. */
    unsigned n_harts;
    const uint32_t *hart_intc_phandles;   /* per hart, the cpu's interrupt-controller */
} FdtNodeInfo;

typedef struct FdtNodeWriterClass {
    InterfaceClass parent_class;
    /* Writes the device's node (and any it owns) under info->parent;
     * returns the node's phandle if it made one, else 0. */
    uint32_t (*write_node)(Object *obj, DevTree *dt, const FdtNodeInfo *info);
} FdtNodeWriterClass;

/* Calls the device's write_node; 0 (and nothing written) when obj does not
 * implement the interface. */
uint32_t devtree_write_device(DevTree *dt, Object *obj, const FdtNodeInfo *info);

/* "NAME@HEX" under parent, malloc'd: "/soc/serial@10000000". */
char *devtree_node_path(const char *parent, const char *name, uint64_t base);
/* The usual trio: reg = <base size>, interrupts = <irq>, interrupt-parent. */
void devtree_set_reg_irq(DevTree *dt, const char *path, const FdtNodeInfo *info);

#endif
