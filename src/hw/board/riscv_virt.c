/*
 * The RISC-V `virt` board (see riscv_virt.h), in QEMU 7.2's layout so that
 * OpenSBI, Linux and bare-metal programs written for `qemu-system-riscv64
 * -M virt` run unchanged.  Board init, in order: memory (DRAM, reset ROM),
 * harts, devices (each mapped from the memory-map table, each realized and
 * placed under /machine/soc), images (firmware at DRAM's base, the kernel
 * at the next 2 MiB boundary, the initrd above it, as QEMU's boot.c), the
 * device tree (from the device list; -dtb replaces it), then the reset ROM
 * with the tree's address and the fw_dynamic info (OpenSBI's
 * include/sbi/fw_dynamic.h, version 2).
 * Invariant: everything written into guest memory at init is a loader ROM
 * blob, rewritten at each system reset before the harts restart.
 */
#include "hw/board/riscv_virt.h"

#include "exec/exec.h"
#include "guest/riscv/cpu.h"
#include "guest/riscv/csr.h"
#include "hw/char/uart16550.h"
#include "hw/intc/aclint.h"
#include "hw/intc/plic.h"
#include "hw/loader/loader.h"
#include "hw/misc/sifive_test.h"
#include "hw/rtc/goldfish_rtc.h"
#include "hw/virtio/virtio_mmio.h"
#include "system/runstate.h"
#include "system/serial_hds.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MiB ((uint64_t)1 << 20)
#define GiB (1024 * MiB)

const RiscvVirtMemmapEntry riscv_virt_memmap[VIRT_REGION_COUNT] = {
    [VIRT_MROM] =   { "mrom",       0x1000,       0xf000,   -1 },
    [VIRT_TEST] =   { "test",       0x100000,     0x1000,   -1 },
    [VIRT_RTC] =    { "rtc",        0x101000,     0x1000,   11 },
    [VIRT_CLINT] =  { "clint",      0x2000000,    0x10000,  -1 },
    [VIRT_PLIC] =   { "plic",       0xc000000,    0x600000, -1 },
    [VIRT_UART0] =  { "uart0",      0x10000000,   0x100,    10 },
    [VIRT_VIRTIO] = { "virtio",     0x10001000,   0x1000,    1 },  /* n: +n*size, irq 1+n */
    [VIRT_DRAM] =   { "dram",       0x80000000,   0,        -1 },
};

static inline uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* ---- helpers other boards and tests use ----------------------------------- */

GuestPaddr riscv_virt_compute_fdt_addr(GuestPaddr dram_base, uint64_t ram_size,
                                       size_t fdt_bytes)
{
    GuestPaddr dram_end = dram_base + ram_size;
    GuestPaddr top = dram_base < 3 * GiB ? (dram_end < 3 * GiB ? dram_end : 3 * GiB) : dram_end;

    return (top - fdt_bytes) & ~(2 * MiB - 1);
}

void riscv_virt_reset_vec(uint32_t words[10], GuestPaddr start_addr, GuestPaddr fdt_addr)
{
    words[0] = 0x00000297;   /* 1: auipc t0, %pcrel_hi(fw_dyn) */
    words[1] = 0x02828613;   /*    addi  a2, t0, %pcrel_lo(1b)  (a2 = &fw_dynamic_info) */
    words[2] = 0xf1402573;   /*    csrr  a0, mhartid */
    words[3] = 0x0202b583;   /*    ld    a1, 32(t0)  (the device tree) */
    words[4] = 0x0182b283;   /*    ld    t0, 24(t0)  (the start address) */
    words[5] = 0x00028067;   /*    jr    t0 */
    words[6] = (uint32_t)start_addr;
    words[7] = (uint32_t)(start_addr >> 32);
    words[8] = (uint32_t)fdt_addr;
    words[9] = (uint32_t)(fdt_addr >> 32);
}

/* ---- harts ------------------------------------------------------------------ */

