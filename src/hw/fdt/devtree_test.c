/*
 * Device-tree building: nodes and properties read back through libfdt,
 * growth past the first buffer, phandles, string lists, QEMU's sibling
 * order, a device writing its own node, and -dtb blobs accepted/refused.
 */
#include "hw/fdt/devtree.h"
#include "util/unittest.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

static const void *prop(DevTree *dt, const char *path, const char *name, int *len)
{
    const void *blob = devtree_blob(dt, NULL);
    int off = fdt_path_offset(blob, path);

    if (off < 0) {
        return NULL;
    }
    return fdt_getprop(blob, off, name, len);
}

UNITTEST(nodes_and_properties)
{
    DevTree *dt = devtree_new();
    int len;

    devtree_add_node(dt, "/soc");
    devtree_add_node(dt, "/soc/uart@10000000");
    devtree_set_prop_string(dt, "/soc/uart@10000000", "compatible", "ns16550a");
    devtree_set_prop_u32(dt, "/soc/uart@10000000", "interrupts", 10);
    uint64_t reg[2] = { 0x10000000, 0x100 };
    devtree_set_prop_u64s(dt, "/soc/uart@10000000", "reg", reg, 2);
    devtree_set_prop_empty(dt, "/soc", "ranges");
    const char *const compat[] = { "sifive,test1", "syscon" };
    devtree_set_prop_strings(dt, "/soc", "compatible", compat, 2);

    CHECK(devtree_has_node(dt, "/soc/uart@10000000"));
    CHECK(!devtree_has_node(dt, "/soc/nothing"));
    CHECK_STR(prop(dt, "/soc/uart@10000000", "compatible", &len), "ns16550a");
    const fdt32_t *irq = prop(dt, "/soc/uart@10000000", "interrupts", &len);
    CHECK_INT(len, 4);
    CHECK_INT(fdt32_to_cpu(irq[0]), 10);
    const fdt32_t *r = prop(dt, "/soc/uart@10000000", "reg", &len);
    CHECK_INT(len, 16);
    CHECK_U64(fdt32_to_cpu(r[1]), 0x10000000);
    CHECK_U64(fdt32_to_cpu(r[3]), 0x100);
    CHECK(prop(dt, "/soc", "ranges", &len) != NULL);
    CHECK_INT(len, 0);
    const char *c = prop(dt, "/soc", "compatible", &len);
    CHECK_INT(len, (int)sizeof("sifive,test1") + (int)sizeof("syscon"));
    CHECK_STR(c + strlen(c) + 1, "syscon");
    /* Adding again is a no-op; overwriting a property replaces it. */
    devtree_add_node(dt, "/soc");
    devtree_set_prop_u32(dt, "/soc/uart@10000000", "interrupts", 11);
    irq = prop(dt, "/soc/uart@10000000", "interrupts", &len);
    CHECK_INT(fdt32_to_cpu(irq[0]), 11);
    devtree_free(dt);
}

UNITTEST(grows_and_orders_like_qemu)
{
    DevTree *dt = devtree_new();
    char path[64];

    /* Far more than the first 64 KiB. */
    for (int i = 0; i < 2000; i++) {
        snprintf(path, sizeof(path), "/node@%x", i);
        devtree_add_node(dt, path);
        devtree_set_prop_string(dt, path, "compatible", "a-fairly-long-compatible-string");
    }
    size_t size;
    const void *blob = devtree_blob(dt, &size);
    CHECK(size > 64 * 1024);
    CHECK_INT(fdt_check_header(blob), 0);
    /* The last node added comes first among its siblings (libfdt prepends). */
    int first = fdt_first_subnode(blob, 0);
    CHECK_STR(fdt_get_name(blob, first, NULL), "node@7cf");
    /* Adding after a pack works. */
    devtree_add_node(dt, "/late");
    CHECK(devtree_has_node(dt, "/late"));
    devtree_free(dt);
}

UNITTEST(phandles)
{
    DevTree *dt = devtree_new();
    int len;

    devtree_add_node(dt, "/a");
    CHECK_INT(devtree_add_phandle(dt, "/a"), 1);
    CHECK_INT(devtree_alloc_phandle(dt), 2);
    const fdt32_t *ph = prop(dt, "/a", "phandle", &len);
    CHECK_INT(fdt32_to_cpu(*ph), 1);

    size_t size;
    const void *blob = devtree_blob(dt, &size);
    void *copy = malloc(size);
    memcpy(copy, blob, size);
    DevTree *dt2 = devtree_from_blob(copy, size, NULL);
    free(copy);
    CHECK(dt2 != NULL);
    /* Fresh phandles continue past the blob's. */
    CHECK_INT(devtree_alloc_phandle(dt2), 2);
    devtree_free(dt2);
    devtree_free(dt);
}

UNITTEST(from_blob_refuses_garbage)
{
    uint8_t junk[128] = { 1, 2, 3 };
    Error *err = NULL;

    CHECK(devtree_from_blob(junk, sizeof(junk), &err) == NULL);
    CHECK(err != NULL);
    error_free(err);
    CHECK(devtree_from_blob(junk, 4, NULL) == NULL);
}

/* A device that writes its own node. */
#define TYPE_TEST_FDT_DEV "test-fdt-dev"

static uint32_t test_write_node(Object *obj, DevTree *dt, const FdtNodeInfo *info)
{
    char *path = devtree_node_path(info->parent, "thing", info->base);

    devtree_add_node(dt, path);
    devtree_set_prop_string(dt, path, "compatible", "test,thing");
    devtree_set_reg_irq(dt, path, info);
    uint32_t ph = devtree_add_phandle(dt, path);
    free(path);
    return ph;
}

static void test_fdt_dev_class_init(ObjectClass *oc, const void *data)
{
    FdtNodeWriterClass *fc = OBJECT_CLASS_CHECK(FdtNodeWriterClass, oc, TYPE_FDT_NODE_WRITER);
    fc->write_node = test_write_node;
}

static const InterfaceInfo test_ifaces[] = { { TYPE_FDT_NODE_WRITER }, { NULL } };
static const TypeInfo test_fdt_dev = {
    .name = TYPE_TEST_FDT_DEV, .parent = TYPE_OBJECT, .instance_size = sizeof(Object),
    .class_init = test_fdt_dev_class_init, .interfaces = test_ifaces,
};

static void test_register(void)
{
    type_register_static(&test_fdt_dev);
}
type_init(test_register)

UNITTEST(device_writes_its_node)
{
    DevTree *dt = devtree_new();
    Object *dev = object_new(TYPE_TEST_FDT_DEV);
    Object *plain = object_new(TYPE_CONTAINER);
    FdtNodeInfo info = { .parent = "/", .base = 0x101000, .size = 0x1000, .irq = 11,
                         .intc_phandle = 7 };
    int len;

    CHECK_INT(devtree_write_device(dt, dev, &info), 1);
    CHECK_INT(devtree_write_device(dt, plain, &info), 0);
    CHECK_STR(prop(dt, "/thing@101000", "compatible", &len), "test,thing");
    const fdt32_t *ip = prop(dt, "/thing@101000", "interrupt-parent", &len);
    CHECK(ip && fdt32_to_cpu(*ip) == 7);
    info.irq = -1;
    info.parent = "/";
    info.base = 0x2000;
    devtree_write_device(dt, dev, &info);
    CHECK(prop(dt, "/thing@2000", "interrupts", &len) == NULL);
    object_unref(dev);
    object_unref(plain);
    devtree_free(dt);
}
