/*
 * view-stacks.c: Rancher stacks, each followed by its services, with
 * state and health.  Rows point into a small array the view rebuilds
 * with the table (services have no numeric id: a row's id is the stack's
 * id and the service's index).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui-int.h"

struct ui_stack_row {
	const struct fleet_stack	*st;
	const struct fleet_service	*sv;	/* NULL: the stack itself */
};

struct ui_stacks {
	struct ui_stack_row	*rows;
	size_t			 n, cap;
};

#define SROW(r)	((const struct ui_stack_row *)(r))

static enum ui_role
ui_stacks_role(const char *s)
{
	if (s == NULL)
		return (UI_R_DIM);
	if (strcasecmp(s, "active") == 0 || strcasecmp(s, "healthy") == 0)
		return (UI_R_OK);
	if (strcasestr(s, "unhealthy") != NULL || strcasestr(s, "error") !=
	    NULL)
		return (UI_R_CRIT);
	return (UI_R_WARN);
}

static void
cell_stack(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", SROW(r)->sv == NULL ?
	    SROW(r)->st->name : "");
	if (SROW(r)->sv == NULL)
		c->role = UI_R_TITLE;
}

static void
cell_service(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct ui_stack_row	*s = SROW(r);

	if (s->sv == NULL) {
		snprintf(c->text, sizeof c->text, "%zu service%s",
		    s->st->nservices, s->st->nservices == 1 ? "" : "s");
		c->role = UI_R_DIM;
		c->num = (double)s->st->nservices;
		return;
	}
	snprintf(c->text, sizeof c->text, "%s %s", ui->utf8 ?
	    "\xe2\x94\x94" : "`", s->sv->name);
}

static void
cell_state(struct ui *ui, const void *r, struct ui_cell *c)
{
	const char	*s = SROW(r)->sv != NULL ? SROW(r)->sv->state :
	    SROW(r)->st->state;

	snprintf(c->text, sizeof c->text, "%s", s != NULL ? s : "-");
	c->role = ui_stacks_role(s);
}

static void
cell_health(struct ui *ui, const void *r, struct ui_cell *c)
{
	const char	*s = SROW(r)->sv != NULL ? SROW(r)->sv->health :
	    SROW(r)->st->health;

	snprintf(c->text, sizeof c->text, "%s", s != NULL ? s : "-");
	c->role = ui_stacks_role(s);
}

static void
cell_scale(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (SROW(r)->sv == NULL)
		return;
	snprintf(c->text, sizeof c->text, "%d", SROW(r)->sv->scale);
	c->num = SROW(r)->sv->scale;
}

static void
cell_image(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (SROW(r)->sv != NULL && SROW(r)->sv->image != NULL)
		snprintf(c->text, sizeof c->text, "%s", SROW(r)->sv->image);
}

static const struct ui_col ui_stacks_cols[] = {
	{ "STACK", "stack", 16, 0, 0, cell_stack },
	{ "SERVICE", "service", 20, 0, 0, cell_service },
	{ "STATE", "state", 12, 0, 0, cell_state },
	{ "HEALTH", "health", 12, 1, 0, cell_health },
	{ "SCALE", "scale", 5, 2, UI_COL_RIGHT, cell_scale },
	{ "IMAGE", "image", 20, 3, UI_COL_FLEX, cell_image },
};

static void
ui_stacks_init(struct ui *ui, struct ui_view *v)
{
	ui_table_init(&v->table, ui_stacks_cols, nitems(ui_stacks_cols));
	v->priv = xcalloc(1, sizeof (struct ui_stacks));
}

static void
ui_stacks_push(struct ui_stacks *s, const struct fleet_stack *st,
    const struct fleet_service *sv)
{
	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 64 : s->cap * 2;
		s->rows = xreallocarray(s->rows, s->cap, sizeof *s->rows);
	}
	s->rows[s->n].st = st;
	s->rows[s->n].sv = sv;
	s->n++;
}

static void
ui_stacks_collect(struct ui *ui, struct ui_view *v)
{
	struct ui_stacks		*s = v->priv;
	const struct fleet_stack	*st;
	size_t				 i, j, k = 0;

	/* Size first: the table keeps pointers into s->rows. */
	s->n = 0;
	for (i = 0; i < ui->fleet->nstacks; i++) {
		st = ui->fleet->stacks[i];
		ui_stacks_push(s, st, NULL);
		for (j = 0; j < st->nservices; j++)
			ui_stacks_push(s, st, &st->services[j]);
	}
	for (i = 0; i < ui->fleet->nstacks; i++) {
		st = ui->fleet->stacks[i];
		ui_table_add(&v->table, &s->rows[k++], st->id << 10);
		for (j = 0; j < st->nservices; j++)
			ui_table_add(&v->table, &s->rows[k++],
			    (st->id << 10) | (uint32_t)((j + 1) & 0x3ff));
	}
}

static void
ui_stacks_free(struct ui_view *v)
{
	struct ui_stacks	*s = v->priv;

	if (s != NULL)
		free(s->rows);
	free(s);
}

const struct ui_view_ops ui_view_stacks_ops = {
	.kind = UI_V_STACKS,
	.name = "stacks",
	.init = ui_stacks_init,
	.collect = ui_stacks_collect,
	.free = ui_stacks_free,
	.empty = "no Rancher stacks (is [rancher] configured?)",
};
