/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * User code around the library: GCancellable::cancelled handlers of the
 * application's own that call back into primitives, iterate or destroy
 * main contexts; chained cancellables; two threads cancelling at once;
 * finalizers that iterate; contexts pushed by their owner while another
 * thread completes requests due in them; counts at the top of their range;
 * sources of every priority during a long hand-off chain.
 *
 * Each of these once hung, misdelivered, leaked or starved (issue 12). A
 * hang is caught by the watchdog, which prints every thread's stack.
 */
#include <fifolock-glib/fifolock.h>

#include "fifo-test-util.h"
#include "fifo-watchdog.h"

/* ---- Helpers -------------------------------------------------------------- */

typedef struct
{
  gboolean      done;
  gboolean      ok;
  GMainContext *delivered_in;   /* the thread-default when the callback ran */
  gboolean      owner;          /* the callback's context was owned by its thread */
  GMainContext *expected;
} Outcome;

static void
mutex_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Outcome *outcome = data;
  g_autoptr(GError) error = NULL;

  g_assert_false (outcome->done);
  outcome->done = TRUE;
  outcome->ok = fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, &error);
  if (!outcome->ok)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (outcome->expected != NULL)
    outcome->owner = g_main_context_is_owner (outcome->expected);
}

static void
never_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  g_error ("a callback due in a destroyed context ran");
}

/* A context nobody holds any more: its requests are passed over. */
static GMainContext *
context_new_with_request (FifoMutex    *mutex,
                          GCancellable *cancellable)
{
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  fifo_mutex_acquire_async (mutex, cancellable, never_cb, NULL);
  g_main_context_pop_thread_default (context);
  return context;
}

static void
iterate_until_idle (GMainContext *context)
{
  g_main_context_push_thread_default (context);
  fifo_test_drain ();
  g_main_context_pop_thread_default (context);
}

/* ---- 1. Inside a cancellable's emission, through user code ----------------- */

/* A cancelled handler of the application's own releases the mutex; the next
 * waiter is a request on the same cancellable whose context is gone. */
static void
release_on_cancel (GCancellable *cancellable,
                   gpointer      data)
{
  fifo_mutex_release (FIFO_MUTEX (data));
}

static void
test_handler_releases_to_dead_context (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GMainContext *dead;

  fifo_watchdog_start (G_STRFUNC, 20);
  /* Connected before any request: it runs before the library's handler. */
  g_signal_connect (cancellable, "cancelled", G_CALLBACK (release_on_cancel), mutex);

  g_assert_true (fifo_mutex_try_acquire (mutex));
  dead = context_new_with_request (mutex, cancellable);
  g_main_context_unref (dead);
  g_assert_cmpuint (fifo_mutex_get_n_waiting (mutex), ==, 1);

  /* The release grants to the dead request, which is passed over. */
  g_cancellable_cancel (cancellable);
  g_assert_false (fifo_mutex_get_locked (mutex));
  g_assert_cmpuint (fifo_mutex_get_n_waiting (mutex), ==, 0);
  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_mutex_release (mutex);
  fifo_watchdog_stop ();
}

/* Chained: a handler on the parent cancels the child. W1 on the child is
 * granted but not delivered; W2 on the parent waits behind it in a dead
 * context. */
static void
cancel_child (GCancellable *parent,
              gpointer      child)
{
  g_cancellable_cancel (child);
}

static void
test_chained_cancellables (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(GCancellable) parent = g_cancellable_new ();
  g_autoptr(GCancellable) child = g_cancellable_new ();
  g_autoptr(GMainContext) live = g_main_context_new ();
  Outcome w1 = { 0, };
  GMainContext *dead;

  fifo_watchdog_start (G_STRFUNC, 20);
  g_signal_connect (parent, "cancelled", G_CALLBACK (cancel_child), child);

  g_main_context_push_thread_default (live);
  fifo_mutex_acquire_async (mutex, child, mutex_done_cb, &w1);  /* granted */
  g_main_context_pop_thread_default (live);
  dead = context_new_with_request (mutex, parent);                 /* W2, queued */
  g_main_context_unref (dead);

  g_cancellable_cancel (parent);

  /* W1's grant was taken back and passed to W2, which gave it back. */
  g_assert_false (fifo_mutex_get_locked (mutex));
  iterate_until_idle (live);
  g_assert_true (w1.done);
  g_assert_false (w1.ok);
  fifo_watchdog_stop ();
}

