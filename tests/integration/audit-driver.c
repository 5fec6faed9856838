/*
 * audit-driver: writes audit records through audit.c, for audit-pg.sh.
 *
 *	audit-driver CONFIG record N [PLAN]
 *
 * Writes N records (event "planned", verb "server cordon", target
 * "bbb-0N", the plan text given) with no retry back-off, and prints one
 * line per record: "UUID db" or "UUID spooled CAUSE".  Exit 1 if a record
 * was lost (even the spool failed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "config.h"
#include "util.h"

int
main(int argc, char **argv)
{
	struct config		*cfg;
	struct audit		*a;
	struct audit_rec	 r;
	char			*cause = NULL, *op, *origin, *uuid, target[32];
	long long		 n, i;
	const char		*why;
	int			 rc = 0;

	if (argc < 4 || strcmp(argv[2], "record") != 0 ||
	    util_parse_ll(argv[3], 1, 100000, &n, &why) != 0) {
		fprintf(stderr, "usage: audit-driver CONFIG record N [PLAN]\n");
		return (2);
	}
	cfg = config_new();
	if (config_load(cfg, argv[1], &cause) != 0) {
		fprintf(stderr, "audit-driver: %s\n", cause);
		return (2);
	}
	a = audit_new(cfg);
	config_free(cfg);
	audit_set_retry_ms(a, 0);
	op = audit_operator();
	origin = audit_origin();
	for (i = 0; i < n; i++) {
		uuid = audit_uuid_new();
		snprintf(target, sizeof target, "bbb-%02lld", i + 1);
		memset(&r, 0, sizeof r);
		r.uuid = uuid;
		r.event = "planned";
		r.verb = "server cordon";
		r.target = target;
		r.plan = argc > 4 ? argv[4] : "1. cordon the server";
		r.operator_ = op;
		r.origin = origin;
		r.duration_ms = -1;
		r.job_id = (uint32_t)(i + 1);
		cause = NULL;
		if (audit_record(a, &r, &cause) != 0) {
			printf("%s lost %s\n", uuid, cause);
			rc = 1;
		} else if (audit_last_spooled(a))
			printf("%s spooled %s\n", uuid, cause != NULL ? cause :
			    "");
		else
			printf("%s db\n", uuid);
		free(cause);
		free(uuid);
	}
	free(op);
	free(origin);
	audit_free(a);
	return (rc);
}
