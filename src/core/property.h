/*
 * Object properties: typed, named values on objects (instance properties)
 * and on classes (class properties, shared by every instance, looked up
 * through the parent chain).  Kinds: bool, int (int64 with a range), uint
 * (uint64 with a range; "size" is a uint parsed with k/M/G/T/P/E suffixes),
 * str, link<TYPE> and child<TYPE>.  No visitors: getters and setters trade a
 * PropValue, and object_property_parse() turns command-line text into the
 * property's kind with errors that name "type.property".
 *
 * Property tables (QEMU's qdev properties): arrays of Property built with the
 * DEFINE_PROP_* macros describe fields at offsets inside the instance; they
 * become class properties with defaults written at object creation.
 *
 * Ownership: get_str and property_format return malloc'd strings the caller
 * frees; get_link returns a borrowed pointer.  String fields are owned by the
 * object (freed at finalize); links hold a reference on their target.
 * Included from core/object.h; include that.
 */
#ifndef CORE_PROPERTY_H
#define CORE_PROPERTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum PropKind {
    PROP_KIND_BOOL,
    PROP_KIND_INT,
    PROP_KIND_UINT,
    PROP_KIND_STR,
    PROP_KIND_LINK,
    PROP_KIND_CHILD,
} PropKind;

typedef struct PropValue {
    bool b;
    int64_t i;
    uint64_t u;
    char *s;          /* get: malloc'd for the caller; set: borrowed */
    Object *obj;      /* link/child target, borrowed */
} PropValue;

typedef bool (*ObjectPropertyGetFn)(Object *obj, ObjectProperty *prop, PropValue *out,
                                    Error **errp);
typedef bool (*ObjectPropertySetFn)(Object *obj, ObjectProperty *prop, const PropValue *in,
                                    Error **errp);
typedef void (*ObjectPropertyReleaseFn)(Object *obj, ObjectProperty *prop);
typedef void (*ObjectPropertyInitFn)(Object *obj, ObjectProperty *prop);

struct ObjectProperty {
    char *name;
    char *type;                 /* "bool", "uint32", "size", "str", "link<T>"... */
    char *description;
    char *defval;               /* JSON-ish text for help: "true", "4", "\"x\"" */
    PropKind kind;
    bool is_size;               /* uint parsed with suffixes */
    bool set_after_realize;     /* stays writable on a realized device */
    int64_t min;                /* PROP_KIND_INT range */
    int64_t max;
    uint64_t umax;              /* PROP_KIND_UINT range */
    char *link_type;            /* LINK/CHILD: the target type */
    ObjectPropertyGetFn get;
    ObjectPropertySetFn set;    /* NULL: read-only */
    ObjectPropertyReleaseFn release;
    ObjectPropertyInitFn init;  /* class properties: sets the default */
    void *opaque;
    ObjectProperty *next;
};

/* Adding: a generic form, and typed helpers.  Instance properties fail if
 * the name exists on the object or its class; class properties abort on a
 * duplicate (a programming error at class_init). */
ObjectProperty *object_property_add(Object *obj, const char *name, PropKind kind,
                                    const char *type, ObjectPropertyGetFn get,
                                    ObjectPropertySetFn set,
                                    ObjectPropertyReleaseFn release, void *opaque,
                                    Error **errp);
ObjectProperty *object_class_property_add(ObjectClass *oc, const char *name, PropKind kind,
                                          const char *type, ObjectPropertyGetFn get,
                                          ObjectPropertySetFn set,
                                          ObjectPropertyReleaseFn release, void *opaque);
void object_property_set_description(ObjectProperty *prop, const char *description);
void object_property_set_defval(ObjectProperty *prop, const char *defval);
/* A link<type> backed by *targetp; holds a reference on the target. */
ObjectProperty *object_property_add_link(Object *obj, const char *name, const char *type,
                                         Object **targetp, Error **errp);
/* Class properties through plain accessors (QEMU's object_class_property_
 * add_bool/_str): a setter reports refusal through errp and returns false;
 * get_str returns a malloc'd string.  set may be NULL (read-only). */
typedef bool (*PropBoolGetFn)(Object *obj);
typedef bool (*PropBoolSetFn)(Object *obj, bool value, Error **errp);
typedef char *(*PropStrGetFn)(Object *obj);
typedef bool (*PropStrSetFn)(Object *obj, const char *value, Error **errp);
ObjectProperty *object_class_property_add_bool(ObjectClass *oc, const char *name,
                                               PropBoolGetFn get, PropBoolSetFn set,
                                               const char *description);
ObjectProperty *object_class_property_add_str(ObjectClass *oc, const char *name,
                                              PropStrGetFn get, PropStrSetFn set,
                                              const char *description);
/* Field-backed class properties from a table ending with DEFINE_PROP_END_OF_LIST(). */
void object_class_add_props(ObjectClass *oc, const Property *props);

ObjectProperty *object_property_find(Object *obj, const char *name);
ObjectProperty *object_property_find_err(Object *obj, const char *name, Error **errp);
ObjectProperty *object_class_property_find(ObjectClass *oc, const char *name);
bool object_property_del(Object *obj, const char *name);
/* Calls fn for instance properties, then class properties leaf to root. */
void object_property_foreach(Object *obj, void (*fn)(Object *, ObjectProperty *, void *),
                             void *opaque);

