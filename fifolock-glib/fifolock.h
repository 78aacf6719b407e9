/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#define FIFOLOCK_INSIDE

#include "fifo-version.h"
#include "fifo-version-macros.h"

#include "fifo-barrier.h"
#include "fifo-condition.h"
#include "fifo-enum-types.h"
#include "fifo-error.h"
#include "fifo-event.h"
#include "fifo-exclusive-mode.h"
#include "fifo-lock.h"
#include "fifo-lock-holds.h"
#include "fifo-lock-mode.h"
#include "fifo-mutex.h"
#include "fifo-queue.h"
#include "fifo-semaphore.h"
#include "fifo-semaphore-mode.h"
#include "fifo-shared-mode.h"

#undef FIFOLOCK_INSIDE
