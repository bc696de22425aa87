/*
 * The KVM accelerator for x86-64 guests: one KvmVm per machine (the
 * /dev/kvm fd, the VM fd, memory slots, the in-kernel irqchip and PIT) and
 * one KvmVcpu per guest CPU (its fd, the mmap'd struct kvm_run, the CPUID it
 * was given).  This is the path QEMU's kvm_init -> KVM_CREATE_VM ->
 * kvm_init_vcpu -> kvm_cpu_exec -> KVM_RUN takes (Linux
 * Documentation/virt/kvm/api.rst), without QEMU's layers: the board hands
 * us RAM as (slot, guest address, size, host pointer) and port/MMIO exits
 * go back to the board through KvmExitOps (the memory API after the merge).
 *
 * Threads: kvm_vm_* run on the main thread (big lock held, once the system/
 * room exists).  Each vCPU is run by exactly one host thread, the one that
 * first calls kvm_vcpu_run() on it; KvmExitOps callbacks run on that thread.
 * kvm_vcpu_kick() may be called from any thread: it makes KVM_RUN return
 * (or not enter) by setting kvm_run->immediate_exit and sending
 * KVM_KICK_SIGNAL to the vCPU thread, a signal used for nothing else.
 *
 * Errors: every fallible call returns bool/NULL and fills errp with a
 * message that names the ioctl or capability; nothing here exits.
 */
#ifndef ACCEL_KVM_KVM_H
#define ACCEL_KVM_KVM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "util/addr.h"

struct kvm_regs;
struct kvm_sregs;

typedef struct KvmVm KvmVm;
typedef struct KvmVcpu KvmVcpu;

/* Interrupts KVM_RUN only; installed with an empty handler by kvm_vm_open(). */
#define KVM_KICK_SIGNAL SIGUSR1

/* Default place of the three pages KVM's VMX code needs for real mode
 * (KVM_SET_TSS_ADDR) and the one-page identity map (KVM_SET_IDENTITY_MAP_ADDR):
 * just below the 4 GiB BIOS area, as QEMU does; the board keeps it unused. */
#define KVM_TSS_ADDR_DEFAULT     0xfffbd000ull
#define KVM_IDENTITY_MAP_DEFAULT 0xfffbc000ull

typedef struct KvmVmConfig {
    const char *dev_path;     /* NULL: "/dev/kvm" */
    unsigned nr_vcpus;        /* -smp N, >= 1; sets the CPUID topology */
    bool irqchip;             /* in-kernel LAPIC/IOAPIC/PIC + PIT2 */
    GuestPaddr tss_addr;      /* 0: KVM_TSS_ADDR_DEFAULT */
    GuestPaddr identity_map_addr; /* 0: KVM_IDENTITY_MAP_DEFAULT */
} KvmVmConfig;

/* Opens dev_path, checks the API version (12) and every capability we use,
 * creates the VM, sets the TSS/identity-map addresses, and with
 * cfg->irqchip creates the in-kernel irqchip and PIT2.  Errors say which
 * step failed: missing device, permission, version, "capability X missing". */
KvmVm *kvm_vm_open(const KvmVmConfig *cfg, Error **errp);
/* Closes every vCPU first (they must no longer be running), then the VM. */
void kvm_vm_close(KvmVm *vm);

/* KVM_CHECK_EXTENSION on the VM fd (the system fd before the VM exists):
 * > 0 means present; some capabilities return a count. */
int kvm_vm_check_extension(KvmVm *vm, unsigned cap);
unsigned kvm_vm_max_slots(KvmVm *vm);
bool kvm_vm_has_irqchip(KvmVm *vm);

/* KVM_SET_USER_MEMORY_REGION: map size bytes at host into the guest at gpa.
 * flags: KVM_MEM_READONLY / KVM_MEM_LOG_DIRTY_PAGES.  gpa, size and host
 * must be page aligned.  Replacing a live slot must remove it first (KVM's
 * rule): kvm_remove_ram_slot() then kvm_set_ram_slot(). */
bool kvm_set_ram_slot(KvmVm *vm, unsigned slot, GuestPaddr gpa, uint64_t size,
                      HostPtr host, uint32_t flags, Error **errp);
bool kvm_remove_ram_slot(KvmVm *vm, unsigned slot, Error **errp);

/* KVM_IRQ_LINE: level of a GSI of the in-kernel irqchip (PIC 0-15 and
 * IOAPIC 0-23 with the default routing).  Any thread. */
bool kvm_set_irq(KvmVm *vm, unsigned gsi, bool level, Error **errp);

/* What the board does with port I/O and MMIO exits.  data is little
 * endian, size 1, 2, 4 (or 8 for MMIO).  A read callback must fill data;
 * unclaimed addresses should read as all ones and be logged under
 * -d guest_errors.  Run on the vCPU's thread. */
typedef void (*KvmPioReadFn)(void *opaque, KvmVcpu *vcpu, uint16_t port, unsigned size,
                             void *data);
typedef void (*KvmPioWriteFn)(void *opaque, KvmVcpu *vcpu, uint16_t port, unsigned size,
                              const void *data);
