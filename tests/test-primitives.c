/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* FifoMutex, FifoSemaphore, FifoEvent, FifoCondition and FifoBarrier beyond
 * what asyncio can test: threads with their own main contexts on one
 * primitive, the blocking and try_ forms, constant-stack hand-off chains,
 * the cancellation guarantees, property notifications and misuse. */
#define _POSIX_C_SOURCE 200809L

#include <fifolock-glib/fifolock.h>

#ifdef G_OS_UNIX
#include <pthread.h>
#endif

#include "fifo-test-util.h"

/* ---- A small "acquirable" abstraction, to run one scenario on the mutex
 * and on the semaphore. */

typedef struct
{
  const char *name;
  void     (*acquire_async)  (gpointer self, GCancellable *c, GAsyncReadyCallback cb, gpointer data);
  gboolean (*acquire_finish) (gpointer self, GAsyncResult *r, GError **error);
  gboolean (*acquire)        (gpointer self, GCancellable *c, GError **error);
  gboolean (*try_acquire)    (gpointer self);
  void     (*release)        (gpointer self);
} Acquirable;

static const Acquirable mutex_ops = {
  "mutex",
  (gpointer) fifo_mutex_acquire_async,
  (gpointer) fifo_mutex_acquire_finish,
  (gpointer) fifo_mutex_acquire,
  (gpointer) fifo_mutex_try_acquire,
  (gpointer) fifo_mutex_release,
};

static const Acquirable semaphore_ops = {
  "semaphore",
  (gpointer) fifo_semaphore_acquire_async,
  (gpointer) fifo_semaphore_acquire_finish,
  (gpointer) fifo_semaphore_acquire,
  (gpointer) fifo_semaphore_try_acquire,
  (gpointer) fifo_semaphore_release,
};

typedef struct
{
  const Acquirable *ops;
  gpointer          self;
  gboolean          done;
  gboolean          ok;
  GError           *error;
} Request;

static void
request_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Request *request = data;

  g_assert_false (request->done);
  request->ok = request->ops->acquire_finish (source, result, &request->error);
  request->done = TRUE;
}

static void
request_start (Request          *request,
               const Acquirable *ops,
               gpointer          self,
               GCancellable     *cancellable)
{
  memset (request, 0, sizeof *request);
  request->ops = ops;
  request->self = self;
  ops->acquire_async (self, cancellable, request_cb, request);
}

/* ---- Constant stack, for the mutex and the semaphore ------------------------ */

typedef struct
{
  const Acquirable *ops;
  gpointer          self;
  guint             rounds_left;
  guint             outstanding;
  guint             handoffs;
  guintptr          stack_low;
  guintptr          stack_high;
} Chain;

static void
chain_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Chain *chain = data;
  int here;

  g_assert_true (chain->ops->acquire_finish (source, result, NULL));
  chain->stack_low = MIN (chain->stack_low, (guintptr) &here);
  chain->stack_high = MAX (chain->stack_high, (guintptr) &here);
  chain->handoffs++;

  chain->ops->release (chain->self);
  if (chain->rounds_left > 0)
    {
      chain->rounds_left--;
      chain->ops->acquire_async (chain->self, NULL, chain_cb, chain);
    }
  else
    {
      chain->outstanding--;
    }
}

static void
chain_run (Chain *chain)
{
  guint total = fifo_test_scale (1000000);
  guint waiters = 1000;

  chain->rounds_left = total - waiters;
  chain->outstanding = waiters;
  chain->stack_low = G_MAXSIZE;
  for (guint i = 0; i < waiters; i++)
    chain->ops->acquire_async (chain->self, NULL, chain_cb, chain);
  while (chain->outstanding > 0)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  g_assert_cmpuint (chain->handoffs, ==, total);
}

static gpointer
small_stack_main (gpointer data)
{
  Chain *chains = data;
  GMainContext *context = g_main_context_new ();
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(FifoSemaphore) semaphore = fifo_semaphore_new (3);

  g_main_context_push_thread_default (context);
  chains[0] = (Chain) { &mutex_ops, mutex };
  chain_run (&chains[0]);
  chains[1] = (Chain) { &semaphore_ops, semaphore };
  chain_run (&chains[1]);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return NULL;
}

static void
test_constant_stack (void)
{
#ifdef G_OS_UNIX
  Chain chains[2];
  pthread_attr_t attr;
  pthread_t thread;

  g_assert_cmpint (pthread_attr_init (&attr), ==, 0);
  g_assert_cmpint (pthread_attr_setstacksize (&attr, 256 * 1024), ==, 0);
  g_assert_cmpint (pthread_create (&thread, &attr, small_stack_main, chains), ==, 0);
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
  pthread_attr_destroy (&attr);

  for (guint i = 0; i < 2; i++)
    {
      g_test_message ("%s: %u hand-offs, callbacks spanned %" G_GSIZE_FORMAT " bytes of stack",
                      chains[i].ops->name, chains[i].handoffs,
                      (gsize) (chains[i].stack_high - chains[i].stack_low));
      g_assert_cmpuint (chains[i].stack_high - chains[i].stack_low, <, 4096);
    }
#else
  g_test_skip ("needs POSIX threads to set a stack size");
#endif
}

/* ---- Threads with their own contexts ----------------------------------------- */

#define N_THREADS 4

