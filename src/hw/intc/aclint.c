/*
 * The ACLINT (MSWI + MTIMER) at the CLINT's offsets; see aclint.h.
 * Invariants: mtip_level[h] is what mtip_out[h] carries and equals
 * (mtime >= mtimecmp[h]) whenever the guest or the timer last looked; a
 * timer is pending for hart h iff mtimecmp[h] is in the future.
 * NOTE: tick <-> ns conversions round so that the timer never fires before
 * mtime has reached mtimecmp (the callback re-checks anyway).
 */
#include "hw/intc/aclint.h"

#include "hw/fdt/devtree.h"
#include "util/log.h"

#include <inttypes.h>
#include <stdlib.h>

#define NS_PER_SEC 1000000000ULL

static uint64_t aclint_ticks(AclintState *s, int64_t ns)
{
    return (uint64_t)((unsigned __int128)ns * s->timebase_freq / NS_PER_SEC);
}

uint64_t aclint_mtime(AclintState *s)
{
    return aclint_ticks(s, clock_get_ns(CLOCK_TYPE_VIRTUAL)) + (uint64_t)s->mtime_delta;
}

uint64_t aclint_rdtime(void *opaque)
{
    return aclint_mtime(opaque);
}

static void aclint_set_mtip(AclintState *s, unsigned hart, int level)
{
    if (s->mtip_level[hart] != level) {
        s->mtip_level[hart] = level;
        irq_set_level(s->mtip_out[hart], level);
    }
}

/* Re-evaluates hart's MTIP and arms the timer for a future deadline. */
static void aclint_update_timer(AclintState *s, unsigned hart)
{
    uint64_t now = aclint_mtime(s);
    uint64_t cmp = s->mtimecmp[hart];

    if (now >= cmp) {
        timer_del(&s->timers[hart].timer);
        aclint_set_mtip(s, hart, 1);
        return;
    }
    aclint_set_mtip(s, hart, 0);
    /* ns at which mtime reaches cmp: ceil((cmp - delta) * 1e9 / freq). */
    unsigned __int128 ticks = (unsigned __int128)(cmp - (uint64_t)s->mtime_delta);
    unsigned __int128 ns = (ticks * NS_PER_SEC + s->timebase_freq - 1) / s->timebase_freq;
    if (ns > INT64_MAX) {
        timer_del(&s->timers[hart].timer);    /* centuries away */
        return;
    }
    timer_mod_ns(&s->timers[hart].timer, (int64_t)ns);
}

static void aclint_timer_cb(void *opaque)
{
    AclintTimer *t = opaque;

    aclint_update_timer(t->s, t->hart);
}

/* Reads and writes of 4 or 8 bytes at naturally aligned offsets. */
static uint64_t aclint_read(void *opaque, uint64_t addr, unsigned size)
{
    AclintState *s = opaque;

    if (addr < ACLINT_MTIMECMP_BASE) {
        unsigned hart = (unsigned)(addr / 4);
        if (size == 4 && hart < s->num_harts) {
            return s->msip[hart];
        }
    } else if (addr >= ACLINT_MTIME && addr < ACLINT_MTIME + 8) {
        uint64_t t = aclint_mtime(s);
        return size == 8 ? t : (addr & 4) ? t >> 32 : (uint32_t)t;
    } else {
        unsigned hart = (unsigned)((addr - ACLINT_MTIMECMP_BASE) / 8);
        if (hart < s->num_harts) {
            uint64_t cmp = s->mtimecmp[hart];
            return size == 8 ? cmp : (addr & 4) ? cmp >> 32 : (uint32_t)cmp;
        }
    }
    log_mask_printf(LOG_GUEST_ERRORS, "aclint: invalid %u-byte read at 0x%" PRIx64 "\n",
                    size, addr);
    return 0;
}

/* The new 64-bit value after writing `size` bytes of val at addr's half. */
static uint64_t aclint_merge(uint64_t old, uint64_t addr, uint64_t val, unsigned size)
{
    if (size == 8) {
        return val;
    }
    if (addr & 4) {
        return (old & 0xffffffffULL) | (val << 32);
    }
    return (old & ~0xffffffffULL) | (uint32_t)val;
}

static void aclint_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    AclintState *s = opaque;

    if (addr < ACLINT_MTIMECMP_BASE) {
        unsigned hart = (unsigned)(addr / 4);
        if (size == 4 && hart < s->num_harts) {
            /* Only bit 0 is writable (ACLINT 2.1: the other bits are zero). */
            s->msip[hart] = val & 1;
            irq_set_level(s->msip_out[hart], s->msip[hart]);
            return;
        }
    } else if (addr >= ACLINT_MTIME && addr < ACLINT_MTIME + 8) {
        uint64_t now = aclint_mtime(s);
        uint64_t t = aclint_merge(now, addr, val, size);
        s->mtime_delta += (int64_t)(t - now);
        for (unsigned h = 0; h < s->num_harts; h++) {
            aclint_update_timer(s, h);
        }
        return;
    } else {
        unsigned hart = (unsigned)((addr - ACLINT_MTIMECMP_BASE) / 8);
        if (hart < s->num_harts) {
            s->mtimecmp[hart] = aclint_merge(s->mtimecmp[hart], addr, val, size);
            aclint_update_timer(s, hart);
            return;
        }
    }
    log_mask_printf(LOG_GUEST_ERRORS, "aclint: invalid %u-byte write at 0x%" PRIx64 "\n",
                    size, addr);
}

