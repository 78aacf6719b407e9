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
    check (fifo_lock.try_acquire (new Fifo.ExclusiveMode ()), "lock: free at the end");
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

/* What the vapi gives Vala beyond the GIR: constructors for the built-in
 * modes, async methods whose cancellable may be left out, and GObject's
 * notify signal on a condition, whose asyncio notify (n) is notify_waiters. */
async void test_vapi () throws Error {
    var fifo_lock = new Fifo.Lock ();
    var shared = new Fifo.SharedMode ();
    var exclusive = new Fifo.ExclusiveMode ();
    var two = new Fifo.SemaphoreMode (2);
    check (fifo_lock.try_acquire (shared) && !fifo_lock.try_acquire (exclusive),
           "vapi: new Fifo.SharedMode (), new Fifo.ExclusiveMode ()");
    fifo_lock.release (shared);
    check (two.size == 2 && fifo_lock.try_acquire (two) && fifo_lock.try_acquire (two) &&
           !fifo_lock.try_acquire (two), "vapi: new Fifo.SemaphoreMode (2)");
    fifo_lock.release (two);
    fifo_lock.release (two);

    yield fifo_lock.acquire_async (exclusive);
    check (!fifo_lock.try_acquire (shared), "vapi: yield lock.acquire_async (mode), no cancellable");
    fifo_lock.release (exclusive);

    var cond = new Fifo.Condition (null);
    int notified = 0;
    int n_waiting_notified = 0;
    uint n_waiting_seen = 0;
    cond.notify.connect ((obj, pspec) => { notified++; });
    cond.notify["n-waiting"].connect (() => { n_waiting_notified++; n_waiting_seen = cond.n_waiting; });
    int woken = 0;
    for (int i = 0; i < 2; i++) {
        yield cond.mutex.acquire_async ();
        cond.wait_async.begin (null, (obj, res) => {
            try {
                if (cond.wait_async.end (res) && cond.mutex.locked)
                    woken++;
            } catch (Error e) {
            }
            cond.mutex.release ();
        });
    }
    yield cond.mutex.acquire_async ();
    yield idle ();
    // Both waits may come in one batch of callbacks: heard of once, at 2.
    check (cond.n_waiting == 2 && n_waiting_notified >= 1 && n_waiting_seen == 2 &&
           notified == n_waiting_notified,
           "vapi: cond.notify.connect and cond.notify[\"n-waiting\"] see the waiters come");
    cond.notify_waiters ();
    cond.mutex.release ();
    yield idle ();
    yield idle ();
    check (woken == 1 && cond.n_waiting == 1, "vapi: notify_waiters () wakes one");
    yield cond.mutex.acquire_async ();
    int before = n_waiting_notified;
    cond.notify_waiters (1);
    cond.mutex.release ();
    yield idle ();
    yield idle ();
    check (woken == 2 && cond.n_waiting == 0 && n_waiting_notified > before,
           "vapi: notify_waiters (1) wakes the next, and n-waiting is notified");
}

async void test_queue () throws Error {
    var queue = new Fifo.Queue.for_values (2);
    var got = "";

    /* A getter waits, and the first put goes straight to it. */
    queue.get_async.begin (null, (obj, res) => {
        try {
            var item = queue.get_async.end (res);
            got += item.get_string ();
        } catch (Error e) {
            got += "!";
        }
    });
    yield idle ();
    check (queue.n_waiting == 1 && got == "", "queue: a get waits for an item");
    yield queue.put_async ("one");
    yield idle ();
    check (got == "one", "queue: the item goes to the waiting get");

    check (queue.try_put (2) && queue.try_put (3.5), "queue: values of any type go in");
    check (!queue.try_put ("full"), "queue: try_put refuses when full");
    Value item;
    check (queue.try_get (out item) && item.get_int () == 2, "queue: oldest first");
    var next = yield queue.get_async ();
    check (next.get_double () == 3.5 && queue.n_items == 0, "queue: then the next");

    queue.shutdown (false);
    try {
        yield queue.get_async ();
        check (false, "queue: a get of a shut-down, empty queue fails");
    } catch (Error e) {
        check (e is Fifo.Error.QUEUE_SHUT_DOWN, "queue: a get of a shut-down, empty queue fails");
    }
}

void test_names () {
    var mutex = new Fifo.Mutex ();
    check (mutex.name == null, "name: none by default");
    var notified = 0;
    mutex.notify["name"].connect (() => notified++);
    mutex.name = "db";
    check (mutex.get_name () == "db" && notified == 1, "name: set as a property, notified");
    mutex.set_name ("db");
    check (notified == 1, "name: not notified when it does not change");
    mutex.name = null;
    check (mutex.name == null && notified == 2, "name: unset again");
    var lock = new Fifo.Lock () { name = "cache" };
    check (lock.name == "cache", "name: at construction");
}

async void run () {
    try {
        yield test_lock ();
        yield test_mutex ();
        yield test_semaphore ();
        yield test_event ();
        yield test_condition ();
        yield test_barrier ();
        yield test_queue ();
        yield test_vapi ();
        test_names ();
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
