/*
 * view-jobs.c: the jobs (actions) of this session, newest first: state,
 * progress, the current step (or the result once ended) and the time it
 * took (so far).
 */
#include <string.h>

#include "ui-int.h"

#define JOB(r)	((const struct fleet_job *)(r))

static void
cell_id(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%u", JOB(r)->id);
	c->num = JOB(r)->id;
}

static void
cell_verb(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", JOB(r)->verb != NULL ?
	    JOB(r)->verb : "");
}

static void
cell_target(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", JOB(r)->target != NULL ?
	    JOB(r)->target : "");
}

static void
cell_state(struct ui *ui, const void *r, struct ui_cell *c)
{
	enum fleet_job_state	 s = JOB(r)->state;

	snprintf(c->text, sizeof c->text, "%s", fleet_job_state_name(s));
	c->role = s == FLEET_JOB_FAILED ? UI_R_CRIT : s == FLEET_JOB_DONE ?
	    UI_R_OK : s == FLEET_JOB_RUNNING ? UI_R_WARN : UI_R_NORMAL;
}

static void
cell_progress(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (JOB(r)->progress < 0)
		snprintf(c->text, sizeof c->text, "-");
	else {
		snprintf(c->text, sizeof c->text, "%d%%", JOB(r)->progress);
		c->num = JOB(r)->progress;
	}
}

static void
cell_step(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_job	*j = JOB(r);

	snprintf(c->text, sizeof c->text, "%s", j->result != NULL ?
	    j->result : j->step != NULL ? j->step : "");
}

/* Elapsed: from its start to its end, or to now while it runs. */
static void
cell_age(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_job	*j = JOB(r);
	int64_t			 end, ms;

	if (j->started == 0) {
		snprintf(c->text, sizeof c->text, "-");
		return;
	}
	end = j->ended != 0 ? j->ended : ui_now(ui);
	ms = end > j->started ? end - j->started : 0;
	util_fmt_age(ms, c->text, sizeof c->text);
	c->num = (double)ms;
}

static const struct ui_col ui_jobs_cols[] = {
	{ "ID", "id", 4, 0, UI_COL_RIGHT, cell_id },
	{ "VERB", "verb", 16, 0, 0, cell_verb },
	{ "TARGET", "target", 14, 0, 0, cell_target },
	{ "STATE", "state", 9, 0, 0, cell_state },
	{ "PROG", "progress", 4, 2, UI_COL_RIGHT, cell_progress },
	{ "STEP / RESULT", "step", 20, 0, UI_COL_FLEX, cell_step },
	{ "TOOK", "took", 5, 1, UI_COL_RIGHT, cell_age },
};

static void
ui_jobs_init(struct ui *ui, struct ui_view *v)
{
	ui_table_init(&v->table, ui_jobs_cols, nitems(ui_jobs_cols));
}

static void
ui_jobs_collect(struct ui *ui, struct ui_view *v)
{
	size_t	 i;

	for (i = 0; i < ui->fleet->njobs; i++)
		ui_table_add(&v->table, ui->fleet->jobs[i],
		    ui->fleet->jobs[i]->id);
}

const struct ui_view_ops ui_view_jobs_ops = {
	.kind = UI_V_JOBS,
	.name = "jobs",
	.init = ui_jobs_init,
	.collect = ui_jobs_collect,
	.empty = "no jobs in this session: keyed actions run as jobs and "
	    "are listed here",
};
