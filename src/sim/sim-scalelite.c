/*
 * sim-scalelite.c: scalelite (BBB API + the /scalelite/api admin API) and
 * the BBB API of every node, following scalelite v1.5.2+ (and v1.0.12
 * when world->sl_legacy is set).
 *
 * Scalelite side: getMeetings fans out to the nodes that scalelite keeps
 * (enabled or cordoned, and online in its view) and answers exactly what
 * those nodes answer, or the error scalelite makes of a node's failure;
 * getMeetingInfo and isMeetingRunning go to the meeting's server; create
 * picks the least-loaded enabled online server (or the one the meeting
 * is already on) and creates the meeting on that node's BBB API; join
 * redirects to the node's re-signed join URL; end ends it there;
 * getRecordings answers from scalelite's own recordings table, which
 * recorded meetings fill when they end (after their processing).
 * The other calls answer unsupportedRequest.
 * The admin API changes the nodes' scalelite fields (lb, tag, multiplier,
 * in_scalelite); the poller in sim-world.c does the rest (online, load,
 * cordoned -> disabled when the load is 0).
 *
 * Private state (world->scalelite): scalelite's copy of each node's
 * secret (a server updated with a wrong secret makes its node fail the
 * checksum, as it would), whether the poller has seen the BBB version,
 * and servers added with a url that is no node of the world (they stay
 * offline: nothing answers there).
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "util.h"
#include "sim/sim.h"

#define SL_XML		"application/xml; charset=utf-8"
#define SL_JSON		"application/json; charset=utf-8"
#define SL_TEXT		"text/plain; charset=utf-8"
#define BBB_XML		"text/xml;charset=utf-8"

struct sl_server {		/* a server with no node behind its url */
	char		 id[40];
	char		*url;
	char		*secret;
	char		 tag[32];
	enum sim_lb	 lb;
	double		 load_multiplier;
};

struct sl_node {		/* scalelite's record of a node */
	char		*secret;	/* NULL = the node's own secret */
	bool		 version_unknown; /* added, not polled online yet */
};

/* A recording scalelite imported (its recordings table). */
struct sl_recording {
	char		 record_id[96];	/* the meeting's internal id */
	char		 meeting_id[257];
	char		 name[96];
	int64_t		 start_ms;
	int64_t		 end_ms;
	int64_t		 ready_ms;	/* processed and imported at */
	int		 participants;
};

/* At most this many recordings are kept, the oldest go first. */
#define SL_RECORDINGS_MAX	1000
/* BBB's processing before scalelite's importer sees a recording. */
#define SL_PROCESSING_MS	(2 * 60 * 1000)

struct sl_state {
	struct sl_recording *recs;	/* oldest first */
	size_t		 nrecs;
	struct sl_node	*nodes;
	size_t		 nnodes;
	struct sl_server *extra;
	size_t		 nextra;
};

/* --- helpers ------------------------------------------------------------- */

static struct sl_state *
sl_state(struct sim_world *w)
{
	struct sl_state	*st = w->scalelite;

	if (st == NULL) {
		st = xcalloc(1, sizeof *st);
		w->scalelite = st;
		if (strcmp(w->profile, "legacy") == 0)
			w->sl_legacy = true;
	}
	if (st->nnodes < w->nnodes) {
		st->nodes = xreallocarray(st->nodes, w->nnodes,
		    sizeof *st->nodes);
		memset(st->nodes + st->nnodes, 0,
		    (w->nnodes - st->nnodes) * sizeof *st->nodes);
		st->nnodes = w->nnodes;
	}
	return (st);
}

void
sim_scalelite_free(struct sim_world *w)
{
	struct sl_state	*st;
	size_t		 i;

	if (w == NULL || (st = w->scalelite) == NULL)
		return;
	free(st->recs);
	for (i = 0; i < st->nnodes; i++)
		free(st->nodes[i].secret);
	for (i = 0; i < st->nextra; i++) {
		free(st->extra[i].url);
		free(st->extra[i].secret);
	}
	free(st->nodes);
	free(st->extra);
	free(st);
	w->scalelite = NULL;
}

char *
sim_scalelite_node_url(const struct sim_world *w, size_t node)
{
	return (xasprintf("http://%s:%u/bigbluebutton/api/",
	    w->nodes[node].fqdn, (unsigned)w->ports[SIM_METRICS]));
}

static const char *
sl_node_secret(struct sim_world *w, size_t node)
{
	struct sl_state	*st = sl_state(w);

	if (st->nodes[node].secret != NULL)
		return (st->nodes[node].secret);
	return (w->nodes[node].secret);
}

static void
xml_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		default:
			buf_addc(b, *s);
			break;
		}
	}
}

/* Rails' XML error (rescue_from BBBError; HTTP 200). */
static void
sl_xml_error(struct sim_resp *r, const char *key, const char *msg)
{
	struct buf	 b = { 0 };

	buf_adds(&b, "<?xml version=\"1.0\"?>\n<response>\n"
	    "  <returncode>FAILED</returncode>\n  <messageKey>");
	xml_escape(&b, key);
	buf_adds(&b, "</messageKey>\n  <message>");
	xml_escape(&b, msg);
	buf_adds(&b, "</message>\n</response>\n");
	sim_resp_set(r, 200, SL_XML, buf_steal(&b));
}

static void
sl_unsupported(struct sim_resp *r)
{
	sl_xml_error(r, "unsupportedRequest", "This request is not supported.");
}

static void
sl_checksum_error(struct sim_resp *r)
{
	sl_xml_error(r, "checksumError",
	    "You did not pass the checksum security check");
}

static void
sl_json(struct sim_resp *r, int status, json_t *j)
{
	char	*s;

	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	json_decref(j);
	sim_resp_set(r, status, SL_JSON, s != NULL ? s : xstrdup("null"));
}

static void printflike(4, 5)
sl_json_msg(struct sim_resp *r, int status, const char *key, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	sl_json(r, status, json_pack("{s:s}", key, msg));
	free(msg);
}

/* Hex digest of data by name ("SHA1" ...); false if unknown. */
static bool
sl_hexdigest(const char *alg, const char *data, size_t len, char *out,
    size_t outsz)
{
	const EVP_MD	*md;
	unsigned char	 dig[EVP_MAX_MD_SIZE];
	unsigned int	 n, i;

	if (strcmp(alg, "SHA1") == 0)
		md = EVP_sha1();
	else if (strcmp(alg, "SHA256") == 0)
		md = EVP_sha256();
	else if (strcmp(alg, "SHA384") == 0)
		md = EVP_sha384();
	else if (strcmp(alg, "SHA512") == 0)
		md = EVP_sha512();
	else
		return (false);
	if (EVP_Digest(data, len, dig, &n, md, NULL) != 1 ||
	    outsz < 2 * (size_t)n + 1)
		return (false);
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", dig[i]);
	return (true);
}

/*
 * The query without the checksum, as scalelite removes it: every match of
 * /&checksum=C|checksum=C&|checksum=C/ goes, by string substitution.
 */
static char *
sl_query_strip(const char *query, const char *sum)
{
	struct buf	 b = { 0 };
	char		*alt[3];
	size_t		 i, n;
	const char	*p;

	alt[0] = xasprintf("&checksum=%s", sum);
	alt[1] = xasprintf("checksum=%s&", sum);
	alt[2] = xasprintf("checksum=%s", sum);
	buf_adds(&b, "");
	for (p = query; *p != '\0';) {
		for (i = 0; i < 3; i++) {
			n = strlen(alt[i]);
			if (strncmp(p, alt[i], n) == 0)
				break;
		}
		if (i < 3) {
			p += n;
			continue;
		}
		buf_addc(&b, *p++);
	}
	for (i = 0; i < 3; i++)
		free(alt[i]);
	return (buf_steal(&b));
}

static const char *
sl_checksum_alg(size_t len, bool bbb)
{
	switch (len) {
	case 40:
		return ("SHA1");
	case 64:
		return ("SHA256");
	case 96:
		return (bbb ? "SHA384" : NULL);
	case 128:
		return ("SHA512");
	}
	return (NULL);
}

/*
 * Scalelite's verify_checksum: checksum = hex(HASH(action + query without
 * checksum + secret)), the algorithm chosen by the length (v1.0.x: SHA1
 * only), compared exactly (lower-case hex).  bbb: a BBB node's rule
 * (also SHA384).
 */
static bool
sl_checksum_ok(const char *action, const char *query, const char *secret,
    bool legacy, bool bbb)
{
	char		*sum, *rest, *in, hex[2 * EVP_MAX_MD_SIZE + 1];
	const char	*alg;
	bool		 ok = false;

	if ((sum = sim_query_get(query, "checksum")) == NULL)
		return (false);
	if (*sum == '\0' || (alg = sl_checksum_alg(strlen(sum), bbb)) == NULL ||
	    (legacy && strcmp(alg, "SHA1") != 0)) {
		free(sum);
		return (false);
	}
	rest = sl_query_strip(query, sum);
	in = xasprintf("%s%s%s", action, rest, secret);
	if (sl_hexdigest(alg, in, strlen(in), hex, sizeof hex))
		ok = strcmp(hex, sum) == 0;
	freezero_str(in);
	free(rest);
	free(sum);
	return (ok);
}

/* Java's Date.toString() in UTC: "Tue Jul 10 16:36:25 UTC 2018". */
static void
sl_java_date(int64_t ms, char *out, size_t outsz)
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(out, outsz, "%a %b %d %H:%M:%S UTC %Y", &tm);
}

