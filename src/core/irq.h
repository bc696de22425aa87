/*
 * IRQ lines (QEMU's qemu_irq; TinyEMU's IRQSignal): a line is an object
 * holding a handler, its opaque and the pin number n; setting its level calls
 * handler(opaque, n, level) synchronously.  The sender keeps an IrqLine *
 * (NULL = unconnected, setting it does nothing); the receiver owns the line.
 * A splitter fans one input out to several outputs (one source wired to two
 * controllers).  Levels are 0/1 for level-triggered lines; irq_pulse() is
 * raise then lower, for edge-triggered receivers.
 *
 * Thread context: called with the big lock held (a device raising a line from
 * its MMIO handler or from a timer); handlers must not block.
 */
#ifndef CORE_IRQ_H
#define CORE_IRQ_H

#include "core/object.h"

#define TYPE_IRQ "irq"
#define TYPE_IRQ_SPLITTER "split-irq"

typedef void (*IrqHandlerFn)(void *opaque, int n, int level);

typedef struct IrqLine {
    Object parent_obj;
    IrqHandlerFn handler;
    void *opaque;
    int n;
} IrqLine;

/* One reference for the caller (object_unref to free). */
IrqLine *irq_new(IrqHandlerFn handler, void *opaque, int n);
/* n lines numbered 0..n-1; free with irq_free_array. */
IrqLine **irq_alloc_array(IrqHandlerFn handler, void *opaque, int n);
void irq_free_array(IrqLine **lines, int n);

static inline void irq_set_level(IrqLine *irq, int level)
{
    if (irq) {
        irq->handler(irq->opaque, irq->n, level);
    }
}
static inline void irq_raise(IrqLine *irq)
{
    irq_set_level(irq, 1);
}
static inline void irq_lower(IrqLine *irq)
{
    irq_set_level(irq, 0);
}
static inline void irq_pulse(IrqLine *irq)
{
    irq_set_level(irq, 1);
    irq_set_level(irq, 0);
}

/* A splitter with n outputs; its input is irq_splitter_input(). */
typedef struct IrqSplitter IrqSplitter;
IrqSplitter *irq_splitter_new(int n_outputs);
IrqLine *irq_splitter_input(IrqSplitter *s);
void irq_splitter_connect(IrqSplitter *s, int i, IrqLine *out);
void irq_splitter_free(IrqSplitter *s);

#endif
