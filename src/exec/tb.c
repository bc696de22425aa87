/*
 * The TB cache (see tb.h): the global hash table with lock-free lookups,
 * the per-vCPU jump caches, the physical page -> TBs index used for
 * invalidation, and tb_gen_code which turns guest code into a TB
 * (translate -> verify -> optimize -> compile for the interpreter -> insert).
 *
 * Locking: tb_lock (a mutex) serializes insertion, invalidation, the page
 * index and tb_flush.  Readers of the hash chains take no lock: a TB is
 * fully built before it is published with a release store, chains are
 * unlinked with single atomic stores, and no TB is freed outside
 * tb_flush_exclusive (which runs with every vCPU out of cpu_exec).
 */
#include "exec/tb.h"

#include <assert.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "exec/exec.h"
#include "exec/exec_internal.h"
#include "exec/softmmu.h"
#include "ir/helper.h"
#include "ir/interp.h"
#include "memory/memory.h"
#include "util/arena.h"
#include "util/leb128.h"
#include "util/log.h"

/* The hash table starts small and doubles while it holds more TBs than
 * buckets, up to TB_HASH_MAX_BITS (2 MB of heads): a user-mode program's
 * tens of thousands of TBs touch 0.5 MB of it, not 2 MB. */
#define TB_HASH_MIN_BITS 12
#define TB_HASH_MAX_BITS 18
#define TB_PAGE_HASH_BITS 14
#define TB_PAGE_HASH_SIZE (1u << TB_PAGE_HASH_BITS)
#define TB_NO_PAGE ((GuestPaddr)-1)
/* TBs (valid or invalidated) kept before the cache flushes itself: the
 * bound on translated-code memory, QEMU's "code buffer full". */
#define TB_MAX_ALLOCATED (512u * 1024)

/* The TBs whose code is on one physical page. */
typedef struct TbPage {
    GuestPaddr page;
    TranslationBlock *first;        /* linked through page_next[0 or 1] */
    struct TbPage *next;
} TbPage;

static pthread_mutex_t tb_lock = PTHREAD_MUTEX_INITIALIZER;
/* Bucket heads.  Readers load the table pointer (acquire), then a head.
 * A resize relinks every TB into a new table, publishes it, and zeroes the
 * old one's pages (MADV_DONTNEED): a reader still on the old table or its
 * chains may miss a TB, which only costs a translation (tb_insert then
 * finds the TB and returns it), and never reads freed memory.  Retired
 * tables are unmapped by tb_flush_exclusive, when no reader is left. */
typedef struct TbHashTable {
    struct TbHashTable *retired_next;
    unsigned bits;
    _Atomic(TranslationBlock *) heads[];
} TbHashTable;

static _Atomic(TbHashTable *) tb_htable;
static TbHashTable *tb_htable_retired;
static size_t tb_hashed;                /* valid TBs in tb_htable */
static TbPage *tb_pages[TB_PAGE_HASH_SIZE];
static TranslationBlock *tb_all;
/* Cached TBs live in an arena (tb_lock): no malloc header per TB, and a
 * flush gives them all back at once.  CF_NOCACHE TBs are malloc'd: they
 * are freed one by one after their single run. */
#define TB_ARENA_CHUNK_BYTES ((size_t)256 << 10)
static Arena tb_arena;
static TbStats tb_stats;
static size_t tb_allocated;             /* length of tb_all */
static pthread_once_t tb_once = PTHREAD_ONCE_INIT;

/* ---- hashing ------------------------------------------------------------ */

static uint32_t tb_hash_func(GuestPaddr phys_pc, GuestVaddr pc, uint64_t cs_base,
                             uint32_t flags, uint32_t cflags)
{
    uint64_t h = phys_pc * 0x9e3779b97f4a7c15ull;
    h ^= (pc + cs_base) * 0xc2b2ae3d27d4eb4full;
    h ^= ((uint64_t)flags << 32 | cflags) * 0x165667b19e3779f9ull;
    h ^= h >> 29;
    return (uint32_t)h;
}

static unsigned tb_page_hash(GuestPaddr page)
{
    return (unsigned)(((page >> GUEST_PAGE_BITS) * 0x9e3779b97f4a7c15ull) >>
                      (64 - TB_PAGE_HASH_BITS));
}