/* A <meeting> element as a BBB node's getMeetings renders it. */
static void
sl_meeting_xml(struct buf *b, const struct sim_world *w,
    const struct sim_meeting *m)
{
	char	 date[64];
	int	 i, listen, voice, video;

	sl_java_date(m->created_ms, date, sizeof date);
	buf_adds(b, "    <meeting>\n      <meetingName>");
	xml_escape(b, m->name);
	buf_adds(b, "</meetingName>\n      <meetingID>");
	xml_escape(b, m->id);
	buf_adds(b, "</meetingID>\n      <internalMeetingID>");
	xml_escape(b, m->internal_id);
	buf_printf(b, "</internalMeetingID>\n"
	    "      <createTime>%lld</createTime>\n"
	    "      <createDate>%s</createDate>\n"
	    "      <voiceBridge>%d</voiceBridge>\n"
	    "      <dialNumber>613-555-1234</dialNumber>\n"
	    "      <attendeePW>", (long long)m->created_ms, date,
	    m->voice_bridge);
	xml_escape(b, m->attendee_pw);
	buf_adds(b, "</attendeePW>\n      <moderatorPW>");
	xml_escape(b, m->moderator_pw);
	buf_printf(b, "</moderatorPW>\n"
	    "      <running>true</running>\n"
	    "      <duration>0</duration>\n"
	    "      <hasUserJoined>%s</hasUserJoined>\n"
	    "      <recording>%s</recording>\n"
	    "      <hasBeenForciblyEnded>false</hasBeenForciblyEnded>\n"
	    "      <startTime>%lld</startTime>\n"
	    "      <endTime>0</endTime>\n"
	    "      <participantCount>%d</participantCount>\n"
	    "      <listenerCount>%d</listenerCount>\n"
	    "      <voiceParticipantCount>%d</voiceParticipantCount>\n"
	    "      <videoCount>%d</videoCount>\n"
	    "      <maxUsers>0</maxUsers>\n"
	    "      <moderatorCount>%d</moderatorCount>\n"
	    "      <attendees>\n",
	    m->participants > 0 ? "true" : "false",
	    m->recording ? "true" : "false",
	    (long long)m->created_ms + 37, m->participants, m->listeners,
	    m->voice, m->video, m->moderators);
	listen = m->listeners;
	voice = m->voice;
	video = m->video;
	for (i = 0; i < m->participants; i++) {
		buf_printf(b, "        <attendee>\n"
		    "          <userID>w_%08x%04x</userID>\n"
		    "          <fullName>User %d</fullName>\n"
		    "          <role>%s</role>\n"
		    "          <isPresenter>%s</isPresenter>\n",
		    (unsigned)(m->voice_bridge * 2654435761u), (unsigned)i,
		    i + 1, i < m->moderators ? "MODERATOR" : "VIEWER",
		    i == 0 ? "true" : "false");
		buf_printf(b, "          <isListeningOnly>%s</isListeningOnly>\n"
		    "          <hasJoinedVoice>%s</hasJoinedVoice>\n"
		    "          <hasVideo>%s</hasVideo>\n"
		    "          <clientType>HTML5</clientType>\n"
		    "        </attendee>\n",
		    listen > 0 ? "true" : "false",
		    listen <= 0 && voice > 0 ? "true" : "false",
		    video > 0 ? "true" : "false");
		if (listen > 0)
			listen--;
		else if (voice > 0)
			voice--;
		if (video > 0)
			video--;
	}
	buf_adds(b, "      </attendees>\n      <metadata>\n"
	    "        <bbb-origin><![CDATA[Greenlight]]></bbb-origin>\n"
	    "        <bbb-origin-version><![CDATA[release-2.5]]>"
	    "</bbb-origin-version>\n"
	    "        <bbb-origin-server-name><![CDATA[greenlight.localhost]]>"
	    "</bbb-origin-server-name>\n"
	    "      </metadata>\n"
	    "      <isBreakout>false</isBreakout>\n"
	    "    </meeting>\n");
	(void)w;
}

static void
sl_bbb_root(struct sim_resp *r, const char *ctype, const char *bbb_version)
{
	if (bbb_version != NULL) {
		sim_resp_printf(r, 200, ctype,
		    "<response>\n<returncode>SUCCESS</returncode>\n"
		    "<version>2.0</version>\n<apiVersion>2.0</apiVersion>\n"
		    "<bbbVersion>%s</bbbVersion>\n</response>\n",
		    bbb_version);
	} else {
		sim_resp_printf(r, 200, ctype,
		    "<?xml version=\"1.0\"?>\n<response>\n"
		    "  <returncode>SUCCESS</returncode>\n"
		    "  <version>2.0</version>\n</response>\n");
	}
}

/* The last path component after prefix ("" for the root), or NULL. */
static const char *
sl_path_after(const char *path, const char *prefix, char *out, size_t outsz)
{
	size_t	 n = strlen(prefix), len;

	if (strncmp(path, prefix, n) != 0)
		return (NULL);
	path += n;
	if (*path == '/')
		path++;
	else if (*path != '\0')
		return (NULL);
	len = strlen(path);
	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len >= outsz || memchr(path, '/', len) != NULL)
		return (NULL);
	memcpy(out, path, len);
	out[len] = '\0';
	return (out);
}

static bool
sl_is(const struct sim_req *q, const char *method)
{
	if (strcmp(method, "GET") == 0 && strcmp(q->method, "HEAD") == 0)
		return (true);
	return (strcmp(q->method, method) == 0);
}

/* A meeting on a node by meetingID; -1 if none. */
static long
sl_meeting_find(const struct sim_world *w, long node, const char *id)
{
	size_t	 i;

	for (i = 0; id != NULL && i < w->nmeetings; i++) {
		if ((node < 0 || w->meetings[i].node == node) &&
		    strcmp(w->meetings[i].id, id) == 0)
			return ((long)i);
	}
	return (-1);
}

/*
 * A node's getMeetingInfo or isMeetingRunning (checksum already checked):
 * the meeting's fields straight under <response>.
 */
static void
sl_meeting_call(struct sim_world *w, size_t node, const char *call,
    const struct sim_req *q, struct sim_resp *r, const char *ctype)
{
	struct buf	 b = { 0 }, one = { 0 };
	char		*id;
	const char	*open = "    <meeting>\n", *close = "    </meeting>\n";
	long		 m;

	id = sim_query_get(q->query, "meetingID");
	if (id == NULL || *id == '\0') {
		sim_resp_printf(r, 200, ctype, "<response>\n"
		    "<returncode>FAILED</returncode>\n"
		    "<messageKey>missingParamMeetingID</messageKey>\n"
		    "<message>You must specify a meeting ID for the meeting."
		    "</message>\n</response>\n");
		free(id);
		return;
	}
	m = sl_meeting_find(w, (long)node, id);
	free(id);
	if (strcmp(call, "isMeetingRunning") == 0) {
		sim_resp_printf(r, 200, ctype, "<response>\n"
		    "<returncode>SUCCESS</returncode>\n"
		    "<running>%s</running>\n</response>\n",
		    m >= 0 ? "true" : "false");
		return;
	}
	if (m < 0) {
		sim_resp_printf(r, 200, ctype, "<response>\n"
		    "<returncode>FAILED</returncode>\n"
		    "<messageKey>notFound</messageKey>\n"
		    "<message>We could not find a meeting with that meeting ID"
		    "</message>\n</response>\n");
		return;
	}
	sl_meeting_xml(&one, w, &w->meetings[m]);
	buf_adds(&b, "<response>\n  <returncode>SUCCESS</returncode>\n");
	buf_add(&b, one.data + strlen(open), one.len - strlen(open) -
	    strlen(close));
	buf_adds(&b, "</response>\n");
	buf_free(&one);
	sim_resp_set(r, 200, ctype, buf_steal(&b));
}

/* --- recordings ---------------------------------------------------------- */

/*
 * A meeting ends: if it was recorded and someone was in it, BBB processes
 * a recording, which scalelite's importer adds to its table once done
 * (SL_PROCESSING_MS later).  An empty meeting leaves no recording.
 */
void
sim_scalelite_meeting_ended(struct sim_world *w, const struct sim_meeting *m)
{
	struct sl_state		*st;
	struct sl_recording	*rec;

	if (!m->recording || m->participants == 0)
		return;
	st = sl_state(w);
	if (st->nrecs == SL_RECORDINGS_MAX) {
		memmove(st->recs, st->recs + 1, (st->nrecs - 1) *
		    sizeof *st->recs);
		st->nrecs--;
	}
	st->recs = xreallocarray(st->recs, st->nrecs + 1, sizeof *st->recs);
	rec = &st->recs[st->nrecs++];
	memset(rec, 0, sizeof *rec);
	snprintf(rec->record_id, sizeof rec->record_id, "%s", m->internal_id);
	snprintf(rec->meeting_id, sizeof rec->meeting_id, "%s", m->id);
	snprintf(rec->name, sizeof rec->name, "%s", m->name);
	rec->start_ms = m->created_ms;
	rec->end_ms = w->now_ms;
	rec->ready_ms = w->now_ms + SL_PROCESSING_MS;
	rec->participants = m->participants;
}

/* Whether s is one of the comma-separated values (prefix: a prefix). */
static bool
sl_in_list(const char *list, const char *s, bool prefix)
{
	const char	*p = list, *e;
	size_t		 n;

	while (*p != '\0') {
		e = p + strcspn(p, ",");
		n = (size_t)(e - p);
		if (n > 0 && (prefix ? strncmp(s, p, n) == 0 :
		    strlen(s) == n && strncmp(s, p, n) == 0))
			return (true);
		p = *e == ',' ? e + 1 : e;
	}
	return (false);
}

/* --- the BBB calls that change meetings (node side) --------------------- */

/* A BBB node's FAILED answer. */
static void
sl_bbb_failed(struct sim_resp *r, const char *ctype, const char *key,
    const char *msg)
{
	struct buf	 b = { 0 };

	buf_adds(&b, "<response>\n<returncode>FAILED</returncode>\n"
	    "<messageKey>");
	xml_escape(&b, key);
	buf_adds(&b, "</messageKey>\n<message>");
	xml_escape(&b, msg);
	buf_adds(&b, "</message>\n</response>\n");
	sim_resp_set(r, 200, ctype, buf_steal(&b));
}

