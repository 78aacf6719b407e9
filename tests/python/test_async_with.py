#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`async with` on the GI objects themselves (PyGObject >= 3.50, on its GLib
event loop): Fifo.Mutex, Fifo.Semaphore, Fifo.Condition, lock.hold(mode)
and lock(mode), with a mode instance, a Fifo.LockMode class or a class in
fifolock's style; cancellation and asyncio.timeout() at every point of an
acquisition; another main context; and the same objects used at once by
coroutines and by worker threads (`with`, the blocking form)."""

import asyncio
import os
import sys
import threading
import unittest

import gi

gi.require_version('Fifo', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Fifo, Gio, GLib, GObject  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import fifotap  # noqa: E402
import glibloop  # noqa: E402
from glibloop import glib_test, turns, until, completed_not_resumed  # noqa: E402


class Write(GObject.Object, Fifo.LockMode):
    def do_is_compatible(self, holds):
        return holds.get_total() == 0


class Read(GObject.Object, Fifo.LockMode):
    def do_is_compatible(self, holds):
        return holds.get(Write) == 0


class FifoRead:
    """A mode in Python fifolock's style: a class, counted by class."""
    @staticmethod
    def is_compatible(holds):
        return not holds[FifoWrite]


class FifoWrite:
    @staticmethod
    def is_compatible(holds):
        return not holds[FifoRead] and not holds[FifoWrite]


class Sized:
    @classmethod
    def is_compatible(cls, holds):
        return holds[cls] < cls.size


def lock_free(lock, mode):
    """Whether `mode` could be granted on lock now (and nobody waits)."""
    from gi.overrides.Fifo import mode_instance
    mode = mode_instance(mode)
    if lock.try_acquire(mode):
        lock.release(mode)
        return True
    return False


def primitives():
    """(name, what to `async with`, whether it is held, how many wait) for
    each kind."""
    mutex = Fifo.Mutex.new()
    sem = Fifo.Semaphore.new(1)
    cond = Fifo.Condition.new(None)
    lock = Fifo.Lock.new()
    write = Fifo.ExclusiveMode.new()
    return [
        ('mutex', mutex, mutex.get_locked, mutex.get_n_waiting),
        ('semaphore', sem, lambda: sem.get_value() == 0, sem.get_n_waiting),
        ('condition', cond, cond.get_mutex().get_locked, cond.get_mutex().get_n_waiting),
        ('lock.hold(mode)', lock.hold(write), lambda: not lock_free(lock, write), lock.get_n_waiting),
        ('lock(Write)', lock(Write), lambda: not lock_free(lock, Write), lock.get_n_waiting),
        ('lock(FifoWrite)', lock(FifoWrite), lambda: not lock_free(lock, FifoWrite), lock.get_n_waiting),
    ]


