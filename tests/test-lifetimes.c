/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lifetimes, for every primitive (test-lock.c and test-primitives.c cover
 * FifoLock's unreffed-with-waiters and destroyed-context cases, and the
 * condition's destroyed context; this extends them to the others):
 *
 *  - the last outside reference dropped while requests wait: they all
 *    complete, and the primitive goes with the last of them;
 *  - a GCancellable cancelled from another thread at every point of a
 *    request's life — before the call, queued, (for a condition: notified
 *    and queued for the mutex,) granted but not delivered, during its
 *    callback, after it — each with its documented outcome; and at random
 *    moments, racing the grant, where only consistent outcomes may appear;
 *  - a main context destroyed with requests queued or granted in it, or
 *    never iterated again.
 *
 * Leaks are valgrind's to find (meson test --setup valgrind).
 */
#include "fifo-test-util.h"

typedef enum {
  PRIM_LOCK,
  PRIM_MUTEX,
  PRIM_SEMAPHORE,
  PRIM_EVENT,
  PRIM_BARRIER,
  PRIM_CONDITION,
  N_PRIMS
} PrimKind;

static const char *prim_names[] = {
  "lock", "mutex", "semaphore", "event", "barrier", "condition",
};

typedef struct
{
  PrimKind      kind;
  GObject      *object;
  FifoLockMode *mode;    /* FifoLock: exclusive */
} Prim;

typedef struct _Req Req;
struct _Req
{
  gboolean  done;
  gboolean  ok;
  gint      index;       /* FifoBarrier */
  GError   *error;
  void    (*then) (Req *req);  /* runs inside the callback */
  gpointer  data;
};

/* ---- Primitives, uniformly ---------------------------------------------------- */

static void
prim_init (Prim     *p,
           PrimKind  kind)
{
  p->kind = kind;
  p->mode = NULL;
  switch (kind)
    {
    case PRIM_LOCK:
      p->object = G_OBJECT (fifo_lock_new ());
      p->mode = fifo_exclusive_mode_new ();
      break;
    case PRIM_MUTEX:
      p->object = G_OBJECT (fifo_mutex_new ());
      break;
    case PRIM_SEMAPHORE:
      p->object = G_OBJECT (fifo_semaphore_new_bounded (1));
      break;
    case PRIM_EVENT:
      p->object = G_OBJECT (fifo_event_new ());
      break;
    case PRIM_BARRIER:
      p->object = G_OBJECT (fifo_barrier_new (2));
      break;
    case PRIM_CONDITION:
      p->object = G_OBJECT (fifo_condition_new (NULL));
      break;
    case N_PRIMS:
    default:
      g_assert_not_reached ();
    }
}

static void
prim_clear (Prim *p)
{
  g_clear_object (&p->object);
  g_clear_object (&p->mode);
}

static FifoMutex *
prim_mutex (Prim *p)
{
  return p->kind == PRIM_CONDITION ? fifo_condition_get_mutex (FIFO_CONDITION (p->object))
                                   : FIFO_MUTEX (p->object);
}

static void
req_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Req *req = user_data;

  g_assert_false (req->done);  /* exactly once */
  if (FIFO_IS_LOCK (source))
    req->ok = fifo_lock_acquire_finish (FIFO_LOCK (source), result, &req->error);
  else if (FIFO_IS_MUTEX (source))
    req->ok = fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, &req->error);
  else if (FIFO_IS_SEMAPHORE (source))
    req->ok = fifo_semaphore_acquire_finish (FIFO_SEMAPHORE (source), result, &req->error);
  else if (FIFO_IS_EVENT (source))
    req->ok = fifo_event_wait_finish (FIFO_EVENT (source), result, &req->error);
  else if (FIFO_IS_BARRIER (source))
    req->ok = (req->index = fifo_barrier_wait_finish (FIFO_BARRIER (source), result, &req->error)) >= 0;
  else if (FIFO_IS_CONDITION (source))
    req->ok = fifo_condition_wait_finish (FIFO_CONDITION (source), result, &req->error);
  else
    g_assert_not_reached ();
  req->done = TRUE;

  if (req->then != NULL)
    req->then (req);
}

/* Starts a request (for a condition: a wait, the mutex held by the caller). */
static void
prim_request_with (Prim                *p,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  switch (p->kind)
    {
    case PRIM_LOCK:
      fifo_lock_acquire_async (FIFO_LOCK (p->object), p->mode, cancellable, callback, user_data);
      break;
    case PRIM_MUTEX:
      fifo_mutex_acquire_async (FIFO_MUTEX (p->object), cancellable, callback, user_data);
      break;
    case PRIM_SEMAPHORE:
      fifo_semaphore_acquire_async (FIFO_SEMAPHORE (p->object), cancellable, callback, user_data);
      break;
    case PRIM_EVENT:
      fifo_event_wait_async (FIFO_EVENT (p->object), cancellable, callback, user_data);
      break;
    case PRIM_BARRIER:
      fifo_barrier_wait_async (FIFO_BARRIER (p->object), cancellable, callback, user_data);
      break;
    case PRIM_CONDITION:
      fifo_condition_wait_async (FIFO_CONDITION (p->object), cancellable, callback, user_data);
      break;
    case N_PRIMS:
    default:
      g_assert_not_reached ();
    }
}

static void
prim_request (Prim         *p,
              GCancellable *cancellable,
              Req          *req)
{
  prim_request_with (p, cancellable, req_done_cb, req);
}

/* Lock, mutex, semaphore (of one permit), a condition's mutex: take it now. */
static gboolean
prim_try (Prim *p)
{
  switch (p->kind)
    {
    case PRIM_LOCK:
      return fifo_lock_try_acquire (FIFO_LOCK (p->object), p->mode);
    case PRIM_SEMAPHORE:
      return fifo_semaphore_try_acquire (FIFO_SEMAPHORE (p->object));
    case PRIM_MUTEX:
    case PRIM_CONDITION:
      return fifo_mutex_try_acquire (prim_mutex (p));
    case PRIM_EVENT:
    case PRIM_BARRIER:
    case N_PRIMS:
    default:
      g_assert_not_reached ();
    }
}

static void
prim_release (Prim *p)
{
  switch (p->kind)
    {
    case PRIM_LOCK:
      fifo_lock_release (FIFO_LOCK (p->object), p->mode);
      break;
    case PRIM_SEMAPHORE:
      fifo_semaphore_release (FIFO_SEMAPHORE (p->object));
      break;
    case PRIM_MUTEX:
    case PRIM_CONDITION:
      fifo_mutex_release (prim_mutex (p));
      break;
    case PRIM_EVENT:
    case PRIM_BARRIER:
    case N_PRIMS:
    default:
      g_assert_not_reached ();
    }
}

static guint
prim_n_waiting (Prim *p)
{
  switch (p->kind)
    {
    case PRIM_LOCK:      return fifo_lock_get_n_waiting (FIFO_LOCK (p->object));
    case PRIM_MUTEX:     return fifo_mutex_get_n_waiting (FIFO_MUTEX (p->object));
    case PRIM_SEMAPHORE: return fifo_semaphore_get_n_waiting (FIFO_SEMAPHORE (p->object));
    case PRIM_EVENT:     return fifo_event_get_n_waiting (FIFO_EVENT (p->object));
    case PRIM_BARRIER:   return fifo_barrier_get_n_waiting (FIFO_BARRIER (p->object));
    case PRIM_CONDITION: return fifo_condition_get_n_waiting (FIFO_CONDITION (p->object));
    case N_PRIMS:
    default:             g_assert_not_reached ();
    }
}

