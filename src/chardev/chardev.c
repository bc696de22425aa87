/*
 * The chardev core: the backend table (-chardev help), the registry by id,
 * creation from ChardevOptions (wrapping in a mux when asked), the frontend
 * attach/handlers/write API and the backend-to-frontend calls.  Invariants:
 * ids are unique among registered chardevs; a non-mux chardev has at most
 * one frontend (chr->fe); a mux's frontends live in the mux (mux.c).
 */
#include "chardev/chardev.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chardev/chardev_internal.h"
#include "chardev/mux.h"

extern const ChardevBackend chardev_null_backend;
extern const ChardevBackend chardev_stdio_backend;
extern const ChardevBackend chardev_file_backend;
extern const ChardevBackend chardev_pipe_backend;
extern const ChardevBackend chardev_socket_backend;

static const ChardevBackend *const chardev_backends[] = {
    &chardev_null_backend,
    &chardev_stdio_backend,
    &chardev_file_backend,
    &chardev_pipe_backend,
    &chardev_socket_backend,
};

#define CHARDEV_BACKEND_COUNT (sizeof(chardev_backends) / sizeof(chardev_backends[0]))

static Chardev *chardev_list;

void chardev_options_init(ChardevOptions *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->wait = true;
    opts->signal = true;
}

const ChardevBackend *chardev_backend_find(const char *name)
{
    for (size_t i = 0; i < CHARDEV_BACKEND_COUNT; i++) {
        if (strcmp(chardev_backends[i]->name, name) == 0) {
            return chardev_backends[i];
        }
    }
    return NULL;
}

void chardev_print_help(FILE *out)
{
    fprintf(out, "Available chardev backend types:\n");
    for (size_t i = 0; i < CHARDEV_BACKEND_COUNT; i++) {
        fprintf(out, "  %-8s %s\n", chardev_backends[i]->name, chardev_backends[i]->help);
    }
}

Chardev *chardev_find(const char *id)
{
    for (Chardev *chr = chardev_list; chr; chr = chr->next) {
        if (strcmp(chr->id, id) == 0) {
            return chr;
        }
    }
    return NULL;
}

bool chardev_is_mux(const Chardev *chr)
{
    return chr->backend == &chardev_mux_backend;
}

Chardev *chardev_create(const ChardevBackend *be, const char *id,
                               const ChardevOptions *opts, Error **errp)
{
    Chardev *chr;

    if (chardev_find(id)) {
        error_setg(errp, "chardev '%s': duplicate id", id);
        return NULL;
    }
    assert(be->instance_size >= sizeof(Chardev));
    chr = calloc(1, be->instance_size);
    assert(chr);
    chr->id = strdup(id);
    chr->backend = be;
    chr->logfd = -1;
    if (opts->logfile) {
        int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (opts->append ? O_APPEND : O_TRUNC);

        chr->logfd = open(opts->logfile, flags, 0666);
        if (chr->logfd < 0) {
            error_setg_errno(errp, errno, "chardev '%s': could not open logfile '%s'",
                             id, opts->logfile);
            goto fail;
        }
    }
    if (!be->open(chr, opts, errp)) {
        error_prepend(errp, "chardev '%s': ", id);
        goto fail;
    }
    chr->next = chardev_list;
    chardev_list = chr;
    return chr;

fail:
    if (chr->logfd >= 0) {
        close(chr->logfd);
    }
    free(chr->id);
    free(chr);
    return NULL;
}

Chardev *chardev_new(const ChardevOptions *opts, Error **errp)
{
    const ChardevBackend *be;
    Chardev *base, *mux;
    char *base_id;

    if (!opts->id || !*opts->id) {
        error_setg(errp, "chardev: an id is required");
        return NULL;
    }
    if (!opts->backend) {
        error_setg(errp, "chardev '%s': no backend given", opts->id);
        return NULL;
    }
    be = chardev_backend_find(opts->backend);
    if (!be) {
        error_setg(errp, "chardev '%s': unknown backend '%s' (try -chardev help)",
                   opts->id, opts->backend);
        return NULL;
    }
    if (!opts->mux) {
        return chardev_create(be, opts->id, opts, errp);
    }
    if (asprintf(&base_id, "%s-base", opts->id) < 0) {
        abort();
    }
    base = chardev_create(be, base_id, opts, errp);
    free(base_id);
    if (!base) {
        return NULL;
    }
    mux = mux_new(opts->id, base, errp);
    if (!mux) {
        chardev_delete(base);
    }
    return mux;
}

