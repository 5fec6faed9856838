/*
 * keys.c: THE key table.  Dispatch, the ? help screen and the footer
 * hints are all generated from it, so they cannot disagree.
 *
 * The operator actions' rows are not written here: ui_keys_init() makes
 * one from each row of the action registry (action/registry.h: its key,
 * views, name and help) where ui_key_rows[] has its UI_CMD_ACTION mark.
 * They are UI_KEY_F_MUTATING: neither dispatched nor shown when the
 * console is read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"

#define T	UI_VB_TABLES
#define S	UI_VB_SCROLL
#define A	UI_VB_ALL
#define HINT	UI_KEY_F_HINT
#define ALIAS	UI_KEY_F_ALIAS
#define MUT	UI_KEY_F_MUTATING
#define O	(T & ~UI_VB(UI_V_AUDIT))	/* Enter opens something */

static const struct ui_key_def ui_key_rows[] = {
	{ '?', A, UI_CMD_HELP, "help", "this help, generated from the key "
	    "table", HINT },
	{ ':', A, UI_CMD_PALETTE, "command", "command palette: :nodes "
	    ":meetings :stacks :hosts :problems :jobs :audit :node NAME "
	    ":quit (Tab completes, Up/Down history)", HINT },
	{ '/', T, UI_CMD_FILTER, "filter", "filter rows: words, re:REGEX, "
	    "field:value, field:>N, !negation", HINT },
	{ UI_KEY_FN(KEY_ENTER), O, UI_CMD_ENTER, "open", "open the "
	    "selected node (detail view)", HINT },
	{ '\r', O, UI_CMD_ENTER, "open", "open the selected node", ALIAS },
	{ '\n', O, UI_CMD_ENTER, "open", "open the selected node", ALIAS },
	{ UI_KEY_ESC, A, UI_CMD_BACK, "back", "back to the previous view; "
	    "clears the filter first", HINT },
	{ 'q', A, UI_CMD_QUIT, "quit", "quit bbbctl", HINT },
	{ UI_KEY_FN(KEY_UP), S, UI_CMD_UP, "up", "move up", 0 },
	{ 'k', S, UI_CMD_UP, "up", "move up", ALIAS },
	{ UI_KEY_FN(KEY_DOWN), S, UI_CMD_DOWN, "down", "move down", 0 },
	{ 'j', S, UI_CMD_DOWN, "down", "move down", ALIAS },
	{ UI_KEY_FN(KEY_PPAGE), S, UI_CMD_PGUP, "page up", "one page up",
	    0 },
	{ UI_KEY_CTRL('b'), S, UI_CMD_PGUP, "page up", "one page up",
	    ALIAS },
	{ UI_KEY_FN(KEY_NPAGE), S, UI_CMD_PGDN, "page down", "one page "
	    "down", 0 },
	{ UI_KEY_CTRL('f'), S, UI_CMD_PGDN, "page down", "one page down",
	    ALIAS },
	{ UI_KEY_FN(KEY_HOME), S, UI_CMD_HOME, "top", "first row", 0 },
	{ 'g', S, UI_CMD_HOME, "top", "first row", ALIAS },
	{ UI_KEY_FN(KEY_END), S, UI_CMD_END, "bottom", "last row", 0 },
	{ 'G', S, UI_CMD_END, "bottom", "last row", ALIAS },
	{ '>', T, UI_CMD_SORT_NEXT, "sort", "sort by the next column", HINT },
	{ '<', T, UI_CMD_SORT_PREV, "sort", "sort by the previous column",
	    0 },
	{ 'I', T, UI_CMD_SORT_INVERT, "invert", "invert the sort order", 0 },
	{ 'w', T, UI_CMD_SORT_DEFAULT, "worst", "back to the default order "
	    "(worst first)", 0 },
	{ UI_KEY_FN(KEY_LEFT), T, UI_CMD_COL_LEFT, "columns", "scroll the "
	    "columns left (the first one stays)", 0 },
	{ UI_KEY_FN(KEY_RIGHT), T, UI_CMD_COL_RIGHT, "columns", "scroll the "
	    "columns right, to the ones hidden for want of width", 0 },
	{ '+', A, UI_CMD_FASTER, "faster", "refresh more often", 0 },
	{ '-', A, UI_CMD_SLOWER, "slower", "refresh less often", 0 },
	{ UI_KEY_CTRL('r'), A, UI_CMD_REFRESH, "refresh", "poll every "
	    "source now", 0 },
	{ UI_KEY_CTRL('l'), A, UI_CMD_REDRAW, "redraw", "redraw the screen",
	    0 },
	{ '1', A, UI_CMD_VIEW_NODES, "nodes", "nodes view", 0 },
	{ '2', A, UI_CMD_VIEW_MEETINGS, "meetings", "meetings view", 0 },
	{ '3', A, UI_CMD_VIEW_PROBLEMS, "problems", "problems view", 0 },
	{ '4', A, UI_CMD_VIEW_STACKS, "stacks", "Rancher stacks and "
	    "services", 0 },
	{ '5', A, UI_CMD_VIEW_HOSTS, "hosts", "Rancher hosts and OpenStack "
	    "VMs", 0 },
	{ '6', A, UI_CMD_VIEW_JOBS, "jobs", "jobs view", 0 },
	{ '7', A, UI_CMD_VIEW_SERVICES, "services", "fleet-wide services "
	    "(scalelite, Greenlight, coturn, PostgreSQL, TLS)", 0 },
	/* Here: a row per action of the registry. */
	{ 0, 0, UI_CMD_ACTION, NULL, NULL, MUT },
	{ 'x', UI_VB(UI_V_JOBS), UI_CMD_CANCEL_JOB, "cancel", "cancel the "
	    "selected job where its action allows", MUT | HINT },
};

