#!/usr/bin/env python3
"""Raw GDB remote protocol test, for what gdb -batch cannot script: two
vCPUs as threads (qfThreadInfo, Hg, T, stop replies naming the thread),
Ctrl-C while running (T02), a bad checksum (answered '-'), no-ack mode,
vCont stepping one thread, detach (the VM runs on) and kill (Morpho
exits).

    rsp-test.py MORPHO_SYSTEM_RISCV64 GDBTEST.elf BACKEND
"""
import socket
import subprocess
import sys
import time


def fail(msg):
    print("rsp-test: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def checksum(data):
    return sum(data) & 0xff


class Rsp:
    def __init__(self, port):
        deadline = time.time() + 10
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.s.settimeout(10)
        self.buf = b""
        self.ack = True

    def byte(self):
        if not self.buf:
            data = self.s.recv(4096)
            if not data:
                raise EOFError("stub closed the connection")
            self.buf = data
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def send_raw(self, data):
        self.s.sendall(data)

    def packet(self):
        while True:
            b = self.byte()
            if b == b"$":
                break
            check(b in b"+", "unexpected byte %r before a packet" % b)
        data = b""
        while True:
            b = self.byte()
            if b == b"#":
                break
            data += b
        cs = self.byte() + self.byte()
        check(int(cs, 16) == checksum(data), "bad checksum from the stub: %r" % data)
        if self.ack:
            self.send_raw(b"+")
        return data.decode()

    def cmd(self, text):
        data = text.encode()
        self.send_raw(b"$" + data + b"#%02x" % checksum(data))
        if self.ack:
            b = self.byte()
            check(b == b"+", "no ack for %r: %r" % (text, b))
        return self.packet()


def main():
    morpho, elf, backend = sys.argv[1:4]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    proc = subprocess.Popen([morpho, "-M", "virt", "-smp", "2", "-bios", "none", "-kernel", elf,
                             "-display", "none", "-serial", "null", "-S",
                             "-accel", "tcg,backend=" + backend, "-gdb", "tcp::%d" % port],
                            stdin=subprocess.DEVNULL)
    try:
        g = Rsp(port)
        r = g.cmd("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=riscv")
        check("PacketSize=" in r and "qXfer:features:read+" in r and "vContSupported+" in r,
              "qSupported: %r" % r)
        xml = ""
        off = 0
        while True:
            r = g.cmd("qXfer:features:read:target.xml:%x,200" % off)
            check(r[0] in "ml", "qXfer: %r" % r)
            xml += r[1:]
            off += len(r) - 1
            if r[0] == "l":
                break
        for feat in ("org.gnu.gdb.riscv.cpu", "org.gnu.gdb.riscv.fpu", "org.gnu.gdb.riscv.csr"):
            check(feat in xml, "target.xml lacks " + feat)
        check(g.cmd("?").startswith("T05thread:01;"), "stop reason")
        check(g.cmd("qfThreadInfo") == "m1,2", "thread list")
        check(g.cmd("qsThreadInfo") == "l", "thread list end")
        check(g.cmd("T2") == "OK" and g.cmd("T3").startswith("E"), "thread alive")
        check(g.cmd("Hg2") == "OK", "Hg2")
        pc2 = g.cmd("p20")
        check(pc2 == "0010000000000000", "thread 2 pc at the reset vector: %r" % pc2)
        # Park thread 2 in the program's final loop so that it never reaches
        # the finisher while thread 1 is driven below.
        check(g.cmd("P20=2c00008000000000") == "OK", "thread 2 pc to the loop")
        check(g.cmd("Hg3").startswith("E"), "Hg on a missing thread")
        check(g.cmd("Hg1") == "OK", "Hg1")
        # Thread 1 to _start (0x80000000), then step it alone with vCont.
        check(g.cmd("P20=0000008000000000") == "OK", "write pc")
        check(g.cmd("p20") == "0000008000000000", "pc written")
        r = g.cmd("vCont;s:1;c")
        check(r.startswith("T05thread:01;"), "vCont step: %r" % r)
        check(g.cmd("p20") == "0400008000000000", "stepped one instruction")
        # A bad checksum is refused with '-', and the stub stays in sync.
        g.send_raw(b"$g#00")
        check(g.byte() == b"-", "bad checksum not refused")
        check(len(g.cmd("g")) == 33 * 16, "g packet size")
        # Memory: write, read back (the program's own variables).
        check(g.cmd("M80001000,8:2a00000000000000") == "OK", "M")
        check(g.cmd("m80001000,8") == "2a00000000000000", "m after M")
        check(g.cmd("X80001000,1:\x7d\x5d") == "OK", "X with an escape")
        check(g.cmd("m80001000,1") == "7d", "m after X")
        check(g.cmd("m0,8").startswith("E"), "unmapped memory read")
        # No-ack mode.
        check(g.cmd("QStartNoAckMode") == "OK", "QStartNoAckMode")
        g.ack = False
        # Run, then Ctrl-C: the stop reply is SIGINT.  (Thread 1 ends in the
        # finisher only after main; thread 2 loops on its trap.)
        check(g.cmd("Z0,80000010,4") == "OK", "Z0")
        g.send_raw(b"$c#63")
        r = g.packet()
        check(r.startswith("T05thread:01;"), "breakpoint after main: %r" % r)
        check(g.cmd("p20") == "1000008000000000", "pc at the breakpoint")
        check(g.cmd("z0,80000010,4") == "OK", "z0")
        # Park thread 1 in the final loop, run, interrupt.
        check(g.cmd("P20=2c00008000000000") == "OK", "pc to the loop")
        g.send_raw(b"$c#63")
        time.sleep(0.3)
        g.send_raw(b"\x03")
        r = g.packet()
        check(r.startswith("T02thread:"), "Ctrl-C: %r" % r)
        # Detach: the VM runs on; then a new connection and kill.
        check(g.cmd("D") == "OK", "detach")
        g.s.close()
        time.sleep(0.2)
        check(proc.poll() is None, "Morpho exited on detach")
        g = Rsp(port)
        g.cmd("?")
        g.send_raw(b"$k#6b")
        status = proc.wait(timeout=10)
        check(status == 0, "exit status %d after k" % status)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    print("rsp-test: ok")


if __name__ == "__main__":
    main()
