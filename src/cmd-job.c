/*
 * cmd-job.c: the command-line face of the actions (jobs.h):
 *
 *	bbbctl server enable|cordon|disable|panic|drain NODE
 *	bbbctl stack redeploy|restart STACK
 *
 * with the command options --lock-wait S, --poll S, --timeout S and
 * --image SERVICE=IMAGE | IMAGE | TAG (stack redeploy).  The plan is
 * made first; --dry-run prints it and stops (nothing is changed, no
 * secret printed).  Then
 * confirmation: --yes, or on a terminal y/N for reversible actions and
 * the target's name typed for destructive ones; without a terminal and
 * without --yes the command refuses.  The job then runs on its worker
 * while this thread's loop prints its steps on stderr; ^C, SIGTERM and
 * SIGHUP cancel it where the action allows.  Exit 0 when the job is
 * done, 1 otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "fleet.h"
#include "jobs.h"
#include "log.h"
#include "loop.h"
#include "util.h"

struct cmd_job_run {
	struct loop	*loop;
	struct jobs	*jobs;
	uint32_t	 id;
	char		*last_step;	/* the last step line printed */
	enum fleet_job_state state;
	char		*result;
	bool		 done;
};

static void
cmd_job_usage(const char *verb)
{
	bool	 rd = strncmp(verb, "stack redeploy", 14) == 0;

	fprintf(stderr, "usage: bbbctl %s [--lock-wait S] [--poll S] "
	    "[--timeout S]%s %s\n", verb, rd ?
	    " [--image SERVICE=IMAGE | IMAGE | TAG]" : "",
	    strncmp(verb, "stack", 5) == 0 ? "STACK" : "NODE");
	if (rd)
		fprintf(stderr, "  --image SERVICE=IMAGE: that service gets "
		    "IMAGE\n"
		    "  --image REPO:TAG: the one service running REPO gets it\n"
		    "  --image TAG: the bbb service gets TAG\n");
}

/* Ask on the terminal; true when confirmed. */
static bool
cmd_job_confirm(const struct job_plan *p)
{
	char	 line[256];
	size_t	 n;

	if (p->risk == JOB_RISK_DESTRUCTIVE)
		fprintf(stderr, "This cannot be undone.  Type %s to "
		    "confirm: ", p->confirm);
	else
		fprintf(stderr, "Proceed? [y/N] ");
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return (false);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (p->risk == JOB_RISK_DESTRUCTIVE)
		return (strcmp(line, p->confirm) == 0);
	return (strcmp(line, "y") == 0 || strcmp(line, "Y") == 0 ||
	    strcmp(line, "yes") == 0);
}

static void
cmd_job_change_cb(const struct fleet_job *fj, void *arg)
{
	struct cmd_job_run	*r = arg;

	if (fj->id != r->id)
		return;
	/*
	 * One line per step, when its text changes.  A change of the
	 * progress alone (job_progress(), or the final update, which
	 * repeats the last step) prints nothing: it used to repeat the
	 * step's line with a percentage.  A step that knows its progress
	 * says it in the same update (job_step_progress()).
	 */
	if (fj->step != NULL && (r->last_step == NULL ||
	    strcmp(fj->step, r->last_step) != 0)) {
		free(r->last_step);
		r->last_step = xstrdup(fj->step);
		if (fj->progress >= 0)
			fprintf(stderr, "bbbctl: [%3d%%] %s\n", fj->progress,
			    fj->step);
		else
			fprintf(stderr, "bbbctl: %s\n", fj->step);
	}
	r->state = fj->state;
	if (fj->state == FLEET_JOB_DONE || fj->state == FLEET_JOB_FAILED ||
	    fj->state == FLEET_JOB_CANCELLED) {
		free(r->result);
		r->result = xstrdup(fj->result != NULL ? fj->result : "");
		r->done = true;
		loop_break(r->loop);
	}
}

static void
cmd_job_signal_cb(int signo, void *arg)
{
	struct cmd_job_run	*r = arg;
	char			*cause = NULL;

	if (jobs_cancel(r->jobs, r->id, &cause) != 0) {
		fprintf(stderr, "bbbctl: %s; waiting for it to end\n", cause);
		free(cause);
		return;
	}
	fprintf(stderr, "bbbctl: %s: cancelling\n", strsignal(signo));
}

static int
cmd_job_seconds(const char *opt, const char *arg, int64_t *ms)
{
	const char	*errstr;

	if (util_parse_duration_ms(arg, ms, &errstr) != 0 || *ms < 0) {
		fprintf(stderr, "bbbctl: %s %s: %s\n", opt, arg,
		    errstr != NULL ? errstr : "bad duration");
		return (-1);
	}
	return (0);
}

