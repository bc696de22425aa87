"""The Debian guest the tests/linux scripts boot: scripts/guest-image.sh
prepares (and caches) the kernel, the initramfs around a given /init and
OpenSBI.  A script that cannot get them skips (exit 77), as boot-test.sh
does."""
import os
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def guest_images(init):
    """(kernel, initrd, firmware) for guest/<init>, or exit 77."""
    try:
        img = subprocess.run([os.path.join(TOP, "scripts/guest-image.sh"),
                              os.path.join(TOP, "guest", init)],
                             check=True, capture_output=True, text=True).stdout.split()
    except subprocess.CalledProcessError:
        img = []
    if len(img) != 3:
        name = os.path.basename(sys.argv[0]).removesuffix(".py")
        print("%s: could not prepare the Debian guest images" % name, file=sys.stderr)
        sys.exit(77)
    return img
