/*
 * The object model's types, classes, objects and composition tree (see
 * object.h for the contract).  The type registry is a flat array filled by
 * type_init constructors before main(); classes are built on first lookup
 * and never freed.  Invariants: a class is initialised only after its
 * parent; every interface listed by a type or its ancestors has exactly one
 * InterfaceClass in the class's `interfaces`; an object's `parent` is set iff
 * some child<> property of that parent points at it.
 */
#include "core/object.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct TypeImpl {
    const TypeInfo *info;
    const char *name;
    TypeImpl *parent;
    ObjectClass *klass;
    size_t instance_size;
    size_t class_size;
    bool abstract;
    bool initialising;
};

static TypeImpl **type_table;
static int type_count;
static int type_capacity;

static TypeImpl *type_lookup(const char *name)
{
    if (!name) {
        return NULL;
    }
    for (int i = 0; i < type_count; i++) {
        if (strcmp(type_table[i]->name, name) == 0) {
            return type_table[i];
        }
    }
    return NULL;
}

void type_register_static(const TypeInfo *info)
{
    assert(info->name);
    if (type_lookup(info->name)) {
        fprintf(stderr, "type_register_static: type '%s' registered twice\n", info->name);
        abort();
    }
    if (type_count == type_capacity) {
        type_capacity = type_capacity ? type_capacity * 2 : 64;
        type_table = realloc(type_table, type_capacity * sizeof(*type_table));
        assert(type_table);
    }
    TypeImpl *ti = calloc(1, sizeof(*ti));
    assert(ti);
    ti->info = info;
    ti->name = info->name;
    ti->abstract = info->abstract;
    type_table[type_count++] = ti;
}

void type_register_static_array(const TypeInfo *infos, int n)
{
    for (int i = 0; i < n; i++) {
        type_register_static(&infos[i]);
    }
}

static bool type_is_ancestor(const TypeImpl *type, const TypeImpl *ancestor)
{
    for (; type; type = type->parent) {
        if (type == ancestor) {
            return true;
        }
    }
    return false;
}

static void type_initialize(TypeImpl *ti);

/* Resolves parent pointers and sizes (parents first). */
static void type_resolve(TypeImpl *ti)
{
    if (ti->parent || !ti->info->parent) {
        if (!ti->instance_size) {
            ti->instance_size = ti->info->instance_size ? ti->info->instance_size
                                                        : sizeof(Object);
        }
        if (!ti->class_size) {
            ti->class_size = ti->info->class_size ? ti->info->class_size
                                                  : sizeof(ObjectClass);
        }
        return;
    }
    TypeImpl *parent = type_lookup(ti->info->parent);
    if (!parent) {
        fprintf(stderr, "type '%s': parent type '%s' is not registered\n",
                ti->name, ti->info->parent);
        abort();
    }
    type_resolve(parent);
    ti->parent = parent;
    ti->instance_size = ti->info->instance_size ? ti->info->instance_size
                                                : parent->instance_size;
    ti->class_size = ti->info->class_size ? ti->info->class_size : parent->class_size;
    assert(ti->instance_size >= parent->instance_size);
    assert(ti->class_size >= parent->class_size);
}

static void class_add_interface(ObjectClass *oc, TypeImpl *iface)
{
    type_initialize(iface);
    if (!type_is_ancestor(iface, type_lookup(TYPE_INTERFACE))) {
        fprintf(stderr, "type '%s': '%s' is not an interface\n", oc->type->name, iface->name);
        abort();
    }
    for (int i = 0; i < oc->n_interfaces; i++) {
        if (type_is_ancestor(oc->interfaces[i]->type, iface)) {
            return;   /* already implemented, directly or by a sub-interface */
        }
    }
    InterfaceClass *ic = calloc(1, iface->class_size);
    assert(ic);
    memcpy(ic, iface->klass, iface->class_size);
    ic->parent_class.type = iface;
    ic->parent_class.properties = NULL;
    ic->parent_class.interfaces = NULL;
    ic->parent_class.n_interfaces = 0;
    ic->concrete_class = oc;
    oc->interfaces = realloc(oc->interfaces, (oc->n_interfaces + 1) * sizeof(ObjectClass *));
    assert(oc->interfaces);
    oc->interfaces[oc->n_interfaces++] = &ic->parent_class;
}

