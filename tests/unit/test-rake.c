/*
 * test-rake.c: the rake output parsers on recorded samples of each
 * scalelite version's layout (tests/fixtures/scalelite/rake-*), the id
 * and host name checks, shell quoting, the ssh fingerprint format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "rake.h"
#include "ssh.h"
#include "util.h"
#include "fixture.h"

static void
parse_status_fixture(const char *name, struct rake_status *st)
{
	char	*text, *cause = NULL;
	size_t	 len;

	text = fixture_read(name, &len);
	if (rake_parse_status(text, len, st, &cause) != 0) {
		fprintf(stderr, "%s: %s\n", name, cause);
		fail();
	}
	free(text);
}

static void
test_status_v1_0(void **state)
{
	struct rake_status	 st;

	(void)state;
	parse_status_fixture("scalelite/rake-status-v1.0.txt", &st);
	assert_int_equal(st.format, RAKE_STATUS_V1_0);
	assert_int_equal(st.n, 3);
	assert_string_equal(st.v[0].hostname, "bbb-01.example.org");
	assert_string_equal(st.v[0].state, "enabled");
	assert_true(st.v[0].online);
	assert_int_equal(st.v[0].meetings, 12);
	assert_int_equal(st.v[0].users, 212);
	assert_int_equal(st.v[0].largest, 48);
	assert_int_equal(st.v[0].videos, 31);
	assert_false(st.v[0].has_load);
	assert_null(st.v[0].bbb_version);
	assert_string_equal(st.v[1].state, "disabled");
	assert_false(st.v[1].online);
	assert_int_equal(st.v[2].users, 17);
	rake_status_free(&st);
}

static void
test_status_v1_0_wrapped(void **state)
{
	struct rake_status	 st;

	(void)state;
	parse_status_fixture("scalelite/rake-status-v1.0-wrapped.txt", &st);
	assert_int_equal(st.n, 2);
	assert_string_equal(st.v[0].hostname,
	    "bbb-01.lecture-halls.uni-example.de");
	assert_string_equal(st.v[1].hostname,
	    "bbb-02.lecture-halls.uni-example.de");
	assert_string_equal(st.v[1].state, "disabled");
	assert_int_equal(st.v[0].videos, 31);
	rake_status_free(&st);
}

static void
test_status_v1_3(void **state)
{
	struct rake_status	 st;

	(void)state;
	parse_status_fixture("scalelite/rake-status-v1.3.txt", &st);
	assert_int_equal(st.format, RAKE_STATUS_V1_3);
	assert_int_equal(st.n, 3);
	assert_true(st.v[0].has_load);
	assert_true(st.v[0].load == 212.0);
	assert_false(st.v[1].has_load);		/* blank: disabled */
	assert_true(st.v[2].load == 17.0);
	rake_status_free(&st);
}

static void
test_status_docs(void **state)
{
	struct rake_status	 st;

	(void)state;
	/* The docs' example: LOAD and TAG, no BBB VERSION. */
	parse_status_fixture("scalelite/rake-status-docs.txt", &st);
	assert_int_equal(st.format, RAKE_STATUS_V1_3);
	assert_int_equal(st.n, 2);
	assert_string_equal(st.v[0].hostname, "bbb1.example.com");
	assert_int_equal(st.v[0].largest, 7);
	assert_int_equal(st.v[0].videos, 15);
	assert_true(st.v[0].load == 25.0);
	assert_null(st.v[0].tag);
	assert_string_equal(st.v[1].tag, "test");
	assert_true(st.v[1].load == 14.0);
	rake_status_free(&st);
}

static void
check_v1_6(struct rake_status *st)
{
	assert_int_equal(st->format, RAKE_STATUS_V1_6);
	assert_int_equal(st->n, 4);
	assert_string_equal(st->v[0].bbb_version, "2.7.3");
	assert_null(st->v[0].tag);
	assert_false(st->v[1].has_load);
	assert_null(st->v[1].bbb_version);
	assert_null(st->v[1].tag);
	assert_string_equal(st->v[2].state, "cordoned");
	assert_string_equal(st->v[2].bbb_version, "2.6.18");
	assert_string_equal(st->v[2].tag, "test");
	assert_true(st->v[2].load == 17.0);
	assert_null(st->v[3].bbb_version);
	assert_string_equal(st->v[3].tag, "lecture");
	assert_true(st->v[3].has_load && st->v[3].load == 0.0);
}

