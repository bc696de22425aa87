/*
 * virtio-rng (virtio 1.2, 5.4), see virtio_rng.c.  `-object
 * rng-random,filename=/dev/urandom,id=rng0 -device
 * virtio-rng-device,rng=rng0`; without rng= the device uses getrandom(2).
 * The guest sees /dev/hwrng (Linux's virtio-rng driver).
 */
#ifndef HW_VIRTIO_VIRTIO_RNG_H
#define HW_VIRTIO_VIRTIO_RNG_H

#include "hw/virtio/rng_random.h"
#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_RNG "virtio-rng-device"

typedef struct VirtioRngState {
    VirtioDevice parent_obj;
    Object *rng;               /* property: link<rng-backend> */
    VirtQueue *vq;
} VirtioRngState;

DECLARE_INSTANCE_CHECKER(VirtioRngState, VIRTIO_RNG, TYPE_VIRTIO_RNG)

#endif
