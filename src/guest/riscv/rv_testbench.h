/*
 * A bench for the RISC-V translator in unit tests: a hart over a flat RAM
 * (RV_TB_RAM_BASE, RV_TB_RAM_SIZE bytes), run block by block through the
 * real decoder, translator, optimizer, liveness and IR interpreter, without
 * a board or the exec loop.  Exceptions are delivered by the hart's
 * do_interrupt; the run stops when pc reaches a given address, when the
 * guest writes the test finisher, or after a block budget.  Besides RAM
 * it has the two devices tests/riscv's testlib uses, at the virt board's
 * addresses: a 16550's THR/LSR (output collected in `console`) and the
 * SiFive test finisher.  Instruction encoders (rv_enc_*) build programs;
 * rv_bench_load_elf loads tests/riscv's bare-metal ELF files.
 *
 * NOTE: it supplies weak stand-ins for the exec/ functions the translator
 * calls (translator loop, code fetch, cpu_loop_exit*), for as long as exec/
 * is not merged; see exec_pending.h.
 *
 * Single-threaded; one bench at a time.
 */
#ifndef GUEST_RISCV_RV_TESTBENCH_H
#define GUEST_RISCV_RV_TESTBENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "guest/riscv/cpu.h"

#define RV_TB_RAM_BASE 0x80000000ull
#define RV_TB_RAM_SIZE (1024 * 1024)
#define RV_TB_UART 0x10000000ull
#define RV_TB_FINISHER 0x100000ull

typedef struct RvTestBench {
    RiscvCpu cpu;
    uint8_t ram[RV_TB_RAM_SIZE];
    uint64_t blocks;        /* blocks executed */
    uint64_t exceptions;    /* exceptions delivered */
    bool finished;          /* the guest wrote the finisher */
    int exit_code;          /* its code: 0 pass (0x5555), else (v >> 16) */
    char console[4096];     /* UART output (NUL-terminated, truncated) */
    size_t console_len;
    bool echo;              /* also copy UART output to stdout */
} RvTestBench;

/* False when the real exec/ functions are linked in place of the bench's
 * stand-ins (the bench must then be ported: callers skip). */
bool rv_bench_usable(void);
/* A fresh bench: the rv64 model's misa/config, reset, pc at RAM base. */
RvTestBench *rv_bench_new(void);
void rv_bench_free(RvTestBench *tb);
/* Copy n 32-bit instruction words to RAM at addr. */
void rv_bench_load32(RvTestBench *tb, uint64_t addr, const uint32_t *insns, unsigned n);
void rv_bench_load16(RvTestBench *tb, uint64_t addr, const uint16_t *parcels, unsigned n);
uint64_t rv_bench_read64(RvTestBench *tb, uint64_t addr);
void rv_bench_write64(RvTestBench *tb, uint64_t addr, uint64_t val);
/* Run blocks until pc == stop_pc or the finisher is written (true), or
 * max_blocks ran (false). */
bool rv_bench_run(RvTestBench *tb, uint64_t stop_pc, unsigned max_blocks);
/* Load an ELF64 RISC-V executable's PT_LOAD segments into RAM and set pc
 * to its entry.  False with errp set if it is not one or does not fit. */
bool rv_bench_load_elf(RvTestBench *tb, const char *path, Error **errp);

/* Encoders (Unprivileged ISA 2.2 formats); the macros are constant
 * expressions for tables. */
#define RV_R(opc, rd, f3, rs1, rs2, f7)                                       \
    ((uint32_t)(opc) | (uint32_t)(rd) << 7 | (uint32_t)(f3) << 12 |           \
     (uint32_t)(rs1) << 15 | (uint32_t)(rs2) << 20 | (uint32_t)(f7) << 25)
#define RV_I(opc, rd, f3, rs1, imm)                                           \
    ((uint32_t)(opc) | (uint32_t)(rd) << 7 | (uint32_t)(f3) << 12 |           \
     (uint32_t)(rs1) << 15 | ((uint32_t)(imm) & 0xfff) << 20)
uint32_t rv_enc_r(unsigned opc, unsigned rd, unsigned f3, unsigned rs1, unsigned rs2,
                  unsigned f7);
uint32_t rv_enc_i(unsigned opc, unsigned rd, unsigned f3, unsigned rs1, int32_t imm);
uint32_t rv_enc_s(unsigned opc, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm);
uint32_t rv_enc_b(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm);
uint32_t rv_enc_u(unsigned opc, unsigned rd, int32_t imm);
uint32_t rv_enc_j(unsigned rd, int32_t imm);

#endif
