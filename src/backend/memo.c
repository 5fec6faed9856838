/*
 * memo.c: answers that did not change are not decoded again (memo.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/memo.h"
#include "util.h"

struct bk_memo_page {
	uint64_t	 hash;
	size_t		 len;
	char		*next;		/* the URL decoding found, or NULL */
};

struct bk_memo_pages {
	struct bk_memo_page *v;
	size_t		 n;
	size_t		 cap;
};

struct bk_memo_held {
	char		*body;
	size_t		 len;
};

struct bk_memo_part {
	struct bk_memo_pages ref;	/* the last good cycle */
	struct bk_memo_pages cur;	/* this cycle so far */
	struct bk_memo_held *held;	/* its pages not decoded yet */
	size_t		 nheld;
	size_t		 capheld;
	bool		 decoding;	/* a page differed this cycle */
	bool		 same;		/* of the last good cycle */
};

struct bk_memo {
	struct bk_memo_part *parts;
	int		 nparts;
	bool		 have_ref;	/* a good cycle was decoded */
	bool		 had_ref;	/* ... before this one began */
	bk_memo_decode_cb cb;
	void		*arg;
	size_t		 held_bytes;
	size_t		 held_max;
	size_t		 held_limit;
};

static void
bk_memo_pages_clear(struct bk_memo_pages *ps)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++)
		free(ps->v[i].next);
	ps->n = 0;
}

static void
bk_memo_drop_part(struct bk_memo *m, struct bk_memo_part *pt)
{
	size_t	 i;

	for (i = 0; i < pt->nheld; i++) {
		free(pt->held[i].body);
		m->held_bytes -= pt->held[i].len;
	}
	pt->nheld = 0;
}

static void
bk_memo_drop_held(struct bk_memo *m)
{
	int	 p;

	for (p = 0; p < m->nparts; p++)
		bk_memo_drop_part(m, &m->parts[p]);
	m->held_bytes = 0;
}

struct bk_memo *
bk_memo_new(int nparts)
{
	struct bk_memo	*m;

	m = xcalloc(1, sizeof *m);
	m->nparts = nparts > 0 ? nparts : 1;
	m->parts = xcalloc(m->nparts, sizeof *m->parts);
	m->held_limit = BK_MEMO_HELD_LIMIT;
	return (m);
}

void
bk_memo_free(struct bk_memo *m)
{
	int	 p;

	if (m == NULL)
		return;
	bk_memo_drop_held(m);
	for (p = 0; p < m->nparts; p++) {
		bk_memo_pages_clear(&m->parts[p].ref);
		bk_memo_pages_clear(&m->parts[p].cur);
		free(m->parts[p].ref.v);
		free(m->parts[p].cur.v);
		free(m->parts[p].held);
	}
	free(m->parts);
	free(m);
}

void
bk_memo_begin(struct bk_memo *m, bk_memo_decode_cb cb, void *arg)
{
	int	 p;

	bk_memo_drop_held(m);
	for (p = 0; p < m->nparts; p++)
		bk_memo_pages_clear(&m->parts[p].cur);
	m->cb = cb;
	m->arg = arg;
	m->had_ref = m->have_ref;
	for (p = 0; p < m->nparts; p++) {
		m->parts[p].decoding = !m->have_ref;
		m->parts[p].same = false;
	}
}

/* Decode the held pages of part p, in order. */
static int
bk_memo_flush(struct bk_memo *m, int p, char **cause)
{
	struct bk_memo_part	*pt = &m->parts[p];
	char			*next;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < pt->nheld && rc == 0; i++) {
		next = NULL;
		rc = m->cb(m->arg, p, pt->held[i].body, pt->held[i].len,
		    &next, cause);
		free(next);	/* the remembered one: the same */
	}
	bk_memo_drop_part(m, pt);
	return (rc);
}

