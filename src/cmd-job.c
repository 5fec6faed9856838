/*
 * cmd-job.c: the command-line face of the actions (jobs.h), generated
 * from their rows in the registry (action/registry.h):
 *
 *	bbbctl VERB [options] TARGET	("bbbctl server cordon bbb-03")
 *
 * The options are the action's own (its row's opts, parsed into its
 * private args), the common --lock-wait S and --timeout S, and the
 * global ones (cli.h); all may come before or after the target (GNU
 * getopt permutes them; "--" ends them).  The plan is made first
 * (after the row's survey, when it has one: keys rotate tries each
 * host); --dry-run prints it and stops (nothing is changed, no secret
 * printed; exit 1 when the plan says the job would refuse to start,
 * which it then does without --dry-run too).  Then
 * confirmation: --yes, or on a terminal y/N for reversible actions and
 * the target's name typed for destructive ones; without a terminal and
 * without --yes the command refuses.  The job then runs on its worker
 * while this thread's loop prints its steps on stderr; ^C, SIGTERM and
 * SIGHUP cancel it where the action allows (SIGHUP not once the job
 * has passed its point of no return: it finishes).  Exit 0 when the job is
 * done, 1 otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action/registry.h"
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

/* A parsed command line (cmd_job_parse()). */
struct cmd_job {
	const struct action	*action;
	struct job_args		 args;		/* priv owned until started */
	char			*target;
};

/* The options every action takes (job_args). */
static const struct action_opt cmd_job_common[] = {
	{ "lock-wait", "S", "wait up to S for a held cluster lock (default: "
	  "give up at once)" },
	{ "timeout", "S", "the job's own time limit (default: the action's)" },
	{ NULL, NULL, NULL }
};
#define CMD_JOB_COMMON		"[--lock-wait S] [--timeout S]"
#define CMD_JOB_OPT_COMMON	0x1000	/* + index in cmd_job_common */
#define CMD_JOB_OPT_LOCK_WAIT	(CMD_JOB_OPT_COMMON + 0)
#define CMD_JOB_OPT_TIMEOUT	(CMD_JOB_OPT_COMMON + 1)
#define CMD_JOB_OPT_OWN		0x2000	/* + index in the row's opts */

/* Print s from column col, wrapped before a "[" at 80, then a newline. */
static void
cmd_job_wrap(FILE *f, const char *s, int col)
{
	const char	*next;
	int		 n;

	while (*s != '\0') {
		next = strstr(s + 1, " [");
		n = next != NULL ? (int)(next - s) : (int)strlen(s);
		if (col > 8 && col + n > 79) {
			fprintf(f, "\n%8s", "");
			col = 8;
			while (*s == ' ') {
				s++;
				n--;
			}
		}
		fprintf(f, "%.*s", n, s);
		col += n;
		s += n;
	}
	fputc('\n', f);
}

static void
cmd_job_usage(const struct action *a, FILE *f)
{
	char	*usage;

	usage = action_usage(a, CMD_JOB_COMMON);
	fprintf(f, "usage: bbbctl [options] %s ", a->verb);
	cmd_job_wrap(f, usage, 24 + (int)strlen(a->verb));
	free(usage);
}

static void
cmd_job_help_opts(const struct action_opt *o, FILE *f)
{
	char	 left[64];

	for (; o != NULL && o->name != NULL; o++) {
		snprintf(left, sizeof left, "--%s%s%s", o->name,
		    o->arg != NULL ? " " : "", o->arg != NULL ? o->arg : "");
		if (strlen(left) > 16)
			fprintf(f, "  %s\n  %-16s %s\n", left, "", o->help);
		else
			fprintf(f, "  %-16s %s\n", left, o->help);
	}
}

void
cmd_job_help_key(const struct action *a, FILE *f)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
	} views[] = {
		{ ACTION_VIEW_NODES, "nodes" },
		{ ACTION_VIEW_NODE, "node" },
		{ ACTION_VIEW_STACKS, "stacks" },
		{ ACTION_VIEW_HOSTS, "hosts" },
	};
	unsigned	 v = action_views(a);
	size_t		 i, n = 0;

	if (a->key == 0)
		return;
	if (v & ACTION_VIEW_ANY) {
		fprintf(f, "In the dashboard: key %c in every view.\n",
		    a->key);
		return;
	}
	fprintf(f, "In the dashboard: key %c in the ", a->key);
	for (i = 0; i < nitems(views); i++) {
		if ((v & views[i].bit) == 0)
			continue;
		fprintf(f, "%s%s", n++ == 0 ? "" : " and ", views[i].name);
	}
	fprintf(f, " view%s.\n", n > 1 ? "s" : "");
}