static void
req_clear (Req *req)
{
  g_clear_error (&req->error);
  memset (req, 0, sizeof *req);
}

static void
assert_cancelled (Req *req)
{
  g_assert_true (req->done);
  g_assert_false (req->ok);
  g_assert_error (req->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
assert_ok (Req *req)
{
  g_assert_true (req->done);
  g_assert_no_error (req->error);
  g_assert_true (req->ok);
}

/* ---- Another thread that cancels ---------------------------------------------- */

typedef struct
{
  GMutex        lock;
  GCond         cond;
  GThread      *thread;
  GCancellable *pending;   /* to cancel */
  guint         spin;      /* busy-wait first, to land at a random point */
  gboolean      picked;    /* the thread is awake, about to cancel */
  gboolean      done;      /* the last one was cancelled */
  gboolean      stop;
} Canceller;

static gpointer
canceller_thread (gpointer data)
{
  Canceller *canceller = data;

  g_mutex_lock (&canceller->lock);
  for (;;)
    {
      GCancellable *cancellable;
      guint spin;

      while (canceller->pending == NULL && !canceller->stop)
        g_cond_wait (&canceller->cond, &canceller->lock);
      if (canceller->pending == NULL)
        break;
      cancellable = g_steal_pointer (&canceller->pending);
      spin = canceller->spin;
      canceller->picked = TRUE;
      g_cond_broadcast (&canceller->cond);
      g_mutex_unlock (&canceller->lock);

      for (volatile guint i = 0; i < spin; i++)
        ;
      g_cancellable_cancel (cancellable);
      g_object_unref (cancellable);

      g_mutex_lock (&canceller->lock);
      canceller->done = TRUE;
      g_cond_broadcast (&canceller->cond);
    }
  g_mutex_unlock (&canceller->lock);

  return NULL;
}

static Canceller *
canceller_new (void)
{
  Canceller *canceller = g_new0 (Canceller, 1);

  g_mutex_init (&canceller->lock);
  g_cond_init (&canceller->cond);
  canceller->thread = g_thread_new ("canceller", canceller_thread, canceller);
  return canceller;
}

static void
canceller_free (Canceller *canceller)
{
  g_mutex_lock (&canceller->lock);
  canceller->stop = TRUE;
  g_cond_broadcast (&canceller->cond);
  g_mutex_unlock (&canceller->lock);
  g_thread_join (canceller->thread);
  g_cond_clear (&canceller->cond);
  g_mutex_clear (&canceller->lock);
  g_free (canceller);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Canceller, canceller_free)

/* Has the other thread cancel @cancellable after @spin, and returns once
 * it is awake and spinning, so that the cancellation lands in what the
 * caller does next; canceller_wait() waits until it has. */
static void
canceller_post (Canceller    *canceller,
                GCancellable *cancellable,
                guint         spin)
{
  g_mutex_lock (&canceller->lock);
  g_assert_null (canceller->pending);
  canceller->pending = g_object_ref (cancellable);
  canceller->spin = spin;
  canceller->picked = FALSE;
  canceller->done = FALSE;
  g_cond_broadcast (&canceller->cond);
  while (!canceller->picked)
    g_cond_wait (&canceller->cond, &canceller->lock);
  g_mutex_unlock (&canceller->lock);
}

static void
canceller_wait (Canceller *canceller)
{
  g_mutex_lock (&canceller->lock);
  while (!canceller->done)
    g_cond_wait (&canceller->cond, &canceller->lock);
  g_mutex_unlock (&canceller->lock);
}

/* Cancelled by the other thread, now. */
static void
cancel_from_thread (Canceller    *canceller,
                    GCancellable *cancellable)
{
  canceller_post (canceller, cancellable, 0);
  canceller_wait (canceller);
}

/* ---- The last reference dropped while requests wait ---------------------------- */

static void
release_in_callback (Req *req)
{
  Prim *p = req->data;

  /* A condition wait holds the mutex even when cancelled. */
  if (p->kind == PRIM_CONDITION || (req->ok && p->kind != PRIM_EVENT && p->kind != PRIM_BARRIER))
    prim_release (p);
}

/* Three requests wait; the test drops its reference. The requests keep the
 * primitive alive, complete in order (each releasing, through the pointer
 * its callback gets as the source object, for the next), and the primitive
 * goes with the last of them. */
static void
test_unreffed_with_waiters (gconstpointer data)
{
  PrimKind kind = GPOINTER_TO_UINT (data);
  Prim p;
  Req reqs[3] = { { 0, }, };
  GObject *weak;
  g_autoptr(FifoMutex) mutex = NULL;

  prim_init (&p, kind);
  weak = p.object;
  g_object_add_weak_pointer (weak, (gpointer *) &weak);

  if (kind == PRIM_CONDITION)
    mutex = g_object_ref (fifo_condition_get_mutex (FIFO_CONDITION (p.object)));
  if (kind != PRIM_EVENT && kind != PRIM_BARRIER)
    g_assert_true (prim_try (&p));  /* so that they wait */

  for (guint i = 0; i < G_N_ELEMENTS (reqs); i++)
    {
      reqs[i].then = release_in_callback;
      reqs[i].data = &p;
      if (kind == PRIM_BARRIER && i > 0)
        break;  /* one waits: a second party would complete the cycle */
      if (kind == PRIM_CONDITION && i > 0)
        g_assert_true (prim_try (&p));
      prim_request (&p, NULL, &reqs[i]);
    }

  /* The last outside reference goes; what waits keeps the object. */
  g_object_unref (p.object);
  fifo_test_drain ();
  g_assert_nonnull (weak);

  switch (kind)
    {
    case PRIM_LOCK:
    case PRIM_MUTEX:
    case PRIM_SEMAPHORE:
      prim_release (&p);  /* the chain of hand-offs starts */
      break;
    case PRIM_EVENT:
      fifo_event_set (FIFO_EVENT (weak));
      break;
    case PRIM_BARRIER:
      g_assert_cmpuint (fifo_barrier_get_n_waiting (FIFO_BARRIER (weak)), ==, 1);
      prim_request (&p, NULL, &reqs[1]);
      break;
    case PRIM_CONDITION:
      g_assert_true (fifo_mutex_try_acquire (mutex));
      fifo_condition_notify_all (FIFO_CONDITION (weak));
      fifo_mutex_release (mutex);
      break;
    case N_PRIMS:
    default:
      g_assert_not_reached ();
    }

  for (guint i = 0; i < G_N_ELEMENTS (reqs) && !(kind == PRIM_BARRIER && i == 2); i++)
    {
      fifo_test_wait_for (&reqs[i].done);
      assert_ok (&reqs[i]);
    }
  if (kind == PRIM_BARRIER)
    g_assert_cmpint (reqs[0].index + reqs[1].index, ==, 1);

  fifo_test_drain ();
  g_assert_null (weak);
  if (kind == PRIM_CONDITION)
    g_assert_false (fifo_mutex_get_locked (mutex));

  p.object = NULL;
  prim_clear (&p);
  for (guint i = 0; i < G_N_ELEMENTS (reqs); i++)
    req_clear (&reqs[i]);
}

/* Waits nobody else can end keep the primitive alive; cancelling them lets
 * it go. */
static void
test_unreffed_waiters_cancelled (gconstpointer data)
{
  PrimKind kind = GPOINTER_TO_UINT (data);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Prim p;
  Req reqs[2] = { { 0, }, };
  GObject *weak;

  prim_init (&p, kind);
  weak = p.object;
  g_object_add_weak_pointer (weak, (gpointer *) &weak);

  if (kind == PRIM_CONDITION)
    {
      for (guint i = 0; i < G_N_ELEMENTS (reqs); i++)
        {
          reqs[i].then = release_in_callback;
          reqs[i].data = &p;
        }
      g_assert_true (prim_try (&p));
      prim_request (&p, cancellable, &reqs[0]);
      g_assert_true (prim_try (&p));
      prim_request (&p, cancellable, &reqs[1]);
    }
  else
    {
      if (kind != PRIM_EVENT && kind != PRIM_BARRIER)
        g_assert_true (prim_try (&p));
      prim_request (&p, cancellable, &reqs[0]);
      if (kind != PRIM_BARRIER)
        prim_request (&p, cancellable, &reqs[1]);
    }

  g_object_unref (p.object);
  fifo_test_drain ();
  g_assert_nonnull (weak);

  g_cancellable_cancel (cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (reqs); i++)
    {
      if (kind == PRIM_BARRIER && i == 1)
        break;
      fifo_test_wait_for (&reqs[i].done);
      assert_cancelled (&reqs[i]);
    }

  /* Gone with the last request, even a lock the test still holds: a hold
   * is not a reference. */
  fifo_test_drain ();
  g_assert_null (weak);

  p.object = NULL;
  prim_clear (&p);
  for (guint i = 0; i < G_N_ELEMENTS (reqs); i++)
    req_clear (&reqs[i]);
}

/* ---- Cancelled from another thread, at every point ------------------------------ */

typedef enum {
  POINT_BEFORE,       /* before the _async call */
  POINT_QUEUED,       /* waiting */
  POINT_NOTIFIED,     /* a condition wait, notified, queued for the mutex */
  POINT_GRANTED,      /* completed, its callback not run yet */
  POINT_IN_CALLBACK,  /* while its callback runs */
  POINT_AFTER,        /* after its callback */
  N_POINTS
} Point;

static const char *point_names[] = {
  "before-call", "queued", "notified", "granted", "in-callback", "after-callback",
};

typedef struct
{
  PrimKind kind;
  Point    point;
} PointCase;

static Canceller   *in_callback_canceller;
static GCancellable *in_callback_cancellable;

static void
cancel_in_callback (Req *req)
{
  /* The other thread cancels while this callback is on the stack: too
   * late, the outcome was settled before it was called. */
  cancel_from_thread (in_callback_canceller, in_callback_cancellable);
}

static void
test_cancel_point (gconstpointer data)
{
  const PointCase *c = data;
  g_autoptr(Canceller) canceller = canceller_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Prim p;
  Req r = { 0, }, next = { 0, }, third = { 0, };
  gboolean late = c->point >= POINT_IN_CALLBACK;

  prim_init (&p, c->kind);
  if (c->point == POINT_IN_CALLBACK)
    {
      in_callback_canceller = canceller;
      in_callback_cancellable = cancellable;
      r.then = cancel_in_callback;
    }
  if (c->point == POINT_BEFORE)
    cancel_from_thread (canceller, cancellable);

  switch (c->kind)
    {
    case PRIM_LOCK:
    case PRIM_MUTEX:
    case PRIM_SEMAPHORE:
      /* r, then next, wait behind the test's hold. */
      g_assert_true (prim_try (&p));
      prim_request (&p, cancellable, &r);
      prim_request (&p, NULL, &next);
      if (c->point == POINT_QUEUED)
        {
          fifo_test_drain ();
          g_assert_cmpuint (prim_n_waiting (&p), ==, 2);
          cancel_from_thread (canceller, cancellable);
          /* Removed at once. */
          g_assert_cmpuint (prim_n_waiting (&p), ==, 1);
        }
      prim_release (&p);
      if (c->point == POINT_GRANTED)
        {
          g_assert_cmpuint (prim_n_waiting (&p), ==, 1);
          cancel_from_thread (canceller, cancellable);
          /* Taken back and handed on, before any callback ran. */
          g_assert_cmpuint (prim_n_waiting (&p), ==, 0);
        }
      fifo_test_wait_for (&r.done);
      if (c->point == POINT_AFTER)
        cancel_from_thread (canceller, cancellable);
      if (late)
        {
          assert_ok (&r);
          fifo_test_drain ();
          g_assert_false (next.done);  /* r holds it */
          prim_release (&p);
        }
      else
        {
          assert_cancelled (&r);
        }
      fifo_test_wait_for (&next.done);
      assert_ok (&next);
      prim_release (&p);
      g_assert_true (prim_try (&p));
      prim_release (&p);
      break;

    case PRIM_EVENT:
      prim_request (&p, cancellable, &r);
      prim_request (&p, NULL, &next);
      if (c->point == POINT_QUEUED)
        {
          cancel_from_thread (canceller, cancellable);
          g_assert_cmpuint (prim_n_waiting (&p), ==, 1);
        }
      fifo_event_set (FIFO_EVENT (p.object));
      if (c->point == POINT_GRANTED)
        cancel_from_thread (canceller, cancellable);  /* woken, reports it */
      fifo_test_wait_for (&r.done);
      if (c->point == POINT_AFTER)
        cancel_from_thread (canceller, cancellable);
      if (late)
        assert_ok (&r);
      else
        assert_cancelled (&r);
      fifo_test_wait_for (&next.done);
      assert_ok (&next);
      break;

    case PRIM_BARRIER:
      /* Two parties: r, then next completes the cycle. */
      prim_request (&p, cancellable, &r);
      if (c->point == POINT_QUEUED)
        {
          g_assert_cmpuint (prim_n_waiting (&p), ==, 1);
          cancel_from_thread (canceller, cancellable);
          /* It left the cycle, which is not broken. */
          g_assert_cmpuint (prim_n_waiting (&p), ==, 0);
          g_assert_false (fifo_barrier_get_broken (FIFO_BARRIER (p.object)));
        }
      prim_request (&p, NULL, &next);
      if (c->point == POINT_GRANTED)
        cancel_from_thread (canceller, cancellable);  /* the cycle stands */
      fifo_test_wait_for (&r.done);
      if (c->point == POINT_AFTER)
        cancel_from_thread (canceller, cancellable);
      if (c->point >= POINT_GRANTED)
        {
          assert_ok (&r);
          fifo_test_wait_for (&next.done);
          assert_ok (&next);
          g_assert_cmpint (r.index, ==, 0);
          g_assert_cmpint (next.index, ==, 1);
        }
      else
        {
          assert_cancelled (&r);
          fifo_test_drain ();
          g_assert_false (next.done);
          prim_request (&p, NULL, &third);
          fifo_test_wait_for (&next.done);
          fifo_test_wait_for (&third.done);
          assert_ok (&next);
          assert_ok (&third);
          g_assert_cmpint (next.index, ==, 0);
          g_assert_cmpint (third.index, ==, 1);
        }
      g_assert_cmpuint (prim_n_waiting (&p), ==, 0);
      break;

    case PRIM_CONDITION:
      {
        FifoCondition *condition = FIFO_CONDITION (p.object);
        FifoMutex *mutex = prim_mutex (&p);

        /* r, then next, wait; each held the mutex to start. */
        g_assert_true (prim_try (&p));
        prim_request (&p, cancellable, &r);
        if (c->point == POINT_BEFORE)
          {
            /* Never waits, and returns holding the caller's mutex. */
            fifo_test_wait_for (&r.done);
            assert_cancelled (&r);
            g_assert_true (fifo_mutex_get_locked (mutex));
            g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
            prim_release (&p);
            break;
          }
        g_assert_true (prim_try (&p));
        prim_request (&p, NULL, &next);
        g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 2);

        if (c->point == POINT_QUEUED)
          {
            /* Not notified: it stops waiting and re-acquires the mutex. */
            cancel_from_thread (canceller, cancellable);
            g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 1);
          }
        else
          {
            /* One notification, for r. */
            g_assert_true (prim_try (&p));
            fifo_condition_notify (condition, 1);
            if (c->point == POINT_NOTIFIED)
              {
                /* Queued for the mutex: it stays, and passes the
                 * notification on to next. */
                cancel_from_thread (canceller, cancellable);
                g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
                g_assert_cmpuint (fifo_mutex_get_n_waiting (mutex), ==, 2);
              }
            prim_release (&p);
            if (c->point == POINT_GRANTED)
              {
                /* Holding the mutex: it keeps it, next is notified. */
                cancel_from_thread (canceller, cancellable);
                g_assert_true (fifo_mutex_get_locked (mutex));
                g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
              }
          }

        fifo_test_wait_for (&r.done);
        if (c->point == POINT_AFTER)
          cancel_from_thread (canceller, cancellable);
        /* Either way r returns holding the mutex. */
        g_assert_true (fifo_mutex_get_locked (mutex));
        if (late)
          assert_ok (&r);
        else
          assert_cancelled (&r);
        prim_release (&p);

        if (late || c->point == POINT_QUEUED)
          {
            /* next still waits for a notification of its own. */
            fifo_test_drain ();
            g_assert_false (next.done);
            g_assert_true (prim_try (&p));
            fifo_condition_notify (condition, 1);
            prim_release (&p);
          }
        fifo_test_wait_for (&next.done);
        assert_ok (&next);
        prim_release (&p);
        g_assert_false (fifo_mutex_get_locked (mutex));
        g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
      }
      break;

    case N_PRIMS:
    default:
      g_assert_not_reached ();
    }

  fifo_test_drain ();
  in_callback_canceller = NULL;
  in_callback_cancellable = NULL;
  prim_clear (&p);
  req_clear (&r);
  req_clear (&next);
  req_clear (&third);
}

