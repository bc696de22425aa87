/*
 * The "kvm" accelerator object (-accel kvm), QEMU's accel/kvm/kvm-all.c in
 * our shape: it turns the KVM core (kvm.h) into a machine's engine.
 *
 * init_machine opens /dev/kvm and creates the VM (in-kernel LAPIC/IOAPIC/
 * PIC and PIT unless kernel-irqchip=off), one KvmVcpu per -smp CPU, and the
 * machine's two address spaces, which the accelerator owns because KVM is
 * what routes guest accesses into them: "memory" (the 2^64 system space;
 * its RAM becomes KVM memory slots through a MemoryListener, everything
 * else is MMIO that exits to us) and "I/O" (the 64 KiB x86 port space).
 * The board builds its memory map into kvm_accel_system_memory() and
 * kvm_accel_io(), and sets each vCPU's entry state through kvm.h.
 *
 * start_vcpus (after board init) creates one host thread per vCPU running
 * kvm_vcpu_run(); MMIO and port exits are dispatched to the address spaces
 * with the big lock held.  The threads park while the VM is stopped
 * (run-state change handler and runstate_set_cpu_hooks); triple fault or a
 * reset event becomes runstate_request_reset, a shutdown event a shutdown
 * request, and a failed KVM_RUN is reported with a register dump and stops
 * the VM in RUN_STATE_INTERNAL_ERROR, as QEMU does.
 *
 * Threads: the accessors below are for the main thread (board init, reset
 * handlers, with the big lock held and the vCPUs parked or not started).
 */
#ifndef ACCEL_KVM_KVM_ACCEL_H
#define ACCEL_KVM_KVM_ACCEL_H

#include "accel/accel.h"
#include "accel/kvm/kvm.h"
#include "memory/memory.h"

#define TYPE_KVM_ACCEL ACCEL_CLASS_NAME("kvm")
#define KVM_ACCEL_DEVICE_DEFAULT "/dev/kvm"
#define KVM_ACCEL_IO_SPACE_BYTES 0x10000

typedef struct KvmAccel KvmAccel;

/* The accelerator attached to the current machine, or NULL when the
 * machine runs on another one (or none was initialised yet). */
KvmAccel *kvm_accel_current(void);

KvmVm *kvm_accel_vm(KvmAccel *s);
bool kvm_accel_irqchip(KvmAccel *s);
unsigned kvm_accel_vcpu_count(KvmAccel *s);
KvmVcpu *kvm_accel_vcpu(KvmAccel *s, unsigned index);

/* The roots the board maps its RAM, ROM and devices into. */
MemoryRegion *kvm_accel_system_memory(KvmAccel *s);
MemoryRegion *kvm_accel_io(KvmAccel *s);
AddressSpace *kvm_accel_memory_as(KvmAccel *s);
AddressSpace *kvm_accel_io_as(KvmAccel *s);

/* Whether path can be opened read-write, with QEMU's wording when not:
 * "Could not access KVM kernel module: No such file or directory". */
bool kvm_accel_check_device(const char *path, Error **errp);

/* Whether KVM on this host runs guest_arch guests ("x86_64" on an x86-64
 * host); otherwise "KVM does not support riscv64 guests on an x86_64 host". */
bool kvm_accel_check_arch(const char *guest_arch, Error **errp);

#endif
