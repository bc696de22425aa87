/*
 * Tests of the command-line parser: each option's effect on Config, the
 * -m and -smp derivations, merge semantics across options, and the exact
 * error messages for unknown options, missing and bad arguments.
 */
#include "config/cmdline.h"
#include "util/log.h"
#include "util/unittest.h"

#include <stdarg.h>
#include <stdlib.h>

enum { MAX_ARGS = 64 };

/* Parse a NULL-terminated list of arguments (argv[0] is added). */
static bool parse(Config *cfg, Error **errp, ...)
{
    char *argv[MAX_ARGS];
    int argc = 0;
    va_list ap;

    argv[argc++] = (char *)"morpho-system-riscv64";
    va_start(ap, errp);
    for (char *a; (a = va_arg(ap, char *)) != NULL;) {
        argv[argc++] = a;
    }
    va_end(ap);
    argv[argc] = NULL;
    return config_parse_cmdline(cfg, argc, argv, errp);
}

/* Parse and expect failure with exactly this message. */
#define CHECK_PARSE_ERROR(msg, ...)                                          \
    do {                                                                     \
        Config cfg_;                                                         \
        Error *err_ = NULL;                                                  \
        CHECK(!parse(&cfg_, &err_, __VA_ARGS__, NULL));                      \
        CHECK(err_ != NULL);                                                 \
        if (err_) {                                                          \
            CHECK_STR(error_get_pretty(err_), msg);                          \
            error_free(err_);                                                \
        }                                                                    \
        config_free(&cfg_);                                                  \
    } while (0)

UNITTEST(defaults)
{
    Config cfg;

    CHECK(parse(&cfg, &error_abort, NULL));
    CHECK(cfg.machine != NULL);
    CHECK(opts_get(cfg.machine, "type") == NULL);
    CHECK_U64(cfg.ram_size_bytes, 0);
    CHECK_INT(cfg.smp.cpus, 1);
    CHECK_INT(cfg.smp.maxcpus, 1);
    CHECK(cfg.cpu_model == NULL && cfg.gdb == NULL && cfg.display == NULL);
    CHECK(!cfg.nographic && !cfg.start_stopped && !cfg.exit_early);
    CHECK_INT(cfg.serials.count, 0);
    config_free(&cfg);
}

UNITTEST(machine_and_boot_files)
{
    Config cfg;

    CHECK(parse(&cfg, &error_abort, "-M", "virt,aia=aplic", "-kernel", "Image",
                "--initrd", "rd.img", "-append", "console=ttyS0 root=/dev/vda,rw",
                "-dtb", "b.dtb", "-bios", "fw.bin", "-machine", "dumpdtb=x.dtb", NULL));
    CHECK_STR(opts_get(cfg.machine, "type"), "virt");
    CHECK_STR(opts_get(cfg.machine, "aia"), "aplic");
    CHECK_STR(opts_get(cfg.machine, "kernel"), "Image");
    CHECK_STR(opts_get(cfg.machine, "initrd"), "rd.img");
    /* -append takes its argument whole: commas are not separators. */
    CHECK_STR(opts_get(cfg.machine, "append"), "console=ttyS0 root=/dev/vda,rw");
    CHECK_STR(opts_get(cfg.machine, "dtb"), "b.dtb");
    CHECK_STR(opts_get(cfg.machine, "firmware"), "fw.bin");
    CHECK_STR(opts_get(cfg.machine, "dumpdtb"), "x.dtb");
    config_free(&cfg);

    /* Later -machine options override earlier keys; -kernel twice: last wins. */
    CHECK(parse(&cfg, &error_abort, "-M", "virt,kernel=a", "-kernel", "b", "-M", "spike",
                "-kernel", "c", NULL));
    CHECK_STR(opts_get(cfg.machine, "type"), "spike");
    CHECK_STR(opts_get(cfg.machine, "kernel"), "c");
    CHECK(cfg.groups[CONFIG_GROUP_MACHINE]->head->next == NULL);
    config_free(&cfg);

    CHECK(parse(&cfg, &error_abort, "-machine", "type=virt", NULL));
    CHECK_STR(opts_get(cfg.machine, "type"), "virt");
    config_free(&cfg);
}

