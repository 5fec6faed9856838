/*
 * meetings-same.h: the differential check of the BBB XML decoder's two
 * parsers (tests and fuzz-bbb-xml only).  Where the fast tokenizer does
 * not decline, expat must give the same answer: the same return, the
 * same cause, the same meetings field by field.
 */
#ifndef BBBCTL_TEST_MEETINGS_SAME_H
#define BBBCTL_TEST_MEETINGS_SAME_H

#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "util.h"

static int
ms_str_differ(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != b);
	return (strcmp(a, b) != 0);
}

/*
 * NULL when both parsers agree (or the fast one declined; *declined
 * then true), else what differs (allocated).
 */
static char *
meetings_paths_differ(const char *body, size_t len, bool *declined)
{
	struct fleet_meetings_update	*f = NULL, *x = NULL;
	const struct fleet_meeting_u	*a, *b;
	char				*fc = NULL, *xc = NULL, *why = NULL;
	int				 frc, xrc;
	size_t				 i;

	*declined = false;
	frc = backend_bbb_decode_meetings_path(BACKEND_XML_FAST, body, len,
	    &f, &fc);
	if (frc == -2) {
		*declined = true;
		return (NULL);
	}
	xrc = backend_bbb_decode_meetings_path(BACKEND_XML_EXPAT, body, len,
	    &x, &xc);
	if (frc != xrc)
		why = xasprintf("fast %d (%s), expat %d (%s)", frc,
		    fc != NULL ? fc : "-", xrc, xc != NULL ? xc : "-");
	else if (frc != 0) {
		if (ms_str_differ(fc, xc))
			why = xasprintf("causes differ: fast \"%s\", expat "
			    "\"%s\"", fc, xc);
	} else if (f->nmeetings != x->nmeetings)
		why = xasprintf("fast %zu meetings, expat %zu", f->nmeetings,
		    x->nmeetings);
	else {
		for (i = 0; i < f->nmeetings && why == NULL; i++) {
			a = &f->meetings[i];
			b = &x->meetings[i];
			if (ms_str_differ(a->meeting_id, b->meeting_id) ||
			    ms_str_differ(a->name, b->name) ||
			    ms_str_differ(a->node, b->node) ||
			    a->participants != b->participants ||
			    a->voice != b->voice || a->video != b->video ||
			    a->listeners != b->listeners ||
			    a->moderators != b->moderators ||
			    a->recording != b->recording ||
			    a->created != b->created)
				why = xasprintf("meeting %zu differs", i);
		}
	}
	fleet_meetings_update_free(f);
	fleet_meetings_update_free(x);
	free(fc);
	free(xc);
	return (why);
}

#endif
