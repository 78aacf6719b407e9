#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""fifolock_glib, asyncio's primitives and fifolock's FifoLock over
fifolock-glib (PyGObject >= 3.50, on its GLib event loop): asyncio's
errors, decided before the library is called; cancellation and
asyncio.timeout() at every point of each primitive; Python fifolock's own
test scenarios, in its idiom; coroutines and worker threads on one
primitive at once.

The suite runs with G_DEBUG=fatal-criticals: a g_critical from the library
ends it, so none reaches a Python user."""

import asyncio
import collections
import os
import re
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import fifotap  # noqa: E402
import glibloop  # noqa: E402
from glibloop import glib_test, turns, until, completed_not_resumed  # noqa: E402

if __name__ == '__main__' and glibloop.unsupported() is not None:
    fifotap.skip_all(glibloop.unsupported())

import fifolock_glib  # noqa: E402
from fifolock_glib import FifoLock  # noqa: E402


# ---- asyncio's API and errors ------------------------------------------------------

class Api(unittest.TestCase):
    def test_names(self):
        self.assertEqual(sorted(fifolock_glib.__all__),
                         sorted(['Lock', 'Event', 'Condition', 'Semaphore', 'BoundedSemaphore',
                                 'Barrier', 'BrokenBarrierError', 'Queue', 'QueueShutDown',
                                 'QueueEmpty', 'QueueFull', 'FifoLock']))
        self.assertIs(fifolock_glib.BrokenBarrierError, asyncio.BrokenBarrierError)

    def test_no_loop_argument(self):
        for cls in (fifolock_glib.Lock, fifolock_glib.Event, fifolock_glib.Condition,
                    fifolock_glib.Semaphore, fifolock_glib.BoundedSemaphore):
            with self.assertRaisesRegex(TypeError, 'unexpected keyword argument .loop.'):
                cls(loop=None)

    def test_repr(self):
        pattern = re.compile(r'^<fifolock_glib\.locks\.(\w+) object at 0x[0-9a-f]+ \[([^]]*)\]>$')
        lock = fifolock_glib.Lock()
        self.assertEqual(pattern.match(repr(lock)).group(2), 'unlocked')
        self.assertEqual(pattern.match(repr(fifolock_glib.Semaphore(3))).group(2), 'unlocked, value:3')
        self.assertEqual(pattern.match(repr(fifolock_glib.Event())).group(2), 'unset')
        self.assertEqual(pattern.match(repr(fifolock_glib.Barrier(2))).group(2), 'filling, waiters:0/2')

    @glib_test
    async def test_lock_errors(self):
        lock = fifolock_glib.Lock()
        with self.assertRaisesRegex(RuntimeError, 'Lock is not acquired'):
            lock.release()
        self.assertTrue(await lock.acquire())
        self.assertTrue(lock.locked())
        lock.release()
        with self.assertRaisesRegex(RuntimeError, 'Lock is not acquired'):
            lock.release()
        with self.assertRaises(TypeError):
            await lock

    @glib_test
    async def test_condition_errors(self):
        cond = fifolock_glib.Condition()
        with self.assertRaisesRegex(RuntimeError, 'cannot wait on un-acquired lock'):
            await cond.wait()
        with self.assertRaisesRegex(RuntimeError, 'cannot notify on un-acquired lock'):
            cond.notify()
        with self.assertRaisesRegex(RuntimeError, 'cannot notify on un-acquired lock'):
            cond.notify_all()
        with self.assertRaisesRegex(RuntimeError, 'cannot wait on un-acquired lock'):
            await cond.wait_for(lambda: False)
        self.assertEqual(await cond.wait_for(lambda: [1, 2]), [1, 2])   # holds at once
        with self.assertRaises(TypeError):
            fifolock_glib.Condition(asyncio.Lock())
        async with cond:
            cond.notify(-1)             # as asyncio: wakes nobody
            cond.notify(2 ** 40)        # everybody
        lock = fifolock_glib.Lock()
        shared = fifolock_glib.Condition(lock)
        async with lock:
            self.assertTrue(shared.locked())
        self.assertFalse(shared.locked())

    @glib_test
    async def test_semaphore_errors(self):
        with self.assertRaisesRegex(ValueError, 'initial value must be >= 0'):
            fifolock_glib.Semaphore(-1)
        sem = fifolock_glib.BoundedSemaphore(2)
        with self.assertRaisesRegex(ValueError, 'released too many times'):
            sem.release()
        await sem.acquire()
        await sem.acquire()
        self.assertTrue(sem.locked())
        sem.release()
        sem.release()
        with self.assertRaisesRegex(ValueError, 'released too many times'):
            sem.release()
        self.assertEqual(sem.fifo.get_value(), 2)
        unbounded = fifolock_glib.Semaphore(0)
        self.assertTrue(unbounded.locked())
        unbounded.release()
        unbounded.release()               # as asyncio: no bound
        self.assertEqual(unbounded.fifo.get_value(), 2)

    @glib_test
    async def test_barrier(self):
        with self.assertRaisesRegex(ValueError, 'parties must be >= 1'):
            fifolock_glib.Barrier(0)
        barrier = fifolock_glib.Barrier(3)
        self.assertEqual((barrier.parties, barrier.n_waiting, barrier.broken), (3, 0, False))
        indices = await asyncio.gather(*(barrier.wait() for _ in range(3)))
        self.assertEqual(sorted(indices), [0, 1, 2])

        async def party():
            async with barrier as index:
                return index

        late = asyncio.create_task(party())
        await until(lambda: barrier.n_waiting == 1)
        await barrier.abort()
        with self.assertRaises(asyncio.BrokenBarrierError):   # asyncio's own class
            await late
        self.assertTrue(barrier.broken)
        with self.assertRaises(fifolock_glib.BrokenBarrierError):
            await barrier.wait()
        await barrier.reset()
        self.assertFalse(barrier.broken)

    @glib_test
    async def test_event(self):
        event = fifolock_glib.Event()
        woken = []

        async def waiter(i):
            self.assertTrue(await event.wait())
            woken.append(i)

        tasks = [asyncio.create_task(waiter(i)) for i in range(3)]
        await turns()
        self.assertEqual(woken, [])
        self.assertEqual(event.fifo.get_n_waiting(), 3)
        event.set()
        self.assertTrue(event.is_set())
        await asyncio.gather(*tasks)
        self.assertEqual(woken, [0, 1, 2])
        ran = []
        asyncio.get_running_loop().call_soon(ran.append, 1)
        await event.wait()                # set: returns at once
        self.assertEqual(ran, [])
        event.clear()
        self.assertFalse(event.is_set())

    @glib_test
    async def test_condition_wait_for(self):
        cond = fifolock_glib.Condition()
        items = collections.deque()

        async def consumer():
            async with cond:
                got = await cond.wait_for(lambda: items)
                self.assertTrue(cond.locked())
                return got.popleft()

        task = asyncio.create_task(consumer())
        await until(lambda: cond.fifo.get_n_waiting() == 1)
        async with cond:
            items.append('item')
            cond.notify()
        self.assertEqual(await task, 'item')

    @glib_test
    async def test_blocking_with_refused_in_the_loop_thread(self):
        lock = FifoLock()
        for cm in (fifolock_glib.Lock(), fifolock_glib.Semaphore(), fifolock_glib.Condition(),
                   lock(Write)):
            with self.subTest(type(cm).__name__):
                with self.assertRaisesRegex(RuntimeError, 'async with'):
                    with cm:
                        pass


# ---- cancellation and timeouts ------------------------------------------------------

class Mutex(asyncio.Future):
    """fifolock's recipes, as its README writes them."""
    @staticmethod
    def is_compatible(holds):
        return not holds[Mutex]


