#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks, in TAP, that the page of every class and interface of the
reference shows a short example in C and one in Python or JavaScript, and
runs each one, so that they stay true.

The examples are the fenced code blocks (```c, ```python, ```js) of the
classes' documentation, read from the GIR. They are fragments, made into
programs here:

- C: `#include <fifolock-glib/fifolock.h>` first; then the top-level
  definitions the example starts with (everything up to the last line that is
  `}` or a one-line function at column 0, or that ends a G_DEFINE_/G_DECLARE_
  macro), then the rest as the body of main(). Built with -Wall -Wextra
  -Werror, run with criticals fatal.
- Python: after `from gi.repository import Fifo, GLib, GObject, Gio` (with
  Fifo 1.0 required) and the PyGObject overrides on the path.
- JavaScript: a module, after `import Fifo from 'gi://Fifo?version=1.0'` and
  GLib, GObject and Gio likewise; it may use top-level await.

Every program then runs the default main context until nothing is pending,
and must exit successfully without writing to stderr.

Usage: check-class-examples.py GIR BUILD_INCLUDE_DIR LIBRARY_DIR CC [--python PY] [--gjs GJS]
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

CORE = '{http://www.gtk.org/introspection/core/1.0}'
FENCE = re.compile(r'^```\s*([\w+-]*)\s*$')
LANGUAGES = {'c': 'c', 'python': 'py', 'py': 'py', 'js': 'js', 'javascript': 'js'}

C_PRELUDE = '#include <fifolock-glib/fifolock.h>\n'
C_MAIN = '''
int
main (void)
{{
  {{
{body}
    while (g_main_context_iteration (NULL, FALSE))
      ;
  }}
  return 0;
}}
'''
PY_PRELUDE = '''import gi
gi.require_version('Fifo', '1.0')
from gi.repository import Fifo, GLib, GObject, Gio
'''
PY_END = '''
while GLib.MainContext.default().iteration(False):
    pass
'''
JS_PRELUDE = '''import Fifo from 'gi://Fifo?version=1.0';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
'''
JS_END = '''
while (GLib.MainContext.default().iteration(false))
    ;
'''


def examples(doc):
    """The fenced blocks of a doc text: [(language, code)]."""
    found, lines, i = [], doc.split('\n'), 0
    while i < len(lines):
        m = FENCE.match(lines[i].strip())
        i += 1
        if not m:
            continue
        start = i
        while i < len(lines) and lines[i].strip() != '```':
            i += 1
        language = LANGUAGES.get(m.group(1).lower())
        if language:
            found.append((language, '\n'.join(lines[start:i]) + '\n'))
        i += 1
    return found


def c_program(code):
    lines = code.rstrip('\n').split('\n')
    end, depth, in_macro = 0, 0, False
    for n, line in enumerate(lines):
        if in_macro or re.match(r'^G_(DEFINE|DECLARE)_', line):
            depth += line.count('(') - line.count(')')
            in_macro = depth > 0
            if not in_macro:
                end = n + 1
        elif line == '}' or re.match(r'^\S.*\{.*\}\s*$', line) and not line.startswith(('if', 'for', 'while')):
            end = n + 1
    top, body = lines[:end], lines[end:]
    return (C_PRELUDE + '\n'.join(top) + '\n' +
            C_MAIN.format(body='\n'.join('    ' + line if line else '' for line in body)))


def run(command, env=None):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
        return result.returncode, result.stdout, result.stderr
    except subprocess.TimeoutExpired:
        return 'timeout', '', ''


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('gir')
    parser.add_argument('include_dir')
    parser.add_argument('library_dir')
    parser.add_argument('cc')
    parser.add_argument('--python')
    parser.add_argument('--gjs')
    args = parser.parse_args()

    namespace = ET.parse(args.gir).getroot().find(CORE + 'namespace')
    types = namespace.findall(CORE + 'class') + namespace.findall(CORE + 'interface')
    cflags = subprocess.run(['pkg-config', '--cflags', '--libs', 'gio-2.0'], check=True,
                            capture_output=True, text=True).stdout.split()
    env = dict(os.environ, G_DEBUG='fatal-criticals')

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for cls in sorted(types, key=lambda t: t.get('name')):
            name = 'Fifo' + cls.get('name')
            doc = cls.find(CORE + 'doc')
            found = examples(doc.text if doc is not None else '')
            languages = {language for language, _ in found}
            results.append((f'{name}: an example in C, and in Python or JavaScript',
                            'c' in languages and bool(languages & {'py', 'js'}),
                            f'examples in: {sorted(languages) or "none"}'))
            for n, (language, code) in enumerate(found, 1):
                what = f'{name}: its {dict(c="C", py="Python", js="JavaScript")[language]} example runs'
                stem = os.path.join(tmp, f'{name}-{n}')
                if language == 'c':
                    with open(stem + '.c', 'w') as f:
                        f.write(c_program(code))
                    status, out, err = run(shlex.split(args.cc) + [
                        '-std=c11', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter',
                        '-DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74',
                        '-DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74',
                        '-I' + args.include_dir, '-o', stem, stem + '.c',
                        '-L' + args.library_dir, '-lfifolock-1.0', '-Wl,-rpath,' + args.library_dir,
                    ] + cflags)
                    if status == 0:
                        status, out, err = run([stem], env)
                elif language == 'py' and args.python:
                    with open(stem + '.py', 'w') as f:
                        f.write(PY_PRELUDE + code + PY_END)
                    status, out, err = run([args.python, stem + '.py'], env)
                elif language == 'js' and args.gjs:
                    with open(stem + '.js', 'w') as f:
                        f.write(JS_PRELUDE + code + JS_END)
                    status, out, err = run([args.gjs, '-m', stem + '.js'], env)
                else:
                    results.append((what + ' # SKIP no interpreter', True, ''))
                    continue
                results.append((what, status == 0 and err == '',
                                f'exit status {status}\n{out}{err}'))

    print(f'1..{len(results)}')
    for i, (what, ok, details) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {i} {what}')
        if not ok:
            for line in details.splitlines():
                print(f'# {line}')
    return 0 if results and all(ok for _, ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
