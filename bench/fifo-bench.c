/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmarks: figures, not tests. Each scenario prints the median ns per
 * operation over several repetitions and, where there is one, the ratio
 * against a baseline measured in the same run:
 *
 *  - GLib's GMutex, the floor of an uncontended lock;
 *  - a plain GTask mutex, what a GLib developer writes by hand today;
 *  - CPython's asyncio.Lock and asyncio.Semaphore (bench/asyncio-baseline.py,
 *    run with the Python given by --python).
 *
 * Usage: fifo-bench [--quick] [--only SUBSTRING] [--subject SUBSTRING]
 *                   [--size N] [--repetitions R] [--python PATH] [--scripts DIR]
 *
 * --size restricts the chains of scenarios 3 and 9 to N waiters: with
 * --repetitions 1, under callgrind (bench/callgrind.sh), a run counts the
 * instructions of one chain.
 */
#define _POSIX_C_SOURCE 200809L

#include <fifolock-glib/fifolock.h>

#include "floor-mutex.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static gboolean quick;
static const char *only;
static const char *subject_filter;  /* --subject: only matching subjects */
static const char *python_path = "/usr/bin/python3";
static const char *scripts_dir = ".";
static guint repetitions = 5;
static guint only_size;             /* --size: the chains' one size */

static gboolean
wanted (const char *scenario)
{
  return only == NULL || strstr (scenario, only) != NULL;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Runs @fn @repetitions times and returns the median ns per operation. */
typedef double (*Measure) (gpointer data);

static double
median_of (Measure  fn,
           gpointer data)
{
  double results[16];

  if (subject_filter != NULL && data != NULL &&
      strstr (((const char * const *) data)[0], subject_filter) == NULL)
    return 1;

  for (guint i = 0; i < repetitions; i++)
    results[i] = fn (data);
  qsort (results, repetitions, sizeof results[0], compare_doubles);
  return results[repetitions / 2];
}

/* Prints a figure; with a baseline, how many times faster than it (or,
 * for a floor such as GMutex, how many times its cost). */
static void
report_full (const char *scenario,
             const char *subject,
             double      ns,
             double      baseline_ns,
             const char *baseline,
             gboolean    as_cost)
{
  if (baseline != NULL && baseline_ns > 0 && as_cost)
    g_print ("%-36s %-30s %10.1f ns/op   %6.2fx the cost of %s\n",
             scenario, subject, ns, ns / baseline_ns, baseline);
  else if (baseline != NULL && baseline_ns > 0 && baseline_ns >= ns)
    g_print ("%-36s %-30s %10.1f ns/op   %6.2fx faster than %s\n",
             scenario, subject, ns, baseline_ns / ns, baseline);
  else if (baseline != NULL && baseline_ns > 0)
    g_print ("%-36s %-30s %10.1f ns/op   %6.2fx slower than %s\n",
             scenario, subject, ns, ns / baseline_ns, baseline);
  else
    g_print ("%-36s %-30s %10.1f ns/op\n", scenario, subject, ns);
}

static void
report (const char *scenario,
        const char *subject,
        double      ns,
        double      baseline_ns,
        const char *baseline)
{
  report_full (scenario, subject, ns, baseline_ns, baseline, FALSE);
}

static double
elapsed_ns (gint64 start_us,
            guint64 ops)
{
  return (g_get_monotonic_time () - start_us) * 1000.0 / ops;
}

/* Many operations, and a clock with microsecond resolution. */
#define NOW() g_get_monotonic_time ()

/* ---- the GTask mutex baseline (what people write by hand) ---------------- */

typedef struct
{
  GObject  parent_instance;
  gboolean locked;
  GQueue   waiters;
} TaskMutex;

typedef GObjectClass TaskMutexClass;
static GType task_mutex_get_type (void);
G_DEFINE_TYPE (TaskMutex, task_mutex, G_TYPE_OBJECT)
static void task_mutex_class_init (TaskMutexClass *klass) { }
static void task_mutex_init (TaskMutex *self) { g_queue_init (&self->waiters); }

static void
task_mutex_acquire_async (TaskMutex           *self,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  if (!self->locked)
    {
      self->locked = TRUE;
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  else
    g_queue_push_tail (&self->waiters, task);
}

static gboolean
task_mutex_acquire_finish (TaskMutex    *self,
                           GAsyncResult *result)
{
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

static void
task_mutex_release (TaskMutex *self)
{
  GTask *next = g_queue_pop_head (&self->waiters);

  if (next == NULL)
    {
      self->locked = FALSE;
      return;
    }
  g_task_return_boolean (next, TRUE);  /* may call back right here */
  g_object_unref (next);
}

/* ---- a generic "lockable" for the scenarios -------------------------------- */

typedef struct
{
  const char *name;
  gpointer  (*create)         (void);
  void      (*acquire_async)  (gpointer self, GAsyncReadyCallback cb, gpointer data);
  gboolean  (*acquire_finish) (gpointer self, GAsyncResult *result);
  void      (*release)        (gpointer self);
  gboolean  (*try_acquire)    (gpointer self);
} Lockable;

static FifoLockMode *exclusive_mode;
static FifoLockMode *shared_mode;

static gpointer lock_create (void) { return fifo_lock_new (); }
static void lock_acquire_async (gpointer self, GAsyncReadyCallback cb, gpointer data)
{ fifo_lock_acquire_async (self, exclusive_mode, NULL, cb, data); }
static gboolean lock_acquire_finish (gpointer self, GAsyncResult *result)
{ return fifo_lock_acquire_finish (self, result, NULL); }
static void lock_release (gpointer self) { fifo_lock_release (self, exclusive_mode); }
static gboolean lock_try_acquire (gpointer self) { return fifo_lock_try_acquire (self, exclusive_mode); }

static gpointer mutex_create (void) { return fifo_mutex_new (); }
static void mutex_acquire_async (gpointer self, GAsyncReadyCallback cb, gpointer data)
{ fifo_mutex_acquire_async (self, NULL, cb, data); }
static gboolean mutex_acquire_finish (gpointer self, GAsyncResult *result)
{ return fifo_mutex_acquire_finish (self, result, NULL); }
static void mutex_release (gpointer self) { fifo_mutex_release (self); }
static gboolean mutex_try_acquire (gpointer self) { return fifo_mutex_try_acquire (self); }

static gpointer semaphore_create (void) { return fifo_semaphore_new (1); }
static void semaphore_acquire_async (gpointer self, GAsyncReadyCallback cb, gpointer data)
{ fifo_semaphore_acquire_async (self, NULL, cb, data); }
static gboolean semaphore_acquire_finish (gpointer self, GAsyncResult *result)
{ return fifo_semaphore_acquire_finish (self, result, NULL); }
static void semaphore_release (gpointer self) { fifo_semaphore_release (self); }

static gpointer task_mutex_create (void) { return g_object_new (task_mutex_get_type (), NULL); }

static gpointer floor_create (void) { return floor_mutex_new (); }
static void floor_acquire_async (gpointer self, GAsyncReadyCallback cb, gpointer data)
{ floor_mutex_acquire_async (self, cb, data); }
static gboolean floor_acquire_finish (gpointer self, GAsyncResult *result)
{ return floor_mutex_acquire_finish (self, result); }
static void floor_release (gpointer self) { floor_mutex_release (self); }

static const Lockable fifo_lock_ops = {
  "FifoLock (exclusive mode)", lock_create, lock_acquire_async, lock_acquire_finish,
  lock_release, lock_try_acquire,
};
static const Lockable fifo_mutex_ops = {
  "FifoMutex", mutex_create, mutex_acquire_async, mutex_acquire_finish,
  mutex_release, mutex_try_acquire,
};
static const Lockable fifo_semaphore_ops = {
  "FifoSemaphore (1)", semaphore_create, semaphore_acquire_async, semaphore_acquire_finish,
  semaphore_release, NULL,
};
static const Lockable floor_ops = {
  "floor (minimal async mutex)", floor_create, floor_acquire_async, floor_acquire_finish,
  floor_release, NULL,
};
static const Lockable task_mutex_ops = {
  "GTask mutex (baseline)", task_mutex_create, (gpointer) task_mutex_acquire_async,
  (gpointer) task_mutex_acquire_finish, (gpointer) task_mutex_release, NULL,
};

/* ---- 1. uncontended try_acquire + release ----------------------------------- */

static double
measure_try (gpointer data)
{
  const Lockable *ops = data;
  gpointer self = ops->create ();
  guint64 n = quick ? 200000 : 5000000;
  gint64 start = NOW ();

  for (guint64 i = 0; i < n; i++)
    {
      if (G_UNLIKELY (!ops->try_acquire (self)))
        g_error ("try_acquire failed");
      ops->release (self);
    }

  double ns = elapsed_ns (start, n);
  g_object_unref (self);
  return ns;
}

static double
measure_gmutex (gpointer data)
{
  GMutex mutex;
  guint64 n = quick ? 200000 : 5000000;
  gint64 start;

  g_mutex_init (&mutex);
  start = NOW ();
  for (guint64 i = 0; i < n; i++)
    {
      g_mutex_lock (&mutex);
      g_mutex_unlock (&mutex);
    }
  double ns = elapsed_ns (start, n);
  g_mutex_clear (&mutex);
  return ns;
}

static void
scenario_uncontended_try (void)
{
  const char *name = "1 uncontended try+release";
  double floor_ns;

  if (!wanted (name))
    return;

  floor_ns = median_of (measure_gmutex, NULL);
  report (name, "GMutex lock+unlock (baseline)", floor_ns, 0, NULL);
  report_full (name, fifo_lock_ops.name, median_of (measure_try, (gpointer) &fifo_lock_ops),
               floor_ns, "GMutex", TRUE);
  report_full (name, fifo_mutex_ops.name, median_of (measure_try, (gpointer) &fifo_mutex_ops),
               floor_ns, "GMutex", TRUE);
}

/* ---- 2. uncontended acquire_async -> callback -> release ------------------- */

typedef struct
{
  const Lockable *ops;
  gpointer        self;
  gboolean        acquired;
} Uncontended;

static void
uncontended_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Uncontended *u = data;

  u->ops->acquire_finish (u->self, result);
  u->acquired = TRUE;
}

static double
measure_uncontended_async (gpointer data)
{
  Uncontended u = { data, ((const Lockable *) data)->create (), FALSE };
  GMainContext *context = g_main_context_default ();
  guint64 n = quick ? 20000 : 500000;
  gint64 start = NOW ();

  for (guint64 i = 0; i < n; i++)
    {
      u.acquired = FALSE;
      u.ops->acquire_async (u.self, uncontended_cb, &u);
      while (!u.acquired)
        g_main_context_iteration (context, TRUE);
      u.ops->release (u.self);
    }

  double ns = elapsed_ns (start, n);
  g_object_unref (u.self);
  return ns;
}

/* The floor of a round trip: one main-context iteration that dispatches
 * one ready source, which does nothing. A callback that runs in a later
 * iteration cannot cost less. */
static gboolean
always_ready (GSource *source,
              gint    *timeout)
{
  *timeout = 0;
  return TRUE;
}

static gboolean
dispatch_nothing (GSource     *source,
                  GSourceFunc  callback,
                  gpointer     user_data)
{
  (*(guint64 *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static double
measure_bare_iteration (gpointer data)
{
  static GSourceFuncs funcs = { always_ready, NULL, NULL, NULL, NULL, NULL };
  GMainContext *context = g_main_context_default ();
  GSource *source;
  guint64 n = quick ? 20000 : 500000, dispatched = 0;
  gint64 start;

  funcs.dispatch = dispatch_nothing;
  source = g_source_new (&funcs, sizeof (GSource));
  g_source_set_callback (source, NULL, &dispatched, NULL);
  /* GSource passes the callback's data to dispatch() through user_data. */
  g_source_attach (source, context);
  start = NOW ();
  for (guint64 i = 0; i < n; i++)
    g_main_context_iteration (context, TRUE);
  double ns = elapsed_ns (start, n);
  g_source_destroy (source);
  g_source_unref (source);
  if (dispatched != n)
    g_error ("the bare iteration dispatched %" G_GUINT64_FORMAT " times, not %" G_GUINT64_FORMAT,
             dispatched, n);
  return ns;
}

static void
scenario_uncontended_async (void)
{
  const char *name = "2 uncontended async round trip";
  double base, floor_ns;

  if (!wanted (name))
    return;

  floor_ns = median_of (measure_bare_iteration, NULL);
  report (name, "one bare main-context iteration (floor)", floor_ns, 0, NULL);
  base = median_of (measure_uncontended_async, (gpointer) &task_mutex_ops);
  report (name, task_mutex_ops.name, base, 0, NULL);
  for (guint i = 0; i < 2; i++)
    {
      const Lockable *ops = i == 0 ? &fifo_lock_ops : &fifo_mutex_ops;
      double ns = median_of (measure_uncontended_async, (gpointer) ops);

      report_full (name, ops->name, ns, floor_ns, "the floor", TRUE);
      report (name, "", ns, base, "GTask");
    }
}

/* ---- 3. contended hand-off chain ------------------------------------------------ */

typedef struct
{
  const Lockable *ops;
  gpointer        self;
  guint           n_waiters;
  guint64         handoffs_left;
  guint           outstanding;
} Chain;

static void
chain_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Chain *chain = data;

  chain->ops->acquire_finish (chain->self, result);
  chain->ops->release (chain->self);
  if (chain->handoffs_left > 0)
    {
      chain->handoffs_left--;
      chain->ops->acquire_async (chain->self, chain_cb, chain);
    }
  else
    chain->outstanding--;
}

static guint64
chain_total (guint n_waiters)
{
  guint64 total = quick ? 100000 : 2000000;

  return MAX (total, (guint64) n_waiters * 2);
}

/* The GTask baseline recurses once per waiter (release returns the next
 * task, whose callback releases…): it needs a stack far beyond the default
 * to survive a million waiters, so all chains run on a big one. */
typedef struct
{
  Chain  chain;
  double ns;
} ChainRun;

static gpointer
chain_thread (gpointer data)
{
  ChainRun *run = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  /* measure_chain iterates the default context: use this one instead. */
  {
    Chain *chain = &run->chain;
    guint64 total = chain_total (chain->n_waiters);
    double results[16];

    for (guint r = 0; r < repetitions; r++)
      {
        gint64 start;

        chain->self = chain->ops->create ();
        chain->handoffs_left = total - chain->n_waiters;
        chain->outstanding = chain->n_waiters;
        start = NOW ();
        for (guint i = 0; i < chain->n_waiters; i++)
          chain->ops->acquire_async (chain->self, chain_cb, chain);
        while (chain->outstanding > 0)
          g_main_context_iteration (context, TRUE);
        results[r] = elapsed_ns (start, total);
        g_object_unref (chain->self);
      }
    qsort (results, repetitions, sizeof results[0], compare_doubles);
    run->ns = results[repetitions / 2];
  }
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static double
run_chain_on_big_stack (const Lockable *ops,
                        guint           n_waiters)
{
  ChainRun run = { { ops, NULL, n_waiters, 0, 0 }, 0 };
  pthread_attr_t attr;
  pthread_t thread;

  if (subject_filter != NULL && strstr (ops->name, subject_filter) == NULL)
    return 1;

  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, (size_t) 2 << 30);
  if (pthread_create (&thread, &attr, chain_thread, &run) != 0)
    g_error ("cannot create a thread with a 2 GiB stack");
  pthread_join (thread, NULL);
  pthread_attr_destroy (&attr);
  return run.ns;
}

/* Runs a Python script that prints "<label> <ns>" lines; returns them. */
static GHashTable *
run_python (const char *script,
            const char *args)
{
  g_autofree char *command = g_strdup_printf ("%s %s/%s %s%s", python_path, scripts_dir, script,
                                              quick ? "--quick " : "", args);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status;

  if (!g_spawn_command_line_sync (command, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_print ("    (%s failed: %s)\n", command, error ? error->message : "exit status");
      return results;
    }

  for (char **line = g_strsplit (out, "\n", -1), **l = line; *l != NULL || (g_strfreev (line), FALSE); l++)
    {
      char *space = strrchr (*l, ' ');
      if (space != NULL)
        g_hash_table_insert (results, g_strndup (*l, space - *l), g_strdup (space + 1));
    }
  return results;
}

static double
python_result (GHashTable *results,
               const char *key)
{
  const char *value = g_hash_table_lookup (results, key);

  return value != NULL ? g_ascii_strtod (value, NULL) : 0;
}

static void
scenario_chain (void)
{
  const char *name = "3 hand-off chain";
  const guint sizes[] = { 1, 10, 1000, 100000, 1000000 };
  g_autoptr(GString) sizes_arg = g_string_new (NULL);
  g_autoptr(GHashTable) asyncio = NULL;

  if (!wanted (name))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_string_append_printf (sizes_arg, "%s%u", i ? "," : "", quick ? MIN (sizes[i], 100000) : sizes[i]);
  asyncio = run_python ("asyncio-baseline.py", g_strdup_printf ("chain %s", sizes_arg->str));

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      guint n = quick ? MIN (sizes[i], 100000) : sizes[i];
      g_autofree char *label = NULL;

      if (only_size != 0 && n != only_size)
        continue;
      label = g_strdup_printf ("%s N=%u", name, n);
      g_autofree char *lock_key = g_strdup_printf ("lock %u", n);
      g_autofree char *sem_key = g_strdup_printf ("semaphore %u", n);
      double gtask = run_chain_on_big_stack (&task_mutex_ops, n);
      double asyncio_lock = python_result (asyncio, lock_key);
      double asyncio_sem = python_result (asyncio, sem_key);
      double ns;

      double floor_ns = run_chain_on_big_stack (&floor_ops, n);

      report (label, floor_ops.name, floor_ns, 0, NULL);
      report (label, task_mutex_ops.name, gtask, 0, NULL);
      if (asyncio_lock > 0)
        report (label, "asyncio.Lock (baseline)", asyncio_lock, 0, NULL);
      if (asyncio_sem > 0)
        report (label, "asyncio.Semaphore (baseline)", asyncio_sem, 0, NULL);

      ns = run_chain_on_big_stack (&fifo_lock_ops, n);
      report_full (label, fifo_lock_ops.name, ns, floor_ns, "the floor", TRUE);
      report (label, "", ns, gtask, "GTask");
      ns = run_chain_on_big_stack (&fifo_mutex_ops, n);
      report_full (label, fifo_mutex_ops.name, ns, floor_ns, "the floor", TRUE);
      report (label, "", ns, gtask, "GTask");
      if (asyncio_lock > 0)
        report (label, "", ns, asyncio_lock, "asyncio.Lock");
      ns = run_chain_on_big_stack (&fifo_semaphore_ops, n);
      report_full (label, fifo_semaphore_ops.name, ns, floor_ns, "the floor", TRUE);
      report (label, "", ns, gtask, "GTask");
      if (asyncio_sem > 0)
        report (label, "", ns, asyncio_sem, "asyncio.Semaphore");
    }
}


/* ---- 4. read/write mix: 90 % shared ------------------------------------------ */

typedef struct
{
  FifoLock *lock;
  guint64   ops_left;
  guint     outstanding;
  guint     counter;
} Mix;

typedef struct
{
  Mix          *mix;
  FifoLockMode *mode;
} MixWaiter;

static void mix_cb (GObject *source, GAsyncResult *result, gpointer data);

static void
mix_next (MixWaiter *w)
{
  Mix *mix = w->mix;

  if (mix->ops_left == 0)
    {
      mix->outstanding--;
      return;
    }
  mix->ops_left--;
  /* Every tenth request writes. */
  w->mode = (++mix->counter % 10 == 0) ? exclusive_mode : shared_mode;
  fifo_lock_acquire_async (mix->lock, w->mode, NULL, mix_cb, w);
}

static void
mix_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  MixWaiter *w = data;

  fifo_lock_acquire_finish (w->mix->lock, result, NULL);
  fifo_lock_release (w->mix->lock, w->mode);
  mix_next (w);
}

static double
measure_mix (gpointer data)
{
  guint n = 1000;
  guint64 total = quick ? 100000 : 2000000;
  Mix mix = { fifo_lock_new (), total, n, 0 };
  MixWaiter *waiters = g_new0 (MixWaiter, n);
  gint64 start = NOW ();

  for (guint i = 0; i < n; i++)
    {
      waiters[i].mix = &mix;
      mix_next (&waiters[i]);
    }
  while (mix.outstanding > 0)
    g_main_context_iteration (NULL, TRUE);

  double ns = elapsed_ns (start, total);
  g_free (waiters);
  g_object_unref (mix.lock);
  return ns;
}

static void
scenario_mix (void)
{
  const char *name = "4 read/write mix (90% shared)";
  g_autoptr(GHashTable) python = NULL;
  double exclusive;

  if (!wanted (name))
    return;

  exclusive = run_chain_on_big_stack (&fifo_lock_ops, 1000);
  report (name, "FifoLock all exclusive, N=1000", exclusive, 0, NULL);
  report (name, "FifoLock 90% shared, N=1000", median_of (measure_mix, NULL), 0, NULL);

  python = run_python ("python-mode.py", "");
  if (python_result (python, "builtin") > 0)
    {
      report (name, "PyGObject, built-in mode", python_result (python, "builtin"), 0, NULL);
      report_full (name, "PyGObject, mode in Python", python_result (python, "python"),
                   python_result (python, "builtin"), "the built-in mode", TRUE);
    }
}

/* ---- 5. waking many: FifoEvent set, FifoCondition notify_all ------------------ */

typedef struct
{
  guint       left;
  FifoMutex  *mutex;
} Wakes;

static void
event_woken_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Wakes *wakes = data;

  fifo_event_wait_finish (FIFO_EVENT (source), result, NULL);
  wakes->left--;
}

static double
measure_event (gpointer data)
{
  guint n = GPOINTER_TO_UINT (data);
  g_autoptr(FifoEvent) event = fifo_event_new ();
  Wakes wakes = { n, NULL };
  gint64 start;

  for (guint i = 0; i < n; i++)
    fifo_event_wait_async (event, NULL, event_woken_cb, &wakes);
  start = NOW ();
  fifo_event_set (event);
  while (wakes.left > 0)
    g_main_context_iteration (NULL, TRUE);
  return elapsed_ns (start, n);
}

static void
condition_woken_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  Wakes *wakes = data;

  fifo_condition_wait_finish (FIFO_CONDITION (source), result, NULL);
  fifo_mutex_release (wakes->mutex);  /* each re-acquired it: pass it on */
  wakes->left--;
}

static double
measure_condition (gpointer data)
{
  guint n = GPOINTER_TO_UINT (data);
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  Wakes wakes = { n, fifo_condition_get_mutex (condition) };
  gint64 start;

  for (guint i = 0; i < n; i++)
    {
      fifo_mutex_try_acquire (wakes.mutex);
      fifo_condition_wait_async (condition, NULL, condition_woken_cb, &wakes);
    }
  start = NOW ();
  fifo_mutex_try_acquire (wakes.mutex);
  fifo_condition_notify_all (condition);
  fifo_mutex_release (wakes.mutex);
  while (wakes.left > 0)
    g_main_context_iteration (NULL, TRUE);
  return elapsed_ns (start, n);
}

static void
scenario_wake_many (void)
{
  const char *name = "5 wake N";
  const guint sizes[] = { 1000, 100000 };

  if (!wanted (name))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *label = g_strdup_printf ("%s=%u", name, sizes[i]);

      report (label, "FifoEvent set, per waiter", median_of (measure_event, GUINT_TO_POINTER (sizes[i])), 0, NULL);
      report (label, "FifoCondition notify_all", median_of (measure_condition, GUINT_TO_POINTER (sizes[i])), 0, NULL);
    }
}

