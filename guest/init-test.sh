#!/bin/busybox sh
# /init of the boot test: prints a marker, facts the test checks, a checksum
# computed in the guest, then powers off.
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "MORPHO-BOOT-MARKER"
echo "uname-m=$(uname -m)"
echo "nproc=$(nproc)"
echo "sum=$(seq 1 2000 | md5sum | cut -d' ' -f1)"
poweroff -f
