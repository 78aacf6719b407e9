// SPDX-License-Identifier: LGPL-2.1-or-later
// fifolock-glib from JavaScript, through GJS: every primitive with
// Gio._promisify and async/await, a mode written in JavaScript,
// cancellation through Gio.Cancellable, and the debug lines and slow
// warnings of a child gjs. Reports in TAP.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import GObject from 'gi://GObject';
import Fifo from 'gi://Fifo?version=1.0';
import System from 'system';

for (const [klass, names] of [
    [Fifo.Lock, ['acquire']],
    [Fifo.Mutex, ['acquire']],
    [Fifo.Semaphore, ['acquire']],
    [Fifo.Event, ['wait']],
    [Fifo.Condition, ['wait', 'wait_for']],
    [Fifo.Barrier, ['wait']],
]) {
    for (const name of names)
        Gio._promisify(klass.prototype, `${name}_async`, `${name}_finish`);
}

// Modes written in JavaScript, counting holds by type.
const Read = GObject.registerClass({
    GTypeName: 'TestJsRead',
    Implements: [Fifo.LockMode],
}, class Read extends GObject.Object {
    vfunc_is_compatible(holds) {
        return holds.get(Write.$gtype) === 0;
    }
});

const Write = GObject.registerClass({
    GTypeName: 'TestJsWrite',
    Implements: [Fifo.LockMode],
}, class Write extends GObject.Object {
    vfunc_is_compatible(holds) {
        return holds.get(Read.$gtype) === 0 && holds.get(Write.$gtype) === 0;
    }
});

const Throwing = GObject.registerClass({
    GTypeName: 'TestJsThrowing',
    Implements: [Fifo.LockMode],
}, class Throwing extends GObject.Object {
    vfunc_is_compatible() {
        throw new Error('a mode that fails');
    }
});

// ---- a tiny TAP harness ----------------------------------------------------

const tests = [];
function test(name, fn) {
    tests.push([name, fn]);
}

function assert(condition, message = 'assertion failed') {
    if (!condition)
        throw new Error(message);
}

function assertEqual(actual, expected) {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e)
        throw new Error(`expected ${e}, got ${a}`);
}

// Lets the main loop run everything that is ready (several iterations: a
// dispatcher may sit one out between batches).
function drain() {
    return new Promise(resolve => {
        let idle = 0;
        GLib.idle_add(GLib.PRIORITY_LOW, () => {
            if (++idle < 3)
                return GLib.SOURCE_CONTINUE;
            resolve();
            return GLib.SOURCE_REMOVE;
        });
    });
}

function isCancelled(error) {
    return error instanceof GLib.Error &&
        error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED);
}

// ---- tests -------------------------------------------------------------------

test('mode written in JavaScript: strict FIFO by type', async () => {
    const lock = new Fifo.Lock();
    const log = [];
    const r1 = new Read(), w2 = new Write(), r3 = new Read();
    const p1 = lock.acquire_async(r1, null).then(() => log.push(1));
    const p2 = lock.acquire_async(w2, null).then(() => log.push(2));
    const p3 = lock.acquire_async(r3, null).then(() => log.push(3));
    assertEqual(log, []); // never synchronous
    await p1;
    await drain();
    assertEqual(log, [1]); // r3 would fit, but waits behind w2
    assertEqual(lock.n_waiting, 2);
    lock.release(r1);
    await p2;
    assertEqual(log, [1, 2]);
    lock.release(w2);
    await p3;
    assertEqual(log, [1, 2, 3]);
    lock.release(r3);
    assert(lock.try_acquire(new Write()));
});

test('built-in modes: read/write and semaphore', async () => {
    const lock = new Fifo.Lock();
    const shared = Fifo.SharedMode.new(), exclusive = Fifo.ExclusiveMode.new();
    await lock.acquire_async(shared, null);
    await lock.acquire_async(shared, null);
    assert(!lock.try_acquire(exclusive));
    lock.release(shared);
    lock.release(shared);
    const sem = Fifo.SemaphoreMode.new(2);
    assertEqual(sem.size, 2);
    assert(lock.try_acquire(sem) && lock.try_acquire(sem) && !lock.try_acquire(sem));
});

