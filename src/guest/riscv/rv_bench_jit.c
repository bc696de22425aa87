/*
 * Linked into a bench test binary, runs all of its tests on the JIT backend
 * (the exec layer's default is the interpreter): the RISC-V frontend's IR
 * must behave the same on both.
 */
#include "exec/exec.h"

__attribute__((constructor)) static void rv_bench_jit_select(void)
{
    exec_set_backend(EXEC_BACKEND_JIT, &error_abort);
}
