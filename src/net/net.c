/*
 * The NetClient registry and the host → guest queue (see net.h).
 * Invariant: frames sit in the queue only while the NIC could not take
 * them, in arrival order; a flush stops at the first frame refused again.
 */
#include "net/net.h"

#include <stdlib.h>
#include <string.h>

struct NetPacket {
    NetPacket *next;
    size_t len;
    uint8_t data[];
};

static NetClient *net_clients;

void net_client_register(NetClient *nc, const NetClientOps *ops, const char *id)
{
    nc->ops = ops;
    nc->id = strdup(id);
    nc->queue_head = NULL;
    nc->queue_tail = &nc->queue_head;
    nc->next = net_clients;
    net_clients = nc;
}

NetClient *net_client_find(const char *id)
{
    for (NetClient *nc = net_clients; nc; nc = nc->next) {
        if (strcmp(nc->id, id) == 0) {
            return nc;
        }
    }
    return NULL;
}

static void net_queue_purge(NetClient *nc)
{
    while (nc->queue_head) {
        NetPacket *p = nc->queue_head;
        nc->queue_head = p->next;
        free(p);
    }
    nc->queue_tail = &nc->queue_head;
    nc->queue_len = 0;
}

void net_client_destroy(NetClient *nc)
{
    for (NetClient **p = &net_clients; *p; p = &(*p)->next) {
        if (*p == nc) {
            *p = nc->next;
            break;
        }
    }
    net_queue_purge(nc);
    free(nc->id);
    nc->ops->cleanup(nc);    /* frees nc */
}

void net_client_destroy_all(void)
{
    while (net_clients) {
        net_client_destroy(net_clients);
    }
}

bool net_client_attach(NetClient *nc, const NetFrontend *fe, Error **errp)
{
    if (nc->attached) {
        error_setg(errp, "Property 'netdev' can't take value '%s', it's in use", nc->id);
        return false;
    }
    nc->fe = *fe;
    nc->attached = true;
    return true;
}

void net_client_detach(NetClient *nc)
{
    nc->attached = false;
    memset(&nc->fe, 0, sizeof(nc->fe));
    net_queue_purge(nc);
}

ssize_t net_client_send(NetClient *nc, const uint8_t *buf, size_t len)
{
    return nc->ops->send(nc, buf, len);
}

bool net_client_can_deliver(NetClient *nc)
{
    return nc->attached && !nc->queue_head && nc->fe.can_receive(nc->fe.opaque);
}

bool net_client_deliver(NetClient *nc, const uint8_t *buf, size_t len)
{
    if (!nc->attached || len > NET_FRAME_MAX) {
        nc->dropped++;
        return false;
    }
    if (!nc->queue_head && nc->fe.can_receive(nc->fe.opaque) &&
        nc->fe.receive(nc->fe.opaque, buf, len) == len) {
        return true;
    }
    if (nc->queue_len >= NET_QUEUE_MAX) {
        nc->dropped++;
        return false;
    }
    NetPacket *p = malloc(sizeof(*p) + len);
    if (!p) {
        nc->dropped++;
        return false;
    }
    p->next = NULL;
    p->len = len;
    memcpy(p->data, buf, len);
    *nc->queue_tail = p;
    nc->queue_tail = &p->next;
    nc->queue_len++;
    return true;
}

void net_client_rx_ready(NetClient *nc)
{
    while (nc->attached && nc->queue_head && nc->fe.can_receive(nc->fe.opaque)) {
        NetPacket *p = nc->queue_head;
        if (nc->fe.receive(nc->fe.opaque, p->data, p->len) != p->len) {
            break;
        }
        nc->queue_head = p->next;
        if (!nc->queue_head) {
            nc->queue_tail = &nc->queue_head;
        }
        nc->queue_len--;
        free(p);
    }
    if (!nc->queue_head && nc->ops->rx_ready) {
        nc->ops->rx_ready(nc);
    }
}

NetClient *net_netdev_create(const Opts *o, Error **errp)
{
    const char *type = opts_get(o, "type");

    if (!o->id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    if (net_client_find(o->id)) {
        error_setg(errp, "Duplicate ID '%s' for netdev", o->id);
        return NULL;
    }
    if (!type) {
        error_setg(errp, "Parameter 'type' is missing");
        return NULL;
    }
    if (strcmp(type, "user") == 0) {
        return net_slirp_create(o, errp);
    }
    if (strcmp(type, "tap") == 0) {
        return net_tap_create(o, errp);
    }
    error_setg(errp, "Parameter 'type' does not accept value '%s' (user and tap are built)",
               type);
    return NULL;
}
