/*
 * dashboard.c: `bbbctl` (no command) and `bbbctl --demo`: the live
 * console.  Glue only: the loop, http, the fleet model, the backends and
 * the ui (ui/ui.h, curses-free).
 *
 * The terminal fd is one more watcher on the loop, so no backend can
 * freeze the screen.  SIGWINCH resizes; SIGHUP (the SSH connection
 * dropped) ends at once without drawing; SIGTERM ends cleanly; SIGINT
 * (^C) is q.  Every exit path restores the terminal and, with --demo,
 * stops the simulator and removes its temp dir (the fatal hook too).
 *
 * Quitting (q, :quit, ^C) while jobs run asks first: stay (the
 * default), finish them and then quit, or cancel them and quit.  SIGHUP
 * and SIGTERM cannot ask: they cancel the jobs that have not passed
 * their point of no return and let the others finish (jobs_hangup()).
 * Jobs left to finish go on after the screen is closed, in this
 * process, their steps on stderr: ^C or SIGTERM then cancels them (a
 * job past the point where a cancel is obeyed still finishes), and a
 * second one ends the process at once, the jobs left where they are.  On
 * exit the outcome of every job of the session is printed (or, ended at
 * once, its state and step), and the exit status is 1 when one of them
 * failed or was cancelled, 128 + the signal when a signal ended it.
 * After that only the background reads are waited for (at most
 * DASH_TASK_WAIT_MS); a signal ends that wait too.
 *
 * --demo: bbbctl-sim is looked for next to this program
 * (/proc/self/exe), then in $BBBCTL_SIM, then on PATH.  It runs on
 * loopback with ephemeral ports and writes a configuration into a
 * private temp dir (mkdtemp, 0700); we wait for its "ready" line with a
 * deadline, then load that configuration like any other.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "backup.h"
#include "backend/backend.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "jobs.h"
#include "fleet.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "probe.h"
#include "simpath.h"
#include "keyinv.h"
#include "task.h"
#include "tui.h"
#include "util.h"
#include "ui/ui.h"

#define DASH_SIM_READY_MS	15000
#define DASH_SIM_GRACE_MS	2000

#define DASH_LOCK_WAIT_MS	(30 * 60 * 1000)
#define DASH_SETTLE_MS		150	/* one frame for a refresh's answers */
#define DASH_AUDIT_LIMIT	500	/* the audit view's newest records */
/*
 * How long quitting waits for background tasks: longer than an audit
 * read can take (connect_timeout 5 s, statement_timeout 10 s), so that
 * only a read stuck past its own deadlines is left behind.
 */
#define DASH_TASK_WAIT_MS	16000

/*
 * The audit view's reader: audit_list() blocks (libpq, the spool's
 * flock), so it runs as a task, one read at a time.  The audit handle
 * moves into the read and back with its answer.
 */
struct dash_audit {
	struct audit		*audit;		/* NULL while a read has it */
	uint32_t		 task;		/* the read running, or 0 */
	bool			 again;		/* asked meanwhile */
};

struct dash_audit_read {
	struct dash		*d;		/* not when orphaned */
	struct audit		*audit;
	int			 rc;
	struct audit_list	 list;
	char			*cause;
	char			*legacy;	/* old shared spool, or NULL */
};

/*
 * The backups view's list and the backup-old rule's input: the backup
 * directory read as a task (a slow or hung disk never blocks the loop),
 * at start, every DASH_BACKUP_EVERY_MS, when the view asks and when a
 * backup job ends.
 */
#define DASH_BACKUP_EVERY_MS	(5 * 60 * 1000)

struct dash_backups {
	uint32_t		 task;		/* the read running, or 0 */
	bool			 again;
	struct loop_timer	*timer;
	uint32_t		 verify;	/* the verify running, or 0 */
};

/* v or V in the backups view: backup_verify_run() as a task. */
struct dash_verify {
	struct dash		*d;		/* not when orphaned */
	const struct config	*cfg;
	char			*id;
	char			*dir;
	bool			 restore;
	int			 rc;
	char			*cause;
	struct backup_verify	 v;
};

struct dash_backups_read {
	struct dash		*d;		/* not when orphaned */
	char			*root;
	int			 rc;
	struct backup_entry	*v;
	size_t			 n;
	char			*cause;
};

struct dash {
	struct cli		*cli;
	struct loop		*loop;
	struct http		*http;
	struct fleet		*fleet;
	struct backends		*backends;
	struct probe_set	*probes;	/* fleet-wide services */
	struct ui		*ui;
	struct tui		*tui;
	struct loop_timer	*clock;
	struct loop_timer	*settle;	/* coalesces source answers */
	int			 exit_code;
	bool			 hup;
	int			 drain_signals;	/* ^C, SIGTERM while draining */
	bool			 abandon;	/* the second: end at once */
	int			 late_signal;	/* while reads are waited for */
	int			 quit;		/* UI_QUIT_* chosen */
	bool			 asking;	/* the quit question is open */
	char			*drain_last;	/* last step printed */
	int64_t			 started;	/* mono ms */
	int64_t			 started_wall;
	bool			 complete;	/* a complete frame was drawn */

	/* operator actions: the plan waiting in the confirm dialog */
	struct jobs		*jobs;
	struct tasks		*tasks;
	const struct action	*pending_act;
	struct job_plan		*pending;
	char			*pending_target;
	void			*pending_priv;	/* the action's own args */
	uint32_t		 pending_token;

	struct dash_audit	 audit;
	uint32_t		 keycheck;	/* its task, or 0 */
	uint32_t		 survey;	/* an action's survey task, or 0 */
	bool			 reload_identity; /* keys rotate switched it */
	struct dash_backups	 backups;

	/* --demo */
	pid_t			 sim_pid;
	char			*tmpdir;
	char			*conf;
};

static void	 dash_audit_start(struct dash *);
static void	 dash_backups_start(struct dash *);
static void	 dash_audit_done_cb(uint32_t, enum task_end, void *);
static void	 dash_keycheck_start(struct dash *);
static void	 dash_reload_identity(struct dash *);
static void	 dash_input_cb(void *);
static void	 dash_resize_cb(void *);
static void	 dash_end_cb(int, bool, void *);
static void	 dash_crash_cb(void);

static const struct tui_cbs dash_tui_cbs = {
	.input = dash_input_cb,
	.resize = dash_resize_cb,
	.end = dash_end_cb,
	.crash = dash_crash_cb,
};

/* For the fatal hook, which takes no argument. */
static struct dash	*dash_current;

/* --- the demo simulator ------------------------------------------------- */

static void
dash_rmdir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		*p;

	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			p = xasprintf("%s/%s", dir, e->d_name);
			if (unlink(p) != 0)
				log_warn("demo: %s: %s", p, strerror(errno));
			free(p);
		}
		closedir(d);
	}
	if (rmdir(dir) != 0)
		log_warn("demo: %s: %s", dir, strerror(errno));
}

