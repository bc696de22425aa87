/*
 * RISC-V disassembler: the generated disas_decode_insn32/16 decoders (from
 * the same .decode specs as the translator) call one formatter per argument
 * set, disas_fmt_<set>(ctx, "<pattern>", a); the formatter turns the pattern
 * name into the mnemonic (underscores become dots: fence_i -> fence.i) and
 * picks the operand syntax from the instruction class.  See disas.h for the
 * output conventions.  Formatters never fail: every decoded encoding prints.
 */
#include "guest/riscv/disas.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "guest/riscv/decode_fields.h"

struct DisasContext {
    uint64_t pc;
    char *out;
    size_t outsize;
};

/* The generated decoders: arg_ structs, disas_decode_insn32/16 and the
 * disas_<pattern> functions that call the formatters below. */
#include "guest/riscv/disas-insn32.c.inc"
#include "guest/riscv/disas-insn16.c.inc"

static const char *const disas_gpr[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const disas_fpr[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
    "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
    "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* Rounding modes, Unprivileged ISA 11.2 table 11.1; 5 and 6 are reserved. */
static const char *const disas_rm[8] = {
    "rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn",
};

/* CSRs a -d in_asm reader meets most (Privileged ISA 2.2, table 2.2-2.5). */
static const struct {
    uint16_t num;
    const char *name;
} disas_csrs[] = {
    { 0x001, "fflags" }, { 0x002, "frm" }, { 0x003, "fcsr" },
    { 0xc00, "cycle" }, { 0xc01, "time" }, { 0xc02, "instret" },
    { 0x100, "sstatus" }, { 0x104, "sie" }, { 0x105, "stvec" },
    { 0x106, "scounteren" }, { 0x10a, "senvcfg" },
    { 0x140, "sscratch" }, { 0x141, "sepc" }, { 0x142, "scause" },
    { 0x143, "stval" }, { 0x144, "sip" }, { 0x14d, "stimecmp" }, { 0x180, "satp" },
    { 0x300, "mstatus" }, { 0x301, "misa" }, { 0x302, "medeleg" },
    { 0x303, "mideleg" }, { 0x304, "mie" }, { 0x305, "mtvec" },
    { 0x306, "mcounteren" }, { 0x30a, "menvcfg" }, { 0x320, "mcountinhibit" },
    { 0x340, "mscratch" }, { 0x341, "mepc" }, { 0x342, "mcause" },
    { 0x343, "mtval" }, { 0x344, "mip" },
    { 0x3a0, "pmpcfg0" }, { 0x3a2, "pmpcfg2" }, { 0x3b0, "pmpaddr0" },
    { 0x3b1, "pmpaddr1" }, { 0x3b2, "pmpaddr2" }, { 0x3b3, "pmpaddr3" },
    { 0xb00, "mcycle" }, { 0xb02, "minstret" },
    { 0xf11, "mvendorid" }, { 0xf12, "marchid" }, { 0xf13, "mimpid" },
    { 0xf14, "mhartid" },
};

static void disas_printf(DisasContext *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void disas_printf(DisasContext *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ctx->out, ctx->outsize, fmt, ap);
    va_end(ap);
}

/* "fcvt_w_s" -> "fcvt.w.s". */
static const char *disas_mnemonic(const char *name, char *buf, size_t size)
{
    size_t i;

    for (i = 0; name[i] && i + 1 < size; i++) {
        buf[i] = name[i] == '_' ? '.' : name[i];
    }
    buf[i] = '\0';
    return buf;
}

static bool disas_starts(const char *name, const char *prefix)
{
    return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* Instructions whose destination (or, for is_fp_src, source) is an FPR. */
static bool disas_fp_dest(const char *name)
{
    return name[0] == 'f' && !disas_starts(name, "fence") && !disas_starts(name, "feq")
        && !disas_starts(name, "flt") && !disas_starts(name, "fle")
        && !disas_starts(name, "fclass") && !disas_starts(name, "fmv_x")
        && !disas_starts(name, "fcvt_w") && !disas_starts(name, "fcvt_l");
}

static bool disas_fp_src(const char *name)
{
    return name[0] == 'f' && !disas_starts(name, "fence") && !disas_starts(name, "fmv_w_x")
        && !disas_starts(name, "fmv_d_x") && !disas_starts(name, "fcvt_s_w")
        && !disas_starts(name, "fcvt_s_l") && !disas_starts(name, "fcvt_d_w")
        && !disas_starts(name, "fcvt_d_l");
}

static const char *disas_csr_name(int csr, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof(disas_csrs) / sizeof(disas_csrs[0]); i++) {
        if (disas_csrs[i].num == csr) {
            return disas_csrs[i].name;
        }
    }
    snprintf(buf, size, "0x%x", csr);
    return buf;
}

static bool disas_fmt_empty(DisasContext *ctx, const char *name, arg_empty *a)
{
    char m[32];

    disas_printf(ctx, "%s", disas_mnemonic(name, m, sizeof(m)));
    return true;
}

static bool disas_fmt_r(DisasContext *ctx, const char *name, arg_r *a)
{
    char m[32];
    const char *const *d = disas_fp_dest(name) ? disas_fpr : disas_gpr;
    const char *const *s = disas_fp_src(name) ? disas_fpr : disas_gpr;

    disas_printf(ctx, "%s\t%s,%s,%s", disas_mnemonic(name, m, sizeof(m)),
                 d[a->rd], s[a->rs1], s[a->rs2]);
    return true;
}

static bool disas_fmt_r2(DisasContext *ctx, const char *name, arg_r2 *a)
{
    char m[32];
    const char *const *d = disas_fp_dest(name) ? disas_fpr : disas_gpr;
    const char *const *s = disas_fp_src(name) ? disas_fpr : disas_gpr;

    disas_printf(ctx, "%s\t%s,%s", disas_mnemonic(name, m, sizeof(m)), d[a->rd], s[a->rs1]);
    return true;
}

static bool disas_fmt_r2_rm(DisasContext *ctx, const char *name, arg_r2_rm *a)
{
    char m[32];
    const char *const *d = disas_fp_dest(name) ? disas_fpr : disas_gpr;
    const char *const *s = disas_fp_src(name) ? disas_fpr : disas_gpr;
    /* Widening conversions are exact: like objdump, say nothing of rne. */
    bool exact = !strcmp(name, "fcvt_d_w") || !strcmp(name, "fcvt_d_wu")
                 || !strcmp(name, "fcvt_d_s");
    bool show_rm = a->rm != 7 && !(exact && a->rm == 0);

    disas_printf(ctx, "%s\t%s,%s%s%s", disas_mnemonic(name, m, sizeof(m)), d[a->rd],
                 s[a->rs1], show_rm ? "," : "", show_rm ? disas_rm[a->rm] : "");
    return true;
}

static bool disas_fmt_r_rm(DisasContext *ctx, const char *name, arg_r_rm *a)
{
    char m[32];

    disas_printf(ctx, "%s\t%s,%s,%s%s%s", disas_mnemonic(name, m, sizeof(m)),
                 disas_fpr[a->rd], disas_fpr[a->rs1], disas_fpr[a->rs2],
                 a->rm == 7 ? "" : ",", a->rm == 7 ? "" : disas_rm[a->rm]);
    return true;
}

static bool disas_fmt_r4_rm(DisasContext *ctx, const char *name, arg_r4_rm *a)
{
    char m[32];

    disas_printf(ctx, "%s\t%s,%s,%s,%s%s%s", disas_mnemonic(name, m, sizeof(m)),
                 disas_fpr[a->rd], disas_fpr[a->rs1], disas_fpr[a->rs2], disas_fpr[a->rs3],
                 a->rm == 7 ? "" : ",", a->rm == 7 ? "" : disas_rm[a->rm]);
    return true;
}

static bool disas_fmt_i(DisasContext *ctx, const char *name, arg_i *a)
{
    char m[32];

    disas_mnemonic(name, m, sizeof(m));
    if (name[0] == 'l' || disas_starts(name, "jalr")) {           /* lb..ld, jalr */
        disas_printf(ctx, "%s\t%s,%d(%s)", m, disas_gpr[a->rd], a->imm, disas_gpr[a->rs1]);
    } else if (name[0] == 'f') {                                 /* flw, fld */
        disas_printf(ctx, "%s\t%s,%d(%s)", m, disas_fpr[a->rd], a->imm, disas_gpr[a->rs1]);
    } else {
        disas_printf(ctx, "%s\t%s,%s,%d", m, disas_gpr[a->rd], disas_gpr[a->rs1], a->imm);
    }
    return true;
}

static bool disas_fmt_s(DisasContext *ctx, const char *name, arg_s *a)
{
    char m[32];
    const char *const *s = name[0] == 'f' ? disas_fpr : disas_gpr;

    disas_printf(ctx, "%s\t%s,%d(%s)", disas_mnemonic(name, m, sizeof(m)), s[a->rs2], a->imm,
                 disas_gpr[a->rs1]);
    return true;
}

static bool disas_fmt_b(DisasContext *ctx, const char *name, arg_b *a)
{
    char m[32];

    disas_printf(ctx, "%s\t%s,%s,0x%" PRIx64, disas_mnemonic(name, m, sizeof(m)),
                 disas_gpr[a->rs1], disas_gpr[a->rs2], ctx->pc + (int64_t)a->imm);
    return true;
}

static bool disas_fmt_j(DisasContext *ctx, const char *name, arg_j *a)
{
    char m[32];

    disas_printf(ctx, "%s\t%s,0x%" PRIx64, disas_mnemonic(name, m, sizeof(m)),
                 disas_gpr[a->rd], ctx->pc + (int64_t)a->imm);
    return true;
}

static bool disas_fmt_u(DisasContext *ctx, const char *name, arg_u *a)
{
    char m[32];

    /* The immediate is decoded pre-shifted; objdump shows the 20-bit field. */
    disas_printf(ctx, "%s\t%s,0x%x", disas_mnemonic(name, m, sizeof(m)), disas_gpr[a->rd],
                 ((uint32_t)a->imm >> 12) & 0xfffff);
    return true;
}

static bool disas_fmt_shift(DisasContext *ctx, const char *name, arg_shift *a)
{
    char m[32];

    disas_printf(ctx, "%s\t%s,%s,0x%x", disas_mnemonic(name, m, sizeof(m)), disas_gpr[a->rd],
                 disas_gpr[a->rs1], a->shamt);
    return true;
}

static bool disas_fmt_csr(DisasContext *ctx, const char *name, arg_csr *a)
{
    char m[32], buf[16];
    const char *csr = disas_csr_name(a->csr, buf, sizeof(buf));

    disas_mnemonic(name, m, sizeof(m));
    if (name[strlen(name) - 1] == 'i') {                         /* rs1 is a uimm */
        disas_printf(ctx, "%s\t%s,%s,%d", m, disas_gpr[a->rd], csr, a->rs1);
    } else {
        disas_printf(ctx, "%s\t%s,%s,%s", m, disas_gpr[a->rd], csr, disas_gpr[a->rs1]);
    }
    return true;
}

static bool disas_fmt_atomic(DisasContext *ctx, const char *name, arg_atomic *a)
{
    static const char *const order[4] = { "", ".rl", ".aq", ".aqrl" };
    char m[32];

    disas_mnemonic(name, m, sizeof(m));
    if (disas_starts(name, "lr")) {
        disas_printf(ctx, "%s%s\t%s,(%s)", m, order[a->aq * 2 + a->rl], disas_gpr[a->rd],
                     disas_gpr[a->rs1]);
    } else {
        disas_printf(ctx, "%s%s\t%s,%s,(%s)", m, order[a->aq * 2 + a->rl], disas_gpr[a->rd],
                     disas_gpr[a->rs2], disas_gpr[a->rs1]);
    }
    return true;
}

/* FENCE's pred/succ sets: bits I, O, R, W from 3 down to 0 (2.7). */
static void disas_fence_set(int set, char *buf)
{
    char *p = buf;

    for (int i = 3; i >= 0; i--) {
        if (set & (1 << i)) {
            *p++ = "wroi"[i];
        }
    }
    if (p == buf) {
        *p++ = '0';
    }
    *p = '\0';
}

static bool disas_fmt_fence(DisasContext *ctx, const char *name, arg_fence *a)
{
    char pred[8], succ[8];

    if (a->fm == 8 && a->pred == 3 && a->succ == 3) {
        disas_printf(ctx, "fence.tso");
        return true;
    }
    disas_fence_set(a->pred, pred);
    disas_fence_set(a->succ, succ);
    disas_printf(ctx, "fence\t%s,%s", pred, succ);
    return true;
}

static bool disas_fmt_sfence_vma(DisasContext *ctx, const char *name, arg_sfence_vma *a)
{
    disas_printf(ctx, "sfence.vma\t%s,%s", disas_gpr[a->rs1], disas_gpr[a->rs2]);
    return true;
}

size_t riscv_disas(uint64_t pc, const uint8_t *bytes, size_t avail,
                   char *out, size_t outsize)
{
    DisasContext ctx = { .pc = pc, .out = out, .outsize = outsize };
    uint32_t insn;
    char scratch[1];

    if (outsize == 0) {
        /* Still decode, for the length; print into a throwaway buffer. */
        ctx.out = scratch;
        ctx.outsize = sizeof(scratch);
    }
    if (avail < 2) {
        disas_printf(&ctx, "(truncated)");
        return 0;
    }
    insn = bytes[0] | (uint32_t)bytes[1] << 8;
    if ((insn & 3) != 3) {
        if (insn == 0) {
            disas_printf(&ctx, "unimp");
        } else if (!disas_decode_insn16(&ctx, (uint16_t)insn)) {
            disas_printf(&ctx, ".insn\t0x%04" PRIx32, insn);
        }
        return 2;
    }
    if (avail < 4) {
        disas_printf(&ctx, "(truncated)");
        return 0;
    }
    insn |= (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
    if (!disas_decode_insn32(&ctx, insn)) {
        disas_printf(&ctx, ".insn\t0x%08" PRIx32, insn);
    }
    return 4;
}
