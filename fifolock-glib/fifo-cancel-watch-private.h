/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FifoCancelWatch: the library's one handler on a GCancellable.
 *
 * NOTES
 *
 * Every cancellable a request uses gets one watch, found in a registry of
 * our own (not qdata on the application's object), and one handler on its
 * "cancelled" signal, connected with g_signal_connect_data() when the first
 * request uses it and never disconnected: the handler goes with the
 * cancellable, and its closure's notify takes the watch out of the
 * registry. Waiters register in
 * the watch's list and leave it with nothing but the watch's own lock, a
 * leaf. So the library never calls g_cancellable_connect() (which, on GLib
 * ≥ 2.80, locks the cancellable's mutex, held by a running emission) nor
 * g_cancellable_disconnect() (which waits for a running emission to end):
 * inside that emission, or in two threads emitting two cancellables at
 * once, either would wait for ever.
 *
 * The handler takes every waiter out of the list (each is cancelled once;
 * a later request on a reset cancellable registers anew) and asks the core
 * to cancel it, which only ever tries a queue's mutex (see
 * fifo-wait-queue-private.h). A request that registers after the handler
 * ran finds the cancellable cancelled when it checks, after registering.
 *
 * Because the handler stays where it was first connected, its place among
 * the cancellable's handlers is fixed: handlers the application connected
 * before the first request run before the library's cancellations, those it
 * connected after run after them. The semantics guide documents this.
 *
 * A waiter holds a reference to the watch, not to the cancellable: dropping
 * a waiter never finalizes a cancellable (and runs nobody's weak-reference
 * code) inside the library, and a cancellable nobody else holds can no
 * longer be cancelled anyway.
 */
#pragma once

#include "fifo-wait-queue-private.h"

G_BEGIN_DECLS

/* Unlocked. The watch of @cancellable, made (and its handler connected) if
 * it has none yet. Returns a reference. */
FifoCancelWatch *fifo_cancel_watch_get      (GCancellable    *cancellable);
void             fifo_cancel_watch_unref    (FifoCancelWatch *watch);

/* Registers @waiter (waiter->watch is set) and tells whether the
 * cancellable is cancelled already: then the caller cancels it itself. */
gboolean         fifo_cancel_watch_add      (FifoCancelWatch *watch,
                                             FifoWaiter      *waiter,
                                             GCancellable    *cancellable);
/* Unregisters @waiter, if it is still registered. */
void             fifo_cancel_watch_remove   (FifoCancelWatch *watch,
                                             FifoWaiter      *waiter);

G_END_DECLS
