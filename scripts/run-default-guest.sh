#!/usr/bin/env bash
# `make run`: the main job.  Fetches Debian's riscv64 kernel, OpenSBI and
# busybox (cached under ~/.cache/morpho), builds the initramfs, and boots
# it on the virt board with -nographic into an interactive busybox shell.
# C-a x quits; C-a h lists the other escapes.  Extra arguments go to Morpho.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t img < <(scripts/guest-image.sh guest/init-shell.sh)
exec build/morpho-system-riscv64 -M virt -smp 2 -m 1G -nographic \
    -bios "${img[2]}" -kernel "${img[0]}" -initrd "${img[1]}" \
    -append "console=ttyS0 earlycon=sbi" "$@"