/* ---- 6. cancellation of N queued waiters -------------------------------------- */

typedef enum { IN_QUEUE_ORDER, IN_REVERSE, AT_RANDOM } CancelOrder;
static const char *order_names[] = { "queue", "reverse", "random" };

typedef struct
{
  guint       n;
  CancelOrder order;
} CancelRun;

static void
cancelled_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, NULL);
  (*(guint *) data)--;
}

/* The cost of cancelling one waiter among N: cancel them all, then let
 * their (failing) callbacks run. */
static double
measure_cancel (gpointer data)
{
  CancelRun *run = data;
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  GCancellable **cancellables = g_new (GCancellable *, run->n);
  guint left = run->n;
  gint64 start;
  double ns;

  fifo_mutex_try_acquire (mutex);
  for (guint i = 0; i < run->n; i++)
    {
      cancellables[i] = g_cancellable_new ();
      fifo_mutex_acquire_async (mutex, cancellables[i], cancelled_cb, &left);
    }
  if (run->order == IN_REVERSE)
    for (guint i = 0; i < run->n / 2; i++)
      {
        GCancellable *swap = cancellables[i];
        cancellables[i] = cancellables[run->n - 1 - i];
        cancellables[run->n - 1 - i] = swap;
      }
  else if (run->order == AT_RANDOM)
    {
      GRand *rand = g_rand_new_with_seed (42);
      for (guint i = run->n - 1; i > 0; i--)
        {
          guint j = g_rand_int_range (rand, 0, i + 1);
          GCancellable *swap = cancellables[i];
          cancellables[i] = cancellables[j];
          cancellables[j] = swap;
        }
      g_rand_free (rand);
    }

  start = NOW ();
  for (guint i = 0; i < run->n; i++)
    g_cancellable_cancel (cancellables[i]);
  while (left > 0)
    g_main_context_iteration (NULL, TRUE);
  ns = elapsed_ns (start, run->n);

  for (guint i = 0; i < run->n; i++)
    g_object_unref (cancellables[i]);
  g_free (cancellables);
  fifo_mutex_release (mutex);
  return ns;
}

