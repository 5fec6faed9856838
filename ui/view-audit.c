/*
 * view-audit.c: the audit trail (:audit), newest first, with the
 * columns of `bbbctl audit`: time, event, job, action, target,
 * operator@origin, took, result ("(spooled)" for records not yet in the
 * database).  The records come from the glue (ui_audit_set()), which
 * reads them off the loop thread when the view asks (UI_REQ_AUDIT).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui-int.h"

#define AREC(r)	((const struct ui_audit_rec *)(r))

static void
cell_time(struct ui *ui, const void *r, struct ui_cell *c)
{
	struct tm	 tm;
	time_t		 t = (time_t)(AREC(r)->at_ms / 1000);

	if (localtime_r(&t, &tm) == NULL || strftime(c->text, sizeof c->text,
	    "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(c->text, sizeof c->text, "%" PRId64, AREC(r)->at_ms);
	c->num = (double)AREC(r)->at_ms;
}

static void
cell_event(struct ui *ui, const void *r, struct ui_cell *c)
{
	const char	*e = AREC(r)->event;

	snprintf(c->text, sizeof c->text, "%s", e);
	if (strcmp(e, "failed") == 0)
		c->role = UI_R_CRIT;
	else if (strcmp(e, "cancelled") == 0)
		c->role = UI_R_WARN;
	else if (strcmp(e, "done") == 0)
		c->role = UI_R_OK;
}

static void
cell_job(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (AREC(r)->job_id == 0) {
		snprintf(c->text, sizeof c->text, "-");
		return;
	}
	snprintf(c->text, sizeof c->text, "%" PRIu32, AREC(r)->job_id);
	c->num = AREC(r)->job_id;
}

static void
cell_verb(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", AREC(r)->verb);
}

static void
cell_target(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", AREC(r)->target != NULL ?
	    AREC(r)->target : "-");
}

static void
cell_operator(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s@%s", AREC(r)->operator_,
	    AREC(r)->origin);
}

static void
cell_took(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (AREC(r)->duration_ms < 0) {
		snprintf(c->text, sizeof c->text, "-");
		return;
	}
	util_fmt_age(AREC(r)->duration_ms, c->text, sizeof c->text);
	c->num = (double)AREC(r)->duration_ms;
}

static void
cell_result(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s%s", AREC(r)->result != NULL &&
	    *AREC(r)->result != '\0' ? AREC(r)->result : "-",
	    AREC(r)->spooled ? " (spooled)" : "");
	if (AREC(r)->spooled)
		c->role = UI_R_DIM;
}

static const struct ui_col ui_audit_cols[] = {
	{ "TIME", "time", 19, 0, 0, cell_time },
	{ "EVENT", "event", 9, 0, 0, cell_event },
	{ "JOB", "job", 5, 3, UI_COL_RIGHT, cell_job },
	{ "ACTION", "action", 16, 0, 0, cell_verb },
	{ "TARGET", "target", 12, 0, 0, cell_target },
	{ "OPERATOR", "operator", 24, 2, 0, cell_operator },
	{ "TOOK", "took", 6, 1, UI_COL_RIGHT, cell_took },
	{ "RESULT", "result", 20, 0, UI_COL_FLEX, cell_result },
};

/* Newest first. */
static double
ui_audit_worst(struct ui *ui, const void *r)
{
	return ((double)AREC(r)->at_ms);
}

static void
ui_audit_init(struct ui *ui, struct ui_view *v)
{
	ui_table_init(&v->table, ui_audit_cols, nitems(ui_audit_cols));
	v->table.worst = ui_audit_worst;
	ui_audit_request(ui);
}

static void
ui_audit_collect(struct ui *ui, struct ui_view *v)
{
	size_t	 i;

	/* Newest first, also among records of the same millisecond. */
	for (i = ui->naudit; i > 0; i--)
		ui_table_add(&v->table, &ui->audit[i - 1], (uint32_t)i);
}

