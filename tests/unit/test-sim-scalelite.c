/*
 * test-sim-scalelite.c: the simulated scalelite and BBB node APIs against
 * the wire formats of scalelite v1.5.2+ (and v1.0.x when legacy): the BBB
 * API's getMeetings XML, checksums by length, the admin API's JSON,
 * status codes and error answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util.h"
#include "sim-test.h"

static const char *json_hdr[] = { "Content-Type: application/json", NULL };
static const char *form_hdr[] = {
	"Content-Type: application/x-www-form-urlencoded", NULL
};

/* Four nodes: enabled, cordoned, disabled, enabled but offline. */
static int
setup(void **state)
{
	struct sim_world	*w;
	size_t			 i;

	w = sim_world_new(4, 42, 1.0, "default");
	assert_non_null(w);
	free(w->meetings);
	w->meetings = NULL;
	w->nmeetings = w->meetings_cap = 0;
	snprintf(w->sl_secret, sizeof w->sl_secret, "%s",
	    "8cd8ef52e8e101574e400365b55e11a6");
	for (i = 0; i < w->nnodes; i++) {
		w->nodes[i].up = w->nodes[i].bbb_api_ok = true;
		w->nodes[i].in_scalelite = true;
		w->nodes[i].online = true;
		w->nodes[i].lb = SIM_LB_ENABLED;
		w->nodes[i].load = 10.0 * (double)(i + 1);
		w->nodes[i].load_multiplier = 1.0;
		w->nodes[i].tag[0] = '\0';
		snprintf(w->nodes[i].sl_id, sizeof w->nodes[i].sl_id,
		    "a2b1c3d4-0000-4000-8000-00000000000%d", (int)i % 10);
		snprintf(w->nodes[i].secret, sizeof w->nodes[i].secret,
		    "node%zusecret", i);
	}
	w->nodes[1].lb = SIM_LB_CORDONED;
	w->nodes[2].lb = SIM_LB_DISABLED;
	w->nodes[2].load = NAN;
	w->nodes[3].online = false;
	w->nodes[3].load = NAN;
	w->ports[SIM_METRICS] = 19688;
	*state = w;
	return (0);
}

static int
teardown(void **state)
{
	sim_world_free(*state);
	return (0);
}

static void
add_meeting(struct sim_world *w, int node, const char *id, int users,
    int mods)
{
	struct sim_meeting	*m;

	if (w->nmeetings == w->meetings_cap) {
		w->meetings_cap = w->meetings_cap * 2 + 4;
		w->meetings = xreallocarray(w->meetings, w->meetings_cap,
		    sizeof *w->meetings);
	}
	m = &w->meetings[w->nmeetings++];
	memset(m, 0, sizeof *m);
	snprintf(m->id, sizeof m->id, "%s", id);
	snprintf(m->internal_id, sizeof m->internal_id, "%s-1764000000000", id);
	snprintf(m->name, sizeof m->name, "Lecture <%s> & co", id);
	m->node = node;
	m->created_ms = 1764000000000LL;
	m->participants = users;
	m->moderators = mods;
	m->listeners = users / 3;
	m->voice = users / 4;
	m->video = users / 5;
	m->recording = true;
	snprintf(m->moderator_pw, sizeof m->moderator_pw, "mp");
	snprintf(m->attendee_pw, sizeof m->attendee_pw, "ap");
	m->voice_bridge = 70000 + (int)w->nmeetings;
}

static struct st_xml *
xml_of(const struct sim_resp *r)
{
	struct st_xml	*x;

	assert_non_null(r->body);
	x = st_xml_parse(r->body, r->len);
	assert_non_null(x);
	return (x);
}

static void
assert_failed(const struct sim_resp *r, const char *key, const char *msg)
{
	struct st_xml	*x = xml_of(r);

	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->content_type, "application/xml"));
	assert_string_equal(st_xml_get(x, "/response/returncode", 0), "FAILED");
	assert_string_equal(st_xml_get(x, "/response/messageKey", 0), key);
	if (msg != NULL)
		assert_string_equal(st_xml_get(x, "/response/message", 0), msg);
	st_xml_free(x);
}

static json_t *
json_of(const struct sim_resp *r, int status)
{
	json_error_t	 err;
	json_t		*j;

	assert_int_equal(r->status, status);
	assert_non_null(strstr(r->content_type, "application/json"));
	j = json_loadb(r->body, r->len, JSON_DECODE_ANY, &err);
	assert_non_null(j);
	return (j);
}

static void
sl(struct sim_world *w, const char *method, const char *path,
    const char *query, const char *body, const char **hdr, struct sim_resp *r)
{
	st_call(w, sim_scalelite_handle, SIM_SCALELITE, method, path, query,
	    body, hdr, r);
}

/* An admin call with a valid checksum over action + query + secret. */
static void
admin(struct sim_world *w, const char *method, const char *action,
    const char *query, const char *body, struct sim_resp *r)
{
	char	*path, *q;

	path = xasprintf("/scalelite/api/%s", action);
	q = st_signed("SHA256", action, query, w->sl_secret);
	sl(w, method, path, q, body, body != NULL ? json_hdr : NULL, r);
	free(q);
	free(path);
}