static bool riscv_virt_create_harts(RiscvVirtState *s, MachineState *ms, Error **errp)
{
    Object *soc = object_get_container("/machine/soc");

    if (!ms->cpu_type || !object_class_by_name(ms->cpu_type)) {
        error_setg(errp, "CPU type '%s' is not built in", ms->cpu_type ? ms->cpu_type : "");
        return false;
    }
    if (ms->smp.cpus > RISCV_VIRT_MAX_HARTS) {
        error_setg(errp, "Number of SMP CPUs requested (%u) exceeds max CPUs supported by "
                   "machine 'virt' (%u)", ms->smp.cpus, RISCV_VIRT_MAX_HARTS);
        return false;
    }
    for (unsigned i = 0; i < ms->smp.cpus; i++) {
        Object *obj = object_new_with_errp(ms->cpu_type, errp);
        if (!obj) {
            return false;
        }
        if (!object_dynamic_cast(obj, TYPE_DEVICE)) {
            object_unref(obj);
            error_setg(errp, "CPU type '%s' is not a device", ms->cpu_type);
            return false;
        }
        char name[32];
        snprintf(name, sizeof(name), "harts[%u]", i);
        bool ok = object_property_add_child(soc, name, obj, errp);
        object_unref(obj);    /* the tree holds it now */
        if (!ok) {
            return false;
        }
        if (object_dynamic_cast(obj, TYPE_RISCV_CPU)) {
            /* The hart sees the board's memory through the soft-MMU. */
            riscv_hart_set_address_space(RISCV_HART(obj), s->as);
        }
        if ((object_property_find(obj, "hartid") &&
             !object_property_set_uint(obj, "hartid", i, errp)) ||
            (object_property_find(obj, "resetvec") &&
             !object_property_set_uint(obj, "resetvec", riscv_virt_memmap[VIRT_MROM].base,
                                       errp)) ||
            !device_realize(DEVICE(obj), errp)) {
            return false;
        }
        s->harts[i] = DEVICE(obj);
    }
    s->n_harts = ms->smp.cpus;
    return true;
}

/* ---- devices ---------------------------------------------------------------- */

static void riscv_virt_map(RiscvVirtState *s, DeviceState *dev, MemoryRegion *mr,
                           GuestPaddr base)
{
    assert(s->n_mapped < sizeof(s->mapped_mr) / sizeof(s->mapped_mr[0]));
    memory_region_add_subregion(&s->sysmem, base, mr);
    s->mapped_dev[s->n_mapped] = DEVICE(object_ref(dev));
    s->mapped_mr[s->n_mapped++] = mr;
}

static MemoryRegion *riscv_virt_test_mmio(DeviceState *dev)
{
    return &SIFIVE_TEST(dev)->iomem;
}

static MemoryRegion *riscv_virt_uart_mmio(DeviceState *dev)
{
    return &UART16550(dev)->iomem;
}

static MemoryRegion *riscv_virt_aclint_mmio(DeviceState *dev)
{
    return &ACLINT(dev)->iomem;
}

static MemoryRegion *riscv_virt_plic_mmio(DeviceState *dev)
{
    return &PLIC(dev)->iomem;
}

static MemoryRegion *riscv_virt_rtc_mmio(DeviceState *dev)
{
    return &GOLDFISH_RTC(dev)->iomem;
}

/* The board's devices, in the order QEMU writes their device-tree nodes. */
static const struct {
    RiscvVirtRegion region;
    const char *type;
    const char *name;
    MemoryRegion *(*mmio)(DeviceState *dev);
} riscv_virt_devices[] = {
    { VIRT_CLINT, TYPE_ACLINT,       "clint",   riscv_virt_aclint_mmio },
    { VIRT_PLIC,  TYPE_PLIC,         "plic",    riscv_virt_plic_mmio },
    { VIRT_TEST,  TYPE_SIFIVE_TEST,  "test",    riscv_virt_test_mmio },
    { VIRT_UART0, TYPE_UART16550,    "serial0", riscv_virt_uart_mmio },
    { VIRT_RTC,   TYPE_GOLDFISH_RTC, "rtc",     riscv_virt_rtc_mmio },
};

#define RISCV_VIRT_DEVICE_COUNT (sizeof(riscv_virt_devices) / sizeof(riscv_virt_devices[0]))

/*
 * Sstc: a hart's stimecmp deadline.  The hart calls stimer_arm with the
 * mtime value at which time >= stimecmp becomes true (UINT64_MAX: never);
 * the timer then asks the hart to re-evaluate STIP.  Conversion as the
 * ACLINT's own mtimecmp timers: ceil((when - delta) * 1e9 / freq) ns.
 */
typedef struct RiscvVirtStimer {
    Timer timer;
    AclintState *aclint;
    RiscvCpu *cpu;
} RiscvVirtStimer;

static void riscv_virt_stimer_fire(void *opaque)
{
    RiscvVirtStimer *t = opaque;
    riscv_cpu_update_stip(t->cpu);
}

static void riscv_virt_stimer_arm(void *opaque, uint64_t when)
{
    RiscvVirtStimer *t = opaque;
    AclintState *a = t->aclint;

    if (when == UINT64_MAX) {
        timer_del(&t->timer);
        return;
    }
    unsigned __int128 ticks = (unsigned __int128)(when - (uint64_t)a->mtime_delta);
    unsigned __int128 ns = (ticks * 1000000000ull + a->timebase_freq - 1) / a->timebase_freq;
    if (ns > INT64_MAX) {
        timer_del(&t->timer);
        return;
    }
    timer_mod_ns(&t->timer, (int64_t)ns);
}

