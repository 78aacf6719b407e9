/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The suite of Python's fifolock (michalc/fifolock, test.py), one case per
 * test and named after it, run on FifoLock with modes that count holds by
 * type exactly as fifolock's Mutex, Read, Write and Semaphore classes do.
 *
 * fifolock's harness, translated: each "task" requests its mode, marks
 * itself acquired once granted, then holds until the test completes it
 * (release), fails it (its body raises: release, error kept) or cancels it
 * (while waiting: the request is cancelled; while holding: the body is
 * cancelled and releases). A history snapshot of the acquired flags is
 * taken after the main loop has run everything runnable, before each step
 * and after the last. */

#include <fifolock-glib/fifolock.h>

#include "fifo-test-util.h"


static GType test_mutex_get_type (void);
static GType test_read_get_type (void);
static GType test_write_get_type (void);
static GType test_semaphore2_get_type (void);

/* class Mutex: not holds[Mutex] */
DEFINE_TEST_MODE (TestMutex, test_mutex, MUTEX,
  return fifo_lock_holds_get (holds, test_mutex_get_type ()) == 0;)
/* class Read: not holds[Write] */
DEFINE_TEST_MODE (TestRead, test_read, READ,
  return fifo_lock_holds_get (holds, test_write_get_type ()) == 0;)
/* class Write: not holds[Read] and not holds[Write] */
DEFINE_TEST_MODE (TestWrite, test_write, WRITE,
  return fifo_lock_holds_get (holds, test_read_get_type ()) == 0 &&
         fifo_lock_holds_get (holds, test_write_get_type ()) == 0;)
/* Semaphore = type('Semaphore', (SemaphoreBase,), {'size': 2}):
 * holds[cls] < cls.size */
DEFINE_TEST_MODE (TestSemaphore2, test_semaphore2, SEMAPHORE2,
  return fifo_lock_holds_get (holds, test_semaphore2_get_type ()) < 2;)

typedef enum { WAITING, HOLDING, ENDED } TaskState;

typedef struct
{
  FifoLock     *lock;
  FifoLockMode *mode;
  GCancellable *cancellable;
  TaskState     state;
  gboolean      acquired;
  gboolean      cancelled;
  GError       *error;      /* what the task ended with */
} Task;

static void
task_acquired_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Task *task = user_data;

  g_assert_cmpint (task->state, ==, WAITING);
  if (fifo_lock_acquire_finish (task->lock, result, &task->error))
    {
      task->state = HOLDING;
      task->acquired = TRUE;
    }
  else
    {
      g_assert_error (task->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      task->cancelled = TRUE;
      task->state = ENDED;
    }
}

static void
task_start (Task         *task,
            FifoLock     *lock,
            GType         mode_type)
{
  task->lock = g_object_ref (lock);
  task->mode = g_object_new (mode_type, NULL);
  task->cancellable = g_cancellable_new ();
  task->state = WAITING;
  fifo_lock_acquire_async (lock, task->mode, task->cancellable, task_acquired_cb, task);
}

static void
task_clear (Task *task)
{
  g_clear_object (&task->lock);
  g_clear_object (&task->mode);
  g_clear_object (&task->cancellable);
  g_clear_error (&task->error);
}

/* done[i].set_result(None): the body ends, the lock is released. */
static void
task_complete (Task *task)
{
  g_assert_cmpint (task->state, ==, HOLDING);
  fifo_lock_release (task->lock, task->mode);
  task->state = ENDED;
}

/* done[i].set_exception(exp): the body raises; the lock is still released
 * and the error is what the task ends with. */
static void
task_fail (Task *task)
{
  g_assert_cmpint (task->state, ==, HOLDING);
  g_set_error_literal (&task->error, G_IO_ERROR, G_IO_ERROR_FAILED, "Raised exception");
  fifo_lock_release (task->lock, task->mode);
  task->state = ENDED;
}

/* task.cancel(): a waiting request is cancelled; a holding body unwinds
 * through its release. */
static void
task_cancel (Task *task)
{
  if (task->state == WAITING)
    {
      g_cancellable_cancel (task->cancellable);
    }
  else if (task->state == HOLDING)
    {
      fifo_lock_release (task->lock, task->mode);
      task->cancelled = TRUE;
      task->state = ENDED;
    }
}

typedef struct
{
  char op;  /* 'c' complete, 'x' exception, 'k' cancel */
  int  task;
} Step;

/* Runs the steps; history[j] holds the acquired flags before step j (and,
 * for j == n_steps, after the last). */
