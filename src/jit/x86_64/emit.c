/*
 * Lowering of Morpho's IR to x86-64 (the JIT's only host today).  One pass
 * over the ops of a block, in order, with the register allocator of
 * jit/regalloc.h; then the out-of-line slow paths of guest memory accesses
 * and the exit-request exit.  QEMU's tcg/i386 backend has the same shape.
 *
 * Host register roles (System V AMD64 ABI):
 *   r14       env (the CPU state), for the whole block;
 *   rsp       16-byte aligned; the top of the return-address stack
 *             (jit.h's JitFrame), so nothing lives at an rsp offset: spill
 *             slots are in env's JitFrame, outgoing stack arguments are
 *             stored below rsp just before their call;
 *   r10, r11  scratch of single lowerings, never allocated;
 *   GS base   user mode's guest_base when it does not fit a displacement
 *             (jit.c sets it per thread), so a guest access is one
 *             instruction, gs:[addr + imm], not a movabs and an access;
 *   the other 12 registers are allocated; rbx, rbp, r12, r13 and r15
 *   survive calls, so values live across helper calls stay there; a
 *   memory slow path saves and restores the live caller-saved ones in its
 *   stub, so the fast path keeps every register.
 * Invariants: an I32 value in a register is zero-extended to 64 bits (every
 * 32-bit x86 operation does that), so I32 -> I64 zero extension is a move
 * and helpers receive clean arguments.  Globals are written home at every
 * block end, branch and call that reads or writes them or may raise
 * (regalloc.h), but not before a guest memory access: its slow path
 * stores the dirty ones before calling C, and in user mode the block's
 * fault map (jit_internal.h) tells the SIGSEGV path which register holds
 * each, so the fast path stores nothing.  Ops' semantics are those of
 * ir/eval_internal.h: shift counts modulo the width, division by zero and
 * overflow total.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "ir/helper.h"
#include "ir/interp.h"
#include "ir/ir.h"
#include "jit/jit_internal.h"
#include "jit/regalloc.h"
#include "jit/x86_64/encoder.h"

#define ENV X86_R14
#define TMP0 X86_R11
#define TMP1 X86_R10

#define STACK_ARGS 2             /* helper arguments past the six in registers */

#define R(r) (1u << (r))
/* globals a self-loop keeps in registers over its back edge: the
 * callee-saved ones first (they survive helper calls), then three more */
#define LOOP_HEAD_REGS 8
static const X86Reg HEAD_REGS[LOOP_HEAD_REGS] = { X86_RBX, X86_RBP, X86_R12, X86_R13, X86_R15,
                                                  X86_RSI, X86_RDI, X86_R8 };
static const uint32_t ALL_REGS = 0xffff & ~(R(X86_RSP) | R(ENV) | R(TMP0) | R(TMP1));
static const uint32_t CALLER_SAVED = R(X86_RAX) | R(X86_RCX) | R(X86_RDX) | R(X86_RSI) |
                                     R(X86_RDI) | R(X86_R8) | R(X86_R9);
static const X86Reg ARG_REGS[6] = { X86_RDI, X86_RSI, X86_RDX, X86_RCX, X86_R8, X86_R9 };

typedef enum StubKind {
    STUB_LD,
    STUB_ST,
    STUB_CALL,                  /* call_miss's helper call */
} StubKind;

/* Where a STUB_CALL argument is when the fast path branches to the stub. */
typedef enum StubArgKind {
    STUB_ARG_IMM,
    STUB_ARG_REG,
    STUB_ARG_ENV,               /* a global's home, current */
    STUB_ARG_SLOT,              /* a temp's spill slot */
} StubArgKind;

typedef struct StubArg {
    uint8_t kind;               /* StubArgKind */
    uint8_t reg;
    bool is64;
    int32_t off;                /* env offset or slot */
    uint64_t imm;
} StubArg;

/* An out-of-line slow path: of a guest memory access, or of a call_miss
 * (fn(env, args...) into out). */
typedef struct Stub {
    StubKind kind;
    uint8_t *jump_field;        /* the fast path's rel32 to patch here */
    uint8_t *resume;            /* where the fast path continues */
    X86Reg addr, val, out;
    bool out64;
    uint32_t oi;
    uint32_t insn;
    uint32_t save;              /* caller-saved registers live across the call */
    uint32_t dirty_first, ndirty;   /* Emit.dirty: globals to store before the call */
    const void *fn;                 /* STUB_CALL: the helper, and its arguments */
    uint32_t arg_first, nargs;      /* in Emit.stub_args */
    uint16_t xmm_save;              /* STUB_CALL: FP shadows to keep over the call */
    int8_t xmm_out;                 /* STUB_CALL: the shadow of d to set, or -1 */
} Stub;

typedef struct Fixup {
    uint8_t *field;             /* rel32 */
    uint32_t label;
} Fixup;

typedef struct Emit {
    Jit *jit;
    const IrBuilder *b;
    const IrOp *ops;            /* b's ops, one array (ir_op_at_const(b, 0)) */
    size_t nops;
    X86Asm a;
    RegAlloc ra;
    ptrdiff_t delta;            /* rx - rw */
    void *tag;
    uint8_t **label_pos;
    Fixup *fixups;
    size_t nfixups, fixups_cap;
    Stub *stubs;
    size_t nstubs, stubs_cap;
    uint32_t *dirty;            /* JIT_FAULT_ENTRY words of the stubs' dirty globals */
    size_t ndirty, dirty_cap;
    StubArg *stub_args;         /* the STUB_CALL stubs' arguments */
    size_t nstub_args, stub_args_cap;
    uint32_t *fmap;             /* the fault map (user mode) */
    size_t nfmap, fmap_cap;
    JitInsnMark *marks;
    uint32_t nmarks, marks_cap;
    uint32_t insn;              /* ordinal of the current guest insn */
    uint32_t ninsns;
    uint32_t jmp_field[IR_GOTO_TB_SLOTS], jmp_reset[IR_GOTO_TB_SLOTS];
    /* return-predictor hints for the block end that follows them */
    const IrOp *call_hint;
    bool return_hint;
    const IrOp *fused_brcond;   /* emitted with the FP op before it: skip */
    const IrOp *fused_call;     /* a call_miss emitted with the FP op before it: */
    int fused_out;              /* ... its d is in this register from there on */
    int fused_shadow;           /* ... and in this shadow register (or -1) */
    /* FP shadows (see fp_shadow_set): xmm_val[x] is the value whose bits
     * xmm x also holds, or -1; shadow_keep, the one the op being emitted
     * gave its output (not dropped with the output's older copies) */
    int32_t xmm_val[16];
    int shadow_keep;
    unsigned xmm_next;
    uint32_t xmm_busy;              /* the FP op's registers so far (fp_begin) */
    /* registers across labels: a label that one branch reaches and nothing
     * falls into starts with the registers the branch had */
    uint16_t *label_refs;           /* branches to each label */
    bool *label_no_fall;            /* nothing falls through into the label */
    RaSnapshot *label_snap;
    int32_t (*label_xmm)[16];       /* the FP shadows at that branch */
    bool *label_has_snap;
    bool unreachable;               /* the previous op never falls through */
    /* a block whose goto_tb loop_slot re-enters it (see emit_loop_prepare) */
    int loop_slot;
    uint32_t loop_head;             /* offset of the loop header */
    uint8_t *loop_req_field;        /* back edge's exit request check */
    unsigned nhead;
    uint32_t head_val[LOOP_HEAD_REGS];
    uint32_t head_dirty;            /* head values the back edge brings unstored */
} Emit;

/* The emitter's arrays, kept from block to block in Jit.emit_scratch
 * (compile_lock held) and grown on demand: five mallocs per block here and
 * two in ra_init were ~3.6% of a boot's samples (_int_malloc and
 * malloc_consolidate). */
typedef struct EmitScratch {
    RaBuffers ra;
    size_t labels_cap;
    uint8_t **label_pos;
    uint16_t *label_refs;
    RaSnapshot *label_snap;
    int32_t (*label_xmm)[16];
    bool *label_has_snap;
    bool *label_no_fall;
    Fixup *fixups;
    size_t fixups_cap;
    Stub *stubs;
    size_t stubs_cap;
    uint32_t *dirty;
    size_t dirty_cap;
    StubArg *stub_args;
    size_t stub_args_cap;
    uint32_t *fmap;
    size_t fmap_cap;
    JitInsnMark *marks;
    uint32_t marks_cap;
    uint8_t *loop_seen;             /* emit_loop_prepare, per global */
    size_t loop_seen_cap;
} EmitScratch;

#define GROW(ptr, n, cap)                                                     \
    do {                                                                      \
        if ((n) == (cap)) {                                                   \
            (cap) = (cap) ? 2 * (cap) : 16;                                   \
            (ptr) = realloc((ptr), (cap) * sizeof(*(ptr)));                   \
            assert(ptr);                                                      \
        }                                                                     \
    } while (0)

static X86Mem slot_mem(const Emit *e, int32_t slot)
{
    return x86_mem(ENV, e->jit->cfg.frame_offset + (int32_t)offsetof(JitFrame, spill) + 8 * slot);
}

/* ---- FP shadows --------------------------------------------------------
 * xmm3..xmm15 keep copies of FP results, so that an FP op reading the
 * result of an earlier one takes it from there instead of from its general
 * register (a movq on the dependency chain).  The general register (or
 * home) stays the value's own; a shadow is only a copy, dropped when the
 * value is written again, at labels (other paths reach them), and at
 * every C call (which clobbers them all): helper calls and the memory
 * slow paths; call_miss's stub saves them instead. */
#define SHADOW_FIRST 3

static void fp_shadow_drop_all(Emit *e)
{
    for (int x = 0; x < 16; x++) {
        e->xmm_val[x] = -1;
    }
}

static void fp_shadow_drop(Emit *e, uint32_t v, int keep)
{
    for (int x = SHADOW_FIRST; x < 16; x++) {
        if (e->xmm_val[x] == (int32_t)v && x != keep) {
            e->xmm_val[x] = -1;
        }
    }
}

static int fp_shadow_find(Emit *e, uint32_t v)
{
    for (int x = SHADOW_FIRST; x < 16; x++) {
        if (e->xmm_val[x] == (int32_t)v) {
            return x;
        }
    }
    return -1;
}

/* A shadow register for a new value, not one the FP op being emitted
 * uses (xmm_busy, which it joins); round-robin, free ones first. */
static X86Xmm fp_shadow_new(Emit *e)
{
    int best = -1;
    for (unsigned k = 0; k < 16 - SHADOW_FIRST; k++) {
        int x = SHADOW_FIRST + (int)((e->xmm_next + k) % (16 - SHADOW_FIRST));
        if (e->xmm_busy & (1u << x)) {
            continue;
        }
        if (e->xmm_val[x] < 0) {
            best = x;
            break;
        }
        if (best < 0) {
            best = x;
        }
    }
    assert(best >= 0);
    e->xmm_next = (unsigned)(best - SHADOW_FIRST + 1);
    e->xmm_val[best] = -1;
    e->xmm_busy |= 1u << best;
    return best;
}

/* v's bits are in xmm x from here on (its other shadows are stale). */
static void fp_shadow_set(Emit *e, uint32_t v, X86Xmm x)
{
    fp_shadow_drop(e, v, -1);
    e->xmm_val[x] = (int32_t)v;
    e->shadow_keep = x;
}

/* ---- register allocator hooks -------------------------------------- */

static void host_load(void *opaque, int reg, const RaTemp *t)
{
    Emit *e = opaque;
    switch (t->kind) {
    case IR_TEMP_CONST:
        x86_mov_ri(&e->a, reg, t->is64 ? t->value : (uint32_t)t->value);
        break;
    case IR_TEMP_GLOBAL:
        x86_load(&e->a, reg, x86_mem(ENV, t->env_offset), t->is64 ? 8 : 4, false, t->is64);
        break;
    default:
        if (t->slot >= 0) {
            x86_load(&e->a, reg, slot_mem(e, t->slot), 8, false, true);
        }
        break;
    }
}

static void host_store(void *opaque, int reg, const RaTemp *t)
{
    Emit *e = opaque;
    if (t->kind == IR_TEMP_GLOBAL) {
        x86_store(&e->a, x86_mem(ENV, t->env_offset), reg, t->is64 ? 8 : 4);
    } else if (t->slot >= 0) {
        x86_store(&e->a, slot_mem(e, t->slot), reg, 8);
    }
}

static void host_mov(void *opaque, int dst, int src, bool is64)
{
    Emit *e = opaque;
    x86_mov_rr(&e->a, is64, dst, src);
}

static const RaHostOps host_ops = { host_load, host_store, host_mov };

/* ---- operand helpers ------------------------------------------------ */

static RaTemp *tv(Emit *e, uint32_t v)
{
    return ra_temp(&e->ra, v);
}

static bool is_const(Emit *e, uint32_t v)
{
    return tv(e, v)->kind == IR_TEMP_CONST;
}

static uint64_t cval(Emit *e, uint32_t v, bool is64)
{
    uint64_t x = tv(e, v)->value;
    return is64 ? x : (uint32_t)x;
}

/* Usable as a sign-extended imm32 of an operation of this width. */
static bool imm_ok(Emit *e, uint32_t v, bool is64)
{
    if (!is_const(e, v)) {
        return false;
    }
    uint64_t x = cval(e, v, is64);
    return !is64 || (int64_t)x == (int32_t)x;
}

/* Copy v's value into dst without changing who owns what (call arguments,
 * scratch registers). */
static void get_raw(Emit *e, uint32_t v, X86Reg dst)
{
    RaTemp *t = tv(e, v);
    if (t->reg >= 0) {
        if (t->reg != dst) {
            x86_mov_rr(&e->a, true, dst, t->reg);
        }
    } else {
        if (t->kind == IR_TEMP_TB || t->kind == IR_TEMP_EBB) {
            ra_slot(&e->ra, v);
        }
        host_load(e, dst, t);
    }
}

static int use(Emit *e, uint32_t v, uint32_t allowed)
{
    return ra_use(&e->ra, v, allowed);
}

/* May the emitter overwrite input k's register with the result? */
static bool reusable(Emit *e, const IrOp *op, unsigned k)
{
    uint32_t v = op->vals[k];
    RaTemp *t = tv(e, v);
    if (op->nout >= 1 && v == op->vals[0] && t->kind != IR_TEMP_CONST) {
        return true;
    }
    if (!(op->life & (1u << k))) {
        return false;
    }
    if (t->kind != IR_TEMP_TB && t->kind != IR_TEMP_EBB) {
        return false;
    }
    /* not if another input is the same value (it is still read) */
    for (unsigned j = op->nout; j < (unsigned)(op->nout + op->nin); j++) {
        if (j != k && op->vals[j] == v) {
            return false;
        }
    }
    return true;
}

/* A register holding input k's value that the result may overwrite. */
static int dest_from(Emit *e, const IrOp *op, unsigned k, bool is64, uint32_t allowed)
{
    uint32_t v = op->vals[k];
    if (reusable(e, op, k)) {
        return use(e, v, allowed);
    }
    int r = ra_alloc(&e->ra, allowed);
    ra_lock(&e->ra, r);
    get_raw(e, v, r);
    (void)is64;
    return r;
}

static int new_reg(Emit *e, uint32_t allowed)
{
    int r = ra_alloc(&e->ra, allowed);
    ra_lock(&e->ra, r);
    return r;
}

static void def(Emit *e, uint32_t v, int reg)
{
    ra_def(&e->ra, v, reg);
}

/* ---- labels and marks ----------------------------------------------- */

static void jump_to_label(Emit *e, int cc, uint32_t label)
{
    uint8_t *pos = e->label_pos[label];
    if (pos) {
        if (cc < 0) {
            x86_jmp(&e->a, pos);
        } else {
            x86_jcc(&e->a, (X86Cond)cc, pos);
        }
        return;
    }
    uint8_t *field = cc < 0 ? x86_jmp32_fwd(&e->a) : x86_jcc32_fwd(&e->a, (X86Cond)cc);
    if (field) {
        GROW(e->fixups, e->nfixups, e->fixups_cap);
        e->fixups[e->nfixups++] = (Fixup){ field, label };
    }
}

static void mark(Emit *e, uint32_t insn)
{
    GROW(e->marks, e->nmarks, e->marks_cap);
    e->marks[e->nmarks++] = (JitInsnMark){ (uint32_t)x86_asm_size(&e->a), insn };
}

