/*
 * Network backends without a guest: the host → NIC queue (frames wait while
 * the NIC has no room and come out in order), -netdev option errors, and
 * libslirp for real: an ARP request for the gateway 10.0.2.2 is answered,
 * and a host connection to a hostfwd port on 127.0.0.1 reaches the guest
 * side as a frame once the main loop has run.
 */
#include "net/net.h"

#include "system/main_loop.h"
#include "util/unittest.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const OptsGroupInfo netdev_info = { "netdev", "type", 0, NULL };

typedef struct Fake {
    bool room;
    unsigned frames;
    uint8_t last[2048];
    size_t last_len;
    uint8_t first_byte[16];
} Fake;

static bool fake_can_receive(void *opaque)
{
    return ((Fake *)opaque)->room;
}

static size_t fake_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Fake *f = opaque;
    if (!f->room) {
        return 0;
    }
    if (f->frames < 16) {
        f->first_byte[f->frames] = buf[0];
    }
    f->frames++;
    f->last_len = len < sizeof(f->last) ? len : sizeof(f->last);
    memcpy(f->last, buf, f->last_len);
    return len;
}

static NetClient *netdev(const char *text, Error **errp)
{
    OptsGroup *g = opts_group_new(&netdev_info);
    Opts *o = opts_parse(g, text, &error_abort);
    NetClient *nc = net_netdev_create(o, errp);
    opts_group_free(g);
    return nc;
}

/* A trivial backend for the queue test. */
static ssize_t null_send(NetClient *nc, const uint8_t *buf, size_t len)
{
    return (ssize_t)len;
}

static void null_cleanup(NetClient *nc)
{
    free(nc);
}

static const NetClientOps null_ops = { "null", null_send, NULL, null_cleanup };

UNITTEST(queue_while_nic_is_full)
{
    NetClient *nc = calloc(1, sizeof(*nc));
    Fake f = { .room = false };
    NetFrontend fe = { fake_can_receive, fake_receive, &f };
    uint8_t frame[60] = { 0 };

    net_client_register(nc, &null_ops, "q0");
    CHECK(net_client_find("q0") == nc);
    CHECK(net_client_attach(nc, &fe, &error_abort));
    Error *err = NULL;
    CHECK(!net_client_attach(nc, &fe, &err));
    error_free(err);
    for (int i = 0; i < 3; i++) {
        frame[0] = (uint8_t)(i + 1);
        CHECK(net_client_deliver(nc, frame, sizeof(frame)));
    }
    CHECK_INT(f.frames, 0);
    CHECK_INT(nc->queue_len, 3);
    f.room = true;
    CHECK(!net_client_can_deliver(nc));     /* the queue goes first */
    net_client_rx_ready(nc);
    CHECK_INT(f.frames, 3);
    CHECK_INT(f.first_byte[0], 1);
    CHECK_INT(f.first_byte[2], 3);
    CHECK(net_client_can_deliver(nc));
    f.room = false;
    for (int i = 0; i < NET_QUEUE_MAX + 5; i++) {
        net_client_deliver(nc, frame, sizeof(frame));
    }
    CHECK_INT(nc->queue_len, NET_QUEUE_MAX);
    CHECK_U64(nc->dropped, 5);
    net_client_destroy(nc);
    CHECK(net_client_find("q0") == NULL);
}

UNITTEST(netdev_option_errors)
{
    Error *err = NULL;

    CHECK(!netdev("user", &err));
    CHECK_STR(error_get_pretty(err), "Parameter 'id' is missing");
    error_free(err);
    err = NULL;
    CHECK(!netdev("vde,id=x", &err));
    CHECK(strstr(error_get_pretty(err), "'vde'") != NULL);
    error_free(err);
    err = NULL;
    CHECK(!netdev("user,id=u0,bogus=1", &err));
    CHECK_STR(error_get_pretty(err), "Invalid parameter 'bogus'");
    error_free(err);
    err = NULL;
    CHECK(!netdev("user,id=u0,hostfwd=tcp:127.0.0.1:22", &err));
    CHECK(strstr(error_get_pretty(err), "Invalid host forwarding rule") != NULL);
    error_free(err);
    err = NULL;
    CHECK(!netdev("user,id=u0,net=10.0.2.0/24,host=10.9.9.9", &err));
    CHECK_STR(error_get_pretty(err), "host doesn't belong to network");
    error_free(err);
    err = NULL;
    CHECK(!netdev("tap,id=t0,ifname=x,script=/etc/qemu-ifup", &err));
    CHECK(strstr(error_get_pretty(err), "script=no") != NULL);
    error_free(err);
    CHECK(net_client_find("u0") == NULL);
}

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void send_arp_request(NetClient *nc, const char *target)
{
    uint8_t f[60] = { 0 };
    struct in_addr sip, tip;

    inet_pton(AF_INET, "10.0.2.15", &sip);
    inet_pton(AF_INET, target, &tip);
    memset(f, 0xff, 6);
    memcpy(f + 6, guest_mac, 6);
    f[12] = 0x08, f[13] = 0x06;                      /* ARP */
    f[14] = 0, f[15] = 1, f[16] = 8, f[17] = 0, f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;
    memcpy(f + 22, guest_mac, 6);
    memcpy(f + 28, &sip, 4);
    memcpy(f + 38, &tip, 4);
    net_client_send(nc, f, sizeof(f));
}

UNITTEST(slirp_answers_arp_for_the_gateway)
{
    Fake f = { .room = true };
    NetFrontend fe = { fake_can_receive, fake_receive, &f };
    NetClient *nc = netdev("user,id=u1", &error_abort);

    CHECK(nc != NULL);
    CHECK(net_client_attach(nc, &fe, &error_abort));
    send_arp_request(nc, "10.0.2.2");
    for (int i = 0; i < 20 && f.frames == 0; i++) {
        main_loop_wait(true);
    }
    CHECK(f.frames >= 1);
    CHECK(memcmp(f.last, guest_mac, 6) == 0);          /* to us */
    CHECK_INT(f.last[12], 0x08);
    CHECK_INT(f.last[13], 0x06);
    CHECK_INT(f.last[21], 2);                          /* ARP reply */
    struct in_addr gw;
    inet_pton(AF_INET, "10.0.2.2", &gw);
    CHECK(memcmp(f.last + 28, &gw, 4) == 0);
    net_client_destroy(nc);
}

UNITTEST(slirp_hostfwd_reaches_the_guest_side)
{
    Fake f = { .room = true };
    NetFrontend fe = { fake_can_receive, fake_receive, &f };
    char text[128];
    int port = 20000 + (int)(getpid() % 20000);

    snprintf(text, sizeof(text), "user,id=u2,hostfwd=tcp::%d-:22", port);
    NetClient *nc = netdev(text, &error_abort);
    CHECK(nc != NULL);
    CHECK(net_client_attach(nc, &fe, &error_abort));
    send_arp_request(nc, "10.0.2.2");                  /* slirp learns our MAC */
    main_loop_wait(true);
    unsigned before = f.frames;

    int sock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    CHECK(connect(sock, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    for (int i = 0; i < 200 && f.frames == before; i++) {
        main_loop_wait(false);
    }
    CHECK(f.frames > before);
    /* An IPv4 TCP SYN towards 10.0.2.15:22. */
    CHECK_INT(f.last[12], 0x08);
    CHECK_INT(f.last[13], 0x00);
    CHECK_INT(f.last[23], 6);
    CHECK_INT(f.last[36], 0);
    CHECK_INT(f.last[37], 22);
    close(sock);
    net_client_destroy(nc);
}
