/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NOTES
 *
 * A FifoResult is filled by a dispatcher, handed to one callback, and then
 * reused for the next one unless somebody took a reference to it (see
 * fifo-owned-private.h). It owns what the waiter delivered: a payload
 * stays the result's until _finish takes it (fifo_async_result_steal()),
 * and goes to its operation's free_payload() if nobody does — when the
 * result is reused or finalized. Only the thread that delivered it, or
 * whoever keeps it, touches it.
 */
#include "config.h"

#include "fifo-owned-private.h"
#include "fifo-result-private.h"

struct _FifoResult
{
  GObject              parent_instance;
  GObject             *source_object;  /* home->owner, while filled */
  FifoWaitQueue       *home;           /* held while filled */
  const FifoOperation *op;
  gpointer             user_data;
  FifoWaiterData       data;
  FifoOutcome          outcome;
  gint                 seen;   /* atomic: someone else took a reference */
};

static void fifo_result_async_result_iface_init (GAsyncResultIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FifoResult, fifo_result, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_RESULT,
                                                      fifo_result_async_result_iface_init))

static gpointer
fifo_result_get_user_data (GAsyncResult *result)
{
  return FIFO_RESULT (result)->user_data;
}

static GObject *
fifo_result_get_source_object (GAsyncResult *result)
{
  FifoResult *self = FIFO_RESULT (result);

  return self->source_object ? g_object_ref (self->source_object) : NULL;
}

static gboolean
fifo_result_is_tagged (GAsyncResult *result,
                       gpointer      source_tag)
{
  FifoResult *self = FIFO_RESULT (result);

  return self->op != NULL && self->op->source_tag == source_tag;
}

static void
fifo_result_async_result_iface_init (GAsyncResultIface *iface)
{
  iface->get_user_data = fifo_result_get_user_data;
  iface->get_source_object = fifo_result_get_source_object;
  iface->is_tagged = fifo_result_is_tagged;
}

/* A payload nobody took goes, with its operation's free function. */
static void
fifo_result_clear (FifoResult *self)
{
  if (self->op != NULL && self->op->delivers_payload && self->data.pointer != NULL)
    self->op->klass->free_payload (self->source_object, g_steal_pointer (&self->data.pointer));
  self->source_object = NULL;
  if (self->home != NULL)
    fifo_wait_queue_unhold (g_steal_pointer (&self->home));
  self->op = NULL;
  self->user_data = NULL;
  self->data.value = 0;
}

static void
fifo_result_finalize (GObject *object)
{
  fifo_result_clear (FIFO_RESULT (object));

  G_OBJECT_CLASS (fifo_result_parent_class)->finalize (object);
}

static void
fifo_result_class_init (FifoResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fifo_result_finalize;
}

static void
fifo_result_init (FifoResult *self)
{
}

/* The dispatcher's only reference is a toggle reference (see
 * fifo-owned-private.h): it learns whether a callback, or a binding, kept
 * the result. */
FifoResult *
fifo_result_new (void)
{
  FifoResult *self = g_object_new (FIFO_TYPE_RESULT, NULL);

  return fifo_owned_take (self, fifo_owned_notify_sticky, &self->seen);
}

void
fifo_result_release (FifoResult *self)
{
  fifo_owned_release (self, fifo_owned_notify_sticky, &self->seen);
}

void
fifo_result_fill (FifoResult          *self,
                  FifoWaitQueue       *home,
                  const FifoOperation *op,
                  gpointer             user_data,
                  FifoOutcome          outcome,
                  FifoWaiterData       data)
{
  self->home = home;
  self->source_object = home->owner;
  self->op = op;
  self->user_data = user_data;
  self->outcome = outcome;
  self->data = data;
}

gboolean
fifo_result_recycle (FifoResult *self)
{
  /* Reusable only when nobody ever took a reference to it: a binding that
   * wrapped it did, and so does a callback that keeps it. */
  if (g_atomic_int_get (&self->seen))
    return FALSE;  /* whoever kept it still sees what it delivered */

  fifo_result_clear (self);
  return TRUE;
}

gboolean
fifo_async_result_is_valid (GAsyncResult *result,
                            gpointer      source_object,
                            gpointer      source_tag)
{
  FifoResult *self;

  if (!FIFO_IS_RESULT (result))
    return FALSE;

  self = FIFO_RESULT (result);
  return self->source_object == source_object && self->op != NULL &&
         self->op->source_tag == source_tag;
}

gboolean
fifo_async_result_propagate (GAsyncResult  *result,
                             gint64        *value,
                             GError       **error)
{
  FifoResult *self = FIFO_RESULT (result);

  if (value != NULL)
    *value = self->data.value;

  return fifo_outcome_propagate (self->op, self->outcome, error);
}

gboolean
fifo_async_result_steal (GAsyncResult  *result,
                         gpointer      *payload,
                         GError       **error)
{
  FifoResult *self = FIFO_RESULT (result);

  g_assert (self->op->delivers_payload);

  /* Taken once: a second _finish gets nothing, and nothing is freed twice. */
  *payload = g_steal_pointer (&self->data.pointer);
  return fifo_outcome_propagate (self->op, self->outcome, error);
}
