/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-dispatcher-private.h"
#include "fifo-error.h"
#include "fifo-i18n-private.h"
#include "fifo-wait-queue-private.h"

/* A blocking wait: the waiter lives on the waiting thread's stack. */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean done;
} FifoSyncWait;

struct _FifoDeferred
{
  FifoDeferred   *next;
  GDestroyNotify  func;
  gpointer        data;
};

/* Freed waiters kept for reuse by the thread that freed them: a hand-off
 * chain frees one waiter and allocates the next on the same thread. */
#define WAITER_POOL_MAX 64

typedef struct
{
  FifoWaiter *free;   /* linked through ->next */
  guint       n_free;
} WaiterPool;

static _Thread_local WaiterPool *thread_pool;

static void
waiter_pool_free (gpointer data)
{
  WaiterPool *pool = data;

  thread_pool = NULL;  /* this runs on the exiting thread */
  while (pool->free != NULL)
    {
      FifoWaiter *waiter = pool->free;

      pool->free = waiter->next;
      g_slice_free (FifoWaiter, waiter);
    }
  g_free (pool);
}

static GPrivate waiter_pool = G_PRIVATE_INIT (waiter_pool_free);

static FifoWaiter *
fifo_waiter_alloc (void)
{
  WaiterPool *pool = thread_pool;
  FifoWaiter *waiter;

  if (pool == NULL || pool->free == NULL)
    return g_slice_new0 (FifoWaiter);

  waiter = pool->free;
  pool->free = waiter->next;
  pool->n_free--;
  memset (waiter, 0, sizeof *waiter);
  return waiter;
}

#if defined (__SANITIZE_ADDRESS__)
# define FIFO_UNDER_ASAN 1
#elif defined (__has_feature)
# if __has_feature (address_sanitizer)
#  define FIFO_UNDER_ASAN 1
# endif
#endif

/* Reuse hides use-after-free from memory checkers: off under them, as
 * GSlice is (our valgrind setup sets G_SLICE=always-malloc). */
static gboolean
waiter_pool_enabled (void)
{
#ifdef FIFO_UNDER_ASAN
  return FALSE;
#else
  static gsize enabled = 0;

  if (g_once_init_enter (&enabled))
    {
      const char *slice = g_getenv ("G_SLICE");
      g_once_init_leave (&enabled, slice != NULL && strstr (slice, "always-malloc") ? 1 : 2);
    }
  return enabled == 2;
#endif
}

static void
fifo_waiter_recycle (FifoWaiter *waiter)
{
  WaiterPool *pool = thread_pool;

  if (G_UNLIKELY (pool == NULL))
    {
      if (!waiter_pool_enabled ())
        {
          g_slice_free (FifoWaiter, waiter);
          return;
        }

      pool = g_new0 (WaiterPool, 1);
      g_private_set (&waiter_pool, pool);
      thread_pool = pool;
    }

  if (pool->n_free >= WAITER_POOL_MAX)
    {
      g_slice_free (FifoWaiter, waiter);
      return;
    }

  waiter->next = pool->free;
  pool->free = waiter;
  pool->n_free++;
}

/* Orphans found while another is being abandoned on this thread are queued
 * here, so that a long chain of them is handed on in a loop, not by
 * recursion. */
static _Thread_local FifoWaiter **abandoning;

void
fifo_wait_queue_init (FifoWaitQueue            *queue,
                      const FifoWaitQueueClass *klass,
                      GObject                  *owner)
{
  g_assert (klass->admit != NULL);

  memset (queue, 0, sizeof *queue);
  g_mutex_init (&queue->mutex);
  queue->klass = klass;
  queue->owner = owner;
}

void
fifo_wait_queue_clear (FifoWaitQueue *queue)
{
  /* Every waiter holds a reference to its queue's owner. */
  g_assert (queue->head == NULL);
  g_assert (queue->n_wakeups == 0 && queue->orphans == NULL && queue->deferred == NULL);

  g_mutex_clear (&queue->mutex);
}

