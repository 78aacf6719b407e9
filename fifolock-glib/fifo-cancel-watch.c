/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-cancel-watch-private.h"

struct _FifoCancelWatch
{
  gint          ref_count;    /* atomic: the registry's (its handler's), waiters' */
  GMutex        lock;         /* a leaf: guards the list and waiter->watched */
  FifoWaiter   *head;         /* registered waiters, oldest first, through ->watch_next */
  FifoWaiter   *tail;
  GCancellable *cancellable;  /* not a reference: the registry's key */
};

/* The registry: cancellable → watch, not as qdata on the application's
 * object (whose datalist is GLib's business, torn down by whichever
 * thread drops the last reference) but in tables of our own, sharded so
 * that threads with different cancellables rarely meet. An entry goes
 * with the handler, which goes with the cancellable (its dispose destroys
 * its handlers). Each shard's lock is a leaf. */
#define N_SHARDS 16

typedef struct
{
  GMutex      lock;
  GHashTable *watches;  /* GCancellable * → FifoCancelWatch * */
} Shard;

static Shard shards[N_SHARDS];

static Shard *
fifo_cancel_watch_shard (GCancellable *cancellable)
{
  guintptr key = (guintptr) cancellable;

  /* Objects are at least 8-byte aligned, and allocated in runs. */
  return &shards[(key >> 4 ^ key >> 10) % N_SHARDS];
}

static FifoCancelWatch *
fifo_cancel_watch_ref (FifoCancelWatch *watch)
{
  g_atomic_int_inc (&watch->ref_count);
  return watch;
}

void
fifo_cancel_watch_unref (FifoCancelWatch *watch)
{
  if (!g_atomic_int_dec_and_test (&watch->ref_count))
    return;

  g_assert (watch->head == NULL);
  g_mutex_clear (&watch->lock);
  g_free (watch);
}

/* The handler is gone, and with it (in all but odd cases) the cancellable:
 * forget it. Its waiters, if any, keep the watch. */
static void
fifo_cancel_watch_closure_notify (gpointer  data,
                                  GClosure *closure)
{
  FifoCancelWatch *watch = data;
  Shard *shard = fifo_cancel_watch_shard (watch->cancellable);

  g_mutex_lock (&shard->lock);
  if (g_hash_table_lookup (shard->watches, watch->cancellable) == watch)
    g_hash_table_remove (shard->watches, watch->cancellable);
  g_mutex_unlock (&shard->lock);

  fifo_cancel_watch_unref (watch);
}

/* The cancellable's "cancelled" handler. Runs inside its emission, in any
 * thread, possibly nested in another cancellable's: it takes no lock but
 * the watch's, and hands each waiter to the core, which only tries
 * queues' mutexes. */
static void
fifo_cancel_watch_cancelled (GCancellable *cancellable,
                             gpointer      data)
{
  FifoCancelWatch *watch = data;
  FifoWaiter *waiters;

  g_mutex_lock (&watch->lock);
  waiters = g_steal_pointer (&watch->head);
  watch->tail = NULL;
  for (FifoWaiter *waiter = waiters; waiter != NULL; waiter = waiter->watch_next)
    {
      /* Registered means not delivered yet: alive. */
      g_atomic_int_inc (&waiter->ref_count);
      waiter->watched = FALSE;
    }
  g_mutex_unlock (&watch->lock);

  while (waiters != NULL)
    {
      FifoWaiter *waiter = waiters;

      /* The cancellation reuses the link. */
      waiters = waiter->watch_next;
      waiter->watch_prev = waiter->watch_next = NULL;
      fifo_waiter_request_cancel (waiter);
    }
}

FifoCancelWatch *
fifo_cancel_watch_get (GCancellable *cancellable)
{
  Shard *shard = fifo_cancel_watch_shard (cancellable);
  FifoCancelWatch *watch;

  g_mutex_lock (&shard->lock);

  if (G_UNLIKELY (shard->watches == NULL))
    shard->watches = g_hash_table_new (NULL, NULL);

  watch = g_hash_table_lookup (shard->watches, cancellable);
  if (watch == NULL)
    {
      watch = g_new0 (FifoCancelWatch, 1);
      watch->ref_count = 1;  /* the registry's, held by the handler */
      watch->cancellable = cancellable;
      g_mutex_init (&watch->lock);
      g_hash_table_insert (shard->watches, cancellable, watch);
      /* Never disconnected: it goes with the cancellable. */
      g_signal_connect_data (cancellable, "cancelled",
                             G_CALLBACK (fifo_cancel_watch_cancelled), watch,
                             fifo_cancel_watch_closure_notify, 0);
    }
  fifo_cancel_watch_ref (watch);

  g_mutex_unlock (&shard->lock);

  return watch;
}

gboolean
fifo_cancel_watch_add (FifoCancelWatch *watch,
                       FifoWaiter      *waiter,
                       GCancellable    *cancellable)
{
  g_mutex_lock (&watch->lock);
  waiter->watch = watch;
  waiter->watched = TRUE;
  waiter->watch_next = NULL;
  waiter->watch_prev = watch->tail;
  if (watch->tail != NULL)
    watch->tail->watch_next = waiter;
  else
    watch->head = waiter;
  watch->tail = waiter;
  g_mutex_unlock (&watch->lock);

  /* After registering: a cancellation that the handler did not see
   * happened before this, and is seen here. */
  return g_cancellable_is_cancelled (cancellable);
}

void
fifo_cancel_watch_remove (FifoCancelWatch *watch,
                          FifoWaiter      *waiter)
{
  g_mutex_lock (&watch->lock);
  if (waiter->watched)
    {
      if (waiter->watch_prev != NULL)
        waiter->watch_prev->watch_next = waiter->watch_next;
      else
        watch->head = waiter->watch_next;
      if (waiter->watch_next != NULL)
        waiter->watch_next->watch_prev = waiter->watch_prev;
      else
        watch->tail = waiter->watch_prev;
      waiter->watch_prev = waiter->watch_next = NULL;
      waiter->watched = FALSE;
    }
  g_mutex_unlock (&watch->lock);
}
