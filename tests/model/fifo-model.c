/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reference model and its driver (see fifo-model.h).
 *
 * The model is written from the documented contract (DESIGN.md and the
 * doc comments in fifolock-glib/), not from the implementation:
 *
 *  - a request is granted only when it is at the head of its queue (or the
 *    queue is empty) and compatible; releases hand over directly;
 *  - every completion goes to the ready list of its caller's main context
 *    and is delivered only by an iteration of that context, in the order
 *    the completions happened;
 *  - cancelling a queued request removes it at once (the next compatible
 *    requests are then granted); cancelling a granted request whose
 *    callback has not run takes the grant back and hands it on, except for
 *    FifoBarrier (the cycle stands) and FifoCondition (the waiter keeps the
 *    mutex, reports the cancellation, and passes its notification on);
 *    cancelling after delivery does nothing.
 *  - now and then a context is destroyed (its only reference dropped) and a
 *    new one takes its slot; the requests of the dead one become orphans:
 *    their callbacks never run. An orphan completed but not delivered is
 *    passed over during the unref; one still queued keeps its place and is
 *    passed over when it completes. Passing over gives back, at once and
 *    as a release would, what the request holds: a granted lock mode,
 *    mutex or permit, a condition wait's mutex (whatever its outcome; a
 *    notified wait also passes its notification on), a wait_for's mutex if
 *    it waited. Nothing else (cancelled, failed, event waits, barrier
 *    parties, a wait_for whose predicate held at once).
 *
 *    Cancelling a queued orphan takes it out (and runs no callback): it
 *    completes, cancelled, and is passed over inside its own
 *    GCancellable::cancelled handler.
 *  - FifoQueue (DESIGN.md's FifoQueue, fifo-queue.c's doc comments): the
 *    items in order, and three queues of requests, each strictly FIFO:
 *    getters (wait only while there is no item), putters (only while the
 *    queue is full, or a put waits before them) and joiners (until every
 *    item put is marked done). A put that finds a getter hands its item
 *    straight to it; a get that frees room lets the first putter in.
 *    shutdown(): later and waiting puts fail, gets take what is left and
 *    then fail; shutdown(TRUE) drops (frees) what is left and marks it
 *    done. Cancelling a queued request takes it out; cancelling a get that
 *    was handed an item puts the item back in front (and hands it on); a
 *    put whose item went in, and a join that saw the end, stand. A context
 *    destroyed: a get handed an item gives it back in front, a failed
 *    put's item is freed. Items are GUINT_TO_POINTER (id): every item is
 *    either got exactly once (by a delivered get, try_get or the blocking
 *    get) or freed exactly once by the free function (a failed put's, those
 *    dropped, those left when the queue goes), never both, never while the
 *    queue is locked (the free function asks the queue something). Where
 *    the contract leaves an order open (a put completing the get it feeds:
 *    the get first; shutdown's failures before the joins it completes) the
 *    model picks one, which the library happens to share.
 *
 * Both sides see exactly the same operations; after each one the driver
 * compares what the library reports (counts, properties, their
 * notifications, what a probe mode sees in FifoLockHolds) with the model,
 * and each main-context iteration's deliveries with the model's ready list.
 */
#include "fifo-model.h"

#include "../fifo-test-util.h"

#include <stdlib.h>

#define N_CONTEXTS   3
#define MAX_LIVE     64    /* far below one dispatcher batch (256): an
                            * iteration delivers every ready completion */
#define MAX_RETAINED 16    /* delivered requests kept to cancel late */
#define TRACE_LENGTH 40
#define N_MODES      9

/* ---- Test modes ------------------------------------------------------------ */

#define TEST_TYPE_COUNT_MODE (test_count_mode_get_type ())
#define TEST_TYPE_PROBE_MODE (test_probe_mode_get_type ())

/* Set while the model drops a context's last reference: the library runs
 * none of the user's code in a context's finalizer — it may be a binding's
 * garbage collection, or inside a mode's is_compatible — so every piece of
 * user code here checks. */
static const char *finalizing;

static void
check_not_finalizing (const char *what)
{
  if (finalizing != NULL)
    g_error ("%s ran inside the finalizer of %s, which must run no user code", what, finalizing);
}

/* Counts by type across its instances: at most two holds of this type at a
 * time, and none beside an exclusive one. */
DEFINE_TEST_MODE (TestCountMode, test_count_mode, COUNT_MODE,
                  check_not_finalizing ("a mode's is_compatible");
                  return fifo_lock_holds_get (holds, TEST_TYPE_COUNT_MODE) < 2 &&
                         fifo_lock_holds_get (holds, FIFO_TYPE_EXCLUSIVE_MODE) == 0;)

static gboolean model_probe (FifoLockHolds *holds);

/* Never compatible: try_acquire() with it only lets the model look at the
 * lock's holds. */
DEFINE_TEST_MODE (TestProbeMode, test_probe_mode, PROBE_MODE,
                  return model_probe (holds);)

typedef enum {
  MODE_EXCLUSIVE,
  MODE_SHARED,
  MODE_SEMAPHORE,
  MODE_COUNT,
  N_MODE_KINDS
} ModeKind;

/* ---- Requests -------------------------------------------------------------- */

typedef enum {
  OUTCOME_OK,
  OUTCOME_CANCELLED,
  OUTCOME_BROKEN,
  OUTCOME_SHUT_DOWN,
} Outcome;

static const char *outcome_names[] = { "ok", "cancelled", "broken", "shut down" };

typedef enum {
  REQ_QUEUED,     /* waits in a queue */
  REQ_READY,      /* completed; in its context's ready list */
  REQ_DELIVERED,  /* its callback ran */
  REQ_MISUSE,     /* refused by a g_critical: must never complete */
  REQ_ORPHAN,     /* completed in a destroyed context: to be passed over */
  REQ_PASSED,     /* passed over: its callback never runs */
} ReqState;

typedef enum {
  OP_LOCK_ACQUIRE,
  OP_MUTEX_ACQUIRE,
  OP_SEMAPHORE_ACQUIRE,
  OP_EVENT_WAIT,
  OP_CONDITION_WAIT,
  OP_CONDITION_WAIT_FOR,
  OP_BARRIER_WAIT,
  OP_COMPANION_ACQUIRE,
  OP_QUEUE_PUT,
  OP_QUEUE_GET,
  OP_QUEUE_JOIN,
} ReqOp;

static const char *op_names[] = {
  "lock-acquire", "mutex-acquire", "semaphore-acquire", "event-wait",
  "condition-wait", "condition-wait-for", "barrier-wait", "companion-acquire",
  "queue-put", "queue-get", "queue-join",
};

static gboolean
op_is_queue (ReqOp op)
{
  return op == OP_QUEUE_PUT || op == OP_QUEUE_GET || op == OP_QUEUE_JOIN;
}

typedef enum {
  IN_MAIN,        /* the primitive's queue (for a condition: its own; for a
                   * FifoQueue: its getters) */
  IN_MUTEX,       /* the mutex's queue (a mutex, or a condition's mutex) */
  IN_COMPANION,   /* the companion mutex's queue */
  IN_PUTTERS,     /* a FifoQueue's putters */
  IN_JOINERS,     /* a FifoQueue's joiners */
} Where;

/* A FifoMutex's model: the primitive's (FifoMutex, FifoCondition's), and
 * the companion's, a FifoMutex beside every primitive whose requests share
 * cancellables with the primitive's. */
typedef struct
{
  GQueue   queue;
  gboolean locked;
} MutexModel;

/* A GCancellable, shared by any number of requests of the primitive and
 * of the companion, with handlers of the application's own (the model's)
 * that call back into the library, connected before the first request
 * used it (they run before the library's cancellations) or after. */
typedef struct _Cancel Cancel;

typedef enum {
  ACT_RELEASE,    /* release something the test holds */
  ACT_CANCEL,     /* cancel another cancellable (chained; cycles too) */
  ACT_ITERATE,    /* iterate a context once, delivering inside the emission */
  ACT_DESTROY,    /* drop the last reference to a context */
  N_ACTS
} Act;

static const char *act_names[] = {
  "releases a hold", "cancels another cancellable", "iterates a context", "destroys a context",
};

typedef struct
{
  Cancel   *cancel;
  Act       act;
  gboolean  before_library;  /* connected before the library's handler */
  Cancel   *child;           /* ACT_CANCEL; a user of it */
  guint     ctx;             /* ACT_ITERATE, ACT_DESTROY */
  gboolean  as_default;      /* ACT_ITERATE */
} Handler;

#define MAX_HANDLERS 3

struct _Cancel
{
  FifoModel    *model;
  guint         id;
  GCancellable *cancellable;
  gpointer      weak;               /* cleared when it is finalized */
  gboolean      cancelled;
  gboolean      library_connected;  /* a request used it */
  gboolean      library_done;       /* the library's handler ran for its emission */
  guint         users;              /* requests (live or kept) and handlers naming it */
  guint         n_handlers;
  gulong        handler_ids[MAX_HANDLERS];
};

typedef struct
{
  FifoModel     *model;
  guint          id;
  ReqOp          op;
  guint          ctx;
  guint          mode;              /* FifoLock: index into the modes */
  Cancel        *cancel;            /* its cancellable; NULL: not cancellable */
  gboolean       cancelled;         /* it was cancelled, or made cancelled */
  guint64        registered;        /* when it was last (re)submitted with it */
  guint          n_destroyed;       /* wait_for: its predicate data's destroy notify */
  ReqState       state;
  Where          where;             /* while queued */
  gboolean       cancel_requested;  /* condition: will complete cancelled */
  gboolean       at_mutex;          /* condition: went on to the mutex's queue */
  Outcome        outcome;           /* expected, once ready */
  gint64         value;             /* expected barrier index */
  /* FifoCondition */
  gboolean       holds_mutex_at_end; /* delivered holding the mutex */
  guint          target;             /* wait_for: until value >= target */
  gboolean       final;              /* wait_for: its own completion */
  /* FifoQueue: a put's item; the item handed to a get */
  guint          item;
  /* its context was destroyed: never delivered, passed over instead */
  gboolean       orphaned;
  /* what the library did */
  guint          n_callbacks;
} Req;

typedef struct
{
  Req     *req;
  Outcome  outcome;
  gint64   value;
} Observed;

/* ---- Properties whose notifications are counted ----------------------------- */

typedef enum {
  PROP_LOCK_N_WAITING,
  PROP_MUTEX_LOCKED,
  PROP_MUTEX_N_WAITING,
  PROP_SEMAPHORE_VALUE,
  PROP_SEMAPHORE_N_WAITING,
  PROP_EVENT_IS_SET,
  PROP_EVENT_N_WAITING,
  PROP_CONDITION_N_WAITING,
  PROP_BARRIER_N_WAITING,
  PROP_BARRIER_BROKEN,
  PROP_COMPANION_LOCKED,
  PROP_COMPANION_N_WAITING,
  PROP_QUEUE_N_ITEMS,
  PROP_QUEUE_N_WAITING,
  PROP_QUEUE_IS_SHUT_DOWN,
  PROP_QUEUE_MAX_SIZE,    /* construct-only: never notified */
  N_PROPS
} PropId;

static const char *prop_names[] = {
  "n-waiting", "locked", "n-waiting", "value", "n-waiting",
  "is-set", "n-waiting", "n-waiting", "n-waiting", "broken", "locked", "n-waiting",
  "n-items", "n-waiting", "is-shut-down", "max-size",
};

static const char *prop_owners[] = {
  "FifoLock", "FifoMutex", "FifoMutex", "FifoSemaphore", "FifoSemaphore",
  "FifoEvent", "FifoEvent", "FifoCondition", "FifoBarrier", "FifoBarrier",
  "companion FifoMutex", "companion FifoMutex",
  "FifoQueue", "FifoQueue", "FifoQueue", "FifoQueue",
};

/* ---- Statistics ------------------------------------------------------------- */

typedef enum {
  STAT_ASYNC,
  STAT_PRECANCELLED,
  STAT_TRY,
  STAT_BLOCKING,
  STAT_RELEASE,
  STAT_ITERATE,
  STAT_DELIVERED_OK,
  STAT_DELIVERED_CANCELLED,
  STAT_DELIVERED_BROKEN,
  STAT_DELIVERED_SHUT_DOWN,
  STAT_CANCEL_QUEUED,
  STAT_CANCEL_REVOKED,
  STAT_CANCEL_STOOD,
  STAT_CANCEL_DELIVERED,
  STAT_MISUSE,
  STAT_CONTROL,        /* set, clear, notify, abort, reset */
  STAT_WAIT_FOR_STEP,
  STAT_PROBE,
  STAT_DESTROY,
  STAT_PASSED_OVER,
  STAT_PASSED_OVER_GAVE_BACK,
  STAT_COMPANION,
  STAT_SHARED_CANCELLABLE,
  STAT_HANDLER_RELEASE,
  STAT_HANDLER_CANCEL,
  STAT_HANDLER_ITERATE,
  STAT_HANDLER_DESTROY,
  STAT_HANDLER_BEFORE,
  STAT_QUEUE_PUT_IN,
  STAT_QUEUE_GOT,
  STAT_QUEUE_GIVEN_BACK,
  STAT_QUEUE_TASK_DONE,
  STAT_QUEUE_SHUTDOWN,
  STAT_QUEUE_FREED,
  STAT_QUEUE_DROPPED_GIVEN_BACK,
  STAT_QUEUE_RENEWED,
  N_STATS
} Stat;

static const char *stat_names[] = {
  "async requests", "pre-cancelled", "try", "blocking", "releases",
  "iterations", "delivered ok", "delivered cancelled", "delivered broken",
  "delivered shut down",
  "cancelled queued", "cancelled after grant (revoked)",
  "cancelled after grant (stood)", "cancelled after delivery",
  "misuse criticals", "set/clear/notify/abort/reset", "wait_for steps",
  "holds probes", "contexts destroyed", "passed over", "passed over (gave back)",
  "companion requests", "requests sharing a cancellable", "handler releases",
  "handler cancels", "handler iterations", "handler context destructions",
  "handlers run before the library's", "items put in", "items got",
  "items given back in front", "task_done calls", "shutdowns", "items freed by the queue",
  "items given back after shutdown (TRUE), dropped", "queues shut down, finalized and made anew",
};

/* ---- FifoQueue items ------------------------------------------------------------ */

/* Where an item is, for the model: each is GUINT_TO_POINTER (its id). */
typedef enum {
  ITEM_PUTTING,   /* carried by a put, not (yet) in */
  ITEM_QUEUED,    /* in the queue */
  ITEM_HANDED,    /* handed to a get whose callback has not run */
  ITEM_TAKEN,     /* the caller's: got, exactly once */
  ITEM_REFUSED,   /* try_put refused it: still the caller's */
  ITEM_FAILED,    /* its put failed: the queue frees it */
  ITEM_DROPPED,   /* dropped by shutdown (TRUE), or got by try_get (NULL):
                   * the queue frees it */
  ITEM_FINAL,     /* in the queue when it was finalized: freed then */
} ItemState;

static const char *item_state_names[] = {
  "carried by a put", "in the queue", "handed to a get", "got by the caller",
  "refused by try_put (the caller's)", "a failed put's", "dropped", "left in the finalized queue",
};

typedef struct
{
  guint8 state;     /* ItemState */
  guint8 n_freed;   /* by the queue's free function */
  guint  order;     /* when it came into the queue: its place for good */
} ItemInfo;

/* ---- The model ---------------------------------------------------------------- */

struct _FifoModel
{
  FifoModelKind        kind;
  FifoModelChooseFunc  choose;
  gpointer             choose_data;
  char                *replay_hint;
  guint64              n_steps;
  guint                next_id;
  guint                target_live; /* this phase's load */

  GMainContext        *contexts[N_CONTEXTS];
  int                  iterating;   /* the context being iterated, or -1 */

  /* The library's side */
  GObject             *primitive;   /* what was made (weak pointer at the end) */
  FifoLock            *lock;
  FifoMutex           *mutex;       /* also a condition's */
  FifoSemaphore       *semaphore;
  FifoEvent           *event;
  FifoCondition       *condition;
  FifoBarrier         *barrier;
  FifoQueue           *fifo_queue;
  FifoLockMode        *modes[N_MODES];
  FifoLockMode        *probe;

  /* The model's side */
  guint                n_modes;
  ModeKind             mode_kinds[N_MODES];
  guint                mode_sizes[N_MODES];
  guint                holds[N_MODES];
  gboolean             locked;
  guint                value;
  guint                bound;
  gboolean             bounded;
  gboolean             is_set;
  guint                parties;
  gboolean             broken;
  guint                cond_value;  /* what wait_for predicates look at */
  GQueue               queue;       /* the primitive's queue (a FifoQueue's getters) */
  /* FifoQueue */
  guint                max_size;
  GQueue               items;       /* item ids, oldest first */
  GQueue               putters;
  GQueue               joiners;
  guint                unfinished;  /* put in, not marked done */
  gboolean             shut_down;
  gboolean             shut_down_immediate;
  guint                put_share;   /* of 15: this phase's puts among puts and gets */
  GArray              *item_info;   /* ItemInfo, by id (0 is none) */
  guint                first_item;  /* the current queue's first */
  guint                next_order;  /* the next item in takes this place */
  GArray              *owed;        /* ids the free function must have had by
                                     * the end of the step */
  GArray              *freed;       /* ids it had during the step */
  MutexModel           mx;          /* the mutex's (a mutex, or a condition's) */
  MutexModel           comp;        /* the companion mutex's */
  GQueue               ready[N_CONTEXTS];
  GQueue               orphans;     /* Req: REQ_ORPHAN, to be passed over,
                                     * from the head */

  FifoMutex           *companion;   /* beside every primitive */
  guint                comp_held;   /* holds of the companion the test has */
  GPtrArray           *cancels;     /* Cancel: alive */
  GPtrArray           *unused;      /* Cancel: no users, to drop once the step is over */
  GPtrArray           *graveyard;   /* Req: done, to free once the step is over */
  guint                next_cancel_id;
  guint64              registrations;
  guint                cancel_depth;
  GPtrArray           *live;        /* Req: not delivered */
  GPtrArray           *retained;    /* Req: delivered or passed over,
                                     * still cancellable */
  GPtrArray           *zombies;     /* Req: refused as misuse */
  GArray              *tokens;      /* guint: what the test holds (mode index) */
  GArray              *observed;    /* Observed: callbacks of this iteration */
  guint                predicate_calls;
  guint                expected_predicate_calls;

  /* What the probe mode saw */
  gboolean             probe_ran;
  guint                probe_total;
  guint                probe_for_mode[N_MODES];
  guint                probe_for_type[N_MODE_KINDS];
  gboolean             probe_compatible[N_MODES];
  FifoLockHolds       *kept_holds;  /* a snapshot a mode kept */
  guint                kept_total;
  guint                kept_for_mode[N_MODES];

  /* Property notifications; FIFO_MODEL_NO_NOTIFY=1 stops comparing their
   * counts (to look for hangs only, in a library that groups them another
   * way) */
  gboolean             check_notify;
  gboolean             watched[N_PROPS];
  guint                notified[N_PROPS];
  /* Notifications: at most one per locked section that changed the value
   * (expected_notified); at least one per step at whose end the value
   * differs from the last step's (min_notified) — the library defers the
   * notifications of changes made in a dispatcher's batch of callbacks to
   * the batch's end, so those in between may be merged. */
  guint                expected_notified[N_PROPS];
  gint64               last_value[N_PROPS];
  guint                min_notified[N_PROPS];
  gint64               step_value[N_PROPS];

  /* Expected criticals */
  guint                n_criticals;
  char                *last_critical;

  char                 trace[TRACE_LENGTH][160];
  guint                trace_next;
  guint64              stats[N_STATS];
};

/* The model whose probe mode runs now (the driver is single-threaded). */
static FifoModel *probing;

/* ---- Failing, tracing, choosing ------------------------------------------------- */

static char *
model_state_string (FifoModel *m)
{
  GString *s = g_string_new (NULL);
  guint n_orphaned = 0;

  for (guint i = 0; i < m->live->len; i++)
    n_orphaned += ((Req *) g_ptr_array_index (m->live, i))->orphaned;
  g_string_append_printf (s, "queue %u, mutex queue %u, ready %u/%u/%u, live %u (%u orphaned), tokens %u",
                          m->queue.length, m->mx.queue.length,
                          m->ready[0].length, m->ready[1].length, m->ready[2].length,
                          m->live->len, n_orphaned, m->tokens->len);
  switch (m->kind)
    {
    case FIFO_MODEL_LOCK:
      g_string_append (s, ", holds");
      for (guint i = 0; i < m->n_modes; i++)
        g_string_append_printf (s, " %u", m->holds[i]);
      break;
    case FIFO_MODEL_MUTEX:
      g_string_append_printf (s, ", locked %d", m->mx.locked);
      break;
    case FIFO_MODEL_SEMAPHORE:
    case FIFO_MODEL_BOUNDED_SEMAPHORE:
      g_string_append_printf (s, ", value %u (bound %u, bounded %d)", m->value, m->bound, m->bounded);
      break;
    case FIFO_MODEL_EVENT:
      g_string_append_printf (s, ", is-set %d", m->is_set);
      break;
    case FIFO_MODEL_CONDITION:
      g_string_append_printf (s, ", locked %d, value %u", m->mx.locked, m->cond_value);
      break;
    case FIFO_MODEL_BARRIER:
      g_string_append_printf (s, ", parties %u, broken %d", m->parties, m->broken);
      break;
    case FIFO_MODEL_QUEUE:
    case FIFO_MODEL_BOUNDED_QUEUE:
      g_string_append_printf (s, ", items %u (max-size %u; front %u), putters %u, joiners %u, unfinished %u, shut down %d%s",
                              m->items.length, m->max_size, GPOINTER_TO_UINT (g_queue_peek_head (&m->items)),
                              m->putters.length, m->joiners.length, m->unfinished, m->shut_down,
                              m->shut_down_immediate ? " (immediate)" : "");
      break;
    case FIFO_MODEL_N_KINDS:
    default:
      break;
    }

  return g_string_free (s, FALSE);
}

static void model_fail (FifoModel  *m,
                        const char *format,
                        ...) G_GNUC_PRINTF (2, 3) G_GNUC_NORETURN;

static void
model_fail (FifoModel  *m,
            const char *format,
            ...)
{
  g_autoptr(GString) message = g_string_new (NULL);
  g_autofree char *what = NULL;
  g_autofree char *state = model_state_string (m);
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_string_append_printf (message, "model %s, step %" G_GUINT64_FORMAT ": %s\n  (%s)\n  model: %s\n  last operations, oldest first:\n",
                          fifo_model_kind_name (m->kind), m->n_steps, what,
                          m->replay_hint != NULL ? m->replay_hint : "no replay hint", state);
  for (guint i = 0; i < TRACE_LENGTH; i++)
    {
      const char *line = m->trace[(m->trace_next + i) % TRACE_LENGTH];

      if (*line != '\0')
        g_string_append_printf (message, "    %s\n", line);
    }

  g_printerr ("%s", message->str);
  g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, message->str);
  abort ();
}

