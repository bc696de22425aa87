/*
 * Tests of the generated RISC-V decoders (insn32.decode, insn16.decode).
 * The reference is a table written by hand from the ISA manual: for each
 * instruction its mask/match and its format, whose fields are extracted here
 * by plain bit arithmetic independent of the generator.  Rows are in
 * priority order: the first row that matches a word is what the decoder
 * must pick (pause before fence, reserved encodings before the instruction
 * they are carved from, c.jr before c.mv).  Rows named "reserved" must not
 * decode.
 *
 * Checks: random words built from each row's match decode to the first
 * matching row with the right fields; every one of the 65536 16-bit words,
 * and a few hundred thousand random 32-bit words, decode exactly when the
 * table says so.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "guest/riscv/decode_fields.h"
#include "util/unittest.h"

struct DisasContext {
    int unused;
};

enum { NOT_SET = 0x7fffffff };

typedef struct {
    const char *name;
    int rd, rs1, rs2, rs3, imm, rm, shamt, csr, aq, rl, fm, pred, succ;
} Fields;

static Fields decoded;

static void fields_clear(Fields *f)
{
    f->name = NULL;
    f->rd = f->rs1 = f->rs2 = f->rs3 = f->imm = f->rm = NOT_SET;
    f->shamt = f->csr = f->aq = f->rl = f->fm = f->pred = f->succ = NOT_SET;
}

#include "guest/riscv/decode-insn32-test.c.inc"
#include "guest/riscv/decode-insn16-test.c.inc"

/* The recorders the generated dtest_<pattern> functions forward to. */
static bool dtest_record_empty(DisasContext *ctx, const char *name, arg_empty *a)
{
    decoded.name = name;
    return true;
}

#define RECORD(set, ...)                                                    \
    static bool dtest_record_##set(DisasContext *ctx, const char *name,     \
                                   arg_##set *a)                            \
    {                                                                       \
        decoded.name = name;                                                \
        __VA_ARGS__;                                                        \
        return true;                                                        \
    }

RECORD(r, decoded.rd = a->rd; decoded.rs1 = a->rs1; decoded.rs2 = a->rs2)
RECORD(r2, decoded.rd = a->rd; decoded.rs1 = a->rs1)
RECORD(i, decoded.rd = a->rd; decoded.rs1 = a->rs1; decoded.imm = a->imm)
RECORD(s, decoded.rs1 = a->rs1; decoded.rs2 = a->rs2; decoded.imm = a->imm)
RECORD(b, decoded.rs1 = a->rs1; decoded.rs2 = a->rs2; decoded.imm = a->imm)
RECORD(u, decoded.rd = a->rd; decoded.imm = a->imm)
RECORD(j, decoded.rd = a->rd; decoded.imm = a->imm)
RECORD(shift, decoded.rd = a->rd; decoded.rs1 = a->rs1; decoded.shamt = a->shamt)
RECORD(csr, decoded.rd = a->rd; decoded.rs1 = a->rs1; decoded.csr = a->csr)
RECORD(atomic, decoded.rd = a->rd; decoded.rs1 = a->rs1; decoded.rs2 = a->rs2;
       decoded.aq = a->aq; decoded.rl = a->rl)
RECORD(r4_rm, decoded.rd = a->rd; decoded.rs1 = a->rs1; decoded.rs2 = a->rs2;
       decoded.rs3 = a->rs3; decoded.rm = a->rm)
RECORD(r_rm, decoded.rd = a->rd; decoded.rs1 = a->rs1; decoded.rs2 = a->rs2; decoded.rm = a->rm)
RECORD(r2_rm, decoded.rd = a->rd; decoded.rs1 = a->rs1; decoded.rm = a->rm)
RECORD(fence, decoded.fm = a->fm; decoded.pred = a->pred; decoded.succ = a->succ)
RECORD(sfence_vma, decoded.rs1 = a->rs1; decoded.rs2 = a->rs2)