typedef struct
{
  const Acquirable *ops;
  gpointer          self;
  guint             capacity;     /* how many may hold at once */
  gint              inside;       /* atomic */
  gint              max_inside;   /* atomic */
  guint             rounds;
} Shared;

typedef struct
{
  Shared  *shared;
  GThread *thread;
  guint    round;
  guint    wrong_thread;
  gboolean finished;
} Worker;

static void worker_next (Worker *worker);

static void
worker_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Worker *worker = data;
  Shared *shared = worker->shared;
  gint inside;

  g_assert_true (shared->ops->acquire_finish (source, result, NULL));
  if (worker->thread != g_thread_self ())
    worker->wrong_thread++;

  inside = g_atomic_int_add (&shared->inside, 1) + 1;
  g_assert_cmpint (inside, <=, shared->capacity);
  for (gint max = g_atomic_int_get (&shared->max_inside);
       inside > max && !g_atomic_int_compare_and_exchange (&shared->max_inside, max, inside);
       max = g_atomic_int_get (&shared->max_inside))
    ;
  g_atomic_int_add (&shared->inside, -1);
  shared->ops->release (shared->self);

  worker->round++;
  worker_next (worker);
}

static void
worker_next (Worker *worker)
{
  if (worker->round == worker->shared->rounds)
    worker->finished = TRUE;
  else if (worker->round % 5 == 4)
    {
      /* Now and then the non-waiting and the blocking forms, in the same
       * queue as everyone else. */
      if (!worker->shared->ops->try_acquire (worker->shared->self))
        g_assert_true (worker->shared->ops->acquire (worker->shared->self, NULL, NULL));
      g_atomic_int_add (&worker->shared->inside, 1);
      g_assert_cmpint (g_atomic_int_get (&worker->shared->inside), <=, worker->shared->capacity);
      g_atomic_int_add (&worker->shared->inside, -1);
      worker->shared->ops->release (worker->shared->self);
      worker->round++;
      worker_next (worker);
    }
  else
    worker->shared->ops->acquire_async (worker->shared->self, NULL, worker_cb, worker);
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  worker->thread = g_thread_self ();
  worker_next (worker);
  while (!worker->finished)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return NULL;
}

static void
run_threads (Shared *shared)
{
  Worker workers[N_THREADS] = { 0 };
  GThread *threads[N_THREADS];

  shared->rounds = fifo_test_scale (10000);
  for (guint i = 0; i < N_THREADS; i++)
    {
      workers[i].shared = shared;
      threads[i] = g_thread_new ("worker", worker_thread, &workers[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (workers[i].round, ==, shared->rounds);
      g_assert_cmpuint (workers[i].wrong_thread, ==, 0);
    }
  g_test_message ("%s: at most %d inside at once", shared->ops->name, shared->max_inside);
}

static void
test_mutex_threads (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  Shared shared = { &mutex_ops, mutex, 1 };

  run_threads (&shared);
  g_assert_false (fifo_mutex_get_locked (mutex));
  g_assert_cmpuint (fifo_mutex_get_n_waiting (mutex), ==, 0);
}

static void
test_semaphore_threads (void)
{
  g_autoptr(FifoSemaphore) semaphore = fifo_semaphore_new_bounded (2);
  Shared shared = { &semaphore_ops, semaphore, 2 };

  run_threads (&shared);
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, 2);
}

/* Two threads with their own contexts, handing one mutex back and forth:
 * every grant crosses threads, so a completion is delivered, and its
 * waiter freed, by the other thread while the granting thread still
 * finishes its locked section (a use-after-free once lurked there). */
typedef struct
{
  FifoMutex *mutex;
  guint      rounds;
  guint      done;
} Player;

static void
player_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Player *player = data;

  g_assert_true (fifo_mutex_acquire_finish (player->mutex, result, NULL));
  player->done++;
  fifo_mutex_release (player->mutex);
  if (player->done < player->rounds)
    fifo_mutex_acquire_async (player->mutex, NULL, player_cb, player);
}

