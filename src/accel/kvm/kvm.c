/*
 * The KVM accelerator: /dev/kvm, the VM, memory slots, in-kernel irqchip,
 * vCPUs with their CPUID, and the KVM_RUN exit loop (see kvm.h for the
 * contract and threads).  Follows Linux Documentation/virt/kvm/api.rst.
 *
 * Invariants: vm->vcpus[i]->index == i; a vCPU's run page stays mapped for
 * its whole life; run->immediate_exit is only ever set by kvm_vcpu_kick()
 * and cleared by the vCPU thread after KVM_RUN returned, so a kick that
 * races with entering KVM_RUN is never lost (api.rst, "immediate_exit").
 */
#include "accel/kvm/kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/log.h"

#define KVM_MAX_VCPUS 256
#define KVM_CPUID_MAX_ENTRIES 256

struct KvmVm {
    int sys_fd;
    int vm_fd;
    unsigned nr_vcpus;
    bool irqchip;
    unsigned max_slots;
    size_t run_mmap_bytes;
    struct kvm_cpuid2 *supported_cpuid;
    KvmVcpu *vcpus[KVM_MAX_VCPUS];
};

struct KvmVcpu {
    KvmVm *vm;
    unsigned index;
    int fd;
    struct kvm_run *run;
    KvmExitOps ops;
    pthread_t thread;
    atomic_bool thread_known;
    atomic_bool kick_pending;
    bool stop_requested;
};

/* Capabilities we depend on, checked once so a missing one is named. */
static const struct {
    unsigned cap;
    const char *name;
    bool for_irqchip;
} kvm_required_caps[] = {
    { KVM_CAP_USER_MEMORY,           "KVM_CAP_USER_MEMORY",           false },
    { KVM_CAP_SET_TSS_ADDR,          "KVM_CAP_SET_TSS_ADDR",          false },
    { KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR", false },
    { KVM_CAP_EXT_CPUID,             "KVM_CAP_EXT_CPUID",             false },
    { KVM_CAP_IMMEDIATE_EXIT,        "KVM_CAP_IMMEDIATE_EXIT",        false },
    { KVM_CAP_NR_MEMSLOTS,           "KVM_CAP_NR_MEMSLOTS",           false },
    { KVM_CAP_IRQCHIP,               "KVM_CAP_IRQCHIP",               true },
    { KVM_CAP_PIT2,                  "KVM_CAP_PIT2",                  true },
    { KVM_CAP_IRQ_INJECT_STATUS,     "KVM_CAP_IRQ_INJECT_STATUS",     true },
};

static void kvm_kick_handler(int sig)
{
    /* Nothing: delivery alone makes KVM_RUN return -EINTR. */
}

static bool kvm_install_kick_signal(Error **errp)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = kvm_kick_handler;
    sigemptyset(&sa.sa_mask);
    if (sigaction(KVM_KICK_SIGNAL, &sa, NULL) < 0) {
        error_setg_errno(errp, errno, "kvm: cannot install the vCPU kick signal handler");
        return false;
    }
    return true;
}

int kvm_vm_check_extension(KvmVm *vm, unsigned cap)
{
    int fd = vm->vm_fd >= 0 ? vm->vm_fd : vm->sys_fd;
    int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

    return r < 0 ? 0 : r;
}

unsigned kvm_vm_max_slots(KvmVm *vm)
{
    return vm->max_slots;
}

bool kvm_vm_has_irqchip(KvmVm *vm)
{
    return vm->irqchip;
}

static bool kvm_open_dev(KvmVm *vm, const char *path, Error **errp)
{
    int version;

    vm->sys_fd = open(path, O_RDWR | O_CLOEXEC);
    if (vm->sys_fd < 0) {
        int err = errno;
        if (err == ENOENT) {
            error_setg(errp, "kvm: %s does not exist (is the kvm module loaded?)", path);
        } else if (err == EACCES || err == EPERM) {
            error_setg(errp, "kvm: permission denied opening %s "
                       "(add the user to the 'kvm' group)", path);
        } else {
            error_setg_errno(errp, err, "kvm: cannot open %s", path);
        }
        return false;
    }
    version = ioctl(vm->sys_fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        error_setg(errp, "kvm: %s speaks API version %d, we need %d", path, version,
                   KVM_API_VERSION);
        return false;
    }
    return true;
}

