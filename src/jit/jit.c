/*
 * The JIT driver (see jit.h): owns the code buffer and the records of the
 * blocks in it (code range, tag, goto_tb jump sites; the insn marks and
 * the user-mode fault map are packed into the code buffer after each
 * block's code), compiles
 * through the host emitter, chains and unchains, and maps host return
 * addresses back to guest instructions.  Records are in code order (the
 * buffer is a bump allocator), so lookups by address are binary searches;
 * a flush drops them all.
 */
#include "jit/jit_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "jit/x86_64/encoder.h"
#include "util/log.h"
#include "util/perfmap.h"

#define JIT_DEFAULT_CODE_SIZE (64u << 20)

static void jit_drop_records(Jit *jit)
{
    jit->nrecs = 0;
}

/* ---- insn marks, packed after the block's code ----------------------------
 * Each mark is two LEB128 numbers: the code offset's increase over the
 * previous mark's (marks come in emission order) and the change of the insn
 * index, zigzag-coded (stubs at the end of a block mark the insns they
 * serve, out of order).  A mark takes ~2 bytes of the code buffer, which a
 * flush reclaims with the code, instead of a malloc'd array of 8-byte
 * marks per block (2.5 MB of python's peak RSS). */

static size_t jit_leb_put(uint8_t *p, uint8_t *end, uint64_t v)
{
    size_t n = 0;
    do {
        if (p + n == end) {
            return 0;
        }
        p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

static uint64_t jit_leb_get(const uint8_t **p)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t byte;
    do {
        byte = *(*p)++;
        v |= (uint64_t)(byte & 0x7f) << shift;
        shift += 7;
    } while (byte & 0x80);
    return v;
}

/* Bytes written at dst (at most room), or SIZE_MAX if they do not fit. */
static size_t jit_marks_pack(uint8_t *dst, size_t room, const JitInsnMark *marks, uint32_t n)
{
    uint8_t *p = dst, *end = dst + room;
    JitInsnMark prev = { 0, 0 };
    for (uint32_t i = 0; i < n; i++) {
        assert(marks[i].offset >= prev.offset);
        int64_t d = (int64_t)marks[i].insn - (int64_t)prev.insn;
        size_t a = jit_leb_put(p, end, marks[i].offset - prev.offset);
        size_t b = a ? jit_leb_put(p + a, end, ((uint64_t)d << 1) ^ (uint64_t)(d >> 63)) : 0;
        if (!b) {
            return SIZE_MAX;
        }
        p += a + b;
        prev = marks[i];
    }
    return (size_t)(p - dst);
}

/* Walks a record's marks: it.mark is the current one after each true. */
typedef struct JitMarkIter {
    const uint8_t *p;
    uint32_t left;
    JitInsnMark mark;
} JitMarkIter;

static JitMarkIter jit_marks_begin(const JitBlockRec *r)
{
    return (JitMarkIter){ .p = r->code + r->size, .left = r->nmarks };
}

static bool jit_marks_next(JitMarkIter *it)
{
    if (!it->left) {
        return false;
    }
    it->left--;
    it->mark.offset += (uint32_t)jit_leb_get(&it->p);
    uint64_t z = jit_leb_get(&it->p);
    it->mark.insn += (uint32_t)((z >> 1) ^ -(z & 1));
    return true;
}

static void jit_on_flush(void *opaque)
{
    Jit *jit = opaque;
    if (jit->hook) {
        jit->hook(jit->hook_opaque);
    }
    pthread_mutex_lock(&jit->lock);
    jit_drop_records(jit);
    pthread_mutex_unlock(&jit->lock);
    jit->stats.flushes++;
}

Jit *jit_new(const JitConfig *cfg, Error **errp)
{
    if (cfg->mem.mode == JIT_MEM_TLB && (cfg->mem.entry_size_log2 > 6 || cfg->mem.page_bits > 30)) {
        error_setg(errp, "JIT: unsupported TLB layout");
        return NULL;
    }
    Jit *jit = calloc(1, sizeof(*jit));
    assert(jit);
    jit->cfg = *cfg;
    size_t size = cfg->code_size ? cfg->code_size : JIT_DEFAULT_CODE_SIZE;
    jit->cb = codebuf_new(size, JIT_HEAD_BYTES, errp);
    if (!jit->cb) {
        free(jit);
        return NULL;
    }
    size_t head_size;
    uint8_t *head = codebuf_head(jit->cb, &head_size);
    if (!jit_host_emit_head(jit, head, head_size)) {
        error_setg(errp, "JIT: prologue does not fit its %zu bytes", head_size);
        codebuf_free(jit->cb);
        free(jit);
        return NULL;
    }
    codebuf_set_flush_hook(jit->cb, jit_on_flush, jit);
    if (!cfg->no_host_extensions) {
        const X86Features *f = x86_features();
        jit->feat.lzcnt = f->lzcnt;
        jit->feat.tzcnt = f->bmi1;
        jit->feat.popcnt = f->popcnt;
        jit->feat.fma = f->fma;
    }
    pthread_mutex_init(&jit->lock, NULL);
    pthread_mutex_init(&jit->compile_lock, NULL);
    return jit;
}

void jit_free(Jit *jit)
{
    if (!jit) {
        return;
    }
    jit_drop_records(jit);
    free(jit->recs);
    codebuf_free(jit->cb);
    pthread_mutex_destroy(&jit->lock);
    pthread_mutex_destroy(&jit->compile_lock);
    free(jit);
}

void jit_set_flush_hook(Jit *jit, CodeBufFlushFn fn, void *opaque)
{
    jit->hook = fn;
    jit->hook_opaque = opaque;
}

void jit_flush(Jit *jit)
{
    codebuf_flush(jit->cb);
    jit->full = false;
}

bool jit_buffer_full(const Jit *jit)
{
    return jit->full;
}

static void jit_log_block(const JitBlockRec *r)
{
    FILE *f = log_file();
    fprintf(f, "OUT: [size=%u, tag=%p]\n", r->size, r->tag);
    uint32_t from = 0;
    JitMarkIter it = jit_marks_begin(r);
    for (;;) {
        bool more = jit_marks_next(&it);
        uint32_t to = more ? it.mark.offset : r->size;
        if (to > from) {
            codebuf_disas(f, r->code + from, to - from);
        }
        if (!more) {
            break;
        }
        fprintf(f, "  -- guest insn %u\n", it.mark.insn);
        from = to;
    }
    fprintf(f, "\n");
}

/* -perfmap: name the block after its first guest instruction. */
static void jit_perfmap_note(const IrBuilder *b, const JitBlockRec *r)
{
    uint64_t pc = 0;
    for (size_t i = 0; i < ir_op_count(b); i++) {
        const IrOp *op = ir_op_at_const(b, i);
        if (op->opc == IR_OP_insn_start) {
            pc = op->consts[0];
            break;
        }
    }
    perfmap_note(r->code, r->size, pc);
}

static const void *jit_compile_locked(Jit *jit, const IrBuilder *b, void *tag, Error **errp)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        size_t room;
        uint8_t *rw = codebuf_begin(jit->cb, &room);
        JitEmitOut out;
        bool emitted = jit_host_emit_block(jit, b, tag, rw, room, &out, errp);
        size_t marks_len = 0;
        if (emitted) {
            marks_len = jit_marks_pack(rw + out.size, room - out.size, out.marks, out.nmarks);
            size_t fmap_len = out.nfault_words * sizeof(uint32_t);
            assert(out.nfault_words <= UINT16_MAX);
            if (marks_len != SIZE_MAX && room - out.size - marks_len >= fmap_len) {
                memcpy(rw + out.size + marks_len, out.marks + out.nmarks, fmap_len);
                marks_len += fmap_len;
            } else {
                emitted = false;
                out.overflow = true;
            }
            free(out.marks);
        }
        if (!emitted) {
            if (out.overflow && jit->cfg.manual_flush) {
                jit->full = true;
                error_setg(errp, "JIT code buffer full");
                jit->stats.failed++;
                return NULL;
            }
            if (out.overflow && attempt == 0) {
                codebuf_flush(jit->cb);
                continue;
            }
            if (out.overflow) {
                error_setg(errp, "block too large for the JIT code buffer");
            }
            jit->stats.failed++;
            return NULL;
        }
        codebuf_commit(jit->cb, out.size + marks_len);
        JitBlockRec rec = {
            .code = codebuf_to_rx(jit->cb, rw),
            .size = (uint32_t)out.size,
            .entry = out.entry,
            .inv_field = out.inv_field,
            .inv_target = out.inv_target,
            .tag = tag,
            .nmarks = out.nmarks,
            .nfault_words = (uint16_t)out.nfault_words,
        };
        memcpy(rec.jmp_field, out.jmp_field, sizeof(rec.jmp_field));
        memcpy(rec.jmp_reset, out.jmp_reset, sizeof(rec.jmp_reset));
        memcpy(rec.loop_target, out.loop_target, sizeof(rec.loop_target));
        pthread_mutex_lock(&jit->lock);
        if (jit->nrecs == jit->cap) {
            jit->cap = jit->cap ? 2 * jit->cap : 256;
            jit->recs = realloc(jit->recs, jit->cap * sizeof(*jit->recs));
            assert(jit->recs);
        }
        jit->recs[jit->nrecs++] = rec;
        pthread_mutex_unlock(&jit->lock);
        jit->stats.blocks++;
        jit->stats.code_bytes += out.size;
        if (log_enabled(LOG_OUT_ASM)) {
            jit_log_block(&rec);
        }
        if (perfmap_enabled()) {
            jit_perfmap_note(b, &rec);
        }
        return rec.code + rec.entry;
    }
    return NULL;
}

