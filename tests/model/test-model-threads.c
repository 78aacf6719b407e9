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
 *    reset;
 *  - put into and get from a bounded FifoQueue (async, try_, blocking — a
 *    blocking call that waits too long is cancelled by the main thread),
 *    mark the work on items got done, join; the main thread shuts it down
 *    at the end (immediate or not, by the seed) and takes what is left.
 *
 * There is no exact model here; what must hold whatever the schedule: every
 * callback runs exactly once, in the thread that owns its context and in an
 * iteration of that context, never for a context that was destroyed; the
 * exclusions hold; no critical (a failed push of a context its owner holds
 * is one; so is a task_done the queue did not count an item for); every
 * item given to the queue is got exactly once or freed exactly once by its
 * free function, never both, and one whose put failed is never got; and
 * nothing hangs — a watchdog prints every thread's stack. At
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
#include <string.h>

/* Debug lines and slow warnings seen by count_debug_writer(). */
static gint debug_lines;
static gint slow_warnings;

#define N_WORKERS     4
#define N_CONTEXTS    2     /* per worker */
#define N_CANCELS     12    /* the shared pool */
#define SEM_BOUND     2
#define PARTIES       3
#define MAX_PENDING   24    /* per worker */
#define QUEUE_MAX     3
#define BLOCK_LIMIT   (5 * G_TIME_SPAN_MILLISECOND)   /* then cancelled */

/* What became of a queue item: one gint each, its address the item. */
#define REC_GOT        (1 << 0)    /* counts, in bits 0-7 */
#define REC_FREED      (1 << 8)    /* counts, in bits 8-15 */
#define REC_COUNTS     0xffff
#define REC_SUBMITTED  (1 << 16)   /* handed to a put */
#define REC_REFUSED    (1 << 17)   /* try_put said no: still ours */
#define REC_PUT_OK     (1 << 18)
#define REC_PUT_FAILED (1 << 19)

typedef enum {
  K_LOCK_EXCLUSIVE,
  K_LOCK_SHARED,
  K_MUTEX,
  K_SEMAPHORE,
  K_EVENT,
  K_BARRIER,
  K_COND_MUTEX,   /* the condition's mutex, to produce or to wait */
  K_COND_WAIT,    /* wait_for, made holding the mutex */
  K_QUEUE_PUT,
  K_QUEUE_GET,    /* held: the work on the item, until task_done */
  K_QUEUE_JOIN,
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

enum { S_REQUESTS, S_CANCELS, S_HANDLER_RUNS, S_DESTROYED, S_PASSED, S_BLOCKING, S_PUSHES, S_CALLBACK_CANCELS,
       S_ITEMS, S_GOT, S_FREED, S_BLOCKING_CANCELLED, S_NOTIFIED, N_STATS };

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
  FifoQueue     *queue;
  gint          *records;         /* one per queue item, its address the item */
  gint           n_items_max;
  gint           next_item;

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
  gint           n_exited;
  gint           progress;
  gint           stats[N_STATS];
} Shared;


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
  gint         *item;      /* K_QUEUE_PUT */
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
  /* A blocking call in progress, for the main thread to cancel if it waits
   * too long (no other thread may ever end it). */
  GMutex        blocking_lock;
  GCancellable *blocking;
  gint64        blocking_since;
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

/* ---- Queue items ---------------------------------------------------------------- */

/* A new item, or NULL once as many were made as the run can count. */
static gint *
item_new (Shared *s)
{
  gint i = g_atomic_int_add (&s->next_item, 1);

  if (i >= s->n_items_max)
    return NULL;
  g_atomic_int_add (&s->stats[S_ITEMS], 1);
  return &s->records[i];
}

