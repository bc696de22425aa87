/*
 * The socket backend: tcp (host, port) or unix (path), as a client that
 * connects at start-up or as a server (server=on) that listens.  A server
 * with wait=on blocks start-up until the first client connects; with
 * wait=off it accepts in the background.  One client at a time: while one
 * is connected the listening socket is not watched; when it leaves (EOF or
 * error) the frontend gets CLOSED and the next client is accepted.
 * Invariants: fd >= 0 exactly while a peer is connected (chr->opened);
 * writes with no peer are dropped.  telnet=on is not supported yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "chardev/chardev_internal.h"
#include "system/main_loop.h"

typedef struct ChardevSocket {
    Chardev parent;
    int listen_fd;
    int fd;
    bool server;
    bool nodelay;
    bool watching;
    char *unix_path;        /* a unix server's path, unlinked on close */
    char *desc;             /* "tcp:HOST:PORT" / "unix:PATH" for messages */
} ChardevSocket;

static void socket_listen_ready(void *opaque);

static void socket_watch_listen(ChardevSocket *s, bool on)
{
    if (s->listen_fd >= 0) {
        main_loop_set_fd_handler(s->listen_fd, on ? socket_listen_ready : NULL, NULL, s);
    }
}

static void socket_disconnect(ChardevSocket *s)
{
    if (s->fd < 0) {
        return;
    }
    main_loop_set_fd_handler(s->fd, NULL, NULL, NULL);
    close(s->fd);
    s->fd = -1;
    s->watching = false;
    chardev_be_event(&s->parent, CHARDEV_EVENT_CLOSED);
    /* Ready for the next client. */
    socket_watch_listen(s, true);
}

static void socket_read(void *opaque)
{
    ChardevSocket *s = opaque;
    uint8_t buf[4096];
    int can = chardev_be_can_read(&s->parent);
    ssize_t n;

    if (can <= 0) {
        main_loop_set_fd_handler(s->fd, NULL, NULL, NULL);
        s->watching = false;
        return;
    }
    n = recv(s->fd, buf, can < (int)sizeof(buf) ? (size_t)can : sizeof(buf), 0);
    if (n > 0) {
        chardev_be_read(&s->parent, buf, (int)n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        socket_disconnect(s);
    }
}

static void socket_accept_input(Chardev *chr)
{
    ChardevSocket *s = (ChardevSocket *)chr;

    if (s->fd >= 0 && !s->watching) {
        main_loop_set_fd_handler(s->fd, socket_read, NULL, s);
        s->watching = true;
    }
}

static void socket_connected(ChardevSocket *s, int fd)
{
    int one = 1;

    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (s->nodelay) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    s->fd = fd;
    socket_watch_listen(s, false);
    chardev_be_event(&s->parent, CHARDEV_EVENT_OPENED);
    socket_accept_input(&s->parent);
}

static void socket_listen_ready(void *opaque)
{
    ChardevSocket *s = opaque;
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);

    if (fd < 0) {
        return;     /* the client gave up already; keep listening */
    }
    if (s->fd >= 0) {
        close(fd);  /* one client at a time */
        return;
    }
    socket_connected(s, fd);
}

static int socket_unix_address(const char *path, struct sockaddr_un *sun, Error **errp)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path)) {
        error_setg(errp, "unix socket path '%s' is too long", path);
        return -1;
    }
    strcpy(sun->sun_path, path);
    return 0;
}

/* Open a listening or a connected socket; returns the fd or -1. */
static int socket_open_fd(ChardevSocket *s, const ChardevOptions *opts, Error **errp)
{
    if (opts->path) {
        struct sockaddr_un sun;
        int fd;

        if (socket_unix_address(opts->path, &sun, errp) < 0) {
            return -1;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            error_setg_errno(errp, errno, "could not create a unix socket");
            return -1;
        }
        if (s->server) {
            unlink(opts->path);
            if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1) < 0) {
                error_setg_errno(errp, errno, "could not listen on '%s'", opts->path);
                close(fd);
                return -1;
            }
            s->unix_path = strdup(opts->path);
        } else if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
            error_setg_errno(errp, errno, "could not connect to '%s'", opts->path);
            close(fd);
            return -1;
        }
        return fd;
    }

    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = s->server ? AI_PASSIVE : 0 };
    struct addrinfo *res, *ai;
    const char *host = opts->host && *opts->host ? opts->host : NULL;
    int rc, fd = -1, saved = 0;

    if (!opts->port || !*opts->port) {
        error_setg(errp, "tcp socket needs a port");
        return -1;
    }
    if (!host && !s->server) {
        host = "localhost";
    }
    rc = getaddrinfo(host, opts->port, &hints, &res);
    if (rc != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s", host ? host : "",
                   opts->port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int one = 1;

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (s->server) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0) {
                break;
            }
        } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, saved, "could not %s %s:%s",
                         s->server ? "listen on" : "connect to", host ? host : "",
                         opts->port);
    }
    return fd;
}

