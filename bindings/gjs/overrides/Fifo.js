// SPDX-License-Identifier: LGPL-2.1-or-later
//
// GJS overrides for fifolock-glib, loaded by GJS itself when a program
// imports gi://Fifo (installed into <datadir>/gjs-1.0/overrides/, or found
// through GJS_PATH):
//
// - every asynchronous operation returns a Promise when called without a
//   callback, as Gio._promisify() makes it (calling it yourself still
//   works, and changes nothing);
// - a Fifo.Queue carries any JavaScript value — an array, null, undefined,
//   a BigInt, an object (the same object comes out) — not only those GJS
//   can put in a GValue by itself.

const {Gio} = imports.gi;

// A queue's item is a GValue: a plain object GJS boxes as a JSObject, and
// gives back as the same object. Every value goes in such a box, so that
// whatever was put comes out; items put from C (strings, numbers…) come
// out as they are.
const BOX = Symbol('Fifo.Queue item');

function box(value) {
    return {[BOX]: value};
}

function unbox(item) {
    return item !== null && typeof item === 'object' && BOX in item ? item[BOX] : item;
}

function _init() {
    const Fifo = this;

    const queue = Fifo.Queue.prototype;
    const {put_async: putAsync, put, try_put: tryPut, get_finish: getFinish,
        get, try_get: tryGet} = queue;

    queue.put_async = function (value, cancellable, callback) {
        return putAsync.call(this, box(value), cancellable, callback);
    };
    queue.put = function (value, cancellable) {
        return put.call(this, box(value), cancellable);
    };
    queue.try_put = function (value) {
        return tryPut.call(this, box(value));
    };
    queue.get_finish = function (result) {
        return unbox(getFinish.call(this, result));
    };
    queue.get = function (cancellable) {
        return unbox(get.call(this, cancellable));
    };
    queue.try_get = function () {
        const [ok, item] = tryGet.call(this);
        return [ok, ok ? unbox(item) : undefined];
    };

    for (const [klass, names] of [
        [Fifo.Lock, ['acquire']],
        [Fifo.Mutex, ['acquire']],
        [Fifo.Semaphore, ['acquire']],
        [Fifo.Event, ['wait']],
        [Fifo.Condition, ['wait', 'wait_for']],
        [Fifo.Barrier, ['wait']],
        [Fifo.Queue, ['put', 'get', 'join']],
    ]) {
        for (const name of names)
            Gio._promisify(klass.prototype, `${name}_async`, `${name}_finish`);
    }
}