int
cmd_job(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lock-wait",	required_argument,	NULL, 'w' },
		{ "poll",	required_argument,	NULL, 'p' },
		{ "timeout",	required_argument,	NULL, 't' },
		{ "image",	required_argument,	NULL, 'i' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	const char		*verb = cli->command;
	const struct action	*a;
	struct job_args		 args;
	struct job_ctx		 ctx;
	struct job_plan		*plan = NULL;
	struct cmd_job_run	 r;
	struct fleet		*fleet;
	struct sigaction	 sa;
	char			*cause = NULL, *text;
	int			 ch, rc = CLI_EXIT_ERROR;

	if ((a = jobs_action_find(verb)) == NULL) {
		fprintf(stderr, "bbbctl: %s: no such action\n", verb);
		return (CLI_EXIT_USAGE);
	}
	memset(&args, 0, sizeof args);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			if (cmd_job_seconds("--lock-wait", optarg,
			    &args.lock_wait_ms) != 0)
				return (CLI_EXIT_USAGE);
			break;
		case 'p':
			if (cmd_job_seconds("--poll", optarg,
			    &args.poll_ms) != 0)
				return (CLI_EXIT_USAGE);
			break;
		case 't':
			if (cmd_job_seconds("--timeout", optarg,
			    &args.timeout_ms) != 0)
				return (CLI_EXIT_USAGE);
			break;
		case 'i':
			if (strncmp(verb, "stack redeploy", 14) != 0) {
				cmd_job_usage(verb);
				return (CLI_EXIT_USAGE);
			}
			args.image = optarg;
			break;
		case 'h':
			cmd_job_usage(verb);
			return (CLI_EXIT_OK);
		default:
			cmd_job_usage(verb);
			return (CLI_EXIT_USAGE);
		}
	}
	if (argc - optind != 1) {
		cmd_job_usage(verb);
		return (CLI_EXIT_USAGE);
	}
	args.target = argv[optind];

	ctx.cfg = cli->cfg;
	ctx.fleet = NULL;
	if (jobs_plan(a, &ctx, &args, &plan, &cause) != 0) {
		fprintf(stderr, "bbbctl: %s %s: %s\n", verb, args.target,
		    cause);
		free(cause);
		return (CLI_EXIT_ERROR);
	}
	text = job_plan_text(plan);
	if (cli->dry_run) {
		printf("dry run, nothing is changed: %s", text);
		free(text);
		job_plan_free(plan);
		return (CLI_EXIT_OK);
	}
	if (cli->readonly) {
		fprintf(stderr, "bbbctl: %s: refused: read-only\n", verb);
		free(text);
		job_plan_free(plan);
		return (CLI_EXIT_ERROR);
	}
	if (!cli->yes) {
		if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
			fprintf(stderr, "bbbctl: %s %s: refused: no terminal "
			    "to confirm on; give --yes to confirm from a "
			    "script\n", verb, args.target);
			free(text);
			job_plan_free(plan);
			return (CLI_EXIT_ERROR);
		}
		fprintf(stderr, "%s", text);
		if (!cmd_job_confirm(plan)) {
			fprintf(stderr, "bbbctl: %s %s: not confirmed; nothing "
			    "done\n", verb, args.target);
			free(text);
			job_plan_free(plan);
			return (CLI_EXIT_ERROR);
		}
	}
	free(text);

	/* A job's steps belong in the log file (stderr shows warnings). */
	if (log_get_level() > LOG_LEVEL_INFO)
		log_set_level(LOG_LEVEL_INFO);
	memset(&r, 0, sizeof r);
	r.loop = loop_new();
	fleet = fleet_new(cli->cfg->cluster.name);
	r.jobs = jobs_new(r.loop, fleet, cli->cfg, NULL);
	jobs_on_change(r.jobs, cmd_job_change_cb, &r);
	loop_signal(r.loop, SIGINT, cmd_job_signal_cb, &r);
	loop_signal(r.loop, SIGTERM, cmd_job_signal_cb, &r);
	/*
	 * The terminal hangs up (an SSH connection drops): cancel as on
	 * ^C, so the job ends with its audit record and gives the lock
	 * back, instead of dying half-way with the lock held.  Under
	 * nohup SIGHUP stays ignored and the job goes on.
	 */
	if (sigaction(SIGHUP, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
		loop_signal(r.loop, SIGHUP, cmd_job_signal_cb, &r);
	r.id = jobs_start(r.jobs, a, &args, plan);
	while (!r.done) {
		if (loop_run(r.loop) != 0)
			break;
	}
	if (r.done && r.state == FLEET_JOB_DONE) {
		printf("%s %s: done: %s\n", verb, args.target, r.result);
		rc = CLI_EXIT_OK;
	} else
		fprintf(stderr, "bbbctl: %s %s: %s: %s\n", verb, args.target,
		    fleet_job_state_name(r.state), r.result != NULL ?
		    r.result : "no result");
	jobs_free(r.jobs);
	fleet_free(fleet);
	loop_free(r.loop);
	free(r.last_step);
	free(r.result);
	return (rc);
}
