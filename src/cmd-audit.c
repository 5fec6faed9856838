/*
 * cmd-audit.c: bbbctl audit [--since T] [--json] [--limit N]
 *
 * Lists the audit trail (audit.c): the database's records and the
 * spooled ones not yet replayed (marked "(spooled)"), oldest first.  T is
 * a duration back from now ("2h", "30m", "7d") or a date ("2026-11-25",
 * "2026-11-25T22:00", "...:00Z" for UTC; local time otherwise).
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "audit.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "util.h"

#define AUDIT_LIMIT_DEFAULT	100
#define AUDIT_DAY_MS		(24 * 3600 * INT64_C(1000))

static void
cmd_audit_usage(FILE *f)
{
	fprintf(f, "usage: bbbctl audit [--since T] [--json] [--limit N] "
	    "[--all-clusters]\n"
	    "  T: a duration back from now (2h, 30m, 7d) or a date "
	    "(2026-11-25, 2026-11-25T22:00[:00][Z])\n"
	    "  N: the newest N records (default %d; 0 for all)\n"
	    "  --all-clusters: every cluster's records in the database, "
	    "not only this one's\n",
	    AUDIT_LIMIT_DEFAULT);
}

/* A time to list from: wall-clock ms, or -1 with *cause (static). */
int64_t
cmd_audit_parse_since(const char *s, int64_t now_ms, const char **cause)
{
	static const char *fmts[] = {
		"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
		"%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"
	};
	struct tm	 tm;
	const char	*end;
	char		*copy;
	size_t		 i, len;
	int64_t		 ms;
	long long	 days;
	time_t		 t;
	bool		 utc;

	len = strlen(s);
	if (len == 0) {
		*cause = "empty";
		return (-1);
	}
	if (len > 1 && s[len - 1] == 'd' && isdigit((unsigned char)s[0])) {
		copy = xstrndup(s, len - 1);
		if (util_parse_ll(copy, 0, 36500, &days, cause) != 0) {
			free(copy);
			return (-1);
		}
		free(copy);
		return (now_ms - days * AUDIT_DAY_MS);
	}
	if (util_parse_duration_ms(s, &ms, cause) == 0)
		return (ms > now_ms ? 0 : now_ms - ms);

	copy = xstrdup(s);
	utc = copy[len - 1] == 'Z';
	if (utc)
		copy[len - 1] = '\0';
	for (i = 0; i < nitems(fmts); i++) {
		memset(&tm, 0, sizeof tm);
		end = strptime(copy, fmts[i], &tm);
		if (end != NULL && *end == '\0')
			break;
	}
	free(copy);
	if (i == nitems(fmts)) {
		*cause = "not a duration (2h) or a date (2026-11-25T22:00)";
		return (-1);
	}
	tm.tm_isdst = -1;
	t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1 || t < 0) {
		*cause = "date out of range";
		return (-1);
	}
	return ((int64_t)t * 1000);
}

static void
cmd_audit_fmt_time(int64_t ms, char *out, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, len, "%" PRId64, ms);
}

/* One line of a field: no control characters on a terminal. */
static void
cmd_audit_put(const char *s, size_t max)
{
	char	*c;
	size_t	 i;

	if (s == NULL || *s == '\0') {
		fputc('-', stdout);
		return;
	}
	c = util_clean(s);
	for (i = 0; c[i] != '\0' && i < max; i++)
		fputc(c[i], stdout);
	if (c[i] != '\0')
		fputs("...", stdout);
	free(c);
}

/* A field padded to width, cleaned as cmd_audit_put(). */
static void
cmd_audit_pad(const char *s, int width)
{
	char	*c = util_clean(s != NULL ? s : "-");

	printf("%-*s  ", width, c);
	free(c);
}

static void
cmd_audit_print_text(struct audit *a, const struct audit_list *l, bool all)
{
	const struct audit_entry	*e;
	char				 when[32], dur[16], *who;
	size_t				 i;

	if (all)
		printf("cluster %s (%s); records of all clusters\n",
		    audit_cluster(a), audit_cluster_ident(a));
	else
		printf("cluster %s (%s)\n", audit_cluster(a),
		    audit_cluster_ident(a));
	if (l->n == 0) {
		printf("no audit records\n");
		return;
	}
	printf("%-19s  %-9s  %-5s  %-16s  %-12s  %-24s  %6s  %s\n", "TIME",
	    "EVENT", "JOB", "ACTION", "TARGET", "OPERATOR", "TOOK", "RESULT");
	for (i = 0; i < l->n; i++) {
		e = &l->v[i];
		cmd_audit_fmt_time(e->at_ms, when, sizeof when);
		printf("%-19s  ", when);
		cmd_audit_pad(e->event, 9);
		if (e->job_id != 0)
			printf("%-5" PRIu32 "  ", e->job_id);
		else
			printf("%-5s  ", "-");
		cmd_audit_pad(e->verb, 16);
		cmd_audit_pad(e->target, 12);
		who = xasprintf("%s@%s", e->operator_, e->origin);
		cmd_audit_pad(who, 24);
		free(who);
		if (e->duration_ms >= 0)
			printf("%6s  ", util_fmt_age(e->duration_ms, dur,
			    sizeof dur));
		else
			printf("%6s  ", "-");
		cmd_audit_put(e->result, 60);
		if (e->spooled)
			fputs(" (spooled)", stdout);
		if (all && (e->cluster_id == NULL ||
		    strcmp(e->cluster_id, audit_cluster_ident(a)) != 0))
			printf(" [cluster %s]", e->cluster != NULL ?
			    e->cluster : "?");
		fputc('\n', stdout);
	}
}

