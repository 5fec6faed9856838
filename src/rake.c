/*
 * rake.c: scalelite rake tasks over ssh, and their outputs by version.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "mask.h"
#include "rake.h"
#include "ssh.h"
#include "util.h"

#define RAKE_LINE_MAX		4096	/* longer lines are cut */
#define RAKE_ROWS_MAX		10000
#define RAKE_COLS_MAX		32
#define RAKE_OUTPUT_SHOWN	4096

/* --- validation ------------------------------------------------------------- */

bool
rake_valid_uuid(const char *s)
{
	size_t	 i;

	if (s == NULL || strlen(s) != 36)
		return (false);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return (false);
		} else if (!isxdigit((unsigned char)s[i]))
			return (false);
	}
	return (true);
}

bool
rake_valid_hostname(const char *s)
{
	size_t	 i, label = 0, len;

	if (s == NULL || (len = strlen(s)) == 0 || len > 253)
		return (false);
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return (false);
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return (false);
		if (s[i] == '-' && label == 0)
			return (false);
		if (++label > 63)
			return (false);
	}
	return (label != 0 && s[len - 1] != '-');
}

static bool
rake_valid_container(const char *s)
{
	size_t	 i;

	if (s == NULL || *s == '\0' || strlen(s) > 128 ||
	    !isalnum((unsigned char)*s))
		return (false);
	for (i = 0; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && strchr("_.-", s[i]) == NULL)
			return (false);
	}
	return (true);
}

/* The host of an http(s) URL, or NULL. */
static char *
rake_url_host(const char *url)
{
	const char	*p;
	size_t		 n;

	if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return (NULL);
	n = strcspn(p, ":/?#");
	if (n == 0)
		return (NULL);
	return (xstrndup(p, n));
}

/* --- logger prefixes ---------------------------------------------------------- */

const char *
rake_strip_logger(const char *line)
{
	const char	*p, *q;

	/* "I, [2025-06-01T12:00:00.123456 #1]  INFO -- : text" */
	if (strchr("DIWEFAU", line[0]) == NULL || line[0] == '\0' ||
	    line[1] != ',' || line[2] != ' ' || line[3] != '[')
		return (line);
	if ((p = strstr(line + 4, "] ")) == NULL)
		return (line);
	if ((q = strstr(p, " -- ")) == NULL)
		return (line);
	if ((p = strstr(q + 4, ": ")) == NULL) {
		if ((p = strchr(q + 4, ':')) == NULL || p[1] != '\0')
			return (line);
		return (p + 1);
	}
	p += 2;
	/* TaggedLogging: "[tag] " before the message. */
	while (*p == '[' && (q = strstr(p, "] ")) != NULL &&
	    strcspn(p, " ") == (size_t)(q - p + 1))
		p = q + 2;
	return (p);
}

/* Lines of text (a copy, logger prefixes stripped, CRs and tabs kept). */
struct rake_lines {
	char	**v;
	size_t	 n;
};

