/*
 * Physical memory protection (Privileged ISA 1.12, 3.7): 16 entries,
 * OFF/TOR/NA4/NAPOT with a 4-byte granule, the lock bit, priority by lowest
 * index.  The CSR accessors legalise writes (locked entries ignore them; the
 * reserved R=0 W=1 combination reads back with W cleared) and flush the
 * soft TLB; the checks serve the MMU (mmu.c) for every physical access,
 * page-table walks included.
 *
 * Rule (3.7.1): the lowest-numbered entry that matches any byte of an
 * access decides it; an access only partly inside that entry fails.  A
 * matching entry applies to S and U always and to M only when locked.  No
 * match: M is allowed; S and U are denied if any entry is active (A != OFF),
 * allowed otherwise (QEMU's reading for a hart whose entries are all off).
 *
 * Threads: the hart's vCPU thread.
 */
#ifndef GUEST_RISCV_PMP_H
#define GUEST_RISCV_PMP_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/softmmu.h"
#include "guest/riscv/cpu.h"

/* pmpcfg<n> (n even, 0..14) and pmpaddr<i> (0..15). */
uint64_t riscv_pmp_read_cfg(RiscvCpu *cpu, unsigned n);
void riscv_pmp_write_cfg(RiscvCpu *cpu, unsigned n, uint64_t val);
uint64_t riscv_pmp_read_addr(RiscvCpu *cpu, unsigned i);
void riscv_pmp_write_addr(RiscvCpu *cpu, unsigned i, uint64_t val);

/* May an access of size bytes at addr of this type be made at privilege
 * priv (PRV_*)? */
bool riscv_pmp_allows(RiscvCpu *cpu, GuestPaddr addr, unsigned size, MmuAccessType access,
                      unsigned priv);
/* The PAGE_* rights of priv over the whole 4 KiB page at page (aligned);
 * *uniform is false when some entry covers only part of the page, and the
 * rights then hold for no access beyond the one checked with
 * riscv_pmp_allows. */
int riscv_pmp_page_prot(RiscvCpu *cpu, GuestPaddr page, unsigned priv, bool *uniform);
/* Forget the cached per-page decisions: after anything changes pmpcfg or
 * pmpaddr other than the CSR accessors above (which call it), e.g. reset. */
void riscv_pmp_cache_clear(RiscvCpu *cpu);

#endif
