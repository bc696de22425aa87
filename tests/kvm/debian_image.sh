#!/usr/bin/env bash
# Prepares the stock Debian amd64 guest for the KVM boot test and bench:
# the kernel behind linux-image-amd64 (suite bookworm) and an initramfs
# with busybox-static and tests/kvm/debian_init.sh as /init.  Prints
#   KERNEL INITRD
# one per line.  Everything is cached under ~/.cache/morpho.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache=${MORPHO_CACHE:-$HOME/.cache/morpho}
debs=$cache/debian/amd64
init=tests/kvm/debian_init.sh
mkdir -p "$cache/guest"

kernel_pkg=$(scripts/debian-fetch.sh amd64 bookworm --first-depend linux-image-amd64)
[ -n "$kernel_pkg" ] || { echo "debian_image: no amd64 kernel package found" >&2; exit 1; }
scripts/debian-fetch.sh amd64 bookworm "$debs" "$kernel_pkg" busybox-static >&2

kernel=$(ls "$debs/$kernel_pkg"/boot/vmlinuz-* | head -1)
busybox=$debs/busybox-static/bin/busybox
[ -f "$busybox" ] || busybox=$debs/busybox-static/usr/bin/busybox
for f in "$kernel" "$busybox"; do
  [ -f "$f" ] || { echo "debian_image: missing $f" >&2; exit 1; }
done
initrd=$cache/guest/initramfs-amd64-kvm.cpio.gz
if [ ! -f "$initrd" ] || [ "$init" -nt "$initrd" ] || [ "$busybox" -nt "$initrd" ]; then
  scripts/mkinitramfs.py "$initrd" --busybox "$busybox" --init "$init"
fi
echo "$kernel"
echo "$initrd"
