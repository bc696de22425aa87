/*
 * The object model (QEMU's QOM, in our shape): named types registered at
 * start-up, classes built lazily on first use, objects with reference counts,
 * properties, and a composition tree rooted at object_get_root().
 *
 * Types: a TypeInfo names its parent (single inheritance) and any number of
 * interfaces.  A class is initialised on first use: the parent's class is
 * initialised first and memcpy'd into the child's (so a child starts with
 * every method its parent had), then the type's own class_init runs.
 * Interfaces get one InterfaceClass per implementing class, so class_init can
 * fill an interface's methods for that class only.
 *
 * Objects: object_new() zeroes instance_size bytes, sets class-property
 * defaults, runs instance_init from the root type down to the leaf, then
 * instance_post_init (leaf to root); the caller holds the one reference.
 * The last object_unref() releases properties (children are unparented),
 * then runs instance_finalize from the leaf up to the root, then frees.
 *
 * The tree: a child<T> property holds a reference on its child; each object
 * has at most one parent, which gives it a canonical path ("/machine/
 * peripheral/net0").  Links (link<T>) are typed, counted references that do
 * not own a place in the tree.
 *
 * Thread context: all of this is main-loop/big-lock only, except
 * object_ref/object_unref (atomic) and the casts (read-only after start-up).
 * Errors: functions that can fail take Error **errp; bad casts through the
 * checked macros are our own bugs and abort with both type names.
 */
#ifndef CORE_OBJECT_H
#define CORE_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

typedef struct Object Object;
typedef struct ObjectClass ObjectClass;
typedef struct ObjectProperty ObjectProperty;
typedef struct TypeImpl TypeImpl;
typedef struct Property Property;

#define TYPE_OBJECT    "object"
#define TYPE_INTERFACE "interface"
#define TYPE_CONTAINER "container"

typedef void (*ObjectInitFn)(Object *obj);
typedef void (*ObjectClassInitFn)(ObjectClass *oc, const void *data);
typedef void (*ObjectUnparentFn)(Object *obj);
/* Asked before any property set; a device refuses once realized. */
typedef bool (*ObjectPropertyMaySetFn)(Object *obj, ObjectProperty *prop, Error **errp);

typedef struct InterfaceInfo {
    const char *type;
} InterfaceInfo;

typedef struct TypeInfo {
    const char *name;
    const char *parent;
    size_t instance_size;              /* 0: same as the parent's */
    ObjectInitFn instance_init;
    ObjectInitFn instance_post_init;   /* after every instance_init */
    ObjectInitFn instance_finalize;
    bool abstract;
    size_t class_size;                 /* 0: same as the parent's */
    ObjectClassInitFn class_init;
    const void *class_data;
    const InterfaceInfo *interfaces;   /* ends with { NULL } */
} TypeInfo;

struct ObjectClass {
    TypeImpl *type;
    ObjectClass **interfaces;          /* this class's InterfaceClasses */
    int n_interfaces;
    ObjectProperty *properties;        /* this class's own, not inherited */
    ObjectUnparentFn unparent;
    ObjectPropertyMaySetFn property_may_set;
};

/* The class of an interface, one per implementing class. */
typedef struct InterfaceClass {
    ObjectClass parent_class;
    ObjectClass *concrete_class;
} InterfaceClass;

struct Object {
    ObjectClass *klass;
    ObjectProperty *properties;        /* instance properties, in order added */
    Object *parent;                    /* in the composition tree, or NULL */
    uint32_t ref;
};

/* Registration: type_init(fn) runs fn before main(); fn registers types. */
void type_register_static(const TypeInfo *info);
void type_register_static_array(const TypeInfo *infos, int n);
#define type_init(fn)                                                      \
    __attribute__((constructor)) static void type_init_##fn(void) { fn(); }

/* Classes. */
ObjectClass *object_class_by_name(const char *typename);   /* NULL if unknown */
const char *object_class_get_name(const ObjectClass *oc);
ObjectClass *object_class_get_parent(ObjectClass *oc);
bool object_class_is_abstract(ObjectClass *oc);
/* NULL unless oc is typename, a subtype of it, or implements it. */
ObjectClass *object_class_dynamic_cast(ObjectClass *oc, const char *typename);
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *oc, const char *typename,
                                              const char *file, int line, const char *func);

