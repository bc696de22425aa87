/*
 * RV64I through the real decoder, translator, optimizer and IR interpreter
 * (rv_testbench.h): each test loads a few hand-encoded instructions, runs
 * them to a stop address and checks registers, memory and trap state.
 */
#include "guest/riscv/rv_testbench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec/exec.h"
#include "util/log.h"
#include "util/unittest.h"

#define OP_IMM 0x13
#define OP_IMM32 0x1b
#define OP 0x33
#define OP32 0x3b
#define LOAD 0x03
#define STORE 0x23
#define LUI 0x37
#define AUIPC 0x17
#define JALR 0x67

#define BASE RV_TB_RAM_BASE
#define RUN_MS 10000
#define DATA (BASE + 0x8000)

/* Load n instructions at BASE and run them up to their end. */
static bool run_prog(RvTestBench *tb, const uint32_t *insns, unsigned n)
{
    rv_bench_load32(tb, BASE, insns, n);
    return rv_bench_run(tb, BASE + 4 * n, RUN_MS);
}

UNITTEST(reset_state)
{
    RvTestBench *tb = rv_bench_new();
    CHECK_INT(tb->cpu.priv, PRV_M);
    CHECK_U64(tb->cpu.pc, BASE);
    CHECK_U64(tb->cpu.misa >> 62, 2);
    CHECK(tb->cpu.misa & RVC);
    CHECK_U64(tb->cpu.mstatus & (MSTATUS_MIE | MSTATUS_MPRV), 0);
    CHECK_U64(tb->cpu.load_res, UINT64_MAX);
    rv_bench_free(tb);
}

UNITTEST(addi_lui_auipc)
{
    RvTestBench *tb = rv_bench_new();
    const uint32_t p[] = {
        rv_enc_i(OP_IMM, 1, 0, 0, -5),          /* addi ra, zero, -5 */
        rv_enc_i(OP_IMM, 2, 0, 1, 2047),        /* addi sp, ra, 2047 */
        rv_enc_u(LUI, 3, (int32_t)0x80000000),  /* lui gp, 0x80000: sign-extends */
        rv_enc_u(AUIPC, 4, 0x1000),             /* auipc tp, 1 */
        rv_enc_i(OP_IMM, 0, 0, 1, 1),           /* addi zero, ra, 1: dropped */
    };
    CHECK(run_prog(tb, p, 5));
    CHECK_U64(tb->cpu.gpr[1], (uint64_t)-5);
    CHECK_U64(tb->cpu.gpr[2], 2042);
    CHECK_U64(tb->cpu.gpr[3], 0xffffffff80000000ull);
    CHECK_U64(tb->cpu.gpr[4], BASE + 12 + 0x1000);
    CHECK_U64(tb->cpu.gpr[0], 0);
    rv_bench_free(tb);
}

UNITTEST(shifts_and_compares)
{
    RvTestBench *tb = rv_bench_new();
    tb->cpu.gpr[10] = 0x8000000000000001ull;
    tb->cpu.gpr[11] = 63;
    tb->cpu.gpr[12] = 64;          /* sll uses rs2[5:0]: shift by 0 */
    const uint32_t p[] = {
        rv_enc_r(OP, 1, 1, 10, 11, 0),      /* sll  */
        rv_enc_r(OP, 2, 5, 10, 11, 0),      /* srl  */
        rv_enc_r(OP, 3, 5, 10, 11, 0x20),   /* sra  */
        rv_enc_r(OP, 4, 1, 10, 12, 0),      /* sll by 64 = by 0 */
        rv_enc_i(OP_IMM, 5, 5, 10, 0x400 | 63), /* srai 63 */
        rv_enc_r(OP, 6, 2, 10, 11, 0),      /* slt: negative < 63 */
        rv_enc_r(OP, 7, 3, 10, 11, 0),      /* sltu: huge < 63 is false */
        rv_enc_i(OP_IMM, 8, 3, 11, -1),     /* sltiu 63 < 0xfff..f */
    };
    CHECK(run_prog(tb, p, 8));
    CHECK_U64(tb->cpu.gpr[1], 0x8000000000000000ull);
    CHECK_U64(tb->cpu.gpr[2], 1);
    CHECK_U64(tb->cpu.gpr[3], UINT64_MAX);
    CHECK_U64(tb->cpu.gpr[4], 0x8000000000000001ull);
    CHECK_U64(tb->cpu.gpr[5], UINT64_MAX);
    CHECK_U64(tb->cpu.gpr[6], 1);
    CHECK_U64(tb->cpu.gpr[7], 0);
    CHECK_U64(tb->cpu.gpr[8], 1);
    rv_bench_free(tb);
}

