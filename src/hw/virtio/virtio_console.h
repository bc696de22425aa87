/*
 * virtio-console (virtio 1.2, 5.3) with one console port on a chardev,
 * which Linux shows as /dev/hvc0.  Without VIRTIO_CONSOLE_F_MULTIPORT the
 * device has exactly port 0 (receiveq 0, transmitq 1) and no control
 * queues.  Two spellings:
 *   -device virtio-serial-device -device virtconsole,chardev=ID   (QEMU's)
 *   -device virtio-serial-device,chardev=ID                       (shorthand)
 * virtconsole takes the most recent virtio-serial-device without a port.
 * Host input is accepted only into buffers the driver posted; when there
 * are none the chardev keeps it until the driver kicks the receive queue.
 */
#ifndef HW_VIRTIO_VIRTIO_CONSOLE_H
#define HW_VIRTIO_VIRTIO_CONSOLE_H

#include "chardev/chardev.h"
#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_SERIAL "virtio-serial-device"
#define TYPE_VIRTCONSOLE   "virtconsole"

typedef struct VirtioSerialState {
    VirtioDevice parent_obj;
    char *chardev;              /* property: the port's chardev id */
    CharFrontend chr;
    VirtQueue *rx, *tx;
    struct VirtQueueElement *rx_elem;   /* popped, waiting for host input */
    uint32_t rx_used;           /* bytes already written into rx_elem */
    struct VirtioSerialState *next_unported;
} VirtioSerialState;

DECLARE_INSTANCE_CHECKER(VirtioSerialState, VIRTIO_SERIAL, TYPE_VIRTIO_SERIAL)

typedef struct VirtConsoleState {
    DeviceState parent_obj;
    char *chardev;
    VirtioSerialState *serial;
} VirtConsoleState;

DECLARE_INSTANCE_CHECKER(VirtConsoleState, VIRTCONSOLE, TYPE_VIRTCONSOLE)

/* Attach the port to a chardev (realize does it for the property). */
bool virtio_serial_attach_chardev(VirtioSerialState *s, Chardev *chr, Error **errp);

#endif
