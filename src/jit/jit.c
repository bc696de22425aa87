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

#include <asm/prctl.h>
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jit/x86_64/encoder.h"
#include "util/leb128.h"
#include "util/log.h"
#include "util/perfmap.h"

#define JIT_DEFAULT_CODE_SIZE (64u << 20)

/* The GS base this thread was given (0: not known), so that jit_exec sets
 * it once per thread, not per entry. */
static __thread uintptr_t jit_thread_gs;

static bool jit_thread_set_gs(uintptr_t base)
{
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, base) != 0) {
        return false;
    }
    jit_thread_gs = base;
    return true;
}

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

/* Bytes written at dst (at most room), or SIZE_MAX if they do not fit. */
static size_t jit_marks_pack(uint8_t *dst, size_t room, const JitInsnMark *marks, uint32_t n)
{
    uint8_t *p = dst, *end = dst + room;
    JitInsnMark prev = { 0, 0 };
    for (uint32_t i = 0; i < n; i++) {
        assert(marks[i].offset >= prev.offset);
        int64_t d = (int64_t)marks[i].insn - (int64_t)prev.insn;
        size_t a = leb128_put(p, end, marks[i].offset - prev.offset);
        size_t b = a ? leb128_put(p + a, end, zigzag_encode(d)) : 0;
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
    it->mark.offset += (uint32_t)leb128_get(&it->p);
    it->mark.insn += (uint32_t)zigzag_decode(leb128_get(&it->p));
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
    if (cfg->return_stack && !cfg->jump_cache.enabled) {
        error_setg(errp, "JIT: the return-address stack needs the inline jump-cache probe");
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
    const JitMemConfig *mc = &cfg->mem;
    jit->guest_base_gs = mc->mode == JIT_MEM_DIRECT && !mc->no_guest_base_segment &&
                         (intptr_t)mc->guest_base != (int32_t)mc->guest_base &&
                         jit_thread_set_gs(mc->guest_base);
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
    jit_host_scratch_free(jit);
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
                memcpy(rw + out.size + marks_len, out.fault_words, fmap_len);
                marks_len += fmap_len;
            } else {
                emitted = false;
                out.overflow = true;
            }
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
        /* its record's index (jit_find_entry_locked): only this compile
         * adds records, and a flush would come from this compile too */
        uint32_t index = (uint32_t)jit->nrecs;
        memcpy(rw + out.entry - JIT_ENTRY_INDEX_BYTES, &index, sizeof(index));
        codebuf_commit(jit->cb, out.size + marks_len);
        JitBlockRec rec = {
            .code = codebuf_to_rx(jit->cb, rw),
            .size = (uint32_t)out.size,
            .entry = out.entry,
            .inv_field = out.inv_field,
            .inv_target = out.inv_target,
            .chain_entry = out.chain_entry,
            .check_bytes = out.check_bytes,
            .jmp_first = JIT_NO_JUMP,
            .tag = tag,
            .nmarks = out.nmarks,
            .nfault_words = (uint16_t)out.nfault_words,
        };
        memcpy(rec.jmp_field, out.jmp_field, sizeof(rec.jmp_field));
        memcpy(rec.jmp_reset, out.jmp_reset, sizeof(rec.jmp_reset));
        memcpy(rec.loop_target, out.loop_target, sizeof(rec.loop_target));
        for (unsigned i = 0; i < IR_GOTO_TB_SLOTS; i++) {
            rec.jmp_next[i] = JIT_NO_JUMP;
        }
        pthread_mutex_lock(&jit->lock);
        if (jit->nrecs == jit->cap) {
            jit->cap = jit->cap ? 2 * jit->cap : 256;
            jit->recs = realloc(jit->recs, jit->cap * sizeof(*jit->recs));
            assert(jit->recs);
        }
        assert(jit->nrecs == index);
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
    if (jit->guest_base_gs && jit_thread_gs != jit->cfg.mem.guest_base &&
        !jit_thread_set_gs(jit->cfg.mem.guest_base)) {
        /* it worked on the thread that created the JIT */
        error_report("JIT: cannot set this thread's GS base to guest_base: %s", strerror(errno));
        abort();
    }
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

/* ---- chaining: jumps and incoming-jump lists --------------------------------
 * A chained goto_tb jumps past its destination's entry jump (to
 * chain_entry, the exit request check), or to its own loop header when the
 * block chains to itself; only the exec loop and indirect jumps enter at
 * `entry`.  So that invalidation can undo every jump into a block, each
 * record heads a list of the (record, slot) edges chained to it, threaded
 * through the sources' jmp_next (TCG's jmp_list); a slot's destination is
 * where its jump points (the code is the truth: one fewer field).  Records
 * are an array that grows, so edges name them by index.  All of it under
 * jit->lock; the jumps themselves are patched with atomic 4-byte stores
 * while other threads may run them. */

#define JIT_EDGE(rec_index, slot) ((uint32_t)(rec_index) * IR_GOTO_TB_SLOTS + (slot))
#define JIT_EDGE_REC(e) ((e) / IR_GOTO_TB_SLOTS)
#define JIT_EDGE_SLOT(e) ((e) % IR_GOTO_TB_SLOTS)

/* The record entered at code (a block entry from jit_compile; lock held),
 * or NULL: the index before the entry, checked against the record. */
static JitBlockRec *jit_find_entry_locked(Jit *jit, const void *code)
{
    uint32_t index;
    memcpy(&index, (const uint8_t *)code - JIT_ENTRY_INDEX_BYTES, sizeof(index));
    JitBlockRec *r = index < jit->nrecs ? &jit->recs[index] : NULL;
    return r && r->code + r->entry == code ? r : NULL;
}

/* The record slot's jump is chained to, or NULL if it goes to its exit. */
static JitBlockRec *jit_jump_dest_locked(Jit *jit, JitBlockRec *r, unsigned slot)
{
    if (r->jmp_field[slot] == JIT_NO_JUMP) {
        return NULL;
    }
    const uint8_t *target = jit_host_jump_target(r->code + r->jmp_field[slot]);
    if (target == r->code + r->jmp_reset[slot]) {
        return NULL;
    }
    JitBlockRec *d = jit_find_rec_locked(jit, (uintptr_t)target);
    assert(d);
    return d;
}

static void jit_set_jump(Jit *jit, JitBlockRec *r, unsigned slot, const uint8_t *target)
{
    const uint8_t *field = r->code + r->jmp_field[slot];
    jit_host_patch_jump(codebuf_to_rw(jit->cb, field), field, target);
}

/* Point r's slot back at its exit and take the edge off its destination's
 * list (lock held). */
static void jit_unlink_locked(Jit *jit, JitBlockRec *r, unsigned slot)
{
    JitBlockRec *d = jit_jump_dest_locked(jit, r, slot);
    if (!d) {
        return;
    }
    jit_set_jump(jit, r, slot, r->code + r->jmp_reset[slot]);
    uint32_t edge = JIT_EDGE(r - jit->recs, slot);
    uint32_t *link = &d->jmp_first;
    while (*link != edge) {
        assert(*link != JIT_NO_JUMP);
        link = &jit->recs[JIT_EDGE_REC(*link)].jmp_next[JIT_EDGE_SLOT(*link)];
    }
    *link = r->jmp_next[slot];
    r->jmp_next[slot] = JIT_NO_JUMP;
}

static void jit_chain_at(Jit *jit, const void *from, unsigned slot, const void *to,
                         bool forward)
{
    assert(slot < IR_GOTO_TB_SLOTS);
    pthread_mutex_lock(&jit->lock);
    JitBlockRec *r = jit_find_entry_locked(jit, from);
    JitBlockRec *d = jit_find_entry_locked(jit, to);
    /* an invalid destination must not gain a jump past its entry (its
     * invalidation already emptied its list); an invalid source is never
     * entered again */
    /* a self-loop slot's back edge may leave globals in the loop header's
     * registers, unstored: it jumps to its own header or to its exit
     * (which stores them), never to another block */
    bool foreign_loop = r && r != d && r->loop_target[slot] != JIT_NO_JUMP;
    if (r && d && !r->invalid && !d->invalid && r->jmp_field[slot] != JIT_NO_JUMP &&
        !foreign_loop) {
        jit_unlink_locked(jit, r, slot);
        bool self = r == d && r->loop_target[slot] != JIT_NO_JUMP;
        r->jmp_next[slot] = d->jmp_first;
        d->jmp_first = JIT_EDGE(r - jit->recs, slot);
        uint32_t land = self ? r->loop_target[slot]
                             : d->chain_entry + (forward ? d->check_bytes : 0);
        jit_set_jump(jit, r, slot, d->code + land);
    }
    pthread_mutex_unlock(&jit->lock);
}

void jit_chain(Jit *jit, const void *from, unsigned slot, const void *to)
{
    jit_chain_at(jit, from, slot, to, false);
}

void jit_chain_forward(Jit *jit, const void *from, unsigned slot, const void *to)
{
    jit_chain_at(jit, from, slot, to, from != to);
}

void jit_unchain(Jit *jit, const void *from, unsigned slot)
{
    assert(slot < IR_GOTO_TB_SLOTS);
    pthread_mutex_lock(&jit->lock);
    JitBlockRec *r = jit_find_entry_locked(jit, from);
    if (r && r->jmp_field[slot] != JIT_NO_JUMP) {
        jit_unlink_locked(jit, r, slot);
    }
    pthread_mutex_unlock(&jit->lock);
}

void jit_invalidate(Jit *jit, const void *code)
{
    pthread_mutex_lock(&jit->lock);
    JitBlockRec *r = jit_find_entry_locked(jit, code);
    if (r && !r->invalid) {
        r->invalid = true;
        /* who enters at the entry (the exec loop or an indirect jump that
         * found it before it left the caches) leaves at once */
        const uint8_t *field = r->code + r->inv_field;
        jit_host_patch_jump(codebuf_to_rw(jit->cb, field), field, r->code + r->inv_target);
        /* every jump into it goes back to its source's exit */
        while (r->jmp_first != JIT_NO_JUMP) {
            uint32_t edge = r->jmp_first;
            JitBlockRec *src = &jit->recs[JIT_EDGE_REC(edge)];
            unsigned slot = JIT_EDGE_SLOT(edge);
            r->jmp_first = src->jmp_next[slot];
            src->jmp_next[slot] = JIT_NO_JUMP;
            jit_set_jump(jit, src, slot, src->code + src->jmp_reset[slot]);
        }
        /* and its own jumps out: a vCPU still inside it leaves through its
         * exits, and its edges leave the destinations' lists */
        for (unsigned slot = 0; slot < IR_GOTO_TB_SLOTS; slot++) {
            jit_unlink_locked(jit, r, slot);
        }
    }
    pthread_mutex_unlock(&jit->lock);
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
