/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* FifoLock: strict FIFO, modes, cancellation, threads, and the core's
 * guarantees (never synchronous, constant stack, no starvation). */
#define _POSIX_C_SOURCE 200809L

#include <fifolock-glib/fifolock.h>

#ifdef G_OS_UNIX
#include <pthread.h>
#endif

#include "fifo-test-util.h"

/* ---- Modes written by the tests, counting holds by type, as in Python's
 * fifolock: Read is compatible with no Write held; Write with nothing of
 * either; Mutex with no Mutex held. */


static GType test_read_get_type (void);
static GType test_write_get_type (void);
static GType test_mutex_get_type (void);

DEFINE_TEST_MODE (TestRead, test_read, READ,
  return fifo_lock_holds_get (holds, test_write_get_type ()) == 0;)
DEFINE_TEST_MODE (TestWrite, test_write, WRITE,
  return fifo_lock_holds_get (holds, test_read_get_type ()) == 0 &&
         fifo_lock_holds_get (holds, test_write_get_type ()) == 0;)
DEFINE_TEST_MODE (TestMutex, test_mutex, MUTEX,
  return fifo_lock_holds_get (holds, test_mutex_get_type ()) == 0;)

/* Two instances of a "sized" mode counted by instance, as fifolock's
 * semaphore-of-size-N class. */
static FifoLockMode *
new_mode (GType type)
{
  return g_object_new (type, NULL);
}

static void
acquire (FifoLock        *lock,
         FifoLockMode    *mode,
         GCancellable    *cancellable,
         FifoTestRequest *request)
{
  fifo_lock_acquire_async (lock, mode, cancellable, fifo_test_lock_acquired_cb, request);
}

/* ---- Never synchronous ------------------------------------------------- */

static void
test_never_synchronous (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FifoTestRequest) a = fifo_test_request_new (1, NULL);
  g_autoptr(FifoTestRequest) b = fifo_test_request_new (2, NULL);
  g_autoptr(FifoTestRequest) c = fifo_test_request_new (3, NULL);

  /* On a free lock: granted, but the callback waits for the main loop. */
  acquire (lock, excl, NULL, a);
  g_assert_false (a->done);
  fifo_test_wait_for (&a->done);
  g_assert_true (a->ok);
  g_assert_true (a->thread == g_thread_self ());

  /* A release that grants the next request does not run its callback. */
  acquire (lock, excl, NULL, b);
  acquire (lock, excl, cancellable, c);
  fifo_test_drain ();
  g_assert_false (b->done);
  fifo_lock_release (lock, excl);
  g_assert_false (b->done);

  /* Nor does a cancellation. */
  g_cancellable_cancel (cancellable);
  g_assert_false (c->done);

  fifo_test_wait_for (&b->done);
  fifo_test_wait_for (&c->done);
  g_assert_true (b->ok);
  g_assert_false (c->ok);
  g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  fifo_lock_release (lock, excl);
  g_assert_true (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);
}

/* The result behaves like a GTask's. */
static void
test_async_result (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(FifoTestRequest) a = fifo_test_request_new (1, NULL);
  g_autoptr(GObject) source = NULL;

  acquire (lock, excl, NULL, a);
  fifo_test_wait_for (&a->done);
  g_assert_true (a->ok);

  source = g_async_result_get_source_object (a->result);
  g_assert_true (source == G_OBJECT (lock));
  g_assert_true (g_async_result_get_user_data (a->result) == a);
  g_assert_true (g_async_result_is_tagged (a->result, fifo_lock_acquire_async));
  g_assert_false (g_async_result_is_tagged (a->result, fifo_lock_acquire));

  fifo_lock_release (lock, excl);
}

/* A callback may run a nested main loop and wait there for a completion
 * that was delivered in the same batch, as it could with GTask. */
typedef struct
{
  FifoLock        *lock;
  FifoLockMode    *mode;
  FifoTestRequest *other;
  gboolean         done;
} Nested;

static void
nested_acquired_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Nested *nested = user_data;

  g_assert_true (fifo_lock_acquire_finish (nested->lock, result, NULL));
  while (!nested->other->done)
    g_main_context_iteration (NULL, TRUE);
  nested->done = TRUE;
}

static void
test_nested_main_loop (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) shared = fifo_shared_mode_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(FifoTestRequest) other = fifo_test_request_new (2, NULL);
  Nested nested = { lock, shared, other, FALSE };

  /* Both granted by one release, so both sit in one batch. */
  g_assert_true (fifo_lock_try_acquire (lock, excl));
  fifo_lock_acquire_async (lock, shared, NULL, nested_acquired_cb, &nested);
  acquire (lock, shared, NULL, other);
  fifo_lock_release (lock, excl);

  fifo_test_wait_for (&nested.done);
  g_assert_true (other->ok);
  fifo_lock_release (lock, shared);
  fifo_lock_release (lock, shared);
}

/* ---- Strict FIFO --------------------------------------------------------- */

static void
test_fifo_writer_blocks_later_reader (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) shared = fifo_shared_mode_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(FifoTestRequest) r1 = fifo_test_request_new (1, log);
  g_autoptr(FifoTestRequest) r2 = fifo_test_request_new (2, log);
  g_autoptr(FifoTestRequest) w3 = fifo_test_request_new (3, log);
  g_autoptr(FifoTestRequest) r4 = fifo_test_request_new (4, log);

  acquire (lock, shared, NULL, r1);
  acquire (lock, shared, NULL, r2);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2);

  acquire (lock, excl, NULL, w3);
  acquire (lock, shared, NULL, r4);  /* compatible with the readers, but behind w3 */
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2);
  g_assert_cmpuint (fifo_lock_get_n_waiting (lock), ==, 2);

  /* A try never barges past the queue either. */
  g_assert_false (fifo_lock_try_acquire (lock, shared));

  fifo_lock_release (lock, shared);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2);

  fifo_lock_release (lock, shared);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2, 3);

  fifo_lock_release (lock, excl);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2, 3, 4);
  g_assert_cmpuint (fifo_lock_get_n_waiting (lock), ==, 0);

  fifo_lock_release (lock, shared);
}

/* ---- Python fifolock's scenarios ---------------------------------------- */

