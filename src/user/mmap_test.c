/*
 * Tests of the guest address space: the reservation costs no memory,
 * mappings land where Linux would put them, splits and merges keep
 * /proc/self/maps right, and errno values match the kernel's.
 */
#include "user/mmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/unittest.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PAGE GUEST_PAGE_SIZE_USER
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static UserMem m;

static void setup(void)
{
    CHECK(mmap_init(&m, USER_SPACE_SIZE_DEFAULT, &error_abort));
}

/* Resident pages of [p, p+len) per mincore. */
static size_t resident_pages(void *p, size_t len)
{
    size_t n = len / PAGE, count = 0;
    unsigned char *vec = malloc(n);
    if (mincore(p, len, vec) != 0) {
        free(vec);
        return (size_t)-1;
    }
    for (size_t i = 0; i < n; i++) {
        count += vec[i] & 1;
    }
    free(vec);
    return count;
}

UNITTEST(reservation_commits_nothing)
{
    setup();
    CHECK_U64(m.size, 1ull << 38);
    /* Touching unmapped guest memory would fault: the page is PROT_NONE. */
    CHECK_INT(mmap_page_prot(&m, 0x10000), -1);
    int64_t a = mmap_map(&m, 0, 64 * PAGE, RW, ANON, -1, 0);
    CHECK(a > 0);
    CHECK_INT(resident_pages(mmap_g2h(&m, a), 64 * PAGE), 0);
    memset(mmap_g2h(&m, a), 1, 3 * PAGE);
    CHECK_INT(resident_pages(mmap_g2h(&m, a), 64 * PAGE), 3);
    CHECK_INT(mmap_unmap(&m, a, 64 * PAGE), 0);
    CHECK_INT(resident_pages(mmap_g2h(&m, a), 64 * PAGE), 0);
    mmap_destroy(&m);
}

UNITTEST(placement_top_down_and_hints)
{
    setup();
    int64_t a = mmap_map(&m, 0, PAGE, RW, ANON, -1, 0);
    int64_t b = mmap_map(&m, 0, 2 * PAGE, RW, ANON, -1, 0);
    CHECK_U64(a, m.mmap_base - PAGE);
    CHECK_U64(b, a - 2 * PAGE);
    /* A free hint is taken; an occupied one is not. */
    CHECK_U64(mmap_map(&m, 0x200000, PAGE, PROT_READ, ANON, -1, 0), 0x200000);
    int64_t c = mmap_map(&m, 0x200000, PAGE, PROT_READ, ANON, -1, 0);
    CHECK(c != 0x200000 && c > 0);
    /* Fixed at an unaligned address, zero length, bad type, bad offset. */
    CHECK_INT(mmap_map(&m, 0x200001, PAGE, RW, ANON | MAP_FIXED, -1, 0), -EINVAL);
    CHECK_INT(mmap_map(&m, 0, 0, RW, ANON, -1, 0), -EINVAL);
    CHECK_INT(mmap_map(&m, 0, PAGE, RW, MAP_ANONYMOUS, -1, 0), -EINVAL);
    CHECK_INT(mmap_map(&m, 0, PAGE, RW, ANON, -1, 1), -EINVAL);
    CHECK_INT(mmap_map(&m, m.size - PAGE, 2 * PAGE, RW, ANON | MAP_FIXED, -1, 0), -ENOMEM);
    /* NOREPLACE refuses an occupied range, FIXED replaces it. */
    CHECK_INT(mmap_map(&m, 0x200000, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), -EEXIST);
    CHECK_U64(mmap_map(&m, 0x200000, PAGE, RW, ANON | MAP_FIXED, -1, 0), 0x200000);
    CHECK_INT(mmap_page_prot(&m, 0x200000), RW);
    mmap_destroy(&m);
}