class Read(asyncio.Future):
    @staticmethod
    def is_compatible(holds):
        return not holds[Write]


class Write(asyncio.Future):
    @staticmethod
    def is_compatible(holds):
        return not holds[Read] and not holds[Write]


class SemaphoreBase(asyncio.Future):
    @classmethod
    def is_compatible(cls, holds):
        return holds[cls] < cls.size


def acquirables():
    """(name, `async with` target, held, n_waiting) for the primitives that
    are acquired and released."""
    lock = fifolock_glib.Lock()
    sem = fifolock_glib.Semaphore(1)
    bounded = fifolock_glib.BoundedSemaphore(1)
    cond = fifolock_glib.Condition()
    fifo = FifoLock()
    write = fifo(Write)
    return [
        ('Lock', lock, lock.locked, lock.fifo.get_n_waiting),
        ('Semaphore', sem, sem.locked, sem.fifo.get_n_waiting),
        ('BoundedSemaphore', bounded, bounded.locked, bounded.fifo.get_n_waiting),
        ('Condition', cond, cond.locked, cond._lock.fifo.get_n_waiting),
        ('FifoLock', write, lambda: not _free(fifo, Write), fifo.fifo.get_n_waiting),
    ]


def _free(lock, mode):
    from gi.overrides.Fifo import mode_instance
    mode = mode_instance(mode)
    if lock.fifo.try_acquire(mode):
        lock.fifo.release(mode)
        return True
    return False