static void jmp_epilogue(Emit *e)
{
    x86_jmp(&e->a, (uint8_t *)e->jit->epilogue - e->delta);
}

static void exit_with(Emit *e, IrExit value)
{
    x86_mov_ri(&e->a, X86_RAX, (uint64_t)(uintptr_t)e->tag | (uint64_t)value);
    jmp_epilogue(e);
}

/* The code after this point is not reached by falling through. */
static void end_of_path(Emit *e)
{
    ra_drop_all(&e->ra);
    e->unreachable = true;
}

/* A forward branch to a label that it alone reaches and nothing falls
 * into: the label can start with the branch's registers, dirty globals
 * too (branch_to_label keeps the snapshot, ra_restore applies it). */
static bool label_keeps_dirty(const Emit *e, uint32_t label)
{
    return !e->label_pos[label] && e->label_refs[label] == 1 && e->label_no_fall[label];
}

/* A branch to label: the first of a label's only branch keeps the register
 * state for it (the caller synced values first). */
static void branch_to_label(Emit *e, int cc, uint32_t label)
{
    if (!e->label_pos[label] && e->label_refs[label] == 1) {
        ra_snapshot(&e->ra, &e->label_snap[label]);
        memcpy(e->label_xmm[label], e->xmm_val, sizeof(e->xmm_val));
        e->label_has_snap[label] = true;
    }
    jump_to_label(e, cc, label);
}

/* ---- calls ---------------------------------------------------------- */

typedef struct CallArg {
    bool is_imm;
    uint64_t imm;
    uint32_t v;
} CallArg;

/* Call fn(env?, args...) per the SysV ABI; the result, if ret is not
 * IR_VAL_NONE, goes to ret (I32 results zero-extended).  Caller-saved
 * registers are emptied first, so argument sources never collide with
 * argument registers. */
static void emit_call_fn(Emit *e, const void *fn, bool pass_env, const CallArg *args,
                         unsigned nargs, uint32_t ret, bool ret64, bool clobbers_globals)
{
    ra_evict_mask(&e->ra, CALLER_SAVED);
    fp_shadow_drop_all(e);              /* C clobbers every xmm register */
    unsigned k = 0;
    if (pass_env) {
        x86_mov_rr(&e->a, true, ARG_REGS[k++], ENV);
    }
    for (unsigned i = 0; i < nargs; i++, k++) {
        X86Reg dst = k < 6 ? ARG_REGS[k] : TMP0;
        if (args[i].is_imm) {
            x86_mov_ri(&e->a, dst, args[i].imm);
        } else {
            get_raw(e, args[i].v, dst);
        }
        if (k >= 6) {
            /* below rsp (in the red zone until the sub): above it is the
             * return-address stack */
            assert(k < 6 + STACK_ARGS);
            x86_store(&e->a, x86_mem(X86_RSP, 8 * (int32_t)(k - 6) - 8 * STACK_ARGS), TMP0, 8);
        }
    }
    if (k > 6) {
        x86_alu_ri(&e->a, X86_SUB, true, X86_RSP, 8 * STACK_ARGS);
    }
    x86_mov_ri(&e->a, TMP0, (uint64_t)(uintptr_t)fn);
    x86_call_r(&e->a, TMP0);
    if (k > 6) {
        x86_alu_ri(&e->a, X86_ADD, true, X86_RSP, 8 * STACK_ARGS);
    }
    if (clobbers_globals) {
        ra_forget_globals(&e->ra);
    }
    if (ret != UINT32_MAX) {
        if (!ret64) {
            x86_mov_rr(&e->a, false, X86_RAX, X86_RAX);
        }
        def(e, ret, X86_RAX);
    }
}

static void emit_helper_call(Emit *e, const IrOp *op)
{
    const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)op->consts[0];
    bool reads = !(h->flags & IR_CALL_NO_READ_GLOBALS) || !(h->flags & IR_CALL_NO_RAISE);
    bool writes = !(h->flags & IR_CALL_NO_WRITE_GLOBALS);
    if (reads || writes) {
        ra_sync(&e->ra, false);
    }
    CallArg args[IR_CALL_MAX_ARGS];
    for (unsigned i = 0; i < op->nin; i++) {
        args[i] = (CallArg){ .v = op->vals[op->nout + i] };
    }
    uint32_t ret = op->nout ? op->vals[0] : UINT32_MAX;
    emit_call_fn(e, h->fn, true, args, op->nin, ret, h->ret == IR_HT_I64, writes);
    if (h->flags & IR_CALL_NO_RETURN) {
        x86_ud2(&e->a);
        end_of_path(e);
    }
}

/* ---- arithmetic ----------------------------------------------------- */

/* and with 0xff, 0xffff or 0xffffffff: one movzx or 32-bit mov, which
 * copies as it masks (RISC-V andi 255, zext.h, zext.w as and); the 32-bit
 * mask has no imm32 form at all. */
static bool emit_and_zext(Emit *e, const IrOp *op, unsigned ka, uint64_t mask)
{
    bool is64 = op->type == IR_I64;
    unsigned bytes = mask == 0xff ? 1 : mask == 0xffff ? 2 : mask == 0xffffffffull && is64 ? 4 : 0;
    if (!bytes || is_const(e, op->vals[ka])) {
        return false;
    }
    int ra = use(e, op->vals[ka], ALL_REGS);
    int out = reusable(e, op, ka) ? ra : new_reg(e, ALL_REGS);
    if (bytes == 4) {
        x86_mov_rr(&e->a, false, out, ra);
    } else {
        x86_movzx_rr(&e->a, out, ra, bytes);
    }
    def(e, op->vals[0], out);
    return true;
}

static void emit_alu(Emit *e, const IrOp *op, X86Alu alu, bool invert_result)
{
    bool is64 = op->type == IR_I64;
    unsigned ka = 1, kb = 2;
    bool commutes = ir_op_def(op)->flags & IR_OPF_COMMUTES;
    if (commutes && ((!reusable(e, op, 1) && reusable(e, op, 2)) ||
                     (is_const(e, op->vals[1]) && !is_const(e, op->vals[2])))) {
        ka = 2;
        kb = 1;
    }
    uint32_t b = op->vals[kb];
    if (alu == X86_AND && !invert_result && is_const(e, b) &&
        emit_and_zext(e, op, ka, cval(e, b, is64))) {
        return;
    }
    int rb = -1;
    if (!imm_ok(e, b, is64)) {
        rb = use(e, b, ALL_REGS);
    }
    if ((alu == X86_ADD || (alu == X86_SUB && rb < 0)) && !invert_result &&
        !reusable(e, op, ka) && !is_const(e, op->vals[ka])) {
        /* three-operand add: lea spares the copy of a */
        int64_t imm = rb < 0 ? (int64_t)(int32_t)cval(e, b, is64) : 0;
        if (alu == X86_SUB) {
            imm = -imm;
        }
        if (imm == (int32_t)imm) {
            int ra = use(e, op->vals[ka], ALL_REGS);
            int out = new_reg(e, ALL_REGS);
            X86Mem m = rb < 0 ? x86_mem(ra, (int32_t)imm) : x86_mem_idx(ra, rb, 0, 0);
            x86_lea(&e->a, is64, out, m);
            def(e, op->vals[0], out);
            return;
        }
    }
    int out = dest_from(e, op, ka, is64, ALL_REGS);
    if (rb < 0) {
        x86_alu_ri(&e->a, alu, is64, out, (int32_t)cval(e, b, is64));
    } else {
        x86_alu_rr(&e->a, alu, is64, out, rb);
    }
    if (invert_result) {
        x86_unary(&e->a, X86_NOT, is64, out);
    }
    def(e, op->vals[0], out);
}

/* a & ~b, a | ~b */
static void emit_alu_not_b(Emit *e, const IrOp *op, X86Alu alu)
{
    bool is64 = op->type == IR_I64;
    get_raw(e, op->vals[2], TMP0);
    x86_unary(&e->a, X86_NOT, is64, TMP0);
    int out = dest_from(e, op, 1, is64, ALL_REGS);
    x86_alu_rr(&e->a, alu, is64, out, TMP0);
    def(e, op->vals[0], out);
}

static void emit_unary(Emit *e, const IrOp *op, X86Unary u)
{
    bool is64 = op->type == IR_I64;
    int out = dest_from(e, op, 1, is64, ALL_REGS);
    x86_unary(&e->a, u, is64, out);
    def(e, op->vals[0], out);
}

static void emit_mul(Emit *e, const IrOp *op)
{
    bool is64 = op->type == IR_I64;
    unsigned ka = 1, kb = 2;
    if ((is_const(e, op->vals[1]) && !is_const(e, op->vals[2])) ||
        (!reusable(e, op, 1) && reusable(e, op, 2))) {
        ka = 2;
        kb = 1;
    }
    uint32_t b = op->vals[kb];
    if (imm_ok(e, b, is64)) {
        int ra = use(e, op->vals[ka], ALL_REGS);
        int out = reusable(e, op, ka) ? ra : new_reg(e, ALL_REGS);
        x86_imul_rri(&e->a, is64, out, ra, (int32_t)cval(e, b, is64));
        def(e, op->vals[0], out);
        return;
    }
    int rb = use(e, b, ALL_REGS);
    int out = dest_from(e, op, ka, is64, ALL_REGS);
    x86_imul_rr(&e->a, is64, out, rb);
    def(e, op->vals[0], out);
}

static void emit_shift(Emit *e, const IrOp *op, X86Shift sh)
{
    bool is64 = op->type == IR_I64;
    unsigned width = is64 ? 64 : 32;
    uint32_t b = op->vals[2];
    if (is_const(e, b)) {
        unsigned n = (unsigned)(cval(e, b, is64) & (width - 1));
        if (sh == X86_SHL && n >= 1 && n <= 3 && !reusable(e, op, 1) &&
            !is_const(e, op->vals[1])) {
            /* a copy and a shift in one: lea out, [a + a] or [a * 4|8] */
            int ra = use(e, op->vals[1], ALL_REGS);
            int out = new_reg(e, ALL_REGS);
            x86_lea(&e->a, is64, out, n == 1 ? x86_mem_idx(ra, ra, 0, 0)
                                             : x86_mem_idx(X86_NOREG, ra, n, 0));
            def(e, op->vals[0], out);
            return;
        }
        int out = dest_from(e, op, 1, is64, ALL_REGS);
        if (n) {
            x86_shift_ri(&e->a, sh, is64, out, n);
        }
        def(e, op->vals[0], out);
        return;
    }
    /* the count goes in cl; the hardware masks it to the width as IR does */
    use(e, b, R(X86_RCX));
    int out = dest_from(e, op, 1, is64, ALL_REGS & ~R(X86_RCX));
    x86_shift_cl(&e->a, sh, is64, out);
    def(e, op->vals[0], out);
}

/* mulsh, muluh, mulu2, muls2. */
static void emit_mul_wide(Emit *e, const IrOp *op, bool sign, bool two)
{
    bool is64 = op->type == IR_I64;
    unsigned ia = two ? 2 : 1;
    uint32_t a = op->vals[ia], b = op->vals[ia + 1];
    if (!is64) {
        /* the exact 64-bit product of the extended halves */
        int out = new_reg(e, ALL_REGS);
        get_raw(e, a, out);
        get_raw(e, b, TMP0);
        if (sign) {
            x86_movsx_rr(&e->a, true, out, out, 4);
            x86_movsx_rr(&e->a, true, TMP0, TMP0, 4);
        }
        x86_imul_rr(&e->a, true, out, TMP0);
        if (two) {
            int lo = new_reg(e, ALL_REGS);
            x86_mov_rr(&e->a, false, lo, out);
            x86_shift_ri(&e->a, X86_SHR, true, out, 32);
            def(e, op->vals[0], lo);
            def(e, op->vals[1], out);
        } else {
            x86_shift_ri(&e->a, X86_SHR, true, out, 32);
            def(e, op->vals[0], out);
        }
        return;
    }
    ra_free_reg(&e->ra, X86_RAX);
    ra_free_reg(&e->ra, X86_RDX);
    ra_lock(&e->ra, X86_RAX);
    ra_lock(&e->ra, X86_RDX);
    uint32_t not_ad = ALL_REGS & ~(R(X86_RAX) | R(X86_RDX));
    int rb = use(e, b, not_ad);
    get_raw(e, a, X86_RAX);
    x86_unary(&e->a, sign ? X86_IMUL1 : X86_MUL, true, rb);
    if (two) {
        def(e, op->vals[0], X86_RAX);
        def(e, op->vals[1], X86_RDX);
    } else {
        def(e, op->vals[0], X86_RDX);
    }
}

/* div, divu, rem, remu with the IR's total semantics. */
static void emit_div(Emit *e, const IrOp *op, bool sign, bool rem)
{
    bool is64 = op->type == IR_I64;
    ra_free_reg(&e->ra, X86_RAX);
    ra_free_reg(&e->ra, X86_RDX);
    ra_lock(&e->ra, X86_RAX);
    ra_lock(&e->ra, X86_RDX);
    uint32_t not_ad = ALL_REGS & ~(R(X86_RAX) | R(X86_RDX));
    int ra = use(e, op->vals[1], not_ad);
    int rb = use(e, op->vals[2], not_ad);
    X86Asm *a = &e->a;
    /* a constant divisor skips the checks it cannot fail */
    bool known = is_const(e, op->vals[2]);
    uint64_t divisor = known ? cval(e, op->vals[2], is64) : 0;
    uint64_t minus1 = is64 ? UINT64_MAX : UINT32_MAX;

    uint8_t *to_zero = NULL, *to_done1 = NULL, *to_done2 = NULL;
    if (!known || divisor == 0) {
        x86_test_rr(a, is64, rb, rb);
        to_zero = x86_jcc32_fwd(a, X86_CC_E);
    }
    if (sign && (!known || divisor == minus1)) {
        /* x / -1 = -x (INT_MIN stays INT_MIN), x % -1 = 0: no #DE */
        x86_alu_ri(a, X86_CMP, is64, rb, -1);
        uint8_t *to_normal = x86_jcc8_fwd(a, X86_CC_NE);
        if (rem) {
            x86_alu_rr(a, X86_XOR, false, X86_RAX, X86_RAX);
        } else {
            x86_mov_rr(a, is64, X86_RAX, ra);
            x86_unary(a, X86_NEG, is64, X86_RAX);
        }
        to_done1 = x86_jmp32_fwd(a);
        x86_patch_rel8(to_normal, a->p);
    }
    x86_mov_rr(a, is64, X86_RAX, ra);
    if (sign) {
        x86_cdq(a, is64);
    } else {
        x86_alu_rr(a, X86_XOR, false, X86_RDX, X86_RDX);
    }
    x86_unary(a, sign ? X86_IDIV : X86_DIV, is64, rb);
    if (rem) {
        x86_mov_rr(a, is64, X86_RAX, X86_RDX);
    }
    if (to_zero) {
        to_done2 = x86_jmp8_fwd(a);
        x86_patch_rel32(to_zero, a->p);
        if (rem) {
            x86_mov_rr(a, is64, X86_RAX, ra);           /* x % 0 = x */
        } else {
            x86_mov_ri(a, X86_RAX, minus1);             /* x / 0 = -1 */
        }
        x86_patch_rel8(to_done2, a->p);
    }
    if (to_done1) {
        x86_patch_rel32(to_done1, a->p);
    }
    def(e, op->vals[0], X86_RAX);
}

static void emit_clz_ctz(Emit *e, const IrOp *op, bool clz)
{
    bool is64 = op->type == IR_I64;
    unsigned width = is64 ? 64 : 32;
    uint32_t z = op->vals[2];
    int ra = use(e, op->vals[1], ALL_REGS);
    int out = new_reg(e, ALL_REGS);
    bool native = clz ? e->jit->feat.lzcnt : e->jit->feat.tzcnt;
    X86Asm *a = &e->a;
    if (native) {
        /* lzcnt/tzcnt give the width for 0 and set CF */
        bool need = !(is_const(e, z) && cval(e, z, is64) == width);
        if (need) {
            get_raw(e, z, TMP0);
        }
        x86_bitcount(a, clz ? X86_LZCNT : X86_TZCNT, is64, out, ra);
        if (need) {
            x86_cmovcc(a, X86_CC_B, is64, out, TMP0);
        }
    } else if (clz) {
        /* clz = bsr ^ (width - 1); pre-flip the zero value the same way */
        get_raw(e, z, TMP0);
        x86_alu_ri(a, X86_XOR, is64, TMP0, (int32_t)(width - 1));
        x86_bitcount(a, X86_BSR, is64, out, ra);
        x86_cmovcc(a, X86_CC_E, is64, out, TMP0);
        x86_alu_ri(a, X86_XOR, is64, out, (int32_t)(width - 1));
    } else {
        get_raw(e, z, TMP0);
        x86_bitcount(a, X86_BSF, is64, out, ra);
        x86_cmovcc(a, X86_CC_E, is64, out, TMP0);
    }
    def(e, op->vals[0], out);
}

