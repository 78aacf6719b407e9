/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* See fifo-wait-queue-private.h for the design and its invariants. */
#include "config.h"

#include "fifo-cancel-watch-private.h"
#include "fifo-dispatcher-private.h"
#include "fifo-i18n-private.h"
#include "fifo-thread-private.h"
#include "fifo-trace-private.h"
#include "fifo-wait-queue-private.h"

/* A blocking wait: lives on the waiting thread's stack, touched only by
 * the completion and by pass-overs handed to it, under the queue's lock. */
typedef struct
{
  GMutex           mutex;
  GCond            cond;
  gboolean         done;
  FifoDrainTicket *tickets;  /* for the waiting thread to run */
} FifoSyncWait;

struct _FifoDeferred
{
  FifoDeferred   *next;
  GDestroyNotify  func;
  gpointer        data;
};

/* ---- Waiters: allocation, reuse, references ------------------------------ */

/* Freed waiters kept for reuse by the thread that freed them: a hand-off
 * chain frees one waiter and allocates the next on the same thread. */
#define WAITER_POOL_MAX 64

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

static FifoWaiter *
fifo_waiter_alloc (void)
{
  FifoThread *thread = fifo_thread_current;
  FifoWaiter *waiter;

  if (thread == NULL || thread->free_waiters == NULL)
    {
      waiter = g_slice_new0 (FifoWaiter);
    }
  else
    {
      waiter = thread->free_waiters;
      thread->free_waiters = waiter->next;
      thread->n_free_waiters--;
      memset (waiter, 0, sizeof *waiter);
    }

  waiter->ref_count = 1;  /* its delivery's */
  return waiter;
}

static void
fifo_waiter_recycle (FifoWaiter *waiter)
{
  FifoThread *thread;

  if (!waiter_pool_enabled ())
    {
      g_slice_free (FifoWaiter, waiter);
      return;
    }

  thread = fifo_thread_get ();
  if (thread->n_free_waiters >= WAITER_POOL_MAX)
    {
      g_slice_free (FifoWaiter, waiter);
      return;
    }

  waiter->next = thread->free_waiters;
  thread->free_waiters = waiter;
  thread->n_free_waiters++;
}

void
fifo_waiter_pool_clear (FifoThread *thread)
{
  while (thread->free_waiters != NULL)
    {
      FifoWaiter *waiter = thread->free_waiters;

      thread->free_waiters = waiter->next;
      g_slice_free (FifoWaiter, waiter);
    }
  thread->n_free_waiters = 0;
}

/* Never with a queue locked: the last reference drops the waiter's own,
 * which may finalize objects and run their owners' code. */
void
fifo_waiter_unref (FifoWaiter *waiter)
{
  if (!g_atomic_int_dec_and_test (&waiter->ref_count))
    return;

  g_assert (!waiter->watched);
  FIFO_TRACE (fifo_trace_forget (waiter));
  g_clear_pointer (&waiter->watch, fifo_cancel_watch_unref);
  if (waiter->holds_home)
    fifo_wait_queue_unhold (waiter->home);
  if (waiter->data_is_object)
    g_clear_object ((GObject **) &waiter->data.pointer);
  g_clear_pointer (&waiter->dispatcher, fifo_dispatcher_unref);
  fifo_waiter_recycle (waiter);
}

/* Not cancellable any more. */
static void
fifo_waiter_unwatch (FifoWaiter *waiter)
{
  if (waiter->watch != NULL)
    fifo_cancel_watch_remove (waiter->watch, waiter);
}

/* ---- Queues ---------------------------------------------------------------- */

void
fifo_wait_queue_init (FifoWaitQueue            *queue,
                      const FifoWaitQueueClass *klass,
                      GObject                  *owner)
{
  g_assert (klass->admit != NULL);
  /* Nothing to say, but once at most: a load of a NULL pointer. */
  fifo_trace_say_environment ();

  memset (queue, 0, sizeof *queue);
  g_mutex_init (&queue->mutex);
  queue->klass = klass;
  queue->owner = owner;
  queue->lists = &queue->list;
  queue->n_lists = 1;
}

void
fifo_wait_queue_set_lists (FifoWaitQueue *queue,
                           FifoWaitList  *lists,
                           guint          n_lists)
{
  g_assert (queue->length == 0 && n_lists > 0 && n_lists <= G_MAXUINT8);

  memset (lists, 0, n_lists * sizeof *lists);
  queue->lists = lists;
  queue->n_lists = n_lists;
}

void
fifo_wait_queue_clear (FifoWaitQueue *queue)
{
  /* Every waiter holds a reference to its queue's owner. */
  g_assert (queue->length == 0);
  g_assert (queue->n_wakeups == 0 && queue->deferred == NULL);
  g_assert (queue->released == NULL && queue->passed == NULL);
  g_assert (queue->cancel_inbox == NULL && queue->pass_inbox == NULL);
  g_assert (queue->ticket_inbox == NULL && queue->tickets_done == NULL);
  g_assert (queue->n_holds == 0);

  g_mutex_clear (&queue->mutex);
}

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

