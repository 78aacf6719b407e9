# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio's Lock, Event, Condition, Semaphore, BoundedSemaphore and Barrier
over FifoMutex, FifoEvent, FifoCondition, FifoSemaphore and FifoBarrier.

Each class holds its GObject in `fifo`, where all of its state lives; the
methods only adapt. Errors are asyncio's, decided before calling the
library, so that misuse raises as it does with asyncio and never reaches
the library's g_critical. The differences from asyncio are listed in the
guide "Coming from asyncio and fifolock".
"""

import asyncio

from gi.repository import Fifo
from gi.overrides import Fifo as _overrides

__all__ = ['Lock', 'Event', 'Condition', 'Semaphore', 'BoundedSemaphore',
           'Barrier', 'BrokenBarrierError']

BrokenBarrierError = asyncio.BrokenBarrierError

_G_MAXUINT = 0xFFFFFFFF


def _repr(self, extra):
    return f'<{type(self).__module__}.{type(self).__qualname__} object at {id(self):#x} [{extra}]>'


def _waiters(n):
    return f', waiters:{n}' if n else ''


class _ContextManagerMixin:
    """`async with x:` in a coroutine; `with x:` in a worker thread, which
    blocks it (never the event loop's thread)."""

    async def __aenter__(self):
        await self.acquire()
        # As asyncio: `async with lock as x` gives None.
        return None

    async def __aexit__(self, exc_type, exc, tb):
        self.release()

    def __enter__(self):
        _overrides._refuse_blocking_in_loop(type(self).__name__.lower())
        self._blocking_acquire()
        return None

    def __exit__(self, exc_type, exc, tb):
        self.release()
        return False


class Lock(_ContextManagerMixin):
    """asyncio.Lock over a Fifo.Mutex: a mutex, granted strictly in order."""

    def __init__(self):
        self.fifo = Fifo.Mutex.new()

    def __repr__(self):
        extra = 'locked' if self.locked() else 'unlocked'
        return _repr(self, extra + _waiters(self.fifo.get_n_waiting()))

    def locked(self):
        """Whether the lock is held (or handed to a waiter whose task has not
        run yet)."""
        return self.fifo.get_locked()

    async def acquire(self):
        """Waits for the lock and returns True: at once, without yielding,
        when it is free and nobody waits."""
        await _overrides._acquire(self.fifo)
        return True

    def _blocking_acquire(self):
        self.fifo.acquire(None)

    def release(self):
        """Releases the lock; it goes to the first waiter, if any.
        RuntimeError if it is not locked."""
        if not self.fifo.get_locked():
            raise RuntimeError('Lock is not acquired.')
        self.fifo.release()


class Event:
    """asyncio.Event over a Fifo.Event."""

    def __init__(self):
        self.fifo = Fifo.Event.new()

    def __repr__(self):
        extra = 'set' if self.is_set() else 'unset'
        return _repr(self, extra + _waiters(self.fifo.get_n_waiting()))

    def is_set(self):
        return self.fifo.get_is_set()

    def set(self):
        """Sets the flag and wakes every waiter."""
        self.fifo.set()

    def clear(self):
        self.fifo.clear()

    async def wait(self):
        """Waits until the flag is set and returns True (at once if it is)."""
        if self.fifo.get_is_set():
            return True
        await _overrides._wait(lambda c, callback: self.fifo.wait_async(c, callback),
                               self.fifo.wait_finish)
        return True


class Condition(_ContextManagerMixin):
    """asyncio.Condition over a Fifo.Condition, whose mutex is the lock's."""

    def __init__(self, lock=None):
        if lock is None:
            lock = Lock()
        elif not isinstance(lock, Lock):
            raise TypeError(f'the lock of a fifolock_glib.Condition is a fifolock_glib.Lock, '
                            f'not {lock!r}')
        self._lock = lock
        self.fifo = Fifo.Condition.new(lock.fifo)
        # As asyncio: the lock's own methods.
        self.locked = lock.locked
        self.acquire = lock.acquire
        self.release = lock.release

    def __repr__(self):
        extra = 'locked' if self.locked() else 'unlocked'
        return _repr(self, extra + _waiters(self.fifo.get_n_waiting()))

    def _blocking_acquire(self):
        self._lock._blocking_acquire()

    async def wait(self):
        """Releases the lock, waits to be notified, and returns True once it
        holds the lock again -- also when cancelled, which then raises
        CancelledError with the lock held, as asyncio does. RuntimeError
        if the lock is not held."""
        if not self.locked():
            raise RuntimeError('cannot wait on un-acquired lock')
        await _overrides._wait(lambda c, callback: self.fifo.wait_async(c, callback),
                               self.fifo.wait_finish,
                               reacquires=True, pass_on=lambda: self.fifo.notify(1))
        return True

    async def wait_for(self, predicate):
        """Waits until predicate() is true, and returns its value."""
        result = predicate()
        while not result:
            await self.wait()
            result = predicate()
        return result

    def notify(self, n=1):
        """Wakes up to n waiters, in order. RuntimeError if the lock is not
        held."""
        if not self.locked():
            raise RuntimeError('cannot notify on un-acquired lock')
        self.fifo.notify(min(max(n, 0), _G_MAXUINT))

    def notify_all(self):
        """Wakes every waiter. RuntimeError if the lock is not held."""
        if not self.locked():
            raise RuntimeError('cannot notify on un-acquired lock')
        self.fifo.notify_all()


class Semaphore(_ContextManagerMixin):
    """asyncio.Semaphore over a Fifo.Semaphore."""

    def __init__(self, value=1):
        if value < 0:
            raise ValueError('Semaphore initial value must be >= 0')
        self.fifo = self._new(value)

    @staticmethod
    def _new(value):
        return Fifo.Semaphore.new(value)

    def __repr__(self):
        extra = 'locked' if self.locked() else f'unlocked, value:{self.fifo.get_value()}'
        return _repr(self, extra + _waiters(self.fifo.get_n_waiting()))

    def locked(self):
        """Whether acquire() would wait: no permit left, or waiters before
        it."""
        return self.fifo.get_value() == 0 or self.fifo.get_n_waiting() > 0

    async def acquire(self):
        """Waits for a permit and returns True: at once, without yielding,
        when one is free and nobody waits."""
        await _overrides._acquire(self.fifo)
        return True

    def _blocking_acquire(self):
        self.fifo.acquire(None)

    def release(self):
        """Gives a permit back; it goes to the first waiter, if any."""
        self.fifo.release()


class BoundedSemaphore(Semaphore):
    """asyncio.BoundedSemaphore: releasing it above its initial value
    raises ValueError."""

    def __init__(self, value=1):
        self._bound_value = value
        super().__init__(value)

    @staticmethod
    def _new(value):
        return Fifo.Semaphore.new_bounded(value)

    def release(self):
        if self.fifo.get_value() >= self._bound_value:
            raise ValueError('BoundedSemaphore released too many times')
        self.fifo.release()


def _barrier_error(error):
    if error.matches(Fifo.error_quark(), Fifo.Error.BROKEN_BARRIER):
        return BrokenBarrierError(error.message)
    return error


class Barrier:
    """asyncio.Barrier over a Fifo.Barrier (which has no draining phase: a
    cycle completes at once when its last party arrives)."""

    def __init__(self, parties):
        if parties < 1:
            raise ValueError('parties must be >= 1')
        self.fifo = Fifo.Barrier.new(parties)

    def __repr__(self):
        extra = 'broken' if self.broken else f'filling, waiters:{self.n_waiting}/{self.parties}'
        return _repr(self, extra)

    async def __aenter__(self):
        return await self.wait()

    async def __aexit__(self, *args):
        pass

    async def wait(self):
        """Waits for the other parties and returns this one's index, 0 to
        parties - 1 in order of arrival. BrokenBarrierError if the barrier
        is or becomes broken (abort(), reset())."""
        return await _overrides._wait(lambda c, callback: self.fifo.wait_async(c, callback),
                                      self.fifo.wait_finish, error=_barrier_error)

    async def reset(self):
        """Fails the waiting parties with BrokenBarrierError and makes the
        barrier whole again."""
        self.fifo.reset()

    async def abort(self):
        """Breaks the barrier: every wait, now and later, raises
        BrokenBarrierError until reset()."""
        self.fifo.abort()

    @property
    def parties(self):
        return self.fifo.get_parties()

    @property
    def n_waiting(self):
        return self.fifo.get_n_waiting()

    @property
    def broken(self):
        return self.fifo.get_broken()