static uint64_t jit_ctpop64(uint64_t x)
{
    return (uint64_t)__builtin_popcountll(x);
}

static void emit_ctpop(Emit *e, const IrOp *op)
{
    bool is64 = op->type == IR_I64;
    if (e->jit->feat.popcnt) {
        int ra = use(e, op->vals[1], ALL_REGS);
        int out = new_reg(e, ALL_REGS);
        x86_bitcount(&e->a, X86_POPCNT, is64, out, ra);
        def(e, op->vals[0], out);
        return;
    }
    CallArg arg = { .v = op->vals[1] };
    emit_call_fn(e, (const void *)jit_ctpop64, false, &arg, 1, op->vals[0], true, false);
}

/* ext8s..ext32u, extrl/extrh/extu/exts and the bswaps. */
static void emit_ext(Emit *e, const IrOp *op)
{
    bool is64 = op->type == IR_I64;
    int ra = use(e, op->vals[1], ALL_REGS);
    int out = reusable(e, op, 1) ? ra : new_reg(e, ALL_REGS);
    X86Asm *a = &e->a;
    switch (op->opc) {
    case IR_OP_ext8s: x86_movsx_rr(a, is64, out, ra, 1); break;
    case IR_OP_ext8u: x86_movzx_rr(a, out, ra, 1); break;
    case IR_OP_ext16s: x86_movsx_rr(a, is64, out, ra, 2); break;
    case IR_OP_ext16u: x86_movzx_rr(a, out, ra, 2); break;
    case IR_OP_ext32s:
    case IR_OP_exts_i32_i64:
        x86_movsx_rr(a, true, out, ra, 4);
        break;
    case IR_OP_ext32u:
    case IR_OP_extrl_i64_i32:
    case IR_OP_extu_i32_i64:
        x86_mov_rr(a, false, out, ra);
        break;
    case IR_OP_extrh_i64_i32:
        x86_mov_rr(a, true, out, ra);
        x86_shift_ri(a, X86_SHR, true, out, 32);
        break;
    case IR_OP_bswap16:
        x86_movzx_rr(a, out, ra, 2);
        x86_rol16_8(a, out);
        break;
    case IR_OP_bswap32:
        x86_mov_rr(a, false, out, ra);
        x86_bswap(a, false, out);
        break;
    case IR_OP_bswap64:
        x86_mov_rr(a, true, out, ra);
        x86_bswap(a, true, out);
        break;
    default:
        assert(!"emit_ext: not an extension");
    }
    def(e, op->vals[0], out);
}

static void emit_extract(Emit *e, const IrOp *op, bool sign)
{
    bool is64 = op->type == IR_I64;
    unsigned width = is64 ? 64 : 32;
    unsigned pos = (unsigned)op->consts[0], len = (unsigned)op->consts[1];
    X86Asm *a = &e->a;
    if (pos == 0 && (len == 8 || len == 16 || (len == 32 && is64))) {
        int ra = use(e, op->vals[1], ALL_REGS);
        int out = reusable(e, op, 1) ? ra : new_reg(e, ALL_REGS);
        if (sign) {
            x86_movsx_rr(a, is64, out, ra, len / 8);
        } else if (len == 32) {
            x86_mov_rr(a, false, out, ra);
        } else {
            x86_movzx_rr(a, out, ra, len / 8);
        }
        def(e, op->vals[0], out);
        return;
    }
    int out = dest_from(e, op, 1, is64, ALL_REGS);
    unsigned left = width - pos - len, right = width - len;
    if (left) {
        x86_shift_ri(a, X86_SHL, is64, out, left);
    }
    if (right) {
        x86_shift_ri(a, sign ? X86_SAR : X86_SHR, is64, out, right);
    }
    def(e, op->vals[0], out);
}

static void emit_deposit(Emit *e, const IrOp *op)
{
    bool is64 = op->type == IR_I64;
    unsigned width = is64 ? 64 : 32;
    unsigned pos = (unsigned)op->consts[0], len = (unsigned)op->consts[1];
    X86Asm *a = &e->a;
    /* TMP0 = (b & mask(len)) << pos, by two shifts */
    get_raw(e, op->vals[2], TMP0);
    if (width - len) {
        x86_shift_ri(a, X86_SHL, is64, TMP0, width - len);
    }
    if (width - len - pos) {
        x86_shift_ri(a, X86_SHR, is64, TMP0, width - len - pos);
    }
    int out = dest_from(e, op, 1, is64, ALL_REGS);
    uint64_t field = (len >= 64 ? ~0ull : (1ull << len) - 1) << pos;
    uint64_t keep = is64 ? ~field : (uint32_t)~field;
    if (!is64 || (int64_t)keep == (int32_t)keep) {
        x86_alu_ri(a, X86_AND, is64, out, (int32_t)keep);
    } else {
        x86_mov_ri(a, TMP1, keep);
        x86_alu_rr(a, X86_AND, true, out, TMP1);
    }
    x86_alu_rr(a, X86_OR, is64, out, TMP0);
    def(e, op->vals[0], out);
}

/* ---- comparisons ---------------------------------------------------- */

static X86Cond x86_cond_of(IrCond c)
{
    switch (c) {
    case IR_COND_EQ: return X86_CC_E;
    case IR_COND_NE: return X86_CC_NE;
    case IR_COND_LT: return X86_CC_L;
    case IR_COND_GE: return X86_CC_GE;
    case IR_COND_LE: return X86_CC_LE;
    case IR_COND_GT: return X86_CC_G;
    case IR_COND_LTU: return X86_CC_B;
    case IR_COND_GEU: return X86_CC_AE;
    case IR_COND_LEU: return X86_CC_BE;
    case IR_COND_GTU: return X86_CC_A;
    case IR_COND_TSTEQ: return X86_CC_E;
    case IR_COND_TSTNE: return X86_CC_NE;
    default: assert(!"no x86 condition"); return X86_CC_E;
    }
}

/* v is a global whose env home is current and that no register holds. */
static bool in_env_only(Emit *e, uint32_t v)
{
    RaTemp *t = tv(e, v);
    return t->kind == IR_TEMP_GLOBAL && t->reg < 0 && t->in_mem;
}

/* Set the flags for (a c b); returns the x86 condition to test.  With
 * mem_ok (brcond: everything is synced to memory there, and a block's
 * closing brcond is followed by exits that read neither value), a global
 * that would be loaded just for the compare is compared in env instead:
 * one micro-fused cmp for the load and the cmp.  At worst a later read
 * loads it then, instead of now. */
static X86Cond emit_cmp(Emit *e, IrCond c, bool is64, uint32_t a, uint32_t b, bool mem_ok)
{
    bool tst = c == IR_COND_TSTEQ || c == IR_COND_TSTNE;
    if (is_const(e, a) && !is_const(e, b)) {
        uint32_t t = a;
        a = b;
        b = t;
        c = ir_cond_swap(c);
    }
    if (mem_ok && !tst && a != b) {
        if (in_env_only(e, a) && (imm_ok(e, b, is64) || tv(e, b)->reg >= 0)) {
            X86Mem m = x86_mem(ENV, tv(e, a)->env_offset);
            if (imm_ok(e, b, is64)) {
                x86_alu_mi(&e->a, X86_CMP, is64, m, (int32_t)cval(e, b, is64));
            } else {
                x86_alu_mr(&e->a, X86_CMP, is64, m, use(e, b, ALL_REGS));
            }
            return x86_cond_of(c);
        }
        if (in_env_only(e, b) && !is_const(e, a)) {
            int ra = use(e, a, ALL_REGS);
            x86_alu_rm(&e->a, X86_CMP, is64, ra, x86_mem(ENV, tv(e, b)->env_offset));
            return x86_cond_of(c);
        }
    }
    int ra = use(e, a, ALL_REGS);
    if (imm_ok(e, b, is64)) {
        int32_t imm = (int32_t)cval(e, b, is64);
        if (tst) {
            x86_test_ri(&e->a, is64, ra, imm);
        } else if (imm == 0) {
            x86_test_rr(&e->a, is64, ra, ra);   /* same flags as cmp ra, 0 */
        } else {
            x86_alu_ri(&e->a, X86_CMP, is64, ra, imm);
        }
    } else {
        int rb = use(e, b, ALL_REGS);
        if (tst) {
            x86_test_rr(&e->a, is64, ra, rb);
        } else {
            x86_alu_rr(&e->a, X86_CMP, is64, ra, rb);
        }
    }
    return x86_cond_of(c);
}

static void emit_setcond(Emit *e, const IrOp *op)
{
    bool is64 = op->type == IR_I64;
    IrCond c = (IrCond)op->consts[0];
    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        int out = new_reg(e, ALL_REGS);
        x86_mov_ri(&e->a, out, c == IR_COND_ALWAYS);
        def(e, op->vals[0], out);
        return;
    }
    X86Cond cc = emit_cmp(e, c, is64, op->vals[1], op->vals[2], false);
    int out = new_reg(e, ALL_REGS);
    x86_setcc(&e->a, cc, out);
    x86_movzx_rr(&e->a, out, out, 1);
    def(e, op->vals[0], out);
}

static void emit_movcond(Emit *e, const IrOp *op)
{
    bool is64 = op->type == IR_I64;
    IrCond c = (IrCond)op->consts[0];
    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        int out = dest_from(e, op, c == IR_COND_ALWAYS ? 3 : 4, is64, ALL_REGS);
        def(e, op->vals[0], out);
        return;
    }
    int r1 = use(e, op->vals[3], ALL_REGS);
    int out = dest_from(e, op, 4, is64, ALL_REGS);
    X86Cond cc = emit_cmp(e, c, is64, op->vals[1], op->vals[2], false);
    x86_cmovcc(&e->a, cc, is64, out, r1);
    def(e, op->vals[0], out);
}

static void emit_brcond(Emit *e, const IrOp *op)
{
    if (op == e->fused_brcond) {
        e->fused_brcond = NULL;
        return;
    }
    bool is64 = op->type == IR_I64;
    IrCond c = (IrCond)op->consts[0];
    uint32_t label = (uint32_t)op->consts[1];
    if (c != IR_COND_NEVER && label_keeps_dirty(e, label)) {
        /* a side exit's shape: the label's registers come from this branch
         * alone, dirty globals included, so only the other path (the exit)
         * stores them */
        ra_sync_tb_temps(&e->ra);
    } else {
        ra_sync(&e->ra, true);
    }
    if (c == IR_COND_NEVER) {
        return;
    }
    if (c == IR_COND_ALWAYS) {
        branch_to_label(e, -1, label);
        end_of_path(e);
        return;
    }
    X86Cond cc = emit_cmp(e, c, is64, op->vals[0], op->vals[1], true);
    branch_to_label(e, (int)cc, label);
}

/* ---- moves and env accesses ---------------------------------------- */

static void emit_mov(Emit *e, const IrOp *op)
{
    bool is64 = op->type == IR_I64;
    uint32_t d = op->vals[0], s = op->vals[1];
    if (d == s) {
        return;
    }
    if (is_const(e, s)) {
        int out = new_reg(e, ALL_REGS);
        x86_mov_ri(&e->a, out, cval(e, s, is64));
        def(e, d, out);
        return;
    }
    if (reusable(e, op, 1)) {
        def(e, d, use(e, s, ALL_REGS));     /* hand the register over */
        return;
    }
    if (tv(e, s)->reg < 0) {
        /* straight from s's home into d's register */
        int out = new_reg(e, ALL_REGS);
        get_raw(e, s, out);
        def(e, d, out);
        return;
    }
    int rs = use(e, s, ALL_REGS);
    int out = new_reg(e, ALL_REGS);
    x86_mov_rr(&e->a, is64, out, rs);
    def(e, d, out);
}

static void emit_env_ld(Emit *e, const IrOp *op, unsigned size, bool sign)
{
    bool is64 = op->type == IR_I64;
    int out = new_reg(e, ALL_REGS);
    if (size == 4 && !is64) {
        sign = false;
    }
    x86_load(&e->a, out, x86_mem(ENV, (int32_t)op->consts[0]), size, sign, is64);
    def(e, op->vals[0], out);
}

static void emit_env_st(Emit *e, const IrOp *op, unsigned size)
{
    uint32_t v = op->vals[0];
    X86Mem m = x86_mem(ENV, (int32_t)op->consts[0]);
    if (is_const(e, v) && (size < 8 || imm_ok(e, v, true))) {
        x86_store_imm(&e->a, m, (int32_t)cval(e, v, true), size);
        return;
    }
    int r = use(e, v, ALL_REGS);
    x86_store(&e->a, m, r, size);
}

/* ld e, env+X; op e', e, $imm; st e', env+X with e and e' dead after (the
 * instruction counter at each exit, and the like): one read-modify-write
 * instruction on env, no register.  Returns the number of ops consumed
 * (0: the ops at `i` are not of that shape). */
static size_t emit_env_rmw(Emit *e, size_t i, size_t nops)
{
    if (i + 2 >= nops) {
        return 0;
    }
    const IrOp *ld = &e->ops[i];
    const IrOp *alu = &e->ops[i + 1];
    const IrOp *st = &e->ops[i + 2];
    bool is64;
    if (ld->opc == IR_OP_ld64 && st->opc == IR_OP_st64) {
        is64 = true;
    } else if ((ld->opc == IR_OP_ld32u || ld->opc == IR_OP_ld32s) && st->opc == IR_OP_st32 &&
               ld->type == IR_I32) {
        is64 = false;
    } else {
        return 0;
    }
    X86Alu op;
    switch (alu->opc) {
    case IR_OP_add: op = X86_ADD; break;
    case IR_OP_sub: op = X86_SUB; break;
    case IR_OP_and: op = X86_AND; break;
    case IR_OP_or: op = X86_OR; break;
    case IR_OP_xor: op = X86_XOR; break;
    default: return 0;
    }
    uint32_t t = ld->vals[0], u = alu->vals[0];
    uint8_t tk = tv(e, t)->kind, uk = tv(e, u)->kind;
    bool temps = (tk == IR_TEMP_TB || tk == IR_TEMP_EBB) && (uk == IR_TEMP_TB || uk == IR_TEMP_EBB);
    if (!temps || ld->consts[0] != st->consts[0] || alu->type != ld->type ||
        alu->vals[1] != t || !imm_ok(e, alu->vals[2], is64) || st->vals[0] != u ||
        !(st->life & 1) || (u != t && !(alu->life & (1u << 1)))) {
        return 0;
    }
    x86_alu_mi(&e->a, op, is64, x86_mem(ENV, (int32_t)ld->consts[0]),
               (int32_t)cval(e, alu->vals[2], is64));
    ra_dead(&e->ra, t);
    ra_dead(&e->ra, u);
    return 3;
}

/* ---- guest memory ---------------------------------------------------- */

static void add_stub(Emit *e, Stub s)
{
    GROW(e->stubs, e->nstubs, e->stubs_cap);
    e->stubs[e->nstubs++] = s;
}

/* The globals dirty in registers at a guest memory access (after its
 * registers are chosen, before its first instruction), appended to
 * e->dirty for its stub: returns how many, *first where they start. */
static uint32_t note_dirty(Emit *e, uint32_t *first)
{
    int8_t regs[RA_MAX_REGS];
    uint32_t vals[RA_MAX_REGS];
    unsigned n = ra_dirty_globals(&e->ra, regs, vals);
    *first = (uint32_t)e->ndirty;
    for (unsigned i = 0; i < n; i++) {
        const RaTemp *t = tv(e, vals[i]);
        assert(t->env_offset >= 0 && (uint32_t)t->env_offset <= JIT_FAULT_MAX_OFFSET);
        GROW(e->dirty, e->ndirty, e->dirty_cap);
        e->dirty[e->ndirty++] = JIT_FAULT_ENTRY(t->env_offset, t->is64, regs[i]);
    }
    return n;
}

/* User mode: the access instruction emitted next may fault; record where
 * the dirty globals noted for it are (the fault map). */
