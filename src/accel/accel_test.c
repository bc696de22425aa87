/*
 * Tests of the accelerator base type: lookup by -accel name, help listing,
 * availability and init_machine errors.
 */
#include "accel/accel.h"
#include "util/unittest.h"

#include <stdlib.h>

static bool never_available(Error **errp)
{
    return false;
}

static bool never_available_why(Error **errp)
{
    error_setg(errp, "Could not access the fake device: No such file or directory");
    return false;
}

static int inits;

static bool fake_init_machine(AccelState *accel, MachineState *ms, Error **errp)
{
    if (ms == NULL) {
        error_setg(errp, "no machine");
        return false;
    }
    inits++;
    return true;
}

static void fake_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);
    ac->name = "zzfake";
    ac->init_machine = fake_init_machine;
}

static void absent_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);
    ac->name = "aaabsent";
    ac->available = never_available;
}

static void why_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);
    ac->name = "aaawhy";
    ac->available = never_available_why;
}

static const TypeInfo accel_test_types[] = {
    { .name = ACCEL_CLASS_NAME("zzfake"), .parent = TYPE_ACCEL, .class_init = fake_class_init },
    { .name = ACCEL_CLASS_NAME("aaabsent"), .parent = TYPE_ACCEL,
      .class_init = absent_class_init },
    { .name = ACCEL_CLASS_NAME("aaawhy"), .parent = TYPE_ACCEL, .class_init = why_class_init },
};

static void accel_test_register(void)
{
    type_register_static_array(accel_test_types, 3);
}

type_init(accel_test_register)

UNITTEST(find_and_help)
{
    CHECK(accel_find("zzfake") != NULL);
    CHECK_STR(accel_find("zzfake")->name, "zzfake");
    CHECK(accel_find("nope") == NULL);
    CHECK(accel_find("") == NULL);         /* "-accel" is the abstract base */

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    accel_print_help(out);
    fclose(out);
    CHECK(strncmp(buf, "Accelerators supported in QEMU binary:\n", 39) == 0);
    CHECK(strstr(buf, "\naaabsent\n") != NULL);
    CHECK(strstr(buf, "\nzzfake\n") != NULL);
    CHECK(strstr(buf, "aaabsent") < strstr(buf, "zzfake"));
    free(buf);
}

UNITTEST(new_and_init_machine)
{
    Error *err = NULL;

    CHECK(accel_new("nope", &err) == NULL);
    CHECK_STR(error_get_pretty(err), "invalid accelerator nope");
    error_free(err);
    err = NULL;
    CHECK(accel_new("aaabsent", &err) == NULL);
    CHECK_STR(error_get_pretty(err), "accelerator aaabsent is not available on this host");
    error_free(err);
    err = NULL;
    /* available() may say why, in its own words. */
    CHECK(accel_new("aaawhy", &err) == NULL);
    CHECK_STR(error_get_pretty(err), "Could not access the fake device: No such file or directory");
    error_free(err);
    err = NULL;

    AccelState *accel = accel_new("zzfake", NULL);
    CHECK(accel != NULL);
    CHECK(!accel_init_machine(accel, NULL, &err));
    CHECK_STR(error_get_pretty(err), "failed to initialize zzfake: no machine");
    error_free(err);
    CHECK(accel->machine == NULL);
    MachineState *fake_ms = (MachineState *)accel;   /* any non-NULL pointer */
    CHECK(accel_init_machine(accel, fake_ms, NULL));
    CHECK(accel->machine == fake_ms);
    CHECK_INT(inits, 1);
    object_unref(accel);
}