/* Classes of all types under parent_type (NULL: all), sorted by type name.
 * Returns a malloc'd NULL-terminated array; *count if count != NULL. */
ObjectClass **object_class_get_list(const char *parent_type, bool include_abstract,
                                    int *count);

/* Objects. */
Object *object_new(const char *typename);                  /* aborts on bad type */
Object *object_new_with_errp(const char *typename, Error **errp);
Object *object_ref(void *obj);
void object_unref(void *obj);
const char *object_get_typename(const Object *obj);
static inline ObjectClass *object_get_class(const Object *obj)
{
    return obj->klass;
}
Object *object_dynamic_cast(Object *obj, const char *typename);
Object *object_dynamic_cast_assert(Object *obj, const char *typename,
                                   const char *file, int line, const char *func);

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(oc) ((ObjectClass *)(oc))
#define OBJECT_CHECK(T, obj, name)                                         \
    ((T *)object_dynamic_cast_assert(OBJECT(obj), (name), __FILE__, __LINE__, __func__))
#define OBJECT_CLASS_CHECK(T, oc, name)                                    \
    ((T *)object_class_dynamic_cast_assert(OBJECT_CLASS(oc), (name),       \
                                           __FILE__, __LINE__, __func__))
#define OBJECT_GET_CLASS(T, obj, name)                                     \
    OBJECT_CLASS_CHECK(T, object_get_class(OBJECT(obj)), name)

/* Checked-cast helpers for one type: FOO(obj), FOO_CLASS(oc), FOO_GET_CLASS(obj). */
#define DECLARE_INSTANCE_CHECKER(Inst, NAME, TYPENAME)                     \
    static inline Inst *NAME(const void *obj)                              \
    {                                                                      \
        return OBJECT_CHECK(Inst, obj, TYPENAME);                          \
    }
#define DECLARE_CLASS_CHECKERS(Class, NAME, TYPENAME)                      \
    static inline Class *NAME##_CLASS(const void *oc)                      \
    {                                                                      \
        return OBJECT_CLASS_CHECK(Class, oc, TYPENAME);                    \
    }                                                                      \
    static inline Class *NAME##_GET_CLASS(const void *obj)                 \
    {                                                                      \
        return OBJECT_GET_CLASS(Class, obj, TYPENAME);                     \
    }
#define DECLARE_OBJ_CHECKERS(Inst, Class, NAME, TYPENAME)                  \
    DECLARE_INSTANCE_CHECKER(Inst, NAME, TYPENAME)                         \
    DECLARE_CLASS_CHECKERS(Class, NAME, TYPENAME)

/* The composition tree. */
Object *object_get_root(void);
/* The object at absolute PATH, creating containers for missing components. */
Object *object_get_container(const char *path);
/* Adds child<T> NAME to parent, taking a reference; fails if NAME exists
 * or child already has a parent. */
bool object_property_add_child(Object *parent, const char *name, Object *child,
                               Error **errp);
/* Detaches obj from its parent (dropping the tree's reference). */
void object_unparent(Object *obj);
/* The child's name under its parent, or NULL when unattached. */
const char *object_get_canonical_path_component(const Object *obj);
/* malloc'd "/a/b/c"; "/" for the root; NULL when not in the tree. */
char *object_get_canonical_path(const Object *obj);
/* An absolute path ("/machine/peripheral/x"), or a partial one ("x",
 * "peripheral/x") matched against the ends of all paths in the tree; a
 * partial path matching several objects sets *ambiguous and returns NULL. */
Object *object_resolve_path(const char *path, bool *ambiguous);
Object *object_resolve_path_type(const char *path, const char *typename, bool *ambiguous);
Object *object_resolve_path_component(Object *parent, const char *name);
/* Calls fn for each child in insertion order; stops at the first non-zero. */
int object_child_foreach(Object *obj, int (*fn)(Object *child, void *opaque), void *opaque);

#include "core/property.h"

#endif
