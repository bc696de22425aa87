#!/usr/bin/env bash
# Linux boot benchmark (not a test): boots the same Debian riscv64 guest
# (kernel, OpenSBI, busybox initramfs whose /init prints a marker and powers
# off) under Morpho and under Debian's qemu-system-riscv64, interleaved,
# and prints seconds-to-marker for each, the median, and Morpho/QEMU.
#   bench/boot.sh [RUNS] [extra Morpho args, e.g. -accel tcg,backend=interp]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; shift || true
command -v qemu-system-riscv64 >/dev/null || {
  echo "bench/boot: installing Debian's qemu-system-misc for the comparison" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-misc >/dev/null; }
[ -x build/morpho-system-riscv64 ] || make build >/dev/null
mapfile -t img < <(scripts/guest-image.sh guest/init-test.sh)
common=(-M virt -smp 1 -m 1G -nographic -bios "${img[2]}" -kernel "${img[0]}"
        -initrd "${img[1]}" -append "console=ttyS0")

# Prints the seconds until the marker line appears (or FAIL).
time_to_marker() {
  local start end
  start=$(date +%s.%N)
  if timeout 600 "$@" "${common[@]}" </dev/null 2>&1 | grep -q -m1 MORPHO-BOOT-MARKER; then
    end=$(date +%s.%N)
    echo "$end - $start" | bc
  else
    echo FAIL
  fi
  pkill -f "initramfs-init-test" 2>/dev/null || true
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

m=() q=()
for i in $(seq "$runs"); do
  m+=("$(time_to_marker build/morpho-system-riscv64 "$@")")
  q+=("$(time_to_marker qemu-system-riscv64)")
  echo "run $i: morpho ${m[-1]} s, qemu ${q[-1]} s"
done
mm=$(printf '%s\n' "${m[@]}" | grep -v FAIL | median || true)
qm=$(printf '%s\n' "${q[@]}" | grep -v FAIL | median || true)
echo "median seconds to marker: morpho ${mm:-FAIL}, qemu ${qm:-FAIL}"
if [ -n "$mm" ] && [ -n "$qm" ]; then
  echo "ratio morpho/qemu: $(echo "scale=2; $mm / $qm" | bc)"
fi
