/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Threads under stress: several threads, each with its own GMainContext,
 * share one of every primitive and use all of them at random — async,
 * blocking and try forms, cancellations by the requester and by another
 * thread at any moment. Whatever the schedule:
 *
 *  - mutual exclusion holds: at most one exclusive hold and never beside a
 *    shared one, at most `size` holds of a semaphore mode, one mutex
 *    holder, `bound` semaphore holders, one holder of the condition's mutex;
 *  - every callback runs exactly once, in its caller's thread and context;
 *  - a request either succeeds and holds, or fails and holds nothing (a
 *    condition wait holds its mutex either way): at the end everything is
 *    free again, every count back to its start;
 *  - a barrier's cycles pass whole: every arrival index equally often;
 *  - what producers put under the condition's mutex, consumers take.
 *
 * Run by `meson test` in every build, and under ThreadSanitizer by .ci/run.
 * FIFO_TEST_SEED replays the random choices (not the schedule);
 * FIFO_TEST_SOAK=n runs n times longer.
 */
#include "fifo-test-util.h"

#include <stdlib.h>

#define N_WORKERS   4
#define LOCK_SIZE   2   /* the lock's semaphore mode */
#define SEM_BOUND   2   /* the bounded semaphore */
#define PARTIES     3   /* the barrier */

typedef enum {
  REQ_LOCK_EXCLUSIVE,
  REQ_LOCK_SHARED,
  REQ_LOCK_SEMAPHORE,
  REQ_MUTEX,
  REQ_SEMAPHORE,
  REQ_EVENT,
  REQ_CONDITION_MUTEX,  /* the condition's mutex, to produce or to consume */
  REQ_CONDITION_WAIT,   /* a consumer's wait_for */
  REQ_BARRIER,
  N_REQ_KINDS
} ReqKind;

typedef struct
{
  FifoLock      *lock;
  FifoLockMode  *exclusive;
  FifoLockMode  *shared;
  FifoLockMode  *semaphore_mode;
  FifoMutex     *mutex;
  FifoSemaphore *semaphore;
  FifoEvent     *event;
  FifoCondition *condition;
  FifoMutex     *condition_mutex;
  FifoBarrier   *barrier;

  /* Who is inside what, counted by the holders themselves: entered after
   * the grant is delivered, left before the release, so these are never
   * more than the library's real holds. */
  gint           in_exclusive;
  gint           in_shared;
  gint           in_lock_semaphore;
  gint           in_mutex;
  gint           in_semaphore;
  gint           in_condition;

  gint           items;           /* under the condition's mutex */
  gint           produced;
  gint           consumed;
  gint           stopping;        /* predicates give up: the run ends */
  gint           barrier_index[PARTIES];
  gint           issued;
  gint           completed;
  gint           cancelled;
  gint           cross_cancels;
  guint32        canceller_seed;
  gint           n_draining;
  gint           workers_done;

  /* Cancellables another thread may cancel at any moment. */
  GMutex         cancellables_lock;
  GPtrArray     *cancellables;
} Shared;

typedef struct
{
  Shared       *shared;
  guint         index;
  GThread      *thread;    /* g_thread_self() of the worker */
  GThread      *handle;    /* to join it */
  GMainContext *context;
  GRand        *rand;
  guint         n_ops;
  guint         outstanding;
  GPtrArray    *pending;   /* Request: not completed, ours to cancel */
  GArray       *held;      /* Held */
} Worker;

typedef struct
{
  Worker       *worker;
  ReqKind       kind;
  GCancellable *cancellable;
  gboolean      producer;  /* REQ_CONDITION_MUTEX: produce, or consume */
  guint         n_callbacks;
} Request;

typedef struct
{
  ReqKind kind;
  guint   countdown;       /* loop turns before it is released */
  gboolean producer;
} Held;

static Shared shared;

/* ---- Entering and leaving ---------------------------------------------------- */

