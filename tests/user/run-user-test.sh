#!/bin/sh
# Runs one riscv64 guest program under morpho-riscv64 and compares its
# standard output with the expected file; the program must exit 0.
#   run-user-test.sh MORPHO_RISCV64 PROGRAM EXPECTED [morpho options...]
set -u
morpho=$1 prog=$2 expect=$3
shift 3
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$morpho" "$@" "$prog" > "$out"
rc=$?
if ! diff -u "$expect" "$out"; then
    echo "FAIL: output of $prog differs from $expect" >&2
    exit 1
fi
if [ "$rc" -ne 0 ]; then
    echo "FAIL: $prog exited with status $rc" >&2
    exit 1
fi
exit 0
