#!/usr/bin/env bash
# Real Debian programs: the riscv64 builds (trixie) under morpho-riscv64
# against the host's amd64 builds, same command line, same input, same
# output.  busybox-static first, then lua5.4, xz-utils, sqlite3 and
# python3-minimal, run with -L on a sysroot merged from their packages.
#
#   debian-programs.sh MORPHO_RISCV64 SCRIPTS_DIR
#
# Packages come from scripts/debian-fetch.sh (cached under
# ~/.cache/morpho); without network the test is skipped (77).  Host
# programs missing from the machine are installed with apt-get when we are
# root, else their cases are skipped.  Anything that differs fails.
set -u
morpho=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")   # keep the link name
scripts=$2
cache=${MORPHO_CACHE:-$HOME/.cache/morpho}/debian
rv=$cache/riscv64
hostbb=$cache/amd64
sysroot=$cache/riscv64-sysroot

rv_pkgs=(libc6 libgcc-s1 libtinfo6 libreadline8t64 zlib1g liblzma5 libsqlite3-0 libexpat1
         liblua5.4-0 lua5.4 xz-utils sqlite3 libpython3.13-minimal python3.13-minimal)

"$scripts/debian-fetch.sh" riscv64 trixie "$rv" busybox-static >/dev/null ||
    { echo "SKIP: cannot fetch riscv64 busybox-static"; exit 77; }
"$scripts/debian-fetch.sh" amd64 bookworm "$hostbb" busybox-static >/dev/null ||
    { echo "SKIP: cannot fetch amd64 busybox-static"; exit 77; }
# One tree for -L, as the packages would be installed (merged /usr).
have_sysroot=1
"$scripts/debian-sysroot.sh" riscv64 trixie "$rv" "$sysroot" "${rv_pkgs[@]}" || have_sysroot=0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0 skip=0

# compare NAME STDIN_FILE GUEST_CMD... -- HOST_CMD...
compare() {
    local name=$1 input=$2
    shift 2
    local guest=() host=()
    while [ "$1" != "--" ]; do guest+=("$1"); shift; done
    shift
    host=("$@")
    # (the outer redirection keeps the shell's "Illegal instruction"-style
    # job messages out of the log: the exit status says it)
    local grc
    grc=$( { (cd "$work" && "${guest[@]}") < "$input" > "$work/guest.out" 2>"$work/guest.err"
             echo $?; } 2>/dev/null)
    (cd "$work" && "${host[@]}") < "$input" > "$work/host.out" 2>/dev/null
    local hrc=$?
    if [ "$grc" -ne "$hrc" ] || ! cmp -s "$work/guest.out" "$work/host.out"; then
        echo "FAIL $name: exit $grc (host $hrc)"
        diff "$work/host.out" "$work/guest.out" | head -10
        head -5 "$work/guest.err"
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
}

# ---- busybox ----
rvbb=$rv/busybox-static/usr/bin/busybox
hbb=$hostbb/busybox-static/bin/busybox
[ -x "$hbb" ] || hbb=$hostbb/busybox-static/usr/bin/busybox
for i in $(seq 1 300); do echo "line $((i * 7919 % 1000)) word$((i % 13))"; done > "$work/text"
printf '' > "$work/empty"
mkdir -p "$work/tree/a/b" && echo one > "$work/tree/a/1" && echo two > "$work/tree/a/b/2"

