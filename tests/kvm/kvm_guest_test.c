/*
 * Runs our own tiny x86 guests on /dev/kvm through accel/kvm and hw/x86:
 *   kvm_guest_test longmode IMAGE   from the reset vector, guest enters long mode itself
 *   kvm_guest_test smp IMAGE        two vCPUs (one host thread each) report their ids
 *   kvm_guest_test bzimage IMAGE    a minimal bzImage loaded by x86_linux_load()
 * A fake board: RAM is one anonymous mapping in slot 0; port 0x3f8 collects
 * output bytes per vCPU (an 8250's THR, nothing else); port 0xf4 is QEMU's
 * isa-debug-exit (exit code (value << 1) | 1) and stops the vCPU.  A
 * watchdog kicks every vCPU after a few seconds so a broken guest fails
 * instead of hanging.  Exits 77 (skipped) when /dev/kvm is absent or unusable.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "accel/kvm/kvm.h"
#include "hw/x86/linux_boot.h"

#define RAM_BYTES (16u << 20)
#define MAX_VCPUS 2
#define OUT_BYTES 256
#define WATCHDOG_S 20
#define SKIP 77

typedef struct TestVcpu {
    KvmVcpu *vcpu;
    pthread_t thread;
    char out[OUT_BYTES];
    size_t out_len;
    int exit_code;               /* -1: did not reach isa-debug-exit */
    KvmStop stop;
    Error *err;
    atomic_bool done;
} TestVcpu;

typedef struct TestBoard {
    KvmVm *vm;
    uint8_t *ram;
    unsigned nr_vcpus;
    TestVcpu cpus[MAX_VCPUS];
} TestBoard;

static void board_pio_write(void *opaque, KvmVcpu *vcpu, uint16_t port, unsigned size,
                            const void *data)
{
    TestBoard *b = opaque;
    TestVcpu *c = &b->cpus[kvm_vcpu_index(vcpu)];
    uint8_t v = *(const uint8_t *)data;

    if (port == 0x3f8) {
        if (c->out_len < OUT_BYTES - 1) {
            c->out[c->out_len++] = v;
        }
    } else if (port == 0xf4) {
        c->exit_code = (v << 1) | 1;
        kvm_vcpu_request_stop(vcpu);
    }
}

static void board_pio_read(void *opaque, KvmVcpu *vcpu, uint16_t port, unsigned size,
                           void *data)
{
    memset(data, 0xff, size);
}

static void *vcpu_thread(void *opaque)
{
    TestVcpu *c = opaque;

    c->stop = kvm_vcpu_run(c->vcpu, &c->err);
    atomic_store(&c->done, true);
    return NULL;
}

static bool all_done(TestBoard *b)
{
    for (unsigned i = 0; i < b->nr_vcpus; i++) {
        if (!atomic_load(&b->cpus[i].done)) {
            return false;
        }
    }
    return true;
}

