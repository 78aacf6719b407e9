# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs a unittest module and reports in TAP, one line per test, so that
`meson test` counts each of them."""

import re
import sys
import traceback
import unittest


class TapResult(unittest.TestResult):
    """expected maps the id of a test marked as an expected failure to
    (why, pattern): it must fail with an exception whose text matches the
    regular expression pattern (re.MULTILINE), and is then reported as TAP's
    `not ok ... # TODO why`, which meson counts as an expected failure. A
    test that fails otherwise, or passes, is a failure."""

    def __init__(self, stream, expected=None):
        super().__init__()
        self.stream = stream
        self.count = 0
        self.expected = expected or {}
        self.misfailed = []

    def _line(self, ok, test, extra=''):
        self.count += 1
        status = 'ok' if ok else 'not ok'
        self.stream.write(f'{status} {self.count} {test.id()}{extra}\n')
        self.stream.flush()

    def startTest(self, test):
        super().startTest(test)
        self.subtests_failed = []

    def addSubTest(self, test, subtest, err):
        # A failed subtest fails its test, reported once, in stopTest().
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.subtests_failed.append((subtest, err))

    def stopTest(self, test):
        if self.subtests_failed:
            self._line(False, test)
            for subtest, err in self.subtests_failed:
                self.stream.write(f'# {subtest.id()}\n')
                for line in ''.join(traceback.format_exception(*err)).splitlines():
                    self.stream.write(f'# {line}\n')
        super().stopTest(test)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(True, test)

    def _failed(self, test, err):
        self._line(False, test)
        for line in ''.join(traceback.format_exception(*err)).splitlines():
            self.stream.write(f'# {line}\n')

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._failed(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._failed(test, err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(True, test, f' # SKIP {reason}')

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        why, pattern = self.expected.get(test.id(), ('expected failure', ''))
        text = ''.join(traceback.format_exception_only(err[0], err[1])).strip()
        if re.search(pattern, text, re.MULTILINE):
            self._line(False, test, f' # TODO {why}')
            self.stream.write(f'#   failed as expected: {text.splitlines()[0]}\n')
        else:
            self.misfailed.append(test)
            self._line(False, test, ' (an expected failure, but it failed otherwise)')
            self.stream.write(f'#   expected /{pattern}/ ({why})\n')
            for line in ''.join(traceback.format_exception(*err)).splitlines():
                self.stream.write(f'# {line}\n')

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line(False, test, ' (passed, but is listed as an expected failure)')


def skip_all(reason):
    """The whole file cannot run here: TAP's plan of no tests, with why."""
    sys.stdout.write(f'1..0 # SKIP {reason}\n')
    sys.exit(0)


def run(suite, expected=None):
    sys.stdout.write(f'1..{suite.countTestCases()}\n')
    result = TapResult(sys.stdout, expected)
    suite.run(result)
    sys.exit(0 if result.wasSuccessful() and not result.misfailed else 1)


def main(module='__main__'):
    """Runs the module's tests, or those named on the command line
    (Class or Class.test_name)."""
    loader = unittest.defaultTestLoader
    module = sys.modules[module]
    names = sys.argv[1:]
    run(loader.loadTestsFromNames(names, module) if names else loader.loadTestsFromModule(module))
