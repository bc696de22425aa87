/*
 * User-mode networking over libslirp (-netdev user; QEMU's net/slirp.c in
 * our shape): the guest network 10.0.2.0/24 with the host (gateway) at
 * 10.0.2.2, DNS at 10.0.2.3 and DHCP handing out 10.0.2.15 onwards, as
 * QEMU's; hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT
 * forwards a host port into the guest.  Unlike QEMU an empty HOSTADDR binds
 * 127.0.0.1, not every interface; say 0.0.0.0 to expose the port.
 *
 * slirp's sockets and timers live on our main loop: after every change
 * (a guest frame, a socket event, a slirp timer) the "pump" asks slirp for
 * the descriptors it wants (slirp_pollfds_fill) and installs exactly those
 * as fd handlers; a handler firing polls them without waiting and hands
 * the results back (slirp_pollfds_poll).  slirp's own timers are our
 * virtual-clock timers.  Invariant: `watched` lists the fds that have our
 * handler installed.  Everything runs with the big lock held; the fd
 * handlers are only touched on the main thread (a guest frame arriving on
 * a vCPU thread schedules the pump as a bottom half).
 */
#include "net/net.h"

#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slirp/libslirp.h>

#include "system/main_loop.h"
#include "system/timer.h"
#include "util/log.h"

typedef struct SlirpNet {
    NetClient nc;
    Slirp *slirp;
    Bh *pump_bh;
    Timer poll_timer;
    pthread_t main_thread;
    struct pollfd *pfd;
    int n_pfd, cap_pfd;
    int *watched;
    int n_watched, cap_watched;
} SlirpNet;

typedef struct SlirpNetTimer {
    Timer t;
    SlirpNet *s;
    SlirpTimerCb cb;
    void *cb_opaque;
} SlirpNetTimer;

static void net_slirp_pump(SlirpNet *s);

/* ---- slirp's callbacks -------------------------------------------------------- */

static ssize_t net_slirp_send_packet(const void *buf, size_t len, void *opaque)
{
    SlirpNet *s = opaque;

    net_client_deliver(&s->nc, buf, len);
    return (ssize_t)len;
}

static void net_slirp_guest_error(const char *msg, void *opaque)
{
    log_mask_printf(LOG_GUEST_ERRORS, "slirp: %s\n", msg);
}

static int64_t net_slirp_clock_get_ns(void *opaque)
{
    return clock_get_ns(CLOCK_TYPE_VIRTUAL);
}

static void net_slirp_timer_fire(void *opaque)
{
    SlirpNetTimer *t = opaque;

    t->cb(t->cb_opaque);
    net_slirp_pump(t->s);    /* timers run on the main thread */
}

static void *net_slirp_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    SlirpNetTimer *t = calloc(1, sizeof(*t));

    if (!t) {
        abort();
    }
    t->s = opaque;
    t->cb = cb;
    t->cb_opaque = cb_opaque;
    timer_init_ns(&t->t, CLOCK_TYPE_VIRTUAL, net_slirp_timer_fire, t);
    return t;
}

static void net_slirp_timer_free(void *timer, void *opaque)
{
    SlirpNetTimer *t = timer;

    timer_del(&t->t);
    free(t);
}

static void net_slirp_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    SlirpNetTimer *t = timer;

    timer_mod_ns(&t->t, expire_ms * 1000000);
}

static void net_slirp_unwatch(SlirpNet *s, int i)
{
    main_loop_set_fd_handler(s->watched[i], NULL, NULL, NULL);
    s->watched[i] = s->watched[--s->n_watched];
}

static void net_slirp_register_poll_fd(int fd, void *opaque)
{
}

static void net_slirp_unregister_poll_fd(int fd, void *opaque)
{
    SlirpNet *s = opaque;

    /* Drop our handler before the number can be reused by someone else. */
    if (!pthread_equal(pthread_self(), s->main_thread)) {
        bh_schedule(s->pump_bh);
        return;
    }
    for (int i = 0; i < s->n_watched; i++) {
        if (s->watched[i] == fd) {
            net_slirp_unwatch(s, i);
            return;
        }
    }
}

static void net_slirp_notify(void *opaque)
{
    bh_schedule(((SlirpNet *)opaque)->pump_bh);
}

