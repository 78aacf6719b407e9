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
void        fifo_result_release    (FifoResult          *self);
/* Takes a hold of @home (whose owner is the source object), and @data's
 * payload if @op delivers one. */
void        fifo_result_fill       (FifoResult          *self,
                                    FifoWaitQueue       *home,
                                    const FifoOperation *op,
                                    gpointer             user_data,
                                    FifoOutcome          outcome,
                                    FifoWaiterData       data);
/* Drops what fifo_result_fill() gave it (a payload nobody took is freed);
 * TRUE if it may be reused, FALSE if somebody kept it (then release it). */
gboolean    fifo_result_recycle    (FifoResult          *self);

/* For _finish functions: did @result come from @source_tag on @source_object? */
gboolean    fifo_async_result_is_valid  (GAsyncResult  *result,
                                         gpointer       source_object,
                                         gpointer       source_tag);
/* The outcome, as a GError if it failed; @value receives the delivered value. */
gboolean    fifo_async_result_propagate (GAsyncResult  *result,
                                         gint64        *value,
                                         GError       **error);
/* The same for an operation that delivers a payload: @payload receives it
 * (the caller's), or NULL once taken. */
gboolean    fifo_async_result_steal     (GAsyncResult  *result,
                                         gpointer      *payload,
                                         GError       **error);

G_END_DECLS