static void
rake_lines_split(const char *text, size_t len, struct rake_lines *l)
{
	const char	*p = text, *end = text + len, *nl;
	char		*line, *c;
	size_t		 n;

	memset(l, 0, sizeof *l);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		line = xstrndup(p, n > RAKE_LINE_MAX ? RAKE_LINE_MAX : n);
		/* NULs end the line early (xstrndup); drop CR at the end. */
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		for (c = line; *c != '\0'; c++) {
			if ((unsigned char)*c < 0x20 && *c != '\t')
				*c = ' ';
		}
		c = xstrdup(rake_strip_logger(line));
		free(line);
		l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
		l->v[l->n++] = c;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static void
rake_lines_free(struct rake_lines *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static bool
rake_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return (*s == '\0');
}

/* --- rake status ---------------------------------------------------------------- */

enum rake_col {
	RAKE_COL_HOSTNAME,
	RAKE_COL_STATE,
	RAKE_COL_STATUS,
	RAKE_COL_MEETINGS,
	RAKE_COL_USERS,
	RAKE_COL_LARGEST,
	RAKE_COL_VIDEOS,
	RAKE_COL_LOAD,
	RAKE_COL_VERSION,
	RAKE_COL_TAG,
	RAKE_COL_OTHER
};

static const char *rake_col_names[] = {
	"HOSTNAME", "STATE", "STATUS", "MEETINGS", "USERS", "LARGEST MEETING",
	"VIDEOS", "LOAD", "BBB VERSION", "TAG"
};

struct rake_hcol {
	enum rake_col	 col;
	size_t		 start;
	size_t		 end;		/* exclusive */
};

struct rake_token {
	size_t	 start;
	size_t	 end;
};

static size_t
rake_tokens(const char *line, struct rake_token *t, size_t max)
{
	size_t	 i = 0, n = 0;

	while (line[i] != '\0') {
		while (line[i] == ' ' || line[i] == '\t')
			i++;
		if (line[i] == '\0')
			break;
		if (n == max)
			return (max + 1);
		t[n].start = i;
		while (line[i] != '\0' && line[i] != ' ' && line[i] != '\t')
			i++;
		t[n].end = i;
		n++;
	}
	return (n);
}

static bool
rake_token_is(const char *line, const struct rake_token *t, const char *w,
    size_t wlen)
{
	return (t->end - t->start == wlen &&
	    strncmp(line + t->start, w, wlen) == 0);
}

/* The header's columns (two-word names merged); 0 if not a header. */
static size_t
rake_header(const char *line, struct rake_hcol *h)
{
	struct rake_token	 t[RAKE_COLS_MAX + 1];
	const char		*name, *sp;
	size_t			 nt, i, j, k, nh = 0;
	bool			 host = false, state = false;

	nt = rake_tokens(line, t, RAKE_COLS_MAX);
	if (nt > RAKE_COLS_MAX)
		return (0);
	for (i = 0; i < nt; i++) {
		h[nh].col = RAKE_COL_OTHER;
		h[nh].start = t[i].start;
		h[nh].end = t[i].end;
		for (j = 0; j < nitems(rake_col_names); j++) {
			name = rake_col_names[j];
			if ((sp = strchr(name, ' ')) == NULL) {
				if (rake_token_is(line, &t[i], name,
				    strlen(name))) {
					h[nh].col = j;
					break;
				}
				continue;
			}
			/* "LARGEST MEETING", "BBB VERSION": two tokens. */
			if (i + 1 < nt && t[i + 1].start == t[i].end + 1 &&
			    rake_token_is(line, &t[i], name,
			    (size_t)(sp - name)) &&
			    rake_token_is(line, &t[i + 1], sp + 1,
			    strlen(sp + 1))) {
				h[nh].col = j;
				h[nh].end = t[i + 1].end;
				i++;
				break;
			}
		}
		if (h[nh].col == RAKE_COL_OTHER) {
			/* A lower-case word: not our header. */
			for (k = t[i].start; k < t[i].end; k++) {
				if (islower((unsigned char)line[k]))
					return (0);
			}
		}
		if (h[nh].col == RAKE_COL_HOSTNAME)
			host = true;
		if (h[nh].col == RAKE_COL_STATE)
			state = true;
		nh++;
	}
	return (host && state ? nh : 0);
}

static long
rake_overlap(size_t a0, size_t a1, size_t b0, size_t b1)
{
	size_t	 lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;

	return (hi > lo ? (long)(hi - lo) : 0);
}

static size_t
rake_distance(size_t a0, size_t a1, size_t b0, size_t b1)
{
	if (a1 <= b0)
		return (b0 - a1);
	if (b1 <= a0)
		return (a0 - b1);
	return (0);
}

static void
rake_server_clear(struct rake_server *s)
{
	free(s->hostname);
	free(s->state);
	free(s->bbb_version);
	free(s->tag);
	memset(s, 0, sizeof *s);
}

void
rake_status_free(struct rake_status *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++)
		rake_server_clear(&st->v[i]);
	free(st->v);
	memset(st, 0, sizeof *st);
}

static int
rake_num(const char *s, long *out, const char *what, size_t row,
    char **cause)
{
	long long	 v;
	const char	*why;

	if (s == NULL || *s == '\0') {
		*out = -1;
		return (0);
	}
	if (util_parse_ll(s, 0, 100000000, &v, &why) != 0) {
		*cause = xasprintf("rake status: row %zu: %s \"%.32s\": %s",
		    row, what, s, why);
		return (-1);
	}
	*out = (long)v;
	return (0);
}

/* Cells of one row, by column. */
struct rake_cells {
	char	*c[RAKE_COL_OTHER + 1];
};

static void
rake_cells_clear(struct rake_cells *c)
{
	size_t	 i;

	for (i = 0; i < nitems(c->c); i++)
		free(c->c[i]);
	memset(c, 0, sizeof *c);
}

static void
rake_cell_add(char **cell, const char *p, size_t n, const char *sep)
{
	char	*old = *cell;

	if (old == NULL)
		*cell = xstrndup(p, n);
	else {
		*cell = xasprintf("%s%s%.*s", old, sep, (int)n, p);
		free(old);
	}
}

static void
rake_row_cells(const char *line, const struct rake_hcol *h, size_t nh,
    struct rake_cells *cells)
{
	struct rake_token	 t[RAKE_COLS_MAX * 4];
	size_t			 nt, i, j, best, bestd, d;
	long			 bo, o;