/* A hart's interrupt input for mip bit `bit` (the CPU's GPIO contract). */
static IrqLine *riscv_virt_hart_irq(RiscvVirtState *s, unsigned hart, int bit)
{
    return device_get_gpio_in(s->harts[hart], bit);
}

static bool riscv_virt_create_devices(RiscvVirtState *s, Error **errp)
{
    Object *soc = object_get_container("/machine/soc");

    for (size_t i = 0; i < RISCV_VIRT_DEVICE_COUNT; i++) {
        const RiscvVirtMemmapEntry *m = &riscv_virt_memmap[riscv_virt_devices[i].region];
        Object *obj = object_new_with_errp(riscv_virt_devices[i].type, errp);
        if (!obj) {
            return false;
        }
        bool ok = object_property_add_child(soc, riscv_virt_devices[i].name, obj, errp);
        object_unref(obj);
        if (!ok) {
            return false;
        }
        if (object_property_find(obj, "num-harts") &&
            !object_property_set_uint(obj, "num-harts", s->n_harts, errp)) {
            return false;
        }
        if (!device_realize(DEVICE(obj), errp)) {
            return false;
        }
        riscv_virt_map(s, DEVICE(obj), riscv_virt_devices[i].mmio(DEVICE(obj)), m->base);
        s->devs[i] = DEVICE(obj);
    }
    s->aclint = s->devs[0];
    s->plic = s->devs[1];
    s->test = s->devs[2];
    s->uart0 = s->devs[3];
    s->rtc = s->devs[4];

    /* Interrupts: devices into the PLIC; PLIC contexts and ACLINT lines into
     * each hart (PLIC context 2h is hart h's M mode, 2h + 1 its S mode). */
    for (size_t i = 0; i < RISCV_VIRT_DEVICE_COUNT; i++) {
        int irq = riscv_virt_memmap[riscv_virt_devices[i].region].irq;
        if (irq > 0) {
            device_connect_gpio_out(s->devs[i], 0, device_get_gpio_in(s->plic, irq));
        }
    }
    for (unsigned h = 0; h < s->n_harts; h++) {
        device_connect_gpio_out_named(s->aclint, "msip", (int)h,
                                      riscv_virt_hart_irq(s, h, IRQ_M_SOFT));
        device_connect_gpio_out_named(s->aclint, "mtip", (int)h,
                                      riscv_virt_hart_irq(s, h, IRQ_M_TIMER));
        device_connect_gpio_out(s->plic, (int)(2 * h), riscv_virt_hart_irq(s, h, IRQ_M_EXT));
        device_connect_gpio_out(s->plic, (int)(2 * h + 1),
                                riscv_virt_hart_irq(s, h, IRQ_S_EXT));
        if (object_dynamic_cast(OBJECT(s->harts[h]), TYPE_RISCV_CPU)) {
            RiscvCpu *cpu = &RISCV_HART(s->harts[h])->cpu;
            cpu->rdtime = aclint_rdtime;
            cpu->rdtime_opaque = ACLINT(s->aclint);
            if (!s->stimers) {
                s->stimers = calloc(s->n_harts, sizeof(*s->stimers));
            }
            RiscvVirtStimer *t = &s->stimers[h];
            t->aclint = ACLINT(s->aclint);
            t->cpu = cpu;
            timer_init_ns(&t->timer, CLOCK_TYPE_VIRTUAL, riscv_virt_stimer_fire, t);
            cpu->stimer_arm = riscv_virt_stimer_arm;
            cpu->board_opaque = t;
        }
    }

    /* The virtio-mmio slots; each offers a free virtio bus, and a virtio
     * device realized later (-device, -drive if=virtio) takes the last
     * free one, as in QEMU, where the first device lands in slot 7. */
    for (unsigned n = 0; n < RISCV_VIRT_VIRTIO_COUNT; n++) {
        const RiscvVirtMemmapEntry *m = &riscv_virt_memmap[VIRT_VIRTIO];
        Object *obj = object_new_with_errp(TYPE_VIRTIO_MMIO, errp);
        char name[32];
        if (!obj) {
            return false;
        }
        snprintf(name, sizeof(name), "virtio_mmio[%u]", n);
        bool ok = object_property_add_child(soc, name, obj, errp);
        object_unref(obj);
        if (!ok) {
            return false;
        }
        virtio_mmio_set_dma_as(VIRTIO_MMIO(obj), s->as);
        if (!device_realize(DEVICE(obj), errp)) {
            return false;
        }
        riscv_virt_map(s, DEVICE(obj), &VIRTIO_MMIO(obj)->iomem, m->base + n * m->size);
        device_connect_gpio_out(DEVICE(obj), 0, device_get_gpio_in(s->plic, m->irq + (int)n));
        s->virtio[n] = DEVICE(obj);
    }

    if (serial_hd(0) && !uart16550_attach_chardev(UART16550(s->uart0), serial_hd(0), errp)) {
        error_prepend(errp, "serial0: ");
        return false;
    }
    return true;
}

