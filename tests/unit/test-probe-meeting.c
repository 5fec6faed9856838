/* test-probe-meeting.c: probe_meeting_decode() on BBB API answers */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "probe-meeting.h"
#include "fixture.h"

static void
decode_fixture(const char *name, struct pm_answer *a)
{
	char	*body, *cause = NULL;
	size_t	 len;

	body = fixture_read(name, &len);
	assert_int_equal(probe_meeting_decode(body, len, a, &cause), 0);
	assert_null(cause);
	free(body);
}

static void
test_create(void **state)
{
	struct pm_answer	 a;

	(void)state;
	decode_fixture("bbb/create-success.xml", &a);
	assert_string_equal(a.returncode, "SUCCESS");
	assert_string_equal(a.meeting_id, "test01");
	assert_string_equal(a.internal_id,
	    "640ab2bae07bedc4c163f679a746f7ab7fb5d1fa-1531155809613");
	assert_string_equal(a.message_key, "duplicateWarning");
	assert_null(a.url);
	assert_int_equal(a.running, -1);
	probe_meeting_answer_clear(&a);
}

static void
test_join(void **state)
{
	struct pm_answer	 a;

	(void)state;
	decode_fixture("bbb/join-redirect-false.xml", &a);
	assert_string_equal(a.message_key, "successfullyJoined");
	assert_string_equal(a.url, "https://bbb-07.example.org/html5client/"
	    "join?sessionToken=ai1wqj8wb6s7rnk0");
	probe_meeting_answer_clear(&a);
}

static void
test_info(void **state)
{
	struct pm_answer	 a;

	(void)state;
	decode_fixture("bbb/getmeetinginfo-running.xml", &a);
	assert_string_equal(a.meeting_id, "bbbctl-probe-0011223344556677");
	assert_int_equal(a.running, 1);
	/* only <response>'s own children: not metadata's <url> */
	assert_null(a.url);
	probe_meeting_answer_clear(&a);
	decode_fixture("bbb/getmeetinginfo-notfound.xml", &a);
	assert_string_equal(a.returncode, "FAILED");
	assert_string_equal(a.message_key, "notFound");
	assert_string_equal(a.message, "A meeting with that ID does not exist");
	probe_meeting_answer_clear(&a);
}

static void
test_bad(void **state)
{
	static const char *bad[] = {
		"",
		"<response><returncode>SUCCESS</returncode>",
		"<html><returncode>SUCCESS</returncode></html>",
		"<response><message>x</message></response>",
		"<response><returncode>SUCCESS</returncode></response>junk",
	};
	struct pm_answer	 a;
	char			*cause;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(probe_meeting_decode(bad[i], strlen(bad[i]),
		    &a, &cause), -1);
		assert_non_null(cause);
		assert_null(a.returncode);
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_bad),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
