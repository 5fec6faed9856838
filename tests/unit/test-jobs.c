/* test-jobs.c: jobs.c (the framework, with test actions), the lock
 * holder decoder of lock.c, fleet_apply_job. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fleet.h"
#include "jobs.h"
#include "lock.h"
#include "loop.h"
#include "util.h"
#include "fixture.h"
#include "fleet-helpers.h"

struct env {
	struct loop	*loop;
	struct fleet	*fleet;
	struct config	*cfg;
	struct jobs	*jobs;
	int		 changes;
	int		 finals;
};

static void
change_cb(const struct fleet_job *fj, void *arg)
{
	struct env	*e = arg;

	e->changes++;
	if (fj->state == FLEET_JOB_DONE || fj->state == FLEET_JOB_FAILED ||
	    fj->state == FLEET_JOB_CANCELLED)
		e->finals++;
}

static int
env_setup(void **state)
{
	struct env		*e;
	struct jobs_opts	 o = { "tester@127.0.0.1", true, true };

	e = xcalloc(1, sizeof *e);
	e->loop = loop_new();
	e->fleet = fleet_new("test");
	e->cfg = config_new();
	e->jobs = jobs_new(e->loop, e->fleet, e->cfg, &o);
	jobs_on_change(e->jobs, change_cb, e);
	*state = e;
	return (0);
}

static int
env_teardown(void **state)
{
	struct env	*e = *state;

	jobs_free(e->jobs);
	fleet_free(e->fleet);
	config_free(e->cfg);
	loop_free(e->loop);
	free(e);
	return (0);
}

/* Run the loop until n jobs finished or 5 s passed. */
static void
wait_finals(struct env *e, int n)
{
	int64_t	 end = util_mono_ms() + 5000;

	while (e->finals < n && util_mono_ms() < end)
		assert_int_equal(loop_run_once(e->loop, 50), 0);
	assert_int_equal(e->finals, n);
}

/* --- test actions --- */

static volatile int	 worker_saw_cancel;

static int
plan_ok(const struct job_ctx *c, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	(void)c;
	if (strcmp(a->target, "bad") == 0) {
		*cause = xstrdup("no such target");
		return (-1);
	}
	job_plan_add(p, "step one on %s", a->target);
	job_plan_add(p, "step two");
	return (0);
}

static int
run_ok(struct job *j, char **cause)
{
	(void)cause;
	job_step(j, "working on %s", job_args(j)->target);
	job_progress(j, 50);
	job_result(j, "all fine");
	return (0);
}

static int
run_fail(struct job *j, char **cause)
{
	job_step(j, "trying");
	*cause = xstrdup("it broke");
	return (-1);
}

static int
run_wait(struct job *j, char **cause)
{
	job_step(j, "waiting");
	if (!job_sleep(j, 30000)) {
		worker_saw_cancel = 1;
		*cause = xstrdup("stopped");
		return (-1);
	}
	return (0);
}

static const struct action act_ok = {
	"test ok", "", JOB_RISK_REVERSIBLE, false, true, plan_ok, run_ok
};
static const struct action act_fail = {
	"test fail", "", JOB_RISK_DESTRUCTIVE, false, true, plan_ok, run_fail
};
static const struct action act_wait = {
	"test wait", "", JOB_RISK_REVERSIBLE, true, true, plan_ok, run_wait
};
static const struct action act_stuck = {
	"test stuck", "", JOB_RISK_REVERSIBLE, false, true, plan_ok, run_wait
};

static struct job_plan *
make_plan(struct env *e, const struct action *a, const char *target)
{
	struct job_ctx	 ctx = { e->cfg, NULL };
	struct job_args	 args = { .target = target };
	struct job_plan	*p = NULL;
	char		*cause = NULL;

	assert_int_equal(jobs_plan(a, &ctx, &args, &p, &cause), 0);
	assert_null(cause);
	return (p);
}

