/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Observability (issue 17): every primitive's name, in its property and its
 * criticals; the debug messages of G_MESSAGES_DEBUG=Fifo, one per request,
 * grant, cancellation, pass-over and release; the warnings of
 * FIFO_DEBUG=slow, once per slow wait or hold; the Sysprof marks, read back
 * from a capture of FIFO_DEBUG=capture=FILE; and nothing at all when none
 * is asked for.
 *
 * The library reads its environment once, when the first primitive class
 * is made: each of those runs in a subprocess of its own, which sets the
 * environment before it makes any primitive.
 */
#include "fifo-test-util.h"

#include <glib/gstdio.h>

#ifdef FIFO_TEST_SYSPROF
# include <unistd.h>
# include <sysprof-capture.h>
#endif

/* ---- Helpers ---------------------------------------------------------------- */

/* Whether this process is the one to set the environment and run: a
 * subprocess, or a run of one test alone (FIFO_TEST_OBSERVE_INLINE, which
 * meson sets so that valgrind sees inside). */
static gboolean
in_child (void)
{
  return g_test_subprocess () || g_getenv ("FIFO_TEST_OBSERVE_INLINE") != NULL;
}


/* One of every primitive. */
static GObject *
make_primitive (guint i)
{
  switch (i)
    {
    case 0: return G_OBJECT (fifo_lock_new ());
    case 1: return G_OBJECT (fifo_mutex_new ());
    case 2: return G_OBJECT (fifo_semaphore_new (1));
    case 3: return G_OBJECT (fifo_event_new ());
    case 4: return G_OBJECT (fifo_condition_new (NULL));
    case 5: return G_OBJECT (fifo_barrier_new (2));
    case 6: return G_OBJECT (fifo_queue_new_for_values (0));
    default: g_assert_not_reached ();
    }
}
#define N_PRIMITIVES 7

/* The typed getters and setters, by type. */
static char *
primitive_get_name (GObject *object)
{
  if (FIFO_IS_LOCK (object))
    return fifo_lock_get_name (FIFO_LOCK (object));
  if (FIFO_IS_MUTEX (object))
    return fifo_mutex_get_name (FIFO_MUTEX (object));
  if (FIFO_IS_SEMAPHORE (object))
    return fifo_semaphore_get_name (FIFO_SEMAPHORE (object));
  if (FIFO_IS_EVENT (object))
    return fifo_event_get_name (FIFO_EVENT (object));
  if (FIFO_IS_CONDITION (object))
    return fifo_condition_get_name (FIFO_CONDITION (object));
  if (FIFO_IS_BARRIER (object))
    return fifo_barrier_get_name (FIFO_BARRIER (object));
  return fifo_queue_get_name (FIFO_QUEUE (object));
}

static void
primitive_set_name (GObject    *object,
                    const char *name)
{
  if (FIFO_IS_LOCK (object))
    fifo_lock_set_name (FIFO_LOCK (object), name);
  else if (FIFO_IS_MUTEX (object))
    fifo_mutex_set_name (FIFO_MUTEX (object), name);
  else if (FIFO_IS_SEMAPHORE (object))
    fifo_semaphore_set_name (FIFO_SEMAPHORE (object), name);
  else if (FIFO_IS_EVENT (object))
    fifo_event_set_name (FIFO_EVENT (object), name);
  else if (FIFO_IS_CONDITION (object))
    fifo_condition_set_name (FIFO_CONDITION (object), name);
  else if (FIFO_IS_BARRIER (object))
    fifo_barrier_set_name (FIFO_BARRIER (object), name);
  else
    fifo_queue_set_name (FIFO_QUEUE (object), name);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* ---- The name property ----------------------------------------------------------- */

static void
test_name_property (void)
{
  for (guint i = 0; i < N_PRIMITIVES; i++)
    {
      g_autoptr(GObject) object = make_primitive (i);
      g_autoptr(GObject) made = NULL;
      g_autofree char *got = NULL;
      g_autofree char *copy = NULL;
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), "name");
      guint notified = 0;

      g_test_message ("%s", G_OBJECT_TYPE_NAME (object));
      g_assert_nonnull (pspec);
      g_assert_true (G_IS_PARAM_SPEC_STRING (pspec));
      g_assert_true ((pspec->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE);
      g_assert_null (G_PARAM_SPEC_STRING (pspec)->default_value);

      /* NULL by default, in both ways of reading it. */
      g_assert_null (primitive_get_name (object));
      g_object_get (object, "name", &got, NULL);
      g_assert_null (got);

      /* Notified on a change only. */
      g_signal_connect (object, "notify::name", G_CALLBACK (count_notify_cb), &notified);
      primitive_set_name (object, "first");
      g_assert_cmpuint (notified, ==, 1);
      primitive_set_name (object, "first");
      g_assert_cmpuint (notified, ==, 1);
      g_object_set (object, "name", "second", NULL);
      g_assert_cmpuint (notified, ==, 2);
      g_object_set (object, "name", "second", NULL);
      g_assert_cmpuint (notified, ==, 2);

      /* A copy, the caller's. */
      copy = primitive_get_name (object);
      g_assert_cmpstr (copy, ==, "second");
      primitive_set_name (object, "third");
      g_assert_cmpstr (copy, ==, "second");
      g_object_get (object, "name", &got, NULL);
      g_assert_cmpstr (got, ==, "third");
      g_clear_pointer (&got, g_free);
      g_assert_cmpuint (notified, ==, 3);

      /* Back to none. */
      primitive_set_name (object, NULL);
      g_assert_cmpuint (notified, ==, 4);
      g_assert_null (primitive_get_name (object));
      primitive_set_name (object, NULL);
      g_assert_cmpuint (notified, ==, 4);

      /* At construction. */
      made = g_object_new (G_OBJECT_TYPE (object), "name", "made", NULL);
      got = primitive_get_name (made);
      g_assert_cmpstr (got, ==, "made");
    }
}

