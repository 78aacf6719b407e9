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

/*
 * NOTES
 *
 * The holds per mode instance, keyed by the mode's address (only
 * compared, never dereferenced: whoever holds a mode keeps it alive to
 * release it, and a waiting request keeps its own): an array of entries,
 * searched linearly while it is short — a lock seldom holds more than a
 * few distinct modes, and the count by type is then a scan of them too —
 * and through an open-addressing index (linear probing, backward-shift
 * deletion) once it is longer, when a second table, by type, starts being
 * kept beside it. So a grant, a release and every count stay O(1) however
 * many distinct instances are held (readers that each bring a mode of
 * their own). Entries are kept dense: a removed one is replaced by the
 * last, whose index slot follows it.
 */

typedef struct
{
  gsize key;     /* a mode's address, or a GType */
  GType type;    /* per instance: its type */
  guint count;
} HoldEntry;

#define N_INLINE_ENTRIES 4
#define INDEX_FROM       8   /* entries beyond which a table is indexed */

typedef struct
{
  HoldEntry *entries;
  guint      n_entries;
  guint      n_allocated;
  guint     *index;          /* entry position + 1, or 0; NULL while short */
  guint      index_mask;
  HoldEntry  inline_entries[N_INLINE_ENTRIES];
} HoldTable;

struct _FifoLockHolds
{
  GObject    parent_instance;
  gint       kept;       /* atomic: someone else holds a reference now */
  guint      total;
  HoldTable  modes;
  HoldTable  types;      /* kept once modes is indexed (by_type) */
  gboolean   by_type;
};

G_DEFINE_FINAL_TYPE (FifoLockHolds, fifo_lock_holds, G_TYPE_OBJECT)

static void
hold_table_init (HoldTable *table)
{
  table->entries = table->inline_entries;
  table->n_allocated = N_INLINE_ENTRIES;
}

static void
hold_table_clear (HoldTable *table)
{
  if (table->entries != table->inline_entries)
    g_free (table->entries);
  g_free (table->index);
}

