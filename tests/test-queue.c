/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* FifoQueue beyond the port of CPython's test_queues.py
 * (test-asyncio-queues.c): giving back an item a consumer got and cannot
 * handle (what a Python task cancelled after its get completed does), and
 * the count of unfinished items. Each case runs on a queue of pointers,
 * /queue/<case>, and on a queue of GValues, /queue/values/<case>. */
#include <fifolock-glib/fifolock.h>

#include "fifo-test-util.h"

static guint n_freed;

static void
count_free (gpointer item)
{
  n_freed++;
}

#define VALUES(data) GPOINTER_TO_INT (data)

static FifoQueue *
queue_new (gboolean values,
           guint    max_size)
{
  n_freed = 0;
  return values ? fifo_queue_new_for_values (max_size) : fifo_queue_new (max_size, count_free);
}

/* Items are small ints (never 0: a get that fails leaves 0). */
static gboolean
try_put (FifoQueue *q,
         gint       n)
{
  g_auto(GValue) value = G_VALUE_INIT;

  if (!fifo_queue_holds_values (q))
    return fifo_queue_try_put (q, GINT_TO_POINTER (n));
  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, n);
  return fifo_queue_try_put_value (q, &value);
}

/* 0 if there is none. */
static gint
try_get (FifoQueue *q)
{
  gpointer item = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  if (!fifo_queue_holds_values (q))
    return fifo_queue_try_get (q, &item) ? GPOINTER_TO_INT (item) : 0;
  return fifo_queue_try_get_value (q, &value) ? g_value_get_int (&value) : 0;
}

static void
give_back (FifoQueue *q,
           gint       n)
{
  g_auto(GValue) value = G_VALUE_INIT;

  if (!fifo_queue_holds_values (q))
    {
      fifo_queue_give_back (q, GINT_TO_POINTER (n));
      return;
    }
  g_value_init (&value, G_TYPE_INT);
  g_value_set_int (&value, n);
  fifo_queue_give_back_value (q, &value);
}

typedef struct
{
  gboolean  done;
  gint      item;
  GError   *error;
} Got;

static void
got_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  FifoQueue *q = FIFO_QUEUE (source);
  Got *got = user_data;

  g_assert_false (got->done);
  got->done = TRUE;
  if (!fifo_queue_holds_values (q))
    {
      got->item = GPOINTER_TO_INT (fifo_queue_get_finish (q, result, &got->error));
    }
  else
    {
      g_auto(GValue) value = G_VALUE_INIT;

      if (fifo_queue_get_value_finish_into (q, result, &value, &got->error))
        got->item = g_value_get_int (&value);
    }
}

static void
joined_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *joined = user_data;

  g_assert_true (fifo_queue_join_finish (FIFO_QUEUE (source), result, NULL));
  *joined = TRUE;
}

/* Given back, an item is the next one got, ahead of the rest; it still
 * counts as not done. */
static void
test_give_back_front (gconstpointer data)
{
  g_autoptr(FifoQueue) q = queue_new (VALUES (data), 0);
  gboolean joined = FALSE;

  for (gint n = 1; n <= 3; n++)
    g_assert_true (try_put (q, n));
  g_assert_cmpint (try_get (q), ==, 1);
  g_assert_cmpint (try_get (q), ==, 2);
  g_assert_cmpuint (fifo_queue_get_n_unfinished (q), ==, 3);

  give_back (q, 1);
  give_back (q, 2);   /* behind 1, given back before it; ahead of 3 */
  g_assert_cmpuint (fifo_queue_get_n_items (q), ==, 3);
  g_assert_cmpuint (fifo_queue_get_n_unfinished (q), ==, 3);
  g_assert_cmpint (try_get (q), ==, 1);
  g_assert_cmpint (try_get (q), ==, 2);
  give_back (q, 2);   /* and again, alone in front */
  g_assert_cmpint (try_get (q), ==, 2);
  g_assert_cmpint (try_get (q), ==, 3);
  g_assert_cmpint (try_get (q), ==, 0);

  /* Three put, three done: the items given back were not counted again. */
  fifo_queue_join_async (q, NULL, joined_cb, &joined);
  for (guint i = 0; i < 3; i++)
    {
      fifo_test_drain ();
      g_assert_false (joined);
      fifo_queue_task_done (q);
    }
  fifo_test_wait_for (&joined);
  g_assert_cmpuint (fifo_queue_get_n_unfinished (q), ==, 0);
  g_assert_cmpuint (n_freed, ==, 0);
}

