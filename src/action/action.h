/*
 * action.h: the rows of the action table (jobs.c lists them) and the
 * helpers the actions share.  Private to src/jobs.c and src/action/.
 */
#ifndef BBBCTL_ACTION_H
#define BBBCTL_ACTION_H

#include <jansson.h>

#include "jobs.h"

/* server-state.c */
extern const struct action action_server_enable;
extern const struct action action_server_cordon;
extern const struct action action_server_disable;
extern const struct action action_server_panic;
extern const struct action action_server_drain;

/* redeploy.c */
extern const struct action action_stack_redeploy;
extern const struct action action_stack_restart;

/* "base" + "/" + "path", one slash between.  Allocated. */
/* Percent-encode a query value.  Allocated. */
/* Lower-case hex SHA-256 into out[65]. */

#endif
