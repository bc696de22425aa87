/*
 * The accelerator base type (see accel.h): lookup by -accel name, help,
 * creation with an availability check, attaching to the machine.
 * Invariant: an accelerator's type name is its name plus "-accel".
 */
#include "accel/accel.h"

#include <assert.h>

#include <stdlib.h>
#include <string.h>

AccelClass *accel_find(const char *name)
{
    char type[128];
    snprintf(type, sizeof(type), "%s" ACCEL_CLASS_SUFFIX, name);
    ObjectClass *oc = object_class_by_name(type);
    if (!oc || !object_class_dynamic_cast(oc, TYPE_ACCEL) || object_class_is_abstract(oc)) {
        return NULL;
    }
    return ACCEL_CLASS(oc);
}

void accel_print_help(FILE *out)
{
    ObjectClass **list = object_class_get_list(TYPE_ACCEL, false, NULL);
    size_t slen = strlen(ACCEL_CLASS_SUFFIX);

    fprintf(out, "Accelerators supported in QEMU binary:\n");
    for (ObjectClass **oc = list; *oc; oc++) {
        const char *type = object_class_get_name(*oc);
        size_t len = strlen(type);
        if (len > slen && strcmp(type + len - slen, ACCEL_CLASS_SUFFIX) == 0) {
            fprintf(out, "%.*s\n", (int)(len - slen), type);
        }
    }
    free(list);
}

bool accel_print_props(FILE *out, const char *name, Error **errp)
{
    AccelClass *ac = accel_find(name);
    char what[64];

    if (!ac) {
        error_setg(errp, "invalid accelerator %s", name);
        return false;
    }
    Object *obj = object_new(object_class_get_name(OBJECT_CLASS(ac)));
    snprintf(what, sizeof(what), "%s-accel", name);
    object_property_print_help(out, obj, what);
    object_unref(obj);
    return true;
}

AccelState *accel_new(const char *name, Error **errp)
{
    AccelClass *ac = accel_find(name);
    if (!ac) {
        error_setg(errp, "invalid accelerator %s", name);
        return NULL;
    }
    if (ac->available) {
        Error *why = NULL;

        if (!ac->available(&why)) {
            if (why) {
                error_propagate(errp, why);
            } else {
                error_setg(errp, "accelerator %s is not available on this host", name);
            }
            return NULL;
        }
    }
    Object *obj = object_new_with_errp(object_class_get_name(OBJECT_CLASS(ac)), errp);
    return obj ? ACCEL(obj) : NULL;
}

bool accel_init_machine(AccelState *accel, MachineState *ms, Error **errp)
{
    AccelClass *ac = ACCEL_GET_CLASS(accel);
    if (ac->init_machine && !ac->init_machine(accel, ms, errp)) {
        error_prepend(errp, "failed to initialize %s: ", ac->name ? ac->name : "accel");
        return false;
    }
    accel->machine = ms;
    return true;
}

bool accel_start_vcpus(AccelState *accel, Error **errp)
{
    AccelClass *ac = ACCEL_GET_CLASS(accel);

    assert(accel->machine);
    return !ac->start_vcpus || ac->start_vcpus(accel, accel->machine, errp);
}

static const TypeInfo accel_type = {
    .name = TYPE_ACCEL,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(AccelState),
    .abstract = true,
    .class_size = sizeof(AccelClass),
};

static void accel_register_types(void)
{
    type_register_static(&accel_type);
}

type_init(accel_register_types)
