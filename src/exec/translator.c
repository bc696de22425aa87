/*
 * The generic translator loop and instruction fetch (see translator.h).
 * Fetches come from the host pointer of the block's first page when it is
 * RAM; a second page is resolved on first touch (raising its fetch fault
 * if unmapped) and recorded in tb->page_addr[1] so writes to either page
 * invalidate the block.  Code outside RAM is read through the memory API.
 */
#include "exec/translator.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec.h"
#include "exec/softmmu.h"
#include "ir/helper.h"
#include "ir/ir.h"
#include "util/log.h"

#define IR_HELPER_DEFS "exec/exec_helpers.def"
#include "ir/helper_gen.h"

/* Blocks stop before the IR grows past this many ops (one insn may emit many). */
#define TRANSLATOR_MAX_OPS 4000

bool translator_is_same_page(const DisasContextBase *db, GuestVaddr addr)
{
    return ((db->pc_first ^ addr) & GUEST_PAGE_MASK) == 0;
}

bool translator_peek_readonly_u64(const DisasContextBase *db, GuestVaddr addr, uint64_t *val)
{
    const CpuOps *ops = db->cpu->ops;
    return ops->peek_readonly_u64 && ops->peek_readonly_u64(db->cpu, addr, val);
}

bool translator_use_goto_tb(const DisasContextBase *db, GuestVaddr dest)
{
    if (db->tb->cflags & (CF_NO_GOTO_TB | CF_NOCACHE | CF_SINGLE_STEP) ||
        db->singlestep_enabled || log_enabled(LOG_NOCHAIN)) {
        return false;
    }
    /* User mode has no page tables to change under a chain: a mapping that
     * loses PROT_EXEC or goes away invalidates its blocks (user/mmap.c),
     * whose entries then leave to the loop, which checks the mapping. */
    return translator_is_same_page(db, dest) || db->cpu->mem_mode == CPU_MEM_USER;
}

void translator_loop(CpuState *cpu, TranslationBlock *tb, IrBuilder *b, int max_insns,
                     const TranslatorOps *ops, DisasContextBase *db)
{
    db->tb = tb;
    db->cpu = cpu;
    db->b = b;
    db->pc_first = tb->pc;
    db->pc_next = tb->pc;
    db->is_jmp = DISAS_NEXT;
    db->num_insns = 0;
    db->max_insns = max_insns;
    db->singlestep_enabled = (tb->cflags & CF_SINGLE_STEP) || cpu->singlestep;
    db->code_scattered = false;
    void *host = NULL;
    get_page_addr_code(cpu, tb->pc, &host);
    db->page_vaddr[0] = tb->pc & GUEST_PAGE_MASK;
    db->host_addr[0] = host ? (char *)host - (tb->pc & ~GUEST_PAGE_MASK) : NULL;
    db->page_vaddr[1] = (GuestVaddr)-1;
    db->host_addr[1] = NULL;

    ops->init_disas_context(db, cpu);
    ops->tb_start(db, cpu);
    for (;;) {
        db->num_insns++;
        ops->insn_start(db, cpu);
        if (cpu->nb_breakpoints && cpu_breakpoint_test(cpu, db->pc_next)) {
            /* stop here with the state of this instruction (debug.c) */
            ir_call0(b, &ir_helper_info_exec_debug, IR_VAL_NONE);
            db->is_jmp = DISAS_NORETURN;
            db->pc_next += 1;       /* a non-empty block, for invalidation */
            break;
        }
        ops->translate_insn(db, cpu);
        if (db->is_jmp != DISAS_NEXT) {
            break;
        }
        if (db->num_insns >= db->max_insns || !translator_is_same_page(db, db->pc_next) ||
            ir_op_count(b) > TRANSLATOR_MAX_OPS) {
            db->is_jmp = DISAS_TOO_MANY;
            break;
        }
    }
    ops->tb_stop(db, cpu);
    tb->size = db->code_scattered ? 0 : (uint32_t)(db->pc_next - db->pc_first);
    tb->icount = (uint32_t)db->num_insns;

    if (log_enabled(LOG_IN_ASM) && ops->disas_log) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (f) {
            ops->disas_log(db, cpu, f);
            fclose(f);
            log_printf("IN: pc 0x%" PRIx64 "\n%s\n", (uint64_t)db->pc_first, text);
            free(text);
        }
    }
}

