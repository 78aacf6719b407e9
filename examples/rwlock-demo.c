/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Readers and writers on one FifoLock, granted strictly in the order they
 * asked: a waiting writer holds back the readers that came after it. */
#include <fifolock-glib/fifolock.h>

typedef struct
{
  const char   *name;
  FifoLockMode *mode;
  guint         arrive_ms;  /* when it asks for the lock */
  guint         hold_ms;    /* how long it holds it */
} Client;

static FifoLock *lock;
static GMainLoop *loop;
static gint64 start_time;
static guint n_running;

static void
say (const Client *client,
     const char   *what)
{
  g_print ("[+%6.3f s] %-9s %s\n",
           (g_get_monotonic_time () - start_time) / (double) G_USEC_PER_SEC,
           client->name, what);
}

static gboolean
release_cb (gpointer data)
{
  Client *client = data;

  say (client, "releases");
  fifo_lock_release (lock, client->mode);
  if (--n_running == 0)
    g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
acquired_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Client *client = data;
  g_autoptr(GError) error = NULL;

  if (!fifo_lock_acquire_finish (FIFO_LOCK (source), result, &error))
    {
      say (client, error->message);
      n_running--;
      return;
    }

  say (client, "is granted the lock");
  g_timeout_add (client->hold_ms, release_cb, client);
}

static gboolean
arrive_cb (gpointer data)
{
  Client *client = data;

  say (client, "asks for the lock");
  fifo_lock_acquire_async (lock, client->mode, NULL, acquired_cb, client);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(FifoLockMode) read = fifo_shared_mode_new ();
  g_autoptr(FifoLockMode) write = fifo_exclusive_mode_new ();
  Client clients[] = {
    { "reader 1", read,    0, 300 },
    { "reader 2", read,   50, 300 },
    { "writer 3", write, 100, 200 },  /* waits for readers 1 and 2 */
    { "reader 4", read,  150, 100 },  /* compatible with 1 and 2, but after 3 */
    { "reader 5", read,  200, 100 },
    { "writer 6", write, 250, 100 },
  };

  lock = fifo_lock_new ();
  loop = g_main_loop_new (NULL, FALSE);
  start_time = g_get_monotonic_time ();

  g_print ("fifolock-glib %s: readers share, writers are exclusive, "
           "and nobody overtakes an earlier request.\n\n", FIFO_VERSION_S);

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      n_running++;
      g_timeout_add (clients[i].arrive_ms, arrive_cb, &clients[i]);
    }

  g_main_loop_run (loop);

  g_clear_object (&lock);
  g_main_loop_unref (loop);
  return 0;
}
