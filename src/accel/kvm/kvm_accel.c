/*
 * The "kvm" accelerator (see kvm_accel.h): VM and vCPUs at init_machine,
 * RAM sections of the system address space as KVM memory slots, one host
 * thread per vCPU around kvm_vcpu_run(), exits dispatched to the memory API.
 * Mirrors the TCG accelerator's run control (tcg_accel.c): one lock and two
 * condition variables shared by every vCPU thread.
 *
 * Invariants: a slot in s->slots is either free (size 0) or mirrors one
 * KVM memory slot with the same index; kvm_run.parked <= kvm_run.threads;
 * a vCPU thread only enters KVM_RUN while kvm_run.running; after a stop
 * that needs the main loop (reset, power-off, error) it does not re-enter
 * the guest until the main loop has paused and resumed the vCPUs
 * (kvm_run.resume_generation moved), so a triple-faulted vCPU does not
 * spin requesting resets.
 */
#include "accel/kvm/kvm_accel.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/board/machine.h"
#include "system/bql.h"
#include "system/runstate.h"
#include "util/log.h"

#define KVM_PAGE_BYTES 4096ull
#define KVM_ACCEL_MAX_SLOTS 64
#define KVM_ACCEL_MAX_VCPUS 255      /* APIC ids fit the xAPIC's 8 bits */

#if defined(__x86_64__)
#define KVM_HOST_ARCH "x86_64"
#else
#define KVM_HOST_ARCH "unsupported"
#endif

typedef struct KvmSlot {
    GuestPaddr gpa;
    uint64_t size;               /* 0: free */
    HostPtr host;
} KvmSlot;

typedef struct KvmVcpuThread {
    KvmAccel *s;
    KvmVcpu *vcpu;
    pthread_t thread;
} KvmVcpuThread;

struct KvmAccel {
    AccelState parent;
    char *device;                /* property "device": /dev/kvm */
    bool irqchip;                /* property "kernel-irqchip": on */
    KvmVm *vm;
    unsigned nr_vcpus;
    KvmVcpu **vcpus;
    KvmVcpuThread *threads;
    MemoryRegion system_memory;
    MemoryRegion io;
    AddressSpace *memory_as;
    AddressSpace *io_as;
    MemoryListener listener;
    KvmSlot slots[KVM_ACCEL_MAX_SLOTS];
    unsigned max_slots;
};

DECLARE_INSTANCE_CHECKER(KvmAccel, KVM_ACCEL, TYPE_KVM_ACCEL)

static KvmAccel *kvm_accel_attached;

/* The run control shared by every vCPU thread. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;         /* vCPUs wait here: resume, next cycle */
    pthread_cond_t parked_cond;  /* the main thread waits here for parking */
    bool running;
    int threads;
    int parked;
    unsigned resume_generation;  /* bumped by every resume */
} kvm_run = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .cond = PTHREAD_COND_INITIALIZER,
    .parked_cond = PTHREAD_COND_INITIALIZER,
};

/* ---- accessors ---------------------------------------------------------- */

KvmAccel *kvm_accel_current(void)
{
    return kvm_accel_attached;
}

KvmVm *kvm_accel_vm(KvmAccel *s)
{
    return s->vm;
}

bool kvm_accel_irqchip(KvmAccel *s)
{
    return s->irqchip;
}

unsigned kvm_accel_vcpu_count(KvmAccel *s)
{
    return s->nr_vcpus;
}

KvmVcpu *kvm_accel_vcpu(KvmAccel *s, unsigned index)
{
    return index < s->nr_vcpus ? s->vcpus[index] : NULL;
}

MemoryRegion *kvm_accel_system_memory(KvmAccel *s)
{
    return &s->system_memory;
}

MemoryRegion *kvm_accel_io(KvmAccel *s)
{
    return &s->io;
}

AddressSpace *kvm_accel_memory_as(KvmAccel *s)
{
    return s->memory_as;
}

AddressSpace *kvm_accel_io_as(KvmAccel *s)
{
    return s->io_as;
}