/* The same, the cancellation landing wherever the other thread's timing
 * puts it while this thread grants and delivers: only the outcomes of the
 * points above may appear, and nothing is ever stranded or lost. */
static void
test_cancel_race (gconstpointer data)
{
  PrimKind kind = GPOINTER_TO_UINT (data);
  g_autoptr(Canceller) canceller = canceller_new ();
  guint n_rounds = fifo_test_scale (1000);
  guint n_ok = 0, n_cancelled = 0;

  for (guint round = 0; round < n_rounds; round++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      Prim p;
      Req r = { 0, }, next = { 0, }, third = { 0, };
      guint spin = g_test_rand_int_range (0, 30000);

      prim_init (&p, kind);
      switch (kind)
        {
        case PRIM_LOCK:
        case PRIM_MUTEX:
        case PRIM_SEMAPHORE:
          g_assert_true (prim_try (&p));
          prim_request (&p, cancellable, &r);
          prim_request (&p, NULL, &next);
          canceller_post (canceller, cancellable, spin);
          prim_release (&p);
          fifo_test_wait_for (&r.done);
          canceller_wait (canceller);
          if (r.ok)
            {
              /* r holds it: next waits. */
              fifo_test_drain ();
              g_assert_false (next.done);
              prim_release (&p);
            }
          else
            {
              assert_cancelled (&r);
            }
          fifo_test_wait_for (&next.done);
          assert_ok (&next);
          prim_release (&p);
          g_assert_true (prim_try (&p));
          prim_release (&p);
          break;

        case PRIM_EVENT:
          prim_request (&p, cancellable, &r);
          prim_request (&p, NULL, &next);
          canceller_post (canceller, cancellable, spin);
          fifo_event_set (FIFO_EVENT (p.object));
          fifo_test_wait_for (&r.done);
          fifo_test_wait_for (&next.done);
          canceller_wait (canceller);
          if (!r.ok)
            assert_cancelled (&r);
          assert_ok (&next);
          g_assert_cmpuint (prim_n_waiting (&p), ==, 0);
          break;

        case PRIM_BARRIER:
          prim_request (&p, cancellable, &r);
          canceller_post (canceller, cancellable, spin);
          prim_request (&p, NULL, &next);
          fifo_test_wait_for (&r.done);
          canceller_wait (canceller);
          if (r.ok)
            {
              /* The cycle happened: both passed. */
              fifo_test_wait_for (&next.done);
              assert_ok (&next);
              g_assert_cmpint (r.index, ==, 0);
              g_assert_cmpint (next.index, ==, 1);
            }
          else
            {
              /* r left before next came: next waits for another. */
              assert_cancelled (&r);
              fifo_test_drain ();
              g_assert_false (next.done);
              prim_request (&p, NULL, &third);
              fifo_test_wait_for (&next.done);
              fifo_test_wait_for (&third.done);
              g_assert_cmpint (next.index, ==, 0);
              g_assert_cmpint (third.index, ==, 1);
            }
          g_assert_cmpuint (prim_n_waiting (&p), ==, 0);
          g_assert_false (fifo_barrier_get_broken (FIFO_BARRIER (p.object)));
          break;

        case PRIM_CONDITION:
          {
            FifoCondition *condition = FIFO_CONDITION (p.object);
            FifoMutex *mutex = prim_mutex (&p);

            g_assert_true (prim_try (&p));
            prim_request (&p, cancellable, &r);
            g_assert_true (prim_try (&p));
            prim_request (&p, NULL, &next);
            /* The cancellation races the notification (made with the
             * mutex held, as it must be), the hand-over and the delivery. */
            g_assert_true (prim_try (&p));
            canceller_post (canceller, cancellable, spin);
            fifo_condition_notify (condition, 1);
            prim_release (&p);
            fifo_test_wait_for (&r.done);
            canceller_wait (canceller);
            /* Holding the mutex, whatever became of it. */
            g_assert_true (fifo_mutex_get_locked (mutex));
            prim_release (&p);
            fifo_test_drain ();
            if (r.ok)
              {
                /* r took the notification: next waits for another. */
                g_assert_false (next.done);
                g_assert_true (prim_try (&p));
                fifo_condition_notify (condition, 1);
                prim_release (&p);
              }
            else
              {
                /* The notification was not lost: next got it. */
                assert_cancelled (&r);
              }
            fifo_test_wait_for (&next.done);
            assert_ok (&next);
            prim_release (&p);
            g_assert_false (fifo_mutex_get_locked (mutex));
          }
          break;

        case N_PRIMS:
        default:
          g_assert_not_reached ();
        }

      if (r.ok)
        n_ok++;
      else
        n_cancelled++;
      fifo_test_drain ();
      prim_clear (&p);
      req_clear (&r);
      req_clear (&next);
      req_clear (&third);
    }

  g_test_message ("%s: %u succeeded, %u cancelled", prim_names[kind], n_ok, n_cancelled);
  g_assert_cmpuint (n_ok + n_cancelled, ==, n_rounds);
}

