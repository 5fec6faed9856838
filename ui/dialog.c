/*
 * dialog.c: a confirmation box.  Focus starts on Cancel (k9s); Tab or
 * the arrows move it, Enter chooses, Esc cancels.  Nothing uses it yet:
 * the jobs (issue 6) will, for every mutating action.
 */
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"

void
ui_dialog_open(struct ui_dialog *d, const char *title, const char *text)
{
	ui_dialog_close(d);
	d->active = true;
	d->title = xstrdup(title);
	d->text = xstrdup(text);
	d->choice = 0;
}

void
ui_dialog_close(struct ui_dialog *d)
{
	free(d->title);
	free(d->text);
	memset(d, 0, sizeof *d);
}

int
ui_dialog_key(struct ui_dialog *d, int key)
{
	switch (key) {
	case UI_KEY_ESC:
	case 'n':
		d->active = false;
		return (0);
	case '\t':
	case UI_KEY_FN(KEY_LEFT):
	case UI_KEY_FN(KEY_RIGHT):
		d->choice = !d->choice;
		return (-1);
	case '\r':
	case '\n':
	case UI_KEY_FN(KEY_ENTER):
		d->active = false;
		return (d->choice);
	}
	return (-1);
}

void
ui_dialog_draw(struct ui_dialog *d, WINDOW *win, int cols, int rows)
{
	const char	*p, *nl;
	char		 line[256];
	int		 w, h = 4, y, x, i, n = 0;

	if (!d->active)
		return;
	for (p = d->text; p != NULL; p = nl == NULL ? NULL : nl + 1) {
		nl = strchr(p, '\n');
		n++;
	}
	h += n;
	w = cols - 8 < 70 ? cols - 8 : 70;
	if (w < 20 || h > rows)
		return;
	y = (rows - h) / 2;
	x = (cols - w) / 2;
	wattrset(win, ui_colour_attr(UI_R_NORMAL));
	for (i = 0; i < h; i++)
		mvwhline(win, y + i, x, ' ', w);
	mvwhline(win, y, x, ACS_HLINE, w);
	mvwhline(win, y + h - 1, x, ACS_HLINE, w);
	mvwvline(win, y, x, ACS_VLINE, h);
	mvwvline(win, y, x + w - 1, ACS_VLINE, h);
	ui_put(win, y, x + 2, w - 4, ui_colour_attr(UI_R_TITLE), d->title);
	i = 1;
	for (p = d->text; p != NULL; p = nl == NULL ? NULL : nl + 1) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof line, "%.*s",
		    nl == NULL ? (int)strlen(p) : (int)(nl - p), p);
		ui_put(win, y + i++, x + 2, w - 4, A_NORMAL, line);
	}
	ui_put(win, y + h - 2, x + 2, 10, d->choice == 0 ?
	    ui_colour_attr(UI_R_SELECTED) : A_NORMAL, "[ Cancel ]");
	ui_put(win, y + h - 2, x + 14, 6, d->choice == 1 ?
	    ui_colour_attr(UI_R_SELECTED) : A_NORMAL, "[ OK ]");
}
