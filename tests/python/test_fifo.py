#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""fifolock-glib from Python, through PyGObject: every primitive driven by a
GLib main loop, modes written in Python, Python fifolock's scenarios,
threads with their own main contexts, the blocking forms, and the debug
lines and slow warnings of a child interpreter."""

import os
import re
import subprocess
import sys
import threading
import time
import unittest

import gi

gi.require_version('Fifo', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Fifo, Gio, GLib, GObject  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import fifotap  # noqa: E402


# Modes written in Python, counting holds by Python class, exactly as the
# classes of Python's fifolock do.

class Read(GObject.Object, Fifo.LockMode):
    def do_is_compatible(self, holds):
        return holds.get(Write) == 0


class Write(GObject.Object, Fifo.LockMode):
    def do_is_compatible(self, holds):
        return holds.get(Read) == 0 and holds.get(Write) == 0


class Mutex(GObject.Object, Fifo.LockMode):
    def do_is_compatible(self, holds):
        return holds.get(Mutex) == 0


class Semaphore2(GObject.Object, Fifo.LockMode):
    size = 2

    def do_is_compatible(self, holds):
        return holds.get(type(self)) < self.size


class Raising(GObject.Object, Fifo.LockMode):
    calls = 0

    def do_is_compatible(self, holds):
        Raising.calls += 1
        raise RuntimeError('a mode that fails')


class Keeper(GObject.Object, Fifo.LockMode):
    kept = None

    def do_is_compatible(self, holds):
        Keeper.kept = holds
        return True


def drain():
    """Runs the default main context until it has nothing left to do."""
    context = GLib.MainContext.default()
    idle = 0
    while idle < 2:
        idle = 0 if context.iteration(False) else idle + 1


def run_until(predicate, timeout_s=60):
    """Runs the thread-default context until predicate() holds, which may
    depend on another thread: it polls rather than blocks."""
    context = GLib.MainContext.ref_thread_default()
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError('timed out waiting')
        if not context.iteration(False):
            time.sleep(0.001)


class Request:
    """One asynchronous acquisition and what became of it."""

    def __init__(self, lock, mode, cancellable=None, log=None, name=None):
        self.lock = lock
        self.mode = mode
        self.log = log
        self.name = name
        self.done = False
        self.ok = None
        self.error = None
        self.thread = None
        lock.acquire_async(mode, cancellable, self._done)

    def _done(self, lock, result):
        assert not self.done, 'callback called twice'
        self.thread = threading.get_ident()
        try:
            self.ok = lock.acquire_finish(result)
        except GLib.Error as error:
            self.ok = False
            self.error = error
        self.done = True
        if self.log is not None:
            self.log.append(self.name if self.ok else -self.name)

    def release(self):
        self.lock.release(self.mode)


def is_cancelled(error):
    return error is not None and error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)


class FifolockScenarios(unittest.TestCase):
    """The scenarios of Python fifolock's own suite, with Python modes."""

    def run_scenario(self, modes, steps):
        """fifolock's harness: before each step, and after the last, run the
        loop and note who has acquired; a step completes (releases) one."""
        lock = Fifo.Lock.new()
        requests = [Request(lock, cls()) for cls in modes]
        history = []
        for step in list(steps) + [None]:
            drain()
            history.append([r.ok is True for r in requests])
            if step is not None:
                requests[step].release()
        return history

    def test_mutex_blocks_mutex(self):
        h = self.run_scenario([Mutex, Mutex], [0, 1])
        self.assertEqual(h[:2], [[True, False], [True, True]])

    def test_read_write_all_orders(self):
        for first, second, together in [(Read, Read, True), (Read, Write, False),
                                        (Write, Read, False), (Write, Write, False)]:
            with self.subTest(first=first.__name__, second=second.__name__):
                h = self.run_scenario([first, second], [0, 1])
                self.assertEqual(h[0], [True, together])
                self.assertEqual(h[1], [True, True])

    def test_reads_complete_out_of_order_still_block_write(self):
        h = self.run_scenario([Read, Read, Write], [1, 0, 2])
        self.assertEqual(h[:3], [[True, True, False], [True, True, False], [True, True, True]])

    def test_write_not_given_priority_over_read(self):
        h = self.run_scenario([Write, Read, Write], [0, 1, 2])
        self.assertEqual(h[:3], [[True, False, False], [True, True, False], [True, True, True]])

    def test_semaphore_of_two(self):
        h = self.run_scenario([Semaphore2] * 3, [1, 0, 2])
        self.assertEqual(h[:2], [[True, True, False], [True, True, True]])

    def test_cancel_before_it_acquires(self):
        lock = Fifo.Lock.new()
        log = []
        cancellable = Gio.Cancellable()
        a = Request(lock, Mutex(), None, log, 1)
        b = Request(lock, Mutex(), cancellable, log, 2)
        c = Request(lock, Mutex(), None, log, 3)
        drain()
        cancellable.cancel()
        drain()
        self.assertEqual(log, [1, -2])
        self.assertTrue(is_cancelled(b.error))
        a.release()
        drain()
        self.assertEqual(log, [1, -2, 3])
        c.release()

    def test_cancel_after_it_acquires(self):
        # Granted, then cancelled before its callback ran: it holds nothing
        # and the lock goes to the next request.
        lock = Fifo.Lock.new()
        log = []
        cancellable = Gio.Cancellable()
        a = Request(lock, Mutex(), None, log, 1)
        drain()
        Request(lock, Mutex(), cancellable, log, 2)
        c = Request(lock, Mutex(), None, log, 3)
        drain()
        a.release()
        cancellable.cancel()
        drain()
        self.assertEqual(log, [1, -2, 3])
        c.release()
        self.assertTrue(lock.try_acquire(Fifo.ExclusiveMode.new()))

    def test_body_that_raises_still_releases(self):
        lock = Fifo.Lock.new()
        mode = Mutex()
        with self.assertRaises(ValueError):
            with lock.hold(mode):
                raise ValueError('the body failed')
        self.assertTrue(lock.try_acquire(mode))
        lock.release(mode)