typedef void (*KvmMmioReadFn)(void *opaque, KvmVcpu *vcpu, GuestPaddr addr, unsigned size,
                              void *data);
typedef void (*KvmMmioWriteFn)(void *opaque, KvmVcpu *vcpu, GuestPaddr addr, unsigned size,
                               const void *data);

typedef struct KvmExitOps {
    KvmPioReadFn pio_read;
    KvmPioWriteFn pio_write;
    KvmMmioReadFn mmio_read;
    KvmMmioWriteFn mmio_write;
    void *opaque;
} KvmExitOps;

/* KVM_CREATE_VCPU with APIC id == index, mmap of kvm_run, and KVM_SET_CPUID2
 * from KVM_GET_SUPPORTED_CPUID fixed up for nr_vcpus cores on one socket
 * (leaf 1 APIC id and logical count, leaf 0xB/0x1F levels, hypervisor bit).
 * The vCPU starts in KVM's reset state (real mode, CS:IP f000:fff0). */
KvmVcpu *kvm_vcpu_create(KvmVm *vm, unsigned index, const KvmExitOps *ops, Error **errp);
unsigned kvm_vcpu_index(const KvmVcpu *vcpu);

/* Why kvm_vcpu_run() returned to its caller. */
typedef enum KvmStop {
    KVM_STOP_HALT,       /* HLT without an in-kernel irqchip */
    KVM_STOP_KICK,       /* kvm_vcpu_kick() or a signal interrupted KVM_RUN */
    KVM_STOP_REQUEST,    /* a callback called kvm_vcpu_request_stop() */
    KVM_STOP_RESET,      /* triple fault or KVM_SYSTEM_EVENT_RESET: reset request */
    KVM_STOP_POWEROFF,   /* KVM_SYSTEM_EVENT_SHUTDOWN */
    KVM_STOP_ERROR,      /* entry failure, internal error...: *errp has the dump */
} KvmStop;

/* Runs the vCPU until something the caller must decide on; port I/O and
 * MMIO exits are handled here through KvmExitOps.  On KVM_STOP_ERROR *errp
 * carries the exit reason and a register dump.  vCPU thread only. */
KvmStop kvm_vcpu_run(KvmVcpu *vcpu, Error **errp);
/* From a callback on the vCPU thread: return KVM_STOP_REQUEST after this exit. */
void kvm_vcpu_request_stop(KvmVcpu *vcpu);
/* Any thread: make the vCPU's current or next KVM_RUN return KVM_STOP_KICK. */
void kvm_vcpu_kick(KvmVcpu *vcpu);

/* Register access (vCPU thread, or before the vCPU runs). */
bool kvm_vcpu_get_regs(KvmVcpu *vcpu, struct kvm_regs *regs, Error **errp);
bool kvm_vcpu_set_regs(KvmVcpu *vcpu, const struct kvm_regs *regs, Error **errp);
bool kvm_vcpu_get_sregs(KvmVcpu *vcpu, struct kvm_sregs *sregs, Error **errp);
bool kvm_vcpu_set_sregs(KvmVcpu *vcpu, const struct kvm_sregs *sregs, Error **errp);
/* Appends a one-screen register dump (rip, rsp, flags, CRs, EFER, CS) to buf. */
void kvm_vcpu_dump_regs(KvmVcpu *vcpu, char *buf, size_t size);

/* How a vCPU starts: the reset state, or the 64-bit entry of a loader
 * (Linux's boot protocol: paging on, flat CS/DS from the GDT). */
typedef enum KvmEntryMode {
    KVM_ENTRY_REAL,      /* real mode: the reset state with CS:IP = real_cs:rip */
    KVM_ENTRY_LONG64,    /* long mode, CR0.PE|PG, CR4.PAE, EFER.LME|LMA */
} KvmEntryMode;

typedef struct KvmEntry {
    KvmEntryMode mode;
    uint64_t rip;        /* REAL: offset within cs_base; LONG64: linear address */
    uint64_t rsp, rsi;
    uint16_t real_cs;    /* REAL: the CS selector (base = real_cs << 4) */
    uint64_t cr3;        /* LONG64: the PML4 */
    GuestPaddr gdt_base; /* LONG64 */
    uint16_t gdt_limit;
    uint16_t code_sel;   /* LONG64: e.g. 0x10; DS/ES/SS/FS/GS get data_sel */
    uint16_t data_sel;   /* e.g. 0x18 */
} KvmEntry;

/* Sets regs/sregs for e (other registers cleared, RFLAGS = 0x2).  With the
 * in-kernel irqchip it also makes the vCPU runnable: an AP otherwise waits
 * for INIT/SIPI, which is what a board wants for APs Linux starts itself. */
bool kvm_vcpu_set_entry(KvmVcpu *vcpu, const KvmEntry *e, Error **errp);
/* With the in-kernel irqchip: put an AP back where it was at creation,
 * waiting for INIT/SIPI (KVM_MP_STATE_UNINITIALIZED; the INIT resets its
 * registers), as a system reset must.  Not for vCPU 0. */
bool kvm_vcpu_wait_for_sipi(KvmVcpu *vcpu, Error **errp);

#endif
