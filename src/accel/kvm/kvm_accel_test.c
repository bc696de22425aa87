/*
 * Tests of the "kvm" accelerator object: QEMU's wording for a missing
 * device and for a guest architecture the host cannot run, property
 * checks, and (when /dev/kvm works) a real-mode guest whose RAM reaches
 * KVM only through the MemoryListener and whose port and MMIO accesses
 * come back through the "I/O" and "memory" address spaces.
 */
#include "accel/kvm/kvm_accel.h"

#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>

#include "hw/board/machine.h"
#include "util/unittest.h"

UNITTEST(missing_device_says_why)
{
    Error *err = NULL;

    CHECK(!kvm_accel_check_device("/nonexistent/kvm", &err));
    CHECK_STR(error_get_pretty(err),
              "Could not access KVM kernel module: No such file or directory");
    error_free(err);
}

UNITTEST(guest_arch_must_match_host)
{
    Error *err = NULL;

    CHECK(kvm_accel_check_arch("x86_64", NULL));
    CHECK(kvm_accel_check_arch(NULL, NULL));
    CHECK(!kvm_accel_check_arch("riscv64", &err));
    CHECK_STR(error_get_pretty(err), "KVM does not support riscv64 guests on an x86_64 host");
    error_free(err);
}

UNITTEST(irqchip_property)
{
    Object *obj = object_new(TYPE_KVM_ACCEL);
    Error *err = NULL;
    char *v;

    v = object_property_get_str(obj, "kernel-irqchip", NULL);
    CHECK_STR(v, "on");
    free(v);
    CHECK(object_property_parse(obj, "kernel-irqchip", "off", NULL));
    v = object_property_get_str(obj, "kernel-irqchip", NULL);
    CHECK_STR(v, "off");
    free(v);
    CHECK(!object_property_parse(obj, "kernel-irqchip", "maybe", &err));
    CHECK_STR(error_get_pretty(err),
              "Invalid 'kernel-irqchip' setting 'maybe' (expected on or off)");
    error_free(err);
    object_unref(obj);
}

UNITTEST(init_machine_refuses_foreign_guests)
{
    AccelState *accel = ACCEL(object_new(TYPE_KVM_ACCEL));
    MachineState ms = { .smp = { .cpus = 1 } };
    Error *err = NULL;

    accel->guest_arch = "riscv64";
    CHECK(!accel_init_machine(accel, &ms, &err));
    CHECK_STR(error_get_pretty(err),
              "failed to initialize kvm: KVM does not support riscv64 guests on an x86_64 host");
    error_free(err);
    CHECK(kvm_accel_current() == NULL);
    object_unref(accel);
}

/* The bench: a port at 0x80 and 4 KiB of MMIO at 0x10000. */
static uint64_t port80_value = 0, mmio_write_value = 0, mmio_write_addr = ~0ull;

static void port80_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    port80_value = val;
}

static uint64_t mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    return addr == 4 ? 0x77 : 0;
}

static void mmio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    mmio_write_addr = addr;
    mmio_write_value = val;
}

static const MemoryRegionOps port80_ops = { .write = port80_write };
static const MemoryRegionOps mmio_ops = { .read = mmio_read, .write = mmio_write };

/* Real mode at 0000:1000 (assembled by hand, 16-bit):
 *   mov al,0x42 / out 0x80,al          port write through "I/O"
 *   in al,0x99 / mov [0x2000],al       unassigned port reads 0xff
 *   mov ax,0x1000 / mov ds,ax
 *   mov byte [0],0x55                  MMIO write at 0x10000
 *   mov al,[4]                         MMIO read at 0x10004 -> 0x77
 *   xor bx,bx / mov ds,bx / mov [0x2001],al / hlt */
static const uint8_t guest_code[] = {
    0xb0, 0x42, 0xe6, 0x80,
    0xe4, 0x99, 0xa2, 0x00, 0x20,
    0xb8, 0x00, 0x10, 0x8e, 0xd8,
    0xc6, 0x06, 0x00, 0x00, 0x55,
    0xa0, 0x04, 0x00,
    0x31, 0xdb, 0x8e, 0xdb, 0xa2, 0x01, 0x20,
    0xf4,
};

UNITTEST(guest_exits_reach_the_address_spaces)
{
    AccelState *accel = ACCEL(object_new(TYPE_KVM_ACCEL));
    MachineState ms = { .smp = { .cpus = 1 } };
    MemoryRegion ram, port80, mmio;
    Error *err = NULL;
    KvmAccel *s;

    accel->guest_arch = "x86_64";
    CHECK(object_property_parse(OBJECT(accel), "kernel-irqchip", "off", NULL));
    if (!accel_init_machine(accel, &ms, &err)) {
        unittest_skip(error_get_pretty(err));
        error_free(err);
        object_unref(accel);
        return;
    }
    s = kvm_accel_current();
    CHECK(s == (KvmAccel *)accel);
    CHECK_INT(kvm_accel_vcpu_count(s), 1);
    CHECK(kvm_accel_vcpu(s, 1) == NULL);

    CHECK(memory_region_init_ram(&ram, NULL, "ram", 0x10000, NULL));
    memory_region_init_io(&port80, NULL, &port80_ops, NULL, "port80", 1);
    memory_region_init_io(&mmio, NULL, &mmio_ops, NULL, "mmio", 0x1000);
    memory_region_add_subregion(kvm_accel_system_memory(s), 0, &ram);
    memory_region_add_subregion(kvm_accel_system_memory(s), 0x10000, &mmio);
    memory_region_add_subregion(kvm_accel_io(s), 0x80, &port80);
    CHECK(memory_region_write_rom(&ram, 0x1000, guest_code, sizeof(guest_code), NULL));

    KvmVcpu *vcpu = kvm_accel_vcpu(s, 0);
    CHECK(kvm_vcpu_set_entry(vcpu, &(KvmEntry){ .mode = KVM_ENTRY_REAL, .rip = 0x1000 }, NULL));
    CHECK_INT(kvm_vcpu_run(vcpu, NULL), KVM_STOP_HALT);

    uint8_t *host = memory_region_get_ram_ptr(&ram);
    CHECK_U64(port80_value, 0x42);
    CHECK_INT(host[0x2000], 0xff);
    CHECK_U64(mmio_write_addr, 0);
    CHECK_U64(mmio_write_value, 0x55);
    CHECK_INT(host[0x2001], 0x77);

    memory_region_del_subregion(kvm_accel_system_memory(s), &ram);
    memory_region_del_subregion(kvm_accel_system_memory(s), &mmio);
    memory_region_del_subregion(kvm_accel_io(s), &port80);
    memory_region_destroy(&ram);
    memory_region_destroy(&mmio);
    memory_region_destroy(&port80);
    object_unref(accel);
    CHECK(kvm_accel_current() == NULL);
}
