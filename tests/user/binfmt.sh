#!/bin/sh
# scripts/binfmt-register.sh's registration line (--dry-run): QEMU's
# riscv64 magic and mask, the morpho-riscv64 interpreter, the flags.
#   binfmt.sh SCRIPT MORPHO_RISCV64
set -u
script=$1 morpho=$2
fail=0
line=$("$script" --dry-run --morpho "$morpho" --flags PC)
magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00'
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
case "$line" in
":morpho-riscv64:M::$magic:$mask:"*"/morpho-riscv64:PCO") ;;
*) echo "FAIL: registration line: $line"; fail=1 ;;
esac
if "$script" --dry-run --morpho "$morpho" --flags PX >/dev/null 2>&1; then
    echo "FAIL: flag X accepted"
    fail=1
fi
if "$script" --dry-run --morpho /bin/true >/dev/null 2>&1; then
    echo "FAIL: an interpreter not named morpho-riscv64 accepted"
    fail=1
fi
exit $fail
