#!/bin/busybox sh
# /init of Morpho's default guest: a busybox shell on the serial console.
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
hostname morpho
echo
echo "Morpho guest: Linux $(uname -r) on $(uname -m), $(nproc) CPU(s)"
echo "Type 'poweroff -f' to power off (or C-a x to quit Morpho)."
# setsid + cttyhack give the shell a controlling terminal, so Ctrl-C works.
exec setsid cttyhack sh -l
