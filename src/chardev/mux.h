/*
 * The multiplexer: several frontends (a serial port, the monitor) share one
 * backend (usually stdio), with QEMU's escapes typed after the escape
 * character (C-a by default, -echr changes it):
 *   C-a h  help            C-a x  "morpho: terminated", shutdown request
 *   C-a c  next frontend   C-a s  sync disks (a hook)
 *   C-a b  send a break    C-a t  toggle timestamps on output lines
 *   C-a C-a  one C-a to the focused frontend
 * Input goes to the frontend with the focus only; output from every
 * frontend goes to the backend.  Focus follows the frontend that most
 * recently set its handlers (so the serial port, attached after the
 * monitor, starts focused, as in QEMU) and C-a c.
 */
#ifndef CHARDEV_MUX_H
#define CHARDEV_MUX_H

#include "chardev/chardev.h"

#define MUX_MAX_FRONTENDS 4

extern const ChardevBackend chardev_mux_backend;

/* Register a mux named id over base (which becomes its only user). */
Chardev *mux_new(const char *id, Chardev *base, Error **errp);

void mux_set_focus(Chardev *mux, int tag);
int mux_focus(Chardev *mux);

/* -echr: the escape character for every mux (default 0x01, C-a). */
void mux_set_escape_char(int ch);
/* C-a s: flush disk images (set by the block layer). */
void mux_set_sync_hook(void (*sync)(void));

/* Helpers for the lead's wiring: -nographic and "-serial mon:stdio" both
 * mean one stdio chardev, muxed, with signals off (C-a x to quit), and the
 * monitor and serial port as its two frontends. */
Chardev *mux_new_stdio(const char *id, Error **errp);

#endif
