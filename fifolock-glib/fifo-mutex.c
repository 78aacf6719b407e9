/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-mutex-private.h"
#include "fifo-result-private.h"
#include "fifo-trace-private.h"

/**
 * FifoMutex:
 *
 * A mutual-exclusion lock granted strictly first in, first out: the
 * equivalent of Python's `asyncio.Lock`, for the main loop and threads.
 *
 * [method@Fifo.Mutex.acquire_async] completes once every earlier request has
 * released the mutex; a new request never barges past the queue, not even at
 * the instant of a release (the mutex passes straight to the next waiter).
 * Like `asyncio.Lock`, the mutex is not owned: any code may release it.
 *
 * Callbacks run in the thread-default main context of the thread that called
 * [method@Fifo.Mutex.acquire_async], from its main loop, never inside the
 * call that caused them.
 * Every function is thread-safe; [property@Fifo.Mutex:locked] is notified
 * from the thread that changed it.
 *
 * In C:
 *
 * ```c
 * static void
 * on_acquired (GObject *source, GAsyncResult *result, gpointer user_data)
 * {
 *   FifoMutex *mutex = FIFO_MUTEX (source);
 *   g_autoptr(GError) error = NULL;
 *
 *   if (fifo_mutex_acquire_finish (mutex, result, &error))
 *     {
 *       // … the mutex is ours …
 *       fifo_mutex_release (mutex);  // hands it to the next in line
 *     }
 * }
 *
 * g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
 *
 * fifo_mutex_acquire_async (mutex, NULL, on_acquired, NULL);
 * fifo_mutex_acquire_async (mutex, NULL, on_acquired, NULL);  // granted after the first
 * ```
 *
 * In JavaScript:
 *
 * ```js
 * Gio._promisify(Fifo.Mutex.prototype, 'acquire_async', 'acquire_finish');
 *
 * const mutex = new Fifo.Mutex();
 * await mutex.acquire_async(null);
 * try {
 *     // … the mutex is ours …
 * } finally {
 *     mutex.release();
 * }
 * ```
 *
 * Since: 1.0
 */

struct _FifoMutex
{
  GObject        parent_instance;
  FifoWaitQueue  queue;
  gboolean       locked;
  gboolean       notified_locked;
};

enum {
  PROP_0,
  PROP_LOCKED,
  PROP_N_WAITING,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define CHANGED_LOCKED FIFO_WAIT_QUEUE_CHANGED_POLICY (0)

G_DEFINE_FINAL_TYPE (FifoMutex, fifo_mutex, G_TYPE_OBJECT)

#define FIFO_MUTEX_OF(queue) ((FifoMutex *) (queue)->owner)

/* Locked. Hands the free mutex to the head of the queue. */
static void
fifo_mutex_serve (FifoMutex *self)
{
  FifoWaiter *head = fifo_wait_queue_peek_head (&self->queue);

  if (!self->locked && head != NULL)
    {
      self->locked = TRUE;
      fifo_waiter_complete (&self->queue, head, FIFO_OUTCOME_SUCCESS);
    }
}

static void
fifo_mutex_admit (FifoWaitQueue *queue,
                  FifoWaiter    *waiter)
{
  FifoMutex *self = FIFO_MUTEX_OF (queue);

  if (!self->locked && fifo_wait_queue_is_empty (queue))
    {
      self->locked = TRUE;
      fifo_waiter_complete (queue, waiter, FIFO_OUTCOME_SUCCESS);
    }
  else
    {
      fifo_wait_queue_push_tail (queue, waiter);
    }
}

static void
fifo_mutex_serve_queue (FifoWaitQueue *queue)
{
  fifo_mutex_serve (FIFO_MUTEX_OF (queue));
}

static void
fifo_mutex_revoke (FifoWaitQueue *queue,
                   FifoWaiter    *waiter)
{
  FIFO_MUTEX_OF (queue)->locked = FALSE;
}

static guint
fifo_mutex_collect (FifoWaitQueue *queue)
{
  FifoMutex *self = FIFO_MUTEX_OF (queue);
  guint changed = 0;

  if (self->locked != self->notified_locked)
    {
      self->notified_locked = self->locked;
      changed |= CHANGED_LOCKED;
    }

  return changed;
}

static void
fifo_mutex_notify (FifoWaitQueue *queue,
                   GObject       *owner,
                   guint          changed)
{
  if (changed & CHANGED_LOCKED)
    g_object_notify_by_pspec (owner, properties[PROP_LOCKED]);
  if (changed & FIFO_WAIT_QUEUE_CHANGED_LENGTH)
    g_object_notify_by_pspec (owner, properties[PROP_N_WAITING]);
}

static const FifoWaitQueueClass fifo_mutex_queue_class = {
  .admit = fifo_mutex_admit,
  .serve = fifo_mutex_serve_queue,
  .revoke = fifo_mutex_revoke,
  .collect = fifo_mutex_collect,
  .notify = fifo_mutex_notify,
};

static const FifoOperation acquire_op = { (gpointer) fifo_mutex_acquire_async, &fifo_mutex_queue_class, NULL };

FifoWaitQueue *
fifo_mutex_get_wait_queue (FifoMutex *self)
{
  return &self->queue;
}

gboolean
fifo_mutex_release_locked (FifoMutex *self)
{
  if (!self->locked)
    return FALSE;

  self->locked = FALSE;
  FIFO_TRACE (fifo_trace_release (&self->queue, NULL));
  fifo_mutex_serve (self);
  return TRUE;
}

static void
fifo_mutex_finalize (GObject *object)
{
  FifoMutex *self = FIFO_MUTEX (object);

  fifo_wait_queue_clear (&self->queue);

  G_OBJECT_CLASS (fifo_mutex_parent_class)->finalize (object);
}

static void
fifo_mutex_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FifoMutex *self = FIFO_MUTEX (object);