/* ---- the device tree ----------------------------------------------------------- */

/*
 * riscv,isa as QEMU writes it: "rv64", the single-letter extensions in
 * canonical order (without S and U), then the multi-letter ones each after
 * an underscore, Z extensions by category then name, then S extensions
 * (ISA manual, "ISA Extension Naming Conventions").  From hart 0 as
 * configured (its model and -cpu's extension options); a hart type that is
 * not a RISC-V CPU (tests) gets RV64GC.
 */
static void riscv_virt_isa_string(RiscvVirtState *s, char *buf, size_t size)
{
    static const char canonical[] = "IEMAFDQCLBJTPVNH";
    uint64_t misa = RVI | RVM | RVA | RVF | RVD | RVC;
    RiscvCpuConfig cfg = { .ext_zicsr = true, .ext_zifencei = true };
    ObjectClass *oc = object_get_class(OBJECT(s->harts[0]));
    size_t n;

    if (object_class_dynamic_cast(oc, TYPE_RISCV_CPU)) {
        const RiscvCpu *cpu = &RISCV_HART(s->harts[0])->cpu;
        misa = cpu->misa;
        cfg = cpu->cfg;
    }
    n = (size_t)snprintf(buf, size, "rv64");
    for (const char *c = canonical; *c && n + 1 < size; c++) {
        if (misa & RV_EXT(*c)) {
            buf[n++] = (char)(*c - 'A' + 'a');
        }
    }
    buf[n] = 0;
    const struct {
        bool on;
        const char *name;
    } multi[] = {
        { cfg.ext_zicond, "zicond" },
        { cfg.ext_zicntr, "zicntr" },
        { cfg.ext_zicsr, "zicsr" },
        { cfg.ext_zifencei, "zifencei" },
        { cfg.ext_zihintpause, "zihintpause" },
        { cfg.ext_zba, "zba" },
        { cfg.ext_zbb, "zbb" },
        { cfg.ext_zbc, "zbc" },
        { cfg.ext_zbs, "zbs" },
        { cfg.ext_sstc, "sstc" },
    };
    for (size_t i = 0; i < sizeof(multi) / sizeof(multi[0]); i++) {
        if (multi[i].on && n < size) {
            n += (size_t)snprintf(buf + n, size - n, "_%s", multi[i].name);
        }
    }
}

static void riscv_virt_fdt_cpus(RiscvVirtState *s, DevTree *dt, uint32_t *intc_phandles)
{
    char isa[256];

    riscv_virt_isa_string(s, isa, sizeof(isa));
    devtree_add_node(dt, "/cpus");
    devtree_set_prop_u32(dt, "/cpus", "timebase-frequency", RISCV_VIRT_TIMEBASE_HZ);
    devtree_set_prop_u32(dt, "/cpus", "#size-cells", 0);
    devtree_set_prop_u32(dt, "/cpus", "#address-cells", 1);
    devtree_add_node(dt, "/cpus/cpu-map");
    devtree_add_node(dt, "/cpus/cpu-map/cluster0");

    /* Highest hart first, as QEMU: the tree lists cpu@0 first. */
    for (int i = (int)s->n_harts - 1; i >= 0; i--) {
        char path[64], intc[96], core[64];
        snprintf(path, sizeof(path), "/cpus/cpu@%d", i);
        devtree_add_node(dt, path);
        uint32_t cpu_phandle = devtree_alloc_phandle(dt);
        /* NOTE: QEMU's rv64 default; to follow the hart's widest satp mode
         * once the CPU model says which it walks. */
        devtree_set_prop_string(dt, path, "mmu-type", "riscv,sv48");
        devtree_set_prop_string(dt, path, "riscv,isa", isa);
        devtree_set_prop_string(dt, path, "compatible", "riscv");
        devtree_set_prop_string(dt, path, "status", "okay");
        devtree_set_prop_u32(dt, path, "reg", (uint32_t)i);
        devtree_set_prop_string(dt, path, "device_type", "cpu");

        snprintf(intc, sizeof(intc), "%s/interrupt-controller", path);
        devtree_add_node(dt, intc);
        intc_phandles[i] = devtree_alloc_phandle(dt);
        devtree_set_prop_u32(dt, intc, "phandle", intc_phandles[i]);
        devtree_set_prop_string(dt, intc, "compatible", "riscv,cpu-intc");
        devtree_set_prop_empty(dt, intc, "interrupt-controller");
        devtree_set_prop_u32(dt, intc, "#interrupt-cells", 1);
        devtree_set_prop_u32(dt, path, "phandle", cpu_phandle);

        snprintf(core, sizeof(core), "/cpus/cpu-map/cluster0/core%d", i);
        devtree_add_node(dt, core);
        devtree_set_prop_u32(dt, core, "cpu", cpu_phandle);
    }
}

