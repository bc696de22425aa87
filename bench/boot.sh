#!/usr/bin/env bash
# Linux boot benchmark (not a test): boots the same Debian riscv64 guest
# (kernel, OpenSBI, busybox initramfs whose /init prints a marker and powers
# off) under Morpho and under Debian's qemu-system-riscv64, interleaved,
# and prints seconds-to-marker for each, the median, and Morpho/QEMU; and
# each emulator's peak RSS over the whole run (GNU time; the guest powers
# itself off after the marker, so the run ends on its own).
#   bench/boot.sh [RUNS] [extra Morpho args, e.g. -accel tcg,backend=interp]
# The time is wall-clock (a boot waits on timers as well as computing), so
# on a shared machine compare runs made back to back.
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
out=build/bench-boot
mkdir -p "$out"

# boot CMD...: prints "SECONDS-TO-MARKER PEAK-RSS-KB" (FAIL for a missing
# marker).  The reader stamps the marker line as it arrives and keeps
# reading until the emulator exits, so that its RSS is the whole run's.
boot() {
  local start
  start=$(date +%s.%N)
  { timeout 600 /usr/bin/time -f '%M' -o "$out/rss.txt" "$@" "${common[@]}" </dev/null 2>&1 || true; } |
    while IFS= read -r line; do
      case $line in *MORPHO-BOOT-MARKER*) date +%s.%N > "$out/marker.txt" ;; esac
    done
  if [ -s "$out/marker.txt" ]; then
    echo "$(echo "$(cat "$out/marker.txt") - $start" | bc) $(tail -1 "$out/rss.txt")"
  else
    echo "FAIL $(tail -1 "$out/rss.txt" 2>/dev/null || echo 0)"
  fi
  rm -f "$out/marker.txt" "$out/rss.txt"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

m=() q=() mr=() qr=()
for i in $(seq "$runs"); do
  read -r t r < <(boot build/morpho-system-riscv64 "$@"); m+=("$t"); mr+=("$r")
  read -r t r < <(boot qemu-system-riscv64); q+=("$t"); qr+=("$r")
  echo "run $i: morpho ${m[-1]} s ($((mr[-1] / 1024)) MB), qemu ${q[-1]} s ($((qr[-1] / 1024)) MB)"
done
mm=$(printf '%s\n' "${m[@]}" | grep -v FAIL | median || true)
qm=$(printf '%s\n' "${q[@]}" | grep -v FAIL | median || true)
echo "median seconds to marker: morpho ${mm:-FAIL}, qemu ${qm:-FAIL}"
if [ -n "$mm" ] && [ -n "$qm" ]; then
  echo "ratio morpho/qemu: $(echo "scale=2; $mm / $qm" | bc)"
fi
mx=$(printf '%s\n' "${mr[@]}" | sort -n | tail -1); qx=$(printf '%s\n' "${qr[@]}" | sort -n | tail -1)
echo "peak RSS: morpho $((mx / 1024)) MB, qemu $((qx / 1024)) MB," \
     "morpho/qemu $(echo "scale=2; $mx / $qx" | bc)"
