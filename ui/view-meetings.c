/* view-meetings.c: every meeting in the fleet; Enter opens its node. */
#include <string.h>

#include "ui-int.h"

#define MEET(r)	((const struct fleet_meeting *)(r))

static void
cell_name(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_meeting	*m = MEET(r);

	snprintf(c->text, sizeof c->text, "%s", m->name != NULL ? m->name :
	    m->meeting_id);
}

static void
cell_node(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", MEET(r)->node_key != NULL ?
	    MEET(r)->node_key : "?");
}

#define UI_MEET_INT(fn, field)						\
static void								\
fn(struct ui *ui, const void *r, struct ui_cell *c)			\
{									\
	snprintf(c->text, sizeof c->text, "%d", MEET(r)->field);	\
	c->num = MEET(r)->field;					\
}
UI_MEET_INT(cell_users, participants)
UI_MEET_INT(cell_voice, voice)
UI_MEET_INT(cell_video, video)
UI_MEET_INT(cell_listen, listeners)
UI_MEET_INT(cell_mods, moderators)

static void
cell_duration(struct ui *ui, const void *r, struct ui_cell *c)
{
	const struct fleet_meeting	*m = MEET(r);

	ui_fmt_age(ui, m->created, c->text, sizeof c->text);
	if (m->created > 0)
		c->num = (double)(ui->now - m->created);
}

static void
cell_rec(struct ui *ui, const void *r, struct ui_cell *c)
{
	snprintf(c->text, sizeof c->text, "%s", MEET(r)->recording ? "rec" :
	    "");
	c->num = MEET(r)->recording;
}

static const struct ui_col ui_meetings_cols[] = {
	{ "NAME", "name", 24, 0, UI_COL_FLEX, cell_name },
	{ "NODE", "node", 12, 0, 0, cell_node },
	{ "USERS", "users", 5, 0, UI_COL_RIGHT, cell_users },
	{ "VOICE", "voice", 5, 2, UI_COL_RIGHT, cell_voice },
	{ "VIDEO", "video", 5, 1, UI_COL_RIGHT, cell_video },
	{ "LISTEN", "listeners", 6, 4, UI_COL_RIGHT, cell_listen },
	{ "MOD", "moderators", 4, 5, UI_COL_RIGHT, cell_mods },
	{ "DURATION", "duration", 8, 3, UI_COL_RIGHT, cell_duration },
	{ "REC", "rec", 3, 6, 0, cell_rec },
};

static double
ui_meetings_worst(struct ui *ui, const void *r)
{
	return (MEET(r)->participants);
}

static void
ui_meetings_init(struct ui *ui, struct ui_view *v)
{
	ui_table_init(&v->table, ui_meetings_cols, nitems(ui_meetings_cols));
	v->table.worst = ui_meetings_worst;
}

static void
ui_meetings_collect(struct ui *ui, struct ui_view *v)
{
	size_t	 i;

	for (i = 0; i < ui->fleet->nmeetings; i++)
		ui_table_add(&v->table, ui->fleet->meetings[i],
		    ui->fleet->meetings[i]->id);
}

static void
ui_meetings_enter(struct ui *ui, struct ui_view *v)
{
	const struct ui_row	*r = ui_table_selected(&v->table);

	if (r != NULL)
		ui_open_node_key(ui, MEET(r->p)->node_key);
}

/* The list's age, and STALE while scalelite is not answering well. */
static void
ui_meetings_title(struct ui *ui, struct ui_view *v, struct buf *b)
{
	char	 age[16], why[256];

	(void)v;
	if (ui->fleet->meetings_at == 0) {
		buf_adds(b, ui_src_trouble(ui, FLEET_SRC_SCALELITE, why,
		    sizeof why) ? "  UNKNOWN" : "  (waiting for scalelite)");
		return;
	}
	if (ui_src_trouble(ui, FLEET_SRC_SCALELITE, why, sizeof why))
		buf_printf(b, "  STALE: list of %s ago; %s",
		    ui_fmt_age(ui, ui->fleet->meetings_at, age, sizeof age),
		    why);
	else
		buf_printf(b, "  (list of %s ago)", ui_fmt_age(ui,
		    ui->fleet->meetings_at, age, sizeof age));
}

static const char *
ui_meetings_empty(struct ui *ui, struct ui_view *v)
{
	static char	 text[384];
	char		 age[16], why[256];

	(void)v;
	if (ui->fleet->meetings_at == 0) {
		if (ui_src_trouble(ui, FLEET_SRC_SCALELITE, why, sizeof why))
			snprintf(text, sizeof text, "meetings unknown: %s",
			    why);
		else
			snprintf(text, sizeof text, "meetings unknown: "
			    "waiting for scalelite's answer");
		return (text);
	}
	if (ui_src_trouble(ui, FLEET_SRC_SCALELITE, why, sizeof why)) {
		snprintf(text, sizeof text, "no meetings in scalelite's last "
		    "answer, %s ago (STALE: %s)", ui_fmt_age(ui,
		    ui->fleet->meetings_at, age, sizeof age), why);
		return (text);
	}
	return ("no meetings running");
}

const struct ui_view_ops ui_view_meetings_ops = {
	.kind = UI_V_MEETINGS,
	.name = "meetings",
	.init = ui_meetings_init,
	.collect = ui_meetings_collect,
	.enter = ui_meetings_enter,
	.title_tail = ui_meetings_title,
	.empty_text = ui_meetings_empty,
};