UNITTEST(memory_sizes)
{
    static const struct {
        const char *arg;
        uint64_t bytes;
    } cases[] = {
        { "4G", 4ull << 30 }, { "512", 512ull << 20 }, { "512M", 512ull << 20 },
        { "size=2g", 2ull << 30 }, { "1.5G", 3ull << 29 }, { "0x100", 256ull << 20 },
        { "100k", 106496 },  /* rounded up to 8 KiB */
        { "4096K", 4ull << 20 }, { "1T", 1ull << 40 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Config cfg;
        Error *err = NULL;

        if (!parse(&cfg, &err, "-m", cases[i].arg, NULL)) {
            unittest_fail(__FILE__, __LINE__, "-m %s: %s", cases[i].arg,
                          error_get_pretty(err));
            error_free(err);
        } else {
            CHECK_U64(cfg.ram_size_bytes, cases[i].bytes);
        }
        config_free(&cfg);
    }
}

UNITTEST(memory_merge_and_maxmem)
{
    Config cfg;

    CHECK(parse(&cfg, &error_abort, "-m", "1G", "-m", "size=2G,slots=2,maxmem=8G", NULL));
    CHECK_U64(cfg.ram_size_bytes, 2ull << 30);
    CHECK_U64(cfg.maxmem_bytes, 8ull << 30);
    CHECK_INT(cfg.ram_slots, 2);
    config_free(&cfg);

    /* As in QEMU, size 0 is the board's default. */
    CHECK(parse(&cfg, &error_abort, "-m", "0", NULL));
    CHECK_U64(cfg.ram_size_bytes, 0);
    config_free(&cfg);

    CHECK(parse(&cfg, &error_abort, "-m", "2G", "-m", "3G", NULL));
    CHECK_U64(cfg.ram_size_bytes, 3ull << 30);
    config_free(&cfg);

    CHECK_PARSE_ERROR("-m 4X: parameter 'size' expects a non-negative size below 2^64 "
                      "(optional suffix k, M, G, T, P or E), not '4X'", "-m", "4X");
    CHECK_PARSE_ERROR("-m 1G,foo=2: invalid parameter 'foo'", "-m", "1G,foo=2");
    CHECK_PARSE_ERROR("-m: too large 'size' option value '17592186044416'",
                      "-m", "17592186044416");
    CHECK_PARSE_ERROR("-m: invalid option value: missing 'maxmem' option",
                      "-m", "1G,slots=2");
    CHECK_PARSE_ERROR("-m: invalid value of maxmem: maximum memory size (0x20000000) must "
                      "be at least the initial memory size (0x40000000)",
                      "-m", "1G,maxmem=512M");
    CHECK_PARSE_ERROR("-m: invalid value of maxmem: memory slots were specified but maximum "
                      "memory size (0x40000000) is equal to the initial memory size "
                      "(0x40000000)", "-m", "1G,maxmem=1G,slots=1");
}

static void check_smp(const char *arg, unsigned cpus, unsigned maxcpus, unsigned sockets,
                      unsigned cores, unsigned threads, int line)
{
    Config cfg;
    Error *err = NULL;

    if (!parse(&cfg, &err, "-smp", arg, NULL)) {
        unittest_fail(__FILE__, line, "-smp %s: %s", arg, error_get_pretty(err));
        error_free(err);
    } else if (cfg.smp.cpus != cpus || cfg.smp.maxcpus != maxcpus ||
               cfg.smp.sockets != sockets || cfg.smp.cores != cores ||
               cfg.smp.threads != threads || cfg.smp.dies != 1 || cfg.smp.clusters != 1) {
        unittest_fail(__FILE__, line, "-smp %s: got cpus %u maxcpus %u sockets %u cores %u "
                      "threads %u", arg, cfg.smp.cpus, cfg.smp.maxcpus, cfg.smp.sockets,
                      cfg.smp.cores, cfg.smp.threads);
    }
    config_free(&cfg);
}

UNITTEST(smp_topology)
{
    check_smp("2", 2, 2, 1, 2, 1, __LINE__);
    check_smp("cpus=8", 8, 8, 1, 8, 1, __LINE__);
    check_smp("sockets=2,cores=2,threads=2", 8, 8, 2, 2, 2, __LINE__);
    check_smp("cores=4", 4, 4, 1, 4, 1, __LINE__);
    check_smp("4,maxcpus=8", 4, 8, 1, 8, 1, __LINE__);
    check_smp("4,sockets=2", 4, 4, 2, 2, 1, __LINE__);
    check_smp("2,sockets=2,cores=2,maxcpus=4", 2, 4, 2, 2, 1, __LINE__);
    check_smp("maxcpus=6,threads=2", 6, 6, 1, 3, 2, __LINE__);
    /* Given cores, the sockets are computed; given both, the threads. */
    check_smp("8,cores=4", 8, 8, 2, 4, 1, __LINE__);
    check_smp("8,cores=2,sockets=2", 8, 8, 2, 2, 2, __LINE__);
    check_smp("threads=2,sockets=3", 6, 6, 3, 1, 2, __LINE__);

    CHECK_PARSE_ERROR("-smp: invalid CPU topology: product of the hierarchy must match "
                      "maxcpus: sockets (2) * cores (3) * threads (1) != maxcpus (8)",
                      "-smp", "8,sockets=2,cores=3,threads=1");
    CHECK_PARSE_ERROR("-smp: invalid CPU topology: product of the hierarchy must match "
                      "maxcpus: sockets (1) * dies (2) * clusters (1) * cores (2) * "
                      "threads (1) != maxcpus (8)", "-smp", "8,dies=2,clusters=1,cores=2,sockets=1,threads=1");
    CHECK_PARSE_ERROR("-smp: invalid CPU topology: maxcpus must be equal to or greater than "
                      "smp: sockets (1) * cores (2) * threads (1) == maxcpus (2) < smp_cpus (4)",
                      "-smp", "4,maxcpus=2,cores=2");
    /* Without maxcpus the product is maxcpus, so cpus beyond it fail that check. */
    CHECK_PARSE_ERROR("-smp: invalid CPU topology: maxcpus must be equal to or greater than "
                      "smp: sockets (2) * cores (3) * threads (1) == maxcpus (6) < smp_cpus (8)",
                      "-smp", "8,sockets=2,cores=3,threads=1,maxcpus=6");
    CHECK_PARSE_ERROR("-smp: invalid CPU topology: CPU topology parameters must be greater "
                      "than zero", "-smp", "0");
    CHECK_PARSE_ERROR("-smp: invalid CPU topology: CPU topology parameters must be greater "
                      "than zero", "-smp", "2,threads=0");
    CHECK_PARSE_ERROR("-smp: cpus=70000 is too large", "-smp", "70000");
    CHECK_PARSE_ERROR("-smp two: parameter 'cpus' expects a number, not 'two'", "-smp", "two");
    CHECK_PARSE_ERROR("-smp 2,books=1: invalid parameter 'books'", "-smp", "2,books=1");
    CHECK_PARSE_ERROR("-smp: CPU topology is too large", "-smp",
                      "sockets=256,cores=256,threads=2");
}

UNITTEST(smp_merge)
{
    Config cfg;

    CHECK(parse(&cfg, &error_abort, "-smp", "4", "-smp", "cores=2,sockets=2", NULL));
    CHECK_INT(cfg.smp.cpus, 4);
    CHECK_INT(cfg.smp.sockets, 2);
    CHECK_INT(cfg.smp.threads, 1);
    config_free(&cfg);
    CHECK(parse(&cfg, &error_abort, "-smp", "2", "-smp", "maxcpus=4", NULL));
    CHECK_INT(cfg.smp.cpus, 2);
    CHECK_INT(cfg.smp.maxcpus, 4);
    CHECK_INT(cfg.smp.cores, 4);
    config_free(&cfg);
}

UNITTEST(lists_in_order)
{
    Config cfg;
    Opts *o;

    CHECK(parse(&cfg, &error_abort,
                "-chardev", "socket,id=c0,path=/tmp/s,server=on,wait=off",
                "-device", "virtio-net-device,netdev=n0",
                "-netdev", "user,id=n0,hostfwd=tcp::2222-:22",
                "-drive", "file=disk.img,if=none,format=raw,id=hd0",
                "-device", "virtio-blk-device,drive=hd0",
                "-object", "memory-backend-ram,id=mem0,size=1G",
                "-accel", "kvm", "--accel", "tcg,thread=single",
                "-serial", "mon:stdio", "-serial", "null",
                "-monitor", "none", "-qmp", "unix:/tmp/q,server,wait=off",
                "-global", "virtio-mmio.force-legacy=false",
                "-global", "driver=cfi.pflash01,property=secure,value=on",
                "-name", "guest0,debug-threads=on", NULL));
    o = cfg.groups[CONFIG_GROUP_CHARDEV]->head;
    CHECK_STR(opts_get(o, "backend"), "socket");
    CHECK_STR(o->id, "c0");
    CHECK_STR(opts_get(o, "wait"), "off");
    o = cfg.groups[CONFIG_GROUP_DEVICE]->head;
    CHECK_STR(opts_get(o, "driver"), "virtio-net-device");
    CHECK_STR(opts_get(o->next, "driver"), "virtio-blk-device");
    CHECK(o->next->next == NULL);
    o = cfg.groups[CONFIG_GROUP_NETDEV]->head;
    CHECK_STR(opts_get(o, "type"), "user");
    CHECK_STR(opts_get(o, "hostfwd"), "tcp::2222-:22");
    o = cfg.groups[CONFIG_GROUP_DRIVE]->head;
    CHECK_STR(opts_get(o, "file"), "disk.img");
    CHECK(opts_get(o, "driver") == NULL);
    CHECK_STR(o->id, "hd0");
    o = cfg.groups[CONFIG_GROUP_OBJECT]->head;
    CHECK_STR(opts_get(o, "qom-type"), "memory-backend-ram");
    CHECK_STR(o->id, "mem0");
    o = cfg.groups[CONFIG_GROUP_ACCEL]->head;
    CHECK_STR(opts_get(o, "accel"), "kvm");
    CHECK_STR(opts_get(o->next, "accel"), "tcg");
    CHECK_STR(opts_get(o->next, "thread"), "single");
    CHECK_INT(cfg.serials.count, 2);
    CHECK_STR(cfg.serials.items[0], "mon:stdio");
    CHECK_STR(cfg.serials.items[1], "null");
    CHECK_STR(cfg.monitors.items[0], "none");
    CHECK_STR(cfg.qmps.items[0], "unix:/tmp/q,server,wait=off");
    o = cfg.groups[CONFIG_GROUP_GLOBAL]->head;
    CHECK_STR(opts_get(o, "driver"), "virtio-mmio");
    CHECK_STR(opts_get(o, "property"), "force-legacy");
    CHECK_STR(opts_get(o, "value"), "false");
    CHECK_STR(opts_get(o->next, "driver"), "cfi.pflash01");
    CHECK_STR(opts_get(o->next, "value"), "on");
    CHECK_STR(cfg.name, "guest0");
    config_free(&cfg);
}

UNITTEST(flags_and_strings)
{
    Config cfg;

    CHECK(parse(&cfg, &error_abort, "-nographic", "-S", "-s", "-no-reboot", "--no-shutdown",
                "-cpu", "rv64,v=true", "-display", "none", "-d", "guest_errors,unimp",
                "-D", "log.txt", "disk.img", NULL));
    CHECK(cfg.nographic && cfg.start_stopped && cfg.no_reboot && cfg.no_shutdown);
    CHECK_STR(cfg.gdb, "tcp::1234");
    CHECK_STR(cfg.cpu_model, "rv64,v=true");
    CHECK_STR(cfg.display, "none");
    CHECK_INT(cfg.log_mask, LOG_GUEST_ERRORS | LOG_UNIMP);
    CHECK_STR(cfg.log_file, "log.txt");
    /* A bare argument is the first disk image, as QEMU's -hda. */
    CHECK_STR(opts_get(cfg.groups[CONFIG_GROUP_DRIVE]->head, "file"), "disk.img");
    CHECK_INT(log_mask, 0);     /* parsing does not touch the global log state */
    config_free(&cfg);

    CHECK(parse(&cfg, &error_abort, "-enable-kvm", NULL));
    CHECK_STR(opts_get(cfg.groups[CONFIG_GROUP_ACCEL]->head, "accel"), "kvm");
    config_free(&cfg);

    CHECK(parse(&cfg, &error_abort, "-s", "-gdb", "tcp::9999", NULL));
    CHECK_STR(cfg.gdb, "tcp::9999");
    CHECK(!cfg.perfmap);
    config_free(&cfg);

    CHECK(parse(&cfg, &error_abort, "--perfmap", NULL));
    CHECK(cfg.perfmap);
    config_free(&cfg);
}

UNITTEST(apply_log)
{
    Config cfg;
    Error *err = NULL;

    CHECK(parse(&cfg, &error_abort, "-d", "int", NULL));
    CHECK(config_apply_log(&cfg, &error_abort));
    CHECK_INT(log_mask, LOG_INT);
    CHECK(log_file() == stderr);
    config_free(&cfg);
    CHECK(parse(&cfg, &error_abort, "-D", "/nonexistent/dir/log", NULL));
    CHECK(!config_apply_log(&cfg, &err));
    CHECK_STR(error_get_pretty(err),
              "-D /nonexistent/dir/log: cannot open log file: No such file or directory");
    error_free(err);
    config_free(&cfg);
    log_mask = 0;
}

UNITTEST(help_and_version_stop_parsing)
{
    Config cfg;

    CHECK(parse(&cfg, &error_abort, "-h", "-bogus", NULL));
    CHECK(cfg.show_help && cfg.exit_early);
    config_free(&cfg);
    CHECK(parse(&cfg, &error_abort, "--help", NULL));
    CHECK(cfg.show_help);
    config_free(&cfg);
    CHECK(parse(&cfg, &error_abort, "-m", "1G", "-version", "-m", NULL));
    CHECK(cfg.show_version && cfg.exit_early && !cfg.show_help);
    config_free(&cfg);
}

UNITTEST(log_help_stops_parsing)
{
    Config cfg;

    /* -d help prints the items (to stdout) and asks the caller to exit. */
    CHECK(parse(&cfg, &error_abort, "-d", "in_asm", "-d", "help", "-foo", NULL));
    CHECK(cfg.exit_early && !cfg.show_help && !cfg.show_version);
    CHECK_INT(cfg.log_mask, LOG_IN_ASM);
    config_free(&cfg);
    /* A later -d replaces an earlier one, as in QEMU. */
    CHECK(parse(&cfg, &error_abort, "-d", "in_asm", "-d", "int,mmu", NULL));
    CHECK_INT(cfg.log_mask, LOG_INT | LOG_MMU);
    config_free(&cfg);
}

UNITTEST(help_text_comes_from_the_table)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    config_print_help(f, "morpho-system-riscv64");
    fclose(f);
    CHECK(strstr(text, "usage: morpho-system-riscv64 [options]") != NULL);
    CHECK(strstr(text, "-kernel file") != NULL);
    CHECK(strstr(text, "-smp [cpus=]n") != NULL);
    CHECK(strstr(text, "-readconfig file") != NULL);
    CHECK(strstr(text, "-help ") == NULL);   /* aliases without help are hidden */
    free(text);

    f = open_memstream(&text, &len);
    config_print_version(f);
    fclose(f);
    CHECK(strncmp(text, "Morpho emulator version ", 24) == 0);
    CHECK(strstr(text, "\nQEMU emulator version 7.2.0") != NULL);
    free(text);
}

