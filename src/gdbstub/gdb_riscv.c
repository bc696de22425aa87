/*
 * RISC-V 64 for the gdbstub: the target description gdb reads through
 * qXfer:features:read (features org.gnu.gdb.riscv.cpu, .fpu, .csr and
 * .virtual, with the register names gdb's riscv-tdep checks), and register
 * access by number:
 *   0-31 x0-x31, 32 pc, 33-64 f0-f31, 65 fflags, 66 frm, 67 fcsr,
 *   68.. the CSRs of riscv_gdb_csrs[], then priv (the privilege level).
 * Writes to x0 are ignored; CSR writes store the field as is (no WARL
 * masking): a debugger's write is trusted, as in QEMU's gdbstub for most
 * CSRs.
 * NOTE: this belongs with the guest (guest/riscv/, "gdb registers" in
 * ARCHITECTURE.md) once that room has a slot for it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/gdbstub_internal.h"
#include "guest/riscv/cpu.h"
#include "guest/riscv/fpu_helper.h"

#define RV_GDB_PC 32
#define RV_GDB_F0 33
#define RV_GDB_FFLAGS 65
#define RV_GDB_FRM 66
#define RV_GDB_FCSR 67
#define RV_GDB_CSR0 68

typedef struct RiscvGdbCsr {
    const char *name;
    size_t offset;
    unsigned size;          /* of the field in RiscvCpu: 4 or 8 */
} RiscvGdbCsr;

#define CSR(name, size) { #name, offsetof(RiscvCpu, name), size }
static const RiscvGdbCsr riscv_gdb_csrs[] = {
    CSR(mstatus, 8), CSR(misa, 8), CSR(medeleg, 8), CSR(mideleg, 8), CSR(mie, 8),
    CSR(mtvec, 8), CSR(mscratch, 8), CSR(mepc, 8), CSR(mcause, 8), CSR(mtval, 8),
    CSR(mip, 8), CSR(mhartid, 8), CSR(stvec, 8), CSR(sscratch, 8), CSR(sepc, 8),
    CSR(scause, 8), CSR(stval, 8), CSR(satp, 8),
};
#undef CSR
#define RV_GDB_NCSRS ((int)(sizeof(riscv_gdb_csrs) / sizeof(riscv_gdb_csrs[0])))
#define RV_GDB_PRIV (RV_GDB_CSR0 + RV_GDB_NCSRS)

static const char *const riscv_gdb_fpr_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static const char *const riscv_gdb_gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0",
    "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
    "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static char *riscv_gdb_xml;

static void riscv_gdb_build_xml(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f) {
        abort();
    }
    fputs("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
          "<target version=\"1.0\">\n<architecture>riscv:rv64</architecture>\n"
          "<feature name=\"org.gnu.gdb.riscv.cpu\">\n", f);
    for (int i = 0; i < 32; i++) {
        const char *type = i == 1 ? "code_ptr" : (i == 2 || i == 3 || i == 4 || i == 8)
                                                     ? "data_ptr" : "int";
        fprintf(f, "  <reg name=\"%s\" bitsize=\"64\" type=\"%s\" regnum=\"%d\"/>\n",
                riscv_gdb_gpr_names[i], type, i);
    }
    fprintf(f, "  <reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"%d\"/>\n",
            RV_GDB_PC);
    fputs("</feature>\n<feature name=\"org.gnu.gdb.riscv.fpu\">\n", f);
    for (int i = 0; i < 32; i++) {
        fprintf(f, "  <reg name=\"%s\" bitsize=\"64\" type=\"ieee_double\" regnum=\"%d\"/>\n",
                riscv_gdb_fpr_names[i], RV_GDB_F0 + i);
    }
    fprintf(f, "  <reg name=\"fflags\" bitsize=\"32\" type=\"int\" regnum=\"%d\"/>\n"
               "  <reg name=\"frm\" bitsize=\"32\" type=\"int\" regnum=\"%d\"/>\n"
               "  <reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"%d\"/>\n",
            RV_GDB_FFLAGS, RV_GDB_FRM, RV_GDB_FCSR);
    fputs("</feature>\n<feature name=\"org.gnu.gdb.riscv.csr\">\n", f);
    for (int i = 0; i < RV_GDB_NCSRS; i++) {
        fprintf(f, "  <reg name=\"%s\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n",
                riscv_gdb_csrs[i].name, RV_GDB_CSR0 + i);
    }
    fprintf(f, "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
               "  <reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n"
               "</feature>\n</target>\n", RV_GDB_PRIV);
    fclose(f);
    riscv_gdb_xml = buf;
}

