/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* See fifo-trace-private.h for what is recorded, when, and the locks. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "fifo-barrier.h"
#include "fifo-condition.h"
#include "fifo-dispatcher-private.h"
#include "fifo-event.h"
#include "fifo-lock.h"
#include "fifo-mutex.h"
#include "fifo-queue.h"
#include "fifo-semaphore.h"
#include "fifo-thread-private.h"
#include "fifo-trace-private.h"

#ifdef HAVE_SYSPROF
# include <unistd.h>
# include <sysprof-capture.h>
#endif

guint fifo_trace_flags;

static gint64  slow_ns;           /* FIFO_DEBUG=slow */
static guint   slow_ms;
static GQuark  info_quark;
static GMutex  trace_lock;        /* a leaf: names, the open occurrences */

#ifdef HAVE_SYSPROF
static gboolean              use_collector;  /* run under Sysprof */
static SysprofCaptureWriter *capture;        /* FIFO_DEBUG=capture=FILE; capture_lock */
static GMutex                capture_lock;   /* taken unlocked only: it writes to disk */
#endif

#define MARK_GROUP "fifolock"

/* FIFO_DEBUG=slow: started once the environment is read, with no lock held. */
static GThread *watch_thread;
static gpointer trace_watch (gpointer data);
#define CONTEXT_MAX 64

/* Nanoseconds, on Sysprof's clock when there is Sysprof. */
static inline gint64
fifo_trace_now (void)
{
#ifdef HAVE_SYSPROF
  return SYSPROF_CAPTURE_CURRENT_TIME;
#else
  return g_get_monotonic_time () * 1000;
#endif
}

/* ---- The environment, read once ------------------------------------------------ */

static const char fifo_debug_help[] =
  "FIFO_DEBUG: a comma-separated list of\n"
  "  slow=MILLISECONDS   warn when a request waits, or a hold lasts, longer than that\n"
  "  capture=FILE        record a Sysprof mark for every wait and hold in FILE\n"
  "  help                print this\n"
  "G_MESSAGES_DEBUG=Fifo (or all) logs every request, grant, cancellation,\n"
  "pass-over and release.\n";

/* What reading FIFO_DEBUG has to say: emitted once the read is over, as a
 * log handler may make a primitive (whose class reads it). */
static GPtrArray *environment_messages;
static gboolean   print_help;
static GPtrArray *pending_messages;  /* atomic: what to say at the first primitive */
static gboolean   pending_help;

void
fifo_trace_say_environment (void)
{
  GPtrArray *messages = g_atomic_pointer_exchange (&pending_messages, NULL);

  if (messages == NULL)
    return;
  if (pending_help)
    g_printerr ("%s", fifo_debug_help);
  for (guint i = 0; i < messages->len; i++)
    g_warning ("%s", (const char *) messages->pdata[i]);
  g_ptr_array_unref (messages);
}

static void
environment_warning (const char *format,
                     ...) G_GNUC_PRINTF (1, 2);

