/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fifolock-glib from Vala, with async/yield on every primitive, written
 * only against the generated fifolock-1.0.vapi. Reports in TAP. */

/* A mode of its own: at most two holders of this type at once. */
class AtMostTwo : Object, Fifo.LockMode {
    public bool is_compatible (Fifo.LockHolds holds) {
        return holds.get (typeof (AtMostTwo)) < 2;
    }
}

int n_tests = 0;
int n_failed = 0;

void check (bool condition, string what) {
    n_tests++;
    if (condition) {
        print ("ok %d %s\n", n_tests, what);
    } else {
        n_failed++;
        print ("not ok %d %s\n", n_tests, what);
    }
}

async void idle () {
    Idle.add (idle.callback, Priority.LOW);
    yield;
}

async void test_lock () throws Error {
    var fifo_lock = new Fifo.Lock ();
    var mode = new AtMostTwo ();
    var order = "";

    for (int i = 1; i <= 3; i++) {
        int id = i;
        fifo_lock.acquire_async.begin (mode, null, (obj, res) => {
            try {
                fifo_lock.acquire_async.end (res);
                order += "%d ".printf (id);
            } catch (Error e) {
                order += "%d ".printf (-id);
            }
        });
    }
    check (order == "", "lock: never synchronous");
    yield idle ();
    check (order == "1 2 ", "lock: a mode of its own, two at a time");
    check (fifo_lock.n_waiting == 1, "lock: one waits");
    fifo_lock.release (mode);
    yield idle ();
    check (order == "1 2 3 ", "lock: the third follows in order");
    fifo_lock.release (mode);
    fifo_lock.release (mode);
    check (fifo_lock.try_acquire (Fifo.ExclusiveMode.new ()), "lock: free at the end");
}

async void test_mutex () throws Error {
    var mutex = new Fifo.Mutex ();
    yield mutex.acquire_async (null);
    check (mutex.locked, "mutex: acquired with yield");
    var cancellable = new Cancellable ();
    bool cancelled = false;
    mutex.acquire_async.begin (cancellable, (obj, res) => {
        try {
            mutex.acquire_async.end (res);
        } catch (IOError.CANCELLED e) {
            cancelled = true;
        } catch (Error e) {
        }
    });
    yield idle ();
    cancellable.cancel ();
    yield idle ();
    check (cancelled && mutex.n_waiting == 0, "mutex: a queued acquire cancelled");
    mutex.release ();
    check (!mutex.locked, "mutex: released");
}

async void test_semaphore () throws Error {
    var sem = new Fifo.Semaphore (2);
    yield sem.acquire_async (null);
    yield sem.acquire_async (null);
    check (sem.value == 0 && !sem.try_acquire (), "semaphore: two permits taken");
    sem.release ();
    sem.release ();
    check (sem.value == 2, "semaphore: returned");
}

async void test_event () throws Error {
    var event = new Fifo.Event ();
    bool woken = false;
    event.wait_async.begin (null, (obj, res) => {
        try {
            woken = event.wait_async.end (res);
        } catch (Error e) {
        }
    });
    yield idle ();
    check (!woken, "event: waits");
    event.set ();
    yield idle ();
    check (woken && event.is_set, "event: woken by set");
}

async void test_condition () throws Error {
    var cond = new Fifo.Condition (null);
    int items = 0;
    bool consumed = false;
    yield cond.mutex.acquire_async (null);
    cond.wait_for_async.begin (() => items > 0, null, (obj, res) => {
        try {
            consumed = cond.wait_for_async.end (res) && cond.mutex.locked;
            cond.mutex.release ();
        } catch (Error e) {
        }
    });
    yield idle ();
    check (cond.n_waiting == 1 && !cond.mutex.locked, "condition: waits, mutex released");
    yield cond.mutex.acquire_async (null);
    items = 1;
    cond.notify_all ();
    cond.mutex.release ();
    yield idle ();
    check (consumed, "condition: wait_for completes holding the mutex");
}

async void test_barrier () throws Error {
    var barrier = new Fifo.Barrier (2);
    int first = -1;
    barrier.wait_async.begin (null, (obj, res) => {
        try {
            first = barrier.wait_async.end (res);
        } catch (Error e) {
        }
    });
    int second = yield barrier.wait_async (null);
    yield idle ();
    check (first == 0 && second == 1, "barrier: arrival indices");
    barrier.abort ();
    try {
        yield barrier.wait_async (null);
        check (false, "barrier: broken");
    } catch (Fifo.Error.BROKEN_BARRIER e) {
        check (barrier.broken, "barrier: broken");
    }
}

async void run () {
    try {
        yield test_lock ();
        yield test_mutex ();
        yield test_semaphore ();
        yield test_event ();
        yield test_condition ();
        yield test_barrier ();
    } catch (Error e) {
        check (false, "unexpected error: " + e.message);
    }
}

int main () {
    var loop = new MainLoop ();
    run.begin ((obj, res) => {
        run.end (res);
        loop.quit ();
    });
    loop.run ();
    print ("1..%d\n", n_tests);
    return n_failed > 0 ? 1 : 0;
}
