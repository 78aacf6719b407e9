#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""fifo-bench scenario 4: a hand-off chain on a Fifo.Lock driven from Python,
with the built-in exclusive mode and with a mode written in Python. Prints
"builtin <ns>" and "python <ns>" (ns per hand-off, median of runs)."""

import sys

import gi

gi.require_version('Fifo', '1.0')
from gi.repository import Fifo, GLib, GObject  # noqa: E402

quick = '--quick' in sys.argv


class Exclusive(GObject.Object, Fifo.LockMode):
    def do_is_compatible(self, holds):
        return holds.get_total() == 0


def chain(mode, waiters=100, total=20_000 if quick else 200_000):
    lock = Fifo.Lock.new()
    state = {'left': total - waiters, 'outstanding': waiters}

    def acquired(lock, result):
        lock.acquire_finish(result)
        lock.release(mode)
        if state['left'] > 0:
            state['left'] -= 1
            lock.acquire_async(mode, None, acquired)
        else:
            state['outstanding'] -= 1

    context = GLib.MainContext.default()
    start = GLib.get_monotonic_time()
    for _ in range(waiters):
        lock.acquire_async(mode, None, acquired)
    while state['outstanding']:
        context.iteration(True)
    return (GLib.get_monotonic_time() - start) * 1000 / total


def median(values):
    return sorted(values)[len(values) // 2]


runs = 3 if quick else 5
print(f'builtin {median([chain(Fifo.ExclusiveMode.new()) for _ in range(runs)]):.1f}', flush=True)
print(f'python {median([chain(Exclusive()) for _ in range(runs)]):.1f}', flush=True)
