/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Readers and writers on one Fifo.Lock, granted strictly in the order they
 * asked: a waiting writer holds back the readers that came after it. */

Fifo.Lock fifo_lock;
int64 start;

void say (string name, string what) {
    print ("[+%6.3f s] %-9s %s\n", (get_monotonic_time () - start) / 1e6, name, what);
}

async void wait_ms (uint ms) {
    Timeout.add (ms, wait_ms.callback);
    yield;
}

async void client (string name, Fifo.LockMode mode, uint arrive_ms, uint hold_ms) throws Error {
    yield wait_ms (arrive_ms);
    say (name, "asks for the lock");
    yield fifo_lock.acquire_async (mode, null);
    say (name, "is granted the lock");
    yield wait_ms (hold_ms);
    say (name, "releases");
    fifo_lock.release (mode);
}

int main () {
    var read = new Fifo.SharedMode ();
    var write = new Fifo.ExclusiveMode ();
    var loop = new MainLoop ();
    int running = 6;

    fifo_lock = new Fifo.Lock ();
    start = get_monotonic_time ();
    print ("fifolock-glib from Vala: readers share, writers are exclusive, and nobody overtakes an earlier request.\n\n");

    AsyncReadyCallback done = (obj, res) => {
        try {
            client.end (res);
        } catch (Error e) {
            printerr ("%s\n", e.message);
        }
        if (--running == 0)
            loop.quit ();
    };
    client.begin ("reader 1", read, 0, 300, done);
    client.begin ("reader 2", read, 50, 300, done);
    client.begin ("writer 3", write, 100, 200, done);  /* waits for readers 1 and 2 */
    client.begin ("reader 4", read, 150, 100, done);   /* compatible with 1 and 2, but after 3 */
    client.begin ("reader 5", read, 200, 100, done);
    client.begin ("writer 6", write, 250, 100, done);

    loop.run ();
    return 0;
}