static FifoWaitQueue *
fifo_waiter_lock_queue (FifoWaiter *waiter)
{
  for (;;)
    {
      FifoWaitQueue *queue = g_atomic_pointer_get (&waiter->queue);

      fifo_wait_queue_lock (queue);
      /* A transfer changes it with both queues locked. */
      if (g_atomic_pointer_get (&waiter->queue) == queue)
        return queue;
      g_mutex_unlock (&queue->mutex);
    }
}

static void fifo_wait_queue_abandon_orphans (FifoWaiter *orphans);
static void fifo_wait_queue_add_wakeup (FifoWaitQueue  *queue,
                                        FifoDispatcher *dispatcher);

/* Locked. What the properties' observers must hear about: the policy's
 * changes, and the length (every primitive's n-waiting) if it moved. */
static guint
fifo_wait_queue_collect (FifoWaitQueue *queue)
{
  guint changed = queue->klass->collect != NULL ? queue->klass->collect (queue) : 0;

  if ((queue->changed & FIFO_WAIT_QUEUE_CHANGED_LENGTH) &&
      queue->length != queue->notified_length)
    {
      queue->notified_length = queue->length;
      changed |= FIFO_WAIT_QUEUE_CHANGED_LENGTH;
    }

  queue->changed = 0;
  return queue->klass->notify != NULL ? changed : 0;
}

static void
fifo_deferred_append (FifoDeferred **list,
                      FifoDeferred  *more)
{
  while (*list != NULL)
    list = &(*list)->next;
  *list = more;
}

void
fifo_wait_queue_defer (FifoWaitQueue  *queue,
                       GDestroyNotify  func,
                       gpointer        data)
{
  FifoDeferred *deferred = g_new (FifoDeferred, 1);

  deferred->next = NULL;
  deferred->func = func;
  deferred->data = data;
  fifo_deferred_append (&queue->deferred, deferred);
}

static void
fifo_deferred_run (FifoDeferred *deferred)
{
  while (deferred != NULL)
    {
      FifoDeferred *next = deferred->next;

      deferred->func (deferred->data);
      g_free (deferred);
      deferred = next;
    }
}

typedef struct
{
  FifoWaitQueue *queue;
  GObject       *owner;
  guint          changed;
} DeferredNotify;

static void
fifo_deferred_notify (gpointer data)
{
  DeferredNotify *notify = data;

  notify->queue->klass->notify (notify->queue, notify->owner, notify->changed);
  g_object_unref (notify->owner);
  g_free (notify);
}

void
fifo_wait_queue_unlock_slow (FifoWaitQueue *queue)
{
  FifoDispatcher *wakeups[G_N_ELEMENTS (queue->wakeups)];
  guint n_wakeups = queue->n_wakeups;
  guint changed = fifo_wait_queue_collect (queue);
  FifoWaiter *orphans = g_steal_pointer (&queue->orphans);
  FifoDeferred *deferred = g_steal_pointer (&queue->deferred);

  if (n_wakeups > 0)
    {
      memcpy (wakeups, queue->wakeups, n_wakeups * sizeof wakeups[0]);
      queue->n_wakeups = 0;
    }

  g_mutex_unlock (&queue->mutex);

  for (guint i = 0; i < n_wakeups; i++)
    {
      fifo_dispatcher_wakeup (wakeups[i]);
      fifo_dispatcher_unref (wakeups[i]);
    }

  /* The caller keeps the owner alive until we return. */
  if (changed != 0)
    queue->klass->notify (queue, queue->owner, changed);

  fifo_deferred_run (deferred);

  if (orphans != NULL)
    fifo_wait_queue_abandon_orphans (orphans);
}

void
fifo_wait_queue_unlock_into (FifoWaitQueue *inner,
                             FifoWaitQueue *outer)
{
  guint changed = fifo_wait_queue_collect (inner);

  if (changed != 0)
    {
      DeferredNotify *notify = g_new (DeferredNotify, 1);

      notify->queue = inner;
      notify->owner = g_object_ref (inner->owner);
      notify->changed = changed;
      fifo_wait_queue_defer (outer, fifo_deferred_notify, notify);
    }

  fifo_deferred_append (&outer->deferred, g_steal_pointer (&inner->deferred));

  for (guint i = 0; i < inner->n_wakeups; i++)
    fifo_wait_queue_add_wakeup (outer, inner->wakeups[i]);  /* takes the ref */
  inner->n_wakeups = 0;

  while (inner->orphans != NULL)
    {
      FifoWaiter *orphan = inner->orphans;

      inner->orphans = orphan->next;
      orphan->next = outer->orphans;
      outer->orphans = orphan;
    }

  g_mutex_unlock (&inner->mutex);
}

