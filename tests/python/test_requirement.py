#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""What needs PyGObject >= 3.50 and what does not. With an older PyGObject
(Debian 12's 3.42), importing fifolock_glib, or `async with` on a GI
object, raises an error that names the requirement, and the callback and
blocking forms keep working. With a newer one, fifolock_glib imports, and
`async with` on a loop that is not GLib's says how to get one."""

import asyncio
import importlib
import os
import sys
import threading
import unittest

import gi

gi.require_version('Fifo', '1.0')
from gi.repository import Fifo, GLib  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import fifotap  # noqa: E402
import glibloop  # noqa: E402

OLD = glibloop.unsupported() is not None


class Write(object):
    @staticmethod
    def is_compatible(holds):
        return not holds[Write]


def targets():
    lock = Fifo.Lock.new()
    return [Fifo.Mutex.new(), Fifo.Semaphore.new(1), Fifo.Condition.new(None),
            lock.hold(Fifo.ExclusiveMode.new()), lock(Write), Fifo.Mutex.new().hold()]


class Requirement(unittest.TestCase):
    def test_import(self):
        sys.modules.pop('fifolock_glib', None)
        if OLD:
            with self.assertRaises(ImportError) as caught:
                importlib.import_module('fifolock_glib')
            message = str(caught.exception)
            self.assertIn('PyGObject 3.50 or later', message)
            self.assertIn('gi.events.GLibEventLoopPolicy', message)
            self.assertIn(f'this is PyGObject {gi.__version__}', message)
            self.assertIn('callback and blocking forms', message)
            self.assertNotIn('fifolock_glib', sys.modules)
        else:
            module = importlib.import_module('fifolock_glib')
            self.assertTrue(hasattr(module, 'FifoLock'))

    def test_async_with(self):
        for target in targets():
            with self.subTest(type(target).__name__):
                async def main():
                    async with target:
                        pass

                # asyncio's own loop: on an old PyGObject, there is no other.
                loop = asyncio.new_event_loop()
                try:
                    with self.assertRaises(RuntimeError) as caught:
                        loop.run_until_complete(main())
                finally:
                    loop.close()
                if OLD:
                    self.assertIn('PyGObject 3.50 or later', str(caught.exception))
                else:
                    self.assertIn('asyncio.set_event_loop_policy(gi.events.GLibEventLoopPolicy())',
                                  str(caught.exception))

    def test_callback_and_blocking_forms_work(self):
        mutex = Fifo.Mutex.new()
        lock = Fifo.Lock.new()
        got = []
        mutex.acquire_async(None, lambda m, result: got.append(m.acquire_finish(result)))
        context = GLib.MainContext.default()
        while not got:
            context.iteration(True)
        self.assertEqual(got, [True])
        mutex.release()

        def worker():
            with mutex:
                got.append('mutex')
            with lock(Write):            # a mode in fifolock's style, blocking
                got.append('lock')

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        self.assertEqual(got, [True, 'mutex', 'lock'])
        self.assertFalse(mutex.get_locked())


if __name__ == '__main__':
    fifotap.main()
