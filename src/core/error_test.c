/*
 * Tests of the Error API: set, prepend, propagate, ignore.
 */
#include "core/error.h"
#include "util/unittest.h"

#include <errno.h>

static bool fail_with(int x, Error **errp)
{
    if (x < 0) {
        error_setg(errp, "value %d is negative", x);
        return false;
    }
    return true;
}

UNITTEST(set_and_prepend)
{
    Error *err = NULL;

    CHECK(fail_with(1, &err));
    CHECK(err == NULL);
    CHECK(!fail_with(-3, &err));
    CHECK(err != NULL);
    error_prepend(&err, "option -x: ");
    CHECK_STR(error_get_pretty(err), "option -x: value -3 is negative");
    error_free(err);
}

UNITTEST(propagate_and_ignore)
{
    Error *local = NULL, *outer = NULL;

    CHECK(!fail_with(-1, NULL));
    fail_with(-2, &local);
    error_propagate(&outer, local);
    CHECK_STR(error_get_pretty(outer), "value -2 is negative");
    error_propagate(&outer, NULL);
    error_free(outer);
}

UNITTEST(errno_suffix)
{
    Error *err = NULL;

    error_setg_errno(&err, ENOENT, "could not open '%s'", "x.img");
    CHECK_STR(error_get_pretty(err), "could not open 'x.img': No such file or directory");
    error_free(err);
}