static void
fifo_wait_queue_unlink (FifoWaitQueue *queue,
                        FifoWaiter    *waiter)
{
  if (waiter->prev != NULL)
    waiter->prev->next = waiter->next;
  else
    queue->head = waiter->next;

  if (waiter->next != NULL)
    {
      waiter->next->prev = waiter->prev;
#ifdef __GNUC__
      /* A long queue is served from its head, one waiter per hand-off: fetch
       * the one after the new head while this one is being delivered. */
      if (waiter->prev == NULL && waiter->next->next != NULL)
        __builtin_prefetch (waiter->next->next, 1);
#endif
    }
  else
    queue->tail = waiter->prev;

  waiter->prev = waiter->next = NULL;
  queue->length--;
  queue->changed |= FIFO_WAIT_QUEUE_CHANGED_LENGTH;
}

void
fifo_wait_queue_push_tail (FifoWaitQueue *queue,
                           FifoWaiter    *waiter)
{
  g_assert (waiter->queue == queue);

  waiter->next = NULL;
  waiter->prev = queue->tail;
  if (queue->tail != NULL)
    queue->tail->next = waiter;
  else
    queue->head = waiter;
  queue->tail = waiter;
  queue->length++;
  queue->changed |= FIFO_WAIT_QUEUE_CHANGED_LENGTH;

  g_atomic_int_set (&waiter->state, FIFO_WAITER_QUEUED);
}

guint
fifo_wait_queue_get_length (FifoWaitQueue *queue)
{
  guint length;

  fifo_wait_queue_lock (queue);
  length = queue->length;
  g_mutex_unlock (&queue->mutex);

  return length;
}

/* Takes @dispatcher's reference. */
static void
fifo_wait_queue_add_wakeup (FifoWaitQueue  *queue,
                            FifoDispatcher *dispatcher)
{
  for (guint i = 0; i < queue->n_wakeups; i++)
    if (queue->wakeups[i] == dispatcher)
      {
        fifo_dispatcher_unref (dispatcher);
        return;
      }

  if (queue->n_wakeups < G_N_ELEMENTS (queue->wakeups))
    {
      queue->wakeups[queue->n_wakeups++] = dispatcher;
    }
  else
    {
      fifo_dispatcher_wakeup (dispatcher);  /* rare: many contexts at once */
      fifo_dispatcher_unref (dispatcher);
    }
}

void
fifo_waiter_complete (FifoWaitQueue *queue,
                      FifoWaiter    *waiter,
                      FifoOutcome    outcome)
{
  FifoDispatcher *dispatcher;

  if (g_atomic_int_get (&waiter->state) == FIFO_WAITER_QUEUED)
    fifo_wait_queue_unlink (queue, waiter);

  if (waiter->cancel_requested && outcome == FIFO_OUTCOME_SUCCESS)
    outcome = FIFO_OUTCOME_CANCELLED;

  waiter->outcome = outcome;
  g_atomic_int_set (&waiter->state, FIFO_WAITER_READY);

  if (waiter->dispatcher == NULL)
    {
      FifoSyncWait *sync = waiter->user_data;

      g_mutex_lock (&sync->mutex);
      sync->done = TRUE;
      g_cond_signal (&sync->cond);
      g_mutex_unlock (&sync->mutex);
      return;
    }

  /* Once pushed, another thread may deliver and free it: touch it no more. */
  dispatcher = waiter->dispatcher;
  switch (fifo_dispatcher_push (dispatcher, waiter))
    {
    case FIFO_DISPATCHER_QUEUED:
      break;

    case FIFO_DISPATCHER_QUEUED_WAKEUP:
      fifo_wait_queue_add_wakeup (queue, dispatcher);
      break;

    case FIFO_DISPATCHER_DEAD:
    default:
      waiter->next = queue->orphans;
      queue->orphans = waiter;
      break;
    }
}

