#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fifo.Queue from Python: any object goes in and the very same object
comes out, by every way of putting and getting, with the reference counts
right (an item the queue holds is released when the queue goes, or drops
it); callbacks, worker threads and the blocking forms, on any PyGObject.
On PyGObject >= 3.50's GLib event loop, also the awaitable forms and
fifolock_glib.Queue: asyncio's API and errors, and cancellation at every
point of a get (the item is never lost: it goes back in front) and of a
put. CPython's own test_queues.py runs in test_asyncio_queues.py.

The suite runs with G_DEBUG=fatal-criticals: a g_critical from the library
ends it, so none reaches a Python user."""

import asyncio
import gc
import os
import sys
import threading
import time
import unittest
import weakref

import gi

gi.require_version('Fifo', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Fifo, Gio, GLib, GObject  # noqa: E402
from gi.module import get_introspection_module  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import fifotap  # noqa: E402
import glibloop  # noqa: E402
from glibloop import glib_test, turns, until, completed_not_resumed  # noqa: E402

ASYNCIO = glibloop.unsupported()
RawQueue = get_introspection_module('Fifo').Queue   # without the overrides


class Item:
    """An object only the test refers to (weakref-able, counted)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f'Item({self.name!r})'


def samples():
    """Objects of every kind: PyGObject would convert some to a GValue of
    their own type, or refuse them (None, a big int)."""
    return [None, 0, 2 ** 100, -1.5, True, 'text', b'bytes', [1, 2], {'job': 1}, (),
            Item('plain'), GObject.Value(GObject.TYPE_INT, 3), Gio.Cancellable(), object]


def drain():
    """Runs the default main context until it has nothing left to do."""
    context = GLib.MainContext.default()
    idle = 0
    while idle < 2:
        idle = 0 if context.iteration(False) else idle + 1


def run_until(predicate, timeout_s=60):
    """Runs the default context until predicate() holds (it may depend on
    another thread: this polls)."""
    context = GLib.MainContext.default()
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError('timed out waiting')
        if not context.iteration(False):
            time.sleep(0.001)


class Getter:
    """One get_async() with a callback, and what it got."""

    def __init__(self, queue, cancellable=None, *user_data):
        self.done = False
        self.item = None
        self.error = None
        self.user_data = None
        queue.get_async(cancellable, self._done, *user_data)

    def _done(self, queue, result, *user_data):
        assert not self.done, 'callback called twice'
        self.done = True
        self.user_data = user_data
        try:
            self.item = queue.get_finish(result)
        except GLib.Error as error:
            self.error = error


def is_shut_down(error):
    return error is not None and error.matches(Fifo.error_quark(), Fifo.Error.QUEUE_SHUT_DOWN)


def is_cancelled(error):
    return error is not None and error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)


# ---- any PyGObject ------------------------------------------------------------------