bb() {  # bb NAME STDIN ARGS...: the same busybox command line on both
    local name=$1 input=$2
    shift 2
    compare "busybox $name" "$input" "$morpho" "$rvbb" "$@" -- "$hbb" "$@"
}
bb echo "$work/empty" echo hello from busybox
bb printf "$work/empty" printf '%05d %x %o %s|%-6s|\n' 42 255 8 str ab
bb sh-arith "$work/empty" sh -c 'i=0; while [ $i -lt 1000 ]; do i=$((i + 7)); done; echo $i'
bb sh-pipes "$work/text" sh -c 'grep word3 | sort | uniq -c | sort -r | head -5'
bb sort "$work/text" sort
bb sort-k "$work/text" sort -k2,2 -k1,1r
bb uniq "$work/text" sh -c 'cut -d" " -f3 | sort | uniq -c'
bb wc "$work/text" wc
bb tr "$work/text" tr a-z A-Z
bb sed "$work/text" sed -n 's/line \([0-9]*\) word1$/\1/p'
bb grep-c "$work/text" grep -c 'word1[0-2]'
bb head-tail "$work/text" sh -c 'head -20 | tail -3'
bb md5sum "$work/text" md5sum
bb sha256sum "$work/text" sha256sum
bb sha512sum "$work/text" sha512sum
bb od "$work/text" sh -c 'head -c 64 | od -A x -t x1'
bb expr "$work/empty" expr 7 \* 6 + 1
bb basename "$work/empty" basename /usr/lib/riscv64-linux-gnu/libc.so.6 .6
bb factor "$work/empty" factor 1234567 600851475143
bb date "$work/empty" date -u -d @86400 +%Y-%m-%dT%H:%M:%S
bb find "$work/empty" sh -c 'find tree | sort'
bb tar "$work/empty" sh -c 'tar cf - tree | tar tf - | sort'
bb gzip-roundtrip "$work/text" sh -c 'gzip -c | gunzip | md5sum'
bb ls "$work/empty" ls -1 tree/a

# ---- packaged programs (dynamic, from the sysroot) ----
need_host() {  # need_host PROGRAM PACKAGE: the host build, installed if missing
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "$(id -u)" -eq 0 ] && [ -z "${MORPHO_NO_APT:-}" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1
    fi
    command -v "$1" >/dev/null 2>&1
}
guest() { echo "$morpho" -L "$sysroot" "$sysroot$1"; }

if [ "$have_sysroot" -eq 1 ]; then
    seq 1 30000 > "$work/nums"
    if need_host xz xz-utils; then
        # trixie's xz and bookworm's need not write the same bytes: compare
        # what the streams mean, each decoded by the other side.
        xz -c -3 < "$work/nums" > "$work/host.xz"
        compare "xz -d of the host's stream" "$work/host.xz" $(guest /usr/bin/xz) -dc -- xz -dc
        compare "xz stream decoded by the host" "$work/nums" \
            sh -c "$(guest /usr/bin/xz) -c -6 | xz -dc | md5sum" -- sh -c 'md5sum'
        compare "xz -l" "$work/empty" $(guest /usr/bin/xz) -l --robot host.xz -- \
            xz -l --robot host.xz
    fi
    if need_host lua5.4 lua5.4; then
        cat > "$work/prog.lua" <<'LUA'
local t = {}
for i = 1, 200 do t[#t + 1] = (i * 37) % 101 end
table.sort(t)
print(table.concat(t, ",", 1, 20))
local words = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do
  words[w] = (words[w] or 0) + 1
end
print(words.the, words.fox, #"riscv64")
print(string.format("%5.2f %d %s", 3.14159, 7 // 2, tostring(2^10)))
LUA
        compare "lua5.4" "$work/empty" $(guest /usr/bin/lua5.4) prog.lua -- lua5.4 prog.lua
    fi
    if need_host sqlite3 sqlite3; then
        cat > "$work/db.sql" <<'SQL'
create table t(id integer primary key, name text, n integer);
insert into t(name, n) values ('a', 3), ('b', 1), ('c', 2);
with recursive r(x) as (select 1 union all select x + 1 from r where x < 1000)
  insert into t(name, n) select 'gen' || x, x % 17 from r;
select name, n from t order by n desc, name limit 5;
select count(*), sum(n), max(length(name)) from t;
select group_concat(name, '-') from (select name from t where n = 0 order by name limit 4);
SQL
        compare "sqlite3" "$work/db.sql" $(guest /usr/bin/sqlite3) -- sqlite3
    fi
    if need_host python3 python3-minimal; then
        cat > "$work/prog.py" <<'PY'
import sys
d = {}
for i in range(2000):
    d.setdefault(i % 7, []).append(i)
print(sorted((k, len(v), sum(v)) for k, v in d.items()))
print("".join(reversed("riscv64")), sys.byteorder, 2 ** 100)
print([x * x for x in range(10) if x % 3])
PY
        compare "python3" "$work/empty" $(guest /usr/bin/python3.13) prog.py -- python3 prog.py
    fi
else
    echo "SKIP: could not fetch the riscv64 packages for lua/xz/sqlite/python"
    skip=$((skip + 1))
fi

echo "debian programs: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || exit 1
[ "$pass" -gt 0 ] || exit 77
exit 0