void
fifo_wait_queue_complete_all (FifoWaitQueue *queue,
                              FifoOutcome    outcome)
{
  while (queue->head != NULL)
    fifo_waiter_complete (queue, queue->head, outcome);
}

void
fifo_waiter_transfer (FifoWaiter    *waiter,
                      FifoWaitQueue *to)
{
  FifoWaitQueue *from = waiter->queue;

  if (g_atomic_int_get (&waiter->state) == FIFO_WAITER_QUEUED)
    fifo_wait_queue_unlink (from, waiter);

  g_atomic_int_set (&waiter->state, FIFO_WAITER_NEW);
  g_atomic_pointer_set (&waiter->queue, to);
  to->klass->admit (to, waiter);
}

static void
fifo_wait_queue_cancel_default (FifoWaitQueue *queue,
                                FifoWaiter    *waiter)
{
  gboolean was_head = queue->head == waiter;

  fifo_waiter_complete (queue, waiter, FIFO_OUTCOME_CANCELLED);

  if (queue->klass->removed != NULL)
    queue->klass->removed (queue, was_head);
}

/* The cancellables whose "cancelled" emission this thread is in, running
 * a handler of ours: g_cancellable_disconnect() on one of them would wait
 * for the emission to end, which it never would. */
typedef struct _CancelledEmission CancelledEmission;
struct _CancelledEmission
{
  GCancellable      *cancellable;
  CancelledEmission *outer;
};

static _Thread_local CancelledEmission *cancelled_emissions;

/* Unlocked. Makes sure @waiter's handler will not run again, nor is running
 * in another thread, so that @waiter can be freed. */
static void
fifo_waiter_disconnect (FifoWaiter *waiter)
{
  if (waiter->cancelled_id == 0)
    return;

  for (CancelledEmission *emission = cancelled_emissions; emission != NULL; emission = emission->outer)
    if (emission->cancellable == waiter->cancellable)
      {
        /* The emission runs here, so the handler is not running elsewhere;
         * disconnected, it is skipped if it has not run yet. */
        g_signal_handler_disconnect (waiter->cancellable, waiter->cancelled_id);
        waiter->cancelled_id = 0;
        return;
      }

  g_cancellable_disconnect (waiter->cancellable, waiter->cancelled_id);
  waiter->cancelled_id = 0;
}

static void
fifo_waiter_cancelled_cb (GCancellable *cancellable,
                          gpointer      data)
{
  FifoWaiter *waiter = data;
  FifoWaitQueue *queue = fifo_waiter_lock_queue (waiter);
  const FifoWaitQueueClass *klass = waiter->op->klass;
  /* Once unlocked, the waiter may be delivered and drop the last reference
   * to the owner, which the unlock still notifies. */
  GObject *owner = g_object_ref (queue->owner);
  /* The unlock may pass over waiters whose context is gone, at once, and
   * disconnect them from this very cancellable. */
  CancelledEmission emission = { cancellable, cancelled_emissions };

  cancelled_emissions = &emission;

  /* Settling the waiter disconnects this handler first, and that waits for
   * a running handler to return: the waiter outlives us. */

  switch (g_atomic_int_get (&waiter->state))
    {
    case FIFO_WAITER_NEW:
      /* Not admitted yet: admission sees the flag. */
      waiter->cancel_requested = TRUE;
      break;

    case FIFO_WAITER_QUEUED:
      if (klass->cancel != NULL)
        klass->cancel (queue, waiter);
      else
        fifo_wait_queue_cancel_default (queue, waiter);
      break;

    case FIFO_WAITER_READY:
      /* Granted, not delivered: whoever moves the state first wins. */
      if (waiter->outcome == FIFO_OUTCOME_SUCCESS && klass->revoke != NULL &&
          g_atomic_int_compare_and_exchange (&waiter->state,
                                             FIFO_WAITER_READY,
                                             FIFO_WAITER_REVOKING))
        {
          if (klass->revoke (queue, waiter))
            waiter->outcome = FIFO_OUTCOME_CANCELLED;
          g_atomic_int_set (&waiter->state, FIFO_WAITER_READY);
        }
      break;

    default:
      break;
    }

  fifo_wait_queue_unlock (queue);
  g_object_unref (owner);
  cancelled_emissions = emission.outer;
}

