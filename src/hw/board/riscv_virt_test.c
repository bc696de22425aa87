/*
 * The virt board built for real with a stand-in hart type: the memory map
 * (RAM, reset ROM, finisher, UART), the reset ROM's words and fw_dynamic
 * info, an ELF kernel loaded with -bios none, the device tree's nodes and
 * properties (parsed back with libfdt), its placement, -dtb and dumpdtb.
 */
#include "hw/board/riscv_virt.h"
#include "guest/riscv/cpu.h"
#include "hw/loader/loader.h"
#include "system/runstate.h"
#include "util/unittest.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TYPE_TEST_HART "test-hart"

typedef struct TestHart {
    DeviceState parent_obj;
    uint64_t hartid;
    uint64_t resetvec;
} TestHart;

static const Property test_hart_props[] = {
    DEFINE_PROP_UINT64("hartid", TestHart, hartid, 0, ""),
    DEFINE_PROP_UINT64("resetvec", TestHart, resetvec, 0, ""),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_hart_class_init(ObjectClass *oc, const void *data)
{
    device_class_set_props(DEVICE_CLASS(oc), test_hart_props);
}

static const TypeInfo test_hart_type = {
    .name = TYPE_TEST_HART, .parent = TYPE_DEVICE, .instance_size = sizeof(TestHart),
    .class_init = test_hart_class_init,
};

static void test_register(void)
{
    type_register_static(&test_hart_type);
}
type_init(test_register)

static char tmpdir[] = "/tmp/morpho-virt-XXXXXX";

static MachineState *board_new(unsigned cpus, uint64_t ram, const char *kernel)
{
    MachineClass *mc = machine_find_class("virt");
    CHECK(mc != NULL);
    CHECK(machine_default_class() == mc);
    MachineState *ms = machine_create(mc, &error_abort);
    CHECK_U64(ms->ram_size, 128 << 20);          /* QEMU's default */
    CHECK_STR(ms->cpu_type, "rv64");
    free(ms->cpu_type);
    ms->cpu_type = strdup(TYPE_TEST_HART);
    ms->smp.cpus = cpus;
    ms->ram_size = ram;
    CHECK(object_property_set_str(OBJECT(ms), "firmware", "none", NULL));
    if (kernel) {
        CHECK(object_property_set_str(OBJECT(ms), "kernel", kernel, NULL));
    }
    return ms;
}

static void board_free(MachineState *ms)
{
    object_unparent(OBJECT(ms));
    loader_roms_clear();
}

static uint64_t peek(RiscvVirtState *s, uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    address_space_load(s->as, addr, size, MEMTXATTRS_UNSPECIFIED, &v);
    return v;
}

/* A one-segment ELF: `code` at 0x80000000, entry there. */
static char *write_elf(void)
{
    static uint8_t elf[0x200];
    memset(elf, 0, sizeof(elf));
    memcpy(elf, "\177ELF\2\1\1", 7);
    elf[16] = 2;
    elf[18] = EM_RISCV;
    elf[20] = 1;
    uint64_t entry = 0x80000000, phoff = 64;
    memcpy(elf + 24, &entry, 8);
    memcpy(elf + 32, &phoff, 8);
    elf[52] = 64;
    elf[54] = 56;
    elf[56] = 1;
    uint8_t *ph = elf + 64;
    ph[0] = 1;
    uint64_t off = 0x100, paddr = 0x80000000, sz = 8;
    memcpy(ph + 8, &off, 8);
    memcpy(ph + 16, &paddr, 8);
    memcpy(ph + 24, &paddr, 8);
    memcpy(ph + 32, &sz, 8);
    memcpy(ph + 40, &sz, 8);
    memcpy(elf + 0x100, "\x37\x05\x10\x00\x6f\x00\x00\x00", 8);

    if (!strchr(tmpdir, 'X') || mkdtemp(tmpdir)) {
        char *path;
        CHECK(asprintf(&path, "%s/prog.elf", tmpdir) > 0);
        FILE *f = fopen(path, "wb");
        CHECK(f != NULL);
        fwrite(elf, 1, sizeof(elf), f);
        fclose(f);
        return path;
    }
    CHECK(false);
    return NULL;
}

UNITTEST(bare_metal_elf_boot_layout)
{
    char *kernel = write_elf();
    MachineState *ms = board_new(1, 128 << 20, kernel);

    CHECK(machine_run_board_init(ms, &error_abort));
    RiscvVirtState *s = RISCV_VIRT_MACHINE(ms);

    /* The kernel is in RAM. */
    CHECK_U64(peek(s, 0x80000000, 4), 0x00100537);
    /* The reset ROM: QEMU's sequence, then start and fdt addresses. */
    static const uint32_t code[6] = { 0x00000297, 0x02828613, 0xf1402573, 0x0202b583,
                                      0x0182b283, 0x00028067 };
    for (int i = 0; i < 6; i++) {
        CHECK_U64(peek(s, 0x1000 + 4 * i, 4), code[i]);
    }
    CHECK_U64(peek(s, 0x1018, 8), 0x80000000);
    CHECK_U64(peek(s, 0x1020, 8), s->fdt_addr);
    /* fw_dynamic_info at 0x1028. */
    CHECK_U64(peek(s, 0x1028, 8), 0x4942534f);
    CHECK_U64(peek(s, 0x1030, 8), 2);
    CHECK_U64(peek(s, 0x1038, 8), 0x80000000);   /* next_addr: the kernel */
    CHECK_U64(peek(s, 0x1040, 8), 1);            /* next_mode: S */
    /* The guest cannot write the ROM. */
    address_space_store(s->as, 0x1000, 4, MEMTXATTRS_UNSPECIFIED, 0);
    CHECK_U64(peek(s, 0x1000, 4), 0x00000297);

    /* The tree sits 2 MiB-aligned just below the end of RAM, and is valid. */
    CHECK_U64(s->fdt_addr, 0x88000000 - 2 * 1024 * 1024);
    uint8_t hdr[8];
    address_space_read(s->as, s->fdt_addr, MEMTXATTRS_UNSPECIFIED, hdr, 8);
    CHECK(fdt_magic(hdr) == FDT_MAGIC);

    /* The UART's LSR says THR empty; the finisher is mapped. */
    CHECK_U64(peek(s, 0x10000005, 1), 0x60);
    uint64_t xlat, span;
    bool ro;
    MemoryRegion *mr = address_space_translate(s->as, 0x100000, &xlat, &span, &ro);
    CHECK(mr && strcmp(memory_region_name(mr), "riscv.sifive.test") == 0);

    /* A guest that scribbled over the kernel gets it back at reset. */
    address_space_store(s->as, 0x80000000, 4, MEMTXATTRS_UNSPECIFIED, 0);
    runstate_reset_all(SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK_U64(peek(s, 0x80000000, 4), 0x00100537);
    board_free(ms);
    free(kernel);
}

static const void *getprop(const void *fdt, const char *path, const char *name, int *len)
{
    int off = fdt_path_offset(fdt, path);
    if (off < 0) {
        unittest_fail(__FILE__, __LINE__, "no node %s", path);
        return NULL;
    }
    const void *p = fdt_getprop(fdt, off, name, len);
    if (!p) {
        unittest_fail(__FILE__, __LINE__, "no property %s:%s", path, name);
    }
    return p;
}

static uint32_t cell(const void *fdt, const char *path, const char *name, int i)
{
    int len = 0;
    const fdt32_t *p = getprop(fdt, path, name, &len);
    return p && len >= 4 * (i + 1) ? fdt32_to_cpu(p[i]) : 0xdeadbeef;
}

UNITTEST(device_tree_nodes)
{
    MachineState *ms = board_new(2, 1ULL << 30, NULL);
    CHECK(object_property_set_str(OBJECT(ms), "append", "console=ttyS0", NULL));
    CHECK(machine_run_board_init(ms, &error_abort));
    RiscvVirtState *s = RISCV_VIRT_MACHINE(ms);
    const void *fdt = devtree_blob(s->fdt, NULL);
    int len;

    CHECK_STR(getprop(fdt, "/", "compatible", &len), "riscv-virtio");
    CHECK_STR(getprop(fdt, "/", "model", &len), "riscv-virtio,qemu");
    CHECK_INT(cell(fdt, "/", "#address-cells", 0), 2);
    CHECK_INT(cell(fdt, "/memory@80000000", "reg", 1), 0x80000000);
    CHECK_INT(cell(fdt, "/memory@80000000", "reg", 3), 0x40000000);
    CHECK_INT(cell(fdt, "/cpus", "timebase-frequency", 0), 10000000);
    for (int i = 0; i < 2; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/cpus/cpu@%d", i);
        CHECK_INT(cell(fdt, path, "reg", 0), i);
        CHECK_STR(getprop(fdt, path, "device_type", &len), "cpu");
        const char *isa = getprop(fdt, path, "riscv,isa", &len);
        CHECK(isa && strncmp(isa, "rv64imafdc_zicsr_zifencei", 25) == 0);
        CHECK_STR(getprop(fdt, path, "mmu-type", &len), "riscv,sv48");
        strcat(path, "/interrupt-controller");
        CHECK_STR(getprop(fdt, path, "compatible", &len), "riscv,cpu-intc");
        CHECK(getprop(fdt, path, "interrupt-controller", &len) != NULL);
    }
    /* QEMU's phandle order: cpu@1, its intc, cpu@0, its intc. */
    CHECK_INT(cell(fdt, "/cpus/cpu@1", "phandle", 0), 1);
    CHECK_INT(cell(fdt, "/cpus/cpu@0/interrupt-controller", "phandle", 0), 4);
    CHECK_INT(cell(fdt, "/cpus/cpu-map/cluster0/core0", "cpu", 0), 3);

    CHECK_STR(getprop(fdt, "/soc/serial@10000000", "compatible", &len), "ns16550a");
    CHECK_INT(cell(fdt, "/soc/serial@10000000", "reg", 1), 0x10000000);
    CHECK_INT(cell(fdt, "/soc/serial@10000000", "clock-frequency", 0), 3686400);
    const char *test = getprop(fdt, "/soc/test@100000", "compatible", &len);
    CHECK_STR(test, "sifive,test1");
    uint32_t test_ph = cell(fdt, "/soc/test@100000", "phandle", 0);
    CHECK_INT(cell(fdt, "/poweroff", "regmap", 0), test_ph);
    CHECK_INT(cell(fdt, "/poweroff", "value", 0), 0x5555);
    CHECK_INT(cell(fdt, "/reboot", "value", 0), 0x7777);
    CHECK_STR(getprop(fdt, "/chosen", "stdout-path", &len), "/soc/serial@10000000");
    CHECK_STR(getprop(fdt, "/chosen", "bootargs", &len), "console=ttyS0");

    /* 1 GiB of RAM: the tree goes just below 0xc0000000. */
    CHECK_U64(s->fdt_addr, 0xc0000000 - 2 * 1024 * 1024);
    board_free(ms);
}

UNITTEST(fdt_addr_rule)
{
    /* Below min(end of DRAM, 3 GiB), 2 MiB aligned. */
    CHECK_U64(riscv_virt_compute_fdt_addr(0x80000000, 128 << 20, 0x2000), 0x87e00000);
    CHECK_U64(riscv_virt_compute_fdt_addr(0x80000000, 8ULL << 30, 0x2000), 0xbfe00000);
    CHECK_U64(riscv_virt_compute_fdt_addr(0x80000000, 128 << 20, 0x300000), 0x87c00000);
}

UNITTEST(dumpdtb_and_dtb)
{
    char *dump;
    CHECK(asprintf(&dump, "%s/virt.dtb", strchr(tmpdir, 'X') ? "/tmp" : tmpdir) > 0);
    unlink(dump);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        MachineState *ms = board_new(1, 128 << 20, NULL);
        object_property_set_str(OBJECT(ms), "dumpdtb", dump, NULL);
        machine_run_board_init(ms, NULL);
        _exit(3);    /* dumpdtb must have exited 0 already */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    uint8_t *blob;
    size_t len;
    CHECK(loader_read_file(dump, &blob, &len, &error_abort));
    CHECK_INT(fdt_check_header(blob), 0);
    CHECK(fdt_path_offset(blob, "/soc/serial@10000000") >= 0);
    free(blob);

    /* -dtb replaces the generated tree; /chosen gets bootargs still. */
    MachineState *ms = board_new(1, 128 << 20, NULL);
    object_property_set_str(OBJECT(ms), "dtb", dump, NULL);
    object_property_set_str(OBJECT(ms), "append", "quiet", NULL);
    CHECK(machine_run_board_init(ms, &error_abort));
    const void *fdt = devtree_blob(RISCV_VIRT_MACHINE(ms)->fdt, NULL);
    int l;
    CHECK_STR(getprop(fdt, "/chosen", "bootargs", &l), "quiet");
    board_free(ms);

    /* A -dtb that is not one fails board init with the file's name. */
    ms = board_new(1, 128 << 20, NULL);
    object_property_set_str(OBJECT(ms), "dtb", "/etc/hostname", NULL);
    Error *err = NULL;
    CHECK(!machine_run_board_init(ms, &err));
    CHECK(err && strstr(error_get_pretty(err), "/etc/hostname"));
    error_free(err);
    board_free(ms);
    unlink(dump);
    free(dump);
}

UNITTEST(refusals)
{
    MachineState *ms = board_new(1, 128 << 20, "/nonexistent.elf");
    Error *err = NULL;
    CHECK(!machine_run_board_init(ms, &err));
    CHECK(err && strstr(error_get_pretty(err), "could not open '/nonexistent.elf'"));
    error_free(err);
    board_free(ms);

    ms = board_new(1, 128 << 20, NULL);
    free(ms->cpu_type);
    ms->cpu_type = strdup("no-such-cpu");
    err = NULL;
    CHECK(!machine_run_board_init(ms, &err));
    CHECK(err != NULL);
    error_free(err);
    board_free(ms);
}

UNITTEST(real_harts_are_wired)
{
    MachineState *ms = board_new(2, 128 << 20, NULL);
    free(ms->cpu_type);
    ms->cpu_type = strdup(RISCV_CPU_DEFAULT_TYPE);
    CHECK(machine_run_board_init(ms, &error_abort));
    RiscvVirtState *s = RISCV_VIRT_MACHINE(ms);
    CHECK_INT(s->n_harts, 2);
    for (unsigned i = 0; i < 2; i++) {
        RiscvCpu *cpu = &RISCV_HART(s->harts[i])->cpu;
        CHECK_U64(cpu->mhartid, i);
        CHECK_U64(cpu->resetvec, 0x1000);
        CHECK_U64(cpu->pc, 0x1000);
        CHECK(cpu->parent.as == s->as);
    }
    board_free(ms);
}
