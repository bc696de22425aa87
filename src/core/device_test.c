/*
 * Tests of devices: -global values applied at creation (and overridden by
 * -device values), realize and its failure leaving nothing in the tree,
 * read-only properties after realize, -device creation and ids, help
 * output, GPIO wiring between two devices.
 */
#include "core/device.h"
#include "util/unittest.h"

#include <stdlib.h>

#define TYPE_TEST_NIC "test-nic"
#define TYPE_TEST_NIC_FAST "test-nic-fast"
#define TYPE_TEST_BLK "test-blk"
#define TYPE_TEST_INTERNAL "test-internal"
#define TYPE_TEST_INTC "test-intc"

typedef struct TestNic {
    DeviceState parent_obj;
    uint32_t queues;
    bool fail_realize;
    char *mac;
    uint64_t bufsize;
    int realize_calls;
    int reset_calls;
    int queues_at_realize;
    IrqLine *irq;
} TestNic;

typedef struct TestIntc {
    DeviceState parent_obj;
    int levels[4];
    int changes;
} TestIntc;

static const Property nic_props[] = {
    DEFINE_PROP_UINT32("queues", TestNic, queues, 1, "Number of queues"),
    DEFINE_PROP_BOOL("fail", TestNic, fail_realize, false, "Fail to realize"),
    DEFINE_PROP_STRING("mac", TestNic, mac, NULL, "MAC address"),
    { .name = "bufsize", .kind = PROP_KIND_UINT, .type = "size", .is_size = true,
      PROP_FIELD(TestNic, bufsize, uint64_t), .set_after_realize = true },
    DEFINE_PROP_END_OF_LIST(),
};

static bool nic_realize(DeviceState *dev, Error **errp)
{
    TestNic *s = (TestNic *)dev;
    s->realize_calls++;
    s->queues_at_realize = (int)s->queues;
    if (s->fail_realize) {
        error_setg(errp, "test-nic: cannot realize");
        return false;
    }
    return true;
}

static void nic_reset(DeviceState *dev)
{
    ((TestNic *)dev)->reset_calls++;
}

static void nic_init(Object *obj)
{
    TestNic *s = (TestNic *)obj;
    device_init_gpio_out(DEVICE(obj), &s->irq, 1);
}

static void nic_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    dc->realize = nic_realize;
    dc->reset = nic_reset;
    dc->desc = "Test network card";
    dc->user_creatable = true;
    device_class_set_category(dc, DEVICE_CATEGORY_NETWORK);
    device_class_set_props(dc, nic_props);
}

static void blk_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    dc->desc = "Test disk";
    dc->bus_type = "test-bus";
    dc->user_creatable = true;
    device_class_set_category(dc, DEVICE_CATEGORY_STORAGE);
}

static void internal_class_init(ObjectClass *oc, const void *data)
{
    DEVICE_CLASS(oc)->desc = "Board-only device";
}

static void intc_set_irq(void *opaque, int n, int level)
{
    TestIntc *s = opaque;
    s->levels[n] = level;
    s->changes++;
}

static void intc_init(Object *obj)
{
    device_init_gpio_in(DEVICE(obj), intc_set_irq, 2);
    device_init_gpio_in_named(DEVICE(obj), intc_set_irq, "ext", 2);
}

static const TypeInfo device_test_types[] = {
    { .name = TYPE_TEST_NIC, .parent = TYPE_DEVICE, .instance_size = sizeof(TestNic),
      .instance_init = nic_init, .class_init = nic_class_init },
    { .name = TYPE_TEST_NIC_FAST, .parent = TYPE_TEST_NIC },
    { .name = TYPE_TEST_BLK, .parent = TYPE_DEVICE, .class_init = blk_class_init },
    { .name = TYPE_TEST_INTERNAL, .parent = TYPE_DEVICE, .class_init = internal_class_init },
    { .name = TYPE_TEST_INTC, .parent = TYPE_DEVICE, .instance_size = sizeof(TestIntc),
      .instance_init = intc_init },
};