bool object_property_set_bool(Object *obj, const char *name, bool value, Error **errp);
bool object_property_set_int(Object *obj, const char *name, int64_t value, Error **errp);
bool object_property_set_uint(Object *obj, const char *name, uint64_t value, Error **errp);
bool object_property_set_str(Object *obj, const char *name, const char *value, Error **errp);
bool object_property_set_link(Object *obj, const char *name, Object *value, Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
int64_t object_property_get_int(Object *obj, const char *name, Error **errp);
uint64_t object_property_get_uint(Object *obj, const char *name, Error **errp);
char *object_property_get_str(Object *obj, const char *name, Error **errp);
Object *object_property_get_link(Object *obj, const char *name, Error **errp);

/* Text in, per the property's kind: bool on/off/yes/no/true/false; numbers
 * decimal or 0x hex (ints may be negative); sizes with k/M/G/T/P/E (powers
 * of 1024, fractions allowed: "1.5G"); links by path. */
bool object_property_parse(Object *obj, const char *name, const char *text, Error **errp);
/* The current value as text (bool true/false, numbers decimal, links as
 * paths); malloc'd, NULL on error. */
char *object_property_format(Object *obj, const char *name, Error **errp);

/* Help for `-device TYPE,help` and friends: "WHAT options:" then one line
 * per property sorted by name: "  name=<type>   - description (default: x)". */
void object_property_print_help(FILE *out, Object *obj, const char *what);

/* A field of the instance at `offset`, as a class property. */
struct Property {
    const char *name;
    const char *description;
    PropKind kind;
    const char *type;          /* printed in help: "uint32", "size", "str"... */
    size_t offset;
    uint8_t size;              /* field width in bytes */
    bool is_size;
    bool set_after_realize;
    const char *link_type;
    bool has_default;
    int64_t def_int;           /* bool/int default */
    uint64_t def_uint;
    const char *def_str;
};

/* Compile error unless the field has exactly type T. */
#define PROP_FIELD_CHECK(T, State, field)                                  \
    (0 * sizeof(char[__builtin_types_compatible_p(                         \
                         T, __typeof__(((State *)0)->field)) ? 1 : -1]))
#define PROP_FIELD(State, field, T)                                        \
    .offset = offsetof(State, field) + PROP_FIELD_CHECK(T, State, field),  \
    .size = sizeof(T)

#define DEFINE_PROP_BOOL(pname, State, field, def, desc)                   \
    { .name = (pname), .description = (desc), .kind = PROP_KIND_BOOL,      \
      .type = "bool", PROP_FIELD(State, field, bool), .has_default = true, \
      .def_int = (def) }
#define DEFINE_PROP_INT32(pname, State, field, def, desc)                  \
    { .name = (pname), .description = (desc), .kind = PROP_KIND_INT,       \
      .type = "int32", PROP_FIELD(State, field, int32_t),                  \
      .has_default = true, .def_int = (def) }
#define DEFINE_PROP_INT64(pname, State, field, def, desc)                  \
    { .name = (pname), .description = (desc), .kind = PROP_KIND_INT,       \
      .type = "int64", PROP_FIELD(State, field, int64_t),                  \
      .has_default = true, .def_int = (def) }
#define DEFINE_PROP_UINT8(pname, State, field, def, desc)                  \
    { .name = (pname), .description = (desc), .kind = PROP_KIND_UINT,      \
      .type = "uint8", PROP_FIELD(State, field, uint8_t),                  \
      .has_default = true, .def_uint = (def) }
#define DEFINE_PROP_UINT16(pname, State, field, def, desc)                 \
    { .name = (pname), .description = (desc), .kind = PROP_KIND_UINT,      \
      .type = "uint16", PROP_FIELD(State, field, uint16_t),                \
      .has_default = true, .def_uint = (def) }
#define DEFINE_PROP_UINT32(pname, State, field, def, desc)                 \
    { .name = (pname), .description = (desc), .kind = PROP_KIND_UINT,      \
      .type = "uint32", PROP_FIELD(State, field, uint32_t),                \
      .has_default = true, .def_uint = (def) }
#define DEFINE_PROP_UINT64(pname, State, field, def, desc)                 \
    { .name = (pname), .description = (desc), .kind = PROP_KIND_UINT,      \
      .type = "uint64", PROP_FIELD(State, field, uint64_t),                \
      .has_default = true, .def_uint = (def) }
#define DEFINE_PROP_SIZE(pname, State, field, def, desc)                   \
    { .name = (pname), .description = (desc), .kind = PROP_KIND_UINT,      \
      .type = "size", PROP_FIELD(State, field, uint64_t), .is_size = true, \
      .has_default = true, .def_uint = (def) }
/* A char * field, owned by the object; default NULL unless def given. */
#define DEFINE_PROP_STRING(pname, State, field, def, desc)                 \
    { .name = (pname), .description = (desc), .kind = PROP_KIND_STR,       \
      .type = "str", PROP_FIELD(State, field, char *),                     \
      .has_default = (def) != NULL, .def_str = (def) }
/* An Object * field (cast to the target's type when used). */
#define DEFINE_PROP_LINK(pname, State, field, ltype, desc)                 \
    { .name = (pname), .description = (desc), .kind = PROP_KIND_LINK,      \
      .type = "link<" ltype ">", PROP_FIELD(State, field, Object *),       \
      .link_type = (ltype) }
#define DEFINE_PROP_END_OF_LIST() { .name = NULL }

#endif
