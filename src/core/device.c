/*
 * Devices (see device.h): realize/unrealize/reset, the -global list, the
 * -device creation path, help printers and GPIO lines.  Invariants: a
 * device's `realized` is true only between a successful realize and its
 * unrealize; a device leaving the tree is unrealized first (the class's
 * unparent hook); an error while applying -global values at creation is
 * kept and returned by realize, since instance_post_init cannot fail.
 */
#include "core/device.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct NamedGpioList {
    char *name;
    IrqLine **in;
    int num_in;
    IrqLine ***out;
    int num_out;
    NamedGpioList *next;
};

typedef struct GlobalProp {
    char *driver;
    char *prop;
    char *value;
    bool used;
} GlobalProp;

static GlobalProp *globals;
static int n_globals;
static unsigned unattached_count;
static unsigned anon_count;

/* -global */

bool device_add_global(const char *driver, const char *prop, const char *value,
                       Error **errp)
{
    if (!driver[0] || !prop[0]) {
        error_setg(errp, "Invalid -global '%s.%s=%s': driver and property must be named",
                   driver, prop, value);
        return false;
    }
    globals = realloc(globals, (n_globals + 1) * sizeof(*globals));
    assert(globals);
    globals[n_globals].driver = strdup(driver);
    globals[n_globals].prop = strdup(prop);
    globals[n_globals].value = strdup(value);
    globals[n_globals].used = false;
    n_globals++;
    return true;
}

bool device_add_global_text(const char *text, Error **errp)
{
    const char *eq = strchr(text, '=');
    const char *dot = eq ? memchr(text, '.', eq - text) : NULL;
    if (!eq || !dot) {
        error_setg(errp, "Invalid -global '%s': expected DRIVER.PROP=VALUE", text);
        return false;
    }
    /* The driver name itself may contain dots: split at the last one. */
    for (const char *p = dot; p < eq; p++) {
        if (*p == '.') {
            dot = p;
        }
    }
    char *driver = strndup(text, dot - text);
    char *prop = strndup(dot + 1, eq - dot - 1);
    bool ok = device_add_global(driver, prop, eq + 1, errp);
    free(driver);
    free(prop);
    return ok;
}

void device_clear_globals(void)
{
    for (int i = 0; i < n_globals; i++) {
        free(globals[i].driver);
        free(globals[i].prop);
        free(globals[i].value);
    }
    free(globals);
    globals = NULL;
    n_globals = 0;
}

bool device_apply_globals(Object *obj, Error **errp)
{
    for (int i = 0; i < n_globals; i++) {
        GlobalProp *g = &globals[i];
        if (!object_dynamic_cast(obj, g->driver)) {
            continue;
        }
        Error *err = NULL;
        g->used = true;
        if (!object_property_parse(obj, g->prop, g->value, &err)) {
            error_prepend(&err, "can't apply global %s.%s=%s: ", g->driver, g->prop,
                          g->value);
            error_propagate(errp, err);
            return false;
        }
    }
    return true;
}

int device_check_globals(void)
{
    int unused = 0;
    for (int i = 0; i < n_globals; i++) {
        GlobalProp *g = &globals[i];
        if (g->used) {
            continue;
        }
        unused++;
        ObjectClass *oc = object_class_by_name(g->driver);
        if (!oc) {
            warn_report("global %s.%s has invalid class name", g->driver, g->prop);
        } else if (!object_class_dynamic_cast(oc, TYPE_DEVICE)) {
            warn_report("global %s.%s=%s not used: %s is not a device", g->driver, g->prop,
                        g->value, g->driver);
        } else {
            warn_report("global %s.%s=%s not used", g->driver, g->prop, g->value);
        }
    }
    return unused;
}

/* Life cycle */

bool device_realize(DeviceState *dev, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    bool attached_here = false;

    if (dev->realized) {
        return true;
    }
    if (dev->global_error) {
        error_setg(errp, "%s", dev->global_error);
        return false;
    }
    if (!OBJECT(dev)->parent) {
        char name[32];
        snprintf(name, sizeof(name), "device[%u]", unattached_count++);
        if (!object_property_add_child(object_get_container("/machine/unattached"), name,
                                       OBJECT(dev), errp)) {
            return false;
        }
        attached_here = true;
    }
    if (dc->realize && !dc->realize(dev, errp)) {
        if (attached_here) {
            /* The tree's reference goes; the caller's stays. */
            object_unparent(OBJECT(dev));
        }
        return false;
    }
    dev->realized = true;
    return true;
}

