/*
 * view-help.c: '?' help, generated from the key table for the view it
 * was opened from, plus the filter grammar and the palette commands.
 */
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"

/* Put a help line, wrapped at blanks, continuation lines indented. */
static void
ui_help_wrapped(struct ui_lines *l, enum ui_role role, const char *s,
    int indent)
{
	int		 width = l->cols - 2, first = 1;
	const char	*p = s, *cut, *q;
	size_t		 n;

	while (p != NULL && *p != '\0') {
		n = strlen(p);
		if ((int)n + (first ? 0 : indent) <= width || width <= indent) {
			ui_lines_put(l, role, "%*s%s", first ? 0 : indent, "",
			    p);
			return;
		}
		/* The last blank that fits (ASCII text: bytes = columns). */
		cut = NULL;
		for (q = p; *q != '\0' && q - p <= width -
		    (first ? 0 : indent); q++) {
			if (*q == ' ' && q > p)
				cut = q;
		}
		if (cut == NULL)
			cut = p + (width - (first ? 0 : indent));
		ui_lines_put(l, role, "%*s%.*s", first ? 0 : indent, "",
		    (int)(cut - p), p);
		p = cut;
		while (*p == ' ')
			p++;
		first = 0;
	}
}

static void
ui_help_draw(struct ui *ui, struct ui_view *v, int y, int h)
{
	struct ui_lines		 l;
	enum ui_view_kind	 from = UI_V_NODES;
	char			**lines;
	size_t			 i, n;

	if (ui->depth >= 2)
		from = ui->stack[ui->depth - 2]->ops->kind;
	memset(&l, 0, sizeof l);
	l.win = stdscr;
	l.y0 = y;
	l.h = h;
	l.cols = ui->cols;
	l.scroll = v->scroll;

	ui_lines_put(&l, UI_R_TITLE, "bbbctl dashboard help (%s view)%s",
	    ui_view_name(from), ui->opts.readonly ? "  [read-only]" : "");
	lines = ui_keys_help(from, ui->opts.readonly, &n);
	for (i = 0; i < n; i++)
		ui_help_wrapped(&l, lines[i][0] == ' ' ? UI_R_NORMAL :
		    UI_R_TITLE, lines[i], 15);
	ui_keys_help_free(lines, n);
	ui_lines_put(&l, UI_R_NORMAL, " ");
	ui_lines_put(&l, UI_R_TITLE, "Filter (/)");
	ui_lines_put(&l, UI_R_NORMAL, "  word          rows whose text "
	    "contains word (any case)");
	ui_lines_put(&l, UI_R_NORMAL, "  re:REGEX      rows matching a POSIX "
	    "extended regex; /REGEX/ too");
	ui_lines_put(&l, UI_R_NORMAL, "  field:value   that column contains "
	    "value: state:cordoned health:critical node:bbb-0");
	ui_lines_put(&l, UI_R_NORMAL, "  field:>N      numeric: problems:>0 "
	    "cpu:>=80 users:<10 (also <= and =)");
	ui_lines_put(&l, UI_R_NORMAL, "  field:re:X    that column matches "
	    "the regex");
	ui_lines_put(&l, UI_R_NORMAL, "  !term         negation; terms "
	    "separated by spaces must all hold");
	ui_help_wrapped(&l, UI_R_NORMAL, "  Fields are the column names (any "
	    "case) or: node state health cpu mem net meetings users video "
	    "load stack vm problems", 4);
	ui_lines_put(&l, UI_R_NORMAL, " ");
	ui_lines_put(&l, UI_R_TITLE, "Marks");
	ui_lines_put(&l, UI_R_NORMAL, "  header: %s ok  %s stale or late  %s "
	    "failed  %s waiting; the age is that of the source's last good "
	    "data", ui->utf8 ? "\xe2\x97\x8f" : "*", ui->utf8 ?
	    "\xe2\x97\x90" : "~", ui->utf8 ? "\xe2\x9c\x96" : "x",
	    ui->utf8 ? "\xe2\x97\x8c" : "?");
	ui_lines_put(&l, UI_R_NORMAL, "  cells: ~value = stale (the source "
	    "has not confirmed it lately); - = unknown");
	ui_help_wrapped(&l, UI_R_NORMAL, "  totals: STALE 5m = that half of "
	    "the line is from data 5 minutes old; ? = unknown.  The graph "
	    "at the right end is the fleet's users, one bar a refresh, the "
	    "newest on the right, scaled from the lowest to the highest "
	    "value shown (printed after it: low-high).", 4);
	ui_help_wrapped(&l, UI_R_NORMAL, "  problem bar: the worst first, "
	    "the newest first within a severity; (N NEW) = appeared since "
	    "the problems view was last open.  Pending problems (held "
	    "before they fire) are listed in the problems view.", 4);
	v->lines = l.line;
}

const struct ui_view_ops ui_view_help_ops = {
	.kind = UI_V_HELP,
	.name = "help",
	.draw = ui_help_draw,
};