static void trace (FifoModel  *m,
                   const char *format,
                   ...) G_GNUC_PRINTF (2, 3);

static void
trace (FifoModel  *m,
       const char *format,
       ...)
{
  char *line = m->trace[m->trace_next];
  int n = g_snprintf (line, sizeof m->trace[0], "#%" G_GUINT64_FORMAT " ", m->n_steps);
  va_list args;

  va_start (args, format);
  g_vsnprintf (line + n, sizeof m->trace[0] - n, format, args);
  va_end (args);
  m->trace_next = (m->trace_next + 1) % TRACE_LENGTH;
}

static guint
pick (FifoModel *m,
      guint      n)
{
  guint choice;

  if (n <= 1)
    return 0;
  choice = m->choose (m->choose_data, n);
  g_assert (choice < n);
  return choice;
}

/* ---- Cancellables ---------------------------------------------------------------- */

static void cancel_cancellable (FifoModel *m,
                                Cancel    *c);
static void user_cancelled_cb  (GCancellable *cancellable,
                                gpointer      data);

static Cancel *
cancel_new (FifoModel *m)
{
  Cancel *c = g_new0 (Cancel, 1);

  c->model = m;
  c->id = ++m->next_cancel_id;
  c->cancellable = g_cancellable_new ();
  c->weak = c->cancellable;
  g_object_add_weak_pointer (G_OBJECT (c->cancellable), &c->weak);
  g_ptr_array_add (m->cancels, c);
  return c;
}

static void
cancel_use (Cancel *c)
{
  c->users++;
}

/* Once the step is over: see cancel_drop_unused(). */
static void
cancel_unuse (Cancel *c)
{
  g_assert (c->users > 0);
  if (--c->users == 0)
    g_ptr_array_add (c->model->unused, c);
}

static void
handler_destroyed (gpointer  data,
                   GClosure *closure)
{
  Handler *h = data;

  if (h->child != NULL)
    cancel_unuse (h->child);
  g_free (h);
}

/* A handler of the application's own on @c: connected before any request
 * used it, it runs before the library's cancellations; after, after. */
static void
cancel_connect (FifoModel *m,
                Cancel    *c,
                Act        act)
{
  Handler *h = g_new0 (Handler, 1);

  h->cancel = c;
  h->act = act;
  h->before_library = !c->library_connected;
  h->ctx = pick (m, N_CONTEXTS);
  h->as_default = pick (m, 4) != 0;
  if (act == ACT_CANCEL)
    {
      /* Any other one, even one whose own handlers cancel this one. */
      h->child = g_ptr_array_index (m->cancels, pick (m, m->cancels->len));
      if (h->child == c)
        h->child = cancel_new (m);
      cancel_use (h->child);
    }
  trace (m, "cancellable %u: a handler that %s (%u), %s the library's", c->id, act_names[act],
         act == ACT_CANCEL ? h->child->id : h->ctx, h->before_library ? "before" : "after");
  c->handler_ids[c->n_handlers++] =
    g_signal_connect_data (c->cancellable, "cancelled", G_CALLBACK (user_cancelled_cb), h,
                           handler_destroyed, 0);
}

/* Now and then, handlers on a cancellable: most do nothing to the model's
 * primitive but a few call back into it. */
static void
cancel_maybe_connect (FifoModel *m,
                      Cancel    *c)
{
  if (c->n_handlers >= MAX_HANDLERS || pick (m, 4) != 0)
    return;
  cancel_connect (m, c, pick (m, N_ACTS));
}

/* Unlocked, outside any emission: the last user is gone. Every reference
 * the library took to the cancellable must be gone with its requests. */
static void
cancel_drop_unused (FifoModel *m)
{
  while (m->unused->len > 0)
    {
      Cancel *c = g_ptr_array_steal_index (m->unused, m->unused->len - 1);

      if (c->users > 0)
        continue;  /* used again meanwhile */
      g_ptr_array_remove_fast (m->cancels, c);
      g_object_unref (c->cancellable);
      if (c->weak != NULL)
        model_fail (m, "cancellable %u outlived its requests: something kept a reference to it", c->id);
      g_free (c);
    }
}

static GCancellable *
req_cancellable (Req *r)
{
  return r->cancel != NULL ? r->cancel->cancellable : NULL;
}

/* ---- Requests ------------------------------------------------------------------- */

static Req *
req_new (FifoModel *m,
         ReqOp      op,
         gboolean   may_cancel)
{
  Req *r = g_new0 (Req, 1);
  guint how = may_cancel ? pick (m, 16) : 15;

  r->model = m;
  r->id = ++m->next_id;
  r->op = op;
  r->ctx = pick (m, N_CONTEXTS);
  /* One in sixteen already cancelled when made, half cancellable; a third
   * of those share a cancellable with requests made before. */
  if (how < 9)
    {
      Cancel *shared = NULL;

      for (guint tries = 0; tries < 3 && m->cancels->len > 0 && pick (m, 3) == 0; tries++)
        {
          Cancel *c = g_ptr_array_index (m->cancels, pick (m, m->cancels->len));

          if (c->cancelled == (how == 0))
            {
              shared = c;
              m->stats[STAT_SHARED_CANCELLABLE]++;
              break;
            }
        }
      r->cancel = shared != NULL ? shared : cancel_new (m);
      cancel_use (r->cancel);
      if (how == 0 && !r->cancel->cancelled)
        cancel_cancellable (m, r->cancel);
      else if (shared == NULL)
        cancel_maybe_connect (m, r->cancel);
      r->cancelled = r->cancel->cancelled;
    }

  return r;
}

/* The request is done with: freed once the step is over, so that nothing
 * the step is still looking at (a cancellation running through several
 * requests) goes away under it. */
static void
req_free (Req *r)
{
  g_ptr_array_add (r->model->graveyard, r);
}

static void
req_really_free (Req *r)
{
  if (r->cancel != NULL)
    cancel_unuse (r->cancel);
  g_free (r);
}

static MutexModel *
where_mutex (FifoModel *m,
             Where      where)
{
  return where == IN_COMPANION ? &m->comp : &m->mx;
}

static GQueue *
where_queue (FifoModel *m,
             Where      where)
{
  switch (where)
    {
    case IN_MAIN:     return &m->queue;
    case IN_PUTTERS:  return &m->putters;
    case IN_JOINERS:  return &m->joiners;
    case IN_MUTEX:
    case IN_COMPANION:
    default:          return &where_mutex (m, where)->queue;
    }
}

static GObject *
op_object (FifoModel *m,
           ReqOp      op)
{
  switch (op)
    {
    case OP_LOCK_ACQUIRE:       return G_OBJECT (m->lock);
    case OP_MUTEX_ACQUIRE:      return G_OBJECT (m->mutex);
    case OP_SEMAPHORE_ACQUIRE:  return G_OBJECT (m->semaphore);
    case OP_EVENT_WAIT:         return G_OBJECT (m->event);
    case OP_CONDITION_WAIT:
    case OP_CONDITION_WAIT_FOR: return G_OBJECT (m->condition);
    case OP_BARRIER_WAIT:       return G_OBJECT (m->barrier);
    case OP_COMPANION_ACQUIRE:  return G_OBJECT (m->companion);
    case OP_QUEUE_PUT:
    case OP_QUEUE_GET:
    case OP_QUEUE_JOIN:         return G_OBJECT (m->fifo_queue);
    default:                    g_assert_not_reached ();
    }
}

/* The library delivers a completion: record it, to be compared with the
 * model once the iteration is over. */
static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Req *r = user_data;
  FifoModel *m = r->model;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) result_source = g_async_result_get_source_object (result);
  gpointer tag = NULL;
  Observed observed = { r, OUTCOME_OK, 0 };
  gboolean ok = FALSE;

  check_not_finalizing ("a callback");

  if (r->state == REQ_MISUSE)
    model_fail (m, "request %u was refused as misuse, but completed", r->id);
  if (r->orphaned)
    model_fail (m, "request %u (%s, %s): its context was destroyed, but its callback ran%s",
                r->id, op_names[r->op],
                r->state == REQ_PASSED ? "passed over" : r->state == REQ_QUEUED ? "queued" : "completing",
                m->iterating < 0 ? ", outside any iteration" : "");
  if (m->iterating != (int) r->ctx)
    model_fail (m, "request %u (context %u) completed %s", r->id, r->ctx,
                m->iterating < 0 ? "synchronously, outside any main-context iteration"
                                 : "in an iteration of another context");
  if (!g_main_context_is_owner (m->contexts[r->ctx]))
    model_fail (m, "request %u completed while its context was not being iterated", r->id);
  if (++r->n_callbacks > 1)
    model_fail (m, "request %u completed %u times", r->id, r->n_callbacks);
  if (source != op_object (m, r->op) || result_source != source)
    model_fail (m, "request %u completed with the wrong source object", r->id);
  if (g_async_result_get_user_data (result) != r)
    model_fail (m, "request %u completed with the wrong user data", r->id);

  switch (r->op)
    {
    case OP_LOCK_ACQUIRE:
      tag = fifo_lock_acquire_async;
      ok = fifo_lock_acquire_finish (m->lock, result, &error);
      break;
    case OP_MUTEX_ACQUIRE:
      tag = fifo_mutex_acquire_async;
      ok = fifo_mutex_acquire_finish (m->mutex, result, &error);
      break;
    case OP_SEMAPHORE_ACQUIRE:
      tag = fifo_semaphore_acquire_async;
      ok = fifo_semaphore_acquire_finish (m->semaphore, result, &error);
      break;
    case OP_EVENT_WAIT:
      tag = fifo_event_wait_async;
      ok = fifo_event_wait_finish (m->event, result, &error);
      break;
    case OP_CONDITION_WAIT:
      tag = fifo_condition_wait_async;
      ok = fifo_condition_wait_finish (m->condition, result, &error);
      break;
    case OP_CONDITION_WAIT_FOR:
      tag = fifo_condition_wait_for_async;
      ok = fifo_condition_wait_for_finish (m->condition, result, &error);
      break;
    case OP_COMPANION_ACQUIRE:
      tag = fifo_mutex_acquire_async;
      ok = fifo_mutex_acquire_finish (m->companion, result, &error);
      break;
    case OP_BARRIER_WAIT:
      tag = fifo_barrier_wait_async;
      observed.value = fifo_barrier_wait_finish (m->barrier, result, &error);
      ok = observed.value >= 0;
      if (!ok && observed.value != -1)
        model_fail (m, "barrier wait %u failed with %" G_GINT64_FORMAT ", not -1", r->id, observed.value);
      break;
    case OP_QUEUE_PUT:
      tag = fifo_queue_put_async;
      ok = fifo_queue_put_finish (m->fifo_queue, result, &error);
      break;
    case OP_QUEUE_GET:
      {
        gpointer item;

        tag = fifo_queue_get_async;
        item = fifo_queue_get_finish (m->fifo_queue, result, &error);
        observed.value = GPOINTER_TO_UINT (item);
        ok = item != NULL;
      }
      break;
    case OP_QUEUE_JOIN:
      tag = fifo_queue_join_async;
      ok = fifo_queue_join_finish (m->fifo_queue, result, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!g_async_result_is_tagged (result, tag))
    model_fail (m, "request %u: its result is not tagged with its _async function", r->id);
  if (ok && error != NULL)
    model_fail (m, "request %u succeeded with an error set", r->id);
  if (ok)
    observed.outcome = OUTCOME_OK;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    observed.outcome = OUTCOME_CANCELLED;
  else if (g_error_matches (error, FIFO_ERROR, FIFO_ERROR_BROKEN_BARRIER))
    observed.outcome = OUTCOME_BROKEN;
  else if (g_error_matches (error, FIFO_ERROR, FIFO_ERROR_QUEUE_SHUT_DOWN))
    observed.outcome = OUTCOME_SHUT_DOWN;
  else
    model_fail (m, "request %u failed with an unexpected error: %s", r->id,
                error != NULL ? error->message : "(none set)");

  g_array_append_val (m->observed, observed);
}

static gboolean
wait_for_predicate (gpointer data)
{
  Req *r = data;
  FifoModel *m = r->model;

  check_not_finalizing ("a wait_for predicate");
  /* Called in the caller's thread: from wait_for_async() itself, or when
   * a wait step is delivered, in the caller's context. */
  if (r->orphaned)
    model_fail (m, "wait_for %u: predicate called after its context was destroyed", r->id);
  if (m->iterating >= 0 && m->iterating != (int) r->ctx)
    model_fail (m, "wait_for %u: predicate called in an iteration of another context", r->id);
  m->predicate_calls++;
  return m->cond_value >= r->target;
}

static void
predicate_destroyed (gpointer data)
{
  Req *r = data;

  check_not_finalizing ("a wait_for predicate's destroy notify");

  r->n_destroyed++;
}

/* ---- The model's primitives --------------------------------------------------- */

static ItemInfo *
item_info (FifoModel *m,
           guint      item)
{
  g_assert (item > 0 && item < m->item_info->len);
  return &g_array_index (m->item_info, ItemInfo, item);
}

static void
item_set (FifoModel *m,
          guint      item,
          ItemState  state)
{
  item_info (m, item)->state = state;
}

/* A new item for a put, the caller's until it goes in. */
static guint
item_new (FifoModel *m)
{
  ItemInfo info = { ITEM_PUTTING, 0, 0 };

  g_array_append_val (m->item_info, info);
  return m->item_info->len - 1;
}

/* The queue must have freed @item by the end of the step: the operation
 * that frees it (a failed put's delivery or pass-over, shutdown (TRUE),
 * the queue's finalization) has returned by then. */
