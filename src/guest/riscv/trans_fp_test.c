/*
 * F and D through the real decoder, translator, optimizer and IR
 * interpreter (rv_testbench.h): one table row per instruction and operands
 * with the expected destination bits and fflags (hand-computed from the
 * spec: canonical NaNs, NaN boxing, saturating conversions, minimumNumber,
 * signed zeros), then the architectural rules around them: mstatus.FS Off
 * makes every FP instruction illegal, FP writes make FS Dirty (and SD),
 * reserved static and dynamic rounding modes are illegal, D without misa.D
 * is illegal, loads box and stores take the low word.
 */
#include "guest/riscv/fpu_helper.h"
#include "guest/riscv/rv_testbench.h"
#include "guest/riscv/translate.h"
#include "util/softfloat.h"

#include "util/unittest.h"

#define BASE RV_TB_RAM_BASE
#define DATA (BASE + 0x8000)
#define TRAP (BASE + 0x100)
#define RUN_MS 2000

#define OP_FP 0x53
#define LOAD_FP 0x07
#define STORE_FP 0x27
#define MADD 0x43
#define MSUB 0x47
#define NMSUB 0x4b
#define NMADD 0x4f

#define BOX(x) (0xffffffff00000000ull | (uint32_t)(x))
#define QNAN_S BOX(0x7fc00000)
#define QNAN_D 0x7ff8000000000000ull

#define NX FFLAGS_NX
#define UF FFLAGS_UF
#define OF FFLAGS_OF
#define DZ FFLAGS_DZ
#define NV FFLAGS_NV

/* Operands: f10/x10 = a, f11 = b, f12 = c; the result in f13 or x13. */
#define FOP(f7, rm, rs2) RV_R(OP_FP, 13, rm, 10, rs2, f7)
#define FOP2(f7, rm) RV_R(OP_FP, 13, rm, 10, 11, f7)
#define R4(opc, fmt, rm) RV_R(opc, 13, rm, 10, 11, (12u << 2) | (fmt))

typedef struct FpCase {
    const char *name;
    uint32_t insn;
    uint64_t a, b, c;
    bool to_gpr;            /* result in x13, else f13 */
    uint64_t want;
    unsigned flags;
} FpCase;

