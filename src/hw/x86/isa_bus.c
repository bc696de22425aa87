/*
 * The process's one ISA bus (see isa_bus.h): a pointer to the board's I/O
 * space and its IRQ lines.  Invariant: irqs are meaningful only while io
 * is set.
 */
#include "hw/x86/isa_bus.h"

#include <string.h>

static struct {
    MemoryRegion *io;
    IrqLine *irqs[ISA_NUM_IRQS];
} isa_bus;

void isa_bus_set(MemoryRegion *io, IrqLine *const irqs[ISA_NUM_IRQS])
{
    isa_bus.io = io;
    for (unsigned i = 0; i < ISA_NUM_IRQS; i++) {
        isa_bus.irqs[i] = irqs ? irqs[i] : NULL;
    }
}

void isa_bus_clear(void)
{
    memset(&isa_bus, 0, sizeof(isa_bus));
}

MemoryRegion *isa_bus_get(const char *type, Error **errp)
{
    if (!isa_bus.io) {
        error_setg(errp, "No 'ISA' bus found for device '%s'", type);
    }
    return isa_bus.io;
}

IrqLine *isa_bus_irq(unsigned n)
{
    return isa_bus.io && n < ISA_NUM_IRQS ? isa_bus.irqs[n] : NULL;
}