/* A get waits: the item given back goes to it, through the main loop. */
static void
test_give_back_to_waiting_get (gconstpointer data)
{
  g_autoptr(FifoQueue) q = queue_new (VALUES (data), 0);
  Got first = { 0, }, second = { 0, };

  g_assert_true (try_put (q, 1));
  g_assert_cmpint (try_get (q), ==, 1);
  fifo_queue_get_async (q, NULL, got_cb, &first);
  fifo_queue_get_async (q, NULL, got_cb, &second);
  fifo_test_drain ();
  g_assert_cmpuint (fifo_queue_get_n_waiting (q), ==, 2);

  give_back (q, 1);
  g_assert_false (first.done);   /* never synchronous */
  g_assert_cmpuint (fifo_queue_get_n_waiting (q), ==, 1);
  g_assert_cmpuint (fifo_queue_get_n_items (q), ==, 0);
  fifo_test_wait_for (&first.done);
  g_assert_no_error (first.error);
  g_assert_cmpint (first.item, ==, 1);
  g_assert_false (second.done);

  g_assert_true (try_put (q, 2));
  fifo_test_wait_for (&second.done);
  g_assert_cmpint (second.item, ==, 2);
}

/* An item handed to a get whose callback has not run: if that get is
 * cancelled, its item comes back behind the one given back, which was
 * handed out before it. */
static void
test_give_back_before_handed (gconstpointer data)
{
  g_autoptr(FifoQueue) q = queue_new (VALUES (data), 0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Got cancelled = { 0, };

  g_autoptr(GCancellable) first = g_cancellable_new ();
  Got first_cancelled = { 0, };

  /* Cancelled after the item was given back. */
  g_assert_true (try_put (q, 1));
  g_assert_cmpint (try_get (q), ==, 1);
  fifo_queue_get_async (q, cancellable, got_cb, &cancelled);
  g_assert_true (try_put (q, 2));   /* handed to it, at once */
  g_assert_true (try_put (q, 3));
  give_back (q, 1);
  g_cancellable_cancel (cancellable);
  fifo_test_wait_for (&cancelled.done);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&cancelled.error);
  g_assert_cmpint (try_get (q), ==, 1);
  g_assert_cmpint (try_get (q), ==, 2);
  g_assert_cmpint (try_get (q), ==, 3);

  /* Cancelled before: its item is back first, the one given back goes
   * ahead of it all the same. */
  g_assert_true (try_put (q, 4));
  g_assert_cmpint (try_get (q), ==, 4);
  fifo_queue_get_async (q, first, got_cb, &first_cancelled);
  g_assert_true (try_put (q, 5));
  g_cancellable_cancel (first);
  give_back (q, 4);
  fifo_test_wait_for (&first_cancelled.done);
  g_clear_error (&first_cancelled.error);
  g_assert_cmpint (try_get (q), ==, 4);
  g_assert_cmpint (try_get (q), ==, 5);
}

/* A full queue takes it back all the same, as it takes back the item of a
 * cancelled get: it then holds more than max-size. */
static void
test_give_back_full (gconstpointer data)
{
  g_autoptr(FifoQueue) q = queue_new (VALUES (data), 1);

  g_assert_true (try_put (q, 1));
  g_assert_cmpint (try_get (q), ==, 1);
  g_assert_true (try_put (q, 2));
  give_back (q, 1);
  g_assert_cmpuint (fifo_queue_get_n_items (q), ==, 2);
  g_assert_false (try_put (q, 3));
  g_assert_cmpint (try_get (q), ==, 1);
  g_assert_false (try_put (q, 3));   /* still full: 2 is there */
  g_assert_cmpint (try_get (q), ==, 2);
  g_assert_true (try_put (q, 3));
}

/* Shut down: what is given back is drained like the rest; shut down with
 * immediate, it is dropped (freed once) and marked done, like the rest. */
static void
test_give_back_shut_down (gconstpointer data)
{
  g_autoptr(FifoQueue) q = queue_new (VALUES (data), 0);
  g_autoptr(FifoQueue) dropping = queue_new (VALUES (data), 0);
  Got after = { 0, };
  gboolean joined = FALSE;

  g_assert_true (try_put (q, 1));
  g_assert_true (try_put (q, 2));
  g_assert_cmpint (try_get (q), ==, 1);
  fifo_queue_shutdown (q, FALSE);
  give_back (q, 1);
  g_assert_cmpint (try_get (q), ==, 1);
  g_assert_cmpint (try_get (q), ==, 2);
  fifo_queue_get_async (q, NULL, got_cb, &after);
  fifo_test_wait_for (&after.done);
  g_assert_error (after.error, FIFO_ERROR, FIFO_ERROR_QUEUE_SHUT_DOWN);
  g_clear_error (&after.error);

  g_assert_true (try_put (dropping, 1));
  g_assert_true (try_put (dropping, 2));
  g_assert_cmpint (try_get (dropping), ==, 1);
  fifo_queue_join_async (dropping, NULL, joined_cb, &joined);
  fifo_queue_shutdown (dropping, TRUE);   /* drops 2 */
  g_assert_cmpuint (n_freed, ==, VALUES (data) ? 0 : 1);
  fifo_test_drain ();
  g_assert_false (joined);                /* 1 is still out */
  give_back (dropping, 1);
  g_assert_cmpuint (fifo_queue_get_n_items (dropping), ==, 0);
  g_assert_cmpuint (fifo_queue_get_n_unfinished (dropping), ==, 0);
  fifo_test_wait_for (&joined);
  g_assert_cmpuint (n_freed, ==, VALUES (data) ? 0 : 2);
}