	memset(cells, 0, sizeof *cells);
	nt = rake_tokens(line, t, nitems(t));
	if (nt > nitems(t))
		nt = nitems(t);
	for (i = 0; i < nt; i++) {
		best = 0;
		bo = -1;
		bestd = SIZE_MAX;
		for (j = 0; j < nh; j++) {
			o = rake_overlap(t[i].start, t[i].end, h[j].start,
			    h[j].end);
			d = rake_distance(t[i].start, t[i].end, h[j].start,
			    h[j].end);
			if (o > bo || (o == bo && o == 0 && d < bestd)) {
				bo = o;
				bestd = d;
				best = j;
			}
		}
		rake_cell_add(&cells->c[h[best].col], line + t[i].start,
		    t[i].end - t[i].start, " ");
	}
}

static int
rake_status_row(struct rake_status *st, struct rake_cells *c, size_t row,
    char **cause)
{
	struct rake_server	 s;
	const char		*why;

	memset(&s, 0, sizeof s);
	if (c->c[RAKE_COL_HOSTNAME] == NULL || c->c[RAKE_COL_STATE] == NULL) {
		*cause = xasprintf("rake status: row %zu has no %s", row,
		    c->c[RAKE_COL_HOSTNAME] == NULL ? "host name" : "state");
		return (-1);
	}
	if (c->c[RAKE_COL_STATUS] != NULL &&
	    strcmp(c->c[RAKE_COL_STATUS], "online") != 0 &&
	    strcmp(c->c[RAKE_COL_STATUS], "offline") != 0) {
		*cause = xasprintf("rake status: row %zu: status \"%.32s\" is "
		    "neither online nor offline", row, c->c[RAKE_COL_STATUS]);
		return (-1);
	}
	s.online = c->c[RAKE_COL_STATUS] != NULL &&
	    strcmp(c->c[RAKE_COL_STATUS], "online") == 0;
	if (rake_num(c->c[RAKE_COL_MEETINGS], &s.meetings, "meetings", row,
	    cause) != 0 ||
	    rake_num(c->c[RAKE_COL_USERS], &s.users, "users", row, cause) != 0 ||
	    rake_num(c->c[RAKE_COL_LARGEST], &s.largest, "largest meeting",
	    row, cause) != 0 ||
	    rake_num(c->c[RAKE_COL_VIDEOS], &s.videos, "videos", row,
	    cause) != 0)
		return (-1);
	if (c->c[RAKE_COL_LOAD] != NULL) {
		if (util_parse_double(c->c[RAKE_COL_LOAD], &s.load, &why) != 0 ||
		    s.load < 0 || s.load > 1e9) {
			*cause = xasprintf("rake status: row %zu: load "
			    "\"%.32s\" is not a number", row,
			    c->c[RAKE_COL_LOAD]);
			return (-1);
		}
		s.has_load = true;
	}
	if (st->n >= RAKE_ROWS_MAX) {
		*cause = xasprintf("rake status: more than %d rows",
		    RAKE_ROWS_MAX);
		return (-1);
	}
	s.hostname = c->c[RAKE_COL_HOSTNAME];
	c->c[RAKE_COL_HOSTNAME] = NULL;
	s.state = c->c[RAKE_COL_STATE];
	c->c[RAKE_COL_STATE] = NULL;
	s.bbb_version = c->c[RAKE_COL_VERSION];
	c->c[RAKE_COL_VERSION] = NULL;
	s.tag = c->c[RAKE_COL_TAG];
	c->c[RAKE_COL_TAG] = NULL;
	st->v = xreallocarray(st->v, st->n + 1, sizeof *st->v);
	st->v[st->n++] = s;
	return (0);
}

