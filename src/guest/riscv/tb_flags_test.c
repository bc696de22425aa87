/*
 * The cached TB flags (RiscvCpu.tb_flags): after every kind of change to
 * their inputs — CSR writes to mstatus/sstatus (MPRV, MPP, SUM, TW, TSR,
 * TVM, FS), trap entry, mret, sret, an FP instruction marking FS dirty,
 * reset — run as guest code on the test bench (interpreter and JIT: the
 * bench's backend), the cached word must equal a fresh riscv_tb_flags().
 * A stale word would select blocks translated for another mode.
 */
#include "guest/riscv/csr.h"

#include <stdlib.h>

#include "guest/riscv/rv_testbench.h"
#include "guest/riscv/translate.h"
#include "util/unittest.h"

#define BASE RV_TB_RAM_BASE
#define MTRAP (BASE + 0x1000)
#define CODE (BASE + 0x3000)
#define TARGET (BASE + 0x4000)

#define CSR_SSTATUS 0x100
#define CSR_MSTATUS 0x300
#define MRET 0x30200073u
#define SRET 0x10200073u
#define ECALL 0x00000073u
#define CSRRW(rd, csr, rs1) RV_I(0x73, rd, 1, rs1, csr)
#define CSRRS(rd, csr, rs1) RV_I(0x73, rd, 2, rs1, csr)
#define CSRRC(rd, csr, rs1) RV_I(0x73, rd, 3, rs1, csr)
#define FMV_D_X(fd, rs1) RV_R(0x53, fd, 0, rs1, 0, 0x79)

static RvTestBench *bench(void)
{
    RvTestBench *tb = rv_bench_new();
    tb->cpu.mtvec = MTRAP;
    tb->cpu.stvec = MTRAP;
    return tb;
}

/* Run n instructions at CODE from priv with x5 = val, until stop. */
static bool run(RvTestBench *tb, unsigned priv, const uint32_t *insns, unsigned n,
                uint64_t val, uint64_t stop)
{
    rv_bench_load32(tb, CODE, insns, n);
    tb->cpu.pc = CODE;
    tb->cpu.priv = priv;
    tb->cpu.gpr[5] = val;
    return rv_bench_run(tb, stop, 10000);
}

static bool flags_fresh(RvTestBench *tb)
{
    return tb->cpu.tb_flags == riscv_tb_flags(&tb->cpu);
}

UNITTEST(reset_syncs)
{
    RvTestBench *tb = bench();
    tb->cpu.tb_flags = 0xdead;
    riscv_cpu_reset(&tb->cpu);
    CHECK(flags_fresh(tb));
    rv_bench_free(tb);
}

UNITTEST(mstatus_writes)
{
    static const uint64_t values[] = {
        0,
        MSTATUS_MPRV | (uint64_t)PRV_S << MSTATUS_MPP_SHIFT,
        MSTATUS_MPRV | (uint64_t)PRV_U << MSTATUS_MPP_SHIFT,
        MSTATUS_MPRV | (uint64_t)PRV_S << MSTATUS_MPP_SHIFT | MSTATUS_SUM,
        MSTATUS_TW, MSTATUS_TSR, MSTATUS_TVM,
        (uint64_t)1 << MSTATUS_FS_SHIFT, (uint64_t)2 << MSTATUS_FS_SHIFT,
        (uint64_t)3 << MSTATUS_FS_SHIFT, 0,
    };
    RvTestBench *tb = bench();
    const uint32_t code[] = { CSRRW(0, CSR_MSTATUS, 5) };
    uint32_t prev = tb->cpu.tb_flags;
    unsigned changed = 0;
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        CHECK(run(tb, PRV_M, code, 1, values[i], CODE + 4));
        CHECK(flags_fresh(tb));
        changed += tb->cpu.tb_flags != prev;
        prev = tb->cpu.tb_flags;
    }
    CHECK(changed >= 8);        /* the writes did change the flags */
    rv_bench_free(tb);
}

UNITTEST(sstatus_sum_in_s)
{
    RvTestBench *tb = bench();
    const uint32_t set[] = { CSRRS(0, CSR_SSTATUS, 5) };
    const uint32_t clear[] = { CSRRC(0, CSR_SSTATUS, 5) };
    CHECK(run(tb, PRV_S, set, 1, MSTATUS_SUM, CODE + 4));
    CHECK(flags_fresh(tb));
    CHECK_INT((tb->cpu.tb_flags & TB_FLAGS_MMU_MASK) >> TB_FLAGS_MMU_SHIFT, RISCV_MMU_IDX_S_SUM);
    CHECK(run(tb, PRV_S, clear, 1, MSTATUS_SUM, CODE + 4));
    CHECK(flags_fresh(tb));
    CHECK_INT((tb->cpu.tb_flags & TB_FLAGS_MMU_MASK) >> TB_FLAGS_MMU_SHIFT, RISCV_MMU_IDX_S);
    rv_bench_free(tb);
}

UNITTEST(mret_sret_and_traps)
{
    RvTestBench *tb = bench();
    /* mret to S, then to U */
    for (unsigned to = PRV_U; to <= PRV_S; to++) {
        tb->cpu.mstatus = (tb->cpu.mstatus & ~MSTATUS_MPP) | (uint64_t)to << MSTATUS_MPP_SHIFT;
        tb->cpu.mepc = TARGET;
        const uint32_t code[] = { MRET };
        CHECK(run(tb, PRV_M, code, 1, 0, TARGET));
        CHECK_INT(tb->cpu.priv, to);
        CHECK(flags_fresh(tb));
        CHECK_INT(tb->cpu.tb_flags & TB_FLAGS_PRIV_MASK, to << TB_FLAGS_PRIV_SHIFT);
    }
    /* sret from S to U */
    tb->cpu.mstatus &= ~MSTATUS_SPP;
    tb->cpu.sepc = TARGET;
    const uint32_t sret[] = { SRET };
    CHECK(run(tb, PRV_S, sret, 1, 0, TARGET));
    CHECK_INT(tb->cpu.priv, PRV_U);
    CHECK(flags_fresh(tb));
    /* ecall from U and S: trap entry to M */
    const uint32_t ecall[] = { ECALL };
    for (unsigned from = PRV_U; from <= PRV_S; from++) {
        CHECK(run(tb, from, ecall, 1, 0, MTRAP));
        CHECK_INT(tb->cpu.priv, PRV_M);
        CHECK(flags_fresh(tb));
    }
    rv_bench_free(tb);
}

UNITTEST(fp_marks_fs_dirty)
{
    RvTestBench *tb = bench();
    /* FS Initial, then an FP register write: Dirty, in mstatus and flags */
    tb->cpu.mstatus = (tb->cpu.mstatus & ~MSTATUS_FS) | (uint64_t)1 << MSTATUS_FS_SHIFT;
    const uint32_t code[] = { FMV_D_X(1, 5), CSRRS(6, CSR_MSTATUS, 0) };
    CHECK(run(tb, PRV_M, code, 2, 42, CODE + 8));
    CHECK_U64(tb->cpu.mstatus & MSTATUS_FS, MSTATUS_FS);
    CHECK(flags_fresh(tb));
    CHECK_INT(tb->cpu.tb_flags & TB_FLAGS_FS_MASK, TB_FLAGS_FS_MASK);
    rv_bench_free(tb);
}
