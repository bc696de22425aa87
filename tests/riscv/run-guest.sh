#!/usr/bin/env bash
# Runs one bare-metal RISC-V guest test the way the conformance suite runs
# programs: morpho-system-riscv64 -M virt -bios none -kernel TEST.elf
# -nographic, under the backend given, with a time limit.  Passes when the
# guest exits 0 through the test finisher.
#   run-guest.sh MORPHO TEST.elf BACKEND
set -u
morpho=$1 elf=$2 backend=$3
timeout --foreground -k 5 60 "$morpho" -M virt -bios none -nographic \
    -accel "tcg,backend=$backend" -kernel "$elf" </dev/null
status=$?
[ $status -eq 124 ] && echo "run-guest: timed out after 60 s" >&2
exit $status
