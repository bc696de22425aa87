/*
 * PMP alone (pmp.c): the address-matching modes, the default rule, the
 * lock bit, priority by lowest index, partial matches, WARL on the CSRs and
 * the page-granular rights the MMU caches.
 */
#include "guest/riscv/pmp.h"

#include <string.h>

#include "guest/riscv/csr.h"
#include "util/unittest.h"

static void pmp_cpu(RiscvCpu *cpu)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->misa = MISA_MXL_RV64 | RVI | RVM | RVA | RVF | RVD | RVC | RVS | RVU;
    riscv_cpu_reset(cpu);
}

/* pmpaddr for a NAPOT region of size bytes (a power of two >= 8) at base. */
static uint64_t napot(uint64_t base, uint64_t size)
{
    return (base >> 2) | ((size >> 3) - 1);
}

static void set_cfg(RiscvCpu *cpu, unsigned i, uint8_t cfg)
{
    uint64_t v = riscv_pmp_read_cfg(cpu, (i / 8) * 2);
    v &= ~(0xffull << (8 * (i % 8)));
    v |= (uint64_t)cfg << (8 * (i % 8));
    riscv_pmp_write_cfg(cpu, (i / 8) * 2, v);
}

#define A(mode) ((PMP_A_##mode) << PMP_A_SHIFT)

UNITTEST(no_entries_allow_everyone)
{
    RiscvCpu cpu;
    pmp_cpu(&cpu);
    CHECK(riscv_pmp_allows(&cpu, 0x80000000, 8, MMU_DATA_STORE, PRV_U));
    CHECK(riscv_pmp_allows(&cpu, 0x80000000, 8, MMU_INST_FETCH, PRV_S));
    CHECK(riscv_pmp_allows(&cpu, 0, 1, MMU_DATA_LOAD, PRV_M));
}

UNITTEST(napot_region_and_default_deny)
{
    RiscvCpu cpu;
    pmp_cpu(&cpu);
    riscv_pmp_write_addr(&cpu, 0, napot(0x80000000, 0x10000));
    set_cfg(&cpu, 0, A(NAPOT) | PMP_R);
    CHECK(riscv_pmp_allows(&cpu, 0x80000000, 8, MMU_DATA_LOAD, PRV_S));
    CHECK(riscv_pmp_allows(&cpu, 0x8000fff8, 8, MMU_DATA_LOAD, PRV_U));
    CHECK(!riscv_pmp_allows(&cpu, 0x80000000, 8, MMU_DATA_STORE, PRV_S));
    CHECK(!riscv_pmp_allows(&cpu, 0x80000000, 4, MMU_INST_FETCH, PRV_S));
    /* outside: no match, an entry is active: S/U denied, M allowed */
    CHECK(!riscv_pmp_allows(&cpu, 0x80010000, 8, MMU_DATA_LOAD, PRV_S));
    CHECK(riscv_pmp_allows(&cpu, 0x80010000, 8, MMU_DATA_STORE, PRV_M));
    /* unlocked entries do not bind M */
    CHECK(riscv_pmp_allows(&cpu, 0x80000000, 8, MMU_DATA_STORE, PRV_M));
    /* an access straddling the end matches in part: fails, even for M */
    CHECK(!riscv_pmp_allows(&cpu, 0x8000fffc, 8, MMU_DATA_LOAD, PRV_S));
    CHECK(!riscv_pmp_allows(&cpu, 0x8000fffc, 8, MMU_DATA_LOAD, PRV_M));
}

UNITTEST(napot_all_ones_covers_everything)
{
    RiscvCpu cpu;
    pmp_cpu(&cpu);
    riscv_pmp_write_addr(&cpu, 0, ~0ull);
    CHECK_U64(riscv_pmp_read_addr(&cpu, 0), (1ull << 54) - 1);
    set_cfg(&cpu, 0, A(NAPOT) | PMP_R | PMP_W | PMP_X);
    CHECK(riscv_pmp_allows(&cpu, 0, 8, MMU_DATA_STORE, PRV_U));
    CHECK(riscv_pmp_allows(&cpu, 0xfffffffffff000ull, 8, MMU_DATA_STORE, PRV_U));
}