/* A handler iterates the context of a request on its own cancellable,
 * delivering it from inside the emission. */
static void
iterate_on_cancel (GCancellable *cancellable,
                   gpointer      context)
{
  g_main_context_iteration (context, FALSE);
}

static void
test_handler_iterates_context (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  Outcome outcome = { 0, };

  fifo_watchdog_start (G_STRFUNC, 20);
  g_signal_connect (cancellable, "cancelled", G_CALLBACK (iterate_on_cancel), context);

  g_main_context_push_thread_default (context);
  fifo_mutex_acquire_async (mutex, cancellable, mutex_done_cb, &outcome);
  g_main_context_pop_thread_default (context);

  g_cancellable_cancel (cancellable);

  /* Delivered inside the emission, before the library's handler ran: the
   * grant stands and the caller holds the mutex. */
  g_assert_true (outcome.done);
  g_assert_true (outcome.ok);
  g_assert_true (fifo_mutex_get_locked (mutex));
  fifo_mutex_release (mutex);
  fifo_watchdog_stop ();
}

/* A handler drops the last reference to a worker thread's context, which
 * holds a granted request on the same cancellable. */
typedef struct
{
  FifoMutex    *mutex;
  GCancellable *cancellable;
} WorkerSetup;

static gpointer
make_context_in_thread (gpointer data)
{
  WorkerSetup *setup = data;

  return context_new_with_request (setup->mutex, setup->cancellable);
}

static void
unref_on_cancel (GCancellable *cancellable,
                 gpointer      data)
{
  GMainContext **context = data;

  g_main_context_unref (g_steal_pointer (context));
}

static void
test_handler_drops_context (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  WorkerSetup setup = { mutex, cancellable };
  GMainContext *context;

  fifo_watchdog_start (G_STRFUNC, 20);
  g_signal_connect (cancellable, "cancelled", G_CALLBACK (unref_on_cancel), &context);

  context = g_thread_join (g_thread_new ("worker", make_context_in_thread, &setup));
  g_assert_true (fifo_mutex_get_locked (mutex));  /* granted, not delivered */

  g_cancellable_cancel (cancellable);

  g_assert_null (context);
  g_assert_false (fifo_mutex_get_locked (mutex));
  fifo_watchdog_stop ();
}

/* The same request made from inside the emission of its own cancellable:
 * it is cancelled at once, and making it must not wait for the emission
 * (GLib ≥ 2.80 holds the cancellable's mutex while emitting). */
typedef struct
{
  FifoMutex *mutex;
  Outcome    outcome;
} Inner;

static void
request_on_cancel (GCancellable *cancellable,
                   gpointer      data)
{
  Inner *inner = data;

  fifo_mutex_acquire_async (inner->mutex, cancellable, mutex_done_cb, &inner->outcome);
}

static void
test_handler_requests_on_same_cancellable (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Inner inner = { mutex, { 0, } };

  fifo_watchdog_start (G_STRFUNC, 20);
  g_signal_connect (cancellable, "cancelled", G_CALLBACK (request_on_cancel), &inner);
  g_cancellable_cancel (cancellable);
  fifo_test_drain ();
  g_assert_true (inner.outcome.done);
  g_assert_false (inner.outcome.ok);
  g_assert_false (fifo_mutex_get_locked (mutex));
  fifo_watchdog_stop ();
}

/* ---- 2. Two threads cancelling at once ---------------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  gint         *go;
} Canceller;

static gpointer
cancel_when_told (gpointer data)
{
  Canceller *canceller = data;

  while (!g_atomic_int_get (canceller->go))
    ;  /* both threads start as close together as they can */
  g_cancellable_cancel (canceller->cancellable);
  return NULL;
}