static const FpCase fp_cases[] = {
    /* arithmetic */
    { "fadd.s", FOP2(0x00, 0), BOX(0x3f800000), BOX(0x40000000), 0, false, BOX(0x40400000), 0 },
    { "fadd.s rne tie", FOP2(0x00, 0), BOX(0x3f800000), BOX(0x33800000), 0, false,
      BOX(0x3f800000), NX },
    { "fadd.s rmm tie", FOP2(0x00, 4), BOX(0x3f800000), BOX(0x33800000), 0, false,
      BOX(0x3f800001), NX },
    { "fadd.s rup", FOP2(0x00, 3), BOX(0x3f800000), BOX(0x33000000), 0, false,
      BOX(0x3f800001), NX },
    { "fadd.s unboxed", FOP2(0x00, 0), 0x000000003f800000ull, BOX(0x3f800000), 0, false,
      QNAN_S, 0 },
    { "fadd.s snan", FOP2(0x00, 0), BOX(0x7f800001), BOX(0x3f800000), 0, false, QNAN_S, NV },
    { "fadd.s x-x rdn", FOP2(0x00, 2), BOX(0x3f800000), BOX(0xbf800000), 0, false,
      BOX(0x80000000), 0 },
    { "fsub.d inf-inf", FOP2(0x05, 0), 0x7ff0000000000000ull, 0x7ff0000000000000ull, 0, false,
      QNAN_D, NV },
    { "fmul.d overflow", FOP2(0x09, 0), 0x7fe1ccf385ebc8a0ull, 0x4024000000000000ull, 0, false,
      0x7ff0000000000000ull, OF | NX },
    { "fmul.d overflow rtz", FOP2(0x09, 1), 0x7fe1ccf385ebc8a0ull, 0x4024000000000000ull, 0,
      false, 0x7fefffffffffffffull, OF | NX },
    { "fmul.s underflow", FOP2(0x08, 0), BOX(0x00800001), BOX(0x3f000000), 0, false,
      BOX(0x00400000), UF | NX },
    { "fdiv.s 1/0", FOP2(0x0c, 0), BOX(0x3f800000), BOX(0x00000000), 0, false,
      BOX(0x7f800000), DZ },
    { "fdiv.s 0/0", FOP2(0x0c, 0), BOX(0x00000000), BOX(0x80000000), 0, false, QNAN_S, NV },
    { "fdiv.d 1/3", FOP2(0x0d, 0), 0x3ff0000000000000ull, 0x4008000000000000ull, 0, false,
      0x3fd5555555555555ull, NX },
    { "fdiv.d 1/3 rup", FOP2(0x0d, 3), 0x3ff0000000000000ull, 0x4008000000000000ull, 0, false,
      0x3fd5555555555556ull, NX },
    { "fsqrt.s -1", FOP(0x2c, 0, 0), BOX(0xbf800000), 0, 0, false, QNAN_S, NV },
    { "fsqrt.s -0", FOP(0x2c, 0, 0), BOX(0x80000000), 0, 0, false, BOX(0x80000000), 0 },
    { "fsqrt.d 2", FOP(0x2d, 0, 0), 0x4000000000000000ull, 0, 0, false, 0x3ff6a09e667f3bcdull,
      NX },
    /* min/max */
    { "fmin.s -0 +0", FOP2(0x14, 0), BOX(0x00000000), BOX(0x80000000), 0, false,
      BOX(0x80000000), 0 },
    { "fmax.s -0 +0", FOP2(0x14, 1), BOX(0x80000000), BOX(0x00000000), 0, false,
      BOX(0x00000000), 0 },
    { "fmax.s qnan 1", FOP2(0x14, 1), BOX(0x7fc00000), BOX(0x3f800000), 0, false,
      BOX(0x3f800000), 0 },
    { "fmin.s snan 1", FOP2(0x14, 0), BOX(0x7f800001), BOX(0x3f800000), 0, false,
      BOX(0x3f800000), NV },
    { "fmin.s unboxed 1", FOP2(0x14, 0), 0x3f800000ull, BOX(0x40000000), 0, false,
      BOX(0x40000000), 0 },
    { "fmax.d nan nan", FOP2(0x15, 1), 0x7ff8000000000001ull, 0xfff8000000000000ull, 0, false,
      QNAN_D, 0 },
    { "fmin.d", FOP2(0x15, 0), 0xbff0000000000000ull, 0x3ff0000000000000ull, 0, false,
      0xbff0000000000000ull, 0 },
    /* fused multiply-add */
    { "fmadd.s inf*0+qnan", R4(MADD, 0, 0), BOX(0x7f800000), BOX(0x00000000), BOX(0x7fc00000),
      false, QNAN_S, NV },
    { "fmadd.s 2*3+1", R4(MADD, 0, 0), BOX(0x40000000), BOX(0x40400000), BOX(0x3f800000), false,
      BOX(0x40e00000), 0 },
    { "fmsub.s 2*3-1", R4(MSUB, 0, 0), BOX(0x40000000), BOX(0x40400000), BOX(0x3f800000), false,
      BOX(0x40a00000), 0 },
    { "fnmsub.s -(2*3)+1", R4(NMSUB, 0, 0), BOX(0x40000000), BOX(0x40400000), BOX(0x3f800000),
      false, BOX(0xc0a00000), 0 },
    { "fnmadd.s -(2*3)-1", R4(NMADD, 0, 0), BOX(0x40000000), BOX(0x40400000), BOX(0x3f800000),
      false, BOX(0xc0e00000), 0 },
    { "fnmadd.d -(1*1)-1", R4(NMADD, 1, 0), 0x3ff0000000000000ull, 0x3ff0000000000000ull,
      0x3ff0000000000000ull, false, 0xc000000000000000ull, 0 },
    { "fnmsub.d -(1*1)+1 rdn", R4(NMSUB, 1, 2), 0x3ff0000000000000ull, 0x3ff0000000000000ull,
      0x3ff0000000000000ull, false, 0x8000000000000000ull, 0 },
    { "fmadd.d single rounding", R4(MADD, 1, 0), 0x3ff0000000000001ull, 0x3ff0000000000001ull,
      0xbff0000000000002ull, false, 0x3970000000000000ull, 0 },
    /* compares */
    { "feq.s nan", FOP2(0x50, 2), BOX(0x7fc00000), BOX(0x7fc00000), 0, true, 0, 0 },
    { "feq.s snan", FOP2(0x50, 2), BOX(0x7f800001), BOX(0x3f800000), 0, true, 0, NV },
    { "feq.s -0 +0", FOP2(0x50, 2), BOX(0x80000000), BOX(0x00000000), 0, true, 1, 0 },
    { "flt.s qnan", FOP2(0x50, 1), BOX(0x7fc00000), BOX(0x3f800000), 0, true, 0, NV },
    { "flt.s", FOP2(0x50, 1), BOX(0xbf800000), BOX(0x3f800000), 0, true, 1, 0 },
    { "fle.d equal", FOP2(0x51, 0), 0x3ff0000000000000ull, 0x3ff0000000000000ull, 0, true, 1,
      0 },
    { "flt.d equal", FOP2(0x51, 1), 0x3ff0000000000000ull, 0x3ff0000000000000ull, 0, true, 0,
      0 },
    /* conversions to integers */
    { "fcvt.w.s nan", FOP(0x60, 0, 0), BOX(0x7fc00000), 0, 0, true, 0x7fffffff, NV },
    { "fcvt.w.s -inf", FOP(0x60, 0, 0), BOX(0xff800000), 0, 0, true, 0xffffffff80000000ull,
      NV },
    { "fcvt.wu.s big", FOP(0x60, 0, 1), BOX(0x4f700000), 0, 0, true, 0xfffffffff0000000ull, 0 },
    { "fcvt.wu.s nan", FOP(0x60, 0, 1), BOX(0x7fc00000), 0, 0, true, ~0ull, NV },
    { "fcvt.wu.s -1", FOP(0x60, 0, 1), BOX(0xbf800000), 0, 0, true, 0, NV },
    { "fcvt.l.s -inf", FOP(0x60, 0, 2), BOX(0xff800000), 0, 0, true, 0x8000000000000000ull, NV },
    { "fcvt.lu.s 2^64", FOP(0x60, 0, 3), BOX(0x5f800000), 0, 0, true, ~0ull, NV },
    { "fcvt.w.d -1.5 rne", FOP(0x61, 0, 0), 0xbff8000000000000ull, 0, 0, true, (uint64_t)-2,
      NX },
    { "fcvt.w.d -1.5 rtz", FOP(0x61, 1, 0), 0xbff8000000000000ull, 0, 0, true, (uint64_t)-1,
      NX },
    { "fcvt.w.d -1.5 rmm", FOP(0x61, 4, 0), 0xbff8000000000000ull, 0, 0, true, (uint64_t)-2,
      NX },
    { "fcvt.lu.d -1", FOP(0x61, 0, 3), 0xbff0000000000000ull, 0, 0, true, 0, NV },
    { "fcvt.lu.d -0.4", FOP(0x61, 0, 3), 0xbfd999999999999aull, 0, 0, true, 0, NX },
    { "fcvt.l.d 2^63", FOP(0x61, 0, 2), 0x43e0000000000000ull, 0, 0, true,
      0x7fffffffffffffffull, NV },
    /* conversions from integers (a in x10) */
    { "fcvt.s.w -1", FOP(0x68, 0, 0), (uint64_t)-1, 0, 0, false, BOX(0xbf800000), 0 },
    { "fcvt.s.wu", FOP(0x68, 0, 1), ~0ull, 0, 0, false, BOX(0x4f800000), NX },
    { "fcvt.s.wu rtz", FOP(0x68, 1, 1), ~0ull, 0, 0, false, BOX(0x4f7fffff), NX },
    { "fcvt.s.l", FOP(0x68, 0, 2), 0x8000000000000000ull, 0, 0, false, BOX(0xdf000000), 0 },
    { "fcvt.d.lu", FOP(0x69, 0, 3), ~0ull, 0, 0, false, 0x43f0000000000000ull, NX },
    { "fcvt.d.w", FOP(0x69, 0, 0), 0x00000000ffffffffull, 0, 0, false, 0xbff0000000000000ull,
      0 },
    /* between formats */
    { "fcvt.s.d inexact", FOP(0x20, 0, 1), 0x3ff0000000000001ull, 0, 0, false,
      BOX(0x3f800000), NX },
    { "fcvt.s.d overflow", FOP(0x20, 0, 1), 0x7e37e43c8800759cull, 0, 0, false,
      BOX(0x7f800000), OF | NX },
    { "fcvt.d.s snan", FOP(0x21, 0, 0), BOX(0x7f800001), 0, 0, false, QNAN_D, NV },
    { "fcvt.d.s unboxed", FOP(0x21, 0, 0), 0x3f800000ull, 0, 0, false, QNAN_D, 0 },
    { "fcvt.d.s", FOP(0x21, 0, 0), BOX(0xc0400000), 0, 0, false, 0xc008000000000000ull, 0 },
    /* classification */
    { "fclass.s -inf", FOP(0x70, 1, 0), BOX(0xff800000), 0, 0, true, 1u << 0, 0 },
    { "fclass.s -normal", FOP(0x70, 1, 0), BOX(0xbf800000), 0, 0, true, 1u << 1, 0 },
    { "fclass.s -sub", FOP(0x70, 1, 0), BOX(0x80000001), 0, 0, true, 1u << 2, 0 },
    { "fclass.s -0", FOP(0x70, 1, 0), BOX(0x80000000), 0, 0, true, 1u << 3, 0 },
    { "fclass.s +0", FOP(0x70, 1, 0), BOX(0x00000000), 0, 0, true, 1u << 4, 0 },
    { "fclass.s +sub", FOP(0x70, 1, 0), BOX(0x007fffff), 0, 0, true, 1u << 5, 0 },
    { "fclass.s +normal", FOP(0x70, 1, 0), BOX(0x7f7fffff), 0, 0, true, 1u << 6, 0 },
    { "fclass.s +inf", FOP(0x70, 1, 0), BOX(0x7f800000), 0, 0, true, 1u << 7, 0 },
    { "fclass.s snan", FOP(0x70, 1, 0), BOX(0x7f800001), 0, 0, true, 1u << 8, 0 },
    { "fclass.s qnan", FOP(0x70, 1, 0), BOX(0xffc00000), 0, 0, true, 1u << 9, 0 },
    { "fclass.s unboxed", FOP(0x70, 1, 0), 0x00000000ff800000ull, 0, 0, true, 1u << 9, 0 },
    { "fclass.d +sub", FOP(0x71, 1, 0), 1, 0, 0, true, 1u << 5, 0 },
    { "fclass.d snan", FOP(0x71, 1, 0), 0x7ff0000000000001ull, 0, 0, true, 1u << 8, 0 },
    /* sign injection and moves */
    { "fsgnj.s", FOP2(0x10, 0), BOX(0x3f800000), BOX(0x80000000), 0, false, BOX(0xbf800000),
      0 },
    { "fsgnjn.s", FOP2(0x10, 1), BOX(0x3f800000), BOX(0x80000000), 0, false, BOX(0x3f800000),
      0 },
    { "fsgnjx.s", FOP2(0x10, 2), BOX(0xbf800000), BOX(0xbf800000), 0, false, BOX(0x3f800000),
      0 },
    { "fsgnj.s unboxed", FOP2(0x10, 0), 0x3f800000ull, BOX(0x80000000), 0, false,
      BOX(0xffc00000), 0 },
    { "fsgnj.s snan keeps", FOP2(0x10, 0), BOX(0x7f800001), BOX(0x80000000), 0, false,
      BOX(0xff800001), 0 },
    { "fsgnjn.d", FOP2(0x11, 1), 0x3ff0000000000000ull, 0x3ff0000000000000ull, 0, false,
      0xbff0000000000000ull, 0 },
    { "fsgnjx.d", FOP2(0x11, 2), 0xbff0000000000000ull, 0x8000000000000000ull, 0, false,
      0x3ff0000000000000ull, 0 },
    { "fmv.x.w", FOP(0x70, 0, 0), 0x1234567880000000ull, 0, 0, true, 0xffffffff80000000ull, 0 },
    { "fmv.w.x", FOP(0x78, 0, 0), 0x1234567890abcdefull, 0, 0, false, 0xffffffff90abcdefull, 0 },
    { "fmv.x.d", FOP(0x71, 0, 0), 0x7ff0000000000001ull, 0, 0, true, 0x7ff0000000000001ull, 0 },
    { "fmv.d.x", FOP(0x79, 0, 0), 0x0123456789abcdefull, 0, 0, false, 0x0123456789abcdefull,
      0 },
};

