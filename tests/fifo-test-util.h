/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the C test suites. */
#pragma once

#include <string.h>

#include <fifolock-glib/fifolock.h>

G_BEGIN_DECLS

/* A FifoLockMode of the tests' own, whose is_compatible is @body (with
 * `mode` and `holds` in scope). */
#define DEFINE_TEST_MODE(TypeName, type_name, TYPE_NAME, body)                    \
  G_DECLARE_FINAL_TYPE (TypeName, type_name, TEST, TYPE_NAME, GObject)            \
  struct _##TypeName { GObject parent_instance; };                                \
  static gboolean type_name##_is_compatible (FifoLockMode *mode,                  \
                                             FifoLockHolds *holds)                \
  { body }                                                                        \
  static void type_name##_iface_init (FifoLockModeInterface *iface)               \
  { iface->is_compatible = type_name##_is_compatible; }                           \
  G_DEFINE_FINAL_TYPE_WITH_CODE (TypeName, type_name, G_TYPE_OBJECT,              \
    G_IMPLEMENT_INTERFACE (FIFO_TYPE_LOCK_MODE, type_name##_iface_init))          \
  static void type_name##_class_init (TypeName##Class *klass) { }                 \
  static void type_name##_init (TypeName *self) { }

/* Iterates the thread-default context until *flag is set. */
static inline void
fifo_test_wait_for (const gboolean *flag)
{
  GMainContext *context = g_main_context_get_thread_default ();

  while (!*flag)
    g_main_context_iteration (context, TRUE);
}

/* Iterates until two iterations in a row dispatch nothing: a dispatcher
 * that sits out one iteration between batches does not end it early. */
static inline void
fifo_test_drain (void)
{
  GMainContext *context = g_main_context_get_thread_default ();
  guint idle = 0;

  while (idle < 2)
    idle = g_main_context_iteration (context, FALSE) ? 0 : idle + 1;
}

/* Scales loop counts down under valgrind (FIFO_TEST_QUICK=1). */
static inline guint
fifo_test_scale (guint n)
{
  const char *quick = g_getenv ("FIFO_TEST_QUICK");

  if (quick != NULL && *quick != '\0' && *quick != '0')
    return MAX (n / 100, MIN (n, 100u));
  return n;
}

/* One asynchronous request and what became of it. */
typedef struct
{
  int           id;
  GArray       *log;      /* ints: id when granted, -id when it failed */
  gboolean      done;
  gboolean      ok;
  GError       *error;
  GThread      *thread;   /* where the callback ran */
  GAsyncResult *result;   /* kept, to check its GAsyncResult side */
} FifoTestRequest;

static inline FifoTestRequest *
fifo_test_request_new (int     id,
                       GArray *log)
{
  FifoTestRequest *request = g_new0 (FifoTestRequest, 1);

  request->id = id;
  request->log = log;
  return request;
}

static inline void
fifo_test_request_free (FifoTestRequest *request)
{
  g_clear_error (&request->error);
  g_clear_object (&request->result);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FifoTestRequest, fifo_test_request_free)

static inline void
fifo_test_request_record (FifoTestRequest *request,
                          GAsyncResult    *result,
                          gboolean         ok)
{
  g_assert_false (request->done);  /* exactly once */
  request->done = TRUE;
  request->ok = ok;
  request->thread = g_thread_self ();
  request->result = g_object_ref (result);
  if (request->log != NULL)
    {
      int entry = ok ? request->id : -request->id;
      g_array_append_val (request->log, entry);
    }
}

static inline void
fifo_test_lock_acquired_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  FifoTestRequest *request = user_data;
  gboolean ok = fifo_lock_acquire_finish (FIFO_LOCK (source), result, &request->error);

  fifo_test_request_record (request, result, ok);
}

/* For a request on the stack: drops what it kept, and empties it. */
static inline void
fifo_test_request_clear (FifoTestRequest *request)
{
  g_clear_error (&request->error);
  g_clear_object (&request->result);
  memset (request, 0, sizeof *request);
}

static inline void
fifo_test_mutex_acquired_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  FifoTestRequest *request = user_data;
  gboolean ok = fifo_mutex_acquire_finish (FIFO_MUTEX (source), result, &request->error);

  fifo_test_request_record (request, result, ok);
}

static inline void
fifo_test_semaphore_acquired_cb (GObject      *source,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  FifoTestRequest *request = user_data;
  gboolean ok = fifo_semaphore_acquire_finish (FIFO_SEMAPHORE (source), result, &request->error);

  fifo_test_request_record (request, result, ok);
}

static inline void
fifo_test_condition_waited_cb (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  FifoTestRequest *request = user_data;
  gboolean ok = fifo_condition_wait_finish (FIFO_CONDITION (source), result, &request->error);

  fifo_test_request_record (request, result, ok);
}

static inline void
fifo_test_assert_log (GArray    *log,
                      const int *expected,
                      guint      n_expected)
{
  g_assert_cmpmem (log->data, log->len * sizeof (int),
                   expected, n_expected * sizeof (int));
}

#define FIFO_TEST_ASSERT_LOG(log, ...) \
  G_STMT_START { \
    const int expected_[] = { __VA_ARGS__ }; \
    fifo_test_assert_log ((log), expected_, G_N_ELEMENTS (expected_)); \
  } G_STMT_END

#define FIFO_TEST_ASSERT_LOG_EMPTY(log) g_assert_cmpuint ((log)->len, ==, 0)

G_END_DECLS
