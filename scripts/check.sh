#!/usr/bin/env bash
# `make check`: builds Morpho twice (normal, and ASan+UBSan), runs every
# meson test suite of the normal build and the unit suite of the sanitizer
# build, and prints one closing line "N passed, N failed, N skipped" summed
# over all runs.  Exit status is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

total_pass=0 total_fail=0 total_skip=0 status=0

count() {   # count BUILDDIR: adds up meson's testlog.json of the last run
  local counts
  counts=$(python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = s = 0
try:
    for line in open(sys.argv[1]):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"): p += 1
        elif r == "SKIP": s += 1
        else: f += 1
except FileNotFoundError:
    f = 1
print(p, f, s)
PY
)
  read -r p f s <<<"$counts"
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + s))
}

run_suite() {  # run_suite BUILDDIR [meson test args...]
  local dir=$1; shift
  meson test -C "$dir" --print-errorlogs --num-processes "$(nproc)" "$@" || status=1
  count "$dir"
}

run_suite build
run_suite build-san --suite unit

echo
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$status" -eq 0 ] && [ "$total_fail" -eq 0 ]