gboolean
fifo_wait_queue_defer_notify (FifoWaitQueue *queue)
{
  FifoThread *thread = fifo_thread_current;

  if (thread == NULL || thread->dispatching == NULL || thread->flushing_notify)
    return FALSE;
  if (queue->notify_deferred_by == thread)
    return TRUE;
  /* Another thread's batch has it, or ours is full: notify now. */
  if (queue->notify_deferred_by != NULL || thread->n_notify_pending == G_N_ELEMENTS (thread->notify_pending))
    return FALSE;

  queue->notify_deferred_by = thread;
  g_object_ref (queue->owner);
  thread->notify_pending[thread->n_notify_pending++] = queue;
  return TRUE;
}

void
fifo_thread_flush_notify (FifoThread *thread)
{
  FifoWaitQueue *pending[G_N_ELEMENTS (thread->notify_pending)];
  guint n = thread->n_notify_pending;
  gboolean was_flushing = thread->flushing_notify;

  /* Taken off first: a notify handler, or the owner's finalization, may
   * run a nested main loop that flushes in turn. */
  memcpy (pending, thread->notify_pending, n * sizeof pending[0]);
  thread->n_notify_pending = 0;

  thread->flushing_notify = TRUE;
  for (guint i = 0; i < n; i++)
    {
      /* Collected with the lock, notified without, as any unlock does. */
      fifo_wait_queue_lock (pending[i]);
      pending[i]->notify_deferred_by = NULL;
      pending[i]->changed |= FIFO_WAIT_QUEUE_CHANGED_LENGTH;
      fifo_wait_queue_unlock (pending[i]);
    }
  for (guint i = 0; i < n; i++)
    g_object_unref (pending[i]->owner);
  thread->flushing_notify = was_flushing;
}

/* Locked. Moves @inner's deferred work to the end of @outer's, in O(1). */
static void
fifo_deferred_move (FifoWaitQueue *outer,
                    FifoWaitQueue *inner)
{
  if (inner->deferred == NULL)
    return;

  if (outer->deferred == NULL)
    outer->deferred = inner->deferred;
  else
    outer->deferred_tail->next = inner->deferred;
  outer->deferred_tail = inner->deferred_tail;
  inner->deferred = inner->deferred_tail = NULL;
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
  if (queue->deferred == NULL)
    queue->deferred = deferred;
  else
    queue->deferred_tail->next = deferred;
  queue->deferred_tail = deferred;
}

/* Unlocked. Deferred work may lock and unlock queues, which defers more (a
 * condition's notification passed on through a chain of waiters of dead
 * contexts): that goes to the end of the list this thread is already
 * running, not into a nested run, so a chain runs in constant stack. */
