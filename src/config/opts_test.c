/*
 * Tests of the QemuOpts-style parser: implied keys, ",," escapes, flags,
 * ids, merging, schemas, and the bool/number/size value syntax.
 */
#include "config/opts.h"
#include "util/unittest.h"

#include <stdlib.h>

static const OptsGroupInfo plain_info = { "device", "driver", 0, NULL };
static const OptsGroupInfo noimplied_info = { "drive", NULL, 0, NULL };
static const OptsGroupInfo keyval_info = { "machine", "type", OPTS_MERGE | OPTS_KEYVAL, NULL };
static const OptsGroupInfo object_info = { "object", "qom-type", OPTS_KEYVAL | OPTS_ID_KEY,
                                           NULL };
static const OptDesc smp_desc[] = {
    { "cpus", OPT_NUMBER }, { "cores", OPT_NUMBER }, { "on", OPT_BOOL },
    { "size", OPT_SIZE }, { "name", OPT_STRING }, { NULL },
};
static const OptsGroupInfo smp_info = { "smp-opts", "cpus", OPTS_MERGE, smp_desc };

/* Parse and expect failure with exactly this message. */
static void check_parse_error(const OptsGroupInfo *info, const char *params, const char *msg)
{
    OptsGroup *g = opts_group_new(info);
    Error *err = NULL;

    CHECK(opts_parse(g, params, &err) == NULL);
    CHECK(err != NULL);
    if (err) {
        CHECK_STR(error_get_pretty(err), msg);
        error_free(err);
    }
    CHECK(g->head == NULL || (info->flags & OPTS_MERGE));
    opts_group_free(g);
}

UNITTEST(implied_first_key)
{
    OptsGroup *g = opts_group_new(&plain_info);
    Opts *o = opts_parse(g, "virtio-net-device,netdev=n0,mac=52:54:00:12:34:56", &error_abort);

    CHECK_STR(opts_get(o, "driver"), "virtio-net-device");
    CHECK_STR(opts_get(o, "netdev"), "n0");
    CHECK_STR(opts_get(o, "mac"), "52:54:00:12:34:56");
    CHECK_INT(o->count, 3);
    CHECK(opts_get(o, "missing") == NULL);
    /* Explicit form of the implied key. */
    o = opts_parse(g, "driver=foo,x=1", &error_abort);
    CHECK_STR(opts_get(o, "driver"), "foo");
    /* Only the first element can be implied: later bare words are flags. */
    o = opts_parse(g, "a=1,bar", &error_abort);
    CHECK(opts_get(o, "driver") == NULL);
    CHECK_STR(opts_get(o, "bar"), "on");
    opts_group_free(g);
}

UNITTEST(comma_escapes)
{
    OptsGroup *g = opts_group_new(&noimplied_info);
    Opts *o = opts_parse(g, "file=a,,b.img,if=none", &error_abort);

    CHECK_STR(opts_get(o, "file"), "a,b.img");
    CHECK_STR(opts_get(o, "if"), "none");
    o = opts_parse(g, "file=x,,,,y,,", &error_abort);
    CHECK_STR(opts_get(o, "file"), "x,,y,");
    /* '=' inside a value is literal. */
    o = opts_parse(g, "append=root=/dev/vda console=ttyS0", &error_abort);
    CHECK_STR(opts_get(o, "append"), "root=/dev/vda console=ttyS0");
    /* A trailing comma ends the list. */
    o = opts_parse(g, "a=1,", &error_abort);
    CHECK_INT(o->count, 1);
    opts_group_free(g);

    g = opts_group_new(&plain_info);
    o = opts_parse(g, "we,,ird,x=1", &error_abort);
    CHECK_STR(opts_get(o, "driver"), "we,ird");
    CHECK_STR(opts_get(o, "x"), "1");
    opts_group_free(g);
}

