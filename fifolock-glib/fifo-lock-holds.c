/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-lock-holds-private.h"
#include "fifo-owned-private.h"
#include "fifo-lock-mode.h"

/**
 * FifoLockHolds:
 *
 * What a [class@Fifo.Lock] has granted and not yet had released: the
 * number of holds per mode instance and per mode type.
 *
 * A [iface@Fifo.LockMode] receives it in its
 * [vfunc@Fifo.LockMode.is_compatible] to decide whether it may be granted.
 * It is read-only: only the lock changes it.
 *
 * A binding, or a mode, that keeps a reference to it beyond the call gets a
 * snapshot: the lock stops updating an object somebody else holds on to and
 * continues with a fresh copy, so reading a kept object is always safe, from
 * any thread, and shows what was held at the time of the call.
 *
 * A mode that counts by type and by instance, in C:
 *
 * ```c
 * G_DECLARE_FINAL_TYPE (AtMostThree, at_most_three, MY, AT_MOST_THREE, GObject)
 * struct _AtMostThree { GObject parent_instance; };
 *
 * static gboolean
 * at_most_three_is_compatible (FifoLockMode *mode, FifoLockHolds *holds)
 * {
 *   return fifo_lock_holds_get (holds, FIFO_TYPE_EXCLUSIVE_MODE) == 0 &&  // by type
 *          fifo_lock_holds_get_for_mode (holds, mode) < 3;                // this instance
 * }
 *
 * static void
 * at_most_three_iface_init (FifoLockModeInterface *iface)
 * {
 *   iface->is_compatible = at_most_three_is_compatible;
 * }
 *
 * G_DEFINE_FINAL_TYPE_WITH_CODE (AtMostThree, at_most_three, G_TYPE_OBJECT,
 *                                G_IMPLEMENT_INTERFACE (FIFO_TYPE_LOCK_MODE, at_most_three_iface_init))
 * static void at_most_three_class_init (AtMostThreeClass *klass) { }
 * static void at_most_three_init (AtMostThree *self) { }
 *
 * g_autoptr(FifoLock) lock = fifo_lock_new ();
 * g_autoptr(FifoLockMode) mode = g_object_new (at_most_three_get_type (), NULL);
 *
 * for (int i = 0; i < 3; i++)
 *   g_assert_true (fifo_lock_try_acquire (lock, mode));
 * g_assert_false (fifo_lock_try_acquire (lock, mode));
 * for (int i = 0; i < 3; i++)
 *   fifo_lock_release (lock, mode);
 * ```
 *
 * In Python:
 *
 * ```python
 * class AtMostThree(GObject.Object, Fifo.LockMode):
 *     def do_is_compatible(self, holds):
 *         return (holds.get(Fifo.ExclusiveMode) == 0  # by type
 *                 and holds.get_for_mode(self) < 3)   # this instance
 *
 * lock, mode = Fifo.Lock(), AtMostThree()
 * for _ in range(3):
 *     assert lock.try_acquire(mode)
 * assert not lock.try_acquire(mode)
 * ```
 *
 * Since: 1.0
 */

/* The mode is only compared, never dereferenced: whoever holds a mode
 * keeps it alive to release it, and a waiting request keeps its own. */
typedef struct
{
  FifoLockMode *mode;
  GType         type;
  guint         count;
} HoldEntry;

/* Locks seldom hold more than a few distinct modes at once. */
#define N_INLINE_ENTRIES 4

struct _FifoLockHolds
{
  GObject    parent_instance;
  gint       kept;       /* atomic: someone else holds a reference now */
  HoldEntry *entries;
  guint      n_entries;
  guint      n_allocated;
  guint      total;
  HoldEntry  inline_entries[N_INLINE_ENTRIES];
};

G_DEFINE_FINAL_TYPE (FifoLockHolds, fifo_lock_holds, G_TYPE_OBJECT)

static void
fifo_lock_holds_finalize (GObject *object)
{
  FifoLockHolds *self = FIFO_LOCK_HOLDS (object);

  if (self->entries != self->inline_entries)
    g_free (self->entries);

  G_OBJECT_CLASS (fifo_lock_holds_parent_class)->finalize (object);
}

static void
fifo_lock_holds_class_init (FifoLockHoldsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fifo_lock_holds_finalize;
}

static void
fifo_lock_holds_init (FifoLockHolds *self)
{
  self->entries = self->inline_entries;
  self->n_allocated = N_INLINE_ENTRIES;
}

/* The lock's only reference is a toggle reference (fifo-owned-private.h):
 * it learns whether a mode, or a binding, kept the holds. */
FifoLockHolds *
fifo_lock_holds_new (void)
{
  FifoLockHolds *self = g_object_new (FIFO_TYPE_LOCK_HOLDS, NULL);

  return fifo_owned_take (self, fifo_owned_notify, &self->kept);
}

