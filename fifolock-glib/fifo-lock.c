/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-lock.h"
#include "fifo-lock-holds-private.h"
#include "fifo-lock-mode-private.h"
#include "fifo-result-private.h"
#include "fifo-trace-private.h"
#include "fifo-wait-queue-private.h"

/**
 * FifoLock:
 *
 * A lock with modes, granted strictly first in, first out.
 *
 * Each request names a [iface@Fifo.LockMode]. The request at the head of
 * the queue is granted as soon as its mode's
 * [vfunc@Fifo.LockMode.is_compatible] accepts what the lock holds; a request
 * is never granted while an earlier one still waits, even if its own mode
 * would be compatible. With [class@Fifo.ExclusiveMode] it is a mutex, with
 * [class@Fifo.SharedMode] beside it a read/write lock in which a waiting
 * writer holds back later readers, with [class@Fifo.SemaphoreMode] a
 * counting semaphore — and any rule a mode of your own expresses.
 *
 * Callbacks run in the thread-default main context of the thread that
 * called [method@Fifo.Lock.acquire_async], from its main loop, never inside
 * the call that caused them. Every function is
 * thread-safe. [Semantics](semantics.html) tells the whole story: strict
 * FIFO, callbacks, cancellation, threads.
 *
 * A writer queued behind a reader, in C:
 *
 * ```c
 * static void
 * on_acquired (GObject *source, GAsyncResult *result, gpointer user_data)
 * {
 *   FifoLock *lock = FIFO_LOCK (source);
 *   FifoLockMode *write = user_data;
 *   g_autoptr(GError) error = NULL;
 *
 *   if (!fifo_lock_acquire_finish (lock, result, &error))
 *     return;  // cancelled: nothing is held
 *
 *   // … write …
 *   fifo_lock_release (lock, write);
 * }
 *
 * g_autoptr(FifoLock) lock = fifo_lock_new ();
 * g_autoptr(FifoLockMode) read = fifo_shared_mode_new ();
 * g_autoptr(FifoLockMode) write = fifo_exclusive_mode_new ();
 *
 * fifo_lock_try_acquire (lock, read);                              // granted at once
 * fifo_lock_acquire_async (lock, write, NULL, on_acquired, write);  // waits for the reader
 * fifo_lock_release (lock, read);                                  // the writer's turn
 * ```
 *
 * In Python:
 *
 * ```python
 * lock = Fifo.Lock()
 * read, write = Fifo.SharedMode(), Fifo.ExclusiveMode()
 *
 * def on_acquired(lock, result):
 *     lock.acquire_finish(result)  # raises GLib.Error if cancelled
 *     # … write …
 *     lock.release(write)
 *
 * lock.try_acquire(read)                        # granted at once
 * lock.acquire_async(write, None, on_acquired)  # waits for the reader
 * lock.release(read)                            # the writer's turn
 * ```
 *
 * Since: 1.0
 */

struct _FifoLock
{
  GObject                       parent_instance;
  FifoWaitQueue                 queue;
  FifoLockHolds                *holds;
  const FifoLockModeClassCache *mode_class;  /* atomic */
};

#define FIFO_IS_LOCK_MODE_OF(self, mode) \
  (fifo_lock_mode_peek_iface ((mode), &(self)->mode_class) != NULL)

enum {
  PROP_0,
  PROP_N_WAITING,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FifoLock, fifo_lock, G_TYPE_OBJECT)

#define FIFO_LOCK_OF(queue) ((FifoLock *) (queue)->owner)

/* Locked. Asks @mode, and makes sure nobody else can see the holds change
 * afterwards: if the mode kept them, they become its snapshot. */