class PythonModes(unittest.TestCase):
    def test_counts_by_python_class(self):
        lock = Fifo.Lock.new()
        read, write = Read(), Write()
        self.assertTrue(lock.try_acquire(read))
        self.assertTrue(lock.try_acquire(Read()))
        self.assertFalse(lock.try_acquire(write))
        lock.release(read)
        self.assertFalse(lock.try_acquire(write))
        self.assertEqual(lock.props.n_waiting, 0)

    def test_strict_fifo_with_python_modes(self):
        lock = Fifo.Lock.new()
        log = []
        r1 = Request(lock, Read(), None, log, 1)
        w2 = Request(lock, Write(), None, log, 2)
        r3 = Request(lock, Read(), None, log, 3)
        drain()
        self.assertEqual(log, [1])
        self.assertEqual(lock.get_n_waiting(), 2)
        r1.release()
        drain()
        self.assertEqual(log, [1, 2])
        w2.release()
        drain()
        self.assertEqual(log, [1, 2, 3])
        r3.release()

    def test_exception_in_mode_keeps_request_waiting(self):
        lock = Fifo.Lock.new()
        log = []
        cancellable = Gio.Cancellable()
        Raising.calls = 0
        bad = Request(lock, Raising(), cancellable, log, 1)
        good = Request(lock, Write(), None, log, 2)
        drain()
        # The raising mode counts as incompatible: it waits, and holds back
        # the queue behind it, as any incompatible head does.
        self.assertGreaterEqual(Raising.calls, 1)
        self.assertFalse(bad.done)
        self.assertEqual(lock.get_n_waiting(), 2)
        # The lock is still usable: cancel it, and the next one gets in.
        cancellable.cancel()
        drain()
        self.assertEqual(log, [-1, 2])
        good.release()
        self.assertTrue(lock.try_acquire(Write()))

    def test_kept_holds_read_later(self):
        lock = Fifo.Lock.new()
        read = Read()
        keeper = Keeper()
        self.assertTrue(lock.try_acquire(read))
        self.assertTrue(lock.try_acquire(keeper))
        kept = Keeper.kept
        Keeper.kept = None
        lock.release(read)
        lock.release(keeper)
        for _ in range(3):
            write = Write()
            self.assertTrue(lock.try_acquire(write))
            lock.release(write)
        # A snapshot: what was held when the mode looked at it.
        self.assertEqual(kept.get_total(), 1)
        self.assertEqual(kept.get(Read), 1)
        self.assertEqual(kept.get_for_mode(read), 1)
        totals = []
        thread = threading.Thread(target=lambda: totals.append(kept.get_total()))
        thread.start()
        thread.join()
        self.assertEqual(totals, [1])
        del lock
        self.assertEqual(kept.get(Write), 0)

    def test_builtin_modes(self):
        lock = Fifo.Lock.new()
        shared, exclusive = Fifo.SharedMode.new(), Fifo.ExclusiveMode.new()
        sem = Fifo.SemaphoreMode.new(2)
        self.assertEqual(sem.get_size(), 2)
        self.assertEqual(sem.props.size, 2)
        self.assertTrue(lock.try_acquire(shared))
        self.assertTrue(lock.try_acquire(shared))
        self.assertFalse(lock.try_acquire(exclusive))
        lock.release(shared)
        lock.release(shared)
        self.assertTrue(lock.try_acquire(sem))
        self.assertTrue(lock.try_acquire(sem))
        self.assertFalse(lock.try_acquire(sem))


