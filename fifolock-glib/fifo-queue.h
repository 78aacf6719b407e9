/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "fifo-version-macros.h"

G_BEGIN_DECLS

#define FIFO_TYPE_QUEUE (fifo_queue_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FifoQueue, fifo_queue, FIFO, QUEUE, GObject)

FIFO_AVAILABLE_IN_1_0
FifoQueue *fifo_queue_new              (guint                 max_size,
                                        GDestroyNotify        free_item);
FIFO_AVAILABLE_IN_1_0
FifoQueue *fifo_queue_new_for_values   (guint                 max_size);

/* Items as pointers (C) */
FIFO_AVAILABLE_IN_1_0
void       fifo_queue_put_async        (FifoQueue            *self,
                                        gpointer              item,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_put_finish       (FifoQueue            *self,
                                        GAsyncResult         *result,
                                        GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_put              (FifoQueue            *self,
                                        gpointer              item,
                                        GCancellable         *cancellable,
                                        GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_try_put          (FifoQueue            *self,
                                        gpointer              item);
FIFO_AVAILABLE_IN_1_0
void       fifo_queue_get_async        (FifoQueue            *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
FIFO_AVAILABLE_IN_1_0
gpointer   fifo_queue_get_finish       (FifoQueue            *self,
                                        GAsyncResult         *result,
                                        GError              **error);
FIFO_AVAILABLE_IN_1_0
gpointer   fifo_queue_get              (FifoQueue            *self,
                                        GCancellable         *cancellable,
                                        GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_try_get          (FifoQueue            *self,
                                        gpointer             *item);

/* Items as GValues (every language) */
FIFO_AVAILABLE_IN_1_0
void       fifo_queue_put_value_async  (FifoQueue            *self,
                                        const GValue         *value,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_put_value_finish (FifoQueue            *self,
                                        GAsyncResult         *result,
                                        GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_put_value        (FifoQueue            *self,
                                        const GValue         *value,
                                        GCancellable         *cancellable,
                                        GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_try_put_value    (FifoQueue            *self,
                                        const GValue         *value);
FIFO_AVAILABLE_IN_1_0
GValue    *fifo_queue_get_value_finish (FifoQueue            *self,
                                        GAsyncResult         *result,
                                        GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_get_value_finish_into (FifoQueue       *self,
                                             GAsyncResult    *result,
                                             GValue          *value,
                                             GError         **error);
FIFO_AVAILABLE_IN_1_0
GValue    *fifo_queue_get_value        (FifoQueue            *self,
                                        GCancellable         *cancellable,
                                        GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_try_get_value    (FifoQueue            *self,
                                        GValue               *value);

/* Giving back what a consumer got and cannot handle */
FIFO_AVAILABLE_IN_1_0
void       fifo_queue_give_back        (FifoQueue            *self,
                                        gpointer              item);
FIFO_AVAILABLE_IN_1_0
void       fifo_queue_give_back_value  (FifoQueue            *self,
                                        const GValue         *value);

/* Tasks, shutting down */
FIFO_AVAILABLE_IN_1_0
void       fifo_queue_task_done        (FifoQueue            *self);
FIFO_AVAILABLE_IN_1_0
void       fifo_queue_join_async       (FifoQueue            *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_join_finish      (FifoQueue            *self,
                                        GAsyncResult         *result,
                                        GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_join             (FifoQueue            *self,
                                        GCancellable         *cancellable,
                                        GError              **error);
FIFO_AVAILABLE_IN_1_0
void       fifo_queue_shutdown         (FifoQueue            *self,
                                        gboolean              immediate);

FIFO_AVAILABLE_IN_1_0
guint      fifo_queue_get_max_size     (FifoQueue            *self);
FIFO_AVAILABLE_IN_1_0
guint      fifo_queue_get_n_items      (FifoQueue            *self);
FIFO_AVAILABLE_IN_1_0
guint      fifo_queue_get_n_waiting    (FifoQueue            *self);
FIFO_AVAILABLE_IN_1_0
guint      fifo_queue_get_n_unfinished (FifoQueue            *self);
FIFO_AVAILABLE_IN_1_0
char      *fifo_queue_get_name         (FifoQueue            *self);
FIFO_AVAILABLE_IN_1_0
void       fifo_queue_set_name         (FifoQueue            *self,
                                        const char           *name);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_get_is_shut_down (FifoQueue            *self);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_queue_holds_values     (FifoQueue            *self);

G_END_DECLS