typedef enum {
    F_NONE, F_R, F_R2, F_I, F_S, F_B, F_U, F_J, F_SH6, F_SH5, F_CSR, F_AMO, F_LR,
    F_R4, F_RRM, F_R2RM, F_FENCE, F_SFENCE,
    C_ADDI4SPN, C_CL_D, C_CL_W, C_CS_D, C_CS_W, C_CI, C_LI, C_ADDI16SP, C_LUI,
    C_SHIFT, C_ANDI, C_CA, C_J, C_B, C_SLLI, C_LWSP, C_LDSP, C_SWSP, C_SDSP,
    C_JR, C_JALR, C_MV, C_ADD,
} Format;

typedef struct {
    const char *name;   /* pattern name it decodes to, or "reserved" */
    uint32_t mask, match;
    Format fmt;
} Row;

#define OP(x)        (x)
#define FIX(n, w, f) { n, 0xffffffff, w, f }
#define R(n, f7, f3, op)   { n, 0xfe00707f, (f7) << 25 | (f3) << 12 | (op), F_R }
#define R2(n, f7, r2, f3, op) { n, 0xfff0707f, (f7) << 25 | (r2) << 20 | (f3) << 12 | (op), F_R2 }
#define I(n, f3, op)       { n, 0x0000707f, (f3) << 12 | (op), F_I }
#define S(n, f3, op)       { n, 0x0000707f, (f3) << 12 | (op), F_S }
#define B(n, f3)           { n, 0x0000707f, (f3) << 12 | 0x63, F_B }
#define SH6(n, f6, f3, op) { n, 0xfc00707f, (uint32_t)(f6) << 26 | (f3) << 12 | (op), F_SH6 }
#define SH5(n, f7, f3, op) { n, 0xfe00707f, (f7) << 25 | (f3) << 12 | (op), F_SH5 }
#define CSR(n, f3)         { n, 0x0000707f, (f3) << 12 | 0x73, F_CSR }
#define AMO(n, f5, f3)     { n, 0xf800707f, (uint32_t)(f5) << 27 | (f3) << 12 | 0x2f, F_AMO }
#define LR(n, f3)          { n, 0xf9f0707f, 2u << 27 | (f3) << 12 | 0x2f, F_LR }
#define R4(n, fmt, op)     { n, 0x0600007f, (fmt) << 25 | (op), F_R4 }
#define RRM(n, f7)         { n, 0xfe00007f, (uint32_t)(f7) << 25 | 0x53, F_RRM }
#define R2RM(n, f7, r2)    { n, 0xfff0007f, (uint32_t)(f7) << 25 | (r2) << 20 | 0x53, F_R2RM }
#define FR(n, f7, f3)      R(n, (uint32_t)(f7), f3, 0x53)
#define FR2(n, f7, f3)     R2(n, (uint32_t)(f7), 0, f3, 0x53)

