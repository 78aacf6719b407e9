/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "fifo-lock-mode.h"

G_BEGIN_DECLS

/* What a lock remembers of the last mode class it saw: records are made
 * once per class and never freed (classes of static types live forever),
 * so a lock can swap its cached one with a single atomic store. */
typedef struct
{
  gpointer               klass;
  FifoLockModeInterface *iface;
} FifoLockModeClassCache;

/* The FifoLockModeInterface of @instance, or NULL if it is not a mode: a
 * check and a lookup in one, answered from *@cache (atomic, may point to
 * NULL) when @instance is of the class seen last. An interface check
 * otherwise costs more than a whole uncontended acquisition. */
FifoLockModeInterface *fifo_lock_mode_peek_iface_slow (gpointer                       instance,
                                                       const FifoLockModeClassCache **cache);

/* @instance's FifoLockModeInterface, or NULL if it is no mode. @cache (a
 * lock's) remembers the class last seen: a lock's modes are seldom of
 * more than one or two. Asked several times per grant: inline. */
static inline FifoLockModeInterface *
fifo_lock_mode_peek_iface (gpointer                       instance,
                           const FifoLockModeClassCache **cache)
{
  const FifoLockModeClassCache *record;

  if (G_UNLIKELY (instance == NULL || ((GTypeInstance *) instance)->g_class == NULL))
    return NULL;

  record = g_atomic_pointer_get (cache);
  if (G_LIKELY (record != NULL && record->klass == ((GTypeInstance *) instance)->g_class))
    return record->iface;

  return fifo_lock_mode_peek_iface_slow (instance, cache);
}

G_END_DECLS