/*
 * BBB's create on a node (bigbluebutton-web ApiController create): the
 * meeting starts empty; the same meetingID again is SUCCESS with
 * duplicateWarning when the passwords agree, else idNotUnique.  A
 * meeting nobody joins ends after meetingExpireIfNoUserJoinedInMinutes
 * (5, bbb-web.properties) of simulated time, or after its duration.
 */
static void
sl_node_create(struct sim_world *w, size_t node, const char *query,
    struct sim_resp *r, const char *ctype)
{
	struct sim_meeting	*m;
	struct buf		 b = { 0 };
	char			*id, *name, *mpw, *apw, *dur, *rec;
	char			 date[64];
	const char		*warn = NULL;
	const char		*errstr;
	long long		 minutes = 0;
	long			 at;

	id = sim_query_get(query, "meetingID");
	name = sim_query_get(query, "name");
	mpw = sim_query_get(query, "moderatorPW");
	apw = sim_query_get(query, "attendeePW");
	dur = sim_query_get(query, "duration");
	rec = sim_query_get(query, "record");
	if (id == NULL || *id == '\0') {
		sl_bbb_failed(r, ctype, "missingParamMeetingID",
		    "You must specify a meeting ID for the meeting.");
		goto out;
	}
	if (strlen(id) < 2 || strlen(id) > 256 || strchr(id, ',') != NULL) {
		sl_bbb_failed(r, ctype, "sizeError", "Meeting ID must be "
		    "between 2 and 256 characters");
		goto out;
	}
	if (name == NULL || *name == '\0') {
		sl_bbb_failed(r, ctype, "missingParamName",
		    "You must specify a name for the meeting.");
		goto out;
	}
	if (dur != NULL && util_parse_ll(dur, 0, 100000, &minutes,
	    &errstr) != 0)
		minutes = 0;
	if ((at = sl_meeting_find(w, (long)node, id)) >= 0) {
		m = &w->meetings[at];
		if ((mpw != NULL && strcmp(mpw, m->moderator_pw) != 0) ||
		    (apw != NULL && strcmp(apw, m->attendee_pw) != 0)) {
			sl_bbb_failed(r, ctype, "idNotUnique", "A meeting "
			    "already exists with that meeting ID.  Please use "
			    "a different meeting ID.");
			goto out;
		}
		warn = "duplicateWarning";
	} else {
		at = (long)sim_world_add_meeting(w, node, id, name);
		m = &w->meetings[at];
		/* nobody is in it: no model of a class filling up */
		m->target = m->participants = m->moderators = 0;
		m->voice = m->video = m->listeners = 0;
		m->recording = rec != NULL && strcmp(rec, "true") == 0;
		if (mpw != NULL)
			snprintf(m->moderator_pw, sizeof m->moderator_pw,
			    "%s", mpw);
		if (apw != NULL)
			snprintf(m->attendee_pw, sizeof m->attendee_pw,
			    "%s", apw);
		m->ends_ms = m->created_ms + (minutes > 0 ?
		    minutes * 60000 : 5 * 60000);
	}
	sl_java_date(m->created_ms, date, sizeof date);
	buf_adds(&b, "<response>\n<returncode>SUCCESS</returncode>\n"
	    "<meetingID>");
	xml_escape(&b, m->id);
	buf_adds(&b, "</meetingID>\n<internalMeetingID>");
	xml_escape(&b, m->internal_id);
	buf_adds(&b, "</internalMeetingID>\n<parentMeetingID>bbb-none"
	    "</parentMeetingID>\n<attendeePW>");
	xml_escape(&b, m->attendee_pw);
	buf_adds(&b, "</attendeePW>\n<moderatorPW>");
	xml_escape(&b, m->moderator_pw);
	buf_printf(&b, "</moderatorPW>\n<createTime>%lld</createTime>\n"
	    "<voiceBridge>%d</voiceBridge>\n<dialNumber>613-555-1234"
	    "</dialNumber>\n<createDate>%s</createDate>\n"
	    "<hasUserJoined>false</hasUserJoined>\n<duration>%lld</duration>\n"
	    "<hasBeenForciblyEnded>false</hasBeenForciblyEnded>\n",
	    (long long)m->created_ms, m->voice_bridge, date, minutes);
	if (warn != NULL)
		buf_adds(&b, "<messageKey>duplicateWarning</messageKey>\n"
		    "<message>This conference was already in existence and "
		    "may currently be in progress.</message>\n");
	else
		buf_adds(&b, "<messageKey></messageKey>\n"
		    "<message></message>\n");
	buf_adds(&b, "</response>\n");
	sim_resp_set(r, 200, ctype, buf_steal(&b));
out:
	free(id);
	free(name);
	free(mpw);
	free(apw);
	free(dur);
	free(rec);
}

/*
 * BBB's join on a node: fullName and the meeting needed; role (2.4+)
 * or a password that is one of the meeting's.  redirect=false answers
 * the XML, else 302 to the HTML5 client.
 */
static void
sl_node_join(struct sim_world *w, size_t node, const char *query,
    struct sim_resp *r, const char *ctype)
{
	struct sim_meeting	*m;
	char			*id, *full, *pw, *role, *redir, *url;
	char			 tok[17];
	long			 at;
	int			 i;

	id = sim_query_get(query, "meetingID");
	full = sim_query_get(query, "fullName");
	pw = sim_query_get(query, "password");
	role = sim_query_get(query, "role");
	redir = sim_query_get(query, "redirect");
	if (id == NULL || *id == '\0') {
		sl_bbb_failed(r, ctype, "missingParamMeetingID",
		    "You must specify a meeting ID for the meeting.");
		goto out;
	}
	if (full == NULL || *full == '\0') {
		sl_bbb_failed(r, ctype, "missingParamFullName", "You must "
		    "specify a name for the attendee who will be joining the "
		    "meeting.");
		goto out;
	}
	if ((at = sl_meeting_find(w, (long)node, id)) < 0) {
		sl_bbb_failed(r, ctype, "invalidMeetingIdentifier", "The "
		    "meeting ID that you supplied did not match any existing "
		    "meetings");
		goto out;
	}
	m = &w->meetings[at];
	if ((role == NULL || (strcasecmp(role, "MODERATOR") != 0 &&
	    strcasecmp(role, "VIEWER") != 0)) && (pw == NULL ||
	    (strcmp(pw, m->moderator_pw) != 0 &&
	    strcmp(pw, m->attendee_pw) != 0))) {
		sl_bbb_failed(r, ctype, "invalidPassword", "You either did "
		    "not supply a password or the password supplied is neither "
		    "the attendee or moderator password for this conference.");
		goto out;
	}
	for (i = 0; i < 16; i++)
		tok[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[
		    (int)(sim_rand(w) * 36)];
	tok[16] = '\0';
	/* On the node's own host and port, which serve the client page. */
	url = xasprintf("http://%s:%u/html5client/join?sessionToken=%s",
	    w->nodes[node].fqdn, (unsigned)w->ports[SIM_METRICS], tok);
	if (redir != NULL && strcmp(redir, "false") == 0) {
		sim_resp_printf(r, 200, ctype, "<response>\n"
		    "<returncode>SUCCESS</returncode>\n"
		    "<messageKey>successfullyJoined</messageKey>\n"
		    "<message>You have joined successfully.</message>\n"
		    "<meeting_id>%s</meeting_id>\n<user_id>w_%s</user_id>\n"
		    "<auth_token>%.12s</auth_token>\n"
		    "<session_token>%s</session_token>\n"
		    "<guestStatus>ALLOW</guestStatus>\n<url>%s</url>\n"
		    "</response>\n", m->internal_id, tok + 4, tok, tok, url);
	} else {
		sim_resp_printf(r, 302, "text/html", "<html><body>You are "
		    "being <a href=\"%s\">redirected</a>.</body></html>", url);
		sim_resp_header(r, "Location", url);
	}
	free(url);
out:
	free(id);
	free(full);
	free(pw);
	free(role);
	free(redir);
}

/*
 * BBB's end: the meeting goes (BBB ends it asynchronously, within a
 * second); a password, when given, must be the moderator's (2.7: it is
 * optional; scalelite passes its own).
 */
static void
sl_node_end(struct sim_world *w, size_t node, const char *query,
    struct sim_resp *r, const char *ctype)
{
	char	*id, *pw;
	long	 at;

	id = sim_query_get(query, "meetingID");
	pw = sim_query_get(query, "password");
	if (id == NULL || *id == '\0') {
		sl_bbb_failed(r, ctype, "missingParamMeetingID",
		    "You must specify a meeting ID for the meeting.");
		goto out;
	}
	if ((at = sl_meeting_find(w, (long)node, id)) < 0) {
		sl_bbb_failed(r, ctype, "notFound", "We could not find a "
		    "meeting with that meeting ID - perhaps the meeting is "
		    "not yet running?");
		goto out;
	}
	if (pw != NULL && *pw != '\0' &&
	    strcmp(pw, w->meetings[at].moderator_pw) != 0) {
		sl_bbb_failed(r, ctype, "invalidPassword",
		    "The supplied moderator password is incorrect.");
		goto out;
	}
	sim_world_end_meeting(w, (size_t)at);
	sim_resp_printf(r, 200, ctype, "<response>\n"
	    "<returncode>SUCCESS</returncode>\n"
	    "<messageKey>sentEndMeetingRequest</messageKey>\n"
	    "<message>A request to end the meeting was sent.  Please wait a "
	    "few seconds, and then use the getMeetingInfo or isMeetingRunning "
	    "API calls to verify that it was ended.</message>\n</response>\n");
out:
	free(id);
	free(pw);
}

/* The sim keeps no recordings: BBB's empty answer. */
static void
sl_node_recordings(struct sim_resp *r, const char *ctype)
{
	sim_resp_printf(r, 200, ctype, "<response>\n"
	    "<returncode>SUCCESS</returncode>\n<recordings></recordings>\n"
	    "<messageKey>noRecordings</messageKey>\n"
	    "<message>There are no recordings for the meeting(s).</message>\n"
	    "</response>\n");
}

/* --- the BBB API of a node ---------------------------------------------- */

void
sim_bbb_node_handle(struct sim_world *w, size_t node, const struct sim_req *q,
    struct sim_resp *r)
{
	struct sim_node	*n;
	struct buf	 b = { 0 };
	char		 call[64];
	size_t		 i, count = 0;