/* Renamed by one thread while another reads and formats it. */
typedef struct
{
  FifoMutex *mutex;
  gint       stop;
} Renamer;

static gpointer
renamer_thread (gpointer data)
{
  Renamer *renamer = data;
  static const char * const names[] = { "alpha", "a much longer name than the first", NULL };

  for (guint i = 0; !g_atomic_int_get (&renamer->stop); i++)
    fifo_mutex_set_name (renamer->mutex, names[i % G_N_ELEMENTS (names)]);
  return NULL;
}

static void
rename_while_used (guint n)
{
  Renamer renamer = { fifo_mutex_new (), FALSE };
  GThread *thread = g_thread_new ("renamer", renamer_thread, &renamer);

  for (guint i = 0; i < n; i++)
    {
      char *name = fifo_mutex_get_name (renamer.mutex);

      g_assert_true (name == NULL || g_str_equal (name, "alpha") ||
                     g_str_has_prefix (name, "a much longer"));
      g_free (name);
      /* With tracing on, these format the name. */
      g_assert_true (fifo_mutex_try_acquire (renamer.mutex));
      fifo_mutex_release (renamer.mutex);
    }

  g_atomic_int_set (&renamer.stop, TRUE);
  g_thread_join (thread);
  g_object_unref (renamer.mutex);
}

static void
test_name_threads (void)
{
  rename_while_used (fifo_test_scale (20000));
}

/* ---- The name in criticals ------------------------------------------------------- */

static void
test_name_in_criticals (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) exclusive = fifo_exclusive_mode_new ();
  g_autoptr(FifoSemaphore) semaphore = fifo_semaphore_new_bounded (1);
  g_autoptr(FifoCondition) condition = fifo_condition_new (NULL);
  g_autoptr(FifoQueue) queue = fifo_queue_new (0, NULL);
  g_autoptr(FifoQueue) values = fifo_queue_new_for_values (0);

  /* Unnamed: the type and the address. */
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*fifo_mutex_release: FifoMutex 0x* is not locked*");
  fifo_mutex_release (mutex);
  g_test_assert_expected_messages ();

  fifo_mutex_set_name (mutex, "db");
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*fifo_mutex_release: FifoMutex “db” is not locked*");
  fifo_mutex_release (mutex);
  g_test_assert_expected_messages ();

  fifo_lock_set_name (lock, "cache");
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL,
                         "*fifo_lock_release: FifoLock “cache” is not held in mode*FifoExclusiveMode*");
  fifo_lock_release (lock, exclusive);
  g_test_assert_expected_messages ();

  fifo_semaphore_set_name (semaphore, "pool");
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL,
                         "*fifo_semaphore_release: bounded FifoSemaphore “pool” released too many times*");
  fifo_semaphore_release (semaphore);
  g_test_assert_expected_messages ();

  fifo_condition_set_name (condition, "ready");
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL,
                         "*fifo_condition_notify: the mutex of FifoCondition “ready” is not held*");
  fifo_condition_notify (condition, 1);
  g_test_assert_expected_messages ();

  fifo_queue_set_name (queue, "jobs");
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL,
                         "*fifo_queue_task_done: called more times than items were put in FifoQueue “jobs”*");
  fifo_queue_task_done (queue);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*FifoQueue “jobs” holds pointers, not GValues*");
  {
    g_auto(GValue) value = G_VALUE_INIT;

    g_value_init (&value, G_TYPE_INT);
    g_assert_false (fifo_queue_try_put_value (queue, &value));
  }
  g_test_assert_expected_messages ();

  fifo_queue_set_name (values, "values");
  g_test_expect_message ("Fifo", G_LOG_LEVEL_CRITICAL, "*FifoQueue “values” holds GValues*");
  g_assert_false (fifo_queue_try_put (values, GUINT_TO_POINTER (1)));
  g_test_assert_expected_messages ();
}

/* ---- Scenarios the debug messages, slow warnings and marks are checked on ----------- */

