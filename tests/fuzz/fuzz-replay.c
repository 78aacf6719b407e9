/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runs the fuzzer's harness over files and directories of inputs, without
 * libFuzzer: the seed corpus as a regression test in every build (plain,
 * ASan+UBSan, valgrind, TSan), and any input the fuzzer found replayable
 * with gcc and gdb. One TAP line per input.
 *
 *   fuzz-replay tests/fuzz/corpus [more files or directories…]
 */
#include <glib.h>

#include "fuzz-model.h"
#include "../fifo-watchdog.h"

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
collect (const char *path,
         GPtrArray  *files)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  /* A stable order, whatever the file system's. */
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (files, g_build_filename (path, g_ptr_array_index (names, i), NULL));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  g_setenv ("FIFO_FUZZ_VERBOSE", "1", TRUE);
  LLVMFuzzerInitialize (&argc, &argv);

  for (int i = 1; i < argc; i++)
    collect (argv[i], files);

  if (files->len == 0)
    {
      g_print ("1..0 # SKIP no inputs\n");
      return 0;
    }

  g_print ("1..%u\n", files->len);
  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      gsize length;

      if (!g_file_get_contents (file, &contents, &length, &error))
        {
          g_print ("not ok %u %s # %s\n", i + 1, file, error->message);
          return 1;
        }
      /* A mismatch aborts, with the failing file the last one named. */
      g_printerr ("# %s\n", file);
      /* An input that hangs fails with every thread's stack. */
      fifo_watchdog_start (g_ptr_array_index (files, i), 60);
      LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
      fifo_watchdog_stop ();
      g_print ("ok %u %s\n", i + 1, file);
    }

  return 0;
}