bool kvm_accel_check_device(const char *path, Error **errp)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not access KVM kernel module");
        return false;
    }
    close(fd);
    return true;
}

bool kvm_accel_check_arch(const char *guest_arch, Error **errp)
{
    if (guest_arch && strcmp(guest_arch, KVM_HOST_ARCH) != 0) {
        error_setg(errp, "KVM does not support %s guests on an %s host", guest_arch,
                   KVM_HOST_ARCH);
        return false;
    }
    return true;
}

/* ---- memory slots ------------------------------------------------------- */

/* KVM maps whole pages: keep the page-aligned middle of a section (QEMU's
 * kvm_align_section).  Returns false when nothing is left. */
static bool kvm_section_pages(MemoryRegionSection *sec, GuestPaddr *gpa, uint64_t *size,
                              HostPtr *host)
{
    GuestPaddr start = sec->offset_within_address_space;
    GuestPaddr aligned = (start + KVM_PAGE_BYTES - 1) & ~(KVM_PAGE_BYTES - 1);
    uint64_t end;

    if (sec->size == UINT64_MAX || sec->size <= aligned - start) {
        return false;
    }
    end = (start + sec->size) & ~(KVM_PAGE_BYTES - 1);
    if (end <= aligned) {
        return false;
    }
    *gpa = aligned;
    *size = end - aligned;
    *host = (uint8_t *)memory_region_get_ram_ptr(sec->mr) + sec->offset_within_region +
            (aligned - start);
    return true;
}

static void kvm_accel_region_add(MemoryListener *l, MemoryRegionSection *sec)
{
    KvmAccel *s = (KvmAccel *)((char *)l - offsetof(KvmAccel, listener));
    GuestPaddr gpa;
    uint64_t size;
    HostPtr host;
    Error *err = NULL;

    if (!sec->ram_backed || !kvm_section_pages(sec, &gpa, &size, &host)) {
        return;
    }
    for (unsigned i = 0; i < s->max_slots; i++) {
        if (s->slots[i].size) {
            continue;
        }
        if (!kvm_set_ram_slot(s->vm, i, gpa, size, host,
                              sec->readonly ? KVM_MEM_READONLY : 0, &err)) {
            /* The memory API has no way back: the guest would see MMIO
             * exits where RAM should be, so this is fatal for the VM. */
            error_report_err(err);
            abort();
        }
        s->slots[i] = (KvmSlot){ .gpa = gpa, .size = size, .host = host };
        return;
    }
    error_report("kvm: out of memory slots (%u) mapping %s", s->max_slots,
                 memory_region_name(sec->mr));
    abort();
}

static void kvm_accel_region_del(MemoryListener *l, MemoryRegionSection *sec)
{
    KvmAccel *s = (KvmAccel *)((char *)l - offsetof(KvmAccel, listener));
    GuestPaddr gpa;
    uint64_t size;
    HostPtr host;

    if (!sec->ram_backed || !kvm_section_pages(sec, &gpa, &size, &host)) {
        return;
    }
    for (unsigned i = 0; i < s->max_slots; i++) {
        KvmSlot *slot = &s->slots[i];

        if (slot->size == size && slot->gpa == gpa && slot->host == host) {
            kvm_remove_ram_slot(s->vm, i, &error_abort);
            slot->size = 0;
            return;
        }
    }
}

/* ---- exits -------------------------------------------------------------- */

static void kvm_accel_mmio_read(void *opaque, KvmVcpu *vcpu, GuestPaddr addr, unsigned size,
                                void *data)
{
    KvmAccel *s = opaque;

    address_space_read(s->memory_as, addr, MEMTXATTRS_UNSPECIFIED, data, size);
}

static void kvm_accel_mmio_write(void *opaque, KvmVcpu *vcpu, GuestPaddr addr, unsigned size,
                                 const void *data)
{
    KvmAccel *s = opaque;

    address_space_write(s->memory_as, addr, MEMTXATTRS_UNSPECIFIED, data, size);
}

