/*
 * Tests of the chardev core and its fd/socket backends, driven through the
 * main loop: registry and errors, -chardev help, null, file (truncate and
 * append, logfile), pipe (PATH.in/PATH.out FIFOs), tcp and unix sockets on
 * loopback (server with wait=off, a client that leaves and a new one that
 * comes, client mode), a single-user chardev refusing a second frontend.
 */
#include "chardev/chardev_internal.h"
#include "system/main_loop.h"
#include "system/timer.h"
#include "util/unittest.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

typedef struct Sink {
    CharFrontend fe;
    char in[1024];
    size_t in_len;
    int opened, closed;
} Sink;

static int sink_can_read(void *opaque)
{
    Sink *s = opaque;

    return (int)(sizeof(s->in) - 1 - s->in_len);
}

static void sink_read(void *opaque, const uint8_t *buf, int size)
{
    Sink *s = opaque;

    memcpy(s->in + s->in_len, buf, size);
    s->in_len += size;
    s->in[s->in_len] = 0;
}

static void sink_event(void *opaque, ChardevEvent event)
{
    Sink *s = opaque;

    if (event == CHARDEV_EVENT_OPENED) {
        s->opened++;
    } else if (event == CHARDEV_EVENT_CLOSED) {
        s->closed++;
    }
}

static void sink_attach(Sink *s, Chardev *chr)
{
    memset(s, 0, sizeof(*s));
    CHECK(chardev_fe_init(&s->fe, chr, &error_abort));
    chardev_fe_set_handlers(&s->fe, sink_can_read, sink_read, sink_event, s);
}

static void sink_write(Sink *s, const char *text)
{
    CHECK_INT(chardev_fe_write(&s->fe, (const uint8_t *)text, (int)strlen(text)),
              (int)strlen(text));
}

/* Spin the loop (non-blocking, with short sleeps) until cond or ~2 s. */
#define LOOP_UNTIL(cond)                                                     \
    do {                                                                     \
        for (int spin_ = 0; spin_ < 400 && !(cond); spin_++) {               \
            struct pollfd none_;                                             \
            main_loop_wait(true);                                            \
            poll(&none_, 0, 5);                                              \
        }                                                                    \
    } while (0)

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char path[128];

    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/morpho-chardev-XXXXXX");
        if (!mkdtemp(tmpdir)) {
            abort();
        }
    }
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    return path;
}

__attribute__((destructor)) static void tmpdir_remove(void)
{
    if (tmpdir[0]) {
        rmdir(tmpdir);
    }
}

static char *slurp(const char *path)
{
    static char buf[1024];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

    if (fd >= 0) {
        close(fd);
    }
    buf[n > 0 ? n : 0] = 0;
    return buf;
}

static const char *new_error(const ChardevOptions *opts)
{
    static char message[256];
    Error *err = NULL;
    Chardev *chr = chardev_new(opts, &err);

    if (chr) {
        chardev_delete(chr);
        return "(created)";
    }
    snprintf(message, sizeof(message), "%s", error_get_pretty(err));
    error_free(err);
    return message;
}

UNITTEST(registry_and_errors)
{
    ChardevOptions opts;
    Chardev *chr;
    Sink a, b;
    Error *err = NULL;

    chardev_options_init(&opts);
    opts.backend = "null";
    CHECK_STR(new_error(&opts), "chardev: an id is required");
    opts.id = "c0";
    opts.backend = "serial";
    CHECK_STR(new_error(&opts), "chardev 'c0': unknown backend 'serial' (try -chardev help)");
    opts.backend = "file";
    CHECK_STR(new_error(&opts), "chardev 'c0': file backend needs a path");
    opts.path = "/nonexistent-dir/x";
    CHECK_STR(new_error(&opts),
              "chardev 'c0': could not open '/nonexistent-dir/x': No such file or directory");
    opts.backend = "socket";
    opts.path = NULL;
    CHECK_STR(new_error(&opts),
              "chardev 'c0': socket needs path=PATH (unix) or host=HOST,port=PORT (tcp)");

    opts.backend = "null";
    chr = chardev_new(&opts, &error_abort);
    CHECK(chardev_find("c0") == chr);
    CHECK_STR(new_error(&opts), "chardev 'c0': duplicate id");
    sink_attach(&a, chr);
    sink_write(&a, "into the void");
    CHECK(!chardev_fe_init(&b.fe, chr, &err));
    CHECK_STR(error_get_pretty(err),
              "chardev 'c0' is already in use (add mux=on to share it)");
    error_free(err);
    chardev_fe_deinit(&a.fe);
    chardev_delete(chr);
    CHECK(chardev_find("c0") == NULL);
}