class Items(unittest.TestCase):
    """What goes in comes out: the same object, by every way."""

    def put_ways(self, queue):
        def put_async(item):
            done = []
            queue.put_async(item, None, lambda q, r: done.append(q.put_finish(r)))
            run_until(lambda: done)
            self.assertEqual(done, [True])
        return {'try_put': lambda item: self.assertTrue(queue.try_put(item)),
                'put': lambda item: self.assertTrue(queue.put(item, None)),
                'put_async': put_async}

    def get_ways(self, queue):
        def get_async():
            getter = Getter(queue)
            run_until(lambda: getter.done)
            self.assertIsNone(getter.error)
            return getter.item

        def try_get():
            ok, item = queue.try_get()
            self.assertTrue(ok)
            return item
        return {'try_get': try_get, 'get': lambda: queue.get(None), 'get_async': get_async}

    def test_same_object_every_way(self):
        queue = Fifo.Queue()
        for put_name, put in self.put_ways(queue).items():
            for get_name, get in self.get_ways(queue).items():
                for item in samples():
                    with self.subTest(put=put_name, get=get_name, item=item):
                        put(item)
                        self.assertIs(get(), item)
                        self.assertEqual(queue.get_n_items(), 0)

    def test_references_every_way(self):
        queue = Fifo.Queue()
        item = Item('counted')
        base = sys.getrefcount(item)
        for put_name, put in self.put_ways(queue).items():
            for get_name, get in self.get_ways(queue).items():
                with self.subTest(put=put_name, get=get_name):
                    put(item)
                    self.assertEqual(sys.getrefcount(item), base + 1)   # the queue's
                    got = get()
                    self.assertIs(got, item)
                    del got
                    self.assertEqual(sys.getrefcount(item), base)

    def test_order_and_max_size(self):
        queue = Fifo.Queue(max_size=2)
        items = [Item(i) for i in range(3)]
        self.assertTrue(queue.try_put(items[0]))
        self.assertTrue(queue.try_put(items[1]))
        self.assertFalse(queue.try_put(items[2]))   # full
        self.assertEqual(queue.props.n_items, 2)
        self.assertIs(queue.try_get()[1], items[0])
        self.assertTrue(queue.try_put(items[2]))
        self.assertEqual([queue.try_get()[1] for _ in range(2)], items[1:])

    def test_try_get(self):
        queue = Fifo.Queue.new_for_values(0)
        self.assertEqual(queue.try_get(), (False, None))
        queue.try_put(None)
        self.assertEqual(queue.try_get(), (True, None))   # an item that is None
        self.assertEqual(queue.try_get(), (False, None))

    def test_released_when_the_queue_goes(self):
        queue = Fifo.Queue()
        items = [Item(i) for i in range(3)]
        refs = [weakref.ref(item) for item in items]
        for item in items:
            queue.try_put(item)
        del items, item
        gc.collect()
        self.assertTrue(all(ref() is not None for ref in refs))   # the queue holds them
        gone = weakref.ref(queue)
        del queue
        gc.collect()
        self.assertIsNone(gone())
        self.assertEqual([ref() for ref in refs], [None] * 3)

    def test_released_when_dropped(self):
        # shutdown(immediate) drops what is left; a put that fails holds
        # nothing; a cancelled put neither.
        queue = Fifo.Queue(max_size=1)
        kept, waiting, late = Item('kept'), Item('waiting'), Item('late')
        refs = [weakref.ref(kept), weakref.ref(waiting)]
        queue.try_put(kept)
        cancellable = Gio.Cancellable()
        outcome = []
        queue.put_async(waiting, cancellable, lambda q, r: self._finish_put(q, r, outcome))
        drain()
        cancellable.cancel()
        run_until(lambda: outcome)
        self.assertTrue(is_cancelled(outcome[0]))
        base = sys.getrefcount(late)
        queue.shutdown(True)
        with self.assertRaises(GLib.Error) as caught:
            queue.put(late, None)
        self.assertTrue(is_shut_down(caught.exception))
        self.assertFalse(queue.try_put(late))
        self.assertEqual(sys.getrefcount(late), base)
        del kept, waiting, outcome
        drain()
        gc.collect()
        self.assertEqual([ref() for ref in refs], [None, None])
        self.assertEqual(queue.props.n_items, 0)

    @staticmethod
    def _finish_put(queue, result, outcome):
        try:
            outcome.append(queue.put_finish(result))
        except GLib.Error as error:
            outcome.append(error)

    def test_items_put_from_c(self):
        # An item that is not a Python object comes out as PyGObject
        # converts its GValue; the overrides leave it alone.
        queue = Fifo.Queue()
        RawQueue.try_put(queue, GObject.Value(GObject.TYPE_STRING, 'from C'))
        RawQueue.try_put(queue, GObject.Value(GObject.TYPE_INT, 5))
        self.assertEqual(queue.try_get(), (True, 'from C'))
        self.assertEqual(queue.get(None), 5)

    def test_give_back(self):
        queue = Fifo.Queue()
        first, second = Item(1), Item(2)
        base = sys.getrefcount(first)
        queue.try_put(first)
        queue.try_put(second)
        got = queue.get(None)
        queue.give_back(got)
        del got
        self.assertEqual(queue.props.n_items, 2)
        self.assertEqual(queue.props.n_unfinished, 2)   # not counted again
        self.assertIs(queue.try_get()[1], first)
        self.assertIs(queue.try_get()[1], second)
        self.assertEqual(sys.getrefcount(first), base)


