#!/usr/bin/env python3
"""Refresh the expected bytes of encoder_test.c from GNU as.

Each check in encoder_test.c reads  T("hex", "intel syntax text", call...);
this script assembles every text with `as` (Intel syntax, no prefixes) and
rewrites "hex" with what as produced, so the table stays checked against an
independent assembler.  Run it by hand after adding rows; --check only
reports differences (exit 1 on any).
"""
import re, subprocess, sys, tempfile, os

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'encoder_test.c')
src = open(path).read()
rx = re.compile(r'T\("([0-9a-f ]*)", "([^"]*)"')

def assemble(text):
    with tempfile.TemporaryDirectory() as d:
        s, o = os.path.join(d, 'a.s'), os.path.join(d, 'a.o')
        open(s, 'w').write('.intel_syntax noprefix\n' + text + '\n')
        subprocess.run(['as', '--64', '-o', o, s], check=True)
        out = subprocess.run(['objcopy', '-O', 'binary', '-j', '.text', o, '/dev/stdout'],
                             check=True, capture_output=True).stdout
        return ' '.join('%02x' % b for b in out)

bad = 0
def repl(m):
    global bad
    want = assemble(m.group(2))
    if want != m.group(1):
        bad += 1
        print('%-40s have "%s" as says "%s"' % (m.group(2), m.group(1), want))
    return 'T("%s", "%s"' % (want, m.group(2))

new = rx.sub(repl, src)
if '--check' in sys.argv:
    sys.exit(1 if bad else 0)
open(path, 'w').write(new)