static void
fifo_deferred_run (FifoDeferred *deferred)
{
  FifoThread *thread = fifo_thread_get ();
  FifoDeferred *last;

  if (deferred == NULL)
    return;

  /* Short: one locked section's. */
  for (last = deferred; last->next != NULL; last = last->next)
    ;

  if (thread->deferred == NULL)
    thread->deferred = deferred;
  else
    thread->deferred_tail->next = deferred;
  thread->deferred_tail = last;

  if (thread->running_deferred)
    return;

  thread->running_deferred = TRUE;
  while ((deferred = thread->deferred) != NULL)
    {
      thread->deferred = deferred->next;
      deferred->func (deferred->data);
      g_free (deferred);
    }
  thread->deferred_tail = NULL;
  thread->running_deferred = FALSE;
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

typedef struct
{
  FifoWaitQueue *queue;
  GObject       *owner;
} DeferredDrain;

static void
fifo_deferred_drain (gpointer data)
{
  DeferredDrain *drain = data;

  fifo_wait_queue_drain (drain->queue);
  g_object_unref (drain->owner);
  g_free (drain);
}

/* Locked (@queue). Drains @other once @queue is unlocked. */
static void
fifo_wait_queue_defer_drain (FifoWaitQueue *queue,
                             FifoWaitQueue *other)
{
  DeferredDrain *drain = g_new (DeferredDrain, 1);

  drain->queue = other;
  drain->owner = g_object_ref (other->owner);
  fifo_wait_queue_defer (queue, fifo_deferred_drain, drain);
}

/* Unlocked. What was put aside to release: the references of waiters a
 * cancellation is done with, and those passed over, with what was their
 * caller's. */
static void
fifo_waiter_release_lists (FifoWaiter *released,
                           FifoWaiter *passed)
{
  while (released != NULL)
    {
      FifoWaiter *waiter = released;

      released = waiter->watch_next;
      waiter->watch_next = NULL;
      fifo_waiter_unref (waiter);
    }

  while (passed != NULL)
    {
      FifoWaiter *waiter = passed;

      passed = waiter->prev;
      waiter->prev = NULL;
      /* A payload its policy did not take back: nobody's now. */
      if (waiter->op->delivers_payload && waiter->data.pointer != NULL)
        waiter->op->klass->free_payload (FIFO_WAITER_SOURCE (waiter),
                                         g_steal_pointer (&waiter->data.pointer));
      if (waiter->op->free_orphaned_user_data != NULL)
        waiter->op->free_orphaned_user_data (waiter->user_data);
      fifo_waiter_unref (waiter);
    }
}

/* Locked. A cancellation is done with @waiter: drops its reference once
 * @queue is unlocked. */
static void
fifo_waiter_release_later (FifoWaitQueue *queue,
                           FifoWaiter    *waiter)
{
  waiter->watch_next = queue->released;
  queue->released = waiter;
}

/* Locked. @waiter was passed over: drops its delivery's reference, and
 * what it held for its caller, once @queue is unlocked. */
static void
fifo_waiter_release_passed_later (FifoWaitQueue *queue,
                                  FifoWaiter    *waiter)
{
  waiter->prev = queue->passed;
  queue->passed = waiter;
}

static void
fifo_drain_tickets_free (FifoDrainTicket *tickets)
{
  while (tickets != NULL)
    {
      FifoDrainTicket *ticket = tickets;

      tickets = ticket->next;
      fifo_waiter_unref (ticket->waiter);
      g_free (ticket);
    }
}

void
fifo_wait_queue_unlock_notify (FifoWaitQueue *queue)
{
  guint changed = fifo_wait_queue_collect (queue);

  g_mutex_unlock (&queue->mutex);
  /* The caller keeps the owner alive until we return. */
  if (changed != 0)
    queue->klass->notify (queue, queue->owner, changed);
  if (G_UNLIKELY (fifo_wait_queue_has_inbox (queue)))
    fifo_wait_queue_drain (queue);
}

void
fifo_wait_queue_unlock_slow (FifoWaitQueue *queue)
{
  FifoDispatcher *wakeups[G_N_ELEMENTS (queue->wakeups)];
  guint n_wakeups;
  guint changed;
  FifoDeferred *deferred;
  FifoWaiter *released, *passed;
  FifoDrainTicket *tickets;

  /* Whatever was pushed meanwhile is done in this locked section. */
  if (fifo_wait_queue_has_inbox (queue))
    fifo_wait_queue_process_inbox (queue);

  n_wakeups = queue->n_wakeups;
  changed = queue->klass->notify != NULL && !fifo_wait_queue_defer_notify (queue)
            ? fifo_wait_queue_collect (queue) : 0;
  deferred = g_steal_pointer (&queue->deferred);
  queue->deferred_tail = NULL;
  released = g_steal_pointer (&queue->released);
  passed = g_steal_pointer (&queue->passed);
  tickets = g_steal_pointer (&queue->tickets_done);
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
  fifo_waiter_release_lists (released, passed);
  fifo_drain_tickets_free (tickets);

  if (G_UNLIKELY (fifo_wait_queue_has_inbox (queue)))
    fifo_wait_queue_drain (queue);
}

void
fifo_wait_queue_unlock_into (FifoWaitQueue *inner,
                             FifoWaitQueue *outer)
{
  guint changed;

  if (fifo_wait_queue_has_inbox (inner))
    fifo_wait_queue_process_inbox (inner);

  changed = inner->klass->notify != NULL && !fifo_wait_queue_defer_notify (inner)
            ? fifo_wait_queue_collect (inner) : 0;
  if (changed != 0)
    {
      DeferredNotify *notify = g_new (DeferredNotify, 1);

      notify->queue = inner;
      notify->owner = g_object_ref (inner->owner);
      notify->changed = changed;
      fifo_wait_queue_defer (outer, fifo_deferred_notify, notify);
    }

  fifo_deferred_move (outer, inner);

  for (guint i = 0; i < inner->n_wakeups; i++)
    fifo_wait_queue_add_wakeup (outer, inner->wakeups[i]);  /* takes the ref */
  inner->n_wakeups = 0;

  while (inner->released != NULL)
    {
      FifoWaiter *waiter = inner->released;

      inner->released = waiter->watch_next;
      fifo_waiter_release_later (outer, waiter);
    }
  while (inner->passed != NULL)
    {
      FifoWaiter *waiter = inner->passed;

      inner->passed = waiter->prev;
      fifo_waiter_release_passed_later (outer, waiter);
    }
  while (inner->tickets_done != NULL)
    {
      FifoDrainTicket *ticket = inner->tickets_done;

      inner->tickets_done = ticket->next;
      ticket->next = outer->tickets_done;
      outer->tickets_done = ticket;
    }

  g_mutex_unlock (&inner->mutex);

  /* Pushed after the check above, while we held it: ours to drain, but not
   * with @outer locked. */
  if (fifo_wait_queue_has_inbox (inner))
    fifo_wait_queue_defer_drain (outer, inner);
}

static void
fifo_wait_queue_unlink (FifoWaitQueue *queue,
                        FifoWaiter    *waiter)
{
  FifoWaitList *list = &queue->lists[waiter->list];

  if (waiter->prev != NULL)
    waiter->prev->next = waiter->next;
  else
    list->head = waiter->next;

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
    list->tail = waiter->prev;

  waiter->prev = waiter->next = NULL;
  list->length--;
  queue->length--;
  queue->changed |= FIFO_WAIT_QUEUE_CHANGED_LENGTH;
}

void
fifo_wait_queue_push_tail_to (FifoWaitQueue *queue,
                              guint          list_index,
                              FifoWaiter    *waiter)
{
  FifoWaitList *list = &queue->lists[list_index];

  g_assert (waiter->queue == queue && list_index < queue->n_lists);

  waiter->list = list_index;
  waiter->next = NULL;
  waiter->prev = list->tail;
  if (list->tail != NULL)
    list->tail->next = waiter;
  else
    list->head = waiter;
  list->tail = waiter;
  list->length++;
  queue->length++;
  queue->changed |= FIFO_WAIT_QUEUE_CHANGED_LENGTH;

  g_atomic_int_set (&waiter->state, FIFO_WAITER_QUEUED);
}

void
fifo_wait_queue_push_tail (FifoWaitQueue *queue,
                           FifoWaiter    *waiter)
{
  fifo_wait_queue_push_tail_to (queue, 0, waiter);
}

guint
fifo_wait_queue_get_length (FifoWaitQueue *queue)
{
  guint length;

  fifo_wait_queue_lock (queue);
  length = queue->length;
  fifo_wait_queue_unlock (queue);

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

/* ---- The inbox: work handed to whoever holds the mutex ---------------------- */

/* A lock-free push (a Treiber stack); the holder takes the whole stack at
 * once, so there is no ABA. */
#define INBOX_PUSH(inbox, waiter, link)                                        \
  G_STMT_START {                                                               \
    gpointer inbox_head_;                                                      \
    do                                                                         \
      {                                                                        \
        inbox_head_ = g_atomic_pointer_get (inbox);                            \
        (waiter)->link = inbox_head_;                                          \
      }                                                                        \
    while (!g_atomic_pointer_compare_and_exchange ((inbox), inbox_head_, (waiter))); \
  } G_STMT_END

/* The stack is newest first: served oldest first. */
#define INBOX_TAKE(inbox, link, result)                                        \
  G_STMT_START {                                                               \
    FifoWaiter *inbox_list_ = g_atomic_pointer_exchange ((inbox), NULL);       \
    (result) = NULL;                                                           \
    while (inbox_list_ != NULL)                                                \
      {                                                                        \
        FifoWaiter *inbox_next_ = inbox_list_->link;                           \
        inbox_list_->link = (result);                                          \
        (result) = inbox_list_;                                                \
        inbox_list_ = inbox_next_;                                             \
      }                                                                        \
  } G_STMT_END

static void fifo_waiter_cancel_locked    (FifoWaitQueue *queue,
                                          FifoWaiter    *waiter);
static void fifo_waiter_pass_over_locked (FifoWaitQueue *queue,
                                          FifoWaiter    *waiter);

/* Locked. Does what was pushed, and what doing it pushes in turn (a pass
 * over that grants to another waiter of a dead context), in a loop: a
 * chain of them runs in constant stack. */
void
fifo_wait_queue_process_inbox (FifoWaitQueue *queue)
{
  while (fifo_wait_queue_has_inbox (queue))
    {
      FifoWaiter *cancels, *passes;

      INBOX_TAKE (&queue->cancel_inbox, watch_next, cancels);
      while (cancels != NULL)
        {
          FifoWaiter *waiter = cancels;

          cancels = waiter->watch_next;
          waiter->watch_next = NULL;
          if (g_atomic_pointer_get (&waiter->queue) != queue)
            {
              /* Transferred since (condition → mutex): its new queue's. */
              FifoWaitQueue *to = g_atomic_pointer_get (&waiter->queue);

              INBOX_PUSH (&to->cancel_inbox, waiter, watch_next);
              fifo_wait_queue_defer_drain (queue, to);
              continue;
            }
          fifo_waiter_cancel_locked (queue, waiter);
          fifo_waiter_release_later (queue, waiter);
        }

      INBOX_TAKE (&queue->pass_inbox, next, passes);
      while (passes != NULL)
        {
          FifoWaiter *waiter = passes;

          passes = waiter->next;
          waiter->next = NULL;
          fifo_waiter_pass_over_locked (queue, waiter);
        }

      /* Pass-overs done by now: their waiters may go, once unlocked. */
      for (FifoDrainTicket *ticket = g_atomic_pointer_exchange (&queue->ticket_inbox, NULL), *next;
           ticket != NULL; ticket = next)
        {
          next = ticket->next;
          ticket->next = queue->tickets_done;
          queue->tickets_done = ticket;
        }
    }
}

void
fifo_wait_queue_drain (FifoWaitQueue *queue)
{
  while (fifo_wait_queue_has_inbox (queue))
    {
      if (g_mutex_trylock (&queue->mutex))
        {
          fifo_wait_queue_unlock_slow (queue);  /* processes the inbox first */
          continue;
        }
      /* Its holder drains before it lets go — unless it is a finalizer's
       * short hold (fifo_drain_ticket_hand_on()), which runs nothing:
       * wait that out. */
      if (!g_atomic_int_get (&queue->finalizer_holds))
        return;
      g_thread_yield ();
    }
}

/* ---- Completion ------------------------------------------------------------ */

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

  FIFO_TRACE (fifo_trace_complete (queue, waiter, outcome));
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

  /* Once pushed, another thread may deliver it: touch it no more. */
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
      /* Nobody will deliver it: passed over in this locked section. */
      INBOX_PUSH (&queue->pass_inbox, waiter, next);
      break;
    }
}

