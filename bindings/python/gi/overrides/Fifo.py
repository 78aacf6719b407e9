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

FifoCondition's `notify(n)` is asyncio's; `notify('property-name')`, with a
string, is GObject's property notification. `wait_for(predicate)` and
`wait_for_async(predicate, ...)` take a callable without arguments, as
asyncio does; if it raises, the wait ends and the exception comes out of
`wait_for` or `wait_for_finish`.
"""

import contextlib
import weakref

from ..module import get_introspection_module
from ..overrides import override
from gi.repository import GObject

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


class _Predicate:
    """A predicate without arguments, as the C one (with its data) is
    called. If it raises, the wait ends (it returns TRUE) and the exception
    is kept, to be raised when the wait is finished."""
    __slots__ = ('predicate', 'error')

    def __init__(self, predicate):
        if not callable(predicate):
            raise TypeError(f'the predicate must be callable, not {predicate!r}')
        self.predicate = predicate
        self.error = None

    def __call__(self, *data):
        if self.error is not None:
            return True
        try:
            return bool(self.predicate())
        except BaseException as e:
            self.error = e
            return True

    def raise_error(self):
        error, self.error = self.error, None
        if error is not None:
            try:
                raise error
            finally:
                error = None


# wait_for_async() results whose predicate raised, until wait_for_finish().
_predicate_errors = weakref.WeakKeyDictionary()


class Condition(Fifo.Condition):
    """`with condition:` holds its mutex, as with asyncio and threading."""

    def __enter__(self):
        self.get_mutex().acquire(None)
        return self

    def __exit__(self, *exc_info):
        self.get_mutex().release()
        return False

    def notify(self, n=1):
        """notify(n=1) wakes up to n waiters, as asyncio's; notify(name),
        with a property name, is GObject's property notification."""
        if isinstance(n, str):
            return GObject.Object.notify(self, n)
        return super().notify(n)

    def wait_for(self, predicate, cancellable=None):
        """Blocks until predicate() holds (checked with the mutex held); it
        takes no arguments, as in asyncio. If it raises, the wait ends and
        the exception is raised here, the mutex held as after a wait."""
        checked = _Predicate(predicate)
        holds = super().wait_for(checked, None, cancellable)
        checked.raise_error()
        return holds

    def wait_for_async(self, predicate, cancellable=None, callback=None, *user_data):
        """As in C, with a predicate without arguments; wait_for_finish()
        raises what the predicate raised."""
        checked = _Predicate(predicate)

        def done(source, result, *data):
            if checked.error is not None:
                _predicate_errors[result] = checked
            if callback is not None:
                callback(source, result, *data)

        # (PyGObject 3.42 insists on a tuple for the data of a callback that
        # is not the last one.)
        return super().wait_for_async(checked, (), cancellable, done, *user_data)

    def wait_for_finish(self, result):
        holds = super().wait_for_finish(result)
        checked = _predicate_errors.pop(result, None)
        if checked is not None:
            checked.raise_error()
        return holds


Condition = override(Condition)
__all__.append('Condition')
