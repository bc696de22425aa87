/*
 * The F and D extensions' helpers (Unprivileged ISA 20191213, chapters 11
 * and 12) over util/softfloat, and the FP CSR accessors (fpu_helper.h).
 *
 * Every arithmetic helper builds an SfStatus from the instruction's rm (7
 * selects frm; the translator has already raised illegal instruction for
 * rm 5/6 and for a dynamic rm with frm 5-7), with RISC-V's choices: NaN
 * results are always the canonical NaN (11.3) and tininess is detected
 * after rounding (11.6), then ORs the exception flags into fflags.  Singles
 * arrive as 64-bit register contents and are unboxed here (a value that is
 * not NaN-boxed reads as the canonical NaN, 12.2); single results are
 * returned boxed.  Helpers never raise.
 */
#include "guest/riscv/fpu_helper.h"

#include "guest/riscv/translate.h"
#include "util/softfloat.h"

/* ---- mstatus.FS and the FP CSRs ---- */

bool riscv_fp_enabled(const RiscvCpu *cpu)
{
    return (cpu->misa & RVF) && (cpu->mstatus & MSTATUS_FS) != 0;
}

void riscv_fp_set_dirty(RiscvCpu *cpu)
{
    cpu->mstatus |= MSTATUS_FS | MSTATUS_SD;
    cpu->tb_flags |= TB_FLAGS_FS_MASK;      /* FS Dirty is 3 */
}

uint64_t riscv_csr_read_fflags(RiscvCpu *cpu)
{
    return cpu->fflags & FFLAGS_MASK;
}

uint64_t riscv_csr_read_frm(RiscvCpu *cpu)
{
    return cpu->frm & 7;
}

uint64_t riscv_csr_read_fcsr(RiscvCpu *cpu)
{
    return riscv_csr_read_frm(cpu) << 5 | riscv_csr_read_fflags(cpu);
}

void riscv_fp_set_fcsr(RiscvCpu *cpu, uint32_t fflags, uint32_t frm)
{
    cpu->fflags = fflags & FFLAGS_MASK;
    cpu->frm = frm & 7;
    riscv_cpu_sync_tb_flags_fp(cpu);
}

void riscv_csr_write_fflags(RiscvCpu *cpu, uint64_t val)
{
    riscv_fp_set_fcsr(cpu, (uint32_t)val, cpu->frm);
    riscv_fp_set_dirty(cpu);
}

void riscv_csr_write_frm(RiscvCpu *cpu, uint64_t val)
{
    riscv_fp_set_fcsr(cpu, cpu->fflags, (uint32_t)val);
    riscv_fp_set_dirty(cpu);
}

void riscv_csr_write_fcsr(RiscvCpu *cpu, uint64_t val)
{
    riscv_fp_set_fcsr(cpu, (uint32_t)val, (uint32_t)(val >> 5));
    riscv_fp_set_dirty(cpu);
}

/* ---- fclass (11.9) ---- */

static uint64_t riscv_fp_class(bool sign, bool inf, bool nan, bool snan, bool zero, bool sub)
{
    unsigned bit;

    if (nan) {
        bit = snan ? 8 : 9;
    } else if (inf) {
        bit = sign ? 0 : 7;
    } else if (zero) {
        bit = sign ? 3 : 4;
    } else if (sub) {
        bit = sign ? 2 : 5;
    } else {
        bit = sign ? 1 : 6;
    }
    return 1ull << bit;
}

uint64_t riscv_fp_class_s(uint32_t a)
{
    uint32_t exp = (a >> 23) & 0xff, frac = a & 0x7fffff;

    return riscv_fp_class(a >> 31, exp == 0xff && !frac, sf32_is_nan(a), sf32_is_snan(a),
                          !exp && !frac, !exp && frac);
}

uint64_t riscv_fp_class_d(uint64_t a)
{
    uint64_t exp = (a >> 52) & 0x7ff, frac = a & 0xfffffffffffffull;

    return riscv_fp_class(a >> 63, exp == 0x7ff && !frac, sf64_is_nan(a), sf64_is_snan(a),
                          !exp && !frac, !exp && frac);
}

