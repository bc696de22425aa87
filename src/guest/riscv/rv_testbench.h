/*
 * A bench for the RISC-V translator in unit tests: one hart on the real
 * exec loop (cpu_exec: TB cache, soft-MMU, IR interpreter) over a minimal
 * machine built with the memory API, without a board: RAM at
 * RV_TB_RAM_BASE and the two devices tests/riscv's testlib uses, at the
 * virt board's addresses: a 16550's THR/LSR (output collected in
 * `console`) and the SiFive test finisher, whose write ends the run.
 *
 * rv_bench_run(tb, stop_pc, ...) plants a stub at stop_pc that writes the
 * finisher (clobbering x30 and x31), so a test program or a trap vector
 * that reaches stop_pc ends the run.  Programs are written through the
 * memory API, so rewriting code invalidates its translations.  Exceptions
 * are delivered by the hart's do_interrupt (counted in `exceptions`).
 * Instruction encoders (rv_enc_*, RV_R/RV_I) build test programs;
 * rv_bench_load_elf loads tests/riscv's bare-metal ELF files.
 *
 * One bench at a time, on the calling thread (it flushes the TB cache).
 */
#ifndef GUEST_RISCV_RV_TESTBENCH_H
#define GUEST_RISCV_RV_TESTBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "guest/riscv/cpu.h"
#include "memory/memory.h"

#define RV_TB_RAM_BASE 0x80000000ull
#define RV_TB_RAM_SIZE (1024 * 1024)
#define RV_TB_UART 0x10000000ull
#define RV_TB_FINISHER 0x100000ull

typedef struct RvTestBench {
    RiscvCpu cpu;
    MemoryRegion root, ram, uart, finisher;
    AddressSpace *as;
    uint64_t exceptions;    /* exceptions delivered */
    bool finished;          /* the guest wrote the finisher */
    int exit_code;          /* its code: 0 pass (0x5555), else (v >> 16) */
    char console[4096];     /* UART output (NUL-terminated, truncated) */
    size_t console_len;
    bool echo;              /* also copy UART output to stdout */
} RvTestBench;

/* A fresh bench: the rv64 model's misa/config, reset, pc at RAM base. */
RvTestBench *rv_bench_new(void);
void rv_bench_free(RvTestBench *tb);
/* Write n 32-bit words / 16-bit parcels to guest memory at addr. */
void rv_bench_load32(RvTestBench *tb, uint64_t addr, const uint32_t *insns, unsigned n);
void rv_bench_load16(RvTestBench *tb, uint64_t addr, const uint16_t *parcels, unsigned n);
uint64_t rv_bench_read64(RvTestBench *tb, uint64_t addr);
void rv_bench_write64(RvTestBench *tb, uint64_t addr, uint64_t val);
/* Run from the current pc until the finisher is written: by the stub
 * planted at stop_pc (unless stop_pc is UINT64_MAX) or by the guest.
 * False after timeout_ms without it. */
bool rv_bench_run(RvTestBench *tb, uint64_t stop_pc, unsigned timeout_ms);
/* Translations made since the bench was created. */
uint64_t rv_bench_translations(RvTestBench *tb);
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
