/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include <glib-object.h>

#include "fifo-version-macros.h"

G_BEGIN_DECLS

typedef struct _FifoLockMode FifoLockMode;

#define FIFO_TYPE_LOCK_HOLDS (fifo_lock_holds_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FifoLockHolds, fifo_lock_holds, FIFO, LOCK_HOLDS, GObject)

FIFO_AVAILABLE_IN_1_0
guint fifo_lock_holds_get          (FifoLockHolds *holds,
                                    GType          mode_type);
FIFO_AVAILABLE_IN_1_0
guint fifo_lock_holds_get_for_mode (FifoLockHolds *holds,
                                    FifoLockMode  *mode);
FIFO_AVAILABLE_IN_1_0
guint fifo_lock_holds_get_total    (FifoLockHolds *holds);

G_END_DECLS