UNITTEST(help_lists_backends)
{
    char buf[1024] = "";
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

    chardev_print_help(f);
    fclose(f);
    CHECK(strncmp(buf, "Available chardev backend types:\n", 33) == 0);
    CHECK(strstr(buf, "  null ") != NULL);
    CHECK(strstr(buf, "  stdio ") != NULL);
    CHECK(strstr(buf, "  socket ") != NULL);
    CHECK(strstr(buf, "  pipe ") != NULL);
    CHECK(strstr(buf, "  file ") != NULL);
}

UNITTEST(file_truncates_or_appends_and_logfile)
{
    ChardevOptions opts;
    char log_path[128];
    Chardev *chr;
    Sink s;

    chardev_options_init(&opts);
    opts.id = "f0";
    opts.backend = "file";
    opts.path = strdup(tmp_path("out.txt"));
    snprintf(log_path, sizeof(log_path), "%s", tmp_path("log.txt"));
    opts.logfile = log_path;
    chr = chardev_new(&opts, &error_abort);
    sink_attach(&s, chr);
    sink_write(&s, "hello ");
    chardev_fe_deinit(&s.fe);
    chardev_delete(chr);
    CHECK_STR(slurp(opts.path), "hello ");
    CHECK_STR(slurp(log_path), "hello ");

    opts.append = true;
    opts.logfile = NULL;
    chr = chardev_new(&opts, &error_abort);
    sink_attach(&s, chr);
    sink_write(&s, "world");
    chardev_fe_deinit(&s.fe);
    chardev_delete(chr);
    CHECK_STR(slurp(opts.path), "hello world");

    opts.append = false;
    chr = chardev_new(&opts, &error_abort);
    chardev_delete(chr);
    CHECK_STR(slurp(opts.path), "");
    unlink(opts.path);
    unlink(log_path);
    free((char *)opts.path);
}

UNITTEST(pipe_in_and_out)
{
    char base[128], in_path[140], out_path[140];
    ChardevOptions opts;
    Chardev *chr;
    Sink s;
    int to_guest, from_guest;
    char buf[64] = "";
    ssize_t n;

    snprintf(base, sizeof(base), "%s", tmp_path("fifo"));
    snprintf(in_path, sizeof(in_path), "%s.in", base);
    snprintf(out_path, sizeof(out_path), "%s.out", base);
    CHECK(mkfifo(in_path, 0600) == 0);
    CHECK(mkfifo(out_path, 0600) == 0);

    chardev_options_init(&opts);
    opts.id = "p0";
    opts.backend = "pipe";
    opts.path = base;
    chr = chardev_new(&opts, &error_abort);
    sink_attach(&s, chr);

    to_guest = open(in_path, O_WRONLY | O_NONBLOCK);
    from_guest = open(out_path, O_RDONLY | O_NONBLOCK);
    CHECK(to_guest >= 0 && from_guest >= 0);
    CHECK(write(to_guest, "typed", 5) == 5);
    LOOP_UNTIL(s.in_len == 5);
    CHECK_STR(s.in, "typed");

    sink_write(&s, "printed");
    n = read(from_guest, buf, sizeof(buf) - 1);
    CHECK_INT(n, 7);
    buf[n > 0 ? n : 0] = 0;
    CHECK_STR(buf, "printed");

    chardev_fe_deinit(&s.fe);
    chardev_delete(chr);
    close(to_guest);
    close(from_guest);
    unlink(in_path);
    unlink(out_path);
}

static int tcp_connect_port(int port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool read_exactly(int fd, char *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (poll(&pfd, 1, 2000) <= 0) {
            return false;
        }
        n = read(fd, buf + got, len - got);
        if (n <= 0) {
            return false;
        }
        got += n;
    }
    buf[got] = 0;
    return true;
}

