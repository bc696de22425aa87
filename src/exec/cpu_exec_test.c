/*
 * The exec loop, translator loop, TB cache, chaining, invalidation and
 * exceptions, driven by a toy guest defined here ("toy": 4-byte
 * instructions opcode/rd/rs/imm8, eight 64-bit registers, an MMU that
 * identity-maps everything but one unmapped and one remappable page).  Memory is the real memory API:
 * 64 KiB of RAM at 0 and a small MMIO counter device at 0x10000.
 */
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

#include "exec/exec.h"
#include "exec/exec_internal.h"
#include "exec/softmmu.h"
#include "exec/tb.h"
#include "exec/translator.h"
#include "ir/helper.h"
#include "memory/memory.h"
#include "util/unittest.h"

/* ---- the toy guest ---------------------------------------------------------- */

enum {
    TOY_LI = 1,     /* rd = sext(imm) */
    TOY_ADDI,       /* rd = rs + sext(imm) */
    TOY_ADD,        /* rd = rd + rs */
    TOY_LD,         /* rd = mem64[rs + imm] */
    TOY_ST,         /* mem64[rs + imm] = rd */
    TOY_LDW,        /* rd = sext(mem32[rs + imm]), must be aligned */
    TOY_SLLI,       /* rd = rs << imm */
    TOY_BNEZ,       /* if rs != 0: pc += imm * 4 */
    TOY_JMP,        /* pc += imm * 4 */
    TOY_JR,         /* pc = rs */
    TOY_HLT,        /* halt until an interrupt */
    TOY_ECALL,      /* raise exception 8 */
    TOY_FENCEI,     /* end the block, re-fetch */
    TOY_AMOADD,     /* rd = fetch_add(mem64[rs], rd) */
    TOY_LIW,        /* rd = sext(next 32-bit word): an 8-byte instruction */
};

#define TOY_EXC_MISALIGNED 4
#define TOY_EXC_ECALL 8
#define TOY_EXC_ILLEGAL 2
#define TOY_EXC_FETCH_FAULT 12
#define TOY_EXC_LOAD_FAULT 13
#define TOY_UNMAPPED_PAGE 0x8000
#define TOY_TRAP_VECTOR 0x7000
#define TOY_MMIO_BASE 0x10000
/* The one page the MMU does not identity-map: it maps to toy_remap_to. */
#define TOY_REMAP_PAGE 0x9000
static GuestPaddr toy_remap_to = TOY_REMAP_PAGE;

typedef struct ToyCpu {
    CpuState parent;
    uint64_t r[8];
    uint64_t pc;
    uint32_t tb_flags;          /* always 0: CpuOps.tb_flags_offset */
    uint64_t epc, cause, tval;
    bool irq_enabled;
    int traps;
} ToyCpu;

static IrContext *toy_ctx;
static IrVal toy_r[8], toy_pc;

#define IR_HELPER_DEFS "exec/cpu_exec_test_helpers.def"
#include "ir/helper_gen.h"

void helper_toy_halt(void *env)
{
    CpuState *cpu = env;
    atomic_store(&cpu->halted, 1);
    cpu->exception_index = EXCP_HLT;
    cpu_loop_exit(cpu);
}

void helper_toy_raise(void *env, uint32_t cause)
{
    CpuState *cpu = env;
    cpu->exception_index = (int)cause;
    cpu_loop_exit_restore(cpu, GETPC());
}

void helper_toy_fence_i(void *env)
{
    tb_flush(NULL);
}

#define IR_HELPER_DEFS "exec/cpu_exec_test_helpers.def"
#define IR_HELPER_GEN_INFO
#include "ir/helper_gen.h"

static pthread_once_t toy_once = PTHREAD_ONCE_INIT;

static void toy_translate_init_once(void)
{
    static const char *names[8] = { "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7" };
    toy_ctx = ir_context_new();
    for (int i = 0; i < 8; i++) {
        toy_r[i] = ir_global(toy_ctx, IR_I64, (int32_t)offsetof(ToyCpu, r[i]), names[i]);
    }
    toy_pc = ir_global(toy_ctx, IR_I64, (int32_t)offsetof(ToyCpu, pc), "pc");
}

static const IrContext *toy_translate_init(void)
{
    pthread_once(&toy_once, toy_translate_init_once);
    return toy_ctx;
}

static void toy_get_tb_cpu_state(CpuState *cpu, GuestVaddr *pc, uint64_t *cs_base,
                                 uint32_t *flags)
{
    *pc = ((ToyCpu *)cpu)->pc;
    *cs_base = 0;
    *flags = ((ToyCpu *)cpu)->tb_flags;
}

static void toy_gen_goto_tb(DisasContextBase *db, unsigned slot, GuestVaddr dest)
{
    if (translator_use_goto_tb(db, dest)) {
        ir_goto_tb(db->b, slot);
        ir_movi(db->b, toy_pc, dest);
        ir_exit_tb(db->b, slot ? IR_EXIT_SLOT1 : IR_EXIT_SLOT0);
    } else {
        ir_movi(db->b, toy_pc, dest);
        ir_exit_tb(db->b, IR_EXIT_NORMAL);
    }
}

static void toy_tr_nop(DisasContextBase *db, CpuState *cpu)
{
}

static void toy_tr_insn_start(DisasContextBase *db, CpuState *cpu)
{
    ir_insn_start(db->b, db->pc_next, 0, 0);
}

static void toy_raise(DisasContextBase *db, uint32_t cause)
{
    ir_call(db->b, HELPER(toy_raise), IR_VAL_NONE, ir_const(db->b, IR_I32, cause));
    db->is_jmp = DISAS_NORETURN;
}

