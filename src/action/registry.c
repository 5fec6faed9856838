/*
 * registry.c: THE list of actions (registry.h) and what every user of
 * the rows shares.  A new action: its file in src/action/, and one
 * declaration and one line below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/registry.h"
#include "util.h"

/* server-state.c */
extern const struct action action_server_enable;
extern const struct action action_server_cordon;
extern const struct action action_server_drain;
extern const struct action action_server_disable;
extern const struct action action_server_panic;
/* probe-meeting.c (its command is cli.c's probe meeting) */
extern const struct action action_probe_meeting;
/* redeploy.c */
extern const struct action action_stack_redeploy;
extern const struct action action_stack_restart;
/* scale.c */
extern const struct action action_scale_out;
extern const struct action action_scale_in;
extern const struct action action_scale_check;
/* keys.c */
extern const struct action action_keys_rotate;

/* In the order of the dashboard's help and footer. */
static const struct action *const action_table[] = {
	&action_server_enable,
	&action_server_cordon,
	&action_server_drain,
	&action_server_disable,
	&action_server_panic,
	&action_probe_meeting,
	&action_stack_redeploy,
	&action_stack_restart,
	&action_scale_out,
	&action_scale_in,
	&action_scale_check,
	&action_keys_rotate,
};

const struct action *const *
action_list(size_t *n)
{
	*n = nitems(action_table);
	return (action_table);
}

const struct action *
action_find(const char *verb)
{
	size_t	 i;

	for (i = 0; i < nitems(action_table); i++) {
		if (strcmp(action_table[i]->verb, verb) == 0)
			return (action_table[i]);
	}
	return (NULL);
}

const char *
action_name(const struct action *a)
{
	const char	*p;

	if ((p = strrchr(a->verb, ' ')) == NULL)
		return (a->verb);
	return (p + 1);
}

const char *
action_target_word(enum action_target t)
{
	switch (t) {
	case ACTION_TARGET_NONE:
		return ("");
	case ACTION_TARGET_NODE:
		return ("NODE");
	case ACTION_TARGET_NODES:
		return ("NODE...");
	case ACTION_TARGET_STACK:
		return ("STACK");
	case ACTION_TARGET_HOST:
		return ("HOST");
	}
	return ("");
}

unsigned
action_views(const struct action *a)
{
	if (a->views != 0)
		return (a->views);
	switch (a->target) {
	case ACTION_TARGET_NODE:
	case ACTION_TARGET_NODES:
		return (ACTION_VIEW_NODES | ACTION_VIEW_NODE);
	case ACTION_TARGET_STACK:
		return (ACTION_VIEW_STACKS);
	case ACTION_TARGET_HOST:
		return (ACTION_VIEW_HOSTS);
	case ACTION_TARGET_NONE:
		break;
	}
	return (ACTION_VIEW_ANY);
}

char *
action_usage(const struct action *a, const char *common)
{
	const struct action_opt	*o;
	struct buf		 b = { 0 };

	for (o = a->opts; o != NULL && o->name != NULL; o++) {
		buf_printf(&b, "%s[--%s%s%s]", b.len != 0 ? " " : "",
		    o->name, o->arg != NULL ? " " : "",
		    o->arg != NULL ? o->arg : "");
	}
	if (common != NULL && *common != '\0')
		buf_printf(&b, "%s%s", b.len != 0 ? " " : "", common);
	if (a->target != ACTION_TARGET_NONE)
		buf_printf(&b, "%s%s", b.len != 0 ? " " : "",
		    action_target_word(a->target));
	if (b.data == NULL)
		return (xstrdup(""));
	return (buf_steal(&b));
}

void *
action_args_new(const struct action *a)
{
	if (a == NULL || a->args_size == 0)
		return (NULL);
	return (xcalloc(1, a->args_size));
}

void
action_args_free(const struct action *a, void *args)
{
	if (args == NULL)
		return;
	if (a->args_free != NULL)
		a->args_free(args);
	free(args);
}

int
action_parse_duration(const char *opt, const char *arg, int64_t *ms,
    char **cause)
{
	const char	*errstr = NULL;

	if (util_parse_duration_ms(arg, ms, &errstr) != 0 || *ms < 0) {
		*cause = xasprintf("--%s %s: %s", opt, arg, errstr != NULL ?
		    errstr : "bad duration");
		return (-1);
	}
	return (0);
}
