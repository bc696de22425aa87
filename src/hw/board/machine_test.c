/*
 * Tests of the machine base type: lookup by name and alias, help output,
 * creation at /machine with containers and defaults, string properties set
 * by name, -smp validation (QEMU's rules and messages), CPU-type checks.
 */
#include "hw/board/machine.h"
#include "util/unittest.h"

#include <stdlib.h>

#define TYPE_TEST_CPU "test-cpu"

static int board_inits;

static bool board_init(MachineState *ms, Error **errp)
{
    board_inits++;
    return true;
}

static void board_a_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    static const char *const valid[] = { TYPE_TEST_CPU, NULL };
    mc->desc = "Test board A";
    mc->alias = "tba";
    mc->init = board_init;
    mc->max_cpus = 8;
    mc->default_ram_size = 128 << 20;
    mc->default_cpu_type = "alpha-test-cpu";
    mc->valid_cpu_types = valid;
    mc->is_default = true;
}

static void board_b_class_init(ObjectClass *oc, const void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    mc->desc = "Test board B";
    mc->max_cpus = 512;
}

static const TypeInfo machine_test_types[] = {
    { .name = MACHINE_TYPE_NAME("test-a"), .parent = TYPE_MACHINE,
      .class_init = board_a_class_init },
    { .name = MACHINE_TYPE_NAME("test-b"), .parent = TYPE_MACHINE,
      .class_init = board_b_class_init },
    /* A subclass: its name must not be its parent's. */
    { .name = MACHINE_TYPE_NAME("test-b-v2"), .parent = MACHINE_TYPE_NAME("test-b") },
    { .name = TYPE_TEST_CPU, .parent = TYPE_OBJECT, .abstract = true },
    { .name = "alpha-test-cpu", .parent = TYPE_TEST_CPU },
    { .name = "beta-test-cpu", .parent = TYPE_TEST_CPU },
    { .name = "other-cpu", .parent = TYPE_OBJECT },
};

static void machine_test_register(void)
{
    type_register_static_array(machine_test_types, 7);
}

type_init(machine_test_register)

