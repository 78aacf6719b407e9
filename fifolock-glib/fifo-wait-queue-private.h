/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The private waiting core every primitive is built on.
 *
 * NOTES
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
 *  - passing over the waiters of a main context that is gone, giving back
 *    what they hold;
 *  - blocking waits for worker threads, sharing the same paths;
 *  - property notifications and other deferred work, run once the queue is
 *    unlocked.
 *
 * Locks. A queue's mutex is held for short sections that run no user code
 * but a FifoLockMode's is_compatible — which, written in Python, waits for
 * the interpreter lock. So a queue's mutex is *waited for* at the entry of
 * a public function (and a binding releases its interpreter lock around
 * those). Inside a GCancellable's emission the core only *tries* the
 * mutex: a cancellation that finds it taken is pushed onto the queue's
 * inbox (lock-free), and whoever holds the mutex carries it out before it
 * lets go — and whoever takes the mutex next carries out what was pushed
 * before, before its own operation (fifo_wait_queue_lock()), so a thread's
 * cancellation always takes effect before its next call on the primitive.
 *
 * In a finalizer (a GMainContext's: a binding's object being freed, with
 * its interpreter lock held, inside a JavaScript garbage collection, where
 * no JavaScript may run, or inside a mode's is_compatible, where a Python
 * collection ran) the core runs no user code at all — passing over gives
 * grants on, which asks modes, notifies and frees, which are user code. A
 * waiter of the dead context is pushed onto its queue's inbox, with a
 * ticket (a reference to the waiter, which keeps the queue) that goes to
 * the first live waiter of every list of the queue and of its linked one
 * (fifo_drain_ticket_hand_on()): its dispatcher, or its blocked thread,
 * drains the queue at its next chance. So the waiter a pass-over grants to
 * carries it out itself, or somebody ahead of it in line does; and the
 * primitive's next operation does it in any case. With nobody waiting the
 * ticket goes to the inbox, and a source in the finalizing thread's main
 * context drains it for the properties' observers. The finalizer takes
 * queue mutexes only by trying, and lets go of them without doing the
 * inbox: the tickets' drains do. So that nothing pushed meanwhile is left
 * to a holder that will not do it, such a hold is marked (finalizer_holds):
 * it is short and waits for nothing, and whoever finds the mutex taken by
 * one waits for it to end instead of leaving its work to it — a finalizer
 * included; and cancellations pushed before the mark was seen are found in
 * the inbox by the finalizer, whose tickets go to their waiters too.
 *
 * Once inside, a condition's policy takes its mutex's queue (nested, in the
 * order below), and work deferred to after the unlock may take a
 * condition's queue (a notification passed on): the holders of those two
 * queues run no user code at all and wait for nothing, so waiting for them
 * can never close a cycle. Every other lock of the library is a leaf: held
 * for a few instructions, never while waiting for anything or calling out
 * (a dispatcher's, a cancel watch's, the registries').
 *
 * Lock order: a queue's mutex may be taken while another queue's mutex is
 * held only in the direction condition → mutex. Leaf locks may be taken
 * under a queue's mutex, never the other way round.
 *
 * GCancellable: one handler per cancellable, never disconnected (see
 * fifo-cancel-watch-private.h). The core never calls g_cancellable_connect()
 * nor g_cancellable_disconnect(), which wait for or lock against a running
 * emission.
 *
 * Lifetimes: a waiter is reference-counted. Its first reference is its
 * delivery's (the dispatcher's, the blocked thread's, or the pass-over's);
 * a cancellation in progress holds another. References to other objects
 * (the source object, the policy's data, the dispatcher) are dropped only
 * with no queue locked, since dropping one may run user code.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _FifoWaiter         FifoWaiter;
typedef struct _FifoWaitQueue      FifoWaitQueue;
typedef struct _FifoWaitQueueClass FifoWaitQueueClass;
typedef struct _FifoDispatcher     FifoDispatcher;
typedef struct _FifoDeferred       FifoDeferred;
typedef struct _FifoCancelWatch    FifoCancelWatch;
typedef struct _FifoDrainTicket    FifoDrainTicket;
typedef struct _FifoThread         FifoThread;   /* fifo-thread-private.h */

/* The calling thread's FifoThread, or NULL before its first use. One
 * pointer of static TLS rather than a __tls_get_addr() call on every
 * operation: the library may be dlopen()ed (by GObject-Introspection), but
 * the C library keeps room in the static TLS block for that much. */
#if defined (__GNUC__) || defined (__clang__)
# define FIFO_TLS_MODEL __attribute__ ((tls_model ("initial-exec")))
#else
# define FIFO_TLS_MODEL
#endif
extern _Thread_local FifoThread *fifo_thread_current FIFO_TLS_MODEL;

/* One FIFO of waiters. A queue has one; a primitive that needs several
 * under one lock (a FifoQueue's getters, putters and joiners) gives it an
 * array of them: a waiter is in one at a time. */
typedef struct
{
  FifoWaiter *head;
  FifoWaiter *tail;
  guint       length;
} FifoWaitList;

/* What a waiter is waiting for: the _async function that started it (the
 * GAsyncResult's source tag) and the policy it was submitted to, whose
 * cancel and revoke hooks apply even after a transfer to another queue.
 * An operation whose waiter's data.pointer is a payload (an item got from a
 * queue) says so: the payload is the result's until _finish takes it, and
 * the policy's free_payload() frees it if nobody does. An internal step of
 * a longer operation (whose user data is the library's own state) names how
 * to free that state should its callback never run, its main context being
 * gone. One static record per operation keeps the waiter small, and
 * outlives every waiter. */
typedef struct
{
  gpointer                  source_tag;
  const FifoWaitQueueClass *klass;
  GDestroyNotify            free_orphaned_user_data;
  gboolean                  delivers_payload;
} FifoOperation;

/* Success, cancellation, or a failure of the policy's own: failure n is
 * FIFO_OUTCOME_FAILURE (n), which its set_error() turns into a GError. */
typedef enum {
  FIFO_OUTCOME_SUCCESS,
  FIFO_OUTCOME_CANCELLED,
  FIFO_OUTCOME_FAILED,
} FifoOutcome;

#define FIFO_OUTCOME_FAILURE(code) ((FifoOutcome) (FIFO_OUTCOME_FAILED + (code)))

/* What a waiter carries: the policy's (FifoLock: its mode; a queue: its
 * item), or the value delivered (a barrier's arrival index). */
typedef union
{
  gpointer pointer;
  gint64   value;
} FifoWaiterData;

typedef enum {
  FIFO_WAITER_NEW,        /* created, or in transfer, not yet admitted */
  FIFO_WAITER_QUEUED,     /* linked into waiter->queue */
  FIFO_WAITER_READY,      /* completed with waiter->outcome, its delivery pending */
  FIFO_WAITER_REVOKED,    /* completed with success, then cancelled: its grant
                           * was taken back; delivered as cancelled */
  FIFO_WAITER_DELIVERED,  /* outcome final, handed to the caller (or passed over) */
} FifoWaiterState;

/* Bits of FifoWaitQueue.changed; bit 0 is the core's, the rest the policy's. */
#define FIFO_WAIT_QUEUE_CHANGED_LENGTH (1u << 0)
#define FIFO_WAIT_QUEUE_CHANGED_POLICY(n) (1u << (1 + (n)))

struct _FifoWaiter
{
  FifoWaiter                *prev;          /* wait queue, then a queue's list
                                             * of waiters passed over */
  FifoWaiter                *next;          /* wait queue, ready list, then a
                                             * queue's pass-over inbox */
  FifoWaitQueue             *queue;         /* atomic: whose lock guards it */
  const FifoOperation       *op;
  /* The queue of the primitive it was made on (its source object is
   * home->owner), which it holds (fifo_wait_queue_hold()) while
   * holds_home. The hold moves into the result at delivery only if nobody
   * else holds a reference to the waiter (a cancellation in progress), so
   * the source object is alive whenever anyone looks at the waiter. */
  FifoWaitQueue             *home;
  GAsyncReadyCallback        callback;      /* NULL for a blocking wait */
  gpointer                   user_data;     /* a FifoSyncWait when blocking */
  FifoDispatcher            *dispatcher;    /* strong; NULL when blocking */
  FifoCancelWatch           *watch;         /* strong; NULL if not cancellable */
  /* In the watch's list (guarded by its lock) while watched; then in a
   * queue's cancel inbox, or its list of waiters to release. */
  FifoWaiter                *watch_prev;
  FifoWaiter                *watch_next;
  FifoWaiterData             data;
  gint                       ref_count;     /* atomic */
  gint                       state;         /* atomic FifoWaiterState */
  guint8                     outcome;       /* FifoOutcome */
  /* Each guarded by its own lock, so each in a byte of its own. */
  guint8                     cancel_requested : 1; /* the queue's lock */
  guint8                     data_is_object : 1;   /* set when made */
  guint8                     holds_home : 1;       /* its references' */
  guint8                     list;                 /* the queue's lock: which FifoWaitList */
  guint8                     watched;              /* the watch's lock */
  /* The policy's, under the queue's lock: a FifoQueue's item's place. */
  guint32                    order;
  /* Only while tracing (fifo-trace-private.h): when it was requested, then
   * when it was granted. */
  gint64                     trace_time;
  gpointer                   trace_open;    /* FIFO_DEBUG=slow: its open wait */
};

struct _FifoWaitQueueClass
{
  /* Locked. Decide for a newly submitted (or transferred) waiter: complete
   * it now with fifo_waiter_complete(), or fifo_wait_queue_push_tail() it.
   * Required. */
  void     (*admit)      (FifoWaitQueue *queue,
                          FifoWaiter    *waiter);

  /* Locked (@queue is the waiter's current queue). @waiter, queued, is
   * being cancelled. Default (NULL): unlink it, complete it with
   * FIFO_OUTCOME_CANCELLED and, if it was the head, serve(). */
  void     (*cancel)     (FifoWaitQueue *queue,
                          FifoWaiter    *waiter);

  /* Locked. Grant what has become possible: the head changed, or a grant
   * was given back. Optional. */
  void     (*serve)      (FifoWaitQueue *queue);

  /* Locked. @waiter was completed with success but not delivered yet, and
   * is cancelled: may its grant be taken back? Must change nothing.
   * Default (NULL): yes, if there is a revoke(). */
  gboolean (*can_revoke) (FifoWaitQueue *queue,
                          FifoWaiter    *waiter);

  /* Locked (@queue is the waiter's current queue). The core has claimed
   * @waiter's grant back (it is delivered as cancelled): give it back.
   * The core then calls serve(). NULL: a grant always stands. */
  void     (*revoke)     (FifoWaitQueue *queue,
                          FifoWaiter    *waiter);

  /* Locked. @waiter was completed, with any outcome, but will never be
   * delivered: its main context is gone. Give back whatever it holds for
   * its caller (fifo_waiter_get_outcome() tells what it got). Default
   * (NULL): revoke() and serve() if it succeeded and can_revoke(). */
  void     (*abandon)    (FifoWaitQueue *queue,
                          FifoWaiter    *waiter);

  /* Locked, at the end of every locked section: compare the policy's
   * properties with what was last notified and return their bits to
   * notify. Optional. (The core watches the length itself.) */
  guint    (*collect)    (FifoWaitQueue *queue);

  /* Unlocked, after a locked section that had bits to notify: emit the
   * property notifications on the owner. Optional. */
  void     (*notify)     (FifoWaitQueue *queue,
                          GObject       *owner,
                          guint          changed);

  /* Any thread, nothing locked. Sets @error for the policy's failure
   * @code (the outcome FIFO_OUTCOME_FAILURE (code)). Required if the
   * policy fails waiters. */
  void     (*set_error)  (guint          code,
                          GError       **error);

  /* Any thread, nothing locked. Frees a payload nobody took: of a result
   * never finished, of a waiter passed over. @owner is the primitive.
   * Required if an operation delivers a payload. */
  void     (*free_payload) (GObject     *owner,
                            gpointer     payload);

  /* Any thread, anything locked. The other queue whose waiters a pass-over
   * here may grant to (a condition's mutex's), in the lock order after
   * this one. Optional. */
  FifoWaitQueue *(*linked) (FifoWaitQueue *queue);
};

struct _FifoWaitQueue
{
  GMutex                    mutex;
  const FifoWaitQueueClass *klass;
  GObject                  *owner;     /* not a ref: the queue lives in it */
  FifoWaitList             *lists;     /* &list, or the policy's array */
  guint                     n_lists;
  FifoWaitList              list;
  guint                     length;    /* in all lists */
  guint                     notified_length;
  guint                     changed;   /* FIFO_WAIT_QUEUE_CHANGED_* */
  guint                     n_wakeups;
  FifoDispatcher           *wakeups[4]; /* to wake once unlocked */
  FifoDeferred             *deferred;  /* to run once unlocked */
  /* Waiters to release once unlocked: done with by a cancellation (through
   * ->watch_next, the cancellation's link), and passed over (through
   * ->prev: a completed waiter is in no queue; its ->watch_next may still
   * be a cancellation's). */
  FifoWaiter               *released;
  FifoWaiter               *passed;
  /* Work handed to whoever holds the mutex (atomic, lock-free pushes): */
  FifoWaiter               *cancel_inbox;  /* to cancel, through ->watch_next */
  FifoWaiter               *pass_inbox;    /* to pass over, through ->next */
  /* Locked: the thread whose batch of callbacks will collect and notify
   * this queue's changes (fifo_wait_queue_defer_notify()), if any. */
  gpointer                  notify_deferred_by;
  FifoDrainTicket          *ticket_inbox;  /* to drop, through ->next */
  gint                      finalizer_holds; /* atomic: a hold that does no inbox */
  FifoDrainTicket          *tickets_done;  /* locked: to drop once unlocked */
  /* Atomic: the holds of its requests and results, which keep the owner
   * alive with one reference of its own among them all — cheaper than one
   * each. */
  gint                      n_holds;
  FifoDeferred             *deferred_tail;
};

/* The source object of @waiter's operation. */
#define FIFO_WAITER_SOURCE(waiter) ((waiter)->home->owner)

/* Keeps @queue's owner alive until fifo_wait_queue_unhold(). The caller
 * keeps it alive meanwhile (a public method's does), or holds it already. */
static inline void
fifo_wait_queue_hold (FifoWaitQueue *queue)
{
  if (g_atomic_int_add (&queue->n_holds, 1) == 0)
    g_object_ref (queue->owner);
}

/* Nothing locked: dropping the last may finalize the owner. */
static inline void
fifo_wait_queue_unhold (FifoWaitQueue *queue)
{
  if (g_atomic_int_dec_and_test (&queue->n_holds))
    g_object_unref (queue->owner);
}

void        fifo_wait_queue_init          (FifoWaitQueue            *queue,
                                           const FifoWaitQueueClass *klass,
                                           GObject                  *owner);
void        fifo_wait_queue_clear         (FifoWaitQueue            *queue);
/* For a policy with several lists: @lists (which the owner keeps, all
 * empty) replaces the queue's one. */
void        fifo_wait_queue_set_lists     (FifoWaitQueue            *queue,
                                           FifoWaitList             *lists,
                                           guint                     n_lists);

static inline gboolean fifo_wait_queue_has_inbox (FifoWaitQueue *queue);
void        fifo_wait_queue_process_inbox (FifoWaitQueue            *queue);

/* Takes the mutex, and carries out first what was pushed meanwhile. */
static inline void
fifo_wait_queue_lock (FifoWaitQueue *queue)
{
  g_mutex_lock (&queue->mutex);
  if (G_UNLIKELY (fifo_wait_queue_has_inbox (queue)))
    fifo_wait_queue_process_inbox (queue);
}

/* Unlocks, then wakes dispatchers, notifies properties, runs deferred work
 * and releases waiters — all of it outside the lock — and drains the inbox.
 * The caller keeps the queue's owner alive until it returns (a public
 * method's caller does). */
void        fifo_wait_queue_unlock_slow   (FifoWaitQueue            *queue);

/* Takes the mutex if it is free and does the inbox's work, as long as
 * there is some. */
void        fifo_wait_queue_drain         (FifoWaitQueue            *queue);

static inline gboolean
fifo_wait_queue_has_inbox (FifoWaitQueue *queue)
{
  return g_atomic_pointer_get (&queue->cancel_inbox) != NULL ||
         g_atomic_pointer_get (&queue->pass_inbox) != NULL ||
         g_atomic_pointer_get (&queue->ticket_inbox) != NULL;
}

/* Locked. Inside a dispatcher's batch of callbacks on this thread, the
 * properties' observers hear of the changes at the batch's end (or at a
 * nested batch's start): TRUE if this queue is now among those the thread
 * will collect and notify then (fifo_thread_flush_notify()). */
gboolean    fifo_wait_queue_defer_notify  (FifoWaitQueue            *queue);

/* fifo_wait_queue_unlock_slow(), with nothing to do but the notifications,
 * known not to be deferred. */
void        fifo_wait_queue_unlock_notify (FifoWaitQueue            *queue);

static inline void
fifo_wait_queue_unlock (FifoWaitQueue *queue)
{
  if (queue->n_wakeups == 0 && queue->deferred == NULL && queue->released == NULL &&
      queue->passed == NULL && queue->tickets_done == NULL && !fifo_wait_queue_has_inbox (queue))
    {
      /* Nothing to do outside the lock but, perhaps, notify: the common
       * case of try and release, and of a hand-off inside a batch of
       * callbacks, whose notifications wait for the batch's end. */
      if ((queue->changed != 0 || queue->klass->collect != NULL) && queue->klass->notify != NULL &&
          (queue->notify_deferred_by == NULL || queue->notify_deferred_by != (gpointer) fifo_thread_current) &&
          !fifo_wait_queue_defer_notify (queue))
        {
          fifo_wait_queue_unlock_notify (queue);
          return;
        }
      g_mutex_unlock (&queue->mutex);
      /* Pushed after the check, while we still held it: ours to do (NOTES). */
      if (G_UNLIKELY (fifo_wait_queue_has_inbox (queue)))
        fifo_wait_queue_drain (queue);
    }
  else
    {
      fifo_wait_queue_unlock_slow (queue);
    }
}

/* Unlocks @inner, a queue locked inside @outer's locked section, leaving
 * its wake-ups, notifications, deferred work and inbox to @outer's unlock,
 * so that no user code runs while @outer is locked. */
void        fifo_wait_queue_unlock_into   (FifoWaitQueue            *inner,
                                           FifoWaitQueue            *outer);

/* Locked. Runs @func (@data) once @queue is unlocked. */
void        fifo_wait_queue_defer         (FifoWaitQueue            *queue,
                                           GDestroyNotify            func,
                                           gpointer                  data);

/* The first list's head, or NULL: most policies have only that one. */
static inline FifoWaiter *
fifo_wait_queue_peek_head (FifoWaitQueue *queue)
{
  return queue->lists[0].head;
}

static inline gboolean
fifo_wait_queue_is_empty (FifoWaitQueue *queue)
{
  return queue->lists[0].head == NULL;
}

/* Locked. Appends @waiter to the first list / to list @list. */
void        fifo_wait_queue_push_tail     (FifoWaitQueue            *queue,
                                           FifoWaiter               *waiter);
void        fifo_wait_queue_push_tail_to  (FifoWaitQueue            *queue,
                                           guint                     list,
                                           FifoWaiter               *waiter);
guint       fifo_wait_queue_get_length    (FifoWaitQueue            *queue);

/* Locked. Unlinks @waiter if it is queued, records @outcome (cancelled if a
 * cancellation was requested meanwhile) and hands it to its dispatcher, or
 * wakes its blocked thread. */
void        fifo_waiter_complete          (FifoWaitQueue            *queue,
                                           FifoWaiter               *waiter,
                                           FifoOutcome               outcome);

/* Locked. What a completed waiter got: its outcome, or cancelled if its
 * grant was taken back. */
FifoOutcome fifo_waiter_get_outcome       (FifoWaiter               *waiter);

/* Locked. Completes every waiter of the first list / of list @list, in
 * FIFO order, with @outcome. */
void        fifo_wait_queue_complete_all  (FifoWaitQueue            *queue,
                                           FifoOutcome               outcome);
void        fifo_wait_list_complete_all   (FifoWaitQueue            *queue,
                                           guint                     list,
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
                                           gpointer                  data,
                                           GCancellable             *cancellable,
                                           GAsyncReadyCallback       callback,
                                           gpointer                  user_data);
void        fifo_wait_queue_submit_done_to (FifoWaitQueue           *queue,
                                            const FifoOperation     *op,
                                            FifoDispatcher          *dispatcher,
                                            FifoOutcome              outcome,
                                            GAsyncReadyCallback      callback,
                                            gpointer                 user_data);

/* Waits, blocking the calling thread, as @op. @data is borrowed (or, for an
 * operation that delivers a payload, the waiter's until it is granted).
 * Returns the outcome; @delivered receives the waiter's data then (the
 * payload, which is the caller's, or the value). */
FifoOutcome fifo_wait_queue_submit_sync   (FifoWaitQueue            *queue,
                                           const FifoOperation      *op,
                                           gpointer                  data,
                                           GCancellable             *cancellable,
                                           FifoWaiterData           *delivered);

/* The dispatcher's side. Makes @waiter's outcome final and returns it,
 * with the data it delivers: its payload (which the caller takes) or its
 * value — nothing if a cancellation took its grant back, whose policy owns
 * the payload then. */
FifoOutcome fifo_waiter_settle            (FifoWaiter               *waiter,
                                           FifoWaiterData           *delivered);
void        fifo_waiter_unref             (FifoWaiter               *waiter);
/* From a finalizer: hands @waiter (the caller's reference) to its queue, to
 * be passed over by the primitive's next operation, or sooner by one of
 * its live waiters (see NOTES). Runs no user code. */
void        fifo_waiter_pass_over         (FifoWaiter               *waiter);

/* A pass-over handed to a live waiter's thread: it keeps the passed-over
 * waiter (so its queue) alive until that thread has drained the queue. */
struct _FifoDrainTicket
{
  FifoDrainTicket *next;
  FifoWaiter      *waiter;   /* a reference */
  FifoWaitQueue   *queue;
};

/* At a point where user code may run (a dispatch, a blocking wait): drains
 * each ticket's queue, then drops the tickets. */
void        fifo_drain_tickets_run        (FifoDrainTicket          *tickets);
/* From a finalizer: finds someone else for @ticket (its helper is gone). */
void        fifo_drain_ticket_hand_on     (FifoDrainTicket          *ticket);

/* The cancel watch's side: cancels @waiter, now if its queue is free, or
 * else by whoever holds it. Takes the caller's reference. */
void        fifo_waiter_request_cancel    (FifoWaiter               *waiter);

/* Turns an outcome of @op into the caller-visible result. */
gboolean    fifo_outcome_propagate        (const FifoOperation      *op,
                                           FifoOutcome               outcome,
                                           GError                  **error);

G_END_DECLS