class AsyncWith(unittest.TestCase):
    @glib_test
    async def test_async_with_each(self):
        for name, cm, held, n_waiting in primitives():
            with self.subTest(name):
                self.assertFalse(held())
                async with cm as got:
                    self.assertTrue(held())
                    self.assertIsNotNone(got)
                self.assertFalse(held())

    @glib_test
    async def test_waiters_in_order(self):
        for name, cm, held, n_waiting in primitives():
            with self.subTest(name):
                order = []

                async def task(i):
                    async with cm:
                        order.append(i)
                        await asyncio.sleep(0)
                        order.append(-i)

                await asyncio.gather(*(task(i) for i in range(1, 5)))
                self.assertEqual(order, [1, -1, 2, -2, 3, -3, 4, -4])
                self.assertFalse(held())

    @glib_test
    async def test_body_that_raises_releases(self):
        for name, cm, held, n_waiting in primitives():
            with self.subTest(name):
                with self.assertRaises(KeyError):
                    async with cm:
                        raise KeyError(name)
                self.assertFalse(held())

    @glib_test
    async def test_free_acquires_without_yielding(self):
        # As asyncio: nothing else runs between `async with` and the body.
        mutex = Fifo.Mutex.new()
        ran = []
        asyncio.get_running_loop().call_soon(ran.append, 'other')
        async with mutex:
            self.assertEqual(ran, [])
        await asyncio.sleep(0)
        self.assertEqual(ran, ['other'])

    @glib_test
    async def test_mode_class_is_one_instance(self):
        from gi.overrides.Fifo import mode_instance
        self.assertIs(mode_instance(Write), mode_instance(Write))
        self.assertIsInstance(mode_instance(Write), Write)
        self.assertIs(mode_instance(FifoRead), mode_instance(FifoRead))
        instance = Read()
        self.assertIs(mode_instance(instance), instance)
        with self.assertRaises(TypeError):
            mode_instance(object())
        with self.assertRaises(TypeError):
            mode_instance(int)

    @glib_test
    async def test_fifolock_style_modes_count_by_class(self):
        lock = Fifo.Lock.new()
        log = []

        async def reader(i, release):
            async with lock(FifoRead):
                log.append(f'r{i}')
                await release.wait()

        async def writer(release):
            async with lock(FifoWrite):
                log.append('w')
                await release.wait()

        r1, r2, w = asyncio.Event(), asyncio.Event(), asyncio.Event()
        tasks = [asyncio.create_task(reader(1, r1)), asyncio.create_task(reader(2, r2)),
                 asyncio.create_task(writer(w))]
        await turns()
        self.assertEqual(log, ['r1', 'r2'])   # readers share, the writer waits
        r2.set()
        await turns()
        self.assertEqual(log, ['r1', 'r2'])   # reads completing out of order still block it
        r1.set()
        await turns()
        self.assertEqual(log, ['r1', 'r2', 'w'])
        w.set()
        await asyncio.gather(*tasks)

    @glib_test
    async def test_sized_classes_made_at_run_time(self):
        lock = Fifo.Lock.new()
        Two = type('Two', (Sized,), {'size': 2})
        inside = []
        most = [0]

        async def task():
            async with lock(Two):
                inside.append(1)
                most[0] = max(most[0], len(inside))
                await turns(3)
                inside.pop()

        await asyncio.gather(*(task() for _ in range(6)))
        self.assertEqual(most[0], 2)

    @glib_test
    async def test_blocking_with_refused_in_the_loop_thread(self):
        mutex = Fifo.Mutex.new()
        lock = Fifo.Lock.new()
        for cm in (mutex, Fifo.Semaphore.new(1), Fifo.Condition.new(None), lock.hold(Write),
                   lock(Write), mutex.hold()):
            with self.subTest(type(cm).__name__):
                with self.assertRaisesRegex(RuntimeError, 'async with'):
                    with cm:
                        pass
        self.assertFalse(mutex.get_locked())
        self.assertTrue(lock_free(lock, Write))

    def test_another_main_context(self):
        # The loop iterates a context that is not the thread-default one: the
        # callbacks still reach it.
        context = GLib.MainContext.new()
        mutex = Fifo.Mutex.new()
        order = []

        async def task(i):
            async with mutex:
                order.append(i)
                await asyncio.sleep(0)

        async def main():
            await asyncio.gather(*(task(i) for i in range(3)))

        glibloop.run(main(), context=context)
        self.assertEqual(order, [0, 1, 2])
        self.assertFalse(mutex.get_locked())

    def test_needs_a_glib_loop(self):
        async def main():
            async with Fifo.Mutex.new():
                pass

        loop = asyncio.new_event_loop()   # asyncio's own, not GLib's
        try:
            with self.assertRaisesRegex(RuntimeError, 'GLibEventLoopPolicy'):
                loop.run_until_complete(main())
        finally:
            loop.close()