static void
test_root_and_health(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	struct st_xml		*x;

	sl(w, "GET", "/bigbluebutton/api", "", NULL, NULL, &r);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	assert_string_equal(st_xml_get(x, "/response/version", 0), "2.0");
	st_xml_free(x);

	sl(w, "GET", "/bigbluebutton/api/", "", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/version", 0), "2.0");
	st_xml_free(x);

	sl(w, "GET", "/health_check", "", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "success");

	/* The catch-all route. */
	sl(w, "GET", "/no/such/thing", "", NULL, NULL, &r);
	assert_failed(&r, "unsupportedRequest", "This request is not supported.");
	sim_resp_clear(&r);
}

/* Every field of a meeting as BBB's getMeetings template has it. */
static void
check_meeting_fields(const struct st_xml *x, size_t i)
{
	static const char *uints[] = { "createTime", "voiceBridge",
	    "duration", "startTime", "endTime", "participantCount",
	    "listenerCount", "voiceParticipantCount", "videoCount",
	    "maxUsers", "moderatorCount" };
	static const char *bools[] = { "running", "hasUserJoined",
	    "recording", "hasBeenForciblyEnded", "isBreakout" };
	static const char *strs[] = { "meetingName", "meetingID",
	    "internalMeetingID", "createDate", "dialNumber", "attendeePW",
	    "moderatorPW" };
	const char	*m = "/response/meetings/meeting";
	size_t		 k;

	for (k = 0; k < nitems(uints); k++)
		assert_true(st_is_uint(st_xml_child(x, m, i, uints[k])));
	for (k = 0; k < nitems(bools); k++)
		assert_true(st_is_bool(st_xml_child(x, m, i, bools[k])));
	for (k = 0; k < nitems(strs); k++)
		assert_non_null(st_xml_child(x, m, i, strs[k]));
	assert_non_null(st_xml_child(x, m, i, "attendees"));
	assert_non_null(st_xml_child(x, m, i, "metadata"));
}

static void
test_get_meetings(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	struct st_xml		*x;
	const char		*algs[] = { "SHA1", "SHA256", "SHA512" };
	const char		*m = "/response/meetings/meeting", *id;
	char			*q;
	size_t			 i, k, seen[4] = { 0 };

	add_meeting(w, 0, "m-enabled", 12, 2);
	add_meeting(w, 1, "m-cordoned", 5, 1);
	add_meeting(w, 2, "m-disabled", 7, 1);
	add_meeting(w, 3, "m-offline", 3, 1);
	add_meeting(w, 0, "m-enabled-2", 0, 0);

	for (k = 0; k < nitems(algs); k++) {
		q = st_signed(algs[k], "getMeetings", "", w->sl_secret);
		sl(w, "GET", "/bigbluebutton/api/getMeetings", q, NULL, NULL,
		    &r);
		free(q);
		assert_int_equal(r.status, 200);
		x = xml_of(&r);
		assert_string_equal(st_xml_get(x, "/response/returncode", 0),
		    "SUCCESS");
		assert_null(st_xml_get(x, "/response/messageKey", 0));
		/* enabled and cordoned online nodes; not disabled/offline */
		assert_int_equal(st_xml_count(x, m), 3);
		memset(seen, 0, sizeof seen);
		for (i = 0; i < 3; i++) {
			check_meeting_fields(x, i);
			id = st_xml_child(x, m, i, "meetingID");
			if (strcmp(id, "m-enabled") == 0) {
				seen[0]++;
				assert_string_equal(st_xml_child(x, m, i,
				    "participantCount"), "12");
				assert_string_equal(st_xml_child(x, m, i,
				    "moderatorCount"), "2");
				assert_string_equal(st_xml_child(x, m, i,
				    "meetingName"), "Lecture <m-enabled> & co");
				assert_string_equal(st_xml_child(x, m, i,
				    "createTime"), "1764000000000");
				assert_string_equal(st_xml_child(x, m, i,
				    "running"), "true");
			} else if (strcmp(id, "m-cordoned") == 0)
				seen[1]++;
			else if (strcmp(id, "m-enabled-2") == 0) {
				seen[2]++;
				assert_string_equal(st_xml_child(x, m, i,
				    "hasUserJoined"), "false");
			} else
				seen[3]++;
		}
		assert_int_equal(seen[0], 1);
		assert_int_equal(seen[1], 1);
		assert_int_equal(seen[2], 1);
		assert_int_equal(seen[3], 0);
		/* one attendee element per participant */
		assert_int_equal(st_xml_count(x,
		    "/response/meetings/meeting/attendees/attendee"), 17);
		assert_int_equal(st_xml_count(x,
		    "/response/meetings/meeting/attendees/attendee/role"), 17);
		st_xml_free(x);
	}

	/* POST with form data is accepted too (GET/POST route). */
	q = st_signed("SHA1", "getMeetings", "", w->sl_secret);
	sl(w, "POST", "/bigbluebutton/api/getMeetings", q, "a=b", form_hdr,
	    &r);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	st_xml_free(x);
	/* ... but a JSON body is not form data. */
	sl(w, "POST", "/bigbluebutton/api/getMeetings", q, "{}", json_hdr, &r);
	assert_failed(&r, "unsupportedContentType",
	    "POST request Content-Type is missing or unsupported");
	free(q);
	sim_resp_clear(&r);
}

static void
test_get_meetings_checksum(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	char			*q, *in, *sum, *up;
	size_t			 i;

	/* no checksum */
	sl(w, "GET", "/bigbluebutton/api/getMeetings", "", NULL, NULL, &r);
	assert_failed(&r, "checksumError",
	    "You did not pass the checksum security check");
	/* wrong secret */
	q = st_signed("SHA256", "getMeetings", "", "not-the-secret");
	sl(w, "GET", "/bigbluebutton/api/getMeetings", q, NULL, NULL, &r);
	assert_failed(&r, "checksumError", NULL);
	free(q);
	/* wrong call name in the hash */
	q = st_signed("SHA256", "getMeeting", "", w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getMeetings", q, NULL, NULL, &r);
	assert_failed(&r, "checksumError", NULL);
	free(q);
	/* SHA384 (96 hex) is not one of scalelite's lengths */
	q = st_signed("SHA384", "getMeetings", "", w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getMeetings", q, NULL, NULL, &r);
	assert_failed(&r, "checksumError", NULL);
	free(q);
	/* upper-case hex does not compare equal */
	in = xasprintf("getMeetings%s", w->sl_secret);
	sum = st_digest("SHA1", in);
	up = xstrdup(sum);
	for (i = 0; up[i] != '\0'; i++) {
		if (up[i] >= 'a' && up[i] <= 'f')
			up[i] = (char)(up[i] - 'a' + 'A');
	}
	q = xasprintf("checksum=%s", up);
	sl(w, "GET", "/bigbluebutton/api/getMeetings", q, NULL, NULL, &r);
	assert_failed(&r, "checksumError", NULL);
	free(q);
	/* the checksum may come first: removed with its '&' */
	free(in);
	in = xasprintf("getMeetingsrandom=7%s", w->sl_secret);
	free(sum);
	sum = st_digest("SHA1", in);
	q = xasprintf("checksum=%s&random=7", sum);
	sl(w, "GET", "/bigbluebutton/api/getMeetings", q, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<returncode>SUCCESS</returncode>"));
	free(q);
	free(in);
	free(sum);
	free(up);
	sim_resp_clear(&r);
}

static void
test_get_meetings_none_and_errors(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	struct st_xml		*x;
	char			*q;

	q = st_signed("SHA1", "getMeetings", "", w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getMeetings", q, NULL, NULL, &r);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	assert_string_equal(st_xml_get(x, "/response/messageKey", 0),
	    "noMeetings");
	assert_string_equal(st_xml_get(x, "/response/message", 0),
	    "no meetings were found on this server");
	assert_int_equal(st_xml_count(x, "/response/meetings"), 1);
	assert_int_equal(st_xml_count(x, "/response/meetings/meeting"), 0);
	st_xml_free(x);

	/* A node scalelite believes online does not answer. */
	w->nodes[0].up = false;
	sl(w, "GET", "/bigbluebutton/api/getMeetings", q, NULL, NULL, &r);
	assert_failed(&r, "internalError", "Unable to access server.");
	w->nodes[0].up = true;
	/* ... or answers with no BBB XML at all (nginx 502). */
	w->nodes[1].bbb_api_ok = false;
	sl(w, "GET", "/bigbluebutton/api/getMeetings", q, NULL, NULL, &r);
	assert_failed(&r, "internalError", "Response did not include returncode");
	w->nodes[1].bbb_api_ok = true;
	free(q);
	sim_resp_clear(&r);
}

static void
check_server_object(json_t *s)
{
	static const char *keys[] = { "id", "url", "secret", "tag",
	    "bbb_version", "state", "load", "load_multiplier", "online" };
	const char	*state, *online;
	json_t		*load;
	size_t		 k;

	assert_true(json_is_object(s));
	assert_int_equal(json_object_size(s), nitems(keys));
	for (k = 0; k < nitems(keys); k++)
		assert_non_null(json_object_get(s, keys[k]));
	for (k = 0; k < nitems(keys); k++) {
		if (strcmp(keys[k], "load") != 0)
			assert_true(json_is_string(json_object_get(s, keys[k])));
	}
	state = json_string_value(json_object_get(s, "state"));
	assert_true(strcmp(state, "enabled") == 0 ||
	    strcmp(state, "cordoned") == 0 || strcmp(state, "disabled") == 0);
	online = json_string_value(json_object_get(s, "online"));
	assert_true(strcmp(online, "online") == 0 ||
	    strcmp(online, "offline") == 0);
	load = json_object_get(s, "load");
	assert_true(json_is_number(load) || (json_is_string(load) &&
	    strcmp(json_string_value(load), "unavailable") == 0));
}

static json_t *
find_server(json_t *arr, const char *id)
{
	json_t	*s;
	size_t	 i;

	json_array_foreach(arr, i, s) {
		if (strcmp(json_string_value(json_object_get(s, "id")), id) == 0)
			return (s);
	}
	return (NULL);
}

static void
test_get_servers(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	json_t			*j, *s, *v;
	size_t			 i;
	char			*q, *url;

	admin(w, "GET", "getServers", "", NULL, &r);
	j = json_of(&r, 200);
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), 4);
	json_array_foreach(j, i, s)
		check_server_object(s);

	s = find_server(j, w->nodes[0].sl_id);
	assert_non_null(s);
	url = xasprintf("http://%s:19688/bigbluebutton/api/",
	    w->nodes[0].fqdn);
	assert_string_equal(json_string_value(json_object_get(s, "url")), url);
	free(url);
	assert_string_equal(json_string_value(json_object_get(s, "secret")),
	    "node0secret");
	assert_string_equal(json_string_value(json_object_get(s, "state")),
	    "enabled");
	assert_string_equal(json_string_value(json_object_get(s, "online")),
	    "online");
	v = json_object_get(s, "load");
	assert_true(json_is_number(v));
	assert_true(json_number_value(v) == 10.0);
	/* A Ruby BigDecimal rendered by Rails: a string. */
	assert_string_equal(json_string_value(json_object_get(s,
	    "load_multiplier")), "1.0");

	s = find_server(j, w->nodes[1].sl_id);
	assert_string_equal(json_string_value(json_object_get(s, "state")),
	    "cordoned");
	s = find_server(j, w->nodes[2].sl_id);
	assert_string_equal(json_string_value(json_object_get(s, "state")),
	    "disabled");
	assert_string_equal(json_string_value(json_object_get(s, "load")),
	    "unavailable");
	s = find_server(j, w->nodes[3].sl_id);
	assert_string_equal(json_string_value(json_object_get(s, "online")),
	    "offline");
	/* the version the poller read last, kept while offline */
	assert_string_equal(json_string_value(json_object_get(s,
	    "bbb_version")), w->nodes[3].bbb_version);
	json_decref(j);

	/* A node scalelite does not know is not listed. */
	w->nodes[3].in_scalelite = false;
	admin(w, "GET", "getServers", "", NULL, &r);
	j = json_of(&r, 200);
	assert_int_equal(json_array_size(j), 3);
	json_decref(j);

	/* getServerInfo by id in the query, covered by the checksum. */
	q = xasprintf("id=%s", w->nodes[1].sl_id);
	admin(w, "GET", "getServerInfo", q, NULL, &r);
	free(q);
	j = json_of(&r, 200);
	check_server_object(j);
	assert_string_equal(json_string_value(json_object_get(j, "id")),
	    w->nodes[1].sl_id);
	json_decref(j);

	admin(w, "GET", "getServerInfo", "id=nope", NULL, &r);
	j = json_of(&r, 404);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "Couldn't find server with id=nope");
	json_decref(j);

	/* No server at all: 404. */
	for (i = 0; i < w->nnodes; i++)
		w->nodes[i].in_scalelite = false;
	admin(w, "GET", "getServers", "", NULL, &r);
	j = json_of(&r, 404);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "No servers are configured");
	json_decref(j);
	sim_resp_clear(&r);
}

