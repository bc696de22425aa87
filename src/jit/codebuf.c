/*
 * The code buffer (see codebuf.h): shared memory mapped twice, read-write
 * and read-execute.  Invariants: head <= used <= size; used is 16-byte aligned
 * after every commit; nothing is ever mapped writable and executable.
 */
#include "jit/codebuf.h"

#include <assert.h>
#include <capstone/capstone.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

struct CodeBuf {
    uint8_t *rw;
    uint8_t *rx;
    size_t size;
    size_t head;
    size_t used;
    size_t begun;           /* offset of the block being written */
    uint64_t flushes;
    CodeBufFlushFn flush_fn;
    void *flush_opaque;
};

CodeBuf *codebuf_new(size_t size_bytes, size_t head_bytes, Error **errp)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = (size_bytes + page - 1) & ~(page - 1);
    head_bytes = (head_bytes + 15) & ~(size_t)15;
    if (head_bytes >= size) {
        error_setg(errp, "code buffer of %zu bytes has no room after its %zu-byte head",
                   size, head_bytes);
        return NULL;
    }
    /* Shared anonymous memory, aliased by mremap with old size 0 (which
     * maps the same pages again).  Unlike a memfd's "/memfd:..." mapping,
     * perf takes this one ("/dev/zero (deleted)") for anonymous memory and
     * names its samples from /tmp/perf-<pid>.map (-perfmap). */
    void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (rw == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot map the JIT code buffer writable");
        return NULL;
    }
    void *rx = mremap(rw, 0, size, MREMAP_MAYMOVE);
    if (rx == MAP_FAILED || mprotect(rx, size, PROT_READ | PROT_EXEC) < 0) {
        error_setg_errno(errp, errno, "cannot map the JIT code buffer executable");
        if (rx != MAP_FAILED) {
            munmap(rx, size);
        }
        munmap(rw, size);
        return NULL;
    }

    CodeBuf *cb = calloc(1, sizeof(*cb));
    assert(cb);
    cb->rw = rw;
    cb->rx = rx;
    cb->size = size;
    cb->head = cb->used = head_bytes;
    return cb;
}

void codebuf_free(CodeBuf *cb)
{
    if (cb) {
        munmap(cb->rw, cb->size);
        munmap(cb->rx, cb->size);
        free(cb);
    }
}

int codebuf_fork_snapshot(const CodeBuf *cb, Error **errp)
{
    int fd = memfd_create("morpho-jit", MFD_CLOEXEC);
    if (fd < 0) {
        error_setg_errno(errp, errno, "cannot create the JIT code buffer's copy for fork");
        return -1;
    }
    if (ftruncate(fd, (off_t)cb->size) < 0) {
        error_setg_errno(errp, errno, "cannot size the JIT code buffer's copy for fork");
        close(fd);
        return -1;
    }
    /* Only [0, used) holds code; the rest of the copy reads as zeros until
     * the child writes it, as in a fresh buffer. */
    for (size_t done = 0; done < cb->used;) {
        ssize_t n = pwrite(fd, cb->rw + done, cb->used - done, (off_t)done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            error_setg_errno(errp, n < 0 ? errno : EIO,
                             "cannot copy the JIT code buffer for fork");
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    return fd;
}

bool codebuf_fork_adopt(CodeBuf *cb, int fd, Error **errp)
{
    /* MAP_FIXED replaces each old view in one step, so no other mapping can
     * take the addresses in between. */
    if (mmap(cb->rw, cb->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
            MAP_FAILED ||
        mmap(cb->rx, cb->size, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED, fd, 0) ==
            MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot map the JIT code buffer's copy after fork");
        close(fd);
        return false;
    }
    close(fd);
    return true;
}

void codebuf_set_flush_hook(CodeBuf *cb, CodeBufFlushFn fn, void *opaque)
{
    cb->flush_fn = fn;
    cb->flush_opaque = opaque;
}

ptrdiff_t codebuf_delta(const CodeBuf *cb)
{
    return cb->rx - cb->rw;
}

uint8_t *codebuf_head(CodeBuf *cb, size_t *size)
{
    *size = cb->head;
    return cb->rw;
}

uint8_t *codebuf_begin(CodeBuf *cb, size_t *room)
{
    cb->begun = cb->used;
    *room = cb->size - cb->used;
    return cb->rw + cb->used;
}

void codebuf_commit(CodeBuf *cb, size_t used)
{
    assert(cb->begun == cb->used && used <= cb->size - cb->used);
    cb->used = (cb->used + used + 15) & ~(size_t)15;
    if (cb->used > cb->size) {
        cb->used = cb->size;
    }
}

void codebuf_flush(CodeBuf *cb)
{
    if (cb->flush_fn) {
        cb->flush_fn(cb->flush_opaque);
    }
    cb->used = cb->begun = cb->head;
    cb->flushes++;
}

bool codebuf_contains(const CodeBuf *cb, uintptr_t rx)
{
    return rx >= (uintptr_t)cb->rx && rx < (uintptr_t)cb->rx + cb->size;
}

void codebuf_get_stats(const CodeBuf *cb, CodeBufStats *out)
{
    out->size = cb->size;
    out->used = cb->used;
    out->flushes = cb->flushes;
}

void codebuf_disas(FILE *out, const void *rx, size_t len)
{
    csh h;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
        fprintf(out, "  (capstone unavailable: %zu bytes at %p)\n", len, rx);
        return;
    }
    cs_insn *insn;
    size_t n = cs_disasm(h, rx, len, (uint64_t)(uintptr_t)rx, 0, &insn);
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "  0x%" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic,
                insn[i].op_str);
        done += insn[i].size;
    }
    if (done < len) {
        fprintf(out, "  (%zu bytes not decoded)\n", len - done);
    }
    if (n) {
        cs_free(insn, n);
    }
    cs_close(&h);
}
