#!/usr/bin/env bash
# Registers morpho-riscv64 with the kernel's binfmt_misc, so riscv64 ELF
# programs run directly (./prog, and from inside chroots and containers).
# The magic and mask are those of QEMU's qemu-binfmt-conf.sh for riscv64:
# ELFCLASS64, little-endian, ET_EXEC or ET_DYN, e_machine EM_RISCV (243).
#
#   binfmt-register.sh [--flags FLAGS] [--morpho PATH] [--name NAME]
#                      [--unregister] [--dry-run]
#
#   --flags   any of P, O, C, F (default: P F)
#             P  preserve argv[0] (Morpho reads AT_FLAGS to know)
#             O  the kernel opens the program and passes its fd
#             C  credentials from the program (setuid), implies O
#             F  the interpreter is opened now: works in chroots/containers
#   --morpho  the morpho-riscv64 to register (default: build/morpho-riscv64)
#   --name    the binfmt_misc entry name (default: morpho-riscv64)
#   --dry-run print the registration line instead of writing it
# Needs root (and binfmt_misc, which it mounts if missing) unless --dry-run.
set -euo pipefail

flags="PF"
morpho="$(cd "$(dirname "$0")/.." && pwd)/build/morpho-riscv64"
name="morpho-riscv64"
unregister=0
dry_run=0

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --flags) flags=${2:?}; shift 2 ;;
    --morpho) morpho=${2:?}; shift 2 ;;
    --name) name=${2:?}; shift 2 ;;
    --unregister) unregister=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage ;;
    *) echo "binfmt-register: unknown argument '$1'" >&2; usage ;;
  esac
done

case "$flags" in
  *[!POCF]*) echo "binfmt-register: flags must be letters among P, O, C, F (got '$flags')" >&2
             exit 2 ;;
esac
# C needs O (the kernel requires it): add it as qemu-binfmt-conf.sh does.
case "$flags" in *C*) case "$flags" in *O*) ;; *) flags="${flags}O" ;; esac ;; esac

magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00'
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'

# The interpreter must be called morpho-riscv64: Morpho picks its mode by name.
if [ "$(basename "$morpho")" != "morpho-riscv64" ]; then
  echo "binfmt-register: '$morpho' is not named morpho-riscv64" >&2
  exit 2
fi
interp=$(readlink -f "$(dirname "$morpho")")/morpho-riscv64
line=":$name:M::$magic:$mask:$interp:$flags"

if [ "$dry_run" -eq 1 ]; then
  if [ "$unregister" -eq 1 ]; then
    echo "-1 > /proc/sys/fs/binfmt_misc/$name"
  else
    echo "$line"
  fi
  exit 0
fi

dir=/proc/sys/fs/binfmt_misc
if [ ! -e "$dir/register" ]; then
  mount -t binfmt_misc binfmt_misc "$dir"
fi
if [ -e "$dir/$name" ]; then
  echo -1 > "$dir/$name"
fi
if [ "$unregister" -eq 1 ]; then
  echo "binfmt-register: $name unregistered"
  exit 0
fi
if [ ! -x "$interp" ]; then
  echo "binfmt-register: '$interp' is not executable (build Morpho first)" >&2
  exit 1
fi
printf '%s' "$line" > "$dir/register"
echo "binfmt-register: riscv64 ELF programs now run with $interp (flags $flags)"
