#!/usr/bin/env python3
"""Drives the interactive guest shell through a pseudo-terminal, as a user
at `make run` would: waits for the prompt, types a command, reads its
output, sends Ctrl-C to the guest (it must not kill Morpho), then powers
off with `poweroff -f` and checks Morpho's exit status.

    shell-test.py MORPHO_SYSTEM_RISCV64 BACKEND
"""
import os
import pty
import select
import sys
import time

from guest_images import guest_images

def main():
    morpho, backend = sys.argv[1], sys.argv[2]
    img = guest_images("init-shell.sh")
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(morpho, [morpho, "-M", "virt", "-m", "512M", "-nographic",
                          "-accel", "tcg,backend=" + backend, "-bios", img[2],
                          "-kernel", img[0], "-initrd", img[1], "-append", "console=ttyS0"])
    out = bytearray()

    def wait_for(text, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text.encode() in out:
                return True
            r, _, _ = select.select([fd], [], [], 1)
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    return False
                if not data:
                    return False
                out.extend(data)
        return False

    def fail(msg):
        sys.stderr.write("shell-test: %s\n---- console ----\n%s\n" %
                         (msg, out[-3000:].decode(errors="replace")))
        os.kill(pid, 9)
        sys.exit(1)

    if not wait_for("Morpho guest:", 900):
        fail("the guest did not reach /init")
    if not wait_for("# ", 120):
        fail("no shell prompt")
    del out[:]
    os.write(fd, b"echo $((6*7))-answer\r")
    if not wait_for("42-answer", 120):
        fail("the shell did not run the command")
    os.write(fd, b"sleep 30\r")
    time.sleep(2)
    os.write(fd, b"\x03")          # Ctrl-C goes to the guest's sleep
    del out[:]
    os.write(fd, b"echo after-ctrl-c\r")
    if not wait_for("\nafter-ctrl-c", 120):
        fail("Ctrl-C did not interrupt the guest's command")
    os.write(fd, b"poweroff -f\r")
    wait_for("Power down", 120)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        fail("morpho exited with %d after poweroff" % code)
    print("shell-test: ok")

if __name__ == "__main__":
    main()