UNITTEST(errors_name_the_option)
{
    CHECK_PARSE_ERROR("-foo: invalid option", "-foo");
    CHECK_PARSE_ERROR("--foo: invalid option", "-m", "1G", "--foo");
    CHECK_PARSE_ERROR("-m: requires an argument", "-m");
    CHECK_PARSE_ERROR("--kernel: requires an argument", "--kernel");
    CHECK_PARSE_ERROR("-device foo,id=9: parameter 'id' expects an identifier, not '9'",
                      "-device", "foo,id=9");
    CHECK_PARSE_ERROR("-chardev stdio,id=c: duplicate ID 'c' for chardev",
                      "-chardev", "null,id=c", "-chardev", "stdio,id=c");
    CHECK_PARSE_ERROR("-object memory-backend-ram,size=1G: parameter 'id' is missing",
                      "-object", "memory-backend-ram,size=1G");
    CHECK_PARSE_ERROR("-M virt,acpi: expected '=' after parameter 'acpi'", "-M", "virt,acpi");
    CHECK_PARSE_ERROR("-d foo: unknown log item 'foo' (-d help lists them)", "-d", "foo");
    CHECK_PARSE_ERROR("-device {\"driver\":\"x\"}: JSON syntax is not supported",
                      "-device", "{\"driver\":\"x\"}");
    CHECK_PARSE_ERROR("-serial null: too many serial ports", "-serial", "null", "-serial",
                      "null", "-serial", "null", "-serial", "null", "-serial", "null");
    CHECK_PARSE_ERROR("-name x,debug-threads=2: parameter 'debug-threads' expects 'on' or "
                      "'off', not '2'", "-name", "x,debug-threads=2");
    CHECK_PARSE_ERROR("-global foo: invalid parameter 'foo'", "-global", "foo");
    CHECK_PARSE_ERROR("could not open 'no/such.cfg': No such file or directory",
                      "-readconfig", "no/such.cfg");
}

UNITTEST(dump_and_equal)
{
    Config a, b;

    CHECK(parse(&a, &error_abort, "-M", "virt", "-m", "1024", "-smp", "2", NULL));
    CHECK(parse(&b, &error_abort, "-smp", "cpus=2", "-m", "1G", "-machine", "type=virt", NULL));
    CHECK(config_equal(&a, &b));
    config_free(&b);
    CHECK(parse(&b, &error_abort, "-smp", "cpus=2", "-m", "1G", "-machine", "type=virt",
                "-S", NULL));
    CHECK(!config_equal(&a, &b));
    config_free(&b);
    CHECK(parse(&b, &error_abort, "-smp", "cpus=2", "-m", "1G", "-machine", "type=virt",
                "-device", "x", NULL));
    CHECK(!config_equal(&a, &b));
    config_free(&b);
    config_free(&a);
}
