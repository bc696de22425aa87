/*
 * Object properties (see property.h): adding and finding them, typed
 * get/set with kind and range checks, text parsing with errors that name
 * "type.property", and field-backed Property tables.  Every set goes through
 * object_property_set_value(), which asks the class's property_may_set hook
 * first (so realized devices refuse changes in one place).
 */
#include "core/object.h"
#include "util/parse.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static char *xstrdup(const char *s)
{
    if (!s) {
        return NULL;
    }
    char *d = strdup(s);
    assert(d);
    return d;
}

static ObjectProperty *property_new(const char *name, PropKind kind, const char *type,
                                    ObjectPropertyGetFn get, ObjectPropertySetFn set,
                                    ObjectPropertyReleaseFn release, void *opaque)
{
    ObjectProperty *prop = calloc(1, sizeof(*prop));
    assert(prop);
    prop->name = xstrdup(name);
    prop->type = xstrdup(type);
    prop->kind = kind;
    prop->get = get;
    prop->set = set;
    prop->release = release;
    prop->opaque = opaque;
    prop->min = INT64_MIN;
    prop->max = INT64_MAX;
    prop->umax = UINT64_MAX;
    return prop;
}

static void property_free(ObjectProperty *prop)
{
    free(prop->name);
    free(prop->type);
    free(prop->description);
    free(prop->defval);
    free(prop->link_type);
    free(prop);
}

ObjectProperty *object_class_property_find(ObjectClass *oc, const char *name)
{
    for (; oc; oc = object_class_get_parent(oc)) {
        for (ObjectProperty *p = oc->properties; p; p = p->next) {
            if (strcmp(p->name, name) == 0) {
                return p;
            }
        }
    }
    return NULL;
}

ObjectProperty *object_property_find(Object *obj, const char *name)
{
    for (ObjectProperty *p = obj->properties; p; p = p->next) {
        if (strcmp(p->name, name) == 0) {
            return p;
        }
    }
    return object_class_property_find(obj->klass, name);
}

ObjectProperty *object_property_find_err(Object *obj, const char *name, Error **errp)
{
    ObjectProperty *prop = object_property_find(obj, name);
    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found", object_get_typename(obj), name);
    }
    return prop;
}

ObjectProperty *object_property_add(Object *obj, const char *name, PropKind kind,
                                    const char *type, ObjectPropertyGetFn get,
                                    ObjectPropertySetFn set,
                                    ObjectPropertyReleaseFn release, void *opaque,
                                    Error **errp)
{
    if (object_property_find(obj, name)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object (type '%s')",
                   name, object_get_typename(obj));
        return NULL;
    }
    ObjectProperty *prop = property_new(name, kind, type, get, set, release, opaque);
    ObjectProperty **tail = &obj->properties;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = prop;
    return prop;
}

ObjectProperty *object_class_property_add(ObjectClass *oc, const char *name, PropKind kind,
                                          const char *type, ObjectPropertyGetFn get,
                                          ObjectPropertySetFn set,
                                          ObjectPropertyReleaseFn release, void *opaque)
{
    if (object_class_property_find(oc, name)) {
        fprintf(stderr, "attempt to add duplicate property '%s' to class '%s'\n",
                name, object_class_get_name(oc));
        abort();
    }
    ObjectProperty *prop = property_new(name, kind, type, get, set, release, opaque);
    ObjectProperty **tail = &oc->properties;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = prop;
    return prop;
}

void object_property_set_description(ObjectProperty *prop, const char *description)
{
    free(prop->description);
    prop->description = xstrdup(description);
}

void object_property_set_defval(ObjectProperty *prop, const char *defval)
{
    free(prop->defval);
    prop->defval = xstrdup(defval);
}

