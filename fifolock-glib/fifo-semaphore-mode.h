/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include "fifo-lock-mode.h"
#include "fifo-version-macros.h"

G_BEGIN_DECLS

#define FIFO_TYPE_SEMAPHORE_MODE (fifo_semaphore_mode_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FifoSemaphoreMode, fifo_semaphore_mode, FIFO, SEMAPHORE_MODE, GObject)

FIFO_AVAILABLE_IN_1_0
FifoLockMode *fifo_semaphore_mode_new      (guint              size);
FIFO_AVAILABLE_IN_1_0
guint         fifo_semaphore_mode_get_size (FifoSemaphoreMode *self);

G_END_DECLS
