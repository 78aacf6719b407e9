#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""CPython asyncio baselines for fifo-bench: prints "<label> <ns per op>".

  chain N1,N2,...   N tasks share an asyncio.Lock (then a Semaphore(1)); each
                    acquires, yields once while holding, releases, and starts
                    over, until as many hand-offs as fifo-bench makes.
  cancel N1,...     N tasks wait on a held lock; cancel them in queue order,
                    in reverse and at random; ns per cancellation.
  queue N1,...      N tasks wait in asyncio.Queue.get(); each, handed an item,
                    puts one for the next and gets again; ns per hand-off.
"""

import asyncio
import random
import sys
import time

quick = '--quick' in sys.argv
args = [a for a in sys.argv[1:] if a != '--quick']
repetitions = 3 if quick else 5


def total_for(n):
    # asyncio runs some 30 times slower: fewer hand-offs give as steady a figure.
    return max(20_000 if quick else 200_000, 2 * n)


async def chain(make, n):
    primitive = make()
    left = total_for(n)

    async def worker():
        nonlocal left
        while left > 0:
            left -= 1
            async with primitive:
                await asyncio.sleep(0)

    start = time.perf_counter_ns()
    await asyncio.gather(*(worker() for _ in range(n)))
    return (time.perf_counter_ns() - start) / total_for(n)


async def cancel(n, order):
    lock = asyncio.Lock()
    await lock.acquire()
    tasks = [asyncio.ensure_future(lock.acquire()) for _ in range(n)]
    await asyncio.sleep(0)  # all queued
    if order == 'reverse':
        tasks.reverse()
    elif order == 'random':
        random.Random(42).shuffle(tasks)
    start = time.perf_counter_ns()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)  # they run their cleanup
    ns = (time.perf_counter_ns() - start) / n
    lock.release()
    return ns


async def queue_chain(n):
    queue = asyncio.Queue()
    left = total_for(n) - n
    remaining = n

    async def consumer():
        nonlocal left, remaining
        while True:
            item = await queue.get()
            if left > 0:
                left -= 1
                queue.put_nowait(item)
                # asyncio.Queue lets a get barge past the woken getter: step
                # aside, so that the item goes on down the line as in C.
                await asyncio.sleep(0)
                continue
            # Done: the next one still waiting is handed the end, and so on.
            remaining -= 1
            if remaining > 0:
                queue.put_nowait(item)
            return

    tasks = [asyncio.ensure_future(consumer()) for _ in range(n)]
    await asyncio.sleep(0)  # all waiting
    start = time.perf_counter_ns()
    queue.put_nowait(1)
    await asyncio.gather(*tasks)
    return (time.perf_counter_ns() - start) / total_for(n)


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    what, sizes = args[0], [int(s) for s in args[1].split(',')]
    for n in sizes:
        if what == 'chain':
            for label, make in (('lock', asyncio.Lock), ('semaphore', lambda: asyncio.Semaphore(1))):
                runs = repetitions if n < 100_000 else 1
                ns = median([asyncio.run(chain(make, n)) for _ in range(runs)])
                print(f'{label} {n} {ns:.1f}', flush=True)
        elif what == 'queue':
            runs = repetitions if n < 100_000 else 1
            ns = median([asyncio.run(queue_chain(n)) for _ in range(runs)])
            print(f'queue {n} {ns:.1f}', flush=True)
        elif what == 'cancel':
            for order in ('queue', 'reverse', 'random'):
                # A cancelled waiter removes itself with deque.remove(): O(n)
                # unless it is at the front, so O(n^2) in all. Beyond 10^4
                # waiters that takes minutes; it is reported as skipped.
                if order != 'queue' and n > 10_000:
                    continue
                ns = median([asyncio.run(cancel(n, order)) for _ in range(repetitions)])
                print(f'cancel {order} {n} {ns:.1f}', flush=True)


main()
