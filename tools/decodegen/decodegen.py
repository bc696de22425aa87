#!/usr/bin/env python3
"""decodegen: turns a .decode spec into a C instruction decoder.

The input language is QEMU's decodetree (docs/devel/decodetree.rst): fields
(%name pos:len, pos:slen signed, several parts concatenated most significant
first, !function=fn applied to the result), argument sets (&name a b c,
!extern when another spec in the same C file defines them), formats
(@name bits &set %field name=%field name=const) and patterns
(name bits @format ...), inside ordered overlap groups { } (first pattern
whose trans_ returns true wins) and non-overlap groups [ ].

One extension to decodetree: a pattern named `reserved` (no format, no
arguments) claims its encodings and makes the decoder return false for them
at once, with no trans_ call.  Put it first in a { } group to carve reserved
encodings (c.addi4spn with a zero immediate, c.lwsp with rd=x0...) out of
the pattern that follows.

Output (one file meant to be #included by exactly one .c file):
  typedef struct { int a, b; } arg_<set>;
  static bool <prefix><pattern>(<Ctx> *ctx, arg_<set> *a);    (declared, not defined)
  static bool <decode>(<Ctx> *ctx, uint32_t insn);            (a decision tree)
The decoder switches on the bits that all candidate patterns fix, recursing
per value; a { } group is tried member by member in order.  Options:
--trans-prefix (disas_ for a disassembler), --trans-forward (define each
trans function as a call to one function per argument set), --extern-trans
with --output-header (types and prototypes in a header, so trans functions
can live in several .c files).  Argument-set typedefs are guarded by
DECODEGEN_ARG_<set> so two specs (insn32 and insn16) can share one C file.

Invariants the generator enforces, each reported as file:line: every pattern
covers exactly --insnwidth bits; names are defined once and before use; every
member of a pattern's argument set is assigned exactly once; and two patterns
that can match the same instruction must sit in the same { } group.  Inside a
decision-tree leaf a pattern is checked against its whole fixed mask, so no
instruction matches a pattern whose fixed bits it does not carry.

Only the Python 3 standard library is used (meson already needs Python).
"""

import argparse
import os
import re
import sys


class DecodeError(Exception):
    pass


def error(file, line, msg):
    raise DecodeError(f'{file}:{line}: error: {msg}')


# ---------------------------------------------------------------- model


class Field:
    """A named bit field: parts [(pos, len, signed)], MSB part first."""

    def __init__(self, name, parts, func, file, line):
        self.name, self.parts, self.func = name, parts, func
        self.file, self.line = file, line

    def c_expr(self, helpers):
        if not self.parts:
            expr = '0'
        elif len(self.parts) == 1:
            pos, length, signed = self.parts[0]
            kind = 'sextract' if signed else 'extract'
            expr = f'{helpers}_{kind}(insn, {pos}, {length})'
        else:
            # Concatenate the parts, first = most significant; shift as
            # unsigned so that a negative first part is well defined.
            shift = sum(p[1] for p in self.parts)
            terms = []
            for pos, length, signed in self.parts:
                shift -= length
                kind = 'sextract' if signed else 'extract'
                t = f'(uint32_t){helpers}_{kind}(insn, {pos}, {length})'
                terms.append(f'({t} << {shift})' if shift else t)
            expr = '(int)(' + ' | '.join(terms) + ')'
        if self.func:
            expr = f'{self.func}(ctx, {expr})'
        return expr


class ArgSet:
    def __init__(self, name, members, extern, file, line):
        self.name, self.members, self.extern = name, members, extern
        self.file, self.line = file, line


class Format:
    def __init__(self, name, width, fixedmask, fixedbits, argset, assigns, file, line):
        self.name, self.width = name, width
        self.fixedmask, self.fixedbits = fixedmask, fixedbits
        self.argset, self.assigns = argset, assigns  # assigns: {member: Field | int}
        self.file, self.line = file, line


class Pattern:
    def __init__(self, name, fixedmask, fixedbits, argset, assigns, fmt, file, line):
        self.name, self.fixedmask, self.fixedbits = name, fixedmask, fixedbits
        self.argset, self.assigns, self.fmt = argset, assigns, fmt
        self.file, self.line = file, line

    def where(self):
        return f'{self.file}:{self.line}: {self.name}'