static void
noop_cancelled (GCancellable *cancellable,
                gpointer      data)
{
  (*(guint *) data)++;
}

/* GLib's own share of a cancellation: connect a no-op handler to each of
 * N cancellables, cancel them in the same order, disconnect them. Its cost
 * per cancellable grows with N (GSignal's global handler tables), and so
 * does ours on top of it. */
static double
measure_gcancellable (gpointer data)
{
  CancelRun *run = data;
  GCancellable **cancellables = g_new (GCancellable *, run->n);
  gulong *ids = g_new (gulong, run->n);
  guint *order = g_new (guint, run->n);
  guint cancelled = 0;
  gint64 start;
  double ns;

  for (guint i = 0; i < run->n; i++)
    {
      cancellables[i] = g_cancellable_new ();
      ids[i] = g_cancellable_connect (cancellables[i], G_CALLBACK (noop_cancelled), &cancelled, NULL);
      order[i] = run->order == IN_REVERSE ? run->n - 1 - i : i;
    }
  if (run->order == AT_RANDOM)
    {
      GRand *rand = g_rand_new_with_seed (42);
      for (guint i = run->n - 1; i > 0; i--)
        {
          guint j = g_rand_int_range (rand, 0, i + 1), swap = order[i];
          order[i] = order[j];
          order[j] = swap;
        }
      g_rand_free (rand);
    }

  start = NOW ();
  for (guint i = 0; i < run->n; i++)
    g_cancellable_cancel (cancellables[order[i]]);
  for (guint i = 0; i < run->n; i++)
    g_cancellable_disconnect (cancellables[order[i]], ids[order[i]]);
  ns = elapsed_ns (start, run->n);

  g_assert (cancelled == run->n);
  for (guint i = 0; i < run->n; i++)
    g_object_unref (cancellables[i]);
  g_free (cancellables);
  g_free (ids);
  g_free (order);
  return ns;
}

