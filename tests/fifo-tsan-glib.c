/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Linked into the test programs of a ThreadSanitizer build, and only there
 * (tests/meson.build adds it when b_sanitize has 'thread').
 *
 * GLib 2.74 implements GMutex and GCond on Linux with futexes and atomic
 * operations inside libglib, which is not instrumented: ThreadSanitizer
 * sees no order between a g_mutex_unlock() in one thread and the
 * g_mutex_lock() that follows it in another, and reports every access made
 * under a GMutex as a data race — the library's whole state, and GIO's
 * GCancellable. GLib's own CI solves this by building GLib with TSan; we
 * cannot rebuild Debian's GLib for a test run.
 *
 * So these definitions replace GLib's GMutex and GCond functions for every
 * caller outside libglib (an executable's symbols come first in the
 * dynamic linker's lookup): the library under test, GObject and GIO. They
 * are the pthread implementation GLib itself uses where futexes are not
 * available, and ThreadSanitizer intercepts pthreads. libglib's calls to
 * itself are bound at link time (-Bsymbolic-functions) and keep the
 * futexes; they only ever lock libglib's private mutexes (main contexts,
 * thread pools, GOnce…), which no code outside libglib locks, so no mutex
 * is ever used through both implementations. What remains invisible to
 * TSan, libglib's own internals, is what tests/tsan.supp is for.
 */
#define _GNU_SOURCE  /* pthread_condattr_setclock() and RTLD_NEXT under -std=c11 */

#include <glib-object.h>

#include <dlfcn.h>
#include <errno.h>
#include <sanitizer/tsan_interface.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* A GMutex or GCond is a pointer-sized union: it holds a pointer to the
 * pthread object, made on first use (a static GMutex is all zeroes). */
static pthread_mutex_t *
shim_mutex (GMutex *mutex)
{
  pthread_mutex_t *impl = __atomic_load_n ((pthread_mutex_t **) &mutex->p, __ATOMIC_ACQUIRE);

  if (G_UNLIKELY (impl == NULL))
    {
      pthread_mutex_t *fresh = malloc (sizeof *fresh);

      if (fresh == NULL)
        abort ();
      pthread_mutex_init (fresh, NULL);
      if (__atomic_compare_exchange_n ((pthread_mutex_t **) &mutex->p, &impl, fresh,
                                       FALSE, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        {
          impl = fresh;
        }
      else
        {
          pthread_mutex_destroy (fresh);
          free (fresh);
        }
    }

  return impl;
}

static pthread_cond_t *
shim_cond (GCond *cond)
{
  pthread_cond_t *impl = __atomic_load_n ((pthread_cond_t **) &cond->p, __ATOMIC_ACQUIRE);

  if (G_UNLIKELY (impl == NULL))
    {
      pthread_cond_t *fresh = malloc (sizeof *fresh);
      pthread_condattr_t attr;

      if (fresh == NULL)
        abort ();
      /* g_cond_wait_until() takes monotonic time. */
      pthread_condattr_init (&attr);
      pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
      pthread_cond_init (fresh, &attr);
      pthread_condattr_destroy (&attr);
      if (__atomic_compare_exchange_n ((pthread_cond_t **) &cond->p, &impl, fresh,
                                       FALSE, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        {
          impl = fresh;
        }
      else
        {
          pthread_cond_destroy (fresh);
          free (fresh);
        }
    }

  return impl;
}

void
g_mutex_init (GMutex *mutex)
{
  mutex->p = NULL;
}

void
g_mutex_clear (GMutex *mutex)
{
  pthread_mutex_t *impl = mutex->p;

  if (impl != NULL)
    {
      pthread_mutex_destroy (impl);
      free (impl);
    }
  mutex->p = NULL;
}

void
g_mutex_lock (GMutex *mutex)
{
  if (pthread_mutex_lock (shim_mutex (mutex)) != 0)
    abort ();
}

void
g_mutex_unlock (GMutex *mutex)
{
  if (pthread_mutex_unlock (shim_mutex (mutex)) != 0)
    abort ();
}

gboolean
g_mutex_trylock (GMutex *mutex)
{
  return pthread_mutex_trylock (shim_mutex (mutex)) == 0;
}

void
g_cond_init (GCond *cond)
{
  cond->p = NULL;
}

void
g_cond_clear (GCond *cond)
{
  pthread_cond_t *impl = cond->p;

  if (impl != NULL)
    {
      pthread_cond_destroy (impl);
      free (impl);
    }
  cond->p = NULL;
}

void
g_cond_wait (GCond  *cond,
             GMutex *mutex)
{
  if (pthread_cond_wait (shim_cond (cond), shim_mutex (mutex)) != 0)
    abort ();
}

void
g_cond_signal (GCond *cond)
{
  pthread_cond_signal (shim_cond (cond));
}

void
g_cond_broadcast (GCond *cond)
{
  pthread_cond_broadcast (shim_cond (cond));
}

gboolean
g_cond_wait_until (GCond  *cond,
                   GMutex *mutex,
                   gint64  end_time)
{
  struct timespec ts;
  int status;

  ts.tv_sec = end_time / G_USEC_PER_SEC;
  ts.tv_nsec = (end_time % G_USEC_PER_SEC) * 1000;

  status = pthread_cond_timedwait (shim_cond (cond), shim_mutex (mutex), &ts);
  if (status != 0 && status != ETIMEDOUT)
    abort ();
  return status == 0;
}

/* A GObject's reference count moves by atomic operations in uninstrumented
 * libgobject, so TSan does not see that whatever a thread did to an object
 * before its g_object_unref() happens before the finalization that the last
 * g_object_unref(), in another thread, runs — its qdata torn down, its
 * memory freed. These wrappers tell it, for every caller outside libgobject:
 * each unref is a read-modify-write of the count, which orders it after
 * every earlier unref (GLib's are sequentially consistent), so each first
 * acquires what the earlier ones released, then releases. */
void
g_object_unref (gpointer object)
{
  static void (*real_unref) (gpointer) = NULL;
  void (*unref) (gpointer) = __atomic_load_n (&real_unref, __ATOMIC_ACQUIRE);

  if (G_UNLIKELY (unref == NULL))
    {
      unref = (void (*) (gpointer)) dlsym (RTLD_NEXT, "g_object_unref");
      if (unref == NULL)
        abort ();
      __atomic_store_n (&real_unref, unref, __ATOMIC_RELEASE);
    }

  if (object != NULL)
    {
      __tsan_acquire (object);
      __tsan_release (object);
    }
  unref (object);
}
