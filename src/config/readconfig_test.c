/*
 * Tests of -readconfig: good files into the same groups as the command
 * line, every error with FILE:LINE, and seed 001's virt.cfg, which must give
 * exactly the Config of its command-line spelling.
 */
#include "config/readconfig.h"
#include "util/unittest.h"

#include <stdlib.h>
#include <unistd.h>

/* Read text as file "name" into a fresh Config. */
static bool read_text(Config *cfg, const char *name, const char *text, Error **errp)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    bool ok;

    config_init(cfg);
    ok = config_read_stream(cfg, f, name, errp) && config_finish(cfg, errp);
    fclose(f);
    return ok;
}

static void check_read_error(const char *text, const char *msg, int line)
{
    Config cfg;
    Error *err = NULL;

    if (read_text(&cfg, "virt.cfg", text, &err)) {
        unittest_fail(__FILE__, line, "accepted, expected \"%s\"", msg);
    } else if (strcmp(error_get_pretty(err), msg) != 0) {
        unittest_fail(__FILE__, line, "error \"%s\", expected \"%s\"",
                      error_get_pretty(err), msg);
    }
    error_free(err);
    config_free(&cfg);
}

UNITTEST(good_file)
{
    Config cfg;
    Opts *o;

    CHECK(read_text(&cfg, "t.cfg",
                    "# comment\n"
                    "\n"
                    "[machine]\n"
                    "  type = \"virt\"\n"
                    "\tdumpdtb=\"x.dtb\"\n"
                    "   \n"
                    "   # indented comment\n"
                    "[device \"net0\"]\n"
                    "  driver = \"virtio-net-device\"\n"
                    "  netdev = \"n0\"\n"
                    "[netdev]\n"
                    "  type = \"user\"\n"
                    "  id = \"n0\"\n"
                    "[drive \"hd0\"]\n"
                    "  file = \"a,b.img\"\n"
                    "  empty = \"\"\n"
                    "[chardev \"c0\"]\r\n"
                    "  backend = \"stdio\"\r\n"
                    "[accel]\n"
                    "  accel = \"tcg\"\n"
                    "[name]\n"
                    "  guest = \"vm1\"\n"
                    "[global]\n"
                    "  driver = \"d\"\n  property = \"p\"\n  value = \"v\"\n"
                    "[object \"mem0\"]\n"
                    "  qom-type = \"memory-backend-ram\"\n"
                    "[mon]\n"
                    "  mode = \"readline\"\n"
                    "[memory]\n"
                    "  size = \"256M\"\n"
                    "[smp-opts]\n"
                    "  cpus = \"4\"\n"
                    "  sockets = \"2\"\n", &error_abort));
    CHECK_STR(opts_get(cfg.machine, "type"), "virt");
    CHECK_STR(opts_get(cfg.machine, "dumpdtb"), "x.dtb");
    o = cfg.groups[CONFIG_GROUP_DEVICE]->head;
    CHECK_STR(o->id, "net0");
    CHECK_STR(opts_get(o, "driver"), "virtio-net-device");
    o = cfg.groups[CONFIG_GROUP_NETDEV]->head;
    CHECK_STR(o->id, "n0");
    CHECK(opts_get(o, "id") == NULL);
    o = cfg.groups[CONFIG_GROUP_DRIVE]->head;
    CHECK_STR(opts_get(o, "file"), "a,b.img");
    CHECK_STR(opts_get(o, "empty"), "");
    CHECK_STR(cfg.groups[CONFIG_GROUP_CHARDEV]->head->id, "c0");
    CHECK_STR(opts_get(cfg.groups[CONFIG_GROUP_CHARDEV]->head, "backend"), "stdio");
    CHECK_STR(opts_get(cfg.groups[CONFIG_GROUP_ACCEL]->head, "accel"), "tcg");
    CHECK_STR(cfg.name, "vm1");
    CHECK_STR(opts_get(cfg.groups[CONFIG_GROUP_GLOBAL]->head, "value"), "v");
    CHECK_STR(cfg.groups[CONFIG_GROUP_OBJECT]->head->id, "mem0");
    CHECK_STR(opts_get(cfg.groups[CONFIG_GROUP_MON]->head, "mode"), "readline");
    CHECK_U64(cfg.ram_size_bytes, 256ull << 20);
    CHECK_INT(cfg.smp.cpus, 4);
    CHECK_INT(cfg.smp.sockets, 2);
    CHECK_INT(cfg.smp.cores, 2);
    config_free(&cfg);
}

