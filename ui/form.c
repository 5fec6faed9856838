/*
 * form.c: the form widget (form.h).  The editing model (ui_form_key and
 * the value functions) draws nothing, so it is unit-tested without a
 * terminal; ui_form_draw() and ui_form_show() draw it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "ui-int.h"

#define UI_FORM_MAX_LEN	1024		/* bytes of one value */
#define UI_FORM_MASK	"********"	/* a secret that is set */
#define UI_FORM_NOTE		5	/* lines of a note */
#define UI_FORM_LABEL_MAX 28

struct ui_form_field {
	enum ui_form_kind kind;
	char		*name;
	char		*label;
	char		*help;

	char		*val;		/* NUL-terminated, len bytes */
	size_t		 len;
	size_t		 cap;
	size_t		 cur;		/* cursor, a byte offset */

	char		**choices;
	size_t		 nchoices;
	size_t		 choice;

	bool		 ranged;
	long long	 lo, hi;
	bool		 required;
	ui_form_check_cb check;
	void		*arg;

	char		*error;		/* shown on its error line */
};

struct ui_form {
	char		*title;
	char		*intro;
	struct ui_form_field *f;
	size_t		 n;
	size_t		 focus;
	size_t		 top;		/* first field shown */
	char		*status;	/* after a refused submit */
	char		*note;		/* the program's lines, or NULL */
	int		 note_attr;	/* 0 normal, 1 good, 2 bad */
};

/* --- values ------------------------------------------------------------- */

/* Let go of len bytes of memory that may have held a secret. */
static void
ui_form_wipe(void *p, size_t len)
{
	if (p != NULL)
		explicit_bzero(p, len);
}

static void
ui_form_reserve(struct ui_form_field *f, size_t need)
{
	char	*nv;
	size_t	 cap;

	if (need + 1 <= f->cap)
		return;
	cap = f->cap < 32 ? 32 : f->cap;
	while (cap < need + 1)
		cap *= 2;
	/* Never realloc: the old copy is wiped, not left on the heap. */
	nv = xcalloc(1, cap);
	if (f->val != NULL) {
		memcpy(nv, f->val, f->len + 1);
		ui_form_wipe(f->val, f->cap);
		free(f->val);
	}
	f->val = nv;
	f->cap = cap;
}

static void
ui_form_assign(struct ui_form_field *f, const char *s)
{
	size_t	 n = s == NULL ? 0 : strlen(s);

	if (s != NULL && s == f->val)
		return;
	if (n > UI_FORM_MAX_LEN)
		n = UI_FORM_MAX_LEN;
	ui_form_reserve(f, n);
	ui_form_wipe(f->val, f->cap);
	if (n > 0)
		memcpy(f->val, s, n);
	f->val[n] = '\0';
	f->len = n;
	f->cur = n;
}

static void
ui_form_field_free(struct ui_form_field *f)
{
	size_t	 i;

	ui_form_wipe(f->val, f->cap);
	free(f->val);
	free(f->name);
	free(f->label);
	free(f->help);
	free(f->error);
	for (i = 0; i < f->nchoices; i++)
		free(f->choices[i]);
	free(f->choices);
}

struct ui_form *
ui_form_new(const char *title, const char *intro)
{
	struct ui_form	*form;

	form = xcalloc(1, sizeof *form);
	form->title = xstrdup(title == NULL ? "" : title);
	form->intro = intro == NULL ? NULL : xstrdup(intro);
	return (form);
}

void
ui_form_free(struct ui_form *form)
{
	size_t	 i;

	if (form == NULL)
		return;
	for (i = 0; i < form->n; i++)
		ui_form_field_free(&form->f[i]);
	free(form->f);
	free(form->title);
	free(form->intro);
	free(form->status);
	free(form->note);
	free(form);
}

void
ui_form_set_note(struct ui_form *form, const char *text, int kind)
{
	free(form->note);
	form->note = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	form->note_attr = kind;
}