/* ---- status ---- */

static SfStatus fp_status(RiscvCpu *cpu, uint32_t rm)
{
    SfStatus s = { .default_nan = true, .tininess_before_rounding = false };

    if (rm == RISCV_FRM_DYN) {
        rm = cpu->frm;
    }
    /* The translator raised illegal instruction for reserved modes; a
     * reserved one here is our bug, but round to nearest rather than die. */
    s.rm = rm <= SF_RMM ? (uint8_t)rm : SF_RNE;
    return s;
}

/* A newly set NX may enter the FP fast state (TB_FLAGS_FP_FAST): the TB
 * flags follow, and the translator ends a block translated outside the
 * state after such a helper when they changed. */
static void fp_accrue(RiscvCpu *cpu, const SfStatus *s)
{
    uint32_t added = s->flags & ~cpu->fflags;

    cpu->fflags |= s->flags;
    if (added & FFLAGS_NX) {
        riscv_cpu_sync_tb_flags_fp(cpu);
    }
}

/* ---- singles ---- */

#define RV_FP_BINARY_S(name, op)                                                \
    uint64_t helper_riscv_##name##_s(void *env, uint64_t a, uint64_t b, uint32_t rm) \
    {                                                                           \
        RiscvCpu *cpu = env;                                                    \
        SfStatus s = fp_status(cpu, rm);                                        \
        uint32_t r = op(riscv_fp_unbox_s(a), riscv_fp_unbox_s(b), &s);          \
        fp_accrue(cpu, &s);                                                     \
        return riscv_fp_box_s(r);                                               \
    }

RV_FP_BINARY_S(fadd, sf32_add)
RV_FP_BINARY_S(fsub, sf32_sub)
RV_FP_BINARY_S(fmul, sf32_mul)
RV_FP_BINARY_S(fdiv, sf32_div)

uint64_t helper_riscv_fsqrt_s(void *env, uint64_t a, uint32_t rm)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, rm);
    uint32_t r = sf32_sqrt(riscv_fp_unbox_s(a), &s);

    fp_accrue(cpu, &s);
    return riscv_fp_box_s(r);
}

uint64_t helper_riscv_fmadd_s(void *env, uint64_t a, uint64_t b, uint64_t c, uint32_t neg,
                              uint32_t rm)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, rm);
    uint32_t r = sf32_muladd(riscv_fp_unbox_s(a), riscv_fp_unbox_s(b), riscv_fp_unbox_s(c),
                             neg, &s);

    fp_accrue(cpu, &s);
    return riscv_fp_box_s(r);
}

uint64_t helper_riscv_fminmax_s(void *env, uint64_t a, uint64_t b, uint32_t max)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, SF_RNE);
    uint32_t x = riscv_fp_unbox_s(a), y = riscv_fp_unbox_s(b);
    uint32_t r = max ? sf32_max_num(x, y, &s) : sf32_min_num(x, y, &s);

    fp_accrue(cpu, &s);
    return riscv_fp_box_s(r);
}

uint64_t helper_riscv_fcmp_s(void *env, uint64_t a, uint64_t b, uint32_t kind)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, SF_RNE);
    uint32_t x = riscv_fp_unbox_s(a), y = riscv_fp_unbox_s(b);
    bool r = kind == 2 ? sf32_eq(x, y, &s) : kind == 1 ? sf32_lt(x, y, &s) : sf32_le(x, y, &s);

    fp_accrue(cpu, &s);
    return r;
}

uint64_t helper_riscv_fclass_s(void *env, uint64_t a)
{
    return riscv_fp_class_s(riscv_fp_unbox_s(a));
}

/* Integer type codes of fcvt (rs2 of fcvt.int.fmt, rs1 of fcvt.fmt.int). */
static unsigned fp_int_width(uint32_t kind)
{
    return kind >= 2 ? 64 : 32;
}

static bool fp_int_signed(uint32_t kind)
{
    return (kind & 1) == 0;
}

/* fcvt.w[u] write the 32-bit result sign-extended, even the unsigned one
 * (11.7). */
