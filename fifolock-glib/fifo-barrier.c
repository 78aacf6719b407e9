/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-barrier.h"
#include "fifo-error.h"
#include "fifo-i18n-private.h"
#include "fifo-result-private.h"
#include "fifo-trace-private.h"
#include "fifo-wait-queue-private.h"

/**
 * FifoBarrier:
 *
 * A meeting point for a fixed number of parties: the equivalent of Python's
 * `asyncio.Barrier`.
 *
 * Each [method@Fifo.Barrier.wait_async] waits until
 * [property@Fifo.Barrier:parties] waits have arrived; then all of them
 * complete, each with its arrival index, 0 for the first to arrive up to
 * `parties - 1` for the last, and the barrier is ready for the next cycle.
 *
 * [method@Fifo.Barrier.abort] breaks the barrier: the waiting and all later
 * waits fail with %FIFO_ERROR_BROKEN_BARRIER until [method@Fifo.Barrier.reset],
 * which fails the waiting ones likewise and starts a fresh cycle. A cancelled
 * waiter simply leaves the cycle, without breaking it.
 *
 * Unlike asyncio's, a cycle completes atomically when its last party
 * arrives: there is no draining phase in which a reset or an abort could
 * still fail parties that have already passed, and a party may wait again at
 * once, joining the next cycle. A party whose cycle completed cannot be
 * cancelled any more: the cycle has happened.
 *
 * In C:
 *
 * ```c
 * static void
 * on_passed (GObject *source, GAsyncResult *result, gpointer user_data)
 * {
 *   g_autoptr(GError) error = NULL;
 *   int index = fifo_barrier_wait_finish (FIFO_BARRIER (source), result, &error);
 *
 *   if (index >= 0)
 *     g_print ("%s passed, arrival %d\n", (const char *) user_data, index);
 * }
 *
 * g_autoptr(FifoBarrier) barrier = fifo_barrier_new (2);
 *
 * fifo_barrier_wait_async (barrier, NULL, on_passed, "first");   // waits for a second party
 * fifo_barrier_wait_async (barrier, NULL, on_passed, "second");  // both pass
 * ```
 *
 * In Python:
 *
 * ```python
 * barrier = Fifo.Barrier.new(2)
 *
 * def on_passed(barrier, result, name):
 *     print(name, 'passed, arrival', barrier.wait_finish(result))
 *
 * barrier.wait_async(None, on_passed, 'first')   # waits for a second party
 * barrier.wait_async(None, on_passed, 'second')  # both pass
 * ```
 *
 * Since: 1.0
 */

struct _FifoBarrier
{
  GObject        parent_instance;
  FifoWaitQueue  queue;
  guint          parties;
  gboolean       broken;
  gboolean       notified_broken;
};

enum {
  PROP_0,
  PROP_PARTIES,
  PROP_N_WAITING,
  PROP_BROKEN,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define CHANGED_BROKEN FIFO_WAIT_QUEUE_CHANGED_POLICY (0)

/* The barrier's one failure. */
#define BROKEN FIFO_OUTCOME_FAILURE (0)

G_DEFINE_FINAL_TYPE (FifoBarrier, fifo_barrier, G_TYPE_OBJECT)

#define FIFO_BARRIER_OF(queue) ((FifoBarrier *) (queue)->owner)

static void
fifo_barrier_admit (FifoWaitQueue *queue,
                    FifoWaiter    *waiter)
{
  FifoBarrier *self = FIFO_BARRIER_OF (queue);
  FifoWaiter *head;
  gint64 index = 0;

  if (self->broken)
    {
      fifo_waiter_complete (queue, waiter, BROKEN);
      return;
    }

  fifo_wait_queue_push_tail (queue, waiter);
  if (queue->length < self->parties)
    return;

  /* The last party: the whole cycle passes, in arrival order. */
  while ((head = fifo_wait_queue_peek_head (queue)) != NULL)
    {
      head->data.value = index++;
      fifo_waiter_complete (queue, head, FIFO_OUTCOME_SUCCESS);
    }
}

static guint
fifo_barrier_collect (FifoWaitQueue *queue)
{
  FifoBarrier *self = FIFO_BARRIER_OF (queue);
  guint changed = 0;

  if (self->broken != self->notified_broken)
    {
      self->notified_broken = self->broken;
      changed |= CHANGED_BROKEN;
    }

  return changed;
}

static void
fifo_barrier_notify (FifoWaitQueue *queue,
                     GObject       *owner,
                     guint          changed)
{
  if (changed & FIFO_WAIT_QUEUE_CHANGED_LENGTH)
    g_object_notify_by_pspec (owner, properties[PROP_N_WAITING]);
  if (changed & CHANGED_BROKEN)
    g_object_notify_by_pspec (owner, properties[PROP_BROKEN]);
}

static void
fifo_barrier_set_error (guint    code,
                        GError **error)
{
  g_set_error_literal (error, FIFO_ERROR, FIFO_ERROR_BROKEN_BARRIER,
                       _("The barrier is broken"));
}

/* A cancelled party leaves the cycle (the default); a cycle that has
 * completed cannot be taken back, so there is no revoke. */
static const FifoWaitQueueClass fifo_barrier_queue_class = {
  .admit = fifo_barrier_admit,
  .collect = fifo_barrier_collect,
  .notify = fifo_barrier_notify,
  .set_error = fifo_barrier_set_error,
};

static const FifoOperation wait_op = { (gpointer) fifo_barrier_wait_async, &fifo_barrier_queue_class, NULL };

static void
fifo_barrier_finalize (GObject *object)
{
  FifoBarrier *self = FIFO_BARRIER (object);

  fifo_wait_queue_clear (&self->queue);

  G_OBJECT_CLASS (fifo_barrier_parent_class)->finalize (object);
}

static void
fifo_barrier_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FifoBarrier *self = FIFO_BARRIER (object);

