/*
 * Runs every test of trans_fp_test.c (linked into the same binary) with the
 * JIT backend: the F/D instructions' helper calls, NaN-box moves, the
 * run-time frm check with its raising branch and the FS marking must give
 * the same registers, flags and traps as on the interpreter.
 */
#include "exec/exec.h"

__attribute__((constructor)) static void trans_fp_jit_select(void)
{
    exec_set_backend(EXEC_BACKEND_JIT, &error_abort);
}
