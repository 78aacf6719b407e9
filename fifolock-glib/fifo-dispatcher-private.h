/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One FifoDispatcher per GMainContext: a GSource with a ready list of
 * completed waiters. It invokes their callbacks in bounded batches and,
 * after a full batch, sits out one main-context iteration so that the
 * context's other sources, of any priority, keep running.
 */
#pragma once

#include "fifo-wait-queue-private.h"

G_BEGIN_DECLS

typedef enum {
  FIFO_DISPATCHER_QUEUED,
  FIFO_DISPATCHER_QUEUED_WAKEUP,  /* the caller must fifo_dispatcher_wakeup() it,
                                   * and owns a reference for that */
  FIFO_DISPATCHER_DEAD,           /* its context is gone: nobody will deliver */
} FifoDispatcherPush;

/* The dispatcher of the calling thread's thread-default context. */
FifoDispatcher     *fifo_dispatcher_ref_thread_default (void);
FifoDispatcher     *fifo_dispatcher_ref                (FifoDispatcher *dispatcher);
void                fifo_dispatcher_unref              (FifoDispatcher *dispatcher);

FifoDispatcherPush  fifo_dispatcher_push               (FifoDispatcher *dispatcher,
                                                        FifoWaiter     *waiter);
void                fifo_dispatcher_wakeup             (FifoDispatcher *dispatcher);

/* Whether its context is gone. */
gboolean            fifo_dispatcher_is_dead            (FifoDispatcher *dispatcher);
/* Any thread, any lock held: @ticket is to be run by the context's next
 * dispatch. FALSE if the context is gone (the ticket is still the
 * caller's); otherwise TRUE, and *@wakeup says whether the caller must
 * fifo_dispatcher_wakeup() it once unlocked. */
gboolean            fifo_dispatcher_take_ticket        (FifoDispatcher  *dispatcher,
                                                        FifoDrainTicket *ticket,
                                                        gboolean        *wakeup);

/* Any thread: its context's address, to name it (valid while not dead). */
GMainContext       *fifo_dispatcher_peek_context       (FifoDispatcher  *dispatcher);

G_END_DECLS