/* ---- start-up ------------------------------------------------------------ */

static void tb_notify_ram_write(GuestPaddr addr, uint64_t len)
{
    tb_invalidate_phys_range(addr, len);
}

static size_t tb_htable_bytes(unsigned bits)
{
    return sizeof(TbHashTable) + ((size_t)sizeof(TranslationBlock *) << bits);
}

/* Zeroed memory of its own (mmap), so that retiring it can drop its pages
 * while readers may still load from it. */
static TbHashTable *tb_htable_new(unsigned bits)
{
    TbHashTable *t = mmap(NULL, tb_htable_bytes(bits), PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert(t != MAP_FAILED);
    t->bits = bits;
    return t;
}

static inline _Atomic(TranslationBlock *) *tb_htable_head(TbHashTable *t, uint32_t hash)
{
    return &t->heads[hash & ((1u << t->bits) - 1)];
}

/* tb_lock held: double the table, relinking every TB into the new one. */
static void tb_htable_grow_locked(void)
{
    TbHashTable *old = atomic_load_explicit(&tb_htable, memory_order_relaxed);
    TbHashTable *t = tb_htable_new(old->bits + 1);
    for (size_t i = 0; i < ((size_t)1 << old->bits); i++) {
        TranslationBlock *tb = atomic_load_explicit(&old->heads[i], memory_order_relaxed);
        while (tb) {
            TranslationBlock *next = atomic_load_explicit(&tb->hash_next, memory_order_relaxed);
            _Atomic(TranslationBlock *) *head = tb_htable_head(t, tb->hash);
            atomic_store_explicit(&tb->hash_next, atomic_load_explicit(head, memory_order_relaxed),
                                  memory_order_release);
            atomic_store_explicit(head, tb, memory_order_relaxed);
            tb = next;
        }
    }
    atomic_store_explicit(&tb_htable, t, memory_order_release);
    /* the header stays: only the heads' pages go back to the kernel */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)old->heads + page - 1) & ~(page - 1);
    uintptr_t to = (uintptr_t)old + tb_htable_bytes(old->bits);
    if (to > from) {
        madvise((void *)from, to - from, MADV_DONTNEED);
    }
    old->retired_next = tb_htable_retired;
    tb_htable_retired = old;
}

static void tb_cache_init_once(void)
{
    arena_init(&tb_arena, TB_ARENA_CHUNK_BYTES);
    atomic_store(&tb_htable, tb_htable_new(TB_HASH_MIN_BITS));
    memory_set_ram_write_notifier(tb_notify_ram_write);
    ir_helpers_register(exec_helper_table, exec_helper_table_count);
}

void tb_cache_init(void)
{
    pthread_once(&tb_once, tb_cache_init_once);
}

/* ---- jump caches --------------------------------------------------------- */

TbJumpCache *tb_jmp_cache_new(bool flat)
{
    TbJumpCache *jc = calloc(1, sizeof(*jc));
    assert(jc);
    jc->gen = 1;            /* the zeroed entries are stale */
    jc->flat = flat;
    for (unsigned i = 0; i < TB_JMP_CACHE_SIZE; i++) {
        jc->array[i].pc = TB_JMP_CACHE_NO_PC;
    }
    return jc;
}

void tb_jmp_cache_free(TbJumpCache *jc)
{
    free(jc);
}

void tb_jmp_cache_clear(CpuState *cpu)
{
    TbJumpCache *jc = cpu->tb_jmp_cache;
    if (!jc) {
        return;
    }
    jc->gen++;
    memset(jc->page_bits, 0, sizeof(jc->page_bits));
    if (jc->flat) {
        /* user mode clears only at a flush, with every vCPU out: emptying
         * each entry (tb NULL) spares the JIT's probe the gen compare */
        for (unsigned i = 0; i < TB_JMP_CACHE_SIZE; i++) {
            atomic_store_explicit(&jc->array[i].tb, NULL, memory_order_relaxed);
            jc->array[i].pc = TB_JMP_CACHE_NO_PC;
        }
    }
}

/* page's bit in its group's page_bits: page number bits above those that
 * chose the group, hashed */
