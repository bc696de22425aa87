/*
 * The RISC-V hart device: QOM types and properties, reset state per
 * Privileged ISA 3.4, the MMU index rule (MPRV, SUM) and TB flag packing.
 */
#include "guest/riscv/cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/property.h"
#include "guest/riscv/translate.h"
#include "util/unittest.h"

UNITTEST(types_and_properties)
{
    CHECK(object_class_by_name(TYPE_RISCV_CPU) != NULL);
    CHECK(object_class_is_abstract(object_class_by_name(TYPE_RISCV_CPU)));
    ObjectClass *max = object_class_by_name(TYPE_RISCV_CPU_MAX);
    CHECK(object_class_dynamic_cast(max, TYPE_RISCV_CPU) != NULL);

    Object *obj = object_new(RISCV_CPU_DEFAULT_TYPE);
    RiscvHart *hart = RISCV_HART(obj);
    MemoryRegion root;
    Error *err = NULL;

    CHECK(object_property_set_uint(obj, "hartid", 3, &error_abort));
    CHECK(object_property_set_uint(obj, "resetvec", 0x80000000, &error_abort));
    /* System mode needs memory. */
    CHECK(!device_realize(DEVICE(obj), &err));
    CHECK(err != NULL);
    error_free(err);
    memory_region_init(&root, NULL, "system", MEMORY_SIZE_ALL);
    AddressSpace *as = address_space_create(&root, "cpu-test");
    riscv_hart_set_address_space(hart, as);
    CHECK(device_realize(DEVICE(obj), &error_abort));
    CHECK_U64(hart->cpu.mhartid, 3);
    CHECK_U64(hart->cpu.pc, 0x80000000);
    CHECK_INT(hart->cpu.priv, PRV_M);
    CHECK_U64(hart->cpu.misa, MISA_MXL_RV64 | RVI | RVM | RVA | RVF | RVD | RVC | RVS | RVU);
    CHECK(hart->cpu.cfg.ext_zba && hart->cpu.cfg.ext_zicond && hart->cpu.cfg.ext_sstc);
    CHECK_U64(hart->cpu.mstatus & (MSTATUS_MIE | MSTATUS_MPRV), 0);
    CHECK_U64(hart->cpu.mstatus & (MSTATUS_SXL | MSTATUS_UXL),
              MSTATUS_SXL_64 | MSTATUS_UXL_64);
    CHECK_U64(hart->cpu.mcause, 0);

    /* Reset brings back the reset state, not the state before. */
    hart->cpu.gpr[5] = 42;
    hart->cpu.priv = PRV_U;
    hart->cpu.pc = 0x1234;
    device_reset(DEVICE(obj));
    CHECK_U64(hart->cpu.gpr[5], 0);
    CHECK_INT(hart->cpu.priv, PRV_M);
    CHECK_U64(hart->cpu.pc, 0x80000000);
    CHECK(riscv_hart_of(&hart->cpu.parent) == hart);
    CHECK_INT(hart->cpu.parent.cpu_index, 3);
    device_unrealize(DEVICE(obj));
    object_unref(obj);
    address_space_destroy(as);
    memory_region_destroy(&root);
}

UNITTEST(mmu_index)
{
    RiscvCpu cpu = { 0 };

    cpu.priv = PRV_M;
    CHECK_INT(riscv_cpu_mmu_index(&cpu, false), RISCV_MMU_IDX_M);
    cpu.mstatus = MSTATUS_MPRV | ((uint64_t)PRV_S << MSTATUS_MPP_SHIFT) | MSTATUS_SUM;
    CHECK_INT(riscv_cpu_mmu_index(&cpu, false), RISCV_MMU_IDX_S_SUM);
    CHECK_INT(riscv_cpu_mmu_index(&cpu, true), RISCV_MMU_IDX_M);
    cpu.priv = PRV_S;
    cpu.mstatus = MSTATUS_SUM;
    CHECK_INT(riscv_cpu_mmu_index(&cpu, false), RISCV_MMU_IDX_S_SUM);
    CHECK_INT(riscv_cpu_mmu_index(&cpu, true), RISCV_MMU_IDX_S);
    cpu.priv = PRV_U;
    CHECK_INT(riscv_cpu_mmu_index(&cpu, false), RISCV_MMU_IDX_U);
}

