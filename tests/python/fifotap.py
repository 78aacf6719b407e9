# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs a unittest module and reports in TAP, one line per test, so that
`meson test` counts each of them."""

import sys
import traceback
import unittest


class TapResult(unittest.TestResult):
    def __init__(self, stream):
        super().__init__()
        self.stream = stream
        self.count = 0

    def _line(self, ok, test, extra=''):
        self.count += 1
        status = 'ok' if ok else 'not ok'
        self.stream.write(f'{status} {self.count} {test.id()}{extra}\n')
        self.stream.flush()

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
        self._line(True, test, ' # TODO expected failure')

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line(False, test, ' # unexpected success')


def main(module='__main__'):
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module])
    sys.stdout.write(f'1..{suite.countTestCases()}\n')
    result = TapResult(sys.stdout)
    suite.run(result)
    sys.exit(0 if result.wasSuccessful() else 1)