static void put_le(uint8_t *buf, uint64_t v, int size)
{
    for (int i = 0; i < size; i++) {
        buf[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t get_le(const uint8_t *buf, int size)
{
    uint64_t v = 0;

    for (int i = size - 1; i >= 0; i--) {
        v = v << 8 | buf[i];
    }
    return v;
}

static int riscv_gdb_read_reg(CpuState *cs, int n, uint8_t *buf)
{
    RiscvCpu *cpu = riscv_cpu(cs);

    if (n >= 0 && n < 32) {
        put_le(buf, cpu->gpr[n], 8);
        return 8;
    }
    if (n == RV_GDB_PC) {
        put_le(buf, cpu->pc, 8);
        return 8;
    }
    if (n >= RV_GDB_F0 && n < RV_GDB_F0 + 32) {
        put_le(buf, cpu->fpr[n - RV_GDB_F0], 8);
        return 8;
    }
    if (n == RV_GDB_FFLAGS) {
        put_le(buf, cpu->fflags, 4);
        return 4;
    }
    if (n == RV_GDB_FRM) {
        put_le(buf, cpu->frm, 4);
        return 4;
    }
    if (n == RV_GDB_FCSR) {
        put_le(buf, cpu->frm << 5 | cpu->fflags, 4);
        return 4;
    }
    if (n >= RV_GDB_CSR0 && n < RV_GDB_PRIV) {
        const RiscvGdbCsr *c = &riscv_gdb_csrs[n - RV_GDB_CSR0];
        const uint8_t *field = (const uint8_t *)cpu + c->offset;
        uint64_t v = 0;

        if (c->size == 8) {
            memcpy(&v, field, 8);
        } else {
            uint32_t w;
            memcpy(&w, field, 4);
            v = w;
        }
        put_le(buf, v, 8);
        return 8;
    }
    if (n == RV_GDB_PRIV) {
        put_le(buf, cpu->priv, 8);
        return 8;
    }
    return 0;
}

static int riscv_gdb_write_reg(CpuState *cs, int n, const uint8_t *buf)
{
    RiscvCpu *cpu = riscv_cpu(cs);

    if (n >= 0 && n < 32) {
        if (n) {
            cpu->gpr[n] = get_le(buf, 8);
        }
        return 8;
    }
    if (n == RV_GDB_PC) {
        cpu->pc = get_le(buf, 8);
        return 8;
    }
    if (n >= RV_GDB_F0 && n < RV_GDB_F0 + 32) {
        cpu->fpr[n - RV_GDB_F0] = get_le(buf, 8);
        return 8;
    }
    if (n == RV_GDB_FFLAGS) {
        riscv_fp_set_fcsr(cpu, (uint32_t)get_le(buf, 4), cpu->frm);
        return 4;
    }
    if (n == RV_GDB_FRM) {
        riscv_fp_set_fcsr(cpu, cpu->fflags, (uint32_t)get_le(buf, 4));
        return 4;
    }
    if (n == RV_GDB_FCSR) {
        uint32_t v = (uint32_t)get_le(buf, 4);
        riscv_fp_set_fcsr(cpu, v, v >> 5);
        return 4;
    }
    if (n >= RV_GDB_CSR0 && n < RV_GDB_PRIV) {
        const RiscvGdbCsr *c = &riscv_gdb_csrs[n - RV_GDB_CSR0];
        uint8_t *field = (uint8_t *)cpu + c->offset;
        uint64_t v = get_le(buf, 8);

        if (c->size == 8) {
            memcpy(field, &v, 8);
        } else {
            uint32_t w = (uint32_t)v;
            memcpy(field, &w, 4);
        }
        riscv_cpu_sync_tb_flags(cpu);   /* mstatus, misa */
        return 8;
    }
    if (n == RV_GDB_PRIV) {
        uint64_t v = get_le(buf, 8);
        if (v == PRV_U || v == PRV_S || v == PRV_M) {
            cpu->priv = (uint32_t)v;
            riscv_cpu_sync_tb_flags(cpu);
        }
        return 8;
    }
    return 0;
}

static GdbArch riscv_gdb_arch = {
    .g_packet_regs = 33,
    .read_reg = riscv_gdb_read_reg,
    .write_reg = riscv_gdb_write_reg,
};

const GdbArch *gdb_arch_of(CpuState *cpu)
{
    if (cpu->ops != &riscv_cpu_ops) {
        return NULL;
    }
    if (!riscv_gdb_xml) {
        riscv_gdb_build_xml();
        riscv_gdb_arch.target_xml = riscv_gdb_xml;
    }
    return &riscv_gdb_arch;
}