class Callbacks(unittest.TestCase):
    """The _async forms with a callback, as in C: on every PyGObject."""

    def test_get_waits_for_a_put(self):
        queue = Fifo.Queue()
        first, second = Getter(queue, None, 'data'), Getter(queue)
        drain()
        self.assertEqual(queue.props.n_waiting, 2)
        items = [Item('a'), Item('b')]
        queue.try_put(items[0])
        self.assertFalse(first.done)   # never synchronous
        queue.put(items[1], None)
        run_until(lambda: first.done and second.done)
        self.assertIs(first.item, items[0])
        self.assertIs(second.item, items[1])
        self.assertEqual(first.user_data, ('data',))

    def test_put_waits_for_room(self):
        queue = Fifo.Queue(max_size=1)
        items = [Item(i) for i in range(3)]
        queue.try_put(items[0])
        done = []
        for item in items[1:]:
            queue.put_async(item, None, lambda q, r, i=item: done.append((q.put_finish(r), i)))
        drain()
        self.assertEqual((done, queue.props.n_waiting), ([], 2))
        self.assertIs(queue.get(None), items[0])
        self.assertIs(queue.get(None), items[1])
        run_until(lambda: len(done) == 2)
        self.assertEqual(done, [(True, items[1]), (True, items[2])])
        self.assertIs(queue.try_get()[1], items[2])

    def test_join(self):
        queue = Fifo.Queue()
        joined = []
        queue.try_put(Item(1))
        queue.join_async(None, lambda q, r: joined.append(q.join_finish(r)))
        queue.get(None)
        drain()
        self.assertEqual(joined, [])
        queue.task_done()
        run_until(lambda: joined)
        self.assertEqual(joined, [True])

    def test_shut_down(self):
        queue = Fifo.Queue()
        waiting = Getter(queue)
        drain()
        queue.try_put(Item('left'))
        run_until(lambda: waiting.done)
        queue.try_put(Item('left'))
        queue.shutdown(False)
        self.assertEqual(queue.get(None).name, 'left')   # drained first
        failed = Getter(queue)
        run_until(lambda: failed.done)
        self.assertTrue(is_shut_down(failed.error))
        with self.assertRaises(GLib.Error) as caught:
            queue.get(None)
        self.assertTrue(is_shut_down(caught.exception))

    def test_cancelled_get_gives_its_item_back(self):
        # Handed to the first get, cancelled before its callback: the item
        # goes to the next.
        queue = Fifo.Queue()
        cancellable = Gio.Cancellable()
        victim, after = Getter(queue, cancellable), Getter(queue)
        drain()
        item = Item('handed')
        queue.try_put(item)
        cancellable.cancel()
        run_until(lambda: victim.done and after.done)
        self.assertTrue(is_cancelled(victim.error))
        self.assertIs(after.item, item)