static uint64_t tb_jmp_cache_page_bit(GuestVaddr page)
{
    uint64_t n = page >> (GUEST_PAGE_BITS + TB_JMP_CACHE_BITS - TB_JMP_PAGE_SLOTS_LOG2);
    return 1ull << ((n * 0x9e3779b97f4a7c15ull) >> 58);
}

void tb_jmp_cache_clear_page(CpuState *cpu, GuestVaddr addr)
{
    TbJumpCache *jc = cpu->tb_jmp_cache;
    if (!jc) {
        return;
    }
    if (jc->flat) {
        tb_jmp_cache_clear(cpu);    /* a page's entries are everywhere */
        return;
    }
    /* this page's entries, and the previous page's (a block may run into
     * this page from the one before).  Many pages share a range of slots:
     * only entries whose pc is on the page go, so flushing a user page
     * (Linux does it on every PTE change) spares the kernel's blocks. */
    for (int p = 0; p < 2; p++) {
        GuestVaddr page = (addr & GUEST_PAGE_MASK) - (GuestVaddr)p * GUEST_PAGE_SIZE;
        unsigned base = tb_jmp_cache_hash(jc, page) & ~(TB_JMP_PAGE_SLOTS - 1);
        if (!(jc->page_bits[base / TB_JMP_PAGE_SLOTS] & tb_jmp_cache_page_bit(page))) {
            continue;       /* nothing on this page was entered */
        }
        for (unsigned i = 0; i < TB_JMP_PAGE_SLOTS; i++) {
            if ((jc->array[base + i].pc & GUEST_PAGE_MASK) == page) {
                atomic_store_explicit(&jc->array[base + i].tb, NULL, memory_order_relaxed);
                jc->array[base + i].pc = TB_JMP_CACHE_NO_PC;
            }
        }
    }
}

void tb_jmp_cache_remove(CpuState *cpu, TranslationBlock *tb)
{
    TbJumpCache *jc = cpu->tb_jmp_cache;
    if (!jc) {
        return;
    }
    unsigned h = tb_jmp_cache_hash(jc, tb->pc);
    TranslationBlock *expect = tb;
    if (atomic_compare_exchange_strong(&jc->array[h].tb, &expect, NULL)) {
        /* the owner may have refilled the entry since: then this only
         * costs it a miss */
        __atomic_store_n(&jc->array[h].pc, TB_JMP_CACHE_NO_PC, __ATOMIC_RELAXED);
    }
}

/* ---- lookup ------------------------------------------------------------- */

static bool tb_matches(const TranslationBlock *tb, GuestVaddr pc, uint64_t cs_base,
                       uint32_t flags, uint32_t cflags)
{
    return tb->pc == pc && tb->cs_base == cs_base && tb->flags == flags &&
           tb->cflags == cflags && !atomic_load_explicit(&tb->invalid, memory_order_acquire);
}

/* A TB spanning two pages is only valid if pc's second page still maps to
 * the same physical page. */
static bool tb_second_page_ok(CpuState *cpu, const TranslationBlock *tb)
{
    if (tb->page_addr[1] == TB_NO_PAGE) {
        return true;
    }
    GuestVaddr vpage2 = (tb->pc & GUEST_PAGE_MASK) + GUEST_PAGE_SIZE;
    GuestPaddr p2 = get_page_addr_code(cpu, vpage2, NULL);
    return (p2 & GUEST_PAGE_MASK) == tb->page_addr[1];
}

static TranslationBlock *tb_htable_lookup(CpuState *cpu, GuestPaddr phys_pc, GuestVaddr pc,
                                          uint64_t cs_base, uint32_t flags, uint32_t cflags)
{
    uint32_t h = tb_hash_func(phys_pc, pc, cs_base, flags, cflags);
    TbHashTable *t = atomic_load_explicit(&tb_htable, memory_order_acquire);
    TranslationBlock *tb = atomic_load_explicit(tb_htable_head(t, h), memory_order_acquire);
    for (; tb; tb = atomic_load_explicit(&tb->hash_next, memory_order_acquire)) {
        if (tb->hash == h && tb_matches(tb, pc, cs_base, flags, cflags) &&
            tb->page_addr[0] == (phys_pc & GUEST_PAGE_MASK) && tb_second_page_ok(cpu, tb)) {
            return tb;
        }
    }
    return NULL;
}

