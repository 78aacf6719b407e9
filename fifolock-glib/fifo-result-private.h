/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FifoResult: the GAsyncResult handed to callbacks. Lighter than a GTask;
 * a dispatcher reuses one when the callback kept no reference to it.
 */
#pragma once

#include "fifo-wait-queue-private.h"

G_BEGIN_DECLS

#define FIFO_TYPE_RESULT (fifo_result_get_type ())
G_DECLARE_FINAL_TYPE (FifoResult, fifo_result, FIFO, RESULT, GObject)

FifoResult *fifo_result_new        (void);
void        fifo_result_fill       (FifoResult   *self,
                                    GObject      *source_object,
                                    gpointer      source_tag,
                                    gpointer      user_data,
                                    FifoOutcome   outcome,
                                    gint64        value);
/* Drops what fifo_result_fill() gave it; TRUE if it may be reused. */
gboolean    fifo_result_recycle    (FifoResult   *self);

/* For _finish functions: did @result come from @source_tag on @source_object? */
gboolean    fifo_async_result_is_valid  (GAsyncResult  *result,
                                         gpointer       source_object,
                                         gpointer       source_tag);
gboolean    fifo_async_result_propagate (GAsyncResult  *result,
                                         gint64        *value,
                                         GError       **error);

G_END_DECLS