/* Stop the simulator (TERM, then KILL after a grace) and clean up. */
static void
dash_demo_stop(struct dash *d)
{
	int64_t		 deadline;
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	int		 status;
	pid_t		 r;

	if (d->sim_pid > 0) {
		kill(d->sim_pid, SIGTERM);
		deadline = util_mono_ms() + DASH_SIM_GRACE_MS;
		for (;;) {
			r = waitpid(d->sim_pid, &status, WNOHANG);
			if (r == d->sim_pid || (r == -1 && errno != EINTR))
				break;
			if (util_mono_ms() >= deadline) {
				kill(d->sim_pid, SIGKILL);
				while (waitpid(d->sim_pid, &status, 0) == -1 &&
				    errno == EINTR)
					;
				break;
			}
			nanosleep(&ts, NULL);
		}
		d->sim_pid = 0;
	}
	if (d->tmpdir != NULL) {
		audit_spool_override(NULL);
		dash_rmdir(d->tmpdir);
		free(d->tmpdir);
		d->tmpdir = NULL;
	}
	free(d->conf);
	d->conf = NULL;
}

/* The last lines of the simulator's log, for an error message. */
static char *
dash_sim_log_tail(struct dash *d)
{
	char	*path, buf[2048];
	FILE	*f;
	size_t	 n;

	path = xasprintf("%s/sim.log", d->tmpdir);
	f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return (xstrdup(""));
	if (fseek(f, -(long)(sizeof buf - 1), SEEK_END) != 0)
		rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (xstrdup(buf));
}

/* Read the simulator's stdout until "ready" or the deadline. */
static int
dash_sim_wait_ready(struct dash *d, int fd, char **cause)
{
	struct buf	 out = { 0 };
	struct pollfd	 pfd;
	char		 chunk[512], *line, *nl;
	int64_t		 deadline = util_mono_ms() + DASH_SIM_READY_MS;
	ssize_t		 n;
	int		 rc = -1, left;

	for (;;) {
		left = (int)(deadline - util_mono_ms());
		if (left <= 0) {
			*cause = xstrdup("bbbctl-sim was not ready in time");
			goto out;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, left) == -1) {
			if (errno == EINTR)
				continue;
			*cause = xasprintf("poll: %s", strerror(errno));
			goto out;
		}
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			*cause = xstrdup("bbbctl-sim exited before it was "
			    "ready");
			goto out;
		}
		buf_add(&out, chunk, (size_t)n);
		line = out.data;
		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			log_debug("demo: sim: %s", line);
			if (strcmp(line, "ready") == 0) {
				rc = 0;
				goto out;
			}
			line = nl + 1;
		}
		/* Keep the unfinished line. */
		n = (ssize_t)strlen(line);
		memmove(out.data, line, (size_t)n + 1);
		out.len = (size_t)n;
	}
out:
	buf_free(&out);
	return (rc);
}

static int
dash_demo_start(struct dash *d, char **cause)
{
	char		*sim, *logpath, *tail, *spool;
	int		 pfd[2], logfd, devnull;
	pid_t		 pid;

	d->tmpdir = xasprintf("%s/bbbctl-demo-XXXXXX", util_tmpdir());
	if (mkdtemp(d->tmpdir) == NULL) {
		*cause = xasprintf("%s: %s", d->tmpdir, strerror(errno));
		free(d->tmpdir);
		d->tmpdir = NULL;
		return (-1);
	}
	chmod(d->tmpdir, 0700);
	d->conf = xasprintf("%s/bbbctl.conf", d->tmpdir);
	/* The demo's audit records stay in the demo (removed with it). */
	spool = xasprintf("%s/audit.spool", d->tmpdir);
	audit_spool_override(spool);
	free(spool);
	logpath = xasprintf("%s/sim.log", d->tmpdir);
	logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	free(logpath);
	if (logfd == -1 || pipe2(pfd, O_CLOEXEC) != 0) {
		*cause = xasprintf("demo: %s", strerror(errno));
		if (logfd != -1)
			close(logfd);
		return (-1);
	}
	if ((sim = simpath_find()) == NULL) {
		*cause = xstrdup("bbbctl-sim not found (next to bbbctl, "
		    "$BBBCTL_SIM or " PKGLIBEXECDIR ")");
		close(pfd[0]);
		close(pfd[1]);
		close(logfd);
		return (-1);
	}
	log_info("demo: starting %s in %s", sim, d->tmpdir);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == -1) {
		*cause = xasprintf("fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		close(logfd);
		free(sim);
		return (-1);
	}
	if (pid == 0) {
#ifdef __linux__
		/* Never outlive bbbctl, whatever kills it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
		devnull = open("/dev/null", O_RDONLY);
		if (devnull != -1)
			dup2(devnull, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(logfd, STDERR_FILENO);
		execlp(sim, sim, "--listen", "127.0.0.1", "--write-config",
		    d->conf, (char *)NULL);
		dprintf(STDERR_FILENO, "bbbctl: cannot run %s: %s\n", sim,
		    strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	close(logfd);
	d->sim_pid = pid;
	if (dash_sim_wait_ready(d, pfd[0], cause) != 0) {
		close(pfd[0]);
		tail = dash_sim_log_tail(d);
		if (*tail != '\0') {
			free(sim);
			sim = *cause;
			*cause = xasprintf("%s:\n%s", sim, tail);
		}
		free(tail);
		free(sim);
		return (-1);
	}
	/* The simulator ignores SIGPIPE: later output is simply dropped. */
	close(pfd[0]);
	free(sim);
	return (0);
}

/* --- the loop's callbacks --------------------------------------------- */

static void
dash_log_complete(struct dash *d)
{
	const struct fleet_source	*src;
	struct buf			 b = { 0 };
	int				 i;
	int64_t				 t;

	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		src = &d->fleet->sources[i];
		if (src->state == FLEET_SRC_OFF)
			continue;
		t = src->last_ok > 0 ? src->last_ok : src->last_try;
		buf_printf(&b, " %s %s %lld ms", fleet_src_name(i),
		    src->last_ok > 0 ? "ok at" : "failed at",
		    (long long)(t - d->started_wall));
	}
	log_info("dashboard: first complete frame %lld ms after start;%s",
	    (long long)(util_mono_ms() - d->started),
	    b.data != NULL ? b.data : "");
	buf_free(&b);
}

static void
dash_draw(struct dash *d)
{
	if (d->ui == NULL || d->hup)
		return;
	if (ui_draw(d->ui) && !d->complete &&
	    backends_settled(d->backends)) {
		/* Every source answered (or failed) once: measured. */
		d->complete = true;
		dash_log_complete(d);
	}
}

/* --- operator actions (jobs.h) ------------------------------------------ */

static void
dash_pending_clear(struct dash *d)
{
	job_plan_free(d->pending);
	free(d->pending_target);
	if (d->pending_act != NULL)
		action_args_free(d->pending_act, d->pending_priv);
	d->pending_priv = NULL;
	d->pending = NULL;
	d->pending_target = NULL;
	d->pending_act = NULL;
}

