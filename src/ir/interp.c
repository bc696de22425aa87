/*
 * The IR interpreter (see interp.h).  Compilation maps every value to an
 * operand reference: a frame slot (>= 0) for temps and constants, or, for
 * globals, ~(env_offset << 1 | is64) so that a global is read and written
 * in place in the CPU state with its own width.  Constants occupy the first
 * frame slots and are copied in at entry; labels become instruction
 * indices; nop and set_label disappear; insn_start becomes a store of the
 * instruction's ordinal to *insn_index (the unwinding record).
 *
 * Dispatch is one switch on (opcode << 1 | is64).  The cases of pure ops
 * are generated from ir_ops.def and call the shared inline semantics of
 * eval_internal.h with constant opcode and width, so the compiler reduces
 * each to its few instructions and folding and execution cannot disagree.
 * I32 values are kept zero-extended in frame slots.
 */
#include "ir/interp.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ir/eval_internal.h"
#include "ir/helper.h"
#include "ir/ir_internal.h"

typedef struct IrInsn {
    uint16_t op2;                   /* opcode << 1 | is64 */
    uint8_t nout, nin;
    int32_t a[IR_MAX_VALS];         /* operand references */
    uint64_t c[IR_MAX_CONSTS];      /* constants (labels resolved) */
} IrInsn;

struct IrCode {
    IrInsn *insns;
    uint32_t ninsns;
    uint32_t nslots;
    uint32_t nconsts;               /* frame[0, nconsts) are constants */
    uint32_t ninsn_starts;
    uint64_t *const_init;
};

#define IR_INTERP_MAX_SLOTS (1u << 20)

IrCode *ir_interp_compile(const IrBuilder *b, Error **errp)
{
    size_t nt = b->ntemps;
    int32_t *ref = malloc((nt + 1) * sizeof(*ref));
    uint32_t *label_at = calloc(b->nlabels + 1, sizeof(*label_at));
    IrCode *code = calloc(1, sizeof(*code));
    assert(ref && label_at && code);

    /* references: globals in env, used constants first, then used temps */
    for (size_t i = 0; i < nt; i++) {
        const IrTemp *t = &b->temps[i];
        ref[i] = t->kind == IR_TEMP_GLOBAL
                     ? (int32_t) ~(((uint32_t)t->env_offset << 1) | (t->type == IR_I64))
                     : -1;
    }
    /* pass 1: constants' slots, label targets, instruction count */
    uint32_t ninsns = 0, nconsts = 0;
    for (size_t i = 0; i < b->nops; i++) {
        const IrOp *op = &b->ops[i];
        if (op->opc == IR_OP_nop) {
            continue;
        }
        if (op->opc == IR_OP_set_label) {
            label_at[op->consts[0]] = ninsns;
            continue;
        }
        for (unsigned k = 0; k < op->nout + op->nin; k++) {
            uint32_t v = op->vals[k];
            if (b->temps[v].kind == IR_TEMP_CONST && ref[v] == -1) {
                ref[v] = (int32_t)nconsts++;
            }
        }
        ninsns++;
    }
    uint32_t nslots = nconsts;
    for (size_t i = 0; i < b->nops; i++) {
        const IrOp *op = &b->ops[i];
        for (unsigned k = 0; k < op->nout + op->nin; k++) {
            uint32_t v = op->vals[k];
            if (ref[v] == -1 && b->temps[v].kind != IR_TEMP_GLOBAL) {
                ref[v] = (int32_t)nslots++;
            }
        }
    }
    if (nslots > IR_INTERP_MAX_SLOTS) {
        error_setg(errp, "block too large for the interpreter (%u slots)", nslots);
        free(ref);
        free(label_at);
        free(code);
        return NULL;
    }

    code->insns = calloc(ninsns + 1, sizeof(IrInsn));
    code->const_init = calloc(nconsts + 1, sizeof(uint64_t));
    assert(code->insns && code->const_init);
    code->nslots = nslots;
    code->nconsts = nconsts;
    for (size_t i = 0; i < nt; i++) {
        if (b->temps[i].kind == IR_TEMP_CONST && ref[i] >= 0) {
            code->const_init[ref[i]] = b->temps[i].value;
        }
    }

    /* pass 2: instructions */
    uint32_t n = 0, insn_ordinal = 0;
    for (size_t i = 0; i < b->nops; i++) {
        const IrOp *op = &b->ops[i];
        if (op->opc == IR_OP_nop || op->opc == IR_OP_set_label) {
            continue;
        }
        IrInsn *in = &code->insns[n++];
        in->op2 = (uint16_t)(op->opc << 1 | (op->type == IR_I64));
        in->nout = op->nout;
        in->nin = op->nin;
        for (unsigned k = 0; k < op->nout + op->nin; k++) {
            in->a[k] = ref[op->vals[k]];
        }
        memcpy(in->c, op->consts, sizeof(in->c));
        switch (op->opc) {
        case IR_OP_brcond:
            in->c[1] = label_at[op->consts[1]];
            break;
        case IR_OP_br:
            in->c[0] = label_at[op->consts[0]];
            break;
        case IR_OP_insn_start:
            in->c[0] = insn_ordinal++;
            break;
        default:
            break;
        }
    }
    /* a safety net: falling off the end exits normally */
    code->insns[n].op2 = (uint16_t)(IR_OP_exit_tb << 1);
    code->insns[n].c[0] = IR_EXIT_NORMAL;
    code->ninsns = n + 1;
    code->ninsn_starts = insn_ordinal;
    free(ref);
    free(label_at);
    return code;
}

