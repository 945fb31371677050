#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Compare two uapi headers by meaning, not by text.

    scripts/uapi-compare.py GENERATED HAND [SPEC]

GENERATED is the header the kernel's ynl-gen-c.py made from the spec, HAND
the hand-written module/uapi/brkscope.h.  Every enumerator and every
#define with a value (include guards have none) is looked up in both: its
value, found by compiling a program that includes the header and prints
it, and the enum it belongs to.  Comments, order, spacing and the guard's
name do not matter.  Given the spec (SPEC), each difference also says
which part of the spec to change.

Exits 0 when both define the same names with the same values in the same
enums, 1 with one line per difference otherwise, 2 on a usage or build
error.
"""
import os
import re
import subprocess
import sys
import tempfile


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def names(path):
    """{name: where} for each enumerator and valued #define of a header;
    where is 'enum TAG' (or 'enum' for an anonymous one) or '#define'."""
    with open(path) as f:
        text = strip_comments(f.read())
    found = {}
    for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+(\S[^\n]*)$',
                         text, flags=re.M):
        found[m.group(1)] = '#define'
    for m in re.finditer(r'\benum\s*([A-Za-z_]\w*)?\s*\{(.*?)\}', text, flags=re.S):
        where = 'enum ' + m.group(1) if m.group(1) else 'enum'
        for item in m.group(2).split(','):
            name = item.split('=')[0].strip()
            if name:
                found[name] = where
    return found


def values(path, wanted):
    """{name: value} as a C compiler sees them: ints, or quoted strings."""
    prog = ['#include <stdio.h>',
            f'#include "{os.path.abspath(path)}"',
            'static void s(const char *n, const char *v) { printf("%s \\"%s\\"\\n", n, v); }',
            'static void i(const char *n, long long v) { printf("%s %lld\\n", n, v); }',
            '#define SHOW(x) _Generic((x), char *: s, const char *: s, default: i)(#x, x)',
            'int main(void)', '{']
    prog += [f'\tSHOW({n});' for n in sorted(wanted)]
    prog += ['\treturn 0;', '}']
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, 'show.c'), os.path.join(tmp, 'show')
        with open(src, 'w') as f:
            f.write('\n'.join(prog) + '\n')
        cc = subprocess.run([os.environ.get('CC', 'cc'), '-std=gnu11', '-o', exe, src],
                            capture_output=True, text=True)
        if cc.returncode:
            print(f'uapi-compare: {path} does not compile:\n{cc.stderr}', file=sys.stderr)
            sys.exit(2)
        out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    vals = {}
    for line in out.splitlines():
        name, val = line.split(' ', 1)
        vals[name] = val
    return vals


def spec_places(spec):
    """{'enum TAG' or '#define': where in the spec it comes from}."""
    try:
        import yaml
        with open(spec) as f:
            y = yaml.safe_load(f)
    except Exception as e:          # a hint only: do without it
        print(f'# uapi-compare: no hints, {spec} unreadable: {e}')
        return {}
    fam = y['name'].replace('-', '_')
    places = {'#define': 'the family (c-family-name, c-version-name) or mcast-groups'}
    for d in y.get('definitions', []):
        tag = d.get('enum-name') or f"{fam}_{d['name']}"
        places['enum ' + tag.replace('-', '_')] = f"definitions: {d['name']}"
    for s in y.get('attribute-sets', []):
        if 'enum-name' in s and s['enum-name']:
            places['enum ' + s['enum-name'].replace('-', '_')] = f"attribute-sets: {s['name']}"
    ops = y.get('operations', {})
    if ops.get('enum-name'):
        places['enum ' + ops['enum-name'].replace('-', '_')] = 'operations'
    return places


def main():
    if len(sys.argv) not in (3, 4):
        print('usage: uapi-compare.py GENERATED HAND [SPEC]', file=sys.stderr)
        return 2
    gen_path, hand_path = sys.argv[1], sys.argv[2]
    spec = sys.argv[3] if len(sys.argv) == 4 else None
    gen, hand = names(gen_path), names(hand_path)
    gval, hval = values(gen_path, gen), values(hand_path, hand)
    places = spec_places(spec) if spec else {}

    def where(tag):
        place = places.get(tag)
        return f' (spec: {place})' if place else ''

    diffs = []
    for n in sorted(set(gen) | set(hand), key=lambda n: (hand.get(n, gen.get(n)), n)):
        if n not in gen:
            diffs.append(f'{n} = {hval[n]} ({hand[n]}) is in {hand_path} but not in '
                         f'what the spec generates{where(hand[n])}')
        elif n not in hand:
            diffs.append(f'{n} = {gval[n]} ({gen[n]}) is generated from the spec but not in '
                         f'{hand_path}{where(gen[n])}')
        elif gval[n] != hval[n]:
            diffs.append(f'{n} is {hval[n]} in {hand_path} but {gval[n]} from the spec'
                         f'{where(hand[n])}')
        elif gen[n] != hand[n]:
            diffs.append(f'{n} is in {hand[n]} in {hand_path} but in {gen[n]} from the spec')
    for d in diffs:
        print('uapi-compare: ' + d)
    if diffs:
        print(f'uapi-compare: {len(diffs)} difference(s) between {hand_path} and {gen_path}'
              + (f' (generated from {spec})' if spec else ''))
        return 1
    print(f'uapi-compare: {len(hand)} names, the same values and enums in both '
          f'({sum(1 for w in hand.values() if w != "#define")} enumerators, '
          f'{sum(1 for w in hand.values() if w == "#define")} defines)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
