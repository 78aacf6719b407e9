/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "fifo-lock-holds.h"

G_BEGIN_DECLS

/* Mutated only by the owning FifoLock, with its queue locked. Its
 * reference is a toggle reference: drop it with fifo_lock_holds_release(). */
FifoLockHolds *fifo_lock_holds_new    (void);
void           fifo_lock_holds_release (FifoLockHolds *holds);
/* Does anybody but the lock hold a reference now? */
gboolean       fifo_lock_holds_is_kept (FifoLockHolds *holds);
FifoLockHolds *fifo_lock_holds_copy   (FifoLockHolds *holds);
void           fifo_lock_holds_add    (FifoLockHolds *holds,
                                       FifoLockMode  *mode);
/* A lock counts at most G_MAXUINT holds at once: then nothing more is
 * compatible, rather than a count wrapping to 0. */
gboolean       fifo_lock_holds_is_full (FifoLockHolds *holds);
/* FALSE, and nothing changed, if @mode is not held. */
gboolean       fifo_lock_holds_remove (FifoLockHolds *holds,
                                       FifoLockMode  *mode);

G_END_DECLS