static void riscv_virt_fdt_memory(DevTree *dt, uint64_t ram_size)
{
    GuestPaddr base = riscv_virt_memmap[VIRT_DRAM].base;
    char *path = devtree_node_path("/", "memory", base);
    uint64_t reg[2] = { base, ram_size };

    devtree_add_node(dt, path);
    devtree_set_prop_u64s(dt, path, "reg", reg, 2);
    devtree_set_prop_string(dt, path, "device_type", "memory");
    free(path);
}

/* The syscon nodes Linux's poweroff and reboot drivers use, pointing at the
 * test finisher. */
static void riscv_virt_fdt_syscon(DevTree *dt, uint32_t test_phandle)
{
    devtree_add_node(dt, "/reboot");
    devtree_set_prop_string(dt, "/reboot", "compatible", "syscon-reboot");
    devtree_set_prop_u32(dt, "/reboot", "regmap", test_phandle);
    devtree_set_prop_u32(dt, "/reboot", "offset", 0);
    devtree_set_prop_u32(dt, "/reboot", "value", SIFIVE_TEST_RESET);
    devtree_add_node(dt, "/poweroff");
    devtree_set_prop_string(dt, "/poweroff", "compatible", "syscon-poweroff");
    devtree_set_prop_u32(dt, "/poweroff", "regmap", test_phandle);
    devtree_set_prop_u32(dt, "/poweroff", "offset", 0);
    devtree_set_prop_u32(dt, "/poweroff", "value", SIFIVE_TEST_PASS);
}

static FdtNodeInfo riscv_virt_node_info(RiscvVirtRegion r, uint32_t intc_phandle,
                                        unsigned n_harts, const uint32_t *hart_intc)
{
    return (FdtNodeInfo){
        .parent = "/soc",
        .base = riscv_virt_memmap[r].base,
        .size = riscv_virt_memmap[r].size,
        .irq = riscv_virt_memmap[r].irq,
        .intc_phandle = intc_phandle,
        .n_harts = n_harts,
        .hart_intc_phandles = hart_intc,
    };
}

/* The virtio-mmio slots' nodes, slot 0 first (so the tree lists it last,
 * as QEMU's). */
static void riscv_virt_fdt_virtio(RiscvVirtState *s, DevTree *dt, uint32_t irqchip)
{
    const RiscvVirtMemmapEntry *m = &riscv_virt_memmap[VIRT_VIRTIO];

    for (unsigned n = 0; n < RISCV_VIRT_VIRTIO_COUNT; n++) {
        FdtNodeInfo info = riscv_virt_node_info(VIRT_VIRTIO, irqchip, 0, NULL);
        info.base = m->base + n * m->size;
        info.irq = m->irq + (int)n;
        devtree_write_device(dt, OBJECT(s->virtio[n]), &info);
    }
}

