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
GQuark
fifo_error_quark (void)
{
  /* Not G_DEFINE_QUARK, whose plain static the first callers of several
   * threads write at once: published once, with the right barriers. */
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("fifo-error-quark"));

  return (GQuark) quark;
}
