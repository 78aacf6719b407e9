/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The explorer's threaded mode: what the single-threaded model cannot
 * schedule. Several threads, each with main contexts of its own, share one
 * of every primitive and a pool of cancellables, and at random:
 *
 *  - make requests in their contexts (pushed as the thread-default for the
 *    call, or left pushed for a while), iterate them (as the thread-default
 *    or not), push and pop them around waits;
 *  - cancel cancellables of the pool, from plain code and from inside
 *    callbacks, while other threads complete requests on them;
 *  - run handlers of the application's own on those cancellables, which
 *    release a hold, cancel another cancellable (chains, cycles), iterate a
 *    context or drop the last reference to one (passing its requests over);
 *  - destroy their contexts with requests queued or granted in them;
 *  - take the try_ and blocking forms, set and clear, notify, abort and
 *    reset.
 *
 * There is no exact model here; what must hold whatever the schedule: every
 * callback runs exactly once, in the thread that owns its context and in an
 * iteration of that context, never for a context that was destroyed; the
 * exclusions hold; no critical (a failed push of a context its owner holds
 * is one); and nothing hangs — a watchdog prints every thread's stack. At
 * the end everything is free again and every object, cancellables
 * included, goes with the test's references.
 *
 *   FIFO_TEST_SEED=n    replay the same random choices (schedules differ)
 *   FIFO_TEST_SOAK=n    n times longer
 */
#include <fifolock-glib/fifolock.h>

#include "../fifo-test-util.h"
#include "../fifo-watchdog.h"

#include <stdlib.h>

#define N_WORKERS     4
#define N_CONTEXTS    2     /* per worker */
#define N_CANCELS     12    /* the shared pool */
#define SEM_BOUND     2
#define PARTIES       3
#define MAX_PENDING   24    /* per worker */

typedef enum {
  K_LOCK_EXCLUSIVE,
  K_LOCK_SHARED,
  K_MUTEX,
  K_SEMAPHORE,
  K_EVENT,
  K_BARRIER,
  K_COND_MUTEX,   /* the condition's mutex, to produce or to wait */
  K_COND_WAIT,    /* wait_for, made holding the mutex */
  N_KINDS
} Kind;

typedef enum {
  ACT_NONE,
  ACT_RELEASE,
  ACT_CANCEL,
  ACT_ITERATE,
  ACT_DESTROY,
  N_ACTS
} Act;

typedef struct _Worker Worker;

typedef struct
{
  GMutex         lock;
  GCancellable  *slots[N_CANCELS];  /* strong; replaced once cancelled */
  GPtrArray     *all;               /* every cancellable ever made: weak-checked at the end */
} Pool;

typedef struct
{
  FifoLock      *lock;
  FifoLockMode  *exclusive;
  FifoLockMode  *shared_mode;
  FifoMutex     *mutex;
  FifoSemaphore *semaphore;
  FifoEvent     *event;
  FifoCondition *condition;
  FifoMutex     *cond_mutex;
  FifoBarrier   *barrier;

  Pool           pool;
  guint32        seed;
  guint          n_ops;

  /* What is held, by delivered grants only. */
  gint           in_exclusive;
  gint           in_shared;
  gint           in_mutex;
  gint           in_semaphore;
  gint           in_cond_mutex;
  gint           items;           /* under the condition's mutex */
  gint           stopping;        /* no new requests; predicates give up */
  gint           n_finished;
  gint           progress;
  gint           stats[8];
} Shared;

enum { S_REQUESTS, S_CANCELS, S_HANDLER_RUNS, S_DESTROYED, S_PASSED, S_BLOCKING, S_PUSHES, S_CALLBACK_CANCELS };

typedef struct
{
  GMainContext *context;   /* strong; NULL while replaced */
  guint         id;        /* unique per context made */
  gint          pushed;    /* how many times it is pushed now */
} Slot;

typedef struct
{
  Worker       *worker;
  Kind          kind;
  guint         ctx_id;
  GMainContext *context;   /* not a reference: compared only */
  gboolean      orphaned;  /* its context was destroyed */
  guint         n_callbacks;
  gboolean      producer;  /* K_COND_MUTEX */
} Request;

