/*
 * Tests of properties: every kind through typed set/get and through text
 * parsing, defaults from Property tables, range checks, the error messages
 * users see, links (type-checked, counted) and instance properties.
 */
#include "core/object.h"
#include "util/unittest.h"

#include <stdlib.h>

#define TYPE_GADGET "test-gadget"
#define TYPE_WIDGET "test-widget"

typedef struct Gadget {
    Object parent_obj;
    bool enabled;
    int32_t offset;
    int64_t big;
    uint8_t small;
    uint16_t queues;
    uint32_t count;
    uint64_t addr;
    uint64_t size;
    char *label;
    char *nodefault;
    Object *peer;
    Object *inst_link;
    int runtime;
} Gadget;

static const Property gadget_props[] = {
    DEFINE_PROP_BOOL("enabled", Gadget, enabled, true, "Turn it on"),
    DEFINE_PROP_INT32("offset", Gadget, offset, -5, "Signed offset"),
    DEFINE_PROP_INT64("big", Gadget, big, 0, NULL),
    DEFINE_PROP_UINT8("small", Gadget, small, 7, NULL),
    DEFINE_PROP_UINT16("num-queues", Gadget, queues, 1, "Number of queues"),
    DEFINE_PROP_UINT32("count", Gadget, count, 0x10, NULL),
    DEFINE_PROP_UINT64("addr", Gadget, addr, 0, NULL),
    DEFINE_PROP_SIZE("size", Gadget, size, 4096, "Buffer size"),
    DEFINE_PROP_STRING("label", Gadget, label, "none", "A label"),
    DEFINE_PROP_STRING("nodefault", Gadget, nodefault, NULL, NULL),
    DEFINE_PROP_LINK("peer", Gadget, peer, TYPE_WIDGET, "The other end"),
    DEFINE_PROP_END_OF_LIST(),
};

static bool runtime_get(Object *obj, ObjectProperty *prop, PropValue *out, Error **errp)
{
    out->i = ((Gadget *)obj)->runtime;
    return true;
}

static bool runtime_set(Object *obj, ObjectProperty *prop, const PropValue *in, Error **errp)
{
    if (in->i == 13) {
        error_setg(errp, "unlucky");
        return false;
    }
    ((Gadget *)obj)->runtime = (int)in->i;
    return true;
}

static void gadget_init(Object *obj)
{
    Gadget *g = (Gadget *)obj;
    object_property_add(obj, "runtime", PROP_KIND_INT, "int", runtime_get, runtime_set,
                        NULL, NULL, &error_abort);
    object_property_add_link(obj, "inst-link", TYPE_WIDGET, &g->inst_link, &error_abort);
}

static bool gadget_get_flag(Object *obj)
{
    return ((Gadget *)obj)->runtime > 0;
}

static bool gadget_set_flag(Object *obj, bool value, Error **errp)
{
    ((Gadget *)obj)->runtime = value ? 1 : 0;
    return true;
}

static char *gadget_get_mode(Object *obj)
{
    return strdup(((Gadget *)obj)->runtime ? "fast" : "slow");
}

static bool gadget_set_mode(Object *obj, const char *value, Error **errp)
{
    if (strcmp(value, "fast") != 0 && strcmp(value, "slow") != 0) {
        error_setg(errp, "Invalid mode '%s': expected fast or slow", value);
        return false;
    }
    ((Gadget *)obj)->runtime = value[0] == 'f';
    return true;
}

static void gadget_class_init(ObjectClass *oc, const void *data)
{
    object_class_add_props(oc, gadget_props);
    object_class_property_add_bool(oc, "flag", gadget_get_flag, gadget_set_flag, "A flag");
    object_class_property_add_str(oc, "mode", gadget_get_mode, gadget_set_mode, NULL);
    object_class_property_add_str(oc, "ro", gadget_get_mode, NULL, NULL);
}

static const TypeInfo prop_test_types[] = {
    { .name = TYPE_GADGET, .parent = TYPE_OBJECT, .instance_size = sizeof(Gadget),
      .instance_init = gadget_init, .class_init = gadget_class_init },
    { .name = TYPE_WIDGET, .parent = TYPE_OBJECT },
};

static void prop_test_register(void)
{
    type_register_static_array(prop_test_types, 2);
}

type_init(prop_test_register)

