/*
 * IRQ lines and the splitter (see irq.h).  Lines are QOM objects so they can
 * sit in the tree (a device's GPIO inputs) and be counted; the splitter is an
 * object owning its input line and holding references on its outputs.
 */
#include "core/irq.h"

#include <assert.h>
#include <stdlib.h>

struct IrqSplitter {
    Object parent_obj;
    IrqLine *input;
    IrqLine **outputs;
    int n_outputs;
};

IrqLine *irq_new(IrqHandlerFn handler, void *opaque, int n)
{
    IrqLine *irq = OBJECT_CHECK(IrqLine, object_new(TYPE_IRQ), TYPE_IRQ);
    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

IrqLine **irq_alloc_array(IrqHandlerFn handler, void *opaque, int n)
{
    IrqLine **lines = calloc(n > 0 ? n : 1, sizeof(*lines));
    assert(lines);
    for (int i = 0; i < n; i++) {
        lines[i] = irq_new(handler, opaque, i);
    }
    return lines;
}

void irq_free_array(IrqLine **lines, int n)
{
    if (!lines) {
        return;
    }
    for (int i = 0; i < n; i++) {
        object_unref(lines[i]);
    }
    free(lines);
}

static void irq_splitter_handler(void *opaque, int n, int level)
{
    IrqSplitter *s = opaque;
    for (int i = 0; i < s->n_outputs; i++) {
        irq_set_level(s->outputs[i], level);
    }
}

IrqSplitter *irq_splitter_new(int n_outputs)
{
    IrqSplitter *s = OBJECT_CHECK(IrqSplitter, object_new(TYPE_IRQ_SPLITTER),
                                  TYPE_IRQ_SPLITTER);
    assert(n_outputs > 0);
    s->outputs = calloc(n_outputs, sizeof(*s->outputs));
    assert(s->outputs);
    s->n_outputs = n_outputs;
    s->input = irq_new(irq_splitter_handler, s, 0);
    return s;
}

IrqLine *irq_splitter_input(IrqSplitter *s)
{
    return s->input;
}

void irq_splitter_connect(IrqSplitter *s, int i, IrqLine *out)
{
    assert(i >= 0 && i < s->n_outputs);
    object_ref(out);
    object_unref(s->outputs[i]);
    s->outputs[i] = out;
}

void irq_splitter_free(IrqSplitter *s)
{
    object_unref(s);
}

static void irq_splitter_finalize(Object *obj)
{
    IrqSplitter *s = (IrqSplitter *)obj;
    for (int i = 0; i < s->n_outputs; i++) {
        object_unref(s->outputs[i]);
    }
    free(s->outputs);
    object_unref(s->input);
}

static const TypeInfo irq_types[] = {
    { .name = TYPE_IRQ, .parent = TYPE_OBJECT, .instance_size = sizeof(IrqLine) },
    { .name = TYPE_IRQ_SPLITTER, .parent = TYPE_OBJECT,
      .instance_size = sizeof(IrqSplitter), .instance_finalize = irq_splitter_finalize },
};

static void irq_register_types(void)
{
    type_register_static_array(irq_types, 2);
}

type_init(irq_register_types)
