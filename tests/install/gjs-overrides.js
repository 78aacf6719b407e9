// SPDX-License-Identifier: LGPL-2.1-or-later
// The installed GJS overrides are found (through $XDG_DATA_DIRS or
// GJS_PATH): a queue carries an array, and an asynchronous call without a
// callback returns a promise.
import GLib from 'gi://GLib';
import Fifo from 'gi://Fifo?version=1.0';

const queue = new Fifo.Queue();
const array = [1, 2, 3];
if (!queue.try_put(array))
    throw new Error('try_put refused an array');
const [ok, item] = queue.try_get();
if (!ok || item !== array)
    throw new Error('the array did not come back');

const mutex = new Fifo.Mutex();
const promise = mutex.acquire_async(null);
if (!(promise instanceof Promise))
    throw new Error('acquire_async without a callback returned no promise: the overrides were not loaded');
const loop = new GLib.MainLoop(null, false);
promise.then(() => loop.quit());
loop.run();
print('gjs overrides: OK');
