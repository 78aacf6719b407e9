// SPDX-License-Identifier: LGPL-2.1-or-later
// Readers and writers on one Fifo.Lock, granted strictly in the order they
// asked: a waiting writer holds back the readers that came after it.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Fifo from 'gi://Fifo?version=1.0';

Gio._promisify(Fifo.Lock.prototype, 'acquire_async', 'acquire_finish');

const read = Fifo.SharedMode.new(), write = Fifo.ExclusiveMode.new();
const clients = [ // name, mode, arrives after (ms), holds for (ms)
    ['reader 1', read, 0, 300],
    ['reader 2', read, 50, 300],
    ['writer 3', write, 100, 200], // waits for readers 1 and 2
    ['reader 4', read, 150, 100], // compatible with 1 and 2, but after 3
    ['reader 5', read, 200, 100],
    ['writer 6', write, 250, 100],
];

const lock = new Fifo.Lock();
const start = GLib.get_monotonic_time();
const say = (name, what) =>
    print(`[+${((GLib.get_monotonic_time() - start) / 1e6).toFixed(3).padStart(6)} s] ${name.padEnd(9)} ${what}`);
const sleep = ms => new Promise(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
    resolve();
    return GLib.SOURCE_REMOVE;
}));

async function client([name, mode, arriveMs, holdMs]) {
    await sleep(arriveMs);
    say(name, 'asks for the lock');
    await lock.acquire_async(mode, null);
    say(name, 'is granted the lock');
    await sleep(holdMs);
    say(name, 'releases');
    lock.release(mode);
}

print('fifolock-glib from JavaScript: readers share, writers are exclusive, and nobody overtakes an earlier request.\n');
const loop = new GLib.MainLoop(null, false);
Promise.all(clients.map(client)).then(() => loop.quit());
loop.run();
