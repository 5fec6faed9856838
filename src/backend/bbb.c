/*
 * bbb.c: decode the BBB API's XML answers (pure): getMeetings, and the
 * <response><returncode>FAILED</returncode><messageKey>..</messageKey>
 * answers that scalelite also gives on its admin API
 * (scalelite-bbb.md §1.4, §2.2).
 *
 * expat, with a DOCTYPE refused outright (no entity expansion at all),
 * depth and text size bounded, and a bounded number of meetings.
 */
#include <ctype.h>
#include <expat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "log.h"
#include "util.h"

enum bbb_elem {
	BBB_E_OTHER,
	BBB_E_RESPONSE,
	BBB_E_MEETINGS,
	BBB_E_MEETING,
	BBB_E_RETURNCODE,
	BBB_E_MESSAGEKEY,
	BBB_E_MESSAGE
};

struct bbb_parse {
	XML_Parser	 p;
	bool		 want_meetings;
	int		 depth;
	/* what each open element is (no copy of its name) */
	enum bbb_elem	 stack[BACKEND_XML_MAX_DEPTH];
	struct buf	 text;
	char		*cause;

	char		*returncode;
	char		*message_key;
	char		*message;

	struct fleet_meeting_u *meetings;
	size_t		 nmeetings;
	size_t		 cap;
	struct fleet_meeting_u *cur;	/* open <meeting>, or NULL */
	bool		 cur_has_id;
};

