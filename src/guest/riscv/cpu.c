/*
 * The RISC-V hart as a QOM device: the abstract TYPE_RISCV_CPU and its
 * models "rv64" (RV64GC with Zba/Zbb/Zbc/Zbs, Zicond, Zicsr, Zifencei,
 * Zihintpause, Zicntr, Sstc: what the virt board runs Linux on) and "max"
 * (everything we implement), their properties (hartid, resetvec), reset per
 * Privileged ISA 3.4, the MMU index rule, and the -d cpu register dump.
 * The trap machinery is in cpu_helper.c, address translation in mmu.c.
 */
#include "guest/riscv/cpu.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/property.h"
#include "exec/exec.h"
#include "guest/riscv/csr.h"
#include "guest/riscv/pmp.h"
#include "util/log.h"
#include "util/parse.h"

/* The JIT's speed depends on this phase (cpu.h, RISCV_GPR_PHASE). */
_Static_assert(offsetof(RiscvCpu, gpr) % 128 == RISCV_GPR_PHASE,
               "gpr must stay at RISCV_GPR_PHASE modulo 128 from env");

const char *const riscv_gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *const riscv_fpr_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
    "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
    "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* ---- reset and state queries ---- */

void riscv_cpu_reset(RiscvCpu *cpu)
{
    /* Everything from gpr[] up to the identity block is architectural state
     * the spec leaves UNSPECIFIED at reset except where noted: clear it. */
    memset(cpu->gpr, 0, sizeof(cpu->gpr));
    memset(cpu->fpr, 0, sizeof(cpu->fpr));
    cpu->fflags = 0;
    cpu->frm = 0;
    cpu->load_res = UINT64_MAX;
    cpu->load_val = 0;

    /* 3.4: privilege M, pc = reset vector, mstatus.MIE = MPRV = 0, misa at
     * its widest, mcause = 0 (we report "no specific cause"). */
    cpu->priv = PRV_M;
    cpu->pc = cpu->resetvec;
    /* SXL = UXL = 64 (fixed), FS Off until software enables the FPU
     * (OpenSBI and Linux set FS themselves), MPP = U (the least-privileged
     * supported mode is a legal WARL value). */
    cpu->mstatus = MSTATUS_SXL_64 | MSTATUS_UXL_64;
    cpu->medeleg = 0;
    cpu->mideleg = 0;
    cpu->mie = 0;
    atomic_store(&cpu->mip, 0);
    cpu->mtvec = 0;
    cpu->mscratch = 0;
    cpu->mepc = 0;
    cpu->mcause = 0;
    cpu->mtval = 0;
    cpu->mcounteren = 0;
    cpu->mcountinhibit = 0;
    cpu->menvcfg = 0;
    cpu->mseccfg = 0;
    cpu->stvec = 0;
    cpu->sscratch = 0;
    cpu->sepc = 0;
    cpu->scause = 0;
    cpu->stval = 0;
    cpu->satp = 0;
    cpu->scounteren = 0;
    cpu->senvcfg = 0;
    cpu->stimecmp = UINT64_MAX;
    cpu->mcycle_base = 0;
    cpu->minstret_base = 0;
    /* 3.7.1: PMP entries' A and L fields are zero at reset. */
    memset(cpu->pmpcfg, 0, sizeof(cpu->pmpcfg));
    memset(cpu->pmpaddr, 0, sizeof(cpu->pmpaddr));
    riscv_pmp_cache_clear(cpu);
    cpu->trap_tval = 0;
    cpu->parent.exception_index = EXCP_NONE;
    atomic_store(&cpu->parent.halted, 0);
    riscv_cpu_sync_tb_flags(cpu);
}

