#!/usr/bin/env bash
# Fetches Debian packages with scripts/debian-fetch.sh and merges them into
# one tree laid out as they would be installed (merged /usr: bin, lib, sbin
# are links into usr/), for `morpho-riscv64 -L TREE` or, for a host
# architecture, running TREE's programs through TREE's own loader.
#
#   debian-sysroot.sh ARCH SUITE PKGDIR SYSROOT PKG...
#
# PKGDIR holds the unpacked packages (debian-fetch.sh's DEST).  SYSROOT is
# rebuilt only when it is missing or was built from another package list
# (SYSROOT/.complete records the list), so a second run costs nothing.
# Exit status is debian-fetch.sh's when a package cannot be fetched.
set -euo pipefail
[ $# -ge 5 ] || { echo "usage: $0 ARCH SUITE PKGDIR SYSROOT PKG..." >&2; exit 2; }
arch=$1 suite=$2 pkgdir=$3 sysroot=$4
shift 4
"$(dirname "$0")/debian-fetch.sh" "$arch" "$suite" "$pkgdir" "$@" >/dev/null

want="$arch $suite $*"
if [ -e "$sysroot/.complete" ] && [ "$(cat "$sysroot/.complete")" = "$want" ]; then
  exit 0
fi
# Built aside and renamed into place: a test of another worktree may be
# reading the old tree right now.
tmp=$sysroot.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp/usr"
for p in "$@"; do
  cp -a "$pkgdir/$p/." "$tmp/"
done
for d in bin lib lib64 sbin; do
  [ -e "$tmp/$d" ] || [ ! -e "$tmp/usr/$d" ] || ln -s "usr/$d" "$tmp/$d"
done
echo "$want" > "$tmp/.complete"
if [ -e "$sysroot" ]; then mv "$sysroot" "$sysroot.old.$$"; fi
mv "$tmp" "$sysroot"
rm -rf "$sysroot.old.$$"
