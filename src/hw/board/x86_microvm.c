/*
 * The x86-64 microvm board (see x86_microvm.h).  Init, in order: check
 * the accelerator (KVM only), RAM below and above the gap, the GSI lines
 * and the ISA bus, the UART, the kernel/initrd files (read and validated
 * once, so a bad image is an init error with exit status 1), then a
 * reset handler that does the loading and sets the vCPUs' entry state;
 * start-up runs it once before vm_start, and every system reset again.
 *
 * Invariants: the kernel and initrd bytes stay in memory for the life of
 * the machine (a reset re-loads them, the guest may have overwritten its
 * copy); the memory map is fixed after init.
 */
#include "hw/board/x86_microvm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/kvm/kvm_accel.h"
#include "core/property.h"
#include "hw/board/machine.h"
#include "hw/char/uart16550.h"
#include "hw/loader/loader.h"
#include "hw/x86/isa_bus.h"
#include "hw/x86/linux_boot.h"
#include "hw/x86/x86_cpu.h"
#include "system/runstate.h"
#include "system/serial_hds.h"
#include "util/log.h"

typedef struct MicrovmMachineState {
    MachineState parent_obj;
    bool auto_kernel_cmdline;          /* property: append the virtio-mmio list */
    KvmAccel *kvm;
    MemoryRegion ram;
    MemoryRegion ram_below_4g;
    MemoryRegion ram_above_4g;
    DeviceState *uart;
    MemoryRegion uart_ports;           /* the UART's 8 registers in the I/O space */
    IrqLine *gsi[MICROVM_IOAPIC_PINS];
    MicrovmMmioSlot virtio[MICROVM_VIRTIO_NUM];
    uint8_t *kernel;
    size_t kernel_size;
    uint8_t *initrd;
    size_t initrd_size;
    char *cmdline;
} MicrovmMachineState;

DECLARE_INSTANCE_CHECKER(MicrovmMachineState, MICROVM_MACHINE, TYPE_MICROVM_MACHINE)

/* ---- the virtio-mmio device list ---------------------------------------- */

void microvm_virtio_slots_init(MicrovmMmioSlot slots[MICROVM_VIRTIO_NUM])
{
    for (unsigned i = 0; i < MICROVM_VIRTIO_NUM; i++) {
        slots[i] = (MicrovmMmioSlot){
            .base = MICROVM_VIRTIO_MMIO_BASE + (GuestPaddr)i * MICROVM_VIRTIO_MMIO_SIZE,
            .size = MICROVM_VIRTIO_MMIO_SIZE,
            .gsi = MICROVM_VIRTIO_GSI_BASE + i,
        };
    }
}

char *microvm_kernel_cmdline(const char *user, const MicrovmMmioSlot *slots, unsigned n)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    if (!f) {
        abort();
    }
    fputs(user ? user : "", f);
    for (unsigned i = 0; i < n; i++) {
        if (!slots[i].in_use) {
            continue;
        }
        fprintf(f, "%svirtio_mmio.device=%" PRIu64 "@0x%" PRIx64 ":%u", ftell(f) > 0 ? " " : "",
                slots[i].size, slots[i].base, slots[i].gsi);
    }
    fclose(f);
    return out;
}

/* ---- interrupts --------------------------------------------------------- */

/* A GSI of the in-kernel IOAPIC (and, for 0-15, the PIC). */
static void microvm_set_gsi(void *opaque, int n, int level)
{
    MicrovmMachineState *s = opaque;
    Error *err = NULL;

    if (!kvm_set_irq(kvm_accel_vm(s->kvm), (unsigned)n, level != 0, &err)) {
        log_mask_printf(LOG_GUEST_ERRORS, "microvm: GSI %d: %s\n", n, error_get_pretty(err));
        error_free(err);
    }
}

/* ---- boot --------------------------------------------------------------- */

static bool microvm_mem_write(void *opaque, GuestPaddr addr, const void *buf, size_t len,
                              Error **errp)
{
    MicrovmMachineState *s = opaque;

    return address_space_write_rom(kvm_accel_memory_as(s->kvm), addr, buf, len, errp);
}