static void type_initialize(TypeImpl *ti)
{
    if (ti->klass) {
        return;
    }
    assert(!ti->initialising && "type hierarchy loops");
    ti->initialising = true;
    type_resolve(ti);
    if (ti->parent && type_is_ancestor(ti, type_lookup(TYPE_INTERFACE))) {
        ti->abstract = true;   /* interfaces have no instances of their own */
    }
    ObjectClass *oc = calloc(1, ti->class_size);
    assert(oc);
    if (ti->parent) {
        type_initialize(ti->parent);
        memcpy(oc, ti->parent->klass, ti->parent->class_size);
    }
    oc->type = ti;
    oc->properties = NULL;     /* class properties are found through the parents */
    oc->interfaces = NULL;
    oc->n_interfaces = 0;
    ti->klass = oc;
    if (ti->parent) {
        ObjectClass *pc = ti->parent->klass;
        for (int i = 0; i < pc->n_interfaces; i++) {
            class_add_interface(oc, pc->interfaces[i]->type);
        }
    }
    for (const InterfaceInfo *ii = ti->info->interfaces; ii && ii->type; ii++) {
        TypeImpl *iface = type_lookup(ii->type);
        if (!iface) {
            fprintf(stderr, "type '%s': interface '%s' is not registered\n",
                    ti->name, ii->type);
            abort();
        }
        class_add_interface(oc, iface);
    }
    /* Parent class_init ran when the parent was built; now this type's own,
     * and the implementing class's view of each interface. */
    if (ti->info->class_init) {
        ti->info->class_init(oc, ti->info->class_data);
    }
    ti->initialising = false;
}

ObjectClass *object_class_by_name(const char *typename)
{
    TypeImpl *ti = type_lookup(typename);
    if (!ti) {
        return NULL;
    }
    type_initialize(ti);
    return ti->klass;
}

const char *object_class_get_name(const ObjectClass *oc)
{
    return oc->type->name;
}

ObjectClass *object_class_get_parent(ObjectClass *oc)
{
    if (!oc->type->parent) {
        return NULL;
    }
    type_initialize(oc->type->parent);
    return oc->type->parent->klass;
}

bool object_class_is_abstract(ObjectClass *oc)
{
    return oc->type->abstract;
}

static bool type_has_ancestor_named(const TypeImpl *type, const char *typename)
{
    for (; type; type = type->parent) {
        /* Pointer compare first: type names are usually the same literal. */
        if (type->name == typename || strcmp(type->name, typename) == 0) {
            return true;
        }
    }
    return false;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *oc, const char *typename)
{
    if (!oc) {
        return NULL;
    }
    /* Walks the ancestry (a few levels), never the whole registry: casts sit
     * on device fast paths. */
    if (type_has_ancestor_named(oc->type, typename)) {
        return oc;
    }
    for (int i = 0; i < oc->n_interfaces; i++) {
        if (type_has_ancestor_named(oc->interfaces[i]->type, typename)) {
            return oc->interfaces[i];
        }
    }
    return NULL;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *oc, const char *typename,
                                              const char *file, int line, const char *func)
{
    ObjectClass *ret = object_class_dynamic_cast(oc, typename);
    if (!ret && oc) {
        fprintf(stderr, "%s:%d: %s: class '%s' is not a subclass of '%s'\n",
                file, line, func, object_class_get_name(oc), typename);
        abort();
    }
    return ret;
}

static int class_cmp_name(const void *a, const void *b)
{
    const ObjectClass *ca = *(ObjectClass *const *)a;
    const ObjectClass *cb = *(ObjectClass *const *)b;
    return strcmp(ca->type->name, cb->type->name);
}

ObjectClass **object_class_get_list(const char *parent_type, bool include_abstract,
                                    int *count)
{
    ObjectClass **list = calloc(type_count + 1, sizeof(*list));
    int n = 0;
    assert(list);
    for (int i = 0; i < type_count; i++) {
        TypeImpl *ti = type_table[i];
        type_initialize(ti);
        if (!include_abstract && ti->abstract) {
            continue;
        }
        if (parent_type && !object_class_dynamic_cast(ti->klass, parent_type)) {
            continue;
        }
        list[n++] = ti->klass;
    }
    qsort(list, n, sizeof(*list), class_cmp_name);
    list[n] = NULL;
    if (count) {
        *count = n;
    }
    return list;
}

/* Objects */

static void object_init_with_type(Object *obj, TypeImpl *ti)
{
    if (ti->parent) {
        object_init_with_type(obj, ti->parent);
    }
    if (ti->info->instance_init) {
        ti->info->instance_init(obj);
    }
}

static void object_post_init_with_type(Object *obj, TypeImpl *ti)
{
    if (ti->info->instance_post_init) {
        ti->info->instance_post_init(obj);
    }
    if (ti->parent) {
        object_post_init_with_type(obj, ti->parent);
    }
}

static void object_class_property_init_all(Object *obj, ObjectClass *oc)
{
    ObjectClass *parent = object_class_get_parent(oc);
    if (parent) {
        object_class_property_init_all(obj, parent);
    }
    for (ObjectProperty *p = oc->properties; p; p = p->next) {
        if (p->init) {
            p->init(obj, p);
        }
    }
}

