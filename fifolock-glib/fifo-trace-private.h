/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Observability: every primitive's name, the debug messages
 * (G_MESSAGES_DEBUG=Fifo), the warnings about slow waits and holds
 * (FIFO_DEBUG=slow=MILLISECONDS) and Sysprof marks (-Dsysprof).
 *
 * NOTES
 *
 * Off, it costs one predictable branch per hook. Whether anything is to be
 * recorded is decided once, when the first primitive class is made (its
 * "name" property is made by fifo_name_param_spec_new(), which reads the
 * environment): fifo_trace_flags is constant from then on, before any
 * primitive exists, and every hook is FIFO_TRACE (call), one G_UNLIKELY
 * test of it.
 *
 * The hooks are few and generic. In the core (fifo-wait-queue.c): a
 * request (fifo_wait_queue_submit_waiter(), fifo_wait_queue_complete_new()),
 * a completion (fifo_waiter_complete(): grant, cancellation or failure), a
 * grant taken back (the revokes of fifo_waiter_cancel_locked() and
 * fifo_waiter_pass_over_locked()) and a pass-over. In the primitives that
 * are held (FifoLock, FifoMutex, FifoSemaphore): a try_ grant and a
 * release. The core's one field for it is FifoWaiter.trace_time: when the
 * request was made, then when it was granted (nanoseconds, the clock of
 * fifo_trace_now()).
 *
 * Locks. The request hooks run unlocked; the others with the queue locked
 * (the holder's: a condition's waiter is granted at its mutex). They take
 * only leaf locks (the trace lock, GObject's qdata lock), run no user code
 * and emit nothing: what they have to say is formatted there and emitted
 * once the queue is unlocked, as deferred work (fifo_wait_queue_defer()).
 * Nothing is emitted from a GMainContext's finalizer: a pass-over is
 * reported when a live thread carries it out.
 *
 * Slow waits and holds. With FIFO_DEBUG=slow, each wait and each hold is
 * also an open occurrence (TraceOpen: what its warning will say, and a
 * reference to its primitive's TraceInfo for the name, not the primitive)
 * in one list under the trace lock, until it ends; a watch thread, started
 * with the first, sleeps until the oldest unwarned one passes the limit
 * and warns then, unlocked, from its own thread. So a hung program's
 * holder and waiters are named while they hang. Each occurrence is warned
 * about once: by the watch, or when it ends if the watch had not seen it.
 * FifoWaiter.trace_open is a request's; a waiter freed without completing
 * drops it (fifo_trace_forget()).
 *
 * User code. A log writer or handler runs where a message is emitted: at
 * an unlock, in the watch thread, or (for what reading FIFO_DEBUG has to
 * say) after the read, outside its once. While a thread emits, what its
 * writer does with primitives is kept track of but not reported
 * (FifoThread.trace_emitting), or a writer that uses one would feed itself
 * for ever.
 *
 * Holds. A release names no request (a mutex is not owned), so each held
 * primitive keeps, while tracing, the list of its holds (its qdata, guarded
 * by its queue's lock), oldest first: a grant appends one, a release ends
 * the oldest of its mode (FifoLock: the same mode object; the others: any),
 * a grant taken back ends its own. A release that ends none (a semaphore
 * released before it is acquired) is made up for by the next grant, which
 * starts no hold.
 */
#pragma once

#include "fifo-wait-queue-private.h"

G_BEGIN_DECLS

typedef enum {
  FIFO_TRACE_DEBUG   = 1 << 0,  /* debug messages of the "Fifo" domain are shown */
  FIFO_TRACE_SLOW    = 1 << 1,  /* FIFO_DEBUG=slow=MILLISECONDS */
  FIFO_TRACE_SYSPROF = 1 << 2,  /* marks: under Sysprof, or FIFO_DEBUG=capture=FILE */
} FifoTraceFlags;

/* Set once, before the first primitive exists; then constant. */
extern guint fifo_trace_flags;

/* A hook: one branch when nothing is recorded. */
#define FIFO_TRACE(call)                                                       \
  G_STMT_START {                                                               \
    if (G_UNLIKELY (fifo_trace_flags != 0))                                    \
      call;                                                                    \
  } G_STMT_END

/* ---- The name property, for every primitive ---------------------------------- */

/* A new "name" pspec for a primitive's class_init (and, the first time, the
 * environment read). */
GParamSpec *fifo_name_param_spec_new  (void);
/* Any thread. A copy of @object's name, or NULL. */
char       *fifo_object_dup_name      (GObject    *object);
/* Any thread. TRUE if the name changed: the caller notifies @pspec. */
gboolean    fifo_object_set_name      (GObject    *object,
                                       const char *name);
/* Any thread, any lock held: "FifoMutex “db”", or "FifoMutex 0x…" if it
 * has no name. For criticals and messages. */
char       *fifo_object_describe      (GObject    *object);

/* Any thread, no lock held: says what reading FIFO_DEBUG had to say (an
 * unknown option…), once, when the first primitive is made. */
void        fifo_trace_say_environment (void);

/* ---- Hooks -------------------------------------------------------------------- */

/* Unlocked, before admission: @waiter (its data set) is a new request. */
void        fifo_trace_request        (FifoWaitQueue *queue,
                                       FifoWaiter    *waiter);
/* Locked. @waiter completes with @outcome, before it is handed on. */
void        fifo_trace_complete       (FifoWaitQueue *queue,
                                       FifoWaiter    *waiter,
                                       FifoOutcome    outcome);
/* Locked. @waiter's grant was taken back (cancelled before delivery, or
 * passed over). */
void        fifo_trace_revoke         (FifoWaitQueue *queue,
                                       FifoWaiter    *waiter);
/* Locked. @waiter, completed, is passed over: its context is gone. */
void        fifo_trace_pass_over      (FifoWaitQueue *queue,
                                       FifoWaiter    *waiter);
/* Any thread, unlocked. @waiter is freed: whatever tracing kept of it
 * goes (a request that never completed). */
void        fifo_trace_forget         (FifoWaiter    *waiter);
/* Locked. A hold granted without a request (try_): @mode is FifoLock's
 * mode, NULL for the others. */
void        fifo_trace_hold           (FifoWaitQueue *queue,
                                       gpointer       mode);
/* Locked. A release of @mode (NULL but for FifoLock). */
void        fifo_trace_release        (FifoWaitQueue *queue,
                                       gpointer       mode);

G_END_DECLS
