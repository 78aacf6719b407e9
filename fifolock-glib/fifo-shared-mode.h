/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include "fifo-lock-mode.h"
#include "fifo-version-macros.h"

G_BEGIN_DECLS

#define FIFO_TYPE_SHARED_MODE (fifo_shared_mode_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FifoSharedMode, fifo_shared_mode, FIFO, SHARED_MODE, GObject)

FIFO_AVAILABLE_IN_1_0
FifoLockMode *fifo_shared_mode_new (void);

G_END_DECLS