FifoOutcome
fifo_waiter_get_outcome (FifoWaiter *waiter)
{
  if (g_atomic_int_get (&waiter->state) == FIFO_WAITER_REVOKED)
    return FIFO_OUTCOME_CANCELLED;
  return waiter->outcome;
}

void
fifo_wait_list_complete_all (FifoWaitQueue *queue,
                             guint          list,
                             FifoOutcome    outcome)
{
  while (queue->lists[list].head != NULL)
    fifo_waiter_complete (queue, queue->lists[list].head, outcome);
}

void
fifo_wait_queue_complete_all (FifoWaitQueue *queue,
                              FifoOutcome    outcome)
{
  fifo_wait_list_complete_all (queue, 0, outcome);
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

/* ---- Cancellation ------------------------------------------------------------ */

static void
fifo_wait_queue_cancel_default (FifoWaitQueue *queue,
                                FifoWaiter    *waiter)
{
  gboolean was_head = queue->lists[waiter->list].head == waiter;

  fifo_waiter_complete (queue, waiter, FIFO_OUTCOME_CANCELLED);

  if (was_head && queue->klass->serve != NULL)
    queue->klass->serve (queue);
}

/* Locked: @queue is @waiter's. Its cancellable was cancelled. */
static void
fifo_waiter_cancel_locked (FifoWaitQueue *queue,
                           FifoWaiter    *waiter)
{
  const FifoWaitQueueClass *klass = waiter->op->klass;

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
      /* Granted, not delivered: whoever moves the state first wins, the
       * delivery (which only swaps the state, never waits) or this. */
      if (waiter->outcome == FIFO_OUTCOME_SUCCESS && klass->revoke != NULL &&
          (klass->can_revoke == NULL || klass->can_revoke (queue, waiter)) &&
          g_atomic_int_compare_and_exchange (&waiter->state,
                                             FIFO_WAITER_READY,
                                             FIFO_WAITER_REVOKED))
        {
          klass->revoke (queue, waiter);
          FIFO_TRACE (fifo_trace_revoke (queue, waiter));
          if (queue->klass->serve != NULL)
            queue->klass->serve (queue);
        }
      break;

    default:
      break;
    }
}

