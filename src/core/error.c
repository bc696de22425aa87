/*
 * Errors as values: creation, propagation with context, reporting.  See
 * error.h for the contract.
 */
#include "core/error.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Error {
    char *msg;
    const char *file;
    int line;
};

/* Distinct addresses used only for comparison with errp. */
static Error error_fatal_sentinel, error_abort_sentinel;
Error *error_fatal = &error_fatal_sentinel;
Error *error_abort = &error_abort_sentinel;

static const char *progname = "morpho";

void error_set_progname(const char *name)
{
    progname = name;
}

static char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;

    if (vasprintf(&s, fmt, ap) < 0) {
        abort();
    }
    return s;
}

static void error_deliver(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "%s: unexpected error at %s:%d: %s\n", progname,
                err->file, err->line, err->msg);
        abort();
    }
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
    if (!errp) {
        error_free(err);
        return;
    }
    assert(*errp == NULL);
    *errp = err;
}

static Error *error_new(const char *file, int line, char *msg)
{
    Error *err = calloc(1, sizeof(*err));

    if (!err) {
        abort();
    }
    err->msg = msg;
    err->file = file;
    err->line = line;
    return err;
}

void error_setg_impl(Error **errp, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    if (!errp) {
        return;
    }
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    error_deliver(errp, error_new(file, line, msg));
}

void error_setg_errno_impl(Error **errp, const char *file, int line, int errno_value,
                           const char *fmt, ...)
{
    va_list ap;
    char *msg, *full;

    if (!errp) {
        return;
    }
    va_start(ap, fmt);
    msg = vformat(fmt, ap);
    va_end(ap);
    if (asprintf(&full, "%s: %s", msg, strerror(errno_value)) < 0) {
        abort();
    }
    free(msg);
    error_deliver(errp, error_new(file, line, full));
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

void error_report_err(Error *err)
{
    fprintf(stderr, "%s: %s\n", progname, err->msg);
    error_free(err);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: warning: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void error_free(Error *err)
{
    if (err) {
        free(err->msg);
        free(err);
    }
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    error_deliver(dst_errp, local_err);
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix, *full;

    if (!errp || !*errp || errp == &error_fatal || errp == &error_abort) {
        return;
    }
    va_start(ap, fmt);
    prefix = vformat(fmt, ap);
    va_end(ap);
    if (asprintf(&full, "%s%s", prefix, (*errp)->msg) < 0) {
        abort();
    }
    free(prefix);
    free((*errp)->msg);
    (*errp)->msg = full;
}