UNITTEST(empty_and_repeated_groups)
{
    Config cfg;

    CHECK(read_text(&cfg, "t.cfg", "", &error_abort));
    CHECK(cfg.groups[CONFIG_GROUP_DEVICE]->head == NULL);
    config_free(&cfg);

    /* An empty group still creates its instance; merge groups merge. */
    CHECK(read_text(&cfg, "t.cfg", "[device]\n[device]\n  driver = \"x\"\n"
                    "[machine]\n  type = \"a\"\n  kernel = \"k\"\n[machine]\n  type = \"b\"\n",
                    &error_abort));
    CHECK(cfg.groups[CONFIG_GROUP_DEVICE]->head != NULL);
    CHECK(opts_get(cfg.groups[CONFIG_GROUP_DEVICE]->head, "driver") == NULL);
    CHECK_STR(opts_get(cfg.groups[CONFIG_GROUP_DEVICE]->head->next, "driver"), "x");
    CHECK_STR(opts_get(cfg.machine, "type"), "b");
    CHECK_STR(opts_get(cfg.machine, "kernel"), "k");
    config_free(&cfg);
}

UNITTEST(errors_carry_file_and_line)
{
    check_read_error("# virt.cfg\n\n  type = \"virt\"\n", "virt.cfg:3: no group defined",
                     __LINE__);
    check_read_error("[machine]\n  type = virt\n",
                     "virt.cfg:2: parse error: the value of 'type' must be in double quotes",
                     __LINE__);
    check_read_error("[machine]\n  type = \"virt\n",
                     "virt.cfg:2: parse error: missing closing quote after the value of 'type'",
                     __LINE__);
    check_read_error("[machine]\n  type \"virt\"\n",
                     "virt.cfg:2: parse error: expected '=' after 'type'", __LINE__);
    check_read_error("[machine]\n  = \"virt\"\n",
                     "virt.cfg:2: parse error: missing key before '='", __LINE__);
    check_read_error("[machine]\n  type = \"virt\" junk\n",
                     "virt.cfg:2: parse error: unexpected text after the value of 'type'",
                     __LINE__);
    check_read_error("\n[bogus]\n", "virt.cfg:2: there is no option group 'bogus'", __LINE__);
    check_read_error("[machine\n", "virt.cfg:1: parse error: malformed group header",
                     __LINE__);
    check_read_error("[]\n", "virt.cfg:1: parse error: missing group name", __LINE__);
    check_read_error("[device \"x]\n",
                     "virt.cfg:1: parse error: missing closing quote in group header",
                     __LINE__);
    check_read_error("[device \"x\"] junk\n", "virt.cfg:1: parse error: malformed group header",
                     __LINE__);
    check_read_error("[device \"d\"]\n[device \"d\"]\n",
                     "virt.cfg:2: duplicate ID 'd' for device", __LINE__);
    check_read_error("[device \"1d\"]\n",
                     "virt.cfg:1: parameter 'id' expects an identifier, not '1d'", __LINE__);
    check_read_error("[object]\n  qom-type = \"x\"\n", "virt.cfg:1: parameter 'id' is missing",
                     __LINE__);
    /* Values are checked against the group's schema, at the key's line. */
    check_read_error("[smp-opts]\n  cpus = \"2\"\n  cores = \"x\"\n[memory]\n",
                     "virt.cfg:3: parameter 'cores' expects a number, not 'x'", __LINE__);
    check_read_error("[memory]\n\n  sise = \"1G\"\n", "virt.cfg:3: invalid parameter 'sise'",
                     __LINE__);
    /* Semantic errors of the whole config come without a line. */
    check_read_error("[memory]\n  size = \"1G\"\n  maxmem = \"1M\"\n",
                     "-m: invalid value of maxmem: maximum memory size (0x100000) must be at "
                     "least the initial memory size (0x40000000)", __LINE__);
}

