#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs one code sample of the guides (the command line given after the
file of its expected output) and checks, in TAP, that it exits successfully
and prints exactly what the guide says it prints.

Usage: run-sample.py EXPECTED COMMAND...
"""

import difflib
import subprocess
import sys

with open(sys.argv[1], encoding='utf-8') as f:
    expected = f.read()

try:
    run = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=60)
    returncode, stdout, stderr = run.returncode, run.stdout, run.stderr
except subprocess.TimeoutExpired as e:
    returncode, stdout, stderr = 'timeout', e.stdout or '', e.stderr or ''
    stdout = stdout.decode() if isinstance(stdout, bytes) else stdout
    stderr = stderr.decode() if isinstance(stderr, bytes) else stderr

checks = [
    ('exits successfully', returncode == 0, f'exit status {returncode}'),
    ('prints what the guide shows', stdout == expected,
     ''.join(difflib.unified_diff(expected.splitlines(True), stdout.splitlines(True),
                                  'the guide', 'the sample'))),
    ('writes nothing to stderr', stderr == '', stderr),
]

print(f'1..{len(checks)}')
for i, (name, ok, details) in enumerate(checks, 1):
    print(f'{"ok" if ok else "not ok"} {i} {name}')
    if not ok:
        for line in details.splitlines():
            print(f'# {line}')
sys.exit(0 if all(ok for _, ok, _ in checks) else 1)