static void
run_steps (Task       *tasks,
           guint       n_tasks,
           const Step *steps,
           guint       n_steps,
           GString    *history)
{
  for (guint j = 0; j <= n_steps; j++)
    {
      fifo_test_drain ();
      for (guint i = 0; i < n_tasks; i++)
        g_string_append_c (history, tasks[i].acquired ? 'T' : 'F');
      g_string_append_c (history, ' ');

      if (j == n_steps)
        break;
      switch (steps[j].op)
        {
        case 'c': task_complete (&tasks[steps[j].task]); break;
        case 'x': task_fail (&tasks[steps[j].task]); break;
        case 'k': task_cancel (&tasks[steps[j].task]); break;
        default: g_assert_not_reached ();
        }
    }
}

/* The first len(expected) histories must be as given (fifolock asserts a
 * prefix of them). */
static void
assert_history_prefix (GString    *history,
                       const char *expected)
{
  g_assert_cmpint (strncmp (history->str, expected, strlen (expected)), ==, 0);
}

typedef struct
{
  const char *name;
  GType     (*modes[3]) (void);
  guint       n_tasks;
  Step        steps[3];
  guint       n_steps;
  const char *history;   /* asserted prefix */
} Scenario;

static void
run_scenario (gconstpointer data)
{
  const Scenario *s = data;
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(GString) history = g_string_new (NULL);
  Task tasks[3] = { 0 };

  for (guint i = 0; i < s->n_tasks; i++)
    task_start (&tasks[i], lock, s->modes[i] ());

  run_steps (tasks, s->n_tasks, s->steps, s->n_steps, history);
  g_test_message ("history: %s", history->str);
  assert_history_prefix (history, s->history);

  /* Whatever still holds releases; the lock must then be free. */
  for (guint i = 0; i < s->n_tasks; i++)
    {
      if (tasks[i].state == HOLDING)
        task_complete (&tasks[i]);
      task_clear (&tasks[i]);
    }
  {
    g_autoptr(FifoLockMode) excl = fifo_exclusive_mode_new ();
    g_assert_true (fifo_lock_try_acquire (lock, excl));
    fifo_lock_release (lock, excl);
  }
}

#define M test_mutex_get_type
#define R test_read_get_type
#define W test_write_get_type
#define S test_semaphore2_get_type

static const Scenario scenarios[] = {
  { "test_mutex_blocks_mutex", { M, M }, 2, { { 'c', 0 }, { 'c', 1 } }, 2, "TF TT " },
  { "test_mutex_cancelled_after_it_acquires_allows_later_mutex", { M, M, M }, 3,
    { { 'c', 0 }, { 'k', 1 }, { 'c', 2 } }, 3, "TFF TTF TTT " },
  { "test_mutex_cancelled_before_it_acquires_allows_later_mutex", { M, M, M }, 3,
    { { 'k', 1 }, { 'c', 0 }, { 'c', 2 } }, 3, "TFF TFF TFT " },
  { "test_read_write_lock_write_blocks_write", { W, W }, 2, { { 'c', 0 }, { 'c', 1 } }, 2, "TF TT " },
  { "test_read_write_lock_write_blocks_read", { W, R }, 2, { { 'c', 0 }, { 'c', 1 } }, 2, "TF TT " },
  { "test_read_write_lock_read_allows_read", { R, R }, 2, { { 'c', 0 }, { 'c', 1 } }, 2, "TT TT " },
  { "test_read_write_lock_read_blocks_write", { R, W }, 2, { { 'c', 0 }, { 'c', 1 } }, 2, "TF TT " },
  { "test_read_write_lock_reads_complete_out_of_order_still_block_write", { R, R, W }, 3,
    { { 'c', 1 }, { 'c', 0 }, { 'c', 2 } }, 3, "TTF TTF TTT " },
  { "test_read_write_lock_write_not_given_priority_over_read", { W, R, W }, 3,
    { { 'c', 0 }, { 'c', 1 }, { 'c', 2 } }, 3, "TFF TTF TTT " },
  { "test_semaphore_complete_in_order", { S, S, S }, 3,
    { { 'c', 0 }, { 'c', 1 }, { 'c', 2 } }, 3, "TTF TTT " },
  { "test_semaphore_complete_out_of_order", { S, S, S }, 3,
    { { 'c', 1 }, { 'c', 0 }, { 'c', 2 } }, 3, "TTF TTT " },
};

/* fifolock reuses one context-manager object for two tasks; here, one
 * mode instance shared by both requests. */
static void
test_mutex_mode_can_be_reused (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(GString) history = g_string_new (NULL);
  Task tasks[2] = { 0 };
  const Step steps[] = { { 'c', 0 }, { 'c', 1 } };

  task_start (&tasks[0], lock, M ());
  tasks[1].lock = g_object_ref (lock);
  tasks[1].mode = g_object_ref (tasks[0].mode);
  tasks[1].cancellable = g_cancellable_new ();
  fifo_lock_acquire_async (lock, tasks[1].mode, tasks[1].cancellable, task_acquired_cb, &tasks[1]);

  run_steps (tasks, 2, steps, 2, history);
  assert_history_prefix (history, "TF TT ");
  task_clear (&tasks[0]);
  task_clear (&tasks[1]);
}

