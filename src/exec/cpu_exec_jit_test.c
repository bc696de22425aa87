/*
 * Runs every test of cpu_exec_test.c (linked into the same binary) with the
 * JIT backend: the toy guest's programs, exceptions, chaining, invalidation
 * and flushes must behave exactly as on the interpreter.
 */
#include "exec/exec.h"

__attribute__((constructor)) static void cpu_exec_jit_select(void)
{
    exec_set_backend(EXEC_BACKEND_JIT, &error_abort);
}
