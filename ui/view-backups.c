/*
 * view-backups.c: the backups (:backups), newest first, with the
 * columns of `bbbctl backup list`: ID, time, size, contents, state and
 * why (an incomplete or failed backup) or when it was verified.  The
 * list comes from the glue (ui_backups_set()), which reads the backup
 * directory off the loop thread when the view asks (UI_REQ_BACKUPS).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui-int.h"

#define BREC(r)	((const struct ui_backup_rec *)(r))

static void
cell_id(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", BREC(r)->id);
}

static void
fmt_time(int64_t ms, struct ui_cell *c)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);

	if (ms <= 0 || localtime_r(&t, &tm) == NULL || strftime(c->text,
	    sizeof c->text, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(c->text, sizeof c->text, "-");
	c->num = (double)ms;
}

static void
cell_time(struct ui *ui, const void *r, struct ui_cell *c)
{
	fmt_time(BREC(r)->time_ms, c);
}

static void
cell_size(struct ui *ui, const void *r, struct ui_cell *c)
{
	util_fmt_bytes((double)BREC(r)->size, c->text, sizeof c->text);
	c->num = (double)BREC(r)->size;
}

static void
cell_contents(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", BREC(r)->contents);
}

static void
cell_state(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", BREC(r)->state);
	if (BREC(r)->bad)
		c->role = UI_R_CRIT;
	else if (BREC(r)->verified_ms > 0)
		c->role = UI_R_OK;
}

static void
cell_note(struct ui *ui, const void *r, struct ui_cell *c)
{
	if (BREC(r)->why != NULL)
		snprintf(c->text, sizeof c->text, "%s", BREC(r)->why);
	else if (BREC(r)->verified_ms > 0) {
		fmt_time(BREC(r)->verified_ms, c);
		c->role = UI_R_DIM;
	} else
		snprintf(c->text, sizeof c->text, "-");
}

static const struct ui_col ui_backups_cols[] = {
	{ "ID", "id", 16, 0, 0, cell_id },
	{ "TIME", "time", 16, 1, 0, cell_time },
	{ "SIZE", "size", 7, 0, UI_COL_RIGHT, cell_size },
	{ "CONTENTS", "contents", 16, 2, 0, cell_contents },
	{ "STATE", "state", 13, 0, 0, cell_state },
	{ "VERIFIED / WHY", "note", 20, 0, UI_COL_FLEX, cell_note },
};

/* Newest first. */
static double
ui_backups_worst(struct ui *ui, const void *r)
{
	return ((double)BREC(r)->time_ms);
}

static void
ui_backups_init(struct ui *ui, struct ui_view *v)
{
	ui_table_init(&v->table, ui_backups_cols, nitems(ui_backups_cols));
	v->table.worst = ui_backups_worst;
	ui_backups_request(ui);
}

static void
ui_backups_collect(struct ui *ui, struct ui_view *v)
{
	size_t	 i;

	for (i = 0; i < ui->nbackups; i++)
		ui_table_add(&v->table, &ui->backups[i], (uint32_t)i + 1);
}

static void
ui_backups_title(struct ui *ui, struct ui_view *v, struct buf *b)
{
	char	 age[16];
	size_t	 i, good = 0;

	if (ui->backups_reading && ui->backups_at == 0) {
		buf_adds(b, "  reading ...");
		return;
	}
	if (ui->backups_failed) {
		buf_printf(b, "  NOT READ: %s", ui->backups_note);
		return;
	}
	for (i = 0; i < ui->nbackups; i++)
		good += ui->backups[i].good;
	buf_printf(b, "  %zu backups, %zu good, read %s ago%s",
	    ui->nbackups, good, ui_fmt_age(ui, ui->backups_at, age,
	    sizeof age), ui->backups_reading ? ", reading again" : "");
}

static const char *
ui_backups_empty(struct ui *ui, struct ui_view *v)
{
	if (ui->backups_at == 0)
		return ("reading the backups ...");
	if (ui->backups_failed)
		return ("the backups could not be read (see the title); ^R "
		    "tries again");
	return ("no backup yet: b takes one");
}

const struct ui_view_ops ui_view_backups_ops = {
	.kind = UI_V_BACKUPS,
	.name = "backups",
	.init = ui_backups_init,
	.collect = ui_backups_collect,
	.title = ui_backups_title,
	.empty = "no backups",
	.empty_text = ui_backups_empty,
};

/* --- the list ------------------------------------------------------------- */

void
ui_backups_request(struct ui *ui)
{
	ui->reqs |= UI_REQ_BACKUPS;
	ui->backups_reading = true;
	ui->dirty = true;
}

bool
ui_wants_backups(struct ui *ui)
{
	struct ui_view	*v = ui_view_top(ui);

	return (v != NULL && v->ops == &ui_view_backups_ops);
}

void
ui_backups_clear(struct ui *ui)
{
	struct ui_backup_rec	*b;
	size_t			 i;

	for (i = 0; i < ui->nbackups; i++) {
		b = &ui->backups[i];
		free((char *)b->id);
		free((char *)b->contents);
		free((char *)b->state);
		free((char *)b->why);
	}
	free(ui->backups);
	ui->backups = NULL;
	ui->nbackups = 0;
	free(ui->backups_note);
	ui->backups_note = NULL;
}

/* A copy fit for one cell (no control character). */
static char *
ui_backups_dup(const char *s)
{
	char	*c, *p;

	if (s == NULL)
		return (NULL);
	c = xstrdup(s);
	for (p = c; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return (c);
}

void
ui_backups_set(struct ui *ui, const struct ui_backup_rec *recs, size_t n,
    const char *error)
{
	struct ui_backup_rec	*b;
	size_t			 i;

	ui->backups_reading = false;
	ui->backups_at = ui_now(ui);
	ui->backups_gen++;
	ui->dirty = true;
	if (recs == NULL && error != NULL) {
		free(ui->backups_note);
		ui->backups_note = ui_backups_dup(error);
		ui->backups_failed = true;
		return;
	}
	ui_backups_clear(ui);
	ui->backups_failed = false;
	if (n == 0)
		return;
	ui->backups = xcalloc(n, sizeof *ui->backups);
	for (i = 0; i < n; i++) {
		b = &ui->backups[i];
		*b = recs[i];
		b->id = ui_backups_dup(recs[i].id != NULL ? recs[i].id : "?");
		b->contents = ui_backups_dup(recs[i].contents != NULL ?
		    recs[i].contents : "-");
		b->state = ui_backups_dup(recs[i].state != NULL ?
		    recs[i].state : "?");
		b->why = ui_backups_dup(recs[i].why);
	}
	ui->nbackups = n;
}
