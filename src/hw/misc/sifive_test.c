/*
 * SiFive test finisher (see sifive_test.h), as QEMU's hw/misc/sifive_test.c
 * behaves: only 32-bit writes to offset 0 act; reads return 0; an unknown
 * command is a guest error, logged and ignored.
 */
#include "hw/misc/sifive_test.h"

#include "hw/fdt/devtree.h"
#include "system/runstate.h"
#include "util/log.h"

#include <inttypes.h>
#include <stdlib.h>

static uint64_t sifive_test_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void sifive_test_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    if (addr != 0) {
        log_mask_printf(LOG_GUEST_ERRORS, "sifive_test: write to bad offset 0x%" PRIx64 "\n",
                        addr);
        return;
    }
    uint32_t status = val & 0xffff;
    uint32_t code = (val >> 16) & 0xffff;

    switch (status) {
    case SIFIVE_TEST_FAIL:
        runstate_request_exit((int)code);
        return;
    case SIFIVE_TEST_PASS:
        runstate_request_exit(0);
        return;
    case SIFIVE_TEST_RESET:
        runstate_request_reset(SHUTDOWN_CAUSE_GUEST_RESET);
        return;
    default:
        log_mask_printf(LOG_GUEST_ERRORS, "sifive_test: unknown command 0x%" PRIx64 "\n", val);
        return;
    }
}

static const MemoryRegionOps sifive_test_ops = {
    .read = sifive_test_read,
    .write = sifive_test_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .min_access_size = 2, .max_access_size = 4 },
};

static void sifive_test_init(Object *obj)
{
    SifiveTestState *s = SIFIVE_TEST(obj);

    memory_region_init_io(&s->iomem, obj, &sifive_test_ops, s, TYPE_SIFIVE_TEST,
                          SIFIVE_TEST_SIZE);
}

static void sifive_test_finalize(Object *obj)
{
    memory_region_destroy(&SIFIVE_TEST(obj)->iomem);
}

/* test@100000 with compatible "sifive,test1", "sifive,test0", "syscon": the
 * syscon-poweroff/-reboot nodes (written by the board) point at it. */
static uint32_t sifive_test_write_node(Object *obj, DevTree *dt, const FdtNodeInfo *info)
{
    static const char *const compat[] = { "sifive,test1", "sifive,test0", "syscon" };
    char *path = devtree_node_path(info->parent, "test", info->base);

    devtree_add_node(dt, path);
    devtree_set_prop_strings(dt, path, "compatible", compat, 3);
    devtree_set_reg_irq(dt, path, info);
    uint32_t ph = devtree_add_phandle(dt, path);
    free(path);
    return ph;
}

static void sifive_test_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    FdtNodeWriterClass *fc = OBJECT_CLASS_CHECK(FdtNodeWriterClass, oc, TYPE_FDT_NODE_WRITER);

    dc->desc = "SiFive test finisher";
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
    fc->write_node = sifive_test_write_node;
}

static const InterfaceInfo sifive_test_interfaces[] = { { TYPE_FDT_NODE_WRITER }, { NULL } };

static const TypeInfo sifive_test_type = {
    .name = TYPE_SIFIVE_TEST,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(SifiveTestState),
    .instance_init = sifive_test_init,
    .instance_finalize = sifive_test_finalize,
    .class_init = sifive_test_class_init,
    .interfaces = sifive_test_interfaces,
};

static void sifive_test_register_types(void)
{
    type_register_static(&sifive_test_type);
}

type_init(sifive_test_register_types)