static void device_test_register(void)
{
    type_register_static_array(device_test_types, 5);
}

type_init(device_test_register)

static char *capture_begin(FILE **out, size_t *len, char **buf)
{
    *buf = NULL;
    *out = open_memstream(buf, len);
    return NULL;
}

UNITTEST(globals_are_defaults_applied_at_creation)
{
    CHECK(device_add_global(TYPE_TEST_NIC, "queues", "4", NULL));
    CHECK(device_add_global_text("test-nic.mac=52:54:00:12:34:56", NULL));

    TestNic *s = (TestNic *)object_new(TYPE_TEST_NIC_FAST);   /* subtype matches too */
    CHECK_INT(s->queues, 4);
    CHECK_STR(s->mac, "52:54:00:12:34:56");
    CHECK(device_realize(DEVICE(s), NULL));
    CHECK_INT(s->queues_at_realize, 4);
    object_unparent(OBJECT(s));
    object_unref(s);

    /* -device values override -global ones. */
    const char *props[] = { "queues=8" };
    DeviceState *dev = device_create(TYPE_TEST_NIC, "n-override", props, 1, NULL);
    CHECK(dev != NULL);
    CHECK_INT(((TestNic *)dev)->queues_at_realize, 8);
    object_unparent(OBJECT(dev));

    /* A bad global fails realize with a message naming it. */
    CHECK(device_add_global(TYPE_TEST_NIC, "queues", "many", NULL));
    Error *err = NULL;
    s = (TestNic *)object_new(TYPE_TEST_NIC);
    CHECK(!device_realize(DEVICE(s), &err));
    CHECK_STR(error_get_pretty(err), "can't apply global test-nic.queues=many: "
                                     "Property 'test-nic.queues' doesn't take value 'many'");
    error_free(err);
    CHECK_INT(s->realize_calls, 0);
    CHECK(OBJECT(s)->parent == NULL);
    object_unref(s);
    CHECK(device_add_global("no-such-driver", "x", "1", NULL));
    CHECK_INT(device_check_globals(), 1);    /* only the misspelt one */
    device_clear_globals();
    CHECK_INT(device_check_globals(), 0);

    err = NULL;
    CHECK(!device_add_global_text("noprop=1", &err));
    error_free(err);
}

UNITTEST(realize_reset_and_read_only_after_realize)
{
    DeviceState *dev = DEVICE(object_new(TYPE_TEST_NIC));
    TestNic *s = (TestNic *)dev;
    Error *err = NULL;

    CHECK(object_property_set_uint(OBJECT(dev), "queues", 2, NULL));
    CHECK(device_realize(dev, NULL));
    CHECK(dev->realized);
    CHECK_INT(s->realize_calls, 1);
    CHECK(device_realize(dev, NULL));        /* idempotent */
    CHECK_INT(s->realize_calls, 1);
    char *path = object_get_canonical_path(OBJECT(dev));
    CHECK(path && strncmp(path, "/machine/unattached/device[", 27) == 0);
    free(path);

    CHECK(!object_property_set_uint(OBJECT(dev), "queues", 3, &err));
    CHECK_STR(error_get_pretty(err), "Attempt to set property 'queues' on anonymous device "
                                     "(type 'test-nic') after it was realized");
    error_free(err);
    CHECK_INT(s->queues, 2);
    CHECK(object_property_parse(OBJECT(dev), "bufsize", "64k", NULL));   /* flagged */
    CHECK_U64(s->bufsize, 65536);

    device_reset(dev);
    device_reset(dev);
    CHECK_INT(s->reset_calls, 2);
    object_unparent(OBJECT(dev));            /* unrealizes */
    CHECK(!dev->realized);
    CHECK(object_property_set_uint(OBJECT(dev), "queues", 3, NULL));
    object_unref(dev);
}

