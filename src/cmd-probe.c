/*
 * cmd-probe.c: bbbctl probe [--json] [--timeout S] [NAME]
 *
 * Runs the probes of the fleet-wide services once (probe.h) on our own
 * loop, prints the services and exits as `bbbctl status` does: 2 when a
 * service raises a critical problem (down, credentials refused, TLS,
 * out of connections, certificate within cert_crit_days), 1 for a
 * warning, 3 when no probe is configured or the configuration cannot be
 * read, else 0.
 *
 * bbbctl probe meeting [--json] [NODE]: the end-to-end test meeting
 * (probe-meeting.h), each step timed; exits 0 when every step passed,
 * 2 when one failed, 3 when it could not start.  The dashboard's key M
 * runs the same on a node as a job (action/probe-meeting.c), whose plan
 * --dry-run prints.
 */
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "fleet.h"
#include "http.h"
#include "jobs.h"
#include "loop.h"
#include "probe.h"
#include "probe-meeting.h"
#include "problems.h"
#include "services.h"
#include "status.h"
#include "util.h"

static void
probe_cmd_usage(FILE *f)
{
	fprintf(f, "usage: bbbctl probe [--json] [NAME]\n");
}

static void
probe_cmd_done_cb(void *arg)
{
	loop_break(arg);
}

static void
probe_cmd_signal_cb(int signo, void *arg)
{
	(void)signo;
	loop_break(arg);
}

/* The exit code from the services' problems alone. */
static int
probe_cmd_code(const struct fleet *f)
{
	const struct fleet_problem	*pr;
	size_t				 i;
	int				 code = STATUS_OK;

	for (i = 0; i < f->nproblems; i++) {
		pr = f->problems[i];
		if (strncmp(pr->rule, "service-", 8) != 0 &&
		    strcmp(pr->rule, "db-connections") != 0)
			continue;
		if (pr->severity == FLEET_SEV_CRITICAL)
			return (STATUS_CRITICAL);
		if (pr->severity == FLEET_SEV_WARNING)
			code = STATUS_WARNING;
	}
	return (code);
}

int
cmd_probe(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct loop		*loop;
	struct http		*http;
	struct fleet		*f;
	struct probe_set	*set;
	json_t			*doc;
	char			*why;
	bool			 json = false;
	int			 ch, code;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'h':
			probe_cmd_usage(stdout);
			return (CLI_EXIT_OK);
		default:
			fprintf(stderr, "bbbctl: probe: bad option '%s'\n",
			    argv[optind - 1]);
			probe_cmd_usage(stderr);
			return (STATUS_UNKNOWN);
		}
	}
	if (argc - optind > 1) {
		probe_cmd_usage(stderr);
		return (STATUS_UNKNOWN);
	}
	if (cli_load_config(cli, CLI_CONFIG_REQUIRED) == -1)
		return (STATUS_UNKNOWN);

	f = fleet_new(cli->cfg->cluster.name);
	if (fleet_configure(f, cli->cfg, &why) == -1) {
		fprintf(stderr, "bbbctl: probe: %s\n", why);
		free(why);
		fleet_free(f);
		return (STATUS_UNKNOWN);
	}
	problems_limits(fleet_problems(f))->hold = false;
	loop = loop_new();
	http = http_new(loop);
	set = probe_set_new(loop, http, f, cli->cfg);
	code = STATUS_UNKNOWN;
	if (optind < argc && probe_set_only(set, argv[optind]) == -1) {
		fprintf(stderr, "bbbctl: probe: no probe named '%s'\n",
		    argv[optind]);
		goto out;
	}
	if (probe_set_count(set) == 0) {
		fprintf(stderr, "bbbctl: probe: nothing to probe (see "
		    "[probes] in bbbctl(1))\n");
		goto out;
	}
	loop_signal(loop, SIGINT, probe_cmd_signal_cb, loop);
	loop_signal(loop, SIGTERM, probe_cmd_signal_cb, loop);
	probe_set_start(set, false, probe_cmd_done_cb, loop);
	if (probe_set_running(set) > 0)
		loop_run(loop);
	if (probe_set_running(set) > 0) {
		fprintf(stderr, "bbbctl: probe: interrupted\n");
		goto out;
	}
	fleet_tick(f, util_wall_ms());
	code = probe_cmd_code(f);
	if (json) {
		doc = json_pack("{s:s, s:s, s:o}", "schema", "bbbctl.probe/1",
		    "status", status_exit_name(code), "services",
		    services_json(f, util_wall_ms()));
		if (doc != NULL) {
			json_dumpf(doc, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
			json_decref(doc);
		}
	} else {
		services_print_text(stdout, f, util_wall_ms());
		for (size_t i = 0; i < f->nproblems; i++) {
			if (strncmp(f->problems[i]->rule, "service-", 8) != 0 &&
			    strcmp(f->problems[i]->rule, "db-connections") != 0)
				continue;
			printf("%s %s\n", fleet_severity_name(
			    f->problems[i]->severity), f->problems[i]->text);
		}
	}
out:
	probe_set_free(set);
	http_free(http);
	loop_free(loop);
	fleet_free(f);
	return (code);
}

