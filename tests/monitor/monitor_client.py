"""What the HMP and QMP test scripts share: starting Morpho paused with a
monitor on a unix socket, connecting to it while Morpho is still starting
(it retries until the server listens), and failing the test with the
script's name in the message."""
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