	if (node >= w->nnodes) {
		sim_resp_printf(r, 404, "text/plain", "no such node\n");
		return;
	}
	n = &w->nodes[node];
	if (!n->up) {
		sim_resp_set(r, 503, "text/plain", xstrdup(""));
		return;
	}
	if (!n->bbb_api_ok) {
		sim_resp_printf(r, 502, "text/html",
		    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
		    "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
		    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
		return;
	}
	if (strcmp(q->path, "/html5client/join") == 0) {
		/* The HTML5 client's page: static; its script checks the
		   session token later. */
		sim_resp_printf(r, 200, "text/html", "<!DOCTYPE html>\n<html>"
		    "<head><title>BigBlueButton - HTML5 Client</title></head>"
		    "<body><div id=\"app\"></div></body></html>\n");
		return;
	}
	if (sl_path_after(q->path, "/bigbluebutton/api", call,
	    sizeof call) == NULL) {
		sim_resp_printf(r, 404, "text/html",
		    "<html><body><h1>404 Not Found</h1></body></html>\n");
		return;
	}
	if (*call == '\0') {
		sl_bbb_root(r, BBB_XML, n->bbb_version);
		return;
	}
	if (strcmp(call, "getMeetings") != 0 &&
	    strcmp(call, "getMeetingInfo") != 0 &&
	    strcmp(call, "isMeetingRunning") != 0 &&
	    strcmp(call, "create") != 0 && strcmp(call, "join") != 0 &&
	    strcmp(call, "end") != 0 && strcmp(call, "getRecordings") != 0) {
		sim_resp_printf(r, 200, BBB_XML, "<response>\n"
		    "<returncode>FAILED</returncode>\n"
		    "<messageKey>unsupportedRequest</messageKey>\n"
		    "<message>This request is not supported.</message>\n"
		    "</response>\n");
		return;
	}
	if (!sl_checksum_ok(call, q->query, n->secret, false, true)) {
		sim_resp_printf(r, 200, BBB_XML, "<response>\n"
		    "<returncode>FAILED</returncode>\n"
		    "<messageKey>checksumError</messageKey>\n"
		    "<message>Checksums do not match</message>\n"
		    "</response>\n");
		return;
	}
	if (strcmp(call, "create") == 0) {
		sl_node_create(w, node, q->query, r, BBB_XML);
		return;
	}
	if (strcmp(call, "join") == 0) {
		sl_node_join(w, node, q->query, r, BBB_XML);
		return;
	}
	if (strcmp(call, "end") == 0) {
		sl_node_end(w, node, q->query, r, BBB_XML);
		return;
	}
	if (strcmp(call, "getRecordings") == 0) {
		sl_node_recordings(r, BBB_XML);
		return;
	}
	if (strcmp(call, "getMeetings") != 0) {
		sl_meeting_call(w, node, call, q, r, BBB_XML);
		return;
	}
	buf_adds(&b, "<response>\n  <returncode>SUCCESS</returncode>\n"
	    "  <meetings>\n");
	for (i = 0; i < w->nmeetings; i++) {
		if (w->meetings[i].node != (int)node)
			continue;
		sl_meeting_xml(&b, w, &w->meetings[i]);
		count++;
	}
	buf_adds(&b, "  </meetings>\n");
	if (count == 0) {
		buf_adds(&b, "  <messageKey>noMeetings</messageKey>\n"
		    "  <message>no meetings were found on this server</message>\n");
	}
	buf_adds(&b, "</response>\n");
	sim_resp_set(r, 200, BBB_XML, buf_steal(&b));
}

/* --- scalelite's BBB API ------------------------------------------------ */

/* Rails' verify_content_type for the BBB API: form data on a POST body. */
static bool
sl_form_ok(const struct sim_req *q)
{
	const char	*ct;

	if (strcmp(q->method, "POST") != 0 || q->bodylen == 0)
		return (true);
	if ((ct = q->header(q, "Content-Type")) == NULL)
		return (false);
	return (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 ||
	    strncasecmp(ct, "multipart/form-data", 19) == 0);
}

static void
sl_get_meetings(struct sim_world *w, const struct sim_req *q,
    struct sim_resp *r)
{
	struct sl_state	*st = sl_state(w);
	struct sim_node	*n;
	struct buf	 b = { 0 };
	size_t		 i, j, count = 0, *first, *order;

	if (!w->sl_legacy && !sl_form_ok(q)) {
		sl_xml_error(r, "unsupportedContentType",
		    "POST request Content-Type is missing or unsupported");
		return;
	}
	if (!sl_checksum_ok("getMeetings", q->query, w->sl_secret,
	    w->sl_legacy, false)) {
		sl_checksum_error(r);
		return;
	}
	/* Meetings grouped by node (first[i] .. first[i + 1] in order). */
	first = xcalloc(w->nnodes + 1, sizeof *first);
	order = xcalloc(w->nmeetings + 1, sizeof *order);
	for (j = 0; j < w->nmeetings; j++)
		first[w->meetings[j].node + 1]++;
	for (i = 0; i < w->nnodes; i++)
		first[i + 1] += first[i];
	for (j = 0; j < w->nmeetings; j++)
		order[first[w->meetings[j].node]++] = j;
	for (i = w->nnodes; i > 0; i--)
		first[i] = first[i - 1];
	first[0] = 0;

	buf_adds(&b, "<?xml version=\"1.0\"?>\n<response>\n"
	    "  <returncode>SUCCESS</returncode>\n  <meetings>\n");
	for (i = 0; i < w->nnodes; i++) {
		n = &w->nodes[i];
		if (!n->in_scalelite || !n->online || n->lb == SIM_LB_DISABLED)
			continue;
		if (!n->up) {
			sl_xml_error(r, "internalError",
			    "Unable to access server.");
			goto fail;
		}
		if (!n->bbb_api_ok) {
			sl_xml_error(r, "internalError",
			    "Response did not include returncode");
			goto fail;
		}
		if (strcmp(sl_node_secret(w, i), n->secret) != 0) {
			sl_xml_error(r, "checksumError",
			    "Checksums do not match");
			goto fail;
		}
		st->nodes[i].version_unknown = false;
		for (j = first[i]; j < first[i + 1]; j++) {
			sl_meeting_xml(&b, w, &w->meetings[order[j]]);
			count++;
		}
	}
	free(first);
	free(order);
	if (count == 0) {
		buf_free(&b);
		sim_resp_printf(r, 200, SL_XML, "<?xml version=\"1.0\"?>\n"
		    "<response>\n  <returncode>SUCCESS</returncode>\n"
		    "  <messageKey>noMeetings</messageKey>\n"
		    "  <message>no meetings were found on this server</message>\n"
		    "  <meetings/>\n</response>\n");
		return;
	}
	buf_adds(&b, "  </meetings>\n</response>\n");
	sim_resp_set(r, 200, SL_XML, buf_steal(&b));
	return;
fail:
	buf_free(&b);
	free(first);
	free(order);
}


/*
 * getMeetingInfo and isMeetingRunning through scalelite: its meeting
 * record says which server; that server answers (scalelite re-renders
 * the node's XML, or makes an error of its failure).
 */
static void
sl_meeting_proxy(struct sim_world *w, const struct sim_req *q,
    const char *call, struct sim_resp *r)
{
	struct sim_node	*n;
	char		*id;
	long		 m;

	if (!w->sl_legacy && !sl_form_ok(q)) {
		sl_xml_error(r, "unsupportedContentType",
		    "POST request Content-Type is missing or unsupported");
		return;
	}
	if (!sl_checksum_ok(call, q->query, w->sl_secret, w->sl_legacy,
	    false)) {
		sl_checksum_error(r);
		return;
	}
	id = sim_query_get(q->query, "meetingID");
	if (id == NULL || *id == '\0') {
		free(id);
		sl_xml_error(r, "missingParamMeetingID",
		    "You must specify a meeting ID for the meeting.");
		return;
	}
	m = sl_meeting_find(w, -1, id);
	free(id);
	if (m >= 0 && !w->nodes[w->meetings[m].node].in_scalelite)
		m = -1;
	if (m < 0) {
		if (strcmp(call, "isMeetingRunning") == 0)
			sim_resp_printf(r, 200, SL_XML, "<?xml version=\"1.0\"?>"
			    "\n<response>\n  <returncode>SUCCESS</returncode>\n"
			    "  <running>false</running>\n</response>\n");
		else
			sl_xml_error(r, "notFound", "We could not find a "
			    "meeting with that meeting ID - perhaps the meeting "
			    "is not yet running?");
		return;
	}
	n = &w->nodes[w->meetings[m].node];
	if (!n->up) {
		sl_xml_error(r, "internalError",
		    "Unable to access meeting on server.");
		return;
	}
	if (!n->bbb_api_ok) {
		sl_xml_error(r, "internalError",
		    "Response did not include returncode");
		return;
	}
	if (strcmp(sl_node_secret(w, (size_t)w->meetings[m].node),
	    n->secret) != 0) {
		sl_xml_error(r, "checksumError", "Checksums do not match");
		return;
	}
	sl_meeting_call(w, (size_t)w->meetings[m].node, call, q, r, SL_XML);
}


/*
 * Whether scalelite can reach a meeting's node (0), or the error it makes
 * of the failure (answered; -1): what get_post_req raises.
 */
static int
sl_node_reachable(struct sim_world *w, size_t node, const char *what,
    struct sim_resp *r)
{
	struct sim_node	*n = &w->nodes[node];

