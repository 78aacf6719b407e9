/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Error messages arrive in the user's language.
 *
 * Run it with LANGUAGE=de or LANGUAGE=fr (and LC_ALL naming an installed
 * UTF-8 locale): it checks the messages of a cancelled acquisition and of a
 * broken barrier, from the blocking and the asynchronous forms, against the
 * translations it expects.
 *
 * The library binds its text domain to its installed localedir the first
 * time it translates a message. With --localedir=DIR (the build tree's po/
 * directory, where the .mo files are built) the test lets that happen, then
 * binds the domain to DIR instead, so that it runs uninstalled; without it,
 * it checks the installed translations and the library's own binding. */
#include <locale.h>
#include <libintl.h>

#include <fifolock-glib/fifolock.h>

typedef struct
{
  const char *language;
  const char *cancelled;
  const char *broken;
  const char *shut_down;
} Expected;

static const Expected expected_messages[] = {
  { "de", "Der Vorgang wurde abgebrochen", "Die Barriere ist gebrochen",
    "Die Warteschlange ist heruntergefahren" },
  { "fr", "L’opération a été annulée", "La barrière est rompue",
    "La file d’attente est fermée" },
};

static const Expected *expected;
static const char *localedir;

/* The error of a blocking acquisition cancelled before it started. */
static GError *
cancelled_blocking_error (void)
{
  g_autoptr(FifoMutex) mutex = fifo_mutex_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GError *error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (fifo_mutex_acquire (mutex, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  return error;
}

/* Makes the library bind its domain (translating a message does), then
 * rebinds it to the build tree. */
static void
bind_build_tree (void)
{
  g_error_free (cancelled_blocking_error ());

  g_assert_nonnull (bindtextdomain (GETTEXT_PACKAGE, localedir));
  g_assert_nonnull (bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8"));
}

static void
test_cancelled_blocking (void)
{
  g_autoptr(GError) error = cancelled_blocking_error ();

  g_assert_cmpstr (error->message, ==, expected->cancelled);
}

static void
test_broken_barrier_blocking (void)
{
  g_autoptr(FifoBarrier) barrier = fifo_barrier_new (2);
  g_autoptr(GError) error = NULL;

  fifo_barrier_abort (barrier);
  g_assert_cmpint (fifo_barrier_wait (barrier, NULL, &error), ==, -1);
  g_assert_error (error, FIFO_ERROR, FIFO_ERROR_BROKEN_BARRIER);
  g_assert_cmpstr (error->message, ==, expected->broken);
}

static void
barrier_waited_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError **error = user_data;

  g_assert_cmpint (fifo_barrier_wait_finish (FIFO_BARRIER (source), result, error), ==, -1);
}

static void
test_broken_barrier_async (void)
{
  g_autoptr(FifoBarrier) barrier = fifo_barrier_new (3);
  g_autoptr(GError) error = NULL;

  fifo_barrier_wait_async (barrier, NULL, barrier_waited_cb, &error);
  fifo_barrier_abort (barrier);  /* breaks the waiting party's cycle */

  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_error (error, FIFO_ERROR, FIFO_ERROR_BROKEN_BARRIER);
  g_assert_cmpstr (error->message, ==, expected->broken);
}

static void
test_queue_shut_down (void)
{
  g_autoptr(FifoQueue) queue = fifo_queue_new (0, NULL);
  g_autoptr(GError) error = NULL;

  fifo_queue_shutdown (queue, FALSE);
  g_assert_null (fifo_queue_get (queue, NULL, &error));
  g_assert_error (error, FIFO_ERROR, FIFO_ERROR_QUEUE_SHUT_DOWN);
  g_assert_cmpstr (error->message, ==, expected->shut_down);
}

int
main (int    argc,
      char **argv)
{
  const char *language = g_getenv ("LANGUAGE");
  const char *locale = setlocale (LC_ALL, "");

  g_test_init (&argc, &argv, NULL);

  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--localedir="))
      localedir = argv[i] + strlen ("--localedir=");

  /* gettext ignores LANGUAGE in the "C" locale; C.UTF-8 will do. */
  if (locale == NULL || g_str_equal (locale, "C"))
    {
      g_test_message ("locale \"%s\" has no translations; trying C.UTF-8", g_getenv ("LC_ALL"));
      locale = setlocale (LC_ALL, "C.UTF-8");
    }

  for (guint i = 0; language != NULL && i < G_N_ELEMENTS (expected_messages); i++)
    if (g_str_has_prefix (language, expected_messages[i].language))
      expected = &expected_messages[i];

  if (expected == NULL || locale == NULL)
    {
      g_printerr ("Run with LANGUAGE=de or fr and LC_ALL set to an installed locale "
                  "(LANGUAGE=%s, LC_ALL=%s)\n", language, g_getenv ("LC_ALL"));
      return 1;
    }

  g_test_message ("LANGUAGE=%s, locale %s, translations from %s", language, locale,
                  localedir != NULL ? localedir : "the installed localedir");
  if (localedir != NULL)
    bind_build_tree ();

  g_test_add_func ("/i18n/cancelled/blocking", test_cancelled_blocking);
  g_test_add_func ("/i18n/broken-barrier/blocking", test_broken_barrier_blocking);
  g_test_add_func ("/i18n/broken-barrier/async", test_broken_barrier_async);
  g_test_add_func ("/i18n/queue-shut-down", test_queue_shut_down);

  return g_test_run ();
}