UNITTEST(realize_failure_leaves_nothing_attached)
{
    Error *err = NULL;
    DeviceState *dev = DEVICE(object_new(TYPE_TEST_NIC));
    CHECK(object_property_set_bool(OBJECT(dev), "fail", true, NULL));
    CHECK(!device_realize(dev, &err));
    CHECK_STR(error_get_pretty(err), "test-nic: cannot realize");
    error_free(err);
    err = NULL;
    CHECK(!dev->realized);
    CHECK(OBJECT(dev)->parent == NULL);
    CHECK_INT(OBJECT(dev)->ref, 1);
    object_unref(dev);

    const char *props[] = { "fail=on" };
    CHECK(device_create(TYPE_TEST_NIC, "broken", props, 1, &err) == NULL);
    CHECK_STR(error_get_pretty(err), "test-nic: cannot realize");
    error_free(err);
    CHECK(object_resolve_path("/machine/peripheral/broken", NULL) == NULL);

    /* Bare "fail" means fail=on, as in QemuOpts. */
    const char *bare[] = { "fail" };
    err = NULL;
    CHECK(device_create(TYPE_TEST_NIC, NULL, bare, 1, &err) == NULL);
    error_free(err);
    Object *anon = object_get_container("/machine/peripheral-anon");
    CHECK(anon->properties == NULL);
}

