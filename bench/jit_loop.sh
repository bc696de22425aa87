#!/usr/bin/env bash
# Build and run the JIT vs interpreter micro-benchmark against build/'s
# library: bench/jit_loop.sh [iterations]
set -euo pipefail
cd "$(dirname "$0")/.."
ninja -C build >/dev/null
cc -O2 -std=gnu11 -D_GNU_SOURCE -Isrc bench/jit_loop.c build/libmorpho.a \
   $(pkg-config --libs capstone slirp) -lfdt -lm -ldl -lpthread -o build/bench-jit-loop
exec build/bench-jit-loop "$@"
