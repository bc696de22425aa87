/*
 * Morpho's intermediate representation (TCG ops, in our words).  A guest
 * frontend describes what each guest instruction does by emitting IR ops
 * into an IrBuilder; the optimizer (ir_optimize) rewrites them, liveness
 * (ir_liveness) annotates them, and a backend runs them: the portable IR
 * interpreter (ir/interp.h) or the x86-64 JIT (jit/).  ir/ knows no guest.
 *
 * Values.  An IrVal is a handle to one of:
 *  - a global: a field of the CPU state at a byte offset from the CpuState
 *    pointer ("env"; the guest's CPU struct embeds CpuState as its first
 *    member so offsets are offsetof(GuestCpu, field)).  Globals are declared
 *    once per guest in an IrContext (ir_global) and are the same IrVal in
 *    every builder made from that context.  Their home is memory: a backend
 *    may cache them in registers inside a block but writes them back at block
 *    ends, before helper calls that read globals and before ops that may raise
 *    (guest memory ops, calls that may raise).
 *  - a TB temp (ir_new_temp): lives for one translation block, keeps its
 *    value across labels and branches inside that block.
 *  - an EBB temp (ir_new_ebb_temp): lives in one extended basic block, i.e.
 *    is dead at every label (a conditional branch's fall-through keeps it);
 *    cheaper for the JIT's register allocator.  Use it for short scratch.
 *  - a constant (ir_const): read-only, the optimizer folds it.
 * Each value has a type: IR_I32 or IR_I64.  The verifier checks every op's
 * operand types against ir_ops.def.
 *
 * Future guests (AArch64) — how they fit without new value kinds:
 *  - NZCV: four I32 (or I64) globals (cpu->NF, ZF, CF, VF as QEMU's ARM
 *    does), computed lazily with ordinary ops.
 *  - 128-bit vector registers: live in the CPU state; scalar parts are read
 *    and written with env loads/stores (ld64/st64 at offsets) and whole-vector
 *    work goes through helpers that receive the register's offset as an I64
 *    constant argument.  IR_I128 and an IR_V128 type are reserved below for a
 *    later vector op set (they are rejected by the verifier today).
 *
 * Threading: an IrContext is built once at start-up and is read-only after
 * (any thread may then use it).  An IrBuilder belongs to one thread (each
 * vCPU thread owns one and reuses it for every block it translates).
 */
#ifndef IR_IR_H
#define IR_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

/* ---- types ------------------------------------------------------------ */

typedef enum IrType {
    IR_I32 = 0,
    IR_I64 = 1,
    IR_I128 = 2,        /* reserved (see above) */
    IR_V128 = 3,        /* reserved (see above) */
    IR_TYPE_COUNT,
} IrType;

typedef enum IrTempKind {
    IR_TEMP_GLOBAL,     /* field of the CPU state at env + offset */
    IR_TEMP_TB,         /* lives for the whole block */
    IR_TEMP_EBB,        /* dead at labels and branches */
    IR_TEMP_CONST,      /* constant value */
} IrTempKind;

/* Handles: plain indices wrapped in structs so they cannot be mixed up. */
typedef struct IrVal {
    uint32_t id;
} IrVal;

typedef struct IrLabel {
    uint32_t id;
} IrLabel;

#define IR_VAL_NONE ((IrVal){ UINT32_MAX })

static inline bool ir_val_is_none(IrVal v)
{
    return v.id == UINT32_MAX;
}

typedef struct IrTemp {
    IrType type;
    IrTempKind kind;
    int32_t env_offset;     /* globals */
    uint64_t value;         /* constants (I32 constants are zero-extended) */
    const char *name;       /* globals; NULL otherwise */
    uint32_t index;         /* TB/EBB temps: creation ordinal in the block (tN/eN) */
} IrTemp;

/* ---- the opcode table ---------------------------------------------------- */

