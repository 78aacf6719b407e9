#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Uses fifolock-glib as another project would, as a Meson subproject, and
checks it in TAP: consumer/ is that project; this script gives it
subprojects/fifolock-glib.wrap, a [wrap-file] whose archive (in
subprojects/packagefiles/, so nothing is downloaded) is this source tree as
a release tarball. Then `dependency('fifolock-1.0', fallback: 'fifolock-glib')`
must find the library through meson.override_dependency, the program must
build and run, only the public headers may be reachable, and the subproject
must build no tests, examples, benchmarks or documentation.

Usage: check-subproject.py SOURCE_ROOT VERSION WORKDIR MESON...
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

source_root, version, workdir = sys.argv[1:4]
meson = sys.argv[4:]
here = os.path.dirname(os.path.abspath(__file__))
name = f'fifolock-glib-{version}'

checks = []


def check(what, ok, details=''):
    checks.append((what, ok, details))
    return ok


def run(*args, **kwargs):
    return subprocess.run(list(args), capture_output=True, text=True, **kwargs)


def excluded(relative):
    top = relative.split(os.sep)[0]
    base = os.path.basename(relative)
    # Build directories (.gitignore's), version control, bytecode.
    return (top.startswith(('_build', 'build', '.git', 'subprojects')) or
            base == '__pycache__' or base.endswith('.pyc'))


def make_tarball(path):
    with tarfile.open(path, 'w:gz') as tar:
        for directory, dirs, files in os.walk(source_root):
            relative_dir = os.path.relpath(directory, source_root)
            dirs[:] = sorted(d for d in dirs
                             if not excluded(os.path.normpath(os.path.join(relative_dir, d))))
            for file in sorted(files):
                relative = os.path.normpath(os.path.join(relative_dir, file))
                if not excluded(relative):
                    tar.add(os.path.join(directory, file), arcname=os.path.join(name, relative))


def main():
    shutil.rmtree(workdir, ignore_errors=True)
    shutil.copytree(os.path.join(here, 'consumer'), workdir)
    for file in ('consumer.c', 'direct-include.c'):
        shutil.copy(os.path.join(source_root, 'tests', 'install', file), workdir)
    library_dir = os.path.join(source_root, 'fifolock-glib')
    private = sorted(f for f in os.listdir(library_dir) if f.endswith('-private.h'))
    private += ['config.h']
    with open(os.path.join(workdir, 'private-headers.txt'), 'w') as f:
        for header in private:
            f.write(f'fifolock-glib/{header}\n{header}\n')

    packagefiles = os.path.join(workdir, 'subprojects', 'packagefiles')
    os.makedirs(packagefiles)
    tarball = os.path.join(packagefiles, f'{name}.tar.gz')
    make_tarball(tarball)
    with open(tarball, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(workdir, 'subprojects', 'fifolock-glib.wrap'), 'w') as f:
        f.write(f'[wrap-file]\ndirectory = {name}\nsource_filename = {name}.tar.gz\n'
                f'source_hash = {digest}\n\n[provide]\ndependency_names = fifolock-1.0\n')

    build = os.path.join(workdir, '_build')
    # Whatever pkg-config might find installed, the subproject is what is tested.
    setup = run(*meson, 'setup', build, workdir, '--wrap-mode=nodownload',
                '--force-fallback-for=fifolock-1.0')
    if not check('meson setup finds fifolock-1.0 through the wrap', setup.returncode == 0,
                 setup.stdout + setup.stderr):
        return
    check('the dependency is the subproject\'s override',
          re.search(r'Dependency fifolock-1.0 found: YES .*\(overridden\)', setup.stdout) is not None,
          setup.stdout)

    compile_ = run(*meson, 'compile', '-C', build)
    if not check('the project and its subproject build', compile_.returncode == 0,
                 compile_.stdout + compile_.stderr):
        return
    consumer = run(os.path.join(build, 'consumer'))
    check('the program runs', consumer.returncode == 0 and consumer.stdout == 'consumer: OK\n',
          f'exit status {consumer.returncode}\n{consumer.stdout}{consumer.stderr}')

    direct = run(*meson, 'compile', '-C', build, 'direct-include')
    check('a public header other than fifolock.h refuses to be included',
          direct.returncode != 0 and
          'Only <fifolock-glib/fifolock.h> can be included directly' in direct.stdout,
          direct.stdout)
    reached = []
    for header in private:
        for spelling in (f'fifolock-glib/{header}', header):
            target = 'include-' + re.sub(r'[^a-zA-Z0-9]', '_', spelling)
            attempt = run(*meson, 'compile', '-C', build, target)
            if attempt.returncode == 0 or f'{spelling}: No such file' not in attempt.stdout:
                reached.append(f'{spelling}:\n{attempt.stdout}')
    check(f'no private header is reachable ({len(private)} headers, two spellings each)',
          not reached, '\n'.join(reached))

    targets = json.loads(run(*meson, 'introspect', '--targets', build).stdout)
    ours = [t for t in targets if t['subproject'] == 'fifolock-glib']
    extra = [f'{t["name"]} ({os.path.relpath(t["defined_in"], workdir)})' for t in ours
             if os.path.relpath(t['defined_in'], os.path.join(workdir, 'subprojects', name))
                .split(os.sep)[0] in ('tests', 'examples', 'bench', 'docs')]
    check(f'the subproject builds the library and no tests, examples, benchmarks or docs '
          f'({len(ours)} targets)',
          any(t['type'] == 'shared library' for t in ours) and not extra, '\n'.join(extra))
    tests = json.loads(run(*meson, 'introspect', '--tests', build).stdout)
    check('the subproject registers no tests', tests == [],
          '\n'.join(t['name'] for t in tests))


try:
    main()
finally:
    print(f'1..{len(checks)}')
    for i, (what, ok, details) in enumerate(checks, 1):
        print(f'{"ok" if ok else "not ok"} {i} {what}')
        if not ok:
            for line in details.splitlines():
                print(f'# {line}')
sys.exit(0 if checks and all(ok for _, ok, _ in checks) else 1)
