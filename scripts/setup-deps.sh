#!/usr/bin/env bash
# Installs, from Debian's archive, what Morpho's build and tests need, when
# missing.  Safe to run again; quiet when everything is present.  Needs root
# (or sudo) only when something is missing.
set -euo pipefail

packages=(meson ninja-build pkg-config gcc clang python3 libfdt-dev libslirp-dev
          libcapstone-dev libglib2.0-dev gcc-riscv64-linux-gnu device-tree-compiler cpio gzip)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
