# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs coroutine tests on PyGObject's GLib event loop (PyGObject >= 3.50),
on any Python: each test gets a loop of its own over the default main
context (or another one), bounded in time, and tasks it leaves behind are
cancelled before the loop closes."""

import asyncio
import functools
import importlib

import gi

gi.require_version('Fifo', '1.0')
from gi.repository import GLib  # noqa: E402


def unsupported():
    """Why asyncio cannot run on GLib's main loop here, or None."""
    if gi.version_info < (3, 50, 0):
        return f'needs PyGObject >= 3.50 for asyncio on the GLib main loop (this is {gi.__version__})'
    try:
        importlib.import_module('gi.events')
    except ImportError as error:
        return f'needs gi.events for asyncio on the GLib main loop ({error})'
    return None


def _run_bounded(loop, awaitable, timeout):
    """loop.run_until_complete(awaitable), stopped after timeout seconds
    whatever the coroutine does (unittest's subTest() swallows the
    CancelledError that asyncio.timeout() would use)."""
    timer = loop.call_later(timeout, loop.stop)
    try:
        return loop.run_until_complete(awaitable)
    except RuntimeError as error:
        if 'Event loop stopped before Future completed' not in str(error):
            raise
        raise AssertionError(f'timed out after {timeout} s') from None
    finally:
        timer.cancel()


def run(coroutine, timeout=30, context=None):
    """Runs coroutine on a GLib event loop of its own, over the default
    main context (or another), for at most timeout seconds; cancels the
    tasks it leaves."""
    import gi.events
    loop = gi.events.GLibEventLoop(context if context is not None else GLib.MainContext.default())
    task = loop.create_task(coroutine)
    try:
        return _run_bounded(loop, task, timeout)
    finally:
        try:
            left = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for t in left:
                t.cancel()
            if left:
                _run_bounded(loop, asyncio.gather(*left, return_exceptions=True), 5)
        finally:
            loop.close()


def glib_test(method=None, *, timeout=30):
    """Makes `async def test_…(self)` a test that runs on a GLib event loop."""
    def wrap(method):
        @functools.wraps(method)
        def test(self):
            return run(method(self), timeout)
        return test
    return wrap(method) if method is not None else wrap


async def turns(n=10):
    """Lets the loop run n times: a hand-off passes through the GLib main
    loop (the library's callback, then the task), so it takes a few."""
    for _ in range(n):
        await asyncio.sleep(0)


async def until(predicate, limit=1000):
    """Lets the loop run until predicate() holds."""
    for _ in range(limit):
        if predicate():
            return
        await asyncio.sleep(0)
    raise AssertionError(f'still not true after {limit} turns of the loop')


def completed_not_resumed(task):
    """Whether what the task awaits has completed, but the task has not run
    since: the moment between a grant's callback and the task resuming
    (asyncio's Task keeps the awaited future in _fut_waiter)."""
    waiter = getattr(task, '_fut_waiter', None)
    return waiter is not None and waiter.done()
