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

typedef struct
{
  /* fifo-wait-queue.c: freed waiters kept for reuse, through ->next */
  FifoWaiter     *free_waiters;
  guint           n_free_waiters;

  /* fifo-dispatcher.c: the dispatcher of the context last asked for */
  GMainContext   *cached_context;
  FifoDispatcher *cached_dispatcher;   /* strong */
  /* the dispatcher whose callbacks run on this thread right now, if any */
  FifoDispatcher *dispatching;
} FifoThread;

extern _Thread_local FifoThread *fifo_thread_current;

/* The calling thread's, made on first use. */
FifoThread *fifo_thread_get_slow (void);

static inline FifoThread *
fifo_thread_get (void)
{
  FifoThread *thread = fifo_thread_current;

  return G_LIKELY (thread != NULL) ? thread : fifo_thread_get_slow ();
}

/* The parts' destructors, for the thread's exit. */
void fifo_waiter_pool_clear       (FifoThread *thread);
void fifo_dispatcher_thread_clear (FifoThread *thread);

G_END_DECLS
