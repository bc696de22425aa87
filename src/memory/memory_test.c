/*
 * Tests of the region tree and its flat views: overlap and priorities,
 * aliases (of aliases, partial windows), nested containers and clipping,
 * enable/disable, transactions, listeners, range merging, lookup over many
 * regions, concurrent readers during commits, and the `info mtree` text.
 * The flat view is observed from outside through address_space_translate.
 */
#include "memory/memory.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "util/unittest.h"

static uint64_t dummy_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void dummy_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
}

static const MemoryRegionOps dummy_ops = {
    .read = dummy_read,
    .write = dummy_write,
};

/* What address_space_translate says about addr, in one struct for checks. */
typedef struct {
    MemoryRegion *mr;
    uint64_t xlat;
    uint64_t len;
} Xlat;

static Xlat xlat(AddressSpace *as, GuestPaddr addr)
{
    Xlat x;
    x.mr = address_space_translate(as, addr, &x.xlat, &x.len, NULL);
    return x;
}

#define CHECK_XLAT(as, addr, want_mr, want_xlat, want_len)                   \
    do {                                                                    \
        Xlat x_ = xlat(as, addr);                                           \
        CHECK(x_.mr == (want_mr));                                          \
        CHECK_U64(x_.xlat, want_xlat);                                      \
        CHECK_U64(x_.len, want_len);                                        \
    } while (0)

UNITTEST(ram_and_holes)
{
    MemoryRegion root, ram;
    AddressSpace *as;

    memory_region_init(&root, NULL, "system", MEMORY_SIZE_ALL);
    CHECK(memory_region_init_ram(&ram, NULL, "ram", 0x10000, &error_abort));
    memory_region_add_subregion(&root, 0x1000, &ram);
    as = address_space_create(&root, "memory");

    CHECK_XLAT(as, 0x1000, &ram, 0, 0x10000);
    CHECK_XLAT(as, 0x1800, &ram, 0x800, 0xf800);
    CHECK_XLAT(as, 0x0, NULL, 0x0, 0x1000);            /* hole up to the RAM */
    CHECK_XLAT(as, 0x11000, NULL, 0x11000, UINT64_MAX - 0x11000 + 1);
    CHECK(memory_region_is_ram(&ram) && !memory_region_is_rom(&ram));
    CHECK(memory_region_get_ram_ptr(&ram) == memory_region_get_ram_block(&ram)->host);
    CHECK(memory_region_get_ram_ptr(&root) == NULL);

    address_space_destroy(as);
    memory_region_del_subregion(&root, &ram);
    memory_region_destroy(&ram);
    memory_region_destroy(&root);
}

UNITTEST(ram_init_refuses_bad_sizes)
{
    MemoryRegion ram;
    Error *err = NULL;

    CHECK(!memory_region_init_ram(&ram, NULL, "ram", 0, &err));
    CHECK(err != NULL);
    error_free(err);
}

UNITTEST(overlap_and_priorities)
{
    MemoryRegion root, ram, hi, lo, eq1, eq2;
    AddressSpace *as;

    memory_region_init(&root, NULL, "system", MEMORY_SIZE_ALL);
    CHECK(memory_region_init_ram(&ram, NULL, "ram", 0x10000, &error_abort));
    memory_region_init_io(&hi, NULL, &dummy_ops, NULL, "hi", 0x1000);
    memory_region_init_io(&lo, NULL, &dummy_ops, NULL, "lo", 0x1000);
    memory_region_init_io(&eq1, NULL, &dummy_ops, NULL, "eq1", 0x2000);
    memory_region_init_io(&eq2, NULL, &dummy_ops, NULL, "eq2", 0x2000);
    memory_region_add_subregion(&root, 0, &ram);
    memory_region_add_subregion_overlap(&root, 0x4000, &hi, 1);
    memory_region_add_subregion_overlap(&root, 0x8000, &lo, -1);
    memory_region_add_subregion_overlap(&root, 0x20000, &eq1, 2);
    memory_region_add_subregion_overlap(&root, 0x21000, &eq2, 2);
    as = address_space_create(&root, "memory");

    CHECK_XLAT(as, 0x3fff, &ram, 0x3fff, 1);
    CHECK_XLAT(as, 0x4000, &hi, 0, 0x1000);            /* higher priority wins */
    CHECK_XLAT(as, 0x5000, &ram, 0x5000, 0xb000);      /* ram resumes at its offset */
    CHECK_XLAT(as, 0x8000, &ram, 0x8000, 0x8000);      /* lower priority hidden */
    CHECK_XLAT(as, 0x20000, &eq1, 0, 0x1000);
    CHECK_XLAT(as, 0x21000, &eq2, 0, 0x2000);          /* equal: later added wins */

    /* Raising lo's priority by re-adding makes it visible. */
    memory_region_del_subregion(&root, &lo);
    memory_region_add_subregion_overlap(&root, 0x8000, &lo, 5);
    CHECK_XLAT(as, 0x8800, &lo, 0x800, 0x800);

    address_space_destroy(as);
    memory_region_destroy(&root);
    memory_region_destroy(&ram);
    memory_region_destroy(&hi);
    memory_region_destroy(&lo);
    memory_region_destroy(&eq1);
    memory_region_destroy(&eq2);
}

