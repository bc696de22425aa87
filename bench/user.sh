#!/usr/bin/env bash
# User-mode CPU benchmark (not a test).  Two kinds of workload, each run
# under Morpho (morpho-riscv64), Debian's qemu-riscv64 and natively,
# interleaved, RUNS times each:
#   - our C programs in bench/user/*.c, built for riscv64 (static) and amd64,
#     sized to take about half a second natively so start-up does not weigh;
#   - real Debian programs (trixie): xz compressing and decompressing
#     generated text, lua5.4, python3.13 and sqlite3 running the scripts in
#     bench/user/debian/.  The riscv64 builds run with -L on a sysroot, the
#     native run uses the amd64 build of the same package version through
#     its own loader (scripts/debian-sysroot.sh fetches both, cached).
# For each workload it prints the median time, Morpho/QEMU, Morpho/native and
# the peak RSS (max over runs) under Morpho and QEMU; then the geometric
# means, also over the integer workloads alone (all but nbody).  The three
# runs' outputs must agree, else the workload is reported as differing.
#
#   bench/user.sh [RUNS] [extra Morpho args]      (RUNS defaults to 3)
#   QUICK=1 bench/user.sh         one run of a small subset, for iteration
#   ONLY="hash lua" bench/user.sh only these workloads
#   TIME=wall bench/user.sh       wall-clock seconds instead of CPU (user+sys)
# CPU time is the default because the machine is usually shared: wall time
# counts the time other processes hold the cores.  Still compare A/B runs
# back to back; `perf stat -e instructions` is steadier for small changes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-3}; shift || true
morpho_args=("$@")
measure=${TIME:-cpu}
only=${ONLY:-}
if [ -n "${QUICK:-}" ]; then
  runs=1
  only=${only:-hash interp lua}
fi
command -v qemu-riscv64 >/dev/null || {
  echo "bench/user: installing Debian's qemu-user for the comparison" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user >/dev/null; }
[ -x build/morpho-riscv64 ] || make build >/dev/null
out=$root/build/bench-user
mkdir -p "$out/work"

wanted() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }

# ---- the workloads: NAME, the guest command line (after the emulator),
# the native one, and the stdin file ----
names=()
declare -A guest native input fp
add() {  # add NAME STDIN GUEST_CMD... -- NATIVE_CMD...
  local name=$1 in=$2; shift 2
  local g=() n=()
  while [ "$1" != "--" ]; do g+=("$1"); shift; done
  shift; n=("$@")
  wanted "$name" || return 0
  names+=("$name")
  guest[$name]=$(printf '%q ' "${g[@]}")
  native[$name]=$(printf '%q ' "${n[@]}")
  input[$name]=$in
}

