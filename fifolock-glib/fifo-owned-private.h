/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Objects of our own that we hand out and must know whether anybody kept:
 * the result a dispatcher reuses, the holds a lock keeps updating.
 *
 * NOTES
 *
 * Only GLib's public API: rather than read GObject's reference count or
 * its qdata pointer (private fields, whose flag bits GLib may change), our
 * only reference to such an object is a toggle reference, and GObject tells
 * us (in the thread that does it) when someone else takes a reference, and
 * when the last other one goes. A binding that wraps the object takes one
 * before anything else (PyGObject, GJS, Vala all do), so it is seen.
 *
 * Data or weak references attached by somebody who holds no reference are
 * not seen: GObject's rules say to hold a reference to what you keep.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* *@shared becomes TRUE when someone else takes a reference, FALSE again
 * when the last of them goes. */
static inline void
fifo_owned_notify (gpointer  shared,
                   GObject  *object,
                   gboolean  is_last_ref)
{
  g_atomic_int_set ((gint *) shared, !is_last_ref);
}

/* *@shared becomes TRUE, for good, when someone else takes a reference. */
static inline void
fifo_owned_notify_sticky (gpointer  shared,
                          GObject  *object,
                          gboolean  is_last_ref)
{
  if (!is_last_ref)
    g_atomic_int_set ((gint *) shared, TRUE);
}

/* Turns the caller's reference to a new @object into our toggle
 * reference, watched by @notify through @shared. */
static inline gpointer
fifo_owned_take (gpointer           object,
                 GToggleNotify      notify,
                 gint              *shared)
{
  *shared = FALSE;
  g_object_add_toggle_ref (object, notify, shared);
  g_object_unref (object);
  return object;
}

/* Drops our reference: whoever else holds one keeps the object. */
static inline void
fifo_owned_release (gpointer       object,
                    GToggleNotify  notify,
                    gint          *shared)
{
  g_object_remove_toggle_ref (object, notify, shared);
}

G_END_DECLS
