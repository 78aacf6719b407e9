/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include "fifo-lock-mode.h"
#include "fifo-version-macros.h"

G_BEGIN_DECLS

#define FIFO_TYPE_EXCLUSIVE_MODE (fifo_exclusive_mode_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FifoExclusiveMode, fifo_exclusive_mode, FIFO, EXCLUSIVE_MODE, GObject)

FIFO_AVAILABLE_IN_1_0
FifoLockMode *fifo_exclusive_mode_new (void);

G_END_DECLS
