#!/usr/bin/env bash
# virtio-net benchmark (not a test): the same Debian riscv64 guest under
# Morpho and under Debian's qemu-system-riscv64 with -netdev user; the
# guest's /init gets an address by DHCP and times `wget` of a SIZE MiB file
# from a python http.server on the host's 127.0.0.1 (10.0.2.2 in the guest),
# and prints MB/s for both.
#   bench/net.sh [SIZE_MIB] [extra Morpho args]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-32}; shift || true
command -v qemu-system-riscv64 >/dev/null || { echo "bench/net: needs qemu-system-riscv64" >&2; exit 1; }
[ -x build/morpho-system-riscv64 ] || make build >/dev/null
work=$(mktemp -d)
srv=""
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/www"
head -c $((size * 1048576)) /dev/urandom > "$work/www/big"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work/www" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
srv=$!
cat > "$work/init-net.sh" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
for m in virtio_mmio failover net_failover virtio_net; do insmod /lib/modules/\$m.ko; done
sleep 1
printf '#!/bin/sh\n[ "\$1" = bound ] && ip addr add \$ip/\${mask:-24} dev \$interface && ip route add default via \$router\nexit 0\n' > /tmp/u.sh
chmod +x /tmp/u.sh
ip link set eth0 up
udhcpc -i eth0 -n -q -t 5 -s /tmp/u.sh >/dev/null 2>&1
cs() { awk '{ printf "%d", \$1 * 100 }' /proc/uptime; }
t0=\$(cs); n=\$(wget -q -O - http://10.0.2.2:$port/big | wc -c); t1=\$(cs)
echo "BENCH bytes=\$n cs=\$((t1 - t0))"
poweroff -f
INIT
mapfile -t img < <(tests/virtio/virtio-image.sh "$work/init-net.sh")

run() {   # run NAME EMULATOR [args]
  local name=$1; shift
  local log=$work/$name.log
  timeout "${BENCH_TIMEOUT:-600}" "$@" -M virt -smp 1 -m 512M -nographic -bios "${img[2]}" -kernel "${img[0]}" \
    -initrd "${img[1]}" -append "console=ttyS0 quiet" \
    -netdev user,id=n0 -device virtio-net-device,netdev=n0 </dev/null >"$log" 2>&1 || true
  local bytes cs
  bytes=$(sed -n 's/.*BENCH bytes=\([0-9]*\).*/\1/p' "$log")
  cs=$(sed -n 's/.*BENCH bytes=[0-9]* cs=\([0-9]*\).*/\1/p' "$log")
  if [ "$bytes" != $((size * 1048576)) ] || [ -z "$cs" ]; then
    echo "$name: FAIL (got ${bytes:-nothing} bytes)"; tail -5 "$log"; return
  fi
  echo "$name: download $(echo "scale=1; $size * 100 / ($cs + 1)" | bc) MB/s ($size MiB over -netdev user)"
}
# BENCH_ONLY=morpho|qemu runs one side; BENCH_TIMEOUT bounds each run (s).
if [ "${BENCH_ONLY:-morpho}" = morpho ]; then run morpho build/morpho-system-riscv64 "$@"; fi
if [ "${BENCH_ONLY:-qemu}" = qemu ]; then run qemu qemu-system-riscv64; fi
