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
FifoLockModeInterface *fifo_lock_mode_peek_iface (gpointer                       instance,
                                                  const FifoLockModeClassCache **cache);

G_END_DECLS