static void
test_two_threads_cancel (void)
{
  guint rounds = fifo_test_scale (300);

  fifo_watchdog_start (G_STRFUNC, 30);
  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(FifoMutex) m1 = fifo_mutex_new ();
      g_autoptr(FifoMutex) m2 = fifo_mutex_new ();
      g_autoptr(GCancellable) c1 = g_cancellable_new ();
      g_autoptr(GCancellable) c2 = g_cancellable_new ();
      g_autoptr(GMainContext) live = g_main_context_new ();
      Outcome w1 = { 0, }, w3 = { 0, };
      gint go = FALSE;
      Canceller p = { c1, &go }, q = { c2, &go };
      GThread *tp, *tq;

      /* m1: W1 (c1) granted, pending in a live context; W2 (c2) behind it
       * in a dead one. m2 the mirror image. */
      g_main_context_push_thread_default (live);
      fifo_mutex_acquire_async (m1, c1, mutex_done_cb, &w1);
      fifo_mutex_acquire_async (m2, c2, mutex_done_cb, &w3);
      g_main_context_pop_thread_default (live);
      g_main_context_unref (context_new_with_request (m1, c2));
      g_main_context_unref (context_new_with_request (m2, c1));

      tp = g_thread_new ("P", cancel_when_told, &p);
      tq = g_thread_new ("Q", cancel_when_told, &q);
      g_atomic_int_set (&go, TRUE);
      g_thread_join (tp);
      g_thread_join (tq);

      g_assert_false (fifo_mutex_get_locked (m1));
      g_assert_false (fifo_mutex_get_locked (m2));
      iterate_until_idle (live);
      g_assert_true (w1.done && w3.done);
      g_assert_false (w1.ok || w3.ok);
      fifo_watchdog_kick ();
    }
  fifo_watchdog_stop ();
}

/* ---- 4. A context its owner pushes while another thread completes ------------ */

typedef struct
{
  FifoEvent *event;
  gint       stop;
} Toggler;

static gpointer
toggle_event (gpointer data)
{
  Toggler *toggler = data;

  while (!g_atomic_int_get (&toggler->stop))
    {
      fifo_event_set (toggler->event);
      fifo_event_clear (toggler->event);
    }
  return NULL;
}

typedef struct
{
  GMainContext *context;
  gboolean      done;
} Delivery;

static void
event_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Delivery *delivery = data;

  g_assert_true (fifo_event_wait_finish (FIFO_EVENT (source), result, NULL));
  /* Due in the context the request was made in, and iterated there. */
  g_assert_true (g_main_context_is_owner (delivery->context));
  delivery->done = TRUE;
}

static gpointer
push_wait_pop_iterate (gpointer data)
{
  FifoEvent *event = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  gint64 end = g_get_monotonic_time () + 2 * G_TIME_SPAN_SECOND;
  guint n = 0;

  /* The completion comes from the other thread: if it acquired our context
   * to decide on a wake-up, our push would fail (a fatal critical here). */
  while (g_get_monotonic_time () < end || n < 100)
    {
      Delivery delivery = { context, FALSE };

      g_main_context_push_thread_default (context);
      g_assert_true (g_main_context_get_thread_default () == context);
      fifo_event_wait_async (event, NULL, event_done_cb, &delivery);
      g_main_context_pop_thread_default (context);
      while (!delivery.done)
        g_main_context_iteration (context, TRUE);
      n++;
      fifo_watchdog_kick ();
    }
  return GUINT_TO_POINTER (n);
}

static void
test_foreign_context_not_acquired (void)
{
  g_autoptr(FifoEvent) event = fifo_event_new ();
  Toggler toggler = { event, FALSE };
  GThread *toggling[2], *waiting[3];

  /* More threads than cores: a toggler preempted between a completion and
   * its wake-up is what once made the owner's push fail. */
  fifo_watchdog_start (G_STRFUNC, 20);
  for (guint i = 0; i < G_N_ELEMENTS (toggling); i++)
    toggling[i] = g_thread_new ("toggler", toggle_event, &toggler);
  for (guint i = 0; i < G_N_ELEMENTS (waiting); i++)
    waiting[i] = g_thread_new ("waiter", push_wait_pop_iterate, event);
  for (guint i = 0; i < G_N_ELEMENTS (waiting); i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (waiting[i])), >=, 100);
  g_atomic_int_set (&toggler.stop, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (toggling); i++)
    g_thread_join (toggling[i]);
  fifo_watchdog_stop ();
}

/* ---- 5. Counts at the top of their range -------------------------------------- */

static void
semaphore_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Outcome *outcome = data;

  outcome->done = TRUE;
  outcome->ok = fifo_semaphore_acquire_finish (FIFO_SEMAPHORE (source), result, NULL);
}