static const Row rows32[] = {
    FIX("ecall", 0x00000073, F_NONE), FIX("ebreak", 0x00100073, F_NONE),
    FIX("sret", 0x10200073, F_NONE), FIX("mret", 0x30200073, F_NONE),
    FIX("wfi", 0x10500073, F_NONE),
    { "sfence_vma", 0xfe007fff, 0x12000073, F_SFENCE },
    { "lui", 0x7f, 0x37, F_U }, { "auipc", 0x7f, 0x17, F_U }, { "jal", 0x7f, 0x6f, F_J },
    I("jalr", 0, 0x67),
    B("beq", 0), B("bne", 1), B("blt", 4), B("bge", 5), B("bltu", 6), B("bgeu", 7),
    I("lb", 0, 3), I("lh", 1, 3), I("lw", 2, 3), I("ld", 3, 3), I("lbu", 4, 3),
    I("lhu", 5, 3), I("lwu", 6, 3),
    S("sb", 0, 0x23), S("sh", 1, 0x23), S("sw", 2, 0x23), S("sd", 3, 0x23),
    I("addi", 0, 0x13), I("slti", 2, 0x13), I("sltiu", 3, 0x13), I("xori", 4, 0x13),
    I("ori", 6, 0x13), I("andi", 7, 0x13),
    SH6("slli", 0, 1, 0x13), SH6("srli", 0, 5, 0x13), SH6("srai", 0x10, 5, 0x13),
    R("add", 0, 0, 0x33), R("sub", 0x20, 0, 0x33), R("sll", 0, 1, 0x33),
    R("slt", 0, 2, 0x33), R("sltu", 0, 3, 0x33), R("xor", 0, 4, 0x33),
    R("srl", 0, 5, 0x33), R("sra", 0x20, 5, 0x33), R("or", 0, 6, 0x33), R("and", 0, 7, 0x33),
    FIX("pause", 0x0100000f, F_NONE),
    { "fence", 0x0000707f, 0x0000000f, F_FENCE },
    { "fence_i", 0x0000707f, 0x0000100f, F_NONE },
    CSR("csrrw", 1), CSR("csrrs", 2), CSR("csrrc", 3),
    CSR("csrrwi", 5), CSR("csrrsi", 6), CSR("csrrci", 7),
    I("addiw", 0, 0x1b), SH5("slliw", 0, 1, 0x1b), SH5("srliw", 0, 5, 0x1b),
    SH5("sraiw", 0x20, 5, 0x1b),
    R("addw", 0, 0, 0x3b), R("subw", 0x20, 0, 0x3b), R("sllw", 0, 1, 0x3b),
    R("srlw", 0, 5, 0x3b), R("sraw", 0x20, 5, 0x3b),
    R("mul", 1, 0, 0x33), R("mulh", 1, 1, 0x33), R("mulhsu", 1, 2, 0x33),
    R("mulhu", 1, 3, 0x33), R("div", 1, 4, 0x33), R("divu", 1, 5, 0x33),
    R("rem", 1, 6, 0x33), R("remu", 1, 7, 0x33),
    R("mulw", 1, 0, 0x3b), R("divw", 1, 4, 0x3b), R("divuw", 1, 5, 0x3b),
    R("remw", 1, 6, 0x3b), R("remuw", 1, 7, 0x3b),
    LR("lr_w", 2), AMO("sc_w", 3, 2), AMO("amoswap_w", 1, 2), AMO("amoadd_w", 0, 2),
    AMO("amoxor_w", 4, 2), AMO("amoand_w", 12, 2), AMO("amoor_w", 8, 2),
    AMO("amomin_w", 16, 2), AMO("amomax_w", 20, 2), AMO("amominu_w", 24, 2),
    AMO("amomaxu_w", 28, 2),
    LR("lr_d", 3), AMO("sc_d", 3, 3), AMO("amoswap_d", 1, 3), AMO("amoadd_d", 0, 3),
    AMO("amoxor_d", 4, 3), AMO("amoand_d", 12, 3), AMO("amoor_d", 8, 3),
    AMO("amomin_d", 16, 3), AMO("amomax_d", 20, 3), AMO("amominu_d", 24, 3),
    AMO("amomaxu_d", 28, 3),
    I("flw", 2, 0x07), S("fsw", 2, 0x27), I("fld", 3, 0x07), S("fsd", 3, 0x27),
    R4("fmadd_s", 0, 0x43), R4("fmsub_s", 0, 0x47), R4("fnmsub_s", 0, 0x4b),
    R4("fnmadd_s", 0, 0x4f),
    R4("fmadd_d", 1, 0x43), R4("fmsub_d", 1, 0x47), R4("fnmsub_d", 1, 0x4b),
    R4("fnmadd_d", 1, 0x4f),
    RRM("fadd_s", 0x00), RRM("fsub_s", 0x04), RRM("fmul_s", 0x08), RRM("fdiv_s", 0x0c),
    RRM("fadd_d", 0x01), RRM("fsub_d", 0x05), RRM("fmul_d", 0x09), RRM("fdiv_d", 0x0d),
    R2RM("fsqrt_s", 0x2c, 0), R2RM("fsqrt_d", 0x2d, 0),
    FR("fsgnj_s", 0x10, 0), FR("fsgnjn_s", 0x10, 1), FR("fsgnjx_s", 0x10, 2),
    FR("fmin_s", 0x14, 0), FR("fmax_s", 0x14, 1),
    FR("fsgnj_d", 0x11, 0), FR("fsgnjn_d", 0x11, 1), FR("fsgnjx_d", 0x11, 2),
    FR("fmin_d", 0x15, 0), FR("fmax_d", 0x15, 1),
    R2RM("fcvt_w_s", 0x60, 0), R2RM("fcvt_wu_s", 0x60, 1),
    R2RM("fcvt_l_s", 0x60, 2), R2RM("fcvt_lu_s", 0x60, 3),
    R2RM("fcvt_s_w", 0x68, 0), R2RM("fcvt_s_wu", 0x68, 1),
    R2RM("fcvt_s_l", 0x68, 2), R2RM("fcvt_s_lu", 0x68, 3),
    R2RM("fcvt_w_d", 0x61, 0), R2RM("fcvt_wu_d", 0x61, 1),
    R2RM("fcvt_l_d", 0x61, 2), R2RM("fcvt_lu_d", 0x61, 3),
    R2RM("fcvt_d_w", 0x69, 0), R2RM("fcvt_d_wu", 0x69, 1),
    R2RM("fcvt_d_l", 0x69, 2), R2RM("fcvt_d_lu", 0x69, 3),
    R2RM("fcvt_s_d", 0x20, 1), R2RM("fcvt_d_s", 0x21, 0),
    FR2("fmv_x_w", 0x70, 0), FR2("fclass_s", 0x70, 1), FR2("fmv_w_x", 0x78, 0),
    FR2("fmv_x_d", 0x71, 0), FR2("fclass_d", 0x71, 1), FR2("fmv_d_x", 0x79, 0),
    FR("feq_s", 0x50, 2), FR("flt_s", 0x50, 1), FR("fle_s", 0x50, 0),
    FR("feq_d", 0x51, 2), FR("flt_d", 0x51, 1), FR("fle_d", 0x51, 0),
    /* Zba */
    R("add_uw", 0x04, 0, 0x3b), R("sh1add", 0x10, 2, 0x33), R("sh2add", 0x10, 4, 0x33),
    R("sh3add", 0x10, 6, 0x33), R("sh1add_uw", 0x10, 2, 0x3b),
    R("sh2add_uw", 0x10, 4, 0x3b), R("sh3add_uw", 0x10, 6, 0x3b),
    SH6("slli_uw", 0x02, 1, 0x1b),
    /* Zbb */
    R("andn", 0x20, 7, 0x33), R("orn", 0x20, 6, 0x33), R("xnor", 0x20, 4, 0x33),
    R2("clz", 0x30, 0, 1, 0x13), R2("ctz", 0x30, 1, 1, 0x13), R2("cpop", 0x30, 2, 1, 0x13),
    R2("clzw", 0x30, 0, 1, 0x1b), R2("ctzw", 0x30, 1, 1, 0x1b),
    R2("cpopw", 0x30, 2, 1, 0x1b),
    R("max", 0x05, 6, 0x33), R("maxu", 0x05, 7, 0x33), R("min", 0x05, 4, 0x33),
    R("minu", 0x05, 5, 0x33),
    R2("sext_b", 0x30, 4, 1, 0x13), R2("sext_h", 0x30, 5, 1, 0x13),
    R2("zext_h", 0x04, 0, 4, 0x3b),
    R("rol", 0x30, 1, 0x33), R("ror", 0x30, 5, 0x33), R("rolw", 0x30, 1, 0x3b),
    R("rorw", 0x30, 5, 0x3b), SH6("rori", 0x18, 5, 0x13), SH5("roriw", 0x30, 5, 0x1b),
    R2("orc_b", 0x14, 7, 5, 0x13), R2("rev8", 0x35, 0x18, 5, 0x13),
    /* Zbc */
    R("clmul", 0x05, 1, 0x33), R("clmulh", 0x05, 3, 0x33), R("clmulr", 0x05, 2, 0x33),
    /* Zbs */
    R("bclr", 0x24, 1, 0x33), SH6("bclri", 0x12, 1, 0x13), R("bext", 0x24, 5, 0x33),
    SH6("bexti", 0x12, 5, 0x13), R("binv", 0x34, 1, 0x33), SH6("binvi", 0x1a, 1, 0x13),
    R("bset", 0x14, 1, 0x33), SH6("bseti", 0x0a, 1, 0x13),
    /* Zicond */
    R("czero_eqz", 0x07, 5, 0x33), R("czero_nez", 0x07, 7, 0x33),
};