static void
scenario_cancel (void)
{
  const char *name = "6 cancel N";
  const guint sizes[] = { 1000, 10000, 100000, 1000000 };
  g_autoptr(GString) sizes_arg = g_string_new (NULL);
  g_autoptr(GHashTable) asyncio = NULL;

  if (!wanted (name))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_string_append_printf (sizes_arg, "%s%u", i ? "," : "", quick ? MIN (sizes[i], 10000) : sizes[i]);
  asyncio = run_python ("asyncio-baseline.py", g_strdup_printf ("cancel %s", sizes_arg->str));

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (CancelOrder order = IN_QUEUE_ORDER; order <= AT_RANDOM; order++)
      {
        guint n = quick ? MIN (sizes[i], 10000) : sizes[i];
        CancelRun run = { n, order };
        g_autofree char *label = g_strdup_printf ("%s=%u, %s order", name, n, order_names[order]);
        g_autofree char *key = g_strdup_printf ("cancel %s %u", order_names[order], n);
        double asyncio_ns = python_result (asyncio, key);

        double glib_ns = median_of (measure_gcancellable, &run);
        double ns = median_of (measure_cancel, &run);

        if (asyncio_ns > 0)
          report (label, "asyncio.Lock (baseline)", asyncio_ns, 0, NULL);
        else if (g_hash_table_size (asyncio) > 0)
          g_print ("%-36s %-30s   (skipped: O(n^2) in asyncio)\n", label, "asyncio.Lock (baseline)");
        report (label, "GCancellable alone (GLib)", glib_ns, 0, NULL);
        report (label, "FifoMutex", ns, asyncio_ns, asyncio_ns > 0 ? "asyncio.Lock" : NULL);
        report (label, "FifoMutex minus GLib's share", ns - glib_ns, 0, NULL);
      }
}

