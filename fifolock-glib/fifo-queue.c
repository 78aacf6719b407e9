/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NOTES
 *
 * The policy of a FIFO queue of items, on the core's one lock with three
 * lists of waiters: getters (waiting for an item), putters (waiting for
 * room) and joiners (waiting for every item to be marked done).
 *
 * Invariants, with the lock held and outside any locked section:
 *  - getters wait only while there is no item, putters only while the
 *    queue is full (or a putter before them waits): an item never sits in
 *    the queue while a getter waits, and room is never free while a putter
 *    waits;
 *  - a put that finds a getter hands its item straight to it, and a get
 *    that frees room takes the first putter's item in;
 *  - items are kept in a ring buffer, oldest first; an item handed to a get
 *    that is then cancelled (or whose context is gone) goes back to its
 *    place, so the order is kept (the ring may then hold more than
 *    max-size); once shut down with immediate, it is dropped instead, as
 *    the rest was. An item a consumer gives back (give_back()) goes the
 *    same way, in front of them all;
 *  - every item put takes the next number of the order (wrapping, compared
 *    by difference); a get's waiter keeps its item's. Items handed out all
 *    come before those still in the ring, so an item given back goes among
 *    the given-back ones at the front, whose numbers the ring keeps aside
 *    (returned[], front first); those after them run on from
 *    next_order - n_fresh;
 *  - a get waiter's data is the item handed to it (its payload, the
 *    result's until _finish takes it); a put waiter's data is its item
 *    until it is inserted (then NULL), so a put that fails or is
 *    cancelled delivers it back and the result frees what nobody takes;
 *  - a put stands once its item is inserted: it cannot be taken back.
 *
 * Items are freed (with the free function, or g_value_unset() for a queue
 * of values) never with the lock held: shutdown (TRUE) frees them once
 * unlocked, results and pass-overs through free_payload().
 */
#include "config.h"

#include "fifo-error.h"
#include "fifo-i18n-private.h"
#include "fifo-queue.h"
#include "fifo-result-private.h"
#include "fifo-trace-private.h"
#include "fifo-wait-queue-private.h"

/**
 * FifoQueue:
 *
 * A queue of items between producers and consumers, first in, first out:
 * the equivalent of Python's `asyncio.Queue`, for the main loop and
 * threads.
 *
 * [method@Fifo.Queue.put_async] adds an item, waiting while the queue is
 * full when it has a [property@Fifo.Queue:max-size];
 * [method@Fifo.Queue.get_async] takes the oldest one, waiting while there
 * is none. Getters are served strictly in the order they came, and so are
 * putters: an item put while getters wait goes straight to the first of
 * them, and room freed by a get goes straight to the first putter.
 * [method@Fifo.Queue.task_done] and [method@Fifo.Queue.join_async] count
 * the work on the items; [method@Fifo.Queue.shutdown] ends it, as in
 * Python 3.13.
 *
 * Cancellation never loses or duplicates an item: an item handed to a get
 * that is then cancelled goes back in front of the queue; a cancelled put
 * inserts nothing. A put whose item is in the queue is done: cancelling it
 * then changes nothing. A consumer that got an item and cannot handle it
 * (a Python task cancelled once its get had completed) gives it back, in
 * front, with [method@Fifo.Queue.give_back].
 *
 * A queue holds either pointers, from C ([ctor@Fifo.Queue.new], with a
 * function that frees the items it still holds when it goes), or
 * `GValue`s: [ctor@Fifo.Queue.new_for_values], or `g_object_new()` — the
 * only kind bindings make, in which Python and JavaScript put values of
 * their own (a string, a dict, a JavaScript object), each getting back
 * exactly what was put. The `_value` functions are the ones bindings see,
 * under the plain names.
 *
 * Callbacks run in the thread-default main context of the thread that
 * started the operation, from its main loop, never inside the call that
 * caused them. Every function is thread-safe: a worker thread may feed a
 * main loop with the blocking form while the main loop gets with the
 * asynchronous one.
 *
 * In C:
 *
 * ```c
 * static void
 * on_item (GObject *source, GAsyncResult *result, gpointer user_data)
 * {
 *   g_autoptr(GError) error = NULL;
 *   g_autofree char *item = fifo_queue_get_finish (FIFO_QUEUE (source), result, &error);
 *
 *   if (item != NULL)
 *     g_print ("got %s\n", item);
 * }
 *
 * g_autoptr(FifoQueue) queue = fifo_queue_new (0, g_free);
 *
 * fifo_queue_get_async (queue, NULL, on_item, NULL);  // waits
 * fifo_queue_try_put (queue, g_strdup ("hello"));     // goes to it
 * ```
 *
 * In Python (any value goes in, the same comes out):
 *
 * ```python
 * queue = Fifo.Queue(max_size=2)
 * queue.try_put({'job': 1})
 * ok, item = queue.try_get()
 * assert ok and item == {'job': 1}
 * ```
 *
 * Since: 1.0
 */

enum {
  GETTERS,
  PUTTERS,
  JOINERS,
  N_LISTS
};

/* Its one failure. */
#define SHUT_DOWN FIFO_OUTCOME_FAILURE (0)

#define CHANGED_N_ITEMS     FIFO_WAIT_QUEUE_CHANGED_POLICY (0)
#define CHANGED_N_WAITING   FIFO_WAIT_QUEUE_CHANGED_POLICY (1)
#define CHANGED_IS_SHUT_DOWN FIFO_WAIT_QUEUE_CHANGED_POLICY (2)
#define CHANGED_N_UNFINISHED FIFO_WAIT_QUEUE_CHANGED_POLICY (3)

struct _FifoQueue
{
  GObject         parent_instance;
  FifoWaitQueue   queue;
  FifoWaitList    lists[N_LISTS];

  guint           max_size;       /* 0: unbounded */
  gboolean        values;         /* items are GValue * */
  GDestroyNotify  free_item;

  /* A ring of items, oldest at items[first]. */
  gpointer       *items;
  guint           capacity;
  guint           first;
  guint           n_items;
  /* The order (see NOTES): the next item's number, and those of the
   * n_returned items given back, at the front of the ring. */
  guint32         next_order;
  guint32        *returned;
  guint           n_returned;
  guint           returned_capacity;

  guint           unfinished;     /* put and not marked done */
  gboolean        shut_down;
  gboolean        immediate;      /* ... with immediate: nothing is kept */

  guint           notified_n_items;
  guint           notified_n_waiting;
  gboolean        notified_shut_down;
  guint           notified_unfinished;
};

enum {
  PROP_0,
  PROP_MAX_SIZE,
  PROP_N_ITEMS,
  PROP_N_WAITING,
  PROP_IS_SHUT_DOWN,
  PROP_N_UNFINISHED,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FifoQueue, fifo_queue, G_TYPE_OBJECT)

#define FIFO_QUEUE_OF(queue) ((FifoQueue *) (queue)->owner)

/* ---- Items ------------------------------------------------------------------ */