static void toy_tr_translate_insn(DisasContextBase *db, CpuState *cpu)
{
    IrBuilder *b = db->b;
    GuestVaddr pc = db->pc_next;
    uint32_t insn = translator_ldl(cpu, db, pc);
    unsigned opc = insn & 0xff, rd = (insn >> 8) & 7, rs = (insn >> 16) & 7;
    int64_t imm = (int8_t)(insn >> 24);
    db->pc_next += 4;
    IrVal addr = ir_new_temp(b, IR_I64);

    switch (opc) {
    case TOY_LI: ir_movi(b, toy_r[rd], (uint64_t)imm); break;
    case TOY_ADDI: ir_add_imm(b, toy_r[rd], toy_r[rs], imm); break;
    case TOY_ADD: ir_add(b, toy_r[rd], toy_r[rd], toy_r[rs]); break;
    case TOY_SLLI: ir_shl_imm(b, toy_r[rd], toy_r[rs], imm & 63); break;
    case TOY_LD:
        ir_add_imm(b, addr, toy_r[rs], imm);
        ir_guest_ld(b, toy_r[rd], addr, MO_UQ, 0);
        break;
    case TOY_ST:
        ir_add_imm(b, addr, toy_r[rs], imm);
        ir_guest_st(b, toy_r[rd], addr, MO_UQ, 0);
        break;
    case TOY_LDW:
        ir_add_imm(b, addr, toy_r[rs], imm);
        ir_guest_ld(b, toy_r[rd], addr, MO_SL | MO_ALIGN, 0);
        break;
    case TOY_AMOADD:
        ir_atomic_rmw(b, IR_OP_atomic_fetch_add, toy_r[rd], toy_r[rs], toy_r[rd],
                      MO_UQ | MO_ALIGN, 0);
        break;
    case TOY_BNEZ: {
        IrLabel not_taken = ir_new_label(b);
        ir_brcond_imm(b, IR_COND_EQ, toy_r[rs], 0, not_taken);
        toy_gen_goto_tb(db, 1, pc + (uint64_t)(imm * 4));
        ir_set_label(b, not_taken);
        toy_gen_goto_tb(db, 0, db->pc_next);
        db->is_jmp = DISAS_NORETURN;
        break;
    }
    case TOY_JMP:
        toy_gen_goto_tb(db, 0, pc + (uint64_t)(imm * 4));
        db->is_jmp = DISAS_NORETURN;
        break;
    case TOY_JR:
        ir_mov(b, toy_pc, toy_r[rs]);
        ir_lookup_and_goto_ptr(b);
        db->is_jmp = DISAS_NORETURN;
        break;
    case TOY_HLT:
        ir_movi(b, toy_pc, db->pc_next);
        ir_call0(b, HELPER(toy_halt), IR_VAL_NONE);
        db->is_jmp = DISAS_NORETURN;
        break;
    case TOY_ECALL:
        toy_raise(db, TOY_EXC_ECALL);
        break;
    case TOY_LIW:
        ir_movi(b, toy_r[rd], (uint64_t)(int64_t)(int32_t)translator_ldl(cpu, db, pc + 4));
        db->pc_next += 4;
        break;
    case TOY_FENCEI:
        ir_call0(b, HELPER(toy_fence_i), IR_VAL_NONE);
        ir_movi(b, toy_pc, db->pc_next);
        ir_exit_tb(b, IR_EXIT_NORMAL);
        db->is_jmp = DISAS_NORETURN;
        break;
    default:
        toy_raise(db, TOY_EXC_ILLEGAL);
        break;
    }
    /* an 8-byte instruction that would straddle into the next page starts
     * its own block, so its fetch fault is taken with pc at it */
    if (db->is_jmp == DISAS_NEXT && translator_is_same_page(db, db->pc_next)) {
        GuestVaddr next = db->pc_next;
        if ((next & ~GUEST_PAGE_MASK) == GUEST_PAGE_SIZE - 4 &&
            (translator_ldl(cpu, db, next) & 0xff) == TOY_LIW) {
            db->is_jmp = DISAS_TOO_MANY;
        }
    }
}

static void toy_tr_tb_stop(DisasContextBase *db, CpuState *cpu)
{
    if (db->is_jmp == DISAS_TOO_MANY) {
        toy_gen_goto_tb(db, 0, db->pc_next);
    }
}

static const TranslatorOps toy_translator_ops = {
    .init_disas_context = toy_tr_nop,
    .tb_start = toy_tr_nop,
    .insn_start = toy_tr_insn_start,
    .translate_insn = toy_tr_translate_insn,
    .tb_stop = toy_tr_tb_stop,
};

static void toy_translate_code(CpuState *cpu, TranslationBlock *tb, IrBuilder *b, int max_insns)
{
    DisasContextBase db;
    translator_loop(cpu, tb, b, max_insns, &toy_translator_ops, &db);
}

static void toy_restore_state_to_opc(CpuState *cpu, const TranslationBlock *tb,
                                     const uint64_t *data)
{
    ((ToyCpu *)cpu)->pc = data[0];
}

static bool toy_has_work(CpuState *cpu)
{
    return (atomic_load(&cpu->interrupt_request) & CPU_INTERRUPT_HARD) != 0;
}

static void toy_do_interrupt(CpuState *cpu)
{
    ToyCpu *t = (ToyCpu *)cpu;
    t->epc = t->pc;
    t->cause = (uint64_t)cpu->exception_index;
    t->pc = TOY_TRAP_VECTOR;
    t->traps++;
}

static bool toy_exec_interrupt(CpuState *cpu, uint32_t request)
{
    ToyCpu *t = (ToyCpu *)cpu;
    if ((request & CPU_INTERRUPT_HARD) && t->irq_enabled) {
        cpu_reset_interrupt(cpu, CPU_INTERRUPT_HARD);
        cpu->exception_index = 100;     /* "external interrupt" */
        toy_do_interrupt(cpu);
        t->irq_enabled = false;
        return true;
    }
    return false;
}

static bool toy_tlb_fill(CpuState *cpu, GuestVaddr addr, unsigned size, MmuAccessType access,
                         unsigned mmu_idx, bool probe, uintptr_t ra)
{
    ToyCpu *t = (ToyCpu *)cpu;
    if ((addr & GUEST_PAGE_MASK) == TOY_UNMAPPED_PAGE) {
        if (probe) {
            return false;
        }
        t->tval = addr;
        cpu->exception_index = access == MMU_INST_FETCH ? TOY_EXC_FETCH_FAULT
                                                        : TOY_EXC_LOAD_FAULT;
        cpu_loop_exit_restore(cpu, ra);
    }
    GuestPaddr pa = (addr & GUEST_PAGE_MASK) == TOY_REMAP_PAGE ? toy_remap_to | (addr & 0xfff)
                                                                : addr;
    tlb_set_page(cpu, addr, pa, PAGE_READ | PAGE_WRITE | PAGE_EXEC, mmu_idx, GUEST_PAGE_BITS);
    return true;
}

static void toy_do_unaligned_access(CpuState *cpu, GuestVaddr addr, MmuAccessType access,
                                    unsigned mmu_idx, uintptr_t ra)
{
    ((ToyCpu *)cpu)->tval = addr;
    cpu->exception_index = TOY_EXC_MISALIGNED;
    cpu_loop_exit_restore(cpu, ra);
}

