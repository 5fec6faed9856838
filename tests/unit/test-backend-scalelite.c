/* test-backend-scalelite.c: getServers (JSON and XML) and BBB XML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "fixture.h"
#include "meetings-same.h"

static struct fleet_scalelite_update *
servers_ok(const char *name, struct backend_sl_secrets *sec)
{
	struct fleet_scalelite_update	*u = NULL;
	char				*body, *cause = NULL;
	size_t				 len;

	body = fixture_read(name, &len);
	if (backend_scalelite_decode(body, len, &u, sec, &cause) != 0)
		fail_msg("%s: %s", name, cause);
	free(body);
	return (u);
}

static char *
servers_fail(const char *name)
{
	struct fleet_scalelite_update	*u = (void *)1;
	struct backend_sl_secrets	 sec;
	char				*body, *cause = NULL;
	size_t				 len;

	body = fixture_read(name, &len);
	assert_int_equal(backend_scalelite_decode(body, len, &u, &sec,
	    &cause), -1);
	assert_null(u);
	assert_int_equal(sec.n, 0);
	assert_null(sec.v);
	assert_non_null(cause);
	free(body);
	return (cause);
}

static void
test_v151(void **state)
{
	struct fleet_scalelite_update	*u;
	struct backend_sl_secrets	 sec;

	(void)state;
	u = servers_ok("scalelite/getservers-v1.5.1.json", &sec);
	assert_false(u->legacy);
	assert_int_equal(u->nservers, 3);
	assert_string_equal(u->servers[0].id,
	    "2d2d1a0c-4f0a-4a8e-9a4b-6f1b3f3c9e01");
	assert_string_equal(u->servers[0].url,
	    "https://bbb-01.bbb.example.com/bigbluebutton/api/");
	assert_int_equal(u->servers[0].state, FLEET_LB_ENABLED);
	assert_int_equal(u->servers[0].online, 1);
	assert_true(u->servers[0].load == 227);
	assert_true(u->servers[0].load_multiplier == 1.0);
	assert_null(u->servers[0].tag);		/* "" is none */
	assert_null(u->servers[0].bbb_version);	/* absent before 1.6 */
	assert_int_equal(u->servers[1].state, FLEET_LB_CORDONED);
	assert_true(u->servers[1].load == 12.5);
	assert_true(u->servers[1].load_multiplier == 2.5);
	assert_int_equal(u->servers[2].state, FLEET_LB_DISABLED);
	assert_int_equal(u->servers[2].online, 0);
	assert_true(isnan(u->servers[2].load));	/* "unavailable" */

	/* secrets only in the private list; pollable = online, not disabled */
	assert_int_equal(sec.n, 3);
	assert_string_equal(sec.v[0].secret, "c2VjcmV0LW9uZS0xMjM0NTY3ODkw");
	assert_string_equal(sec.v[0].url, u->servers[0].url);
	assert_true(sec.v[0].pollable);
	assert_true(sec.v[1].pollable);
	assert_false(sec.v[2].pollable);
	backend_sl_secrets_free(&sec);
	assert_int_equal(sec.n, 0);
	fleet_scalelite_update_free(u);
}

static void
test_v16(void **state)
{
	struct fleet_scalelite_update	*u;

	(void)state;
	u = servers_ok("scalelite/getservers-v1.6.json", NULL);
	assert_int_equal(u->nservers, 3);
	assert_string_equal(u->servers[0].tag, "lecture");
	assert_string_equal(u->servers[0].bbb_version, "2.7.3");
	assert_null(u->servers[1].bbb_version);	/* "" unknown */
	assert_true(u->servers[1].load == 0);
	assert_true(u->servers[1].load_multiplier == 1.5);
	assert_string_equal(u->servers[2].bbb_version, "2.6.18");
	assert_true(isnan(u->servers[2].load));
	fleet_scalelite_update_free(u);
}

static void
test_number_multiplier(void **state)
{
	struct fleet_scalelite_update	*u;

	(void)state;
	u = servers_ok("scalelite/getservers-number-multiplier.json", NULL);
	assert_int_equal(u->nservers, 1);
	assert_string_equal(u->servers[0].id, "bbb-01.bbb.example.com");
	assert_true(u->servers[0].load_multiplier == 2);
	assert_true(u->servers[0].load == 3);
	assert_string_equal(u->servers[0].bbb_version, "3.0.4");
	fleet_scalelite_update_free(u);
}

