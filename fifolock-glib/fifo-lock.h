/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "fifo-lock-mode.h"
#include "fifo-version-macros.h"

G_BEGIN_DECLS

#define FIFO_TYPE_LOCK (fifo_lock_get_type ())

FIFO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FifoLock, fifo_lock, FIFO, LOCK, GObject)

FIFO_AVAILABLE_IN_1_0
FifoLock *fifo_lock_new            (void);
FIFO_AVAILABLE_IN_1_0
void      fifo_lock_acquire_async  (FifoLock             *self,
                                    FifoLockMode         *mode,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
FIFO_AVAILABLE_IN_1_0
gboolean  fifo_lock_acquire_finish (FifoLock             *self,
                                    GAsyncResult         *result,
                                    GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean  fifo_lock_acquire        (FifoLock             *self,
                                    FifoLockMode         *mode,
                                    GCancellable         *cancellable,
                                    GError              **error);
FIFO_AVAILABLE_IN_1_0
gboolean  fifo_lock_try_acquire    (FifoLock             *self,
                                    FifoLockMode         *mode);
FIFO_AVAILABLE_IN_1_0
void      fifo_lock_release        (FifoLock             *self,
                                    FifoLockMode         *mode);
FIFO_AVAILABLE_IN_1_0
guint     fifo_lock_get_n_waiting  (FifoLock             *self);
FIFO_AVAILABLE_IN_1_0
char     *fifo_lock_get_name       (FifoLock             *self);
FIFO_AVAILABLE_IN_1_0
void      fifo_lock_set_name       (FifoLock             *self,
                                    const char           *name);

G_END_DECLS