const void *jit_compile(Jit *jit, const IrBuilder *b, void *tag, Error **errp)
{
    pthread_mutex_lock(&jit->compile_lock);
    const void *code = jit_compile_locked(jit, b, tag, errp);
    pthread_mutex_unlock(&jit->compile_lock);
    return code;
}

bool jit_fork_prepare(Jit *jit, Error **errp)
{
    pthread_mutex_lock(&jit->compile_lock);
    pthread_mutex_lock(&jit->lock);
    bool ok = codebuf_fork_snapshot(jit->cb, &jit->fork_copy, errp);
    pthread_mutex_unlock(&jit->lock);
    pthread_mutex_unlock(&jit->compile_lock);
    return ok;
}

void jit_fork_parent(Jit *jit)
{
    codebuf_fork_copy_free(&jit->fork_copy);
}

bool jit_fork_child(Jit *jit, Error **errp)
{
    if (!jit->fork_copy.bytes) {
        error_setg(errp, "no copy of the JIT code buffer was taken before fork");
        return false;
    }
    return codebuf_fork_adopt(jit->cb, &jit->fork_copy, errp);
}

uintptr_t jit_exec(Jit *jit, void *env, const void *code)
{
    uintptr_t (*entry)(void *, const void *) =
        (uintptr_t (*)(void *, const void *))(uintptr_t)jit->entry;
    return entry(env, code);
}

