/*
 * setup-state.c: the bootstrap's state file (setup-state.h).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "setup-state.h"
#include "util.h"

#define SETUP_STATE_LINE	1024
#define SETUP_STATE_FILE_MAX	(SETUP_STATE_MAX * (SETUP_STATE_LINE + 1))

static const struct {
	const char		*word;
	enum setup_state_kind	 kind;
	int			 fields;	/* after the word */
} setup_state_words[] = {
	{ "stack",		SETUP_ST_STACK,		2 },
	{ "healthy",		SETUP_ST_HEALTHY,	1 },
	{ "url",		SETUP_ST_URL,		2 },
	{ "node",		SETUP_ST_NODE,		1 },
	{ "node-done",		SETUP_ST_NODE_DONE,	1 },
	{ "probes-passed",	SETUP_ST_PROBES,	0 },
};

struct setup_state *
setup_state_new(void)
{
	return (xcalloc(1, sizeof (struct setup_state)));
}

void
setup_state_free(struct setup_state *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++) {
		free(st->items[i].name);
		free(st->items[i].id);
	}
	free(st->items);
	free(st);
}

void
setup_state_add(struct setup_state *st, enum setup_state_kind kind,
    const char *name, const char *id)
{
	struct setup_state_item	*it;

	st->items = xreallocarray(st->items, st->n + 1, sizeof *st->items);
	it = &st->items[st->n++];
	it->kind = kind;
	it->name = name != NULL ? xstrdup(name) : NULL;
	it->id = id != NULL ? xstrdup(id) : NULL;
}

static bool
setup_state_match(const struct setup_state_item *it,
    enum setup_state_kind kind, const char *name)
{
	return (it->kind == kind && (name == NULL || (it->name != NULL &&
	    strcmp(it->name, name) == 0)));
}

void
setup_state_remove(struct setup_state *st, enum setup_state_kind kind,
    const char *name)
{
	size_t	 i, k = 0;

	for (i = 0; i < st->n; i++) {
		if (setup_state_match(&st->items[i], kind, name)) {
			free(st->items[i].name);
			free(st->items[i].id);
			continue;
		}
		st->items[k++] = st->items[i];
	}
	st->n = k;
}

const struct setup_state_item *
setup_state_find(const struct setup_state *st, enum setup_state_kind kind,
    const char *name)
{
	size_t	 i;

	for (i = 0; i < st->n; i++) {
		if (setup_state_match(&st->items[i], kind, name))
			return (&st->items[i]);
	}
	return (NULL);
}

/* A name: [A-Za-z0-9._-], 1 to 255 bytes. */
static bool
setup_state_name_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > 255)
		return (false);
	for (i = 0; i < len; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == '_' || s[i] == '-'))
			return (false);
	}
	return (true);
}

/* A URL: http:// or https://, printable, no blank. */
static bool
setup_state_url_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len > 512 || !((len > 7 && strncmp(s, "http://", 7) == 0) ||
	    (len > 8 && strncmp(s, "https://", 8) == 0)))
		return (false);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return (false);
	}
	return (true);
}

