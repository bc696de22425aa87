/*
 * Errors as values, QEMU's `Error **errp` style.  A function that can fail
 * returns bool (or NULL) and fills *errp with an Error that carries a
 * message; callers either propagate it (optionally prefixing context) or
 * report it once at the top.  Passing errp == NULL ignores the error;
 * &error_fatal reports and exits 1 on the spot; &error_abort asserts (for
 * "cannot fail" calls, i.e. our own bugs).
 *
 * Contract: on failure set exactly one error; never set *errp twice.
 * Thread-safe (no shared state other than the two sentinels).
 */
#ifndef CORE_ERROR_H
#define CORE_ERROR_H

#include <stdbool.h>

typedef struct Error Error;

extern Error *error_fatal;
extern Error *error_abort;

void error_setg_impl(Error **errp, const char *file, int line,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Like error_setg() but appends ": strerror(errno_value)". */
void error_setg_errno_impl(Error **errp, const char *file, int line, int errno_value,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define error_setg(errp, ...) error_setg_impl(errp, __FILE__, __LINE__, __VA_ARGS__)
#define error_setg_errno(errp, err, ...) \
    error_setg_errno_impl(errp, __FILE__, __LINE__, err, __VA_ARGS__)

const char *error_get_pretty(const Error *err);
/* Print "morpho: MESSAGE" to stderr (with the program name set below). */
void error_report_err(Error *err);
void error_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void error_set_progname(const char *name);
void error_free(Error *err);

/* Move local_err into *dst_errp (which may be NULL, &error_fatal...). */
void error_propagate(Error **dst_errp, Error *local_err);
/* Prefix the message of *errp, if set, with "fmt": context for the reader. */
void error_prepend(Error **errp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