static void
test_plan_text(void **state)
{
	struct env	*e = *state;
	struct job_ctx	 ctx = { e->cfg, NULL };
	struct job_args	 args = { .target = "bad" };
	struct job_plan	*p;
	char		*cause = NULL, *t;

	p = make_plan(e, &act_ok, "bbb-03");
	t = job_plan_text(p);
	assert_string_equal(t, "test ok bbb-03\n  1. step one on bbb-03\n"
	    "  2. step two\n");
	assert_int_equal(p->risk, JOB_RISK_REVERSIBLE);
	assert_null(p->confirm);
	free(t);
	job_plan_free(p);

	p = make_plan(e, &act_fail, "bbb-04");
	assert_int_equal(p->risk, JOB_RISK_DESTRUCTIVE);
	assert_string_equal(p->confirm, "bbb-04");
	job_plan_free(p);

	assert_int_equal(jobs_plan(&act_ok, &ctx, &args, &p, &cause), -1);
	assert_null(p);
	assert_string_equal(cause, "no such target");
	free(cause);
	cause = NULL;
	args.target = "";
	assert_int_equal(jobs_plan(&act_ok, &ctx, &args, &p, &cause), -1);
	assert_non_null(strstr(cause, "no target"));
	free(cause);
}

static void
test_run_done(void **state)
{
	struct env		*e = *state;
	struct job_args		 args = { .target = "bbb-01" };
	const struct fleet_job	*fj;
	uint32_t		 id;

	id = jobs_start(e->jobs, &act_ok, &args,
	    make_plan(e, &act_ok, "bbb-01"));
	assert_true(id != 0);
	/* in the model at once, before the worker says anything */
	fj = fleet_job_by_id(e->fleet, id);
	assert_non_null(fj);
	assert_string_equal(fj->verb, "test ok");
	assert_string_equal(fj->target, "bbb-01");
	wait_finals(e, 1);
	fj = fleet_job_by_id(e->fleet, id);
	assert_int_equal(fj->state, FLEET_JOB_DONE);
	assert_string_equal(fj->step, "working on bbb-01");
	assert_int_equal(fj->progress, 50);
	assert_string_equal(fj->result, "all fine");
	assert_true(fj->started > 0 && fj->ended >= fj->started);
	assert_false(fj->cancellable);
	assert_true(e->changes >= 3);
	assert_int_equal(jobs_running(e->jobs), 0);
}

static void
test_run_failed(void **state)
{
	struct env		*e = *state;
	struct job_args		 args = { .target = "bbb-02" };
	const struct fleet_job	*fj;
	uint32_t		 id, id2;

	id = jobs_start(e->jobs, &act_fail, &args,
	    make_plan(e, &act_fail, "bbb-02"));
	id2 = jobs_start(e->jobs, &act_ok, &args,
	    make_plan(e, &act_ok, "bbb-02"));
	assert_true(id2 != id);
	wait_finals(e, 2);
	fj = fleet_job_by_id(e->fleet, id);
	assert_int_equal(fj->state, FLEET_JOB_FAILED);
	assert_string_equal(fj->result, "it broke");
	/* newest first */
	assert_int_equal(e->fleet->jobs[0]->id, id2);
}

static void
test_cancel(void **state)
{
	struct env		*e = *state;
	struct job_args		 args = { .target = "bbb-05" };
	const struct fleet_job	*fj;
	char			*cause = NULL;
	int64_t			 t0;
	uint32_t		 id;

	worker_saw_cancel = 0;
	id = jobs_start(e->jobs, &act_wait, &args,
	    make_plan(e, &act_wait, "bbb-05"));
	t0 = util_mono_ms();
	while (((fj = fleet_job_by_id(e->fleet, id)) == NULL ||
	    fj->step == NULL || strcmp(fj->step, "waiting") != 0) &&
	    util_mono_ms() - t0 < 5000)
		loop_run_once(e->loop, 50);
	assert_int_equal(jobs_cancel(e->jobs, id, &cause), 0);
	wait_finals(e, 1);
	assert_true(util_mono_ms() - t0 < 5000);
	fj = fleet_job_by_id(e->fleet, id);
	assert_int_equal(fj->state, FLEET_JOB_CANCELLED);
	assert_string_equal(fj->result, "stopped");
	assert_int_equal(worker_saw_cancel, 1);
	assert_int_equal(jobs_cancel(e->jobs, id, &cause), -1);
	assert_non_null(strstr(cause, "not running"));
	free(cause);
}