static void
test_semaphore_at_maxuint (void)
{
  g_autoptr(FifoSemaphore) semaphore = fifo_semaphore_new (G_MAXUINT);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome outcome = { 0, };

  /* Releasing past what it can count is refused, and loses nothing. */
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*fifo_semaphore_release*G_MAXUINT*");
  fifo_semaphore_release (semaphore);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, G_MAXUINT);

  /* A grant taken back at the top of the range cannot be counted: it
   * stands, and the caller holds its permit. */
  fifo_semaphore_acquire_async (semaphore, cancellable, semaphore_done_cb, &outcome);
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, G_MAXUINT - 1);
  fifo_semaphore_release (semaphore);
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, G_MAXUINT);
  g_cancellable_cancel (cancellable);
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, G_MAXUINT);
  fifo_test_wait_for (&outcome.done);
  g_assert_true (outcome.ok);

  /* Every permit is still there. */
  g_assert_true (fifo_semaphore_try_acquire (semaphore));
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, G_MAXUINT - 1);
}

/* ---- 6. A finalizer that iterates the context ----------------------------------- */

typedef struct
{
  GMainContext *context;
  guint         n_nested;
} Nesting;

static void
nested_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Nesting *nesting = data;

  g_assert_true (fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, NULL));
  nesting->n_nested++;
  fifo_mutex_release (FIFO_MUTEX (source));
}

/* The primitive's last reference goes when the dispatcher recycles the
 * result; its weak reference runs a request of its own to completion. */
static void
iterate_on_finalize (gpointer  data,
                     GObject  *where_the_object_was)
{
  Nesting *nesting = data;
  g_autoptr(FifoMutex) other = fifo_mutex_new ();
  guint before = nesting->n_nested;

  fifo_mutex_acquire_async (other, NULL, nested_done_cb, nesting);
  while (nesting->n_nested == before)
    g_main_context_iteration (nesting->context, TRUE);
}

static void
outer_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_assert_true (fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, NULL));
  fifo_mutex_release (FIFO_MUTEX (source));
}

/* Live instances of the library's GAsyncResult, counted by interposing on
 * its class (the test watches the results without touching them: a weak
 * pointer would change what the dispatcher does with them). */
static GHashTable *live_results;
static void (*result_constructed) (GObject *object);
static void (*result_finalize) (GObject *object);

static void
counting_constructed (GObject *object)
{
  g_hash_table_add (live_results, object);
  if (result_constructed != NULL)
    result_constructed (object);
}

static void
counting_finalize (GObject *object)
{
  g_hash_table_remove (live_results, object);
  result_finalize (object);
}

static void
count_results_begin (GAsyncResult *any)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (any);

  live_results = g_hash_table_new (NULL, NULL);
  result_constructed = klass->constructed;
  result_finalize = klass->finalize;
  klass->constructed = counting_constructed;
  klass->finalize = counting_finalize;
}

static guint
count_results_end (void)
{
  GObjectClass *klass = g_type_class_peek (g_type_from_name ("FifoResult"));
  guint n = g_hash_table_size (live_results);

  klass->constructed = result_constructed;
  klass->finalize = result_finalize;
  g_clear_pointer (&live_results, g_hash_table_unref);
  return n;
}

static void
first_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_assert_true (fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, NULL));
  fifo_mutex_release (FIFO_MUTEX (source));
  count_results_begin (result);
  *(gboolean *) data = TRUE;
}

static void
test_finalizer_iterates (void)
{
  Nesting nesting = { g_main_context_new (), 0 };
  guint rounds = 50;
  gboolean counting = FALSE;

  g_main_context_push_thread_default (nesting.context);
  {
    g_autoptr(FifoMutex) first = fifo_mutex_new ();

    fifo_mutex_acquire_async (first, NULL, first_result_cb, &counting);
    fifo_test_wait_for (&counting);
  }
  for (guint i = 0; i < rounds; i++)
    {
      FifoMutex *mutex = fifo_mutex_new ();

      g_object_weak_ref (G_OBJECT (mutex), iterate_on_finalize, &nesting);
      fifo_mutex_acquire_async (mutex, NULL, outer_done_cb, &nesting);
      g_object_unref (mutex);  /* the request and its result hold it now */
      fifo_test_drain ();
    }
  g_assert_cmpuint (nesting.n_nested, ==, rounds);
  g_main_context_pop_thread_default (nesting.context);

  /* With the context go the dispatcher and its spare result (once this
   * thread's cache moves on to another context): every result must be
   * gone, none overwritten and leaked. */
  g_main_context_unref (nesting.context);
  {
    g_autoptr(GMainContext) other = g_main_context_new ();
    g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
    Outcome outcome = { 0, };

    g_main_context_push_thread_default (other);
    fifo_mutex_acquire_async (mutex, NULL, mutex_done_cb, &outcome);
    fifo_test_wait_for (&outcome.done);
    fifo_mutex_release (mutex);
    g_main_context_pop_thread_default (other);
  }
  /* The last request's dispatcher keeps one spare. */
  g_assert_cmpuint (count_results_end (), <=, 1);
}

