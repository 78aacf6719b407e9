/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The private waiting core every primitive is built on.
 *
 * A FifoWaitQueue is a mutex plus an intrusive FIFO of FifoWaiters. A
 * primitive embeds one and supplies a FifoWaitQueueClass: its policy. The
 * core owns everything else:
 *
 *  - waiters, bound to the thread-default GMainContext of the caller;
 *  - O(1) removal of a cancelled waiter;
 *  - completion: a completed waiter is handed to the dispatcher of its
 *    context, which invokes the callback in a later main-loop iteration, in
 *    bounded batches, never on the stack of the call that completed it;
 *  - the cancellation rule: a grant that races with cancellation is either
 *    delivered as success, or taken back by the policy (revoke) and
 *    delivered as G_IO_ERROR_CANCELLED — never both, never stranded;
 *  - blocking waits for worker threads, sharing the same paths;
 *  - property notifications and other deferred work, run once the queue is
 *    unlocked.
 *
 * Lock order: a queue's mutex may be taken while another queue's mutex is
 * held only in the direction condition → mutex. Dispatcher and GMainContext
 * locks are leaves. No user code runs with a queue locked, except a
 * FifoLockMode's is_compatible, which is documented to be quick and never
 * to call back into the lock.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _FifoWaiter         FifoWaiter;
typedef struct _FifoWaitQueue      FifoWaitQueue;
typedef struct _FifoWaitQueueClass FifoWaitQueueClass;
typedef struct _FifoDispatcher     FifoDispatcher;
typedef struct _FifoDeferred       FifoDeferred;

/* What a waiter is waiting for: the _async function that started it (the
 * GAsyncResult's source tag) and the policy it was submitted to, whose
 * cancel and revoke hooks apply even after a transfer to another queue.
 * An internal step of a longer operation (whose user data is the library's
 * own state) names how to free that state should its callback never run,
 * its main context being gone. One static record per operation keeps the
 * waiter small. */
typedef struct
{
  gpointer                  source_tag;
  const FifoWaitQueueClass *klass;
  GDestroyNotify            free_orphaned_user_data;
} FifoOperation;

typedef enum {
  FIFO_OUTCOME_SUCCESS,
  FIFO_OUTCOME_CANCELLED,
  FIFO_OUTCOME_BROKEN_BARRIER,
} FifoOutcome;

typedef enum {
  FIFO_WAITER_NEW,        /* created, or in transfer, not yet admitted */
  FIFO_WAITER_QUEUED,     /* linked into waiter->queue */
  FIFO_WAITER_READY,      /* completed, its delivery pending */
  FIFO_WAITER_REVOKING,   /* a cancellation is taking the grant back */
  FIFO_WAITER_DELIVERED,  /* outcome final, handed to the caller */
} FifoWaiterState;

/* Bits of FifoWaitQueue.changed; bit 0 is the core's, the rest the policy's. */
#define FIFO_WAIT_QUEUE_CHANGED_LENGTH (1u << 0)
#define FIFO_WAIT_QUEUE_CHANGED_POLICY(n) (1u << (1 + (n)))

struct _FifoWaiter
{
  FifoWaiter                *prev;
  FifoWaiter                *next;          /* wait queue, then ready list */
  FifoWaitQueue             *queue;         /* atomic: whose lock guards it */
  const FifoOperation       *op;
  GObject                   *source_object; /* strong */
  GAsyncReadyCallback        callback;      /* NULL for a blocking wait */
  gpointer                   user_data;     /* a FifoSyncWait when blocking */
  FifoDispatcher            *dispatcher;    /* strong; NULL when blocking */
  GCancellable              *cancellable;   /* strong */
  gulong                     cancelled_id;
  union {
    gpointer pointer;                       /* the policy's (FifoLock: its mode) */
    gint64   value;                         /* delivered as the result's value */
  } data;
  gint                       state;         /* atomic FifoWaiterState */
  guint8                     outcome;       /* FifoOutcome */
  guint8                     cancel_requested : 1; /* guarded by the queue lock */
  guint8                     data_is_object : 1;
};