class ConditionWaitFor(unittest.TestCase):
    """wait_for_async() without a callback, on the GLib event loop: an
    asyncio task, with a predicate without arguments."""

    @glib_test
    async def test_awaited(self):
        cond = Fifo.Condition.new(None)
        items = []

        async def consumer():
            async with cond:
                self.assertTrue(await cond.wait_for_async(lambda: items))
                self.assertTrue(cond.get_mutex().get_locked())
                return items.pop()

        task = asyncio.create_task(consumer())
        await until(lambda: cond.props.n_waiting == 1)
        async with cond:
            items.append('item')
            cond.notify()
        self.assertEqual(await task, 'item')
        self.assertFalse(cond.get_mutex().get_locked())

    @glib_test
    async def test_predicate_that_raises(self):
        cond = Fifo.Condition.new(None)
        calls = []

        def predicate():
            calls.append(1)
            if len(calls) > 1:
                raise LookupError('the predicate failed')
            return False

        async def consumer():
            async with cond:
                with self.assertRaises(LookupError):
                    await cond.wait_for_async(predicate)
                self.assertTrue(cond.get_mutex().get_locked())

        task = asyncio.create_task(consumer())
        await until(lambda: cond.props.n_waiting == 1)
        async with cond:
            cond.notify()
        await task
        self.assertEqual(len(calls), 2)
        self.assertFalse(cond.get_mutex().get_locked())

    @glib_test
    async def test_cancelled(self):
        cond = Fifo.Condition.new(None)

        async def consumer():
            async with cond:
                try:
                    await cond.wait_for_async(lambda: False)
                finally:
                    self.assertTrue(cond.get_mutex().get_locked())   # held again

        task = asyncio.create_task(consumer())
        await until(lambda: cond.props.n_waiting == 1)
        task.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await task
        self.assertFalse(cond.get_mutex().get_locked())
        self.assertEqual(cond.props.n_waiting, 0)


class Cancellation(unittest.TestCase):
    """At every point of an acquisition, for every kind: cancelled, the
    task raises CancelledError and holds nothing, and the next waiter gets
    what it asked for."""

    async def check_point(self, point):
        for name, cm, held, n_waiting in primitives():
            with self.subTest(name=name, point=point):
                got = []

                async def waiter(i):
                    async with cm:
                        got.append(i)

                async def timed():
                    async with asyncio.timeout(0.05):
                        await waiter('victim')

                await cm.__aenter__()   # this task holds it
                victim = asyncio.create_task(timed() if point == 'timeout' else waiter('victim'))
                after = asyncio.create_task(waiter('after'))
                await until(lambda: n_waiting() == 2)

                if point == 'waiting':
                    victim.cancel()
                    await until(lambda: n_waiting() == 1)
                    await cm.__aexit__(None, None, None)
                elif point == 'granted':
                    # Handed to the victim; its callback has not run.
                    await cm.__aexit__(None, None, None)
                    self.assertTrue(held())
                    self.assertEqual(n_waiting(), 1)
                    self.assertFalse(completed_not_resumed(victim))
                    victim.cancel()
                elif point == 'completed':
                    # Its callback ran; the task has not resumed.
                    await cm.__aexit__(None, None, None)
                    await until(lambda: completed_not_resumed(victim))
                    victim.cancel()
                elif point == 'timeout':
                    with self.assertRaises(TimeoutError):
                        await victim
                    self.assertEqual(n_waiting(), 1)
                    await cm.__aexit__(None, None, None)

                if point != 'timeout':
                    with self.assertRaises(asyncio.CancelledError):
                        await victim
                    self.assertTrue(victim.cancelled())
                await after
                self.assertEqual(got, ['after'])
                self.assertFalse(held())
                self.assertEqual(n_waiting(), 0)

    @glib_test
    async def test_cancelled_while_waiting(self):
        await self.check_point('waiting')

    @glib_test
    async def test_cancelled_once_granted(self):
        await self.check_point('granted')

    @glib_test
    async def test_cancelled_once_completed(self):
        await self.check_point('completed')

    @glib_test
    async def test_timeout_while_waiting(self):
        await self.check_point('timeout')

    @glib_test
    async def test_cancelled_in_the_body(self):
        for name, cm, held, n_waiting in primitives():
            with self.subTest(name):
                entered = asyncio.Event()

                async def body():
                    async with cm:
                        entered.set()
                        await asyncio.sleep(3600)

                task = asyncio.create_task(body())
                await entered.wait()
                self.assertTrue(held())
                task.cancel()
                with self.assertRaises(asyncio.CancelledError):
                    await task
                self.assertFalse(held())

    @glib_test
    async def test_timeout_free(self):
        for name, cm, held, n_waiting in primitives():
            with self.subTest(name):
                async with asyncio.timeout(1):
                    async with cm:
                        self.assertTrue(held())
                self.assertFalse(held())

    @glib_test
    async def test_cancellable_of_hold(self):
        # A cancellable given to hold() cancels the wait too; that is the
        # library's GLib.Error, not the task's cancellation.
        lock = Fifo.Lock.new()
        mutex = Fifo.Mutex.new()
        for cm_for, owner_held in ((lambda c: lock.hold(Write, c), lambda: not lock_free(lock, Write)),
                                   (lambda c: mutex.hold(c), mutex.get_locked)):
            cancellable = Gio.Cancellable()
            async with cm_for(None):
                waiting = asyncio.create_task(cm_for(cancellable).__aenter__())
                await turns(3)
                cancellable.cancel()
                with self.assertRaises(GLib.Error) as caught:
                    await waiting
                self.assertTrue(caught.exception.matches(Gio.io_error_quark(),
                                                         Gio.IOErrorEnum.CANCELLED))
            self.assertFalse(owner_held())
            with self.assertRaises(GLib.Error):
                async with cm_for(cancellable):   # already cancelled: even a free one fails
                    pass
            self.assertFalse(owner_held())