static void kvm_accel_pio_read(void *opaque, KvmVcpu *vcpu, uint16_t port, unsigned size,
                               void *data)
{
    KvmAccel *s = opaque;
    MemTxResult r;

    r = address_space_read(s->io_as, port, MEMTXATTRS_UNSPECIFIED, data, size);
    if (r == MEMTX_DECODE_ERROR) {
        /* Nothing drives the ISA bus: the pull-ups make it read all ones. */
        memset(data, 0xff, size);
    }
}

static void kvm_accel_pio_write(void *opaque, KvmVcpu *vcpu, uint16_t port, unsigned size,
                                const void *data)
{
    KvmAccel *s = opaque;

    address_space_write(s->io_as, port, MEMTXATTRS_UNSPECIFIED, data, size);
}

/* ---- vCPU threads ------------------------------------------------------- */

/* Park while the VM is stopped.  Called with kvm_run.lock held. */
static void kvm_park_while_stopped_locked(void)
{
    if (kvm_run.running) {
        return;
    }
    kvm_run.parked++;
    pthread_cond_broadcast(&kvm_run.parked_cond);
    while (!kvm_run.running) {
        pthread_cond_wait(&kvm_run.cond, &kvm_run.lock);
    }
    kvm_run.parked--;
}

/* Stay out of the guest until the main loop stopped the VM (to act on our
 * request) or paused and resumed the vCPUs since generation gen. */
static void kvm_wait_next_cycle(unsigned gen)
{
    pthread_mutex_lock(&kvm_run.lock);
    while (kvm_run.running && kvm_run.resume_generation == gen) {
        pthread_cond_wait(&kvm_run.cond, &kvm_run.lock);
    }
    pthread_mutex_unlock(&kvm_run.lock);
}

