#!/usr/bin/env bash
# Boots our own tiny guests through the real command line:
#   morpho-system-x86_64 -M microvm -accel kvm -nographic -kernel GUEST ...
#     -device isa-debug-exit,iobase=0xf4,iosize=0x04
# and checks the serial output and the exit status.
#   microvm_boot_test.sh MORPHO_X86_64 GUEST_DIR CASE [MORPHO_RISCV64]
# CASE: bzimage | smp | irq | truncated | reset | no-reboot | internal-error | riscv-on-kvm
# Exit 77 (skipped, with the reason) when /dev/kvm is unusable here, and
# for the triple-fault cases when KVM is not hardware-backed: kvm_pvm, the
# software KVM of some hosts, cannot deliver an exception through the
# guest's IDT and reports an emulation failure instead of the shutdown.
set -uo pipefail
morpho=$1 dir=$2 case=$3 riscv=${4:-}
SKIP=77
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; exit 1; }

need_kvm() {
    if [ ! -e /dev/kvm ]; then echo "SKIP: /dev/kvm does not exist"; exit $SKIP; fi
    if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
        echo "SKIP: /dev/kvm is not readable and writable by $(id -un)"; exit $SKIP
    fi
}

need_hardware_kvm() {
    if [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
        echo "SKIP: needs hardware KVM (kvm_intel or kvm_amd); this host's KVM cannot triple-fault a guest"
        exit $SKIP
    fi
}

# run EXPECTED_STATUS ARGS...: runs Morpho, stdout/stderr to $tmp, checks status.
run() {
    local want=$1; shift
    timeout 60 "$morpho" -M microvm -accel kvm -nographic -m 16M \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if grep -q "Could not access KVM kernel module\|kvm: .*/dev/kvm" "$tmp/err"; then
        echo "SKIP: KVM unusable here: $(head -1 "$tmp/err")"; exit $SKIP
    fi
    [ "$rc" = "$want" ] || fail "exit status $rc, expected $want"
}

expect_out() {
    printf '%b' "$1" >"$tmp/want"
    cmp -s "$tmp/want" "$tmp/out" || fail "serial output differs from: $1"
}

case $case in
bzimage)
    need_kvm
    # What tests/kvm/bzimage.S checks in its zero page: 16 MiB of RAM, this
    # command line, an 8 KiB initrd starting with "INITRD!!".
    head -c 8192 /dev/zero >"$tmp/initrd"
    printf 'INITRD!!' | dd of="$tmp/initrd" conv=notrunc status=none
    run 1 -kernel "$dir/bzimage.bin" -initrd "$tmp/initrd" -append "console=ttyS0 morpho=bzimage"
    expect_out 'bzimage ok\n'
    ;;
smp)
    need_kvm
    run 1 -smp 2 -cpu host -kernel "$dir/smp_boot.bin"   # -cpu host, as KVM users write it
    expect_out 'bsp up\nap up apic=1\nsmp ok\n'
    ;;
irq)
    need_kvm
    run 1 -kernel "$dir/irq.bin"
    expect_out 'irq vector=0x24 iir=2\n'
    ;;
truncated)
    head -c 1500 "$dir/bzimage.bin" >"$tmp/trunc.bin"
    size=$(stat -c %s "$dir/bzimage.bin")
    need_kvm
    run 1 -kernel "$tmp/trunc.bin"
    want="morpho-system-x86_64: $tmp/trunc.bin is truncated: the header announces $size bytes (1 setup sectors + syssize $(( (size - 1024) / 16 ))), the file has 1500"
    [ "$(cat "$tmp/err")" = "$want" ] || fail "message, expected: $want"
    [ ! -s "$tmp/out" ] || fail "output before the error"
    ;;
reset)
    need_kvm
    need_hardware_kvm
    run 5 -kernel "$dir/reset.bin"
    expect_out 'boot 1\nboot 2\n'
    ;;
no-reboot)
    need_kvm
    need_hardware_kvm
    run 0 -no-reboot -kernel "$dir/reset.bin"
    expect_out 'boot 1\n'
    ;;
internal-error)
    # The other side of the triple-fault guest: where KVM cannot deliver
    # the fault (kvm_pvm) it reports an emulation failure, which must come
    # out as QEMU's register dump with the VM stopped in internal-error,
    # the process still alive (QEMU waits for the monitor the same way).
    need_kvm
    if [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; then
        echo "SKIP: hardware KVM triple-faults this guest cleanly (see the reset case)"; exit $SKIP
    fi
    timeout 5 "$morpho" -M microvm -accel kvm -nographic -m 16M -kernel "$dir/reset.bin" \
        </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" = 124 ] || fail "exit status $rc: the stopped VM should wait, not exit"
    expect_out 'boot 1\n'
    grep -q "^morpho-system-x86_64: kvm: vCPU 0: KVM_EXIT_INTERNAL_ERROR" "$tmp/err" ||
        fail "no internal error report"
    grep -q "RIP=0000000000100" "$tmp/err" || fail "no register dump"
    ;;
riscv-on-kvm)
    need_kvm
    "$riscv" -accel kvm -nographic </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" = 1 ] || fail "exit status $rc, expected 1"
    want="morpho-system-riscv64: -accel kvm: failed to initialize kvm: KVM does not support riscv64 guests on an x86_64 host"
    [ "$(cat "$tmp/err")" = "$want" ] || fail "message, expected: $want"
    ;;
*)
    echo "unknown case $case"; exit 2
    ;;
esac
echo "microvm $case: ok"