/*
 * Plan a (target, priv: taken) with the survey's result (or NULL) and
 * open the confirm dialog; a plan the job would refuse is shown only.
 */
static void
dash_plan_show(struct dash *d, const struct action *a, const char *target,
    void *priv, const void *survey)
{
	struct job_ctx		 ctx;
	struct job_args		 args;
	struct job_plan		*plan;
	char			*cause = NULL, *text, *msg, *title;

	memset(&args, 0, sizeof args);
	args.target = target;
	args.priv = priv;
	ctx.cfg = d->cli->cfg;
	ctx.fleet = d->fleet;
	ctx.survey = survey;
	if (jobs_plan(a, &ctx, &args, &plan, &cause) != 0) {
		msg = xasprintf("%s %s: %s", a->verb, target, cause);
		ui_message(d->ui, msg);
		free(msg);
		free(cause);
		action_args_free(a, priv);
		return;
	}
	text = job_plan_text(plan);
	if (plan->refusal != NULL) {
		/* Shown, never started: nothing to confirm. */
		title = xasprintf("%s%s%s: REFUSED", a->verb,
		    *target != '\0' ? " " : "", target);
		ui_show_text(d->ui, title, text);
		msg = xasprintf("%s: refused, nothing changed: %s", a->verb,
		    plan->refusal);
		ui_message(d->ui, msg);
		free(msg);
		free(title);
		free(text);
		job_plan_free(plan);
		action_args_free(a, priv);
		return;
	}
	dash_pending_clear(d);
	d->pending = plan;
	d->pending_priv = priv;
	d->pending_act = a;
	d->pending_target = xstrdup(target);
	title = xasprintf("%s %s?%s", a->verb, target,
	    plan->risk == JOB_RISK_DESTRUCTIVE ? "  DESTRUCTIVE" : "");
	ui_confirm(d->ui, ++d->pending_token, title, text,
	    plan->risk == JOB_RISK_DESTRUCTIVE ? plan->confirm : NULL);
	free(title);
	free(text);
}

/*
 * An action whose plan needs a survey (registry.h): made on a task with
 * a configuration of its own (the task may outlive the dashboard's), the
 * plan shown when it ends.
 */
struct dash_survey {
	struct dash		*d;
	const struct action	*a;
	char			*target;
	void			*priv;		/* the action's args */
	char			*path;		/* the configuration file */
	char			*identity;	/* the dashboard's [ssh]
						   identity (NULL: default) */
	struct config		*cfg;
	void			*out;		/* survey()'s result */
	char			*cause;
	int			 rc;
};

static void
dash_survey_free(struct dash_survey *s)
{
	if (s->out != NULL)
		s->a->survey_free(s->out);
	action_args_free(s->a, s->priv);
	config_free(s->cfg);
	free(s->target);
	free(s->identity);
	free(s->path);
	free(s->cause);
	free(s);
}

static void
dash_survey_run_cb(struct task *t, void *arg)
{
	struct dash_survey	*s = arg;
	struct job_args		 args;

	s->cfg = config_new();
	if ((s->rc = config_load(s->cfg, s->path, &s->cause)) != 0)
		return;
	/* The key this dashboard's jobs log in with (dash_reload_identity()). */
	free(s->cfg->ssh.identity);
	s->cfg->ssh.identity = s->identity;
	s->identity = NULL;
	memset(&args, 0, sizeof args);
	args.target = s->target;
	args.priv = s->priv;
	s->rc = s->a->survey(s->cfg, &args, task_cancel_flag(t), &s->out,
	    &s->cause);
}

static void
dash_survey_done_cb(uint32_t id, enum task_end end, void *arg)
{
	struct dash_survey	*s = arg;
	struct dash		*d = s->d;
	char			*msg;
	void			*priv;

	(void)id;
	if (end == TASK_ORPHANED) {
		dash_survey_free(s);
		return;
	}
	d->survey = 0;
	if (d->ui == NULL || end == TASK_CANCELLED) {
		dash_survey_free(s);
		return;
	}
	if (s->rc != 0) {
		msg = xasprintf("%s: %s", s->a->verb, s->cause);
		ui_message(d->ui, msg);
		free(msg);
		dash_survey_free(s);
		dash_draw(d);
		return;
	}
	priv = s->priv;			/* dash_plan_show() takes it */
	s->priv = NULL;
	dash_plan_show(d, s->a, s->target, priv, s->out);
	dash_survey_free(s);
	dash_draw(d);
}

/* A key asked for an action: plan it and open the confirm dialog. */
static void
dash_action(struct dash *d)
{
	struct dash_survey	*s;
	const struct action	*a;
	const char		*verb;
	char			*target, *cause = NULL, *msg;
	char			*arg = NULL;
	void			*priv = NULL;

	if (!ui_take_action(d->ui, &a, &target, &arg))
		return;
	verb = a->verb;
	if (d->cli->readonly) {
		ui_message(d->ui, "read-only: no actions");
		goto out;
	}
	/* The value the prompt asked for, as its option on the CLI. */
	if (a->ask != NULL && arg != NULL && a->args_parse != NULL) {
		priv = action_args_new(a);
		if (a->args_parse(priv, a->ask, arg, &cause) != 0) {
			msg = xasprintf("%s: %s", verb, cause);
			ui_message(d->ui, msg);
			free(msg);
			free(cause);
			action_args_free(a, priv);
			goto out;
		}
	}
	if (a->survey == NULL) {
		dash_plan_show(d, a, target, priv, NULL);
		goto out;
	}
	if (d->survey != 0) {
		msg = xasprintf("%s: still looking at the hosts", verb);
		ui_message(d->ui, msg);
		free(msg);
		action_args_free(a, priv);
		goto out;
	}
	if (d->cli->cfg->path == NULL) {
		msg = xasprintf("%s: no configuration file", verb);
		ui_message(d->ui, msg);
		free(msg);
		action_args_free(a, priv);
		goto out;
	}
	s = xcalloc(1, sizeof *s);
	s->d = d;
	s->a = a;
	s->target = target;
	s->priv = priv;
	s->path = xstrdup(d->cli->cfg->path);
	if (d->cli->cfg->ssh.identity != NULL)
		s->identity = xstrdup(d->cli->cfg->ssh.identity);
	target = NULL;
	d->survey = task_start(d->tasks, dash_survey_run_cb,
	    dash_survey_done_cb, s, &cause);
	if (d->survey == 0) {
		msg = xasprintf("%s: %s", verb, cause);
		ui_message(d->ui, msg);
		free(msg);
		free(cause);
		dash_survey_free(s);
		goto out;
	}
	msg = xasprintf("%s: trying each host before the plan...", verb);
	ui_message(d->ui, msg);
	free(msg);
out:
	free(target);
	free(arg);
}

