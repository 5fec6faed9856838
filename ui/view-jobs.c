/*
 * view-jobs.c: the jobs (actions) of this session, newest first: state,
 * progress, the current step (or the result once ended) and the time it
 * took (so far).  A job whose parts run side by side (a scale out's
 * nodes) has a row per part under its own: the part's name, its last
 * line and percent.  The rows are the view's own (v->priv), rebuilt at
 * every collect.
 */
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"

struct ui_jobs_row {
	const struct fleet_job		*job;
	const struct fleet_job_part	*part;	/* NULL: the job's row */
};
struct ui_jobs_rows {
	struct ui_jobs_row	*v;
	size_t			 n;
	size_t			 cap;
};

#define ROW(r)	((const struct ui_jobs_row *)(r))
#define JOB(r)	(ROW(r)->job)
#define PART(r)	(ROW(r)->part)

static void
cell_id(struct ui *ui, const void *r, struct ui_cell *c)
{
	c->num = JOB(r)->id;
	if (PART(r) == NULL)
		snprintf(c->text, sizeof c->text, "%u", JOB(r)->id);
}

static void
cell_verb(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (PART(r) != NULL)
		snprintf(c->text, sizeof c->text, "  %s", PART(r)->name);
	else
		snprintf(c->text, sizeof c->text, "%s", JOB(r)->verb != NULL ?
		    JOB(r)->verb : "");
}

static void
cell_target(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (PART(r) == NULL)
		snprintf(c->text, sizeof c->text, "%s", JOB(r)->target != NULL ?
		    JOB(r)->target : "");
}

static void
cell_state(struct ui *ui, const void *r, struct ui_cell *c)
{
	enum fleet_job_state	 s = JOB(r)->state;

	if (PART(r) != NULL)
		return;
	snprintf(c->text, sizeof c->text, "%s", fleet_job_state_name(s));
	c->role = s == FLEET_JOB_FAILED ? UI_R_CRIT : s == FLEET_JOB_DONE ?
	    UI_R_OK : s == FLEET_JOB_RUNNING ? UI_R_WARN : UI_R_NORMAL;
}

static void
cell_progress(struct ui *ui, const void *r, struct ui_cell *c)
{
	int	 pct;

	pct = PART(r) != NULL ? PART(r)->progress : JOB(r)->progress;
	if (pct < 0)
		snprintf(c->text, sizeof c->text, "-");
	else {
		snprintf(c->text, sizeof c->text, "%d%%", pct);
		c->num = pct;
	}
}

static void
cell_step(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_job	*j = JOB(r);

	if (PART(r) != NULL) {
		snprintf(c->text, sizeof c->text, "%s", PART(r)->step != NULL ?
		    PART(r)->step : "");
		return;
	}
	snprintf(c->text, sizeof c->text, "%s", j->result != NULL ?
	    j->result : j->step != NULL ? j->step : "");
}

/* Elapsed: from its start to its end, or to now while it runs. */
static void
cell_age(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_job	*j = JOB(r);
	int64_t			 end, ms;

	if (PART(r) != NULL)
		return;
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
ui_jobs_push(struct ui_jobs_rows *rows, const struct fleet_job *j,
    const struct fleet_job_part *p)
{
	if (rows->n == rows->cap) {
		rows->cap = rows->cap == 0 ? 64 : rows->cap * 2;
		rows->v = xreallocarray(rows->v, rows->cap, sizeof *rows->v);
	}
	rows->v[rows->n].job = j;
	rows->v[rows->n].part = p;
	rows->n++;
}

/*
 * Row ids: a job's its id; its part k's (k + 1) << 24 | id, so that the
 * selection stays on a job (ids are far below 2^24 in a session).
 */
static void
ui_jobs_collect(struct ui *ui, struct ui_view *v)
{
	struct ui_jobs_rows	*rows = v->priv;
	const struct fleet_job	*j;
	size_t			 i, k, n = 0;

	if (rows == NULL)
		rows = v->priv = xcalloc(1, sizeof *rows);
	rows->n = 0;
	/* All pushed first: the table keeps pointers into rows->v. */
	for (i = 0; i < ui->fleet->njobs; i++) {
		j = ui->fleet->jobs[i];
		ui_jobs_push(rows, j, NULL);
		for (k = 0; k < j->nparts; k++)
			ui_jobs_push(rows, j, &j->parts[k]);
	}
	for (i = 0; i < ui->fleet->njobs; i++) {
		j = ui->fleet->jobs[i];
		ui_table_add(&v->table, &rows->v[n++], j->id);
		for (k = 0; k < j->nparts; k++)
			ui_table_add(&v->table, &rows->v[n++],
			    (uint32_t)(k + 1) << 24 | (j->id & UI_JOBS_ID_MASK));
	}
}

static void
ui_jobs_free(struct ui_view *v)
{
	struct ui_jobs_rows	*rows = v->priv;

	if (rows != NULL) {
		free(rows->v);
		free(rows);
	}
	v->priv = NULL;
}

const struct ui_view_ops ui_view_jobs_ops = {
	.kind = UI_V_JOBS,
	.name = "jobs",
	.init = ui_jobs_init,
	.collect = ui_jobs_collect,
	.free = ui_jobs_free,
	.empty = "no jobs in this session: keyed actions run as jobs and "
	    "are listed here",
};