static void
enter (Worker  *worker,
       ReqKind  kind,
       gboolean producer)
{
  Shared *s = worker->shared;
  Held held = { kind, g_rand_int_range (worker->rand, 0, 4), producer };

  switch (kind)
    {
    case REQ_LOCK_EXCLUSIVE:
      g_assert_cmpint (g_atomic_int_add (&s->in_exclusive, 1), ==, 0);
      g_assert_cmpint (g_atomic_int_get (&s->in_shared), ==, 0);
      break;
    case REQ_LOCK_SHARED:
      g_atomic_int_inc (&s->in_shared);
      g_assert_cmpint (g_atomic_int_get (&s->in_exclusive), ==, 0);
      break;
    case REQ_LOCK_SEMAPHORE:
      g_assert_cmpint (g_atomic_int_add (&s->in_lock_semaphore, 1), <, LOCK_SIZE);
      break;
    case REQ_MUTEX:
      g_assert_cmpint (g_atomic_int_add (&s->in_mutex, 1), ==, 0);
      g_assert_true (fifo_mutex_get_locked (s->mutex));
      break;
    case REQ_SEMAPHORE:
      g_assert_cmpint (g_atomic_int_add (&s->in_semaphore, 1), <, SEM_BOUND);
      break;
    case REQ_CONDITION_MUTEX:
      g_assert_cmpint (g_atomic_int_add (&s->in_condition, 1), ==, 0);
      g_assert_cmpint (s->items, >=, 0);
      if (producer)
        {
          s->items++;
          s->produced++;
          fifo_condition_notify (s->condition, 1);
        }
      break;
    case REQ_EVENT:
    case REQ_CONDITION_WAIT:
    case REQ_BARRIER:
    case N_REQ_KINDS:
    default:
      g_assert_not_reached ();
    }

  g_array_append_val (worker->held, held);
}

static void
leave (Worker *worker,
       guint   i)
{
  Shared *s = worker->shared;
  Held held = g_array_index (worker->held, Held, i);

  g_array_remove_index_fast (worker->held, i);
  switch (held.kind)
    {
    case REQ_LOCK_EXCLUSIVE:
      g_atomic_int_add (&s->in_exclusive, -1);
      fifo_lock_release (s->lock, s->exclusive);
      break;
    case REQ_LOCK_SHARED:
      g_atomic_int_add (&s->in_shared, -1);
      fifo_lock_release (s->lock, s->shared);
      break;
    case REQ_LOCK_SEMAPHORE:
      g_atomic_int_add (&s->in_lock_semaphore, -1);
      fifo_lock_release (s->lock, s->semaphore_mode);
      break;
    case REQ_MUTEX:
      g_atomic_int_add (&s->in_mutex, -1);
      fifo_mutex_release (s->mutex);
      break;
    case REQ_SEMAPHORE:
      g_atomic_int_add (&s->in_semaphore, -1);
      fifo_semaphore_release (s->semaphore);
      break;
    case REQ_CONDITION_MUTEX:
      g_atomic_int_add (&s->in_condition, -1);
      fifo_mutex_release (s->condition_mutex);
      break;
    case REQ_EVENT:
    case REQ_CONDITION_WAIT:
    case REQ_BARRIER:
    case N_REQ_KINDS:
    default:
      g_assert_not_reached ();
    }
}

/* ---- Requests ----------------------------------------------------------------- */

static void
publish (Shared       *s,
         GCancellable *cancellable)
{
  g_mutex_lock (&s->cancellables_lock);
  g_ptr_array_add (s->cancellables, g_object_ref (cancellable));
  g_mutex_unlock (&s->cancellables_lock);
}

static void
unpublish (Shared       *s,
           GCancellable *cancellable)
{
  g_mutex_lock (&s->cancellables_lock);
  if (g_ptr_array_remove_fast (s->cancellables, cancellable))
    g_object_unref (cancellable);
  g_mutex_unlock (&s->cancellables_lock);
}

static gboolean
consumer_predicate (gpointer data)
{
  Shared *s = data;

  /* Called with the condition's mutex held. */
  g_assert_true (fifo_mutex_get_locked (s->condition_mutex));
  return s->items > 0 || g_atomic_int_get (&s->stopping);
}