for src in bench/user/*.c; do
  name=$(basename "$src" .c)
  wanted "$name" || continue
  riscv64-linux-gnu-gcc -O2 -static -o "$out/$name.rv64" "$src" -lm
  gcc -O2 -o "$out/$name.amd64" "$src" -lm
  add "$name" /dev/null "$out/$name.rv64" -- "$out/$name.amd64"
done
fp[nbody]=1

pkgs=(libc6 libgcc-s1 libtinfo6 libreadline8t64 zlib1g liblzma5 libsqlite3-0 libexpat1
      liblua5.4-0 lua5.4 xz-utils sqlite3 libpython3.13-minimal python3.13-minimal)
cache=${MORPHO_CACHE:-$HOME/.cache/morpho}/debian
rvroot=$cache/riscv64-sysroot hostroot=$cache/amd64-sysroot
debian=1
for w in xz-c xz-d lua python sqlite; do wanted "$w" && debian=2; done
if [ "$debian" -eq 2 ]; then
  if scripts/debian-sysroot.sh riscv64 trixie "$cache/riscv64" "$rvroot" "${pkgs[@]}" &&
     scripts/debian-sysroot.sh amd64 trixie "$cache/amd64-trixie" "$hostroot" "${pkgs[@]}"; then
    # Generated text for xz: numbered lines of words and numbers, about 4:1
    # compressible (deterministic: same awk, same bytes).
    gen() {  # gen LINES SEED
      awk -v n="$1" -v x="$2" 'BEGIN { split("alpha beta gamma delta epsilon zeta eta theta", w, " ");
        for (i = 0; i < n; i++) { x = (x * 69069 + 1) % 4294967296;
          printf "%07d %s %d %s\n", i, w[int(x / 65536) % 8 + 1], x % 100000, w[x % 8 + 1] } }'
    }
    [ -s "$out/xz-in.txt" ] || gen 200000 1 > "$out/xz-in.txt"
    hostrun=("$hostroot/usr/lib64/ld-linux-x86-64.so.2" --library-path "$hostroot/usr/lib/x86_64-linux-gnu")
    [ -s "$out/xz-in.xz" ] || for s in 1 2 3 4; do gen 200000 "$s"; done |
        "${hostrun[@]}" "$hostroot/usr/bin/xz" -T1 -1 -c > "$out/xz-in.xz"
    cp bench/user/debian/* "$out/work/"
    add xz-c "$out/xz-in.txt" -L "$rvroot" "$rvroot/usr/bin/xz" -T1 -1 -c -- \
        "${hostrun[@]}" "$hostroot/usr/bin/xz" -T1 -1 -c
    add xz-d "$out/xz-in.xz" -L "$rvroot" "$rvroot/usr/bin/xz" -dc -- \
        "${hostrun[@]}" "$hostroot/usr/bin/xz" -dc
    add lua /dev/null -L "$rvroot" "$rvroot/usr/bin/lua5.4" prog.lua -- \
        "${hostrun[@]}" "$hostroot/usr/bin/lua5.4" prog.lua
    add python /dev/null -L "$rvroot" "$rvroot/usr/bin/python3.13" prog.py -- \
        env PYTHONHOME="$hostroot/usr" "${hostrun[@]}" "$hostroot/usr/bin/python3.13" prog.py
    add sqlite "$out/work/prog.sql" -L "$rvroot" "$rvroot/usr/bin/sqlite3" -- \
        "${hostrun[@]}" "$hostroot/usr/bin/sqlite3"
  else
    echo "bench/user: no Debian packages (offline?): C workloads only" >&2
  fi
fi
export PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0

# run NAME ENGINE: one run; prints "SECONDS RSS_KB" (or FAIL), output in
# $out/NAME.ENGINE.out.  Timing and RSS by GNU time, which waits for the
# process itself: its rusage is the program's (or the emulator's) alone.
run() {
  local name=$1 engine=$2 cmd
  case $engine in
    morpho) cmd="$root/build/morpho-riscv64 ${morpho_args[*]:+$(printf '%q ' "${morpho_args[@]}")}${guest[$name]}" ;;
    qemu) cmd="qemu-riscv64 ${guest[$name]}" ;;
    native) cmd=${native[$name]} ;;
  esac
  if ! (cd "$out/work" && eval "/usr/bin/time -f '%e %U %S %M' -o $out/time.txt $cmd") \
       < "${input[$name]}" > "$out/$name.$engine.out" 2> "$out/$name.$engine.err"; then
    echo FAIL; return
  fi
  awk -v m="$measure" '{ printf "%.3f %d\n", m == "wall" ? $1 : $2 + $3, $4 }' "$out/time.txt"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
maxof() { sort -g | tail -1; }
ratio() { echo "scale=3; $1 / $2" | bc; }

printf 'bench/user: %s run(s), %s seconds%s\n' "$runs" "$measure" \
  "${morpho_args[*]:+, Morpho args: ${morpho_args[*]}}"
printf '%-9s %8s %8s %8s %8s %8s %10s %10s\n' workload morpho qemu native m/qemu m/native \
  "morpho MB" "qemu MB"
declare -A logsum count
acc() {  # acc KEY RATIO: adds ln(RATIO) to the KEY geometric mean
  logsum[$1]=$(echo "${logsum[$1]:-0} + l($2)" | bc -l); count[$1]=$((${count[$1]:-0} + 1))
}
status=0
for name in "${names[@]}"; do
  declare -A t=() r=()
  for engine in morpho qemu native; do t[$engine]=""; r[$engine]=""; done
  bad=""
  for _ in $(seq "$runs"); do
    for engine in morpho qemu native; do
      read -r secs rss < <(run "$name" "$engine")
      if [ "$secs" = FAIL ]; then bad="$bad $engine-failed"; continue; fi
      t[$engine]+="$secs "; r[$engine]+="$rss "
    done
    for engine in morpho qemu; do
      cmp -s "$out/$name.$engine.out" "$out/$name.native.out" || bad="$bad $engine-output-differs"
    done
  done
  if [ -n "$bad" ]; then
    printf '%-9s FAILED:%s (see %s/%s.*.err)\n' "$name" "$(echo "$bad" | tr ' ' '\n' | sort -u | tr '\n' ' ')" "$out" "$name"
    status=1; continue
  fi
  mt=$(echo "${t[morpho]}" | tr ' ' '\n' | grep . | median)
  qt=$(echo "${t[qemu]}" | tr ' ' '\n' | grep . | median)
  nt=$(echo "${t[native]}" | tr ' ' '\n' | grep . | median)
  mr=$(echo "${r[morpho]}" | tr ' ' '\n' | grep . | maxof)
  qr=$(echo "${r[qemu]}" | tr ' ' '\n' | grep . | maxof)
  rq=$(ratio "$mt" "$qt"); rn=$(ratio "$mt" "$nt")
  printf '%-9s %8.3f %8.3f %8.3f %8.2f %8.2f %10.1f %10.1f\n' "$name" "$mt" "$qt" "$nt" "$rq" "$rn" \
    "$(ratio "$mr" 1024)" "$(ratio "$qr" 1024)"
  acc q "$rq"; acc n "$rn"; acc mem "$(ratio "$mr" "$qr")"
  [ -n "${fp[$name]:-}" ] || acc ni "$rn"
done
gm() { [ "${count[$1]:-0}" -gt 0 ] && printf '%.3f' "$(echo "e(${logsum[$1]} / ${count[$1]})" | bc -l)" || echo n/a; }
echo "geometric mean: morpho/qemu $(gm q), morpho/native $(gm n)" \
     "(integer workloads: $(gm ni)), peak RSS morpho/qemu $(gm mem)"
exit "$status"