static void
test_admin_checksum(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	char			*q, *in, *sum;
	json_t			*j;
	const char		*body = "{\"id\":\"x\",\"server\":{\"state\":"
	    "\"cordon\"}}";

	/* No checksum, a bad one, the wrong action's one: XML, HTTP 200. */
	sl(w, "GET", "/scalelite/api/getServers", "", NULL, NULL, &r);
	assert_failed(&r, "checksumError",
	    "You did not pass the checksum security check");
	q = st_signed("SHA1", "getServerInfo", "", w->sl_secret);
	sl(w, "GET", "/scalelite/api/getServers", q, NULL, NULL, &r);
	assert_failed(&r, "checksumError", NULL);
	free(q);
	q = xasprintf("checksum=%s", "abc");
	sl(w, "GET", "/scalelite/api/getServers", q, NULL, NULL, &r);
	assert_failed(&r, "checksumError", NULL);
	free(q);

	/* SHA1, SHA256, SHA512 all work (getServers + "" + secret). */
	q = st_signed("SHA1", "getServers", "", w->sl_secret);
	sl(w, "GET", "/scalelite/api/getServers", q, NULL, NULL, &r);
	free(q);
	json_decref(json_of(&r, 200));
	q = st_signed("SHA512", "getServers", "", w->sl_secret);
	sl(w, "GET", "/scalelite/api/getServers", q, NULL, NULL, &r);
	free(q);
	json_decref(json_of(&r, 200));

	/* The body is NOT part of the checksum: a body-inclusive one fails. */
	in = xasprintf("updateServer%s%s", body, w->sl_secret);
	sum = st_digest("SHA256", in);
	q = xasprintf("checksum=%s", sum);
	sl(w, "POST", "/scalelite/api/updateServer", q, body, json_hdr, &r);
	assert_failed(&r, "checksumError", NULL);
	free(q);
	free(sum);
	free(in);
	/* ... and HASH("updateServer" + secret) passes (then 404: id x). */
	q = st_signed("SHA256", "updateServer", "", w->sl_secret);
	sl(w, "POST", "/scalelite/api/updateServer", q, body, json_hdr, &r);
	j = json_of(&r, 404);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "Couldn't find server with id=x");
	json_decref(j);

	/* A POST body without Content-Type: application/json. */
	sl(w, "POST", "/scalelite/api/updateServer", q, body, NULL, &r);
	assert_failed(&r, "unsupportedContentType",
	    "POST request Content-Type is missing or unsupported");
	sl(w, "POST", "/scalelite/api/updateServer", q, body, form_hdr, &r);
	assert_failed(&r, "unsupportedContentType", NULL);
	free(q);

	/* A wrong method falls to the catch-all. */
	q = st_signed("SHA256", "addServer", "", w->sl_secret);
	sl(w, "GET", "/scalelite/api/addServer", q, NULL, NULL, &r);
	assert_failed(&r, "unsupportedRequest", NULL);
	free(q);
	sim_resp_clear(&r);
}

