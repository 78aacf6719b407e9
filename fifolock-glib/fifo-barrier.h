/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "fifo-version-macros.h"

G_BEGIN_DECLS

#define FIFO_TYPE_BARRIER (fifo_barrier_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FifoBarrier, fifo_barrier, FIFO, BARRIER, GObject)

FIFO_AVAILABLE_IN_1_0
FifoBarrier *fifo_barrier_new           (guint                 parties);
FIFO_AVAILABLE_IN_1_0
void         fifo_barrier_wait_async    (FifoBarrier          *self,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
FIFO_AVAILABLE_IN_1_0
gint         fifo_barrier_wait_finish   (FifoBarrier          *self,
                                         GAsyncResult         *result,
                                         GError              **error);
FIFO_AVAILABLE_IN_1_0
gint         fifo_barrier_wait          (FifoBarrier          *self,
                                         GCancellable         *cancellable,
                                         GError              **error);
FIFO_AVAILABLE_IN_1_0
void         fifo_barrier_reset         (FifoBarrier          *self);
FIFO_AVAILABLE_IN_1_0
void         fifo_barrier_abort         (FifoBarrier          *self);
FIFO_AVAILABLE_IN_1_0
guint        fifo_barrier_get_parties   (FifoBarrier          *self);
FIFO_AVAILABLE_IN_1_0
guint        fifo_barrier_get_n_waiting (FifoBarrier          *self);
FIFO_AVAILABLE_IN_1_0
char        *fifo_barrier_get_name      (FifoBarrier          *self);
FIFO_AVAILABLE_IN_1_0
void         fifo_barrier_set_name      (FifoBarrier          *self,
                                         const char           *name);
FIFO_AVAILABLE_IN_1_0
gboolean     fifo_barrier_get_broken    (FifoBarrier          *self);

G_END_DECLS
