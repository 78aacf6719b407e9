/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Must NOT compile: only the umbrella header may be included. */
#include <fifolock-glib/fifo-lock.h>
int main (void) { return 0; }
