#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs the GTK demo under Xvfb with its scripted requests, and checks, in
TAP, that it grants the lock in FIFO order, saves a screenshot, and exits
cleanly once it is told to quit.

Usage: check-gtk-demo.py XVFB_RUN GTK_RWLOCK_DEMO
"""

import os
import re
import subprocess
import sys
import tempfile

xvfb_run, demo = sys.argv[1:3]
# --demo queues R1, R2, W1, R3, W2: W1 waits for both readers, and R3, which
# could share the lock with them, waits for W1.
EXPECTED = ['R1', 'R2', 'W1', 'R3', 'W2']


def run_demo(*options):
    """Runs the demo under Xvfb: (exit status, stdout, stderr)."""
    command = [xvfb_run, '-a', '-s', '-screen 0 1280x1024x24', demo, '--demo', *options]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=50)
        return run.returncode, run.stdout, run.stderr
    except subprocess.TimeoutExpired as e:
        return 'timeout', str(e.stdout or ''), str(e.stderr or '')


with tempfile.TemporaryDirectory() as tmp:
    screenshot = os.path.join(tmp, 'demo.png')
    # Every request is served well before the end.
    returncode, out, err = run_demo('--hold-ms=150', '--quit-after-seconds=3',
                                    f'--screenshot={screenshot}')
    png = b''
    if os.path.exists(screenshot):
        with open(screenshot, 'rb') as f:
            png = f.read()

# Told to quit while requests hold the lock and wait for it: it releases and
# cancels them, and exits once their callbacks have run.
early_returncode, early_out, early_err = run_demo('--hold-ms=5000', '--quit-after-seconds=1')

events = re.findall(r'^(\w+) (asks for the lock|is granted the lock|releases|is cancelled)$',
                    out, re.MULTILINE)
granted = [name for name, what in events if what == 'is granted the lock']
released = [name for name, what in events if what == 'releases']


def position(name, what):
    try:
        return events.index((name, what))
    except ValueError:
        return -1


checks = [
    ('exits successfully', returncode == 0),
    ('grants in FIFO order', granted == EXPECTED),
    ('every holder releases', sorted(released) == sorted(EXPECTED)),
    ('the writer waits for both readers before it',
     position('W1', 'is granted the lock') > max(position('R1', 'releases'),
                                                 position('R2', 'releases'))),
    ('the reader behind the writer does not overtake it',
     position('R3', 'is granted the lock') > position('W1', 'releases')),
    ('saves a screenshot', png.startswith(b'\x89PNG\r\n\x1a\n') and len(png) > 5000),
    ('no critical or warning', not re.search(r'(CRITICAL|WARNING)', err)),
    ('quits early with requests held and waiting: exits successfully', early_returncode == 0),
    ('quits early: releases the holders and cancels the waiting requests',
     sorted(re.findall(r'^(\w+) (?:releases|is cancelled)$', early_out, re.MULTILINE))
     == sorted(EXPECTED)),
    ('quits early: no critical or warning', not re.search(r'(CRITICAL|WARNING)', early_err)),
]

print(f'1..{len(checks)}')
for i, (name, ok) in enumerate(checks, 1):
    print(f'{"ok" if ok else "not ok"} {i} {name}')
if not all(ok for _, ok in checks):
    for status, output in ((returncode, out + err), (early_returncode, early_out + early_err)):
        print(f'# exit status {status}')
        for line in output.splitlines():
            print(f'# {line}')
    sys.exit(1)