typedef struct
{
  Kind  kind;
  guint countdown;
} Held;

struct _Worker
{
  Shared    *shared;
  guint      index;
  GThread   *thread;
  GRand     *rand;
  Slot       slots[N_CONTEXTS];
  gint       iterating;       /* the slot being iterated, or -1 */
  guint      next_ctx_id;
  GPtrArray *pending;         /* Request: not delivered (orphans included) */
  GPtrArray *orphans;         /* Request: of destroyed contexts, kept to the end */
  GArray    *held;            /* Held */
  guint      n_done;
};

static Shared shared;
static _Thread_local Worker *current_worker;

/* ---- Helpers ------------------------------------------------------------------ */

static guint
rnd (Worker *w,
     guint   n)
{
  return n <= 1 ? 0 : (guint) g_rand_int_range (w->rand, 0, n);
}

static void
progress (Shared *s)
{
  g_atomic_int_inc (&s->progress);
}

static GMainContext *
slot_context_new (Worker *w,
                  Slot   *slot)
{
  slot->context = g_main_context_new ();
  slot->id = ++w->next_ctx_id;
  slot->pushed = 0;
  return slot->context;
}

/* ---- Holds and their exclusions ------------------------------------------------ */

static void
enter (Worker *w,
       Kind    kind)
{
  Shared *s = w->shared;
  Held held = { kind, rnd (w, 6) };

  switch (kind)
    {
    case K_LOCK_EXCLUSIVE:
      g_assert_cmpint (g_atomic_int_add (&s->in_exclusive, 1), ==, 0);
      g_assert_cmpint (g_atomic_int_get (&s->in_shared), ==, 0);
      break;
    case K_LOCK_SHARED:
      g_atomic_int_inc (&s->in_shared);
      g_assert_cmpint (g_atomic_int_get (&s->in_exclusive), ==, 0);
      break;
    case K_MUTEX:
      g_assert_cmpint (g_atomic_int_add (&s->in_mutex, 1), ==, 0);
      break;
    case K_SEMAPHORE:
      g_assert_cmpint (g_atomic_int_add (&s->in_semaphore, 1), <, SEM_BOUND);
      break;
    case K_COND_MUTEX:
    case K_COND_WAIT:
      g_assert_cmpint (g_atomic_int_add (&s->in_cond_mutex, 1), ==, 0);
      held.kind = K_COND_MUTEX;
      break;
    case K_EVENT:
    case K_BARRIER:
    case N_KINDS:
    default:
      return;  /* nothing held */
    }
  g_array_append_val (w->held, held);
}

static void
leave (Worker *w,
       guint   i)
{
  Shared *s = w->shared;
  Held held = g_array_index (w->held, Held, i);

  g_array_remove_index_fast (w->held, i);
  switch (held.kind)
    {
    case K_LOCK_EXCLUSIVE:
      g_atomic_int_add (&s->in_exclusive, -1);
      fifo_lock_release (s->lock, s->exclusive);
      break;
    case K_LOCK_SHARED:
      g_atomic_int_add (&s->in_shared, -1);
      fifo_lock_release (s->lock, s->shared_mode);
      break;
    case K_MUTEX:
      g_atomic_int_add (&s->in_mutex, -1);
      fifo_mutex_release (s->mutex);
      break;
    case K_SEMAPHORE:
      g_atomic_int_add (&s->in_semaphore, -1);
      fifo_semaphore_release (s->semaphore);
      break;
    case K_COND_MUTEX:
      g_atomic_int_add (&s->in_cond_mutex, -1);
      fifo_mutex_release (s->cond_mutex);
      break;
    case K_COND_WAIT:
    case K_EVENT:
    case K_BARRIER:
    case N_KINDS:
    default:
      g_assert_not_reached ();
    }
}

/* Holds wait a few turns before they are released. */
static void
age_holds (Worker *w)
{
  for (guint i = w->held->len; i-- > 0; )
    {
      Held *held = &g_array_index (w->held, Held, i);

      if (held->countdown-- == 0)
        leave (w, i);
    }
}

/* ---- The pool of cancellables, and handlers of the application's own ------------ */