UNITTEST(flags_and_nokey)
{
    OptsGroup *g = opts_group_new(&noimplied_info);
    Opts *o = opts_parse(g, "readonly,noshare,no,snapshot=off", &error_abort);

    CHECK_STR(opts_get(o, "readonly"), "on");
    CHECK_STR(opts_get(o, "share"), "off");
    CHECK_STR(opts_get(o, "no"), "on");       /* "no" alone names key "no" */
    CHECK_STR(opts_get(o, "snapshot"), "off");
    opts_group_free(g);
    /* keyval groups (-machine, -object) have no flag shorthand. */
    check_parse_error(&keyval_info, "virt,acpi", "expected '=' after parameter 'acpi'");
    check_parse_error(&keyval_info, "virt,a b=1", "invalid parameter 'a b'");
}

UNITTEST(ids)
{
    OptsGroup *g = opts_group_new(&plain_info);
    Opts *o = opts_parse(g, "foo,id=dev0,x=1", &error_abort);
    Error *err = NULL;

    CHECK_STR(o->id, "dev0");
    CHECK(opts_get(o, "id") == NULL);
    CHECK(opts_find(g, "dev0") == o);
    CHECK(opts_parse(g, "bar,id=dev0", &err) == NULL);
    CHECK_STR(error_get_pretty(err), "duplicate ID 'dev0' for device");
    error_free(err);
    CHECK(g->head == o && o->next == NULL);
    /* Options without id never clash. */
    CHECK(opts_parse(g, "bar", &error_abort) != NULL);
    CHECK(opts_parse(g, "bar", &error_abort) != NULL);
    CHECK(opts_find(g, NULL) != NULL);
    opts_group_free(g);

    check_parse_error(&plain_info, "foo,id=0abc", "parameter 'id' expects an identifier, not '0abc'");
    check_parse_error(&plain_info, "foo,id=a/b", "parameter 'id' expects an identifier, not 'a/b'");
    check_parse_error(&plain_info, "foo,id=", "parameter 'id' expects an identifier, not ''");
    check_parse_error(&object_info, "memory-backend-ram,size=1G", "parameter 'id' is missing");

    g = opts_group_new(&plain_info);
    o = opts_parse(g, "foo,id=a-b.c_d9", &error_abort);
    CHECK_STR(o->id, "a-b.c_d9");
    opts_group_free(g);
}

UNITTEST(merge_semantics)
{
    OptsGroup *g = opts_group_new(&keyval_info);
    Opts *a = opts_parse(g, "virt,dumpdtb=f", &error_abort);
    Opts *b = opts_parse(g, "dumpdtb=g,aia=aplic", &error_abort);
    Error *err = NULL;

    CHECK(a == b);
    CHECK(g->head == a && a->next == NULL);
    CHECK_STR(opts_get(a, "type"), "virt");
    CHECK_STR(opts_get(a, "dumpdtb"), "g");
    CHECK_STR(opts_get(a, "aia"), "aplic");
    CHECK_INT(a->count, 3);
    opts_parse(g, "spike", &error_abort);
    CHECK_STR(opts_get(a, "type"), "spike");
    /* A failed parse leaves the merge target untouched. */
    CHECK(opts_parse(g, "other,bad", &err) == NULL);
    error_free(err);
    CHECK_STR(opts_get(a, "type"), "spike");
    opts_group_free(g);

    /* Non-merge groups keep every instance, and a repeated key: last wins. */
    g = opts_group_new(&plain_info);
    a = opts_parse(g, "foo,x=1,x=2", &error_abort);
    b = opts_parse(g, "foo", &error_abort);
    CHECK(a != b && a->next == b);
    CHECK_STR(opts_get(a, "x"), "2");
    CHECK_INT(a->count, 2);
    opts_group_free(g);
}