static void
ui_audit_title(struct ui *ui, struct ui_view *v, struct buf *b)
{
	char	 age[16];

	if (ui->audit_reading && ui->audit_at == 0)
		buf_adds(b, "  reading ...");
	else if (ui->audit_failed)
		buf_printf(b, "  NOT READ: %s", ui->audit_note);
	else {
		buf_printf(b, "  %zu records, read %s ago%s", ui->naudit,
		    ui_fmt_age(ui, ui->audit_at, age, sizeof age),
		    ui->audit_reading ? ", reading again" : "");
		if (ui->audit_note != NULL)
			buf_printf(b, "  (%s)", ui->audit_note);
	}
	if (ui->audit_cluster != NULL)
		buf_printf(b, "  cluster %s", ui->audit_cluster);
}

static const char *
ui_audit_empty(struct ui *ui, struct ui_view *v)
{
	if (ui->audit_at == 0)
		return ("reading the audit trail ...");
	if (ui->audit_failed)
		return ("the audit trail could not be read (see the title); "
		    "^R tries again");
	return ("no audit records: every keyed action leaves its records "
	    "here");
}

const struct ui_view_ops ui_view_audit_ops = {
	.kind = UI_V_AUDIT,
	.name = "audit",
	.init = ui_audit_init,
	.collect = ui_audit_collect,
	.title = ui_audit_title,
	.empty = "no audit records",
	.empty_text = ui_audit_empty,
};

/* --- the records --------------------------------------------------------- */

void
ui_audit_request(struct ui *ui)
{
	ui->reqs |= UI_REQ_AUDIT;
	ui->audit_reading = true;
	ui->dirty = true;
}

bool
ui_wants_audit(struct ui *ui)
{
	struct ui_view	*v = ui_view_top(ui);

	return (v != NULL && v->ops == &ui_view_audit_ops);
}

void
ui_audit_clear(struct ui *ui)
{
	struct ui_audit_rec	*a;
	size_t			 i;

	for (i = 0; i < ui->naudit; i++) {
		a = &ui->audit[i];
		free((char *)a->event);
		free((char *)a->verb);
		free((char *)a->target);
		free((char *)a->operator_);
		free((char *)a->origin);
		free((char *)a->result);
	}
	free(ui->audit);
	ui->audit = NULL;
	ui->naudit = 0;
	free(ui->audit_note);
	ui->audit_note = NULL;
}

/* A copy (control characters are drawn as '?' by ui_text_fit()). */
static char *
ui_audit_dup(const char *s)
{
	return (s != NULL ? xstrdup(s) : NULL);
}

void
ui_audit_set_cluster(struct ui *ui, const char *cluster)
{
	free(ui->audit_cluster);
	ui->audit_cluster = ui_audit_dup(cluster);
	ui->dirty = true;
}

void
ui_audit_set(struct ui *ui, const struct ui_audit_rec *recs, size_t n,
    const char *note, const char *error)
{
	struct ui_audit_rec	*a;
	size_t			 i;

	ui->audit_reading = false;
	ui->audit_at = ui_now(ui);
	ui->audit_gen++;
	ui->dirty = true;
	if (recs == NULL && error != NULL) {
		/* Keep the records shown; say they could not be read. */
		free(ui->audit_note);
		ui->audit_note = ui_audit_dup(error);
		ui->audit_failed = true;
		return;
	}
	ui_audit_clear(ui);
	ui->audit_failed = false;
	ui->audit_note = ui_audit_dup(note);
	if (n == 0)
		return;
	ui->audit = xcalloc(n, sizeof *ui->audit);
	for (i = 0; i < n; i++) {
		a = &ui->audit[i];
		*a = recs[i];
		a->event = ui_audit_dup(recs[i].event != NULL ?
		    recs[i].event : "?");
		a->verb = ui_audit_dup(recs[i].verb != NULL ? recs[i].verb :
		    "?");
		a->target = ui_audit_dup(recs[i].target);
		a->operator_ = ui_audit_dup(recs[i].operator_ != NULL ?
		    recs[i].operator_ : "?");
		a->origin = ui_audit_dup(recs[i].origin != NULL ?
		    recs[i].origin : "?");
		a->result = ui_audit_dup(recs[i].result);
	}
	ui->naudit = n;
}
