/*
 * test-keys.c: the inventory of keys rotate (keyinv.c) on recorded Nova
 * and Rancher answers (tests/fixtures/openstack/servers-detail.json,
 * tests/fixtures/rancher/hosts.json): the join, the address chosen, the
 * next pages, --hosts; the configuration edit (confedit.c) that
 * switches [ssh] identity, every other byte kept; the remote path of
 * [ssh] authorized_keys, quoted for the host's shell.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "confedit.h"
#include "keyinv.h"
#include "keyrot.h"
#include "util.h"
#include "fixture.h"

static void
load_both(struct keyinv *inv)
{
	char	*text, *next = NULL, *cause = NULL;
	size_t	 len;

	memset(inv, 0, sizeof *inv);
	text = fixture_read("openstack/servers-detail.json", &len);
	assert_int_equal(keyinv_add_nova(inv, text, len, NULL, &next,
	    &cause), 0);
	assert_non_null(next);
	assert_non_null(strstr(next, "marker=e2c9b2ef"));
	free(next);
	free(text);
	text = fixture_read("rancher/hosts.json", &len);
	assert_int_equal(keyinv_add_rancher(inv, text, len, NULL, &next,
	    &cause), 0);
	free(next);
	free(text);
}

static void
test_inventory_join(void **state)
{
	struct keyinv	 inv;
	static const char *const want[][3] = {
		/* key, address, sources */
		{ "bbb-01", "10.1.10.12", "3" },	/* fixed v4 first */
		{ "bbb-02", "10.1.10.13", "3" },	/* Nova has none */
		{ "bbb-07", "10.1.10.18", "3" },
		{ "bbb-08", NULL, "2" },
		{ "bbb-09", NULL, "2" },
	};
	size_t		 i;

	(void)state;
	load_both(&inv);
	assert_int_equal(inv.n, nitems(want));
	for (i = 0; i < inv.n; i++) {
		assert_string_equal(inv.v[i].key, want[i][0]);
		if (want[i][1] == NULL)
			assert_null(inv.v[i].address);
		else
			assert_string_equal(inv.v[i].address, want[i][1]);
		assert_int_equal(inv.v[i].sources, atoi(want[i][2]));
	}
	/* Nova's name is kept as the host's name. */
	assert_string_equal(inv.v[0].name, "bbb-01");
	keyinv_free(&inv);
}

static void
test_inventory_select(void **state)
{
	struct keyinv	 inv;
	char		*cause = NULL;

	(void)state;
	load_both(&inv);
	/* A node key or a source's name; the inventory's order kept. */
	assert_int_equal(keyinv_select(&inv, "bbb-09,bbb-01.bbb.example.com",
	    NULL, &cause), 0);
	assert_int_equal(inv.n, 2);
	assert_string_equal(inv.v[0].key, "bbb-01");
	assert_string_equal(inv.v[1].key, "bbb-09");
	assert_int_equal(keyinv_select(&inv, "bbb-01,nope,bbb-42", NULL,
	    &cause), -1);
	assert_non_null(strstr(cause, "nope, bbb-42"));
	free(cause);
	assert_int_equal(inv.n, 2);
	keyinv_free(&inv);
}

static void
test_inventory_bad(void **state)
{
	struct keyinv	 inv = { NULL, 0 };
	char		*next = NULL, *cause = NULL, *text;
	size_t		 len;

	(void)state;
	assert_int_equal(keyinv_add_nova(&inv, "{\"servers\": 3}", 14, NULL,
	    &next, &cause), -1);
	assert_non_null(strstr(cause, "no servers array"));
	free(cause);
	cause = NULL;
	assert_int_equal(keyinv_add_rancher(&inv, "[", 1, NULL, &next,
	    &cause), -1);
	assert_non_null(strstr(cause, "not JSON"));
	free(cause);
	cause = NULL;
	text = fixture_read("openstack/servers-empty.json", &len);
	assert_int_equal(keyinv_add_nova(&inv, text, len, NULL, &next,
	    &cause), 0);
	assert_null(next);
	assert_int_equal(inv.n, 0);
	free(text);
	keyinv_free(&inv);
}

static char *
set(const char *in, const char *section, const char *key, const char *value)
{
	size_t	 len;
	char	*out;

	out = confedit_set(in, strlen(in), section, key, value, &len);
	assert_int_equal(strlen(out), len);
	return (out);
}

static void
test_confedit(void **state)
{
	char	*out;

	(void)state;
	/* Replaced in its section only; comments and other keys kept. */
	out = set("[cluster]\nidentity = x\n\n[ssh]\n# identity = old\n"
	    "user = root\n  identity=/k/old  \nport = 22\n", "ssh",
	    "identity", "/k/new");
	assert_string_equal(out, "[cluster]\nidentity = x\n\n[ssh]\n"
	    "# identity = old\nuser = root\nidentity = /k/new\nport = 22\n");
	free(out);
	/* Not in the section: right after its header. */
	out = set("[ssh]\nuser = root\n[ui]\nrefresh = 2s", "ssh", "identity",
	    "/k/new");
	assert_string_equal(out, "[ssh]\nidentity = /k/new\nuser = root\n"
	    "[ui]\nrefresh = 2s");
	free(out);
	/* No section: appended, after a newline the file lacked. */
	out = set("[ui]\nrefresh = 2s", "scale", "key_name", "bbbctl-1");
	assert_string_equal(out, "[ui]\nrefresh = 2s\n\n[scale]\n"
	    "key_name = bbbctl-1\n");
	free(out);
	out = set("", "scale", "key_name", "k");
	assert_string_equal(out, "[scale]\nkey_name = k\n");
	free(out);
	/* A header at the very end, no newline. */
	out = set("[a]\nx = 1\n[ssh]", "ssh", "identity", "/k");
	assert_string_equal(out, "[a]\nx = 1\n[ssh]\nidentity = /k\n");
	free(out);
	/* identity_file is another key. */
	out = set("[ssh]\nidentity_file = /f\n", "ssh", "identity", "/k");
	assert_string_equal(out, "[ssh]\nidentity = /k\nidentity_file = /f\n");
	free(out);
}

/* [ssh] authorized_keys as the remote shell gets it: quoted, $HOME. */
static void
test_path_expr(void **state)
{
	static const char *const cases[][2] = {
		{ NULL, "\"$HOME\"/'.ssh/authorized_keys'" },
		{ "", "\"$HOME\"/'.ssh/authorized_keys'" },
		{ "~/keys/a b", "\"$HOME\"/'keys/a b'" },
		{ "/etc/ssh/keys/root", "'/etc/ssh/keys/root'" },
		{ "it's; rm -rf /", "\"$HOME\"/'it'\\''s; rm -rf /'" },
	};
	char	*e;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		e = keyrot_path_expr(cases[i][0]);
		assert_string_equal(e, cases[i][1]);
		free(e);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inventory_join),
		cmocka_unit_test(test_inventory_select),
		cmocka_unit_test(test_inventory_bad),
		cmocka_unit_test(test_confedit),
		cmocka_unit_test(test_path_expr),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