static const SlirpCb net_slirp_cb = {
    .send_packet = net_slirp_send_packet,
    .guest_error = net_slirp_guest_error,
    .clock_get_ns = net_slirp_clock_get_ns,
    .timer_new = net_slirp_timer_new,
    .timer_free = net_slirp_timer_free,
    .timer_mod = net_slirp_timer_mod,
    .register_poll_fd = net_slirp_register_poll_fd,
    .unregister_poll_fd = net_slirp_unregister_poll_fd,
    .notify = net_slirp_notify,
};

/* ---- polling on the main loop -------------------------------------------------- */

static int net_slirp_add_poll(int fd, int events, void *opaque)
{
    SlirpNet *s = opaque;
    short ev = 0;

    if (s->n_pfd == s->cap_pfd) {
        s->cap_pfd = s->cap_pfd ? 2 * s->cap_pfd : 16;
        s->pfd = realloc(s->pfd, (size_t)s->cap_pfd * sizeof(*s->pfd));
        if (!s->pfd) {
            abort();
        }
    }
    ev |= (events & SLIRP_POLL_IN) ? POLLIN : 0;
    ev |= (events & SLIRP_POLL_OUT) ? POLLOUT : 0;
    ev |= (events & SLIRP_POLL_PRI) ? POLLPRI : 0;
    s->pfd[s->n_pfd] = (struct pollfd){ .fd = fd, .events = ev };
    return s->n_pfd++;
}

static int net_slirp_get_revents(int idx, void *opaque)
{
    SlirpNet *s = opaque;
    short re;
    int r = 0;

    if (idx < 0 || idx >= s->n_pfd) {
        return 0;
    }
    re = s->pfd[idx].revents;
    r |= (re & POLLIN) ? SLIRP_POLL_IN : 0;
    r |= (re & POLLOUT) ? SLIRP_POLL_OUT : 0;
    r |= (re & POLLPRI) ? SLIRP_POLL_PRI : 0;
    r |= (re & (POLLERR | POLLNVAL)) ? SLIRP_POLL_ERR : 0;
    r |= (re & POLLHUP) ? SLIRP_POLL_HUP : 0;
    return r;
}

static void net_slirp_run_poll(SlirpNet *s)
{
    int ret = s->n_pfd ? poll(s->pfd, (nfds_t)s->n_pfd, 0) : 0;

    slirp_pollfds_poll(s->slirp, ret < 0, net_slirp_get_revents, s);
    net_slirp_pump(s);
}

static void net_slirp_fd_event(void *opaque)
{
    net_slirp_run_poll(opaque);
}

static void net_slirp_poll_timer(void *opaque)
{
    net_slirp_run_poll(opaque);
}

static void net_slirp_pump_bh(void *opaque)
{
    net_slirp_pump(opaque);
}

/* Main thread: install handlers for exactly what slirp wants now. */
static void net_slirp_pump(SlirpNet *s)
{
    uint32_t timeout_ms = UINT32_MAX;

    s->n_pfd = 0;
    slirp_pollfds_fill(s->slirp, &timeout_ms, net_slirp_add_poll, s);
    for (int i = 0; i < s->n_watched;) {
        bool wanted = false;
        for (int k = 0; k < s->n_pfd && !wanted; k++) {
            wanted = s->pfd[k].fd == s->watched[i];
        }
        if (wanted) {
            i++;
        } else {
            net_slirp_unwatch(s, i);
        }
    }
    for (int k = 0; k < s->n_pfd; k++) {
        bool known = false;
        int fd = s->pfd[k].fd;
        short ev = s->pfd[k].events;
        main_loop_set_fd_handler(fd, (ev & (POLLIN | POLLPRI)) ? net_slirp_fd_event : NULL,
                                 (ev & POLLOUT) ? net_slirp_fd_event : NULL, s);
        if (!(ev & (POLLIN | POLLPRI | POLLOUT))) {
            continue;    /* removed again just above: nothing to watch */
        }
        for (int i = 0; i < s->n_watched && !known; i++) {
            known = s->watched[i] == fd;
        }
        if (!known) {
            if (s->n_watched == s->cap_watched) {
                s->cap_watched = s->cap_watched ? 2 * s->cap_watched : 16;
                s->watched = realloc(s->watched, (size_t)s->cap_watched * sizeof(int));
                if (!s->watched) {
                    abort();
                }
            }
            s->watched[s->n_watched++] = fd;
        }
    }
    if (timeout_ms != UINT32_MAX) {
        timer_mod_ns(&s->poll_timer, clock_get_ns(CLOCK_TYPE_REALTIME) +
                                         (int64_t)timeout_ms * 1000000);
    } else {
        timer_del(&s->poll_timer);
    }
}

