#!/usr/bin/env bash
# Boots Debian's stock amd64 kernel (bookworm's linux-image-amd64) with a
# busybox initramfs on microvm:
#   morpho-system-x86_64 -M microvm -accel kvm -m 256M -smp 2 -nographic
#     -no-reboot -kernel vmlinuz -initrd initramfs -append "console=ttyS0 reboot=t ..."
# and checks the marker of tests/kvm/debian_init.sh, the guest's view
# (x86_64, 2 CPUs) and a clean exit (status 0 after the guest's reboot=t).
# Runs only on hardware KVM: a stock kernel does not run on kvm_pvm.
#   debian_boot_test.sh MORPHO_X86_64
set -uo pipefail
morpho=$1
SKIP=77
cd "$(dirname "$0")/../.."

if [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
    echo "SKIP: needs hardware KVM (neither kvm_intel nor kvm_amd is loaded)"; exit $SKIP
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    echo "SKIP: /dev/kvm is not usable by $(id -un)"; exit $SKIP
fi
if ! paths=$(tests/kvm/debian_image.sh); then
    echo "SKIP: could not fetch the Debian amd64 kernel and busybox"; exit $SKIP
fi
kernel=$(sed -n 1p <<<"$paths") initrd=$(sed -n 2p <<<"$paths")

out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout 300 "$morpho" -M microvm -accel kvm -m 256M -smp 2 -nographic -no-reboot \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 reboot=t panic=-1 acpi=off i8042.noaux i8042.nokbd" \
    </dev/null >"$out" 2>&1
rc=$?
fail() { echo "FAIL: $*"; tail -50 "$out"; exit 1; }
grep -q "MORPHO-KVM-MARKER" "$out" || fail "no marker (exit status $rc)"
grep -q "uname-m=x86_64" "$out" || fail "uname -m is not x86_64"
grep -q "nproc=2" "$out" || fail "the guest does not see 2 CPUs"
[ "$rc" = 0 ] || fail "exit status $rc, expected 0"
echo "debian amd64 boot: ok"