void device_unrealize(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    if (!dev->realized) {
        return;
    }
    if (dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
}

void device_reset(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    if (dc->reset) {
        dc->reset(dev);
    }
}

static int device_reset_child(Object *child, void *opaque)
{
    device_reset_tree(child);
    return 0;
}

void device_reset_tree(Object *root)
{
    DeviceState *dev = (DeviceState *)object_dynamic_cast(root, TYPE_DEVICE);
    if (dev && dev->realized) {
        device_reset(dev);
    }
    object_child_foreach(root, device_reset_child, NULL);
}

static void device_unparent(Object *obj)
{
    device_unrealize(DEVICE(obj));
}

static bool device_property_may_set(Object *obj, ObjectProperty *prop, Error **errp)
{
    DeviceState *dev = DEVICE(obj);
    if (!dev->realized || prop->set_after_realize) {
        return true;
    }
    if (dev->id) {
        error_setg(errp, "Attempt to set property '%s' on device '%s' (type '%s') "
                   "after it was realized", prop->name, dev->id, object_get_typename(obj));
    } else {
        error_setg(errp, "Attempt to set property '%s' on anonymous device (type '%s') "
                   "after it was realized", prop->name, object_get_typename(obj));
    }
    return false;
}

void device_class_set_props(DeviceClass *dc, const Property *props)
{
    dc->props = props;
    object_class_add_props(OBJECT_CLASS(dc), props);
}

void device_class_set_category(DeviceClass *dc, DeviceCategory category)
{
    dc->categories |= DEVICE_CATEGORY_BIT(category);
}

/* -device */

static bool id_wellformed(const char *id)
{
    if (!isalpha((unsigned char)id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

static DeviceClass *device_user_class(const char *driver, Error **errp)
{
    ObjectClass *oc = object_class_by_name(driver);
    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'driver' expects a non-abstract device type");
        return NULL;
    }
    DeviceClass *dc = DEVICE_CLASS(oc);
    if (!dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device type");
        return NULL;
    }
    return dc;
}

static bool device_set_opt(DeviceState *dev, const char *kv, Error **errp)
{
    const char *eq = strchr(kv, '=');
    if (!eq) {
        /* QemuOpts: a bare "flag" means flag=on. */
        return object_property_parse(OBJECT(dev), kv, "on", errp);
    }
    char *key = strndup(kv, eq - kv);
    bool ok = object_property_parse(OBJECT(dev), key, eq + 1, errp);
    free(key);
    return ok;
}

DeviceState *device_create(const char *driver, const char *id, const char *const *props,
                           int n_props, Error **errp)
{
    if (!device_user_class(driver, errp)) {
        return NULL;
    }
    if (id) {
        if (!id_wellformed(id)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            return NULL;
        }
        if (object_resolve_path_component(object_get_container("/machine/peripheral"), id)) {
            error_setg(errp, "Duplicate ID '%s' for device", id);
            return NULL;
        }
    }
    DeviceState *dev = DEVICE(object_new_with_errp(driver, errp));
    if (!dev) {
        return NULL;
    }
    if (id) {
        dev->id = strdup(id);
    }
    for (int i = 0; i < n_props; i++) {
        if (!device_set_opt(dev, props[i], errp)) {
            object_unref(dev);
            return NULL;
        }
    }
    bool attached;
    if (id) {
        attached = object_property_add_child(object_get_container("/machine/peripheral"),
                                             id, OBJECT(dev), errp);
    } else {
        char name[32];
        snprintf(name, sizeof(name), "device[%u]", anon_count++);
        attached = object_property_add_child(
            object_get_container("/machine/peripheral-anon"), name, OBJECT(dev), errp);
    }
    if (!attached) {
        object_unref(dev);
        return NULL;
    }
    object_unref(dev);               /* the tree holds it now */
    if (!device_realize(dev, errp)) {
        object_unparent(OBJECT(dev)); /* frees it */
        return NULL;
    }
    return dev;
}

/* Help */

static const char *const device_category_names[DEVICE_CATEGORY_MAX + 1] = {
    [DEVICE_CATEGORY_BRIDGE] = "Controller/Bridge/Hub",
    [DEVICE_CATEGORY_USB] = "USB",
    [DEVICE_CATEGORY_STORAGE] = "Storage",
    [DEVICE_CATEGORY_NETWORK] = "Network",
    [DEVICE_CATEGORY_INPUT] = "Input",
    [DEVICE_CATEGORY_DISPLAY] = "Display",
    [DEVICE_CATEGORY_SOUND] = "Sound",
    [DEVICE_CATEGORY_MISC] = "Misc",
    [DEVICE_CATEGORY_CPU] = "CPU",
    [DEVICE_CATEGORY_WATCHDOG] = "Watchdog",
    [DEVICE_CATEGORY_MAX] = "Uncategorized",
};

void device_print_help_list(FILE *out)
{
    ObjectClass **list = object_class_get_list(TYPE_DEVICE, false, NULL);

    /* Same layout as QEMU's, so scripts that grep it keep working. */
    for (int cat = 0; cat <= DEVICE_CATEGORY_MAX; cat++) {
        bool printed = false;
        for (ObjectClass **oc = list; *oc; oc++) {
            DeviceClass *dc = DEVICE_CLASS(*oc);
            bool in_cat = cat < DEVICE_CATEGORY_MAX
                              ? (dc->categories & DEVICE_CATEGORY_BIT(cat)) != 0
                              : dc->categories == 0;
            if (!in_cat || !dc->user_creatable) {
                continue;
            }
            if (!printed) {
                fprintf(out, "%s%s devices:\n", cat ? "\n" : "", device_category_names[cat]);
                printed = true;
            }
            fprintf(out, "name \"%s\"", object_class_get_name(*oc));
            if (dc->bus_type) {
                fprintf(out, ", bus %s", dc->bus_type);
            }
            if (dc->desc) {
                fprintf(out, ", desc \"%s\"", dc->desc);
            }
            fprintf(out, "\n");
        }
    }
    free(list);
}

bool device_print_props(FILE *out, const char *typename, Error **errp)
{
    ObjectClass *oc = object_class_by_name(typename);
    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", typename);
        return false;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'driver' expects a non-abstract device type");
        return false;
    }
    /* An instance, so that properties added by instance_init show too. */
    Object *obj = object_new_with_errp(typename, errp);
    if (!obj) {
        return false;
    }
    object_property_print_help(out, obj, typename);
    object_unref(obj);
    return true;
}

/* GPIO */

static NamedGpioList *gpio_list_get(DeviceState *dev, const char *name)
{
    NamedGpioList **pp = &dev->gpios;
    for (; *pp; pp = &(*pp)->next) {
        NamedGpioList *l = *pp;
        if ((!name && !l->name) || (name && l->name && strcmp(name, l->name) == 0)) {
            return l;
        }
    }
    NamedGpioList *l = calloc(1, sizeof(*l));
    assert(l);
    l->name = name ? strdup(name) : NULL;
    *pp = l;
    return l;
}

void device_init_gpio_in_named(DeviceState *dev, IrqHandlerFn handler, const char *name,
                               int n)
{
    NamedGpioList *l = gpio_list_get(dev, name);
    l->in = realloc(l->in, (l->num_in + n) * sizeof(*l->in));
    assert(l->in);
    for (int i = 0; i < n; i++) {
        char child[128];
        int pin = l->num_in + i;
        IrqLine *irq = irq_new(handler, dev, pin);
        snprintf(child, sizeof(child), "%s[%d]", name ? name : "unnamed-gpio-in", pin);
        /* The device owns its inputs as children, so they have paths. */
        object_property_add_child(OBJECT(dev), child, OBJECT(irq), &error_abort);
        object_unref(irq);
        l->in[pin] = irq;
    }
    l->num_in += n;
}

void device_init_gpio_out_named(DeviceState *dev, IrqLine **pins, const char *name, int n)
{
    NamedGpioList *l = gpio_list_get(dev, name);
    l->out = realloc(l->out, (l->num_out + n) * sizeof(*l->out));
    assert(l->out);
    for (int i = 0; i < n; i++) {
        l->out[l->num_out + i] = &pins[i];
    }
    l->num_out += n;
}

IrqLine *device_get_gpio_in_named(DeviceState *dev, const char *name, int n)
{
    NamedGpioList *l = gpio_list_get(dev, name);
    assert(n >= 0 && n < l->num_in);
    return l->in[n];
}

void device_connect_gpio_out_named(DeviceState *dev, const char *name, int n, IrqLine *irq)
{
    NamedGpioList *l = gpio_list_get(dev, name);
    assert(n >= 0 && n < l->num_out);
    *l->out[n] = irq;
}

/* Type */

static void device_instance_post_init(Object *obj)
{
    Error *err = NULL;
    if (!device_apply_globals(obj, &err)) {
        DEVICE(obj)->global_error = strdup(error_get_pretty(err));
        error_free(err);
    }
}

static void device_instance_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);
    NamedGpioList *l = dev->gpios;
    while (l) {
        NamedGpioList *next = l->next;
        free(l->name);
        free(l->in);     /* the lines themselves were children, already released */
        free(l->out);
        free(l);
        l = next;
    }
    free(dev->id);
    free(dev->global_error);
}

static void device_class_init(ObjectClass *oc, const void *data)
{
    oc->unparent = device_unparent;
    oc->property_may_set = device_property_may_set;
}

static const TypeInfo device_type = {
    .name = TYPE_DEVICE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(DeviceState),
    .instance_post_init = device_instance_post_init,
    .instance_finalize = device_instance_finalize,
    .abstract = true,
    .class_size = sizeof(DeviceClass),
    .class_init = device_class_init,
};

static void device_register_types(void)
{
    type_register_static(&device_type);
}

type_init(device_register_types)
