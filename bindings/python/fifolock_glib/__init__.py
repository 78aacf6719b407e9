# SPDX-License-Identifier: LGPL-2.1-or-later
"""asyncio's synchronisation primitives, strictly FIFO and thread-safe,
over fifolock-glib.

    import fifolock_glib as locks      # instead of asyncio's own classes

    lock = locks.Lock()
    async with lock:
        ...

It gives asyncio's class names and methods -- Lock, Event, Condition,
Semaphore, BoundedSemaphore, Barrier, BrokenBarrierError, Queue,
QueueShutDown, QueueEmpty, QueueFull -- and FifoLock, with the API of
Python's fifolock:

    class Write:
        @staticmethod
        def is_compatible(holds):
            return not holds[Read] and not holds[Write]

    async with lock(Write):
        ...

Every object wraps one of fifolock-glib's GObjects (its `fifo` attribute),
where all of its state lives: worker threads may use the same objects at
once, with `with lock:` (the blocking form).

It runs on PyGObject 3.50 or later, whose event loop runs asyncio on the GLib
main loop; call this before making the loop:

    asyncio.set_event_loop_policy(gi.events.GLibEventLoopPolicy())

With an older PyGObject, importing this module raises ImportError; the
callback and blocking forms of gi.repository.Fifo work there.
"""

import gi

gi.require_version('Fifo', '1.0')
from gi.repository import Fifo  # noqa: E402,F401  (loads the overrides)
from gi.overrides import Fifo as _overrides  # noqa: E402

if _overrides._asyncio_unsupported() is not None:
    raise ImportError(f'{_overrides._asyncio_unsupported()}; the callback and blocking forms '
                      'of gi.repository.Fifo work without it', name=__name__)

from .locks import (Lock, Event, Condition, Semaphore, BoundedSemaphore,  # noqa: E402
                    Barrier, BrokenBarrierError)
from .queues import Queue, QueueShutDown, QueueEmpty, QueueFull  # noqa: E402
from .fifolock import FifoLock  # noqa: E402

__all__ = ['Lock', 'Event', 'Condition', 'Semaphore', 'BoundedSemaphore',
           'Barrier', 'BrokenBarrierError', 'Queue', 'QueueShutDown', 'QueueEmpty',
           'QueueFull', 'FifoLock']
