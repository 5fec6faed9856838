/*
 * palette.c: the one-line prompt behind ':' (command palette, with
 * completion and history) and '/' (filter).  Pure line editing: no
 * drawing here (view-prompt.c draws the prompt), so it is unit-tested.
 */
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"

const char *const ui_palette_cmds[] = {
	"nodes", "node", "meetings", "stacks", "hosts", "problems", "jobs",
	"audit", "backups", "services", "help", "quit", NULL
};

static bool
ui_palette_prefix(const char *s, const char *prefix, size_t n)
{
	return (strncmp(s, prefix, n) == 0);
}

/* Shorten *common to the prefix it shares with s. */
static void
ui_palette_common(char *common, const char *s)
{
	size_t	 i;

	for (i = 0; common[i] != '\0' && common[i] == s[i]; i++)
		;
	common[i] = '\0';
}

size_t
ui_palette_complete(struct buf *line, const char *const *names,
    size_t nnames, const char **first)
{
	const char	*text = line->data == NULL ? "" : line->data;
	const char	*arg, *cand;
	char		*common = NULL, *head;
	size_t		 i, n, count = 0;
	bool		 node;

	*first = NULL;
	node = strncmp(text, "node ", 5) == 0;
	if (node) {
		arg = text + 5;
		n = strlen(arg);
		for (i = 0; i < nnames; i++) {
			cand = names[i];
			if (!ui_palette_prefix(cand, arg, n))
				continue;
			if (count++ == 0) {
				*first = cand;
				common = xstrdup(cand);
			} else
				ui_palette_common(common, cand);
		}
	} else {
		n = strlen(text);
		for (i = 0; ui_palette_cmds[i] != NULL; i++) {
			cand = ui_palette_cmds[i];
			if (!ui_palette_prefix(cand, text, n))
				continue;
			if (count++ == 0) {
				*first = cand;
				common = xstrdup(cand);
			} else
				ui_palette_common(common, cand);
		}
	}
	if (count == 0)
		return (0);
	head = node ? xstrdup("node ") : xstrdup("");
	buf_reset(line);
	buf_adds(line, head);
	buf_adds(line, common);
	if (count == 1 && !node && strcmp(common, "node") == 0)
		buf_addc(line, ' ');
	free(head);
	free(common);
	return (count);
}

void
ui_prompt_open(struct ui_prompt *p, char kind, const char *initial)
{
	p->active = true;
	p->kind = kind;
	buf_reset(&p->line);
	buf_adds(&p->line, initial == NULL ? "" : initial);
	p->hpos = p->nhist;
	free(p->error);
	p->error = NULL;
}

void
ui_prompt_history_add(struct ui_prompt *p, const char *s)
{
	size_t	 i;

	if (*s == '\0')
		return;
	if (p->nhist > 0 && strcmp(p->hist[p->nhist - 1], s) == 0)
		return;
	if (p->nhist == UI_HIST_MAX) {
		free(p->hist[0]);
		for (i = 1; i < UI_HIST_MAX; i++)
			p->hist[i - 1] = p->hist[i];
		p->nhist--;
	}
	p->hist[p->nhist++] = xstrdup(s);
	p->hpos = p->nhist;
}

/* Remove the last UTF-8 character. */
static void
ui_prompt_backspace(struct buf *b)
{
	if (b->len == 0)
		return;
	do
		b->len--;
	while (b->len > 0 && ((unsigned char)b->data[b->len] & 0xc0) == 0x80);
	b->data[b->len] = '\0';
}

static void
ui_prompt_set(struct ui_prompt *p, const char *s)
{
	buf_reset(&p->line);
	buf_adds(&p->line, s);
}

static void
ui_prompt_addkey(struct buf *b, int key)
{
	char	 u[4];

	if (key < 0x80)
		buf_addc(b, (char)key);
	else if (key < 0x800) {
		u[0] = (char)(0xc0 | (key >> 6));
		u[1] = (char)(0x80 | (key & 0x3f));
		buf_add(b, u, 2);
	} else if (key < 0x10000) {
		u[0] = (char)(0xe0 | (key >> 12));
		u[1] = (char)(0x80 | ((key >> 6) & 0x3f));
		u[2] = (char)(0x80 | (key & 0x3f));
		buf_add(b, u, 3);
	} else if (key < 0x110000) {
		u[0] = (char)(0xf0 | (key >> 18));
		u[1] = (char)(0x80 | ((key >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((key >> 6) & 0x3f));
		u[3] = (char)(0x80 | (key & 0x3f));
		buf_add(b, u, 4);
	}
}

enum ui_prompt_res
ui_prompt_key(struct ui_prompt *p, int key)
{
	free(p->error);
	p->error = NULL;
	switch (key) {
	case UI_KEY_ESC:
	case UI_KEY_CTRL('c'):
	case UI_KEY_CTRL('g'):
		p->active = false;
		return (UI_PROMPT_CANCEL);
	case '\r':
	case '\n':
	case UI_KEY_FN(KEY_ENTER):
		p->active = false;
		return (UI_PROMPT_DONE);
	case UI_KEY_FN(KEY_BACKSPACE):
	case 0x7f:
	case UI_KEY_CTRL('h'):
		ui_prompt_backspace(&p->line);
		return (UI_PROMPT_EDITING);
	case UI_KEY_CTRL('u'):
		buf_reset(&p->line);
		return (UI_PROMPT_EDITING);
	case UI_KEY_CTRL('w'):
		while (p->line.len > 0 && p->line.data[p->line.len - 1] == ' ')
			ui_prompt_backspace(&p->line);
		while (p->line.len > 0 && p->line.data[p->line.len - 1] != ' ')
			ui_prompt_backspace(&p->line);
		return (UI_PROMPT_EDITING);
	case UI_KEY_FN(KEY_UP):
		if (p->hpos > 0) {
			p->hpos--;
			ui_prompt_set(p, p->hist[p->hpos]);
		}
		return (UI_PROMPT_EDITING);
	case UI_KEY_FN(KEY_DOWN):
		if (p->hpos + 1 < p->nhist) {
			p->hpos++;
			ui_prompt_set(p, p->hist[p->hpos]);
		} else {
			p->hpos = p->nhist;
			ui_prompt_set(p, "");
		}
		return (UI_PROMPT_EDITING);
	}
	if (key >= 0x20 && key < UI_KEY_FN(0) && key != 0x7f)
		ui_prompt_addkey(&p->line, key);
	return (UI_PROMPT_EDITING);
}

void
ui_prompt_free(struct ui_prompt *p)
{
	size_t	 i;

	for (i = 0; i < p->nhist; i++)
		free(p->hist[i]);
	p->nhist = 0;
	buf_free(&p->line);
	free(p->error);
	p->error = NULL;
}
