/*
 * jobs.c: the job framework (see jobs.h): plans, one worker thread per
 * job, the job queue between the workers and the
 * loop, the cluster lock and the audit records around each run.
 */
#include <sys/queue.h>

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "fleet.h"
#include "jobs.h"
#include "lock.h"
#include "log.h"
#include "mask.h"
#include "loop.h"
#include "util.h"

struct job_event {
	struct fleet_job_update	*u;
	bool			 final;
	TAILQ_ENTRY(job_event)	 entry;
};
TAILQ_HEAD(job_events, job_event);

struct job {
	struct jobs		*jobs;
	uint32_t		 id;
	const struct action	*action;
	struct job_plan		*plan;
	char			*plan_text;
	char			*operator;
	int64_t			 planned_ms;
	int64_t			 confirmed_ms;

	/* args, copied */
	struct job_args		 args;
	char			*target;

	pthread_t		 thread;
	bool			 joined;
	bool			 finished;	/* main thread saw the end */

	/* the worker's snapshot (worker thread only) */
	enum fleet_job_state	 state;
	char			*step;
	int			 progress;
	char			*result;
	int64_t			 started;

	struct lock		*lock;		/* worker thread only */

	/* shared, under jobs->mu */
	bool			 cancel;
	bool			 too_late;	/* a cancel is not obeyed */
	bool			 no_return;	/* a hang-up does not cancel */
	bool			 mutating;	/* run() has started */
	char			*lock_lost;	/* why, once the lock is lost */

	TAILQ_ENTRY(job)	 entry;
};
TAILQ_HEAD(job_list, job);

struct jobs {
	struct loop		*loop;
	struct fleet		*fleet;
	const struct config	*cfg;
	char			*operator;
	char			*user;		/* for the audit */
	char			*origin;
	struct audit		*audit;		/* NULL: no_audit */
	bool			 no_lock;
	jobs_change_cb		 cb;
	void			*cb_arg;

	pthread_mutex_t		 mu;
	pthread_cond_t		 cond;		/* cancel wakes sleepers */
	struct job_events	 events;
	struct job_list		 list;
};

static uint32_t	jobs_next_id;

/* --- plans --------------------------------------------------------------- */

struct job_plan *
job_plan_new(const char *title)
{
	struct job_plan	*p;

	p = xcalloc(1, sizeof *p);
	p->title = xstrdup(title);
	return (p);
}

void
job_plan_free(struct job_plan *p)
{
	size_t	 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nsteps; i++)
		free(p->steps[i]);
	free(p->steps);
	free(p->title);
	free(p->confirm);
	free(p->warning);
	free(p->refusal);
	free(p);
}

void
job_plan_add(struct job_plan *p, const char *fmt, ...)
{
	va_list	 ap;

	p->steps = xreallocarray(p->steps, p->nsteps + 1, sizeof *p->steps);
	va_start(ap, fmt);
	p->steps[p->nsteps++] = xvasprintf(fmt, ap);
	va_end(ap);
}

char *
job_plan_text(const struct job_plan *p)
{
	struct buf	 b = { 0 };
	size_t		 i;

	buf_printf(&b, "%s\n", p->title);
	if (p->warning != NULL)
		buf_printf(&b, "  WARNING: %s\n", p->warning);
	for (i = 0; i < p->nsteps; i++)
		buf_printf(&b, "  %zu. %s\n", i + 1, p->steps[i]);
	if (p->refusal != NULL)
		buf_printf(&b, "  REFUSED: %s\n", p->refusal);
	return (buf_steal(&b));
}