UNITTEST(missing_file)
{
    Config cfg;
    Error *err = NULL;

    config_init(&cfg);
    CHECK(!config_read_file(&cfg, "/nonexistent/x.cfg", &err));
    CHECK_STR(error_get_pretty(err),
              "could not open '/nonexistent/x.cfg': No such file or directory");
    error_free(err);
    config_free(&cfg);
}

static const char seed001_cfg[] =
    "# virt.cfg\n"
    "[machine]\n"
    "    type = \"virt\"\n"
    "    kernel = \"linux-6.0.9/build/arch/arm64/boot/Image\"\n"
    "    append = \"nokaslr root=/dev/ram init=/linuxrc console=ttyAMA0 console=ttyS0\"\n"
    "    initrd = \"initrd.ext4\"\n"
    "[smp-opts]\n"
    "    cpus = \"2\"\n"
    "[memory]\n"
    "    size = \"4G\"\n";

/* Seed 001: "-readconfig virt.cfg" and its command-line spelling agree. */
UNITTEST(seed001_equivalence)
{
    char path[] = "/tmp/morpho-virt-XXXXXX";
    int fd = mkstemp(path);
    char *file_argv[] = { (char *)"morpho", (char *)"-readconfig", path, NULL };
    char *cmd_argv[] = {
        (char *)"morpho", (char *)"-M", (char *)"virt",
        (char *)"-kernel", (char *)"linux-6.0.9/build/arch/arm64/boot/Image",
        (char *)"-append",
        (char *)"nokaslr root=/dev/ram init=/linuxrc console=ttyAMA0 console=ttyS0",
        (char *)"-initrd", (char *)"initrd.ext4", (char *)"-smp", (char *)"2",
        (char *)"-m", (char *)"4G", NULL,
    };
    Config from_file, from_cmdline;

    if (fd < 0) {
        UNITTEST_SKIP("cannot create a file in /tmp");
    }
    CHECK(write(fd, seed001_cfg, sizeof(seed001_cfg) - 1) == sizeof(seed001_cfg) - 1);
    close(fd);
    CHECK(config_parse_cmdline(&from_file, 3, file_argv, &error_abort));
    CHECK(config_parse_cmdline(&from_cmdline, 13, cmd_argv, &error_abort));
    unlink(path);

    CHECK(config_equal(&from_file, &from_cmdline));
    CHECK_STR(opts_get(from_file.machine, "type"), "virt");
    CHECK_STR(opts_get(from_file.machine, "kernel"), "linux-6.0.9/build/arch/arm64/boot/Image");
    CHECK_STR(opts_get(from_file.machine, "append"),
              "nokaslr root=/dev/ram init=/linuxrc console=ttyAMA0 console=ttyS0");
    CHECK_STR(opts_get(from_file.machine, "initrd"), "initrd.ext4");
    CHECK_U64(from_file.ram_size_bytes, 4ull << 30);
    CHECK_INT(from_file.smp.cpus, 2);
    CHECK_U64(from_cmdline.ram_size_bytes, 4ull << 30);
    CHECK_INT(from_cmdline.smp.cpus, 2);
    config_free(&from_file);
    config_free(&from_cmdline);
}

/* Command-line options after -readconfig override the file's keys. */
UNITTEST(cmdline_overrides_file)
{
    char path[] = "/tmp/morpho-virt-XXXXXX";
    int fd = mkstemp(path);
    char *argv[] = { (char *)"morpho", (char *)"-readconfig", path, (char *)"-m", (char *)"1G",
                     (char *)"-kernel", (char *)"other", NULL };
    Config cfg;

    if (fd < 0) {
        UNITTEST_SKIP("cannot create a file in /tmp");
    }
    CHECK(write(fd, seed001_cfg, sizeof(seed001_cfg) - 1) == sizeof(seed001_cfg) - 1);
    close(fd);
    CHECK(config_parse_cmdline(&cfg, 7, argv, &error_abort));
    unlink(path);
    CHECK_U64(cfg.ram_size_bytes, 1ull << 30);
    CHECK_STR(opts_get(cfg.machine, "kernel"), "other");
    CHECK_STR(opts_get(cfg.machine, "initrd"), "initrd.ext4");
    config_free(&cfg);
}
