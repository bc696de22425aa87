#!/usr/bin/env bash
# Downloads Debian binary packages of a foreign architecture and unpacks them,
# for guests and user-mode tests: `debian-fetch.sh ARCH SUITE DEST PKG...`.
#
# Uses a private apt state (lists, cache, sources) under ~/.cache/morpho/apt,
# so the machine's own apt setup is never touched; the mirror is read from
# the machine's apt configuration (deb822 .sources or sources.list), so no
# archive host name lives in this project.  Each package is unpacked with
# dpkg-deb -x into DEST/PKG/ (files) and its .deb kept in the cache; a second
# run with everything present does nothing.
#
# `debian-fetch.sh ARCH SUITE --first-depend PKG` prints the first dependency
# of PKG (e.g. the versioned kernel behind linux-image-riscv64) and exits.
set -euo pipefail

usage() { echo "usage: $0 ARCH SUITE DEST PKG..." >&2; exit 2; }
[ $# -ge 4 ] || usage
arch=$1 suite=$2 dest=$3; shift 3

cache=${MORPHO_CACHE:-$HOME/.cache/morpho}
state=$cache/apt/$arch-$suite
mkdir -p "$state"/{lists/partial,archives/partial,etc}
[ "$dest" = "--first-depend" ] || mkdir -p "$dest"

mirror() {
  # First Debian (non-security) archive URI the machine's apt uses.
  local uri=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk '/^URIs:/ {for (i = 2; i <= NF; i++) if ($i !~ /security/) {print $i; exit}}' "$f")
    [ -n "$uri" ] && break
  done
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { if ($i !~ /security/) { print $i; exit } else break } }' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || { echo "debian-fetch: no Debian mirror found in /etc/apt" >&2; exit 1; }
  echo "$uri"
}

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [arch=$arch signed-by=$keyring] $(mirror) $suite main" > "$state/etc/sources.list"

apt_opts=(-o "Dir::State=$state" -o "Dir::State::status=/dev/null"
          -o "Dir::Cache=$state" -o "Dir::Cache::archives=$state/archives"
          -o "Dir::Etc::SourceList=$state/etc/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
          -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
          -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root" -q)

refresh_lists() {
  # At most once a day.
  if [ -z "$(find "$state/lists" -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
    apt-get "${apt_opts[@]}" update >/dev/null
  fi
}

if [ "$dest" = "--first-depend" ]; then
  refresh_lists
  apt-cache "${apt_opts[@]}" depends --important "$1" | awk '/Depends:/ { print $2; exit }'
  exit 0
fi

need=()
for p in "$@"; do [ -d "$dest/$p" ] || need+=("$p"); done
[ ${#need[@]} -eq 0 ] && exit 0

refresh_lists

for p in "${need[@]}"; do
  ( cd "$state/archives" && apt-get "${apt_opts[@]}" download "$p" >/dev/null ) || {
    echo "debian-fetch: could not download $p ($arch, $suite)" >&2; exit 1; }
  deb=$(ls -t "$state/archives/${p}_"*"_$arch.deb" "$state/archives/${p}_"*"_all.deb" 2>/dev/null | head -1 || true)
  [ -n "$deb" ] || { echo "debian-fetch: $p downloaded but no .deb found" >&2; exit 1; }
  rm -rf "$dest/$p.tmp" && mkdir -p "$dest/$p.tmp"
  dpkg-deb -x "$deb" "$dest/$p.tmp"
  mv "$dest/$p.tmp" "$dest/$p"
done