/* Mutex: only one holder; the others follow in order. */
static void
test_fifolock_mutex (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) mutex = new_mode (test_mutex_get_type ());
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (int));
  FifoTestRequest *requests[5];

  for (int i = 0; i < 5; i++)
    {
      requests[i] = fifo_test_request_new (i + 1, log);
      acquire (lock, mutex, NULL, requests[i]);
    }

  for (int i = 0; i < 5; i++)
    {
      fifo_test_drain ();
      g_assert_cmpuint (log->len, ==, i + 1);
      g_assert_cmpint (g_array_index (log, int, i), ==, i + 1);
      fifo_lock_release (lock, mutex);
    }

  for (int i = 0; i < 5; i++)
    fifo_test_request_free (requests[i]);
}

/* Read/write: reads share; a write waits for the reads before it and holds
 * back the reads after it; reads completing in any order. */
static void
test_fifolock_read_write (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) read = new_mode (test_read_get_type ());
  g_autoptr(FifoLockMode) write = new_mode (test_write_get_type ());
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(FifoTestRequest) r1 = fifo_test_request_new (1, log);
  g_autoptr(FifoTestRequest) r2 = fifo_test_request_new (2, log);
  g_autoptr(FifoTestRequest) w3 = fifo_test_request_new (3, log);
  g_autoptr(FifoTestRequest) r4 = fifo_test_request_new (4, log);
  g_autoptr(FifoTestRequest) r5 = fifo_test_request_new (5, log);
  g_autoptr(FifoTestRequest) w6 = fifo_test_request_new (6, log);
  g_autoptr(FifoTestRequest) w7 = fifo_test_request_new (7, log);

  acquire (lock, read, NULL, r1);
  acquire (lock, read, NULL, r2);
  acquire (lock, write, NULL, w3);
  acquire (lock, read, NULL, r4);
  acquire (lock, read, NULL, r5);
  acquire (lock, write, NULL, w6);
  acquire (lock, write, NULL, w7);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2);

  /* The second read finishes first: the write still waits for the first. */
  fifo_lock_release (lock, read);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2);
  fifo_lock_release (lock, read);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2, 3);

  fifo_lock_release (lock, write);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2, 3, 4, 5);

  fifo_lock_release (lock, read);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2, 3, 4, 5);
  fifo_lock_release (lock, read);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2, 3, 4, 5, 6);

  fifo_lock_release (lock, write);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2, 3, 4, 5, 6, 7);
  fifo_lock_release (lock, write);
}

/* Semaphore of size 2, counted by instance: two at a time; another
 * instance of the same type counts apart. */
static void
test_fifolock_semaphore (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) two = fifo_semaphore_mode_new (2);
  g_autoptr(FifoLockMode) one = fifo_semaphore_mode_new (1);
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (int));
  FifoTestRequest *requests[5];

  g_assert_cmpuint (fifo_semaphore_mode_get_size (FIFO_SEMAPHORE_MODE (two)), ==, 2);

  for (int i = 0; i < 5; i++)
    {
      requests[i] = fifo_test_request_new (i + 1, log);
      acquire (lock, two, NULL, requests[i]);
    }
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2);

  fifo_lock_release (lock, two);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2, 3);

  fifo_lock_release (lock, two);
  fifo_lock_release (lock, two);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, 2, 3, 4, 5);

  /* Queue empty: the size-1 instance is counted apart from the size-2 one. */
  g_assert_true (fifo_lock_try_acquire (lock, one));
  g_assert_false (fifo_lock_try_acquire (lock, one));
  g_assert_false (fifo_lock_try_acquire (lock, two));
  fifo_lock_release (lock, one);
  fifo_lock_release (lock, two);
  fifo_lock_release (lock, two);

  for (int i = 0; i < 5; i++)
    fifo_test_request_free (requests[i]);
}

/* Cancelling a waiter at the head, in the middle and at the tail: it
 * fails with CANCELLED, holds nothing, and the others keep their order. */
static void
test_fifolock_cancel_positions (void)
{
  for (int position = 0; position < 3; position++)
    {
      g_autoptr(FifoLock) lock = fifo_lock_new ();
      g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
      g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (int));
      GCancellable *cancellables[3] = { g_cancellable_new (), g_cancellable_new (), g_cancellable_new () };
      FifoTestRequest *holder = fifo_test_request_new (9, log);
      FifoTestRequest *requests[3];
      int expected[4];
      guint n_expected = 0;

      acquire (lock, excl, NULL, holder);
      for (int i = 0; i < 3; i++)
        {
          requests[i] = fifo_test_request_new (i + 1, log);
          acquire (lock, excl, cancellables[i], requests[i]);
        }
      fifo_test_drain ();
      g_assert_cmpuint (fifo_lock_get_n_waiting (lock), ==, 3);

      g_cancellable_cancel (cancellables[position]);
      fifo_test_drain ();
      g_assert_cmpuint (fifo_lock_get_n_waiting (lock), ==, 2);
      expected[n_expected++] = 9;
      expected[n_expected++] = -(position + 1);
      fifo_test_assert_log (log, expected, n_expected);
      g_assert_error (requests[position]->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      for (int i = 0; i < 3; i++)
        {
          if (i == position)
            continue;
          fifo_lock_release (lock, excl);
          fifo_test_drain ();
          expected[n_expected++] = i + 1;
          fifo_test_assert_log (log, expected, n_expected);
        }
      fifo_lock_release (lock, excl);
      g_assert_true (fifo_lock_try_acquire (lock, excl));
      fifo_lock_release (lock, excl);

      fifo_test_request_free (holder);
      for (int i = 0; i < 3; i++)
        {
          fifo_test_request_free (requests[i]);
          g_object_unref (cancellables[i]);
        }
    }
}

/* Cancelling the head writer lets the readers queued behind it in at once. */
static void
test_fifolock_cancel_head_unblocks (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) read = new_mode (test_read_get_type ());
  g_autoptr(FifoLockMode) write = new_mode (test_write_get_type ());
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FifoTestRequest) r1 = fifo_test_request_new (1, log);
  g_autoptr(FifoTestRequest) w2 = fifo_test_request_new (2, log);
  g_autoptr(FifoTestRequest) r3 = fifo_test_request_new (3, log);
  g_autoptr(FifoTestRequest) r4 = fifo_test_request_new (4, log);

  acquire (lock, read, NULL, r1);
  acquire (lock, write, cancellable, w2);
  acquire (lock, read, NULL, r3);
  acquire (lock, read, NULL, r4);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1);

  g_cancellable_cancel (cancellable);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, 1, -2, 3, 4);

  for (int i = 0; i < 3; i++)
    fifo_lock_release (lock, read);
  g_assert_true (fifo_lock_try_acquire (lock, write));
  fifo_lock_release (lock, write);
}