test('a throwing mode keeps its request waiting, the lock usable', async () => {
    const lock = new Fifo.Lock();
    const cancellable = new Gio.Cancellable();
    const bad = lock.acquire_async(new Throwing(), cancellable).then(() => 'granted', e => e);
    await drain();
    assertEqual(lock.n_waiting, 1);
    cancellable.cancel();
    assert(isCancelled(await bad), 'the throwing request is cancelled');
    await lock.acquire_async(new Write(), null);
});

test('cancellation of a queued acquire', async () => {
    const lock = new Fifo.Lock();
    const write = new Write();
    await lock.acquire_async(write, null);
    const cancellable = new Gio.Cancellable();
    const waiting = lock.acquire_async(new Write(), cancellable).then(() => 'granted', e => e);
    await drain();
    cancellable.cancel();
    assert(isCancelled(await waiting), 'fails with CANCELLED');
    assertEqual(lock.n_waiting, 0);
    lock.release(write);
    assert(lock.try_acquire(write));
});

test('Mutex', async () => {
    const mutex = new Fifo.Mutex();
    const order = [];
    const all = ['a', 'b', 'c'].map(name =>
        mutex.acquire_async(null).then(() => {
            order.push(name);
            mutex.release();
        }));
    await Promise.all(all);
    assertEqual(order, ['a', 'b', 'c']);
    assert(!mutex.locked);
});

test('Semaphore', async () => {
    const sem = Fifo.Semaphore.new(2);
    await sem.acquire_async(null);
    await sem.acquire_async(null);
    assertEqual(sem.value, 0);
    let third = false;
    const p = sem.acquire_async(null).then(() => (third = true));
    await drain();
    assert(!third);
    sem.release();
    await p;
    assert(third);
    assert(Fifo.Semaphore.new_bounded(1).is_bounded());
});

test('Event', async () => {
    const event = new Fifo.Event();
    const woken = [];
    const all = [1, 2, 3].map(i => event.wait_async(null).then(() => woken.push(i)));
    await drain();
    assertEqual(woken, []);
    event.set();
    assert(event.is_set);
    await Promise.all(all);
    assertEqual(woken, [1, 2, 3]);
});

test('Condition: wait, notify, wait_for', async () => {
    const cond = Fifo.Condition.new(null);
    const mutex = cond.mutex;
    let items = 0;
    const consumed = [];
    const consumer = async name => {
        await mutex.acquire_async(null);
        await cond.wait_for_async(() => items > 0, null);
        assert(mutex.locked, 'holds the mutex again');
        items--;
        consumed.push(name);
        mutex.release();
    };
    const done = Promise.all([consumer('a'), consumer('b')]);
    await drain();
    assertEqual(cond.n_waiting, 2);
    await mutex.acquire_async(null);
    items = 2;
    cond.notify_all();
    mutex.release();
    await done;
    assertEqual(consumed, ['a', 'b']);
});

test('Condition: a cancelled wait still holds the mutex', async () => {
    const cond = Fifo.Condition.new(new Fifo.Mutex());
    const cancellable = new Gio.Cancellable();
    await cond.mutex.acquire_async(null);
    const waited = cond.wait_async(cancellable).then(() => 'notified', e => e);
    await drain();
    cancellable.cancel();
    assert(isCancelled(await waited));
    assert(cond.mutex.locked);
    cond.mutex.release();
});

test('Barrier', async () => {
    const barrier = Fifo.Barrier.new(3);
    const indices = await Promise.all([0, 1, 2].map(() => barrier.wait_async(null)));
    assertEqual(indices.sort(), [0, 1, 2]);
    const late = barrier.wait_async(null).then(() => 'passed', e => e);
    await drain();
    assertEqual(barrier.n_waiting, 1);
    barrier.abort();
    const error = await late;
    assert(error instanceof GLib.Error && error.matches(Fifo.Error, Fifo.Error.BROKEN_BARRIER),
        'broken barrier error');
    assert(barrier.broken);
    barrier.reset();
    assert(!barrier.broken);
});

