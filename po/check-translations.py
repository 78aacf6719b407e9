#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks, in TAP, that the translations are complete and up to date:

- every source file of the library that marks a string for translation is
  listed in POTFILES, and every file listed there exists and marks one;
- every language of LINGUAS has a .po file that msgfmt --check accepts;
- each of them translates every message the sources contain today, with
  no fuzzy or untranslated entry (xgettext, then msgcmp).

Usage: check-translations.py SOURCE_ROOT XGETTEXT MSGFMT MSGCMP
"""

import os
import re
import subprocess
import sys
import tempfile

source_root, xgettext, msgfmt, msgcmp = sys.argv[1:5]
po_dir = os.path.join(source_root, 'po')

# The keywords of meson's 'glib' preset for i18n.gettext().
KEYWORDS = ['_', 'N_', 'C_:1c,2', 'NC_:1c,2', 'g_dcgettext:2', 'g_dngettext:2,3',
            'g_dpgettext2:2c,3']
MARKED = re.compile(r'(?<![\w])(?:_|N_|C_|NC_)\s*\(\s*"')

checks = []


def check(name, ok, details=''):
    checks.append((name, ok, details))


def read_list(name):
    with open(os.path.join(po_dir, name), encoding='utf-8') as f:
        return [line.strip() for line in f
                if line.strip() and not line.lstrip().startswith('#')]


potfiles = read_list('POTFILES')
linguas = [lang for line in read_list('LINGUAS') for lang in line.split()]

marking = set()
for directory in ('fifolock-glib',):
    for name in sorted(os.listdir(os.path.join(source_root, directory))):
        if name.endswith(('.c', '.h')):
            path = f'{directory}/{name}'
            with open(os.path.join(source_root, path), encoding='utf-8') as f:
                if MARKED.search(f.read()):
                    marking.add(path)

missing = sorted(marking - set(potfiles))
check('every file with a translatable string is in POTFILES', not missing,
      f'not listed: {missing}')
stale = sorted(p for p in potfiles if p not in marking)
check('every file in POTFILES exists and has a translatable string', not stale,
      f'listed but without translatable strings (or missing): {stale}')
check('LINGUAS lists German and French', {'de', 'fr'} <= set(linguas), f'LINGUAS: {linguas}')

with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, 'current.pot')
    run = subprocess.run([xgettext, '--from-code=UTF-8', '--output', pot,
                          '--directory', source_root, '--files-from',
                          os.path.join(po_dir, 'POTFILES')]
                         + [f'--keyword={k}' for k in KEYWORDS],
                         capture_output=True, text=True)
    check('xgettext extracts the messages', run.returncode == 0 and os.path.exists(pot),
          run.stderr)

    for lang in linguas:
        po = os.path.join(po_dir, f'{lang}.po')
        if not os.path.exists(po):
            check(f'{lang}.po exists', False, po)
            continue
        run = subprocess.run([msgfmt, '--check', '--statistics', '--output-file', os.devnull, po],
                             capture_output=True, text=True, env=dict(os.environ, LC_ALL='C'))
        stats = run.stderr.strip()
        check(f'{lang}.po compiles with msgfmt --check',
              run.returncode == 0 and 'fuzzy' not in stats and 'untranslated' not in stats,
              stats)
        if os.path.exists(pot):
            run = subprocess.run([msgcmp, po, pot], capture_output=True, text=True)
            check(f'{lang}.po translates every message of the current sources',
                  run.returncode == 0, run.stderr.strip())

print(f'1..{len(checks)}')
for i, (name, ok, details) in enumerate(checks, 1):
    print(f'{"ok" if ok else "not ok"} {i} {name}')
    if not ok and details:
        for line in details.splitlines():
            print(f'# {line}')
sys.exit(0 if all(ok for _, ok, _ in checks) else 1)