/* ---- 7. hand-off between two threads ------------------------------------------ */

static GMutex start_lock;

/* Both players must be queued before the clock starts, or the first to
 * start runs alone, without a single cross-thread hand-off; the clock stops
 * when the first finishes, for the same reason. */
typedef struct
{
  FifoMutex *mutex;
  guint64    rounds;
  gint       requested;   /* atomic */
  gint       finished;    /* atomic */
  gint64     start;
  gint64     end;
  gint64     ops_at_end;
} PingPong;

typedef struct
{
  PingPong *pp;
  guint64   done;
  gpointer  other;
} Player;

static void
player_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Player *player = data;
  PingPong *pp = player->pp;

  fifo_mutex_acquire_finish (pp->mutex, result, NULL);
  player->done++;
  fifo_mutex_release (pp->mutex);
  if (player->done < pp->rounds)
    fifo_mutex_acquire_async (pp->mutex, NULL, player_cb, player);
  else if (g_atomic_int_add (&pp->finished, 1) == 0)
    {
      pp->end = NOW ();
      pp->ops_at_end = player->done + ((Player *) player->other)->done;
    }
}

static gpointer
player_thread (gpointer data)
{
  Player *player = data;
  PingPong *pp = player->pp;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  g_mutex_lock (&start_lock);  /* the main thread holds it until both are ready */
  g_mutex_unlock (&start_lock);
  fifo_mutex_acquire_async (pp->mutex, NULL, player_cb, player);
  g_atomic_int_inc (&pp->requested);
  while (player->done < pp->rounds)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static double
measure_two_threads (gpointer data)
{
  PingPong pp = { fifo_mutex_new (), quick ? 2000 : 20000 };
  Player players[2] = { { &pp, 0, NULL }, { &pp, 0, NULL } };
  GThread *threads[2];

  players[0].other = (gpointer) &players[1];
  players[1].other = (gpointer) &players[0];

  /* Hold the first grant until both have asked: then they alternate. */
  fifo_mutex_try_acquire (pp.mutex);
  g_mutex_lock (&start_lock);
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("player", player_thread, &players[i]);
  g_mutex_unlock (&start_lock);
  while (g_atomic_int_get (&pp.requested) < 2)
    g_thread_yield ();
  pp.start = NOW ();
  fifo_mutex_release (pp.mutex);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);

  double ns = (pp.end - pp.start) * 1000.0 / pp.ops_at_end;
  g_object_unref (pp.mutex);
  return ns;
}