/* Nothing got and not marked done: a programmer error, which takes
 * nothing (the item stays the caller's) and changes nothing. */
static void
test_give_back_nothing_out (gconstpointer data)
{
  g_autoptr(FifoQueue) q = queue_new (VALUES (data), 0);

  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*has no item got and not marked done*");
  give_back (q, 1);
  g_test_assert_expected_messages ();

  g_assert_true (try_put (q, 2));
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*has no item got and not marked done*");
  give_back (q, 1);   /* 2 is in the queue, not out */
  g_test_assert_expected_messages ();
  g_assert_cmpuint (fifo_queue_get_n_items (q), ==, 1);

  g_assert_cmpint (try_get (q), ==, 2);
  fifo_queue_task_done (q);
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*has no item got and not marked done*");
  give_back (q, 2);   /* got, but marked done */
  g_test_assert_expected_messages ();
  g_assert_cmpuint (fifo_queue_get_n_items (q), ==, 0);
  g_assert_cmpuint (n_freed, ==, 0);
}

/* A value given back is a copy; the caller keeps its own. */
static void
test_give_back_copies (void)
{
  g_autoptr(FifoQueue) q = fifo_queue_new_for_values (0);
  g_autoptr(GObject) object = g_object_new (G_TYPE_OBJECT, NULL);
  g_auto(GValue) value = G_VALUE_INIT;
  g_auto(GValue) got = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_OBJECT);
  g_value_set_object (&value, object);
  g_assert_true (fifo_queue_try_put_value (q, &value));
  g_assert_true (fifo_queue_try_get_value (q, &got));
  fifo_queue_give_back_value (q, &got);
  g_value_unset (&got);
  g_assert_cmpuint (G_OBJECT (object)->ref_count, ==, 3);   /* ours, value's, the queue's */
  g_assert_true (fifo_queue_try_get_value (q, &got));
  g_assert_true (g_value_get_object (&got) == object);
  g_value_unset (&got);
  g_assert_cmpuint (G_OBJECT (object)->ref_count, ==, 2);
}

/* The property counts items put and not marked done, and is notified. */
static void
notified_cb (GObject    *object,
             GParamSpec *pspec,
             gpointer    user_data)
{
  guint *n = user_data;

  (*n)++;
}

static void
test_n_unfinished (gconstpointer data)
{
  g_autoptr(FifoQueue) q = queue_new (VALUES (data), 1);
  guint n_notified = 0;
  guint n;

  g_signal_connect (q, "notify::n-unfinished", G_CALLBACK (notified_cb), &n_notified);
  g_assert_cmpuint (fifo_queue_get_n_unfinished (q), ==, 0);
  g_assert_true (try_put (q, 1));
  g_assert_false (try_put (q, 2));   /* full: not counted */
  g_assert_cmpuint (fifo_queue_get_n_unfinished (q), ==, 1);
  g_object_get (q, "n-unfinished", &n, NULL);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (n_notified, ==, 1);
  g_assert_cmpint (try_get (q), ==, 1);
  g_assert_cmpuint (fifo_queue_get_n_unfinished (q), ==, 1);   /* got, not done */
  fifo_queue_task_done (q);
  g_assert_cmpuint (fifo_queue_get_n_unfinished (q), ==, 0);
  g_assert_cmpuint (n_notified, ==, 2);

  g_assert_true (try_put (q, 3));
  fifo_queue_shutdown (q, TRUE);     /* dropped: marked done */
  g_assert_cmpuint (fifo_queue_get_n_unfinished (q), ==, 0);
  g_assert_cmpuint (n_notified, ==, 4);
}

int
main (int    argc,
      char **argv)
{
  static const struct
  {
    const char    *path;
    GTestDataFunc  func;
  } cases[] = {
    { "give-back/front", test_give_back_front },
    { "give-back/to-waiting-get", test_give_back_to_waiting_get },
    { "give-back/before-handed", test_give_back_before_handed },
    { "give-back/full", test_give_back_full },
    { "give-back/shut-down", test_give_back_shut_down },
    { "give-back/nothing-out", test_give_back_nothing_out },
    { "n-unfinished", test_n_unfinished },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint values = 0; values < 2; values++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *path = g_strdup_printf ("/queue/%s%s", values ? "values/" : "", cases[i].path);

        g_test_add_data_func (path, GINT_TO_POINTER (values), cases[i].func);
      }
  g_test_add_func ("/queue/values/give-back/copies", test_give_back_copies);

  return g_test_run ();
}