static bool socket_open(Chardev *chr, const ChardevOptions *opts, Error **errp)
{
    ChardevSocket *s = (ChardevSocket *)chr;
    int fd;

    s->listen_fd = s->fd = -1;
    if (opts->telnet) {
        error_setg(errp, "telnet=on is not supported yet");
        return false;
    }
    if (!opts->path && !opts->port) {
        error_setg(errp, "socket needs path=PATH (unix) or host=HOST,port=PORT (tcp)");
        return false;
    }
    if (opts->path && (opts->host || opts->port)) {
        error_setg(errp, "socket takes either path (unix) or host/port (tcp), not both");
        return false;
    }
    s->server = opts->server;
    s->nodelay = opts->nodelay;
    if (opts->path) {
        if (asprintf(&s->desc, "unix:%s", opts->path) < 0) {
            abort();
        }
    } else if (asprintf(&s->desc, "tcp:%s:%s", opts->host ? opts->host : "",
                        opts->port) < 0) {
        abort();
    }
    fd = socket_open_fd(s, opts, errp);
    if (fd < 0) {
        free(s->desc);
        free(s->unix_path);
        return false;
    }
    if (!s->server) {
        socket_connected(s, fd);
        return true;
    }
    s->listen_fd = fd;
    if (opts->wait) {
        int client;

        fprintf(stderr, "morpho: waiting for connection on: %s,server=on\n", s->desc);
        do {
            client = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        } while (client < 0 && errno == EINTR);
        if (client < 0) {
            error_setg_errno(errp, errno, "accept on %s failed", s->desc);
            close(fd);
            free(s->desc);
            free(s->unix_path);
            return false;
        }
        socket_connected(s, client);
    } else {
        socket_watch_listen(s, true);
    }
    return true;
}

static int socket_write(Chardev *chr, const uint8_t *buf, int len)
{
    ChardevSocket *s = (ChardevSocket *)chr;

    if (s->fd < 0) {
        return len;     /* nobody listening: dropped, like a UART's line */
    }
    if (chardev_write_fd_all(s->fd, buf, len) < 0) {
        /* NOTE: the frontend hears CLOSED from inside its own write; defer
         * through a bottom half if a frontend ever minds. */
        socket_disconnect(s);
    }
    return len;
}

static void socket_close(Chardev *chr)
{
    ChardevSocket *s = (ChardevSocket *)chr;

    if (s->fd >= 0) {
        main_loop_set_fd_handler(s->fd, NULL, NULL, NULL);
        close(s->fd);
    }
    if (s->listen_fd >= 0) {
        main_loop_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
        close(s->listen_fd);
    }
    if (s->unix_path) {
        unlink(s->unix_path);
    }
    free(s->unix_path);
    free(s->desc);
}

int chardev_socket_local_port(Chardev *chr)
{
    ChardevSocket *s = (ChardevSocket *)chr;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (chr->backend->open != socket_open || s->listen_fd < 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&ss, &len) < 0) {
        return -1;
    }
    if (ss.ss_family == AF_INET) {
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    }
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return -1;
}

const ChardevBackend chardev_socket_backend = {
    .name = "socket",
    .help = "tcp (host=,port=) or unix (path=) socket; server=on, wait=off, nodelay=on",
    .instance_size = sizeof(ChardevSocket),
    .open = socket_open,
    .write = socket_write,
    .accept_input = socket_accept_input,
    .close = socket_close,
};