struct _FifoWaitQueueClass
{
  /* Locked. Decide for a newly submitted (or transferred) waiter: complete
   * it now with fifo_waiter_complete(), or fifo_wait_queue_push_tail() it.
   * Required. */
  void     (*admit)   (FifoWaitQueue *queue,
                       FifoWaiter    *waiter);

  /* Locked (@queue is the waiter's current queue). @waiter, queued, is
   * being cancelled. Default (NULL): unlink it, complete it with
   * FIFO_OUTCOME_CANCELLED, then call removed(). */
  void     (*cancel)  (FifoWaitQueue *queue,
                       FifoWaiter    *waiter);

  /* Locked. A queued waiter was removed by cancellation. @was_head tells
   * whether the head changed, so that a policy may grant the new head. */
  void     (*removed) (FifoWaitQueue *queue,
                       gboolean       was_head);

  /* Locked (@queue is the waiter's current queue). @waiter was completed
   * with success but not delivered yet and is cancelled. Take the grant
   * back (handing it on) and return TRUE: it is then delivered as
   * cancelled. NULL or FALSE: the grant stands. */
  gboolean (*revoke)  (FifoWaitQueue *queue,
                       FifoWaiter    *waiter);

  /* Locked. @waiter was completed, with any outcome, but will never be
   * delivered: its main context is gone. Give back whatever it holds for
   * its caller. Default (NULL): revoke() if it succeeded. */
  void     (*abandon) (FifoWaitQueue *queue,
                       FifoWaiter    *waiter);

  /* Locked, at the end of every locked section: compare the policy's
   * properties with what was last notified and return their bits to
   * notify. Optional. (The core watches the length itself.) */
  guint    (*collect) (FifoWaitQueue *queue);

  /* Unlocked, after a locked section that had bits to notify: emit the
   * property notifications on the owner. Optional. */
  void     (*notify)  (FifoWaitQueue *queue,
                       GObject       *owner,
                       guint          changed);
};

struct _FifoWaitQueue
{
  GMutex                    mutex;
  const FifoWaitQueueClass *klass;
  GObject                  *owner;     /* not a ref: the queue lives in it */
  FifoWaiter               *head;
  FifoWaiter               *tail;
  guint                     length;
  guint                     notified_length;
  guint                     changed;   /* FIFO_WAIT_QUEUE_CHANGED_* */
  FifoWaiter               *orphans;   /* completed for a dead context */
  FifoDeferred             *deferred;  /* to run once unlocked */
  guint                     n_wakeups;
  FifoDispatcher           *wakeups[4]; /* to wake once unlocked */
};

void        fifo_wait_queue_init          (FifoWaitQueue            *queue,
                                           const FifoWaitQueueClass *klass,
                                           GObject                  *owner);
void        fifo_wait_queue_clear         (FifoWaitQueue            *queue);

static inline void
fifo_wait_queue_lock (FifoWaitQueue *queue)
{
  g_mutex_lock (&queue->mutex);
}

/* Unlocks, then wakes dispatchers, notifies properties and runs deferred
 * work — all of it outside the lock. The caller keeps the queue's owner
 * alive until it returns (a public method's caller does). */
void        fifo_wait_queue_unlock_slow   (FifoWaitQueue            *queue);

static inline void
fifo_wait_queue_unlock (FifoWaitQueue *queue)
{
  /* Nothing to do outside the lock: the common case of try and release. */
  if (queue->n_wakeups == 0 && queue->changed == 0 && queue->klass->collect == NULL &&
      queue->orphans == NULL && queue->deferred == NULL)
    g_mutex_unlock (&queue->mutex);
  else
    fifo_wait_queue_unlock_slow (queue);
}

/* Unlocks @inner, a queue locked inside @outer's locked section, leaving
 * its wake-ups, notifications and deferred work to @outer's unlock, so
 * that no user code runs while @outer is locked. */
