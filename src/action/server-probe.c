/*
 * server-probe.c: a test meeting on one node (probe-meeting.h), the
 * dashboard's key for `bbbctl probe meeting NODE`: create, getMeetingInfo,
 * join, the client URL, end, gone; each step timed and reported as the
 * job's step.  It holds no lock: it changes no server's state, and the
 * meeting it creates it ends (BBB ends it by itself after 5 minutes,
 * should bbbctl die first).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/action.h"
#include "config.h"
#include "jobs.h"
#include "probe-meeting.h"
#include "util.h"

static int
sp_plan(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	const struct config	*cfg = ctx->cfg;

	if (cfg->scalelite.url == NULL || cfg->scalelite.secret == NULL) {
		*cause = xstrdup("[scalelite] url and secret are needed");
		return (-1);
	}
	job_plan_add(p, "find %s's API URL and secret: GET %s/scalelite/api/"
	    "getServers?checksum=<sha256, secret masked>", a->target,
	    cfg->scalelite.url);
	job_plan_add(p, "create a test meeting bbbctl-probe-<random> on %s "
	    "(not recorded, 5 minutes at most)", a->target);
	job_plan_add(p, "getMeetingInfo finds it; join it (redirect=false) "
	    "and open the client URL it gives");
	job_plan_add(p, "end it, and check it is gone (notFound)");
	return (0);
}

static void
sp_step_cb(const struct pm_step *s, void *arg)
{
	job_step(arg, "%s: %s in %lld ms%s%s", s->name, s->ok ? "ok" :
	    "FAILED", (long long)s->ms, s->detail != NULL ? ", " : "",
	    s->detail != NULL ? s->detail : "");
}

static int
sp_run(struct job *j, char **cause)
{
	struct pm_result	 r;
	const struct pm_step	*s;
	int64_t			 ms = 0;
	size_t			 i;
	int			 rc = -1;

	if (probe_meeting_run(job_config(j), job_args(j)->target, &r,
	    sp_step_cb, j, cause) != 0)
		return (-1);
	for (i = 0; i < r.nsteps; i++) {
		s = &r.steps[i];
		ms += s->ms;
		if (!s->ok && *cause == NULL)
			*cause = xasprintf("%s failed: %s", s->name,
			    s->detail != NULL ? s->detail : "-");
	}
	if (r.ok) {
		job_result(j, "test meeting on %s: %zu steps passed in %lld ms",
		    job_args(j)->target, r.nsteps, (long long)ms);
		rc = 0;
	} else if (*cause == NULL)
		*cause = xstrdup("the test meeting did not complete");
	probe_meeting_result_clear(&r);
	return (rc);
}

const struct action action_server_probe = {
	.verb = "server probe",
	.help = "run a test meeting on NODE: create, join, end, each step "
	    "timed",
	.risk = JOB_RISK_REVERSIBLE,
	.locks = false,
	.plan = sp_plan,
	.run = sp_run,
	.target = ACTION_TARGET_NODE,
	.key = 'M'
};
