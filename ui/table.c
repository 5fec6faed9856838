/*
 * table.c: the column widget every list view uses.
 *
 * A view collects rows (borrowed pointers + ids) from the fleet; the
 * table filters them, sorts them (once per rebuild, with the sort key of
 * each row computed once), keeps the selection by id across rebuilds,
 * drops the least important columns when the terminal is narrow, and
 * draws only the visible rows.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui-int.h"

void
ui_table_init(struct ui_table *t, const struct ui_col *cols, size_t ncols)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->ncols = ncols;
	t->sort = UI_SORT_DEFAULT;
}

void
ui_table_free(struct ui_table *t)
{
	free(t->all);
	free(t->rows);
	t->all = t->rows = NULL;
	t->nall = t->nrows = t->allcap = t->rowscap = 0;
}

void
ui_table_clear(struct ui_table *t)
{
	t->nall = 0;
}

void
ui_table_add(struct ui_table *t, const void *p, uint32_t id)
{
	struct ui_row	*r;

	if (t->nall == t->allcap) {
		t->allcap = t->allcap == 0 ? 64 : t->allcap * 2;
		t->all = xreallocarray(t->all, t->allcap, sizeof *t->all);
	}
	r = &t->all[t->nall];
	memset(r, 0, sizeof *r);
	r->p = p;
	r->id = id;
	r->seq = t->nall++;
}

void
ui_table_cell(struct ui *ui, const struct ui_table *t, size_t col,
    const void *row, struct ui_cell *c)
{
	c->text[0] = '\0';
	c->role = UI_R_NORMAL;
	c->stale = false;
	c->num = NAN;
	t->cols[col].cell(ui, row, c);
}

/* Filter support: look a field up among the columns. */
struct ui_table_get {
	struct ui		*ui;
	const struct ui_table	*t;
	const void		*row;
	struct ui_cell		 cell;
};

static bool
ui_table_get_cb(void *arg, const char *field, const char **text,
    double *num)
{
	struct ui_table_get	*g = arg;
	const struct ui_col	*c;
	size_t			 i;

	for (i = 0; i < g->t->ncols; i++) {
		c = &g->t->cols[i];
		if ((c->field == NULL || strcasecmp(c->field, field) != 0) &&
		    strcasecmp(c->name, field) != 0)
			continue;
		ui_table_cell(g->ui, g->t, i, g->row, &g->cell);
		*text = g->cell.text;
		*num = g->cell.num;
		return (true);
	}
	return (false);
}

static bool
ui_table_row_matches(struct ui *ui, const struct ui_table *t,
    const void *row, const struct ui_filter *f, struct buf *all)
{
	struct ui_table_get	 g;
	struct ui_cell		 c;
	size_t			 i;

	/* The whole row's text only when a term needs it. */
	buf_reset(all);
	buf_adds(all, "");
	if (ui_filter_needs_text(f)) {
		for (i = 0; i < t->ncols; i++) {
			ui_table_cell(ui, t, i, row, &c);
			buf_adds(all, c.text);
			buf_addc(all, ' ');
		}
	}
	g.ui = ui;
	g.t = t;
	g.row = row;
	return (ui_filter_match(f, all->data, ui_table_get_cb, &g));
}

struct ui_table_sortctx {
	bool	 byworst;
	bool	 desc;
};

static int
ui_table_cmp(const void *a0, const void *b0, void *arg)
{
	const struct ui_row		*a = a0, *b = b0;
	const struct ui_table_sortctx	*s = arg;
	int				 c = 0;

	if (s->byworst) {
		if (a->key_num != b->key_num)
			c = a->key_num > b->key_num ? -1 : 1;
	} else if (isnan(a->key_num) != isnan(b->key_num)) {
		/* Unknown values go last whatever the direction. */
		return (isnan(a->key_num) ? 1 : -1);
	} else if (!isnan(a->key_num) && a->key_num != b->key_num) {
		c = a->key_num < b->key_num ? -1 : 1;
		if (s->desc)
			c = -c;
	} else {
		c = strcasecmp(a->key_text, b->key_text);
		if (s->desc)
			c = -c;
	}
	if (c == 0)
		c = a->seq < b->seq ? -1 : (a->seq > b->seq ? 1 : 0);
	return (c);
}

