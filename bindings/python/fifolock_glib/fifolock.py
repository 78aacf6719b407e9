# SPDX-License-Identifier: LGPL-2.1-or-later
"""FifoLock with the API of Python's fifolock, over a Fifo.Lock.

    class Read:
        @staticmethod
        def is_compatible(holds):
            return not holds[Write]

    class Write:
        @staticmethod
        def is_compatible(holds):
            return not holds[Read] and not holds[Write]

    lock = FifoLock()

    async with lock(Read):      # in a coroutine
        ...
    with lock(Write):           # in a worker thread: blocks it
        ...

A mode is a class with a static or class method is_compatible(holds), where
holds[Mode] counts the grants of that class (fifolock's modes subclass
asyncio.Future; that is allowed and not needed). Each class stands for one
Fifo.LockMode of a GObject type of its own, made the first time and kept,
so that the lock counts holds by class. A Fifo.LockMode instance or class
(Fifo.ExclusiveMode, Fifo.SharedMode, a mode written with GObject) is a
mode as well.
"""

from gi.repository import Fifo

__all__ = ['FifoLock']


class FifoLock:
    """A lock with modes, granted strictly in order (fifolock's FifoLock)."""

    def __init__(self):
        self.fifo = Fifo.Lock.new()

    def __repr__(self):
        return (f'<{type(self).__module__}.{type(self).__qualname__} object at {id(self):#x} '
                f'[waiters:{self.fifo.get_n_waiting()}]>')

    def __call__(self, mode):
        """`async with lock(Mode):` holds the lock in Mode for the block
        (`with lock(Mode):` in a worker thread)."""
        return self.fifo(mode)