class ThreadsAndCoroutines(unittest.TestCase):
    """One primitive, coroutines on the main loop (`async with`) and worker
    threads (`with`, blocking) at once: mutual exclusion holds, everybody
    gets through."""

    def run_mix(self, cm, capacity, rounds=40, threads=2, tasks=3):
        inside = [0]
        most = [0]
        counter = threading.Lock()
        done = []

        def enter():
            with counter:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                assert inside[0] <= capacity, inside[0]

        def leave():
            with counter:
                inside[0] -= 1

        def worker(name):
            for _ in range(rounds):
                with cm:
                    enter()
                    leave()
            done.append(name)

        async def coroutine(name):
            for i in range(rounds):
                async with cm:
                    enter()
                    await asyncio.sleep(0 if i % 2 else 0.0005)
                    leave()
            done.append(name)

        async def main():
            workers = [threading.Thread(target=worker, args=(f't{i}',)) for i in range(threads)]
            for t in workers:
                t.start()
            await asyncio.gather(*(coroutine(f'c{i}') for i in range(tasks)))
            await until(lambda: not any(t.is_alive() for t in workers), limit=10 ** 6)
            for t in workers:
                t.join()

        glibloop.run(main(), timeout=120)
        self.assertEqual(sorted(done), sorted([f't{i}' for i in range(threads)] +
                                              [f'c{i}' for i in range(tasks)]))
        self.assertLessEqual(most[0], capacity)
        self.assertEqual(inside[0], 0)

    def test_mutex(self):
        mutex = Fifo.Mutex.new()
        self.run_mix(mutex, 1)
        self.assertFalse(mutex.get_locked())

    def test_semaphore(self):
        sem = Fifo.Semaphore.new(2)
        self.run_mix(sem, 2)
        self.assertEqual(sem.get_value(), 2)

    def test_condition(self):
        cond = Fifo.Condition.new(None)
        self.run_mix(cond, 1)
        self.assertFalse(cond.get_mutex().get_locked())

    def test_lock_modes(self):
        lock = Fifo.Lock.new()
        self.run_mix(lock(FifoWrite), 1)
        self.run_mix(lock.hold(Write), 1)
        self.assertTrue(lock_free(lock, Write))


if __name__ == '__main__':
    reason = glibloop.unsupported()
    if reason is not None:
        fifotap.skip_all(reason)
    fifotap.main()