enum {
    IR_OPF_INT = 1u << 0,       /* exists as I32 and I64; operands have op's type */
    IR_OPF_I64 = 1u << 1,       /* exists only as I64 */
    IR_OPF_CONV = 1u << 2,      /* conversion between I32 and I64 (see row) */
    IR_OPF_NOTYPE = 1u << 3,    /* the op's type field is unused */
    IR_OPF_PURE = 1u << 4,      /* result depends only on inputs; no effects */
    IR_OPF_COMMUTES = 1u << 5,  /* the two inputs can be swapped */
    IR_OPF_BRANCH = 1u << 6,    /* may jump to a label */
    IR_OPF_BB_END = 1u << 7,    /* ends a basic block */
    IR_OPF_EXIT = 1u << 8,      /* leaves the translation block */
    IR_OPF_ENV = 1u << 9,       /* accesses CPU state at env + $offset */
    IR_OPF_GUEST_MEM = 1u << 10, /* guest memory access; may raise */
    IR_OPF_SIDE_EFFECTS = 1u << 11, /* never deleted by DCE */
    IR_OPF_CALL = 1u << 12,     /* helper call (see IrHelperInfo flags) */
    IR_OPF_VARARGS = 1u << 13,  /* operand counts are per instance */
    IR_OPF_FP_FAST = 1u << 14,  /* an FP fast-path op: a miss value outside its domain (ir_ops.def) */
    IR_OPF_FP32 = 1u << 15,     /* ... on binary32 values (else binary64) */
};

typedef enum IrOpcode {
#define IR_OP(name, nout, nin, nconst, flags) IR_OP_##name,
#include "ir/ir_ops.def"
#undef IR_OP
    IR_OP_COUNT,
} IrOpcode;

typedef struct IrOpDef {
    const char *name;
    uint8_t nout, nin, nconst;
    uint32_t flags;
} IrOpDef;

/* ir_op_defs[opc]: the .def row as data. */
extern const IrOpDef ir_op_defs[IR_OP_COUNT];

/* ---- constants carried by ops -------------------------------------------- */

/* Conditions ($cond of setcond/movcond/brcond). */
typedef enum IrCond {
    IR_COND_NEVER,
    IR_COND_ALWAYS,
    IR_COND_EQ,
    IR_COND_NE,
    IR_COND_LT,         /* signed */
    IR_COND_GE,
    IR_COND_LE,
    IR_COND_GT,
    IR_COND_LTU,        /* unsigned */
    IR_COND_GEU,
    IR_COND_LEU,
    IR_COND_GTU,
    IR_COND_TSTEQ,      /* (a & b) == 0 */
    IR_COND_TSTNE,      /* (a & b) != 0 */
    IR_COND_COUNT,
} IrCond;

/* $cond of fcmp_f64 (quiet comparisons of doubles). */
typedef enum IrFcmp {
    IR_FCMP_EQ,
    IR_FCMP_LT,
    IR_FCMP_LE,
} IrFcmp;

/* $neg of fma_f64. */
enum {
    IR_FMA_NEG_PRODUCT = 1u << 0,
    IR_FMA_NEG_ADDEND = 1u << 1,
};

IrCond ir_cond_invert(IrCond c);    /* !(a c b) == (a inv(c) b) */
IrCond ir_cond_swap(IrCond c);      /* (a c b) == (b swap(c) a) */
const char *ir_cond_name(IrCond c);

/*
 * MemOp: size, sign, endianness and alignment of a guest memory access
 * (QEMU's MemOp).  Bits 0-1: log2 of the size; bit 2: sign-extend the loaded
 * value to the op's type; bit 3: big-endian (host and default are little);
 * bits 4-6: alignment requirement (0: none, MO_ALIGN: natural, or
 * MO_ALIGN_n).  A misaligned access without a requirement is performed
 * (split in two when it straddles a page); with one it raises through the
 * guest's do_unaligned_access.
 */
typedef enum MemOp {
    MO_8 = 0,
    MO_16 = 1,
    MO_32 = 2,
    MO_64 = 3,
    MO_SIZE = 3,
    MO_SIGN = 1 << 2,
    MO_BE = 1 << 3,
    MO_LE = 0,
    MO_ASHIFT = 4,
    MO_AMASK = 7 << 4,
    MO_UNALN = 0,
    MO_ALIGN = 1 << 4,        /* natural alignment */
    MO_ALIGN_2 = 2 << 4,
    MO_ALIGN_4 = 3 << 4,
    MO_ALIGN_8 = 4 << 4,
    MO_ALIGN_16 = 5 << 4,

    MO_UB = MO_8,
    MO_SB = MO_8 | MO_SIGN,
    MO_UW = MO_16,
    MO_SW = MO_16 | MO_SIGN,
    MO_UL = MO_32,
    MO_SL = MO_32 | MO_SIGN,
    MO_UQ = MO_64,
} MemOp;