/* A body that fails still releases: the lock passes on. */
static gboolean
failing_body (FifoLock      *lock,
              FifoLockMode  *mode,
              GError       **error)
{
  gboolean ok = FALSE;

  if (!fifo_lock_acquire (lock, mode, NULL, error))
    return FALSE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the body failed");
  goto out;  /* the work failed half-way */

out:
  fifo_lock_release (lock, mode);
  return ok;
}

static void
test_fifolock_failing_body_releases (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) mutex = new_mode (test_mutex_get_type ());
  g_autoptr(GError) error = NULL;
  g_autoptr(FifoTestRequest) after = fifo_test_request_new (1, NULL);

  g_assert_false (failing_body (lock, mutex, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);

  acquire (lock, mutex, NULL, after);
  fifo_test_wait_for (&after->done);
  g_assert_true (after->ok);
  fifo_lock_release (lock, mutex);
}

/* ---- The grant/cancel race ---------------------------------------------- */

/* Cancelled first, then the holder releases: the next request gets it. */
static void
test_race_cancel_then_release (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FifoTestRequest) w = fifo_test_request_new (1, log);
  g_autoptr(FifoTestRequest) x = fifo_test_request_new (2, log);

  g_assert_true (fifo_lock_try_acquire (lock, excl));
  acquire (lock, excl, cancellable, w);
  acquire (lock, excl, NULL, x);
  fifo_test_drain ();

  g_cancellable_cancel (cancellable);
  fifo_lock_release (lock, excl);
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, -1, 2);

  fifo_lock_release (lock, excl);
  g_assert_true (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);
}

/* Granted first, cancelled before its callback ran: the grant is taken
 * back and handed on, the request fails and holds nothing. */
static void
test_race_release_then_cancel (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FifoTestRequest) w = fifo_test_request_new (1, log);
  g_autoptr(FifoTestRequest) x = fifo_test_request_new (2, log);

  g_assert_true (fifo_lock_try_acquire (lock, excl));
  acquire (lock, excl, cancellable, w);
  acquire (lock, excl, NULL, x);
  fifo_test_drain ();

  fifo_lock_release (lock, excl);     /* grants w */
  g_cancellable_cancel (cancellable); /* before w's callback ran */
  fifo_test_drain ();
  FIFO_TEST_ASSERT_LOG (log, -1, 2);
  g_assert_error (w->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  fifo_lock_release (lock, excl);
  g_assert_true (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);

  /* The same on a free lock: granted at once, cancelled before delivery. */
  {
    g_autoptr(GCancellable) late = g_cancellable_new ();
    g_autoptr(FifoTestRequest) y = fifo_test_request_new (3, log);

    acquire (lock, excl, late, y);
    g_cancellable_cancel (late);
    fifo_test_drain ();
    FIFO_TEST_ASSERT_LOG (log, -1, 2, -3);
    g_assert_true (fifo_lock_try_acquire (lock, excl));
    fifo_lock_release (lock, excl);
  }
}

/* Delivered first, cancelled afterwards: too late, the caller holds it. */
static void
test_race_delivered_then_cancel (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FifoTestRequest) w = fifo_test_request_new (1, NULL);

  acquire (lock, excl, cancellable, w);
  fifo_test_wait_for (&w->done);
  g_assert_true (w->ok);
  g_cancellable_cancel (cancellable);
  fifo_test_drain ();
  g_assert_false (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);
}