static void
item_owe (FifoModel *m,
          guint      item)
{
  g_array_append_val (m->owed, item);
}

/* The model whose queue's free function may run (one at a time). */
static FifoModel *queue_model;

/* The queue's free function. Checked at once: an item of ours, freed
 * once, not while the queue's state is locked; what it was, once the step
 * is over (check_frees()). */
static void
queue_item_free (gpointer data)
{
  FifoModel *m = queue_model;
  guint item = GPOINTER_TO_UINT (data);
  ItemInfo *info;

  check_not_finalizing ("a queue's free function");

  if (m == NULL)
    g_error ("a queue's free function ran for %p with no model", data);
  if (item == 0 || item >= m->item_info->len)
    model_fail (m, "the queue's free function got %p, which is no item put", data);
  info = item_info (m, item);
  if (++info->n_freed > 1)
    model_fail (m, "item %u (%s) was freed %u times", item, item_state_names[info->state], info->n_freed);
  if (info->state == ITEM_TAKEN || info->state == ITEM_REFUSED)
    model_fail (m, "the queue freed item %u, which is %s", item, item_state_names[info->state]);
  g_array_append_val (m->freed, item);
  m->stats[STAT_QUEUE_FREED]++;

  /* Never with the queue locked: this would wait for ever (the watchdog
   * tells). Not while it is being finalized, nor for an older queue's. */
  if (m->fifo_queue != NULL && item >= m->first_item)
    (void) fifo_queue_get_n_items (m->fifo_queue);
}

static void
ready_push (FifoModel *m,
            Req       *r)
{
  r->state = REQ_READY;
  g_queue_push_tail (&m->ready[r->ctx], r);
}

/* The library's fifo_waiter_complete(). */
static void
complete (FifoModel *m,
          Req       *r,
          Outcome    outcome)
{
  if (r->state == REQ_QUEUED)
    g_queue_remove (where_queue (m, r->where), r);
  if (r->cancel_requested && outcome == OUTCOME_OK)
    outcome = OUTCOME_CANCELLED;
  r->outcome = outcome;
  /* A put that fails inserts nothing: the queue frees its item. */
  if (r->op == OP_QUEUE_PUT && outcome != OUTCOME_OK)
    item_set (m, r->item, ITEM_FAILED);
  if (r->orphaned)
    {
      /* Nobody will deliver it: passed over before the operation that
       * completed it lets go of the primitive (settle_orphans()), in the
       * order they completed. */
      r->state = REQ_ORPHAN;
      g_queue_push_tail (&m->orphans, r);
      return;
    }
  ready_push (m, r);
}

static void
enqueue (FifoModel *m,
         Req       *r,
         Where      where)
{
  r->state = REQ_QUEUED;
  r->where = where;
  g_queue_push_tail (where_queue (m, where), r);
}

/* FifoLock */

static guint
lock_holds_of_kind (FifoModel *m,
                    ModeKind   kind)
{
  guint n = 0;

  for (guint i = 0; i < m->n_modes; i++)
    if (m->mode_kinds[i] == kind)
      n += m->holds[i];
  return n;
}

static guint
lock_holds_total (FifoModel *m)
{
  guint n = 0;

  for (guint i = 0; i < m->n_modes; i++)
    n += m->holds[i];
  return n;
}

static gboolean
lock_compatible (FifoModel *m,
                 guint      mode)
{
  switch (m->mode_kinds[mode])
    {
    case MODE_EXCLUSIVE:
      return lock_holds_total (m) == 0;
    case MODE_SHARED:
      return lock_holds_of_kind (m, MODE_EXCLUSIVE) == 0;
    case MODE_SEMAPHORE:
      return m->holds[mode] < m->mode_sizes[mode];
    case MODE_COUNT:
      return lock_holds_of_kind (m, MODE_COUNT) < 2 && lock_holds_of_kind (m, MODE_EXCLUSIVE) == 0;
    case N_MODE_KINDS:
    default:
      g_assert_not_reached ();
    }
}

static void
lock_serve (FifoModel *m)
{
  Req *head;

  while ((head = g_queue_peek_head (&m->queue)) != NULL && lock_compatible (m, head->mode))
    {
      m->holds[head->mode]++;
      complete (m, head, OUTCOME_OK);
    }
}

static void
lock_admit (FifoModel *m,
            Req       *r)
{
  if (g_queue_is_empty (&m->queue) && lock_compatible (m, r->mode))
    {
      m->holds[r->mode]++;
      complete (m, r, OUTCOME_OK);
    }
  else
    {
      enqueue (m, r, IN_MAIN);
    }
}

/* FifoMutex, alone or a condition's */

static void
mutex_serve (FifoModel *m,
             Where      where)
{
  MutexModel *mx = where_mutex (m, where);
  Req *head = g_queue_peek_head (&mx->queue);

  if (!mx->locked && head != NULL)
    {
      mx->locked = TRUE;
      complete (m, head, OUTCOME_OK);
    }
}

static void
mutex_admit (FifoModel *m,
             Req       *r,
             Where      where)
{
  MutexModel *mx = where_mutex (m, where);

  r->at_mutex = where == IN_MUTEX;
  if (!mx->locked && g_queue_is_empty (&mx->queue))
    {
      mx->locked = TRUE;
      complete (m, r, OUTCOME_OK);
    }
  else
    {
      enqueue (m, r, where);
    }
}

static void
mutex_release (FifoModel *m,
               Where      where)
{
  MutexModel *mx = where_mutex (m, where);

  g_assert (mx->locked);
  mx->locked = FALSE;
  mutex_serve (m, where);
}

/* FifoSemaphore */

static void
semaphore_serve (FifoModel *m)
{
  Req *head;

  while (m->value > 0 && (head = g_queue_peek_head (&m->queue)) != NULL)
    {
      m->value--;
      complete (m, head, OUTCOME_OK);
    }
}

static void
semaphore_admit (FifoModel *m,
                 Req       *r)
{
  if (m->value > 0 && g_queue_is_empty (&m->queue))
    {
      m->value--;
      complete (m, r, OUTCOME_OK);
    }
  else
    {
      enqueue (m, r, IN_MAIN);
    }
}

/* FifoCondition: notified waiters move, in order, to the mutex's queue. */
static void
condition_notify (FifoModel *m,
                  guint      n)
{
  Req *head;

  for (; n > 0 && (head = g_queue_pop_head (&m->queue)) != NULL; n--)
    mutex_admit (m, head, IN_MUTEX);
}

/* A wait (or a wait_for step) starts: it releases the mutex it holds. */
static void
condition_admit (FifoModel *m,
                 Req       *r)
{
  r->holds_mutex_at_end = TRUE;
  r->at_mutex = FALSE;
  if (r->cancelled)
    {
      /* Already cancelled: it never waits, and keeps the mutex. */
      complete (m, r, OUTCOME_CANCELLED);
      return;
    }

  enqueue (m, r, IN_MAIN);
  if (m->mx.locked)
    mutex_release (m, IN_MUTEX);
}

/* FifoBarrier */

static void
barrier_admit (FifoModel *m,
               Req       *r)
{
  Req *head;
  gint64 index = 0;

  if (m->broken)
    {
      complete (m, r, OUTCOME_BROKEN);
      return;
    }

  enqueue (m, r, IN_MAIN);
  if (m->queue.length < m->parties)
    return;
  while ((head = g_queue_peek_head (&m->queue)) != NULL)
    {
      head->value = index++;
      complete (m, head, OUTCOME_OK);
    }
}

static void
complete_list (FifoModel *m,
               GQueue    *list,
               Outcome    outcome)
{
  Req *head;

  while ((head = g_queue_peek_head (list)) != NULL)
    complete (m, head, outcome);
}

static void
complete_all (FifoModel *m,
              Outcome    outcome)
{
  complete_list (m, &m->queue, outcome);
}

/* FifoQueue: getters in m->queue, putters and joiners in their own. */

static gboolean
queue_full (FifoModel *m)
{
  return m->max_size > 0 && m->items.length >= m->max_size;
}

static guint
queue_pop (FifoModel *m)
{
  g_assert (!g_queue_is_empty (&m->items));
  return GPOINTER_TO_UINT (g_queue_pop_head (&m->items));
}

/* The oldest item leaves the queue, for a caller (or a get). */
static void
queue_count_got (FifoModel *m)
{
  m->stats[STAT_QUEUE_GOT]++;
  if (m->shut_down_immediate)
    model_fail (m, "a get succeeded after shutdown (TRUE)");
}

static void
queue_hand (FifoModel *m,
            Req       *getter,
            guint      item)
{
  queue_count_got (m);
  getter->item = item;
  item_set (m, item, ITEM_HANDED);
  complete (m, getter, OUTCOME_OK);
}

/* A put succeeds: its item is put (and so counts until marked done), to the
 * first waiting get if there is one — only an empty queue has gets
 * waiting — or at the back. */
static void
queue_take_in (FifoModel *m,
               guint      item)
{
  Req *getter = g_queue_peek_head (&m->queue);

  m->stats[STAT_QUEUE_PUT_IN]++;
  m->unfinished++;
  item_info (m, item)->order = m->next_order++;
  if (getter != NULL)
    {
      queue_hand (m, getter, item);
    }
  else
    {
      g_queue_push_tail (&m->items, GUINT_TO_POINTER (item));
      item_set (m, item, ITEM_QUEUED);
    }
}

static void
queue_insert (FifoModel *m,
              Req       *putter)
{
  queue_take_in (m, putter->item);
  complete (m, putter, OUTCOME_OK);
}

/* Whatever has become possible, in order: items to the waiting gets, room
 * to the waiting puts; once shut down, the gets that can never be served
 * and every waiting put fail; with nothing unfinished, the joins complete. */
static void
queue_serve (FifoModel *m)
{
  for (;;)
    {
      Req *getter = g_queue_peek_head (&m->queue);
      Req *putter = g_queue_peek_head (&m->putters);

      if (getter != NULL && !g_queue_is_empty (&m->items))
        queue_hand (m, getter, queue_pop (m));
      else if (putter != NULL && !queue_full (m) && !m->shut_down)
        queue_insert (m, putter);
      else
        break;
    }

  if (m->shut_down)
    {
      if (g_queue_is_empty (&m->items))
        complete_list (m, &m->queue, OUTCOME_SHUT_DOWN);
      complete_list (m, &m->putters, OUTCOME_SHUT_DOWN);
    }
  if (m->unfinished == 0)
    complete_list (m, &m->joiners, OUTCOME_OK);
}

static void
queue_admit (FifoModel *m,
             Req       *r)
{
  switch (r->op)
    {
    case OP_QUEUE_GET:
      /* After the gets that came before; a shut-down queue still hands out
       * what it holds. */
      if (!g_queue_is_empty (&m->items) && g_queue_is_empty (&m->queue))
        queue_hand (m, r, queue_pop (m));
      else if (m->shut_down)
        complete (m, r, OUTCOME_SHUT_DOWN);
      else
        enqueue (m, r, IN_MAIN);
      break;
    case OP_QUEUE_PUT:
      /* Never past a waiting put. */
      if (m->shut_down)
        complete (m, r, OUTCOME_SHUT_DOWN);
      else if (g_queue_is_empty (&m->putters) && !queue_full (m))
        queue_insert (m, r);
      else
        enqueue (m, r, IN_PUTTERS);
      break;
    case OP_QUEUE_JOIN:
      if (m->unfinished == 0)
        complete (m, r, OUTCOME_OK);
      else
        enqueue (m, r, IN_JOINERS);
      break;
    default:
      g_assert_not_reached ();
    }
  /* A get that took an item made room for a put. */
  queue_serve (m);
}

/* A get that was handed an item will not take it (cancelled, or its
 * context is gone): in front again, order kept, and on to the next get. */
static void
queue_give_back (FifoModel *m,
                 Req       *r)
{
  guint order = item_info (m, r->item)->order;
  GList *place;

  g_assert (r->op == OP_QUEUE_GET && r->item != 0);
  m->stats[STAT_QUEUE_GIVEN_BACK]++;

  /* After shutdown (TRUE) every get fails: dropped, as what was left then
   * was, and marked done. */
  if (m->shut_down_immediate)
    {
      m->stats[STAT_QUEUE_DROPPED_GIVEN_BACK]++;
      item_set (m, r->item, ITEM_DROPPED);
      item_owe (m, r->item);
      m->unfinished -= MIN (m->unfinished, 1);
      r->item = 0;
      queue_serve (m);
      return;
    }

  /* Back to its place: before every item that came in after it. */
  for (place = m->items.head; place != NULL; place = place->next)
    if (item_info (m, GPOINTER_TO_UINT (place->data))->order > order)
      break;
  if (place != NULL)
    g_queue_insert_before (&m->items, place, GUINT_TO_POINTER (r->item));
  else
    g_queue_push_tail (&m->items, GUINT_TO_POINTER (r->item));
  item_set (m, r->item, ITEM_QUEUED);
  r->item = 0;
  queue_serve (m);
}