/* A read/write lock: a reader, then a writer waits for it. */
static void
scenario_lock (void)
{
  g_autoptr(FifoLock) lock = g_object_new (FIFO_TYPE_LOCK, "name", "cache", NULL);
  g_autoptr(FifoLockMode) shared = fifo_shared_mode_new ();
  g_autoptr(FifoLockMode) exclusive = fifo_exclusive_mode_new ();
  FifoTestRequest writer = { 0, };

  g_assert_true (fifo_lock_try_acquire (lock, shared));
  fifo_lock_acquire_async (lock, exclusive, NULL, fifo_test_lock_acquired_cb, &writer);
  fifo_lock_release (lock, shared);
  fifo_test_wait_for (&writer.done);
  g_assert_true (writer.ok);
  fifo_lock_release (lock, exclusive);
  fifo_test_request_clear (&writer);
}

/* A request cancelled while it waits. */
static void
scenario_cancel (void)
{
  g_autoptr(FifoMutex) mutex = g_object_new (FIFO_TYPE_MUTEX, "name", "db", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FifoTestRequest request = { 0, };

  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_mutex_acquire_async (mutex, cancellable, fifo_test_mutex_acquired_cb, &request);
  g_cancellable_cancel (cancellable);
  fifo_mutex_release (mutex);
  fifo_test_wait_for (&request.done);
  g_assert_error (request.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  fifo_test_request_clear (&request);
}

/* A request whose main context is gone by the time it is granted: it is
 * passed over, and what it was granted given back. */
static void
scenario_pass_over (void)
{
  g_autoptr(FifoMutex) mutex = g_object_new (FIFO_TYPE_MUTEX, "name", "db", NULL);
  GMainContext *context = g_main_context_new ();
  FifoTestRequest never = { 0, };

  g_assert_true (fifo_mutex_try_acquire (mutex));
  g_main_context_push_thread_default (context);
  fifo_mutex_acquire_async (mutex, NULL, fifo_test_mutex_acquired_cb, &never);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  fifo_mutex_release (mutex);
  fifo_test_drain ();
  g_assert_false (never.done);
  g_assert_false (fifo_mutex_get_locked (mutex));
}

/* A blocking wait in a worker thread. */
static gpointer
blocking_thread (gpointer data)
{
  FifoMutex *mutex = data;

  g_assert_true (fifo_mutex_acquire (mutex, NULL, NULL));
  fifo_mutex_release (mutex);
  return NULL;
}

static void
scenario_blocking (void)
{
  g_autoptr(FifoMutex) mutex = g_object_new (FIFO_TYPE_MUTEX, "name", "worker", NULL);

  g_thread_join (g_thread_new ("blocking", blocking_thread, mutex));
}

/* A condition's wait: it gives its mutex up, and ends holding it again. */
static void
scenario_condition (void)
{
  g_autoptr(FifoMutex) mutex = g_object_new (FIFO_TYPE_MUTEX, "name", "guard", NULL);
  g_autoptr(FifoCondition) condition = fifo_condition_new (mutex);
  FifoTestRequest waiter = { 0, };

  fifo_condition_set_name (condition, "ready");
  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_condition_wait_async (condition, NULL, fifo_test_condition_waited_cb, &waiter);
  g_assert_true (fifo_mutex_try_acquire (mutex));
  fifo_condition_notify (condition, 1);
  fifo_mutex_release (mutex);
  fifo_test_wait_for (&waiter.done);
  g_assert_true (waiter.ok);
  fifo_mutex_release (mutex);
  fifo_test_request_clear (&waiter);
}

static void
run_scenarios (void)
{
  scenario_lock ();
  scenario_cancel ();
  scenario_pass_over ();
  scenario_blocking ();
  scenario_condition ();
}

/* ---- Debug messages --------------------------------------------------------------- */

typedef struct
{
  char *event;
  char *object;
  char *mode;     /* or NULL */
  char *context;
  char *message;
} Line;

static GPtrArray *lines;  /* of Line, the "Fifo" domain's debug messages */
static GMutex lines_lock;

static void
line_free (gpointer data)
{
  Line *line = data;

  g_free (line->event);
  g_free (line->object);
  g_free (line->mode);
  g_free (line->context);
  g_free (line->message);
  g_free (line);
}

static const char *
field (const GLogField *fields,
       gsize            n_fields,
       const char      *key)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, key))
      return fields[i].value;
  return NULL;
}