void
fifo_lock_holds_release (FifoLockHolds *self)
{
  fifo_owned_release (self, fifo_owned_notify, &self->kept);
}

gboolean
fifo_lock_holds_is_kept (FifoLockHolds *self)
{
  return g_atomic_int_get (&self->kept);
}

static void
fifo_lock_holds_reserve (FifoLockHolds *self,
                         guint          n)
{
  if (n <= self->n_allocated)
    return;

  self->n_allocated = MAX (n, self->n_allocated * 2);
  if (self->entries == self->inline_entries)
    {
      self->entries = g_new (HoldEntry, self->n_allocated);
      memcpy (self->entries, self->inline_entries, sizeof self->inline_entries);
    }
  else
    {
      self->entries = g_renew (HoldEntry, self->entries, self->n_allocated);
    }
}

FifoLockHolds *
fifo_lock_holds_copy (FifoLockHolds *holds)
{
  FifoLockHolds *copy = fifo_lock_holds_new ();

  fifo_lock_holds_reserve (copy, holds->n_entries);
  memcpy (copy->entries, holds->entries, holds->n_entries * sizeof (HoldEntry));
  copy->n_entries = holds->n_entries;
  copy->total = holds->total;

  return copy;
}

static HoldEntry *
fifo_lock_holds_find (FifoLockHolds *self,
                      FifoLockMode  *mode)
{
  for (guint i = 0; i < self->n_entries; i++)
    if (self->entries[i].mode == mode)
      return &self->entries[i];

  return NULL;
}

void
fifo_lock_holds_add (FifoLockHolds *self,
                     FifoLockMode  *mode)
{
  HoldEntry *entry = fifo_lock_holds_find (self, mode);

  if (entry == NULL)
    {
      fifo_lock_holds_reserve (self, self->n_entries + 1);
      entry = &self->entries[self->n_entries++];
      entry->mode = mode;
      entry->type = G_OBJECT_TYPE (mode);
      entry->count = 0;
    }

  entry->count++;
  self->total++;
}

gboolean
fifo_lock_holds_is_full (FifoLockHolds *self)
{
  return self->total == G_MAXUINT;
}

gboolean
fifo_lock_holds_remove (FifoLockHolds *self,
                        FifoLockMode  *mode)
{
  HoldEntry *entry = fifo_lock_holds_find (self, mode);

  if (entry == NULL)
    return FALSE;

  self->total--;
  if (--entry->count == 0)
    *entry = self->entries[--self->n_entries];

  return TRUE;
}

/**
 * fifo_lock_holds_get:
 * @holds: a `FifoLockHolds`
 * @mode_type: a type of [iface@Fifo.LockMode]
 *
 * Counts the holds of modes whose type is exactly @mode_type (not a
 * subtype of it): the `holds[Write]` of Python's fifolock.
 *
 * Returns: the number of grants of modes of type @mode_type
 *
 * Since: 1.0
 */
guint
fifo_lock_holds_get (FifoLockHolds *holds,
                     GType          mode_type)
{
  guint count = 0;

  g_return_val_if_fail (FIFO_IS_LOCK_HOLDS (holds), 0);

  for (guint i = 0; i < holds->n_entries; i++)
    if (holds->entries[i].type == mode_type)
      count += holds->entries[i].count;

  return count;
}

/**
 * fifo_lock_holds_get_for_mode:
 * @holds: a `FifoLockHolds`
 * @mode: a mode
 *
 * Counts the holds of this very mode instance. A configurable mode such as
 * [class@Fifo.SemaphoreMode] uses it to count its own grants apart from
 * those of other instances of its type.
 *
 * Returns: the number of grants of @mode
 *
 * Since: 1.0
 */
guint
fifo_lock_holds_get_for_mode (FifoLockHolds *holds,
                              FifoLockMode  *mode)
{
  HoldEntry *entry;

  g_return_val_if_fail (FIFO_IS_LOCK_HOLDS (holds), 0);
  /* Only compared: called in every is_compatible, it needs no type check. */
  g_return_val_if_fail (mode != NULL, 0);

  entry = fifo_lock_holds_find (holds, mode);
  return entry != NULL ? entry->count : 0;
}

/**
 * fifo_lock_holds_get_total:
 * @holds: a `FifoLockHolds`
 *
 * Counts every hold, of any mode.
 *
 * Returns: the number of grants not yet released
 *
 * Since: 1.0
 */
guint
fifo_lock_holds_get_total (FifoLockHolds *holds)
{
  g_return_val_if_fail (FIFO_IS_LOCK_HOLDS (holds), 0);

  return holds->total;
}