static bool kvm_check_caps(KvmVm *vm, bool irqchip, const char *path, Error **errp)
{
    for (size_t i = 0; i < sizeof(kvm_required_caps) / sizeof(kvm_required_caps[0]); i++) {
        if (kvm_required_caps[i].for_irqchip && !irqchip) {
            continue;
        }
        if (kvm_vm_check_extension(vm, kvm_required_caps[i].cap) <= 0) {
            error_setg(errp, "kvm: %s lacks capability %s", path, kvm_required_caps[i].name);
            return false;
        }
    }
    return true;
}

static bool kvm_fetch_supported_cpuid(KvmVm *vm, Error **errp)
{
    size_t bytes = sizeof(struct kvm_cpuid2) +
                   KVM_CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);

    vm->supported_cpuid = calloc(1, bytes);
    if (!vm->supported_cpuid) {
        error_setg(errp, "kvm: out of memory");
        return false;
    }
    vm->supported_cpuid->nent = KVM_CPUID_MAX_ENTRIES;
    if (ioctl(vm->sys_fd, KVM_GET_SUPPORTED_CPUID, vm->supported_cpuid) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_GET_SUPPORTED_CPUID");
        return false;
    }
    return true;
}

KvmVm *kvm_vm_open(const KvmVmConfig *cfg, Error **errp)
{
    const char *path = cfg->dev_path ? cfg->dev_path : "/dev/kvm";
    KvmVm *vm = calloc(1, sizeof(*vm));
    int n;

    if (!vm) {
        error_setg(errp, "kvm: out of memory");
        return NULL;
    }
    vm->sys_fd = vm->vm_fd = -1;
    vm->nr_vcpus = cfg->nr_vcpus ? cfg->nr_vcpus : 1;
    if (vm->nr_vcpus > KVM_MAX_VCPUS) {
        error_setg(errp, "kvm: %u vCPUs requested, at most %d supported", vm->nr_vcpus,
                   KVM_MAX_VCPUS);
        goto fail;
    }
    if (!kvm_open_dev(vm, path, errp) || !kvm_check_caps(vm, cfg->irqchip, path, errp)) {
        goto fail;
    }
    n = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
    if (n <= 0) {
        n = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
    }
    if (n > 0 && vm->nr_vcpus > (unsigned)n) {
        error_setg(errp, "kvm: %u vCPUs requested, %s allows %d", vm->nr_vcpus, path, n);
        goto fail;
    }
    vm->max_slots = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
    n = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (n < (int)sizeof(struct kvm_run)) {
        error_setg_errno(errp, errno, "kvm: KVM_GET_VCPU_MMAP_SIZE");
        goto fail;
    }
    vm->run_mmap_bytes = n;
    if (!kvm_fetch_supported_cpuid(vm, errp)) {
        goto fail;
    }

    do {
        vm->vm_fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
    } while (vm->vm_fd < 0 && errno == EINTR);
    if (vm->vm_fd < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_CREATE_VM");
        goto fail;
    }
    if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR,
              (unsigned long)(cfg->tss_addr ? cfg->tss_addr : KVM_TSS_ADDR_DEFAULT)) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_TSS_ADDR");
        goto fail;
    }
    uint64_t idmap = cfg->identity_map_addr ? cfg->identity_map_addr : KVM_IDENTITY_MAP_DEFAULT;
    if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_IDENTITY_MAP_ADDR");
        goto fail;
    }
    if (cfg->irqchip) {
        struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

        if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
            error_setg_errno(errp, errno, "kvm: KVM_CREATE_IRQCHIP");
            goto fail;
        }
        if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
            error_setg_errno(errp, errno, "kvm: KVM_CREATE_PIT2");
            goto fail;
        }
        vm->irqchip = true;
    }
    if (!kvm_install_kick_signal(errp)) {
        goto fail;
    }
    return vm;

fail:
    kvm_vm_close(vm);
    return NULL;
}

static void kvm_vcpu_destroy(KvmVcpu *vcpu)
{
    if (vcpu->run && vcpu->run != MAP_FAILED) {
        munmap(vcpu->run, vcpu->vm->run_mmap_bytes);
    }
    if (vcpu->fd >= 0) {
        close(vcpu->fd);
    }
    free(vcpu);
}

