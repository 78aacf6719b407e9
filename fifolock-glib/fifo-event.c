/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-event.h"
#include "fifo-result-private.h"
#include "fifo-trace-private.h"
#include "fifo-wait-queue-private.h"

/**
 * FifoEvent:
 *
 * A flag that operations can wait for: the equivalent of Python's
 * `asyncio.Event`.
 *
 * [method@Fifo.Event.set] sets the flag and wakes every current waiter, in
 * the order they started waiting. While the flag is set,
 * [method@Fifo.Event.wait_async] completes without waiting — from the main
 * loop, never from within the call, like every completion. [method@Fifo.Event.clear]
 * resets the flag; waiters already woken stay woken.
 *
 * A waiter woken but cancelled before its callback ran reports the
 * cancellation, as asyncio's would.
 *
 * In C:
 *
 * ```c
 * static void
 * on_set (GObject *source, GAsyncResult *result, gpointer user_data)
 * {
 *   g_autoptr(GError) error = NULL;
 *
 *   if (fifo_event_wait_finish (FIFO_EVENT (source), result, &error))
 *     g_print ("the event is set\n");
 * }
 *
 * g_autoptr(FifoEvent) event = fifo_event_new ();
 *
 * fifo_event_wait_async (event, NULL, on_set, NULL);
 * fifo_event_set (event);  // wakes every waiter, in order
 * ```
 *
 * In JavaScript:
 *
 * ```js
 * Gio._promisify(Fifo.Event.prototype, 'wait_async', 'wait_finish');
 *
 * const event = new Fifo.Event();
 * const woken = event.wait_async(null);
 * event.set();
 * await woken;
 * ```
 *
 * Since: 1.0
 */

struct _FifoEvent
{
  GObject        parent_instance;
  FifoWaitQueue  queue;
  gboolean       is_set;
  gboolean       notified_is_set;
};

enum {
  PROP_0,
  PROP_IS_SET,
  PROP_N_WAITING,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define CHANGED_IS_SET FIFO_WAIT_QUEUE_CHANGED_POLICY (0)

G_DEFINE_FINAL_TYPE (FifoEvent, fifo_event, G_TYPE_OBJECT)

#define FIFO_EVENT_OF(queue) ((FifoEvent *) (queue)->owner)

static void
fifo_event_admit (FifoWaitQueue *queue,
                  FifoWaiter    *waiter)
{
  if (FIFO_EVENT_OF (queue)->is_set)
    fifo_waiter_complete (queue, waiter, FIFO_OUTCOME_SUCCESS);
  else
    fifo_wait_queue_push_tail (queue, waiter);
}

/* Nothing to hand on: a woken waiter may simply report its cancellation. */
static void
fifo_event_revoke (FifoWaitQueue *queue,
                   FifoWaiter    *waiter)
{
}

static guint
fifo_event_collect (FifoWaitQueue *queue)
{
  FifoEvent *self = FIFO_EVENT_OF (queue);
  guint changed = 0;

  if (self->is_set != self->notified_is_set)
    {
      self->notified_is_set = self->is_set;
      changed |= CHANGED_IS_SET;
    }

  return changed;
}

static void
fifo_event_notify (FifoWaitQueue *queue,
                   GObject       *owner,
                   guint          changed)
{
  if (changed & CHANGED_IS_SET)
    g_object_notify_by_pspec (owner, properties[PROP_IS_SET]);
  if (changed & FIFO_WAIT_QUEUE_CHANGED_LENGTH)
    g_object_notify_by_pspec (owner, properties[PROP_N_WAITING]);
}

static const FifoWaitQueueClass fifo_event_queue_class = {
  .admit = fifo_event_admit,
  .revoke = fifo_event_revoke,
  .collect = fifo_event_collect,
  .notify = fifo_event_notify,
};

static const FifoOperation wait_op = { (gpointer) fifo_event_wait_async, &fifo_event_queue_class, NULL };

static void
fifo_event_finalize (GObject *object)
{
  FifoEvent *self = FIFO_EVENT (object);

  fifo_wait_queue_clear (&self->queue);

  G_OBJECT_CLASS (fifo_event_parent_class)->finalize (object);
}

static void
fifo_event_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FifoEvent *self = FIFO_EVENT (object);

