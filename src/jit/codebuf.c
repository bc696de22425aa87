/*
 * The code buffer (see codebuf.h): shared memory mapped twice, read-write
 * and read-execute.  Invariants: head <= used <= size; used is 16-byte aligned
 * after every commit; nothing is ever mapped writable and executable.
 */
#include "jit/codebuf.h"

#include <assert.h>
#include <capstone/capstone.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <pthread.h>
#include <unistd.h>

#define CODEBUF_DROP_CHUNK ((size_t)256 << 10)
#define CODEBUF_REDROP ((size_t)1 << 20)

struct CodeBuf {
    uint8_t *rw;
    uint8_t *rx;
    size_t size;
    size_t head;
    size_t used;
    size_t begun;           /* offset of the block being written */
    size_t dropped;         /* rw view unmapped below this (RSS counts code once) */
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

bool codebuf_fork_snapshot(const CodeBuf *cb, CodeBufCopy *copy, Error **errp)
{
    /* Private memory: the child inherits it copy-on-write, and the parent
     * may go on patching its own buffer the moment fork returns. */
    copy->len = cb->used;
    copy->bytes = mmap(NULL, copy->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
    if (copy->bytes == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot copy the JIT code buffer for fork");
        copy->bytes = NULL;
        return false;
    }
    memcpy(copy->bytes, cb->rw, copy->len);
    return true;
}

void codebuf_fork_copy_free(CodeBufCopy *copy)
{
    if (copy->bytes) {
        munmap(copy->bytes, copy->len);
        copy->bytes = NULL;
    }
}

bool codebuf_fork_adopt(CodeBuf *cb, CodeBufCopy *copy, Error **errp)
{
    /* New shared memory at the same two addresses (MAP_FIXED and
     * MREMAP_FIXED replace each old view in one step, so nothing else can
     * take the addresses in between): every code pointer stays valid. */
    bool ok = mmap(cb->rw, cb->size, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED;
    if (ok) {
        memcpy(cb->rw, copy->bytes, copy->len);
        ok = mremap(cb->rw, 0, cb->size, MREMAP_MAYMOVE | MREMAP_FIXED, cb->rx) != MAP_FAILED &&
             mprotect(cb->rx, cb->size, PROT_READ | PROT_EXEC) == 0;
    }
    if (!ok) {
        error_setg_errno(errp, errno, "cannot map the JIT code buffer's copy after fork");
    }
    cb->dropped = 0;
    codebuf_fork_copy_free(copy);
    return ok;
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
    /* Both views of a page count in RSS once touched.  Finished code is
     * written again only by chaining and invalidation patches, so the rw
     * view of each finished chunk is unmapped (its shared pages stay, and
     * a later patch maps its page again): peak RSS counts the code once,
     * as QEMU's single mapping does.  Chaining patches old blocks all the
     * time, so every CODEBUF_REDROP bytes of new code the whole finished
     * part is dropped again.  Patches land mostly on recent blocks, so a
     * short period keeps few re-mapped pages (python: 2.5 MB of rw view at
     * 4 MB, 1.2 MB at 1 MB) for ~600 more minor faults. */
    size_t finished = cb->used & ~(CODEBUF_DROP_CHUNK - 1);
    if (finished > cb->dropped) {
        size_t from = finished / CODEBUF_REDROP != cb->dropped / CODEBUF_REDROP ? 0 : cb->dropped;
        madvise(cb->rw + from, finished - from, MADV_DONTNEED);
        cb->dropped = finished;
    }
}

void codebuf_flush(CodeBuf *cb)
{
    if (cb->flush_fn) {
        cb->flush_fn(cb->flush_opaque);
    }
    cb->used = cb->begun = cb->head;
    cb->dropped = 0;
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

/* Capstone is loaded on first use (-d out_asm), not linked: loading it
 * relocates its pointer tables, which dirties 3 MB of private pages in
 * every process whether it disassembles or not (a sixth of a small user
 * program's peak RSS). */
typedef struct CodeBufCapstone {
    cs_err (*open)(cs_arch arch, cs_mode mode, csh *handle);
    size_t (*disasm)(csh handle, const uint8_t *code, size_t size, uint64_t address,
                     size_t count, cs_insn **insn);
    void (*free)(cs_insn *insn, size_t count);
    cs_err (*close)(csh *handle);
} CodeBufCapstone;

#define CODEBUF_STR(x) #x
#define CODEBUF_XSTR(x) CODEBUF_STR(x)
#define CODEBUF_CAPSTONE_SONAME "libcapstone.so." CODEBUF_XSTR(CS_API_MAJOR)

static CodeBufCapstone codebuf_cs;
static bool codebuf_cs_ok;
static pthread_once_t codebuf_cs_once = PTHREAD_ONCE_INIT;

static void codebuf_capstone_load(void)
{
    void *lib = dlopen(CODEBUF_CAPSTONE_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        return;
    }
    *(void **)&codebuf_cs.open = dlsym(lib, "cs_open");
    *(void **)&codebuf_cs.disasm = dlsym(lib, "cs_disasm");
    *(void **)&codebuf_cs.free = dlsym(lib, "cs_free");
    *(void **)&codebuf_cs.close = dlsym(lib, "cs_close");
    codebuf_cs_ok = codebuf_cs.open && codebuf_cs.disasm && codebuf_cs.free && codebuf_cs.close;
}

void codebuf_disas(FILE *out, const void *rx, size_t len)
{
    csh h;
    pthread_once(&codebuf_cs_once, codebuf_capstone_load);
    if (!codebuf_cs_ok || codebuf_cs.open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
        fprintf(out, "  (capstone unavailable: %zu bytes at %p)\n", len, rx);
        return;
    }
    cs_insn *insn;
    size_t n = codebuf_cs.disasm(h, rx, len, (uint64_t)(uintptr_t)rx, 0, &insn);
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
        codebuf_cs.free(insn, n);
    }
    codebuf_cs.close(&h);
}