void
ui_table_finish(struct ui *ui, struct ui_table *t, const struct ui_filter *f)
{
	struct ui_table_sortctx	 s;
	struct ui_cell		 c;
	struct ui_row		*r;
	struct buf		 all;
	size_t			 i, oldsel = t->sel;

	if (t->rowscap < t->nall) {
		t->rowscap = t->nall;
		t->rows = xreallocarray(t->rows, t->rowscap, sizeof *t->rows);
	}
	t->nrows = 0;
	memset(&all, 0, sizeof all);
	for (i = 0; i < t->nall; i++) {
		if (f != NULL && !ui_filter_empty(f) &&
		    !ui_table_row_matches(ui, t, t->all[i].p, f, &all))
			continue;
		t->rows[t->nrows++] = t->all[i];
	}
	buf_free(&all);

	memset(&s, 0, sizeof s);
	if (t->sort == UI_SORT_DEFAULT && t->worst == NULL) {
		/* The collect order. */
	} else {
		s.byworst = t->sort == UI_SORT_DEFAULT;
		if (!s.byworst)
			s.desc = (t->cols[t->sort].flags & UI_COL_RIGHT) != 0;
		if (t->reverse)
			s.desc = !s.desc;
		for (i = 0; i < t->nrows; i++) {
			r = &t->rows[i];
			if (s.byworst) {
				r->key_num = t->worst(ui, r->p);
				if (t->reverse)
					r->key_num = -r->key_num;
				continue;
			}
			ui_table_cell(ui, t, t->sort, r->p, &c);
			r->key_num = c.num;
			snprintf(r->key_text, sizeof r->key_text, "%s",
			    c.text);
		}
		if (t->nrows > 1)
			qsort_r(t->rows, t->nrows, sizeof *t->rows,
			    ui_table_cmp, &s);
	}

	/*
	 * Keep the selection on the same id, else at the same place.  Until
	 * the operator moves it, it stays on the first row: in the default
	 * order the worst one, however the first answers came in.
	 */
	t->sel = 0;
	if (t->has_sel && t->moved) {
		for (i = 0; i < t->nrows; i++) {
			if (t->rows[i].id == t->sel_id) {
				t->sel = i;
				break;
			}
		}
		if (i == t->nrows)
			t->sel = oldsel < t->nrows ? oldsel :
			    (t->nrows > 0 ? t->nrows - 1 : 0);
	}
	if (t->nrows > 0) {
		t->sel_id = t->rows[t->sel].id;
		t->has_sel = true;
	}
	if (t->top > t->sel)
		t->top = t->sel;
}

void
ui_table_move(struct ui_table *t, int delta)
{
	long	 s;

	if (t->nrows == 0)
		return;
	if (delta == INT_MIN)
		s = 0;
	else if (delta == INT_MAX)
		s = (long)t->nrows - 1;
	else
		s = (long)t->sel + delta;
	if (s < 0)
		s = 0;
	if (s >= (long)t->nrows)
		s = (long)t->nrows - 1;
	t->sel = (size_t)s;
	t->sel_id = t->rows[t->sel].id;
	t->has_sel = true;
	t->moved = true;
}

const struct ui_row *
ui_table_selected(const struct ui_table *t)
{
	if (t->nrows == 0 || t->sel >= t->nrows)
		return (NULL);
	return (&t->rows[t->sel]);
}

void
ui_table_sort_step(struct ui_table *t, int dir)
{
	int	 n = (int)t->ncols, s = t->sort, i;

	for (i = 0; i <= n; i++) {
		s += dir;
		if (s >= n)
			s = UI_SORT_DEFAULT;
		else if (s < UI_SORT_DEFAULT)
			s = n - 1;
		if (s == UI_SORT_DEFAULT ||
		    (t->cols[s].flags & UI_COL_NOSORT) == 0)
			break;
	}
	t->sort = s;
	t->reverse = false;
}

/* Drop leading characters (UTF-8 whole) until s is at most w wide. */
static void
ui_table_cut_left(char *s, int w)
{
	size_t	 k;

	if (w < 1)
		w = 1;
	while (s[0] != '\0' && ui_text_width(s) > w) {
		k = 1;
		while ((s[k] & 0xc0) == 0x80)
			k++;
		memmove(s, s + k, strlen(s + k) + 1);
	}
	/* No blank right after the mark. */
	while (s[0] == ' ' && s[1] != '\0')
		memmove(s, s + 1, strlen(s + 1) + 1);
}

bool
ui_table_hidden(const struct ui_table *t, int w)
{
	int	 widths[64];
	size_t	 i;

	if (t->ncols > nitems(widths))
		return (false);
	ui_table_layout(t, w, widths);
	/* A column past the scrolled ones is not shown. */
	for (i = t->hscroll + 1; i < t->ncols; i++) {
		if (widths[i] < 0)
			return (true);
	}
	return (false);
}