class Threads(unittest.TestCase):
    """Worker threads with the blocking forms, the main loop with callbacks."""

    def test_workers_feed_the_main_loop(self):
        queue = Fifo.Queue(max_size=3)
        per_thread = 200
        sent = {t: [Item((t, i)) for i in range(per_thread)] for t in range(3)}
        got = []

        def producer(items):
            for item in items:
                queue.put(item, None)   # blocks while full

        def on_item(q, result):
            got.append(q.get_finish(result))
            if len(got) < 3 * per_thread:
                q.get_async(None, on_item)

        queue.get_async(None, on_item)
        threads = [threading.Thread(target=producer, args=(items,)) for items in sent.values()]
        for thread in threads:
            thread.start()
        run_until(lambda: len(got) == 3 * per_thread)
        for thread in threads:
            thread.join()
        for t, items in sent.items():
            mine = [item for item in got if item.name[0] == t]
            self.assertEqual([id(item) for item in mine], [id(item) for item in items])  # in order, the same
        self.assertEqual(queue.props.n_items, 0)

    def test_workers_drain_until_shut_down(self):
        queue = Fifo.Queue()
        items = [Item(i) for i in range(300)]
        got = [[] for _ in range(3)]
        errors = []

        def consumer(mine):
            while True:
                try:
                    mine.append(queue.get(None))
                except GLib.Error as error:
                    errors.append(error)
                    return

        threads = [threading.Thread(target=consumer, args=(mine,)) for mine in got]
        for thread in threads:
            thread.start()
        for item in items:
            queue.try_put(item)
        queue.shutdown(False)
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(id(item) for mine in got for item in mine),
                         sorted(id(item) for item in items))
        self.assertEqual(len(errors), 3)
        self.assertTrue(all(is_shut_down(error) for error in errors))

    def test_blocking_get_cancelled(self):
        queue = Fifo.Queue()
        cancellable = Gio.Cancellable()
        outcome = []

        def worker():
            try:
                outcome.append(queue.get(cancellable))
            except GLib.Error as error:
                outcome.append(error)

        thread = threading.Thread(target=worker)
        thread.start()
        run_until(lambda: queue.props.n_waiting == 1)
        cancellable.cancel()
        thread.join()
        self.assertTrue(is_cancelled(outcome[0]))
        self.assertEqual(queue.props.n_waiting, 0)
        item = Item('after')
        queue.try_put(item)
        self.assertIs(queue.get(None), item)   # nothing was taken


# ---- asyncio, on PyGObject >= 3.50 ------------------------------------------------

@unittest.skipIf(ASYNCIO is not None, ASYNCIO)
class Awaitables(unittest.TestCase):
    """put_async(), get_async() and join_async() without a callback, in a
    coroutine: awaitables, cancelled as asyncio's."""

    @glib_test
    async def test_awaited(self):
        queue = Fifo.Queue(max_size=1)
        items = [Item(i) for i in range(3)]
        getter = asyncio.create_task(queue.get_async())
        await turns()
        self.assertTrue(await queue.put_async(items[0]))
        self.assertIs(await getter, items[0])
        self.assertTrue(await queue.put_async(items[1]))
        putter = asyncio.create_task(queue.put_async(items[2]))   # waits: full
        await turns()
        self.assertEqual(queue.props.n_waiting, 1)
        self.assertIs(await queue.get_async(), items[1])
        self.assertTrue(await putter)
        self.assertIs(await queue.get_async(), items[2])
        joined = asyncio.create_task(queue.join_async())
        for _ in range(3):
            await turns()
            self.assertFalse(joined.done())
            queue.task_done()
        self.assertTrue(await joined)

    @glib_test
    async def test_free_queue_does_not_yield(self):
        # As asyncio: a put with room, a get of an item, a join with nothing
        # unfinished happen without letting anything else run.
        queue = Fifo.Queue()
        ran = []
        asyncio.get_running_loop().call_soon(ran.append, 'other')
        await queue.put_async('x')
        self.assertEqual(await queue.get_async(), 'x')
        queue.task_done()
        await queue.join_async()
        self.assertEqual(ran, [])

    @glib_test
    async def test_shut_down_raises_glib_error(self):
        queue = Fifo.Queue()
        waiting = asyncio.create_task(queue.get_async())
        await turns()
        queue.shutdown(False)
        with self.assertRaises(GLib.Error) as caught:
            await waiting
        self.assertTrue(is_shut_down(caught.exception))
        with self.assertRaises(GLib.Error):
            await queue.put_async('late')

    @glib_test
    async def test_cancellable(self):
        queue = Fifo.Queue()
        cancellable = Gio.Cancellable()
        waiting = asyncio.create_task(queue.get_async(cancellable))
        await turns()
        cancellable.cancel()
        with self.assertRaises(GLib.Error) as caught:
            await waiting
        self.assertTrue(is_cancelled(caught.exception))