static gpointer
player_thread (gpointer data)
{
  Player *player = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  fifo_mutex_acquire_async (player->mutex, NULL, player_cb, player);
  while (player->done < player->rounds)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static void
test_ping_pong (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  Player players[2] = { { mutex, fifo_test_scale (20000), 0 }, { mutex, fifo_test_scale (20000), 0 } };
  GThread *threads[2];

  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("player", player_thread, &players[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (players[0].done + players[1].done, ==, 2 * fifo_test_scale (20000));
  g_assert_false (fifo_mutex_get_locked (mutex));
}

/* One event, waiters in three threads' contexts, set from the main thread. */
typedef struct
{
  FifoEvent *event;
  GThread   *thread;
  gboolean   woken;
  gboolean   in_own_thread;
  gint      *n_waiting;
} EventWaiter;

static void
event_waiter_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  EventWaiter *waiter = data;

  g_assert_true (fifo_event_wait_finish (FIFO_EVENT (source), result, NULL));
  waiter->in_own_thread = waiter->thread == g_thread_self ();
  waiter->woken = TRUE;
}

static gpointer
event_waiter_thread (gpointer data)
{
  EventWaiter *waiter = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  waiter->thread = g_thread_self ();
  fifo_event_wait_async (waiter->event, NULL, event_waiter_cb, waiter);
  g_atomic_int_inc (waiter->n_waiting);
  while (!waiter->woken)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return NULL;
}

static void
test_event_threads (void)
{
  g_autoptr(FifoEvent) event = fifo_event_new ();
  EventWaiter waiters[3] = { 0 };
  GThread *threads[3];
  gint n_waiting = 0;

  for (guint i = 0; i < 3; i++)
    {
      waiters[i] = (EventWaiter) { event, NULL, FALSE, FALSE, &n_waiting };
      threads[i] = g_thread_new ("event-waiter", event_waiter_thread, &waiters[i]);
    }
  while (g_atomic_int_get (&n_waiting) < 3)
    g_usleep (1000);
  g_assert_cmpuint (fifo_event_get_n_waiting (event), ==, 3);

  fifo_event_set (event);
  for (guint i = 0; i < 3; i++)
    {
      g_thread_join (threads[i]);
      g_assert_true (waiters[i].woken);
      g_assert_true (waiters[i].in_own_thread);
    }
}

/* A barrier of four parties in four threads, blocking, cycle after cycle:
 * each cycle hands out every index exactly once. */
typedef struct
{
  FifoBarrier *barrier;
  guint        rounds;
  gint        *seen;     /* per round, a bit per index */
} BarrierRun;

static gpointer
barrier_thread (gpointer data)
{
  BarrierRun *run = data;

  for (guint round = 0; round < run->rounds; round++)
    {
      g_autoptr(GError) error = NULL;
      gint index = fifo_barrier_wait (run->barrier, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (index, >=, 0);
      g_assert_cmpint (index, <, 4);
      g_atomic_int_or (&run->seen[round], 1 << index);
    }

  return NULL;
}

static void
test_barrier_threads (void)
{
  g_autoptr(FifoBarrier) barrier = fifo_barrier_new (4);
  BarrierRun run = { barrier, fifo_test_scale (2000), NULL };
  GThread *threads[4];

  run.seen = g_new0 (gint, run.rounds);
  for (guint i = 0; i < 4; i++)
    threads[i] = g_thread_new ("party", barrier_thread, &run);
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);

  for (guint round = 0; round < run.rounds; round++)
    g_assert_cmpint (run.seen[round], ==, 0xf);
  g_assert_cmpuint (fifo_barrier_get_n_waiting (barrier), ==, 0);
  g_free (run.seen);
}

/* Producers and consumers in threads, through a condition: every item is
 * consumed exactly once, under the mutex. */
typedef struct
{
  FifoCondition *condition;
  guint          items;      /* guarded by the condition's mutex */
  guint          produced;
  guint          consumed;
  guint          total;
} Pipe;

static gboolean
pipe_has_item (gpointer data)
{
  Pipe *pipe = data;

  return pipe->items > 0 || pipe->consumed + pipe->items >= pipe->total;
}

static gpointer
consumer_thread (gpointer data)
{
  Pipe *pipe = data;
  FifoMutex *mutex = fifo_condition_get_mutex (pipe->condition);

  for (;;)
    {
      g_assert_true (fifo_mutex_acquire (mutex, NULL, NULL));
      g_assert_true (fifo_condition_wait_for (pipe->condition, pipe_has_item, pipe, NULL, NULL));
      if (pipe->items == 0)
        {
          fifo_mutex_release (mutex);
          return NULL;
        }
      pipe->items--;
      pipe->consumed++;
      if (pipe->consumed == pipe->total)
        fifo_condition_notify_all (pipe->condition);
      fifo_mutex_release (mutex);
    }
}

static gpointer
producer_thread (gpointer data)
{
  Pipe *pipe = data;
  FifoMutex *mutex = fifo_condition_get_mutex (pipe->condition);

  for (;;)
    {
      g_assert_true (fifo_mutex_acquire (mutex, NULL, NULL));
      if (pipe->produced == pipe->total)
        {
          fifo_mutex_release (mutex);
          return NULL;
        }
      pipe->produced++;
      pipe->items++;
      fifo_condition_notify (pipe->condition, 1);
      fifo_mutex_release (mutex);
    }
}

static void
test_condition_threads (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  Pipe pipe = { condition, 0, 0, 0, fifo_test_scale (20000) };
  GThread *threads[4];

  threads[0] = g_thread_new ("consumer", consumer_thread, &pipe);
  threads[1] = g_thread_new ("consumer", consumer_thread, &pipe);
  threads[2] = g_thread_new ("producer", producer_thread, &pipe);
  threads[3] = g_thread_new ("producer", producer_thread, &pipe);
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (pipe.produced, ==, pipe.total);
  g_assert_cmpuint (pipe.consumed, ==, pipe.total);
  g_assert_cmpuint (pipe.items, ==, 0);
  g_assert_false (fifo_mutex_get_locked (fifo_condition_get_mutex (condition)));
}

/* ---- Blocking and try_ forms --------------------------------------------------- */

typedef struct
{
  gpointer      self;
  GCancellable *cancellable;
  gint          started;   /* atomic */
  gboolean      ok;
  gint          index;
  GError       *error;
} Blocked;

static gpointer
blocked_event_thread (gpointer data)
{
  Blocked *b = data;

  g_atomic_int_set (&b->started, 1);
  b->ok = fifo_event_wait (b->self, b->cancellable, &b->error);
  return NULL;
}

static gpointer
blocked_condition_thread (gpointer data)
{
  Blocked *b = data;
  FifoMutex *mutex = fifo_condition_get_mutex (b->self);

  g_assert_true (fifo_mutex_acquire (mutex, NULL, NULL));
  g_atomic_int_set (&b->started, 1);
  b->ok = fifo_condition_wait (b->self, b->cancellable, &b->error);
  /* Notified or cancelled, it holds the mutex again. */
  g_assert_true (fifo_mutex_get_locked (mutex));
  fifo_mutex_release (mutex);
  return NULL;
}

static gpointer
blocked_barrier_thread (gpointer data)
{
  Blocked *b = data;

  g_atomic_int_set (&b->started, 1);
  b->index = fifo_barrier_wait (b->self, b->cancellable, &b->error);
  return NULL;
}

static void
test_blocking_forms (void)
{
  g_autoptr(FifoEvent) event = fifo_event_new ();
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  g_autoptr(FifoBarrier) barrier = fifo_barrier_new (2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Blocked b = { 0 };
  GThread *thread;

  /* Event: a worker blocks until the main thread sets it. */
  b = (Blocked) { event };
  thread = g_thread_new ("blocked", blocked_event_thread, &b);
  while (fifo_event_get_n_waiting (event) != 1)
    g_usleep (1000);
  fifo_event_set (event);
  g_thread_join (thread);
  g_assert_true (b.ok);
  g_assert_no_error (b.error);

  /* Condition: a worker waits with the mutex, the main thread notifies. */
  b = (Blocked) { condition };
  thread = g_thread_new ("blocked", blocked_condition_thread, &b);
  while (fifo_condition_get_n_waiting (condition) != 1)
    g_usleep (1000);
  g_assert_true (fifo_mutex_acquire (fifo_condition_get_mutex (condition), NULL, NULL));
  fifo_condition_notify (condition, 1);
  fifo_mutex_release (fifo_condition_get_mutex (condition));
  g_thread_join (thread);
  g_assert_true (b.ok);

  /* Condition, cancelled: the worker holds the mutex again all the same. */
  b = (Blocked) { condition, cancellable };
  thread = g_thread_new ("blocked", blocked_condition_thread, &b);
  while (fifo_condition_get_n_waiting (condition) != 1)
    g_usleep (1000);
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);
  g_assert_false (b.ok);
  g_assert_error (b.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&b.error);

  /* Barrier, cancelled: the party leaves the cycle, which is not broken. */
  g_cancellable_reset (cancellable);
  b = (Blocked) { barrier, cancellable };
  thread = g_thread_new ("blocked", blocked_barrier_thread, &b);
  while (fifo_barrier_get_n_waiting (barrier) != 1)
    g_usleep (1000);
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);
  g_assert_cmpint (b.index, ==, -1);
  g_assert_error (b.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&b.error);
  g_assert_cmpuint (fifo_barrier_get_n_waiting (barrier), ==, 0);
  g_assert_false (fifo_barrier_get_broken (barrier));

  /* Barrier, a whole cycle of two blocking parties. */
  {
    Blocked other = { barrier };
    GThread *second;

    b = (Blocked) { barrier };
    thread = g_thread_new ("blocked", blocked_barrier_thread, &b);
    while (fifo_barrier_get_n_waiting (barrier) != 1)
      g_usleep (1000);
    second = g_thread_new ("blocked", blocked_barrier_thread, &other);
    g_thread_join (thread);
    g_thread_join (second);
    g_assert_cmpint (b.index, ==, 0);
    g_assert_cmpint (other.index, ==, 1);
  }
}

static void
test_try_forms (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(FifoSemaphore) semaphore = fifo_semaphore_new (1);
  Request queued;

  /* Free: taken at once, without waiting. */
  g_assert_true (fifo_mutex_try_acquire (mutex));
  g_assert_false (fifo_mutex_try_acquire (mutex));
  g_assert_true (fifo_semaphore_try_acquire (semaphore));
  g_assert_false (fifo_semaphore_try_acquire (semaphore));
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, 0);

  /* Never past a queued request, not even at the moment of a release:
   * the release hands it to the queue. */
  request_start (&queued, &mutex_ops, mutex, NULL);
  fifo_mutex_release (mutex);
  g_assert_false (fifo_mutex_try_acquire (mutex));
  g_assert_true (fifo_mutex_get_locked (mutex));
  fifo_test_wait_for (&queued.done);
  g_assert_true (queued.ok);
  fifo_mutex_release (mutex);

  request_start (&queued, &semaphore_ops, semaphore, NULL);
  fifo_semaphore_release (semaphore);
  g_assert_false (fifo_semaphore_try_acquire (semaphore));
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, 0);
  fifo_test_wait_for (&queued.done);
  g_assert_true (queued.ok);
  fifo_semaphore_release (semaphore);
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, 1);
}