void kvm_vm_close(KvmVm *vm)
{
    if (!vm) {
        return;
    }
    for (unsigned i = 0; i < KVM_MAX_VCPUS; i++) {
        if (vm->vcpus[i]) {
            kvm_vcpu_destroy(vm->vcpus[i]);
        }
    }
    if (vm->vm_fd >= 0) {
        close(vm->vm_fd);
    }
    if (vm->sys_fd >= 0) {
        close(vm->sys_fd);
    }
    free(vm->supported_cpuid);
    free(vm);
}

bool kvm_set_ram_slot(KvmVm *vm, unsigned slot, GuestPaddr gpa, uint64_t size,
                      HostPtr host, uint32_t flags, Error **errp)
{
    long page = sysconf(_SC_PAGESIZE);
    struct kvm_userspace_memory_region r = {
        .slot = slot,
        .flags = flags,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uintptr_t)host,
    };

    if (slot >= vm->max_slots) {
        error_setg(errp, "kvm: memory slot %u out of range (max %u)", slot, vm->max_slots);
        return false;
    }
    if (size == 0 || (gpa | size | (uintptr_t)host) & (page - 1)) {
        error_setg(errp, "kvm: memory slot %u: address 0x%" PRIx64 ", size 0x%" PRIx64
                   " and host pointer must be non-empty and page aligned", slot, gpa, size);
        return false;
    }
    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_USER_MEMORY_REGION slot %u at 0x%" PRIx64
                         " size 0x%" PRIx64, slot, gpa, size);
        return false;
    }
    return true;
}

bool kvm_remove_ram_slot(KvmVm *vm, unsigned slot, Error **errp)
{
    /* api.rst: "Deleting a slot is done by passing zero for memory_size." */
    struct kvm_userspace_memory_region r = { .slot = slot };

    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
        error_setg_errno(errp, errno, "kvm: removing memory slot %u", slot);
        return false;
    }
    return true;
}

bool kvm_set_irq(KvmVm *vm, unsigned gsi, bool level, Error **errp)
{
    struct kvm_irq_level irq = { .irq = gsi, .level = level };

    if (!vm->irqchip) {
        error_setg(errp, "kvm: GSI %u raised without an in-kernel irqchip", gsi);
        return false;
    }
    if (ioctl(vm->vm_fd, KVM_IRQ_LINE_STATUS, &irq) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_IRQ_LINE_STATUS gsi %u", gsi);
        return false;
    }
    return true;
}

/* Bits needed to number n items (x86 topology shift widths). */
static unsigned kvm_topo_bits(unsigned n)
{
    unsigned b = 0;

    while ((1u << b) < n) {
        b++;
    }
    return b;
}

/* One socket of nr cores, one thread each; APIC id == vCPU index.  Intel
 * SDM vol. 2A CPUID leaves 01H, 04H, 0BH/1FH; AMD 8000_0008H. */
static void kvm_cpuid_fixup(struct kvm_cpuid2 *c, unsigned apic_id, unsigned nr)
{
    unsigned core_bits = kvm_topo_bits(nr);

    for (unsigned i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];

        switch (e->function) {
        case 1:
            e->ebx = (e->ebx & 0x0000ffffu) | (apic_id << 24) |
                     ((nr > 1 ? (1u << core_bits) : 1u) << 16);
            if (nr > 1) {
                e->edx |= 1u << 28;            /* HTT: the count field is valid */
            }
            e->ecx |= 1u << 31;                /* hypervisor present */
            break;
        case 4:
            /* EAX[31:26]: addressable core ids in the package, minus one;
             * EAX[25:14]: ids sharing this cache, minus one: L1/L2 are per
             * core (one thread each), L3 is shared by the whole package.
             * The host's values describe the host, not this guest. */
            e->eax &= 0x00003fffu;
            e->eax |= ((1u << core_bits) - 1) << 26;
            if (((e->eax >> 5) & 7) == 3) {
                e->eax |= ((1u << core_bits) - 1) << 14;
            }
            break;
        case 0xb:
        case 0x1f:
            if (e->index == 0) {               /* SMT level: one thread per core */
                e->eax = 0;
                e->ebx = 1;
                e->ecx = (1u << 8) | 0;
            } else if (e->index == 1) {        /* core level */
                e->eax = core_bits;
                e->ebx = nr;
                e->ecx = (2u << 8) | 1;
            } else {                           /* invalid level ends the list */
                e->eax = 0;
                e->ebx = 0;
                e->ecx = e->index;
            }
            e->edx = apic_id;
            break;
        case 0x80000008:
            e->ecx = (e->ecx & ~0xf0ffu) | (core_bits << 12) | (nr - 1);
            break;
        default:
            break;
        }
    }
}