static void
test_add_update_delete(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	json_t			*j;
	char			*body, *id, *q;

	/* A node of the world comes back: added disabled, offline. */
	w->nodes[3].in_scalelite = false;
	body = xasprintf("{\"server\":{\"url\":\"https://%s/bigbluebutton/"
	    "api/\",\"secret\":\"s3cr3t\",\"load_multiplier\":2,"
	    "\"tag\":\"big\"}}", w->nodes[3].fqdn);
	admin(w, "POST", "addServer", "", body, &r);
	free(body);
	j = json_of(&r, 201);
	check_server_object(j);
	assert_string_equal(json_string_value(json_object_get(j, "state")),
	    "disabled");
	assert_string_equal(json_string_value(json_object_get(j, "online")),
	    "offline");
	assert_string_equal(json_string_value(json_object_get(j, "load")),
	    "unavailable");
	assert_string_equal(json_string_value(json_object_get(j,
	    "load_multiplier")), "2.0");
	assert_string_equal(json_string_value(json_object_get(j, "tag")),
	    "big");
	assert_string_equal(json_string_value(json_object_get(j, "secret")),
	    "s3cr3t");
	/* not polled yet: no version */
	assert_string_equal(json_string_value(json_object_get(j,
	    "bbb_version")), "");
	assert_int_equal(strlen(json_string_value(json_object_get(j, "id"))),
	    36);
	id = xstrdup(json_string_value(json_object_get(j, "id")));
	json_decref(j);
	assert_true(w->nodes[3].in_scalelite);
	assert_int_equal(w->nodes[3].lb, SIM_LB_DISABLED);
	assert_string_equal(w->nodes[3].sl_id, id);

	/* Missing url or secret. */
	admin(w, "POST", "addServer", "", "{\"server\":{\"url\":\"\","
	    "\"secret\":\"x\"}}", &r);
	j = json_of(&r, 400);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "Server needs a URL and a secret");
	json_decref(j);
	/* No server object at all: Rails' ParameterMissing, as XML. */
	admin(w, "POST", "addServer", "", "{\"url\":\"http://x/\"}", &r);
	assert_failed(&r, "internalError",
	    "param is missing or the value is empty: server");

	/* State verbs. */
	body = xasprintf("{\"id\":\"%s\",\"server\":{\"state\":\"enable\"}}",
	    id);
	admin(w, "POST", "updateServer", "", body, &r);
	free(body);
	j = json_of(&r, 200);
	check_server_object(j);
	assert_string_equal(json_string_value(json_object_get(j, "state")),
	    "enabled");
	json_decref(j);
	assert_int_equal(w->nodes[3].lb, SIM_LB_ENABLED);

	body = xasprintf("{\"id\":\"%s\",\"server\":{\"state\":\"cordon\","
	    "\"load_multiplier\":\"2.5\"}}", id);
	admin(w, "POST", "updateServer", "", body, &r);
	free(body);
	j = json_of(&r, 200);
	assert_string_equal(json_string_value(json_object_get(j, "state")),
	    "cordoned");
	assert_string_equal(json_string_value(json_object_get(j,
	    "load_multiplier")), "2.5");
	json_decref(j);
	assert_int_equal(w->nodes[3].lb, SIM_LB_CORDONED);

	/* A state name is not a verb: 400, nothing changes. */
	body = xasprintf("{\"id\":\"%s\",\"server\":{\"state\":\"enabled\","
	    "\"load_multiplier\":3}}", id);
	admin(w, "POST", "updateServer", "", body, &r);
	free(body);
	j = json_of(&r, 400);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "Invalid state parameter: enabled");
	json_decref(j);
	assert_int_equal(w->nodes[3].lb, SIM_LB_CORDONED);
	assert_true(w->nodes[3].load_multiplier == 2.5);

	body = xasprintf("{\"id\":\"%s\",\"server\":{\"load_multiplier\":0}}",
	    id);
	admin(w, "POST", "updateServer", "", body, &r);
	free(body);
	j = json_of(&r, 400);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "Load-multiplier must be a non-zero number");
	json_decref(j);

	body = xasprintf("{\"id\":\"%s\",\"server\":{\"state\":\"disable\"}}",
	    id);
	admin(w, "POST", "updateServer", "", body, &r);
	free(body);
	j = json_of(&r, 200);
	assert_string_equal(json_string_value(json_object_get(j, "state")),
	    "disabled");
	assert_string_equal(json_string_value(json_object_get(j, "load")),
	    "unavailable");
	json_decref(j);

	/* Delete, with the id in the query (covered by the checksum). */
	q = xasprintf("id=%s", id);
	admin(w, "POST", "deleteServer", q, NULL, &r);
	j = json_of(&r, 200);
	body = xasprintf("Server id=%s was destroyed", id);
	assert_string_equal(json_string_value(json_object_get(j, "success")),
	    body);
	free(body);
	json_decref(j);
	assert_false(w->nodes[3].in_scalelite);
	admin(w, "GET", "getServerInfo", q, NULL, &r);
	j = json_of(&r, 404);
	json_decref(j);
	admin(w, "POST", "deleteServer", q, NULL, &r);
	json_decref(json_of(&r, 404));
	free(q);

	/* A url that is no node: kept, offline. */
	admin(w, "POST", "addServer", "", "{\"server\":{\"url\":"
	    "\"https://elsewhere.example/bigbluebutton/api/\",\"secret\":"
	    "\"x\"}}", &r);
	j = json_of(&r, 201);
	check_server_object(j);
	assert_string_equal(json_string_value(json_object_get(j, "url")),
	    "https://elsewhere.example/bigbluebutton/api/");
	assert_string_equal(json_string_value(json_object_get(j,
	    "load_multiplier")), "1.0");
	json_decref(j);
	admin(w, "GET", "getServers", "", NULL, &r);
	j = json_of(&r, 200);
	assert_int_equal(json_array_size(j), 4);
	json_decref(j);
	free(id);
	sim_resp_clear(&r);
}