/* A request is submitted (not already cancelled). */
static void
model_admit (FifoModel *m,
             Req       *r)
{
  if (r->cancelled && r->op != OP_CONDITION_WAIT && r->op != OP_CONDITION_WAIT_FOR)
    {
      complete (m, r, OUTCOME_CANCELLED);
      return;
    }

  switch (r->op)
    {
    case OP_LOCK_ACQUIRE:
      lock_admit (m, r);
      break;
    case OP_MUTEX_ACQUIRE:
      mutex_admit (m, r, IN_MUTEX);
      break;
    case OP_COMPANION_ACQUIRE:
      mutex_admit (m, r, IN_COMPANION);
      break;
    case OP_SEMAPHORE_ACQUIRE:
      semaphore_admit (m, r);
      break;
    case OP_EVENT_WAIT:
      if (m->is_set)
        complete (m, r, OUTCOME_OK);
      else
        enqueue (m, r, IN_MAIN);
      break;
    case OP_CONDITION_WAIT:
    case OP_CONDITION_WAIT_FOR:
      condition_admit (m, r);
      break;
    case OP_BARRIER_WAIT:
      barrier_admit (m, r);
      break;
    case OP_QUEUE_PUT:
    case OP_QUEUE_GET:
    case OP_QUEUE_JOIN:
      queue_admit (m, r);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* @r's cancellable was just cancelled. */
static void
model_cancel (FifoModel *m,
              Req       *r)
{
  gboolean condition = r->op == OP_CONDITION_WAIT || r->op == OP_CONDITION_WAIT_FOR;

  if (r->state == REQ_DELIVERED || r->state == REQ_PASSED ||
      (r->op == OP_CONDITION_WAIT_FOR && r->final))
    {
      /* Its callback ran, it was passed over, or wait_for is past its last
       * wait: too late. */
      m->stats[STAT_CANCEL_DELIVERED]++;
      return;
    }

  if (r->state == REQ_QUEUED)
    {
      gboolean was_head;

      m->stats[STAT_CANCEL_QUEUED]++;
      if (op_is_queue (r->op))
        {
          /* Out of its queue at once; a put inserts nothing. Whatever that
           * makes possible (a put behind it) happens now. */
          complete (m, r, OUTCOME_CANCELLED);
          queue_serve (m);
          return;
        }
      if (condition)
        {
          r->cancel_requested = TRUE;
          if (r->where == IN_MAIN)
            {
              /* Not notified: it stops waiting and re-acquires the mutex. */
              g_queue_remove (&m->queue, r);
              mutex_admit (m, r, IN_MUTEX);
            }
          else
            {
              /* Notified: it stays queued at the mutex and passes its
               * notification on. */
              condition_notify (m, 1);
            }
          return;
        }

      was_head = g_queue_peek_head (where_queue (m, r->where)) == r;
      complete (m, r, OUTCOME_CANCELLED);
      if (was_head)
        {
          if (r->op == OP_LOCK_ACQUIRE)
            lock_serve (m);
          else if (r->op == OP_MUTEX_ACQUIRE || r->op == OP_COMPANION_ACQUIRE)
            mutex_serve (m, r->where);
          else if (r->op == OP_SEMAPHORE_ACQUIRE)
            semaphore_serve (m);
        }
      return;
    }

  g_assert (r->state == REQ_READY);
  if (r->outcome != OUTCOME_OK)
    {
      m->stats[STAT_CANCEL_STOOD]++;
      return;
    }

  switch (r->op)
    {
    case OP_LOCK_ACQUIRE:
      m->holds[r->mode]--;
      lock_serve (m);
      break;
    case OP_MUTEX_ACQUIRE:
      mutex_release (m, IN_MUTEX);
      break;
    case OP_COMPANION_ACQUIRE:
      mutex_release (m, IN_COMPANION);
      break;
    case OP_SEMAPHORE_ACQUIRE:
      if (m->value == G_MAXUINT)
        {
          /* The permit cannot be counted back: the grant stands. */
          m->stats[STAT_CANCEL_STOOD]++;
          return;
        }
      m->value++;
      semaphore_serve (m);
      break;
    case OP_EVENT_WAIT:
      break;
    case OP_CONDITION_WAIT:
    case OP_CONDITION_WAIT_FOR:
      /* It keeps the mutex; another waiter gets its notification. */
      r->outcome = OUTCOME_CANCELLED;
      condition_notify (m, 1);
      m->stats[STAT_CANCEL_REVOKED]++;
      return;
    case OP_BARRIER_WAIT:
      /* The cycle has happened. */
      m->stats[STAT_CANCEL_STOOD]++;
      return;
    case OP_QUEUE_GET:
      /* Its item goes back in front: never lost, never got twice. */
      r->outcome = OUTCOME_CANCELLED;
      queue_give_back (m, r);
      break;
    case OP_QUEUE_PUT:
    case OP_QUEUE_JOIN:
      /* The item is in the queue; the end was seen: done. */
      m->stats[STAT_CANCEL_STOOD]++;
      return;
    default:
      g_assert_not_reached ();
    }
  r->outcome = OUTCOME_CANCELLED;
  m->stats[STAT_CANCEL_REVOKED]++;
}

/* A wait_for step was delivered: the library's wait_for_step_cb(). */
static void
model_wait_for_step (FifoModel *m,
                     Req       *r)
{
  m->stats[STAT_WAIT_FOR_STEP]++;
  r->cancel_requested = FALSE;
  if (r->outcome == OUTCOME_OK)
    {
      m->expected_predicate_calls++;
      if (m->cond_value < r->target)
        {
          /* Waits again: a new submission with the same cancellable. */
          r->registered = ++m->registrations;
          condition_admit (m, r);
          return;
        }
    }
  r->final = TRUE;
  ready_push (m, r);
}

static void account_notifications (FifoModel *m);

/* Delivered or passed over: some are kept, to be cancelled late. */
static void
retire (FifoModel *m,
        Req       *r)
{
  if (r->cancel != NULL && !r->cancelled && m->retained->len < MAX_RETAINED &&
      pick (m, 2) == 0)
    g_ptr_array_add (m->retained, r);
  else
    req_free (r);
}

static void
model_delivered (FifoModel *m,
                 Req       *r)
{
  guint token;

  r->state = REQ_DELIVERED;
  g_ptr_array_remove (m->live, r);
  m->stats[STAT_DELIVERED_OK + r->outcome]++;

  switch (r->op)
    {
    case OP_LOCK_ACQUIRE:
    case OP_MUTEX_ACQUIRE:
    case OP_SEMAPHORE_ACQUIRE:
      if (r->outcome == OUTCOME_OK)
        {
          token = r->mode;
          g_array_append_val (m->tokens, token);
        }
      break;
    case OP_CONDITION_WAIT:
    case OP_CONDITION_WAIT_FOR:
      /* Notified or cancelled, a wait returns holding the mutex. */
      if (r->holds_mutex_at_end)
        {
          token = 0;
          g_array_append_val (m->tokens, token);
        }
      if (r->op == OP_CONDITION_WAIT_FOR && r->n_destroyed != 1)
        model_fail (m, "wait_for %u: its predicate data was freed %u times by its delivery",
                    r->id, r->n_destroyed);
      break;
    case OP_COMPANION_ACQUIRE:
      if (r->outcome == OUTCOME_OK)
        m->comp_held++;
      break;
    case OP_QUEUE_GET:
      /* The item is the caller's, and so is the task_done it owes. */
      if (r->outcome == OUTCOME_OK)
        {
          item_set (m, r->item, ITEM_TAKEN);
          token = 0;
          g_array_append_val (m->tokens, token);
        }
      break;
    case OP_QUEUE_PUT:
      /* Its result, gone with the callback, freed the item it carried back. */
      if (r->outcome != OUTCOME_OK)
        item_owe (m, r->item);
      break;
    case OP_QUEUE_JOIN:
    case OP_EVENT_WAIT:
    case OP_BARRIER_WAIT:
    default:
      break;
    }

  retire (m, r);
}

/* A request of a destroyed context, completed: nobody will run its
 * callback, so it gives back at once what it holds, as a release would
 * (the library's fifo_waiter_pass_over_locked()), within the operation
 * that completed it. Returns whether it passes a condition's notification
 * on, which the library does afterwards, as an operation of its own. */
static gboolean
pass_over (FifoModel *m,
           Req       *r)
{
  gboolean pass_notification_on = FALSE;
  gboolean gave_back = TRUE;

  g_assert (r->orphaned && (r->state == REQ_ORPHAN || r->state == REQ_READY));
  trace (m, "pass over %s %u (%s%s)", op_names[r->op], r->id, outcome_names[r->outcome],
         r->op == OP_CONDITION_WAIT_FOR ? (r->final ? ", its completion" : ", a wait step") : "");

  switch (r->op)
    {
    case OP_LOCK_ACQUIRE:
    case OP_MUTEX_ACQUIRE:
    case OP_SEMAPHORE_ACQUIRE:
      /* A failed acquisition holds nothing. */
      if (r->outcome != OUTCOME_OK)
        {
          gave_back = FALSE;
          break;
        }
      if (r->op == OP_LOCK_ACQUIRE)
        {
          g_assert (m->holds[r->mode] > 0);
          m->holds[r->mode]--;
          lock_serve (m);
        }
      else if (r->op == OP_MUTEX_ACQUIRE)
        {
          mutex_release (m, IN_MUTEX);
        }
      else if (m->value < G_MAXUINT)  /* at the top, the permit is dropped */
        {
          m->value++;
          semaphore_serve (m);
        }
      break;

    case OP_COMPANION_ACQUIRE:
      if (r->outcome != OUTCOME_OK)
        gave_back = FALSE;
      else
        mutex_release (m, IN_COMPANION);
      break;

    case OP_CONDITION_WAIT:
    case OP_CONDITION_WAIT_FOR:
      if (r->op == OP_CONDITION_WAIT_FOR && r->final && !r->holds_mutex_at_end)
        {
          /* Its predicate held at once: it took nothing. */
          gave_back = FALSE;
          break;
        }
      /* A wait (or a wait_for's step) ends holding the mutex, whatever its
       * outcome; so does a wait_for's completion after waiting. */
      if (!m->mx.locked)
        model_fail (m, "model: %s %u is passed over holding the mutex, which is not locked",
                    op_names[r->op], r->id);
      mutex_release (m, IN_MUTEX);
      /* A notified wait passes its notification on, later (deferred): a
       * cancelled one already did, or was never notified; a wait_for's
       * completion has none (its last step consumed it). */
      pass_notification_on = r->outcome == OUTCOME_OK && !(r->op == OP_CONDITION_WAIT_FOR && r->final);
      break;

    case OP_EVENT_WAIT:
    case OP_BARRIER_WAIT:
      /* Nothing held: a completed barrier cycle stays counted. */
      gave_back = FALSE;
      break;

    case OP_QUEUE_GET:
      /* The item it was handed goes back in front. */
      if (r->outcome == OUTCOME_OK)
        queue_give_back (m, r);
      else
        gave_back = FALSE;
      break;

    case OP_QUEUE_PUT:
      /* An item in the queue stays; a failed put's is freed. */
      if (r->outcome != OUTCOME_OK)
        item_owe (m, r->item);
      gave_back = FALSE;
      break;

    case OP_QUEUE_JOIN:
      gave_back = FALSE;
      break;

    default:
      g_assert_not_reached ();
    }

  if (r->op == OP_CONDITION_WAIT_FOR && r->n_destroyed != 1)
    model_fail (m, "wait_for %u: its predicate data was freed %u times by its pass-over",
                r->id, r->n_destroyed);
  m->stats[STAT_PASSED_OVER]++;
  if (gave_back)
    m->stats[STAT_PASSED_OVER_GAVE_BACK]++;
  r->state = REQ_PASSED;
  g_ptr_array_remove (m->live, r);
  retire (m, r);
  return pass_notification_on;
}

/* An operation of the library is letting go of the primitive: the orphans
 * it completed are passed over first, oldest first, and with them those
 * their giving back completes in turn (the library drains its inbox in a
 * loop, in one locked section, so their notifications are the operation's).
 * A notification a passed-over condition wait passes on comes after, each
 * an operation of its own. */
static void
settle_orphans (FifoModel *m)
{
  guint deferred = 0;
  Req *r;

  for (;;)
    {
      while ((r = g_queue_pop_head (&m->orphans)) != NULL)
        deferred += pass_over (m, r);
      if (deferred == 0)
        break;
      account_notifications (m);
      deferred--;
      condition_notify (m, 1);
    }
}

/* ---- Comparing ------------------------------------------------------------------- */

static gint64
model_prop_value (FifoModel *m,
                  PropId     prop)
{
  switch (prop)
    {
    case PROP_LOCK_N_WAITING:
    case PROP_SEMAPHORE_N_WAITING:
    case PROP_EVENT_N_WAITING:
    case PROP_CONDITION_N_WAITING:
    case PROP_BARRIER_N_WAITING:
      return m->queue.length;
    case PROP_MUTEX_LOCKED:
      return m->mx.locked;
    case PROP_MUTEX_N_WAITING:
      return m->mx.queue.length;
    case PROP_SEMAPHORE_VALUE:
      return m->value;
    case PROP_EVENT_IS_SET:
      return m->is_set;
    case PROP_BARRIER_BROKEN:
      return m->broken;
    case PROP_COMPANION_LOCKED:
      return m->comp.locked;
    case PROP_COMPANION_N_WAITING:
      return m->comp.queue.length;
    case PROP_QUEUE_N_ITEMS:
      return m->items.length;
    case PROP_QUEUE_N_WAITING:
      /* Gets and puts; joins are not counted. */
      return m->queue.length + m->putters.length;
    case PROP_QUEUE_IS_SHUT_DOWN:
      return m->shut_down;
    case PROP_QUEUE_MAX_SIZE:
      return m->max_size;
    case N_PROPS:
    default:
      g_assert_not_reached ();
    }
}

static void
notified_cb (GObject    *object,
             GParamSpec *pspec,
             gpointer    data)
{
  check_not_finalizing ("a notify handler");
  (*(guint *) data)++;
}

static void
watch (FifoModel *m,
       GObject   *object,
       PropId     prop)
{
  g_autofree char *signal = g_strconcat ("notify::", prop_names[prop], NULL);

  m->watched[prop] = TRUE;
  m->last_value[prop] = model_prop_value (m, prop);
  m->step_value[prop] = m->last_value[prop];
  g_signal_connect (object, signal, G_CALLBACK (notified_cb), &m->notified[prop]);
}

static void
check_uint (FifoModel  *m,
            const char *what,
            guint       library,
            guint       model)
{
  if (library != model)
    model_fail (m, "%s: the library says %u, the model %u", what, library, model);
}

/* Each property is notified once by each library operation that changed
 * it: a hand-off that leaves it as it was is not a change. Called at the
 * end of every operation (a driver step may make several: an iteration
 * that runs wait_for steps). */
static void
account_notifications (FifoModel *m)
{
  for (guint p = 0; p < N_PROPS; p++)
    {
      gint64 now;

      if (!m->watched[p])
        continue;
      now = model_prop_value (m, p);
      if (now != m->last_value[p])
        {
          m->expected_notified[p]++;
          m->last_value[p] = now;
        }
    }
}

/* Looks at the lock's holds through the probe mode, which the lock asks
 * only when nobody is queued. */
static void
check_holds (FifoModel *m)
{
  gboolean empty = g_queue_is_empty (&m->queue);

  probing = m;
  m->probe_ran = FALSE;
  if (fifo_lock_try_acquire (m->lock, m->probe))
    model_fail (m, "the probe mode, never compatible, was granted");
  probing = NULL;

  if (m->probe_ran != empty)
    model_fail (m, "try_acquire %s the mode with %u requests queued",
                m->probe_ran ? "asked" : "did not ask", m->queue.length);
  if (!m->probe_ran)
    return;

  m->stats[STAT_PROBE]++;
  check_uint (m, "holds total", m->probe_total, lock_holds_total (m));
  for (guint i = 0; i < m->n_modes; i++)
    {
      check_uint (m, "holds of a mode", m->probe_for_mode[i], m->holds[i]);
      if (m->probe_compatible[i] != lock_compatible (m, i))
        model_fail (m, "mode %u: is_compatible says %d, the model %d",
                    i, m->probe_compatible[i], lock_compatible (m, i));
    }
  for (guint k = 0; k < N_MODE_KINDS; k++)
    check_uint (m, "holds of a mode type", m->probe_for_type[k], lock_holds_of_kind (m, k));
}

static gboolean
model_probe (FifoLockHolds *holds)
{
  FifoModel *m = probing;
  static const ModeKind kinds[] = { MODE_EXCLUSIVE, MODE_SHARED, MODE_SEMAPHORE, MODE_COUNT };
  GType types[N_MODE_KINDS];

  check_not_finalizing ("a mode's is_compatible");
  if (m == NULL)
    return FALSE;  /* asked outside check_holds(): the lock's business */

  types[MODE_EXCLUSIVE] = FIFO_TYPE_EXCLUSIVE_MODE;
  types[MODE_SHARED] = FIFO_TYPE_SHARED_MODE;
  types[MODE_SEMAPHORE] = FIFO_TYPE_SEMAPHORE_MODE;
  types[MODE_COUNT] = TEST_TYPE_COUNT_MODE;

  m->probe_ran = TRUE;
  m->probe_total = fifo_lock_holds_get_total (holds);
  for (guint i = 0; i < m->n_modes; i++)
    {
      m->probe_for_mode[i] = fifo_lock_holds_get_for_mode (holds, m->modes[i]);
      m->probe_compatible[i] = fifo_lock_mode_is_compatible (m->modes[i], holds);
    }
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    m->probe_for_type[kinds[k]] = fifo_lock_holds_get (holds, types[kinds[k]]);

  /* Now and then a mode keeps the holds: they must stay as they are now. */
  if (m->kept_holds == NULL && pick (m, 32) == 0)
    {
      m->kept_holds = g_object_ref (holds);
      m->kept_total = m->probe_total;
      memcpy (m->kept_for_mode, m->probe_for_mode, sizeof m->kept_for_mode);
    }

  return FALSE;
}

static void
check_kept_holds (FifoModel *m)
{
  if (m->kept_holds == NULL)
    return;

  check_uint (m, "kept holds total", fifo_lock_holds_get_total (m->kept_holds), m->kept_total);
  for (guint i = 0; i < m->n_modes; i++)
    check_uint (m, "kept holds of a mode",
                fifo_lock_holds_get_for_mode (m->kept_holds, m->modes[i]), m->kept_for_mode[i]);
  if (pick (m, 8) == 0)
    g_clear_object (&m->kept_holds);
}

/* What the queue's free function had, and had to have, by the end of a
 * step. (It may free a failed put's item before its callback has run: the
 * model only learns of the failure when it catches up, after the call.) */
static void
check_frees (FifoModel *m)
{
  for (guint i = 0; i < m->freed->len; i++)
    {
      guint item = g_array_index (m->freed, guint, i);
      ItemState state = item_info (m, item)->state;

      if (state != ITEM_FAILED && state != ITEM_DROPPED && state != ITEM_FINAL)
        model_fail (m, "the queue freed item %u, which is %s", item, item_state_names[state]);
    }
  g_array_set_size (m->freed, 0);

  for (guint i = 0; i < m->owed->len; i++)
    {
      guint item = g_array_index (m->owed, guint, i);
      ItemInfo *info = item_info (m, item);

      if (info->n_freed != 1)
        model_fail (m, "item %u (%s) was freed %u times by now, not once",
                    item, item_state_names[info->state], info->n_freed);
    }
  g_array_set_size (m->owed, 0);
}

/* After every step: the library agrees with the model, and the model keeps
 * its own promises. */
static void
model_check (FifoModel *m)
{
  Req *head;

  settle_orphans (m);
  if (m->observed->len > 0)
    model_fail (m, "%u completions were delivered outside an iteration", m->observed->len);
  if (m->predicate_calls != m->expected_predicate_calls)
    model_fail (m, "wait_for predicates were called %u times, expected %u",
                m->predicate_calls, m->expected_predicate_calls);

  switch (m->kind)
    {
    case FIFO_MODEL_LOCK:
      head = g_queue_peek_head (&m->queue);
      if (head != NULL && lock_compatible (m, head->mode))
        model_fail (m, "model: a compatible head waits");
      check_uint (m, "lock n-waiting", fifo_lock_get_n_waiting (m->lock), m->queue.length);
      check_holds (m);
      check_kept_holds (m);
      break;

    case FIFO_MODEL_MUTEX:
    case FIFO_MODEL_CONDITION:
      if (!g_queue_is_empty (&m->mx.queue) && !m->mx.locked)
        model_fail (m, "model: the mutex is free while requests wait");
      if (m->tokens->len > 1)
        model_fail (m, "model: the mutex is held %u times", m->tokens->len);
      check_uint (m, "mutex locked", fifo_mutex_get_locked (m->mutex), m->mx.locked);
      check_uint (m, "mutex n-waiting", fifo_mutex_get_n_waiting (m->mutex), m->mx.queue.length);
      if (m->kind == FIFO_MODEL_CONDITION)
        check_uint (m, "condition n-waiting", fifo_condition_get_n_waiting (m->condition),
                    m->queue.length);
      break;

    case FIFO_MODEL_SEMAPHORE:
    case FIFO_MODEL_BOUNDED_SEMAPHORE:
      if (!g_queue_is_empty (&m->queue) && m->value > 0)
        model_fail (m, "model: permits are free while requests wait");
      if (m->bounded && m->value > m->bound)
        model_fail (m, "model: value above the bound");
      check_uint (m, "semaphore value", fifo_semaphore_get_value (m->semaphore), m->value);
      check_uint (m, "semaphore n-waiting", fifo_semaphore_get_n_waiting (m->semaphore), m->queue.length);
      check_uint (m, "semaphore bounded", fifo_semaphore_is_bounded (m->semaphore), m->bounded);
      break;

    case FIFO_MODEL_EVENT:
      if (!g_queue_is_empty (&m->queue) && m->is_set)
        model_fail (m, "model: the event is set while requests wait");
      check_uint (m, "event is-set", fifo_event_get_is_set (m->event), m->is_set);
      check_uint (m, "event n-waiting", fifo_event_get_n_waiting (m->event), m->queue.length);
      break;

    case FIFO_MODEL_BARRIER:
      if (m->queue.length >= m->parties || (m->broken && m->queue.length > 0))
        model_fail (m, "model: a barrier cycle did not complete");
      check_uint (m, "barrier n-waiting", fifo_barrier_get_n_waiting (m->barrier), m->queue.length);
      check_uint (m, "barrier broken", fifo_barrier_get_broken (m->barrier), m->broken);
      check_uint (m, "barrier parties", fifo_barrier_get_parties (m->barrier), m->parties);
      break;

    case FIFO_MODEL_QUEUE:
    case FIFO_MODEL_BOUNDED_QUEUE:
      {
        guint n_items = 0, n_waiting = 0, max_size = 0;
        gboolean is_shut_down = FALSE;

        if (!g_queue_is_empty (&m->queue) && (!g_queue_is_empty (&m->items) || m->shut_down))
          model_fail (m, "model: a get waits while %s", m->shut_down ? "the queue is shut down" : "items are there");
        if (!g_queue_is_empty (&m->putters) && (m->shut_down || !queue_full (m)))
          model_fail (m, "model: a put waits while %s", m->shut_down ? "the queue is shut down" : "there is room");
        if (!g_queue_is_empty (&m->joiners) && m->unfinished == 0)
          model_fail (m, "model: a join waits with nothing unfinished");
        check_uint (m, "queue n-items", fifo_queue_get_n_items (m->fifo_queue), m->items.length);
        check_uint (m, "queue n-waiting", fifo_queue_get_n_waiting (m->fifo_queue),
                    m->queue.length + m->putters.length);
        check_uint (m, "queue is-shut-down", fifo_queue_get_is_shut_down (m->fifo_queue), m->shut_down);
        check_uint (m, "queue max-size", fifo_queue_get_max_size (m->fifo_queue), m->max_size);
        check_uint (m, "queue holds values", fifo_queue_holds_values (m->fifo_queue), FALSE);
        /* The properties say the same as the getters. */
        g_object_get (m->fifo_queue, "n-items", &n_items, "n-waiting", &n_waiting,
                      "is-shut-down", &is_shut_down, "max-size", &max_size, NULL);
        check_uint (m, "queue n-items property", n_items, m->items.length);
        check_uint (m, "queue n-waiting property", n_waiting, m->queue.length + m->putters.length);
        check_uint (m, "queue is-shut-down property", is_shut_down, m->shut_down);
        check_uint (m, "queue max-size property", max_size, m->max_size);
      }
      break;

    case FIFO_MODEL_N_KINDS:
    default:
      g_assert_not_reached ();
    }

  if (!g_queue_is_empty (&m->comp.queue) && !m->comp.locked)
    model_fail (m, "model: the companion is free while requests wait");
  if (m->comp_held > 1)
    model_fail (m, "model: the companion is held %u times", m->comp_held);
  check_uint (m, "companion locked", fifo_mutex_get_locked (m->companion), m->comp.locked);
  check_uint (m, "companion n-waiting", fifo_mutex_get_n_waiting (m->companion), m->comp.queue.length);

  account_notifications (m);
  for (guint p = 0; p < N_PROPS; p++)
    {
      gint64 now;

      if (!m->watched[p])
        continue;
      now = model_prop_value (m, p);
      if (now != m->step_value[p])
        {
          m->min_notified[p]++;
          m->step_value[p] = now;
        }
      if (m->check_notify && m->notified[p] > m->expected_notified[p])
        model_fail (m, "%s:%s was notified %u times, more than the %u changes", prop_owners[p],
                    prop_names[p], m->notified[p], m->expected_notified[p]);
      if (m->check_notify && m->notified[p] < m->min_notified[p])
        model_fail (m, "%s:%s was notified %u times, but changed at the end of %u steps",
                    prop_owners[p], prop_names[p], m->notified[p], m->min_notified[p]);
    }

  check_frees (m);

  /* What the step is done with. */
  while (m->graveyard->len > 0)
    req_really_free (g_ptr_array_steal_index (m->graveyard, m->graveyard->len - 1));
  cancel_drop_unused (m);
}

/* ---- Driving ---------------------------------------------------------------------- */

static void
push_context (FifoModel *m,
              guint      ctx)
{
  g_main_context_push_thread_default (m->contexts[ctx]);
}

static void
pop_context (FifoModel *m,
             guint      ctx)
{
  g_main_context_pop_thread_default (m->contexts[ctx]);
}

/* Iterates @ctx @n times, then checks that exactly the model's ready list
 * for it was delivered, in order. Fewer than a batch are ready at any time,
 * so one iteration delivers them all. @as_default: with @ctx as the
 * thread-default context, as a thread running its main loop has it;
 * otherwise the global default one stays the thread-default, as when
 * g_main_loop_run() runs a loop of a new context. Completions are due in
 * the caller's context either way. */
static void
iterate_full (FifoModel *m,
              guint      ctx,
              guint      n,
              gboolean   as_default)
{
  guint next = 0;
  Req *r;

  m->stats[STAT_ITERATE]++;
  for (guint i = 0; i < n; i++)
    {
      if (as_default)
        push_context (m, ctx);
      m->iterating = ctx;
      g_main_context_iteration (m->contexts[ctx], FALSE);
      m->iterating = -1;
      if (as_default)
        pop_context (m, ctx);
    }

  if (n == 0)
    return;

  while ((r = g_queue_pop_head (&m->ready[ctx])) != NULL)
    {
      Observed *o;

      if (r->op == OP_CONDITION_WAIT_FOR && !r->final)
        {
          model_wait_for_step (m, r);
          /* Its wait, if it waits again, may hand the mutex to an orphan. */
          settle_orphans (m);
          account_notifications (m);
          continue;
        }

      if (next >= m->observed->len)
        model_fail (m, "context %u: request %u (%s, expected %s) was not delivered",
                    ctx, r->id, op_names[r->op], outcome_names[r->outcome]);
      o = &g_array_index (m->observed, Observed, next++);
      if (o->req != r)
        model_fail (m, "context %u delivered request %u before request %u",
                    ctx, o->req->id, r->id);
      if (o->outcome != r->outcome)
        model_fail (m, "request %u (%s) delivered %s, expected %s", r->id, op_names[r->op],
                    outcome_names[o->outcome], outcome_names[r->outcome]);
      if (r->op == OP_BARRIER_WAIT && r->outcome == OUTCOME_OK && o->value != r->value)
        model_fail (m, "barrier wait %u: arrival index %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
                    r->id, o->value, r->value);
      if (r->op == OP_QUEUE_GET && o->value != (r->outcome == OUTCOME_OK ? r->item : 0))
        model_fail (m, "get %u (%s) delivered item %" G_GINT64_FORMAT ", expected %u", r->id,
                    outcome_names[r->outcome], o->value, r->outcome == OUTCOME_OK ? r->item : 0);
      model_delivered (m, r);
    }

  if (next < m->observed->len)
    model_fail (m, "context %u delivered request %u, which the model did not expect",
                ctx, g_array_index (m->observed, Observed, next).req->id);
  g_array_set_size (m->observed, 0);
}

static void
iterate (FifoModel *m,
         guint      ctx,
         guint      n)
{
  iterate_full (m, ctx, n, TRUE);
}

static void
op_iterate (FifoModel *m)
{
  guint ctx = pick (m, N_CONTEXTS);
  guint n = pick (m, 4);
  gboolean as_default = pick (m, 4) != 0;

  trace (m, "iterate context %u, %u times%s", ctx, n, as_default ? "" : " (not the thread-default)");
  iterate_full (m, ctx, n, as_default);
}

static void
submit (FifoModel *m,
        Req       *r)
{
  trace (m, "%s %u in context %u%s %u (mode %u, target %u, item %u)", op_names[r->op], r->id, r->ctx,
         r->cancelled ? ", already cancelled" : r->cancel != NULL ? ", cancellable" : ", no cancellable",
         r->cancel != NULL ? r->cancel->id : 0, r->mode, r->target, r->item);
  g_ptr_array_add (m->live, r);
  m->stats[STAT_ASYNC]++;
  if (r->cancelled)
    m->stats[STAT_PRECANCELLED]++;
  r->registered = ++m->registrations;
  /* The library connects its handler when a request first registers with
   * the cancellable; a wait_for whose predicate holds at once never does. */
  if (r->cancel != NULL && !(r->op == OP_CONDITION_WAIT_FOR && m->cond_value >= r->target))
    r->cancel->library_connected = TRUE;

  push_context (m, r->ctx);
  switch (r->op)
    {
    case OP_LOCK_ACQUIRE:
      fifo_lock_acquire_async (m->lock, m->modes[r->mode], req_cancellable (r), request_done_cb, r);
      break;
    case OP_MUTEX_ACQUIRE:
      fifo_mutex_acquire_async (m->mutex, req_cancellable (r), request_done_cb, r);
      break;
    case OP_COMPANION_ACQUIRE:
      m->stats[STAT_COMPANION]++;
      fifo_mutex_acquire_async (m->companion, req_cancellable (r), request_done_cb, r);
      break;
    case OP_SEMAPHORE_ACQUIRE:
      fifo_semaphore_acquire_async (m->semaphore, req_cancellable (r), request_done_cb, r);
      break;
    case OP_EVENT_WAIT:
      fifo_event_wait_async (m->event, req_cancellable (r), request_done_cb, r);
      break;
    case OP_CONDITION_WAIT:
      fifo_condition_wait_async (m->condition, req_cancellable (r), request_done_cb, r);
      break;
    case OP_CONDITION_WAIT_FOR:
      fifo_condition_wait_for_async (m->condition, wait_for_predicate, r, predicate_destroyed,
                                     req_cancellable (r), request_done_cb, r);
      break;
    case OP_BARRIER_WAIT:
      fifo_barrier_wait_async (m->barrier, req_cancellable (r), request_done_cb, r);
      break;
    case OP_QUEUE_PUT:
      fifo_queue_put_async (m->fifo_queue, GUINT_TO_POINTER (r->item), req_cancellable (r),
                            request_done_cb, r);
      break;
    case OP_QUEUE_GET:
      fifo_queue_get_async (m->fifo_queue, req_cancellable (r), request_done_cb, r);
      break;
    case OP_QUEUE_JOIN:
      fifo_queue_join_async (m->fifo_queue, req_cancellable (r), request_done_cb, r);
      break;
    default:
      g_assert_not_reached ();
    }
  pop_context (m, r->ctx);
}

static void op_release (FifoModel *m);

/* Instead of a new request, while the phase wants fewer: let the queues
 * drain (to empty, now and then, where frees and misuse happen). */
static void
op_drain (FifoModel *m)
{
  if (m->tokens->len > 0 && pick (m, 2) == 0)
    op_release (m);
  else
    op_iterate (m);
}

/* An asynchronous request of the model's kind. */
static void
op_request (FifoModel *m)
{
  static const ReqOp ops[] = {
    [FIFO_MODEL_LOCK] = OP_LOCK_ACQUIRE,
    [FIFO_MODEL_MUTEX] = OP_MUTEX_ACQUIRE,
    [FIFO_MODEL_SEMAPHORE] = OP_SEMAPHORE_ACQUIRE,
    [FIFO_MODEL_BOUNDED_SEMAPHORE] = OP_SEMAPHORE_ACQUIRE,
    [FIFO_MODEL_EVENT] = OP_EVENT_WAIT,
    [FIFO_MODEL_CONDITION] = OP_MUTEX_ACQUIRE,
    [FIFO_MODEL_BARRIER] = OP_BARRIER_WAIT,
  };
  Req *r;

  if (m->live->len >= m->target_live)
    {
      op_drain (m);
      return;
    }

  /* Now and then the companion, which shares cancellables with the
   * primitive's requests. */
  r = req_new (m, pick (m, 6) == 0 ? OP_COMPANION_ACQUIRE : ops[m->kind], TRUE);
  if (r->op == OP_LOCK_ACQUIRE)
    r->mode = pick (m, m->n_modes);
  submit (m, r);
  model_admit (m, r);
}

static gint
by_registration (gconstpointer a,
                 gconstpointer b)
{
  const Req *ra = *(const Req **) a, *rb = *(const Req **) b;

  return ra->registered < rb->registered ? -1 : ra->registered > rb->registered;
}

/* The library's handler on @c runs: it cancels every request registered
 * with @c, in the order they were (re)submitted, each in an operation of
 * its own. */
static void
cancel_apply_library (FifoModel *m,
                      Cancel    *c)
{
  g_autoptr(GPtrArray) registered = g_ptr_array_new ();

  if (c->library_done)
    return;
  c->library_done = TRUE;
  if (!c->library_connected)
    return;

  for (guint i = 0; i < m->live->len; i++)
    {
      Req *r = g_ptr_array_index (m->live, i);

      if (r->cancel == c)
        g_ptr_array_add (registered, r);
    }
  g_ptr_array_sort (registered, by_registration);

  for (guint i = 0; i < registered->len; i++)
    {
      Req *r = g_ptr_array_index (registered, i);

      trace (m, "  cancels %s %u (%s%s)", op_names[r->op], r->id,
             r->state == REQ_QUEUED ? (r->where == IN_MUTEX ? "queued at the mutex" :
                                       r->where == IN_COMPANION ? "queued at the companion" : "queued") :
             r->state == REQ_READY ? "ready" : r->state == REQ_PASSED ? "passed over" : "delivered",
             r->orphaned ? ", context destroyed" : "");
      model_cancel (m, r);
      settle_orphans (m);
      account_notifications (m);
    }
}

/* g_cancellable_cancel(): its handlers run in the order they were
 * connected, the library's where the first request put it. */
static void
cancel_cancellable (FifoModel *m,
                    Cancel    *c)
{
  if (c->cancelled)
    return;  /* GLib does nothing either */

  trace (m, "cancel cancellable %u (%u users, %u handlers)", c->id, c->users, c->n_handlers);
  c->cancelled = TRUE;
  c->library_done = FALSE;
  for (guint i = 0; i < m->live->len; i++)
    {
      Req *r = g_ptr_array_index (m->live, i);

      if (r->cancel == c)
        r->cancelled = TRUE;
    }

  m->cancel_depth++;
  g_cancellable_cancel (c->cancellable);
  m->cancel_depth--;
  cancel_apply_library (m, c);

  /* Those delivered long ago, kept to be cancelled late: nothing happens. */
  for (guint i = m->retained->len; i-- > 0; )
    {
      Req *r = g_ptr_array_index (m->retained, i);

      if (r->cancel != c)
        continue;
      r->cancelled = TRUE;
      model_cancel (m, r);
      g_ptr_array_remove_index_fast (m->retained, i);
      req_free (r);
    }
}

static gboolean release_something (FifoModel *m);
static void     destroy_context   (FifoModel *m,
                                   guint      k);

/* A handler of the application's own, inside the emission. */
static void
user_cancelled_cb (GCancellable *cancellable,
                   gpointer      data)
{
  Handler *h = data;
  FifoModel *m = h->cancel->model;

  if (!h->before_library)
    cancel_apply_library (m, h->cancel);
  else
    m->stats[STAT_HANDLER_BEFORE]++;

  trace (m, "  cancellable %u's handler %s", h->cancel->id, act_names[h->act]);
  switch (h->act)
    {
    case ACT_RELEASE:
      if (release_something (m))
        {
          m->stats[STAT_HANDLER_RELEASE]++;
          settle_orphans (m);
          account_notifications (m);
        }
      break;
    case ACT_CANCEL:
      m->stats[STAT_HANDLER_CANCEL]++;
      cancel_cancellable (m, h->child);
      break;
    case ACT_ITERATE:
      if (m->iterating >= 0)
        break;
      m->stats[STAT_HANDLER_ITERATE]++;
      iterate_full (m, h->ctx, 1, h->as_default);
      break;
    case ACT_DESTROY:
      if (m->iterating >= 0)
        break;
      m->stats[STAT_HANDLER_DESTROY]++;
      destroy_context (m, h->ctx);
      break;
    case N_ACTS:
    default:
      g_assert_not_reached ();
    }
}

static void
op_cancel (FifoModel *m)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  Cancel *c;

  for (guint i = 0; i < m->cancels->len; i++)
    {
      c = g_ptr_array_index (m->cancels, i);
      if (!c->cancelled && c->users > 0)
        g_ptr_array_add (candidates, c);
    }

  if (candidates->len == 0)
    {
      op_iterate (m);
      return;
    }

  c = g_ptr_array_index (candidates, pick (m, candidates->len));
  /* The rare and delicate case, granted but not delivered, gets its share:
   * half the time, look for a cancellable of one. */
  if (pick (m, 2) == 0)
    for (guint i = 0; i < m->live->len; i++)
      {
        Req *ready = g_ptr_array_index (m->live, (i + pick (m, m->live->len)) % m->live->len);

        if (ready->state == REQ_READY && ready->cancel != NULL && !ready->cancel->cancelled)
          {
            c = ready->cancel;
            break;
          }
      }

  cancel_cancellable (m, c);
}

/* Handlers connected later, after the library's (when a request used the
 * cancellable already). */
static void
op_connect_handler (FifoModel *m)
{
  Cancel *c;

  if (m->cancels->len == 0)
    {
      op_iterate (m);
      return;
    }
  c = g_ptr_array_index (m->cancels, pick (m, m->cancels->len));
  if (c->cancelled || c->n_handlers >= MAX_HANDLERS)
    {
      op_iterate (m);
      return;
    }
  cancel_connect (m, c, pick (m, N_ACTS));
}

static void semaphore_release (FifoModel  *m,
                               const char *what);
static void queue_task_done   (FifoModel  *m,
                               const char *what);

/* Takes one of the test's holds, or returns FALSE if it has none. */
static gboolean
take_token (FifoModel *m,
            guint     *token)
{
  guint i;

  if (m->tokens->len == 0)
    return FALSE;
  i = pick (m, m->tokens->len);
  *token = g_array_index (m->tokens, guint, i);
  g_array_remove_index_fast (m->tokens, i);
  return TRUE;
}

static void
give_token (FifoModel *m,
            guint      token)
{
  g_array_append_val (m->tokens, token);
}

static void
release_token (FifoModel *m,
               guint      token)
{
  m->stats[STAT_RELEASE]++;
  switch (m->kind)
    {
    case FIFO_MODEL_LOCK:
      trace (m, "release mode %u", token);
      fifo_lock_release (m->lock, m->modes[token]);
      g_assert (m->holds[token] > 0);
      m->holds[token]--;
      lock_serve (m);
      break;
    case FIFO_MODEL_MUTEX:
    case FIFO_MODEL_CONDITION:
      trace (m, "release the mutex");
      fifo_mutex_release (m->mutex);
      mutex_release (m, IN_MUTEX);
      break;
    case FIFO_MODEL_SEMAPHORE:
    case FIFO_MODEL_BOUNDED_SEMAPHORE:
      semaphore_release (m, "release a permit");
      break;
    case FIFO_MODEL_QUEUE:
    case FIFO_MODEL_BOUNDED_QUEUE:
      /* The work on an item got is done. */
      queue_task_done (m, "an item's work is done");
      break;
    case FIFO_MODEL_EVENT:
    case FIFO_MODEL_BARRIER:
    case FIFO_MODEL_N_KINDS:
    default:
      g_assert_not_reached ();
    }
}

static void
release_companion (FifoModel *m)
{
  g_assert (m->comp_held > 0);
  m->stats[STAT_RELEASE]++;
  trace (m, "release the companion");
  m->comp_held--;
  fifo_mutex_release (m->companion);
  mutex_release (m, IN_COMPANION);
}

/* Releases one of the test's holds, the primitive's or the companion's. */
static gboolean
release_something (FifoModel *m)
{
  guint token;

  if (m->comp_held > 0 && pick (m, m->tokens->len + m->comp_held) < m->comp_held)
    {
      release_companion (m);
      return TRUE;
    }
  if (!take_token (m, &token))
    return FALSE;
  release_token (m, token);
  return TRUE;
}

static void
op_release (FifoModel *m)
{
  if (!release_something (m))
    op_iterate (m);
}

/* try_acquire: granted exactly when the model grants at once. */
static void
op_try (FifoModel *m)
{
  gboolean expected, got;
  guint mode = 0;

  m->stats[STAT_TRY]++;
  switch (m->kind)
    {
    case FIFO_MODEL_LOCK:
      mode = pick (m, m->n_modes);
      expected = g_queue_is_empty (&m->queue) && lock_compatible (m, mode);
      got = fifo_lock_try_acquire (m->lock, m->modes[mode]);
      if (expected)
        m->holds[mode]++;
      break;
    case FIFO_MODEL_MUTEX:
    case FIFO_MODEL_CONDITION:
      expected = !m->mx.locked && g_queue_is_empty (&m->mx.queue);
      got = fifo_mutex_try_acquire (m->mutex);
      if (expected)
        m->mx.locked = TRUE;
      break;
    case FIFO_MODEL_SEMAPHORE:
    case FIFO_MODEL_BOUNDED_SEMAPHORE:
      expected = m->value > 0 && g_queue_is_empty (&m->queue);
      got = fifo_semaphore_try_acquire (m->semaphore);
      if (expected)
        m->value--;
      break;
    case FIFO_MODEL_EVENT:
    case FIFO_MODEL_BARRIER:
    case FIFO_MODEL_N_KINDS:
    default:
      g_assert_not_reached ();
    }

  trace (m, "try (mode %u): %s", mode, got ? "acquired" : "refused");
  if (got != expected)
    model_fail (m, "try_acquire %s, the model %s", got ? "acquired" : "refused",
                expected ? "would acquire" : "would refuse");
  if (got)
    give_token (m, mode);
}

/* The blocking form, only when it cannot block this (the only) thread:
 * already cancelled, or completing at once. */
static void
op_blocking (FifoModel *m)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GError) error = NULL;
  gboolean cancelled = pick (m, 3) == 0;
  Outcome expected = OUTCOME_OK, outcome;
  gboolean ok = FALSE;
  gint64 index = 0, expected_index = 0;
  guint mode = 0, token = 0;

  if (cancelled || pick (m, 2) == 0)
    cancellable = g_cancellable_new ();
  if (cancelled)
    g_cancellable_cancel (cancellable);

  switch (m->kind)
    {
    case FIFO_MODEL_LOCK:
      mode = pick (m, m->n_modes);
      if (!cancelled && !(g_queue_is_empty (&m->queue) && lock_compatible (m, mode)))
        goto would_block;
      trace (m, "blocking acquire, mode %u%s", mode, cancelled ? ", cancelled" : "");
      ok = fifo_lock_acquire (m->lock, m->modes[mode], cancellable, &error);
      if (!cancelled)
        m->holds[mode]++;
      break;

    case FIFO_MODEL_MUTEX:
      if (!cancelled && !(!m->mx.locked && g_queue_is_empty (&m->mx.queue)))
        goto would_block;
      trace (m, "blocking mutex acquire%s", cancelled ? ", cancelled" : "");
      ok = fifo_mutex_acquire (m->mutex, cancellable, &error);
      if (!cancelled)
        m->mx.locked = TRUE;
      break;

    case FIFO_MODEL_SEMAPHORE:
    case FIFO_MODEL_BOUNDED_SEMAPHORE:
      if (!cancelled && !(m->value > 0 && g_queue_is_empty (&m->queue)))
        goto would_block;
      trace (m, "blocking semaphore acquire%s", cancelled ? ", cancelled" : "");
      ok = fifo_semaphore_acquire (m->semaphore, cancellable, &error);
      if (!cancelled)
        m->value--;
      break;

    case FIFO_MODEL_EVENT:
      if (!cancelled && !m->is_set)
        goto would_block;
      trace (m, "blocking event wait%s", cancelled ? ", cancelled" : "");
      ok = fifo_event_wait (m->event, cancellable, &error);
      break;

    case FIFO_MODEL_CONDITION:
      /* wait_for whose predicate holds needs no mutex; a cancelled wait
       * keeps the one the caller holds. */
      if (!cancelled)
        {
          Req fake = { .model = m, .target = m->cond_value, .ctx = 0 };

          trace (m, "blocking wait_for, predicate true");
          m->expected_predicate_calls++;
          ok = fifo_condition_wait_for (m->condition, wait_for_predicate, &fake, cancellable, &error);
          break;
        }
      if (!take_token (m, &token))
        goto would_block;
      trace (m, "blocking condition wait, cancelled");
      if (pick (m, 2) == 0)
        {
          ok = fifo_condition_wait (m->condition, cancellable, &error);
        }
      else
        {
          Req fake = { .model = m, .target = G_MAXUINT, .ctx = 0 };

          m->expected_predicate_calls++;
          ok = fifo_condition_wait_for (m->condition, wait_for_predicate, &fake, cancellable, &error);
        }
      give_token (m, token);
      break;

    case FIFO_MODEL_BARRIER:
      if (!cancelled && !m->broken && m->queue.length + 1 < m->parties)
        goto would_block;
      trace (m, "blocking barrier wait%s", cancelled ? ", cancelled" : "");
      index = fifo_barrier_wait (m->barrier, cancellable, &error);
      ok = index >= 0;
      if (cancelled)
        break;
      if (m->broken)
        {
          expected = OUTCOME_BROKEN;
        }
      else
        {
          /* The last party: its own cycle passes, itself last. */
          Req *head;

          while ((head = g_queue_peek_head (&m->queue)) != NULL)
            {
              head->value = expected_index++;
              complete (m, head, OUTCOME_OK);
            }
        }
      break;

    case FIFO_MODEL_N_KINDS:
    default:
      g_assert_not_reached ();
    }

  m->stats[STAT_BLOCKING]++;
  if (cancelled)
    expected = OUTCOME_CANCELLED;
  if (ok)
    outcome = OUTCOME_OK;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    outcome = OUTCOME_CANCELLED;
  else if (g_error_matches (error, FIFO_ERROR, FIFO_ERROR_BROKEN_BARRIER))
    outcome = OUTCOME_BROKEN;
  else
    model_fail (m, "blocking call failed with an unexpected error: %s",
                error != NULL ? error->message : "(none set)");
  if (outcome != expected)
    model_fail (m, "blocking call: %s, expected %s", outcome_names[outcome], outcome_names[expected]);
  if (m->kind == FIFO_MODEL_BARRIER && ok && index != expected_index)
    model_fail (m, "blocking barrier wait: index %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
                index, expected_index);
  if (ok && (m->kind == FIFO_MODEL_LOCK || m->kind == FIFO_MODEL_MUTEX ||
             m->kind == FIFO_MODEL_SEMAPHORE || m->kind == FIFO_MODEL_BOUNDED_SEMAPHORE))
    give_token (m, mode);
  return;

