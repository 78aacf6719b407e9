/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "fifo-version-macros.h"

G_BEGIN_DECLS

#define FIFO_TYPE_MUTEX (fifo_mutex_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FifoMutex, fifo_mutex, FIFO, MUTEX, GObject)

FIFO_AVAILABLE_IN_1_0
FifoMutex *fifo_mutex_new            (void);
FIFO_AVAILABLE_IN_1_0
void       fifo_mutex_acquire_async  (FifoMutex            *self,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_mutex_acquire_finish (FifoMutex            *self,
                                      GAsyncResult         *result,
                                      GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_mutex_acquire        (FifoMutex            *self,
                                      GCancellable         *cancellable,
                                      GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_mutex_try_acquire    (FifoMutex            *self);
FIFO_AVAILABLE_IN_1_0
void       fifo_mutex_release        (FifoMutex            *self);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_mutex_get_locked     (FifoMutex            *self);
FIFO_AVAILABLE_IN_1_0
guint      fifo_mutex_get_n_waiting  (FifoMutex            *self);
FIFO_AVAILABLE_IN_1_0
char      *fifo_mutex_get_name       (FifoMutex            *self);
FIFO_AVAILABLE_IN_1_0
void       fifo_mutex_set_name       (FifoMutex            *self,
                                      const char           *name);

G_END_DECLS
