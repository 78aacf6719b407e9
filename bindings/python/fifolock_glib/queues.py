# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio's Queue over FifoQueue.

The queue's state -- its items, waiting puts and gets, unfinished tasks, its
shutdown -- lives in the GObject, `fifo`: worker threads may feed or drain
the same queue with its blocking forms (`queue.fifo.put(item)`,
`queue.fifo.get()`). The methods only adapt. Errors are asyncio's own
classes, decided before calling the library where asyncio decides them.
The differences from asyncio are listed in the guide "Coming from asyncio
and fifolock".
"""

import asyncio
import math
import types

from gi.repository import Fifo
from gi.overrides import Fifo as _overrides

__all__ = ['Queue', 'QueueShutDown', 'QueueEmpty', 'QueueFull']

QueueEmpty = asyncio.QueueEmpty
QueueFull = asyncio.QueueFull

try:
    QueueShutDown = asyncio.QueueShutDown
except AttributeError:      # Python < 3.13, whose asyncio has no shutdown
    class QueueShutDown(Exception):
        """Raised when putting on to or getting from a shut-down Queue."""

_G_MAXUINT = 0xFFFFFFFF


def _max_size(maxsize):
    """FifoQueue's max-size for asyncio's maxsize: 0 (no limit) for 0 or
    less; a fractional one rounded up, since asyncio is full once qsize()
    >= maxsize."""
    if maxsize <= 0:
        return 0
    return min(math.ceil(maxsize), _G_MAXUINT)


def _queue_error(error):
    if error.matches(Fifo.error_quark(), Fifo.Error.QUEUE_SHUT_DOWN):
        return QueueShutDown()
    return error


class Queue:
    """asyncio.Queue over a Fifo.Queue: first in, first out, the waiting
    puts and gets each served strictly in order. Any object may be put; the
    same object is got."""

    __class_getitem__ = classmethod(types.GenericAlias)

    def __init__(self, maxsize=0):
        self._maxsize = maxsize
        self.fifo = Fifo.Queue(max_size=_max_size(maxsize))

    def __repr__(self):
        return f'<{type(self).__name__} at {id(self):#x} {self._format()}>'

    def __str__(self):
        return f'<{type(self).__name__} {self._format()}>'

    def _format(self):
        # As asyncio's, but the items stay in the C object, which can count
        # them but not show them without taking them. Waiting gets and puts
        # are told apart by the items: gets wait only for an empty queue,
        # puts only for a full one.
        result = f'maxsize={self._maxsize!r}'
        n_items = self.fifo.get_n_items()
        n_waiting = self.fifo.get_n_waiting()
        if n_items:
            result += f' items={n_items}'
        if n_waiting:
            result += f' {"putters" if n_items else "getters"}={n_waiting}'
        n_unfinished = self.fifo.get_n_unfinished()
        if n_unfinished:
            result += f' tasks={n_unfinished}'
        if self.fifo.get_is_shut_down():
            result += ' shutdown'
        return result

    @property
    def maxsize(self):
        """Number of items allowed in the queue (0 or less: no limit)."""
        return self._maxsize

    def qsize(self):
        """Number of items in the queue (not those handed to gets whose
        tasks have not run yet)."""
        return self.fifo.get_n_items()

    def empty(self):
        """Whether the queue is empty."""
        return self.fifo.get_n_items() == 0

    def full(self):
        """Whether there are maxsize items in the queue (never, if maxsize
        is 0 or less)."""
        if self._maxsize <= 0:
            return False
        return self.fifo.get_n_items() >= self._maxsize

    async def put(self, item):
        """Puts item into the queue, waiting while it is full, after the
        puts that wait already: at once, without yielding, if there is
        room. QueueShutDown if the queue is or gets shut down while it
        waits.

        Cancelled while it waits, it puts nothing. Once room is freed for
        it, the library takes its item in at once, before its task runs
        again: a cancellation that comes then still raises CancelledError,
        but the item is in the queue."""
        if self.fifo.get_is_shut_down():
            raise QueueShutDown
        await _overrides._queue_put(self.fifo, item, error=_queue_error)

    def put_nowait(self, item):
        """Puts item without waiting. QueueFull if there is no room,
        QueueShutDown if the queue is shut down."""
        if self.fifo.get_is_shut_down():
            raise QueueShutDown
        if not self.fifo.try_put(item):
            raise QueueShutDown if self.fifo.get_is_shut_down() else QueueFull

    async def get(self):
        """Removes and returns the oldest item, waiting while there is none,
        after the gets that wait already: at once, without yielding, if
        there is one. QueueShutDown once the queue is shut down and empty.

        Cancelled, it takes nothing: an item already handed to it goes back
        in front of the queue (or to the next waiting get)."""
        ok, item = self.fifo.try_get()
        if ok:
            return item
        if self.fifo.get_is_shut_down():
            raise QueueShutDown
        return await _overrides._queue_get(self.fifo, error=_queue_error)

    def get_nowait(self):
        """Removes and returns the oldest item if there is one now.
        QueueEmpty otherwise, or QueueShutDown if the queue is shut down
        and empty."""
        ok, item = self.fifo.try_get()
        if ok:
            return item
        raise QueueShutDown if self.fifo.get_is_shut_down() else QueueEmpty

    def task_done(self):
        """Marks the work on one item got as done; join() returns once every
        item put was. ValueError if called more times than items were put."""
        if self.fifo.get_n_unfinished() == 0:
            raise ValueError('task_done() called too many times')
        self.fifo.task_done()

    async def join(self):
        """Waits until every item put has been got and marked done (at once
        if that is so)."""
        await _overrides._queue_join(self.fifo)

    def shutdown(self, immediate=False):
        """Shuts the queue down, as Python 3.13's: put() and put_nowait()
        raise QueueShutDown from now on, and so do the waiting puts; gets
        take what is left, then raise QueueShutDown. With immediate, what is
        left is dropped and marked done, and every get raises it now."""
        self.fifo.shutdown(immediate)