/* The record whose code contains pc (lock held). */
static JitBlockRec *jit_find_rec_locked(Jit *jit, uintptr_t pc)
{
    size_t lo = 0, hi = jit->nrecs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        JitBlockRec *r = &jit->recs[mid];
        if (pc < (uintptr_t)r->code) {
            hi = mid;
        } else if (pc >= (uintptr_t)r->code + r->size) {
            lo = mid + 1;
        } else {
            return r;
        }
    }
    return NULL;
}

static void jit_patch(Jit *jit, const void *from, unsigned slot, const void *to, bool reset)
{
    assert(slot < IR_GOTO_TB_SLOTS);
    pthread_mutex_lock(&jit->lock);
    JitBlockRec *r = jit_find_rec_locked(jit, (uintptr_t)from);
    if (r && r->code + r->entry == from && r->jmp_field[slot] != JIT_NO_JUMP) {
        const uint8_t *field = r->code + r->jmp_field[slot];
        const void *target = reset ? r->code + r->jmp_reset[slot] : to;
        bool self = !reset && to == r->code + r->entry && r->loop_target[slot] != JIT_NO_JUMP;
        if (self) {
            /* the self-loop skips the entry (and its invalidation jump):
             * jit_invalidate undoes it, and an invalid block is not
             * chained to itself again */
            target = r->code + r->loop_target[slot];
        }
        /* a self-loop slot's back edge may leave globals in the loop
         * header's registers, unstored: it jumps to its own header or to
         * its exit (which stores them), never to another block */
        bool foreign = !reset && !self && r->loop_target[slot] != JIT_NO_JUMP;
        if (!(self && r->invalid) && !foreign) {
            jit_host_patch_jump(codebuf_to_rw(jit->cb, field), field, target);
        }
    }
    pthread_mutex_unlock(&jit->lock);
}