static void
fifo_queue_value_free (gpointer value)
{
  g_value_unset (value);
  g_free (value);
}

static void
fifo_queue_free_item (FifoQueue *self,
                      gpointer   item)
{
  if (self->free_item != NULL && item != NULL)
    self->free_item (item);
}

static void
fifo_queue_reserve (FifoQueue *self,
                    guint      n)
{
  gpointer *items;
  guint capacity;

  if (n <= self->capacity)
    return;

  capacity = MAX (8, self->capacity * 2);
  while (capacity < n)
    capacity *= 2;
  items = g_new (gpointer, capacity);
  for (guint i = 0; i < self->n_items; i++)
    items[i] = self->items[(self->first + i) % self->capacity];
  g_free (self->items);
  self->items = items;
  self->capacity = capacity;
  self->first = 0;
}

static void
fifo_queue_push_back (FifoQueue *self,
                      gpointer   item)
{
  fifo_queue_reserve (self, self->n_items + 1);
  self->items[(self->first + self->n_items) % self->capacity] = item;
  self->n_items++;
}

/* An item handed to a get that did not take it: back to its place, among
 * those given back before it (few: normally none). */
static void
fifo_queue_put_back (FifoQueue *self,
                     gpointer   item,
                     guint32    order)
{
  guint place = 0;

  while (place < self->n_returned && (gint32) (self->returned[place] - order) < 0)
    place++;

  fifo_queue_reserve (self, self->n_items + 1);
  self->first = (self->first + self->capacity - 1) % self->capacity;
  for (guint i = 0; i < place; i++)
    self->items[(self->first + i) % self->capacity] = self->items[(self->first + i + 1) % self->capacity];
  self->items[(self->first + place) % self->capacity] = item;
  self->n_items++;

  if (self->n_returned == self->returned_capacity)
    {
      self->returned_capacity = MAX (4, self->returned_capacity * 2);
      self->returned = g_renew (guint32, self->returned, self->returned_capacity);
    }
  memmove (self->returned + place + 1, self->returned + place,
           (self->n_returned - place) * sizeof self->returned[0]);
  self->returned[place] = order;
  self->n_returned++;
}

/* Takes the oldest item; @order, if not NULL, gets its number. */
static gpointer
fifo_queue_pop_front (FifoQueue *self,
                      guint32   *order)
{
  gpointer item = self->items[self->first];
  guint32 item_order;

  g_assert (self->n_items > 0);
  if (self->n_returned > 0)
    {
      item_order = self->returned[0];
      self->n_returned--;
      memmove (self->returned, self->returned + 1, self->n_returned * sizeof self->returned[0]);
    }
  else
    {
      item_order = self->next_order - self->n_items;
    }
  if (order != NULL)
    *order = item_order;

  self->items[self->first] = NULL;
  self->first = (self->first + 1) % self->capacity;
  self->n_items--;
  return item;
}

static gboolean
fifo_queue_is_full (FifoQueue *self)
{
  return self->max_size > 0 && self->n_items >= self->max_size;
}

typedef struct
{
  FifoQueue *queue;
  gpointer  *items;
  guint      n_items;
} Dropped;

static void
fifo_queue_free_dropped (gpointer data)
{
  Dropped *dropped = data;

  for (guint i = 0; i < dropped->n_items; i++)
    fifo_queue_free_item (dropped->queue, dropped->items[i]);
  g_free (dropped->items);
  g_object_unref (dropped->queue);
  g_free (dropped);
}

/* Locked. Drops @items (shut down with immediate): they are marked done,
 * and freed once the queue is unlocked. */
static void
fifo_queue_drop (FifoQueue *self,
                 gpointer  *items,
                 guint      n_items)
{
  Dropped *dropped = g_new (Dropped, 1);

  dropped->queue = g_object_ref (self);
  dropped->n_items = n_items;
  dropped->items = items;
  self->unfinished -= MIN (self->unfinished, n_items);
  fifo_wait_queue_defer (&self->queue, fifo_queue_free_dropped, dropped);
}

/* ---- The policy ------------------------------------------------------------- */

static const FifoOperation put_op, put_value_op, get_op, join_op;

static gboolean
fifo_queue_op_is_put (const FifoOperation *op)
{
  return op == &put_op || op == &put_value_op;
}

/* Locked. @item comes into the queue: to the first getter, who waits only
 * for an empty queue, or at the back. */
static void
fifo_queue_add_item (FifoQueue *self,
                     gpointer   item)
{
  FifoWaiter *getter = self->queue.lists[GETTERS].head;

  self->unfinished++;
  if (getter != NULL)
    {
      g_assert (self->n_items == 0);
      getter->data.pointer = item;
      getter->order = self->next_order++;
      fifo_waiter_complete (&self->queue, getter, FIFO_OUTCOME_SUCCESS);
    }
  else
    {
      fifo_queue_push_back (self, item);
      self->next_order++;
    }
}

/* Locked. An item is in the queue: the put is done. */
static void
fifo_queue_insert (FifoQueue  *self,
                   FifoWaiter *putter)
{
  fifo_queue_add_item (self, g_steal_pointer (&putter->data.pointer));
  fifo_waiter_complete (&self->queue, putter, FIFO_OUTCOME_SUCCESS);
}

/* Locked. Hands out what has become possible, in order, until nothing more
 * is: items to getters, room to putters, the end to joiners. */
static void
fifo_queue_serve_queue (FifoWaitQueue *queue)
{
  FifoQueue *self = FIFO_QUEUE_OF (queue);
  FifoWaitList *lists = queue->lists;

  for (;;)
    {
      if (lists[GETTERS].head != NULL && self->n_items > 0)
        {
          FifoWaiter *getter = lists[GETTERS].head;

          getter->data.pointer = fifo_queue_pop_front (self, &getter->order);
          fifo_waiter_complete (queue, getter, FIFO_OUTCOME_SUCCESS);
        }
      else if (lists[PUTTERS].head != NULL && !fifo_queue_is_full (self) && !self->shut_down)
        {
          fifo_queue_insert (self, lists[PUTTERS].head);
        }
      else
        {
          break;
        }
    }

  if (self->shut_down)
    {
      /* Nothing will ever come, nor be taken in. */
      if (self->n_items == 0)
        fifo_wait_list_complete_all (queue, GETTERS, SHUT_DOWN);
      fifo_wait_list_complete_all (queue, PUTTERS, SHUT_DOWN);
    }

  if (self->unfinished == 0)
    fifo_wait_list_complete_all (queue, JOINERS, FIFO_OUTCOME_SUCCESS);
}

