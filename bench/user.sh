#!/usr/bin/env bash
# User-mode CPU benchmark (not a test): the programs in bench/user/ built for
# riscv64 (static) and amd64, run under Morpho (morpho-riscv64), Debian's
# qemu-riscv64 and natively, interleaved, RUNS times each.  Prints each
# workload's median seconds, the ratios Morpho/QEMU and Morpho/native, and
# their geometric means.  Outputs of the three runs must agree.
#   bench/user.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
command -v qemu-riscv64 >/dev/null || {
  echo "bench/user: installing Debian's qemu-user for the comparison" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user >/dev/null; }
[ -x build/morpho-riscv64 ] || make build >/dev/null
out=build/bench-user
mkdir -p "$out"
for src in bench/user/*.c; do
  name=$(basename "$src" .c)
  riscv64-linux-gnu-gcc -O2 -static -o "$out/$name.rv64" "$src" -lm
  gcc -O2 -o "$out/$name.amd64" "$src" -lm
done

secs() {  # secs CMD...: prints elapsed seconds; output to $out/last.txt
  local s e
  s=$(date +%s.%N)
  "$@" >"$out/last.txt" 2>&1 || { echo FAIL; return; }
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

printf '%-10s %10s %10s %10s %12s %12s\n' workload morpho qemu native morpho/qemu morpho/native
lq=0 ln=0 n=0
for src in bench/user/*.c; do
  name=$(basename "$src" .c)
  m=() q=() h=()
  for i in $(seq "$runs"); do
    m+=("$(secs build/morpho-riscv64 "$out/$name.rv64")"); cp "$out/last.txt" "$out/$name.morpho.txt"
    q+=("$(secs qemu-riscv64 "$out/$name.rv64")"); cp "$out/last.txt" "$out/$name.qemu.txt"
    h+=("$(secs "$out/$name.amd64")"); cp "$out/last.txt" "$out/$name.native.txt"
  done
  if ! cmp -s "$out/$name.morpho.txt" "$out/$name.native.txt"; then
    echo "$name: Morpho's output differs from native:" >&2
    diff "$out/$name.morpho.txt" "$out/$name.native.txt" >&2 || true
  fi
  mm=$(printf '%s\n' "${m[@]}" | median); qm=$(printf '%s\n' "${q[@]}" | median)
  hm=$(printf '%s\n' "${h[@]}" | median)
  rq=$(echo "scale=3; $mm / $qm" | bc); rn=$(echo "scale=3; $mm / $hm" | bc)
  printf '%-10s %10s %10s %10s %12s %12s\n' "$name" "$mm" "$qm" "$hm" "$rq" "$rn"
  lq=$(echo "$lq + l($rq)" | bc -l); ln=$(echo "$ln + l($rn)" | bc -l); n=$((n + 1))
done
printf 'geometric mean: morpho/qemu %.3f, morpho/native %.3f\n' \
  "$(echo "e($lq / $n)" | bc -l)" "$(echo "e($ln / $n)" | bc -l)"