test('Queue: any JavaScript value goes in, the same comes out, in order', async () => {
    const queue = new Fifo.Queue();
    const object = {job: 1};
    const values = ['text', 42, 1.5, false, object, [1, [2]], null, undefined, 2n ** 64n, new Map([[1, 2]])];
    for (const value of values)
        assert(queue.try_put(value), `try_put ${String(value)}`);
    assertEqual(queue.n_items, values.length);
    for (const value of values) {
        const [ok, item] = queue.try_get();
        assert(ok && item === value, `got ${String(item)}, expected ${String(value)}`);
    }
    assertEqual(queue.try_get(), [false, undefined]);
});

test('Queue: getters and putters wait, in order, with promises (the overrides)', async () => {
    const queue = new Fifo.Queue({max_size: 1});
    const log = [];
    const getters = [1, 2, 3].map(n => queue.get_async(null).then(item => log.push(`${n}:${item.id}`)));
    assertEqual(queue.n_waiting, 3);
    await queue.put_async({id: 'a'}, null);
    const puts = ['b', 'c', 'd'].map(id => queue.put_async({id}, null));
    await Promise.all(getters);
    assertEqual(log, ['1:a', '2:b', '3:c']);
    await Promise.all(puts);
    assertEqual(queue.n_items, 1);
    assertEqual((await queue.get_async(null)).id, 'd');
});

test('Queue: a cancelled get gives its item back, in front', async () => {
    const queue = new Fifo.Queue();
    const cancellable = new Gio.Cancellable();
    const first = queue.get_async(cancellable).then(() => 'got', e => e);
    queue.try_put('x');     // handed to the first get, not delivered yet
    queue.try_put('y');
    cancellable.cancel();   // takes it back: 'x' is in front again
    assert(isCancelled(await first), 'the first get is cancelled');
    assertEqual(queue.try_get(), [true, 'x']);
    assertEqual(queue.try_get(), [true, 'y']);
});

test('Queue: task_done, join and shutdown', async () => {
    const queue = new Fifo.Queue();
    queue.try_put(1);
    queue.try_put(2);
    let joined = false;
    const join = queue.join_async(null).then(() => (joined = true));
    await queue.get_async(null);
    queue.task_done();
    await drain();
    assert(!joined, 'one item is not done yet');
    await queue.get_async(null);
    queue.task_done();
    await join;
    queue.try_put(3);
    queue.shutdown(false);
    assert(queue.is_shut_down);
    assertEqual(await queue.get_async(null), 3);  // what is left, then nothing
    const error = await queue.get_async(null).then(() => null, e => e);
    assert(error instanceof GLib.Error && error.matches(Fifo.Error, Fifo.Error.QUEUE_SHUT_DOWN),
        'a get of a shut-down, empty queue fails');
    assert(!queue.try_put(4), 'no puts after shutdown');
});

test('a context freed by the garbage collector: its grant goes on, to a mode written in JavaScript', async () => {
    const lock = new Fifo.Lock();
    let asked = 0;
    const Counting = GObject.registerClass({
        GTypeName: 'TestJsCounting',
        Implements: [Fifo.LockMode],
    }, class Counting extends GObject.Object {
        vfunc_is_compatible(holds) {
            asked++;
            return holds.get_total() === 0;
        }
    });
    // Granted, due in a context that only this function's scope holds.
    (() => {
        const context = GLib.MainContext.new();
        context.push_thread_default();
        lock.acquire_async(new Fifo.ExclusiveMode(), null, () => {
            throw new Error('a callback of a freed context ran');
        });
        context.pop_thread_default();
    })();
    const mode = new Counting();
    let notified = 0;
    lock.connect('notify::n-waiting', () => notified++);
    const granted = lock.acquire_async(mode, null).then(() => true);
    asked = 0;
    // The collection frees the context, where no JavaScript may run: the
    // library asks the mode later, from this main loop.
    System.gc();
    const timeout = new Promise(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10000, () => {
        resolve(false);
        return GLib.SOURCE_REMOVE;
    }));
    assert(await Promise.race([granted, timeout]), 'the request behind the freed grant is granted');
    assert(asked > 0 && notified > 0, 'the mode was asked and n-waiting notified, from the main loop');
    lock.release(mode);
    assert(lock.try_acquire(new Fifo.ExclusiveMode()), 'the lock is free again');
});