#define C(n, mask, match, f) { n, mask, match, f }

static const Row rows16[] = {
    C("reserved", 0xffe3, 0x0000, F_NONE),          /* c.addi4spn nzuimm=0 */
    C("addi", 0xe003, 0x0000, C_ADDI4SPN),
    C("fld", 0xe003, 0x2000, C_CL_D), C("lw", 0xe003, 0x4000, C_CL_W),
    C("ld", 0xe003, 0x6000, C_CL_D), C("fsd", 0xe003, 0xa000, C_CS_D),
    C("sw", 0xe003, 0xc000, C_CS_W), C("sd", 0xe003, 0xe000, C_CS_D),
    C("addi", 0xe003, 0x0001, C_CI),
    C("reserved", 0xef83, 0x2001, F_NONE),          /* c.addiw rd=0 */
    C("addiw", 0xe003, 0x2001, C_CI),
    C("addi", 0xe003, 0x4001, C_LI),
    C("reserved", 0xf07f, 0x6001, F_NONE),          /* c.lui/c.addi16sp imm=0 */
    C("addi", 0xef83, 0x6101, C_ADDI16SP),
    C("lui", 0xe003, 0x6001, C_LUI),
    C("srli", 0xec03, 0x8001, C_SHIFT), C("srai", 0xec03, 0x8401, C_SHIFT),
    C("andi", 0xec03, 0x8801, C_ANDI),
    C("sub", 0xfc63, 0x8c01, C_CA), C("xor", 0xfc63, 0x8c21, C_CA),
    C("or", 0xfc63, 0x8c41, C_CA), C("and", 0xfc63, 0x8c61, C_CA),
    C("subw", 0xfc63, 0x9c01, C_CA), C("addw", 0xfc63, 0x9c21, C_CA),
    C("jal", 0xe003, 0xa001, C_J),
    C("beq", 0xe003, 0xc001, C_B), C("bne", 0xe003, 0xe001, C_B),
    C("slli", 0xe003, 0x0002, C_SLLI),
    C("fld", 0xe003, 0x2002, C_LDSP),
    C("reserved", 0xef83, 0x4002, F_NONE),          /* c.lwsp rd=0 */
    C("lw", 0xe003, 0x4002, C_LWSP),
    C("reserved", 0xef83, 0x6002, F_NONE),          /* c.ldsp rd=0 */
    C("ld", 0xe003, 0x6002, C_LDSP),
    C("reserved", 0xffff, 0x8002, F_NONE),          /* c.jr rs1=0 */
    C("jalr", 0xf07f, 0x8002, C_JR), C("add", 0xf003, 0x8002, C_MV),
    C("ebreak", 0xffff, 0x9002, F_NONE),
    C("jalr", 0xf07f, 0x9002, C_JALR), C("add", 0xf003, 0x9002, C_ADD),
    C("fsd", 0xe003, 0xa002, C_SDSP), C("sw", 0xe003, 0xc002, C_SWSP),
    C("sd", 0xe003, 0xe002, C_SDSP),
};