static void
item_got (Shared *s,
          gpointer item)
{
  gint old = g_atomic_int_add ((gint *) item, REC_GOT);

  if ((old & REC_COUNTS) != 0)
    g_error ("item %p got, but it was already %s", item, (old & 0xff) ? "got" : "freed");
  if ((old & REC_SUBMITTED) == 0 || (old & (REC_REFUSED | REC_PUT_FAILED)) != 0)
    g_error ("item %p got, but it was never put (flags %#x)", item, (guint) old);
  g_atomic_int_add (&s->stats[S_GOT], 1);
}

/* Set on a thread while it drops a context's last reference: the library
 * runs nothing of the application's in a context's finalizer (it may be a
 * binding's garbage collection, or inside a mode's is_compatible). */
static _Thread_local gboolean finalizing_context;

static void
check_not_finalizing (const char *what)
{
  if (finalizing_context)
    g_error ("%s ran inside a GMainContext's finalizer, which must run no user code", what);
}

/* Every primitive's notifications: user code the library runs. */
static void
notified_cb (GObject    *object,
             GParamSpec *pspec,
             gpointer    user_data)
{
  check_not_finalizing ("a notify handler");
  g_atomic_int_add (&((Shared *) user_data)->stats[S_NOTIFIED], 1);
}

/* The queue's free function: what it still held, or a failed put's. */
static void
queue_free_item (gpointer item)
{
  gint old;

  check_not_finalizing ("a queue's free function");
  old = g_atomic_int_add ((gint *) item, REC_FREED);

  if ((old & REC_COUNTS) != 0)
    g_error ("item %p freed, but it was already %s", item, (old & 0xff) ? "got" : "freed");
  if ((old & REC_SUBMITTED) == 0 || (old & REC_REFUSED) != 0)
    g_error ("item %p freed by the queue, but it was never its (flags %#x)", item, (guint) old);
  g_atomic_int_add (&shared.stats[S_FREED], 1);
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
    case K_QUEUE_GET:
      break;  /* an item got: its work, to mark done */
    case K_EVENT:
    case K_BARRIER:
    case K_QUEUE_PUT:
    case K_QUEUE_JOIN:
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
    case K_QUEUE_GET:
      /* Never more than were put: that would be a critical. */
      fifo_queue_task_done (s->queue);
      break;
    case K_COND_WAIT:
    case K_QUEUE_PUT:
    case K_QUEUE_JOIN:
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
  Request *request;
  gboolean push = g_main_context_get_thread_default () != slot->context || rnd (w, 2) == 0;
  gint *item = NULL;

  if (kind == K_QUEUE_PUT)
    {
      if ((item = item_new (s)) == NULL)
        return;
      g_atomic_int_or (item, REC_SUBMITTED);
    }

  request = g_new0 (Request, 1);
  request->item = item;
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
    case K_QUEUE_PUT:
      fifo_queue_put_async (s->queue, item, cancellable, request_done_cb, request);
      break;
    case K_QUEUE_GET:
      fifo_queue_get_async (s->queue, cancellable, request_done_cb, request);
      break;
    case K_QUEUE_JOIN:
      fifo_queue_join_async (s->queue, cancellable, request_done_cb, request);
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
    case K_QUEUE_PUT:
      g_assert_true (source == G_OBJECT (s->queue));
      ok = fifo_queue_put_finish (s->queue, result, &error);
      /* Not put: its result frees it, once this callback returns. */
      g_atomic_int_or (request->item, ok ? REC_PUT_OK : REC_PUT_FAILED);
      break;
    case K_QUEUE_GET:
      {
        gpointer item = fifo_queue_get_finish (s->queue, result, &error);

        ok = item != NULL;
        if (ok)
          item_got (s, item);
      }
      break;
    case K_QUEUE_JOIN:
      ok = fifo_queue_join_finish (s->queue, result, &error);
      break;
    case N_KINDS:
    default:
      g_assert_not_reached ();
    }

  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, FIFO_ERROR, FIFO_ERROR_BROKEN_BARRIER) &&
      !g_error_matches (error, FIFO_ERROR, FIFO_ERROR_QUEUE_SHUT_DOWN))
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
  finalizing_context = TRUE;
  g_main_context_unref (dead);
  finalizing_context = FALSE;
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

