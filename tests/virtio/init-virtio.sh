#!/bin/busybox sh
# /init of the virtio guest test (tests/virtio/guest-test.sh): loads the
# virtio-mmio drivers (modules in Debian's kernel, decompressed on the host),
# then exercises each device and prints markers the host checks:
#   disk  read the host-made image, write a pattern at 1 MiB, sync
#   rng   read /dev/hwrng
#   net   DHCP, fetch a file from the host's http server at 10.0.2.2, serve
#         a page the host fetches through hostfwd, wait for the host's "done"
#   hvc0  write a line to the virtio console
# Parameters come from the kernel command line: morpho.port=HTTP_PORT.
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "MORPHO-VIRTIO-START"
for m in virtio_mmio virtio_blk failover net_failover virtio_net virtio-rng; do
  insmod /lib/modules/$m.ko || echo "MORPHO-INSMOD-FAILED $m"
done
sleep 1
port=$(sed -n 's/.*morpho\.port=\([0-9]*\).*/\1/p' /proc/cmdline)

# ---- disk
if [ -b /dev/vda ]; then
  echo "disk-size=$(cat /sys/block/vda/size)"
  echo "disk-read-md5=$(dd if=/dev/vda bs=4096 count=256 2>/dev/null | md5sum | cut -d' ' -f1)"
  seq 1 100000 | dd of=/dev/vda bs=4096 seek=256 conv=fsync 2>/dev/null
  sync
  echo "disk-write-done"
else
  echo "MORPHO-NO-VDA"
fi

# ---- rng
echo "rng-current=$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)"
n=$(dd if=/dev/hwrng bs=64 count=1 2>/dev/null | wc -c)
echo "rng-bytes=$n"

# ---- hvc0
[ -c /dev/hvc0 ] && echo "MORPHO-HVC0-HELLO" > /dev/hvc0 && echo "hvc0-written"

# ---- net
cat > /tmp/udhcpc.sh <<'S'
#!/bin/sh
case "$1" in
  bound|renew)
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "$router" dev "$interface"
    ;;
esac
exit 0
S
chmod +x /tmp/udhcpc.sh
ip link set lo up
ip link set eth0 up
if udhcpc -i eth0 -n -q -t 5 -s /tmp/udhcpc.sh >/dev/null 2>&1; then
  echo "net-addr=$(ip -4 addr show eth0 | sed -n 's/.*inet \([0-9.]*\).*/\1/p')"
  echo "net-fetch=$(wget -q -O - "http://10.0.2.2:$port/hello.txt")"
  mkdir -p /www
  echo "GUEST-HTTPD-PAGE" > /www/index.html
  httpd -p 80 -h /www
  echo "MORPHO-HTTPD-READY"
  i=0
  while [ $i -lt 240 ]; do
    wget -q -O /dev/null "http://10.0.2.2:$port/done" 2>/dev/null && break
    sleep 0.5
    i=$((i + 1))
  done
  echo "net-done-after=$i"
else
  echo "MORPHO-DHCP-FAILED"
fi
echo "MORPHO-VIRTIO-END"
poweroff -f
