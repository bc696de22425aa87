/*
 * Tests of the stdio backend on a pseudo-terminal standing in for the
 * user's terminal: raw mode with ISIG off by default for mon:stdio
 * (signal=off) and kept with signal=on, settings restored on close and by
 * the exit hooks, input read through the main loop, and a second stdio
 * chardev refused.  Also a non-tty stdin (a pipe) that reaches EOF.
 */
#include "chardev/chardev.h"
#include "system/main_loop.h"
#include "system/runstate.h"
#include "util/unittest.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

typedef struct Sink {
    CharFrontend fe;
    char in[64];
    int len;
} Sink;

static int sink_can_read(void *opaque)
{
    return (int)sizeof(((Sink *)opaque)->in) - 1 - ((Sink *)opaque)->len;
}

static void sink_read(void *opaque, const uint8_t *buf, int size)
{
    Sink *s = opaque;

    memcpy(s->in + s->len, buf, size);
    s->len += size;
    s->in[s->len] = 0;
}

/* Put a pty's slave on fd 0 for the duration of a test. */
static int saved_stdin = -1;

static int pty_as_stdin(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    int slave;

    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
        return -1;
    }
    slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    if (slave < 0) {
        close(master);
        return -1;
    }
    saved_stdin = dup(STDIN_FILENO);
    dup2(slave, STDIN_FILENO);
    close(slave);
    return master;
}

static void restore_stdin(int master)
{
    dup2(saved_stdin, STDIN_FILENO);
    close(saved_stdin);
    close(master);
}

static Chardev *new_stdio(const char *id, bool signal, Error **errp)
{
    ChardevOptions opts;

    chardev_options_init(&opts);
    opts.id = id;
    opts.backend = "stdio";
    opts.signal = signal;
    return chardev_new(&opts, errp);
}

UNITTEST(raw_mode_and_restore)
{
    struct termios before, during;
    int master = pty_as_stdin();
    Chardev *chr, *second;
    Error *err = NULL;
    Sink s = { 0 };

    if (master < 0) {
        UNITTEST_SKIP("no pseudo-terminals");
    }
    CHECK(tcgetattr(STDIN_FILENO, &before) == 0);
    CHECK(before.c_lflag & ISIG);
    chr = new_stdio("con", false, &error_abort);
    CHECK(tcgetattr(STDIN_FILENO, &during) == 0);
    CHECK(!(during.c_lflag & (ECHO | ICANON | ISIG)));
    CHECK(!(during.c_iflag & ICRNL));

    second = new_stdio("con2", true, &err);
    CHECK(second == NULL);
    CHECK_STR(error_get_pretty(err),
              "chardev 'con2': cannot use stdio by multiple character devices");
    error_free(err);

    /* Ctrl-C arrives as a byte, not as SIGINT. */
    CHECK(chardev_fe_init(&s.fe, chr, NULL));
    chardev_fe_set_handlers(&s.fe, sink_can_read, sink_read, NULL, &s);
    CHECK(write(master, "a\003\r", 3) == 3);
    for (int i = 0; i < 200 && s.len < 3; i++) {
        struct pollfd none;
        main_loop_wait(true);
        poll(&none, 0, 5);
    }
    CHECK_INT(s.len, 3);
    CHECK_STR(s.in, "a\003\r");
    chardev_fe_deinit(&s.fe);

    /* Exit hooks give the terminal back (the path taken by exit(1) and
     * fatal signals); so does closing. */
    runstate_run_exit_hooks();
    CHECK(tcgetattr(STDIN_FILENO, &during) == 0);
    CHECK(during.c_lflag & ISIG);
    CHECK(during.c_lflag & ICANON);
    chardev_delete(chr);

    chr = new_stdio("con", true, &error_abort);
    CHECK(tcgetattr(STDIN_FILENO, &during) == 0);
    CHECK(during.c_lflag & ISIG);           /* signal=on keeps Ctrl-C ours */
    CHECK(!(during.c_lflag & ICANON));
    chardev_delete(chr);
    CHECK(tcgetattr(STDIN_FILENO, &during) == 0);
    CHECK(during.c_lflag & ICANON);
    restore_stdin(master);
}

UNITTEST(non_tty_stdin_reads_until_eof)
{
    int fds[2];
    Chardev *chr;
    Sink s = { 0 };

    CHECK(pipe(fds) == 0);
    saved_stdin = dup(STDIN_FILENO);
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
    chr = new_stdio("con", true, &error_abort);
    CHECK(chardev_fe_init(&s.fe, chr, NULL));
    chardev_fe_set_handlers(&s.fe, sink_can_read, sink_read, NULL, &s);
    CHECK(write(fds[1], "input", 5) == 5);
    close(fds[1]);
    for (int i = 0; i < 200 && s.len < 5; i++) {
        struct pollfd none;
        main_loop_wait(true);
        poll(&none, 0, 5);
    }
    main_loop_wait(true);       /* sees EOF and stops watching */
    main_loop_wait(true);
    CHECK_STR(s.in, "input");
    chardev_fe_deinit(&s.fe);
    chardev_delete(chr);
    dup2(saved_stdin, STDIN_FILENO);
    close(saved_stdin);
}