static void
fifo_queue_admit (FifoWaitQueue *queue,
                  FifoWaiter    *waiter)
{
  FifoQueue *self = FIFO_QUEUE_OF (queue);

  if (waiter->op == &get_op)
    {
      if (self->n_items > 0 && queue->lists[GETTERS].head == NULL)
        {
          waiter->data.pointer = fifo_queue_pop_front (self, &waiter->order);
          fifo_waiter_complete (queue, waiter, FIFO_OUTCOME_SUCCESS);
          fifo_queue_serve_queue (queue);  /* room for a putter */
        }
      else if (self->shut_down)
        {
          fifo_waiter_complete (queue, waiter, SHUT_DOWN);
        }
      else
        {
          fifo_wait_queue_push_tail_to (queue, GETTERS, waiter);
        }
    }
  else if (fifo_queue_op_is_put (waiter->op))
    {
      if (self->shut_down)
        fifo_waiter_complete (queue, waiter, SHUT_DOWN);  /* the item goes back */
      else if (queue->lists[PUTTERS].head == NULL && !fifo_queue_is_full (self))
        fifo_queue_insert (self, waiter);
      else
        fifo_wait_queue_push_tail_to (queue, PUTTERS, waiter);
    }
  else
    {
      if (self->unfinished == 0)
        fifo_waiter_complete (queue, waiter, FIFO_OUTCOME_SUCCESS);
      else
        fifo_wait_queue_push_tail_to (queue, JOINERS, waiter);
    }
}

/* A get handed an item may give it back; a put that inserted its item, or
 * a join that saw the end, is done. */
static gboolean
fifo_queue_can_revoke (FifoWaitQueue *queue,
                       FifoWaiter    *waiter)
{
  return waiter->op == &get_op;
}

static void
fifo_queue_revoke (FifoWaitQueue *queue,
                   FifoWaiter    *waiter)
{
  FifoQueue *self = FIFO_QUEUE_OF (queue);
  gpointer item = g_steal_pointer (&waiter->data.pointer);

  /* Shut down with immediate: dropped like what was left then (the core's
   * serve() then completes the joins it may end). */
  if (self->immediate)
    {
      gpointer *items = g_new (gpointer, 1);

      items[0] = item;
      fifo_queue_drop (self, items, 1);
      return;
    }

  /* Back to its place; the core then serves it to the next getter, if any. */
  fifo_queue_put_back (self, item, waiter->order);
}

/* Its context is gone: a get gives its item back, in front; whatever a put
 * still carries (it failed) is freed by the core. */
static void
fifo_queue_abandon (FifoWaitQueue *queue,
                    FifoWaiter    *waiter)
{
  if (waiter->op == &get_op && fifo_waiter_get_outcome (waiter) == FIFO_OUTCOME_SUCCESS)
    {
      fifo_queue_revoke (queue, waiter);
      fifo_queue_serve_queue (queue);
    }
}

static guint
fifo_queue_collect (FifoWaitQueue *queue)
{
  FifoQueue *self = FIFO_QUEUE_OF (queue);
  guint n_waiting = queue->lists[GETTERS].length + queue->lists[PUTTERS].length;
  guint changed = 0;

  if (self->n_items != self->notified_n_items)
    {
      self->notified_n_items = self->n_items;
      changed |= CHANGED_N_ITEMS;
    }
  if (n_waiting != self->notified_n_waiting)
    {
      self->notified_n_waiting = n_waiting;
      changed |= CHANGED_N_WAITING;
    }
  if (self->shut_down != self->notified_shut_down)
    {
      self->notified_shut_down = self->shut_down;
      changed |= CHANGED_IS_SHUT_DOWN;
    }
  if (self->unfinished != self->notified_unfinished)
    {
      self->notified_unfinished = self->unfinished;
      changed |= CHANGED_N_UNFINISHED;
    }

  return changed;
}

static void
fifo_queue_notify (FifoWaitQueue *queue,
                   GObject       *owner,
                   guint          changed)
{
  /* n-waiting counts getters and putters, not the core's length, which
   * counts joiners too. */
  if (changed & CHANGED_N_ITEMS)
    g_object_notify_by_pspec (owner, properties[PROP_N_ITEMS]);
  if (changed & CHANGED_N_WAITING)
    g_object_notify_by_pspec (owner, properties[PROP_N_WAITING]);
  if (changed & CHANGED_IS_SHUT_DOWN)
    g_object_notify_by_pspec (owner, properties[PROP_IS_SHUT_DOWN]);
  if (changed & CHANGED_N_UNFINISHED)
    g_object_notify_by_pspec (owner, properties[PROP_N_UNFINISHED]);
}

static void
fifo_queue_set_error (guint    code,
                      GError **error)
{
  g_set_error_literal (error, FIFO_ERROR, FIFO_ERROR_QUEUE_SHUT_DOWN,
                       _("The queue is shut down"));
}

static void
fifo_queue_free_payload (GObject  *owner,
                         gpointer  payload)
{
  fifo_queue_free_item (FIFO_QUEUE (owner), payload);
}

static const FifoWaitQueueClass fifo_queue_queue_class = {
  .admit = fifo_queue_admit,
  .serve = fifo_queue_serve_queue,
  .can_revoke = fifo_queue_can_revoke,
  .revoke = fifo_queue_revoke,
  .abandon = fifo_queue_abandon,
  .collect = fifo_queue_collect,
  .notify = fifo_queue_notify,
  .set_error = fifo_queue_set_error,
  .free_payload = fifo_queue_free_payload,
};

static const FifoOperation put_op = { (gpointer) fifo_queue_put_async, &fifo_queue_queue_class, NULL, TRUE };
static const FifoOperation put_value_op = { (gpointer) fifo_queue_put_value_async, &fifo_queue_queue_class, NULL, TRUE };
static const FifoOperation get_op = { (gpointer) fifo_queue_get_async, &fifo_queue_queue_class, NULL, TRUE };
static const FifoOperation join_op = { (gpointer) fifo_queue_join_async, &fifo_queue_queue_class, NULL, FALSE };

/* ---- The object ------------------------------------------------------------- */

static void
fifo_queue_finalize (GObject *object)
{
  FifoQueue *self = FIFO_QUEUE (object);

  fifo_wait_queue_clear (&self->queue);
  while (self->n_items > 0)
    fifo_queue_free_item (self, fifo_queue_pop_front (self, NULL));
  g_free (self->items);
  g_free (self->returned);

  G_OBJECT_CLASS (fifo_queue_parent_class)->finalize (object);
}