static const CpuOps toy_cpu_ops = {
    .name = "toy",
    .translate_init = toy_translate_init,
    .get_tb_cpu_state = toy_get_tb_cpu_state,
    .translate_code = toy_translate_code,
    .restore_state_to_opc = toy_restore_state_to_opc,
    .has_work = toy_has_work,
    .exec_interrupt = toy_exec_interrupt,
    .do_interrupt = toy_do_interrupt,
    .tlb_fill = toy_tlb_fill,
    .do_unaligned_access = toy_do_unaligned_access,
    /* pc and flags in env: the JIT probes the jump cache inline */
    .tb_pc_offset = (int32_t)offsetof(ToyCpu, pc),
    .tb_flags_offset = (int32_t)offsetof(ToyCpu, tb_flags),
};

/* ---- the test machine -------------------------------------------------------- */

typedef struct ToyMachine {
    MemoryRegion root, ram, mmio;
    AddressSpace *as;
    uint8_t *ram_ptr;
    uint64_t mmio_reads, mmio_last_write;
    ToyCpu cpu;
} ToyMachine;

static uint64_t toy_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    ToyMachine *m = opaque;
    return 0x1000 + ++m->mmio_reads;
}

static void toy_mmio_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    ToyMachine *m = opaque;
    m->mmio_last_write = val;
}

static const MemoryRegionOps toy_mmio_ops = {
    .read = toy_mmio_read,
    .write = toy_mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static ToyMachine *toy_machine_new(void)
{
    ToyMachine *m = calloc(1, sizeof(*m));
    memory_region_init(&m->root, NULL, "system", MEMORY_SIZE_ALL);
    memory_region_init_ram(&m->ram, NULL, "ram", 0x10000, &error_abort);
    memory_region_add_subregion(&m->root, 0, &m->ram);
    memory_region_init_io(&m->mmio, NULL, &toy_mmio_ops, m, "counter", 0x1000);
    memory_region_add_subregion(&m->root, TOY_MMIO_BASE, &m->mmio);
    m->as = address_space_create(&m->root, "toy");
    m->ram_ptr = memory_region_get_ram_ptr(&m->ram);
    CHECK(cpu_exec_realize(&m->cpu.parent, &toy_cpu_ops, m->as, &error_abort));
    /* every test starts from an empty TB cache */
    tb_flush(NULL);
    return m;
}

static void toy_machine_free(ToyMachine *m)
{
    cpu_exec_unrealize(&m->cpu.parent);
    address_space_destroy(m->as);
    memory_region_del_subregion(&m->root, &m->ram);
    memory_region_del_subregion(&m->root, &m->mmio);
    memory_region_destroy(&m->ram);
    memory_region_destroy(&m->mmio);
    memory_region_destroy(&m->root);
    free(m);
}

static uint32_t toy_insn(unsigned opc, unsigned rd, unsigned rs, int imm)
{
    return opc | rd << 8 | rs << 16 | (uint32_t)(uint8_t)(int8_t)imm << 24;
}

/* Write a program at addr through the memory API (as a loader / DMA would). */
static void toy_load(ToyMachine *m, GuestPaddr addr, const uint32_t *insns, size_t n)
{
    CHECK_INT(address_space_write(m->as, addr, MEMTXATTRS_UNSPECIFIED, insns, n * 4),
              MEMTX_OK);
}

#define TOY_LOAD(m, addr, ...)                                                   \
    do {                                                                         \
        const uint32_t prog_[] = { __VA_ARGS__ };                                \
        toy_load(m, addr, prog_, sizeof(prog_) / sizeof(prog_[0]));              \
    } while (0)

/* A trap handler that halts, so every test ends in EXCP_HLT. */
static void toy_load_trap_handler(ToyMachine *m)
{
    TOY_LOAD(m, TOY_TRAP_VECTOR, toy_insn(TOY_HLT, 0, 0, 0));
}

/* ---- tests --------------------------------------------------------------------- */

UNITTEST(exec_straight_line_and_halt)
{
    ToyMachine *m = toy_machine_new();
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 5), toy_insn(TOY_ADDI, 2, 1, 3),
             toy_insn(TOY_SLLI, 3, 2, 4), toy_insn(TOY_HLT, 0, 0, 0));
    m->cpu.pc = 0x1000;
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    CHECK_U64(m->cpu.r[2], 8);
    CHECK_U64(m->cpu.r[3], 128);
    CHECK_U64(m->cpu.pc, 0x1010);
    /* halted without work: returns at once */
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HALTED);
    toy_machine_free(m);
}

UNITTEST(exec_loop_chains_blocks)
{
    ToyMachine *m = toy_machine_new();
    /* r1 = 100; do { r2 += 3; r1 -= 1 } while (r1); halt */
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 100), toy_insn(TOY_LI, 2, 0, 0),
             toy_insn(TOY_ADDI, 2, 2, 3), toy_insn(TOY_ADDI, 1, 1, -1),
             toy_insn(TOY_BNEZ, 0, 1, -2), toy_insn(TOY_HLT, 0, 0, 0));
    m->cpu.pc = 0x1000;
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    CHECK_U64(m->cpu.r[2], 300);
    CHECK_U64(m->cpu.r[1], 0);
    /* blocks: [0x1000..bnez], [0x1008..bnez] (loop body), [hlt] */
    CHECK_INT(m->cpu.parent.stat_tb_translated, 3);
    if (exec_get_backend() == EXEC_BACKEND_JIT) {
        /* the JIT follows its patched jumps without the loop */
        CHECK(m->cpu.parent.stat_tb_exec < 10);
    } else {
        CHECK(m->cpu.parent.stat_chain_hits >= 95);
    }
    toy_machine_free(m);
}

/* The jump cache finds blocks by virtual pc: a page flush after the
 * guest remaps a page must drop that page's blocks (and only where a
 * block of the page was entered does it scan), also blocks found again
 * after a full flush. */
