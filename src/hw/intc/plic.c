/*
 * The PLIC (see plic.h).  Invariants: pending and claimed never share a
 * bit; bit 0 of every bitmap is zero (source 0 does not exist); ctx_level[c]
 * is what ctx_out[c] last carried.  Every register or line change ends with
 * plic_update(), which recomputes each context's output.
 */
#include "hw/intc/plic.h"

#include "hw/fdt/devtree.h"
#include "util/log.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static unsigned plic_contexts(const PlicState *s)
{
    return 2 * s->num_harts;
}

static unsigned plic_words(const PlicState *s)
{
    return (s->num_sources + 31) / 32;
}

static bool plic_bit(const uint32_t *map, unsigned id)
{
    return (map[id / 32] >> (id % 32)) & 1;
}

static void plic_set_bit(uint32_t *map, unsigned id, bool on)
{
    if (on) {
        map[id / 32] |= 1u << (id % 32);
    } else {
        map[id / 32] &= ~(1u << (id % 32));
    }
}

/* The best source context ctx may take (enabled, pending, not claimed,
 * priority > 0; ties go to the lowest id), and its priority. */
static unsigned plic_best(const PlicState *s, unsigned ctx, uint32_t *prio_out)
{
    unsigned best = 0;
    uint32_t best_prio = 0;

    for (unsigned w = 0; w < plic_words(s); w++) {
        uint32_t cand = s->pending[w] & ~s->claimed[w] & s->enable[ctx][w];
        while (cand) {
            unsigned id = w * 32 + (unsigned)__builtin_ctz(cand);
            cand &= cand - 1;
            if (s->priority[id] > best_prio) {
                best_prio = s->priority[id];
                best = id;
            }
        }
    }
    *prio_out = best_prio;
    return best;
}

static void plic_update(PlicState *s)
{
    for (unsigned ctx = 0; ctx < plic_contexts(s); ctx++) {
        uint32_t prio;
        plic_best(s, ctx, &prio);
        int level = prio > s->threshold[ctx];
        if (level != s->ctx_level[ctx]) {
            s->ctx_level[ctx] = level;
            irq_set_level(s->ctx_out[ctx], level);
        }
    }
}

/* A device's interrupt line. */
static void plic_set_irq(void *opaque, int id, int level)
{
    PlicState *s = opaque;

    assert(id > 0 && (unsigned)id < s->num_sources);
    plic_set_bit(s->line, (unsigned)id, level);
    if (!plic_bit(s->claimed, (unsigned)id)) {
        plic_set_bit(s->pending, (unsigned)id, level);
    }
    plic_update(s);
}

static uint32_t plic_claim(PlicState *s, unsigned ctx)
{
    uint32_t prio;
    unsigned id = plic_best(s, ctx, &prio);

    if (id) {
        plic_set_bit(s->pending, id, false);
        plic_set_bit(s->claimed, id, true);
        plic_update(s);
    }
    return id;
}

static void plic_complete(PlicState *s, unsigned ctx, uint32_t id)
{
    /* Spec 1.0 section 9: an id not enabled for the context is ignored. */
    if (id == 0 || id >= s->num_sources || !plic_bit(s->enable[ctx], id)) {
        log_mask_printf(LOG_GUEST_ERRORS, "plic: context %u completes source %u, not enabled "
                        "for it\n", ctx, id);
        return;
    }
    plic_set_bit(s->claimed, id, false);
    if (plic_bit(s->line, id)) {
        plic_set_bit(s->pending, id, true);    /* still asserted: a new request */
    }
    plic_update(s);
}