/* A system the action changes is failing: say so, and since when. */
static void
jobs_plan_warn(const struct action *a, const struct fleet *f,
    struct job_plan *p)
{
	struct buf	 b = { 0 };
	const char	*cause;
	int64_t		 since, now = p->made_ms;
	char		 age[16], clock[16];
	struct tm	 tm;
	time_t		 t;
	int		 i;

	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		if ((a->acts_on & FLEET_SRC_BIT(i)) == 0 ||
		    !fleet_source_trouble(f, i, now, &since, &cause))
			continue;
		if (b.len > 0)
			buf_adds(&b, "; ");
		if (since == 0) {
			buf_printf(&b, "%s has never answered (%s): the job "
			    "may fail", fleet_src_name(i), cause != NULL ?
			    cause : "no answer yet");
			continue;
		}
		t = (time_t)(since / 1000);
		localtime_r(&t, &tm);
		strftime(clock, sizeof clock, "%H:%M:%S", &tm);
		buf_printf(&b, "%s is failing since %s (%s ago): %s; the job "
		    "may fail", fleet_src_name(i), clock,
		    util_fmt_age(now > since ? now - since : 0, age,
		    sizeof age), cause != NULL ? cause : "no answer");
	}
	if (b.len > 0)
		p->warning = buf_steal(&b);
	else
		buf_free(&b);
}

int
jobs_plan(const struct action *a, const struct job_ctx *ctx,
    const struct job_args *args, struct job_plan **planp, char **cause)
{
	struct job_plan	*p;
	char		*title;

	*planp = NULL;
	if (a->target != ACTION_TARGET_NONE && (args->target == NULL ||
	    *args->target == '\0')) {
		*cause = xasprintf("%s: no target given", a->verb);
		return (-1);
	}
	if (args->target == NULL || *args->target == '\0')
		title = xstrdup(a->verb);
	else
		title = xasprintf("%s %s", a->verb, args->target);
	p = job_plan_new(title);
	p->made_ms = util_wall_ms();
	free(title);
	p->risk = a->risk;
	if (a->plan(ctx, args, p, cause) != 0) {
		job_plan_free(p);
		return (-1);
	}
	if (ctx->fleet != NULL)
		jobs_plan_warn(a, ctx->fleet, p);
	if (p->risk == JOB_RISK_DESTRUCTIVE && p->confirm == NULL)
		p->confirm = xstrdup(args->target != NULL &&
		    *args->target != '\0' ? args->target : action_name(a));
	*planp = p;
	return (0);
}

/* --- operator ------------------------------------------------------------ */

char *
jobs_operator(void)
{
	struct passwd	*pw;
	const char	*user = NULL, *ssh;
	char		 host[256], from[64];
	size_t		 n;

	if ((pw = getpwuid(geteuid())) != NULL)
		user = pw->pw_name;
	if (user == NULL && (user = getenv("USER")) == NULL)
		user = "unknown";
	if ((ssh = getenv("SSH_CLIENT")) != NULL && *ssh != '\0') {
		n = strcspn(ssh, " ");
		if (n >= sizeof from)
			n = sizeof from - 1;
		memcpy(from, ssh, n);
		from[n] = '\0';
		return (xasprintf("%s@%s", user, from));
	}
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	return (xasprintf("%s@%s", user, host));
}

/* --- the worker's side --------------------------------------------------- */

const struct config *
job_config(struct job *j)
{
	return (j->jobs->cfg);
}

const struct job_args *
job_args(struct job *j)
{
	return (&j->args);
}

const struct action *
job_action(struct job *j)
{
	return (j->action);
}

uint32_t
job_id(struct job *j)
{
	return (j->id);
}

/* Post the worker's snapshot to the queue and wake the loop. */
/* The worker's snapshot, and part's line when part is not NULL. */
static void
job_post_part(struct job *j, bool final, const char *part,
    const char *part_step, int part_progress)
{
	struct jobs		*js = j->jobs;
	struct job_event	*ev;
	struct fleet_job_update	*u;

	u = xcalloc(1, sizeof *u);
	if (part != NULL) {
		u->part = xstrdup(part);
		u->part_step = mask_text(part_step);
		u->part_progress = part_progress;
	}
	u->id = j->id;
	u->verb = xstrdup(j->action->verb);
	u->target = xstrdup(j->target);
	u->state = j->state;
	/* A cause may quote a server that reflected a secret. */
	u->step = mask_text(j->step);
	u->progress = j->progress;
	u->result = mask_text(j->result);
	u->started = j->started;
	u->ended = final ? util_wall_ms() : 0;
	pthread_mutex_lock(&js->mu);
	u->cancellable = !final && (j->action->cancellable || !j->mutating);
	pthread_mutex_unlock(&js->mu);

	ev = xcalloc(1, sizeof *ev);
	ev->u = u;
	ev->final = final;
	pthread_mutex_lock(&js->mu);
	TAILQ_INSERT_TAIL(&js->events, ev, entry);
	pthread_mutex_unlock(&js->mu);
	loop_wake(js->loop);
}

