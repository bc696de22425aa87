#!/usr/bin/env bash
# `make run`: the main job, booting Debian's riscv64 Linux to a busybox shell
# on the virt board.  Until the board exists (issue: the RISC-V virt board),
# this says so instead of pretending.
set -euo pipefail
cd "$(dirname "$0")/.."
exec build/morpho-system-riscv64 -M virt -nographic "$@"