static Gadget *gadget_new(void)
{
    return (Gadget *)object_new(TYPE_GADGET);
}

/* Parses and expects the exact error message. */
static void check_parse_error(Object *obj, const char *name, const char *text,
                              const char *message)
{
    Error *err = NULL;
    if (object_property_parse(obj, name, text, &err)) {
        unittest_fail(__FILE__, __LINE__, "parse %s=%s succeeded", name, text);
        return;
    }
    CHECK_STR(error_get_pretty(err), message);
    error_free(err);
}

UNITTEST(defaults)
{
    Gadget *g = gadget_new();
    Object *obj = OBJECT(g);

    CHECK(g->enabled);
    CHECK_INT(g->offset, -5);
    CHECK_INT(g->small, 7);
    CHECK_INT(g->queues, 1);
    CHECK_INT(g->count, 0x10);
    CHECK_U64(g->size, 4096);
    CHECK_STR(g->label, "none");
    CHECK(g->nodefault == NULL);
    CHECK(g->peer == NULL);
    CHECK(object_property_get_bool(obj, "enabled", &error_abort));
    CHECK_INT(object_property_get_int(obj, "offset", &error_abort), -5);
    CHECK_U64(object_property_get_uint(obj, "size", &error_abort), 4096);
    char *s = object_property_get_str(obj, "label", &error_abort);
    CHECK_STR(s, "none");
    free(s);
    object_unref(g);
}

UNITTEST(typed_set_get)
{
    Gadget *g = gadget_new();
    Object *obj = OBJECT(g);
    Error *err = NULL;

    CHECK(object_property_set_bool(obj, "enabled", false, NULL));
    CHECK(!g->enabled);
    CHECK(object_property_set_int(obj, "offset", -100, NULL));
    CHECK_INT(g->offset, -100);
    CHECK(object_property_set_uint(obj, "count", 0xffffffffu, NULL));
    CHECK_U64(g->count, 0xffffffffu);
    CHECK(object_property_set_int(obj, "num-queues", 8, NULL));   /* int into uint */
    CHECK_INT(object_property_get_uint(obj, "num-queues", NULL), 8);
    CHECK(object_property_set_str(obj, "label", "hello", NULL));
    CHECK_STR(g->label, "hello");
    CHECK(object_property_set_str(obj, "nodefault", "x", NULL));

    CHECK(!object_property_set_uint(obj, "count", 0x100000000ull, &err));
    CHECK_STR(error_get_pretty(err), "Property 'test-gadget.count' doesn't take value "
                                     "4294967296 (minimum: 0, maximum: 4294967295)");
    error_free(err);
    err = NULL;
    CHECK(!object_property_set_int(obj, "num-queues", -1, &err));
    CHECK_STR(error_get_pretty(err), "Property 'test-gadget.num-queues' doesn't take value "
                                     "-1 (minimum: 0, maximum: 65535)");
    error_free(err);
    err = NULL;
    CHECK(!object_property_set_int(obj, "offset", 1ll << 31, &err));
    CHECK_STR(error_get_pretty(err), "Property 'test-gadget.offset' doesn't take value "
                                     "2147483648 (minimum: -2147483648, maximum: 2147483647)");
    error_free(err);
    err = NULL;
    CHECK(!object_property_set_bool(obj, "label", true, &err));
    CHECK_STR(error_get_pretty(err), "Property 'test-gadget.label' is a string, not a boolean");
    error_free(err);
    err = NULL;
    CHECK(!object_property_set_bool(obj, "nope", true, &err));
    CHECK_STR(error_get_pretty(err), "Property 'test-gadget.nope' not found");
    error_free(err);
    err = NULL;

    /* Instance property with a setter that can refuse. */
    CHECK(object_property_set_int(obj, "runtime", 3, NULL));
    CHECK_INT(object_property_get_int(obj, "runtime", NULL), 3);
    CHECK(!object_property_set_int(obj, "runtime", 13, &err));
    CHECK_STR(error_get_pretty(err), "unlucky");
    error_free(err);
    CHECK_INT(g->runtime, 3);
    object_unref(g);
}

