/*
 * probe-meeting.c: the dashboard's key for `bbbctl probe meeting NODE`
 * (M on the selected node).  The test meeting is probe_meeting_run()
 * (probe-meeting.h), the same code as the command's; the row gives the
 * key and the job (its steps as the job's progress, its plan, the audit
 * record), and no command of its own: the command line's is cli.c's
 * `probe meeting [--json] [NODE]` (own_command).  It holds no lock: it
 * changes no server's state, and the meeting it creates it ends (BBB
 * ends it by itself after 5 minutes, should bbbctl die first).
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
pmk_plan(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	return (probe_meeting_plan(ctx->cfg, a->target, p, cause));
}

static void
pmk_step_cb(const struct pm_step *s, void *arg)
{
	job_step(arg, "%s: %s in %lld ms%s%s", s->name, s->ok ? "ok" :
	    "FAILED", (long long)s->ms, s->detail != NULL ? ", " : "",
	    s->detail != NULL ? s->detail : "");
}

static int
pmk_run(struct job *j, char **cause)
{
	struct pm_result	 r;
	char			*line;
	int			 rc = -1;

	if (probe_meeting_run(job_config(j), job_args(j)->target, &r,
	    pmk_step_cb, j, cause) != 0)
		return (-1);
	if (probe_meeting_summary(&r, &line) == 0) {
		job_result(j, "%s", line);
		free(line);
		rc = 0;
	} else
		*cause = line;
	probe_meeting_result_clear(&r);
	return (rc);
}

const struct action action_probe_meeting = {
	.verb = "probe meeting",
	.help = "run a test meeting on NODE: create, join, end, each step "
	    "timed",
	.risk = JOB_RISK_REVERSIBLE,
	.locks = false,
	.plan = pmk_plan,
	.run = pmk_run,
	.target = ACTION_TARGET_NODE,
	.key = 'M',
	.own_command = true
};