static gboolean
fifo_lock_ask (FifoLock              *self,
               FifoLockMode          *mode,
               FifoLockModeInterface *iface)
{
  gboolean compatible;

  /* A request's mode was checked when it was made; NULL only if that
   * check is ever lost, and then the mode is never compatible. */
  if (G_UNLIKELY (iface == NULL || iface->is_compatible == NULL ||
                  fifo_lock_holds_is_full (self->holds)))
    return FALSE;

  compatible = iface->is_compatible (mode, self->holds);

  if (G_UNLIKELY (fifo_lock_holds_is_kept (self->holds)))
    {
      FifoLockHolds *kept = g_steal_pointer (&self->holds);

      self->holds = fifo_lock_holds_copy (kept);
      fifo_lock_holds_release (kept);
    }

  return compatible;
}

static gboolean
fifo_lock_is_compatible (FifoLock     *self,
                         FifoLockMode *mode)
{
  return fifo_lock_ask (self, mode, fifo_lock_mode_peek_iface (mode, &self->mode_class));
}

/* Locked. Grants from the head for as long as the head is compatible. */
static void
fifo_lock_serve (FifoLock *self)
{
  FifoWaiter *head;

  while ((head = fifo_wait_queue_peek_head (&self->queue)) != NULL &&
         fifo_lock_is_compatible (self, head->data.pointer))
    {
      fifo_lock_holds_add (self->holds, head->data.pointer);
      fifo_waiter_complete (&self->queue, head, FIFO_OUTCOME_SUCCESS);
    }
}

static void
fifo_lock_admit (FifoWaitQueue *queue,
                 FifoWaiter    *waiter)
{
  FifoLock *self = FIFO_LOCK_OF (queue);

  /* Strict FIFO: only an empty queue lets a request through at once. */
  if (fifo_wait_queue_is_empty (queue) &&
      fifo_lock_is_compatible (self, waiter->data.pointer))
    {
      fifo_lock_holds_add (self->holds, waiter->data.pointer);
      fifo_waiter_complete (queue, waiter, FIFO_OUTCOME_SUCCESS);
    }
  else
    {
      fifo_wait_queue_push_tail (queue, waiter);
    }
}

static void
fifo_lock_serve_queue (FifoWaitQueue *queue)
{
  fifo_lock_serve (FIFO_LOCK_OF (queue));
}

static void
fifo_lock_revoke (FifoWaitQueue *queue,
                  FifoWaiter    *waiter)
{
  fifo_lock_holds_remove (FIFO_LOCK_OF (queue)->holds, waiter->data.pointer);
}

static void
fifo_lock_notify (FifoWaitQueue *queue,
                  GObject       *owner,
                  guint          changed)
{
  if (changed & FIFO_WAIT_QUEUE_CHANGED_LENGTH)
    g_object_notify_by_pspec (owner, properties[PROP_N_WAITING]);
}

static const FifoWaitQueueClass fifo_lock_queue_class = {
  .admit = fifo_lock_admit,
  .serve = fifo_lock_serve_queue,
  .revoke = fifo_lock_revoke,
  .notify = fifo_lock_notify,
};

static const FifoOperation acquire_op = { (gpointer) fifo_lock_acquire_async, &fifo_lock_queue_class, NULL };

static void
fifo_lock_finalize (GObject *object)
{
  FifoLock *self = FIFO_LOCK (object);

  fifo_wait_queue_clear (&self->queue);
  g_clear_pointer (&self->holds, fifo_lock_holds_release);

  G_OBJECT_CLASS (fifo_lock_parent_class)->finalize (object);
}