static void
job_post(struct job *j, bool final)
{
	job_post_part(j, final, NULL, NULL, -1);
}

static void
job_vstep(struct job *j, int percent, const char *fmt, va_list ap)
{
	free(j->step);
	j->step = xvasprintf(fmt, ap);
	if (percent < 0)
		percent = -1;
	if (percent > 100)
		percent = 100;
	j->progress = percent;
	log_info("job %u: %s", j->id, j->step);
	job_post(j, false);
}

void
job_step(struct job *j, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	job_vstep(j, -1, fmt, ap);
	va_end(ap);
}

void
job_step_progress(struct job *j, int percent, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	job_vstep(j, percent, fmt, ap);
	va_end(ap);
}

void
job_step_part(struct job *j, const char *part, int percent,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	if (percent < 0)
		percent = -1;
	if (percent > 100)
		percent = 100;
	free(j->step);
	j->step = xasprintf("%s %s", part, s);
	j->progress = percent;
	log_info("job %u: %s", j->id, j->step);
	job_post_part(j, false, part, s, percent);
	free(s);
}

void
job_progress(struct job *j, int percent)
{
	if (percent < 0)
		percent = -1;
	if (percent > 100)
		percent = 100;
	if (percent == j->progress)
		return;
	j->progress = percent;
	job_post(j, false);
}

void
job_result(struct job *j, const char *fmt, ...)
{
	va_list	 ap;

	free(j->result);
	va_start(ap, fmt);
	j->result = xvasprintf(fmt, ap);
	va_end(ap);
}

bool
job_cancelled(struct job *j)
{
	bool	 c;

	pthread_mutex_lock(&j->jobs->mu);
	c = j->cancel || j->lock_lost != NULL;
	pthread_mutex_unlock(&j->jobs->mu);
	return (c);
}

bool
job_sleep(struct job *j, int64_t ms)
{
	struct timespec	 ts;
	bool		 c;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&j->jobs->mu);
	while (!j->cancel && j->lock_lost == NULL) {
		if (pthread_cond_timedwait(&j->jobs->cond, &j->jobs->mu,
		    &ts) == ETIMEDOUT)
			break;
	}
	c = j->cancel || j->lock_lost != NULL;
	pthread_mutex_unlock(&j->jobs->mu);
	return (!c);
}

bool
job_retry(struct job *j, struct job_retry *r, int64_t end, bool cancellable,
    const char *cause)
{
	int64_t	 now = util_mono_ms(), wake;

	if (r->first == 0) {
		r->first = now;
		r->backoff = 1000;
	}
	/* A failure that outlasts a server's restart is persistent. */
	if (now + r->backoff - r->first > JOB_RETRY_FOR_MS ||
	    now + r->backoff >= end)
		return (false);
	r->n++;
	log_info("job %u: %s (try %u failed); retrying in %llds", j->id,
	    cause, r->n, (long long)(r->backoff / 1000));
	job_step(j, "%s; retrying in %llds", cause,
	    (long long)(r->backoff / 1000));
	wake = now + r->backoff;
	if (r->backoff < 30000)
		r->backoff *= 2;
	if (!job_sleep(j, wake - now)) {
		if (cancellable)
			return (false);
		while ((now = util_mono_ms()) < wake)
			usleep((useconds_t)(wake - now) * 1000);
	}
	return (true);
}

void
job_retry_ok(struct job_retry *r)
{
	memset(r, 0, sizeof *r);
}