static void
test_panic(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	json_t			*j;
	char			*body, *msg;

	add_meeting(w, 0, "a", 3, 1);
	add_meeting(w, 1, "b", 3, 1);
	add_meeting(w, 0, "c", 3, 1);

	body = xasprintf("{\"id\":\"%s\",\"keep_state\":true}",
	    w->nodes[1].sl_id);
	admin(w, "POST", "panicServer", "", body, &r);
	free(body);
	j = json_of(&r, 200);
	json_decref(j);
	assert_int_equal(w->nmeetings, 2);
	assert_int_equal(w->nodes[1].lb, SIM_LB_CORDONED);

	body = xasprintf("{\"id\":\"%s\"}", w->nodes[0].sl_id);
	admin(w, "POST", "panicServer", "", body, &r);
	free(body);
	j = json_of(&r, 200);
	msg = xasprintf("Server id=%s has been disabled and the meetings have "
	    "been destroyed", w->nodes[0].sl_id);
	assert_string_equal(json_string_value(json_object_get(j, "success")),
	    msg);
	free(msg);
	json_decref(j);
	assert_int_equal(w->nmeetings, 0);
	assert_int_equal(w->nodes[0].lb, SIM_LB_DISABLED);

	admin(w, "POST", "panicServer", "", "{\"id\":\"gone\"}", &r);
	j = json_of(&r, 404);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
	    "Couldn't find server with id=gone");
	json_decref(j);
	sim_resp_clear(&r);
}