const struct ui_key_def	*ui_key_table;
size_t			 ui_key_table_len;

unsigned
ui_keys_action_views(const struct action *a)
{
	static const struct {
		unsigned	 bit;
		unsigned	 views;
	} map[] = {
		{ ACTION_VIEW_NODES, UI_VB(UI_V_NODES) },
		{ ACTION_VIEW_NODE, UI_VB(UI_V_NODE) },
		{ ACTION_VIEW_STACKS, UI_VB(UI_V_STACKS) },
		{ ACTION_VIEW_HOSTS, UI_VB(UI_V_HOSTS) },
		{ ACTION_VIEW_ANY, UI_VB_ALL },
	};
	unsigned	 v = action_views(a), out = 0;
	size_t		 i;

	for (i = 0; i < nitems(map); i++) {
		if (v & map[i].bit)
			out |= map[i].views;
	}
	return (out);
}

void
ui_keys_init(void)
{
	const struct action *const	*acts;
	struct ui_key_def		*t, *d;
	size_t				 i, j, n, nacts;

	if (ui_key_table != NULL)
		return;
	acts = action_list(&nacts);
	t = xreallocarray(NULL, nitems(ui_key_rows) + nacts, sizeof *t);
	for (i = n = 0; i < nitems(ui_key_rows); i++) {
		if (ui_key_rows[i].cmd != UI_CMD_ACTION) {
			t[n++] = ui_key_rows[i];
			continue;
		}
		for (j = 0; j < nacts; j++) {
			if (acts[j]->key == 0)
				continue;
			d = &t[n++];
			*d = ui_key_rows[i];
			d->key = acts[j]->key;
			d->views = ui_keys_action_views(acts[j]);
			d->name = action_name(acts[j]);
			d->help = acts[j]->help;
			d->flags |= acts[j]->hint ? HINT : 0;
			d->action = acts[j];
		}
	}
	ui_key_table = t;
	ui_key_table_len = n;
}

static const char *const ui_view_names[UI_V_COUNT] = {
	[UI_V_NODES] = "nodes",
	[UI_V_NODE] = "node",
	[UI_V_MEETINGS] = "meetings",
	[UI_V_STACKS] = "stacks",
	[UI_V_HOSTS] = "hosts",
	[UI_V_PROBLEMS] = "problems",
	[UI_V_JOBS] = "jobs",
	[UI_V_AUDIT] = "audit",
	[UI_V_HELP] = "help",
	[UI_V_HOST] = "host",
};

const char *
ui_view_name(enum ui_view_kind v)
{
	if ((size_t)v >= UI_V_COUNT)
		return ("?");
	return (ui_view_names[v]);
}

const struct ui_key_def *
ui_keys_lookup(int key, enum ui_view_kind v, bool readonly)
{
	ui_keys_init();
	return (ui_keys_find(ui_key_table, ui_key_table_len, key, v,
	    readonly));
}

const struct ui_key_def *
ui_keys_find(const struct ui_key_def *table, size_t n, int key,
    enum ui_view_kind v, bool readonly)
{
	const struct ui_key_def	*d;
	size_t			 i;

	for (i = 0; i < n; i++) {
		d = &table[i];
		if (d->key != key || (d->views & UI_VB(v)) == 0)
			continue;
		if (readonly && (d->flags & UI_KEY_F_MUTATING))
			return (NULL);
		return (d);
	}
	return (NULL);
}

