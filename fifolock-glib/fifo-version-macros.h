/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (FIFOLOCK_INSIDE) && !defined (FIFO_COMPILATION)
# error "Only <fifolock-glib/fifolock.h> can be included directly."
#endif

#include <glib.h>

#include "fifo-version.h"

#if defined (_WIN32) && !defined (FIFO_STATIC_COMPILATION)
# if defined (FIFO_COMPILATION)
#  define _FIFO_EXTERN __declspec(dllexport) extern
# else
#  define _FIFO_EXTERN __declspec(dllimport) extern
# endif
#elif defined (FIFO_COMPILATION) && defined (__GNUC__)
# define _FIFO_EXTERN __attribute__((visibility("default"))) extern
#else
# define _FIFO_EXTERN extern
#endif

#define FIFO_VERSION_1_0 (FIFO_ENCODE_VERSION (1, 0, 0))

#ifndef FIFO_VERSION_MIN_REQUIRED
# define FIFO_VERSION_MIN_REQUIRED (FIFO_VERSION_1_0)
#endif

#define FIFO_AVAILABLE_IN_ALL _FIFO_EXTERN
#define FIFO_AVAILABLE_IN_1_0 _FIFO_EXTERN
#define FIFO_DEPRECATED_IN_1_0 G_DEPRECATED _FIFO_EXTERN