static void
dash_dialog(struct dash *d)
{
	struct job_args	 args;
	uint32_t	 token, id;
	char		*msg;

	if (!ui_take_dialog(d->ui, &token) || token != d->pending_token ||
	    d->pending == NULL) {
		if (d->pending != NULL)
			ui_message(d->ui, "not confirmed: nothing done");
		dash_pending_clear(d);
		return;
	}
	memset(&args, 0, sizeof args);
	args.target = d->pending_target;
	args.priv = d->pending_priv;	/* jobs_start() takes it */
	d->pending_priv = NULL;
	/* Wait for a held lock; the jobs view shows the holder, x gives up. */
	args.lock_wait_ms = DASH_LOCK_WAIT_MS;
	id = jobs_start(d->jobs, d->pending_act, &args, d->pending);
	d->pending = NULL;
	msg = xasprintf("job %u started: %s %s (6: jobs view)", id,
	    d->pending_act->verb, d->pending_target);
	ui_message(d->ui, msg);
	free(msg);
	dash_pending_clear(d);
}

static void
dash_cancel_job(struct dash *d)
{
	uint32_t	 id;
	char		*cause = NULL, *msg;

	if ((id = ui_take_cancel_job(d->ui)) == 0)
		return;
	if (jobs_cancel(d->jobs, id, &cause) != 0) {
		ui_message(d->ui, cause);
		free(cause);
		return;
	}
	msg = xasprintf("job %u: cancelling", id);
	ui_message(d->ui, msg);
	free(msg);
}

static void
dash_job_cb(const struct fleet_job *fj, void *arg)
{
	struct dash	*d = arg;
	char		*msg;

	if (d->ui == NULL) {
		/* Finishing after the screen closed: say what they do. */
		msg = xasprintf("job %u %s %s: %s", fj->id, fj->verb,
		    fj->target, fj->step != NULL ? fj->step : "");
		if (!d->hup && fj->state != FLEET_JOB_DONE &&
		    fj->state != FLEET_JOB_FAILED &&
		    fj->state != FLEET_JOB_CANCELLED && (d->drain_last ==
		    NULL || strcmp(d->drain_last, msg) != 0)) {
			fprintf(stderr, "bbbctl: %s\n", msg);
			free(d->drain_last);
			d->drain_last = msg;
		} else
			free(msg);
		if (jobs_running(d->jobs) == 0)
			loop_break(d->loop);
		return;
	}
	if (fj->state == FLEET_JOB_DONE || fj->state == FLEET_JOB_FAILED ||
	    fj->state == FLEET_JOB_CANCELLED) {
		msg = xasprintf("job %u %s %s: %s: %s", fj->id, fj->verb,
		    fj->target, fleet_job_state_name(fj->state),
		    fj->result != NULL ? fj->result : "");
		ui_message(d->ui, msg);
		free(msg);
		/* Its outcome is in the audit trail now. */
		if (ui_wants_audit(d->ui))
			dash_audit_start(d);
		/*
		 * The hosts accept another key now, and the configuration
		 * file names it: this dashboard takes it (once no job runs)
		 * for its later ssh work, then checks the hosts with it.
		 */
		if (strcmp(fj->verb, "keys rotate") == 0 &&
		    fj->state == FLEET_JOB_DONE)
			d->reload_identity = true;
		if (d->reload_identity && jobs_running(d->jobs) == 0) {
			dash_reload_identity(d);
			dash_keycheck_start(d);
		} else if (strcmp(fj->verb, "keys rotate") == 0)
			dash_keycheck_start(d);
		if (strncmp(fj->verb, "backup ", 7) == 0)
			dash_backups_start(d);
	}
	dash_draw(d);
}

/* --- keys check, for the host view ---------------------------------------- */

/*
 * After keys rotate switched [ssh] identity (and [scale] key_name) in the
 * configuration file: take those two settings from the file, nothing
 * else, so that later key checks, rotations, rake and scale out use the
 * new key.  On the loop thread, and only when no job runs: the job
 * workers read the configuration (tasks read their own copy).
 */
static void
dash_reload_identity(struct dash *d)
{
	struct config	*cfg = d->cli->cfg, *fresh;
	char		*cause = NULL, *msg, *t;
	bool		 changed = false;

	d->reload_identity = false;
	if (cfg->path == NULL)
		return;
	fresh = config_new();
	if (config_load(fresh, cfg->path, &cause) != 0) {
		msg = xasprintf("keys rotate: the configuration could not be "
		    "read again (%s); restart to use the new key", cause);
		log_warn("dashboard: %s", msg);
		if (d->ui != NULL)
			ui_message(d->ui, msg);
		free(msg);
		free(cause);
		config_free(fresh);
		return;
	}
	if ((cfg->ssh.identity == NULL) != (fresh->ssh.identity == NULL) ||
	    (cfg->ssh.identity != NULL &&
	    strcmp(cfg->ssh.identity, fresh->ssh.identity) != 0)) {
		t = cfg->ssh.identity;
		cfg->ssh.identity = fresh->ssh.identity;
		fresh->ssh.identity = t;
		changed = true;
	}
	if ((cfg->scale.key_name == NULL) != (fresh->scale.key_name == NULL) ||
	    (cfg->scale.key_name != NULL &&
	    strcmp(cfg->scale.key_name, fresh->scale.key_name) != 0)) {
		t = cfg->scale.key_name;
		cfg->scale.key_name = fresh->scale.key_name;
		fresh->scale.key_name = t;
		changed = true;
	}
	if (changed)
		log_info("dashboard: [ssh] identity is now %s, [scale] "
		    "key_name %s (read again after keys rotate)",
		    cfg->ssh.identity != NULL ? cfg->ssh.identity :
		    "the default", cfg->scale.key_name != NULL ?
		    cfg->scale.key_name : "none");
	config_free(fresh);
}

struct dash_keycheck {
	struct dash		*d;
	char			*path;		/* the configuration file */
	struct config		*cfg;		/* its own, read from path:
						   the task may outlive the
						   dashboard's */
	char			*identity;	/* the dashboard's [ssh]
						   identity (NULL: default) */
	struct keyinv_check	*v;
	size_t			 n;
	char			*cause;
	int			 rc;
};

static void
dash_keycheck_run_cb(struct task *t, void *arg)
{
	struct dash_keycheck	*k = arg;

	(void)t;
	k->cfg = config_new();
	if ((k->rc = config_load(k->cfg, k->path, &k->cause)) != 0)
		return;
	/* The key this dashboard logs in with (dash_reload_identity()). */
	free(k->cfg->ssh.identity);
	k->cfg->ssh.identity = k->identity;
	k->identity = NULL;
	k->rc = keyinv_check(k->cfg, &k->v, &k->n, &k->cause);
}

