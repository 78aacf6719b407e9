/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* FifoQueue beyond the port of CPython's test_queues.py
 * (test-asyncio-queues.c): the count of unfinished items. Each case runs
 * on a queue of pointers, /queue/<case>, and on a queue of GValues,
 * /queue/values/<case>. */
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
    { "n-unfinished", test_n_unfinished },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint values = 0; values < 2; values++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *path = g_strdup_printf ("/queue/%s%s", values ? "values/" : "", cases[i].path);

        g_test_add_data_func (path, GINT_TO_POINTER (values), cases[i].func);
      }

  return g_test_run ();
}
