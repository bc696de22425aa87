/*
 * A bump allocator for many small objects that all die together (the TB
 * cache's TranslationBlocks, freed only by a flush).  Memory comes in
 * chunks mapped from the kernel and is touched only as it is handed out,
 * so it costs no malloc header or free-list fragmentation per object.
 *
 * Invariants: every allocation is ARENA_ALIGN-aligned and stays valid until
 * arena_reset or arena_destroy; chunks are never unmapped before
 * arena_destroy (a reset gives their pages back to the kernel and reuses
 * them).  Not thread-safe: the owner serializes calls (tb.c: tb_lock).
 */
#ifndef UTIL_ARENA_H
#define UTIL_ARENA_H

#include <stddef.h>

#define ARENA_ALIGN 8

typedef struct ArenaChunk ArenaChunk;

typedef struct Arena {
    size_t chunk_bytes;         /* size of a normal chunk */
    ArenaChunk *first;          /* every chunk, in mapping order */
    ArenaChunk *cur;            /* the chunk being filled */
    size_t cur_used;            /* bytes of cur handed out (header included) */
    size_t allocated_bytes;     /* since the last reset, for statistics */
} Arena;

/* An empty arena whose chunks are chunk_bytes (rounded up to pages). */
void arena_init(Arena *a, size_t chunk_bytes);
/* bytes of zeroed memory, ARENA_ALIGN-aligned.  A request larger than a
 * chunk gets a chunk of its own.  Aborts if the host has no memory left. */
void *arena_alloc(Arena *a, size_t bytes);
/* Forget every allocation: the pages go back to the kernel, the chunks stay
 * mapped for the allocations that follow. */
void arena_reset(Arena *a);
/* Unmap everything; the arena may be initialized again. */
void arena_destroy(Arena *a);

#endif