static void
test_not_cancellable(void **state)
{
	struct env		*e = *state;
	struct job_args		 args = { .target = "bbb-06" };
	const struct fleet_job	*fj;
	char			*cause = NULL;
	int64_t			 t0;
	uint32_t		 id;

	id = jobs_start(e->jobs, &act_stuck, &args,
	    make_plan(e, &act_stuck, "bbb-06"));
	t0 = util_mono_ms();
	while (((fj = fleet_job_by_id(e->fleet, id)) == NULL ||
	    fj->step == NULL || strcmp(fj->step, "waiting") != 0) &&
	    util_mono_ms() - t0 < 5000)
		loop_run_once(e->loop, 50);
	assert_false(fleet_job_by_id(e->fleet, id)->cancellable);
	assert_int_equal(jobs_cancel(e->jobs, id, &cause), -1);
	assert_non_null(strstr(cause, "cannot be cancelled"));
	free(cause);
	assert_int_equal(jobs_running(e->jobs), 1);
	/* jobs_free (teardown) still ends and joins it */
}

static void
test_apply_bounded(void **state)
{
	struct fleet		*f;
	struct fleet_job_update	*u;
	uint32_t		 i;

	(void)state;
	f = fleet_new("t");
	for (i = 1; i <= FLEET_JOBS_MAX + 10; i++) {
		u = xcalloc(1, sizeof *u);
		u->id = i;
		u->verb = xstrdup("server cordon");
		u->target = xstrdup("bbb-01");
		u->state = i == 1 ? FLEET_JOB_RUNNING : FLEET_JOB_DONE;
		u->progress = -1;
		assert_int_equal(fleet_apply_job(f, u, 1000), 0);
	}
	assert_int_equal(f->njobs, FLEET_JOBS_MAX);
	/* the running job is never dropped */
	assert_non_null(fleet_job_by_id(f, 1));
	assert_null(fleet_job_by_id(f, 2));
	assert_int_equal(f->jobs[0]->id, FLEET_JOBS_MAX + 10);
	assert_int_equal(fleet_apply_job(f, NULL, 0), -1);
	fleet_free(f);
}

static void
apply_part(struct fleet *f, const char *part, const char *step, int pct)
{
	struct fleet_job_update	*u;

	u = xcalloc(1, sizeof *u);
	u->id = 7;
	u->verb = xstrdup("scale out");
	u->target = xstrdup("");
	u->state = FLEET_JOB_RUNNING;
	u->step = xasprintf("%s %s", part, step);
	u->progress = pct;
	u->part = xstrdup(part);
	u->part_step = xstrdup(step);
	u->part_progress = pct;
	assert_int_equal(fleet_apply_job(f, u, 1000), 0);
}

/*
 * Issue 11: a job's parts (a scale out's nodes) each keep their last
 * line and percent, in the order they first reported; an update with
 * no part leaves them; at most FLEET_JOB_PARTS_MAX.
 */
static void
test_apply_parts(void **state)
{
	struct fleet		*f;
	const struct fleet_job	*j;
	struct fleet_job_update	*u;
	char			 name[16];
	int			 i;

	(void)state;
	f = fleet_new("t");
	apply_part(f, "bbb-04", "[1/8] name", 0);
	apply_part(f, "bbb-05", "[1/8] name", 0);
	apply_part(f, "bbb-04", "[3/8] nova POST /servers", 25);
	apply_part(f, "bbb-06", "[2/8] rancher token", 200);
	j = fleet_job_by_id(f, 7);
	assert_non_null(j);
	assert_int_equal(j->nparts, 3);
	assert_string_equal(j->parts[0].name, "bbb-04");
	assert_string_equal(j->parts[0].step, "[3/8] nova POST /servers");
	assert_int_equal(j->parts[0].progress, 25);
	assert_string_equal(j->parts[1].name, "bbb-05");
	assert_string_equal(j->parts[1].step, "[1/8] name");
	assert_int_equal(j->parts[1].progress, 0);
	assert_int_equal(j->parts[2].progress, 100);
	/* the job's own line is the latest, as before */
	assert_string_equal(j->step, "bbb-06 [2/8] rancher token");

	u = xcalloc(1, sizeof *u);
	u->id = 7;
	u->state = FLEET_JOB_DONE;
	u->progress = 100;
	u->result = xstrdup("3 nodes added");
	assert_int_equal(fleet_apply_job(f, u, 2000), 0);
	j = fleet_job_by_id(f, 7);
	assert_int_equal(j->nparts, 3);
	assert_string_equal(j->parts[2].step, "[2/8] rancher token");

	for (i = 0; i < FLEET_JOB_PARTS_MAX + 5; i++) {
		snprintf(name, sizeof name, "n-%d", i);
		apply_part(f, name, "x", -5);
	}
	j = fleet_job_by_id(f, 7);
	assert_int_equal(j->nparts, FLEET_JOB_PARTS_MAX);
	assert_int_equal(j->parts[FLEET_JOB_PARTS_MAX - 1].progress, -1);
	fleet_free(f);
}

