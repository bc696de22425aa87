/*
 * Indirect jumps across privilege changes: the same functions, called
 * through pointers (jalr) and returning (ret), run in M, in S, in U and in
 * M with MPRV, interleaved, so that the emulator's next-block lookup (the
 * JIT's inline jump-cache probe) finds blocks translated for another mode
 * for the very same pc.  What tells the modes apart is a load from a page
 * that a PMP entry denies S and U (and M loads under MPRV with MPP = U):
 * each call either faults (access fault, stepped over) or reads the value.
 */
#include "priv_common.h"

#define A_NAPOT (3u << 3)

static volatile uint64_t guarded[512] __attribute__((aligned(4096)));
static volatile uint64_t sink;

typedef uint64_t (*LoadFn)(volatile uint64_t *p);

__attribute__((noinline)) static uint64_t load_a(volatile uint64_t *p)
{
    return *p + 1;
}

__attribute__((noinline)) static uint64_t load_b(volatile uint64_t *p)
{
    return *p + 2;
}

static LoadFn volatile fns[2] = { load_a, load_b };

#define CALLS 200

/* CALLS indirect calls, alternating targets; returns the sum of results
 * (a faulting load is stepped over: its result is whatever a0 held). */
static void calls(void)
{
    uint64_t s = 0;
    for (int i = 0; i < CALLS; i++) {
        s += fns[i & 1](&guarded[i & 7]);
    }
    sink = s;
}

static void check_round(const char *what, unsigned priv, bool mprv, bool faults)
{
    uint64_t before = m_trap.count;
    if (priv == PRV_M) {
        if (mprv) {
            csr_set(mstatus, MSTATUS_MPRV);
            calls();
            csr_clear(mstatus, MSTATUS_MPRV);
        } else {
            calls();
        }
    } else {
        run_in(priv, calls);
    }
    uint64_t traps = m_trap.count - before;
    test_printf("%s: %ld traps\n", what, (long)traps);
    CHECK_EQ(traps, faults ? CALLS : 0);
    if (faults) {
        CHECK_EQ(m_trap.cause, EXC_LOAD_ACCESS);
    } else {
        CHECK_EQ(sink, (uint64_t)(CALLS / 2) * (7 + 1) + (uint64_t)(CALLS / 2) * (7 + 2));
    }
}

int main(void)
{
    priv_setup();
    for (int i = 0; i < 8; i++) {
        guarded[i] = 7;
    }
    /* entry 0, above the catch-all entry 15: the guarded page, no access */
    csr_write(pmpaddr0, ((uint64_t)guarded >> 2) | 0x1ff);
    csr_write(pmpcfg0, (csr_read(pmpcfg0) & ~0xfful) | A_NAPOT);

    for (int round = 0; round < 3; round++) {
        check_round("M", PRV_M, false, false);
        check_round("S", PRV_S, false, true);
        check_round("M", PRV_M, false, false);
        check_round("U", PRV_U, false, true);
        /* MPP = U after run_in's mret: MPRV makes M's loads U's */
        csr_clear(mstatus, MSTATUS_MPP);
        check_round("M+MPRV", PRV_M, true, true);
        check_round("M", PRV_M, false, false);
    }
    return test_result("priv_jumps");
}