POINTS = ('waiting', 'granted', 'completed', 'timeout')


class Cancellation(unittest.TestCase):
    """At each point of an acquisition: while it waits; granted, its callback
    not run yet; completed, its task not resumed yet; and an
    asyncio.timeout() that expires while it waits. The task raises
    CancelledError (TimeoutError), holds nothing, and the next one gets it."""

    @glib_test
    async def test_acquisitions(self):
        for point in POINTS:
            for name, cm, held, n_waiting in acquirables():
                with self.subTest(name=name, point=point):
                    got = []

                    async def waiter(i):
                        async with cm:
                            got.append(i)

                    async def timed():
                        async with asyncio.timeout(0.05):
                            await waiter('victim')

                    await cm.__aenter__()
                    victim = asyncio.create_task(timed() if point == 'timeout' else waiter('victim'))
                    after = asyncio.create_task(waiter('after'))
                    await until(lambda: n_waiting() == 2)
                    if point == 'waiting':
                        victim.cancel()
                        await until(lambda: n_waiting() == 1)
                        await cm.__aexit__(None, None, None)
                    elif point == 'granted':
                        await cm.__aexit__(None, None, None)
                        self.assertEqual(n_waiting(), 1)
                        self.assertTrue(held())
                        victim.cancel()
                    elif point == 'completed':
                        await cm.__aexit__(None, None, None)
                        await until(lambda: completed_not_resumed(victim))
                        victim.cancel()
                    else:
                        with self.assertRaises(TimeoutError):
                            await victim
                        await cm.__aexit__(None, None, None)
                    if point != 'timeout':
                        with self.assertRaises(asyncio.CancelledError):
                            await victim
                    await after
                    self.assertEqual(got, ['after'])
                    self.assertFalse(held())
                    self.assertEqual(n_waiting(), 0)

    @glib_test
    async def test_condition_wait(self):
        """A condition wait re-acquires the lock also when cancelled (it
        raises CancelledError holding it), and passes on a notification it
        got, so that none is lost."""
        for point in POINTS + ('notified',):
            with self.subTest(point):
                cond = fifolock_glib.Condition()
                log = []

                async def wait(name):
                    async with cond:
                        try:
                            if name == 'victim' and point == 'timeout':
                                async with asyncio.timeout(0.05):
                                    await cond.wait()
                            else:
                                await cond.wait()
                            log.append(name)
                        except (asyncio.CancelledError, TimeoutError):
                            log.append(('cancelled', name, cond.locked()))
                            raise

                victim = asyncio.create_task(wait('victim'))
                await until(lambda: cond.fifo.get_n_waiting() == 1)
                other = asyncio.create_task(wait('other'))
                await until(lambda: cond.fifo.get_n_waiting() == 2)
                async with cond:
                    if point == 'waiting':
                        victim.cancel()
                        await turns()
                        self.assertFalse(victim.done())   # it waits for the lock
                        self.assertEqual(cond.fifo.get_n_waiting(), 1)
                    elif point == 'timeout':
                        await asyncio.sleep(0.1)
                        self.assertFalse(victim.done())   # timed out; waits for the lock
                    cond.notify(1)                        # the victim's, if it still waits
                    if point == 'notified':
                        # Queued at the lock, which this task holds.
                        victim.cancel()
                        await turns()
                        self.assertFalse(victim.done())
                if point == 'granted':
                    # The lock is handed to the victim; its callback has not run.
                    victim.cancel()
                elif point == 'completed':
                    await until(lambda: completed_not_resumed(victim))
                    victim.cancel()
                with self.assertRaises(TimeoutError if point == 'timeout' else asyncio.CancelledError):
                    await victim
                # It raised holding the lock; and the notification went to
                # the other one, whether the victim had it or not.
                self.assertEqual(log[0], ('cancelled', 'victim', True))
                await other
                self.assertEqual(log[1:], ['other'])
                self.assertFalse(cond.locked())
                self.assertEqual(cond.fifo.get_n_waiting(), 0)

    @glib_test
    async def test_condition_wait_for_timeout(self):
        cond = fifolock_glib.Condition()
        async with cond:
            with self.assertRaises(TimeoutError):
                async with asyncio.timeout(0.02):
                    await cond.wait_for(lambda: False)
            self.assertTrue(cond.locked())   # held again, as asyncio's
        self.assertFalse(cond.locked())

    @glib_test
    async def test_event_wait(self):
        for point in POINTS:
            with self.subTest(point):
                event = fifolock_glib.Event()

                async def timed():
                    async with asyncio.timeout(0.05):
                        await event.wait()

                victim = asyncio.create_task(timed() if point == 'timeout' else event.wait())
                other = asyncio.create_task(event.wait())
                await until(lambda: event.fifo.get_n_waiting() == 2)
                if point == 'waiting':
                    victim.cancel()
                    await until(lambda: event.fifo.get_n_waiting() == 1)
                    event.set()
                elif point == 'granted':
                    event.set()
                    victim.cancel()
                elif point == 'completed':
                    event.set()
                    await until(lambda: completed_not_resumed(victim))
                    victim.cancel()
                else:
                    with self.assertRaises(TimeoutError):
                        await victim
                    event.set()
                if point != 'timeout':
                    with self.assertRaises(asyncio.CancelledError):
                        await victim
                self.assertTrue(await other)
                self.assertEqual(event.fifo.get_n_waiting(), 0)

    @glib_test
    async def test_barrier_wait(self):
        for point in POINTS:
            with self.subTest(point):
                barrier = fifolock_glib.Barrier(3)

                async def timed():
                    async with asyncio.timeout(0.05):
                        await barrier.wait()

                victim = asyncio.create_task(timed() if point == 'timeout' else barrier.wait())
                first = asyncio.create_task(barrier.wait())
                await until(lambda: barrier.n_waiting == 2)
                if point in ('waiting', 'timeout'):
                    # It leaves; the cycle waits for another party.
                    if point == 'waiting':
                        victim.cancel()
                        with self.assertRaises(asyncio.CancelledError):
                            await victim
                    else:
                        with self.assertRaises(TimeoutError):
                            await victim
                    self.assertEqual(barrier.n_waiting, 1)
                    self.assertFalse(barrier.broken)
                    indices = await asyncio.gather(first, barrier.wait(), barrier.wait())
                    self.assertEqual(sorted(indices), [0, 1, 2])
                else:
                    last = asyncio.create_task(barrier.wait())
                    if point == 'granted':
                        await until(lambda: barrier.n_waiting == 0)
                    else:
                        await until(lambda: completed_not_resumed(victim))
                    victim.cancel()
                    with self.assertRaises(asyncio.CancelledError):
                        await victim
                    # The cycle completed for the others all the same.
                    indices = await asyncio.gather(first, last)
                    self.assertEqual(len(set(indices)), 2)
                self.assertEqual(barrier.n_waiting, 0)
                self.assertFalse(barrier.broken)