/* The lock is lost (cause borrowed): wake the job's sleeps. */
static void
job_set_lock_lost(struct job *j, const char *cause)
{
	pthread_mutex_lock(&j->jobs->mu);
	if (j->lock_lost == NULL)
		j->lock_lost = xstrdup(cause);
	pthread_cond_broadcast(&j->jobs->cond);
	pthread_mutex_unlock(&j->jobs->mu);
}

bool
job_lock_lost(struct job *j)
{
	bool	 lost;

	pthread_mutex_lock(&j->jobs->mu);
	lost = j->lock_lost != NULL;
	pthread_mutex_unlock(&j->jobs->mu);
	return (lost);
}

bool
job_cancel_too_late(struct job *j)
{
	bool	 c;

	pthread_mutex_lock(&j->jobs->mu);
	c = j->cancel || j->lock_lost != NULL;
	if (!c)
		j->too_late = true;
	pthread_mutex_unlock(&j->jobs->mu);
	return (c);
}

void
job_no_return(struct job *j)
{
	pthread_mutex_lock(&j->jobs->mu);
	j->no_return = true;
	pthread_mutex_unlock(&j->jobs->mu);
}

int
job_lock_check(struct job *j, char **cause)
{
	char	*why = NULL;

	pthread_mutex_lock(&j->jobs->mu);
	if (j->lock_lost != NULL)
		why = xstrdup(j->lock_lost);
	pthread_mutex_unlock(&j->jobs->mu);
	if (why == NULL && j->lock != NULL && lock_check(j->lock, &why) != 0)
		job_set_lock_lost(j, why);
	if (why == NULL)
		return (0);
	*cause = xasprintf("lock lost: %s", why);
	free(why);
	return (-1);
}

/* --- the worker ---------------------------------------------------------- */

/* One audit record of the job (audit.h never loses it: it spools). */
static void
job_audit(struct job *j, const char *event, int64_t at, int64_t duration)
{
	struct audit_rec	 r;
	char			*uuid, *cause = NULL;

	if (j->jobs->audit == NULL)
		return;
	uuid = audit_uuid_new();
	memset(&r, 0, sizeof r);
	r.uuid = uuid;
	r.event = event;
	r.verb = j->action->verb;
	r.target = j->target;
	r.plan = j->plan_text;
	r.result = duration >= 0 ? j->result : NULL;
	r.operator_ = j->jobs->user;
	r.origin = j->jobs->origin;
	r.at_ms = at;
	r.duration_ms = duration;
	r.job_id = j->id;
	if (audit_record(j->jobs->audit, &r, &cause) != 0)
		log_error("job %u: audit record %s lost: %s", j->id, event,
		    cause);
	else if (cause != NULL)
		log_info("job %u: audit record %s spooled: %s", j->id, event,
		    cause);
	free(cause);
	free(uuid);
}

/* The worker's own record of a resource it made or removed (jobs.h). */
void
job_audit_resource(struct job *j, const char *fmt, ...)
{
	struct audit_rec	 r;
	va_list			 ap;
	char			*uuid, *text, *cause = NULL;

	if (j->jobs->audit == NULL)
		return;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	uuid = audit_uuid_new();
	memset(&r, 0, sizeof r);
	r.uuid = uuid;
	r.event = "resource";
	r.verb = j->action->verb;
	r.target = j->target;
	r.result = text;
	r.operator_ = j->jobs->user;
	r.origin = j->jobs->origin;
	r.at_ms = util_wall_ms();
	r.duration_ms = -1;
	r.job_id = j->id;
	if (audit_record(j->jobs->audit, &r, &cause) != 0)
		log_error("job %u: audit record resource lost: %s", j->id,
		    cause);
	free(cause);
	free(uuid);
	free(text);
}

static bool
job_lock_cancelled_cb(void *arg)
{
	return (job_cancelled(arg));
}

static void
job_lock_lost_cb(const char *cause, void *arg)
{
	struct job	*j = arg;

	log_warn("job %u: the cluster lock is lost: %s", j->id, cause);
	job_set_lock_lost(j, cause);
}

