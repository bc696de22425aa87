/*
 * PMP (Privileged ISA 1.12, 3.7) seen by a guest: NAPOT, TOR and NA4
 * regions for S and U (load, store and fetch access faults with tval the
 * address), priority by lowest index over a catch-all entry, unlocked
 * entries not binding M, and a locked entry that binds M and ignores
 * writes.
 */
#include "priv_common.h"

#define A_TOR (1u << 3)
#define A_NA4 (2u << 3)
#define A_NAPOT (3u << 3)
#define R 1u
#define W 2u
#define X 4u
#define L 0x80u

static uint8_t region[4 * 4096] __attribute__((aligned(4096)));
static volatile uint64_t s_value;
static volatile uint64_t *s_ptr;

static void s_load(void)
{
    s_value = *s_ptr;
}

static void s_store(void)
{
    *s_ptr = 0x5a;
}

static void s_call(void)
{
    ((void (*)(void))s_ptr)();
}

static void s_load32(void)
{
    s_value = *(volatile uint32_t *)s_ptr;
}

/* both in one S-mode run: returning to M flushes the TLB (MPP writes) */
static void s_load32_then_64(void)
{
    s_value = *(volatile uint32_t *)s_ptr;
    s_value = *s_ptr;
}

static void set_cfg(unsigned i, uint8_t cfg)
{
    uint64_t v = csr_read(pmpcfg0);
    v &= ~(0xfful << (8 * i));
    v |= (uint64_t)cfg << (8 * i);
    csr_write(pmpcfg0, v);
}

static uint64_t faults_in(unsigned priv, void (*fn)(void), volatile void *addr)
{
    uint64_t n = m_trap.count;
    s_ptr = addr;
    run_in(priv, fn);
    return m_trap.count - n;
}

static void napot(void)
{
    /* entry 0: region's first page, read-only */
    csr_write(pmpaddr0, ((uint64_t)region >> 2) | ((4096 >> 3) - 1));
    set_cfg(0, A_NAPOT | R);
    *(volatile uint64_t *)region = 77;
    CHECK_EQ(faults_in(PRV_S, s_load, region), 0);
    CHECK_EQ(s_value, 77);
    CHECK_EQ(faults_in(PRV_U, s_load, region + 8), 0);
    CHECK_EQ(faults_in(PRV_S, s_store, region + 16), 1);
    CHECK_EQ(m_trap.cause, EXC_STORE_ACCESS);
    CHECK_EQ(m_trap.tval, (uint64_t)(region + 16));
    /* fetch: no X */
    *(volatile uint32_t *)(region + 32) = 0x00008067;   /* ret */
    __asm__ volatile("fence.i");
    CHECK_EQ(faults_in(PRV_S, s_call, region + 32), 1);
    CHECK_EQ(m_trap.cause, EXC_INST_ACCESS);
    CHECK_EQ(m_trap.tval, (uint64_t)(region + 32));
    /* M is not bound by unlocked entries */
    *(volatile uint64_t *)(region + 16) = 5;
    CHECK_EQ(*(volatile uint64_t *)(region + 16), 5);
    /* the next page falls through to entry 15 (RWX) */
    CHECK_EQ(faults_in(PRV_S, s_store, region + 4096), 0);
    set_cfg(0, 0);
}

static void tor_and_na4(void)
{
    /* entry 1 (bottom, off) .. entry 2 (top, TOR): pages 1-2, execute-only */
    csr_write(pmpaddr1, ((uint64_t)region + 4096) >> 2);
    csr_write(pmpaddr2, ((uint64_t)region + 3 * 4096) >> 2);
    set_cfg(2, A_TOR | X);
    CHECK_EQ(faults_in(PRV_S, s_load, region + 4096), 1);
    CHECK_EQ(m_trap.cause, EXC_LOAD_ACCESS);
    CHECK_EQ(faults_in(PRV_S, s_load, region + 3 * 4096 - 8), 1);
    CHECK_EQ(faults_in(PRV_S, s_load, region + 3 * 4096), 0);
    *(volatile uint32_t *)(region + 4096) = 0x00008067;
    __asm__ volatile("fence.i");
    CHECK_EQ(faults_in(PRV_S, s_call, region + 4096), 0);
    set_cfg(2, 0);

    /* entry 3: NA4 on one word, no rights: an 8-byte access over it fails */
    csr_write(pmpaddr3, ((uint64_t)region + 3 * 4096 + 4) >> 2);
    set_cfg(3, A_NA4);
    CHECK_EQ(faults_in(PRV_S, s_load, region + 3 * 4096), 1);
    CHECK_EQ(faults_in(PRV_S, s_load, region + 3 * 4096 + 8), 0);
    set_cfg(3, 0);
}

/* 3.7.1.2: the matching entry must match all bytes of an access.  A 4-byte
 * load from a readable NA4 word succeeds; an 8-byte load that starts there
 * matches the entry in part and fails, also right after the 4-byte one
 * (regression: the soft TLB kept the page readable after the first load,
 * so the second skipped the PMP check; arch-test pmp64-NA4-*). */
static void na4_partial_after_hit(void)
{
    uint8_t *word = region + 3 * 4096 + 128;

    *(volatile uint64_t *)word = 0x1122334455667788ul;
    csr_write(pmpaddr3, (uint64_t)word >> 2);
    set_cfg(3, A_NA4 | R);
    CHECK_EQ(faults_in(PRV_S, s_load32_then_64, word), 1);
    CHECK_EQ(s_value, 0x55667788);                  /* the ld did not complete */
    CHECK_EQ(m_trap.cause, EXC_LOAD_ACCESS);
    CHECK_EQ(m_trap.tval, (uint64_t)word);
    CHECK_EQ(faults_in(PRV_S, s_load32, word + 4), 0);     /* the next word: catch-all */
    CHECK_EQ(faults_in(PRV_S, s_load32, word), 0);
    /* the rule binds M too: an 8-byte store over the word fails */
    uint64_t n = m_trap.count;
    *(volatile uint64_t *)word = 0;
    CHECK_EQ(m_trap.count, n + 1);
    CHECK_EQ(m_trap.cause, EXC_STORE_ACCESS);
    set_cfg(3, 0);
}

static void locked(void)
{
    volatile uint64_t *word = (volatile uint64_t *)(region + 3 * 4096 + 64);
    uint64_t n;

    *word = 9;
    csr_write(pmpaddr4, (uint64_t)word >> 2);           /* NAPOT, 8 bytes */
    set_cfg(4, A_NAPOT | R | L);
    CHECK_EQ(*word, 9);
    n = m_trap.count;
    *word = 10;
    CHECK_EQ(m_trap.count, n + 1);
    CHECK_EQ(m_trap.cause, EXC_STORE_ACCESS);
    CHECK_EQ(*word, 9);
    /* locked: cfg and address writes are ignored */
    set_cfg(4, A_NAPOT | R | W);
    CHECK_EQ((csr_read(pmpcfg0) >> 32) & 0xff, A_NAPOT | R | L);
    csr_write(pmpaddr4, 0);
    CHECK_EQ(csr_read(pmpaddr4), (uint64_t)word >> 2);
}

int main(void)
{
    priv_setup();
    napot();
    na4_partial_after_hit();
    tor_and_na4();
    locked();
    return test_result("priv_pmp");
}
