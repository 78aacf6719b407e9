/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-condition.h"
#include "fifo-dispatcher-private.h"
#include "fifo-mutex-private.h"
#include "fifo-result-private.h"
#include "fifo-trace-private.h"

/**
 * FifoCondition:
 *
 * A condition variable on a [class@Fifo.Mutex]: the equivalent of Python's
 * `asyncio.Condition`.
 *
 * With the mutex held, [method@Fifo.Condition.wait_async] releases it and
 * waits for [method@Fifo.Condition.notify]; once notified, the waiter queues
 * at the mutex like any other request, strictly in order, and completes when
 * it holds the mutex again. [method@Fifo.Condition.wait_for_async] waits
 * until a predicate holds.
 *
 * ## Cancellation
 *
 * A wait always re-acquires the mutex before it completes, also when it is
 * cancelled: its `_finish` then reports %G_IO_ERROR_CANCELLED **and the
 * caller holds the mutex again**, exactly as with `asyncio.Condition`. This
 * is the one exception to the rule that a failed operation holds nothing.
 * A waiter cancelled after it was notified passes the notification on to the
 * next waiter, so that no notification is lost.
 *
 * Like `asyncio.Lock`, the mutex is not owned: "held" means locked, by
 * anyone. Waiting or notifying while it is not locked is a programmer error.
 *
 * In C:
 *
 * ```c
 * static void
 * on_notified (GObject *source, GAsyncResult *result, gpointer user_data)
 * {
 *   FifoCondition *cond = FIFO_CONDITION (source);
 *   g_autoptr(GError) error = NULL;
 *
 *   fifo_condition_wait_finish (cond, result, &error);     // notified, or cancelled
 *   fifo_mutex_release (fifo_condition_get_mutex (cond));  // held again either way
 * }
 *
 * static void
 * on_producer_turn (GObject *source, GAsyncResult *result, gpointer cond)
 * {
 *   if (fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, NULL))
 *     {
 *       fifo_condition_notify (cond, 1);  // wakes the first waiter
 *       fifo_mutex_release (FIFO_MUTEX (source));
 *     }
 * }
 *
 * g_autoptr(FifoCondition) cond = fifo_condition_new (NULL);  // with a mutex of its own
 * FifoMutex *mutex = fifo_condition_get_mutex (cond);
 *
 * fifo_mutex_try_acquire (mutex);  // a waiter holds the mutex
 * fifo_condition_wait_async (cond, NULL, on_notified, NULL);
 * fifo_mutex_acquire_async (mutex, NULL, on_producer_turn, cond);
 * ```
 *
 * In JavaScript:
 *
 * ```js
 * Gio._promisify(Fifo.Mutex.prototype, 'acquire_async', 'acquire_finish');
 * Gio._promisify(Fifo.Condition.prototype, 'wait_async', 'wait_finish');
 *
 * const cond = Fifo.Condition.new(null);  // with a mutex of its own
 * const items = [];
 *
 * async function consume() {
 *     await cond.mutex.acquire_async(null);
 *     try {
 *         while (items.length === 0)
 *             await cond.wait_async(null);  // the mutex is released meanwhile
 *         return items.shift();
 *     } finally {
 *         cond.mutex.release();
 *     }
 * }
 *
 * const consumer = consume();
 * await cond.mutex.acquire_async(null);  // the producer
 * items.push('an item');
 * cond.notify(1);
 * cond.mutex.release();
 * print(await consumer);
 * ```
 *
 * Since: 1.0
 */

struct _FifoCondition
{
  GObject        parent_instance;
  FifoWaitQueue  queue;
  FifoMutex     *mutex;
};

enum {
  PROP_0,
  PROP_MUTEX,
  PROP_N_WAITING,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FifoCondition, fifo_condition, G_TYPE_OBJECT)

#define FIFO_CONDITION_OF(queue) ((FifoCondition *) (queue)->owner)

/* Locked (the condition). Moves up to @n waiters, in order, to the mutex's
 * queue, where they re-acquire it before completing. */