/*
 * Issue 11: scale out's plan in the dashboard shows the quota the
 * OpenStack poller put in the model, with its age and the room left for
 * the flavor, and refuses a count that does not fit; on the command line
 * (no model) it leaves that to the run.
 */
static void
test_plan_scale_quota(void **state)
{
	struct fleet		*f;
	struct config		*cfg;
	struct fleet_quota	 q;
	struct job_ctx		 ctx;
	struct job_args		 args;
	struct job_plan		*p = NULL;
	const struct action	*a = action_find("scale out");
	const char		*top = getenv("top_srcdir");
	char			*cause = NULL, *text, *o;

	(void)state;
	f = fleet_new("t");
	cfg = config_new();
	cfg->openstack.auth_url = xstrdup("https://keystone.example.org/v3");
	cfg->rancher.url = xstrdup("https://rancher.example.org");
	cfg->scalelite.url = xstrdup("https://sl.example.org");
	cfg->scale.flavor = xstrdup("m1.xlarge");
	cfg->scale.image = xstrdup("ubuntu");
	cfg->scale.networks = xstrdup("bbb-net");
	free(cfg->scale.user_data);
	cfg->scale.user_data = xasprintf("%s/data/cloud-init/bbb-node.yaml",
	    top != NULL ? top : ".");

	memset(&q, 0, sizeof q);
	q.at = util_wall_ms() - 12400;
	q.max_instances = 20;
	q.instances_used = 12;
	q.max_cores = 80;
	q.cores_used = 48;
	q.max_ram_mb = 160 * 1024;
	q.ram_used_mb = 96 * 1024;
	q.flavor = (char *)"m1.xlarge";
	q.flavor_vcpus = 8;
	q.flavor_ram_mb = 16384;
	fleet_apply_quota(f, &q, q.at);
	/* instances leave 8, cores 4, RAM 4 */
	assert_int_equal(fleet_quota_room(&f->quota), 4);

	memset(&ctx, 0, sizeof ctx);
	ctx.cfg = cfg;
	ctx.fleet = f;
	memset(&args, 0, sizeof args);
	args.target = "";
	args.priv = action_args_new(a);
	assert_int_equal(a->args_parse(args.priv, "count", "4", &cause), 0);
	assert_int_equal(jobs_plan(a, &ctx, &args, &p, &cause), 0);
	text = job_plan_text(p);
	assert_non_null(strstr(text, "quota: instances 12/20, cores 48/80, "
	    "RAM 96/160 GiB; room for 4 more of flavor m1.xlarge (12s ago)"));
	free(text);
	job_plan_free(p);

	assert_int_equal(a->args_parse(args.priv, "count", "5", &cause), 0);
	assert_int_equal(jobs_plan(a, &ctx, &args, &p, &cause), -1);
	assert_non_null(strstr(cause, "quota exceeded: 5 more VMs do not "
	    "fit (quota: instances 12/20"));
	assert_non_null(strstr(cause, "room for 4 more of flavor m1.xlarge "
	    "(12s ago), each 8 vCPUs and 16 GiB)"));
	free(cause);
	cause = NULL;

	/* another flavor: its size unknown, the instances only */
	assert_int_equal(a->args_parse(args.priv, "flavor", "m1.small",
	    &cause), 0);
	assert_int_equal(jobs_plan(a, &ctx, &args, &p, &cause), 0);
	text = job_plan_text(p);
	assert_non_null(strstr(text, "room for 8 more VMs (flavor m1.small's "
	    "size not known: instances only)"));
	free(text);
	job_plan_free(p);

	/* the command line: no model, the run checks */
	ctx.fleet = NULL;
	assert_int_equal(a->args_parse(args.priv, "count", "30", &cause), 0);
	assert_int_equal(jobs_plan(a, &ctx, &args, &p, &cause), 0);
	text = job_plan_text(p);
	o = strstr(text, "refused unless 30 more VMs fit");
	assert_non_null(o);
	free(text);
	job_plan_free(p);

	action_args_free(a, args.priv);
	config_free(cfg);
	fleet_free(f);
}