UNITTEST(exec_page_flush_after_remap_drops_jump_cache_entries)
{
    ToyMachine *m = toy_machine_new();
    CpuState *cs = &m->cpu.parent;
    TOY_LOAD(m, 0x3000, toy_insn(TOY_LI, 4, 0, 1), toy_insn(TOY_HLT, 0, 0, 0));
    TOY_LOAD(m, 0x4000, toy_insn(TOY_LI, 4, 0, 2), toy_insn(TOY_HLT, 0, 0, 0));
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 5, 0, 7), toy_insn(TOY_HLT, 0, 0, 0));
    toy_remap_to = 0x3000;
    for (int round = 0; round < 3; round++) {
        m->cpu.pc = TOY_REMAP_PAGE;
        atomic_store(&cs->halted, 0);
        CHECK_INT(cpu_exec(cs), EXCP_HLT);
        CHECK_U64(m->cpu.r[4], round == 0 ? 1 : 2);
        /* a full flush, then the same mapping: the block is entered in
         * the jump cache again, and must count for the page flush below */
        tlb_flush(cs);
        m->cpu.r[4] = 0;
        m->cpu.pc = TOY_REMAP_PAGE;
        atomic_store(&cs->halted, 0);
        CHECK_INT(cpu_exec(cs), EXCP_HLT);
        CHECK_U64(m->cpu.r[4], round == 0 ? 1 : 2);
        m->cpu.pc = 0x1000;
        atomic_store(&cs->halted, 0);
        CHECK_INT(cpu_exec(cs), EXCP_HLT);
        CHECK_U64(m->cpu.r[5], 7);
        toy_remap_to = 0x4000;
        tlb_flush_page(cs, 0x5000);             /* nothing entered there */
        tlb_flush_page(cs, TOY_REMAP_PAGE);
    }
    toy_remap_to = TOY_REMAP_PAGE;
    toy_machine_free(m);
}

/* Every entry without a TB has pc TB_JMP_CACHE_NO_PC (the JIT's probe
 * compares the pc alone): new, after a full clear and a page clear (user
 * mode's flat cache drops everything in both), after tb_jmp_cache_remove;
 * a refilled entry is not emptied by the removal of the TB it had before. */
static void check_empty_entries(TbJumpCache *jc, unsigned *left)
{
    *left = 0;
    for (unsigned i = 0; i < TB_JMP_CACHE_SIZE; i++) {
        bool has_tb = atomic_load(&jc->array[i].tb) != NULL;
        *left += has_tb;
        if (!has_tb) {
            CHECK_U64(jc->array[i].pc, TB_JMP_CACHE_NO_PC);
        }
    }
}

UNITTEST(exec_jump_cache_empty_entries)
{
    for (int flat = 0; flat < 2; flat++) {
        CpuState cs = { 0 };
        cs.tb_jmp_cache = tb_jmp_cache_new(flat);
        TbJumpCache *jc = cs.tb_jmp_cache;
        unsigned left;
        check_empty_entries(jc, &left);
        CHECK_INT(left, 0);
        TranslationBlock fake = { .pc = 0x12345678 };
        for (int round = 0; round < 3; round++) {
            for (unsigned i = 0; i < TB_JMP_CACHE_SIZE; i += 37) {
                jc->array[i].pc = 0x12345000 + 2 * i;
                atomic_store(&jc->array[i].tb, &fake);
            }
            if (round == 0) {
                tb_jmp_cache_clear(&cs);
            } else if (round == 1) {
                memset(jc->page_bits, 0xff, sizeof(jc->page_bits));    /* scan all */
                tb_jmp_cache_clear_page(&cs, 0x12345000);
            } else {
                unsigned h = tb_jmp_cache_hash(jc, fake.pc);
                atomic_store(&jc->array[h].tb, &fake);
                jc->array[h].pc = fake.pc;
                tb_jmp_cache_remove(&cs, &fake);
                CHECK_U64(jc->array[h].pc, TB_JMP_CACHE_NO_PC);
                TranslationBlock other = { .pc = fake.pc };
                atomic_store(&jc->array[h].tb, &other);
                jc->array[h].pc = fake.pc;
                tb_jmp_cache_remove(&cs, &fake);       /* not the entry's TB */
                CHECK(atomic_load(&jc->array[h].tb) == &other);
                CHECK_U64(jc->array[h].pc, fake.pc);
                tb_jmp_cache_clear(&cs);
            }
            check_empty_entries(jc, &left);
            /* the flat cache's clears drop all; system mode's full clear is
             * a gen increment, its page clear drops the entries whose pc
             * is on the page (or the one before) */
            if (flat) {
                CHECK_INT(left, 0);
            } else if (round == 1) {
                CHECK(left > 0 && left < TB_JMP_CACHE_SIZE / 37 + 1);
            }
        }
        tb_jmp_cache_free(jc);
    }
}

UNITTEST(exec_lookup_and_goto_ptr)
{
    ToyMachine *m = toy_machine_new();
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 0x20), toy_insn(TOY_SLLI, 1, 1, 8),
             toy_insn(TOY_JR, 0, 1, 0));                    /* to 0x2000 */
    TOY_LOAD(m, 0x2000, toy_insn(TOY_LI, 4, 0, 44), toy_insn(TOY_HLT, 0, 0, 0));
    m->cpu.pc = 0x1000;
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    CHECK_U64(m->cpu.r[4], 44);
    toy_machine_free(m);
}

/* More blocks than the TB hash table's first size: it grows while they are
 * translated, and every block is found again by the hash lookup (no
 * retranslation), after a flush too.  With a small JIT code buffer
 * (cpu_exec_jit_small_test.c) the blocks fill it: the passes flush by
 * themselves and retranslate, with the same results. */
UNITTEST(exec_many_blocks_grow_the_hash_table)
{
    ToyMachine *m = toy_machine_new();
    /* blocks of "r1 += 8; jr r1" (r1 = their address), around the toy's
     * unmapped page: the last one before it adds r3 instead */
    enum { FIRST = 0x1000, LAST = 0xf000, SKIP = 0x1000 };
    for (GuestPaddr a = FIRST; a < LAST; a += 8) {
        if ((a & GUEST_PAGE_MASK) != TOY_UNMAPPED_PAGE) {
            TOY_LOAD(m, a, toy_insn(TOY_ADDI, 1, 1, 8), toy_insn(TOY_JR, 0, 1, 0));
        }
    }
    TOY_LOAD(m, TOY_UNMAPPED_PAGE - 8, toy_insn(TOY_ADD, 1, 3, 0), toy_insn(TOY_JR, 0, 1, 0));
    TOY_LOAD(m, LAST, toy_insn(TOY_HLT, 0, 0, 0));
    const uint64_t nblocks = (LAST - FIRST - SKIP) / 8 + 1;
    int full_flushes = 0;
    for (int pass = 0; pass < 4; pass++) {
        if (pass == 2) {
            tb_flush(NULL);
        }
        tb_jmp_cache_clear(&m->cpu.parent);     /* every jr looks up the hash */
        uint64_t before = m->cpu.parent.stat_tb_translated;
        TbStats st0, st1;
        tb_get_stats(&st0);
        m->cpu.r[1] = FIRST;
        m->cpu.r[3] = SKIP + 8;
        m->cpu.pc = FIRST;
        atomic_store(&m->cpu.parent.halted, 0);
        CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
        CHECK_U64(m->cpu.pc, LAST + 4);
        CHECK_U64(m->cpu.r[1], LAST);
        tb_get_stats(&st1);
        if (st1.flushes == st0.flushes) {
            CHECK_U64(m->cpu.parent.stat_tb_translated - before, pass % 2 ? 0 : nblocks);
            CHECK_U64(st1.tbs, nblocks);
        } else {
            /* the code buffer filled up: only the small-buffer binary */
            full_flushes++;
        }
    }
    CHECK(full_flushes == 0 || exec_get_backend() == EXEC_BACKEND_JIT);
    toy_machine_free(m);
}