static void
cmd_audit_json_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v != NULL ? json_string(v) : json_null());
}

static int
cmd_audit_print_json(const struct audit_list *l)
{
	const struct audit_entry	*e;
	json_t				*a, *o;
	char				 when[64], stamp[80];
	struct tm			 tm;
	time_t				 t;
	size_t				 i;
	int				 rc;

	a = json_array();
	for (i = 0; i < l->n; i++) {
		e = &l->v[i];
		o = json_object();
		cmd_audit_json_str(o, "uuid", e->uuid);
		cmd_audit_json_str(o, "event", e->event);
		json_object_set_new(o, "job_id", e->job_id != 0 ?
		    json_integer(e->job_id) : json_null());
		cmd_audit_json_str(o, "verb", e->verb);
		cmd_audit_json_str(o, "target", e->target);
		cmd_audit_json_str(o, "plan", e->plan);
		cmd_audit_json_str(o, "result", e->result);
		cmd_audit_json_str(o, "operator", e->operator_);
		cmd_audit_json_str(o, "origin", e->origin);
		cmd_audit_json_str(o, "host", e->host);
		cmd_audit_json_str(o, "cluster", e->cluster);
		cmd_audit_json_str(o, "cluster_id", e->cluster_id);
		t = (time_t)(e->at_ms / 1000);
		if (gmtime_r(&t, &tm) != NULL &&
		    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S",
		    &tm) != 0) {
			snprintf(stamp, sizeof stamp, "%s.%03dZ", when,
			    (int)(e->at_ms % 1000));
			json_object_set_new(o, "at", json_string(stamp));
		}
		json_object_set_new(o, "at_ms", json_integer(e->at_ms));
		json_object_set_new(o, "duration_ms", e->duration_ms >= 0 ?
		    json_integer(e->duration_ms) : json_null());
		json_object_set_new(o, "spooled", json_boolean(e->spooled));
		json_array_append_new(a, o);
	}
	rc = json_dumpf(a, stdout, JSON_INDENT(2)) == 0 ? 0 : -1;
	fputc('\n', stdout);
	json_decref(a);
	return (rc);
}

int
cmd_audit(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since",	required_argument,	NULL, 's' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "limit",	required_argument,	NULL, 'n' },
		{ "all-clusters", no_argument,		NULL, 'A' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct audit		*a;
	struct audit_list	 l;
	const char		*why;
	char			*cause = NULL, *old;
	long long		 limit = AUDIT_LIMIT_DEFAULT;
	int64_t			 since = 0;
	bool			 json = false, all = false;
	int			 ch, rc;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":s:jn:Ah", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			since = cmd_audit_parse_since(optarg, util_wall_ms(),
			    &why);
			if (since < 0) {
				fprintf(stderr, "bbbctl: audit: --since %s: "
				    "%s\n", optarg, why);
				return (CLI_EXIT_USAGE);
			}
			break;
		case 'j':
			json = true;
			break;
		case 'A':
			all = true;
			break;
		case 'n':
			if (util_parse_ll(optarg, 0, 1000000, &limit,
			    &why) != 0) {
				fprintf(stderr, "bbbctl: audit: --limit %s: "
				    "%s\n", optarg, why);
				return (CLI_EXIT_USAGE);
			}
			break;
		case 'h':
			cmd_audit_usage(stdout);
			return (CLI_EXIT_OK);
		default:
			fprintf(stderr, "bbbctl: audit: bad option %s\n",
			    argv[optind - 1]);
			cmd_audit_usage(stderr);
			return (CLI_EXIT_USAGE);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "bbbctl: audit: unexpected argument %s\n",
		    argv[optind]);
		cmd_audit_usage(stderr);
		return (CLI_EXIT_USAGE);
	}

	a = audit_new(cli->cfg);
	audit_set_all_clusters(a, all);
	if (audit_list(a, since, (size_t)limit, &l, &cause) != 0) {
		fprintf(stderr, "bbbctl: audit: %s\n", cause);
		free(cause);
		audit_free(a);
		return (CLI_EXIT_ERROR);
	}
	if (l.db_error != NULL)
		fprintf(stderr, "bbbctl: audit: %s; showing the spooled "
		    "records only\n", l.db_error);
	if ((old = audit_legacy_spool()) != NULL) {
		fprintf(stderr, "bbbctl: audit: %s: an old shared spool "
		    "(records of any cluster), kept and not replayed\n", old);
		free(old);
	}
	if (json)
		rc = cmd_audit_print_json(&l);
	else {
		cmd_audit_print_text(a, &l, all);
		rc = 0;
	}
	if (fflush(stdout) != 0)
		rc = -1;
	audit_list_free(&l);
	audit_free(a);
	return (rc == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR);
}
