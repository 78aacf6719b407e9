/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include <glib-object.h>

#include "fifo-lock-holds.h"
#include "fifo-version-macros.h"

G_BEGIN_DECLS

#define FIFO_TYPE_LOCK_MODE (fifo_lock_mode_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_INTERFACE (FifoLockMode, fifo_lock_mode, FIFO, LOCK_MODE, GObject)

/**
 * FifoLockModeInterface:
 * @g_iface: the parent interface
 * @is_compatible: decides whether a request in this mode may be granted
 *   given what the lock holds right now
 *
 * The virtual functions of [iface@Fifo.LockMode].
 *
 * Since: 1.0
 */
struct _FifoLockModeInterface
{
  GTypeInterface g_iface;

  gboolean (*is_compatible) (FifoLockMode  *self,
                             FifoLockHolds *holds);

  /*< private >*/
  gpointer padding[8];
};

FIFO_AVAILABLE_IN_1_0
gboolean fifo_lock_mode_is_compatible (FifoLockMode  *self,
                                       FifoLockHolds *holds);

G_END_DECLS
