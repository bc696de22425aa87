/*
 * A host tap device (-netdev tap,id=ID,ifname=NAME,script=no[,downscript=no]
 * or fd=N; QEMU's net/tap-linux.c in our shape): frames are read from and
 * written to /dev/net/tun in IFF_TAP|IFF_NO_PI mode, without a vnet header.
 * Setting up the interface (addresses, bridge) is the user's business:
 * scripts are not run, so script= must be "no" (or absent with fd=).  When
 * the NIC has no receive buffers the read handler is removed until it has,
 * so frames wait in the kernel's queue rather than ours.
 * Main thread for fd handlers; the NIC may transmit from a vCPU thread
 * (big lock held), which is just a write(2).
 */
#include "net/net.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "system/main_loop.h"

typedef struct TapNet {
    NetClient nc;
    int fd;
    bool reading;
    Bh *resume_bh;
    uint8_t buf[NET_FRAME_MAX];
} TapNet;

static void net_tap_read(void *opaque);

static void net_tap_set_reading(TapNet *s, bool on)
{
    if (s->reading != on) {
        s->reading = on;
        main_loop_set_fd_handler(s->fd, on ? net_tap_read : NULL, NULL, s);
    }
}

static void net_tap_read(void *opaque)
{
    TapNet *s = opaque;

    /* A bounded batch, so one busy tap cannot starve the loop. */
    for (int i = 0; i < 64; i++) {
        if (!net_client_can_deliver(&s->nc)) {
            net_tap_set_reading(s, false);
            return;
        }
        ssize_t n = read(s->fd, s->buf, sizeof(s->buf));
        if (n <= 0) {
            return;
        }
        net_client_deliver(&s->nc, s->buf, (size_t)n);
    }
}

static void net_tap_resume_bh(void *opaque)
{
    net_tap_set_reading(opaque, true);
}

static ssize_t net_tap_send(NetClient *nc, const uint8_t *buf, size_t len)
{
    TapNet *s = (TapNet *)nc;
    ssize_t n;

    do {
        n = write(s->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return n;    /* EAGAIN: dropped, as a full wire would */
}

static void net_tap_rx_ready(NetClient *nc)
{
    /* Possibly on a vCPU thread: the handler changes on the main loop. */
    bh_schedule(((TapNet *)nc)->resume_bh);
}

static void net_tap_cleanup(NetClient *nc)
{
    TapNet *s = (TapNet *)nc;

    main_loop_set_fd_handler(s->fd, NULL, NULL, NULL);
    bh_delete(s->resume_bh);
    close(s->fd);
    free(s);
}

static const NetClientOps net_tap_ops = {
    .type = "tap",
    .send = net_tap_send,
    .rx_ready = net_tap_rx_ready,
    .cleanup = net_tap_cleanup,
};

NetClient *net_tap_create(const Opts *o, Error **errp)
{
    static const char *const known[] = { "type", "id", "ifname", "script", "downscript", "fd",
                                         "vhost", NULL };
    const char *ifname = opts_get(o, "ifname");
    const char *script = opts_get(o, "script");
    const char *downscript = opts_get(o, "downscript");
    const char *fdtext = opts_get(o, "fd");
    int fd;

    if (!opts_check_keys(o, known, errp)) {
        return NULL;
    }
    if (opts_get(o, "vhost") && strcmp(opts_get(o, "vhost"), "off") != 0) {
        error_setg(errp, "vhost=on is not supported");
        return NULL;
    }
    if (fdtext) {
        char *end;
        long v = strtol(fdtext, &end, 10);
        if (*end || end == fdtext || v < 0 || fcntl((int)v, F_GETFD) < 0) {
            error_setg(errp, "Invalid file descriptor '%s'", fdtext);
            return NULL;
        }
        fd = (int)v;
    } else {
        struct ifreq ifr;
        if (!script || strcmp(script, "no") != 0 ||
            (downscript && strcmp(downscript, "no") != 0)) {
            error_setg(errp, "tap: network scripts are not run; set up the interface "
                             "beforehand and give script=no,downscript=no");
            return NULL;
        }
        fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            error_setg_errno(errp, errno, "could not open %s", "/dev/net/tun");
            return NULL;
        }
        memset(&ifr, 0, sizeof(ifr));
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
        if (ifname) {
            snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
        }
        if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
            error_setg_errno(errp, errno, "could not configure /dev/net/tun (%s)",
                             ifname ? ifname : "tap%d");
            close(fd);
            return NULL;
        }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

    TapNet *s = calloc(1, sizeof(*s));
    if (!s) {
        abort();
    }
    s->fd = fd;
    s->resume_bh = bh_new(net_tap_resume_bh, s);
    net_client_register(&s->nc, &net_tap_ops, o->id);
    net_tap_set_reading(s, true);
    return &s->nc;
}
