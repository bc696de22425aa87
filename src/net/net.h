/*
 * Network backends (QEMU's net/net.c in our shape): a NetClient is what
 * -netdev creates (user = libslirp, tap = a host tap device) and a NIC
 * (virtio-net) attaches to by id.  Frames are plain Ethernet frames without
 * any virtio header.
 *
 *   guest → host:  net_client_send(nc, frame)      the NIC transmits
 *   host → guest:  the backend calls net_client_deliver(); when the NIC
 *                  cannot take the frame now it is queued (up to
 *                  NET_QUEUE_MAX frames, then dropped as a full NIC would)
 *                  and flushed when the NIC calls net_client_rx_ready().
 *
 * Thread context: big lock held throughout (NIC on a vCPU thread, backends
 * on the main loop).  Backends must not change main-loop fd handlers from a
 * vCPU thread; they schedule a bottom half for that.
 * Errors: -netdev parsing and backend set-up fail with QEMU's wording.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/opts.h"
#include "core/error.h"

#define NET_QUEUE_MAX 256
#define NET_FRAME_MAX 65536

typedef struct NetClient NetClient;

typedef struct NetClientOps {
    const char *type;                                   /* "user", "tap" */
    /* A frame from the guest; returns bytes taken (the frame is dropped on error). */
    ssize_t (*send)(NetClient *nc, const uint8_t *buf, size_t len);
    /* The NIC can take frames again (tap resumes reading). */
    void (*rx_ready)(NetClient *nc);
    void (*cleanup)(NetClient *nc);
} NetClientOps;

/* What the NIC gives when attaching. */
typedef struct NetFrontend {
    bool (*can_receive)(void *opaque);
    /* Returns len when taken, 0 when it has no room right now. */
    size_t (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
} NetFrontend;

typedef struct NetPacket NetPacket;

struct NetClient {
    const NetClientOps *ops;
    char *id;
    NetFrontend fe;
    bool attached;
    NetPacket *queue_head, **queue_tail;
    unsigned queue_len;
    uint64_t dropped;
    NetClient *next;
};

/* -netdev TYPE,id=ID,...: user and tap. */
NetClient *net_netdev_create(const Opts *o, Error **errp);
/* Backends' constructor helper: registers nc (allocated by the backend, with
 * NetClient first) under id. */
void net_client_register(NetClient *nc, const NetClientOps *ops, const char *id);
NetClient *net_client_find(const char *id);
void net_client_destroy(NetClient *nc);
void net_client_destroy_all(void);

bool net_client_attach(NetClient *nc, const NetFrontend *fe, Error **errp);
void net_client_detach(NetClient *nc);

ssize_t net_client_send(NetClient *nc, const uint8_t *buf, size_t len);
/* Backend → NIC.  Returns true if delivered or queued, false if dropped. */
bool net_client_deliver(NetClient *nc, const uint8_t *buf, size_t len);
/* NIC → backend: room again; flushes the queue, then tells the backend. */
void net_client_rx_ready(NetClient *nc);
/* Is the NIC ready now (for backends that stop reading instead of queueing)? */
bool net_client_can_deliver(NetClient *nc);

/* The backends. */
NetClient *net_slirp_create(const Opts *o, Error **errp);
NetClient *net_tap_create(const Opts *o, Error **errp);

#endif