UNITTEST(word_ops_sign_extend)
{
    RvTestBench *tb = rv_bench_new();
    tb->cpu.gpr[10] = 0x7fffffff;
    tb->cpu.gpr[11] = 0xffffffff00000001ull;
    tb->cpu.gpr[12] = 33;          /* W shifts use rs2[4:0]: 1 */
    const uint32_t p[] = {
        rv_enc_i(OP_IMM32, 1, 0, 10, 1),        /* addiw: 0x80000000 -> negative */
        rv_enc_r(OP32, 2, 0, 10, 11, 0),        /* addw */
        rv_enc_r(OP32, 3, 1, 11, 12, 0),        /* sllw by 1 */
        rv_enc_r(OP32, 4, 5, 1, 12, 0x20),      /* sraw 0x80000000 >> 1 */
        rv_enc_r(OP32, 5, 5, 1, 12, 0),         /* srlw */
        rv_enc_i(OP_IMM32, 6, 1, 10, 1),        /* slliw 1 */
        rv_enc_r(OP32, 7, 0, 0, 10, 0x20),      /* subw 0 - 0x7fffffff */
    };
    CHECK(run_prog(tb, p, 7));
    CHECK_U64(tb->cpu.gpr[1], 0xffffffff80000000ull);
    CHECK_U64(tb->cpu.gpr[2], 0xffffffff80000000ull);
    CHECK_U64(tb->cpu.gpr[3], 2);
    CHECK_U64(tb->cpu.gpr[4], 0xffffffffc0000000ull);
    CHECK_U64(tb->cpu.gpr[5], 0x40000000);
    CHECK_U64(tb->cpu.gpr[6], 0xfffffffffffffffeull);
    CHECK_U64(tb->cpu.gpr[7], 0xffffffff80000001ull);
    rv_bench_free(tb);
}

UNITTEST(loads_and_stores)
{
    RvTestBench *tb = rv_bench_new();
    tb->cpu.gpr[10] = DATA;
    tb->cpu.gpr[11] = 0x8899aabbccddeeffull;
    const uint32_t p[] = {
        rv_enc_s(STORE, 3, 10, 11, 0),      /* sd */
        rv_enc_i(LOAD, 1, 0, 10, 0),        /* lb  0xff -> -1 */
        rv_enc_i(LOAD, 2, 4, 10, 0),        /* lbu */
        rv_enc_i(LOAD, 3, 1, 10, 6),        /* lh at +6: 0x8899 */
        rv_enc_i(LOAD, 4, 2, 10, 4),        /* lw: 0x8899aabb sign-extended */
        rv_enc_i(LOAD, 5, 6, 10, 4),        /* lwu */
        rv_enc_s(STORE, 0, 10, 0, 1),       /* sb zero at +1 */
        rv_enc_i(LOAD, 6, 3, 10, 0),        /* ld */
        rv_enc_s(STORE, 2, 10, 11, 13),     /* sw misaligned at +13 */
        rv_enc_i(LOAD, 7, 6, 10, 13),       /* lwu misaligned */
    };
    CHECK(run_prog(tb, p, 10));
    CHECK_U64(tb->cpu.gpr[1], UINT64_MAX);
    CHECK_U64(tb->cpu.gpr[2], 0xff);
    CHECK_U64(tb->cpu.gpr[3], 0xffffffffffff8899ull);
    CHECK_U64(tb->cpu.gpr[4], 0xffffffff8899aabbull);
    CHECK_U64(tb->cpu.gpr[5], 0x8899aabb);
    CHECK_U64(tb->cpu.gpr[6], 0x8899aabbccdd00ffull);
    CHECK_U64(tb->cpu.gpr[7], 0xccddeeff);
    rv_bench_free(tb);
}