UNITTEST(tor_and_na4)
{
    RiscvCpu cpu;
    pmp_cpu(&cpu);
    /* entry 0: TOR [0, 0x80001000) RX; entry 1: TOR [0x80001000, 0x80002000) RW;
     * entry 2: NA4 at 0x80003000 R */
    riscv_pmp_write_addr(&cpu, 0, 0x80001000 >> 2);
    riscv_pmp_write_addr(&cpu, 1, 0x80002000 >> 2);
    riscv_pmp_write_addr(&cpu, 2, 0x80003000 >> 2);
    set_cfg(&cpu, 0, A(TOR) | PMP_R | PMP_X);
    set_cfg(&cpu, 1, A(TOR) | PMP_R | PMP_W);
    set_cfg(&cpu, 2, A(NA4) | PMP_R);
    CHECK(riscv_pmp_allows(&cpu, 0x80000ffc, 4, MMU_INST_FETCH, PRV_S));
    CHECK(!riscv_pmp_allows(&cpu, 0x80000ffc, 4, MMU_DATA_STORE, PRV_S));
    CHECK(riscv_pmp_allows(&cpu, 0x80001000, 8, MMU_DATA_STORE, PRV_S));
    CHECK(!riscv_pmp_allows(&cpu, 0x80001000, 4, MMU_INST_FETCH, PRV_S));
    CHECK(!riscv_pmp_allows(&cpu, 0x80002000, 4, MMU_DATA_LOAD, PRV_S));
    CHECK(riscv_pmp_allows(&cpu, 0x80003000, 4, MMU_DATA_LOAD, PRV_S));
    CHECK(!riscv_pmp_allows(&cpu, 0x80003000, 8, MMU_DATA_LOAD, PRV_S));   /* partial */
    CHECK(!riscv_pmp_allows(&cpu, 0x80003004, 4, MMU_DATA_LOAD, PRV_S));
    /* a TOR whose top is below its bottom matches nothing */
    riscv_pmp_write_addr(&cpu, 3, 0x1000 >> 2);
    set_cfg(&cpu, 3, A(TOR) | PMP_R);
    CHECK(!riscv_pmp_allows(&cpu, 0x80003008, 4, MMU_DATA_LOAD, PRV_S));
}

UNITTEST(lowest_index_wins)
{
    RiscvCpu cpu;
    pmp_cpu(&cpu);
    riscv_pmp_write_addr(&cpu, 0, napot(0x80000000, 0x1000));
    set_cfg(&cpu, 0, A(NAPOT));                                   /* no rights */
    riscv_pmp_write_addr(&cpu, 1, napot(0x80000000, 0x100000));
    set_cfg(&cpu, 1, A(NAPOT) | PMP_R | PMP_W | PMP_X);
    CHECK(!riscv_pmp_allows(&cpu, 0x80000800, 8, MMU_DATA_LOAD, PRV_S));
    CHECK(riscv_pmp_allows(&cpu, 0x80001800, 8, MMU_DATA_LOAD, PRV_S));
}

UNITTEST(lock_binds_m_and_freezes_the_entry)
{
    RiscvCpu cpu;
    pmp_cpu(&cpu);
    riscv_pmp_write_addr(&cpu, 1, napot(0x80000000, 0x1000));
    set_cfg(&cpu, 1, A(NAPOT) | PMP_R | PMP_L);
    CHECK(riscv_pmp_allows(&cpu, 0x80000000, 8, MMU_DATA_LOAD, PRV_M));
    CHECK(!riscv_pmp_allows(&cpu, 0x80000000, 8, MMU_DATA_STORE, PRV_M));
    CHECK(!riscv_pmp_allows(&cpu, 0x80000000, 4, MMU_INST_FETCH, PRV_M));
    /* locked: cfg and addr writes are ignored until reset */
    set_cfg(&cpu, 1, A(NAPOT) | PMP_R | PMP_W | PMP_X);
    CHECK_INT(cpu.pmpcfg[1], A(NAPOT) | PMP_R | PMP_L);
    riscv_pmp_write_addr(&cpu, 1, 0);
    CHECK_U64(riscv_pmp_read_addr(&cpu, 1), napot(0x80000000, 0x1000));
    /* other entries of the same pmpcfg register still change */
    set_cfg(&cpu, 2, A(NA4) | PMP_R);
    CHECK_INT(cpu.pmpcfg[2], A(NA4) | PMP_R);
    riscv_cpu_reset(&cpu);
    CHECK_INT(cpu.pmpcfg[1], 0);
}

UNITTEST(locked_tor_locks_the_address_below)
{
    RiscvCpu cpu;
    pmp_cpu(&cpu);
    riscv_pmp_write_addr(&cpu, 2, 0x80000000 >> 2);
    riscv_pmp_write_addr(&cpu, 3, 0x80001000 >> 2);
    set_cfg(&cpu, 3, A(TOR) | PMP_R | PMP_L);
    riscv_pmp_write_addr(&cpu, 2, 0);
    CHECK_U64(riscv_pmp_read_addr(&cpu, 2), 0x80000000 >> 2);
    /* not so for a locked NAPOT entry */
    pmp_cpu(&cpu);
    riscv_pmp_write_addr(&cpu, 3, napot(0x80000000, 0x1000));
    set_cfg(&cpu, 3, A(NAPOT) | PMP_R | PMP_L);
    riscv_pmp_write_addr(&cpu, 2, 0x1234);
    CHECK_U64(riscv_pmp_read_addr(&cpu, 2), 0x1234);
}

