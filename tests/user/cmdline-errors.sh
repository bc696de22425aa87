#!/bin/sh
# morpho-riscv64's user errors: each names the file and the problem, on
# one line, with exit status 1.
#   cmdline-errors.sh MORPHO_RISCV64
set -u
morpho=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

expect() {  # expect "substring" args...
    want=$1
    shift
    msg=$("$morpho" "$@" 2>&1 >/dev/null)
    rc=$?
    case "$msg" in
    *"$want"*) ;;
    *) echo "FAIL: morpho-riscv64 $*: got '$msg', wanted '$want'"; fail=1 ;;
    esac
    if [ "$rc" -ne 1 ]; then
        echo "FAIL: morpho-riscv64 $*: exit status $rc, wanted 1"
        fail=1
    fi
}

printf '#!/bin/sh\necho hi\n' > "$tmp/script"
head -c 40 /bin/true > "$tmp/truncated"
expect "could not open '$tmp/missing': No such file or directory" "$tmp/missing"
expect "'$tmp/script' is not an ELF executable" "$tmp/script"
expect "'/bin/true' is not a RISC-V 64 executable (it is for x86-64)" /bin/true
expect "is truncated" "$tmp/truncated"
expect "no program given" -strace
expect "unknown option '-nope'" -nope prog
expect "unable to find CPU model 'pentium'" -cpu pentium prog
expect "-R 100M: the reserved address space must be a multiple of 4 KiB" -R 100M prog
expect "invalid reserved address space size '1T'" -R 1T prog
"$morpho" -version | grep -q "morpho-riscv64 version" || { echo "FAIL: -version"; fail=1; }
"$morpho" -h | grep -q "QEMU_LD_PREFIX" || { echo "FAIL: -h"; fail=1; }
exit $fail
