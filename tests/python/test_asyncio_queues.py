#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""CPython's own Lib/test/test_asyncio/test_queues.py, unmodified, run
against fifolock_glib.Queue.

The test module is imported from the interpreter's test suite (Debian:
libpython3.13-testsuite), and its global `asyncio` is replaced by a copy of
asyncio whose Queue, QueueShutDown, QueueEmpty and QueueFull are
fifolock_glib's (the exceptions are asyncio's own, re-exported); every test
runs on PyGObject's GLib event loop (IsolatedAsyncioTestCase.loop_factory,
Python 3.13), each bounded in time; the join and shutdown test classes,
which name their queue class in q_class, get fifolock_glib.Queue there.
LifoQueue and PriorityQueue stay
asyncio's (fifolock_glib has none: FifoQueue is first in, first out), so
their test classes are skipped rather than run against asyncio. The tests
that cannot pass are listed in EXPECTED below, each with the reason and the
failure it must show (anything else fails); docs/coming-from-asyncio.md
states each difference.

Usage: test_asyncio_queues.py [TestCase[.test_name] ...]
"""

import asyncio
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import cpython_port  # noqa: E402

SUBSTITUTED = ('Queue', 'QueueShutDown', 'QueueEmpty', 'QueueFull')
NOT_OURS = {
    'LifoQueueTests': 'asyncio.LifoQueue',
    'PriorityQueueTests': 'asyncio.PriorityQueue',
    'LifoQueueJoinTests': 'asyncio.LifoQueue',
    'PriorityQueueJoinTests': 'asyncio.PriorityQueue',
    'LifoQueueShutdownTests': 'asyncio.LifoQueue',
    'PriorityQueueShutdownTests': 'asyncio.PriorityQueue',
}

# Expected failures, by kind of reason.
PRIVATE = ("reads asyncio's private {} attribute; fifolock_glib keeps no Python-side state "
           "(the waiting gets and puts are in the C object, counted by its n-waiting property)")
ITEMS_IN_C = ("the items are in the C object, which counts them but cannot show them without "
              "taking them: repr() shows items=1, not _queue=[1] (nor _getters[1], _putters[1]: "
              "getters=1, putters=1)")
LATER = ('counts loop iterations: a woken put or get completes later than with asyncio, because '
         "the library's callback runs in a main-loop iteration of its own (callbacks are never "
         'synchronous), and the task resumes after it')
PUT_STANDS = ('a waiting put is done once room is freed for it: the library takes its item in at '
              'once, as the get frees the room, before the putting task runs again; cancelled '
              'then, the task raises CancelledError but the item is in the queue (a put that '
              'went in cannot be taken back), so the retried put waits on a full queue')

TASK_GROUP = r'^ExceptionGroup: unhandled errors in a TaskGroup \(1 sub-exception\)$'

# test id (without the module) -> (why, regular expression its failure must match, seconds)
EXPECTED = {
    # (The assertion fails inside a TaskGroup, which raises it in a group.)
    'QueueBasicTests.test_repr': (ITEMS_IN_C, TASK_GROUP, 5),
    'QueueBasicTests.test_str': (ITEMS_IN_C, TASK_GROUP, 5),
    'QueueBasicTests.test_maxsize': (LATER, r"^AssertionError: Lists differ: \[0, 1, 2\] != \[0, 1\]$", 5),
    'QueueGetTests.test_get_with_putters': (
        PRIVATE.format('Queue._putters') + ': it adds a bare future to it',
        r"'Queue' object has no attribute '_putters'", 5),
    'QueueGetTests.test_cancelled_getters_not_being_held_in_self_getters': (
        PRIVATE.format('Queue._getters'), r"'Queue' object has no attribute '_getters'", 5),
    'QueuePutTests.test_cancelled_puts_not_being_held_in_self_putters': (
        PRIVATE.format('Queue._putters'), r"'Queue' object has no attribute '_putters'", 5),
    'QueuePutTests.test_put_cancel_drop': (PUT_STANDS, r'^TimeoutError$', 1),
    'QueueShutdownTests.test_shutdown_empty': (LATER, r'^AssertionError: False is not true$', 5),
    'QueueShutdownTests.test_shutdown_nonempty': (LATER, r'^AssertionError: False is not true$', 5),
    'QueueShutdownTests.test_shutdown_immediate_with_unfinished': (LATER, r'^AssertionError: False is not true$', 5),
    'QueueJoinTests.test_format': (
        "sets asyncio's private Queue._unfinished_tasks to 2 and expects _format() to show it; "
        'here the count is the C object\'s n-unfinished property, which the attribute does not '
        'change', r"^AssertionError: 'maxsize=0' != 'maxsize=0 tasks=2'$", 5),
}

# A test not listed has this long.
TIMEOUT = 10


async def unstick():
    """After a failure: cancels the tasks the test left waiting (a get or a
    put that waits leaves at once), or the runner's clean-up would wait for
    them for ever."""
    me = asyncio.current_task()
    for _ in range(100):
        left = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
        if not left:
            return
        for task in left:
            task.cancel()
        await asyncio.sleep(0.001)


def main():
    test_queues = cpython_port.import_or_skip('test_queues')
    import fifolock_glib

    def adapt(case):
        if case.__name__ in NOT_OURS:
            # (unittest.skip on the class: its tests report as skipped.)
            unittest.skip(f'tests {NOT_OURS[case.__name__]}, which fifolock_glib does not have '
                          '(FifoQueue is first in, first out)')(case)
            return False
        if getattr(case, 'q_class', None) is asyncio.Queue:
            # (Bound when the module was imported, before substitute().)
            case.q_class = fifolock_glib.Queue

    cpython_port.substitute(test_queues, fifolock_glib, SUBSTITUTED)
    expected = cpython_port.prepare(test_queues, EXPECTED, TIMEOUT, unstick, adapt, inherited=True)
    cpython_port.run(test_queues, expected)


if __name__ == '__main__':
    main()
