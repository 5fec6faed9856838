/*
 * view-problems.c: every problem, by severity then age (the fleet's
 * order); Enter shows the whole problem (n there opens its node).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui-int.h"

#define PROB(r)	((const struct fleet_problem *)(r))

static void
cell_sev(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (PROB(r)->fires_at != 0) {
		snprintf(c->text, sizeof c->text, "pending");
		c->role = UI_R_DIM;
		c->num = 1;	/* after info */
		return;
	}
	snprintf(c->text, sizeof c->text, "%s",
	    fleet_severity_name(PROB(r)->severity));
	c->role = ui_sev_role(PROB(r)->severity);
	/* Sorted by it, critical comes first: the natural order. */
	c->num = -(double)PROB(r)->severity;
}

static void
cell_node(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", PROB(r)->node_key != NULL ?
	    PROB(r)->node_key : "(fleet)");
}

static void
cell_text(struct ui *ui, const void *r, struct ui_cell *c)
{
	char	 left[16];

	if (PROB(r)->fires_at != 0) {
		snprintf(c->text, sizeof c->text, "%s (a %s in %s if it "
		    "holds)", ui_problem_text(PROB(r)),
		    fleet_severity_name(PROB(r)->severity),
		    util_fmt_age(PROB(r)->fires_at > ui->now ?
		    PROB(r)->fires_at - ui->now : 0, left, sizeof left));
		c->role = UI_R_DIM;
		return;
	}
	snprintf(c->text, sizeof c->text, "%s", ui_problem_text(PROB(r)));
	c->role = ui_sev_role(PROB(r)->severity);
}

static void
cell_since(struct ui *ui, const void *r, struct ui_cell *c)
{
	ui_fmt_age(ui, PROB(r)->since, c->text, sizeof c->text);
	if (PROB(r)->since > 0)
		c->num = (double)(ui->now - PROB(r)->since);
}

static void
cell_sources(struct ui *ui, const void *r, struct ui_cell *c)
{
	struct buf	 b;
	int		 s;

	memset(&b, 0, sizeof b);
	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		if ((PROB(r)->sources & FLEET_SRC_BIT(s)) == 0)
			continue;
		if (b.len > 0)
			buf_addc(&b, ',');
		buf_adds(&b, fleet_src_name(s));
	}
	snprintf(c->text, sizeof c->text, "%s", b.data == NULL ? "" : b.data);
	buf_free(&b);
}

static void
cell_rule(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", PROB(r)->rule != NULL ?
	    PROB(r)->rule : "");
}

static void
cell_fix(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", PROB(r)->action != NULL ?
	    PROB(r)->action : "");
}

static const struct ui_col ui_problems_cols[] = {
	{ "SEVERITY", "severity", 8, 0, 0, cell_sev },
	{ "NODE", "node", 12, 0, 0, cell_node },
	{ "PROBLEM", "problem", 44, 0, UI_COL_FLEX, cell_text },
	{ "SEEN FOR", "since", 8, 0, UI_COL_RIGHT, cell_since },
	{ "SOURCES", "source", 16, 3, 0, cell_sources },
	{ "RULE", "rule", 22, 4, 0, cell_rule },
	{ "USUAL FIX", "fix", 16, 2, 0, cell_fix },
};

static void
ui_problems_init(struct ui *ui, struct ui_view *v)
{
	ui_table_init(&v->table, ui_problems_cols, nitems(ui_problems_cols));
}

static void
ui_problems_collect(struct ui *ui, struct ui_view *v)
{
	size_t	 i;

	for (i = 0; i < ui->fleet->nproblems; i++)
		ui_table_add(&v->table, ui->fleet->problems[i],
		    ui->fleet->problems[i]->id);
	/* Then the conditions held before they fire. */
	for (i = 0; i < ui->fleet->npending; i++)
		ui_table_add(&v->table, ui->fleet->pending[i],
		    ui->fleet->pending[i]->id);
}

/*
 * Enter: the whole problem in a box (text, severity, node, rule,
 * sources, since, the usual fix); n there opens its node.  Fleet-wide
 * problems open too.
 */
static void
ui_problems_enter(struct ui *ui, struct ui_view *v)
{
	const struct ui_row		*r = ui_table_selected(&v->table);
	const struct fleet_problem	*p;
	struct ui_dialog		*d;
	struct ui_cell			 c;
	struct buf			 b = { 0 };
	char				 age[16], clock[16], *title;
	struct tm			 tm;
	time_t				 t;

	if (r == NULL)
		return;
	p = PROB(r->p);
	memset(&c, 0, sizeof c);
	cell_sources(ui, p, &c);
	buf_printf(&b, "%s\n\n", p->text != NULL ? p->text : "");
	buf_printf(&b, "severity: %s\n", fleet_severity_name(p->severity));
	buf_printf(&b, "node: %s\n", p->node_key != NULL ? p->node_key :
	    "none (fleet-wide)");
	buf_printf(&b, "rule: %s\n", p->rule != NULL ? p->rule : "-");
	buf_printf(&b, "sources: %s\n", c.text[0] != '\0' ? c.text : "-");
	if (p->since > 0) {
		t = (time_t)(p->since / 1000);
		localtime_r(&t, &tm);
		strftime(clock, sizeof clock, "%Y-%m-%d %H:%M:%S", &tm);
		buf_printf(&b, "seen since: %s (%s ago; when this console "
		    "first saw it, not when it began)\n", clock,
		    ui_fmt_age(ui, p->since, age, sizeof age));
	}
	buf_printf(&b, "usual fix: %s", p->action != NULL ? p->action :
	    "none known");
	d = xcalloc(1, sizeof *d);
	title = xasprintf("%s problem%s%s", fleet_severity_name(p->severity),
	    p->node_key != NULL ? " on " : " (fleet-wide)",
	    p->node_key != NULL ? p->node_key : "");
	ui_dialog_open(d, title, b.data);
	d->info = true;
	if (p->node_key != NULL)
		d->node = xstrdup(p->node_key);
	ui_dialog_push(ui, d);
	free(title);
	buf_free(&b);
}

const struct ui_view_ops ui_view_problems_ops = {
	.kind = UI_V_PROBLEMS,
	.name = "problems",
	.init = ui_problems_init,
	.collect = ui_problems_collect,
	.enter = ui_problems_enter,
	.empty = "no problems: every rule holds",
};