static void
fifo_queue_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FifoQueue *self = FIFO_QUEUE (object);

  switch (prop_id)
    {
    case PROP_MAX_SIZE:
      g_value_set_uint (value, self->max_size);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, fifo_queue_get_n_items (self));
      break;

    case PROP_N_WAITING:
      g_value_set_uint (value, fifo_queue_get_n_waiting (self));
      break;

    case PROP_IS_SHUT_DOWN:
      g_value_set_boolean (value, fifo_queue_get_is_shut_down (self));
      break;

    case PROP_N_UNFINISHED:
      g_value_set_uint (value, fifo_queue_get_n_unfinished (self));
      break;

    case PROP_NAME:
      g_value_take_string (value, fifo_queue_get_name (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_queue_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  FifoQueue *self = FIFO_QUEUE (object);

  switch (prop_id)
    {
    case PROP_MAX_SIZE:
      self->max_size = g_value_get_uint (value);
      break;

    case PROP_NAME:
      fifo_queue_set_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fifo_queue_class_init (FifoQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fifo_queue_finalize;
  object_class->get_property = fifo_queue_get_property;
  object_class->set_property = fifo_queue_set_property;

  /**
   * FifoQueue:max-size: (getter get_max_size)
   *
   * How many items the queue holds before a put waits; 0 for no limit.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_SIZE] =
    g_param_spec_uint ("max-size", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoQueue:n-items: (getter get_n_items)
   *
   * How many items are in the queue, not yet got.
   *
   * Since: 1.0
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoQueue:n-waiting: (getter get_n_waiting)
   *
   * How many gets wait for an item and puts for room (joins are not
   * counted).
   *
   * Since: 1.0
   */
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoQueue:is-shut-down: (getter get_is_shut_down)
   *
   * Whether [method@Fifo.Queue.shutdown] was called.
   *
   * Since: 1.0
   */
  properties[PROP_IS_SHUT_DOWN] =
    g_param_spec_boolean ("is-shut-down", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoQueue:n-unfinished: (getter get_n_unfinished)
   *
   * How many items were put and not yet marked done with
   * [method@Fifo.Queue.task_done]: those in the queue and those got.
   * [method@Fifo.Queue.join_async] waits for it to be 0.
   *
   * Since: 1.0
   */
  properties[PROP_N_UNFINISHED] =
    g_param_spec_uint ("n-unfinished", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FifoQueue:name: (getter get_name) (setter set_name)
   *
   * A name for the queue, or %NULL (the default): it names the queue in
   * criticals, debug messages and traces ([Debugging](debugging.html)).
   *
   * Since: 1.0
   */
  properties[PROP_NAME] = fifo_name_param_spec_new ();

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fifo_queue_init (FifoQueue *self)
{
  fifo_wait_queue_init (&self->queue, &fifo_queue_queue_class, G_OBJECT (self));
  fifo_wait_queue_set_lists (&self->queue, self->lists, N_LISTS);
  /* What bindings make: a queue of values. */
  self->values = TRUE;
  self->free_item = fifo_queue_value_free;
}

/**
 * fifo_queue_new: (skip)
 * @max_size: how many items the queue holds before a put waits; 0 for no
 *   limit
 * @free_item: (nullable): frees an item the queue still holds when it is
 *   finalized, shut down with @immediate, or whose put failed
 *
 * Creates a queue of pointers, for C. Use it with the pointer functions,
 * [method@Fifo.Queue.put_async], [method@Fifo.Queue.get_async] and the like.
 *
 * Returns: (transfer full): a new `FifoQueue`
 *
 * Since: 1.0
 */
FifoQueue *
fifo_queue_new (guint          max_size,
                GDestroyNotify free_item)
{
  FifoQueue *self = g_object_new (FIFO_TYPE_QUEUE, "max-size", max_size, NULL);

  self->values = FALSE;
  self->free_item = free_item;
  return self;
}

/**
 * fifo_queue_new_for_values:
 * @max_size: how many items the queue holds before a put waits; 0 for no
 *   limit
 *
 * Creates a queue of `GValue`s, which bindings use under the plain names
 * (`put_async`, `get`…) to put and get values of their own language; C
 * uses the `_value` functions. `g_object_new()` makes the same.
 *
 * Returns: (transfer full): a new `FifoQueue`
 *
 * Since: 1.0
 */
FifoQueue *
fifo_queue_new_for_values (guint max_size)
{
  return g_object_new (FIFO_TYPE_QUEUE, "max-size", max_size, NULL);
}

static gboolean
fifo_queue_check_kind (FifoQueue  *self,
                       gboolean    values,
                       const char *function)
{
  g_autofree char *description = NULL;

  if (self->values == values)
    return TRUE;

  description = fifo_object_describe (G_OBJECT (self));
  if (values)
    g_critical ("%s: %s holds pointers, not GValues (made by fifo_queue_new())",
                function, description);
  else
    g_critical ("%s: %s holds GValues (made by fifo_queue_new_for_values() or a binding): use the _value functions",
                function, description);
  return FALSE;
}

static GValue *
fifo_queue_value_copy (const GValue *value)
{
  GValue *copy = g_new0 (GValue, 1);

  g_value_init (copy, G_VALUE_TYPE (value));
  g_value_copy (value, copy);
  return copy;
}

/* ---- Put -------------------------------------------------------------------- */

/**
 * fifo_queue_put_async: (skip)
 * @self: a `FifoQueue` made by [ctor@Fifo.Queue.new]
 * @item: (transfer full): the item
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async) (closure user_data): called once the item is in
 *   the queue, or the put failed
 * @user_data: data for @callback
 *
 * Puts @item at the end of the queue, waiting while it is full, after the
 * puts that came before. If getters wait, the first of them gets it
 * straight away. Call [method@Fifo.Queue.put_finish] from @callback.
 *
 * The queue owns @item from now on: it is in the queue once @callback
 * reports success. If the put fails — cancelled before there was room, or
 * the queue was shut down — @item was not inserted, and is freed with the
 * queue's free function.
 *
 * Since: 1.0
 */
void
fifo_queue_put_async (FifoQueue           *self,
                      gpointer             item,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (FIFO_IS_QUEUE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  if (!fifo_queue_check_kind (self, FALSE, G_STRFUNC))
    return;

  fifo_wait_queue_submit (&self->queue, &put_op, item, FALSE, cancellable, callback, user_data);
}

/**
 * fifo_queue_put_value_async: (rename-to fifo_queue_put_async)
 * @self: a `FifoQueue` of values
 * @value: the item: a copy is put
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async) (closure user_data): called once the item is in
 *   the queue, or the put failed
 * @user_data: data for @callback
 *
 * Puts a copy of @value at the end of the queue, waiting while it is full,
 * after the puts that came before, as [method@Fifo.Queue.put_async] does
 * for pointers. Call [method@Fifo.Queue.put_value_finish] (or
 * [method@Fifo.Queue.put_finish]) from @callback.
 *
 * Since: 1.0
 */
void
fifo_queue_put_value_async (FifoQueue           *self,
                            const GValue        *value,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (FIFO_IS_QUEUE (self));
  g_return_if_fail (G_IS_VALUE (value));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  if (!fifo_queue_check_kind (self, TRUE, G_STRFUNC))
    return;

  fifo_wait_queue_submit (&self->queue, &put_value_op, fifo_queue_value_copy (value), FALSE,
                          cancellable, callback, user_data);
}

/**
 * fifo_queue_put_finish:
 * @self: a `FifoQueue`
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Queue.put_async] or [method@Fifo.Queue.put_value_async].
 *
 * Returns: %TRUE if the item is in the queue; %FALSE, with @error set
 *   (%G_IO_ERROR_CANCELLED, or %FIFO_ERROR_QUEUE_SHUT_DOWN), if it was not
 *   put
 *
 * Since: 1.0
 */
gboolean
fifo_queue_put_finish (FifoQueue     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_queue_put_async) ||
                        fifo_async_result_is_valid (result, self, fifo_queue_put_value_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* What a failed put carries back stays the result's, which frees it. */
  return fifo_async_result_propagate (result, NULL, error);
}

/**
 * fifo_queue_put_value_finish: (rename-to fifo_queue_put_finish)
 * @self: a `FifoQueue` of values
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Queue.put_value_async], as
 * [method@Fifo.Queue.put_finish] does; bindings know it as `put_finish`.
 *
 * Returns: %TRUE if the item is in the queue; %FALSE, with @error set
 *   (%G_IO_ERROR_CANCELLED, or %FIFO_ERROR_QUEUE_SHUT_DOWN), if it was not
 *   put
 *
 * Since: 1.0
 */
gboolean
fifo_queue_put_value_finish (FifoQueue     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_queue_put_value_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_async_result_propagate (result, NULL, error);
}

static gboolean
fifo_queue_put_sync (FifoQueue           *self,
                     const FifoOperation *op,
                     gpointer             item,
                     GCancellable        *cancellable,
                     GError             **error)
{
  FifoWaiterData back;
  FifoOutcome outcome;

  outcome = fifo_wait_queue_submit_sync (&self->queue, op, item, cancellable, &back);
  /* Not inserted: it comes back, and is freed as documented. */
  fifo_queue_free_item (self, back.pointer);
  return fifo_outcome_propagate (op, outcome, error);
}

/**
 * fifo_queue_put: (skip)
 * @self: a `FifoQueue` made by [ctor@Fifo.Queue.new]
 * @item: (transfer full): the item
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Like [method@Fifo.Queue.put_async], blocking the calling thread: meant
 * for worker threads feeding a main loop.
 *
 * Returns: %TRUE if the item is in the queue; %FALSE, with @error set, if
 *   it was not put (and was freed with the queue's free function)
 *
 * Since: 1.0
 */
gboolean
fifo_queue_put (FifoQueue     *self,
                gpointer       item,
                GCancellable  *cancellable,
                GError       **error)
{
  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!fifo_queue_check_kind (self, FALSE, G_STRFUNC))
    return FALSE;

  return fifo_queue_put_sync (self, &put_op, item, cancellable, error);
}

/**
 * fifo_queue_put_value: (rename-to fifo_queue_put)
 * @self: a `FifoQueue` of values
 * @value: the item: a copy is put
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Like [method@Fifo.Queue.put_value_async], blocking the calling thread.
 *
 * Returns: %TRUE if the item is in the queue; %FALSE, with @error set, if
 *   it was not put
 *
 * Since: 1.0
 */
gboolean
fifo_queue_put_value (FifoQueue     *self,
                      const GValue  *value,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!fifo_queue_check_kind (self, TRUE, G_STRFUNC))
    return FALSE;

  return fifo_queue_put_sync (self, &put_value_op, fifo_queue_value_copy (value), cancellable, error);
}

/* Locked. Puts without waiting, or FALSE. */
static gboolean
fifo_queue_try_put_locked (FifoQueue *self,
                           gpointer   item)
{

  if (self->shut_down || self->queue.lists[PUTTERS].head != NULL || fifo_queue_is_full (self))
    return FALSE;

  fifo_queue_add_item (self, item);
  return TRUE;
}

/**
 * fifo_queue_try_put: (skip)
 * @self: a `FifoQueue` made by [ctor@Fifo.Queue.new]
 * @item: the item, which the queue owns if it is put
 *
 * Puts @item only if that needs no waiting: the queue is not full, no put
 * waits before it, and it is not shut down. It never overtakes a waiting
 * put.
 *
 * Returns: %TRUE if @item is in the queue (the queue's now); %FALSE if not
 *   (it is still the caller's)
 *
 * Since: 1.0
 */
gboolean
fifo_queue_try_put (FifoQueue *self,
                    gpointer   item)
{
  gboolean put;

  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);

  if (!fifo_queue_check_kind (self, FALSE, G_STRFUNC))
    return FALSE;

  fifo_wait_queue_lock (&self->queue);
  put = fifo_queue_try_put_locked (self, item);
  fifo_wait_queue_unlock (&self->queue);

  return put;
}

/**
 * fifo_queue_try_put_value: (rename-to fifo_queue_try_put)
 * @self: a `FifoQueue` of values
 * @value: the item: a copy is put
 *
 * Puts a copy of @value only if that needs no waiting, as
 * [method@Fifo.Queue.try_put] does.
 *
 * Returns: %TRUE if the item is in the queue; %FALSE if the queue is full,
 *   a put waits, or it is shut down
 *
 * Since: 1.0
 */
gboolean
fifo_queue_try_put_value (FifoQueue    *self,
                          const GValue *value)
{
  GValue *copy;
  gboolean put;

  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (G_IS_VALUE (value), FALSE);

  if (!fifo_queue_check_kind (self, TRUE, G_STRFUNC))
    return FALSE;

  copy = fifo_queue_value_copy (value);
  fifo_wait_queue_lock (&self->queue);
  put = fifo_queue_try_put_locked (self, copy);
  fifo_wait_queue_unlock (&self->queue);
  if (!put)
    fifo_queue_value_free (copy);

  return put;
}

/* ---- Get -------------------------------------------------------------------- */

/**
 * fifo_queue_get_async:
 * @self: a `FifoQueue`
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async) (closure user_data): called once an item is
 *   got, or the get failed
 * @user_data: data for @callback
 *
 * Takes the oldest item of the queue, waiting while there is none, after
 * the gets that came before. Call [method@Fifo.Queue.get_finish] (or, for
 * a queue of values, [method@Fifo.Queue.get_value_finish]) from @callback.
 *
 * If @cancellable is cancelled after an item was handed to this get but
 * before @callback ran, the item goes back in front of the queue (or to the
 * next get), and the get fails with %G_IO_ERROR_CANCELLED. A shut-down
 * queue still hands out what it holds, then fails every get with
 * %FIFO_ERROR_QUEUE_SHUT_DOWN.
 *
 * Since: 1.0
 */
void
fifo_queue_get_async (FifoQueue           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (FIFO_IS_QUEUE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  fifo_wait_queue_submit (&self->queue, &get_op, NULL, FALSE, cancellable, callback, user_data);
}

/**
 * fifo_queue_get_finish: (skip)
 * @self: a `FifoQueue` made by [ctor@Fifo.Queue.new]
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Queue.get_async] on a queue of pointers.
 *
 * Returns: (transfer full) (nullable): the item, which is the caller's;
 *   %NULL, with @error set (%G_IO_ERROR_CANCELLED, or
 *   %FIFO_ERROR_QUEUE_SHUT_DOWN), if none was got
 *
 * Since: 1.0
 */
gpointer
fifo_queue_get_finish (FifoQueue     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  gpointer item = NULL;

  g_return_val_if_fail (FIFO_IS_QUEUE (self), NULL);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_queue_get_async), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!fifo_queue_check_kind (self, FALSE, G_STRFUNC))
    return NULL;

  if (!fifo_async_result_steal (result, &item, error))
    return NULL;
  return item;
}

/**
 * fifo_queue_get_value_finish: (rename-to fifo_queue_get_finish)
 * @self: a `FifoQueue` of values
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Queue.get_async] on a queue of values.
 *
 * Returns: (transfer full) (nullable): the item, which is the caller's
 *   (free it with g_boxed_free (G_TYPE_VALUE, …), or let a binding do it);
 *   %NULL, with @error set, if none was got
 *
 * Since: 1.0
 */
GValue *
fifo_queue_get_value_finish (FifoQueue     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  gpointer item = NULL;

  g_return_val_if_fail (FIFO_IS_QUEUE (self), NULL);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_queue_get_async), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!fifo_queue_check_kind (self, TRUE, G_STRFUNC))
    return NULL;

  if (!fifo_async_result_steal (result, &item, error))
    return NULL;
  return item;
}

/**
 * fifo_queue_get_value_finish_into:
 * @self: a `FifoQueue` of values
 * @result: the result passed to the callback
 * @value: (out caller-allocates): an uninitialized `GValue` that receives
 *   the item
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Queue.get_async] on a queue of values, as
 * [method@Fifo.Queue.get_value_finish] does, but into @value, the shape of
 * `g_object_get_property()`. It is for bindings: PyGObject (3.42 to 3.50 at
 * least) never frees a `GValue` a function returns, so every item a Python
 * program got through `get_finish` would be kept for ever; a `GValue` it
 * passes in, it frees. The PyGObject overrides call this one.
 *
 * Returns: (skip): %TRUE if an item was got (unset @value when done with
 *   it); %FALSE, with @error set, if none was got (@value is left as it was)
 *
 * Since: 1.0
 */
gboolean
fifo_queue_get_value_finish_into (FifoQueue     *self,
                                  GAsyncResult  *result,
                                  GValue        *value,
                                  GError       **error)
{
  gpointer item = NULL;

  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_queue_get_async), FALSE);
  g_return_val_if_fail (value != NULL && !G_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!fifo_queue_check_kind (self, TRUE, G_STRFUNC))
    return FALSE;

  if (!fifo_async_result_steal (result, &item, error))
    return FALSE;
  if (item == NULL)
    {
      /* Finished twice: nothing the second time, as get_value_finish()
       * returns NULL; still a value a binding can convert. */
      g_value_init (value, G_TYPE_POINTER);
      return TRUE;
    }
  *value = *(GValue *) item;  /* moved, not copied */
  g_free (item);
  return TRUE;
}