/* ---- Cancellation guarantees ---------------------------------------------------- */

/* A permit handed to a waiter cancelled before its callback ran passes on:
 * no permit is lost. */
static void
test_semaphore_cancel_after_grant (void)
{
  g_autoptr(FifoSemaphore) semaphore = fifo_semaphore_new (0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Request a, b;

  request_start (&a, &semaphore_ops, semaphore, cancellable);
  request_start (&b, &semaphore_ops, semaphore, NULL);
  fifo_semaphore_release (semaphore);     /* handed to a */
  g_cancellable_cancel (cancellable);     /* before a's callback */
  fifo_test_wait_for (&a.done);
  fifo_test_wait_for (&b.done);
  g_assert_false (a.ok);
  g_assert_error (a.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&a.error);
  g_assert_true (b.ok);
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, 0);
  fifo_semaphore_release (semaphore);
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, 1);
}

typedef struct
{
  FifoCondition *condition;
  gboolean       done;
  gboolean       ok;
  gboolean       held;   /* the mutex, when the callback ran */
  GError        *error;
} CondWait;

static void
cond_wait_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  CondWait *wait = data;

  wait->ok = fifo_condition_wait_finish (FIFO_CONDITION (source), result, &wait->error);
  wait->held = fifo_mutex_get_locked (fifo_condition_get_mutex (wait->condition));
  wait->done = TRUE;
}