static void
fifo_condition_notify_locked (FifoCondition *self,
                              guint          n)
{
  FifoWaitQueue *mutex_queue = fifo_mutex_get_wait_queue (self->mutex);
  FifoWaiter *head;

  if (n == 0 || fifo_wait_queue_is_empty (&self->queue))
    return;

  fifo_wait_queue_lock (mutex_queue);
  for (; n > 0 && (head = fifo_wait_queue_peek_head (&self->queue)) != NULL; n--)
    fifo_waiter_transfer (head, mutex_queue);
  fifo_wait_queue_unlock_into (mutex_queue, &self->queue);
}

static void
fifo_condition_notify_internal (FifoCondition *self,
                                guint          n)
{
  fifo_wait_queue_lock (&self->queue);
  fifo_condition_notify_locked (self, n);
  fifo_wait_queue_unlock (&self->queue);
}

/* Deferred: a waiter cancelled after its notification hands it on. */
static void
fifo_condition_pass_notification_on (gpointer data)
{
  FifoCondition *self = data;

  fifo_condition_notify_internal (self, 1);
  g_object_unref (self);
}

/* Waiting starts by releasing the mutex the caller holds. */
static void
fifo_condition_admit (FifoWaitQueue *queue,
                      FifoWaiter    *waiter)
{
  FifoCondition *self = FIFO_CONDITION_OF (queue);
  FifoWaitQueue *mutex_queue = fifo_mutex_get_wait_queue (self->mutex);

  fifo_wait_queue_push_tail (queue, waiter);

  fifo_wait_queue_lock (mutex_queue);
  fifo_mutex_release_locked (self->mutex);
  fifo_wait_queue_unlock_into (mutex_queue, queue);
}

static void
fifo_condition_cancel (FifoWaitQueue *queue,
                       FifoWaiter    *waiter)
{
  FifoCondition *self = FIFO_CONDITION (FIFO_WAITER_SOURCE (waiter));
  FifoWaitQueue *mutex_queue = fifo_mutex_get_wait_queue (self->mutex);

  /* Whatever happens, it completes as cancelled, holding the mutex. */
  waiter->cancel_requested = TRUE;

  if (queue == &self->queue)
    {
      /* Not notified yet: stop waiting, go and re-acquire the mutex. */
      fifo_wait_queue_lock (mutex_queue);
      fifo_waiter_transfer (waiter, mutex_queue);
      fifo_wait_queue_unlock_into (mutex_queue, queue);
    }
  else
    {
      /* Notified, queued at the mutex: stay there, and let another waiter
       * have the notification. */
      fifo_wait_queue_defer (queue, fifo_condition_pass_notification_on, g_object_ref (self));
    }
}

/* Notified and holding the mutex, but cancelled before its callback ran:
 * it keeps the mutex (a condition wait always returns holding it) and
 * reports the cancellation; the notification goes to another waiter. */
static void
fifo_condition_revoke (FifoWaitQueue *queue,
                       FifoWaiter    *waiter)
{
  FifoCondition *self = FIFO_CONDITION (FIFO_WAITER_SOURCE (waiter));

  fifo_wait_queue_defer (queue, fifo_condition_pass_notification_on, g_object_ref (self));
}

static const FifoOperation wait_for_op, wait_for_done_op;

/* Completed, but its context is gone: nobody will run its callback, nor
 * release the mutex it holds for its caller. A wait holds the mutex
 * whatever its outcome; a notified one passes its notification on (a
 * cancelled one already did, or was never notified). A wait_for()'s own
 * completion holds the mutex only after waiting (its last wait consumed the
 * notification); when the predicate held at once it holds nothing. */
static void
fifo_condition_abandon (FifoWaitQueue *queue,
                        FifoWaiter    *waiter)
{
  FifoCondition *self = FIFO_CONDITION (FIFO_WAITER_SOURCE (waiter));
  FifoWaitQueue *mutex_queue = fifo_mutex_get_wait_queue (self->mutex);

  if (waiter->op == &wait_for_op)
    return;

  if (waiter->op != &wait_for_done_op && fifo_waiter_get_outcome (waiter) == FIFO_OUTCOME_SUCCESS)
    fifo_wait_queue_defer (queue, fifo_condition_pass_notification_on, g_object_ref (self));

  /* A wait ends queued at the mutex; a wait_for()'s completion stays at the
   * condition, which locks first. */
  if (queue == mutex_queue)
    {
      fifo_mutex_release_locked (self->mutex);
    }
  else
    {
      fifo_wait_queue_lock (mutex_queue);
      fifo_mutex_release_locked (self->mutex);
      fifo_wait_queue_unlock_into (mutex_queue, queue);
    }
}