class Group:
    """An ordered overlap group ({ }, overlap=True) or a non-overlap group ([ ])."""

    def __init__(self, overlap, file, line):
        self.overlap, self.items = overlap, []
        self.file, self.line = file, line
        self.fixedmask = self.fixedbits = 0

    def where(self):
        return f'{self.file}:{self.line}: group'

    def finish(self, width_mask):
        mask = width_mask
        for it in self.items:
            mask &= it.fixedmask
        # Only bits on which every member agrees are fixed for the group.
        bits0 = self.items[0].fixedbits & mask if self.items else 0
        for it in self.items:
            mask &= ~(it.fixedbits ^ bits0)
        self.fixedmask, self.fixedbits = mask, bits0 & mask


# ---------------------------------------------------------------- parser

NAME_RE = re.compile(r'^[a-zA-Z][a-zA-Z0-9_]*$')
FIELD_PART_RE = re.compile(r'^([0-9]+):(s?)([0-9]+)$')
INLINE_FIELD_RE = re.compile(r'^([a-zA-Z][a-zA-Z0-9_]*):(s?)([0-9]+)$')


class Spec:
    def __init__(self, width, file):
        self.width, self.file = width, file
        self.width_mask = (1 << width) - 1
        self.fields, self.argsets, self.formats = {}, {}, {}
        self.argset_order, self.pattern_names = [], {}
        self.top = Group(False, file, 0)
        self.patterns = []

    # -- lexing: join continuations, strip comments, keep line numbers

    def lines(self, text):
        buf, start = '', None
        for n, raw in enumerate(text.split('\n'), 1):
            line = raw.split('#', 1)[0].rstrip()
            if start is None:
                start = n
            if line.endswith('\\'):
                buf += line[:-1] + ' '
                continue
            buf += line
            if buf.strip():
                yield start, buf.split()
            buf, start = '', None
        if buf.strip():
            yield start, buf.split()

    def parse(self, text):
        stack = [self.top]
        for line, toks in self.lines(text):
            while toks:
                t = toks[0]
                if t in ('{', '['):
                    g = Group(t == '{', self.file, line)
                    stack[-1].items.append(g)
                    stack.append(g)
                    toks = toks[1:]
                    continue
                if t in ('}', ']'):
                    if len(stack) == 1 or stack[-1].overlap != (t == '}'):
                        error(self.file, line, f'mismatched "{t}"')
                    g = stack.pop()
                    if not g.items:
                        error(self.file, line, 'empty group')
                    g.finish(self.width_mask)
                    toks = toks[1:]
                    continue
                break
            if not toks:
                continue
            t = toks[0]
            if t[0] == '%':
                self.parse_field(line, toks)
            elif t[0] == '&':
                self.parse_argset(line, toks)
            elif t[0] == '@':
                if len(stack) > 1:
                    error(self.file, line, 'format defined inside a group')
                self.parse_format(line, toks)
            else:
                stack[-1].items.append(self.parse_pattern(line, toks))
        if len(stack) != 1:
            g = stack[-1]
            error(self.file, g.line, 'group not closed')
        self.top.finish(self.width_mask)

    def check_name(self, line, name, kind):
        if not NAME_RE.match(name):
            error(self.file, line, f'invalid {kind} name "{name}"')

    def parse_field(self, line, toks):
        name = toks[0][1:]
        self.check_name(line, name, 'field')
        if name in self.fields:
            error(self.file, line, f'duplicate field "{name}"')
        parts, func, total = [], None, 0
        for t in toks[1:]:
            m = FIELD_PART_RE.match(t)
            if m:
                pos, signed, length = int(m.group(1)), m.group(2) == 's', int(m.group(3))
                if length == 0 or pos + length > self.width:
                    error(self.file, line, f'field part "{t}" outside the {self.width}-bit insn')
                if parts and signed:
                    error(self.file, line, 'only the first field part may be signed')
                parts.append((pos, length, signed))
                total += length
            elif t.startswith('!function='):
                func = t[len('!function='):]
                self.check_name(line, func, 'function')
            else:
                error(self.file, line, f'invalid field token "{t}"')
        if total > 32:
            error(self.file, line, f'field "{name}" wider than 32 bits')
        if not parts and not func:
            error(self.file, line, f'field "{name}" has no bits and no function')
        self.fields[name] = Field(name, parts, func, self.file, line)

    def parse_argset(self, line, toks):
        name = toks[0][1:]
        self.check_name(line, name, 'argument set')
        if name in self.argsets:
            error(self.file, line, f'duplicate argument set "{name}"')
        members, extern = [], False
        for t in toks[1:]:
            if t == '!extern':
                extern = True
                continue
            self.check_name(line, t, 'argument')
            if t in members:
                error(self.file, line, f'duplicate argument "{t}" in "&{name}"')
            members.append(t)
        self.argsets[name] = ArgSet(name, members, extern, self.file, line)
        self.argset_order.append(name)

    def parse_body(self, line, toks, allow_format):
        """Common part of formats and patterns: bits, &set, @fmt, fields."""
        mask = bits = 0
        nbits = 0
        argset = fmt = None
        assigns = {}
        inline_parts = []

        def assign(member, value):
            if member in assigns:
                error(self.file, line, f'argument "{member}" assigned twice')
            assigns[member] = value

        for t in toks:
            if t[0] in '01.-':
                if not re.match(r'^[01.\-]+$', t):
                    error(self.file, line, f'invalid bit token "{t}"')
                for c in t:
                    mask <<= 1
                    bits <<= 1
                    if c in '01':
                        mask |= 1
                        bits |= int(c)
                nbits += len(t)
            elif INLINE_FIELD_RE.match(t):
                m = INLINE_FIELD_RE.match(t)
                length = int(m.group(3))
                mask <<= length
                bits <<= length
                inline_parts.append((m.group(1), nbits, length, m.group(2) == 's'))
                nbits += length
            elif t[0] == '&':
                if argset is not None:
                    error(self.file, line, 'more than one argument set')
                name = t[1:]
                if name not in self.argsets:
                    error(self.file, line, f'undefined argument set "{name}"')
                argset = self.argsets[name]
            elif t[0] == '@':
                if not allow_format:
                    error(self.file, line, 'a format cannot use a format')
                if fmt is not None:
                    error(self.file, line, 'more than one format')
                name = t[1:]
                if name not in self.formats:
                    error(self.file, line, f'undefined format "{name}"')
                fmt = self.formats[name]
            elif t[0] == '%':
                name = t[1:]
                if name not in self.fields:
                    error(self.file, line, f'undefined field "{name}"')
                assign(name, self.fields[name])
            elif '=' in t:
                member, value = t.split('=', 1)
                self.check_name(line, member, 'argument')
                if value.startswith('%'):
                    if value[1:] not in self.fields:
                        error(self.file, line, f'undefined field "{value[1:]}"')
                    assign(member, self.fields[value[1:]])
                else:
                    try:
                        assign(member, int(value, 0))
                    except ValueError:
                        error(self.file, line, f'invalid constant "{t}"')
            else:
                error(self.file, line, f'invalid token "{t}"')
        if nbits != self.width:
            error(self.file, line,
                  f'{nbits} bits given, the instruction width is {self.width}')
        for name, start, length, signed in inline_parts:
            pos = self.width - start - length
            assign(name, Field(name, [(pos, length, signed)], None, self.file, line))
        return mask, bits, argset, fmt, assigns

    def parse_format(self, line, toks):
        name = toks[0][1:]
        self.check_name(line, name, 'format')
        if name in self.formats:
            error(self.file, line, f'duplicate format "{name}"')
        mask, bits, argset, _, assigns = self.parse_body(line, toks[1:], False)
        if argset is None:
            argset = self.implicit_argset(name, assigns, line)
        else:
            self.check_assigns(line, argset, assigns, partial=True)
        self.formats[name] = Format(name, self.width, mask, bits, argset, assigns,
                                    self.file, line)

    def implicit_argset(self, name, assigns, line):
        if name in self.argsets:
            return self.argsets[name]
        a = ArgSet(name, sorted(assigns), False, self.file, line)
        self.argsets[name] = a
        self.argset_order.append(name)
        return a

    def check_assigns(self, line, argset, assigns, partial):
        for m in assigns:
            if m not in argset.members:
                error(self.file, line, f'"{m}" is not an argument of "&{argset.name}"')
        if not partial:
            for m in argset.members:
                if m not in assigns:
                    error(self.file, line, f'argument "{m}" of "&{argset.name}" not set')

    def parse_pattern(self, line, toks):
        name = toks[0]
        self.check_name(line, name, 'pattern')
        mask, bits, argset, fmt, assigns = self.parse_body(line, toks[1:], True)
        if name == 'reserved':
            if fmt or argset or assigns:
                error(self.file, line, 'a reserved pattern takes no format or arguments')
            p = Pattern(name, mask, bits, None, {}, None, self.file, line)
            self.patterns.append(p)
            return p
        if fmt is not None:
            if mask & fmt.fixedmask & (bits ^ fmt.fixedbits):
                error(self.file, line, f'fixed bits contradict format "@{fmt.name}"')
            mask |= fmt.fixedmask
            bits |= fmt.fixedbits
            if argset is not None and argset is not fmt.argset:
                error(self.file, line, 'argument set differs from the format\'s')
            argset = fmt.argset
            merged = dict(fmt.assigns)
            merged.update(assigns)    # the pattern overrides its format
            assigns = merged
        if argset is None:
            # Patterns that share a name (e.g. in two groups) share a struct.
            argset = self.implicit_argset(name, assigns, line)
        self.check_assigns(line, argset, assigns, partial=False)
        prev = self.pattern_names.get(name)
        if prev is not None and prev.argset is not argset:
            error(self.file, line, f'pattern "{name}" redefined with another argument set '
                  f'(first at line {prev.line})')
        p = Pattern(name, mask, bits, argset, assigns, fmt, self.file, line)
        self.pattern_names.setdefault(name, p)
        self.patterns.append(p)
        return p

    # -- validation: overlaps outside { } groups

    def check_overlaps(self, group):
        items = group.items
        if not group.overlap:
            for i, a in enumerate(items):
                for b in items[i + 1:]:
                    common = a.fixedmask & b.fixedmask
                    if (a.fixedbits ^ b.fixedbits) & common == 0:
                        file, line = (b.file, b.line)
                        error(file, line, f'overlapping patterns: {a.where()} and {b.where()}'
                              ' (put them in a { } group)')
        for it in items:
            if isinstance(it, Group):
                self.check_overlaps(it)


