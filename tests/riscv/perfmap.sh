#!/usr/bin/env bash
# -perfmap in system mode: a bare-metal guest on the virt board leaves
# /tmp/perf-<pid>.map with well-formed "<start> <size> guest-riscv64:0x<pc>"
# lines, one of them inside the guest's main (found with nm; no MMU, so
# guest pcs are the ELF's addresses).
#   perfmap.sh MORPHO_SYSTEM TEST.elf NM
set -u
morpho=$1 elf=$2 nm=$3
# (no timeout(1) in between: $! must be Morpho's pid; meson's timeout
# bounds the run)
"$morpho" -M virt -bios none -nographic -perfmap -kernel "$elf" </dev/null >/dev/null &
pid=$!
wait "$pid" || { echo "FAIL: the guest failed"; exit 1; }
map=/tmp/perf-$pid.map
trap 'rm -f "$map"' EXIT
[ -s "$map" ] || { echo "FAIL: no map $map"; exit 1; }
if grep -qvE '^[0-9a-f]+ [0-9a-f]+ guest-riscv64:0x[0-9a-f]+$' "$map"; then
    echo "FAIL: malformed lines in $map:"; grep -vE '^[0-9a-f]+ [0-9a-f]+ guest-riscv64:0x[0-9a-f]+$' "$map" | head -3
    exit 1
fi
read -r lo size < <("$nm" -S "$elf" | awk '$4 == "main" { print $1, $2 }')
[ -n "${size:-}" ] || { echo "FAIL: no main in $elf"; exit 1; }
lo=$((16#$lo)) size=$((16#$size))
while read -r _ _ name; do
    pc=$((16#${name#guest-riscv64:0x}))
    if [ "$pc" -ge "$lo" ] && [ "$pc" -lt $((lo + size)) ]; then
        exit 0
    fi
done < "$map"
echo "FAIL: no block inside main ($(printf '%#x' "$lo"), $size bytes)"
exit 1
