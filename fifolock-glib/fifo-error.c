/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fifo-error.h"

/**
 * fifo_error_quark:
 *
 * The quark of the %FIFO_ERROR error domain.
 *
 * Returns: the error domain quark
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (fifo-error-quark, fifo_error)
