/*
 * isa-debug-exit (see isa_debug_exit.h).  The region is created at
 * realize, when iosize is known, and mapped into the ISA bus's I/O space;
 * unrealize takes it out again.
 */
#include "hw/misc/isa_debug_exit.h"

#include <stdlib.h>

#include "core/property.h"
#include "hw/x86/isa_bus.h"
#include "system/runstate.h"

static uint64_t isa_debug_exit_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void isa_debug_exit_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    runstate_request_exit((int)(((val << 1) | 1) & 0xff));
}

static const MemoryRegionOps isa_debug_exit_ops = {
    .read = isa_debug_exit_read,
    .write = isa_debug_exit_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

static bool isa_debug_exit_realize(DeviceState *dev, Error **errp)
{
    IsaDebugExitState *s = ISA_DEBUG_EXIT(dev);
    MemoryRegion *io = isa_bus_get(TYPE_ISA_DEBUG_EXIT, errp);

    if (!io) {
        return false;
    }
    if (s->iosize == 0 || (uint64_t)s->iobase + s->iosize > memory_region_size(io)) {
        error_setg(errp, "iobase 0x%x, iosize 0x%x: outside the 64 KiB I/O space", s->iobase,
                   s->iosize);
        return false;
    }
    memory_region_init_io(&s->io, s, &isa_debug_exit_ops, s, TYPE_ISA_DEBUG_EXIT, s->iosize);
    memory_region_add_subregion(io, s->iobase, &s->io);
    s->bus_io = io;
    return true;
}

static void isa_debug_exit_unrealize(DeviceState *dev)
{
    IsaDebugExitState *s = ISA_DEBUG_EXIT(dev);

    if (s->bus_io) {
        memory_region_del_subregion(s->bus_io, &s->io);
        memory_region_destroy(&s->io);
        s->bus_io = NULL;
    }
}

static const Property isa_debug_exit_props[] = {
    DEFINE_PROP_UINT32("iobase", IsaDebugExitState, iobase, 0x501, "first I/O port"),
    DEFINE_PROP_UINT32("iosize", IsaDebugExitState, iosize, 0x02, "number of ports"),
    DEFINE_PROP_END_OF_LIST(),
};

static void isa_debug_exit_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "exit the emulator with (value << 1) | 1 (test guests)";
    dc->realize = isa_debug_exit_realize;
    dc->unrealize = isa_debug_exit_unrealize;
    dc->bus_type = "ISA";
    dc->user_creatable = true;
    device_class_set_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, isa_debug_exit_props);
}

static const TypeInfo isa_debug_exit_type = {
    .name = TYPE_ISA_DEBUG_EXIT,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(IsaDebugExitState),
    .class_init = isa_debug_exit_class_init,
};

static void isa_debug_exit_register_types(void)
{
    type_register_static(&isa_debug_exit_type);
}

type_init(isa_debug_exit_register_types)