/* ---- Main contexts that go away, or are never iterated again --------------------- */

static void
unreachable_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_assert_not_reached ();
}

/* A request made in @context (made the thread-default for the call); not
 * a condition wait, which needs its mutex held. */
static void
request_in (GMainContext        *context,
            Prim                *p,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_assert (p->kind != PRIM_CONDITION);
  g_main_context_push_thread_default (context);
  prim_request_with (p, cancellable, callback, user_data);
  g_main_context_pop_thread_default (context);
}

/* A request queued in a context that is destroyed before its turn: when
 * its turn comes it is passed over, and the next request gets what it
 * would have had. (For FifoLock: test-lock.c.) */
static void
test_context_destroyed_queued (gconstpointer data)
{
  PrimKind kind = GPOINTER_TO_UINT (data);
  Prim p;
  Req next = { 0, }, third = { 0, }, fourth = { 0, };

  prim_init (&p, kind);
  for (guint round = 0; round < 2; round++)
    {
      /* A fresh context each round: its address may well be reused. */
      GMainContext *context = g_main_context_new ();

      if (kind != PRIM_EVENT && kind != PRIM_BARRIER)
        g_assert_true (prim_try (&p));
      request_in (context, &p, NULL, unreachable_cb, NULL);
      prim_request (&p, NULL, &next);
      g_main_context_unref (context);  /* never iterated */

      switch (kind)
        {
        case PRIM_MUTEX:
        case PRIM_SEMAPHORE:
          g_assert_cmpuint (prim_n_waiting (&p), ==, 2);
          prim_release (&p);  /* to the dead request, so to next */
          fifo_test_wait_for (&next.done);
          assert_ok (&next);
          prim_release (&p);
          g_assert_true (prim_try (&p));
          prim_release (&p);
          break;
        case PRIM_EVENT:
          g_assert_cmpuint (prim_n_waiting (&p), ==, 2);
          fifo_event_set (FIFO_EVENT (p.object));
          g_assert_cmpuint (prim_n_waiting (&p), ==, 0);
          fifo_test_wait_for (&next.done);
          assert_ok (&next);
          fifo_event_clear (FIFO_EVENT (p.object));
          break;
        case PRIM_BARRIER:
          /* The dead party and next made a cycle: it happened. */
          fifo_test_wait_for (&next.done);
          assert_ok (&next);
          g_assert_cmpint (next.index, ==, 1);
          g_assert_cmpuint (prim_n_waiting (&p), ==, 0);
          prim_request (&p, NULL, &third);
          prim_request (&p, NULL, &fourth);
          fifo_test_wait_for (&fourth.done);
          g_assert_cmpint (third.index, ==, 0);
          g_assert_cmpint (fourth.index, ==, 1);
          break;
        case PRIM_LOCK:
        case PRIM_CONDITION:
        case N_PRIMS:
        default:
          g_assert_not_reached ();
        }
      fifo_test_drain ();
      req_clear (&next);
      req_clear (&third);
      req_clear (&fourth);
    }
  prim_clear (&p);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} Late;