static void
dash_keycheck_done_cb(uint32_t id, enum task_end end, void *arg)
{
	struct dash_keycheck	*k = arg;
	struct ui_keycheck	*v;
	size_t			 i;

	(void)id;
	if (end != TASK_ORPHANED) {
		k->d->keycheck = 0;
		if (k->d->ui != NULL && k->rc != 0)
			ui_keycheck_set(k->d->ui, NULL, 0, k->cause);
		else if (k->d->ui != NULL) {
			v = xcalloc(k->n + 1, sizeof *v);
			for (i = 0; i < k->n; i++) {
				v[i].key = k->v[i].key;
				v[i].accepts = k->v[i].accepts;
				v[i].why = k->v[i].why;
			}
			ui_keycheck_set(k->d->ui, v, k->n, NULL);
			free(v);
		}
		dash_draw(k->d);
	}
	keyinv_check_free(k->v, k->n);
	config_free(k->cfg);
	free(k->identity);
	free(k->path);
	free(k->cause);
	free(k);
}

static void
dash_keycheck_start(struct dash *d)
{
	struct dash_keycheck	*k;
	char			*cause = NULL;

	if (d->keycheck != 0)
		return;
	if (d->cli->cfg->path == NULL) {
		if (d->ui != NULL)
			ui_keycheck_set(d->ui, NULL, 0,
			    "no configuration file");
		return;
	}
	k = xcalloc(1, sizeof *k);
	k->d = d;
	k->path = xstrdup(d->cli->cfg->path);
	if (d->cli->cfg->ssh.identity != NULL)
		k->identity = xstrdup(d->cli->cfg->ssh.identity);
	d->keycheck = task_start(d->tasks, dash_keycheck_run_cb,
	    dash_keycheck_done_cb, k, &cause);
	if (d->keycheck == 0) {
		if (d->ui != NULL)
			ui_keycheck_set(d->ui, NULL, 0, cause);
		free(cause);
		free(k->identity);
		free(k->path);
		free(k);
	}
}

/* --- the audit view's records -------------------------------------------- */

static void
dash_audit_run_cb(struct task *t, void *arg)
{
	struct dash_audit_read	*r = arg;

	(void)t;
	r->rc = audit_list(r->audit, 0, DASH_AUDIT_LIMIT, &r->list, &r->cause);
	r->legacy = audit_legacy_spool();	/* a stat: off the loop too */
}

static void
dash_audit_read_free(struct dash_audit_read *r)
{
	audit_list_free(&r->list);
	free(r->cause);
	free(r->legacy);
	free(r);
}

static void
dash_audit_start(struct dash *d)
{
	struct dash_audit	*da = &d->audit;
	struct dash_audit_read	*r;
	char			*cause = NULL;

	if (da->task != 0) {
		da->again = true;
		return;
	}
	if (da->audit == NULL)
		da->audit = audit_new(d->cli->cfg);
	da->again = false;
	r = xcalloc(1, sizeof *r);
	r->d = d;
	r->audit = da->audit;
	da->audit = NULL;
	da->task = task_start(d->tasks, dash_audit_run_cb, dash_audit_done_cb,
	    r, &cause);
	if (da->task == 0) {
		da->audit = r->audit;
		dash_audit_read_free(r);
		ui_audit_set(d->ui, NULL, 0, NULL, cause);
		free(cause);
	}
}

/* The reader's answer, on the loop thread (or its own, when orphaned). */
static void
dash_audit_done_cb(uint32_t id, enum task_end end, void *arg)
{
	struct dash_audit_read	*r = arg;
	struct dash		*d = r->d;
	struct dash_audit	*da;
	struct ui_audit_rec	*recs;
	struct audit_entry	*e;
	char			*cl, *note;
	size_t			 i;

	(void)id;
	if (end == TASK_ORPHANED) {
		audit_free(r->audit);
		dash_audit_read_free(r);
		return;
	}
	da = &d->audit;
	da->task = 0;
	da->audit = r->audit;
	if (d->ui != NULL && r->rc != 0)
		ui_audit_set(d->ui, NULL, 0, NULL, r->cause);
	else if (d->ui != NULL) {
		recs = xcalloc(r->list.n + 1, sizeof *recs);
		for (i = 0; i < r->list.n; i++) {
			e = &r->list.v[i];
			recs[i].at_ms = e->at_ms;
			recs[i].event = e->event;
			recs[i].job_id = e->job_id;
			recs[i].verb = e->verb;
			recs[i].target = e->target;
			recs[i].operator_ = e->operator_;
			recs[i].origin = e->origin;
			recs[i].duration_ms = e->duration_ms;
			recs[i].result = e->result;
			recs[i].spooled = e->spooled;
		}
		cl = xasprintf("%s id %s", audit_cluster(r->audit),
		    audit_cluster_ident(r->audit));
		ui_audit_set_cluster(d->ui, cl);
		free(cl);
		if (r->list.db_error == NULL && r->legacy != NULL) {
			note = xasprintf("%s: old shared spool, kept, not "
			    "replayed", r->legacy);
			ui_audit_set(d->ui, recs, r->list.n, note, NULL);
			free(note);
		} else
			ui_audit_set(d->ui, recs, r->list.n, r->list.db_error,
			    NULL);
		free(recs);
	}
	dash_audit_read_free(r);
	if (da->again && d->ui != NULL && end == TASK_DONE)
		dash_audit_start(d);
	dash_draw(d);
}

/* Quitting with jobs running: ask what becomes of them. */
static void
dash_ask_quit(struct dash *d)
{
	struct buf		 b = { 0 };
	const struct fleet_job	*fj;
	size_t			 i, n = jobs_running(d->jobs);
	char			*title;

	for (i = 0; i < d->fleet->njobs; i++) {
		fj = d->fleet->jobs[i];
		if (fj->state == FLEET_JOB_DONE ||
		    fj->state == FLEET_JOB_FAILED ||
		    fj->state == FLEET_JOB_CANCELLED)
			continue;
		buf_printf(&b, "job %u %s %s: %s\n", fj->id, fj->verb,
		    fj->target, fj->step != NULL ? fj->step : "");
	}
	buf_printf(&b, "\nEsc: keep them running and stay.\n"
	    "w: close the screen now; they finish in this process, their "
	    "steps and outcome printed (^C then cancels them).\n"
	    "c: cancel them (where they can be) and quit: a redeploy rolls "
	    "back what it upgraded.");
	title = xasprintf("Quit? %zu job%s still running", n, n == 1 ? "" :
	    "s");
	d->asking = true;
	ui_ask_quit(d->ui, title, b.data);
	free(title);
	buf_free(&b);
}

static void
dash_quit(struct dash *d, int how)
{
	size_t	 n;
	char	*msg;

	d->asking = false;
	n = jobs_running(d->jobs);
	if (how == UI_QUIT_STAY && n > 0) {
		msg = xasprintf("not quitting: %zu job%s still running "
		    "(6: jobs view)", n, n == 1 ? "" : "s");
		ui_message(d->ui, msg);
		free(msg);
		return;
	}
	d->quit = how;
	if (how == UI_QUIT_CANCEL)
		jobs_cancel_all(d->jobs);
	loop_break(d->loop);
}

/* --- the backups ------------------------------------------------------ */

