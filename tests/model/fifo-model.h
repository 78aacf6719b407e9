/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A reference model of every fifolock-glib primitive, and a driver that
 * applies operations to the library and to the model side by side and
 * checks, after every step, that the two agree.
 *
 * The driver takes every decision from a FifoModelChooseFunc: a seeded
 * random generator in tests/model/test-model.c, the fuzzer's input in
 * tests/fuzz/. A mismatch aborts with the step, the operations that led to
 * it and the replay hint the caller gave.
 */
#pragma once

#include <fifolock-glib/fifolock.h>

G_BEGIN_DECLS

typedef enum {
  FIFO_MODEL_LOCK,
  FIFO_MODEL_MUTEX,
  FIFO_MODEL_SEMAPHORE,
  FIFO_MODEL_BOUNDED_SEMAPHORE,
  FIFO_MODEL_EVENT,
  FIFO_MODEL_CONDITION,
  FIFO_MODEL_BARRIER,
  FIFO_MODEL_QUEUE,
  FIFO_MODEL_BOUNDED_QUEUE,
  FIFO_MODEL_N_KINDS
} FifoModelKind;

/* Returns a number below @n_choices (which is at least 1). */
typedef guint (*FifoModelChooseFunc) (gpointer user_data,
                                      guint    n_choices);

typedef struct _FifoModel FifoModel;

const char *fifo_model_kind_name   (FifoModelKind        kind);

/* Makes the primitive, its modes and three main contexts; takes the
 * primitive's parameters (barrier parties, semaphore value, mode sizes, a
 * bounded queue's max-size) from @choose. One model at a time: a queue's
 * free function finds the model that made it through a global. @replay_hint is printed with any failure. */
FifoModel  *fifo_model_new         (FifoModelKind        kind,
                                    FifoModelChooseFunc  choose,
                                    gpointer             choose_data,
                                    const char          *replay_hint);

/* One random operation, then the full comparison. */
void        fifo_model_step        (FifoModel           *model);

/* Releases, unblocks and delivers everything (checking as it goes), checks
 * that every callback ran exactly once, frees it all and checks that the
 * primitive, its modes and its results were finalized. */
void        fifo_model_finish      (FifoModel           *model);

guint64     fifo_model_get_n_steps (FifoModel           *model);

/* What the run exercised, for the test log. Free with g_free(). */
char       *fifo_model_describe    (FifoModel           *model);

G_END_DECLS