/*
 * Issue 16 items 2 and 3: a plan made in the dashboard says what a panic
 * ends (meetings and participants, from the freshest data, with its
 * age), and that the system the action changes is failing, since when.
 */
static void
test_plan_dashboard(void **state)
{
	struct fleet			*f;
	struct config			*cfg;
	struct fleet_scalelite_update	*su;
	struct fleet_prom_update	*pu;
	struct job_ctx			 ctx;
	struct job_args			 args;
	struct job_plan			*p = NULL;
	char				*cause = NULL, *text;
	int64_t				 now = util_wall_ms();

	(void)state;
	f = fleet_new("t");
	cfg = config_new();
	cfg->scalelite.url = xstrdup("https://sl.example.org");
	su = t_sl_new();
	t_sl_add(su, "https://bbb-01.example.org/bigbluebutton/api/",
	    FLEET_LB_ENABLED, 1, 61);
	fleet_apply_scalelite(f, su, now - 2000);
	pu = t_prom_new();
	t_prom_add(pu, "up", "bbb-01:9100", 1);
	t_prom_add(pu, "meetings", "bbb-01:9688", 3);
	t_prom_add(pu, "participants", "bbb-01:9688", 45);
	fleet_apply_prom(f, pu, now - 30000);

	memset(&ctx, 0, sizeof ctx);
	ctx.cfg = cfg;
	ctx.fleet = f;
	memset(&args, 0, sizeof args);
	args.target = "bbb-01";
	assert_int_equal(jobs_plan(action_find("server panic"), &ctx, &args,
	    &p, &cause), 0);
	text = job_plan_text(p);
	assert_non_null(strstr(text, "this ends 3 meetings, 45 participants "
	    "(prometheus, 30s ago)"));
	assert_null(strstr(text, "WARNING"));
	free(text);
	job_plan_free(p);

	/* scalelite fails: the plan says so, and since when */
	fleet_source_failed(f, FLEET_SRC_SCALELITE, "timed out after 30s",
	    now - 60000);
	fleet_source_failed(f, FLEET_SRC_SCALELITE, "timed out after 30s",
	    now - 1000);
	assert_int_equal(jobs_plan(action_find("server cordon"), &ctx, &args,
	    &p, &cause), 0);
	assert_non_null(p->warning);
	assert_non_null(strstr(p->warning, "scalelite is failing since "));
	assert_non_null(strstr(p->warning, "(1m ago): timed out after 30s"));
	text = job_plan_text(p);
	assert_non_null(strstr(text, "WARNING: scalelite is failing"));
	free(text);
	job_plan_free(p);

	/* on the command line (no model): no such lines */
	ctx.fleet = NULL;
	assert_int_equal(jobs_plan(action_find("server cordon"), &ctx, &args,
	    &p, &cause), 0);
	assert_null(p->warning);
	job_plan_free(p);
	config_free(cfg);
	fleet_free(f);
}

/* --- lock holder values (outside data) --- */

static void
test_lock_holder(void **state)
{
	char	*v, *s;
	size_t	 len;

	(void)state;
	setenv("TZ", "UTC", 1);
	v = fixture_read("consul/lock-value.json", &len);
	s = lock_describe_holder(v, len);
	assert_string_equal(s, "held by alice@10.0.0.5 since 22:41 for "
	    "server cordon bbb-03");
	free(s);
	free(v);

	v = fixture_read("consul/lock-value-hostile.json", &len);
	s = lock_describe_holder(v, len);
	assert_null(strchr(s, '\033'));
	assert_null(strchr(s, '\n'));
	assert_null(strchr(s, '\a'));
	assert_non_null(strstr(s, "held by eve?[2J?x since yesterday"));
	free(s);
	free(v);

	v = fixture_read("consul/lock-value-foreign.txt", &len);
	s = lock_describe_holder(v, len);
	assert_string_equal(s, "held by another client");
	free(s);
	free(v);

	s = lock_describe_holder("[]", 2);
	assert_string_equal(s, "held by another client");
	free(s);
	s = lock_describe_holder("{\"operator\":7}", 14);
	assert_string_equal(s, "held by another client");
	free(s);
	s = lock_describe_holder("", 0);
	assert_string_equal(s, "held by another client");
	free(s);
}