static void	bbb_text_clear(struct bbb_parse *);
static void
bbb_fail(struct bbb_parse *bp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
bbb_fail(struct bbb_parse *bp, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (bp->cause == NULL) {
		va_start(ap, fmt);
		msg = xvasprintf(fmt, ap);
		va_end(ap);
		bp->cause = xasprintf("BBB API: %s", msg);
		free(msg);
	}
	if (bp->p != NULL)
		XML_StopParser(bp->p, XML_FALSE);
}

static void
bbb_meeting_clear(struct fleet_meeting_u *m)
{
	free(m->meeting_id);
	free(m->name);
	free(m->node);
	memset(m, 0, sizeof *m);
}

/* Is the open element path response/meetings/meeting? */
static bool
bbb_at_meeting(const struct bbb_parse *bp)
{
	return (bp->depth == 3 && bp->stack[1] == BBB_E_MEETINGS &&
	    bp->stack[2] == BBB_E_MEETING);
}

static enum bbb_elem
bbb_elem(const struct bbb_parse *bp, const char *name)
{
	switch (bp->depth) {
	case 0:
		return (BBB_E_RESPONSE);
	case 1:
		if (strcmp(name, "meetings") == 0)
			return (BBB_E_MEETINGS);
		if (strcmp(name, "returncode") == 0)
			return (BBB_E_RETURNCODE);
		if (strcmp(name, "messageKey") == 0)
			return (BBB_E_MESSAGEKEY);
		if (strcmp(name, "message") == 0)
			return (BBB_E_MESSAGE);
		break;
	case 2:
		if (bp->stack[1] == BBB_E_MEETINGS &&
		    strcmp(name, "meeting") == 0)
			return (BBB_E_MEETING);
		break;
	}
	return (BBB_E_OTHER);
}

static void
bbb_start_cb(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct bbb_parse	*bp = arg;

	(void)attrs;
	if (bp->depth == 0 && strcmp(name, "response") != 0) {
		bbb_fail(bp, "not a BBB API answer (root element <%.32s>)",
		    name);
		return;
	}
	if (bp->depth >= BACKEND_XML_MAX_DEPTH) {
		bbb_fail(bp, "XML nested deeper than %d",
		    BACKEND_XML_MAX_DEPTH);
		return;
	}
	bp->stack[bp->depth] = bbb_elem(bp, name);
	bp->depth++;
	bbb_text_clear(bp);

	if (bp->want_meetings && bbb_at_meeting(bp)) {
		if (bp->nmeetings >= BACKEND_MAX_ENTRIES) {
			bbb_fail(bp, "too many meetings");
			return;
		}
		if (bp->nmeetings == bp->cap) {
			bp->cap = bp->cap == 0 ? 64 : bp->cap * 2;
			bp->meetings = xreallocarray(bp->meetings, bp->cap,
			    sizeof *bp->meetings);
		}
		bp->cur = &bp->meetings[bp->nmeetings++];
		memset(bp->cur, 0, sizeof *bp->cur);
	}
}

/* Empty the text buffer, keeping its memory. */
static void
bbb_text_clear(struct bbb_parse *bp)
{
	bp->text.len = 0;
	if (bp->text.data != NULL)
		bp->text.data[0] = '\0';
}

static const char *
bbb_trim(struct buf *b)
{
	char	*s, *e;

	if (b->data == NULL)
		return ("");
	s = b->data;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

static int
bbb_int(struct bbb_parse *bp, const char *field, const char *s, int *out)
{
	long long	 v;
	const char	*why;

	if (*s == '\0') {
		*out = 0;
		return (0);
	}
	if (util_parse_ll(s, 0, INT_MAX, &v, &why) != 0) {
		bbb_fail(bp, "meeting %zu: %s: %s: \"%.32s\"", bp->nmeetings,
		    field, why, s);
		return (-1);
	}
	*out = (int)v;
	return (0);
}

static void
bbb_meeting_field(struct bbb_parse *bp, const char *name, const char *s)
{
	struct fleet_meeting_u	*m = bp->cur;
	long long		 v;
	const char		*why;

	if (strcmp(name, "meetingID") == 0) {
		free(m->meeting_id);
		m->meeting_id = xstrdup(s);
		bp->cur_has_id = *s != '\0';
	} else if (strcmp(name, "meetingName") == 0) {
		free(m->name);
		m->name = xstrdup(s);
	} else if (strcmp(name, "createTime") == 0) {
		if (*s == '\0')
			return;
		if (util_parse_ll(s, 0, INT64_MAX, &v, &why) != 0) {
			bbb_fail(bp, "meeting %zu: createTime: %s: \"%.32s\"",
			    bp->nmeetings, why, s);
			return;
		}
		m->created = v;
	} else if (strcmp(name, "recording") == 0)
		m->recording = strcmp(s, "true") == 0;
	else if (strcmp(name, "participantCount") == 0)
		bbb_int(bp, name, s, &m->participants);
	else if (strcmp(name, "voiceParticipantCount") == 0)
		bbb_int(bp, name, s, &m->voice);
	else if (strcmp(name, "videoCount") == 0)
		bbb_int(bp, name, s, &m->video);
	else if (strcmp(name, "listenerCount") == 0)
		bbb_int(bp, name, s, &m->listeners);
	else if (strcmp(name, "moderatorCount") == 0)
		bbb_int(bp, name, s, &m->moderators);
}

static void
bbb_end_cb(void *arg, const XML_Char *name)
{
	struct bbb_parse	*bp = arg;
	const char		*s;

	if (bp->depth == 0)
		return;
	s = bbb_trim(&bp->text);
	if (bp->depth == 2) {
		if (bp->stack[1] == BBB_E_RETURNCODE) {
			free(bp->returncode);
			bp->returncode = xstrdup(s);
		} else if (bp->stack[1] == BBB_E_MESSAGEKEY) {
			free(bp->message_key);
			bp->message_key = xstrdup(s);
		} else if (bp->stack[1] == BBB_E_MESSAGE) {
			free(bp->message);
			bp->message = xstrndup(s, 200);
		}
	} else if (bp->want_meetings && bp->cur != NULL && bp->depth == 4)
		bbb_meeting_field(bp, name, s);
	else if (bp->want_meetings && bp->cur != NULL && bbb_at_meeting(bp)) {
		if (!bp->cur_has_id)
			bbb_fail(bp, "meeting %zu: meetingID: missing",
			    bp->nmeetings);
		bp->cur = NULL;
		bp->cur_has_id = false;
	}
	bp->depth--;
	bbb_text_clear(bp);
}

static void
bbb_text_cb(void *arg, const XML_Char *s, int len)
{
	struct bbb_parse	*bp = arg;

	/* Only leaves we read carry text worth keeping. */
	if (bp->depth != 2 && !(bp->cur != NULL && bp->depth == 4))
		return;
	if (bp->text.len + (size_t)len > BACKEND_XML_MAX_TEXT) {
		bbb_fail(bp, "element text longer than %d bytes",
		    BACKEND_XML_MAX_TEXT);
		return;
	}
	buf_add(&bp->text, s, len);
}

static void
bbb_doctype_cb(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	bbb_fail(arg, "DOCTYPE not allowed");
}

/*
 * Fast path: a strict tokenizer for the XML that BBB and scalelite
 * write (a declaration, elements without attributes, text with the
 * predefined entities and character references, CDATA sections), which
 * drives the same handlers as expat.  Whatever it does not fully
 * understand, or that expat might read otherwise, it declines (returns
 * 0, having touched nothing the caller keeps), and expat parses the
 * answer from the start: comments, processing instructions, DOCTYPE,
 * attributes, non-ASCII names, CR, and anything not well-formed.  So it
 * never accepts what expat rejects, and gives the same result where it
 * accepts (unit tests and fuzz-bbb-xml check both).
 */
#define BBB_FAST_NAME_MAX	64

enum bbb_fast {
	BBB_FAST_DECLINED = 0,
	BBB_FAST_DONE = 1,
	BBB_FAST_FAILED = 2	/* a handler failed: bp->cause */
};

/* Character classes of text outside markup (0: plain). */
#define BBB_C_PLAIN	0
#define BBB_C_LT	1
#define BBB_C_AMP	2
#define BBB_C_RBRACKET	3
#define BBB_C_HIGH	4	/* a UTF-8 lead or continuation byte */
#define BBB_C_BAD	5	/* control characters, CR included */

static unsigned char	bbb_cls[256];
static unsigned char	bbb_namec[256];	/* 1 start, 2 later only */

static void
bbb_fast_init(void)
{
	int	 c;

	if (bbb_cls['<'] == BBB_C_LT)
		return;
	for (c = 0; c < 256; c++) {
		if (c >= 0x80)
			bbb_cls[c] = BBB_C_HIGH;
		else if (c < 0x20 && c != '\t' && c != '\n')
			bbb_cls[c] = BBB_C_BAD;
		else
			bbb_cls[c] = BBB_C_PLAIN;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '_' || c == ':')
			bbb_namec[c] = 1;
		else if ((c >= '0' && c <= '9') || c == '-' || c == '.')
			bbb_namec[c] = 2;
	}
	bbb_cls[0x7f] = BBB_C_PLAIN;
	bbb_cls['&'] = BBB_C_AMP;
	bbb_cls[']'] = BBB_C_RBRACKET;
	bbb_cls['<'] = BBB_C_LT;	/* last: marks the table ready */
}

/* One XML Char in UTF-8 at p (< e): its length, or 0 if not allowed. */
static size_t
bbb_fast_utf8(const unsigned char *p, const unsigned char *e)
{
	unsigned int	 u;
	size_t		 n, i;

	if (p[0] < 0xc2)
		return (0);
	else if (p[0] < 0xe0) {
		n = 2;
		u = p[0] & 0x1f;
	} else if (p[0] < 0xf0) {
		n = 3;
		u = p[0] & 0x0f;
	} else if (p[0] < 0xf5) {
		n = 4;
		u = p[0] & 0x07;
	} else
		return (0);
	if ((size_t)(e - p) < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		u = (u << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && u < 0x800) || (n == 4 && (u < 0x10000 ||
	    u > 0x10ffff)) || (u >= 0xd800 && u <= 0xdfff) ||
	    u == 0xfffe || u == 0xffff)
		return (0);
	return (n);
}

/* Append code point u (an XML Char) as UTF-8; its length. */
static size_t
bbb_fast_put(char *o, unsigned int u)
{
	if (u < 0x80) {
		o[0] = (char)u;
		return (1);
	}
	if (u < 0x800) {
		o[0] = (char)(0xc0 | (u >> 6));
		o[1] = (char)(0x80 | (u & 0x3f));
		return (2);
	}
	if (u < 0x10000) {
		o[0] = (char)(0xe0 | (u >> 12));
		o[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		o[2] = (char)(0x80 | (u & 0x3f));
		return (3);
	}
	o[0] = (char)(0xf0 | (u >> 18));
	o[1] = (char)(0x80 | ((u >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((u >> 6) & 0x3f));
	o[3] = (char)(0x80 | (u & 0x3f));
	return (4);
}

/*
 * A reference at p ('&'): its text into out (at most 4 bytes), *n its
 * length; the bytes consumed, or 0 to decline.
 */
static size_t
bbb_fast_ref(const char *p, const char *e, char *out, size_t *n)
{
	static const struct {
		const char	*name;
		char		 c;
	} ents[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' }
	};
	const char	*q;
	unsigned int	 u = 0;
	size_t		 i, k;

	for (i = 0; i < nitems(ents); i++) {
		k = strlen(ents[i].name);
		if ((size_t)(e - p - 1) >= k &&
		    memcmp(p + 1, ents[i].name, k) == 0) {
			out[0] = ents[i].c;
			*n = 1;
			return (k + 1);
		}
	}
	if (e - p < 4 || p[1] != '#')
		return (0);
	q = p + 2;
	if (*q == 'x') {
		for (q++; q < e && q - p < 12 && *q != ';'; q++) {
			if (*q >= '0' && *q <= '9')
				u = u * 16 + (unsigned int)(*q - '0');
			else if (*q >= 'a' && *q <= 'f')
				u = u * 16 + (unsigned int)(*q - 'a' + 10);
			else if (*q >= 'A' && *q <= 'F')
				u = u * 16 + (unsigned int)(*q - 'A' + 10);
			else
				return (0);
			if (u > 0x10ffff)
				return (0);	/* and no wrap */
		}
		if (q - p == 3)
			return (0);
	} else {
		for (; q < e && q - p < 12 && *q != ';'; q++) {
			if (*q < '0' || *q > '9')
				return (0);
			u = u * 10 + (unsigned int)(*q - '0');
			if (u > 0x10ffff)
				return (0);	/* and no wrap */
		}
		if (q - p == 2)
			return (0);
	}
	if (q >= e || *q != ';')
		return (0);
	if (!(u == 0x9 || u == 0xa || (u >= 0x20 && u <= 0xd7ff) ||
	    (u >= 0xe000 && u <= 0xfffd) || (u >= 0x10000 && u <= 0x10ffff)))
		return (0);
	*n = bbb_fast_put(out, u);
	return ((size_t)(q - p) + 1);
}

/* A name at *pp into name (NUL-terminated); false to decline. */
static bool
bbb_fast_name(const char **pp, const char *e, char *name)
{
	const char	*p = *pp, *s = p;

	if (p >= e || bbb_namec[(unsigned char)*p] != 1)
		return (false);
	while (p < e && bbb_namec[(unsigned char)*p] != 0)
		p++;
	if (p - s >= BBB_FAST_NAME_MAX)
		return (false);
	memcpy(name, s, (size_t)(p - s));
	name[p - s] = '\0';
	*pp = p;
	return (true);
}

static const char *
bbb_fast_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	return (p);
}

/* Does the text at p start with s? */
static bool
bbb_fast_is(const char *p, const char *e, const char *s)
{
	size_t	 n = strlen(s);

	return ((size_t)(e - p) >= n && memcmp(p, s, n) == 0);
}

/* <?xml version="1.0" [encoding="UTF-8"] [standalone="yes|no"]?> */
static const char *
bbb_fast_decl(const char *p, const char *e)
{
	static const char *const attrs[] = { "version", "encoding",
	    "standalone" };
	const char	*v, *q;
	size_t		 i, n;
	char		 quote;

	p += 5;		/* "<?xml" */
	for (i = 0; i < nitems(attrs); i++) {
		q = bbb_fast_ws(p, e);
		if (q == p || !bbb_fast_is(q, e, attrs[i])) {
			if (i == 0)
				return (NULL);
			continue;
		}
		q = bbb_fast_ws(q + strlen(attrs[i]), e);
		if (q >= e || *q != '=')
			return (NULL);
		q = bbb_fast_ws(q + 1, e);
		if (q >= e || (*q != '"' && *q != '\''))
			return (NULL);
		quote = *q++;
		for (v = q; q < e && *q != quote; q++)
			;
		if (q >= e)
			return (NULL);
		n = (size_t)(q - v);
		if (i == 0 && !(n == 3 && memcmp(v, "1.0", 3) == 0))
			return (NULL);
		if (i == 1 && !(n == 5 && strncasecmp(v, "UTF-8", 5) == 0))
			return (NULL);
		if (i == 2 && !((n == 3 && memcmp(v, "yes", 3) == 0) ||
		    (n == 2 && memcmp(v, "no", 2) == 0)))
			return (NULL);
		p = q + 1;
	}
	p = bbb_fast_ws(p, e);
	if (!bbb_fast_is(p, e, "?>"))
		return (NULL);
	return (p + 2);
}

/*
 * Text from p up to the next '<' (or e), checked and handed to the text
 * handler in runs; the position of the '<', or NULL to decline.
 */
static const char *
bbb_fast_text(struct bbb_parse *bp, const char *p, const char *e)
{
	const unsigned char	*u;
	const char		*run = p;
	char			 ref[4];
	size_t			 n, k;

	for (;;) {
		u = (const unsigned char *)p;
		while (p < e && bbb_cls[*u] == BBB_C_PLAIN) {
			p++;
			u++;
		}
		if (p >= e)
			break;
		switch (bbb_cls[*u]) {
		case BBB_C_LT:
			goto out;
		case BBB_C_HIGH:
			if ((k = bbb_fast_utf8(u, (const unsigned char *)e))
			    == 0)
				return (NULL);
			p += k;
			break;
		case BBB_C_RBRACKET:
			if (bbb_fast_is(p, e, "]]>"))
				return (NULL);
			p++;
			break;
		case BBB_C_AMP:
			if (p > run)
				bbb_text_cb(bp, run, (int)(p - run));
			if ((k = bbb_fast_ref(p, e, ref, &n)) == 0)
				return (NULL);
			if (bp->cause == NULL)
				bbb_text_cb(bp, ref, (int)n);
			if (bp->cause != NULL)
				return (p);
			p += k;
			run = p;
			break;
		default:
			return (NULL);
		}
	}
out:
	if (p > run && bp->cause == NULL)
		bbb_text_cb(bp, run, (int)(p - run));
	return (p);
}

/* <![CDATA[ ... ]]> at p: its end, or NULL to decline. */
static const char *
bbb_fast_cdata(struct bbb_parse *bp, const char *p, const char *e)
{
	const unsigned char	*u;
	const char		*s;
	size_t			 k;

	s = p += 9;
	for (;;) {
		u = (const unsigned char *)p;
		while (p < e && (bbb_cls[*u] == BBB_C_PLAIN ||
		    bbb_cls[*u] == BBB_C_LT || bbb_cls[*u] == BBB_C_AMP)) {
			p++;
			u++;
		}
		if (p >= e)
			return (NULL);
		if (bbb_cls[*u] == BBB_C_HIGH) {
			if ((k = bbb_fast_utf8(u, (const unsigned char *)e))
			    == 0)
				return (NULL);
			p += k;
		} else if (bbb_cls[*u] == BBB_C_RBRACKET) {
			if (bbb_fast_is(p, e, "]]>"))
				break;
			p++;
		} else
			return (NULL);
	}
	if (p > s)
		bbb_text_cb(bp, s, (int)(p - s));
	return (p + 3);
}

static enum bbb_fast
bbb_fast_run(struct bbb_parse *bp, const char *body, size_t len)
{
	const char	*p = body, *e = body + len;
	const char	*open[BACKEND_XML_MAX_DEPTH + 1];
	size_t		 openlen[BACKEND_XML_MAX_DEPTH + 1];
	char		 name[BBB_FAST_NAME_MAX];
	const char	*s;
	int		 depth = 0;
	bool		 done = false, empty;

	bbb_fast_init();
	if (bbb_fast_is(p, e, "<?xml") && (p = bbb_fast_decl(p, e)) == NULL)
		return (BBB_FAST_DECLINED);
	for (;;) {
		if (depth == 0) {
			p = bbb_fast_ws(p, e);
			if (p >= e)
				break;
			if (done || *p != '<')
				return (BBB_FAST_DECLINED);
		} else if ((p = bbb_fast_text(bp, p, e)) == NULL)
			return (BBB_FAST_DECLINED);
		if (bp->cause != NULL)
			return (BBB_FAST_FAILED);
		if (p >= e)
			return (BBB_FAST_DECLINED);	/* truncated */
		/* p is at '<' */
		if (p + 1 < e && p[1] == '/') {
			if (depth == 0)
				return (BBB_FAST_DECLINED);
			s = p + 2;
			if ((size_t)(e - s) < openlen[depth - 1] ||
			    memcmp(s, open[depth - 1], openlen[depth - 1]) != 0)
				return (BBB_FAST_DECLINED);
			s += openlen[depth - 1];
			if (s < e && bbb_namec[(unsigned char)*s] != 0)
				return (BBB_FAST_DECLINED);
			s = bbb_fast_ws(s, e);
			if (s >= e || *s != '>')
				return (BBB_FAST_DECLINED);
			memcpy(name, open[depth - 1], openlen[depth - 1]);
			name[openlen[depth - 1]] = '\0';
			bbb_end_cb(bp, name);
			depth--;
			p = s + 1;
			if (depth == 0)
				done = true;
		} else if (depth > 0 && bbb_fast_is(p, e, "<![CDATA[")) {
			if ((p = bbb_fast_cdata(bp, p, e)) == NULL)
				return (BBB_FAST_DECLINED);
		} else {
			s = p + 1;
			if (!bbb_fast_name(&s, e, name))
				return (BBB_FAST_DECLINED);
			open[depth] = p + 1;
			openlen[depth] = (size_t)(s - p - 1);
			s = bbb_fast_ws(s, e);
			empty = false;
			if (s < e && *s == '/') {
				empty = true;
				s++;
			}
			if (s >= e || *s != '>')
				return (BBB_FAST_DECLINED);
			bbb_start_cb(bp, name, NULL);
			if (bp->cause != NULL)
				return (BBB_FAST_FAILED);
			p = s + 1;
			if (empty) {
				bbb_end_cb(bp, name);
				if (depth == 0)
					done = true;
			} else if (++depth > BACKEND_XML_MAX_DEPTH)
				return (BBB_FAST_DECLINED);
		}
		if (bp->cause != NULL)
			return (BBB_FAST_FAILED);
	}
	return (done && depth == 0 ? BBB_FAST_DONE : BBB_FAST_DECLINED);
}

static void
bbb_parse_free(struct bbb_parse *bp)
{
	size_t	 i;

	for (i = 0; i < bp->nmeetings; i++)
		bbb_meeting_clear(&bp->meetings[i]);
	free(bp->meetings);
	free(bp->returncode);
	free(bp->message_key);
	free(bp->message);
	free(bp->cause);
	buf_free(&bp->text);
	if (bp->p != NULL)
		XML_ParserFree(bp->p);
}

/* Back to a fresh parse, keeping want_meetings. */
static void
bbb_parse_reset(struct bbb_parse *bp)
{
	bool	 want = bp->want_meetings;

	bbb_parse_free(bp);
	memset(bp, 0, sizeof *bp);
	bp->want_meetings = want;
}

/* 0 parsed, -1 failed (*cause), -2 the fast path declined (FAST). */
static int
bbb_parse_run(struct bbb_parse *bp, enum backend_xml_path path,
    const char *body, size_t len, char **cause)
{
	if (body == NULL || len == 0) {
		*cause = xstrdup("BBB API: empty answer");
		return (-1);
	}
	if (len > INT_MAX) {
		*cause = xstrdup("BBB API: answer too large");
		return (-1);
	}
	if (path != BACKEND_XML_EXPAT) {
		switch (bbb_fast_run(bp, body, len)) {
		case BBB_FAST_DONE:
			goto done;
		case BBB_FAST_FAILED:
			*cause = bp->cause;
			bp->cause = NULL;
			return (-1);
		case BBB_FAST_DECLINED:
			if (path == BACKEND_XML_FAST)
				return (-2);
			bbb_parse_reset(bp);
			break;
		}
	}
	if ((bp->p = XML_ParserCreate("UTF-8")) == NULL)
		fatalx("XML_ParserCreate failed");
	XML_SetUserData(bp->p, bp);
	XML_SetElementHandler(bp->p, bbb_start_cb, bbb_end_cb);
	XML_SetCharacterDataHandler(bp->p, bbb_text_cb);
	XML_SetStartDoctypeDeclHandler(bp->p, bbb_doctype_cb);
	if (XML_Parse(bp->p, body, (int)len, XML_TRUE) != XML_STATUS_OK) {
		if (bp->cause != NULL) {
			*cause = bp->cause;
			bp->cause = NULL;
		} else
			*cause = xasprintf("BBB API: not XML: %s at line %lu",
			    XML_ErrorString(XML_GetErrorCode(bp->p)),
			    (unsigned long)XML_GetCurrentLineNumber(bp->p));
		return (-1);
	}
done:
	if (bp->returncode == NULL) {
		*cause = xstrdup("BBB API: answer without <returncode>");
		return (-1);
	}
	return (0);
}

int
backend_bbb_decode_response(const char *body, size_t len, char **returncode,
    char **message_key, char **message, char **cause)
{
	struct bbb_parse	 bp;

	memset(&bp, 0, sizeof bp);
	*returncode = *message_key = *message = NULL;
	if (bbb_parse_run(&bp, BACKEND_XML_AUTO, body, len, cause) != 0) {
		bbb_parse_free(&bp);
		return (-1);
	}
	*returncode = bp.returncode;
	*message_key = bp.message_key;
	*message = bp.message;
	bp.returncode = bp.message_key = bp.message = NULL;
	bbb_parse_free(&bp);
	return (0);
}

int
backend_bbb_decode_meetings(const char *body, size_t len,
    struct fleet_meetings_update **out, char **cause)
{
	return (backend_bbb_decode_meetings_path(BACKEND_XML_AUTO, body, len,
	    out, cause));
}

int
backend_bbb_decode_meetings_path(enum backend_xml_path path,
    const char *body, size_t len, struct fleet_meetings_update **out,
    char **cause)
{
	struct bbb_parse		 bp;
	struct fleet_meetings_update	*u;
	int				 rc;

	*out = NULL;
	memset(&bp, 0, sizeof bp);
	bp.want_meetings = true;
	if ((rc = bbb_parse_run(&bp, path, body, len, cause)) != 0) {
		bbb_parse_free(&bp);
		return (rc);
	}
	if (strcmp(bp.returncode, "SUCCESS") != 0) {
		*cause = xasprintf("BBB API: getMeetings %s: %s: %s",
		    bp.returncode, bp.message_key != NULL ? bp.message_key :
		    "(no messageKey)", bp.message != NULL ? bp.message : "");
		goto fail;
	}
	u = xcalloc(1, sizeof *u);
	u->meetings = bp.meetings;
	u->nmeetings = bp.nmeetings;
	bp.meetings = NULL;
	bp.nmeetings = 0;
	bbb_parse_free(&bp);
	*out = u;
	return (0);

fail:
	bbb_parse_free(&bp);
	return (-1);
}