/* Runs n instructions at BASE; false if they trap (to TRAP, which is never
 * reached as a stop then) or time out. */
static bool run_prog(RvTestBench *tb, const uint32_t *insns, unsigned n)
{
    tb->cpu.pc = BASE;
    tb->cpu.mtvec = TRAP;
    rv_bench_load32(tb, BASE, insns, n);
    return rv_bench_run(tb, BASE + 4 * n, RUN_MS);
}

static RvTestBench *fp_bench(unsigned fs)
{
    RvTestBench *tb = rv_bench_new();

    tb->cpu.mstatus = (tb->cpu.mstatus & ~MSTATUS_FS) | (uint64_t)fs << MSTATUS_FS_SHIFT;
    return tb;
}

UNITTEST(fp_instruction_table)
{
    RvTestBench *tb = fp_bench(EXT_STATUS_INITIAL);

    for (size_t i = 0; i < sizeof(fp_cases) / sizeof(fp_cases[0]); i++) {
        const FpCase *c = &fp_cases[i];
        tb->cpu.fpr[10] = c->a;
        tb->cpu.gpr[10] = c->a;
        tb->cpu.fpr[11] = c->b;
        tb->cpu.fpr[12] = c->c;
        tb->cpu.fpr[13] = 0x5a5a5a5a5a5a5a5aull;
        tb->cpu.gpr[13] = 0x5a5a5a5a5a5a5a5aull;
        tb->cpu.fflags = 0;
        tb->cpu.frm = 0;
        bool ran = run_prog(tb, &c->insn, 1);
        uint64_t got = c->to_gpr ? tb->cpu.gpr[13] : tb->cpu.fpr[13];
        if (!ran || got != c->want || tb->cpu.fflags != c->flags) {
            unittest_fail(__FILE__, __LINE__, "%s: %s 0x%016" PRIx64 " flags %02x, expected 0x%016"
                          PRIx64 " flags %02x", c->name, ran ? "got" : "trapped", got,
                          tb->cpu.fflags, c->want, c->flags);
        }
    }
    rv_bench_free(tb);
}