would_block:
  op_iterate (m);
}

/* ---- Misuse, among everything else ------------------------------------------- */

static void
capture_log (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        data)
{
  FifoModel *m = data;

  m->n_criticals++;
  g_free (m->last_critical);
  m->last_critical = g_strdup (message);
}

typedef struct
{
  GLogLevelFlags old_fatal;
  guint          handler;
} Capture;

static void
capture_begin (FifoModel *m,
               Capture   *capture)
{
  m->n_criticals = 0;
  g_clear_pointer (&m->last_critical, g_free);
  /* Criticals are fatal in the tests: not the one we provoke. */
  capture->old_fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
  capture->handler = g_log_set_handler ("Fifo", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                                        capture_log, m);
}

static void
capture_end (FifoModel  *m,
             Capture    *capture,
             const char *pattern)
{
  g_log_remove_handler ("Fifo", capture->handler);
  g_log_set_always_fatal (capture->old_fatal);

  if (m->n_criticals != 1 || !g_pattern_match_simple (pattern, m->last_critical))
    model_fail (m, "misuse: expected one critical matching \"%s\", got %u (last: %s)",
                pattern, m->n_criticals, m->last_critical != NULL ? m->last_critical : "none");
  m->stats[STAT_MISUSE]++;
}

/* A release, which at G_MAXUINT permits is refused (the most a semaphore
 * counts), and changes nothing. */
