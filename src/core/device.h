/*
 * Devices (QEMU's qdev, without buses): TYPE_DEVICE is the abstract base of
 * everything a board instantiates or a user adds with -device.  Life cycle:
 * object_new (class defaults, then -global values) → set properties →
 * device_realize (the device becomes live; its properties turn read-only
 * unless flagged set_after_realize) → reset any number of times →
 * unrealize when it leaves the tree.
 *
 * -global DRIVER.PROP=VALUE entries are kept in one list and applied, in the
 * order given, to each new device whose type is DRIVER or a subtype, right
 * after instance_init: they are defaults that -device key=value overrides.
 *
 * GPIO lines: a device declares named inputs (IrqLines it owns, handled by
 * its own handler) and named outputs (IrqLine * fields it raises through);
 * boards connect an output of one device to an input of another.  The
 * unnamed group has name NULL.
 *
 * Thread context: main thread, big lock held; realize/reset never run
 * concurrently with the device's MMIO handlers.
 * Errors: realize returns false with *errp set and must undo its own work;
 * device_create() leaves nothing behind on failure.
 */
#ifndef CORE_DEVICE_H
#define CORE_DEVICE_H

#include "core/irq.h"
#include "core/object.h"

#define TYPE_DEVICE "device"

typedef struct DeviceState DeviceState;
typedef struct NamedGpioList NamedGpioList;

typedef enum DeviceCategory {
    DEVICE_CATEGORY_BRIDGE,
    DEVICE_CATEGORY_USB,
    DEVICE_CATEGORY_STORAGE,
    DEVICE_CATEGORY_NETWORK,
    DEVICE_CATEGORY_INPUT,
    DEVICE_CATEGORY_DISPLAY,
    DEVICE_CATEGORY_SOUND,
    DEVICE_CATEGORY_MISC,
    DEVICE_CATEGORY_CPU,
    DEVICE_CATEGORY_WATCHDOG,
    DEVICE_CATEGORY_MAX,
} DeviceCategory;

#define DEVICE_CATEGORY_BIT(c) (1u << (c))

typedef bool (*DeviceRealizeFn)(DeviceState *dev, Error **errp);
typedef void (*DeviceUnrealizeFn)(DeviceState *dev);
typedef void (*DeviceResetFn)(DeviceState *dev);

typedef struct DeviceClass {
    ObjectClass parent_class;
    DeviceRealizeFn realize;
    DeviceUnrealizeFn unrealize;
    DeviceResetFn reset;
    uint32_t categories;          /* DEVICE_CATEGORY_BIT() mask */
    const char *desc;
    const char *bus_type;         /* shown by -device help; NULL: none */
    bool user_creatable;          /* may be named by -device */
    const Property *props;        /* see device_class_set_props() */
} DeviceClass;

struct DeviceState {
    Object parent_obj;
    char *id;                     /* -device id=, or NULL */
    bool realized;
    NamedGpioList *gpios;
    char *global_error;           /* private: a -global that failed at creation */
};

DECLARE_OBJ_CHECKERS(DeviceState, DeviceClass, DEVICE, TYPE_DEVICE)

/* In class_init: register a Property table as class properties. */
void device_class_set_props(DeviceClass *dc, const Property *props);
void device_class_set_category(DeviceClass *dc, DeviceCategory category);

/* Calls realize; on success the device is live.  A device not yet in the
 * tree is placed under /machine/unattached/device[N]. */
bool device_realize(DeviceState *dev, Error **errp);
void device_unrealize(DeviceState *dev);
void device_reset(DeviceState *dev);
/* System reset: resets every realized device at or below root, each device
 * before its children (a controller before what hangs off it). */
void device_reset_tree(Object *root);

/* Creates a device of type `driver` for -device or a board: sets each
 * "key=value" in props (an error names the key), places it at
 * /machine/peripheral/ID (or peripheral-anon/device[N] without id) and
 * realizes it.  The tree owns the device; the pointer is borrowed.  On any
 * failure nothing remains in the tree. */
DeviceState *device_create(const char *driver, const char *id, const char *const *props,
                           int n_props, Error **errp);

/* -global DRIVER.PROP=VALUE */
bool device_add_global(const char *driver, const char *prop, const char *value,
                       Error **errp);
/* Parses "DRIVER.PROP=VALUE". */
bool device_add_global_text(const char *text, Error **errp);
void device_clear_globals(void);
/* After board init: warns about each global no device used (a typo in
 * DRIVER, or no such device); returns how many. */
int device_check_globals(void);
/* Applies matching globals to a new object; called at device creation. */
bool device_apply_globals(Object *obj, Error **errp);

/* -device help, -device TYPE,help */
void device_print_help_list(FILE *out);
bool device_print_props(FILE *out, const char *typename, Error **errp);

/* GPIO.  Inputs: n IrqLines that call handler(dev, i, level). */
void device_init_gpio_in_named(DeviceState *dev, IrqHandlerFn handler, const char *name,
                               int n);
/* Outputs: pins[0..n) are the device's IrqLine * fields; connecting one
 * stores the target line there (NULL until connected: raising it is a no-op). */
void device_init_gpio_out_named(DeviceState *dev, IrqLine **pins, const char *name, int n);
IrqLine *device_get_gpio_in_named(DeviceState *dev, const char *name, int n);
void device_connect_gpio_out_named(DeviceState *dev, const char *name, int n, IrqLine *irq);

static inline void device_init_gpio_in(DeviceState *dev, IrqHandlerFn handler, int n)
{
    device_init_gpio_in_named(dev, handler, NULL, n);
}
static inline void device_init_gpio_out(DeviceState *dev, IrqLine **pins, int n)
{
    device_init_gpio_out_named(dev, pins, NULL, n);
}
static inline IrqLine *device_get_gpio_in(DeviceState *dev, int n)
{
    return device_get_gpio_in_named(dev, NULL, n);
}
static inline void device_connect_gpio_out(DeviceState *dev, int n, IrqLine *irq)
{
    device_connect_gpio_out_named(dev, NULL, n, irq);
}

#endif