static void
dash_backups_run_cb(struct task *t, void *arg)
{
	struct dash_backups_read	*r = arg;

	(void)t;
	r->rc = backup_list(r->root, &r->v, &r->n, &r->cause);
}

static void
dash_backups_read_free(struct dash_backups_read *r)
{
	backup_entries_free(r->v, r->n);
	free(r->root);
	free(r->cause);
	free(r);
}

static void
dash_backups_done_cb(uint32_t id, enum task_end end, void *arg)
{
	struct dash_backups_read	*r = arg;
	struct dash			*d = r->d;
	struct ui_backup_rec		*recs;
	struct backup_entry		*e;
	int64_t				 newest = 0;
	size_t				 i;

	(void)id;
	if (end == TASK_ORPHANED) {
		dash_backups_read_free(r);
		return;
	}
	d->backups.task = 0;
	if (r->rc == 0 && end == TASK_DONE) {
		for (i = 0; i < r->n; i++) {
			if ((r->v[i].state == BACKUP_COMPLETE ||
			    r->v[i].state == BACKUP_VERIFIED) &&
			    r->v[i].time_ms > newest)
				newest = r->v[i].time_ms;
		}
		fleet_apply_backups(d->fleet, newest, util_wall_ms());
	}
	if (d->ui != NULL && r->rc != 0)
		ui_backups_set(d->ui, NULL, 0, r->cause);
	else if (d->ui != NULL) {
		recs = xcalloc(r->n + 1, sizeof *recs);
		for (i = 0; i < r->n; i++) {
			e = &r->v[i];
			recs[i].id = e->id;
			recs[i].time_ms = e->time_ms;
			recs[i].size = e->size;
			recs[i].contents = e->state == BACKUP_INCOMPLETE ?
			    "-" : backup_contents_words(e->contents);
			recs[i].state = backup_state_name(e->state);
			recs[i].good = e->state == BACKUP_COMPLETE ||
			    e->state == BACKUP_VERIFIED;
			recs[i].bad = !recs[i].good;
			recs[i].verified_ms = e->state == BACKUP_VERIFIED ?
			    e->verified_ms : 0;
			recs[i].why = e->why;
		}
		ui_backups_set(d->ui, recs, r->n, NULL);
		free(recs);
	}
	dash_backups_read_free(r);
	if (d->backups.again && d->ui != NULL && end == TASK_DONE)
		dash_backups_start(d);
	dash_draw(d);
}