class Primitives(unittest.TestCase):
    def test_mutex(self):
        mutex = Fifo.Mutex.new()
        order = []
        notified = []
        mutex.connect('notify::locked', lambda *a: notified.append(mutex.props.locked))

        def acquired(m, result, name):
            self.assertTrue(m.acquire_finish(result))
            order.append(name)

        for name in ('a', 'b', 'c'):
            mutex.acquire_async(None, acquired, name)
        self.assertEqual(order, [])  # never synchronous
        drain()
        self.assertEqual(order, ['a'])
        self.assertFalse(mutex.try_acquire())
        mutex.release()
        drain()
        mutex.release()
        drain()
        self.assertEqual(order, ['a', 'b', 'c'])
        mutex.release()
        self.assertFalse(mutex.props.locked)
        self.assertEqual(notified, [True, False])

    def test_semaphore(self):
        sem = Fifo.Semaphore.new(2)
        got = []
        for i in range(3):
            sem.acquire_async(None, lambda s, r, i: got.append((i, s.acquire_finish(r))), i)
        drain()
        self.assertEqual(got, [(0, True), (1, True)])
        self.assertEqual(sem.props.value, 0)
        self.assertEqual(sem.props.n_waiting, 1)
        sem.release()
        drain()
        self.assertEqual(got[-1], (2, True))
        for _ in range(3):
            sem.release()
        self.assertEqual(sem.get_value(), 3)
        bounded = Fifo.Semaphore.new_bounded(1)
        self.assertTrue(bounded.is_bounded())

    def test_event(self):
        event = Fifo.Event.new()
        woken = []
        for i in range(3):
            event.wait_async(None, lambda e, r, i: woken.append((i, e.wait_finish(r))), i)
        drain()
        self.assertEqual(woken, [])
        self.assertEqual(event.get_n_waiting(), 3)
        event.set()
        self.assertTrue(event.props.is_set)
        drain()
        self.assertEqual(woken, [(0, True), (1, True), (2, True)])
        event.clear()
        self.assertFalse(event.get_is_set())

    def test_condition(self):
        cond = Fifo.Condition.new(None)
        mutex = cond.get_mutex()
        state = {'items': 0}
        consumed = []

        def waited(c, result, name):
            self.assertTrue(c.wait_for_finish(result))
            self.assertTrue(mutex.get_locked())  # holds the mutex again
            state['items'] -= 1
            consumed.append(name)
            mutex.release()

        for name in ('a', 'b'):
            self.assertTrue(mutex.try_acquire())
            # predicate (no arguments, as asyncio's), cancellable, callback, its data
            cond.wait_for_async(lambda: state['items'] > 0, None, waited, name)
        drain()
        self.assertEqual(cond.props.n_waiting, 2)
        with cond:  # the override: holds the mutex (blocking; it is free)
            state['items'] = 2
            cond.notify_all()
        drain()
        self.assertEqual(consumed, ['a', 'b'])
        self.assertEqual(state['items'], 0)

    def test_condition_cancelled_wait_holds_mutex(self):
        cond = Fifo.Condition.new(Fifo.Mutex.new())
        mutex = cond.get_mutex()
        cancellable = Gio.Cancellable()
        outcome = []

        def waited(c, result):
            try:
                c.wait_finish(result)
                outcome.append('notified')
            except GLib.Error as error:
                outcome.append('cancelled' if is_cancelled(error) else error)
            outcome.append(mutex.get_locked())

        self.assertTrue(mutex.try_acquire())
        cond.wait_async(cancellable, waited)
        self.assertFalse(mutex.get_locked())
        cancellable.cancel()
        drain()
        self.assertEqual(outcome, ['cancelled', True])
        mutex.release()

    def test_condition_notify_int_or_property(self):
        cond = Fifo.Condition.new(None)
        mutex = cond.get_mutex()
        notified = []
        woken = []
        cond.connect('notify::mutex', lambda *a: notified.append('mutex'))
        cond.connect('notify::n-waiting', lambda *a: notified.append('n-waiting'))
        cond.notify('mutex')        # a string: GObject's property notification
        self.assertEqual(notified, ['mutex'])
        notified.clear()

        def waited(c, result, name):
            c.wait_finish(result)
            woken.append(name)
            mutex.release()

        for name in 'abc':
            self.assertTrue(mutex.try_acquire())
            cond.wait_async(None, waited, name)
        notified.clear()
        self.assertTrue(mutex.try_acquire())
        cond.notify(2)              # an int: asyncio's notify(n)
        cond.notify()               # n defaults to 1, as in asyncio
        mutex.release()
        drain()
        self.assertEqual(woken, ['a', 'b', 'c'])
        self.assertIn('n-waiting', notified)
        self.assertEqual(cond.props.n_waiting, 0)

    def test_condition_wait_for_blocking_zero_argument_predicate(self):
        cond = Fifo.Condition.new(None)
        items = ['ready']
        self.assertTrue(cond.wait_for(lambda: bool(items)))  # holds at once
        self.assertFalse(cond.get_mutex().get_locked())

    def test_condition_predicate_that_raises_ends_the_wait(self):
        cond = Fifo.Condition.new(None)
        mutex = cond.get_mutex()
        calls = []
        outcome = []

        def predicate():
            calls.append(len(calls))
            if len(calls) == 2:
                raise KeyError('the predicate failed')
            return False

        def waited(c, result):
            try:
                c.wait_for_finish(result)
                outcome.append('returned')
            except KeyError as error:
                outcome.append(error)
            outcome.append(mutex.get_locked())
            mutex.release()

        self.assertTrue(mutex.try_acquire())
        cond.wait_for_async(predicate, None, waited)
        drain()
        self.assertEqual(outcome, [])           # first check: False, it waits
        self.assertEqual(cond.props.n_waiting, 1)
        self.assertTrue(mutex.try_acquire())
        cond.notify(1)
        mutex.release()
        drain()
        # The second check raised: the wait ended, with the mutex held, and
        # wait_for_finish raised the predicate's exception.
        self.assertEqual(len(calls), 2)
        self.assertEqual(len(outcome), 2)
        self.assertIsInstance(outcome[0], KeyError)
        self.assertTrue(outcome[1])
        self.assertFalse(mutex.get_locked())
        self.assertEqual(cond.props.n_waiting, 0)

        # The blocking form raises it too; at once if it raises at once.
        with self.assertRaises(ZeroDivisionError):
            cond.wait_for(lambda: 1 / 0)
        self.assertFalse(mutex.get_locked())
        with self.assertRaises(TypeError):
            cond.wait_for(lambda data: True)   # asyncio's predicates take no arguments

    def test_barrier(self):
        barrier = Fifo.Barrier.new(3)
        indices = []
        errors = []

        def waited(b, result):
            try:
                indices.append(b.wait_finish(result))
            except GLib.Error as error:
                errors.append(error)

        for _ in range(3):
            barrier.wait_async(None, waited)
        drain()
        self.assertEqual(sorted(indices), [0, 1, 2])
        barrier.wait_async(None, waited)
        drain()
        self.assertEqual(barrier.props.n_waiting, 1)
        barrier.abort()
        drain()
        self.assertTrue(barrier.props.broken)
        self.assertEqual(len(errors), 1)
        self.assertTrue(errors[0].matches(Fifo.error_quark(), Fifo.Error.BROKEN_BARRIER))
        barrier.reset()
        self.assertFalse(barrier.get_broken())


