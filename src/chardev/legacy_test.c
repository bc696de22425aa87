/*
 * Tests of QEMU's legacy chardev strings: each form, the mon: prefix and
 * its signal default, socket options, and the errors for bad strings.
 */
#include "chardev/chardev.h"
#include "util/unittest.h"

static const char *parse_error(const char *str)
{
    static char message[256];
    ChardevLegacy l;
    Error *err = NULL;

    if (chardev_parse_legacy(str, "serial0", &l, &err)) {
        chardev_legacy_free(&l);
        return "(no error)";
    }
    snprintf(message, sizeof(message), "%s", error_get_pretty(err));
    error_free(err);
    return message;
}

UNITTEST(simple_forms)
{
    ChardevLegacy l;

    CHECK(chardev_parse_legacy("stdio", "serial0", &l, NULL));
    CHECK_STR(l.opts.backend, "stdio");
    CHECK_STR(l.opts.id, "serial0");
    CHECK(l.opts.signal);
    CHECK(!l.opts.mux);
    CHECK(!l.monitor);
    chardev_legacy_free(&l);

    CHECK(chardev_parse_legacy("mon:stdio", "serial0", &l, NULL));
    CHECK_STR(l.opts.backend, "stdio");
    CHECK(l.opts.mux);
    CHECK(l.monitor);
    CHECK(!l.opts.signal);
    chardev_legacy_free(&l);

    CHECK(chardev_parse_legacy("null", "x", &l, NULL));
    CHECK_STR(l.opts.backend, "null");
    chardev_legacy_free(&l);
    CHECK(chardev_parse_legacy("none", "x", &l, NULL));
    CHECK_STR(l.opts.backend, "none");
    chardev_legacy_free(&l);

    CHECK(chardev_parse_legacy("file:/tmp/a:b.log", "x", &l, NULL));
    CHECK_STR(l.opts.backend, "file");
    CHECK_STR(l.opts.path, "/tmp/a:b.log");
    chardev_legacy_free(&l);

    CHECK(chardev_parse_legacy("pipe:/tmp/p", "x", &l, NULL));
    CHECK_STR(l.opts.backend, "pipe");
    CHECK_STR(l.opts.path, "/tmp/p");
    chardev_legacy_free(&l);

    CHECK(chardev_parse_legacy("chardev:char0", "x", &l, NULL));
    CHECK_STR(l.opts.backend, "chardev");
    CHECK_STR(l.opts.id, "char0");
    chardev_legacy_free(&l);
}

UNITTEST(socket_forms)
{
    ChardevLegacy l;

    CHECK(chardev_parse_legacy("tcp:127.0.0.1:4444,server=on,wait=off", "s", &l, NULL));
    CHECK_STR(l.opts.backend, "socket");
    CHECK_STR(l.opts.host, "127.0.0.1");
    CHECK_STR(l.opts.port, "4444");
    CHECK(l.opts.server);
    CHECK(!l.opts.wait);
    chardev_legacy_free(&l);

    /* Older spellings; wait defaults to on. */
    CHECK(chardev_parse_legacy("tcp::5555,server", "s", &l, NULL));
    CHECK_STR(l.opts.host, "");
    CHECK(l.opts.server);
    CHECK(l.opts.wait);
    chardev_legacy_free(&l);
    CHECK(chardev_parse_legacy("tcp:[::1]:5555,server,nowait,nodelay", "s", &l, NULL));
    CHECK_STR(l.opts.host, "::1");
    CHECK(!l.opts.wait);
    CHECK(l.opts.nodelay);
    chardev_legacy_free(&l);

    CHECK(chardev_parse_legacy("unix:/tmp/s.sock,server=on,wait=off", "s", &l, NULL));
    CHECK_STR(l.opts.path, "/tmp/s.sock");
    CHECK(l.opts.host == NULL);
    CHECK(l.opts.server);
    CHECK(!l.opts.wait);
    chardev_legacy_free(&l);

    CHECK(chardev_parse_legacy("mon:tcp:localhost:4444,server=on,wait=off", "m", &l, NULL));
    CHECK(l.monitor);
    CHECK(l.opts.mux);
    CHECK(l.opts.signal);
    CHECK_STR(l.opts.host, "localhost");
    chardev_legacy_free(&l);
}

UNITTEST(errors_name_the_problem)
{
    CHECK_STR(parse_error(""), "empty chardev specification");
    CHECK_STR(parse_error("file:"), "'file:': file: needs a path");
    CHECK_STR(parse_error("tcp:localhost"), "'tcp:localhost': expected tcp:HOST:PORT");
    CHECK_STR(parse_error("tcp:localhost:"), "'tcp:localhost:': expected tcp:HOST:PORT");
    CHECK_STR(parse_error("tcp:h:http"), "'tcp:h:http': port 'http' is not a number");
    CHECK_STR(parse_error("tcp:h:1,server=maybe"),
              "'tcp:h:1,server=maybe': option 'server' takes on or off, not 'maybe'");
    CHECK_STR(parse_error("tcp:h:1,bogus"), "'tcp:h:1,bogus': unknown socket option 'bogus'");
    CHECK_STR(parse_error("unix:"), "'unix:': expected unix:PATH");
    CHECK_STR(parse_error("unix:/x,nodelay"), "'unix:/x,nodelay': nodelay applies to tcp only");
    CHECK_STR(parse_error("vc:80x24"), "'vc:80x24': unknown or unsupported chardev type 'vc'");
    CHECK_STR(parse_error("pty"),
              "'pty': unknown or unsupported chardev (expected stdio, null, none, file:, "
              "pipe:, tcp:, unix:, chardev: or mon:)");
    CHECK_STR(parse_error("chardev:"), "'chardev:': chardev: needs an id");
    CHECK_STR(parse_error("mon:none"), "'mon:none': mon: needs a backend, not 'none'");
}

UNITTEST(new_legacy_resolves_chardev_and_none)
{
    Chardev *chr, *other;
    bool monitor = true;
    Error *err = NULL;

    CHECK(chardev_new_legacy("serial0", "none", &chr, &monitor, NULL));
    CHECK(chr == NULL);
    CHECK(!monitor);
    CHECK(chardev_new_legacy("char0", "null", &chr, NULL, NULL));
    CHECK(chr != NULL);
    CHECK(chardev_new_legacy("serial1", "chardev:char0", &other, NULL, NULL));
    CHECK(other == chr);
    CHECK(!chardev_new_legacy("serial2", "chardev:nope", &other, NULL, &err));
    CHECK_STR(error_get_pretty(err), "'chardev:nope': chardev 'nope' not found");
    error_free(err);
    chardev_delete_all();
}
