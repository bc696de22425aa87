/*
 * What the gdbstub needs from a guest architecture: its target description
 * (target.xml) and register access by gdb register number.  One GdbArch per
 * guest (gdb_riscv.c for now).  Register accessors run on the main thread
 * while the vCPU is stopped.
 */
#ifndef GDBSTUB_GDBSTUB_INTERNAL_H
#define GDBSTUB_GDBSTUB_INTERNAL_H

#include <stdint.h>

#include "exec/cpu.h"

typedef struct GdbArch {
    const char *target_xml;
    int g_packet_regs;      /* registers 0..n-1 make up the 'g' packet */
    /* Copy register n (little-endian) into buf; returns its size in bytes,
     * 0 for a register that does not exist. */
    int (*read_reg)(CpuState *cpu, int n, uint8_t *buf);
    /* Set register n from buf; returns the size consumed, 0 if none. */
    int (*write_reg)(CpuState *cpu, int n, const uint8_t *buf);
} GdbArch;

/* The architecture of cpu, or NULL when the gdbstub does not know it. */
const GdbArch *gdb_arch_of(CpuState *cpu);

#endif