static void
fifo_condition_notify_properties (FifoWaitQueue *queue,
                                  GObject       *owner,
                                  guint          changed)
{
  g_object_notify_by_pspec (owner, properties[PROP_N_WAITING]);
}

static FifoWaitQueue *
fifo_condition_linked (FifoWaitQueue *queue)
{
  return fifo_mutex_get_wait_queue (FIFO_CONDITION_OF (queue)->mutex);
}

static const FifoWaitQueueClass fifo_condition_queue_class = {
  .admit = fifo_condition_admit,
  .cancel = fifo_condition_cancel,
  .revoke = fifo_condition_revoke,
  .abandon = fifo_condition_abandon,
  .notify = fifo_condition_notify_properties,
  .linked = fifo_condition_linked,
};

typedef struct _WaitFor WaitFor;
static void wait_for_free (WaitFor *wait_for);

static const FifoOperation wait_op = { (gpointer) fifo_condition_wait_async, &fifo_condition_queue_class, NULL };
/* wait_for()'s completion when the predicate held at once, and after
 * waiting (then holding the mutex). */
static const FifoOperation wait_for_op = { (gpointer) fifo_condition_wait_for_async, &fifo_condition_queue_class, NULL };
static const FifoOperation wait_for_done_op = { (gpointer) fifo_condition_wait_for_async, &fifo_condition_queue_class, NULL };
/* One wait of a wait_for(): a wait whose callback is ours. */
static const FifoOperation wait_for_step_op = { (gpointer) fifo_condition_wait_async, &fifo_condition_queue_class,
                                                (GDestroyNotify) wait_for_free };

static void
fifo_condition_constructed (GObject *object)
{
  FifoCondition *self = FIFO_CONDITION (object);

  G_OBJECT_CLASS (fifo_condition_parent_class)->constructed (object);

  if (self->mutex == NULL)
    self->mutex = fifo_mutex_new ();
}

static void
fifo_condition_finalize (GObject *object)
{
  FifoCondition *self = FIFO_CONDITION (object);

  fifo_wait_queue_clear (&self->queue);
  g_clear_object (&self->mutex);

  G_OBJECT_CLASS (fifo_condition_parent_class)->finalize (object);
}