static void
cond_wait_start (CondWait      *wait,
                 FifoCondition *condition,
                 GCancellable  *cancellable)
{
  *wait = (CondWait) { condition };
  g_assert_true (fifo_mutex_try_acquire (fifo_condition_get_mutex (condition)));
  fifo_condition_wait_async (condition, cancellable, cond_wait_cb, wait);
}

/* Cancelled while waiting: fails, and holds the mutex again. */
static void
test_condition_cancel_while_waiting (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  FifoMutex *mutex = fifo_condition_get_mutex (condition);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CondWait wait;

  cond_wait_start (&wait, condition, cancellable);
  g_assert_false (fifo_mutex_get_locked (mutex));  /* released while waiting */
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 1);

  g_cancellable_cancel (cancellable);
  fifo_test_wait_for (&wait.done);
  g_assert_false (wait.ok);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&wait.error);
  g_assert_true (wait.held);
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
  fifo_mutex_release (mutex);
}

/* Cancelled after its notification, while queued for the mutex: it still
 * completes holding the mutex, as cancelled, and the notification goes to
 * the next waiter. */
static void
test_condition_cancel_after_notify (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  FifoMutex *mutex = fifo_condition_get_mutex (condition);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CondWait first, second;

  cond_wait_start (&first, condition, cancellable);
  cond_wait_start (&second, condition, NULL);
  fifo_test_drain ();

  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_condition_notify (condition, 1);     /* first: queued at the mutex */
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 1);
  g_cancellable_cancel (cancellable);       /* passes the notification on */
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
  g_assert_cmpuint (fifo_mutex_get_n_waiting (mutex), ==, 2);

  fifo_mutex_release (mutex);
  fifo_test_wait_for (&first.done);
  g_assert_false (first.ok);
  g_assert_error (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&first.error);
  g_assert_true (first.held);
  g_assert_false (second.done);

  fifo_mutex_release (mutex);
  fifo_test_wait_for (&second.done);
  g_assert_true (second.ok);
  g_assert_true (second.held);
  fifo_mutex_release (mutex);
  g_assert_false (fifo_mutex_get_locked (mutex));
}

/* Handed the mutex, cancelled before its callback ran: it keeps the mutex
 * (a condition wait always returns holding it) and reports the
 * cancellation; its notification goes to the next waiter. */
static void
test_condition_cancel_after_grant (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  FifoMutex *mutex = fifo_condition_get_mutex (condition);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CondWait first, second;

  cond_wait_start (&first, condition, cancellable);
  cond_wait_start (&second, condition, NULL);
  fifo_test_drain ();

  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_condition_notify (condition, 1);
  fifo_mutex_release (mutex);               /* first now holds the mutex */
  g_cancellable_cancel (cancellable);
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);

  fifo_test_wait_for (&first.done);
  g_assert_error (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&first.error);
  g_assert_true (first.held);
  fifo_mutex_release (mutex);
  fifo_test_wait_for (&second.done);
  g_assert_true (second.ok);
  fifo_mutex_release (mutex);
}

/* A wait_for whose predicate already holds completes later, without
 * needing the mutex; one that does not waits until it holds. */
typedef struct
{
  gboolean done;
  gboolean ok;
  guint    checks;
  gboolean value;
  gboolean destroyed;
} WaitFor;

static gboolean
wait_for_predicate (gpointer data)
{
  WaitFor *w = data;

  w->checks++;
  return w->value;
}

static void
wait_for_destroy (gpointer data)
{
  ((WaitFor *) data)->destroyed = TRUE;
}

static void
wait_for_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  WaitFor *w = data;

  w->ok = fifo_condition_wait_for_finish (FIFO_CONDITION (source), result, NULL);
  w->done = TRUE;
}

static void
test_condition_wait_for (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  FifoMutex *mutex = fifo_condition_get_mutex (condition);
  WaitFor w = { 0 };

  w.value = TRUE;
  fifo_condition_wait_for_async (condition, wait_for_predicate, &w, wait_for_destroy,
                                 NULL, wait_for_cb, &w);
  g_assert_false (w.done);
  fifo_test_wait_for (&w.done);
  g_assert_true (w.ok);
  g_assert_cmpuint (w.checks, ==, 1);
  g_assert_true (w.destroyed);

  w = (WaitFor) { 0 };
  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_condition_wait_for_async (condition, wait_for_predicate, &w, wait_for_destroy,
                                 NULL, wait_for_cb, &w);
  g_assert_false (fifo_mutex_get_locked (mutex));
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (fifo_mutex_try_acquire (mutex));
      fifo_condition_notify_all (condition);
      fifo_mutex_release (mutex);
      fifo_test_drain ();
      g_assert_false (w.done);
      g_assert_cmpuint (w.checks, ==, i + 2);
    }
  g_assert_true (fifo_mutex_try_acquire (mutex));
  w.value = TRUE;
  fifo_condition_notify_all (condition);
  fifo_mutex_release (mutex);
  fifo_test_wait_for (&w.done);
  g_assert_true (w.ok);
  g_assert_true (w.destroyed);
  g_assert_true (fifo_mutex_get_locked (mutex));
  fifo_mutex_release (mutex);
}

