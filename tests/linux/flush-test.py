#!/usr/bin/env python3
"""Boots Debian's riscv64 guest on two vCPUs with an 8 MiB code buffer
(-accel tcg,tb-size=8), small enough that the boot fills it and flushes it
several times while the other vCPU runs generated code, then checks what
the guest computed (the boot test's /init: marker, CPU count, an md5) and,
through the human monitor polled while the guest runs, that the TB cache
really was flushed.  (The guest's poweroff ends Morpho even with
-no-shutdown, as the virt board's test finisher ends QEMU.)

    flush-test.py MORPHO_SYSTEM_RISCV64
"""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "monitor"))
from monitor_client import Hmp, check  # noqa: E402
from guest_images import guest_images  # noqa: E402


def main():
    morpho = sys.argv[1]
    img = guest_images("init-test.sh")
    tmp = tempfile.mkdtemp()
    sock, console = os.path.join(tmp, "monitor.sock"), os.path.join(tmp, "console.log")
    proc = subprocess.Popen([morpho, "-M", "virt", "-smp", "2", "-m", "512M",
                             "-display", "none", "-serial", "file:" + console,
                             "-monitor", "unix:%s,server=on,wait=off" % sock,
                             "-no-shutdown", "-accel", "tcg,backend=jit,tb-size=8",
                             "-bios", img[2], "-kernel", img[0], "-initrd", img[1],
                             "-append", "console=ttyS0"], stdin=subprocess.DEVNULL)
    try:
        m = Hmp(sock)
        m.until_prompt()
        flushes, stats = 0, ""
        deadline = time.time() + 900
        while time.time() < deadline:
            try:
                stats = m.cmd("info jit")
            except (OSError, EOFError):
                break                       # the guest powered off: Morpho exited
            found = re.search(r"(\d+) flushes", stats)
            check(found is not None, "no flush count in `info jit`: %r" % stats)
            flushes = max(flushes, int(found.group(1)))
            time.sleep(0.25)
        check(proc.wait(timeout=60) == 0, "Morpho exited with status %s" % proc.returncode)
        with open(console, errors="replace") as f:
            out = f.read()
        md5 = subprocess.run("seq 1 2000 | md5sum", shell=True, capture_output=True,
                             text=True).stdout.split()[0]
        for want in ("MORPHO-BOOT-MARKER", "nproc=2", "sum=" + md5):
            check(want in out, "expected %r in the console output; last lines:\n%s"
                  % (want, out[-2000:]))
        check(flushes >= 1, "the code buffer was never flushed: %r" % stats)
        print("flush-test: ok, at least %d flushes" % flushes)
    finally:
        if proc.poll() is None:
            proc.kill()


if __name__ == "__main__":
    main()