Object *object_new_with_errp(const char *typename, Error **errp)
{
    TypeImpl *ti = type_lookup(typename);
    if (!ti) {
        error_setg(errp, "unknown type '%s'", typename);
        return NULL;
    }
    type_initialize(ti);
    if (ti->abstract) {
        error_setg(errp, "type '%s' is abstract", typename);
        return NULL;
    }
    if (type_is_ancestor(ti, type_lookup(TYPE_INTERFACE))) {
        error_setg(errp, "type '%s' is an interface", typename);
        return NULL;
    }
    Object *obj = calloc(1, ti->instance_size);
    if (!obj) {
        error_setg(errp, "out of memory creating '%s'", typename);
        return NULL;
    }
    obj->klass = ti->klass;
    obj->ref = 1;
    object_class_property_init_all(obj, ti->klass);
    object_init_with_type(obj, ti);
    object_post_init_with_type(obj, ti);
    return obj;
}

Object *object_new(const char *typename)
{
    return object_new_with_errp(typename, &error_abort);
}

static void object_deinit(Object *obj, TypeImpl *ti)
{
    if (ti->info->instance_finalize) {
        ti->info->instance_finalize(obj);
    }
    if (ti->parent) {
        object_deinit(obj, ti->parent);
    }
}

/* Defined in property.c: releases and frees instance properties, then
 * releases class-property state (string fields, link references). */
void object_property_del_all(Object *obj);

static void object_finalize(Object *obj)
{
    assert(!obj->parent);
    object_property_del_all(obj);
    object_deinit(obj, obj->klass->type);
    assert(obj->ref == 0);
    free(obj);
}

Object *object_ref(void *opaque)
{
    Object *obj = opaque;
    if (obj) {
        __atomic_fetch_add(&obj->ref, 1, __ATOMIC_RELAXED);
    }
    return obj;
}

void object_unref(void *opaque)
{
    Object *obj = opaque;
    if (!obj) {
        return;
    }
    assert(obj->ref > 0);
    if (__atomic_sub_fetch(&obj->ref, 1, __ATOMIC_ACQ_REL) == 0) {
        object_finalize(obj);
    }
}

const char *object_get_typename(const Object *obj)
{
    return obj->klass->type->name;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    if (obj && object_class_dynamic_cast(obj->klass, typename)) {
        return obj;
    }
    return NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line, const char *func)
{
    if (obj && !object_dynamic_cast(obj, typename)) {
        fprintf(stderr, "%s:%d: %s: object of type '%s' is not an instance of '%s'\n",
                file, line, func, object_get_typename(obj), typename);
        abort();
    }
    return obj;
}

/* The composition tree */

static Object *object_root;

Object *object_get_root(void)
{
    if (!object_root) {
        object_root = object_new(TYPE_CONTAINER);
    }
    return object_root;
}

static bool child_get(Object *obj, ObjectProperty *prop, PropValue *out, Error **errp)
{
    out->obj = prop->opaque;
    return true;
}

static void child_release(Object *obj, ObjectProperty *prop)
{
    Object *child = prop->opaque;
    ObjectClass *oc = child->klass;

    /* Let the child undo what being in the tree gave it (a device
     * unrealizes), then drop the tree's reference. */
    if (oc->unparent) {
        oc->unparent(child);
    }
    child->parent = NULL;
    object_unref(child);
}

bool object_property_add_child(Object *parent, const char *name, Object *child,
                               Error **errp)
{
    if (child->parent) {
        error_setg(errp, "object '%s' is already in the tree", name);
        return false;
    }
    char type[256];
    snprintf(type, sizeof(type), "child<%s>", object_get_typename(child));
    ObjectProperty *prop = object_property_add(parent, name, PROP_KIND_CHILD, type,
                                               child_get, NULL, child_release, child, errp);
    if (!prop) {
        return false;
    }
    prop->link_type = strdup(object_get_typename(child));
    object_ref(child);
    child->parent = parent;
    return true;
}

static ObjectProperty *object_child_property(const Object *obj)
{
    if (!obj->parent) {
        return NULL;
    }
    for (ObjectProperty *p = obj->parent->properties; p; p = p->next) {
        if (p->kind == PROP_KIND_CHILD && p->opaque == obj) {
            return p;
        }
    }
    return NULL;
}

void object_unparent(Object *obj)
{
    ObjectProperty *prop = object_child_property(obj);
    if (prop) {
        object_property_del(obj->parent, prop->name);
    }
}

const char *object_get_canonical_path_component(const Object *obj)
{
    ObjectProperty *prop = object_child_property(obj);
    return prop ? prop->name : NULL;
}

