#!/usr/bin/env bash
# Benchmark (not a test): boot time and memory of Morpho's microvm against
# QEMU's, on the same stock Debian amd64 kernel and busybox initramfs
# (tests/kvm/debian_image.sh), both with
#   -M microvm -accel kvm -m 256M -smp N -nographic -no-reboot
#   -append "console=ttyS0 reboot=t panic=-1 acpi=off i8042.noaux i8042.nokbd"
# For each VMM and run: wall time from exec to the marker line the guest's
# /init prints (MORPHO-KVM-MARKER), total time to exit, and the VMM's peak
# RSS (getrusage of the child).  Prints one line per run and the medians.
#
#   bench/kvm-boot.sh [RUNS] [SMP]        (default 5 runs, 1 vCPU)
# MORPHO (default build/morpho-system-x86_64) and QEMU (default
# qemu-system-x86_64) override the binaries.  Meant for a host with
# hardware KVM; elsewhere it says why it skipped and exits 0.  Debian's
# qemu-system-x86 is installed with apt-get when missing (root only).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
smp=${2:-1}
morpho=${MORPHO:-build/morpho-system-x86_64}
qemu=${QEMU:-qemu-system-x86_64}

skip() { echo "kvm-boot: skipped: $*"; exit 0; }

if [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
    skip "needs hardware KVM (neither kvm_intel nor kvm_amd is loaded; a software KVM such as kvm_pvm cannot run a stock kernel)"
fi
[ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "/dev/kvm is not usable by $(id -un)"
[ -x "$morpho" ] || skip "$morpho is not built (make build)"
if ! command -v "$qemu" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -q qemu-system-x86 >&2 || skip "could not install qemu-system-x86"
    else
        skip "$qemu not found (apt-get install qemu-system-x86)"
    fi
fi
paths=$(tests/kvm/debian_image.sh) || skip "could not fetch the Debian amd64 kernel and busybox"
kernel=$(sed -n 1p <<<"$paths") initrd=$(sed -n 2p <<<"$paths")
append="console=ttyS0 reboot=t panic=-1 acpi=off i8042.noaux i8042.nokbd"

# measure VMM: one boot; prints "marker_s total_s peak_rss_kib status".
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
cmd = sys.argv[1:]
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT)
marker = None
for line in p.stdout:
    if marker is None and b"MORPHO-KVM-MARKER" in line:
        marker = time.monotonic() - t0
status = p.wait()
total = time.monotonic() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("%s %.3f %d %d" % ("%.3f" % marker if marker is not None else "none", total, rss, status))
PY
}

declare -A results
for vmm in morpho qemu; do
    bin=$morpho
    [ "$vmm" = qemu ] && bin=$qemu
    for ((i = 1; i <= runs; i++)); do
        r=$(measure "$bin" -M microvm -accel kvm -m 256M -smp "$smp" -nographic -no-reboot \
                    -kernel "$kernel" -initrd "$initrd" -append "$append")
        read -r marker total rss status <<<"$r"
        printf '%-7s run %d: marker %ss  exit %ss  peak RSS %s KiB  status %s\n' \
               "$vmm" "$i" "$marker" "$total" "$rss" "$status"
        results[$vmm]+="$marker $rss"$'\n'
    done
done

echo "medians over $runs runs (-smp $smp):"
for vmm in morpho qemu; do
    python3 - "$vmm" <<PY
import statistics, sys
rows = [l.split() for l in """${results[$vmm]}""".strip().splitlines()]
times = [float(r[0]) for r in rows if r[0] != "none"]
rss = [int(r[1]) for r in rows]
t = "%.3f s" % statistics.median(times) if times else "no marker"
print("  %-7s start-to-marker %s, peak RSS %d KiB" % (sys.argv[1], t, statistics.median(rss)))
PY
done