static uint64_t plic_read(void *opaque, uint64_t addr, unsigned size)
{
    PlicState *s = opaque;

    if (addr < PLIC_PENDING_BASE) {
        unsigned id = (unsigned)(addr / 4);
        if (id < s->num_sources) {
            return s->priority[id];
        }
    } else if (addr < PLIC_ENABLE_BASE) {
        unsigned w = (unsigned)((addr - PLIC_PENDING_BASE) / 4);
        if (w < plic_words(s)) {
            return s->pending[w];
        }
    } else if (addr < PLIC_CONTEXT_BASE) {
        unsigned ctx = (unsigned)((addr - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
        unsigned w = (unsigned)((addr - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4);
        if (ctx < plic_contexts(s) && w < plic_words(s)) {
            return s->enable[ctx][w];
        }
    } else {
        unsigned ctx = (unsigned)((addr - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
        unsigned reg = (unsigned)((addr - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE);
        if (ctx < plic_contexts(s) && reg == 0) {
            return s->threshold[ctx];
        }
        if (ctx < plic_contexts(s) && reg == 4) {
            return plic_claim(s, ctx);
        }
    }
    log_mask_printf(LOG_GUEST_ERRORS, "plic: invalid read at 0x%" PRIx64 "\n", addr);
    return 0;
}

static void plic_write(void *opaque, uint64_t addr, uint64_t val64, unsigned size)
{
    PlicState *s = opaque;
    uint32_t val = (uint32_t)val64;

    if (addr < PLIC_PENDING_BASE) {
        unsigned id = (unsigned)(addr / 4);
        if (id > 0 && id < s->num_sources) {
            s->priority[id] = val & PLIC_PRIORITY_MASK;
            plic_update(s);
            return;
        }
        if (id == 0) {
            return;    /* source 0's priority is hardwired to 0 */
        }
    } else if (addr < PLIC_ENABLE_BASE) {
        /* Pending bits are read-only. */
    } else if (addr < PLIC_CONTEXT_BASE) {
        unsigned ctx = (unsigned)((addr - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
        unsigned w = (unsigned)((addr - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4);
        if (ctx < plic_contexts(s) && w < plic_words(s)) {
            if (w == 0) {
                val &= ~1u;    /* source 0 */
            }
            if (w == plic_words(s) - 1 && s->num_sources % 32) {
                val &= (1u << (s->num_sources % 32)) - 1;
            }
            s->enable[ctx][w] = val;
            plic_update(s);
            return;
        }
    } else {
        unsigned ctx = (unsigned)((addr - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
        unsigned reg = (unsigned)((addr - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE);
        if (ctx < plic_contexts(s) && reg == 0) {
            s->threshold[ctx] = val & PLIC_PRIORITY_MASK;
            plic_update(s);
            return;
        }
        if (ctx < plic_contexts(s) && reg == 4) {
            plic_complete(s, ctx, val);
            return;
        }
    }
    log_mask_printf(LOG_GUEST_ERRORS, "plic: invalid write of 0x%x at 0x%" PRIx64 "\n", val,
                    addr);
}

static const MemoryRegionOps plic_ops = {
    .read = plic_read,
    .write = plic_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void plic_reset(DeviceState *dev)
{
    PlicState *s = PLIC(dev);

    memset(s->priority, 0, sizeof(s->priority));
    memset(s->pending, 0, sizeof(s->pending));
    memset(s->claimed, 0, sizeof(s->claimed));
    memset(s->enable, 0, sizeof(s->enable));
    memset(s->threshold, 0, sizeof(s->threshold));
    /* Lines stay as the devices drive them: high ones are pending again. */
    memcpy(s->pending, s->line, sizeof(s->pending));
    plic_update(s);
}

static bool plic_realize(DeviceState *dev, Error **errp)
{
    PlicState *s = PLIC(dev);

    if (s->num_sources < 2 || s->num_sources > PLIC_MAX_SOURCES) {
        error_setg(errp, "plic: num-sources must be 2..%d, not %u", PLIC_MAX_SOURCES,
                   s->num_sources);
        return false;
    }
    if (s->num_harts == 0 || 2 * s->num_harts > PLIC_MAX_CONTEXTS) {
        error_setg(errp, "plic: num-harts must be 1..%d, not %u", PLIC_MAX_CONTEXTS / 2,
                   s->num_harts);
        return false;
    }
    device_init_gpio_in(dev, plic_set_irq, (int)s->num_sources);
    device_init_gpio_out(dev, s->ctx_out, (int)plic_contexts(s));
    plic_reset(dev);
    return true;
}

static void plic_init(Object *obj)
{
    PlicState *s = PLIC(obj);

    memory_region_init_io(&s->iomem, obj, &plic_ops, s, "riscv.sifive.plic", PLIC_MMIO_SIZE);
}

static void plic_finalize(Object *obj)
{
    memory_region_destroy(&PLIC(obj)->iomem);
}

static const Property plic_props[] = {
    DEFINE_PROP_UINT32("num-sources", PlicState, num_sources, 96,
                       "interrupt sources, counting the unused source 0"),
    DEFINE_PROP_UINT32("num-harts", PlicState, num_harts, 1,
                       "harts served (an M and an S context each)"),
    DEFINE_PROP_END_OF_LIST(),
};

/* plic@c000000, with interrupts-extended = <intc MEIP intc SEIP> per hart;
 * its phandle is every device's interrupt-parent. */
static uint32_t plic_write_node(Object *obj, DevTree *dt, const FdtNodeInfo *info)
{
    static const char *const compat[] = { "sifive,plic-1.0.0", "riscv,plic0" };
    PlicState *s = PLIC(obj);
    char *path = devtree_node_path(info->parent, "plic", info->base);
    uint64_t reg[2] = { info->base, info->size };
    uint32_t *cells = calloc(4 * info->n_harts + 1, sizeof(*cells));

    for (unsigned h = 0; h < info->n_harts; h++) {
        cells[4 * h] = info->hart_intc_phandles[h];
        cells[4 * h + 1] = 11;     /* IRQ_M_EXT */
        cells[4 * h + 2] = info->hart_intc_phandles[h];
        cells[4 * h + 3] = 9;      /* IRQ_S_EXT */
    }
    devtree_add_node(dt, path);
    devtree_set_prop_u32(dt, path, "#interrupt-cells", 1);
    devtree_set_prop_u32(dt, path, "#address-cells", 0);
    devtree_set_prop_strings(dt, path, "compatible", compat, 2);
    devtree_set_prop_empty(dt, path, "interrupt-controller");
    devtree_set_prop_cells(dt, path, "interrupts-extended", cells, 4 * info->n_harts);
    devtree_set_prop_u64s(dt, path, "reg", reg, 2);
    /* The highest source id (Linux's riscv,ndev): source 0 does not count. */
    devtree_set_prop_u32(dt, path, "riscv,ndev", s->num_sources - 1);
    uint32_t ph = devtree_add_phandle(dt, path);
    free(cells);
    free(path);
    return ph;
}

static void plic_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    FdtNodeWriterClass *fc = OBJECT_CLASS_CHECK(FdtNodeWriterClass, oc, TYPE_FDT_NODE_WRITER);

    dc->desc = "RISC-V PLIC";
    dc->realize = plic_realize;
    dc->reset = plic_reset;
    device_class_set_props(dc, plic_props);
    fc->write_node = plic_write_node;
}

static const InterfaceInfo plic_interfaces[] = { { TYPE_FDT_NODE_WRITER }, { NULL } };

static const TypeInfo plic_type = {
    .name = TYPE_PLIC,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PlicState),
    .instance_init = plic_init,
    .instance_finalize = plic_finalize,
    .class_init = plic_class_init,
    .interfaces = plic_interfaces,
};

static void plic_register_types(void)
{
    type_register_static(&plic_type);
}

type_init(plic_register_types)