static bool kvm_vcpu_set_cpuid(KvmVcpu *vcpu, Error **errp)
{
    KvmVm *vm = vcpu->vm;
    size_t bytes = sizeof(struct kvm_cpuid2) +
                   vm->supported_cpuid->nent * sizeof(struct kvm_cpuid_entry2);
    struct kvm_cpuid2 *c = malloc(bytes);
    bool ok;

    if (!c) {
        error_setg(errp, "kvm: out of memory");
        return false;
    }
    memcpy(c, vm->supported_cpuid, bytes);
    kvm_cpuid_fixup(c, vcpu->index, vm->nr_vcpus);
    ok = ioctl(vcpu->fd, KVM_SET_CPUID2, c) == 0;
    if (!ok) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_CPUID2 on vCPU %u", vcpu->index);
    }
    free(c);
    return ok;
}

KvmVcpu *kvm_vcpu_create(KvmVm *vm, unsigned index, const KvmExitOps *ops, Error **errp)
{
    KvmVcpu *vcpu;

    if (index >= vm->nr_vcpus || vm->vcpus[index]) {
        error_setg(errp, "kvm: vCPU index %u invalid or in use (%u vCPUs)", index,
                   vm->nr_vcpus);
        return NULL;
    }
    vcpu = calloc(1, sizeof(*vcpu));
    if (!vcpu) {
        error_setg(errp, "kvm: out of memory");
        return NULL;
    }
    vcpu->vm = vm;
    vcpu->index = index;
    vcpu->ops = *ops;
    vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)index);
    if (vcpu->fd < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_CREATE_VCPU %u", index);
        goto fail;
    }
    vcpu->run = mmap(NULL, vm->run_mmap_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
                     vcpu->fd, 0);
    if (vcpu->run == MAP_FAILED) {
        error_setg_errno(errp, errno, "kvm: mmap of vCPU %u's kvm_run", index);
        goto fail;
    }
    if (!kvm_vcpu_set_cpuid(vcpu, errp)) {
        goto fail;
    }
    vm->vcpus[index] = vcpu;
    return vcpu;

fail:
    kvm_vcpu_destroy(vcpu);
    return NULL;
}

unsigned kvm_vcpu_index(const KvmVcpu *vcpu)
{
    return vcpu->index;
}

bool kvm_vcpu_get_regs(KvmVcpu *vcpu, struct kvm_regs *regs, Error **errp)
{
    if (ioctl(vcpu->fd, KVM_GET_REGS, regs) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_GET_REGS");
        return false;
    }
    return true;
}

bool kvm_vcpu_set_regs(KvmVcpu *vcpu, const struct kvm_regs *regs, Error **errp)
{
    if (ioctl(vcpu->fd, KVM_SET_REGS, regs) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_REGS");
        return false;
    }
    return true;
}

bool kvm_vcpu_get_sregs(KvmVcpu *vcpu, struct kvm_sregs *sregs, Error **errp)
{
    if (ioctl(vcpu->fd, KVM_GET_SREGS, sregs) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_GET_SREGS");
        return false;
    }
    return true;
}

bool kvm_vcpu_set_sregs(KvmVcpu *vcpu, const struct kvm_sregs *sregs, Error **errp)
{
    if (ioctl(vcpu->fd, KVM_SET_SREGS, sregs) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_SREGS");
        return false;
    }
    return true;
}

