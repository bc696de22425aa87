/*
 * TODO: delete with fp_shim.c when the F/D translator (rv-fp) is merged.
 * The FP data moves glibc needs before the translator has F and D (see
 * fp_shim.c); called by the CPU loop for illegal-instruction traps.
 */
#ifndef USER_FP_SHIM_H
#define USER_FP_SHIM_H

#include <stdint.h>

#include "user/user.h"

typedef enum FpShimResult {
    FP_SHIM_NOT_MINE,   /* not an FP data move: still illegal */
    FP_SHIM_DONE,       /* done, pc advanced */
    FP_SHIM_FAULT,      /* the access faulted at *fault_addr */
} FpShimResult;

FpShimResult fp_shim_emulate(UserThread *t, uint64_t *gpr, uint64_t *fpr, uint64_t *pc,
                             uint32_t insn, uint64_t *fault_addr);

#endif