static uint64_t fp_int_result(uint64_t r, uint32_t kind)
{
    return fp_int_width(kind) == 32 ? (uint64_t)(int64_t)(int32_t)r : r;
}

uint64_t helper_riscv_fcvt_x_s(void *env, uint64_t a, uint32_t kind, uint32_t rm)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, rm);
    uint64_t r = sf32_to_int(riscv_fp_unbox_s(a), fp_int_width(kind), fp_int_signed(kind), &s);

    fp_accrue(cpu, &s);
    return fp_int_result(r, kind);
}

uint64_t helper_riscv_fcvt_s_x(void *env, uint64_t v, uint32_t kind, uint32_t rm)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, rm);
    uint32_t r = sf32_from_int(v, fp_int_width(kind), fp_int_signed(kind), &s);

    fp_accrue(cpu, &s);
    return riscv_fp_box_s(r);
}

/* ---- doubles ---- */

#define RV_FP_BINARY_D(name, op)                                                \
    uint64_t helper_riscv_##name##_d(void *env, uint64_t a, uint64_t b, uint32_t rm) \
    {                                                                           \
        RiscvCpu *cpu = env;                                                    \
        SfStatus s = fp_status(cpu, rm);                                        \
        uint64_t r = op(a, b, &s);                                              \
        fp_accrue(cpu, &s);                                                     \
        return r;                                                               \
    }

RV_FP_BINARY_D(fadd, sf64_add)
RV_FP_BINARY_D(fsub, sf64_sub)
RV_FP_BINARY_D(fmul, sf64_mul)
RV_FP_BINARY_D(fdiv, sf64_div)

uint64_t helper_riscv_fsqrt_d(void *env, uint64_t a, uint32_t rm)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, rm);
    uint64_t r = sf64_sqrt(a, &s);

    fp_accrue(cpu, &s);
    return r;
}

uint64_t helper_riscv_fmadd_d(void *env, uint64_t a, uint64_t b, uint64_t c, uint32_t neg,
                              uint32_t rm)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, rm);
    uint64_t r = sf64_muladd(a, b, c, neg, &s);

    fp_accrue(cpu, &s);
    return r;
}

uint64_t helper_riscv_fminmax_d(void *env, uint64_t a, uint64_t b, uint32_t max)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, SF_RNE);
    uint64_t r = max ? sf64_max_num(a, b, &s) : sf64_min_num(a, b, &s);

    fp_accrue(cpu, &s);
    return r;
}

uint64_t helper_riscv_fcmp_d(void *env, uint64_t a, uint64_t b, uint32_t kind)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, SF_RNE);
    bool r = kind == 2 ? sf64_eq(a, b, &s) : kind == 1 ? sf64_lt(a, b, &s) : sf64_le(a, b, &s);

    fp_accrue(cpu, &s);
    return r;
}

uint64_t helper_riscv_fclass_d(void *env, uint64_t a)
{
    return riscv_fp_class_d(a);
}

uint64_t helper_riscv_fcvt_x_d(void *env, uint64_t a, uint32_t kind, uint32_t rm)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, rm);
    uint64_t r = sf64_to_int(a, fp_int_width(kind), fp_int_signed(kind), &s);

    fp_accrue(cpu, &s);
    return fp_int_result(r, kind);
}

uint64_t helper_riscv_fcvt_d_x(void *env, uint64_t v, uint32_t kind, uint32_t rm)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, rm);
    uint64_t r = sf64_from_int(v, fp_int_width(kind), fp_int_signed(kind), &s);

    fp_accrue(cpu, &s);
    return r;
}

uint64_t helper_riscv_fcvt_s_d(void *env, uint64_t a, uint32_t rm)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, rm);
    uint32_t r = sf64_to_f32(a, &s);

    fp_accrue(cpu, &s);
    return riscv_fp_box_s(r);
}

uint64_t helper_riscv_fcvt_d_s(void *env, uint64_t a, uint32_t rm)
{
    RiscvCpu *cpu = env;
    SfStatus s = fp_status(cpu, rm);
    uint64_t r = sf32_to_f64(riscv_fp_unbox_s(a), &s);

    fp_accrue(cpu, &s);
    return r;
}