static void
late_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Late *late = user_data;

  g_assert_false (late->done);
  late->ok = fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, &late->error);
  late->done = TRUE;
}

/* A context that is not destroyed but nobody iterates: what a request in it
 * was granted stays with it, its callback pending, until the context is
 * iterated, the request cancelled or the context destroyed. */
static void
test_context_never_iterated (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GMainContext *context = g_main_context_new ();
  Req next = { 0, };
  Late late = { 0, };

  /* Granted at once, but its callback is due in a context nobody runs. */
  g_main_context_push_thread_default (context);
  fifo_mutex_acquire_async (mutex, cancellable, late_cb, &late);
  g_main_context_pop_thread_default (context);
  fifo_mutex_acquire_async (mutex, NULL, req_done_cb, &next);
  fifo_test_drain ();
  g_assert_true (fifo_mutex_get_locked (mutex));
  g_assert_false (next.done);
  g_assert_cmpuint (fifo_mutex_get_n_waiting (mutex), ==, 1);

  /* Cancelling takes the grant back and hands it on. */
  g_cancellable_cancel (cancellable);
  fifo_test_wait_for (&next.done);
  assert_ok (&next);
  g_assert_false (late.done);

  /* Iterated at last: the callback runs, reporting the cancellation. */
  while (!late.done)
    g_main_context_iteration (context, FALSE);
  g_assert_false (late.ok);
  g_assert_error (late.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&late.error);
  fifo_mutex_release (mutex);

  /* Granted, never iterated, then destroyed: handed on then. */
  late.done = FALSE;
  req_clear (&next);
  g_main_context_push_thread_default (context);
  fifo_mutex_acquire_async (mutex, NULL, late_cb, &late);
  g_main_context_pop_thread_default (context);
  fifo_mutex_acquire_async (mutex, NULL, req_done_cb, &next);
  fifo_test_drain ();
  g_assert_false (next.done);
  g_main_context_unref (context);
  fifo_test_wait_for (&next.done);
  assert_ok (&next);
  g_assert_false (late.done);
  fifo_mutex_release (mutex);
  g_assert_false (fifo_mutex_get_locked (mutex));
  req_clear (&next);
}

typedef struct
{
  Prim *p;
  gint  started;
} Dying;

static gpointer
dying_thread (gpointer data)
{
  Dying *dying = data;
  GMainContext *context = g_main_context_new ();

  /* Requests in the thread's own context; the thread ends without ever
   * running it, dropping it. */
  request_in (context, dying->p, NULL, unreachable_cb, NULL);
  request_in (context, dying->p, NULL, unreachable_cb, NULL);
  g_atomic_int_set (&dying->started, TRUE);
  g_main_context_unref (context);
  return NULL;
}

/* A thread that made requests exits, its context with it: whatever they
 * were granted, then or later, goes on. */
static void
test_thread_exits (gconstpointer data)
{
  PrimKind kind = GPOINTER_TO_UINT (data);
  Prim p;
  Dying dying = { &p, FALSE };
  Req next = { 0, };

  prim_init (&p, kind);
  g_thread_join (g_thread_new ("dying", dying_thread, &dying));
  g_assert_true (dying.started);

  switch (kind)
    {
    case PRIM_LOCK:
    case PRIM_MUTEX:
    case PRIM_SEMAPHORE:
      /* One was granted at once, the other queued: both pass it on. */
      prim_request (&p, NULL, &next);
      fifo_test_wait_for (&next.done);
      assert_ok (&next);
      prim_release (&p);
      g_assert_true (prim_try (&p));
      prim_release (&p);
      break;
    case PRIM_EVENT:
      g_assert_cmpuint (prim_n_waiting (&p), ==, 2);
      fifo_event_set (FIFO_EVENT (p.object));
      g_assert_cmpuint (prim_n_waiting (&p), ==, 0);
      break;
    case PRIM_BARRIER:
      /* Their cycle happened (two parties): a new one works. */
      g_assert_cmpuint (prim_n_waiting (&p), ==, 0);
      prim_request (&p, NULL, &next);
      g_assert_cmpuint (prim_n_waiting (&p), ==, 1);
      fifo_barrier_abort (FIFO_BARRIER (p.object));
      fifo_test_wait_for (&next.done);
      g_assert_error (next.error, FIFO_ERROR, FIFO_ERROR_BROKEN_BARRIER);
      break;
    case PRIM_CONDITION:
    case N_PRIMS:
    default:
      g_assert_not_reached ();
    }

  fifo_test_drain ();
  req_clear (&next);
  prim_clear (&p);
}

