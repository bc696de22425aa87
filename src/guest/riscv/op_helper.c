/*
 * The integer ISA's helpers (helpers.def, rv-int section): raising a guest
 * exception from generated code, the carry-less multiplies of Zbc and
 * Zbb's orc.b.  This file also instantiates the IrHelperInfo records of the
 * whole helpers.def table (every row of every extension), once for the
 * binary.
 *
 * Helpers run on the vCPU thread executing the block; those that raise leave
 * through cpu_loop_exit_restore (the exec loop delivers the exception).
 */
#include <stdint.h>

#include "exec/exec.h"
#include "guest/riscv/cpu.h"
#include "guest/riscv/translate.h"

#define IR_HELPER_DEFS "guest/riscv/helpers.def"
#define IR_HELPER_GEN_INFO
#define IR_HELPER_TABLE riscv_helpers
#include "ir/helper_gen.h"

void helper_riscv_raise_exception(void *env, uint32_t cause, uint64_t tval)
{
    CpuState *cs = env;

    riscv_cpu(cs)->trap_tval = tval;
    cs->exception_index = (int)cause;
    cpu_loop_exit_restore(cs, GETPC());
}

/* Bitmanip 1.0 "clmul": the low 64 bits of the carry-less product. */
uint64_t helper_riscv_clmul(void *env, uint64_t a, uint64_t b)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < 64; i++) {
        if ((b >> i) & 1) {
            r ^= a << i;
        }
    }
    return r;
}

/* "clmulh": bits 127..64 of the carry-less product. */
uint64_t helper_riscv_clmulh(void *env, uint64_t a, uint64_t b)
{
    uint64_t r = 0;

    for (unsigned i = 1; i < 64; i++) {
        if ((b >> i) & 1) {
            r ^= a >> (64 - i);
        }
    }
    return r;
}

/* "clmulr": bits 126..63 of the carry-less product. */
uint64_t helper_riscv_clmulr(void *env, uint64_t a, uint64_t b)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < 64; i++) {
        if ((b >> i) & 1) {
            r ^= a >> (63 - i);
        }
    }
    return r;
}

uint64_t helper_riscv_orc_b(void *env, uint64_t a)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < 64; i += 8) {
        if ((a >> i) & 0xff) {
            r |= 0xffull << i;
        }
    }
    return r;
}