/* ---- the NetClient ----------------------------------------------------------- */

static ssize_t net_slirp_send(NetClient *nc, const uint8_t *buf, size_t len)
{
    SlirpNet *s = (SlirpNet *)nc;

    slirp_input(s->slirp, buf, (int)len);
    bh_schedule(s->pump_bh);    /* new sockets, new data to send */
    return (ssize_t)len;
}

static void net_slirp_cleanup(NetClient *nc)
{
    SlirpNet *s = (SlirpNet *)nc;

    while (s->n_watched) {
        net_slirp_unwatch(s, 0);
    }
    timer_del(&s->poll_timer);
    slirp_cleanup(s->slirp);
    bh_delete(s->pump_bh);
    free(s->pfd);
    free(s->watched);
    free(s);
}

static const NetClientOps net_slirp_ops = {
    .type = "user",
    .send = net_slirp_send,
    .cleanup = net_slirp_cleanup,
};

/* ---- options ------------------------------------------------------------------ */

static bool net_slirp_parse_addr(const char *text, struct in_addr *out)
{
    return inet_pton(AF_INET, text, out) == 1;
}

/* net=ADDR[/BITS|/MASK] */
static bool net_slirp_parse_net(const char *text, struct in_addr *net, struct in_addr *mask,
                                Error **errp)
{
    char buf[64];
    char *slash;
    uint32_t m = 0xffffff00;

    snprintf(buf, sizeof(buf), "%s", text);
    slash = strchr(buf, '/');
    if (slash) {
        *slash++ = 0;
        char *end;
        long bits = strtol(slash, &end, 10);
        if (*end == 0 && end != slash) {
            if (bits < 0 || bits > 32) {
                error_setg(errp, "Invalid netmask provided (must be in range 0-32)");
                return false;
            }
            m = bits ? 0xffffffffu << (32 - bits) : 0;
        } else {
            struct in_addr ma;
            if (!net_slirp_parse_addr(slash, &ma)) {
                error_setg(errp, "Failed to parse netmask");
                return false;
            }
            m = ntohl(ma.s_addr);
        }
    }
    if (!net_slirp_parse_addr(buf, net)) {
        error_setg(errp, "Failed to parse netmask");
        return false;
    }
    mask->s_addr = htonl(m);
    net->s_addr &= mask->s_addr;
    return true;
}

/* [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport */
static bool net_slirp_hostfwd(SlirpNet *s, const char *rule, struct in_addr guest_default,
                              Error **errp)
{
    char buf[256], *p = buf, *q;
    int is_udp = 0;
    struct in_addr host_addr, guest_addr = guest_default;
    long host_port, guest_port;
    const char *why = NULL;

    snprintf(buf, sizeof(buf), "%s", rule);
    q = strchr(p, ':');
    if (!q) {
        why = "missing protocol or host address";
        goto fail;
    }
    *q = 0;
    if (strcmp(p, "udp") == 0) {
        is_udp = 1;
    } else if (p[0] && strcmp(p, "tcp") != 0) {
        why = "unknown protocol";
        goto fail;
    }
    p = q + 1;
    q = strchr(p, ':');
    if (!q) {
        why = "missing host port";
        goto fail;
    }
    *q = 0;
    if (!p[0]) {
        net_slirp_parse_addr("127.0.0.1", &host_addr);
    } else if (!net_slirp_parse_addr(p, &host_addr)) {
        why = "bad host address";
        goto fail;
    }
    p = q + 1;
    q = strchr(p, '-');
    if (!q) {
        why = "missing guest address";
        goto fail;
    }
    *q = 0;
    char *end;
    host_port = strtol(p, &end, 10);
    if (*end || end == p || host_port < 0 || host_port > 65535) {
        why = "bad host port";
        goto fail;
    }
    p = q + 1;
    q = strchr(p, ':');
    if (!q) {
        why = "missing guest port";
        goto fail;
    }
    *q = 0;
    if (p[0] && !net_slirp_parse_addr(p, &guest_addr)) {
        why = "bad guest address";
        goto fail;
    }
    p = q + 1;
    guest_port = strtol(p, &end, 10);
    if (*end || end == p || guest_port < 1 || guest_port > 65535) {
        why = "bad guest port";
        goto fail;
    }
    if (slirp_add_hostfwd(s->slirp, is_udp, host_addr, (int)host_port, guest_addr,
                          (int)guest_port) < 0) {
        error_setg(errp, "Could not set up host forwarding rule '%s'", rule);
        return false;
    }
    return true;
fail:
    error_setg(errp, "Invalid host forwarding rule '%s' (%s)", rule, why);
    return false;
}