void
cmd_job_help(const struct action *a, FILE *f)
{
	cmd_job_usage(a, f);
	fprintf(f, "\n%s\n\nOptions (before or after %s; the global ones "
	    "too):\n", a->help, a->target != ACTION_TARGET_NONE ?
	    action_target_word(a->target) : "the verb");
	cmd_job_help_opts(a->opts, f);
	cmd_job_help_opts(cmd_job_common, f);
	if (a->usage != NULL)
		fprintf(f, "\n%s\n", a->usage);
	fprintf(f, "\nThis command changes the fleet: it is refused with "
	    "--readonly and only\nplanned with --dry-run.\n");
	cmd_job_help_key(a, f);
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

	/* A hang-up leaves a job past its point of no return to finish. */
	if (signo == SIGHUP && jobs_hangup(r->jobs) > 0) {
		log_info("%s: the job has passed its point of no return; "
		    "finishing it", strsignal(signo));
		return;
	}
	if (jobs_cancel(r->jobs, r->id, &cause) != 0) {
		fprintf(stderr, "bbbctl: %s; waiting for it to end\n", cause);
		free(cause);
		return;
	}
	fprintf(stderr, "bbbctl: %s: cancelling\n", strsignal(signo));
}

void
cmd_job_free(struct cmd_job *cj)
{
	if (cj == NULL)
		return;
	action_args_free(cj->action, cj->args.priv);
	free(cj->target);
	free(cj);
}

/* A usage error: the message, the usage line (exit 2 follows). */
static void
cmd_job_usage_error(const struct action *a, const char *msg)
{
	fprintf(stderr, "bbbctl: %s: %s\n", a->verb, msg);
	cmd_job_usage(a, stderr);
	fprintf(stderr, "Try 'bbbctl help %s' for more.\n", a->verb);
}

/* One option given: CLI_CONTINUE, or an exit status (message printed). */
static int
cmd_job_option(struct cli *cli, struct cmd_job *cj, int val, const char *arg)
{
	const struct action	*a = cj->action;
	char			*cause = NULL;
	int			 rc;

	if (val >= CMD_JOB_OPT_OWN)
		rc = a->args_parse(cj->args.priv,
		    a->opts[val - CMD_JOB_OPT_OWN].name, arg, &cause);
	else if (val == CMD_JOB_OPT_LOCK_WAIT)
		rc = action_parse_duration("lock-wait", arg,
		    &cj->args.lock_wait_ms, &cause);
	else if (val == CMD_JOB_OPT_TIMEOUT)
		rc = action_parse_duration("timeout", arg,
		    &cj->args.timeout_ms, &cause);
	else
		return (cli_global_option(cli, val, arg));
	if (rc == 0)
		return (CLI_CONTINUE);
	cmd_job_usage_error(a, cause);
	free(cause);
	return (CLI_EXIT_USAGE);
}

/* The getopt_long rows: global, common, the action's own, --help. */
static struct option *
cmd_job_options(const struct action *a)
{
	const struct option	*global;
	const struct action_opt	*o;
	struct option		*opts;
	size_t			 n, nglobal, nown = 0;

	global = cli_global_options(&nglobal);
	for (o = a->opts; o != NULL && o->name != NULL; o++)
		nown++;
	opts = xreallocarray(NULL, nglobal + nitems(cmd_job_common) + nown +
	    2, sizeof *opts);
	memcpy(opts, global, nglobal * sizeof *opts);
	n = nglobal;
	for (o = cmd_job_common; o->name != NULL; o++) {
		opts[n] = (struct option){ o->name, o->arg != NULL ?
		    required_argument : no_argument, NULL,
		    CMD_JOB_OPT_COMMON + (int)(o - cmd_job_common) };
		n++;
	}
	for (o = a->opts; o != NULL && o->name != NULL; o++) {
		opts[n] = (struct option){ o->name, o->arg != NULL ?
		    required_argument : no_argument, NULL,
		    CMD_JOB_OPT_OWN + (int)(o - a->opts) };
		n++;
	}
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	return (opts);
}

struct cmd_job *
cmd_job_parse(struct cli *cli, const struct action *a, int argc,
    char **argv, int *rc)
{
	struct option	*opts;
	struct cmd_job	*cj;
	struct buf	 b = { 0 };
	char		*msg;
	int		 ch, i;

	cj = xcalloc(1, sizeof *cj);
	cj->action = a;
	cj->args.priv = action_args_new(a);
	opts = cmd_job_options(a);
	*rc = CLI_EXIT_USAGE;

	/* No "+": GNU getopt permutes, so options may follow the target. */
	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			cmd_job_help(a, stdout);
			*rc = CLI_EXIT_OK;
			goto fail;
		case ':':
			msg = xasprintf("option '%s' needs an argument",
			    argv[optind - 1]);
			goto usage;
		case '?':
			if (optopt > 0 && optopt < 0x100)
				msg = xasprintf("unknown option '-%c'", optopt);
			else
				msg = xasprintf("unknown option '%s'",
				    argv[optind - 1]);
			goto usage;
		default:
			if ((*rc = cmd_job_option(cli, cj, ch, optarg)) !=
			    CLI_CONTINUE)
				goto fail;
			break;
		}
	}

	/* The target: the words left, as many as its kind takes. */
	for (i = optind; i < argc; i++)
		buf_printf(&b, "%s%s", b.len != 0 ? " " : "", argv[i]);
	msg = NULL;
	if (a->target == ACTION_TARGET_NONE && argc != optind)
		msg = xstrdup("takes no argument");
	else if (a->target == ACTION_TARGET_NODES && argc == optind &&
	    !a->target_optional)
		msg = xstrdup("no node given");
	else if (a->target != ACTION_TARGET_NONE &&
	    a->target != ACTION_TARGET_NODES && argc - optind != 1)
		msg = xasprintf("expected one %s",
		    action_target_word(a->target));
	if (msg != NULL)
		goto usage;
	free(opts);
	cj->target = b.data != NULL ? buf_steal(&b) : xstrdup("");
	cj->args.target = cj->target;
	*rc = CLI_CONTINUE;
	return (cj);