/* Already cancelled when called: fails, never granted. */
static void
test_race_cancelled_before_call (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FifoTestRequest) w = fifo_test_request_new (1, NULL);
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  acquire (lock, excl, cancellable, w);
  g_assert_false (w->done);
  fifo_test_wait_for (&w->done);
  g_assert_error (w->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_false (fifo_lock_acquire (lock, excl, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_true (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);
}

typedef struct
{
  GCancellable *cancellable;
  gint          ready;
  gint          go;
  guint         spin;
} Canceller;

static gpointer
canceller_thread (gpointer data)
{
  Canceller *canceller = data;
  volatile guint spin;

  g_atomic_int_set (&canceller->ready, 1);
  while (!g_atomic_int_get (&canceller->go))
    ;
  for (spin = 0; spin < canceller->spin; spin++)
    ;
  g_cancellable_cancel (canceller->cancellable);
  return NULL;
}

/* The two racing for real, from two threads, many times: every outcome is
 * one of the two consistent ones, and the lock ends free. */
static void
test_race_threads (void)
{
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  guint n_rounds = fifo_test_scale (2000);
  guint n_granted = 0, n_cancelled = 0;
  /* How long the canceller waits, at most: it adapts, so that the
   * cancellation lands on either side of the grant's delivery about as
   * often, however fast this build (ASan, valgrind) and machine are. */
  guint max_spin = 8000;

  for (guint round = 0; round < n_rounds; round++)
    {
      g_autoptr(FifoLock) lock = fifo_lock_new ();
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(FifoTestRequest) w = fifo_test_request_new (1, NULL);
      g_autoptr(FifoTestRequest) x = fifo_test_request_new (2, NULL);
      Canceller canceller = { cancellable, 0, 0, g_test_rand_int_range (0, max_spin + 1) };
      GThread *thread;

      g_assert_true (fifo_lock_try_acquire (lock, excl));
      acquire (lock, excl, cancellable, w);
      acquire (lock, excl, NULL, x);

      /* The cancellation lands before the release, between the grant and
       * its delivery, or after the delivery, depending on the spin. */
      thread = g_thread_new ("canceller", canceller_thread, &canceller);
      while (!g_atomic_int_get (&canceller.ready))
        ;
      g_atomic_int_set (&canceller.go, 1);
      fifo_lock_release (lock, excl);
      fifo_test_wait_for (&w->done);
      g_thread_join (thread);

      if (w->ok)
        {
          /* w holds it: x must still wait. */
          n_granted++;
          max_spin = max_spin * 7 / 8;  /* the cancellation came late */
          fifo_test_drain ();
          g_assert_false (x->done);
          fifo_lock_release (lock, excl);
        }
      else
        {
          n_cancelled++;
          max_spin = MIN (max_spin * 8 / 7 + 1, 1000000);
          g_assert_error (w->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        }

      fifo_test_wait_for (&x->done);
      g_assert_true (x->ok);
      fifo_lock_release (lock, excl);
      g_assert_true (fifo_lock_try_acquire (lock, excl));
      fifo_lock_release (lock, excl);
    }

  /* Which ways out were taken is the scheduler's business (each order is
   * also tested deterministically above); that each was consistent is
   * ours. */
  g_test_message ("%u granted, %u cancelled (spin now up to %u)", n_granted, n_cancelled, max_spin);
  g_assert_cmpuint (n_granted + n_cancelled, ==, n_rounds);
}

/* ---- Constant stack ------------------------------------------------------ */

typedef struct
{
  FifoLock     *lock;
  FifoLockMode *mode;
  guint         rounds_left;   /* re-acquisitions still to make, in all */
  guint         outstanding;   /* requests not finished */
  guint         handoffs;
  guintptr      stack_low;
  guintptr      stack_high;
} Chain;

static void
chain_note_stack (Chain *chain)
{
  int here;
  guintptr address = (guintptr) &here;

  chain->stack_low = MIN (chain->stack_low, address);
  chain->stack_high = MAX (chain->stack_high, address);
}

static void
chain_acquired_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Chain *chain = user_data;

  g_assert_true (fifo_lock_acquire_finish (chain->lock, result, NULL));
  chain_note_stack (chain);
  chain->handoffs++;

  fifo_lock_release (chain->lock, chain->mode);
  if (chain->rounds_left > 0)
    {
      chain->rounds_left--;
      fifo_lock_acquire_async (chain->lock, chain->mode, NULL, chain_acquired_cb, chain);
    }
  else
    {
      chain->outstanding--;
    }
}

/* @n_waiters queued at once, each re-acquiring until @total hand-offs. */
static void
chain_run (Chain *chain,
           guint  n_waiters,
           guint  total)
{
  chain->lock = fifo_lock_new ();
  chain->mode = fifo_exclusive_mode_new ();
  chain->rounds_left = total - n_waiters;
  chain->outstanding = n_waiters;
  chain->handoffs = 0;
  chain->stack_low = G_MAXSIZE;
  chain->stack_high = 0;

  for (guint i = 0; i < n_waiters; i++)
    fifo_lock_acquire_async (chain->lock, chain->mode, NULL, chain_acquired_cb, chain);

  while (chain->outstanding > 0)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);

  g_assert_cmpuint (chain->handoffs, ==, total);
  g_clear_object (&chain->lock);
  g_clear_object (&chain->mode);
}

static gpointer
small_stack_main (gpointer data)
{
  Chain *chains = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  /* A million hand-offs among a thousand re-queuing waiters… */
  chain_run (&chains[0], 1000, fifo_test_scale (1000000));
  /* …and a million waiters queued at once, each handing on once. */
  chain_run (&chains[1], fifo_test_scale (1000000), fifo_test_scale (1000000));
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

  /* Every callback ran at the same depth, give or take a frame or two. */
  for (guint i = 0; i < 2; i++)
    {
      g_test_message ("chain %u: callbacks spanned %" G_GSIZE_FORMAT " bytes of stack",
                      i, (gsize) (chains[i].stack_high - chains[i].stack_low));
      g_assert_cmpuint (chains[i].stack_high - chains[i].stack_low, <, 4096);
    }
#else
  g_test_skip ("needs POSIX threads to set a stack size");
#endif
}

/* ---- No starvation -------------------------------------------------------- */

typedef struct
{
  Chain chain;
  guint timeouts;
  guint idles;
  guint handoffs_at_first_timeout;
} Starvation;

static gboolean
count_timeout_cb (gpointer data)
{
  Starvation *s = data;

  if (s->timeouts++ == 0)
    s->handoffs_at_first_timeout = s->chain.handoffs;
  return G_SOURCE_CONTINUE;
}

static gboolean
count_idle_cb (gpointer data)
{
  Starvation *s = data;

  s->idles++;
  return G_SOURCE_CONTINUE;
}

static void
starvation_acquired_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Starvation *s = user_data;

  g_assert_true (fifo_lock_acquire_finish (s->chain.lock, result, NULL));
  s->chain.handoffs++;
  fifo_lock_release (s->chain.lock, s->chain.mode);

  /* The chain only ends once the other sources have run: if they were
   * starved, it would never end and the test would time out. */
  if (s->timeouts < 3 || s->idles < 3)
    fifo_lock_acquire_async (s->chain.lock, s->chain.mode, NULL, starvation_acquired_cb, s);
  else
    s->chain.outstanding--;
}

static void
test_no_starvation (void)
{
  Starvation s = { 0 };
  guint timeout_id, idle_id;

  s.chain.lock = fifo_lock_new ();
  s.chain.mode = fifo_exclusive_mode_new ();
  s.chain.outstanding = 1000;

  for (guint i = 0; i < s.chain.outstanding; i++)
    fifo_lock_acquire_async (s.chain.lock, s.chain.mode, NULL, starvation_acquired_cb, &s);

  /* A timer at the dispatcher's priority, and an idle below it (where GTK
   * redraws). */
  timeout_id = g_timeout_add (1, count_timeout_cb, &s);
  idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, count_idle_cb, &s, NULL);

  while (s.chain.outstanding > 0)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
  g_source_remove (idle_id);

  g_test_message ("%u hand-offs, %u timeouts, %u idles", s.chain.handoffs, s.timeouts, s.idles);
  g_assert_cmpuint (s.timeouts, >=, 3);
  g_assert_cmpuint (s.idles, >=, 3);
  /* They ran while the chain was going on, not after it. */
  g_assert_cmpuint (s.handoffs_at_first_timeout, <, s.chain.handoffs);

  g_clear_object (&s.chain.lock);
  g_clear_object (&s.chain.mode);
}

/* ---- Threads --------------------------------------------------------------- */

#define N_HAMMER_THREADS 4

typedef struct
{
  FifoLock     *lock;
  FifoLockMode *excl;
  FifoLockMode *shared;
  gint          writers_inside;   /* atomic */
  gint          readers_inside;   /* atomic */
  guint64       counter;          /* written only under the exclusive mode */
  guint         rounds;
} Hammer;

typedef struct
{
  Hammer  *hammer;
  GThread *thread;
  guint    round;
  gboolean finished;
  guint    wrong_thread;
} HammerWorker;

