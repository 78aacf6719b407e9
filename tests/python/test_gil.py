#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Finalizers that run with Python's interpreter lock held must never wait
for the library: PyGObject frees a GLib.MainContext holding the GIL, while a
worker thread may hold a lock's state and wait for the GIL to run a mode
written in Python."""

import faulthandler
import os
import sys
import threading
import time
import unittest

import gi

gi.require_version('Fifo', '1.0')
from gi.repository import Fifo, GLib, GObject  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import fifotap  # noqa: E402


class SlowWrite(GObject.Object, Fifo.LockMode):
    """Its first is_compatible call takes its time, without the GIL (sleep
    releases it) but inside the lock, which holds its state meanwhile."""

    def __init__(self):
        super().__init__()
        self.entered = threading.Event()
        self.first = True

    def do_is_compatible(self, holds):
        if self.first:
            self.first = False
            self.entered.set()
            time.sleep(0.2)
        return holds.get_total() == 0


class TestGil(unittest.TestCase):
    def setUp(self):
        # A hang is a failure with every thread's Python stack.
        faulthandler.dump_traceback_later(60, exit=True)

    def tearDown(self):
        faulthandler.cancel_dump_traceback_later()

    def test_context_freed_with_the_gil_while_a_mode_waits_for_it(self):
        for _ in range(5):
            lock = Fifo.Lock.new()
            exclusive = Fifo.ExclusiveMode.new()
            write = SlowWrite()
            outcome = {}

            # A request granted at once in a context nobody iterates: its
            # grant is passed over when the context goes.
            context = GLib.MainContext.new()
            context.push_thread_default()
            lock.acquire_async(exclusive, None, lambda *args: self.fail('delivered'))
            context.pop_thread_default()

            def worker():
                outcome['acquired'] = lock.acquire(write, None)
                lock.release(write)

            thread = threading.Thread(target=worker)
            thread.start()
            self.assertTrue(write.entered.wait(10))

            # The worker is inside the lock, about to need the GIL back: the
            # context's finalization (this thread, holding the GIL) must not
            # wait for the lock.
            del context

            thread.join(30)
            self.assertFalse(thread.is_alive(), 'the worker never got the lock')
            self.assertTrue(outcome['acquired'])
            self.assertEqual(lock.props.n_waiting, 0)
            self.assertTrue(lock.try_acquire(exclusive))
            lock.release(exclusive)

    def test_garbage_collection_inside_is_compatible(self):
        """A mode's is_compatible allocates; the cyclic collector runs there
        and frees a context with a grant of another primitive due in it.
        Nothing of the user's runs in that finalizer — here, a notify handler
        that asks the lock being asked, which would wait for ever."""
        import gc
        lock = Fifo.Lock.new()
        mutex = Fifo.Mutex.new()
        seen = []

        class Collecting(GObject.Object, Fifo.LockMode):
            def do_is_compatible(self, holds):
                gc.collect()  # what any allocation may trigger
                return holds.get_total() == 0

        context = GLib.MainContext.new()
        context.push_thread_default()
        mutex.acquire_async(None, lambda *args: self.fail('delivered'))
        context.pop_thread_default()
        cycle = [context]  # only a reference cycle keeps it
        cycle.append(cycle)
        del context, cycle
        self.assertTrue(mutex.props.locked)
        mutex.connect('notify::locked', lambda *args: seen.append(lock.props.n_waiting))

        mode = Collecting()
        self.assertTrue(lock.try_acquire(mode))
        self.assertEqual(seen, [])
        # The mutex's next operation passes the grant over, outside the lock.
        self.assertFalse(mutex.props.locked)
        self.assertEqual(seen, [0])
        lock.release(mode)


if __name__ == '__main__':
    fifotap.main()
