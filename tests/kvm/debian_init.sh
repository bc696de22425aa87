#!/bin/busybox sh
# /init of the Debian amd64 boot test and bench/kvm-boot.sh: a marker the
# host waits for, a few facts, then a reboot that microvm ends cleanly:
# the kernel runs with reboot=t (a triple fault; there is no i8042 and no
# ACPI to power off with) and Morpho/QEMU with -no-reboot, which turns the
# reset into an exit with status 0.
/bin/busybox --install -s
mount -t proc proc /proc
echo "MORPHO-KVM-MARKER"
echo "uname-m=$(uname -m)"
echo "nproc=$(nproc)"
reboot -f