static void
test_none_and_legacy(void **state)
{
	struct fleet_scalelite_update	*u;

	(void)state;
	u = servers_ok("scalelite/getservers-none.json", NULL);
	assert_false(u->legacy);
	assert_int_equal(u->nservers, 0);
	fleet_scalelite_update_free(u);

	u = servers_ok("scalelite/unsupported-request.xml", NULL);
	assert_true(u->legacy);
	assert_int_equal(u->nservers, 0);
	fleet_scalelite_update_free(u);
}

static void
test_errors(void **state)
{
	char	*cause;

	(void)state;
	cause = servers_fail("scalelite/checksum-error.xml");
	assert_non_null(strstr(cause, "checksumError"));
	assert_non_null(strstr(cause, "[scalelite] secret"));
	free(cause);
	cause = servers_fail("scalelite/getservers-bad-state.json");
	assert_string_equal(cause, "scalelite: [0].state: expected a string, "
	    "got an integer");
	free(cause);
	cause = servers_fail("scalelite/getservers-bad-load.json");
	assert_string_equal(cause, "scalelite: [0].load: not a finite number: "
	    "\"lots\"");
	free(cause);
	cause = servers_fail("bbb/getmeetings-internal-error.xml");
	assert_string_equal(cause, "scalelite: FAILED: internalError: Unable "
	    "to access meeting on server.");
	free(cause);
}

static void
test_meetings(void **state)
{
	struct fleet_meetings_update	*u;
	struct fleet_meeting_u		*m;
	char				*body, *cause = NULL;
	size_t				 len;

	(void)state;
	body = fixture_read("bbb/getmeetings.xml", &len);
	if (backend_bbb_decode_meetings(body, len, &u, &cause) != 0)
		fail_msg("%s", cause);
	free(body);
	assert_int_equal(u->nmeetings, 2);
	m = &u->meetings[0];
	assert_string_equal(m->meeting_id, "phys-101-lecture");
	assert_string_equal(m->name, "Physics 101 & Lab");
	assert_null(m->node);
	assert_int_equal(m->participants, 42);
	assert_int_equal(m->listeners, 30);
	assert_int_equal(m->voice, 5);
	assert_int_equal(m->video, 3);
	assert_int_equal(m->moderators, 2);
	assert_true(m->recording);
	assert_int_equal(m->created, 1764100000000LL);
	m = &u->meetings[1];
	assert_string_equal(m->meeting_id, "chem-seminar");
	assert_string_equal(m->name, "Chemistry <seminar>");
	assert_false(m->recording);
	assert_int_equal(m->participants, 7);
	assert_int_equal(m->voice, 6);
	fleet_meetings_update_free(u);

	body = fixture_read("bbb/getmeetings-none.xml", &len);
	assert_int_equal(backend_bbb_decode_meetings(body, len, &u, &cause), 0);
	assert_int_equal(u->nmeetings, 0);
	fleet_meetings_update_free(u);
	free(body);
}

static void
meetings_fail(const char *name, const char *want)
{
	struct fleet_meetings_update	*u = (void *)1;
	char				*body, *cause = NULL;
	size_t				 len;

	body = fixture_read(name, &len);
	assert_int_equal(backend_bbb_decode_meetings(body, len, &u, &cause),
	    -1);
	assert_null(u);
	if (strstr(cause, want) == NULL)
		fail_msg("%s: cause \"%s\" lacks \"%s\"", name, cause, want);
	free(cause);
	free(body);
}

static void
test_meetings_errors(void **state)
{
	(void)state;
	meetings_fail("bbb/getmeetings-checksum-error.xml",
	    "getMeetings FAILED: checksumError: You did not pass");
	meetings_fail("bbb/getmeetings-internal-error.xml", "internalError");
	meetings_fail("bbb/getmeetings-bad-count.xml",
	    "meeting 1: participantCount: not a number: \"many\"");
	meetings_fail("bbb/getmeetings-truncated.xml", "BBB API: not XML");
	meetings_fail("bbb/getmeetings-no-id.xml", "meeting 1: meetingID: "
	    "missing");
	meetings_fail("scalelite/getservers-v1.6.json", "not XML");
}