static DevTree *riscv_virt_build_fdt(RiscvVirtState *s, MachineState *ms)
{
    DevTree *dt = devtree_new();
    uint32_t intc[RISCV_VIRT_MAX_HARTS];
    uint32_t irqchip = 0;    /* the PLIC's phandle, once written */
    uint32_t test_phandle = 0;

    devtree_set_prop_string(dt, "/", "model", "riscv-virtio,qemu");
    devtree_set_prop_string(dt, "/", "compatible", "riscv-virtio");
    devtree_set_prop_u32(dt, "/", "#size-cells", 2);
    devtree_set_prop_u32(dt, "/", "#address-cells", 2);

    devtree_add_node(dt, "/soc");
    devtree_set_prop_empty(dt, "/soc", "ranges");
    devtree_set_prop_string(dt, "/soc", "compatible", "simple-bus");
    devtree_set_prop_u32(dt, "/soc", "#size-cells", 2);
    devtree_set_prop_u32(dt, "/soc", "#address-cells", 2);

    riscv_virt_fdt_cpus(s, dt, intc);
    riscv_virt_fdt_memory(dt, ms->ram_size);

    /* Each device writes its own node, in the device list's order. */
    for (size_t i = 0; i < RISCV_VIRT_DEVICE_COUNT; i++) {
        RiscvVirtRegion r = riscv_virt_devices[i].region;
        FdtNodeInfo info = riscv_virt_node_info(r, irqchip, s->n_harts, intc);
        uint32_t ph = devtree_write_device(dt, OBJECT(s->devs[i]), &info);
        if (r == VIRT_PLIC) {
            irqchip = ph;
            riscv_virt_fdt_virtio(s, dt, irqchip);
        } else if (r == VIRT_TEST) {
            test_phandle = ph;
            riscv_virt_fdt_syscon(dt, test_phandle);
        }
    }

    devtree_add_node(dt, "/chosen");
    char *uart_path = devtree_node_path("/soc", "serial", riscv_virt_memmap[VIRT_UART0].base);
    devtree_set_prop_string(dt, "/chosen", "stdout-path", uart_path);
    free(uart_path);
    return dt;
}

/* /chosen: what the loaders decided (QEMU sets these on a -dtb tree too). */
static void riscv_virt_fdt_chosen(RiscvVirtState *s, MachineState *ms)
{
    devtree_add_node(s->fdt, "/chosen");
    if (ms->kernel_cmdline && ms->kernel_cmdline[0]) {
        devtree_set_prop_string(s->fdt, "/chosen", "bootargs", ms->kernel_cmdline);
    }
    if (s->initrd_end > s->initrd_start) {
        devtree_set_prop_u64s(s->fdt, "/chosen", "linux,initrd-start", &s->initrd_start, 1);
        devtree_set_prop_u64s(s->fdt, "/chosen", "linux,initrd-end", &s->initrd_end, 1);
    }
}

/* ---- images ---------------------------------------------------------------------- */

static const char *const riscv_virt_fw_name = "fw_dynamic.bin";
#define RISCV_VIRT_OPENSBI_DIR "usr/lib/riscv64-linux-gnu/opensbi/generic"

/* A malloc'd path if dir/name is readable, else NULL. */
static char *riscv_virt_try_firmware(const char *dir, const char *sub)
{
    char *path = NULL;

    if (!dir || asprintf(&path, "%s%s/%s", dir, sub, riscv_virt_fw_name) < 0) {
        return NULL;
    }
    if (access(path, R_OK) == 0) {
        return path;
    }
    free(path);
    return NULL;
}

/*
 * -bios default: OpenSBI's generic fw_dynamic, from the first of
 * $MORPHO_FIRMWARE_DIR, ~/.cache/morpho/firmware, the opensbi package that
 * scripts/debian-fetch.sh unpacks under the cache ($MORPHO_CACHE or
 * ~/.cache/morpho), and Debian's own install.
 */
static char *riscv_virt_find_firmware(void)
{
    const char *home = getenv("HOME");
    const char *cache_env = getenv("MORPHO_CACHE");
    char *cache = NULL, *path;

    if ((path = riscv_virt_try_firmware(getenv("MORPHO_FIRMWARE_DIR"), ""))) {
        return path;
    }
    if (cache_env) {
        cache = strdup(cache_env);
    } else if (home && asprintf(&cache, "%s/.cache/morpho", home) < 0) {
        cache = NULL;
    }
    if ((path = riscv_virt_try_firmware(cache, "/firmware")) ||
        (path = riscv_virt_try_firmware(cache, "/debian/riscv64/opensbi/"
                                               RISCV_VIRT_OPENSBI_DIR))) {
        free(cache);
        return path;
    }
    free(cache);
    return riscv_virt_try_firmware("/" RISCV_VIRT_OPENSBI_DIR, "");
}

