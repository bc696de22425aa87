/*
 * The JIT's code buffer: one region of host memory for generated code,
 * never writable and executable through the same mapping (W^X).  Shared
 * memory is mapped twice: read-write for the emitter, read-execute for
 * running, at a fixed delta (rx = rw + codebuf_delta).  Code is written through
 * codebuf_rw addresses; branch displacements are position-independent
 * inside the buffer, and absolute code addresses handed to anyone else are
 * rx addresses (codebuf_to_rx).
 *
 * Allocation is a bump pointer over the region after a reserved head (the
 * JIT's prologue/epilogue, written once and kept across flushes).  When a
 * block does not fit, the owner calls codebuf_flush: the flush hook runs
 * first (the TB cache must drop every translated block, since their code
 * is about to be overwritten), then the bump pointer returns to the start.
 *
 * Threads: one CodeBuf is used by the thread that translates (the exec
 * layer serializes translation with its tb lock); generated code may run on
 * any thread.  Flushing while another thread runs code from the buffer is
 * the flush hook's problem (it must stop the world first).
 */
#ifndef JIT_CODEBUF_H
#define JIT_CODEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

typedef struct CodeBuf CodeBuf;

/* Called by codebuf_flush before the buffer is reused. */
typedef void (*CodeBufFlushFn)(void *opaque);

/* A buffer of size_bytes (rounded up to pages); head_bytes of it are
 * reserved at the start for code that survives flushes. */
CodeBuf *codebuf_new(size_t size_bytes, size_t head_bytes, Error **errp);
void codebuf_free(CodeBuf *cb);

void codebuf_set_flush_hook(CodeBuf *cb, CodeBufFlushFn fn, void *opaque);

/* rx - rw: add to a writable address to get its executable alias. */
ptrdiff_t codebuf_delta(const CodeBuf *cb);
static inline void *codebuf_to_rx(const CodeBuf *cb, void *rw)
{
    return (uint8_t *)rw + codebuf_delta(cb);
}
static inline void *codebuf_to_rw(const CodeBuf *cb, const void *rx)
{
    return (uint8_t *)rx - codebuf_delta(cb);
}

/* Across fork(): both processes would share the buffer's memory, so a
 * compile, chain or invalidation in one would rewrite the other's code.
 * Before fork, with no thread compiling or patching, codebuf_fork_snapshot
 * copies the code into private memory; after fork the child calls
 * codebuf_fork_adopt, which puts its own shared memory with that code at
 * the same two addresses (every code pointer stays valid), and the parent
 * frees the copy with codebuf_fork_copy_free.  Both free the copy. */
typedef struct CodeBufCopy {
    uint8_t *bytes;
    size_t len;
} CodeBufCopy;

bool codebuf_fork_snapshot(const CodeBuf *cb, CodeBufCopy *copy, Error **errp);
bool codebuf_fork_adopt(CodeBuf *cb, CodeBufCopy *copy, Error **errp);
void codebuf_fork_copy_free(CodeBufCopy *copy);

/* The reserved head (writable address, size). */
uint8_t *codebuf_head(CodeBuf *cb, size_t *size);

/* Start a block: the writable address of the free space and its size. */
uint8_t *codebuf_begin(CodeBuf *cb, size_t *room);
/* Keep used bytes from the last codebuf_begin (the next block starts at the
 * next 16-byte boundary). */
void codebuf_commit(CodeBuf *cb, size_t used);
/* Run the flush hook and forget every block. */
void codebuf_flush(CodeBuf *cb);

/* Does rx lie in the executable mapping? */
bool codebuf_contains(const CodeBuf *cb, uintptr_t rx);

typedef struct CodeBufStats {
    size_t size, used;
    uint64_t flushes;
} CodeBufStats;
void codebuf_get_stats(const CodeBuf *cb, CodeBufStats *out);

/* -d out_asm: disassemble len bytes of host code at rx (capstone) to out,
 * one instruction a line with its address. */
void codebuf_disas(FILE *out, const void *rx, size_t len);

#endif
