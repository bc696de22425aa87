/*
 * The Goldfish RTC (see goldfish_rtc.h).  Invariants: alarm_running iff the
 * alarm timer is pending; the output line is irq_pending && irq_enabled.
 * The alarm timer runs on the host clock, where the count lives: an alarm
 * at guest time T fires at host time T - offset_ns.
 */
#include "hw/rtc/goldfish_rtc.h"

#include "hw/fdt/devtree.h"
#include "util/log.h"

#include <inttypes.h>
#include <stdlib.h>

enum {
    RTC_TIME_LOW = 0x00,
    RTC_TIME_HIGH = 0x04,
    RTC_ALARM_LOW = 0x08,
    RTC_ALARM_HIGH = 0x0c,
    RTC_IRQ_ENABLED = 0x10,
    RTC_CLEAR_ALARM = 0x14,
    RTC_ALARM_STATUS = 0x18,
    RTC_CLEAR_INTERRUPT = 0x1c,
};

uint64_t goldfish_rtc_now(GoldfishRtcState *s)
{
    return (uint64_t)(clock_get_ns(CLOCK_TYPE_HOST) + s->offset_ns);
}

static void goldfish_rtc_update(GoldfishRtcState *s)
{
    irq_set_level(s->irq, s->irq_pending && s->irq_enabled);
}

static void goldfish_rtc_alarm_fired(void *opaque)
{
    GoldfishRtcState *s = opaque;

    s->alarm_running = false;
    s->irq_pending = true;
    goldfish_rtc_update(s);
}

static void goldfish_rtc_clear_alarm(GoldfishRtcState *s)
{
    timer_del(&s->alarm_timer);
    s->alarm_running = false;
}

static void goldfish_rtc_set_alarm(GoldfishRtcState *s)
{
    uint64_t now = goldfish_rtc_now(s);

    if (s->alarm_next <= now) {
        goldfish_rtc_clear_alarm(s);
        goldfish_rtc_alarm_fired(s);
        return;
    }
    s->alarm_running = true;
    timer_mod_ns(&s->alarm_timer, (int64_t)(s->alarm_next - (uint64_t)s->offset_ns));
}

static uint64_t goldfish_rtc_read(void *opaque, uint64_t addr, unsigned size)
{
    GoldfishRtcState *s = opaque;
    uint64_t now;

    switch (addr) {
    case RTC_TIME_LOW:
        now = goldfish_rtc_now(s);
        s->time_high = (uint32_t)(now >> 32);
        return (uint32_t)now;
    case RTC_TIME_HIGH:
        return s->time_high;
    case RTC_ALARM_LOW:
        return (uint32_t)s->alarm_next;
    case RTC_ALARM_HIGH:
        return (uint32_t)(s->alarm_next >> 32);
    case RTC_IRQ_ENABLED:
        return s->irq_enabled;
    case RTC_ALARM_STATUS:
        return s->alarm_running;
    default:
        log_mask_printf(LOG_GUEST_ERRORS, "goldfish_rtc: read of bad offset 0x%" PRIx64 "\n",
                        addr);
        return 0;
    }
}

static void goldfish_rtc_write(void *opaque, uint64_t addr, uint64_t val64, unsigned size)
{
    GoldfishRtcState *s = opaque;
    uint32_t val = (uint32_t)val64;
    uint64_t now, next;

    switch (addr) {
    case RTC_TIME_LOW:
        now = goldfish_rtc_now(s);
        next = (now & ~0xffffffffULL) | val;
        s->offset_ns += (int64_t)(next - now);
        break;
    case RTC_TIME_HIGH:
        now = goldfish_rtc_now(s);
        next = (now & 0xffffffffULL) | ((uint64_t)val << 32);
        s->offset_ns += (int64_t)(next - now);
        break;
    case RTC_ALARM_LOW:
        s->alarm_next = (s->alarm_next & ~0xffffffffULL) | val;
        goldfish_rtc_set_alarm(s);
        break;
    case RTC_ALARM_HIGH:
        s->alarm_next = (s->alarm_next & 0xffffffffULL) | ((uint64_t)val << 32);
        break;
    case RTC_IRQ_ENABLED:
        s->irq_enabled = val & 1;
        goldfish_rtc_update(s);
        break;
    case RTC_CLEAR_ALARM:
        goldfish_rtc_clear_alarm(s);
        break;
    case RTC_CLEAR_INTERRUPT:
        s->irq_pending = false;
        goldfish_rtc_update(s);
        break;
    default:
        log_mask_printf(LOG_GUEST_ERRORS, "goldfish_rtc: write to bad offset 0x%" PRIx64 "\n",
                        addr);
        break;
    }
}

static const MemoryRegionOps goldfish_rtc_ops = {
    .read = goldfish_rtc_read,
    .write = goldfish_rtc_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* The date survives a reset (the clock keeps running); the alarm does not. */
static void goldfish_rtc_reset(DeviceState *dev)
{
    GoldfishRtcState *s = GOLDFISH_RTC(dev);

    goldfish_rtc_clear_alarm(s);
    s->alarm_next = 0;
    s->irq_pending = false;
    s->irq_enabled = false;
    s->time_high = 0;
    goldfish_rtc_update(s);
}

static bool goldfish_rtc_realize(DeviceState *dev, Error **errp)
{
    goldfish_rtc_reset(dev);
    return true;
}

static void goldfish_rtc_init(Object *obj)
{
    GoldfishRtcState *s = GOLDFISH_RTC(obj);

    memory_region_init_io(&s->iomem, obj, &goldfish_rtc_ops, s, "goldfish_rtc",
                          GOLDFISH_RTC_MMIO_SIZE);
    device_init_gpio_out(DEVICE(obj), &s->irq, 1);
    timer_init_ns(&s->alarm_timer, CLOCK_TYPE_HOST, goldfish_rtc_alarm_fired, s);
}

static void goldfish_rtc_finalize(Object *obj)
{
    GoldfishRtcState *s = GOLDFISH_RTC(obj);

    timer_del(&s->alarm_timer);
    memory_region_destroy(&s->iomem);
}

static uint32_t goldfish_rtc_write_node(Object *obj, DevTree *dt, const FdtNodeInfo *info)
{
    char *path = devtree_node_path(info->parent, "rtc", info->base);

    devtree_add_node(dt, path);
    devtree_set_prop_string(dt, path, "compatible", "google,goldfish-rtc");
    devtree_set_reg_irq(dt, path, info);
    free(path);
    return 0;
}

static void goldfish_rtc_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    FdtNodeWriterClass *fc = OBJECT_CLASS_CHECK(FdtNodeWriterClass, oc, TYPE_FDT_NODE_WRITER);

    dc->desc = "Goldfish RTC";
    dc->realize = goldfish_rtc_realize;
    dc->reset = goldfish_rtc_reset;
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
    fc->write_node = goldfish_rtc_write_node;
}

static const InterfaceInfo goldfish_rtc_interfaces[] = { { TYPE_FDT_NODE_WRITER }, { NULL } };

static const TypeInfo goldfish_rtc_type = {
    .name = TYPE_GOLDFISH_RTC,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(GoldfishRtcState),
    .instance_init = goldfish_rtc_init,
    .instance_finalize = goldfish_rtc_finalize,
    .class_init = goldfish_rtc_class_init,
    .interfaces = goldfish_rtc_interfaces,
};

static void goldfish_rtc_register_types(void)
{
    type_register_static(&goldfish_rtc_type);
}

type_init(goldfish_rtc_register_types)
