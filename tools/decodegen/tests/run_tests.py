#!/usr/bin/env python3
"""Tests of decodegen: every ok_*.decode must generate C that compiles with
-Wall -Wextra -Werror; every bad_*.decode must fail with the message its
first line names ("# expect: LINE: text"); golden_*.decode must generate
exactly golden_*.c.inc.

usage: run_tests.py DECODEGEN TESTDIR CC [CC args...]
"""
import glob
import os
import re
import subprocess
import sys
import tempfile


def generate(gen, path, extra=()):
    width = '16' if '16' in os.path.basename(path) else '32'
    return subprocess.run([sys.executable, gen, '--insnwidth', width, *extra, path],
                          capture_output=True, text=True)


def stubs(code):
    """Definitions for every trans_ and !function the generated file declares."""
    out = ['typedef struct DisasContext { int unused; } DisasContext;', code]
    for fn, arg in dict.fromkeys(re.findall(
            r'^static bool (\w+)\(DisasContext \*ctx, (arg_\w+) \*a\);', code, re.M)):
        out.append(f'static bool {fn}(DisasContext *ctx, {arg} *a) {{ return true; }}')
    for fn in dict.fromkeys(re.findall(r'^static int (\w+)\(DisasContext \*ctx, int x\);',
                                       code, re.M)):
        out.append(f'static int {fn}(DisasContext *ctx, int x) {{ return x; }}')
    return '\n'.join(out) + '\n'


def main():
    gen, testdir, cc = sys.argv[1], sys.argv[2], sys.argv[3:]
    failures = 0
    for path in sorted(glob.glob(os.path.join(testdir, 'ok_*.decode'))):
        # "# with: other.decode" on the first line: generate that spec first
        # into the same C file (for specs that use its !extern sets).
        with open(path) as f:
            m = re.match(r'#\s*with:\s*(\S+)', f.readline())
        code = ''
        for i, p in enumerate(([os.path.join(testdir, m.group(1))] if m else []) + [path]):
            r = generate(gen, p, ['--decode', f'decode_test{i}'])
            if r.returncode != 0:
                break
            code += r.stdout
        if r.returncode != 0:
            print(f'FAIL {path}: generator failed:\n{r.stderr}')
            failures += 1
            continue
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, 't.c')
            with open(src, 'w') as f:
                f.write(stubs(code))
            c = subprocess.run([*cc, '-std=gnu11', '-Wall', '-Wextra', '-Werror',
                                '-Wno-unused-parameter', '-c', src, '-o',
                                os.path.join(tmp, 't.o')], capture_output=True, text=True)
            if c.returncode != 0:
                print(f'FAIL {path}: generated C does not compile:\n{c.stderr}')
                failures += 1
                continue
        print(f'ok   {path}')
    # Split output: types and extern trans_ prototypes in a header, trans_
    # functions in one .c file, the decoder in another; both must compile.
    path = os.path.join(testdir, 'ok_small.decode')
    with tempfile.TemporaryDirectory() as tmp:
        hdr = os.path.join(tmp, 'small.h')
        r = subprocess.run([sys.executable, gen, '--extern-trans', '--output-header', hdr,
                            '-o', os.path.join(tmp, 'dec.c'), path],
                           capture_output=True, text=True)
        ok = r.returncode == 0
        if ok:
            with open(hdr) as f:
                header = f.read()
            with open(os.path.join(tmp, 'trans.c'), 'w') as f:
                f.write('#include "small.h"\nstruct DisasContext { int unused; };\n')
                for fn, arg in dict.fromkeys(re.findall(
                        r'^bool (\w+)\(DisasContext \*ctx, (arg_\w+) \*a\);', header, re.M)):
                    f.write(f'bool {fn}(DisasContext *ctx, {arg} *a) {{ return true; }}\n')
            with open(os.path.join(tmp, 'dec.c')) as f:
                dec = f.read()
            with open(os.path.join(tmp, 'dec.c'), 'w') as f:
                f.write('#include "small.h"\n' + dec + 'static int ex_shift_1(DisasContext *ctx, '
                        'int x) { return x * 2; }\n')
            for c in ('trans.c', 'dec.c'):
                cr = subprocess.run([*cc, '-std=gnu11', '-Wall', '-Wextra', '-Werror',
                                     '-Wno-unused-parameter', '-c', os.path.join(tmp, c), '-o',
                                     os.path.join(tmp, c + '.o')], capture_output=True, text=True)
                if cr.returncode != 0:
                    r, ok = cr, False
                    break
        if not ok:
            print(f'FAIL {path} (--output-header --extern-trans):\n{r.stderr}')
            failures += 1
        else:
            print(f'ok   {path} (--output-header --extern-trans)')

    for path in sorted(glob.glob(os.path.join(testdir, 'bad_*.decode'))):
        with open(path) as f:
            first = f.readline()
        m = re.match(r'#\s*expect:\s*(\d+):\s*(.*\S)', first)
        if not m:
            print(f'FAIL {path}: first line must be "# expect: LINE: message"')
            failures += 1
            continue
        want = f'{path}:{m.group(1)}: error: {m.group(2)}'
        r = generate(gen, path)
        if r.returncode == 0 or want not in r.stderr:
            print(f'FAIL {path}: expected failure with\n  {want}\ngot rc={r.returncode}:\n'
                  f'  {r.stderr.strip()}')
            failures += 1
            continue
        print(f'ok   {path}')
    for path in sorted(glob.glob(os.path.join(testdir, 'golden_*.decode'))):
        r = generate(gen, path, ['--decode', 'decode_golden'])
        expect_path = path[:-len('.decode')] + '.c.inc'
        with open(expect_path) as f:
            expect = f.read()
        # The header names the input by its base name only, so paths don't matter.
        if r.returncode != 0 or r.stdout != expect:
            print(f'FAIL {path}: output differs from {expect_path}')
            failures += 1
            continue
        print(f'ok   {path}')
    print(f'{failures} failure(s)')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