static char *capture(void (*fn)(FILE *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    fn(out);
    fclose(out);
    return buf;
}

static void print_test_cpus(FILE *out)
{
    machine_print_cpu_types(out, TYPE_TEST_CPU, "-test-cpu");
}

UNITTEST(find_and_help)
{
    /* The real boards name their architecture; the test machines name none,
     * so under another architecture only they are visible. */
    machine_set_guest_arch("test-arch");
    CHECK(machine_find_class("virt") == NULL);
    MachineClass *a = machine_find_class("test-a");
    CHECK(a != NULL);
    CHECK(machine_find_class("tba") == a);
    CHECK(machine_find_class("test-b") != NULL);
    CHECK(machine_find_class("nope") == NULL);
    CHECK(machine_default_class() == a);
    CHECK_STR(machine_class_name(machine_find_class("test-b-v2")), "test-b-v2");
    CHECK_STR(machine_class_name(machine_find_class("test-b")), "test-b");

    char *buf = capture(machine_print_help);
    CHECK(strncmp(buf, "Supported machines are:\n", 24) == 0);
    CHECK(strstr(buf, "tba                  Test board A (alias of test-a)\n"
                      "test-a               Test board A (default)\n"
                      "test-b               Test board B\n"
                      "test-b-v2            Test board B\n"));
    free(buf);

    buf = capture(print_test_cpus);
    CHECK_STR(buf, "Available CPUs:\n  alpha\n  beta\n");
    free(buf);
}

UNITTEST(create_properties_and_init)
{
    MachineClass *mc = machine_find_class("test-a");
    Error *err = NULL;
    MachineState *ms = machine_create(mc, &err);

    CHECK(ms != NULL && machine_current() == ms);
    CHECK(object_resolve_path("/machine", NULL) == OBJECT(ms));
    CHECK(object_resolve_path("/machine/peripheral", NULL) != NULL);
    CHECK(object_resolve_path("/machine/peripheral-anon", NULL) != NULL);
    CHECK(object_resolve_path("/machine/unattached", NULL) != NULL);
    CHECK_U64(ms->ram_size, 128 << 20);
    CHECK_STR(ms->cpu_type, "alpha-test-cpu");
    CHECK_INT(ms->smp.cpus, 1);
    CHECK(machine_create(mc, &err) == NULL);
    CHECK_STR(error_get_pretty(err), "a machine already exists");
    error_free(err);
    err = NULL;

    /* -machine test-a,dumpdtb=out.dtb and [machine] keys go by name. */
    static const char *const keys[] = { "kernel", "initrd", "append", "dtb", "firmware",
                                        "dumpdtb" };
    for (int i = 0; i < 6; i++) {
        CHECK(object_property_parse(OBJECT(ms), keys[i], keys[i], NULL));
    }
    CHECK_STR(ms->kernel_filename, "kernel");
    CHECK_STR(ms->initrd_filename, "initrd");
    CHECK_STR(ms->kernel_cmdline, "append");
    CHECK_STR(ms->dtb, "dtb");
    CHECK_STR(ms->firmware, "firmware");
    CHECK_STR(ms->dumpdtb, "dumpdtb");
    CHECK(!object_property_parse(OBJECT(ms), "bogus", "1", &err));
    CHECK_STR(error_get_pretty(err), "Property 'test-a-machine.bogus' not found");
    error_free(err);
    err = NULL;

    /* -append and -initrd need -kernel (QEMU's wording); the board is not
     * initialized. */
    char *kernel = ms->kernel_filename;
    ms->kernel_filename = NULL;
    CHECK(!machine_run_board_init(ms, &err));
    CHECK_STR(error_get_pretty(err), "-append only allowed with -kernel option");
    error_free(err);
    err = NULL;
    char *append = ms->kernel_cmdline;
    ms->kernel_cmdline = NULL;
    CHECK(!machine_run_board_init(ms, &err));
    CHECK_STR(error_get_pretty(err), "-initrd only allowed with -kernel option");
    error_free(err);
    err = NULL;
    CHECK_INT(board_inits, 0);
    ms->kernel_filename = kernel;
    ms->kernel_cmdline = append;

    CHECK(machine_run_board_init(ms, NULL));
    CHECK_INT(board_inits, 1);
    free(ms->cpu_type);
    ms->cpu_type = strdup("other-cpu");
    CHECK(!machine_run_board_init(ms, &err));
    CHECK_STR(error_get_pretty(err), "Invalid CPU model: other-cpu\n"
                                     "The valid models are: test-cpu");
    error_free(err);
    CHECK_INT(board_inits, 1);

    object_unparent(OBJECT(ms));
    CHECK(machine_current() == NULL);
    CHECK(object_resolve_path("/machine", NULL) == NULL);
}

typedef struct SmpCase {
    SmpConfig in;
    CpuTopology out;
    const char *error;
} SmpCase;

#define GIVEN(c, s, co, t, m)                                                   \
    { .has_cpus = (c) != 0, .cpus = (c), .has_sockets = (s) != 0, .sockets = (s), \
      .has_cores = (co) != 0, .cores = (co), .has_threads = (t) != 0, .threads = (t), \
      .has_maxcpus = (m) != 0, .maxcpus = (m) }

UNITTEST(smp_validation)
{
    static const SmpCase cases[] = {
        /* Nothing given: one of everything. */
        { GIVEN(0, 0, 0, 0, 0), { 1, 1, 1, 1, 1 }, NULL },
        /* Only cpus: cores are preferred over sockets. */
        { GIVEN(8, 0, 0, 0, 0), { 8, 1, 8, 1, 8 }, NULL },
        { GIVEN(8, 2, 0, 0, 0), { 8, 2, 4, 1, 8 }, NULL },
        { GIVEN(8, 0, 2, 0, 0), { 8, 4, 2, 1, 8 }, NULL },
        { GIVEN(8, 2, 2, 0, 0), { 8, 2, 2, 2, 8 }, NULL },
        { GIVEN(4, 0, 0, 0, 16), { 4, 1, 16, 1, 16 }, NULL },
        /* Only topology: cpus = maxcpus = product. */
        { GIVEN(0, 2, 3, 2, 0), { 12, 2, 3, 2, 12 }, NULL },
        { GIVEN(0, 0, 0, 0, 6), { 6, 1, 6, 1, 6 }, NULL },
        { GIVEN(8, 2, 2, 2, 0), { 8, 2, 2, 2, 8 }, NULL },
        { GIVEN(0, 2, 2, 2, 8), { 8, 2, 2, 2, 8 }, NULL },
        { GIVEN(4, 2, 2, 2, 8), { 4, 2, 2, 2, 8 }, NULL },
    };
    static const struct {
        SmpConfig in;
        const char *error;
    } bad[] = {
        { { .has_cpus = true, .cpus = 0 },
          "Invalid CPU topology: CPU topology parameters must be greater than zero" },
        { { .has_threads = true, .threads = 0, .has_cpus = true, .cpus = 2 },
          "Invalid CPU topology: CPU topology parameters must be greater than zero" },
        { GIVEN(8, 2, 2, 1, 0),
          "Invalid CPU topology: product of the hierarchy must match maxcpus: "
          "sockets (2) * cores (2) * threads (1) != maxcpus (8)" },
        { GIVEN(8, 3, 0, 0, 0),
          "Invalid CPU topology: product of the hierarchy must match maxcpus: "
          "sockets (3) * cores (2) * threads (1) != maxcpus (8)" },
        { GIVEN(16, 2, 2, 2, 8),
          "Invalid CPU topology: maxcpus must be equal to or greater than smp: "
          "sockets (2) * cores (2) * threads (2) == maxcpus (8) < smp_cpus (16)" },
        { GIVEN(1024, 0, 0, 0, 0),
          "Invalid SMP CPUs 1024. The max CPUs supported by machine 'test-b' is 512" },
    };

    MachineState *ms = machine_create(machine_find_class("test-b"), &error_abort);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Error *err = NULL;
        bool ok = machine_parse_smp(ms, &cases[i].in, &err);
        if (!ok) {
            unittest_fail(__FILE__, __LINE__, "case %zu: %s", i, error_get_pretty(err));
            error_free(err);
            continue;
        }
        const CpuTopology *t = &ms->smp, *e = &cases[i].out;
        if (t->cpus != e->cpus || t->sockets != e->sockets || t->cores != e->cores ||
            t->threads != e->threads || t->max_cpus != e->max_cpus) {
            unittest_fail(__FILE__, __LINE__, "case %zu: got %u/%u/%u/%u/%u", i, t->cpus,
                          t->sockets, t->cores, t->threads, t->max_cpus);
        }
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        Error *err = NULL;
        CHECK(!machine_parse_smp(ms, &bad[i].in, &err));
        CHECK_STR(err ? error_get_pretty(err) : NULL, bad[i].error);
        error_free(err);
    }
    object_unparent(OBJECT(ms));

    /* A one-CPU board (max_cpus 0 means 1). */
    ms = machine_create(machine_find_class("test-a"), &error_abort);
    MACHINE_GET_CLASS(ms)->max_cpus = 1;
    Error *err = NULL;
    SmpConfig two = GIVEN(2, 0, 0, 0, 0);
    CHECK(!machine_parse_smp(ms, &two, &err));
    CHECK_STR(error_get_pretty(err),
              "Invalid SMP CPUs 2. The max CPUs supported by machine 'test-a' is 1");
    error_free(err);
    MACHINE_GET_CLASS(ms)->max_cpus = 8;
    object_unparent(OBJECT(ms));
}
