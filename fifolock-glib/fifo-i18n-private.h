/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

/* Binds our text domain the first time a message is translated, so that
 * applications need not know about it. Thread-safe. */
const char *fifo_gettext (const char *msgid) G_GNUC_FORMAT (1);

#undef _
#define _(String) fifo_gettext (String)

G_END_DECLS