/* Runs one instruction expecting an illegal-instruction trap. */
static void expect_illegal(RvTestBench *tb, uint32_t insn, int line)
{
    uint64_t f13 = tb->cpu.fpr[13] = 0x1111111111111111ull;

    tb->cpu.mcause = 0;
    tb->cpu.mtval = 0;
    tb->cpu.pc = BASE;
    tb->cpu.mtvec = TRAP;
    rv_bench_load32(tb, BASE, &insn, 1);
    if (!rv_bench_run(tb, TRAP, RUN_MS)) {
        unittest_fail(__FILE__, line, "insn %08x did not trap", insn);
        return;
    }
    if (tb->cpu.mcause != RISCV_EXCP_ILLEGAL_INST || tb->cpu.mtval != insn ||
        tb->cpu.mepc != BASE || tb->cpu.fpr[13] != f13) {
        unittest_fail(__FILE__, line, "insn %08x: mcause %" PRIu64 " mtval %" PRIx64
                      " mepc %" PRIx64, insn, tb->cpu.mcause, tb->cpu.mtval, tb->cpu.mepc);
    }
}

UNITTEST(fs_off_makes_fp_illegal)
{
    RvTestBench *tb = fp_bench(EXT_STATUS_OFF);
    const uint32_t insns[] = {
        FOP2(0x00, 0),                          /* fadd.s */
        FOP2(0x01, 0),                          /* fadd.d */
        RV_I(LOAD_FP, 13, 2, 10, 0),            /* flw */
        RV_I(LOAD_FP, 13, 3, 10, 0),            /* fld */
        FOP(0x70, 0, 0),                        /* fmv.x.w */
        FOP(0x78, 0, 0),                        /* fmv.w.x */
        FOP2(0x10, 0),                          /* fsgnj.s */
        FOP2(0x50, 2),                          /* feq.s */
        R4(MADD, 1, 0),                         /* fmadd.d */
    };

    tb->cpu.gpr[10] = DATA;
    for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
        expect_illegal(tb, insns[i], __LINE__);
        CHECK_U64(tb->cpu.mstatus & MSTATUS_FS, 0);
    }
    /* fsw: memory unchanged too. */
    rv_bench_write64(tb, DATA, 0x77);
    expect_illegal(tb, rv_enc_s(STORE_FP, 2, 10, 11, 0), __LINE__);
    CHECK_U64(rv_bench_read64(tb, DATA), 0x77);
    rv_bench_free(tb);
}

UNITTEST(fp_writes_make_fs_dirty)
{
    static const struct {
        uint32_t insn;
        bool dirty;
    } cases[] = {
        { FOP2(0x00, 0), true },                /* fadd.s writes f13 */
        { RV_I(LOAD_FP, 13, 3, 10, 0), true },  /* fld */
        { FOP(0x78, 0, 0), true },              /* fmv.w.x */
        { FOP2(0x50, 2), true },                /* feq.s: may accrue NV */
        { FOP(0x60, 0, 0), true },              /* fcvt.w.s: may accrue flags */
        { FOP(0x70, 0, 0), false },             /* fmv.x.w: reads only */
        { FOP(0x70, 1, 0), false },             /* fclass.s */
        { 0, false },                           /* fsd (below) */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (unsigned fs = EXT_STATUS_INITIAL; fs <= EXT_STATUS_CLEAN; fs++) {
            RvTestBench *tb = fp_bench(fs);
            uint32_t insn = cases[i].insn ? cases[i].insn : rv_enc_s(STORE_FP, 3, 10, 11, 0);
            tb->cpu.gpr[10] = DATA;
            CHECK(run_prog(tb, &insn, 1));
            uint64_t want = cases[i].dirty ? MSTATUS_FS | MSTATUS_SD
                                           : (uint64_t)fs << MSTATUS_FS_SHIFT;
            if ((tb->cpu.mstatus & (MSTATUS_FS | MSTATUS_SD)) != want) {
                unittest_fail(__FILE__, __LINE__, "insn %08x from FS=%u: mstatus %016" PRIx64,
                              insn, fs, tb->cpu.mstatus);
            }
            rv_bench_free(tb);
        }
    }
}

UNITTEST(reserved_rounding_modes)
{
    RvTestBench *tb = fp_bench(EXT_STATUS_DIRTY);

    /* Static rm 5 and 6 are reserved, whatever frm holds. */
    expect_illegal(tb, FOP2(0x00, 5), __LINE__);
    expect_illegal(tb, FOP2(0x01, 6), __LINE__);
    expect_illegal(tb, FOP(0x60, 5, 0), __LINE__);     /* fcvt.w.s */
    expect_illegal(tb, FOP(0x21, 6, 0), __LINE__);     /* fcvt.d.s: exact, still checked */
    expect_illegal(tb, R4(MADD, 0, 5), __LINE__);
    /* Dynamic rm with frm 5, 6, 7: illegal; flags untouched. */
    for (uint32_t frm = 5; frm <= 7; frm++) {
        tb->cpu.frm = frm;
        tb->cpu.fflags = 0;
        tb->cpu.fpr[10] = BOX(0x3f800000);
        tb->cpu.fpr[11] = BOX(0x33000000);
        expect_illegal(tb, FOP2(0x00, 7), __LINE__);
        CHECK_U64(tb->cpu.fflags, 0);
    }
    /* Dynamic rm follows frm: 1 + 2^-25 rounds up under RUP, not under RTZ. */
    static const struct {
        uint32_t frm;
        uint64_t want;
    } dyn[] = { { 0, BOX(0x3f800000) }, { 1, BOX(0x3f800000) }, { 2, BOX(0x3f800000) },
                { 3, BOX(0x3f800001) }, { 4, BOX(0x3f800000) } };
    for (size_t i = 0; i < sizeof(dyn) / sizeof(dyn[0]); i++) {
        const uint32_t insn = FOP2(0x00, 7);
        tb->cpu.frm = dyn[i].frm;
        tb->cpu.fflags = 0;
        tb->cpu.fpr[10] = BOX(0x3f800000);
        tb->cpu.fpr[11] = BOX(0x33000000);
        CHECK(run_prog(tb, &insn, 1));
        CHECK_U64(tb->cpu.fpr[13], dyn[i].want);
        CHECK_U64(tb->cpu.fflags, NX);
    }
    /* Flags accrue: NX then DZ. */
    const uint32_t two[] = { FOP2(0x00, 7), RV_R(OP_FP, 14, 0, 10, 15, 0x0c) };
    tb->cpu.frm = 0;
    tb->cpu.fflags = 0;
    tb->cpu.fpr[15] = BOX(0);
    CHECK(run_prog(tb, two, 2));
    CHECK_U64(tb->cpu.fflags, NX | DZ);
    CHECK_U64(tb->cpu.fpr[14], BOX(0x7f800000));
    rv_bench_free(tb);
}