test('every primitive has a name property, notified on a change', async () => {
    const primitives = [new Fifo.Lock(), new Fifo.Mutex(), Fifo.Semaphore.new(1), new Fifo.Event(),
        Fifo.Condition.new(null), Fifo.Barrier.new(2), new Fifo.Queue()];
    for (const primitive of primitives) {
        assertEqual(primitive.name, null);
        assertEqual(primitive.get_name(), null);
        const notified = [];
        primitive.connect('notify::name', obj => notified.push(obj.name));
        primitive.set_name('db');
        assertEqual(primitive.get_name(), 'db');
        primitive.name = 'db'; // no change: not notified
        primitive.name = 'cache';
        assertEqual(primitive.name, 'cache');
        primitive.set_name(null);
        assertEqual(primitive.name, null);
        assertEqual(notified, ['db', 'cache', null]);
    }
    assertEqual(new Fifo.Mutex({name: 'made'}).get_name(), 'made');
});

// ---- tracing, in a child gjs -------------------------------------------------

// The library reads G_MESSAGES_DEBUG and FIFO_DEBUG once, before its first
// primitive class is made: each run is a child of its own. Its first line
// is the type name of its mode written in JavaScript; each wait and hold
// lasts at least ARGV[0] microseconds.
const TRACED_CHILD = `
imports.gi.versions.Fifo = '1.0';
const {Fifo, Gio, GLib, GObject} = imports.gi;

const Write = GObject.registerClass({
    Implements: [Fifo.LockMode],
}, class Write extends GObject.Object {
    vfunc_is_compatible(holds) {
        return holds.get_total() === 0;
    }
});

const pause = Number(ARGV[0]);
print(Write.$gtype.name);
const context = GLib.MainContext.default();
const done = [];

// A lock with a JavaScript mode: a try_acquire, a request that waits for it.
const lock = new Fifo.Lock({name: 'cache'});
const first = new Write(), second = new Write();
if (!lock.try_acquire(first))
    throw new Error('try_acquire failed');
lock.acquire_async(second, null, (_, result) => {
    lock.acquire_finish(result);
    lock.release(second);
    done.push('lock');
});
GLib.usleep(pause);
lock.release(first);
while (!done.includes('lock'))
    context.iteration(true);

// A named mutex: a request cancelled while it waits.
const mutex = new Fifo.Mutex({name: 'db'});
const cancellable = new Gio.Cancellable();
if (!mutex.try_acquire())
    throw new Error('try_acquire failed');
mutex.acquire_async(cancellable, (_, result) => {
    try {
        mutex.acquire_finish(result);
    } catch (error) {
        done.push(error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED));
    }
});
GLib.usleep(pause);
cancellable.cancel();
while (done.length < 2)
    context.iteration(true);
if (done[1] !== true)
    throw new Error('not cancelled');
GLib.usleep(pause);
mutex.release();
`;

// The gjs that runs this file (tests/meson.build passes it), for the child.
const gjsPath = System.programArgs[0] ?? 'gjs';
Gio._promisify(Gio.Subprocess.prototype, 'communicate_utf8_async', 'communicate_utf8_finish');

async function runTracedChild(pause, environment) {
    const launcher = new Gio.SubprocessLauncher({
        flags: Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE,
    });
    for (const name of ['G_MESSAGES_DEBUG', 'FIFO_DEBUG', 'SYSPROF_CONTROL_FD'])
        launcher.unsetenv(name);
    // Slow warnings are the point, criticals a failure; “quotes” in UTF-8.
    launcher.setenv('G_DEBUG', 'fatal-criticals', true);
    launcher.setenv('LC_ALL', 'C.UTF-8', true);
    for (const [name, value] of Object.entries(environment))
        launcher.setenv(name, value, true);
    const child = launcher.spawnv([gjsPath, '-c', TRACED_CHILD, String(pause)]);
    const [stdout, stderr] = await child.communicate_utf8_async(null, null);
    assert(child.get_successful(), `the child failed:\n${stderr}`);
    const [mode, ...lines] = stdout.split('\n');
    assertEqual(mode, 'Gjs_Write');
    return [mode, lines.filter(line => line !== ''), stderr];
}

