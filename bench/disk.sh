#!/usr/bin/env bash
# virtio-blk benchmark (not a test): the same Debian riscv64 guest under
# Morpho and under Debian's qemu-system-riscv64, each with a fresh raw image
# on the host; the guest's /init times `dd` writing SIZE MiB to /dev/vda
# with conv=fsync, then reading it back after dropping its page cache, and
# prints MB/s for both.
#   bench/disk.sh [SIZE_MIB] [CACHE] [extra Morpho args]   (CACHE: writeback|none|...)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-64}; shift || true
cache=${1:-writeback}; shift || true
command -v qemu-system-riscv64 >/dev/null || { echo "bench/disk: needs qemu-system-riscv64" >&2; exit 1; }
[ -x build/morpho-system-riscv64 ] || make build >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/init-disk.sh" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
insmod /lib/modules/virtio_mmio.ko
insmod /lib/modules/virtio_blk.ko
sleep 1
cs() { awk '{ printf "%d", \$1 * 100 }' /proc/uptime; }
t0=\$(cs); dd if=/dev/zero of=/dev/vda bs=1M count=$size conv=fsync 2>/dev/null; t1=\$(cs)
echo "BENCH write-cs=\$((t1 - t0))"
echo 3 > /proc/sys/vm/drop_caches
t0=\$(cs); dd if=/dev/vda of=/dev/null bs=1M count=$size 2>/dev/null; t1=\$(cs)
echo "BENCH read-cs=\$((t1 - t0))"
poweroff -f
INIT
mapfile -t img < <(tests/virtio/virtio-image.sh "$work/init-disk.sh")

run() {   # run NAME EMULATOR [args]: prints "NAME write MB/s read MB/s"
  local name=$1; shift
  local disk=$work/disk-$name.img log=$work/$name.log
  truncate -s $((size + 16))M "$disk"
  timeout "${BENCH_TIMEOUT:-600}" "$@" -M virt -smp 1 -m 512M -nographic -bios "${img[2]}" -kernel "${img[0]}" \
    -initrd "${img[1]}" -append "console=ttyS0 quiet" \
    -drive "file=$disk,format=raw,if=none,id=d0,cache=$cache" -device virtio-blk-device,drive=d0 \
    </dev/null >"$log" 2>&1 || true
  local w r
  w=$(sed -n 's/.*BENCH write-cs=\([0-9]*\).*/\1/p' "$log")
  r=$(sed -n 's/.*BENCH read-cs=\([0-9]*\).*/\1/p' "$log")
  if [ -z "$w" ] || [ -z "$r" ]; then
    echo "$name: FAIL (see the console tail below)"; tail -5 "$log"; return
  fi
  echo "$name: write $(echo "scale=1; $size * 100 / ($w + 1)" | bc) MB/s," \
       "read $(echo "scale=1; $size * 100 / ($r + 1)" | bc) MB/s  ($size MiB, cache=$cache)"
}
# BENCH_ONLY=morpho|qemu runs one side; BENCH_TIMEOUT bounds each run (s).
if [ "${BENCH_ONLY:-morpho}" = morpho ]; then run morpho build/morpho-system-riscv64 "$@"; fi
if [ "${BENCH_ONLY:-qemu}" = qemu ]; then run qemu qemu-system-riscv64; fi
