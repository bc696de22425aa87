/*
 * Tests of the KVM accelerator: error messages for a missing or wrong
 * device, slot validation, and the run loop on a few bytes of real-mode
 * code: HLT, MMIO and "rep outsb" exits reaching the callbacks, a kick
 * before and during KVM_RUN, a triple fault turning into a reset request,
 * GSIs on the in-kernel irqchip.  Tests needing /dev/kvm skip without it.
 */
#include "accel/kvm/kvm.h"

#include <linux/kvm.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/unittest.h"

#define RAM_BYTES 0x10000
#define CODE 0x1000

typedef struct Bench {
    KvmVm *vm;
    KvmVcpu *vcpu;
    uint8_t *ram;
    uint8_t pio[16];
    unsigned pio_len;
    GuestPaddr mmio_addr;
    uint8_t mmio_written;
} Bench;

static void bench_pio_write(void *opaque, KvmVcpu *vcpu, uint16_t port, unsigned size,
                            const void *data)
{
    Bench *b = opaque;

    if (port == 0x3f8 && b->pio_len < sizeof(b->pio)) {
        b->pio[b->pio_len++] = *(const uint8_t *)data;
    }
}

static void bench_mmio_write(void *opaque, KvmVcpu *vcpu, GuestPaddr addr, unsigned size,
                             const void *data)
{
    Bench *b = opaque;

    b->mmio_addr = addr;
    b->mmio_written = *(const uint8_t *)data;
}

static void bench_mmio_read(void *opaque, KvmVcpu *vcpu, GuestPaddr addr, unsigned size,
                            void *data)
{
    memset(data, 0x77, size);
}

static bool kvm_usable(void)
{
    return access("/dev/kvm", R_OK | W_OK) == 0;
}

