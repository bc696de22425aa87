/*
 * The unit-test harness's runner: the registry filled by UNITTEST()
 * constructors and the main() that every *_test.c binary links.  It is in
 * the library so that tests need no boilerplate; the morpho executable has
 * its own main() and never calls unittest_main().
 */
#include "util/unittest.h"

#include <stdarg.h>
#include <stdlib.h>

enum { UNITTEST_MAX = 1024 };

static struct {
    const char *name;
    UnitTestFn fn;
} unittests[UNITTEST_MAX];
static int unittest_count;
static int failures_in_current;
static bool current_skipped;

void unittest_register(const char *name, UnitTestFn fn)
{
    if (unittest_count == UNITTEST_MAX) {
        fprintf(stderr, "unittest: too many tests\n");
        abort();
    }
    unittests[unittest_count].name = name;
    unittests[unittest_count].fn = fn;
    unittest_count++;
}

void unittest_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    failures_in_current++;
}

void unittest_skip(const char *why)
{
    printf("  skipped: %s\n", why);
    current_skipped = true;
}

int unittest_main(int argc, char **argv);

int unittest_main(int argc, char **argv)
{
    int failed = 0, skipped = 0;
    const char *only = argc > 1 ? argv[1] : NULL;
    int ran = 0;

    for (int i = 0; i < unittest_count; i++) {
        if (only && strcmp(only, unittests[i].name) != 0) {
            continue;
        }
        failures_in_current = 0;
        current_skipped = false;
        unittests[i].fn();
        ran++;
        if (failures_in_current) {
            printf("FAIL %s\n", unittests[i].name);
            failed++;
        } else if (current_skipped) {
            printf("SKIP %s\n", unittests[i].name);
            skipped++;
        } else {
            printf("ok   %s\n", unittests[i].name);
        }
    }
    printf("%d passed, %d failed, %d skipped\n", ran - failed - skipped, failed, skipped);
    if (failed) {
        return 1;
    }
    return ran > 0 && skipped == ran ? 77 : 0;
}