int
setup_state_parse(struct setup_state *st, const char *text, size_t len,
    char **cause)
{
	const char	*p = text, *end = text + len, *nl, *f[4];
	size_t		 fl[4], i, k, nf;
	int		 lineno = 0;
	char		*name, *id;

	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > SETUP_STATE_LINE) {
			*cause = xasprintf("%d: line too long", lineno);
			return (-1);
		}
		/* fields separated by single or repeated blanks */
		nf = 0;
		for (i = 0; p + i < nl && nf < nitems(f);) {
			while (p + i < nl && (p[i] == ' ' || p[i] == '\t'))
				i++;
			if (p + i >= nl)
				break;
			f[nf] = p + i;
			for (k = 0; p + i + k < nl && p[i + k] != ' ' &&
			    p[i + k] != '\t'; k++)
				;
			fl[nf++] = k;
			i += k;
		}
		if (nf == 0 || f[0][0] == '#') {
			p = nl + 1;
			continue;
		}
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL) {
			*cause = xasprintf("%d: a NUL byte", lineno);
			return (-1);
		}
		if (nf == nitems(f)) {
			*cause = xasprintf("%d: too many fields", lineno);
			return (-1);
		}
		for (i = 0; i < nitems(setup_state_words); i++) {
			if (strlen(setup_state_words[i].word) == fl[0] &&
			    memcmp(setup_state_words[i].word, f[0], fl[0]) == 0)
				break;
		}
		if (i == nitems(setup_state_words)) {
			*cause = xasprintf("%d: unknown item", lineno);
			return (-1);
		}
		if ((int)nf - 1 != setup_state_words[i].fields) {
			*cause = xasprintf("%d: %s takes %d field%s", lineno,
			    setup_state_words[i].word,
			    setup_state_words[i].fields,
			    setup_state_words[i].fields == 1 ? "" : "s");
			return (-1);
		}
		if (nf > 1 && !setup_state_name_ok(f[1], fl[1])) {
			*cause = xasprintf("%d: bad name", lineno);
			return (-1);
		}
		if (nf > 2 && (setup_state_words[i].kind == SETUP_ST_URL ?
		    !setup_state_url_ok(f[2], fl[2]) :
		    !setup_state_name_ok(f[2], fl[2]))) {
			*cause = xasprintf("%d: bad %s", lineno,
			    setup_state_words[i].kind == SETUP_ST_URL ? "URL" :
			    "id");
			return (-1);
		}
		if (st->n >= SETUP_STATE_MAX) {
			*cause = xasprintf("%d: more than %d items", lineno,
			    SETUP_STATE_MAX);
			return (-1);
		}
		name = nf > 1 ? xstrndup(f[1], fl[1]) : NULL;
		id = nf > 2 ? xstrndup(f[2], fl[2]) : NULL;
		setup_state_add(st, setup_state_words[i].kind, name, id);
		free(name);
		free(id);
		p = nl + 1;
	}
	return (0);
}

char *
setup_state_text(const struct setup_state *st)
{
	struct buf	 b = { 0 };
	size_t		 i, k;

	buf_printf(&b, "# bbbctl setup: what it created, in order; bbbctl "
	    "setup --undo removes it\n");
	for (i = 0; i < st->n; i++) {
		for (k = 0; k < nitems(setup_state_words); k++) {
			if (setup_state_words[k].kind == st->items[i].kind)
				break;
		}
		buf_printf(&b, "%s", setup_state_words[k].word);
		if (st->items[i].name != NULL)
			buf_printf(&b, " %s", st->items[i].name);
		if (st->items[i].id != NULL)
			buf_printf(&b, " %s", st->items[i].id);
		buf_printf(&b, "\n");
	}
	buf_add(&b, "", 1);
	return (buf_steal(&b));
}

struct setup_state *
setup_state_load(const char *path, char **cause)
{
	struct setup_state	*st;
	struct stat		 sb;
	char			*text, *why = NULL;
	size_t			 len;

	st = setup_state_new();
	if (lstat(path, &sb) == -1) {
		if (errno == ENOENT)
			return (st);
		*cause = xasprintf("%s: %s", path, strerror(errno));
		setup_state_free(st);
		return (NULL);
	}
	if (!S_ISREG(sb.st_mode) || (sb.st_mode & 077) != 0 ||
	    sb.st_uid != geteuid()) {
		*cause = xasprintf("%s: not a regular file of yours with mode "
		    "0600", path);
		setup_state_free(st);
		return (NULL);
	}
	if ((text = util_read_file(path, SETUP_STATE_FILE_MAX, &len,
	    cause)) == NULL) {
		setup_state_free(st);
		return (NULL);
	}
	if (setup_state_parse(st, text, len, &why) != 0) {
		*cause = xasprintf("%s:%s", path, why);
		free(why);
		free(text);
		setup_state_free(st);
		return (NULL);
	}
	free(text);
	return (st);
}

int
setup_state_save(const struct setup_state *st, const char *path,
    char **cause)
{
	char	*text;
	int	 rc;

	text = setup_state_text(st);
	rc = util_write_atomic(path, text, strlen(text), 0600, cause);
	free(text);
	return (rc);
}