UNITTEST(split_merge_and_maps_text)
{
    setup();
    CHECK_U64(mmap_map(&m, 0x100000, 4 * PAGE, RW, ANON | MAP_FIXED, -1, 0), 0x100000);
    CHECK_INT(m.nvmas, 1);
    CHECK_INT(mmap_protect(&m, 0x101000, PAGE, PROT_READ), 0);
    CHECK_INT(m.nvmas, 3);
    CHECK_INT(mmap_page_prot(&m, 0x101000), PROT_READ);
    CHECK_INT(mmap_page_prot(&m, 0x102000), RW);
    /* Writes through the host pointer to the read-only page would fault;
     * the access check says so without faulting. */
    CHECK(!mmap_access_ok(&m, 0x100ff0, 0x20, PROT_WRITE));
    CHECK(mmap_access_ok(&m, 0x100ff0, 0x20, PROT_READ));
    CHECK(!mmap_access_ok(&m, 0x103ff0, 0x20, PROT_READ));
    /* Protecting it back merges the three again. */
    CHECK_INT(mmap_protect(&m, 0x101000, PAGE, RW), 0);
    CHECK_INT(m.nvmas, 1);
    /* Punch a hole. */
    CHECK_INT(mmap_unmap(&m, 0x101000, 2 * PAGE), 0);
    CHECK_INT(m.nvmas, 2);
    CHECK_INT(mmap_protect(&m, 0x100000, 4 * PAGE, PROT_READ), -ENOMEM);
    CHECK_INT(mmap_unmap(&m, 0x100001, PAGE), -EINVAL);
    char *text = mmap_maps_text(&m);
    CHECK_STR(text, "00100000-00101000 rw-p 00000000 00:00 0 \n"
                    "00103000-00104000 rw-p 00000000 00:00 0 \n");
    free(text);
    mmap_destroy(&m);
}

UNITTEST(file_mapping_names_the_file)
{
    setup();
    char path[] = "/tmp/morpho-mmap-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    char data[2 * PAGE];
    memset(data, 'x', sizeof(data));
    data[PAGE] = 'y';
    CHECK_INT(write(fd, data, sizeof(data)), sizeof(data));
    int64_t a = mmap_map(&m, 0x400000, PAGE, PROT_READ | PROT_EXEC,
                         MAP_PRIVATE | MAP_FIXED, fd, PAGE);
    CHECK_U64(a, 0x400000);
    CHECK_INT(*(char *)mmap_g2h(&m, 0x400000), 'y');
    char *text = mmap_maps_text(&m);
    CHECK(strstr(text, "00400000-00401000 r-xp 00001000 ") == text);
    CHECK(strstr(text, path) != NULL);
    free(text);
    close(fd);
    unlink(path);
    mmap_destroy(&m);
}

static int invalidations;
static GuestVaddr inval_start, inval_end;

static void record_invalidate(GuestVaddr start, GuestVaddr end, void *opaque)
{
    invalidations++;
    inval_start = start;
    inval_end = end;
}

UNITTEST(exec_pages_invalidate)
{
    setup();
    mmap_set_invalidate(&m, record_invalidate, NULL);
    invalidations = 0;
    CHECK_U64(mmap_map(&m, 0x100000, 2 * PAGE, PROT_READ | PROT_EXEC, ANON | MAP_FIXED, -1, 0),
              0x100000);
    CHECK_INT(invalidations, 0);
    CHECK_INT(mmap_protect(&m, 0x101000, PAGE, RW), 0);
    CHECK_INT(invalidations, 1);
    CHECK_U64(inval_start, 0x101000);
    CHECK_U64(inval_end, 0x102000);
    CHECK_INT(mmap_unmap(&m, 0x100000, 2 * PAGE), 0);
    CHECK_INT(invalidations, 2);
    CHECK_U64(inval_start, 0x100000);
    CHECK_U64(inval_end, 0x101000);
    /* Non-executable pages going away do not disturb the translator. */
    CHECK_U64(mmap_map(&m, 0x100000, PAGE, RW, ANON | MAP_FIXED, -1, 0), 0x100000);
    CHECK_INT(mmap_unmap(&m, 0x100000, PAGE), 0);
    CHECK_INT(invalidations, 2);
    mmap_destroy(&m);
}

