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

static int
bbb_parse_run(struct bbb_parse *bp, const char *body, size_t len,
    char **cause)
{
	if (body == NULL || len == 0) {
		*cause = xstrdup("BBB API: empty answer");
		return (-1);
	}
	if (len > INT_MAX) {
		*cause = xstrdup("BBB API: answer too large");
		return (-1);
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
	if (bbb_parse_run(&bp, body, len, cause) != 0) {
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
	struct bbb_parse		 bp;
	struct fleet_meetings_update	*u;

	*out = NULL;
	memset(&bp, 0, sizeof bp);
	bp.want_meetings = true;
	if (bbb_parse_run(&bp, body, len, cause) != 0)
		goto fail;
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