/* Enter tb in cpu's jump cache (vCPU thread). */
static void tb_jmp_cache_fill(TbJumpCache *jc, unsigned h, TranslationBlock *tb)
{
    jc->array[h].pc = tb->pc;
    jc->array[h].gen = jc->gen;
    jc->array[h].cs_base = tb->cs_base;
    jc->array[h].flags = tb->flags;
    jc->array[h].cflags = tb->cflags;
    jc->array[h].host_code = tb->host_code;
    jc->page_bits[h / TB_JMP_PAGE_SLOTS] |= tb_jmp_cache_page_bit(tb->pc & GUEST_PAGE_MASK);
    atomic_store_explicit(&jc->array[h].tb, tb, memory_order_release);
}

/* The jump cache's TB for the key, or NULL.  An invalidated TB leaves every
 * jump cache (tb_jmp_cache_remove) before its JIT entry is patched. */
static inline TranslationBlock *tb_jmp_cache_probe(TbJumpCache *jc, unsigned h, GuestVaddr pc,
                                                   uint64_t cs_base, uint32_t flags,
                                                   uint32_t cflags)
{
    TranslationBlock *tb = atomic_load_explicit(&jc->array[h].tb, memory_order_acquire);
    if (tb && jc->array[h].pc == pc && jc->array[h].gen == jc->gen &&
        jc->array[h].flags == flags && jc->array[h].cflags == cflags &&
        jc->array[h].cs_base == cs_base) {
        return tb;
    }
    return NULL;
}

static TranslationBlock *tb_lookup_slow(CpuState *cpu, unsigned h, GuestVaddr pc,
                                        uint64_t cs_base, uint32_t flags, uint32_t cflags)
{
    void *host;
    GuestPaddr phys_pc = get_page_addr_code(cpu, pc, &host);   /* may raise */
    if (!host) {
        return NULL;        /* code outside RAM is never cached */
    }
    TranslationBlock *tb = tb_htable_lookup(cpu, phys_pc, pc, cs_base, flags, cflags);
    if (tb) {
        tb_jmp_cache_fill(cpu->tb_jmp_cache, h, tb);
    }
    return tb;
}

TranslationBlock *tb_lookup(CpuState *cpu, GuestVaddr pc, uint64_t cs_base, uint32_t flags,
                            uint32_t cflags)
{
    unsigned h = tb_jmp_cache_hash(cpu->tb_jmp_cache, pc);
    TranslationBlock *tb = tb_jmp_cache_probe(cpu->tb_jmp_cache, h, pc, cs_base, flags, cflags);
    if (tb && !atomic_load_explicit(&tb->invalid, memory_order_acquire)) {
        return tb;
    }
    return tb_lookup_slow(cpu, h, pc, cs_base, flags, cflags);
}

void *tb_lookup_host_code(CpuState *cpu, GuestVaddr pc, uint64_t cs_base, uint32_t flags,
                          uint32_t cflags)
{
    TbJumpCache *jc = cpu->tb_jmp_cache;
    unsigned h = tb_jmp_cache_hash(cpu->tb_jmp_cache, pc);
    if (tb_jmp_cache_probe(jc, h, pc, cs_base, flags, cflags)) {
        return jc->array[h].host_code;
    }
    TranslationBlock *tb = tb_lookup_slow(cpu, h, pc, cs_base, flags, cflags);
    return tb ? tb->host_code : NULL;
}

/* ---- the page index (tb_lock held) --------------------------------------- */

static TbPage *tb_page_find_locked(GuestPaddr page, bool create)
{
    unsigned h = tb_page_hash(page);
    for (TbPage *p = tb_pages[h]; p; p = p->next) {
        if (p->page == page) {
            return p;
        }
    }
    if (!create) {
        return NULL;
    }
    TbPage *p = calloc(1, sizeof(*p));
    assert(p);
    p->page = page;
    p->next = tb_pages[h];
    tb_pages[h] = p;
    return p;
}

static void tb_page_remove_locked(TbPage *victim)
{
    unsigned h = tb_page_hash(victim->page);
    for (TbPage **pp = &tb_pages[h]; *pp; pp = &(*pp)->next) {
        if (*pp == victim) {
            *pp = victim->next;
            free(victim);
            return;
        }
    }
}

