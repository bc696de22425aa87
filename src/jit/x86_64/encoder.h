/*
 * An x86-64 instruction encoder: one function per instruction form, each
 * appending its bytes (legacy prefixes, REX, opcode, ModRM/SIB, disp8/32,
 * immediates) at X86Asm.p.  It knows nothing of IR; the emitter
 * (jit/x86_64/emit.c) drives it.  Encodings follow the Intel SDM, vol. 2,
 * chapter 2 ("Instruction Format") and the opcode tables of appendix A.
 *
 * Invariants: the encoder never writes past X86Asm.end.  When an
 * instruction does not fit, nothing of it is written and X86Asm.overflow is
 * set; every later call is a no-op, so a caller checks once per block and
 * restarts in a fresh buffer (jit/codebuf.h flushes when full).  Operand
 * widths: `w64` selects the 64-bit form (REX.W), else the 32-bit form, which
 * zero-extends its result into the full register as the hardware does.
 * Byte-register operands 4..7 get an empty REX so that they name
 * spl/bpl/sil/dil, never ah/ch/dh/bh.
 *
 * Memory operands are base + index * scale + disp32 (X86Mem), optionally
 * relative to a segment base (a prefix before all others, as GNU as puts
 * it); rsp/r12 as a base and rbp/r13 without displacement get the SIB/disp8
 * forms they need.
 * Branch displacements are relative to the end of the instruction; they are
 * computed on X86Asm.p, so the code may be moved as a block (the code buffer
 * writes through one mapping and runs through another at a fixed delta).
 */
#ifndef JIT_X86_64_ENCODER_H
#define JIT_X86_64_ENCODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum X86Reg {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_NOREG = -1,
} X86Reg;

/* SSE registers xmm0..xmm15 are plain numbers 0..15. */
typedef int X86Xmm;

typedef struct X86Asm {
    uint8_t *p;         /* next byte to write */
    uint8_t *start;
    uint8_t *end;       /* one past the last writable byte */
    bool overflow;      /* an instruction did not fit: the output is void */
} X86Asm;

typedef struct X86Mem {
    X86Reg base;        /* X86_NOREG: absolute disp32 */
    X86Reg index;       /* X86_NOREG: none (rsp cannot be an index) */
    uint8_t scale_log2; /* 0..3 */
    int32_t disp;
    uint8_t seg;        /* segment override prefix, or 0 */
} X86Mem;

#define X86_SEG_GS 0x65

static inline X86Mem x86_mem(X86Reg base, int32_t disp)
{
    return (X86Mem){ base, X86_NOREG, 0, disp };
}

static inline X86Mem x86_mem_idx(X86Reg base, X86Reg index, unsigned scale_log2, int32_t disp)
{
    return (X86Mem){ base, index, (uint8_t)scale_log2, disp };
}

/* m relative to the GS segment base (user mode's guest_base, see emit.c). */
static inline X86Mem x86_mem_gs(X86Mem m)
{
    m.seg = X86_SEG_GS;
    return m;
}

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
typedef enum X86Cond {
    X86_CC_O, X86_CC_NO, X86_CC_B, X86_CC_AE, X86_CC_E, X86_CC_NE, X86_CC_BE, X86_CC_A,
    X86_CC_S, X86_CC_NS, X86_CC_P, X86_CC_NP, X86_CC_L, X86_CC_GE, X86_CC_LE, X86_CC_G,
} X86Cond;

static inline X86Cond x86_cond_invert(X86Cond c)
{
    return (X86Cond)(c ^ 1);
}

/* The eight classic ALU operations, numbered as in their /digit. */
typedef enum X86Alu {
    X86_ADD, X86_OR, X86_ADC, X86_SBB, X86_AND, X86_SUB, X86_XOR, X86_CMP,
} X86Alu;

/* Shifts and rotates, numbered as their /digit in opcodes C1/D3. */
typedef enum X86Shift {
    X86_ROL = 0, X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7,
} X86Shift;

/* Group 3 (F7 /digit) unary forms. */
typedef enum X86Unary {
    X86_NOT = 2, X86_NEG = 3, X86_MUL = 4, X86_IMUL1 = 5, X86_DIV = 6, X86_IDIV = 7,
} X86Unary;

/* Bit tests (0F BA /digit ib). */
typedef enum X86Bt {
    X86_BT = 4, X86_BTS = 5, X86_BTR = 6, X86_BTC = 7,
} X86Bt;

/* Bit scans and counts (reg <- r/m). */
typedef enum X86BitCount {
    X86_BSF, X86_BSR, X86_TZCNT, X86_LZCNT, X86_POPCNT,
} X86BitCount;