bool object_property_del(Object *obj, const char *name)
{
    for (ObjectProperty **pp = &obj->properties; *pp; pp = &(*pp)->next) {
        ObjectProperty *prop = *pp;
        if (strcmp(prop->name, name) == 0) {
            *pp = prop->next;
            if (prop->release) {
                prop->release(obj, prop);
            }
            property_free(prop);
            return true;
        }
    }
    return false;
}

/* Called by object_finalize (object.c). */
void object_property_del_all(Object *obj);
void object_property_del_all(Object *obj)
{
    /* Newest first: a later property may depend on an earlier one. */
    while (obj->properties) {
        ObjectProperty *last = obj->properties;
        while (last->next) {
            last = last->next;
        }
        object_property_del(obj, last->name);
    }
    for (ObjectClass *oc = obj->klass; oc; oc = object_class_get_parent(oc)) {
        for (ObjectProperty *p = oc->properties; p; p = p->next) {
            if (p->release) {
                p->release(obj, p);
            }
        }
    }
}

void object_property_foreach(Object *obj, void (*fn)(Object *, ObjectProperty *, void *),
                             void *opaque)
{
    for (ObjectProperty *p = obj->properties; p; p = p->next) {
        fn(obj, p, opaque);
    }
    for (ObjectClass *oc = obj->klass; oc; oc = object_class_get_parent(oc)) {
        for (ObjectProperty *p = oc->properties; p; p = p->next) {
            fn(obj, p, opaque);
        }
    }
}

/* Typed access */

static const char *kind_name(PropKind kind)
{
    switch (kind) {
    case PROP_KIND_BOOL: return "boolean";
    case PROP_KIND_INT: return "integer";
    case PROP_KIND_UINT: return "unsigned integer";
    case PROP_KIND_STR: return "string";
    case PROP_KIND_LINK: return "link";
    case PROP_KIND_CHILD: return "child";
    }
    return "?";
}

static void error_wrong_kind(Object *obj, ObjectProperty *prop, PropKind wanted, Error **errp)
{
    error_setg(errp, "Property '%s.%s' is a %s, not a %s", object_get_typename(obj),
               prop->name, kind_name(prop->kind), kind_name(wanted));
}

static bool object_property_set_value(Object *obj, ObjectProperty *prop, const PropValue *v,
                                      Error **errp)
{
    if (!prop->set) {
        error_setg(errp, "Property '%s.%s' is not writable", object_get_typename(obj),
                   prop->name);
        return false;
    }
    if (obj->klass->property_may_set && !obj->klass->property_may_set(obj, prop, errp)) {
        return false;
    }
    return prop->set(obj, prop, v, errp);
}

static bool error_range_int(Object *obj, ObjectProperty *prop, int64_t value, Error **errp)
{
    error_setg(errp, "Property '%s.%s' doesn't take value %" PRId64
               " (minimum: %" PRId64 ", maximum: %" PRId64 ")",
               object_get_typename(obj), prop->name, value, prop->min, prop->max);
    return false;
}

static bool error_range_uint(Object *obj, ObjectProperty *prop, uint64_t value, Error **errp)
{
    error_setg(errp, "Property '%s.%s' doesn't take value %" PRIu64
               " (minimum: 0, maximum: %" PRIu64 ")",
               object_get_typename(obj), prop->name, value, prop->umax);
    return false;
}

bool object_property_set_bool(Object *obj, const char *name, bool value, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    if (!prop) {
        return false;
    }
    if (prop->kind != PROP_KIND_BOOL) {
        error_wrong_kind(obj, prop, PROP_KIND_BOOL, errp);
        return false;
    }
    PropValue v = { .b = value };
    return object_property_set_value(obj, prop, &v, errp);
}

