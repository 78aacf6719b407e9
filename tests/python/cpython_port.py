# SPDX-License-Identifier: LGPL-2.1-or-later
"""Running one of CPython 3.13's own test_asyncio modules, unmodified,
against fifolock_glib: the test module's `asyncio` replaced by a copy with
fifolock_glib's classes, every IsolatedAsyncioTestCase on PyGObject's GLib
event loop, each coroutine test bounded in time, and the expected failures
(each with its reason and the failure it must show) marked. Shared by
test_asyncio_locks.py and test_asyncio_queues.py, which say what differs.
"""

import asyncio
import functools
import inspect
import sys
import types
import unittest

import fifotap
import glibloop


def substitute(test_module, module, names):
    """test_module's `asyncio`, with module's `names` instead of asyncio's."""
    copy = types.ModuleType('asyncio', asyncio.__doc__)
    copy.__dict__.update(asyncio.__dict__)
    for name in names:
        setattr(copy, name, getattr(module, name))
    test_module.asyncio = copy


def bounded(method, seconds, unstick):
    """The test coroutine, failing with TimeoutError after seconds; after
    any failure, unstick() frees the tasks the test left waiting, or the
    runner's clean-up (which waits for every task) would wait for ever."""
    @functools.wraps(method)
    async def test(self):
        try:
            async with asyncio.timeout(seconds):
                return await method(self)
        except BaseException:
            await unstick()
            raise
    return test


def prepare(test_module, expected_table, timeout, unstick, adapt=None, inherited=False):
    """Every test case of test_module on the GLib loop, bounded, with the
    failures of expected_table ({'Case.test': (why, pattern, seconds)})
    expected. adapt(case) may change a case, or return False to leave it
    out; inherited: also the test methods a case inherits. Returns what
    fifotap.run() expects: {test id: (why, pattern)}."""
    import gi.events
    from gi.repository import GLib

    def loop_factory():
        return gi.events.GLibEventLoop(GLib.MainContext.default())

    prefix = test_module.__name__ + '.'
    expected = {}
    for case in vars(test_module).values():
        if not (isinstance(case, type) and issubclass(case, unittest.IsolatedAsyncioTestCase)):
            continue
        if adapt is not None and adapt(case) is False:
            continue
        case.loop_factory = staticmethod(loop_factory)
        # inherited: for mixins that are no test cases themselves. A case
        # that inherits from another case would get its methods wrapped
        # twice (and marked as the other's expected failures).
        names = dir(case) if inherited else list(vars(case))
        for name in names:
            if not name.startswith('test'):
                continue
            method = getattr(case, name) if inherited else vars(case)[name]
            key = f'{case.__name__}.{name}'
            why, pattern, seconds = expected_table.get(key, (None, None, timeout))
            if inspect.iscoroutinefunction(method):
                method = bounded(method, seconds, unstick)
            if why is not None:
                method = unittest.expectedFailure(method)
                expected[prefix + key] = (why, pattern)
            setattr(case, name, method)
    unknown = set(expected_table) - {key[len(prefix):] for key in expected}
    if unknown:
        raise AssertionError(f'the expected failures name tests that {test_module.__name__} '
                             f'does not have: {sorted(unknown)}')
    return expected


def import_or_skip(name):
    """test.test_asyncio.<name>, or the whole run skipped with why."""
    reason = glibloop.unsupported()
    if reason is not None:
        fifotap.skip_all(reason)
    if sys.version_info[:2] != (3, 13):
        fifotap.skip_all(f"the expected failures are those of Python 3.13's {name}.py "
                         f'(IsolatedAsyncioTestCase.loop_factory); this is Python {sys.version.split()[0]}')
    try:
        return getattr(__import__(f'test.test_asyncio.{name}').test_asyncio, name)
    except (ImportError, AttributeError) as error:
        fifotap.skip_all(f"CPython's test suite is not installed (Debian: libpython3.13-testsuite): {error}")


def run(test_module, expected):
    """The tests named on the command line (all by default)."""
    loader = unittest.defaultTestLoader
    names = sys.argv[1:]
    suite = loader.loadTestsFromNames(names, test_module) if names else loader.loadTestsFromModule(test_module)
    fifotap.run(suite, expected)   # (which runs the module's tearDownModule)