UNITTEST(aliases)
{
    MemoryRegion root, ram, win, win2, low, high;
    AddressSpace *as;
    uint8_t *host;
    uint32_t v = 0;

    memory_region_init(&root, NULL, "system", MEMORY_SIZE_ALL);
    CHECK(memory_region_init_ram(&ram, NULL, "ram", 0x10000, &error_abort));
    /* ram itself is placed too, to check alias targets' own addr is ignored. */
    memory_region_add_subregion(&root, 0x40000000, &ram);
    memory_region_init_alias(&win, NULL, "win", &ram, 0x2000, 0x1000);
    memory_region_init_alias(&win2, NULL, "win2", &win, 0x800, 0x400);
    memory_region_add_subregion(&root, 0x100000, &win);
    memory_region_add_subregion(&root, 0x200000, &win2);
    as = address_space_create(&root, "memory");

    CHECK_XLAT(as, 0x100000, &ram, 0x2000, 0x1000);
    CHECK_XLAT(as, 0x200000, &ram, 0x2800, 0x400);     /* alias of an alias */
    CHECK_XLAT(as, 0x200400, NULL, 0x200400, 0x40000000 - 0x200400);
    CHECK_XLAT(as, 0x40000000, &ram, 0, 0x10000);

    /* Writes through the window land in the RAM at the window's offset. */
    CHECK_INT(address_space_write(as, 0x200010, MEMTXATTRS_UNSPECIFIED, "\x11\x22\x33\x44", 4),
              MEMTX_OK);
    host = memory_region_get_ram_ptr(&ram);
    CHECK_INT(host[0x2810], 0x11);
    CHECK_INT(host[0x2813], 0x44);
    v = address_space_ldl_le(as, 0x40002810, MEMTXATTRS_UNSPECIFIED, NULL);
    CHECK_U64(v, 0x44332211);
    CHECK(memory_region_get_ram_ptr(&win2) == host + 0x2800);

    /* Moving the window's offset moves what it shows. */
    memory_region_set_alias_offset(&win, 0x3000);
    CHECK_XLAT(as, 0x100000, &ram, 0x3000, 0x1000);
    CHECK_XLAT(as, 0x200000, &ram, 0x3800, 0x400);

    /* Two aliases that continue each other render as one range. */
    memory_region_init_alias(&low, NULL, "low", &ram, 0x0, 0x1000);
    memory_region_init_alias(&high, NULL, "high", &ram, 0x1000, 0x1000);
    memory_region_add_subregion(&root, 0x80000000, &low);
    memory_region_add_subregion(&root, 0x80001000, &high);
    CHECK_XLAT(as, 0x80000000, &ram, 0, 0x2000);

    address_space_destroy(as);
    memory_region_del_subregion(&root, &win2);
    memory_region_destroy(&win2);
    memory_region_destroy(&root);
    memory_region_destroy(&win);
    memory_region_destroy(&low);
    memory_region_destroy(&high);
    memory_region_destroy(&ram);
}