	if (!n->up) {
		sl_xml_error(r, "internalError", what);
		return (-1);
	}
	if (!n->bbb_api_ok) {
		sl_xml_error(r, "internalError",
		    "Response did not include returncode");
		return (-1);
	}
	if (strcmp(sl_node_secret(w, node), n->secret) != 0) {
		sl_xml_error(r, "checksumError", "Checksums do not match");
		return (-1);
	}
	return (0);
}

/* The meeting scalelite has a record of (its node in scalelite), or -1. */
static long
sl_meeting_known(struct sim_world *w, const char *id)
{
	long	m = sl_meeting_find(w, -1, id);

	if (m >= 0 && !w->nodes[w->meetings[m].node].in_scalelite)
		m = -1;
	return (m);
}

/*
 * Server.find_available (app/models/server.rb): the first of the
 * server_load sorted set (zrange 0 0), which holds the enabled servers
 * the poller found online: the lowest load, equal loads in Redis' order
 * of their members (the ids, byte-wise); -1 if none.  (Tags,
 * meta_server-tag, are not simulated.)
 */
static long
sl_find_available(struct sim_world *w)
{
	struct sim_node	*n;
	long		 best = -1;
	size_t		 i;

	for (i = 0; i < w->nnodes; i++) {
		n = &w->nodes[i];
		if (!n->in_scalelite || !n->online || n->lb != SIM_LB_ENABLED ||
		    isnan(n->load))
			continue;
		if (best < 0 || n->load < w->nodes[best].load ||
		    (n->load == w->nodes[best].load &&
		    strcmp(n->sl_id, w->nodes[best].sl_id) < 0))
			best = (long)i;
	}
	return (best);
}

/* The call's query without its checksum (the params scalelite passes). */
static char *
sl_params(const struct sim_req *q)
{
	char	*sum, *rest;

	if ((sum = sim_query_get(q->query, "checksum")) == NULL)
		return (xstrdup(q->query));
	rest = sl_query_strip(q->query, sum);
	free(sum);
	return (rest);
}

/*
 * The common start of scalelite's meeting calls: content type, checksum,
 * meetingID (params.require).  Returns the meetingID, or NULL after
 * answering.
 */
static char *
sl_meeting_call_start(struct sim_world *w, const struct sim_req *q,
    const char *call, struct sim_resp *r)
{
	char	*id;

	if (!w->sl_legacy && !sl_form_ok(q)) {
		sl_xml_error(r, "unsupportedContentType",
		    "POST request Content-Type is missing or unsupported");
		return (NULL);
	}
	if (!sl_checksum_ok(call, q->query, w->sl_secret, w->sl_legacy,
	    false)) {
		sl_checksum_error(r);
		return (NULL);
	}
	id = sim_query_get(q->query, "meetingID");
	if (id == NULL || *id == '\0') {
		free(id);
		sl_xml_error(r, "missingParamMeetingID",
		    "You must specify a meeting ID for the meeting.");
		return (NULL);
	}
	return (id);
}

/*
 * create (bigbluebutton_api_controller.rb create): a meeting scalelite
 * knows stays on its server, a new one goes to find_available; the
 * server's load goes up by its multiplier at once (increment_load); a
 * moderatorPW is made up when none is given; the node's answer is
 * passed back.
 */
static void
sl_create(struct sim_world *w, const struct sim_req *q, struct sim_resp *r)
{
	char	*id, *params, *fwd, *mpw, pw[9];
	long	 m, node;
	int	 i;

	if ((id = sl_meeting_call_start(w, q, "create", r)) == NULL)
		return;
	if ((m = sl_meeting_known(w, id)) >= 0)
		node = w->meetings[m].node;
	else if ((node = sl_find_available(w)) < 0) {
		sl_xml_error(r, "internalError",
		    "Could not find any available servers.");
		free(id);
		return;
	}
	free(id);
	params = sl_params(q);
	if ((mpw = sim_query_get(params, "moderatorPW")) == NULL ||
	    *mpw == '\0') {
		for (i = 0; i < 8; i++)
			pw[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
			    "qrstuvwxyz0123456789"[(int)(sim_rand(w) * 62)];
		pw[8] = '\0';
		fwd = xasprintf("%s%smoderatorPW=%s", params,
		    *params != '\0' ? "&" : "", pw);
	} else
		fwd = xstrdup(params);
	free(mpw);
	free(params);
	w->nodes[node].load += w->nodes[node].load_multiplier;
	if (sl_node_reachable(w, (size_t)node,
	    "Unable to create meeting on server.", r) == 0)
		sl_node_create(w, (size_t)node, fwd, r, SL_XML);
	free(fwd);
}

/*
 * join: always a redirect to the meeting's node, the params re-signed
 * with the node's secret (encode_bbb_uri, SHA256); an offline or
 * disabled server raises ServerDisabledError, which no rescue turns into
 * XML: Rails' 500 page.
 */
static void
sl_join(struct sim_world *w, const struct sim_req *q, struct sim_resp *r)
{
	struct sim_node	*n;
	char		*id, *params, *in, *url, *base, hex[129];
	long		 m;

	if ((id = sl_meeting_call_start(w, q, "join", r)) == NULL)
		return;
	m = sl_meeting_known(w, id);
	free(id);
	if (m < 0) {
		sl_xml_error(r, "notFound", "We could not find a meeting with "
		    "that meeting ID - perhaps the meeting is not yet "
		    "running?");
		return;
	}
	n = &w->nodes[w->meetings[m].node];
	if (!n->online || n->lb == SIM_LB_DISABLED) {
		sim_resp_printf(r, 500, "text/html; charset=utf-8",
		    "<!DOCTYPE html>\n<html>\n<head>\n<title>We're sorry, but "
		    "something went wrong (500)</title>\n</head>\n<body>\n"
		    "<h1>We're sorry, but something went wrong.</h1>\n"
		    "</body>\n</html>\n");
		return;
	}
	params = sl_params(q);
	in = xasprintf("join%s%s", params, sl_node_secret(w,
	    (size_t)w->meetings[m].node));
	if (!sl_hexdigest("SHA256", in, strlen(in), hex, sizeof hex))
		hex[0] = '\0';
	freezero_str(in);
	base = sim_scalelite_node_url(w, (size_t)w->meetings[m].node);
	url = xasprintf("%sjoin?%s%schecksum=%s", base, params,
	    *params != '\0' ? "&" : "", hex);
	sim_resp_printf(r, 302, "text/html; charset=utf-8", "<html><body>You "
	    "are being <a href=\"%s\">redirected</a>.</body></html>", url);
	sim_resp_header(r, "Location", url);
	free(url);
	free(base);
	free(params);
}

/*
 * end: scalelite forgets the meeting, then sends end with meetingID and
 * password to its node and passes the answer back.
 */
static void
sl_end(struct sim_world *w, const struct sim_req *q, struct sim_resp *r)
{
	char	*id, *fwd;
	long	 m;

	if ((id = sl_meeting_call_start(w, q, "end", r)) == NULL)
		return;
	m = sl_meeting_known(w, id);
	free(id);
	if (m < 0) {
		sl_xml_error(r, "notFound", "We could not find a meeting with "
		    "that meeting ID - perhaps the meeting is not yet "
		    "running?");
		return;
	}
	/* the node reads meetingID and password of these, as scalelite
	 * sends only those two */
	fwd = sl_params(q);
	if (sl_node_reachable(w, (size_t)w->meetings[m].node,
	    "Unable to access meeting on server.", r) == 0)
		sl_node_end(w, (size_t)w->meetings[m].node, fwd, r, SL_XML);
	free(fwd);
}

/*
 * getRecordings comes from scalelite's own database, not from the nodes
 * (bigbluebutton_api_controller.rb get_recordings and
 * get_recordings.xml.builder): meetingID and recordID (prefixes) as
 * comma-separated lists, newest first, offset and limit; the recordings
 * the sim imports are all published.
 */
static void
sl_get_recordings(struct sim_world *w, const struct sim_req *q,
    struct sim_resp *r)
{
	struct sl_state		*st = sl_state(w);
	struct sl_recording	*rec;
	struct buf		 b = { 0 };
	char			*mids, *rids, *state, *off_s, *lim_s, *host;
	const char		*errstr;
	long long		 off = 0, lim = LLONG_MAX;
	size_t			 i, n = 0, skipped = 0;

	if (!w->sl_legacy && !sl_form_ok(q)) {
		sl_xml_error(r, "unsupportedContentType",
		    "POST request Content-Type is missing or unsupported");
		return;
	}
	if (!sl_checksum_ok("getRecordings", q->query, w->sl_secret,
	    w->sl_legacy, false)) {
		sl_checksum_error(r);
		return;
	}
	mids = sim_query_get(q->query, "meetingID");
	rids = sim_query_get(q->query, "recordID");
	state = sim_query_get(q->query, "state");
	off_s = sim_query_get(q->query, "offset");
	lim_s = sim_query_get(q->query, "limit");
	if ((off_s != NULL && util_parse_ll(off_s, 0, LLONG_MAX, &off,
	    &errstr) != 0) || (lim_s != NULL && util_parse_ll(lim_s, 0,
	    LLONG_MAX, &lim, &errstr) != 0)) {
		sl_xml_error(r, "validationError", "offset and limit must be "
		    "integers");
		goto out;
	}
	host = q->host != NULL && *q->host != '\0' ? xstrdup(q->host) :
	    xstrdup("scalelite.localhost");
	buf_adds(&b, "<?xml version=\"1.0\"?>\n<response>\n"
	    "  <returncode>SUCCESS</returncode>\n  <recordings>\n");
	for (i = st->nrecs; i > 0 && (long long)n < lim; i--) {
		rec = &st->recs[i - 1];
		if (rec->ready_ms > w->now_ms)
			continue;
		if (mids != NULL && *mids != '\0' &&
		    !sl_in_list(mids, rec->meeting_id, false))
			continue;
		if (rids != NULL && *rids != '\0' &&
		    !sl_in_list(rids, rec->record_id, true))
			continue;
		if (state != NULL && *state != '\0' &&
		    !sl_in_list(state, "published", false) &&
		    !sl_in_list(state, "any", false))
			continue;
		if ((long long)skipped++ < off)
			continue;
		buf_adds(&b, "    <recording>\n      <recordID>");
		xml_escape(&b, rec->record_id);
		buf_adds(&b, "</recordID>\n      <meetingID>");
		xml_escape(&b, rec->meeting_id);
		buf_adds(&b, "</meetingID>\n      <internalMeetingID>");
		xml_escape(&b, rec->record_id);
		buf_adds(&b, "</internalMeetingID>\n      <name>");
		xml_escape(&b, rec->name);
		buf_printf(&b, "</name>\n      <published>true</published>\n"
		    "      <protected>false</protected>\n"
		    "      <state>published</state>\n"
		    "      <startTime>%lld</startTime>\n"
		    "      <endTime>%lld</endTime>\n"
		    "      <participants>%d</participants>\n"
		    "      <metadata>\n"
		    "        <bbb-origin>Greenlight</bbb-origin>\n"
		    "      </metadata>\n      <playback>\n        <format>\n"
		    "          <type>presentation</type>\n"
		    "          <url>http://%s/playback/presentation/2.3/",
		    (long long)rec->start_ms, (long long)rec->end_ms,
		    rec->participants, host);
		xml_escape(&b, rec->record_id);
		buf_printf(&b, "</url>\n          <length>%lld</length>\n"
		    "        </format>\n      </playback>\n    </recording>\n",
		    (long long)((rec->end_ms - rec->start_ms) / 60000));
		n++;
	}
	free(host);
	buf_adds(&b, "  </recordings>\n");
	if (n == 0)
		buf_adds(&b, "  <messageKey>noRecordings</messageKey>\n"
		    "  <message>There are not recordings for the meetings"
		    "</message>\n");
	buf_adds(&b, "</response>\n");
	sim_resp_set(r, 200, SL_XML, buf_steal(&b));
out:
	free(mids);
	free(rids);
	free(state);
	free(off_s);
	free(lim_s);
}

/* --- the admin API ------------------------------------------------------ */

static const char *
sl_lb_name(enum sim_lb lb)
{
	switch (lb) {
	case SIM_LB_ENABLED:
		return ("enabled");
	case SIM_LB_CORDONED:
		return ("cordoned");
	case SIM_LB_DISABLED:
		break;
	}
	return ("disabled");
}

/* BigDecimal#to_s as ActiveSupport renders it: "1.0", "2.5". */
static json_t *
sl_multiplier(double m)
{
	char	 s[64];

	snprintf(s, sizeof s, "%.10g", m);
	if (strpbrk(s, ".eEn") == NULL) {
		if (strlen(s) + 3 < sizeof s)
			memcpy(s + strlen(s), ".0", 3);
	}
	return (json_string(s));
}

static json_t *
sl_node_json(struct sim_world *w, size_t i)
{
	struct sl_state	*st = sl_state(w);
	struct sim_node	*n = &w->nodes[i];
	json_t		*o, *load;
	char		*url;

	if (n->online)
		st->nodes[i].version_unknown = false;
	if (n->lb == SIM_LB_DISABLED || isnan(n->load))
		load = json_string("unavailable");
	else
		load = json_real(n->load);
	url = sim_scalelite_node_url(w, i);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s}",
	    "id", n->sl_id,
	    "url", url,
	    "secret", sl_node_secret(w, i),
	    "tag", n->tag,
	    "bbb_version", st->nodes[i].version_unknown ? "" : n->bbb_version,
	    "state", sl_lb_name(n->lb),
	    "load", load,
	    "load_multiplier", sl_multiplier(n->load_multiplier),
	    "online", n->online ? "online" : "offline");
	free(url);
	return (o);
}

static json_t *
sl_extra_json(const struct sl_server *s)
{
	return (json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}",
	    "id", s->id,
	    "url", s->url,
	    "secret", s->secret,
	    "tag", s->tag,
	    "bbb_version", "",
	    "state", sl_lb_name(s->lb),
	    "load", "unavailable",
	    "load_multiplier", sl_multiplier(s->load_multiplier),
	    "online", "offline"));
}

