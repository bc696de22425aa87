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
    int mip[16];            /* input levels, by mip bit (the CPU contract) */
} TestHart;

static void test_hart_irq(void *opaque, int bit, int level)
{
    ((TestHart *)opaque)->mip[bit] = level;
}

static void test_hart_init(Object *obj)
{
    device_init_gpio_in(DEVICE(obj), test_hart_irq, 16);
}

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
    .instance_init = test_hart_init, .class_init = test_hart_class_init,
};

static void test_register(void)
{
    type_register_static(&test_hart_type);
}
type_init(test_register)

static char tmpdir[] = "/tmp/morpho-virt-XXXXXX";
static bool tmpdir_made;
static pid_t tmpdir_owner;

static const char *tmp_dir(void)
{
    if (!tmpdir_made) {
        CHECK(mkdtemp(tmpdir) != NULL);
        tmpdir_made = true;
        tmpdir_owner = getpid();
    }
    return tmpdir;
}

__attribute__((destructor)) static void tmp_dir_remove(void)
{
    char path[64];

    if (tmpdir_made && getpid() == tmpdir_owner) {    /* not in a forked child */
        snprintf(path, sizeof(path), "%s/prog.elf", tmpdir);
        unlink(path);
        rmdir(tmpdir);
    }
}

static MachineState *board_new(unsigned cpus, uint64_t ram, const char *kernel)
{
    machine_set_guest_arch("riscv64");
    MachineClass *mc = machine_find_class("virt");
    CHECK(mc != NULL);
    CHECK(machine_default_class() == mc);
    MachineState *ms = machine_create(mc, &error_abort);
    CHECK_U64(ms->ram_size, 128 << 20);          /* QEMU's default */
    CHECK_STR(ms->cpu_type, TYPE_RISCV_CPU_RV64);
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

/* A one-segment ELF: `code` at 0x80000000, entry at `entry`. */
static char *write_elf_with_entry(uint64_t entry)
{
    static uint8_t elf[0x200];
    memset(elf, 0, sizeof(elf));
    memcpy(elf, "\177ELF\2\1\1", 7);
    elf[16] = 2;
    elf[18] = EM_RISCV;
    elf[20] = 1;
    uint64_t phoff = 64;
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

    char *path;
    CHECK(asprintf(&path, "%s/prog.elf", tmp_dir()) > 0);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(elf, 1, sizeof(elf), f);
        fclose(f);
    }
    return path;
}

static char *write_elf(void)
{
    return write_elf_with_entry(0x80000000);
}

/* -bios none: the reset ROM jumps to the DRAM base whatever the ELF entry,
 * as QEMU 7.2's virt does; the entry only goes to fw_dynamic's next_addr. */