int
rake_parse_status(const char *text, size_t len, struct rake_status *st,
    char **cause)
{
	struct rake_lines	 l;
	struct rake_hcol	 h[RAKE_COLS_MAX];
	struct rake_cells	 cur, next;
	size_t			 nh = 0, i, j, row = 0;
	bool			 have_load = false, have_version = false;
	bool			 have_cur = false;
	int			 rc = -1;

	memset(st, 0, sizeof *st);
	memset(&cur, 0, sizeof cur);
	rake_lines_split(text, len, &l);
	for (i = 0; i < l.n; i++) {
		if ((nh = rake_header(l.v[i], h)) != 0)
			break;
	}
	if (nh == 0) {
		*cause = xstrdup("rake status: no table (no HOSTNAME ... "
		    "STATE header)");
		goto out;
	}
	for (j = 0; j < nh; j++) {
		if (h[j].col == RAKE_COL_LOAD)
			have_load = true;
		if (h[j].col == RAKE_COL_VERSION)
			have_version = true;
	}
	st->format = have_version ? RAKE_STATUS_V1_6 : have_load ?
	    RAKE_STATUS_V1_3 : RAKE_STATUS_V1_0;

	for (i++; i < l.n; i++) {
		if (rake_blank(l.v[i]))
			continue;
		rake_row_cells(l.v[i], h, nh, &next);
		/*
		 * Before 1.6 Tabulo wrapped long cells onto extra lines:
		 * such a line has no STATE; its pieces continue the row.
		 */
		if (next.c[RAKE_COL_STATE] == NULL && have_cur) {
			for (j = 0; j < nitems(next.c); j++) {
				if (next.c[j] != NULL)
					rake_cell_add(&cur.c[j], next.c[j],
					    strlen(next.c[j]), "");
			}
			rake_cells_clear(&next);
			continue;
		}
		if (have_cur) {
			if (rake_status_row(st, &cur, ++row, cause) != 0) {
				rake_cells_clear(&next);
				goto out;
			}
			rake_cells_clear(&cur);
		}
		cur = next;
		have_cur = true;
	}
	if (have_cur && rake_status_row(st, &cur, ++row, cause) != 0)
		goto out;
	rc = 0;
out:
	rake_cells_clear(&cur);
	rake_lines_free(&l);
	return (rc);
}

/* --- rake servers ------------------------------------------------------------- */

void
rake_list_free(struct rake_list *rl)
{
	size_t	 i;

	if (rl == NULL)
		return;
	for (i = 0; i < rl->n; i++) {
		free(rl->v[i].id);
		free(rl->v[i].url);
		free(rl->v[i].state);
	}
	free(rl->v);
	memset(rl, 0, sizeof *rl);
}

static const char *
rake_skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return (s);
}

int
rake_parse_servers(const char *text, size_t len, struct rake_list *rl,
    char **cause)
{
	struct rake_lines	 l;
	struct rake_entry	*e = NULL;
	const char		*p, *why;
	char			*v;
	size_t			 i;
	int			 rc = -1;

	memset(rl, 0, sizeof *rl);
	rake_lines_split(text, len, &l);
	for (i = 0; i < l.n; i++) {
		p = l.v[i];
		if (strncmp(p, "id: ", 4) == 0) {
			if (rl->n >= RAKE_ROWS_MAX) {
				*cause = xstrdup("rake servers: too many "
				    "servers");
				goto out;
			}
			rl->v = xreallocarray(rl->v, rl->n + 1, sizeof *rl->v);
			e = &rl->v[rl->n++];
			memset(e, 0, sizeof *e);
			e->id = xstrdup(rake_skip_ws(p + 4));
			continue;
		}
		if (e == NULL)
			continue;		/* a task's output before it */
		if (*p != ' ' && *p != '\t') {
			e = NULL;		/* something else after it */
			continue;
		}
		p = rake_skip_ws(p);
		if (strncmp(p, "url: ", 5) == 0) {
			free(e->url);
			e->url = xstrdup(rake_skip_ws(p + 5));
		} else if (strcmp(p, "enabled") == 0 ||
		    strcmp(p, "cordoned") == 0 || strcmp(p, "disabled") == 0) {
			free(e->state);
			e->state = xstrdup(p);
		} else if (strcmp(p, "online") == 0)
			e->online = true;
		else if (strcmp(p, "offline") == 0)
			e->online = false;
		else if (strncmp(p, "load: ", 6) == 0) {
			v = xstrdup(rake_skip_ws(p + 6));
			e->has_load = util_parse_double(v, &e->load, &why) == 0
			    && e->load >= 0;
			if (!e->has_load)
				e->load = 0;
			free(v);
		}
		/* secret:, load multiplier:, bbb version:, tag: unused */
	}
	for (i = 0; i < rl->n; i++) {
		if (*rl->v[i].id == '\0' || rl->v[i].state == NULL) {
			*cause = xasprintf("rake servers: server %zu has no "
			    "%s", i + 1, *rl->v[i].id == '\0' ? "id" :
			    "state line");
			goto out;
		}
	}
	rc = 0;
out:
	rake_lines_free(&l);
	return (rc);
}

/* --- over ssh --------------------------------------------------------------------- */

static int
rake_exec(const struct config *cfg, const char *tasks, struct ssh_result *res,
    char **cause)
{
	const char	*container;
	char		*cmd, *q;
	int		 rc;

	if (cfg->scalelite.ssh_host == NULL || *cfg->scalelite.ssh_host == '\0') {
		*cause = xstrdup("scalelite has no admin API before 1.5.1 and "
		    "[scalelite] ssh_host is not set, so its rake tasks "
		    "cannot be run");
		return (-1);
	}
	container = cfg->scalelite.container != NULL ?
	    cfg->scalelite.container : "scalelite-api";
	if (!rake_valid_container(container)) {
		*cause = xstrdup("[scalelite] container is not a container "
		    "name");
		return (-1);
	}
	q = ssh_quote(container);
	cmd = xasprintf("docker exec %s ./bin/rake %s", q, tasks);
	free(q);
	rc = ssh_exec(cfg, cfg->scalelite.ssh_host, cmd, res, cause);
	free(cmd);
	return (rc);
}