/* A server by id: node index >= 0, or -2 - extra index, or -1. */
static long
sl_find(struct sim_world *w, const char *id)
{
	struct sl_state	*st = sl_state(w);
	size_t		 i;

	if (id == NULL || *id == '\0')
		return (-1);
	for (i = 0; i < w->nnodes; i++) {
		if (w->nodes[i].in_scalelite &&
		    strcmp(w->nodes[i].sl_id, id) == 0)
			return ((long)i);
	}
	for (i = 0; i < st->nextra; i++) {
		if (strcmp(st->extra[i].id, id) == 0)
			return (-2 - (long)i);
	}
	return (-1);
}

static json_t *
sl_server_json(struct sim_world *w, long at)
{
	struct sl_state	*st = sl_state(w);

	if (at >= 0)
		return (sl_node_json(w, (size_t)at));
	return (sl_extra_json(&st->extra[-2 - at]));
}

static void
sl_uuid(struct sim_world *w, char *out, size_t outsz)
{
	unsigned char	 u[16];
	size_t		 i;

	for (i = 0; i < sizeof u; i++)
		u[i] = (unsigned char)(sim_rand(w) * 256.0);
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	snprintf(out, outsz, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* Ruby's String#to_d / Numeric#to_d of a JSON value; 0 if none. */
static double
sl_to_d(json_t *v)
{
	const char	*s;
	char		*end;
	double		 d;

	if (json_is_number(v))
		return (json_number_value(v));
	if (!json_is_string(v))
		return (0);
	s = json_string_value(v);
	while (isspace((unsigned char)*s))
		s++;
	d = strtod(s, &end);
	if (end == s || !isfinite(d))
		return (0);
	return (d);
}

/* Rails' blank?: nil, false, "", whitespace, empty array/hash. */
static bool
sl_blank(json_t *v)
{
	const char	*s;

	if (v == NULL || json_is_null(v) || json_is_false(v))
		return (true);
	if (json_is_string(v)) {
		for (s = json_string_value(v); *s != '\0'; s++) {
			if (!isspace((unsigned char)*s))
				return (false);
		}
		return (true);
	}
	if (json_is_object(v))
		return (json_object_size(v) == 0);
	if (json_is_array(v))
		return (json_array_size(v) == 0);
	return (false);
}

/* A param as Rails' params would see it (a string, or NULL). */
static char *
sl_param_str(json_t *v)
{
	char	 s[64];

	if (json_is_string(v))
		return (xstrdup(json_string_value(v)));
	if (json_is_integer(v)) {
		snprintf(s, sizeof s, "%lld", (long long)json_integer_value(v));
		return (xstrdup(s));
	}
	if (json_is_real(v)) {
		snprintf(s, sizeof s, "%.15g", json_real_value(v));
		return (xstrdup(s));
	}
	if (json_is_true(v))
		return (xstrdup("true"));
	if (json_is_false(v))
		return (xstrdup("false"));
	return (NULL);
}

/* Host part of an http(s) url, lower-cased; NULL if not http(s). */
static char *
sl_url_host(const char *url)
{
	const char	*p;
	size_t		 n, i;
	char		*h;

	if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else
		return (NULL);
	n = strcspn(p, ":/?#");
	h = xstrndup(p, n);
	for (i = 0; h[i] != '\0'; i++)
		h[i] = (char)tolower((unsigned char)h[i]);
	return (h);
}

static void
sl_add_server(struct sim_world *w, json_t *server, struct sim_resp *r)
{
	struct sl_state	*st = sl_state(w);
	struct sl_server *s;
	struct sim_node	*n;
	json_t		*url, *secret, *tag, *mult;
	char		*host;
	double		 m;
	size_t		 i;
	long		 node = -1;

	url = json_object_get(server, "url");
	secret = json_object_get(server, "secret");
	if (sl_blank(url) || sl_blank(secret) || !json_is_string(url) ||
	    (!json_is_string(secret) && !json_is_number(secret))) {
		sl_json(r, 400, json_pack("{s:s}", "error",
		    "Server needs a URL and a secret"));
		return;
	}
	mult = json_object_get(server, "load_multiplier");
	m = sl_blank(mult) ? 1.0 : sl_to_d(mult);
	if (m == 0)
		m = 1.0;
	tag = json_object_get(server, "tag");

	host = sl_url_host(json_string_value(url));
	for (i = 0; host != NULL && i < w->nnodes; i++) {
		n = &w->nodes[i];
		if (!n->in_scalelite && (strcasecmp(host, n->fqdn) == 0 ||
		    strcasecmp(host, n->name) == 0)) {
			node = (long)i;
			break;
		}
	}
	free(host);

	if (node >= 0) {
		n = &w->nodes[node];
		sl_uuid(w, n->sl_id, sizeof n->sl_id);
		n->in_scalelite = true;
		n->lb = SIM_LB_DISABLED;
		n->online = false;
		n->load = NAN;
		n->load_multiplier = m;
		n->healthy_counter = n->unhealthy_counter = 0;
		snprintf(n->tag, sizeof n->tag, "%s",
		    sl_blank(tag) || !json_is_string(tag) ? "" :
		    json_string_value(tag));
		free(st->nodes[node].secret);
		st->nodes[node].secret = sl_param_str(secret);
		st->nodes[node].version_unknown = true;
		sl_json(r, 201, sl_node_json(w, (size_t)node));
		return;
	}
	st->extra = xreallocarray(st->extra, st->nextra + 1, sizeof *st->extra);
	s = &st->extra[st->nextra++];
	memset(s, 0, sizeof *s);
	sl_uuid(w, s->id, sizeof s->id);
	s->url = sl_param_str(url);
	s->secret = sl_param_str(secret);
	s->lb = SIM_LB_DISABLED;
	s->load_multiplier = m;
	snprintf(s->tag, sizeof s->tag, "%s",
	    sl_blank(tag) || !json_is_string(tag) ? "" : json_string_value(tag));
	sl_json(r, 201, sl_extra_json(s));
}

static void
sl_update_server(struct sim_world *w, long at, json_t *server,
    struct sim_resp *r)
{
	struct sl_state	*st = sl_state(w);
	struct sim_node	*n = at >= 0 ? &w->nodes[at] : NULL;
	struct sl_server *x = at >= 0 ? NULL : &st->extra[-2 - at];
	json_t		*state, *mult, *secret, *tag;
	enum sim_lb	 lb, old;
	char		*s, *msg;
	double		 m = 0;

	state = json_object_get(server, "state");
	mult = json_object_get(server, "load_multiplier");
	secret = json_object_get(server, "secret");
	tag = json_object_get(server, "tag");

	old = lb = n != NULL ? n->lb : x->lb;
	if (!sl_blank(state)) {
		s = sl_param_str(state);
		if (s != NULL && strcmp(s, "enable") == 0)
			lb = SIM_LB_ENABLED;
		else if (s != NULL && strcmp(s, "cordon") == 0)
			lb = SIM_LB_CORDONED;
		else if (s != NULL && strcmp(s, "disable") == 0)
			lb = SIM_LB_DISABLED;
		else {
			msg = xasprintf("Invalid state parameter: %s",
			    s != NULL ? s : "");
			sl_json(r, 400, json_pack("{s:s}", "error", msg));
			free(msg);
			free(s);
			return;
		}
		free(s);
	}
	if (!sl_blank(mult)) {
		if ((m = sl_to_d(mult)) == 0) {
			sl_json(r, 400, json_pack("{s:s}", "error",
			    "Load-multiplier must be a non-zero number"));
			return;
		}
	}

	/* Everything valid: save. */
	if (n != NULL) {
		n->lb = lb;
		if (lb == SIM_LB_DISABLED)
			n->load = NAN;
		else if (old == SIM_LB_DISABLED)
			n->load = NAN;	/* no score until the next poll */
		if (m != 0)
			n->load_multiplier = m;
		if (!sl_blank(secret) && (s = sl_param_str(secret)) != NULL) {
			free(st->nodes[at].secret);
			st->nodes[at].secret = s;
		}
		if (tag != NULL && !json_is_null(tag)) {
			s = sl_param_str(tag);
			snprintf(n->tag, sizeof n->tag, "%s",
			    s == NULL || sl_blank(tag) ? "" : s);
			free(s);
		}
	} else {
		x->lb = lb;
		if (m != 0)
			x->load_multiplier = m;
		if (!sl_blank(secret) && (s = sl_param_str(secret)) != NULL) {
			free(x->secret);
			x->secret = s;
		}
		if (tag != NULL && !json_is_null(tag)) {
			s = sl_param_str(tag);
			snprintf(x->tag, sizeof x->tag, "%s",
			    s == NULL || sl_blank(tag) ? "" : s);
			free(s);
		}
	}
	sl_json(r, 200, sl_server_json(w, at));
}

static void
sl_delete_server(struct sim_world *w, long at, struct sim_resp *r)
{
	struct sl_state	*st = sl_state(w);
	struct sim_node	*n;
	char		 id[40];

	if (at >= 0) {
		n = &w->nodes[at];
		snprintf(id, sizeof id, "%s", n->sl_id);
		n->in_scalelite = false;
		n->lb = SIM_LB_DISABLED;
		n->online = false;
		n->load = NAN;
		free(st->nodes[at].secret);
		st->nodes[at].secret = NULL;
	} else {
		at = -2 - at;
		snprintf(id, sizeof id, "%s", st->extra[at].id);
		free(st->extra[at].url);
		free(st->extra[at].secret);
		memmove(&st->extra[at], &st->extra[at + 1],
		    (st->nextra - (size_t)at - 1) * sizeof *st->extra);
		st->nextra--;
	}
	sl_json_msg(r, 200, "success", "Server id=%s was destroyed", id);
}

static void
sl_panic_server(struct sim_world *w, long at, json_t *body,
    const struct sim_req *q, struct sim_resp *r)
{
	struct sl_state	*st = sl_state(w);
	json_t		*keep;
	char		*qs, id[40];
	bool		 keep_state;

	keep = body != NULL ? json_object_get(body, "keep_state") : NULL;
	if (keep != NULL)
		keep_state = !sl_blank(keep);
	else {
		qs = sim_query_get(q->query, "keep_state");
		keep_state = qs != NULL && *qs != '\0';
		free(qs);
	}
	if (at >= 0) {
		snprintf(id, sizeof id, "%s", w->nodes[at].sl_id);
		sim_world_end_meetings(w, (size_t)at);
		if (!keep_state) {
			w->nodes[at].lb = SIM_LB_DISABLED;
			w->nodes[at].load = NAN;
		}
	} else {
		snprintf(id, sizeof id, "%s", st->extra[-2 - at].id);
		if (!keep_state)
			st->extra[-2 - at].lb = SIM_LB_DISABLED;
	}
	sl_json_msg(r, 200, "success",
	    "Server id=%s has been disabled and the meetings have been destroyed",
	    id);
}

static bool
sl_json_ctype(const struct sim_req *q)
{
	const char	*ct;
	size_t		 n;

	if ((ct = q->header(q, "Content-Type")) == NULL)
		return (false);
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; \t");
	return ((n == 16 && strncasecmp(ct, "application/json", n) == 0) ||
	    (n == 10 && strncasecmp(ct, "text/x-json", n) == 0) ||
	    (n == 23 && strncasecmp(ct, "application/jsonrequest", n) == 0));
}

static void
sl_admin(struct sim_world *w, const struct sim_req *q, const char *action,
    struct sim_resp *r)
{
	static const struct {
		const char	*name;
		const char	*method;
		bool		 needs_id;
	} routes[] = {
		{ "getServers", "GET", false },
		{ "getServerInfo", "GET", true },
		{ "addServer", "POST", false },
		{ "updateServer", "POST", true },
		{ "deleteServer", "POST", true },
		{ "panicServer", "POST", true },
	};
	struct sl_state	*st;
	json_t		*body = NULL, *arr, *server, *v;
	json_error_t	 err;
	char		*id = NULL, *msg;
	size_t		 i, k;
	long		 at = -1;

	for (k = 0; k < nitems(routes); k++) {
		if (strcmp(action, routes[k].name) == 0 &&
		    sl_is(q, routes[k].method))
			break;
	}
	if (k == nitems(routes)) {
		sl_unsupported(r);
		return;
	}

	/* before_action order: content type, checksum, set_server. */
	if (strcmp(q->method, "POST") == 0 && q->bodylen > 0 &&
	    !sl_json_ctype(q)) {
		sl_xml_error(r, "unsupportedContentType",
		    "POST request Content-Type is missing or unsupported");
		return;
	}
	if (q->bodylen > 0 && sl_json_ctype(q)) {
		body = json_loadb(q->body, q->bodylen, JSON_DECODE_ANY, &err);
		if (body == NULL) {
			sl_json(r, 400, json_pack("{s:i, s:s}", "status", 400,
			    "error", "Bad Request"));
			return;
		}
		if (!json_is_object(body)) {
			json_decref(body);
			body = NULL;
		}
	}
	if (!sl_checksum_ok(action, q->query, w->sl_secret, false, false)) {
		sl_checksum_error(r);
		goto out;
	}
	if (routes[k].needs_id) {
		/* Rails merges query and body params; the body wins. */
		if (body != NULL && (v = json_object_get(body, "id")) != NULL)
			id = sl_param_str(v);
		if (id == NULL)
			id = sim_query_get(q->query, "id");
		if ((at = sl_find(w, id)) == -1) {
			sl_json_msg(r, 404, "error",
			    "Couldn't find server with id=%s",
			    id != NULL ? id : "");
			goto out;
		}
	}

	server = body != NULL ? json_object_get(body, "server") : NULL;
	if (strcmp(action, "getServers") == 0) {
		st = sl_state(w);
		arr = json_array();
		for (i = 0; i < w->nnodes; i++) {
			if (w->nodes[i].in_scalelite)
				json_array_append_new(arr, sl_node_json(w, i));
		}
		for (i = 0; i < st->nextra; i++)
			json_array_append_new(arr, sl_extra_json(&st->extra[i]));
		if (json_array_size(arr) == 0) {
			json_decref(arr);
			sl_json(r, 404, json_pack("{s:s}", "error",
			    "No servers are configured"));
		} else
			sl_json(r, 200, arr);
	} else if (strcmp(action, "getServerInfo") == 0)
		sl_json(r, 200, sl_server_json(w, at));
	else if (strcmp(action, "addServer") == 0 ||
	    strcmp(action, "updateServer") == 0) {
		if (sl_blank(server) || !json_is_object(server)) {
			msg = xasprintf("param is missing or the value is "
			    "empty: server");
			sl_xml_error(r, "internalError", msg);
			free(msg);
		} else if (*action == 'a')
			sl_add_server(w, server, r);
		else
			sl_update_server(w, at, server, r);
	} else if (strcmp(action, "deleteServer") == 0)
		sl_delete_server(w, at, r);
	else
		sl_panic_server(w, at, body, q, r);
out:
	free(id);
	json_decref(body);
}

void
sim_scalelite_handle(struct sim_world *w, const struct sim_req *q,
    struct sim_resp *r)
{
	char	 call[64];

	(void)sl_state(w);
	if (strcmp(q->path, "/health_check") == 0 ||
	    strcmp(q->path, "/health_check/") == 0 ||
	    (!w->sl_legacy && strcmp(q->path, "/") == 0)) {
		if (*w->sl_health_failure != '\0')
			sim_resp_printf(r, 200, SL_TEXT, "Health Check "
			    "Failure: %s", w->sl_health_failure);
		else
			sim_resp_printf(r, 200, SL_TEXT, "success");
		return;
	}
	if (sl_path_after(q->path, "/bigbluebutton/api", call,
	    sizeof call) != NULL) {
		if (*call == '\0' && (sl_is(q, "GET") ||
		    (!w->sl_legacy && sl_is(q, "POST")))) {
			sl_bbb_root(r, SL_XML, NULL);
			return;
		}
		if (strcmp(call, "getMeetings") == 0 && (sl_is(q, "GET") ||
		    (!w->sl_legacy && sl_is(q, "POST")))) {
			sl_get_meetings(w, q, r);
			return;
		}
		if ((strcmp(call, "getMeetingInfo") == 0 ||
		    strcmp(call, "isMeetingRunning") == 0) &&
		    (sl_is(q, "GET") || (!w->sl_legacy && sl_is(q, "POST")))) {
			sl_meeting_proxy(w, q, call, r);
			return;
		}
		if (sl_is(q, "GET") || (!w->sl_legacy && sl_is(q, "POST"))) {
			if (strcmp(call, "create") == 0) {
				sl_create(w, q, r);
				return;
			}
			if (strcmp(call, "join") == 0) {
				sl_join(w, q, r);
				return;
			}
			if (strcmp(call, "end") == 0) {
				sl_end(w, q, r);
				return;
			}
			if (strcmp(call, "getRecordings") == 0) {
				sl_get_recordings(w, q, r);
				return;
			}
		}
		sl_unsupported(r);
		return;
	}
	if (!w->sl_legacy && sl_path_after(q->path, "/scalelite/api", call,
	    sizeof call) != NULL && *call != '\0') {
		sl_admin(w, q, call, r);
		return;
	}
	sl_unsupported(r);
}

/* --- rake tasks (the legacy profile) -------------------------------------- */

/* One server of `rake servers`, as lib/tasks/servers.rake prints it. */
static void
sl_rake_list_one(json_t *o, bool v10, struct buf *out)
{
	json_t		*load = json_object_get(o, "load");
	const char	*m;

	buf_printf(out, "id: %s\n", json_string_value(json_object_get(o,
	    "id")));
	buf_printf(out, "\turl: %s\n", json_string_value(json_object_get(o,
	    "url")));
	buf_printf(out, "\tsecret: %s\n", json_string_value(json_object_get(o,
	    "secret")));
	buf_printf(out, "\t%s\n", json_string_value(json_object_get(o,
	    "state")));
	if (json_is_number(load))
		buf_printf(out, "\tload: %.1f\n", json_number_value(load));
	else
		buf_adds(out, "\tload: unavailable\n");
	if (!v10) {
		m = json_string_value(json_object_get(o, "load_multiplier"));
		buf_printf(out, "\tload multiplier: %s\n", m != NULL ? m :
		    "1.0");
	}
	buf_printf(out, "\t%s\n", json_string_value(json_object_get(o,
	    "online")));
}

static void
sl_rake_list(struct sim_world *w, bool v10, struct buf *out)
{
	struct sl_state	*st = sl_state(w);
	json_t		*o;
	size_t		 i;

	for (i = 0; i < w->nnodes; i++) {
		if (!w->nodes[i].in_scalelite)
			continue;
		o = sl_node_json(w, i);
		sl_rake_list_one(o, v10, out);
		json_decref(o);
	}
	for (i = 0; i < st->nextra; i++) {
		o = sl_extra_json(&st->extra[i]);
		sl_rake_list_one(o, v10, out);
		json_decref(o);
	}
}

/* "servers:VERB[a,b,c]": verb and up to 3 args (allocated); -1 if not. */
static int
sl_rake_task(const char *task, char *verb, size_t vsz, char **args,
    size_t *nargs)
{
	const char	*b, *e, *p, *c;

	*nargs = 0;
	if (strncmp(task, "servers:", 8) != 0)
		return (-1);
	task += 8;
	b = strchr(task, '[');
	if (b == NULL) {
		snprintf(verb, vsz, "%s", task);
		return (0);
	}
	snprintf(verb, vsz, "%.*s", (int)(b - task), task);
	e = strrchr(b, ']');
	if (e == NULL || e[1] != '\0')
		return (-1);
	/* rake splits its arguments at commas */
	for (p = b + 1; p <= e && *nargs < 4; p = c + 1) {
		c = p + strcspn(p, ",]");
		if (c > e)
			c = e;
		args[(*nargs)++] = xstrndup(p, (size_t)(c - p));
		if (c == e)
			break;
	}
	return (0);
}

/*
 * scalelite's rake tasks (lib/tasks/servers.rake; scalelite-bbb.md
 * §1.3) on this world's scalelite, run in order as one `rake` command
 * does: servers, servers:add[url,secret,loadMultiplier],
 * servers:remove|enable|disable|cordon[id].  version "1.0": no cordon,
 * no load multiplier line, an unknown id's ERROR on stdout with exit 0;
 * otherwise as 1.1 to 1.5.x (ERROR on stderr, exit 1).  A disable of a
 * server with load asks for "yes" on stdin: none comes, nothing is done.
 * The exit status.
 */
int
sim_scalelite_rake(struct sim_world *w, const char *version,
    char *const *tasks, size_t ntasks, struct buf *out, struct buf *err)
{
	struct sim_resp	 r;
	json_t		*srv, *o;
	char		 verb[32], *args[4];
	size_t		 i, k, nargs;
	long		 at;
	bool		 v10 = version != NULL && strcmp(version, "1.0") == 0;
	int		 rc = 0;

	(void)sl_state(w);
	for (i = 0; i < ntasks && rc == 0; i++) {
		if (strcmp(tasks[i], "servers") == 0) {
			sl_rake_list(w, v10, out);
			continue;
		}
		if (sl_rake_task(tasks[i], verb, sizeof verb, args,
		    &nargs) != 0 || (strcmp(verb, "add") != 0 &&
		    strcmp(verb, "remove") != 0 && strcmp(verb, "enable") != 0 &&
		    strcmp(verb, "disable") != 0 && (v10 ||
		    strcmp(verb, "cordon") != 0))) {
			buf_printf(err, "rake aborted!\nDon't know how to "
			    "build task '%s' (See the list of available tasks "
			    "with `rake --tasks`)\n", tasks[i]);
			rc = 1;
			goto next;
		}
		if (strcmp(verb, "add") == 0) {
			if (nargs < 2 || (strncmp(args[0], "http://", 7) != 0 &&
			    strncmp(args[0], "https://", 8) != 0)) {
				buf_adds(err, "Error: Please input at least a "
				    "URL and a secret!\n");
				rc = 1;
				goto next;
			}
			srv = json_pack("{s:s, s:s, s:s}", "url", args[0],
			    "secret", args[1], "load_multiplier", nargs > 2 ?
			    args[2] : "");
			memset(&r, 0, sizeof r);
			sl_add_server(w, srv, &r);
			json_decref(srv);
			o = r.status == 201 ? json_loadb(r.body, r.len, 0,
			    NULL) : NULL;
			if (o != NULL)
				buf_printf(out, "OK\nid: %s\n",
				    json_string_value(json_object_get(o,
				    "id")));
			else {
				buf_adds(err, "Error: the server could not be "
				    "saved\n");
				rc = 1;
			}
			json_decref(o);
			sim_resp_clear(&r);
			goto next;
		}
		if ((at = sl_find(w, nargs > 0 ? args[0] : NULL)) == -1) {
			if (v10)
				buf_printf(out, "ERROR: No server found with "
				    "id: %s\n", nargs > 0 ? args[0] : "");
			else {
				buf_printf(err, "ERROR: No server found with "
				    "id: %s\n", nargs > 0 ? args[0] : "");
				rc = 1;
			}
			goto next;
		}
		memset(&r, 0, sizeof r);
		if (strcmp(verb, "remove") == 0) {
			sl_delete_server(w, at, &r);
			buf_printf(out, "Removing server %s...\nOK\n",
			    args[0]);
		} else if (strcmp(verb, "disable") == 0 && at >= 0 &&
		    !isnan(w->nodes[at].load) && w->nodes[at].load > 0) {
			buf_adds(out, "WARNING: You are trying to disable a "
			    "server with active load. You should use the cordon "
			    "option if you do not want to clear all the "
			    "meetings\nIf you still wish to continue please "
			    "enter `yes`\n");
		} else {
			srv = json_pack("{s:s}", "state", verb);
			sl_update_server(w, at, srv, &r);
			json_decref(srv);
			buf_printf(out, "%s server %s...\nOK\n",
			    strcmp(verb, "enable") == 0 ? "Enabling" :
			    strcmp(verb, "cordon") == 0 ? "Cordoning" :
			    "Disabling", nargs > 0 ? args[0] : "");
		}
		sim_resp_clear(&r);
next:
		for (k = 0; k < nargs; k++)
			free(args[k]);
	}
	return (rc);
}
