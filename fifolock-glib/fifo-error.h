/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include <glib.h>

#include "fifo-version-macros.h"

G_BEGIN_DECLS

/**
 * FIFO_ERROR:
 *
 * The error domain of fifolock-glib. Errors in it use the codes of
 * [enum@Fifo.Error].
 *
 * Since: 1.0
 */
#define FIFO_ERROR (fifo_error_quark ())

/**
 * FifoError:
 * @FIFO_ERROR_FAILED: a generic failure
 * @FIFO_ERROR_BROKEN_BARRIER: the [class@Fifo.Barrier] was broken by
 *   [method@Fifo.Barrier.abort] or [method@Fifo.Barrier.reset] while, or
 *   before, the operation waited on it
 * @FIFO_ERROR_QUEUE_SHUT_DOWN: the [class@Fifo.Queue] was shut down by
 *   [method@Fifo.Queue.shutdown]: no more puts, and no more gets once it is
 *   empty
 *
 * Runtime failures of fifolock-glib operations. Cancellation is reported
 * as %G_IO_ERROR_CANCELLED in the %G_IO_ERROR domain instead, as GIO does.
 *
 * Since: 1.0
 */
typedef enum {
  FIFO_ERROR_FAILED,
  FIFO_ERROR_BROKEN_BARRIER,
  FIFO_ERROR_QUEUE_SHUT_DOWN,
} FifoError;

FIFO_AVAILABLE_IN_1_0
GQuark fifo_error_quark (void);

G_END_DECLS