typedef struct
{
  GMutex   mutex;
  GCond    cond;
  guint    turn;
  guint64  rounds;
} CondPingPong;

typedef struct
{
  CondPingPong *pp;
  guint         me;
} CondPlayer;

static gpointer
cond_player_thread (gpointer data)
{
  CondPlayer *player = data;
  CondPingPong *pp = player->pp;

  g_mutex_lock (&pp->mutex);
  for (guint64 i = 0; i < pp->rounds; i++)
    {
      while (pp->turn != player->me)
        g_cond_wait (&pp->cond, &pp->mutex);
      pp->turn = 1 - player->me;
      g_cond_signal (&pp->cond);
    }
  g_mutex_unlock (&pp->mutex);
  return NULL;
}

static double
measure_gcond_pingpong (gpointer data)
{
  CondPingPong pp = { .turn = 0, .rounds = quick ? 2000 : 20000 };
  CondPlayer players[2] = { { &pp, 0 }, { &pp, 1 } };
  GThread *threads[2];
  gint64 start;

  g_mutex_init (&pp.mutex);
  g_cond_init (&pp.cond);
  start = NOW ();
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("player", cond_player_thread, &players[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  double ns = elapsed_ns (start, 2 * pp.rounds);
  g_mutex_clear (&pp.mutex);
  g_cond_clear (&pp.cond);
  return ns;
}

static void
scenario_two_threads (void)
{
  const char *name = "7 two threads, own contexts";
  double base;

  if (!wanted (name))
    return;

  base = median_of (measure_gcond_pingpong, NULL);
  report (name, "GMutex+GCond strict alternation", base, 0, NULL);
  report (name, "FifoMutex hand-off", median_of (measure_two_threads, NULL), base, "GMutex+GCond");
}

/* ---- 9. a queue: items from producers to waiting consumers ---------------------- */

/* In one context: N consumers wait in get_async(); each, handed an item,
 * puts one (which goes straight to the next waiting consumer) and gets
 * again — the queue's hand-off chain, beside the mutex's of scenario 3. */
typedef struct
{
  FifoQueue *queue;
  guint64    handoffs_left;
  guint      outstanding;
} QueueChain;

static void
queue_chain_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  QueueChain *chain = data;

  fifo_queue_get_finish (chain->queue, result, NULL);
  if (chain->handoffs_left > 0)
    {
      chain->handoffs_left--;
      fifo_queue_get_async (chain->queue, NULL, queue_chain_cb, chain);
      fifo_queue_try_put (chain->queue, chain);
    }
  else if (--chain->outstanding > 0)
    {
      /* Done: the next one still waiting is handed the end, and so on. */
      fifo_queue_try_put (chain->queue, chain);
    }
}

static double
measure_queue_chain (gpointer data)
{
  guint n_waiters = GPOINTER_TO_UINT (((gpointer *) data)[1]);
  guint64 total = chain_total (n_waiters);
  QueueChain chain = { fifo_queue_new (0, NULL), total - n_waiters, n_waiters };
  gint64 start;

  for (guint i = 0; i < n_waiters; i++)
    fifo_queue_get_async (chain.queue, NULL, queue_chain_cb, &chain);
  start = NOW ();
  fifo_queue_try_put (chain.queue, &chain);  /* the first item starts it */
  while (chain.outstanding > 0)
    g_main_context_iteration (NULL, TRUE);
  double ns = elapsed_ns (start, total);
  g_object_unref (chain.queue);
  return ns;
}

/* Between two threads, each with a context of its own: a producer thread
 * puts with the blocking form, into a bounded queue, while the consumer's
 * main loop gets with the asynchronous one; against GAsyncQueue, whose
 * consumer blocks in g_async_queue_pop(). ns per item. */
typedef struct
{
  FifoQueue   *queue;
  GAsyncQueue *async_queue;
  guint64      n_items;
  guint64      got;
  GMainLoop   *loop;
} Stream;

static gpointer
producer_thread (gpointer data)
{
  Stream *stream = data;

  for (guint64 i = 1; i <= stream->n_items; i++)
    {
      if (stream->queue != NULL)
        fifo_queue_put (stream->queue, GSIZE_TO_POINTER (i), NULL, NULL);
      else
        g_async_queue_push (stream->async_queue, GSIZE_TO_POINTER (i));
    }
  return NULL;
}

static void
stream_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Stream *stream = data;

  fifo_queue_get_finish (stream->queue, result, NULL);
  if (++stream->got < stream->n_items)
    fifo_queue_get_async (stream->queue, NULL, stream_cb, stream);
  else
    g_main_loop_quit (stream->loop);
}