/* A blocking call may wait for ever (nobody puts, nobody gets, nobody marks
 * done): the main thread cancels it once it has waited BLOCK_LIMIT. */
static GCancellable *
blocking_begin (Worker *w)
{
  GCancellable *cancellable = g_cancellable_new ();

  g_mutex_lock (&w->blocking_lock);
  w->blocking = g_object_ref (cancellable);
  w->blocking_since = g_get_monotonic_time ();
  g_mutex_unlock (&w->blocking_lock);
  g_atomic_int_add (&w->shared->stats[S_BLOCKING], 1);
  return cancellable;
}

static void
blocking_end (Worker       *w,
              GCancellable *cancellable,
              GError       *error)
{
  g_mutex_lock (&w->blocking_lock);
  g_clear_object (&w->blocking);
  g_mutex_unlock (&w->blocking_lock);
  g_object_unref (cancellable);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, FIFO_ERROR, FIFO_ERROR_QUEUE_SHUT_DOWN))
    g_error ("a blocking queue call failed with an unexpected error: %s", error->message);
}

/* The main thread: cancels the blocking calls that wait too long. */
static void
cancel_stuck (Worker *workers)
{
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < N_WORKERS; i++)
    {
      Worker *w = &workers[i];
      GCancellable *stuck = NULL;

      g_mutex_lock (&w->blocking_lock);
      if (w->blocking != NULL && now - w->blocking_since > BLOCK_LIMIT)
        stuck = g_object_ref (w->blocking);
      g_mutex_unlock (&w->blocking_lock);
      if (stuck != NULL)
        {
          g_atomic_int_add (&w->shared->stats[S_BLOCKING_CANCELLED], 1);
          g_cancellable_cancel (stuck);
          g_object_unref (stuck);
        }
    }
}

/* The queue's try_ and blocking forms, and its properties raced. */
static void
queue_try_or_block (Worker *w)
{
  Shared *s = w->shared;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  gpointer got = NULL;
  gint *item;

  switch (rnd (w, 7))
    {
    case 0:
    case 1:
      if ((item = item_new (s)) == NULL)
        break;
      g_atomic_int_or (item, REC_SUBMITTED);
      g_atomic_int_or (item, fifo_queue_try_put (s->queue, item) ? REC_PUT_OK : REC_REFUSED);
      break;
    case 2:
    case 3:
      {
        /* Without somewhere to put it, the item is the queue's to free. */
        gboolean keep = rnd (w, 8) != 0;

        if (fifo_queue_try_get (s->queue, keep ? &got : NULL))
          {
            if (keep)
              item_got (s, got);
            enter (w, K_QUEUE_GET);
          }
      }
      break;
    case 4:
      if ((item = item_new (s)) == NULL)
        break;
      g_atomic_int_or (item, REC_SUBMITTED);
      cancellable = blocking_begin (w);
      /* Not put: freed with the free function before it returns. */
      g_atomic_int_or (item, fifo_queue_put (s->queue, item, cancellable, &error) ? REC_PUT_OK : REC_PUT_FAILED);
      blocking_end (w, cancellable, error);
      break;
    case 5:
      cancellable = blocking_begin (w);
      got = fifo_queue_get (s->queue, cancellable, &error);
      blocking_end (w, cancellable, error);
      if (got != NULL)
        {
          item_got (s, got);
          enter (w, K_QUEUE_GET);
        }
      break;
    default:
      if (rnd (w, 4) == 0)
        {
          cancellable = blocking_begin (w);
          fifo_queue_join (s->queue, cancellable, &error);
          blocking_end (w, cancellable, error);
        }
      else
        {
          guint n_items = 0, n_waiting = 0;
          gboolean shut_down = TRUE;

          g_object_get (s->queue, "n-items", &n_items, "n-waiting", &n_waiting,
                        "is-shut-down", &shut_down, NULL);
          /* Over max-size only by items given back in front, one at most
           * for each get in flight. */
          g_assert_cmpuint (n_items, <=, QUEUE_MAX + N_WORKERS * (MAX_PENDING + 1));
          g_assert_false (shut_down);
        }
      break;
    }
}

