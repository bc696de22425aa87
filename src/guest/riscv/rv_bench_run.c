/*
 * riscv-bench-run: runs one of tests/riscv's bare-metal programs on the
 * translator bench (rv_testbench.h) instead of a board, printing its UART
 * output; exits with the code the guest gave the test finisher (0: pass),
 * or 124 when it did not finish in time.  Lets the guest tests run before the
 * virt board exists, and fast.
 *
 *   riscv-bench-run TEST.elf [interp|jit [TIMEOUT_MS]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec.h"
#include "guest/riscv/rv_testbench.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s TEST.elf [interp|jit [TIMEOUT_MS]]\n", argv[0]);
        return 2;
    }
    if (argc > 2) {
        Error *err = NULL;
        ExecBackend backend = strcmp(argv[2], "jit") == 0 ? EXEC_BACKEND_JIT
                                                          : EXEC_BACKEND_INTERP;
        if (strcmp(argv[2], "jit") != 0 && strcmp(argv[2], "interp") != 0) {
            fprintf(stderr, "riscv-bench-run: unknown backend '%s'\n", argv[2]);
            return 2;
        }
        if (!exec_set_backend(backend, &err)) {
            error_report_err(err);
            return 2;
        }
    }
    unsigned timeout_ms = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 0) : 30000u;
    RvTestBench *tb = rv_bench_new();
    Error *err = NULL;

    tb->echo = true;
    if (!rv_bench_load_elf(tb, argv[1], &err)) {
        error_report_err(err);
        rv_bench_free(tb);
        return 2;
    }
    rv_bench_run(tb, UINT64_MAX, timeout_ms);
    fflush(stdout);
    int code = tb->finished ? tb->exit_code : 124;
    if (!tb->finished) {
        fprintf(stderr, "riscv-bench-run: no finisher write after %u ms (pc 0x%llx)\n",
                timeout_ms, (unsigned long long)tb->cpu.pc);
    }
    rv_bench_free(tb);
    return code;
}
