#!/usr/bin/env bash
# Fuzz the command-line and -readconfig parsers (src/config/config_fuzz.c)
# with libFuzzer + ASan + UBSan.  Not part of meson: it needs clang.
#   bench/fuzz-config.sh [SECONDS]   (default 60)
# Builds into build-fuzz/, keeps its corpus in build-fuzz/corpus-config and
# any crash reproducer in build-fuzz/.  Exit status is libFuzzer's.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=build-fuzz
mkdir -p "$out/gen/config" "$out/corpus-config"

version=$(sed -n "s/^ *version: *'\([^']*\)'.*/\1/p" meson.build | head -1)
sed "s/@VERSION@/${version:-0}/" src/config/version.h.in > "$out/gen/config/version.h"

clang -std=gnu11 -g -O1 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
    -Wno-missing-field-initializers -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$out/gen" -Isrc \
    src/config/config_fuzz.c src/config/opts.c src/config/cmdline.c \
    src/config/readconfig.c src/core/error.c src/util/log.c \
    -o "$out/fuzz-config"

# Seeds: one command line and one INI file (first byte picks the parser).
printf '\0-M\0virt,dumpdtb=x\0-smp\0cpus=2,sockets=2\0-m\0size=1G,maxmem=2G,slots=1\0-device\0foo,id=a,,b,nox\0-global\0a.b=c\0-d\0guest_errors' \
    > "$out/corpus-config/seed-cmdline"
printf '\1# virt.cfg\n[machine]\n  type = "virt"\n[device "d0"]\n  driver = "x"\n[smp-opts]\n  cpus = "2"\n[memory]\n  size = "4G"\n' \
    > "$out/corpus-config/seed-ini"

status=0
"$out/fuzz-config" -max_total_time="$seconds" -max_len=512 -timeout=5 \
    -artifact_prefix="$out/" "$out/corpus-config" >/dev/null 2>"$out/fuzz-config.log" \
    || status=$?
if [ "$status" -ne 0 ]; then
    tail -40 "$out/fuzz-config.log"
else
    grep -E '^Done [0-9]+ runs' "$out/fuzz-config.log" || tail -2 "$out/fuzz-config.log"
fi
exit "$status"
