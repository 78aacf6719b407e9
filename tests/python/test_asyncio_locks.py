#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""CPython's own Lib/test/test_asyncio/test_locks.py, unmodified, run
against fifolock_glib.

The test module is imported from the interpreter's test suite (Debian:
libpython3.13-testsuite), and its global `asyncio` is replaced by a copy of
asyncio whose Lock, Event, Condition, Semaphore, BoundedSemaphore, Barrier
and BrokenBarrierError are fifolock_glib's; every test runs on PyGObject's
GLib event loop (IsolatedAsyncioTestCase.loop_factory, Python 3.13), each
bounded in time. The tests that cannot pass are listed in EXPECTED below,
each with the reason and the failure it must show (anything else fails);
docs/coming-from-asyncio.md states each difference.

Usage: test_asyncio_locks.py [TestCase[.test_name] ...]
"""

import asyncio
import functools
import gc
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import cpython_port  # noqa: E402

# Expected failures, by kind of reason.
PRIVATE = ("reads asyncio's private {} attribute; fifolock_glib keeps no Python-side state "
           "(the waiters are in the C object, counted by its n-waiting property)")
LATER = ('counts loop iterations: a woken waiter runs later than with asyncio, because the '
         "library's callback runs in a main-loop iteration of its own (callbacks are never "
         'synchronous), and the task resumes after it')
NO_DRAINING = ('FifoBarrier has no draining phase: a cycle completes at once when its last party '
               'arrives, so there is no "draining" state, and a party that passed may wait again '
               'at once')

# test id (without the module) -> (why, regular expression its failure must match, seconds)
EXPECTED = {
    'LockTests.test_acquire': (LATER, r"^AssertionError: Lists differ: \[1\] != \[\]$", 5),
    'LockTests.test_acquire_cancel': (PRIVATE.format('Lock._waiters'), r"'Lock' object has no attribute '_waiters'", 5),
    'LockTests.test_cancel_race': (PRIVATE.format('Lock._waiters'), r"'Lock' object has no attribute '_waiters'", 5),
    'LockTests.test_finished_waiter_cancelled': (PRIVATE.format('Lock._waiters'), r"'Lock' object has no attribute '_waiters'", 5),
    'EventTests.test_repr': (PRIVATE.format('Event._waiters'), r"'Event' object has no attribute '_waiters'", 5),
    'EventTests.test_wait': (LATER, r"^AssertionError: Lists differ: \[3, 1, 2\] != \[3\]$", 5),
    'EventTests.test_wait_cancel': (PRIVATE.format('Event._waiters'), r"'Event' object has no attribute '_waiters'", 5),
    'EventTests.test_clear_with_waiters': (PRIVATE.format('Event._waiters'), r"'Event' object has no attribute '_waiters'", 5),
    'ConditionTests.test_wait': (LATER, r"^AssertionError: Lists differ: \[1\] != \[\]$", 5),
    'ConditionTests.test_wait_cancel': (PRIVATE.format('Condition._waiters'), r"'Condition' object has no attribute '_waiters'", 5),
    'ConditionTests.test_wait_cancel_after_notify': (LATER, r'^AssertionError: False is not true$', 5),
    'ConditionTests.test_notify': (LATER, r"^AssertionError: Lists differ: \[1\] != \[\]$", 5),
    'ConditionTests.test_notify_all': (LATER, r"^AssertionError: Lists differ: \[1, 2\] != \[\]$", 5),
    'ConditionTests.test_repr': (PRIVATE.format('Condition._waiters'), r"'Condition' object has no attribute '_waiters'", 5),
    'ConditionTests.test_ambiguous_loops': (
        "binds the lock to another loop through asyncio's private _loop attribute, and expects "
        'RuntimeError; fifolock_glib\'s objects belong to no loop (any loop, any thread may use '
        'them), so the acquisition waits for a lock that is held', r'^TimeoutError$', 1),
    'SemaphoreTests.test_repr': (PRIVATE.format('Semaphore._waiters'), r"'Semaphore' object has no attribute '_waiters'", 5),
    'SemaphoreTests.test_semaphore': (PRIVATE.format('Semaphore._value'), r"'Semaphore' object has no attribute '_value'", 5),
    'SemaphoreTests.test_acquire': (PRIVATE.format('Semaphore._waiters'), r"'Semaphore' object has no attribute '_waiters'", 5),
    'SemaphoreTests.test_acquire_cancel': (PRIVATE.format('Semaphore._waiters'), r"'Semaphore' object has no attribute '_waiters'", 5),
    'SemaphoreTests.test_acquire_fifo_order_2': (
        'a permit handed to a waiter whose task has not run yet already belongs to it: here c2, '
        'releasing and acquiring again, takes a free permit while c3 holds its own, so c2 may '
        'print 4 before c3 prints 3 (nobody was overtaken: both hold a permit)',
        r"^AssertionError: Lists differ: \[1, 2, 3, 4\] != \[1, 2, 4, 3\]$", 5),
    'SemaphoreTests.test_acquire_fifo_order_4': (PRIVATE.format('Semaphore._value'), r"'Semaphore' object has no attribute '_value'", 5),
    'BarrierTests.test_repr': (NO_DRAINING, r"^AssertionError: 'draining' not found in", 5),
    'BarrierTests.test_filling_one_task_twice': (LATER, r'^asyncio\.exceptions\.InvalidStateError: Result is not set\.$', 5),
    'BarrierTests.test_draining_state': (NO_DRAINING, r'^AssertionError: False is not true$', 5),
    'BarrierTests.test_reset_barrier_when_tasks_half_draining': (
        NO_DRAINING + "; and it reads asyncio's private Barrier._count", r"'Barrier' object has no attribute '_count'", 5),
    'BarrierTests.test_reset_barrier_when_tasks_half_draining_half_blocking': (
        NO_DRAINING + ': the parties that passed wait again at once, and the reset breaks their '
        'new cycle', r'BrokenBarrierError', 5),
    'BarrierTests.test_reset_barrier_while_tasks_draining': (
        NO_DRAINING + ': the reset breaks the cycle the others have already joined again, and '
        'the last party is left waiting alone', r'^TimeoutError$', 1),
    'BarrierTests.test_abort_barrier_when_tasks_half_draining_half_blocking': (
        NO_DRAINING + ': no party is still draining when the abort comes',
        r"^AssertionError: Lists differ: \[\] != \[True, True\]$", 5),
}

# A test not listed has this long.
TIMEOUT = 10


async def unstick(module):
    """After a failure: cancels the tasks the test left waiting, and then
    releases the locks they still wait for, or the runner's clean-up (which
    waits for every task) would wait for ever (a cancelled condition wait
    waits to re-acquire its lock, as asyncio's does)."""
    me = asyncio.current_task()
    for turn in range(500):
        left = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
        if not left:
            return
        for task in left:
            task.cancel()
        if turn >= 10:
            for obj in gc.get_objects():
                if isinstance(obj, module.Lock) and obj.locked():
                    obj.release()
        await asyncio.sleep(0.001)


def main():
    test_locks = cpython_port.import_or_skip('test_locks')
    import fifolock_glib

    cpython_port.substitute(test_locks, fifolock_glib,
                            ('Lock', 'Event', 'Condition', 'Semaphore', 'BoundedSemaphore',
                             'Barrier', 'BrokenBarrierError'))
    expected = cpython_port.prepare(test_locks, EXPECTED, TIMEOUT,
                                    functools.partial(unstick, fifolock_glib))
    cpython_port.run(test_locks, expected)


if __name__ == '__main__':
    main()
