/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Built by .ci/run against the *installed* library with nothing but
 * `pkg-config --cflags --libs fifolock-1.0`, and run: every function of
 * DESIGN.md's FifoLock section, and a mode of its own. */
#include <fifolock-glib/fifolock.h>

/* At most one "Write" (counted by type), like Python fifolock's example. */
G_DECLARE_FINAL_TYPE (ConsumerWrite, consumer_write, CONSUMER, WRITE, GObject)
struct _ConsumerWrite { GObject parent_instance; };

static gboolean
consumer_write_is_compatible (FifoLockMode  *mode,
                              FifoLockHolds *holds)
{
  return fifo_lock_holds_get_total (holds) == 0 &&
         fifo_lock_holds_get (holds, consumer_write_get_type ()) == 0 &&
         fifo_lock_holds_get_for_mode (holds, mode) == 0;
}

static void
consumer_write_iface_init (FifoLockModeInterface *iface)
{
  iface->is_compatible = consumer_write_is_compatible;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (ConsumerWrite, consumer_write, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FIFO_TYPE_LOCK_MODE, consumer_write_iface_init))
static void consumer_write_class_init (ConsumerWriteClass *klass) { }
static void consumer_write_init (ConsumerWrite *self) { }

static void
acquired_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (fifo_lock_acquire_finish (FIFO_LOCK (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

int
main (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) write = g_object_new (consumer_write_get_type (), NULL);
  g_autoptr(FifoLockMode) shared = fifo_shared_mode_new ();
  g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
  g_autoptr(FifoLockMode) sem = fifo_semaphore_mode_new (2);
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_assert_true (FIFO_CHECK_VERSION (1, 0, 0));

  g_assert_true (fifo_lock_try_acquire (lock, shared));
  fifo_lock_acquire_async (lock, write, NULL, acquired_cb, &done);
  g_assert_cmpuint (fifo_lock_get_n_waiting (lock), ==, 1);
  fifo_lock_release (lock, shared);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  fifo_lock_release (lock, write);

  g_assert_true (fifo_lock_acquire (lock, sem, NULL, &error));
  g_assert_true (fifo_lock_try_acquire (lock, sem));
  g_assert_false (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, sem);
  fifo_lock_release (lock, sem);
  g_assert_true (fifo_lock_try_acquire (lock, excl));
  fifo_lock_release (lock, excl);

  g_print ("consumer: OK\n");
  return 0;
}
