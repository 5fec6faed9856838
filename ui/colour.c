/*
 * colour.c: semantic colour roles (htop's ColorElements idea).
 *
 * Code draws with a role, never a raw colour pair.  With colour off
 * (--no-color, [ui] color = no, NO_COLOR, or a terminal without colours)
 * every role maps to attributes alone: bold, reverse, underline, dim.
 */
#include <stdlib.h>

#include "ui-int.h"

struct ui_colour_def {
	const char	*name;
	short		 fg;		/* -1: terminal default */
	short		 bg;
	attr_t		 attr;		/* added in colour mode */
	attr_t		 mono;		/* used without colour */
};

static const struct ui_colour_def ui_colour_defs[UI_R_COUNT] = {
	[UI_R_NORMAL] =	  { "normal", -1, -1, 0, 0 },
	[UI_R_HEADER] =	  { "header", COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[UI_R_TITLE] =	  { "title", COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[UI_R_COLHEAD] =  { "colhead", -1, -1, A_BOLD | A_UNDERLINE,
			    A_BOLD | A_UNDERLINE },
	[UI_R_SORTED] =	  { "sorted", COLOR_CYAN, -1, A_BOLD | A_UNDERLINE,
			    A_BOLD | A_UNDERLINE | A_REVERSE },
	[UI_R_SELECTED] = { "selected", COLOR_BLACK, COLOR_WHITE, 0,
			    A_REVERSE },
	[UI_R_OK] =	  { "ok", COLOR_GREEN, -1, 0, 0 },
	[UI_R_WARN] =	  { "warn", COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[UI_R_CRIT] =	  { "crit", COLOR_RED, -1, A_BOLD,
			    A_BOLD | A_UNDERLINE },
	[UI_R_STALE] =	  { "stale", COLOR_MAGENTA, -1, A_DIM, A_DIM },
	[UI_R_DIM] =	  { "dim", -1, -1, A_DIM, A_DIM },
	[UI_R_KEY] =	  { "key", COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[UI_R_FOOTER] =	  { "footer", -1, -1, 0, 0 },
	[UI_R_PROMPT] =	  { "prompt", COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[UI_R_ERROR] =	  { "error", COLOR_WHITE, COLOR_RED, A_BOLD,
			    A_BOLD | A_REVERSE },
	[UI_R_GRAPH] =	  { "graph", COLOR_CYAN, -1, 0, 0 },
};

static attr_t	 ui_colour_attrs[UI_R_COUNT];
static bool	 ui_colour_on;

void
ui_colour_init(bool colour)
{
	const struct ui_colour_def *d;
	size_t		 i;
	short		 pair = 1;

	ui_colour_on = colour && has_colors();
	if (ui_colour_on && start_color() == ERR)
		ui_colour_on = false;
	if (ui_colour_on)
		use_default_colors();
	for (i = 0; i < UI_R_COUNT; i++) {
		d = &ui_colour_defs[i];
		if (!ui_colour_on) {
			ui_colour_attrs[i] = d->mono;
			continue;
		}
		if (d->fg == -1 && d->bg == -1) {
			ui_colour_attrs[i] = d->attr;
			continue;
		}
		init_pair(pair, d->fg, d->bg);
		ui_colour_attrs[i] = COLOR_PAIR(pair) | d->attr;
		pair++;
	}
}

attr_t
ui_colour_attr(enum ui_role r)
{
	if ((size_t)r >= UI_R_COUNT)
		return (0);
	return (ui_colour_attrs[r]);
}

