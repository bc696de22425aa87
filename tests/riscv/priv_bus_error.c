/*
 * Accesses to physical addresses where the virt board has nothing
 * (0x500000, between the test finisher's page and the RTC) raise access
 * faults with tval the address, as QEMU's RISC-V does for failed bus
 * transactions: load, store/AMO and instruction access faults.
 */
#include "priv_common.h"

#define HOLE 0x500000ul

int main(void)
{
    uint64_t n;

    priv_setup();
    n = m_trap.count;
    (void)*(volatile uint64_t *)HOLE;
    CHECK_EQ(m_trap.count, n + 1);
    CHECK_EQ(m_trap.cause, EXC_LOAD_ACCESS);
    CHECK_EQ(m_trap.tval, HOLE);
    *(volatile uint32_t *)(HOLE + 8) = 1;
    CHECK_EQ(m_trap.count, n + 2);
    CHECK_EQ(m_trap.cause, EXC_STORE_ACCESS);
    CHECK_EQ(m_trap.tval, HOLE + 8);
    ((void (*)(void))(HOLE + 16))();
    CHECK_EQ(m_trap.count, n + 3);
    CHECK_EQ(m_trap.cause, EXC_INST_ACCESS);
    CHECK_EQ(m_trap.tval, HOLE + 16);
    return test_result("priv_bus_error");
}
