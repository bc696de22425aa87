/*
 * Registers, mepc and mtval at faulting loads and stores in system mode.
 * The JIT keeps guest registers in host registers across a guest memory
 * access; only its slow path (a TLB miss, here an access to the hole at
 * 0x500000 that raises an access fault, as in priv_bus_error) writes them
 * into the CPU state before it may raise.  So the M-mode trap frame must
 * hold every register written in the same block before the faulting insn
 * (after a TLB-hit load and store in that block), the load destination's
 * old value, mepc the access and mtval its address; the handler steps
 * over it and the registers are stored again and checked too.  The
 * workload (26 registers set by li and add, a load fault, xori/addi, a
 * store fault) is tests/common/fault_regs.h.
 */
#include "fault_regs.h"
#include "priv_common.h"

static uint64_t expect_ld[32], expect_sd[32];

uint64_t after_ld[32], after_sd[32], scratch;
extern char fault_ld[], fault_sd[];
static uint64_t seen[2][32];
static TrapInfo seen_trap[2];
static int nfaults;

static bool record(TrapFrame *f, uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (nfaults < 2) {
        for (int i = 0; i < 32; i++) {
            seen[nfaults][i] = f->regs[i];
        }
        seen_trap[nfaults] = (TrapInfo){ cause, epc, tval, 0, 0 };
    }
    nfaults++;
    return priv_m_handler(f, cause, epc, tval);
}

static __attribute__((noinline)) void run(void)
{
    __asm__ volatile(".option push\n"
                     ".option norvc\n"
                     FAULT_REGS_ASM_SET
                     "la x10, scratch\n"
                     "sd x6, 0(x10)\n"
                     "ld x6, 0(x10)\n"
                     "li x10, 0x500000\n"
                     "addi x10, x10, 8\n"
                     "fault_ld: ld x5, 0(x10)\n"
                     "la x10, after_ld\n"
                     FAULT_REGS_ASM_STORE
                     FAULT_REGS_ASM_CHANGE
                     "li x10, 0x500010\n"
                     "fault_sd: sd x7, 0(x10)\n"
                     "la x10, after_sd\n"
                     FAULT_REGS_ASM_STORE
                     ".option pop\n"
                     :
                     :
                     : FAULT_REGS_CLOBBERS);
}

static void check_regs(const char *what, const uint64_t *got, const uint64_t *want)
{
    for (unsigned k = 0; k < FAULT_REGS_COUNT; k++) {
        int i = fault_regs[k];
        if (got[i] != want[i]) {
            test_printf("%s: x%d = 0x%lx, expected 0x%lx\n", what, i, got[i], want[i]);
        }
        CHECK_EQ(got[i], want[i]);
    }
}

int main(void)
{
    priv_setup();
    test_set_trap_handler(record);
    fault_regs_expected(expect_ld, expect_sd);
    run();
    CHECK_EQ(nfaults, 2);
    CHECK_EQ(seen_trap[0].cause, EXC_LOAD_ACCESS);
    CHECK_EQ(seen_trap[0].epc, (uint64_t)fault_ld);
    CHECK_EQ(seen_trap[0].tval, 0x500008);
    CHECK_EQ(seen[0][10], 0x500008);
    check_regs("load, at the trap", seen[0], expect_ld);
    check_regs("load, after the trap", after_ld, expect_ld);
    CHECK_EQ(scratch, expect_ld[6]);
    CHECK_EQ(seen_trap[1].cause, EXC_STORE_ACCESS);
    CHECK_EQ(seen_trap[1].epc, (uint64_t)fault_sd);
    CHECK_EQ(seen_trap[1].tval, 0x500010);
    CHECK_EQ(seen[1][10], 0x500010);
    check_regs("store, at the trap", seen[1], expect_sd);
    check_regs("store, after the trap", after_sd, expect_sd);
    return test_result("priv_fault_regs");
}