size_t
ui_form_add(struct ui_form *form, enum ui_form_kind kind, const char *name,
    const char *label, const char *help, const char *dflt)
{
	struct ui_form_field	*f;

	form->f = xreallocarray(form->f, form->n + 1, sizeof *form->f);
	f = &form->f[form->n];
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->name = xstrdup(name);
	f->label = xstrdup(label);
	f->help = help == NULL ? NULL : xstrdup(help);
	/* A choice's default waits in val for ui_form_set_choices(). */
	ui_form_assign(f, dflt);
	return (form->n++);
}

/* Field i, or NULL when there is no such field (every caller checks). */
static struct ui_form_field *
ui_form_field(const struct ui_form *form, size_t i)
{
	return (i < form->n ? &form->f[i] : NULL);
}

void
ui_form_set_choices(struct ui_form *form, size_t i,
    const char *const *choices, size_t n)
{
	struct ui_form_field	*f = ui_form_field(form, i);
	size_t			 k;

	if (f == NULL)
		return;
	for (k = 0; k < f->nchoices; k++)
		free(f->choices[k]);
	free(f->choices);
	f->choices = xcalloc(n == 0 ? 1 : n, sizeof *f->choices);
	f->choice = 0;
	for (k = 0; k < n; k++) {
		f->choices[k] = xstrdup(choices[k]);
		if (strcmp(choices[k], f->val) == 0)
			f->choice = k;
	}
	f->nchoices = n;
	ui_form_assign(f, n > 0 ? f->choices[f->choice] : NULL);
}

void
ui_form_set_range(struct ui_form *form, size_t i, long long lo,
    long long hi)
{
	struct ui_form_field	*f = ui_form_field(form, i);

	if (f == NULL)
		return;
	f->ranged = true;
	f->lo = lo;
	f->hi = hi;
}

void
ui_form_set_required(struct ui_form *form, size_t i, bool required)
{
	struct ui_form_field	*f = ui_form_field(form, i);

	if (f != NULL)
		f->required = required;
}

void
ui_form_set_check(struct ui_form *form, size_t i, ui_form_check_cb cb,
    void *arg)
{
	struct ui_form_field	*f = ui_form_field(form, i);

	if (f == NULL)
		return;
	f->check = cb;
	f->arg = arg;
}

static void
ui_form_set_error(struct ui_form_field *f, char *error)
{
	free(f->error);
	f->error = error;
}

void
ui_form_set_value(struct ui_form *form, size_t i, const char *value)
{
	struct ui_form_field	*f = ui_form_field(form, i);
	size_t			 k;

	if (f == NULL)
		return;
	ui_form_set_error(f, NULL);
	if (f->kind != UI_FORM_CHOICE) {
		ui_form_assign(f, value);
		return;
	}
	for (k = 0; k < f->nchoices; k++) {
		if (value != NULL && strcmp(f->choices[k], value) == 0) {
			f->choice = k;
			ui_form_assign(f, f->choices[k]);
		}
	}
}

size_t
ui_form_count(const struct ui_form *form)
{
	return (form->n);
}

const char *
ui_form_name(const struct ui_form *form, size_t i)
{
	return (i < form->n ? form->f[i].name : NULL);
}

enum ui_form_kind
ui_form_kind(const struct ui_form *form, size_t i)
{
	return (i < form->n ? form->f[i].kind : UI_FORM_TEXT);
}

const char *
ui_form_value(const struct ui_form *form, size_t i)
{
	return (i < form->n ? form->f[i].val : NULL);
}

const char *
ui_form_get(const struct ui_form *form, const char *name)
{
	size_t	 i;

	for (i = 0; i < form->n; i++) {
		if (strcmp(form->f[i].name, name) == 0)
			return (form->f[i].val);
	}
	return (NULL);
}

size_t
ui_form_focus(const struct ui_form *form)
{
	return (form->focus);
}

void
ui_form_set_focus(struct ui_form *form, size_t i)
{
	if (i < form->n)
		form->focus = i;
}

const char *
ui_form_error(const struct ui_form *form, size_t i)
{
	return (i < form->n ? form->f[i].error : NULL);
}

/* --- validation --------------------------------------------------------- */

