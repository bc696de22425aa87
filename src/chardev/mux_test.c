/*
 * Tests of the mux with a fake backend and two fake frontends: input goes
 * to the focused one, C-a c switches focus (with MUX_IN/MUX_OUT), C-a C-a
 * passes one C-a, C-a h prints help, C-a b sends a break, C-a x requests
 * shutdown, C-a t stamps output lines, and input waits while the focused
 * frontend cannot read.
 */
#include "chardev/chardev_internal.h"
#include "chardev/mux.h"
#include "system/runstate.h"
#include "util/unittest.h"

#include <stdlib.h>
#include <string.h>

typedef struct FakeBackend {
    Chardev parent;
    char out[2048];
    size_t out_len;
    int accept_calls;
} FakeBackend;

static bool fake_open(Chardev *chr, const ChardevOptions *opts, Error **errp)
{
    chr->opened = true;
    return true;
}

static int fake_write(Chardev *chr, const uint8_t *buf, int len)
{
    FakeBackend *f = (FakeBackend *)chr;

    for (int i = 0; i < len && f->out_len < sizeof(f->out) - 1; i++) {
        f->out[f->out_len++] = (char)buf[i];
    }
    f->out[f->out_len] = 0;
    return len;
}

static void fake_accept_input(Chardev *chr)
{
    ((FakeBackend *)chr)->accept_calls++;
}

static const ChardevBackend fake_backend = {
    .name = "fake",
    .help = "test double",
    .instance_size = sizeof(FakeBackend),
    .open = fake_open,
    .write = fake_write,
    .accept_input = fake_accept_input,
};

typedef struct FakeFrontend {
    CharFrontend fe;
    char in[256];
    size_t in_len;
    int room;                   /* what can_read answers */
    int breaks, mux_in, mux_out, opened;
} FakeFrontend;

static int ff_can_read(void *opaque)
{
    return ((FakeFrontend *)opaque)->room;
}

static void ff_read(void *opaque, const uint8_t *buf, int size)
{
    FakeFrontend *f = opaque;

    for (int i = 0; i < size; i++) {
        f->in[f->in_len++] = (char)buf[i];
        f->room--;
    }
    f->in[f->in_len] = 0;
}

static void ff_event(void *opaque, ChardevEvent event)
{
    FakeFrontend *f = opaque;

    switch (event) {
    case CHARDEV_EVENT_BREAK: f->breaks++; break;
    case CHARDEV_EVENT_MUX_IN: f->mux_in++; break;
    case CHARDEV_EVENT_MUX_OUT: f->mux_out++; break;
    case CHARDEV_EVENT_OPENED: f->opened++; break;
    default: break;
    }
}

typedef struct Bench {
    FakeBackend *base;
    Chardev *mux;
    FakeFrontend mon, serial;
} Bench;

static void bench_init(Bench *b)
{
    ChardevOptions opts = { .id = "fake-base" };

    memset(b, 0, sizeof(*b));
    runstate_reset_for_test();
    b->base = (FakeBackend *)chardev_create(&fake_backend, "fake-base", &opts, &error_abort);
    b->mux = mux_new("fake", &b->base->parent, &error_abort);
    b->mon.room = b->serial.room = 1000;
    /* Monitor first, serial second: the serial port ends up focused. */
    CHECK(chardev_fe_init(&b->mon.fe, b->mux, NULL));
    chardev_fe_set_handlers(&b->mon.fe, ff_can_read, ff_read, ff_event, &b->mon);
    CHECK(chardev_fe_init(&b->serial.fe, b->mux, NULL));
    chardev_fe_set_handlers(&b->serial.fe, ff_can_read, ff_read, ff_event, &b->serial);
}

static void bench_type(Bench *b, const char *keys)
{
    Chardev *base = &b->base->parent;
    int len = (int)strlen(keys);

    /* As a backend does: only as much as can_read allows. */
    while (len > 0) {
        int can = chardev_be_can_read(base);

        if (can <= 0) {
            break;
        }
        if (can > len) {
            can = len;
        }
        chardev_be_read(base, (const uint8_t *)keys, can);
        keys += can;
        len -= can;
    }
}

static void bench_fini(Bench *b)
{
    chardev_fe_deinit(&b->mon.fe);
    chardev_fe_deinit(&b->serial.fe);
    chardev_delete_all();
    runstate_reset_for_test();
}