static void
fifo_lock_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FifoLock *self = FIFO_LOCK (object);

  switch (prop_id)
    {
    case PROP_N_WAITING:
      g_value_set_uint (value, fifo_lock_get_n_waiting (self));
      break;

    case PROP_NAME:
      g_value_take_string (value, fifo_lock_get_name (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_lock_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FifoLock *self = FIFO_LOCK (object);

  switch (prop_id)
    {
    case PROP_NAME:
      fifo_lock_set_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_lock_class_init (FifoLockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fifo_lock_finalize;
  object_class->get_property = fifo_lock_get_property;
  object_class->set_property = fifo_lock_set_property;

  /**
   * FifoLock:n-waiting: (getter get_n_waiting)
   *
   * The number of requests queued and not yet granted. It is notified from
   * the thread that changed it.
   *
   * Since: 1.0
   */
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoLock:name: (getter get_name) (setter set_name)
   *
   * A name for the lock, or %NULL (the default): it names the lock in
   * criticals, debug messages and traces ([Debugging](debugging.html)).
   *
   * Since: 1.0
   */
  properties[PROP_NAME] = fifo_name_param_spec_new ();

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fifo_lock_init (FifoLock *self)
{
  fifo_wait_queue_init (&self->queue, &fifo_lock_queue_class, G_OBJECT (self));
  self->holds = fifo_lock_holds_new ();
}

/**
 * fifo_lock_new:
 *
 * Creates a lock that holds nothing.
 *
 * Returns: (transfer full): a new `FifoLock`
 *
 * Since: 1.0
 */
FifoLock *
fifo_lock_new (void)
{
  return g_object_new (FIFO_TYPE_LOCK, NULL);
}

/**
 * fifo_lock_acquire_async:
 * @self: a `FifoLock`
 * @mode: the mode to hold the lock in
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async) (closure user_data): called once the request is granted or cancelled
 * @user_data: data for @callback
 *
 * Queues a request for the lock in @mode. It is granted as soon as every
 * earlier request has been granted (or cancelled) and @mode is compatible
 * with what the lock then holds.
 *
 * @callback runs exactly once, in the thread-default main context of the
 * calling thread, from its main loop, never from within this call — even
 * when the lock is free now. Call [method@Fifo.Lock.acquire_finish] from it.
 *
 * If @cancellable is cancelled before the grant was delivered, the request
 * fails with %G_IO_ERROR_CANCELLED and holds nothing; a grant it had
 * already received is handed on to the next request.
 *
 * Since: 1.0
 */
void
fifo_lock_acquire_async (FifoLock            *self,
                         FifoLockMode        *mode,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (FIFO_IS_LOCK (self));
  g_return_if_fail (FIFO_IS_LOCK_MODE_OF (self, mode));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  fifo_wait_queue_submit (&self->queue, &acquire_op,
                          g_object_ref (mode), TRUE,
                          cancellable, callback, user_data);
}

/**
 * fifo_lock_acquire_finish:
 * @self: a `FifoLock`
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Lock.acquire_async].
 *
 * Returns: %TRUE if the lock is now held in the requested mode; %FALSE, with
 *   @error set, if the request was cancelled and nothing is held
 *
 * Since: 1.0
 */
gboolean
fifo_lock_acquire_finish (FifoLock      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (FIFO_IS_LOCK (self), FALSE);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_lock_acquire_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_async_result_propagate (result, NULL, error);
}

/**
 * fifo_lock_acquire:
 * @self: a `FifoLock`
 * @mode: the mode to hold the lock in
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Acquires the lock in @mode, blocking the calling thread until the request
 * is granted, in the same queue as asynchronous requests.
 *
 * Meant for worker threads (for instance in g_task_run_in_thread()). Never
 * call it from a thread whose main loop must run for the lock to be
 * released.
 *
 * Returns: %TRUE if the lock is now held in @mode; %FALSE, with @error set,
 *   if @cancellable was cancelled first and nothing is held
 *
 * Since: 1.0
 */
gboolean
fifo_lock_acquire (FifoLock      *self,
                   FifoLockMode  *mode,
                   GCancellable  *cancellable,
                   GError       **error)
{
  FifoOutcome outcome;

  g_return_val_if_fail (FIFO_IS_LOCK (self), FALSE);
  g_return_val_if_fail (FIFO_IS_LOCK_MODE_OF (self, mode), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  outcome = fifo_wait_queue_submit_sync (&self->queue, &acquire_op, mode, cancellable, NULL);
  return fifo_outcome_propagate (&acquire_op, outcome, error);
}

/**
 * fifo_lock_try_acquire:
 * @self: a `FifoLock`
 * @mode: the mode to hold the lock in
 *
 * Acquires the lock in @mode only if that is possible right now without
 * waiting: no request is queued and @mode is compatible. It never barges
 * past a queued request.
 *
 * Returns: %TRUE if the lock is now held in @mode
 *
 * Since: 1.0
 */
gboolean
fifo_lock_try_acquire (FifoLock     *self,
                       FifoLockMode *mode)
{
  FifoLockModeInterface *iface;
  gboolean acquired = FALSE;

  g_return_val_if_fail (FIFO_IS_LOCK (self), FALSE);
  iface = fifo_lock_mode_peek_iface (mode, &self->mode_class);
  if (G_UNLIKELY (iface == NULL))
    {
      g_critical ("%s: assertion 'FIFO_IS_LOCK_MODE (mode)' failed", G_STRFUNC);
      return FALSE;
    }

  fifo_wait_queue_lock (&self->queue);
  if (fifo_wait_queue_is_empty (&self->queue) &&
      fifo_lock_ask (self, mode, iface))
    {
      fifo_lock_holds_add (self->holds, mode);
      acquired = TRUE;
      FIFO_TRACE (fifo_trace_hold (&self->queue, mode));
    }
  fifo_wait_queue_unlock (&self->queue);

  return acquired;
}

/**
 * fifo_lock_release:
 * @self: a `FifoLock`
 * @mode: the mode it was acquired in
 *
 * Releases one hold of @mode, and grants the requests this makes possible,
 * in order. Their callbacks run later, in their own main contexts.
 *
 * Releasing a mode that is not held is a programmer error.
 *
 * Since: 1.0
 */
void
fifo_lock_release (FifoLock     *self,
                   FifoLockMode *mode)
{
  gboolean held;

  g_return_if_fail (FIFO_IS_LOCK (self));
  g_return_if_fail (FIFO_IS_LOCK_MODE_OF (self, mode));

  fifo_wait_queue_lock (&self->queue);
  held = fifo_lock_holds_remove (self->holds, mode);
  if (held)
    {
      FIFO_TRACE (fifo_trace_release (&self->queue, mode));
      fifo_lock_serve (self);
    }
  fifo_wait_queue_unlock (&self->queue);

  if (!held)
    {
      g_autofree char *description = fifo_object_describe (G_OBJECT (self));

      g_critical ("%s: %s is not held in mode %p (%s)",
                  G_STRFUNC, description, mode, G_OBJECT_TYPE_NAME (mode));
    }
}

/**
 * fifo_lock_get_n_waiting: (get-property n-waiting)
 * @self: a `FifoLock`
 *
 * Counts the requests queued and not yet granted.
 *
 * Returns: the number of waiting requests
 *
 * Since: 1.0
 */
guint
fifo_lock_get_n_waiting (FifoLock *self)
{
  g_return_val_if_fail (FIFO_IS_LOCK (self), 0);

  return fifo_wait_queue_get_length (&self->queue);
}

/**
 * fifo_lock_get_name: (get-property name)
 * @self: a `FifoLock`
 *
 * Gets the lock's name. Another thread may change it meanwhile: this is a
 * copy.
 *
 * Returns: (transfer full) (nullable): a copy of the name, or %NULL
 *
 * Since: 1.0
 */
char *
fifo_lock_get_name (FifoLock *self)
{
  g_return_val_if_fail (FIFO_IS_LOCK (self), NULL);

  return fifo_object_dup_name (G_OBJECT (self));
}

/**
 * fifo_lock_set_name: (set-property name)
 * @self: a `FifoLock`
 * @name: (nullable): the new name, or %NULL for none
 *
 * Names the lock, for criticals, debug messages and traces. Any thread
 * may call it, also while others use the lock.
 *
 * Since: 1.0
 */
void
fifo_lock_set_name (FifoLock   *self,
                    const char *name)
{
  g_return_if_fail (FIFO_IS_LOCK (self));

  if (fifo_object_set_name (G_OBJECT (self), name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}
