/*
 * Which backend runs translated blocks: the IR interpreter (always there,
 * the reference) or the x86-64 JIT (jit/jit.h).  This file is the glue: it
 * describes CpuState's layout to the JIT (exit request flag, TLB fast-path
 * tables), gives it the soft-MMU slow paths and the lookup of
 * lookup_and_goto_ptr, and wraps compile/run/chain/invalidate/flush/unwind
 * for tb.c and cpu_exec.c.
 *
 * The JIT is created lazily by the first translation after
 * exec_set_backend(EXEC_BACKEND_JIT), from that vCPU's memory mode (every
 * vCPU of a process shares it: user mode's guest_base, or the soft-MMU).
 * Blocks the JIT cannot compile (a full code buffer, a block needing too
 * many spill slots, one-shot CF_NOCACHE blocks) run on the interpreter; a
 * full buffer also asks for a tb_flush, which resets the buffer with every
 * vCPU out of generated code.
 *
 * Threads: translation, chaining and invalidation run under tb_lock or on
 * the translating vCPU thread (as the TB cache requires); the flush runs in
 * the exclusive section.
 */
#include <assert.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "exec/exec.h"
#include "exec/exec_internal.h"
#include "exec/softmmu.h"
#include "exec/tb.h"
#include "jit/jit.h"
#include "util/log.h"

static ExecBackend exec_backend = EXEC_BACKEND_INTERP;
static Jit *exec_jit;
static pthread_mutex_t exec_jit_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t exec_jit_code_size;   /* 0: the JIT's default */

_Static_assert(sizeof(CpuTlbEntry) == 32, "the JIT indexes TLB entries by << 5");

void exec_set_jit_code_size(size_t bytes)
{
    exec_jit_code_size = bytes;
}

bool exec_set_backend(ExecBackend backend, Error **errp)
{
    if (backend == EXEC_BACKEND_JIT) {
#if !defined(__x86_64__)
        error_setg(errp, "the JIT backend needs an x86-64 host");
        return false;
#endif
    }
    exec_backend = backend;
    return true;
}

ExecBackend exec_get_backend(void)
{
    return exec_backend;
}

/* ---- what generated code calls -------------------------------------------- */

/* Slow paths: GETPC() is the return address inside generated code, which
 * cpu_restore_state maps back to the guest instruction. */
static __attribute__((noinline)) uint64_t exec_jit_ld(void *env, uint64_t addr, uint32_t oi)
{
    return cpu_ld_mmu(env, addr, JIT_OI_MEMOP(oi), JIT_OI_MMU(oi), GETPC());
}

static __attribute__((noinline)) void exec_jit_st(void *env, uint64_t addr, uint64_t val,
                                                  uint32_t oi)
{
    cpu_st_mmu(env, addr, val, JIT_OI_MEMOP(oi), JIT_OI_MMU(oi), GETPC());
}

static __attribute__((noinline)) uint64_t exec_jit_atomic(void *env, uint64_t addr, uint64_t val,
                                                          uint64_t newv, uint32_t oi)
{
    return cpu_atomic_mmu(env, JIT_OI_OPC(oi), addr, val, newv, JIT_OI_MEMOP(oi),
                          JIT_OI_MMU(oi), GETPC());
}

/* lookup_and_goto_ptr: the next block's code when the loop would run it
 * next anyway; NULL sends the block back to the loop (IR_EXIT_LOOKUP).
 * Generated code calls it when its inline jump-cache probe missed (see
 * exec_jit_jump_cache_config), or always when the guest does not keep its
 * TB state in env. */
static const void *exec_jit_lookup(void *env)
{
    CpuState *cpu = env;
    if (cpu->cflags_next_tb != UINT32_MAX || cpu->singlestep ||
        atomic_load_explicit(&cpu->exit_request, memory_order_relaxed) ||
        atomic_load_explicit(&cpu->interrupt_request, memory_order_relaxed) ||
        log_enabled(LOG_EXEC | LOG_CPU)) {
        return NULL;
    }
    GuestVaddr pc;
    uint64_t cs_base;
    uint32_t flags;
    /* We are between blocks: the guest state is exact (the block stored the
     * pc), and tb_lookup's code fetch may raise (an instruction page fault
     * after sret, say).  No block is current, so a fault must not be
     * "restored" to the start of the block that called us. */
    TranslationBlock *running = cpu->current_tb;
    cpu->current_tb = NULL;
    cpu->ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
    void *code = tb_lookup_host_code(cpu, pc, cs_base, flags, exec_default_cflags(cpu));
    /* back in generated code: "a block is running" again (user mode tells
     * data faults from fetch faults by it) */
    cpu->current_tb = running;
    return code;
}