static void
semaphore_release (FifoModel  *m,
                   const char *what)
{
  m->stats[STAT_RELEASE]++;
  if (m->value == G_MAXUINT && !m->bounded)
    {
      Capture capture;

      trace (m, "%s, at G_MAXUINT: refused", what);
      capture_begin (m, &capture);
      fifo_semaphore_release (m->semaphore);
      capture_end (m, &capture, "*fifo_semaphore_release*G_MAXUINT*");
      return;
    }
  trace (m, "%s", what);
  fifo_semaphore_release (m->semaphore);
  m->value++;
  semaphore_serve (m);
}

static void
op_misuse (FifoModel *m)
{
  Capture capture;
  const char *pattern = NULL;
  guint choice;

  switch (m->kind)
    {
    case FIFO_MODEL_LOCK:
      {
        guint candidates[N_MODES], n = 0, mode;

        for (guint i = 0; i < m->n_modes; i++)
          if (m->holds[i] == 0)
            candidates[n++] = i;
        if (n == 0)
          break;
        mode = candidates[pick (m, n)];
        trace (m, "misuse: release mode %u, not held", mode);
        capture_begin (m, &capture);
        fifo_lock_release (m->lock, m->modes[mode]);
        capture_end (m, &capture, "*fifo_lock_release*is not held in mode*");
        return;
      }

    case FIFO_MODEL_MUTEX:
      if (m->mx.locked)
        break;
      trace (m, "misuse: release the unlocked mutex");
      capture_begin (m, &capture);
      fifo_mutex_release (m->mutex);
      capture_end (m, &capture, "*fifo_mutex_release*is not locked*");
      return;

    case FIFO_MODEL_BOUNDED_SEMAPHORE:
      if (m->value < m->bound)
        break;
      trace (m, "misuse: release past the bound");
      capture_begin (m, &capture);
      fifo_semaphore_release (m->semaphore);
      capture_end (m, &capture, "*fifo_semaphore_release*released too many times*");
      return;

    case FIFO_MODEL_CONDITION:
      if (m->mx.locked)
        break;
      choice = pick (m, 7);
      trace (m, "misuse %u without the mutex", choice);
      capture_begin (m, &capture);
      switch (choice)
        {
        case 0:
        case 1:
          {
            Req *r = req_new (m, choice == 0 ? OP_CONDITION_WAIT : OP_CONDITION_WAIT_FOR, TRUE);

            r->state = REQ_MISUSE;
            r->target = G_MAXUINT;
            g_ptr_array_add (m->zombies, r);
            push_context (m, r->ctx);
            if (choice == 0)
              {
                fifo_condition_wait_async (m->condition, req_cancellable (r), request_done_cb, r);
                pattern = "*fifo_condition_wait_async*mutex*not held*";
              }
            else
              {
                m->expected_predicate_calls++;  /* checked first: it might hold */
                fifo_condition_wait_for_async (m->condition, wait_for_predicate, r, predicate_destroyed,
                                               req_cancellable (r), request_done_cb, r);
                if (r->n_destroyed != 1)
                  model_fail (m, "a refused wait_for did not free its predicate data");
                pattern = "*fifo_condition_wait_for_async*mutex*not held*";
              }
            pop_context (m, r->ctx);
          }
          break;
        case 2:
          fifo_condition_notify (m->condition, pick (m, 3));
          pattern = "*fifo_condition_notify*mutex*not held*";
          break;
        case 3:
          fifo_condition_notify_all (m->condition);
          pattern = "*fifo_condition_notify_all*mutex*not held*";
          break;
        case 4:
          {
            g_autoptr(GError) error = NULL;

            if (fifo_condition_wait (m->condition, NULL, &error) || error != NULL)
              model_fail (m, "a refused blocking wait returned TRUE or set an error");
            pattern = "*fifo_condition_wait*mutex*not held*";
          }
          break;
        case 5:
          {
            g_autoptr(GError) error = NULL;
            Req fake = { .model = m, .target = G_MAXUINT, .ctx = 0 };

            m->expected_predicate_calls++;
            if (fifo_condition_wait_for (m->condition, wait_for_predicate, &fake, NULL, &error) ||
                error != NULL)
              model_fail (m, "a refused blocking wait_for returned TRUE or set an error");
            pattern = "*fifo_condition_wait*mutex*not held*";
          }
          break;
        case 6:
        default:
          fifo_mutex_release (m->mutex);
          pattern = "*fifo_mutex_release*is not locked*";
          break;
        }
      capture_end (m, &capture, pattern);
      return;

    case FIFO_MODEL_QUEUE:
    case FIFO_MODEL_BOUNDED_QUEUE:
      {
        Req *r = NULL;

        choice = pick (m, 5);
        if (choice == 0 && m->unfinished == 0)
          {
            /* task_done once more than items were put */
            queue_task_done (m, "misuse");
            return;
          }
        /* Made before the capture: cancelling an already cancelled one runs
         * handlers, which may provoke criticals of their own. */
        if (choice == 4)
          r = req_new (m, OP_QUEUE_PUT, TRUE);
        trace (m, "misuse %u: a GValue function on a queue of pointers", choice);
        capture_begin (m, &capture);
        switch (choice)
          {
          case 0:
          case 1:
            {
              GValue value = G_VALUE_INIT;

              g_value_init (&value, G_TYPE_INT);
              if (fifo_queue_try_put_value (m->fifo_queue, &value))
                model_fail (m, "a refused try_put_value returned TRUE");
              pattern = "*fifo_queue_try_put_value*holds pointers*";
            }
            break;
          case 2:
            {
              GValue value = G_VALUE_INIT;

              if (fifo_queue_try_get_value (m->fifo_queue, &value) || G_IS_VALUE (&value))
                model_fail (m, "a refused try_get_value returned TRUE or set the value");
              pattern = "*fifo_queue_try_get_value*holds pointers*";
            }
            break;
          case 3:
            {
              g_autoptr(GError) error = NULL;

              if (fifo_queue_get_value (m->fifo_queue, NULL, &error) != NULL || error != NULL)
                model_fail (m, "a refused blocking get_value returned a value or set an error");
              pattern = "*fifo_queue_get_value*holds pointers*";
            }
            break;
          case 4:
          default:
            {
              GValue value = G_VALUE_INIT;

              /* Refused: it must never complete. */
              r->state = REQ_MISUSE;
              g_ptr_array_add (m->zombies, r);
              g_value_init (&value, G_TYPE_INT);
              push_context (m, r->ctx);
              fifo_queue_put_value_async (m->fifo_queue, &value, req_cancellable (r), request_done_cb, r);
              pop_context (m, r->ctx);
              pattern = "*fifo_queue_put_value_async*holds pointers*";
            }
            break;
          }
        capture_end (m, &capture, pattern);
        return;
      }

    case FIFO_MODEL_SEMAPHORE:
    case FIFO_MODEL_EVENT:
    case FIFO_MODEL_BARRIER:
    case FIFO_MODEL_N_KINDS:
    default:
      break;
    }

  op_iterate (m);
}

/* ---- Kind-specific operations --------------------------------------------------- */

static void
op_semaphore_extra_release (FifoModel *m)
{
  /* An unbounded semaphore takes releases nobody acquired. */
  if (m->bounded)
    {
      op_release (m);
      return;
    }
  if (m->value > m->bound + 1 || (m->value == G_MAXUINT && pick (m, 2) == 0))
    {
      /* Keep the supply near where it started, or the queue would never
       * form again: a permit taken for good. */
      trace (m, "try, kept for good");
      m->stats[STAT_TRY]++;
      if (!fifo_semaphore_try_acquire (m->semaphore))
        model_fail (m, "try_acquire refused with %u permits free", m->value);
      m->value--;
      return;
    }
  semaphore_release (m, "extra release");
}

static void
op_event_set (FifoModel *m)
{
  trace (m, "set");
  m->stats[STAT_CONTROL]++;
  fifo_event_set (m->event);
  if (!m->is_set)
    {
      m->is_set = TRUE;
      complete_all (m, OUTCOME_OK);
    }
}

static void
op_event_clear (FifoModel *m)
{
  trace (m, "clear");
  m->stats[STAT_CONTROL]++;
  fifo_event_clear (m->event);
  m->is_set = FALSE;
}

static void
op_condition_wait (FifoModel *m)
{
  gboolean wait_for = pick (m, 2) == 0;
  guint target = m->cond_value + pick (m, 3);
  gboolean at_once = wait_for && target <= m->cond_value;
  guint token = 0;
  Req *r;

  if (m->live->len >= m->target_live)
    {
      op_drain (m);
      return;
    }
  if (!at_once && !take_token (m, &token))
    {
      op_iterate (m);
      return;
    }

  r = req_new (m, wait_for ? OP_CONDITION_WAIT_FOR : OP_CONDITION_WAIT, TRUE);
  r->target = target;
  submit (m, r);
  if (wait_for)
    m->expected_predicate_calls++;

  if (at_once)
    {
      /* The predicate holds: done, never waits, not cancellable. */
      r->final = TRUE;
      complete (m, r, OUTCOME_OK);
      return;
    }
  condition_admit (m, r);
}

static void
op_condition_notify (FifoModel *m)
{
  guint n = pick (m, 4);
  gboolean all = pick (m, 4) == 0;

  if (!m->mx.locked)
    {
      op_misuse (m);
      return;
    }

  m->stats[STAT_CONTROL]++;
  if (all)
    {
      trace (m, "notify_all");
      fifo_condition_notify_all (m->condition);
      condition_notify (m, G_MAXUINT);
    }
  else
    {
      trace (m, "notify %u", n);
      fifo_condition_notify (m->condition, n);
      condition_notify (m, n);
    }
}

static void
op_condition_bump (FifoModel *m)
{
  trace (m, "the awaited value becomes %u", m->cond_value + 1);
  m->cond_value++;
}

static void
op_barrier_abort (FifoModel *m)
{
  trace (m, "abort");
  m->stats[STAT_CONTROL]++;
  fifo_barrier_abort (m->barrier);
  m->broken = TRUE;
  complete_all (m, OUTCOME_BROKEN);
}

