/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-exclusive-mode.h"
#include "fifo-shared-mode.h"

/**
 * FifoSharedMode:
 *
 * A [iface@Fifo.LockMode] compatible whenever the lock holds no
 * [class@Fifo.ExclusiveMode]: the reader of a read/write lock. Any number of
 * shared holds coexist; a queued exclusive request still holds back every
 * shared request behind it.
 *
 * In C:
 *
 * ```c
 * g_autoptr(FifoLock) lock = fifo_lock_new ();
 * g_autoptr(FifoLockMode) read = fifo_shared_mode_new ();
 * g_autoptr(FifoLockMode) write = fifo_exclusive_mode_new ();
 *
 * g_assert_true (fifo_lock_try_acquire (lock, read));
 * g_assert_true (fifo_lock_try_acquire (lock, read));    // readers share
 * g_assert_false (fifo_lock_try_acquire (lock, write));  // a writer waits for both
 * fifo_lock_release (lock, read);
 * fifo_lock_release (lock, read);
 * ```
 *
 * In JavaScript:
 *
 * ```js
 * Gio._promisify(Fifo.Lock.prototype, 'acquire_async', 'acquire_finish');
 *
 * const lock = new Fifo.Lock();
 * const read = new Fifo.SharedMode(), write = new Fifo.ExclusiveMode();
 *
 * lock.try_acquire(read);
 * const writing = lock.acquire_async(write, null);  // queued behind the reader
 * lock.release(read);
 * await writing;
 * lock.release(write);
 * ```
 *
 * Since: 1.0
 */

struct _FifoSharedMode
{
  GObject parent_instance;
};

static void fifo_shared_mode_lock_mode_iface_init (FifoLockModeInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FifoSharedMode, fifo_shared_mode, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FIFO_TYPE_LOCK_MODE,
                                                      fifo_shared_mode_lock_mode_iface_init))

static gboolean
fifo_shared_mode_is_compatible (FifoLockMode  *mode,
                                FifoLockHolds *holds)
{
  return fifo_lock_holds_get (holds, FIFO_TYPE_EXCLUSIVE_MODE) == 0;
}

static void
fifo_shared_mode_lock_mode_iface_init (FifoLockModeInterface *iface)
{
  iface->is_compatible = fifo_shared_mode_is_compatible;
}

static void
fifo_shared_mode_class_init (FifoSharedModeClass *klass)
{
}

static void
fifo_shared_mode_init (FifoSharedMode *self)
{
}

/**
 * fifo_shared_mode_new:
 *
 * Creates a shared mode. One instance can serve every request of every
 * lock.
 *
 * Returns: (transfer full) (type FifoSharedMode): a new `FifoSharedMode`
 *
 * Since: 1.0
 */
FifoLockMode *
fifo_shared_mode_new (void)
{
  return g_object_new (FIFO_TYPE_SHARED_MODE, NULL);
}