UNITTEST(exec_exception_restores_exact_pc)
{
    ToyMachine *m = toy_machine_new();
    toy_load_trap_handler(m);
    /* the fault is the 4th instruction of the block: state before it stays */
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 0x40), toy_insn(TOY_SLLI, 1, 1, 9),   /* 0x8000 */
             toy_insn(TOY_LI, 2, 0, 7), toy_insn(TOY_LD, 3, 1, 8),
             toy_insn(TOY_LI, 2, 0, 9));
    m->cpu.pc = 0x1000;
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    CHECK_U64(m->cpu.cause, TOY_EXC_LOAD_FAULT);
    CHECK_U64(m->cpu.epc, 0x100c);
    CHECK_U64(m->cpu.tval, 0x8008);
    CHECK_U64(m->cpu.r[2], 7);
    CHECK_INT(m->cpu.traps, 1);
    toy_machine_free(m);
}

UNITTEST(exec_helper_raises_with_restore)
{
    ToyMachine *m = toy_machine_new();
    toy_load_trap_handler(m);
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 1), toy_insn(TOY_ADDI, 1, 1, 1),
             toy_insn(TOY_ECALL, 0, 0, 0), toy_insn(TOY_LI, 1, 0, 50));
    m->cpu.pc = 0x1000;
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    CHECK_U64(m->cpu.cause, TOY_EXC_ECALL);
    CHECK_U64(m->cpu.epc, 0x1008);
    CHECK_U64(m->cpu.r[1], 2);
    toy_machine_free(m);
}

UNITTEST(exec_fetch_fault_and_illegal)
{
    ToyMachine *m = toy_machine_new();
    toy_load_trap_handler(m);
    m->cpu.pc = TOY_UNMAPPED_PAGE + 0x10;
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    CHECK_U64(m->cpu.cause, TOY_EXC_FETCH_FAULT);
    CHECK_U64(m->cpu.epc, TOY_UNMAPPED_PAGE + 0x10);

    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 1), toy_insn(0xee, 0, 0, 0));
    m->cpu.pc = 0x1000;
    atomic_store(&m->cpu.parent.halted, 0);
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    CHECK_U64(m->cpu.cause, TOY_EXC_ILLEGAL);
    CHECK_U64(m->cpu.epc, 0x1004);
    toy_machine_free(m);
}

UNITTEST(exec_misaligned_and_page_straddling)
{
    ToyMachine *m = toy_machine_new();
    toy_load_trap_handler(m);
    uint64_t pattern = 0x8877665544332211ull;
    memcpy(m->ram_ptr + 0x2ffc, &pattern, 8);       /* straddles 0x3000 */
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 0x30), toy_insn(TOY_SLLI, 1, 1, 8),
             toy_insn(TOY_LD, 2, 1, -4),           /* unaligned, no requirement: split */
             toy_insn(TOY_ADDI, 2, 2, 1), toy_insn(TOY_ST, 2, 1, -3),
             toy_insn(TOY_LDW, 3, 1, 2));          /* must be aligned: raises */
    m->cpu.pc = 0x1000;
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    CHECK_U64(m->cpu.r[2], pattern + 1);
    uint64_t back;
    memcpy(&back, m->ram_ptr + 0x2ffd, 8);
    CHECK_U64(back, pattern + 1);
    CHECK_U64(m->cpu.cause, TOY_EXC_MISALIGNED);
    CHECK_U64(m->cpu.epc, 0x1014);
    CHECK_U64(m->cpu.tval, 0x3002);
    toy_machine_free(m);
}

UNITTEST(exec_mmio_and_atomics)
{
    ToyMachine *m = toy_machine_new();
    uint64_t v = 40;
    memcpy(m->ram_ptr + 0x3000, &v, 8);
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 1), toy_insn(TOY_SLLI, 1, 1, 16),  /* 0x10000 */
             toy_insn(TOY_LD, 2, 1, 0), toy_insn(TOY_LD, 3, 1, 8),
             toy_insn(TOY_LI, 4, 0, 99), toy_insn(TOY_ST, 4, 1, 0),
             toy_insn(TOY_LI, 5, 0, 0x30), toy_insn(TOY_SLLI, 5, 5, 8),
             toy_insn(TOY_LI, 6, 0, 2), toy_insn(TOY_AMOADD, 6, 5, 0),
             toy_insn(TOY_HLT, 0, 0, 0));
    m->cpu.pc = 0x1000;
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    CHECK_U64(m->cpu.r[2], 0x1001);
    CHECK_U64(m->cpu.r[3], 0x1002);
    CHECK_U64(m->mmio_last_write, 99);
    CHECK_U64(m->cpu.r[6], 40);                         /* old value */
    memcpy(&v, m->ram_ptr + 0x3000, 8);
    CHECK_U64(v, 42);
    toy_machine_free(m);
}

/* Program: r1 = IMM; halt.  Patching IMM must be seen on the next run. */
static void toy_run_from(ToyMachine *m, GuestVaddr pc)
{
    atomic_store(&m->cpu.parent.halted, 0);
    m->cpu.pc = pc;
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
}

