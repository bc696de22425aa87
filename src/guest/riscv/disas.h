/*
 * The RISC-V disassembler behind -d in_asm: one instruction at a time, to
 * objdump-like text.  It is generated from the same insn32.decode and
 * insn16.decode specs as the translator's decoder (with disas_ functions
 * that forward to one formatter per argument set), so what it prints is what
 * the decoder decoded.
 *
 * Output conventions (those of `objdump -d -M no-aliases`): ABI register
 * names (zero, ra, sp, ..., fa0, ...), loads and stores as `ld a5,8(sp)`,
 * shift amounts, lui/auipc immediates and unknown CSR numbers in hex, other
 * immediates in decimal, branch and jal targets as absolute hex addresses
 * (`beq a0,a1,0x80000010`), CSRs by name where known, a rounding mode only
 * when it is not dyn, atomics with their .aq/.rl suffixes.  Compressed
 * instructions print as the 32-bit instruction they expand to (`c.addi sp,-16`
 * prints `addi sp,sp,-16`), since that is what executes.  An encoding that
 * does not decode prints `.insn 0x...` with its length, and 0x0000 (the
 * defined illegal instruction) prints `unimp`.
 *
 * Pure function, no state: callable from any thread.
 */
#ifndef GUEST_RISCV_DISAS_H
#define GUEST_RISCV_DISAS_H

#include <stddef.h>
#include <stdint.h>

/* Disassemble the instruction at `bytes` (little-endian, `avail` bytes
 * readable), located at guest address `pc`, into `out` (always
 * NUL-terminated when outsize > 0, truncated if too small).  Returns the
 * instruction's length in bytes (2 or 4), or 0 when `avail` is too short
 * to hold it (out then says so). */
size_t riscv_disas(uint64_t pc, const uint8_t *bytes, size_t avail,
                   char *out, size_t outsize);

#endif