/* ---- 7. Sources of every priority during a long chain ----------------------------- */

typedef struct
{
  FifoMutex *mutex;
  guint      remaining;
  guint      handed;
} Chain;

static void
chain_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Chain *chain = data;

  g_assert_true (fifo_mutex_acquire_finish (chain->mutex, result, NULL));
  chain->handed++;
  if (chain->remaining > 0)
    {
      chain->remaining--;
      fifo_mutex_acquire_async (chain->mutex, NULL, chain_cb, chain);
    }
  fifo_mutex_release (chain->mutex);
}

static gboolean
count_cb (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static void
test_low_priorities_run (gconstpointer data)
{
  gint priority = GPOINTER_TO_INT (data);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  Chain chain = { mutex, fifo_test_scale (100000), 0 };
  guint n_runs = 0, n_waiting = 256;
  GSource *busy = g_idle_source_new ();

  g_main_context_push_thread_default (context);
  g_source_set_priority (busy, priority);
  g_source_set_callback (busy, count_cb, &n_runs, NULL);
  g_source_attach (busy, context);

  /* Many chains at once, so that every batch is full. */
  g_assert_true (fifo_mutex_try_acquire (mutex));
  for (guint i = 0; i < n_waiting; i++)
    fifo_mutex_acquire_async (mutex, NULL, chain_cb, &chain);
  fifo_mutex_release (mutex);
  while (chain.remaining > 0 || fifo_mutex_get_locked (mutex))
    g_main_context_iteration (context, TRUE);

  /* After every full batch (256 callbacks) the dispatcher steps aside for
   * as long as the batch took, while lower sources have their turn: a busy
   * one runs many times per batch (one run takes far less than a batch),
   * whatever its priority. */
  g_test_message ("priority %d: %u hand-offs, the busy source ran %u times",
                  priority, chain.handed, n_runs);
  g_assert_cmpuint (n_runs, >=, 2 * (chain.handed / 256 - 1));

  g_source_destroy (busy);
  g_source_unref (busy);
  g_main_context_pop_thread_default (context);
}

int
main (int    argc,
      char **argv)
{
  static const gint priorities[] = {
    G_PRIORITY_DEFAULT_IDLE, G_PRIORITY_LOW, G_PRIORITY_LOW + 1, 400, G_MAXINT - 1,
  };

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reentrancy/handler/releases-to-dead-context", test_handler_releases_to_dead_context);
  g_test_add_func ("/reentrancy/handler/chained-cancellables", test_chained_cancellables);
  g_test_add_func ("/reentrancy/handler/iterates-context", test_handler_iterates_context);
  g_test_add_func ("/reentrancy/handler/drops-context", test_handler_drops_context);
  g_test_add_func ("/reentrancy/handler/requests-on-same-cancellable", test_handler_requests_on_same_cancellable);
  g_test_add_func ("/reentrancy/threads/two-cancel-at-once", test_two_threads_cancel);
  g_test_add_func ("/reentrancy/threads/foreign-context-not-acquired", test_foreign_context_not_acquired);
  g_test_add_func ("/reentrancy/range/semaphore-at-maxuint", test_semaphore_at_maxuint);
  g_test_add_func ("/reentrancy/finalizer/iterates", test_finalizer_iterates);
  for (guint i = 0; i < G_N_ELEMENTS (priorities); i++)
    {
      g_autofree char *path = g_strdup_printf ("/reentrancy/priority/%d", priorities[i]);

      g_test_add_data_func (path, GINT_TO_POINTER (priorities[i]), test_low_priorities_run);
    }

  return g_test_run ();
}
