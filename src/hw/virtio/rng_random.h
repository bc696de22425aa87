/*
 * Entropy backends for virtio-rng, created with -object (QEMU's
 * backends/rng-random.c and rng-builtin.c in our shape):
 *   -object rng-random,id=ID[,filename=/dev/urandom]   reads a host file
 *   -object rng-builtin,id=ID                          getrandom(2)
 * rng_backend_complete() opens the source after the properties are set (a
 * missing file fails there with the file's name).  Reads never block: a
 * source with nothing to give returns 0 and calls ready() once it becomes
 * readable (main loop, big lock held).
 */
#ifndef HW_VIRTIO_RNG_RANDOM_H
#define HW_VIRTIO_RNG_RANDOM_H

#include <stddef.h>

#include "core/object.h"

#define TYPE_RNG_BACKEND "rng-backend"
#define TYPE_RNG_RANDOM  "rng-random"
#define TYPE_RNG_BUILTIN "rng-builtin"

typedef void (*RngReadyFn)(void *opaque);

typedef struct RngBackend {
    Object parent_obj;
    char *filename;            /* rng-random: property "filename" */
    int fd;                    /* -1 for rng-builtin or before complete */
    bool opened;
    RngReadyFn ready;
    void *ready_opaque;
} RngBackend;

DECLARE_INSTANCE_CHECKER(RngBackend, RNG_BACKEND, TYPE_RNG_BACKEND)

bool rng_backend_complete(RngBackend *rng, Error **errp);
/* Up to len bytes; 0 when none are available now (ready() follows). */
size_t rng_backend_read(RngBackend *rng, void *buf, size_t len, RngReadyFn ready,
                        void *opaque);
/* getrandom(2) without a backend object. */
size_t rng_builtin_read(void *buf, size_t len);

#endif