static void
fifo_condition_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FifoCondition *self = FIFO_CONDITION (object);

  switch (prop_id)
    {
    case PROP_MUTEX:
      g_value_set_object (value, self->mutex);
      break;

    case PROP_N_WAITING:
      g_value_set_uint (value, fifo_condition_get_n_waiting (self));
      break;

    case PROP_NAME:
      g_value_take_string (value, fifo_condition_get_name (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_condition_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FifoCondition *self = FIFO_CONDITION (object);

  switch (prop_id)
    {
    case PROP_MUTEX:
      self->mutex = g_value_dup_object (value);
      break;

    case PROP_NAME:
      fifo_condition_set_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_condition_class_init (FifoConditionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fifo_condition_constructed;
  object_class->finalize = fifo_condition_finalize;
  object_class->get_property = fifo_condition_get_property;
  object_class->set_property = fifo_condition_set_property;

  /**
   * FifoCondition:mutex: (getter get_mutex)
   *
   * The mutex the condition releases while waiting and re-acquires before
   * a wait completes. A condition made without one has a mutex of its own.
   *
   * Since: 1.0
   */
  properties[PROP_MUTEX] =
    g_param_spec_object ("mutex", NULL, NULL, FIFO_TYPE_MUTEX,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoCondition:n-waiting: (getter get_n_waiting)
   *
   * The number of waits not yet notified (waiters notified and queued for
   * the mutex count at the mutex).
   *
   * Since: 1.0
   */
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoCondition:name: (getter get_name) (setter set_name)
   *
   * A name for the condition, or %NULL (the default): it names the condition in
   * criticals, debug messages and traces ([Debugging](debugging.html)).
   *
   * Since: 1.0
   */
  properties[PROP_NAME] = fifo_name_param_spec_new ();

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fifo_condition_init (FifoCondition *self)
{
  fifo_wait_queue_init (&self->queue, &fifo_condition_queue_class, G_OBJECT (self));
}

/**
 * fifo_condition_new:
 * @mutex: (nullable): the mutex to wait with, or %NULL for a new one
 *
 * Creates a condition variable on @mutex.
 *
 * Returns: (transfer full): a new `FifoCondition`
 *
 * Since: 1.0
 */
FifoCondition *
fifo_condition_new (FifoMutex *mutex)
{
  g_return_val_if_fail (mutex == NULL || FIFO_IS_MUTEX (mutex), NULL);

  return g_object_new (FIFO_TYPE_CONDITION, "mutex", mutex, NULL);
}

/**
 * fifo_condition_get_mutex: (get-property mutex)
 * @self: a `FifoCondition`
 *
 * Gets the condition's mutex.
 *
 * Returns: (transfer none): the mutex
 *
 * Since: 1.0
 */
FifoMutex *
fifo_condition_get_mutex (FifoCondition *self)
{
  g_return_val_if_fail (FIFO_IS_CONDITION (self), NULL);

  return self->mutex;
}

static gboolean
fifo_condition_check_held (FifoCondition *self,
                           const char    *function)
{
  g_autofree char *description = NULL;

  if (fifo_mutex_get_locked (self->mutex))
    return TRUE;

  description = fifo_object_describe (G_OBJECT (self));
  g_critical ("%s: the mutex of %s is not held", function, description);
  return FALSE;
}

/**
 * fifo_condition_wait_async:
 * @self: a `FifoCondition`
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async) (closure user_data): called once the wait is over, the mutex held
 *   again
 * @user_data: data for @callback
 *
 * Releases the mutex, which the caller must hold, and waits for a
 * notification; then re-acquires the mutex, queueing for it in order, and
 * completes. Call [method@Fifo.Condition.wait_finish] from @callback.
 *
 * When @callback runs the caller holds the mutex — also when the wait was
 * cancelled and [method@Fifo.Condition.wait_finish] reports
 * %G_IO_ERROR_CANCELLED. Like every condition variable, a wait may end
 * without the awaited state being reached: check it again, or use
 * [method@Fifo.Condition.wait_for_async].
 *
 * Since: 1.0
 */
void
fifo_condition_wait_async (FifoCondition       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (FIFO_IS_CONDITION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  if (!fifo_condition_check_held (self, G_STRFUNC))
    return;

  fifo_wait_queue_submit (&self->queue, &wait_op, NULL, FALSE,
                          cancellable, callback, user_data);
}

/**
 * fifo_condition_wait_finish:
 * @self: a `FifoCondition`
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Condition.wait_async]. Either way, the caller holds
 * the mutex again.
 *
 * Returns: %TRUE if the wait was notified; %FALSE, with @error set, if it was
 *   cancelled (and the mutex is held all the same)
 *
 * Since: 1.0
 */
gboolean
fifo_condition_wait_finish (FifoCondition  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (FIFO_IS_CONDITION (self), FALSE);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_condition_wait_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_async_result_propagate (result, NULL, error);
}

/**
 * fifo_condition_wait:
 * @self: a `FifoCondition`
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Like [method@Fifo.Condition.wait_async], blocking the calling thread.
 * Meant for worker threads. When it returns, the caller holds the mutex,
 * also when it was cancelled.
 *
 * Returns: %TRUE if the wait was notified; %FALSE, with @error set, if it was
 *   cancelled (and the mutex is held all the same)
 *
 * Since: 1.0
 */
gboolean
fifo_condition_wait (FifoCondition  *self,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_return_val_if_fail (FIFO_IS_CONDITION (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!fifo_condition_check_held (self, G_STRFUNC))
    return FALSE;

  return fifo_outcome_propagate (&wait_op, fifo_wait_queue_submit_sync (&self->queue, &wait_op, NULL, cancellable, NULL),
                                 error);
}

struct _WaitFor
{
  FifoConditionPredicate  predicate;
  gpointer                predicate_data;
  GDestroyNotify          predicate_data_destroy;
  GCancellable           *cancellable;
  GAsyncReadyCallback     callback;
  gpointer                user_data;
  /* The caller's context's: every step, and the completion, are delivered
   * there, even when it is iterated without being the thread-default. */
  FifoDispatcher         *dispatcher;
};

static void
wait_for_free (WaitFor *wait_for)
{
  if (wait_for->predicate_data_destroy != NULL)
    wait_for->predicate_data_destroy (wait_for->predicate_data);
  g_clear_object (&wait_for->cancellable);
  g_clear_pointer (&wait_for->dispatcher, fifo_dispatcher_unref);
  g_free (wait_for);
}

static void
wait_for_step_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  FifoCondition *self = FIFO_CONDITION (source);
  WaitFor *wait_for = data;
  FifoOutcome outcome = FIFO_OUTCOME_SUCCESS;
  gboolean done = TRUE;

  /* The mutex is held again here, whatever the outcome. */
  if (!fifo_condition_wait_finish (self, result, NULL))
    outcome = FIFO_OUTCOME_CANCELLED;
  else
    done = wait_for->predicate (wait_for->predicate_data);

  if (!done)
    {
      fifo_wait_queue_submit_to (&self->queue, &wait_for_step_op, wait_for->dispatcher, NULL,
                                 wait_for->cancellable, wait_for_step_cb, wait_for);
      return;
    }

  fifo_wait_queue_submit_done_to (&self->queue, &wait_for_done_op, wait_for->dispatcher,
                                  outcome, wait_for->callback, wait_for->user_data);
  wait_for_free (wait_for);
}

/**
 * fifo_condition_wait_for_async:
 * @self: a `FifoCondition`
 * @predicate: (scope notified) (closure predicate_data) (destroy predicate_data_destroy):
 *   tells whether to stop waiting
 * @predicate_data: data for @predicate
 * @predicate_data_destroy: (nullable): frees @predicate_data once the wait is over
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async) (closure user_data): called once @predicate holds, the mutex held
 * @user_data: data for @callback
 *
 * Waits until @predicate holds: checks it first, and as long as it does not
 * hold, waits as [method@Fifo.Condition.wait_async] does and checks again.
 * The caller must hold the mutex, unless @predicate already holds. Call
 * [method@Fifo.Condition.wait_for_finish] from @callback, which runs from
 * the main loop, never from within this call, even if @predicate holds at
 * once.
 *
 * @predicate runs with the mutex held, in the thread and main context of the
 * caller (the thread-default one when this function was called), even if
 * that context is later iterated without being the thread-default. When
 * @callback runs the caller holds the mutex, also when the wait was
 * cancelled.
 *
 * If that main context is destroyed before @callback runs, @callback never
 * runs and the wait is passed over, as every request of a destroyed
 * context is: the mutex is released if it was re-acquired on the caller's
 * behalf, and @predicate_data_destroy is called — never inside the context's
 * finalization, but by the condition's (or its mutex's) next operation, or
 * by the main loop of a request waiting there, whichever comes first.
 *
 * Since: 1.0
 */
void
fifo_condition_wait_for_async (FifoCondition          *self,
                               FifoConditionPredicate  predicate,
                               gpointer                predicate_data,
                               GDestroyNotify          predicate_data_destroy,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  WaitFor *wait_for;

  g_return_if_fail (FIFO_IS_CONDITION (self));
  g_return_if_fail (predicate != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  wait_for = g_new0 (WaitFor, 1);
  wait_for->predicate = predicate;
  wait_for->predicate_data = predicate_data;
  wait_for->predicate_data_destroy = predicate_data_destroy;

  if (predicate (predicate_data))
    {
      fifo_wait_queue_submit_done (&self->queue, &wait_for_op,
                                   FIFO_OUTCOME_SUCCESS, callback, user_data);
      wait_for_free (wait_for);
      return;
    }

  if (!fifo_condition_check_held (self, G_STRFUNC))
    {
      wait_for_free (wait_for);
      return;
    }

  wait_for->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  wait_for->callback = callback;
  wait_for->user_data = user_data;
  wait_for->dispatcher = fifo_dispatcher_ref_thread_default ();
  fifo_wait_queue_submit_to (&self->queue, &wait_for_step_op, wait_for->dispatcher, NULL,
                             cancellable, wait_for_step_cb, wait_for);
}

/**
 * fifo_condition_wait_for_finish:
 * @self: a `FifoCondition`
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Condition.wait_for_async]. Either way, the caller
 * holds the mutex.
 *
 * Returns: %TRUE once the predicate holds; %FALSE, with @error set, if the
 *   wait was cancelled (and the mutex is held all the same)
 *
 * Since: 1.0
 */
gboolean
fifo_condition_wait_for_finish (FifoCondition  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (FIFO_IS_CONDITION (self), FALSE);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_condition_wait_for_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_async_result_propagate (result, NULL, error);
}

/**
 * fifo_condition_wait_for:
 * @self: a `FifoCondition`
 * @predicate: (scope call) (closure predicate_data): tells whether to stop waiting
 * @predicate_data: data for @predicate
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Like [method@Fifo.Condition.wait_for_async], blocking the calling thread.
 * When it returns, the caller holds the mutex, also when it was cancelled.
 *
 * Returns: %TRUE once @predicate holds; %FALSE, with @error set, if the wait
 *   was cancelled (and the mutex is held all the same)
 *
 * Since: 1.0
 */
gboolean
fifo_condition_wait_for (FifoCondition           *self,
                         FifoConditionPredicate   predicate,
                         gpointer                 predicate_data,
                         GCancellable            *cancellable,
                         GError                 **error)
{
  g_return_val_if_fail (FIFO_IS_CONDITION (self), FALSE);
  g_return_val_if_fail (predicate != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  while (!predicate (predicate_data))
    if (!fifo_condition_wait (self, cancellable, error))
      return FALSE;

  return TRUE;
}

/**
 * fifo_condition_notify:
 * @self: a `FifoCondition`
 * @n: how many waiters to wake
 *
 * Wakes up to @n waiters, in the order they started waiting. Each then
 * queues for the mutex, which the caller must hold, and completes once it
 * holds it.
 *
 * Since: 1.0
 */
void
fifo_condition_notify (FifoCondition *self,
                       guint          n)
{
  g_return_if_fail (FIFO_IS_CONDITION (self));

  if (fifo_condition_check_held (self, G_STRFUNC))
    fifo_condition_notify_internal (self, n);
}

/**
 * fifo_condition_notify_all:
 * @self: a `FifoCondition`
 *
 * Wakes every waiter, in the order they started waiting. The caller must
 * hold the mutex.
 *
 * Since: 1.0
 */
void
fifo_condition_notify_all (FifoCondition *self)
{
  g_return_if_fail (FIFO_IS_CONDITION (self));

  if (fifo_condition_check_held (self, G_STRFUNC))
    fifo_condition_notify_internal (self, G_MAXUINT);
}

/**
 * fifo_condition_get_n_waiting: (get-property n-waiting)
 * @self: a `FifoCondition`
 *
 * Counts the waits not yet notified.
 *
 * Returns: the number of waiting operations
 *
 * Since: 1.0
 */
guint
fifo_condition_get_n_waiting (FifoCondition *self)
{
  g_return_val_if_fail (FIFO_IS_CONDITION (self), 0);

  return fifo_wait_queue_get_length (&self->queue);
}

/**
 * fifo_condition_get_name: (get-property name)
 * @self: a `FifoCondition`
 *
 * Gets the condition's name. Another thread may change it meanwhile: this is a
 * copy.
 *
 * Returns: (transfer full) (nullable): a copy of the name, or %NULL
 *
 * Since: 1.0
 */
char *
fifo_condition_get_name (FifoCondition *self)
{
  g_return_val_if_fail (FIFO_IS_CONDITION (self), NULL);

  return fifo_object_dup_name (G_OBJECT (self));
}

/**
 * fifo_condition_set_name: (set-property name)
 * @self: a `FifoCondition`
 * @name: (nullable): the new name, or %NULL for none
 *
 * Names the condition, for criticals, debug messages and traces. Any thread
 * may call it, also while others use the condition.
 *
 * Since: 1.0
 */
void
fifo_condition_set_name (FifoCondition *self,
                         const char    *name)
{
  g_return_if_fail (FIFO_IS_CONDITION (self));

  if (fifo_object_set_name (G_OBJECT (self), name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}