static bool riscv_virt_load_images(RiscvVirtState *s, MachineState *ms, Error **errp)
{
    GuestPaddr dram = riscv_virt_memmap[VIRT_DRAM].base;
    GuestPaddr firmware_end = dram;
    bool has_firmware = !ms->firmware || strcmp(ms->firmware, "none") != 0;
    LoadedImage img;

    s->start_addr = dram;
    if (has_firmware) {
        char *path = NULL;
        if (!ms->firmware || strcmp(ms->firmware, "default") == 0) {
            path = riscv_virt_find_firmware();
            if (!path) {
                error_setg(errp, "Unable to find the RISC-V BIOS \"%s\" (looked in "
                           "$MORPHO_FIRMWARE_DIR, ~/.cache/morpho/firmware, the cache's "
                           "Debian opensbi package and /" RISCV_VIRT_OPENSBI_DIR "; "
                           "scripts/debian-fetch.sh riscv64 trixie ~/.cache/morpho/debian/"
                           "riscv64 opensbi fetches it, -bios none runs without one)",
                           riscv_virt_fw_name);
                return false;
            }
        } else {
            path = strdup(ms->firmware);
        }
        bool ok = loader_load_firmware(s->as, path, dram, &img, errp);
        free(path);
        if (!ok) {
            return false;
        }
        firmware_end = img.high;
        s->start_addr = img.entry;
    }

    s->kernel_entry = 0;
    if (ms->kernel_filename) {
        GuestPaddr kernel_start = align_up(firmware_end, 2 * MiB);
        if (!loader_load_kernel(s->as, ms->kernel_filename, kernel_start, &img, errp)) {
            return false;
        }
        /* With -bios none QEMU's reset ROM still jumps to the DRAM base, not
         * to the ELF entry (test suites and guests rely on it); the entry
         * only reaches firmware, as fw_dynamic's next_addr. */
        s->kernel_entry = img.entry;
        if (ms->initrd_filename) {
            uint64_t half = ms->ram_size / 2;
            GuestPaddr start = s->kernel_entry + (half < 128 * MiB ? half : 128 * MiB);
            uint8_t *buf;
            size_t len;
            if (!loader_read_file(ms->initrd_filename, &buf, &len, errp)) {
                return false;
            }
            bool ok = loader_load_raw_buf(s->as, ms->initrd_filename, buf, len, start, &img,
                                          errp);
            free(buf);
            if (!ok) {
                error_prepend(errp, "could not load initrd: ");
                return false;
            }
            s->initrd_start = img.low;
            s->initrd_end = img.high;
        }
    }
    return true;
}

static bool riscv_virt_load_dtb_file(RiscvVirtState *s, const char *path, Error **errp)
{
    uint8_t *buf;
    size_t len;

    if (!loader_read_file(path, &buf, &len, errp)) {
        return false;
    }
    DevTree *dt = devtree_from_blob(buf, len, errp);
    free(buf);
    if (!dt) {
        error_prepend(errp, "%s: ", path);
        return false;
    }
    devtree_free(s->fdt);
    s->fdt = dt;
    return true;
}

static bool riscv_virt_dump_dtb(RiscvVirtState *s, const char *path, Error **errp)
{
    size_t size;
    const void *blob = devtree_blob(s->fdt, &size);
    FILE *f = fopen(path, "wb");

    if (!f) {
        error_setg_errno(errp, errno, "could not open '%s' for writing", path);
        return false;
    }
    bool ok = fwrite(blob, 1, size, f) == size;
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        error_setg_errno(errp, errno, "could not write the device tree to '%s'", path);
    }
    return ok;
}

/* The reset ROM: the jump sequence, then struct fw_dynamic_info (RV64). */
static bool riscv_virt_write_reset_rom(RiscvVirtState *s, Error **errp)
{
    uint8_t rom[RISCV_VIRT_RESET_VEC_BYTES + 6 * 8];
    uint32_t words[10];
    uint64_t info[6] = {
        FW_DYNAMIC_INFO_MAGIC,
        FW_DYNAMIC_INFO_VERSION,
        s->kernel_entry,                     /* next_addr */
        FW_DYNAMIC_INFO_NEXT_MODE_S,         /* next_mode */
        0,                                   /* options */
        0,                                   /* boot_hart: any */
    };

    riscv_virt_reset_vec(words, s->start_addr, s->fdt_addr);
    for (int i = 0; i < 10; i++) {
        for (int b = 0; b < 4; b++) {
            rom[i * 4 + b] = (uint8_t)(words[i] >> (8 * b));
        }
    }
    for (int i = 0; i < 6; i++) {
        for (int b = 0; b < 8; b++) {
            rom[RISCV_VIRT_RESET_VEC_BYTES + i * 8 + b] = (uint8_t)(info[i] >> (8 * b));
        }
    }
    return loader_add_blob(s->as, "mrom.reset", riscv_virt_memmap[VIRT_MROM].base, rom,
                           sizeof(rom), errp);
}

/* System reset (QEMU's qemu_devices_reset + rom_reset): the images the
 * loaders wrote come back, then every device under /machine resets (harts
 * back to the reset ROM). */
static void riscv_virt_reset(void *opaque)
{
    RiscvVirtState *s = opaque;

    loader_roms_reset(s->as);
    device_reset_tree(OBJECT(s));
}

/* ---- machine init -------------------------------------------------------------- */

