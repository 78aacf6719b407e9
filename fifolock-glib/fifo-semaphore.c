/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-result-private.h"
#include "fifo-semaphore.h"
#include "fifo-trace-private.h"
#include "fifo-wait-queue-private.h"

/**
 * FifoSemaphore:
 *
 * A counting semaphore granted strictly first in, first out: the equivalent
 * of Python's `asyncio.Semaphore` and, made with
 * [ctor@Fifo.Semaphore.new_bounded], of `asyncio.BoundedSemaphore`.
 *
 * [property@Fifo.Semaphore:value] counts the permits available; it is never
 * negative. An acquisition takes a permit at once only when one is available
 * and nobody is queued — it never barges past waiters, which is the fairness
 * bug CPython fixed in 3.12 and 3.13. A release hands its permit straight to
 * the head of the queue. A waiter that was handed a permit but is cancelled
 * before its callback ran passes the permit on: no permit is ever lost.
 *
 * Callbacks run in the thread-default main context of the thread that called
 * [method@Fifo.Semaphore.acquire_async], from its main loop, never inside
 * the call that caused them. Every function is thread-safe.
 *
 * In C, the blocking form (for a worker thread):
 *
 * ```c
 * g_autoptr(FifoSemaphore) sem = fifo_semaphore_new (2);  // two at a time
 * g_autoptr(GError) error = NULL;
 *
 * if (fifo_semaphore_acquire (sem, NULL, &error))
 *   {
 *     // … one of two …
 *     fifo_semaphore_release (sem);
 *   }
 * ```
 *
 * In Python, likewise:
 *
 * ```python
 * sem = Fifo.Semaphore.new(2)  # two at a time
 *
 * with sem:
 *     assert sem.props.value == 1  # … one of two …
 * ```
 *
 * Since: 1.0
 */

struct _FifoSemaphore
{
  GObject        parent_instance;
  FifoWaitQueue  queue;
  guint          value;
  guint          bound;      /* the initial value, if bounded */
  gboolean       bounded;
  guint          notified_value;
};

