/*
 * filter.c: the '/' filter language (see ui-int.h for the grammar).
 * Pure: no curses calls, unit-tested.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ui-int.h"

static void
ui_filter_term_free(struct ui_filter_term *t)
{
	free(t->field);
	free(t->value);
	if (t->re_ok)
		regfree(&t->re);
}

void
ui_filter_clear(struct ui_filter *f)
{
	size_t	 i;

	for (i = 0; i < f->nterms; i++)
		ui_filter_term_free(&f->terms[i]);
	free(f->terms);
	free(f->text);
	memset(f, 0, sizeof *f);
}

bool
ui_filter_needs_text(const struct ui_filter *f)
{
	size_t	 i;

	for (i = 0; i < f->nterms; i++)
		if (f->terms[i].field == NULL)
			return (true);
	return (false);
}

bool
ui_filter_empty(const struct ui_filter *f)
{
	return (f->nterms == 0);
}

static int
ui_filter_regex(struct ui_filter_term *t, const char *expr, char **cause)
{
	char	 err[128];
	int	 rc;

	t->op = UI_FOP_REGEX;
	t->value = xstrdup(expr);
	rc = regcomp(&t->re, expr, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &t->re, err, sizeof err);
		*cause = xasprintf("bad regex '%s': %s", expr, err);
		return (-1);
	}
	t->re_ok = true;
	return (0);
}

/* Parse one word into t. */
static int
ui_filter_term(struct ui_filter_term *t, const char *word, char **cause)
{
	const char	*colon, *v, *err;
	char		*expr;
	size_t		 len;
	double		 d;
	int		 rc;

	memset(t, 0, sizeof *t);
	if (*word == '!' && word[1] != '\0') {
		t->negate = true;
		word++;
	}
	if (strncmp(word, "re:", 3) == 0)
		return (ui_filter_regex(t, word + 3, cause));
	len = strlen(word);
	if (len >= 2 && word[0] == '/' && word[len - 1] == '/') {
		expr = xstrndup(word + 1, len - 2);
		rc = ui_filter_regex(t, expr, cause);
		free(expr);
		return (rc);
	}
	colon = strchr(word, ':');
	if (colon == NULL || colon == word) {
		if (colon == word) {
			*cause = xasprintf("missing field name before ':' "
			    "in '%s'", word);
			return (-1);
		}
		t->op = UI_FOP_SUBSTR;
		t->value = xstrdup(word);
		return (0);
	}
	t->field = xstrndup(word, colon - word);
	v = colon + 1;
	if (strncmp(v, "re:", 3) == 0)
		return (ui_filter_regex(t, v + 3, cause));
	t->op = UI_FOP_SUBSTR;
	if (v[0] == '>' && v[1] == '=') {
		t->op = UI_FOP_GE;
		v += 2;
	} else if (v[0] == '<' && v[1] == '=') {
		t->op = UI_FOP_LE;
		v += 2;
	} else if (v[0] == '>') {
		t->op = UI_FOP_GT;
		v++;
	} else if (v[0] == '<') {
		t->op = UI_FOP_LT;
		v++;
	} else if (v[0] == '=') {
		t->op = UI_FOP_EQ;
		v++;
	}
	t->value = xstrdup(v);
	if (util_parse_double(v, &d, &err) == 0) {
		t->num = d;
		t->numeric = true;
	} else if (t->op != UI_FOP_SUBSTR && t->op != UI_FOP_EQ) {
		*cause = xasprintf("'%s' needs a number after the "
		    "comparison", word);
		return (-1);
	}
	return (0);
}

int
ui_filter_parse(struct ui_filter *f, const char *text, char **cause)
{
	struct ui_filter new;
	const char	*p = text, *start;
	char		*word;
	int		 rc;

	memset(&new, 0, sizeof new);
	new.text = xstrdup(text);
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		word = xstrndup(start, p - start);
		new.terms = xreallocarray(new.terms, new.nterms + 1,
		    sizeof *new.terms);
		rc = ui_filter_term(&new.terms[new.nterms], word, cause);
		new.nterms++;
		free(word);
		if (rc != 0) {
			ui_filter_clear(&new);
			return (-1);
		}
	}
	ui_filter_clear(f);
	*f = new;
	return (0);
}

static bool
ui_filter_term_match(const struct ui_filter_term *t, const char *all,
    ui_filter_get_cb get, void *arg)
{
	const char	*text = all;
	double		 num = NAN;

	if (t->field != NULL) {
		if (get == NULL || !get(arg, t->field, &text, &num))
			return (false);
	}
	switch (t->op) {
	case UI_FOP_SUBSTR:
		return (ui_text_contains(text, t->value));
	case UI_FOP_REGEX:
		return (regexec(&t->re, text, 0, NULL, 0) == 0);
	case UI_FOP_EQ:
		if (t->numeric && !isnan(num))
			return (num == t->num);
		return (strcasecmp(text, t->value) == 0);
	case UI_FOP_LT:
		return (!isnan(num) && num < t->num);
	case UI_FOP_LE:
		return (!isnan(num) && num <= t->num);
	case UI_FOP_GT:
		return (!isnan(num) && num > t->num);
	case UI_FOP_GE:
		return (!isnan(num) && num >= t->num);
	}
	return (false);
}

bool
ui_filter_match(const struct ui_filter *f, const char *all,
    ui_filter_get_cb get, void *arg)
{
	size_t	 i;
	bool	 m;

	for (i = 0; i < f->nterms; i++) {
		m = ui_filter_term_match(&f->terms[i], all, get, arg);
		if (m == f->terms[i].negate)
			return (false);
	}
	return (true);
}