static void note_fault_site(Emit *e, uint32_t first, uint32_t n)
{
    if (e->jit->cfg.mem.mode != JIT_MEM_DIRECT || n == 0) {
        return;
    }
    size_t off = x86_asm_size(&e->a);
    assert(off <= JIT_FAULT_MAX_OFFSET || e->a.overflow);
    GROW(e->fmap, e->nfmap, e->fmap_cap);
    e->fmap[e->nfmap++] = JIT_FAULT_SITE(off & JIT_FAULT_MAX_OFFSET, n);
    for (uint32_t i = 0; i < n; i++) {
        GROW(e->fmap, e->nfmap, e->fmap_cap);
        e->fmap[e->nfmap++] = e->dirty[first + i];
    }
}

/* Inline fast path: sets *m to the host address of the access, or returns
 * false when the access always takes the slow call.  Emits the branch to
 * the stub into *jump_field. */
static bool emit_fast_addr(Emit *e, X86Reg raddr, MemOp mop, unsigned mmu_idx, bool store,
                           X86Mem *m, uint8_t **jump_field)
{
    const JitMemConfig *mc = &e->jit->cfg.mem;
    X86Asm *a = &e->a;
    unsigned size = memop_size(mop), align = memop_alignment(mop);
    *jump_field = NULL;
    if (mop & MO_BE) {
        return false;
    }
    if (mc->mode == JIT_MEM_DIRECT) {
        if (align > 1) {
            x86_test_ri(a, true, raddr, (int32_t)(align - 1));
            *jump_field = x86_jcc32_fwd(a, X86_CC_NE);
        }
        if (mc->guest_base == 0) {
            *m = x86_mem(raddr, 0);
        } else if (e->jit->guest_base_gs) {
            *m = x86_mem_gs(x86_mem(raddr, 0));
        } else if ((intptr_t)mc->guest_base == (int32_t)mc->guest_base) {
            *m = x86_mem(raddr, (int32_t)mc->guest_base);
        } else {
            x86_mov_ri(a, TMP1, mc->guest_base);
            *m = x86_mem_idx(TMP1, raddr, 0, 0);
        }
        return true;
    }
    int32_t desc = mc->tlb_offset + (int32_t)(mmu_idx * mc->tlb_stride);
    unsigned span = size > align ? size : align;
    int64_t cmp_mask = (int64_t)(~((1ull << mc->page_bits) - 1) | (span - 1));
    /* TMP1 = &table[(addr >> page_bits) & index_mask] */
    x86_mov_rr(a, true, TMP1, raddr);
    x86_shift_ri(a, X86_SHR, true, TMP1, mc->page_bits);
    x86_alu_rm(a, X86_AND, true, TMP1, x86_mem(ENV, desc + mc->tlb_mask_field));
    x86_shift_ri(a, X86_SHL, true, TMP1, mc->entry_size_log2);
    x86_alu_rm(a, X86_ADD, true, TMP1, x86_mem(ENV, desc + mc->tlb_table_field));
    /* TMP0 = addr & (page_mask | (span - 1)): misaligned addresses miss */
    x86_mov_rr(a, true, TMP0, raddr);
    x86_alu_ri(a, X86_AND, true, TMP0, (int32_t)cmp_mask);
    x86_alu_rm(a, X86_CMP, true, TMP0,
               x86_mem(TMP1, store ? mc->entry_write : mc->entry_read));
    *jump_field = x86_jcc32_fwd(a, X86_CC_NE);
    x86_load(a, TMP1, x86_mem(TMP1, mc->entry_addend), 8, false, true);
    *m = x86_mem_idx(TMP1, raddr, 0, 0);
    return true;
}

/* The caller-saved registers whose values outlive a memory access (every
 * allocated one but `out` and the inputs that die here): its stub saves
 * them around the C call, so the fast path keeps them in registers. */
static uint32_t live_across_stub(Emit *e, const IrOp *op, int out)
{
    uint32_t save = 0;
    for (int r = 0; r < RA_MAX_REGS; r++) {
        if ((CALLER_SAVED & R(r)) && e->ra.owner[r] >= 0) {
            save |= R(r);
        }
    }
    for (unsigned k = op->nout; k < (unsigned)(op->nout + op->nin); k++) {
        int r = tv(e, op->vals[k])->reg;
        if ((op->life & (1u << k)) && r >= 0) {
            save &= ~R(r);
        }
    }
    if (out >= 0) {
        save &= ~R(out);
    }
    return save;
}

/* A big-endian access always calls C: the call empties the caller-saved
 * registers.  Every other access has an inline fast path and, when it can
 * miss, an out-of-line stub; nothing is emitted between the branch to the
 * stub and the access itself (a spill there would be skipped on the slow
 * path: the stub resumes after the access), so registers are chosen
 * before the branch. */
static void emit_guest_ld(Emit *e, const IrOp *op)
{
    bool is64 = op->type == IR_I64;
    MemOp mop = (MemOp)op->consts[0];
    unsigned mmu = (unsigned)op->consts[1];
    uint32_t oi = jit_oi(mop, mmu, IR_OP_guest_ld);
    if (mop & MO_BE) {
        ra_sync(&e->ra, false);
        CallArg args[2] = { { .v = op->vals[1] }, { .is_imm = true, .imm = oi } };
        emit_call_fn(e, (const void *)e->jit->cfg.mem.ld, true, args, 2, op->vals[0], is64, false);
        return;
    }
    X86Reg raddr = use(e, op->vals[1], ALL_REGS);
    /* the dirty globals before `out` is chosen: out may be the register
     * of the global the load redefines (prefer_head_reg), whose old value
     * a fault must still find there */
    uint32_t first, ndirty = note_dirty(e, &first);
    int out = new_reg(e, ALL_REGS);
    X86Mem m;
    uint8_t *jump_field;
    bool inline_ok = emit_fast_addr(e, raddr, mop, mmu, false, &m, &jump_field);
    assert(inline_ok);
    (void)inline_ok;
    unsigned size = memop_size(mop);
    bool sign = (mop & MO_SIGN) && !(size == 4 && !is64) && size < 8;
    note_fault_site(e, first, ndirty);
    x86_load(&e->a, out, m, size, sign, is64);
    if (jump_field) {
        add_stub(e, (Stub){ STUB_LD, jump_field, e->a.p, raddr, X86_NOREG, out, is64, oi,
                            e->insn, live_across_stub(e, op, out), first, ndirty });
        fp_shadow_drop_all(e);          /* the stub calls C */
    }
    def(e, op->vals[0], out);
}

static void emit_guest_st(Emit *e, const IrOp *op)
{
    MemOp mop = (MemOp)op->consts[0];
    unsigned mmu = (unsigned)op->consts[1];
    uint32_t oi = jit_oi(mop, mmu, IR_OP_guest_st);
    if (mop & MO_BE) {
        ra_sync(&e->ra, false);
        CallArg args[3] = { { .v = op->vals[1] }, { .v = op->vals[0] },
                            { .is_imm = true, .imm = oi } };
        emit_call_fn(e, (const void *)e->jit->cfg.mem.st, true, args, 3, UINT32_MAX, true, false);
        return;
    }
    X86Reg rval = use(e, op->vals[0], ALL_REGS);
    X86Reg raddr = use(e, op->vals[1], ALL_REGS);
    uint32_t first, ndirty = note_dirty(e, &first);
    X86Mem m;
    uint8_t *jump_field;
    bool inline_ok = emit_fast_addr(e, raddr, mop, mmu, true, &m, &jump_field);
    assert(inline_ok);
    (void)inline_ok;
    note_fault_site(e, first, ndirty);
    x86_store(&e->a, m, rval, memop_size(mop));
    if (jump_field) {
        add_stub(e, (Stub){ STUB_ST, jump_field, e->a.p, raddr, rval, X86_NOREG, false, oi,
                            e->insn, live_across_stub(e, op, -1), first, ndirty });
        fp_shadow_drop_all(e);          /* the stub calls C */
    }
}

static void prefer_head_reg(Emit *e, const IrOp *op);
static void apply_life(Emit *e, const IrOp *op);

/* add t, base, $imm; guest_ld/st through t, t dead after (rs1 + imm, the
 * address of nearly every RISC-V access): in user mode the access adds
 * imm itself (gs:[base + imm] or [guest_base + base + imm]), one host
 * instruction less per access.  Not with an alignment check, whose stub
 * wants the address in a register, nor with a TLB (the same).  The fault map and the insn mark
 * are the access's own, as without the fold: base + imm wraps the same in
 * the host's 64-bit address arithmetic.  Returns the ops consumed (0: not
 * that shape). */
static size_t emit_fused_access(Emit *e, size_t i, size_t nops)
{
    const JitMemConfig *mc = &e->jit->cfg.mem;
    if (mc->mode != JIT_MEM_DIRECT || i + 1 >= nops) {
        return 0;
    }
    const IrOp *add = &e->ops[i];
    const IrOp *acc = &e->ops[i + 1];
    if (add->opc != IR_OP_add || add->type != IR_I64 ||
        (acc->opc != IR_OP_guest_ld && acc->opc != IR_OP_guest_st)) {
        return 0;
    }
    MemOp mop = (MemOp)acc->consts[0];
    uint32_t t = add->vals[0], base = add->vals[1], k = add->vals[2];
    uint8_t tk = tv(e, t)->kind;
    if ((mop & MO_BE) || memop_alignment(mop) > 1 || (tk != IR_TEMP_TB && tk != IR_TEMP_EBB) ||
        acc->vals[1] != t || !(acc->life & (1u << 1)) || base == t || !is_const(e, k) ||
        is_const(e, base) || (acc->opc == IR_OP_guest_st && acc->vals[0] == t)) {
        return 0;
    }
    int64_t imm = (int64_t)cval(e, k, true);
    bool small_base = (intptr_t)mc->guest_base == (int32_t)mc->guest_base;
    bool gs = e->jit->guest_base_gs;
    int64_t disp = small_base ? (int64_t)mc->guest_base + imm : imm;
    if (disp != (int32_t)disp) {
        return 0;
    }
    bool load = acc->opc == IR_OP_guest_ld;
    X86Reg rval = load ? X86_NOREG : use(e, acc->vals[0], ALL_REGS);
    X86Reg rbase = use(e, base, ALL_REGS);
    uint32_t first, ndirty = note_dirty(e, &first);     /* before out: emit_guest_ld */
    if (load) {
        prefer_head_reg(e, acc);
    }
    int out = load ? new_reg(e, ALL_REGS) : -1;
    e->ra.prefer = -1;
    X86Mem m;
    if (small_base) {
        m = x86_mem(rbase, (int32_t)disp);
    } else if (gs) {
        m = x86_mem_gs(x86_mem(rbase, (int32_t)disp));
    } else {
        x86_mov_ri(&e->a, TMP1, mc->guest_base);
        m = x86_mem_idx(TMP1, rbase, 0, (int32_t)disp);
    }
    note_fault_site(e, first, ndirty);
    unsigned size = memop_size(mop);
    if (load) {
        bool is64 = acc->type == IR_I64;
        bool sign = (mop & MO_SIGN) && !(size == 4 && !is64) && size < 8;
        x86_load(&e->a, out, m, size, sign, is64);
        def(e, acc->vals[0], out);
    } else {
        x86_store(&e->a, m, rval, size);
    }
    ra_unlock_all(&e->ra);
    apply_life(e, add);
    apply_life(e, acc);
    return 2;
}

static void emit_atomic(Emit *e, const IrOp *op)
{
    bool is64 = op->type == IR_I64;
    MemOp mop = (MemOp)op->consts[0];
    unsigned mmu = (unsigned)op->consts[1];
    ra_sync(&e->ra, false);
    CallArg args[4];
    args[0] = (CallArg){ .v = op->vals[1] };
    args[1] = (CallArg){ .v = op->vals[2] };
    if (op->opc == IR_OP_atomic_cmpxchg) {
        args[2] = (CallArg){ .v = op->vals[3] };
    } else {
        args[2] = (CallArg){ .is_imm = true, .imm = 0 };
    }
    args[3] = (CallArg){ .is_imm = true, .imm = jit_oi(mop, mmu, (IrOpcode)op->opc) };
    emit_call_fn(e, (const void *)e->jit->cfg.mem.atomic, true, args, 4, op->vals[0], is64, false);
}

/* A stub's saved registers: pushed in ascending order (pos[r], when
 * given, is r's push index, -1 for the others), popped in descending. */
static unsigned stub_push_saved(X86Asm *a, uint32_t save, int8_t *pos)
{
    unsigned npush = 0;
    for (int r = 0; pos && r < RA_MAX_REGS; r++) {
        pos[r] = -1;
    }
    for (uint32_t m = save; m; m &= m - 1) {
        int r = __builtin_ctz(m);
        x86_push(a, (X86Reg)r);
        if (pos) {
            pos[r] = (int8_t)npush;
        }
        npush++;
    }
    return npush;
}

static void stub_pop_saved(X86Asm *a, uint32_t save)
{
    for (uint32_t m = save; m; m &= ~R(31 - __builtin_clz(m))) {
        x86_pop(a, (X86Reg)(31 - __builtin_clz(m)));
    }
}

static void emit_call_stub(Emit *e, const Stub *s);

/* The slow path: write the access's dirty globals home (the C code may
 * raise or stop the block, and must see exact guest registers; they stay
 * dirty in the fast path's state), save the live caller-saved registers
 * (rsp stays 16-byte aligned at the call), call C, restore, resume after
 * the access.  The address and value go through the scratch registers,
 * so that no argument register is overwritten before it is read. */
static void emit_stub(Emit *e, const Stub *s)
{
    X86Asm *a = &e->a;
    if (s->kind == STUB_CALL) {
        emit_call_stub(e, s);
        return;
    }
    mark(e, s->insn);
    x86_patch_rel32(s->jump_field, a->p);
    for (uint32_t i = 0; i < s->ndirty; i++) {
        uint32_t w = e->dirty[s->dirty_first + i];
        x86_store(a, x86_mem(ENV, (int32_t)JIT_FAULT_ENTRY_OFFSET(w)),
                  (X86Reg)JIT_FAULT_ENTRY_REG(w), JIT_FAULT_ENTRY_IS64(w) ? 8 : 4);
    }
    unsigned npush = stub_push_saved(a, s->save, NULL);
    if (npush & 1) {
        x86_alu_ri(a, X86_SUB, true, X86_RSP, 8);
    }
    x86_mov_rr(a, true, TMP0, s->addr);
    if (s->kind == STUB_ST) {
        x86_mov_rr(a, true, TMP1, s->val);
    }
    x86_mov_rr(a, true, X86_RDI, ENV);
    x86_mov_rr(a, true, X86_RSI, TMP0);
    if (s->kind == STUB_LD) {
        x86_mov_ri(a, X86_RDX, s->oi);
        x86_mov_ri(a, TMP0, (uint64_t)(uintptr_t)e->jit->cfg.mem.ld);
        x86_call_r(a, TMP0);
        x86_mov_rr(a, s->out64, s->out, X86_RAX);
    } else {
        x86_mov_rr(a, true, X86_RDX, TMP1);
        x86_mov_ri(a, X86_RCX, s->oi);
        x86_mov_ri(a, TMP0, (uint64_t)(uintptr_t)e->jit->cfg.mem.st);
        x86_call_r(a, TMP0);
    }
    if (npush & 1) {
        x86_alu_ri(a, X86_ADD, true, X86_RSP, 8);
    }
    stub_pop_saved(a, s->save);
    x86_jmp(a, s->resume);
}

/* ---- call_miss: the exact path out of line --------------------------
 * The fast path is a test of the fast value (the caller's: the FP op's
 * domain check when fused, else a compare with $miss) and a branch to a
 * stub; the stub calls the helper and puts its result in d's register,
 * then jumps back.  The helper reads and writes no global and never raises
 * (the verifier checks its flags), so nothing is stored, and the stub saves
 * the caller-saved registers that hold values live after the op, as a
 * memory access's stub does.  Arguments are read from where they are at
 * the branch: a caller-saved register is pushed with the others and read
 * back from its stack copy (no argument register is overwritten before
 * it is read), a callee-saved one directly. */

/* op is the call_miss; out holds its fast value, and the flags say "miss"
 * under cc.  Called once op's registers are chosen: nothing may be
 * allocated between this and the branch (the stub reads the arguments
 * where they are now).  d takes out over unless def_later (fused: the
 * fast op's dead inputs are dropped first, and d may be one of them). */
