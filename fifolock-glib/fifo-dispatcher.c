/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NOTES
 *
 * One dispatcher per GMainContext, found through a registry keyed by the
 * context (weak: the context's finalization ends the dispatcher's
 * attachment). Its ready list is guarded by its own lock, a leaf, which
 * completions take from any thread (with a queue locked) and which the
 * context's finalization takes to mark the dispatcher dead: holding it
 * keeps the context from being freed, so a wake-up can touch the context.
 * A wake-up never acquires a context (another thread may own it, or be
 * about to push it as its thread-default): it only asks whether the
 * calling thread owns it, and otherwise wakes it.
 *
 * Only the thread iterating the context touches the batch, the yield state
 * and the spare result. Callbacks run with no lock held.
 *
 * When the context is finalized, what is ready is passed over
 * (fifo_waiter_pass_over()), which runs no user code and never waits for
 * a queue's lock: the finalization may be a binding's garbage collection,
 * or run with its interpreter lock held, or inside a mode's is_compatible.
 * A pass-over is carried out by a live waiter of the same queue: its
 * dispatcher takes a ticket (fifo_dispatcher_take_ticket()) and drains the
 * queue at the start of its next dispatch. Tickets of a context that dies
 * in turn are handed on.
 */
#include "config.h"

#include "fifo-dispatcher-private.h"
#include "fifo-result-private.h"
#include "fifo-thread-private.h"

/* Callbacks invoked per dispatch: enough to amortise a main-context
 * iteration, few enough that other work is never held up long. */
#define FIFO_DISPATCH_BATCH 256

/* After a full batch the dispatcher steps aside until the context has had
 * an iteration with nothing else ready, so that sources of every priority
 * (GTK redraws sit below the default one, and an application's own may sit
 * below G_PRIORITY_LOW) get their turn — but for no longer than the batch
 * itself took, so that a busy source of any priority shares the context
 * with it rather than stalling it. */
#define FIFO_DISPATCH_YIELD_MAX_USEC (10 * G_TIME_SPAN_MILLISECOND)

/* A source below every other priority: it only runs when nothing else in
 * the context is ready, which is what ends the dispatcher's yield. */
typedef struct
{
  GSource         source;
  FifoDispatcher *dispatcher;  /* not a reference: it owns us */
} FifoYieldSource;

struct _FifoDispatcher
{
  GSource       source;
  /* Our own count, so that waiters need not touch the GSource's, whose
   * unref takes the context's lock: the attachment counts as one, each
   * waiter, wake-up and thread cache as one more. While it is above zero we
   * hold one reference to the GSource. */
  gint          refs;
  GMutex        lock;
  GMainContext *context;   /* not a reference; valid while !dead */
  FifoWaiter   *head;      /* ready list, linked through ->next */
  FifoWaiter   *tail;
  /* Pass-overs of dead contexts this thread is to carry out for them. */
  FifoDrainTicket *tickets;
  gint          dead;      /* atomic */
  /* Only touched by the thread that owns the context: */
  /* Atomic: whether the thread iterating the context may be blocked in
   * poll() with our source not ready — only then does a completion from
   * elsewhere need to wake it (prepare sets it before it looks at the
   * ready list, a push looks at it after it filled the list). */
  gint          polling;
  FifoWaiter   *batch;     /* taken off the ready list, not yet delivered */
  gboolean      yielding;
  gint64        yield_deadline;
  GSource      *yield_source;
  FifoResult   *spare;
};

static GMutex      dispatchers_lock;  /* a leaf */
static GHashTable *dispatchers;       /* GMainContext * → FifoDispatcher *, weak */

void
fifo_dispatcher_thread_clear (FifoThread *thread)
{
  thread->cached_context = NULL;
  g_clear_pointer (&thread->cached_dispatcher, fifo_dispatcher_unref);
}

static gboolean
fifo_yield_source_prepare (GSource *source,
                           gint    *timeout)
{
  *timeout = -1;
  return TRUE;  /* the lowest priority: runs when nothing else is ready */
}

static gboolean
fifo_yield_source_check (GSource *source)
{
  return TRUE;
}