char *object_get_canonical_path(const Object *obj)
{
    if (obj == object_root) {
        return strdup("/");
    }
    size_t len = 0;
    const Object *o;
    for (o = obj; o != object_root; o = o->parent) {
        const char *name = object_get_canonical_path_component(o);
        if (!name) {
            return NULL;
        }
        len += strlen(name) + 1;
    }
    char *path = malloc(len + 1);
    assert(path);
    path[len] = '\0';
    for (o = obj; o != object_root; o = o->parent) {
        const char *name = object_get_canonical_path_component(o);
        size_t n = strlen(name);
        len -= n;
        memcpy(path + len, name, n);
        path[--len] = '/';
    }
    return path;
}

Object *object_resolve_path_component(Object *parent, const char *name)
{
    ObjectProperty *prop = object_property_find(parent, name);
    if (!prop) {
        return NULL;
    }
    if (prop->kind == PROP_KIND_CHILD) {
        return prop->opaque;
    }
    if (prop->kind == PROP_KIND_LINK) {
        return object_property_get_link(parent, name, NULL);
    }
    return NULL;
}

/* Follows components[0..n) from obj; NULL if any is missing. */
static Object *resolve_components(Object *obj, char **parts, int n)
{
    for (int i = 0; i < n && obj; i++) {
        obj = object_resolve_path_component(obj, parts[i]);
    }
    return obj;
}

/* Partial path: every object in the tree from which `parts` resolves. */
static Object *resolve_partial(Object *parent, char **parts, int n, const char *typename,
                               bool *ambiguous)
{
    Object *found = resolve_components(parent, parts, n);
    if (found && typename && !object_dynamic_cast(found, typename)) {
        found = NULL;
    }
    for (ObjectProperty *p = parent->properties; p; p = p->next) {
        if (p->kind != PROP_KIND_CHILD) {
            continue;
        }
        Object *obj = resolve_partial(p->opaque, parts, n, typename, ambiguous);
        if (*ambiguous) {
            return NULL;
        }
        if (obj && found && obj != found) {
            *ambiguous = true;
            return NULL;
        }
        if (obj) {
            found = obj;
        }
    }
    return found;
}

static int path_split(char *copy, char **parts, int max)
{
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(copy, "/", &save); tok;
         tok = strtok_r(NULL, "/", &save)) {
        if (n == max) {
            return -1;
        }
        parts[n++] = tok;
    }
    return n;
}

Object *object_resolve_path_type(const char *path, const char *typename, bool *ambiguous)
{
    bool dummy = false;
    char *parts[64];
    char *copy = strdup(path);
    Object *obj = NULL;

    if (!ambiguous) {
        ambiguous = &dummy;
    }
    *ambiguous = false;
    assert(copy);
    int n = path_split(copy, parts, 64);
    if (n < 0) {
        free(copy);
        return NULL;
    }
    if (path[0] == '/') {
        obj = resolve_components(object_get_root(), parts, n);
        if (obj && typename && !object_dynamic_cast(obj, typename)) {
            obj = NULL;
        }
    } else if (n > 0) {
        obj = resolve_partial(object_get_root(), parts, n, typename, ambiguous);
    }
    free(copy);
    return obj;
}

Object *object_resolve_path(const char *path, bool *ambiguous)
{
    return object_resolve_path_type(path, NULL, ambiguous);
}

Object *object_get_container(const char *path)
{
    char *parts[64];
    char *copy = strdup(path);
    assert(copy && path[0] == '/');
    int n = path_split(copy, parts, 64);
    assert(n >= 0);
    Object *obj = object_get_root();
    for (int i = 0; i < n; i++) {
        Object *child = object_resolve_path_component(obj, parts[i]);
        if (!child) {
            child = object_new(TYPE_CONTAINER);
            object_property_add_child(obj, parts[i], child, &error_abort);
            object_unref(child);
        }
        obj = child;
    }
    free(copy);
    return obj;
}

int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque), void *opaque)
{
    for (ObjectProperty *p = obj->properties; p; p = p->next) {
        if (p->kind == PROP_KIND_CHILD) {
            int ret = fn(p->opaque, opaque);
            if (ret) {
                return ret;
            }
        }
    }
    return 0;
}

static const TypeInfo object_base_types[] = {
    { .name = TYPE_OBJECT, .instance_size = sizeof(Object), .abstract = true,
      .class_size = sizeof(ObjectClass) },
    { .name = TYPE_INTERFACE, .abstract = true, .class_size = sizeof(InterfaceClass) },
    { .name = TYPE_CONTAINER, .parent = TYPE_OBJECT },
};

static void object_register_types(void)
{
    type_register_static_array(object_base_types, 3);
}

type_init(object_register_types)