static void hammer_next (HammerWorker *worker);

static void
hammer_acquired_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  HammerWorker *worker = user_data;
  Hammer *hammer = worker->hammer;
  gboolean writing = worker->round % 3 != 0;

  g_assert_true (fifo_lock_acquire_finish (hammer->lock, result, NULL));
  if (worker->thread != g_thread_self ())
    worker->wrong_thread++;

  if (writing)
    {
      g_assert_cmpint (g_atomic_int_add (&hammer->writers_inside, 1), ==, 0);
      g_assert_cmpint (g_atomic_int_get (&hammer->readers_inside), ==, 0);
      hammer->counter++;
      g_atomic_int_add (&hammer->writers_inside, -1);
      fifo_lock_release (hammer->lock, hammer->excl);
    }
  else
    {
      g_atomic_int_inc (&hammer->readers_inside);
      g_assert_cmpint (g_atomic_int_get (&hammer->writers_inside), ==, 0);
      g_atomic_int_add (&hammer->readers_inside, -1);
      fifo_lock_release (hammer->lock, hammer->shared);
    }

  worker->round++;
  hammer_next (worker);
}

static void
hammer_next (HammerWorker *worker)
{
  Hammer *hammer = worker->hammer;

  if (worker->round == hammer->rounds)
    {
      worker->finished = TRUE;
      return;
    }

  fifo_lock_acquire_async (hammer->lock,
                           worker->round % 3 != 0 ? hammer->excl : hammer->shared,
                           NULL, hammer_acquired_cb, worker);
}

static gpointer
hammer_thread (gpointer data)
{
  HammerWorker *worker = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  worker->thread = g_thread_self ();
  hammer_next (worker);
  while (!worker->finished)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return NULL;
}

static void
test_threads_hammer (void)
{
  Hammer hammer = { 0 };
  HammerWorker workers[N_HAMMER_THREADS] = { 0 };
  GThread *threads[N_HAMMER_THREADS];
  guint64 expected_writes = 0;

  hammer.lock = fifo_lock_new ();
  hammer.excl = fifo_exclusive_mode_new ();
  hammer.shared = fifo_shared_mode_new ();
  hammer.rounds = fifo_test_scale (20000);

  for (guint i = 0; i < N_HAMMER_THREADS; i++)
    {
      workers[i].hammer = &hammer;
      threads[i] = g_thread_new ("hammer", hammer_thread, &workers[i]);
    }
  for (guint i = 0; i < N_HAMMER_THREADS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (workers[i].wrong_thread, ==, 0);
    }

  for (guint round = 0; round < hammer.rounds; round++)
    if (round % 3 != 0)
      expected_writes++;
  g_assert_cmpuint (hammer.counter, ==, expected_writes * N_HAMMER_THREADS);

  g_assert_true (fifo_lock_try_acquire (hammer.lock, hammer.excl));
  fifo_lock_release (hammer.lock, hammer.excl);

  g_clear_object (&hammer.lock);
  g_clear_object (&hammer.excl);
  g_clear_object (&hammer.shared);
}

/* ---- Blocking acquire ------------------------------------------------------ */

typedef struct
{
  FifoLock     *lock;
  FifoLockMode *mode;
  GCancellable *cancellable;
  gboolean      ok;
  GError       *error;
} BlockingAcquire;

static gpointer
blocking_acquire_thread (gpointer data)
{
  BlockingAcquire *b = data;

  b->ok = fifo_lock_acquire (b->lock, b->mode, b->cancellable, &b->error);
  if (b->ok)
    fifo_lock_release (b->lock, b->mode);

  return NULL;
}

static void
wait_for_n_waiting (FifoLock *lock,
                    guint     n)
{
  while (fifo_lock_get_n_waiting (lock) != n)
    g_usleep (1000);
}

static void
test_blocking_acquire (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  BlockingAcquire b = { lock, excl, NULL, FALSE, NULL };
  GThread *thread;

  g_assert_true (fifo_lock_try_acquire (lock, excl));
  thread = g_thread_new ("blocking", blocking_acquire_thread, &b);
  wait_for_n_waiting (lock, 1);
  g_assert_false (b.ok);
  fifo_lock_release (lock, excl);
  g_thread_join (thread);

  g_assert_no_error (b.error);
  g_assert_true (b.ok);
  g_assert_true (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);
}

static void
test_blocking_acquire_cancelled (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  BlockingAcquire b = { lock, excl, cancellable, FALSE, NULL };
  GThread *thread;

  g_assert_true (fifo_lock_try_acquire (lock, excl));
  thread = g_thread_new ("blocking", blocking_acquire_thread, &b);
  wait_for_n_waiting (lock, 1);
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);

  g_assert_false (b.ok);
  g_assert_error (b.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&b.error);

  /* Untouched: still held by us, nobody waiting. */
  g_assert_cmpuint (fifo_lock_get_n_waiting (lock), ==, 0);
  g_assert_false (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);
  g_assert_true (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);
}

static void
task_acquire_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  FifoLockMode *mode = task_data;
  GError *error = NULL;

  if (fifo_lock_acquire (FIFO_LOCK (source_object), mode, cancellable, &error))
    {
      fifo_lock_release (FIFO_LOCK (source_object), mode);
      g_task_return_boolean (task, TRUE);
    }
  else
    {
      g_task_return_error (task, error);
    }
}

static void
task_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FifoTestRequest *request = user_data;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &request->error);

  fifo_test_request_record (request, result, ok);
}

/* The blocking form in g_task_run_in_thread(), queued among async ones. */
static void
test_blocking_in_gtask (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(FifoTestRequest) worker = fifo_test_request_new (1, NULL);
  g_autoptr(FifoTestRequest) after = fifo_test_request_new (2, NULL);
  g_autoptr(GTask) task = NULL;

  g_assert_true (fifo_lock_try_acquire (lock, excl));
  task = g_task_new (lock, NULL, task_done_cb, worker);
  g_task_set_task_data (task, g_object_ref (excl), g_object_unref);
  g_task_run_in_thread (task, task_acquire_thread);
  wait_for_n_waiting (lock, 1);
  acquire (lock, excl, NULL, after);

  fifo_lock_release (lock, excl);
  fifo_test_wait_for (&worker->done);
  fifo_test_wait_for (&after->done);
  g_assert_true (worker->ok);
  g_assert_true (after->ok);
  fifo_lock_release (lock, excl);
}