static bool
ui_form_validate(struct ui_form_field *f)
{
	char		*end, *error = NULL;
	long long	 n;

	if (f->len == 0 && f->required)
		error = xstrdup("required: this cannot be empty");
	else if (f->kind == UI_FORM_NUMBER && f->len > 0) {
		errno = 0;
		n = strtoll(f->val, &end, 10);
		if (*end != '\0' || errno != 0)
			error = xstrdup("not a number");
		else if (f->ranged && (n < f->lo || n > f->hi))
			error = xasprintf("must be from %lld to %lld", f->lo,
			    f->hi);
	} else if (f->kind == UI_FORM_NUMBER && f->ranged)
		error = xasprintf("a number from %lld to %lld is needed",
		    f->lo, f->hi);
	if (error == NULL && f->check != NULL)
		error = f->check(f->val, f->arg);
	ui_form_set_error(f, error);
	return (error == NULL);
}

size_t
ui_form_check_all(struct ui_form *form)
{
	size_t	 i, bad = 0;

	for (i = 0; i < form->n; i++) {
		if (!ui_form_validate(&form->f[i]))
			bad++;
	}
	return (bad);
}

/* --- editing ------------------------------------------------------------ */

static size_t
ui_form_utf8(int key, char *u)
{
	if (key < 0x80) {
		u[0] = (char)key;
		return (1);
	}
	if (key < 0x800) {
		u[0] = (char)(0xc0 | (key >> 6));
		u[1] = (char)(0x80 | (key & 0x3f));
		return (2);
	}
	if (key < 0x10000) {
		u[0] = (char)(0xe0 | (key >> 12));
		u[1] = (char)(0x80 | ((key >> 6) & 0x3f));
		u[2] = (char)(0x80 | (key & 0x3f));
		return (3);
	}
	if (key < 0x110000) {
		u[0] = (char)(0xf0 | (key >> 18));
		u[1] = (char)(0x80 | ((key >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((key >> 6) & 0x3f));
		u[3] = (char)(0x80 | (key & 0x3f));
		return (4);
	}
	return (0);
}

static bool
ui_form_cont(const struct ui_form_field *f, size_t at)
{
	return (at < f->len && ((unsigned char)f->val[at] & 0xc0) == 0x80);
}

/* The offset of the character before / after the cursor. */
static size_t
ui_form_prev(const struct ui_form_field *f, size_t at)
{
	if (at == 0)
		return (0);
	do
		at--;
	while (at > 0 && ui_form_cont(f, at));
	return (at);
}

static size_t
ui_form_next(const struct ui_form_field *f, size_t at)
{
	if (at >= f->len)
		return (f->len);
	do
		at++;
	while (ui_form_cont(f, at));
	return (at);
}

/* Remove the bytes [from, to) and wipe what the move leaves behind. */
static void
ui_form_cut(struct ui_form_field *f, size_t from, size_t to)
{
	size_t	 n = to - from;

	if (n == 0)
		return;
	memmove(f->val + from, f->val + to, f->len - to + 1);
	f->len -= n;
	ui_form_wipe(f->val + f->len + 1, n);
	if (f->cur >= to)
		f->cur -= n;
	else if (f->cur > from)
		f->cur = from;
	ui_form_set_error(f, NULL);
}

static void
ui_form_insert(struct ui_form_field *f, int key)
{
	char	 u[4];
	size_t	 n;

	if (f->kind == UI_FORM_NUMBER && !(key >= '0' && key <= '9') &&
	    !(key == '-' && f->cur == 0 && f->ranged && f->lo < 0 &&
	    (f->len == 0 || f->val[0] != '-')))
		return;
	if ((n = ui_form_utf8(key, u)) == 0 || f->len + n > UI_FORM_MAX_LEN)
		return;
	ui_form_reserve(f, f->len + n);
	memmove(f->val + f->cur + n, f->val + f->cur, f->len - f->cur + 1);
	memcpy(f->val + f->cur, u, n);
	f->len += n;
	f->cur += n;
	ui_form_set_error(f, NULL);
}

static void
ui_form_choose(struct ui_form_field *f, size_t k)
{
	if (f->nchoices == 0)
		return;
	f->choice = k % f->nchoices;
	ui_form_assign(f, f->choices[f->choice]);
	ui_form_set_error(f, NULL);
}

static void
ui_form_choice_key(struct ui_form_field *f, int key)
{
	size_t	 k, i;

	if (f->nchoices == 0)
		return;
	switch (key) {
	case UI_KEY_FN(KEY_LEFT):
		ui_form_choose(f, f->choice + f->nchoices - 1);
		return;
	case UI_KEY_FN(KEY_RIGHT):
	case ' ':
		ui_form_choose(f, f->choice + 1);
		return;
	case UI_KEY_FN(KEY_HOME):
		ui_form_choose(f, 0);
		return;
	case UI_KEY_FN(KEY_END):
		ui_form_choose(f, f->nchoices - 1);
		return;
	}
	/* A letter: the next choice starting with it. */
	if (key > 0x20 && key < 0x7f) {
		for (i = 1; i <= f->nchoices; i++) {
			k = (f->choice + i) % f->nchoices;
			if ((f->choices[k][0] | 0x20) == (key | 0x20)) {
				ui_form_choose(f, k);
				return;
			}
		}
	}
}

static void
ui_form_edit_key(struct ui_form_field *f, int key)
{
	size_t	 at;
	bool	 secret = f->kind == UI_FORM_SECRET;

	switch (key) {
	case UI_KEY_FN(KEY_BACKSPACE):
	case 0x7f:
	case UI_KEY_CTRL('h'):
		ui_form_cut(f, ui_form_prev(f, f->cur), f->cur);
		return;
	case UI_KEY_FN(KEY_DC):
	case UI_KEY_CTRL('d'):
		ui_form_cut(f, f->cur, ui_form_next(f, f->cur));
		return;
	case UI_KEY_CTRL('u'):
		ui_form_cut(f, 0, f->cur);
		return;
	case UI_KEY_CTRL('w'):
		at = f->cur;
		while (at > 0 && f->val[at - 1] == ' ')
			at--;
		while (at > 0 && f->val[at - 1] != ' ')
			at--;
		ui_form_cut(f, at, f->cur);
		return;
	case UI_KEY_CTRL('k'):
		ui_form_cut(f, f->cur, f->len);
		return;
	}
	/* A secret's cursor stays at the end: no hidden editing. */
	switch (key) {
	case UI_KEY_FN(KEY_LEFT):
	case UI_KEY_CTRL('b'):
		if (!secret)
			f->cur = ui_form_prev(f, f->cur);
		return;
	case UI_KEY_FN(KEY_RIGHT):
	case UI_KEY_CTRL('f'):
		if (!secret)
			f->cur = ui_form_next(f, f->cur);
		return;
	case UI_KEY_FN(KEY_HOME):
	case UI_KEY_CTRL('a'):
		if (!secret)
			f->cur = 0;
		return;
	case UI_KEY_FN(KEY_END):
	case UI_KEY_CTRL('e'):
		f->cur = f->len;
		return;
	}
	/* Not a control character: C0, DEL or C1 (U+0080 to U+009F). */
	if (key >= 0x20 && key != 0x7f && !(key >= 0x80 && key <= 0x9f) &&
	    key < UI_KEY_FN(0))
		ui_form_insert(f, key);
}

/* Leave the focused field (validating it) for field to. */
static void
ui_form_move(struct ui_form *form, size_t to)
{
	if (form->n == 0)
		return;
	ui_form_validate(&form->f[form->focus]);
	form->focus = to % form->n;
}

enum ui_form_res
ui_form_key(struct ui_form *form, int key)
{
	struct ui_form_field	*f;
	size_t			 i, bad;

	if (form->n == 0)
		return (key == UI_KEY_ESC ? UI_FORM_CANCEL : UI_FORM_EDITING);
	f = &form->f[form->focus];
	free(form->status);
	form->status = NULL;
	switch (key) {
	case UI_KEY_ESC:
		return (UI_FORM_CANCEL);
	case '\r':
	case '\n':
	case UI_KEY_FN(KEY_ENTER):
		if ((bad = ui_form_check_all(form)) == 0)
			return (UI_FORM_SUBMIT);
		for (i = 0; i < form->n; i++) {
			if (form->f[i].error != NULL) {
				form->focus = i;
				break;
			}
		}
		form->status = xasprintf("%zu field%s to correct before "
		    "going on", bad, bad == 1 ? "" : "s");
		return (UI_FORM_EDITING);
	case '\t':
	case UI_KEY_FN(KEY_DOWN):
		ui_form_move(form, form->focus + 1);
		return (UI_FORM_EDITING);
	case UI_KEY_FN(KEY_BTAB):
	case UI_KEY_FN(KEY_UP):
		ui_form_move(form, form->focus + form->n - 1);
		return (UI_FORM_EDITING);
	}
	if (f->kind == UI_FORM_CHOICE)
		ui_form_choice_key(f, key);
	else
		ui_form_edit_key(f, key);
	return (UI_FORM_EDITING);
}

/* --- drawing ------------------------------------------------------------ */

/* The value as shown in w columns, and the cursor's column in it. */
static void
ui_form_visible(const struct ui_form_field *f, int w, bool focused,
    struct buf *out, int *cursor)
{
	char	*head;
	size_t	 start = 0;
	int	 cw;

	*cursor = -1;
	if (f->kind == UI_FORM_SECRET) {
		/* Nothing of the secret but whether it is empty. */
		buf_adds(out, f->len > 0 ? UI_FORM_MASK : "");
		if (focused)
			*cursor = f->len > 0 ? (int)strlen(UI_FORM_MASK) : 0;
		return;
	}
	if (f->kind == UI_FORM_CHOICE) {
		buf_printf(out, "< %s >", f->val);
		return;
	}
	/* Scroll so that the cursor is inside the box. */
	for (;;) {
		head = xstrndup(f->val + start, f->cur - start);
		cw = ui_text_width(head);
		free(head);
		if (cw < w || start >= f->cur)
			break;
		start = ui_form_next(f, start);
	}
	buf_adds(out, f->val + start);
	if (focused)
		*cursor = cw;
}

static int
ui_form_label_width(const struct ui_form *form)
{
	size_t	 i;
	int	 w, lw = 0;

	for (i = 0; i < form->n; i++) {
		w = ui_text_width(form->f[i].label);
		if (w > lw)
			lw = w;
	}
	return (lw > UI_FORM_LABEL_MAX ? UI_FORM_LABEL_MAX : lw);
}

/* s[0..n) as a string in buf (cut to its size); buf. */
static const char *
xstrndup_tmp(const char *s, size_t n, char *buf, size_t size)
{
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return (buf);
}

void
ui_form_draw(struct ui_form *form, WINDOW *win, int y0, int x0, int w,
    int h, bool utf8)
{
	const struct ui_form_field *f;
	struct buf	 b;
	char		 cell[8];
	size_t		 i, nvis;
	int		 y, lw, fx, fw, cur, head = 2, n, nnote;
	bool		 focused;
	const char	*p, *q;
	char		 line[512];

	if (form->intro != NULL)
		head++;
	ui_put(win, y0, x0, w, ui_colour_attr(UI_R_TITLE), form->title);
	if (form->intro != NULL)
		ui_put(win, y0 + 1, x0, w, ui_colour_attr(UI_R_DIM),
		    form->intro);
	/* The note's lines, above the status line (at most UI_FORM_NOTE). */
	nnote = 0;
	for (p = form->note; p != NULL && nnote < UI_FORM_NOTE; nnote++) {
		q = strchr(p, '\n');
		ui_put(win, y0 + h - 2 - UI_FORM_NOTE + nnote, x0, w,
		    ui_colour_attr(form->note_attr == 2 ? UI_R_ERROR :
		    form->note_attr == 1 ? UI_R_OK : UI_R_NORMAL),
		    q != NULL ? xstrndup_tmp(p, (size_t)(q - p), line,
		    sizeof line) : p);
		p = q != NULL ? q + 1 : NULL;
	}
	if (form->note != NULL)
		nnote = UI_FORM_NOTE + 1;
	/* Two rows a field (the field, its help or error), two at the end. */
	n = (h - head - 2 - nnote) / 2;
	nvis = n < 1 ? 1 : (size_t)n;
	if (form->focus < form->top)
		form->top = form->focus;
	if (form->focus >= form->top + nvis)
		form->top = form->focus - nvis + 1;
	lw = ui_form_label_width(form);
	fx = x0 + lw + 4;
	fw = w - lw - 5;
	if (fw < 8)
		fw = 8;
	for (i = form->top; i < form->n && i < form->top + nvis; i++) {
		f = &form->f[i];
		focused = i == form->focus;
		y = y0 + head + 2 * (int)(i - form->top);
		ui_put(win, y, x0, 2, ui_colour_attr(UI_R_KEY), focused ?
		    (utf8 ? "\xe2\x80\xba" : ">") : " ");
		ui_put(win, y, x0 + 2, lw, ui_colour_attr(focused ?
		    UI_R_KEY : UI_R_NORMAL), f->label);
		memset(&b, 0, sizeof b);
		ui_form_visible(f, fw - 1, focused, &b, &cur);
		/* The box: underlined, so an empty field is seen. */
		wattrset(win, A_UNDERLINE);
		mvwhline(win, y, fx, ' ', fw);
		wattrset(win, A_NORMAL);
		ui_put(win, y, fx, fw, A_UNDERLINE | (focused ? A_BOLD : 0),
		    b.data != NULL ? b.data : "");
		if (cur >= 0 && cur < fw) {
			/* The cursor: the character under it, reversed. */
			cell[0] = ' ';
			cell[1] = '\0';
			if (f->kind == UI_FORM_TEXT ||
			    f->kind == UI_FORM_NUMBER) {
				if (f->cur < f->len)
					snprintf(cell, sizeof cell, "%.*s",
					    (int)(ui_form_next(f, f->cur) -
					    f->cur), f->val + f->cur);
			}
			ui_put(win, y, fx + cur, 2,
			    ui_colour_attr(UI_R_SELECTED), cell);
		}
		buf_free(&b);
		if (f->error != NULL)
			ui_put(win, y + 1, fx, w - (fx - x0),
			    ui_colour_attr(UI_R_ERROR), f->error);
		else if (focused && f->help != NULL)
			ui_put(win, y + 1, fx, w - (fx - x0),
			    ui_colour_attr(UI_R_DIM), f->help);
	}
	if (form->status != NULL)
		ui_put(win, y0 + h - 2, x0, w, ui_colour_attr(UI_R_ERROR),
		    form->status);
	ui_put(win, y0 + h - 1, x0, w, ui_colour_attr(UI_R_FOOTER),
	    form->f != NULL && form->f[form->focus].kind == UI_FORM_CHOICE ?
	    "Tab next  S-Tab back  Left/Right/Space choose  Enter submit  "
	    "Esc back" :
	    "Tab next  S-Tab back  Enter submit  Esc back");
}

/* --- a whole-screen form on the terminal layer -------------------------- */

enum ui_form_res
ui_form_input(struct ui_form *form, struct ui_term *t)
{
	enum ui_form_res r = UI_FORM_EDITING;
	int		 key, n = 0;

	while ((key = ui_term_key(t)) != UI_KEY_NONE) {
		n++;
		if (key == UI_KEY_FN(KEY_RESIZE) || key == UI_KEY_UNKNOWN ||
		    key == UI_KEY_FN(KEY_MOUSE))
			continue;
		if (key == UI_KEY_CTRL('l')) {
			clearok(curscr, TRUE);
			continue;
		}
		if ((r = ui_form_key(form, key)) != UI_FORM_EDITING)
			break;
	}
	if (ui_term_hangup(t, n))
		return (UI_FORM_HANGUP);
	return (r);
}

void
ui_form_show(struct ui_form *form, struct ui_term *t)
{
	char	 line[64];

	ui_term_select(t);
	erase();
	if (t->cols < 40 || t->rows < 10) {
		snprintf(line, sizeof line, "terminal too small: need 40x10");
		ui_put(stdscr, 0, 0, t->cols, ui_colour_attr(UI_R_CRIT), line);
	} else
		ui_form_draw(form, stdscr, 1, 1, t->cols - 2, t->rows - 2,
		    t->utf8);
	wnoutrefresh(stdscr);
	doupdate();
}