void
fifo_waiter_request_cancel (FifoWaiter *waiter)
{
  FifoWaitQueue *queue = g_atomic_pointer_get (&waiter->queue);
  /* Keeps @queue alive (a condition keeps its mutex) once the waiter is
   * pushed and may be released by another thread. */
  GObject *source_object = g_object_ref (FIFO_WAITER_SOURCE (waiter));

  INBOX_PUSH (&queue->cancel_inbox, waiter, watch_next);
  fifo_wait_queue_drain (queue);
  g_object_unref (source_object);
}

/* ---- Passing over the waiters of a dead context ----------------------------- */

/* Locked. @waiter was completed, but its context is gone: nobody will
 * deliver it. It gives back what it holds, as a release would. */
static void
fifo_waiter_pass_over_locked (FifoWaitQueue *queue,
                              FifoWaiter    *waiter)
{
  const FifoWaitQueueClass *klass = waiter->op->klass;
  gint state = g_atomic_int_get (&waiter->state);

  FIFO_TRACE (fifo_trace_pass_over (queue, waiter));
  if (state == FIFO_WAITER_READY || state == FIFO_WAITER_REVOKED)
    {
      /* Only the policy knows what a failed waiter holds (a condition wait
       * holds the mutex even when cancelled). */
      if (klass->abandon != NULL)
        {
          klass->abandon (queue, waiter);
        }
      else if (klass->revoke != NULL && fifo_waiter_get_outcome (waiter) == FIFO_OUTCOME_SUCCESS &&
               (klass->can_revoke == NULL || klass->can_revoke (queue, waiter)))
        {
          klass->revoke (queue, waiter);
          FIFO_TRACE (fifo_trace_revoke (queue, waiter));
          if (queue->klass->serve != NULL)
            queue->klass->serve (queue);
        }
    }

  g_atomic_int_set (&waiter->state, FIFO_WAITER_DELIVERED);
  fifo_waiter_unwatch (waiter);
  fifo_waiter_release_passed_later (queue, waiter);
}

/* What a pass-over left to do: a drain of its queue, and of the linked one
 * (whose lock it may have let go of without doing the inbox). */
static void
fifo_wait_queue_drain_linked (FifoWaitQueue *queue)
{
  fifo_wait_queue_drain (queue);
  if (queue->klass->linked != NULL)
    fifo_wait_queue_drain (queue->klass->linked (queue));
}