usage:
	cmd_job_usage_error(a, msg);
	free(msg);
	*rc = CLI_EXIT_USAGE;
fail:
	free(opts);
	buf_free(&b);
	cmd_job_free(cj);
	return (NULL);
}

int
cmd_job_run(struct cli *cli, struct cmd_job *cj)
{
	const char		*verb = cj->action->verb;
	const struct action	*a = cj->action;
	struct job_args		 args = cj->args;
	struct job_ctx		 ctx;
	struct job_plan		*plan = NULL;
	struct cmd_job_run	 r;
	struct fleet		*fleet;
	struct sigaction	 sa;
	char			*cause = NULL, *text, *what;
	void			*survey = NULL;
	int			 rc = CLI_EXIT_ERROR, rc_plan;

	/* "server cordon bbb-03", as the plan's title. */
	if (*args.target != '\0')
		what = xasprintf("%s %s", verb, args.target);
	else
		what = xstrdup(verb);
	ctx.cfg = cli->cfg;
	ctx.fleet = NULL;
	/* A target that does not exist is refused, --dry-run too. */
	if (a->resolve != NULL && *args.target != '\0') {
		if (a->resolve(cli->cfg, args.target, &cause) != 0) {
			fprintf(stderr, "bbbctl: %s: %s\n", what, cause);
			free(cause);
			goto out;
		}
		if (cause != NULL) {
			fprintf(stderr, "bbbctl: %s: warning: %s\n", what,
			    cause);
			free(cause);
			cause = NULL;
		}
	}
	/* What the plan shows and must be looked up (hosts reachable?). */
	ctx.survey = NULL;
	if (a->survey != NULL && a->survey(cli->cfg, &args, NULL, &survey,
	    &cause) != 0) {
		fprintf(stderr, "bbbctl: %s: %s\n", what, cause);
		free(cause);
		goto out;
	}
	ctx.survey = survey;
	rc_plan = jobs_plan(a, &ctx, &args, &plan, &cause);
	if (survey != NULL)
		a->survey_free(survey);
	if (rc_plan != 0) {
		fprintf(stderr, "bbbctl: %s: %s\n", what, cause);
		free(cause);
		goto out;
	}
	text = job_plan_text(plan);
	if (cli->dry_run) {
		printf("dry run, nothing is changed: %s", text);
		if (plan->refusal != NULL)
			fprintf(stderr, "bbbctl: %s: the job would refuse to "
			    "start: %s\n", what, plan->refusal);
		else
			rc = CLI_EXIT_OK;
		free(text);
		job_plan_free(plan);
		goto out;
	}
	if (plan->refusal != NULL) {
		fprintf(stderr, "%sbbbctl: %s: refused, nothing changed: %s\n",
		    text, what, plan->refusal);
		free(text);
		job_plan_free(plan);
		goto out;
	}
	if (cli->readonly) {
		fprintf(stderr, "bbbctl: %s: refused: read-only\n", verb);
		free(text);
		job_plan_free(plan);
		goto out;
	}
	if (!cli->yes) {
		if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
			fprintf(stderr, "bbbctl: %s: refused: no terminal to "
			    "confirm on; give --yes to confirm from a "
			    "script\n", what);
			free(text);
			job_plan_free(plan);
			goto out;
		}
		fprintf(stderr, "%s", text);
		if (!cmd_job_confirm(plan)) {
			fprintf(stderr, "bbbctl: %s: not confirmed; nothing "
			    "done\n", what);
			free(text);
			job_plan_free(plan);
			goto out;
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
	 * back, instead of dying half-way with the lock held; a job past
	 * its point of no return (job_no_return()) finishes instead.  Under
	 * nohup SIGHUP stays ignored and the job goes on.
	 */
	if (sigaction(SIGHUP, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
		loop_signal(r.loop, SIGHUP, cmd_job_signal_cb, &r);
	r.id = jobs_start(r.jobs, a, &args, plan);
	cj->args.priv = NULL;		/* the job's now */
	while (!r.done) {
		if (loop_run(r.loop) != 0)
			break;
	}
	if (r.done && r.state == FLEET_JOB_DONE) {
		printf("%s: done: %s\n", what, r.result);
		rc = CLI_EXIT_OK;
	} else
		fprintf(stderr, "bbbctl: %s: %s: %s\n", what,
		    fleet_job_state_name(r.state), r.result != NULL ?
		    r.result : "no result");
	jobs_free(r.jobs);
	fleet_free(fleet);
	loop_free(r.loop);
	free(r.last_step);
	free(r.result);
out:
	free(what);
	cmd_job_free(cj);
	return (rc);
}