static void emit_call_miss_branch(Emit *e, const IrOp *op, int out, X86Cond cc, bool def_later,
                                  int xmm_out)
{
    const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)op->consts[0];
    uint32_t first = (uint32_t)e->nstub_args, argregs = 0;
    unsigned nargs = op->nin - 1u;
    assert(nargs + 1 <= 6);
    for (unsigned k = 2; k < (unsigned)(op->nout + op->nin); k++) {
        uint32_t v = op->vals[k];
        RaTemp *t = tv(e, v);
        StubArg g = { .is64 = t->is64 };
        if (t->kind == IR_TEMP_CONST) {
            g.kind = STUB_ARG_IMM;
            g.imm = t->is64 ? t->value : (uint32_t)t->value;
        } else if (t->reg >= 0) {
            g.kind = STUB_ARG_REG;
            g.reg = (uint8_t)t->reg;
            argregs |= R(t->reg) & CALLER_SAVED;
        } else if (t->kind == IR_TEMP_GLOBAL) {
            assert(t->in_mem);
            g.kind = STUB_ARG_ENV;
            g.off = t->env_offset;
        } else {
            /* in its slot (a never-written temp reads its slot: total) */
            int32_t slot = ra_slot(&e->ra, v);
            g.kind = slot >= 0 ? STUB_ARG_SLOT : STUB_ARG_IMM;
            g.off = slot;
        }
        GROW(e->stub_args, e->nstub_args, e->stub_args_cap);
        e->stub_args[e->nstub_args++] = g;
    }
    uint8_t *field = x86_jcc32_fwd(&e->a, cc);
    if (!def_later) {
        def(e, op->vals[0], out);
    }
    uint16_t xmm_save = 0;
    for (int x = SHADOW_FIRST; x < 16; x++) {
        if (e->xmm_val[x] >= 0 && x != xmm_out) {
            xmm_save |= (uint16_t)(1u << x);
        }
    }
    if (field) {
        add_stub(e, (Stub){ .kind = STUB_CALL, .jump_field = field, .resume = e->a.p,
                            .out = (X86Reg)out, .out64 = true, .insn = e->insn,
                            .save = live_across_stub(e, op, out) | argregs, .fn = h->fn,
                            .arg_first = first, .nargs = nargs, .xmm_save = xmm_save,
                            .xmm_out = (int8_t)xmm_out });
    }
}

static void emit_call_miss(Emit *e, const IrOp *op)
{
    if (op == e->fused_call) {
        e->fused_call = NULL;
        def(e, op->vals[0], e->fused_out);
        /* the shadow the fast op gave d, if any: d's others are stale */
        e->shadow_keep = e->fused_shadow;
        return;
    }
    int out = dest_from(e, op, 1, true, ALL_REGS);
    uint64_t miss = op->consts[1];
    if (miss == 0) {
        x86_test_rr(&e->a, true, out, out);
    } else if ((int64_t)miss == (int32_t)miss) {
        x86_alu_ri(&e->a, X86_CMP, true, out, (int32_t)miss);
    } else {
        x86_mov_ri(&e->a, TMP0, miss);
        x86_alu_rr(&e->a, X86_CMP, true, out, TMP0);
    }
    emit_call_miss_branch(e, op, out, X86_CC_E, false, -1);
}

static void emit_call_stub(Emit *e, const Stub *s)
{
    X86Asm *a = &e->a;
    mark(e, s->insn);
    x86_patch_rel32(s->jump_field, a->p);
    int8_t pos[RA_MAX_REGS];
    unsigned npush = stub_push_saved(a, s->save, pos);
    /* below the pushes: the kept shadows (8 bytes each: scalars), then
     * padding to keep rsp 16-byte aligned at the call */
    unsigned nx = (unsigned)__builtin_popcount(s->xmm_save);
    int32_t pad = 8 * (int32_t)nx + (((npush + nx) & 1) ? 8 : 0);
    if (pad) {
        x86_alu_ri(a, X86_SUB, true, X86_RSP, pad);
    }
    for (int x = 0, i = 0; x < 16; x++) {
        if (s->xmm_save & (1u << x)) {
            x86_movs_mx(a, true, x86_mem(X86_RSP, 8 * i++), x);
        }
    }
    for (uint32_t k = 0; k < s->nargs; k++) {
        const StubArg *g = &e->stub_args[s->arg_first + k];
        X86Reg dst = ARG_REGS[k + 1];
        switch ((StubArgKind)g->kind) {
        case STUB_ARG_IMM:
            x86_mov_ri(a, dst, g->imm);
            break;
        case STUB_ARG_REG:
            if (pos[g->reg] >= 0) {
                int32_t off = pad + 8 * (int32_t)(npush - 1 - (unsigned)pos[g->reg]);
                x86_load(a, dst, x86_mem(X86_RSP, off), 8, false, true);
            } else {
                x86_mov_rr(a, true, dst, (X86Reg)g->reg);  /* callee-saved: intact */
            }
            break;
        case STUB_ARG_ENV:
            x86_load(a, dst, x86_mem(ENV, g->off), g->is64 ? 8 : 4, false, g->is64);
            break;
        case STUB_ARG_SLOT:
            x86_load(a, dst, slot_mem(e, g->off), 8, false, true);
            break;
        }
    }
    x86_mov_rr(a, true, X86_RDI, ENV);
    x86_mov_ri(a, TMP0, (uint64_t)(uintptr_t)s->fn);
    x86_call_r(a, TMP0);
    x86_mov_rr(a, true, TMP0, X86_RAX);
    for (int x = 0, i = 0; x < 16; x++) {
        if (s->xmm_save & (1u << x)) {
            x86_movs_xm(a, true, x, x86_mem(X86_RSP, 8 * i++));
        }
    }
    if (s->xmm_out >= 0) {
        x86_movq_xr(a, true, s->xmm_out, TMP0);     /* d's shadow: the exact result */
    }
    if (pad) {
        x86_alu_ri(a, X86_ADD, true, X86_RSP, pad);
    }
    stub_pop_saved(a, s->save);
    x86_mov_rr(a, true, s->out, TMP0);
    x86_jmp(a, s->resume);
}

/* ---- block exits ---------------------------------------------------- */

/* A block whose goto_tb n is followed by the store of its own start pc
 * (goto_tb, pc store, exit_tb: see README) re-enters itself when the exec
 * loop chains slot n to it; jit.c then points that jump at the loop header
 * instead of the entry.  The header follows the entry checks and the loads
 * of up to LOOP_HEAD_REGS globals into their head registers: those the
 * block reads (read-only first), then those it writes before reading,
 * which an exit or a fault before the rewrite still needs; the back edge
 * stores the other dirty globals, moves those back to their registers
 * unless they still are there (prefer_head_reg computes them there), and
 * checks the exit request.  The ones written on the way to the back edge
 * (head_dirty) cross it unstored: the header counts them dirty, so each
 * exit stores them, and the back edge's exit request leaves by a stub that
 * stores them (jit.c never chains the slot to another block). */
/* Is ops[i] the block end of a guest call (call_hint before it)? */
static bool follows_call_hint(const Emit *e, size_t i)
{
    while (i-- > 0 && e->ops[i].opc == IR_OP_nop) {
    }
    return i != (size_t)-1 && e->ops[i].opc == IR_OP_call_hint;
}

/* A pure op or a guest load redefining a loop's head value (not reading
 * it): its output register should be the value's head register, so that
 * the back edge needs no move (ra_alloc's hint).  The old copy is dropped
 * when the output is allocated: a pure op cannot fault or exit before its
 * definition, and a load notes the dirty globals for its fault map and
 * slow path before it allocates (the old value is still in the register
 * until the load itself writes it). */
static void prefer_head_reg(Emit *e, const IrOp *op)
{
    if (!e->nhead || op->nout != 1 ||
        !((ir_op_defs[op->opc].flags & IR_OPF_PURE) || op->opc == IR_OP_guest_ld)) {
        return;
    }
    uint32_t v = op->vals[0];
    for (unsigned n = 1; n < (unsigned)(1 + op->nin); n++) {
        if (op->vals[n] == v) {
            return;
        }
    }
    for (unsigned k = 0; k < e->nhead; k++) {
        if (e->head_val[k] == v) {
            e->ra.prefer = HEAD_REGS[k];
            e->ra.prefer_drop = (int32_t)v;
            return;
        }
    }
}

static void emit_loop_prepare(Emit *e)
{
    size_t nops = e->nops;
    const IrOp *first = NULL;
    e->loop_slot = -1;
    for (size_t i = 0; i < nops && !first; i++) {
        const IrOp *op = &e->ops[i];
        first = op->opc == IR_OP_insn_start ? op : NULL;
    }
    size_t loop_at = 0;
    for (size_t i = 0; first && i + 1 < nops && e->loop_slot < 0; i++) {
        const IrOp *op = &e->ops[i];
        const IrOp *pc = &e->ops[i + 1];
        if (op->opc == IR_OP_goto_tb && pc->opc == IR_OP_movi &&
            tv(e, pc->vals[0])->kind == IR_TEMP_GLOBAL && pc->consts[0] == first->consts[0] &&
            !follows_call_hint(e, i)) {     /* a call must push: no loop */
            e->loop_slot = (int)op->consts[0];
            loop_at = i;
        }
    }
    if (e->loop_slot < 0) {
        return;
    }
    size_t ng = e->ra.nglobals;
    EmitScratch *scratch = e->jit->emit_scratch;
    if (scratch->loop_seen_cap < ng + 1) {
        free(scratch->loop_seen);
        scratch->loop_seen_cap = 2 * (ng + 1);
        scratch->loop_seen = malloc(scratch->loop_seen_cap);
        assert(scratch->loop_seen);
    }
    uint8_t *seen = scratch->loop_seen;     /* 1 read, 2 read then written, 3 written */
    memset(seen, 0, ng + 1);
    uint32_t order[LOOP_HEAD_REGS * 4];
    unsigned norder = 0;
    /* Only the ops on the way to the back edge: what the other exits' paths
     * and the code after the back edge read is loaded when they run, not
     * at every entry (pchase's tree search enters 0x10712 from 0x10762 at
     * one node in two; its loop exit's a2 and s1 were loaded each time). */
    bool off_path = false;
    for (size_t i = 0; i < loop_at; i++) {
        const IrOp *op = &e->ops[i];
        if (op->opc == IR_OP_set_label) {
            off_path = false;
            continue;
        }
        if (off_path || op->opc == IR_OP_goto_tb || op->opc == IR_OP_exit_tb ||
            op->opc == IR_OP_br || op->opc == IR_OP_lookup_and_goto_ptr) {
            off_path = true;
            continue;
        }
        /* inputs first: an op reads before it writes */
        for (unsigned n = 0; n < (unsigned)(op->nout + op->nin); n++) {
            unsigned k = (n + op->nout) % (unsigned)(op->nout + op->nin);
            uint32_t v = op->vals[k];
            if (v >= ng) {
                continue;
            }
            if (k < op->nout) {
                if (!seen[v] && norder < sizeof(order) / sizeof(order[0])) {
                    order[norder++] = v;
                }
                seen[v] = seen[v] ? (seen[v] == 1 ? 2 : seen[v]) : 3;
            } else if (!seen[v]) {
                seen[v] = 1;
                if (norder < sizeof(order) / sizeof(order[0])) {
                    order[norder++] = v;
                }
            }
        }
    }
    /* read only, read then written, then written first: such a value is
     * rewritten before the next iteration reads it, but an exit or a
     * fault on the way still needs it, so it crosses the back edge in its
     * register, dirty, instead of being stored there each time */
    unsigned nread = 0;
    for (int pass = 1; pass <= 3; pass++) {
        for (unsigned i = 0; i < norder && e->nhead < LOOP_HEAD_REGS; i++) {
            if (seen[order[i]] == pass) {
                e->head_val[e->nhead++] = order[i];
            }
        }
        if (pass == 2) {
            nread = e->nhead;
        }
    }

    /* The head values written on the way to the back edge (since the last
     * label that starts clean, not counting other exits' paths): the back
     * edge hands them over in their registers without storing them, so the
     * header counts them as dirty.  Over-counting costs a store at an
     * exit, never correctness: a dirty claim on a value env holds too. */
    bool in_exit = false;
    for (size_t i = 0; i < loop_at; i++) {
        const IrOp *op = &e->ops[i];
        if (op->opc == IR_OP_set_label) {
            uint32_t label = (uint32_t)op->consts[0];
            in_exit = false;
            if (e->label_refs[label] != 1 || !e->label_no_fall[label]) {
                e->head_dirty = 0;
            }
            continue;
        }
        if (in_exit) {
            continue;
        }
        if (op->opc == IR_OP_goto_tb || op->opc == IR_OP_exit_tb || op->opc == IR_OP_br ||
            op->opc == IR_OP_lookup_and_goto_ptr) {
            in_exit = true;
            continue;
        }
        for (unsigned n = 0; n < op->nout; n++) {
            for (unsigned k = 0; k < e->nhead; k++) {
                if (op->vals[n] == e->head_val[k]) {
                    e->head_dirty |= 1u << k;
                }
            }
        }
    }
    /* a written-first value the back edge does not hand over dirty would
     * only cost a load at every entry and a register */
    unsigned kept = nread;
    for (unsigned k = nread; k < e->nhead; k++) {
        if (e->head_dirty & (1u << k)) {
            e->head_val[kept] = e->head_val[k];
            e->head_dirty = (e->head_dirty & ~(1u << k)) | 1u << kept;
            kept++;
        }
    }
    e->nhead = kept;
}

/* ---- the return-address stack (jit.h's JitFrame) ------------------------
 * A guest call pushes its return pc and makes its block end a host call;
 * the host return address is the landing after that call.  A guest
 * return whose target is the top entry's pc leaves by `ret 8`, which the
 * host's return predictor gets right; any other target, and every
 * indirect jump, takes the jump-cache probe, leaving the stack as it is
 * (a longjmp's stale entries are dropped at the next exit or when the
 * stack is full). */

static X86Mem frame_mem(const Emit *e, size_t field)
{
    return x86_mem(ENV, e->jit->cfg.frame_offset + (int32_t)field);
}

/* The end of every lookup: ask the C lookup (if any) for the next block's
 * code and jump there, else leave with IR_EXIT_LOOKUP.  Nothing is live
 * (the caller synced and emptied the caller-saved registers). */
static void emit_lookup_call_or_exit(Emit *e)
{
    X86Asm *a = &e->a;
    if (e->jit->cfg.lookup) {
        x86_mov_rr(a, true, X86_RDI, ENV);
        x86_mov_ri(a, TMP0, (uint64_t)(uintptr_t)e->jit->cfg.lookup);
        x86_call_r(a, TMP0);
        x86_test_rr(a, true, X86_RAX, X86_RAX);
        uint8_t *to_exit = x86_jcc8_fwd(a, X86_CC_E);
        x86_jmp_r(a, X86_RAX);
        x86_patch_rel8(to_exit, a->p);
    }
    exit_with(e, IR_EXIT_LOOKUP);
}

static void emit_store_pc(Emit *e, uint64_t pc)
{
    X86Mem m = x86_mem(ENV, e->jit->cfg.jump_cache.pc_offset);
    if ((int64_t)pc == (int32_t)pc) {
        x86_store_imm(&e->a, m, (int32_t)pc, 8);
    } else {
        x86_mov_ri(&e->a, TMP0, pc);
        x86_store(&e->a, m, TMP0, 8);
    }
}

/* The call's half of an entry, its guest return pc; a full stack starts
 * over from its base (its entries are predictions: dropping them is
 * always right). */
static void emit_return_stack_push(Emit *e, uint64_t return_pc)
{
    X86Asm *a = &e->a;
    x86_alu_rm(a, X86_CMP, true, X86_RSP, frame_mem(e, offsetof(JitFrame, ras_limit)));
    uint8_t *room = x86_jcc8_fwd(a, X86_CC_A);
    x86_load(a, X86_RSP, frame_mem(e, offsetof(JitFrame, ras_base)), 8, false, true);
    x86_patch_rel8(room, a->p);
    if ((int64_t)return_pc == (int32_t)return_pc) {
        x86_push_imm(a, (int32_t)return_pc);
    } else {
        x86_mov_ri(a, TMP0, return_pc);
        x86_push(a, TMP0);
    }
}

/* Where a predicted return lands (the host return address of a call): the
 * block goes on at the return pc through goto_tb return_slot, chainable,
 * when the TB flags are still the block's; else the callee changed them
 * (FP state, say) and a chained jump could run code made for other flags,
 * so the lookup decides.  Nothing is live here: the block end synced. */