bool object_property_set_int(Object *obj, const char *name, int64_t value, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    if (!prop) {
        return false;
    }
    PropValue v = { .i = value, .u = (uint64_t)value };
    if (prop->kind == PROP_KIND_UINT) {
        if (value < 0 || (uint64_t)value > prop->umax) {
            error_setg(errp, "Property '%s.%s' doesn't take value %" PRId64
                       " (minimum: 0, maximum: %" PRIu64 ")",
                       object_get_typename(obj), prop->name, value, prop->umax);
            return false;
        }
    } else if (prop->kind == PROP_KIND_INT) {
        if (value < prop->min || value > prop->max) {
            return error_range_int(obj, prop, value, errp);
        }
    } else {
        error_wrong_kind(obj, prop, PROP_KIND_INT, errp);
        return false;
    }
    return object_property_set_value(obj, prop, &v, errp);
}

bool object_property_set_uint(Object *obj, const char *name, uint64_t value, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    if (!prop) {
        return false;
    }
    PropValue v = { .i = (int64_t)value, .u = value };
    if (prop->kind == PROP_KIND_UINT) {
        if (value > prop->umax) {
            return error_range_uint(obj, prop, value, errp);
        }
    } else if (prop->kind == PROP_KIND_INT) {
        if (value > (uint64_t)prop->max) {
            return error_range_uint(obj, prop, value, errp);
        }
    } else {
        error_wrong_kind(obj, prop, PROP_KIND_UINT, errp);
        return false;
    }
    return object_property_set_value(obj, prop, &v, errp);
}

bool object_property_set_str(Object *obj, const char *name, const char *value, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    if (!prop) {
        return false;
    }
    if (prop->kind != PROP_KIND_STR) {
        error_wrong_kind(obj, prop, PROP_KIND_STR, errp);
        return false;
    }
    PropValue v = { .s = (char *)value };
    return object_property_set_value(obj, prop, &v, errp);
}

bool object_property_set_link(Object *obj, const char *name, Object *value, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    if (!prop) {
        return false;
    }
    if (prop->kind != PROP_KIND_LINK) {
        error_wrong_kind(obj, prop, PROP_KIND_LINK, errp);
        return false;
    }
    if (value && prop->link_type && !object_dynamic_cast(value, prop->link_type)) {
        error_setg(errp, "Property '%s.%s': object of type '%s' is not a '%s'",
                   object_get_typename(obj), name, object_get_typename(value),
                   prop->link_type);
        return false;
    }
    PropValue v = { .obj = value };
    return object_property_set_value(obj, prop, &v, errp);
}

static bool object_property_get_value(Object *obj, const char *name, PropKind kind,
                                      PropValue *v, ObjectProperty **propp, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    if (!prop) {
        return false;
    }
    bool numeric = kind == PROP_KIND_INT || kind == PROP_KIND_UINT;
    bool prop_numeric = prop->kind == PROP_KIND_INT || prop->kind == PROP_KIND_UINT;
    bool objects = kind == PROP_KIND_LINK && prop->kind == PROP_KIND_CHILD;
    if (prop->kind != kind && !(numeric && prop_numeric) && !objects) {
        error_wrong_kind(obj, prop, kind, errp);
        return false;
    }
    if (!prop->get) {
        error_setg(errp, "Property '%s.%s' is not readable", object_get_typename(obj), name);
        return false;
    }
    *propp = prop;
    memset(v, 0, sizeof(*v));
    return prop->get(obj, prop, v, errp);
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    PropValue v;
    ObjectProperty *prop;
    return object_property_get_value(obj, name, PROP_KIND_BOOL, &v, &prop, errp) && v.b;
}

int64_t object_property_get_int(Object *obj, const char *name, Error **errp)
{
    PropValue v;
    ObjectProperty *prop;
    if (!object_property_get_value(obj, name, PROP_KIND_INT, &v, &prop, errp)) {
        return -1;
    }
    if (prop->kind == PROP_KIND_UINT) {
        if (v.u > INT64_MAX) {
            error_setg(errp, "Property '%s.%s' value %" PRIu64 " is too large for int64",
                       object_get_typename(obj), name, v.u);
            return -1;
        }
        return (int64_t)v.u;
    }
    return v.i;
}

