/*
 * RISC-V architectural constants: privilege levels, misa letters, the bits
 * of mstatus/sstatus, mip/mie, satp, menvcfg and pmpcfg, the exception and
 * interrupt cause numbers.  Plain numbers from the specs, no state: the
 * RiscvCpu (cpu.h), the CSR table, the trap code and the tests all read them.
 * Numbers follow the Privileged ISA 20211203 (chapter 3 for M-mode CSRs,
 * 4 for S-mode, table 3.6 for cause codes) and the Sstc 1.0 spec.
 */
#ifndef GUEST_RISCV_CPU_BITS_H
#define GUEST_RISCV_CPU_BITS_H

/* ---- privilege levels (Privileged 1.2) ---- */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* ---- misa (3.1.1): MXL in bits 63:62, one bit per letter ---- */
#define MISA_MXL_SHIFT 62
#define MISA_MXL_RV64 (2ull << MISA_MXL_SHIFT)
#define RV_EXT(letter) (1ull << ((letter) - 'A'))
#define RVA RV_EXT('A')
#define RVC RV_EXT('C')
#define RVD RV_EXT('D')
#define RVF RV_EXT('F')
#define RVI RV_EXT('I')
#define RVM RV_EXT('M')
#define RVS RV_EXT('S')
#define RVU RV_EXT('U')

/* ---- mstatus / sstatus (3.1.6, 4.1.1) ---- */
#define MSTATUS_SIE (1ull << 1)
#define MSTATUS_MIE (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_UBE (1ull << 6)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP (1ull << 8)
#define MSTATUS_VS (3ull << 9)
#define MSTATUS_MPP (3ull << 11)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_FS (3ull << 13)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_XS (3ull << 15)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM (1ull << 18)
#define MSTATUS_MXR (1ull << 19)
#define MSTATUS_TVM (1ull << 20)
#define MSTATUS_TW (1ull << 21)
#define MSTATUS_TSR (1ull << 22)
#define MSTATUS_UXL (3ull << 32)
#define MSTATUS_SXL (3ull << 34)
#define MSTATUS_SBE (1ull << 36)
#define MSTATUS_MBE (1ull << 37)
#define MSTATUS_SD (1ull << 63)
#define MSTATUS_UXL_64 (2ull << 32)
#define MSTATUS_SXL_64 (2ull << 34)

/* FS/VS/XS field values (3.1.6.6) */
#define EXT_STATUS_OFF 0
#define EXT_STATUS_INITIAL 1
#define EXT_STATUS_CLEAN 2
#define EXT_STATUS_DIRTY 3

/* The mstatus bits visible through sstatus. */
#define SSTATUS_MASK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | \
                      MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | \
                      MSTATUS_SD)

/* ---- interrupts: numbers (mip/mie bit positions, mcause without bit 63) ---- */
#define IRQ_S_SOFT 1
#define IRQ_M_SOFT 3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11
#define IRQ_LOCAL_COUNT 16

#define MIP_SSIP (1ull << IRQ_S_SOFT)
#define MIP_MSIP (1ull << IRQ_M_SOFT)
#define MIP_STIP (1ull << IRQ_S_TIMER)
#define MIP_MTIP (1ull << IRQ_M_TIMER)
#define MIP_SEIP (1ull << IRQ_S_EXT)
#define MIP_MEIP (1ull << IRQ_M_EXT)
#define MIP_S_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_M_MASK (MIP_MSIP | MIP_MTIP | MIP_MEIP)
/* 3.1.9: mip.SEIP reads as the OR of a software-writable bit and the
 * interrupt controller's line.  RiscvCpu.mip keeps both sources in bits no
 * mip bit uses (mie can never enable them) beside the effective SEIP;
 * every guest-visible read masks them off (MIP_VISIBLE). */
#define MIP_SEIP_SOFTWARE (1ull << 62)
#define MIP_SEIP_LINE (1ull << 63)
#define MIP_VISIBLE (~(MIP_SEIP_SOFTWARE | MIP_SEIP_LINE))

/* mcause/scause: bit 63 set for interrupts. */
#define RISCV_CAUSE_INTERRUPT (1ull << 63)

/* ---- exception causes (table 3.6) ---- */
#define RISCV_EXCP_INST_ADDR_MIS 0
#define RISCV_EXCP_INST_ACCESS_FAULT 1
#define RISCV_EXCP_ILLEGAL_INST 2
#define RISCV_EXCP_BREAKPOINT 3
#define RISCV_EXCP_LOAD_ADDR_MIS 4
#define RISCV_EXCP_LOAD_ACCESS_FAULT 5
#define RISCV_EXCP_STORE_AMO_ADDR_MIS 6
#define RISCV_EXCP_STORE_AMO_ACCESS_FAULT 7
#define RISCV_EXCP_U_ECALL 8
#define RISCV_EXCP_S_ECALL 9
#define RISCV_EXCP_M_ECALL 11
#define RISCV_EXCP_INST_PAGE_FAULT 12
#define RISCV_EXCP_LOAD_PAGE_FAULT 13
#define RISCV_EXCP_STORE_PAGE_FAULT 15
#define RISCV_EXCP_COUNT 16

/* ---- satp (4.1.11) ---- */
#define SATP_MODE_SHIFT 60
#define SATP_MODE (0xfull << SATP_MODE_SHIFT)
#define SATP_ASID_SHIFT 44
#define SATP_ASID (0xffffull << SATP_ASID_SHIFT)
#define SATP_PPN ((1ull << 44) - 1)
#define SATP_MODE_BARE 0
#define SATP_MODE_SV39 8
#define SATP_MODE_SV48 9
#define SATP_MODE_SV57 10

/* ---- menvcfg / senvcfg (3.1.18, 4.1.4) ---- */
#define MENVCFG_FIOM (1ull << 0)
#define MENVCFG_CBIE (3ull << 4)
#define MENVCFG_CBCFE (1ull << 6)
#define MENVCFG_CBZE (1ull << 7)
#define MENVCFG_PBMTE (1ull << 62)
#define MENVCFG_STCE (1ull << 63)

/* ---- counters: mcounteren/scounteren/mcountinhibit bits ---- */
#define COUNTEREN_CY (1u << 0)
#define COUNTEREN_TM (1u << 1)
#define COUNTEREN_IR (1u << 2)

/* ---- PMP (3.7): pmpcfg byte fields ---- */
#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_A 0x18
#define PMP_A_SHIFT 3
#define PMP_A_OFF 0
#define PMP_A_TOR 1
#define PMP_A_NA4 2
#define PMP_A_NAPOT 3
#define PMP_L 0x80
#define PMP_ENTRIES 16

/* ---- fcsr (F chapter 11.2) ---- */
#define FFLAGS_NX 0x01
#define FFLAGS_UF 0x02
#define FFLAGS_OF 0x04
#define FFLAGS_DZ 0x08
#define FFLAGS_NV 0x10
#define FFLAGS_MASK 0x1f
#define RISCV_FRM_RNE 0
#define RISCV_FRM_RTZ 1
#define RISCV_FRM_RDN 2
#define RISCV_FRM_RUP 3
#define RISCV_FRM_RMM 4
#define RISCV_FRM_DYN 7

/* ---- vendor/arch ids (3.1.2-3.1.4): 0 means "not implemented" ---- */
#define RISCV_MVENDORID 0
#define RISCV_MARCHID 0
#define RISCV_MIMPID 0

#endif