static void
test_xml_hostile(void **state)
{
	struct fleet_meetings_update	*u;
	struct buf			 b = { 0 };
	char				*cause = NULL;
	const char			*laughs =
	    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
	    "<response><returncode>&b;</returncode></response>";
	int				 i;

	(void)state;
	assert_int_equal(backend_bbb_decode_meetings(laughs, strlen(laughs),
	    &u, &cause), -1);
	assert_string_equal(cause, "BBB API: DOCTYPE not allowed");
	free(cause);

	buf_adds(&b, "<response>");
	for (i = 0; i < 1000; i++)
		buf_adds(&b, "<a>");
	assert_int_equal(backend_bbb_decode_meetings(b.data, b.len, &u,
	    &cause), -1);
	assert_string_equal(cause, "BBB API: XML nested deeper than 32");
	free(cause);
	buf_free(&b);

	buf_adds(&b, "<response><returncode>");
	for (i = 0; i < 70000; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "</returncode></response>");
	assert_int_equal(backend_bbb_decode_meetings(b.data, b.len, &u,
	    &cause), -1);
	assert_non_null(strstr(cause, "element text longer than 65536"));
	free(cause);
	buf_free(&b);

	assert_int_equal(backend_bbb_decode_meetings("<html>x</html>", 14, &u,
	    &cause), -1);
	assert_string_equal(cause, "BBB API: not a BBB API answer (root "
	    "element <html>)");
	free(cause);
}

static const char *const bbb_fixtures[] = {
	"bbb/getmeetings.xml",
	"bbb/getmeetings-none.xml",
	"bbb/getmeetings-bad-count.xml",
	"bbb/getmeetings-checksum-error.xml",
	"bbb/getmeetings-internal-error.xml",
	"bbb/getmeetings-no-id.xml",
	"bbb/getmeetings-truncated.xml"
};

/* The fast tokenizer takes BBB's own answers (else it is never used). */
static void
test_xml_fast_taken(void **state)
{
	struct fleet_meetings_update	*u;
	char				*body, *cause = NULL;
	size_t				 len, i;
	int				 rc;

	(void)state;
	for (i = 0; i < 6; i++) {
		body = fixture_read(bbb_fixtures[i], &len);
		rc = backend_bbb_decode_meetings_path(BACKEND_XML_FAST, body,
		    len, &u, &cause);
		if (rc == -2)
			fail_msg("%s: the fast path declined", bbb_fixtures[i]);
		if (rc == 0)
			fleet_meetings_update_free(u);
		free(cause);
		cause = NULL;
		free(body);
	}
	/* A truncated answer is declined; expat names the error. */
	body = fixture_read("bbb/getmeetings-truncated.xml", &len);
	assert_int_equal(backend_bbb_decode_meetings_path(BACKEND_XML_FAST,
	    body, len, &u, &cause), -2);
	free(body);
}

static void
xml_agree(const char *what, const char *body, size_t len, size_t *taken)
{
	char	*why;
	bool	 declined;

	if ((why = meetings_paths_differ(body, len, &declined)) != NULL)
		fail_msg("%s: %s", what, why);
	if (!declined)
		(*taken)++;
}

/*
 * Both parsers agree on every fixture, on every truncation of the full
 * answer, and on one-byte changes at every offset into characters that
 * matter to XML.
 */
static void
test_xml_fast_same(void **state)
{
	static const char	 subst[] = { '<', '>', '&', '/', ' ', ']',
	    '\r', '\0', '"', '!', '?', 'x', '\x80', '\xc3', ';', '#' };
	char			*body, *copy, what[96];
	size_t			 len, i, k, taken = 0, tried = 0;

	(void)state;
	for (i = 0; i < nitems(bbb_fixtures); i++) {
		body = fixture_read(bbb_fixtures[i], &len);
		xml_agree(bbb_fixtures[i], body, len, &taken);
		free(body);
	}
	body = fixture_read("bbb/getmeetings.xml", &len);
	for (i = 0; i <= len; i++) {
		snprintf(what, sizeof what, "cut at %zu", i);
		xml_agree(what, body, i, &taken);
		tried++;
	}
	copy = xmalloc(len);
	for (i = 0; i < len; i++) {
		for (k = 0; k < nitems(subst); k++) {
			memcpy(copy, body, len);
			copy[i] = subst[k];
			snprintf(what, sizeof what, "byte %zu = 0x%02x", i,
			    (unsigned char)subst[k]);
			xml_agree(what, copy, len, &taken);
			tried++;
		}
	}
	/* Many mutants stay well-formed: the fast path must take some. */
	if (taken < tried / 20)
		fail_msg("fast path took only %zu of %zu", taken, tried);
	free(copy);
	free(body);
}