const char *
ui_key_name(int key, char *buf, size_t len)
{
	static const struct {
		int		 key;
		const char	*name;
	} names[] = {
		{ UI_KEY_FN(KEY_ENTER), "Enter" }, { '\r', "Enter" },
		{ '\n', "Enter" }, { UI_KEY_ESC, "Esc" },
		{ UI_KEY_FN(KEY_UP), "Up" }, { UI_KEY_FN(KEY_DOWN), "Down" },
		{ UI_KEY_FN(KEY_LEFT), "Left" },
		{ UI_KEY_FN(KEY_RIGHT), "Right" },
		{ UI_KEY_FN(KEY_PPAGE), "PgUp" },
		{ UI_KEY_FN(KEY_NPAGE), "PgDn" },
		{ UI_KEY_FN(KEY_HOME), "Home" }, { UI_KEY_FN(KEY_END), "End" },
		{ ' ', "Space" }, { '\t', "Tab" },
		{ UI_KEY_FN(KEY_BTAB), "S-Tab" },
		{ UI_KEY_FN(KEY_BACKSPACE), "Backspace" },
		{ UI_KEY_FN(KEY_DC), "Del" }, { UI_KEY_FN(KEY_IC), "Ins" },
	};
	size_t	 i;

	for (i = 0; i < nitems(names); i++) {
		if (names[i].key == key) {
			snprintf(buf, len, "%s", names[i].name);
			return (buf);
		}
	}
	if (key > 0 && key < 0x20)
		snprintf(buf, len, "^%c", key + '@');
	else if (key >= UI_KEY_FN(KEY_F(1)) && key <= UI_KEY_FN(KEY_F(63)))
		snprintf(buf, len, "F%d", key - UI_KEY_FN(KEY_F(0)));
	else if (key >= UI_KEY_FN(0))
		snprintf(buf, len, "%s", keyname(key - UI_KEY_FN(0)));
	else if (key < 0x80)
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "U+%04X", key);
	return (buf);
}

/* All keys bound to d's command in view v, "Up k". */
static void
ui_keys_for(const struct ui_key_def *d, unsigned views, bool readonly,
    struct buf *b)
{
	const struct ui_key_def	*e;
	char			 name[32];
	size_t			 i;
	bool			 first = true;

	for (i = 0; i < ui_key_table_len; i++) {
		e = &ui_key_table[i];
		if (e->cmd != d->cmd || e->action != d->action ||
		    (e->views & views) == 0)
			continue;
		if (readonly && (e->flags & UI_KEY_F_MUTATING))
			continue;
		ui_key_name(e->key, name, sizeof name);
		/* Enter is bound three ways; name it once. */
		if (!first && strstr(b->data, name) != NULL)
			continue;
		if (!first)
			buf_addc(b, ' ');
		buf_adds(b, name);
		first = false;
	}
}

char **
ui_keys_help(enum ui_view_kind v, bool readonly, size_t *n)
{
	const struct ui_key_def	*d;
	char			**lines = NULL;
	struct buf		 keys, line;
	size_t			 i, nl = 0;
	int			 pass;

	ui_keys_init();
	for (pass = 0; pass < 2; pass++) {
		/* Pass 0: keys of this view; pass 1: the others. */
		memset(&line, 0, sizeof line);
		buf_printf(&line, "%s", pass == 0 ?
		    "Keys in this view" : "Keys in other views");
		lines = xreallocarray(lines, nl + 1, sizeof *lines);
		lines[nl++] = buf_steal(&line);
		for (i = 0; i < ui_key_table_len; i++) {
			d = &ui_key_table[i];
			if (d->flags & UI_KEY_F_ALIAS)
				continue;
			if (readonly && (d->flags & UI_KEY_F_MUTATING))
				continue;
			if ((pass == 0) != ((d->views & UI_VB(v)) != 0))
				continue;
			memset(&keys, 0, sizeof keys);
			ui_keys_for(d, pass == 0 ? UI_VB(v) : d->views,
			    readonly, &keys);
			memset(&line, 0, sizeof line);
			buf_printf(&line, "  %-12s ", keys.data);
			/* An action: its command line, then its help. */
			if (d->action != NULL)
				buf_printf(&line, "%s%s%s: ", d->action->verb,
				    d->action->target != ACTION_TARGET_NONE ?
				    " " : "", action_target_word(
				    d->action->target));
			buf_printf(&line, "%s%s%s", d->help, d->action !=
			    NULL && d->action->risk == JOB_RISK_DESTRUCTIVE ?
			    " (type its name)" : "",
			    (d->flags & UI_KEY_F_MUTATING) ?
			    " (changes the fleet)" : "");
			buf_free(&keys);
			lines = xreallocarray(lines, nl + 1, sizeof *lines);
			lines[nl++] = buf_steal(&line);
		}
	}
	if (readonly) {
		lines = xreallocarray(lines, nl + 1, sizeof *lines);
		lines[nl++] = xstrdup("Read-only: keys that change the fleet "
		    "are hidden.");
	}
	*n = nl;
	return (lines);
}

void
ui_keys_help_free(char **lines, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void
ui_keys_hints(enum ui_view_kind v, bool readonly, struct buf *b)
{
	const struct ui_key_def	*d;
	char			 name[32];
	size_t			 i;

	ui_keys_init();
	for (i = 0; i < ui_key_table_len; i++) {
		d = &ui_key_table[i];
		if ((d->flags & UI_KEY_F_HINT) == 0 ||
		    (d->views & UI_VB(v)) == 0)
			continue;
		if (readonly && (d->flags & UI_KEY_F_MUTATING))
			continue;
		if (b->len > 0)
			buf_adds(b, "  ");
		buf_printf(b, "%s %s", ui_key_name(d->key, name, sizeof name),
		    d->name);
	}
}