UNITTEST(branches_and_jumps)
{
    RvTestBench *tb = rv_bench_new();
    /* A loop: t0 counts 10 down, a0 sums; then jal/jalr. */
    const uint32_t p[] = {
        rv_enc_i(OP_IMM, 5, 0, 0, 10),      /* 0:  li t0, 10 */
        rv_enc_i(OP_IMM, 10, 0, 0, 0),      /* 4:  li a0, 0 */
        rv_enc_r(OP, 10, 0, 10, 5, 0),      /* 8:  add a0, a0, t0 */
        rv_enc_i(OP_IMM, 5, 0, 5, -1),      /* 12: addi t0, t0, -1 */
        rv_enc_b(1, 5, 0, -8),              /* 16: bnez t0, 8 */
        rv_enc_j(1, 8),                     /* 20: jal ra, 28 */
        rv_enc_i(OP_IMM, 11, 0, 0, 99),     /* 24: li a1, 99 (skipped) */
        rv_enc_i(JALR, 6, 0, 1, 13),        /* 28: jalr t1, 13(ra): to 24+13&~1 = 36 */
        rv_enc_i(OP_IMM, 12, 0, 0, 77),     /* 32: li a2, 77 (skipped) */
        rv_enc_b(4, 10, 0, 8),              /* 36: blt a0, zero, +8: not taken */
        rv_enc_b(7, 10, 0, 8),              /* 40: bgeu a0, zero, +8: taken */
        rv_enc_i(OP_IMM, 13, 0, 0, 55),     /* 44: (skipped) */
    };
    CHECK(run_prog(tb, p, 12));
    CHECK_U64(tb->cpu.gpr[10], 55);
    CHECK_U64(tb->cpu.gpr[1], BASE + 24);
    CHECK_U64(tb->cpu.gpr[6], BASE + 32);
    CHECK_U64(tb->cpu.gpr[11], 0);
    CHECK_U64(tb->cpu.gpr[12], 0);
    CHECK_U64(tb->cpu.gpr[13], 0);
    rv_bench_free(tb);
}

/* auipc/lui + jalr: the translator knows the target (a direct jump). */
UNITTEST(auipc_lui_jalr_known_targets)
{
    RvTestBench *tb = rv_bench_new();
    const uint32_t p[] = {
        rv_enc_u(AUIPC, 1, 0),              /* 0:  auipc ra, 0 */
        rv_enc_i(JALR, 1, 0, 1, 20),        /* 4:  jalr ra, 20(ra): to 20, rd == rs1 */
        rv_enc_i(OP_IMM, 11, 0, 0, 99),     /* 8:  (skipped) */
        rv_enc_i(OP_IMM, 11, 0, 0, 98),     /* 12: (skipped) */
        rv_enc_i(OP_IMM, 11, 0, 0, 97),     /* 16: (skipped) */
        rv_enc_u(AUIPC, 5, 0),              /* 20: auipc t0, 0 */
        rv_enc_i(OP_IMM, 12, 0, 0, 5),      /* 24: li a2, 5: t0 no longer "just set" */
        rv_enc_i(JALR, 6, 0, 5, 13),        /* 28: jalr t1, 13(t0): to 20+13&~1 = 32 */
    };
    CHECK(run_prog(tb, p, 8));
    CHECK_U64(tb->cpu.gpr[1], BASE + 8);
    CHECK_U64(tb->cpu.gpr[11], 0);
    CHECK_U64(tb->cpu.gpr[5], BASE + 20);
    CHECK_U64(tb->cpu.gpr[12], 5);
    CHECK_U64(tb->cpu.gpr[6], BASE + 32);

    /* a loop whose blocks end in auipc + jalr and bnez: both chain (on the
     * interpreter the loop counts the chained entries) */
    const uint32_t loop[] = {
        rv_enc_i(OP_IMM, 5, 0, 0, 40),      /* 0:  li t0, 40 */
        rv_enc_u(AUIPC, 6, 0),              /* 4:  auipc t1, 0 */
        rv_enc_i(JALR, 0, 0, 6, 8),         /* 8:  jr 8(t1): to 12 */
        rv_enc_i(OP_IMM, 5, 0, 5, -1),      /* 12: addi t0, t0, -1 */
        rv_enc_b(1, 5, 0, -12),             /* 16: bnez t0, 4 */
    };
    tb->cpu.pc = BASE;
    uint64_t chained = tb->cpu.parent.stat_chain_hits;
    CHECK(run_prog(tb, loop, 5));
    CHECK_U64(tb->cpu.gpr[5], 0);
    if (exec_get_backend() == EXEC_BACKEND_INTERP) {
        CHECK(tb->cpu.parent.stat_chain_hits - chained >= 70);
    }

    /* lui + jalr to an address with no memory: the fetch faults there,
     * after the jump wrote rd */
    tb->cpu.mtvec = BASE + 0x100;
    const uint32_t q[] = {
        rv_enc_u(LUI, 7, 0x1000),           /* lui t2, 0x1 */
        rv_enc_i(JALR, 1, 0, 7, 2),         /* jalr ra, 2(t2): to 0x1002 */
    };
    tb->cpu.pc = BASE;
    rv_bench_load32(tb, BASE, q, 2);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.mepc, 0x1002);
    CHECK_U64(tb->cpu.gpr[1], BASE + 8);

    /* without C, a known misaligned target raises at the jalr, rd unchanged */
    tb->cpu.misa &= ~RVC;
    const uint32_t r[] = {
        rv_enc_u(AUIPC, 5, 0),              /* auipc t0, 0 */
        rv_enc_i(JALR, 1, 0, 5, 6),         /* jalr ra, 6(t0): to 6 */
    };
    tb->cpu.gpr[1] = 0x55;
    tb->cpu.pc = BASE;
    rv_bench_load32(tb, BASE, r, 2);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_INST_ADDR_MIS);
    CHECK_U64(tb->cpu.mepc, BASE + 4);
    CHECK_U64(tb->cpu.mtval, BASE + 6);
    CHECK_U64(tb->cpu.gpr[1], 0x55);
    rv_bench_free(tb);
}