class Names(unittest.TestCase):
    """Every primitive's name (issue 17), as PyGObject sees it: a property,
    a keyword at construction, get_name()/set_name(), notify::name."""

    def primitives(self):
        return [Fifo.Lock(), Fifo.Mutex(), Fifo.Semaphore.new(1), Fifo.Event(),
                Fifo.Condition.new(None), Fifo.Barrier.new(2), Fifo.Queue.new_for_values(0)]

    def test_name_property(self):
        for primitive in self.primitives():
            with self.subTest(type(primitive).__name__):
                self.assertIsNone(primitive.props.name)
                self.assertIsNone(primitive.get_name())
                notified = []
                primitive.connect('notify::name', lambda obj, pspec: notified.append(obj.props.name))
                primitive.set_name('db')
                self.assertEqual(primitive.get_name(), 'db')
                self.assertEqual(primitive.props.name, 'db')
                primitive.props.name = 'db'        # no change: not notified
                primitive.props.name = 'cache'
                primitive.set_name(None)
                self.assertIsNone(primitive.props.name)
                self.assertEqual(notified, ['db', 'cache', None])

    def test_name_at_construction(self):
        for cls in (Fifo.Lock, Fifo.Mutex, Fifo.Event):
            with self.subTest(cls.__name__):
                self.assertEqual(cls(name='made').get_name(), 'made')
        self.assertEqual(GObject.new(Fifo.Queue, max_size=2, name='jobs').props.name, 'jobs')

    def test_name_in_critical(self):
        # The critical of a misuse names the primitive; it is caught, not
        # fatal (G_DEBUG=fatal-warnings is this process's).
        mutex = Fifo.Mutex(name='db')
        messages = []

        def handler(domain, level, message, user_data):
            messages.append(message)

        handler_id = GLib.log_set_handler('Fifo', GLib.LogLevelFlags.LEVEL_CRITICAL, handler, None)
        old_fatal = GLib.log_set_always_fatal(GLib.LogLevelFlags.LEVEL_ERROR)
        try:
            mutex.release()
        finally:
            GLib.log_set_always_fatal(old_fatal)
            GLib.log_remove_handler('Fifo', handler_id)
        self.assertEqual(len(messages), 1)
        self.assertIn('FifoMutex “db” is not locked', messages[0])