static int tb_page_slot(const TranslationBlock *tb, GuestPaddr page)
{
    return tb->page_addr[0] == page ? 0 : 1;
}

/* Returns true when the page had no code before. */
static bool tb_page_add_locked(TranslationBlock *tb, int slot)
{
    TbPage *p = tb_page_find_locked(tb->page_addr[slot], true);
    bool was_empty = p->first == NULL;
    tb->page_next[slot] = p->first;
    p->first = tb;
    return was_empty;
}

static void tb_page_unlink_locked(TranslationBlock *tb, int slot)
{
    TbPage *p = tb_page_find_locked(tb->page_addr[slot], false);
    if (!p) {
        return;
    }
    for (TranslationBlock **pp = &p->first; *pp;
         pp = &(*pp)->page_next[tb_page_slot(*pp, p->page)]) {
        if (*pp == tb) {
            *pp = tb->page_next[slot];
            break;
        }
    }
    if (!p->first) {
        tb_page_remove_locked(p);
    }
}

bool tb_page_has_code(GuestPaddr addr)
{
    pthread_mutex_lock(&tb_lock);
    bool has = tb_page_find_locked(addr & GUEST_PAGE_MASK, false) != NULL;
    pthread_mutex_unlock(&tb_lock);
    return has;
}

/* ---- invalidation ------------------------------------------------------- */

static void tb_jmp_cache_remove_cpu(CpuState *cpu, void *opaque)
{
    tb_jmp_cache_remove(cpu, opaque);
}

static void tb_invalidate_locked(TranslationBlock *tb)
{
    if (atomic_exchange(&tb->invalid, true)) {
        return;
    }
    /* out of the hash chain: one atomic store, readers may still pass by */
    _Atomic(TranslationBlock *) *pp = tb_htable_head(atomic_load(&tb_htable), tb->hash);
    for (TranslationBlock *t = atomic_load(pp); t; t = atomic_load(pp)) {
        if (t == tb) {
            atomic_store_explicit(pp, atomic_load(&tb->hash_next), memory_order_release);
            tb_hashed--;
            break;
        }
        pp = &t->hash_next;
    }
    for (int i = 0; i < 2; i++) {
        if (tb->page_addr[i] != TB_NO_PAGE) {
            tb_page_unlink_locked(tb, i);
        }
    }
    exec_cpu_foreach(tb_jmp_cache_remove_cpu, tb);
    /* The exec loop checks `invalid` before following a jmp_dest chain;
     * the JIT points its chained jumps into tb back at their exits and
     * makes tb's entry leave at once. */
    exec_jit_invalidate(tb);
    tb_stats.invalidated++;
}

void tb_invalidate_phys_range(GuestPaddr start, uint64_t len)
{
    if (len == 0) {
        return;
    }
    GuestPaddr end = start + len;    /* exclusive */
    pthread_mutex_lock(&tb_lock);
    for (GuestPaddr page = start & GUEST_PAGE_MASK; page < end; page += GUEST_PAGE_SIZE) {
        TbPage *p = tb_page_find_locked(page, false);
        TranslationBlock *tb = p ? p->first : NULL;
        while (tb) {
            int slot = tb_page_slot(tb, page);
            TranslationBlock *next = tb->page_next[slot];
            /* the part of tb's code on this page */
            GuestPaddr lo, hi;
            if (slot == 0) {
                lo = tb->page_addr[0] | (tb->pc & ~GUEST_PAGE_MASK);
                hi = tb->page_addr[1] == TB_NO_PAGE ? lo + tb->size : page + GUEST_PAGE_SIZE;
            } else {
                lo = page;
                hi = page + ((tb->pc + tb->size) & ~GUEST_PAGE_MASK);
            }
            if (tb->size == 0 || (lo < end && start < hi)) {
                tb_invalidate_locked(tb);
            }
            tb = next;
        }
        if (page + GUEST_PAGE_SIZE < page) {
            break;      /* wrapped */
        }
    }
    pthread_mutex_unlock(&tb_lock);
}

/* ---- flush ---------------------------------------------------------------- */