/* A VM with 64 KiB of RAM at 0 and code at 0000:1000 in real mode. */
static bool bench_open(Bench *b, bool irqchip, const uint8_t *code, size_t len)
{
    KvmExitOps ops = { .pio_write = bench_pio_write, .mmio_write = bench_mmio_write,
                       .mmio_read = bench_mmio_read, .opaque = b };

    memset(b, 0, sizeof(*b));
    b->vm = kvm_vm_open(&(KvmVmConfig){ .nr_vcpus = 1, .irqchip = irqchip }, NULL);
    if (!b->vm) {
        return false;
    }
    b->ram = mmap(NULL, RAM_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memcpy(b->ram + CODE, code, len);
    CHECK(kvm_set_ram_slot(b->vm, 0, 0, RAM_BYTES, b->ram, 0, &error_abort));
    b->vcpu = kvm_vcpu_create(b->vm, 0, &ops, &error_abort);
    CHECK(kvm_vcpu_set_entry(b->vcpu, &(KvmEntry){ .mode = KVM_ENTRY_REAL, .rip = CODE },
                             &error_abort));
    return true;
}

static void bench_close(Bench *b)
{
    kvm_vm_close(b->vm);
    munmap(b->ram, RAM_BYTES);
}

static const char *open_error(const char *path)
{
    static char msg[256];
    Error *err = NULL;
    KvmVm *vm = kvm_vm_open(&(KvmVmConfig){ .dev_path = path, .nr_vcpus = 1 }, &err);

    if (vm) {
        kvm_vm_close(vm);
        return "(opened)";
    }
    snprintf(msg, sizeof(msg), "%s", error_get_pretty(err));
    error_free(err);
    return msg;
}

UNITTEST(open_errors)
{
    CHECK_STR(open_error("/nonexistent/kvm"),
              "kvm: /nonexistent/kvm does not exist (is the kvm module loaded?)");
    /* Any device that is not KVM fails the version handshake. */
    CHECK_STR(open_error("/dev/null"), "kvm: /dev/null speaks API version -1, we need 12");
}

UNITTEST(slot_checks)
{
    Bench b;
    static const uint8_t hlt[] = { 0xf4 };
    Error *err = NULL;

    if (!kvm_usable() || !bench_open(&b, false, hlt, sizeof(hlt))) {
        UNITTEST_SKIP("/dev/kvm is missing or unusable");
    }
    CHECK(!kvm_set_ram_slot(b.vm, 1, 0x100800, 0x1000, b.ram, 0, &err));
    CHECK_STR(error_get_pretty(err), "kvm: memory slot 1: address 0x100800, size 0x1000 and "
              "host pointer must be non-empty and page aligned");
    error_free(err);
    err = NULL;
    CHECK(!kvm_set_ram_slot(b.vm, kvm_vm_max_slots(b.vm), 0x200000, 0x1000, b.ram, 0, &err));
    CHECK(err != NULL);
    error_free(err);
    /* Removal then re-adding at another address is KVM's way to move a slot. */
    CHECK(kvm_remove_ram_slot(b.vm, 0, &error_abort));
    CHECK(kvm_set_ram_slot(b.vm, 0, 0, RAM_BYTES, b.ram, 0, &error_abort));
    bench_close(&b);
}

UNITTEST(hlt_and_pio)
{
    Bench b;
    static const uint8_t code[] = {
        0xba, 0xf8, 0x03,               /* mov dx, 0x3f8 */
        0xbe, 0x00, 0x11,               /* mov si, 0x1100 */
        0xb9, 0x05, 0x00,               /* mov cx, 5 */
        0xf3, 0x6e,                     /* rep outsb */
        0xf4,                           /* hlt */
    };

    if (!kvm_usable() || !bench_open(&b, false, code, sizeof(code))) {
        UNITTEST_SKIP("/dev/kvm is missing or unusable");
    }
    memcpy(b.ram + 0x1100, "hello", 5);
    CHECK_INT(kvm_vcpu_run(b.vcpu, &error_abort), KVM_STOP_HALT);
    CHECK_INT(b.pio_len, 5);
    CHECK(memcmp(b.pio, "hello", 5) == 0);
    bench_close(&b);
}

UNITTEST(mmio)
{
    Bench b;
    static const uint8_t code[] = {
        0xb8, 0x00, 0x20,               /* mov ax, 0x2000 */
        0x8e, 0xd8,                     /* mov ds, ax */
        0xc6, 0x06, 0x10, 0x00, 0x42,   /* mov byte [0x10], 0x42: 0x20010 is not RAM */
        0x8a, 0x1e, 0x10, 0x00,         /* mov bl, [0x10] */
        0xf4,                           /* hlt */
    };
    struct kvm_regs regs;

    if (!kvm_usable() || !bench_open(&b, false, code, sizeof(code))) {
        UNITTEST_SKIP("/dev/kvm is missing or unusable");
    }
    CHECK_INT(kvm_vcpu_run(b.vcpu, &error_abort), KVM_STOP_HALT);
    CHECK_U64(b.mmio_addr, 0x20010);
    CHECK_INT(b.mmio_written, 0x42);
    CHECK(kvm_vcpu_get_regs(b.vcpu, &regs, &error_abort));
    CHECK_U64(regs.rbx & 0xff, 0x77);
    bench_close(&b);
}

static void *kick_later(void *opaque)
{
    usleep(100 * 1000);
    kvm_vcpu_kick(opaque);
    return NULL;
}

UNITTEST(kicks)
{
    Bench b;
    static const uint8_t spin[] = { 0xeb, 0xfe };      /* jmp $ */
    pthread_t t;
    struct kvm_regs regs;

    if (!kvm_usable() || !bench_open(&b, false, spin, sizeof(spin))) {
        UNITTEST_SKIP("/dev/kvm is missing or unusable");
    }
    /* A kick before KVM_RUN is not lost. */
    kvm_vcpu_kick(b.vcpu);
    CHECK_INT(kvm_vcpu_run(b.vcpu, &error_abort), KVM_STOP_KICK);
    /* A kick from another thread interrupts a spinning guest. */
    pthread_create(&t, NULL, kick_later, b.vcpu);
    CHECK_INT(kvm_vcpu_run(b.vcpu, &error_abort), KVM_STOP_KICK);
    pthread_join(t, NULL);
    CHECK(kvm_vcpu_get_regs(b.vcpu, &regs, &error_abort));
    CHECK_U64(regs.rip, CODE);
    bench_close(&b);
}

/* Long mode by hand: GDT at 0x500 (0x10 code, 0x18 data), PML4 at 0x2000
 * mapping the first 2 MiB, so the test needs nothing from hw/x86. */
static void bench_long_mode(Bench *b)
{
    static const uint64_t gdt[] = { 0, 0, 0x00af9b000000ffffull, 0x00cf93000000ffffull };
    uint64_t pml4e = 0x3000 | 3, pdpte = 0x4000 | 3, pde = 0x83;

    memcpy(b->ram + 0x500, gdt, sizeof(gdt));
    memcpy(b->ram + 0x2000, &pml4e, 8);
    memcpy(b->ram + 0x3000, &pdpte, 8);
    memcpy(b->ram + 0x4000, &pde, 8);
    CHECK(kvm_vcpu_set_entry(b->vcpu, &(KvmEntry){
              .mode = KVM_ENTRY_LONG64, .rip = CODE, .rsp = 0x8000, .cr3 = 0x2000,
              .gdt_base = 0x500, .gdt_limit = sizeof(gdt) - 1,
              .code_sel = 0x10, .data_sel = 0x18 }, &error_abort));
}

UNITTEST(long_mode_entry)
{
    Bench b;
    static const uint8_t code[] = {
        0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* movabs rax, ... */
        0xf4,                                                       /* hlt */
    };
    struct kvm_regs regs;

    if (!kvm_usable() || !bench_open(&b, false, code, sizeof(code))) {
        UNITTEST_SKIP("/dev/kvm is missing or unusable");
    }
    bench_long_mode(&b);
    CHECK_INT(kvm_vcpu_run(b.vcpu, &error_abort), KVM_STOP_HALT);
    CHECK(kvm_vcpu_get_regs(b.vcpu, &regs, &error_abort));
    CHECK_U64(regs.rax, 0x1122334455667788ull);     /* a 64-bit immediate: long mode */
    bench_close(&b);
}

UNITTEST(triple_fault_requests_reset)
{
    Bench b;
    static const uint8_t code[] = { 0xcc };   /* int3, all-zero IDT: #NP, #DF, shutdown */

    if (!kvm_usable() || !bench_open(&b, false, code, sizeof(code))) {
        UNITTEST_SKIP("/dev/kvm is missing or unusable");
    }
    bench_long_mode(&b);
    Error *err = NULL;
    KvmStop stop = kvm_vcpu_run(b.vcpu, &err);
    if (stop == KVM_STOP_ERROR) {
        /* NOTE: kvm_pvm (no VMX/SVM) cannot emulate this exception delivery
         * and reports an internal emulation error; then check the dump. */
        printf("note: %s\n", error_get_pretty(err));
        CHECK(strstr(error_get_pretty(err), "KVM_EXIT_INTERNAL_ERROR") != NULL);
        CHECK(strstr(error_get_pretty(err), "RIP=0000000000001000") != NULL);
        CHECK(strstr(error_get_pretty(err), "CS=0010") != NULL);
        error_free(err);
    } else {
        CHECK_INT(stop, KVM_STOP_RESET);
    }
    bench_close(&b);
}

UNITTEST(irq_lines)
{
    Bench b;
    static const uint8_t hlt[] = { 0xf4 };
    Error *err = NULL;

    if (!kvm_usable() || !bench_open(&b, false, hlt, sizeof(hlt))) {
        UNITTEST_SKIP("/dev/kvm is missing or unusable");
    }
    CHECK(!kvm_vm_has_irqchip(b.vm));
    CHECK(!kvm_set_irq(b.vm, 4, true, &err));
    CHECK_STR(error_get_pretty(err), "kvm: GSI 4 raised without an in-kernel irqchip");
    error_free(err);
    bench_close(&b);

    if (!bench_open(&b, true, hlt, sizeof(hlt))) {
        UNITTEST_SKIP("no in-kernel irqchip");
    }
    CHECK(kvm_vm_has_irqchip(b.vm));
    CHECK(kvm_set_irq(b.vm, 4, true, &error_abort));
    CHECK(kvm_set_irq(b.vm, 4, false, &error_abort));
    bench_close(&b);
}