static void
op_barrier_reset (FifoModel *m)
{
  trace (m, "reset");
  m->stats[STAT_CONTROL]++;
  fifo_barrier_reset (m->barrier);
  complete_all (m, OUTCOME_BROKEN);
  m->broken = FALSE;
}

/* FifoQueue */

/* A request of the queue's: a put (a new item), a get or a join; now and
 * then the companion's. */
static void
op_queue_request (FifoModel *m)
{
  static const guint put_shares[] = { 5, 7, 8, 10 };
  guint choice;
  ReqOp op;
  Req *r;

  if (m->live->len >= m->target_live)
    {
      op_drain (m);
      return;
    }

  /* Phases where puts outrun gets, and the other way round. */
  if (pick (m, 512) == 0)
    m->put_share = put_shares[pick (m, G_N_ELEMENTS (put_shares))];
  choice = pick (m, 20);
  if (choice < 3)
    op = OP_COMPANION_ACQUIRE;
  else if (choice < 5)
    op = OP_QUEUE_JOIN;
  else if (choice - 5 < m->put_share)
    op = OP_QUEUE_PUT;
  else
    op = OP_QUEUE_GET;

  r = req_new (m, op, TRUE);
  if (op == OP_QUEUE_PUT)
    r->item = item_new (m);
  submit (m, r);
  model_admit (m, r);
}

/* try_get, as a caller that keeps the item (and so owes a task_done), or,
 * with @keep FALSE, passes NULL: the item, transfer full, is then the
 * queue's to free. */
static void
queue_try_get (FifoModel *m,
               gboolean   keep)
{
  gboolean expected = !g_queue_is_empty (&m->items);
  gpointer item = NULL;
  gboolean got;
  guint front;

  m->stats[STAT_TRY]++;
  got = fifo_queue_try_get (m->fifo_queue, keep ? &item : NULL);
  trace (m, "try_get%s: %s %u", keep ? "" : " (NULL)", got ? "got" : "none", GPOINTER_TO_UINT (item));
  if (got != expected)
    model_fail (m, "try_get %s, the model %s", got ? "got an item" : "got none",
                expected ? "would get one" : "would get none");
  if (!got)
    return;

  front = queue_pop (m);
  queue_count_got (m);
  if (keep && GPOINTER_TO_UINT (item) != front)
    model_fail (m, "try_get got item %u, expected %u", GPOINTER_TO_UINT (item), front);
  item_set (m, front, keep ? ITEM_TAKEN : ITEM_DROPPED);
  if (!keep)
    item_owe (m, front);
  give_token (m, 0);
  /* Room for a put. */
  queue_serve (m);
}

/* try_put and try_get: exactly when nothing would have to wait. */
static void
op_queue_try (FifoModel *m)
{
  guint item;
  gboolean expected, put;

  if (pick (m, 2) == 0)
    {
      queue_try_get (m, pick (m, 8) != 0);
      return;
    }

  m->stats[STAT_TRY]++;
  item = item_new (m);
  expected = !m->shut_down && g_queue_is_empty (&m->putters) && !queue_full (m);
  put = fifo_queue_try_put (m->fifo_queue, GUINT_TO_POINTER (item));
  trace (m, "try_put item %u: %s", item, put ? "put" : "refused");
  if (put != expected)
    model_fail (m, "try_put %s, the model %s", put ? "put" : "refused",
                expected ? "would put" : "would refuse");
  if (!put)
    {
      item_set (m, item, ITEM_REFUSED);
      return;
    }
  queue_take_in (m, item);
  queue_serve (m);
}

/* The blocking put, get and join, only when they cannot block this (the
 * only) thread: already cancelled, or completing at once. */
static void
op_queue_blocking (FifoModel *m)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GError) error = NULL;
  gboolean cancelled = pick (m, 3) == 0;
  guint which = pick (m, 8);
  Outcome expected, outcome;
  gboolean ok;
  guint item = 0, front = 0;

  if (cancelled || pick (m, 2) == 0)
    cancellable = g_cancellable_new ();
  if (cancelled)
    g_cancellable_cancel (cancellable);

  if (which < 3)
    {
      /* A cancellable already cancelled fails it straight away. */
      if (cancelled)
        expected = OUTCOME_CANCELLED;
      else if (m->shut_down)
        expected = OUTCOME_SHUT_DOWN;
      else if (g_queue_is_empty (&m->putters) && !queue_full (m))
        expected = OUTCOME_OK;
      else
        goto would_block;
      item = item_new (m);
      trace (m, "blocking put of item %u%s", item, cancelled ? ", cancelled" : "");
      ok = fifo_queue_put (m->fifo_queue, GUINT_TO_POINTER (item), cancellable, &error);
      if (expected == OUTCOME_OK)
        {
          queue_take_in (m, item);
          queue_serve (m);
        }
      else
        {
          /* Not put: freed with the free function, before it returns. */
          item_set (m, item, ITEM_FAILED);
          item_owe (m, item);
        }
    }
  else if (which < 6)
    {
      gpointer got;

      if (cancelled)
        expected = OUTCOME_CANCELLED;
      else if (!g_queue_is_empty (&m->items) && g_queue_is_empty (&m->queue))
        expected = OUTCOME_OK;
      else if (m->shut_down)
        expected = OUTCOME_SHUT_DOWN;
      else
        goto would_block;
      trace (m, "blocking get%s", cancelled ? ", cancelled" : "");
      got = fifo_queue_get (m->fifo_queue, cancellable, &error);
      ok = got != NULL;
      if (expected == OUTCOME_OK)
        {
          front = queue_pop (m);
          queue_count_got (m);
          if (GPOINTER_TO_UINT (got) != front)
            model_fail (m, "blocking get got item %u, expected %u", GPOINTER_TO_UINT (got), front);
          item_set (m, front, ITEM_TAKEN);
          give_token (m, 0);
          queue_serve (m);
        }
      else if (got != NULL)
        {
          model_fail (m, "a failed blocking get returned item %u", GPOINTER_TO_UINT (got));
        }
    }
  else
    {
      if (cancelled)
        expected = OUTCOME_CANCELLED;
      else if (m->unfinished == 0)
        expected = OUTCOME_OK;
      else
        goto would_block;
      trace (m, "blocking join%s", cancelled ? ", cancelled" : "");
      ok = fifo_queue_join (m->fifo_queue, cancellable, &error);
    }

  m->stats[STAT_BLOCKING]++;
  if (ok && error != NULL)
    model_fail (m, "a blocking call succeeded with an error set");
  if (ok)
    outcome = OUTCOME_OK;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    outcome = OUTCOME_CANCELLED;
  else if (g_error_matches (error, FIFO_ERROR, FIFO_ERROR_QUEUE_SHUT_DOWN))
    outcome = OUTCOME_SHUT_DOWN;
  else
    model_fail (m, "blocking call failed with an unexpected error: %s",
                error != NULL ? error->message : "(none set)");
  if (outcome != expected)
    model_fail (m, "blocking call: %s, expected %s", outcome_names[outcome], outcome_names[expected]);
  return;

would_block:
  op_iterate (m);
}

/* task_done: by the test for an item whose work is done, or an extra one
 * (not misuse while something is unfinished). More than items were put is
 * misuse: one critical, and nothing changes. */
static void
queue_task_done (FifoModel  *m,
                 const char *what)
{
  m->stats[STAT_QUEUE_TASK_DONE]++;
  if (m->unfinished == 0)
    {
      Capture capture;

      trace (m, "%s: task_done, nothing unfinished: refused", what);
      capture_begin (m, &capture);
      fifo_queue_task_done (m->fifo_queue);
      capture_end (m, &capture, "*fifo_queue_task_done*more times than items were put*");
      return;
    }
  trace (m, "%s: task_done (%u unfinished)", what, m->unfinished);
  fifo_queue_task_done (m->fifo_queue);
  m->unfinished--;
  /* The last one completes the joins. */
  queue_serve (m);
}

static void
op_queue_task_done (FifoModel *m)
{
  queue_task_done (m, "an extra one");
}

/* After shutdown (TRUE) every get fails: what is left is dropped now, and
 * an item handed to a get before it, that the get gives back (cancelled,
 * or its context gone), is dropped then (queue_give_back()). */
static void
queue_shutdown (FifoModel *m,
                gboolean   immediate)
{
  trace (m, "shutdown (%s)%s, %u items", immediate ? "immediate" : "not immediate",
         m->shut_down ? ", again" : "", m->items.length);
  m->stats[STAT_QUEUE_SHUTDOWN]++;
  fifo_queue_shutdown (m->fifo_queue, immediate);
  m->shut_down = TRUE;
  if (immediate)
    {
      guint n = m->items.length;

      /* Dropped (freed once unlocked, before it returns) and marked done:
       * as many as are unfinished, as asyncio does. */
      m->shut_down_immediate = TRUE;
      while (!g_queue_is_empty (&m->items))
        {
          guint item = queue_pop (m);

          item_set (m, item, ITEM_DROPPED);
          item_owe (m, item);
        }
      m->unfinished -= MIN (m->unfinished, n);
    }
  queue_serve (m);
}

/* No request of the queue's is live: it can go. */
static gboolean
queue_quiet (FifoModel *m)
{
  for (guint i = 0; i < m->live->len; i++)
    if (op_is_queue (((Req *) g_ptr_array_index (m->live, i))->op))
      return FALSE;
  return TRUE;
}

/* Makes the queue of the model's kind, with nothing in it. */
static void
queue_make (FifoModel *m)
{
  m->max_size = m->kind == FIFO_MODEL_BOUNDED_QUEUE ? 1 + pick (m, 4) : 0;
  m->fifo_queue = fifo_queue_new (m->max_size, queue_item_free);
  m->primitive = G_OBJECT (m->fifo_queue);
  m->unfinished = 0;
  m->shut_down = FALSE;
  m->shut_down_immediate = FALSE;
  m->first_item = m->item_info->len;
  m->next_order = 0;
  watch (m, m->primitive, PROP_QUEUE_N_ITEMS);
  watch (m, m->primitive, PROP_QUEUE_N_WAITING);
  watch (m, m->primitive, PROP_QUEUE_IS_SHUT_DOWN);
  watch (m, m->primitive, PROP_QUEUE_MAX_SIZE);
}

/* Drops the only reference to the queue (no request of it is live): it
 * must be finalized, freeing what it holds; and then every item it was
 * given must have been got exactly once or freed exactly once. */
static void
queue_finalize (FifoModel *m)
{
  FifoQueue *queue = g_steal_pointer (&m->fifo_queue);
  gpointer weak = queue;

  g_assert (queue_quiet (m));
  while (!g_queue_is_empty (&m->items))
    {
      guint item = queue_pop (m);

      item_set (m, item, ITEM_FINAL);
      item_owe (m, item);
    }
  m->primitive = NULL;
  g_object_add_weak_pointer (G_OBJECT (queue), &weak);
  g_object_unref (queue);
  if (weak != NULL)
    model_fail (m, "the queue outlived every reference the test had");
  check_frees (m);

  for (guint item = m->first_item; item < m->item_info->len; item++)
    {
      ItemInfo *info = item_info (m, item);
      gboolean callers = info->state == ITEM_TAKEN || info->state == ITEM_REFUSED;

      if (info->state == ITEM_PUTTING || info->state == ITEM_QUEUED || info->state == ITEM_HANDED)
        model_fail (m, "model: item %u is %s, its queue gone", item, item_state_names[info->state]);
      if (info->n_freed != (callers ? 0 : 1))
        model_fail (m, "item %u (%s) was freed %u times", item, item_state_names[info->state], info->n_freed);
    }
}

/* Shuts the queue down now and then; once it is, shuts it down again
 * (immediate, perhaps, this time), or, when no request of it is live,
 * replaces it by a new one, so that a long run sees many queues live and
 * die. */
static void
op_queue_shutdown (FifoModel *m)
{
  if (!m->shut_down)
    {
      if (pick (m, 16) == 0)
        queue_shutdown (m, pick (m, 2) == 0);
      else
        op_iterate (m);
      return;
    }

  if (queue_quiet (m) && pick (m, 2) == 0)
    {
      trace (m, "a new queue for the shut-down one (%u items left in it)", m->items.length);
      m->stats[STAT_QUEUE_RENEWED]++;
      queue_finalize (m);
      /* The work on the old queue's items is forgotten. */
      g_array_set_size (m->tokens, 0);
      queue_make (m);
      return;
    }

  if (pick (m, 4) == 0)
    queue_shutdown (m, pick (m, 2) == 0);
  else
    op_drain (m);
}

/* ---- A main context destroyed ------------------------------------------------- */

/* Attached to a context only to tell whether it was finalized: a source
 * is destroyed with its context. Never ready. */
static gboolean
sentinel_prepare (GSource *source,
                  gint    *timeout)
{
  *timeout = -1;
  return FALSE;
}

static gboolean
sentinel_check (GSource *source)
{
  return FALSE;
}

static gboolean
sentinel_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static GSourceFuncs sentinel_funcs = {
  .prepare = sentinel_prepare,
  .check = sentinel_check,
  .dispatch = sentinel_dispatch,
};

enum { ORPHAN_IN_COMPANION, ORPHAN_IN_MUTEX, ORPHAN_IN_PRIMITIVE };

/* Whose queue's inbox a ready request of a dead context waits in: a
 * condition's waits (and wait_for's steps) are its mutex's once they went
 * on to re-acquire it, as the mutex's acquisitions are; one completed at
 * once (already cancelled), or wait_for's own completion, stays the
 * condition's. */
static guint
orphan_queue (FifoModel *m,
              Req       *r)
{
  if (r->op == OP_COMPANION_ACQUIRE)
    return ORPHAN_IN_COMPANION;
  if (r->op == OP_MUTEX_ACQUIRE || (r->at_mutex && !(r->op == OP_CONDITION_WAIT_FOR && r->final)))
    return ORPHAN_IN_MUTEX;
  return ORPHAN_IN_PRIMITIVE;
}

/* The primitive's next operation: a getter, which takes its queue's lock. */
static void
touch_queue (FifoModel *m,
             guint      queue)
{
  switch (queue)
    {
    case ORPHAN_IN_COMPANION:
      fifo_mutex_get_locked (m->companion);
      break;
    case ORPHAN_IN_MUTEX:
      fifo_mutex_get_locked (m->mutex);
      break;
    default:
      {
        guint n_waiting;

        g_object_get (m->primitive, "n-waiting", &n_waiting, NULL);
      }
      break;
    }
}

/* Drops the model's reference to one context, the only one, and puts a new
 * context in its place. Its requests become orphans: those completed are
 * passed over during the unref, in the order they completed; those still
 * queued when they complete. Their callbacks must never run. */