static inline unsigned memop_size(MemOp mop)
{
    return 1u << (mop & MO_SIZE);
}

/* Required alignment in bytes (1 when none). */
static inline unsigned memop_alignment(MemOp mop)
{
    unsigned a = (mop & MO_AMASK) >> MO_ASHIFT;
    return a == 0 ? 1 : a == 1 ? memop_size(mop) : 1u << (a - 1);
}

/* Memory barrier kinds ($kind of mb): which earlier accesses are ordered
 * before which later ones, plus acquire/release flavours for the JIT. */
typedef enum IrBarrier {
    IR_MB_LD_LD = 1 << 0,
    IR_MB_ST_LD = 1 << 1,
    IR_MB_LD_ST = 1 << 2,
    IR_MB_ST_ST = 1 << 3,
    IR_MB_ALL = 0xf,
    IR_BAR_ACQ = 1 << 4,
    IR_BAR_REL = 1 << 5,
    IR_BAR_SC = 1 << 6,
} IrBarrier;

/* Exit values of exit_tb (what the backend returns to the exec loop). */
typedef enum IrExit {
    IR_EXIT_NORMAL = 0,     /* find the next block by the guest pc */
    IR_EXIT_SLOT0 = 1,      /* left through goto_tb slot 0: chainable */
    IR_EXIT_SLOT1 = 2,      /* left through goto_tb slot 1: chainable */
    IR_EXIT_LOOKUP = 3,     /* lookup_and_goto_ptr: look up pc, stay in loop */
    IR_EXIT_REQUESTED = 4,  /* leave the inner loop (exit request seen) */
    IR_EXIT_SLOT2 = 5,      /* goto_tb slots 2 and 3: a block's side exits */
    IR_EXIT_SLOT3 = 6,
} IrExit;

/* goto_tb slots per block: 0 and 1 for its end, 2 and 3 for side exits
 * (conditional branches a block translates past).  Exit values stay below
 * 8: the JIT packs them into a block tag's low bits. */
#define IR_GOTO_TB_SLOTS 4

/* The exit value of goto_tb slot n, and the slot of a chainable exit value
 * (-1 for the others). */
static inline IrExit ir_exit_for_slot(unsigned slot)
{
    return slot < 2 ? (IrExit)(IR_EXIT_SLOT0 + slot) : (IrExit)(IR_EXIT_SLOT2 + slot - 2);
}

static inline int ir_exit_slot(IrExit exit)
{
    switch (exit) {
    case IR_EXIT_SLOT0: return 0;
    case IR_EXIT_SLOT1: return 1;
    case IR_EXIT_SLOT2: return 2;
    case IR_EXIT_SLOT3: return 3;
    default: return -1;
    }
}

#define IR_INSN_DATA_WORDS 3   /* insn_start: guest pc + 2 extra words */
#define IR_CALL_MAX_ARGS 6
#define IR_MAX_VALS 7          /* out + in operands of one op (call: 1 + 6) */
#define IR_MAX_CONSTS 3

/* ---- ops ------------------------------------------------------------------ */

/*
 * One op.  vals[] holds nout output handles then nin input handles (IrVal
 * ids); consts[] the constant operands in row order (a label is its id, a
 * helper its const IrHelperInfo pointer).  life is filled by ir_liveness:
 * bit i set means vals[i] (an input) is not used again after this op (or,
 * for an output, that the output is never read).
 */
typedef struct IrOp {
    uint16_t opc;           /* IrOpcode */
    uint8_t type;           /* IrType */
    uint8_t nout, nin, nconst;
    uint16_t life;
    uint32_t vals[IR_MAX_VALS];
    uint64_t consts[IR_MAX_CONSTS];
} IrOp;

static inline const IrOpDef *ir_op_def(const IrOp *op)
{
    return &ir_op_defs[op->opc];
}

/* ---- contexts: globals, declared once per guest ------------------------- */

typedef struct IrContext IrContext;