static void cancel_some (Worker *w);
static void destroy_slot (Worker *w,
                          guint   k);
static void iterate_slot (Worker  *w,
                          guint    k,
                          gboolean as_default);

static void
user_cancelled_cb (GCancellable *cancellable,
                   gpointer      data)
{
  Act act = GPOINTER_TO_UINT (data);
  Worker *w = current_worker;

  /* The thread that cancels runs the handlers: a worker, or the main
   * thread at the end. Workers act on what is theirs only. */
  if (w == NULL)
    return;
  g_atomic_int_add (&w->shared->stats[S_HANDLER_RUNS], 1);

  switch (act)
    {
    case ACT_RELEASE:
      if (w->held->len > 0)
        leave (w, rnd (w, w->held->len));
      break;
    case ACT_CANCEL:
      /* Chains and cycles: the pool's other cancellables. */
      cancel_some (w);
      break;
    case ACT_ITERATE:
      {
        guint k = rnd (w, N_CONTEXTS);

        if (w->iterating < 0 && w->slots[k].context != NULL)
          iterate_slot (w, k, rnd (w, 2));
      }
      break;
    case ACT_DESTROY:
      destroy_slot (w, rnd (w, N_CONTEXTS));
      break;
    case ACT_NONE:
    case N_ACTS:
    default:
      break;
    }
}

/* Locked (the pool). A new cancellable, with handlers before any request
 * uses it (they run before the library's). */
static GCancellable *
pool_make (Shared *s,
           Worker *w)
{
  GCancellable *cancellable = g_cancellable_new ();
  guint n_handlers = rnd (w, 3);

  for (guint i = 0; i < n_handlers; i++)
    g_signal_connect (cancellable, "cancelled", G_CALLBACK (user_cancelled_cb),
                      GUINT_TO_POINTER (1 + rnd (w, N_ACTS - 1)));
  g_ptr_array_add (s->pool.all, g_object_ref (cancellable));
  return cancellable;
}

/* A cancellable of the pool, or none. */
static GCancellable *
pool_pick (Worker *w)
{
  Shared *s = w->shared;
  GCancellable *cancellable = NULL;
  guint i = rnd (w, N_CANCELS + N_CANCELS / 2);

  if (i >= N_CANCELS)
    return NULL;

  g_mutex_lock (&s->pool.lock);
  if (s->pool.slots[i] == NULL || g_cancellable_is_cancelled (s->pool.slots[i]))
    {
      g_clear_object (&s->pool.slots[i]);
      s->pool.slots[i] = pool_make (s, w);
    }
  cancellable = g_object_ref (s->pool.slots[i]);
  g_mutex_unlock (&s->pool.lock);

  /* Sometimes after the library connected its handler. */
  if (rnd (w, 8) == 0)
    g_signal_connect (cancellable, "cancelled", G_CALLBACK (user_cancelled_cb),
                      GUINT_TO_POINTER (1 + rnd (w, N_ACTS - 1)));
  return cancellable;
}

static void
cancel_some (Worker *w)
{
  Shared *s = w->shared;
  GCancellable *victim = NULL;
  guint i = rnd (w, N_CANCELS);

  g_mutex_lock (&s->pool.lock);
  if (s->pool.slots[i] != NULL)
    victim = g_object_ref (s->pool.slots[i]);
  g_mutex_unlock (&s->pool.lock);

  if (victim != NULL)
    {
      g_atomic_int_add (&s->stats[S_CANCELS], 1);
      g_cancellable_cancel (victim);
      g_object_unref (victim);
    }
}

/* ---- Requests ---------------------------------------------------------------------- */

static void request_done_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      data);

static gboolean
consumer_predicate (gpointer data)
{
  Shared *s = data;

  g_assert_true (fifo_mutex_get_locked (s->cond_mutex));
  return s->items > 0 || g_atomic_int_get (&s->stopping);
}