/* One mode type, two locks: holds are per lock. */
static void
test_mutex_are_independant (void)
{
  g_autoptr(FifoLock) lock_1 = fifo_lock_new ();
  g_autoptr(FifoLock) lock_2 = fifo_lock_new ();
  g_autoptr(GString) history = g_string_new (NULL);
  Task tasks[2] = { 0 };
  const Step steps[] = { { 'c', 0 }, { 'c', 1 } };

  task_start (&tasks[0], lock_1, M ());
  task_start (&tasks[1], lock_2, M ());
  run_steps (tasks, 2, steps, 2, history);
  assert_history_prefix (history, "TT ");
  task_clear (&tasks[0]);
  task_clear (&tasks[1]);
}

/* The body's error comes out unchanged, and the lock passed on anyway. */
static void
test_mutex_raising_exception_bubbles_and_allows_later_mutex (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(GString) history = g_string_new (NULL);
  Task tasks[2] = { 0 };
  const Step steps[] = { { 'x', 0 }, { 'c', 1 } };

  task_start (&tasks[0], lock, M ());
  task_start (&tasks[1], lock, M ());
  run_steps (tasks, 2, steps, 2, history);
  assert_history_prefix (history, "TF TT ");
  g_assert_error (tasks[0].error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (tasks[0].error->message, ==, "Raised exception");
  task_clear (&tasks[0]);
  task_clear (&tasks[1]);
}

/* Task 1 holds; task 2 and 3 wait. Task 1 is cancelled in its body: it
 * releases (granting task 2) and then cancels task 2, granted but not yet
 * resumed. Task 2's grant must pass to task 3, not be stranded. */
typedef struct
{
  Task  tasks[3];
} Trio;

static void
trio_task1_acquired_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Trio *trio = user_data;

  task_acquired_cb (source, result, &trio->tasks[0]);
  g_assert_true (trio->tasks[0].acquired);

  /* task_1.cancel(): its body unwinds through the release… */
  task_cancel (&trio->tasks[0]);
  /* …and its except clause cancels task 2, granted by that release. */
  task_cancel (&trio->tasks[1]);
}

static void
test_mutex_cancelled_that_cancels_second_task_allows_third (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  Trio trio = { 0 };

  trio.tasks[0].lock = g_object_ref (lock);
  trio.tasks[0].mode = g_object_new (M (), NULL);
  trio.tasks[0].state = WAITING;
  fifo_lock_acquire_async (lock, trio.tasks[0].mode, NULL, trio_task1_acquired_cb, &trio);
  task_start (&trio.tasks[1], lock, M ());
  task_start (&trio.tasks[2], lock, M ());

  fifo_test_wait_for (&trio.tasks[2].acquired);
  g_assert_true (trio.tasks[1].cancelled);
  g_assert_false (trio.tasks[1].acquired);

  task_complete (&trio.tasks[2]);
  for (guint i = 0; i < 3; i++)
    task_clear (&trio.tasks[i]);
}

/* A request made while the lock is already held queues and is granted on
 * release. */
static void
test_mutex_requested_concurrently_can_acquire (void)
{
  g_autoptr(FifoLock) lock = fifo_lock_new ();
  g_autoptr(GString) history_1 = g_string_new (NULL);
  g_autoptr(GString) history_2 = g_string_new (NULL);
  Task tasks[2] = { 0 };
  const Step steps[] = { { 'c', 0 }, { 'c', 1 } };

  task_start (&tasks[0], lock, M ());
  run_steps (tasks, 1, NULL, 0, history_1);
  task_start (&tasks[1], lock, M ());
  run_steps (tasks, 2, steps, 2, history_2);
  assert_history_prefix (history_2, "TF TT ");
  task_clear (&tasks[0]);
  task_clear (&tasks[1]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree char *path = g_strconcat ("/fifolock/", scenarios[i].name, NULL);
      g_test_add_data_func (path, &scenarios[i], run_scenario);
    }
  g_test_add_func ("/fifolock/test_mutex_mode_can_be_reused", test_mutex_mode_can_be_reused);
  g_test_add_func ("/fifolock/test_mutex_are_independant", test_mutex_are_independant);
  g_test_add_func ("/fifolock/test_mutex_raising_exception_bubbles_and_allows_later_mutex",
                   test_mutex_raising_exception_bubbles_and_allows_later_mutex);
  g_test_add_func ("/fifolock/test_mutex_cancelled_that_cancels_second_task_allows_third",
                   test_mutex_cancelled_that_cancels_second_task_allows_third);
  g_test_add_func ("/fifolock/test_mutex_requested_concurrently_can_acquire",
                   test_mutex_requested_concurrently_can_acquire);

  return g_test_run ();
}