void jit_invalidate(Jit *jit, const void *code)
{
    pthread_mutex_lock(&jit->lock);
    JitBlockRec *r = jit_find_rec_locked(jit, (uintptr_t)code);
    if (r && r->code + r->entry == code) {
        const uint8_t *field = r->code + r->inv_field;
        jit_host_patch_jump(codebuf_to_rw(jit->cb, field), field, r->code + r->inv_target);
        r->invalid = true;
        for (int slot = 0; slot < IR_GOTO_TB_SLOTS; slot++) {
            if (r->loop_target[slot] != JIT_NO_JUMP) {
                const uint8_t *jf = r->code + r->jmp_field[slot];
                jit_host_patch_jump(codebuf_to_rw(jit->cb, jf), jf, r->code + r->jmp_reset[slot]);
            }
        }
    }
    pthread_mutex_unlock(&jit->lock);
}

void jit_chain(Jit *jit, const void *from, unsigned slot, const void *to)
{
    jit_patch(jit, from, slot, to, false);
}

void jit_unchain(Jit *jit, const void *from, unsigned slot)
{
    jit_patch(jit, from, slot, NULL, true);
}

bool jit_find_insn(Jit *jit, uintptr_t host_pc, void **tag, uint32_t *insn_index)
{
    bool found = false;
    pthread_mutex_lock(&jit->lock);
    JitBlockRec *r = jit_find_rec_locked(jit, host_pc);
    if (r) {
        uint32_t off = (uint32_t)(host_pc - (uintptr_t)r->code);
        /* the last mark strictly before off: a return address follows the
         * call it returns from */
        uint32_t insn = 0;
        JitMarkIter it = jit_marks_begin(r);
        while (jit_marks_next(&it) && it.mark.offset < off) {
            insn = it.mark.insn;
        }
        *tag = r->tag;
        *insn_index = insn;
        found = true;
    }
    pthread_mutex_unlock(&jit->lock);
    return found;
}

/* Word i of a fault map packed (unaligned) after a block's marks. */
static uint32_t jit_fault_word(const uint8_t *words, uint32_t i)
{
    uint32_t w;
    memcpy(&w, words + (size_t)i * sizeof(w), sizeof(w));
    return w;
}

bool jit_restore_fault(Jit *jit, uintptr_t host_pc, void *env, const void *ucontext)
{
    bool found = false;
    pthread_mutex_lock(&jit->lock);
    JitBlockRec *r = jit_find_rec_locked(jit, host_pc);
    if (r && r->nfault_words) {
        uint32_t off = (uint32_t)(host_pc - (uintptr_t)r->code);
        /* a fault is rare: linear walks (past the marks, then the map)
         * keep it index-free */
        JitMarkIter it = jit_marks_begin(r);
        while (jit_marks_next(&it)) {
        }
        const uint8_t *words = it.p;
        for (uint32_t i = 0; i < r->nfault_words && !found;) {
            uint32_t site = jit_fault_word(words, i++), n = JIT_FAULT_SITE_COUNT(site);
            if (JIT_FAULT_SITE_OFFSET(site) == off) {
                for (uint32_t k = 0; k < n; k++) {
                    uint32_t e = jit_fault_word(words, i + k);
                    uint64_t v = jit_host_signal_reg(ucontext, JIT_FAULT_ENTRY_REG(e));
                    /* little-endian host: the low half is the 4-byte global */
                    memcpy((char *)env + JIT_FAULT_ENTRY_OFFSET(e), &v,
                           JIT_FAULT_ENTRY_IS64(e) ? 8 : 4);
                }
                found = true;
            }
            i += n;
        }
    }
    pthread_mutex_unlock(&jit->lock);
    return found;
}

JitMemMode jit_mem_mode(const Jit *jit)
{
    return jit->cfg.mem.mode;
}

bool jit_contains(const Jit *jit, uintptr_t host_pc)
{
    return codebuf_contains(jit->cb, host_pc);
}

void jit_get_stats(const Jit *jit, JitStats *out)
{
    *out = jit->stats;
}