static double
measure_queue_stream (gpointer data)
{
  Stream stream = { fifo_queue_new (1024, NULL), NULL, quick ? 20000 : 500000, 0, NULL };
  GMainContext *context = g_main_context_new ();
  GThread *producer;
  gint64 start;

  g_main_context_push_thread_default (context);
  stream.loop = g_main_loop_new (context, FALSE);
  fifo_queue_get_async (stream.queue, NULL, stream_cb, &stream);
  start = NOW ();
  producer = g_thread_new ("producer", producer_thread, &stream);
  g_main_loop_run (stream.loop);
  g_thread_join (producer);
  double ns = elapsed_ns (start, stream.n_items);
  g_main_loop_unref (stream.loop);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  g_object_unref (stream.queue);
  return ns;
}

static double
measure_async_queue_stream (gpointer data)
{
  Stream stream = { NULL, g_async_queue_new (), quick ? 20000 : 500000, 0, NULL };
  GThread *producer;
  gint64 start = NOW ();

  producer = g_thread_new ("producer", producer_thread, &stream);
  for (guint64 i = 0; i < stream.n_items; i++)
    g_async_queue_pop (stream.async_queue);
  g_thread_join (producer);
  double ns = elapsed_ns (start, stream.n_items);
  g_async_queue_unref (stream.async_queue);
  return ns;
}

static void
scenario_queue (void)
{
  const char *name = "9 queue";
  const guint sizes[] = { 1, 1000, 100000 };
  g_autoptr(GString) sizes_arg = g_string_new (NULL);
  g_autoptr(GHashTable) asyncio = NULL;

  if (!wanted (name))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_string_append_printf (sizes_arg, "%s%u", i ? "," : "", sizes[i]);
  asyncio = run_python ("asyncio-baseline.py", g_strdup_printf ("queue %s", sizes_arg->str));

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      guint n = sizes[i];
      g_autofree char *label = g_strdup_printf ("%s hand-off N=%u", name, n);
      g_autofree char *key = g_strdup_printf ("queue %u", n);
      gpointer queue_data[] = { (gpointer) "FifoQueue", GUINT_TO_POINTER (n) };
      double mutex = run_chain_on_big_stack (&fifo_mutex_ops, n);
      double asyncio_queue = python_result (asyncio, key);
      double ns;

      report_full (label, "FifoMutex hand-off (beside it)", mutex, 0, NULL, FALSE);
      ns = median_of (measure_queue_chain, queue_data);
      report_full (label, "FifoQueue item to a waiting get", ns, mutex, "a FifoMutex hand-off", TRUE);
      if (asyncio_queue > 0)
        report (label, "", ns, asyncio_queue, "asyncio.Queue");
    }

  {
    g_autofree char *label = g_strdup_printf ("%s, two threads", name);
    gpointer async_data[] = { (gpointer) "GAsyncQueue" };
    gpointer queue_data[] = { (gpointer) "FifoQueue" };
    double base = median_of (measure_async_queue_stream, async_data);

    report (label, "GAsyncQueue push/pop (baseline)", base, 0, NULL);
    report (label, "FifoQueue put / get_async", median_of (measure_queue_stream, queue_data),
            base, "GAsyncQueue");
  }
}

static void
ignore_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
}

/* ---- 10. many distinct mode instances held ------------------------------------ */

/* Readers that each bring a mode of their own (natural in Python:
 * `with lock.hold(Read()):`): the cost of one more grant and release with K
 * distinct instances already held, against K = 1, and the release of a
 * writer that lets K queued readers in, per reader. Flat if the holds are
 * counted in O(1). */
typedef struct
{
  guint k;
} Distinct;

static double
measure_distinct_grant (gpointer data)
{
  guint k = ((Distinct *) ((gpointer *) data)[1])->k;
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  FifoLockMode **held = g_new (FifoLockMode *, k);
  FifoLockMode *mine = FIFO_LOCK_MODE (fifo_shared_mode_new ());
  guint64 n = quick ? 20000 : 500000;
  gint64 start;

  for (guint i = 0; i < k; i++)
    {
      held[i] = FIFO_LOCK_MODE (fifo_shared_mode_new ());
      fifo_lock_try_acquire (lock, held[i]);
    }
  start = NOW ();
  for (guint64 i = 0; i < n; i++)
    {
      if (G_UNLIKELY (!fifo_lock_try_acquire (lock, mine)))
        g_error ("a reader was refused");
      fifo_lock_release (lock, mine);
    }
  double ns = elapsed_ns (start, n);
  for (guint i = 0; i < k; i++)
    {
      fifo_lock_release (lock, held[i]);
      g_object_unref (held[i]);
    }
  g_free (held);
  g_object_unref (mine);
  return ns;
}

static double
measure_distinct_release (gpointer data)
{
  guint k = ((Distinct *) ((gpointer *) data)[1])->k;
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  FifoLockMode **readers = g_new (FifoLockMode *, k);
  gint64 start;

  g_assert_true (fifo_lock_try_acquire (lock, exclusive_mode));
  for (guint i = 0; i < k; i++)
    {
      readers[i] = FIFO_LOCK_MODE (fifo_shared_mode_new ());
      fifo_lock_acquire_async (lock, readers[i], NULL, ignore_cb, NULL);
    }
  start = NOW ();
  fifo_lock_release (lock, exclusive_mode);  /* lets all of them in */
  double ns = elapsed_ns (start, k);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  for (guint i = 0; i < k; i++)
    {
      fifo_lock_release (lock, readers[i]);
      g_object_unref (readers[i]);
    }
  g_free (readers);
  return ns;
}

static void
scenario_distinct (void)
{
  const char *name = "10 distinct modes held";
  /* K=1 is the grant's floor; a release of fewer than a thousand readers
   * is too quick for the clock: theirs is K=1000. */
  const guint sizes[] = { 1, 1000, 5000, 40000 };
  double base_grant = 0, base_release = 0;

  if (!wanted (name))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      Distinct d = { sizes[i] };
      gpointer grant_data[] = { (gpointer) "FifoLock", &d };
      g_autofree char *label = g_strdup_printf ("%s K=%u", name, sizes[i]);
      double grant = median_of (measure_distinct_grant, grant_data);

      if (i == 0)
        base_grant = grant;
      report_full (label, "one more reader: try+release", grant, i > 0 ? base_grant : 0,
                   "K=1", TRUE);
      if (sizes[i] >= 1000)
        {
          double release = median_of (measure_distinct_release, grant_data);

          if (sizes[i] == 1000)
            base_release = release;
          report_full (label, "a release lets K readers in", release,
                       sizes[i] > 1000 ? base_release : 0, "K=1000", TRUE);
        }
    }
}

