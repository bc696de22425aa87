#!/usr/bin/env python3
"""HMP test: the human monitor on a unix socket (-monitor unix:...), as a
script would drive it: wait for "(qemu) ", send a command, read up to the
next prompt.  Checks info status across stop/cont, x and xp against the
ELF's first instructions, x/i disassembly, info registers/cpus/jit/mtree,
log, errors for unknown commands, and quit.  Then the -nographic mux:
C-a c switches stdin to the monitor, which answers and quits.

    hmp-test.py MORPHO_SYSTEM_RISCV64 GUEST.elf BACKEND
"""
import socket
import struct
import subprocess
import sys

from monitor_client import PROMPT, Hmp, check, connect_unix, fail, start_paused

def elf_first_words(elf, n):
    """The first n 32-bit words of the first PT_LOAD segment."""
    with open(elf, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _, p_offset = struct.unpack_from("<IIQ", data, phoff + i * phentsize)
        if p_type == 1:
            return struct.unpack_from("<%dI" % n, data, p_offset)
    fail("no PT_LOAD in " + elf)


def socket_monitor(morpho, elf, backend):
    proc, path = start_paused(morpho, elf, backend, "-monitor")
    try:
        m = Hmp(path)
        banner = m.until_prompt()
        check("monitor - type 'help' for more information" in banner, "banner: %r" % banner)

        out = m.cmd("info status")
        check(out == "VM status: paused (prelaunch)\r\n", "info status under -S: %r" % out)
        words = elf_first_words(elf, 4)
        want = "0000000080000000: " + " ".join("0x%08x" % w for w in words)
        out = m.cmd("xp/4xw 0x80000000")
        check(out.strip() == want, "xp/4xw: %r, want %r" % (out, want))
        out = m.cmd("x/4xw 0x80000000")
        check(out.strip() == want, "x/4xw: %r, want %r" % (out, want))
        out = m.cmd("x/2xg 0x80000000")
        check(out.startswith("0000000080000000: 0x%016x" % (words[0] | words[1] << 32)),
              "x/2xg: %r" % out)
        out = m.cmd("x/3i 0x80000000")
        check(out.count("\n") == 3 and "0x0000000080000000:" in out, "x/3i: %r" % out)
        out = m.cmd("x/2ub 0x80000000")
        check(out.split()[1:] == [str(words[0] & 0xff), str((words[0] >> 8) & 0xff)],
              "x/2ub: %r" % out)
        out = m.cmd("info registers")
        check("pc" in out, "info registers: %r" % out)
        out = m.cmd("info cpus")
        check("* CPU #0: thread_id=" in out and "thread_id=0" not in out, "info cpus: %r" % out)
        out = m.cmd("info mtree")
        check("address-space" in out or "memory" in out, "info mtree: %r" % out)

        m.cmd("cont")
        check(m.cmd("info status").startswith("VM status: running"), "running after cont")
        m.cmd("stop")
        check(m.cmd("info status").startswith("VM status: paused\r"), "paused after stop")
        out = m.cmd("info jit")
        check("TB cache: " in out and "TLB fills" in out and "Translation backend: " + backend in out,
              "info jit: %r" % out)

        check(m.cmd("log guest_errors") == "", "log guest_errors")
        check("Invalid parameter 'bogus'" in m.cmd("log bogus"), "log bogus")
        check("unknown command: 'frobnicate'" in m.cmd("frobnicate"), "unknown command")
        out = m.cmd("help")
        check("x /fmt addr -- virtual memory dump" in out, "help: %r" % out)
        check("quit" in m.cmd("help quit"), "help quit")

        # gdbserver starts the stub on a free port; gdb's handshake answers.
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        out = m.cmd("gdbserver tcp::%d" % port)
        check("Waiting for gdb connection on device 'tcp::%d'" % port in out,
              "gdbserver: %r" % out)
        g = socket.create_connection(("127.0.0.1", port), timeout=10)
        g.sendall(b"$?#3f")
        reply = b""
        while b"#" not in reply or len(reply.split(b"#", 1)[1]) < 2:
            reply += g.recv(100)
        check(reply.startswith(b"+$T05thread:01;"), "gdb stop reason: %r" % reply)
        g.close()

        m.sock.sendall(b"quit\r")
        status = proc.wait(timeout=10)
        check(status == 0, "exit status %d after quit" % status)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def mux_monitor(morpho, elf, backend):
    proc = subprocess.Popen([morpho, "-M", "virt", "-bios", "none", "-kernel", elf,
                             "-nographic", "-S", "-accel", "tcg,backend=" + backend],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(b"\x01cinfo status\rquit\r", timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        fail("-nographic monitor did not quit: %r" % out)
    check(b"(qemu) " in out and b"VM status: paused (prelaunch)" in out,
          "-nographic C-a c: %r" % out)
    check(proc.returncode == 0, "-nographic exit status %d" % proc.returncode)


def main():
    morpho, elf, backend = sys.argv[1:4]
    socket_monitor(morpho, elf, backend)
    mux_monitor(morpho, elf, backend)
    print("hmp-test: ok")


if __name__ == "__main__":
    main()