static void
test_status_v1_6(void **state)
{
	struct rake_status	 st;

	(void)state;
	parse_status_fixture("scalelite/rake-status-v1.6.txt", &st);
	check_v1_6(&st);
	rake_status_free(&st);
	/* 1.6.12 to 1.7.0: the table through the Rails logger. */
	parse_status_fixture("scalelite/rake-status-v1.6.12-logger.txt", &st);
	check_v1_6(&st);
	rake_status_free(&st);
	parse_status_fixture("scalelite/rake-status-v1.6.12-logger-each.txt",
	    &st);
	check_v1_6(&st);
	rake_status_free(&st);
}

static void
test_status_bad(void **state)
{
	static const char *bad[] = {
		"",
		"rake aborted!\nRedis::CannotConnectError\n",
		"  HOSTNAME  STATE  STATUS  MEETINGS\n"
		" bbb-01     enabled  online  many\n",
		"  HOSTNAME  STATE  STATUS\n bbb-01  enabled  sideways\n",
		"  HOSTNAME  STATE  STATUS  LOAD\n"
		" bbb-01  enabled  online  -3\n",
		/* found by fuzz-rake: a first row without a state */
		"   HOSTNAME        STATE   STATUS\n bbb-01.le\n"
		" bbb-02  disabled  offline\n",
	};
	struct rake_status	 st;
	char			*cause;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		cause = NULL;
		assert_int_equal(rake_parse_status(bad[i], strlen(bad[i]), &st,
		    &cause), -1);
		assert_non_null(cause);
		free(cause);
		rake_status_free(&st);
	}
	/* A table with no rows is fine: no servers. */
	assert_int_equal(rake_parse_status("  HOSTNAME  STATE  STATUS\n", 26,
	    &st, &cause), 0);
	assert_int_equal(st.n, 0);
	rake_status_free(&st);
}

static void
test_servers(void **state)
{
	struct rake_list	 rl;
	char			*text, *cause = NULL;
	size_t			 len;

	(void)state;
	text = fixture_read("scalelite/rake-servers-v1.0.txt", &len);
	assert_int_equal(rake_parse_servers(text, len, &rl, &cause), 0);
	free(text);
	assert_int_equal(rl.n, 2);
	assert_string_equal(rl.v[0].id, "2d2d674a-c6bb-48f3-8ad4-68f33a80a5b7");
	assert_string_equal(rl.v[0].url,
	    "https://bbb-01.example.org/bigbluebutton/api");
	assert_string_equal(rl.v[0].state, "enabled");
	assert_true(rl.v[0].online);
	assert_true(rl.v[0].has_load && rl.v[0].load == 21.0);
	assert_string_equal(rl.v[1].state, "disabled");
	assert_false(rl.v[1].online);
	assert_false(rl.v[1].has_load);	/* "unavailable" */
	rake_list_free(&rl);

	text = fixture_read("scalelite/rake-servers-v1.6.12-logger.txt", &len);
	assert_int_equal(rake_parse_servers(text, len, &rl, &cause), 0);
	free(text);
	assert_int_equal(rl.n, 2);
	assert_string_equal(rl.v[0].id, "bbb-01.example.org");
	assert_string_equal(rl.v[1].state, "cordoned");
	rake_list_free(&rl);

	/* An action's output before the listing is skipped. */
	text = fixture_read("scalelite/rake-action-cordon-ok.txt", &len);
	assert_int_equal(rake_parse_servers(text, len, &rl, &cause), 0);
	free(text);
	assert_int_equal(rl.n, 2);
	assert_string_equal(rl.v[1].id, "bbb-03.example.org");
	rake_list_free(&rl);

	/* No state line: an error, not a guess. */
	assert_int_equal(rake_parse_servers("id: x\n\turl: http://a/\n", 21,
	    &rl, &cause), -1);
	free(cause);
	rake_list_free(&rl);
}

static void
test_logger_prefix(void **state)
{
	(void)state;
	assert_string_equal(rake_strip_logger("I, [2025-03-14T09:26:53.589793 "
	    "#1]  INFO -- : OK"), "OK");
	assert_string_equal(rake_strip_logger("W, [2025-03-14T09:26:53.5 "
	    "#12]  WARN -- rake: [abc-123] WARNING x"), "WARNING x");
	assert_string_equal(rake_strip_logger("OK"), "OK");
	assert_string_equal(rake_strip_logger("I, [no end"), "I, [no end");
	assert_string_equal(rake_strip_logger(""), "");
}

