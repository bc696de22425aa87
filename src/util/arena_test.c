/*
 * The bump allocator: alignment, zeroed memory, chunk overflow, requests
 * larger than a chunk, and reuse of the chunks after a reset.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/unittest.h"

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

UNITTEST(arena_allocations_are_aligned_zeroed_and_disjoint)
{
    Arena a;
    arena_init(&a, 4096);
    enum { N = 2000 };
    uint8_t *p[N];
    size_t len[N];
    for (int i = 0; i < N; i++) {
        len[i] = 1 + (size_t)(i * 37) % 300;
        p[i] = arena_alloc(&a, len[i]);
        CHECK(((uintptr_t)p[i] & (ARENA_ALIGN - 1)) == 0);
        CHECK(all_zero(p[i], len[i]));
        memset(p[i], i & 0xff ? i & 0xff : 1, len[i]);
    }
    /* nothing was overwritten by a later allocation */
    for (int i = 0; i < N; i++) {
        uint8_t v = i & 0xff ? (uint8_t)(i & 0xff) : 1;
        for (size_t k = 0; k < len[i]; k++) {
            if (p[i][k] != v) {
                CHECK(!"allocation overwritten");
                break;
            }
        }
    }
    CHECK(a.allocated_bytes >= 2000);
    arena_destroy(&a);
}

UNITTEST(arena_large_requests_get_their_own_chunk)
{
    Arena a;
    arena_init(&a, 4096);
    uint8_t *small = arena_alloc(&a, 100);
    uint8_t *big = arena_alloc(&a, 3 * 4096);
    CHECK(all_zero(big, 3 * 4096));
    memset(big, 0xab, 3 * 4096);
    uint8_t *after = arena_alloc(&a, 100);
    CHECK(all_zero(after, 100));
    memset(small, 1, 100);
    CHECK(big[0] == 0xab && big[3 * 4096 - 1] == 0xab);
    arena_destroy(&a);
}

UNITTEST(arena_reset_reuses_chunks_zeroed)
{
    Arena a;
    arena_init(&a, 4096);
    uint8_t *first[50];
    for (int i = 0; i < 50; i++) {
        first[i] = arena_alloc(&a, 200);      /* several chunks */
        memset(first[i], 0xcd, 200);
    }
    ArenaChunk *chunks = a.first;
    arena_reset(&a);
    CHECK(a.allocated_bytes == 0);
    /* the same memory again, in the same order, and zeroed */
    for (int i = 0; i < 50; i++) {
        uint8_t *p = arena_alloc(&a, 200);
        CHECK(p == first[i]);
        CHECK(all_zero(p, 200));
    }
    CHECK(a.first == chunks);
    /* a request larger than the kept chunks after a reset */
    arena_reset(&a);
    uint8_t *big = arena_alloc(&a, 2 * 4096);
    CHECK(all_zero(big, 2 * 4096));
    uint8_t *small = arena_alloc(&a, 16);
    CHECK(small != NULL && all_zero(small, 16));
    arena_destroy(&a);
}