# A child interpreter, for Tracing: the library reads G_MESSAGES_DEBUG and
# FIFO_DEBUG once, before its first primitive class is made. Its first line
# is the type name of its mode written in Python; each wait and hold lasts
# at least sys.argv[1] seconds.
TRACED_CHILD = r"""
import sys
import time

import gi

gi.require_version('Fifo', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Fifo, Gio, GLib, GObject


class Write(GObject.Object, Fifo.LockMode):
    def do_is_compatible(self, holds):
        return holds.get_total() == 0


pause = float(sys.argv[1])
print(Write.__gtype__.name, flush=True)
context = GLib.MainContext.default()
done = []

# A lock with a Python mode: a try_acquire, a request that waits for it.
lock = Fifo.Lock(name='cache')
first, second = Write(), Write()
assert lock.try_acquire(first)


def lock_acquired(lock, result):
    assert lock.acquire_finish(result)
    lock.release(second)
    done.append('lock')


lock.acquire_async(second, None, lock_acquired)
time.sleep(pause)
lock.release(first)
while 'lock' not in done:
    context.iteration(True)

# A named mutex: a request cancelled while it waits.
mutex = Fifo.Mutex(name='db')
cancellable = Gio.Cancellable()
assert mutex.try_acquire()


def mutex_done(mutex, result):
    try:
        mutex.acquire_finish(result)
    except GLib.Error as error:
        done.append(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))


mutex.acquire_async(cancellable, mutex_done)
time.sleep(pause)
cancellable.cancel()
while len(done) < 2:
    context.iteration(True)
assert done[1] is True
time.sleep(pause)
mutex.release()
"""