int
bk_memo_page(struct bk_memo *m, int part, char *body, size_t len,
    char **next, char **cause)
{
	struct bk_memo_part	*pt;
	struct bk_memo_page	*pg, *ref;
	size_t			 i;

	*next = NULL;
	if (part < 0 || part >= m->nparts)
		part = 0;
	pt = &m->parts[part];
	if (pt->cur.n == pt->cur.cap) {
		pt->cur.cap = pt->cur.cap == 0 ? 4 : pt->cur.cap * 2;
		pt->cur.v = xreallocarray(pt->cur.v, pt->cur.cap,
		    sizeof *pt->cur.v);
	}
	i = pt->cur.n++;
	pg = &pt->cur.v[i];
	pg->hash = util_hash64(body, len);
	pg->len = len;
	pg->next = NULL;

	ref = i < pt->ref.n ? &pt->ref.v[i] : NULL;
	if (!pt->decoding && ref != NULL && ref->hash == pg->hash &&
	    ref->len == len && len <= m->held_limit &&
	    m->held_bytes <= m->held_limit - len) {
		if (pt->nheld == pt->capheld) {
			pt->capheld = pt->capheld == 0 ? 4 : pt->capheld * 2;
			pt->held = xreallocarray(pt->held, pt->capheld,
			    sizeof *pt->held);
		}
		pt->held[pt->nheld].body = body;
		pt->held[pt->nheld].len = len;
		pt->nheld++;
		m->held_bytes += len;
		if (m->held_bytes > m->held_max)
			m->held_max = m->held_bytes;
		if (ref->next != NULL) {
			pg->next = xstrdup(ref->next);
			*next = xstrdup(ref->next);
		}
		return (0);
	}
	if (!pt->decoding) {
		pt->decoding = true;
		if (bk_memo_flush(m, part, cause) != 0) {
			free(body);
			return (-1);
		}
	}
	if (m->cb(m->arg, part, body, len, next, cause) != 0) {
		free(body);
		return (-1);
	}
	free(body);
	if (*next != NULL)
		pg->next = xstrdup(*next);
	return (0);
}

int
bk_memo_end(struct bk_memo *m, bool *unchanged, char **cause)
{
	struct bk_memo_part	*pt;
	struct bk_memo_pages	 t;
	int			 p;

	*unchanged = true;
	for (p = 0; p < m->nparts; p++) {
		pt = &m->parts[p];
		pt->same = !pt->decoding && pt->cur.n == pt->ref.n;
		if (!pt->same && !pt->decoding) {
			pt->decoding = true;
			if (bk_memo_flush(m, p, cause) != 0) {
				bk_memo_abort(m);
				return (-1);
			}
		}
		if (!pt->same)
			*unchanged = false;
	}
	bk_memo_drop_held(m);
	for (p = 0; p < m->nparts; p++) {
		pt = &m->parts[p];
		t = pt->ref;
		pt->ref = pt->cur;
		pt->cur = t;
		bk_memo_pages_clear(&pt->cur);
	}
	m->have_ref = true;
	return (0);
}

bool
bk_memo_part_same(const struct bk_memo *m, int part)
{
	return (part >= 0 && part < m->nparts && m->parts[part].same);
}

void
bk_memo_abort(struct bk_memo *m)
{
	int	 p;

	bk_memo_drop_held(m);
	for (p = 0; p < m->nparts; p++) {
		bk_memo_pages_clear(&m->parts[p].cur);
		m->parts[p].decoding = false;
		m->parts[p].same = false;
	}
}

void
bk_memo_reset(struct bk_memo *m)
{
	int	 p;

	bk_memo_abort(m);
	for (p = 0; p < m->nparts; p++)
		bk_memo_pages_clear(&m->parts[p].ref);
	m->have_ref = false;
}

size_t
bk_memo_held_max(const struct bk_memo *m)
{
	return (m->held_max);
}

void
bk_memo_set_held_limit(struct bk_memo *m, size_t limit)
{
	m->held_limit = limit;
}

bool
bk_memo_had_ref(const struct bk_memo *m)
{
	return (m->had_ref);
}
