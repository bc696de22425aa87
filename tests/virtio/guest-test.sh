#!/usr/bin/env bash
# The virtio devices under a real Linux guest (Debian's riscv64 kernel on
# the virt board, /init = tests/virtio/init-virtio.sh):
#   virtio-blk  the guest reads a host-made image (md5 compared) and writes a
#               pattern at 1 MiB that the host finds in the file after poweroff
#   virtio-net  DHCP gives 10.0.2.15; the guest fetches a file from a python
#               http.server on the host's 127.0.0.1 via 10.0.2.2; the host
#               fetches the guest's busybox httpd page through hostfwd
#   virtio-rng  /dev/hwrng is virtio_rng and gives bytes
#   console     a line written to /dev/hvc0 lands in the chardev's file
#   guest-test.sh EMULATOR [BACKEND]
# (BOOT_GRACE=seconds: how long to wait for OpenSBI's banner before skipping.)
# EMULATOR is morpho-system-riscv64 (BACKEND: interp|jit) or, to check the
# test itself, qemu-system-riscv64 (BACKEND ignored).  Exit 77 when the
# Debian images cannot be prepared.
set -uo pipefail
emu=$1 backend=${2:-jit}
top=$(cd "$(dirname "$0")/../.." && pwd)
if ! mapfile -t img < <("$top/tests/virtio/virtio-image.sh") || [ ${#img[@]} -ne 3 ]; then
  echo "virtio guest-test: could not prepare the Debian guest images (no archive access?)" >&2
  exit 77
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# The disk: 8 MiB, the first MiB from `seq`, the rest zeros.
disk=$work/disk.img
seq 1 200000 | head -c 1048576 > "$disk"
truncate -s 8M "$disk"
want_md5=$(head -c 1048576 "$disk" | md5sum | cut -d' ' -f1)

# The host's web server, on 127.0.0.1 only.
mkdir -p "$work/www"
echo "HOST-FILE-$$" > "$work/www/hello.txt"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
fwd=$(free_port)
(cd "$work/www" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
pids+=($!)

accel=()
case $(basename "$emu") in
  morpho*) accel=(-accel "tcg,backend=$backend") ;;
esac
log=$work/console.log
hvc=$work/hvc0.log
timeout --foreground -k 5 900 "$emu" -M virt -smp 1 -m 512M -nographic "${accel[@]}" \
  -bios "${img[2]}" -kernel "${img[0]}" -initrd "${img[1]}" \
  -append "console=ttyS0 morpho.port=$port" \
  -drive "file=$disk,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0 \
  -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$fwd-:80" -device virtio-net-device,netdev=n0 \
  -object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-device,rng=rng0 \
  -chardev "file,id=con0,path=$hvc" -device virtio-serial-device -device virtconsole,chardev=con0 \
  </dev/null >"$log" 2>&1 &
emu_pid=$!
pids+=($emu_pid)

# Wait for the guest's web server, fetch its page through hostfwd, then
# tell the guest it may finish.
# A Morpho that cannot boot the firmware yet (the RISC-V privileged work
# still landing) skips rather than burning the whole timeout: OpenSBI's
# banner must show within BOOT_GRACE seconds.
page=""
grace=${BOOT_GRACE:-90}
for i in $(seq 1 1800); do
  if [ $((i / 2)) -ge "$grace" ] && ! grep -q "OpenSBI" "$log" 2>/dev/null; then
    kill "$emu_pid" 2>/dev/null
    echo "virtio guest-test: no OpenSBI banner after ${grace}s: the guest does not boot yet" >&2
    exit 77
  fi
  if grep -q "MORPHO-HTTPD-READY" "$log" 2>/dev/null; then
    page=$(curl -s --max-time 20 "http://127.0.0.1:$fwd/index.html")
    break
  fi
  kill -0 "$emu_pid" 2>/dev/null || break
  sleep 0.5
done
touch "$work/www/done"
wait "$emu_pid"
status=$?

fail=0
expect() {
  if ! grep -q -- "$1" "$log"; then
    echo "virtio guest-test: expected '$1' in the console output" >&2
    fail=1
  fi
}
expect "MORPHO-VIRTIO-START"
expect "disk-size=16384"
expect "disk-read-md5=$want_md5"
expect "disk-write-done"
expect "rng-current=virtio_rng"
expect "rng-bytes=64"
expect "hvc0-written"
expect "net-addr=10.0.2.15"
expect "net-fetch=HOST-FILE-$$"
expect "MORPHO-VIRTIO-END"
if [ "$page" != "GUEST-HTTPD-PAGE" ]; then
  echo "virtio guest-test: hostfwd fetch gave '$page'" >&2
  fail=1
fi
if ! grep -q "MORPHO-HVC0-HELLO" "$hvc" 2>/dev/null; then
  echo "virtio guest-test: nothing from /dev/hvc0 in the chardev file" >&2
  fail=1
fi
if ! cmp -s <(seq 1 100000) <(tail -c +1048577 "$disk" | head -c "$(seq 1 100000 | wc -c)"); then
  echo "virtio guest-test: the guest's pattern is not in the image at 1 MiB" >&2
  fail=1
fi
if [ $status -ne 0 ]; then
  echo "virtio guest-test: the emulator exited with status $status" >&2
  fail=1
fi
if [ $fail -ne 0 ]; then
  echo "---- last console lines ----" >&2
  tail -40 "$log" >&2
fi
exit $fail