static void
probe_meeting_usage(FILE *f)
{
	fprintf(f, "usage: bbbctl probe meeting [--json] [NODE]\n");
}

int
cmd_probe_meeting(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct pm_result	 r;
	const struct pm_step	*s;
	struct job_plan		*plan;
	json_t			*doc, *steps;
	const char		*node;
	char			*cause = NULL, *title;
	bool			 json = false;
	size_t			 i;
	int			 ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'h':
			probe_meeting_usage(stdout);
			return (CLI_EXIT_OK);
		default:
			fprintf(stderr, "bbbctl: probe meeting: bad option "
			    "'%s'\n", argv[optind - 1]);
			probe_meeting_usage(stderr);
			return (STATUS_UNKNOWN);
		}
	}
	if (argc - optind > 1) {
		probe_meeting_usage(stderr);
		return (STATUS_UNKNOWN);
	}
	node = optind < argc ? argv[optind] : NULL;
	if (cli_load_config(cli, CLI_CONFIG_REQUIRED) == -1)
		return (STATUS_UNKNOWN);
	if (cli->dry_run) {
		/* The plan the dashboard's key M confirms. */
		title = xasprintf("probe meeting%s%s", node != NULL ? " " : "",
		    node != NULL ? node : "");
		plan = job_plan_new(title);
		free(title);
		if (probe_meeting_plan(cli->cfg, node, plan, &cause) != 0) {
			fprintf(stderr, "bbbctl: probe meeting: %s\n", cause);
			free(cause);
			job_plan_free(plan);
			return (STATUS_UNKNOWN);
		}
		title = job_plan_text(plan);
		printf("dry run, nothing is changed: %s", title);
		free(title);
		job_plan_free(plan);
		return (CLI_EXIT_OK);
	}
	if (probe_meeting_run(cli->cfg, node, &r, NULL, NULL, &cause) != 0) {
		fprintf(stderr, "bbbctl: probe meeting: %s\n", cause);
		free(cause);
		return (STATUS_UNKNOWN);
	}
	if (json) {
		steps = json_array();
		for (i = 0; i < r.nsteps; i++) {
			s = &r.steps[i];
			json_array_append_new(steps, json_pack("{s:s, s:b, "
			    "s:I, s:s?}", "step", s->name, "ok", s->ok, "ms",
			    (json_int_t)s->ms, "detail", s->detail));
		}
		doc = json_pack("{s:s, s:s, s:s?, s:s?, s:b, s:o}", "schema",
		    "bbbctl.probe-meeting/1", "via", r.via, "meeting_id",
		    r.meeting_id, "node", r.node, "ok", r.ok, "steps", steps);
		if (doc != NULL) {
			json_dumpf(doc, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
			json_decref(doc);
		}
	} else {
		printf("test meeting %s via %s%s%s\n", r.meeting_id != NULL ?
		    r.meeting_id : "-", r.via, r.node != NULL ? ", on " : "",
		    r.node != NULL ? r.node : "");
		for (i = 0; i < r.nsteps; i++) {
			s = &r.steps[i];
			printf("%-15s %-6s %6lldms  %s\n", s->name,
			    s->ok ? "ok" : "FAILED", (long long)s->ms,
			    s->detail != NULL ? s->detail : "");
		}
		printf("%s\n", r.ok ? "OK: every step passed" :
		    "FAILED");
	}
	ch = r.ok ? STATUS_OK : STATUS_CRITICAL;
	probe_meeting_result_clear(&r);
	return (ch);
}