static void
destroy_context (FifoModel *m,
                 guint      k)
{
  GMainContext *dead = m->contexts[k];
  GSource *sentinel;
  guint n_queued = 0, n_ready = m->ready[k].length;
  Req *r;

  g_assert (m->iterating < 0 && g_queue_is_empty (&m->orphans));
  for (guint i = 0; i < m->live->len; i++)
    {
      r = g_ptr_array_index (m->live, i);
      if (r->ctx != k || r->orphaned)
        continue;
      r->orphaned = TRUE;
      if (r->state == REQ_QUEUED)
        n_queued++;
      else if (r->state != REQ_READY)
        model_fail (m, "model: request %u of context %u is live in state %d", r->id, k, r->state);
    }
  trace (m, "destroy context %u (%u ready, %u queued)", k, n_ready, n_queued);
  m->stats[STAT_DESTROY]++;

  /* Nothing else may hold it: not pushed, not being iterated. */
  if (g_main_context_get_thread_default () == dead || g_main_context_is_owner (dead))
    model_fail (m, "context %u is the thread-default or owned when destroyed", k);
  sentinel = g_source_new (&sentinel_funcs, sizeof (GSource));
  g_source_set_static_name (sentinel, "fifo-model sentinel");
  g_source_attach (sentinel, dead);

  m->contexts[k] = NULL;
  finalizing = "a GMainContext";
  g_main_context_unref (dead);
  finalizing = NULL;
  if (!g_source_is_destroyed (sentinel))
    model_fail (m, "context %u was not finalized by the model's unref: something else holds a reference to it", k);
  g_source_unref (sentinel);
  m->contexts[k] = g_main_context_new ();

  if (m->observed->len > 0)
    model_fail (m, "destroying context %u ran %u callbacks", k, m->observed->len);

  /* What it had ready waits in its queue's inbox, for the primitive's next
   * operation (or a live waiter's next dispatch, which the model's
   * operations always come before): the model makes that operation now, a
   * getter on each queue — the companion's, a condition's mutex's, then
   * the primitive's. Each passes over its queue's orphans in one locked
   * section, oldest first, with whatever their giving back completes for
   * other orphans. */
  account_notifications (m);
  for (guint queue = 0; queue < 3; queue++)
    {
      GList *l = m->ready[k].head;

      while (l != NULL)
        {
          GList *next = l->next;

          r = l->data;
          if (orphan_queue (m, r) == queue)
            {
              g_queue_delete_link (&m->ready[k], l);
              g_queue_push_tail (&m->orphans, r);
            }
          l = next;
        }
      if (g_queue_is_empty (&m->orphans))
        continue;

      touch_queue (m, queue);
      settle_orphans (m);
      account_notifications (m);
    }
  g_assert (g_queue_is_empty (&m->ready[k]));

  /* Pass-overs that found no live waiter also drain from this thread's
   * main context, later: by now there is nothing left for them to do. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (m->observed->len > 0)
    model_fail (m, "the default main context ran %u callbacks after context %u was destroyed",
                m->observed->len, k);
  account_notifications (m);
}

static void
op_destroy_context (FifoModel *m)
{
  destroy_context (m, pick (m, N_CONTEXTS));
}

typedef struct
{
  guint   weight;
  void  (*op) (FifoModel *m);
} Op;

#define END_OPS { 0, NULL }

static const Op lock_ops[] = {
  { 30, op_request }, { 25, op_iterate }, { 22, op_release }, { 10, op_cancel },
  { 6, op_try }, { 4, op_blocking }, { 1, op_misuse }, { 2, op_destroy_context },
  { 3, op_connect_handler }, END_OPS,
};

static const Op mutex_ops[] = {
  { 30, op_request }, { 25, op_iterate }, { 22, op_release }, { 10, op_cancel },
  { 6, op_try }, { 4, op_blocking }, { 1, op_misuse }, { 2, op_destroy_context },
  { 3, op_connect_handler }, END_OPS,
};

static const Op semaphore_ops[] = {
  { 30, op_request }, { 25, op_iterate }, { 20, op_release }, { 10, op_cancel },
  { 6, op_try }, { 4, op_blocking }, { 3, op_semaphore_extra_release }, { 1, op_misuse },
  { 2, op_destroy_context }, { 3, op_connect_handler }, END_OPS,
};

static const Op event_ops[] = {
  { 30, op_request }, { 25, op_iterate }, { 12, op_cancel }, { 4, op_blocking },
  { 8, op_event_set }, { 8, op_event_clear }, { 1, op_destroy_context }, { 4, op_release },
  { 3, op_connect_handler }, END_OPS,
};

static const Op condition_ops[] = {
  { 14, op_request }, { 25, op_iterate }, { 16, op_release }, { 10, op_cancel },
  { 4, op_try }, { 16, op_condition_wait }, { 8, op_condition_notify }, { 4, op_condition_bump },
  { 3, op_blocking }, { 1, op_misuse }, { 2, op_destroy_context }, { 3, op_connect_handler },
  END_OPS,
};

static const Op barrier_ops[] = {
  { 32, op_request }, { 25, op_iterate }, { 10, op_cancel }, { 4, op_blocking },
  { 2, op_barrier_abort }, { 3, op_barrier_reset }, { 1, op_destroy_context }, { 4, op_release },
  { 3, op_connect_handler }, END_OPS,
};

static const Op queue_ops[] = {
  { 30, op_queue_request }, { 25, op_iterate }, { 12, op_release }, { 10, op_cancel },
  { 8, op_queue_try }, { 4, op_queue_blocking }, { 1, op_queue_task_done }, { 1, op_misuse },
  { 2, op_destroy_context }, { 3, op_connect_handler }, { 3, op_queue_shutdown }, END_OPS,
};

static const Op *
model_ops (FifoModel *m)
{
  switch (m->kind)
    {
    case FIFO_MODEL_LOCK:              return lock_ops;
    case FIFO_MODEL_MUTEX:             return mutex_ops;
    case FIFO_MODEL_SEMAPHORE:
    case FIFO_MODEL_BOUNDED_SEMAPHORE: return semaphore_ops;
    case FIFO_MODEL_EVENT:             return event_ops;
    case FIFO_MODEL_CONDITION:         return condition_ops;
    case FIFO_MODEL_BARRIER:           return barrier_ops;
    case FIFO_MODEL_QUEUE:
    case FIFO_MODEL_BOUNDED_QUEUE:     return queue_ops;
    case FIFO_MODEL_N_KINDS:
    default:                           g_assert_not_reached ();
    }
}

void
fifo_model_step (FifoModel *m)
{
  const Op *ops = model_ops (m);
  guint total = 0, choice;

  m->n_steps++;
  /* Phases of different load: from nothing queued to long queues. */
  if (pick (m, 256) == 0)
    {
      static const guint targets[] = { 0, 1, 2, 3, 5, 8, 16, 32, MAX_LIVE };

      m->target_live = targets[pick (m, G_N_ELEMENTS (targets))];
      trace (m, "phase: up to %u requests", m->target_live);
    }
  for (const Op *op = ops; op->op != NULL; op++)
    total += op->weight;
  choice = pick (m, total);
  for (const Op *op = ops; op->op != NULL; op++)
    {
      if (choice < op->weight)
        {
          op->op (m);
          break;
        }
      choice -= op->weight;
    }

  model_check (m);
}

/* ---- Making and finishing ---------------------------------------------------------- */

const char *
fifo_model_kind_name (FifoModelKind kind)
{
  static const char *names[] = {
    "lock", "mutex", "semaphore", "bounded-semaphore", "event", "condition", "barrier",
    "queue", "bounded-queue",
  };

  g_return_val_if_fail (kind < FIFO_MODEL_N_KINDS, NULL);
  return names[kind];
}

FifoModel *
fifo_model_new (FifoModelKind        kind,
                FifoModelChooseFunc  choose,
                gpointer             choose_data,
                const char          *replay_hint)
{
  FifoModel *m = g_new0 (FifoModel, 1);

  g_return_val_if_fail (kind < FIFO_MODEL_N_KINDS, NULL);

  m->kind = kind;
  m->choose = choose;
  m->choose_data = choose_data;
  m->replay_hint = g_strdup (replay_hint);
  m->iterating = -1;
  m->target_live = 8;
  m->check_notify = g_strcmp0 (g_getenv ("FIFO_MODEL_NO_NOTIFY"), "1") != 0;
  for (guint i = 0; i < N_CONTEXTS; i++)
    m->contexts[i] = g_main_context_new ();
  m->live = g_ptr_array_new ();
  m->retained = g_ptr_array_new ();
  m->cancels = g_ptr_array_new ();
  m->unused = g_ptr_array_new ();
  m->graveyard = g_ptr_array_new ();
  m->zombies = g_ptr_array_new_with_free_func ((GDestroyNotify) req_free);
  m->tokens = g_array_new (FALSE, FALSE, sizeof (guint));
  m->observed = g_array_new (FALSE, FALSE, sizeof (Observed));
  m->item_info = g_array_new (FALSE, TRUE, sizeof (ItemInfo));
  g_array_set_size (m->item_info, 1);  /* 0 is no item */
  m->owed = g_array_new (FALSE, FALSE, sizeof (guint));
  m->freed = g_array_new (FALSE, FALSE, sizeof (guint));
  m->put_share = 7;

  switch (kind)
    {
    case FIFO_MODEL_LOCK:
      {
        static const ModeKind kinds[N_MODES] = {
          MODE_EXCLUSIVE, MODE_EXCLUSIVE, MODE_SHARED, MODE_SHARED,
          MODE_SEMAPHORE, MODE_SEMAPHORE, MODE_SEMAPHORE, MODE_COUNT, MODE_COUNT,
        };

        m->lock = fifo_lock_new ();
        m->primitive = G_OBJECT (m->lock);
        m->n_modes = N_MODES;
        for (guint i = 0; i < N_MODES; i++)
          {
            m->mode_kinds[i] = kinds[i];
            switch (kinds[i])
              {
              case MODE_EXCLUSIVE:
                m->modes[i] = fifo_exclusive_mode_new ();
                break;
              case MODE_SHARED:
                m->modes[i] = fifo_shared_mode_new ();
                break;
              case MODE_SEMAPHORE:
                m->mode_sizes[i] = 1 + pick (m, 4);
                m->modes[i] = fifo_semaphore_mode_new (m->mode_sizes[i]);
                break;
              case MODE_COUNT:
                m->modes[i] = g_object_new (TEST_TYPE_COUNT_MODE, NULL);
                break;
              case N_MODE_KINDS:
              default:
                g_assert_not_reached ();
              }
          }
        m->probe = g_object_new (TEST_TYPE_PROBE_MODE, NULL);
        watch (m, G_OBJECT (m->lock), PROP_LOCK_N_WAITING);
      }
      break;

    case FIFO_MODEL_MUTEX:
      m->mutex = fifo_mutex_new ();
      m->primitive = G_OBJECT (m->mutex);
      watch (m, G_OBJECT (m->mutex), PROP_MUTEX_LOCKED);
      watch (m, G_OBJECT (m->mutex), PROP_MUTEX_N_WAITING);
      break;

    case FIFO_MODEL_SEMAPHORE:
    case FIFO_MODEL_BOUNDED_SEMAPHORE:
      m->bounded = kind == FIFO_MODEL_BOUNDED_SEMAPHORE;
      m->value = m->bound = m->bounded ? 1 + pick (m, 4) : pick (m, 4);
      /* Now and then at the top of the range, where a count could wrap. */
      if (!m->bounded && pick (m, 4) == 0)
        m->value = m->bound = G_MAXUINT - pick (m, 3);
      m->semaphore = m->bounded ? fifo_semaphore_new_bounded (m->value) : fifo_semaphore_new (m->value);
      m->primitive = G_OBJECT (m->semaphore);
      watch (m, G_OBJECT (m->semaphore), PROP_SEMAPHORE_VALUE);
      watch (m, G_OBJECT (m->semaphore), PROP_SEMAPHORE_N_WAITING);
      break;

    case FIFO_MODEL_EVENT:
      m->event = fifo_event_new ();
      m->primitive = G_OBJECT (m->event);
      watch (m, G_OBJECT (m->event), PROP_EVENT_IS_SET);
      watch (m, G_OBJECT (m->event), PROP_EVENT_N_WAITING);
      break;

    case FIFO_MODEL_CONDITION:
      if (pick (m, 2) == 0)
        {
          g_autoptr(FifoMutex) mutex = fifo_mutex_new ();

          m->condition = fifo_condition_new (mutex);
        }
      else
        {
          m->condition = fifo_condition_new (NULL);
        }
      m->mutex = g_object_ref (fifo_condition_get_mutex (m->condition));
      m->primitive = G_OBJECT (m->condition);
      watch (m, G_OBJECT (m->condition), PROP_CONDITION_N_WAITING);
      watch (m, G_OBJECT (m->mutex), PROP_MUTEX_LOCKED);
      watch (m, G_OBJECT (m->mutex), PROP_MUTEX_N_WAITING);
      break;

    case FIFO_MODEL_BARRIER:
      /* A single party (every wait passes at once) now and then. */
      m->parties = pick (m, 8) == 0 ? 1 : 2 + pick (m, 4);
      m->barrier = fifo_barrier_new (m->parties);
      m->primitive = G_OBJECT (m->barrier);
      watch (m, G_OBJECT (m->barrier), PROP_BARRIER_N_WAITING);
      watch (m, G_OBJECT (m->barrier), PROP_BARRIER_BROKEN);
      break;

    case FIFO_MODEL_QUEUE:
    case FIFO_MODEL_BOUNDED_QUEUE:
      if (queue_model != NULL)
        g_error ("one queue model at a time: its free function finds it through a global");
      queue_model = m;
      queue_make (m);
      break;

    case FIFO_MODEL_N_KINDS:
    default:
      g_assert_not_reached ();
    }

  m->companion = fifo_mutex_new ();
  watch (m, G_OBJECT (m->companion), PROP_COMPANION_LOCKED);
  watch (m, G_OBJECT (m->companion), PROP_COMPANION_N_WAITING);

  return m;
}

guint64
fifo_model_get_n_steps (FifoModel *m)
{
  return m->n_steps;
}

char *
fifo_model_describe (FifoModel *m)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s: %" G_GUINT64_FORMAT " steps", fifo_model_kind_name (m->kind), m->n_steps);
  if (m->kind == FIFO_MODEL_BARRIER)
    g_string_append_printf (s, " (%u parties)", m->parties);
  else if (m->semaphore != NULL)
    g_string_append_printf (s, " (initial value %u)", m->bound);
  else if (m->lock != NULL)
    g_string_append_printf (s, " (semaphore modes of sizes %u, %u, %u)",
                            m->mode_sizes[4], m->mode_sizes[5], m->mode_sizes[6]);
  else if (m->kind == FIFO_MODEL_BOUNDED_QUEUE)
    g_string_append_printf (s, " (the last queue's max-size %u)", m->max_size);
  for (guint i = 0; i < N_STATS; i++)
    if (m->stats[i] > 0)
      g_string_append_printf (s, ", %" G_GUINT64_FORMAT " %s", m->stats[i], stat_names[i]);
  return g_string_free (s, FALSE);
}

/* One round of unblocking: what a program shutting down would do. */
static void
quiesce_round (FifoModel *m)
{
  guint token;

  for (guint ctx = 0; ctx < N_CONTEXTS; ctx++)
    {
      trace (m, "finish: iterate context %u", ctx);
      iterate (m, ctx, 1);
      model_check (m);
    }

  while (take_token (m, &token))
    {
      release_token (m, token);
      model_check (m);
    }
  while (m->comp_held > 0)
    {
      release_companion (m);
      model_check (m);
    }

  switch (m->kind)
    {
    case FIFO_MODEL_SEMAPHORE:
      /* Nobody holds a permit (it may have started with none). */
      if (!g_queue_is_empty (&m->queue) && m->tokens->len == 0)
        op_semaphore_extra_release (m);
      break;
    case FIFO_MODEL_EVENT:
      if (!g_queue_is_empty (&m->queue))
        op_event_set (m);
      break;
    case FIFO_MODEL_BARRIER:
      if (!g_queue_is_empty (&m->queue))
        op_barrier_abort (m);
      break;
    case FIFO_MODEL_QUEUE:
    case FIFO_MODEL_BOUNDED_QUEUE:
      /* Gets or puts wait: nothing but a shutdown ends them all. Joins:
       * take what is left (its work is done next round), then mark done
       * what is still unfinished (an item a get holds, not delivered yet,
       * makes that one misuse later: fine). */
      if (!g_queue_is_empty (&m->queue) || !g_queue_is_empty (&m->putters))
        queue_shutdown (m, pick (m, 2) == 0);
      else if (!g_queue_is_empty (&m->joiners) && !g_queue_is_empty (&m->items))
        queue_try_get (m, TRUE);
      else if (!g_queue_is_empty (&m->joiners) && m->tokens->len == 0)
        queue_task_done (m, "finish");
      break;
    case FIFO_MODEL_CONDITION:
      m->cond_value = G_MAXUINT;  /* every wait_for is satisfied */
      if (!g_queue_is_empty (&m->queue) && !m->mx.locked && g_queue_is_empty (&m->mx.queue))
        {
          trace (m, "finish: take the mutex to notify");
          if (!fifo_mutex_try_acquire (m->mutex))
            model_fail (m, "finish: the free mutex cannot be taken");
          m->mx.locked = TRUE;
          give_token (m, 0);
          trace (m, "finish: notify_all");
          fifo_condition_notify_all (m->condition);
          condition_notify (m, G_MAXUINT);
        }
      break;
    case FIFO_MODEL_LOCK:
    case FIFO_MODEL_MUTEX:
    case FIFO_MODEL_BOUNDED_SEMAPHORE:
    case FIFO_MODEL_N_KINDS:
    default:
      break;
    }
  model_check (m);
}

void
fifo_model_finish (FifoModel *m)
{
  GObject *weak[N_MODES + 4] = { NULL, };
  guint n_weak = 0;

  for (guint round = 0; m->live->len > 0 || m->tokens->len > 0 || m->comp_held > 0; round++)
    {
      if (round > 1000)
        model_fail (m, "finish: %u requests never completed", m->live->len);
      quiesce_round (m);
    }

  if (m->kind == FIFO_MODEL_BARRIER && m->broken)
    op_barrier_reset (m);
  model_check (m);

  /* Cancelling after delivery changes nothing. */
  while (m->retained->len > 0)
    {
      Req *r = g_ptr_array_index (m->retained, 0);

      cancel_cancellable (m, r->cancel);
      model_check (m);
    }

  for (guint ctx = 0; ctx < N_CONTEXTS; ctx++)
    {
      iterate (m, ctx, 2);
      if (!g_queue_is_empty (&m->ready[ctx]))
        model_fail (m, "finish: completions left in context %u", ctx);
    }
  model_check (m);

  /* Every cancellable must go with our references to it (handlers that
   * cancel one another hold each other: ours to disconnect). */
  g_ptr_array_set_size (m->zombies, 0);
  for (guint i = 0; i < m->cancels->len; i++)
    {
      Cancel *c = g_ptr_array_index (m->cancels, i);

      for (guint h = 0; h < c->n_handlers; h++)
        g_signal_handler_disconnect (c->cancellable, c->handler_ids[h]);
      c->n_handlers = 0;
    }
  while (m->graveyard->len > 0)
    req_really_free (g_ptr_array_steal_index (m->graveyard, m->graveyard->len - 1));
  cancel_drop_unused (m);
  if (m->cancels->len > 0)
    model_fail (m, "finish: %u cancellables still in use", m->cancels->len);

  /* The primitive, its mutex and its modes must go with our references:
   * nothing may keep them (or be kept by them). A queue checks its own
   * going, and its items'. */
  g_clear_object (&m->kept_holds);
  if (m->fifo_queue != NULL)
    queue_finalize (m);
  weak[n_weak++] = G_OBJECT (m->companion);
  if (m->primitive != NULL)
    weak[n_weak++] = m->primitive;
  if (m->mutex != NULL && m->kind == FIFO_MODEL_CONDITION)
    weak[n_weak++] = G_OBJECT (m->mutex);
  for (guint i = 0; i < m->n_modes; i++)
    weak[n_weak++] = G_OBJECT (m->modes[i]);
  for (guint i = 0; i < n_weak; i++)
    g_object_add_weak_pointer (weak[i], (gpointer *) &weak[i]);

  if (m->kind == FIFO_MODEL_CONDITION)
    g_object_unref (m->mutex);
  if (m->primitive != NULL)
    g_object_unref (m->primitive);
  g_object_unref (m->companion);
  for (guint i = 0; i < m->n_modes; i++)
    g_object_unref (m->modes[i]);
  g_clear_object (&m->probe);

  for (guint i = 0; i < n_weak; i++)
    if (weak[i] != NULL)
      model_fail (m, "finish: object %u (%s) outlived every reference the test had",
                  i, G_OBJECT_TYPE_NAME (weak[i]));

  for (guint ctx = 0; ctx < N_CONTEXTS; ctx++)
    g_main_context_unref (m->contexts[ctx]);

  g_ptr_array_unref (m->live);
  g_ptr_array_unref (m->retained);
  g_ptr_array_unref (m->zombies);
  while (m->graveyard->len > 0)
    req_really_free (g_ptr_array_steal_index (m->graveyard, m->graveyard->len - 1));
  cancel_drop_unused (m);
  g_ptr_array_unref (m->graveyard);
  g_ptr_array_unref (m->unused);
  g_ptr_array_unref (m->cancels);
  g_array_unref (m->tokens);
  g_array_unref (m->observed);
  g_array_unref (m->item_info);
  g_array_unref (m->owed);
  g_array_unref (m->freed);
  if (queue_model == m)
    queue_model = NULL;
  g_free (m->last_critical);
  g_free (m->replay_hint);
  g_free (m);
}