UNITTEST(remap_grow_move_shrink)
{
    setup();
    CHECK_U64(mmap_map(&m, 0x100000, 2 * PAGE, RW, ANON | MAP_FIXED, -1, 0), 0x100000);
    strcpy(mmap_g2h(&m, 0x100000), "kept");
    /* Room behind: grows in place. */
    CHECK_U64(mmap_remap(&m, 0x100000, 2 * PAGE, 4 * PAGE, 0, 0), 0x100000);
    CHECK(mmap_access_ok(&m, 0x100000, 4 * PAGE, RW));
    CHECK_INT(m.nvmas, 1);
    /* Blocked behind: fails without MAYMOVE, moves with it. */
    CHECK_U64(mmap_map(&m, 0x104000, PAGE, RW, ANON | MAP_FIXED, -1, 0), 0x104000);
    CHECK_INT(mmap_remap(&m, 0x100000, 4 * PAGE, 8 * PAGE, 0, 0), -ENOMEM);
    int64_t moved = mmap_remap(&m, 0x100000, 4 * PAGE, 8 * PAGE, MREMAP_MAYMOVE, 0);
    CHECK(moved > 0 && moved != 0x100000);
    CHECK_STR(mmap_g2h(&m, moved), "kept");
    CHECK_INT(mmap_page_prot(&m, 0x100000), -1);
    /* Fixed destination, then shrink. */
    CHECK_U64(mmap_remap(&m, moved, 8 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, 0x200000),
              0x200000);
    CHECK_STR(mmap_g2h(&m, 0x200000), "kept");
    CHECK_U64(mmap_remap(&m, 0x200000, 8 * PAGE, PAGE, 0, 0), 0x200000);
    CHECK_INT(mmap_page_prot(&m, 0x201000), -1);
    /* Not one mapping: EFAULT. */
    CHECK_INT(mmap_remap(&m, 0x300000, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0), -EFAULT);
    CHECK_INT(mmap_remap(&m, 0x200000, PAGE, 2 * PAGE, MREMAP_FIXED, 0x400000), -EINVAL);
    mmap_destroy(&m);
}

UNITTEST(brk_grows_and_shrinks)
{
    setup();
    mmap_brk_init(&m, 0x500123);
    CHECK_U64(mmap_brk(&m, 0), 0x500123);
    CHECK_U64(mmap_brk(&m, 0x400000), 0x500123);     /* below start: refused */
    CHECK_U64(mmap_brk(&m, 0x502000), 0x502000);
    CHECK(mmap_access_ok(&m, 0x501000, PAGE, RW));
    CHECK(!mmap_access_ok(&m, 0x500000, PAGE, PROT_READ)); /* the loader's page */
    char *text = mmap_maps_text(&m);
    CHECK(strstr(text, "00501000-00502000 rw-p 00000000 00:00 0") == text);
    CHECK(strstr(text, "[heap]") != NULL);
    free(text);
    *(char *)mmap_g2h(&m, 0x501000) = 7;
    CHECK_U64(mmap_brk(&m, 0x500200), 0x500200);
    CHECK_INT(mmap_page_prot(&m, 0x501000), -1);
    /* Blocked by a mapping: the break stays. */
    CHECK_U64(mmap_map(&m, 0x503000, PAGE, RW, ANON | MAP_FIXED, -1, 0), 0x503000);
    CHECK_U64(mmap_brk(&m, 0x504000), 0x500200);
    CHECK_U64(mmap_brk(&m, 0x502000), 0x502000);
    CHECK_INT(*(char *)mmap_g2h(&m, 0x501000), 0);    /* fresh pages are zero */
    mmap_destroy(&m);
}

UNITTEST(host_to_guest)
{
    setup();
    GuestVaddr g;
    CHECK(mmap_host_to_guest(&m, m.guest_base + 0x1234, &g));
    CHECK_U64(g, 0x1234);
    CHECK(!mmap_host_to_guest(&m, m.guest_base + m.size, &g));
    CHECK(!mmap_host_to_guest(&m, m.guest_base - 1, &g));
    mmap_destroy(&m);
}