UNITTEST(schema)
{
    OptsGroup *g = opts_group_new(&smp_info);
    Opts *o = opts_parse(g, "4,cores=0x2,on=yes,size=1.5k,name=x", &error_abort);
    uint64_t n;
    bool b;

    CHECK(opts_get_number(o, "cpus", 0, &n, &error_abort));
    CHECK_U64(n, 4);
    CHECK(opts_get_number(o, "cores", 0, &n, &error_abort));
    CHECK_U64(n, 2);
    CHECK(opts_get_bool(o, "on", false, &b, &error_abort));
    CHECK(b);
    CHECK(opts_get_size(o, "size", 0, &n, &error_abort));
    CHECK_U64(n, 1536);
    /* Absent keys give the default. */
    CHECK(opts_get_number(o, "nothere", 77, &n, &error_abort));
    CHECK_U64(n, 77);
    opts_group_free(g);

    check_parse_error(&smp_info, "cpus=x", "parameter 'cpus' expects a number, not 'x'");
    check_parse_error(&smp_info, "2,cores=-1", "parameter 'cores' expects a number, not '-1'");
    check_parse_error(&smp_info, "2,on=maybe", "parameter 'on' expects 'on' or 'off', not 'maybe'");
    check_parse_error(&smp_info, "2,sockets=2", "invalid parameter 'sockets'");
    check_parse_error(&smp_info, "2,size=1Q",
                      "parameter 'size' expects a non-negative size below 2^64 "
                      "(optional suffix k, M, G, T, P or E), not '1Q'");
    check_parse_error(&plain_info, "foo,=3", "empty parameter name");
}

UNITTEST(getter_errors_name_group_and_key)
{
    OptsGroup *g = opts_group_new(&plain_info);
    Opts *o = opts_parse(g, "foo,n=12z,b=2,s=1X", &error_abort);
    Error *err = NULL;
    uint64_t n = 5;
    bool b;

    CHECK(!opts_get_number(o, "n", 0, &n, &err));
    CHECK_STR(error_get_pretty(err), "device: parameter 'n' expects a number, not '12z'");
    error_free(err);
    err = NULL;
    CHECK(!opts_get_bool(o, "b", false, &b, &err));
    CHECK_STR(error_get_pretty(err), "device: parameter 'b' expects 'on' or 'off', not '2'");
    error_free(err);
    err = NULL;
    CHECK(!opts_get_size(o, "s", 0, &n, &err));
    CHECK(err != NULL);
    error_free(err);
    opts_group_free(g);
}

UNITTEST(create_set_delete_and_dump)
{
    OptsGroup *g = opts_group_new(&keyval_info);
    Opts *o = opts_create(g, NULL, &error_abort);
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    CHECK(opts_create(g, NULL, &error_abort) == o);
    CHECK(opts_set(o, "type", "virt", &error_abort));
    CHECK(opts_set(o, "append", "say \"hi\"", &error_abort));
    f = open_memstream(&text, &len);
    opts_group_dump(g, f);
    fclose(f);
    /* Merge groups dump sorted keys, with quoting. */
    CHECK_STR(text, "[machine]\n  append = \"say \\\"hi\\\"\"\n  type = \"virt\"\n");
    free(text);
    opts_delete(o);
    CHECK(g->head == NULL);
    CHECK(opts_create(g, NULL, &error_abort) != NULL);
    opts_group_free(g);

    g = opts_group_new(&plain_info);
    o = opts_create(g, "d1", &error_abort);
    opts_set(o, "z", "1", &error_abort);
    opts_set(o, "a", "2", &error_abort);
    opts_parse(g, "x", &error_abort);
    opts_delete(o);
    o = opts_parse(g, "y,id=d1", &error_abort);
    f = open_memstream(&text, &len);
    opts_group_dump(g, f);
    fclose(f);
    CHECK_STR(text, "[device]\n  driver = \"x\"\n[device \"d1\"]\n  driver = \"y\"\n");
    free(text);
    opts_group_free(g);
}

UNITTEST(check_keys)
{
    static const char *const known[] = { "file", "if", "id", NULL };
    OptsGroup *g = opts_group_new(&noimplied_info);
    Error *err = NULL;

    CHECK(opts_check_keys(opts_parse(g, "file=a.img,if=virtio", &error_abort), known, &err));
    CHECK(!opts_check_keys(opts_parse(g, "file=a.img,fiel=b", &error_abort), known, &err));
    CHECK(err != NULL);
    if (err) {
        CHECK_STR(error_get_pretty(err), "Invalid parameter 'fiel'");
        error_free(err);
    }
    opts_group_free(g);
}
