#!/usr/bin/env bash
# gdbstub test: Morpho starts paused (-S) with -gdb on a free local port;
# gdb-multiarch in batch mode connects, checks the stop at reset, runs to
# _start, reads and writes registers and memory, breaks on a symbol, steps,
# watches a variable, and continues to the finisher, which must exit 0.
#   gdbstub-test.sh MORPHO_SYSTEM_RISCV64 GDBTEST.elf BACKEND
set -u
morpho=$1 elf=$2 backend=$3
here=$(cd "$(dirname "$0")" && pwd)
gdb=$(command -v gdb-multiarch)
if [ -z "$gdb" ]; then
    # The test's setup: Debian's gdb-multiarch (root only; else skip).
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y gdb-multiarch >/dev/null 2>&1
        gdb=$(command -v gdb-multiarch)
    fi
    [ -z "$gdb" ] && { echo "gdbstub-test: gdb-multiarch missing (apt-get install gdb-multiarch)"; exit 77; }
fi
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

timeout -k 5 120 "$morpho" -M virt -bios none -display none -serial null -S \
    -accel "tcg,backend=$backend" -kernel "$elf" -gdb "tcp::$port" >"$tmp/morpho.out" 2>&1 &
pid=$!

# Run the reset ROM (0x1000) to the kernel's entry, as a user would.
to_start='tbreak _start
continue'

cat >"$tmp/cmds.gdb" <<GDB
set confirm off
set pagination off

file $elf
target remote 127.0.0.1:$port
printf "RESET-PC=0x%lx\n", \$pc
info threads
$to_start
printf "START-PC=0x%lx\n", \$pc
set \$t0 = 0x1234abcd
printf "T0=0x%lx\n", \$t0
printf "F0-SIZE=%d\n", sizeof(\$ft0)
x/2xw _start
set var counter = 100
printf "COUNTER=%lu\n", counter
break add
continue
printf "IN-ADD a0=%lu a1=%lu\n", \$a0, \$a1
bt
continue
printf "IN-ADD-2 a0=%lu a1=%lu\n", \$a0, \$a1
stepi
printf "STEPPED-PC=0x%lx A0=%lu\n", \$pc, \$a0
delete
printf "MSTATUS=0x%lx\n", \$mstatus
monitor info status
watch watched
continue
printf "WATCHED=%lu\n", watched
delete
set var counter = 0
continue
GDB

"$gdb" -batch -nx -x "$tmp/cmds.gdb" >"$tmp/gdb.out" 2>&1
gdb_status=$?
wait $pid
status=$?
fail=0
expect() {
    if ! grep -q -- "$1" "$tmp/gdb.out"; then
        echo "gdbstub-test: expected '$1' in gdb's output"
        fail=1
    fi
}
expect "RESET-PC=0x1000"
expect "START-PC=0x80000000"
expect "T0=0x1234abcd"
expect "F0-SIZE=8"
expect "COUNTER=100"
expect "Breakpoint [0-9]*, add"
expect "IN-ADD a0=0 a1=0"
expect "IN-ADD-2 a0=0 a1=1"
expect "STEPPED-PC=0x80000030 A0=1"
expect "MSTATUS=0x"
expect "VM status: paused (debug)"
expect "atchpoint [0-9]*: watched"
expect "New value = 45"
expect "WATCHED=45"
expect "exited normally"
if [ $fail != 0 ] || [ $status != 0 ]; then
    echo "gdbstub-test: morpho exit status $status, gdb $gdb_status"
    echo "---- gdb ----"; cat "$tmp/gdb.out"
    echo "---- morpho ----"; cat "$tmp/morpho.out"
    exit 1
fi
echo "gdbstub-test: ok ($backend)"
