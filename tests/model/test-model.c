/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Model-based random testing: each primitive against its reference model
 * (fifo-model.c), one random operation at a time, compared after every step.
 *
 *   FIFO_TEST_SEED=n    replay the runs of seed n (printed by every run)
 *   FIFO_TEST_STEPS=n   steps per run (default 100000; 10000 under
 *                       FIFO_TEST_QUICK=1, as valgrind runs it)
 *   FIFO_TEST_SOAK=n    n runs per primitive, each with its own seed
 *                       (default 4, 1 under FIFO_TEST_QUICK; meson setup
 *                       -Dsoak=true registers model-soak, with 500)
 */
#include "fifo-model.h"

#include "../fifo-test-util.h"
#include "../fifo-watchdog.h"

#include <stdlib.h>

static guint32 base_seed;
static guint64 n_steps;
static guint   n_runs;

static guint
rand_choose (gpointer user_data,
             guint    n_choices)
{
  return g_rand_int_range (user_data, 0, n_choices);
}

static void
test_model (gconstpointer data)
{
  FifoModelKind kind = GPOINTER_TO_UINT (data);
  const char *name = fifo_model_kind_name (kind);

  for (guint run = 0; run < n_runs; run++)
    {
      /* A run is replayed alone by giving its seed. */
      guint32 seed = base_seed + run * 7919u;
      guint32 seeds[2] = { seed, kind };
      g_autoptr(GRand) rand = g_rand_new_with_seed_array (seeds, G_N_ELEMENTS (seeds));
      g_autofree char *hint =
        g_strdup_printf ("replay: FIFO_TEST_SEED=%u FIFO_TEST_STEPS=%" G_GUINT64_FORMAT " %s -p /model/%s",
                         seed, n_steps, g_get_prgname (), name);
      g_autofree char *summary = NULL;
      FifoModel *model = fifo_model_new (kind, rand_choose, rand, hint);

      if (run == 0 || n_runs < 10 || run % (n_runs / 10) == 0)
        g_test_message ("%s, run %u: seed %u (%s)", name, run, seed, hint);

      /* A step that never returns (a deadlock) fails with every stack. */
      fifo_watchdog_start (hint, 60);
      for (guint64 step = 0; step < n_steps; step++)
        {
          fifo_model_step (model);
          if (step % 1024 == 0)
            fifo_watchdog_kick ();
        }

      summary = fifo_model_describe (model);
      if (run == 0)
        g_test_message ("%s", summary);
      fifo_model_finish (model);
      fifo_watchdog_stop ();
    }
}

static guint64
env_number (const char *name,
            guint64     fallback)
{
  const char *text = g_getenv (name);
  guint64 n;

  if (text == NULL || *text == '\0')
    return fallback;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &n, NULL))
    {
      g_printerr ("%s must be a number, not \"%s\"\n", name, text);
      exit (2);
    }
  return n;
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  base_seed = (guint32) env_number ("FIFO_TEST_SEED", g_random_int ());
  /* Under FIFO_TEST_QUICK (valgrind) a tenth: fifo_test_scale()'s
   * hundredth would leave too little. */
  n_steps = env_number ("FIFO_TEST_STEPS", fifo_test_scale (1000) < 1000 ? 10000 : 100000);
  /* Four runs (four seeds, four sets of parameters) of 10^5 steps per
   * primitive by default: a few seconds. */
  n_runs = MAX (1, (guint) env_number ("FIFO_TEST_SOAK", fifo_test_scale (400) / 100));
  g_test_message ("seed %u, %" G_GUINT64_FORMAT " steps per run, %u runs per primitive "
                  "(replay with FIFO_TEST_SEED=%u)", base_seed, n_steps, n_runs, base_seed);

  for (FifoModelKind kind = 0; kind < FIFO_MODEL_N_KINDS; kind++)
    {
      g_autofree char *path = g_strconcat ("/model/", fifo_model_kind_name (kind), NULL);

      g_test_add_data_func (path, GUINT_TO_POINTER (kind), test_model);
    }

  return g_test_run ();
}