UNITTEST(d_needs_misa_d)
{
    RvTestBench *tb = fp_bench(EXT_STATUS_DIRTY);
    const uint32_t fadd_s = FOP2(0x00, 0);

    tb->cpu.misa &= ~RVD;
    expect_illegal(tb, FOP2(0x01, 0), __LINE__);
    expect_illegal(tb, RV_I(LOAD_FP, 13, 3, 10, 0), __LINE__);
    expect_illegal(tb, FOP(0x71, 0, 0), __LINE__);     /* fmv.x.d */
    tb->cpu.fpr[10] = BOX(0x3f800000);
    tb->cpu.fpr[11] = BOX(0x3f800000);
    CHECK(run_prog(tb, &fadd_s, 1));
    CHECK_U64(tb->cpu.fpr[13], BOX(0x40000000));
    tb->cpu.misa &= ~RVF;
    expect_illegal(tb, fadd_s, __LINE__);
    rv_bench_free(tb);
}

UNITTEST(loads_box_and_stores_take_low_bits)
{
    RvTestBench *tb = fp_bench(EXT_STATUS_DIRTY);
    const uint32_t prog[] = {
        RV_I(LOAD_FP, 1, 2, 10, 0),             /* flw f1, 0(x10) */
        RV_I(LOAD_FP, 2, 3, 10, 8),             /* fld f2, 8(x10) */
        rv_enc_s(STORE_FP, 2, 10, 3, 16),       /* fsw f3, 16(x10) */
        rv_enc_s(STORE_FP, 3, 10, 2, 24),       /* fsd f2, 24(x10) */
    };

    tb->cpu.gpr[10] = DATA;
    rv_bench_write64(tb, DATA, 0xaaaaaaaa3f800000ull);
    rv_bench_write64(tb, DATA + 8, 0x400921fb54442d18ull);
    rv_bench_write64(tb, DATA + 16, 0x5555555555555555ull);
    tb->cpu.fpr[3] = 0x00000000deadbeefull;             /* not boxed: stored anyway */
    CHECK(run_prog(tb, prog, 4));
    CHECK_U64(tb->cpu.fpr[1], BOX(0x3f800000));
    CHECK_U64(tb->cpu.fpr[2], 0x400921fb54442d18ull);
    CHECK_U64(rv_bench_read64(tb, DATA + 16), 0x55555555deadbeefull);
    CHECK_U64(rv_bench_read64(tb, DATA + 24), 0x400921fb54442d18ull);
    rv_bench_free(tb);
}

UNITTEST(fp_csr_accessors)
{
    RvTestBench *tb = fp_bench(EXT_STATUS_CLEAN);
    RiscvCpu *cpu = &tb->cpu;

    CHECK(riscv_fp_enabled(cpu));
    riscv_csr_write_fcsr(cpu, 0xffffffffull);
    CHECK_U64(riscv_csr_read_fcsr(cpu), 0xff);          /* bits 31:8 reserved */
    CHECK_U64(riscv_csr_read_frm(cpu), 7);
    CHECK_U64(riscv_csr_read_fflags(cpu), 0x1f);
    CHECK_U64(cpu->mstatus & (MSTATUS_FS | MSTATUS_SD), MSTATUS_FS | MSTATUS_SD);
    riscv_csr_write_frm(cpu, 0x21);
    CHECK_U64(riscv_csr_read_fcsr(cpu), 0x3f);
    riscv_csr_write_fflags(cpu, 0xe5);
    CHECK_U64(riscv_csr_read_fcsr(cpu), 0x25);
    cpu->mstatus &= ~MSTATUS_FS;
    CHECK(!riscv_fp_enabled(cpu));
    rv_bench_free(tb);
}

/*
 * The inline binary64/binary32 fast paths (trans_rvf.c: SSE2/FMA3 on the
 * JIT, host doubles and floats on the interpreter) against the exact
 * helpers called directly: every F and D arithmetic instruction and
 * compare on edge values (zeros, subnormals, the smallest normals where
 * tininess after rounding matters, the largest finite values, infinities,
 * quiet and signalling NaNs; singles boxed and not) and random values,
 * with fflags starting clear, with NX and with every flag, under every
 * static rounding mode and every dynamic one.  Results and
 * fflags must be bit-identical.
 */
static const uint64_t fast_edges[] = {
    0, 0x8000000000000000ull, 1, 0x800fffffffffffffull, 0x0010000000000000ull,
    0x8010000000000001ull, 0x001fffffffffffffull, 0x0020000000000000ull, 0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x3ff0000000000001ull, 0x4000000000000000ull, 0x3fe0000000000000ull,
    0x3ca0000000000000ull, 0x7fefffffffffffffull, 0xffe0000000000000ull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull, 0xfff8000000000001ull,
    0x400921fb54442d18ull, 0xc00921fb54442d18ull, 0x3fd5555555555555ull, 0x2000000000000000ull,
    0x1ff0000000000001ull, 0x5fe0000000000000ull, 0x3cb0000000000000ull,
};
#define NFAST_EDGES (sizeof(fast_edges) / sizeof(fast_edges[0]))

enum { FAST_NOPS = 17 };

/* Where instruction k's fflags go: x16..x31, then x1..x4. */
static unsigned fast_flags_reg(unsigned k)
{
    return k < 16 ? 16 + k : 1 + (k - 16);
}

/* Instruction k of the program, reading f10/f11/f12: FP results go to
 * f(13+k), compare results to x(13+k-9), fcvt.w/l to x8/x9, the conversion
 * between formats (fcvt.d.s from a single, fcvt.s.d from a double) to f22,
 * fmin/fmax to f23/f24; rm in the funct3 field. */
