/*
 * The mux.  It is a chardev (frontends attach to it) and a frontend of its
 * base chardev.  Invariants: 0 <= focus < count when count > 0; each
 * frontend has a small input ring (prod - cons <= MUX_BUFFER_SIZE) that
 * holds bytes typed while it could not read, drained on accept_input;
 * escape state (got_escape) is one pending escape character.
 */
#include "chardev/mux.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "chardev/chardev_internal.h"
#include "system/runstate.h"
#include "system/timer.h"

#define MUX_BUFFER_SIZE 32

typedef struct Mux {
    Chardev parent;
    Chardev *base;
    CharFrontend base_fe;
    CharFrontend *fes[MUX_MAX_FRONTENDS];
    int count;
    int focus;
    bool got_escape;
    bool timestamps;
    bool linestart;
    int64_t timestamps_start_ms;
    uint8_t buf[MUX_MAX_FRONTENDS][MUX_BUFFER_SIZE];
    unsigned prod[MUX_MAX_FRONTENDS], cons[MUX_MAX_FRONTENDS];
} Mux;

static int mux_escape_char = 0x01;
static void (*mux_sync_hook)(void);

void mux_set_escape_char(int ch)
{
    mux_escape_char = ch;
}

void mux_set_sync_hook(void (*sync)(void))
{
    mux_sync_hook = sync;
}

static Mux *mux_of(Chardev *chr)
{
    assert(chardev_is_mux(chr));
    return (Mux *)chr;
}

/* Write straight to the base, bypassing timestamps (help text, banners). */
static void mux_print(Mux *m, const char *text)
{
    chardev_write(m->base, (const uint8_t *)text, (int)strlen(text));
}

static void mux_send_event(Mux *m, int tag, ChardevEvent event)
{
    CharFrontend *fe = m->fes[tag];

    if (fe && fe->event) {
        fe->event(fe->opaque, event);
    }
}

void mux_set_focus(Chardev *chr, int tag)
{
    Mux *m = mux_of(chr);

    assert(tag >= 0 && tag < m->count);
    if (m->focus >= 0 && m->focus < m->count) {
        mux_send_event(m, m->focus, CHARDEV_EVENT_MUX_OUT);
    }
    m->focus = tag;
    mux_send_event(m, tag, CHARDEV_EVENT_MUX_IN);
}

int mux_focus(Chardev *chr)
{
    return mux_of(chr)->focus;
}

static void mux_print_help(Mux *m)
{
    char name[8], line[96];

    if (mux_escape_char > 0 && mux_escape_char < 27) {
        snprintf(name, sizeof(name), "C-%c", mux_escape_char - 1 + 'a');
    } else {
        snprintf(name, sizeof(name), "'%c'", mux_escape_char);
    }
    mux_print(m, "\n\r");
    static const struct {
        char key;
        const char *what;
    } rows[] = {
        { 'h', "print this help" },
        { 'x', "exit emulator" },
        { 's', "save disk data back to file (if -snapshot)" },
        { 't', "toggle console timestamps" },
        { 'b', "send break (magic sysrq)" },
        { 'c', "switch between console and monitor" },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        snprintf(line, sizeof(line), "%s %c    %s\n\r", name, rows[i].key, rows[i].what);
        mux_print(m, line);
    }
    snprintf(line, sizeof(line), "%s %s  sends %s\n\r", name, name, name);
    mux_print(m, line);
}

/* Deliver buffered input to the focused frontend while it can take it. */
static void mux_flush(Mux *m, int tag)
{
    CharFrontend *fe = m->fes[tag];

    if (!fe || !fe->read) {
        return;
    }
    while (m->prod[tag] != m->cons[tag]) {
        int room = fe->can_read ? fe->can_read(fe->opaque) : 0;

        if (room <= 0) {
            break;
        }
        uint8_t byte = m->buf[tag][m->cons[tag]++ % MUX_BUFFER_SIZE];
        fe->read(fe->opaque, &byte, 1);
    }
}

static void mux_deliver(Mux *m, uint8_t byte)
{
    int tag = m->focus;

    if (tag < 0 || tag >= m->count) {
        return;
    }
    if (m->prod[tag] - m->cons[tag] < MUX_BUFFER_SIZE) {
        m->buf[tag][m->prod[tag]++ % MUX_BUFFER_SIZE] = byte;
    }
    mux_flush(m, tag);
}

/* One input byte: escapes act here, everything else goes to the focus. */
static void mux_process_byte(Mux *m, uint8_t ch)
{
    if (!m->got_escape) {
        if (ch == mux_escape_char) {
            m->got_escape = true;
        } else {
            mux_deliver(m, ch);
        }
        return;
    }
    m->got_escape = false;
    if (ch == mux_escape_char) {
        mux_deliver(m, ch);
        return;
    }
    switch (ch) {
    case '?':
    case 'h':
        mux_print_help(m);
        break;
    case 'x':
        mux_print(m, "morpho: terminated\n\r");
        runstate_request_shutdown(SHUTDOWN_CAUSE_HOST_UI);
        break;
    case 's':
        if (mux_sync_hook) {
            mux_sync_hook();
        }
        break;
    case 'b':
        mux_send_event(m, m->focus, CHARDEV_EVENT_BREAK);
        break;
    case 'c':
        if (m->count > 0) {
            mux_set_focus(&m->parent, (m->focus + 1) % m->count);
        }
        break;
    case 't':
        m->timestamps = !m->timestamps;
        m->timestamps_start_ms = -1;
        m->linestart = false;
        break;
    default:
        /* Unknown escapes are swallowed, as in QEMU. */
        break;
    }
}

