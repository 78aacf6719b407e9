/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "fifo-version-macros.h"

G_BEGIN_DECLS

#define FIFO_TYPE_SEMAPHORE (fifo_semaphore_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FifoSemaphore, fifo_semaphore, FIFO, SEMAPHORE, GObject)

FIFO_AVAILABLE_IN_1_0
FifoSemaphore *fifo_semaphore_new            (guint                 value);
FIFO_AVAILABLE_IN_1_0
FifoSemaphore *fifo_semaphore_new_bounded    (guint                 value);
FIFO_AVAILABLE_IN_1_0
void           fifo_semaphore_acquire_async  (FifoSemaphore        *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
FIFO_AVAILABLE_IN_1_0
gboolean       fifo_semaphore_acquire_finish (FifoSemaphore        *self,
                                              GAsyncResult         *result,
                                              GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean       fifo_semaphore_acquire        (FifoSemaphore        *self,
                                              GCancellable         *cancellable,
                                              GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean       fifo_semaphore_try_acquire    (FifoSemaphore        *self);
FIFO_AVAILABLE_IN_1_0
void           fifo_semaphore_release        (FifoSemaphore        *self);
FIFO_AVAILABLE_IN_1_0
guint          fifo_semaphore_get_value      (FifoSemaphore        *self);
FIFO_AVAILABLE_IN_1_0
gboolean       fifo_semaphore_is_bounded    (FifoSemaphore        *self);
FIFO_AVAILABLE_IN_1_0
guint          fifo_semaphore_get_n_waiting  (FifoSemaphore        *self);
FIFO_AVAILABLE_IN_1_0
char          *fifo_semaphore_get_name       (FifoSemaphore        *self);
FIFO_AVAILABLE_IN_1_0
void           fifo_semaphore_set_name       (FifoSemaphore        *self,
                                              const char           *name);

G_END_DECLS