/* Mask "secret: ..." lines; cut long output. */
static char *
rake_masked(const char *text)
{
	struct rake_lines	 l;
	struct buf		 b = { 0 };
	const char		*p;
	size_t			 i;

	rake_lines_split(text, strlen(text), &l);
	for (i = 0; i < l.n && b.len < RAKE_OUTPUT_SHOWN; i++) {
		p = rake_skip_ws(l.v[i]);
		if (strncmp(p, "secret:", 7) == 0 ||
		    strncmp(p, "secrets:", 8) == 0)
			buf_printf(&b, "%.*ssecret: ********\n",
			    (int)(p - l.v[i]), l.v[i]);
		else if (*p != '\0')
			buf_printf(&b, "%s\n", l.v[i]);
	}
	rake_lines_free(&l);
	if (b.len > 0 && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	return (b.data != NULL ? buf_steal(&b) : xstrdup(""));
}

/* The task's own output: the lines before the "id:" listing. */
static char *
rake_action_output(const char *out)
{
	const char	*p = out;
	char		*head, *m;

	while (*p != '\0') {
		if (strncmp(rake_strip_logger(p), "id: ", 4) == 0)
			break;
		p = strchr(p, '\n');
		if (p == NULL) {
			p = out + strlen(out);
			break;
		}
		p++;
	}
	head = xstrndup(out, (size_t)(p - out));
	m = rake_masked(head);
	free(head);
	return (m);
}

/* The first line of text starting with one of the words, or NULL. */
static char *
rake_find_line(const char *text, const char *const *prefixes)
{
	struct rake_lines	 l;
	char			*found = NULL;
	size_t			 i, j;

	rake_lines_split(text, strlen(text), &l);
	for (i = 0; i < l.n && found == NULL; i++) {
		for (j = 0; prefixes[j] != NULL; j++) {
			if (strncmp(rake_skip_ws(l.v[i]), prefixes[j],
			    strlen(prefixes[j])) == 0) {
				found = xstrdup(rake_skip_ws(l.v[i]));
				break;
			}
		}
	}
	rake_lines_free(&l);
	return (found);
}

static bool
rake_has_ok(const char *text)
{
	struct rake_lines	 l;
	size_t			 i;
	bool			 ok = false;

	rake_lines_split(text, strlen(text), &l);
	for (i = 0; i < l.n; i++) {
		if (strcmp(rake_skip_ws(l.v[i]), "OK") == 0)
			ok = true;
	}
	rake_lines_free(&l);
	return (ok);
}

/* Find the server id for a host name or URL in the listing. */
static int
rake_resolve(const struct rake_list *rl, const char *want_host,
    const char *orig, char **id, char **cause)
{
	char	*h;
	size_t	 i, n = 0, match = 0, short_match = 0, ns = 0, wl;

	for (i = 0; i < rl->n; i++) {
		if (strcasecmp(rl->v[i].id, orig) == 0) {
			*id = xstrdup(rl->v[i].id);
			return (0);
		}
	}
	wl = strlen(want_host);
	for (i = 0; i < rl->n; i++) {
		if (rl->v[i].url == NULL ||
		    (h = rake_url_host(rl->v[i].url)) == NULL)
			continue;
		if (strcasecmp(h, want_host) == 0) {
			match = i;
			n++;
		} else if (strncasecmp(h, want_host, wl) == 0 && h[wl] == '.') {
			short_match = i;
			ns++;
		}
		free(h);
	}
	if (n == 1 || (n == 0 && ns == 1)) {
		*id = xstrdup(rl->v[n == 1 ? match : short_match].id);
		return (0);
	}
	if (n > 1 || ns > 1)
		*cause = xasprintf("scalelite has %zu servers matching %s; "
		    "give the server id", n > 1 ? n : ns, orig);
	else
		*cause = xasprintf("scalelite has no server %s (rake "
		    "servers lists %zu)", orig, rl->n);
	return (-1);
}

static const char *
rake_expected_state(const char *verb)
{
	if (strcmp(verb, "enable") == 0)
		return ("enabled");
	if (strcmp(verb, "cordon") == 0)
		return ("cordoned");
	return ("disabled");		/* disable, panic */
}

int
rake_server_state(const struct config *cfg, const char *verb,
    const char *server, char **output, char **cause)
{
	return (rake_server_state_checked(cfg, verb, server, NULL, NULL,
	    output, cause));
}

int
rake_server_state_checked(const struct config *cfg, const char *verb,
    const char *server, int (*check)(void *, char **), void *arg,
    char **output, char **cause)
{
	static const char *const errs[] = { "ERROR", "Error:", "rake aborted",
	    NULL };
	struct ssh_result	 res;
	struct rake_list	 rl;
	const char		*want;
	char			*host = NULL, *id = NULL, *tasks = NULL, *q;
	char			*line = NULL, *why = NULL;
	size_t			 i;
	int			 rc = -1;

	if (output != NULL)
		*output = NULL;
	memset(&rl, 0, sizeof rl);
	if (verb == NULL || (strcmp(verb, "enable") != 0 &&
	    strcmp(verb, "cordon") != 0 && strcmp(verb, "disable") != 0 &&
	    strcmp(verb, "panic") != 0)) {
		*cause = xasprintf("rake: unknown action %s (enable, cordon, "
		    "disable or panic)", verb != NULL ? verb : "(none)");
		return (-1);
	}
	if (server == NULL) {
		*cause = xstrdup("rake: no server");
		return (-1);
	}
	if (rake_valid_uuid(server))
		id = xstrdup(server);
	else {
		if ((host = rake_url_host(server)) == NULL)
			host = xstrdup(server);
		if (!rake_valid_hostname(host)) {
			*cause = xstrdup("rake: the server must be a scalelite "
			    "server id (UUID), a host name or its URL");
			goto out;
		}
		/* Which id?  The listing says (ids may be host names). */
		if (rake_servers_list(cfg, &rl, cause) != 0)
			goto out;
		if (rake_resolve(&rl, host, server, &id, cause) != 0)
			goto out;
		rake_list_free(&rl);
	}

	/* The last word before the change (the listing took seconds). */
	if (check != NULL && check(arg, cause) != 0)
		goto out;
	/* Run the task, then list the servers to see what it did. */
	q = xasprintf("servers:%s[%s]", verb, id);
	tasks = ssh_quote(q);
	free(q);
	q = xasprintf("%s servers", tasks);
	free(tasks);
	tasks = q;
	if (rake_exec(cfg, tasks, &res, cause) != 0)
		goto out;
	if (output != NULL)
		*output = rake_action_output(res.out);

	if ((line = rake_find_line(res.err, (const char *const[]){
	    "Don't know how to build task", NULL })) != NULL ||
	    (line = rake_find_line(res.out, (const char *const[]){
	    "Don't know how to build task", NULL })) != NULL) {
		if (strcmp(verb, "cordon") == 0)
			*cause = xstrdup("this scalelite has no cordon (it "
			    "came with scalelite 1.1; this one is 1.0.x): "
			    "nothing was changed.  Disable the server once its "
			    "meetings have ended, or upgrade scalelite");
		else
			*cause = xasprintf("this scalelite has no rake task "
			    "servers:%s: nothing was changed", verb);
		goto out_res;
	}
	free(line);
	if ((line = rake_find_line(res.out, errs)) != NULL ||
	    (line = rake_find_line(res.err, errs)) != NULL) {
		/* 1.0.x: "ERROR: No server found with id: ..." and exit 0 */
		*cause = xasprintf("rake servers:%s: %.300s", verb, line);
		goto out_res;
	}
	if (res.exit_status != 0) {
		why = rake_masked(res.err);
		*cause = xasprintf("rake servers:%s failed (exit %d%s%s)%s%.300s",
		    verb, res.exit_status, res.exit_signal != NULL ?
		    ", signal " : "", res.exit_signal != NULL ?
		    res.exit_signal : "", *why != '\0' ? ": " : "", why);
		goto out_res;
	}
	if (!rake_has_ok(res.out)) {
		if (strcmp(verb, "disable") == 0 &&
		    (line = rake_find_line(res.out, (const char *const[]){
		    "WARNING", NULL })) != NULL) {
			*cause = xstrdup("scalelite wants a confirmation to "
			    "disable a server with load (its meetings could "
			    "no longer be joined): nothing was changed.  Drain "
			    "it first (cordon), or use panic");
			goto out_res;
		}
		*cause = xasprintf("rake servers:%s did not say OK", verb);
		goto out_res;
	}
	/* The listing after the task: the state must be the new one. */
	want = rake_expected_state(verb);
	if (rake_parse_servers(res.out, res.out_len, &rl, &why) != 0) {
		*cause = xasprintf("rake servers:%s said OK, but the server "
		    "list after it is unreadable: %s", verb, why);
		goto out_res;
	}
	for (i = 0; i < rl.n; i++) {
		if (strcmp(rl.v[i].id, id) == 0)
			break;
	}
	if (i == rl.n) {
		*cause = xasprintf("rake servers:%s said OK, but server %s is "
		    "not in the list after it", verb, id);
		goto out_res;
	}
	if (strcmp(rl.v[i].state, want) != 0) {
		*cause = xasprintf("rake servers:%s said OK, but server %s is "
		    "%s, not %s", verb, id, rl.v[i].state, want);
		goto out_res;
	}
	rc = 0;
out_res:
	ssh_result_clear(&res);
out:
	if (rc != 0 && output != NULL && *output != NULL && **output == '\0') {
		free(*output);
		*output = NULL;
	}
	rake_list_free(&rl);
	free(line);
	free(why);
	free(host);
	free(id);
	free(tasks);
	return (rc);
}

/* A listing task run to a clean exit; its stderr masked in the cause. */
static int
rake_exec_ok(const struct config *cfg, const char *task,
    struct ssh_result *res, char **cause)
{
	char	*why;

	if (rake_exec(cfg, task, res, cause) != 0)
		return (-1);
	if (res->exit_status == 0)
		return (0);
	why = rake_masked(res->err);
	*cause = xasprintf("rake %s failed (exit %d): %.300s", task,
	    res->exit_status, why);
	free(why);
	ssh_result_clear(res);
	return (-1);
}

int
rake_servers_status(const struct config *cfg, struct rake_status *st,
    char **cause)
{
	struct ssh_result	 res;
	int			 rc;

	memset(st, 0, sizeof *st);
	if (rake_exec_ok(cfg, "status", &res, cause) != 0)
		return (-1);
	rc = rake_parse_status(res.out, res.out_len, st, cause);
	ssh_result_clear(&res);
	return (rc);
}

int
rake_servers_list(const struct config *cfg, struct rake_list *rl,
    char **cause)
{
	struct ssh_result	 res;
	int			 rc;

	memset(rl, 0, sizeof *rl);
	if (rake_exec_ok(cfg, "servers", &res, cause) != 0)
		return (-1);
	/* no "id:" line at all: no servers (not an error) */
	rc = rake_parse_servers(res.out, res.out_len, rl, cause);
	ssh_result_clear(&res);
	return (rc);
}

/* A URL rake's argument list and a shell's double quotes take as it is. */
static bool
rake_valid_url(const char *url)
{
	char	*host;
	bool	 ok;
	size_t	 i;

	if ((host = rake_url_host(url)) == NULL)
		return (false);
	ok = rake_valid_hostname(host);
	free(host);
	for (i = 0; ok && url[i] != '\0'; i++) {
		if (!isalnum((unsigned char)url[i]) &&
		    strchr(":/.-_~", url[i]) == NULL)
			ok = false;
	}
	return (ok && strlen(url) < 512);
}

/* Out and err of a task, the secret masked in every form (mask.h). */
static void
rake_mask_result(struct ssh_result *res)
{
	mask_inplace(&res->out);
	res->out_len = strlen(res->out);
	mask_inplace(&res->err);
	res->err_len = strlen(res->err);
}

int
rake_server_add(const struct config *cfg, const char *url,
    const char *secret, char **id, char **cause)
{
	static const char *const errs[] = { "ERROR", "Error:", "rake aborted",
	    "Don't know how to build task", NULL };
	struct ssh_session	*ss;
	struct ssh_result	 res;
	const char		*container;
	char			*script, *q, *cmd, *line = NULL, *in, *why;
	size_t			 i, len;
	int			 rc = -1;

	*id = NULL;
	if (!rake_valid_url(url)) {
		*cause = xstrdup("rake servers:add: the server's URL is not "
		    "a plain http(s) URL");
		return (-1);
	}
	len = secret != NULL ? strlen(secret) : 0;
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)secret[i]) && secret[i] != '-' &&
		    secret[i] != '_')
			break;
	}
	if (len == 0 || i < len || len > 256) {
		*cause = xstrdup("rake servers:add: the BBB secret must be "
		    "letters, digits, '-' and '_' (rake splits its arguments "
		    "at commas)");
		return (-1);
	}
	if (cfg->scalelite.ssh_host == NULL || *cfg->scalelite.ssh_host == '\0') {
		*cause = xstrdup("scalelite has no admin API before 1.5.1 and "
		    "[scalelite] ssh_host is not set, so its rake tasks "
		    "cannot be run");
		return (-1);
	}
	container = cfg->scalelite.container != NULL ?
	    cfg->scalelite.container : "scalelite-api";
	if (!rake_valid_container(container)) {
		*cause = xstrdup("[scalelite] container is not a container "
		    "name");
		return (-1);
	}
	mask_add(secret);
	/*
	 * The secret is no part of the command (which the ssh server may
	 * log, and our debug log shows): it goes on the channel's stdin,
	 * read by a shell in the container into the task's argument.
	 */
	script = xasprintf("IFS= read -r s && exec ./bin/rake "
	    "\"servers:add[%s,$s,1]\"", url);
	q = ssh_quote(container);
	cmd = xasprintf("docker exec -i %s sh -c ", q);
	free(q);
	q = ssh_quote(script);
	free(script);
	script = xasprintf("%s%s", cmd, q);
	free(cmd);
	free(q);
	cmd = script;
	in = xasprintf("%s\n", secret);
	if ((ss = ssh_session_open(cfg, cfg->scalelite.ssh_host, NULL,
	    cause)) == NULL) {
		freezero_str(in);
		free(cmd);
		return (-1);
	}
	rc = ssh_session_exec(ss, cmd, in, strlen(in), &res, cause);
	ssh_session_close(ss);
	freezero_str(in);
	free(cmd);
	if (rc != 0)
		return (-1);
	rc = -1;
	rake_mask_result(&res);
	if ((line = rake_find_line(res.err, errs)) != NULL ||
	    (line = rake_find_line(res.out, errs)) != NULL) {
		*cause = xasprintf("rake servers:add: %.300s", line);
		goto out;
	}
	if (res.exit_status != 0) {
		why = rake_masked(res.err);
		*cause = xasprintf("rake servers:add failed (exit %d)%s%.300s",
		    res.exit_status, *why != '\0' ? ": " : "", why);
		free(why);
		goto out;
	}
	/* "OK", then "id: <id>" (lib/tasks/servers.rake) */
	if (!rake_has_ok(res.out) || (line = rake_find_line(res.out,
	    (const char *const[]){ "id: ", NULL })) == NULL) {
		*cause = xstrdup("rake servers:add did not say OK and the new "
		    "server's id");
		goto out;
	}
	*id = xstrdup(rake_skip_ws(line + 4));
	if (**id == '\0' || (!rake_valid_uuid(*id) &&
	    !rake_valid_hostname(*id))) {
		*cause = xstrdup("rake servers:add answered an id that is no "
		    "UUID or host name");
		free(*id);
		*id = NULL;
		goto out;
	}
	rc = 0;