static uint32_t fast_insn(unsigned k, unsigned rm, bool single)
{
    unsigned d = !single;   /* the fmt bit: 0 S, 1 D */

    switch (k) {
    case 0: return RV_R(OP_FP, 13, rm, 10, 11, 0x00 | d);   /* fadd */
    case 1: return RV_R(OP_FP, 14, rm, 10, 11, 0x04 | d);   /* fsub */
    case 2: return RV_R(OP_FP, 15, rm, 10, 11, 0x08 | d);   /* fmul */
    case 3: return RV_R(OP_FP, 16, rm, 10, 11, 0x0c | d);   /* fdiv */
    case 4: return RV_R(OP_FP, 17, rm, 10, 0, 0x2c | d);    /* fsqrt */
    case 5: return RV_R(MADD, 18, rm, 10, 11, (12u << 2) | d);
    case 6: return RV_R(MSUB, 19, rm, 10, 11, (12u << 2) | d);
    case 7: return RV_R(NMSUB, 20, rm, 10, 11, (12u << 2) | d);
    case 8: return RV_R(NMADD, 21, rm, 10, 11, (12u << 2) | d);
    case 9: return RV_R(OP_FP, 13, 2, 10, 11, 0x50 | d);    /* feq x13 */
    case 10: return RV_R(OP_FP, 14, 1, 10, 11, 0x50 | d);   /* flt x14 */
    case 11: return RV_R(OP_FP, 15, 0, 10, 11, 0x50 | d);   /* fle x15 */
    case 12: return RV_R(OP_FP, 8, rm, 10, 0, 0x60 | d);    /* fcvt.w x8 */
    case 13: return RV_R(OP_FP, 9, rm, 10, 2, 0x60 | d);    /* fcvt.l x9 */
    case 15: return RV_R(OP_FP, 23, 0, 10, 11, 0x14 | d);   /* fmin */
    case 16: return RV_R(OP_FP, 24, 1, 10, 11, 0x14 | d);   /* fmax */
    default: return single ? RV_R(OP_FP, 22, rm, 10, 0, 0x21)   /* fcvt.d.s */
                           : RV_R(OP_FP, 22, rm, 10, 1, 0x20);  /* fcvt.s.d */
    }
}

/* The helper's answer for instruction k: result and fflags from `flags0`. */
static uint64_t fast_ref_s(RiscvCpu *ref, unsigned k, unsigned rm, uint64_t a, uint64_t b,
                           uint64_t c)
{
    switch (k) {
    case 0: return helper_riscv_fadd_s(ref, a, b, rm);
    case 1: return helper_riscv_fsub_s(ref, a, b, rm);
    case 2: return helper_riscv_fmul_s(ref, a, b, rm);
    case 3: return helper_riscv_fdiv_s(ref, a, b, rm);
    case 4: return helper_riscv_fsqrt_s(ref, a, rm);
    case 5: return helper_riscv_fmadd_s(ref, a, b, c, 0, rm);
    case 6: return helper_riscv_fmadd_s(ref, a, b, c, SF_MULADD_NEG_ADDEND, rm);
    case 7: return helper_riscv_fmadd_s(ref, a, b, c, SF_MULADD_NEG_PRODUCT, rm);
    case 8:
        return helper_riscv_fmadd_s(ref, a, b, c, SF_MULADD_NEG_PRODUCT | SF_MULADD_NEG_ADDEND,
                                    rm);
    case 12: return helper_riscv_fcvt_x_s(ref, a, 0, rm);
    case 13: return helper_riscv_fcvt_x_s(ref, a, 2, rm);
    case 14: return helper_riscv_fcvt_d_s(ref, a, rm);
    case 15: return helper_riscv_fminmax_s(ref, a, b, 0);
    case 16: return helper_riscv_fminmax_s(ref, a, b, 1);
    default: return helper_riscv_fcmp_s(ref, a, b, 11 - k);
    }
}

static uint64_t fast_ref(unsigned k, unsigned rm, uint32_t frm, uint32_t flags0, uint64_t a,
                         uint64_t b, uint64_t c, bool single, uint32_t *flags)
{
    RiscvCpu ref = { 0 };
    uint64_t r;

    ref.frm = frm;
    ref.fflags = flags0;
    if (single) {
        r = fast_ref_s(&ref, k, rm, a, b, c);
        *flags = ref.fflags;
        return r;
    }
    switch (k) {
    case 0: r = helper_riscv_fadd_d(&ref, a, b, rm); break;
    case 1: r = helper_riscv_fsub_d(&ref, a, b, rm); break;
    case 2: r = helper_riscv_fmul_d(&ref, a, b, rm); break;
    case 3: r = helper_riscv_fdiv_d(&ref, a, b, rm); break;
    case 4: r = helper_riscv_fsqrt_d(&ref, a, rm); break;
    case 5: r = helper_riscv_fmadd_d(&ref, a, b, c, 0, rm); break;
    case 6: r = helper_riscv_fmadd_d(&ref, a, b, c, SF_MULADD_NEG_ADDEND, rm); break;
    case 7: r = helper_riscv_fmadd_d(&ref, a, b, c, SF_MULADD_NEG_PRODUCT, rm); break;
    case 8:
        r = helper_riscv_fmadd_d(&ref, a, b, c, SF_MULADD_NEG_PRODUCT | SF_MULADD_NEG_ADDEND, rm);
        break;
    case 12: r = helper_riscv_fcvt_x_d(&ref, a, 0, rm); break;
    case 13: r = helper_riscv_fcvt_x_d(&ref, a, 2, rm); break;
    case 14: r = helper_riscv_fcvt_s_d(&ref, a, rm); break;
    case 15: r = helper_riscv_fminmax_d(&ref, a, b, 0); break;
    case 16: r = helper_riscv_fminmax_d(&ref, a, b, 1); break;
    default: r = helper_riscv_fcmp_d(&ref, a, b, 11 - k); break;
    }
    *flags = ref.fflags;
    return r;
}

static uint64_t fast_rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 11 ^ *s << 29;
}

/* A random double: mostly moderate exponents (the fast path), sometimes
 * near the ends of the range, sometimes an edge value. */
static const uint32_t fast_edges_s[] = {
    0, 0x80000000, 1, 0x807fffff, 0x00800000, 0x80800001, 0x00ffffff, 0x01000000, 0x3f800000,
    0xbf800000, 0x3f800001, 0x40000000, 0x3f000000, 0x33800000, 0x7f7fffff, 0xff000000,
    0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffc00001, 0x40490fdb, 0x20000000,
    0x1f800001, 0x5f000000, 0x34000000,
};
#define NFAST_EDGES_S (sizeof(fast_edges_s) / sizeof(fast_edges_s[0]))

