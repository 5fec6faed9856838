/*
 * view-services.c: the fleet-wide services (services.h): each probe's
 * state, latency, age and what it said, with the usual fix of a failure
 * (the problems view has the same as problems).
 */
#include <string.h>

#include "services.h"
#include "ui-int.h"

#define SVC(r)	((const struct svc *)(r))

static void
cell_name(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", SVC(r)->name);
}

static void
cell_kind(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", SVC(r)->kind);
}

static void
cell_state(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct svc	*s = SVC(r);

	if (s->state == SVC_FAILED)
		snprintf(c->text, sizeof c->text, "%s",
		    services_fail_name(s->fail));
	else
		snprintf(c->text, sizeof c->text, "%s",
		    services_state_name(s->state));
	c->num = s->state == SVC_FAILED ? 3 : s->state == SVC_WARN ? 2 :
	    s->state == SVC_PENDING ? 1 : 0;
	c->role = s->state == SVC_FAILED ? UI_R_CRIT : s->state == SVC_WARN ?
	    UI_R_WARN : s->state == SVC_OK ? UI_R_OK : UI_R_DIM;
}

static void
cell_latency(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (SVC(r)->latency_ms < 0) {
		snprintf(c->text, sizeof c->text, "-");
		return;
	}
	snprintf(c->text, sizeof c->text, "%lldms",
	    (long long)SVC(r)->latency_ms);
	c->num = (double)SVC(r)->latency_ms;
}

static void
cell_age(struct ui *ui, const void *r, struct ui_cell *c)
{
	int64_t	 ms;

	if (SVC(r)->last_try == 0) {
		snprintf(c->text, sizeof c->text, "-");
		return;
	}
	ms = ui_now(ui) - SVC(r)->last_try;
	util_fmt_age(ms > 0 ? ms : 0, c->text, sizeof c->text);
	c->num = (double)ms;
}

static void
cell_cert(struct ui *ui, const void *r, struct ui_cell *c)
{
	int64_t	 left;

	if (SVC(r)->cert_expiry == 0) {
		snprintf(c->text, sizeof c->text, "-");
		return;
	}
	left = SVC(r)->cert_expiry - ui_now(ui);
	c->num = (double)left;
	if (left <= 0) {
		snprintf(c->text, sizeof c->text, "expired");
		c->role = UI_R_CRIT;
	} else
		snprintf(c->text, sizeof c->text, "%lldd",
		    (long long)(left / (24LL * 3600 * 1000)));
}

static void
cell_detail(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct svc	*s = SVC(r);
	const char		*fix = s->state == SVC_OK ? NULL :
				    services_fix(s);

	snprintf(c->text, sizeof c->text, "%s%s%s",
	    s->detail != NULL ? s->detail : s->target != NULL ? s->target :
	    "", fix != NULL ? " - " : "", fix != NULL ? fix : "");
}

static const struct ui_col ui_services_cols[] = {
	{ "SERVICE", "name", 16, 0, 0, cell_name },
	{ "KIND", "kind", 8, 3, 0, cell_kind },
	{ "STATE", "state", 9, 0, 0, cell_state },
	{ "LATENCY", "latency", 7, 2, UI_COL_RIGHT, cell_latency },
	{ "AGE", "age", 5, 1, UI_COL_RIGHT, cell_age },
	{ "CERT", "cert", 7, 2, UI_COL_RIGHT, cell_cert },
	{ "DETAIL", "detail", 20, 0, UI_COL_FLEX, cell_detail },
};

static void
ui_services_init(struct ui *ui, struct ui_view *v)
{
	ui_table_init(&v->table, ui_services_cols, nitems(ui_services_cols));
}

static void
ui_services_collect(struct ui *ui, struct ui_view *v)
{
	size_t	 i;

	for (i = 0; i < ui->fleet->nsvcs; i++)
		ui_table_add(&v->table, ui->fleet->svcs[i],
		    ui->fleet->svcs[i]->id);
}

const struct ui_view_ops ui_view_services_ops = {
	.kind = UI_V_SERVICES,
	.name = "services",
	.init = ui_services_init,
	.collect = ui_services_collect,
	.empty = "no services to probe: see [probes] in bbbctl(1)",
};