uint64_t object_property_get_uint(Object *obj, const char *name, Error **errp)
{
    PropValue v;
    ObjectProperty *prop;
    if (!object_property_get_value(obj, name, PROP_KIND_UINT, &v, &prop, errp)) {
        return 0;
    }
    if (prop->kind == PROP_KIND_INT) {
        if (v.i < 0) {
            error_setg(errp, "Property '%s.%s' value %" PRId64 " is negative",
                       object_get_typename(obj), name, v.i);
            return 0;
        }
        return (uint64_t)v.i;
    }
    return v.u;
}

char *object_property_get_str(Object *obj, const char *name, Error **errp)
{
    PropValue v;
    ObjectProperty *prop;
    if (!object_property_get_value(obj, name, PROP_KIND_STR, &v, &prop, errp)) {
        return NULL;
    }
    return v.s;
}

Object *object_property_get_link(Object *obj, const char *name, Error **errp)
{
    PropValue v;
    ObjectProperty *prop;
    if (!object_property_get_value(obj, name, PROP_KIND_LINK, &v, &prop, errp)) {
        return NULL;
    }
    return v.obj;
}

/* Text (the scalar syntax is util/parse.h's) */

static bool error_bad_value(Object *obj, ObjectProperty *prop, const char *text, Error **errp)
{
    error_setg(errp, "Property '%s.%s' doesn't take value '%s'", object_get_typename(obj),
               prop->name, text);
    return false;
}

bool object_property_parse(Object *obj, const char *name, const char *text, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    if (!prop) {
        return false;
    }
    switch (prop->kind) {
    case PROP_KIND_BOOL: {
        bool b;
        if (!parse_bool(text, &b)) {
            return error_bad_value(obj, prop, text, errp);
        }
        return object_property_set_bool(obj, name, b, errp);
    }
    case PROP_KIND_INT: {
        int64_t i;
        if (!parse_int64(text, &i)) {
            return error_bad_value(obj, prop, text, errp);
        }
        return object_property_set_int(obj, name, i, errp);
    }
    case PROP_KIND_UINT: {
        uint64_t u;
        if (!(prop->is_size ? parse_size(text, &u) : parse_uint64(text, &u))) {
            return error_bad_value(obj, prop, text, errp);
        }
        return object_property_set_uint(obj, name, u, errp);
    }
    case PROP_KIND_STR:
        return object_property_set_str(obj, name, text, errp);
    case PROP_KIND_LINK: {
        bool ambiguous = false;
        Object *target = NULL;
        if (text[0]) {
            target = object_resolve_path(text, &ambiguous);
            if (ambiguous) {
                error_setg(errp, "Path '%s' does not uniquely identify an object", text);
                return false;
            }
            if (!target) {
                error_setg(errp, "Device '%s' not found", text);
                return false;
            }
        }
        return object_property_set_link(obj, name, target, errp);
    }
    case PROP_KIND_CHILD:
        break;
    }
    error_setg(errp, "Property '%s.%s' is not writable", object_get_typename(obj), name);
    return false;
}

char *object_property_format(Object *obj, const char *name, Error **errp)
{
    ObjectProperty *prop = object_property_find_err(obj, name, errp);
    PropValue v = { 0 };
    char buf[32];

    if (!prop) {
        return NULL;
    }
    if (!prop->get) {
        error_setg(errp, "Property '%s.%s' is not readable", object_get_typename(obj), name);
        return NULL;
    }
    if (!prop->get(obj, prop, &v, errp)) {
        return NULL;
    }
    switch (prop->kind) {
    case PROP_KIND_BOOL:
        return xstrdup(v.b ? "true" : "false");
    case PROP_KIND_INT:
        snprintf(buf, sizeof(buf), "%" PRId64, v.i);
        return xstrdup(buf);
    case PROP_KIND_UINT:
        snprintf(buf, sizeof(buf), "%" PRIu64, v.u);
        return xstrdup(buf);
    case PROP_KIND_STR:
        return v.s ? v.s : xstrdup("");
    case PROP_KIND_LINK:
    case PROP_KIND_CHILD:
        if (!v.obj) {
            return xstrdup("");
        }
        char *path = object_get_canonical_path(v.obj);
        return path ? path : xstrdup("");
    }
    return NULL;
}