UNITTEST(tcp_server_nowait_serves_successive_clients)
{
    ChardevOptions opts;
    Chardev *chr;
    Sink s;
    int port, client;
    char buf[64];

    signal(SIGPIPE, SIG_IGN);
    chardev_options_init(&opts);
    opts.id = "t0";
    opts.backend = "socket";
    opts.host = "127.0.0.1";
    opts.port = "0";
    opts.server = true;
    opts.wait = false;
    opts.nodelay = true;
    chr = chardev_new(&opts, &error_abort);
    sink_attach(&s, chr);
    port = chardev_socket_local_port(chr);
    CHECK(port > 0);

    /* Nobody connected: output is dropped, not blocked. */
    sink_write(&s, "lost");
    CHECK_INT(s.opened, 0);

    client = tcp_connect_port(port);
    CHECK(client >= 0);
    LOOP_UNTIL(s.opened == 1);
    CHECK_INT(s.opened, 1);
    CHECK(write(client, "hi", 2) == 2);
    LOOP_UNTIL(s.in_len == 2);
    CHECK_STR(s.in, "hi");
    sink_write(&s, "hello");
    CHECK(read_exactly(client, buf, 5));
    CHECK_STR(buf, "hello");

    close(client);
    LOOP_UNTIL(s.closed == 1);
    CHECK_INT(s.closed, 1);
    sink_write(&s, "lost again");

    /* The next client is accepted after the first one left. */
    client = tcp_connect_port(port);
    CHECK(client >= 0);
    LOOP_UNTIL(s.opened == 2);
    CHECK_INT(s.opened, 2);
    sink_write(&s, "again");
    CHECK(read_exactly(client, buf, 5));
    CHECK_STR(buf, "again");
    CHECK(write(client, "!", 1) == 1);
    LOOP_UNTIL(s.in_len == 3);
    CHECK_STR(s.in, "hi!");
    close(client);

    chardev_fe_deinit(&s.fe);
    chardev_delete(chr);
}

UNITTEST(unix_server_and_client)
{
    ChardevOptions opts;
    Chardev *server, *client;
    Sink ss, cs;
    char path[128];

    snprintf(path, sizeof(path), "%s", tmp_path("sock"));
    chardev_options_init(&opts);
    opts.id = "u-server";
    opts.backend = "socket";
    opts.path = path;
    opts.server = true;
    opts.wait = false;
    server = chardev_new(&opts, &error_abort);
    sink_attach(&ss, server);

    /* Our own client chardev connects to it (connect succeeds against the
     * listen backlog before the loop accepts). */
    opts.id = "u-client";
    opts.server = false;
    client = chardev_new(&opts, &error_abort);
    sink_attach(&cs, client);
    CHECK_INT(cs.opened, 1);
    LOOP_UNTIL(ss.opened == 1);

    sink_write(&cs, "ping");
    LOOP_UNTIL(ss.in_len == 4);
    CHECK_STR(ss.in, "ping");
    sink_write(&ss, "pong");
    LOOP_UNTIL(cs.in_len == 4);
    CHECK_STR(cs.in, "pong");

    /* The client leaving is a CLOSED on the server side. */
    chardev_fe_deinit(&cs.fe);
    chardev_delete(client);
    LOOP_UNTIL(ss.closed == 1);
    CHECK_INT(ss.closed, 1);

    chardev_fe_deinit(&ss.fe);
    chardev_delete(server);
    /* The server removes its socket file. */
    CHECK(access(path, F_OK) != 0);
}

UNITTEST(unix_client_without_server_fails)
{
    ChardevOptions opts;

    chardev_options_init(&opts);
    opts.id = "u1";
    opts.backend = "socket";
    opts.path = tmp_path("nobody-here");
    CHECK(strstr(new_error(&opts), "could not connect to") != NULL);
    opts.telnet = true;
    CHECK_STR(new_error(&opts), "chardev 'u1': telnet=on is not supported yet");
}

static char wait_path[128];
static int wait_client_fd = -1;

static void *connect_when_listening(void *opaque)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };

    strcpy(sun.sun_path, wait_path);
    for (int i = 0; i < 200; i++) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
            if (write(fd, "early", 5) != 5) {
                close(fd);
                return NULL;
            }
            wait_client_fd = fd;
            return NULL;
        }
        close(fd);
        poll(NULL, 0, 10);
    }
    return NULL;
}

UNITTEST(server_wait_blocks_until_a_client_connects)
{
    ChardevOptions opts;
    pthread_t thread;
    Chardev *chr;
    Sink s;

    snprintf(wait_path, sizeof(wait_path), "%s", tmp_path("wait.sock"));
    chardev_options_init(&opts);
    opts.id = "w0";
    opts.backend = "socket";
    opts.path = wait_path;
    opts.server = true;         /* wait=on is the default */
    CHECK(pthread_create(&thread, NULL, connect_when_listening, NULL) == 0);
    chr = chardev_new(&opts, &error_abort);
    pthread_join(thread, NULL);
    CHECK(wait_client_fd >= 0);
    CHECK(chr->opened);
    /* A frontend attached later still hears OPENED and gets the bytes the
     * client sent before it was there. */
    sink_attach(&s, chr);
    CHECK_INT(s.opened, 1);
    LOOP_UNTIL(s.in_len == 5);
    CHECK_STR(s.in, "early");
    close(wait_client_fd);
    LOOP_UNTIL(s.closed == 1);
    CHECK_INT(s.closed, 1);
    chardev_fe_deinit(&s.fe);
    chardev_delete(chr);
}