void kvm_vcpu_dump_regs(KvmVcpu *vcpu, char *buf, size_t size)
{
    struct kvm_regs r;
    struct kvm_sregs s;
    size_t len = strlen(buf);

    if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 || ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0) {
        snprintf(buf + len, size - len, "\n  (registers unavailable: %s)", strerror(errno));
        return;
    }
    snprintf(buf + len, size - len,
             "\n  RIP=%016llx RSP=%016llx RFLAGS=%08llx"
             "\n  RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx"
             "\n  RSI=%016llx RDI=%016llx"
             "\n  CS=%04x base=%016llx l=%u db=%u  CR0=%08llx CR3=%016llx CR4=%08llx"
             " EFER=%08llx",
             r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi,
             s.cs.selector, s.cs.base, s.cs.l, s.cs.db, s.cr0, s.cr3, s.cr4, s.efer);
}

static void kvm_vcpu_handle_io(KvmVcpu *vcpu)
{
    struct kvm_run *run = vcpu->run;
    uint8_t *data = (uint8_t *)run + run->io.data_offset;

    /* "rep outsb" and friends arrive as one exit with count > 1. */
    for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size) {
        if (run->io.direction == KVM_EXIT_IO_OUT) {
            if (vcpu->ops.pio_write) {
                vcpu->ops.pio_write(vcpu->ops.opaque, vcpu, run->io.port, run->io.size, data);
            }
        } else if (vcpu->ops.pio_read) {
            vcpu->ops.pio_read(vcpu->ops.opaque, vcpu, run->io.port, run->io.size, data);
        } else {
            memset(data, 0xff, run->io.size);
        }
    }
}

static void kvm_vcpu_handle_mmio(KvmVcpu *vcpu)
{
    struct kvm_run *run = vcpu->run;
    unsigned len = run->mmio.len;

    if (run->mmio.is_write) {
        if (vcpu->ops.mmio_write) {
            vcpu->ops.mmio_write(vcpu->ops.opaque, vcpu, run->mmio.phys_addr, len,
                                 run->mmio.data);
        }
    } else if (vcpu->ops.mmio_read) {
        vcpu->ops.mmio_read(vcpu->ops.opaque, vcpu, run->mmio.phys_addr, len, run->mmio.data);
    } else {
        memset(run->mmio.data, 0xff, len);
    }
}

static KvmStop kvm_vcpu_fail(KvmVcpu *vcpu, Error **errp, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    kvm_vcpu_dump_regs(vcpu, buf, sizeof(buf));
    error_setg(errp, "kvm: vCPU %u: %s", vcpu->index, buf);
    return KVM_STOP_ERROR;
}

void kvm_vcpu_request_stop(KvmVcpu *vcpu)
{
    vcpu->stop_requested = true;
}

void kvm_vcpu_kick(KvmVcpu *vcpu)
{
    atomic_store(&vcpu->kick_pending, true);
    /* Before entry: KVM_RUN sees it and returns -EINTR at once. */
    __atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    /* Inside KVM_RUN: the signal forces the exit. */
    if (atomic_load(&vcpu->thread_known) && !pthread_equal(vcpu->thread, pthread_self())) {
        pthread_kill(vcpu->thread, KVM_KICK_SIGNAL);
    }
}