void        fifo_wait_queue_unlock_into   (FifoWaitQueue            *inner,
                                           FifoWaitQueue            *outer);

/* Locked. Runs @func (@data) once @queue is unlocked. */
void        fifo_wait_queue_defer         (FifoWaitQueue            *queue,
                                           GDestroyNotify            func,
                                           gpointer                  data);

static inline FifoWaiter *
fifo_wait_queue_peek_head (FifoWaitQueue *queue)
{
  return queue->head;
}

static inline gboolean
fifo_wait_queue_is_empty (FifoWaitQueue *queue)
{
  return queue->head == NULL;
}

void        fifo_wait_queue_push_tail     (FifoWaitQueue            *queue,
                                           FifoWaiter               *waiter);
guint       fifo_wait_queue_get_length    (FifoWaitQueue            *queue);

/* Locked. Unlinks @waiter if it is queued, records @outcome (cancelled if a
 * cancellation was requested meanwhile) and hands it to its dispatcher, or
 * wakes its blocked thread. */
void        fifo_waiter_complete          (FifoWaitQueue            *queue,
                                           FifoWaiter               *waiter,
                                           FifoOutcome               outcome);

/* Locked. Completes every queued waiter, in FIFO order, with @outcome. */
void        fifo_wait_queue_complete_all  (FifoWaitQueue            *queue,
                                           FifoOutcome               outcome);

/* Locked, both queues (its current one first, see the lock order). Takes
 * @waiter out of its queue, if it is queued, and submits it to the policy
 * of @to, which guards it from then on. Its own class still decides what a
 * cancellation does. */
void        fifo_waiter_transfer          (FifoWaiter               *waiter,
                                           FifoWaitQueue            *to);

/* Starts an asynchronous wait. @data is stored in waiter->data.pointer;
 * with @data_is_object it is a GObject reference the waiter owns. */
void        fifo_wait_queue_submit        (FifoWaitQueue            *queue,
                                           const FifoOperation      *op,
                                           gpointer                  data,
                                           gboolean                  data_is_object,
                                           GCancellable             *cancellable,
                                           GAsyncReadyCallback       callback,
                                           gpointer                  user_data);

/* Completes at once an operation that needs no waiting; the callback still
 * runs later, from the dispatcher, like every other. */
void        fifo_wait_queue_submit_done   (FifoWaitQueue            *queue,
                                           const FifoOperation      *op,
                                           FifoOutcome               outcome,
                                           GAsyncReadyCallback       callback,
                                           gpointer                  user_data);

/* The same for the continuation of an operation, from a callback of the
 * library's own: its callback is due in @dispatcher (the original
 * caller's), whatever the thread-default context is now. */
void        fifo_wait_queue_submit_to     (FifoWaitQueue            *queue,
                                           const FifoOperation      *op,
                                           FifoDispatcher           *dispatcher,
                                           GCancellable             *cancellable,
                                           GAsyncReadyCallback       callback,
                                           gpointer                  user_data);
void        fifo_wait_queue_submit_done_to (FifoWaitQueue           *queue,
                                            const FifoOperation     *op,
                                            FifoDispatcher          *dispatcher,
                                            FifoOutcome              outcome,
                                            GAsyncReadyCallback      callback,
                                            gpointer                 user_data);

/* Waits, blocking the calling thread. @data is borrowed. Returns the
 * outcome; @value receives the waiter's delivered value. */
FifoOutcome fifo_wait_queue_submit_sync   (FifoWaitQueue            *queue,
                                           gpointer                  data,
                                           GCancellable             *cancellable,
                                           gint64                   *value);

/* The dispatcher's side. */
FifoOutcome fifo_waiter_settle            (FifoWaiter               *waiter);
void        fifo_waiter_free              (FifoWaiter               *waiter);
void        fifo_waiter_abandon           (FifoWaiter               *waiter);

/* Turns an outcome into the caller-visible result. */
gboolean    fifo_outcome_propagate        (FifoOutcome               outcome,
                                           GError                  **error);

G_END_DECLS