NetClient *net_slirp_create(const Opts *o, Error **errp)
{
    static const char *const known[] = { "type", "id", "net", "host", "dhcpstart", "dns",
                                         "hostfwd", "restrict", "hostname", "ipv4", "ipv6",
                                         "domainname", NULL };
    SlirpConfig cfg = { .version = 4 };
    struct in_addr net, mask, host, dhcp, dns;
    bool restricted = false, ipv6 = true;
    const char *v;

    if (!opts_check_keys(o, known, errp)) {
        return NULL;
    }
    net_slirp_parse_addr("10.0.2.0", &net);
    mask.s_addr = htonl(0xffffff00);
    if ((v = opts_get(o, "net")) && !net_slirp_parse_net(v, &net, &mask, errp)) {
        return NULL;
    }
    host.s_addr = htonl(ntohl(net.s_addr) | 2);
    dhcp.s_addr = htonl(ntohl(net.s_addr) | 15);
    dns.s_addr = htonl(ntohl(net.s_addr) | 3);
    const struct { const char *key; struct in_addr *addr; const char *what; } addrs[] = {
        { "host", &host, "host" }, { "dhcpstart", &dhcp, "DHCP start" }, { "dns", &dns, "DNS" },
    };
    for (size_t i = 0; i < 3; i++) {
        if ((v = opts_get(o, addrs[i].key))) {
            if (!net_slirp_parse_addr(v, addrs[i].addr)) {
                error_setg(errp, "Failed to parse %s address '%s'", addrs[i].what, v);
                return NULL;
            }
            if ((addrs[i].addr->s_addr & mask.s_addr) != net.s_addr) {
                error_setg(errp, "%s doesn't belong to network", addrs[i].what);
                return NULL;
            }
        }
    }
    if (!opts_get_bool(o, "restrict", false, &restricted, errp) ||
        !opts_get_bool(o, "ipv6", true, &ipv6, errp)) {
        return NULL;
    }

    SlirpNet *s = calloc(1, sizeof(*s));
    if (!s) {
        abort();
    }
    s->main_thread = pthread_self();
    cfg.restricted = restricted;
    cfg.in_enabled = true;
    cfg.vnetwork = net;
    cfg.vnetmask = mask;
    cfg.vhost = host;
    cfg.in6_enabled = ipv6;
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    cfg.vprefix_len = 64;
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
    cfg.vhostname = opts_get(o, "hostname");
    cfg.vdhcp_start = dhcp;
    cfg.vnameserver = dns;
    cfg.vdomainname = opts_get(o, "domainname");
    s->slirp = slirp_new(&cfg, &net_slirp_cb, s);
    if (!s->slirp) {
        error_setg(errp, "slirp could not be initialised");
        free(s);
        return NULL;
    }
    s->pump_bh = bh_new(net_slirp_pump_bh, s);
    timer_init_ns(&s->poll_timer, CLOCK_TYPE_REALTIME, net_slirp_poll_timer, s);
    net_client_register(&s->nc, &net_slirp_ops, o->id);
    for (size_t i = 0; i < o->count; i++) {
        if (strcmp(o->pairs[i].key, "hostfwd") == 0 &&
            !net_slirp_hostfwd(s, o->pairs[i].value, dhcp, errp)) {
            net_client_destroy(&s->nc);
            return NULL;
        }
    }
    net_slirp_pump(s);
    return &s->nc;
}
