/*
 * virtio-console, single port (virtio 1.2, 5.3), see virtio_console.h.
 * Guest output: each transmit chain is written to the chardev.  Host input:
 * the chardev asks how much we take (the free space of one popped receive
 * buffer, kept in rx_elem) and each read is pushed at once so the guest
 * sees keystrokes without delay.  Invariant: rx_elem, when set, was popped
 * from the current ring (a reset frees it).
 */
#include "hw/virtio/virtio_console.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hw/virtio/virtqueue.h"

#define VIRTIO_CONSOLE_QUEUE_SIZE 128
#define CONSOLE_CFG_BYTES 12    /* cols, rows, max_nr_ports, emerg_wr */

static VirtioSerialState *unported;    /* most recent first */

static void virtio_serial_unlist(VirtioSerialState *s)
{
    for (VirtioSerialState **p = &unported; *p; p = &(*p)->next_unported) {
        if (*p == s) {
            *p = s->next_unported;
            return;
        }
    }
}

static bool virtio_serial_rx_ok(VirtioSerialState *s)
{
    VirtioDevice *vdev = VIRTIO_DEVICE(s);

    return (vdev->status & VIRTIO_STATUS_DRIVER_OK) && !vdev->broken && s->rx->ready;
}

static int virtio_serial_can_read(void *opaque)
{
    VirtioSerialState *s = opaque;

    if (!virtio_serial_rx_ok(s)) {
        return 0;
    }
    if (!s->rx_elem && virtqueue_pop(s->rx, &s->rx_elem) != VIRTQUEUE_POP_OK) {
        s->rx_elem = NULL;
        return 0;
    }
    uint64_t room = s->rx_elem->in_bytes - s->rx_used;
    return room > INT_MAX ? INT_MAX : (int)room;
}

static void virtio_serial_read(void *opaque, const uint8_t *buf, int size)
{
    VirtioSerialState *s = opaque;

    while (size > 0 && virtio_serial_can_read(s) > 0) {
        uint64_t room = s->rx_elem->in_bytes - s->rx_used;
        uint64_t n = (uint64_t)size < room ? (uint64_t)size : room;
        uint64_t done = virtqueue_elem_write(s->rx, s->rx_elem, s->rx_used, buf, n);
        if (done != n) {
            return;    /* broken device */
        }
        s->rx_used += (uint32_t)n;
        virtqueue_push(s->rx, s->rx_elem, s->rx_used);
        free(s->rx_elem);
        s->rx_elem = NULL;
        s->rx_used = 0;
        buf += n;
        size -= (int)n;
    }
}

static void virtio_serial_handle_rx(VirtioDevice *vdev, VirtQueue *vq)
{
    VirtioSerialState *s = VIRTIO_SERIAL(vdev);

    if (chardev_fe_connected(&s->chr)) {
        chardev_fe_accept_input(&s->chr);
    }
}

static void virtio_serial_handle_tx(VirtioDevice *vdev, VirtQueue *vq)
{
    VirtioSerialState *s = VIRTIO_SERIAL(vdev);
    VirtQueueElement *e;
    uint8_t buf[4096];

    while (virtqueue_pop(vq, &e) == VIRTQUEUE_POP_OK) {
        for (uint64_t off = 0; off < e->out_bytes;) {
            uint64_t n = virtqueue_elem_read(vq, e, off, buf, sizeof(buf));
            if (n == 0) {
                break;
            }
            if (chardev_fe_connected(&s->chr)) {
                chardev_fe_write(&s->chr, buf, (int)n);
            }
            off += n;
        }
        virtqueue_push(vq, e, 0);
        free(e);
    }
}

static void virtio_serial_set_status(VirtioDevice *vdev, uint8_t status)
{
    VirtioSerialState *s = VIRTIO_SERIAL(vdev);

    if ((status & VIRTIO_STATUS_DRIVER_OK) && chardev_fe_connected(&s->chr)) {
        chardev_fe_accept_input(&s->chr);
    }
}

static void virtio_serial_reset(VirtioDevice *vdev)
{
    VirtioSerialState *s = VIRTIO_SERIAL(vdev);

    free(s->rx_elem);
    s->rx_elem = NULL;
    s->rx_used = 0;
}

bool virtio_serial_attach_chardev(VirtioSerialState *s, Chardev *chr, Error **errp)
{
    if (chardev_fe_connected(&s->chr)) {
        error_setg(errp, "virtio-serial-device: the console port is taken");
        return false;
    }
    if (!chardev_fe_init(&s->chr, chr, errp)) {
        return false;
    }
    chardev_fe_set_handlers(&s->chr, virtio_serial_can_read, virtio_serial_read, NULL, s);
    virtio_serial_unlist(s);
    return true;
}

