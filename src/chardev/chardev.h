/*
 * Character devices: the host end of a guest's serial port, a monitor's
 * terminal, a debug console.  A Chardev is a backend (null, stdio, file,
 * pipe, socket, mux) with an ops table; a device attaches to it through a
 * CharFrontend holding its handlers: can_read (how many bytes it can take
 * now), read (take them), event (OPENED, CLOSED, BREAK, MUX_IN, MUX_OUT).
 *
 * Data flow: backend fd readable (main loop) -> chardev_be_read() -> the
 * frontend's read; device output -> chardev_fe_write() -> the backend.  A
 * frontend whose can_read returned 0 calls chardev_fe_accept_input() when it
 * has room again, and input resumes.
 *
 * Threading: everything runs with the BQL held (main loop or a vCPU doing
 * MMIO).  chardev_fe_write() writes everything it can without stalling a
 * vCPU for long: when no peer is connected (socket without client, a
 * closed pipe) the bytes are dropped, as a UART with nothing on the line.
 *
 * Chardevs are created from a plain ChardevOptions (the command line's
 * -chardev, converted by the caller) or from QEMU's legacy -serial/-monitor
 * strings, and are registered by id.  Errors are Error values naming the
 * chardev.
 */
#ifndef CHARDEV_CHARDEV_H
#define CHARDEV_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

typedef enum ChardevEvent {
    CHARDEV_EVENT_OPENED,       /* a peer is there (client connected, start-up) */
    CHARDEV_EVENT_CLOSED,       /* the peer went away */
    CHARDEV_EVENT_BREAK,        /* a serial break (C-a b on a mux) */
    CHARDEV_EVENT_MUX_IN,       /* this frontend got the mux's focus */
    CHARDEV_EVENT_MUX_OUT,      /* this frontend lost it */
} ChardevEvent;

typedef int (*ChardevCanReadFn)(void *opaque);
typedef void (*ChardevReadFn)(void *opaque, const uint8_t *buf, int size);
typedef void (*ChardevEventFn)(void *opaque, ChardevEvent event);

typedef struct Chardev Chardev;
typedef struct ChardevBackend ChardevBackend;

/* A device's end; embed it in the device state.  Fields are private. */
typedef struct CharFrontend {
    Chardev *chr;
    ChardevCanReadFn can_read;
    ChardevReadFn read;
    ChardevEventFn event;
    void *opaque;
    int tag;                    /* slot on a mux */
} CharFrontend;

/*
 * What -chardev says, as plain data.  Strings are borrowed by
 * chardev_new() (copied where kept).  Zero is "off" for every flag, so the
 * caller applies QEMU's defaults: wait=on for a server, signal=on for stdio
 * (chardev_options_init() sets both).
 */
typedef struct ChardevOptions {
    const char *id;
    const char *backend;        /* "null", "stdio", "file", "pipe", "socket" */
    const char *path;           /* file, pipe, unix socket path */
    const char *host;           /* tcp socket: host, port (service) */
    const char *port;
    bool server;                /* socket: listen instead of connect */
    bool wait;                  /* server: block start-up until a client comes */
    bool telnet;                /* socket: not supported yet, rejected */
    bool nodelay;
    bool mux;                   /* several frontends share it (C-a escapes) */
    bool signal;                /* stdio: Ctrl-C etc. signal Morpho (ISIG on) */
    bool append;                /* file/logfile: append instead of truncate */
    const char *logfile;        /* copy all output here too */
} ChardevOptions;

struct Chardev {
    char *id;
    const ChardevBackend *backend;
    CharFrontend *fe;           /* the attached frontend (not for a mux) */
    bool opened;                /* a peer is connected */
    int logfd;                  /* -1 without logfile */
    Chardev *next;              /* registry */
};

/* A backend type: one per file, listed in chardev.c's table. */
struct ChardevBackend {
    const char *name;
    const char *help;
    size_t instance_size;       /* the backend's struct, with Chardev first */
    bool (*open)(Chardev *chr, const ChardevOptions *opts, Error **errp);
    /* Write all of buf or drop it; returns len, or -1 on a hard error. */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    /* The frontend can read again (optional). */
    void (*accept_input)(Chardev *chr);
    /* A frontend attaches/sets handlers (mux only; optional). */
    bool (*attach)(Chardev *chr, CharFrontend *fe, Error **errp);
    void (*handlers_set)(Chardev *chr, CharFrontend *fe);
    void (*detach)(Chardev *chr, CharFrontend *fe);
    void (*close)(Chardev *chr);
};

void chardev_options_init(ChardevOptions *opts);

/* Create and register; with opts->mux, the backend is registered as
 * "ID-base" and the returned chardev is the mux named ID. */
Chardev *chardev_new(const ChardevOptions *opts, Error **errp);
Chardev *chardev_find(const char *id);
/* Close and unregister (frontends must have detached). */
void chardev_delete(Chardev *chr);
void chardev_delete_all(void);
bool chardev_is_mux(const Chardev *chr);

/* -chardev help */
void chardev_print_help(FILE *out);
const ChardevBackend *chardev_backend_find(const char *name);

/* QEMU's legacy strings (-serial, -monitor, -parallel):
 *   stdio  mon:stdio  mon:DEV  null  none  file:PATH  pipe:PATH
 *   tcp:HOST:PORT[,server=on|off][,wait=on|off][,telnet=...][,nodelay=...]
 *   unix:PATH[,server=...][,wait=...]    chardev:ID
 * (also QEMU's older "server", "nowait" spellings).  Fills *opts with
 * strings owned by the caller's buffer `storage` (freed with
 * chardev_legacy_free), sets *monitor for the "mon:" prefix.  "none" sets
 * opts->backend to "none"; "chardev:ID" sets opts->backend to "chardev" and
 * opts->id to ID. */
typedef struct ChardevLegacy {
    ChardevOptions opts;
    bool monitor;
    char *storage;
} ChardevLegacy;
bool chardev_parse_legacy(const char *str, const char *id, ChardevLegacy *out, Error **errp);
void chardev_legacy_free(ChardevLegacy *l);

/* Parse and create in one go: *chr is the new (or, for chardev:ID, the
 * existing) chardev, NULL for "none"; *monitor as above.  label names the
 * new chardev ("serial0", "monitor0"). */
bool chardev_new_legacy(const char *label, const char *str, Chardev **chr,
                        bool *monitor, Error **errp);

/* Frontend API (devices, monitor). */
bool chardev_fe_init(CharFrontend *fe, Chardev *chr, Error **errp);
void chardev_fe_set_handlers(CharFrontend *fe, ChardevCanReadFn can_read,
                             ChardevReadFn read, ChardevEventFn event, void *opaque);
void chardev_fe_deinit(CharFrontend *fe);
int chardev_fe_write(CharFrontend *fe, const uint8_t *buf, int len);
void chardev_fe_accept_input(CharFrontend *fe);
static inline bool chardev_fe_connected(const CharFrontend *fe)
{
    return fe->chr != NULL;
}

/* Backend API (backends and the mux). */
int chardev_write(Chardev *chr, const uint8_t *buf, int len);
int chardev_be_can_read(Chardev *chr);
void chardev_be_read(Chardev *chr, const uint8_t *buf, int len);
void chardev_be_event(Chardev *chr, ChardevEvent event);

/* Helpers for fd-based backends: write all, waiting briefly for a slow
 * non-blocking peer; -1 with errno on a hard error (EPIPE...). */
int chardev_write_fd_all(int fd, const uint8_t *buf, int len);

#endif