typedef struct
{
  GMainContext *context;
  gboolean      state;       /* what the predicate waits for */
  guint         n_predicate;
  guint         n_predicate_elsewhere;
  gboolean      done;
  gboolean      in_context;  /* the callback ran in an iteration of @context */
} WaitFor;

static gboolean
wait_for_state (gpointer data)
{
  WaitFor *w = data;

  w->n_predicate++;
  if (!g_main_context_is_owner (w->context))
    w->n_predicate_elsewhere++;
  return w->state;
}

static void
wait_for_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  WaitFor *w = user_data;

  g_assert_true (fifo_condition_wait_for_finish (FIFO_CONDITION (source), result, NULL));
  w->in_context = g_main_context_is_owner (w->context);
  w->done = TRUE;
}

/* A context run without being made the thread-default, as
 * g_main_loop_run() on a new context does: wait_for's callback (and its
 * predicate) are still due in the caller's context, the thread-default one
 * when wait_for_async() was called. */
static void
test_wait_for_callers_context (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  FifoMutex *mutex = fifo_condition_get_mutex (condition);
  WaitFor w = { g_main_context_new (), FALSE, 0, 0, FALSE, FALSE };

  g_assert_true (fifo_mutex_try_acquire (mutex));
  g_main_context_push_thread_default (w.context);
  fifo_condition_wait_for_async (condition, wait_for_state, &w, NULL, NULL, wait_for_done_cb, &w);
  g_main_context_pop_thread_default (w.context);
  g_assert_cmpuint (w.n_predicate, ==, 1);

  /* Notified twice, the state reached only the second time: one wait step
   * that waits again, one that ends it. */
  for (guint round = 0; round < 2; round++)
    {
      g_assert_true (fifo_mutex_try_acquire (mutex));
      w.state = round == 1;
      fifo_condition_notify_all (condition);
      fifo_mutex_release (mutex);
      for (guint i = 0; i < 10 && !w.done; i++)
        g_main_context_iteration (w.context, FALSE);
    }

  g_assert_true (w.done);
  g_assert_true (w.in_context);
  g_assert_cmpuint (w.n_predicate_elsewhere, ==, 0);
  g_assert_cmpuint (w.n_predicate, ==, 3);
  fifo_mutex_release (mutex);
  fifo_test_drain ();
  g_main_context_unref (w.context);
}

static void
count_destroyed (gpointer data)
{
  WaitFor *w = data;

  w->n_predicate_elsewhere += 100;  /* marks the destroy notify */
}

/* A wait_for() whose context is destroyed between two of its steps: its
 * callback never runs, the mutex it re-acquired is released, its predicate
 * data is destroyed (no leak under valgrind), and the condition goes on
 * serving the others. */
static void
test_wait_for_context_destroyed (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  FifoMutex *mutex = fifo_condition_get_mutex (condition);
  WaitFor w = { g_main_context_new (), FALSE, 0, 0, FALSE, FALSE };
  Req other = { 0, };

  g_assert_true (fifo_mutex_try_acquire (mutex));
  g_main_context_push_thread_default (w.context);
  fifo_condition_wait_for_async (condition, wait_for_state, &w, count_destroyed, NULL,
                                 wait_for_done_cb, &w);
  g_main_context_pop_thread_default (w.context);
  g_assert_cmpuint (w.n_predicate, ==, 1);
  g_assert_false (fifo_mutex_get_locked (mutex));

  /* Notified: the step re-acquires the mutex, delivered in w.context, which
   * is never iterated again but destroyed. */
  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_condition_notify (condition, 1);
  fifo_mutex_release (mutex);
  fifo_test_drain ();
  g_assert_true (fifo_mutex_get_locked (mutex));
  g_assert_cmpuint (w.n_predicate_elsewhere, ==, 0);

  g_main_context_unref (g_steal_pointer (&w.context));
  g_assert_false (w.done);
  g_assert_cmpuint (w.n_predicate, ==, 1);
  g_assert_cmpuint (w.n_predicate_elsewhere, ==, 100);
  g_assert_false (fifo_mutex_get_locked (mutex));

  /* The condition and its mutex still work. */
  fifo_mutex_acquire_async (mutex, NULL, req_done_cb, &other);
  fifo_test_wait_for (&other.done);
  assert_ok (&other);
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
  fifo_mutex_release (mutex);
  req_clear (&other);
}

/* What a wait_for()'s predicate looks at, and what its destroy notify
 * records. */
typedef struct
{
  gboolean  holds;
  guint     n_checked;
  guint     n_destroyed;
  GThread  *destroyed_in;
} Predicate;

static gboolean
predicate_holds (gpointer data)
{
  Predicate *predicate = data;

  predicate->n_checked++;
  return predicate->holds;
}

static void
predicate_destroyed (gpointer data)
{
  Predicate *predicate = data;

  predicate->n_destroyed++;
  predicate->destroyed_in = g_thread_self ();
}

/* The mutex (a condition's) serves one more request, and is free after. */
static void
assert_mutex_works (FifoMutex *mutex)
{
  Req next = { 0, };

  g_assert_false (fifo_mutex_get_locked (mutex));
  fifo_mutex_acquire_async (mutex, NULL, req_done_cb, &next);
  fifo_test_wait_for (&next.done);
  assert_ok (&next);
  fifo_mutex_release (mutex);
  g_assert_false (fifo_mutex_get_locked (mutex));
  req_clear (&next);
}

/* A condition wait (or wait_for), cancelled, its context destroyed before
 * the cancellation is delivered: cancelled, it re-acquired the mutex at
 * once (a wait always ends holding it), and that is given back. */
static void
test_condition_cancelled_context_destroyed (gconstpointer data)
{
  gboolean wait_for = GPOINTER_TO_INT (data);
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  FifoMutex *mutex = fifo_condition_get_mutex (condition);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GMainContext *context = g_main_context_new ();
  Predicate predicate = { FALSE, 0, 0, NULL };

  g_assert_true (fifo_mutex_try_acquire (mutex));
  g_main_context_push_thread_default (context);
  if (wait_for)
    fifo_condition_wait_for_async (condition, predicate_holds, &predicate, predicate_destroyed,
                                   cancellable, unreachable_cb, NULL);
  else
    fifo_condition_wait_async (condition, cancellable, unreachable_cb, NULL);
  g_main_context_pop_thread_default (context);
  g_assert_false (fifo_mutex_get_locked (mutex));

  g_cancellable_cancel (cancellable);
  g_assert_true (fifo_mutex_get_locked (mutex));
  g_main_context_unref (context);

  g_assert_false (fifo_mutex_get_locked (mutex));
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
  g_assert_cmpuint (predicate.n_destroyed, ==, wait_for ? 1 : 0);
  assert_mutex_works (mutex);
}

