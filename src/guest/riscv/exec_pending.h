/*
 * NOTE: temporary.  exec/ (the exec loop, TB cache, soft-MMU and translator
 * loop) is still being written on the `ir` branch: only its headers exist.
 * Until it is merged, the exec functions the RISC-V hart calls are weak
 * references, so the library links without them (they are never called
 * before a board runs a vCPU, and unit tests provide their own).  TODO:
 * delete this header and its includes when exec/ lands.
 */
#ifndef GUEST_RISCV_EXEC_PENDING_H
#define GUEST_RISCV_EXEC_PENDING_H

#include "exec/exec.h"
#include "exec/softmmu.h"
#include "exec/translator.h"

#pragma weak translator_loop
#pragma weak translator_is_same_page
#pragma weak translator_lduw
#pragma weak cpu_loop_exit
#pragma weak cpu_loop_exit_restore
#pragma weak cpu_loop_exit_noexc
#pragma weak tlb_set_page
#pragma weak tb_flush

#endif