/* If no live waiter takes a pass-over (none is queued), the primitive's
 * next operation carries it out; meanwhile, for the properties' observers,
 * so does the main context of the thread that dropped the dead one. It
 * holds no reference: the primitive may go first. */
typedef struct
{
  GSource        source;
  FifoWaitQueue *queue;
  GWeakRef       owner;
} DrainSource;

static gboolean
fifo_drain_source_dispatch (GSource     *source,
                            GSourceFunc  callback,
                            gpointer     user_data)
{
  DrainSource *drain = (DrainSource *) source;
  GObject *owner = g_weak_ref_get (&drain->owner);

  if (owner != NULL)
    {
      fifo_wait_queue_drain_linked (drain->queue);
      g_object_unref (owner);
    }
  return G_SOURCE_REMOVE;
}

static void
fifo_drain_source_finalize (GSource *source)
{
  g_weak_ref_clear (&((DrainSource *) source)->owner);
}

static GSourceFuncs fifo_drain_source_funcs = {
  .dispatch = fifo_drain_source_dispatch,
  .finalize = fifo_drain_source_finalize,
};

/* While @queue is certainly alive. */
static GSource *
fifo_drain_source_new (FifoWaitQueue *queue)
{
  GSource *source = g_source_new (&fifo_drain_source_funcs, sizeof (DrainSource));
  DrainSource *drain = (DrainSource *) source;

  drain->queue = queue;
  g_weak_ref_init (&drain->owner, queue->owner);
  g_source_set_static_name (source, "FifoWaitQueue pass-over");
  g_source_set_ready_time (source, 0);
  return source;
}

static void
fifo_drain_source_attach (GSource *source)
{
  GMainContext *context = g_main_context_get_thread_default ();

  g_source_attach (source, context != NULL ? context : g_main_context_default ());
  g_source_unref (source);
}

/* Whom a pass-over may grant to: the first live waiter of each list (FIFO:
 * nobody behind it is granted first), of its queue and of the linked one.
 * Each is handed a ticket and drains the queue at its next chance, so the
 * one the grant goes to need not wait for anyone else's main loop. Looks
 * only so far into a list: a dead context's waiters queued at the front
 * go through here one by one. */
#define FIFO_HELPERS_MAX 8
#define FIFO_HELPER_LOOK 16

/* Locked. Appends @queue's helpers to @helpers. */
static void
fifo_drain_find_helpers (FifoWaitQueue *queue,
                         FifoWaiter   **helpers,
                         guint         *n_helpers)
{
  for (guint l = 0; l < queue->n_lists && *n_helpers < FIFO_HELPERS_MAX; l++)
    {
      FifoWaiter *waiter = queue->lists[l].head;

      for (guint looked = 0; waiter != NULL && looked < FIFO_HELPER_LOOK; looked++)
        {
          if (waiter->dispatcher == NULL || !fifo_dispatcher_is_dead (waiter->dispatcher))
            {
              helpers[(*n_helpers)++] = waiter;
              break;
            }
          waiter = waiter->next;
        }
    }
}

/* Locked. Appends the threads of @queue's waiters whose cancellation was
 * pushed while we hold it (the inbox is only pushed to meanwhile, so its
 * links are stable): they carry out their own cancellations. */
static void
fifo_drain_find_cancelled (FifoWaitQueue *queue,
                           FifoWaiter   **helpers,
                           guint         *n_helpers)
{
  FifoWaiter *waiter = g_atomic_pointer_get (&queue->cancel_inbox);

  for (guint looked = 0; waiter != NULL && looked < FIFO_HELPER_LOOK && *n_helpers < FIFO_HELPERS_MAX;
       waiter = waiter->watch_next, looked++)
    {
      /* A blocked one's wait may be over, its FifoSyncWait gone. */
      if (waiter->dispatcher != NULL && !fifo_dispatcher_is_dead (waiter->dispatcher))
        helpers[(*n_helpers)++] = waiter;
    }
}

/* Takes @queue's mutex if it is free, or as soon as a finalizer's short
 * hold of it ends; FALSE if anyone else holds it. */
static gboolean
fifo_finalizer_trylock (FifoWaitQueue *queue)
{
  for (;;)
    {
      if (g_mutex_trylock (&queue->mutex))
        {
          g_atomic_int_set (&queue->finalizer_holds, TRUE);
          return TRUE;
        }
      if (!g_atomic_int_get (&queue->finalizer_holds))
        return FALSE;
      g_thread_yield ();
    }
}

static void
fifo_finalizer_unlock (FifoWaitQueue *queue)
{
  /* Not fifo_wait_queue_unlock(): it would do the inbox, here. */
  g_atomic_int_set (&queue->finalizer_holds, FALSE);
  g_mutex_unlock (&queue->mutex);
}