static void
environment_warning (const char *format,
                     ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (environment_messages, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
fifo_trace_read_environment (void)
{
  const char *env = g_getenv ("FIFO_DEBUG");
  guint flags = 0;

  info_quark = g_quark_from_static_string ("fifo-trace-info");

  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    flags |= FIFO_TRACE_DEBUG;

  if (env != NULL)
    {
      g_auto(GStrv) options = g_strsplit (env, ",", -1);

      for (guint i = 0; options[i] != NULL; i++)
        {
          const char *option = g_strstrip (options[i]);
          guint64 ms;

          if (*option == '\0')
            continue;

          if (g_str_has_prefix (option, "slow="))
            {
              if (g_ascii_string_to_unsigned (option + 5, 10, 0, G_MAXUINT, &ms, NULL))
                {
                  slow_ms = (guint) ms;
                  slow_ns = (gint64) ms * G_TIME_SPAN_MILLISECOND * 1000;
                  flags |= FIFO_TRACE_SLOW;
                }
              else
                {
                  environment_warning ("FIFO_DEBUG: “%s” is not a number of milliseconds", option + 5);
                }
            }
          else if (g_str_has_prefix (option, "capture="))
            {
#ifdef HAVE_SYSPROF
              sysprof_clock_init ();
              capture = sysprof_capture_writer_new (option + 8, 0);
              if (capture != NULL)
                flags |= FIFO_TRACE_SYSPROF;
              else
                environment_warning ("FIFO_DEBUG: cannot write a Sysprof capture to “%s”: %s",
                                     option + 8, g_strerror (errno));
#else
              environment_warning ("FIFO_DEBUG: capture needs fifolock-glib built with Sysprof (-Dsysprof=enabled)");
#endif
            }
          else if (g_str_equal (option, "help"))
            {
              print_help = TRUE;
            }
          else
            {
              environment_warning ("FIFO_DEBUG: unknown option “%s” (FIFO_DEBUG=help lists them)", option);
            }
        }
    }

#ifdef HAVE_SYSPROF
  /* Launched by Sysprof: its collector takes the marks. */
  if (g_getenv ("SYSPROF_CONTROL_FD") != NULL)
    {
      sysprof_clock_init ();
      use_collector = TRUE;
      flags |= FIFO_TRACE_SYSPROF;
    }
#endif

  fifo_trace_flags = flags;
}

GParamSpec *
fifo_name_param_spec_new (void)
{
  static gsize read = 0;

  if (g_once_init_enter (&read))
    {
      g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);

      environment_messages = messages;
      fifo_trace_read_environment ();
      environment_messages = NULL;

      /* Both before the read is over for other threads: no primitive
       * exists yet, so no occurrence and nothing said is missed. */
      if (fifo_trace_flags & FIFO_TRACE_SLOW)
        watch_thread = g_thread_new ("fifo-slow-watch", trace_watch, NULL);
      /* Said when the first primitive is made, not here in its class_init:
       * a log handler may make one of the same class. */
      if (print_help || messages->len > 0)
        {
          pending_help = print_help;
          g_atomic_pointer_set (&pending_messages, g_steal_pointer (&messages));
        }
      g_once_init_leave (&read, 1);
    }

  return g_param_spec_string ("name", NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

/* Whether this thread is emitting a message of the library's: what its log
 * writer or handler does with primitives then is not reported (or a writer
 * that uses a primitive would feed itself for ever). */
static inline gboolean
trace_emitting (void)
{
  FifoThread *thread = fifo_thread_current;

  return thread != NULL && thread->trace_emitting;
}

/* Runs @emit with this thread marked as emitting. */
static void
trace_emit_guarded (GFunc    emit,
                    gpointer data)
{
  FifoThread *thread = fifo_thread_get ();
  gboolean was_emitting = thread->trace_emitting;

  thread->trace_emitting = TRUE;
  emit (data, NULL);
  thread->trace_emitting = was_emitting;
}

/* ---- Slow waits and holds that go on --------------------------------------------- */

/* With FIFO_DEBUG=slow, every wait and hold is also an open occurrence in
 * one list, which a watch thread scans: a wait that is never granted, or a
 * hold never released (a hung program), is warned about while it lasts.
 * Each occurrence is warned about once: by the watch, or when it ends if
 * it ended before the watch saw it. An occurrence keeps what its warning
 * says and its primitive's info (not the object): the watch touches no
 * primitive, and names it as it is named when it warns. */
typedef struct _TraceOpen TraceOpen;
typedef struct _TraceInfo TraceInfo;
struct _TraceInfo
{
  guint   ref_count;  /* trace_lock: its primitive's qdata, and open occurrences */
  char   *name;   /* trace_lock */
  GQueue  holds;  /* the primitive's queue's lock: TraceHold, oldest first */
  /* The same lock: releases that ended no hold (a semaphore released
   * before it is acquired, as a signal), which the next holds make up for
   * instead of starting: otherwise they would never end. */
  guint   unmatched_releases;
};

static TraceInfo *trace_info_ensure (GObject *object);
static char      *trace_describe_locked (const char *type_name, gconstpointer address,
                                         TraceInfo *info);
static void       trace_info_free_last  (TraceInfo *info);

struct _TraceOpen
{
  TraceOpen    *prev, *next;     /* trace_lock */
  /* The primitive, described when the warning is made: its type's name
   * (types stay), its address, and its info (a reference: the primitive
   * may be gone by then). */
  const char   *type_name;
  gconstpointer address;
  TraceInfo    *info;
  const char *what;              /* a wait's operation or mode; a hold's mode, or NULL */
  char        context[CONTEXT_MAX];
  gint64      start;
  gboolean    is_hold;
  gboolean    warned;            /* trace_lock */
};

static TraceOpen *open_head;     /* trace_lock: oldest first, warned in that order */
static TraceOpen *open_tail;
static GCond      watch_cond;    /* trace_lock: the list was empty */
/* watch_thread: lives as long as the process (declared above) */
static gboolean   watch_idle;    /* trace_lock: it waits for an occurrence to be new */

static char *
trace_open_warning (TraceOpen *open,
                    gint64     age)
{
  g_autofree char *object = trace_describe_locked (open->type_name, open->address, open->info);

  if (open->is_hold)
    return g_strdup_printf ("%s: a hold%s%s (%s) has lasted %.3f ms and goes on, "
                            "longer than FIFO_DEBUG=slow=%u",
                            object, open->what != NULL ? " of " : "",
                            open->what != NULL ? open->what : "", open->context,
                            (double) age / 1e6, slow_ms);
  return g_strdup_printf ("%s: a request (%s, %s) has waited %.3f ms and still waits, "
                          "longer than FIFO_DEBUG=slow=%u",
                          object, open->what, open->context, (double) age / 1e6, slow_ms);
}

static void
trace_warn_now (gpointer data,
                gpointer unused)
{
  g_warning ("%s", (const char *) data);
}

static gpointer
trace_watch (gpointer data)
{
  g_mutex_lock (&trace_lock);
  for (;;)
    {
      gint64 now = fifo_trace_now ();
      gint64 next = G_MAXINT64;
      char *warning = NULL;

      /* One at a time, decided just before it is emitted: an occurrence
       * that ends while an earlier warning's handler runs is warned about
       * by its end, not as going on. */
      for (TraceOpen *open = open_head; open != NULL && warning == NULL; open = open->next)
        {
          if (open->warned)
            continue;
          if (now - open->start > slow_ns)
            {
              warning = trace_open_warning (open, now - open->start);
              open->warned = TRUE;
            }
          else
            next = MIN (next, open->start + slow_ns);
        }

      if (warning != NULL)
        {
          /* Emitted unlocked: a log handler may use a primitive. */
          g_mutex_unlock (&trace_lock);
          trace_emit_guarded (trace_warn_now, warning);
          g_free (warning);
          g_mutex_lock (&trace_lock);
        }
      else if (next == G_MAXINT64)
        {
          /* Nothing open, or every open one warned about: only a new one
           * can be due (and wakes the watch). */
          watch_idle = TRUE;
          g_cond_wait (&watch_cond, &trace_lock);
          watch_idle = FALSE;
        }
      else
        g_cond_wait_until (&watch_cond, &trace_lock,
                           g_get_monotonic_time () + (next - now) / 1000 + 1);
    }
  return NULL;
}

/* Any lock held (it takes only trace_lock). NULL when not watching. */
static TraceOpen *
trace_open_begin (GObject    *object,
                  const char *what,
                  const char *context,
                  gint64      start,
                  gboolean    is_hold)
{
  TraceOpen *open;

  if (!(fifo_trace_flags & FIFO_TRACE_SLOW))
    return NULL;

  open = g_new0 (TraceOpen, 1);
  open->type_name = G_OBJECT_TYPE_NAME (object);
  open->address = object;
  open->info = trace_info_ensure (object);
  open->what = what;
  g_strlcpy (open->context, context, CONTEXT_MAX);
  open->start = start;
  open->is_hold = is_hold;

  g_mutex_lock (&trace_lock);
  open->info->ref_count++;
  /* A watch waiting for a deadline wakes before this one's (it is later). */
  if (watch_idle)
    g_cond_signal (&watch_cond);
  open->prev = open_tail;
  if (open_tail != NULL)
    open_tail->next = open;
  else
    open_head = open;
  open_tail = open;
  g_mutex_unlock (&trace_lock);

  return open;
}

/* Ends @open (may be NULL): TRUE if the watch has warned about it. */
static gboolean
trace_open_end (TraceOpen *open)
{
  gboolean warned;
  TraceInfo *last = NULL;

  if (open == NULL)
    return FALSE;

  g_mutex_lock (&trace_lock);
  if (open->prev != NULL)
    open->prev->next = open->next;
  else
    open_head = open->next;
  if (open->next != NULL)
    open->next->prev = open->prev;
  else
    open_tail = open->prev;
  warned = open->warned;
  if (--open->info->ref_count == 0)
    last = open->info;
  g_mutex_unlock (&trace_lock);

  trace_info_free_last (last);
  g_free (open);
  return warned;
}

/* ---- Names, and what tracing keeps per primitive ------------------------------------ */

typedef struct
{
  GList         link;    /* in TraceInfo.holds; data: the hold */
  gconstpointer key;     /* FifoLock: the mode; NULL for the others */
  const char   *label;   /* the mode's type name, or NULL */
  gint64        start;
  TraceOpen    *open;    /* while watched (FIFO_DEBUG=slow) */
} TraceHold;


/* The qdata's destroy notify: the primitive is finalized. */
static void
trace_info_release (gpointer data)
{
  TraceInfo *info = data;
  TraceInfo *last = NULL;
  GList *link;

  /* Holds of a primitive finalized while held end with it. */
  while ((link = g_queue_pop_head_link (&info->holds)) != NULL)
    {
      TraceHold *hold = link->data;

      trace_open_end (hold->open);
      g_free (hold);
    }

  g_mutex_lock (&trace_lock);
  if (--info->ref_count == 0)
    last = info;
  g_mutex_unlock (&trace_lock);
  trace_info_free_last (last);
}

/* Unlocked: @info (may be NULL) had its last reference dropped. */
static void
trace_info_free_last (TraceInfo *info)
{
  if (info == NULL)
    return;
  g_assert (g_queue_is_empty (&info->holds));
  g_free (info->name);
  g_free (info);
}

/* trace_lock held. "FifoMutex “db”", or "FifoMutex 0x…". */
static char *
trace_describe_locked (const char    *type_name,
                       gconstpointer  address,
                       TraceInfo     *info)
{
  if (info != NULL && info->name != NULL)
    return g_strdup_printf ("%s “%s”", type_name, info->name);
  return g_strdup_printf ("%s %p", type_name, address);
}

/* trace_lock held. */
static TraceInfo *
trace_info_ensure_locked (GObject *object)
{
  TraceInfo *info = g_object_get_qdata (object, info_quark);

  if (info == NULL)
    {
      info = g_new0 (TraceInfo, 1);
      info->ref_count = 1;  /* the qdata's */
      g_queue_init (&info->holds);
      g_object_set_qdata_full (object, info_quark, info, trace_info_release);
    }
  return info;
}

/* Once made, an object's info stays until it is finalized. */
static TraceInfo *
trace_info_ensure (GObject *object)
{
  TraceInfo *info = g_object_get_qdata (object, info_quark);

  if (info == NULL)
    {
      g_mutex_lock (&trace_lock);
      info = trace_info_ensure_locked (object);
      g_mutex_unlock (&trace_lock);
    }
  return info;
}

char *
fifo_object_dup_name (GObject *object)
{
  TraceInfo *info;
  char *name;

  g_mutex_lock (&trace_lock);
  info = g_object_get_qdata (object, info_quark);
  name = info != NULL ? g_strdup (info->name) : NULL;
  g_mutex_unlock (&trace_lock);

  return name;
}

gboolean
fifo_object_set_name (GObject    *object,
                      const char *name)
{
  TraceInfo *info;
  char *old;

  g_mutex_lock (&trace_lock);
  info = name != NULL ? trace_info_ensure_locked (object) : g_object_get_qdata (object, info_quark);
  if (info == NULL || g_strcmp0 (info->name, name) == 0)
    {
      g_mutex_unlock (&trace_lock);
      return FALSE;
    }
  old = info->name;
  info->name = g_strdup (name);
  g_mutex_unlock (&trace_lock);

  g_free (old);
  return TRUE;
}

char *
fifo_object_describe (GObject *object)
{
  TraceInfo *info;
  char *description;

  g_mutex_lock (&trace_lock);
  info = g_object_get_qdata (object, info_quark);
  description = trace_describe_locked (G_OBJECT_TYPE_NAME (object), object, info);
  g_mutex_unlock (&trace_lock);

  return description;
}

/* A Sysprof mark's name: the primitive's own, or its type and address,
 * cut (on a character) to what a mark holds. */
static char *
trace_mark_name (GObject *object)
{
  TraceInfo *info;
  char *label;

  g_mutex_lock (&trace_lock);
  info = g_object_get_qdata (object, info_quark);
  if (info != NULL && info->name != NULL)
    label = g_strdup (info->name);
  else
    label = g_strdup_printf ("%s %p", G_OBJECT_TYPE_NAME (object), (gpointer) object);
  g_mutex_unlock (&trace_lock);

#define MARK_NAME_MAX 39  /* SysprofCaptureMark.name is char[40]: 39 and a NUL */
  if (strlen (label) > MARK_NAME_MAX)
    {
      char *end = label + MARK_NAME_MAX;

      if (!g_utf8_validate (label, -1, NULL))
        *end = '\0';
      else
        *g_utf8_find_prev_char (label, end + 1) = '\0';
    }
  return label;
}

/* ---- What a waiter is ---------------------------------------------------------------- */

/* The mode: a FifoLock's mode's type name, or the operation. */
static const char *
trace_waiter_mode (FifoWaiter *waiter)
{
  gpointer tag = waiter->op->source_tag;

  if (tag == (gpointer) fifo_lock_acquire_async)
    return G_OBJECT_TYPE_NAME (waiter->data.pointer);
  if (tag == (gpointer) fifo_mutex_acquire_async || tag == (gpointer) fifo_semaphore_acquire_async)
    return "acquire";
  if (tag == (gpointer) fifo_condition_wait_for_async ||
      (tag == (gpointer) fifo_condition_wait_async && waiter->op->free_orphaned_user_data != NULL))
    return "wait_for";
  if (tag == (gpointer) fifo_queue_put_async || tag == (gpointer) fifo_queue_put_value_async)
    return "put";
  if (tag == (gpointer) fifo_queue_get_async)
    return "get";
  if (tag == (gpointer) fifo_queue_join_async)
    return "join";
  return "wait";  /* FifoEvent, FifoCondition, FifoBarrier */
}

/* Where its callback runs: "context 0x…", or "blocking". */
static void
trace_waiter_context (FifoWaiter *waiter,
                      char        buffer[CONTEXT_MAX])
{
  GMainContext *context;

  if (waiter->dispatcher == NULL)
    {
      g_strlcpy (buffer, "blocking", CONTEXT_MAX);
      return;
    }

  context = fifo_dispatcher_peek_context (waiter->dispatcher);
  g_snprintf (buffer, CONTEXT_MAX, "context %p%s", (gpointer) context,
              fifo_dispatcher_is_dead (waiter->dispatcher) ? ", gone"
              : context == g_main_context_default () ? ", the default" : "");
}

/* A release's or a try_'s: the caller's thread-default context. */
static void
trace_caller_context (char buffer[CONTEXT_MAX])
{
  GMainContext *context = g_main_context_get_thread_default ();

  g_snprintf (buffer, CONTEXT_MAX, "caller's context %p%s",
              (gpointer) (context != NULL ? context : g_main_context_default ()),
              context == NULL || context == g_main_context_default () ? ", the default" : "");
}

/* Whether a completion at @queue leaves @waiter's caller holding it. */
static gboolean
trace_completion_holds (FifoWaitQueue *queue,
                        FifoWaiter    *waiter,
                        FifoOutcome    outcome)
{
  GObject *owner = queue->owner;

  if (FIFO_IS_LOCK (owner) || FIFO_IS_SEMAPHORE (owner))
    return outcome == FIFO_OUTCOME_SUCCESS;
  /* A condition's wait ends holding the mutex, whatever its outcome. */
  if (FIFO_IS_MUTEX (owner))
    return outcome == FIFO_OUTCOME_SUCCESS || waiter->op->klass != queue->klass;
  return FALSE;
}

/* ---- Holds ------------------------------------------------------------------------- */

/* Locked (@holder's queue). */
static void
trace_hold_add (GObject       *holder,
                gconstpointer  key,
                const char    *label,
                const char    *context,
                gint64         start)
{
  TraceInfo *info = trace_info_ensure (holder);
  TraceHold *hold;

  if (key == NULL && info->unmatched_releases > 0)
    {
      info->unmatched_releases--;
      return;
    }

  hold = g_new0 (TraceHold, 1);

  hold->link.data = hold;
  hold->key = key;
  hold->label = label;
  hold->start = start;
  hold->open = trace_open_begin (holder, label, context, start, TRUE);
  g_queue_push_tail_link (&info->holds, &hold->link);
}

/* Locked. Ends the oldest hold of @key, or the one that started at
 * @start if it is not 0; NULL if there is none. */
static TraceHold *
trace_hold_take (GObject       *holder,
                 gconstpointer  key,
                 gint64         start)
{
  TraceInfo *info = g_object_get_qdata (holder, info_quark);

  if (info == NULL)
    return NULL;

  for (GList *link = start != 0 ? info->holds.tail : info->holds.head; link != NULL;
       link = start != 0 ? link->prev : link->next)
    {
      TraceHold *hold = link->data;

      if (hold->key == key && (start == 0 || hold->start == start))
        {
          g_queue_unlink (&info->holds, link);
          return hold;
        }
    }
  return NULL;
}

/* ---- Reports ---------------------------------------------------------------------- */

typedef struct
{
  const char *event;      /* FIFO_EVENT: request, grant, cancel, fail, pass-over, release */
  char       *object;     /* FIFO_OBJECT */
  const char *mode;       /* FIFO_MODE, or NULL */
  char        context[CONTEXT_MAX];
  char       *message;    /* a debug message, or NULL */
  char       *warning;    /* a slow wait or hold, or NULL */
  char       *mark_name;  /* a Sysprof mark, or NULL */
  char       *mark_message;
  gint64      mark_start;
  gint64      mark_duration;
} TraceRecord;

static void
trace_mark_emit (TraceRecord *record)
{
#ifdef HAVE_SYSPROF
  if (use_collector)
    sysprof_collector_mark (record->mark_start, record->mark_duration, MARK_GROUP,
                            record->mark_name, record->mark_message);
  if (capture != NULL)
    {
      g_mutex_lock (&capture_lock);
      sysprof_capture_writer_add_mark (capture, record->mark_start, -1, getpid (),
                                       record->mark_duration, MARK_GROUP,
                                       record->mark_name, record->mark_message);
      /* A hung program never exits: every mark is on disk at once. */
      sysprof_capture_writer_flush (capture);
      g_mutex_unlock (&capture_lock);
    }
#endif
}

/* Unlocked. */
static void
trace_record_emit_now (gpointer data,
                       gpointer unused)
{
  TraceRecord *record = data;

  if (record->message != NULL)
    {
      GLogField fields[] = {
        { "GLIB_DOMAIN", G_LOG_DOMAIN, -1 },
        { "PRIORITY", "7", -1 },
        { "MESSAGE", record->message, -1 },
        { "FIFO_EVENT", record->event, -1 },
        { "FIFO_OBJECT", record->object, -1 },
        { "FIFO_CONTEXT", record->context, -1 },
        { "FIFO_MODE", record->mode, -1 },
      };

      g_log_structured_array (G_LOG_LEVEL_DEBUG, fields,
                              G_N_ELEMENTS (fields) - (record->mode == NULL ? 1 : 0));
    }

  if (record->warning != NULL)
    g_warning ("%s", record->warning);

  if (record->mark_name != NULL)
    trace_mark_emit (record);

  g_free (record->object);
  g_free (record->message);
  g_free (record->warning);
  g_free (record->mark_name);
  g_free (record->mark_message);
  g_free (record);
}

static void
trace_record_emit (gpointer data)
{
  trace_emit_guarded (trace_record_emit_now, data);
}

/* What became of a wait, for a slow one's warning. */
static const char *
trace_outcome_phrase (const char *event)
{
  if (g_str_equal (event, "grant"))
    return "it was granted";
  if (g_str_equal (event, "cancel"))
    return "it was cancelled";
  return "it failed";
}

#define MS(ns) ((double) (ns) / 1e6)

/* Reports an event of @object. @waited and @held are durations that end
 * now (-1: none); @warned: the watch has already warned that it was slow.
 * @locked: the queue whose unlock is to emit it, or NULL to emit it now. */
static void
trace_report (FifoWaitQueue *locked,
              GObject       *object,
              const char    *event,
              const char    *mode,
              const char    *context,
              gint64         now,
              gint64         waited,
              gint64         held,
              gboolean       warned,
              const char    *extra)
{
  gboolean slow_wait = (fifo_trace_flags & FIFO_TRACE_SLOW) && !warned && waited > slow_ns;
  gboolean slow_hold = (fifo_trace_flags & FIFO_TRACE_SLOW) && !warned && held > slow_ns;
  gboolean mark = (fifo_trace_flags & FIFO_TRACE_SYSPROF) && (waited >= 0 || held >= 0);

  /* While this thread writes one of the library's messages, no debug line
   * (a writer that uses a primitive would feed itself for ever); slow
   * warnings and marks still. */
  gboolean debug = (fifo_trace_flags & FIFO_TRACE_DEBUG) && !trace_emitting ();
  TraceRecord *record;

  if (!debug && !slow_wait && !slow_hold && !mark)
    return;

  record = g_new0 (TraceRecord, 1);
  record->event = event;
  record->mode = mode;
  record->object = fifo_object_describe (object);
  g_strlcpy (record->context, context, CONTEXT_MAX);

  if (debug)
    {
      GString *message = g_string_new (NULL);

      g_string_append_printf (message, "%s: %s", record->object, event);
      if (mode != NULL)
        g_string_append_printf (message, " %s", mode);
      g_string_append_printf (message, " (%s)", context);
      if (waited >= 0)
        g_string_append_printf (message, ", waited %.3f ms", MS (waited));
      if (held >= 0)
        g_string_append_printf (message, ", held %.3f ms", MS (held));
      if (extra != NULL)
        g_string_append_printf (message, ", %s", extra);
      record->message = g_string_free (message, FALSE);
    }

  if (slow_wait)
    record->warning = g_strdup_printf ("%s: a request (%s, %s) waited %.3f ms before %s, "
                                       "longer than FIFO_DEBUG=slow=%u",
                                       record->object, mode, context, MS (waited),
                                       trace_outcome_phrase (event), slow_ms);
  else if (slow_hold)
    record->warning = g_strdup_printf ("%s: a hold%s%s lasted %.3f ms until its %s, "
                                       "longer than FIFO_DEBUG=slow=%u",
                                       record->object, mode != NULL ? " of " : "", mode != NULL ? mode : "",
                                       MS (held), g_str_equal (event, "release") ? "release" : "cancellation",
                                       slow_ms);

  if (mark)
    {
      gint64 duration = waited >= 0 ? waited : held;

      record->mark_name = trace_mark_name (object);
      record->mark_start = now - duration;
      record->mark_duration = duration;
      if (waited >= 0)
        record->mark_message = g_strdup_printf ("wait %s (%s)", mode, event);
      else
        record->mark_message = g_strdup_printf ("hold%s%s", mode != NULL ? " " : "", mode != NULL ? mode : "");
    }

  if (locked != NULL)
    fifo_wait_queue_defer (locked, trace_record_emit, record);
  else
    trace_record_emit (record);
}

/* ---- The hooks --------------------------------------------------------------------- */

void
fifo_trace_request (FifoWaitQueue *queue,
                    FifoWaiter    *waiter)
{
  char context[CONTEXT_MAX];

  waiter->trace_time = fifo_trace_now ();
  if (!(fifo_trace_flags & (FIFO_TRACE_DEBUG | FIFO_TRACE_SLOW)))
    return;

  trace_waiter_context (waiter, context);
  waiter->trace_open = trace_open_begin (FIFO_WAITER_SOURCE (waiter), trace_waiter_mode (waiter),
                                         context, waiter->trace_time, FALSE);
  if (fifo_trace_flags & FIFO_TRACE_DEBUG)
    trace_report (NULL, FIFO_WAITER_SOURCE (waiter), "request", trace_waiter_mode (waiter), context,
                  waiter->trace_time, -1, -1, FALSE, NULL);
}

void
fifo_trace_forget (FifoWaiter *waiter)
{
  trace_open_end (g_steal_pointer (&waiter->trace_open));
}

void
fifo_trace_complete (FifoWaitQueue *queue,
                     FifoWaiter    *waiter,
                     FifoOutcome    outcome)
{
  gint64 now = fifo_trace_now ();
  gint64 waited = waiter->trace_time != 0 ? now - waiter->trace_time : 0;
  const char *mode = trace_waiter_mode (waiter);
  const char *event = outcome == FIFO_OUTCOME_SUCCESS ? "grant"
                      : outcome == FIFO_OUTCOME_CANCELLED ? "cancel" : "fail";
  g_autofree char *holding = NULL;
  char context[CONTEXT_MAX];
  gboolean warned = trace_open_end (g_steal_pointer (&waiter->trace_open));

  trace_waiter_context (waiter, context);
  if (trace_completion_holds (queue, waiter, outcome))
    {
      gboolean lock = FIFO_IS_LOCK (queue->owner);

      trace_hold_add (queue->owner, lock ? waiter->data.pointer : NULL, lock ? mode : NULL,
                      context, now);
      if (queue->owner != FIFO_WAITER_SOURCE (waiter))
        {
          g_autofree char *holder = fifo_object_describe (queue->owner);

          holding = g_strdup_printf ("holding %s", holder);
        }
    }
  /* From now on, when it was granted: a grant taken back ends its hold. */
  waiter->trace_time = now;

  trace_report (queue, FIFO_WAITER_SOURCE (waiter), event, mode, context, now, waited, -1,
                warned, holding);
}

void
fifo_trace_revoke (FifoWaitQueue *queue,
                   FifoWaiter    *waiter)
{
  gint64 now = fifo_trace_now ();
  const char *mode = trace_waiter_mode (waiter);
  /* Cancelled (the grant claimed back), or passed over. */
  gboolean cancelled = g_atomic_int_get (&waiter->state) == FIFO_WAITER_REVOKED;
  gboolean held = trace_completion_holds (queue, waiter, FIFO_OUTCOME_SUCCESS);
  TraceHold *hold = NULL;
  char context[CONTEXT_MAX];

  trace_waiter_context (waiter, context);

  /* A condition's wait keeps the mutex its grant is. */
  gboolean keeps_mutex = held && waiter->op->klass != queue->klass;

  if (held && !keeps_mutex)
    {
      gconstpointer key = FIFO_IS_LOCK (queue->owner) ? waiter->data.pointer : NULL;

      hold = trace_hold_take (queue->owner, key, waiter->trace_time);
      /* A grant that an earlier release made up for started no hold: the
       * permit it gives back makes up for the next one again. */
      if (hold == NULL && key == NULL)
        trace_info_ensure (queue->owner)->unmatched_releases++;
    }

  if (cancelled)
    trace_report (queue, FIFO_WAITER_SOURCE (waiter), "cancel", mode, context, now,
                  -1, hold != NULL ? now - hold->start : -1,
                  hold != NULL && trace_open_end (hold->open),
                  keeps_mutex ? "after its grant: the mutex is kept"
                  : held ? "after its grant: given back" : "after its grant: taken back");
  else if (hold != NULL)
    trace_report (queue, queue->owner, "release", hold->label, context, now,
                  -1, now - hold->start, trace_open_end (hold->open), "given back by its pass-over");

  g_free (hold);
}

void
fifo_trace_pass_over (FifoWaitQueue *queue,
                      FifoWaiter    *waiter)
{
  char context[CONTEXT_MAX];

  if (!(fifo_trace_flags & FIFO_TRACE_DEBUG))
    return;

  trace_waiter_context (waiter, context);
  trace_report (queue, FIFO_WAITER_SOURCE (waiter), "pass-over", trace_waiter_mode (waiter), context,
                fifo_trace_now (), -1, -1, FALSE,
                fifo_waiter_get_outcome (waiter) == FIFO_OUTCOME_SUCCESS
                ? "its main context is gone: what it was granted is given back"
                : "its main context is gone");
}

void
fifo_trace_hold (FifoWaitQueue *queue,
                 gpointer       mode)
{
  gint64 now = fifo_trace_now ();
  const char *label = mode != NULL ? G_OBJECT_TYPE_NAME (mode) : NULL;
  char context[CONTEXT_MAX];

  trace_caller_context (context);
  trace_hold_add (queue->owner, mode, label, context, now);

  if (fifo_trace_flags & FIFO_TRACE_DEBUG)
    {
      trace_report (queue, queue->owner, "grant", label != NULL ? label : "try_acquire", context,
                    now, -1, -1, FALSE, label != NULL ? "by try_acquire, without waiting" : "without waiting");
    }
}

void
fifo_trace_release (FifoWaitQueue *queue,
                    gpointer       mode)
{
  gint64 now = fifo_trace_now ();
  TraceHold *hold = trace_hold_take (queue->owner, mode, 0);
  char context[CONTEXT_MAX];

  if (hold == NULL && mode == NULL)
    trace_info_ensure (queue->owner)->unmatched_releases++;
  trace_caller_context (context);
  trace_report (queue, queue->owner, "release", mode != NULL ? G_OBJECT_TYPE_NAME (mode) : NULL,
                context, now, -1, hold != NULL ? now - hold->start : -1,
                hold != NULL && trace_open_end (hold->open), NULL);
  g_free (hold);
}