static void
test_validate(void **state)
{
	(void)state;
	assert_true(rake_valid_uuid("2d2d674a-c6bb-48f3-8ad4-68f33a80a5b7"));
	assert_false(rake_valid_uuid("2d2d674a-c6bb-48f3-8ad4-68f33a80a5b"));
	assert_false(rake_valid_uuid("2d2d674a-c6bb-48f3-8ad4_68f33a80a5b7"));
	assert_false(rake_valid_uuid("2d2d674a-c6bb-48f3-8ad4-68f33a80a5b7;"));
	assert_true(rake_valid_hostname("bbb-01.example.org"));
	assert_true(rake_valid_hostname("bbb-01"));
	assert_false(rake_valid_hostname(""));
	assert_false(rake_valid_hostname("-bbb"));
	assert_false(rake_valid_hostname("bbb-.x"));
	assert_false(rake_valid_hostname("a..b"));
	assert_false(rake_valid_hostname("bbb-01]; rm -rf /"));
	assert_false(rake_valid_hostname("bbb'01"));
	assert_false(rake_valid_hostname("$(reboot)"));
	assert_false(rake_valid_hostname("bbb 01"));
}

static void
test_refused_before_ssh(void **state)
{
	struct config	*cfg;
	char		*cause = NULL, *out = NULL;

	(void)state;
	cfg = config_new();
	/* No ssh_host, but bad input is refused before that matters. */
	assert_int_equal(rake_server_state(cfg, "enable", "x]; reboot", &out,
	    &cause), -1);
	assert_non_null(strstr(cause, "UUID"));
	free(cause);
	assert_int_equal(rake_server_state(cfg, "destroy",
	    "2d2d674a-c6bb-48f3-8ad4-68f33a80a5b7", &out, &cause), -1);
	assert_non_null(strstr(cause, "unknown action"));
	free(cause);
	assert_int_equal(rake_server_state(cfg, "cordon",
	    "2d2d674a-c6bb-48f3-8ad4-68f33a80a5b7", &out, &cause), -1);
	assert_non_null(strstr(cause, "ssh_host"));
	free(cause);
	assert_null(out);
	config_free(cfg);
}

static void
test_quote(void **state)
{
	char	*q;

	(void)state;
	q = ssh_quote("servers:enable[x]");
	assert_string_equal(q, "'servers:enable[x]'");
	free(q);
	q = ssh_quote("it's");
	assert_string_equal(q, "'it'\\''s'");
	free(q);
	q = ssh_quote("");
	assert_string_equal(q, "''");
	free(q);
}

/* A key blob and its fingerprint as ssh-keygen -l printed it. */
static void
test_fingerprint(void **state)
{
	static const unsigned char blob[] = {
		0x00, 0x00, 0x00, 0x0b, 's', 's', 'h', '-', 'e', 'd', '2', '5',
		'5', '1', '9', 0x00, 0x00, 0x00, 0x20
	};
	static const char *b64 =
	    "AAAAC3NzaC1lZDI1NTE5AAAAIAq9qvZMynWBTY+H5h3IKYfYbkNSi4ccUS0XdCrbCTmh";
	unsigned char	 key[64];
	size_t		 n = 0, i;
	uint32_t	 v = 0;
	int		 bits = 0;
	const char	*p, *alpha =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char		*fp;

	(void)state;
	for (p = b64; *p != '\0'; p++) {
		v = (v << 6) | (uint32_t)(strchr(alpha, *p) - alpha);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			key[n++] = (unsigned char)(v >> bits);
		}
	}
	assert_int_equal(n, 51);
	for (i = 0; i < sizeof blob; i++)
		assert_int_equal(key[i], blob[i]);
	fp = ssh_fingerprint(key, n);
	assert_string_equal(fp,
	    "SHA256:ANQvwxwYZrcLnHJbwyY44hK8kX6bUEe8kNe5PdwFYks");
	free(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_v1_0),
		cmocka_unit_test(test_status_v1_0_wrapped),
		cmocka_unit_test(test_status_v1_3),
		cmocka_unit_test(test_status_docs),
		cmocka_unit_test(test_status_v1_6),
		cmocka_unit_test(test_status_bad),
		cmocka_unit_test(test_servers),
		cmocka_unit_test(test_logger_prefix),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_refused_before_ssh),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_fingerprint),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