static void emit_return_landing(Emit *e, const IrOp *hint)
{
    X86Asm *a = &e->a;
    uint64_t return_pc = hint->consts[0];
    unsigned slot = (unsigned)hint->consts[1];
    x86_alu_mi(a, X86_CMP, false, x86_mem(ENV, e->jit->cfg.jump_cache.flags_offset),
               (int32_t)(uint32_t)hint->consts[2]);
    uint8_t *other_flags = x86_jcc32_fwd(a, X86_CC_NE);
    while (!a->overflow && ((uintptr_t)(a->p + 1) & 3)) {
        x86_bytes(a, (const uint8_t[]){ 0x90 }, 1);
    }
    uint8_t *field = x86_jmp32_fwd(a);
    if (!field) {
        return;
    }
    x86_patch_rel32(field, a->p);
    e->jmp_field[slot] = (uint32_t)(field - a->start);
    e->jmp_reset[slot] = (uint32_t)x86_asm_size(a);
    emit_store_pc(e, return_pc);
    exit_with(e, ir_exit_for_slot(slot));

    x86_patch_rel32(other_flags, a->p);
    emit_store_pc(e, return_pc);
    emit_lookup_call_or_exit(e);
}

static void emit_goto_tb(Emit *e, const IrOp *op)
{
    unsigned slot = (unsigned)op->consts[0];
    assert(slot < IR_GOTO_TB_SLOTS);
    if ((int)slot == e->loop_slot) {
        /* the back edge: globals home, but for the head values the header
         * counts as dirty, which go to their registers unstored; the exit
         * request leaves through a stub that stores those (emitted at the
         * end, before the request exit) */
        RegAlloc *ra = &e->ra;
        for (int r = 0; r < RA_MAX_REGS; r++) {
            int32_t v = ra->owner[r];
            bool keep = false;
            for (unsigned k = 0; v >= 0 && k < e->nhead; k++) {
                keep |= (e->head_dirty & (1u << k)) && e->head_val[k] == (uint32_t)v;
            }
            if (v >= 0 && ra->temps[v].kind == IR_TEMP_GLOBAL && !keep) {
                ra_sync_one(ra, (uint32_t)v);
            }
        }
        for (unsigned k = 0; k < e->nhead; k++) {
            ra_place(ra, e->head_val[k], HEAD_REGS[k]);
        }
        if (e->jit->cfg.exit_request_offset >= 0) {
            x86_alu_mi(&e->a, X86_CMP, false,
                       x86_mem(ENV, e->jit->cfg.exit_request_offset), 0);
            e->loop_req_field = x86_jcc32_fwd(&e->a, X86_CC_NE);
        }
    } else {
        ra_sync(&e->ra, false);
    }
    const IrOp *call = e->call_hint;
    e->call_hint = NULL;
    if (call) {
        emit_return_stack_push(e, call->consts[0]);
    }
    /* the rel32 must be 4-byte aligned so that chaining patches it with one
     * atomic store */
    while (!e->a.overflow && ((uintptr_t)(e->a.p + 1) & 3)) {
        x86_bytes(&e->a, (const uint8_t[]){ 0x90 }, 1);
    }
    uint8_t *field = call ? x86_call32_fwd(&e->a) : x86_jmp32_fwd(&e->a);
    if (field) {
        if (call) {
            emit_return_landing(e, call);
        }
        x86_patch_rel32(field, e->a.p);     /* unchained: on to the exit */
        e->jmp_field[slot] = (uint32_t)(field - e->a.start);
        e->jmp_reset[slot] = (uint32_t)x86_asm_size(&e->a);
    }
}

/* The inline jump-cache probe (JitJumpCacheConfig): on a hit, jump to the
 * next block's code; on a miss fall through.  Uses the caller-saved
 * registers (empty here) and TMP0; nothing is live after a lookup. */
static void emit_jump_cache_probe(Emit *e, int pc_reg)
{
    const JitJumpCacheConfig *c = &e->jit->cfg.jump_cache;
    X86Asm *a = &e->a;
    const X86Reg ent = X86_RCX, jc = X86_RDX, t = X86_RSI;
    X86Reg pc = X86_RAX;
    uint8_t *miss[8];
    unsigned nmiss = 0;

    /* the pc from the register that just stored it, not a reload through
     * the store (its latency is on the way to the indirect jump) */
    if (pc_reg < 0) {
        x86_load(a, pc, x86_mem(ENV, c->pc_offset), 8, false, true);
    } else if (!(R(pc_reg) & (R(ent) | R(jc) | R(t) | R(TMP0)))) {
        pc = (X86Reg)pc_reg;
    } else if (pc_reg != pc) {
        x86_mov_rr(a, true, pc, (X86Reg)pc_reg);
    }
    if (c->flat_index) {
        /* (pc >> 1) & mask, scaled by the entry size: pc's own bits */
        unsigned shift = c->entry_size_log2 - 1;
        x86_mov_rr(a, false, ent, pc);
        x86_alu_ri(a, X86_AND, false, ent, (int32_t)(((1u << c->index_bits) - 1) << 1));
        x86_shift_ri(a, X86_SHL, false, ent, shift);
    } else {
        /* index: the page's group of slots, then the slot in the group */
        unsigned slots_mask = (1u << c->page_slots_log2) - 1;
        unsigned group_mask = ((1u << (c->index_bits - c->page_slots_log2)) - 1)
                              << c->page_slots_log2;
        x86_mov_rr(a, true, ent, pc);
        x86_shift_ri(a, X86_SHR, true, ent, c->page_slots_log2);
        x86_alu_rr(a, X86_XOR, true, ent, pc);
        x86_shift_ri(a, X86_SHR, true, ent, 1);     /* (pc >> 1) ^ (pc >> (1 + log2)) */
        x86_alu_ri(a, X86_AND, false, ent, (int32_t)slots_mask);
        x86_mov_rr(a, true, t, pc);
        x86_shift_ri(a, X86_SHR, true, t, c->page_bits - c->page_slots_log2);
        x86_alu_ri(a, X86_AND, false, t, (int32_t)group_mask);
        x86_alu_rr(a, X86_OR, false, ent, t);
        x86_shift_ri(a, X86_SHL, false, ent, c->entry_size_log2);
    }
    if (c->entry_gen >= 0) {
        x86_load(a, jc, x86_mem(ENV, c->cache_offset), 8, false, true);
        x86_alu_rr(a, X86_ADD, true, ent, jc);      /* ent + array_field: the entry */
    } else {
        x86_alu_rm(a, X86_ADD, true, ent, x86_mem(ENV, c->cache_offset));
    }

    if (c->entry_tb >= 0) {
        /* tb first: another thread may only clear it */
        x86_alu_mi(a, X86_CMP, true, x86_mem(ent, c->array_field + c->entry_tb), 0);
        miss[nmiss++] = x86_jcc32_fwd(a, X86_CC_E);
    }
    x86_alu_rm(a, X86_CMP, true, pc, x86_mem(ent, c->array_field + c->entry_pc));
    miss[nmiss++] = x86_jcc32_fwd(a, X86_CC_NE);
    if (c->entry_gen >= 0) {
        x86_load(a, t, x86_mem(jc, c->gen_field), 8, false, true);
        x86_alu_rm(a, X86_CMP, true, t, x86_mem(ent, c->array_field + c->entry_gen));
        miss[nmiss++] = x86_jcc32_fwd(a, X86_CC_NE);
    }
    x86_load(a, t, x86_mem(ENV, c->flags_offset), 4, false, false);
    x86_alu_rm(a, X86_CMP, false, t, x86_mem(ent, c->array_field + c->entry_flags));
    miss[nmiss++] = x86_jcc32_fwd(a, X86_CC_NE);
    x86_load(a, t, x86_mem(ENV, c->cflags_offset), 4, false, false);
    x86_alu_rm(a, X86_CMP, false, t, x86_mem(ent, c->array_field + c->entry_cflags));
    miss[nmiss++] = x86_jcc32_fwd(a, X86_CC_NE);
    x86_load(a, TMP0, x86_mem(ent, c->array_field + c->entry_host_code), 8, false, true);
    x86_test_rr(a, true, TMP0, TMP0);
    miss[nmiss++] = x86_jcc32_fwd(a, X86_CC_E);
    x86_jmp_r(a, TMP0);
    for (unsigned i = 0; i < nmiss; i++) {
        if (miss[i]) {
            x86_patch_rel32(miss[i], a->p);
        }
    }
}

static void emit_lookup_and_goto_ptr(Emit *e)
{
    ra_sync(&e->ra, false);
    const IrOp *call = e->call_hint;
    bool is_return = e->return_hint;
    e->call_hint = NULL;
    e->return_hint = false;
    if (e->jit->cfg.jump_cache.enabled) {
        /* the register of the pc global, if any: eviction only forgets it */
        int pc_reg = -1;
        for (uint32_t v = 0; v < e->ra.nglobals; v++) {
            const RaTemp *t = tv(e, v);
            if (t->kind == IR_TEMP_GLOBAL && t->env_offset == e->jit->cfg.jump_cache.pc_offset &&
                t->is64 && t->in_mem) {
                pc_reg = t->reg;
            }
        }
        ra_evict_mask(&e->ra, CALLER_SAVED);
        if (is_return) {
            /* the predicted return: the top entry's pc is the target */
            X86Asm *a = &e->a;
            if (pc_reg < 0) {
                x86_load(a, X86_RAX, x86_mem(ENV, e->jit->cfg.jump_cache.pc_offset), 8, false,
                         true);
                pc_reg = X86_RAX;
            }
            x86_alu_rm(a, X86_CMP, true, (X86Reg)pc_reg, x86_mem(X86_RSP, 8));
            uint8_t *mispredicted = x86_jcc8_fwd(a, X86_CC_NE);
            x86_ret_imm(a, 8);
            x86_patch_rel8(mispredicted, a->p);
        }
        if (call) {
            /* an indirect call: the probe is its callee */
            emit_return_stack_push(e, call->consts[0]);
            uint8_t *to_probe = x86_call32_fwd(&e->a);
            emit_return_landing(e, call);
            x86_patch_rel32(to_probe, e->a.p);
        }
        emit_jump_cache_probe(e, pc_reg);
    }
    ra_evict_mask(&e->ra, CALLER_SAVED);    /* the lookup is a C call */
    emit_lookup_call_or_exit(e);
    end_of_path(e);
}

/* ---- floating point: the binary64/32 fast paths of ir_ops.def -------
 * Operands travel in general registers (the allocator knows no xmm) and go
 * through xmm0..xmm2, scratch of one lowering: no value stays in an xmm
 * register from one op to the next (calls clobber them all anyway).  SSE2
 * rounds per MXCSR, which is the ABI's initial state in every thread that
 * runs generated code (round to nearest, no FTZ/DAZ, exceptions masked):
 * nothing in Morpho changes it, and a guest cannot reach it.  In the ops'
 * domain the hardware's result is the IEEE result; everything outside it
 * (NaN with x86's own payload, infinities, subnormal and tiny results)
 * becomes 0 without a branch, so the caller's one test decides.  MXCSR's
 * sticky flags are never read. */

static void fp_load(Emit *e, uint32_t v, X86Xmm x)
{
    RaTemp *t = tv(e, v);
    if (t->reg >= 0) {
        x86_movq_xr(&e->a, true, x, t->reg);
        return;
    }
    /* straight from a current home (movsd zeroes the high half, as movq) */
    if (t->kind == IR_TEMP_GLOBAL && t->in_mem && t->is64) {
        x86_movs_xm(&e->a, true, x, x86_mem(ENV, t->env_offset));
        return;
    }
    if ((t->kind == IR_TEMP_TB || t->kind == IR_TEMP_EBB) && t->in_mem && t->slot >= 0) {
        x86_movs_xm(&e->a, true, x, slot_mem(e, t->slot));
        return;
    }
    get_raw(e, v, TMP0);
    x86_movq_xr(&e->a, true, x, TMP0);
}

/* An FP op's lowering starts here: its operands' shadows are busy. */
static void fp_begin(Emit *e, const IrOp *op)
{
    e->xmm_busy = 0;
    for (unsigned k = op->nout; k < (unsigned)(op->nout + op->nin); k++) {
        int sh = fp_shadow_find(e, op->vals[k]);
        e->xmm_busy |= sh >= 0 ? 1u << sh : 0;
    }
}

/* The xmm register holding v's bits: its shadow, else a new one loaded
 * from its general register or home (a later read of v finds it). */
static X86Xmm fp_src(Emit *e, uint32_t v)
{
    int sh = fp_shadow_find(e, v);
    if (sh >= 0) {
        return sh;
    }
    X86Xmm x = fp_shadow_new(e);
    fp_load(e, v, x);
    e->xmm_val[x] = (int32_t)v;
    return x;
}

/* v's bits into x (a copy to compute in). */
static void fp_copy(Emit *e, uint32_t v, X86Xmm x)
{
    x86_movaps_xx(&e->a, x, fp_src(e, v));
}

static bool fp_is_f64(const IrOp *op)
{
    return !(ir_op_def(op)->flags & IR_OPF_FP32);
}

/* The format of the op's FP result (the conversions change it). */
static bool fp_result_is_f64(const IrOp *op)
{
    return op->opc == IR_OP_cvt_f64_f32 ? false
         : op->opc == IR_OP_cvt_f32_f64 ? true : fp_is_f64(op);
}

/* The brcond right after a fast op that sends its "not done" 0 to a label
 * (`brcond_i64 d, $0, eq`), when d is an EBB temp: it is dead at that
 * label, and on the fall-through it is the raw result.  NULL otherwise. */
static const IrOp *fp_fusable_brcond(Emit *e, const IrOp *op)
{
    size_t i = (size_t)(op - e->ops);
    if (i + 1 >= e->nops) {
        return NULL;
    }
    const IrOp *br = op + 1;
    if (br->opc != IR_OP_brcond || br->type != IR_I64 || br->vals[0] != op->vals[0] ||
        br->consts[0] != IR_COND_EQ || !is_const(e, br->vals[1]) ||
        cval(e, br->vals[1], true) != 0 || tv(e, op->vals[0])->kind != IR_TEMP_EBB) {
        return NULL;
    }
    return br;
}

/* The call_miss after a fast op (nops aside) whose fast value is the op's
 * result, read there alone and for the last time, with the miss value 0:
 * the op's domain test can branch to its stub directly.  NULL otherwise. */
static const IrOp *fp_fusable_call(Emit *e, const IrOp *op)
{
    size_t i = (size_t)(op - e->ops), n = e->nops;
    const IrOp *cm = NULL;
    for (size_t j = i + 1; j < n && !cm; j++) {
        const IrOp *next = &e->ops[j];
        if (next->opc == IR_OP_nop) {
            continue;
        }
        if (next->opc != IR_OP_call_miss) {
            return NULL;
        }
        cm = next;
    }
    if (!cm || cm->vals[1] != op->vals[0] || cm->consts[1] != 0 || !(cm->life & (1u << 1))) {
        return NULL;
    }
    for (unsigned k = 2; k < (unsigned)(cm->nout + cm->nin); k++) {
        if (cm->vals[k] == op->vals[0]) {
            return NULL;
        }
    }
    return cm;
}

/* xmm0's bits into the op's output if their biased exponent is 2..2046
 * (binary32: 2..254), else 0: exp - 2 <u 2045 (253) sets CF, and sbb
 * spreads it into a mask.  A binary32 result is movd's zero-extended 32
 * bits, and the 32-bit lea drops its sign.  When the next op is the
 * caller's test of that 0 (fp_fusable_brcond), the test branches on CF
 * itself and the result needs no mask, which keeps the mask off the
 * value's dependency chain. */