static void
test_lock_value(void **state)
{
	char	*v, *s;

	(void)state;
	setenv("TZ", "UTC", 1);
	/* 2026-11-25T22:41:00Z */
	v = lock_value("bob@10.1.2.3", "stack redeploy bbb-07",
	    1795646460000LL);
	assert_non_null(strstr(v, "\"since\":\"2026-11-25T22:41:00Z\""));
	s = lock_describe_holder(v, strlen(v));
	assert_string_equal(s, "held by bob@10.1.2.3 since 22:41 for "
	    "stack redeploy bbb-07");
	free(s);
	free(v);
}

/* --- action-private arguments and targets (registry.h) --- */

struct priv_args {
	char	*word;
};
static volatile int	 priv_freed;
static char		 priv_seen[32];

static int
priv_parse(void *p, const char *opt, const char *arg, char **cause)
{
	struct priv_args	*pa = p;

	free(pa->word);
	pa->word = xstrdup(arg);
	return (0);
}

static void
priv_free(void *p)
{
	struct priv_args	*pa = p;

	free(pa->word);
	priv_freed++;
}

static int
run_priv(struct job *j, char **cause)
{
	const struct priv_args	*pa = job_args(j)->priv;

	snprintf(priv_seen, sizeof priv_seen, "%s", pa->word);
	job_result(j, "saw %s", pa->word);
	return (0);
}

static const struct action_opt priv_opts[] = {
	{ "word", "W", "a word" },
	{ NULL, NULL, NULL }
};
static const struct action act_priv = {
	.verb = "test priv", .help = "", .risk = JOB_RISK_REVERSIBLE,
	.plan = plan_ok, .run = run_priv, .opts = priv_opts,
	.args_size = sizeof (struct priv_args), .args_parse = priv_parse,
	.args_free = priv_free
};
static const struct action act_none = {
	.verb = "test none", .help = "", .risk = JOB_RISK_DESTRUCTIVE,
	.plan = plan_ok, .run = run_ok, .target = ACTION_TARGET_NONE
};

/* A job takes its private args, its worker sees them, they are freed. */
static void
test_private_args(void **state)
{
	struct env		*e;
	struct job_args		 args = { .target = "bbb-07" };
	const struct fleet_job	*fj;
	char			*cause = NULL;
	uint32_t		 id;

	assert_int_equal(env_setup((void **)&e), 0);
	args.priv = action_args_new(&act_priv);
	assert_non_null(args.priv);
	assert_int_equal(act_priv.args_parse(args.priv, "word", "hello",
	    &cause), 0);
	id = jobs_start(e->jobs, &act_priv, &args,
	    make_plan(e, &act_priv, "bbb-07"));
	wait_finals(e, 1);
	fj = fleet_job_by_id(e->fleet, id);
	assert_int_equal(fj->state, FLEET_JOB_DONE);
	assert_string_equal(fj->result, "saw hello");
	assert_string_equal(priv_seen, "hello");
	assert_int_equal(env_teardown((void **)&e), 0);
	assert_int_equal(priv_freed, 1);
}

/* An action without a target: no argument needed, titled by its verb. */
static void
test_target_none(void **state)
{
	struct env	*e = *state;
	struct job_plan	*p;

	p = make_plan(e, &act_none, "");
	assert_string_equal(p->title, "test none");
	/* Destructive: the word to type is the verb's last word. */
	assert_string_equal(p->confirm, "none");
	job_plan_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plan_text, env_setup,
		    env_teardown),
		cmocka_unit_test_setup_teardown(test_run_done, env_setup,
		    env_teardown),
		cmocka_unit_test_setup_teardown(test_run_failed, env_setup,
		    env_teardown),
		cmocka_unit_test_setup_teardown(test_cancel, env_setup,
		    env_teardown),
		cmocka_unit_test_setup_teardown(test_not_cancellable,
		    env_setup, env_teardown),
		cmocka_unit_test(test_private_args),
		cmocka_unit_test_setup_teardown(test_target_none, env_setup,
		    env_teardown),
		cmocka_unit_test(test_apply_bounded),
		cmocka_unit_test(test_plan_dashboard),
		cmocka_unit_test(test_apply_parts),
		cmocka_unit_test(test_plan_scale_quota),
		cmocka_unit_test(test_lock_holder),
		cmocka_unit_test(test_lock_value),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