/* Locked (@helper's queue). FALSE if its context died meanwhile. */
static gboolean
fifo_drain_ticket_give (FifoWaiter       *helper,
                        FifoDrainTicket  *ticket,
                        FifoDispatcher  **wakeup)
{
  gboolean wake = FALSE;

  if (helper->dispatcher == NULL)
    {
      FifoSyncWait *sync = helper->user_data;

      g_mutex_lock (&sync->mutex);
      ticket->next = sync->tickets;
      sync->tickets = ticket;
      g_cond_signal (&sync->cond);
      g_mutex_unlock (&sync->mutex);
      return TRUE;
    }

  if (!fifo_dispatcher_take_ticket (helper->dispatcher, ticket, &wake))
    return FALSE;
  *wakeup = wake ? fifo_dispatcher_ref (helper->dispatcher) : NULL;
  return TRUE;
}

void
fifo_drain_ticket_hand_on (FifoDrainTicket *ticket)
{
  FifoWaitQueue *queue = ticket->queue;
  FifoWaitQueue *linked = NULL;
  FifoWaiter *helpers[FIFO_HELPERS_MAX];
  FifoDispatcher *wakeups[FIFO_HELPERS_MAX] = { NULL, };
  FifoDrainTicket *tickets[FIFO_HELPERS_MAX];
  GSource *drain = NULL;
  guint n_helpers = 0, n_given = 0;

  /* The ticket keeps the queue alive until someone drops it. Taken, the
   * queue's holder does the inbox before it lets go: no helper needed. */
  if (!fifo_finalizer_trylock (queue))
    {
      INBOX_PUSH (&queue->ticket_inbox, ticket, next);
      return;
    }

  /* Those this may grant to; and those whose cancellation waits for us
   * (its thread found the mutex taken, by us, and went on). */
  fifo_drain_find_helpers (queue, helpers, &n_helpers);
  if (queue->klass->linked != NULL)
    {
      linked = queue->klass->linked (queue);
      if (fifo_finalizer_trylock (linked))
        fifo_drain_find_helpers (linked, helpers, &n_helpers);
      else
        linked = NULL;  /* its holder will grant what it can */
    }
  fifo_drain_find_cancelled (queue, helpers, &n_helpers);
  if (linked != NULL)
    fifo_drain_find_cancelled (linked, helpers, &n_helpers);

  /* Each helper its own ticket, all made before any is given: a helper may
   * run its ticket, and drop its reference to the waiter, at once. */
  for (guint i = 0; i < n_helpers; i++)
    {
      if (i == 0)
        tickets[i] = ticket;
      else
        {
          tickets[i] = g_new (FifoDrainTicket, 1);
          *tickets[i] = *ticket;
          g_atomic_int_inc (&ticket->waiter->ref_count);
        }
    }
  for (guint i = 0; i < n_helpers; i++)
    {
      if (fifo_drain_ticket_give (helpers[i], tickets[i], &wakeups[i]))
        n_given++;
      else
        INBOX_PUSH (&queue->ticket_inbox, tickets[i], next);  /* dropped by a drain */
    }

  /* Nobody waits: the next operation will pass it over, or, for the
   * properties' observers, this thread's main context. Once unlocked,
   * the queue may go at any time. */
  if (n_given == 0)
    drain = fifo_drain_source_new (queue);
  if (n_helpers == 0)
    INBOX_PUSH (&queue->ticket_inbox, ticket, next);

  /* The helpers do the inboxes (a ticket's drain does the linked queue's
   * too), or the next operations. */
  if (linked != NULL)
    fifo_finalizer_unlock (linked);
  fifo_finalizer_unlock (queue);

  if (drain != NULL)
    fifo_drain_source_attach (drain);

  for (guint i = 0; i < n_helpers; i++)
    if (wakeups[i] != NULL)
      {
        fifo_dispatcher_wakeup (wakeups[i]);
        fifo_dispatcher_unref (wakeups[i]);
      }
}

void
fifo_drain_tickets_run (FifoDrainTicket *tickets)
{
  for (FifoDrainTicket *ticket = tickets; ticket != NULL; ticket = ticket->next)
    fifo_wait_queue_drain_linked (ticket->queue);
  fifo_drain_tickets_free (tickets);
}

void
fifo_waiter_pass_over (FifoWaiter *waiter)
{
  /* A completed waiter is in no queue: its queue does not change. */
  FifoDrainTicket *ticket = g_new (FifoDrainTicket, 1);

  ticket->queue = g_atomic_pointer_get (&waiter->queue);
  ticket->waiter = waiter;
  g_atomic_int_inc (&waiter->ref_count);
  ticket->next = NULL;

  INBOX_PUSH (&ticket->queue->pass_inbox, waiter, next);
  fifo_drain_ticket_hand_on (ticket);
}

/* ---- Delivery ------------------------------------------------------------------ */

FifoOutcome
fifo_waiter_settle (FifoWaiter     *waiter,
                    FifoWaiterData *delivered)
{
  /* Never waits: a cancellation that claimed the grant first has
   * already made it final. */
  gint old = g_atomic_int_exchange (&waiter->state, FIFO_WAITER_DELIVERED);

  g_assert (old == FIFO_WAITER_READY || old == FIFO_WAITER_REVOKED);

  fifo_waiter_unwatch (waiter);

  if (old == FIFO_WAITER_REVOKED)
    {
      /* The revoking policy may be taking the payload back right now. */
      delivered->pointer = NULL;
      return FIFO_OUTCOME_CANCELLED;
    }

  *delivered = waiter->data;
  if (waiter->op->delivers_payload)
    waiter->data.pointer = NULL;  /* the caller's now */
  return waiter->outcome;
}