static bool riscv_virt_init(MachineState *ms, Error **errp)
{
    RiscvVirtState *s = RISCV_VIRT_MACHINE(ms);
    GuestPaddr dram = riscv_virt_memmap[VIRT_DRAM].base;

    if (ms->ram_size == 0) {
        error_setg(errp, "the virt board needs some RAM (-m)");
        return false;
    }
    if (ms->ram_size > (1ULL << 40)) {
        error_setg(errp, "-m %" PRIu64 "M: the virt board takes at most 1 TiB of RAM",
                   ms->ram_size / MiB);
        return false;
    }
    memory_region_init(&s->sysmem, s, "system", MEMORY_SIZE_ALL);
    s->as = address_space_create(&s->sysmem, "memory");
    if (!memory_region_init_ram(&s->ram, s, "riscv_virt_board.ram", ms->ram_size, errp)) {
        return false;
    }
    memory_region_add_subregion(&s->sysmem, dram, &s->ram);
    if (!memory_region_init_rom(&s->mrom, s, "riscv_virt_board.mrom",
                                riscv_virt_memmap[VIRT_MROM].size, errp)) {
        return false;
    }
    memory_region_add_subregion(&s->sysmem, riscv_virt_memmap[VIRT_MROM].base, &s->mrom);

    if (!riscv_virt_create_harts(s, ms, errp) || !riscv_virt_create_devices(s, errp) ||
        !riscv_virt_load_images(s, ms, errp)) {
        return false;
    }

    s->fdt = riscv_virt_build_fdt(s, ms);
    if (ms->dtb && !riscv_virt_load_dtb_file(s, ms->dtb, errp)) {
        return false;
    }
    riscv_virt_fdt_chosen(s, ms);
    if (ms->dumpdtb) {
        if (!riscv_virt_dump_dtb(s, ms->dumpdtb, errp)) {
            return false;
        }
        exit(0);    /* as QEMU: -machine dumpdtb=FILE writes the tree and stops */
    }
    size_t fdt_size;
    const void *blob = devtree_blob(s->fdt, &fdt_size);
    s->fdt_addr = riscv_virt_compute_fdt_addr(dram, ms->ram_size, fdt_size);
    if (!loader_add_blob(s->as, "fdt", s->fdt_addr, blob, fdt_size, errp)) {
        error_prepend(errp, "not enough RAM for the device tree: ");
        return false;
    }
    if (!riscv_virt_write_reset_rom(s, errp)) {
        return false;
    }
    runstate_register_reset(riscv_virt_reset, s);
    return true;
}

static void riscv_virt_finalize(Object *obj)
{
    RiscvVirtState *s = RISCV_VIRT_MACHINE(obj);

    runstate_unregister_reset(riscv_virt_reset, s);
    devtree_free(s->fdt);
    if (s->stimers) {
        for (unsigned h = 0; h < s->n_harts; h++) {
            if (s->stimers[h].cpu) {
                timer_del(&s->stimers[h].timer);
            }
        }
        free(s->stimers);
    }
    if (!s->as) {
        return;    /* init never ran */
    }
    memory_region_transaction_begin();
    for (unsigned i = 0; i < s->n_mapped; i++) {
        memory_region_del_subregion(&s->sysmem, s->mapped_mr[i]);
    }
    if (s->mrom.container) {
        memory_region_del_subregion(&s->sysmem, &s->mrom);
    }
    if (s->ram.container) {
        memory_region_del_subregion(&s->sysmem, &s->ram);
    }
    memory_region_transaction_commit();
    for (unsigned i = 0; i < s->n_mapped; i++) {
        object_unref(s->mapped_dev[i]);
    }
    address_space_destroy(s->as);
    if (s->mrom.name) {
        memory_region_destroy(&s->mrom);
    }
    if (s->ram.name) {
        memory_region_destroy(&s->ram);
    }
    memory_region_destroy(&s->sysmem);
}

static void riscv_virt_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "RISC-V VirtIO board";
    mc->guest_arch = "riscv64";
    mc->init = riscv_virt_init;
    mc->max_cpus = RISCV_VIRT_MAX_HARTS;
    mc->default_cpu_type = TYPE_RISCV_CPU_RV64;
    mc->default_ram_size = 128 * MiB;
    mc->is_default = true;
}

static const TypeInfo riscv_virt_type = {
    .name = TYPE_RISCV_VIRT_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(RiscvVirtState),
    .instance_finalize = riscv_virt_finalize,
    .class_init = riscv_virt_class_init,
};

static void riscv_virt_register_types(void)
{
    type_register_static(&riscv_virt_type);
}

type_init(riscv_virt_register_types)