/* ---- Holds, counted by type and instance; kept holds are snapshots -------- */

typedef struct
{
  GObject        parent_instance;
  FifoLockHolds *kept;
} TestKeeper;

typedef GObjectClass TestKeeperClass;

static gboolean
test_keeper_is_compatible (FifoLockMode  *mode,
                           FifoLockHolds *holds)
{
  TestKeeper *self = (TestKeeper *) mode;

  /* A mode that keeps the holds (as a binding might). */
  g_set_object (&self->kept, holds);
  return TRUE;
}

static void
test_keeper_iface_init (FifoLockModeInterface *iface)
{
  iface->is_compatible = test_keeper_is_compatible;
}

static GType test_keeper_get_type (void);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestKeeper, g_object_unref)
G_DEFINE_TYPE_WITH_CODE (TestKeeper, test_keeper, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (FIFO_TYPE_LOCK_MODE, test_keeper_iface_init))

static void
test_keeper_finalize (GObject *object)
{
  g_clear_object (&((TestKeeper *) object)->kept);
  G_OBJECT_CLASS (test_keeper_parent_class)->finalize (object);
}

static void
test_keeper_class_init (TestKeeperClass *klass)
{
  klass->finalize = test_keeper_finalize;
}

static void
test_keeper_init (TestKeeper *self)
{
}

static gpointer
read_holds_thread (gpointer data)
{
  FifoLockHolds *holds = data;

  return GUINT_TO_POINTER (fifo_lock_holds_get_total (holds) +
                           100 * fifo_lock_holds_get (holds, FIFO_TYPE_SHARED_MODE));
}

static void
test_holds_counts_and_snapshots (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) shared = fifo_shared_mode_new ();
  g_autoptr(FifoLockMode) shared2 = fifo_shared_mode_new ();
  g_autoptr(FifoLockMode) sem = fifo_semaphore_mode_new (5);
  g_autoptr(TestKeeper) keeper = g_object_new (test_keeper_get_type (), NULL);
  g_autoptr(FifoLockHolds) snapshot = NULL;
  GThread *reader;

  g_assert_true (fifo_lock_try_acquire (lock, shared));
  g_assert_true (fifo_lock_try_acquire (lock, shared2));
  g_assert_true (fifo_lock_try_acquire (lock, shared2));
  g_assert_true (fifo_lock_try_acquire (lock, sem));
  g_assert_true (fifo_lock_try_acquire (lock, FIFO_LOCK_MODE (keeper)));

  snapshot = g_object_ref (keeper->kept);
  g_assert_cmpuint (fifo_lock_holds_get_total (snapshot), ==, 4);
  g_assert_cmpuint (fifo_lock_holds_get (snapshot, FIFO_TYPE_SHARED_MODE), ==, 3);
  g_assert_cmpuint (fifo_lock_holds_get (snapshot, FIFO_TYPE_SEMAPHORE_MODE), ==, 1);
  g_assert_cmpuint (fifo_lock_holds_get (snapshot, FIFO_TYPE_EXCLUSIVE_MODE), ==, 0);
  g_assert_cmpuint (fifo_lock_holds_get_for_mode (snapshot, shared), ==, 1);
  g_assert_cmpuint (fifo_lock_holds_get_for_mode (snapshot, shared2), ==, 2);
  g_assert_cmpuint (fifo_lock_holds_get_for_mode (snapshot, sem), ==, 1);

  /* The lock moves on; the kept object does not, and reads safely
   * from another thread. */
  fifo_lock_release (lock, shared);
  fifo_lock_release (lock, shared2);
  fifo_lock_release (lock, shared2);
  fifo_lock_release (lock, sem);
  fifo_lock_release (lock, FIFO_LOCK_MODE (keeper));
  g_assert_cmpuint (fifo_lock_holds_get_total (snapshot), ==, 4);
  reader = g_thread_new ("reader", read_holds_thread, snapshot);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (reader)), ==, 304);

  /* And the lock's live holds are right: the keeper sees itself only. */
  g_assert_true (fifo_lock_try_acquire (lock, FIFO_LOCK_MODE (keeper)));
  g_assert_cmpuint (fifo_lock_holds_get_total (keeper->kept), ==, 0);
  fifo_lock_release (lock, FIFO_LOCK_MODE (keeper));
  g_assert_cmpuint (fifo_lock_holds_get_total (snapshot), ==, 4);
}

/* A mode counting by type: at most two writers of a "shard" at once. */
static GType test_shard_writer_get_type (void);
DEFINE_TEST_MODE (TestShardWriter, test_shard_writer, SHARD_WRITER,
  return fifo_lock_holds_get (holds, test_shard_writer_get_type ()) < 2;)

static void
test_mode_counting_by_type (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) a = new_mode (test_shard_writer_get_type ());
  g_autoptr(FifoLockMode) b = new_mode (test_shard_writer_get_type ());
  g_autoptr(FifoLockMode) c = new_mode (test_shard_writer_get_type ());

  /* Different instances, one type: the third waits. */
  g_assert_true (fifo_lock_try_acquire (lock, a));
  g_assert_true (fifo_lock_try_acquire (lock, b));
  g_assert_false (fifo_lock_try_acquire (lock, c));
  fifo_lock_release (lock, a);
  g_assert_true (fifo_lock_try_acquire (lock, c));
  fifo_lock_release (lock, b);
  fifo_lock_release (lock, c);
}

/* ---- Property ---------------------------------------------------------------- */

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_n_waiting_property (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(FifoTestRequest) a = fifo_test_request_new (1, NULL);
  g_autoptr(FifoTestRequest) b = fifo_test_request_new (2, NULL);
  guint notified = 0;
  guint n_waiting = 99;

  g_signal_connect (lock, "notify::n-waiting", G_CALLBACK (count_notify_cb), &notified);
  g_assert_true (fifo_lock_try_acquire (lock, excl));
  g_assert_cmpuint (notified, ==, 0);

  acquire (lock, excl, NULL, a);
  g_assert_cmpuint (notified, ==, 1);
  acquire (lock, excl, NULL, b);
  g_assert_cmpuint (notified, ==, 2);
  g_object_get (lock, "n-waiting", &n_waiting, NULL);
  g_assert_cmpuint (n_waiting, ==, 2);

  fifo_lock_release (lock, excl);
  g_assert_cmpuint (notified, ==, 3);
  g_assert_cmpuint (fifo_lock_get_n_waiting (lock), ==, 1);

  fifo_test_wait_for (&a->done);
  fifo_lock_release (lock, excl);
  fifo_test_wait_for (&b->done);
  fifo_lock_release (lock, excl);
  g_assert_cmpuint (notified, ==, 4);
}