# ---- Python fifolock's own scenarios ------------------------------------------------
#
# Its test.py, in its idiom: tasks that hold the lock in a mode until told to
# complete (or are cancelled), and the history of who has started before
# each step. fifolock hands the lock over synchronously, so its harness lets
# the loop run twice between steps; here a hand-off goes through the GLib main
# loop, so it lets it run until things settle (turns()).

TaskState = collections.namedtuple('TaskState', ['started', 'done', 'task'])


def create_lock_tasks(lock, *modes):
    async def access(mode, started, done):
        async with lock(mode):
            started.set_result(None)
            await done

    def task(mode):
        loop = asyncio.get_running_loop()
        started = loop.create_future()
        done = loop.create_future()
        task = asyncio.create_task(access(mode, started, done))
        return TaskState(started=started, done=done, task=task)

    return [task(mode) for mode in modes]


async def mutate_tasks_in_sequence(task_states, *funcs):
    history = []
    for func in funcs + (lambda _: None, ):
        await turns()
        history.append([state.started.done() for state in task_states])
        func(task_states)
    return history


def cancel(i):
    def func(tasks):
        tasks[i].done.cancel()
    return func


def cancel_task(i):
    def func(tasks):
        tasks[i].task.cancel()
    return func


def complete(i):
    def func(tasks):
        tasks[i].done.set_result(None)
    return func