static void
job_lock_waiting_cb(const char *holder, void *arg)
{
	struct job	*j = arg;

	if (j->state != FLEET_JOB_WAITING || j->step == NULL ||
	    strstr(j->step, holder) == NULL) {
		j->state = FLEET_JOB_WAITING;
		job_step(j, "waiting for the cluster lock: %s", holder);
	}
}

static struct lock *
job_lock(struct job *j, int *rc, char **cause)
{
	const struct config	*cfg = j->jobs->cfg;
	struct lock_opts	 o;
	struct lock		*l;
	char			*key;

	*rc = 0;
	if (!j->action->locks || j->jobs->no_lock)
		return (NULL);
	if (cfg->consul.url == NULL) {
		job_step(j, "no cluster lock: [consul] is not configured");
		return (NULL);
	}
	job_step(j, "taking the cluster lock");
	key = xasprintf("bbbctl/%s/lock", cfg->cluster.name != NULL ?
	    cfg->cluster.name : "bbb");
	memset(&o, 0, sizeof o);
	o.url = cfg->consul.url;
	o.token = cfg->consul.token;
	o.ca_file = cfg->consul.ca_file;
	o.key = key;
	o.operator = j->operator;
	o.job = j->plan->title;
	o.wait_ms = j->args.lock_wait_ms;
	o.waiting = job_lock_waiting_cb;
	o.cancelled = job_lock_cancelled_cb;
	o.on_lost = job_lock_lost_cb;
	o.arg = j;
	l = lock_acquire(&o, cause);
	free(key);
	if (l == NULL)
		*rc = -1;
	return (l);
}

static void *
job_main(void *arg)
{
	struct job	*j = arg;
	struct lock	*l;
	char		*cause = NULL;
	const char	*outcome;
	char		*lost;
	bool		 cancelled;
	int		 rc;

	j->started = util_wall_ms();
	j->state = FLEET_JOB_RUNNING;
	j->progress = -1;
	job_post(j, false);

	job_audit(j, "planned", j->planned_ms, -1);
	job_audit(j, "confirmed", j->confirmed_ms, -1);

	l = job_lock(j, &rc, &cause);
	if (rc == 0) {
		j->lock = l;
		j->state = FLEET_JOB_RUNNING;
		pthread_mutex_lock(&j->jobs->mu);
		if (!j->cancel)
			j->mutating = true;
		pthread_mutex_unlock(&j->jobs->mu);
		if (j->mutating)
			job_audit(j, "started", util_wall_ms(), -1);
		if (!j->mutating) {
			rc = -1;
			cause = xstrdup("cancelled before it started");
		} else
			rc = j->action->run(j, &cause);
		j->lock = NULL;
		lock_release(l);
	}

	pthread_mutex_lock(&j->jobs->mu);
	lost = j->lock_lost != NULL ? xstrdup(j->lock_lost) : NULL;
	/*
	 * Cancelled only if the cancel was obeyed: not once it came too
	 * late, nor for an action that cannot be cancelled once started
	 * (quitting cancels every job); then a failure is a failure.
	 */
	cancelled = j->cancel && !j->too_late && (j->action->cancellable ||
	    !j->mutating);
	pthread_mutex_unlock(&j->jobs->mu);
	if (rc == 0) {
		j->state = FLEET_JOB_DONE;
		outcome = "done";
		if (j->result == NULL)
			j->result = xstrdup("done");
		if (lost != NULL) {
			/* Every mutating step checked the lock first. */
			cause = j->result;
			j->result = xasprintf("%s (the cluster lock was lost "
			    "after the last step: %s)", cause, lost);
			free(cause);
			cause = NULL;
		}
	} else if (lost != NULL) {
		/* Stopped before its next mutating step: say why first. */
		j->state = FLEET_JOB_FAILED;
		outcome = "failed";
		free(j->result);
		if (cause != NULL && strncmp(cause, "lock lost: ", 11) == 0)
			j->result = cause;
		else {
			j->result = xasprintf("lock lost: %s%s%s", lost,
			    cause != NULL ? "; " : "",
			    cause != NULL ? cause : "");
			free(cause);
		}
		cause = NULL;
	} else {
		j->state = cancelled ? FLEET_JOB_CANCELLED : FLEET_JOB_FAILED;
		outcome = j->state == FLEET_JOB_CANCELLED ? "cancelled" :
		    "failed";
		free(j->result);
		j->result = cause != NULL ? cause : xstrdup("failed");
		cause = NULL;
	}
	free(lost);
	log_info("job %u: %s %s: %s: %s", j->id, j->action->verb, j->target,
	    outcome, j->result);
	job_audit(j, outcome, util_wall_ms(), util_wall_ms() - j->started);
	job_post(j, true);
	return (NULL);
}

