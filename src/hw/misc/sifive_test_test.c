/*
 * The test finisher on a bench: pass, fail with a code, reset, and unknown
 * commands or offsets ignored, seen through the run-state requests.
 */
#include "hw/misc/sifive_test.h"
#include "system/runstate.h"
#include "util/unittest.h"

static SifiveTestState *bench_new(void)
{
    SifiveTestState *s = SIFIVE_TEST(object_new(TYPE_SIFIVE_TEST));

    CHECK(device_realize(DEVICE(s), NULL));
    runstate_reset_for_test();
    CHECK(vm_start(NULL));
    return s;
}

static void poke(SifiveTestState *s, uint64_t addr, uint32_t val)
{
    CHECK_INT(memory_region_dispatch_write(&s->iomem, addr, val, 4, MEMTXATTRS_UNSPECIFIED),
              MEMTX_OK);
}

UNITTEST(pass_exits_zero)
{
    SifiveTestState *s = bench_new();

    poke(s, 0, 0x5555);
    CHECK(runstate_main_loop_should_exit());
    CHECK_INT(runstate_exit_status(), 0);
    CHECK_INT(runstate_shutdown_cause(), SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    runstate_reset_for_test();
    object_unref(s);
}

UNITTEST(fail_exits_with_code)
{
    SifiveTestState *s = bench_new();

    poke(s, 0, (42u << 16) | 0x3333);
    CHECK(runstate_main_loop_should_exit());
    CHECK_INT(runstate_exit_status(), 42);
    runstate_reset_for_test();
    object_unref(s);
}

static int resets;
static void count_reset(void *opaque)
{
    resets++;
}

UNITTEST(reset_request)
{
    SifiveTestState *s = bench_new();

    resets = 0;
    runstate_register_reset(count_reset, NULL);
    poke(s, 0, 0x7777);
    CHECK(!runstate_main_loop_should_exit());
    CHECK_INT(resets, 1);
    runstate_unregister_reset(count_reset, NULL);
    runstate_reset_for_test();
    object_unref(s);
}

UNITTEST(unknown_commands_are_ignored)
{
    SifiveTestState *s = bench_new();
    uint64_t v = 1;

    poke(s, 0, 0x1234);
    poke(s, 4, 0x5555);          /* only offset 0 acts */
    CHECK(!runstate_main_loop_should_exit());
    CHECK(runstate_is_running());
    CHECK_INT(memory_region_dispatch_read(&s->iomem, 0, &v, 4, MEMTXATTRS_UNSPECIFIED),
              MEMTX_OK);
    CHECK_U64(v, 0);
    runstate_reset_for_test();
    object_unref(s);
}