static void fp_fast_result(Emit *e, const IrOp *op, X86Xmm res)
{
    bool dbl = fp_result_is_f64(op);
    const IrOp *br = fp_fusable_brcond(e, op);
    const IrOp *cm = br ? NULL : fp_fusable_call(e, op);
    int out = new_reg(e, ALL_REGS);
    if (cm) {
        /* the op's result is d's unless the test sends it to the stub,
         * which puts the exact one in out and, for a binary64, in res:
         * then res shadows d on both paths */
        bool shadow = dbl && res >= SHADOW_FIRST;
        x86_movq_rx(&e->a, dbl, out, res);
        x86_lea(&e->a, dbl, TMP0, x86_mem_idx(out, out, 0, 0));
        x86_shift_ri(&e->a, X86_SHR, dbl, TMP0, dbl ? 53 : 24);
        x86_alu_ri(&e->a, X86_SUB, false, TMP0, 2);
        x86_alu_ri(&e->a, X86_CMP, false, TMP0, dbl ? 0x7fd : 0xfd);
        emit_call_miss_branch(e, cm, out, X86_CC_AE, true, shadow ? res : -1);
        e->fused_call = cm;
        e->fused_out = out;
        e->fused_shadow = shadow ? res : -1;
        if (shadow) {
            fp_shadow_set(e, cm->vals[0], res);
        }
        return;
    }
    x86_movq_rx(&e->a, dbl, out, res);
    def(e, op->vals[0], out);
    if (br) {
        ra_sync(&e->ra, true);          /* what emit_brcond does first */
    }
    x86_lea(&e->a, dbl, TMP0, x86_mem_idx(out, out, 0, 0));    /* drop the sign */
    x86_shift_ri(&e->a, X86_SHR, dbl, TMP0, dbl ? 53 : 24);
    x86_alu_ri(&e->a, X86_SUB, false, TMP0, 2);
    x86_alu_ri(&e->a, X86_CMP, false, TMP0, dbl ? 0x7fd : 0xfd);
    if (br) {
        jump_to_label(e, X86_CC_AE, (uint32_t)br->consts[1]);
        e->fused_brcond = br;
        return;
    }
    x86_alu_rr(&e->a, X86_SBB, true, TMP0, TMP0);
    x86_alu_rr(&e->a, X86_AND, true, out, TMP0);
}

/* The result is computed in a fresh shadow register (xmm3..15), from
 * operands' shadows where they have them. */
static void emit_fp_arith(Emit *e, const IrOp *op, X86SseOp sop)
{
    bool dbl = fp_is_f64(op);
    fp_begin(e, op);
    X86Xmm res = fp_shadow_new(e);
    if (sop == X86_SSE_SQRT) {
        /* in place: sqrtsd keeps res's high half, a dependency on whatever
         * wrote res last unless res was just written whole */
        fp_copy(e, op->vals[1], res);
        x86_sse_arith(&e->a, sop, dbl, res, res);
    } else {
        fp_copy(e, op->vals[1], res);
        x86_sse_arith(&e->a, sop, dbl, res, fp_src(e, op->vals[2]));
    }
    fp_fast_result(e, op, res);
}

/* Hosts without FMA3 compute fma_f64/f32 in C (ir/eval_internal.h). */
static uint64_t emit_fma_f64_in_c(uint64_t a, uint64_t b, uint64_t c, uint64_t neg)
{
    uint64_t in[3] = { a, b, c }, out = 0;
    ir_eval_pure(IR_OP_fma_f64, IR_I64, in, &neg, &out);
    return out;
}

static uint64_t emit_fma_f32_in_c(uint64_t a, uint64_t b, uint64_t c, uint64_t neg)
{
    uint64_t in[3] = { a, b, c }, out = 0;
    ir_eval_pure(IR_OP_fma_f32, IR_I64, in, &neg, &out);
    return out;
}

static void emit_fp_fma(Emit *e, const IrOp *op)
{
    bool dbl = fp_is_f64(op);
    unsigned neg = (unsigned)op->consts[0];
    if (!e->jit->feat.fma) {
        CallArg args[4] = {
            { .v = op->vals[1] }, { .v = op->vals[2] }, { .v = op->vals[3] },
            { .is_imm = true, .imm = neg },
        };
        emit_call_fn(e, dbl ? (const void *)emit_fma_f64_in_c : (const void *)emit_fma_f32_in_c,
                     false, args, 4, op->vals[0], true, false);
        return;
    }
    static const X86FmaOp forms[4] = {
        [0] = X86_VFMADD213,
        [IR_FMA_NEG_PRODUCT] = X86_VFNMADD213,
        [IR_FMA_NEG_ADDEND] = X86_VFMSUB213,
        [IR_FMA_NEG_PRODUCT | IR_FMA_NEG_ADDEND] = X86_VFNMSUB213,
    };
    fp_begin(e, op);
    X86Xmm res = fp_shadow_new(e);
    fp_copy(e, op->vals[1], res);
    X86Xmm b = fp_src(e, op->vals[2]), c = fp_src(e, op->vals[3]);
    x86_vfma_s(&e->a, forms[neg & 3], dbl, res, b, c);  /* res = +-(b * res) +- c */
    fp_fast_result(e, op, res);
}

/* cvtsi2sd rounds per MXCSR: to nearest, ties to even.  xmm0 is written
 * whole first (movd): cvtsi2sd writes only its low half, which would
 * otherwise wait for whatever last wrote xmm0. */
static void emit_fp_cvt(Emit *e, const IrOp *op)
{
    int ra = use(e, op->vals[1], ALL_REGS);
    x86_movq_xr(&e->a, false, 0, ra);
    x86_cvtsi2s(&e->a, true, true, 0, ra);
    int out = new_reg(e, ALL_REGS);
    x86_movq_rx(&e->a, true, out, 0);
    def(e, op->vals[0], out);
}

/* cvttsd2si/cvttss2si truncate whatever MXCSR says and give INT64_MIN for
 * NaN and out-of-range inputs: cvtt_*_s64's contract as it stands. */
static void emit_fp_cvtt(Emit *e, const IrOp *op)
{
    fp_begin(e, op);
    X86Xmm x = fp_src(e, op->vals[1]);
    int out = new_reg(e, ALL_REGS);
    x86_cvtts2si(&e->a, fp_is_f64(op), true, out, x);
    def(e, op->vals[0], out);
}

/* binary32 -> binary64 is exact; only a NaN (x86 would keep its payload)
 * is the miss, all ones, picked by ucomisd's parity flag. */
static void emit_fp_cvt_f32_f64(Emit *e, const IrOp *op)
{
    fp_begin(e, op);
    x86_cvtss2sd(&e->a, 0, fp_src(e, op->vals[1]));
    int out = new_reg(e, ALL_REGS);
    x86_movq_rx(&e->a, true, out, 0);
    x86_mov_ri(&e->a, TMP0, ~0ull);
    x86_ucomis(&e->a, true, 0, 0);
    x86_cmovcc(&e->a, X86_CC_P, true, out, TMP0);
    def(e, op->vals[0], out);
}

/* binary64 -> binary32 rounds per MXCSR (to nearest); the binary32 domain
 * check as for the binary32 arithmetic. */
static void emit_fp_cvt_f64_f32(Emit *e, const IrOp *op)
{
    fp_begin(e, op);
    x86_cvtsd2ss(&e->a, 0, fp_src(e, op->vals[1]));
    fp_fast_result(e, op, 0);
}

/* After ucomisd a, b: a < b is CF (below), a > b "above", equal ZF alone
 * (then OR gives min's -0, AND max's +0), unordered ZF, PF and CF: below
 * fires too, and the parity cmov last puts the miss over it.  32-bit
 * operations for binary32 zero-extend the result as the op requires. */
static void emit_fp_minmax(Emit *e, const IrOp *op)
{
    bool dbl = fp_is_f64(op), max = op->consts[0] != 0;
    X86Asm *a = &e->a;
    int ra = use(e, op->vals[1], ALL_REGS);
    int rb = use(e, op->vals[2], ALL_REGS);
    fp_begin(e, op);
    X86Xmm xa = fp_src(e, op->vals[1]);     /* from ra and rb: no reload */
    X86Xmm xb = fp_src(e, op->vals[2]);
    int out = new_reg(e, ALL_REGS);
    x86_mov_rr(a, dbl, out, ra);
    x86_alu_rr(a, max ? X86_AND : X86_OR, dbl, out, rb);
    x86_mov_ri(a, TMP0, dbl ? ~0ull : 0xffffffffull);
    x86_ucomis(a, dbl, xa, xb);
    x86_cmovcc(a, X86_CC_A, dbl, out, max ? ra : rb);
    x86_cmovcc(a, X86_CC_B, dbl, out, max ? rb : ra);
    x86_cmovcc(a, X86_CC_P, dbl, out, TMP0);
    def(e, op->vals[0], out);
}

/* ucomisd sets ZF, PF and CF all for unordered; a < b is "b above a" and
 * a <= b "b above or equal a", both false for unordered; then PF picks 2.
 * ucomiss reads only the low 32 bits of the xmm registers. */
static void emit_fp_cmp(Emit *e, const IrOp *op)
{
    bool dbl = fp_is_f64(op);
    IrFcmp cond = (IrFcmp)op->consts[0];
    fp_begin(e, op);
    X86Xmm xa = fp_src(e, op->vals[1]), xb = fp_src(e, op->vals[2]);
    int out = new_reg(e, ALL_REGS);
    x86_alu_rr(&e->a, X86_XOR, false, out, out);
    x86_mov_ri(&e->a, TMP0, 2);
    if (cond == IR_FCMP_EQ) {
        x86_ucomis(&e->a, dbl, xa, xb);
        x86_setcc(&e->a, X86_CC_E, out);
    } else {
        x86_ucomis(&e->a, dbl, xb, xa);
        x86_setcc(&e->a, cond == IR_FCMP_LT ? X86_CC_A : X86_CC_AE, out);
    }
    x86_cmovcc(&e->a, X86_CC_P, false, out, TMP0);
    def(e, op->vals[0], out);
}

/* ---- the op loop ----------------------------------------------------- */

static void emit_op(Emit *e, const IrOp *op)
{
    switch ((IrOpcode)op->opc) {
    case IR_OP_nop:
        return;
    case IR_OP_discard:
        ra_dead(&e->ra, op->vals[0]);
        return;
    case IR_OP_insn_start:
        e->insn = e->ninsns++;
        mark(e, e->insn);
        return;
    case IR_OP_mov: emit_mov(e, op); return;
    case IR_OP_movi: {
        int out = new_reg(e, ALL_REGS);
        x86_mov_ri(&e->a, out, op->type == IR_I64 ? op->consts[0] : (uint32_t)op->consts[0]);
        def(e, op->vals[0], out);
        return;
    }
    case IR_OP_add: emit_alu(e, op, X86_ADD, false); return;
    case IR_OP_sub: emit_alu(e, op, X86_SUB, false); return;
    case IR_OP_and: emit_alu(e, op, X86_AND, false); return;
    case IR_OP_or: emit_alu(e, op, X86_OR, false); return;
    case IR_OP_xor: emit_alu(e, op, X86_XOR, false); return;
    case IR_OP_eqv: emit_alu(e, op, X86_XOR, true); return;
    case IR_OP_nand: emit_alu(e, op, X86_AND, true); return;
    case IR_OP_nor: emit_alu(e, op, X86_OR, true); return;
    case IR_OP_andc: emit_alu_not_b(e, op, X86_AND); return;
    case IR_OP_orc: emit_alu_not_b(e, op, X86_OR); return;
    case IR_OP_neg: emit_unary(e, op, X86_NEG); return;
    case IR_OP_not: emit_unary(e, op, X86_NOT); return;
    case IR_OP_mul: emit_mul(e, op); return;
    case IR_OP_mulsh: emit_mul_wide(e, op, true, false); return;
    case IR_OP_muluh: emit_mul_wide(e, op, false, false); return;
    case IR_OP_muls2: emit_mul_wide(e, op, true, true); return;
    case IR_OP_mulu2: emit_mul_wide(e, op, false, true); return;
    case IR_OP_div: emit_div(e, op, true, false); return;
    case IR_OP_divu: emit_div(e, op, false, false); return;
    case IR_OP_rem: emit_div(e, op, true, true); return;
    case IR_OP_remu: emit_div(e, op, false, true); return;
    case IR_OP_shl: emit_shift(e, op, X86_SHL); return;
    case IR_OP_shr: emit_shift(e, op, X86_SHR); return;
    case IR_OP_sar: emit_shift(e, op, X86_SAR); return;
    case IR_OP_rotl: emit_shift(e, op, X86_ROL); return;
    case IR_OP_rotr: emit_shift(e, op, X86_ROR); return;
    case IR_OP_clz: emit_clz_ctz(e, op, true); return;
    case IR_OP_ctz: emit_clz_ctz(e, op, false); return;
    case IR_OP_ctpop: emit_ctpop(e, op); return;
    case IR_OP_bswap16:
    case IR_OP_bswap32:
    case IR_OP_bswap64:
    case IR_OP_ext8s:
    case IR_OP_ext8u:
    case IR_OP_ext16s:
    case IR_OP_ext16u:
    case IR_OP_ext32s:
    case IR_OP_ext32u:
    case IR_OP_extrl_i64_i32:
    case IR_OP_extrh_i64_i32:
    case IR_OP_extu_i32_i64:
    case IR_OP_exts_i32_i64:
        emit_ext(e, op);
        return;
    case IR_OP_deposit: emit_deposit(e, op); return;
    case IR_OP_extract: emit_extract(e, op, false); return;
    case IR_OP_sextract: emit_extract(e, op, true); return;
    case IR_OP_setcond: emit_setcond(e, op); return;
    case IR_OP_movcond: emit_movcond(e, op); return;
    case IR_OP_brcond: emit_brcond(e, op); return;
    case IR_OP_br:
        ra_sync(&e->ra, true);
        branch_to_label(e, -1, (uint32_t)op->consts[0]);
        end_of_path(e);
        return;
    case IR_OP_set_label: {
        uint32_t label = (uint32_t)op->consts[0];
        ra_sync(&e->ra, true);
        fp_shadow_drop_all(e);          /* other paths come here */
        if (e->unreachable && e->label_has_snap[label]) {
            ra_restore(&e->ra, &e->label_snap[label]);
            /* one branch alone comes here: its FP shadows hold */
            memcpy(e->xmm_val, e->label_xmm[label], sizeof(e->xmm_val));
        } else {
            ra_forget_all(&e->ra);
        }
        e->unreachable = false;
        e->label_pos[label] = e->a.p;
        return;
    }
    case IR_OP_ld8u: emit_env_ld(e, op, 1, false); return;
    case IR_OP_ld8s: emit_env_ld(e, op, 1, true); return;
    case IR_OP_ld16u: emit_env_ld(e, op, 2, false); return;
    case IR_OP_ld16s: emit_env_ld(e, op, 2, true); return;
    case IR_OP_ld32u: emit_env_ld(e, op, 4, false); return;
    case IR_OP_ld32s: emit_env_ld(e, op, 4, true); return;
    case IR_OP_ld64: emit_env_ld(e, op, 8, false); return;
    case IR_OP_st8: emit_env_st(e, op, 1); return;
    case IR_OP_st16: emit_env_st(e, op, 2); return;
    case IR_OP_st32: emit_env_st(e, op, 4); return;
    case IR_OP_st64: emit_env_st(e, op, 8); return;
    case IR_OP_guest_ld: emit_guest_ld(e, op); return;
    case IR_OP_guest_st: emit_guest_st(e, op); return;
    case IR_OP_atomic_cmpxchg:
    case IR_OP_atomic_xchg:
    case IR_OP_atomic_fetch_add:
    case IR_OP_atomic_fetch_and:
    case IR_OP_atomic_fetch_or:
    case IR_OP_atomic_fetch_xor:
    case IR_OP_atomic_fetch_smin:
    case IR_OP_atomic_fetch_smax:
    case IR_OP_atomic_fetch_umin:
    case IR_OP_atomic_fetch_umax:
        emit_atomic(e, op);
        return;
    case IR_OP_mb:
        /* x86 is TSO: only store->load ordering needs a fence */
        if (op->consts[0] & (IR_MB_ST_LD | IR_BAR_SC)) {
            x86_mfence(&e->a);
        }
        return;
    case IR_OP_call: emit_helper_call(e, op); return;
    case IR_OP_call_miss: emit_call_miss(e, op); return;
    case IR_OP_goto_tb: emit_goto_tb(e, op); return;
    case IR_OP_exit_tb:
        ra_sync(&e->ra, false);
        exit_with(e, (IrExit)op->consts[0]);
        end_of_path(e);
        return;
    case IR_OP_lookup_and_goto_ptr: emit_lookup_and_goto_ptr(e); return;
    case IR_OP_call_hint:
        e->call_hint = e->jit->cfg.return_stack ? op : NULL;
        return;
    case IR_OP_return_hint:
        e->return_hint = e->jit->cfg.return_stack;
        return;
    case IR_OP_fadd_f64: emit_fp_arith(e, op, X86_SSE_ADD); return;
    case IR_OP_fsub_f64: emit_fp_arith(e, op, X86_SSE_SUB); return;
    case IR_OP_fmul_f64: emit_fp_arith(e, op, X86_SSE_MUL); return;
    case IR_OP_fdiv_f64: emit_fp_arith(e, op, X86_SSE_DIV); return;
    case IR_OP_fsqrt_f64: emit_fp_arith(e, op, X86_SSE_SQRT); return;
    case IR_OP_fma_f64: emit_fp_fma(e, op); return;
    case IR_OP_fcmp_f64: emit_fp_cmp(e, op); return;
    case IR_OP_cvt_s64_f64: emit_fp_cvt(e, op); return;
    case IR_OP_cvtt_f64_s64:
    case IR_OP_cvtt_f32_s64: emit_fp_cvtt(e, op); return;
    case IR_OP_fminmax_f64:
    case IR_OP_fminmax_f32: emit_fp_minmax(e, op); return;
    case IR_OP_cvt_f64_f32: emit_fp_cvt_f64_f32(e, op); return;
    case IR_OP_cvt_f32_f64: emit_fp_cvt_f32_f64(e, op); return;
    case IR_OP_fadd_f32: emit_fp_arith(e, op, X86_SSE_ADD); return;
    case IR_OP_fsub_f32: emit_fp_arith(e, op, X86_SSE_SUB); return;
    case IR_OP_fmul_f32: emit_fp_arith(e, op, X86_SSE_MUL); return;
    case IR_OP_fdiv_f32: emit_fp_arith(e, op, X86_SSE_DIV); return;
    case IR_OP_fsqrt_f32: emit_fp_arith(e, op, X86_SSE_SQRT); return;
    case IR_OP_fma_f32: emit_fp_fma(e, op); return;
    case IR_OP_fcmp_f32: emit_fp_cmp(e, op); return;
    case IR_OP_COUNT:
        break;
    }
    assert(!"jit: unexpected opcode");
}