static void start (Worker *worker, ReqKind kind, gboolean producer);

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *request = user_data;
  Worker *worker = request->worker;
  Shared *s = worker->shared;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  /* Exactly once, in the caller's thread, in its context. */
  g_assert_cmpuint (++request->n_callbacks, ==, 1);
  g_assert_true (g_thread_self () == worker->thread);
  g_assert_true (g_main_context_is_owner (worker->context));
  g_assert_true (g_main_context_get_thread_default () == worker->context);

  switch (request->kind)
    {
    case REQ_LOCK_EXCLUSIVE:
    case REQ_LOCK_SHARED:
    case REQ_LOCK_SEMAPHORE:
      ok = fifo_lock_acquire_finish (s->lock, result, &error);
      break;
    case REQ_MUTEX:
      ok = fifo_mutex_acquire_finish (s->mutex, result, &error);
      break;
    case REQ_SEMAPHORE:
      ok = fifo_semaphore_acquire_finish (s->semaphore, result, &error);
      break;
    case REQ_EVENT:
      ok = fifo_event_wait_finish (s->event, result, &error);
      break;
    case REQ_CONDITION_MUTEX:
      ok = fifo_mutex_acquire_finish (s->condition_mutex, result, &error);
      break;
    case REQ_CONDITION_WAIT:
      ok = fifo_condition_wait_for_finish (s->condition, result, &error);
      break;
    case REQ_BARRIER:
      {
        gint index = fifo_barrier_wait_finish (s->barrier, result, &error);

        ok = index >= 0;
        if (ok)
          {
            g_assert_cmpint (index, <, PARTIES);
            g_atomic_int_inc (&s->barrier_index[index]);
          }
        else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
          {
            g_assert_error (error, FIFO_ERROR, FIFO_ERROR_BROKEN_BARRIER);
          }
      }
      break;
    case N_REQ_KINDS:
    default:
      g_assert_not_reached ();
    }

  if (ok)
    g_assert_no_error (error);
  else if (request->kind != REQ_BARRIER)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_atomic_int_inc (&s->completed);
  if (!ok)
    g_atomic_int_inc (&s->cancelled);

  switch (request->kind)
    {
    case REQ_LOCK_EXCLUSIVE:
    case REQ_LOCK_SHARED:
    case REQ_LOCK_SEMAPHORE:
    case REQ_MUTEX:
    case REQ_SEMAPHORE:
      if (ok)
        enter (worker, request->kind, FALSE);
      break;

    case REQ_CONDITION_MUTEX:
      if (!ok)
        break;
      if (request->producer || g_rand_int_range (worker->rand, 0, 2) == 0)
        {
          enter (worker, REQ_CONDITION_MUTEX, request->producer);
        }
      else
        {
          /* A consumer: wait (releasing the mutex) until there is an item. */
          g_assert_cmpint (s->items, >=, 0);
          start (worker, REQ_CONDITION_WAIT, FALSE);
        }
      break;

    case REQ_CONDITION_WAIT:
      /* Notified or cancelled, the wait returns holding the mutex. */
      g_assert_true (fifo_mutex_get_locked (s->condition_mutex));
      g_assert_cmpint (g_atomic_int_add (&s->in_condition, 1), ==, 0);
      if (ok && s->items > 0)
        {
          s->items--;
          s->consumed++;
        }
      g_assert_cmpint (s->items, >=, 0);
      g_atomic_int_add (&s->in_condition, -1);
      fifo_mutex_release (s->condition_mutex);
      break;

    case REQ_EVENT:
    case REQ_BARRIER:
    case N_REQ_KINDS:
    default:
      break;
    }

  if (request->cancellable != NULL)
    unpublish (s, request->cancellable);
  g_ptr_array_remove_fast (worker->pending, request);
  worker->outstanding--;
  g_clear_object (&request->cancellable);
  g_free (request);
}