UNITTEST(exec_invalidation_by_guest_store_dma_and_flush)
{
    ToyMachine *m = toy_machine_new();
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 1), toy_insn(TOY_HLT, 0, 0, 0));
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[1], 1);
    CHECK(tb_page_has_code(0x1000));

    /* 1. the guest overwrites the code with a store (TLB_NOTDIRTY path) */
    uint32_t li2 = toy_insn(TOY_LI, 1, 0, 2);
    TOY_LOAD(m, 0x2000, toy_insn(TOY_LI, 5, 0, 0x10), toy_insn(TOY_SLLI, 5, 5, 8),
             toy_insn(TOY_LD, 6, 7, 0), toy_insn(TOY_ST, 6, 5, 0), toy_insn(TOY_HLT, 0, 0, 0));
    uint64_t new_code = li2 | (uint64_t)toy_insn(TOY_HLT, 0, 0, 0) << 32;
    memcpy(m->ram_ptr + 0x3000, &new_code, 8);
    m->cpu.r[7] = 0x3000;
    toy_run_from(m, 0x2000);
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[1], 2);

    /* 2. DMA through the memory API (the RAM write notifier) */
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 3));
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[1], 3);

    /* 3. a write behind the memory API's back needs an explicit flush */
    uint32_t li4 = toy_insn(TOY_LI, 1, 0, 4);
    memcpy(m->ram_ptr + 0x1000, &li4, 4);
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[1], 3);                          /* stale, as expected */
    tb_flush(NULL);
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[1], 4);

    /* 4. the same from inside the guest (fence.i -> tb_flush in a helper) */
    uint32_t li5 = toy_insn(TOY_LI, 1, 0, 5);
    memcpy(m->ram_ptr + 0x1000, &li5, 4);
    TOY_LOAD(m, 0x4000, toy_insn(TOY_FENCEI, 0, 0, 0), toy_insn(TOY_JMP, 0, 0, 0));
    TOY_LOAD(m, 0x4004, toy_insn(TOY_LI, 2, 0, 0x10), toy_insn(TOY_SLLI, 2, 2, 8),
             toy_insn(TOY_JR, 0, 2, 0));
    toy_run_from(m, 0x4000);
    CHECK_U64(m->cpu.r[1], 5);

    /* a write to a page's data part that no block covers keeps the blocks */
    TbStats before, after;
    tb_get_stats(&before);
    tb_invalidate_phys_range(0x1800, 8);
    tb_get_stats(&after);
    CHECK_U64(after.invalidated, before.invalidated);
    tb_invalidate_phys_range(0x1004, 1);
    tb_get_stats(&after);
    CHECK_U64(after.invalidated, before.invalidated + 1);
    toy_machine_free(m);
}

/* Indirect jumps (lookup_and_goto_ptr: on the JIT, the inline jump-cache
 * probe) must see every way code changes: the jump cache keeps the old
 * block's entry until invalidation or a flush removes it. */
UNITTEST(exec_indirect_jumps_follow_code_changes)
{
    ToyMachine *m = toy_machine_new();
    /* 0x1000: jr r5 (0x2000); 0x2000: r1 += r2; r3 -= 1; if r3: jr r6 (0x1000) */
    TOY_LOAD(m, 0x1000, toy_insn(TOY_JR, 0, 5, 0));
    TOY_LOAD(m, 0x2000, toy_insn(TOY_ADD, 1, 2, 0), toy_insn(TOY_ADDI, 3, 3, -1),
             toy_insn(TOY_BNEZ, 0, 3, 2), toy_insn(TOY_HLT, 0, 0, 0),
             toy_insn(TOY_JR, 0, 6, 0));
    m->cpu.r[5] = 0x2000;
    m->cpu.r[6] = 0x1000;
    m->cpu.r[2] = 1;
    m->cpu.r[4] = 100;
    m->cpu.r[3] = 50;
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[1], 50);

    /* DMA through the memory API: r1 += r4 now */
    TOY_LOAD(m, 0x2000, toy_insn(TOY_ADD, 1, 4, 0));
    m->cpu.r[3] = 50;
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[1], 50 + 5000);

    /* behind the memory API's back, then an explicit invalidation */
    uint32_t add12 = toy_insn(TOY_ADD, 1, 2, 0);
    memcpy(m->ram_ptr + 0x2000, &add12, 4);
    tb_invalidate_phys_range(0x2000, 4);
    m->cpu.r[3] = 10;
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[1], 5050 + 10);

    /* the same with a flush */
    uint32_t add14 = toy_insn(TOY_ADD, 1, 4, 0);
    memcpy(m->ram_ptr + 0x2000, &add14, 4);
    tb_flush(NULL);
    m->cpu.r[3] = 10;
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[1], 5060 + 1000);

    /* the jump targets' blocks were entered by indirect jumps, not from
     * the loop: on the JIT, through the jump cache without leaving */
    uint64_t entered = m->cpu.parent.stat_tb_exec;
    m->cpu.r[3] = 1000;
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[1], 6060 + 100000);
    if (exec_get_backend() == EXEC_BACKEND_JIT) {
        CHECK(m->cpu.parent.stat_tb_exec - entered < 10);
    }
    toy_machine_free(m);
}

typedef struct KickArg {
    ToyMachine *m;
    bool stop;          /* cpu_exit instead of an interrupt */
} KickArg;

static void *toy_kicker(void *opaque)
{
    KickArg *k = opaque;
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    if (k->stop) {
        cpu_exit(&k->m->cpu.parent);
    } else {
        cpu_interrupt(&k->m->cpu.parent, CPU_INTERRUPT_HARD);
    }
    return NULL;
}

UNITTEST(exec_interrupt_and_exit_from_other_threads)
{
    ToyMachine *m = toy_machine_new();
    toy_load_trap_handler(m);
    /* a chained infinite loop: only the per-block exit_request check ends it */
    TOY_LOAD(m, 0x1000, toy_insn(TOY_ADDI, 1, 1, 1), toy_insn(TOY_JMP, 0, 0, -1));
    m->cpu.pc = 0x1000;
    m->cpu.irq_enabled = true;
    KickArg k = { m, false };
    pthread_t th;
    pthread_create(&th, NULL, toy_kicker, &k);
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    pthread_join(th, NULL);
    CHECK_U64(m->cpu.cause, 100);
    CHECK(m->cpu.epc == 0x1000 || m->cpu.epc == 0x1004);
    CHECK(m->cpu.r[1] > 0);

    atomic_store(&m->cpu.parent.halted, 0);
    m->cpu.pc = 0x1000;
    k.stop = true;
    pthread_create(&th, NULL, toy_kicker, &k);
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_INTERRUPT);
    pthread_join(th, NULL);

    /* halted CPUs wake on an interrupt */
    TOY_LOAD(m, 0x1000, toy_insn(TOY_HLT, 0, 0, 0), toy_insn(TOY_LI, 3, 0, 33),
             toy_insn(TOY_HLT, 0, 0, 0));
    tb_flush(NULL);
    m->cpu.irq_enabled = false;
    toy_run_from(m, 0x1000);
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HALTED);
    cpu_interrupt(&m->cpu.parent, CPU_INTERRUPT_HARD);
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);      /* irq masked: runs on */
    CHECK_U64(m->cpu.r[3], 33);
    toy_machine_free(m);
}