UNITTEST(focus_and_switching)
{
    Bench b;

    bench_init(&b);
    CHECK_INT(mux_focus(b.mux), 1);
    CHECK(b.serial.opened >= 1);
    bench_type(&b, "ls\r");
    CHECK_STR(b.serial.in, "ls\r");
    CHECK_STR(b.mon.in, "");

    bench_type(&b, "\001c");
    CHECK_INT(mux_focus(b.mux), 0);
    CHECK(b.serial.mux_out >= 1);
    CHECK(b.mon.mux_in >= 2);
    bench_type(&b, "info\r");
    CHECK_STR(b.mon.in, "info\r");
    CHECK_STR(b.serial.in, "ls\r");

    bench_type(&b, "\001c");
    CHECK_INT(mux_focus(b.mux), 1);
    bench_fini(&b);
}

UNITTEST(escape_escape_passes_one)
{
    Bench b;

    bench_init(&b);
    bench_type(&b, "a\001\001b\001zc");     /* C-a z is swallowed */
    CHECK_INT(b.serial.in_len, 4);
    CHECK_STR(b.serial.in, "a\001bc");
    bench_fini(&b);
}

UNITTEST(help_break_and_exit)
{
    Bench b;

    bench_init(&b);
    bench_type(&b, "\001h");
    CHECK(strstr(b.base->out, "C-a h    print this help\n\r") != NULL);
    CHECK(strstr(b.base->out, "C-a x    exit emulator\n\r") != NULL);
    CHECK(strstr(b.base->out, "C-a C-a  sends C-a\n\r") != NULL);
    CHECK_STR(b.serial.in, "");

    bench_type(&b, "\001b");
    CHECK_INT(b.serial.breaks, 1);
    CHECK_INT(b.mon.breaks, 0);

    CHECK(!runstate_main_loop_should_exit());
    bench_type(&b, "\001x");
    CHECK(strstr(b.base->out, "morpho: terminated\n\r") != NULL);
    CHECK(runstate_main_loop_should_exit());
    CHECK_INT(runstate_shutdown_cause(), SHUTDOWN_CAUSE_HOST_UI);
    bench_fini(&b);
}

UNITTEST(other_escape_char)
{
    Bench b;

    bench_init(&b);
    mux_set_escape_char(0x05);      /* -echr 5: C-e */
    bench_type(&b, "\001\005c");
    CHECK_STR(b.serial.in, "\001");
    CHECK_INT(mux_focus(b.mux), 0);
    bench_type(&b, "\005h");
    CHECK(strstr(b.base->out, "C-e c    switch between console and monitor") != NULL);
    mux_set_escape_char(0x01);
    bench_fini(&b);
}

UNITTEST(output_from_both_and_timestamps)
{
    Bench b;
    const char *out;

    bench_init(&b);
    chardev_fe_write(&b.serial.fe, (const uint8_t *)"boot\n", 5);
    chardev_fe_write(&b.mon.fe, (const uint8_t *)"(morpho) ", 9);
    CHECK_STR(b.base->out, "boot\n(morpho) ");

    b.base->out_len = 0;
    bench_type(&b, "\001t");
    chardev_fe_write(&b.serial.fe, (const uint8_t *)"a\nb\n", 4);
    /* Stamps start at the first new line after the toggle. */
    out = b.base->out;
    CHECK(strncmp(out, "a\n[00:00:00.", 12) == 0);
    CHECK(strlen(out) == strlen("a\n[00:00:00.000] b\n"));
    CHECK(out[strlen(out) - 2] == 'b');
    bench_fini(&b);
}

UNITTEST(input_waits_while_frontend_is_full)
{
    Bench b;
    int accepts;

    bench_init(&b);
    b.serial.room = 2;
    bench_type(&b, "abcdef");
    CHECK_STR(b.serial.in, "ab");
    /* The rest sits in the mux's small buffer, nothing is lost. */
    accepts = b.base->accept_calls;
    b.serial.room = 10;
    chardev_fe_accept_input(&b.serial.fe);
    CHECK_STR(b.serial.in, "abcdef");
    CHECK(b.base->accept_calls > accepts);
    bench_fini(&b);
}

UNITTEST(too_many_frontends)
{
    Bench b;
    CharFrontend extra[3];
    Error *err = NULL;

    bench_init(&b);
    CHECK(chardev_fe_init(&extra[0], b.mux, NULL));
    CHECK(chardev_fe_init(&extra[1], b.mux, NULL));
    CHECK(!chardev_fe_init(&extra[2], b.mux, &err));
    CHECK_STR(error_get_pretty(err), "chardev 'fake': too many users of the mux (at most 4)");
    error_free(err);
    chardev_fe_deinit(&extra[0]);
    chardev_fe_deinit(&extra[1]);
    bench_fini(&b);
}