static void
start (Worker   *worker,
       ReqKind   kind,
       gboolean  producer)
{
  Shared *s = worker->shared;
  Request *request = g_new0 (Request, 1);
  GCancellable *cancellable = NULL;

  request->worker = worker;
  request->kind = kind;
  request->producer = producer;
  /* Most can be cancelled, by us or by the canceller thread. */
  if (g_rand_int_range (worker->rand, 0, 4) != 0)
    {
      cancellable = request->cancellable = g_cancellable_new ();
      publish (s, cancellable);
    }
  g_ptr_array_add (worker->pending, request);
  worker->outstanding++;
  g_atomic_int_inc (&s->issued);

  switch (kind)
    {
    case REQ_LOCK_EXCLUSIVE:
      fifo_lock_acquire_async (s->lock, s->exclusive, cancellable, request_done_cb, request);
      break;
    case REQ_LOCK_SHARED:
      fifo_lock_acquire_async (s->lock, s->shared, cancellable, request_done_cb, request);
      break;
    case REQ_LOCK_SEMAPHORE:
      fifo_lock_acquire_async (s->lock, s->semaphore_mode, cancellable, request_done_cb, request);
      break;
    case REQ_MUTEX:
      fifo_mutex_acquire_async (s->mutex, cancellable, request_done_cb, request);
      break;
    case REQ_SEMAPHORE:
      fifo_semaphore_acquire_async (s->semaphore, cancellable, request_done_cb, request);
      break;
    case REQ_EVENT:
      fifo_event_wait_async (s->event, cancellable, request_done_cb, request);
      break;
    case REQ_CONDITION_MUTEX:
      fifo_mutex_acquire_async (s->condition_mutex, cancellable, request_done_cb, request);
      break;
    case REQ_CONDITION_WAIT:
      fifo_condition_wait_for_async (s->condition, consumer_predicate, s, NULL,
                                     cancellable, request_done_cb, request);
      break;
    case REQ_BARRIER:
      fifo_barrier_wait_async (s->barrier, cancellable, request_done_cb, request);
      break;
    case N_REQ_KINDS:
    default:
      g_assert_not_reached ();
    }
}

/* The blocking forms, when this thread holds and awaits nothing: whoever
 * holds what it asks for is another thread, which will release it. */
static void
blocking (Worker *worker)
{
  Shared *s = worker->shared;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint which = g_rand_int_range (worker->rand, 0, 4);
  gboolean ok = FALSE;

  publish (s, cancellable);
  g_atomic_int_inc (&s->issued);
  switch (which)
    {
    case 0:
      ok = fifo_lock_acquire (s->lock, s->exclusive, cancellable, &error);
      if (ok)
        enter (worker, REQ_LOCK_EXCLUSIVE, FALSE);
      break;
    case 1:
      ok = fifo_lock_acquire (s->lock, s->shared, cancellable, &error);
      if (ok)
        enter (worker, REQ_LOCK_SHARED, FALSE);
      break;
    case 2:
      ok = fifo_mutex_acquire (s->mutex, cancellable, &error);
      if (ok)
        enter (worker, REQ_MUTEX, FALSE);
      break;
    case 3:
    default:
      ok = fifo_semaphore_acquire (s->semaphore, cancellable, &error);
      if (ok)
        enter (worker, REQ_SEMAPHORE, FALSE);
      break;
    }
  if (!ok)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  unpublish (s, cancellable);
  g_atomic_int_inc (&s->completed);
  if (!ok)
    g_atomic_int_inc (&s->cancelled);
}

static void
try_forms (Worker *worker)
{
  Shared *s = worker->shared;

  switch (g_rand_int_range (worker->rand, 0, 3))
    {
    case 0:
      if (fifo_lock_try_acquire (s->lock, s->shared))
        enter (worker, REQ_LOCK_SHARED, FALSE);
      break;
    case 1:
      if (fifo_mutex_try_acquire (s->mutex))
        enter (worker, REQ_MUTEX, FALSE);
      break;
    case 2:
    default:
      if (fifo_semaphore_try_acquire (s->semaphore))
        enter (worker, REQ_SEMAPHORE, FALSE);
      break;
    }
}

/* ---- Workers ------------------------------------------------------------------ */