/* SSE2 scalar arithmetic (F2/F3 0F xx). */
typedef enum X86SseOp {
    X86_SSE_SQRT = 0x51, X86_SSE_ADD = 0x58, X86_SSE_MUL = 0x59, X86_SSE_SUB = 0x5c,
    X86_SSE_MIN = 0x5d, X86_SSE_DIV = 0x5e, X86_SSE_MAX = 0x5f,
} X86SseOp;

void x86_asm_init(X86Asm *a, void *buf, size_t size);
static inline size_t x86_asm_size(const X86Asm *a)
{
    return (size_t)(a->p - a->start);
}

/* Raw bytes (a NOP pad, a patched jump). */
void x86_bytes(X86Asm *a, const uint8_t *bytes, size_t n);
/* Pad with multi-byte NOPs until p is aligned to `align` (a power of two). */
void x86_align(X86Asm *a, unsigned align);

/* ---- moves ---------------------------------------------------------- */
void x86_mov_rr(X86Asm *a, bool w64, X86Reg dst, X86Reg src);
/* dst = imm with the shortest form: mov r32, imm32 (zero-extends), mov r64,
 * simm32, or movabs.  Flags are left untouched. */
void x86_mov_ri(X86Asm *a, X86Reg dst, uint64_t imm);
/* movabs: always the 10-byte form (patchable). */
void x86_movabs(X86Asm *a, X86Reg dst, uint64_t imm);
/* Loads and stores of size_bytes 1, 2, 4 or 8.  Loads of 1 and 2 bytes zero-
 * or sign-extend (movzx/movsx) into 32 (w64 false) or 64 bits; 4-byte
 * signed loads are movsxd into 64 bits. */
void x86_load(X86Asm *a, X86Reg dst, X86Mem m, unsigned size_bytes, bool sign, bool w64);
void x86_store(X86Asm *a, X86Mem m, X86Reg src, unsigned size_bytes);
/* Store an immediate (sign-extended to 8 bytes for size 8). */
void x86_store_imm(X86Asm *a, X86Mem m, int32_t imm, unsigned size_bytes);
/* Register extensions: movzx/movsx from 8 or 16 bits, movsxd from 32. */
void x86_movzx_rr(X86Asm *a, X86Reg dst, X86Reg src, unsigned from_bytes);
void x86_movsx_rr(X86Asm *a, bool w64, X86Reg dst, X86Reg src, unsigned from_bytes);
void x86_lea(X86Asm *a, bool w64, X86Reg dst, X86Mem m);
void x86_xchg_rr(X86Asm *a, bool w64, X86Reg r1, X86Reg r2);

/* ---- integer arithmetic -------------------------------------------- */
void x86_alu_rr(X86Asm *a, X86Alu op, bool w64, X86Reg dst, X86Reg src);
/* imm is sign-extended to the operand width; uses the imm8 form if it fits. */
void x86_alu_ri(X86Asm *a, X86Alu op, bool w64, X86Reg dst, int32_t imm);
void x86_alu_rm(X86Asm *a, X86Alu op, bool w64, X86Reg dst, X86Mem m);  /* dst op= [m] */
void x86_alu_mr(X86Asm *a, X86Alu op, bool w64, X86Mem m, X86Reg src);  /* [m] op= src */
void x86_alu_mi(X86Asm *a, X86Alu op, bool w64, X86Mem m, int32_t imm);
void x86_test_rr(X86Asm *a, bool w64, X86Reg r1, X86Reg r2);
void x86_test_ri(X86Asm *a, bool w64, X86Reg r, int32_t imm);
void x86_unary(X86Asm *a, X86Unary op, bool w64, X86Reg r);
void x86_imul_rr(X86Asm *a, bool w64, X86Reg dst, X86Reg src);
void x86_imul_rri(X86Asm *a, bool w64, X86Reg dst, X86Reg src, int32_t imm);
void x86_cdq(X86Asm *a, bool w64);       /* cdq / cqo: sign-extend eax/rax into edx/rdx */
void x86_shift_ri(X86Asm *a, X86Shift op, bool w64, X86Reg r, unsigned count);
void x86_shift_cl(X86Asm *a, X86Shift op, bool w64, X86Reg r);
void x86_bt_ri(X86Asm *a, X86Bt op, bool w64, X86Reg r, unsigned bit);
void x86_bitcount(X86Asm *a, X86BitCount op, bool w64, X86Reg dst, X86Reg src);
void x86_bswap(X86Asm *a, bool w64, X86Reg r);
void x86_rol16_8(X86Asm *a, X86Reg r);   /* rol r16, 8: swap the low two bytes */

/* ---- conditions ----------------------------------------------------- */
void x86_setcc(X86Asm *a, X86Cond cc, X86Reg r8);
void x86_cmovcc(X86Asm *a, X86Cond cc, bool w64, X86Reg dst, X86Reg src);