class CancelPoints:
    """Cancellation at every point of a get and of a put; get() and put()
    are the coroutine functions under test."""

    async def check_get_point(self, point, get):
        queue = self.make_queue()
        fifo = self.fifo(queue)
        a, b, c = Item('a'), Item('b'), Item('c')
        base = sys.getrefcount(a)
        got = []

        async def getter(name):
            got.append((name, await get(queue)))

        async def timed():
            async with asyncio.timeout(0.05):
                await getter('victim')

        victim = asyncio.create_task(timed() if point == 'timeout' else getter('victim'))
        await until(lambda: fifo.props.n_waiting == 1)
        after = asyncio.create_task(getter('after'))
        await until(lambda: fifo.props.n_waiting == 2)

        if point == 'waiting':
            victim.cancel()
            await until(lambda: fifo.props.n_waiting == 1)
            fifo.try_put(a)
        elif point == 'granted':
            # Handed to the victim; its callback has not run.
            fifo.try_put(a)
            self.assertEqual(fifo.props.n_waiting, 1)
            self.assertFalse(completed_not_resumed(victim))
            victim.cancel()
        elif point == 'completed':
            # Its callback ran (the item is out of the C queue); the task
            # has not resumed. b goes to `after`, cancelled too before its
            # callback runs: both come back, in order, a first.
            fifo.try_put(a)
            await until(lambda: completed_not_resumed(victim))
            fifo.try_put(b)
            victim.cancel()
            after.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await after
        elif point == 'timeout':
            with self.assertRaises(TimeoutError):
                await victim
            fifo.try_put(a)

        if point != 'timeout':
            with self.assertRaises(asyncio.CancelledError):
                await victim
            self.assertTrue(victim.cancelled())
        if point == 'completed':
            fifo.try_put(c)
            self.assertEqual([fifo.try_get()[1] for _ in range(3)], [a, b, c])
            self.assertEqual(got, [])
        else:
            await after
            self.assertEqual(got, [('after', a)])
        self.assertEqual((fifo.props.n_items, fifo.props.n_waiting), (0, 0))
        # Nothing kept: not by the queue, not by the tasks (whose exceptions
        # hold the frames they went through).
        del victim, after
        got.clear()
        await turns()
        gc.collect()
        self.assertEqual(sys.getrefcount(a), base)

    async def check_put_point(self, point, put):
        queue = self.make_queue(1)
        fifo = self.fifo(queue)
        x, p = Item('x'), Item('p')
        base = sys.getrefcount(p)
        fifo.try_put(x)
        putter = asyncio.create_task(put(queue, p))
        await until(lambda: fifo.props.n_waiting == 1)
        if point == 'waiting':
            putter.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await putter
            self.assertEqual((fifo.props.n_items, fifo.props.n_waiting), (1, 0))
            self.assertIs(fifo.try_get()[1], x)
            self.assertEqual(fifo.try_get(), (False, None))   # p never went in
        elif point == 'granted':
            # The get frees room: the library takes p in at once. A put
            # that went in stands; its task still raises CancelledError.
            self.assertIs(fifo.try_get()[1], x)
            self.assertEqual(fifo.props.n_items, 1)
            putter.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await putter
            self.assertIs(fifo.try_get()[1], p)
        del putter
        await turns()
        gc.collect()
        self.assertEqual(sys.getrefcount(p), base)

    @glib_test
    async def test_get_cancelled_while_waiting(self):
        await self.check_get_point('waiting', self.get)

    @glib_test
    async def test_get_cancelled_once_handed(self):
        await self.check_get_point('granted', self.get)

    @glib_test
    async def test_get_cancelled_once_completed(self):
        await self.check_get_point('completed', self.get)

    @glib_test
    async def test_get_timeout(self):
        await self.check_get_point('timeout', self.get)

    @glib_test
    async def test_put_cancelled_while_waiting(self):
        await self.check_put_point('waiting', self.put)

    @glib_test
    async def test_put_cancelled_once_in(self):
        await self.check_put_point('granted', self.put)


@unittest.skipIf(ASYNCIO is not None, ASYNCIO)
class AwaitableCancelPoints(CancelPoints, unittest.TestCase):
    @staticmethod
    def make_queue(max_size=0):
        return Fifo.Queue(max_size=max_size)

    @staticmethod
    def fifo(queue):
        return queue

    @staticmethod
    async def get(queue):
        return await queue.get_async()

    @staticmethod
    async def put(queue, item):
        return await queue.put_async(item)


