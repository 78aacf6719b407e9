/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness: the input is an operation sequence for the model-based
 * driver (tests/model/fifo-model.c). Its first byte picks the primitive
 * (input_kind()), every later byte one decision of the driver: which
 * operation, which mode, which context, which request to cancel, how many
 * iterations… When the input runs out, the run is finished: everything is
 * released, unblocked and delivered, and checked once more. Any
 * disagreement with the model, any unexpected g_critical or g_warning, and
 * anything AddressSanitizer or UndefinedBehaviorSanitizer see, aborts: a
 * finding.
 *
 *   fuzz-model -max_total_time=60 NEW_CORPUS_DIR tests/fuzz/corpus
 *   fuzz-model CRASH_FILE             (replays one input)
 */
#include "fifo-model.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz-model.h"

/* An input longer than this is cut: its tail adds nothing a shorter one
 * could not reach. */
#define MAX_STEPS 8192

typedef struct
{
  const guint8 *data;
  gsize         size;
  gsize         position;
} Input;

static guint
input_choose (gpointer user_data,
              guint    n_choices)
{
  Input *input = user_data;
  guint value = 0;
  guint n_bytes = n_choices > 256 ? 2 : 1;

  for (guint i = 0; i < n_bytes; i++)
    {
      /* Exhausted: the first choice every time, which drains the run. */
      if (input->position >= input->size)
        return 0;
      value = value << 8 | input->data[input->position++];
    }

  return value % n_choices;
}

/* The first byte picks the primitive. The corpus was made when there were
 * seven kinds, picked by byte % 7, and keeps them: 0xe0-0xef, which none
 * of those inputs starts with, pick the queue kinds (even: unbounded, odd:
 * bounded), every other byte % 7 as before. */
static FifoModelKind
input_kind (guint8 byte)
{
  G_STATIC_ASSERT (FIFO_MODEL_QUEUE == 7 && FIFO_MODEL_BOUNDED_QUEUE == 8 &&
                   FIFO_MODEL_N_KINDS == 9);

  if (byte >= 0xe0 && byte <= 0xef)
    return byte % 2 == 0 ? FIFO_MODEL_QUEUE : FIFO_MODEL_BOUNDED_QUEUE;
  return byte % FIFO_MODEL_QUEUE;
}

/* fuzz-replay says what each input did. */
static gboolean verbose;

/* A warning or critical nobody expected is a finding (the driver catches
 * the misuse criticals it provokes with a handler of its own). abort(),
 * not GLib's fatal-log breakpoint: libFuzzer saves the input on SIGABRT,
 * not on SIGTRAP. */
static void
fatal_log_handler (const char     *domain,
                   GLogLevelFlags  level,
                   const char     *message,
                   gpointer        user_data)
{
  g_log_default_handler (domain, level, message, user_data);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  verbose = g_getenv ("FIFO_FUZZ_VERBOSE") != NULL;
  /* Memory checkers see GLib's allocations one by one. */
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_log_set_default_handler (fatal_log_handler, NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  Input input = { data, size, 1 };
  FifoModel *model;

  if (size < 2)
    return 0;

  model = fifo_model_new (input_kind (data[0]), input_choose, &input,
                          "replay: fuzz-model FILE, or fuzz-replay FILE in any build");
  for (guint steps = 0; input.position < input.size && steps < MAX_STEPS; steps++)
    fifo_model_step (model);
  if (verbose)
    {
      g_autofree char *summary = fifo_model_describe (model);

      g_printerr ("# %s\n", summary);
    }
  fifo_model_finish (model);

  return 0;
}