/* ---- control flow -------------------------------------------------- */
/* Jumps to a known target (a pointer into the same buffer). */
void x86_jmp(X86Asm *a, const uint8_t *target);
void x86_jcc(X86Asm *a, X86Cond cc, const uint8_t *target);
/* Forward jumps: emit with a zero displacement, get the patch location,
 * later x86_patch_rel32/8(loc, target). */
uint8_t *x86_jmp32_fwd(X86Asm *a);
uint8_t *x86_call32_fwd(X86Asm *a);
uint8_t *x86_jcc32_fwd(X86Asm *a, X86Cond cc);
uint8_t *x86_jcc8_fwd(X86Asm *a, X86Cond cc);
uint8_t *x86_jmp8_fwd(X86Asm *a);
/* loc is what a *_fwd returned (the displacement field); NULL is ignored
 * (an overflowed buffer).  The target must be in range (asserted for rel8). */
void x86_patch_rel32(uint8_t *loc, const uint8_t *target);
void x86_patch_rel8(uint8_t *loc, const uint8_t *target);
void x86_jmp_r(X86Asm *a, X86Reg r);
void x86_jmp_m(X86Asm *a, X86Mem m);
void x86_call_r(X86Asm *a, X86Reg r);
void x86_ret(X86Asm *a);
void x86_ret_imm(X86Asm *a, uint16_t pop_bytes);    /* ret, then rsp += pop_bytes */
void x86_push(X86Asm *a, X86Reg r);
void x86_push_imm(X86Asm *a, int32_t imm);          /* sign-extended to 64 bits */
void x86_push_m(X86Asm *a, X86Mem m);               /* push qword [m] */
void x86_pop(X86Asm *a, X86Reg r);
void x86_pop_m(X86Asm *a, X86Mem m);                /* pop qword [m] */
void x86_ud2(X86Asm *a);

/* ---- atomics -------------------------------------------------------- */
void x86_lock_cmpxchg(X86Asm *a, X86Mem m, X86Reg src, unsigned size_bytes);
void x86_xchg_mr(X86Asm *a, X86Mem m, X86Reg r, unsigned size_bytes);
void x86_lock_xadd(X86Asm *a, X86Mem m, X86Reg r, unsigned size_bytes);
void x86_mfence(X86Asm *a);

/* ---- SSE2 scalar floating point (double: F2, single: F3) ------------ */
void x86_movs_xm(X86Asm *a, bool dbl, X86Xmm dst, X86Mem m);   /* movsd/movss xmm, [m] */
void x86_movs_mx(X86Asm *a, bool dbl, X86Mem m, X86Xmm src);   /* movsd/movss [m], xmm */
void x86_movs_xx(X86Asm *a, bool dbl, X86Xmm dst, X86Xmm src);
void x86_movaps_xx(X86Asm *a, X86Xmm dst, X86Xmm src);  /* the whole register */
void x86_sse_arith(X86Asm *a, X86SseOp op, bool dbl, X86Xmm dst, X86Xmm src);
void x86_ucomis(X86Asm *a, bool dbl, X86Xmm x1, X86Xmm x2);     /* ucomisd/ucomiss */
void x86_cvtsi2s(X86Asm *a, bool dbl, bool w64, X86Xmm dst, X86Reg src);
void x86_cvtts2si(X86Asm *a, bool dbl, bool w64, X86Reg dst, X86Xmm src);
void x86_cvtsd2ss(X86Asm *a, X86Xmm dst, X86Xmm src);
void x86_cvtss2sd(X86Asm *a, X86Xmm dst, X86Xmm src);
void x86_movq_xr(X86Asm *a, bool w64, X86Xmm dst, X86Reg src); /* movd/movq xmm, r */
void x86_movq_rx(X86Asm *a, bool w64, X86Reg dst, X86Xmm src); /* movd/movq r, xmm */

/* FMA3 scalar fused multiply-add, the 213 forms (VEX.LIG.66.0F38, W1 for
 * double, W0 for single): dst = +-(src1 * dst) +- src2, rounded once.
 * Only on hosts whose x86_features()->fma is set. */
typedef enum X86FmaOp {
    X86_VFMADD213 = 0xa9,   /*  (src1 * dst) + src2 */
    X86_VFMSUB213 = 0xab,   /*  (src1 * dst) - src2 */
    X86_VFNMADD213 = 0xad,  /* -(src1 * dst) + src2 */
    X86_VFNMSUB213 = 0xaf,  /* -(src1 * dst) - src2 */
} X86FmaOp;
void x86_vfma_s(X86Asm *a, X86FmaOp op, bool dbl, X86Xmm dst, X86Xmm src1, X86Xmm src2);

/* ---- host features (cpuid, read once) -------------------------------- */
typedef struct X86Features {
    bool lzcnt, bmi1, popcnt;
    bool fma;           /* FMA3 with the OS saving AVX state (XCR0) */
} X86Features;
const X86Features *x86_features(void);

#endif