/* A wait_for() whose predicate holds at once, made by code that does not
 * hold the mutex (which it need not then), its context destroyed before
 * its callback: it took nothing, so it gives nothing back — the mutex
 * stays with whoever holds it. */
static void
test_wait_for_at_once_context_destroyed (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  FifoMutex *mutex = fifo_condition_get_mutex (condition);
  GMainContext *context = g_main_context_new ();
  Predicate predicate = { TRUE, 0, 0, NULL };

  g_assert_true (fifo_mutex_try_acquire (mutex));  /* somebody else's */
  g_main_context_push_thread_default (context);
  fifo_condition_wait_for_async (condition, predicate_holds, &predicate, predicate_destroyed,
                                 NULL, unreachable_cb, NULL);
  g_main_context_pop_thread_default (context);
  g_assert_cmpuint (predicate.n_destroyed, ==, 1);  /* the wait is over */
  g_main_context_unref (context);

  g_assert_true (fifo_mutex_get_locked (mutex));
  fifo_mutex_release (mutex);
  assert_mutex_works (mutex);
}

typedef struct
{
  FifoMutex    *mutex;
  GMainContext *context;
  Req           req;
  gint          queued;
} MutexThread;

/* Queues for the mutex, then sleeps in its context's poll(): only a
 * wake-up brings it back. */
static gpointer
mutex_thread (gpointer data)
{
  MutexThread *t = data;

  g_main_context_push_thread_default (t->context);
  fifo_mutex_acquire_async (t->mutex, NULL, req_done_cb, &t->req);
  g_atomic_int_set (&t->queued, TRUE);
  while (!t->req.done)
    g_main_context_iteration (t->context, TRUE);
  g_main_context_pop_thread_default (t->context);
  return NULL;
}

static void
count_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  (*(guint *) user_data)++;
}

/* A wait_for() that waited, then held: its completion is ready, holding
 * the mutex for the caller, when its context is destroyed. The mutex goes
 * to the next in line — a request of another thread, asleep in poll(),
 * which must be woken — and no notification is passed on: the one the
 * wait consumed was for it, and no other waiter is woken. */
static void
test_wait_for_completion_context_destroyed (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  FifoMutex *mutex = fifo_condition_get_mutex (condition);
  g_autoptr(FifoEvent) event = fifo_event_new ();
  GMainContext *context = g_main_context_new ();
  Predicate predicate = { FALSE, 0, 0, NULL };
  MutexThread t = { mutex, g_main_context_new (), { 0, }, FALSE };
  Req plain = { 0, };
  guint n_events = 0;
  GThread *thread;

  g_assert_true (fifo_mutex_try_acquire (mutex));
  g_main_context_push_thread_default (context);
  fifo_condition_wait_for_async (condition, predicate_holds, &predicate, predicate_destroyed,
                                 NULL, unreachable_cb, NULL);
  /* Completions to deliver after the wait's: more than a dispatch's batch,
   * so that the wait_for()'s own completion, queued behind them when its
   * wait is delivered, is still waiting when the context goes. */
  for (guint i = 0; i < 1000; i++)
    fifo_event_wait_async (event, NULL, count_cb, &n_events);
  g_main_context_pop_thread_default (context);

  /* Another waiter, never notified. */
  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_condition_wait_async (condition, NULL, req_done_cb, &plain);

  /* The wait_for() is notified (it came first) and re-acquires the mutex. */
  g_assert_true (fifo_mutex_try_acquire (mutex));
  predicate.holds = TRUE;
  fifo_condition_notify (condition, 1);
  fifo_mutex_release (mutex);
  fifo_event_set (event);
  g_main_context_iteration (context, FALSE);
  g_assert_cmpuint (predicate.n_checked, ==, 2);
  g_assert_cmpuint (n_events, <, 1000);
  g_assert_true (fifo_mutex_get_locked (mutex));

  thread = g_thread_new ("mutex", mutex_thread, &t);
  while (!g_atomic_int_get (&t.queued))
    g_thread_yield ();
  g_usleep (G_USEC_PER_SEC / 20);  /* into poll(), most likely */

  g_main_context_unref (context);
  g_thread_join (thread);          /* hangs if the wake-up was lost */
  assert_ok (&t.req);
  g_assert_cmpuint (predicate.n_destroyed, ==, 1);

  fifo_test_drain ();
  g_assert_false (plain.done);
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 1);

  /* The thread's hold ends; the other waiter still works. */
  fifo_mutex_release (mutex);
  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_condition_notify_all (condition);
  fifo_mutex_release (mutex);
  fifo_test_wait_for (&plain.done);
  assert_ok (&plain);
  fifo_mutex_release (mutex);
  assert_mutex_works (mutex);
  req_clear (&plain);
  req_clear (&t.req);
  g_main_context_unref (t.context);
}

static gpointer
notify_one_thread (gpointer data)
{
  FifoCondition *condition = data;
  FifoMutex *mutex = fifo_condition_get_mutex (condition);

  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_condition_notify (condition, 1);
  fifo_mutex_release (mutex);
  return NULL;
}

/* A wait_for() still waiting for a notification when its context is
 * destroyed keeps its place, like every request still queued: the
 * notification that reaches it passes it over, in the notifying thread —
 * the mutex is given back, the predicate data destroyed there. */
static void
test_wait_for_waiting_context_destroyed (void)
{
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  FifoMutex *mutex = fifo_condition_get_mutex (condition);
  GMainContext *context = g_main_context_new ();
  Predicate predicate = { FALSE, 0, 0, NULL };
  GThread *thread;

  g_assert_true (fifo_mutex_try_acquire (mutex));
  g_main_context_push_thread_default (context);
  fifo_condition_wait_for_async (condition, predicate_holds, &predicate, predicate_destroyed,
                                 NULL, unreachable_cb, NULL);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  g_assert_cmpuint (predicate.n_destroyed, ==, 0);
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 1);

  thread = g_thread_new ("notify", notify_one_thread, condition);
  g_thread_join (thread);

  g_assert_cmpuint (predicate.n_destroyed, ==, 1);
  g_assert_true (predicate.destroyed_in == thread);
  g_assert_cmpuint (predicate.n_checked, ==, 1);
  g_assert_cmpuint (fifo_condition_get_n_waiting (condition), ==, 0);
  assert_mutex_works (mutex);
}

/* A request still queued when its context is destroyed, then cancelled:
 * it leaves the queue, inside its own GCancellable::cancelled handler, and
 * its callback never runs. */
static void
test_cancel_queued_context_destroyed (gconstpointer data)
{
  PrimKind kind = GPOINTER_TO_UINT (data);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GMainContext *context = g_main_context_new ();
  Prim p;

  gboolean held = kind != PRIM_EVENT && kind != PRIM_BARRIER;

  prim_init (&p, kind);
  /* Held, so that it queues (an event, a barrier of two parties, queue
   * anyway). */
  if (held)
    g_assert_true (prim_try (&p));

  request_in (context, &p, cancellable, unreachable_cb, NULL);
  g_assert_cmpuint (prim_n_waiting (&p), ==, 1);
  g_main_context_unref (context);
  g_assert_cmpuint (prim_n_waiting (&p), ==, 1);

  g_cancellable_cancel (cancellable);
  g_assert_cmpuint (prim_n_waiting (&p), ==, 0);

  if (held)
    {
      prim_release (&p);
      g_assert_true (prim_try (&p));
      prim_release (&p);
    }
  fifo_test_drain ();
  prim_clear (&p);
}

