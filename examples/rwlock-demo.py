#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Readers and writers on one Fifo.Lock, granted strictly in the order they
asked: a waiting writer holds back the readers that came after it."""

import gi

gi.require_version('Fifo', '1.0')
from gi.repository import Fifo, GLib  # noqa: E402

read, write = Fifo.SharedMode.new(), Fifo.ExclusiveMode.new()
clients = [  # name, mode, arrives after (ms), holds for (ms)
    ('reader 1', read, 0, 300),
    ('reader 2', read, 50, 300),
    ('writer 3', write, 100, 200),  # waits for readers 1 and 2
    ('reader 4', read, 150, 100),   # compatible with 1 and 2, but after 3
    ('reader 5', read, 200, 100),
    ('writer 6', write, 250, 100),
]

lock = Fifo.Lock.new()
loop = GLib.MainLoop()
start = GLib.get_monotonic_time()
running = len(clients)


def say(name, what):
    print(f'[+{(GLib.get_monotonic_time() - start) / 1e6:6.3f} s] {name:<9} {what}', flush=True)


def release(name, mode):
    global running
    say(name, 'releases')
    lock.release(mode)
    running -= 1
    if running == 0:
        loop.quit()
    return GLib.SOURCE_REMOVE


def acquired(lock, result, name, mode, hold_ms):
    lock.acquire_finish(result)
    say(name, 'is granted the lock')
    GLib.timeout_add(hold_ms, release, name, mode)


def arrive(name, mode, hold_ms):
    say(name, 'asks for the lock')
    lock.acquire_async(mode, None, acquired, name, mode, hold_ms)
    return GLib.SOURCE_REMOVE


print('fifolock-glib from Python: readers share, writers are exclusive, '
      'and nobody overtakes an earlier request.\n')
for name, mode, arrive_ms, hold_ms in clients:
    GLib.timeout_add(arrive_ms, arrive, name, mode, hold_ms)
loop.run()