/* Bits hi..lo of x, as an unsigned number. */
static int bits(uint32_t x, int hi, int lo)
{
    return (int)((x >> lo) & ((1u << (hi - lo + 1)) - 1));
}

/* v as an n-bit two's complement number. */
static int sext(int v, int n)
{
    return v >= (1 << (n - 1)) ? v - (1 << n) : v;
}

static void expect_fields(const Row *r, uint32_t x, Fields *f)
{
    fields_clear(f);
    f->name = r->name;
    switch (r->fmt) {
    case F_NONE:
        break;
    case F_R:
        f->rd = bits(x, 11, 7); f->rs1 = bits(x, 19, 15); f->rs2 = bits(x, 24, 20);
        break;
    case F_R2:
        f->rd = bits(x, 11, 7); f->rs1 = bits(x, 19, 15);
        break;
    case F_I:
        f->rd = bits(x, 11, 7); f->rs1 = bits(x, 19, 15); f->imm = sext(bits(x, 31, 20), 12);
        break;
    case F_S:
        f->rs1 = bits(x, 19, 15); f->rs2 = bits(x, 24, 20);
        f->imm = sext(bits(x, 31, 25) << 5 | bits(x, 11, 7), 12);
        break;
    case F_B:
        f->rs1 = bits(x, 19, 15); f->rs2 = bits(x, 24, 20);
        f->imm = sext(bits(x, 31, 31) << 12 | bits(x, 7, 7) << 11 | bits(x, 30, 25) << 5
                      | bits(x, 11, 8) << 1, 13);
        break;
    case F_U:
        f->rd = bits(x, 11, 7); f->imm = (int32_t)(x & 0xfffff000);
        break;
    case F_J:
        f->rd = bits(x, 11, 7);
        f->imm = sext(bits(x, 31, 31) << 20 | bits(x, 19, 12) << 12 | bits(x, 20, 20) << 11
                      | bits(x, 30, 21) << 1, 21);
        break;
    case F_SH6:
    case F_SH5:
        f->rd = bits(x, 11, 7); f->rs1 = bits(x, 19, 15);
        f->shamt = bits(x, r->fmt == F_SH6 ? 25 : 24, 20);
        break;
    case F_CSR:
        f->rd = bits(x, 11, 7); f->rs1 = bits(x, 19, 15); f->csr = bits(x, 31, 20);
        break;
    case F_AMO:
    case F_LR:
        f->rd = bits(x, 11, 7); f->rs1 = bits(x, 19, 15);
        f->rs2 = r->fmt == F_LR ? 0 : bits(x, 24, 20);
        f->aq = bits(x, 26, 26); f->rl = bits(x, 25, 25);
        break;
    case F_R4:
        f->rs3 = bits(x, 31, 27);
        /* fall through */
    case F_RRM:
        f->rs2 = bits(x, 24, 20);
        /* fall through */
    case F_R2RM:
        f->rd = bits(x, 11, 7); f->rs1 = bits(x, 19, 15); f->rm = bits(x, 14, 12);
        break;
    case F_FENCE:
        f->fm = bits(x, 31, 28); f->pred = bits(x, 27, 24); f->succ = bits(x, 23, 20);
        break;
    case F_SFENCE:
        f->rs1 = bits(x, 19, 15); f->rs2 = bits(x, 24, 20);
        break;
    case C_ADDI4SPN:
        f->rd = 8 + bits(x, 4, 2); f->rs1 = 2;
        f->imm = bits(x, 12, 11) << 4 | bits(x, 10, 7) << 6 | bits(x, 6, 6) << 2
                 | bits(x, 5, 5) << 3;
        break;
    case C_CL_D:
    case C_CL_W:
        f->rd = 8 + bits(x, 4, 2); f->rs1 = 8 + bits(x, 9, 7);
        f->imm = bits(x, 12, 10) << 3 | (r->fmt == C_CL_D ? bits(x, 6, 5) << 6
                                         : bits(x, 6, 6) << 2 | bits(x, 5, 5) << 6);
        break;
    case C_CS_D:
    case C_CS_W:
        f->rs2 = 8 + bits(x, 4, 2); f->rs1 = 8 + bits(x, 9, 7);
        f->imm = bits(x, 12, 10) << 3 | (r->fmt == C_CS_D ? bits(x, 6, 5) << 6
                                         : bits(x, 6, 6) << 2 | bits(x, 5, 5) << 6);
        break;
    case C_CI:
    case C_LI:
        f->rd = bits(x, 11, 7); f->rs1 = r->fmt == C_LI ? 0 : f->rd;
        f->imm = sext(bits(x, 12, 12) << 5 | bits(x, 6, 2), 6);
        break;
    case C_ADDI16SP:
        f->rd = f->rs1 = 2;
        f->imm = sext(bits(x, 12, 12) << 9 | bits(x, 6, 6) << 4 | bits(x, 5, 5) << 6
                      | bits(x, 4, 3) << 7 | bits(x, 2, 2) << 5, 10);
        break;
    case C_LUI:
        f->rd = bits(x, 11, 7);
        f->imm = sext(bits(x, 12, 12) << 17 | bits(x, 6, 2) << 12, 18);
        break;
    case C_SHIFT:
        f->rd = f->rs1 = 8 + bits(x, 9, 7); f->shamt = bits(x, 12, 12) << 5 | bits(x, 6, 2);
        break;
    case C_ANDI:
        f->rd = f->rs1 = 8 + bits(x, 9, 7); f->imm = sext(bits(x, 12, 12) << 5 | bits(x, 6, 2), 6);
        break;
    case C_CA:
        f->rd = f->rs1 = 8 + bits(x, 9, 7); f->rs2 = 8 + bits(x, 4, 2);
        break;
    case C_J:
        f->rd = 0;
        f->imm = sext(bits(x, 12, 12) << 11 | bits(x, 11, 11) << 4 | bits(x, 10, 9) << 8
                      | bits(x, 8, 8) << 10 | bits(x, 7, 7) << 6 | bits(x, 6, 6) << 7
                      | bits(x, 5, 3) << 1 | bits(x, 2, 2) << 5, 12);
        break;
    case C_B:
        f->rs1 = 8 + bits(x, 9, 7); f->rs2 = 0;
        f->imm = sext(bits(x, 12, 12) << 8 | bits(x, 11, 10) << 3 | bits(x, 6, 5) << 6
                      | bits(x, 4, 3) << 1 | bits(x, 2, 2) << 5, 9);
        break;
    case C_SLLI:
        f->rd = f->rs1 = bits(x, 11, 7); f->shamt = bits(x, 12, 12) << 5 | bits(x, 6, 2);
        break;
    case C_LWSP:
        f->rd = bits(x, 11, 7); f->rs1 = 2;
        f->imm = bits(x, 12, 12) << 5 | bits(x, 6, 4) << 2 | bits(x, 3, 2) << 6;
        break;
    case C_LDSP:
        f->rd = bits(x, 11, 7); f->rs1 = 2;
        f->imm = bits(x, 12, 12) << 5 | bits(x, 6, 5) << 3 | bits(x, 4, 2) << 6;
        break;
    case C_SWSP:
        f->rs2 = bits(x, 6, 2); f->rs1 = 2; f->imm = bits(x, 12, 9) << 2 | bits(x, 8, 7) << 6;
        break;
    case C_SDSP:
        f->rs2 = bits(x, 6, 2); f->rs1 = 2; f->imm = bits(x, 12, 10) << 3 | bits(x, 9, 7) << 6;
        break;
    case C_JR:
    case C_JALR:
        f->rd = r->fmt == C_JALR; f->rs1 = bits(x, 11, 7); f->imm = 0;
        break;
    case C_MV:
    case C_ADD:
        f->rd = bits(x, 11, 7); f->rs1 = r->fmt == C_ADD ? f->rd : 0; f->rs2 = bits(x, 6, 2);
        break;
    }
}