UNITTEST(tb_flags)
{
    RiscvCpu cpu = { 0 };

    cpu.priv = PRV_S;
    cpu.misa = RVC;
    cpu.mstatus = (uint64_t)EXT_STATUS_DIRTY << MSTATUS_FS_SHIFT | MSTATUS_TSR;
    uint32_t f = riscv_tb_flags(&cpu);
    CHECK_INT((f & TB_FLAGS_PRIV_MASK) >> TB_FLAGS_PRIV_SHIFT, PRV_S);
    CHECK_INT((f & TB_FLAGS_MMU_MASK) >> TB_FLAGS_MMU_SHIFT, RISCV_MMU_IDX_S);
    CHECK_INT((f & TB_FLAGS_FS_MASK) >> TB_FLAGS_FS_SHIFT, EXT_STATUS_DIRTY);
    CHECK(f & TB_FLAGS_MISA_C);
    CHECK(f & TB_FLAGS_TSR);
    CHECK(!(f & TB_FLAGS_TW));
}

UNITTEST(isa_string)
{
    RiscvHartClass *hc = RISCV_HART_CLASS(object_class_by_name(TYPE_RISCV_CPU_RV64));
    RiscvCpu cpu = { .misa = hc->misa, .cfg = hc->cfg };
    char buf[128];

    CHECK_INT(riscv_cpu_isa_string(&cpu, buf, sizeof(buf)), strlen(buf));
    CHECK_STR(buf, "rv64imafdc_zicntr_zicond_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
    cpu.misa &= ~(RVF | RVD);
    cpu.cfg = (RiscvCpuConfig){ .ext_zicsr = true };
    riscv_cpu_isa_string(&cpu, buf, sizeof(buf));
    CHECK_STR(buf, "rv64imac_zicsr");
    /* Truncation is safe and reports the length needed. */
    CHECK_INT(riscv_cpu_isa_string(&cpu, buf, 6), 14);
    CHECK_STR(buf, "rv64i");
}

UNITTEST(dump_state)
{
    RiscvCpu cpu = { 0 };
    char *text = NULL;
    size_t len = 0;

    cpu.pc = 0x80001234;
    cpu.priv = PRV_S;
    cpu.gpr[10] = 0xdeadbeef;
    FILE *f = open_memstream(&text, &len);
    riscv_cpu_dump_state(&cpu.parent, f);
    fclose(f);
    CHECK(strstr(text, " pc       0000000080001234  priv S") != NULL);
    CHECK(strstr(text, "x10/a0   00000000deadbeef") != NULL);
    CHECK(strstr(text, "ft0") == NULL);         /* FS is Off: no FP registers */
    free(text);

    cpu.mstatus = (uint64_t)EXT_STATUS_DIRTY << MSTATUS_FS_SHIFT;
    cpu.fpr[31] = 0xffffffff3f800000ull;
    f = open_memstream(&text, &len);
    riscv_cpu_dump_state(&cpu.parent, f);
    fclose(f);
    CHECK(strstr(text, "f31/ft11 ffffffff3f800000") != NULL);
    free(text);
}

/* -cpu MODEL,EXT=on|off: QEMU's extension names, a bare name is on, and
 * the rules between extensions; the hart's properties are the same table. */
UNITTEST(extension_features)
{
    RiscvHartClass *hc = RISCV_HART_CLASS(object_class_by_name(TYPE_RISCV_CPU_RV64));
    RiscvCpu cpu = { .misa = hc->misa, .cfg = hc->cfg };
    Error *err = NULL;

    CHECK(riscv_cpu_parse_features(&cpu, "c=off,zba=false,m=on,zicond", &err));
    CHECK(!(cpu.misa & RVC));
    CHECK(cpu.misa & RVM);
    CHECK(!cpu.cfg.ext_zba);
    CHECK(cpu.cfg.ext_zicond);
    CHECK(riscv_cpu_parse_features(&cpu, "c", &err));
    CHECK(cpu.misa & RVC);

    static const struct {
        const char *list, *error;
    } bad[] = {
        { "q=on", "CPU has no extension property 'q'" },
        { "c=maybe", "CPU property 'c' takes on or off, not 'maybe'" },
        { "f=off", "D extension requires F extension" },
        { "u=off", "S extension requires U extension" },
        { "zicsr=off", "F extension requires Zicsr" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        RiscvCpu c = { .misa = hc->misa, .cfg = hc->cfg };
        CHECK(!riscv_cpu_parse_features(&c, bad[i].list, &err));
        CHECK_STR(error_get_pretty(err), bad[i].error);
        error_free(err);
        err = NULL;
    }

    /* the same names as properties of a hart (what -global and -cpu set) */
    Object *hart = object_new(TYPE_RISCV_CPU_RV64);
    CHECK(object_property_parse(hart, "c", "off", &error_abort));
    CHECK(object_property_parse(hart, "zbb", "off", &error_abort));
    CHECK(!(RISCV_HART(hart)->cpu.misa & RVC));
    CHECK(!RISCV_HART(hart)->cpu.cfg.ext_zbb);
    CHECK(RISCV_HART(hart)->cpu.cfg.ext_zbc);
    CHECK(!object_property_parse(hart, "nope", "on", &err));
    error_free(err);
    object_unref(hart);
}