IrContext *ir_context_new(void);
void ir_context_free(IrContext *ctx);
/* Declare a global: type, byte offset from env, printable name (copied).
 * Start-up only, before any builder uses ctx. */
IrVal ir_global(IrContext *ctx, IrType type, int32_t env_offset, const char *name);
size_t ir_context_global_count(const IrContext *ctx);

/* ---- builders ----------------------------------------------------------- */

typedef struct IrBuilder IrBuilder;

IrBuilder *ir_builder_new(const IrContext *ctx);
void ir_builder_free(IrBuilder *b);
/* Start a new block: forget ops, temps, constants and labels (keeps memory). */
void ir_builder_reset(IrBuilder *b);
/* Drop every op from index `mark` on (ir_op_count before an insn): lets the
 * translator undo a partly translated instruction. */
void ir_builder_truncate(IrBuilder *b, size_t mark);

IrVal ir_new_temp(IrBuilder *b, IrType type);
IrVal ir_new_ebb_temp(IrBuilder *b, IrType type);
/* A constant (v is truncated to 32 bits for I32).  Equal constants of a block
 * may share one handle: never write to a constant. */
IrVal ir_const(IrBuilder *b, IrType type, uint64_t v);
IrLabel ir_new_label(IrBuilder *b);

IrType ir_val_type(const IrBuilder *b, IrVal v);
const IrTemp *ir_temp(const IrBuilder *b, IrVal v);
size_t ir_temp_count(const IrBuilder *b);
size_t ir_label_count(const IrBuilder *b);
size_t ir_op_count(const IrBuilder *b);
IrOp *ir_op_at(IrBuilder *b, size_t index);
const IrOp *ir_op_at_const(const IrBuilder *b, size_t index);
const IrContext *ir_builder_context(const IrBuilder *b);

/* Raw emission (what the typed emitters below use): returns the new op. */
IrOp *ir_emit(IrBuilder *b, IrOpcode opc, IrType type, const IrVal *outs, unsigned nout,
              const IrVal *ins, unsigned nin, const uint64_t *consts, unsigned nconst);

/* Typed emitters.  The type of an op is that of its destination (or of its
 * first input when it has none).  Mismatched types are our bug: assert. */
void ir_mov(IrBuilder *b, IrVal d, IrVal a);
void ir_movi(IrBuilder *b, IrVal d, uint64_t imm);
void ir_discard(IrBuilder *b, IrVal v);

#define IR_DECLARE_BINARY(name)                                              \
    void ir_##name(IrBuilder *b, IrVal d, IrVal a, IrVal c);                 \
    void ir_##name##_imm(IrBuilder *b, IrVal d, IrVal a, int64_t imm);
IR_DECLARE_BINARY(add)
IR_DECLARE_BINARY(sub)
IR_DECLARE_BINARY(mul)
IR_DECLARE_BINARY(and)
IR_DECLARE_BINARY(or)
IR_DECLARE_BINARY(xor)
IR_DECLARE_BINARY(shl)
IR_DECLARE_BINARY(shr)
IR_DECLARE_BINARY(sar)
IR_DECLARE_BINARY(rotl)
IR_DECLARE_BINARY(rotr)
#undef IR_DECLARE_BINARY