/* The inline probe of lookup_and_goto_ptr reads the vCPU's jump cache
 * (tb.h) directly when the guest keeps pc and flags in env
 * (CpuOps.tb_pc_offset).  What exec_jit_lookup checks besides the key is
 * folded into cpu->tb_lookup_cflags (cflags_next_tb, single-step, -d
 * exec/cpu make it match no entry) or left to the next block's entry
 * check (exit requests; interrupt_request is always set with one).  An
 * invalidated TB leaves every jump cache before its code is patched, and
 * a flush bumps every cache's gen, so a hit never reaches freed code;
 * user mode's executable-mapping check holds because mappings losing
 * PROT_EXEC invalidate their TBs (mmap.c, cpu_loop.c). */
static JitJumpCacheConfig exec_jit_jump_cache_config(const CpuState *cpu)
{
    JitJumpCacheConfig c = { .enabled = false };
    if (!cpu->ops->tb_pc_offset || !cpu->ops->tb_flags_offset) {
        return c;
    }
    TbJumpCache *jc = NULL;
    _Static_assert(sizeof(jc->array[0]) == 64, "jump cache entries are 64 bytes");
    _Static_assert(sizeof(jc->array[0].pc) == 8 && sizeof(jc->array[0].flags) == 4 &&
                   sizeof(jc->array[0].cflags) == 4, "the probe's access sizes");
    c = (JitJumpCacheConfig){
        .enabled = true,
        .pc_offset = cpu->ops->tb_pc_offset,
        .flags_offset = cpu->ops->tb_flags_offset,
        .cflags_offset = (int32_t)offsetof(CpuState, tb_lookup_cflags),
        .cache_offset = (int32_t)offsetof(CpuState, tb_jmp_cache),
        .gen_field = (int32_t)offsetof(TbJumpCache, gen),
        .array_field = (int32_t)offsetof(TbJumpCache, array),
        .entry_size_log2 = 6,
        .entry_tb = -1,         /* a removed entry's pc is TB_JMP_CACHE_NO_PC */
        .entry_pc = (int32_t)offsetof(__typeof__(jc->array[0]), pc),
        /* a flat cache's clear also empties every entry (tb_jmp_cache_clear) */
        .entry_gen = cpu->tb_jmp_cache->flat ? -1
                                             : (int32_t)offsetof(__typeof__(jc->array[0]), gen),
        .entry_flags = (int32_t)offsetof(__typeof__(jc->array[0]), flags),
        .entry_cflags = (int32_t)offsetof(__typeof__(jc->array[0]), cflags),
        .entry_host_code = (int32_t)offsetof(__typeof__(jc->array[0]), host_code),
        .page_bits = GUEST_PAGE_BITS,
        .page_slots_log2 = TB_JMP_PAGE_SLOTS_LOG2,
        .index_bits = TB_JMP_CACHE_BITS,
        .flat_index = cpu->tb_jmp_cache->flat,
    };
    return c;
}

static Jit *exec_jit_get(CpuState *cpu)
{
    pthread_mutex_lock(&exec_jit_lock);
    if (!exec_jit) {
        JitConfig cfg = {
            .code_size = exec_jit_code_size,
            .frame_offset = (int32_t)offsetof(CpuState, jit_frame),
            .exit_request_offset = (int32_t)offsetof(CpuState, exit_request),
            .lookup = exec_jit_lookup,
            .jump_cache = exec_jit_jump_cache_config(cpu),
            .manual_flush = true,
            .mem = {
                .mode = cpu->mem_mode == CPU_MEM_USER ? JIT_MEM_DIRECT : JIT_MEM_TLB,
                .guest_base = cpu->guest_base,
                .tlb_offset = (int32_t)offsetof(CpuState, tlb.f),
                .tlb_stride = sizeof(CpuTlbFast),
                .tlb_mask_field = (int32_t)offsetof(CpuTlbFast, index_mask),
                .tlb_table_field = (int32_t)offsetof(CpuTlbFast, table),
                .page_bits = GUEST_PAGE_BITS,
                .entry_size_log2 = 5,
                .entry_read = (int32_t)offsetof(CpuTlbEntry, addr_read),
                .entry_write = (int32_t)offsetof(CpuTlbEntry, addr_write),
                .entry_addend = (int32_t)offsetof(CpuTlbEntry, addend),
                .ld = exec_jit_ld,
                .st = exec_jit_st,
                .atomic = exec_jit_atomic,
            },
        };
        cfg.return_stack = cfg.jump_cache.enabled;
        Error *err = NULL;
        exec_jit = jit_new(&cfg, &err);
        if (!exec_jit) {
            error_report("JIT unavailable, using the interpreter: %s", error_get_pretty(err));
            error_free(err);
            exec_backend = EXEC_BACKEND_INTERP;
        }
    }
    pthread_mutex_unlock(&exec_jit_lock);
    return exec_jit;
}

