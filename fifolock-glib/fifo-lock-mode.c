/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-lock-mode-private.h"

/**
 * FifoLockMode:
 *
 * A way of holding a [class@Fifo.Lock]: exclusively, shared, one of N, or
 * whatever rule its [vfunc@Fifo.LockMode.is_compatible] expresses.
 *
 * A mode is a stateless configuration object. One instance may be shared by
 * any number of requests on any number of locks; the lock counts its grants
 * in a [class@Fifo.LockHolds], by mode type and by mode instance, and asks
 * the mode of the request at the head of its queue whether it may be granted
 * given those counts.
 *
 * Write one in C by implementing this interface, or in any language
 * GObject-Introspection reaches. In Python:
 *
 * ```python
 * class Write(GObject.Object, Fifo.LockMode):
 *     def do_is_compatible(self, holds):
 *         return holds.get_total() == 0
 * ```
 *
 * In JavaScript:
 *
 * ```js
 * const Write = GObject.registerClass({
 *     Implements: [Fifo.LockMode],
 * }, class Write extends GObject.Object {
 *     vfunc_is_compatible(holds) {
 *         return holds.get_total() === 0;
 *     }
 * });
 * ```
 *
 * ## What is_compatible may do
 *
 * It is called with the lock's internal state locked, so it must be quick,
 * must not block, and must never call back into the lock. It is called only
 * for the request at the head of the queue, and on the thread whose call
 * (an acquire, a release, a cancellation) made the head change — which may
 * be any thread that uses the lock. GJS runs JavaScript only on its own
 * thread: a JavaScript mode may only be used with a lock that no other
 * thread touches. A mode whose implementation raises an exception in a
 * binding is treated as incompatible: its request keeps waiting.
 *
 * [Writing your own mode](writing-modes.html) works through an example in
 * C, Python and JavaScript.
 *
 * In C, a mode is a type that implements the interface:
 *
 * ```c
 * G_DECLARE_FINAL_TYPE (MyWrite, my_write, MY, WRITE, GObject)
 * struct _MyWrite { GObject parent_instance; };
 *
 * static gboolean
 * my_write_is_compatible (FifoLockMode *mode, FifoLockHolds *holds)
 * {
 *   return fifo_lock_holds_get_total (holds) == 0;  // nothing held at all
 * }
 *
 * static void
 * my_write_iface_init (FifoLockModeInterface *iface)
 * {
 *   iface->is_compatible = my_write_is_compatible;
 * }
 *
 * G_DEFINE_FINAL_TYPE_WITH_CODE (MyWrite, my_write, G_TYPE_OBJECT,
 *                                G_IMPLEMENT_INTERFACE (FIFO_TYPE_LOCK_MODE, my_write_iface_init))
 * static void my_write_class_init (MyWriteClass *klass) { }
 * static void my_write_init (MyWrite *self) { }
 *
 * g_autoptr(FifoLock) lock = fifo_lock_new ();
 * g_autoptr(FifoLockMode) write = g_object_new (my_write_get_type (), NULL);
 *
 * g_assert_true (fifo_lock_try_acquire (lock, write));
 * fifo_lock_release (lock, write);
 * ```
 *
 * Since: 1.0
 */

G_DEFINE_INTERFACE (FifoLockMode, fifo_lock_mode, G_TYPE_OBJECT)

static void
fifo_lock_mode_default_init (FifoLockModeInterface *iface)
{
}

/**
 * fifo_lock_mode_is_compatible: (virtual is_compatible)
 * @self: a mode
 * @holds: what the lock holds right now
 *
 * Decides whether a request in mode @self may be granted while the lock
 * holds @holds. Called by [class@Fifo.Lock] for the request at the head of
 * its queue only; see [iface@Fifo.LockMode] for what an implementation may
 * and may not do.
 *
 * Returns: %TRUE if the request may be granted now
 *
 * Since: 1.0
 */
gboolean
fifo_lock_mode_is_compatible (FifoLockMode  *self,
                              FifoLockHolds *holds)
{
  FifoLockModeInterface *iface;

  g_return_val_if_fail (FIFO_IS_LOCK_MODE (self), FALSE);
  g_return_val_if_fail (FIFO_IS_LOCK_HOLDS (holds), FALSE);

  iface = FIFO_LOCK_MODE_GET_IFACE (self);
  g_return_val_if_fail (iface->is_compatible != NULL, FALSE);

  return iface->is_compatible (self, holds);
}

FifoLockModeInterface *
fifo_lock_mode_peek_iface_slow (gpointer                       instance,
                                const FifoLockModeClassCache **cache)
{
  static GMutex records_lock;
  static GHashTable *records;  /* class → FifoLockModeClassCache, never freed */
  gpointer klass = ((GTypeInstance *) instance)->g_class;
  FifoLockModeClassCache *record;

  if (!G_TYPE_CHECK_INSTANCE_TYPE (instance, FIFO_TYPE_LOCK_MODE))
    return NULL;

  g_mutex_lock (&records_lock);
  if (records == NULL)
    records = g_hash_table_new (NULL, NULL);
  record = g_hash_table_lookup (records, klass);
  if (record == NULL)
    {
      record = g_new (FifoLockModeClassCache, 1);
      record->klass = klass;
      record->iface = G_TYPE_INSTANCE_GET_INTERFACE (instance, FIFO_TYPE_LOCK_MODE,
                                                     FifoLockModeInterface);
      g_hash_table_insert (records, klass, record);
    }
  g_mutex_unlock (&records_lock);

  g_atomic_pointer_set (cache, record);
  return record->iface;
}