/* A random single, boxed but now and then not (the helper's canonical NaN). */
static uint64_t fast_value_s(uint64_t *s)
{
    uint64_t x = fast_rng(s);
    unsigned pick = (unsigned)(x >> 60);
    uint32_t v, exp, sign = (uint32_t)(x & 1) << 31, mant = (uint32_t)(x >> 9) & 0x7fffff;

    if (pick < 10) {
        exp = 127 - 30 + (x >> 40) % 60;
    } else if (pick < 12) {
        exp = (x >> 40) % 30;
    } else if (pick < 13) {
        exp = 0xff - (x >> 40) % 30;
    } else {
        v = fast_edges_s[(x >> 40) % NFAST_EDGES_S];
        return pick == 15 && (x & 2) ? v : BOX(v);
    }
    return BOX(sign | exp << 23 | mant);
}

static uint64_t fast_value(uint64_t *s)
{
    uint64_t x = fast_rng(s);
    unsigned pick = (unsigned)(x >> 60);
    uint64_t mant = fast_rng(s) & 0x000fffffffffffffull;
    uint64_t sign = (x & 1) << 63;
    uint64_t exp;

    if (pick < 10) {
        exp = 0x3ff - 40 + (x >> 8) % 80;
    } else if (pick < 12) {
        exp = (x >> 8) % 80;                    /* tiny results */
    } else if (pick < 14) {
        exp = 0x7ff - (x >> 8) % 80;            /* huge, inf, NaN */
    } else {
        return fast_edges[(x >> 8) % NFAST_EDGES];
    }
    return sign | exp << 52 | mant;
}

static unsigned fast_failures;

static void fast_check(RvTestBench *tb, unsigned rm, uint32_t frm, uint32_t flags0, uint64_t a,
                       uint64_t b, uint64_t c, bool single)
{
    RiscvCpu *cpu = &tb->cpu;

    cpu->fpr[10] = a;
    cpu->fpr[11] = b;
    cpu->fpr[12] = c;
    cpu->frm = frm;
    cpu->gpr[5] = flags0;
    cpu->pc = BASE;
    if (!rv_bench_run(tb, UINT64_MAX, RUN_MS)) {
        unittest_fail(__FILE__, __LINE__, "fast-path program did not finish");
        fast_failures++;
        return;
    }
    for (unsigned k = 0; k < FAST_NOPS; k++) {
        uint32_t want_flags;
        uint64_t want = fast_ref(k, rm, frm, flags0, a, b, c, single, &want_flags);
        uint64_t got = k < 9 ? cpu->fpr[13 + k] : k < 12 ? cpu->gpr[13 + k - 9]
                     : k == 12 ? cpu->gpr[8] : k == 13 ? cpu->gpr[9] : cpu->fpr[22 + k - 14];
        uint64_t got_flags = cpu->gpr[fast_flags_reg(k)];
        if ((got != want || got_flags != want_flags) && fast_failures++ < 20) {
            unittest_fail(__FILE__, __LINE__, "insn %08x rm %u frm %u fflags %02x (%016" PRIx64
                          ", %016" PRIx64 ", %016" PRIx64 "): got %016" PRIx64 "/%02" PRIx64
                          ", helper %016" PRIx64 "/%02x", fast_insn(k, rm, single), rm, frm, flags0,
                          a, b, c, got, got_flags, want, want_flags);
        }
    }
}

UNITTEST(fp_fast_paths_match_helpers)
{
    RvTestBench *tb = fp_bench(EXT_STATUS_DIRTY);
    static const uint32_t flag_starts[] = { 0, NX, NX | UF | OF | DZ | NV };
    /* rm 0-4 static with frm 0, then dynamic (7) with frm 0-4 */
    static const unsigned modes[][2] = { { 0, 0 }, { 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 0 },
                                         { 7, 0 }, { 7, 1 }, { 7, 2 }, { 7, 3 }, { 7, 4 } };
    uint64_t seed = 0x5eed;

    for (size_t m = 0; m < 2 * sizeof(modes) / sizeof(modes[0]); m++) {
        bool single = m % 2;
        unsigned rm = modes[m / 2][0];
        uint32_t frm = modes[m / 2][1];
        bool nearest = frm == 0 && (rm == 0 || rm == 7);
        uint32_t prog[3 * FAST_NOPS + 5];
        unsigned n = 0;

        /* per instruction: fflags = x5; insn; x(16+k) = fflags */
        for (unsigned k = 0; k < FAST_NOPS; k++) {
            prog[n++] = RV_I(0x73, 0, 1, 5, 0x001);
            prog[n++] = fast_insn(k, rm, single);
            prog[n++] = RV_I(0x73, fast_flags_reg(k), 2, 0, 0x001);
        }
        /* the finisher, with x6/x7 */
        prog[n++] = rv_enc_u(0x37, 7, 0x5000);
        prog[n++] = rv_enc_i(0x13, 7, 0, 7, 0x555);
        prog[n++] = rv_enc_u(0x37, 6, (int32_t)RV_TB_FINISHER);
        prog[n++] = rv_enc_s(0x23, 2, 6, 7, 0);
        prog[n++] = rv_enc_j(0, 0);
        tb->cpu.mtvec = TRAP;
        rv_bench_load32(tb, BASE, prog, n);

        for (size_t f = 0; f < sizeof(flag_starts) / sizeof(flag_starts[0]); f++) {
            unsigned step = nearest ? 1 : 5;
            size_t ne = single ? NFAST_EDGES_S : NFAST_EDGES;
            for (size_t i = 0; i < ne; i++) {
                for (size_t j = (i * 3 + f) % step; j < ne; j += step) {
                    size_t kc = (i * 7 + j * 3 + f) % ne;
                    uint64_t a = single ? BOX(fast_edges_s[i]) : fast_edges[i];
                    uint64_t b = single ? BOX(fast_edges_s[j]) : fast_edges[j];
                    uint64_t c = single ? BOX(fast_edges_s[kc]) : fast_edges[kc];
                    fast_check(tb, rm, frm, flag_starts[f], a, b, c, single);
                }
            }
            for (unsigned r = 0; r < (nearest ? 600u : 60u); r++) {
                uint64_t a, b, c;
                if (single) {
                    a = fast_value_s(&seed), b = fast_value_s(&seed), c = fast_value_s(&seed);
                    if (r & 1) {
                        c ^= 0x80000000u;               /* cancellation in fmadd */
                    }
                } else {
                    a = fast_value(&seed), b = fast_value(&seed), c = fast_value(&seed);
                    if (r & 1) {
                        c ^= 0x8000000000000000ull;
                    }
                }
                fast_check(tb, rm, frm, flag_starts[f], a, b, c, single);
            }
        }
    }
    CHECK(tb->exceptions == 0);
    rv_bench_free(tb);
}

