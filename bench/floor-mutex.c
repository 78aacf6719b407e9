/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The floor: the least an asynchronous FIFO mutex on a GLib main loop can
 * do, for one context — a GMutex over the lock's state and its FIFO, one
 * dispatcher GSource whose ready list (its own GMutex) is drained in
 * batches of 1024, and pooled GAsyncResults. No cancellation, no threads'
 * contexts, no properties: what fifolock-glib adds costs what it measures
 * above this.
 */
#include "floor-mutex.h"

#define FLOOR_BATCH 1024

typedef struct _FloorWaiter FloorWaiter;
struct _FloorWaiter
{
  FloorWaiter         *next;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
};

/* A GAsyncResult that is only ever handed to a callback and taken back. */
#define FLOOR_TYPE_RESULT (floor_result_get_type ())
G_DECLARE_FINAL_TYPE (FloorResult, floor_result, FLOOR, RESULT, GObject)

struct _FloorResult
{
  GObject      parent_instance;
  GObject     *source;
  gpointer     user_data;
  FloorResult *next_free;
};

static GObject *
floor_result_get_source_object (GAsyncResult *result)
{
  return g_object_ref (FLOOR_RESULT (result)->source);
}

static gpointer
floor_result_get_user_data (GAsyncResult *result)
{
  return FLOOR_RESULT (result)->user_data;
}

static void
floor_result_iface_init (GAsyncResultIface *iface)
{
  iface->get_source_object = floor_result_get_source_object;
  iface->get_user_data = floor_result_get_user_data;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FloorResult, floor_result, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_RESULT, floor_result_iface_init))

static void floor_result_class_init (FloorResultClass *klass) { }
static void floor_result_init (FloorResult *self) { }

struct _FloorMutex
{
  GObject      parent_instance;
  GMutex       lock;         /* locked, head, tail */
  gboolean     locked;
  FloorWaiter *head, *tail;
  GSource     *dispatcher;
};

G_DEFINE_FINAL_TYPE (FloorMutex, floor_mutex, G_TYPE_OBJECT)

typedef struct
{
  GSource      source;
  FloorMutex  *mutex;        /* not a reference: it owns us */
  GMutex       lock;         /* ready, ready_tail */
  FloorWaiter *ready, *ready_tail;
  FloorResult *free_results;
} FloorDispatcher;

static gboolean
floor_dispatcher_prepare (GSource *source,
                          gint    *timeout)
{
  *timeout = -1;
  return g_atomic_pointer_get (&((FloorDispatcher *) source)->ready) != NULL;
}

static gboolean
floor_dispatcher_check (GSource *source)
{
  return g_atomic_pointer_get (&((FloorDispatcher *) source)->ready) != NULL;
}

static gboolean
floor_dispatcher_dispatch (GSource     *source,
                           GSourceFunc  callback,
                           gpointer     user_data)
{
  FloorDispatcher *self = (FloorDispatcher *) source;

  for (guint n = 0; n < FLOOR_BATCH; n++)
    {
      FloorWaiter *waiter;
      FloorResult *result;

      g_mutex_lock (&self->lock);
      waiter = self->ready;
      if (waiter != NULL && (self->ready = waiter->next) == NULL)
        self->ready_tail = NULL;
      g_mutex_unlock (&self->lock);
      if (waiter == NULL)
        break;

      result = self->free_results;
      if (result != NULL)
        self->free_results = result->next_free;
      else
        result = g_object_new (FLOOR_TYPE_RESULT, NULL);
      result->source = G_OBJECT (self->mutex);
      result->user_data = waiter->user_data;
      waiter->callback (G_OBJECT (self->mutex), G_ASYNC_RESULT (result), waiter->user_data);
      result->next_free = self->free_results;
      self->free_results = result;
      g_free (waiter);
    }
  return G_SOURCE_CONTINUE;
}

static void
floor_dispatcher_finalize (GSource *source)
{
  FloorDispatcher *self = (FloorDispatcher *) source;

  while (self->free_results != NULL)
    {
      FloorResult *result = self->free_results;

      self->free_results = result->next_free;
      g_object_unref (result);
    }
  g_mutex_clear (&self->lock);
}

static GSourceFuncs floor_dispatcher_funcs = {
  floor_dispatcher_prepare, floor_dispatcher_check, floor_dispatcher_dispatch,
  floor_dispatcher_finalize, NULL, NULL,
};

static void
floor_dispatcher_push (FloorMutex  *mutex,
                       FloorWaiter *waiter)
{
  FloorDispatcher *self = (FloorDispatcher *) mutex->dispatcher;
  gboolean was_empty;

  waiter->next = NULL;
  g_mutex_lock (&self->lock);
  was_empty = self->ready == NULL;
  if (was_empty)
    g_atomic_pointer_set (&self->ready, waiter);
  else
    self->ready_tail->next = waiter;
  self->ready_tail = waiter;
  g_mutex_unlock (&self->lock);
  /* One context, iterated by this thread: its next prepare finds it. */
}

void
floor_mutex_acquire_async (FloorMutex          *self,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  FloorWaiter *waiter = g_new (FloorWaiter, 1);

  waiter->next = NULL;
  waiter->callback = callback;
  waiter->user_data = user_data;

  g_mutex_lock (&self->lock);
  if (!self->locked)
    {
      self->locked = TRUE;
      g_mutex_unlock (&self->lock);
      floor_dispatcher_push (self, waiter);
      return;
    }
  if (self->tail != NULL)
    self->tail->next = waiter;
  else
    self->head = waiter;
  self->tail = waiter;
  g_mutex_unlock (&self->lock);
}

gboolean
floor_mutex_acquire_finish (FloorMutex   *self,
                            GAsyncResult *result)
{
  return TRUE;
}

void
floor_mutex_release (FloorMutex *self)
{
  FloorWaiter *next;

  g_mutex_lock (&self->lock);
  next = self->head;
  if (next != NULL)
    {
      if ((self->head = next->next) == NULL)
        self->tail = NULL;
    }
  else
    {
      self->locked = FALSE;
    }
  g_mutex_unlock (&self->lock);
  if (next != NULL)
    floor_dispatcher_push (self, next);  /* handed on, still locked */
}

static void
floor_mutex_finalize (GObject *object)
{
  FloorMutex *self = FLOOR_MUTEX (object);

  g_source_destroy (self->dispatcher);
  g_source_unref (self->dispatcher);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (floor_mutex_parent_class)->finalize (object);
}

static void
floor_mutex_class_init (FloorMutexClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = floor_mutex_finalize;
}

static void
floor_mutex_init (FloorMutex *self)
{
  FloorDispatcher *dispatcher;

  g_mutex_init (&self->lock);
  self->dispatcher = g_source_new (&floor_dispatcher_funcs, sizeof (FloorDispatcher));
  dispatcher = (FloorDispatcher *) self->dispatcher;
  dispatcher->mutex = self;
  g_mutex_init (&dispatcher->lock);
  g_source_attach (self->dispatcher, g_main_context_get_thread_default ());
}

FloorMutex *
floor_mutex_new (void)
{
  return g_object_new (FLOOR_TYPE_MUTEX, NULL);
}