static void
unreachable_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_assert_not_reached ();
}

static gpointer
dead_context_condition_thread (gpointer data)
{
  FifoCondition *condition = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  g_assert_true (fifo_mutex_acquire (fifo_condition_get_mutex (condition), NULL, NULL));
  fifo_condition_wait_async (condition, NULL, unreachable_cb, NULL);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);  /* never iterated */

  return NULL;
}

/* A condition waiter whose context is destroyed while it waits: once
 * notified it is handed the mutex, which nobody could ever release — so it
 * is released for it, and the notification passed on. */
static void
test_condition_context_destroyed (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  FifoMutex *mutex = fifo_condition_get_mutex (condition);

  g_thread_join (g_thread_new ("dead-context", dead_context_condition_thread, condition));
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 1);
  g_assert_false (fifo_mutex_get_locked (mutex));

  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_condition_notify (condition, 1);
  fifo_mutex_release (mutex);
  g_assert_false (fifo_mutex_get_locked (mutex));
  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_mutex_release (mutex);
}

/* ---- Property notifications -------------------------------------------------- */

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          gpointer    data)
{
  (*(guint *) data)++;
}

static void
test_properties (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(FifoSemaphore) semaphore = fifo_semaphore_new (2);
  g_autoptr(FifoEvent) event = fifo_event_new ();
  g_autoptr(FifoBarrier) barrier = fifo_barrier_new (3);
  guint locked = 0, value = 0, is_set = 0, broken = 0, n_waiting = 0;
  Request a;

  g_signal_connect (mutex, "notify::locked", G_CALLBACK (count_cb), &locked);
  g_assert_true (fifo_mutex_try_acquire (mutex));
  g_assert_cmpuint (locked, ==, 1);
  request_start (&a, &mutex_ops, mutex, NULL);
  fifo_mutex_release (mutex);  /* handed over: it stays locked, no notify */
  g_assert_cmpuint (locked, ==, 1);
  fifo_test_wait_for (&a.done);
  fifo_mutex_release (mutex);
  g_assert_cmpuint (locked, ==, 2);
  {
    gboolean prop;
    g_object_get (mutex, "locked", &prop, NULL);
    g_assert_false (prop);
  }

  g_signal_connect (semaphore, "notify::value", G_CALLBACK (count_cb), &value);
  g_assert_true (fifo_semaphore_try_acquire (semaphore));
  g_assert_true (fifo_semaphore_try_acquire (semaphore));
  g_assert_cmpuint (value, ==, 2);
  request_start (&a, &semaphore_ops, semaphore, NULL);
  fifo_semaphore_release (semaphore);  /* handed over: value stays 0 */
  g_assert_cmpuint (value, ==, 2);
  fifo_test_wait_for (&a.done);
  fifo_semaphore_release (semaphore);
  fifo_semaphore_release (semaphore);
  g_assert_cmpuint (value, ==, 4);
  g_assert_true (fifo_semaphore_is_bounded (semaphore) == FALSE);

  g_signal_connect (event, "notify::is-set", G_CALLBACK (count_cb), &is_set);
  fifo_event_set (event);
  fifo_event_set (event);
  g_assert_cmpuint (is_set, ==, 1);
  fifo_event_clear (event);
  g_assert_cmpuint (is_set, ==, 2);
  g_assert_false (fifo_event_get_is_set (event));

  g_signal_connect (barrier, "notify::broken", G_CALLBACK (count_cb), &broken);
  g_signal_connect (barrier, "notify::n-waiting", G_CALLBACK (count_cb), &n_waiting);
  g_assert_cmpuint (fifo_barrier_get_parties (barrier), ==, 3);
  fifo_barrier_abort (barrier);
  fifo_barrier_abort (barrier);
  g_assert_cmpuint (broken, ==, 1);
  fifo_barrier_reset (barrier);
  g_assert_cmpuint (broken, ==, 2);
  g_assert_cmpuint (n_waiting, ==, 0);
}

/* ---- Misuse: one g_critical naming the problem, state unchanged ---------------- */

typedef struct
{
  const char *name;
  const char *pattern;
  void      (*misuse) (void);
} MisuseCase;

static void
misuse_release_unlocked_mutex (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();

  fifo_mutex_release (mutex);
  g_assert_false (fifo_mutex_get_locked (mutex));
  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_mutex_release (mutex);
}

static void
misuse_release_bounded_past_bound (void)
{
  g_autoptr(FifoSemaphore) semaphore = fifo_semaphore_new_bounded (2);

  fifo_semaphore_release (semaphore);
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, 2);
}