KvmStop kvm_vcpu_run(KvmVcpu *vcpu, Error **errp)
{
    struct kvm_run *run = vcpu->run;

    if (!atomic_load(&vcpu->thread_known)) {
        vcpu->thread = pthread_self();
        atomic_store(&vcpu->thread_known, true);
    }
    vcpu->stop_requested = false;

    for (;;) {
        if (atomic_exchange(&vcpu->kick_pending, false)) {
            __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
            return KVM_STOP_KICK;
        }
        if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
                atomic_store(&vcpu->kick_pending, false);
                return KVM_STOP_KICK;
            }
            return kvm_vcpu_fail(vcpu, errp, "KVM_RUN: %s", strerror(errno));
        }

        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            kvm_vcpu_handle_io(vcpu);
            break;
        case KVM_EXIT_MMIO:
            kvm_vcpu_handle_mmio(vcpu);
            break;
        case KVM_EXIT_HLT:
            return KVM_STOP_HALT;
        case KVM_EXIT_SHUTDOWN:
            /* Triple fault: the PC's answer is a reset (QEMU does the same). */
            log_mask_printf(LOG_GUEST_ERRORS, "kvm: vCPU %u triple fault, reset requested\n",
                            vcpu->index);
            return KVM_STOP_RESET;
        case KVM_EXIT_SYSTEM_EVENT:
            switch (run->system_event.type) {
            case KVM_SYSTEM_EVENT_RESET:
                return KVM_STOP_RESET;
            case KVM_SYSTEM_EVENT_SHUTDOWN:
                return KVM_STOP_POWEROFF;
            default:
                return kvm_vcpu_fail(vcpu, errp, "unhandled system event %u",
                                     run->system_event.type);
            }
        case KVM_EXIT_FAIL_ENTRY:
            return kvm_vcpu_fail(vcpu, errp, "KVM_EXIT_FAIL_ENTRY, hardware reason 0x%llx",
                                 (unsigned long long)
                                 run->fail_entry.hardware_entry_failure_reason);
        case KVM_EXIT_INTERNAL_ERROR:
            return kvm_vcpu_fail(vcpu, errp, "KVM_EXIT_INTERNAL_ERROR, suberror %u",
                                 run->internal.suberror);
        case KVM_EXIT_INTR:
            __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
            atomic_store(&vcpu->kick_pending, false);
            return KVM_STOP_KICK;
        default:
            return kvm_vcpu_fail(vcpu, errp, "unhandled exit reason %u", run->exit_reason);
        }
        if (vcpu->stop_requested) {
            vcpu->stop_requested = false;
            return KVM_STOP_REQUEST;
        }
    }
}

static void kvm_seg_flat(struct kvm_segment *s, uint16_t sel, bool code, bool l)
{
    memset(s, 0, sizeof(*s));
    s->selector = sel;
    s->base = 0;
    s->limit = 0xffffffff;
    s->type = code ? 0xb : 0x3;         /* execute/read accessed; read/write accessed */
    s->present = 1;
    s->s = 1;
    s->g = 1;
    s->l = code && l;
    s->db = !(code && l);               /* D must be 0 when L is 1 */
}

bool kvm_vcpu_set_entry(KvmVcpu *vcpu, const KvmEntry *e, Error **errp)
{
    struct kvm_regs regs;
    struct kvm_sregs sregs;

    if (!kvm_vcpu_get_sregs(vcpu, &sregs, errp)) {
        return false;
    }
    memset(&regs, 0, sizeof(regs));
    regs.rflags = 0x2;
    regs.rip = e->rip;
    regs.rsp = e->rsp;
    regs.rsi = e->rsi;

    switch (e->mode) {
    case KVM_ENTRY_REAL:
        sregs.cs.selector = e->real_cs;
        sregs.cs.base = (uint64_t)e->real_cs << 4;
        break;
    case KVM_ENTRY_LONG64:
        kvm_seg_flat(&sregs.cs, e->code_sel, true, true);
        kvm_seg_flat(&sregs.ds, e->data_sel, false, false);
        sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
        sregs.gdt.base = e->gdt_base;
        sregs.gdt.limit = e->gdt_limit;
        sregs.cr3 = e->cr3;
        sregs.cr4 |= 1u << 5;                            /* PAE */
        sregs.cr0 |= (1u << 0) | (1u << 31);             /* PE, PG */
        sregs.efer |= (1u << 8) | (1u << 10);            /* LME, LMA */
        break;
    }
    if (!kvm_vcpu_set_sregs(vcpu, &sregs, errp) || !kvm_vcpu_set_regs(vcpu, &regs, errp)) {
        return false;
    }
    if (vcpu->vm->irqchip) {
        /* With the in-kernel LAPIC, APs start in wait-for-SIPI (api.rst,
         * KVM_GET_MP_STATE); a vCPU given an explicit entry runs it. */
        struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

        if (ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp) < 0) {
            error_setg_errno(errp, errno, "kvm: KVM_SET_MP_STATE on vCPU %u", vcpu->index);
            return false;
        }
    }
    return true;
}

bool kvm_vcpu_wait_for_sipi(KvmVcpu *vcpu, Error **errp)
{
    struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_UNINITIALIZED };

    if (!vcpu->vm->irqchip) {
        error_setg(errp, "kvm: vCPU %u: waiting for SIPI needs the in-kernel irqchip",
                   vcpu->index);
        return false;
    }
    if (ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_MP_STATE on vCPU %u", vcpu->index);
        return false;
    }
    return true;
}