static void tb_free(TranslationBlock *tb)
{
    ir_interp_free(tb->code);
    tb->code = NULL;
    if (tb->cflags & CF_NOCACHE) {
        free(tb);
    }
    /* else its arena memory goes at the next flush */
}

static void tb_jmp_cache_clear_cpu(CpuState *cpu, void *opaque)
{
    tb_jmp_cache_clear(cpu);
}

void tb_flush_exclusive(void)
{
    pthread_mutex_lock(&tb_lock);
    /* no reader is left: the retired tables go, and the current one is
     * emptied (keeping its size: the same code will likely come back) */
    while (tb_htable_retired) {
        TbHashTable *t = tb_htable_retired;
        tb_htable_retired = t->retired_next;
        munmap(t, tb_htable_bytes(t->bits));
    }
    TbHashTable *old = atomic_load(&tb_htable);
    if (old) {
        atomic_store(&tb_htable, tb_htable_new(old->bits));
        munmap(old, tb_htable_bytes(old->bits));
    }
    tb_hashed = 0;
    for (unsigned i = 0; i < TB_PAGE_HASH_SIZE; i++) {
        while (tb_pages[i]) {
            TbPage *p = tb_pages[i];
            tb_pages[i] = p->next;
            free(p);
        }
    }
    TranslationBlock *tb = tb_all;
    tb_all = NULL;
    tb_allocated = 0;
    tb_stats.flushes++;
    tb_stats.tbs = 0;
    tb_stats.insns = 0;
    atomic_store(&tb_flush_requested, false);
    exec_jit_flush();
    pthread_mutex_unlock(&tb_lock);
    exec_cpu_foreach(tb_jmp_cache_clear_cpu, NULL);
    while (tb) {
        TranslationBlock *next = tb->all_next;
        tb_free(tb);
        tb = next;
    }
    pthread_mutex_lock(&tb_lock);
    arena_reset(&tb_arena);
    pthread_mutex_unlock(&tb_lock);
}

static void tb_request_exit(CpuState *cpu, void *opaque)
{
    atomic_store(&cpu->exit_request, 1);
    if (cpu->kick_fn && cpu != (CpuState *)opaque) {
        cpu->kick_fn(cpu);
    }
}

static void tb_count_in_exec(CpuState *cpu, void *opaque)
{
    *(unsigned *)opaque += __atomic_load_n(&cpu->in_exec, __ATOMIC_SEQ_CST);
}

void tb_flush(CpuState *cpu)
{
    if (!cpu) {
        cpu = exec_current_cpu;
    }
    unsigned running = 0;
    exec_cpu_foreach(tb_count_in_exec, &running);
    if (running) {
        /* Blocks may be running (maybe the caller's own): the flush waits
         * for a vCPU's next block boundary, where that vCPU runs it with
         * every other vCPU out of cpu_exec.  Never blocking here means a
         * caller holding a lock a vCPU waits for cannot deadlock. */
        atomic_store(&tb_flush_requested, true);
        exec_cpu_foreach(tb_request_exit, cpu);
        return;
    }
    exec_start_exclusive();
    tb_flush_exclusive();
    exec_end_exclusive();
}

void tb_get_stats(TbStats *out)
{
    pthread_mutex_lock(&tb_lock);
    *out = tb_stats;
    pthread_mutex_unlock(&tb_lock);
}

static void tb_dump_cpu_stats(CpuState *cpu, void *opaque)
{
    fprintf(opaque, "cpu %d: %" PRIu64 " blocks run, %" PRIu64 " by chaining, %" PRIu64
            " translated, %" PRIu64 " TLB fills, %" PRIu64 " TLB flushes\n",
            cpu->cpu_index, cpu->stat_tb_exec, cpu->stat_chain_hits, cpu->stat_tb_translated,
            cpu->tlb.stat_fills, cpu->tlb.stat_flushes);
}

void tb_dump_stats(FILE *out)
{
    TbStats st;
    tb_get_stats(&st);
    fprintf(out, "TB cache: %" PRIu64 " blocks (%" PRIu64 " guest insns), %" PRIu64
            " invalidated, %" PRIu64 " flushes\n", st.tbs, st.insns, st.invalidated, st.flushes);
    exec_cpu_foreach(tb_dump_cpu_stats, out);
}

