/*
 * microvm's virtio-mmio device list and the kernel command line built
 * from it (Linux's virtio_mmio.device=SIZE@BASE:IRQ), and the board's
 * refusal to start without KVM.  Real boots are in tests/kvm/.
 */
#include "hw/board/x86_microvm.h"

#include <stdlib.h>

#include "hw/board/machine.h"
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

UNITTEST(refuses_to_run_without_kvm)
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
}