/* --- the main thread ----------------------------------------------------- */

static void
job_free(struct job *j)
{
	job_plan_free(j->plan);
	free(j->plan_text);
	free(j->operator);
	free(j->target);
	action_args_free(j->action, j->args.priv);
	free(j->step);
	free(j->result);
	free(j->lock_lost);
	free(j);
}

static void
jobs_wake_cb(void *arg)
{
	struct jobs		*js = arg;
	struct job_events	 evs;
	struct job_event	*ev;
	struct job		*j;
	uint32_t		 id;
	int64_t			 now = util_wall_ms();

	TAILQ_INIT(&evs);
	pthread_mutex_lock(&js->mu);
	TAILQ_CONCAT(&evs, &js->events, entry);
	pthread_mutex_unlock(&js->mu);

	while ((ev = TAILQ_FIRST(&evs)) != NULL) {
		TAILQ_REMOVE(&evs, ev, entry);
		id = ev->u->id;
		fleet_apply_job(js->fleet, ev->u, now);
		if (ev->final) {
			TAILQ_FOREACH(j, &js->list, entry) {
				if (j->id != id)
					continue;
				if (!j->joined) {
					pthread_join(j->thread, NULL);
					j->joined = true;
				}
				j->finished = true;
				break;
			}
		}
		free(ev);
		if (js->cb != NULL && fleet_job_by_id(js->fleet, id) != NULL)
			js->cb(fleet_job_by_id(js->fleet, id), js->cb_arg);
	}
}

struct jobs *
jobs_new(struct loop *loop, struct fleet *fleet, const struct config *cfg,
    const struct jobs_opts *opts)
{
	struct jobs		*js;
	pthread_condattr_t	 ca;

	js = xcalloc(1, sizeof *js);
	js->loop = loop;
	js->fleet = fleet;
	js->cfg = cfg;
	js->operator = opts != NULL && opts->operator != NULL ?
	    xstrdup(opts->operator) : jobs_operator();
	js->user = audit_operator();
	js->origin = audit_origin();
	if (opts == NULL || !opts->no_audit)
		js->audit = audit_new(cfg);
	js->no_lock = opts != NULL && opts->no_lock;
	pthread_mutex_init(&js->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&js->cond, &ca);
	pthread_condattr_destroy(&ca);
	TAILQ_INIT(&js->events);
	TAILQ_INIT(&js->list);
	loop_on_wake(loop, jobs_wake_cb, js);
	return (js);
}

void
jobs_on_change(struct jobs *js, jobs_change_cb cb, void *arg)
{
	js->cb = cb;
	js->cb_arg = arg;
}

void
jobs_cancel_all(struct jobs *js)
{
	struct job	*j;

	pthread_mutex_lock(&js->mu);
	TAILQ_FOREACH(j, &js->list, entry)
		j->cancel = true;
	pthread_cond_broadcast(&js->cond);
	pthread_mutex_unlock(&js->mu);
}

