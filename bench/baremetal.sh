#!/usr/bin/env bash
# Bare-metal CPU benchmark (not a test): bench/baremetal/loops.c built once
# per workload with tests/riscv's crt0/testlib, run in M-mode on the virt
# board (-bios none -kernel) under Morpho and Debian's qemu-system-riscv64,
# interleaved, RUNS times each; prints each workload's median seconds,
# Morpho/QEMU and the geometric mean.  Both must print the same checksum.
#   bench/baremetal.sh [RUNS] [extra Morpho args]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; shift || true
[ -x build/morpho-system-riscv64 ] || make build >/dev/null
out=build/bench-baremetal
mkdir -p "$out"
names=(sieve hash qsort copy chacha)
for i in "${!names[@]}"; do
  riscv64-linux-gnu-gcc -march=rv64gc -mabi=lp64d -O2 -mcmodel=medany -ffreestanding \
    -nostdlib -static -fno-pic -no-pie -Wl,--no-relax -Wl,--build-id=none -I tests/riscv \
    -T tests/riscv/link.ld -DLOOP="$i" -o "$out/${names[$i]}.elf" \
    bench/baremetal/loops.c tests/riscv/crt0.S tests/riscv/testlib.c -lgcc
done

secs() {  # secs CMD...: elapsed seconds; guest output in $out/last.txt
  local s e
  s=$(date +%s.%N)
  timeout 300 "$@" -M virt -bios none -nographic </dev/null >"$out/last.txt" 2>&1 ||
    { echo FAIL; return; }
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

logsum=0
for n in "${names[@]}"; do
  m=() q=()
  for _ in $(seq "$runs"); do
    m+=("$(secs build/morpho-system-riscv64 "$@" -kernel "$out/$n.elf")")
    mo=$(cat "$out/last.txt")
    q+=("$(secs qemu-system-riscv64 -kernel "$out/$n.elf")")
    qo=$(cat "$out/last.txt")
    [ "$(echo "$mo" | grep loop)" = "$(echo "$qo" | grep loop)" ] ||
      { echo "$n: outputs differ: morpho '$mo' qemu '$qo'"; exit 1; }
  done
  mm=$(printf '%s\n' "${m[@]}" | median); qm=$(printf '%s\n' "${q[@]}" | median)
  r=$(echo "scale=3; $mm / $qm" | bc)
  logsum=$(echo "scale=6; $logsum + l($r)" | bc -l)
  printf '%-6s morpho %6.3f s  qemu %6.3f s  morpho/qemu %s\n' "$n" "$mm" "$qm" "$r"
done
echo "geomean morpho/qemu: $(echo "scale=3; e($logsum / ${#names[@]})" | bc -l)"