/* ---- chaining --------------------------------------------------------------- */

void tb_add_jump(TranslationBlock *from, unsigned slot, TranslationBlock *to)
{
    assert(slot < IR_GOTO_TB_SLOTS);
    if (atomic_load(&from->invalid) || atomic_load(&to->invalid) ||
        (to->cflags & CF_NOCACHE) || (from->cflags & (CF_NOCACHE | CF_NO_GOTO_TB))) {
        return;
    }
    atomic_store_explicit(&from->jmp_dest[slot], to, memory_order_release);
    exec_jit_chain(from, slot, to);
}

/* ---- translation ----------------------------------------------------------- */

static void tb_log_ir(const char *what, TranslationBlock *tb, IrBuilder *b)
{
    char *text = ir_print_to_string(b);
    log_printf("%s: pc 0x%" PRIx64 " flags 0x%x\n%s\n", what, (uint64_t)tb->pc, tb->flags,
               text ? text : "");
    free(text);
}

/* Insert tb unless an equal one is already there (another vCPU translated
 * it meanwhile); returns the TB to use. */
static TranslationBlock *tb_insert(TranslationBlock *tb)
{
    bool new_code_page[2] = { false, false };
    pthread_mutex_lock(&tb_lock);
    _Atomic(TranslationBlock *) *head = tb_htable_head(atomic_load(&tb_htable), tb->hash);
    for (TranslationBlock *t = atomic_load(head); t; t = atomic_load(&t->hash_next)) {
        if (t->hash == tb->hash && tb_matches(t, tb->pc, tb->cs_base, tb->flags, tb->cflags) &&
            t->page_addr[0] == tb->page_addr[0] && t->page_addr[1] == tb->page_addr[1]) {
            pthread_mutex_unlock(&tb_lock);
            tb_free(tb);
            return t;
        }
    }
    for (int i = 0; i < 2; i++) {
        if (tb->page_addr[i] != TB_NO_PAGE) {
            new_code_page[i] = tb_page_add_locked(tb, i);
        }
    }
    tb->all_next = tb_all;
    tb_all = tb;
    bool full = ++tb_allocated >= TB_MAX_ALLOCATED;
    atomic_store_explicit(&tb->hash_next, atomic_load(head), memory_order_relaxed);
    atomic_store_explicit(head, tb, memory_order_release);
    unsigned bits = atomic_load_explicit(&tb_htable, memory_order_relaxed)->bits;
    if (++tb_hashed > ((size_t)1 << bits) && bits < TB_HASH_MAX_BITS) {
        tb_htable_grow_locked();
    }
    tb_stats.tbs++;
    tb_stats.insns += tb->icount;
    pthread_mutex_unlock(&tb_lock);
    /* writes to these pages must now take the slow path */
    for (int i = 0; i < 2; i++) {
        if (new_code_page[i]) {
            tlb_protect_code_page(tb->page_addr[i]);
        }
    }
    if (full && exec_current_cpu) {
        /* deferred to the block boundary (we are inside cpu_exec), so the
         * TB we return stays valid until it has run */
        tb_flush(exec_current_cpu);
    }
    return tb;
}

void tb_gen_code_abandon(void)
{
    /* nothing to free: a translation that faults is still on
     * tb_gen_code's stack TB, not yet allocated */
}

/* ---- unwinding records ------------------------------------------------------ */

/* The TB to keep: a copy of the translation's stack TB with its packed
 * insn_start records, from the arena (malloc for CF_NOCACHE). */
