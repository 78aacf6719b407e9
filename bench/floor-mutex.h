/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The floor of scenarios 2 and 3: see floor-mutex.c. */
#pragma once

#include <gio/gio.h>

#define FLOOR_TYPE_MUTEX (floor_mutex_get_type ())
G_DECLARE_FINAL_TYPE (FloorMutex, floor_mutex, FLOOR, MUTEX, GObject)

/* Bound to the calling thread's thread-default context when made. */
FloorMutex *floor_mutex_new            (void);
void        floor_mutex_acquire_async  (FloorMutex          *self,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    floor_mutex_acquire_finish (FloorMutex          *self,
                                        GAsyncResult        *result);
void        floor_mutex_release        (FloorMutex          *self);
