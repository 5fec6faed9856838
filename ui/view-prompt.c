/*
 * view-prompt.c: the one-line prompt behind ':' (the command palette,
 * with completion and history) and '/' (the filter of the view below),
 * as a modal view: it takes every key while open and draws itself on
 * the footer line.  The line editing is palette.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"

static void
ui_prompt_complete(struct ui *ui)
{
	const struct fleet	*f = ui->fleet;
	const char		**names, *first;
	struct buf		 hint;
	size_t			 i, n;

	const char		*text, *arg, *const *list;
	size_t			 nlist, len, shown = 0;

	names = xreallocarray(NULL, f->nnodes + 1, sizeof *names);
	for (i = 0; i < f->nnodes; i++)
		names[i] = f->nodes[i]->key;
	/* The candidates for the hint, before the line changes. */
	memset(&hint, 0, sizeof hint);
	text = ui->prompt.line.data == NULL ? "" : ui->prompt.line.data;
	if (strncmp(text, "node ", 5) == 0) {
		arg = text + 5;
		list = names;
		nlist = f->nnodes;
	} else {
		arg = text;
		list = ui_palette_cmds;
		for (nlist = 0; list[nlist] != NULL; nlist++)
			;
	}
	len = strlen(arg);
	for (i = 0; i < nlist && shown < 8; i++) {
		if (strncmp(list[i], arg, len) != 0)
			continue;
		buf_printf(&hint, "%s%s", shown > 0 ? " " : "", list[i]);
		shown++;
	}
	n = ui_palette_complete(&ui->prompt.line, names, f->nnodes, &first);
	free(names);
	free(ui->prompt.error);
	ui->prompt.error = NULL;
	if (n == 0)
		ui->prompt.error = xstrdup("no match");
	else if (n > 1) {
		if (n > shown)
			buf_printf(&hint, " ... (%zu)", n);
		ui->prompt.error = buf_steal(&hint);
	}
	buf_free(&hint);
}

/*
 * The prompt's keys.  It closes itself (Enter, Esc) before a command
 * runs: the command may push, pop or switch views.
 */
static bool
ui_prompt_view_key(struct ui *ui, struct ui_view *pv, int key)
{
	struct ui_prompt	*p = &ui->prompt;
	struct ui_view		*v = ui_view_top(ui);	/* the one below */
	enum ui_prompt_res	 r;
	char			*line;

	(void)pv;
	if (p->kind == ':' && key == '\t') {
		ui_prompt_complete(ui);
		return (true);
	}
	r = ui_prompt_key(p, key);
	line = xstrdup(p->line.data == NULL ? "" : p->line.data);
	if (p->kind == '/') {
		if (r == UI_PROMPT_CANCEL)
			ui_filter_apply(ui, v, "");
		else
			ui_filter_apply(ui, v, line);
		if (r == UI_PROMPT_DONE && p->error != NULL) {
			/* Keep the prompt open on a bad filter. */
			p->active = true;
		}
	}
	if (!p->active)
		ui_view_pop(ui);	/* pv is gone */
	if (p->kind == '#' && r != UI_PROMPT_EDITING)
		ui_ask_done(ui, r == UI_PROMPT_DONE ? line : NULL);
	if (p->kind == ':' && r == UI_PROMPT_DONE) {
		ui_prompt_history_add(&ui->palette_hist, line);
		ui_command(ui, line);
	}
	free(line);
	return (true);
}

/* The prompt on the footer line, over the hints or the message. */
static void
ui_prompt_view_overlay(struct ui *ui, struct ui_view *pv)
{
	struct ui_prompt	*p = &ui->prompt;
	struct buf		 b;
	int			 x, y = ui->rows - 1;

	(void)pv;
	wmove(stdscr, y, 0);
	wclrtoeol(stdscr);
	memset(&b, 0, sizeof b);
	if (p->kind == '#' && ui->ask != NULL)
		buf_printf(&b, "%s %s: ", ui->ask->verb, ui->ask->ask);
	else
		buf_addc(&b, p->kind);
	buf_adds(&b, p->line.data == NULL ? "" : p->line.data);
	ui_put(stdscr, y, 0, ui->cols, ui_colour_attr(UI_R_PROMPT), b.data);
	x = ui_text_width(b.data);
	if (x < ui->cols)
		ui_put(stdscr, y, x, 1, ui_colour_attr(UI_R_SELECTED), " ");
	if (p->error != NULL && x + 3 < ui->cols)
		ui_put(stdscr, y, x + 2, ui->cols - x - 2,
		    ui_colour_attr(UI_R_ERROR), p->error);
	else if (p->kind == '/' && x + 3 < ui->cols && p->line.len == 0)
		ui_put(stdscr, y, x + 2, ui->cols - x - 2,
		    ui_colour_attr(UI_R_DIM), "words re:REGEX field:value "
		    "field:>N !not  (Enter keeps, Esc clears)");
	buf_free(&b);
}

const struct ui_view_ops ui_view_prompt_ops = {
	.kind = UI_V_MODAL,
	.name = "prompt",
	.key = ui_prompt_view_key,
	.overlay = ui_prompt_view_overlay,
};

void
ui_open_prompt(struct ui *ui, char kind)
{
	struct ui_view	*v = ui_view_top(ui);
	size_t		 i;

	/* The palette keeps its own history across prompts. */
	if (kind == ':') {
		for (i = 0; i < ui->prompt.nhist; i++)
			free(ui->prompt.hist[i]);
		ui->prompt.nhist = 0;
		for (i = 0; i < ui->palette_hist.nhist; i++)
			ui->prompt.hist[i] = xstrdup(ui->palette_hist.hist[i]);
		ui->prompt.nhist = ui->palette_hist.nhist;
		ui_prompt_open(&ui->prompt, ':', "");
	} else
		ui_prompt_open(&ui->prompt, '/', v->filter.text);
	ui_view_push_modal(ui, &ui_view_prompt_ops, NULL);
}