static bool microvm_load_linux(MicrovmMachineState *s, X86BootInfo *info, Error **errp)
{
    MachineState *ms = MACHINE(s);
    GuestMemWriter m = { .write = microvm_mem_write, .opaque = s, .ram_size = ms->ram_size };
    X86LinuxBootConfig c = {
        .kernel = s->kernel,
        .kernel_size = s->kernel_size,
        .kernel_name = ms->kernel_filename,
        .initrd = s->initrd,
        .initrd_size = s->initrd_size,
        .cmdline = s->cmdline,
        .ram = { .ram_size = ms->ram_size, .gap_start = MICROVM_GAP_START },
    };

    return x86_linux_load(&m, &c, info, errp);
}

/* System reset: a fresh copy of the kernel and its zero page, vCPU 0 at
 * the 64-bit entry, the others waiting for the guest's INIT/SIPI.  The
 * same load succeeded at init, so a failure here is our bug. */
static void microvm_reset(void *opaque)
{
    MicrovmMachineState *s = opaque;
    X86BootInfo info;

    microvm_load_linux(s, &info, &error_abort);
    KvmEntry e = {
        .mode = KVM_ENTRY_LONG64, .rip = info.entry, .rsp = info.stack,
        .rsi = info.boot_params, .cr3 = info.pml4, .gdt_base = info.gdt_base,
        .gdt_limit = info.gdt_limit, .code_sel = info.code_sel, .data_sel = info.data_sel,
    };
    kvm_vcpu_set_entry(kvm_accel_vcpu(s->kvm, 0), &e, &error_abort);
    for (unsigned i = 1; i < kvm_accel_vcpu_count(s->kvm); i++) {
        kvm_vcpu_wait_for_sipi(kvm_accel_vcpu(s->kvm, i), &error_abort);
    }
    /* NOTE: the in-kernel LAPIC, IOAPIC, PIC and PIT keep their state over
     * a reset (QEMU resets them through KVM_SET_LAPIC and friends); Linux
     * reprograms all of them while booting. */
}

/* ---- init --------------------------------------------------------------- */

static bool microvm_init_memory(MicrovmMachineState *s, Error **errp)
{
    MachineState *ms = MACHINE(s);
    MemoryRegion *sysmem = kvm_accel_system_memory(s->kvm);
    uint64_t below = ms->ram_size < MICROVM_GAP_START ? ms->ram_size : MICROVM_GAP_START;

    if (!memory_region_init_ram(&s->ram, s, "microvm.ram", ms->ram_size, errp)) {
        return false;
    }
    memory_region_init_alias(&s->ram_below_4g, s, "ram-below-4g", &s->ram, 0, below);
    memory_region_add_subregion(sysmem, 0, &s->ram_below_4g);
    if (ms->ram_size > below) {
        memory_region_init_alias(&s->ram_above_4g, s, "ram-above-4g", &s->ram, below,
                                 ms->ram_size - below);
        memory_region_add_subregion(sysmem, E820_4G, &s->ram_above_4g);
    }
    return true;
}

static void microvm_init_irqs(MicrovmMachineState *s)
{
    IrqLine **lines = irq_alloc_array(microvm_set_gsi, s, MICROVM_IOAPIC_PINS);

    memcpy(s->gsi, lines, sizeof(s->gsi));
    free(lines);
    isa_bus_set(kvm_accel_io(s->kvm), s->gsi);
}

/* The COM1 16550: registers at ports 0x3f8-0x3ff (regshift 0: the first
 * 8 bytes of its register window), interrupt on ISA IRQ 4. */