FifoOutcome
fifo_waiter_settle (FifoWaiter *waiter)
{
  if (!g_atomic_int_compare_and_exchange (&waiter->state,
                                          FIFO_WAITER_READY,
                                          FIFO_WAITER_DELIVERED))
    {
      /* A cancellation is revoking the grant; its queue lock orders us
       * after it. */
      FifoWaitQueue *queue = fifo_waiter_lock_queue (waiter);

      g_assert (g_atomic_int_get (&waiter->state) == FIFO_WAITER_READY);
      g_atomic_int_set (&waiter->state, FIFO_WAITER_DELIVERED);
      g_mutex_unlock (&queue->mutex);
    }

  /* Never with a queue locked: it waits for a running handler. */
  fifo_waiter_disconnect (waiter);

  return waiter->outcome;
}

void
fifo_waiter_free (FifoWaiter *waiter)
{
  g_clear_object (&waiter->cancellable);
  g_clear_object (&waiter->source_object);
  if (waiter->data_is_object)
    g_clear_object ((GObject **) &waiter->data.pointer);
  g_clear_pointer (&waiter->dispatcher, fifo_dispatcher_unref);
  fifo_waiter_recycle (waiter);
}

/* @waiter is ready but its context is gone: nobody will deliver it. */
static void
fifo_waiter_abandon_one (FifoWaiter *waiter)
{
  FifoWaitQueue *queue = fifo_waiter_lock_queue (waiter);
  const FifoWaitQueueClass *klass = waiter->op->klass;
  GObject *owner = g_object_ref (queue->owner);

  if (g_atomic_int_get (&waiter->state) == FIFO_WAITER_READY)
    {
      /* Only the policy knows what a failed waiter holds (a condition wait
       * holds the mutex even when cancelled). */
      if (klass->abandon != NULL)
        klass->abandon (queue, waiter);
      else if (klass->revoke != NULL && waiter->outcome == FIFO_OUTCOME_SUCCESS)
        klass->revoke (queue, waiter);
    }

  g_atomic_int_set (&waiter->state, FIFO_WAITER_DELIVERED);
  fifo_wait_queue_unlock (queue);
  g_object_unref (owner);

  fifo_waiter_disconnect (waiter);
  if (waiter->op->free_orphaned_user_data != NULL)
    waiter->op->free_orphaned_user_data (waiter->user_data);
  fifo_waiter_free (waiter);
}

static void
fifo_wait_queue_abandon_orphans (FifoWaiter *orphans)
{
  FifoWaiter **pending = abandoning;
  FifoWaiter *list = orphans;

  if (pending != NULL)
    {
      /* An outer call on this thread is already looping: join its list. */
      FifoWaiter *last = orphans;

      while (last->next != NULL)
        last = last->next;
      last->next = *pending;
      *pending = orphans;
      return;
    }

  abandoning = &list;
  while (list != NULL)
    {
      FifoWaiter *waiter = list;

      list = waiter->next;
      fifo_waiter_abandon_one (waiter);
    }
  abandoning = NULL;
}

void
fifo_waiter_abandon (FifoWaiter *waiter)
{
  waiter->next = NULL;
  fifo_wait_queue_abandon_orphans (waiter);
}

static void
fifo_waiter_admit (FifoWaitQueue *queue,
                   FifoWaiter    *waiter,
                   GCancellable  *cancellable)
{
  /* Connected before admission, so that a cancellation can never miss
   * it; a handler run meanwhile finds it NEW and leaves a flag. */
  if (cancellable != NULL)
    {
      waiter->cancellable = g_object_ref (cancellable);
      waiter->cancelled_id = g_cancellable_connect (cancellable,
                                                    G_CALLBACK (fifo_waiter_cancelled_cb),
                                                    waiter, NULL);
    }

  fifo_wait_queue_lock (queue);

  if (waiter->cancel_requested)
    fifo_waiter_complete (queue, waiter, FIFO_OUTCOME_CANCELLED);
  else
    queue->klass->admit (queue, waiter);

  fifo_wait_queue_unlock (queue);
}