unsigned riscv_cpu_mmu_index(const RiscvCpu *cpu, bool ifetch)
{
    unsigned priv = cpu->priv;

    /* 3.1.6.3: MPRV makes M-mode loads and stores use MPP's privilege. */
    if (!ifetch && priv == PRV_M && (cpu->mstatus & MSTATUS_MPRV)) {
        priv = (unsigned)((cpu->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    }
    switch (priv) {
    case PRV_U:
        return RISCV_MMU_IDX_U;
    case PRV_S:
        /* 4.1.1.2: SUM lets S-mode touch U pages (never for fetch). */
        return !ifetch && (cpu->mstatus & MSTATUS_SUM) ? RISCV_MMU_IDX_S_SUM
                                                        : RISCV_MMU_IDX_S;
    default:
        return RISCV_MMU_IDX_M;
    }
}

size_t riscv_cpu_isa_string(const RiscvCpu *cpu, char *buf, size_t size)
{
    /* Single letters in canonical order, then multi-letter extensions by
     * category (Zi*, then Zb*, in the single letters' order) and
     * alphabetically within one, then S extensions. */
    static const char letters[] = "iemafdqcbvh";
    const struct {
        const char *name;
        size_t offset;
    } multi[] = {
#define RV_CFG(field, name) { name, offsetof(RiscvCpuConfig, field) }
        RV_CFG(ext_zicntr, "zicntr"), RV_CFG(ext_zicond, "zicond"),
        RV_CFG(ext_zicsr, "zicsr"), RV_CFG(ext_zifencei, "zifencei"),
        RV_CFG(ext_zihintpause, "zihintpause"), RV_CFG(ext_zba, "zba"),
        RV_CFG(ext_zbb, "zbb"), RV_CFG(ext_zbc, "zbc"), RV_CFG(ext_zbs, "zbs"),
        RV_CFG(ext_sstc, "sstc"),
#undef RV_CFG
    };
    char tmp[256];
    size_t n = (size_t)snprintf(tmp, sizeof(tmp), "rv64");

    for (const char *l = letters; *l; l++) {
        if (cpu->misa & RV_EXT(*l - 'a' + 'A')) {
            tmp[n++] = *l;
        }
    }
    for (size_t i = 0; i < sizeof(multi) / sizeof(multi[0]); i++) {
        if (*(const bool *)((const char *)&cpu->cfg + multi[i].offset)) {
            n += (size_t)snprintf(tmp + n, sizeof(tmp) - n, "_%s", multi[i].name);
        }
    }
    tmp[n] = 0;
    return (size_t)snprintf(buf, size, "%s", tmp);
}

void riscv_cpu_dump_state(CpuState *cs, FILE *out)
{
    RiscvCpu *cpu = riscv_cpu(cs);
    static const char prv_name[4] = { 'U', 'S', '?', 'M' };

    fprintf(out, " pc       %016" PRIx64 "  priv %c\n", cpu->pc, prv_name[cpu->priv & 3]);
    fprintf(out, " mhartid  %016" PRIx64 "\n", cpu->mhartid);
    fprintf(out, " mstatus  %016" PRIx64 "\n", cpu->mstatus);
    fprintf(out, " mip      %016" PRIx64 "  mie      %016" PRIx64 "\n",
            (uint64_t)(atomic_load(&cpu->mip) & MIP_VISIBLE), cpu->mie);
    fprintf(out, " mideleg  %016" PRIx64 "  medeleg  %016" PRIx64 "\n", cpu->mideleg,
            cpu->medeleg);
    fprintf(out, " mtvec    %016" PRIx64 "  stvec    %016" PRIx64 "\n", cpu->mtvec,
            cpu->stvec);
    fprintf(out, " mepc     %016" PRIx64 "  sepc     %016" PRIx64 "\n", cpu->mepc, cpu->sepc);
    fprintf(out, " mcause   %016" PRIx64 "  scause   %016" PRIx64 "\n", cpu->mcause,
            cpu->scause);
    fprintf(out, " mtval    %016" PRIx64 "  stval    %016" PRIx64 "\n", cpu->mtval,
            cpu->stval);
    fprintf(out, " satp     %016" PRIx64 "\n", cpu->satp);
    for (int i = 0; i < 32; i++) {
        fprintf(out, " x%-2d/%-4s %016" PRIx64 "%s", i, riscv_gpr_names[i], cpu->gpr[i],
                (i & 3) == 3 ? "\n" : " ");
    }
    if (cpu->mstatus & MSTATUS_FS) {
        for (int i = 0; i < 32; i++) {
            fprintf(out, " f%-2d/%-4s %016" PRIx64 "%s", i, riscv_fpr_names[i], cpu->fpr[i],
                    (i & 3) == 3 ? "\n" : " ");
        }
        fprintf(out, " fflags %02x frm %u\n", cpu->fflags, cpu->frm);
    }
}

/* ---- QOM ---- */

static bool riscv_hart_realize(DeviceState *dev, Error **errp)
{
    RiscvHart *hart = RISCV_HART(dev);

    if (!riscv_cpu_check_features(&hart->cpu, errp)) {
        return false;
    }
    riscv_cpu_sync_tb_flags(&hart->cpu);
    hart->cpu.mvendorid = RISCV_MVENDORID;
    hart->cpu.marchid = RISCV_MARCHID;
    hart->cpu.mimpid = RISCV_MIMPID;
    hart->cpu.parent.cpu_index = (int)hart->cpu.mhartid;
    riscv_cpu_reset(&hart->cpu);
    if (!cpu_exec_realize(&hart->cpu.parent, &riscv_cpu_ops, hart->as, errp)) {
        return false;
    }
    /* The interrupt inputs, GPIO n = mip bit n (csr.h, riscv_hart_gpio_set). */
    device_init_gpio_in(dev, riscv_hart_gpio_set, IRQ_LOCAL_COUNT);
    return true;
}

static void riscv_hart_unrealize(DeviceState *dev)
{
    cpu_exec_unrealize(&RISCV_HART(dev)->cpu.parent);
}

void riscv_hart_set_address_space(RiscvHart *hart, AddressSpace *as)
{
    assert(!DEVICE(hart)->realized);
    hart->as = as;
}

static void riscv_hart_reset(DeviceState *dev)
{
    RiscvHart *hart = RISCV_HART(dev);

    riscv_cpu_reset(&hart->cpu);
    /* Translations of the old privilege and satp must not survive; the
     * vCPU is stopped during a reset, it applies this when it runs again. */
    if (dev->realized) {
        tlb_flush_async(&hart->cpu.parent, (1u << RISCV_MMU_IDX_COUNT) - 1);
    }
}

/* ---- extensions as properties: -cpu rv64,c=off,zba=on (QEMU's names) ---- */

typedef struct RiscvFeature {
    const char *name;
    uint64_t misa_bit;          /* a single-letter extension, or 0 */
    size_t cfg_offset;          /* else its bool in RiscvCpuConfig */
    const char *desc;
} RiscvFeature;

#define RV_CFG(field) 0, offsetof(RiscvCpuConfig, field)
static const RiscvFeature riscv_features[] = {
    { "m", RVM, 0, "integer multiplication and division" },
    { "a", RVA, 0, "atomic instructions" },
    { "f", RVF, 0, "single-precision floating point" },
    { "d", RVD, 0, "double-precision floating point (needs f)" },
    { "c", RVC, 0, "compressed instructions" },
    { "s", RVS, 0, "supervisor mode (needs u)" },
    { "u", RVU, 0, "user mode" },
    { "zba", RV_CFG(ext_zba), "address generation" },
    { "zbb", RV_CFG(ext_zbb), "basic bit manipulation" },
    { "zbc", RV_CFG(ext_zbc), "carry-less multiplication" },
    { "zbs", RV_CFG(ext_zbs), "single-bit instructions" },
    { "zicond", RV_CFG(ext_zicond), "integer conditional operations" },
    { "zicsr", RV_CFG(ext_zicsr), "CSR instructions (f, d and s need it)" },
    { "zifencei", RV_CFG(ext_zifencei), "fence.i" },
    { "zihintpause", RV_CFG(ext_zihintpause), "pause hint" },
    { "zicntr", RV_CFG(ext_zicntr), "cycle, time and instret counters" },
    { "sstc", RV_CFG(ext_sstc), "supervisor timer compare (stimecmp)" },
};
#undef RV_CFG

static const RiscvFeature *riscv_feature_find(const char *name)
{
    for (size_t i = 0; i < sizeof(riscv_features) / sizeof(riscv_features[0]); i++) {
        if (strcmp(riscv_features[i].name, name) == 0) {
            return &riscv_features[i];
        }
    }
    return NULL;
}

static bool *riscv_feature_flag(RiscvCpu *cpu, const RiscvFeature *f)
{
    return (bool *)((char *)&cpu->cfg + f->cfg_offset);
}

bool riscv_cpu_set_feature(RiscvCpu *cpu, const char *name, bool on, Error **errp)
{
    const RiscvFeature *f = riscv_feature_find(name);
    if (!f) {
        error_setg(errp, "CPU has no extension property '%s'", name);
        return false;
    }
    if (f->misa_bit) {
        cpu->misa = on ? cpu->misa | f->misa_bit : cpu->misa & ~f->misa_bit;
    } else {
        *riscv_feature_flag(cpu, f) = on;
    }
    return true;
}

bool riscv_cpu_parse_features(RiscvCpu *cpu, const char *list, Error **errp)
{
    char *copy = strdup(list), *save = NULL;
    assert(copy);
    bool ok = true;
    for (char *item = strtok_r(copy, ",", &save); ok && item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        bool on = true;
        if (eq) {
            *eq = '\0';
        }
        if (!riscv_feature_find(item)) {
            error_setg(errp, "CPU has no extension property '%s'", item);
            ok = false;
            break;
        }
        if (eq) {
            if (!parse_bool(eq + 1, &on)) {
                error_setg(errp, "CPU property '%s' takes on or off, not '%s'", item, eq + 1);
                ok = false;
                break;
            }
        }
        ok = riscv_cpu_set_feature(cpu, item, on, errp);
    }
    free(copy);
    return ok && riscv_cpu_check_features(cpu, errp);
}

bool riscv_cpu_check_features(const RiscvCpu *cpu, Error **errp)
{
    uint64_t misa = cpu->misa;
    if ((misa & RVD) && !(misa & RVF)) {
        error_setg(errp, "D extension requires F extension");
        return false;
    }
    if ((misa & RVS) && !(misa & RVU)) {
        error_setg(errp, "S extension requires U extension");
        return false;
    }
    if ((misa & (RVF | RVS)) && !cpu->cfg.ext_zicsr) {
        error_setg(errp, "%s extension requires Zicsr", (misa & RVF) ? "F" : "S");
        return false;
    }
    return true;
}

static bool riscv_feature_get(Object *obj, ObjectProperty *prop, PropValue *out, Error **errp)
{
    const RiscvFeature *f = prop->opaque;
    RiscvCpu *cpu = &RISCV_HART(obj)->cpu;
    out->b = f->misa_bit ? (cpu->misa & f->misa_bit) != 0 : *riscv_feature_flag(cpu, f);
    return true;
}

static bool riscv_feature_set(Object *obj, ObjectProperty *prop, const PropValue *in,
                              Error **errp)
{
    const RiscvFeature *f = prop->opaque;
    return riscv_cpu_set_feature(&RISCV_HART(obj)->cpu, f->name, in->b, errp);
}

/* The model's extensions, which the properties (and -global) then change. */
static void riscv_hart_instance_init(Object *obj)
{
    RiscvHart *hart = RISCV_HART(obj);
    const RiscvHartClass *hc = RISCV_HART_GET_CLASS(obj);
    hart->cpu.misa = hc->misa;
    hart->cpu.cfg = hc->cfg;
}

static const Property riscv_hart_props[] = {
    DEFINE_PROP_UINT64("hartid", RiscvHart, cpu.mhartid, 0, "the hart's mhartid"),
    DEFINE_PROP_UINT64("resetvec", RiscvHart, cpu.resetvec, 0x1000,
                       "pc at reset (the virt board's boot ROM)"),
    DEFINE_PROP_END_OF_LIST(),
};

static void riscv_hart_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = riscv_hart_realize;
    dc->unrealize = riscv_hart_unrealize;
    dc->reset = riscv_hart_reset;
    dc->desc = "RISC-V hart";
    device_class_set_category(dc, DEVICE_CATEGORY_CPU);
    device_class_set_props(dc, riscv_hart_props);
    for (size_t i = 0; i < sizeof(riscv_features) / sizeof(riscv_features[0]); i++) {
        const RiscvFeature *f = &riscv_features[i];
        ObjectProperty *p = object_class_property_add(oc, f->name, PROP_KIND_BOOL, "bool",
                                                      riscv_feature_get, riscv_feature_set,
                                                      NULL, (void *)f);
        object_property_set_description(p, f->desc);
    }
}

static const uint64_t riscv_misa_rv64gc =
    MISA_MXL_RV64 | RVI | RVM | RVA | RVF | RVD | RVC | RVS | RVU;

static void riscv_rv64_class_init(ObjectClass *oc, const void *data)
{
    RiscvHartClass *hc = RISCV_HART_CLASS(oc);

    DEVICE_CLASS(oc)->desc = "RV64GC + Zba/Zbb/Zbc/Zbs/Zicond/Zicsr/Zifencei/"
                             "Zihintpause/Zicntr/Sstc";
    hc->misa = riscv_misa_rv64gc;
    hc->cfg = (RiscvCpuConfig){
        .ext_zba = true, .ext_zbb = true, .ext_zbc = true, .ext_zbs = true,
        .ext_zicond = true, .ext_zicsr = true, .ext_zifencei = true,
        .ext_zihintpause = true, .ext_zicntr = true, .ext_sstc = true,
    };
}

static void riscv_max_class_init(ObjectClass *oc, const void *data)
{
    riscv_rv64_class_init(oc, data);
    DEVICE_CLASS(oc)->desc = "every extension Morpho implements";
}

static const TypeInfo riscv_hart_types[] = {
    {
        .name = TYPE_RISCV_CPU,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(RiscvHart),
        .abstract = true,
        .instance_init = riscv_hart_instance_init,
        .class_size = sizeof(RiscvHartClass),
        .class_init = riscv_hart_class_init,
    },
    {
        .name = TYPE_RISCV_CPU_RV64,
        .parent = TYPE_RISCV_CPU,
        .class_init = riscv_rv64_class_init,
    },
    {
        .name = TYPE_RISCV_CPU_MAX,
        .parent = TYPE_RISCV_CPU,
        .class_init = riscv_max_class_init,
    },
};

static void riscv_hart_register_types(void)
{
    type_register_static_array(riscv_hart_types, 3);
}

type_init(riscv_hart_register_types)