static void
dash_backups_start(struct dash *d)
{
	struct dash_backups		*db = &d->backups;
	struct dash_backups_read	*r;
	char				*root, *cause = NULL;

	if (db->task != 0) {
		db->again = true;
		return;
	}
	db->again = false;
	if ((root = backup_root(d->cli->cfg, &cause)) == NULL) {
		if (d->ui != NULL)
			ui_backups_set(d->ui, NULL, 0, cause);
		free(cause);
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->d = d;
	r->root = root;
	db->task = task_start(d->tasks, dash_backups_run_cb,
	    dash_backups_done_cb, r, &cause);
	if (db->task == 0) {
		dash_backups_read_free(r);
		if (d->ui != NULL)
			ui_backups_set(d->ui, NULL, 0, cause);
		free(cause);
	}
}

static void
dash_verify_run_cb(struct task *t, void *arg)
{
	struct dash_verify	*r = arg;

	r->v.cfg = r->cfg;
	r->v.restore_test = r->restore;
	r->v.cancel = task_cancel_flag(t);
	r->rc = backup_verify_run(&r->v, r->dir, &r->cause);
}

static void
dash_verify_free(struct dash_verify *r)
{
	free(r->id);
	free(r->dir);
	free(r->cause);
	free(r);
}

static void
dash_verify_done_cb(uint32_t id, enum task_end end, void *arg)
{
	struct dash_verify	*r = arg;
	struct dash		*d = r->d;
	char			*msg;

	(void)id;
	if (end == TASK_ORPHANED) {
		dash_verify_free(r);
		return;
	}
	d->backups.verify = 0;
	if (d->ui != NULL) {
		if (r->rc == 0)
			msg = xasprintf("backup %s verified: %zu files match "
			    "the manifest%s", r->id, r->v.files_ok,
			    r->restore ? ", restored with the same row counts" :
			    "");
		else
			msg = xasprintf("backup %s: verify failed: %s", r->id,
			    r->cause != NULL ? r->cause : "?");
		ui_message(d->ui, msg);
		free(msg);
	}
	dash_verify_free(r);
	dash_backups_start(d);
	dash_draw(d);
}

static void
dash_verify_start(struct dash *d)
{
	struct dash_verify	*r;
	char			*id, *root, *cause = NULL, *msg;
	bool			 restore;

	if (!ui_take_verify(d->ui, &id, &restore))
		return;
	if (d->backups.verify != 0) {
		ui_message(d->ui, "a verify is running; one at a time");
		free(id);
		return;
	}
	if ((root = backup_root(d->cli->cfg, &cause)) == NULL) {
		ui_message(d->ui, cause);
		free(cause);
		free(id);
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->d = d;
	r->cfg = d->cli->cfg;
	r->id = id;
	r->dir = xasprintf("%s/%s", root, id);
	r->restore = restore;
	free(root);
	d->backups.verify = task_start(d->tasks, dash_verify_run_cb,
	    dash_verify_done_cb, r, &cause);
	if (d->backups.verify == 0) {
		ui_message(d->ui, cause);
		free(cause);
		dash_verify_free(r);
		return;
	}
	msg = xasprintf("verifying backup %s%s in the background", id,
	    restore ? " with a restore test" : "");
	ui_message(d->ui, msg);
	free(msg);
}

static void
dash_backups_timer_cb(void *arg)
{
	struct dash	*d = arg;

	dash_backups_start(d);
	loop_timer_start(d->backups.timer, DASH_BACKUP_EVERY_MS);
}

static void
dash_requests(struct dash *d, int reqs)
{
	if (reqs & UI_REQ_HANGUP) {
		log_info("dashboard: the terminal is gone");
		d->hup = true;
		loop_break(d->loop);
		return;
	}
	if (reqs & UI_REQ_QUIT) {
		if (jobs_running(d->jobs) > 0)
			dash_ask_quit(d);
		else
			loop_break(d->loop);
		return;
	}
	if (reqs & UI_REQ_QUIT_ANSWER)
		dash_quit(d, ui_take_quit(d->ui));
	if (reqs & UI_REQ_SET_REFRESH)
		backends_set_refresh(d->backends, ui_refresh_ms(d->ui));
	if (reqs & UI_REQ_REFRESH_NOW)
		backends_refresh_now(d->backends);
	if (reqs & UI_REQ_ACTION)
		dash_action(d);
	if (reqs & UI_REQ_DIALOG)
		dash_dialog(d);
	if (reqs & UI_REQ_CANCEL_JOB)
		dash_cancel_job(d);
	if (reqs & UI_REQ_AUDIT)
		dash_audit_start(d);
	if (reqs & UI_REQ_KEYCHECK)
		dash_keycheck_start(d);
	if (reqs & UI_REQ_BACKUPS)
		dash_backups_start(d);
	if (reqs & UI_REQ_VERIFY)
		dash_verify_start(d);
}

static void
dash_input_cb(void *arg)
{
	struct dash	*d = arg;

	dash_requests(d, ui_input(d->ui));
	/* The meetings list costs the most to fetch: only while shown. */
	if (!d->hup)
		backends_want_meetings(d->backends, ui_wants_meetings(d->ui));
	dash_draw(d);
}

static void
dash_clock_arm(struct dash *d)
{
	/* Wake at the next second boundary of the wall clock. */
	loop_timer_start(d->clock, 1000 - util_wall_ms() % 1000 + 5);
}

static void
dash_clock_cb(void *arg)
{
	struct dash	*d = arg;

	fleet_tick(d->fleet, util_wall_ms());
	dash_draw(d);
	dash_clock_arm(d);
}

static void
dash_change_cb(void *arg)
{
	struct dash	*d = arg;

	/*
	 * Sources answer a few milliseconds apart in every refresh: draw
	 * once for all of them, a moment after the first.  Until the first
	 * complete frame, draw at once.
	 */
	if (!d->complete || d->settle == NULL) {
		dash_draw(d);
		return;
	}
	if (!loop_timer_pending(d->settle))
		loop_timer_start(d->settle, DASH_SETTLE_MS);
}

static void
dash_settle_cb(void *arg)
{
	dash_draw(arg);
}

static void
dash_resize_cb(void *arg)
{
	struct dash	*d = arg;

	ui_resize(d->ui);
	dash_draw(d);
}

static void
dash_end_cb(int signo, bool hup, void *arg)
{
	struct dash	*d = arg;

	/* ^C is q: with jobs running it asks. */
	if (signo == SIGINT && !hup && d->ui != NULL &&
	    jobs_running(d->jobs) > 0) {
		dash_ask_quit(d);
		dash_draw(d);
		return;
	}
	if (hup)
		d->hup = true;
	log_info("dashboard: signal %d, exiting", signo);
	d->exit_code = 128 + signo;
	loop_break(d->loop);
}

/*
 * After the screen closed, jobs left to finish: ^C or SIGTERM cancels
 * them, a second one ends at once (dash_abandon()); SIGHUP leaves those
 * past their point of no return.
 */
static void
dash_drain_signal_cb(int signo, void *arg)
{
	struct dash	*d = arg;

	if (signo == SIGHUP) {
		d->hup = true;
		jobs_hangup(d->jobs);
		return;
	}
	if (d->drain_signals++ > 0) {
		log_info("dashboard: signal %d again: ending with %zu job(s) "
		    "running", signo, jobs_running(d->jobs));
		d->abandon = true;
		d->exit_code = 128 + signo;
		loop_break(d->loop);
		return;
	}
	if (!d->hup)
		fprintf(stderr, "bbbctl: %s: cancelling the running jobs "
		    "(again: end at once, leaving them where they are)\n",
		    strsignal(signo));
	log_info("dashboard: signal %d: cancelling the running jobs", signo);
	jobs_cancel_all(d->jobs);
}

/* Jobs still running when the screen closed: wait for their ends. */
static void
dash_drain(struct dash *d)
{
	size_t	 n;

	if (d->hup || d->exit_code != 0)
		n = jobs_hangup(d->jobs);
	else
		n = jobs_running(d->jobs);
	if (jobs_running(d->jobs) == 0)
		return;
	log_info("dashboard: waiting for %zu running job(s) to end",
	    jobs_running(d->jobs));
	if (!d->hup)
		fprintf(stderr, "bbbctl: waiting for %zu running job(s) to "
		    "%s (^C cancels them, a second ^C ends at once)\n",
		    jobs_running(d->jobs), d->quit == UI_QUIT_CANCEL ||
		    n == 0 ? "end" : "finish");
	loop_signal(d->loop, SIGINT, dash_drain_signal_cb, d);
	loop_signal(d->loop, SIGTERM, dash_drain_signal_cb, d);
	loop_signal(d->loop, SIGHUP, dash_drain_signal_cb, d);
	while (jobs_running(d->jobs) > 0 && !d->abandon) {
		if (loop_run(d->loop) != 0)
			break;
	}
	loop_signal(d->loop, SIGINT, NULL, NULL);
	loop_signal(d->loop, SIGTERM, NULL, NULL);
	loop_signal(d->loop, SIGHUP, NULL, NULL);
}

/*
 * The outcome of every job of the session, oldest first (stderr and the
 * log); 1 when one of them did not succeed.
 */
static int
dash_report_jobs(struct dash *d)
{
	const struct fleet_job	*fj;
	size_t			 i;
	int			 bad = 0;

	if (d->fleet == NULL)
		return (0);
	for (i = d->fleet->njobs; i > 0; i--) {
		fj = d->fleet->jobs[i - 1];
		if (fj->state != FLEET_JOB_DONE)
			bad = 1;
		if (fj->result == NULL && fj->step != NULL) {
			/* not ended (dash_abandon()): where it was */
			log_info("dashboard: job %u %s %s: %s, left at: %s",
			    fj->id, fj->verb, fj->target,
			    fleet_job_state_name(fj->state), fj->step);
			if (!d->hup)
				fprintf(stderr, "bbbctl: job %u %s %s: %s, "
				    "left at: %s\n", fj->id, fj->verb,
				    fj->target, fleet_job_state_name(fj->state),
				    fj->step);
			continue;
		}
		log_info("dashboard: job %u %s %s: %s: %s", fj->id, fj->verb,
		    fj->target, fleet_job_state_name(fj->state),
		    fj->result != NULL ? fj->result : "");
		if (!d->hup)
			fprintf(stderr, "bbbctl: job %u %s %s: %s: %s\n",
			    fj->id, fj->verb, fj->target,
			    fleet_job_state_name(fj->state), fj->result !=
			    NULL ? fj->result : "no result");
	}
	return (bad);
}

/*
 * A second ^C or SIGTERM while jobs ran on (their states printed): end
 * now.  Their threads are not joined, nor anything freed under them;
 * the simulator of --demo is stopped, the streams flushed.  A job stops
 * where it was: no rollback, and no end of it in the audit trail.
 */
static void
dash_abandon(struct dash *d)
{
	size_t	 n = jobs_running(d->jobs);

	log_info("dashboard: ended by a second signal with %zu job(s) "
	    "still running", n);
	if (!d->hup)
		fprintf(stderr, "bbbctl: ended with %zu job(s) still running, "
		    "stopped where they were: not finished, not rolled "
		    "back\n", n);
	dash_demo_stop(d);
	fflush(NULL);
	_exit(d->exit_code != 0 ? d->exit_code : 128 + SIGTERM);
}

static void
dash_late_signal_cb(int signo, void *arg)
{
	struct dash	*d = arg;

	d->late_signal = signo;
}

/*
 * The background reads (the audit view's) still running: wait for them
 * on the loop at most DASH_TASK_WAIT_MS, a signal ending the wait; then
 * tasks_free() leaves what still runs to end on its own.
 */
static void
dash_wait_tasks(struct dash *d)
{
	int64_t	 end, left;

	if (d->tasks == NULL || tasks_running(d->tasks) == 0)
		return;
	log_info("dashboard: waiting up to %d s for %zu background read(s)",
	    DASH_TASK_WAIT_MS / 1000, tasks_running(d->tasks));
	tasks_close(d->tasks);
	loop_signal(d->loop, SIGINT, dash_late_signal_cb, d);
	loop_signal(d->loop, SIGTERM, dash_late_signal_cb, d);
	loop_signal(d->loop, SIGHUP, dash_late_signal_cb, d);
	end = util_mono_ms() + DASH_TASK_WAIT_MS;
	while (tasks_running(d->tasks) > 0 && d->late_signal == 0 &&
	    (left = end - util_mono_ms()) > 0) {
		if (loop_run_once(d->loop, left < 200 ? (int)left : 200) != 0)
			break;
	}
	loop_signal(d->loop, SIGINT, NULL, NULL);
	loop_signal(d->loop, SIGTERM, NULL, NULL);
	loop_signal(d->loop, SIGHUP, NULL, NULL);
	if (d->late_signal != 0)
		log_info("dashboard: signal %d: not waiting for the background "
		    "reads", d->late_signal);
}

/* A crash: the terminal back, the simulator stopped (tui.h). */
static void
dash_crash_cb(void)
{
	ui_restore_terminal();
	if (dash_current != NULL && dash_current->sim_pid > 0)
		kill(dash_current->sim_pid, SIGKILL);
}

static void
dash_fatal_hook(void)
{
	ui_restore_terminal();
	if (dash_current != NULL)
		dash_demo_stop(dash_current);
}

/* --- the command -------------------------------------------------------- */

static int
dash_load_demo_config(struct dash *d)
{
	struct cli	*cli = d->cli;
	char		*saved = cli->config_path;
	int		 rc;

	/* Load the simulator's file as if given with --config. */
	cli->config_path = d->conf;
	cli->demo = false;
	rc = cli_load_config(cli, CLI_CONFIG_REQUIRED);
	cli->demo = true;
	cli->config_path = saved;
	return (rc);
}

int
cmd_dashboard(struct cli *cli, int argc, char **argv)
{
	struct dash	 d;
	struct ui_opts	 o;
	const struct config *cfg;
	char		*cause = NULL;
	int		 rc = CLI_EXIT_ERROR;

	memset(&d, 0, sizeof d);
	d.cli = cli;
	d.started = util_mono_ms();
	d.started_wall = util_wall_ms();
	dash_current = &d;
	log_set_fatal_hook(dash_fatal_hook);

	if (cli->demo) {
		if (dash_demo_start(&d, &cause) != 0) {
			fprintf(stderr, "bbbctl: --demo: %s\n", cause);
			free(cause);
			goto out;
		}
		if (dash_load_demo_config(&d) != 0)
			goto out;
	}
	cfg = cli->cfg;

	d.loop = loop_new();
	d.http = http_new(d.loop);
	d.fleet = fleet_new(cfg->cluster.name != NULL ? cfg->cluster.name :
	    "bbb");
	if (fleet_configure(d.fleet, cfg, &cause) == -1) {
		fprintf(stderr, "bbbctl: %s\n", cause);
		free(cause);
		goto out;
	}
	d.backends = backends_new(d.loop, d.http, cfg, d.fleet);
	backends_on_change(d.backends, dash_change_cb, &d);
	d.jobs = jobs_new(d.loop, d.fleet, cfg, NULL);
	jobs_on_change(d.jobs, dash_job_cb, &d);
	d.tasks = tasks_new(d.loop);

	/* Before curses starts, so that it installs no handler of its own. */
	d.tui = tui_new(d.loop, &dash_tui_cbs, &d);

	memset(&o, 0, sizeof o);
	o.readonly = cli->readonly;
	o.color = cfg->ui.color && !cli->no_color;	/* NO_COLOR: cli.c */
	o.ascii = cfg->ui.ascii;
	o.mouse = cfg->ui.mouse;
	o.bell = cfg->ui.bell;
	o.refresh_ms = cfg->ui.refresh_ms;
	d.ui = ui_new(&o, d.fleet, &cause);
	if (d.ui == NULL) {
		tui_free(d.tui);
		d.tui = NULL;
		fprintf(stderr, "bbbctl: %s\n", cause);
		free(cause);
		goto out;
	}
	tui_attach(d.tui, ui_fd(d.ui));
	d.clock = loop_timer_new(d.loop, dash_clock_cb, &d);
	d.settle = loop_timer_new(d.loop, dash_settle_cb, &d);
	dash_clock_arm(&d);
	if (cfg->backup.dir != NULL) {
		d.backups.timer = loop_timer_new(d.loop, dash_backups_timer_cb,
		    &d);
		loop_timer_start(d.backups.timer, 0);
	}
	backends_set_refresh(d.backends, o.refresh_ms);
	backends_start(d.backends);
	d.probes = probe_set_new(d.loop, d.http, d.fleet, cfg);
	probe_set_start(d.probes, true, dash_change_cb, &d);
	dash_draw(&d);
	log_info("dashboard: first frame %lld ms after start",
	    (long long)(util_mono_ms() - d.started));

	if (loop_run(d.loop) != 0)
		log_error("dashboard: the event loop failed");
	rc = d.exit_code != 0 ? d.exit_code : CLI_EXIT_OK;

out:
	/* The terminal first: nothing below may need it. */
	loop_timer_free(d.clock);
	loop_timer_free(d.settle);
	loop_timer_free(d.backups.timer);
	d.clock = d.settle = NULL;
	ui_free(d.ui);
	d.ui = NULL;
	tui_free(d.tui);
	d.tui = NULL;
	/* Jobs still running finish or end as decided (dash_drain()). */
	if (d.jobs != NULL) {
		dash_drain(&d);
		if (dash_report_jobs(&d) && rc == CLI_EXIT_OK)
			rc = CLI_EXIT_ERROR;
		if (d.abandon)
			dash_abandon(&d);
	}
	jobs_free(d.jobs);
	free(d.drain_last);
	/* The audit read's answer is dropped (there is no ui any more). */
	dash_wait_tasks(&d);
	if (d.late_signal != 0 && (rc == CLI_EXIT_OK || rc == CLI_EXIT_ERROR))
		rc = 128 + d.late_signal;
	tasks_free(d.tasks, 0);
	audit_free(d.audit.audit);
	dash_pending_clear(&d);
	backends_free(d.backends);
	probe_set_free(d.probes);
	http_free(d.http);
	fleet_free(d.fleet);
	loop_free(d.loop);
	dash_demo_stop(&d);
	log_set_fatal_hook(NULL);
	dash_current = NULL;
	return (rc);
}