static gpointer
fifo_queue_get_sync (FifoQueue     *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  FifoWaiterData got = { NULL };
  FifoOutcome outcome;

  outcome = fifo_wait_queue_submit_sync (&self->queue, &get_op, NULL, cancellable, &got);
  if (!fifo_outcome_propagate (&get_op, outcome, error))
    return NULL;
  return got.pointer;
}

/**
 * fifo_queue_get: (skip)
 * @self: a `FifoQueue` made by [ctor@Fifo.Queue.new]
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Like [method@Fifo.Queue.get_async], blocking the calling thread: meant
 * for worker threads fed by a main loop.
 *
 * Returns: (transfer full) (nullable): the item; %NULL, with @error set, if
 *   none was got
 *
 * Since: 1.0
 */
gpointer
fifo_queue_get (FifoQueue     *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_return_val_if_fail (FIFO_IS_QUEUE (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!fifo_queue_check_kind (self, FALSE, G_STRFUNC))
    return NULL;

  return fifo_queue_get_sync (self, cancellable, error);
}

/**
 * fifo_queue_get_value: (rename-to fifo_queue_get)
 * @self: a `FifoQueue` of values
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Like [method@Fifo.Queue.get_async], blocking the calling thread, on a
 * queue of values.
 *
 * Returns: (transfer full) (nullable): the item; %NULL, with @error set, if
 *   none was got
 *
 * Since: 1.0
 */
GValue *
fifo_queue_get_value (FifoQueue     *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (FIFO_IS_QUEUE (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!fifo_queue_check_kind (self, TRUE, G_STRFUNC))
    return NULL;

  return fifo_queue_get_sync (self, cancellable, error);
}

/* Locked. Gets without waiting, or FALSE. (An item may be NULL.) */
static gboolean
fifo_queue_try_get_locked (FifoQueue *self,
                           gpointer  *item)
{
  /* Waiting getters mean an empty queue: nobody is overtaken. */
  if (self->n_items == 0)
    return FALSE;

  *item = fifo_queue_pop_front (self, NULL);
  fifo_queue_serve_queue (&self->queue);  /* room for a putter */
  return TRUE;
}

/**
 * fifo_queue_try_get: (skip)
 * @self: a `FifoQueue` made by [ctor@Fifo.Queue.new]
 * @item: (out) (transfer full) (optional): the item, the caller's
 *
 * Takes the oldest item only if there is one now. A shut-down queue still
 * hands out what it holds; [property@Fifo.Queue:is-shut-down] tells an
 * empty queue from one that will stay empty.
 *
 * Returns: %TRUE if an item was got
 *
 * Since: 1.0
 */
gboolean
fifo_queue_try_get (FifoQueue *self,
                    gpointer  *item)
{
  gpointer got = NULL;
  gboolean ok;

  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);

  if (!fifo_queue_check_kind (self, FALSE, G_STRFUNC))
    return FALSE;

  fifo_wait_queue_lock (&self->queue);
  ok = fifo_queue_try_get_locked (self, &got);
  fifo_wait_queue_unlock (&self->queue);

  if (!ok)
    return FALSE;
  if (item != NULL)
    *item = got;
  else
    fifo_queue_free_item (self, got);
  return TRUE;
}

/**
 * fifo_queue_try_get_value: (rename-to fifo_queue_try_get)
 * @self: a `FifoQueue` of values
 * @value: (out caller-allocates): an uninitialized `GValue` that receives
 *   the item, or, if there is none, a %NULL pointer (so that a binding
 *   always has a value to convert)
 *
 * Takes the oldest item only if there is one now, as
 * [method@Fifo.Queue.try_get] does, on a queue of values.
 *
 * Returns: %TRUE if an item was got; either way, unset @value
 *
 * Since: 1.0
 */
gboolean
fifo_queue_try_get_value (FifoQueue *self,
                          GValue    *value)
{
  gpointer got = NULL;
  gboolean ok;

  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (value != NULL && !G_IS_VALUE (value), FALSE);

  if (!fifo_queue_check_kind (self, TRUE, G_STRFUNC))
    return FALSE;

  fifo_wait_queue_lock (&self->queue);
  ok = fifo_queue_try_get_locked (self, &got);
  fifo_wait_queue_unlock (&self->queue);

  if (!ok)
    {
      g_value_init (value, G_TYPE_POINTER);
      return FALSE;
    }
  *value = *(GValue *) got;  /* moved, not copied */
  g_free (got);
  return TRUE;
}

/* ---- Giving back ------------------------------------------------------------ */

/* Locked. An item got from the queue comes back, in front, as a cancelled
 * get's does (fifo_queue_revoke()); FALSE if nothing got is outstanding. */
static gboolean
fifo_queue_give_back_locked (FifoQueue *self,
                             gpointer   item)
{
  /* Items put and not marked done: those in the ring, and those got. */
  if (self->unfinished <= self->n_items)
    return FALSE;

  if (self->immediate)
    {
      gpointer *items = g_new (gpointer, 1);

      items[0] = item;
      fifo_queue_drop (self, items, 1);
    }
  else
    {
      /* Behind the items given back before it (given back in the order
       * they were got, they come out in that order), ahead of the rest: of
       * every item in the ring, and of the items handed to gets whose
       * callbacks have not run yet, which, as a rule, were handed out
       * after it (cancelled, those come back behind it). Their numbers are
       * at most a few less than the first fresh item's; numbers compare by
       * difference, so items given back are numbered from a quarter of the
       * range back, and anything numbered before an eighth of the range
       * back was given back. */
      guint32 fresh = self->next_order - (self->n_items - self->n_returned);
      guint32 order = fresh - G_MAXUINT32 / 4;

      for (guint i = 0; i < self->n_returned; i++)
        if ((gint32) (self->returned[i] - (fresh - G_MAXUINT32 / 8)) < 0)
          order = self->returned[i] + 1;
      fifo_queue_put_back (self, item, order);
    }
  fifo_queue_serve_queue (&self->queue);
  return TRUE;
}

static void
fifo_queue_give_back_critical (FifoQueue  *self,
                               const char *function)
{
  g_autofree char *description = fifo_object_describe (G_OBJECT (self));

  g_critical ("%s: %s has no item got and not marked done to give back", function, description);
}

/**
 * fifo_queue_give_back: (skip)
 * @self: a `FifoQueue` made by [ctor@Fifo.Queue.new]
 * @item: (transfer full): an item got from the queue
 *
 * Gives back an item got from the queue that its consumer cannot handle:
 * it goes in front of the queue, ahead of the items there, and the next
 * get takes it (the first waiting get, at once), as happens to the item of
 * a get that is cancelled before its callback runs. Items given back one
 * after the other come out in that order, ahead of the rest (give them
 * back in the order they were got), and ahead of the items of gets that
 * are cancelled after them. It is for a consumer cancelled after its get
 * completed: a Python asyncio task cancelled before it resumed.
 *
 * The item still counts as not done, as it did since it was put: do not
 * call [method@Fifo.Queue.task_done] for it. It goes back even if that
 * makes the queue hold more than [property@Fifo.Queue:max-size], and after
 * [method@Fifo.Queue.shutdown], for the gets to drain; after a shutdown
 * with immediate it is dropped instead (freed once the queue is unlocked)
 * and marked done, as the rest was.
 *
 * Giving back more items than were got and not marked done is a
 * programmer error; the queue then does not take @item.
 *
 * Since: 1.0
 */
void
fifo_queue_give_back (FifoQueue *self,
                      gpointer   item)
{
  gboolean taken;

  g_return_if_fail (FIFO_IS_QUEUE (self));

  if (!fifo_queue_check_kind (self, FALSE, G_STRFUNC))
    return;

  fifo_wait_queue_lock (&self->queue);
  taken = fifo_queue_give_back_locked (self, item);
  fifo_wait_queue_unlock (&self->queue);

  if (!taken)
    fifo_queue_give_back_critical (self, G_STRFUNC);
}

/**
 * fifo_queue_give_back_value: (rename-to fifo_queue_give_back)
 * @self: a `FifoQueue` of values
 * @value: an item got from the queue: a copy goes back
 *
 * Gives back an item got from a queue of values, as
 * [method@Fifo.Queue.give_back] does for pointers: in front of the queue,
 * still counted as not done.
 *
 * Since: 1.0
 */
void
fifo_queue_give_back_value (FifoQueue    *self,
                            const GValue *value)
{
  GValue *copy;
  gboolean taken;

  g_return_if_fail (FIFO_IS_QUEUE (self));
  g_return_if_fail (G_IS_VALUE (value));

  if (!fifo_queue_check_kind (self, TRUE, G_STRFUNC))
    return;

  copy = fifo_queue_value_copy (value);
  fifo_wait_queue_lock (&self->queue);
  taken = fifo_queue_give_back_locked (self, copy);
  fifo_wait_queue_unlock (&self->queue);

  if (!taken)
    {
      fifo_queue_value_free (copy);
      fifo_queue_give_back_critical (self, G_STRFUNC);
    }
}

/* ---- Tasks, shutting down --------------------------------------------------- */

/**
 * fifo_queue_task_done:
 * @self: a `FifoQueue`
 *
 * Marks the work on one item got from the queue as done: when every item
 * put has been marked done, [method@Fifo.Queue.join_async] completes.
 *
 * Calling it more times than items were put is a programmer error.
 *
 * Since: 1.0
 */
void
fifo_queue_task_done (FifoQueue *self)
{
  gboolean too_many;

  g_return_if_fail (FIFO_IS_QUEUE (self));

  fifo_wait_queue_lock (&self->queue);
  too_many = self->unfinished == 0;
  if (!too_many && --self->unfinished == 0)
    fifo_wait_list_complete_all (&self->queue, JOINERS, FIFO_OUTCOME_SUCCESS);
  fifo_wait_queue_unlock (&self->queue);

  if (too_many)
    {
      g_autofree char *description = fifo_object_describe (G_OBJECT (self));

      g_critical ("%s: called more times than items were put in %s", G_STRFUNC, description);
    }
}

/**
 * fifo_queue_join_async:
 * @self: a `FifoQueue`
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async) (closure user_data): called once every item put
 *   has been marked done, or the join was cancelled
 * @user_data: data for @callback
 *
 * Waits until every item put into the queue has been got and marked done
 * with [method@Fifo.Queue.task_done] — at once if that is so already. Call
 * [method@Fifo.Queue.join_finish] from @callback.
 *
 * Since: 1.0
 */
void
fifo_queue_join_async (FifoQueue           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (FIFO_IS_QUEUE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (callback != NULL);

  fifo_wait_queue_submit (&self->queue, &join_op, NULL, FALSE, cancellable, callback, user_data);
}

/**
 * fifo_queue_join_finish:
 * @self: a `FifoQueue`
 * @result: the result passed to the callback
 * @error: return location for a `GError`
 *
 * Finishes [method@Fifo.Queue.join_async].
 *
 * Returns: %TRUE once every item was marked done; %FALSE, with @error set,
 *   if the join was cancelled
 *
 * Since: 1.0
 */
gboolean
fifo_queue_join_finish (FifoQueue     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (fifo_async_result_is_valid (result, self, fifo_queue_join_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_async_result_propagate (result, NULL, error);
}

/**
 * fifo_queue_join:
 * @self: a `FifoQueue`
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a `GError`
 *
 * Like [method@Fifo.Queue.join_async], blocking the calling thread.
 *
 * Returns: %TRUE once every item was marked done; %FALSE, with @error set,
 *   if the join was cancelled
 *
 * Since: 1.0
 */
gboolean
fifo_queue_join (FifoQueue     *self,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fifo_outcome_propagate (&join_op,
                                 fifo_wait_queue_submit_sync (&self->queue, &join_op, NULL, cancellable, NULL),
                                 error);
}

/**
 * fifo_queue_shutdown:
 * @self: a `FifoQueue`
 * @immediate: whether to drop the items the queue still holds
 *
 * Shuts the queue down, as Python 3.13's `asyncio.Queue.shutdown()` does:
 * waiting puts, and every put from now on, fail with
 * %FIFO_ERROR_QUEUE_SHUT_DOWN (their items are not inserted); gets take
 * what is left, then fail likewise, the waiting ones at once.
 *
 * With @immediate, what is left is dropped (freed, once the queue is
 * unlocked, with its free function) and marked done, which may complete
 * [method@Fifo.Queue.join_async]; every get fails from now on. So is an
 * item handed to a get that is cancelled afterwards: it does not go back.
 *
 * Since: 1.0
 */
void
fifo_queue_shutdown (FifoQueue *self,
                     gboolean   immediate)
{
  g_return_if_fail (FIFO_IS_QUEUE (self));

  fifo_wait_queue_lock (&self->queue);
  self->shut_down = TRUE;
  if (immediate)
    self->immediate = TRUE;
  if (immediate && self->n_items > 0)
    {
      guint n_items = self->n_items;
      gpointer *items = g_new (gpointer, n_items);

      for (guint i = 0; i < n_items; i++)
        items[i] = fifo_queue_pop_front (self, NULL);
      fifo_queue_drop (self, items, n_items);
    }
  fifo_queue_serve_queue (&self->queue);
  fifo_wait_queue_unlock (&self->queue);
}

/* ---- Properties --------------------------------------------------------------- */

/**
 * fifo_queue_get_max_size: (get-property max-size)
 * @self: a `FifoQueue`
 *
 * Gets how many items the queue holds before a put waits.
 *
 * Returns: the maximum size, or 0 for no limit
 *
 * Since: 1.0
 */
guint
fifo_queue_get_max_size (FifoQueue *self)
{
  g_return_val_if_fail (FIFO_IS_QUEUE (self), 0);

  return self->max_size;
}

/**
 * fifo_queue_get_n_items: (get-property n-items)
 * @self: a `FifoQueue`
 *
 * Counts the items in the queue.
 *
 * Returns: the number of items not yet got
 *
 * Since: 1.0
 */
guint
fifo_queue_get_n_items (FifoQueue *self)
{
  guint n;

  g_return_val_if_fail (FIFO_IS_QUEUE (self), 0);

  fifo_wait_queue_lock (&self->queue);
  n = self->n_items;
  fifo_wait_queue_unlock (&self->queue);

  return n;
}

/**
 * fifo_queue_get_n_waiting: (get-property n-waiting)
 * @self: a `FifoQueue`
 *
 * Counts the gets waiting for an item and the puts waiting for room.
 *
 * Returns: the number of waiting gets and puts
 *
 * Since: 1.0
 */
guint
fifo_queue_get_n_waiting (FifoQueue *self)
{
  guint n;

  g_return_val_if_fail (FIFO_IS_QUEUE (self), 0);

  fifo_wait_queue_lock (&self->queue);
  n = self->queue.lists[GETTERS].length + self->queue.lists[PUTTERS].length;
  fifo_wait_queue_unlock (&self->queue);

  return n;
}

/**
 * fifo_queue_get_n_unfinished: (get-property n-unfinished)
 * @self: a `FifoQueue`
 *
 * Counts the items put and not yet marked done: what
 * [method@Fifo.Queue.task_done] may still be called for (Python's
 * `asyncio.Queue` keeps it as `_unfinished_tasks`).
 *
 * Returns: the number of unfinished items
 *
 * Since: 1.0
 */
guint
fifo_queue_get_n_unfinished (FifoQueue *self)
{
  guint n;

  g_return_val_if_fail (FIFO_IS_QUEUE (self), 0);

  fifo_wait_queue_lock (&self->queue);
  n = self->unfinished;
  fifo_wait_queue_unlock (&self->queue);

  return n;
}

/**
 * fifo_queue_get_is_shut_down: (get-property is-shut-down)
 * @self: a `FifoQueue`
 *
 * Tells whether the queue was shut down.
 *
 * Returns: %TRUE once [method@Fifo.Queue.shutdown] was called
 *
 * Since: 1.0
 */
gboolean
fifo_queue_get_is_shut_down (FifoQueue *self)
{
  gboolean shut_down;

  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);

  fifo_wait_queue_lock (&self->queue);
  shut_down = self->shut_down;
  fifo_wait_queue_unlock (&self->queue);

  return shut_down;
}

/**
 * fifo_queue_holds_values:
 * @self: a `FifoQueue`
 *
 * Tells whether the queue holds `GValue`s (made by
 * [ctor@Fifo.Queue.new_for_values], `g_object_new()` or a binding) or
 * pointers (made by [ctor@Fifo.Queue.new]).
 *
 * Returns: %TRUE for a queue of values
 *
 * Since: 1.0
 */
gboolean
fifo_queue_holds_values (FifoQueue *self)
{
  g_return_val_if_fail (FIFO_IS_QUEUE (self), FALSE);

  return self->values;
}

/**
 * fifo_queue_get_name: (get-property name)
 * @self: a `FifoQueue`
 *
 * Gets the queue's name. Another thread may change it meanwhile: this is a
 * copy.
 *
 * Returns: (transfer full) (nullable): a copy of the name, or %NULL
 *
 * Since: 1.0
 */
char *
fifo_queue_get_name (FifoQueue *self)
{
  g_return_val_if_fail (FIFO_IS_QUEUE (self), NULL);

  return fifo_object_dup_name (G_OBJECT (self));
}

/**
 * fifo_queue_set_name: (set-property name)
 * @self: a `FifoQueue`
 * @name: (nullable): the new name, or %NULL for none
 *
 * Names the queue, for criticals, debug messages and traces. Any thread
 * may call it, also while others use the queue.
 *
 * Since: 1.0
 */
void
fifo_queue_set_name (FifoQueue  *self,
                     const char *name)
{
  g_return_if_fail (FIFO_IS_QUEUE (self));

  if (fifo_object_set_name (G_OBJECT (self), name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}