/* Ends the yield, and goes: it is attached only while the dispatcher
 * yields (a source per context prepared on every iteration costs). */
static gboolean
fifo_yield_source_dispatch (GSource     *source,
                            GSourceFunc  callback,
                            gpointer     user_data)
{
  FifoDispatcher *dispatcher = ((FifoYieldSource *) source)->dispatcher;

  dispatcher->yielding = FALSE;
  g_clear_pointer (&dispatcher->yield_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static GSourceFuncs fifo_yield_source_funcs = {
  .prepare = fifo_yield_source_prepare,
  .check = fifo_yield_source_check,
  .dispatch = fifo_yield_source_dispatch,
};

static gboolean
fifo_dispatcher_has_ready (FifoDispatcher *self)
{
  return self->batch != NULL || g_atomic_pointer_get (&self->head) != NULL ||
         g_atomic_pointer_get (&self->tickets) != NULL;
}

/* Still stepping aside? Sets *timeout to when that ends at the latest. */
static gboolean
fifo_dispatcher_is_yielding (FifoDispatcher *self,
                             gint           *timeout)
{
  gint64 now;

  if (!self->yielding)
    return FALSE;

  now = g_source_get_time (&self->source);
  if (now >= self->yield_deadline)
    {
      self->yielding = FALSE;
      return FALSE;
    }

  if (timeout != NULL)
    *timeout = (gint) ((self->yield_deadline - now + 999) / 1000);
  return TRUE;
}

static gboolean
fifo_dispatcher_prepare (GSource *source,
                         gint    *timeout)
{
  FifoDispatcher *self = (FifoDispatcher *) source;

  *timeout = -1;
  g_atomic_int_set (&self->polling, TRUE);
  if (fifo_dispatcher_is_yielding (self, timeout))
    return FALSE;

  if (!fifo_dispatcher_has_ready (self))
    return FALSE;
  g_atomic_int_set (&self->polling, FALSE);  /* poll() will not block */
  return TRUE;
}

static gboolean
fifo_dispatcher_check (GSource *source)
{
  FifoDispatcher *self = (FifoDispatcher *) source;

  g_atomic_int_set (&self->polling, FALSE);
  if (fifo_dispatcher_is_yielding (self, NULL))
    return FALSE;

  return fifo_dispatcher_has_ready (self);
}

static void
fifo_dispatcher_deliver (FifoDispatcher *self,
                         FifoWaiter     *waiter)
{
  GAsyncReadyCallback callback = waiter->callback;
  gpointer user_data = waiter->user_data;
  FifoWaitQueue *home = waiter->home;
  GObject *source_object = home->owner;
  FifoWaiterData delivered;
  FifoOutcome outcome;
  FifoResult *result;

  /* Not watched any more: nobody can take a new reference to it. */
  outcome = fifo_waiter_settle (waiter, &delivered);

  result = g_steal_pointer (&self->spare);
  if (result == NULL)
    result = fifo_result_new ();

  /* The waiter's hold of the source object passes to the result, unless a
   * cancellation still looks at the waiter (which the hold keeps alive). */
  if (g_atomic_int_get (&waiter->ref_count) == 1)
    waiter->holds_home = FALSE;
  else
    fifo_wait_queue_hold (home);
  fifo_result_fill (result, home, waiter->op, user_data, outcome, delivered);
  fifo_waiter_unref (waiter);

  if (callback != NULL)
    callback (source_object, G_ASYNC_RESULT (result), user_data);

  /* Recycling drops the result's references, which may finalize the
   * source object, whose weak references may iterate this context and
   * deliver (and keep a spare) in turn: look at the spare only after. */
  if (fifo_result_recycle (result) && self->spare == NULL)
    self->spare = result;
  else
    fifo_result_release (result);
}

/* Takes up to @n waiters off the ready list with one locking. */
static void
fifo_dispatcher_refill (FifoDispatcher *self,
                        guint           n)
{
  FifoWaiter *last;

  g_mutex_lock (&self->lock);
  self->batch = self->head;
  if (self->batch != NULL)
    {
      for (last = self->batch; n > 1 && last->next != NULL; n--)
        last = last->next;
      g_atomic_pointer_set (&self->head, last->next);
      if (self->head == NULL)
        self->tail = NULL;
      last->next = NULL;
    }
  g_mutex_unlock (&self->lock);
}

static gboolean
fifo_dispatcher_dispatch (GSource     *source,
                          GSourceFunc  callback,
                          gpointer     user_data)
{
  FifoDispatcher *self = (FifoDispatcher *) source;
  FifoThread *thread = fifo_thread_get ();
  FifoDispatcher *outer = thread->dispatching;
  gint64 started = g_get_monotonic_time ();
  guint budget;

  /* A wake-up from another thread made us ready (fifo_dispatcher_wakeup()):
   * from now on, the ready list says. */
  if (g_source_get_ready_time (source) != -1)
    g_source_set_ready_time (source, -1);

  /* A callback of an outer batch runs a nested main loop: the changes it
   * made so far are heard of before this batch's callbacks run. */
  if (G_UNLIKELY (thread->n_notify_pending > 0))
    fifo_thread_flush_notify (thread);

  /* Completions pushed by our own callbacks need no wake-up: this loop,
   * or the next prepare, will find them. The properties' notifications of
   * the changes they make wait for the batch's end: a value that does not
   * last until then, nobody could have seen between iterations. */
  thread->dispatching = self;

  /* Pass-overs first: what they grant may be due here. */
  if (G_UNLIKELY (g_atomic_pointer_get (&self->tickets) != NULL))
    {
      FifoDrainTicket *tickets;

      g_mutex_lock (&self->lock);
      tickets = g_steal_pointer (&self->tickets);
      g_mutex_unlock (&self->lock);
      fifo_drain_tickets_run (tickets);
    }

  /* The batch lives in the dispatcher, not on this stack: a callback that
   * runs a nested main loop (the source may recurse) delivers the rest of
   * it, in order, and may wait for any of them. */
  for (budget = FIFO_DISPATCH_BATCH; budget > 0; budget--)
    {
      FifoWaiter *waiter;

      if (self->batch == NULL)
        fifo_dispatcher_refill (self, budget);
      waiter = self->batch;
      if (waiter == NULL)
        break;
      self->batch = waiter->next;
      fifo_dispatcher_deliver (self, waiter);
    }

  if (thread->n_notify_pending > 0)
    fifo_thread_flush_notify (thread);
  thread->dispatching = outer;

  if (budget == 0 && fifo_dispatcher_has_ready (self))
    {
      gint64 now = g_get_monotonic_time ();

      self->yielding = TRUE;
      self->yield_deadline = now + MIN (now - started, FIFO_DISPATCH_YIELD_MAX_USEC);
      if (self->yield_source == NULL)
        {
          self->yield_source = g_source_new (&fifo_yield_source_funcs, sizeof (FifoYieldSource));
          ((FifoYieldSource *) self->yield_source)->dispatcher = self;
          g_source_set_static_name (self->yield_source, "FifoDispatcher yield");
          g_source_set_priority (self->yield_source, G_MAXINT);
          g_source_attach (self->yield_source, self->context);
        }
    }

  return G_SOURCE_CONTINUE;
}

static void
fifo_dispatcher_finalize (GSource *source)
{
  FifoDispatcher *self = (FifoDispatcher *) source;

  /* Our last reference may have been dropped on another thread, and the
   * GSource's inside GLib: this atomic read orders it before the free (for
   * the thread sanitizer, which does not see into GLib). */
  g_assert (g_atomic_int_get (&self->refs) == 0);
  g_assert (self->head == NULL && self->batch == NULL && self->tickets == NULL);
  g_clear_pointer (&self->spare, fifo_result_release);
  if (self->yield_source != NULL && !g_source_is_destroyed (self->yield_source))
    g_source_destroy (self->yield_source);
  g_clear_pointer (&self->yield_source, g_source_unref);
  g_mutex_clear (&self->lock);
}

static GSourceFuncs fifo_dispatcher_funcs = {
  .prepare = fifo_dispatcher_prepare,
  .check = fifo_dispatcher_check,
  .dispatch = fifo_dispatcher_dispatch,
  .finalize = fifo_dispatcher_finalize,
};

/* The context is being finalised (this is the destroy notify of the
 * source's callback): nobody will ever run what is ready. Pass it over,
 * so that grants are handed on rather than stranded — without waiting for
 * any queue: a finalizer may run with a binding's interpreter lock held,
 * which a queue's holder may be waiting for. */
static void
fifo_dispatcher_context_destroyed (gpointer data)
{
  FifoDispatcher *self = data;
  FifoWaiter *ready, *batch;
  FifoDrainTicket *tickets;

  g_mutex_lock (&self->lock);
  g_atomic_int_set (&self->dead, TRUE);
  ready = g_steal_pointer (&self->head);
  self->tail = NULL;
  tickets = g_steal_pointer (&self->tickets);
  g_mutex_unlock (&self->lock);

  /* Pass-overs we were to carry out for others: someone else will. */
  while (tickets != NULL)
    {
      FifoDrainTicket *ticket = tickets;

      tickets = ticket->next;
      fifo_drain_ticket_hand_on (ticket);
    }

  /* A batch cut short by a callback that never returned to us. */
  batch = g_steal_pointer (&self->batch);

  for (FifoWaiter *list = batch; list != NULL || ready != NULL; )
    {
      FifoWaiter *waiter;

      if (list == NULL)
        list = g_steal_pointer (&ready);
      waiter = list;
      list = waiter->next;
      waiter->next = NULL;
      fifo_waiter_pass_over (waiter);
    }

  /* The attachment's count. */
  fifo_dispatcher_unref (self);
}

static gboolean
fifo_dispatcher_never_called (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

/* The last reference is going: forget it, unless a newer dispatcher
 * already took its context's place. */
static void
fifo_dispatcher_dispose (GSource *source)
{
  FifoDispatcher *self = (FifoDispatcher *) source;

  g_mutex_lock (&dispatchers_lock);
  if (dispatchers != NULL &&
      g_hash_table_lookup (dispatchers, self->context) == self)
    g_hash_table_remove (dispatchers, self->context);
  g_mutex_unlock (&dispatchers_lock);
}

static FifoDispatcher *
fifo_dispatcher_new (GMainContext *context)
{
  GSource *source = g_source_new (&fifo_dispatcher_funcs, sizeof (FifoDispatcher));
  FifoDispatcher *self = (FifoDispatcher *) source;

  g_mutex_init (&self->lock);
  self->context = context;
  self->refs = 1;  /* the attachment's; its GSource reference is ours */

  g_source_set_static_name (source, "FifoDispatcher");
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  /* A callback may iterate the context (a nested main loop) and wait there
   * for another completion, as it could with GTask. */
  g_source_set_can_recurse (source, TRUE);
  g_source_set_dispose_function (source, fifo_dispatcher_dispose);
  g_source_set_callback (source, fifo_dispatcher_never_called, self,
                         fifo_dispatcher_context_destroyed);
  /* Until its first prepare, anyone may be in poll(). */
  self->polling = TRUE;
  g_source_attach (source, context);
  /* The context holds its own reference; ours stays with self->refs. */

  return self;
}

/* A reference unless its count already dropped to zero (being finalised). */
static gboolean
fifo_dispatcher_try_ref (FifoDispatcher *self)
{
  gint refs = g_atomic_int_get (&self->refs);

  do
    {
      if (refs == 0)
        return FALSE;
    }
  while (!g_atomic_int_compare_and_exchange_full (&self->refs, refs, refs + 1, &refs));

  return TRUE;
}

static FifoDispatcher *
fifo_dispatcher_lookup (GMainContext *context)
{
  FifoDispatcher *self;
  FifoDispatcher *stale = NULL;
  FifoThread *thread = fifo_thread_get ();

  g_mutex_lock (&dispatchers_lock);

  if (dispatchers == NULL)
    dispatchers = g_hash_table_new (NULL, NULL);

  self = g_hash_table_lookup (dispatchers, context);

  /* A dead one belongs to a finalised context whose address was reused. */
  if (self == NULL || g_atomic_int_get (&self->dead) || !fifo_dispatcher_try_ref (self))
    {
      self = fifo_dispatcher_new (context);
      g_hash_table_insert (dispatchers, context, self);
      fifo_dispatcher_ref (self);
    }

  stale = g_steal_pointer (&thread->cached_dispatcher);
  thread->cached_context = context;
  thread->cached_dispatcher = fifo_dispatcher_ref (self);

  g_mutex_unlock (&dispatchers_lock);

  /* Its dispose takes dispatchers_lock. */
  g_clear_pointer (&stale, fifo_dispatcher_unref);

  return self;
}

FifoDispatcher *
fifo_dispatcher_ref_thread_default (void)
{
  GMainContext *context = g_main_context_get_thread_default ();
  FifoThread *thread = fifo_thread_current;

  if (context == NULL)
    context = g_main_context_default ();

  /* The cache holds a reference: a plain increment is safe. */
  if (G_LIKELY (thread != NULL && thread->cached_context == context &&
                !g_atomic_int_get (&thread->cached_dispatcher->dead)))
    return fifo_dispatcher_ref (thread->cached_dispatcher);

  return fifo_dispatcher_lookup (context);
}

FifoDispatcher *
fifo_dispatcher_ref (FifoDispatcher *self)
{
  g_atomic_int_inc (&self->refs);
  return self;
}

void
fifo_dispatcher_unref (FifoDispatcher *self)
{
  if (g_atomic_int_dec_and_test (&self->refs))
    g_source_unref ((GSource *) self);
}

FifoDispatcherPush
fifo_dispatcher_push (FifoDispatcher *self,
                      FifoWaiter     *waiter)
{
  gboolean was_empty;

  waiter->next = NULL;

  g_mutex_lock (&self->lock);

  if (self->dead)
    {
      g_mutex_unlock (&self->lock);
      return FIFO_DISPATCHER_DEAD;
    }

  was_empty = self->head == NULL;
  if (was_empty)
    g_atomic_pointer_set (&self->head, waiter);
  else
    self->tail->next = waiter;
  self->tail = waiter;

  /* Once unlocked, the waiter may be delivered and freed on another thread,
   * taking its reference with it: the wake-up needs one of its own. */
  if (was_empty && (fifo_thread_current == NULL || fifo_thread_current->dispatching != self))
    {
      fifo_dispatcher_ref (self);
      g_mutex_unlock (&self->lock);
      return FIFO_DISPATCHER_QUEUED_WAKEUP;
    }

  g_mutex_unlock (&self->lock);
  return FIFO_DISPATCHER_QUEUED;
}

gboolean
fifo_dispatcher_is_dead (FifoDispatcher *self)
{
  return g_atomic_int_get (&self->dead);
}

gboolean
fifo_dispatcher_take_ticket (FifoDispatcher  *self,
                             FifoDrainTicket *ticket,
                             gboolean        *wakeup)
{
  g_mutex_lock (&self->lock);

  if (self->dead)
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }

  *wakeup = self->tickets == NULL &&
            (fifo_thread_current == NULL || fifo_thread_current->dispatching != self);
  ticket->next = self->tickets;
  g_atomic_pointer_set (&self->tickets, ticket);

  g_mutex_unlock (&self->lock);
  return TRUE;
}

void
fifo_dispatcher_wakeup (FifoDispatcher *self)
{
  /* The lock keeps the context alive: its finalisation marks us dead
   * under it before freeing anything. */
  g_mutex_lock (&self->lock);

  /* A context this thread owns is iterated by no other thread, and this
   * one is not polling it: its next prepare finds the work, and a wake-up
   * (a system call) would be wasted. Never acquire it to find out: its
   * owner may be about to push it as its thread-default.
   *
   * Otherwise make our source ready through GLib's own mechanism, which
   * wakes the context if it is still attached: g_main_context_wakeup()
   * refuses, with a critical, a context whose last reference is being
   * dropped at this very moment (its finalization then waits for our lock
   * before freeing anything). */
  if (!self->dead && g_atomic_int_get (&self->polling) && !g_main_context_is_owner (self->context))
    g_source_set_ready_time ((GSource *) self, 0);

  g_mutex_unlock (&self->lock);
}

GMainContext *
fifo_dispatcher_peek_context (FifoDispatcher *self)
{
  return self->context;
}