static void *kvm_vcpu_thread(void *opaque)
{
    KvmVcpuThread *t = opaque;

    for (;;) {
        Error *err = NULL;
        unsigned gen;
        KvmStop stop;

        pthread_mutex_lock(&kvm_run.lock);
        kvm_park_while_stopped_locked();
        gen = kvm_run.resume_generation;
        pthread_mutex_unlock(&kvm_run.lock);

        stop = kvm_vcpu_run(t->vcpu, &err);
        switch (stop) {
        case KVM_STOP_KICK:
        case KVM_STOP_REQUEST:
            break;
        case KVM_STOP_HALT:
            /* HLT without the in-kernel irqchip: nothing can interrupt it,
             * so the vCPU sleeps until the VM stops or resets. */
            kvm_wait_next_cycle(gen);
            break;
        case KVM_STOP_RESET:
            runstate_request_reset(SHUTDOWN_CAUSE_GUEST_RESET);
            kvm_wait_next_cycle(gen);
            break;
        case KVM_STOP_POWEROFF:
            runstate_request_shutdown(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
            kvm_wait_next_cycle(gen);
            break;
        case KVM_STOP_ERROR:
            error_report("%s", error_get_pretty(err));
            error_free(err);
            runstate_request_stop(RUN_STATE_INTERNAL_ERROR);
            kvm_wait_next_cycle(gen);
            break;
        }
    }
    return NULL;
}

/* Main thread, BQL held: stop every vCPU and wait until all are parked,
 * with the BQL dropped so a vCPU blocked on it in a device access can
 * finish its exit. */
static void kvm_pause_all(void)
{
    KvmAccel *s = kvm_accel_attached;

    pthread_mutex_lock(&kvm_run.lock);
    kvm_run.running = false;
    pthread_cond_broadcast(&kvm_run.cond);
    pthread_mutex_unlock(&kvm_run.lock);
    for (unsigned i = 0; s && i < s->nr_vcpus; i++) {
        kvm_vcpu_kick(s->vcpus[i]);
    }
    unsigned depth = bql_unlock_all();
    pthread_mutex_lock(&kvm_run.lock);
    while (kvm_run.parked < kvm_run.threads) {
        pthread_cond_wait(&kvm_run.parked_cond, &kvm_run.lock);
    }
    pthread_mutex_unlock(&kvm_run.lock);
    bql_lock_depth(depth);
}

static void kvm_resume(void)
{
    pthread_mutex_lock(&kvm_run.lock);
    kvm_run.running = true;
    kvm_run.resume_generation++;
    pthread_cond_broadcast(&kvm_run.cond);
    pthread_mutex_unlock(&kvm_run.lock);
}

/* After a reset: run again only if the VM is running (a reset of a paused
 * VM leaves it paused). */
static void kvm_resume_all(void)
{
    if (runstate_is_running()) {
        kvm_resume();
    }
}

static void kvm_vm_state_changed(void *opaque, bool running, RunState state)
{
    if (running) {
        kvm_resume();
    } else {
        kvm_pause_all();
    }
}

/* ---- the accelerator ---------------------------------------------------- */

static bool kvm_accel_available(Error **errp)
{
    return kvm_accel_check_device(KVM_ACCEL_DEVICE_DEFAULT, errp);
}

static bool kvm_accel_init_machine(AccelState *accel, MachineState *ms, Error **errp)
{
    KvmAccel *s = KVM_ACCEL(accel);
    KvmExitOps ops = {
        .pio_read = kvm_accel_pio_read, .pio_write = kvm_accel_pio_write,
        .mmio_read = kvm_accel_mmio_read, .mmio_write = kvm_accel_mmio_write, .opaque = s,
    };
    unsigned n = ms->smp.cpus ? ms->smp.cpus : 1;

    if (!kvm_accel_check_arch(accel->guest_arch, errp)) {
        return false;
    }
    if (kvm_accel_attached) {
        error_setg(errp, "KVM is already attached to a machine");
        return false;
    }
    if (n > KVM_ACCEL_MAX_VCPUS) {
        error_setg(errp, "%u vCPUs requested, KVM here takes at most %u", n,
                   KVM_ACCEL_MAX_VCPUS);
        return false;
    }
    if (!kvm_accel_check_device(s->device, errp)) {
        return false;
    }
    s->vm = kvm_vm_open(&(KvmVmConfig){ .dev_path = s->device, .nr_vcpus = n,
                                        .irqchip = s->irqchip }, errp);
    if (!s->vm) {
        return false;
    }
    s->max_slots = kvm_vm_max_slots(s->vm);
    if (s->max_slots > KVM_ACCEL_MAX_SLOTS) {
        s->max_slots = KVM_ACCEL_MAX_SLOTS;
    }
    s->vcpus = calloc(n, sizeof(*s->vcpus));
    if (!s->vcpus) {
        abort();
    }
    for (unsigned i = 0; i < n; i++) {
        s->vcpus[i] = kvm_vcpu_create(s->vm, i, &ops, errp);
        if (!s->vcpus[i]) {
            kvm_vm_close(s->vm);
            s->vm = NULL;
            free(s->vcpus);
            s->vcpus = NULL;
            return false;
        }
    }
    s->nr_vcpus = n;

    memory_region_init(&s->system_memory, s, "system", MEMORY_SIZE_ALL);
    memory_region_init(&s->io, s, "io", KVM_ACCEL_IO_SPACE_BYTES);
    s->memory_as = address_space_create(&s->system_memory, "memory");
    s->io_as = address_space_create(&s->io, "I/O");
    s->listener = (MemoryListener){
        .region_add = kvm_accel_region_add,
        .region_del = kvm_accel_region_del,
    };
    memory_listener_register(&s->listener, s->memory_as);
    kvm_accel_attached = s;
    return true;
}

static bool kvm_accel_start_vcpus(AccelState *accel, MachineState *ms, Error **errp)
{
    KvmAccel *s = KVM_ACCEL(accel);

    s->threads = calloc(s->nr_vcpus, sizeof(*s->threads));
    if (!s->threads) {
        abort();
    }
    runstate_add_change_handler(kvm_vm_state_changed, NULL);
    runstate_set_cpu_hooks(kvm_pause_all, kvm_resume_all);
    for (unsigned i = 0; i < s->nr_vcpus; i++) {
        KvmVcpuThread *t = &s->threads[i];
        pthread_attr_t attr;
        int err;

        t->s = s;
        t->vcpu = s->vcpus[i];
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 1u << 20);
        err = pthread_create(&t->thread, &attr, kvm_vcpu_thread, t);
        pthread_attr_destroy(&attr);
        if (err) {
            error_setg_errno(errp, err, "could not create the thread of vCPU %u", i);
            return false;
        }
        pthread_mutex_lock(&kvm_run.lock);
        kvm_run.threads++;
        pthread_mutex_unlock(&kvm_run.lock);
    }
    return true;
}