static void
issue (Worker       *w,
       Kind          kind,
       guint         k,
       GCancellable *cancellable,
       gboolean      producer)
{
  Shared *s = w->shared;
  Slot *slot = &w->slots[k];
  Request *request = g_new0 (Request, 1);
  gboolean push = g_main_context_get_thread_default () != slot->context || rnd (w, 2) == 0;

  request->worker = w;
  request->kind = kind;
  request->ctx_id = slot->id;
  request->context = slot->context;
  request->producer = producer;
  g_ptr_array_add (w->pending, request);
  g_atomic_int_add (&s->stats[S_REQUESTS], 1);

  /* Due in the thread-default context: this one, pushed for the call (it
   * may be pushed already, even more than once). */
  if (push)
    g_main_context_push_thread_default (slot->context);
  else
    g_assert_true (g_main_context_get_thread_default () == slot->context);

  switch (kind)
    {
    case K_LOCK_EXCLUSIVE:
      fifo_lock_acquire_async (s->lock, s->exclusive, cancellable, request_done_cb, request);
      break;
    case K_LOCK_SHARED:
      fifo_lock_acquire_async (s->lock, s->shared_mode, cancellable, request_done_cb, request);
      break;
    case K_MUTEX:
      fifo_mutex_acquire_async (s->mutex, cancellable, request_done_cb, request);
      break;
    case K_SEMAPHORE:
      fifo_semaphore_acquire_async (s->semaphore, cancellable, request_done_cb, request);
      break;
    case K_EVENT:
      fifo_event_wait_async (s->event, cancellable, request_done_cb, request);
      break;
    case K_BARRIER:
      fifo_barrier_wait_async (s->barrier, cancellable, request_done_cb, request);
      break;
    case K_COND_MUTEX:
      fifo_mutex_acquire_async (s->cond_mutex, cancellable, request_done_cb, request);
      break;
    case K_COND_WAIT:
      fifo_condition_wait_for_async (s->condition, consumer_predicate, s, NULL,
                                     cancellable, request_done_cb, request);
      break;
    case N_KINDS:
    default:
      g_assert_not_reached ();
    }

  if (push)
    g_main_context_pop_thread_default (slot->context);
}

static gboolean
finish_request (Request      *request,
                GObject      *source,
                GAsyncResult *result)
{
  Shared *s = request->worker->shared;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  switch (request->kind)
    {
    case K_LOCK_EXCLUSIVE:
    case K_LOCK_SHARED:
      g_assert_true (source == G_OBJECT (s->lock));
      ok = fifo_lock_acquire_finish (s->lock, result, &error);
      break;
    case K_MUTEX:
      g_assert_true (source == G_OBJECT (s->mutex));
      ok = fifo_mutex_acquire_finish (s->mutex, result, &error);
      break;
    case K_SEMAPHORE:
      ok = fifo_semaphore_acquire_finish (s->semaphore, result, &error);
      break;
    case K_EVENT:
      ok = fifo_event_wait_finish (s->event, result, &error);
      break;
    case K_BARRIER:
      ok = fifo_barrier_wait_finish (s->barrier, result, &error) >= 0;
      break;
    case K_COND_MUTEX:
      ok = fifo_mutex_acquire_finish (s->cond_mutex, result, &error);
      break;
    case K_COND_WAIT:
      /* The mutex is held again, whatever the outcome. */
      ok = fifo_condition_wait_for_finish (s->condition, result, &error);
      g_assert_true (fifo_mutex_get_locked (s->cond_mutex));
      break;
    case N_KINDS:
    default:
      g_assert_not_reached ();
    }

  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, FIFO_ERROR, FIFO_ERROR_BROKEN_BARRIER))
    g_error ("request failed with an unexpected error: %s", error->message);

  return ok || request->kind == K_COND_WAIT;
}

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Request *request = data;
  Worker *w = request->worker;
  Shared *s = w->shared;
  gboolean holds;

  /* Exactly once, in its own thread and context, never for a dead one. */
  g_assert_true (g_thread_self () == w->thread);
  g_assert_false (request->orphaned);
  g_assert_cmpuint (++request->n_callbacks, ==, 1);
  g_assert_true (g_main_context_is_owner (request->context));
  g_assert_cmpint (w->iterating, >=, 0);
  g_assert_true (w->slots[w->iterating].context == request->context);

  holds = finish_request (request, source, result);
  g_ptr_array_remove_fast (w->pending, request);
  w->n_done++;
  progress (s);

  if (holds)
    {
      enter (w, request->kind);
      if (request->kind == K_COND_MUTEX || request->kind == K_COND_WAIT)
        {
          /* With the condition's mutex: produce, consume or wait. */
          if (request->producer || g_atomic_int_get (&s->stopping))
            {
              s->items++;
              fifo_condition_notify_all (s->condition);
            }
          else if (s->items > 0)
            {
              s->items--;
            }
          else if (w->pending->len < MAX_PENDING && rnd (w, 2) == 0)
            {
              /* Waits: hands the mutex back until notified. */
              Held held = g_array_index (w->held, Held, w->held->len - 1);

              g_assert_true (held.kind == K_COND_MUTEX);
              g_array_set_size (w->held, w->held->len - 1);
              g_atomic_int_add (&s->in_cond_mutex, -1);
              g_autoptr(GCancellable) cancellable = pool_pick (w);

              issue (w, K_COND_WAIT, w->iterating, cancellable, FALSE);
            }
        }
    }

  /* Callbacks cancel too, while others complete. */
  if (rnd (w, 16) == 0 && !g_atomic_int_get (&s->stopping))
    {
      g_atomic_int_add (&s->stats[S_CALLBACK_CANCELS], 1);
      cancel_some (w);
    }

  g_free (request);
}