void ir_interp_free(IrCode *code)
{
    if (code) {
        free(code->insns);
        free(code->const_init);
        free(code);
    }
}

unsigned ir_interp_insn_count(const IrCode *code)
{
    return code->ninsn_starts;
}

size_t ir_interp_size(const IrCode *code)
{
    return sizeof(*code) + code->ninsns * sizeof(IrInsn) + code->nconsts * sizeof(uint64_t);
}

static inline uint64_t ir_rd(const uint64_t *frame, char *env, int32_t r)
{
    if (r >= 0) {
        return frame[r];
    }
    uint32_t x = ~(uint32_t)r;
    if (x & 1) {
        uint64_t v;
        memcpy(&v, env + (x >> 1), 8);
        return v;
    }
    uint32_t v;
    memcpy(&v, env + (x >> 1), 4);
    return v;
}

static inline void ir_wr(uint64_t *frame, char *env, int32_t r, uint64_t v)
{
    if (r >= 0) {
        frame[r] = v;
        return;
    }
    uint32_t x = ~(uint32_t)r;
    if (x & 1) {
        memcpy(env + (x >> 1), &v, 8);
    } else {
        uint32_t w = (uint32_t)v;
        memcpy(env + (x >> 1), &w, 4);
    }
}

/* The inline soft-TLB hit test (see IrTlbFast); NULL: take the hook. */
static inline void *ir_tlb_fast(const IrRuntime *rt, char *env, uint64_t addr, MemOp mop,
                                unsigned mmu_idx, bool store)
{
    if (!rt->tlb_fast || (mop & MO_BE)) {
        return NULL;
    }
    const IrTlbFast *f = (const IrTlbFast *)(env + rt->tlb_fast_offset) + mmu_idx;
    IrTlbEntry *e = &f->table[(addr >> rt->tlb_page_bits) & f->index_mask];
    uint64_t page_mask = ~((1ull << rt->tlb_page_bits) - 1);
    uint64_t tag = store ? __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED) : e->addr_read;
    if ((addr & (page_mask | (memop_size(mop) - 1))) != tag) {
        return NULL;
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

/* A little-endian load from host memory, extended per mop. */
static inline uint64_t ir_load_host(const void *host, MemOp mop)
{
    switch (mop & (MO_SIZE | MO_SIGN)) {
    case MO_UB: return *(const uint8_t *)host;
    case MO_SB: return (uint64_t)(int64_t)*(const int8_t *)host;
    case MO_UW: { uint16_t v; memcpy(&v, host, 2); return v; }
    case MO_SW: { int16_t v; memcpy(&v, host, 2); return (uint64_t)(int64_t)v; }
    case MO_UL: { uint32_t v; memcpy(&v, host, 4); return v; }
    case MO_SL: { int32_t v; memcpy(&v, host, 4); return (uint64_t)(int64_t)v; }
    default: { uint64_t v; memcpy(&v, host, 8); return v; }
    }
}

IrExit ir_interp_run(const IrCode *code, void *env_ptr, const IrRuntime *rt,
                     uint32_t *insn_index)
{
    char *env = env_ptr;
    uint64_t frame[code->nslots + 1];
    memcpy(frame, code->const_init, code->nconsts * sizeof(uint64_t));
    const IrInsn *insns = code->insns;
    uint32_t pc = 0;

#define RD(k) ir_rd(frame, env, in->a[k])
#define WR(k, v) ir_wr(frame, env, in->a[k], (v))

    for (;;) {
        const IrInsn *in = &insns[pc++];
        switch (in->op2) {
#define IR_EVAL_CASE(name, nout_, nin_, flags_, is64_)                          \
    case IR_OP_##name << 1 | is64_:                                            \
        if (((flags_) & IR_OPF_PURE) && (nout_) == 1) {                         \
            uint64_t iv[4] = { 0 }, ov[2];                                     \
            for (int k = 0; k < (nin_) && k < 4; k++) {                        \
                iv[k] = RD(1 + k);                                             \
            }                                                                  \
            ir_eval_inline(IR_OP_##name, is64_, iv, in->c, ov);                \
            WR(0, ov[0]);                                                      \
            continue;                                                          \
        }                                                                      \
        break;
#define IR_OP(name, nout_, nin_, nconst_, flags_)                              \
    IR_EVAL_CASE(name, nout_, nin_, flags_, 0)                                 \
    IR_EVAL_CASE(name, nout_, nin_, flags_, 1)
#include "ir/ir_ops.def"
#undef IR_OP
#undef IR_EVAL_CASE
        default:
            break;
        }

        /* everything that is not a single-output pure op */
        const bool is64 = in->op2 & 1;
        const unsigned opc = in->op2 >> 1;
        switch (opc) {
        case IR_OP_nop:
        case IR_OP_discard:
        case IR_OP_goto_tb:
        case IR_OP_call_hint:
        case IR_OP_return_hint:
            break;
        case IR_OP_insn_start:
            *insn_index = (uint32_t)in->c[0];
            break;
        case IR_OP_mulu2:
        case IR_OP_muls2: {
            uint64_t iv[2] = { RD(2), RD(3) }, ov[2];
            ir_eval_inline(opc, is64, iv, in->c, ov);
            WR(0, ov[0]);
            WR(1, ov[1]);
            break;
        }
        case IR_OP_brcond:
            if (ir_eval_cond_inline((IrCond)in->c[0], is64, RD(0), RD(1))) {
                pc = (uint32_t)in->c[1];
            }
            break;
        case IR_OP_br:
            pc = (uint32_t)in->c[0];
            break;

        case IR_OP_ld8u: WR(0, *(uint8_t *)(env + (int64_t)in->c[0])); break;
        case IR_OP_ld8s: WR(0, ir_trunc(is64, (uint64_t)*(int8_t *)(env + (int64_t)in->c[0]))); break;
        case IR_OP_ld16u: {
            uint16_t v;
            memcpy(&v, env + (int64_t)in->c[0], 2);
            WR(0, v);
            break;
        }
        case IR_OP_ld16s: {
            int16_t v;
            memcpy(&v, env + (int64_t)in->c[0], 2);
            WR(0, ir_trunc(is64, (uint64_t)(int64_t)v));
            break;
        }
        case IR_OP_ld32u: {
            uint32_t v;
            memcpy(&v, env + (int64_t)in->c[0], 4);
            WR(0, v);
            break;
        }
        case IR_OP_ld32s: {
            int32_t v;
            memcpy(&v, env + (int64_t)in->c[0], 4);
            WR(0, ir_trunc(is64, (uint64_t)(int64_t)v));
            break;
        }
        case IR_OP_ld64: {
            uint64_t v;
            memcpy(&v, env + (int64_t)in->c[0], 8);
            WR(0, v);
            break;
        }
        case IR_OP_st8: *(uint8_t *)(env + (int64_t)in->c[0]) = (uint8_t)RD(0); break;
        case IR_OP_st16: {
            uint16_t v = (uint16_t)RD(0);
            memcpy(env + (int64_t)in->c[0], &v, 2);
            break;
        }
        case IR_OP_st32: {
            uint32_t v = (uint32_t)RD(0);
            memcpy(env + (int64_t)in->c[0], &v, 4);
            break;
        }
        case IR_OP_st64: {
            uint64_t v = RD(0);
            memcpy(env + (int64_t)in->c[0], &v, 8);
            break;
        }

        case IR_OP_guest_ld: {
            uint64_t addr = RD(1);
            MemOp mop = (MemOp)in->c[0];
            void *host = ir_tlb_fast(rt, env, addr, mop, (unsigned)in->c[1], false);
            uint64_t v;
            if (host) {
                v = ir_load_host(host, mop);
            } else {
                v = rt->guest_ld(env, addr, mop, (unsigned)in->c[1]);
            }
            WR(0, ir_trunc(is64, v));
            break;
        }
        case IR_OP_guest_st: {
            uint64_t addr = RD(1);
            MemOp mop = (MemOp)in->c[0];
            void *host = ir_tlb_fast(rt, env, addr, mop, (unsigned)in->c[1], true);
            if (host) {
                uint64_t v = RD(0);
                memcpy(host, &v, memop_size(mop));
            } else {
                rt->guest_st(env, addr, RD(0), mop, (unsigned)in->c[1]);
            }
            break;
        }
        case IR_OP_atomic_cmpxchg: {
            uint64_t v = rt->guest_atomic(env, IR_OP_atomic_cmpxchg, RD(1), RD(2), RD(3),
                                          (MemOp)in->c[0], (unsigned)in->c[1]);
            WR(0, ir_trunc(is64, v));
            break;
        }
        case IR_OP_atomic_xchg:
        case IR_OP_atomic_fetch_add:
        case IR_OP_atomic_fetch_and:
        case IR_OP_atomic_fetch_or:
        case IR_OP_atomic_fetch_xor:
        case IR_OP_atomic_fetch_smin:
        case IR_OP_atomic_fetch_smax:
        case IR_OP_atomic_fetch_umin:
        case IR_OP_atomic_fetch_umax: {
            uint64_t v = rt->guest_atomic(env, (IrOpcode)opc, RD(1), RD(2), 0,
                                          (MemOp)in->c[0], (unsigned)in->c[1]);
            WR(0, ir_trunc(is64, v));
            break;
        }
        case IR_OP_mb:
            atomic_thread_fence(memory_order_seq_cst);
            break;

        case IR_OP_call: {
            const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)in->c[0];
            uint64_t args[IR_CALL_MAX_ARGS];
            for (unsigned k = 0; k < in->nin; k++) {
                args[k] = RD(in->nout + k);
                if (h->args[k] == IR_HT_I32) {
                    args[k] = (uint32_t)args[k];
                }
            }
            uint64_t r = h->thunk(env, args);
            if (in->nout) {
                WR(0, h->ret == IR_HT_I32 ? (uint32_t)r : r);
            }
            break;
        }

        case IR_OP_call_miss: {
            uint64_t fast = RD(1);
            if (fast != in->c[1]) {
                WR(0, fast);
                break;
            }
            const IrHelperInfo *h = (const IrHelperInfo *)(uintptr_t)in->c[0];
            uint64_t args[IR_CALL_MAX_ARGS];
            for (unsigned k = 0; k + 1 < in->nin; k++) {
                args[k] = RD(2 + k);
                if (h->args[k] == IR_HT_I32) {
                    args[k] = (uint32_t)args[k];
                }
            }
            WR(0, h->thunk(env, args));
            break;
        }

        case IR_OP_exit_tb:
            return (IrExit)in->c[0];
        case IR_OP_lookup_and_goto_ptr:
            return IR_EXIT_LOOKUP;
        default:
            /* the verifier admits nothing else */
            assert(!"interpreter: unexpected opcode");
            return IR_EXIT_NORMAL;
        }
    }
#undef RD
#undef WR
}