/* Host pointer for the code byte at pc, or NULL when not in RAM (then
 * *paddr is its physical address). */
static const uint8_t *translator_code_ptr(CpuState *cpu, DisasContextBase *db, GuestVaddr pc,
                                          GuestPaddr *paddr)
{
    GuestVaddr page = pc & GUEST_PAGE_MASK;
    for (int i = 0; i < 2; i++) {
        if (db->page_vaddr[i] == page && db->host_addr[i]) {
            return (const uint8_t *)db->host_addr[i] + (pc & ~GUEST_PAGE_MASK);
        }
    }
    void *host = NULL;
    GuestPaddr pa = get_page_addr_code(cpu, pc, &host);   /* may raise */
    if (page != db->page_vaddr[0] && db->page_vaddr[1] != page) {
        db->page_vaddr[1] = page;
        db->host_addr[1] = host ? (char *)host - (pc & ~GUEST_PAGE_MASK) : NULL;
        db->tb->page_addr[1] = pa & GUEST_PAGE_MASK;
    }
    *paddr = pa;
    return host;
}

static void translator_fetch(CpuState *cpu, DisasContextBase *db, GuestVaddr pc, void *buf,
                             unsigned len)
{
    uint8_t *out = buf;
    for (unsigned i = 0; i < len; i++) {
        GuestPaddr pa = 0;
        const uint8_t *p = translator_code_ptr(cpu, db, pc + i, &pa);
        if (p) {
            /* copy the rest of this page in one go */
            unsigned room = (unsigned)(GUEST_PAGE_SIZE - ((pc + i) & ~GUEST_PAGE_MASK));
            unsigned n = len - i < room ? len - i : room;
            memcpy(out + i, p, n);
            i += n - 1;
        } else {
            uint64_t v = 0;
            if (address_space_load(cpu->as, pa, 1, MEMTXATTRS_UNSPECIFIED, &v) != MEMTX_OK) {
                log_mask_printf(LOG_GUEST_ERRORS,
                                "instruction fetch from unassigned paddr 0x%" PRIx64 "\n",
                                (uint64_t)pa);
            }
            out[i] = (uint8_t)v;
        }
    }
}

/* The common case of a fetch: all len bytes on the block's first page, in
 * RAM.  A frontend fetches each instruction two or three times (RISC-V:
 * the opcode in insn_start, then the parcels), so this stays inline. */
static inline const uint8_t *translator_first_page_ptr(const DisasContextBase *db,
                                                       GuestVaddr pc, unsigned len)
{
    if (db->host_addr[0] && ((pc ^ db->page_vaddr[0]) & GUEST_PAGE_MASK) == 0 &&
        (pc & ~GUEST_PAGE_MASK) <= GUEST_PAGE_SIZE - len) {
        return (const uint8_t *)db->host_addr[0] + (pc & ~GUEST_PAGE_MASK);
    }
    return NULL;
}

#define TRANSLATOR_LD(name, type)                                          \
    type name(CpuState *cpu, DisasContextBase *db, GuestVaddr pc)          \
    {                                                                      \
        type v;                                                            \
        const uint8_t *p = translator_first_page_ptr(db, pc, sizeof(v));   \
        if (p) {                                                           \
            memcpy(&v, p, sizeof(v));                                      \
        } else {                                                           \
            translator_fetch(cpu, db, pc, &v, sizeof(v));                  \
        }                                                                  \
        return v;                                                          \
    }

TRANSLATOR_LD(translator_ldub, uint8_t)
TRANSLATOR_LD(translator_lduw, uint16_t)
TRANSLATOR_LD(translator_ldl, uint32_t)
TRANSLATOR_LD(translator_ldq, uint64_t)
