/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A watchdog for tests that could hang: if nothing kicks it for a while, it
 * prints what was going on and every thread's stack (through gdb, when
 * there is one), then aborts — a deadlock is a failure with a backtrace,
 * not a timeout.
 *
 *   fifo_watchdog_start ("two threads cancelling", 30);
 *   … fifo_watchdog_kick () now and then …
 *   fifo_watchdog_stop ();
 */
#pragma once

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif
#include <unistd.h>

G_BEGIN_DECLS

typedef struct
{
  GMutex   lock;
  GCond    cond;
  GThread *thread;
  char    *what;
  guint    seconds;
  guint64  kicks;
  gboolean stop;
} FifoWatchdog;

static FifoWatchdog fifo_watchdog;

/* Under valgrind everything is some twenty times slower. */
static inline guint
fifo_watchdog_scale (guint seconds)
{
  const char *quick = g_getenv ("FIFO_TEST_QUICK");

  return quick != NULL && *quick != '\0' && *quick != '0' ? seconds * 20 : seconds;
}

static inline void
fifo_watchdog_dump_stacks (void)
{
  g_autofree char *gdb = g_find_program_in_path ("gdb");
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  const char *argv[] = {
    NULL, "-p", pid, "-batch", "-nx",
    "-ex", "set pagination off", "-ex", "thread apply all bt", NULL,
  };

  if (gdb == NULL)
    {
      fprintf (stderr, "# (no gdb on PATH: no stacks; run under gdb for them)\n");
      return;
    }
  argv[0] = gdb;
#if defined (__linux__) && defined (PR_SET_PTRACER)
  /* Let our own child attach to us under Yama's ptrace_scope=1. */
  prctl (PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
#endif
  /* Its output goes straight to ours. */
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                NULL, NULL, NULL, NULL, NULL, NULL);
}

static gpointer
fifo_watchdog_thread (gpointer data)
{
  FifoWatchdog *dog = data;
  guint64 seen;

  g_mutex_lock (&dog->lock);
  for (;;)
    {
      gint64 deadline = g_get_monotonic_time () + dog->seconds * G_TIME_SPAN_SECOND;

      seen = dog->kicks;
      while (!dog->stop && dog->kicks == seen)
        if (!g_cond_wait_until (&dog->cond, &dog->lock, deadline))
          break;
      if (dog->stop)
        break;
      if (dog->kicks == seen)
        {
          fprintf (stderr, "# watchdog: no progress for %u s in \"%s\": a deadlock? Every thread's stack:\n",
                   dog->seconds, dog->what);
          fflush (stderr);
          fifo_watchdog_dump_stacks ();
          fprintf (stderr, "# watchdog: aborting\n");
          fflush (stderr);
          abort ();
        }
    }
  g_mutex_unlock (&dog->lock);

  return NULL;
}

static inline void
fifo_watchdog_start (const char *what,
                     guint       seconds)
{
  FifoWatchdog *dog = &fifo_watchdog;

  g_assert (dog->thread == NULL);
  g_mutex_init (&dog->lock);
  g_cond_init (&dog->cond);
  dog->what = g_strdup (what);
  dog->seconds = fifo_watchdog_scale (seconds);
  dog->kicks = 0;
  dog->stop = FALSE;
  dog->thread = g_thread_new ("fifo-watchdog", fifo_watchdog_thread, dog);
}

static inline void
fifo_watchdog_kick (void)
{
  FifoWatchdog *dog = &fifo_watchdog;

  g_mutex_lock (&dog->lock);
  dog->kicks++;
  g_cond_signal (&dog->cond);
  g_mutex_unlock (&dog->lock);
}

static inline void
fifo_watchdog_stop (void)
{
  FifoWatchdog *dog = &fifo_watchdog;

  g_mutex_lock (&dog->lock);
  dog->stop = TRUE;
  g_cond_signal (&dog->cond);
  g_mutex_unlock (&dog->lock);
  g_thread_join (g_steal_pointer (&dog->thread));
  g_clear_pointer (&dog->what, g_free);
  g_cond_clear (&dog->cond);
  g_mutex_clear (&dog->lock);
}

G_END_DECLS
