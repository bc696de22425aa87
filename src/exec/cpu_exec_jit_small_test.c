/*
 * Runs every test of cpu_exec_test.c with the JIT and a 128 KiB code
 * buffer, so that the buffer fills up during the tests with many blocks:
 * the flush it asks for drops every TB (their arena memory is reused) while
 * the program goes on, and the results must not change.
 */
#include "exec/exec.h"

__attribute__((constructor)) static void cpu_exec_jit_small_select(void)
{
    exec_set_backend(EXEC_BACKEND_JIT, &error_abort);
    exec_set_jit_code_size(128 << 10);
}
