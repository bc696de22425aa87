/*
 * The bump allocator (see arena.h).  Each chunk starts with its header;
 * allocations follow it.  Chunks are private anonymous mappings, so fresh
 * and reset memory reads as zero and costs RSS only once written.
 */
#include "util/arena.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Under LeakSanitizer, chunks are roots: objects in an arena hold the only
 * pointers to heap memory (a TB's interpreter code). */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_LSAN 1
#endif
#endif
#ifdef ARENA_LSAN
#include <sanitizer/lsan_interface.h>
#define arena_lsan_register(p, n) __lsan_register_root_region(p, n)
#define arena_lsan_unregister(p, n) __lsan_unregister_root_region(p, n)
#else
#define arena_lsan_register(p, n) ((void)(p), (void)(n))
#define arena_lsan_unregister(p, n) ((void)(p), (void)(n))
#endif

struct ArenaChunk {
    ArenaChunk *next;
    size_t bytes;               /* whole mapping, header included */
};

#define ARENA_HEADER ((sizeof(ArenaChunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

static size_t arena_page_round(size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (bytes + page - 1) & ~(page - 1);
}

void arena_init(Arena *a, size_t chunk_bytes)
{
    *a = (Arena){ .chunk_bytes = arena_page_round(chunk_bytes) };
}

static ArenaChunk *arena_map_chunk(size_t bytes)
{
    ArenaChunk *c = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert(c != MAP_FAILED);
    arena_lsan_register(c, bytes);
    c->next = NULL;
    c->bytes = bytes;
    return c;
}

void *arena_alloc(Arena *a, size_t bytes)
{
    bytes = (bytes + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (!a->cur || a->cur_used + bytes > a->cur->bytes) {
        /* the next chunk (kept from before a reset) if it is big enough,
         * else a new one after cur */
        ArenaChunk *next = a->cur ? a->cur->next : a->first;
        if (!next || ARENA_HEADER + bytes > next->bytes) {
            size_t want = ARENA_HEADER + bytes > a->chunk_bytes
                              ? arena_page_round(ARENA_HEADER + bytes) : a->chunk_bytes;
            ArenaChunk *c = arena_map_chunk(want);
            c->next = next;
            if (a->cur) {
                a->cur->next = c;
            } else {
                a->first = c;
            }
            next = c;
        }
        a->cur = next;
        a->cur_used = ARENA_HEADER;
    }
    void *p = (uint8_t *)a->cur + a->cur_used;
    a->cur_used += bytes;
    a->allocated_bytes += bytes;
    return p;
}

void arena_reset(Arena *a)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    for (ArenaChunk *c = a->first; c; c = c->next) {
        /* the header's page stays (it holds the link); the rest reads as
         * zero again */
        if (c->bytes > page) {
            madvise((uint8_t *)c + page, c->bytes - page, MADV_DONTNEED);
        }
        size_t head = page < c->bytes ? page : c->bytes;
        memset((uint8_t *)c + ARENA_HEADER, 0, head - ARENA_HEADER);
    }
    a->cur = NULL;
    a->cur_used = 0;
    a->allocated_bytes = 0;
}

void arena_destroy(Arena *a)
{
    ArenaChunk *c = a->first;
    while (c) {
        ArenaChunk *next = c->next;
        arena_lsan_unregister(c, c->bytes);
        munmap(c, c->bytes);
        c = next;
    }
    arena_init(a, a->chunk_bytes);
}