/* One turn: release what is due, deliver what is ready. */
static gboolean
turn (Worker   *worker,
      gboolean  may_block)
{
  gboolean dispatched;

  for (guint i = 0; i < worker->held->len;)
    {
      Held *held = &g_array_index (worker->held, Held, i);

      if (held->countdown-- == 0)
        leave (worker, i);
      else
        i++;
    }

  dispatched = g_main_context_iteration (worker->context, may_block);
  if (!dispatched && !may_block)
    g_thread_yield ();
  return dispatched;
}

static void
random_op (Worker *worker)
{
  Shared *s = worker->shared;
  guint choice = g_rand_int_range (worker->rand, 0, 100);

  if (choice < 55)
    {
      /* No more than a few at a time: the queues move. */
      if (worker->outstanding < 6)
        {
          ReqKind kind = g_rand_int_range (worker->rand, 0, N_REQ_KINDS);

          if (kind == REQ_CONDITION_WAIT)
            kind = REQ_CONDITION_MUTEX;
          start (worker, kind, kind == REQ_CONDITION_MUTEX && g_rand_boolean (worker->rand));
        }
    }
  else if (choice < 70)
    {
      if (worker->pending->len > 0)
        {
          Request *request = g_ptr_array_index (worker->pending,
                                                g_rand_int_range (worker->rand, 0, worker->pending->len));

          if (request->cancellable != NULL)
            g_cancellable_cancel (request->cancellable);
        }
    }
  else if (choice < 76)
    {
      try_forms (worker);
    }
  else if (choice < 79)
    {
      if (worker->outstanding == 0 && worker->held->len == 0)
        blocking (worker);
    }
  else if (choice < 84)
    {
      fifo_event_set (s->event);
    }
  else if (choice < 88)
    {
      fifo_event_clear (s->event);
    }
  else if (choice < 89)
    {
      fifo_barrier_reset (s->barrier);
    }
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  Shared *s = worker->shared;
  GSource *tick;

  worker->thread = g_thread_self ();
  g_main_context_push_thread_default (worker->context);

  for (guint op = 0; op < worker->n_ops; op++)
    {
      random_op (worker);
      turn (worker, FALSE);
    }

  /* Drain: let go of everything; the main thread unblocks the waits that
   * only a set, an abort or a notification can end, once every worker is
   * here. Until then a tick wakes the blocked iteration now and then, so
   * that waiting costs no spinning (which valgrind, running one thread at
   * a time, makes very slow). */
  g_atomic_int_inc (&s->n_draining);
  tick = g_timeout_source_new (1);
  g_source_set_callback (tick, tick_cb, NULL, NULL);
  g_source_attach (tick, worker->context);
  while (worker->outstanding > 0 || worker->held->len > 0)
    {
      while (worker->held->len > 0)
        leave (worker, 0);
      /* Holding nothing: whatever it waits for, somebody else will move. */
      turn (worker, worker->outstanding > 0);
    }
  g_source_destroy (tick);
  g_source_unref (tick);

  g_main_context_pop_thread_default (worker->context);
  g_atomic_int_inc (&s->workers_done);
  return NULL;
}

/* Cancels what the workers published, at random moments: queued, granted
 * and not yet delivered, being delivered, delivered — any point. */
static gpointer
canceller_thread (gpointer data)
{
  Shared *s = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (s->canceller_seed);

  while (g_atomic_int_get (&s->workers_done) < N_WORKERS)
    {
      GCancellable *victim = NULL;
      guint spin = g_rand_int_range (rand, 0, 2000);

      for (volatile guint i = 0; i < spin; i++)
        ;

      g_mutex_lock (&s->cancellables_lock);
      if (s->cancellables->len > 0)
        victim = g_object_ref (g_ptr_array_index (s->cancellables,
                                                  g_rand_int_range (rand, 0, s->cancellables->len)));
      g_mutex_unlock (&s->cancellables_lock);

      if (victim != NULL)
        {
          g_cancellable_cancel (victim);
          g_atomic_int_inc (&s->cross_cancels);
          g_object_unref (victim);
        }
      else
        {
          g_usleep (100);  /* nothing to cancel: the workers are draining */
        }
    }

  return NULL;
}