out:
	free(line);
	ssh_result_clear(&res);
	return (rc);
}

int
rake_server_remove(const struct config *cfg, const char *id, char **cause)
{
	static const char *const errs[] = { "ERROR", "Error:", "rake aborted",
	    "Don't know how to build task", NULL };
	struct ssh_result	 res;
	struct rake_list	 rl;
	char			*q, *tasks, *line = NULL, *why = NULL;
	size_t			 i;
	int			 rc = -1;

	memset(&rl, 0, sizeof rl);
	if (!rake_valid_uuid(id) && !rake_valid_hostname(id)) {
		*cause = xstrdup("rake servers:remove: not a server id");
		return (-1);
	}
	q = xasprintf("servers:remove[%s]", id);
	tasks = ssh_quote(q);
	free(q);
	q = xasprintf("%s servers", tasks);
	free(tasks);
	tasks = q;
	if (rake_exec(cfg, tasks, &res, cause) != 0) {
		free(tasks);
		return (-1);
	}
	free(tasks);
	if ((line = rake_find_line(res.out, errs)) != NULL ||
	    (line = rake_find_line(res.err, errs)) != NULL) {
		/* 1.0.x: "ERROR: No server found with id: ..." and exit 0 */
		*cause = xasprintf("rake servers:remove: %.300s", line);
		goto out;
	}
	if (res.exit_status != 0) {
		why = rake_masked(res.err);
		*cause = xasprintf("rake servers:remove failed (exit %d)%s%.300s",
		    res.exit_status, *why != '\0' ? ": " : "", why);
		goto out;
	}
	if (!rake_has_ok(res.out)) {
		*cause = xstrdup("rake servers:remove did not say OK");
		goto out;
	}
	/* The listing after the task: the server must be gone. */
	if (rake_parse_servers(res.out, res.out_len, &rl, &why) != 0) {
		*cause = xasprintf("rake servers:remove said OK, but the "
		    "server list after it is unreadable: %s", why);
		goto out;
	}
	for (i = 0; i < rl.n; i++) {
		if (strcmp(rl.v[i].id, id) == 0) {
			*cause = xasprintf("rake servers:remove said OK, but "
			    "server %s is still listed", id);
			goto out;
		}
	}
	rc = 0;
out:
	rake_list_free(&rl);
	free(line);
	free(why);
	ssh_result_clear(&res);
	return (rc);
}