static bool microvm_init_serial(MicrovmMachineState *s, Error **errp)
{
    Object *obj = object_new_with_errp(TYPE_UART16550, errp);
    bool ok;

    if (!obj) {
        return false;
    }
    ok = object_property_add_child(OBJECT(s), "serial0", obj, errp);
    object_unref(obj);
    if (!ok || !device_realize(DEVICE(obj), errp)) {
        return false;
    }
    s->uart = DEVICE(obj);
    memory_region_init_alias(&s->uart_ports, s, "serial", &UART16550(obj)->iomem, 0, 8);
    memory_region_add_subregion(kvm_accel_io(s->kvm), MICROVM_SERIAL_IOBASE, &s->uart_ports);
    device_connect_gpio_out(s->uart, 0, s->gsi[MICROVM_SERIAL_GSI]);
    if (serial_hd(0) && !uart16550_attach_chardev(UART16550(obj), serial_hd(0), errp)) {
        error_prepend(errp, "serial0: ");
        return false;
    }
    return true;
}

static bool microvm_init(MachineState *ms, Error **errp)
{
    MicrovmMachineState *s = MICROVM_MACHINE(ms);
    X86BootInfo info;

    s->kvm = kvm_accel_current();
    if (!s->kvm) {
        error_setg(errp, "microvm: x86 guests run only on KVM here (use -accel kvm)");
        return false;
    }
    if (!kvm_accel_irqchip(s->kvm)) {
        error_setg(errp, "microvm: needs the in-kernel irqchip (-accel kvm,kernel-irqchip=on)");
        return false;
    }
    if (!ms->kernel_filename) {
        error_setg(errp, "microvm: no firmware here, -kernel is required (bzImage or vmlinux)");
        return false;
    }
    if (!microvm_init_memory(s, errp)) {
        return false;
    }
    microvm_init_irqs(s);
    if (!microvm_init_serial(s, errp)) {
        return false;
    }
    microvm_virtio_slots_init(s->virtio);

    if (!loader_read_file(ms->kernel_filename, &s->kernel, &s->kernel_size, errp)) {
        error_prepend(errp, "-kernel: ");
        return false;
    }
    if (ms->initrd_filename &&
        !loader_read_file(ms->initrd_filename, &s->initrd, &s->initrd_size, errp)) {
        error_prepend(errp, "-initrd: ");
        return false;
    }
    s->cmdline = s->auto_kernel_cmdline
                     ? microvm_kernel_cmdline(ms->kernel_cmdline, s->virtio, MICROVM_VIRTIO_NUM)
                     : strdup(ms->kernel_cmdline ? ms->kernel_cmdline : "");
    /* Load once now so a bad image fails start-up with its reason; the
     * reset handler loads it again before the vCPUs first run. */
    if (!microvm_load_linux(s, &info, errp)) {
        return false;
    }
    runstate_register_reset(microvm_reset, s);
    return true;
}

/* ---- type --------------------------------------------------------------- */

static bool microvm_get_auto_kernel_cmdline(Object *obj)
{
    return MICROVM_MACHINE(obj)->auto_kernel_cmdline;
}

static bool microvm_set_auto_kernel_cmdline(Object *obj, bool value, Error **errp)
{
    MICROVM_MACHINE(obj)->auto_kernel_cmdline = value;
    return true;
}

static void microvm_instance_init(Object *obj)
{
    MICROVM_MACHINE(obj)->auto_kernel_cmdline = true;
}

static const char *const microvm_valid_cpu_types[] = { TYPE_X86_CPU, NULL };

static void microvm_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "microvm (i386)";
    mc->init = microvm_init;
    mc->max_cpus = 255;
    mc->default_cpu_type = X86_CPU_TYPE_NAME("host");
    mc->valid_cpu_types = microvm_valid_cpu_types;
    mc->default_ram_size = 128ull << 20;
    object_class_property_add_bool(oc, "auto-kernel-cmdline", microvm_get_auto_kernel_cmdline,
                                   microvm_set_auto_kernel_cmdline,
                                   "Set off to disable adding virtio-mmio devices to the "
                                   "kernel cmdline");
}

static const TypeInfo microvm_machine_type = {
    .name = TYPE_MICROVM_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(MicrovmMachineState),
    .instance_init = microvm_instance_init,
    .class_init = microvm_class_init,
};

static void microvm_register_types(void)
{
    type_register_static(&microvm_machine_type);
}

type_init(microvm_register_types)
