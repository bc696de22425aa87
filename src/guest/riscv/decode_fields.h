/*
 * The !function field transforms that insn32.decode and insn16.decode name:
 * scaling of immediates whose low bits the encoding leaves implicit, and the
 * C extension's 3-bit register numbers (x8..x15 / f8..f15, Unprivileged ISA
 * 16.2).  Include this once, before a generated decode-*.c.inc, in each .c
 * file that includes decoders; the functions are static inline so unused ones
 * cost nothing.  The context is never used; it is there because decodetree's
 * transforms may need it.  Shifts are done unsigned: immediates can be
 * negative and a left shift of a negative int is undefined in C.
 */
#ifndef GUEST_RISCV_DECODE_FIELDS_H
#define GUEST_RISCV_DECODE_FIELDS_H

typedef struct DisasContext DisasContext;

static inline int ex_shift_1(DisasContext *ctx, int x)  { return (int)((unsigned)x << 1); }
static inline int ex_shift_2(DisasContext *ctx, int x)  { return (int)((unsigned)x << 2); }
static inline int ex_shift_3(DisasContext *ctx, int x)  { return (int)((unsigned)x << 3); }
static inline int ex_shift_4(DisasContext *ctx, int x)  { return (int)((unsigned)x << 4); }
static inline int ex_shift_12(DisasContext *ctx, int x) { return (int)((unsigned)x << 12); }
static inline int ex_rvc_register(DisasContext *ctx, int x) { return 8 + x; }

#endif
