/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "fifo-version-macros.h"

G_BEGIN_DECLS

#define FIFO_TYPE_EVENT (fifo_event_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FifoEvent, fifo_event, FIFO, EVENT, GObject)

FIFO_AVAILABLE_IN_1_0
FifoEvent *fifo_event_new           (void);
FIFO_AVAILABLE_IN_1_0
void       fifo_event_wait_async    (FifoEvent            *self,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_event_wait_finish   (FifoEvent            *self,
                                     GAsyncResult         *result,
                                     GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_event_wait          (FifoEvent            *self,
                                     GCancellable         *cancellable,
                                     GError              **error);
FIFO_AVAILABLE_IN_1_0
void       fifo_event_set           (FifoEvent            *self);
FIFO_AVAILABLE_IN_1_0
void       fifo_event_clear         (FifoEvent            *self);
FIFO_AVAILABLE_IN_1_0
gboolean   fifo_event_get_is_set    (FifoEvent            *self);
FIFO_AVAILABLE_IN_1_0
guint      fifo_event_get_n_waiting (FifoEvent            *self);
FIFO_AVAILABLE_IN_1_0
char      *fifo_event_get_name      (FifoEvent            *self);
FIFO_AVAILABLE_IN_1_0
void       fifo_event_set_name      (FifoEvent            *self,
                                     const char           *name);

G_END_DECLS