enum {
  PROP_0,
  PROP_VALUE,
  PROP_N_WAITING,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define CHANGED_VALUE FIFO_WAIT_QUEUE_CHANGED_POLICY (0)

G_DEFINE_FINAL_TYPE (FifoSemaphore, fifo_semaphore, G_TYPE_OBJECT)

#define FIFO_SEMAPHORE_OF(queue) ((FifoSemaphore *) (queue)->owner)

/* Locked. Hands available permits to the head of the queue, in order. */
static void
fifo_semaphore_serve (FifoSemaphore *self)
{
  FifoWaiter *head;

  while (self->value > 0 && (head = fifo_wait_queue_peek_head (&self->queue)) != NULL)
    {
      self->value--;
      fifo_waiter_complete (&self->queue, head, FIFO_OUTCOME_SUCCESS);
    }
}

static void
fifo_semaphore_admit (FifoWaitQueue *queue,
                      FifoWaiter    *waiter)
{
  FifoSemaphore *self = FIFO_SEMAPHORE_OF (queue);

  if (self->value > 0 && fifo_wait_queue_is_empty (queue))
    {
      self->value--;
      fifo_waiter_complete (queue, waiter, FIFO_OUTCOME_SUCCESS);
    }
  else
    {
      fifo_wait_queue_push_tail (queue, waiter);
    }
}

static void
fifo_semaphore_serve_queue (FifoWaitQueue *queue)
{
  fifo_semaphore_serve (FIFO_SEMAPHORE_OF (queue));
}

/* The value never wraps: at G_MAXUINT a permit cannot be taken back, and
 * the grant stands (a cancellation that comes too late). */
static gboolean
fifo_semaphore_can_revoke (FifoWaitQueue *queue,
                           FifoWaiter    *waiter)
{
  return FIFO_SEMAPHORE_OF (queue)->value < G_MAXUINT;
}

static void
fifo_semaphore_revoke (FifoWaitQueue *queue,
                       FifoWaiter    *waiter)
{
  FIFO_SEMAPHORE_OF (queue)->value++;
}

static guint
fifo_semaphore_collect (FifoWaitQueue *queue)
{
  FifoSemaphore *self = FIFO_SEMAPHORE_OF (queue);
  guint changed = 0;

  if (self->value != self->notified_value)
    {
      self->notified_value = self->value;
      changed |= CHANGED_VALUE;
    }

  return changed;
}

static void
fifo_semaphore_notify (FifoWaitQueue *queue,
                       GObject       *owner,
                       guint          changed)
{
  if (changed & CHANGED_VALUE)
    g_object_notify_by_pspec (owner, properties[PROP_VALUE]);
  if (changed & FIFO_WAIT_QUEUE_CHANGED_LENGTH)
    g_object_notify_by_pspec (owner, properties[PROP_N_WAITING]);
}

static const FifoWaitQueueClass fifo_semaphore_queue_class = {
  .admit = fifo_semaphore_admit,
  .serve = fifo_semaphore_serve_queue,
  .can_revoke = fifo_semaphore_can_revoke,
  .revoke = fifo_semaphore_revoke,
  .collect = fifo_semaphore_collect,
  .notify = fifo_semaphore_notify,
};

static const FifoOperation acquire_op = { (gpointer) fifo_semaphore_acquire_async, &fifo_semaphore_queue_class, NULL };

static void
fifo_semaphore_finalize (GObject *object)
{
  FifoSemaphore *self = FIFO_SEMAPHORE (object);

  fifo_wait_queue_clear (&self->queue);

  G_OBJECT_CLASS (fifo_semaphore_parent_class)->finalize (object);
}

static void
fifo_semaphore_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FifoSemaphore *self = FIFO_SEMAPHORE (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      g_value_set_uint (value, fifo_semaphore_get_value (self));
      break;

    case PROP_N_WAITING:
      g_value_set_uint (value, fifo_semaphore_get_n_waiting (self));
      break;

    case PROP_NAME:
      g_value_take_string (value, fifo_semaphore_get_name (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_semaphore_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FifoSemaphore *self = FIFO_SEMAPHORE (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      self->value = self->notified_value = self->bound = g_value_get_uint (value);
      break;

    case PROP_NAME:
      fifo_semaphore_set_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_semaphore_class_init (FifoSemaphoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fifo_semaphore_finalize;
  object_class->get_property = fifo_semaphore_get_property;
  object_class->set_property = fifo_semaphore_set_property;

  /**
   * FifoSemaphore:value: (getter get_value)
   *
   * The number of permits available now. Set once, at construction, to the
   * initial number of permits; after that only acquisitions and releases
   * change it.
   *
   * Since: 1.0
   */
  properties[PROP_VALUE] =
    g_param_spec_uint ("value", NULL, NULL, 0, G_MAXUINT, 1,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoSemaphore:n-waiting: (getter get_n_waiting)
   *
   * The number of requests queued and not yet granted.
   *
   * Since: 1.0
   */
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoSemaphore:name: (getter get_name) (setter set_name)
   *
   * A name for the semaphore, or %NULL (the default): it names the semaphore in
   * criticals, debug messages and traces ([Debugging](debugging.html)).
   *
   * Since: 1.0
   */
  properties[PROP_NAME] = fifo_name_param_spec_new ();

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fifo_semaphore_init (FifoSemaphore *self)
{
  fifo_wait_queue_init (&self->queue, &fifo_semaphore_queue_class, G_OBJECT (self));
}

/**
 * fifo_semaphore_new:
 * @value: the initial number of permits
 *
 * Creates a semaphore with @value permits. Releases may raise the value
 * above @value; see [ctor@Fifo.Semaphore.new_bounded] for one that refuses.
 *
 * Returns: (transfer full): a new `FifoSemaphore`
 *
 * Since: 1.0
 */
FifoSemaphore *
fifo_semaphore_new (guint value)
{
  return g_object_new (FIFO_TYPE_SEMAPHORE, "value", value, NULL);
}

/**
 * fifo_semaphore_new_bounded:
 * @value: the initial, and largest, number of permits
 *
 * Creates a bounded semaphore: releasing it when all @value permits are
 * available is a programmer error, reported by a critical warning, and
 * changes nothing.
 *
 * Returns: (transfer full): a new `FifoSemaphore`
 *
 * Since: 1.0
 */
FifoSemaphore *
fifo_semaphore_new_bounded (guint value)
{
  FifoSemaphore *self = fifo_semaphore_new (value);

  self->bounded = TRUE;  /* nobody else can see it yet */
  return self;
}

/**
 * fifo_semaphore_acquire_async:
 * @self: a `FifoSemaphore`
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async) (closure user_data): called once a permit is acquired or the request
 *   cancelled
 * @user_data: data for @callback
 *
 * Queues a request for one permit. @callback runs exactly once, in the
 * thread-default main context of the calling thread, from its main loop,
 * never from within this call, even when a permit is available now. Call
 * [method@Fifo.Semaphore.acquire_finish] from it.
 *
 * If @cancellable is cancelled before the permit was handed over, the
 * request fails with %G_IO_ERROR_CANCELLED and holds nothing; a permit it
 * had already been handed passes on to the next request.
 *
 * Since: 1.0
 */
void
fifo_semaphore_acquire_async (FifoSemaphore       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (FIFO_IS_SEMAPHORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  fifo_wait_queue_submit (&self->queue, &acquire_op, NULL, FALSE,
                          cancellable, callback, user_data);
}

/**
 * fifo_semaphore_acquire_finish:
 * @self: a `FifoSemaphore`
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Semaphore.acquire_async].
 *
 * Returns: %TRUE if a permit is now held; %FALSE, with @error set, if the
 *   request was cancelled and nothing is held
 *
 * Since: 1.0
 */
gboolean
fifo_semaphore_acquire_finish (FifoSemaphore  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (FIFO_IS_SEMAPHORE (self), FALSE);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_semaphore_acquire_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_async_result_propagate (result, NULL, error);
}

/**
 * fifo_semaphore_acquire:
 * @self: a `FifoSemaphore`
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Acquires a permit, blocking the calling thread until it is its turn, in
 * the same queue as asynchronous requests. Meant for worker threads.
 *
 * Returns: %TRUE if a permit is now held; %FALSE, with @error set, if
 *   @cancellable was cancelled first and nothing is held
 *
 * Since: 1.0
 */
gboolean
fifo_semaphore_acquire (FifoSemaphore  *self,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_return_val_if_fail (FIFO_IS_SEMAPHORE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_outcome_propagate (&acquire_op, fifo_wait_queue_submit_sync (&self->queue, &acquire_op, NULL, cancellable, NULL),
                                 error);
}

/**
 * fifo_semaphore_try_acquire:
 * @self: a `FifoSemaphore`
 *
 * Takes a permit only if one is available and nobody is queued.
 *
 * Returns: %TRUE if a permit is now held
 *
 * Since: 1.0
 */
gboolean
fifo_semaphore_try_acquire (FifoSemaphore *self)
{
  gboolean acquired = FALSE;

  g_return_val_if_fail (FIFO_IS_SEMAPHORE (self), FALSE);

  fifo_wait_queue_lock (&self->queue);
  if (self->value > 0 && fifo_wait_queue_is_empty (&self->queue))
    {
      self->value--;
      acquired = TRUE;
      FIFO_TRACE (fifo_trace_hold (&self->queue, NULL));
    }
  fifo_wait_queue_unlock (&self->queue);

  return acquired;
}

/**
 * fifo_semaphore_release:
 * @self: a `FifoSemaphore`
 *
 * Returns a permit, handing it to the next queued request if there is one.
 *
 * Releasing a bounded semaphore whose permits are all available is a
 * programmer error and changes nothing; so is releasing a semaphore that
 * already has %G_MAXUINT permits available, the most it can count.
 *
 * Since: 1.0
 */
void
fifo_semaphore_release (FifoSemaphore *self)
{
  gboolean over_bound, full;

  g_return_if_fail (FIFO_IS_SEMAPHORE (self));

  fifo_wait_queue_lock (&self->queue);
  over_bound = self->bounded && self->value >= self->bound;
  full = self->value == G_MAXUINT;
  if (!over_bound && !full)
    {
      self->value++;
      FIFO_TRACE (fifo_trace_release (&self->queue, NULL));
      fifo_semaphore_serve (self);
    }
  fifo_wait_queue_unlock (&self->queue);

  if (over_bound || full)
    {
      g_autofree char *description = fifo_object_describe (G_OBJECT (self));

      if (over_bound)
        g_critical ("%s: bounded %s released too many times (its bound is %u)",
                    G_STRFUNC, description, self->bound);
      else
        g_critical ("%s: %s already has G_MAXUINT permits, the most it can count",
                    G_STRFUNC, description);
    }
}

/**
 * fifo_semaphore_get_value: (get-property value)
 * @self: a `FifoSemaphore`
 *
 * Counts the permits available now.
 *
 * Returns: the number of available permits
 *
 * Since: 1.0
 */
guint
fifo_semaphore_get_value (FifoSemaphore *self)
{
  guint value;

  g_return_val_if_fail (FIFO_IS_SEMAPHORE (self), 0);

  fifo_wait_queue_lock (&self->queue);
  value = self->value;
  fifo_wait_queue_unlock (&self->queue);

  return value;
}

/**
 * fifo_semaphore_is_bounded:
 * @self: a `FifoSemaphore`
 *
 * Tells whether the semaphore refuses releases beyond its initial value,
 * that is whether it was made by [ctor@Fifo.Semaphore.new_bounded].
 *
 * Returns: %TRUE for a bounded semaphore
 *
 * Since: 1.0
 */
gboolean
fifo_semaphore_is_bounded (FifoSemaphore *self)
{
  g_return_val_if_fail (FIFO_IS_SEMAPHORE (self), FALSE);

  return self->bounded;
}

/**
 * fifo_semaphore_get_n_waiting: (get-property n-waiting)
 * @self: a `FifoSemaphore`
 *
 * Counts the requests queued and not yet granted.
 *
 * Returns: the number of waiting requests
 *
 * Since: 1.0
 */
guint
fifo_semaphore_get_n_waiting (FifoSemaphore *self)
{
  g_return_val_if_fail (FIFO_IS_SEMAPHORE (self), 0);

  return fifo_wait_queue_get_length (&self->queue);
}

/**
 * fifo_semaphore_get_name: (get-property name)
 * @self: a `FifoSemaphore`
 *
 * Gets the semaphore's name. Another thread may change it meanwhile: this is a
 * copy.
 *
 * Returns: (transfer full) (nullable): a copy of the name, or %NULL
 *
 * Since: 1.0
 */
char *
fifo_semaphore_get_name (FifoSemaphore *self)
{
  g_return_val_if_fail (FIFO_IS_SEMAPHORE (self), NULL);

  return fifo_object_dup_name (G_OBJECT (self));
}

/**
 * fifo_semaphore_set_name: (set-property name)
 * @self: a `FifoSemaphore`
 * @name: (nullable): the new name, or %NULL for none
 *
 * Names the semaphore, for criticals, debug messages and traces. Any thread
 * may call it, also while others use the semaphore.
 *
 * Since: 1.0
 */
void
fifo_semaphore_set_name (FifoSemaphore *self,
                         const char    *name)
{
  g_return_if_fail (FIFO_IS_SEMAPHORE (self));

  if (fifo_object_set_name (G_OBJECT (self), name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}