/* ---- Lifetimes -------------------------------------------------------------- */

/* The last outside reference dropped while requests wait: they all still
 * complete (each keeps the lock alive). */
static void
test_lock_unreffed_with_waiters (void)
{
  FifoLock *lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (int));
  FifoTestRequest *requests[3];
  GWeakRef weak;

  g_weak_ref_init (&weak, lock);
  for (int i = 0; i < 3; i++)
    {
      requests[i] = fifo_test_request_new (i + 1, log);
      acquire (lock, excl, NULL, requests[i]);
    }
  g_object_unref (lock);

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(FifoLock) held = NULL;

      fifo_test_wait_for (&requests[i]->done);
      g_assert_true (requests[i]->ok);
      /* The result's source object: the waiters kept the lock alive. */
      held = FIFO_LOCK (g_async_result_get_source_object (requests[i]->result));
      g_clear_object (&requests[i]->result);
      g_assert_true (held == g_weak_ref_get (&weak));
      g_object_unref (held);
      fifo_lock_release (held, excl);
    }
  FIFO_TEST_ASSERT_LOG (log, 1, 2, 3);

  fifo_test_drain ();
  {
    g_autoptr(GObject) gone = g_weak_ref_get (&weak);
    g_assert_null (gone);
  }
  g_weak_ref_clear (&weak);
  for (int i = 0; i < 3; i++)
    fifo_test_request_free (requests[i]);
}

typedef struct
{
  FifoLock     *lock;
  FifoLockMode *mode;
  gboolean      grant_first;
} DeadContext;

static void
never_called_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_assert_not_reached ();
}

static gpointer
dead_context_thread (gpointer data)
{
  DeadContext *d = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  fifo_lock_acquire_async (d->lock, d->mode, NULL, never_called_cb, NULL);
  g_main_context_pop_thread_default (context);
  /* Never iterated, then destroyed. */
  g_main_context_unref (context);

  return NULL;
}

/* A context destroyed with a request pending in it: the request is
 * abandoned (its callback can never run) and its grant handed on. */
static void
test_context_destroyed (void)
{
  for (int grant_first = 0; grant_first < 2; grant_first++)
    {
      g_autoptr(FifoLock) lock = fifo_lock_new ();
      g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
      g_autoptr(FifoTestRequest) next = fifo_test_request_new (1, NULL);
      DeadContext d = { lock, excl, grant_first };

      if (!grant_first)
        g_assert_true (fifo_lock_try_acquire (lock, excl));

      /* Granted at once on a free lock, or queued behind our hold. */
      g_thread_join (g_thread_new ("dead-context", dead_context_thread, &d));

      if (!grant_first)
        {
          g_assert_cmpuint (fifo_lock_get_n_waiting (lock), ==, 1);
          acquire (lock, excl, NULL, next);
          fifo_lock_release (lock, excl);  /* grants the abandoned one first */
        }
      else
        {
          acquire (lock, excl, NULL, next);
        }

      fifo_test_wait_for (&next->done);
      g_assert_true (next->ok);
      fifo_lock_release (lock, excl);
      g_assert_true (fifo_lock_try_acquire (lock, excl));
      fifo_lock_release (lock, excl);
    }
}

/* ---- Misuse ------------------------------------------------------------------ */

static void
test_misuse_release_unheld (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) shared = fifo_shared_mode_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();

  g_assert_true (fifo_lock_try_acquire (lock, shared));

  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*is not held in mode*FifoExclusiveMode*");
  fifo_lock_release (lock, excl);
  g_test_assert_expected_messages ();

  /* Untouched: the shared hold is still there, and can be released once. */
  g_assert_false (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, shared);
  g_assert_true (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);

  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*is not held in mode*");
  fifo_lock_release (lock, excl);
  g_test_assert_expected_messages ();
  g_assert_true (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);
}

static void
test_misuse_subprocess (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(FifoLock) lock = fifo_lock_new ();
      g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();

      fifo_lock_release (lock, excl);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*fifo_lock_release*is not held in mode*");
}

static void
test_misuse_null_arguments (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(GObject) not_a_mode = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GError) error = NULL;

  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*FIFO_IS_LOCK (self)*");
  fifo_lock_acquire_async (NULL, excl, NULL, fifo_test_lock_acquired_cb, NULL);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*FIFO_IS_LOCK_MODE*");
  fifo_lock_acquire_async (lock, NULL, NULL, fifo_test_lock_acquired_cb, NULL);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*FIFO_IS_LOCK_MODE*");
  g_assert_false (fifo_lock_try_acquire (lock, (FifoLockMode *) not_a_mode));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*callback != NULL*");
  fifo_lock_acquire_async (lock, excl, NULL, NULL, NULL);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*FIFO_IS_LOCK_MODE*");
  g_assert_false (fifo_lock_acquire (lock, NULL, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*FIFO_IS_LOCK_MODE*");
  fifo_lock_release (lock, NULL);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*size > 0*");
  g_assert_null (fifo_semaphore_mode_new (0));
  g_test_assert_expected_messages ();

  /* Nothing was queued or held by any of it. */
  fifo_test_drain ();
  g_assert_cmpuint (fifo_lock_get_n_waiting (lock), ==, 0);
  g_assert_true (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);
}

static void
gtask_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* _finish rejects a result of another operation. */
static void
test_misuse_wrong_result (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLock) other = fifo_lock_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(FifoTestRequest) a = fifo_test_request_new (1, NULL);
  g_autoptr(GTask) task = NULL;
  gboolean task_done = FALSE;

  task = g_task_new (lock, NULL, gtask_done_cb, &task_done);
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*fifo_async_result_is_valid*");
  g_assert_false (fifo_lock_acquire_finish (lock, G_ASYNC_RESULT (task), NULL));
  g_test_assert_expected_messages ();
  g_task_return_boolean (task, TRUE);
  fifo_test_wait_for (&task_done);

  acquire (lock, excl, NULL, a);
  fifo_test_wait_for (&a->done);
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*fifo_async_result_is_valid*");
  g_assert_false (fifo_lock_acquire_finish (other, a->result, NULL));
  g_test_assert_expected_messages ();
  fifo_lock_release (lock, excl);
}

