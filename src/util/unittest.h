/*
 * A minimal unit-test harness for the guest-free layers.  Each *_test.c
 * defines tests with UNITTEST(name) { ... } and checks with CHECK*(); the
 * harness's main() (unittest.c) runs them all, prints one line per failed
 * check with file:line, and exits non-zero if any failed.  A test that needs
 * something the host lacks calls UNITTEST_SKIP("why"): when every test of a
 * binary skips, it exits 77 (meson's "skipped").
 */
#ifndef UTIL_UNITTEST_H
#define UTIL_UNITTEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef void (*UnitTestFn)(void);

void unittest_register(const char *name, UnitTestFn fn);
void unittest_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void unittest_skip(const char *why);

#define UNITTEST(name)                                                      \
    static void unittest_##name(void);                                      \
    __attribute__((constructor)) static void unittest_reg_##name(void)      \
    {                                                                       \
        unittest_register(#name, unittest_##name);                          \
    }                                                                       \
    static void unittest_##name(void)

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            unittest_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);          \
        }                                                                   \
    } while (0)

#define CHECK_INT(a, b)                                                     \
    do {                                                                    \
        long long a_ = (long long)(a), b_ = (long long)(b);                 \
        if (a_ != b_) {                                                     \
            unittest_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
                          #a, a_, #b, b_);                                  \
        }                                                                   \
    } while (0)

#define CHECK_U64(a, b)                                                     \
    do {                                                                    \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                    \
        if (a_ != b_) {                                                     \
            unittest_fail(__FILE__, __LINE__,                               \
                          "%s == 0x%" PRIx64 ", expected 0x%" PRIx64, #a, a_, b_); \
        }                                                                   \
    } while (0)

#define CHECK_STR(a, b)                                                     \
    do {                                                                    \
        const char *a_ = (a), *b_ = (b);                                    \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                            \
            unittest_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", \
                          #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");      \
        }                                                                   \
    } while (0)

#define UNITTEST_SKIP(why) do { unittest_skip(why); return; } while (0)

#endif