class Tracing(unittest.TestCase):
    """The debug lines (G_MESSAGES_DEBUG=Fifo) and slow warnings
    (FIFO_DEBUG=slow) through PyGObject: they name the primitive, the type
    of a mode written in Python, and the event."""

    def run_child(self, pause, **environment):
        env = {key: value for key, value in os.environ.items()
               if key not in ('G_MESSAGES_DEBUG', 'FIFO_DEBUG', 'SYSPROF_CONTROL_FD')}
        # Slow warnings are the point, criticals a failure; “quotes” in UTF-8.
        env.update(G_DEBUG='fatal-criticals', LC_ALL='C.UTF-8', **environment)
        child = subprocess.run([sys.executable, '-c', TRACED_CHILD, str(pause)], env=env,
                               capture_output=True, text=True, encoding='utf-8', timeout=60)
        self.assertEqual(child.returncode, 0, child.stderr)
        mode, _, stdout = child.stdout.partition('\n')
        self.assertEqual(mode, '__main__+Write')
        return mode, stdout, child.stderr

    def test_debug_lines(self):
        mode, stdout, stderr = self.run_child(0, G_MESSAGES_DEBUG='Fifo')
        self.assertNotIn('WARNING', stderr)
        line = re.compile(r'^\([^:()]+:\d+\): Fifo-DEBUG: [\d:.]+: '
                          r'(Fifo\w+ “\w+”): ([\w-]+)(?: (\S+))? \(([^)]*)\)(.*)$')
        got = []
        for text in stdout.splitlines():
            m = line.match(text)
            self.assertIsNotNone(m, text)
            got.append(m.groups())
        lock, db = 'FifoLock “cache”', 'FifoMutex “db”'
        expected = [
            (lock, 'grant', mode, "caller's context", 'by try_acquire'),
            (lock, 'request', mode, 'context', ''),
            (lock, 'release', mode, "caller's context", 'held'),
            (lock, 'grant', mode, 'context', 'waited'),
            (lock, 'release', mode, "caller's context", 'held'),
            (db, 'grant', 'try_acquire', "caller's context", 'without waiting'),
            (db, 'request', 'acquire', 'context', ''),
            (db, 'cancel', 'acquire', 'context', 'waited'),
            (db, 'release', None, "caller's context", 'held'),
        ]
        self.assertEqual([g[:3] for g in got], [e[:3] for e in expected], stdout)
        for (*_, context, rest), (*_, where, says) in zip(got, expected):
            self.assertTrue(context.startswith(where + ' 0x') and context.endswith(', the default'),
                            context)
            self.assertIn(says, rest)

    def test_slow_warnings(self):
        mode, stdout, stderr = self.run_child(0.1, FIFO_DEBUG='slow=20')
        self.assertEqual(stdout, '')
        warnings = re.findall(r'^\([^:()]+:\d+\): Fifo-WARNING \*\*: [\d:.]+: (.*)$', stderr, re.M)
        # Each wait and hold of TRACED_CHILD that lasts 100 ms, once: while
        # it goes on (the watch) or when it ends (the lock's second hold is
        # short: nothing says it cannot be slow).
        ms = r'\d+\.\d{3} ms'
        slow = ', longer than FIFO_DEBUG=slow=20'
        held = rf'(?: lasted {ms} until its release| \([^)]*\) has lasted {ms} and goes on)'
        def waited(outcome):
            return rf'(?:waited {ms} before it was {outcome}|has waited {ms} and still waits)'
        for pattern in [
            rf'FifoLock “cache”: a hold of {re.escape(mode)}{held}{slow}',
            rf'FifoLock “cache”: a request \({re.escape(mode)}, context 0x\w+, the default\) '
            rf'{waited("granted")}{slow}',
            rf'FifoMutex “db”: a request \(acquire, context 0x\w+, the default\) '
            rf'{waited("cancelled")}{slow}',
            rf'FifoMutex “db”: a hold{held}{slow}',
        ]:
            with self.subTest(pattern):
                matches = len([w for w in warnings if re.fullmatch(pattern, w)])
                # The lock's second hold matches too if a stall makes it slow.
                self.assertIn(matches, (1, 2) if 'hold of' in pattern else (1,), stderr)