/* Help */

typedef struct PropList {
    ObjectProperty **props;
    int n;
} PropList;

static void collect_prop(Object *obj, ObjectProperty *prop, void *opaque)
{
    PropList *l = opaque;
    if (prop->kind == PROP_KIND_CHILD) {
        return;    /* parts of the object, not options */
    }
    for (int i = 0; i < l->n; i++) {
        if (strcmp(l->props[i]->name, prop->name) == 0) {
            return;    /* shadowed by an instance property */
        }
    }
    l->props = realloc(l->props, (l->n + 1) * sizeof(*l->props));
    assert(l->props);
    l->props[l->n++] = prop;
}

static int prop_cmp_name(const void *a, const void *b)
{
    return strcmp((*(ObjectProperty *const *)a)->name, (*(ObjectProperty *const *)b)->name);
}

void object_property_print_help(FILE *out, Object *obj, const char *what)
{
    PropList l = { 0 };
    object_property_foreach(obj, collect_prop, &l);
    if (l.n) {
        qsort(l.props, l.n, sizeof(*l.props), prop_cmp_name);
        fprintf(out, "%s options:\n", what);
    } else {
        fprintf(out, "There are no options for %s.\n", what);
    }
    for (int i = 0; i < l.n; i++) {
        ObjectProperty *p = l.props[i];
        int len = fprintf(out, "  %s=<%s>", p->name, p->type);
        if (p->description || p->defval) {
            if (len < 24) {
                fprintf(out, "%*s", 24 - len, "");
            }
            fprintf(out, " - ");
        }
        if (p->description) {
            fprintf(out, "%s", p->description);
        }
        if (p->defval) {
            fprintf(out, " (default: %s)", p->defval);
        }
        fprintf(out, "\n");
    }
    free(l.props);
}

/* Instance links backed by an Object * variable */

static bool link_get(Object *obj, ObjectProperty *prop, PropValue *out, Error **errp)
{
    out->obj = *(Object **)prop->opaque;
    return true;
}

static bool link_set(Object *obj, ObjectProperty *prop, const PropValue *in, Error **errp)
{
    Object **targetp = prop->opaque;
    Object *old = *targetp;
    *targetp = object_ref(in->obj);
    object_unref(old);
    return true;
}

static void link_release(Object *obj, ObjectProperty *prop)
{
    Object **targetp = prop->opaque;
    object_unref(*targetp);
    *targetp = NULL;
}

ObjectProperty *object_property_add_link(Object *obj, const char *name, const char *type,
                                         Object **targetp, Error **errp)
{
    char full[256];
    snprintf(full, sizeof(full), "link<%s>", type);
    ObjectProperty *prop = object_property_add(obj, name, PROP_KIND_LINK, full, link_get,
                                               link_set, link_release, targetp, errp);
    if (prop) {
        prop->link_type = xstrdup(type);
    }
    return prop;
}

/* Class properties through plain accessors */

typedef struct AccessorPair {
    void (*get)(void);
    void (*set)(void);
} AccessorPair;

static bool accessor_bool_get(Object *obj, ObjectProperty *prop, PropValue *out, Error **errp)
{
    const AccessorPair *a = prop->opaque;
    out->b = ((PropBoolGetFn)a->get)(obj);
    return true;
}

static bool accessor_bool_set(Object *obj, ObjectProperty *prop, const PropValue *in,
                              Error **errp)
{
    const AccessorPair *a = prop->opaque;
    return ((PropBoolSetFn)a->set)(obj, in->b, errp);
}