static TranslationBlock *tb_alloc_packed(const TranslationBlock *scratch, IrBuilder *b)
{
    const TranslationBlock *tb = scratch;
    uint8_t buf[TB_MAX_INSNS * IR_INSN_DATA_WORDS * LEB128_MAX_BYTES];
    uint64_t prev[IR_INSN_DATA_WORDS] = { tb->pc };
    size_t len = 0;
    unsigned count = 0;
    for (size_t i = 0; i < ir_op_count(b); i++) {
        const IrOp *op = ir_op_at(b, i);
        if (op->opc != IR_OP_insn_start) {
            continue;
        }
        assert(count < TB_MAX_INSNS);
        for (unsigned w = 0; w < IR_INSN_DATA_WORDS; w++) {
            size_t n = leb128_put(buf + len, buf + sizeof(buf),
                                  zigzag_encode((int64_t)(op->consts[w] - prev[w])));
            assert(n);
            len += n;
            prev[w] = op->consts[w];
        }
        count++;
    }
    TranslationBlock *out;
    if (scratch->cflags & CF_NOCACHE) {
        out = malloc(sizeof(*out) + len);
        assert(out);
    } else {
        pthread_mutex_lock(&tb_lock);
        out = arena_alloc(&tb_arena, sizeof(*out) + len);
        pthread_mutex_unlock(&tb_lock);
    }
    memcpy(out, scratch, sizeof(*out));
    memcpy(out->insn_data, buf, len);
    out->insn_data_len = (uint32_t)len;
    if (out->icount == 0) {
        out->icount = count;
    }
    return out;
}

bool tb_insn_data(const TranslationBlock *tb, unsigned idx, uint64_t out[IR_INSN_DATA_WORDS])
{
    const uint8_t *p = tb->insn_data, *end = p + tb->insn_data_len;
    uint64_t cur[IR_INSN_DATA_WORDS] = { tb->pc };
    for (unsigned k = 0; k <= idx; k++) {
        if (p >= end) {
            return false;
        }
        for (unsigned w = 0; w < IR_INSN_DATA_WORDS; w++) {
            cur[w] += (uint64_t)zigzag_decode(leb128_get(&p));
        }
    }
    memcpy(out, cur, sizeof(cur));
    return true;
}

TranslationBlock *tb_gen_code(CpuState *cpu, GuestVaddr pc, uint64_t cs_base, uint32_t flags,
                              uint32_t cflags)
{
    void *host;
    GuestPaddr phys_pc = get_page_addr_code(cpu, pc, &host);   /* may raise */
    if (!host) {
        /* code outside RAM (MMIO/ROM device): one instruction, not cached */
        cflags = (cflags & ~CF_COUNT_MASK) | CF_NOCACHE | 1;
    }
    TranslationBlock scratch = { 0 }, *tb = &scratch;
    tb->pc = pc;
    tb->cs_base = cs_base;
    tb->flags = flags;
    tb->cflags = cflags;
    tb->page_addr[0] = phys_pc & GUEST_PAGE_MASK;
    tb->page_addr[1] = TB_NO_PAGE;
    tb->hash = tb_hash_func(phys_pc, pc, cs_base, flags, cflags);

    int max_insns = (int)(cflags & CF_COUNT_MASK);
    if (max_insns == 0) {
        max_insns = TB_MAX_INSNS;
    }
    if ((cflags & CF_SINGLE_STEP) || cpu->singlestep) {
        max_insns = 1;
    }
    IrBuilder *b = cpu->ir_builder;
    ir_builder_reset(b);
    /* a fetch fault in the middle leaves by siglongjmp: nothing is
     * allocated before the translation is done */
    cpu->ops->translate_code(cpu, tb, b, max_insns);
    if (log_enabled(LOG_OP)) {
        tb_log_ir("OP", tb, b);
    }
#ifdef MORPHO_DEBUG_CHECKS
    ir_verify(b, &error_abort);     /* a frontend bug otherwise */
#endif
    ir_optimize(b);
#ifdef MORPHO_DEBUG_CHECKS
    ir_verify(b, &error_abort);     /* an optimizer bug otherwise */
#endif
    if (log_enabled(LOG_OP_OPT)) {
        tb_log_ir("OP after optimization and liveness", tb, b);
    }

    tb = tb_alloc_packed(tb, b);
    if (!exec_jit_compile(cpu, tb, b)) {
        tb->code = ir_interp_compile(b, &error_abort);
    }
    cpu->stat_tb_translated++;

    if (cflags & CF_NOCACHE) {
        return tb;          /* the exec loop frees it after one run */
    }
    tb = tb_insert(tb);
    tb_jmp_cache_fill(cpu->tb_jmp_cache, tb_jmp_cache_hash(cpu->tb_jmp_cache, pc), tb);
    return tb;
}

void tb_free_nocache(TranslationBlock *tb)
{
    assert(tb->cflags & CF_NOCACHE);
    tb_free(tb);
}