UNITTEST(bios_none_starts_at_dram_base)
{
    char *kernel = write_elf_with_entry(0x80000010);
    MachineState *ms = board_new(1, 128 << 20, kernel);

    CHECK(machine_run_board_init(ms, &error_abort));
    RiscvVirtState *s = RISCV_VIRT_MACHINE(ms);
    CHECK_U64(peek(s, 0x1018, 8), 0x80000000);   /* where the ROM jumps */
    CHECK_U64(peek(s, 0x1038, 8), 0x80000010);   /* next_addr: the ELF entry */
    board_free(ms);
    free(kernel);
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

    /* A guest that scribbled over the kernel gets it back at reset, and
     * the devices reset too (the UART's scratch register). */
    address_space_store(s->as, 0x80000000, 4, MEMTXATTRS_UNSPECIFIED, 0);
    address_space_store(s->as, 0x10000007, 1, MEMTXATTRS_UNSPECIFIED, 0x5a);
    CHECK_U64(peek(s, 0x10000007, 1), 0x5a);
    runstate_reset_all(SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK_U64(peek(s, 0x80000000, 4), 0x00100537);
    CHECK_U64(peek(s, 0x10000007, 1), 0);
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
    char *kernel = write_elf();
    MachineState *ms = board_new(2, 1ULL << 30, kernel);
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
    free(kernel);
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
    CHECK(asprintf(&dump, "%s/virt.dtb", tmp_dir()) > 0);
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
    char *kernel = write_elf();
    MachineState *ms = board_new(1, 128 << 20, kernel);
    object_property_set_str(OBJECT(ms), "dtb", dump, NULL);
    object_property_set_str(OBJECT(ms), "append", "quiet", NULL);
    CHECK(machine_run_board_init(ms, &error_abort));
    const void *fdt = devtree_blob(RISCV_VIRT_MACHINE(ms)->fdt, NULL);
    int l;
    CHECK_STR(getprop(fdt, "/chosen", "bootargs", &l), "quiet");
    board_free(ms);
    free(kernel);

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
        CHECK(cpu->rdtime != NULL);
    }
    /* Until the hart declares GPIO inputs, the board sets mip itself. */
    RiscvCpu *cpu1 = &RISCV_HART(s->harts[1])->cpu;
    address_space_store(s->as, 0x2000004, 4, MEMTXATTRS_UNSPECIFIED, 1);
    CHECK_U64(atomic_load(&cpu1->mip), 1u << 3);
    address_space_store(s->as, 0x2000004, 4, MEMTXATTRS_UNSPECIFIED, 0);
    CHECK_U64(atomic_load(&cpu1->mip), 0);
    CHECK_U64(cpu1->rdtime(cpu1->rdtime_opaque), peek(s, 0x200bff8, 8));
    /* A system reset sends the harts back to the reset ROM. */
    cpu1->pc = 0x80001234;
    runstate_reset_all(SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK_U64(cpu1->pc, 0x1000);
    board_free(ms);
}

static const uint32_t *cells_of(const void *fdt, const char *path, const char *name, int *n)
{
    int len = 0;
    const uint32_t *p = getprop(fdt, path, name, &len);
    *n = len / 4;
    return p;
}

UNITTEST(interrupt_controllers_in_the_tree)
{
    MachineState *ms = board_new(2, 1ULL << 30, NULL);
    CHECK(machine_run_board_init(ms, &error_abort));
    const void *fdt = devtree_blob(RISCV_VIRT_MACHINE(ms)->fdt, NULL);
    int n, len;

    /* As QEMU 7.2's smp2 tree: intc phandles 4 (hart 0) and 2 (hart 1). */
    const uint32_t *c = cells_of(fdt, "/soc/clint@2000000", "interrupts-extended", &n);
    static const uint32_t clint_want[8] = { 4, 3, 4, 7, 2, 3, 2, 7 };
    CHECK_INT(n, 8);
    for (int i = 0; c && i < 8 && i < n; i++) {
        CHECK_INT(fdt32_to_cpu(c[i]), clint_want[i]);
    }
    c = cells_of(fdt, "/soc/plic@c000000", "interrupts-extended", &n);
    static const uint32_t plic_want[8] = { 4, 11, 4, 9, 2, 11, 2, 9 };
    CHECK_INT(n, 8);
    for (int i = 0; c && i < 8 && i < n; i++) {
        CHECK_INT(fdt32_to_cpu(c[i]), plic_want[i]);
    }
    CHECK_INT(cell(fdt, "/soc/plic@c000000", "phandle", 0), 5);
    CHECK_INT(cell(fdt, "/soc/plic@c000000", "riscv,ndev", 0), 0x5f);
    CHECK_INT(cell(fdt, "/soc/plic@c000000", "reg", 3), 0x600000);
    CHECK_INT(cell(fdt, "/soc/test@100000", "phandle", 0), 6);
    CHECK_INT(cell(fdt, "/soc/serial@10000000", "interrupt-parent", 0), 5);
    CHECK_INT(cell(fdt, "/soc/serial@10000000", "interrupts", 0), 10);
    CHECK_STR(getprop(fdt, "/soc/rtc@101000", "compatible", &len), "google,goldfish-rtc");
    CHECK_INT(cell(fdt, "/soc/rtc@101000", "interrupts", 0), 11);
    for (int i = 0; i < 8; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/soc/virtio_mmio@%x", 0x10001000 + i * 0x1000);
        CHECK_STR(getprop(fdt, path, "compatible", &len), "virtio,mmio");
        CHECK_INT(cell(fdt, path, "interrupts", 0), i + 1);
    }
    /* QEMU's node order under /soc: rtc, serial, test, virtio 8..1, plic, clint. */
    int soc = fdt_path_offset(fdt, "/soc");
    int child = fdt_first_subnode(fdt, soc);
    CHECK_STR(fdt_get_name(fdt, child, NULL), "rtc@101000");
    const char *last = NULL;
    fdt_for_each_subnode(child, fdt, soc) {
        last = fdt_get_name(fdt, child, NULL);
    }
    CHECK_STR(last, "clint@2000000");
    board_free(ms);
}

static uint64_t peek32(RiscvVirtState *s, uint64_t addr)
{
    return peek(s, addr, 4);
}

UNITTEST(interrupts_reach_the_harts)
{
    MachineState *ms = board_new(2, 128 << 20, NULL);
    CHECK(machine_run_board_init(ms, &error_abort));
    RiscvVirtState *s = RISCV_VIRT_MACHINE(ms);
    TestHart *h0 = (TestHart *)s->harts[0], *h1 = (TestHart *)s->harts[1];
    MemTxAttrs a = MEMTXATTRS_UNSPECIFIED;

    /* ACLINT: msip of hart 1, mtimecmp of hart 0 in the past. */
    address_space_store(s->as, 0x2000004, 4, a, 1);
    CHECK_INT(h1->mip[3], 1);
    CHECK_INT(h0->mip[3], 0);
    address_space_store(s->as, 0x2004000, 8, a, 0);
    CHECK_INT(h0->mip[7], 1);
    CHECK_INT(h1->mip[7], 0);

    /* UART THRE interrupt (source 10) to hart 1's S context (3). */
    address_space_store(s->as, 0xc000000 + 4 * 10, 4, a, 1);
    address_space_store(s->as, 0xc002000 + 0x80 * 3, 4, a, 1u << 10);
    address_space_store(s->as, 0x10000001, 1, a, 0x02);     /* IER.THRI */
    CHECK_INT(h1->mip[9], 1);
    CHECK_INT(h1->mip[11], 0);
    CHECK_INT(h0->mip[9], 0);
    CHECK_U64(peek32(s, 0xc201004 + 0x2000), 10);            /* claim, context 3 */
    CHECK_INT(h1->mip[9], 0);
    address_space_store(s->as, 0xc201004 + 0x2000, 4, a, 10); /* complete: still high */
    CHECK_INT(h1->mip[9], 1);

    /* Empty virtio slots introduce themselves as QEMU's do. */
    CHECK_U64(peek32(s, 0x10001000), 0x74726976);
    CHECK_U64(peek32(s, 0x10008004), 2);
    CHECK_U64(peek32(s, 0x10008008), 0);
    /* The RTC reads a date after 2020. */
    uint64_t lo = peek32(s, 0x101000), hi = peek32(s, 0x101004);
    CHECK((hi << 32 | lo) > 1577836800ULL * 1000000000ULL);
    board_free(ms);
}

static char *write_tmp(const char *name, const void *data, size_t len)
{
    char *path;
    CHECK(asprintf(&path, "%s/%s", tmp_dir(), name) > 0);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
    return path;
}

UNITTEST(firmware_kernel_initrd_handoff)
{
    static uint8_t fw[0x3000], image[0x2000], initrd[0x1000];
    memset(fw, 0x13, sizeof(fw));
    memset(image, 0, sizeof(image));
    image[0] = 'M';
    image[1] = 'Z';
    image[8 + 2] = 0x20;                  /* text_offset 0x200000 */
    image[16 + 1] = 0x40;                 /* image_size 0x4000 */
    memcpy(image + 48, "RISCV\0\0\0", 8);
    memcpy(image + 56, "RSC\x05", 4);
    memset(initrd, 0xa5, sizeof(initrd));
    char *fw_path = write_tmp("fw_dynamic.bin", fw, sizeof(fw));
    char *img_path = write_tmp("Image", image, sizeof(image));
    char *rd_path = write_tmp("initrd", initrd, sizeof(initrd));

    /* -bios default finds fw_dynamic.bin through $MORPHO_FIRMWARE_DIR. */
    setenv("MORPHO_FIRMWARE_DIR", tmpdir, 1);
    MachineState *ms = board_new(1, 128 << 20, img_path);
    object_property_set_str(OBJECT(ms), "firmware", "default", NULL);
    object_property_set_str(OBJECT(ms), "initrd", rd_path, NULL);
    CHECK(machine_run_board_init(ms, &error_abort));
    unsetenv("MORPHO_FIRMWARE_DIR");
    RiscvVirtState *s = RISCV_VIRT_MACHINE(ms);

    CHECK_U64(peek(s, 0x80000000, 4), 0x13131313);        /* the firmware */
    CHECK_U64(peek(s, 0x80200000, 2), 0x5a4d);            /* the kernel, 2 MiB up */
    CHECK_U64(peek(s, 0x1018, 8), 0x80000000);            /* reset ROM jumps to firmware */
    CHECK_U64(peek(s, 0x1038, 8), 0x80200000);            /* fw_dynamic next_addr */
    CHECK_U64(peek(s, 0x1040, 8), 1);                     /* next_mode S */
    /* The initrd: kernel + min(RAM / 2, 128 MiB), as QEMU. */
    CHECK_U64(s->initrd_start, 0x80200000 + (64 << 20));
    CHECK_U64(s->initrd_end, s->initrd_start + sizeof(initrd));
    CHECK_U64(peek(s, s->initrd_start, 4), 0xa5a5a5a5);
    const void *fdt = devtree_blob(s->fdt, NULL);
    int len;
    const fdt64_t *p = getprop(fdt, "/chosen", "linux,initrd-start", &len);
    CHECK_INT(len, 8);
    CHECK_U64(p ? fdt64_to_cpu(*p) : 0, s->initrd_start);
    p = getprop(fdt, "/chosen", "linux,initrd-end", &len);
    CHECK_U64(p ? fdt64_to_cpu(*p) : 0, s->initrd_end);
    board_free(ms);

    /* -initrd without -kernel is refused. */
    ms = board_new(1, 128 << 20, NULL);
    object_property_set_str(OBJECT(ms), "initrd", rd_path, NULL);
    Error *err = NULL;
    CHECK(!machine_run_board_init(ms, &err));
    CHECK(err && strstr(error_get_pretty(err), "-initrd"));
    error_free(err);
    board_free(ms);

    /* No firmware anywhere: a clear error naming the file. */
    ms = board_new(1, 128 << 20, NULL);
    object_property_set_str(OBJECT(ms), "firmware", "default", NULL);
    char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", "/nonexistent", 1);
    setenv("MORPHO_CACHE", "/nonexistent", 1);
    err = NULL;
    bool ok = machine_run_board_init(ms, &err);
    unsetenv("MORPHO_CACHE");
    if (home) {
        setenv("HOME", home, 1);
        free(home);
    }
    if (access("/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin", R_OK) != 0) {
        CHECK(!ok);
        CHECK(err && strstr(error_get_pretty(err), "Unable to find the RISC-V BIOS"));
    }
    error_free(err);
    board_free(ms);
    unlink(fw_path);
    unlink(img_path);
    unlink(rd_path);
    free(fw_path);
    free(img_path);
    free(rd_path);
}

/* Debian's own OpenSBI and EFI-stub kernel, when scripts/guest-image.sh has
 * fetched them. */
UNITTEST(debian_opensbi_and_kernel_layout)
{
    const char *home = getenv("HOME");
    char *fw = NULL, *kernel = NULL;
    if (!home || asprintf(&fw, "%s/.cache/morpho/debian/riscv64/opensbi/usr/lib/"
                          "riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin", home) < 0 ||
        access(fw, R_OK) != 0) {
        free(fw);
        UNITTEST_SKIP("Debian's opensbi is not in ~/.cache/morpho/debian/riscv64");
    }
    FILE *ls = popen("ls ~/.cache/morpho/debian/riscv64/linux-image-*/boot/vmlinux-* "
                     "2>/dev/null | head -1", "r");
    char line[512] = "";
    if (ls) {
        if (!fgets(line, sizeof(line), ls)) {
            line[0] = 0;
        }
        pclose(ls);
    }
    line[strcspn(line, "\n")] = 0;
    if (!line[0]) {
        free(fw);
        UNITTEST_SKIP("Debian's riscv64 kernel is not in ~/.cache/morpho/debian/riscv64");
    }
    kernel = strdup(line);
    MachineState *ms = board_new(1, 1ULL << 30, kernel);
    object_property_set_str(OBJECT(ms), "firmware", fw, NULL);
    CHECK(machine_run_board_init(ms, &error_abort));
    RiscvVirtState *s = RISCV_VIRT_MACHINE(ms);
    /* OpenSBI's first instruction is not zero; the kernel is an EFI-stub
     * Image ("MZ", and the RISC-V magic at 56) at 0x80200000. */
    CHECK(peek(s, 0x80000000, 4) != 0);
    CHECK_U64(peek(s, 0x80200000, 2), 0x5a4d);
    CHECK_U64(peek(s, 0x80200000 + 56, 4), 0x05435352);
    CHECK_U64(peek(s, 0x1038, 8), 0x80200000);
    board_free(ms);
    free(fw);
    free(kernel);
}

/*
 * The dumped tree for -smp 1 and 2 with 1 GiB, decompiled with dtc, against
 * golden .dts files beside this test (golden/riscv-virt-smpN-1G.dts; compare
 * them with QEMU's in /work/shared/reference).  MORPHO_UPDATE_GOLDEN=1
 * rewrites them from the current board.
 */
static void check_golden(unsigned cpus)
{
    char src_dir[512], golden[600], dtb[600], cmd[1400];
    /* A relative __FILE__ is relative to the build directory, where meson
     * puts this test's executable. */
    if (__FILE__[0] == '/') {
        snprintf(src_dir, sizeof(src_dir), "%s", __FILE__);
    } else {
        char exe[256];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        exe[n > 0 ? n : 0] = 0;
        char *end = strrchr(exe, '/');
        if (end) {
            *end = 0;
        }
        snprintf(src_dir, sizeof(src_dir), "%s/%s", exe, __FILE__);
    }
    char *slash = strrchr(src_dir, '/');
    if (slash) {
        *slash = 0;
    } else {
        snprintf(src_dir, sizeof(src_dir), ".");
    }
    snprintf(golden, sizeof(golden), "%s/golden/riscv-virt-smp%u-1G.dts", src_dir, cpus);
    snprintf(dtb, sizeof(dtb), "%s/smp%u.dtb", tmp_dir(), cpus);

    MachineState *ms = board_new(cpus, 1ULL << 30, NULL);
    free(ms->cpu_type);
    ms->cpu_type = strdup(RISCV_CPU_DEFAULT_TYPE);
    CHECK(machine_run_board_init(ms, &error_abort));
    size_t size;
    const void *blob = devtree_blob(RISCV_VIRT_MACHINE(ms)->fdt, &size);
    FILE *f = fopen(dtb, "wb");
    CHECK(f && fwrite(blob, 1, size, f) == size);
    if (f) {
        fclose(f);
    }
    board_free(ms);

    if (getenv("MORPHO_UPDATE_GOLDEN")) {
        snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts -o '%s' '%s'", golden, dtb);
    } else {
        snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts '%s' | diff -u '%s' - >&2", dtb,
                 golden);
    }
    int rc = system(cmd);
    if (rc != 0) {
        unittest_fail(__FILE__, __LINE__, "-smp %u: the tree differs from %s (rc %d)", cpus,
                      golden, rc);
    }
    unlink(dtb);
}

UNITTEST(golden_device_trees)
{
    if (system("dtc --version >/dev/null 2>&1") != 0) {
        UNITTEST_SKIP("dtc is not installed");
    }
    check_golden(1);
    check_golden(2);
}