/* ---- 8. memory per queued waiter ------------------------------------------------ */

static gsize
resident_bytes (void)
{
#ifdef __linux__
  g_autofree char *statm = NULL;
  unsigned long size = 0, resident = 0;

  if (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) &&
      sscanf (statm, "%lu %lu", &size, &resident) == 2)
    return (gsize) resident * (gsize) sysconf (_SC_PAGESIZE);
#endif
  return 0;
}


static const char *self_path;

/* Each subject in a fresh process: memory freed earlier in this one would
 * be reused and hide the growth. */
static void
scenario_memory (void)
{
  const char *name = "8 memory per queued waiter";

  if (!wanted (name))
    return;
  if (resident_bytes () == 0)
    {
      g_print ("%-36s (needs /proc/self/statm)\n", name);
      return;
    }

  for (guint i = 0; i < 4; i++)
    {
      static const char *subjects[] = { "fifo", "gtask", "getter", "item" };
      static const char *labels[] = {
        "FifoMutex", "GTask mutex (baseline)", "FifoQueue waiting get", "FifoQueue queued item",
      };
      g_autofree char *command = g_strdup_printf ("%s --memory %s%s", self_path, subjects[i],
                                                  quick ? " --quick" : "");
      g_autofree char *out = NULL;

      if (g_spawn_command_line_sync (command, &out, NULL, NULL, NULL) && out != NULL)
        g_print ("%-36s %-30s %10s bytes\n", name, labels[i], g_strstrip (out));
    }
}

static void
measure_memory (const char *subject)
{
  guint n = quick ? 100000 : 1000000;
  gsize before, after;

  if (g_str_equal (subject, "fifo"))
  {
    g_autoptr(FifoMutex) mutex = fifo_mutex_new ();

    fifo_mutex_try_acquire (mutex);
    before = resident_bytes ();
    for (guint i = 0; i < n; i++)
      fifo_mutex_acquire_async (mutex, NULL, ignore_cb, NULL);
    after = resident_bytes ();
    g_print ("%.1f\n", (double) (after - before) / n);
    for (guint i = 0; i < n; i++)
      fifo_mutex_release (mutex);
    while (g_main_context_iteration (NULL, FALSE) || fifo_mutex_get_n_waiting (mutex) > 0)
      ;
    fifo_mutex_release (mutex);
    while (g_main_context_iteration (NULL, FALSE))
      ;
  }

  else if (g_str_equal (subject, "getter") || g_str_equal (subject, "item"))
  {
    g_autoptr(FifoQueue) queue = fifo_queue_new (0, NULL);
    gboolean getters = g_str_equal (subject, "getter");

    before = resident_bytes ();
    for (guint i = 0; i < n; i++)
      {
        if (getters)
          fifo_queue_get_async (queue, NULL, ignore_cb, NULL);
        else
          fifo_queue_try_put (queue, GUINT_TO_POINTER (i + 1));
      }
    after = resident_bytes ();
    g_print ("%.1f\n", (double) (after - before) / n);
    fifo_queue_shutdown (queue, TRUE);
    while (g_main_context_iteration (NULL, FALSE))
      ;
  }

  else
  {
    TaskMutex *task_mutex = g_object_new (task_mutex_get_type (), NULL);

    task_mutex->locked = TRUE;
    before = resident_bytes ();
    for (guint i = 0; i < n; i++)
      task_mutex_acquire_async (task_mutex, ignore_cb, NULL);
    after = resident_bytes ();
    g_print ("%.1f\n", (double) (after - before) / n);
    while (!g_queue_is_empty (&task_mutex->waiters))
      g_object_unref (g_queue_pop_head (&task_mutex->waiters));
    g_object_unref (task_mutex);
  }
}

int
main (int    argc,
      char **argv)
{
  const char *memory_subject = NULL;
  guint forced_repetitions = 0;

  self_path = argv[0];
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--memory") && i + 1 < argc)
        memory_subject = argv[++i];
      else if (g_str_equal (argv[i], "--quick"))
        quick = TRUE;
      else if (g_str_equal (argv[i], "--only") && i + 1 < argc)
        only = argv[++i];
      else if (g_str_equal (argv[i], "--subject") && i + 1 < argc)
        subject_filter = argv[++i];
      else if (g_str_equal (argv[i], "--python") && i + 1 < argc)
        python_path = argv[++i];
      else if (g_str_equal (argv[i], "--scripts") && i + 1 < argc)
        scripts_dir = argv[++i];
      else if (g_str_equal (argv[i], "--size") && i + 1 < argc)
        only_size = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--repetitions") && i + 1 < argc)
        forced_repetitions = (guint) g_ascii_strtoull (argv[++i], NULL, 10);
    }
  if (quick)
    repetitions = 3;
  if (forced_repetitions > 0)
    repetitions = MIN (forced_repetitions, 16);

  if (memory_subject != NULL)
    {
      measure_memory (memory_subject);
      return 0;
    }

  exclusive_mode = fifo_exclusive_mode_new ();
  shared_mode = fifo_shared_mode_new ();

  g_print ("fifolock-glib %s benchmarks%s: median of %u runs\n",
           FIFO_VERSION_S, quick ? " (quick)" : "", repetitions);
  /* Tracing changes every figure: say whether it is on, so that runs are
   * compared like with like (docs/debugging.md). */
  g_print ("tracing: FIFO_DEBUG=%s, G_MESSAGES_DEBUG=%s\n\n",
           g_getenv ("FIFO_DEBUG") ? g_getenv ("FIFO_DEBUG") : "(unset)",
           g_getenv ("G_MESSAGES_DEBUG") ? g_getenv ("G_MESSAGES_DEBUG") : "(unset)");

  scenario_uncontended_try ();
  scenario_uncontended_async ();
  scenario_chain ();
  scenario_mix ();
  scenario_wake_many ();
  scenario_cancel ();
  scenario_two_threads ();
  scenario_queue ();
  scenario_distinct ();
  scenario_memory ();

  g_clear_object (&exclusive_mode);
  g_clear_object (&shared_mode);
  return 0;
}
