/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "fifo-mutex.h"
#include "fifo-version-macros.h"

G_BEGIN_DECLS

/**
 * FifoConditionPredicate:
 * @user_data: the data given with the predicate
 *
 * Tells whether the state a [class@Fifo.Condition] waiter waits for has
 * been reached. It is called with the condition's mutex held, in the thread
 * (and, for asynchronous waits, the main context) of the waiter.
 *
 * Returns: %TRUE to stop waiting
 *
 * Since: 1.0
 */
typedef gboolean (*FifoConditionPredicate) (gpointer user_data);

#define FIFO_TYPE_CONDITION (fifo_condition_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FifoCondition, fifo_condition, FIFO, CONDITION, GObject)

FIFO_AVAILABLE_IN_1_0
FifoCondition *fifo_condition_new             (FifoMutex              *mutex);
FIFO_AVAILABLE_IN_1_0
FifoMutex     *fifo_condition_get_mutex       (FifoCondition          *self);
FIFO_AVAILABLE_IN_1_0
void           fifo_condition_wait_async      (FifoCondition          *self,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
FIFO_AVAILABLE_IN_1_0
gboolean       fifo_condition_wait_finish     (FifoCondition          *self,
                                               GAsyncResult           *result,
                                               GError                **error);
FIFO_AVAILABLE_IN_1_0
gboolean       fifo_condition_wait            (FifoCondition          *self,
                                               GCancellable           *cancellable,
                                               GError                **error);
FIFO_AVAILABLE_IN_1_0
void           fifo_condition_wait_for_async  (FifoCondition          *self,
                                               FifoConditionPredicate  predicate,
                                               gpointer                predicate_data,
                                               GDestroyNotify          predicate_data_destroy,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
FIFO_AVAILABLE_IN_1_0
gboolean       fifo_condition_wait_for_finish (FifoCondition          *self,
                                               GAsyncResult           *result,
                                               GError                **error);
FIFO_AVAILABLE_IN_1_0
gboolean       fifo_condition_wait_for        (FifoCondition          *self,
                                               FifoConditionPredicate  predicate,
                                               gpointer                predicate_data,
                                               GCancellable           *cancellable,
                                               GError                **error);
FIFO_AVAILABLE_IN_1_0
void           fifo_condition_notify          (FifoCondition          *self,
                                               guint                   n);
FIFO_AVAILABLE_IN_1_0
void           fifo_condition_notify_all      (FifoCondition          *self);
FIFO_AVAILABLE_IN_1_0
guint          fifo_condition_get_n_waiting   (FifoCondition          *self);
FIFO_AVAILABLE_IN_1_0
char          *fifo_condition_get_name        (FifoCondition          *self);
FIFO_AVAILABLE_IN_1_0
void           fifo_condition_set_name        (FifoCondition          *self,
                                               const char             *name);

G_END_DECLS
