#!/usr/bin/env bash
# Runs two external RISC-V conformance suites against Morpho the way such a
# suite runs programs:
#     morpho-system-riscv64 -M virt -bios none -kernel TEST.elf -nographic
# with the verdict coming back through the virt board's test finisher
# (0x100000: 0x5555 pass, (code << 16) | 0x3333 fail).  Not part of
# `make check`: it needs checkouts of the suites, which it never fetches.
#
#   run-external.sh MORPHO RISCV_TESTS_DIR ARCH_TEST_DIR [BACKEND...]
#
#   MORPHO           path to morpho-system-riscv64
#   RISCV_TESTS_DIR  a checkout of riscv-software-src/riscv-tests
#                    (its env/ submodule is not needed: we bring our own)
#   ARCH_TEST_DIR    a checkout of riscv-non-isa/riscv-arch-test.  Versions
#                    up to 2021 ship reference signatures (the commit before
#                    21958f11 "removing references"); with them signatures
#                    are compared to the references, otherwise to
#                    qemu-system-riscv64's when it is installed (run with
#                    h=false: the trap handler records more per trap when
#                    misa.H is set, and Morpho has no H).
#   BACKEND          tcg backends to run under (default: interp jit)
#
# Needs Debian's gcc-riscv64-linux-gnu.  Builds and runs in a temp dir, prints
# one line per failure and a pass/fail count per suite and backend; exits 1
# when anything failed.  Differences that the specs allow are listed, not
# hidden: Morpho performs misaligned loads and stores, as QEMU 7.2 does
# (checked with ld/lw/lh/sd/sw at odd addresses under -bios none), where the
# reference model traps, so arch-test's privilege/misalign-{l,s}* signatures
# differ by design (Unprivileged ISA 20191213, 2.6).  Against QEMU 7.2:
# B/ctzw (QEMU returns 63-n for inputs whose low word is 0; Bitmanip 1.0 says
# 32), pmp64-CFG-reg (QEMU keeps pmpcfg bits 6:5, which are reserved WARL 0)
# and privilege/ecall, ebreak, C/cebreak (the test's stores after the trap
# run under Morpho and under the Sail references of older versions).
set -u
if [ $# -lt 3 ]; then
    sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 2
fi
# not realpath: morpho dispatches on the name of its link
morpho=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rt=$(realpath "$2") at=$(realpath "$3")
shift 3
backends=${*:-interp jit}
cc=riscv64-linux-gnu-gcc
command -v $cc >/dev/null || { echo "run-external: needs $cc (apt-get install gcc-riscv64-linux-gnu)" >&2; exit 2; }
qemu=$(command -v qemu-system-riscv64 || true)
work=$(mktemp -d /tmp/morpho-conf.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0

# ---- our environments: written here, not taken from the suites ----------------
mkdir -p "$work/penv" "$work/aenv" "$work/rt" "$work/at"
if [ -f "$rt/env/encoding.h" ]; then
    cp "$rt/env/encoding.h" "$work/penv/"
else
    cp "$at/riscv-test-suite/env/encoding.h" "$work/penv/"
fi

# riscv-tests "p" environment: M-mode start, PMP open, traps to trap_vector;
# an ecall reports the result (gp == 1 pass, else gp = (test << 1) | 1).
cat > "$work/penv/riscv_test.h" <<'EOF'
#ifndef MORPHO_RISCV_TEST_H
#define MORPHO_RISCV_TEST_H
#include "encoding.h"
#define TESTNUM gp
#define RVTEST_RV64U .macro init; .endm
#define RVTEST_RV64UF .macro init; li a0, MSTATUS_FS & (MSTATUS_FS >> 1); csrs mstatus, a0; csrwi fcsr, 0; .endm
#define RVTEST_RV64M .macro init; li a0, MSTATUS_MPP; csrs mstatus, a0; .endm
#define RVTEST_RV64S .macro init; li a0, MSTATUS_MPP & (MSTATUS_MPP >> 1); csrs mstatus, a0; \
                     li a0, SIP_SSIP | SIP_STIP; csrs mideleg, a0; .endm
#define RVTEST_CODE_BEGIN \
  .section .text.init; .align 6; .weak stvec_handler; .weak mtvec_handler; .globl _start; \
_start: j reset_vector; \
  .align 2; \
trap_vector: \
  csrr t5, mcause; \
  li t6, CAUSE_USER_ECALL; beq t5, t6, report; \
  li t6, CAUSE_SUPERVISOR_ECALL; beq t5, t6, report; \
  li t6, CAUSE_MACHINE_ECALL; beq t5, t6, report; \
  la t5, mtvec_handler; beqz t5, 1f; jr t5; \
1: ori TESTNUM, TESTNUM, 1337; \
report: \
  li t5, 0x100000; li t6, 1; bne TESTNUM, t6, 2f; \
  li t6, 0x5555; sw t6, 0(t5); 3: j 3b; \
2: li t4, 0x3333; srli t6, TESTNUM, 1; slli t6, t6, 16; or t6, t6, t4; sw t6, 0(t5); j 3b; \
reset_vector: \
  csrr a0, mhartid; 4: bnez a0, 4b; \
  la t0, 1f; csrw mtvec, t0; csrwi satp, 0; .align 2; 1: \
  la t0, 1f; csrw mtvec, t0; li t0, -1; csrw pmpaddr0, t0; \
  li t0, PMP_NAPOT | PMP_R | PMP_W | PMP_X; csrw pmpcfg0, t0; .align 2; 1: \
  csrwi mie, 0; la t0, 1f; csrw mtvec, t0; csrwi medeleg, 0; csrwi mideleg, 0; .align 2; 1: \
  li TESTNUM, 0; la t0, trap_vector; csrw mtvec, t0; \
  la t0, stvec_handler; beqz t0, 1f; csrw stvec, t0; \
  li t0, (1 << CAUSE_LOAD_PAGE_FAULT) | (1 << CAUSE_STORE_PAGE_FAULT) | \
         (1 << CAUSE_FETCH_PAGE_FAULT) | (1 << CAUSE_MISALIGNED_FETCH) | \
         (1 << CAUSE_USER_ECALL) | (1 << CAUSE_BREAKPOINT); \
  csrw medeleg, t0; \
1: csrwi mstatus, 0; init; \
  la t0, 1f; csrw mepc, t0; csrr a0, mhartid; mret; \
1:
#define RVTEST_CODE_END unimp
#define RVTEST_PASS fence; li TESTNUM, 1; li a7, 93; li a0, 0; ecall
#define RVTEST_FAIL fence; 1: beqz TESTNUM, 1b; sll TESTNUM, TESTNUM, 1; \
                    or TESTNUM, TESTNUM, 1; li a7, 93; addi a0, TESTNUM, 0; ecall
#define EXTRA_DATA
#define RVTEST_DATA_BEGIN EXTRA_DATA .align 4; .global begin_signature; begin_signature:
#define RVTEST_DATA_END .align 4; .global end_signature; end_signature:
#endif
EOF

# arch-test model: the signature goes out over the UART (16550 at
# 0x10000000), one 32-bit word a line in hex, then the finisher.
cat > "$work/aenv/model_test.h" <<'EOF'
#ifndef MORPHO_MODEL_TEST_H
#define MORPHO_MODEL_TEST_H
#define RVMODEL_DATA_SECTION
#define RVMODEL_BOOT
#define RVMODEL_HALT \
  la a0, begin_signature; la a1, end_signature; li a2, 0x10000000; \
7: bgeu a0, a1, 9f; lw a3, 0(a0); li a4, 28; \
8: srlw a5, a3, a4; andi a5, a5, 15; li a6, 10; blt a5, a6, 6f; addi a5, a5, 39; \
6: addi a5, a5, 48; sb a5, 0(a2); addi a4, a4, -4; bgez a4, 8b; \
  li a5, 10; sb a5, 0(a2); addi a0, a0, 4; j 7b; \
9: li a0, 0x100000; li a1, 0x5555; sw a1, 0(a0); 5: j 5b;
#define RVMODEL_DATA_BEGIN RVMODEL_DATA_SECTION .align 4; .global begin_signature; begin_signature:
#define RVMODEL_DATA_END .align 4; .global end_signature; end_signature:
#define RVMODEL_IO_INIT
#define RVMODEL_IO_WRITE_STR(_R, _STR)
#define RVMODEL_IO_CHECK()
#define RVMODEL_IO_ASSERT_GPR_EQ(_S, _R, _I)
#define RVMODEL_IO_ASSERT_SFPR_EQ(_F, _R, _I)
#define RVMODEL_IO_ASSERT_DFPR_EQ(_D, _R, _I)
#define RVMODEL_SET_MSW_INT
#define RVMODEL_CLEAR_MSW_INT
#define RVMODEL_CLEAR_MTIMER_INT
#define RVMODEL_CLEAR_MEXT_INT
#endif
EOF

cat > "$work/link.ld" <<'EOF'
OUTPUT_ARCH("riscv")
ENTRY(_start)
SECTIONS
{
  . = 0x80000000;
  .text.init : { *(.text.init) }
  . = ALIGN(0x1000);
  .tohost : { *(.tohost) }
  . = ALIGN(0x1000);
  .text : { *(.text) }
  . = ALIGN(0x1000);
  .data : { *(.data) *(.data.string) }
  .bss : { *(.bss) }
  _end = .;
}
EOF
sed 's/ENTRY(_start)/ENTRY(rvtest_entry_point)/' "$work/link.ld" > "$work/aenv/link.ld"

cflags=(-static -mcmodel=medany -fvisibility=hidden -nostdlib -nostartfiles -fno-pic -no-pie
        -Wl,--build-id=none)

run_morpho() {      # ELF BACKEND: stdout = guest's UART, status = finisher's
    timeout -k 2 20 "$morpho" -M virt -bios none -nographic -accel "tcg,backend=$2" \
        -kernel "$1" </dev/null 2>/dev/null
}

# ---- riscv-tests: self-checking, physical-memory env ---------------------------
rt_suites="ui um ua uf ud uc mi si uzba uzbb uzbc uzbs"
for s in $rt_suites; do
    for f in "$rt"/isa/rv64$s/*.S; do
        [ -f "$f" ] || continue
        n=rv64$s-p-$(basename "$f" .S)
        $cc -march=rv64gc_zba_zbb_zbc_zbs_zicsr_zifencei -mabi=lp64d "${cflags[@]}" \
            -I"$work/penv" -I"$rt/isa/macros/scalar" -T"$work/link.ld" \
            -o "$work/rt/$n" "$f" 2>/dev/null || echo "riscv-tests: cannot build $n"
    done
done
for b in $backends; do
    pass=0 fail=0
    for e in "$work"/rt/*; do
        if run_morpho "$e" "$b" >/dev/null; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1)); status=1
            echo "riscv-tests/$b: FAIL $(basename "$e")"
        fi
    done
    echo "riscv-tests/$b: $pass passed, $fail failed"
done

# ---- riscv-arch-test: signatures ------------------------------------------------
march_of() {
    case $1 in
    I) echo rv64i_zicsr ;;            M) echo rv64im_zicsr ;;
    C) echo rv64ic_zicsr ;;           A) echo rv64ia_zicsr ;;
    F) echo "rv64if_zicsr -DFLEN=32" ;; D) echo "rv64ifd_zicsr -DFLEN=64" ;;
    B) echo rv64i_zba_zbb_zbc_zbs_zicsr ;;
    Zifencei) echo rv64i_zicsr_zifencei ;;
    privilege|pmp64) echo rv64i_zicsr ;;
    esac
}
suite=$at/riscv-test-suite/rv64i_m
for d in I M C A F D B Zifencei privilege pmp64; do
    [ -d "$suite/$d/src" ] || continue
    read -r march flen <<<"$(march_of $d)"
    for f in "$suite/$d"/src/*.S; do
        n=$d-$(basename "$f" .S)
        extra=()
        grep -q "rvtest_mtrap_routine=True" "$f" && extra+=(-Drvtest_mtrap_routine=True)
        grep -q "rvtest_strap_routine=True" "$f" && extra+=(-Drvtest_strap_routine=True)
        $cc -march="$march" -mabi=lp64 "${cflags[@]}" ${flen:+"$flen"} -DXLEN=64 -DTEST_CASE_1=True \
            "${extra[@]}" -I"$work/aenv" -I"$at/riscv-test-suite/env" -T"$work/aenv/link.ld" \
            -o "$work/at/$n.elf" "$f" 2>/dev/null || echo "arch-test: cannot build $n (extension the toolchain lacks?)"
    done
done
sig() { tr -d '\r' | grep -E '^[0-9a-f]{8}$'; }
if [ -n "$qemu" ]; then
    for e in "$work"/at/*.elf; do
        timeout -k 2 20 "$qemu" -M virt -cpu rv64,h=false -bios none -nographic -kernel "$e" \
            </dev/null 2>/dev/null \
            | sig > "${e%.elf}.qemu"
    done
fi
for b in $backends; do
    pass=0 fail=0 noref=0
    for e in "$work"/at/*.elf; do
        n=$(basename "$e" .elf) d=${n%%-*} t=${n#*-}
        run_morpho "$e" "$b" | sig > "${e%.elf}.$b"
        ref=$suite/$d/references/$t.reference_output
        if [ -f "$ref" ]; then
            tr -d '\r' < "$ref" > "${e%.elf}.ref"; against=reference
        elif [ -n "$qemu" ]; then
            cp "${e%.elf}.qemu" "${e%.elf}.ref"; against=qemu
        else
            noref=$((noref + 1)); continue
        fi
        if [ -s "${e%.elf}.$b" ] && cmp -s "${e%.elf}.ref" "${e%.elf}.$b"; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1)); status=1
            echo "arch-test/$b: FAIL $n (signature differs from $against)"
        fi
    done
    echo "arch-test/$b: $pass passed, $fail failed, $noref without a reference"
done
exit $status