UNITTEST(device_create_checks)
{
    Error *err = NULL;
    const char *props[] = { "queues=3", "mac=aa" };

    DeviceState *dev = device_create(TYPE_TEST_NIC, "net0", props, 2, &err);
    CHECK(dev != NULL);
    CHECK(object_resolve_path("/machine/peripheral/net0", NULL) == OBJECT(dev));
    CHECK(object_resolve_path("net0", NULL) == OBJECT(dev));
    CHECK_STR(dev->id, "net0");
    CHECK(dev->realized);
    CHECK_INT(((TestNic *)dev)->queues, 3);

    static const struct {
        const char *driver, *id, *prop, *message;
    } bad[] = {
        { TYPE_TEST_NIC, "net0", "queues=1", "Duplicate ID 'net0' for device" },
        { TYPE_TEST_NIC, "0bad", "queues=1", "Parameter 'id' expects an identifier" },
        { "nonexistent", NULL, "queues=1", "'nonexistent' is not a valid device model name" },
        { TYPE_DEVICE, NULL, "queues=1", "Parameter 'driver' expects a non-abstract device type" },
        { TYPE_TEST_INTERNAL, NULL, "x=1", "Parameter 'driver' expects a pluggable device type" },
        { TYPE_TEST_NIC, "net1", "queues=x", "Property 'test-nic.queues' doesn't take value 'x'" },
        { TYPE_TEST_NIC, "net1", "speed=10", "Property 'test-nic.speed' not found" },
        { TYPE_CONTAINER, NULL, "x=1", "'container' is not a valid device model name" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = NULL;
        CHECK(device_create(bad[i].driver, bad[i].id, &bad[i].prop, 1, &err) == NULL);
        CHECK_STR(err ? error_get_pretty(err) : NULL, bad[i].message);
        error_free(err);
    }
    CHECK(object_resolve_path("/machine/peripheral/net1", NULL) == NULL);

    DeviceState *anon = device_create(TYPE_TEST_BLK, NULL, NULL, 0, NULL);
    char *path = object_get_canonical_path(OBJECT(anon));
    CHECK(path && strncmp(path, "/machine/peripheral-anon/device[", 32) == 0);
    free(path);
    object_unparent(OBJECT(anon));
    object_unparent(OBJECT(dev));
    CHECK(object_resolve_path("/machine/peripheral/net0", NULL) == NULL);
}

UNITTEST(help_output)
{
    FILE *out;
    size_t len;
    char *buf;

    capture_begin(&out, &len, &buf);
    device_print_help_list(out);
    fclose(out);
    CHECK(strstr(buf, "Storage devices:\nname \"test-blk\", bus test-bus, desc \"Test disk\"\n"));
    CHECK(strstr(buf, "Network devices:\nname \"test-nic\", desc \"Test network card\"\n"
                      "name \"test-nic-fast\", desc \"Test network card\"\n"));
    CHECK(strstr(buf, "\n\nNetwork devices:") != NULL);   /* blank line between groups */
    CHECK(strstr(buf, "Storage devices:") < strstr(buf, "Network devices:"));   /* QEMU's order */
    CHECK(strstr(buf, "test-internal") == NULL);         /* not user-creatable */
    CHECK(strstr(buf, "test-intc") == NULL);
    free(buf);

    capture_begin(&out, &len, &buf);
    CHECK(device_print_props(out, TYPE_TEST_NIC, NULL));
    fclose(out);
    CHECK_STR(buf, "test-nic options:\n"
                   "  bufsize=<size>\n"
                   "  fail=<bool>            - Fail to realize (default: false)\n"
                   "  mac=<str>              - MAC address\n"
                   "  queues=<uint32>        - Number of queues (default: 1)\n");
    free(buf);

    capture_begin(&out, &len, &buf);
    CHECK(device_print_props(out, TYPE_TEST_BLK, NULL));
    fclose(out);
    CHECK_STR(buf, "There are no options for test-blk.\n");
    free(buf);

    Error *err = NULL;
    capture_begin(&out, &len, &buf);
    CHECK(!device_print_props(out, "nope", &err));
    fclose(out);
    free(buf);
    CHECK_STR(error_get_pretty(err), "'nope' is not a valid device model name");
    error_free(err);
}

UNITTEST(gpio_wiring)
{
    TestNic *nic = (TestNic *)object_new(TYPE_TEST_NIC);
    TestIntc *intc = (TestIntc *)object_new(TYPE_TEST_INTC);

    irq_raise(nic->irq);                     /* unconnected: nothing happens */
    CHECK_INT(intc->changes, 0);

    device_connect_gpio_out(DEVICE(nic), 0, device_get_gpio_in(DEVICE(intc), 1));
    irq_raise(nic->irq);
    CHECK_INT(intc->levels[1], 1);
    irq_lower(nic->irq);
    CHECK_INT(intc->levels[1], 0);
    CHECK_INT(intc->changes, 2);

    /* Named inputs are numbered from 0 within their group. */
    IrqLine *ext1 = device_get_gpio_in_named(DEVICE(intc), "ext", 1);
    CHECK_INT(ext1->n, 1);
    CHECK(ext1 != device_get_gpio_in(DEVICE(intc), 1));
    CHECK(object_property_find(OBJECT(intc), "ext[1]") != NULL);
    CHECK(object_property_find(OBJECT(intc), "unnamed-gpio-in[0]") != NULL);
    irq_pulse(ext1);
    CHECK_INT(intc->changes, 4);
    CHECK_INT(intc->levels[1], 0);

    object_unref(nic);
    object_unref(intc);
}

UNITTEST(reset_tree_resets_realized_devices)
{
    Object *box = object_get_container("/reset-test");
    TestNic *a = (TestNic *)object_new(TYPE_TEST_NIC);
    TestNic *b = (TestNic *)object_new(TYPE_TEST_NIC);
    TestNic *c = (TestNic *)object_new(TYPE_TEST_NIC);

    CHECK(object_property_add_child(box, "a", OBJECT(a), NULL));
    CHECK(object_property_add_child(OBJECT(a), "b", OBJECT(b), NULL));
    CHECK(object_property_add_child(box, "c", OBJECT(c), NULL));
    CHECK(device_realize(DEVICE(a), NULL));
    CHECK(device_realize(DEVICE(b), NULL));
    /* c stays unrealized: reset must not touch it. */
    device_reset_tree(box);
    CHECK_INT(a->reset_calls, 1);
    CHECK_INT(b->reset_calls, 1);
    CHECK_INT(c->reset_calls, 0);
    object_unref(a);
    object_unref(b);
    object_unref(c);
    object_unparent(box);
}
