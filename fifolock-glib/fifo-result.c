/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-owned-private.h"
#include "fifo-result-private.h"

struct _FifoResult
{
  GObject      parent_instance;
  GObject     *source_object;
  gpointer     source_tag;
  gpointer     user_data;
  gint64       value;
  FifoOutcome  outcome;
  gint         seen;   /* atomic: someone else took a reference */
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
  return FIFO_RESULT (result)->source_tag == source_tag;
}

static void
fifo_result_async_result_iface_init (GAsyncResultIface *iface)
{
  iface->get_user_data = fifo_result_get_user_data;
  iface->get_source_object = fifo_result_get_source_object;
  iface->is_tagged = fifo_result_is_tagged;
}

static void
fifo_result_finalize (GObject *object)
{
  FifoResult *self = FIFO_RESULT (object);

  g_clear_object (&self->source_object);

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
fifo_result_fill (FifoResult  *self,
                  GObject     *source_object,
                  gpointer     source_tag,
                  gpointer     user_data,
                  FifoOutcome  outcome,
                  gint64       value)
{
  self->source_object = source_object;
  self->source_tag = source_tag;
  self->user_data = user_data;
  self->outcome = outcome;
  self->value = value;
}

gboolean
fifo_result_recycle (FifoResult *self)
{
  /* Reusable only when nobody ever took a reference to it: a binding that
   * wrapped it did, and so does a callback that keeps it. */
  if (g_atomic_int_get (&self->seen))
    return FALSE;  /* whoever kept it still sees its source object */

  g_clear_object (&self->source_object);
  self->source_tag = NULL;
  self->user_data = NULL;
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
  return self->source_object == source_object && self->source_tag == source_tag;
}

gboolean
fifo_async_result_propagate (GAsyncResult  *result,
                             gint64        *value,
                             GError       **error)
{
  FifoResult *self = FIFO_RESULT (result);

  if (value != NULL)
    *value = self->value;

  return fifo_outcome_propagate (self->outcome, error);
}
