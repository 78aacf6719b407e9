#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs one of the rwlock demos (the command line given) and checks, in TAP,
that it granted the lock in FIFO order: a waiting writer holds back the
readers that came after it."""

import re
import subprocess
import sys

EXPECTED = ['reader 1', 'reader 2', 'writer 3', 'reader 4', 'reader 5', 'writer 6']

run = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)
granted = re.findall(r'\] (\w+ \d)\s+is granted the lock', run.stdout)
released = re.findall(r'\] (\w+ \d)\s+releases', run.stdout)
checks = [
    ('exits successfully', run.returncode == 0),
    ('grants in FIFO order', granted == EXPECTED),
    ('everybody releases', sorted(released) == sorted(EXPECTED)),
    # writer 3 is granted only after both readers before it released
    ('the writer waits for the earlier readers',
     run.stdout.find('writer 3  is granted') > max(run.stdout.find('reader 1  releases'),
                                                     run.stdout.find('reader 2  releases'))),
]
print(f'1..{len(checks)}')
for i, (name, ok) in enumerate(checks, 1):
    print(f'{"ok" if ok else "not ok"} {i} {name}')
if not all(ok for _, ok in checks):
    for line in (run.stdout + run.stderr).splitlines():
        print(f'# {line}')
    sys.exit(1)