/* ---- Contexts ------------------------------------------------------------------------ */

static void
iterate_slot (Worker   *w,
              guint     k,
              gboolean  as_default)
{
  Slot *slot = &w->slots[k];
  gint outer = w->iterating;
  GMainContext *context = slot->context;

  g_main_context_ref (context);  /* a handler may destroy another slot meanwhile, not this one */
  if (as_default)
    g_main_context_push_thread_default (context);
  w->iterating = k;
  g_main_context_iteration (context, FALSE);
  w->iterating = outer;
  if (as_default)
    g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
}

static gboolean
sentinel_never (GSource    *source,
                gint       *timeout)
{
  *timeout = -1;
  return FALSE;
}

static GSourceFuncs sentinel_funcs = { .prepare = sentinel_never };

/* Drops the last reference to a context of ours: its requests are passed
 * over, and must never call back. */
static void
destroy_slot (Worker *w,
              guint   k)
{
  Slot *slot = &w->slots[k];
  GSource *sentinel;
  GMainContext *dead = slot->context;

  if (dead == NULL || slot->pushed > 0 || w->iterating == (gint) k)
    return;

  for (guint i = 0; i < w->pending->len; i++)
    {
      Request *request = g_ptr_array_index (w->pending, i);

      if (request->ctx_id == slot->id)
        request->orphaned = TRUE;
    }

  sentinel = g_source_new (&sentinel_funcs, sizeof (GSource));
  g_source_attach (sentinel, dead);
  slot->context = NULL;
  g_main_context_unref (dead);
  /* Nothing of the library may keep a context alive. */
  g_assert_true (g_source_is_destroyed (sentinel));
  g_source_unref (sentinel);
  g_atomic_int_add (&w->shared->stats[S_DESTROYED], 1);

  slot_context_new (w, slot);
}

/* Orphans never complete for us: the library passes them over. */
static void
forget_orphans (Worker *w)
{
  for (guint i = w->pending->len; i-- > 0; )
    {
      Request *request = g_ptr_array_index (w->pending, i);

      if (request->orphaned)
        {
          /* Kept: its callback, were it to run, must find it. */
          g_ptr_array_remove_index_fast (w->pending, i);
          g_ptr_array_add (w->orphans, request);
          g_atomic_int_add (&w->shared->stats[S_PASSED], 1);
        }
    }
}

/* ---- One worker ---------------------------------------------------------------------- */

