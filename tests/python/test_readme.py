#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The README's Python example runs as shown: the block after
`<!-- sample: readme.py -->` prints what the block after
`<!-- output: readme -->` says (TAP, one line per check). It needs
PyGObject >= 3.50; on an older one it is skipped, saying why.

Usage: test_readme.py README.md"""

import difflib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import fifotap  # noqa: E402
import glibloop  # noqa: E402


def block_after(text, marker):
    """The body of the fenced code block that follows the marker line."""
    match = re.search(r'^<!--\s*' + re.escape(marker) + r'\s*-->\n+(```+)[\w-]*\n(.*?)^\1\s*$',
                      text, re.MULTILINE | re.DOTALL)
    if match is None:
        raise SystemExit(f'{sys.argv[1]}: no code block after <!-- {marker} -->')
    return match.group(2)


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        readme = f.read()
    program = block_after(readme, 'sample: readme.py')
    expected = block_after(readme, 'output: readme')
    reason = glibloop.unsupported()
    if reason is not None:
        fifotap.skip_all(reason)

    run = subprocess.run([sys.executable, '-c', program], capture_output=True, text=True,
                         timeout=60)
    checks = [
        ('exits successfully', run.returncode == 0, f'exit status {run.returncode}'),
        ('prints what the README shows', run.stdout == expected,
         ''.join(difflib.unified_diff(expected.splitlines(True), run.stdout.splitlines(True),
                                      'README.md', 'the example'))),
        ('writes nothing to stderr', run.stderr == '', run.stderr),
    ]
    print(f'1..{len(checks)}')
    for i, (name, ok, details) in enumerate(checks, 1):
        print(f'{"ok" if ok else "not ok"} {i} {name}')
        if not ok:
            for line in details.splitlines():
                print(f'# {line}')
    sys.exit(0 if all(ok for _, ok, _ in checks) else 1)


if __name__ == '__main__':
    main()