static GLogWriterOutput
record_writer (GLogLevelFlags   log_level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         user_data)
{
  const char *domain = field (fields, n_fields, "GLIB_DOMAIN");

  if ((log_level & G_LOG_LEVEL_DEBUG) && g_strcmp0 (domain, "Fifo") == 0)
    {
      Line *line = g_new0 (Line, 1);

      line->event = g_strdup (field (fields, n_fields, "FIFO_EVENT"));
      line->object = g_strdup (field (fields, n_fields, "FIFO_OBJECT"));
      line->mode = g_strdup (field (fields, n_fields, "FIFO_MODE"));
      line->context = g_strdup (field (fields, n_fields, "FIFO_CONTEXT"));
      line->message = g_strdup (field (fields, n_fields, "MESSAGE"));
      g_mutex_lock (&lines_lock);
      g_ptr_array_add (lines, line);
      g_mutex_unlock (&lines_lock);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* What a line must be: its event, object and mode (NULL: none), and words
 * its message and context must hold (NULL: anything). */
typedef struct
{
  const char *event;
  const char *object;
  const char *mode;
  const char *in_message;
  const char *in_context;
} Expected;

static void
assert_lines (const Expected *expected,
              guint           n_expected)
{
  for (guint i = 0; i < MAX (lines->len, n_expected); i++)
    {
      Line *line = i < lines->len ? g_ptr_array_index (lines, i) : NULL;

      if (line != NULL)
        g_test_message ("line %u: %s", i, line->message);
      if (line == NULL || i >= n_expected)
        g_error ("line %u: %s, expected %s", i, line != NULL ? line->message : "none",
                 i < n_expected ? expected[i].event : "none");

      g_assert_cmpstr (line->event, ==, expected[i].event);
      g_assert_cmpstr (line->object, ==, expected[i].object);
      g_assert_cmpstr (line->mode, ==, expected[i].mode);
      g_assert_nonnull (line->context);
      /* The message says it all: object, event, mode and context. */
      g_assert_true (g_str_has_prefix (line->message, line->object));
      g_assert_nonnull (strstr (line->message, line->event));
      if (line->mode != NULL)
        g_assert_nonnull (strstr (line->message, line->mode));
      g_assert_nonnull (strstr (line->message, line->context));
      if (expected[i].in_message != NULL && strstr (line->message, expected[i].in_message) == NULL)
        g_error ("line %u: “%s” does not say “%s”", i, line->message, expected[i].in_message);
      if (expected[i].in_context != NULL && strstr (line->context, expected[i].in_context) == NULL)
        g_error ("line %u: context “%s” does not say “%s”", i, line->context, expected[i].in_context);
    }
}

#define LOCK  "FifoLock “cache”"
#define DB    "FifoMutex “db”"
#define GUARD "FifoMutex “guard”"
#define READY "FifoCondition “ready”"

static const Expected scenario_lines[] = {
  /* scenario_lock */
  { "grant", LOCK, "FifoSharedMode", "try_acquire", "caller's context 0x" },
  { "request", LOCK, "FifoExclusiveMode", NULL, "context 0x" },
  { "release", LOCK, "FifoSharedMode", "held", NULL },
  { "grant", LOCK, "FifoExclusiveMode", "waited", "the default" },
  { "release", LOCK, "FifoExclusiveMode", "held", NULL },
  /* scenario_cancel */
  { "grant", DB, "try_acquire", NULL, NULL },
  { "request", DB, "acquire", NULL, NULL },
  { "cancel", DB, "acquire", "waited", NULL },
  { "release", DB, NULL, "held", NULL },
  /* scenario_pass_over */
  { "grant", DB, "try_acquire", NULL, NULL },
  { "request", DB, "acquire", NULL, "context 0x" },
  { "release", DB, NULL, "held", NULL },
  { "grant", DB, "acquire", "waited", "gone" },
  { "pass-over", DB, "acquire", "given back", "gone" },
  { "release", DB, NULL, "given back by its pass-over", "gone" },
  /* scenario_blocking */
  { "request", "FifoMutex “worker”", "acquire", NULL, "blocking" },
  { "grant", "FifoMutex “worker”", "acquire", "waited", "blocking" },
  { "release", "FifoMutex “worker”", NULL, "held", NULL },
  /* scenario_condition */
  { "grant", GUARD, "try_acquire", NULL, NULL },
  { "request", READY, "wait", NULL, NULL },
  { "release", GUARD, NULL, "held", NULL },
  { "grant", GUARD, "try_acquire", NULL, NULL },
  { "release", GUARD, NULL, "held", NULL },
  { "grant", READY, "wait", "holding " GUARD, NULL },
  { "release", GUARD, NULL, "held", NULL },
};

static void
test_debug_messages (void)
{
  if (!in_child ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  /* Before any primitive is made. */
  g_setenv ("G_MESSAGES_DEBUG", "Fifo", TRUE);
  lines = g_ptr_array_new_with_free_func (line_free);
  g_log_set_writer_func (record_writer, NULL, NULL);

  run_scenarios ();
  assert_lines (scenario_lines, G_N_ELEMENTS (scenario_lines));
  g_ptr_array_unref (lines);
}

/* The default writer prints them, with G_MESSAGES_DEBUG=Fifo. */
static void
test_debug_default_writer (void)
{
  if (!in_child ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      /* (Its quotes may be converted to the console's charset.) */
      g_test_trap_assert_stdout ("*Fifo-DEBUG*FifoMutex *db*: request acquire (context 0x*"
                                 "*FifoMutex *db*: cancel acquire (context 0x*), waited * ms*"
                                 "*FifoMutex *db*: pass-over acquire (context 0x*, gone)*");
      return;
    }

  g_setenv ("G_MESSAGES_DEBUG", "Fifo", TRUE);
  scenario_cancel ();
  scenario_pass_over ();
}

/* Formatting a name that another thread changes, with the debug messages
 * on (under the sanitizers and valgrind, this is the check). */
static void
test_debug_rename (void)
{
  if (!in_child ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_setenv ("G_MESSAGES_DEBUG", "Fifo", TRUE);
  lines = g_ptr_array_new_with_free_func (line_free);
  g_log_set_writer_func (record_writer, NULL, NULL);
  rename_while_used (fifo_test_scale (2000));
  g_assert_cmpuint (lines->len, >=, 2 * fifo_test_scale (2000));
  g_ptr_array_unref (lines);
}

/* Nothing asked for, nothing logged. */
static void
test_off (void)
{
  if (!in_child ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stdout_unmatched ("*Fifo*");
      g_test_trap_assert_stderr_unmatched ("*Fifo*");
      return;
    }

  g_unsetenv ("G_MESSAGES_DEBUG");
  g_unsetenv ("FIFO_DEBUG");
  g_unsetenv ("SYSPROF_CONTROL_FD");
  lines = g_ptr_array_new_with_free_func (line_free);
  g_log_set_writer_func (record_writer, NULL, NULL);
  run_scenarios ();
  g_assert_cmpuint (lines->len, ==, 0);
  g_ptr_array_unref (lines);
}

/* ---- Slow waits and holds ---------------------------------------------------------- */

#define SLOW_MS 50
#define SLOW_USEC (3 * SLOW_MS * G_TIME_SPAN_MILLISECOND)  /* well beyond slow=50 */

static GPtrArray *warnings;  /* the "Fifo" domain's warnings, any thread's */
static GMutex warnings_lock;

static void
collect_warning (const char     *domain,
                 GLogLevelFlags  level,
                 const char     *message,
                 gpointer        user_data)
{
  g_mutex_lock (&warnings_lock);
  g_ptr_array_add (warnings, g_strdup (message));
  g_mutex_unlock (&warnings_lock);
}

/* How many warnings match @pattern. */
static guint
count_warnings (const char *pattern)
{
  guint n = 0;

  g_mutex_lock (&warnings_lock);
  for (guint i = 0; i < warnings->len; i++)
    n += g_pattern_match_simple (pattern, warnings->pdata[i]);
  g_mutex_unlock (&warnings_lock);
  return n;
}

static guint
n_warnings (void)
{
  return count_warnings ("*");
}

/* Every warning so far, in the log: what a failed count had to count. */
static void
show_warnings (void)
{
  g_mutex_lock (&warnings_lock);
  for (guint i = 0; i < warnings->len; i++)
    g_test_message ("warning %u: %s", i, (const char *) warnings->pdata[i]);
  g_mutex_unlock (&warnings_lock);
}

/* The watch warns from its own thread: waits (up to a minute, valgrind)
 * until @n warnings have come. */
static void
wait_for_warnings (guint n)
{
  for (guint i = 0; i < 60000 && n_warnings () < n; i++)
    g_usleep (G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (n_warnings (), ==, n);
}

static gpointer
release_later (gpointer data)
{
  g_usleep (SLOW_USEC);
  fifo_mutex_release (data);
  return NULL;
}

static void
test_slow (void)
{
  if (!in_child ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_setenv ("FIFO_DEBUG", "slow=50", TRUE);
  warnings = g_ptr_array_new_with_free_func (g_free);
  g_log_set_handler ("Fifo", G_LOG_LEVEL_WARNING, collect_warning, NULL);
  /* Collected, not fatal; criticals still are. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  /* What goes on is warned about while it lasts (a hung program's holder
   * and waiters), each once, and not again when it ends. */
  {
    g_autoptr(FifoMutex) mutex = g_object_new (FIFO_TYPE_MUTEX, "name", "db", NULL);
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    FifoTestRequest second = { 0, }, third = { 0, };

    g_assert_true (fifo_mutex_try_acquire (mutex));
    fifo_mutex_acquire_async (mutex, NULL, fifo_test_mutex_acquired_cb, &second);
    fifo_mutex_acquire_async (mutex, cancellable, fifo_test_mutex_acquired_cb, &third);
    wait_for_warnings (3);
    g_assert_cmpuint (count_warnings ("FifoMutex “db”: a hold (caller's context 0x*, the default) "
                                      "has lasted * ms and goes on, longer than FIFO_DEBUG=slow=50"), ==, 1);
    g_assert_cmpuint (count_warnings ("FifoMutex “db”: a request (acquire, context 0x*, the default) "
                                      "has waited * ms and still waits, longer than FIFO_DEBUG=slow=50"), ==, 2);

    g_cancellable_cancel (cancellable);
    fifo_mutex_release (mutex);
    fifo_test_wait_for (&second.done);
    fifo_test_wait_for (&third.done);
    g_assert_true (second.ok);
    g_assert_false (third.ok);
    /* Nothing more about those three: not at their end. */
    g_assert_cmpuint (count_warnings ("*waited * before it was*"), ==, 0);
    g_assert_cmpuint (count_warnings ("*until its release*"), ==, 0);

    /* The second's hold, granted in its context. */
    wait_for_warnings (4);
    g_assert_cmpuint (count_warnings ("FifoMutex “db”: a hold (context 0x*, the default) "
                                      "has lasted * ms and goes on*"), ==, 1);
    fifo_mutex_release (mutex);
    g_usleep (SLOW_USEC);
    g_assert_cmpuint (n_warnings (), ==, 4);
    fifo_test_request_clear (&second);
    fifo_test_request_clear (&third);
  }

  /* A lock's hold names its mode; a blocking wait says so. Each is warned
   * about once: while it lasts, or when it ends if the watch has not seen
   * it yet. */
  {
    g_autoptr(FifoLock) lock = g_object_new (FIFO_TYPE_LOCK, "name", "cache", NULL);
    g_autoptr(FifoLockMode) exclusive = fifo_exclusive_mode_new ();
    g_autoptr(FifoMutex) mutex = g_object_new (FIFO_TYPE_MUTEX, "name", "jobs", NULL);
    GThread *releaser;

    g_assert_true (fifo_lock_try_acquire (lock, exclusive));
    g_usleep (SLOW_USEC);
    fifo_lock_release (lock, exclusive);
    g_usleep (SLOW_USEC);
    g_assert_cmpuint (n_warnings (), ==, 5);
    g_assert_cmpuint (count_warnings ("FifoLock “cache”: a hold of FifoExclusiveMode *, "
                                      "longer than FIFO_DEBUG=slow=50"), ==, 1);

    g_assert_true (fifo_mutex_try_acquire (mutex));
    releaser = g_thread_new ("releaser", release_later, mutex);
    g_assert_true (fifo_mutex_acquire (mutex, NULL, NULL));
    g_thread_join (releaser);
    fifo_mutex_release (mutex);
    g_usleep (SLOW_USEC);
    show_warnings ();
    g_assert_cmpuint (count_warnings ("FifoMutex “jobs”: a request (acquire, blocking) *, "
                                      "longer than FIFO_DEBUG=slow=50"), ==, 1);
    g_assert_cmpuint (count_warnings ("FifoMutex “jobs”: a hold (caller's context *"), ==, 1);
    /* The blocking acquire's own hold ends at once, unless a loaded
     * machine keeps this thread from running for 50 ms. */
    g_assert_cmpuint (n_warnings () - count_warnings ("FifoMutex “jobs”: a hold (blocking)*"), ==, 7);
  }
  g_ptr_array_unref (warnings);
}

/* A semaphore released before it is acquired (a signal) has no holds
 * left over: each release made up for by the acquire after it. */
static void
test_slow_signal (void)
{
  if (!in_child ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_setenv ("FIFO_DEBUG", "slow=50", TRUE);
  warnings = g_ptr_array_new_with_free_func (g_free);
  g_log_set_handler ("Fifo", G_LOG_LEVEL_WARNING, collect_warning, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  {
    g_autoptr(FifoSemaphore) items = fifo_semaphore_new (0);

    fifo_semaphore_set_name (items, "items");
    for (guint i = 0; i < 100; i++)
      fifo_semaphore_release (items);
    for (guint i = 0; i < 50; i++)
      g_assert_true (fifo_semaphore_acquire (items, NULL, NULL));
    for (guint i = 0; i < 50; i++)
      g_assert_true (fifo_semaphore_try_acquire (items));
    g_assert_cmpuint (fifo_semaphore_get_value (items), ==, 0);
    g_usleep (SLOW_USEC);
    show_warnings ();
    g_assert_cmpuint (n_warnings (), ==, 0);

    /* A grant made up for and then taken back gives its credit back. */
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      FifoTestRequest done = { 0, };

      fifo_semaphore_release (items);
      fifo_semaphore_acquire_async (items, cancellable, fifo_test_semaphore_acquired_cb, &done);
      g_cancellable_cancel (cancellable);
      fifo_test_wait_for (&done.done);
      g_assert_false (done.ok);
      g_assert_true (fifo_semaphore_try_acquire (items));
      g_usleep (SLOW_USEC);
      show_warnings ();
      g_assert_cmpuint (n_warnings (), ==, 0);
      fifo_test_request_clear (&done);
    }
  }
  /* An acquire not made up for is a hold, and slow as any. */
  {
    g_autoptr(FifoSemaphore) permits = g_object_new (FIFO_TYPE_SEMAPHORE, "value", 1, "name", "permits", NULL);

    g_assert_true (fifo_semaphore_try_acquire (permits));
    wait_for_warnings (1);
    g_assert_cmpuint (count_warnings ("FifoSemaphore “permits”: a hold (caller's context *) has lasted * ms and goes on*"), ==, 1);
    fifo_semaphore_release (permits);
  }
  g_ptr_array_unref (warnings);
}

/* A hold of a primitive finalized while held ends with it; a primitive
 * renamed while its hold goes on is warned about by its new name. */
static void
test_slow_finalized_renamed (void)
{
  if (!in_child ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_setenv ("FIFO_DEBUG", "slow=50", TRUE);
  warnings = g_ptr_array_new_with_free_func (g_free);
  g_log_set_handler ("Fifo", G_LOG_LEVEL_WARNING, collect_warning, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  {
    FifoMutex *gone = g_object_new (FIFO_TYPE_MUTEX, "name", "gone", NULL);
    g_autoptr(FifoMutex) renamed = g_object_new (FIFO_TYPE_MUTEX, "name", "old", NULL);

    g_assert_true (fifo_mutex_try_acquire (gone));
    g_object_unref (gone);
    g_assert_true (fifo_mutex_try_acquire (renamed));
    fifo_mutex_set_name (renamed, "new");
    wait_for_warnings (1);
    g_usleep (SLOW_USEC);
    show_warnings ();
    g_assert_cmpuint (count_warnings ("FifoMutex “new”: a hold (caller's context *) has lasted * ms and goes on*"), ==, 1);
    g_assert_cmpuint (n_warnings (), ==, 1);

    /* With every open occurrence warned about, a new one is watched too. */
    {
      FifoTestRequest done = { 0, };

      fifo_mutex_acquire_async (renamed, NULL, fifo_test_mutex_acquired_cb, &done);
      wait_for_warnings (2);
      g_assert_cmpuint (count_warnings ("FifoMutex “new”: a request (acquire, *) has waited * and still waits*"), ==, 1);
      fifo_mutex_release (renamed);
      fifo_test_wait_for (&done.done);
      g_assert_true (done.ok);
      fifo_test_request_clear (&done);
    }
    fifo_mutex_release (renamed);
  }
  g_ptr_array_unref (warnings);
}

/* A log writer that uses a primitive of its own: its operations are not
 * reported while it writes the library's line (it would feed itself). */
static FifoMutex *writer_mutex;
static guint writer_lines;

static GLogWriterOutput
mutex_writer (GLogLevelFlags   log_level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  if ((log_level & G_LOG_LEVEL_DEBUG) && g_strcmp0 (field (fields, n_fields, "GLIB_DOMAIN"), "Fifo") == 0)
    {
      g_assert_true (fifo_mutex_try_acquire (writer_mutex));
      writer_lines++;
      g_assert_cmpuint (writer_lines, <, 1000);
      fifo_mutex_release (writer_mutex);
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
test_debug_writer_uses_primitive (void)
{
  if (!in_child ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_setenv ("G_MESSAGES_DEBUG", "Fifo", TRUE);
  writer_mutex = g_object_new (FIFO_TYPE_MUTEX, "name", "log-output", NULL);
  g_log_set_writer_func (mutex_writer, NULL, NULL);
  {
    g_autoptr(FifoMutex) mutex = g_object_new (FIFO_TYPE_MUTEX, "name", "db", NULL);

    g_assert_true (fifo_mutex_try_acquire (mutex));
    fifo_mutex_release (mutex);
  }
  /* The grant and the release of “db”, and nothing of “log-output”. */
  g_assert_cmpuint (writer_lines, ==, 2);
  g_clear_object (&writer_mutex);
}

/* A log handler that makes a primitive while the first one's class reads
 * FIFO_DEBUG and warns about it: the warning comes after the read. */
static void
make_primitive_handler (const char     *domain,
                        GLogLevelFlags  level,
                        const char     *message,
                        gpointer        user_data)
{
  /* Of the very class whose first instance is being made. */
  g_autoptr(FifoMutex) inner = g_object_new (FIFO_TYPE_MUTEX, "name", "inner", NULL);

  g_assert_true (FIFO_IS_MUTEX (inner));
  g_assert_true (strstr (message, "“abc” is not a number") != NULL);
  (*(guint *) user_data)++;
}

static void
test_environment_warning_reenters (void)
{
  guint warned = 0;

  if (!in_child ())
    {
      g_test_trap_subprocess (NULL, 10 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_setenv ("FIFO_DEBUG", "slow=abc", TRUE);
  g_log_set_handler ("Fifo", G_LOG_LEVEL_WARNING, make_primitive_handler, &warned);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  {
    g_autoptr(FifoMutex) mutex = fifo_mutex_new ();

    g_assert_true (FIFO_IS_MUTEX (mutex));
    g_assert_cmpuint (warned, ==, 1);
  }
}

/* ---- Sysprof marks ----------------------------------------------------------------- */

#ifdef FIFO_TEST_SYSPROF
typedef struct
{
  char   *name;
  char   *message;
  gint64  start;
  gint64  end;
} Mark;

static void
mark_clear (gpointer data)
{
  Mark *mark = data;

  g_free (mark->name);
  g_free (mark->message);
}

static GArray *
read_marks (const char *path)
{
  SysprofCaptureReader *reader = sysprof_capture_reader_new (path);
  GArray *marks = g_array_new (FALSE, TRUE, sizeof (Mark));
  SysprofCaptureFrameType type;

  g_assert_nonnull (reader);
  g_array_set_clear_func (marks, mark_clear);
  while (sysprof_capture_reader_peek_type (reader, &type))
    {
      if (type == SYSPROF_CAPTURE_FRAME_MARK)
        {
          const SysprofCaptureMark *frame = sysprof_capture_reader_read_mark (reader);
          Mark mark;

          g_assert_nonnull (frame);
          g_assert_cmpstr (frame->group, ==, "fifolock");
          mark.name = g_strdup (frame->name);
          mark.message = g_strdup (frame->message);
          mark.start = frame->frame.time;
          mark.end = frame->frame.time + frame->duration;
          g_assert_cmpint (frame->duration, >=, 0);
          g_array_append_val (marks, mark);
        }
      else if (!sysprof_capture_reader_skip (reader))
        break;
    }
  sysprof_capture_reader_unref (reader);
  return marks;
}

static void
capture_scenario (void)
{
  g_autoptr(FifoMutex) mutex = g_object_new (FIFO_TYPE_MUTEX, "name", "db", NULL);
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(FifoLockMode) exclusive = fifo_exclusive_mode_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FifoTestRequest first = { 0, }, second = { 0, }, third = { 0, }, locked = { 0, };

  /* Granted at once, then a wait for it, and one cancelled. */
  fifo_mutex_acquire_async (mutex, NULL, fifo_test_mutex_acquired_cb, &first);
  fifo_test_wait_for (&first.done);
  fifo_mutex_acquire_async (mutex, NULL, fifo_test_mutex_acquired_cb, &second);
  fifo_mutex_acquire_async (mutex, cancellable, fifo_test_mutex_acquired_cb, &third);
  g_cancellable_cancel (cancellable);
  fifo_mutex_release (mutex);
  fifo_test_wait_for (&second.done);
  fifo_test_wait_for (&third.done);
  fifo_mutex_release (mutex);

  /* An unnamed lock: its type and address. */
  fifo_lock_set_name (lock, NULL);
  fifo_lock_acquire_async (lock, exclusive, NULL, fifo_test_lock_acquired_cb, &locked);
  fifo_test_wait_for (&locked.done);
  fifo_lock_release (lock, exclusive);

  fifo_test_request_clear (&first);
  fifo_test_request_clear (&second);
  fifo_test_request_clear (&third);
  fifo_test_request_clear (&locked);
}

static void
test_sysprof_marks (void)
{
  g_autoptr(GArray) marks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *debug = NULL;
  int fd;
  Mark *m;

  if (!in_child ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  fd = g_file_open_tmp ("fifo-observe-XXXXXX.syscap", &path, &error);
  g_assert_no_error (error);
  close (fd);
  debug = g_strconcat ("capture=", path, NULL);
  g_setenv ("FIFO_DEBUG", debug, TRUE);

  capture_scenario ();

  marks = read_marks (path);
  g_unlink (path);
  for (guint i = 0; i < marks->len; i++)
    g_test_message ("mark %u: %s: %s", i, g_array_index (marks, Mark, i).name,
                    g_array_index (marks, Mark, i).message);
  g_assert_cmpuint (marks->len, ==, 7);
  m = &g_array_index (marks, Mark, 0);

  /* One per wait (request to grant or cancellation), one per hold (grant
   * to release), in the order they ended. */
  g_assert_cmpstr (m[0].name, ==, "db");
  g_assert_cmpstr (m[0].message, ==, "wait acquire (grant)");
  g_assert_cmpstr (m[1].name, ==, "db");
  g_assert_cmpstr (m[1].message, ==, "wait acquire (cancel)");
  g_assert_cmpstr (m[2].name, ==, "db");
  g_assert_cmpstr (m[2].message, ==, "hold");
  g_assert_cmpstr (m[3].name, ==, "db");
  g_assert_cmpstr (m[3].message, ==, "wait acquire (grant)");
  g_assert_cmpstr (m[4].name, ==, "db");
  g_assert_cmpstr (m[4].message, ==, "hold");
  g_assert_true (g_str_has_prefix (m[5].name, "FifoLock 0x"));
  g_assert_cmpstr (m[5].message, ==, "wait FifoExclusiveMode (grant)");
  g_assert_cmpstr (m[6].name, ==, m[5].name);
  g_assert_cmpstr (m[6].message, ==, "hold FifoExclusiveMode");

  /* A hold starts where its grant ended its wait. */
  g_assert_cmpint (m[2].start, ==, m[0].end);
  g_assert_cmpint (m[4].start, ==, m[3].end);
  g_assert_cmpint (m[6].start, ==, m[5].end);
  /* The second waited from its request, after the first's grant, until
   * the first's release. */
  g_assert_cmpint (m[3].start, >=, m[0].end);
  g_assert_cmpint (m[3].end, >=, m[2].end);
  g_assert_cmpint (m[1].end, <=, m[2].end);
}
#else
static void
test_sysprof_marks (void)
{
  g_test_skip ("built without sysprof-capture-4 (-Dsysprof)");
}
#endif

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/observe/name/property", test_name_property);
  g_test_add_func ("/observe/name/threads", test_name_threads);
  g_test_add_func ("/observe/name/criticals", test_name_in_criticals);
  g_test_add_func ("/observe/debug/messages", test_debug_messages);
  g_test_add_func ("/observe/debug/default-writer", test_debug_default_writer);
  g_test_add_func ("/observe/debug/rename", test_debug_rename);
  g_test_add_func ("/observe/off", test_off);
  g_test_add_func ("/observe/slow", test_slow);
  g_test_add_func ("/observe/slow/signal", test_slow_signal);
  g_test_add_func ("/observe/slow/finalized-renamed", test_slow_finalized_renamed);
  g_test_add_func ("/observe/debug/writer-uses-primitive", test_debug_writer_uses_primitive);
  g_test_add_func ("/observe/environment/warning-reenters", test_environment_warning_reenters);
  g_test_add_func ("/observe/sysprof-marks", test_sysprof_marks);

  return g_test_run ();
}