void ir_mulsh(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_muluh(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_mulu2(IrBuilder *b, IrVal lo, IrVal hi, IrVal a, IrVal c);
void ir_muls2(IrBuilder *b, IrVal lo, IrVal hi, IrVal a, IrVal c);
void ir_div(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_divu(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_rem(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_remu(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_andc(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_orc(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_eqv(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_nand(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_nor(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_neg(IrBuilder *b, IrVal d, IrVal a);
void ir_not(IrBuilder *b, IrVal d, IrVal a);
void ir_clz(IrBuilder *b, IrVal d, IrVal a, IrVal if_zero);
void ir_clz_imm(IrBuilder *b, IrVal d, IrVal a, uint64_t if_zero);
void ir_ctz(IrBuilder *b, IrVal d, IrVal a, IrVal if_zero);
void ir_ctz_imm(IrBuilder *b, IrVal d, IrVal a, uint64_t if_zero);
void ir_ctpop(IrBuilder *b, IrVal d, IrVal a);
void ir_bswap16(IrBuilder *b, IrVal d, IrVal a);
void ir_bswap32(IrBuilder *b, IrVal d, IrVal a);
void ir_bswap64(IrBuilder *b, IrVal d, IrVal a);
void ir_ext8s(IrBuilder *b, IrVal d, IrVal a);
void ir_ext8u(IrBuilder *b, IrVal d, IrVal a);
void ir_ext16s(IrBuilder *b, IrVal d, IrVal a);
void ir_ext16u(IrBuilder *b, IrVal d, IrVal a);
void ir_ext32s(IrBuilder *b, IrVal d, IrVal a);
void ir_ext32u(IrBuilder *b, IrVal d, IrVal a);
void ir_extrl_i64_i32(IrBuilder *b, IrVal d32, IrVal a64);
void ir_extrh_i64_i32(IrBuilder *b, IrVal d32, IrVal a64);
void ir_extu_i32_i64(IrBuilder *b, IrVal d64, IrVal a32);
void ir_exts_i32_i64(IrBuilder *b, IrVal d64, IrVal a32);
void ir_deposit(IrBuilder *b, IrVal d, IrVal a, IrVal field, unsigned pos, unsigned len);
void ir_extract(IrBuilder *b, IrVal d, IrVal a, unsigned pos, unsigned len);
void ir_sextract(IrBuilder *b, IrVal d, IrVal a, unsigned pos, unsigned len);

void ir_setcond(IrBuilder *b, IrCond cond, IrVal d, IrVal a, IrVal c);
void ir_setcond_imm(IrBuilder *b, IrCond cond, IrVal d, IrVal a, int64_t imm);
void ir_movcond(IrBuilder *b, IrCond cond, IrVal d, IrVal c1, IrVal c2, IrVal v1, IrVal v2);
void ir_brcond(IrBuilder *b, IrCond cond, IrVal a, IrVal c, IrLabel l);
void ir_brcond_imm(IrBuilder *b, IrCond cond, IrVal a, int64_t imm, IrLabel l);
void ir_br(IrBuilder *b, IrLabel l);
void ir_set_label(IrBuilder *b, IrLabel l);

/* Binary64 fast paths (ir_ops.def): all values I64. */
void ir_fadd_f64(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_fsub_f64(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_fmul_f64(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_fdiv_f64(IrBuilder *b, IrVal d, IrVal a, IrVal c);
void ir_fsqrt_f64(IrBuilder *b, IrVal d, IrVal a);
void ir_fma_f64(IrBuilder *b, IrVal d, IrVal a, IrVal m, IrVal c, unsigned neg);
void ir_fcmp_f64(IrBuilder *b, IrFcmp cond, IrVal d, IrVal a, IrVal c);

/* CPU-state loads/stores at env + offset (the type comes from d / val). */
void ir_ld8u(IrBuilder *b, IrVal d, int32_t offset);
void ir_ld8s(IrBuilder *b, IrVal d, int32_t offset);
void ir_ld16u(IrBuilder *b, IrVal d, int32_t offset);
void ir_ld16s(IrBuilder *b, IrVal d, int32_t offset);
void ir_ld32u(IrBuilder *b, IrVal d, int32_t offset);
void ir_ld32s(IrBuilder *b, IrVal d, int32_t offset);
void ir_ld64(IrBuilder *b, IrVal d, int32_t offset);
void ir_st8(IrBuilder *b, IrVal val, int32_t offset);
void ir_st16(IrBuilder *b, IrVal val, int32_t offset);
void ir_st32(IrBuilder *b, IrVal val, int32_t offset);
void ir_st64(IrBuilder *b, IrVal val, int32_t offset);

/* Guest memory.  addr is I64; the value's type is that of d / val. */
void ir_guest_ld(IrBuilder *b, IrVal d, IrVal addr, MemOp mop, unsigned mmu_idx);
void ir_guest_st(IrBuilder *b, IrVal val, IrVal addr, MemOp mop, unsigned mmu_idx);
void ir_atomic_cmpxchg(IrBuilder *b, IrVal old, IrVal addr, IrVal cmpv, IrVal newv,
                       MemOp mop, unsigned mmu_idx);
/* opc: IR_OP_atomic_xchg or one of IR_OP_atomic_fetch_*. */
void ir_atomic_rmw(IrBuilder *b, IrOpcode opc, IrVal old, IrVal addr, IrVal val,
                   MemOp mop, unsigned mmu_idx);
void ir_mb(IrBuilder *b, unsigned barrier);   /* IrBarrier bits */

/* Helper calls: ret is IR_VAL_NONE for void helpers. */
typedef struct IrHelperInfo IrHelperInfo;
void ir_call_n(IrBuilder *b, const IrHelperInfo *h, IrVal ret, const IrVal *args,
               unsigned nargs);
#define ir_call(b, h, ret, ...)                                              \
    ir_call_n(b, h, ret, (const IrVal[]){ __VA_ARGS__ },                     \
              sizeof((const IrVal[]){ __VA_ARGS__ }) / sizeof(IrVal))
#define ir_call0(b, h, ret) ir_call_n(b, h, ret, NULL, 0)
/* d = fast unless fast == miss, else d = h(args...) (ir_ops.def's
 * call_miss; h returns i64 and is flagged NO_READ_GLOBALS,
 * NO_WRITE_GLOBALS and NO_RAISE). */
void ir_call_miss_n(IrBuilder *b, const IrHelperInfo *h, IrVal d, IrVal fast, uint64_t miss,
                    const IrVal *args, unsigned nargs);
#define ir_call_miss(b, h, d, fast, miss, ...)                               \
    ir_call_miss_n(b, h, d, fast, miss, (const IrVal[]){ __VA_ARGS__ },      \
                   sizeof((const IrVal[]){ __VA_ARGS__ }) / sizeof(IrVal))

void ir_goto_tb(IrBuilder *b, unsigned slot);
void ir_exit_tb(IrBuilder *b, IrExit value);
void ir_lookup_and_goto_ptr(IrBuilder *b);
/* Return-predictor hints (ir_ops.def): right before the goto_tb or
 * lookup_and_goto_ptr of a guest call, and before the lookup of a return. */
void ir_call_hint(IrBuilder *b, uint64_t return_pc, unsigned return_slot, uint32_t tb_flags);
void ir_return_hint(IrBuilder *b);
void ir_insn_start(IrBuilder *b, uint64_t pc, uint64_t data1, uint64_t data2);

/* ---- passes ---------------------------------------------------------------- */

/* The printer: one op per line, "insn_start" lines show the guest pc.
 * Used for -d op / -d op_opt and the golden tests. */
void ir_print(const IrBuilder *b, FILE *out);
/* Same into a malloc'd string (tests). */
char *ir_print_to_string(const IrBuilder *b);
void ir_print_op(const IrBuilder *b, const IrOp *op, FILE *out);
void ir_print_val(const IrBuilder *b, IrVal v, FILE *out);

/* The parser: reads the printer's format back, appending to b.  Globals
 * by name from b's context, tN/eN temps created on first use, $0x..
 * constants, Ln labels, helpers by name from helpers[] (then from the
 * registered tables, ir_helper_find).  Blank lines and '#' comments are
 * skipped.  For golden tests and replaying -d op. */
bool ir_parse(IrBuilder *b, const char *text, const IrHelperInfo *const *helpers,
              size_t nhelpers, Error **errp);

/* The verifier: operand counts and types, defined-before-use of EBB temps
 * within their block and of TB temps on the straight-line path, labels set
 * exactly once and referenced ones defined, block ends with an exit.
 * Returns false with a message naming the op index on the first problem. */
bool ir_verify(const IrBuilder *b, Error **errp);

/* The optimizer: constant folding of every pure op, copy propagation,
 * algebraic identities (x+0, x&-1, x*1, x^x...), branch folding, then
 * dead-code elimination by running ir_liveness.  In place; deleted ops
 * become nop.  The result is ready for a backend. */
void ir_optimize(IrBuilder *b);

/* Liveness (backward): fills IrOp.life and deletes pure ops whose outputs
 * are all dead.  Globals are live at every basic-block end; TB temps are
 * live at labels and branches (conservatively); EBB temps are dead at
 * labels; nothing but globals outlives the block.  ir_optimize runs it;
 * call it directly only on unoptimized IR. */
void ir_liveness(IrBuilder *b);

#endif
