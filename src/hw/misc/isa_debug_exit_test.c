/*
 * isa-debug-exit on a test bench: an ISA I/O space of our own, the device
 * created the way -device creates it, port writes through an address
 * space, and the exit request the main loop would act on.
 */
#include "hw/misc/isa_debug_exit.h"

#include "hw/x86/isa_bus.h"
#include "system/runstate.h"
#include "util/unittest.h"

UNITTEST(needs_an_isa_bus)
{
    static const char *const props[] = { "iobase=0xf4" };
    Error *err = NULL;

    isa_bus_clear();
    CHECK(device_create(TYPE_ISA_DEBUG_EXIT, NULL, props, 1, &err) == NULL);
    CHECK_STR(error_get_pretty(err), "No 'ISA' bus found for device 'isa-debug-exit'");
    error_free(err);
}

static int exit_status_after_write(const char *const *props, int n, uint16_t port,
                                   unsigned size, uint32_t value)
{
    MemoryRegion io;
    AddressSpace *as;
    DeviceState *dev;
    int status = -1;

    runstate_reset_for_test();
    memory_region_init(&io, NULL, "io", 0x10000);
    as = address_space_create(&io, "I/O");
    isa_bus_set(&io, NULL);
    dev = device_create(TYPE_ISA_DEBUG_EXIT, NULL, props, n, NULL);
    CHECK(dev != NULL);
    CHECK(!runstate_main_loop_should_exit());
    /* Unassigned ports (the out-of-range case) answer DECODE_ERROR. */
    (void)address_space_store(as, port, size, MEMTXATTRS_UNSPECIFIED, value);
    if (runstate_main_loop_should_exit()) {
        status = runstate_exit_status();
    }
    device_unrealize(dev);
    object_unparent(OBJECT(dev));      /* the tree owned it */
    isa_bus_clear();
    address_space_destroy(as);
    memory_region_destroy(&io);
    return status;
}

UNITTEST(write_exits_with_value_shifted_and_ored)
{
    static const char *const tests_props[] = { "iobase=0xf4", "iosize=0x04" };
    static const char *const default_props[] = { NULL };

    CHECK_INT(exit_status_after_write(tests_props, 2, 0xf4, 1, 0x10), 0x21);
    CHECK_INT(exit_status_after_write(tests_props, 2, 0xf4, 1, 0), 1);
    /* A 32-bit write to the last port of the range; exit(3) keeps 8 bits. */
    CHECK_INT(exit_status_after_write(tests_props, 2, 0xf4, 4, 0x1ff), 0xff);
    /* QEMU's default place: 0x501. */
    CHECK_INT(exit_status_after_write(default_props, 0, 0x501, 1, 3), 7);
    /* Outside the range nothing happens. */
    CHECK_INT(exit_status_after_write(tests_props, 2, 0xf8, 1, 3), -1);
}

UNITTEST(range_must_fit_the_io_space)
{
    static const char *const props[] = { "iobase=0xffff", "iosize=4" };
    MemoryRegion io;
    Error *err = NULL;

    memory_region_init(&io, NULL, "io", 0x10000);
    isa_bus_set(&io, NULL);
    CHECK(device_create(TYPE_ISA_DEBUG_EXIT, NULL, props, 2, &err) == NULL);
    CHECK_STR(error_get_pretty(err), "iobase 0xffff, iosize 0x4: outside the 64 KiB I/O space");
    error_free(err);
    isa_bus_clear();
    memory_region_destroy(&io);
}