UNITTEST(containers_clip_and_nest)
{
    MemoryRegion root, bus, ram, dev;
    AddressSpace *as;

    memory_region_init(&root, NULL, "system", MEMORY_SIZE_ALL);
    memory_region_init(&bus, NULL, "bus", 0x10000);
    CHECK(memory_region_init_ram(&ram, NULL, "ram", 0x8000, &error_abort));
    memory_region_init_io(&dev, NULL, &dummy_ops, NULL, "dev", 0x1000);
    memory_region_add_subregion(&bus, 0xc000, &ram);   /* sticks out by 0x4000 */
    memory_region_add_subregion(&bus, 0x1000, &dev);
    memory_region_add_subregion(&root, 0x10000000, &bus);
    as = address_space_create(&root, "memory");

    CHECK_XLAT(as, 0x10001000, &dev, 0, 0x1000);
    CHECK_XLAT(as, 0x1000c000, &ram, 0, 0x4000);       /* clipped to the bus */
    CHECK(xlat(as, 0x10010000).mr == NULL);

    /* Moving the container moves everything in it. */
    memory_region_set_address(&bus, 0x20000000);
    CHECK(xlat(as, 0x10001000).mr == NULL);
    CHECK_XLAT(as, 0x20001000, &dev, 0, 0x1000);

    address_space_destroy(as);
    memory_region_destroy(&root);
    memory_region_destroy(&bus);
    memory_region_destroy(&ram);
    memory_region_destroy(&dev);
}

UNITTEST(terminal_with_subregions)
{
    MemoryRegion root, dev, reg;
    AddressSpace *as;

    /* A device whose window has a RAM-backed part overlaid on it. */
    memory_region_init(&root, NULL, "system", MEMORY_SIZE_ALL);
    memory_region_init_io(&dev, NULL, &dummy_ops, NULL, "dev", 0x3000);
    CHECK(memory_region_init_ram(&reg, NULL, "buf", 0x1000, &error_abort));
    memory_region_add_subregion(&dev, 0x1000, &reg);
    memory_region_add_subregion(&root, 0x5000, &dev);
    as = address_space_create(&root, "memory");

    CHECK_XLAT(as, 0x5000, &dev, 0, 0x1000);
    CHECK_XLAT(as, 0x6000, &reg, 0, 0x1000);
    CHECK_XLAT(as, 0x7000, &dev, 0x2000, 0x1000);

    address_space_destroy(as);
    memory_region_destroy(&root);
    memory_region_destroy(&dev);
    memory_region_destroy(&reg);
}

/* A listener that records its calls as text. */
typedef struct {
    MemoryListener l;
    char log[1024];
    int commits;
} RecListener;

static void rec_append(RecListener *r, const char *what, MemoryRegionSection *s)
{
    size_t n = strlen(r->log);
    snprintf(r->log + n, sizeof(r->log) - n, "%s %s %" PRIx64 "+%" PRIx64 "@%" PRIx64 ";",
             what, memory_region_name(s->mr), s->offset_within_address_space, s->size,
             s->offset_within_region);
}

static void rec_add(MemoryListener *l, MemoryRegionSection *s)
{
    rec_append((RecListener *)l, "add", s);
}

static void rec_del(MemoryListener *l, MemoryRegionSection *s)
{
    rec_append((RecListener *)l, "del", s);
}

static void rec_commit(MemoryListener *l)
{
    ((RecListener *)l)->commits++;
}