size_t
jobs_hangup(struct jobs *js)
{
	struct job	*j;
	size_t		 left = 0;

	pthread_mutex_lock(&js->mu);
	TAILQ_FOREACH(j, &js->list, entry) {
		if (j->finished)
			continue;
		if (j->no_return || j->too_late ||
		    (j->mutating && !j->action->cancellable))
			left++;
		else
			j->cancel = true;
	}
	pthread_cond_broadcast(&js->cond);
	pthread_mutex_unlock(&js->mu);
	return (left);
}

void
jobs_free(struct jobs *js)
{
	struct job		*j;
	struct job_event	*ev;

	if (js == NULL)
		return;
	jobs_cancel_all(js);
	if (js->audit != NULL)
		audit_interrupt(js->audit);
	while ((j = TAILQ_FIRST(&js->list)) != NULL) {
		TAILQ_REMOVE(&js->list, j, entry);
		if (!j->joined)
			pthread_join(j->thread, NULL);
		job_free(j);
	}
	while ((ev = TAILQ_FIRST(&js->events)) != NULL) {
		TAILQ_REMOVE(&js->events, ev, entry);
		fleet_job_update_free(ev->u);
		free(ev);
	}
	/*
	 * The loop keeps the wake callback; the loop is freed after us
	 * (the command's order: jobs_free, http_free, loop_free), and no
	 * wake can run between.
	 */
	pthread_cond_destroy(&js->cond);
	pthread_mutex_destroy(&js->mu);
	audit_free(js->audit);
	free(js->user);
	free(js->origin);
	free(js->operator);
	free(js);
}

uint32_t
jobs_start(struct jobs *js, const struct action *a,
    const struct job_args *args, struct job_plan *plan)
{
	struct job		*j;
	struct fleet_job_update	*u;
	sigset_t		 all, old;
	int		 error;

	j = xcalloc(1, sizeof *j);
	j->jobs = js;
	j->id = ++jobs_next_id;
	j->action = a;
	j->plan = plan;
	j->plan_text = job_plan_text(plan);
	j->operator = xstrdup(js->operator);
	j->planned_ms = plan->made_ms != 0 ? plan->made_ms : util_wall_ms();
	j->confirmed_ms = util_wall_ms();
	j->args = *args;
	j->target = xstrdup(args->target != NULL ? args->target : "");
	j->args.target = j->target;
	j->progress = -1;
	j->state = FLEET_JOB_PLANNED;
	TAILQ_INSERT_TAIL(&js->list, j, entry);

	/* The job is in the model at once, before its worker says more. */
	u = xcalloc(1, sizeof *u);
	u->id = j->id;
	u->verb = xstrdup(a->verb);
	u->target = xstrdup(j->target);
	u->state = FLEET_JOB_PLANNED;
	u->progress = -1;
	u->step = xstrdup("starting");
	u->cancellable = true;
	fleet_apply_job(js->fleet, u, util_wall_ms());

	/* Workers never take the loop's signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	error = pthread_create(&j->thread, NULL, job_main, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0)
		fatalx("pthread_create: %s", strerror(error));
	return (j->id);
}

int
jobs_cancel(struct jobs *js, uint32_t id, char **cause)
{
	struct job	*j;

	TAILQ_FOREACH(j, &js->list, entry) {
		if (j->id == id)
			break;
	}
	if (j == NULL || j->finished) {
		*cause = xasprintf("job %u is not running", id);
		return (-1);
	}
	/* A record waiting on a hung audit database goes to the spool. */
	if (js->audit != NULL)
		audit_interrupt(js->audit);
	pthread_mutex_lock(&js->mu);
	if (j->mutating && !j->action->cancellable) {
		pthread_mutex_unlock(&js->mu);
		*cause = xasprintf("%s cannot be cancelled once started",
		    j->action->verb);
		return (-1);
	}
	j->cancel = true;
	pthread_cond_broadcast(&js->cond);
	pthread_mutex_unlock(&js->mu);
	return (0);
}

size_t
jobs_running(const struct jobs *js)
{
	struct job	*j;
	size_t		 n = 0;

	TAILQ_FOREACH(j, &js->list, entry) {
		if (!j->finished)
			n++;
	}
	return (n);
}
