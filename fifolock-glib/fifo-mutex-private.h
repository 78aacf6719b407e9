/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "fifo-mutex.h"
#include "fifo-wait-queue-private.h"

G_BEGIN_DECLS

/* For FifoCondition, which queues its waiters at the mutex once notified. */
FifoWaitQueue *fifo_mutex_get_wait_queue (FifoMutex *self);
/* Locked (the mutex's queue). Releases it if it is locked; FALSE if not. */
gboolean       fifo_mutex_release_locked (FifoMutex *self);

G_END_DECLS