/* Apply the liveness bits: dead inputs (that are not also outputs) and
 * never-read outputs give their registers back. */
static void apply_life(Emit *e, const IrOp *op)
{
    if (!op->life) {
        return;
    }
    for (unsigned k = 0; k < (unsigned)(op->nout + op->nin); k++) {
        if (!(op->life & (1u << k))) {
            continue;
        }
        uint32_t v = op->vals[k];
        bool also_out = false;
        for (unsigned j = 0; k >= op->nout && j < op->nout; j++) {
            also_out |= op->vals[j] == v;
        }
        if (!also_out) {
            ra_dead(&e->ra, v);
        }
    }
}

static void emit_scratch_free_labels(EmitScratch *s)
{
    free(s->label_pos);
    free(s->label_refs);
    free(s->label_snap);
    free(s->label_xmm);
    free(s->label_has_snap);
    free(s->label_no_fall);
}

/* Borrow the scratch arrays (label arrays cleared for nlabels). */
static EmitScratch *emit_scratch_take(Emit *e, size_t nlabels)
{
    EmitScratch *s = e->jit->emit_scratch;
    if (!s) {
        s = calloc(1, sizeof(*s));
        assert(s);
        e->jit->emit_scratch = s;
    }
    if (s->labels_cap < nlabels) {
        emit_scratch_free_labels(s);
        s->labels_cap = 2 * nlabels;
        s->label_pos = malloc(s->labels_cap * sizeof(*s->label_pos));
        s->label_refs = malloc(s->labels_cap * sizeof(*s->label_refs));
        s->label_snap = malloc(s->labels_cap * sizeof(*s->label_snap));
        s->label_xmm = malloc(s->labels_cap * sizeof(*s->label_xmm));
        s->label_has_snap = malloc(s->labels_cap * sizeof(*s->label_has_snap));
        s->label_no_fall = malloc(s->labels_cap * sizeof(*s->label_no_fall));
        assert(s->label_pos && s->label_refs && s->label_snap && s->label_xmm &&
               s->label_has_snap && s->label_no_fall);
    }
    e->label_pos = s->label_pos;
    e->label_refs = s->label_refs;
    e->label_snap = s->label_snap;
    e->label_xmm = s->label_xmm;
    e->label_has_snap = s->label_has_snap;
    e->label_no_fall = s->label_no_fall;
    memset(e->label_pos, 0, nlabels * sizeof(*e->label_pos));
    memset(e->label_refs, 0, nlabels * sizeof(*e->label_refs));
    memset(e->label_has_snap, 0, nlabels * sizeof(*e->label_has_snap));
    memset(e->label_no_fall, 0, nlabels * sizeof(*e->label_no_fall));
    /* label_snap[l] is read only where label_has_snap[l] is set */
    e->fixups = s->fixups;
    e->fixups_cap = s->fixups_cap;
    e->stubs = s->stubs;
    e->stubs_cap = s->stubs_cap;
    e->dirty = s->dirty;
    e->dirty_cap = s->dirty_cap;
    e->stub_args = s->stub_args;
    e->stub_args_cap = s->stub_args_cap;
    e->fmap = s->fmap;
    e->fmap_cap = s->fmap_cap;
    e->marks = s->marks;
    e->marks_cap = s->marks_cap;
    return s;
}

/* Hand the (maybe grown) arrays back; marks and fmap stay readable until
 * the next block's emission (JitEmitOut). */
static void emit_scratch_give_back(Emit *e, EmitScratch *s)
{
    ra_fini(&e->ra);
    s->fixups = e->fixups;
    s->fixups_cap = e->fixups_cap;
    s->stubs = e->stubs;
    s->stubs_cap = e->stubs_cap;
    s->dirty = e->dirty;
    s->dirty_cap = e->dirty_cap;
    s->stub_args = e->stub_args;
    s->stub_args_cap = e->stub_args_cap;
    s->fmap = e->fmap;
    s->fmap_cap = e->fmap_cap;
    s->marks = e->marks;
    s->marks_cap = e->marks_cap;
}

void jit_host_scratch_free(Jit *jit)
{
    EmitScratch *s = jit->emit_scratch;
    if (!s) {
        return;
    }
    ra_buffers_free(&s->ra);
    emit_scratch_free_labels(s);
    free(s->fixups);
    free(s->stubs);
    free(s->dirty);
    free(s->stub_args);
    free(s->fmap);
    free(s->marks);
    free(s->loop_seen);
    free(s);
    jit->emit_scratch = NULL;
}

bool jit_host_emit_block(Jit *jit, const IrBuilder *b, void *tag, uint8_t *rw, size_t room,
                         JitEmitOut *out, Error **errp)
{
    Emit e = { .jit = jit, .b = b, .tag = tag, .delta = codebuf_delta(jit->cb) };
    memset(out, 0, sizeof(*out));
    assert(((uintptr_t)tag & 7) == 0);
    x86_asm_init(&e.a, rw, room);
    e.nops = ir_op_count(b);
    e.ops = e.nops ? ir_op_at_const(b, 0) : NULL;
    EmitScratch *scratch = emit_scratch_take(&e, ir_label_count(b) + 1);
    ra_init(&e.ra, &scratch->ra, b, &host_ops, &e, ALL_REGS, JIT_SPILL_SLOTS);
    for (size_t i = 0; i < e.nops; i++) {
        const IrOp *op = &e.ops[i];
        if (op->opc == IR_OP_set_label && i > 0) {
            /* after an op that never falls through (exit_tb, br, a
             * lookup), the label is entered by its branches alone */
            uint16_t prev = e.ops[i - 1].opc;
            e.label_no_fall[op->consts[0]] = prev == IR_OP_exit_tb || prev == IR_OP_br ||
                                             prev == IR_OP_lookup_and_goto_ptr;
        }
        if (op->opc == IR_OP_br && e.label_refs[op->consts[0]] < UINT16_MAX) {
            e.label_refs[op->consts[0]]++;
        } else if (op->opc == IR_OP_brcond && e.label_refs[op->consts[1]] < UINT16_MAX) {
            e.label_refs[op->consts[1]]++;
        }
    }
    for (int i = 0; i < IR_GOTO_TB_SLOTS; i++) {
        e.jmp_field[i] = e.jmp_reset[i] = JIT_NO_JUMP;
    }

    /* The entry: a jump to the next instruction whose 4-byte aligned rel32
     * jit_invalidate retargets to the "did not run" exit; then the exit
     * request check, which leaves the same way.  Only the exec loop and
     * indirect jumps enter through the jump: chained jumps land on the
     * check (chain_entry), and invalidation undoes them instead. */
    while (!e.a.overflow && ((uintptr_t)(e.a.p + JIT_ENTRY_INDEX_BYTES + 1) & 3)) {
        x86_bytes(&e.a, (const uint8_t[]){ 0xcc }, 1);  /* padding, never run */
    }
    /* the block's record index, which jit.c writes (never run) */
    x86_bytes(&e.a, (const uint8_t[JIT_ENTRY_INDEX_BYTES]){ 0 }, JIT_ENTRY_INDEX_BYTES);
    uint32_t entry = (uint32_t)x86_asm_size(&e.a);
    uint8_t *inv_field = x86_jmp32_fwd(&e.a);
    x86_patch_rel32(inv_field, e.a.p);
    uint32_t chain_entry = (uint32_t)x86_asm_size(&e.a);    /* chained jumps land here */
    uint8_t *req_field = NULL;
    if (jit->cfg.exit_request_offset >= 0) {
        x86_alu_mi(&e.a, X86_CMP, false, x86_mem(ENV, jit->cfg.exit_request_offset), 0);
        req_field = x86_jcc32_fwd(&e.a, X86_CC_NE);
    }
    uint32_t check_bytes = (uint32_t)x86_asm_size(&e.a) - chain_entry;
    emit_loop_prepare(&e);
    for (unsigned k = 0; k < e.nhead; k++) {
        ra_place(&e.ra, e.head_val[k], HEAD_REGS[k]);
        if (e.head_dirty & (1u << k)) {
            ra_mark_dirty(&e.ra, e.head_val[k]);
        }
    }
    e.loop_head = (uint32_t)x86_asm_size(&e.a);

    size_t nops = e.nops;
    fp_shadow_drop_all(&e);
    for (size_t i = 0; i < nops && !e.a.overflow && !e.ra.out_of_slots; i++) {
        size_t fused = emit_env_rmw(&e, i, nops);
        if (!fused) {
            fused = emit_fused_access(&e, i, nops);
        }
        if (fused) {
            for (size_t k = i; k < i + fused; k++) {
                const IrOp *f = &e.ops[k];
                for (unsigned n = 0; n < f->nout; n++) {
                    fp_shadow_drop(&e, f->vals[n], -1);
                }
            }
            i += fused - 1;
            continue;
        }
        const IrOp *op = &e.ops[i];
        e.shadow_keep = -1;
        prefer_head_reg(&e, op);
        emit_op(&e, op);
        e.ra.prefer = -1;
        /* an output's older shadows are stale (after the op: it read them) */
        for (unsigned n = 0; n < op->nout; n++) {
            fp_shadow_drop(&e, op->vals[n], e.shadow_keep);
        }
        ra_unlock_all(&e.ra);
        apply_life(&e, op);
    }
    for (size_t i = 0; i < e.nfixups; i++) {
        uint8_t *target = e.label_pos[e.fixups[i].label];
        assert(target || e.a.overflow);
        if (target) {
            x86_patch_rel32(e.fixups[i].field, target);
        }
    }
    for (size_t i = 0; i < e.nstubs && !e.a.overflow; i++) {
        emit_stub(&e, &e.stubs[i]);
    }
    if (!e.a.overflow && e.loop_req_field) {
        /* the back edge's exit request: store what it kept in registers */
        x86_patch_rel32(e.loop_req_field, e.a.p);
        for (unsigned k = 0; k < e.nhead; k++) {
            if (e.head_dirty & (1u << k)) {
                host_store(&e, HEAD_REGS[k], tv(&e, e.head_val[k]));
            }
        }
    }
    uint32_t inv_target = (uint32_t)x86_asm_size(&e.a);
    if (!e.a.overflow) {
        x86_patch_rel32(req_field, e.a.p);
        exit_with(&e, IR_EXIT_REQUESTED);
    }

    bool ok = !e.a.overflow && !e.ra.out_of_slots;
    if (ok) {
        out->size = x86_asm_size(&e.a);
        out->entry = entry;
        out->inv_field = (uint32_t)(inv_field - e.a.start);
        out->inv_target = inv_target;
        out->chain_entry = chain_entry;
        out->check_bytes = (uint8_t)check_bytes;
        memcpy(out->jmp_field, e.jmp_field, sizeof(e.jmp_field));
        memcpy(out->jmp_reset, e.jmp_reset, sizeof(e.jmp_reset));
        for (int i = 0; i < IR_GOTO_TB_SLOTS; i++) {
            out->loop_target[i] = JIT_NO_JUMP;
        }
        if (e.loop_slot >= 0 && e.jmp_field[e.loop_slot] != JIT_NO_JUMP) {
            out->loop_target[e.loop_slot] = e.loop_head;
        }
        out->marks = e.marks;
        out->nmarks = e.nmarks;
        out->fault_words = e.fmap;
        out->nfault_words = (uint32_t)e.nfmap;
    } else if (e.a.overflow) {
        out->overflow = true;
    } else {
        error_setg(errp, "block needs more than %d spill slots", JIT_SPILL_SLOTS);
    }
    emit_scratch_give_back(&e, scratch);
    return ok;
}

size_t jit_host_emit_head(Jit *jit, uint8_t *rw, size_t head_size)
{
    static const X86Reg saved[] = { X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15 };
    ptrdiff_t delta = codebuf_delta(jit->cb);
    X86Asm a;
    x86_asm_init(&a, rw, head_size);

    int32_t base = jit->cfg.frame_offset + (int32_t)offsetof(JitFrame, ras_base);
    int32_t limit = jit->cfg.frame_offset + (int32_t)offsetof(JitFrame, ras_limit);

    /* entry(env, code): save, set up env and an empty return-address
     * stack, jump to the block.  The previous base is saved (the outer
     * exit needs it if a helper ever enters generated code again; the
     * limit is not, which only lets the outer stack grow deeper); after it,
     * rsp is 16-byte aligned, and so after the sentinel entry {host 0,
     * guest pc 1}: no return target is odd, so no return pops it. */
    for (size_t i = 0; i < sizeof(saved) / sizeof(saved[0]); i++) {
        x86_push(&a, saved[i]);
    }
    x86_mov_rr(&a, true, ENV, X86_RDI);
    x86_push_m(&a, x86_mem(ENV, base));
    x86_push_imm(&a, 1);
    x86_push_imm(&a, 0);
    x86_store(&a, x86_mem(ENV, base), X86_RSP, 8);
    x86_lea(&a, true, TMP0, x86_mem(X86_RSP, -16 * JIT_RETURN_STACK_DEPTH));
    x86_store(&a, x86_mem(ENV, limit), TMP0, 8);
    x86_jmp_r(&a, X86_RSI);

    /* every exit: drop the return-address stack, whatever its depth */
    x86_align(&a, 16);
    uint8_t *epi = a.p;
    x86_load(&a, X86_RSP, x86_mem(ENV, base), 8, false, true);
    x86_alu_ri(&a, X86_ADD, true, X86_RSP, 16);
    x86_pop_m(&a, x86_mem(ENV, base));
    for (size_t i = sizeof(saved) / sizeof(saved[0]); i-- > 0;) {
        x86_pop(&a, saved[i]);
    }
    x86_ret(&a);
    if (a.overflow) {
        return 0;
    }
    jit->entry = rw + delta;
    jit->epilogue = epi + delta;
    return x86_asm_size(&a);
}

uint64_t jit_host_signal_reg(const void *ucontext, unsigned reg)
{
    /* x86 encoding order -> Linux's gregs indices */
    static const int greg[16] = {
        REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
        REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
    };
    assert(reg < 16);
    const ucontext_t *uc = ucontext;
    return (uint64_t)uc->uc_mcontext.gregs[greg[reg]];
}

const uint8_t *jit_host_jump_target(const uint8_t *rx_field)
{
    int32_t d = __atomic_load_n((const int32_t *)(const void *)rx_field, __ATOMIC_RELAXED);
    return rx_field + 4 + d;
}

void jit_host_patch_jump(uint8_t *rw_field, const uint8_t *rx_field, const void *rx_target)
{
    int64_t d = (const uint8_t *)rx_target - (rx_field + 4);
    assert(d == (int32_t)d);
    assert(((uintptr_t)rw_field & 3) == 0);
    __atomic_store_n((int32_t *)(void *)rw_field, (int32_t)d, __ATOMIC_RELEASE);
}