/* What it declines, expat decides (and the answers stay the same). */
static void
test_xml_fast_declines(void **state)
{
	static const char *const declined[] = {
		"<!-- c --><response><returncode>SUCCESS</returncode>"
		    "</response>",
		"<response a=\"1\"><returncode>SUCCESS</returncode>"
		    "</response>",
		"<response><returncode>SUCCESS</returncode></response>\r\n",
		"<response><returncode>SUCCESS</returncode></respons>",
		"<response><returncode>SUCC&nbsp;ESS</returncode>"
		    "</response>",
		"<response><returncode>SUCCESS</returncode></response><x/>",
		"<?xml version=\"1.1\"?><response><returncode>SUCCESS"
		    "</returncode></response>",
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><response>"
		    "<returncode>SUCCESS</returncode></response>",
		"<response><returncode>SUCCESS\xc0\xaf</returncode>"
		    "</response>",
		"<response><returncode>S]]>S</returncode></response>",
		"<response><returncode>&#0;</returncode></response>",
		"<response><returncode>&#xd800;</returncode></response>",
		/* 2^32 + 'S': expat rejects it; no wrap to 'S' */
		"<response><returncode>&#4294967379;UCCESS</returncode>"
		    "</response>",
		"<response><returncode>&#x100000053;UCCESS</returncode>"
		    "</response>",
		"<response><r\xc3\xa9>x</r\xc3\xa9><returncode>SUCCESS"
		    "</returncode></response>",
	};
	struct fleet_meetings_update	*u;
	char				*cause = NULL, *why;
	size_t				 i;
	bool				 d;

	(void)state;
	for (i = 0; i < nitems(declined); i++) {
		if (backend_bbb_decode_meetings_path(BACKEND_XML_FAST,
		    declined[i], strlen(declined[i]), &u, &cause) != -2)
			fail_msg("not declined: %s", declined[i]);
		if ((why = meetings_paths_differ(declined[i],
		    strlen(declined[i]), &d)) != NULL)
			fail_msg("%s: %s", declined[i], why);
	}
	/* Entities, references and CDATA are read as expat reads them. */
	const char *ok = "<?xml version='1.0' standalone='yes' ?>\n"
	    "<response ><returncode>SUCCESS</returncode><meetings><meeting>"
	    "<meetingID>a&amp;b&#x41;&#66;&lt;&gt;&quot;&apos;</meetingID>"
	    "<meetingName>x<![CDATA[<&]]>\xc3\xa9\xf0\x9f\x98\x80"
	    "</meetingName><participantCount> 3 </participantCount>"
	    "</meeting></meetings></response>\n";
	assert_int_equal(backend_bbb_decode_meetings_path(BACKEND_XML_FAST, ok,
	    strlen(ok), &u, &cause), 0);
	assert_string_equal(u->meetings[0].meeting_id, "a&bAB<>\"'");
	assert_string_equal(u->meetings[0].name, "x<&\xc3\xa9\xf0\x9f\x98"
	    "\x80");
	assert_int_equal(u->meetings[0].participants, 3);
	fleet_meetings_update_free(u);
	assert_null(meetings_paths_differ(ok, strlen(ok), &d));
	assert_false(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v151),
		cmocka_unit_test(test_v16),
		cmocka_unit_test(test_number_multiplier),
		cmocka_unit_test(test_none_and_legacy),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_meetings),
		cmocka_unit_test(test_meetings_errors),
		cmocka_unit_test(test_xml_hostile),
		cmocka_unit_test(test_xml_fast_taken),
		cmocka_unit_test(test_xml_fast_same),
		cmocka_unit_test(test_xml_fast_declines),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
