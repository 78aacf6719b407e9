/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-thread-private.h"

_Thread_local FifoThread *fifo_thread_current FIFO_TLS_MODEL;

static void
fifo_thread_free (gpointer data)
{
  FifoThread *thread = data;

  /* On the exiting thread: nothing may find it any more. */
  fifo_thread_current = NULL;
  fifo_waiter_pool_clear (thread);
  fifo_dispatcher_thread_clear (thread);
  g_free (thread);
}

static GPrivate fifo_thread_private = G_PRIVATE_INIT (fifo_thread_free);

FifoThread *
fifo_thread_get_slow (void)
{
  FifoThread *thread = g_new0 (FifoThread, 1);

  g_private_set (&fifo_thread_private, thread);
  fifo_thread_current = thread;
  return thread;
}