static inline guint
hold_hash (const HoldTable *table,
           gsize            key)
{
  /* Fibonacci hashing: addresses and GTypes differ in their middle bits. */
  return (guint) ((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32) & table->index_mask;
}

static void
hold_table_index_put (HoldTable *table,
                      guint      position)
{
  guint i = hold_hash (table, table->entries[position].key);

  while (table->index[i] != 0)
    i = (i + 1) & table->index_mask;
  table->index[i] = position + 1;
}

static void
hold_table_reindex (HoldTable *table,
                    guint      size)
{
  g_free (table->index);
  table->index = g_new0 (guint, size);
  table->index_mask = size - 1;
  for (guint i = 0; i < table->n_entries; i++)
    hold_table_index_put (table, i);
}

/* The index slot of @key, which is there. */
static guint
hold_table_slot (const HoldTable *table,
                 gsize            key)
{
  guint i = hold_hash (table, key);

  while (table->entries[table->index[i] - 1].key != key)
    i = (i + 1) & table->index_mask;
  return i;
}

static HoldEntry *
hold_table_find (const HoldTable *table,
                 gsize            key)
{
  if (table->index == NULL)
    {
      for (guint i = 0; i < table->n_entries; i++)
        if (table->entries[i].key == key)
          return &table->entries[i];
      return NULL;
    }

  for (guint i = hold_hash (table, key); table->index[i] != 0; i = (i + 1) & table->index_mask)
    if (table->entries[table->index[i] - 1].key == key)
      return &table->entries[table->index[i] - 1];
  return NULL;
}

static void
hold_table_reserve (HoldTable *table,
                    guint      n)
{
  if (n > table->n_allocated)
    {
      table->n_allocated = MAX (n, table->n_allocated * 2);
      if (table->entries == table->inline_entries)
        {
          table->entries = g_new (HoldEntry, table->n_allocated);
          memcpy (table->entries, table->inline_entries, sizeof table->inline_entries);
        }
      else
        {
          table->entries = g_renew (HoldEntry, table->entries, table->n_allocated);
        }
    }
}

/* The entry of @key, made (with a count of 0) if there was none. */
static HoldEntry *
hold_table_get (HoldTable *table,
                gsize      key,
                GType      type)
{
  HoldEntry *entry = hold_table_find (table, key);
  guint position;

  if (entry != NULL)
    return entry;

  hold_table_reserve (table, table->n_entries + 1);
  position = table->n_entries++;
  entry = &table->entries[position];
  entry->key = key;
  entry->type = type;
  entry->count = 0;

  /* Indexed once long, at most half full. */
  if (table->index != NULL && table->n_entries * 2 <= table->index_mask + 1)
    hold_table_index_put (table, position);
  else if (table->n_entries > INDEX_FROM)
    hold_table_reindex (table, MAX (32, (table->index_mask + 1) * 2));
  return entry;
}

static void
hold_table_remove (HoldTable *table,
                   HoldEntry *entry)
{
  guint position = entry - table->entries;
  guint last = table->n_entries - 1;

  if (table->index != NULL)
    {
      /* Backward-shift deletion: no tombstones, probes stay short. */
      guint hole = hold_table_slot (table, entry->key);

      for (guint j = (hole + 1) & table->index_mask; table->index[j] != 0; j = (j + 1) & table->index_mask)
        {
          guint home = hold_hash (table, table->entries[table->index[j] - 1].key);

          /* Whether @j's entry may move back to the hole: its home is not
           * in the cyclic range (hole, j]. */
          if (((j - home) & table->index_mask) >= ((j - hole) & table->index_mask))
            {
              table->index[hole] = table->index[j];
              hole = j;
            }
        }
      table->index[hole] = 0;
      if (position != last)
        table->index[hold_table_slot (table, table->entries[last].key)] = position + 1;
    }

  table->entries[position] = table->entries[last];
  table->n_entries = last;
}

static void
hold_table_copy (HoldTable       *copy,
                 const HoldTable *table)
{
  hold_table_reserve (copy, table->n_entries);
  memcpy (copy->entries, table->entries, table->n_entries * sizeof (HoldEntry));
  copy->n_entries = table->n_entries;
  if (table->index != NULL)
    {
      copy->index = g_memdup2 (table->index, (table->index_mask + 1) * sizeof (guint));
      copy->index_mask = table->index_mask;
    }
}

static void
fifo_lock_holds_finalize (GObject *object)
{
  FifoLockHolds *self = FIFO_LOCK_HOLDS (object);

  hold_table_clear (&self->modes);
  hold_table_clear (&self->types);

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
  hold_table_init (&self->modes);
  hold_table_init (&self->types);
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

FifoLockHolds *
fifo_lock_holds_copy (FifoLockHolds *holds)
{
  FifoLockHolds *copy = fifo_lock_holds_new ();

  hold_table_copy (&copy->modes, &holds->modes);
  hold_table_copy (&copy->types, &holds->types);
  copy->by_type = holds->by_type;
  copy->total = holds->total;

  return copy;
}

void
fifo_lock_holds_add (FifoLockHolds *self,
                     FifoLockMode  *mode)
{
  HoldTable *modes = &self->modes;
  GType type;

  self->total++;

  /* The common case: a few entries, scanned, none indexed. */
  if (G_LIKELY (modes->index == NULL))
    {
      for (guint i = 0; i < modes->n_entries; i++)
        if (modes->entries[i].key == (gsize) mode)
          {
            modes->entries[i].count++;
            if (self->by_type)
              hold_table_get (&self->types, (gsize) modes->entries[i].type, modes->entries[i].type)->count++;
            return;
          }
      if (modes->n_entries < modes->n_allocated && !self->by_type)
        {
          HoldEntry *entry = &modes->entries[modes->n_entries++];

          entry->key = (gsize) mode;
          entry->type = G_OBJECT_TYPE (mode);
          entry->count = 1;
          return;
        }
    }

  type = G_OBJECT_TYPE (mode);
  hold_table_get (modes, (gsize) mode, type)->count++;

  if (self->by_type)
    {
      hold_table_get (&self->types, (gsize) type, type)->count++;
    }
  else if (self->modes.index != NULL)
    {
      /* Too many to scan from now on: count by type as well. */
      self->by_type = TRUE;
      for (guint i = 0; i < self->modes.n_entries; i++)
        hold_table_get (&self->types, (gsize) self->modes.entries[i].type,
                        self->modes.entries[i].type)->count += self->modes.entries[i].count;
    }
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
  HoldTable *modes = &self->modes;
  HoldEntry *entry;

  /* The common case: a few entries, scanned, none indexed. */
  if (G_LIKELY (modes->index == NULL && !self->by_type))
    {
      for (guint i = 0; i < modes->n_entries; i++)
        if (modes->entries[i].key == (gsize) mode)
          {
            if (--modes->entries[i].count == 0)
              modes->entries[i] = modes->entries[--modes->n_entries];
            self->total--;
            return TRUE;
          }
      return FALSE;
    }

  entry = hold_table_find (modes, (gsize) mode);

  if (entry == NULL)
    return FALSE;

  if (self->by_type)
    {
      HoldEntry *by_type = hold_table_find (&self->types, (gsize) entry->type);

      g_assert (by_type != NULL && by_type->count > 0);
      if (--by_type->count == 0)
        hold_table_remove (&self->types, by_type);
    }
  if (--entry->count == 0)
    hold_table_remove (&self->modes, entry);
  self->total--;

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
  HoldEntry *entry;
  guint count = 0;

  g_return_val_if_fail (FIFO_IS_LOCK_HOLDS (holds), 0);

  if (holds->by_type)
    {
      entry = hold_table_find (&holds->types, (gsize) mode_type);
      return entry != NULL ? entry->count : 0;
    }

  for (guint i = 0; i < holds->modes.n_entries; i++)
    if (holds->modes.entries[i].type == mode_type)
      count += holds->modes.entries[i].count;
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

  entry = hold_table_find (&holds->modes, (gsize) mode);
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
