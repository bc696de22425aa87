/*
 * Tests of IRQ lines: handler calls with the right pin and level, arrays,
 * NULL lines, pulses, and the splitter fanning one input out.
 */
#include "core/irq.h"
#include "util/unittest.h"

typedef struct Sink {
    int level[8];
    int calls;
    int last_n;
} Sink;

static void sink_set(void *opaque, int n, int level)
{
    Sink *s = opaque;
    s->level[n] = level;
    s->last_n = n;
    s->calls++;
}

UNITTEST(lines_call_handler)
{
    Sink s = { 0 };
    IrqLine **lines = irq_alloc_array(sink_set, &s, 4);

    irq_raise(lines[2]);
    CHECK_INT(s.level[2], 1);
    CHECK_INT(s.last_n, 2);
    irq_set_level(lines[3], 1);
    irq_lower(lines[2]);
    CHECK_INT(s.level[2], 0);
    CHECK_INT(s.level[3], 1);
    CHECK_INT(s.calls, 3);
    irq_pulse(lines[0]);
    CHECK_INT(s.calls, 5);
    CHECK_INT(s.level[0], 0);
    irq_raise(NULL);                 /* unconnected sender: no effect */
    CHECK_INT(s.calls, 5);
    CHECK(object_dynamic_cast(OBJECT(lines[0]), TYPE_IRQ) != NULL);
    irq_free_array(lines, 4);
}

UNITTEST(splitter_fans_out)
{
    Sink a = { 0 }, b = { 0 };
    IrqLine *la = irq_new(sink_set, &a, 5);
    IrqLine *lb = irq_new(sink_set, &b, 1);
    IrqSplitter *sp = irq_splitter_new(3);

    irq_splitter_connect(sp, 0, la);
    irq_splitter_connect(sp, 2, lb);  /* output 1 left unconnected */
    object_unref(la);                 /* the splitter keeps them alive */
    object_unref(lb);

    irq_raise(irq_splitter_input(sp));
    CHECK_INT(a.level[5], 1);
    CHECK_INT(b.level[1], 1);
    irq_lower(irq_splitter_input(sp));
    CHECK_INT(a.level[5], 0);
    CHECK_INT(b.level[1], 0);
    CHECK_INT(a.calls + b.calls, 4);
    irq_splitter_free(sp);
}
