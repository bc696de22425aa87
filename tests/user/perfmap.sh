#!/bin/sh
# -perfmap and QEMU_PERFMAP: morpho-riscv64 writes /tmp/perf-<pid>.map, one
# well-formed "<start-hex> <size-hex> guest-riscv64:0x<pc>" line per
# translated block, with blocks inside the guest's hot functions (found
# with nm), from the main thread and from other guest threads; without the
# option no map is written.
#   perfmap.sh MORPHO_RISCV64 PROGRAM NM
set -u
morpho=$1 prog=$2 nm=$3
fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# covers MAP SYMBOL: some entry's guest pc lies inside SYMBOL.
covers() {
    set -- "$1" $("$nm" -S "$prog" | awk -v s="$2" '$4 == s { print $1, $2 }')
    [ $# -eq 3 ] || { echo "FAIL: no symbol size in $prog"; return 1; }
    awk -v lo="$2" -v size="$3" '
        function hex(s,   i, v) { v = 0; s = tolower(s)
            for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
            return v }
        { sub(/.*:0x/, "", $3); pc = hex($3) }
        pc >= hex(lo) && pc < hex(lo) + hex(size) { found = 1 }
        END { exit !found }' "$1"
}

check_map() {  # check_map HOW: the map of the run whose output is in $out
    pid=$(sed -n 's/^pid \([0-9]*\)$/\1/p' "$out")
    map=/tmp/perf-$pid.map
    if [ -z "$pid" ] || [ ! -s "$map" ]; then
        echo "FAIL ($1): no map $map"; fail=1; return
    fi
    bad=$(grep -cvE '^[0-9a-f]+ [0-9a-f]+ guest-riscv64:0x[0-9a-f]+$' "$map")
    [ "$bad" -eq 0 ] || { echo "FAIL ($1): $bad malformed lines in $map"; head -3 "$map"; fail=1; }
    zero=$(awk '$2 == "0"' "$map" | wc -l)
    [ "$zero" -eq 0 ] || { echo "FAIL ($1): $zero empty blocks"; fail=1; }
    for f in hot_loop thread_loop main; do
        covers "$map" "$f" || { echo "FAIL ($1): no block inside $f"; fail=1; }
    done
    rm -f "$map"
}

"$morpho" -perfmap "$prog" > "$out" || { echo "FAIL: -perfmap run failed"; fail=1; }
check_map -perfmap
QEMU_PERFMAP=1 "$morpho" "$prog" > "$out" || { echo "FAIL: QEMU_PERFMAP run failed"; fail=1; }
check_map QEMU_PERFMAP
"$morpho" "$prog" > "$out" || { echo "FAIL: plain run failed"; fail=1; }
pid=$(sed -n 's/^pid \([0-9]*\)$/\1/p' "$out")
if [ -e "/tmp/perf-$pid.map" ]; then
    echo "FAIL: a map without -perfmap"; rm -f "/tmp/perf-$pid.map"; fail=1
fi
exit $fail