/* Reads every readable property of every primitive, through GObject and
 * through the C getters, while the workers change them: under
 * ThreadSanitizer a getter that reads without the primitive's lock is a
 * reported race. Properties added later are read too: they are listed,
 * not named. */
static void
read_all_properties (GObject *object)
{
  guint n_specs;
  g_autofree GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n_specs);

  for (guint i = 0; i < n_specs; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      if (!(specs[i]->flags & G_PARAM_READABLE))
        continue;
      g_value_init (&value, specs[i]->value_type);
      g_object_get_property (object, specs[i]->name, &value);
    }
}

static gpointer
prober_thread (gpointer data)
{
  Shared *s = data;
  GObject *objects[] = {
    G_OBJECT (s->lock), G_OBJECT (s->mutex), G_OBJECT (s->semaphore), G_OBJECT (s->event),
    G_OBJECT (s->condition), G_OBJECT (s->condition_mutex), G_OBJECT (s->barrier),
    G_OBJECT (s->semaphore_mode),
  };
  guint64 n = 0;

  while (g_atomic_int_get (&s->workers_done) < N_WORKERS)
    {
      for (guint i = 0; i < G_N_ELEMENTS (objects); i++)
        read_all_properties (objects[i]);
      n += fifo_lock_get_n_waiting (s->lock);
      n += fifo_mutex_get_locked (s->mutex) + fifo_mutex_get_n_waiting (s->mutex);
      n += fifo_semaphore_get_value (s->semaphore) + fifo_semaphore_get_n_waiting (s->semaphore);
      n += fifo_semaphore_is_bounded (s->semaphore);
      n += fifo_event_get_is_set (s->event) + fifo_event_get_n_waiting (s->event);
      n += fifo_condition_get_n_waiting (s->condition);
      n += fifo_barrier_get_n_waiting (s->barrier) + fifo_barrier_get_broken (s->barrier);
      n += fifo_barrier_get_parties (s->barrier);
      g_thread_yield ();
    }

  return GSIZE_TO_POINTER ((gsize) n);
}

static guint
env_number (const char *name,
            guint       fallback)
{
  const char *text = g_getenv (name);
  guint64 n;

  if (text == NULL || *text == '\0')
    return fallback;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &n, NULL))
    g_error ("%s must be a number, not \"%s\"", name, text);
  return n;
}