static const Row *first_match(const Row *rows, size_t n, uint32_t x)
{
    for (size_t i = 0; i < n; i++) {
        if ((x & rows[i].mask) == rows[i].match) {
            return &rows[i];
        }
    }
    return NULL;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rand32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Decode x and compare with the table; returns false after reporting. */
static bool check_word(const Row *rows, size_t n, uint32_t x, bool is16)
{
    const Row *want = first_match(rows, n, x);
    bool ok;
    Fields exp;

    fields_clear(&decoded);
    ok = is16 ? dtest_decode_insn16(NULL, (uint16_t)x) : dtest_decode_insn32(NULL, x);
    if (!want || strcmp(want->name, "reserved") == 0) {
        if (ok) {
            unittest_fail(__FILE__, __LINE__, "0x%08x decoded as %s, expected no decode",
                          x, decoded.name);
            return false;
        }
        return true;
    }
    if (!ok) {
        unittest_fail(__FILE__, __LINE__, "0x%08x did not decode, expected %s", x, want->name);
        return false;
    }
    expect_fields(want, x, &exp);
    if (strcmp(decoded.name, exp.name) != 0 || decoded.rd != exp.rd || decoded.rs1 != exp.rs1
        || decoded.rs2 != exp.rs2 || decoded.rs3 != exp.rs3 || decoded.imm != exp.imm
        || decoded.rm != exp.rm || decoded.shamt != exp.shamt || decoded.csr != exp.csr
        || decoded.aq != exp.aq || decoded.rl != exp.rl || decoded.fm != exp.fm
        || decoded.pred != exp.pred || decoded.succ != exp.succ) {
        unittest_fail(__FILE__, __LINE__,
                      "0x%08x: got %s rd=%d rs1=%d rs2=%d imm=%d shamt=%d; "
                      "expected %s rd=%d rs1=%d rs2=%d imm=%d shamt=%d", x,
                      decoded.name, decoded.rd, decoded.rs1, decoded.rs2, decoded.imm,
                      decoded.shamt, exp.name, exp.rd, exp.rs1, exp.rs2, exp.imm, exp.shamt);
        return false;
    }
    return true;
}

UNITTEST(insn32_every_pattern)
{
    size_t n = sizeof(rows32) / sizeof(rows32[0]);

    for (size_t i = 0; i < n; i++) {
        int hits = 0;

        for (int k = 0; k < 300; k++) {
            uint32_t x = (rand32() & ~rows32[i].mask) | rows32[i].match;

            if (!check_word(rows32, n, x, false)) {
                break;
            }
            hits += first_match(rows32, n, x) == &rows32[i];
        }
        /* Each row must be reachable, or the table has a shadowed row. */
        if (hits == 0) {
            unittest_fail(__FILE__, __LINE__, "row %s never chosen", rows32[i].name);
        }
    }
}

UNITTEST(insn32_random_words)
{
    size_t n = sizeof(rows32) / sizeof(rows32[0]);
    int failures = 0;

    for (int k = 0; k < 300000 && failures < 10; k++) {
        uint32_t x = rand32() | 3;      /* 32-bit words end in 11 */

        failures += !check_word(rows32, n, x, false);
    }
}

UNITTEST(insn16_every_word)
{
    size_t n = sizeof(rows16) / sizeof(rows16[0]);
    int failures = 0;

    for (uint32_t x = 0; x < 0x10000 && failures < 10; x++) {
        if ((x & 3) != 3) {
            failures += !check_word(rows16, n, x, true);
        }
    }
}

UNITTEST(reserved_encodings)
{
    /* From the spec's tables, spelled out (the sweep above covers them too). */
    static const uint16_t c_reserved[] = {
        0x0000,     /* illegal instruction */
        0x001c,     /* c.addi4spn rd'=x15, nzuimm=0 */
        0x2001,     /* c.addiw x0 */
        0x6101,     /* c.addi16sp 0 */
        0x6501,     /* c.lui a0,0 */
        0x4002,     /* c.lwsp x0 */
        0x7002,     /* c.ldsp x0 (imm nonzero) */
        0x8002,     /* c.jr x0 */
        0x8000,     /* quadrant 0 funct3=100 */
        0x9c41,     /* c.subw neighbours funct2=10, 11 */
        0x9c61,
    };
    static const uint32_t reserved32[] = {
        0x00000000, 0xffffffff,
        0x0000707f, /* no major opcode 1111111 */
        0x02000073, /* SYSTEM funct3=000 with a bad funct7 */
        0x4200503b, /* sraw's opcode and funct3 with funct7 0100001 */
        0x04c5f553, /* fadd with fmt=10 (H, not implemented) */
        0x1010252f, /* lr.w with rs2 != 0 */
        0x0000200f, /* MISC-MEM funct3=010 */
        0x30200074, /* mret with a 16-bit-looking low half: not a 32-bit word */
    };

    for (size_t i = 0; i < sizeof(c_reserved) / sizeof(c_reserved[0]); i++) {
        fields_clear(&decoded);
        if (dtest_decode_insn16(NULL, c_reserved[i])) {
            unittest_fail(__FILE__, __LINE__, "0x%04x decoded as %s", c_reserved[i],
                          decoded.name);
        }
    }
    for (size_t i = 0; i < sizeof(reserved32) / sizeof(reserved32[0]); i++) {
        fields_clear(&decoded);
        if (dtest_decode_insn32(NULL, reserved32[i])) {
            unittest_fail(__FILE__, __LINE__, "0x%08x decoded as %s", reserved32[i],
                          decoded.name);
        }
    }
}