UNITTEST(listeners)
{
    MemoryRegion root, ram, dev, ovl;
    AddressSpace *as;
    RecListener r = { .l = { .region_add = rec_add, .region_del = rec_del,
                             .commit = rec_commit } };

    memory_region_init(&root, NULL, "system", MEMORY_SIZE_ALL);
    CHECK(memory_region_init_ram(&ram, NULL, "ram", 0x10000, &error_abort));
    memory_region_init_io(&dev, NULL, &dummy_ops, NULL, "dev", 0x1000);
    memory_region_init_io(&ovl, NULL, &dummy_ops, NULL, "ovl", 0x1000);
    memory_region_add_subregion(&root, 0x80000000, &ram);
    as = address_space_create(&root, "memory");

    memory_listener_register(&r.l, as);                 /* replays what is there */
    CHECK_STR(r.log, "add ram 80000000+10000@0;");
    CHECK_INT(r.commits, 1);

    r.log[0] = 0;
    memory_region_add_subregion(&root, 0x1000, &dev);   /* ram unchanged: not repeated */
    CHECK_STR(r.log, "add dev 1000+1000@0;");
    CHECK_INT(r.commits, 2);

    r.log[0] = 0;
    memory_region_add_subregion_overlap(&root, 0x80004000, &ovl, 1);
    CHECK_STR(r.log, "del ram 80000000+10000@0;"
                     "add ram 80000000+4000@0;add ovl 80004000+1000@0;"
                     "add ram 80005000+b000@5000;");

    /* A transaction: two changes, one rebuild, one commit callback. */
    r.log[0] = 0;
    r.commits = 0;
    memory_region_transaction_begin();
    memory_region_set_enabled(&ovl, false);
    memory_region_set_enabled(&dev, false);
    CHECK_STR(r.log, "");                               /* nothing before commit */
    memory_region_transaction_commit();
    CHECK_INT(r.commits, 1);
    CHECK_STR(r.log, "del dev 1000+1000@0;del ram 80000000+4000@0;del ovl 80004000+1000@0;"
                     "del ram 80005000+b000@5000;add ram 80000000+10000@0;");

    /* Disabled regions stay out; enabling brings them back. */
    CHECK(xlat(as, 0x1000).mr == NULL);
    memory_region_set_enabled(&dev, true);
    CHECK(xlat(as, 0x1000).mr == &dev);

    memory_listener_unregister(&r.l);
    r.log[0] = 0;
    memory_region_set_enabled(&dev, false);
    CHECK_STR(r.log, "");

    address_space_destroy(as);
    memory_region_destroy(&root);
    memory_region_destroy(&ram);
    memory_region_destroy(&dev);
    memory_region_destroy(&ovl);
}

UNITTEST(lookup_many_regions)
{
    enum { N = 200 };
    MemoryRegion root, *devs = calloc(N, sizeof(MemoryRegion));
    AddressSpace *as;

    memory_region_init(&root, NULL, "system", MEMORY_SIZE_ALL);
    memory_region_transaction_begin();
    /* Added in a scrambled order: the view must come out sorted. */
    for (int k = 0; k < N; k++) {
        int i = (k * 7) % N;
        memory_region_init_io(&devs[i], NULL, &dummy_ops, NULL, "dev", 0x100);
        memory_region_add_subregion(&root, 0x10000000 + (uint64_t)i * 0x1000, &devs[i]);
    }
    memory_region_transaction_commit();
    as = address_space_create(&root, "memory");

    for (int i = 0; i < N; i++) {
        GuestPaddr base = 0x10000000 + (uint64_t)i * 0x1000;
        CHECK_XLAT(as, base, &devs[i], 0, 0x100);
        CHECK_XLAT(as, base + 0xff, &devs[i], 0xff, 1);
        CHECK_XLAT(as, base + 0x100, NULL, base + 0x100, i == N - 1 ? UINT64_MAX - (base + 0x100) + 1
                                                                    : 0xf00);
    }
    CHECK_XLAT(as, 0, NULL, 0, 0x10000000);

    address_space_destroy(as);
    memory_region_destroy(&root);
    for (int i = 0; i < N; i++) {
        memory_region_destroy(&devs[i]);
    }
    free(devs);
}

/* Readers on another thread while the main thread re-renders: under ASan a
 * view freed too early shows up as a use-after-free. */
typedef struct {
    AddressSpace *as;
    atomic_bool stop;
    atomic_int bad;
} ReaderArg;

static void *reader_thread(void *opaque)
{
    ReaderArg *a = opaque;

    while (!atomic_load(&a->stop)) {
        uint64_t v = 0;
        uint64_t len;
        MemTxResult r = address_space_load(a->as, 0x1000, 4, MEMTXATTRS_UNSPECIFIED, &v);
        if (r != MEMTX_OK || v != 0x5a5a5a5a) {
            atomic_fetch_add(&a->bad, 1);
        }
        if (!address_space_ram_ptr(a->as, 0x1000, false, &len)) {
            atomic_fetch_add(&a->bad, 1);
        }
    }
    return NULL;
}