  switch (prop_id)
    {
    case PROP_PARTIES:
      g_value_set_uint (value, self->parties);
      break;

    case PROP_N_WAITING:
      g_value_set_uint (value, fifo_barrier_get_n_waiting (self));
      break;

    case PROP_BROKEN:
      g_value_set_boolean (value, fifo_barrier_get_broken (self));
      break;

    case PROP_NAME:
      g_value_take_string (value, fifo_barrier_get_name (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_barrier_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FifoBarrier *self = FIFO_BARRIER (object);

  switch (prop_id)
    {
    case PROP_PARTIES:
      self->parties = g_value_get_uint (value);
      break;

    case PROP_NAME:
      fifo_barrier_set_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_barrier_class_init (FifoBarrierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fifo_barrier_finalize;
  object_class->get_property = fifo_barrier_get_property;
  object_class->set_property = fifo_barrier_set_property;

  /**
   * FifoBarrier:parties: (getter get_parties)
   *
   * How many waits make a cycle; at least 1, at most %G_MAXINT (an arrival
   * index is a `gint`).
   *
   * Since: 1.0
   */
  properties[PROP_PARTIES] =
    g_param_spec_uint ("parties", NULL, NULL, 1, G_MAXINT, 1,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoBarrier:n-waiting: (getter get_n_waiting)
   *
   * How many parties wait in the current cycle.
   *
   * Since: 1.0
   */
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoBarrier:broken: (getter get_broken)
   *
   * Whether the barrier was aborted and not reset since.
   *
   * Since: 1.0
   */
  properties[PROP_BROKEN] =
    g_param_spec_boolean ("broken", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoBarrier:name: (getter get_name) (setter set_name)
   *
   * A name for the barrier, or %NULL (the default): it names the barrier in
   * criticals, debug messages and traces ([Debugging](debugging.html)).
   *
   * Since: 1.0
   */
  properties[PROP_NAME] = fifo_name_param_spec_new ();

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fifo_barrier_init (FifoBarrier *self)
{
  fifo_wait_queue_init (&self->queue, &fifo_barrier_queue_class, G_OBJECT (self));
  self->parties = 1;
}

/**
 * fifo_barrier_new:
 * @parties: how many waits make a cycle; at least 1, at most %G_MAXINT
 *
 * Creates a barrier for @parties parties.
 *
 * Returns: (transfer full) (nullable): a new `FifoBarrier`, or %NULL if
 *   @parties is 0 or above %G_MAXINT
 *
 * Since: 1.0
 */
FifoBarrier *
fifo_barrier_new (guint parties)
{
  g_return_val_if_fail (parties > 0, NULL);
  /* Arrival indices are gint, and -1 is the error. */
  g_return_val_if_fail (parties <= G_MAXINT, NULL);

  return g_object_new (FIFO_TYPE_BARRIER, "parties", parties, NULL);
}

/**
 * fifo_barrier_wait_async:
 * @self: a `FifoBarrier`
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async) (closure user_data): called once the cycle completes, the barrier
 *   breaks or the wait is cancelled
 * @user_data: data for @callback
 *
 * Arrives at the barrier and waits for the rest of the cycle's parties.
 * @callback runs exactly once, in the thread-default main context of the
 * calling thread, from its main loop, never from within this call. Call
 * [method@Fifo.Barrier.wait_finish] from it.
 *
 * Since: 1.0
 */
void
fifo_barrier_wait_async (FifoBarrier         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (FIFO_IS_BARRIER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  fifo_wait_queue_submit (&self->queue, &wait_op, NULL, FALSE,
                          cancellable, callback, user_data);
}

/**
 * fifo_barrier_wait_finish:
 * @self: a `FifoBarrier`
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Barrier.wait_async].
 *
 * Returns: the arrival index of this party in its cycle, from 0 to
 *   `parties - 1`; or -1, with @error set to %FIFO_ERROR_BROKEN_BARRIER or
 *   %G_IO_ERROR_CANCELLED
 *
 * Since: 1.0
 */
gint
fifo_barrier_wait_finish (FifoBarrier   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  gint64 index = -1;

  g_return_val_if_fail (FIFO_IS_BARRIER (self), -1);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_barrier_wait_async), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (!fifo_async_result_propagate (result, &index, error))
    return -1;
  return (gint) index;
}

/**
 * fifo_barrier_wait:
 * @self: a `FifoBarrier`
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Like [method@Fifo.Barrier.wait_async], blocking the calling thread. Meant
 * for worker threads.
 *
 * Returns: the arrival index of this party in its cycle; or -1, with @error
 *   set
 *
 * Since: 1.0
 */
gint
fifo_barrier_wait (FifoBarrier   *self,
                   GCancellable  *cancellable,
                   GError       **error)
{
  FifoWaiterData delivered;
  FifoOutcome outcome;

  g_return_val_if_fail (FIFO_IS_BARRIER (self), -1);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  outcome = fifo_wait_queue_submit_sync (&self->queue, &wait_op, NULL, cancellable, &delivered);
  if (!fifo_outcome_propagate (&wait_op, outcome, error))
    return -1;
  return (gint) delivered.value;
}

/**
 * fifo_barrier_reset:
 * @self: a `FifoBarrier`
 *
 * Fails the parties waiting in the current cycle with
 * %FIFO_ERROR_BROKEN_BARRIER and starts a fresh cycle; a broken barrier is
 * whole again.
 *
 * Since: 1.0
 */
void
fifo_barrier_reset (FifoBarrier *self)
{
  g_return_if_fail (FIFO_IS_BARRIER (self));

  fifo_wait_queue_lock (&self->queue);
  fifo_wait_queue_complete_all (&self->queue, BROKEN);
  self->broken = FALSE;
  fifo_wait_queue_unlock (&self->queue);
}

/**
 * fifo_barrier_abort:
 * @self: a `FifoBarrier`
 *
 * Breaks the barrier: the waiting parties, and every later wait until
 * [method@Fifo.Barrier.reset], fail with %FIFO_ERROR_BROKEN_BARRIER.
 *
 * Since: 1.0
 */
void
fifo_barrier_abort (FifoBarrier *self)
{
  g_return_if_fail (FIFO_IS_BARRIER (self));

  fifo_wait_queue_lock (&self->queue);
  self->broken = TRUE;
  fifo_wait_queue_complete_all (&self->queue, BROKEN);
  fifo_wait_queue_unlock (&self->queue);
}

/**
 * fifo_barrier_get_parties: (get-property parties)
 * @self: a `FifoBarrier`
 *
 * Gets how many waits make a cycle.
 *
 * Returns: the number of parties
 *
 * Since: 1.0
 */
guint
fifo_barrier_get_parties (FifoBarrier *self)
{
  g_return_val_if_fail (FIFO_IS_BARRIER (self), 0);

  return self->parties;
}

/**
 * fifo_barrier_get_n_waiting: (get-property n-waiting)
 * @self: a `FifoBarrier`
 *
 * Counts the parties waiting in the current cycle.
 *
 * Returns: the number of waiting parties
 *
 * Since: 1.0
 */
guint
fifo_barrier_get_n_waiting (FifoBarrier *self)
{
  g_return_val_if_fail (FIFO_IS_BARRIER (self), 0);

  return fifo_wait_queue_get_length (&self->queue);
}

/**
 * fifo_barrier_get_broken: (get-property broken)
 * @self: a `FifoBarrier`
 *
 * Tells whether the barrier is broken.
 *
 * Returns: %TRUE if the barrier was aborted and not reset since
 *
 * Since: 1.0
 */
gboolean
fifo_barrier_get_broken (FifoBarrier *self)
{
  gboolean broken;

  g_return_val_if_fail (FIFO_IS_BARRIER (self), FALSE);

  fifo_wait_queue_lock (&self->queue);
  broken = self->broken;
  fifo_wait_queue_unlock (&self->queue);

  return broken;
}

/**
 * fifo_barrier_get_name: (get-property name)
 * @self: a `FifoBarrier`
 *
 * Gets the barrier's name. Another thread may change it meanwhile: this is a
 * copy.
 *
 * Returns: (transfer full) (nullable): a copy of the name, or %NULL
 *
 * Since: 1.0
 */
char *
fifo_barrier_get_name (FifoBarrier *self)
{
  g_return_val_if_fail (FIFO_IS_BARRIER (self), NULL);

  return fifo_object_dup_name (G_OBJECT (self));
}

/**
 * fifo_barrier_set_name: (set-property name)
 * @self: a `FifoBarrier`
 * @name: (nullable): the new name, or %NULL for none
 *
 * Names the barrier, for criticals, debug messages and traces. Any thread
 * may call it, also while others use the barrier.
 *
 * Since: 1.0
 */
void
fifo_barrier_set_name (FifoBarrier *self,
                       const char  *name)
{
  g_return_if_fail (FIFO_IS_BARRIER (self));

  if (fifo_object_set_name (G_OBJECT (self), name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}