/* Runs every vCPU on its own thread; the main thread is the watchdog. */
static bool board_run(TestBoard *b)
{
    bool ok = true;
    time_t start = time(NULL);

    for (unsigned i = 0; i < b->nr_vcpus; i++) {
        if (pthread_create(&b->cpus[i].thread, NULL, vcpu_thread, &b->cpus[i]) != 0) {
            fprintf(stderr, "cannot create vCPU thread\n");
            exit(1);
        }
    }
    while (!all_done(b)) {
        if (time(NULL) - start > WATCHDOG_S) {
            fprintf(stderr, "watchdog: guest still running after %d s, kicking\n", WATCHDOG_S);
            for (unsigned i = 0; i < b->nr_vcpus; i++) {
                kvm_vcpu_kick(b->cpus[i].vcpu);
            }
            ok = false;
            start = time(NULL) + 3600;
        }
        usleep(10000);
    }
    for (unsigned i = 0; i < b->nr_vcpus; i++) {
        TestVcpu *c = &b->cpus[i];
        pthread_join(c->thread, NULL);
        if (c->err) {
            fprintf(stderr, "vCPU %u: %s\n", i, error_get_pretty(c->err));
            ok = false;
        } else if (c->stop != KVM_STOP_REQUEST) {
            fprintf(stderr, "vCPU %u stopped with reason %d, not at isa-debug-exit\n", i,
                    c->stop);
            ok = false;
        }
    }
    return ok;
}

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    void *buf;
    long n;

    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
        exit(1);
    }
    buf = malloc(n ? n : 1);
    if (!buf || fread(buf, 1, n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    *size = n;
    return buf;
}

/* Creates the VM, or exits 77 when this host cannot run one. */
static void board_init(TestBoard *b, unsigned nr_vcpus, bool irqchip)
{
    KvmVmConfig cfg = { .nr_vcpus = nr_vcpus, .irqchip = irqchip };
    KvmExitOps ops = { .pio_read = board_pio_read, .pio_write = board_pio_write, .opaque = b };
    Error *err = NULL;

    memset(b, 0, sizeof(*b));
    b->nr_vcpus = nr_vcpus;
    b->vm = kvm_vm_open(&cfg, &err);
    if (!b->vm) {
        printf("SKIP: KVM unusable here: %s\n", error_get_pretty(err));
        exit(SKIP);
    }
    b->ram = mmap(NULL, RAM_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (b->ram == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    kvm_set_ram_slot(b->vm, 0, 0, RAM_BYTES, b->ram, 0, &error_fatal);
    for (unsigned i = 0; i < nr_vcpus; i++) {
        b->cpus[i].exit_code = -1;
        b->cpus[i].vcpu = kvm_vcpu_create(b->vm, i, &ops, &error_fatal);
    }
}

static void board_close(TestBoard *b)
{
    kvm_vm_close(b->vm);
    munmap(b->ram, RAM_BYTES);
}

static int expect(bool cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "FAIL: %s\n", what);
    }
    return cond ? 0 : 1;
}

static int test_longmode(const char *image)
{
    TestBoard b;
    size_t size;
    uint8_t *bin = read_file(image, &size);
    int fails = 0;

    board_init(&b, 1, false);
    memcpy(b.ram + 0x1000, bin, size);
    /* A read-only "BIOS" page at the top of 4 GiB: the vCPU starts from
     * KVM's reset state (CS base 0xffff0000, IP 0xfff0) and the reset
     * vector far-jumps to the guest at 0000:1000. */
    uint8_t *rom = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static const uint8_t reset_vector[] = { 0xea, 0x00, 0x10, 0x00, 0x00 };  /* ljmp 0:1000 */
    memcpy(rom + 0xff0, reset_vector, sizeof(reset_vector));
    kvm_set_ram_slot(b.vm, 1, 0xfffff000, 4096, rom, KVM_MEM_READONLY, &error_fatal);
    fails += expect(board_run(&b), "guest ran to isa-debug-exit");
    printf("output: %s", b.cpus[0].out);
    fails += expect(strcmp(b.cpus[0].out, "hello from long mode\n") == 0, "output matches");
    fails += expect(b.cpus[0].exit_code == 0x21, "exit code (0x10 << 1) | 1");
    board_close(&b);
    munmap(rom, 4096);
    free(bin);
    return fails;
}

static void set_long_mode_entry(TestVcpu *c, const X86BootInfo *info)
{
    KvmEntry e = {
        .mode = KVM_ENTRY_LONG64, .rip = info->entry, .rsp = info->stack,
        .rsi = info->boot_params, .cr3 = info->pml4, .gdt_base = info->gdt_base,
        .gdt_limit = info->gdt_limit, .code_sel = info->code_sel, .data_sel = info->data_sel,
    };
    kvm_vcpu_set_entry(c->vcpu, &e, &error_fatal);
}

static int test_smp(const char *image)
{
    TestBoard b;
    GuestMemBuffer buf = { .base = NULL, .size = RAM_BYTES };
    GuestMemWriter m;
    X86BootInfo info = { .entry = 0x1000 };
    size_t size;
    uint8_t *bin = read_file(image, &size);
    int fails = 0;

    board_init(&b, 2, true);
    buf.base = b.ram;
    m = guest_mem_buffer_writer(&buf);
    x86_setup_long_mode(&m, &info, &error_fatal);
    memcpy(b.ram + 0x1000, bin, size);
    for (unsigned i = 0; i < 2; i++) {
        info.stack = 0x8000 - 0x400 * i;
        set_long_mode_entry(&b.cpus[i], &info);
    }
    fails += expect(board_run(&b), "both vCPUs ran to isa-debug-exit");
    for (unsigned i = 0; i < 2; i++) {
        char want[OUT_BYTES];
        snprintf(want, sizeof(want), "cpu apic=%u count=2 x2apic=%u lapic=%u\n", i, i, i);
        printf("vCPU %u output: %s", i, b.cpus[i].out);
        fails += expect(strcmp(b.cpus[i].out, want) == 0, "vCPU reports its own ids");
        fails += expect(b.cpus[i].exit_code == 1, "exit code (0 << 1) | 1");
    }
    board_close(&b);
    free(bin);
    return fails;
}

static int test_bzimage(const char *image)
{
    TestBoard b;
    GuestMemBuffer buf = { .size = RAM_BYTES };
    GuestMemWriter m;
    X86BootInfo info;
    static uint8_t initrd[8192] = "INITRD!!";
    size_t size;
    uint8_t *bin = read_file(image, &size);
    int fails = 0;

    board_init(&b, 1, true);
    buf.base = b.ram;
    m = guest_mem_buffer_writer(&buf);
    x86_linux_load(&m, &(X86LinuxBootConfig){
                       .kernel = bin, .kernel_size = size, .kernel_name = image,
                       .initrd = initrd, .initrd_size = sizeof(initrd),
                       .cmdline = "console=ttyS0 morpho=bzimage",
                       .ram = { .ram_size = RAM_BYTES, .gap_start = 0xc0000000 },
                   }, &info, &error_fatal);
    set_long_mode_entry(&b.cpus[0], &info);
    fails += expect(board_run(&b), "guest ran to isa-debug-exit");
    printf("output: %s", b.cpus[0].out);
    if (b.cpus[0].exit_code != 1) {
        fprintf(stderr, "guest check %d failed (see tests/kvm/bzimage.S)\n",
                b.cpus[0].exit_code >> 1);
    }
    fails += expect(b.cpus[0].exit_code == 1, "every boot_params check passed");
    fails += expect(strcmp(b.cpus[0].out, "bzimage ok\n") == 0, "output matches");
    board_close(&b);
    free(bin);
    return fails;
}

int main(int argc, char **argv)
{
    int fails;

    if (argc != 3) {
        fprintf(stderr, "usage: %s longmode|smp|bzimage IMAGE\n", argv[0]);
        return 2;
    }
    if (!strcmp(argv[1], "longmode")) {
        fails = test_longmode(argv[2]);
    } else if (!strcmp(argv[1], "smp")) {
        fails = test_smp(argv[2]);
    } else if (!strcmp(argv[1], "bzimage")) {
        fails = test_bzimage(argv[2]);
    } else {
        fprintf(stderr, "unknown test %s\n", argv[1]);
        return 2;
    }
    printf("%s: %s\n", argv[1], fails ? "FAIL" : "ok");
    return fails ? 1 : 0;
}