/* Two requests on one cancellable: one granted but not delivered yet, in a
 * live context, and one queued behind it in a destroyed one. Cancelling
 * takes the first one's grant back and hands it to the second, which is
 * passed over at once — during the cancellable's emission, before its own
 * handler ran — and hands the mutex on again: free. */
static void
test_cancel_hands_to_dead_context (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GMainContext *context = g_main_context_new ();
  Req first = { 0, };

  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_mutex_acquire_async (mutex, cancellable, req_done_cb, &first);
  g_main_context_push_thread_default (context);
  fifo_mutex_acquire_async (mutex, cancellable, unreachable_cb, NULL);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  fifo_mutex_release (mutex);  /* granted to the first, not delivered */
  g_assert_true (fifo_mutex_get_locked (mutex));
  g_assert_cmpuint (fifo_mutex_get_n_waiting (mutex), ==, 1);

  g_cancellable_cancel (cancellable);
  g_assert_false (fifo_mutex_get_locked (mutex));
  g_assert_cmpuint (fifo_mutex_get_n_waiting (mutex), ==, 0);
  fifo_test_wait_for (&first.done);
  assert_cancelled (&first);
  assert_mutex_works (mutex);
  req_clear (&first);
}

/* ---- Results kept by their callbacks ------------------------------------------- */

typedef struct
{
  gboolean      keep;       /* the first result */
  GAsyncResult *kept;       /* a reference of the callback's own */
  GAsyncResult *seen[4];    /* not references: compared only */
  guint         n;
} Keeper;

static void
keep_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Keeper *keeper = data;

  g_assert_true (fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, NULL));
  keeper->seen[keeper->n++] = result;
  if (keeper->keep && keeper->kept == NULL)
    keeper->kept = g_object_ref (result);
  fifo_mutex_release (FIFO_MUTEX (source));
}

/* The dispatcher reuses a result nobody kept; one a callback kept stays
 * what it was (its source object, tag and user data), and is never handed
 * to another callback. */
static void
test_result_kept (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(FifoMutex) other = fifo_mutex_new ();
  Keeper keeper = { TRUE, };
  Keeper later = { FALSE, };
  g_autoptr(GObject) source = NULL;

  fifo_mutex_acquire_async (mutex, NULL, keep_cb, &keeper);
  fifo_test_drain ();
  g_assert_nonnull (keeper.kept);

  /* Delivered one at a time: each may reuse the previous one's result. */
  for (guint i = 0; i < 3; i++)
    {
      fifo_mutex_acquire_async (other, NULL, keep_cb, &later);
      fifo_test_drain ();
    }
  g_assert_cmpuint (later.n, ==, 3);
  for (guint i = 0; i < later.n; i++)
    g_assert_true (later.seen[i] != keeper.kept);
  /* …and they were reused: one spare, passed from each to the next. */
  g_assert_true (later.seen[0] == later.seen[1] && later.seen[1] == later.seen[2]);

  source = g_async_result_get_source_object (keeper.kept);
  g_assert_true (source == G_OBJECT (mutex));
  g_assert_true (g_async_result_get_user_data (keeper.kept) == &keeper);
  g_assert_true (g_async_result_is_tagged (keeper.kept, fifo_mutex_acquire_async));
  g_clear_object (&keeper.kept);
}

int
main (int    argc,
      char **argv)
{
  static PointCase point_cases[N_PRIMS * N_POINTS];
  guint n_point_cases = 0;

  g_test_init (&argc, &argv, NULL);

  for (PrimKind kind = 0; kind < N_PRIMS; kind++)
    {
      g_autofree char *unreffed = g_strdup_printf ("/lifetimes/unreffed-with-waiters/%s", prim_names[kind]);
      g_autofree char *cancelled = g_strdup_printf ("/lifetimes/unreffed-waiters-cancelled/%s", prim_names[kind]);
      g_autofree char *race = g_strdup_printf ("/lifetimes/cancel-from-thread/race/%s", prim_names[kind]);

      /* FifoLock's unreffed-with-waiters is in test-lock.c. */
      if (kind != PRIM_LOCK)
        g_test_add_data_func (unreffed, GUINT_TO_POINTER (kind), test_unreffed_with_waiters);
      g_test_add_data_func (cancelled, GUINT_TO_POINTER (kind), test_unreffed_waiters_cancelled);

      for (Point point = 0; point < N_POINTS; point++)
        {
          g_autofree char *path = NULL;

          if (point == POINT_NOTIFIED && kind != PRIM_CONDITION)
            continue;
          point_cases[n_point_cases] = (PointCase) { kind, point };
          path = g_strdup_printf ("/lifetimes/cancel-from-thread/%s/%s", prim_names[kind], point_names[point]);
          g_test_add_data_func (path, &point_cases[n_point_cases++], test_cancel_point);
        }
      g_test_add_data_func (race, GUINT_TO_POINTER (kind), test_cancel_race);
    }

  for (PrimKind kind = PRIM_MUTEX; kind <= PRIM_BARRIER; kind++)
    {
      g_autofree char *queued = g_strdup_printf ("/lifetimes/context-destroyed/queued/%s", prim_names[kind]);
      g_autofree char *cancelled_queued = g_strdup_printf ("/lifetimes/context-destroyed/queued-cancelled/%s",
                                                           prim_names[kind]);

      g_test_add_data_func (queued, GUINT_TO_POINTER (kind), test_context_destroyed_queued);
      g_test_add_data_func (cancelled_queued, GUINT_TO_POINTER (kind), test_cancel_queued_context_destroyed);
    }
  for (PrimKind kind = PRIM_LOCK; kind <= PRIM_BARRIER; kind++)
    {
      g_autofree char *exits = g_strdup_printf ("/lifetimes/context-destroyed/thread-exits/%s", prim_names[kind]);

      g_test_add_data_func (exits, GUINT_TO_POINTER (kind), test_thread_exits);
    }
  g_test_add_func ("/lifetimes/context-never-iterated", test_context_never_iterated);
  g_test_add_func ("/lifetimes/context-not-thread-default/wait-for", test_wait_for_callers_context);
  g_test_add_func ("/lifetimes/context-destroyed/wait-for", test_wait_for_context_destroyed);
  g_test_add_data_func ("/lifetimes/context-destroyed/condition-cancelled/wait", GINT_TO_POINTER (FALSE),
                        test_condition_cancelled_context_destroyed);
  g_test_add_data_func ("/lifetimes/context-destroyed/condition-cancelled/wait-for", GINT_TO_POINTER (TRUE),
                        test_condition_cancelled_context_destroyed);
  g_test_add_func ("/lifetimes/context-destroyed/wait-for-at-once", test_wait_for_at_once_context_destroyed);
  g_test_add_func ("/lifetimes/context-destroyed/wait-for-completion", test_wait_for_completion_context_destroyed);
  g_test_add_func ("/lifetimes/context-destroyed/wait-for-waiting", test_wait_for_waiting_context_destroyed);
  g_test_add_func ("/lifetimes/context-destroyed/cancel-hands-on", test_cancel_hands_to_dead_context);
  g_test_add_func ("/lifetimes/result-kept", test_result_kept);

  return g_test_run ();
}