UNITTEST(illegal_instruction_traps_with_bits)
{
    RvTestBench *tb = rv_bench_new();
    tb->cpu.mtvec = BASE + 0x100;
    const uint32_t p[] = {
        rv_enc_i(OP_IMM, 1, 0, 0, 1),
        0xffffffffu,                        /* no such instruction */
    };
    rv_bench_load32(tb, BASE, p, 2);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.gpr[1], 1);
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_ILLEGAL_INST);
    CHECK_U64(tb->cpu.mepc, BASE + 4);
    CHECK_U64(tb->cpu.mtval, 0xffffffffu);
    rv_bench_free(tb);
}

UNITTEST(compressed_instructions)
{
    RvTestBench *tb = rv_bench_new();
    const uint16_t p[] = {
        0x4515,     /* c.li a0, 5 */
        0x0505,     /* c.addi a0, 1 */
        0x85aa,     /* c.mv a1, a0 */
        0x95aa,     /* c.add a1, a0 */
        0x0586,     /* c.slli a1, 1 */
        0x0000,     /* illegal (defined as such) */
    };
    tb->cpu.mtvec = BASE + 0x100;
    rv_bench_load16(tb, BASE, p, 6);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.gpr[10], 6);
    CHECK_U64(tb->cpu.gpr[11], 24);
    CHECK_U64(tb->cpu.mepc, BASE + 10);
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_ILLEGAL_INST);
    CHECK_U64(tb->cpu.mtval, 0);
    rv_bench_free(tb);
}

UNITTEST(insn_straddling_a_page_starts_a_block)
{
    RvTestBench *tb = rv_bench_new();
    uint64_t at = BASE + 4096 - 8;
    const uint32_t addi1 = rv_enc_i(OP_IMM, 1, 0, 0, 1);
    const uint16_t caddi = 0x0085;                      /* c.addi ra, 1 */
    const uint32_t addi7 = rv_enc_i(OP_IMM, 2, 0, 0, 7); /* straddles the page end */

    rv_bench_load32(tb, at, &addi1, 1);
    rv_bench_load16(tb, at + 4, &caddi, 1);
    rv_bench_load32(tb, at + 6, &addi7, 1);
    tb->cpu.pc = at;
    CHECK(rv_bench_run(tb, at + 10, RUN_MS));
    CHECK_U64(tb->cpu.gpr[1], 2);
    CHECK_U64(tb->cpu.gpr[2], 7);
    /* [addi, c.addi], then [addi] alone (it straddles), then the stub. */
    CHECK_U64(rv_bench_translations(tb), 3);
    rv_bench_free(tb);
}

