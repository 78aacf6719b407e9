/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FifoThread: everything the library keeps per thread, in one place.
 *
 * NOTES
 *
 * Read on every operation, so reached through a plain thread-local
 * pointer; a GPrivate holds the same struct only for its destructor, which
 * runs on the exiting thread. Only the owning thread touches it.
 */
#pragma once

#include "fifo-wait-queue-private.h"

G_BEGIN_DECLS

struct _FifoThread
{
  /* fifo-wait-queue.c: freed waiters kept for reuse, through ->next */
  FifoWaiter     *free_waiters;
  guint           n_free_waiters;

  /* fifo-dispatcher.c: the dispatcher of the context last asked for */
  GMainContext   *cached_context;
  FifoDispatcher *cached_dispatcher;   /* strong */
  /* the dispatcher whose callbacks run on this thread right now, if any */
  FifoDispatcher *dispatching;

  /* fifo-wait-queue.c: deferred work queued while some already runs */
  gboolean        running_deferred;
  FifoDeferred   *deferred;
  FifoDeferred   *deferred_tail;

  /* fifo-wait-queue.c: queues whose changes this thread's batch of
   * callbacks will notify at its end, each with a reference to its owner */
  FifoWaitQueue  *notify_pending[8];
  guint           n_notify_pending;
  gboolean        flushing_notify;

  /* fifo-trace.c: a message of the library's is being emitted here; what
   * the log writer does with primitives meanwhile is not traced */
  gboolean        trace_emitting;
};

/* fifo_thread_current is declared in fifo-wait-queue-private.h. */

/* The calling thread's, made on first use. */
FifoThread *fifo_thread_get_slow (void);

static inline FifoThread *
fifo_thread_get (void)
{
  FifoThread *thread = fifo_thread_current;

  return G_LIKELY (thread != NULL) ? thread : fifo_thread_get_slow ();
}

/* Collects and notifies what this thread's callbacks changed (see
 * fifo_wait_queue_defer_notify()). Nothing locked. */
void fifo_thread_flush_notify (FifoThread *thread);

/* The parts' destructors, for the thread's exit. */
void fifo_waiter_pool_clear       (FifoThread *thread);
void fifo_dispatcher_thread_clear (FifoThread *thread);

G_END_DECLS