static void
misuse_wait_without_mutex (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);

  fifo_condition_wait_async (condition, NULL, unreachable_cb, NULL);
  fifo_test_drain ();
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
  g_assert_false (fifo_mutex_get_locked (fifo_condition_get_mutex (condition)));
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static void
misuse_wait_for_without_mutex (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);

  fifo_condition_wait_for_async (condition, never, NULL, NULL, NULL, unreachable_cb, NULL);
  fifo_test_drain ();
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
}

static void
misuse_blocking_wait_without_mutex (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (fifo_condition_wait (condition, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
}

static void
misuse_notify_without_mutex (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);

  fifo_condition_notify (condition, 1);
  g_assert_false (fifo_mutex_get_locked (fifo_condition_get_mutex (condition)));
}

static void
misuse_notify_all_without_mutex (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);

  fifo_condition_notify_all (condition);
}

static void
misuse_zero_parties (void)
{
  g_assert_null (fifo_barrier_new (0));
}

static void
misuse_null_mutex (void)
{
  fifo_mutex_acquire_async (NULL, NULL, unreachable_cb, NULL);
}

static void
misuse_null_callback (void)
{
  g_autoptr(FifoSemaphore) semaphore = fifo_semaphore_new (1);

  fifo_semaphore_acquire_async (semaphore, NULL, NULL, NULL);
  g_assert_cmpuint (fifo_semaphore_get_value (semaphore), ==, 1);
}

static void
misuse_wrong_type (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();

  fifo_event_set ((FifoEvent *) mutex);
  g_assert_false (fifo_mutex_get_locked (mutex));
}

static void
misuse_condition_on_non_mutex (void)
{
  g_autoptr(FifoEvent) event = fifo_event_new ();

  g_assert_null (fifo_condition_new ((FifoMutex *) event));
}

static const MisuseCase misuse_cases[] = {
  { "release-unlocked-mutex", "*mutex*is not locked*", misuse_release_unlocked_mutex },
  { "release-bounded-past-bound", "*released too many times*", misuse_release_bounded_past_bound },
  { "wait-without-mutex", "*fifo_condition_wait_async*mutex*not held*", misuse_wait_without_mutex },
  { "wait-for-without-mutex", "*fifo_condition_wait_for_async*mutex*not held*", misuse_wait_for_without_mutex },
  { "blocking-wait-without-mutex", "*fifo_condition_wait*mutex*not held*", misuse_blocking_wait_without_mutex },
  { "notify-without-mutex", "*fifo_condition_notify*mutex*not held*", misuse_notify_without_mutex },
  { "notify-all-without-mutex", "*fifo_condition_notify_all*mutex*not held*", misuse_notify_all_without_mutex },
  { "zero-parties", "*parties > 0*", misuse_zero_parties },
  { "null-mutex", "*FIFO_IS_MUTEX (self)*", misuse_null_mutex },
  { "null-callback", "*callback != NULL*", misuse_null_callback },
  { "wrong-type", "*FIFO_IS_EVENT (self)*", misuse_wrong_type },
  { "condition-on-non-mutex", "*FIFO_IS_MUTEX (mutex)*", misuse_condition_on_non_mutex },
};

static void
test_misuse (gconstpointer data)
{
  const MisuseCase *misuse = data;

  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, misuse->pattern);
  misuse->misuse ();
  g_test_assert_expected_messages ();
}

/* ---- Property notifications: every value that lasts is heard of ---------- */

typedef struct
{
  FifoMutex *mutex;
  guint      n_locked;       /* notify::locked emissions */
  guint      n_waiting;      /* notify::n-waiting emissions */
  gboolean   seen_locked;    /* the values the handlers last read */
  guint      seen_n_waiting;
  guint      hand_offs_left;
  guint      in_callbacks;
} Watched;

static void
locked_notified (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    data)
{
  Watched *w = data;

  w->n_locked++;
  w->seen_locked = fifo_mutex_get_locked (w->mutex);
}

static void
n_waiting_notified (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    data)
{
  Watched *w = data;

  w->n_waiting++;
  w->seen_n_waiting = fifo_mutex_get_n_waiting (w->mutex);
}

static void
watched_init (Watched   *w,
              FifoMutex *mutex)
{
  memset (w, 0, sizeof *w);
  w->mutex = mutex;
  g_signal_connect (mutex, "notify::locked", G_CALLBACK (locked_notified), w);
  g_signal_connect (mutex, "notify::n-waiting", G_CALLBACK (n_waiting_notified), w);
}

/* What the handlers last saw is what the property is. */
static void
assert_heard (Watched *w)
{
  g_assert_cmpint (w->seen_locked, ==, fifo_mutex_get_locked (w->mutex));
  g_assert_cmpuint (w->seen_n_waiting, ==, fifo_mutex_get_n_waiting (w->mutex));
}

static void
counted_acquire_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  Watched *w = data;

  g_assert_true (fifo_mutex_acquire_finish (w->mutex, result, NULL));
  w->in_callbacks++;
}

/* Outside a batch of callbacks, a change is heard of before the call that
 * made it returns. */