class Threads(unittest.TestCase):
    def test_threads_with_own_contexts(self):
        mutex = Fifo.Mutex.new()
        lock = Fifo.Lock.new()
        exclusive = Fifo.ExclusiveMode.new()
        rounds = 200
        inside = {'mutex': 0, 'lock': 0}
        problems = []

        def worker():
            context = GLib.MainContext.new()
            context.push_thread_default()
            me = threading.get_ident()
            done = {'n': 0}

            def step():
                if done['n'] == rounds:
                    return
                if done['n'] % 2:
                    mutex.acquire_async(None, on_mutex)
                else:
                    lock.acquire_async(exclusive, None, on_lock)

            def check(key):
                if threading.get_ident() != me:
                    problems.append('callback in another thread')
                inside[key] += 1
                if inside[key] != 1:
                    problems.append(f'{key}: {inside[key]} holders')
                inside[key] -= 1

            def on_mutex(m, result):
                m.acquire_finish(result)
                check('mutex')
                m.release()
                done['n'] += 1
                step()

            def on_lock(lk, result):
                lk.acquire_finish(result)
                check('lock')
                lk.release(exclusive)
                done['n'] += 1
                step()

            step()
            while done['n'] < rounds:
                context.iteration(True)
            context.pop_thread_default()

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(problems, [])
        self.assertFalse(mutex.get_locked())
        self.assertTrue(lock.try_acquire(exclusive))

    def test_blocking_forms_from_a_worker(self):
        mutex = Fifo.Mutex.new()
        lock = Fifo.Lock.new()
        write = Write()
        events = []
        self.assertTrue(mutex.try_acquire())
        self.assertTrue(lock.try_acquire(write))

        def worker():
            with mutex:
                events.append('mutex')
            with lock.hold(write):
                events.append('lock')

        thread = threading.Thread(target=worker)
        thread.start()
        run_until(lambda: mutex.get_n_waiting() == 1)
        self.assertEqual(events, [])
        mutex.release()
        run_until(lambda: lock.get_n_waiting() == 1)
        self.assertEqual(events, ['mutex'])
        lock.release(write)
        thread.join()
        self.assertEqual(events, ['mutex', 'lock'])
        self.assertFalse(mutex.get_locked())

    def test_blocking_acquire_cancelled(self):
        lock = Fifo.Lock.new()
        exclusive = Fifo.ExclusiveMode.new()
        cancellable = Gio.Cancellable()
        errors = []
        self.assertTrue(lock.try_acquire(exclusive))

        def worker():
            try:
                with lock.hold(exclusive, cancellable):
                    errors.append('acquired')
            except GLib.Error as error:
                errors.append(error)

        thread = threading.Thread(target=worker)
        thread.start()
        run_until(lambda: lock.get_n_waiting() == 1)
        cancellable.cancel()
        thread.join()
        self.assertEqual(len(errors), 1)
        self.assertTrue(is_cancelled(errors[0]))
        self.assertFalse(lock.try_acquire(exclusive))  # still ours
        lock.release(exclusive)


if __name__ == '__main__':
    fifotap.main()
