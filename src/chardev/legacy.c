/*
 * QEMU's legacy chardev strings, as -serial, -monitor and -parallel take
 * them ("stdio", "mon:stdio", "tcp:127.0.0.1:4444,server=on,wait=off"...),
 * turned into ChardevOptions.  Strings in the result point into one copy of
 * the input (ChardevLegacy.storage), cut up in place.  Errors quote the
 * offending piece.
 */
#include <stdlib.h>
#include <string.h>

#include "chardev/chardev.h"

static bool legacy_flag(const char *value, bool *out)
{
    if (!value || !strcmp(value, "on") || !strcmp(value, "yes") || !strcmp(value, "true")) {
        *out = true;
    } else if (!strcmp(value, "off") || !strcmp(value, "no") || !strcmp(value, "false")) {
        *out = false;
    } else {
        return false;
    }
    return true;
}

/* The ",key[=value]" tail of tcp: and unix:. */
static bool legacy_socket_options(char *tail, ChardevOptions *opts, const char *str,
                                  Error **errp)
{
    while (tail && *tail) {
        char *next = strchr(tail, ',');
        char *value;
        bool ok;

        if (next) {
            *next++ = 0;
        }
        value = strchr(tail, '=');
        if (value) {
            *value++ = 0;
        }
        if (!strcmp(tail, "server")) {
            ok = legacy_flag(value, &opts->server);
        } else if (!strcmp(tail, "wait")) {
            ok = legacy_flag(value, &opts->wait);
        } else if (!strcmp(tail, "nowait") && !value) {
            opts->wait = false;
            ok = true;
        } else if (!strcmp(tail, "telnet")) {
            ok = legacy_flag(value, &opts->telnet);
        } else if (!strcmp(tail, "nodelay")) {
            ok = legacy_flag(value, &opts->nodelay);
        } else {
            error_setg(errp, "'%s': unknown socket option '%s'", str, tail);
            return false;
        }
        if (!ok) {
            error_setg(errp, "'%s': option '%s' takes on or off, not '%s'", str, tail, value);
            return false;
        }
        tail = next;
    }
    return true;
}

static bool legacy_tcp(char *rest, ChardevOptions *opts, const char *str, Error **errp)
{
    char *tail = strchr(rest, ','), *colon;

    if (tail) {
        *tail++ = 0;
    }
    colon = strrchr(rest, ':');
    if (!colon || !colon[1]) {
        error_setg(errp, "'%s': expected tcp:HOST:PORT", str);
        return false;
    }
    *colon = 0;
    opts->port = colon + 1;
    if (strspn(opts->port, "0123456789") != strlen(opts->port)) {
        error_setg(errp, "'%s': port '%s' is not a number", str, opts->port);
        return false;
    }
    /* "[::1]" for IPv6 */
    if (rest[0] == '[' && rest[strlen(rest) - 1] == ']') {
        rest[strlen(rest) - 1] = 0;
        rest++;
    }
    opts->host = rest;
    opts->backend = "socket";
    return legacy_socket_options(tail, opts, str, errp);
}

static bool legacy_unix(char *rest, ChardevOptions *opts, const char *str, Error **errp)
{
    char *tail = strchr(rest, ',');

    if (tail) {
        *tail++ = 0;
    }
    if (!*rest) {
        error_setg(errp, "'%s': expected unix:PATH", str);
        return false;
    }
    opts->path = rest;
    opts->backend = "socket";
    if (!legacy_socket_options(tail, opts, str, errp)) {
        return false;
    }
    if (opts->nodelay) {
        error_setg(errp, "'%s': nodelay applies to tcp only", str);
        return false;
    }
    return true;
}

static bool legacy_parse(char *spec, ChardevLegacy *out, const char *str, Error **errp)
{
    ChardevOptions *opts = &out->opts;
    char *rest;

    if (!strcmp(spec, "stdio")) {
        opts->backend = "stdio";
        return true;
    }
    if (!strcmp(spec, "null")) {
        opts->backend = "null";
        return true;
    }
    if (!strcmp(spec, "none")) {
        opts->backend = "none";
        return true;
    }
    rest = strchr(spec, ':');
    if (!rest) {
        error_setg(errp, "'%s': unknown or unsupported chardev (expected stdio, null, none, "
                   "file:, pipe:, tcp:, unix:, chardev: or mon:)", str);
        return false;
    }
    *rest++ = 0;
    if (!strcmp(spec, "file") || !strcmp(spec, "pipe")) {
        if (!*rest) {
            error_setg(errp, "'%s': %s: needs a path", str, spec);
            return false;
        }
        opts->backend = !strcmp(spec, "file") ? "file" : "pipe";
        opts->path = rest;
        return true;
    }
    if (!strcmp(spec, "tcp")) {
        return legacy_tcp(rest, opts, str, errp);
    }
    if (!strcmp(spec, "unix")) {
        return legacy_unix(rest, opts, str, errp);
    }
    if (!strcmp(spec, "chardev")) {
        if (!*rest) {
            error_setg(errp, "'%s': chardev: needs an id", str);
            return false;
        }
        opts->backend = "chardev";
        opts->id = rest;
        return true;
    }
    error_setg(errp, "'%s': unknown or unsupported chardev type '%s'", str, spec);
    return false;
}

bool chardev_parse_legacy(const char *str, const char *id, ChardevLegacy *out, Error **errp)
{
    char *spec;

    memset(out, 0, sizeof(*out));
    chardev_options_init(&out->opts);
    out->opts.id = id;
    if (!str || !*str) {
        error_setg(errp, "empty chardev specification");
        return false;
    }
    out->storage = spec = strdup(str);
    if (!strncmp(spec, "mon:", 4)) {
        spec += 4;
        out->monitor = true;
        out->opts.mux = true;
        if (!strcmp(spec, "stdio")) {
            /* The monitor is on the terminal: Ctrl-C goes to the guest and
             * C-a x quits, as in QEMU. */
            out->opts.signal = false;
        }
    }
    if (!legacy_parse(spec, out, str, errp)) {
        chardev_legacy_free(out);
        return false;
    }
    if (out->monitor && (!strcmp(out->opts.backend, "none") ||
                         !strcmp(out->opts.backend, "chardev"))) {
        error_setg(errp, "'%s': mon: needs a backend, not '%s'", str, out->opts.backend);
        chardev_legacy_free(out);
        return false;
    }
    return true;
}

void chardev_legacy_free(ChardevLegacy *l)
{
    free(l->storage);
    l->storage = NULL;
}

bool chardev_new_legacy(const char *label, const char *str, Chardev **chr,
                        bool *monitor, Error **errp)
{
    ChardevLegacy l;
    bool ok = true;

    *chr = NULL;
    if (!chardev_parse_legacy(str, label, &l, errp)) {
        return false;
    }
    if (monitor) {
        *monitor = l.monitor;
    }
    if (!strcmp(l.opts.backend, "none")) {
        /* no device */
    } else if (!strcmp(l.opts.backend, "chardev")) {
        *chr = chardev_find(l.opts.id);
        if (!*chr) {
            error_setg(errp, "'%s': chardev '%s' not found", str, l.opts.id);
            ok = false;
        }
    } else {
        *chr = chardev_new(&l.opts, errp);
        ok = *chr != NULL;
    }
    chardev_legacy_free(&l);
    return ok;
}