static const MemoryRegionOps aclint_ops = {
    .read = aclint_read,
    .write = aclint_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

static void aclint_reset(DeviceState *dev)
{
    AclintState *s = ACLINT(dev);

    s->mtime_delta = 0;
    for (unsigned h = 0; h < s->num_harts; h++) {
        s->msip[h] = 0;
        irq_set_level(s->msip_out[h], 0);
        s->mtimecmp[h] = UINT64_MAX;
        aclint_update_timer(s, h);
    }
}

static bool aclint_realize(DeviceState *dev, Error **errp)
{
    AclintState *s = ACLINT(dev);

    if (s->num_harts == 0 || s->num_harts > ACLINT_MAX_HARTS) {
        error_setg(errp, "aclint: num-harts must be 1..%d, not %u", ACLINT_MAX_HARTS,
                   s->num_harts);
        return false;
    }
    if (s->timebase_freq == 0) {
        error_setg(errp, "aclint: timebase-freq must not be 0");
        return false;
    }
    device_init_gpio_out_named(dev, s->msip_out, "msip", (int)s->num_harts);
    device_init_gpio_out_named(dev, s->mtip_out, "mtip", (int)s->num_harts);
    for (unsigned h = 0; h < s->num_harts; h++) {
        s->timers[h].s = s;
        s->timers[h].hart = h;
        timer_init_ns(&s->timers[h].timer, CLOCK_TYPE_VIRTUAL, aclint_timer_cb, &s->timers[h]);
        s->mtip_level[h] = 0;
    }
    aclint_reset(dev);
    return true;
}

static void aclint_init(Object *obj)
{
    AclintState *s = ACLINT(obj);

    memory_region_init_io(&s->iomem, obj, &aclint_ops, s, "riscv.aclint", ACLINT_MMIO_SIZE);
}

static void aclint_finalize(Object *obj)
{
    AclintState *s = ACLINT(obj);

    if (DEVICE(obj)->realized) {
        for (unsigned h = 0; h < s->num_harts; h++) {
            timer_del(&s->timers[h].timer);
        }
    }
    memory_region_destroy(&s->iomem);
}

static const Property aclint_props[] = {
    DEFINE_PROP_UINT32("num-harts", AclintState, num_harts, 1, "harts served"),
    DEFINE_PROP_UINT32("timebase-freq", AclintState, timebase_freq, 10000000,
                       "mtime frequency in Hz"),
    DEFINE_PROP_END_OF_LIST(),
};

/* clint@2000000: interrupts-extended = <intc MSIP intc MTIP> per hart. */
static uint32_t aclint_write_node(Object *obj, DevTree *dt, const FdtNodeInfo *info)
{
    static const char *const compat[] = { "sifive,clint0", "riscv,clint0" };
    char *path = devtree_node_path(info->parent, "clint", info->base);
    uint64_t reg[2] = { info->base, info->size };
    uint32_t *cells = calloc(4 * info->n_harts + 1, sizeof(*cells));

    for (unsigned h = 0; h < info->n_harts; h++) {
        cells[4 * h] = info->hart_intc_phandles[h];
        cells[4 * h + 1] = 3;      /* IRQ_M_SOFT */
        cells[4 * h + 2] = info->hart_intc_phandles[h];
        cells[4 * h + 3] = 7;      /* IRQ_M_TIMER */
    }
    devtree_add_node(dt, path);
    devtree_set_prop_strings(dt, path, "compatible", compat, 2);
    devtree_set_prop_u64s(dt, path, "reg", reg, 2);
    devtree_set_prop_cells(dt, path, "interrupts-extended", cells, 4 * info->n_harts);
    free(cells);
    free(path);
    return 0;
}

static void aclint_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    FdtNodeWriterClass *fc = OBJECT_CLASS_CHECK(FdtNodeWriterClass, oc, TYPE_FDT_NODE_WRITER);

    dc->desc = "RISC-V ACLINT (MSWI + MTIMER) at the CLINT's layout";
    dc->realize = aclint_realize;
    dc->reset = aclint_reset;
    device_class_set_props(dc, aclint_props);
    fc->write_node = aclint_write_node;
}

static const InterfaceInfo aclint_interfaces[] = { { TYPE_FDT_NODE_WRITER }, { NULL } };

static const TypeInfo aclint_type = {
    .name = TYPE_ACLINT,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(AclintState),
    .instance_init = aclint_init,
    .instance_finalize = aclint_finalize,
    .class_init = aclint_class_init,
    .interfaces = aclint_interfaces,
};

static void aclint_register_types(void)
{
    type_register_static(&aclint_type);
}

type_init(aclint_register_types)