class FifolockScenarios(unittest.TestCase):
    @glib_test
    async def test_mutex_blocks_mutex(self):
        lock = FifoLock()
        started_history = await mutate_tasks_in_sequence(create_lock_tasks(
            lock, Mutex, Mutex), complete(0), complete(1))
        self.assertEqual(started_history[0], [True, False])
        self.assertEqual(started_history[1], [True, True])

    @glib_test
    async def test_mutex_cancelled_after_it_starts_allows_later_mutex(self):
        lock = FifoLock()
        started_history = await mutate_tasks_in_sequence(create_lock_tasks(
            lock, Mutex, Mutex, Mutex), complete(0), cancel(1), complete(2))
        self.assertEqual(started_history[0], [True, False, False])
        self.assertEqual(started_history[1], [True, True, False])
        self.assertEqual(started_history[2], [True, True, True])

    @glib_test
    async def test_mutex_cancelled_before_it_starts_allows_later_mutex(self):
        lock = FifoLock()
        started_history = await mutate_tasks_in_sequence(create_lock_tasks(
            lock, Mutex, Mutex, Mutex), cancel(1), complete(0), complete(2))
        self.assertEqual(started_history[0], [True, False, False])
        self.assertEqual(started_history[1], [True, False, False])
        # fifolock's harness sees [True, True, False] here, two turns of the
        # loop after the release: the cancelled task has started and
        # released, and the third has not started yet. After the hand-offs
        # settle, the third has started.
        self.assertEqual(started_history[2], [True, True, True])
        self.assertEqual(started_history[3], [True, True, True])

    @glib_test
    async def test_mutex_task_cancelled_while_waiting_allows_later_mutex(self):
        # The waiting task itself is cancelled: it never starts.
        lock = FifoLock()
        tasks = create_lock_tasks(lock, Mutex, Mutex, Mutex)
        started_history = await mutate_tasks_in_sequence(tasks, cancel_task(1), complete(0), complete(2))
        self.assertEqual(started_history[1], [True, False, False])
        self.assertEqual(started_history[2], [True, False, True])
        self.assertTrue(tasks[1].task.cancelled())
        self.assertEqual(lock.fifo.get_n_waiting(), 0)

    @glib_test
    async def test_mutex_task_cancelled_after_it_starts_allows_later_mutex(self):
        lock = FifoLock()
        tasks = create_lock_tasks(lock, Mutex, Mutex, Mutex)
        started_history = await mutate_tasks_in_sequence(tasks, complete(0), cancel_task(1), complete(2))
        self.assertEqual(started_history[1], [True, True, False])
        self.assertEqual(started_history[2], [True, True, True])
        self.assertTrue(tasks[1].task.cancelled())

    @glib_test
    async def test_mutex_requested_concurrently_can_start(self):
        lock = FifoLock()
        tasks_1 = create_lock_tasks(lock, Mutex)
        await mutate_tasks_in_sequence(tasks_1)  # No mutation
        tasks_2 = create_lock_tasks(lock, Mutex)
        started_history_2 = await mutate_tasks_in_sequence(tasks_1 + tasks_2, complete(0), complete(1))
        self.assertEqual(started_history_2[0], [True, False])
        self.assertEqual(started_history_2[1], [True, True])

    @glib_test
    async def test_read_write_lock_in_every_order(self):
        for first, second, together in ((Read, Read, True), (Read, Write, False),
                                        (Write, Read, False), (Write, Write, False)):
            with self.subTest(first=first.__name__, second=second.__name__):
                lock = FifoLock()
                started_history = await mutate_tasks_in_sequence(create_lock_tasks(
                    lock, first, second), complete(0), complete(1))
                self.assertEqual(started_history[0], [True, together])
                self.assertEqual(started_history[1], [True, True])

    @glib_test
    async def test_read_write_lock_reads_complete_out_of_order_still_block_write(self):
        lock = FifoLock()
        started_history = await mutate_tasks_in_sequence(create_lock_tasks(
            lock, Read, Read, Write), complete(1), complete(0), complete(2))
        self.assertEqual(started_history[0], [True, True, False])
        self.assertEqual(started_history[1], [True, True, False])
        self.assertEqual(started_history[2], [True, True, True])

    @glib_test
    async def test_read_write_lock_write_not_given_priority_over_read(self):
        lock = FifoLock()
        started_history = await mutate_tasks_in_sequence(create_lock_tasks(
            lock, Write, Read, Write), complete(0), complete(1), complete(2))
        self.assertEqual(started_history[0], [True, False, False])
        self.assertEqual(started_history[1], [True, True, False])
        self.assertEqual(started_history[2], [True, True, True])

    @glib_test
    async def test_semaphore(self):
        lock = FifoLock()
        Semaphore = type('Semaphore', (SemaphoreBase, ), {'size': 2})
        started_history = await mutate_tasks_in_sequence(create_lock_tasks(
            lock, Semaphore, Semaphore, Semaphore), complete(1), complete(0), complete(2))
        # Ensure only the first two have started...
        self.assertEqual(started_history[0], [True, True, False])
        # ... and one finishing allows the final to proceed
        self.assertEqual(started_history[1], [True, True, True])

    @glib_test
    async def test_builtin_and_gobject_modes(self):
        from gi.repository import Fifo
        lock = FifoLock()
        started_history = await mutate_tasks_in_sequence(create_lock_tasks(
            lock, Fifo.SharedMode, Fifo.SharedMode, Fifo.ExclusiveMode), complete(0), complete(1))
        self.assertEqual(started_history[0], [True, True, False])
        self.assertEqual(started_history[2], [True, True, True])