/* The mux as its base's frontend. */

static int mux_base_can_read(void *opaque)
{
    Mux *m = opaque;
    int tag = m->focus;
    CharFrontend *fe;

    if (tag < 0 || tag >= m->count) {
        return 0;
    }
    if (m->prod[tag] - m->cons[tag] < MUX_BUFFER_SIZE) {
        return 1;
    }
    fe = m->fes[tag];
    return fe && fe->can_read ? fe->can_read(fe->opaque) : 0;
}

static void mux_base_read(void *opaque, const uint8_t *buf, int size)
{
    Mux *m = opaque;

    for (int i = 0; i < size; i++) {
        mux_process_byte(m, buf[i]);
    }
}

static void mux_base_event(void *opaque, ChardevEvent event)
{
    Mux *m = opaque;

    if (event == CHARDEV_EVENT_OPENED) {
        m->parent.opened = true;
    } else if (event == CHARDEV_EVENT_CLOSED) {
        m->parent.opened = false;
    }
    for (int i = 0; i < m->count; i++) {
        mux_send_event(m, i, event);
    }
}

/* The mux as a chardev. */

static bool mux_open(Chardev *chr, const ChardevOptions *opts, Error **errp)
{
    Mux *m = (Mux *)chr;

    m->base = chardev_find(opts->path);
    if (!m->base) {
        error_setg(errp, "mux base '%s' not found", opts->path);
        return false;
    }
    m->focus = -1;
    m->timestamps_start_ms = -1;
    if (!chardev_fe_init(&m->base_fe, m->base, errp)) {
        return false;
    }
    chardev_fe_set_handlers(&m->base_fe, mux_base_can_read, mux_base_read,
                            mux_base_event, m);
    return true;
}

static int mux_write(Chardev *chr, const uint8_t *buf, int len)
{
    Mux *m = (Mux *)chr;

    if (!m->timestamps) {
        return chardev_write(m->base, buf, len);
    }
    for (int i = 0; i < len; i++) {
        if (m->linestart) {
            int64_t now_ms = clock_get_ms(CLOCK_TYPE_REALTIME), t;
            char stamp[64];

            if (m->timestamps_start_ms < 0) {
                m->timestamps_start_ms = now_ms;
            }
            t = now_ms - m->timestamps_start_ms;
            snprintf(stamp, sizeof(stamp), "[%02d:%02d:%02d.%03d] ",
                     (int)(t / 3600000), (int)(t / 60000 % 60), (int)(t / 1000 % 60),
                     (int)(t % 1000));
            mux_print(m, stamp);
            m->linestart = false;
        }
        chardev_write(m->base, &buf[i], 1);
        if (buf[i] == '\n') {
            m->linestart = true;
        }
    }
    return len;
}

static void mux_accept_input(Chardev *chr)
{
    Mux *m = (Mux *)chr;

    if (m->focus >= 0 && m->focus < m->count) {
        mux_flush(m, m->focus);
    }
    chardev_fe_accept_input(&m->base_fe);
}

static bool mux_attach(Chardev *chr, CharFrontend *fe, Error **errp)
{
    Mux *m = (Mux *)chr;

    if (m->count == MUX_MAX_FRONTENDS) {
        error_setg(errp, "chardev '%s': too many users of the mux (at most %d)",
                   chr->id, MUX_MAX_FRONTENDS);
        return false;
    }
    fe->tag = m->count;
    m->fes[m->count++] = fe;
    return true;
}

static void mux_handlers_set(Chardev *chr, CharFrontend *fe)
{
    Mux *m = (Mux *)chr;

    mux_set_focus(chr, fe->tag);
    if (chr->opened && fe->event) {
        fe->event(fe->opaque, CHARDEV_EVENT_OPENED);
    }
    chardev_fe_accept_input(&m->base_fe);
}

static void mux_detach(Chardev *chr, CharFrontend *fe)
{
    Mux *m = (Mux *)chr;

    /* Keep tags stable: the slot just empties. */
    if (fe->tag >= 0 && fe->tag < m->count && m->fes[fe->tag] == fe) {
        m->fes[fe->tag] = NULL;
    }
}

static void mux_close(Chardev *chr)
{
    Mux *m = (Mux *)chr;

    chardev_fe_deinit(&m->base_fe);
}

const ChardevBackend chardev_mux_backend = {
    .name = "mux",
    .help = "shares a chardev among several frontends (internal)",
    .instance_size = sizeof(Mux),
    .open = mux_open,
    .write = mux_write,
    .accept_input = mux_accept_input,
    .attach = mux_attach,
    .handlers_set = mux_handlers_set,
    .detach = mux_detach,
    .close = mux_close,
};

Chardev *mux_new(const char *id, Chardev *base, Error **errp)
{
    ChardevOptions opts = { .id = id, .path = base->id };

    return chardev_create(&chardev_mux_backend, id, &opts, errp);
}

Chardev *mux_new_stdio(const char *id, Error **errp)
{
    ChardevOptions opts;

    chardev_options_init(&opts);
    opts.id = id;
    opts.backend = "stdio";
    opts.mux = true;
    opts.signal = false;
    return chardev_new(&opts, errp);
}