  switch (prop_id)
    {
    case PROP_LOCKED:
      g_value_set_boolean (value, fifo_mutex_get_locked (self));
      break;

    case PROP_N_WAITING:
      g_value_set_uint (value, fifo_mutex_get_n_waiting (self));
      break;

    case PROP_NAME:
      g_value_take_string (value, fifo_mutex_get_name (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_mutex_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  FifoMutex *self = FIFO_MUTEX (object);

  switch (prop_id)
    {
    case PROP_NAME:
      fifo_mutex_set_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_mutex_class_init (FifoMutexClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fifo_mutex_finalize;
  object_class->get_property = fifo_mutex_get_property;
  object_class->set_property = fifo_mutex_set_property;

  /**
   * FifoMutex:locked: (getter get_locked)
   *
   * Whether the mutex is held. While requests wait, the mutex passes from
   * one to the next without becoming unlocked in between.
   *
   * Since: 1.0
   */
  properties[PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoMutex:n-waiting: (getter get_n_waiting)
   *
   * The number of requests queued and not yet granted.
   *
   * Since: 1.0
   */
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoMutex:name: (getter get_name) (setter set_name)
   *
   * A name for the mutex, or %NULL (the default): it names the mutex in
   * criticals, debug messages and traces ([Debugging](debugging.html)).
   *
   * Since: 1.0
   */
  properties[PROP_NAME] = fifo_name_param_spec_new ();

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fifo_mutex_init (FifoMutex *self)
{
  fifo_wait_queue_init (&self->queue, &fifo_mutex_queue_class, G_OBJECT (self));
}

/**
 * fifo_mutex_new:
 *
 * Creates an unlocked mutex.
 *
 * Returns: (transfer full): a new `FifoMutex`
 *
 * Since: 1.0
 */
FifoMutex *
fifo_mutex_new (void)
{
  return g_object_new (FIFO_TYPE_MUTEX, NULL);
}

/**
 * fifo_mutex_acquire_async:
 * @self: a `FifoMutex`
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async) (closure user_data): called once the mutex is acquired or the request
 *   cancelled
 * @user_data: data for @callback
 *
 * Queues a request for the mutex. @callback runs exactly once, in the
 * thread-default main context of the calling thread, from its main loop,
 * never from within this call, even when the mutex is free now. Call
 * [method@Fifo.Mutex.acquire_finish] from it.
 *
 * If @cancellable is cancelled before the mutex was handed over, the request
 * fails with %G_IO_ERROR_CANCELLED and holds nothing; a mutex it had already
 * been handed passes on to the next request.
 *
 * Since: 1.0
 */
void
fifo_mutex_acquire_async (FifoMutex           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (FIFO_IS_MUTEX (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  fifo_wait_queue_submit (&self->queue, &acquire_op, NULL, FALSE,
                          cancellable, callback, user_data);
}

/**
 * fifo_mutex_acquire_finish:
 * @self: a `FifoMutex`
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Mutex.acquire_async].
 *
 * Returns: %TRUE if the mutex is now held; %FALSE, with @error set, if the
 *   request was cancelled and nothing is held
 *
 * Since: 1.0
 */
gboolean
fifo_mutex_acquire_finish (FifoMutex     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (FIFO_IS_MUTEX (self), FALSE);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_mutex_acquire_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_async_result_propagate (result, NULL, error);
}

/**
 * fifo_mutex_acquire:
 * @self: a `FifoMutex`
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Acquires the mutex, blocking the calling thread until it is its turn, in
 * the same queue as asynchronous requests. Meant for worker threads; never
 * call it from a thread whose main loop must run for the mutex to be
 * released.
 *
 * Returns: %TRUE if the mutex is now held; %FALSE, with @error set, if
 *   @cancellable was cancelled first and nothing is held
 *
 * Since: 1.0
 */
gboolean
fifo_mutex_acquire (FifoMutex     *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (FIFO_IS_MUTEX (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_outcome_propagate (&acquire_op, fifo_wait_queue_submit_sync (&self->queue, &acquire_op, NULL, cancellable, NULL),
                                 error);
}

/**
 * fifo_mutex_try_acquire:
 * @self: a `FifoMutex`
 *
 * Acquires the mutex only if it is free and nobody is queued for it.
 *
 * Returns: %TRUE if the mutex is now held
 *
 * Since: 1.0
 */
gboolean
fifo_mutex_try_acquire (FifoMutex *self)
{
  gboolean acquired = FALSE;

  g_return_val_if_fail (FIFO_IS_MUTEX (self), FALSE);

  fifo_wait_queue_lock (&self->queue);
  if (!self->locked && fifo_wait_queue_is_empty (&self->queue))
    {
      self->locked = acquired = TRUE;
      FIFO_TRACE (fifo_trace_hold (&self->queue, NULL));
    }
  fifo_wait_queue_unlock (&self->queue);

  return acquired;
}

/**
 * fifo_mutex_release:
 * @self: a `FifoMutex`
 *
 * Releases the mutex, handing it to the next queued request if there is
 * one. Its callback runs later, in its own main context.
 *
 * Releasing a mutex that is not locked is a programmer error.
 *
 * Since: 1.0
 */
void
fifo_mutex_release (FifoMutex *self)
{
  gboolean released;

  g_return_if_fail (FIFO_IS_MUTEX (self));

  fifo_wait_queue_lock (&self->queue);
  released = fifo_mutex_release_locked (self);
  fifo_wait_queue_unlock (&self->queue);

  if (!released)
    {
      g_autofree char *description = fifo_object_describe (G_OBJECT (self));

      g_critical ("%s: %s is not locked", G_STRFUNC, description);
    }
}

/**
 * fifo_mutex_get_locked: (get-property locked)
 * @self: a `FifoMutex`
 *
 * Tells whether the mutex is held.
 *
 * Returns: %TRUE if the mutex is held
 *
 * Since: 1.0
 */
gboolean
fifo_mutex_get_locked (FifoMutex *self)
{
  gboolean locked;

  g_return_val_if_fail (FIFO_IS_MUTEX (self), FALSE);

  fifo_wait_queue_lock (&self->queue);
  locked = self->locked;
  fifo_wait_queue_unlock (&self->queue);

  return locked;
}

/**
 * fifo_mutex_get_n_waiting: (get-property n-waiting)
 * @self: a `FifoMutex`
 *
 * Counts the requests queued and not yet granted.
 *
 * Returns: the number of waiting requests
 *
 * Since: 1.0
 */
guint
fifo_mutex_get_n_waiting (FifoMutex *self)
{
  g_return_val_if_fail (FIFO_IS_MUTEX (self), 0);

  return fifo_wait_queue_get_length (&self->queue);
}

/**
 * fifo_mutex_get_name: (get-property name)
 * @self: a `FifoMutex`
 *
 * Gets the mutex's name. Another thread may change it meanwhile: this is a
 * copy.
 *
 * Returns: (transfer full) (nullable): a copy of the name, or %NULL
 *
 * Since: 1.0
 */
char *
fifo_mutex_get_name (FifoMutex *self)
{
  g_return_val_if_fail (FIFO_IS_MUTEX (self), NULL);

  return fifo_object_dup_name (G_OBJECT (self));
}

/**
 * fifo_mutex_set_name: (set-property name)
 * @self: a `FifoMutex`
 * @name: (nullable): the new name, or %NULL for none
 *
 * Names the mutex, for criticals, debug messages and traces. Any thread
 * may call it, also while others use the mutex.
 *
 * Since: 1.0
 */
void
fifo_mutex_set_name (FifoMutex  *self,
                     const char *name)
{
  g_return_if_fail (FIFO_IS_MUTEX (self));

  if (fifo_object_set_name (G_OBJECT (self), name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}
