# SPDX-License-Identifier: LGPL-2.1-or-later
"""PyGObject overrides for fifolock-glib: context managers for the blocking
forms, so that a worker thread can write

    with lock.hold(write):
        ...

    with mutex:
        ...

They only wrap the C API, which stays the reference; they block the calling
thread, so use them in worker threads, never in a thread whose main loop
must run for the lock to be released.
"""

import contextlib

from ..module import get_introspection_module
from ..overrides import override

Fifo = get_introspection_module('Fifo')

__all__ = []


class _Holding:
    """`with x:` acquires x (blocking) and releases it on the way out."""

    def __enter__(self):
        self.acquire(None)
        return self

    def __exit__(self, *exc_info):
        self.release()
        return False

    @contextlib.contextmanager
    def hold(self, cancellable=None):
        """Acquire (blocking, cancellable), yield, release."""
        self.acquire(cancellable)
        try:
            yield self
        finally:
            self.release()


class Lock(Fifo.Lock):
    @contextlib.contextmanager
    def hold(self, mode, cancellable=None):
        """Acquire in `mode` (blocking, cancellable), yield, release."""
        self.acquire(mode, cancellable)
        try:
            yield self
        finally:
            self.release(mode)


Lock = override(Lock)
__all__.append('Lock')


class Mutex(_Holding, Fifo.Mutex):
    pass


Mutex = override(Mutex)
__all__.append('Mutex')


class Semaphore(_Holding, Fifo.Semaphore):
    pass


Semaphore = override(Semaphore)
__all__.append('Semaphore')


class Condition(Fifo.Condition):
    """`with condition:` holds its mutex, as with asyncio and threading."""

    def __enter__(self):
        self.get_mutex().acquire(None)
        return self

    def __exit__(self, *exc_info):
        self.get_mutex().release()
        return False

    def wait_for_async(self, predicate, predicate_data=None, cancellable=None,
                       callback=None, *user_data):
        """As in C: predicate(predicate_data) is checked with the mutex held.

        (PyGObject 3.42 insists on a tuple for the data of a callback that
        is not the last one; this keeps the call the same as wait_for.)"""
        return super().wait_for_async(lambda *_: predicate(predicate_data), (),
                                      cancellable, callback, *user_data)


Condition = override(Condition)
__all__.append('Condition')
