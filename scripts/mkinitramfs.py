#!/usr/bin/env python3
"""Builds a gzip-compressed initramfs (cpio "newc") for Morpho's Linux guests.

    mkinitramfs.py OUT.cpio.gz --busybox PATH --init PATH [--file SRC:DEST[:MODE]]...

Written in Python rather than with cpio(1) so that the device nodes
(/dev/console, /dev/null) can be made without root and the archive is
byte-for-byte reproducible (fixed owners and times).  The tree holds busybox
as /bin/busybox, the given /init, the usual empty mount points, and any
extra files.
"""
import argparse
import gzip
import os
import stat
import sys

def header(name, mode, size, ino, rdev_major=0, rdev_minor=0, nlink=1):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev_major, rdev_minor, len(name) + 1, 0]
    return ("070701" + "".join("%08x" % f for f in fields)).encode()

def pad4(n):
    return (4 - n % 4) % 4

class Cpio:
    def __init__(self):
        self.data = bytearray()
        self.ino = 1

    def add(self, name, mode, content=b"", major=0, minor=0):
        h = header(name, mode, len(content), self.ino, major, minor,
                   2 if stat.S_ISDIR(mode) else 1)
        self.ino += 1
        self.data += h + name.encode() + b"\0"
        self.data += b"\0" * pad4(len(h) + len(name) + 1)
        self.data += content + b"\0" * pad4(len(content))

    def trailer(self):
        self.add("TRAILER!!!", 0)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--init", required=True)
    ap.add_argument("--file", action="append", default=[],
                    help="SRC:DEST[:MODE] extra file (MODE octal, default 0644)")
    args = ap.parse_args()

    c = Cpio()
    for d in ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "tmp",
              "root", "etc", "mnt", "run", "lib", "lib/modules"]:
        c.add(d, stat.S_IFDIR | 0o755)
    c.add("dev/console", stat.S_IFCHR | 0o600, major=5, minor=1)
    c.add("dev/null", stat.S_IFCHR | 0o666, major=1, minor=3)
    c.add("dev/ttyS0", stat.S_IFCHR | 0o660, major=4, minor=64)
    with open(args.busybox, "rb") as f:
        c.add("bin/busybox", stat.S_IFREG | 0o755, f.read())
    c.add("bin/sh", stat.S_IFLNK | 0o777, b"busybox")
    with open(args.init, "rb") as f:
        c.add("init", stat.S_IFREG | 0o755, f.read())
    for spec in args.file:
        parts = spec.split(":")
        if len(parts) not in (2, 3):
            sys.exit("mkinitramfs: --file wants SRC:DEST[:MODE], got %r" % spec)
        mode = int(parts[2], 8) if len(parts) == 3 else 0o644
        dest = parts[1].lstrip("/")
        with open(parts[0], "rb") as f:
            c.add(dest, stat.S_IFREG | mode, f.read())
    c.trailer()
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(gzip.compress(bytes(c.data), mtime=0))
    os.replace(tmp, args.out)

if __name__ == "__main__":
    main()