void chardev_delete(Chardev *chr)
{
    if (!chr) {
        return;
    }
    for (Chardev **p = &chardev_list; *p; p = &(*p)->next) {
        if (*p == chr) {
            *p = chr->next;
            break;
        }
    }
    if (chr->backend->close) {
        chr->backend->close(chr);
    }
    if (chr->logfd >= 0) {
        close(chr->logfd);
    }
    free(chr->id);
    free(chr);
}

void chardev_delete_all(void)
{
    /* Muxes first: they hold a frontend on their base. */
    for (Chardev *chr = chardev_list, *next; chr; chr = next) {
        next = chr->next;
        if (chardev_is_mux(chr)) {
            chardev_delete(chr);
        }
    }
    while (chardev_list) {
        chardev_delete(chardev_list);
    }
}

/* Frontends. */

bool chardev_fe_init(CharFrontend *fe, Chardev *chr, Error **errp)
{
    memset(fe, 0, sizeof(*fe));
    if (chr->backend->attach) {
        if (!chr->backend->attach(chr, fe, errp)) {
            return false;
        }
    } else {
        if (chr->fe) {
            error_setg(errp, "chardev '%s' is already in use (add mux=on to share it)",
                       chr->id);
            return false;
        }
        chr->fe = fe;
    }
    fe->chr = chr;
    return true;
}

void chardev_fe_set_handlers(CharFrontend *fe, ChardevCanReadFn can_read,
                             ChardevReadFn read, ChardevEventFn event, void *opaque)
{
    Chardev *chr = fe->chr;

    if (!chr) {
        return;
    }
    fe->can_read = can_read;
    fe->read = read;
    fe->event = event;
    fe->opaque = opaque;
    if (chr->backend->handlers_set) {
        chr->backend->handlers_set(chr, fe);
        return;
    }
    /* Tell a late frontend about a peer that is already there. */
    if (chr->opened && event) {
        event(opaque, CHARDEV_EVENT_OPENED);
    }
    if (read) {
        chardev_fe_accept_input(fe);
    }
}

void chardev_fe_deinit(CharFrontend *fe)
{
    Chardev *chr = fe->chr;

    if (!chr) {
        return;
    }
    if (chr->backend->detach) {
        chr->backend->detach(chr, fe);
    } else if (chr->fe == fe) {
        chr->fe = NULL;
    }
    memset(fe, 0, sizeof(*fe));
}

int chardev_fe_write(CharFrontend *fe, const uint8_t *buf, int len)
{
    if (!fe->chr) {
        return len;     /* no backend: the bytes go nowhere, as on hardware */
    }
    return chardev_write(fe->chr, buf, len);
}

void chardev_fe_accept_input(CharFrontend *fe)
{
    if (fe->chr && fe->chr->backend->accept_input) {
        fe->chr->backend->accept_input(fe->chr);
    }
}

/* Backend side. */

int chardev_write(Chardev *chr, const uint8_t *buf, int len)
{
    int ret = chr->backend->write(chr, buf, len);

    if (chr->logfd >= 0 && len > 0) {
        if (chardev_write_fd_all(chr->logfd, buf, len) < 0) {
            /* A failing log must not stop the guest's console. */
        }
    }
    return ret;
}

int chardev_be_can_read(Chardev *chr)
{
    CharFrontend *fe = chr->fe;

    if (!fe || !fe->can_read) {
        return 0;
    }
    return fe->can_read(fe->opaque);
}

void chardev_be_read(Chardev *chr, const uint8_t *buf, int len)
{
    CharFrontend *fe = chr->fe;

    if (fe && fe->read && len > 0) {
        fe->read(fe->opaque, buf, len);
    }
}

void chardev_be_event(Chardev *chr, ChardevEvent event)
{
    CharFrontend *fe = chr->fe;

    if (event == CHARDEV_EVENT_OPENED) {
        chr->opened = true;
    } else if (event == CHARDEV_EVENT_CLOSED) {
        chr->opened = false;
    }
    if (fe && fe->event) {
        fe->event(fe->opaque, event);
    }
}

int chardev_write_fd_all(int fd, const uint8_t *buf, int len)
{
    int done = 0;
    int stalls = 0;

    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);

        if (n > 0) {
            done += n;
            stalls = 0;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };

            /* A slow peer gets about 100 ms; then the rest is dropped
             * rather than stalling a vCPU forever. */
            if (++stalls > 5) {
                return len;
            }
            poll(&pfd, 1, 20);
            continue;
        }
        return -1;
    }
    return len;
}
