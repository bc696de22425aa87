#!/usr/bin/env bash
# Boots Debian's riscv64 kernel with OpenSBI and a busybox initramfs whose
# /init (guest/init-test.sh) prints a marker, `uname -m`, the CPU count and
# an md5 computed in the guest, then powers off.  Asserts each value and
# Morpho's exit status.
#   boot-test.sh MORPHO_SYSTEM_RISCV64 SMP BACKEND
set -uo pipefail
morpho=$1 smp=$2 backend=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
if ! mapfile -t img < <("$top/scripts/guest-image.sh" "$top/guest/init-test.sh") || [ ${#img[@]} -ne 3 ]; then
  echo "boot-test: could not prepare the Debian guest images (no archive access?)" >&2
  exit 77
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout --foreground -k 5 900 "$morpho" -M virt -smp "$smp" -m 512M -nographic \
  -accel "tcg,backend=$backend" -bios "${img[2]}" -kernel "${img[0]}" -initrd "${img[1]}" \
  -append "console=ttyS0" </dev/null >"$log" 2>&1
status=$?
fail=0
expect() {
  if ! grep -q -- "$1" "$log"; then
    echo "boot-test: expected '$1' in the console output" >&2
    fail=1
  fi
}
expect "MORPHO-BOOT-MARKER"
expect "uname-m=riscv64"
expect "nproc=$smp"
# md5 of `seq 1 2000`, as the host computes it
expect "sum=$(seq 1 2000 | md5sum | cut -d' ' -f1)"
if [ $status -ne 0 ]; then
  echo "boot-test: morpho exited with status $status (expected 0 after poweroff)" >&2
  fail=1
fi
if [ $fail -ne 0 ]; then
  echo "---- last console lines ----" >&2
  tail -40 "$log" >&2
fi
exit $fail