UNITTEST(cfg_warl)
{
    RiscvCpu cpu;
    pmp_cpu(&cpu);
    /* R=0 W=1 is reserved: W reads back 0; bits 6:5 are zero */
    riscv_pmp_write_cfg(&cpu, 0, 0x0000000000006706ull);
    CHECK_U64(riscv_pmp_read_cfg(&cpu, 0), 0x0000000000000704ull);
    /* pmpcfg2 holds entries 8..15; pmpcfg4.. do not exist here: zero */
    riscv_pmp_write_cfg(&cpu, 2, 0x1f00000000000000ull);
    CHECK_INT(cpu.pmpcfg[15], 0x1f);
    riscv_pmp_write_cfg(&cpu, 4, ~0ull);
    CHECK_U64(riscv_pmp_read_cfg(&cpu, 4), 0);
    /* through the CSR file, from M */
    uint64_t v = 0;
    CHECK(riscv_csr_access(&cpu, CSR_pmpcfg2, &v, 0, 0, false));
    CHECK_U64(v, 0x1f00000000000000ull);
    CHECK(!riscv_csr_access(&cpu, CSR_pmpcfg0 + 1, &v, 0, 0, false));  /* odd: RV32 only */
    cpu.priv = PRV_S;
    CHECK(!riscv_csr_access(&cpu, CSR_pmpaddr0, &v, 0, 0, false));
}

UNITTEST(page_rights)
{
    RiscvCpu cpu;
    bool uniform;
    pmp_cpu(&cpu);
    riscv_pmp_write_addr(&cpu, 0, napot(0x80000000, 0x2000));
    set_cfg(&cpu, 0, A(NAPOT) | PMP_R | PMP_X);
    riscv_pmp_write_addr(&cpu, 1, 0x80003000 >> 2);
    set_cfg(&cpu, 1, A(NA4) | PMP_R);
    CHECK_INT(riscv_pmp_page_prot(&cpu, 0x80001000, PRV_S, &uniform), PAGE_READ | PAGE_EXEC);
    CHECK(uniform);
    CHECK_INT(riscv_pmp_page_prot(&cpu, 0x80001000, PRV_M, &uniform),
              PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    CHECK_INT(riscv_pmp_page_prot(&cpu, 0x80002000, PRV_S, &uniform), 0);
    CHECK(uniform);
    riscv_pmp_page_prot(&cpu, 0x80003000, PRV_S, &uniform);
    CHECK(!uniform);
}

UNITTEST(cached_page_decisions_follow_changes)
{
    /* Decisions are cached per page and privilege: every way an entry can
     * change must be seen by the next check. */
    RiscvCpu cpu;
    pmp_cpu(&cpu);
    riscv_pmp_write_addr(&cpu, 0, napot(0x80000000, 0x10000));
    set_cfg(&cpu, 0, A(NAPOT) | PMP_R);
    CHECK(riscv_pmp_allows(&cpu, 0x80001000, 8, MMU_DATA_LOAD, PRV_S));
    CHECK(!riscv_pmp_allows(&cpu, 0x80001000, 8, MMU_DATA_STORE, PRV_S));
    /* the cfg changes */
    set_cfg(&cpu, 0, A(NAPOT) | PMP_R | PMP_W);
    CHECK(riscv_pmp_allows(&cpu, 0x80001000, 8, MMU_DATA_STORE, PRV_S));
    /* the address changes: the page falls outside */
    riscv_pmp_write_addr(&cpu, 0, napot(0x90000000, 0x10000));
    CHECK(!riscv_pmp_allows(&cpu, 0x80001000, 8, MMU_DATA_LOAD, PRV_S));
    CHECK(riscv_pmp_allows(&cpu, 0x80001000, 8, MMU_DATA_LOAD, PRV_M));
    /* reset: no entries, allowed again */
    riscv_cpu_reset(&cpu);
    CHECK(riscv_pmp_allows(&cpu, 0x80001000, 8, MMU_DATA_LOAD, PRV_S));
    /* a page split by an NA4 entry: every access decided on its own */
    riscv_pmp_write_addr(&cpu, 0, 0x80002010 >> 2);
    riscv_pmp_write_addr(&cpu, 1, napot(0x80000000, 0x10000));
    set_cfg(&cpu, 0, A(NA4));
    set_cfg(&cpu, 1, A(NAPOT) | PMP_R | PMP_W);
    for (int round = 0; round < 2; round++) {
        CHECK(riscv_pmp_allows(&cpu, 0x80002008, 8, MMU_DATA_LOAD, PRV_S));
        CHECK(!riscv_pmp_allows(&cpu, 0x80002010, 4, MMU_DATA_LOAD, PRV_S));
        CHECK(!riscv_pmp_allows(&cpu, 0x8000200c, 8, MMU_DATA_LOAD, PRV_S));
        CHECK(riscv_pmp_allows(&cpu, 0x80002014, 4, MMU_DATA_STORE, PRV_S));
    }
    bool uniform = true;
    CHECK_INT(riscv_pmp_page_prot(&cpu, 0x80002000, PRV_S, &uniform), 0);
    CHECK(!uniform);
    CHECK_INT(riscv_pmp_page_prot(&cpu, 0x80003000, PRV_S, &uniform), PAGE_READ | PAGE_WRITE);
    CHECK(uniform);
    /* the same page at another privilege is another decision */
    CHECK(riscv_pmp_allows(&cpu, 0x80003000, 8, MMU_INST_FETCH, PRV_M));
    CHECK(!riscv_pmp_allows(&cpu, 0x80003000, 8, MMU_INST_FETCH, PRV_S));
}