# ---------------------------------------------------------------- codegen


class Gen:
    def __init__(self, spec, args):
        self.spec, self.args = spec, args
        self.out = []
        self.helpers = args.decode + '_'
        self.ctx = args.ctx_type
        self.insn_t = 'uint32_t' if spec.width > 16 else 'uint16_t'
        self.hexw = (spec.width + 3) // 4

    def emit(self, s=''):
        self.out.append(s)

    def hx(self, v):
        return f'0x{v:0{self.hexw}x}'

    def generate(self, input_name):
        s, a = self.spec, self.args
        self.emit(f'/* Generated by tools/decodegen/decodegen.py from {input_name}. Do not edit. */')
        self.emit()
        self.emit('#include <stdbool.h>')
        self.emit('#include <stdint.h>')
        self.emit()
        for name in s.argset_order:
            st = s.argsets[name]
            if st.extern:
                continue
            guard = f'DECODEGEN_ARG_{name}'
            self.emit(f'#ifndef {guard}')
            self.emit(f'#define {guard}')
            body = ''.join(f' int {m};' for m in st.members)
            self.emit(f'typedef struct {{{body} }} arg_{name};')
            self.emit('#endif')
        self.emit()
        done = set()
        fwd = a.trans_forward
        if fwd:
            for name in s.argset_order:
                if any(p.argset and p.argset.name == name for p in s.patterns):
                    self.emit(f'static bool {fwd}{name}({self.ctx} *ctx, const char *name, '
                              f'arg_{name} *a);')
            self.emit()
        for p in s.patterns:
            if p.name in done or p.argset is None:
                continue
            done.add(p.name)
            linkage = '' if a.extern_trans else 'static '
            proto = (f'{linkage}bool {a.trans_prefix}{p.name}({self.ctx} *ctx, '
                     f'arg_{p.argset.name} *a)')
            if not fwd:
                self.emit(proto + ';')
                continue
            guard = f'DECODEGEN_TRANS_{a.trans_prefix}{p.name}'
            self.emit(f'#ifndef {guard}')
            self.emit(f'#define {guard}')
            self.emit(proto)
            self.emit('{')
            self.emit(f'    return {fwd}{p.argset.name}(ctx, "{p.name}", a);')
            self.emit('}')
            self.emit('#endif')
        self.emit()
        # Everything above is the interface (types, trans_ prototypes); with
        # --output-header it goes to its own file.
        self.head, self.out = self.out, []
        funcs = sorted({f.func for f in s.fields.values() if f.func})
        h = self.helpers
        self.emit(f'static inline int {h}extract(uint32_t insn, int pos, int len)')
        self.emit('{')
        self.emit('    return (int)((insn >> pos) & (~0u >> (32 - len)));')
        self.emit('}')
        self.emit()
        self.emit(f'static inline int {h}sextract(uint32_t insn, int pos, int len)')
        self.emit('{')
        self.emit('    return (int)((int32_t)(insn << (32 - pos - len)) >> (32 - len));')
        self.emit('}')
        self.emit()
        if funcs:
            for f in funcs:
                self.emit(f'static int {f}({self.ctx} *ctx, int x);')
            self.emit()
        self.gen_extractors()
        static = 'static ' if a.static_decode else ''
        self.emit(f'{static}bool {a.decode}({self.ctx} *ctx, {self.insn_t} insn);')
        self.emit(f'{static}bool {a.decode}({self.ctx} *ctx, {self.insn_t} insn)')
        self.emit('{')
        self.emit('    union {')
        for name in s.argset_order:
            if any(p.argset and p.argset.name == name for p in s.patterns):
                self.emit(f'        arg_{name} f_{name};')
        self.emit('    } u;')
        self.emit('    (void)u;')
        self.emit()
        self.gen_tree(s.top.items, s.width_mask, 0, 1)
        self.emit('    return false;')
        self.emit('}')
        return self.head, self.out

    def gen_extractors(self):
        """One extract function per format; patterns without one inline theirs."""
        for f in self.spec.formats.values():
            self.emit(f'static inline void {self.helpers}extract_{f.name}({self.ctx} *ctx, '
                      f'arg_{f.argset.name} *a, uint32_t insn)')
            self.emit('{')
            self.emit('    (void)ctx; (void)insn;')
            for m in f.argset.members:
                if m in f.assigns:
                    self.emit(f'    a->{m} = {self.value(f.assigns[m])};')
            self.emit('}')
            self.emit()

    def value(self, v):
        if isinstance(v, int):
            return str(v)
        return v.c_expr(self.helpers[:-1])

    def gen_call(self, p, ind):
        sp = ' ' * (4 * ind)
        u = f'u.f_{p.argset.name}'
        if p.fmt is not None:
            self.emit(f'{sp}{self.helpers}extract_{p.fmt.name}(ctx, &{u}, insn);')
            for m, v in p.assigns.items():
                if p.fmt.assigns.get(m) is not v:
                    self.emit(f'{sp}{u}.{m} = {self.value(v)};')
        else:
            for m in p.argset.members:
                self.emit(f'{sp}{u}.{m} = {self.value(p.assigns[m])};')

    def gen_item(self, it, checked_mask, ind, in_overlap):
        """Emit code that tries one item; `checked_mask` bits are already tested.
        Returns whether control can fall out of the emitted code."""
        sp = ' ' * (4 * ind)
        rest = it.fixedmask & ~checked_mask
        opened = False
        if rest:
            self.emit(f'{sp}if ((insn & {self.hx(rest)}) == {self.hx(it.fixedbits & rest)}) {{')
            ind += 1
            opened = True
        sp2 = ' ' * (4 * ind)
        falls = True
        if isinstance(it, Pattern):
            self.emit(f'{sp2}/* {os.path.basename(it.file)}:{it.line} */')
            if it.argset is None:
                self.emit(f'{sp2}return false;    /* reserved */')
                falls = False
            elif in_overlap:
                self.gen_call(it, ind)
                self.emit(f'{sp2}if ({self.args.trans_prefix}{it.name}(ctx, &u.f_{it.argset.name})) {{')
                self.emit(f'{sp2}    return true;')
                self.emit(f'{sp2}}}')
            else:
                self.gen_call(it, ind)
                self.emit(f'{sp2}return {self.args.trans_prefix}{it.name}(ctx, &u.f_{it.argset.name});')
                falls = False
        elif it.overlap:
            for sub in it.items:
                self.gen_item(sub, checked_mask | it.fixedmask, ind, True)
        else:
            falls = self.gen_tree(it.items, self.spec.width_mask & ~(checked_mask | it.fixedmask),
                                  checked_mask | it.fixedmask, ind, in_overlap)
        if opened:
            self.emit(f'{sp}}}')
        return falls or opened

    def gen_tree(self, items, avail, checked, ind, in_overlap=False):
        """A decision tree over non-overlapping items: switch on the bits that
        all of them fix; when none is common, split on the bit most of them fix
        (items that leave it free go down both branches)."""
        sp = ' ' * (4 * ind)
        if len(items) == 1:
            return self.gen_item(items[0], checked, ind, in_overlap)
        common = avail
        for it in items:
            common &= it.fixedmask
        if common == 0:
            best, count = 0, 0
            for b in range(self.spec.width):
                bit = 1 << b
                if not avail & bit:
                    continue
                n = sum(1 for it in items if it.fixedmask & bit)
                if n > count:
                    best, count = bit, n
            if count == 0:
                # Cannot happen for non-overlapping items; checked earlier.
                raise DecodeError(f'{items[0].file}:{items[0].line}: error: '
                                  'cannot build a decision tree')
            common = best
        buckets = {}
        for it in items:
            if it.fixedmask & common == common:
                keys = [it.fixedbits & common]
            else:
                # Free in some of the switch bits: enumerate them.
                keys = []
                free = common & ~it.fixedmask
                sub = free
                while True:
                    keys.append((it.fixedbits & common & it.fixedmask) | sub)
                    if sub == 0:
                        break
                    sub = (sub - 1) & free
            for k in keys:
                buckets.setdefault(k, []).append(it)
        self.emit(f'{sp}switch (insn & {self.hx(common)}) {{')
        for k in sorted(buckets):
            self.emit(f'{sp}case {self.hx(k)}:')
            if self.gen_tree(buckets[k], avail & ~common, checked | common, ind + 1, in_overlap):
                self.emit(f'{sp}    break;')
        self.emit(f'{sp}}}')
        return True


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('input', nargs='+')
    ap.add_argument('-o', '--output')
    ap.add_argument('--insnwidth', type=int, default=32, choices=[16, 32])
    ap.add_argument('--decode', default='decode')
    ap.add_argument('--static-decode', dest='decode_static')
    ap.add_argument('--trans-prefix', default='trans_')
    ap.add_argument('--ctx-type', default='DisasContext')
    ap.add_argument('--extern-trans', action='store_true',
                    help='declare the trans functions extern, not static, so that '
                    'they can live in other .c files (with --output-header)')
    ap.add_argument('--output-header', metavar='FILE',
                    help='write the arg_ types and trans prototypes to FILE, and only '
                    'the decoder to the output (which expects FILE included first)')
    ap.add_argument('--trans-forward', metavar='PREFIX',
                    help='define each trans function as a call to '
                    'PREFIX<argset>(ctx, "<pattern>", a) instead of declaring it '
                    '(for a disassembler: one formatter per argument set)')
    args = ap.parse_args(argv)
    args.static_decode = False
    if args.decode_static:
        args.decode, args.static_decode = args.decode_static, True
    try:
        spec = Spec(args.insnwidth, args.input[0])
        for path in args.input:
            spec.file = path
            with open(path) as f:
                spec.parse(f.read())
        spec.check_overlaps(spec.top)
        inputs = ' '.join(os.path.basename(p) for p in args.input)
        head, body = Gen(spec, args).generate(inputs)
        banner = f'/* Generated by tools/decodegen/decodegen.py from {inputs}. Do not edit. */'
        if args.output_header:
            guard = re.sub(r'[^A-Za-z0-9]', '_', os.path.basename(args.output_header)).upper()
            ctx = args.ctx_type
            with open(args.output_header, 'w') as f:
                f.write('\n'.join([banner, f'#ifndef {guard}', f'#define {guard}',
                                   f'typedef struct {ctx} {ctx};'] + head[1:]
                                  + [f'#endif /* {guard} */']) + '\n')
            text = '\n'.join([banner, '', '#include <stdbool.h>', '#include <stdint.h>', '']
                             + body) + '\n'
        else:
            text = '\n'.join(head + body) + '\n'
    except DecodeError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print(f'decodegen: {e}', file=sys.stderr)
        return 1
    if args.output:
        with open(args.output, 'w') as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