UNITTEST(concurrent_readers)
{
    MemoryRegion root, ram, dev;
    ReaderArg a = { 0 };
    pthread_t t;

    memory_region_init(&root, NULL, "system", MEMORY_SIZE_ALL);
    CHECK(memory_region_init_ram(&ram, NULL, "ram", 0x2000, &error_abort));
    memory_region_init_io(&dev, NULL, &dummy_ops, NULL, "dev", 0x100);
    memset(memory_region_get_ram_ptr(&ram), 0x5a, 0x2000);
    memory_region_add_subregion(&root, 0, &ram);
    a.as = address_space_create(&root, "memory");
    CHECK(pthread_create(&t, NULL, reader_thread, &a) == 0);
    for (int i = 0; i < 2000; i++) {
        if (i & 1) {
            memory_region_del_subregion(&root, &dev);
        } else {
            memory_region_add_subregion_overlap(&root, 0x1800, &dev, 1);
        }
    }
    atomic_store(&a.stop, true);
    pthread_join(t, NULL);
    CHECK_INT(atomic_load(&a.bad), 0);

    address_space_destroy(a.as);
    memory_region_destroy(&root);
    memory_region_destroy(&ram);
    memory_region_destroy(&dev);
}

UNITTEST(mtree_output)
{
    MemoryRegion root, ram, rom, uart, win;
    AddressSpace *as;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);

    memory_region_init(&root, NULL, "system", MEMORY_SIZE_ALL);
    CHECK(memory_region_init_ram(&ram, NULL, "riscv.ram", 0x8000000, &error_abort));
    CHECK(memory_region_init_rom(&rom, NULL, "riscv.mrom", 0xf000, &error_abort));
    memory_region_init_io(&uart, NULL, &dummy_ops, NULL, "serial", 0x100);
    memory_region_init_alias(&win, NULL, "ram-low", &ram, 0x1000, 0x1000);
    memory_region_add_subregion(&root, 0x80000000, &ram);
    memory_region_add_subregion(&root, 0x10000000, &uart);
    memory_region_add_subregion(&root, 0x1000, &rom);
    memory_region_add_subregion_overlap(&root, 0x2000, &win, 1);
    memory_region_set_enabled(&uart, false);
    as = address_space_create(&root, "memory");

    mtree_info(out, false, true);
    fclose(out);
    CHECK_STR(text,
        "address-space: memory\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"
        "    0000000000001000-000000000000ffff (prio 0, rom): riscv.mrom\n"
        "    0000000000002000-0000000000002fff (prio 1, ram): alias ram-low @riscv.ram "
        "0000000000001000-0000000000001fff\n"
        "    0000000010000000-00000000100000ff (prio 0, i/o): serial [disabled]\n"
        "    0000000080000000-0000000087ffffff (prio 0, ram): riscv.ram\n"
        "\n"
        "memory-region: riscv.ram\n"
        "  0000000080000000-0000000087ffffff (prio 0, ram): riscv.ram\n"
        "\n");
    free(text);

    /* Without -D the disabled UART is left out. */
    out = open_memstream(&text, &size);
    mtree_info(out, false, false);
    fclose(out);
    CHECK(strstr(text, "serial") == NULL);
    CHECK(strstr(text, "riscv.mrom") != NULL);
    free(text);

    out = open_memstream(&text, &size);
    mtree_info(out, true, false);
    fclose(out);
    CHECK_STR(text,
        "FlatView #0\n"
        " AS \"memory\", root: system\n"
        " Root memory region: system\n"
        "  0000000000001000-0000000000001fff (prio 0, rom): riscv.mrom\n"
        "  0000000000002000-0000000000002fff (prio 0, ram): riscv.ram @0000000000001000\n"
        "  0000000000003000-000000000000ffff (prio 0, rom): riscv.mrom @0000000000002000\n"
        "  0000000080000000-0000000087ffffff (prio 0, ram): riscv.ram\n"
        "\n");
    free(text);

    address_space_destroy(as);
    memory_region_destroy(&root);
    memory_region_destroy(&win);
    memory_region_destroy(&ram);
    memory_region_destroy(&rom);
    memory_region_destroy(&uart);
}