static bool accessor_str_get(Object *obj, ObjectProperty *prop, PropValue *out, Error **errp)
{
    const AccessorPair *a = prop->opaque;
    out->s = ((PropStrGetFn)a->get)(obj);
    return true;
}

static bool accessor_str_set(Object *obj, ObjectProperty *prop, const PropValue *in,
                             Error **errp)
{
    const AccessorPair *a = prop->opaque;
    return ((PropStrSetFn)a->set)(obj, in->s, errp);
}

static ObjectProperty *class_property_add_accessors(ObjectClass *oc, const char *name,
                                                    PropKind kind, const char *type,
                                                    ObjectPropertyGetFn get,
                                                    ObjectPropertySetFn set,
                                                    void (*user_get)(void),
                                                    void (*user_set)(void),
                                                    const char *description)
{
    /* Lives as long as the class, i.e. forever. */
    AccessorPair *a = malloc(sizeof(*a));
    assert(a);
    a->get = user_get;
    a->set = user_set;
    ObjectProperty *prop = object_class_property_add(oc, name, kind, type,
                                                     user_get ? get : NULL,
                                                     user_set ? set : NULL, NULL, a);
    prop->description = xstrdup(description);
    return prop;
}

ObjectProperty *object_class_property_add_bool(ObjectClass *oc, const char *name,
                                               PropBoolGetFn get, PropBoolSetFn set,
                                               const char *description)
{
    return class_property_add_accessors(oc, name, PROP_KIND_BOOL, "bool", accessor_bool_get,
                                        accessor_bool_set, (void (*)(void))get,
                                        (void (*)(void))set, description);
}

ObjectProperty *object_class_property_add_str(ObjectClass *oc, const char *name,
                                              PropStrGetFn get, PropStrSetFn set,
                                              const char *description)
{
    return class_property_add_accessors(oc, name, PROP_KIND_STR, "str", accessor_str_get,
                                        accessor_str_set, (void (*)(void))get,
                                        (void (*)(void))set, description);
}

/* Field-backed properties from Property tables */

static void *field_ptr(Object *obj, ObjectProperty *prop)
{
    const Property *p = prop->opaque;
    return (char *)obj + p->offset;
}

static uint64_t field_load(const void *ptr, int size, bool is_signed)
{
    switch (size) {
    case 1: return is_signed ? (uint64_t)(int64_t)*(const int8_t *)ptr : *(const uint8_t *)ptr;
    case 2: return is_signed ? (uint64_t)(int64_t)*(const int16_t *)ptr : *(const uint16_t *)ptr;
    case 4: return is_signed ? (uint64_t)(int64_t)*(const int32_t *)ptr : *(const uint32_t *)ptr;
    default: return *(const uint64_t *)ptr;
    }
}

static void field_store(void *ptr, int size, uint64_t v)
{
    switch (size) {
    case 1: *(uint8_t *)ptr = (uint8_t)v; break;
    case 2: *(uint16_t *)ptr = (uint16_t)v; break;
    case 4: *(uint32_t *)ptr = (uint32_t)v; break;
    default: *(uint64_t *)ptr = v; break;
    }
}

static bool field_get(Object *obj, ObjectProperty *prop, PropValue *out, Error **errp)
{
    const Property *p = prop->opaque;
    void *ptr = field_ptr(obj, prop);

    switch (p->kind) {
    case PROP_KIND_BOOL:
        out->b = *(bool *)ptr;
        break;
    case PROP_KIND_INT:
        out->i = (int64_t)field_load(ptr, p->size, true);
        break;
    case PROP_KIND_UINT:
        out->u = field_load(ptr, p->size, false);
        break;
    case PROP_KIND_STR:
        out->s = xstrdup(*(char **)ptr);
        break;
    case PROP_KIND_LINK:
    case PROP_KIND_CHILD:
        out->obj = *(Object **)ptr;
        break;
    }
    return true;
}

