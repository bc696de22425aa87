/*
 * Parts of the chardev core shared by its backends only.
 */
#ifndef CHARDEV_CHARDEV_INTERNAL_H
#define CHARDEV_CHARDEV_INTERNAL_H

#include "chardev/chardev.h"

/* Allocate be->instance_size, open with opts, register under id.  On
 * failure nothing is left behind and errp names the chardev. */
Chardev *chardev_create(const ChardevBackend *be, const char *id,
                        const ChardevOptions *opts, Error **errp);



/* fd-pair chardevs (stdio, file, pipe): infd is watched by the main loop
 * while the frontend can read; outfd takes writes.  Either may be -1. */
typedef struct ChardevFd {
    Chardev parent;
    int infd;
    int outfd;
    bool watching;
} ChardevFd;

void chardev_fd_attach(ChardevFd *s, int infd, int outfd);
int chardev_fd_write(Chardev *chr, const uint8_t *buf, int len);
void chardev_fd_accept_input(Chardev *chr);
/* Stop watching and close both fds (those above 2). */
void chardev_fd_close(Chardev *chr);

/* The bound port of a tcp server socket chardev (port=0 picks one), or -1. */
int chardev_socket_local_port(Chardev *chr);
#endif