static void
try_or_block (Worker *w)
{
  Shared *s = w->shared;
  Kind kind = rnd (w, 4) == 0 ? K_LOCK_SHARED : (Kind) rnd (w, K_SEMAPHORE + 1);
  gboolean ok = FALSE;

  /* The blocking form only from a clean state: holding nothing and with
   * nothing of ours pending, no other thread can be waiting for us. */
  if (w->held->len == 0 && w->pending->len == 0 && rnd (w, 3) == 0)
    {
      g_autoptr(GCancellable) cancellable = pool_pick (w);
      g_autoptr(GError) error = NULL;

      g_atomic_int_add (&s->stats[S_BLOCKING], 1);
      switch (kind)
        {
        case K_LOCK_EXCLUSIVE: ok = fifo_lock_acquire (s->lock, s->exclusive, cancellable, &error); break;
        case K_LOCK_SHARED:    ok = fifo_lock_acquire (s->lock, s->shared_mode, cancellable, &error); break;
        case K_MUTEX:          ok = fifo_mutex_acquire (s->mutex, cancellable, &error); break;
        default:               ok = fifo_semaphore_acquire (s->semaphore, cancellable, &error); break;
        }
      if (!ok)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    }
  else
    {
      switch (kind)
        {
        case K_LOCK_EXCLUSIVE: ok = fifo_lock_try_acquire (s->lock, s->exclusive); break;
        case K_LOCK_SHARED:    ok = fifo_lock_try_acquire (s->lock, s->shared_mode); break;
        case K_MUTEX:          ok = fifo_mutex_try_acquire (s->mutex); break;
        default:               ok = fifo_semaphore_try_acquire (s->semaphore); break;
        }
    }
  if (ok)
    enter (w, kind);
}

static void
control (Worker *w)
{
  Shared *s = w->shared;

  switch (rnd (w, 5))
    {
    case 0: fifo_event_set (s->event); break;
    case 1: fifo_event_clear (s->event); break;
    case 2: if (rnd (w, 8) == 0) fifo_barrier_abort (s->barrier); break;
    case 3: fifo_barrier_reset (s->barrier); break;
    default:
      /* Notify, holding the mutex. */
      if (fifo_mutex_try_acquire (s->cond_mutex))
        {
          g_assert_cmpint (g_atomic_int_add (&s->in_cond_mutex, 1), ==, 0);
          fifo_condition_notify (s->condition, 1 + rnd (w, 2));
          g_atomic_int_add (&s->in_cond_mutex, -1);
          fifo_mutex_release (s->cond_mutex);
        }
      break;
    }
}

static void
step (Worker *w)
{
  Shared *s = w->shared;
  guint choice = rnd (w, 100);
  guint k = rnd (w, N_CONTEXTS);

  if (choice < 30)
    {
      if (w->pending->len < MAX_PENDING)
        {
          g_autoptr(GCancellable) cancellable = pool_pick (w);
          Kind kind = rnd (w, K_COND_MUTEX + 1);

          issue (w, kind, k, cancellable, rnd (w, 2) == 0);
        }
    }
  else if (choice < 55)
    {
      iterate_slot (w, k, rnd (w, 3) != 0);
    }
  else if (choice < 65)
    {
      age_holds (w);
    }
  else if (choice < 75)
    {
      cancel_some (w);
    }
  else if (choice < 82)
    {
      /* Leave a context pushed for a while, or pop it. */
      Slot *slot = &w->slots[k];

      if (g_main_context_get_thread_default () != NULL && rnd (w, 2) == 0)
        {
          /* The top of the stack only. */
          GMainContext *top = g_main_context_get_thread_default ();

          for (k = 0; w->slots[k].context != top; k++)
            ;
          g_main_context_pop_thread_default (top);
          w->slots[k].pushed--;
        }
      else if (g_main_context_get_thread_default () != slot->context || rnd (w, 4) == 0)
        {
          /* Pushing fails (a critical) if another thread owns it even
           * for an instant: only ours iterate it, and the library never
           * acquires it. */
          g_main_context_push_thread_default (slot->context);
          g_assert_true (g_main_context_get_thread_default () == slot->context);
          slot->pushed++;
          g_atomic_int_add (&s->stats[S_PUSHES], 1);
        }
    }
  else if (choice < 86)
    {
      destroy_slot (w, k);
    }
  else if (choice < 94)
    {
      try_or_block (w);
    }
  else
    {
      control (w);
    }

  forget_orphans (w);
}