@unittest.skipIf(ASYNCIO is not None, ASYNCIO)
class QueueCancelPoints(CancelPoints, unittest.TestCase):
    @staticmethod
    def make_queue(max_size=0):
        import fifolock_glib
        return fifolock_glib.Queue(max_size)

    @staticmethod
    def fifo(queue):
        return queue.fifo

    @staticmethod
    async def get(queue):
        return await queue.get()

    @staticmethod
    async def put(queue, item):
        return await queue.put(item)


@unittest.skipIf(ASYNCIO is not None, ASYNCIO)
class FifolockGlibQueue(unittest.TestCase):
    """fifolock_glib.Queue: asyncio's API and errors, its state in the C
    object."""

    def setUp(self):
        import fifolock_glib
        self.fl = fifolock_glib

    def test_names(self):
        for name in ('Queue', 'QueueShutDown', 'QueueEmpty', 'QueueFull'):
            self.assertIn(name, self.fl.__all__)
        self.assertIs(self.fl.QueueEmpty, asyncio.QueueEmpty)
        self.assertIs(self.fl.QueueFull, asyncio.QueueFull)
        if sys.version_info >= (3, 13):
            self.assertIs(self.fl.QueueShutDown, asyncio.QueueShutDown)
        self.assertEqual(self.fl.Queue[int].__args__, (int,))
        with self.assertRaisesRegex(TypeError, 'unexpected keyword argument .loop.'):
            self.fl.Queue(loop=None)

    def test_maxsize(self):
        for maxsize, max_size, holds in ((0, 0, None), (-3, 0, None), (1, 1, 1), (1.3, 2, 2),
                                         (2 ** 40, 0xFFFFFFFF, None)):
            with self.subTest(maxsize=maxsize):
                queue = self.fl.Queue(maxsize)
                self.assertEqual(queue.maxsize, maxsize)
                self.assertEqual(queue.fifo.props.max_size, max_size)
                n = 0
                while holds is None or n < holds:
                    self.assertFalse(queue.full())
                    queue.put_nowait(n)
                    n += 1
                    if holds is None and n == 5:
                        break
                self.assertEqual(queue.full(), holds is not None)
                self.assertEqual((queue.qsize(), queue.empty()), (n, False))
                if holds is not None:
                    with self.assertRaises(asyncio.QueueFull):
                        queue.put_nowait('more')

    def test_nowait(self):
        queue = self.fl.Queue()
        with self.assertRaises(asyncio.QueueEmpty):
            queue.get_nowait()
        item = Item('x')
        queue.put_nowait(item)
        self.assertIs(queue.get_nowait(), item)
        queue.put_nowait(item)
        queue.shutdown()
        with self.assertRaises(self.fl.QueueShutDown):
            queue.put_nowait(item)
        self.assertIs(queue.get_nowait(), item)   # drained first
        with self.assertRaises(self.fl.QueueShutDown):
            queue.get_nowait()

    def test_task_done(self):
        queue = self.fl.Queue()
        with self.assertRaisesRegex(ValueError, 'task_done.. called too many times'):
            queue.task_done()
        queue.put_nowait(1)
        queue.get_nowait()
        self.assertEqual(queue.fifo.props.n_unfinished, 1)
        queue.task_done()
        with self.assertRaisesRegex(ValueError, 'called too many times'):
            queue.task_done()
        self.assertEqual(queue.fifo.props.n_unfinished, 0)

    def test_repr(self):
        queue = self.fl.Queue(2)
        self.assertEqual(repr(queue), f'<Queue at {id(queue):#x} maxsize=2>')
        self.assertEqual(str(queue), '<Queue maxsize=2>')
        queue.put_nowait(1)
        queue.put_nowait(2)
        queue.get_nowait()
        self.assertEqual(str(queue), '<Queue maxsize=2 items=1 tasks=2>')
        queue.shutdown(immediate=True)
        self.assertEqual(str(queue), '<Queue maxsize=2 tasks=1 shutdown>')

    @glib_test
    async def test_waiters_in_repr(self):
        queue = self.fl.Queue(1)
        getters = [asyncio.create_task(queue.get()) for _ in range(2)]
        await until(lambda: queue.fifo.props.n_waiting == 2)
        self.assertEqual(str(queue), '<Queue maxsize=1 getters=2>')
        queue.put_nowait(0)   # to the first getter
        queue.put_nowait(1)   # to the second
        await queue.put(2)    # into the queue
        self.assertEqual(await asyncio.gather(*getters), [0, 1])
        putter = asyncio.create_task(queue.put(3))
        await until(lambda: queue.fifo.props.n_waiting == 1)
        self.assertEqual(str(queue), '<Queue maxsize=1 items=1 putters=1 tasks=3>')
        queue.get_nowait()
        await putter

    @glib_test
    async def test_order_and_join(self):
        queue = self.fl.Queue(2)
        got = []

        async def producer(name):
            for i in range(5):
                await queue.put((name, i))

        async def consumer():
            while True:
                got.append(await queue.get())
                await asyncio.sleep(0)
                queue.task_done()

        consumers = [asyncio.create_task(consumer()) for _ in range(2)]
        await asyncio.gather(producer('a'), producer('b'))
        await queue.join()
        self.assertEqual(queue.fifo.props.n_unfinished, 0)
        for name in 'ab':
            self.assertEqual([i for n, i in got if n == name], list(range(5)))
        for task in consumers:
            task.cancel()
        await asyncio.gather(*consumers, return_exceptions=True)

    @glib_test
    async def test_shutdown(self):
        queue = self.fl.Queue(1)
        queue.put_nowait('left')
        putter = asyncio.create_task(queue.put('waiting'))
        joined = asyncio.create_task(queue.join())
        await until(lambda: queue.fifo.props.n_waiting == 1)
        queue.shutdown()
        with self.assertRaises(self.fl.QueueShutDown):
            await putter
        with self.assertRaises(self.fl.QueueShutDown):
            await queue.put('late')
        self.assertEqual(await queue.get(), 'left')
        with self.assertRaises(self.fl.QueueShutDown):
            await queue.get()
        self.assertFalse(joined.done())
        queue.task_done()
        await joined

        queue = self.fl.Queue()
        getter = asyncio.create_task(queue.get())
        await until(lambda: queue.fifo.props.n_waiting == 1)
        queue.put_nowait('got')
        queue.put_nowait('dropped')
        queue.shutdown(immediate=True)
        self.assertEqual(await getter, 'got')   # handed out before the shutdown
        self.assertEqual(queue.qsize(), 0)
        self.assertEqual(queue.fifo.props.n_unfinished, 1)
        with self.assertRaises(self.fl.QueueShutDown):
            queue.get_nowait()

    def test_threads_and_coroutines(self):
        # Worker threads feed the loop's coroutines with the blocking form,
        # and drain what the coroutines put.
        queue = self.fl.Queue(4)
        results = self.fl.Queue()
        n = 150
        drained = []

        def feeder(t):
            for i in range(n):
                queue.fifo.put((t, i), None)

        def drainer():
            while True:
                try:
                    drained.append(results.fifo.get(None))
                except GLib.Error as error:
                    assert is_shut_down(error), error
                    return

        async def main():
            threads = [threading.Thread(target=feeder, args=(t,)) for t in range(2)]
            threads.append(threading.Thread(target=drainer))
            for thread in threads:
                thread.start()
            for _ in range(2 * n):
                item = await queue.get()
                await results.put(item)
                queue.task_done()
            await queue.join()
            results.shutdown()
            await asyncio.to_thread(lambda: [thread.join() for thread in threads])

        glibloop.run(main(), timeout=120)
        for t in range(2):
            self.assertEqual([i for (s, i) in drained if s == t], list(range(n)))
        self.assertEqual(len(drained), 2 * n)


if __name__ == '__main__':
    fifotap.main()
