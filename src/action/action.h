/*
 * action.h: the helpers the actions share.  Private to src/action/; the
 * rows themselves are listed in registry.c (registry.h).
 */
#ifndef BBBCTL_ACTION_H
#define BBBCTL_ACTION_H

#include <jansson.h>

#include "jobs.h"

/* "base" + "/" + "path", one slash between.  Allocated. */
/* Percent-encode a query value.  Allocated. */
/* Lower-case hex SHA-256 into out[65]. */

#endif