  switch (prop_id)
    {
    case PROP_IS_SET:
      g_value_set_boolean (value, fifo_event_get_is_set (self));
      break;

    case PROP_N_WAITING:
      g_value_set_uint (value, fifo_event_get_n_waiting (self));
      break;

    case PROP_NAME:
      g_value_take_string (value, fifo_event_get_name (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_event_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  FifoEvent *self = FIFO_EVENT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      fifo_event_set_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_event_class_init (FifoEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fifo_event_finalize;
  object_class->get_property = fifo_event_get_property;
  object_class->set_property = fifo_event_set_property;

  /**
   * FifoEvent:is-set: (getter get_is_set)
   *
   * Whether the flag is set.
   *
   * Since: 1.0
   */
  properties[PROP_IS_SET] =
    g_param_spec_boolean ("is-set", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoEvent:n-waiting: (getter get_n_waiting)
   *
   * The number of operations waiting for the flag.
   *
   * Since: 1.0
   */
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoEvent:name: (getter get_name) (setter set_name)
   *
   * A name for the event, or %NULL (the default): it names the event in
   * criticals, debug messages and traces ([Debugging](debugging.html)).
   *
   * Since: 1.0
   */
  properties[PROP_NAME] = fifo_name_param_spec_new ();

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fifo_event_init (FifoEvent *self)
{
  fifo_wait_queue_init (&self->queue, &fifo_event_queue_class, G_OBJECT (self));
}

/**
 * fifo_event_new:
 *
 * Creates an event whose flag is not set.
 *
 * Returns: (transfer full): a new `FifoEvent`
 *
 * Since: 1.0
 */
FifoEvent *
fifo_event_new (void)
{
  return g_object_new (FIFO_TYPE_EVENT, NULL);
}

/**
 * fifo_event_wait_async:
 * @self: a `FifoEvent`
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async) (closure user_data): called once the flag is set or the wait
 *   cancelled
 * @user_data: data for @callback
 *
 * Waits for the flag to be set. @callback runs exactly once, in the
 * thread-default main context of the calling thread, from its main loop,
 * never from within this call, even when the flag is set now. Call
 * [method@Fifo.Event.wait_finish] from it.
 *
 * Since: 1.0
 */
void
fifo_event_wait_async (FifoEvent           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (FIFO_IS_EVENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  fifo_wait_queue_submit (&self->queue, &wait_op, NULL, FALSE,
                          cancellable, callback, user_data);
}

/**
 * fifo_event_wait_finish:
 * @self: a `FifoEvent`
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Event.wait_async].
 *
 * Returns: %TRUE once the flag was set; %FALSE, with @error set, if the
 *   wait was cancelled
 *
 * Since: 1.0
 */
gboolean
fifo_event_wait_finish (FifoEvent     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (FIFO_IS_EVENT (self), FALSE);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_event_wait_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_async_result_propagate (result, NULL, error);
}

/**
 * fifo_event_wait:
 * @self: a `FifoEvent`
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Waits for the flag to be set, blocking the calling thread. Meant for
 * worker threads.
 *
 * Returns: %TRUE once the flag was set; %FALSE, with @error set, if
 *   @cancellable was cancelled first
 *
 * Since: 1.0
 */
gboolean
fifo_event_wait (FifoEvent     *self,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_return_val_if_fail (FIFO_IS_EVENT (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_outcome_propagate (&wait_op, fifo_wait_queue_submit_sync (&self->queue, &wait_op, NULL, cancellable, NULL),
                                 error);
}

/**
 * fifo_event_set:
 * @self: a `FifoEvent`
 *
 * Sets the flag and wakes every waiter, in the order they started waiting.
 * Their callbacks run later, each in its own main context. Setting a flag
 * that is set does nothing.
 *
 * Since: 1.0
 */
void
fifo_event_set (FifoEvent *self)
{
  g_return_if_fail (FIFO_IS_EVENT (self));

  fifo_wait_queue_lock (&self->queue);
  if (!self->is_set)
    {
      self->is_set = TRUE;
      fifo_wait_queue_complete_all (&self->queue, FIFO_OUTCOME_SUCCESS);
    }
  fifo_wait_queue_unlock (&self->queue);
}

/**
 * fifo_event_clear:
 * @self: a `FifoEvent`
 *
 * Resets the flag: later waits wait again. Waiters already woken by
 * [method@Fifo.Event.set] still complete successfully.
 *
 * Since: 1.0
 */
void
fifo_event_clear (FifoEvent *self)
{
  g_return_if_fail (FIFO_IS_EVENT (self));

  fifo_wait_queue_lock (&self->queue);
  self->is_set = FALSE;
  fifo_wait_queue_unlock (&self->queue);
}

/**
 * fifo_event_get_is_set: (get-property is-set)
 * @self: a `FifoEvent`
 *
 * Tells whether the flag is set.
 *
 * Returns: %TRUE if the flag is set
 *
 * Since: 1.0
 */
gboolean
fifo_event_get_is_set (FifoEvent *self)
{
  gboolean is_set;

  g_return_val_if_fail (FIFO_IS_EVENT (self), FALSE);

  fifo_wait_queue_lock (&self->queue);
  is_set = self->is_set;
  fifo_wait_queue_unlock (&self->queue);

  return is_set;
}

/**
 * fifo_event_get_n_waiting: (get-property n-waiting)
 * @self: a `FifoEvent`
 *
 * Counts the operations waiting for the flag.
 *
 * Returns: the number of waiting operations
 *
 * Since: 1.0
 */
guint
fifo_event_get_n_waiting (FifoEvent *self)
{
  g_return_val_if_fail (FIFO_IS_EVENT (self), 0);

  return fifo_wait_queue_get_length (&self->queue);
}

/**
 * fifo_event_get_name: (get-property name)
 * @self: a `FifoEvent`
 *
 * Gets the event's name. Another thread may change it meanwhile: this is a
 * copy.
 *
 * Returns: (transfer full) (nullable): a copy of the name, or %NULL
 *
 * Since: 1.0
 */
char *
fifo_event_get_name (FifoEvent *self)
{
  g_return_val_if_fail (FIFO_IS_EVENT (self), NULL);

  return fifo_object_dup_name (G_OBJECT (self));
}

/**
 * fifo_event_set_name: (set-property name)
 * @self: a `FifoEvent`
 * @name: (nullable): the new name, or %NULL for none
 *
 * Names the event, for criticals, debug messages and traces. Any thread
 * may call it, also while others use the event.
 *
 * Since: 1.0
 */
void
fifo_event_set_name (FifoEvent  *self,
                     const char *name)
{
  g_return_if_fail (FIFO_IS_EVENT (self));

  if (fifo_object_set_name (G_OBJECT (self), name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}