static void
test_stress (void)
{
  Shared *s = &shared;
  guint32 seed = env_number ("FIFO_TEST_SEED", g_test_rand_int ());
  /* A tenth under FIFO_TEST_QUICK (valgrind, with --fair-sched=yes: its
   * default scheduler slows these threads down fifty-fold). */
  guint n_ops = (fifo_test_scale (1000) < 1000 ? 5000 : 50000) * MAX (1, env_number ("FIFO_TEST_SOAK", 1));
  Worker workers[N_WORKERS] = { { 0, }, };
  GThread *canceller, *prober;

  g_test_message ("seed %u (FIFO_TEST_SEED), %u operations per thread, %u threads",
                  seed, n_ops, N_WORKERS);

  memset (s, 0, sizeof *s);
  s->lock = fifo_lock_new ();
  s->exclusive = fifo_exclusive_mode_new ();
  s->shared = fifo_shared_mode_new ();
  s->semaphore_mode = fifo_semaphore_mode_new (LOCK_SIZE);
  s->mutex = fifo_mutex_new ();
  s->semaphore = fifo_semaphore_new_bounded (SEM_BOUND);
  s->event = fifo_event_new ();
  s->condition = fifo_condition_new (NULL);
  s->condition_mutex = fifo_condition_get_mutex (s->condition);
  s->barrier = fifo_barrier_new (PARTIES);
  g_mutex_init (&s->cancellables_lock);
  s->cancellables = g_ptr_array_new ();
  s->canceller_seed = seed + N_WORKERS;

  for (guint i = 0; i < N_WORKERS; i++)
    {
      Worker *worker = &workers[i];
      g_autofree char *name = g_strdup_printf ("stress-%u", i);

      worker->shared = s;
      worker->index = i;
      worker->context = g_main_context_new ();
      worker->rand = g_rand_new_with_seed (seed + i);
      worker->n_ops = n_ops;
      worker->pending = g_ptr_array_new ();
      worker->held = g_array_new (FALSE, FALSE, sizeof (Held));
      worker->handle = g_thread_new (name, worker_thread, worker);
    }
  canceller = g_thread_new ("canceller", canceller_thread, s);
  prober = g_thread_new ("prober", prober_thread, s);

  /* Once every worker drains, end the waits nothing else would end. */
  while (g_atomic_int_get (&s->n_draining) < N_WORKERS)
    g_usleep (1000);
  g_atomic_int_set (&s->stopping, TRUE);
  fifo_event_set (s->event);
  fifo_barrier_abort (s->barrier);
  {
    g_autoptr(GError) error = NULL;

    /* The blocking form, from a thread with no main loop at all. */
    g_assert_true (fifo_mutex_acquire (s->condition_mutex, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (g_atomic_int_add (&s->in_condition, 1), ==, 0);
    fifo_condition_notify_all (s->condition);
    g_atomic_int_add (&s->in_condition, -1);
    fifo_mutex_release (s->condition_mutex);
  }

  for (guint i = 0; i < N_WORKERS; i++)
    g_thread_join (workers[i].handle);
  g_thread_join (canceller);
  g_thread_join (prober);

  g_test_message ("%d requests, %d failed (cancelled or broken), %d cross-thread cancels, "
                  "%d produced, %d consumed, barrier cycles %d",
                  s->issued, s->cancelled, s->cross_cancels, s->produced, s->consumed,
                  s->barrier_index[0]);

  /* Every request completed once; everything is free again. */
  g_assert_cmpint (s->completed, ==, s->issued);
  g_assert_cmpint (s->in_exclusive + s->in_shared + s->in_lock_semaphore, ==, 0);
  g_assert_cmpint (s->in_mutex + s->in_semaphore + s->in_condition, ==, 0);
  g_assert_cmpuint (fifo_lock_get_n_waiting (s->lock), ==, 0);
  g_assert_true (fifo_lock_try_acquire (s->lock, s->exclusive));
  fifo_lock_release (s->lock, s->exclusive);
  g_assert_false (fifo_mutex_get_locked (s->mutex));
  g_assert_cmpuint (fifo_mutex_get_n_waiting (s->mutex), ==, 0);
  g_assert_cmpuint (fifo_semaphore_get_value (s->semaphore), ==, SEM_BOUND);
  g_assert_cmpuint (fifo_semaphore_get_n_waiting (s->semaphore), ==, 0);
  g_assert_cmpuint (fifo_event_get_n_waiting (s->event), ==, 0);
  g_assert_false (fifo_mutex_get_locked (s->condition_mutex));
  g_assert_cmpuint (fifo_condition_get_n_waiting (s->condition), ==, 0);
  g_assert_cmpuint (fifo_barrier_get_n_waiting (s->barrier), ==, 0);
  g_assert_cmpint (s->consumed + s->items, ==, s->produced);
  /* Cycles pass whole: each arrival index once per cycle. */
  for (guint i = 1; i < PARTIES; i++)
    g_assert_cmpint (s->barrier_index[i], ==, s->barrier_index[0]);

  for (guint i = 0; i < N_WORKERS; i++)
    {
      g_main_context_unref (workers[i].context);
      g_rand_free (workers[i].rand);
      g_ptr_array_unref (workers[i].pending);
      g_array_unref (workers[i].held);
    }

  g_assert_cmpuint (s->cancellables->len, ==, 0);
  g_ptr_array_unref (s->cancellables);
  g_mutex_clear (&s->cancellables_lock);
  g_object_unref (s->barrier);
  g_object_unref (s->condition);
  g_object_unref (s->event);
  g_object_unref (s->semaphore);
  g_object_unref (s->mutex);
  g_object_unref (s->semaphore_mode);
  g_object_unref (s->shared);
  g_object_unref (s->exclusive);
  g_object_unref (s->lock);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stress/threads", test_stress);

  return g_test_run ();
}
