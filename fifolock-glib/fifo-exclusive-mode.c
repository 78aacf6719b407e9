/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-exclusive-mode.h"

/**
 * FifoExclusiveMode:
 *
 * A [iface@Fifo.LockMode] compatible only when the lock holds nothing at
 * all: the writer of a read/write lock, or, alone, a mutex.
 *
 * In C:
 *
 * ```c
 * g_autoptr(FifoLock) lock = fifo_lock_new ();
 * g_autoptr(FifoLockMode) exclusive = fifo_exclusive_mode_new ();
 *
 * g_assert_true (fifo_lock_try_acquire (lock, exclusive));
 * g_assert_false (fifo_lock_try_acquire (lock, exclusive));  // held: nothing else fits
 * fifo_lock_release (lock, exclusive);
 * ```
 *
 * In Python, with the blocking form in a worker thread:
 *
 * ```python
 * lock, exclusive = Fifo.Lock(), Fifo.ExclusiveMode()
 *
 * with lock.hold(exclusive):
 *     assert not lock.try_acquire(exclusive)
 * ```
 *
 * Since: 1.0
 */

struct _FifoExclusiveMode
{
  GObject parent_instance;
};

static void fifo_exclusive_mode_lock_mode_iface_init (FifoLockModeInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FifoExclusiveMode, fifo_exclusive_mode, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FIFO_TYPE_LOCK_MODE,
                                                      fifo_exclusive_mode_lock_mode_iface_init))

static gboolean
fifo_exclusive_mode_is_compatible (FifoLockMode  *mode,
                                   FifoLockHolds *holds)
{
  return fifo_lock_holds_get_total (holds) == 0;
}

static void
fifo_exclusive_mode_lock_mode_iface_init (FifoLockModeInterface *iface)
{
  iface->is_compatible = fifo_exclusive_mode_is_compatible;
}

static void
fifo_exclusive_mode_class_init (FifoExclusiveModeClass *klass)
{
}

static void
fifo_exclusive_mode_init (FifoExclusiveMode *self)
{
}

/**
 * fifo_exclusive_mode_new:
 *
 * Creates an exclusive mode. One instance can serve every request of every
 * lock.
 *
 * Returns: (transfer full) (type FifoExclusiveMode): a new `FifoExclusiveMode`
 *
 * Since: 1.0
 */
FifoLockMode *
fifo_exclusive_mode_new (void)
{
  return g_object_new (FIFO_TYPE_EXCLUSIVE_MODE, NULL);
}