static char *kvm_accel_get_irqchip(Object *obj)
{
    return strdup(KVM_ACCEL(obj)->irqchip ? "on" : "off");
}

static bool kvm_accel_set_irqchip(Object *obj, const char *value, Error **errp)
{
    if (strcmp(value, "on") == 0) {
        KVM_ACCEL(obj)->irqchip = true;
    } else if (strcmp(value, "off") == 0) {
        KVM_ACCEL(obj)->irqchip = false;
    } else if (strcmp(value, "split") == 0) {
        error_setg(errp, "kernel-irqchip=split: the userspace IOAPIC is not built yet");
        return false;
    } else {
        error_setg(errp, "Invalid 'kernel-irqchip' setting '%s' (expected on or off)", value);
        return false;
    }
    return true;
}

static char *kvm_accel_get_device(Object *obj)
{
    return strdup(KVM_ACCEL(obj)->device);
}

static bool kvm_accel_set_device(Object *obj, const char *value, Error **errp)
{
    KvmAccel *s = KVM_ACCEL(obj);
    char *copy = strdup(value);

    if (!copy) {
        abort();
    }
    free(s->device);
    s->device = copy;
    return true;
}

static void kvm_accel_instance_init(Object *obj)
{
    KvmAccel *s = KVM_ACCEL(obj);

    s->irqchip = true;
    s->device = strdup(KVM_ACCEL_DEVICE_DEFAULT);
    if (!s->device) {
        abort();
    }
}

/* Only a machine that never started (init_machine failed, or a test) is
 * torn down: running vCPU threads keep the accelerator to process exit. */
static void kvm_accel_instance_finalize(Object *obj)
{
    KvmAccel *s = KVM_ACCEL(obj);

    assert(!s->threads);
    if (s->vm) {
        memory_listener_unregister(&s->listener);
        address_space_destroy(s->io_as);
        address_space_destroy(s->memory_as);
        memory_region_destroy(&s->io);
        memory_region_destroy(&s->system_memory);
        kvm_vm_close(s->vm);
    }
    if (kvm_accel_attached == s) {
        kvm_accel_attached = NULL;
    }
    free(s->vcpus);
    free(s->device);
}

static void kvm_accel_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->name = "kvm";
    ac->available = kvm_accel_available;
    ac->init_machine = kvm_accel_init_machine;
    ac->start_vcpus = kvm_accel_start_vcpus;
    object_class_property_add_str(oc, "kernel-irqchip", kvm_accel_get_irqchip,
                                  kvm_accel_set_irqchip,
                                  "on: LAPIC, IOAPIC, PIC and PIT in the kernel; off: none");
    object_class_property_add_str(oc, "device", kvm_accel_get_device, kvm_accel_set_device,
                                  "the KVM device node (default /dev/kvm)");
}

static const TypeInfo kvm_accel_type = {
    .name = TYPE_KVM_ACCEL,
    .parent = TYPE_ACCEL,
    .instance_size = sizeof(KvmAccel),
    .instance_init = kvm_accel_instance_init,
    .instance_finalize = kvm_accel_instance_finalize,
    .class_init = kvm_accel_class_init,
};

static void kvm_accel_register_types(void)
{
    type_register_static(&kvm_accel_type);
}

type_init(kvm_accel_register_types)
