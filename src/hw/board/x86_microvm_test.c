/*
 * microvm's virtio-mmio device list and the kernel command line built
 * from it (Linux's virtio_mmio.device=SIZE@BASE:IRQ), and the board's
 * refusal to start without KVM; on KVM, a tiny bzImage booted and reset.
 * Whole-machine boots through the command line are in tests/kvm/.
 */
#include "hw/board/x86_microvm.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accel/kvm/kvm_accel.h"
#include "hw/board/machine.h"
#include "system/runstate.h"
#include "util/unittest.h"

UNITTEST(slots_follow_the_memory_map)
{
    MicrovmMmioSlot slots[MICROVM_VIRTIO_NUM];

    microvm_virtio_slots_init(slots);
    CHECK_U64(slots[0].base, 0xfeb00000);
    CHECK_U64(slots[0].size, 512);
    CHECK_INT(slots[0].gsi, 5);
    CHECK_U64(slots[7].base, 0xfeb00e00);
    CHECK_INT(slots[7].gsi, 12);
    for (unsigned i = 0; i < MICROVM_VIRTIO_NUM; i++) {
        CHECK(!slots[i].in_use);
    }
}

UNITTEST(cmdline_names_only_slots_in_use)
{
    MicrovmMmioSlot slots[MICROVM_VIRTIO_NUM];
    char *s;

    microvm_virtio_slots_init(slots);
    s = microvm_kernel_cmdline("console=ttyS0", slots, MICROVM_VIRTIO_NUM);
    CHECK_STR(s, "console=ttyS0");          /* nothing plugged: unchanged */
    free(s);

    slots[0].in_use = true;
    slots[2].in_use = true;
    s = microvm_kernel_cmdline("console=ttyS0 reboot=t", slots, MICROVM_VIRTIO_NUM);
    CHECK_STR(s, "console=ttyS0 reboot=t virtio_mmio.device=512@0xfeb00000:5 "
                 "virtio_mmio.device=512@0xfeb00400:7");
    free(s);

    /* No -append: no leading space. */
    s = microvm_kernel_cmdline(NULL, slots, MICROVM_VIRTIO_NUM);
    CHECK_STR(s, "virtio_mmio.device=512@0xfeb00000:5 virtio_mmio.device=512@0xfeb00400:7");
    free(s);
    s = microvm_kernel_cmdline("", slots, 1);
    CHECK_STR(s, "virtio_mmio.device=512@0xfeb00000:5");
    free(s);
}

/* A minimal bzImage: boot protocol 2.15, one setup sector, a 64-bit
 * payload whose startup_64 (+0x200) counts its runs in RAM at 0x5000 (a
 * byte no loader writes), reports the count on port 0x80 and spins. */
static const uint8_t startup_64[] = {
    0xfe, 0x04, 0x25, 0x00, 0x50, 0x00, 0x00,     /* incb 0x5000 */
    0x8a, 0x04, 0x25, 0x00, 0x50, 0x00, 0x00,     /* movb 0x5000, %al */
    0xe6, 0x80,                                   /* outb %al, $0x80 */
    0xeb, 0xfe,                                   /* jmp . */
};

static char *write_bzimage(void)
{
    enum { SETUP = 1024, PAYLOAD = 0x400 };
    static uint8_t img[SETUP + PAYLOAD];
    static char path[] = "/tmp/microvm-test-XXXXXX";
    int fd = mkstemp(path);

    img[0x1f1] = 1;                                /* setup_sects */
    img[0x1f4] = PAYLOAD / 16;                     /* syssize */
    img[0x1fe] = 0x55, img[0x1ff] = 0xaa;
    img[0x201] = 0x66;                             /* header ends at 0x268 */
    memcpy(img + 0x202, "HdrS", 4);
    img[0x206] = 0x0f, img[0x207] = 0x02;          /* version 2.15 */
    img[0x211] = 0x01;                             /* LOADED_HIGH */
    img[0x22c] = 0xff, img[0x22d] = 0xff, img[0x22e] = 0xff, img[0x22f] = 0x7f;
    img[0x232] = 0x20;                             /* kernel_alignment 2 MiB */
    img[0x236] = 0x01;                             /* XLF_KERNEL_64 */
    img[0x238] = 0xff;                             /* cmdline_size */
    img[0x25a] = 0x20;                             /* pref_address 2 MiB */
    img[0x262] = 0x10;                             /* init_size 1 MiB */
    memcpy(img + SETUP + 0x200, startup_64, sizeof(startup_64));
    if (fd < 0 || write(fd, img, sizeof(img)) != (ssize_t)sizeof(img)) {
        abort();
    }
    close(fd);
    return path;
}

static KvmVcpu *test_vcpu;
static uint64_t port80;

static void port80_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    port80 = val;
    kvm_vcpu_request_stop(test_vcpu);       /* we run on the vCPU's thread */
}

static const MemoryRegionOps port80_ops = { .write = port80_write };

/* One machine per process: the refusal without KVM, then a real board on
 * KVM whose reset path must re-load a kernel the guest overwrote and
 * enter it again, with RAM outside the image kept. */
UNITTEST(boots_on_kvm_and_reset_reloads_the_kernel)
{
    MachineClass *mc = machine_find_class("microvm");
    Error *err = NULL;
    MachineState *ms;

    CHECK(mc != NULL);
    CHECK_U64(mc->default_ram_size, 128u << 20);
    ms = machine_create(mc, NULL);
    CHECK(ms != NULL);
    CHECK(!machine_run_board_init(ms, &err));
    CHECK_STR(error_get_pretty(err), "microvm: x86 guests run only on KVM here (use -accel kvm)");
    error_free(err);
    err = NULL;

    AccelState *accel = ACCEL(object_new(TYPE_KVM_ACCEL));
    accel->guest_arch = "x86_64";
    ms->ram_size = 16u << 20;
    ms->smp.cpus = 1;
    if (!accel_init_machine(accel, ms, &err)) {
        unittest_skip(error_get_pretty(err));
        error_free(err);
        return;
    }
    KvmAccel *kvm = kvm_accel_current();
    CHECK(!machine_run_board_init(ms, &err));
    CHECK_STR(error_get_pretty(err),
              "microvm: no firmware here, -kernel is required (bzImage or vmlinux)");
    error_free(err);

    char *path = write_bzimage();
    ms->kernel_filename = strdup(path);
    CHECK(machine_run_board_init(ms, NULL));
    unlink(path);

    MemoryRegion port;
    memory_region_init_io(&port, NULL, &port80_ops, NULL, "port80", 1);
    memory_region_add_subregion(kvm_accel_io(kvm), 0x80, &port);
    test_vcpu = kvm_accel_vcpu(kvm, 0);

    runstate_reset_all(SHUTDOWN_CAUSE_NONE);
    CHECK_INT(kvm_vcpu_run(test_vcpu, NULL), KVM_STOP_REQUEST);
    CHECK_U64(port80, 1);

    /* The guest scribbles int3 over its kernel (run without a reload, that
     * faults: an error stop here, a triple fault on hardware KVM), then
     * the system resets. */
    uint8_t junk[0x400];
    memset(junk, 0xcc, sizeof(junk));
    CHECK(address_space_write_rom(kvm_accel_memory_as(kvm), 0x100000, junk, sizeof(junk),
                                  NULL));
    runstate_reset_all(SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK_INT(kvm_vcpu_run(test_vcpu, NULL), KVM_STOP_REQUEST);
    CHECK_U64(port80, 2);
    memory_region_del_subregion(kvm_accel_io(kvm), &port);
    memory_region_destroy(&port);
}
