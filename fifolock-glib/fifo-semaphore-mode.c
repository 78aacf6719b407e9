/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-semaphore-mode.h"

/**
 * FifoSemaphoreMode:
 *
 * A [iface@Fifo.LockMode] compatible while fewer than
 * [property@Fifo.SemaphoreMode:size] grants of this same instance are held:
 * a counting semaphore on a [class@Fifo.Lock]. Other instances, and other
 * modes, are counted apart, so two semaphore modes of different sizes can
 * share one lock.
 *
 * In C:
 *
 * ```c
 * g_autoptr(FifoLock) lock = fifo_lock_new ();
 * g_autoptr(FifoLockMode) two = fifo_semaphore_mode_new (2);
 *
 * g_assert_true (fifo_lock_try_acquire (lock, two));
 * g_assert_true (fifo_lock_try_acquire (lock, two));
 * g_assert_false (fifo_lock_try_acquire (lock, two));  // a third waits
 * fifo_lock_release (lock, two);
 * fifo_lock_release (lock, two);
 * ```
 *
 * In Python:
 *
 * ```python
 * lock, two = Fifo.Lock(), Fifo.SemaphoreMode.new(2)
 *
 * assert lock.try_acquire(two) and lock.try_acquire(two)
 * assert not lock.try_acquire(two)  # a third waits
 * lock.release(two)
 * lock.release(two)
 * ```
 *
 * Since: 1.0
 */

struct _FifoSemaphoreMode
{
  GObject parent_instance;
  guint   size;
};

enum {
  PROP_0,
  PROP_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fifo_semaphore_mode_lock_mode_iface_init (FifoLockModeInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FifoSemaphoreMode, fifo_semaphore_mode, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FIFO_TYPE_LOCK_MODE,
                                                      fifo_semaphore_mode_lock_mode_iface_init))

static gboolean
fifo_semaphore_mode_is_compatible (FifoLockMode  *mode,
                                   FifoLockHolds *holds)
{
  FifoSemaphoreMode *self = FIFO_SEMAPHORE_MODE (mode);

  return fifo_lock_holds_get_for_mode (holds, mode) < self->size;
}

static void
fifo_semaphore_mode_lock_mode_iface_init (FifoLockModeInterface *iface)
{
  iface->is_compatible = fifo_semaphore_mode_is_compatible;
}

static void
fifo_semaphore_mode_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FifoSemaphoreMode *self = FIFO_SEMAPHORE_MODE (object);

  switch (prop_id)
    {
    case PROP_SIZE:
      g_value_set_uint (value, self->size);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_semaphore_mode_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  FifoSemaphoreMode *self = FIFO_SEMAPHORE_MODE (object);

  switch (prop_id)
    {
    case PROP_SIZE:
      self->size = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_semaphore_mode_class_init (FifoSemaphoreModeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fifo_semaphore_mode_get_property;
  object_class->set_property = fifo_semaphore_mode_set_property;

  /**
   * FifoSemaphoreMode:size: (getter get_size)
   *
   * How many grants of this mode may be held at once.
   *
   * Since: 1.0
   */
  properties[PROP_SIZE] =
    g_param_spec_uint ("size", NULL, NULL,
                       1, G_MAXUINT, 1,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fifo_semaphore_mode_init (FifoSemaphoreMode *self)
{
  self->size = 1;
}

/**
 * fifo_semaphore_mode_new:
 * @size: how many grants of this mode may be held at once; at least 1
 *
 * Creates a semaphore mode of @size.
 *
 * Returns: (transfer full) (type FifoSemaphoreMode): a new `FifoSemaphoreMode`
 *
 * Since: 1.0
 */
FifoLockMode *
fifo_semaphore_mode_new (guint size)
{
  g_return_val_if_fail (size > 0, NULL);

  return g_object_new (FIFO_TYPE_SEMAPHORE_MODE, "size", size, NULL);
}

/**
 * fifo_semaphore_mode_get_size: (get-property size)
 * @self: a `FifoSemaphoreMode`
 *
 * Gets the size of the semaphore mode.
 *
 * Returns: how many grants of @self may be held at once
 *
 * Since: 1.0
 */
guint
fifo_semaphore_mode_get_size (FifoSemaphoreMode *self)
{
  g_return_val_if_fail (FIFO_IS_SEMAPHORE_MODE (self), 0);

  return self->size;
}