test('debug lines name the primitive, the mode written in JavaScript and the event', async () => {
    const [mode, lines, stderr] = await runTracedChild(0, {G_MESSAGES_DEBUG: 'Fifo'});
    assert(!stderr.includes('WARNING'), stderr);
    const line = /^\([^:()]+:\d+\): Fifo-DEBUG: [\d:.]+: (Fifo\w+ “\w+”): ([\w-]+)(?: (\S+))? \(([^)]*)\)(.*)$/;
    const lock = 'FifoLock “cache”', db = 'FifoMutex “db”';
    const expected = [
        [lock, 'grant', mode, "caller's context", 'by try_acquire'],
        [lock, 'request', mode, 'context', ''],
        [lock, 'release', mode, "caller's context", 'held'],
        [lock, 'grant', mode, 'context', 'waited'],
        [lock, 'release', mode, "caller's context", 'held'],
        [db, 'grant', 'try_acquire', "caller's context", 'without waiting'],
        [db, 'request', 'acquire', 'context', ''],
        [db, 'cancel', 'acquire', 'context', 'waited'],
        [db, 'release', undefined, "caller's context", 'held'],
    ];
    assertEqual(lines.length, expected.length);
    lines.forEach((text, i) => {
        const m = line.exec(text);
        assert(m, `not a debug line: ${text}`);
        const [, object, event, lineMode, context, rest] = m;
        const [eObject, eEvent, eMode, where, says] = expected[i];
        assert(object === eObject && event === eEvent && lineMode === eMode,
            `line ${i}: ${text}, expected ${expected[i].slice(0, 3)}`);
        assert(context.startsWith(`${where} 0x`) && context.endsWith(', the default'), text);
        assert(rest.includes(says), text);
    });
});

test('slow warnings name the primitive, the mode written in JavaScript and the event', async () => {
    const [mode, lines, stderr] = await runTracedChild(100000, {FIFO_DEBUG: 'slow=20'});
    assertEqual(lines, []);
    const warnings = stderr.split('\n')
        .map(text => /^\([^:()]+:\d+\): Fifo-WARNING \*\*: [\d:.]+: (.*)$/.exec(text))
        .filter(m => m).map(m => m[1]);
    // Each wait and hold of TRACED_CHILD that lasts 100 ms, once: while it
    // goes on (the watch) or when it ends (the lock's second hold is short:
    // nothing says it cannot be slow).
    const ms = String.raw`\d+\.\d{3} ms`, slow = ', longer than FIFO_DEBUG=slow=20';
    const held = String.raw`(?: lasted ${ms} until its release| \([^)]*\) has lasted ${ms} and goes on)`;
    const waited = outcome => String.raw`(?:waited ${ms} before it was ${outcome}|has waited ${ms} and still waits)`;
    for (const pattern of [
        String.raw`FifoLock “cache”: a hold of ${mode}${held}${slow}`,
        String.raw`FifoLock “cache”: a request \(${mode}, context 0x\w+, the default\) ${waited('granted')}${slow}`,
        String.raw`FifoMutex “db”: a request \(acquire, context 0x\w+, the default\) ${waited('cancelled')}${slow}`,
        String.raw`FifoMutex “db”: a hold${held}${slow}`,
    ]) {
        const re = new RegExp(`^${pattern}$`);
        const matches = warnings.filter(w => re.test(w)).length;
        // The lock's second hold matches too if a stall makes it slow.
        const allowed = pattern.includes('hold of') ? [1, 2] : [1];
        assert(allowed.includes(matches), `${pattern}: ${matches} matches in ${stderr}`);
    }
});

// ---- run them ---------------------------------------------------------------

const loop = new GLib.MainLoop(null, false);
let failures = 0;
(async () => {
    print(`1..${tests.length}`);
    for (const [i, [name, fn]] of tests.entries()) {
        try {
            await fn();
            print(`ok ${i + 1} ${name}`);
        } catch (e) {
            failures++;
            print(`not ok ${i + 1} ${name}`);
            for (const line of `${e}\n${e.stack ?? ''}`.split('\n'))
                print(`# ${line}`);
        }
    }
    loop.quit();
})();
loop.run();
imports.system.exit(failures ? 1 : 0);