/* ---- two vCPUs on two threads while a third invalidates and flushes ---- */

typedef struct VcpuThread {
    ToyCpu *cpu;
    int interrupts;     /* EXCP_INTERRUPT returns seen */
} VcpuThread;

static void *toy_vcpu_thread(void *opaque)
{
    VcpuThread *v = opaque;
    for (;;) {
        int r = cpu_exec(&v->cpu->parent);
        if (r == EXCP_HLT) {
            return NULL;
        }
        v->interrupts += r == EXCP_INTERRUPT;
    }
}

UNITTEST(exec_two_vcpus_with_concurrent_invalidation)
{
    ToyMachine *m = toy_machine_new();
    ToyCpu *second = calloc(1, sizeof(*second));
    CHECK(cpu_exec_realize(&second->parent, &toy_cpu_ops, m->as, &error_abort));
    second->parent.cpu_index = 1;
    /* each CPU: r1 = 1 << 16; do { r2 += 3; r1 -= 1 } while (r1); halt */
    for (GuestPaddr base = 0x1000; base <= 0x2000; base += 0x1000) {
        TOY_LOAD(m, base, toy_insn(TOY_LI, 1, 0, 1), toy_insn(TOY_SLLI, 1, 1, 16),
                 toy_insn(TOY_LI, 2, 0, 0), toy_insn(TOY_ADDI, 2, 2, 3),
                 toy_insn(TOY_ADDI, 1, 1, -1), toy_insn(TOY_BNEZ, 0, 1, -2),
                 toy_insn(TOY_HLT, 0, 0, 0));
    }
    m->cpu.pc = 0x1000;
    second->pc = 0x2000;
    VcpuThread v[2] = { { &m->cpu, 0 }, { second, 0 } };
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&th[i], NULL, toy_vcpu_thread, &v[i]);
    }
    /* meanwhile: invalidate both loops' code now and then, flush twice */
    for (int i = 0; i < 200; i++) {
        tb_invalidate_phys_range(i & 1 ? 0x100c : 0x200c, 4);
        if (i % 100 == 50) {
            tb_flush(NULL);
        }
        sched_yield();
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
    }
    CHECK_U64(m->cpu.r[2], 3u << 16);
    CHECK_U64(second->r[2], 3u << 16);
    cpu_exec_unrealize(&second->parent);
    free(second);
    toy_machine_free(m);
}

UNITTEST(exec_debug_logs)
{
    char path[] = "/tmp/morpho-exec-log-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK(log_set_file(path));
    uint32_t saved = log_mask;
    log_mask = LOG_OP | LOG_OP_OPT | LOG_EXEC | LOG_INT;

    ToyMachine *m = toy_machine_new();
    toy_load_trap_handler(m);
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 5), toy_insn(TOY_ADDI, 1, 1, 0),
             toy_insn(TOY_ECALL, 0, 0, 0));
    m->cpu.pc = 0x1000;
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    toy_machine_free(m);

    log_mask = saved;
    CHECK(log_set_file(NULL));
    FILE *f = fopen(path, "r");
    char text[8192] = { 0 };
    size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
    text[n] = 0;
    if (f) {
        fclose(f);
    }
    unlink(path);
    CHECK(strstr(text, "OP: pc 0x1000") != NULL);
    CHECK(strstr(text, " ---- 0x1004 0x0 0x0\n") != NULL);         /* insn_start */
    CHECK(strstr(text, " add_i64 r1, r1, $0x0\n") != NULL);         /* before opt */
    CHECK(strstr(text, "OP after optimization") != NULL);
    CHECK(strstr(text, "Trace 0: pc 0x1000") != NULL);
    CHECK(strstr(text, "exception 8") != NULL);
}

UNITTEST(exec_step_atomic_runs_one_insn)
{
    ToyMachine *m = toy_machine_new();
    toy_load_trap_handler(m);
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 5), toy_insn(TOY_LI, 2, 0, 6),
             toy_insn(TOY_ECALL, 0, 0, 0));
    m->cpu.pc = 0x1000;
    cpu_exec_step_atomic(&m->cpu.parent);
    CHECK_U64(m->cpu.r[1], 5);
    CHECK_U64(m->cpu.r[2], 0);
    CHECK_U64(m->cpu.pc, 0x1004);
    TbStats st;
    tb_get_stats(&st);
    CHECK_U64(st.tbs, 0);                       /* not cached */
    m->cpu.pc = 0x1008;
    cpu_exec_step_atomic(&m->cpu.parent);       /* raises: delivered later */
    CHECK_INT(m->cpu.parent.exception_index, TOY_EXC_ECALL);
    CHECK_U64(m->cpu.pc, 0x1008);
    CHECK_INT(cpu_exec(&m->cpu.parent), EXCP_HLT);
    CHECK_U64(m->cpu.epc, 0x1008);
    toy_machine_free(m);
}

UNITTEST(exec_block_spanning_two_pages)
{
    ToyMachine *m = toy_machine_new();
    toy_load_trap_handler(m);
    /* LIW at 0x1ffc: its immediate is on the next page */
    TOY_LOAD(m, 0x1ff8, toy_insn(TOY_LI, 2, 0, 1), toy_insn(TOY_LIW, 1, 0, 0), 0x12345678,
             toy_insn(TOY_HLT, 0, 0, 0));
    toy_run_from(m, 0x1ff8);
    CHECK_U64(m->cpu.r[1], 0x12345678);
    CHECK(tb_page_has_code(0x2000));
    /* a write to the second page invalidates the straddling block */
    TOY_LOAD(m, 0x2000, 0x7654321);
    toy_run_from(m, 0x1ff8);
    CHECK_U64(m->cpu.r[1], 0x7654321);
    /* its second page unmapped: the fault is taken at the instruction,
     * after the instruction before it ran */
    TOY_LOAD(m, 0x7ff8, toy_insn(TOY_LI, 2, 0, 9), toy_insn(TOY_LIW, 1, 0, 0));
    m->cpu.r[2] = 0;
    toy_run_from(m, 0x7ff8);
    CHECK_U64(m->cpu.cause, TOY_EXC_FETCH_FAULT);
    CHECK_U64(m->cpu.epc, 0x7ffc);
    CHECK_U64(m->cpu.tval, 0x8000);
    CHECK_U64(m->cpu.r[2], 9);
    toy_machine_free(m);
}