static void
test_notify_immediate (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  Watched w;

  watched_init (&w, mutex);
  g_assert_true (fifo_mutex_try_acquire (mutex));
  g_assert_cmpuint (w.n_locked, ==, 1);
  g_assert_true (w.seen_locked);
  fifo_mutex_acquire_async (mutex, NULL, counted_acquire_cb, &w);
  g_assert_cmpuint (w.n_waiting, ==, 1);
  assert_heard (&w);
  fifo_mutex_release (mutex);      /* handed on: still locked, nobody waits */
  g_assert_cmpuint (w.n_locked, ==, 1);
  g_assert_cmpuint (w.n_waiting, ==, 2);
  assert_heard (&w);
  fifo_test_drain ();
  g_assert_cmpuint (w.in_callbacks, ==, 1);
  fifo_mutex_release (mutex);
  g_assert_cmpuint (w.n_locked, ==, 2);
  assert_heard (&w);
}

static void
hand_off_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Watched *w = data;

  g_assert_true (fifo_mutex_acquire_finish (w->mutex, result, NULL));
  w->in_callbacks++;
  fifo_mutex_release (w->mutex);
  if (w->hand_offs_left > 0)
    {
      w->hand_offs_left--;
      fifo_mutex_acquire_async (w->mutex, NULL, hand_off_cb, w);
    }
}

/* Inside a batch, the changes the callbacks make are heard of at the
 * batch's end: a value that lasted until the main loop iterated again was
 * notified, the back-and-forth of a hand-off chain in between was merged. */
static void
test_notify_batch (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  Watched w;
  guint n_waiters = 10, rounds = 200;

  watched_init (&w, mutex);
  g_assert_true (fifo_mutex_try_acquire (mutex));
  for (guint i = 0; i < n_waiters; i++)
    fifo_mutex_acquire_async (mutex, NULL, hand_off_cb, &w);
  w.hand_offs_left = rounds;
  w.n_waiting = w.n_locked = 0;
  fifo_mutex_release (mutex);

  for (guint i = 0; i < 100 && w.in_callbacks < rounds + n_waiters; i++)
    {
      g_main_context_iteration (NULL, TRUE);
      assert_heard (&w);
    }
  g_assert_cmpuint (w.in_callbacks, ==, rounds + n_waiters);
  g_assert_false (fifo_mutex_get_locked (mutex));
  /* Hundreds of changes of n-waiting in between, a few notifications. */
  g_assert_cmpuint (w.n_waiting, >, 0);
  g_assert_cmpuint (w.n_waiting, <, 20);
  g_assert_cmpuint (w.n_locked, ==, 1);
}

static void
nested_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Watched *w = data;

  g_assert_true (fifo_mutex_acquire_finish (w->mutex, result, NULL));
  fifo_mutex_release (w->mutex);  /* nobody waits: unlocked */
  /* A nested main loop: what this callback changed is heard of there. */
  g_assert_true (fifo_mutex_try_acquire (w->mutex));
  fifo_mutex_release (w->mutex);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (w->seen_locked);
  w->in_callbacks++;
}

static void
other_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Watched *w = data;

  /* Runs in the nested loop, after the changes were heard of. */
  g_assert_false (w->seen_locked);
  g_assert_true (fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, NULL));
  fifo_mutex_release (FIFO_MUTEX (source));
  w->in_callbacks++;
}

static void
test_notify_nested_loop (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(FifoMutex) other = fifo_mutex_new ();
  Watched w;

  watched_init (&w, mutex);
  fifo_mutex_acquire_async (mutex, NULL, nested_cb, &w);
  g_assert_true (w.seen_locked);
  fifo_mutex_acquire_async (other, NULL, other_cb, &w);
  while (w.in_callbacks < 2)
    g_main_context_iteration (NULL, TRUE);
  assert_heard (&w);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/primitives/constant-stack", test_constant_stack);
  g_test_add_func ("/primitives/notify/immediate", test_notify_immediate);
  g_test_add_func ("/primitives/notify/batch", test_notify_batch);
  g_test_add_func ("/primitives/notify/nested-loop", test_notify_nested_loop);
  g_test_add_func ("/primitives/threads/mutex", test_mutex_threads);
  g_test_add_func ("/primitives/threads/semaphore", test_semaphore_threads);
  g_test_add_func ("/primitives/threads/event", test_event_threads);
  g_test_add_func ("/primitives/threads/ping-pong", test_ping_pong);
  g_test_add_func ("/primitives/threads/barrier", test_barrier_threads);
  g_test_add_func ("/primitives/threads/condition", test_condition_threads);
  g_test_add_func ("/primitives/blocking", test_blocking_forms);
  g_test_add_func ("/primitives/try", test_try_forms);
  g_test_add_func ("/primitives/semaphore/cancel-after-grant", test_semaphore_cancel_after_grant);
  g_test_add_func ("/primitives/condition/cancel-while-waiting", test_condition_cancel_while_waiting);
  g_test_add_func ("/primitives/condition/cancel-after-notify", test_condition_cancel_after_notify);
  g_test_add_func ("/primitives/condition/cancel-after-grant", test_condition_cancel_after_grant);
  g_test_add_func ("/primitives/condition/wait-for", test_condition_wait_for);
  g_test_add_func ("/primitives/condition/context-destroyed", test_condition_context_destroyed);
  g_test_add_func ("/primitives/properties", test_properties);
  for (guint i = 0; i < G_N_ELEMENTS (misuse_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/primitives/misuse/", misuse_cases[i].name, NULL);
      g_test_add_data_func (path, &misuse_cases[i], test_misuse);
    }

  return g_test_run ();
}
