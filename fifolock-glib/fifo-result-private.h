/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FifoResult: the GAsyncResult handed to callbacks. Lighter than a GTask;
 * a dispatcher reuses one when nobody took a reference to it. The
 * dispatcher's own reference is a toggle reference: release it with
 * fifo_result_release(), never g_object_unref().
 */
#pragma once

#include "fifo-wait-queue-private.h"

G_BEGIN_DECLS

#define FIFO_TYPE_RESULT (fifo_result_get_type ())
G_DECLARE_FINAL_TYPE (FifoResult, fifo_result, FIFO, RESULT, GObject)

FifoResult *fifo_result_new        (void);
void        fifo_result_release    (FifoResult   *self);
void        fifo_result_fill       (FifoResult   *self,
                                    GObject      *source_object,
                                    gpointer      source_tag,
                                    gpointer      user_data,
                                    FifoOutcome   outcome,
                                    gint64        value);
/* Drops what fifo_result_fill() gave it; TRUE if it may be reused, FALSE
 * if somebody kept it (then release it). */
gboolean    fifo_result_recycle    (FifoResult   *self);

/* For _finish functions: did @result come from @source_tag on @source_object? */
gboolean    fifo_async_result_is_valid  (GAsyncResult  *result,
                                         gpointer       source_object,
                                         gpointer       source_tag);
gboolean    fifo_async_result_propagate (GAsyncResult  *result,
                                         gint64        *value,
                                         GError       **error);

G_END_DECLS