/* fflags, frm and fcsr through every Zicsr form (inline in the translator):
 * the old value in rd, the masked write field by field, FS Dirty only when
 * written, illegal with FS Off. */
UNITTEST(fp_csrs_inline)
{
    uint64_t seed = 0xc5c5;

    for (unsigned csr = RISCV_CSR_FFLAGS; csr <= RISCV_CSR_FCSR; csr++) {
        for (unsigned f3 = 1; f3 <= 7; f3++) {
            if (f3 == 4) {
                continue;
            }
            for (unsigned n = 0; n < 12; n++) {
                RvTestBench *tb = fp_bench(EXT_STATUS_CLEAN);
                RiscvCpu *cpu = &tb->cpu;
                uint64_t r = fast_rng(&seed);
                bool imm = f3 >= 5;
                /* n < 2: rs1 = x0 or uimm = 0, so csrrs/csrrc only read */
                uint64_t uimm = n < 2 ? 0 : r >> 59;
                unsigned rs1 = imm ? (unsigned)uimm : n < 2 ? 0 : 10;
                uint64_t val = imm ? uimm : rs1 ? r : 0;
                bool write = (f3 & 3) == 1 || val != 0;
                uint32_t insn = RV_I(0x73, 13, f3, rs1, csr);
                uint32_t ff0 = (uint32_t)(r & 0x1f), frm0 = (uint32_t)(r >> 8 & 7);
                uint64_t old = csr == RISCV_CSR_FFLAGS ? ff0
                             : csr == RISCV_CSR_FRM ? frm0 : (uint64_t)frm0 << 5 | ff0;
                uint64_t nv = (f3 & 3) == 1 ? val : (f3 & 3) == 2 ? old | val : old & ~val;
                uint64_t want_ff = ff0, want_frm = frm0;

                cpu->gpr[10] = r;
                cpu->fflags = ff0;
                cpu->frm = frm0;
                CHECK(run_prog(tb, &insn, 1));
                CHECK_U64(cpu->gpr[13], old);
                if (write && csr != RISCV_CSR_FRM) {
                    want_ff = nv & 0x1f;
                }
                if (write && csr != RISCV_CSR_FFLAGS) {
                    want_frm = csr == RISCV_CSR_FRM ? nv & 7 : nv >> 5 & 7;
                }
                CHECK_U64(cpu->fflags, want_ff);
                CHECK_U64(cpu->frm, want_frm);
                CHECK_U64(cpu->mstatus & MSTATUS_FS,
                          write ? MSTATUS_FS : (uint64_t)EXT_STATUS_CLEAN << MSTATUS_FS_SHIFT);
                rv_bench_free(tb);
            }
        }
    }
    RvTestBench *tb = fp_bench(EXT_STATUS_OFF);
    expect_illegal(tb, RV_I(0x73, 13, 2, 0, RISCV_CSR_FFLAGS), __LINE__);  /* frflags */
    expect_illegal(tb, RV_I(0x73, 0, 5, 1, RISCV_CSR_FRM), __LINE__);      /* fsrmi */
    expect_illegal(tb, RV_I(0x73, 13, 1, 10, RISCV_CSR_FCSR), __LINE__);   /* fscsr */
    rv_bench_free(tb);
}

/* fcvt.d.w and fcvt.d.wu (inline: cvt_s64_f64) against the helper on
 * integer edges and random values with junk high halves, every static and
 * dynamic rounding mode: same bits, no flag. */
UNITTEST(fcvt_d_w_inline_matches_helper)
{
    static const uint64_t ints[] = {
        0, 1, 0xffffffffull, 0x7fffffff, 0x80000000, 0x123456789abcdef0ull,
        0xffffffff80000001ull, 0x00000000fffffffeull, 0x8000000000000000ull,
    };
    RvTestBench *tb = fp_bench(EXT_STATUS_DIRTY);
    uint64_t seed = 0xd0d0;

    for (unsigned rm = 0; rm <= 7; rm++) {
        if (rm == 5 || rm == 6) {
            continue;
        }
        const uint32_t insns[2] = { FOP(0x69, rm, 0), FOP(0x69, rm, 1) };   /* .w, .wu */
        for (unsigned u = 0; u < 2; u++) {
            for (unsigned i = 0; i < 40; i++) {
                uint64_t v = i < sizeof(ints) / sizeof(ints[0]) ? ints[i] : fast_rng(&seed);
                RiscvCpu ref = { 0 };
                ref.frm = rm == 7 ? (uint32_t)(i % 5) : 0;
                uint64_t want = helper_riscv_fcvt_d_x(&ref, v, u, rm);
                tb->cpu.gpr[10] = v;
                tb->cpu.frm = ref.frm;
                tb->cpu.fflags = 0;
                CHECK(run_prog(tb, &insns[u], 1));
                CHECK_U64(tb->cpu.fpr[13], want);
                CHECK_U64(tb->cpu.fflags, ref.fflags);
                CHECK_U64(tb->cpu.fflags, 0);
            }
        }
    }
    rv_bench_free(tb);
}

/* The fast paths mark FS Dirty like the helpers do: fadd.d and fmadd.s on
 * normal operands with NX set (so they take the fast path), feq.d with no
 * NaN, from FS Initial and Clean. */
UNITTEST(fp_fast_paths_make_fs_dirty)
{
    const uint32_t insns[] = { FOP2(0x01, 7), R4(MADD, 0, 0), FOP2(0x51, 2) };

    for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
        for (unsigned fs = EXT_STATUS_INITIAL; fs <= EXT_STATUS_CLEAN; fs++) {
            RvTestBench *tb = fp_bench(fs);
            bool single = i == 1;
            tb->cpu.fpr[10] = single ? BOX(0x3fc00000) : 0x3ff8000000000000ull;
            tb->cpu.fpr[11] = single ? BOX(0x40200000) : 0x4002000000000000ull;
            tb->cpu.fpr[12] = single ? BOX(0x3f800000) : 0x3ff0000000000000ull;
            tb->cpu.fflags = NX;
            CHECK(run_prog(tb, &insns[i], 1));
            CHECK_U64(tb->cpu.mstatus & (MSTATUS_FS | MSTATUS_SD), MSTATUS_FS | MSTATUS_SD);
            CHECK_U64(tb->cpu.fflags, NX);
            rv_bench_free(tb);
        }
    }
}
