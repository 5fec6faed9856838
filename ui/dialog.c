/*
 * dialog.c: the confirmation box of operator actions.
 *
 * Reversible actions: y/N.  Focus starts on Cancel (k9s); Tab or the
 * arrows move it, Enter chooses, y confirms, n or Esc cancels.
 * Destructive actions: the target's name must be typed in full, then
 * Enter; anything else keeps the box open with a warning, Esc cancels.
 * The text (the job's plan) is wrapped to the box.  The box is a modal
 * view (ui_dialog_push): it takes every key until answered, then pops
 * itself and leaves the answer in the ui for ui_take_dialog().
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
ui_dialog_open_typed(struct ui_dialog *d, const char *title,
    const char *text, const char *typed)
{
	ui_dialog_open(d, title, text);
	d->typed = xstrdup(typed);
	buf_add(&d->input, "", 0);
}

void
ui_dialog_close(struct ui_dialog *d)
{
	free(d->title);
	free(d->text);
	free(d->typed);
	free(d->node);
	buf_free(&d->input);
	memset(d, 0, sizeof *d);
}

static int
ui_dialog_end(struct ui_dialog *d, int choice)
{
	d->active = false;
	d->done = true;
	d->confirmed = choice == 1;
	return (choice);
}

static int
ui_dialog_typed_key(struct ui_dialog *d, int key)
{
	switch (key) {
	case UI_KEY_ESC:
		return (ui_dialog_end(d, 0));
	case '\r':
	case '\n':
	case UI_KEY_FN(KEY_ENTER):
		if (d->input.len > 0 && strcmp(d->input.data, d->typed) == 0)
			return (ui_dialog_end(d, 1));
		d->mismatch = true;
		return (-1);
	case UI_KEY_FN(KEY_BACKSPACE):
	case 0x7f:
	case UI_KEY_CTRL('h'):
		if (d->input.len > 0)
			d->input.data[--d->input.len] = '\0';
		d->mismatch = false;
		return (-1);
	case UI_KEY_CTRL('u'):
		d->input.len = 0;
		d->input.data[0] = '\0';
		return (-1);
	}
	if (key >= 0x20 && key < 0x7f && d->input.len < 128) {
		buf_addc(&d->input, (char)key);
		d->mismatch = false;
	}
	return (-1);
}

/* The quit question: 0 stay (the default), 1 finish, 2 cancel. */
static int
ui_dialog_quit_key(struct ui_dialog *d, int key)
{
	switch (key) {
	case UI_KEY_ESC:
	case 'k':
	case 'K':
	case '\r':
	case '\n':
	case UI_KEY_FN(KEY_ENTER):
		return (ui_dialog_end(d, 0));
	case 'w':
	case 'W':
		return (ui_dialog_end(d, 1));
	case 'c':
	case 'C':
		return (ui_dialog_end(d, 2));
	}
	return (-1);
}

/* A text to read: 0 closes, 1 opens the node. */
static int
ui_dialog_info_key(struct ui_dialog *d, int key)
{
	switch (key) {
	case UI_KEY_ESC:
	case 'q':
	case '\r':
	case '\n':
	case UI_KEY_FN(KEY_ENTER):
		return (ui_dialog_end(d, 0));
	case 'n':
		if (d->node != NULL)
			return (ui_dialog_end(d, 1));
		break;
	}
	return (-1);
}

int
ui_dialog_key(struct ui_dialog *d, int key)
{
	if (d->info)
		return (ui_dialog_info_key(d, key));
	if (d->quit)
		return (ui_dialog_quit_key(d, key));
	if (d->typed != NULL)
		return (ui_dialog_typed_key(d, key));
	switch (key) {
	case UI_KEY_ESC:
	case 'n':
	case 'N':
		return (ui_dialog_end(d, 0));
	case 'y':
	case 'Y':
		return (ui_dialog_end(d, 1));
	case '\t':
	case UI_KEY_FN(KEY_LEFT):
	case UI_KEY_FN(KEY_RIGHT):
		d->choice = !d->choice;
		return (-1);
	case '\r':
	case '\n':
	case UI_KEY_FN(KEY_ENTER):
		return (ui_dialog_end(d, d->choice));
	}
	return (-1);
}

/* The text's lines wrapped at width (allocated array; *n lines). */
static char **
ui_dialog_wrap(const char *text, int width, size_t *n)
{
	char		**v = NULL;
	const char	*p, *nl;
	size_t		 len, cut, k;

	*n = 0;
	if (width < 10)
		width = 10;
	for (p = text; p != NULL && *p != '\0'; p = nl == NULL ? NULL :
	    nl + 1) {
		nl = strchr(p, '\n');
		len = nl == NULL ? strlen(p) : (size_t)(nl - p);
		do {
			cut = len;
			if (cut > (size_t)width) {
				cut = (size_t)width;
				for (k = cut; k > (size_t)width / 2; k--) {
					if (p[k] == ' ') {
						cut = k;
						break;
					}
				}
			}
			v = xreallocarray(v, *n + 1, sizeof *v);
			v[(*n)++] = xasprintf("%s%.*s", p == text ||
			    p[-1] == '\n' ? "" : "   ", (int)cut, p);
			p += cut;
			len -= cut;
			while (len > 0 && *p == ' ') {
				p++;
				len--;
			}
		} while (len > 0);
	}
	return (v);
}

