/*
 * Chardevs over a pair of file descriptors, and the backends that are
 * nothing more: file (output to a file, optionally appended), pipe (named
 * pipes PATH.in/PATH.out, or PATH both ways) and null (output vanishes, no
 * input).  Invariant: the main loop watches infd exactly while `watching`,
 * which is cleared when the frontend cannot read and set again by
 * accept_input, so input waits in the kernel instead of being dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chardev/chardev_internal.h"
#include "system/main_loop.h"

static void chardev_fd_read(void *opaque)
{
    ChardevFd *s = opaque;
    Chardev *chr = &s->parent;
    uint8_t buf[4096];
    int can = chardev_be_can_read(chr);
    ssize_t n;

    if (can <= 0) {
        main_loop_set_fd_handler(s->infd, NULL, NULL, NULL);
        s->watching = false;
        return;
    }
    n = read(s->infd, buf, can < (int)sizeof(buf) ? (size_t)can : sizeof(buf));
    if (n > 0) {
        chardev_be_read(chr, buf, (int)n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        /* End of input (non-tty stdin at EOF, a pipe with no writer
         * left): stop watching; output keeps working. */
        main_loop_set_fd_handler(s->infd, NULL, NULL, NULL);
        s->watching = false;
        s->infd = s->infd > 2 ? (close(s->infd), -1) : -1;
    }
}

void chardev_fd_attach(ChardevFd *s, int infd, int outfd)
{
    s->infd = infd;
    s->outfd = outfd;
    s->watching = false;
}

void chardev_fd_accept_input(Chardev *chr)
{
    ChardevFd *s = (ChardevFd *)chr;

    if (s->infd >= 0 && !s->watching) {
        main_loop_set_fd_handler(s->infd, chardev_fd_read, NULL, s);
        s->watching = true;
    }
}

int chardev_fd_write(Chardev *chr, const uint8_t *buf, int len)
{
    ChardevFd *s = (ChardevFd *)chr;

    if (s->outfd < 0) {
        return len;
    }
    return chardev_write_fd_all(s->outfd, buf, len);
}

void chardev_fd_close(Chardev *chr)
{
    ChardevFd *s = (ChardevFd *)chr;

    if (s->infd >= 0 && s->watching) {
        main_loop_set_fd_handler(s->infd, NULL, NULL, NULL);
    }
    if (s->infd > 2) {
        close(s->infd);
    }
    if (s->outfd > 2 && s->outfd != s->infd) {
        close(s->outfd);
    }
    s->infd = s->outfd = -1;
    s->watching = false;
}

static bool file_open(Chardev *chr, const ChardevOptions *opts, Error **errp)
{
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (opts->append ? O_APPEND : O_TRUNC);
    int fd;

    if (!opts->path || !*opts->path) {
        error_setg(errp, "file backend needs a path");
        return false;
    }
    fd = open(opts->path, flags, 0666);
    if (fd < 0) {
        error_setg_errno(errp, errno, "could not open '%s'", opts->path);
        return false;
    }
    chardev_fd_attach((ChardevFd *)chr, -1, fd);
    chr->opened = true;
    return true;
}

const ChardevBackend chardev_file_backend = {
    .name = "file",
    .help = "output to a file (path=PATH[,append=on])",
    .instance_size = sizeof(ChardevFd),
    .open = file_open,
    .write = chardev_fd_write,
    .close = chardev_fd_close,
};

static bool pipe_open(Chardev *chr, const ChardevOptions *opts, Error **errp)
{
    char *in_path, *out_path;
    int in, out;

    if (!opts->path || !*opts->path) {
        error_setg(errp, "pipe backend needs a path");
        return false;
    }
    if (asprintf(&in_path, "%s.in", opts->path) < 0 ||
        asprintf(&out_path, "%s.out", opts->path) < 0) {
        abort();
    }
    /* O_RDWR so opening a FIFO does not wait for the other end. */
    in = open(in_path, O_RDWR | O_CLOEXEC);
    out = open(out_path, O_RDWR | O_CLOEXEC);
    free(in_path);
    free(out_path);
    if (in < 0 || out < 0) {
        if (in >= 0) {
            close(in);
        }
        if (out >= 0) {
            close(out);
        }
        in = out = open(opts->path, O_RDWR | O_CLOEXEC);
        if (in < 0) {
            error_setg_errno(errp, errno, "could not open '%s.in'/'%s.out' or '%s'",
                             opts->path, opts->path, opts->path);
            return false;
        }
    }
    /* With no reader a full pipe would stall a vCPU: drop instead. */
    fcntl(out, F_SETFL, fcntl(out, F_GETFL) | O_NONBLOCK);
    fcntl(in, F_SETFL, fcntl(in, F_GETFL) | O_NONBLOCK);
    chardev_fd_attach((ChardevFd *)chr, in, out);
    chr->opened = true;
    return true;
}

const ChardevBackend chardev_pipe_backend = {
    .name = "pipe",
    .help = "named pipes PATH.in and PATH.out, or PATH both ways (path=PATH)",
    .instance_size = sizeof(ChardevFd),
    .open = pipe_open,
    .write = chardev_fd_write,
    .accept_input = chardev_fd_accept_input,
    .close = chardev_fd_close,
};

static bool null_open(Chardev *chr, const ChardevOptions *opts, Error **errp)
{
    chardev_fd_attach((ChardevFd *)chr, -1, -1);
    return true;
}

const ChardevBackend chardev_null_backend = {
    .name = "null",
    .help = "discards output, never has input",
    .instance_size = sizeof(ChardevFd),
    .open = null_open,
    .write = chardev_fd_write,
};