static bool field_set(Object *obj, ObjectProperty *prop, const PropValue *in, Error **errp)
{
    const Property *p = prop->opaque;
    void *ptr = field_ptr(obj, prop);

    switch (p->kind) {
    case PROP_KIND_BOOL:
        *(bool *)ptr = in->b;
        break;
    case PROP_KIND_INT:
        field_store(ptr, p->size, (uint64_t)in->i);
        break;
    case PROP_KIND_UINT:
        field_store(ptr, p->size, in->u);
        break;
    case PROP_KIND_STR: {
        char *old = *(char **)ptr;
        *(char **)ptr = xstrdup(in->s);
        free(old);
        break;
    }
    case PROP_KIND_LINK:
    case PROP_KIND_CHILD: {
        Object *old = *(Object **)ptr;
        *(Object **)ptr = object_ref(in->obj);
        object_unref(old);
        break;
    }
    }
    return true;
}

static void field_release(Object *obj, ObjectProperty *prop)
{
    const Property *p = prop->opaque;
    void *ptr = field_ptr(obj, prop);

    if (p->kind == PROP_KIND_STR) {
        free(*(char **)ptr);
        *(char **)ptr = NULL;
    } else if (p->kind == PROP_KIND_LINK) {
        object_unref(*(Object **)ptr);
        *(Object **)ptr = NULL;
    }
}

static void field_init(Object *obj, ObjectProperty *prop)
{
    const Property *p = prop->opaque;
    void *ptr = field_ptr(obj, prop);

    if (!p->has_default) {
        return;
    }
    switch (p->kind) {
    case PROP_KIND_BOOL:
        *(bool *)ptr = p->def_int != 0;
        break;
    case PROP_KIND_INT:
        field_store(ptr, p->size, (uint64_t)p->def_int);
        break;
    case PROP_KIND_UINT:
        field_store(ptr, p->size, p->def_uint);
        break;
    case PROP_KIND_STR:
        *(char **)ptr = xstrdup(p->def_str);
        break;
    default:
        break;
    }
}

void object_class_add_props(ObjectClass *oc, const Property *props)
{
    for (const Property *p = props; p->name; p++) {
        ObjectProperty *prop = object_class_property_add(oc, p->name, p->kind, p->type,
                                                         field_get, field_set,
                                                         field_release, (void *)p);
        char buf[64];
        prop->description = xstrdup(p->description);
        prop->is_size = p->is_size;
        prop->set_after_realize = p->set_after_realize;
        prop->link_type = xstrdup(p->link_type);
        prop->init = field_init;
        int bits = p->size * 8;
        if (p->kind == PROP_KIND_INT && bits < 64) {
            prop->min = -((int64_t)1 << (bits - 1));
            prop->max = ((int64_t)1 << (bits - 1)) - 1;
        } else if (p->kind == PROP_KIND_UINT && bits < 64) {
            prop->umax = ((uint64_t)1 << bits) - 1;
        }
        if (!p->has_default) {
            continue;
        }
        switch (p->kind) {
        case PROP_KIND_BOOL:
            prop->defval = xstrdup(p->def_int ? "true" : "false");
            break;
        case PROP_KIND_INT:
            snprintf(buf, sizeof(buf), "%" PRId64, p->def_int);
            prop->defval = xstrdup(buf);
            break;
        case PROP_KIND_UINT:
            snprintf(buf, sizeof(buf), "%" PRIu64, p->def_uint);
            prop->defval = xstrdup(buf);
            break;
        case PROP_KIND_STR: {
            size_t n = strlen(p->def_str) + 3;
            prop->defval = malloc(n);
            assert(prop->defval);
            snprintf(prop->defval, n, "\"%s\"", p->def_str);
            break;
        }
        default:
            break;
        }
    }
}