static void
try_or_block (Worker *w)
{
  Shared *s = w->shared;
  Kind kind = rnd (w, 4) == 0 ? K_LOCK_SHARED : (Kind) rnd (w, K_SEMAPHORE + 1);
  gboolean ok = FALSE;

  if (rnd (w, 3) == 0)
    {
      queue_try_or_block (w);
      return;
    }

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

          /* A quarter for the queue: even workers mostly produce, odd
           * ones mostly consume; joins only with a cancellable (the end
           * is rare while the others work). */
          if (rnd (w, 4) == 0)
            {
              guint r = rnd (w, 10);

              kind = r == 9 ? K_QUEUE_JOIN : (r < 7) == (w->index % 2 == 0) ? K_QUEUE_PUT : K_QUEUE_GET;
              if (kind == K_QUEUE_JOIN && cancellable == NULL)
                kind = K_QUEUE_GET;
            }
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
  g_atomic_int_inc (&s->n_exited);
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
  s->queue = fifo_queue_new (QUEUE_MAX, queue_free_item);
  {
    GObject *primitives[] = { G_OBJECT (s->lock), G_OBJECT (s->mutex), G_OBJECT (s->semaphore),
                              G_OBJECT (s->event), G_OBJECT (s->condition), G_OBJECT (s->cond_mutex),
                              G_OBJECT (s->barrier), G_OBJECT (s->queue) };

    for (guint i = 0; i < G_N_ELEMENTS (primitives); i++)
      {
        g_autofree char *name = g_strdup_printf ("model-%u", i);

        /* Named, so that traced runs format names while threads race. */
        g_object_set (primitives[i], "name", name, NULL);
        g_signal_connect (primitives[i], "notify", G_CALLBACK (notified_cb), s);
      }
  }
  /* At most one item a step. */
  s->n_items_max = N_WORKERS * s->n_ops;
  s->records = g_new0 (gint, s->n_items_max);
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
      g_mutex_init (&w->blocking_lock);
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
      cancel_stuck (workers);
      g_usleep (2000);
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
  /* Puts fail from now on; the gets waiting fail, or take what is left
   * (dropped, with immediate); whatever is left, or given back by gets the
   * workers cancel or whose contexts they destroy, this thread takes (and
   * marks done, for the joins) until every worker is through. */
  fifo_queue_shutdown (s->queue, s->seed % 2 == 0);
  for (;;)
    {
      /* Once every worker is through, nothing comes back: a last round. */
      gboolean last = g_atomic_int_get (&s->n_exited) == N_WORKERS;
      gint now = g_atomic_int_get (&s->progress);
      gpointer item;

      while (fifo_queue_try_get (s->queue, &item))
        {
          item_got (s, item);
          fifo_queue_task_done (s->queue);
          now = -1;
        }
      if (last)
        break;
      if (now != seen)
        fifo_watchdog_kick ();
      seen = now;
      g_usleep (1000);
    }
  for (guint i = 0; i < N_WORKERS; i++)
    g_thread_join (workers[i].thread);
  fifo_watchdog_stop ();

  g_test_message ("%d requests, %d cancels (%d from callbacks), %d handler runs, "
                  "%d contexts destroyed, %d requests passed over, %d blocking (%d cancelled "
                  "by the main thread), %d pushes, %d notifications; queue items: %d made, %d got, "
                  "%d freed by the queue",
                  s->stats[S_REQUESTS], s->stats[S_CANCELS], s->stats[S_CALLBACK_CANCELS],
                  s->stats[S_HANDLER_RUNS], s->stats[S_DESTROYED], s->stats[S_PASSED],
                  s->stats[S_BLOCKING], s->stats[S_BLOCKING_CANCELLED], s->stats[S_PUSHES],
                  s->stats[S_NOTIFIED], s->stats[S_ITEMS], s->stats[S_GOT], s->stats[S_FREED]);

  if (g_getenv ("FIFO_TEST_COUNT_DEBUG") != NULL)
    {
      g_test_message ("%d debug lines, %d slow warnings", g_atomic_int_get (&debug_lines),
                      g_atomic_int_get (&slow_warnings));
      g_assert_cmpint (g_atomic_int_get (&debug_lines), >, 0);
    }

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
  g_assert_cmpuint (fifo_queue_get_n_items (s->queue), ==, 0);
  g_assert_cmpuint (fifo_queue_get_n_waiting (s->queue), ==, 0);
  g_assert_true (fifo_queue_get_is_shut_down (s->queue));

  for (guint i = 0; i < N_WORKERS; i++)
    {
      for (guint k = 0; k < N_CONTEXTS; k++)
        g_main_context_unref (workers[i].slots[k].context);
      g_rand_free (workers[i].rand);
      g_ptr_array_unref (workers[i].pending);
      g_ptr_array_unref (workers[i].orphans);
      g_array_unref (workers[i].held);
      g_assert_null (workers[i].blocking);
      g_mutex_clear (&workers[i].blocking_lock);
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
  weak[n_weak++] = G_OBJECT (s->queue);
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

  g_object_unref (s->queue);
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

  /* Every item handed to the queue was got exactly once or freed exactly
   * once, one whose put failed freed; one try_put refused is untouched. */
  for (gint i = 0; i < MIN (s->next_item, s->n_items_max); i++)
    {
      gint record = s->records[i];
      guint got = record & 0xff, freed = (record >> 8) & 0xff;

      if ((record & REC_SUBMITTED) == 0)
        g_error ("item %d was made but never used", i);
      if ((record & REC_REFUSED) ? got + freed != 0 : got + freed != 1)
        g_error ("item %d (flags %#x): got %u times, freed %u times", i, (guint) record, got, freed);
      if ((record & REC_PUT_FAILED) && freed != 1)
        g_error ("item %d: its put failed, but it was got", i);
    }
  g_free (s->records);
}

/* With G_MESSAGES_DEBUG=Fifo (a traced run), the library's debug lines are
 * counted and checked here, not printed: tens of megabytes a run. */

static GLogWriterOutput
count_debug_writer (GLogLevelFlags   level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  if ((level & G_LOG_LEVEL_DEBUG) && g_strcmp0 (domain, "Fifo") == 0)
    {
      /* Every line names its primitive: all of them are named here. */
      if (message == NULL || strstr (message, "“model-") == NULL)
        g_error ("a debug line that names no primitive: %s", message ? message : "(none)");
      g_atomic_int_inc (&debug_lines);
      return G_LOG_WRITER_HANDLED;
    }
  /* FIFO_DEBUG=slow=1: the watch warns from its thread while the workers
   * end what it warns about. Counted, and any other warning still fails. */
  if ((level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, "Fifo") == 0 &&
      message != NULL && strstr (message, "longer than FIFO_DEBUG=slow=") != NULL)
    {
      if (strstr (message, "“model-") == NULL)
        g_error ("a slow warning that names no primitive: %s", message);
      g_atomic_int_inc (&slow_warnings);
      return G_LOG_WRITER_HANDLED;
    }
  if (level & G_LOG_LEVEL_WARNING)
    g_error ("an unexpected warning: %s", message != NULL ? message : "(none)");
  return g_log_writer_default (level, fields, n_fields, user_data);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("FIFO_TEST_COUNT_DEBUG") != NULL)
    {
      g_log_set_writer_func (count_debug_writer, NULL, NULL);
      /* Slow warnings are counted, not fatal; the writer fails on others. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    }

  g_test_add_func ("/model/threads", test_threads);

  return g_test_run ();
}
