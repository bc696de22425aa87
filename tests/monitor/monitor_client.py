"""What the monitor-driven test scripts share: starting Morpho paused with a
monitor on a unix socket, connecting to it while Morpho is still starting
(it retries until the server listens), an HMP client, and failing the
test with the script's name in the message."""
import os
import socket
import subprocess
import sys
import tempfile
import time

NAME = os.path.basename(sys.argv[0]).removesuffix(".py")


def fail(msg):
    print("%s: FAIL: %s" % (NAME, msg), file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def connect_unix(path, timeout=10):
    """A socket connected to path, retried until timeout seconds have passed
    (the server socket appears only once Morpho has parsed its options)."""
    deadline = time.time() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.connect(path)
            sock.settimeout(timeout)
            return sock
        except OSError:
            sock.close()
            if time.time() > deadline:
                raise
            time.sleep(0.05)


PROMPT = b"(qemu) "


class Hmp:
    """The human monitor on a unix socket: cmd() sends a line and returns
    its output (without the echo), checking that the echo came first."""

    def __init__(self, path):
        self.sock = connect_unix(path)
        self.buf = b""

    def until_prompt(self):
        while PROMPT not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("monitor closed; got %r" % self.buf)
            self.buf += data
        text, self.buf = self.buf.split(PROMPT, 1)
        return text.decode()

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\r")
        out = self.until_prompt()
        # The echo of the line comes first, then CR LF, then the output.
        echoed, _, rest = out.partition("\r\n")
        check(echoed.endswith(line), "echo of %r: %r" % (line, out))
        return rest


def start_paused(morpho, elf, backend, monitor_option):
    """Morpho on the virt board, paused (-S), with `monitor_option` (-monitor
    or -qmp) on a fresh unix socket: (process, socket path)."""
    path = os.path.join(tempfile.mkdtemp(), "monitor.sock")
    proc = subprocess.Popen([morpho, "-M", "virt", "-bios", "none", "-kernel", elf,
                             "-display", "none", "-serial", "null", "-S",
                             "-accel", "tcg,backend=" + backend,
                             monitor_option, "unix:%s,server=on,wait=off" % path],
                            stdin=subprocess.DEVNULL)
    return proc, path