UNITTEST(parse_each_kind)
{
    Gadget *g = gadget_new();
    Object *obj = OBJECT(g);

    static const struct {
        const char *text;
        bool value;
    } bools[] = { { "on", true }, { "off", false }, { "yes", true }, { "no", false },
                  { "true", true }, { "false", false } };
    for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
        CHECK(object_property_parse(obj, "enabled", bools[i].text, NULL));
        CHECK_INT(g->enabled, bools[i].value);
    }
    CHECK(object_property_parse(obj, "offset", "-42", NULL));
    CHECK_INT(g->offset, -42);
    CHECK(object_property_parse(obj, "offset", "0x10", NULL));
    CHECK_INT(g->offset, 16);
    CHECK(object_property_parse(obj, "big", "-9223372036854775808", NULL));
    CHECK(g->big == INT64_MIN);
    CHECK(object_property_parse(obj, "addr", "0xFFFFFFFFFFFFFFFF", NULL));
    CHECK_U64(g->addr, UINT64_MAX);
    CHECK(object_property_parse(obj, "count", "010", NULL));
    CHECK_INT(g->count, 10);            /* decimal, not octal */
    CHECK(object_property_parse(obj, "label", "a,b c", NULL));
    CHECK_STR(g->label, "a,b c");

    static const struct {
        const char *text;
        uint64_t value;
    } sizes[] = { { "4096", 4096 }, { "4k", 4096 }, { "4K", 4096 },
                  { "128M", 128ull << 20 }, { "2G", 2ull << 30 }, { "1T", 1ull << 40 },
                  { "1.5G", 3ull << 29 }, { "512b", 512 }, { "0x1000", 0x1000 },
                  { "16E", 0 } };
    for (size_t i = 0; i + 1 < sizeof(sizes) / sizeof(sizes[0]); i++) {
        CHECK(object_property_parse(obj, "size", sizes[i].text, NULL));
        CHECK_U64(g->size, sizes[i].value);
    }
    check_parse_error(obj, "size", "16E", "Property 'test-gadget.size' doesn't take value '16E'");
    object_unref(g);
}

UNITTEST(parse_errors)
{
    Object *obj = OBJECT(gadget_new());

    check_parse_error(obj, "enabled", "maybe",
                      "Property 'test-gadget.enabled' doesn't take value 'maybe'");
    check_parse_error(obj, "num-queues", "x",
                      "Property 'test-gadget.num-queues' doesn't take value 'x'");
    check_parse_error(obj, "num-queues", "-1",
                      "Property 'test-gadget.num-queues' doesn't take value '-1'");
    check_parse_error(obj, "num-queues", "70000",
                      "Property 'test-gadget.num-queues' doesn't take value 70000 "
                      "(minimum: 0, maximum: 65535)");
    check_parse_error(obj, "count", " 1", "Property 'test-gadget.count' doesn't take value ' 1'");
    check_parse_error(obj, "count", "1x", "Property 'test-gadget.count' doesn't take value '1x'");
    check_parse_error(obj, "count", "", "Property 'test-gadget.count' doesn't take value ''");
    check_parse_error(obj, "addr", "0x", "Property 'test-gadget.addr' doesn't take value '0x'");
    check_parse_error(obj, "addr", "18446744073709551616",
                      "Property 'test-gadget.addr' doesn't take value '18446744073709551616'");
    check_parse_error(obj, "size", "12Q", "Property 'test-gadget.size' doesn't take value '12Q'");
    check_parse_error(obj, "size", "1.5", "Property 'test-gadget.size' doesn't take value '1.5'");
    check_parse_error(obj, "size", "k", "Property 'test-gadget.size' doesn't take value 'k'");
    check_parse_error(obj, "offset", "--1",
                      "Property 'test-gadget.offset' doesn't take value '--1'");
    check_parse_error(obj, "missing", "1", "Property 'test-gadget.missing' not found");
    object_unref(obj);
}