UNITTEST(exec_breakpoints_and_single_step)
{
    ToyMachine *m = toy_machine_new();
    toy_load_trap_handler(m);
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 1), toy_insn(TOY_LI, 2, 0, 2),
             toy_insn(TOY_LI, 3, 0, 3), toy_insn(TOY_ECALL, 0, 0, 0));
    CpuState *cpu = &m->cpu.parent;
    m->cpu.pc = 0x1000;
    /* run once without breakpoints so a cached block must be dropped */
    CHECK(cpu_breakpoint_insert(cpu, 0x100c));
    CHECK_INT(cpu_exec(cpu), EXCP_DEBUG);
    CHECK_U64(m->cpu.pc, 0x100c);
    CHECK_U64(m->cpu.r[3], 3);
    CHECK(cpu_breakpoint_insert(cpu, 0x1004));
    m->cpu.pc = 0x1000;
    m->cpu.r[2] = 0;
    CHECK_INT(cpu_exec(cpu), EXCP_DEBUG);
    CHECK_U64(m->cpu.pc, 0x1004);
    CHECK_U64(m->cpu.r[2], 0);                  /* stopped before it */
    CHECK(cpu_breakpoint_remove(cpu, 0x1004));
    CHECK(!cpu_breakpoint_remove(cpu, 0x1004));
    cpu_breakpoint_remove_all(cpu);
    CHECK(!cpu_breakpoint_test(cpu, 0x100c));

    /* single-step: one instruction per cpu_exec, then into the handler */
    cpu_single_step(cpu, true);
    m->cpu.pc = 0x1004;
    CHECK_INT(cpu_exec(cpu), EXCP_DEBUG);
    CHECK_U64(m->cpu.pc, 0x1008);
    CHECK_INT(cpu_exec(cpu), EXCP_DEBUG);
    CHECK_U64(m->cpu.pc, 0x100c);
    CHECK_INT(cpu_exec(cpu), EXCP_DEBUG);       /* ecall: now at the handler */
    CHECK_U64(m->cpu.pc, TOY_TRAP_VECTOR);
    CHECK_U64(m->cpu.epc, 0x100c);
    cpu_single_step(cpu, false);
    CHECK_INT(cpu_exec(cpu), EXCP_HLT);
    toy_machine_free(m);
}

UNITTEST(exec_watchpoints)
{
    ToyMachine *m = toy_machine_new();
    toy_load_trap_handler(m);
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 0x30), toy_insn(TOY_SLLI, 1, 1, 8), /* 0x3000 */
             toy_insn(TOY_LI, 2, 0, 7), toy_insn(TOY_ST, 2, 1, 0),
             toy_insn(TOY_LD, 3, 1, 8), toy_insn(TOY_LI, 4, 0, 4), toy_insn(TOY_HLT, 0, 0, 0));
    CpuState *cpu = &m->cpu.parent;
    uint64_t v = 0x55;
    memcpy(m->ram_ptr + 0x3008, &v, 8);

    /* a write watchpoint stops after the store, not before */
    CHECK(cpu_watchpoint_insert(cpu, 0x3000, 8, BP_MEM_WRITE));
    m->cpu.pc = 0x1000;
    CHECK_INT(cpu_exec(cpu), EXCP_DEBUG);
    CHECK_U64(m->cpu.pc, 0x1010);
    CHECK_INT(cpu->watchpoint_state, CPU_WATCH_HIT);
    CHECK_U64(cpu->watchpoint_hit_addr, 0x3000);
    CHECK_INT(cpu->watchpoint_hit_flags, BP_MEM_WRITE);
    memcpy(&v, m->ram_ptr + 0x3000, 8);
    CHECK_U64(v, 7);
    CHECK_U64(m->cpu.r[3], 0);                  /* the load after it did not run */
    cpu->watchpoint_state = CPU_WATCH_NONE;
    CHECK_INT(cpu_exec(cpu), EXCP_HLT);         /* a read of another word: no hit */
    CHECK_U64(m->cpu.r[3], 0x55);

    /* a read watchpoint on the other word; the write one no longer matches */
    CHECK(cpu_watchpoint_remove(cpu, 0x3000, 8, BP_MEM_WRITE));
    CHECK(!cpu_watchpoint_remove(cpu, 0x3000, 8, BP_MEM_WRITE));
    CHECK(cpu_watchpoint_insert(cpu, 0x300c, 1, BP_MEM_READ));
    m->cpu.pc = 0x1000;
    m->cpu.r[3] = 0;
    atomic_store(&cpu->halted, 0);
    CHECK_INT(cpu_exec(cpu), EXCP_DEBUG);
    CHECK_U64(m->cpu.pc, 0x1014);
    CHECK_U64(m->cpu.r[3], 0x55);
    CHECK_U64(cpu->watchpoint_hit_addr, 0x300c);
    cpu->watchpoint_state = CPU_WATCH_NONE;
    cpu_watchpoint_remove_all(cpu);
    m->cpu.pc = 0x1000;
    CHECK_INT(cpu_exec(cpu), EXCP_HLT);
    CHECK_U64(m->cpu.r[4], 4);
    toy_machine_free(m);
}

UNITTEST(exec_stats_dump)
{
    ToyMachine *m = toy_machine_new();
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 1), toy_insn(TOY_HLT, 0, 0, 0));
    toy_run_from(m, 0x1000);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    tb_dump_stats(f);
    fclose(f);
    CHECK(strstr(text, "TB cache: 1 blocks (2 guest insns)") != NULL);
    CHECK(strstr(text, "cpu 0: 1 blocks run") != NULL);
    free(text);
    toy_machine_free(m);
}

UNITTEST(exec_memory_map_change_refills_tlb)
{
    ToyMachine *m = toy_machine_new();
    /* a second RAM bank at 0x20000, shown then hidden under the same address */
    MemoryRegion bank;
    memory_region_init_ram(&bank, NULL, "bank", 0x1000, &error_abort);
    uint64_t v = 0x5555;
    memcpy(memory_region_get_ram_ptr(&bank), &v, 8);
    memory_region_add_subregion(&m->root, 0x20000, &bank);
    TOY_LOAD(m, 0x1000, toy_insn(TOY_LI, 1, 0, 2), toy_insn(TOY_SLLI, 1, 1, 16),
             toy_insn(TOY_LD, 2, 1, 0), toy_insn(TOY_HLT, 0, 0, 0));
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[2], 0x5555);
    /* unmapped: the cached TLB entry must not keep reading the old RAM */
    memory_region_del_subregion(&m->root, &bank);
    toy_run_from(m, 0x1000);
    CHECK_U64(m->cpu.r[2], 0);                  /* unassigned reads 0 */
    memory_region_destroy(&bank);
    toy_machine_free(m);
}