# ---- coroutines and worker threads at once ------------------------------------------

class ThreadsAndCoroutines(unittest.TestCase):
    def run_mix(self, enter_cm, capacity, rounds=40, threads=2, tasks=3):
        inside = [0]
        most = [0]
        counter = threading.Lock()
        done = []

        def enter():
            with counter:
                inside[0] += 1
                most[0] = max(most[0], inside[0])

        def leave():
            with counter:
                inside[0] -= 1

        def worker(name):
            for _ in range(rounds):
                with enter_cm(True):
                    enter()
                    leave()
            done.append(name)

        async def coroutine(name):
            for i in range(rounds):
                async with enter_cm(False):
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

        glibloop.run(main(), timeout=120)
        self.assertEqual(len(done), threads + tasks)
        self.assertLessEqual(most[0], capacity)
        self.assertEqual(inside[0], 0)

    def test_lock(self):
        lock = fifolock_glib.Lock()
        self.run_mix(lambda thread: lock, 1)
        self.assertFalse(lock.locked())

    def test_semaphore(self):
        sem = fifolock_glib.BoundedSemaphore(2)
        self.run_mix(lambda thread: sem, 2)
        self.assertEqual(sem.fifo.get_value(), 2)

    def test_fifolock_modes(self):
        lock = FifoLock()
        # Threads write, coroutines read and write.
        self.run_mix(lambda thread: lock(Write), 1)
        self.run_mix(lambda thread: lock(Write if thread else Read), 3, threads=1, tasks=3)
        self.assertTrue(_free(lock, Write))

    def test_condition_producers_in_threads(self):
        cond = fifolock_glib.Condition()
        items = collections.deque()
        consumed = []
        n = 50

        def producer(base):
            for i in range(n):
                with cond:                 # the blocking form
                    items.append(base + i)
                    cond.notify()

        async def consumer():
            while True:
                async with cond:
                    await cond.wait_for(lambda: items)
                    item = items.popleft()
                if item is None:
                    return
                consumed.append(item)

        async def main():
            consumers = [asyncio.create_task(consumer()) for _ in range(3)]
            producers = [threading.Thread(target=producer, args=(base,)) for base in (0, 1000)]
            for t in producers:
                t.start()
            await until(lambda: not any(t.is_alive() for t in producers), limit=10 ** 6)
            async with cond:
                items.extend([None] * 3)
                cond.notify_all()
            await asyncio.gather(*consumers)

        glibloop.run(main(), timeout=120)
        self.assertEqual(sorted(consumed), sorted(list(range(n)) + list(range(1000, 1000 + n))))
        self.assertFalse(cond.locked())


if __name__ == '__main__':
    fifotap.main()