/* ---- what the TB cache and the loop call ------------------------------------ */

bool exec_jit_compile(CpuState *cpu, TranslationBlock *tb, IrBuilder *b)
{
    if (exec_backend != EXEC_BACKEND_JIT || (tb->cflags & CF_NOCACHE)) {
        return false;
    }
    Jit *jit = exec_jit_get(cpu);
    if (!jit) {
        return false;
    }
    /* one mode per process: another vCPU's different mode stays interpreted */
    if ((cpu->mem_mode == CPU_MEM_USER) != (jit_mem_mode(jit) == JIT_MEM_DIRECT)) {
        return false;
    }
    Error *err = NULL;
    tb->host_code = (void *)jit_compile(jit, b, tb, &err);
    if (!tb->host_code) {
        bool full = jit_buffer_full(jit);
        log_mask_printf(LOG_UNIMP, "JIT: pc 0x%llx interpreted: %s\n",
                        (unsigned long long)tb->pc, error_get_pretty(err));
        error_free(err);
        if (full) {
            tb_flush(exec_current_cpu);     /* deferred to the block boundary */
        }
        return false;
    }
    return true;
}

uintptr_t exec_jit_run(CpuState *cpu, TranslationBlock *tb)
{
    return jit_exec(exec_jit, cpu, tb->host_code);
}

void exec_jit_chain(TranslationBlock *from, unsigned slot, TranslationBlock *to)
{
    if (exec_jit && from->host_code && to->host_code) {
        /* forward in guest code: past to's exit request check (a loop
         * needs a jump back, which keeps it) */
        if (to->pc > from->pc) {
            jit_chain_forward(exec_jit, from->host_code, slot, to->host_code);
        } else {
            jit_chain(exec_jit, from->host_code, slot, to->host_code);
        }
    }
}

void exec_jit_invalidate(TranslationBlock *tb)
{
    if (exec_jit && tb->host_code) {
        jit_invalidate(exec_jit, tb->host_code);
    }
}

void exec_jit_flush(void)
{
    if (exec_jit) {
        jit_flush(exec_jit);
    }
}

void exec_jit_fork_prepare(void)
{
    Error *err = NULL;
    if (exec_jit && !jit_fork_prepare(exec_jit, &err)) {
        error_report("fork: the child will use the interpreter: %s", error_get_pretty(err));
        error_free(err);
    }
}

void exec_jit_fork_parent(void)
{
    if (exec_jit) {
        jit_fork_parent(exec_jit);
    }
}

bool exec_jit_fork_child(void)
{
    Error *err = NULL;
    if (exec_jit && !jit_fork_child(exec_jit, &err)) {
        error_report("fork: the child will use the interpreter: %s", error_get_pretty(err));
        error_free(err);
        return false;
    }
    return true;
}

bool exec_jit_restore_fault(CpuState *cpu, uintptr_t host_pc, const void *ucontext)
{
    /* generated code runs with env = cpu (exec_jit_run) */
    return exec_jit && jit_contains(exec_jit, host_pc) &&
           jit_restore_fault(exec_jit, host_pc, cpu, ucontext);
}

bool exec_jit_find(uintptr_t ra, TranslationBlock **tb, uint32_t *insn_index)
{
    void *tag;
    if (!exec_jit || !ra || !jit_contains(exec_jit, ra) ||
        !jit_find_insn(exec_jit, ra, &tag, insn_index)) {
        return false;
    }
    *tb = tag;
    return true;
}