/* Pops what is pushed, in order (the last pushed first). */
static void
pop_all (Worker *w)
{
  while (g_main_context_get_thread_default () != NULL)
    {
      GMainContext *top = g_main_context_get_thread_default ();
      guint k;

      for (k = 0; k < N_CONTEXTS && w->slots[k].context != top; k++)
        ;
      g_assert_cmpuint (k, <, N_CONTEXTS);
      g_main_context_pop_thread_default (top);
      w->slots[k].pushed--;
    }
}

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;
  Shared *s = w->shared;

  current_worker = w;
  w->thread = g_thread_self ();
  for (guint i = 0; i < s->n_ops; i++)
    {
      step (w);
      progress (s);
    }

  /* Wind down: nothing new; release, deliver, until all ours are done. */
  pop_all (w);
  g_atomic_int_inc (&s->n_finished);
  while (w->pending->len > 0 || w->held->len > 0 || !g_atomic_int_get (&s->stopping))
    {
      while (w->held->len > 0)
        leave (w, 0);
      for (guint k = 0; k < N_CONTEXTS; k++)
        iterate_slot (w, k, rnd (w, 2));
      forget_orphans (w);
      g_usleep (100);
    }

  current_worker = NULL;
  return NULL;
}

/* ---- The run --------------------------------------------------------------------------- */

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
test_threads (void)
{
  Shared *s = &shared;
  Worker workers[N_WORKERS] = { { 0, } };
  GObject *weak[16];
  guint n_weak = 0;
  gint seen = -1;

  memset (s, 0, sizeof *s);
  s->seed = env_number ("FIFO_TEST_SEED", g_test_rand_int ());
  s->n_ops = (fifo_test_scale (1000) < 1000 ? 5000 : 100000) * MAX (1, env_number ("FIFO_TEST_SOAK", 1));
  g_test_message ("seed %u (FIFO_TEST_SEED), %u steps per thread, %u threads",
                  s->seed, s->n_ops, N_WORKERS);

  s->lock = fifo_lock_new ();
  s->exclusive = fifo_exclusive_mode_new ();
  s->shared_mode = fifo_shared_mode_new ();
  s->mutex = fifo_mutex_new ();
  s->semaphore = fifo_semaphore_new_bounded (SEM_BOUND);
  s->event = fifo_event_new ();
  s->condition = fifo_condition_new (NULL);
  s->cond_mutex = fifo_condition_get_mutex (s->condition);
  s->barrier = fifo_barrier_new (PARTIES);
  g_mutex_init (&s->pool.lock);
  s->pool.all = g_ptr_array_new_with_free_func (g_object_unref);

  fifo_watchdog_start ("the threaded explorer", 60);
  for (guint i = 0; i < N_WORKERS; i++)
    {
      Worker *w = &workers[i];

      w->shared = s;
      w->index = i;
      w->rand = g_rand_new_with_seed (s->seed + i);
      w->iterating = -1;
      w->pending = g_ptr_array_new ();
      w->orphans = g_ptr_array_new_with_free_func (g_free);
      w->held = g_array_new (FALSE, FALSE, sizeof (Held));
      for (guint k = 0; k < N_CONTEXTS; k++)
        slot_context_new (w, &w->slots[k]);
    }
  for (guint i = 0; i < N_WORKERS; i++)
    workers[i].thread = g_thread_new ("explorer", worker_thread, &workers[i]);

  /* Kick the watchdog as long as something happens. */
  while (g_atomic_int_get (&s->n_finished) < N_WORKERS)
    {
      gint now = g_atomic_int_get (&s->progress);

      if (now != seen)
        fifo_watchdog_kick ();
      seen = now;
      g_usleep (10000);
    }

  /* End the waits nothing else would end. */
  g_atomic_int_set (&s->stopping, TRUE);
  fifo_event_set (s->event);
  fifo_barrier_abort (s->barrier);
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (fifo_mutex_acquire (s->cond_mutex, NULL, &error));
    fifo_condition_notify_all (s->condition);
    fifo_mutex_release (s->cond_mutex);
  }
  for (guint i = 0; i < N_WORKERS; i++)
    {
      g_thread_join (workers[i].thread);
      fifo_watchdog_kick ();
    }
  fifo_watchdog_stop ();

  g_test_message ("%d requests, %d cancels (%d from callbacks), %d handler runs, "
                  "%d contexts destroyed, %d requests passed over, %d blocking, %d pushes",
                  s->stats[S_REQUESTS], s->stats[S_CANCELS], s->stats[S_CALLBACK_CANCELS],
                  s->stats[S_HANDLER_RUNS], s->stats[S_DESTROYED], s->stats[S_PASSED],
                  s->stats[S_BLOCKING], s->stats[S_PUSHES]);

  /* Everything is free again. */
  g_assert_cmpint (s->in_exclusive + s->in_shared + s->in_mutex + s->in_semaphore + s->in_cond_mutex, ==, 0);
  g_assert_true (fifo_lock_try_acquire (s->lock, s->exclusive));
  fifo_lock_release (s->lock, s->exclusive);
  g_assert_cmpuint (fifo_lock_get_n_waiting (s->lock), ==, 0);
  g_assert_false (fifo_mutex_get_locked (s->mutex));
  g_assert_cmpuint (fifo_semaphore_get_value (s->semaphore), ==, SEM_BOUND);
  g_assert_cmpuint (fifo_event_get_n_waiting (s->event), ==, 0);
  g_assert_false (fifo_mutex_get_locked (s->cond_mutex));
  g_assert_cmpuint (fifo_condition_get_n_waiting (s->condition), ==, 0);
  g_assert_cmpuint (fifo_barrier_get_n_waiting (s->barrier), ==, 0);

  for (guint i = 0; i < N_WORKERS; i++)
    {
      for (guint k = 0; k < N_CONTEXTS; k++)
        g_main_context_unref (workers[i].slots[k].context);
      g_rand_free (workers[i].rand);
      g_ptr_array_unref (workers[i].pending);
      g_ptr_array_unref (workers[i].orphans);
      g_array_unref (workers[i].held);
    }

  /* Every object goes with the test's references: the primitives, their
   * modes, every cancellable ever used. */
  for (guint i = 0; i < N_CANCELS; i++)
    g_clear_object (&s->pool.slots[i]);
  g_mutex_clear (&s->pool.lock);
  weak[n_weak++] = G_OBJECT (s->lock);
  weak[n_weak++] = G_OBJECT (s->exclusive);
  weak[n_weak++] = G_OBJECT (s->shared_mode);
  weak[n_weak++] = G_OBJECT (s->mutex);
  weak[n_weak++] = G_OBJECT (s->semaphore);
  weak[n_weak++] = G_OBJECT (s->event);
  weak[n_weak++] = G_OBJECT (s->condition);
  weak[n_weak++] = G_OBJECT (s->cond_mutex);
  weak[n_weak++] = G_OBJECT (s->barrier);
  for (guint i = 0; i < n_weak; i++)
    g_object_add_weak_pointer (weak[i], (gpointer *) &weak[i]);
  {
    g_autoptr(GPtrArray) cancellables = g_ptr_array_new ();

    for (guint i = 0; i < s->pool.all->len; i++)
      {
        gpointer *slot = g_new (gpointer, 1);

        *slot = g_ptr_array_index (s->pool.all, i);
        g_object_add_weak_pointer (*slot, slot);
        g_ptr_array_add (cancellables, slot);
      }
    g_ptr_array_unref (s->pool.all);
    for (guint i = 0; i < cancellables->len; i++)
      {
        gpointer *slot = g_ptr_array_index (cancellables, i);

        if (*slot != NULL)
          g_error ("a cancellable outlived every reference the test had");
        g_free (slot);
      }
  }

  g_object_unref (s->barrier);
  g_object_unref (s->condition);
  g_object_unref (s->event);
  g_object_unref (s->semaphore);
  g_object_unref (s->mutex);
  g_object_unref (s->shared_mode);
  g_object_unref (s->exclusive);
  g_object_unref (s->lock);
  for (guint i = 0; i < n_weak; i++)
    if (weak[i] != NULL)
      g_error ("object %u (%s) outlived every reference the test had", i, G_OBJECT_TYPE_NAME (weak[i]));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/threads", test_threads);

  return g_test_run ();
}