UNITTEST(misaligned_targets_without_c)
{
    RvTestBench *tb = rv_bench_new();
    tb->cpu.misa &= ~RVC;
    tb->cpu.mtvec = BASE + 0x100;

    /* jal to pc + 6: raises at the jal, rd unchanged, tval = the target. */
    const uint32_t jal = rv_enc_j(1, 6);
    tb->cpu.gpr[1] = 0x55;
    rv_bench_load32(tb, BASE, &jal, 1);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_INST_ADDR_MIS);
    CHECK_U64(tb->cpu.mepc, BASE);
    CHECK_U64(tb->cpu.mtval, BASE + 6);
    CHECK_U64(tb->cpu.gpr[1], 0x55);

    /* A branch to a misaligned target raises only when taken. */
    const uint32_t p[] = {
        rv_enc_b(1, 0, 0, 6),                   /* bne zero, zero: not taken */
        rv_enc_b(0, 0, 0, 6),                   /* beq zero, zero: taken, misaligned */
    };
    tb->cpu.pc = BASE;
    rv_bench_load32(tb, BASE, p, 2);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.mepc, BASE + 4);
    CHECK_U64(tb->cpu.mtval, BASE + 10);

    /* jalr: bit 0 is cleared, bit 1 is not: raises; rd unchanged. */
    const uint32_t jalr = rv_enc_i(0x67, 1, 0, 10, 3);
    tb->cpu.gpr[10] = BASE + 0x40;
    tb->cpu.pc = BASE;
    rv_bench_load32(tb, BASE, &jalr, 1);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_INST_ADDR_MIS);
    CHECK_U64(tb->cpu.mtval, BASE + 0x42);
    CHECK_U64(tb->cpu.gpr[1], 0x55);

    /* 16-bit parcels are illegal without C, tval = the 16 bits. */
    const uint16_t cli = 0x4515;
    tb->cpu.pc = BASE;
    rv_bench_load16(tb, BASE, &cli, 1);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_ILLEGAL_INST);
    CHECK_U64(tb->cpu.mtval, 0x4515);
    CHECK_U64(tb->cpu.gpr[10], BASE + 0x40);
    rv_bench_free(tb);
}

UNITTEST(fence_i_and_pause_end_the_block)
{
    RvTestBench *tb = rv_bench_new();
    const uint32_t p[] = {
        0x0000100f,                             /* fence.i */
        0x0100000f,                             /* pause */
        0x0ff0000f,                             /* fence iorw, iorw */
        rv_enc_i(OP_IMM, 1, 0, 0, 3),
    };
    CHECK(run_prog(tb, p, 4));
    CHECK_U64(tb->cpu.gpr[1], 3);
    /* fence.i ends its block, pause ends its own, the rest (and the
     * finisher stub) is one more. */
    CHECK_U64(rv_bench_translations(tb), 3);
    rv_bench_free(tb);
}

UNITTEST(in_asm_log_disassembles_the_block)
{
    char path[] = "/tmp/morpho-in-asm-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK(log_set_file(path));
    uint32_t saved = log_mask;
    log_mask |= LOG_IN_ASM;

    RvTestBench *tb = rv_bench_new();
    const uint32_t p[] = { rv_enc_i(OP_IMM, 10, 0, 0, -5) };
    const uint16_t c = 0x0505;                  /* c.addi a0, 1 */
    rv_bench_load32(tb, BASE, p, 1);
    rv_bench_load16(tb, BASE + 4, &c, 1);
    rv_bench_load16(tb, BASE + 6, &c, 1);
    CHECK(rv_bench_run(tb, BASE + 8, RUN_MS));
    CHECK_U64(tb->cpu.gpr[10], (uint64_t)-3);
    rv_bench_free(tb);

    log_mask = saved;
    log_set_file(NULL);
    char text[8192] = { 0 };
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f) {
        size_t n = fread(text, 1, sizeof(text) - 1, f);
        text[n] = 0;
        fclose(f);
    }
    unlink(path);
    CHECK(strstr(text, "0x0000000080000000:  ffb00513          addi\ta0,zero,-5") != NULL);
    CHECK(strstr(text, "0x0000000080000004:  0505              addi\ta0,a0,1") != NULL);
    CHECK(strstr(text, "0x0000000080000006:  0505              addi\ta0,a0,1") != NULL);
}

UNITTEST(bus_errors_are_access_faults)
{
    RvTestBench *tb = rv_bench_new();
    tb->cpu.mtvec = BASE + 0x100;
    tb->cpu.gpr[10] = 0x40000000;               /* nothing there */
    tb->cpu.gpr[5] = 0x77;

    const uint32_t ld = rv_enc_i(LOAD, 5, 3, 10, 8);
    rv_bench_load32(tb, BASE, &ld, 1);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_LOAD_ACCESS_FAULT);
    CHECK_U64(tb->cpu.mtval, 0x40000008);
    CHECK_U64(tb->cpu.mepc, BASE);
    CHECK_U64(tb->cpu.gpr[5], 0x77);

    const uint32_t sd = rv_enc_s(STORE, 3, 10, 5, -8);
    tb->cpu.pc = BASE;
    rv_bench_load32(tb, BASE, &sd, 1);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_STORE_AMO_ACCESS_FAULT);
    CHECK_U64(tb->cpu.mtval, 0x3ffffff8);
    rv_bench_free(tb);
}