/* ---- Holds of many distinct instances --------------------------------------- */

/* What the probe, asked by try_acquire, is to compare the holds with. */
typedef struct
{
  FifoLockMode **modes;
  guint         *held;        /* per mode, the model's count */
  guint          n_modes;
  guint          n_checked;
} HoldsModel;

static HoldsModel *holds_model;

static gboolean
check_holds_against_model (FifoLockHolds *holds)
{
  HoldsModel *m = holds_model;
  guint total = 0, read = 0, shared = 0;

  for (guint i = 0; i < m->n_modes; i++)
    {
      g_assert_cmpuint (fifo_lock_holds_get_for_mode (holds, m->modes[i]), ==, m->held[i]);
      total += m->held[i];
      if (G_OBJECT_TYPE (m->modes[i]) == test_read_get_type ())
        read += m->held[i];
      else
        shared += m->held[i];
    }
  g_assert_cmpuint (fifo_lock_holds_get_total (holds), ==, total);
  g_assert_cmpuint (fifo_lock_holds_get (holds, test_read_get_type ()), ==, read);
  g_assert_cmpuint (fifo_lock_holds_get (holds, FIFO_TYPE_SHARED_MODE), ==, shared);
  g_assert_cmpuint (fifo_lock_holds_get (holds, FIFO_TYPE_EXCLUSIVE_MODE), ==, 0);
  m->n_checked++;
  return FALSE;
}

DEFINE_TEST_MODE (TestHoldsProbe, test_holds_probe, HOLDS_PROBE,
                  return check_holds_against_model (holds);)

/* Hundreds of distinct instances, of two types, held and released at
 * random: the counts by instance, by type and in all stay exact through
 * the tables' growth, their indexing and their deletions. */
static void
test_holds_many_instances (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) probe = g_object_new (test_holds_probe_get_type (), NULL);
  HoldsModel m = { NULL, NULL, 300, 0 };
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());

  m.modes = g_new (FifoLockMode *, m.n_modes);
  m.held = g_new0 (guint, m.n_modes);
  for (guint i = 0; i < m.n_modes; i++)
    m.modes[i] = i % 3 == 0 ? FIFO_LOCK_MODE (fifo_shared_mode_new ())
                            : g_object_new (test_read_get_type (), NULL);
  holds_model = &m;

  for (guint step = 0; step < 20000; step++)
    {
      guint i = g_rand_int_range (rand, 0, m.n_modes);

      /* Mostly growing at first, then mostly shrinking, back to nothing. */
      if (m.held[i] > 0 && g_rand_int_range (rand, 0, 100) < (step < 10000 ? 30 : 80))
        {
          fifo_lock_release (lock, m.modes[i]);
          m.held[i]--;
        }
      else if (step < 18000)
        {
          g_assert_true (fifo_lock_try_acquire (lock, m.modes[i]));
          m.held[i]++;
        }
      if (step % 7 == 0)
        g_assert_false (fifo_lock_try_acquire (lock, probe));
    }
  for (guint i = 0; i < m.n_modes; i++)
    for (; m.held[i] > 0; m.held[i]--)
      fifo_lock_release (lock, m.modes[i]);
  g_assert_false (fifo_lock_try_acquire (lock, probe));
  g_assert_cmpuint (m.n_checked, >, 2000);

  holds_model = NULL;
  for (guint i = 0; i < m.n_modes; i++)
    g_object_unref (m.modes[i]);
  g_free (m.modes);
  g_free (m.held);
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lock/never-synchronous", test_never_synchronous);
  g_test_add_func ("/lock/async-result", test_async_result);
  g_test_add_func ("/lock/nested-main-loop", test_nested_main_loop);
  g_test_add_func ("/lock/fifo/writer-blocks-later-reader", test_fifo_writer_blocks_later_reader);
  g_test_add_func ("/lock/modes/mutex", test_fifolock_mutex);
  g_test_add_func ("/lock/modes/read-write", test_fifolock_read_write);
  g_test_add_func ("/lock/modes/semaphore", test_fifolock_semaphore);
  g_test_add_func ("/lock/modes/cancel-head-middle-tail", test_fifolock_cancel_positions);
  g_test_add_func ("/lock/modes/cancel-head-unblocks", test_fifolock_cancel_head_unblocks);
  g_test_add_func ("/lock/modes/failing-body-releases", test_fifolock_failing_body_releases);
  g_test_add_func ("/lock/race/cancel-then-release", test_race_cancel_then_release);
  g_test_add_func ("/lock/race/release-then-cancel", test_race_release_then_cancel);
  g_test_add_func ("/lock/race/delivered-then-cancel", test_race_delivered_then_cancel);
  g_test_add_func ("/lock/race/cancelled-before-call", test_race_cancelled_before_call);
  g_test_add_func ("/lock/race/threads", test_race_threads);
  g_test_add_func ("/lock/core/constant-stack", test_constant_stack);
  g_test_add_func ("/lock/core/no-starvation", test_no_starvation);
  g_test_add_func ("/lock/threads/hammer", test_threads_hammer);
  g_test_add_func ("/lock/blocking/acquire", test_blocking_acquire);
  g_test_add_func ("/lock/blocking/cancelled", test_blocking_acquire_cancelled);
  g_test_add_func ("/lock/blocking/in-gtask", test_blocking_in_gtask);
  g_test_add_func ("/lock/holds/counts-and-snapshots", test_holds_counts_and_snapshots);
  g_test_add_func ("/lock/holds/mode-counting-by-type", test_mode_counting_by_type);
  g_test_add_func ("/lock/holds/many-instances", test_holds_many_instances);
  g_test_add_func ("/lock/property/n-waiting", test_n_waiting_property);
  g_test_add_func ("/lock/lifetime/unreffed-with-waiters", test_lock_unreffed_with_waiters);
  g_test_add_func ("/lock/lifetime/context-destroyed", test_context_destroyed);
  g_test_add_func ("/lock/misuse/release-unheld", test_misuse_release_unheld);
  g_test_add_func ("/lock/misuse/release-unheld-subprocess", test_misuse_subprocess);
  g_test_add_func ("/lock/misuse/null-arguments", test_misuse_null_arguments);
  g_test_add_func ("/lock/misuse/wrong-result", test_misuse_wrong_result);

  return g_test_run ();
}
