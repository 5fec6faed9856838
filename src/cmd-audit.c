/*
 * cmd-audit.c: bbbctl audit [--since T] [--json]
 *
 * Lists the audit records (audit.h): the database's, then those still in
 * the local spool (marked "spooled").  T is an age ("2h", "30m", "7d")
 * or a date ("2026-11-25" or "2026-11-25T22:00", local time).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "cli.h"
#include "cmd.h"
#include "util.h"

static void
cmd_audit_usage(FILE *f)
{
	fprintf(f, "usage: bbbctl audit [--since T] [--json]\n");
}

/* An age or a local date into wall ms; -1 when neither. */
static int
cmd_audit_since(const char *s, int64_t *ms)
{
	struct tm	 tm;
	const char	*end, *errstr;
	int64_t		 age;
	size_t		 n = strlen(s);

	if (n > 1 && s[n - 1] == 'd') {
		char *h = xasprintf("%.*sh", (int)(n - 1), s);
		int rc = util_parse_duration_ms(h, &age, &errstr);

		free(h);
		if (rc == 0) {
			*ms = util_wall_ms() - age * 24;
			return (0);
		}
	}
	if (util_parse_duration_ms(s, &age, &errstr) == 0) {
		*ms = util_wall_ms() - age;
		return (0);
	}
	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%dT%H:%M", &tm)) == NULL) {
		memset(&tm, 0, sizeof tm);
		end = strptime(s, "%Y-%m-%d", &tm);
	}
	if (end == NULL || *end != '\0')
		return (-1);
	tm.tm_isdst = -1;
	*ms = (int64_t)mktime(&tm) * 1000;
	return (0);
}

int
cmd_audit(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since",	required_argument,	NULL, 's' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	int64_t	 since = 0;
	bool	 json = false;
	char	*cause = NULL;
	int	 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (cmd_audit_since(optarg, &since) != 0) {
				fprintf(stderr, "bbbctl: audit: --since %s: "
				    "not an age (2h) or a date (2026-11-25)\n",
				    optarg);
				return (CLI_EXIT_USAGE);
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			cmd_audit_usage(stdout);
			return (CLI_EXIT_OK);
		default:
			cmd_audit_usage(stderr);
			return (CLI_EXIT_USAGE);
		}
	}
	if (optind != argc) {
		cmd_audit_usage(stderr);
		return (CLI_EXIT_USAGE);
	}
	if (audit_list(cli->cfg, since, json, stdout, &cause) != 0) {
		fprintf(stderr, "bbbctl: audit: %s\n", cause);
		free(cause);
		return (CLI_EXIT_ERROR);
	}
	return (CLI_EXIT_OK);
}