/* ---- Submission ----------------------------------------------------------------- */

/* Registers @waiter with @watch and admits it, under the queue's lock so
 * that a cancellation can only see it admitted. */
static void
fifo_waiter_admit (FifoWaitQueue   *queue,
                   FifoWaiter      *waiter,
                   FifoCancelWatch *watch,
                   GCancellable    *cancellable)
{
  gboolean cancelled = FALSE;

  fifo_wait_queue_lock (queue);

  if (watch != NULL)
    cancelled = fifo_cancel_watch_add (watch, waiter, cancellable);

  if (cancelled)
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
  waiter->home = queue;
  waiter->holds_home = TRUE;
  fifo_wait_queue_hold (queue);
  waiter->callback = callback;
  waiter->user_data = user_data;
  waiter->dispatcher = dispatcher != NULL ? fifo_dispatcher_ref (dispatcher)
                                          : fifo_dispatcher_ref_thread_default ();

  return waiter;
}

static void
fifo_wait_queue_submit_waiter (FifoWaitQueue *queue,
                               FifoWaiter    *waiter,
                               GCancellable  *cancellable)
{
  FifoCancelWatch *watch = cancellable != NULL ? fifo_cancel_watch_get (cancellable) : NULL;

  FIFO_TRACE (fifo_trace_request (queue, waiter));
  /* The waiter takes the reference. */
  fifo_waiter_admit (queue, waiter, watch, cancellable);
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

  fifo_wait_queue_submit_waiter (queue, waiter, cancellable);
}

void
fifo_wait_queue_submit_to (FifoWaitQueue       *queue,
                           const FifoOperation *op,
                           FifoDispatcher      *dispatcher,
                           gpointer             data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  FifoWaiter *waiter = fifo_waiter_new (queue, op, dispatcher, callback, user_data);

  waiter->data.pointer = data;
  fifo_wait_queue_submit_waiter (queue, waiter, cancellable);
}

static void
fifo_wait_queue_complete_new (FifoWaitQueue *queue,
                              FifoWaiter    *waiter,
                              FifoOutcome    outcome)
{
  FIFO_TRACE (fifo_trace_request (queue, waiter));
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
fifo_wait_queue_submit_sync (FifoWaitQueue       *queue,
                             const FifoOperation *op,
                             gpointer             data,
                             GCancellable        *cancellable,
                             FifoWaiterData      *delivered)
{
  FifoSyncWait sync;
  FifoWaiter *waiter = fifo_waiter_alloc ();
  FifoWaiterData taken;
  FifoOutcome outcome;

  g_assert (op->klass == queue->klass);

  g_mutex_init (&sync.mutex);
  g_cond_init (&sync.cond);
  sync.done = FALSE;
  sync.tickets = NULL;

  /* Heap-allocated although it is ours alone: a cancellation may still
   * hold a reference when we return, and the owner's. */
  waiter->queue = queue;
  waiter->op = op;
  waiter->home = queue;
  waiter->holds_home = TRUE;
  fifo_wait_queue_hold (queue);
  waiter->user_data = &sync;
  waiter->data.pointer = data;

  fifo_wait_queue_submit_waiter (queue, waiter, cancellable);

  g_mutex_lock (&sync.mutex);
  for (;;)
    {
      /* Pass-overs of a dead context, handed to us while we wait: we may
       * be the one they grant to. */
      FifoDrainTicket *tickets = g_steal_pointer (&sync.tickets);

      if (tickets != NULL)
        {
          g_mutex_unlock (&sync.mutex);
          fifo_drain_tickets_run (tickets);
          g_mutex_lock (&sync.mutex);
          continue;
        }
      if (sync.done)
        break;
      g_cond_wait (&sync.cond, &sync.mutex);
    }
  g_mutex_unlock (&sync.mutex);

  outcome = fifo_waiter_settle (waiter, &taken);
  if (delivered != NULL)
    *delivered = taken;
  waiter->user_data = NULL;
  fifo_waiter_unref (waiter);

  g_cond_clear (&sync.cond);
  g_mutex_clear (&sync.mutex);

  return outcome;
}

gboolean
fifo_outcome_propagate (const FifoOperation  *op,
                        FifoOutcome           outcome,
                        GError              **error)
{
  switch (outcome)
    {
    case FIFO_OUTCOME_SUCCESS:
      return TRUE;

    case FIFO_OUTCOME_CANCELLED:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The operation was cancelled"));
      return FALSE;

    case FIFO_OUTCOME_FAILED:
    default:
      g_assert (op->klass->set_error != NULL);
      op->klass->set_error (outcome - FIFO_OUTCOME_FAILED, error);
      return FALSE;
    }
}