static void
test_legacy(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	struct st_xml		*x;
	char			*q;

	w->sl_legacy = true;
	admin(w, "GET", "getServers", "", NULL, &r);
	assert_failed(&r, "unsupportedRequest", "This request is not supported.");
	admin(w, "POST", "addServer", "", "{}", &r);
	assert_failed(&r, "unsupportedRequest", NULL);

	/* v1.0.x: SHA1 only. */
	q = st_signed("SHA256", "getMeetings", "", w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getMeetings", q, NULL, NULL, &r);
	assert_failed(&r, "checksumError", NULL);
	free(q);
	q = st_signed("SHA1", "getMeetings", "", w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getMeetings", q, NULL, NULL, &r);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	st_xml_free(x);
	free(q);
	sim_resp_clear(&r);
}

/* The legacy profile's rake tasks (POST /rake of the control endpoint). */
static int
rake(struct sim_world *w, const char *version, const char *task,
    struct buf *out, struct buf *err)
{
	char	*t = xstrdup(task);
	int	 rc;

	buf_free(out);
	buf_free(err);
	rc = sim_scalelite_rake(w, version, &t, 1, out, err);
	buf_add(out, "", 0);
	buf_add(err, "", 0);
	free(t);
	return (rc);
}

static void
test_rake(void **state)
{
	struct sim_world	*w = *state;
	struct buf		 out = { 0 }, err = { 0 };
	char			*t, *want, *id;
	const char		*p;

	w->sl_legacy = true;
	/* rake servers, 1.1 to 1.5.x (lib/tasks/servers.rake) */
	assert_int_equal(rake(w, "1.3", "servers", &out, &err), 0);
	assert_non_null(strstr(out.data, "id: a2b1c3d4-0000-4000-8000-"
	    "000000000000\n\turl: "));
	assert_non_null(strstr(out.data, "\tsecret: node0secret\n\tenabled\n"
	    "\tload: 10.0\n\tload multiplier: 1.0\n\tonline\n"));
	assert_non_null(strstr(out.data, "\tcordoned\n\tload: 20.0\n"));
	assert_non_null(strstr(out.data, "\tdisabled\n\tload: unavailable\n"));
	assert_non_null(strstr(out.data, "\toffline\n"));
	/* 1.0.x: no load multiplier line */
	assert_int_equal(rake(w, "1.0", "servers", &out, &err), 0);
	assert_null(strstr(out.data, "load multiplier"));

	/* cordon: from 1.1 on */
	assert_int_equal(rake(w, "1.3", "servers:cordon[a2b1c3d4-0000-4000-"
	    "8000-000000000000]", &out, &err), 0);
	assert_string_equal(out.data, "Cordoning server a2b1c3d4-0000-4000-"
	    "8000-000000000000...\nOK\n");
	assert_int_equal(w->nodes[0].lb, SIM_LB_CORDONED);
	assert_int_equal(rake(w, "1.0", "servers:cordon[a2b1c3d4-0000-4000-"
	    "8000-000000000001]", &out, &err), 1);
	assert_non_null(strstr(err.data, "Don't know how to build task "
	    "'servers:cordon[a2b1c3d4-0000-4000-8000-000000000001]'"));
	assert_int_equal(w->nodes[1].lb, SIM_LB_CORDONED);

	/* an unknown id: stderr and exit 1; 1.0.x: stdout and exit 0 */
	assert_int_equal(rake(w, "1.3", "servers:enable[nope]", &out, &err),
	    1);
	assert_string_equal(err.data, "ERROR: No server found with id: "
	    "nope\n");
	assert_int_equal(rake(w, "1.0", "servers:enable[nope]", &out, &err),
	    0);
	assert_string_equal(out.data, "ERROR: No server found with id: "
	    "nope\n");

	/* disable with load asks for "yes" on stdin: none, nothing done */
	w->nodes[0].lb = SIM_LB_ENABLED;
	assert_int_equal(rake(w, "1.3", "servers:disable[a2b1c3d4-0000-4000-"
	    "8000-000000000000]", &out, &err), 0);
	assert_non_null(strstr(out.data, "WARNING: You are trying to disable"));
	assert_int_equal(w->nodes[0].lb, SIM_LB_ENABLED);

	/* remove, then add it again: disabled, a new id, its secret */
	assert_int_equal(rake(w, "1.3", "servers:remove[a2b1c3d4-0000-4000-"
	    "8000-000000000002]", &out, &err), 0);
	assert_non_null(strstr(out.data, "OK\n"));
	assert_false(w->nodes[2].in_scalelite);
	t = xasprintf("servers:add[https://%s/bigbluebutton/api/,"
	    "n3wSecret,1]", w->nodes[2].fqdn);
	assert_int_equal(rake(w, "1.3", t, &out, &err), 0);
	free(t);
	assert_true(w->nodes[2].in_scalelite);
	assert_int_equal(w->nodes[2].lb, SIM_LB_DISABLED);
	assert_true(strncmp(out.data, "OK\nid: ", 7) == 0);
	id = xstrndup(out.data + 7, strcspn(out.data + 7, "\n"));
	assert_string_equal(id, w->nodes[2].sl_id);
	assert_int_equal(rake(w, "1.3", "servers", &out, &err), 0);
	want = xasprintf("id: %s\n", id);
	p = strstr(out.data, want);
	assert_non_null(p);
	assert_non_null(strstr(p, "\tsecret: n3wSecret\n\tdisabled\n"));
	free(want);
	free(id);
	/* no URL: scalelite's own error */
	assert_int_equal(rake(w, "1.3", "servers:add[bbb-09,x]", &out, &err),
	    1);
	assert_non_null(strstr(err.data, "Error: "));
	/* a task rake does not know */
	assert_int_equal(rake(w, "1.3", "servers:frobnicate[x]", &out, &err),
	    1);
	assert_non_null(strstr(err.data, "Don't know how to build task"));
	buf_free(&out);
	buf_free(&err);
}

static void
test_node_api(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	struct st_xml		*x;
	char			*q;

	add_meeting(w, 0, "on-0", 4, 1);
	add_meeting(w, 1, "on-1", 4, 1);
	add_meeting(w, 2, "on-2", 4, 1);

	/* The node's own secret; only its own meetings, whatever its lb. */
	q = st_signed("SHA256", "getMeetings", "", w->nodes[2].secret);
	st_call_node(w, 2, "/bigbluebutton/api/getMeetings", q, &r);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	assert_int_equal(st_xml_count(x, "/response/meetings/meeting"), 1);
	assert_string_equal(st_xml_child(x, "/response/meetings/meeting", 0,
	    "meetingID"), "on-2");
	check_meeting_fields(x, 0);
	st_xml_free(x);
	free(q);

	/* The scalelite secret is not the node's. */
	q = st_signed("SHA256", "getMeetings", "", w->sl_secret);
	st_call_node(w, 2, "/bigbluebutton/api/getMeetings", q, &r);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "FAILED");
	assert_string_equal(st_xml_get(x, "/response/messageKey", 0),
	    "checksumError");
	st_xml_free(x);
	free(q);

	/* No meetings: noMeetings. */
	q = st_signed("SHA1", "getMeetings", "", w->nodes[3].secret);
	st_call_node(w, 3, "/bigbluebutton/api/getMeetings", q, &r);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	assert_string_equal(st_xml_get(x, "/response/messageKey", 0),
	    "noMeetings");
	st_xml_free(x);

	/* The version document. */
	st_call_node(w, 3, "/bigbluebutton/api", "", &r);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/version", 0), "2.0");
	assert_non_null(st_xml_get(x, "/response/bbbVersion", 0));
	st_xml_free(x);

	/* Down: no BBB answer. */
	w->nodes[3].up = false;
	st_call_node(w, 3, "/bigbluebutton/api/getMeetings", q, &r);
	assert_true(r.status >= 500);
	assert_null(strstr(r.body, "<returncode>"));
	w->nodes[3].up = true;
	w->nodes[3].bbb_api_ok = false;
	st_call_node(w, 3, "/bigbluebutton/api/getMeetings", q, &r);
	assert_int_equal(r.status, 502);
	free(q);
	sim_resp_clear(&r);
}

static void
test_meeting_info(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	struct st_xml		*x;
	char			*q;

	add_meeting(w, 1, "info-1", 6, 1);

	q = st_signed("SHA256", "getMeetingInfo", "meetingID=info-1",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getMeetingInfo", q, NULL, NULL, &r);
	free(q);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	/* the meeting's fields straight under <response> */
	assert_string_equal(st_xml_get(x, "/response/meetingID", 0), "info-1");
	assert_string_equal(st_xml_get(x, "/response/participantCount", 0),
	    "6");
	assert_true(st_is_bool(st_xml_get(x, "/response/running", 0)));
	assert_true(st_is_uint(st_xml_get(x, "/response/createTime", 0)));
	assert_int_equal(st_xml_count(x, "/response/attendees/attendee"), 6);
	st_xml_free(x);

	/* The checksum covers the query: another meetingID fails it. */
	q = st_signed("SHA256", "getMeetingInfo", "meetingID=info-1",
	    w->sl_secret);
	q[strlen("meetingID=info-")] = '2';
	sl(w, "GET", "/bigbluebutton/api/getMeetingInfo", q, NULL, NULL, &r);
	free(q);
	assert_failed(&r, "checksumError", NULL);

	q = st_signed("SHA1", "getMeetingInfo", "meetingID=nosuch",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getMeetingInfo", q, NULL, NULL, &r);
	free(q);
	assert_failed(&r, "notFound", "We could not find a meeting with that "
	    "meeting ID - perhaps the meeting is not yet running?");

	q = st_signed("SHA1", "getMeetingInfo", "", w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getMeetingInfo", q, NULL, NULL, &r);
	free(q);
	assert_failed(&r, "missingParamMeetingID", NULL);

	q = st_signed("SHA1", "isMeetingRunning", "meetingID=info-1",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/isMeetingRunning", q, NULL, NULL, &r);
	free(q);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	assert_string_equal(st_xml_get(x, "/response/running", 0), "true");
	st_xml_free(x);
	q = st_signed("SHA1", "isMeetingRunning", "meetingID=nosuch",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/isMeetingRunning", q, NULL, NULL, &r);
	free(q);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/running", 0), "false");
	st_xml_free(x);

	/* Its server is down: scalelite cannot reach it. */
	w->nodes[1].up = false;
	q = st_signed("SHA256", "getMeetingInfo", "meetingID=info-1",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getMeetingInfo", q, NULL, NULL, &r);
	free(q);
	assert_failed(&r, "internalError", "Unable to access meeting on "
	    "server.");
	sim_resp_clear(&r);
}

/* A node's FAILED answer (BBB's text/xml). */
static void
assert_node_failed(const struct sim_resp *r, const char *key)
{
	struct st_xml	*x = xml_of(r);

	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->content_type, "text/xml"));
	assert_string_equal(st_xml_get(x, "/response/returncode", 0), "FAILED");
	assert_string_equal(st_xml_get(x, "/response/messageKey", 0), key);
	st_xml_free(x);
}

/* A meeting's index in the world by meetingID, or -1. */
static long
sl_find_meeting(struct sim_world *w, const char *id)
{
	size_t	i;

	for (i = 0; i < w->nmeetings; i++) {
		if (strcmp(w->meetings[i].id, id) == 0)
			return ((long)i);
	}
	return (-1);
}

/* The query of a URL (after '?'), allocated. */
static char *
url_query(const char *url)
{
	const char	*q = strchr(url, '?');

	assert_non_null(q);
	return (xstrdup(q + 1));
}

/*
 * create goes to the least-loaded enabled online server and exists on
 * that node's BBB API; join redirects there; end ends it there.
 */
static void
test_create_join_end(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	struct st_xml		*x;
	const char		*loc;
	char			*q, *nq, *base;
	double			 load3;

	/* node 3 online with the lowest load: it gets the meeting */
	w->nodes[3].online = true;
	w->nodes[3].load = 5.0;
	load3 = w->nodes[3].load;
	q = st_signed("SHA1", "create", "name=Probe&meetingID=probe-1&"
	    "attendeePW=ap&moderatorPW=mp", w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/create", q, NULL, NULL, &r);
	free(q);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	assert_string_equal(st_xml_get(x, "/response/meetingID", 0),
	    "probe-1");
	assert_string_equal(st_xml_get(x, "/response/moderatorPW", 0), "mp");
	assert_true(st_is_uint(st_xml_get(x, "/response/createTime", 0)));
	assert_non_null(st_xml_get(x, "/response/internalMeetingID", 0));
	st_xml_free(x);
	assert_true(w->nodes[3].load == load3 + 1.0);

	/* it is on node 3's own API, empty */
	q = st_signed("SHA256", "getMeetingInfo", "meetingID=probe-1",
	    w->nodes[3].secret);
	st_call_node(w, 3, "/bigbluebutton/api/getMeetingInfo", q, &r);
	free(q);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	assert_string_equal(st_xml_get(x, "/response/participantCount", 0),
	    "0");
	st_xml_free(x);
	q = st_signed("SHA256", "getMeetingInfo", "meetingID=probe-1",
	    w->nodes[0].secret);
	st_call_node(w, 0, "/bigbluebutton/api/getMeetingInfo", q, &r);
	free(q);
	assert_node_failed(&r, "notFound");

	/* the same create again: same node, duplicateWarning */
	w->nodes[3].load = 100.0;
	q = st_signed("SHA1", "create", "name=Probe&meetingID=probe-1&"
	    "attendeePW=ap&moderatorPW=mp", w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/create", q, NULL, NULL, &r);
	free(q);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/messageKey", 0),
	    "duplicateWarning");
	st_xml_free(x);
	/* a meetingID of BBB's full length (256) is kept whole */
	{
		char	id[257], *qq;

		memset(id, 'l', 256);
		id[256] = '\0';
		qq = xasprintf("name=Long&meetingID=%s&moderatorPW="
		    "a-moderator-password-of-40-characters-xx", id);
		q = st_signed("SHA1", "create", qq, w->sl_secret);
		sl(w, "GET", "/bigbluebutton/api/create", q, NULL, NULL, &r);
		free(q);
		free(qq);
		qq = xasprintf("meetingID=%s&password="
		    "a-moderator-password-of-40-characters-xx", id);
		q = st_signed("SHA1", "end", qq, w->sl_secret);
		sl(w, "GET", "/bigbluebutton/api/end", q, NULL, NULL, &r);
		free(q);
		free(qq);
		x = xml_of(&r);
		assert_string_equal(st_xml_get(x, "/response/messageKey", 0),
		    "sentEndMeetingRequest");
		st_xml_free(x);
	}

	/* other passwords: idNotUnique */
	q = st_signed("SHA1", "create", "name=Probe&meetingID=probe-1&"
	    "moderatorPW=other", w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/create", q, NULL, NULL, &r);
	free(q);
	assert_failed(&r, "idNotUnique", NULL);

	/* a new meeting now goes to node 0 (node 3 is loaded); no
	 * moderatorPW given: scalelite makes one up */
	q = st_signed("SHA256", "create", "name=Two&meetingID=probe-2",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/create", q, NULL, NULL, &r);
	free(q);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	assert_int_equal(strlen(st_xml_get(x, "/response/moderatorPW", 0)),
	    8);
	st_xml_free(x);
	assert_int_equal(w->meetings[w->nmeetings - 1].node, 0);

	/* equal loads: Redis' sorted-set order, the lower id first */
	w->nodes[0].load = w->nodes[3].load = 7.0;
	snprintf(w->nodes[0].sl_id, sizeof w->nodes[0].sl_id, "%s",
	    "f0000000-0000-4000-8000-000000000000");
	q = st_signed("SHA256", "create", "name=Tie&meetingID=probe-tie",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/create", q, NULL, NULL, &r);
	free(q);
	assert_int_equal(w->meetings[w->nmeetings - 1].node, 3);
	w->nodes[3].load = 100.0;

	/* join: a redirect to node 3's join, re-signed with its secret */
	q = st_signed("SHA1", "join", "fullName=Probe&meetingID=probe-1&"
	    "password=mp&redirect=false", w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/join", q, NULL, NULL, &r);
	free(q);
	assert_int_equal(r.status, 302);
	loc = st_resp_header(&r, "Location");
	assert_non_null(loc);
	base = sim_scalelite_node_url(w, 3);
	assert_int_equal(strncmp(loc, base, strlen(base)), 0);
	assert_int_equal(strncmp(loc + strlen(base), "join?", 5), 0);
	free(base);
	nq = url_query(loc);
	st_call_node(w, 3, "/bigbluebutton/api/join", nq, &r);
	free(nq);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	assert_string_equal(st_xml_get(x, "/response/messageKey", 0),
	    "successfullyJoined");
	assert_non_null(strstr(st_xml_get(x, "/response/url", 0),
	    "sessionToken="));
	/* the client's URL is on the node's own host, which serves it */
	base = xasprintf("http://%s:%u/html5client/join?sessionToken=",
	    w->nodes[3].fqdn, (unsigned)w->ports[SIM_METRICS]);
	assert_int_equal(strncmp(st_xml_get(x, "/response/url", 0), base,
	    strlen(base)), 0);
	free(base);
	st_xml_free(x);
	st_call_node(w, 3, "/html5client/join", "sessionToken=abc", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "HTML5 Client"));
	/* a wrong password, on the node */
	q = st_signed("SHA1", "join", "fullName=X&meetingID=probe-1&"
	    "password=nope", w->nodes[3].secret);
	st_call_node(w, 3, "/bigbluebutton/api/join", q, &r);
	free(q);
	assert_node_failed(&r, "invalidPassword");
	q = st_signed("SHA1", "join", "fullName=X&meetingID=nosuch",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/join", q, NULL, NULL, &r);
	free(q);
	assert_failed(&r, "notFound", NULL);

	/* getRecordings: scalelite's own, empty */
	q = st_signed("SHA1", "getRecordings", "meetingID=probe-1",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getRecordings", q, NULL, NULL, &r);
	free(q);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	assert_string_equal(st_xml_get(x, "/response/messageKey", 0),
	    "noRecordings");
	st_xml_free(x);

	/* end: a wrong password fails on the node; the right one ends it */
	q = st_signed("SHA1", "end", "meetingID=probe-1&password=bad",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/end", q, NULL, NULL, &r);
	free(q);
	assert_failed(&r, "invalidPassword", NULL);
	q = st_signed("SHA1", "end", "meetingID=probe-1&password=mp",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/end", q, NULL, NULL, &r);
	free(q);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/messageKey", 0),
	    "sentEndMeetingRequest");
	st_xml_free(x);
	q = st_signed("SHA1", "getMeetingInfo", "meetingID=probe-1",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getMeetingInfo", q, NULL, NULL, &r);
	free(q);
	assert_failed(&r, "notFound", NULL);
	q = st_signed("SHA1", "end", "meetingID=probe-1&password=mp",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/end", q, NULL, NULL, &r);
	free(q);
	assert_failed(&r, "notFound", NULL);

	/* a bad checksum, no server to take it */
	q = st_signed("SHA1", "create", "name=N&meetingID=probe-3",
	    "wrong");
	sl(w, "GET", "/bigbluebutton/api/create", q, NULL, NULL, &r);
	free(q);
	assert_failed(&r, "checksumError", NULL);
	w->nodes[0].lb = SIM_LB_CORDONED;
	w->nodes[3].lb = SIM_LB_DISABLED;
	q = st_signed("SHA1", "create", "name=N&meetingID=probe-3",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/create", q, NULL, NULL, &r);
	free(q);
	assert_failed(&r, "internalError", "Could not find any available "
	    "servers.");

	/* the API's empty meeting expires after 5 minutes, unfilled */
	assert_int_equal(w->meetings[w->nmeetings - 1].participants, 0);
	sim_world_advance(w, 60 * 1000);
	assert_int_equal(w->meetings[w->nmeetings - 1].participants, 0);
	sim_world_advance(w, 5 * 60 * 1000);
	assert_int_equal(sl_find_meeting(w, "probe-2"), -1);
	sim_resp_clear(&r);
}

/*
 * A recorded meeting that ends leaves a recording scalelite lists once
 * it is processed; an empty one leaves none.
 */
static void
test_recordings(void **state)
{
	struct sim_world	*w = *state;
	struct sim_resp		 r = { 0 };
	struct st_xml		*x;
	char			*q;

	add_meeting(w, 0, "rec-1", 5, 1);
	add_meeting(w, 0, "rec-2", 3, 1);
	w->meetings[w->nmeetings - 1].recording = false;
	add_meeting(w, 0, "rec-3", 0, 0);
	q = st_signed("SHA1", "end", "meetingID=rec-1&password=mp",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/end", q, NULL, NULL, &r);
	free(q);
	q = st_signed("SHA1", "end", "meetingID=rec-2&password=mp",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/end", q, NULL, NULL, &r);
	free(q);
	q = st_signed("SHA1", "end", "meetingID=rec-3&password=mp",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/end", q, NULL, NULL, &r);
	free(q);

	/* processing: not yet there */
	q = st_signed("SHA1", "getRecordings", "", w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getRecordings", q, NULL, NULL, &r);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/messageKey", 0),
	    "noRecordings");
	st_xml_free(x);
	sim_world_advance(w, 3 * 60 * 1000);
	sl(w, "GET", "/bigbluebutton/api/getRecordings", q, NULL, NULL, &r);
	free(q);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/returncode", 0),
	    "SUCCESS");
	assert_int_equal(st_xml_count(x, "/response/recordings/recording"),
	    1);
	assert_string_equal(st_xml_child(x, "/response/recordings/recording",
	    0, "meetingID"), "rec-1");
	assert_string_equal(st_xml_child(x, "/response/recordings/recording",
	    0, "recordID"), "rec-1-1764000000000");
	assert_string_equal(st_xml_child(x, "/response/recordings/recording",
	    0, "published"), "true");
	assert_string_equal(st_xml_child(x, "/response/recordings/recording",
	    0, "participants"), "5");
	st_xml_free(x);

	/* filters: meetingID list, recordID prefix */
	q = st_signed("SHA1", "getRecordings", "meetingID=rec-2,rec-3",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getRecordings", q, NULL, NULL, &r);
	free(q);
	x = xml_of(&r);
	assert_string_equal(st_xml_get(x, "/response/messageKey", 0),
	    "noRecordings");
	st_xml_free(x);
	q = st_signed("SHA1", "getRecordings", "recordID=rec-1",
	    w->sl_secret);
	sl(w, "GET", "/bigbluebutton/api/getRecordings", q, NULL, NULL, &r);
	free(q);
	x = xml_of(&r);
	assert_int_equal(st_xml_count(x, "/response/recordings/recording"),
	    1);
	st_xml_free(x);
	sim_resp_clear(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_root_and_health, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_get_meetings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_get_meetings_checksum,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_get_meetings_none_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_servers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_admin_checksum, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_add_update_delete, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_panic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_api, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_join_end, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_recordings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_meeting_info, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
