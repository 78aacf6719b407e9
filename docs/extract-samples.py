#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Extracts the code samples of the guides, so that the test suite can
compile and run them.

In a guide, a fenced code block is a sample when the line before it (blank
lines aside) is a marker:

    <!-- sample: first-lock.c -->      the block is (a part of) first-lock.c
    <!-- output: first-lock -->        the block is what first-lock.* print

Several blocks marked with the same sample are joined in order, so a guide
can show a program piece by piece. Every C, Python and JavaScript block must
be a sample: code nobody runs goes stale. Every sample must have an output
block, shared by the samples of the same stem in each language.

Usage: extract-samples.py --outdir DIR --outputs FILE... --guides GUIDE...

--outputs lists the files meson expects (samples and STEM.expected): the
guides must define exactly these, so that no sample escapes the tests.
"""

import argparse
import os
import re
import sys

MARKER = re.compile(r'^<!--\s*(sample|output):\s*(\S+)\s*-->\s*$')
FENCE = re.compile(r'^(```+|~~~+)\s*([\w+-]*)\s*$')
LANGUAGES = {'c': '.c', 'python': '.py', 'py': '.py', 'js': '.js', 'javascript': '.js'}
OUTPUT_LANGUAGES = {'', 'text', 'plain', 'console'}


class GuideError(Exception):
    pass


def parse(path, samples, outputs):
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')

    marker = None  # (kind, name, line number)
    i = 0
    while i < len(lines):
        line = lines[i]
        where = f'{path}:{i + 1}'
        m = MARKER.match(line)
        if m:
            if marker is not None:
                raise GuideError(f'{where}: marker without a code block after {marker[2]}')
            marker = (m.group(1), m.group(2), where)
            i += 1
            continue

        m = FENCE.match(line)
        if not m:
            if line.strip() and marker is not None:
                raise GuideError(f'{marker[2]}: the marker must be followed by a code block')
            i += 1
            continue

        fence, language = m.group(1), m.group(2).lower()
        start = i + 1
        i += 1
        while i < len(lines) and lines[i].strip() != fence:
            i += 1
        if i == len(lines):
            raise GuideError(f'{where}: unterminated code block')
        body = lines[start:i]
        i += 1

        if marker is None:
            if language in LANGUAGES:
                raise GuideError(f'{where}: a {language} block that is not a sample; '
                                 'mark it with <!-- sample: NAME -->')
            continue

        kind, name, _ = marker
        marker = None
        if kind == 'sample':
            if LANGUAGES.get(language) != os.path.splitext(name)[1]:
                raise GuideError(f'{where}: a {language or "plain"} block cannot be part of {name}')
            part = '\n'.join(body) + '\n'
            if language == 'c':
                # Compiler messages point into the guide.
                part = f'#line {start + 1} "{os.path.basename(path)}"\n' + part
            samples.setdefault(name, []).append(part)
        else:
            if language not in OUTPUT_LANGUAGES:
                raise GuideError(f'{where}: an output block must be plain text')
            if name in outputs:
                raise GuideError(f'{where}: a second output block for {name}')
            outputs[name] = '\n'.join(body) + '\n'

    if marker is not None:
        raise GuideError(f'{marker[2]}: marker without a code block')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--outdir', required=True)
    parser.add_argument('--outputs', nargs='+', required=True)
    parser.add_argument('--guides', nargs='+', required=True)
    args = parser.parse_args()

    samples, outputs = {}, {}
    try:
        for guide in args.guides:
            parse(guide, samples, outputs)

        files = {name: ''.join(parts) for name, parts in samples.items()}
        for stem, text in outputs.items():
            files[f'{stem}.expected'] = text
        for name in samples:
            stem = os.path.splitext(name)[0]
            if stem not in outputs:
                raise GuideError(f'sample {name} has no <!-- output: {stem} --> block')
        for stem in outputs:
            if not any(os.path.splitext(name)[0] == stem for name in samples):
                raise GuideError(f'output block {stem} belongs to no sample')

        declared = {os.path.basename(o) for o in args.outputs}
        if set(files) != declared:
            raise GuideError('docs/meson.build and the guides disagree on the samples: '
                             f'only in the guides: {sorted(set(files) - declared)}, '
                             f'only in meson.build: {sorted(declared - set(files))}')
    except GuideError as e:
        print(f'extract-samples: {e}', file=sys.stderr)
        return 1

    for name, text in files.items():
        with open(os.path.join(args.outdir, name), 'w', encoding='utf-8') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