UNITTEST(links)
{
    Object *box = object_get_container("/links-test");
    Object *w = object_new(TYPE_WIDGET);
    Object *other = object_new(TYPE_GADGET);
    Gadget *g = gadget_new();
    Error *err = NULL;

    CHECK(object_property_add_child(box, "w0", w, NULL));
    CHECK(object_property_set_link(OBJECT(g), "peer", w, NULL));
    CHECK(g->peer == w);
    CHECK_INT(w->ref, 3);                    /* ours, the tree's, the link's */
    CHECK(object_property_get_link(OBJECT(g), "peer", NULL) == w);

    CHECK(!object_property_set_link(OBJECT(g), "peer", other, &err));
    CHECK_STR(error_get_pretty(err), "Property 'test-gadget.peer': object of type "
                                     "'test-gadget' is not a 'test-widget'");
    error_free(err);
    err = NULL;
    CHECK(g->peer == w);

    CHECK(object_property_parse(OBJECT(g), "inst-link", "/links-test/w0", NULL));
    CHECK(g->inst_link == w);
    CHECK(object_property_parse(OBJECT(g), "inst-link", "w0", NULL));   /* partial path */
    CHECK_INT(w->ref, 4);
    check_parse_error(OBJECT(g), "inst-link", "/links-test/nope", "Device '/links-test/nope' not found");
    char *text = object_property_format(OBJECT(g), "peer", NULL);
    CHECK_STR(text, "/links-test/w0");
    free(text);
    check_parse_error(box, "w0", "x", "Property 'container.w0' is not writable");   /* child */
    CHECK(object_property_parse(OBJECT(g), "inst-link", "", NULL));     /* clears */
    CHECK(g->inst_link == NULL);
    CHECK_INT(w->ref, 3);

    object_unref(g);                         /* drops the field link */
    CHECK_INT(w->ref, 2);
    object_unref(w);
    object_unref(other);
    object_unparent(box);
}

UNITTEST(format_and_duplicates)
{
    Object *obj = OBJECT(gadget_new());
    Error *err = NULL;
    char *s;

    s = object_property_format(obj, "enabled", NULL);
    CHECK_STR(s, "true");
    free(s);
    s = object_property_format(obj, "offset", NULL);
    CHECK_STR(s, "-5");
    free(s);
    s = object_property_format(obj, "nodefault", NULL);
    CHECK_STR(s, "");
    free(s);
    CHECK(object_property_add(obj, "enabled", PROP_KIND_BOOL, "bool", NULL, NULL, NULL, NULL,
                              &err) == NULL);
    CHECK(err != NULL);
    error_free(err);
    CHECK(object_property_find(obj, "runtime") != NULL);
    CHECK(object_property_del(obj, "runtime"));
    CHECK(object_property_find(obj, "runtime") == NULL);
    object_unref(obj);
}

UNITTEST(help_lists_properties)
{
    Object *obj = OBJECT(gadget_new());
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    object_property_print_help(out, obj, TYPE_GADGET);
    fclose(out);
    CHECK(strncmp(buf, "test-gadget options:\n", 21) == 0);
    CHECK(strstr(buf, "  enabled=<bool>         - Turn it on (default: true)\n") != NULL);
    CHECK(strstr(buf, "  label=<str>            - A label (default: \"none\")\n") != NULL);
    CHECK(strstr(buf, "  num-queues=<uint16>    - Number of queues (default: 1)\n") != NULL);
    CHECK(strstr(buf, "  peer=<link<test-widget>> - The other end\n") != NULL);
    CHECK(strstr(buf, "  nodefault=<str>\n") != NULL);
    CHECK(strstr(buf, "  size=<size>            - Buffer size (default: 4096)\n") != NULL);
    /* Sorted by name. */
    CHECK(strstr(buf, "addr=") < strstr(buf, "big="));
    CHECK(strstr(buf, "size=") < strstr(buf, "small="));
    free(buf);
    object_unref(obj);
}

UNITTEST(accessor_class_properties)
{
    Gadget *g = gadget_new();
    Object *obj = OBJECT(g);
    Error *err = NULL;
    char *s;

    CHECK(object_property_parse(obj, "flag", "on", NULL));
    CHECK_INT(g->runtime, 1);
    CHECK(object_property_get_bool(obj, "flag", NULL));
    CHECK(object_property_parse(obj, "mode", "slow", NULL));
    CHECK_INT(g->runtime, 0);
    s = object_property_get_str(obj, "mode", NULL);
    CHECK_STR(s, "slow");
    free(s);
    CHECK(!object_property_parse(obj, "mode", "warp", &err));
    CHECK_STR(error_get_pretty(err), "Invalid mode 'warp': expected fast or slow");
    error_free(err);
    err = NULL;
    CHECK(!object_property_set_str(obj, "ro", "fast", &err));
    CHECK_STR(error_get_pretty(err), "Property 'test-gadget.ro' is not writable");
    error_free(err);
    s = object_property_format(obj, "ro", NULL);
    CHECK_STR(s, "slow");
    free(s);
    object_unref(g);
}