void
ui_dialog_draw(struct ui_dialog *d, WINDOW *win, int cols, int rows)
{
	char		**lines, prompt[256];
	size_t		 n, i, shown;
	int		 w, h, y, x, r;

	if (!d->active)
		return;
	w = cols - 4 < 100 ? cols - 4 : 100;
	if (w < 20)
		return;
	lines = ui_dialog_wrap(d->text, w - 7, &n);
	shown = n;
	if ((int)shown + 6 > rows)
		shown = rows > 7 ? (size_t)(rows - 7) : 0;
	h = (int)shown + 5 + (d->typed != NULL ? 1 : 0);
	y = (rows - h) / 2;
	x = (cols - w) / 2;
	wattrset(win, ui_colour_attr(UI_R_NORMAL));
	for (r = 0; r < h; r++)
		mvwhline(win, y + r, x, ' ', w);
	/* --ascii (or no UTF-8): plain characters, as everywhere else. */
	mvwhline(win, y, x, d->ascii ? '-' : ACS_HLINE, w);
	mvwhline(win, y + h - 1, x, d->ascii ? '-' : ACS_HLINE, w);
	mvwvline(win, y, x, d->ascii ? '|' : ACS_VLINE, h);
	mvwvline(win, y, x + w - 1, d->ascii ? '|' : ACS_VLINE, h);
	mvwaddch(win, y, x, d->ascii ? '+' : ACS_ULCORNER);
	mvwaddch(win, y, x + w - 1, d->ascii ? '+' : ACS_URCORNER);
	mvwaddch(win, y + h - 1, x, d->ascii ? '+' : ACS_LLCORNER);
	mvwaddch(win, y + h - 1, x + w - 1, d->ascii ? '+' : ACS_LRCORNER);
	ui_put(win, y, x + 2, w - 4, ui_colour_attr(UI_R_TITLE), d->title);
	for (i = 0; i < shown; i++)
		ui_put(win, y + 1 + (int)i, x + 2, w - 4, A_NORMAL, lines[i]);
	if (shown < n)
		ui_put(win, y + (int)shown, x + 2, w - 4,
		    ui_colour_attr(UI_R_DIM), "... (the plan goes on; see "
		    "--dry-run)");
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	if (d->typed != NULL) {
		snprintf(prompt, sizeof prompt, "Type %s to confirm, Esc "
		    "cancels: %s", d->typed, d->input.data != NULL ?
		    d->input.data : "");
		ui_put(win, y + h - 3, x + 2, w - 4,
		    ui_colour_attr(UI_R_PROMPT), prompt);
		if (d->mismatch)
			ui_put(win, y + h - 2, x + 2, w - 4,
			    ui_colour_attr(UI_R_ERROR), "that is not the "
			    "name: nothing done");
		return;
	}
	if (d->info) {
		ui_put(win, y + h - 2, x + 2, w - 4, ui_colour_attr(UI_R_DIM),
		    d->node != NULL ? "Esc or Enter closes   n opens the node" :
		    "Esc or Enter closes");
		return;
	}
	if (d->quit) {
		ui_put(win, y + h - 2, x + 2, w - 4,
		    ui_colour_attr(UI_R_SELECTED), "[ Stay (Esc) ]");
		ui_put(win, y + h - 2, x + 18, w - 20, A_NORMAL,
		    "w finish them, then quit   c cancel them and quit");
		return;
	}
	ui_put(win, y + h - 2, x + 2, 20, d->choice == 0 ?
	    ui_colour_attr(UI_R_SELECTED) : A_NORMAL, "[ Cancel (n) ]");
	ui_put(win, y + h - 2, x + 18, 12, d->choice == 1 ?
	    ui_colour_attr(UI_R_SELECTED) : A_NORMAL, "[ OK (y) ]");
}

/* --- the dialog as a modal view ------------------------------------------ */

static bool
ui_dialog_view_key(struct ui *ui, struct ui_view *v, int key)
{
	struct ui_dialog	*d = v->priv;
	char			*node;
	int			 r;

	if ((r = ui_dialog_key(d, key)) == -1)
		return (true);
	if (d->info) {
		node = r == 1 && d->node != NULL ? xstrdup(d->node) : NULL;
		ui_view_pop(ui);
		if (node != NULL)
			ui_open_node_key(ui, node);
		free(node);
		return (true);
	}
	if (d->quit) {
		ui->quit_answer = r == 1 ? UI_QUIT_FINISH : r == 2 ?
		    UI_QUIT_CANCEL : UI_QUIT_STAY;
		ui->reqs |= UI_REQ_QUIT_ANSWER;
		ui_view_pop(ui);
		return (true);
	}
	/* The answer outlives the view, for ui_take_dialog(). */
	ui->dialog_token = d->token;
	ui->dialog_done = true;
	ui->dialog_yes = r == 1;
	ui->reqs |= UI_REQ_DIALOG;
	ui_view_pop(ui);
	return (true);
}

static void
ui_dialog_view_overlay(struct ui *ui, struct ui_view *v)
{
	struct ui_dialog	*d = v->priv;

	d->ascii = !ui->utf8;
	ui_dialog_draw(d, stdscr, ui->cols, ui->rows);
}

static void
ui_dialog_view_free(struct ui_view *v)
{
	ui_dialog_close(v->priv);
	free(v->priv);
}

const struct ui_view_ops ui_view_dialog_ops = {
	.kind = UI_V_MODAL,
	.name = "confirm",
	.key = ui_dialog_view_key,
	.overlay = ui_dialog_view_overlay,
	.free = ui_dialog_view_free,
};

void
ui_dialog_push(struct ui *ui, struct ui_dialog *d)
{
	struct ui_view	*m;

	/* A new question replaces one still open (never answered). */
	while ((m = ui_view_modal(ui)) != NULL)
		ui_view_pop(ui);
	ui_view_push_modal(ui, &ui_view_dialog_ops, d);
}
