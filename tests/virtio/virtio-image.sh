#!/usr/bin/env bash
# Prepares the virtio guest: Debian's riscv64 kernel and OpenSBI (through
# scripts/guest-image.sh) and an initramfs with busybox, the given /init and
# the virtio-mmio driver modules from the kernel package, decompressed here
# (the guest's busybox insmod takes plain .ko files).  Prints
#   KERNEL INITRD FIRMWARE
# one per line.  virtio-image.sh [INIT] (default: tests/virtio/init-virtio.sh)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
init=${1:-$top/tests/virtio/init-virtio.sh}
cache=${MORPHO_CACHE:-$HOME/.cache/morpho}
mapfile -t img < <("$top/scripts/guest-image.sh" "$init")
[ ${#img[@]} -eq 3 ] || exit 1
kernel=${img[0]} firmware=${img[2]}
pkgdir=$(dirname "$(dirname "$kernel")")
moddir=$( (ls -d "$pkgdir"/usr/lib/modules/* "$pkgdir"/lib/modules/* 2>/dev/null || true) | head -1)
[ -n "$moddir" ] || { echo "virtio-image: no modules next to $kernel" >&2; exit 1; }
# Load order = dependency order (modinfo depends= of each, checked by hand:
# virtio_net needs net_failover needs failover; the rest need only built-ins).
mods="drivers/virtio/virtio_mmio drivers/block/virtio_blk net/core/failover
      drivers/net/net_failover drivers/net/virtio_net drivers/char/hw_random/virtio-rng"
work=$cache/guest/virtio-modules
mkdir -p "$work"
files=()
for m in $mods; do
  name=$(basename "$m")
  out=$work/$name.ko
  src=$moddir/kernel/$m.ko
  if [ ! -f "$out" ] || [ "$src.xz" -nt "$out" ]; then
    if [ -f "$src.xz" ]; then xz -dc "$src.xz" > "$out.tmp"
    elif [ -f "$src.zst" ]; then zstd -qdc "$src.zst" > "$out.tmp"
    elif [ -f "$src" ]; then cp "$src" "$out.tmp"
    else echo "virtio-image: module $m not found under $moddir" >&2; exit 1
    fi
    mv "$out.tmp" "$out"
  fi
  files+=(--file "$out:/lib/modules/$name.ko")
done
initrd=$cache/guest/initramfs-$(basename "$init" .sh)-virtio.cpio.gz
busybox=$(ls "$cache"/debian/riscv64/busybox-static/usr/bin/busybox)
"$top/scripts/mkinitramfs.py" "$initrd" --busybox "$busybox" --init "$init" "${files[@]}"
echo "$kernel"
echo "$initrd"
echo "$firmware"