static bool virtio_serial_realize(DeviceState *dev, Error **errp)
{
    VirtioSerialState *s = VIRTIO_SERIAL(dev);
    VirtioDevice *vdev = VIRTIO_DEVICE(dev);

    vdev->name = "virtio-serial";
    if (!s->rx) {
        virtio_init_config(vdev, CONSOLE_CFG_BYTES);
        virtio_config_set_u32(vdev, 4, 1);    /* max_nr_ports */
        s->rx = virtio_add_queue(vdev, VIRTIO_CONSOLE_QUEUE_SIZE, virtio_serial_handle_rx);
        s->tx = virtio_add_queue(vdev, VIRTIO_CONSOLE_QUEUE_SIZE, virtio_serial_handle_tx);
    }
    if (s->chardev) {
        Chardev *chr = chardev_find(s->chardev);
        if (!chr) {
            error_setg(errp, "Property '%s.chardev' can't find value '%s'", TYPE_VIRTIO_SERIAL,
                       s->chardev);
            return false;
        }
        return virtio_serial_attach_chardev(s, chr, errp);
    }
    s->next_unported = unported;
    unported = s;
    return true;
}

static void virtio_serial_unrealize(DeviceState *dev)
{
    VirtioSerialState *s = VIRTIO_SERIAL(dev);

    virtio_serial_unlist(s);
    if (chardev_fe_connected(&s->chr)) {
        chardev_fe_deinit(&s->chr);
    }
    virtio_serial_reset(VIRTIO_DEVICE(dev));
}

static void virtio_serial_finalize(Object *obj)
{
    virtio_serial_unrealize(DEVICE(obj));
}

static const Property virtio_serial_props[] = {
    DEFINE_PROP_STRING("chardev", VirtioSerialState, chardev, NULL,
                       "shorthand: the console port's chardev (else use -device virtconsole)"),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_serial_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "virtio console with one port (virtio-mmio)";
    device_class_set_category(dc, DEVICE_CATEGORY_INPUT);
    device_class_set_props(dc, virtio_serial_props);
    vdc->device_id = VIRTIO_ID_CONSOLE;
    vdc->realize = virtio_serial_realize;
    vdc->unrealize = virtio_serial_unrealize;
    vdc->reset = virtio_serial_reset;
    vdc->set_status = virtio_serial_set_status;
}

/* ---- virtconsole: the port as its own -device ------------------------------ */

static bool virtconsole_realize(DeviceState *dev, Error **errp)
{
    VirtConsoleState *c = VIRTCONSOLE(dev);
    Chardev *chr;

    if (!unported) {
        error_setg(errp, "No 'virtio-serial-bus' bus found for device '%s'", TYPE_VIRTCONSOLE);
        return false;
    }
    if (!c->chardev) {
        error_setg(errp, "Property 'chardev' is required");
        return false;
    }
    chr = chardev_find(c->chardev);
    if (!chr) {
        error_setg(errp, "Property '%s.chardev' can't find value '%s'", TYPE_VIRTCONSOLE,
                   c->chardev);
        return false;
    }
    c->serial = unported;
    return virtio_serial_attach_chardev(c->serial, chr, errp);
}

static const Property virtconsole_props[] = {
    DEFINE_PROP_STRING("chardev", VirtConsoleState, chardev, NULL, "ID of a chardev to use"),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtconsole_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "virtio console port (on the last virtio-serial-device)";
    dc->realize = virtconsole_realize;
    dc->user_creatable = true;
    dc->bus_type = "virtio-serial-bus";
    device_class_set_category(dc, DEVICE_CATEGORY_INPUT);
    device_class_set_props(dc, virtconsole_props);
}

static const TypeInfo virtio_console_types[] = {
    {
        .name = TYPE_VIRTIO_SERIAL,
        .parent = TYPE_VIRTIO_DEVICE,
        .instance_size = sizeof(VirtioSerialState),
        .instance_finalize = virtio_serial_finalize,
        .class_init = virtio_serial_class_init,
    },
    {
        .name = TYPE_VIRTCONSOLE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(VirtConsoleState),
        .class_init = virtconsole_class_init,
    },
};

static void virtio_console_register_types(void)
{
    type_register_static_array(virtio_console_types, 2);
}

type_init(virtio_console_register_types)