int
ui_table_layout(const struct ui_table *t, int w, int *widths)
{
	size_t	 i, drop;
	int	 total = 0, nvis = 0, best, spare;
	int	 flex = -1;

	for (i = 0; i < t->ncols; i++) {
		/* Left/Right: the first column stays, the next scroll. */
		if (i > 0 && i <= t->hscroll) {
			widths[i] = -1;
			continue;
		}
		widths[i] = t->cols[i].width;
		total += widths[i] + (nvis > 0 ? 1 : 0);
		nvis++;
	}
	while (total > w) {
		best = 0;
		drop = t->ncols;
		for (i = 0; i < t->ncols; i++) {
			if (widths[i] < 0 || t->cols[i].prio == 0)
				continue;
			if (t->cols[i].prio >= best) {
				best = t->cols[i].prio;
				drop = i;
			}
		}
		if (drop == t->ncols)
			break;
		if (t->hscroll > 0) {
			/* Scrolled: the rightmost give way, whatever prio. */
			for (drop = t->ncols; drop-- > 1;)
				if (widths[drop] >= 0)
					break;
			if (drop == 0)
				break;
		}
		total -= widths[drop] + 1;
		widths[drop] = -1;
		nvis--;
	}
	for (i = 0; i < t->ncols; i++) {
		if (widths[i] >= 0 && (t->cols[i].flags & UI_COL_FLEX))
			flex = (int)i;
	}
	spare = w - total;
	if (flex >= 0)
		widths[flex] += spare;
	else if (spare < 0) {
		/* Still too wide: shrink the rightmost visible column. */
		for (i = t->ncols; i-- > 0;) {
			if (widths[i] > 0) {
				widths[i] += spare;
				if (widths[i] < 1)
					widths[i] = 1;
				break;
			}
		}
	}
	return (nvis);
}

int
ui_table_draw(struct ui *ui, struct ui_table *t, WINDOW *win, int y, int x,
    int w, int h)
{
	int		 widths[32], cx, i, shown = 0, line;
	char		 buf[512], name[64];
	struct ui_cell	 c;
	const struct ui_row *r;
	attr_t		 a, sel;
	bool		 ascii = !ui->utf8;
	const char	*arrow;

	if (t->ncols > nitems(widths) || h < 1 || w < 1)
		return (0);
	ui_table_layout(t, w, widths);

	/* Column names. */
	wattrset(win, ui_colour_attr(UI_R_COLHEAD));
	wmove(win, y, x);
	for (i = 0; i < w; i++)
		waddch(win, ' ');
	cx = x;
	for (i = 0; i < (int)t->ncols; i++) {
		if (widths[i] < 0)
			continue;
		a = ui_colour_attr(UI_R_COLHEAD);
		arrow = "";
		if (i == t->sort) {
			a = ui_colour_attr(UI_R_SORTED);
			if (ascii)
				arrow = t->reverse ? "^" : "v";
			else
				arrow = t->reverse ? "\xe2\x96\xb4" :
				    "\xe2\x96\xbe";
			if ((t->cols[i].flags & UI_COL_RIGHT) == 0)
				arrow = t->reverse ? (ascii ? "v" :
				    "\xe2\x96\xbe") : (ascii ? "^" :
				    "\xe2\x96\xb4");
		}
		snprintf(name, sizeof name, "%s%s", t->cols[i].name, arrow);
		ui_text_fit(buf, sizeof buf, name, widths[i],
		    (t->cols[i].flags & UI_COL_RIGHT) ? UI_ALIGN_RIGHT :
		    UI_ALIGN_LEFT, true, ascii);
		wattrset(win, a);
		mvwaddstr(win, y, cx, buf);
		cx += widths[i] + 1;
	}
	wattrset(win, A_NORMAL);

	h--;
	y++;
	t->page = h;
	if (t->nrows == 0)
		return (0);
	if (t->sel >= t->nrows)
		t->sel = t->nrows - 1;
	if (t->top > t->sel)
		t->top = t->sel;
	if (t->sel >= t->top + (size_t)h)
		t->top = t->sel - (size_t)h + 1;
	if (t->top + (size_t)h > t->nrows)
		t->top = t->nrows > (size_t)h ? t->nrows - (size_t)h : 0;

	sel = ui_colour_attr(UI_R_SELECTED);
	for (line = 0; line < h && t->top + line < t->nrows; line++) {
		r = &t->rows[t->top + line];
		if (t->top + line == t->sel) {
			wattrset(win, sel);
			mvwhline(win, y + line, x, ' ', w);
		}
		cx = x;
		for (i = 0; i < (int)t->ncols; i++) {
			if (widths[i] < 0)
				continue;
			ui_table_cell(ui, t, i, r->p, &c);
			if (c.stale) {
				/*
				 * Marked, so monochrome shows it too.  The
				 * mark must not push the value out: in a
				 * right-aligned (number) cell the text loses
				 * its first characters (the sparkline)
				 * instead of its end.
				 */
				if (t->cols[i].flags & UI_COL_RIGHT)
					ui_table_cut_left(c.text,
					    widths[i] - 1);
				memmove(c.text + 1, c.text, sizeof c.text - 1);
				c.text[0] = '~';
				c.text[sizeof c.text - 1] = '\0';
				c.role = UI_R_STALE;
			}
			ui_text_fit(buf, sizeof buf, c.text, widths[i],
			    (t->cols[i].flags & UI_COL_RIGHT) ?
			    UI_ALIGN_RIGHT : UI_ALIGN_LEFT, true, ascii);
			a = ui_colour_attr(c.role);
			if (t->top + line == t->sel)
				a = sel | (a & (A_BOLD | A_UNDERLINE));
			wattrset(win, a);
			mvwaddstr(win, y + line, cx, buf);
			cx += widths[i] + 1;
		}
		wattrset(win, A_NORMAL);
		shown++;
	}
	return (shown);
}
