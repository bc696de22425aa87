#!/usr/bin/env bash
# Prepares the default Linux guest from Debian's riscv64 packages (suite
# trixie): the kernel Image, OpenSBI's fw_dynamic firmware and an initramfs
# with busybox and the given /init.  Prints the three paths, one per line:
#   KERNEL INITRD FIRMWARE
#   guest-image.sh [INIT_SCRIPT] (default: guest/init-shell.sh)
# Everything is cached under ~/.cache/morpho.
set -euo pipefail
cd "$(dirname "$0")/.."
init=${1:-guest/init-shell.sh}
cache=${MORPHO_CACHE:-$HOME/.cache/morpho}
debs=$cache/debian/riscv64
mkdir -p "$cache/guest"

kernel_pkg=$(scripts/debian-fetch.sh riscv64 trixie --first-depend linux-image-riscv64)
[ -n "$kernel_pkg" ] || { echo "guest-image: no riscv64 kernel package found" >&2; exit 1; }
scripts/debian-fetch.sh riscv64 trixie "$debs" "$kernel_pkg" busybox-static opensbi

kernel=$(ls "$debs/$kernel_pkg"/boot/vmlinu[xz]-* | head -1)
firmware=$debs/opensbi/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
busybox=$debs/busybox-static/usr/bin/busybox
initrd=$cache/guest/initramfs-$(basename "$init" .sh).cpio.gz
for f in "$kernel" "$firmware" "$busybox"; do
  [ -f "$f" ] || { echo "guest-image: missing $f" >&2; exit 1; }
done
if [ ! -f "$initrd" ] || [ "$init" -nt "$initrd" ] || [ "$busybox" -nt "$initrd" ]; then
  scripts/mkinitramfs.py "$initrd" --busybox "$busybox" --init "$init"
fi
echo "$kernel"
echo "$initrd"
echo "$firmware"