/* @dispatcher: NULL for the thread-default context's. */
static FifoWaiter *
fifo_waiter_new (FifoWaitQueue       *queue,
                 const FifoOperation *op,
                 FifoDispatcher      *dispatcher,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  FifoWaiter *waiter = fifo_waiter_alloc ();

  g_assert (op->klass == queue->klass);

  waiter->queue = queue;
  waiter->op = op;
  waiter->source_object = g_object_ref (queue->owner);
  waiter->callback = callback;
  waiter->user_data = user_data;
  waiter->dispatcher = dispatcher != NULL ? fifo_dispatcher_ref (dispatcher)
                                          : fifo_dispatcher_ref_thread_default ();

  return waiter;
}

void
fifo_wait_queue_submit (FifoWaitQueue       *queue,
                        const FifoOperation *op,
                        gpointer             data,
                        gboolean             data_is_object,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  FifoWaiter *waiter = fifo_waiter_new (queue, op, NULL, callback, user_data);

  waiter->data.pointer = data;
  waiter->data_is_object = data_is_object;

  fifo_waiter_admit (queue, waiter, cancellable);
}

void
fifo_wait_queue_submit_to (FifoWaitQueue       *queue,
                           const FifoOperation *op,
                           FifoDispatcher      *dispatcher,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  fifo_waiter_admit (queue, fifo_waiter_new (queue, op, dispatcher, callback, user_data),
                     cancellable);
}

static void
fifo_wait_queue_complete_new (FifoWaitQueue *queue,
                              FifoWaiter    *waiter,
                              FifoOutcome    outcome)
{
  fifo_wait_queue_lock (queue);
  fifo_waiter_complete (queue, waiter, outcome);
  fifo_wait_queue_unlock (queue);
}

void
fifo_wait_queue_submit_done (FifoWaitQueue       *queue,
                             const FifoOperation *op,
                             FifoOutcome          outcome,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  fifo_wait_queue_complete_new (queue, fifo_waiter_new (queue, op, NULL, callback, user_data),
                                outcome);
}

void
fifo_wait_queue_submit_done_to (FifoWaitQueue       *queue,
                                const FifoOperation *op,
                                FifoDispatcher      *dispatcher,
                                FifoOutcome          outcome,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  fifo_wait_queue_complete_new (queue, fifo_waiter_new (queue, op, dispatcher, callback, user_data),
                                outcome);
}

FifoOutcome
fifo_wait_queue_submit_sync (FifoWaitQueue *queue,
                             gpointer       data,
                             GCancellable  *cancellable,
                             gint64        *value)
{
  FifoSyncWait sync;
  FifoOperation op = { NULL, queue->klass, NULL };
  FifoWaiter waiter = { 0 };
  FifoOutcome outcome;

  g_mutex_init (&sync.mutex);
  g_cond_init (&sync.cond);
  sync.done = FALSE;

  waiter.queue = queue;
  waiter.op = &op;
  waiter.source_object = queue->owner;  /* borrowed: the caller holds it */
  waiter.user_data = &sync;
  waiter.data.pointer = data;

  fifo_waiter_admit (queue, &waiter, cancellable);

  g_mutex_lock (&sync.mutex);
  while (!sync.done)
    g_cond_wait (&sync.cond, &sync.mutex);
  g_mutex_unlock (&sync.mutex);

  outcome = fifo_waiter_settle (&waiter);
  if (value != NULL)
    *value = waiter.data.value;

  g_clear_object (&waiter.cancellable);
  g_cond_clear (&sync.cond);
  g_mutex_clear (&sync.mutex);

  return outcome;
}

gboolean
fifo_outcome_propagate (FifoOutcome   outcome,
                        GError      **error)
{
  switch (outcome)
    {
    case FIFO_OUTCOME_SUCCESS:
      return TRUE;

    case FIFO_OUTCOME_CANCELLED:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The operation was cancelled"));
      return FALSE;

    case FIFO_OUTCOME_BROKEN_BARRIER:
      g_set_error_literal (error, FIFO_ERROR, FIFO_ERROR_BROKEN_BARRIER,
                           _("The barrier is broken"));
      return FALSE;

    default:
      g_assert_not_reached ();
      return FALSE;
    }
}
